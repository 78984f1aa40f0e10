/*
 * test_group.c - COF answers merge one owner and type's records across
 * bailiwicks (lb_query_t.merge_bailiwicks, src/query/group.c): a store holds
 * one NS set under two bailiwicks, one A set under three (one of them
 * unknown), a control set under one bailiwick only, counts that saturate and
 * sources past the 16 a value keeps.  Expected values are written out by
 * hand below.
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
#include "query/group.h"
#include "query/query.h"
#include "lib/qstore.h"

static char dbdir[256];
static lb_store_t *store;

/* The stored rrsets (A: rdata 192.0.2.N): seen once at first, the rest of
 * count at last; their sources. */
#define SRC(...) .sources = (const char *const[]){ __VA_ARGS__ }, \
		 .nsources = sizeof((const char *const[]){ __VA_ARGS__ }) / sizeof(const char *)
static const lbt_rec_t rrsets[] = {
	/* two bailiwicks: the parent's referral and the child itself */
	{ .owner = "two.example.com", .type = LB_T_NS,
	  .rdata = { "a.ns.example.com", "b.ns.example.com" }, .bail = "com",
	  .first = 1000, .last = 2000, .count = 3,
	  SRC("s1") },
	{ .owner = "two.example.com", .type = LB_T_NS,
	  .rdata = { "a.ns.example.com", "b.ns.example.com" }, .bail = "two.example.com",
	  .first = 1500, .last = 3000, .count = 4,
	  SRC("s2", "s0") },
	/* control: another rdata set of the same owner and type, one bailiwick */
	{ .owner = "two.example.com", .type = LB_T_NS,
	  .rdata = { "c.ns.example.com" }, .bail = "com",
	  .first = 1100, .last = 1200, .count = 2,
	  SRC("s2") },
	/* three bailiwicks, one unknown; zone times on one */
	{ .owner = "three.example.com", .type = LB_T_A,
	  .rdata = { "192.0.2.1" }, .bail = "com",
	  .first = 500, .last = 900, .count = 1,
	  SRC("s1") },
	{ .owner = "three.example.com", .type = LB_T_A,
	  .rdata = { "192.0.2.1" }, .bail = "example.com",
	  .first = 800, .last = 4000, .count = 5,
	  SRC("s1") },
	{ .owner = "three.example.com", .type = LB_T_A,
	  .rdata = { "192.0.2.1" },
	  .first = 700, .last = 1000, .count = 2, .zfirst = 100, .zlast = 200,
	  SRC("s3") },
	/* another type of the same owner: a group of its own */
	{ .owner = "three.example.com", .type = LB_T_NS,
	  .rdata = { "a.ns.example.com" }, .bail = "example.com",
	  .first = 600, .last = 700, .count = 1,
	  SRC("s1") },
	/* counts that saturate, and 20 sources in all (a value keeps 16) */
	{ .owner = "sat.example.com", .type = LB_T_A,
	  .rdata = { "192.0.2.9" }, .bail = "com",
	  .first = 10, .last = 20, .count = UINT64_MAX - 5,
	  SRC("s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10") },
	{ .owner = "sat.example.com", .type = LB_T_A,
	  .rdata = { "192.0.2.9" }, .bail = "example.com",
	  .first = 30, .last = 40, .count = 10,
	  SRC("s6", "s7", "s8", "s9", "s10", "s11", "s12", "s13", "s14", "s15", "s16", "s17", "s18",
	      "s19") },
};
#define NRRSETS (sizeof rrsets / sizeof rrsets[0])

static int wire(const char *t, uint8_t *out)
{
	int n = lb_name_from_text(t, strlen(t), NULL, out, 256);
	assert_true(n > 0);
	return n;
}

static int setup(void **st)
{
	(void)st;
	store = lbt_store_new("group", dbdir, sizeof dbdir);
	/* s0 .. s19 get the ids 0 .. 19: named once each, in order */
	for (int i = 0; i < 20; i++) {
		char nm[16];
		snprintf(nm, sizeof nm, "s%d", i);
		const char *one[1] = { nm };
		lbt_rec_t e = { .owner = "ids.example.org", .type = LB_T_A, .rdata = { "192.0.2.200" },
				.bail = "org", .first = 5, .last = 5, .count = 1, .sources = one,
				.nsources = 1 };
		lbt_store_add(store, &e);
		assert_int_equal(lb_store_commit(store), 0);
	}
	for (size_t i = 0; i < NRRSETS; i++)
		lbt_store_add(store, &rrsets[i]);
	assert_int_equal(lb_store_commit(store), 0);
	return 0;
}

static int teardown(void **st)
{
	(void)st;
	return lbt_store_remove(store, dbdir);
}

/* A record of the answer, copied out of the cursor. */
struct row {
	char owner[256], bail[256], type[16];
	char rdata[512]; /* presentation, space-separated */
	uint64_t first, last, count, zfirst, zlast;
	char sources[512]; /* comma-separated */
	bool more;
};

static void name_txt(const uint8_t *w, char *out, size_t n)
{
	assert_true(lb_name_to_text(w, out, n) > 0);
}

static void copy_row(const lb_store_rec_t *r, struct row *o, lb_out_t *txt)
{
	memset(o, 0, sizeof *o);
	name_txt(r->owner, o->owner, sizeof o->owner);
	if (r->bailiwick)
		name_txt(r->bailiwick, o->bail, sizeof o->bail);
	else
		strcpy(o->bail, "-");
	snprintf(o->type, sizeof o->type, "%s", lb_rrtype_name(r->type));
	size_t n = 0;
	for (size_t i = 0; i < r->nrdata; i++) {
		(void)lb_out_text(txt, r->type, r->rdata[i], r->rdlen[i]);
		n += (size_t)snprintf(o->rdata + n, sizeof o->rdata - n, "%s%s", i ? " " : "", txt->buf);
	}
	o->first = r->val.time_first;
	o->last = r->val.time_last;
	o->count = r->val.count;
	o->zfirst = r->val.zone_first;
	o->zlast = r->val.zone_last;
	n = 0;
	for (size_t i = 0; i < r->nsources; i++)
		n += (size_t)snprintf(o->sources + n, sizeof o->sources - n, "%s%s", i ? "," : "",
				      r->sources[i]);
	o->more = r->sources_more;
}

/* Drain a cursor of q (with a step budget: 0 = none) into rows (at most
 * max); the number of rows. */
static size_t drain(const lb_query_t *q, unsigned budget, struct row *rows, size_t max,
		    uint64_t *splits)
{
	lb_query_cur_t *c = NULL;
	assert_int_equal(lb_query_cur_new(store, q, &c), 0);
	if (budget)
		lb_query_cur_set_budget(c, budget);
	lb_out_t txt;
	assert_int_equal(lb_out_init(&txt, stdout, LB_FMT_TEXT), 0);
	size_t n = 0;
	lb_store_rec_t r;
	int k;
	unsigned again = 0;
	while ((k = lb_query_cur_next(c, &r)) != 0) {
		assert_true(k > 0);
		if (k == LB_QUERY_AGAIN) {
			assert_true(++again < 1000000);
			continue;
		}
		if (n < max)
			copy_row(&r, &rows[n], &txt);
		n++;
	}
	if (splits)
		*splits = lb_query_cur_splits(c);
	lb_query_cur_free(c);
	lb_out_free(&txt);
	return n;
}

static void query(lb_query_t *q, const char *name, bool merge)
{
	const char *msg;
	lb_query_init(q);
	q->kind = LB_Q_RRSET;
	assert_int_equal(lb_query_parse_name(name, q, &msg), 0);
	q->merge_bailiwicks = merge;
	q->limit = 0;
}

static const struct row *find(const struct row *rows, size_t n, const char *owner,
			      const char *type, const char *rdata)
{
	const struct row *f = NULL;
	for (size_t i = 0; i < n; i++)
		if (!strcmp(rows[i].owner, owner) && !strcmp(rows[i].type, type) &&
		    !strcmp(rows[i].rdata, rdata)) {
			if (f)
				fail_msg("%s %s %s listed twice", owner, type, rdata);
			f = &rows[i];
		}
	if (!f)
		fail_msg("%s %s %s missing", owner, type, rdata);
	return f;
}

#define NS2 "a.ns.example.com. b.ns.example.com."

/* The merged records: counters, bailiwick only where all agreed, sources. */
static void test_merged(void **st)
{
	(void)st;
	lb_query_t q;
	struct row rows[32];
	/* before: the store's rows, one per bailiwick */
	query(&q, "*.example.com", false);
	assert_int_equal(drain(&q, 0, rows, 32, NULL), NRRSETS);
	/* merged: one per owner, type and rdata set */
	query(&q, "*.example.com", true);
	size_t n = drain(&q, 0, rows, 32, NULL);
	assert_int_equal(n, 5);

	const struct row *r = find(rows, n, "two.example.com.", "NS", NS2);
	assert_int_equal(r->first, 1000);
	assert_int_equal(r->last, 3000);
	assert_int_equal(r->count, 7);
	assert_string_equal(r->bail, "-"); /* com and two.example.com */
	assert_string_equal(r->sources, "s0,s1,s2");

	r = find(rows, n, "two.example.com.", "NS", "c.ns.example.com.");
	assert_int_equal(r->first, 1100);
	assert_int_equal(r->count, 2);
	assert_string_equal(r->bail, "com."); /* one bailiwick: kept */

	r = find(rows, n, "three.example.com.", "A", "192.0.2.1");
	assert_int_equal(r->first, 500);
	assert_int_equal(r->last, 4000);
	assert_int_equal(r->count, 8);
	assert_int_equal(r->zfirst, 100);
	assert_int_equal(r->zlast, 200);
	assert_string_equal(r->bail, "-"); /* com, example.com and unknown */
	assert_string_equal(r->sources, "s1,s3");

	r = find(rows, n, "three.example.com.", "NS", "a.ns.example.com.");
	assert_int_equal(r->count, 1);
	assert_string_equal(r->bail, "example.com.");

	r = find(rows, n, "sat.example.com.", "A", "192.0.2.9");
	assert_true(r->count == UINT64_MAX); /* saturates, as the store's sum */
	assert_int_equal(r->first, 10);
	assert_int_equal(r->last, 40);
	/* the 16 smallest ids of the 19 sources, and "more" */
	assert_string_equal(r->sources, "s1,s2,s3,s4,s5,s6,s7,s8,s9,s10,s11,s12,s13,s14,s15,s16");
	assert_true(r->more);

	/* a step budget only splits the work */
	struct row rows2[32];
	assert_int_equal(drain(&q, 1, rows2, 32, NULL), n);
	for (size_t i = 0; i < n; i++)
		assert_memory_equal(&rows[i], &rows2[i], sizeof rows[i]);

	/* a bailiwick filter: that bailiwick's records, unmerged */
	query(&q, "*.example.com", true);
	uint8_t bw[256];
	q.bailiwick_len = (size_t)wire("com", bw);
	memcpy(q.bailiwick, bw, q.bailiwick_len);
	q.has_bailiwick = true;
	n = drain(&q, 0, rows, 32, NULL);
	assert_int_equal(n, 4);
	r = find(rows, n, "two.example.com.", "NS", NS2);
	assert_int_equal(r->count, 3);
	assert_string_equal(r->bail, "com.");

	/* unaggregated rows are not merged (one per run of days, by design) */
	query(&q, "two.example.com", true);
	q.unaggregated = true;
	assert_int_equal(drain(&q, 0, rows, 32, NULL), 3); /* one day each */
}

/* Time fences, offset, limit and summarize count merged records. */
static void test_paging(void **st)
{
	(void)st;
	lb_query_t q;
	struct row all[32], one[1];
	query(&q, "*.example.com", true);
	size_t n = drain(&q, 0, all, 32, NULL);
	assert_int_equal(n, 5);
	/* offset k, limit 1: the k-th merged record, each once */
	for (size_t k = 0; k <= n; k++) {
		query(&q, "*.example.com", true);
		q.offset = k;
		q.limit = 1;
		size_t got = drain(&q, 0, one, 1, NULL);
		assert_int_equal(got, k < n ? 1 : 0);
		if (got)
			assert_memory_equal(&one[0], &all[k], sizeof one[0]);
	}
	/* limit 2 is two merged records (before: two bailiwicks' rows of one) */
	query(&q, "two.example.com", true);
	q.limit = 2;
	struct row two[4];
	assert_int_equal(drain(&q, 0, two, 4, NULL), 2);
	assert_true(strcmp(two[0].rdata, two[1].rdata) != 0);

	/* fences judge the merged times: first seen at or before 1000 and last
	 * seen at or after 2500 - only the merged NS set of two (1000..3000);
	 * neither of its stored rows passes both */
	query(&q, "two.example.com", true);
	q.has_first_before = true;
	q.first_before = 1000;
	q.has_last_after = true;
	q.last_after = 2500;
	assert_int_equal(drain(&q, 0, two, 4, NULL), 1);
	assert_int_equal(two[0].count, 7);
	q.merge_bailiwicks = false;
	assert_int_equal(drain(&q, 0, two, 4, NULL), 0);

	/* summarize: the merged records' count and number */
	query(&q, "two.example.com", true);
	q.summarize = true;
	char *mem = NULL;
	size_t msz = 0;
	FILE *f = open_memstream(&mem, &msz);
	assert_non_null(f);
	lb_out_t o;
	assert_int_equal(lb_out_init(&o, f, LB_FMT_COF), 0);
	lb_query_result_t res;
	assert_int_equal(lb_query_run(store, &q, &o, &res), 0);
	lb_out_free(&o);
	fclose(f);
	assert_int_equal(res.sum.num_results, 2);
	assert_int_equal(res.sum.count, 9);
	assert_non_null(strstr(mem, "\"num_results\":2"));
	free(mem);
}

static char *run(const lb_query_t *q, enum lb_format fmt)
{
	return lbt_query_text(store, q, fmt, NULL);
}

static size_t count_of(const char *s, const char *what)
{
	size_t n = 0;
	for (const char *p = s; (p = strstr(p, what)) != NULL; p += strlen(what))
		n++;
	return n;
}

/* COF lines: one per merged record, sensor_id only (no sensor_ids), the
 * bailiwick only where all agreed; sorted output merges too. */
static void test_cof_lines(void **st)
{
	(void)st;
	lb_query_t q;
	for (int sorted = 0; sorted < 2; sorted++) {
		query(&q, "*.example.com", true);
		q.sort = sorted ? LB_SORT_COUNT : LB_SORT_NONE;
		char *out = run(&q, LB_FMT_COF);
		assert_int_equal(count_of(out, "\n"), 5);
		assert_null(strstr(out, "sensor_ids"));
		assert_int_equal(count_of(out, "\"sensor_id\":"), 5);
		assert_int_equal(count_of(out, "\"bailiwick\":"), 2);
		assert_non_null(strstr(out, "{\"rrname\":\"two.example.com.\",\"rrtype\":\"NS\","
					    "\"rdata\":[\"a.ns.example.com.\",\"b.ns.example.com.\"],"
					    "\"time_first\":1000,\"time_last\":3000,\"count\":7,"
					    "\"sensor_id\":\"s0\"}\n"));
		free(out);
	}
	/* text and CSV still name every source */
	query(&q, "two.example.com", true);
	char *out = run(&q, LB_FMT_CSV);
	assert_non_null(strstr(out, "s0;s1;s2"));
	free(out);
}

/* Negative answers of one name, type and rcode merge too. */
static void test_negative(void **st)
{
	(void)st;
	uint8_t qn[256], b1[256], b2[256];
	lb_store_rec_t r;
	memset(&r, 0, sizeof r);
	r.kind = LB_REC_NEG;
	r.owner = qn;
	r.owner_len = (size_t)wire("nx.example.net", qn);
	r.type = LB_T_A;
	r.rcode = 3;
	r.bailiwick = b1;
	r.bailiwick_len = (size_t)wire("net", b1);
	lb_store_val_seen(&r.val, 100, 1);
	assert_int_equal(lb_store_add(store, &r), 0);
	r.bailiwick = b2;
	r.bailiwick_len = (size_t)wire("example.net", b2);
	lb_store_val_seen(&r.val, 200, 2);
	assert_int_equal(lb_store_add(store, &r), 0);
	r.rcode = 2; /* SERVFAIL: another answer */
	assert_int_equal(lb_store_add(store, &r), 0);
	assert_int_equal(lb_store_commit(store), 0);
	lb_query_t q;
	query(&q, "nx.example.net", false);
	q.kind = LB_Q_NEGATIVE;
	char *out = run(&q, LB_FMT_COF);
	assert_int_equal(count_of(out, "\n"), 3);
	free(out);
	q.merge_bailiwicks = true;
	out = run(&q, LB_FMT_COF);
	assert_int_equal(count_of(out, "\n"), 2);
	assert_non_null(strstr(out, "\"negative\":true,\"rcode\":\"NXDOMAIN\",\"rdata\":[],"
				    "\"time_first\":100,\"time_last\":200,\"count\":3}\n"));
	free(out);
}

/* The bound: a group refuses a new rdata set past it (and takes sets it
 * holds); the cursor then hands out the group in parts, losing nothing. */
static void test_bound(void **st)
{
	(void)st;
	lb_qgroup_t *g;
	assert_int_equal(lb_qgroup_new(2, 1 << 20, &g), 0);
	uint8_t owner[256], rd[3][4] = { { 10, 0, 0, 1 }, { 10, 0, 0, 2 }, { 10, 0, 0, 3 } };
	const uint8_t *rdp[1];
	uint16_t rdl[1] = { 4 };
	lb_store_rec_t r;
	memset(&r, 0, sizeof r);
	r.kind = LB_REC_RRSET;
	r.owner = owner;
	r.owner_len = (size_t)wire("big.example.net", owner);
	r.type = LB_T_A;
	r.nrdata = 1;
	r.rdata = rdp;
	r.rdlen = rdl;
	lb_store_val_seen(&r.val, 100, 1);
	for (int i = 0; i < 2; i++) {
		rdp[0] = rd[i];
		assert_int_equal(lb_qgroup_add(g, &r), 0);
	}
	rdp[0] = rd[2];
	assert_int_equal(lb_qgroup_add(g, &r), LB_QGROUP_FULL);
	rdp[0] = rd[0];
	assert_int_equal(lb_qgroup_add(g, &r), 0); /* held: merged */
	r.type = LB_T_AAAA;
	assert_int_equal(lb_qgroup_add(g, &r), LB_QGROUP_OTHER);
	assert_int_equal(lb_qgroup_count(g), 2);
	lb_store_rec_t o;
	lb_qgroup_get(g, 0, store, &o);
	assert_int_equal(o.val.count, 2);
	lb_qgroup_clear(g);
	assert_int_equal(lb_qgroup_add(g, &r), 0); /* empty: takes any record */
	lb_qgroup_free(g);

	/* the cursor's bound: LB_QUERY_MERGE_MAX_SETS + 1 sets under net, the
	 * first also under example.net */
	r.type = LB_T_A;
	uint8_t bn[256], be[256], a[4];
	size_t bnl = (size_t)wire("net", bn), bel = (size_t)wire("example.net", be);
	rdp[0] = a;
	for (unsigned i = 0; i <= LB_QUERY_MERGE_MAX_SETS; i++) {
		a[0] = 10, a[1] = (uint8_t)(i >> 16), a[2] = (uint8_t)(i >> 8), a[3] = (uint8_t)i;
		r.bailiwick = bn;
		r.bailiwick_len = bnl;
		assert_int_equal(lb_store_add(store, &r), 0);
		if (i == 0) {
			r.bailiwick = be;
			r.bailiwick_len = bel;
			assert_int_equal(lb_store_add(store, &r), 0);
		}
	}
	assert_int_equal(lb_store_commit(store), 0);
	lb_query_t q;
	query(&q, "big.example.net", true);
	uint64_t splits = 0;
	/* net's first LB_QUERY_MERGE_MAX_SETS sets, then the last one and
	 * example.net's (the first set again: listed twice) */
	assert_int_equal(drain(&q, 0, NULL, 0, &splits), LB_QUERY_MERGE_MAX_SETS + 2);
	assert_int_equal(splits, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_merged),
		cmocka_unit_test(test_paging),
		cmocka_unit_test(test_cof_lines),
		cmocka_unit_test(test_negative),
		cmocka_unit_test(test_bound),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
