/*
 * sst_ref.h - what the table writer's checks share (tests/unit/store/test_sst.c
 * and fuzz/fuzz_sst.c): a prefix extractor for both writers, RocksDB's
 * SstFileWriter with the options lookback's writer is given (the reference),
 * and reading a finished file back.  Header-only (static functions).
 */
#ifndef LB_TEST_SST_REF_H
#define LB_TEST_SST_REF_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rocksdb/c.h>

#include "store/sst.h"

#define SST_REF_PREFIX_NAME "lookback.test.prefix"

/* One operation for both writers: a put (empty or not) or a merge operand. */
struct sst_ref_kv {
	uint8_t *k, *v;
	size_t kl, vl;
	int put;
};

/* Bytewise key order (a key before the keys it is a prefix of), for qsort. */
static inline int sst_ref_kv_cmp(const void *a, const void *b)
{
	const struct sst_ref_kv *x = a, *y = b;
	size_t m = x->kl < y->kl ? x->kl : y->kl;
	int c = memcmp(x->k, y->k, m);
	return c ? c : (x->kl > y->kl) - (x->kl < y->kl);
}

/* The prefix extractor: keys starting 0xff or shorter than 2 bytes have no
 * prefix; otherwise the bytes up to the first 0x00 after the first byte, or
 * the whole key when it starts 0x01; no prefix otherwise (prefixes of every
 * length, runs of one prefix, keys without). */
static inline size_t sst_ref_pfx(const uint8_t *k, size_t n)
{
	if (n < 2 || k[0] == 0xff)
		return 0;
	for (size_t i = 1; i < n; i++)
		if (k[i] == 0)
			return i + 1;
	return k[0] == 0x01 ? n : 0;
}

static inline char *sst_ref_pfx_tr(void *st, const char *k, size_t n, size_t *dst)
{
	(void)st;
	*dst = sst_ref_pfx((const uint8_t *)k, n);
	return (char *)k;
}

static inline unsigned char sst_ref_pfx_in(void *st, const char *k, size_t n)
{
	(void)st;
	return sst_ref_pfx((const uint8_t *)k, n) != 0;
}

static inline unsigned char sst_ref_pfx_range(void *st, const char *k, size_t n)
{
	(void)st;
	return sst_ref_pfx((const uint8_t *)k, n) == n;
}

static inline const char *sst_ref_pfx_name(void *st)
{
	(void)st;
	return SST_REF_PREFIX_NAME;
}

static inline void sst_ref_nop(void *st)
{
	(void)st;
}

/* lookback's writer options: block size, restart interval, the filter with
 * the prefix above or none. */
static inline lb_sst_opts_t sst_ref_opts(size_t bs, int restart, int filt)
{
	lb_sst_opts_t o = { .block_size = bs, .restart = restart };
	if (filt) {
		o.prefix = sst_ref_pfx;
		o.filter = 1;
		o.prefix_extractor = SST_REF_PREFIX_NAME;
	}
	return o;
}

/* RocksDB's SstFileWriter with the same options (format version 5, XXH3
 * checksums, uncompressed; the bloom filter of 10 bits per prefix without
 * whole keys); sst_ref_rocks_end finishes it.  NULL when it cannot open. */
struct sst_ref_rocks {
	rocksdb_options_t *o;
	rocksdb_block_based_table_options_t *t;
	rocksdb_envoptions_t *eo;
	rocksdb_sstfilewriter_t *w;
};

static inline struct sst_ref_rocks *sst_ref_rocks_open(const char *path, size_t bs, int restart,
							int filt)
{
	struct sst_ref_rocks *r = calloc(1, sizeof *r);
	if (!r)
		return NULL;
	r->o = rocksdb_options_create();
	r->t = rocksdb_block_based_options_create();
	rocksdb_block_based_options_set_format_version(r->t, 5);
	rocksdb_block_based_options_set_block_size(r->t, bs);
	rocksdb_block_based_options_set_block_restart_interval(r->t, restart);
	rocksdb_block_based_options_set_checksum(r->t, 4); /* XXH3 */
	if (filt) {
		rocksdb_block_based_options_set_filter_policy(r->t, rocksdb_filterpolicy_create_bloom_full(10));
		rocksdb_block_based_options_set_whole_key_filtering(r->t, 0);
		rocksdb_options_set_prefix_extractor(
			r->o, rocksdb_slicetransform_create(NULL, sst_ref_nop, sst_ref_pfx_tr, sst_ref_pfx_in,
							    sst_ref_pfx_range, sst_ref_pfx_name));
	}
	rocksdb_options_set_block_based_table_factory(r->o, r->t);
	rocksdb_options_set_compression(r->o, rocksdb_no_compression);
	r->eo = rocksdb_envoptions_create();
	r->w = rocksdb_sstfilewriter_create(r->eo, r->o);
	char *e = NULL;
	rocksdb_sstfilewriter_open(r->w, path, &e);
	if (e) {
		rocksdb_free(e);
		rocksdb_sstfilewriter_destroy(r->w);
		rocksdb_envoptions_destroy(r->eo);
		rocksdb_block_based_options_destroy(r->t);
		rocksdb_options_destroy(r->o);
		free(r);
		return NULL;
	}
	return r;
}

/* Add a put or merge operand; 0, or -1 when RocksDB refuses it. */
static inline int sst_ref_rocks_add(struct sst_ref_rocks *r, int put, const uint8_t *k, size_t kl,
				    const uint8_t *v, size_t vl)
{
	char *e = NULL;
	if (put)
		rocksdb_sstfilewriter_put(r->w, (const char *)k, kl, (const char *)v, vl, &e);
	else
		rocksdb_sstfilewriter_merge(r->w, (const char *)k, kl, (const char *)v, vl, &e);
	if (e) {
		rocksdb_free(e);
		return -1;
	}
	return 0;
}

/* Finish the file and free the writer; 0 or -1. */
static inline int sst_ref_rocks_end(struct sst_ref_rocks *r)
{
	char *e = NULL;
	rocksdb_sstfilewriter_finish(r->w, &e);
	rocksdb_sstfilewriter_destroy(r->w);
	rocksdb_envoptions_destroy(r->eo);
	rocksdb_block_based_options_destroy(r->t);
	rocksdb_options_destroy(r->o);
	free(r);
	if (e) {
		rocksdb_free(e);
		return -1;
	}
	return 0;
}

/* The whole file (malloc'd, its size in *n), NULL when it cannot be read or
 * is shorter than a footer. */
static inline uint8_t *sst_ref_slurp(const char *path, size_t *n)
{
	*n = 0;
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	long sz = fseek(f, 0, SEEK_END) == 0 ? ftell(f) : -1;
	uint8_t *b = sz >= 53 ? malloc((size_t)sz) : NULL;
	rewind(f);
	if (b && fread(b, 1, (size_t)sz, f) != (size_t)sz) {
		free(b);
		b = NULL;
	}
	fclose(f);
	*n = b ? (size_t)sz : 0;
	return b;
}

/* A varint at b[*p] (bounded by n). */
static inline uint64_t sst_ref_varint(const uint8_t *b, size_t n, size_t *p)
{
	uint64_t v = 0;
	for (int sh = 0; sh < 64 && *p < n; sh += 7) {
		uint8_t c = b[(*p)++];
		v |= (uint64_t)(c & 0x7f) << sh;
		if (!(c & 0x80))
			break;
	}
	return v;
}

/* From the footer of b[0..n) (n >= 53): the checksum type in *ck, and the
 * end of the index block, its trailer included (the data blocks, the filter
 * and the index lie before it). */
static inline size_t sst_ref_index_end(const uint8_t *b, size_t n, int *ck)
{
	size_t p = n - 53;
	*ck = b[p++];
	(void)sst_ref_varint(b, n, &p);
	(void)sst_ref_varint(b, n, &p);
	uint64_t io = sst_ref_varint(b, n, &p), is = sst_ref_varint(b, n, &p);
	return (size_t)(io + is + 5);
}

#endif
