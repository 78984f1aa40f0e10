/*
 * test_unaggr.c - unaggregated rows (DNSDB aggr=false, `query -g`): a store
 * built with lb_store_add of sightings on separate days, merged by the store
 * (commits between adds, then a compaction), queried aggregated and
 * unaggregated.  The expected rows are computed here from the list of
 * sightings (group by day, join consecutive days, min/max/sum), not by store
 * or query code.
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
#include "query/query.h"

#define D 19700u            /* a day number: 2023-12-09 */
#define DAY(n) ((uint64_t)(D + (n)) * 86400)

struct sighting {
	uint64_t t, count;
};

struct set {
	const char *owner;
	uint32_t addr[2];
	int naddr;
	struct sighting s[8];
	int ns;
};

/* www A {192.0.2.1}: days 0 and 1 (one run), 5, 9 */
static const struct set www1 = { "www.example.com", { 0xc0000201 }, 1,
	{ { DAY(0) + 3600, 2 }, { DAY(0) + 80000, 1 }, { DAY(1) + 100, 4 },
	  { DAY(5) + 50000, 3 }, { DAY(9) + 10, 1 }, { DAY(9) + 86399, 5 } }, 6 };
/* www A {192.0.2.1, 192.0.2.2}: days 3 and 5 */
static const struct set www2 = { "www.example.com", { 0xc0000201, 0xc0000202 }, 2,
	{ { DAY(3) + 7, 2 }, { DAY(5) + 1, 1 } }, 2 };
/* mail A {192.0.2.1}: one day */
static const struct set mail = { "mail.example.com", { 0xc0000201 }, 1,
	{ { DAY(12) + 5, 3 } }, 1 };
/* zone.example.com A {192.0.2.7}: days 2 and 4, plus zone times */
static const struct set zone = { "zone.example.com", { 0xc0000207 }, 1,
	{ { DAY(2) + 60, 1 }, { DAY(4) + 60, 1 } }, 2 };
#define ZONE_FIRST (DAY(1) + 5)
#define ZONE_LAST (DAY(6) + 5)

static char dbdir[256];
static lb_store_t *store;

static int to_wire(const char *t, uint8_t *out)
{
	int n = lb_name_from_text(t, strlen(t), NULL, out, 256);
	assert_true(n > 0);
	return n;
}

/* One rrset record of set st (rdata in rd/rdp/rdl, owner in owner). */
static lb_store_rec_t rec_of(const struct set *st, uint8_t owner[256], uint8_t rd[2][4],
			     const uint8_t *rdp[2], uint16_t rdl[2])
{
	lb_store_rec_t r;
	memset(&r, 0, sizeof r);
	r.kind = LB_REC_RRSET;
	r.owner = owner;
	r.owner_len = (size_t)to_wire(st->owner, owner);
	r.type = LB_T_A;
	for (int i = 0; i < st->naddr; i++) {
		uint32_t a = st->addr[i];
		rd[i][0] = (uint8_t)(a >> 24);
		rd[i][1] = (uint8_t)(a >> 16);
		rd[i][2] = (uint8_t)(a >> 8);
		rd[i][3] = (uint8_t)a;
		rdp[i] = rd[i];
		rdl[i] = 4;
	}
	r.nrdata = (size_t)st->naddr;
	r.rdata = rdp;
	r.rdlen = rdl;
	r.sensor = "t1";
	return r;
}

static void add_set(const struct set *st, int reverse)
{
	uint8_t owner[256], rd[2][4];
	const uint8_t *rdp[2];
	uint16_t rdl[2];
	for (int k = 0; k < st->ns; k++) {
		int i = reverse ? st->ns - 1 - k : k;
		lb_store_rec_t r = rec_of(st, owner, rd, rdp, rdl);
		lb_store_val_seen(&r.val, st->s[i].t, st->s[i].count);
		assert_int_equal(lb_store_add(store, &r), 0);
		if (k % 2) /* separate merge operands in the engine */
			assert_int_equal(lb_store_commit(store), 0);
	}
}

static int setup(void **st)
{
	(void)st;
	snprintf(dbdir, sizeof dbdir, "/tmp/lb-test-unaggr.%d", (int)getpid());
	lb_store_opts_t o = { .create = true };
	assert_int_equal(lb_store_open(dbdir, &o, &store), 0);
	add_set(&www1, 1);
	add_set(&www2, 0);
	add_set(&mail, 0);
	add_set(&zone, 1);
	uint8_t owner[256], rd[2][4];
	const uint8_t *rdp[2];
	uint16_t rdl[2];
	/* zone times of zone.example.com: a zone-only operand */
	lb_store_rec_t r = rec_of(&zone, owner, rd, rdp, rdl);
	r.val.zone_first = ZONE_FIRST;
	r.val.zone_last = ZONE_LAST;
	assert_int_equal(lb_store_add(store, &r), 0);
	/* old.example.com: a value as written before run counts were kept (two
	 * runs, counts unknown), then one new sighting */
	static const struct set old = { "old.example.com", { 0xc0000209 }, 1, { { 0, 0 } }, 0 };
	r = rec_of(&old, owner, rd, rdp, rdl);
	r.val.time_first = DAY(0) + 5;
	r.val.time_last = DAY(8) + 5;
	r.val.count = 9;
	r.val.nruns = 2;
	r.val.runs[0].start = D;
	r.val.runs[0].len = 1;
	r.val.runs[1].start = D + 8;
	r.val.runs[1].len = 1;
	r.val.runs_uncounted = 1;
	assert_int_equal(lb_store_add(store, &r), 0);
	assert_int_equal(lb_store_commit(store), 0);
	r = rec_of(&old, owner, rd, rdp, rdl);
	lb_store_val_seen(&r.val, DAY(4), 1);
	assert_int_equal(lb_store_add(store, &r), 0);
	/* a negative answer seen on days 0 and 7 */
	memset(&r, 0, sizeof r);
	r.kind = LB_REC_NEG;
	r.owner = owner;
	r.owner_len = (size_t)to_wire("nx.example.com", owner);
	r.type = LB_T_A;
	r.rcode = 3;
	lb_store_val_seen(&r.val, DAY(0) + 1, 2);
	assert_int_equal(lb_store_add(store, &r), 0);
	assert_int_equal(lb_store_commit(store), 0);
	lb_store_val_seen(&r.val, DAY(7) + 1, 3);
	assert_int_equal(lb_store_add(store, &r), 0);
	assert_int_equal(lb_store_commit(store), 0);
	assert_int_equal(lb_store_compact(store), 0);
	return 0;
}

static int teardown(void **st)
{
	(void)st;
	(void)lb_store_close(store);
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dbdir);
	return system(cmd) == 0 ? 0 : -1;
}

/* ---- the expectation side: sightings grouped by day ---- */

typedef struct {
	uint64_t first, last, count;
} row_t;

/* Rows of the sightings of sets, in day order: one per run of consecutive
 * days, its count the sightings on those days; the store keeps no times per
 * run, so a row spans the run's days (from 00:00:00 of its first to
 * 23:59:59 of its last), cut to the first and last sighting overall. */
static int expect_rows(const struct set *const *sets, int nsets, row_t *out)
{
	struct sighting all[32];
	int n = 0;
	for (int k = 0; k < nsets; k++)
		for (int i = 0; i < sets[k]->ns; i++)
			all[n++] = sets[k]->s[i];
	for (int i = 1; i < n; i++) /* insertion sort by time */
		for (int j = i; j > 0 && all[j - 1].t > all[j].t; j--) {
			struct sighting t = all[j];
			all[j] = all[j - 1];
			all[j - 1] = t;
		}
	int nr = 0;
	uint64_t prev_day = 0;
	for (int i = 0; i < n; i++) {
		uint64_t day = all[i].t / 86400;
		if (nr && day <= prev_day + 1) {
			out[nr - 1].last = day * 86400 + 86399;
			out[nr - 1].count += all[i].count;
		} else {
			out[nr].first = day * 86400;
			out[nr].last = day * 86400 + 86399;
			out[nr++].count = all[i].count;
		}
		prev_day = day;
	}
	if (nr) {
		out[0].first = all[0].t;
		out[nr - 1].last = all[n - 1].t;
	}
	return nr;
}

/* Run q through the cursor; rows into got. */
static int run(const lb_query_t *q, row_t *got, int max, bool *limited)
{
	lb_query_cur_t *c;
	assert_int_equal(lb_query_cur_new(store, q, &c), 0);
	lb_store_rec_t r;
	int n = 0, k;
	while ((k = lb_query_cur_next(c, &r)) > 0) {
		assert_true(n < max);
		got[n].first = r.val.time_first;
		got[n].last = r.val.time_last;
		got[n].count = r.val.count;
		n++;
	}
	assert_int_equal(k, 0);
	if (limited)
		*limited = lb_query_cur_limited(c);
	lb_query_cur_free(c);
	return n;
}

static void rows_equal(const row_t *got, int ngot, const row_t *want, int nwant)
{
	assert_int_equal(ngot, nwant);
	for (int i = 0; i < nwant; i++) {
		assert_true(got[i].first == want[i].first);
		assert_true(got[i].last == want[i].last);
		assert_true(got[i].count == want[i].count);
	}
}

static void query_rrset(lb_query_t *q, const char *name, bool unaggr)
{
	const char *msg;
	lb_query_init(q);
	q->kind = LB_Q_RRSET;
	assert_int_equal(lb_query_parse_name(name, q, &msg), 0);
	q->unaggregated = unaggr;
}

/* The one-rdata rrset of www is first in key order (shorter rdata set). */
static void test_rrset_rows(void **st)
{
	(void)st;
	lb_query_t q;
	row_t got[16], want[16];
	const struct set *s1[] = { &www1 }, *s2[] = { &www2 };
	/* aggregated: one row per rrset, the totals */
	query_rrset(&q, "www.example.com", false);
	assert_int_equal(run(&q, got, 16, NULL), 2);
	assert_true(got[0].first == DAY(0) + 3600 && got[0].last == DAY(9) + 86399);
	assert_true(got[0].count == 16);
	/* unaggregated: www1's runs, then www2's */
	query_rrset(&q, "www.example.com", true);
	int n1 = expect_rows(s1, 1, want);
	int n2 = expect_rows(s2, 1, want + n1);
	assert_int_equal(n1, 3);
	assert_int_equal(n2, 2);
	rows_equal(got, run(&q, got, 16, NULL), want, n1 + n2);
}

/* Fences apply to each row: a fence around one run's day selects that row
 * alone; the aggregated row (first seen before it) is not selected. */
static void test_fences(void **st)
{
	(void)st;
	lb_query_t q;
	row_t got[16], want[16];
	const struct set *s1[] = { &www1 };
	int nw = expect_rows(s1, 1, want);
	assert_int_equal(nw, 3);
	for (int unaggr = 0; unaggr < 2; unaggr++) {
		query_rrset(&q, "www.example.com", unaggr);
		q.tmode = LB_TYPES_LIST;
		q.types[0] = LB_T_A;
		q.ntypes = 1;
		q.has_first_after = q.has_last_before = true; /* complete: inside day 5 */
		q.first_after = DAY(5);
		q.last_before = DAY(5) + 86399;
		int n = run(&q, got, 16, NULL);
		if (!unaggr) {
			assert_int_equal(n, 0);
			continue;
		}
		/* www1's day-5 run and www2's day-5 run (its last: cut to the last sighting) */
		assert_int_equal(n, 2);
		rows_equal(got, 1, want + 1, 1);
		assert_true(got[1].first == DAY(5) && got[1].last == DAY(5) + 1 && got[1].count == 1);
	}
	/* overlap with days 8..9: only www1's last run */
	query_rrset(&q, "www.example.com", true);
	q.has_last_after = q.has_first_before = true;
	q.last_after = DAY(8);
	q.first_before = DAY(9) + 86399;
	rows_equal(got, run(&q, got, 16, NULL), want + 2, 1);
}

/* Offset and limit count rows. */
static void test_offset_limit(void **st)
{
	(void)st;
	lb_query_t q;
	row_t got[16], want[16];
	const struct set *s1[] = { &www1 };
	expect_rows(s1, 1, want);
	query_rrset(&q, "www.example.com", true);
	q.offset = 1;
	q.limit = 1;
	bool limited = false;
	rows_equal(got, run(&q, got, 16, &limited), want + 1, 1);
	assert_true(limited);
	q.offset = 4;
	q.limit = 5;
	assert_int_equal(run(&q, got, 16, &limited), 1); /* the 5th row: www2's last */
	assert_false(limited);
}

/* Summarize counts rows (lb_query_run). */
static void test_summarize(void **st)
{
	(void)st;
	lb_query_t q;
	query_rrset(&q, "www.example.com", true);
	q.summarize = true;
	q.has_first_after = true; /* rows that start on day 3 or later */
	q.first_after = DAY(3);
	lb_out_t out;
	FILE *f = fopen("/dev/null", "w");
	assert_non_null(f);
	assert_int_equal(lb_out_init(&out, f, LB_FMT_TEXT), 0);
	lb_query_result_t res;
	assert_int_equal(lb_query_run(store, &q, &out, &res), 0);
	/* www1: day 5 (3), day 9 (6); www2: day 3 (2, its first sighting), day 5 (1) */
	assert_true(res.sum.num_results == 4);
	assert_true(res.sum.count == 12);
	assert_true(res.sum.time_first == DAY(3) + 7);
	assert_true(res.sum.time_last == DAY(9) + 86399);
	/* aggregated, the same fence keeps only www2 */
	q.unaggregated = false;
	assert_int_equal(lb_query_run(store, &q, &out, &res), 0);
	assert_true(res.sum.num_results == 1 && res.sum.count == 3);
	/* sorted by count, unaggregated: the rows in count order */
	q.unaggregated = true;
	q.summarize = false;
	q.has_first_after = false;
	q.sort = LB_SORT_COUNT;
	char *buf = NULL;
	size_t bl = 0;
	FILE *m = open_memstream(&buf, &bl);
	assert_non_null(m);
	lb_out_t o2;
	assert_int_equal(lb_out_init(&o2, m, LB_FMT_CSV), 0);
	assert_int_equal(lb_query_run(store, &q, &o2, &res), 0);
	assert_true(res.results == 5);
	fclose(m);
	/* the count column of each CSV line (one line per rdata): 1 2 3 6 7 */
	static const char *const counts[] = { ",1,", ",1,", ",2,", ",2,", ",3,", ",6,", ",7," };
	char *line = strchr(buf, '\n') + 1; /* past the header */
	for (int i = 0; i < 7; i++) {
		char *e = strchr(line, '\n');
		assert_non_null(e);
		*e = 0;
		assert_non_null(strstr(line, counts[i]));
		line = e + 1;
	}
	assert_int_equal(*line, 0);
	free(buf);
	lb_out_free(&o2);
	lb_out_free(&out);
	fclose(f);
}

/* Rdata rows: the timeline merged from the rrsets that hold the RR. */
static void test_rdata_rows(void **st)
{
	(void)st;
	lb_query_t q;
	const char *msg;
	row_t got[16], want[16];
	lb_query_init(&q);
	q.kind = LB_Q_RDATA_IP;
	assert_int_equal(lb_query_parse_ip("192.0.2.1", &q, &msg), 0);
	q.unaggregated = true;
	/* rdata rows come in label-reversed owner order: "\3www" before "\4mail" */
	const struct set *sm[] = { &mail }, *sw[] = { &www1, &www2 };
	int nw = expect_rows(sw, 2, want);
	int nm = expect_rows(sm, 1, want + nw);
	assert_int_equal(nw, 4); /* days 0-1, 3, 5 (3 + 1), 9 */
	rows_equal(got, run(&q, got, 16, NULL), want, nm + nw);
	/* aggregated: one row per owner */
	q.unaggregated = false;
	assert_int_equal(run(&q, got, 16, NULL), 2);
	assert_true(got[0].count == 19 && got[1].count == 3);
}

/* Zone times: a row of their own after the sensor rows. */
static void test_zone_row(void **st)
{
	(void)st;
	lb_query_t q;
	lb_query_cur_t *c;
	lb_store_rec_t r;
	query_rrset(&q, "zone.example.com", true);
	assert_int_equal(lb_query_cur_new(store, &q, &c), 0);
	const uint64_t want[3][5] = {
		/* time_first, time_last, count, zone_first, zone_last */
		{ DAY(2) + 60, DAY(2) + 86399, 1, 0, 0 },
		{ DAY(4), DAY(4) + 60, 1, 0, 0 },
		{ 0, 0, 0, ZONE_FIRST, ZONE_LAST },
	};
	for (int i = 0; i < 3; i++) {
		assert_int_equal(lb_query_cur_next(c, &r), 1);
		assert_true(r.val.time_first == want[i][0] && r.val.time_last == want[i][1]);
		assert_true(r.val.count == want[i][2]);
		assert_true(r.val.zone_first == want[i][3] && r.val.zone_last == want[i][4]);
		assert_int_equal(r.nsources, 1); /* every row keeps the record's sources */
	}
	assert_int_equal(lb_query_cur_next(c, &r), 0);
	lb_query_cur_free(c);
	/* a fence on zone times selects the zone row alone */
	q.has_first_after = true;
	q.first_after = DAY(1);
	q.has_last_before = true;
	q.last_before = DAY(6) + 100;
	q.has_last_after = true;
	q.last_after = DAY(5);
	row_t got[4];
	assert_int_equal(run(&q, got, 4, NULL), 1);
	assert_true(got[0].count == 0);
}

/* Unknown run counts (old values) and negative answers: one row, the aggregate. */
static void test_one_row(void **st)
{
	(void)st;
	lb_query_t q;
	const char *msg;
	row_t agg[4], un[4];
	query_rrset(&q, "old.example.com", false);
	assert_int_equal(run(&q, agg, 4, NULL), 1);
	assert_true(agg[0].count == 10 && agg[0].first == DAY(0) + 5 && agg[0].last == DAY(8) + 5);
	q.unaggregated = true;
	rows_equal(un, run(&q, un, 4, NULL), agg, 1);
	lb_query_init(&q);
	q.kind = LB_Q_NEGATIVE;
	assert_int_equal(lb_query_parse_name("nx.example.com", &q, &msg), 0);
	assert_int_equal(run(&q, agg, 4, NULL), 1);
	assert_true(agg[0].count == 5 && agg[0].first == DAY(0) + 1 && agg[0].last == DAY(7) + 1);
	q.unaggregated = true;
	rows_equal(un, run(&q, un, 4, NULL), agg, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rrset_rows),
		cmocka_unit_test(test_fences),
		cmocka_unit_test(test_offset_limit),
		cmocka_unit_test(test_summarize),
		cmocka_unit_test(test_rdata_rows),
		cmocka_unit_test(test_zone_row),
		cmocka_unit_test(test_one_row),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
