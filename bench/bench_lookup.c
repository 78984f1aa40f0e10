/*
 * bench_lookup.c - in-process lookup latency on a store of N generated rrsets.
 *
 *   bench_lookup DIR [N]      (N defaults to $BENCH_LOOKUP_N, else 5000000)
 *   bench_lookup --names N K FILE   write K random owners of that store (for wrk)
 *
 * If DIR holds no store (or one built for another N), builds it first through
 * lb_store_add/lb_store_commit, compacts it, and reports the build rate and
 * bytes per rrset; then times lookups through the query cursor (what `lookback
 * query` and the HTTP server run):
 *   - exact rrset lookup of a random existing owner (all types);
 *   - single-IP rdata lookup of a random existing address;
 *   - a /24 CIDR lookup (every rdata row in it);
 *   - a left-hand wildcard over the busy zone (every rrset below it).
 * Output: "key value" lines (latencies in microseconds).
 *
 * The data: owner i is "h<i>.d<i/8>.<tld>" (tld from 8) with an A rrset
 * (1 or 2 addresses in 10.0.0.0/8, spread by a hash: about 3 owners per
 * address at N = 50M), every 10th owner also AAAA, every 16th a CNAME, every
 * 32nd an MX; owners i % 64 == 0 (up to BUSY) also live in the busy zone
 * "busy.example.": the wildcard's result.  Times spread over a year.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "dns/name.h"
#include "query/query.h"
#include "store/store.h"

#define BUSY 20000
#define SAMPLES 20000

static const char *const tlds[8] = { "com", "net", "org", "de", "io", "uk", "info", "example" };

static uint64_t mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ull;
	return x ^ (x >> 33);
}

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int owner_text(uint64_t i, char *b, size_t n)
{
	if (i % 64 == 0 && i / 64 < BUSY)
		return snprintf(b, n, "h%" PRIu64 ".busy.example", i);
	return snprintf(b, n, "h%" PRIu64 ".d%" PRIu64 ".%s", i, i / 8, tlds[mix(i / 8) & 7]);
}

static void addr_of(uint64_t i, int k, uint8_t a[4])
{
	uint64_t h = mix(i * 2 + (uint64_t)k) % (16u << 20);
	a[0] = 10;
	a[1] = (uint8_t)(h >> 16);
	a[2] = (uint8_t)(h >> 8);
	a[3] = (uint8_t)h;
}

static int add(lb_store_t *s, const uint8_t *owner, size_t olen, uint16_t type,
	       const uint8_t *const *rd, const uint16_t *rl, size_t n, uint64_t i)
{
	lb_store_rec_t r = { .kind = LB_REC_RRSET, .owner = owner, .owner_len = olen, .type = type,
			     .rdata = rd, .rdlen = rl, .nrdata = n };
	uint64_t t = 1700000000 + mix(i ^ type) % (365 * 86400ull);
	lb_store_val_seen(&r.val, t, 1 + mix(i) % 50);
	r.val.time_last = t + mix(i + 7) % (30 * 86400ull);
	r.val.runs[0].len = (uint32_t)(r.val.time_last / 86400 - t / 86400 + 1);
	return lb_store_add(s, &r);
}

static int build(lb_store_t *s, uint64_t n, uint64_t *rrsets)
{
	uint8_t owner[256], target[256], mx[258], a4[2][4], a6[16];
	char txt[300];
	*rrsets = 0;
	for (uint64_t i = 0; i < n; i++) {
		int ol = lb_name_from_text(txt, (size_t)owner_text(i, txt, sizeof txt), NULL, owner, sizeof owner);
		if (ol < 0)
			return ol;
		const uint8_t *rd[2];
		uint16_t rl[2];
		size_t na = i % 5 == 0 ? 2 : 1;
		for (size_t k = 0; k < na; k++) {
			addr_of(i, (int)k, a4[k]);
		}
		if (na == 2 && memcmp(a4[0], a4[1], 4) > 0) {
			uint8_t t[4];
			memcpy(t, a4[0], 4);
			memcpy(a4[0], a4[1], 4);
			memcpy(a4[1], t, 4);
		}
		if (na == 2 && !memcmp(a4[0], a4[1], 4))
			na = 1;
		for (size_t k = 0; k < na; k++) {
			rd[k] = a4[k];
			rl[k] = 4;
		}
		int err = add(s, owner, (size_t)ol, 1, rd, rl, na, i);
		(*rrsets)++;
		if (!err && i % 10 == 3) {
			memset(a6, 0, sizeof a6);
			a6[0] = 0x20, a6[1] = 0x01, a6[2] = 0x0d, a6[3] = 0xb8;
			uint64_t h = mix(i);
			memcpy(a6 + 8, &h, 8);
			rd[0] = a6;
			rl[0] = 16;
			err = add(s, owner, (size_t)ol, 28, rd, rl, 1, i);
			(*rrsets)++;
		}
		if (!err && i % 16 == 5) {
			int tl = lb_name_from_text(txt, (size_t)snprintf(txt, sizeof txt, "cdn%" PRIu64 ".edge.example", mix(i) % 5000),
						   NULL, target, sizeof target);
			if (tl < 0)
				return tl;
			rd[0] = target;
			rl[0] = (uint16_t)tl;
			err = add(s, owner, (size_t)ol, 5, rd, rl, 1, i);
			(*rrsets)++;
		}
		if (!err && i % 32 == 7) {
			int tl = lb_name_from_text(txt, (size_t)snprintf(txt, sizeof txt, "mx%d.d%" PRIu64 ".com", (int)(i % 3), i / 8),
						   NULL, mx + 2, sizeof mx - 2);
			if (tl < 0)
				return tl;
			mx[0] = 0;
			mx[1] = 10;
			rd[0] = mx;
			rl[0] = (uint16_t)(tl + 2);
			err = add(s, owner, (size_t)ol, 15, rd, rl, 1, i);
			(*rrsets)++;
		}
		if (err)
			return err;
	}
	lb_store_rec_t sr = { .kind = LB_REC_SENSOR, .sensor = "bench" };
	lb_store_val_seen(&sr.val, 1700000000, n);
	int err = lb_store_add(s, &sr);
	return err ? err : lb_store_commit(s);
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* Run q once; returns records or < 0. */
static long run(lb_store_t *s, const lb_query_t *q)
{
	lb_query_cur_t *c;
	int err = lb_query_cur_new(s, q, &c);
	if (err)
		return err;
	lb_store_rec_t r;
	long n = 0;
	while ((err = lb_query_cur_next(c, &r)) > 0)
		n++;
	lb_query_cur_free(c);
	return err < 0 ? err : n;
}

static double lat[SAMPLES];
static uint64_t salt; /* changes the sample of owners/addresses */

static int series(lb_store_t *s, const char *what, int kind, uint64_t n, int samples)
{
	char txt[300];
	const char *msg;
	long recs = 0, empty = 0;
	for (int k = 0; k < samples; k++) {
		uint64_t i = mix((uint64_t)k * 7919 + (uint64_t)kind + salt) % n;
		lb_query_t q;
		lb_query_init(&q);
		q.limit = 0;
		int err;
		if (kind == 0) {
			owner_text(i, txt, sizeof txt);
			err = lb_query_parse_name(txt, &q, &msg);
		} else if (kind == 1) {
			uint8_t a[4];
			addr_of(i, 0, a);
			snprintf(txt, sizeof txt, "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
			q.kind = LB_Q_RDATA_IP;
			err = lb_query_parse_ip(txt, &q, &msg);
		} else if (kind == 2) {
			uint8_t a[4];
			addr_of(i, 0, a);
			snprintf(txt, sizeof txt, "%u.%u.%u.0/24", a[0], a[1], a[2]);
			q.kind = LB_Q_RDATA_IP;
			err = lb_query_parse_ip(txt, &q, &msg);
		} else {
			err = lb_query_parse_name("*.busy.example", &q, &msg);
		}
		if (err) {
			fprintf(stderr, "bench_lookup: %s: %s\n", txt, msg);
			return 2;
		}
		double t0 = now_s();
		long r = run(s, &q);
		lat[k] = (now_s() - t0) * 1e6;
		lb_query_free(&q);
		if (r < 0) {
			fprintf(stderr, "bench_lookup: %s: %s\n", what, lb_store_errmsg(s, (int)r));
			return 3;
		}
		recs += r;
		empty += r == 0;
	}
	qsort(lat, (size_t)samples, sizeof lat[0], cmp_d);
	double sum = 0;
	for (int k = 0; k < samples; k++)
		sum += lat[k];
	printf("%s_samples %d\n%s_p50_us %.1f\n%s_p99_us %.1f\n%s_max_us %.1f\n%s_mean_us %.1f\n"
	       "%s_results_mean %.1f\n%s_empty %ld\n",
	       what, samples, what, lat[samples / 2], what, lat[samples * 99 / 100], what,
	       lat[samples - 1], what, sum / samples, what, (double)recs / samples, what, empty);
	if (empty)
		fprintf(stderr, "bench_lookup: %s: %ld lookups found nothing (expected none)\n", what, empty);
	return empty ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: bench_lookup DIR [N]\n");
		return 2;
	}
	if (argc == 5 && !strcmp(argv[1], "--names")) {
		/* bench_lookup --names N K FILE: K random existing owners of the
		 * N-owner store, one per line (wrk's exact-lookup URL list) */
		uint64_t n = strtoull(argv[2], NULL, 10), k = strtoull(argv[3], NULL, 10);
		FILE *o = fopen(argv[4], "w");
		if (!o || n == 0)
			return 2;
		char txt[300];
		for (uint64_t j = 0; j < k; j++) {
			owner_text(mix(j * 104729 + 17) % n, txt, sizeof txt);
			fprintf(o, "%s\n", txt);
		}
		return fclose(o) ? 3 : 0;
	}
	const char *dir = argv[1];
	const char *ns = argc > 2 ? argv[2] : getenv("BENCH_LOOKUP_N");
	uint64_t n = ns && *ns ? strtoull(ns, NULL, 10) : 5000000;
	if (n < 1000)
		n = 1000;
	char mark[4096];
	snprintf(mark, sizeof mark, "%s.n", dir);
	FILE *f = fopen(mark, "r");
	uint64_t have = 0;
	if (f) {
		if (fscanf(f, "%" SCNu64, &have) != 1)
			have = 0;
		fclose(f);
	}
	lb_store_t *s = NULL;
	int err;
	if (have != n) {
		char cmd[4200];
		snprintf(cmd, sizeof cmd, "rm -rf '%s' '%s'", dir, mark);
		if (system(cmd) != 0)
			return 3;
		lb_store_opts_t o = { .create = true };
		if ((err = lb_store_open(dir, &o, &s))) {
			fprintf(stderr, "bench_lookup: %s\n", lb_store_errmsg(s, err));
			return 3;
		}
		double t0 = now_s();
		clock_t c0 = clock();
		uint64_t rrsets;
		err = build(s, n, &rrsets);
		double t1 = now_s();
		clock_t c1 = clock();
		if (err) {
			fprintf(stderr, "bench_lookup: build: %s\n", lb_store_errmsg(s, err));
			return 3;
		}
		if ((err = lb_store_compact(s))) {
			fprintf(stderr, "bench_lookup: compact: %s\n", lb_store_errmsg(s, err));
			return 3;
		}
		double t2 = now_s();
		lb_store_close(s);
		s = NULL;
		printf("build_rrsets %" PRIu64 "\nbuild_wall_s %.2f\nbuild_cpu_s %.2f\nbuild_rrsets_per_s %.0f\n"
		       "compact_wall_s %.2f\n",
		       rrsets, t1 - t0, (double)(c1 - c0) / CLOCKS_PER_SEC, rrsets / (t1 - t0), t2 - t1);
		f = fopen(mark, "w");
		if (f) {
			fprintf(f, "%" PRIu64 "\n", n);
			fclose(f);
		}
	}
	lb_store_opts_t ro = { .read_only = true };
	const char *cm = getenv("BENCH_CACHE_MB"); /* block cache; default LB_STORE_CACHE_MB */
	if (cm && atoi(cm) > 0)
		ro.cache_mb = (size_t)atoi(cm);
	if ((err = lb_store_open(dir, &ro, &s))) {
		fprintf(stderr, "bench_lookup: %s\n", lb_store_errmsg(s, err));
		lb_store_close(s);
		return 3;
	}
	lb_store_totals_t t;
	if ((err = lb_store_totals(s, true, &t)) == 0)
		printf("store_rrsets %" PRIu64 "\nstore_rdata_entries %" PRIu64 "\nstore_owners %" PRIu64
		       "\nstore_disk_bytes %" PRIu64 "\nbytes_per_rrset %.1f\n",
		       t.rrsets, t.rdata_entries, t.owners, t.disk_bytes,
		       t.rrsets ? (double)t.disk_bytes / (double)t.rrsets : 0.0);
	int rc = 0, r;
	/* warm-up pass (not timed) so the figures are for a running server */
	salt = 1000003;
	if ((r = series(s, "warmup", 0, n, SAMPLES / 4)) > rc)
		rc = r;
	salt = 0;
	if ((r = series(s, "exact_rrset", 0, n, SAMPLES)) > rc)
		rc = r;
	if ((r = series(s, "ip", 1, n, SAMPLES)) > rc)
		rc = r;
	if ((r = series(s, "cidr24", 2, n, 500)) > rc)
		rc = r;
	if ((r = series(s, "wildcard_busy", 3, n, 20)) > rc)
		rc = r;
	lb_store_close(s);
	return rc;
}
