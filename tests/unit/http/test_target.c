/* test_target.c - DNSDB API v2 request targets (lb_http_parse_target) into
 * queries: the path forms a DNSDB client may send and what each selects. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dns/name.h"
#include "http/http.h"

static int parse(const char *target, lb_http_req_t *r)
{
	const char *msg = NULL;
	int st = lb_http_parse_target(target, strlen(target), 1700000000, r, &msg);
	assert_non_null(msg);
	return st;
}

static void want_name(const uint8_t *wire, size_t len, const char *text)
{
	uint8_t w[256];
	int n = lb_name_from_text(text, strlen(text), NULL, w, sizeof w);
	assert_true(n > 0);
	assert_int_equal(len, (size_t)n);
	assert_memory_equal(wire, w, (size_t)n);
}

/* rrset/raw takes RRTYPE and BAILIWICK as rrset/name does (DNSDB API v2:
 * lookup/rrset/{name|raw}/VALUE/RRTYPE/BAILIWICK; dnsdbq's batch syntax
 * rrset/raw/HEX[/RRTYPE[,...][/BAILIWICK]]) */
static void test_rrset_raw_bailiwick(void **state)
{
	(void)state;
	lb_http_req_t r;
	/* bw.example. in wire form */
	assert_int_equal(parse("/dnsdb/v2/lookup/rrset/raw/026277076578616d706c6500/NS/bw.example", &r),
			 200);
	assert_int_equal(r.api, LB_API_LOOKUP);
	assert_int_equal(r.q.kind, LB_Q_RRSET_RAW);
	assert_int_equal(r.q.tmode, LB_TYPES_LIST);
	assert_int_equal(r.q.ntypes, 1);
	assert_true(r.q.has_bailiwick);
	want_name(r.q.bailiwick, r.q.bailiwick_len, "bw.example.");
	want_name(r.q.name, r.q.name_len, "bw.example.");
	lb_query_free(&r.q);

	assert_int_equal(parse("/dnsdb/v2/summarize/rrset/raw/026277076578616d706c6500/ANY/example.", &r),
			 200);
	assert_int_equal(r.api, LB_API_SUMMARIZE);
	assert_int_equal(r.q.tmode, LB_TYPES_ANY);
	assert_true(r.q.has_bailiwick);
	want_name(r.q.bailiwick, r.q.bailiwick_len, "example.");
	lb_query_free(&r.q);

	/* and as for rrset/name: a bailiwick is a name without wildcards */
	assert_int_equal(parse("/dnsdb/v2/lookup/rrset/raw/026277076578616d706c6500/NS/*.example", &r),
			 400);
	assert_int_equal(parse("/dnsdb/v2/lookup/rrset/name/bw.example/NS/bw.example", &r), 200);
	assert_true(r.q.has_bailiwick);
	lb_query_free(&r.q);
	/* rdata lookups have no bailiwick */
	assert_int_equal(parse("/dnsdb/v2/lookup/rdata/raw/c6336407/A/bw.example", &r), 400);
	assert_int_equal(parse("/dnsdb/v2/lookup/rdata/name/bw.example/NS/bw.example", &r), 400);
	assert_int_equal(parse("/dnsdb/v2/lookup/rrset/raw/026277076578616d706c6500/NS/bw.example/x", &r),
			 400);
}

/* flex: no RRTYPE = every type; an explicit ANY excludes the DNSSEC types
 * (DNSDB's ANY), ANY-DNSSEC has only them */
static void test_flex_types(void **state)
{
	(void)state;
	lb_http_req_t r;
	assert_int_equal(parse("/dnsdb/v2/glob/rrnames/*.example.", &r), 200);
	assert_int_equal(r.api, LB_API_FLEX);
	assert_int_equal(r.q.tmode, LB_TYPES_ALL);
	lb_query_free(&r.q);
	assert_int_equal(parse("/dnsdb/v2/glob/rrnames/*.example./ANY", &r), 200);
	assert_int_equal(r.q.tmode, LB_TYPES_ANY);
	assert_false(lb_query_type_ok(&r.q, 46)); /* RRSIG */
	assert_true(lb_query_type_ok(&r.q, 1));
	lb_query_free(&r.q);
	assert_int_equal(parse("/dnsdb/v2/regex/rdata/x/any", &r), 200);
	assert_int_equal(r.q.tmode, LB_TYPES_ANY);
	lb_query_free(&r.q);
	assert_int_equal(parse("/dnsdb/v2/regex/rrnames/x/ANY-DNSSEC", &r), 200);
	assert_int_equal(r.q.tmode, LB_TYPES_ANY_DNSSEC);
	lb_query_free(&r.q);
	assert_int_equal(parse("/dnsdb/v2/regex/rrnames/x/MX", &r), 200);
	assert_int_equal(r.q.tmode, LB_TYPES_LIST);
	lb_query_free(&r.q);
	/* lookups keep ANY as the default */
	assert_int_equal(parse("/dnsdb/v2/lookup/rrset/name/example.com", &r), 200);
	assert_int_equal(r.q.tmode, LB_TYPES_ANY);
	lb_query_free(&r.q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rrset_raw_bailiwick),
		cmocka_unit_test(test_flex_types),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
