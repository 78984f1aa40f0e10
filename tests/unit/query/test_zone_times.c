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

struct entry {
	const char *owner;
	uint8_t addr;
	uint64_t first, last, zfirst, zlast;
};

/* s1, s2: sensor times only; z1: zone times only (between s1 and s2);
 * both: sensor times after everything, zone times before everything */
static const struct entry entries[] = {
	{ "s1.example.com", 1, 1000, 2000, 0, 0 },
	{ "s2.example.com", 2, 5000, 9000, 0, 0 },
	{ "z1.example.com", 3, 0, 0, 3000, 4000 },
	{ "both.example.com", 10, 10000, 11000, 100, 200 },
};
#define NENT (sizeof entries / sizeof entries[0])

static char dbdir[256];
static lb_store_t *store;

static int setup(void **st)
{
	(void)st;
	snprintf(dbdir, sizeof dbdir, "/tmp/lb-test-zone-times.%d", (int)getpid());
	lb_store_opts_t o = { .create = true };
	assert_int_equal(lb_store_open(dbdir, &o, &store), 0);
	for (size_t i = 0; i < NENT; i++) {
		const struct entry *e = &entries[i];
		uint8_t owner[256], rd[4] = { 192, 0, 2, e->addr };
		const uint8_t *rdp[1] = { rd };
		uint16_t rdl[1] = { 4 };
		lb_store_rec_t r;
		memset(&r, 0, sizeof r);
		r.kind = LB_REC_RRSET;
		int n = lb_name_from_text(e->owner, strlen(e->owner), NULL, owner, sizeof owner);
		assert_true(n > 0);
		r.owner = owner;
		r.owner_len = (size_t)n;
		r.type = LB_T_A;
		r.nrdata = 1;
		r.rdata = rdp;
		r.rdlen = rdl;
		if (e->last) { /* seen twice: at first and at last */
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

/* Run q with output fmt into a string (malloc'd). */
static char *run(lb_query_t *q, enum lb_format fmt)
{
	char *mem = NULL;
	size_t msz = 0;
	FILE *f = open_memstream(&mem, &msz);
	assert_non_null(f);
	lb_out_t o;
	assert_int_equal(lb_out_init(&o, f, fmt), 0);
	lb_query_result_t res;
	assert_int_equal(lb_query_run(store, q, &o, &res), 0);
	lb_out_free(&o);
	fclose(f);
	return mem;
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
