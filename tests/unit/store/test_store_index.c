/*
 * test_store_index.c - counters of rdata index entries derived from the
 * rrsets that hold them: an owner with thousands of rrsets (a round-robin
 * pool) costs about one read of its rrsets per scan, not one per entry, and
 * the results equal the per-entry read's.
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

#include "dns/name.h"
#include "dns/rrtype.h"
#include "store/store.h"
#include "store_util.h"

static uint64_t mix(uint64_t h, const void *p, size_t n)
{
	const uint8_t *b = p;
	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 1099511628211ull;
	return h;
}

/* A digest of every record of the scan (owner, type, rdata, counters, in
 * order), the records and the rrset reads it took. */
static uint64_t scan_digest(lb_store_t *s, const lb_store_scan_t *q, bool cache, uint64_t *nrec,
			    uint64_t *reads)
{
	lb_store_iter_t *it;
	assert_int_equal(lb_store_iter_new(s, q, &it), 0);
	lb_store_iter_set_owner_cache(it, cache);
	lb_store_rec_t r;
	uint64_t h = 14695981039346656037ull;
	int k;
	*nrec = 0;
	while ((k = lb_store_iter_next(it, &r)) > 0) {
		h = mix(h, r.owner, r.owner_len);
		h = mix(h, &r.type, sizeof r.type);
		assert_int_equal(r.nrdata, 1);
		h = mix(h, r.rdata[0], r.rdlen[0]);
		const lb_store_val_t *v = &r.val;
		uint64_t f[] = { v->time_first, v->time_last, v->count, v->zone_first, v->zone_last,
				 v->nsrc, v->src_more, v->runs_uncounted, v->nruns };
		h = mix(h, f, sizeof f);
		h = mix(h, v->runs, v->nruns * sizeof v->runs[0]);
		(*nrec)++;
	}
	assert_int_equal(k, 0);
	*reads = lb_store_iter_index_reads(it);
	lb_store_iter_free(it);
	return h;
}

static void add(lb_store_t *s, const char *owner, uint16_t type, const uint8_t *const *rd,
		const uint16_t *rl, int n, uint64_t t, uint64_t count)
{
	uint8_t o[256];
	int ol = lb_name_from_text(owner, strlen(owner), NULL, o, sizeof o);
	assert_true(ol > 0);
	lb_store_rec_t r;
	memset(&r, 0, sizeof r);
	r.kind = LB_REC_RRSET;
	r.owner = o;
	r.owner_len = (size_t)ol;
	r.type = type;
	r.nrdata = (size_t)n;
	r.rdata = (const uint8_t **)rd;
	r.rdlen = (uint16_t *)rl;
	lb_store_val_seen(&r.val, t, count);
	assert_int_equal(lb_store_add(s, &r), 0);
}

static void a4(uint8_t *a, uint32_t v)
{
	a[0] = (uint8_t)(v >> 24);
	a[1] = (uint8_t)(v >> 16);
	a[2] = (uint8_t)(v >> 8);
	a[3] = (uint8_t)v;
}

static void test_pool_owner(void **st)
{
	(void)st;
	lb_store_t *s = open_bulk();
	enum { BIG = 1200, MID = 300, SMALL = 6, SMALL_N = 40, NS = 400 };
	uint8_t a[2][16];
	const uint8_t *rd[2] = { a[0], a[1] };
	uint16_t rl[2] = { 4, 4 };
	/* one owner, BIG A rrsets of one address each (a pool over months) */
	for (uint32_t i = 0; i < BIG; i++) {
		a4(a[0], 0x0a000000u + i * 7);
		add(s, "pool.ntp.test", LB_T_A, rd, rl, 1, 1700000000 + i * 3600, i % 5 + 1);
	}
	/* MID rrsets of two addresses: entry j merges rrsets j-1 and j; the
	 * first addresses are the pool's too (another owner in between) */
	for (uint32_t i = 0; i < MID; i++) {
		a4(a[0], 0x0a000000u + i * 7);
		a4(a[1], 0x0a000000u + (i + 1) * 7);
		add(s, "cdn.example.test", LB_T_A, rd, rl, 2, 1690000000 + i * 60, 2);
		/* an rrset seen again later: merged counters */
		if (i % 3 == 0)
			add(s, "cdn.example.test", LB_T_A, rd, rl, 2, 1710000000 + i, 1);
	}
	/* more owners interleaved on the same addresses than the cache keeps */
	for (int o = 0; o < SMALL; o++) {
		char name[64];
		snprintf(name, sizeof name, "rr%d.test", o);
		for (uint32_t i = 0; i < SMALL_N; i++) {
			a4(a[0], 0x0a000000u + i * 7);
			add(s, name, LB_T_A, rd, rl, 1, 1700000000 + (uint64_t)o * 100 + i, 1);
		}
	}
	/* AAAA: a pool of 16-byte addresses */
	rl[0] = 16;
	memset(a[0], 0, 16);
	a[0][0] = 0x20;
	a[0][1] = 0x01;
	for (uint32_t i = 0; i < MID; i++) {
		a[0][14] = (uint8_t)(i >> 8);
		a[0][15] = (uint8_t)i;
		add(s, "pool.ntp.test", LB_T_AAAA, rd, rl, 1, 1700000000 + i, 1);
	}
	/* NS: one zone with NS rrsets of one target each ('N' entries) */
	uint8_t ns[256];
	const uint8_t *nsp[1] = { ns };
	uint16_t nsl[1];
	for (uint32_t i = 0; i < NS; i++) {
		char name[64];
		snprintf(name, sizeof name, "ns%u.hosting.test", i);
		int n = lb_name_from_text(name, strlen(name), NULL, ns, sizeof ns);
		assert_true(n > 0);
		nsl[0] = (uint16_t)n;
		add(s, "zone.test", LB_T_NS, nsp, nsl, 1, 1700000000 + i, 1);
	}
	assert_int_equal(lb_store_commit(s), 0);

	uint64_t n1, n0, r1, r0;
	lb_store_scan_t q4 = { .kind = LB_SCAN_RDATA_IP, .family = 4, .lo = { 10, 0, 0, 0 },
			       .hi = { 10, 255, 255, 255 } };
	uint64_t h1 = scan_digest(s, &q4, true, &n1, &r1);
	uint64_t h0 = scan_digest(s, &q4, false, &n0, &r0);
	assert_int_equal(n1, BIG + MID + 1 + SMALL * SMALL_N);
	assert_int_equal(n1, n0);
	assert_true(h1 == h0);
	/* per entry: every rrset of its owner (BIG x BIG for the pool) */
	assert_true(r0 >= (uint64_t)BIG * BIG);
	/* cached: about one pass per owner (its first two entries read the
	 * rrsets, then the pass), and at worst twice the small owners'
	 * per-entry reads */
	uint64_t bound = 3 * BIG + 3 * (MID + 1) + 2 * SMALL * SMALL_N * SMALL_N;
	printf("# A scan: %llu rrset reads cached, %llu per entry\n", (unsigned long long)r1,
	       (unsigned long long)r0);
	assert_true(r1 <= bound);

	lb_store_scan_t q6 = { .kind = LB_SCAN_RDATA_IP, .family = 6 };
	q6.lo[0] = 0x20;
	q6.lo[1] = 0x01;
	memcpy(q6.hi, q6.lo, 2);
	memset(q6.hi + 2, 0xff, 14);
	h1 = scan_digest(s, &q6, true, &n1, &r1);
	h0 = scan_digest(s, &q6, false, &n0, &r0);
	assert_int_equal(n1, MID);
	assert_int_equal(n0, MID);
	assert_true(h1 == h0);
	assert_true(r1 <= 3 * MID);
	assert_true(r0 >= (uint64_t)MID * MID);

	uint8_t below[256];
	int bl = lb_name_from_text("hosting.test", 12, NULL, below, sizeof below);
	assert_true(bl > 0);
	lb_store_scan_t qn = { .kind = LB_SCAN_RDATA_NAME, .match = LB_MATCH_BELOW, .name = below,
			       .name_len = (size_t)bl };
	h1 = scan_digest(s, &qn, true, &n1, &r1);
	h0 = scan_digest(s, &qn, false, &n0, &r0);
	assert_int_equal(n1, NS);
	assert_int_equal(n0, NS);
	assert_true(h1 == h0);
	printf("# NS scan: %llu rrset reads cached, %llu per entry\n", (unsigned long long)r1,
	       (unsigned long long)r0);
	assert_true(r1 <= 3 * NS);
	assert_int_equal(lb_store_close(s), 0);
	rmdir_r(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pool_owner),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
