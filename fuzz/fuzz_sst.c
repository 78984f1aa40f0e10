/*
 * fuzz_sst.c - lookback's table file writer (src/store/sst.c) against
 * RocksDB's SstFileWriter, on keys and values from the input: the same sorted
 * operations written by both must give the same data blocks, prefix filter
 * and index, byte for byte (the keys of a store come from traffic: any bytes,
 * any lengths).
 *
 * Input: one options byte (block size 64/256/1024/8192, restart interval
 * 1/3/16/64, filter on or off), then records: a header byte h (bit 0: put,
 * else merge; bit 1: a second key-length byte; bit 2: a second value-length
 * byte), the key length - 1 (one or two bytes, little-endian), the value
 * length (one or two bytes), the key, the value.  The keys are sorted and
 * the repeats dropped (the writer's contract: strictly increasing keys).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rocksdb/c.h>

#include "store/sst.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct op {
	const uint8_t *k, *v;
	size_t kl, vl;
	int put;
};

static int op_cmp(const void *a, const void *b)
{
	const struct op *x = a, *y = b;
	size_t m = x->kl < y->kl ? x->kl : y->kl;
	int c = memcmp(x->k, y->k, m);
	return c ? c : (x->kl > y->kl) - (x->kl < y->kl);
}

/* keys starting 0xff or shorter than 2 bytes have no prefix; else the bytes
 * up to the first 0x00 after the first byte, or the whole key when it starts
 * 0x01 (prefixes of every length, runs of one prefix, keys without) */
static size_t fpfx(const uint8_t *k, size_t n)
{
	if (n < 2 || k[0] == 0xff)
		return 0;
	for (size_t i = 1; i < n; i++)
		if (k[i] == 0)
			return i + 1;
	return k[0] == 0x01 ? n : 0;
}

static char *fpfx_tr(void *st, const char *k, size_t n, size_t *dst)
{
	(void)st;
	*dst = fpfx((const uint8_t *)k, n);
	return (char *)k;
}

static unsigned char fpfx_in(void *st, const char *k, size_t n)
{
	(void)st;
	return fpfx((const uint8_t *)k, n) != 0;
}

static unsigned char fpfx_range(void *st, const char *k, size_t n)
{
	(void)st;
	return fpfx((const uint8_t *)k, n) == n;
}

static const char *fpfx_name(void *st)
{
	(void)st;
	return "lookback.fuzz.prefix";
}

static void nop(void *st)
{
	(void)st;
}

static uint8_t *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		abort();
	fseek(f, 0, SEEK_END);
	long sz = ftell(f);
	rewind(f);
	uint8_t *b = malloc(sz > 0 ? (size_t)sz : 1);
	if (!b || sz < 53 || fread(b, 1, (size_t)sz, f) != (size_t)sz)
		abort();
	fclose(f);
	*n = (size_t)sz;
	return b;
}

/* The end of the index block (its trailer included), from the footer. */
static size_t index_end(const uint8_t *b, size_t n)
{
	size_t p = n - 52;
	uint64_t v[4] = { 0 };
	for (int h = 0; h < 4; h++)
		for (int sh = 0; sh < 64 && p < n; sh += 7) {
			uint8_t c = b[p++];
			v[h] |= (uint64_t)(c & 0x7f) << sh;
			if (!(c & 0x80))
				break;
		}
	return (size_t)(v[2] + v[3] + 5);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t bsz[4] = { 64, 256, 1024, 8192 };
	static const int rst[4] = { 1, 3, 16, 64 };
	if (size < 1)
		return 0;
	uint8_t o = data[0];
	size_t p = 1, n = 0;
	struct op *ops = malloc((size / 4 + 1) * sizeof *ops);
	if (!ops)
		return 0;
	while (p < size) {
		uint8_t h = data[p++];
		size_t kl = 0, vl = 0;
		if (p >= size)
			break;
		kl = data[p++];
		if ((h & 2) && p < size)
			kl |= (size_t)data[p++] << 8;
		kl += 1;
		if (p >= size)
			break;
		vl = data[p++];
		if ((h & 4) && p < size)
			vl |= (size_t)data[p++] << 8;
		if (kl > size - p || vl > size - p - kl)
			break;
		ops[n++] = (struct op){ data + p, data + p + kl, kl, vl, h & 1 };
		p += kl + vl;
	}
	qsort(ops, n, sizeof *ops, op_cmp);
	size_t m = 0;
	for (size_t i = 0; i < n; i++)
		if (!m || op_cmp(&ops[m - 1], &ops[i]))
			ops[m++] = ops[i];
	if (!m) {
		free(ops);
		return 0;
	}
	size_t bs = bsz[o & 3];
	int restart = rst[(o >> 2) & 3], filt = (o >> 4) & 1;
	char p1[64], p2[64];
	snprintf(p1, sizeof p1, "/tmp/lb-fuzz-sst.%d.a", (int)getpid());
	snprintf(p2, sizeof p2, "/tmp/lb-fuzz-sst.%d.b", (int)getpid());

	lb_sst_opts_t so = { .block_size = bs, .restart = restart };
	if (filt) {
		so.prefix = fpfx;
		so.filter = 1;
		so.prefix_extractor = "lookback.fuzz.prefix";
	}
	lb_sst_t *w;
	if (lb_sst_open(&w, p1, &so))
		abort();
	for (size_t i = 0; i < m; i++)
		if (lb_sst_add(w, ops[i].put, ops[i].k, ops[i].kl, ops[i].v, ops[i].vl))
			abort();
	if (lb_sst_finish(w))
		abort();
	lb_sst_free(w);

	rocksdb_options_t *ro = rocksdb_options_create();
	rocksdb_block_based_table_options_t *t = rocksdb_block_based_options_create();
	rocksdb_block_based_options_set_format_version(t, 5);
	rocksdb_block_based_options_set_block_size(t, bs);
	rocksdb_block_based_options_set_block_restart_interval(t, restart);
	rocksdb_block_based_options_set_checksum(t, 4);
	if (filt) {
		rocksdb_block_based_options_set_filter_policy(t, rocksdb_filterpolicy_create_bloom_full(10));
		rocksdb_block_based_options_set_whole_key_filtering(t, 0);
		rocksdb_options_set_prefix_extractor(
			ro, rocksdb_slicetransform_create(NULL, nop, fpfx_tr, fpfx_in, fpfx_range, fpfx_name));
	}
	rocksdb_options_set_block_based_table_factory(ro, t);
	rocksdb_options_set_compression(ro, rocksdb_no_compression);
	rocksdb_envoptions_t *eo = rocksdb_envoptions_create();
	rocksdb_sstfilewriter_t *rw = rocksdb_sstfilewriter_create(eo, ro);
	char *e = NULL;
	rocksdb_sstfilewriter_open(rw, p2, &e);
	for (size_t i = 0; i < m && !e; i++) {
		if (ops[i].put)
			rocksdb_sstfilewriter_put(rw, (const char *)ops[i].k, ops[i].kl,
						  (const char *)ops[i].v, ops[i].vl, &e);
		else
			rocksdb_sstfilewriter_merge(rw, (const char *)ops[i].k, ops[i].kl,
						    (const char *)ops[i].v, ops[i].vl, &e);
	}
	if (!e)
		rocksdb_sstfilewriter_finish(rw, &e);
	if (e)
		abort(); /* RocksDB refused what lookback wrote: not sorted, or worse */
	rocksdb_sstfilewriter_destroy(rw);
	rocksdb_envoptions_destroy(eo);
	rocksdb_block_based_options_destroy(t);
	rocksdb_options_destroy(ro);

	size_t n1, n2;
	uint8_t *b1 = slurp(p1, &n1), *b2 = slurp(p2, &n2);
	size_t e1 = index_end(b1, n1), e2 = index_end(b2, n2);
	if (e1 != e2 || e1 > n1 || memcmp(b1, b2, e1))
		abort();
	free(b1);
	free(b2);
	unlink(p1);
	unlink(p2);
	free(ops);
	return 0;
}
