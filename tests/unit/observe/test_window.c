/*
 * test_window.c - the aggregation window: memory stays within its bounds
 * however much unique traffic arrives, repeats fold, flushes on size and on
 * time, the section/bailiwick rules, negatives.  Checked through the store.
 */
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "dns/name.h"
#include "dns/rrtype.h"
#include "observe/window.h"

static char dir[256];

static void rm_dir(void)
{
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

static int setup(void **st)
{
	(void)st;
	snprintf(dir, sizeof dir, "/tmp/lb-test-window.%d", (int)getpid());
	return 0;
}

static int teardown(void **st)
{
	(void)st;
	rm_dir();
	return 0;
}

struct ob {
	uint8_t owner[256], bail[256], addr[4];
	const uint8_t *rdp[1];
	uint16_t rdl[1];
	lb_obs_rrset_t o;
};

static void mk(struct ob *b, const char *name, const char *bail, uint32_t a, uint64_t t, int section)
{
	memset(b, 0, sizeof *b);
	int n = lb_name_from_text(name, strlen(name), NULL, b->owner, 256);
	assert_true(n > 0);
	b->o.owner = b->owner;
	b->o.owner_len = (uint8_t)n;
	if (bail) {
		n = lb_name_from_text(bail, strlen(bail), NULL, b->bail, 256);
		assert_true(n > 0);
		b->o.bailiwick = b->bail;
		b->o.bailiwick_len = (uint8_t)n;
	}
	b->addr[0] = (uint8_t)(a >> 24);
	b->addr[1] = (uint8_t)(a >> 16);
	b->addr[2] = (uint8_t)(a >> 8);
	b->addr[3] = (uint8_t)a;
	b->rdp[0] = b->addr;
	b->rdl[0] = 4;
	b->o.rdata = b->rdp;
	b->o.rdlen = b->rdl;
	b->o.nrdata = 1;
	b->o.type = LB_T_A;
	b->o.rclass = LB_C_IN;
	b->o.section = (uint8_t)section;
	b->o.ts.tv_sec = (time_t)t;
}

static uint64_t scan_count(lb_store_t *s, enum lb_scan_kind kind, const char *name, enum lb_match m,
			   uint64_t *sum)
{
	uint8_t w[256];
	int n = lb_name_from_text(name, strlen(name), NULL, w, sizeof w);
	assert_true(n > 0);
	lb_store_scan_t q = { .kind = kind, .match = m, .name = w, .name_len = (size_t)n };
	lb_store_iter_t *it;
	assert_int_equal(lb_store_iter_new(s, &q, &it), 0);
	lb_store_rec_t r;
	uint64_t c = 0;
	int k;
	if (sum)
		*sum = 0;
	while ((k = lb_store_iter_next(it, &r)) > 0) {
		c++;
		if (sum)
			*sum += r.val.count;
	}
	assert_int_equal(k, 0);
	lb_store_iter_free(it);
	return c;
}

/* A new store in dir and a window over it. */
static lb_window_t *open_window(lb_store_t **s, const lb_window_opts_t *wo)
{
	rm_dir();
	lb_store_opts_t so = { .create = true };
	assert_int_equal(lb_store_open(dir, &so, s), 0);
	lb_window_t *w;
	assert_int_equal(lb_window_new(*s, wo, &w), 0);
	return w;
}

static void test_bounded_unique(void **st)
{
	(void)st;
	lb_store_t *s;
	lb_window_opts_t wo = { .max_entries = 100, .max_bytes = 3000, .flush_secs = 1000000 };
	lb_window_t *w = open_window(&s, &wo);
	lb_window_stats_t ws;
	lb_window_get_stats(w, &ws);
	size_t peak0 = ws.peak_bytes;
	enum { N = 20000 };
	for (uint32_t i = 0; i < N; i++) {
		struct ob b;
		char name[64];
		snprintf(name, sizeof name, "host-%u.unique.example", i);
		mk(&b, name, NULL, 0x0a000000 + i, 1700000000, LB_SEC_ANSWER);
		lb_window_rrset(w, &b.o);
		lb_window_get_stats(w, &ws);
		assert_true(ws.entries <= 100);
		assert_true(ws.bytes <= 3000);
	}
	assert_int_equal(lb_window_err(w), 0);
	lb_window_get_stats(w, &ws);
	assert_true(ws.flushes >= N / 100 - 1);
	assert_true(ws.kept == N);
	/* memory did not grow with the traffic: at most the arena's doubling */
	assert_true(ws.peak_bytes <= peak0 + 4096);
	assert_int_equal(lb_window_free(w), 0);
	uint64_t sum;
	assert_int_equal(scan_count(s, LB_SCAN_RRSET, "unique.example", LB_MATCH_BELOW, &sum), N);
	assert_int_equal(sum, N);
	assert_int_equal(lb_store_close(s), 0);
}

static void test_fold_and_time_flush(void **st)
{
	(void)st;
	lb_store_t *s;
	lb_window_opts_t wo = { .max_entries = 1000, .flush_secs = 60, .sensor = "s1" };
	lb_window_t *w = open_window(&s, &wo);
	struct ob b;
	lb_window_stats_t ws;
	for (int i = 0; i < 50; i++) {
		mk(&b, "www.example.com", NULL, 0xc0000201, 1700000000 + (uint64_t)i, LB_SEC_ANSWER);
		lb_window_rrset(w, &b.o);
	}
	lb_window_get_stats(w, &ws);
	assert_int_equal(ws.kept, 1);
	assert_int_equal(ws.folded, 49);
	assert_int_equal(ws.flushes, 0);
	/* 60 s after the window's first entry: the next observation flushes first */
	mk(&b, "www.example.com", NULL, 0xc0000201, 1700000060, LB_SEC_ANSWER);
	uint64_t before = (uint64_t)time(NULL);
	lb_window_rrset(w, &b.o);
	lb_window_get_stats(w, &ws); /* folds what is staged: the new window's first entry */
	uint64_t after = (uint64_t)time(NULL);
	assert_int_equal(ws.flushes, 1);
	assert_int_equal(ws.entries, 1);
	/* tick: the wall clock since that entry came, not the observations'
	 * clock (theirs is from 2023: a replay must not flush at every tick) */
	assert_int_equal(lb_window_tick(w, before), 0);
	assert_int_equal(lb_window_tick(w, before + 59), 0);
	lb_window_get_stats(w, &ws);
	assert_int_equal(ws.flushes, 1);
	assert_int_equal(ws.entries, 1);
	assert_int_equal(lb_window_tick(w, after + 60), 0);
	lb_window_get_stats(w, &ws);
	assert_int_equal(ws.flushes, 2);
	assert_int_equal(ws.entries, 0);
	/* an empty window has nothing to write, whatever the time */
	assert_int_equal(lb_window_tick(w, after + 1000), 0);
	lb_window_get_stats(w, &ws);
	assert_int_equal(ws.flushes, 2);
	assert_int_equal(lb_window_free(w), 0);
	uint8_t name[256];
	int n = lb_name_from_text("www.example.com", 15, NULL, name, sizeof name);
	lb_store_scan_t q = { .kind = LB_SCAN_RRSET, .name = name, .name_len = (size_t)n };
	lb_store_iter_t *it;
	assert_int_equal(lb_store_iter_new(s, &q, &it), 0);
	lb_store_rec_t r;
	assert_int_equal(lb_store_iter_next(it, &r), 1);
	assert_true(r.val.count == 51);
	assert_true(r.val.time_first == 1700000000);
	assert_true(r.val.time_last == 1700000060);
	lb_store_iter_free(it);
	/* the sensor's freshness */
	lb_store_scan_t qs = { .kind = LB_SCAN_SENSORS };
	assert_int_equal(lb_store_iter_new(s, &qs, &it), 0);
	assert_int_equal(lb_store_iter_next(it, &r), 1);
	assert_string_equal(r.sensor, "s1");
	assert_true(r.val.time_last == 1700000060);
	assert_true(r.val.count == 51);
	assert_int_equal(lb_store_iter_next(it, &r), 0);
	lb_store_iter_free(it);
	assert_int_equal(lb_store_close(s), 0);
}

/*
 * Observations are staged a few at a time before they are folded: the folds
 * keep their order across flushes on size and on time that fall inside a
 * staged run, keys too long to stage (a large rrset) fold in their place,
 * and sensor names given in a buffer that is rewritten at once still count.
 * No call between the observations looks at the window (nothing drains it
 * early); the store's totals are checked against counts kept here.
 */
static void test_staged(void **st)
{
	(void)st;
	lb_store_t *s;
	lb_window_opts_t wo = { .max_entries = 7, .flush_secs = 30 };
	lb_window_t *w = open_window(&s, &wo);
	enum { N = 400, NAMES = 13, BIG = 300 };
	uint64_t cnt[NAMES + 1] = { 0 }, first[NAMES + 1], last[NAMES + 1] = { 0 };
	for (int k = 0; k <= NAMES; k++)
		first[k] = UINT64_MAX;
	static uint8_t bigaddr[BIG][4];
	static const uint8_t *bigrdp[BIG];
	static uint16_t bigrdl[BIG];
	for (int j = 0; j < BIG; j++) {
		bigaddr[j][0] = 10;
		bigaddr[j][1] = 9;
		bigaddr[j][2] = (uint8_t)(j >> 8);
		bigaddr[j][3] = (uint8_t)j;
		bigrdp[j] = bigaddr[j];
		bigrdl[j] = 4;
	}
	char sensor[16];
	for (int i = 0; i < N; i++) {
		struct ob b;
		uint64_t t = 1700000000 + (uint64_t)i / 2;
		int k;
		if (i % 10 == 9) { /* a key of 1500+ bytes: folded at once */
			k = NAMES;
			mk(&b, "big.t.example", NULL, 0, t, LB_SEC_ANSWER);
			b.o.rdata = bigrdp;
			b.o.rdlen = bigrdl;
			b.o.nrdata = BIG;
		} else {
			k = i % NAMES;
			char name[32];
			snprintf(name, sizeof name, "n%d.t.example", k);
			mk(&b, name, NULL, 0xc0000200u + (uint32_t)k, t, LB_SEC_ANSWER);
		}
		snprintf(sensor, sizeof sensor, "s%d", i % 3);
		b.o.sensor = sensor;
		lb_window_rrset(w, &b.o);
		memset(sensor, 'x', sizeof sensor - 1); /* the name is gone after the call */
		sensor[sizeof sensor - 1] = 0;
		cnt[k]++;
		if (t < first[k])
			first[k] = t;
		if (t > last[k])
			last[k] = t;
	}
	assert_int_equal(lb_window_free(w), 0);
	uint64_t total = 0;
	for (int k = 0; k <= NAMES; k++) {
		char name[32];
		if (k == NAMES)
			snprintf(name, sizeof name, "big.t.example");
		else
			snprintf(name, sizeof name, "n%d.t.example", k);
		uint8_t wn[256];
		int n = lb_name_from_text(name, strlen(name), NULL, wn, sizeof wn);
		lb_store_scan_t q = { .kind = LB_SCAN_RRSET, .name = wn, .name_len = (size_t)n };
		lb_store_iter_t *it;
		assert_int_equal(lb_store_iter_new(s, &q, &it), 0);
		lb_store_rec_t r;
		assert_int_equal(lb_store_iter_next(it, &r), 1);
		assert_int_equal(r.val.count, cnt[k]);
		assert_int_equal(r.val.time_first, first[k]);
		assert_int_equal(r.val.time_last, last[k]);
		assert_int_equal(r.nsources, 3);
		assert_string_equal(r.sources[0], "s0");
		assert_int_equal(r.nrdata, k == NAMES ? BIG : 1);
		total += r.val.count;
		assert_int_equal(lb_store_iter_next(it, &r), 0);
		lb_store_iter_free(it);
	}
	assert_int_equal(total, N);
	/* the sources' freshness: every observation counted once */
	lb_store_scan_t qs = { .kind = LB_SCAN_SENSORS };
	lb_store_iter_t *it;
	assert_int_equal(lb_store_iter_new(s, &qs, &it), 0);
	lb_store_rec_t r;
	uint64_t seen = 0;
	int got;
	while ((got = lb_store_iter_next(it, &r)) > 0) {
		assert_true(r.sensor[0] == 's');
		seen += r.val.count;
	}
	assert_int_equal(got, 0);
	lb_store_iter_free(it);
	assert_int_equal(seen, N);
	assert_int_equal(lb_store_close(s), 0);
}

/* Sources: entries seen by several sensors fold into one entry naming all of
 * them; flushes and reopening the store keep them; past 16 the smallest ids. */
static void test_sources(void **st)
{
	(void)st;
	lb_store_t *s;
	lb_window_opts_t wo = { .max_entries = 1000, .flush_secs = 60, .sensor = "dflt" };
	lb_window_t *w = open_window(&s, &wo);
	struct ob b;
	const char *who[] = { "s1", "s2", NULL, "s1" };
	for (int i = 0; i < 4; i++) {
		mk(&b, "www.example.com", NULL, 0xc0000201, 1700000000 + (uint64_t)i, LB_SEC_ANSWER);
		b.o.sensor = who[i];
		lb_window_rrset(w, &b.o);
	}
	mk(&b, "only.example.com", NULL, 0xc0000202, 1700000000, LB_SEC_ANSWER);
	b.o.sensor = "s2";
	lb_window_rrset(w, &b.o);
	lb_window_stats_t ws;
	lb_window_get_stats(w, &ws);
	assert_int_equal(ws.kept, 2);
	assert_int_equal(lb_window_flush(w), 0);
	/* a later flush from another sensor: the store's merge makes the union */
	mk(&b, "www.example.com", NULL, 0xc0000201, 1700000010, LB_SEC_ANSWER);
	b.o.sensor = "s3";
	lb_window_rrset(w, &b.o);
	/* 20 more sensors on a third name: the 16 smallest ids are kept */
	for (int i = 0; i < 20; i++) {
		char nm[16];
		snprintf(nm, sizeof nm, "m%02d", i);
		mk(&b, "many.example.com", NULL, 0xc0000203, 1700000020, LB_SEC_ANSWER);
		b.o.sensor = nm;
		lb_window_rrset(w, &b.o);
	}
	assert_int_equal(lb_window_free(w), 0);
	for (int reopen = 0; reopen < 2; reopen++) {
		uint8_t name[256];
		const char *names[] = { "www.example.com", "only.example.com", "many.example.com" };
		for (int k = 0; k < 3; k++) {
			int n = lb_name_from_text(names[k], strlen(names[k]), NULL, name, sizeof name);
			lb_store_scan_t q = { .kind = LB_SCAN_RRSET, .name = name, .name_len = (size_t)n };
			lb_store_iter_t *it;
			assert_int_equal(lb_store_iter_new(s, &q, &it), 0);
			lb_store_rec_t r;
			assert_int_equal(lb_store_iter_next(it, &r), 1);
			if (k == 0) { /* ids in the order the store met them: s1 s2 dflt s3 */
				assert_int_equal(r.nsources, 4);
				assert_string_equal(r.sources[0], "s1");
				assert_string_equal(r.sources[1], "s2");
				assert_string_equal(r.sources[2], "dflt");
				assert_string_equal(r.sources[3], "s3");
				assert_false(r.sources_more);
				assert_true(r.val.count == 5);
			} else if (k == 1) {
				assert_int_equal(r.nsources, 1);
				assert_string_equal(r.sources[0], "s2");
			} else { /* s3 had id 3, then m00..m19 = 4..23: the 16 kept are m00..m15 */
				assert_int_equal(r.nsources, 16);
				assert_string_equal(r.sources[0], "m00");
				assert_string_equal(r.sources[15], "m15");
				assert_true(r.sources_more);
			}
			assert_int_equal(lb_store_iter_next(it, &r), 0);
			lb_store_iter_free(it);
		}
		/* the address entry of www carries the same set */
		lb_store_scan_t qi = { .kind = LB_SCAN_RDATA_IP, .family = 4 };
		memcpy(qi.lo, "\xc0\x00\x02\x01", 4);
		memcpy(qi.hi, "\xc0\x00\x02\x01", 4);
		lb_store_iter_t *it;
		assert_int_equal(lb_store_iter_new(s, &qi, &it), 0);
		lb_store_rec_t r;
		assert_int_equal(lb_store_iter_next(it, &r), 1);
		assert_int_equal(r.nsources, 4);
		assert_string_equal(r.sources[3], "s3");
		lb_store_iter_free(it);
		assert_int_equal(lb_store_close(s), 0);
		lb_store_opts_t so = { .create = true };
		assert_int_equal(lb_store_open(dir, &so, &s), 0);
	}
	/* a new source after reopening gets a new id, never a reused one */
	lb_store_rec_t a;
	memset(&a, 0, sizeof a);
	uint8_t name[256];
	int n = lb_name_from_text("only.example.com", 16, NULL, name, sizeof name);
	static const uint8_t addr[4] = { 192, 0, 2, 2 };
	const uint8_t *rdp[1] = { addr };
	uint16_t rdl[1] = { 4 };
	a.kind = LB_REC_RRSET;
	a.owner = name;
	a.owner_len = (size_t)n;
	a.type = LB_T_A;
	a.nrdata = 1;
	a.rdata = rdp;
	a.rdlen = rdl;
	lb_store_val_seen(&a.val, 1700000100, 1);
	a.sensor = "late";
	assert_int_equal(lb_store_add(s, &a), 0);
	assert_int_equal(lb_store_commit(s), 0);
	lb_store_scan_t q = { .kind = LB_SCAN_RRSET, .name = name, .name_len = (size_t)n };
	lb_store_iter_t *it;
	assert_int_equal(lb_store_iter_new(s, &q, &it), 0);
	lb_store_rec_t r;
	assert_int_equal(lb_store_iter_next(it, &r), 1);
	assert_int_equal(r.nsources, 2);
	assert_string_equal(r.sources[0], "s2");
	assert_string_equal(r.sources[1], "late");
	assert_int_equal(r.val.src[1], 24);
	lb_store_iter_free(it);
	assert_int_equal(lb_store_close(s), 0);
}

static void test_sections(void **st)
{
	(void)st;
	rm_dir();
	lb_ingest_t *ing;
	assert_int_equal(lb_ingest_open(dir, "s", NULL, &ing), 0);
	lb_obs_sink_t k = lb_ingest_sink(ing);
	struct ob b;
	/* no bailiwick: answer only */
	mk(&b, "a.sec.test", NULL, 1, 1700000000, LB_SEC_ANSWER);
	k.rrset(k.ctx, &b.o);
	mk(&b, "b.sec.test", NULL, 2, 1700000000, LB_SEC_AUTHORITY);
	k.rrset(k.ctx, &b.o);
	mk(&b, "c.sec.test", NULL, 3, 1700000000, LB_SEC_ADDITIONAL);
	k.rrset(k.ctx, &b.o);
	/* bailiwick sec.test: every section, inside the bailiwick only */
	mk(&b, "d.sec.test", "sec.test", 4, 1700000000, LB_SEC_AUTHORITY);
	k.rrset(k.ctx, &b.o);
	mk(&b, "e.sec.test", "sec.test", 5, 1700000000, LB_SEC_ADDITIONAL);
	k.rrset(k.ctx, &b.o);
	mk(&b, "f.other.test", "sec.test", 6, 1700000000, LB_SEC_ADDITIONAL);
	k.rrset(k.ctx, &b.o);
	mk(&b, "sec.test", "sec.test", 7, 1700000000, LB_SEC_ANSWER);
	k.rrset(k.ctx, &b.o);
	/* an answer off the question's chain: dropped without a bailiwick, kept
	 * inside one (the bailiwick rule then decides) */
	mk(&b, "g.sec.test", NULL, 8, 1700000000, LB_SEC_ANSWER);
	b.o.unrelated = true;
	k.rrset(k.ctx, &b.o);
	mk(&b, "h.sec.test", "sec.test", 9, 1700000000, LB_SEC_ANSWER);
	b.o.unrelated = true;
	k.rrset(k.ctx, &b.o);
	/* a set a TC response may have cut: dropped, bailiwick or not */
	mk(&b, "i.sec.test", NULL, 10, 1700000000, LB_SEC_ANSWER);
	b.o.truncated = true;
	k.rrset(k.ctx, &b.o);
	mk(&b, "j.sec.test", "sec.test", 11, 1700000000, LB_SEC_ANSWER);
	b.o.truncated = true;
	k.rrset(k.ctx, &b.o);
	/* a negative answer */
	uint8_t qn[256];
	int n = lb_name_from_text("nx.sec.test", 11, NULL, qn, sizeof qn);
	lb_obs_neg_t ng = { .qname = qn, .qname_len = (uint8_t)n, .qtype = LB_T_AAAA,
			    .qclass = LB_C_IN, .rcode = 3 };
	ng.ts.tv_sec = 1700000000;
	k.negative(k.ctx, &ng);
	k.negative(k.ctx, &ng);
	lb_window_stats_t ws;
	lb_window_get_stats(lb_ingest_window(ing), &ws);
	assert_int_equal(ws.drop_section, 2);
	assert_int_equal(ws.drop_bailiwick, 1);
	assert_int_equal(ws.drop_unrelated, 1);
	assert_int_equal(ws.drop_truncated, 2);
	assert_int_equal(lb_ingest_close(ing), 0);
	lb_store_t *s;
	lb_store_opts_t ro = { .read_only = true };
	assert_int_equal(lb_store_open(dir, &ro, &s), 0);
	assert_int_equal(scan_count(s, LB_SCAN_RRSET, "sec.test", LB_MATCH_BELOW, NULL), 4);
	assert_int_equal(scan_count(s, LB_SCAN_RRSET, "g.sec.test", LB_MATCH_EXACT, NULL), 0);
	assert_int_equal(scan_count(s, LB_SCAN_RRSET, "h.sec.test", LB_MATCH_EXACT, NULL), 1);
	assert_int_equal(scan_count(s, LB_SCAN_RRSET, "i.sec.test", LB_MATCH_EXACT, NULL), 0);
	assert_int_equal(scan_count(s, LB_SCAN_RRSET, "j.sec.test", LB_MATCH_EXACT, NULL), 0);
	assert_int_equal(scan_count(s, LB_SCAN_RRSET, "sec.test", LB_MATCH_EXACT, NULL), 1);
	assert_int_equal(scan_count(s, LB_SCAN_RRSET, "other.test", LB_MATCH_BELOW, NULL), 0);
	uint64_t sum;
	assert_int_equal(scan_count(s, LB_SCAN_NEG, "nx.sec.test", LB_MATCH_EXACT, &sum), 1);
	assert_int_equal(sum, 2);
	assert_int_equal(lb_store_close(s), 0);
}

/* A sighting past LB_TIME_MAX (a bogus dnstap timestamp, say) or at time 0
 * (a capture's unset clock) is dropped as invalid, and the rrset's history stays readable; the store refuses such a
 * record outright. */
static void test_time_bound(void **st)
{
	(void)st;
	rm_dir();
	lb_ingest_t *ing;
	assert_int_equal(lb_ingest_open(dir, "s", NULL, &ing), 0);
	lb_obs_sink_t k = lb_ingest_sink(ing);
	struct ob b;
	mk(&b, "t.bound.test", NULL, 1, 1700000000, LB_SEC_ANSWER);
	k.rrset(k.ctx, &b.o);
	mk(&b, "t.bound.test", NULL, 1, (uint64_t)LB_TIME_MAX + 1, LB_SEC_ANSWER);
	k.rrset(k.ctx, &b.o);
	mk(&b, "t.bound.test", NULL, 1, LB_TIME_MAX, LB_SEC_ANSWER);
	k.rrset(k.ctx, &b.o);
	/* time 0 is the store's "no time": a sighting there would make first
	 * seen depend on the order windows merge in */
	mk(&b, "t.bound.test", NULL, 1, 0, LB_SEC_ANSWER);
	k.rrset(k.ctx, &b.o);
	uint8_t qn[256];
	int n = lb_name_from_text("nx.bound.test", 13, NULL, qn, sizeof qn);
	lb_obs_neg_t ng = { .qname = qn, .qname_len = (uint8_t)n, .qtype = LB_T_A,
			    .qclass = LB_C_IN, .rcode = 3 };
	ng.ts.tv_sec = (time_t)1000000000000000LL;
	k.negative(k.ctx, &ng);
	ng.ts.tv_sec = 0;
	k.negative(k.ctx, &ng);
	lb_window_stats_t ws;
	lb_window_get_stats(lb_ingest_window(ing), &ws);
	assert_int_equal(ws.drop_invalid, 4);
	assert_int_equal(lb_ingest_close(ing), 0);
	lb_store_t *s;
	lb_store_opts_t rw = { 0 };
	assert_int_equal(lb_store_open(dir, &rw, &s), 0);
	uint64_t sum;
	assert_int_equal(scan_count(s, LB_SCAN_RRSET, "t.bound.test", LB_MATCH_EXACT, &sum), 1);
	assert_int_equal(sum, 2);
	assert_int_equal(scan_count(s, LB_SCAN_NEG, "nx.bound.test", LB_MATCH_EXACT, NULL), 0);
	mk(&b, "t.bound.test", NULL, 1, 0, LB_SEC_ANSWER);
	lb_store_rec_t r;
	memset(&r, 0, sizeof r);
	r.kind = LB_REC_RRSET;
	r.owner = b.o.owner;
	r.owner_len = b.o.owner_len;
	r.type = LB_T_A;
	r.nrdata = 1;
	r.rdata = b.o.rdata;
	r.rdlen = b.o.rdlen;
	lb_store_val_seen(&r.val, (uint64_t)LB_TIME_MAX + 1, 1);
	assert_int_equal(lb_store_add(s, &r), LB_EINVAL);
	assert_int_equal(lb_store_close(s), 0);
}

/* input_waits on one processor: the window's own flushes run in the
 * caller's thread (no flusher, no second arena) and keep everything; on
 * more processors, or for input that does not wait, the flusher runs. */
static void test_inline_flush(void **st)
{
	(void)st;
	cpu_set_t all, one;
	assert_int_equal(sched_getaffinity(0, sizeof all, &all), 0);
	CPU_ZERO(&one);
	for (int c = 0; c < CPU_SETSIZE; c++)
		if (CPU_ISSET(c, &all)) {
			CPU_SET(c, &one);
			break;
		}
	for (int round = 0; round < 3; round++) {
		/* 0: one processor, input waits; 1: one processor, live input;
		 * 2: every processor the test may use, input waits */
		assert_int_equal(sched_setaffinity(0, sizeof(cpu_set_t), round < 2 ? &one : &all), 0);
		lb_store_t *s;
		lb_window_opts_t wo = { .max_entries = 100, .max_bytes = 3000, .flush_secs = 1000000,
					.input_waits = round != 1 };
		lb_window_t *w = open_window(&s, &wo);
		enum { N = 5000 };
		for (uint32_t i = 0; i < N; i++) {
			struct ob b;
			char name[64];
			snprintf(name, sizeof name, "host-%u.inline.example", i);
			mk(&b, name, NULL, 0x0a000000 + i, 1700000000, LB_SEC_ANSWER);
			lb_window_rrset(w, &b.o);
		}
		lb_window_stats_t ws;
		lb_window_get_stats(w, &ws);
		int multi = CPU_COUNT(&all) > 1;
		assert_int_equal(ws.background, round == 0 ? 0 : round == 1 ? 1 : multi);
		assert_true(ws.flushes >= N / 100 - 1);
		assert_int_equal(lb_window_err(w), 0);
		assert_int_equal(lb_window_free(w), 0);
		uint64_t sum;
		assert_int_equal(scan_count(s, LB_SCAN_RRSET, "inline.example", LB_MATCH_BELOW, &sum), N);
		assert_int_equal(sum, N);
		assert_int_equal(lb_store_close(s), 0);
	}
	assert_int_equal(sched_setaffinity(0, sizeof all, &all), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bounded_unique),
		cmocka_unit_test(test_fold_and_time_flush),
		cmocka_unit_test(test_sections),
		cmocka_unit_test(test_sources),
		cmocka_unit_test(test_staged),
		cmocka_unit_test(test_time_bound),
		cmocka_unit_test(test_inline_flush),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
