/*
 * test_parse.c - query arguments: names and wildcards, addresses/CIDR/ranges,
 * types, times (epoch, ISO 8601, relative), hex.  Table-driven; expected
 * values written out by hand.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dns/rrtype.h"
#include "query/args.h"
#include "query/query.h"

static void test_names(void **st)
{
	(void)st;
	static const struct {
		const char *text;
		int ok;
		enum lb_match m;
		const char *wire; /* expected wire bytes */
		size_t wl;
	} t[] = {
		{ "example.com", 1, LB_MATCH_EXACT, "\7example\3com", 13 },
		{ "Example.COM.", 1, LB_MATCH_EXACT, "\7example\3com", 13 },
		{ "*.example.com", 1, LB_MATCH_BELOW, "\7example\3com", 13 },
		{ "www.example.*", 1, LB_MATCH_ABOVE_PREFIX, "\3www\7example", 13 },
		{ "www.example.*.", 1, LB_MATCH_ABOVE_PREFIX, "\3www\7example", 13 },
		{ "*", 1, LB_MATCH_BELOW, "", 1 },
		{ "*.", 1, LB_MATCH_BELOW, "", 1 },
		{ ".", 1, LB_MATCH_EXACT, "", 1 },
		{ "", 0, 0, NULL, 0 },
		{ "a.*.com", 0, 0, NULL, 0 },
		{ "*.*.com", 0, 0, NULL, 0 },
		{ "*.www.*", 0, 0, NULL, 0 },
		{ ".*", 0, 0, NULL, 0 },
		{ "a..b", 0, 0, NULL, 0 },
		{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.com", 0, 0, NULL, 0 },
		{ "foo*.com", 1, LB_MATCH_EXACT, "\4foo*\3com", 10 }, /* '*' inside a label is a literal */
		/* a label beginning with '*' is a mistyped wildcard (before: looked
		 * up as a literal, and nothing found) */
		{ "*com", 0, 0, NULL, 0 },
		{ "**.com", 0, 0, NULL, 0 },
		{ "www.*example.com", 0, 0, NULL, 0 },
		{ "\\*com", 1, LB_MATCH_EXACT, "\4*com", 6 },
		/* an escaped dot ends no label: "example.*" and "a.*" are labels
		 * (before: the first was taken for a right-hand wildcard of
		 * "www.example\\" and refused, the second refused) */
		{ "www.example\\.*", 1, LB_MATCH_EXACT, "\3www\11example.*", 15 },
		{ "a\\.*.example.com", 1, LB_MATCH_EXACT, "\3a.*\7example\3com", 17 },
		{ "www.example\\\\.*", 1, LB_MATCH_ABOVE_PREFIX, "\3www\10example\\", 14 },
		{ "\\*.example.com", 1, LB_MATCH_EXACT, "\1*\7example\3com", 15 }, /* the literal owner "*" */
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		lb_query_t q;
		const char *msg = NULL;
		lb_query_init(&q);
		int e = lb_query_parse_name(t[i].text, &q, &msg);
		if (!t[i].ok) {
			assert_int_not_equal(e, 0);
			assert_non_null(msg);
			continue;
		}
		assert_int_equal(e, 0);
		assert_int_equal(q.match, t[i].m);
		assert_int_equal(q.name_len, t[i].wl);
		assert_memory_equal(q.name, t[i].wire, t[i].wl); /* includes the root 0 */
	}
}

static void test_ips(void **st)
{
	(void)st;
	static const struct {
		const char *text;
		int ok;
		uint8_t fam;
		uint8_t lo[16], hi[16];
	} t[] = {
		{ "192.0.2.1", 1, 4, { 192, 0, 2, 1 }, { 192, 0, 2, 1 } },
		{ "192.0.2.77/24", 1, 4, { 192, 0, 2, 0 }, { 192, 0, 2, 255 } },
		{ "10.0.0.0,8", 1, 4, { 10, 0, 0, 0 }, { 10, 255, 255, 255 } },
		{ "10.0.0.0/0", 1, 4, { 0, 0, 0, 0 }, { 255, 255, 255, 255 } },
		{ "172.16.0.0/12", 1, 4, { 172, 16, 0, 0 }, { 172, 31, 255, 255 } },
		{ "192.0.2.1-192.0.2.9", 1, 4, { 192, 0, 2, 1 }, { 192, 0, 2, 9 } },
		{ "2001:db8::/32", 1, 6, { 0x20, 0x01, 0x0d, 0xb8 },
		  { 0x20, 0x01, 0x0d, 0xb8, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255 } },
		{ "2001:db8::1", 1, 6, { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 },
		  { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 } },
		{ "10.0.0.0/33", 0, 0, { 0 }, { 0 } },
		{ "2001:db8::/129", 0, 0, { 0 }, { 0 } },
		{ "10.0.0.0/", 0, 0, { 0 }, { 0 } },
		{ "10.0.0.0/-1", 0, 0, { 0 }, { 0 } },
		{ "10.0.0.0/8x", 0, 0, { 0 }, { 0 } },
		{ "10.0.0.9-10.0.0.1", 0, 0, { 0 }, { 0 } },
		{ "10.0.0.1-2001:db8::1", 0, 0, { 0 }, { 0 } },
		{ "10.0.0.256", 0, 0, { 0 }, { 0 } },
		{ "example.com", 0, 0, { 0 }, { 0 } },
		{ "", 0, 0, { 0 }, { 0 } },
		{ "1.2.3.4/8-1.2.3.5", 0, 0, { 0 }, { 0 } },
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		lb_query_t q;
		const char *msg = NULL;
		lb_query_init(&q);
		int e = lb_query_parse_ip(t[i].text, &q, &msg);
		if (!t[i].ok) {
			assert_int_not_equal(e, 0);
			continue;
		}
		assert_int_equal(e, 0);
		assert_int_equal(q.family, t[i].fam);
		size_t al = t[i].fam == 4 ? 4 : 16;
		assert_memory_equal(q.lo, t[i].lo, al);
		assert_memory_equal(q.hi, t[i].hi, al);
	}
}

static void test_types(void **st)
{
	(void)st;
	lb_query_t q;
	const char *msg;
	lb_query_init(&q);
	/* default: ANY without DNSSEC */
	assert_true(lb_query_type_ok(&q, LB_T_A));
	assert_false(lb_query_type_ok(&q, LB_T_RRSIG));
	assert_int_equal(lb_query_parse_types("a,AAAA,type65280", &q, &msg), 0);
	assert_int_equal(q.ntypes, 3);
	assert_true(lb_query_type_ok(&q, LB_T_AAAA));
	assert_true(lb_query_type_ok(&q, 65280));
	assert_false(lb_query_type_ok(&q, LB_T_MX));
	assert_int_equal(lb_query_parse_types("ANY-DNSSEC", &q, &msg), 0);
	assert_true(lb_query_type_ok(&q, LB_T_DS));
	assert_true(lb_query_type_ok(&q, LB_T_NSEC3));
	assert_false(lb_query_type_ok(&q, LB_T_A));
	assert_int_equal(lb_query_parse_types("ALL", &q, &msg), 0);
	assert_true(lb_query_type_ok(&q, LB_T_RRSIG));
	assert_int_not_equal(lb_query_parse_types("FOO", &q, &msg), 0);
	assert_int_not_equal(lb_query_parse_types("A,ANY", &q, &msg), 0);
	assert_int_not_equal(lb_query_parse_types(",", &q, &msg), 0);
	assert_int_not_equal(lb_query_parse_types("", &q, &msg), 0);
}

static void test_times(void **st)
{
	(void)st;
	const uint64_t now = 1714567890;
	static const struct {
		const char *text;
		int ok;
		uint64_t want;
	} t[] = {
		{ "0", 1, 0 },
		{ "1700000000", 1, 1700000000 },
		{ "-3600", 1, 1714567890 - 3600 },
		{ "-7d", 1, 1714567890 - 7 * 86400 },
		{ "-2w", 1, 1714567890 - 14 * 86400 },
		{ "-12h", 1, 1714567890 - 12 * 3600 },
		{ "-30m", 1, 1714567890 - 1800 },
		{ "-10s", 1, 1714567890 - 10 },
		/* dnsdbq's relative times (its -A/-B, $OPTIONS lines of a batch),
		 * BIND's TTL form: no minus sign, units combined, either case */
		{ "1w", 1, 1714567890 - 7 * 86400 },
		{ "90d", 1, 1714567890 - 90 * 86400 },
		{ "2d12h", 1, 1714567890 - 2 * 86400 - 12 * 3600 },
		{ "1w2d3h4m5s", 1, 1714567890 - 9 * 86400 - 3 * 3600 - 4 * 60 - 5 },
		{ "-1w2d", 1, 1714567890 - 9 * 86400 },
		{ "1W", 1, 1714567890 - 7 * 86400 },
		{ "12H30M", 1, 1714567890 - 12 * 3600 - 1800 },
		{ "1w2", 0, 0 },
		{ "w", 0, 0 },
		{ "-w", 0, 0 },
		{ "1x", 0, 0 },
		{ "1w-2d", 0, 0 },
		{ "1w 2d", 0, 0 },
		{ "99999999999999999999w", 0, 0 },
		{ "99999999w99999999w", 0, 0 },
		{ "1970-01-01", 1, 0 },
		{ "2024-05-01", 1, 1714521600 },
		{ "2024-05-01T10:00:00Z", 1, 1714557600 },
		{ "2024-05-01 10:00:00", 1, 1714557600 },
		{ "2024-05-01T10:00Z", 1, 1714557600 },
		{ "2024-05-01T12:00:00+02:00", 1, 1714557600 },
		{ "2024-05-01T05:30:00-04:30", 1, 1714557600 },
		{ "2024-05-01T10:00:00.123Z", 1, 1714557600 },
		/* ISO 8601's other offset forms (before: refused) */
		{ "2024-05-01T12:00:00+0200", 1, 1714557600 },
		{ "2024-05-01T10:00:00.123456+0000", 1, 1714557600 }, /* Suricata's timestamps */
		{ "2024-05-01T07:00:00-03", 1, 1714557600 },
		{ "2024-05-01T10:00:00+2", 0, 0 },
		{ "2024-05-01T10:00:00+02:", 0, 0 },
		{ "2024-05-01T10:00:00+02:0", 0, 0 },
		{ "2024-05-01T10:00:00+020", 0, 0 },
		{ "2024-05-01T10:00:00+02000", 0, 0 },
		{ "2024-05-01T10:00:00+2400", 0, 0 },
		{ "2024-05-01T10:00:00+0260", 0, 0 },
		{ "2000-02-29", 1, 951782400 },
		{ "2024-13-01", 0, 0 },
		{ "2024-02-30", 0, 0 },
		{ "2023-02-29", 0, 0 }, { "1900-02-29", 0, 0 }, { "2100-02-29", 0, 0 },
		{ "2024-02-29", 1, 1709164800 },
		{ "2024-05-01T25:00:00Z", 0, 0 },
		{ "2024-05-01T10:00:00Q", 0, 0 },
		{ "yesterday", 0, 0 },
		{ "-7y", 0, 0 },
		{ "-", 0, 0 },
		{ "", 0, 0 },
		{ "-99999999999999999999d", 0, 0 },
		{ "1e9", 0, 0 },
		{ "1969-12-31", 0, 0 },
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		uint64_t v = 12345;
		const char *msg = NULL;
		int e = lb_query_parse_time(t[i].text, now, false, &v, &msg);
		if (t[i].ok != (e == 0))
			print_error("time '%s': %d\n", t[i].text, e);
		assert_int_equal(t[i].ok, e == 0);
		if (t[i].ok)
			assert_true(v == t[i].want);
		else
			assert_non_null(msg);
		/* a lower bound rounds a fraction of a second up: records keep
		 * whole seconds, and "after 10:00:00.123" is not 10:00:00 */
		uint64_t u = 12345;
		assert_int_equal(lb_query_parse_time(t[i].text, now, true, &u, &msg), e);
		if (t[i].ok)
			assert_true(u == t[i].want + (strchr(t[i].text, '.') != NULL));
	}
}

static void test_fences(void **st)
{
	(void)st;
	lb_query_t q;
	lb_query_init(&q);
	lb_store_val_t v = { .time_first = 100, .time_last = 200, .count = 1 };
	assert_true(lb_query_time_ok(&q, &v));
	q.has_first_after = true;
	q.first_after = 100;
	assert_true(lb_query_time_ok(&q, &v));
	q.first_after = 101;
	assert_false(lb_query_time_ok(&q, &v));
	lb_query_init(&q);
	q.has_last_before = true;
	q.last_before = 199;
	assert_false(lb_query_time_ok(&q, &v));
	q.last_before = 200;
	assert_true(lb_query_time_ok(&q, &v));
	/* zone-only records are fenced on their zone times */
	lb_store_val_t z = { .zone_first = 50, .zone_last = 60 };
	assert_false(lb_query_time_ok(&q, &(lb_store_val_t){ .zone_first = 50, .zone_last = 300 }));
	assert_true(lb_query_time_ok(&q, &z));
}

static void test_hex(void **st)
{
	(void)st;
	uint8_t *b;
	size_t n;
	const char *msg;
	assert_int_equal(lb_query_parse_hex("c000020A", &b, &n, &msg), 0);
	assert_int_equal(n, 4);
	assert_memory_equal(b, "\xc0\x00\x02\x0a", 4);
	free(b);
	assert_int_not_equal(lb_query_parse_hex("abc", &b, &n, &msg), 0);
	assert_int_not_equal(lb_query_parse_hex("zz", &b, &n, &msg), 0);
	assert_int_not_equal(lb_query_parse_hex("", &b, &n, &msg), 0);
}

/* -t given twice adds the second list to the first (the last one alone was
 * kept: -t A -t AAAA looked up AAAA only); ANY, ANY-DNSSEC and ALL stand
 * alone, here too. */
static void test_repeated_types(void **st)
{
	(void)st;
	lb_query_t q;
	lb_qargs_t a;
	lb_query_init(&q);
	lb_qargs_init(&a, &q, "test", 0);
	assert_int_equal(lb_qargs_opt(&a, 't', "A"), 1);
	assert_int_equal(lb_qargs_opt(&a, 't', "AAAA,MX"), 1);
	assert_int_equal(q.tmode, LB_TYPES_LIST);
	assert_int_equal(q.ntypes, 3);
	assert_int_equal(q.types[0], LB_T_A);
	assert_int_equal(q.types[1], LB_T_AAAA);
	assert_int_equal(q.types[2], LB_T_MX);
	assert_int_equal(lb_qargs_opt(&a, 't', "ANY"), -1);
	for (int i = 0; i < 13; i++)
		assert_int_equal(lb_qargs_opt(&a, 't', "TXT"), 1);
	assert_int_equal(q.ntypes, 16);
	assert_int_equal(lb_qargs_opt(&a, 't', "NS"), -1);

	lb_query_init(&q);
	lb_qargs_init(&a, &q, "test", 0);
	assert_int_equal(lb_qargs_opt(&a, 't', "ANY-DNSSEC"), 1);
	assert_int_equal(lb_qargs_opt(&a, 't', "A"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names), cmocka_unit_test(test_ips), cmocka_unit_test(test_types),
		cmocka_unit_test(test_repeated_types),
		cmocka_unit_test(test_times), cmocka_unit_test(test_fences), cmocka_unit_test(test_hex),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
