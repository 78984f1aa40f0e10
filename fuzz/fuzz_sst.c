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

#include "../tests/unit/store/sst_ref.h"
#include "store/sst.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t bsz[4] = { 64, 256, 1024, 8192 };
	static const int rst[4] = { 1, 3, 16, 64 };
	if (size < 1)
		return 0;
	uint8_t o = data[0];
	size_t p = 1, n = 0;
	struct sst_ref_kv *ops = malloc((size / 4 + 1) * sizeof *ops);
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
		ops[n++] = (struct sst_ref_kv){ (uint8_t *)data + p, (uint8_t *)data + p + kl, kl, vl, h & 1 };
		p += kl + vl;
	}
	qsort(ops, n, sizeof *ops, sst_ref_kv_cmp);
	size_t m = 0;
	for (size_t i = 0; i < n; i++)
		if (!m || sst_ref_kv_cmp(&ops[m - 1], &ops[i]))
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

	lb_sst_opts_t so = sst_ref_opts(bs, restart, filt);
	lb_sst_t *w;
	if (lb_sst_open(&w, p1, &so))
		abort();
	for (size_t i = 0; i < m; i++)
		if (lb_sst_add(w, ops[i].put, ops[i].k, ops[i].kl, ops[i].v, ops[i].vl))
			abort();
	if (lb_sst_finish(w))
		abort();
	lb_sst_free(w);
	/* RocksDB refusing what lookback wrote: not sorted, or worse */
	struct sst_ref_rocks *r = sst_ref_rocks_open(p2, bs, restart, filt);
	if (!r)
		abort();
	for (size_t i = 0; i < m; i++)
		if (sst_ref_rocks_add(r, ops[i].put, ops[i].k, ops[i].kl, ops[i].v, ops[i].vl))
			abort();
	if (sst_ref_rocks_end(r))
		abort();

	size_t n1, n2;
	int c1, c2;
	uint8_t *b1 = sst_ref_slurp(p1, &n1), *b2 = sst_ref_slurp(p2, &n2);
	if (!b1 || !b2)
		abort();
	size_t e1 = sst_ref_index_end(b1, n1, &c1), e2 = sst_ref_index_end(b2, n2, &c2);
	if (c1 != c2 || e1 != e2 || e1 > n1 || memcmp(b1, b2, e1))
		abort();
	free(b1);
	free(b2);
	unlink(p1);
	unlink(p2);
	free(ops);
	return 0;
}
