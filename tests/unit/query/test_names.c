/*
 * test_names.c - rows per owner name and per registered domain (names.h):
 * newly observed names and domains.  A small store of hand-made rrsets
 * (times written out below) and the rows expected of it, by hand.
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
#include "query/names.h"
#include "lib/qstore.h"

/* Sensor-seen ones were seen twice (count 2): at first and at last; A
 * records at 192.0.2.N, N the entry's index; TXT "hello". */
static const lbt_rec_t entries[] = {
	/* old: its TXT was seen before its A */
	{ .owner = "old.example.com", .type = LB_T_A, .rdata = { "192.0.2.0" },
	  .first = 1000, .last = 2000, .count = 2 },
	{ .owner = "old.example.com", .type = LB_T_TXT, .rdata = { "hello" },
	  .first = 500, .last = 600, .count = 2 },
	/* new: an NXDOMAIN long before it resolved does not make it old */
	{ .owner = "new.example.com", .type = LB_T_A, .rdata = { "192.0.2.2" },
	  .first = 5000, .last = 6000, .count = 2 },
	{ .owner = "new.example.com", .type = LB_T_A, .rcode = 3,
	  .first = 100, .last = 100, .count = 2 },
	/* www: one rrset under two bailiwicks: one name, two rrsets */
	{ .owner = "www.example.com", .type = LB_T_A, .rdata = { "192.0.2.4" },
	  .first = 9000, .last = 9000, .count = 2 },
	{ .owner = "www.example.com", .type = LB_T_A, .rdata = { "192.0.2.5" }, .bail = "example.com",
	  .first = 9000, .last = 9000, .count = 2 },
	/* z: zone file times only */
	{ .owner = "z.example.com", .type = LB_T_A, .rdata = { "192.0.2.6" },
	  .zfirst = 300, .zlast = 400 },
	/* a registered domain under a two-label public suffix */
	{ .owner = "www.example.co.uk", .type = LB_T_A, .rdata = { "192.0.2.7" },
	  .first = 3000, .last = 3000, .count = 2 },
	{ .owner = "mail.example.co.uk", .type = LB_T_A, .rdata = { "192.0.2.8" },
	  .first = 8000, .last = 8000, .count = 2 },
	/* www.a.example.com comes apart from www.example.com in wire order
	 * (www.example.co.uk between them): example.com met twice under www.* */
	{ .owner = "www.a.example.com", .type = LB_T_A, .rdata = { "192.0.2.9" },
	  .first = 7000, .last = 7500, .count = 2 },
	/* new again, under a bailiwick and at another address (192.0.2.10):
	 * by address its two RRs come apart; one name all the same */
	{ .owner = "new.example.com", .type = LB_T_A, .rdata = { "192.0.2.10" }, .bail = "example.com",
	  .first = 5000, .last = 6000, .count = 2 },
};
#define NENT (sizeof entries / sizeof entries[0])

static char dbdir[256];
static lb_store_t *store;

static int setup(void **st)
{
	(void)st;
	store = lbt_store_make("names", dbdir, sizeof dbdir, entries, NENT);
	return 0;
}

static int teardown(void **st)
{
	(void)st;
	return lbt_store_remove(store, dbdir);
}

/* Run q (the lookup text) as rows of mode, CSV, into a string (malloc'd). */
static char *run_q(lb_query_t *q, enum lb_names_mode mode, enum lb_format fmt,
		   lb_query_result_t *res)
{
	char *mem = NULL;
	size_t msz = 0;
	FILE *f = open_memstream(&mem, &msz);
	assert_non_null(f);
	lb_out_t o;
	assert_int_equal(lb_out_init(&o, f, fmt), 0);
	assert_int_equal(lb_query_names_run(store, q, mode, &o, res), 0);
	lb_out_free(&o);
	fclose(f);
	return mem;
}

static void q_init(lb_query_t *q, const char *name)
{
	const char *msg;
	lb_query_init(q);
	q->kind = LB_Q_RRSET;
	assert_int_equal(lb_query_parse_name(name, q, &msg), 0);
}

static void expect(lb_query_t *q, enum lb_names_mode mode, const char *want)
{
	lb_query_result_t res;
	char *out = run_q(q, mode, LB_FMT_CSV, &res);
	assert_string_equal(out, want);
	free(out);
	lb_query_free(q);
}

#define NAMES_HEAD "rrname,num_rrsets,rrtypes,time_first,time_last,count,zone_time_first,zone_time_last\n"
#define DOMAINS_HEAD \
	"domain,num_names,num_rrsets,rrtypes,time_first,time_last,count,zone_time_first,zone_time_last\n"

/* every name below example.com, in the store's order (label by label from the
 * root, a shorter label first: a.example.com's and z's names before new's) */
static void test_names_all(void **st)
{
	(void)st;
	lb_query_t q;
	q_init(&q, "*.example.com");
	expect(&q, LB_NAMES_OWNER,
	       NAMES_HEAD
	       "www.a.example.com.,1,A,7000,7500,2,,\n"
	       "z.example.com.,1,A,,,0,300,400\n"
	       "new.example.com.,2,A,5000,6000,4,,\n"
	       "old.example.com.,2,\"A,TXT\",500,2000,4,,\n"
	       "www.example.com.,2,A,9000,9000,4,,\n");
}

/* newly observed: first seen at or after 4000 over all the name's rrsets */
static void test_names_new(void **st)
{
	(void)st;
	lb_query_t q;
	q_init(&q, "*.example.com");
	q.has_first_after = true;
	q.first_after = 4000;
	expect(&q, LB_NAMES_OWNER,
	       NAMES_HEAD
	       "www.a.example.com.,1,A,7000,7500,2,,\n"
	       "new.example.com.,2,A,5000,6000,4,,\n"
	       "www.example.com.,2,A,9000,9000,4,,\n");
	/* the fence judges the name, not each rrset: old's A (1000) is not new */
	q_init(&q, "*.example.com");
	q.has_first_after = true;
	q.first_after = 1000;
	expect(&q, LB_NAMES_OWNER,
	       NAMES_HEAD
	       "www.a.example.com.,1,A,7000,7500,2,,\n"
	       "new.example.com.,2,A,5000,6000,4,,\n"
	       "www.example.com.,2,A,9000,9000,4,,\n");
}

/* the type filter chooses the rrsets that make a name */
static void test_names_types(void **st)
{
	(void)st;
	lb_query_t q;
	const char *msg;
	q_init(&q, "old.example.com");
	assert_int_equal(lb_query_parse_types("TXT", &q, &msg), 0);
	expect(&q, LB_NAMES_OWNER, NAMES_HEAD "old.example.com.,1,TXT,500,600,2,,\n");
}

static void test_domains(void **st)
{
	(void)st;
	lb_query_t q;
	q_init(&q, "*.uk");
	expect(&q, LB_NAMES_DOMAIN, DOMAINS_HEAD "example.co.uk.,2,2,A,3000,8000,4,,\n");
	q_init(&q, "*.com");
	expect(&q, LB_NAMES_DOMAIN, DOMAINS_HEAD "example.com.,5,8,\"A,TXT\",500,9000,14,300,400\n");
	/* the names of one domain met apart (wire order under www.*) are one row */
	q_init(&q, "www.*");
	expect(&q, LB_NAMES_DOMAIN,
	       DOMAINS_HEAD
	       "example.co.uk.,1,1,A,3000,3000,2,,\n"
	       "example.com.,2,3,A,7000,9000,6,,\n");
}

/* by address: the names that pointed into 192.0.2.0/24, one row each
 * (their RRs come by address: merged by name, in name order) */
static void test_names_by_ip(void **st)
{
	(void)st;
	lb_query_t q;
	const char *msg;
	lb_query_init(&q);
	assert_int_equal(lb_query_parse_ip("192.0.2.0/24", &q, &msg), 0);
	q.kind = LB_Q_RDATA_IP;
	q.has_first_after = true;
	q.first_after = 4000;
	expect(&q, LB_NAMES_OWNER,
	       NAMES_HEAD
	       "mail.example.co.uk.,1,A,8000,8000,2,,\n"
	       "new.example.com.,2,A,5000,6000,4,,\n"
	       "www.a.example.com.,1,A,7000,7500,2,,\n"
	       "www.example.com.,2,A,9000,9000,4,,\n");
	lb_query_init(&q);
	assert_int_equal(lb_query_parse_ip("192.0.2.0/24", &q, &msg), 0);
	q.kind = LB_Q_RDATA_IP;
	expect(&q, LB_NAMES_DOMAIN,
	       DOMAINS_HEAD
	       "example.co.uk.,2,2,A,3000,8000,4,,\n"
	       "example.com.,5,7,A,1000,9000,12,300,400\n");
}

static void test_sort_limit_summary(void **st)
{
	(void)st;
	lb_query_t q;
	lb_query_result_t res;
	q_init(&q, "*.example.com");
	q.sort = LB_SORT_FIRST;
	q.reverse = true;
	q.offset = 1;
	q.limit = 2;
	char *out = run_q(&q, LB_NAMES_OWNER, LB_FMT_CSV, &res);
	assert_string_equal(out, NAMES_HEAD "www.a.example.com.,1,A,7000,7500,2,,\n"
					    "new.example.com.,2,A,5000,6000,4,,\n");
	assert_true(res.limited);
	assert_int_equal(res.results, 2);
	free(out);
	lb_query_free(&q);
	/* streamed: the limit is reached only when another row exists */
	q_init(&q, "*.example.com");
	q.limit = 5;
	out = run_q(&q, LB_NAMES_OWNER, LB_FMT_CSV, &res);
	assert_false(res.limited);
	assert_int_equal(res.results, 5);
	free(out);
	lb_query_free(&q);
	q_init(&q, "*.example.com");
	q.limit = 4;
	out = run_q(&q, LB_NAMES_OWNER, LB_FMT_CSV, &res);
	assert_true(res.limited);
	free(out);
	lb_query_free(&q);
	q_init(&q, "*.example.com");
	q.summarize = true;
	q.has_first_after = true;
	q.first_after = 4000;
	out = run_q(&q, LB_NAMES_OWNER, LB_FMT_COF, &res);
	assert_string_equal(out, "{\"count\":10,\"num_results\":3,\"time_first\":5000,\"time_last\":9000}\n");
	free(out);
	lb_query_free(&q);
}

static void test_cof_rows(void **st)
{
	(void)st;
	lb_query_t q;
	lb_query_result_t res;
	q_init(&q, "old.example.com");
	char *out = run_q(&q, LB_NAMES_OWNER, LB_FMT_COF, &res);
	assert_string_equal(out, "{\"rrname\":\"old.example.com.\",\"num_rrsets\":2,\"rrtypes\":[\"A\",\"TXT\"],"
				 "\"count\":4,\"time_first\":500,\"time_last\":2000}\n");
	free(out);
	lb_query_free(&q);
	/* negative answers are no names' records */
	lb_query_init(&q);
	q.kind = LB_Q_NEGATIVE;
	lb_out_t o;
	assert_int_equal(lb_out_init(&o, stdout, LB_FMT_CSV), 0);
	assert_int_equal(lb_query_names_run(store, &q, LB_NAMES_OWNER, &o, &res), LB_EINVAL);
	lb_out_free(&o);
}

/* A summary is of the rows --offset and --limit select, streamed as held (as
 * lb_query_run's): the streamed run summed every row whatever the limit. */
static void test_summary_selects(void **st)
{
	(void)st;
	static const struct { uint64_t offset, limit; bool sorted; const char *want; } c[] = {
		{ 0, 2, false, "{\"count\":2,\"num_results\":2,\"time_first\":7000,\"time_last\":7500,"
			       "\"zone_time_first\":300,\"zone_time_last\":400}\n" },
		{ 1, 2, false, "{\"count\":4,\"num_results\":2,\"time_first\":5000,\"time_last\":6000,"
			       "\"zone_time_first\":300,\"zone_time_last\":400}\n" },
		/* held: new and old first by name */
		{ 0, 2, true, "{\"count\":8,\"num_results\":2,\"time_first\":500,\"time_last\":6000}\n" },
	};
	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
		lb_query_t q;
		lb_query_result_t res;
		q_init(&q, "*.example.com");
		q.summarize = true;
		q.offset = c[i].offset;
		q.limit = c[i].limit;
		if (c[i].sorted)
			q.sort = LB_SORT_NAME; /* held rows */
		char *out = run_q(&q, LB_NAMES_OWNER, LB_FMT_COF, &res);
		if (strcmp(out, c[i].want))
			fail_msg("case %zu: got %s want %s", i, out, c[i].want);
		assert_true(res.limited);
		free(out);
		lb_query_free(&q);
	}
}

/* The cursor (what the HTTP server streams), one record per call (budget
 * 1), gives the rows the run writes, as lb_names_row_json writes them. */
static void cursor_same(lb_query_t *q, enum lb_names_mode mode)
{
	lb_query_result_t res;
	char *want = run_q(q, mode, LB_FMT_COF, &res);
	char *mem = NULL;
	size_t msz = 0;
	FILE *f = open_memstream(&mem, &msz);
	assert_non_null(f);
	lb_names_cur_t *c;
	assert_int_equal(lb_names_cur_new(store, q, mode, &c), 0);
	lb_names_cur_set_budget(c, 1);
	const lb_names_row_t *w;
	int n, again = 0;
	while ((n = lb_names_cur_next(c, &w)) != 0) {
		if (n == LB_QUERY_AGAIN) {
			again++;
			continue;
		}
		assert_int_equal(n, 1);
		lb_names_row_json(f, mode, w, false);
		fputc('\n', f);
	}
	assert_true(again > 0); /* the budget was met */
	assert_int_equal(lb_names_cur_result(c)->results, res.results);
	assert_int_equal(lb_names_cur_result(c)->limited, res.limited);
	lb_names_cur_free(c);
	fclose(f);
	assert_string_equal(mem, want);
	free(mem);
	free(want);
	lb_query_free(q);
}

static void test_cursor(void **st)
{
	(void)st;
	lb_query_t q;
	const char *msg;
	q_init(&q, "*.example.com");
	cursor_same(&q, LB_NAMES_OWNER);
	q_init(&q, "*.example.com");
	q.has_first_after = true;
	q.first_after = 4000;
	q.limit = 2;
	cursor_same(&q, LB_NAMES_OWNER);
	q_init(&q, "*.com");
	cursor_same(&q, LB_NAMES_DOMAIN);
	q_init(&q, "www.*");
	cursor_same(&q, LB_NAMES_DOMAIN);
	q_init(&q, "*.example.com");
	q.sort = LB_SORT_DURATION;
	q.offset = 1;
	cursor_same(&q, LB_NAMES_OWNER);
	lb_query_init(&q);
	assert_int_equal(lb_query_parse_ip("192.0.2.0/24", &q, &msg), 0);
	q.kind = LB_Q_RDATA_IP;
	cursor_same(&q, LB_NAMES_DOMAIN);
}

/* Held rows past q->sort_bytes_max (the server's LB_HTTP_HOLD_BYTES) end the
 * cursor with LB_ELIMIT, sticky, nothing handed out of the held rows */
static void test_hold_bound(void **st)
{
	(void)st;
	lb_query_t q;
	q_init(&q, "*.example.com");
	q.sort = LB_SORT_COUNT;
	q.sort_bytes_max = 200; /* two rows at most */
	lb_names_cur_t *c;
	assert_int_equal(lb_names_cur_new(store, &q, LB_NAMES_OWNER, &c), 0);
	const lb_names_row_t *w;
	assert_int_equal(lb_names_cur_next(c, &w), LB_ELIMIT);
	assert_int_equal(lb_names_cur_next(c, &w), LB_ELIMIT);
	lb_names_cur_free(c);
	q.sort_bytes_max = 0; /* LB_QUERY_SORT_BYTES */
	assert_int_equal(lb_names_cur_new(store, &q, LB_NAMES_OWNER, &c), 0);
	int n, rows = 0;
	while ((n = lb_names_cur_next(c, &w)) == 1)
		rows++;
	assert_int_equal(n, 0);
	assert_int_equal(rows, 5);
	lb_names_cur_free(c);
	lb_query_free(&q);
}

/* --sort duration: last seen - first seen of the row (zone times where it
 * has only those), then the name */
static void test_sort_duration(void **st)
{
	(void)st;
	lb_query_t q;
	lb_query_result_t res;
	q_init(&q, "*.example.com");
	q.sort = LB_SORT_DURATION;
	q.reverse = true;
	char *out = run_q(&q, LB_NAMES_OWNER, LB_FMT_CSV, &res);
	assert_string_equal(out, NAMES_HEAD
			    "old.example.com.,2,\"A,TXT\",500,2000,4,,\n"    /* 1500 */
			    "new.example.com.,2,A,5000,6000,4,,\n"             /* 1000 */
			    "www.a.example.com.,1,A,7000,7500,2,,\n"           /* 500 */
			    "z.example.com.,1,A,,,0,300,400\n"                 /* 100 */
			    "www.example.com.,2,A,9000,9000,4,,\n");           /* 0 */
	free(out);
	lb_query_free(&q);
}

static void dom(const char *name, const char *want)
{
	char b[300];
	assert_int_equal(lb_names_domain(name, b, sizeof b), 0);
	if (strcmp(b, want))
		fail_msg("%s: got %s, want %s", name, b, want);
}

static void test_psl(void **st)
{
	(void)st;
	dom("www.example.co.uk.", "example.co.uk.");
	dom("a.b.example.com", "example.com.");
	dom("example.com.", "example.com.");
	dom("com.", "com.");      /* a public suffix is its own row */
	dom("co.uk.", "co.uk.");
	dom("x.y.blogspot.com.", "y.blogspot.com."); /* the private section too */
	char b[8];
	assert_int_equal(lb_names_domain("www.example.com.", b, sizeof b), LB_ENAMELEN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names_all),
		cmocka_unit_test(test_names_new),
		cmocka_unit_test(test_names_types),
		cmocka_unit_test(test_domains),
		cmocka_unit_test(test_names_by_ip),
		cmocka_unit_test(test_sort_limit_summary),
		cmocka_unit_test(test_cof_rows),
		cmocka_unit_test(test_summary_selects),
		cmocka_unit_test(test_cursor),
		cmocka_unit_test(test_sort_duration),
		cmocka_unit_test(test_hold_bound),
		cmocka_unit_test(test_psl),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
