/*
 * test_zone_times.c - records that only zone files gave (zone_time_first/last,
 * no sensor times) beside records that sensors saw: the sort orders first and
 * last place them by their zone times, as the time fences judge them, and CSV
 * leaves their sensor time fields empty (as COF leaves the members out) rather
 * than writing the epoch.  Expected orders are written out by hand below.
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
#include "lib/qstore.h"

/* s1, s2: sensor times only; z1: zone times only (between s1 and s2);
 * both: sensor times after everything, zone times before everything.
 * Sensor-seen ones were seen twice: at first and at last. */
static const lbt_rec_t entries[] = {
	{ .owner = "s1.example.com", .type = LB_T_A, .rdata = { "192.0.2.1" },
	  .first = 1000, .last = 2000, .count = 2 },
	{ .owner = "s2.example.com", .type = LB_T_A, .rdata = { "192.0.2.2" },
	  .first = 5000, .last = 9000, .count = 2 },
	{ .owner = "z1.example.com", .type = LB_T_A, .rdata = { "192.0.2.3" },
	  .zfirst = 3000, .zlast = 4000 },
	{ .owner = "both.example.com", .type = LB_T_A, .rdata = { "192.0.2.10" },
	  .first = 10000, .last = 11000, .count = 2, .zfirst = 100, .zlast = 200 },
};
#define NENT (sizeof entries / sizeof entries[0])

static char dbdir[256];
static lb_store_t *store;

static int setup(void **st)
{
	(void)st;
	store = lbt_store_make("zone-times", dbdir, sizeof dbdir, entries, NENT);
	return 0;
}

static int teardown(void **st)
{
	(void)st;
	return lbt_store_remove(store, dbdir);
}

static char *run(lb_query_t *q, enum lb_format fmt)
{
	return lbt_query_text(store, q, fmt, NULL);
}

/* The owners of the COF lines of out, each first label's first letters up
 * to the dot, joined by spaces. */
static void owners(const char *out, char *buf, size_t sz)
{
	size_t n = 0;
	buf[0] = 0;
	for (const char *p = out; (p = strstr(p, "{\"rrname\":\"")) != NULL;) {
		p += 11;
		size_t l = strcspn(p, ".");
		n += (size_t)snprintf(buf + n, sz - n, "%s%.*s", n ? " " : "", (int)l, p);
	}
}

static void sorted(enum lb_sort by, bool reverse, const char *want)
{
	lb_query_t q;
	const char *msg;
	lb_query_init(&q);
	q.kind = LB_Q_RRSET;
	assert_int_equal(lb_query_parse_name("*.example.com", &q, &msg), 0);
	q.sort = by;
	q.reverse = reverse;
	char *out = run(&q, LB_FMT_COF);
	char got[256];
	owners(out, got, sizeof got);
	if (strcmp(got, want))
		fail_msg("sort %d%s: got '%s', want '%s'", by, reverse ? " reversed" : "", got, want);
	free(out);
	lb_query_free(&q);
}

/* Before: a zone-only record sorted as if first and last seen at the epoch
 * (its sensor times, 0), first of all by first and by last. */
static void test_sort_zone_only(void **st)
{
	(void)st;
	sorted(LB_SORT_FIRST, false, "s1 z1 s2 both");
	sorted(LB_SORT_FIRST, true, "both s2 z1 s1");
	sorted(LB_SORT_LAST, false, "s1 z1 s2 both");
	sorted(LB_SORT_LAST, true, "both s2 z1 s1");
	/* duration: last - first, zone times where only those (z1: 1000, as
	 * s1's and both's sensor times'; s2: 4000), then the name */
	sorted(LB_SORT_DURATION, false, "both s1 z1 s2");
	sorted(LB_SORT_DURATION, true, "s2 z1 s1 both");
	/* data: the addresses' octets, 192.0.2.1 .2 .3 .10 (numerically; their
	 * text would put .10 second) */
	sorted(LB_SORT_DATA, false, "s1 s2 z1 both");
	sorted(LB_SORT_DATA, true, "both z1 s2 s1");
}

/* Before: "z1.example.com.,A,,192.0.2.3,0,0,0,3000,4000,": the epoch as its
 * time_first and time_last. */
static void test_csv_zone_only(void **st)
{
	(void)st;
	lb_query_t q;
	const char *msg;
	lb_query_init(&q);
	q.kind = LB_Q_RRSET;
	assert_int_equal(lb_query_parse_name("*.example.com", &q, &msg), 0);
	q.sort = LB_SORT_NAME;
	char *out = run(&q, LB_FMT_CSV);
	const char *want =
		"rrname,rrtype,bailiwick,rdata,time_first,time_last,count,zone_time_first,zone_time_last,sources\n"
		"both.example.com.,A,,192.0.2.10,10000,11000,2,100,200,\n"
		"s1.example.com.,A,,192.0.2.1,1000,2000,2,,,\n"
		"s2.example.com.,A,,192.0.2.2,5000,9000,2,,,\n"
		"z1.example.com.,A,,192.0.2.3,,,0,3000,4000,\n";
	assert_string_equal(out, want);
	free(out);
	lb_query_free(&q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sort_zone_only),
		cmocka_unit_test(test_csv_zone_only),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
