/*
 * test_sst.c - lookback's table file writer (store/sst.c) against RocksDB:
 * for the same keys and options its data and index blocks are byte for byte
 * the ones RocksDB's SstFileWriter writes; RocksDB ingests its files and
 * reads every key and value back with checksums verified, through a
 * compaction too; keys out of order, repeated keys, an empty table and an
 * unwritable path are refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <rocksdb/c.h>

#include "sst_ref.h"
#include "store/sst.h"
#include "util/err.h"

static char dir[128];

static int setup(void **st)
{
	(void)st;
	snprintf(dir, sizeof dir, "/tmp/lb-test-sst.%d", (int)getpid());
	char cmd[512];
	snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s'", dir, dir);
	return system(cmd) == 0 ? 0 : -1;
}

static int teardown(void **st)
{
	(void)st;
	char cmd[512];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* n sorted unique keys over a small alphabet (0x00 0x01 0x02 'a' 0xfe 0xff:
 * keys that are prefixes of others, bytes next to the trailer's and at the
 * ends of the range, separators that must carry), a few of them long; values
 * empty to long. */
static struct sst_ref_kv *make_keys(size_t n, size_t *out_n)
{
	static const uint8_t alpha[] = { 0x00, 0x01, 0x02, 'a', 0xfe, 0xff };
	struct sst_ref_kv *a = calloc(n, sizeof *a);
	assert_non_null(a);
	for (size_t i = 0; i < n; i++) {
		uint64_t r = next();
		size_t kl = 1 + r % 24;
		if (r % 997 == 0)
			kl = 5000 + (size_t)(r >> 20) % 70000; /* larger than a block, past 64 KiB */
		a[i].k = malloc(kl);
		assert_non_null(a[i].k);
		for (size_t j = 0; j < kl; j++)
			a[i].k[j] = alpha[next() % sizeof alpha];
		a[i].kl = kl;
		size_t vl = (r >> 8) % 40;
		if (r % 499 == 1)
			vl = 9000 + (size_t)(r >> 30) % 20000;
		a[i].v = malloc(vl ? vl : 1);
		assert_non_null(a[i].v);
		for (size_t j = 0; j < vl; j++)
			a[i].v[j] = (uint8_t)next();
		a[i].vl = vl;
		a[i].put = (r >> 60) & 1;
	}
	qsort(a, n, sizeof *a, sst_ref_kv_cmp);
	size_t m = 0; /* drop repeats */
	for (size_t i = 0; i < n; i++) {
		if (m && !sst_ref_kv_cmp(&a[m - 1], &a[i])) {
			free(a[i].k);
			free(a[i].v);
			continue;
		}
		a[m++] = a[i];
	}
	*out_n = m;
	return a;
}

static void free_keys(struct sst_ref_kv *a, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(a[i].k);
		free(a[i].v);
	}
	free(a);
}

static uint8_t *slurp(const char *path, size_t *n)
{
	uint8_t *b = sst_ref_slurp(path, n);
	assert_non_null(b);
	return b;
}

static uint64_t get_v(const uint8_t *b, size_t *p)
{
	return sst_ref_varint(b, SIZE_MAX, p);
}

/* The end of the index block, checking the checksum type (XXH3 in both). */
static size_t index_end(const uint8_t *b, size_t n)
{
	int ck;
	size_t e = sst_ref_index_end(b, n, &ck);
	assert_int_equal(ck, 4);
	assert_true(e <= n);
	return e;
}

/* The value of entry name in the block at b[off..off+size) (keys delta
 * encoded); its length in *vl, NULL when absent. */
static const uint8_t *block_find(const uint8_t *b, size_t off, size_t size, const char *name,
				 size_t *vl)
{
	const uint8_t *blk = b + off;
	uint32_t nr = (uint32_t)blk[size - 4] | (uint32_t)blk[size - 3] << 8 |
		      (uint32_t)blk[size - 2] << 16 | (uint32_t)blk[size - 1] << 24;
	size_t end = size - 4 - 4 * (size_t)nr, p = 0;
	char key[256];
	while (p < end) {
		size_t sh = (size_t)get_v(blk, &p), ns = (size_t)get_v(blk, &p);
		size_t n = (size_t)get_v(blk, &p);
		assert_true(sh + ns < sizeof key);
		memcpy(key + sh, blk + p, ns);
		key[sh + ns] = 0;
		p += ns;
		if (!strcmp(key, name)) {
			*vl = n;
			return blk + p;
		}
		p += n;
	}
	return NULL;
}

/* Table property name's value bytes (via the footer and the metaindex). */
static const uint8_t *prop(const uint8_t *b, size_t n, const char *name, size_t *vl)
{
	size_t p = n - 52;
	size_t mo = (size_t)get_v(b, &p), ms = (size_t)get_v(b, &p);
	size_t hl;
	const uint8_t *h = block_find(b, mo, ms, "rocksdb.properties", &hl);
	assert_non_null(h);
	size_t q = 0;
	size_t po = (size_t)get_v(h, &q), ps = (size_t)get_v(h, &q);
	return block_find(b, po, ps, name, vl);
}

static void write_ours(const char *path, const struct sst_ref_kv *a, size_t n, size_t bs, int restart,
		       int filt)
{
	lb_sst_opts_t o = sst_ref_opts(bs, restart, filt);
	lb_sst_t *w;
	assert_int_equal(lb_sst_open(&w, path, &o), 0);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(lb_sst_add(w, a[i].put, a[i].k, a[i].kl, a[i].v, a[i].vl), 0);
	assert_int_equal(lb_sst_count(w), n);
	assert_int_equal(lb_sst_finish(w), 0);
	lb_sst_free(w);
}

static void write_rocks(const char *path, const struct sst_ref_kv *a, size_t n, size_t bs, int restart,
			int filt)
{
	struct sst_ref_rocks *r = sst_ref_rocks_open(path, bs, restart, filt);
	assert_non_null(r);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(sst_ref_rocks_add(r, a[i].put, a[i].k, a[i].kl, a[i].v, a[i].vl), 0);
	assert_int_equal(sst_ref_rocks_end(r), 0);
}

/* Write a[0..n) with both writers; their bytes up to the end of the index
 * block (data blocks, the filter, the index) must be the same. */
static void same_bytes(const struct sst_ref_kv *a, size_t n, size_t bs, int restart, int filt)
{
	char p1[200], p2[200];
	snprintf(p1, sizeof p1, "%s/ours.sst", dir);
	snprintf(p2, sizeof p2, "%s/rocks.sst", dir);
	write_ours(p1, a, n, bs, restart, filt);
	write_rocks(p2, a, n, bs, restart, filt);
	size_t n1, n2;
	uint8_t *b1 = slurp(p1, &n1), *b2 = slurp(p2, &n2);
	size_t e1 = index_end(b1, n1), e2 = index_end(b2, n2);
	assert_int_equal(e1, e2);
	assert_memory_equal(b1, b2, e1);
	/* the filter is there when a key has a prefix (in both, then) */
	const char *fname = "fullfilter.rocksdb.BuiltinBloomFilter";
	assert_int_equal(memmem(b1, n1, fname, strlen(fname)) != NULL,
			 memmem(b2, n2, fname, strlen(fname)) != NULL);
	/* and the properties a reader uses say the same */
	static const char *const same[] = {
		"rocksdb.num.entries", "rocksdb.raw.key.size", "rocksdb.raw.value.size",
		"rocksdb.data.size", "rocksdb.index.size", "rocksdb.filter.size",
		"rocksdb.num.filter_entries", "rocksdb.num.data.blocks", "rocksdb.merge.operands",
		"rocksdb.index.key.is.user.key", "rocksdb.index.value.is.delta.encoded",
		"rocksdb.external_sst_file.version", "rocksdb.external_sst_file.global_seqno",
		"rocksdb.block.based.table.index.type", "rocksdb.comparator",
		"rocksdb.prefix.extractor.name", "rocksdb.column.family.id", "rocksdb.compression",
	};
	for (size_t i = 0; i < sizeof same / sizeof same[0]; i++) {
		size_t l1, l2;
		const uint8_t *v1 = prop(b1, n1, same[i], &l1), *v2 = prop(b2, n2, same[i], &l2);
		assert_non_null(v1);
		assert_non_null(v2);
		assert_int_equal(l1, l2);
		assert_memory_equal(v1, v2, l1);
	}
	free(b1);
	free(b2);
}

/* Data and index blocks as SstFileWriter writes them, for several block
 * sizes and restart intervals (the store's: 8 KiB, 64), without and with a
 * prefix filter (keys with and without prefixes, runs of one prefix). */
static void test_same_blocks_as_rocksdb(void **st)
{
	(void)st;
	static const struct { size_t bs; int restart; } cf[] = {
		{ 8192, 64 }, { 256, 3 }, { 4096, 16 }, { 64, 1 },
	};
	size_t n;
	struct sst_ref_kv *a = make_keys(20000, &n);
	assert_true(n > 15000);
	for (size_t c = 0; c < sizeof cf / sizeof cf[0]; c++) {
		same_bytes(a, n, cf[c].bs, cf[c].restart, 0);
		same_bytes(a, n, cf[c].bs, cf[c].restart, 1);
	}
	/* small tables: one key; keys none of which has a prefix; a prefix only
	 * on the last key, only on the first */
	same_bytes(a, 1, 8192, 64, 1);
	size_t m = 0;
	struct sst_ref_kv *b = calloc(n, sizeof *b);
	assert_non_null(b);
	for (size_t i = 0; i < n; i++)
		if (!sst_ref_pfx(a[i].k, a[i].kl))
			b[m++] = a[i];
	assert_true(m > 100);
	same_bytes(b, m, 8192, 64, 1);
	size_t q = 0;
	while (q < n && !sst_ref_pfx(a[q].k, a[q].kl))
		q++;
	assert_true(q < n);
	b[0] = a[q]; /* then keys after it without a prefix */
	size_t k = 1;
	for (size_t i = q + 1; i < n && k < 50; i++)
		if (!sst_ref_pfx(a[i].k, a[i].kl))
			b[k++] = a[i];
	same_bytes(b, k, 8192, 64, 1);
	k = 0;
	for (size_t i = 0; i < q && k < 50; i++)
		b[k++] = a[i];
	b[k++] = a[q];
	same_bytes(b, k, 8192, 64, 1);
	/* the first two keys with a prefix share it (RocksDB's empty-prefix
	 * hash comes between their two hashes) */
	static uint8_t s1[] = { 2, 'a', 0, 1 }, s2[] = { 2, 'a', 0, 2 }, s3[] = { 2, 'b', 0 };
	struct sst_ref_kv same[3] = { { s1, s1, 4, 1, 1 }, { s2, s2, 4, 1, 0 }, { s3, s3, 3, 1, 1 } };
	same_bytes(same, 3, 8192, 64, 1);
	assert_true(lb_sst_filter_available());
	free(b);
	free_keys(a, n);
}

/* merge operator of the read-back DB: the operands concatenated after the
 * existing value */
static char *mfull(void *st, const char *key, size_t kl, const char *ev, size_t evl,
		   const char *const *ops, const size_t *opl, int nops, unsigned char *ok, size_t *nl)
{
	(void)st;
	(void)key;
	(void)kl;
	size_t t = evl;
	for (int i = 0; i < nops; i++)
		t += opl[i];
	char *r = malloc(t ? t : 1);
	size_t at = 0;
	if (ev) {
		memcpy(r, ev, evl);
		at = evl;
	}
	for (int i = 0; i < nops; i++) {
		memcpy(r + at, ops[i], opl[i]);
		at += opl[i];
	}
	*nl = at;
	*ok = 1;
	return r;
}

static char *mpartial(void *st, const char *key, size_t kl, const char *const *ops,
		      const size_t *opl, int nops, unsigned char *ok, size_t *nl)
{
	return mfull(st, key, kl, NULL, 0, ops, opl, nops, ok, nl);
}

static void mdel(void *st, const char *v, size_t n)
{
	(void)st;
	(void)n;
	free((char *)v);
}

static const char *mname(void *st)
{
	(void)st;
	return "lookback.test.concat";
}

static void check_all(rocksdb_t *db, const struct sst_ref_kv *a, size_t n)
{
	rocksdb_readoptions_t *ro = rocksdb_readoptions_create();
	rocksdb_readoptions_set_verify_checksums(ro, 1);
	rocksdb_iterator_t *it = rocksdb_create_iterator(db, ro);
	size_t i = 0;
	for (rocksdb_iter_seek_to_first(it); rocksdb_iter_valid(it); rocksdb_iter_next(it), i++) {
		assert_true(i < n);
		size_t kl, vl;
		const char *k = rocksdb_iter_key(it, &kl), *v = rocksdb_iter_value(it, &vl);
		assert_int_equal(kl, a[i].kl);
		assert_memory_equal(k, a[i].k, kl);
		assert_int_equal(vl, a[i].vl);
		if (vl)
			assert_memory_equal(v, a[i].v, vl);
	}
	char *e = NULL;
	rocksdb_iter_get_error(it, &e);
	assert_null(e);
	assert_int_equal(i, n);
	rocksdb_iter_destroy(it);
	for (size_t q = 0; q < n; q += 7) { /* point reads: separators, the filter */
		size_t vl;
		char *v = rocksdb_get(db, ro, (const char *)a[q].k, a[q].kl, &vl, &e);
		assert_null(e);
		assert_non_null(v);
		assert_int_equal(vl, a[q].vl);
		if (vl)
			assert_memory_equal(v, a[q].v, vl);
		rocksdb_free(v);
		/* a key just after it (its last byte raised or a byte appended) is absent
		 * unless it is the next key */
		uint8_t *k2 = malloc(a[q].kl + 1);
		memcpy(k2, a[q].k, a[q].kl);
		k2[a[q].kl] = 0x80;
		if (q + 1 >= n || sst_ref_kv_cmp(&(struct sst_ref_kv){ .k = k2, .kl = a[q].kl + 1 }, &a[q + 1]) != 0) {
			v = rocksdb_get(db, ro, (const char *)k2, a[q].kl + 1, &vl, &e);
			assert_null(e);
			assert_null(v);
		}
		free(k2);
	}
	rocksdb_readoptions_destroy(ro);
}

/* RocksDB ingests the file and reads back every key and value (checksums
 * verified), before and after compacting it into a table of its own. */
static void test_ingest_reads_back(void **st)
{
	(void)st;
	size_t n;
	struct sst_ref_kv *a = make_keys(30000, &n);
	char path[200], dbp[200];
	snprintf(path, sizeof path, "%s/in.sst", dir);
	snprintf(dbp, sizeof dbp, "%s/db", dir);
	lb_sst_opts_t so = { .block_size = 8192, .restart = 64, .merge_operator = "lookback.test.concat",
			     .prefix_extractor = SST_REF_PREFIX_NAME, .prefix = sst_ref_pfx, .filter = 1 };
	lb_sst_t *w;
	assert_int_equal(lb_sst_open(&w, path, &so), 0);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(lb_sst_add(w, a[i].put, a[i].k, a[i].kl, a[i].v, a[i].vl), 0);
	assert_int_equal(lb_sst_finish(w), 0);
	lb_sst_free(w);

	rocksdb_options_t *o = rocksdb_options_create();
	rocksdb_options_set_create_if_missing(o, 1);
	rocksdb_options_set_paranoid_checks(o, 1);
	rocksdb_mergeoperator_t *m =
		rocksdb_mergeoperator_create(NULL, sst_ref_nop, mfull, mpartial, mdel, mname);
	rocksdb_options_set_merge_operator(o, m); /* owned by the options now */
	/* the same prefix extractor and filter policy: point reads of keys with
	 * a prefix consult the file's filter (a wrong filter loses them) */
	rocksdb_block_based_table_options_t *t = rocksdb_block_based_options_create();
	rocksdb_block_based_options_set_filter_policy(t, rocksdb_filterpolicy_create_bloom_full(10));
	rocksdb_block_based_options_set_whole_key_filtering(t, 0);
	rocksdb_options_set_block_based_table_factory(o, t);
	rocksdb_options_set_prefix_extractor(
		o, rocksdb_slicetransform_create(NULL, sst_ref_nop, sst_ref_pfx_tr, sst_ref_pfx_in,
						 sst_ref_pfx_range, sst_ref_pfx_name));
	char *e = NULL;
	rocksdb_t *db = rocksdb_open(o, dbp, &e);
	assert_null(e);
	/* something before it, so that the ingested file gets a sequence number */
	rocksdb_writeoptions_t *wo = rocksdb_writeoptions_create();
	rocksdb_put(db, wo, "\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff"
			    "\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff", 28, "x", 1, &e);
	assert_null(e);
	rocksdb_delete(db, wo, "\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff"
			       "\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff", 28, &e);
	assert_null(e);
	rocksdb_ingestexternalfileoptions_t *io = rocksdb_ingestexternalfileoptions_create();
	rocksdb_ingestexternalfileoptions_set_move_files(io, 1);
	rocksdb_ingestexternalfileoptions_set_allow_global_seqno(io, 1);
	rocksdb_ingestexternalfileoptions_set_allow_blocking_flush(io, 1);
	const char *const files[1] = { path };
	rocksdb_ingest_external_file(db, files, 1, io, &e);
	assert_null(e);
	check_all(db, a, n);
	rocksdb_compact_range(db, NULL, 0, NULL, 0);
	check_all(db, a, n);
	rocksdb_close(db);
	/* reopened (the file's properties, its unique id in the manifest) */
	db = rocksdb_open(o, dbp, &e);
	assert_null(e);
	check_all(db, a, n);
	rocksdb_close(db);
	rocksdb_ingestexternalfileoptions_destroy(io);
	rocksdb_block_based_options_destroy(t);
	rocksdb_writeoptions_destroy(wo);
	rocksdb_options_destroy(o);
	free_keys(a, n);
}

/* A writer reopened for a second file (the store keeps one for its
 * buffers) writes it as a new writer would: nothing of the first carries
 * over (blocks, filter, counts), also after a file abandoned half way. */
static void test_reopen(void **st)
{
	(void)st;
	size_t n;
	struct sst_ref_kv *a = make_keys(6000, &n);
	size_t h = n / 2;
	char p1[200], p2[200], p3[200];
	snprintf(p1, sizeof p1, "%s/r1.sst", dir);
	snprintf(p2, sizeof p2, "%s/r2.sst", dir);
	snprintf(p3, sizeof p3, "%s/r3.sst", dir);
	lb_sst_opts_t o = sst_ref_opts(1024, 16, 1);
	lb_sst_t *w;
	assert_int_equal(lb_sst_open(&w, p1, &o), 0);
	for (size_t i = h; i < n; i++) /* the later keys first */
		assert_int_equal(lb_sst_add(w, a[i].put, a[i].k, a[i].kl, a[i].v, a[i].vl), 0);
	assert_int_equal(lb_sst_finish(w), 0);
	assert_int_equal(lb_sst_reopen(w, p2), 0);
	for (size_t i = 0; i < h / 2; i++) /* abandoned */
		assert_int_equal(lb_sst_add(w, a[i].put, a[i].k, a[i].kl, a[i].v, a[i].vl), 0);
	assert_int_equal(lb_sst_reopen(w, p2), 0);
	for (size_t i = 0; i < h; i++)
		assert_int_equal(lb_sst_add(w, a[i].put, a[i].k, a[i].kl, a[i].v, a[i].vl), 0);
	assert_int_equal(lb_sst_count(w), h);
	assert_int_equal(lb_sst_finish(w), 0);
	lb_sst_free(w);
	write_rocks(p3, a, h, 1024, 16, 1);
	size_t n2, n3;
	uint8_t *b2 = slurp(p2, &n2), *b3 = slurp(p3, &n3);
	size_t e2 = index_end(b2, n2);
	assert_int_equal(e2, index_end(b3, n3));
	assert_memory_equal(b2, b3, e2);
	size_t l2, l3;
	const uint8_t *v2 = prop(b2, n2, "rocksdb.num.filter_entries", &l2);
	const uint8_t *v3 = prop(b3, n3, "rocksdb.num.filter_entries", &l3);
	assert_int_equal(l2, l3);
	assert_memory_equal(v2, v3, l2);
	free(b2);
	free(b3);
	free_keys(a, n);
}

/* Two files of one writer process get different session ids: RocksDB keys
 * its block cache by them, so equal ids would let one file's cached blocks
 * answer for the other's. */
static void test_session_ids_differ(void **st)
{
	(void)st;
	char p1[200], p2[200];
	snprintf(p1, sizeof p1, "%s/s1.sst", dir);
	snprintf(p2, sizeof p2, "%s/s2.sst", dir);
	struct sst_ref_kv one = { (uint8_t *)"k", (uint8_t *)"v", 1, 1, 1 };
	write_ours(p1, &one, 1, 8192, 64, 0);
	write_ours(p2, &one, 1, 8192, 64, 0);
	size_t n1, n2;
	uint8_t *b1 = slurp(p1, &n1), *b2 = slurp(p2, &n2);
	assert_int_equal(n1, n2);
	const char *tag = "session.identity";
	uint8_t *s1 = memmem(b1, n1, tag, strlen(tag)), *s2 = memmem(b2, n2, tag, strlen(tag));
	assert_non_null(s1);
	assert_non_null(s2);
	assert_int_equal(s1 - b1, s2 - b2);
	assert_memory_not_equal(s1 + strlen(tag), s2 + strlen(tag), 20);
	free(b1);
	free(b2);
}

static void test_refuses(void **st)
{
	(void)st;
	char path[200];
	snprintf(path, sizeof path, "%s/bad.sst", dir);
	lb_sst_opts_t o = { .block_size = 8192, .restart = 64 };
	lb_sst_t *w;
	assert_int_equal(lb_sst_open(&w, path, &o), 0);
	assert_int_equal(lb_sst_finish(w), LB_EINVAL); /* no key */
	lb_sst_free(w);

	assert_int_equal(lb_sst_open(&w, path, &o), 0);
	assert_int_equal(lb_sst_add(w, 1, "abc", 3, "", 0), 0);
	assert_int_equal(lb_sst_add(w, 0, "abc", 3, "x", 1), LB_EINVAL); /* repeated */
	lb_sst_free(w);
	assert_int_equal(lb_sst_open(&w, path, &o), 0);
	assert_int_equal(lb_sst_add(w, 1, "abc", 3, "", 0), 0);
	assert_int_equal(lb_sst_add(w, 1, "ab", 2, "", 0), LB_EINVAL);   /* a prefix: before */
	lb_sst_free(w);
	assert_int_equal(lb_sst_open(&w, path, &o), 0);
	assert_int_equal(lb_sst_add(w, 1, "abc", 3, "", 0), 0);
	assert_int_equal(lb_sst_add(w, 1, "abb\xff", 4, "", 0), LB_EINVAL);
	/* a refused key is not written: the table goes on */
	assert_int_equal(lb_sst_add(w, 1, "abd", 3, "", 0), 0);
	assert_int_equal(lb_sst_count(w), 2);
	assert_int_equal(lb_sst_finish(w), 0);
	lb_sst_free(w);

	lb_sst_opts_t bad = { .block_size = 0, .restart = 64 };
	assert_int_equal(lb_sst_open(&w, path, &bad), LB_EINVAL);
	char nodir[200];
	snprintf(nodir, sizeof nodir, "%s/no/such/dir.sst", dir);
	assert_int_equal(lb_sst_open(&w, nodir, &o), LB_EIO);
	assert_null(w);
}

int main(void)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test_setup_teardown(test_same_blocks_as_rocksdb, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ingest_reads_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reopen, setup, teardown),
		cmocka_unit_test_setup_teardown(test_session_ids_differ, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refuses, setup, teardown),
	};
	return cmocka_run_group_tests(t, NULL, NULL);
}
