/*
 * bench_sstwriter.c - what the table-file writer alone costs per key: the
 * one large commits use (lookback's, src/store/sst.c: no compression, the
 * store's prefix bloom filter, block size and restart interval), and for
 * comparison RocksDB's SstFileWriter with the same options (the ingest's
 * writer until 2026-11-28).
 *
 *   bench_sstwriter DIR [ROUNDS]
 *
 * Reads every key and value of the store in DIR into memory (in key order:
 * what one large sorted commit hands the writer), then times writing them to
 * a table file in DIR the way rocks_write.c does (merge with its value for
 * rrsets, negatives and metadata; put with an empty value for the indexes),
 * best of ROUNDS (default 3) for each writer.  Nothing else of lookback runs
 * in the timed part: this is the floor of a commit, the cost the ingest pays
 * per key whatever the window and the sort do.  Output: "key value" lines.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "store/keys.h"
#include "store/rocks_impl.h"
#include "store/sst.h"
#include "store/store.h"

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

struct kv {
	size_t off;
	uint32_t klen, vlen;
};

static int is_merge(uint8_t t)
{
	return t == LB_KT_RRSET || t == LB_KT_NEG || t == LB_KT_META;
}

/* One table file of every key with lookback's writer; wall seconds or -1. */
static double write_ours(const char *path, const uint8_t *ar, const struct kv *e, size_t n)
{
	lb_sst_opts_t o;
	lb_rocks_sst_opts(&o);
	lb_sst_t *w;
	double t0 = now_s();
	int err = lb_sst_open(&w, path, &o);
	for (size_t i = 0; i < n && !err; i++) {
		const uint8_t *k = ar + e[i].off;
		if (is_merge(k[0]))
			err = lb_sst_add(w, 0, k, e[i].klen, k + e[i].klen, e[i].vlen);
		else
			err = lb_sst_add(w, 1, k, e[i].klen, "", 0);
	}
	if (!err)
		err = lb_sst_finish(w);
	double t = now_s() - t0;
	lb_sst_free(w);
	unlink(path);
	if (err) {
		fprintf(stderr, "bench_sstwriter: lookback's writer failed (%d)\n", err);
		return -1;
	}
	return t;
}

/* The same with RocksDB's SstFileWriter and options o. */
static double write_rocks(rocksdb_envoptions_t *eo, rocksdb_options_t *o, const char *path,
			  const uint8_t *ar, const struct kv *e, size_t n)
{
	rocksdb_sstfilewriter_t *w = rocksdb_sstfilewriter_create(eo, o);
	char *err = NULL;
	double t0 = now_s();
	rocksdb_sstfilewriter_open(w, path, &err);
	for (size_t i = 0; i < n && !err; i++) {
		const char *k = (const char *)ar + e[i].off;
		if (is_merge(ar[e[i].off]))
			rocksdb_sstfilewriter_merge(w, k, e[i].klen, k + e[i].klen, e[i].vlen, &err);
		else
			rocksdb_sstfilewriter_put(w, k, e[i].klen, "", 0, &err);
	}
	if (!err)
		rocksdb_sstfilewriter_finish(w, &err);
	double t = now_s() - t0;
	rocksdb_sstfilewriter_destroy(w);
	unlink(path);
	if (err) {
		fprintf(stderr, "bench_sstwriter: %s\n", err);
		rocksdb_free(err);
		return -1;
	}
	return t;
}

int main(int argc, char **argv)
{
	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: bench_sstwriter DIR [ROUNDS]\n");
		return 2;
	}
	int rounds = argc == 3 ? atoi(argv[2]) : 3;
	if (rounds < 1)
		rounds = 1;
	lb_store_t *s = NULL;
	lb_store_opts_t so = { 0 };
	int err = lb_store_open(argv[1], &so, &s);
	if (err) {
		fprintf(stderr, "bench_sstwriter: %s: %s\n", argv[1], lb_store_errmsg(s, err));
		lb_store_close(s);
		return 3;
	}
	size_t cap = 1 << 20, len = 0, n = 0, ncap = 1 << 16;
	uint8_t *ar = malloc(cap);
	struct kv *e = malloc(ncap * sizeof *e);
	size_t per[256] = { 0 };
	rocksdb_iterator_t *it = rocksdb_create_iterator(s->db, s->ro);
	for (rocksdb_iter_seek_to_first(it); ar && e && rocksdb_iter_valid(it); rocksdb_iter_next(it)) {
		size_t kl, vl;
		const char *k = rocksdb_iter_key(it, &kl);
		const char *v = rocksdb_iter_value(it, &vl);
		if (len + kl + vl > cap) {
			while (len + kl + vl > cap)
				cap *= 2;
			ar = realloc(ar, cap);
		}
		if (n == ncap)
			e = realloc(e, (ncap *= 2) * sizeof *e);
		if (!ar || !e)
			break;
		memcpy(ar + len, k, kl);
		memcpy(ar + len + kl, v, vl);
		e[n++] = (struct kv){ len, (uint32_t)kl, (uint32_t)vl };
		len += kl + vl;
		per[(uint8_t)k[0]]++;
	}
	rocksdb_iter_destroy(it);
	if (!ar || !e || n == 0) {
		fprintf(stderr, "bench_sstwriter: %s\n", n ? "out of memory" : "empty store");
		lb_store_close(s);
		return 3;
	}
	char path[4200];
	snprintf(path, sizeof path, "%s/bench-sstwriter.sst", argv[1]);
	/* RocksDB's writer with the ingest's former options: the store's,
	 * uncompressed */
	rocksdb_envoptions_t *eo = rocksdb_envoptions_create();
	rocksdb_options_t *ro = rocksdb_options_create_copy(s->opts);
	rocksdb_options_set_compression(ro, rocksdb_no_compression);
	rocksdb_options_set_bottommost_compression(ro, rocksdb_no_compression);
	rocksdb_options_set_bottommost_compression_options(ro, -14, 0, 0, 0, 0);
	rocksdb_options_set_bottommost_compression_options_zstd_max_train_bytes(ro, 0, 0);
	double best = 0, bestr = 0;
	for (int r = 0; r < rounds; r++) {
		double t = write_ours(path, ar, e, n);
		double tr = write_rocks(eo, ro, path, ar, e, n);
		if (t < 0 || tr < 0) {
			lb_store_close(s);
			return 3;
		}
		if (r == 0 || t < best)
			best = t;
		if (r == 0 || tr < bestr)
			bestr = tr;
	}
	rocksdb_options_destroy(ro);
	rocksdb_envoptions_destroy(eo);
	size_t rrsets = per[LB_KT_RRSET];
	printf("keys %zu\n", n);
	printf("key_value_bytes %zu\n", len);
	printf("rrset_keys %zu\n", rrsets);
	printf("keys_per_rrset %.2f\n", rrsets ? (double)n / (double)rrsets : 0.0);
	for (int t = 'A'; t <= 'Z'; t++)
		if (per[t])
			printf("keys_%c %zu\n", t, per[t]);
	printf("ingest_wall_s %.3f\n", best);
	printf("ingest_ns_per_key %.1f\n", best * 1e9 / (double)n);
	printf("rocksdb_wall_s %.3f\n", bestr);
	printf("rocksdb_ns_per_key %.1f\n", bestr * 1e9 / (double)n);
	/* the rrsets per second the writer alone allows, nothing else running */
	if (rrsets)
		printf("ingest_rrsets_per_s_ceiling %.0f\n", (double)rrsets / best);
	lb_store_close(s);
	return 0;
}
