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

struct entry {
	const char *owner;
	uint16_t type;
	const char *bail; /* NULL: unknown */
	uint64_t first, last, zfirst, zlast;
	int neg;          /* a negative answer (NXDOMAIN) */
};

static const struct entry entries[] = {
	/* old: its TXT was seen before its A */
	{ "old.example.com", LB_T_A, NULL, 1000, 2000, 0, 0, 0 },
	{ "old.example.com", LB_T_TXT, NULL, 500, 600, 0, 0, 0 },
	/* new: an NXDOMAIN long before it resolved does not make it old */
	{ "new.example.com", LB_T_A, NULL, 5000, 6000, 0, 0, 0 },
	{ "new.example.com", LB_T_A, NULL, 100, 100, 0, 0, 1 },
	/* www: one rrset under two bailiwicks: one name, two rrsets */
	{ "www.example.com", LB_T_A, NULL, 9000, 9000, 0, 0, 0 },
	{ "www.example.com", LB_T_A, "example.com", 9000, 9000, 0, 0, 0 },
	/* z: zone file times only */
	{ "z.example.com", LB_T_A, NULL, 0, 0, 300, 400, 0 },
	/* a registered domain under a two-label public suffix */
	{ "www.example.co.uk", LB_T_A, NULL, 3000, 3000, 0, 0, 0 },
	{ "mail.example.co.uk", LB_T_A, NULL, 8000, 8000, 0, 0, 0 },
	/* www.a.example.com comes apart from www.example.com in wire order
	 * (www.example.co.uk between them): example.com met twice under www.* */
	{ "www.a.example.com", LB_T_A, NULL, 7000, 7500, 0, 0, 0 },
	/* new again, under a bailiwick and at another address (192.0.2.10):
	 * by address its two RRs come apart; one name all the same */
	{ "new.example.com", LB_T_A, "example.com", 5000, 6000, 0, 0, 0 },
};
#define NENT (sizeof entries / sizeof entries[0])

static char dbdir[256];
static lb_store_t *store;

static int setup(void **st)
{
	(void)st;
	snprintf(dbdir, sizeof dbdir, "/tmp/lb-test-names.%d", (int)getpid());
	lb_store_opts_t o = { .create = true };
	assert_int_equal(lb_store_open(dbdir, &o, &store), 0);
	for (size_t i = 0; i < NENT; i++) {
		const struct entry *e = &entries[i];
		uint8_t owner[256], bail[256], rd[6] = { 5, 'h', 'e', 'l', 'l', 'o' };
		uint8_t a[4] = { 192, 0, 2, (uint8_t)i };
		const uint8_t *rdp[1] = { e->type == LB_T_TXT ? rd : a };
		uint16_t rdl[1] = { e->type == LB_T_TXT ? 6 : 4 };
		lb_store_rec_t r;
		memset(&r, 0, sizeof r);
		r.kind = e->neg ? LB_REC_NEG : LB_REC_RRSET;
		int n = lb_name_from_text(e->owner, strlen(e->owner), NULL, owner, sizeof owner);
		assert_true(n > 0);
		r.owner = owner;
		r.owner_len = (size_t)n;
		if (e->bail) {
			n = lb_name_from_text(e->bail, strlen(e->bail), NULL, bail, sizeof bail);
			assert_true(n > 0);
			r.bailiwick = bail;
			r.bailiwick_len = (size_t)n;
		}
		r.type = e->type;
		if (e->neg) {
			r.rcode = 3;
		} else {
			r.nrdata = 1;
			r.rdata = rdp;
			r.rdlen = rdl;
		}
		if (e->last) { /* seen at first and at last */
			lb_store_val_t b;
			lb_store_val_seen(&r.val, e->first, 1);
			lb_store_val_seen(&b, e->last, 1);
			lb_store_val_merge(&r.val, &b);
		}
		r.val.zone_first = e->zfirst;
		r.val.zone_last = e->zlast;
		assert_int_equal(lb_store_add(store, &r), 0);
	}
	assert_int_equal(lb_store_commit(store), 0);
	return 0;
}

static int teardown(void **st)
{
	(void)st;
	assert_int_equal(lb_store_close(store), 0);
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dbdir);
	return system(cmd);
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
