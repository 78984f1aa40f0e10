/*
 * test_keys.c - store byte formats: varints, values, the merge function,
 * key order (a CIDR is one key range, a left-hand wildcard one prefix), key
 * decoding of every table, and rejection of corrupt values.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <xxhash.h>

#include "dns/name.h"
#include "dns/rrtype.h"
#include "store/rocks_impl.h"
#include "store/keys.h"

static uint64_t rng_state = 88172645463325252ull;
static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static void test_varint(void **st)
{
	(void)st;
	static const uint64_t v[] = { 0, 1, 127, 128, 255, 16383, 16384, 1u << 31, UINT32_MAX,
				      (1ull << 56) - 1, UINT64_MAX };
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		uint8_t b[10];
		size_t n = lb_varint_put(b, v[i]);
		lb_cur_t c;
		lb_cur_init(&c, b, n);
		assert_true(lb_cur_varint(&c) == v[i]);
		assert_int_equal(lb_cur_err(&c), 0);
		assert_int_equal(lb_cur_left(&c), 0);
		/* every truncation fails */
		for (size_t k = 0; k < n; k++) {
			lb_cur_init(&c, b, k);
			(void)lb_cur_varint(&c);
			assert_int_not_equal(lb_cur_err(&c), 0);
		}
	}
	/* overlong: 11 continuation bytes, and a 10th byte > 1 */
	uint8_t bad[11];
	memset(bad, 0x80, sizeof bad);
	lb_cur_t c;
	lb_cur_init(&c, bad, sizeof bad);
	(void)lb_cur_varint(&c);
	assert_int_not_equal(lb_cur_err(&c), 0);
	uint8_t bad2[10] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02 };
	lb_cur_init(&c, bad2, sizeof bad2);
	(void)lb_cur_varint(&c);
	assert_int_not_equal(lb_cur_err(&c), 0);
}

static void rand_val(lb_store_val_t *v)
{
	memset(v, 0, sizeof *v);
	uint64_t base = 1500000000 + rnd() % 300000000;
	v->time_first = base;
	v->time_last = base + rnd() % 10000000;
	v->count = 1 + rnd() % 1000;
	if (rnd() % 3 == 0) {
		v->zone_first = base - rnd() % 1000;
		v->zone_last = v->zone_first + rnd() % 100000;
	}
	uint32_t day = lb_day_of(v->time_first);
	v->nruns = 1 + (uint32_t)(rnd() % 5);
	for (uint32_t i = 0; i < v->nruns; i++) {
		v->runs[i].start = day;
		v->runs[i].len = 1 + (uint32_t)(rnd() % 4);
		day += v->runs[i].len + 1 + (uint32_t)(rnd() % 30);
	}
	/* run counts: known (the count is their sum; now and then a run of 0, as
	 * an import's "last seen" half gives), or unknown (a value written before
	 * run counts were kept); sometimes the one implicit run */
	switch (rnd() % 4) {
	case 0:
		v->runs_uncounted = 1;
		break;
	case 1:
		v->nruns = 1;
		v->runs[0].start = lb_day_of(v->time_first);
		v->runs[0].len = lb_day_of(v->time_last) - lb_day_of(v->time_first) + 1;
		v->runs[0].count = v->count;
		break;
	default:
		v->count = 0;
		for (uint32_t i = 0; i < v->nruns; i++) {
			v->runs[i].count = rnd() % 8 ? 1 + rnd() % 300 : 0;
			v->count += v->runs[i].count;
		}
		break;
	}
	/* sources: none, a few, or enough that unions pass the cap; ids from a
	 * small range (so sets overlap) or a wide one (multi-byte deltas) */
	int k = (int)(rnd() % 4);
	uint32_t span = rnd() % 2 ? 40 : 5000000;
	uint32_t want = k == 0 ? 0 : k == 1 ? 1 : k == 2 ? 1 + (uint32_t)(rnd() % 6) : 1 + (uint32_t)(rnd() % 16);
	while (v->nsrc < want) {
		uint32_t id = (uint32_t)(rnd() % span), at = 0;
		while (at < v->nsrc && v->src[at] < id)
			at++;
		if (at < v->nsrc && v->src[at] == id)
			continue;
		memmove(v->src + at + 1, v->src + at, (v->nsrc - at) * sizeof v->src[0]);
		v->src[at] = id;
		v->nsrc++;
	}
	if (v->nsrc == LB_STORE_MAX_SOURCES && rnd() % 2)
		v->src_more = 1;
}

static int val_eq(const lb_store_val_t *a, const lb_store_val_t *b)
{
	if (a->time_first != b->time_first || a->time_last != b->time_last || a->count != b->count ||
	    a->zone_first != b->zone_first || a->zone_last != b->zone_last || a->nruns != b->nruns ||
	    a->nsrc != b->nsrc || a->src_more != b->src_more || a->runs_uncounted != b->runs_uncounted ||
	    memcmp(a->src, b->src, a->nsrc * sizeof a->src[0]))
		return 0;
	return !memcmp(a->runs, b->runs, a->nruns * sizeof a->runs[0]);
}

static void test_value_roundtrip(void **st)
{
	(void)st;
	for (int i = 0; i < 2000; i++) {
		lb_store_val_t v, w;
		rand_val(&v);
		uint8_t b[LB_VAL_MAX];
		size_t n = lb_val_encode(&v, b, 1);
		assert_true(n <= LB_VAL_MAX);
		assert_int_equal(lb_val_decode(b, n, &w), 0);
		assert_true(val_eq(&v, &w));
		/* truncations and a trailing byte are corrupt */
		for (size_t k = 0; k < n; k++)
			assert_int_not_equal(lb_val_decode(b, k, &w), 0);
		b[n] = 0;
		assert_int_equal(lb_val_decode(b, n + 1, &w), LB_ECORRUPT);
		/* without days */
		n = lb_val_encode(&v, b, 0);
		assert_int_equal(lb_val_decode(b, n, &w), 0);
		/* without days the decoder derives one run from first to last seen */
		assert_int_equal(w.nruns, 1);
		assert_int_equal(w.runs[0].start, lb_day_of(v.time_first));
		assert_int_equal(w.runs[0].len, lb_day_of(v.time_last) - lb_day_of(v.time_first) + 1);
		assert_true(w.count == v.count);
		assert_int_equal(w.runs_uncounted, 0); /* the one run holds the whole count */
		assert_true(w.runs[0].count == v.count);
	}
}

static void test_value_corrupt(void **st)
{
	(void)st;
	lb_store_val_t w;
	static const struct {
		uint8_t b[12];
		size_t n;
		int err;
	} t[] = {
		{ { 0 }, 0, LB_ECORRUPT },                        /* empty */
		{ { 2, 0 }, 2, LB_EVERSION },                     /* unknown version */
		{ { 1, 8 }, 2, LB_ECORRUPT },                     /* unknown flag */
		{ { 1, 1, 5 }, 3, LB_ECORRUPT },                  /* missing fields */
		{ { 1, 4, 0 }, 3, LB_ECORRUPT },                  /* zero runs */
		{ { 1, 4, 2, 10, 0, 0, 0 }, 7, LB_ECORRUPT },     /* touching runs (gap 0) */
		{ { 1, 4, 0x81, 0x01 }, 4, LB_ECORRUPT },         /* 129 runs > max */
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		assert_int_equal(lb_val_decode(t[i].b, t[i].n, &w), t[i].err);
	/* A value claiming 128 runs but holding few is truncated, not an overread. */
	uint8_t b[] = { 1, 4, 0x80, 0x01, 3, 0 };
	assert_int_not_equal(lb_val_decode(b, sizeof b, &w), 0);
}

static size_t merge2(const uint8_t *a, size_t al, const uint8_t *b, size_t bl, uint8_t *out)
{
	const uint8_t *ops[2] = { a, b };
	size_t lens[2] = { al, bl };
	unsigned bad = 0;
	size_t n = lb_val_merge_bytes(ops, lens, 2, 1, out, &bad);
	assert_int_equal(bad, 0);
	return n;
}

static void test_merge_associative(void **st)
{
	(void)st;
	for (int i = 0; i < 2000; i++) {
		lb_store_val_t a, b, c;
		rand_val(&a);
		rand_val(&b);
		rand_val(&c);
		uint8_t ea[LB_VAL_MAX], eb[LB_VAL_MAX], ec[LB_VAL_MAX], ab[LB_VAL_MAX], bc[LB_VAL_MAX];
		uint8_t l[LB_VAL_MAX], r[LB_VAL_MAX], ba[LB_VAL_MAX];
		size_t na = lb_val_encode(&a, ea, 1), nb = lb_val_encode(&b, eb, 1),
		       nc = lb_val_encode(&c, ec, 1);
		size_t nab = merge2(ea, na, eb, nb, ab);
		size_t nba = merge2(eb, nb, ea, na, ba);
		assert_int_equal(nab, nba);
		assert_memory_equal(ab, ba, nab); /* commutative */
		size_t nl = merge2(ab, nab, ec, nc, l);
		size_t nbc = merge2(eb, nb, ec, nc, bc);
		size_t nr = merge2(ea, na, bc, nbc, r);
		assert_int_equal(nl, nr);
		assert_memory_equal(l, r, nl); /* associative */
		/* and the result is what min/max/sum says, computed here directly */
		lb_store_val_t m;
		assert_int_equal(lb_val_decode(l, nl, &m), 0);
		uint64_t tf = a.time_first < b.time_first ? a.time_first : b.time_first;
		tf = tf < c.time_first ? tf : c.time_first;
		uint64_t tl = a.time_last > b.time_last ? a.time_last : b.time_last;
		tl = tl > c.time_last ? tl : c.time_last;
		assert_true(m.time_first == tf);
		assert_true(m.time_last == tl);
		assert_true(m.count == a.count + b.count + c.count);
		/* run counts: unknown if any operand's are, else each run of m holds
		 * the counts of the operand runs inside it */
		int unknown = a.runs_uncounted || b.runs_uncounted || c.runs_uncounted;
		assert_int_equal(m.runs_uncounted, unknown);
		for (uint32_t q = 0; q < m.nruns && !unknown; q++) {
			uint64_t want = 0;
			for (int s = 0; s < 3; s++) {
				const lb_store_val_t *o = s == 0 ? &a : s == 1 ? &b : &c;
				for (uint32_t k = 0; k < o->nruns; k++)
					if (o->runs[k].start >= m.runs[q].start &&
					    o->runs[k].start < m.runs[q].start + m.runs[q].len)
						want += o->runs[k].count;
			}
			assert_true(m.runs[q].count == want);
		}
		/* every day active in a, b or c is inside some run of m */
		const lb_store_val_t *src[3] = { &a, &b, &c };
		for (int s = 0; s < 3; s++)
			for (uint32_t k = 0; k < src[s]->nruns; k++)
				for (uint32_t d = 0; d < src[s]->runs[k].len; d++) {
					uint32_t day = src[s]->runs[k].start + d;
					int found = 0;
					for (uint32_t q = 0; q < m.nruns; q++)
						found |= day >= m.runs[q].start &&
							 day < m.runs[q].start + m.runs[q].len;
					assert_true(found);
				}
		/* sources: the smallest ids of the union of a, b and c, counted here */
		uint32_t all[3 * LB_STORE_MAX_SOURCES];
		size_t nall = 0;
		int more = 0;
		for (int s = 0; s < 3; s++) {
			more |= (int)src[s]->src_more;
			for (uint32_t q = 0; q < src[s]->nsrc; q++) {
				int dup = 0;
				for (size_t z = 0; z < nall; z++)
					dup |= all[z] == src[s]->src[q];
				if (!dup)
					all[nall++] = src[s]->src[q];
			}
		}
		for (size_t x = 0; x < nall; x++) /* insertion sort */
			for (size_t y = x; y > 0 && all[y - 1] > all[y]; y--) {
				uint32_t t = all[y];
				all[y] = all[y - 1];
				all[y - 1] = t;
			}
		size_t keep = nall < LB_STORE_MAX_SOURCES ? nall : LB_STORE_MAX_SOURCES;
		assert_int_equal(m.nsrc, keep);
		for (size_t x = 0; x < keep; x++)
			assert_int_equal(m.src[x], all[x]);
		assert_int_equal(m.src_more, (more || nall > LB_STORE_MAX_SOURCES) ? 1 : 0);
	}
}

/* The source field by hand: bytes as documented, union, cap, corrupt forms. */
static void test_value_sources(void **st)
{
	(void)st;
	lb_store_val_t v, w;
	memset(&v, 0, sizeof v);
	v.nsrc = 3;
	v.src[0] = 2;
	v.src[1] = 3;
	v.src[2] = 200;
	uint8_t out[LB_VAL_MAX];
	size_t n = lb_val_encode(&v, out, 1);
	/* version 1, flags 8, count 3, ids 2, +1, +197 (two-byte varint) */
	const uint8_t want[] = { 1, 8, 3, 2, 1, 0xc5, 0x01 };
	assert_int_equal(n, sizeof want);
	assert_memory_equal(out, want, n);
	assert_int_equal(lb_val_decode(out, n, &w), 0);
	assert_true(val_eq(&v, &w));
	/* an old value without the field stays valid, with no sources */
	const uint8_t old[] = { 1, 1, 10, 5, 1 };
	assert_int_equal(lb_val_decode(old, sizeof old, &w), 0);
	assert_int_equal(w.nsrc, 0);
	assert_int_equal(w.count, 1);
	/* union: {2,3,200} + {1,3} = {1,2,3,200} */
	lb_store_val_t b;
	memset(&b, 0, sizeof b);
	b.nsrc = 2;
	b.src[0] = 1;
	b.src[1] = 3;
	lb_store_val_merge(&v, &b);
	assert_int_equal(v.nsrc, 4);
	assert_int_equal(v.src[0], 1);
	assert_int_equal(v.src[1], 2);
	assert_int_equal(v.src[2], 3);
	assert_int_equal(v.src[3], 200);
	assert_int_equal(v.src_more, 0);
	/* cap: ids 10..25 (16) + {0, 5} -> 0, 5, 10..23 and more */
	memset(&v, 0, sizeof v);
	for (uint32_t i = 0; i < 16; i++)
		v.src[i] = 10 + i;
	v.nsrc = 16;
	memset(&b, 0, sizeof b);
	b.nsrc = 2;
	b.src[1] = 5;
	lb_store_val_merge(&v, &b);
	assert_int_equal(v.nsrc, 16);
	assert_int_equal(v.src[0], 0);
	assert_int_equal(v.src[1], 5);
	assert_int_equal(v.src[15], 23);
	assert_int_equal(v.src_more, 1);
	n = lb_val_encode(&v, out, 0);
	assert_int_equal(out[1], 8 | 16);
	assert_int_equal(lb_val_decode(out, n, &w), 0);
	assert_int_equal(w.src_more, 1);
	assert_int_equal(w.src[15], 23);
	/* corrupt: count 0, count 17, delta 0, truncated, more without sources,
	 * more with fewer than 16 ids, trailing byte, id past 32 bits */
	const uint8_t bad0[] = { 1, 8, 0 };
	const uint8_t bad1[] = { 1, 8, 17, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1 };
	const uint8_t bad2[] = { 1, 8, 2, 4, 0 };
	const uint8_t bad3[] = { 1, 8, 3, 4, 1 };
	const uint8_t bad4[] = { 1, 16 };
	const uint8_t bad5[] = { 1, 24, 2, 4, 1 };
	const uint8_t bad6[] = { 1, 8, 1, 4, 9 };
	const uint8_t bad7[] = { 1, 8, 1, 0x80, 0x80, 0x80, 0x80, 0x10 };
	const uint8_t bad8[] = { 1, 8, 2, 0xff, 0xff, 0xff, 0xff, 0x0f, 1 };
	const uint8_t bad9[] = { 1, 32 };
	const uint8_t *bad[] = { bad0, bad1, bad2, bad3, bad4, bad5, bad6, bad7, bad8, bad9 };
	size_t badl[] = { sizeof bad0, sizeof bad1, sizeof bad2, sizeof bad3, sizeof bad4,
			  sizeof bad5, sizeof bad6, sizeof bad7, sizeof bad8, sizeof bad9 };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(lb_val_decode(bad[i], badl[i], &w), LB_ECORRUPT);
	/* the largest value fits LB_VAL_MAX */
	lb_store_val_t big;
	memset(&big, 0, sizeof big);
	big.time_first = big.time_last = big.count = UINT64_MAX;
	big.zone_first = big.zone_last = UINT64_MAX;
	big.nruns = LB_STORE_MAX_RUNS;
	for (uint32_t i = 0; i < LB_STORE_MAX_RUNS; i++) {
		big.runs[i].start = 0x7fffffff / LB_STORE_MAX_RUNS * i;
		big.runs[i].len = 1000;
	}
	for (uint32_t i = 0; i < 16; i++)
		big.src[i] = i * 0x0fffffffu;
	big.nsrc = 16;
	big.src_more = 1;
	assert_true(lb_val_encode(&big, out, 1) <= LB_VAL_MAX);
}

/* Times past LB_TIME_MAX: a value holding one does not decode (its derived
 * timeline's days would not fit 32 bits, so a merge could not write it back:
 * found by fuzz_store_value, input in fuzz/crashes/store_value); one at the
 * bound merges and re-encodes, with its days, to a value that decodes. */
static void test_time_bound(void **st)
{
	(void)st;
	lb_store_val_t v, w;
	uint8_t b[LB_VAL_MAX], out[LB_VAL_MAX];
	memset(&v, 0, sizeof v);
	lb_store_val_seen(&v, LB_TIME_MAX, 3);
	v.time_first = 0;
	size_t n = lb_val_encode(&v, b, 0);
	assert_int_equal(lb_val_decode(b, n, &w), 0);
	assert_int_equal(w.time_last, LB_TIME_MAX);
	const uint8_t *ops[1] = { b };
	size_t lens[1] = { n };
	unsigned bad = 0;
	for (int days = 0; days < 2; days++) {
		size_t m = lb_val_merge_bytes(ops, lens, 1, days, out, &bad);
		assert_true(m > 0);
		assert_int_equal(lb_val_decode(out, m, &w), 0);
	}
	v.time_last = LB_TIME_MAX + 1;
	n = lb_val_encode(&v, b, 0);
	assert_int_equal(lb_val_decode(b, n, &w), LB_ECORRUPT);
	/* the fuzzer's operand: 9.7 million years */
	static const uint8_t far[] = { 0x01, 0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xce, 0x45, 0xff, 0xff,
				       0xff, 0xff, 0xff, 0xce, 0x45, 0xce, 0x45 };
	assert_int_equal(lb_val_decode(far, sizeof far, &w), LB_ECORRUPT);
	ops[0] = far;
	lens[0] = sizeof far;
	bad = 0;
	assert_int_equal(lb_val_merge_bytes(ops, lens, 1, 1, out, &bad), 0);
	assert_int_equal(bad, 1);
}

static void test_merge_bad_operand(void **st)
{
	(void)st;
	lb_store_val_t a;
	rand_val(&a);
	uint8_t ea[LB_VAL_MAX], out[LB_VAL_MAX];
	size_t na = lb_val_encode(&a, ea, 1);
	const uint8_t junk[3] = { 9, 9, 9 };
	const uint8_t *ops[2] = { junk, ea };
	size_t lens[2] = { 3, na };
	unsigned bad = 0;
	size_t n = lb_val_merge_bytes(ops, lens, 2, 1, out, &bad);
	assert_int_equal(bad, 1);
	assert_int_equal(n, na);
	assert_memory_equal(out, ea, na);
	bad = 0;
	assert_int_equal(lb_val_merge_bytes(ops, lens, 1, 1, out, &bad), 0);
}

static void test_runs_cap(void **st)
{
	(void)st;
	lb_store_val_t a, b;
	memset(&a, 0, sizeof a);
	for (uint32_t i = 0; i < 300; i++) {
		memset(&b, 0, sizeof b);
		b.time_first = b.time_last = 1000;
		b.count = 1;
		b.nruns = 1;
		b.runs[0].start = 1000 + i * 2; /* every other day: no two runs join */
		b.runs[0].len = 1;
		b.runs[0].count = 1 + i % 3;
		b.count = b.runs[0].count;
		lb_store_val_merge(&a, &b);
		assert_true(a.nruns <= LB_STORE_MAX_RUNS);
	}
	assert_int_equal(a.nruns, LB_STORE_MAX_RUNS);
	assert_int_equal(a.runs[0].start, 1000);                   /* oldest end kept */
	assert_int_equal(a.runs[a.nruns - 1].start, 1000 + 299 * 2); /* newest end kept */
	assert_int_equal(a.count, 300 * 2);
	/* the joined oldest run holds the counts of days 0..172 (i % 3 + 1 each),
	 * every later run its own */
	uint64_t old = 0;
	for (uint32_t i = 0; i <= 300 - LB_STORE_MAX_RUNS; i++)
		old += 1 + i % 3;
	assert_int_equal(a.runs_uncounted, 0);
	assert_true(a.runs[0].count == old);
	for (uint32_t k = 1; k < a.nruns; k++)
		assert_true(a.runs[k].count == 1 + (300 - LB_STORE_MAX_RUNS + k) % 3);
	/* and the capped value survives the encoding with its counts */
	uint8_t out[LB_VAL_MAX];
	lb_store_val_t w;
	size_t n = lb_val_encode(&a, out, 1);
	assert_int_equal(lb_val_decode(out, n, &w), 0);
	assert_true(val_eq(&a, &w));
}

/* Run counts (flag 32) by hand: bytes as documented, old values without
 * them, merging old with new, saturation, corrupt forms. */
static void test_run_counts(void **st)
{
	(void)st;
	lb_store_val_t a, b, w;
	uint8_t out[LB_VAL_MAX];
	/* seen 3 times on day 20000 and 4 times on day 20005 */
	lb_store_val_seen(&a, 20000 * 86400ull + 10, 3);
	lb_store_val_seen(&b, 20005 * 86400ull + 20, 4);
	lb_store_val_merge(&a, &b);
	assert_int_equal(a.nruns, 2);
	size_t n = lb_val_encode(&a, out, 1);
	const uint8_t want[] = {
		1, 1 | 4 | 32,
		0x8a, 0xe0, 0xfc, 0xb7, 0x06,   /* 1728000010 */
		0x8a, 0xaf, 0x1a,               /* + 432010 */
		7,                              /* count */
		2,                              /* runs */
		0xa0, 0x9c, 0x01, 0, 3,         /* day 20000, 1 day, 3 */
		4, 0, 4,                        /* day 20005 (20001 + 4), 1 day, 4 */
	};
	assert_int_equal(n, sizeof want);
	assert_memory_equal(out, want, n);
	assert_int_equal(lb_val_decode(out, n, &w), 0);
	assert_int_equal(w.runs_uncounted, 0);
	assert_true(w.runs[0].count == 3 && w.runs[1].count == 4);
	/* the same value written before run counts were kept: counts unknown */
	uint8_t old[sizeof want - 2];
	memcpy(old, want, 16);
	old[1] = 1 | 4;
	old[16] = 4;
	old[17] = 0;
	assert_int_equal(lb_val_decode(old, sizeof old, &w), 0);
	assert_int_equal(w.runs_uncounted, 1);
	assert_int_equal(w.nruns, 2);
	/* merging old with new: unknown, written without flag 32 */
	const uint8_t *ops[2] = { old, out };
	size_t lens[2] = { sizeof old, n };
	unsigned bad = 0;
	uint8_t m[LB_VAL_MAX];
	size_t mn = lb_val_merge_bytes(ops, lens, 2, 1, m, &bad);
	assert_int_equal(bad, 0);
	assert_int_equal(m[1], 1 | 4);
	assert_int_equal(lb_val_decode(m, mn, &w), 0);
	assert_int_equal(w.runs_uncounted, 1);
	assert_true(w.count == 14);
	/* an unknown single run from first to last day stays explicit (and unknown) */
	lb_store_val_seen(&a, 20000 * 86400ull, 5);
	a.runs_uncounted = 1;
	n = lb_val_encode(&a, out, 1);
	assert_int_equal(out[1], 1 | 4);
	assert_int_equal(lb_val_decode(out, n, &w), 0);
	assert_int_equal(w.runs_uncounted, 1);
	/* a known one is implicit: no run bytes */
	a.runs_uncounted = 0;
	n = lb_val_encode(&a, out, 1);
	assert_int_equal(out[1], 1);
	assert_int_equal(lb_val_decode(out, n, &w), 0);
	assert_true(w.runs[0].count == 5);
	/* saturation: the run count and the total stop at UINT64_MAX */
	lb_store_val_seen(&a, 20000 * 86400ull, UINT64_MAX - 1);
	lb_store_val_seen(&b, 20000 * 86400ull + 5, 5);
	lb_store_val_merge(&a, &b);
	assert_true(a.count == UINT64_MAX && a.runs[0].count == UINT64_MAX);
	lb_store_val_seen(&b, 20009 * 86400ull, 2);
	lb_store_val_merge(&a, &b);
	assert_int_equal(a.runs_uncounted, 0);
	n = lb_val_encode(&a, out, 1);
	assert_int_equal(lb_val_decode(out, n, &w), 0);
	assert_true(val_eq(&a, &w));
	/* corrupt: counts that do not add up; 32 without 4 */
	uint8_t bad1[sizeof want];
	memcpy(bad1, want, sizeof want);
	bad1[sizeof want - 1] = 5;
	assert_int_equal(lb_val_decode(bad1, sizeof bad1, &w), LB_ECORRUPT);
	const uint8_t bad2[] = { 1, 1 | 32, 10, 0, 1 };
	assert_int_equal(lb_val_decode(bad2, sizeof bad2, &w), LB_ECORRUPT);
	const uint8_t bad3[] = { 1, 64 };
	assert_int_equal(lb_val_decode(bad3, sizeof bad3, &w), LB_ECORRUPT);
	/* a value built by hand the way the window does (zeroed up to the runs,
	 * one run from the first to the last day, its count field left as it
	 * was): the run holds the whole count, implicit */
	memset(&a, 0, offsetof(lb_store_val_t, runs));
	a.time_first = 20000 * 86400ull + 5;
	a.time_last = 20001 * 86400ull + 5;
	a.count = 6;
	a.nruns = 1;
	a.runs[0].start = 20000;
	a.runs[0].len = 2;
	a.runs[0].count = 12345;
	n = lb_val_encode(&a, out, 1);
	assert_int_equal(out[1], 1);
	/* merged with another day, the run gets the value's count */
	lb_store_val_seen(&b, 20005 * 86400ull, 4);
	lb_store_val_merge(&a, &b);
	assert_int_equal(a.runs_uncounted, 0);
	assert_true(a.nruns == 2 && a.runs[0].count == 6 && a.runs[1].count == 4);
	/* and so does a single run that is not the implicit one */
	memset(&a, 0, offsetof(lb_store_val_t, runs));
	a.time_first = 20000 * 86400ull + 5;
	a.time_last = 20003 * 86400ull + 5;
	a.count = 6;
	a.nruns = 1;
	a.runs[0].start = 20000;
	a.runs[0].len = 1;
	a.runs[0].count = 12345;
	n = lb_val_encode(&a, out, 1);
	assert_int_equal(out[1], 1 | 4 | 32);
	assert_int_equal(lb_val_decode(out, n, &w), 0);
	assert_true(w.runs[0].count == 6);
	/* a decoded single run whose count is not the total is corrupt */
	const uint8_t bad4[] = { 1, 1 | 4 | 32, 10, 0, 6, 1, 0, 0, 5 };
	assert_int_equal(lb_val_decode(bad4, sizeof bad4, &w), LB_ECORRUPT);
	/* a hand-built value whose counts do not add up is written as unknown */
	lb_store_val_seen(&a, 20000 * 86400ull, 3);
	lb_store_val_seen(&b, 20005 * 86400ull, 4);
	lb_store_val_merge(&a, &b);
	a.runs[1].count = 9;
	n = lb_val_encode(&a, out, 1);
	assert_int_equal(out[1], 1 | 4);
}

static int wire(const char *text, uint8_t *out)
{
	int n = lb_name_from_text(text, strlen(text), NULL, out, 256);
	assert_true(n > 0);
	return n;
}

static int cmp_kbuf(const void *a, const void *b)
{
	const lb_kbuf_t *x = a, *y = b;
	size_t n = x->len < y->len ? x->len : y->len;
	int c = memcmp(x->p, y->p, n);
	return c ? c : (x->len < y->len ? -1 : x->len > y->len);
}

static int key_cmp(const uint8_t *k, size_t kl, const uint8_t *b, size_t bl)
{
	size_t n = kl < bl ? kl : bl;
	int c = memcmp(k, b, n);
	return c ? c : (kl < bl ? -1 : kl > bl);
}

/* A CIDR block is exactly the keys in ['I' 4 lo, 'I' 4 hi 0x40). */
static void test_ip_order(void **st)
{
	(void)st;
	enum { N = 3000 };
	lb_kbuf_t *keys = calloc(N, sizeof *keys);
	uint32_t *addr = calloc(N, sizeof *addr);
	assert_non_null(keys);
	uint8_t owner[256];
	for (int i = 0; i < N; i++) {
		char name[64];
		snprintf(name, sizeof name, "h%d.example%d.com", (int)(rnd() % 50), i % 7);
		wire(name, owner);
		/* addresses cluster in 10.1.0.0/16 so prefixes catch some */
		uint32_t a = (rnd() % 4 == 0) ? (uint32_t)rnd() : (0x0a010000u | (uint32_t)(rnd() & 0xffff));
		addr[i] = a;
		uint8_t rd[4] = { (uint8_t)(a >> 24), (uint8_t)(a >> 16), (uint8_t)(a >> 8), (uint8_t)a };
		const uint8_t *rdp[1] = { rd };
		uint16_t rdl[1] = { 4 };
		lb_store_rec_t r = { .kind = LB_REC_RRSET, .owner = owner, .type = LB_T_A,
				     .nrdata = 1, .rdata = rdp, .rdlen = rdl };
		const uint8_t *t;
		lb_key_rdata(&keys[i], &r, 0, 1, &t, NULL);
		assert_null(t);
		assert_int_equal(keys[i].err, 0);
		/* address bytes right after the table and family bytes */
		assert_int_equal(keys[i].p[0], LB_KT_IP);
		assert_int_equal(keys[i].p[1], 4);
		assert_memory_equal(keys[i].p + 2, rd, 4);
	}
	static const int plens[] = { 8, 16, 20, 24, 28, 32 };
	for (int t = 0; t < 40; t++) {
		int pl = plens[t % 6];
		uint32_t base = addr[rnd() % N];
		uint32_t mask = pl == 32 ? 0xffffffffu : ~(0xffffffffu >> pl);
		uint32_t lo = base & mask, hi = lo | ~mask;
		uint8_t lob[6] = { LB_KT_IP, 4, (uint8_t)(lo >> 24), (uint8_t)(lo >> 16), (uint8_t)(lo >> 8), (uint8_t)lo };
		uint8_t hib[7] = { LB_KT_IP, 4, (uint8_t)(hi >> 24), (uint8_t)(hi >> 16), (uint8_t)(hi >> 8), (uint8_t)hi, 0x40 };
		for (int i = 0; i < N; i++) {
			int in_range = key_cmp(keys[i].p, keys[i].len, lob, 6) >= 0 &&
				       key_cmp(keys[i].p, keys[i].len, hib, 7) < 0;
			int in_cidr = (addr[i] & mask) == lo;
			assert_int_equal(in_range, in_cidr);
		}
	}
	/* and sorted keys are in address order */
	qsort(keys, N, sizeof *keys, cmp_kbuf);
	for (int i = 1; i < N; i++)
		assert_true(memcmp(keys[i - 1].p + 2, keys[i].p + 2, 4) <= 0);
	for (int i = 0; i < N; i++)
		lb_kbuf_free(&keys[i]);
	free(keys);
	free(addr);
}

/* Names strictly below Z are exactly the rrset keys in ['R' rev(Z) 01, 'R' rev(Z) 40). */
static void test_wildcard_prefix(void **st)
{
	(void)st;
	static const char *names[] = {
		"example.com", "www.example.com", "a.b.example.com", "example.community",
		"aexample.com", "com", "example.org", "xn--bcher-kva.example.com", "www.example.co",
		"*.example.com", "example.com.evil.net", "sub.example.com",
	};
	static const int below_example_com[] = { 0, 1, 1, 0, 0, 0, 0, 1, 0, 1, 0, 1 };
	uint8_t zone[256], owner[256], rev[256];
	wire("example.com", zone);
	lb_kbuf_t pre = { 0 };
	lb_kbuf_u8(&pre, LB_KT_RRSET);
	lb_kbuf_rname(&pre, zone);
	memcpy(rev, pre.p, pre.len);
	size_t rl = pre.len;
	uint8_t lo[260], hi[260];
	memcpy(lo, rev, rl);
	lo[rl] = 1;
	memcpy(hi, rev, rl);
	hi[rl] = 0x40;
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		int ol = wire(names[i], owner);
		uint8_t rd[4] = { 192, 0, 2, 1 };
		const uint8_t *rdp[1] = { rd };
		uint16_t rdl[1] = { 4 };
		lb_store_rec_t r = { .kind = LB_REC_RRSET, .owner = owner, .owner_len = (size_t)ol,
				     .type = LB_T_A, .nrdata = 1, .rdata = rdp, .rdlen = rdl };
		lb_kbuf_t k = { 0 };
		lb_key_rrset(&k, &r);
		int in = key_cmp(k.p, k.len, lo, rl + 1) >= 0 && key_cmp(k.p, k.len, hi, rl + 1) < 0;
		assert_int_equal(in, below_example_com[i]);
		/* exact: prefix R rev 00 */
		int exact = k.len > rl && !memcmp(k.p, rev, rl) && k.p[rl] == 0;
		assert_int_equal(exact, i == 0);
		lb_kbuf_free(&k);
	}
	lb_kbuf_free(&pre);
}

static void test_key_decode_roundtrip(void **st)
{
	(void)st;
	lb_kdec_t *d = malloc(sizeof *d);
	assert_non_null(d);
	uint8_t owner[256], bail[256];
	int ol = wire("www.Example.com", owner), bl = wire("example.com", bail);
	lb_name_lower(owner);
	/* rrset with two rdatas, with and without bailiwick; root bailiwick too */
	uint8_t a1[4] = { 192, 0, 2, 1 }, a2[4] = { 192, 0, 2, 2 };
	const uint8_t *rdp[2] = { a1, a2 };
	uint16_t rdl[2] = { 4, 4 };
	const uint8_t *bails[3] = { bail, NULL, (const uint8_t *)"" };
	for (int b = 0; b < 3; b++) {
		lb_store_rec_t r = { .kind = LB_REC_RRSET, .owner = owner, .owner_len = (size_t)ol,
				     .bailiwick = bails[b], .bailiwick_len = b == 0 ? (size_t)bl : b == 2,
				     .type = LB_T_A, .nrdata = 2, .rdata = rdp, .rdlen = rdl };
		lb_kbuf_t k = { 0 };
		lb_key_rrset(&k, &r);
		lb_store_rec_t o;
		assert_int_equal(lb_key_decode(k.p, k.len, d, &o), 0);
		assert_int_equal(o.kind, LB_REC_RRSET);
		assert_int_equal(o.owner_len, (size_t)ol);
		assert_memory_equal(o.owner, owner, (size_t)ol);
		assert_int_equal(o.type, LB_T_A);
		assert_int_equal(o.nrdata, 2);
		assert_memory_equal(o.rdata[1], a2, 4);
		if (b == 1)
			assert_null(o.bailiwick);
		else
			assert_memory_equal(o.bailiwick, bails[b], o.bailiwick_len);
		/* every truncation of the key fails cleanly (or decodes to fewer rdatas) */
		for (size_t n = 0; n < k.len; n++) {
			int e = lb_key_decode(k.p, n, d, &o);
			if (e == 0)
				assert_true(o.nrdata < 2);
		}
		lb_kbuf_free(&k);
	}
	/* MX rdata: name index key rebuilds the rdata */
	uint8_t mx[64];
	mx[0] = 0;
	mx[1] = 10;
	int ml = wire("mail.example.net", mx + 2);
	const uint8_t *mp[1] = { mx };
	uint16_t mlen[1] = { (uint16_t)(ml + 2) };
	lb_store_rec_t r = { .kind = LB_REC_RRSET, .owner = owner, .owner_len = (size_t)ol,
			     .type = LB_T_MX, .nrdata = 1, .rdata = mp, .rdlen = mlen };
	lb_kbuf_t k = { 0 };
	const uint8_t *target;
	lb_key_rdata(&k, &r, 0, 1, &target, NULL);
	assert_ptr_equal(target, mx + 2);
	assert_int_equal(k.p[0], LB_KT_NAME);
	lb_store_rec_t o;
	assert_int_equal(lb_key_decode(k.p, k.len, d, &o), 0);
	assert_int_equal(o.kind, LB_REC_RDATA);
	assert_int_equal(o.type, LB_T_MX);
	assert_int_equal(o.rdlen[0], ml + 2);
	assert_memory_equal(o.rdata[0], mx, (size_t)ml + 2);
	assert_memory_equal(o.owner, owner, (size_t)ol);
	/* TXT: raw table */
	uint8_t txt[6] = { 5, 'h', 'e', 'l', 'l', 'o' };
	const uint8_t *tp[1] = { txt };
	uint16_t tl[1] = { 6 };
	r.type = LB_T_TXT;
	r.rdata = tp;
	r.rdlen = tl;
	lb_kbuf_reset(&k);
	lb_key_rdata(&k, &r, 0, 1, &target, NULL);
	assert_null(target);
	assert_int_equal(k.p[0], LB_KT_RAW);
	assert_int_equal(lb_key_decode(k.p, k.len, d, &o), 0);
	assert_int_equal(o.type, LB_T_TXT);
	assert_memory_equal(o.rdata[0], txt, 6);
	assert_int_equal(lb_rocks_key_prefix_len(k.p, k.len), 1 + 1 + 6);
	/* long rdata: by length and digest (format 3), or in full */
	uint8_t lt[LB_XDIG_MIN];
	memset(lt, 'x', sizeof lt);
	lt[0] = sizeof lt - 1;
	tp[0] = lt;
	tl[0] = sizeof lt;
	lb_kbuf_reset(&k);
	lb_key_rdata(&k, &r, 0, 1, &target, NULL);
	assert_int_equal(k.len, 1 + 3 + 2 + 8 + 2 + (size_t)ol - 1 + 1);
	assert_int_equal(lb_rocks_key_prefix_len(k.p, k.len), 1 + 3 + 2 + 8);
	assert_int_equal(lb_key_decode(k.p, k.len, d, &o), 0);
	assert_int_equal(o.kind, LB_REC_RDATA);
	assert_int_equal(o.type, LB_T_TXT);
	assert_int_equal(o.nrdata, 1);
	assert_null(o.rdata[0]);
	assert_int_equal(o.rdlen[0], sizeof lt);
	assert_true(d->xdig == lb_rdata_digest(lt, sizeof lt));
	assert_memory_equal(o.owner, owner, (size_t)ol);
	/* the digest is XXH3-64 of the rdata, big-endian after the length */
	uint64_t h = XXH3_64bits(lt, sizeof lt);
	for (int j = 0; j < 8; j++)
		assert_int_equal(k.p[6 + j], (uint8_t)(h >> (56 - 8 * j)));
	/* the rrset holding it is found by digest, and the rdata with it */
	lb_kbuf_t rk = { 0 };
	lb_key_rrset(&rk, &r);
	size_t plen = 1 + (size_t)ol - 1 + 1 + 2;
	const uint8_t *m = NULL;
	assert_int_equal(lb_key_rrset_find(rk.p, rk.len, plen, NULL, sizeof lt, d->xdig, &m), 1);
	assert_non_null(m);
	assert_memory_equal(m, lt, sizeof lt);
	assert_int_equal(lb_key_rrset_find(rk.p, rk.len, plen, NULL, sizeof lt, d->xdig ^ 1, &m), 0);
	assert_int_equal(lb_key_rrset_find(rk.p, rk.len, plen, NULL, sizeof lt - 1, d->xdig, &m), 0);
	lb_kbuf_free(&rk);
	/* a digest key is cut, or names a length too short for one */
	for (size_t cut = 1; cut < 14; cut++)
		assert_int_equal(lb_key_decode(k.p, cut, d, &o), LB_ECORRUPT);
	k.p[4] = 0;
	k.p[5] = LB_XDIG_MIN - 1;
	assert_int_equal(lb_key_decode(k.p, k.len, d, &o), LB_ECORRUPT);
	lb_kbuf_reset(&k);
	lb_key_rdata(&k, &r, 0, 0, &target, NULL); /* a format-2 store's key */
	assert_int_equal(k.len, 1 + 1 + sizeof lt + 2 + (size_t)ol - 1 + 1);
	assert_int_equal(lb_key_decode(k.p, k.len, d, &o), 0);
	assert_memory_equal(o.rdata[0], lt, sizeof lt);
	/* one byte shorter: in full either way */
	tl[0] = sizeof lt - 1;
	lb_kbuf_reset(&k);
	lb_key_rdata(&k, &r, 0, 1, &target, NULL);
	assert_int_equal(lb_key_decode(k.p, k.len, d, &o), 0);
	assert_memory_equal(o.rdata[0], lt, sizeof lt - 1);
	/* negative */
	lb_store_rec_t n = { .kind = LB_REC_NEG, .owner = owner, .owner_len = (size_t)ol,
			     .type = LB_T_AAAA, .rcode = 3 };
	lb_kbuf_reset(&k);
	lb_key_neg(&k, &n);
	assert_int_equal(lb_key_decode(k.p, k.len, d, &o), 0);
	assert_int_equal(o.kind, LB_REC_NEG);
	assert_int_equal(o.rcode, 3);
	assert_int_equal(o.type, LB_T_AAAA);
	assert_null(o.bailiwick);
	/* junk keys */
	static const uint8_t j1[] = { 'Q', 1, 2 }, j2[] = { 'R', 64, 'a' }, j3[] = { 'I', 5, 1, 2, 3, 4, 0 };
	assert_int_equal(lb_key_decode(j1, sizeof j1, d, &o), LB_ECORRUPT);
	assert_int_equal(lb_key_decode(j2, sizeof j2, d, &o), LB_ECORRUPT);
	assert_int_equal(lb_key_decode(j3, sizeof j3, d, &o), LB_ECORRUPT);
	lb_kbuf_free(&k);
	free(d);
}

/* The rrset key against one built here byte by byte (the format of keys.h:
 * 'R', owner labels reversed, 00, type, bailiwick reversed and 00 or FF,
 * varint length + rdata each): lb_key_rrset and lb_key_rrset_put (the
 * window's, which copies labels and short rdata in 8/4/1-byte pieces) on
 * random names with labels of every length 1-63, rdata of 0-300 bytes. */
static size_t ref_rname(uint8_t *o, const uint8_t *name)
{
	const uint8_t *lab[128];
	int n = 0;
	for (const uint8_t *p = name; *p; p += 1 + *p)
		lab[n++] = p;
	size_t w = 0;
	for (int i = n - 1; i >= 0; i--) {
		for (size_t j = 0; j <= lab[i][0]; j++)
			o[w++] = lab[i][j];
	}
	return w;
}

static size_t rand_name(uint8_t *o)
{
	size_t n = 0;
	int labels = (int)(rnd() % 6);
	for (int i = 0; i < labels; i++) {
		size_t l = 1 + rnd() % 63;
		if (n + 1 + l > 200)
			break;
		o[n++] = (uint8_t)l;
		for (size_t j = 0; j < l; j++)
			o[n++] = (uint8_t)('a' + rnd() % 26);
	}
	o[n++] = 0;
	return n;
}

static void test_key_rrset_put(void **st)
{
	(void)st;
	static uint8_t rd[5][300], ref[4096], out[4096];
	for (int it = 0; it < 3000; it++) {
		uint8_t owner[256], bail[256];
		size_t ol = rand_name(owner), bl = rand_name(bail);
		size_t nrd = 1 + rnd() % 5;
		const uint8_t *rdp[5];
		uint16_t rdl[5];
		for (size_t i = 0; i < nrd; i++) {
			rdl[i] = (uint16_t)(rnd() % 4 ? rnd() % 20 : rnd() % 300);
			for (size_t j = 0; j < rdl[i]; j++)
				rd[i][j] = (uint8_t)rnd();
			rdp[i] = rd[i];
		}
		int has_bail = (int)(rnd() % 2);
		lb_store_rec_t r = { .kind = LB_REC_RRSET, .owner = owner, .owner_len = ol,
				     .bailiwick = has_bail ? bail : NULL,
				     .bailiwick_len = has_bail ? bl : 0, .type = (uint16_t)rnd(),
				     .nrdata = nrd, .rdata = rdp, .rdlen = rdl };
		size_t w = 0;
		ref[w++] = LB_KT_RRSET;
		w += ref_rname(ref + w, owner);
		ref[w++] = 0;
		ref[w++] = (uint8_t)(r.type >> 8);
		ref[w++] = (uint8_t)r.type;
		if (has_bail) {
			w += ref_rname(ref + w, bail);
			ref[w++] = 0;
		} else {
			ref[w++] = LB_BAIL_UNKNOWN;
		}
		for (size_t i = 0; i < nrd; i++) {
			w += lb_varint_put(ref + w, rdl[i]);
			memcpy(ref + w, rdp[i], rdl[i]);
			w += rdl[i];
		}
		memset(out, 0xAA, sizeof out);
		size_t need = lb_key_rrset_need(&r);
		assert_true(need >= w && need <= sizeof out);
		assert_int_equal(lb_key_rrset_put(out, &r), w);
		assert_memory_equal(out, ref, w);
		for (size_t i = need; i < sizeof out; i++)
			assert_int_equal(out[i], 0xAA); /* nothing past what need promised */
		lb_kbuf_t k = { 0 };
		lb_key_rrset(&k, &r);
		assert_int_equal(k.len, w);
		assert_memory_equal(k.p, ref, w);
		lb_kbuf_free(&k);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_varint),
		cmocka_unit_test(test_value_roundtrip),
		cmocka_unit_test(test_value_corrupt),
		cmocka_unit_test(test_merge_associative),
		cmocka_unit_test(test_value_sources),
		cmocka_unit_test(test_merge_bad_operand),
		cmocka_unit_test(test_time_bound),
		cmocka_unit_test(test_runs_cap),
		cmocka_unit_test(test_run_counts),
		cmocka_unit_test(test_ip_order),
		cmocka_unit_test(test_wildcard_prefix),
		cmocka_unit_test(test_key_decode_roundtrip),
		cmocka_unit_test(test_key_rrset_put),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
