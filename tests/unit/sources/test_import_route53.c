/* test_import_route53.c - TXT answers of Route 53 Resolver query logs, in
 * Route 53's TXT form (Route 53 Developer Guide, "Supported DNS record
 * types", TXT: quoted strings, \" and \\, other bytes as \ + three octal
 * digits).  The other Route 53 tests are in test_import.c. */
#include "import_harness.h"

#define R53TXT(rdata) "{\"version\":\"1.100000\",\"account_id\":\"111122223333\",\"region\":" \
	"\"us-east-1\",\"vpc_id\":\"vpc-7example\",\"query_timestamp\":\"2021-12-11T22:46:26Z\"," \
	"\"query_name\":\"t.example.com.\",\"query_type\":\"TXT\",\"query_class\":\"IN\"," \
	"\"rcode\":\"NOERROR\",\"answers\":[{\"Rdata\":" rdata ",\"Type\":\"TXT\",\"Class\":\"IN\"}]," \
	"\"srcaddr\":\"10.0.0.1\",\"srcport\":\"53111\",\"transport\":\"UDP\"," \
	"\"srcids\":{\"instance\":\"i-0d15cd0d3example\"}}\n"

/* The TXT rdata, as wire bytes in hex, of the one record imported from text. */
static const char *txt_wire(void)
{
	static char hex[2048];
	const char *p = strstr(out, "RR t.example.com. TXT ");
	hex[0] = 0;
	if (!p)
		return hex;
	/* re-parse what was rendered: a round trip through the rdata codec */
	p += strlen("RR t.example.com. TXT ");
	const char *e = strstr(p, " ttl=");
	uint8_t w[1024];
	int n = e ? lb_rdata_from_text(LB_T_TXT, p, (size_t)(e - p), NULL, w, sizeof w) : -1;
	for (int i = 0; i < n && (size_t)i * 2 + 3 < sizeof hex; i++)
		snprintf(hex + i * 2, 3, "%02x", w[i]);
	return hex;
}

static void route53_txt(void **st)
{
	(void)st;
	/* one string with spaces: one character-string, not three */
	assert_int_equal(imp(LB_FMT_AUTO, R53TXT("\"\\\"v=spf1 include:_spf.google.com ~all\\\"\"")), 0);
	has("RR t.example.com. TXT \"v=spf1 include:_spf.google.com ~all\" ttl=0 ");
	/* two strings, apart and back to back (as Route 53 writes long ones) */
	assert_int_equal(imp(LB_FMT_AUTO, R53TXT("\"\\\"part one\\\" \\\"part two\\\"\"")), 0);
	has("RR t.example.com. TXT \"part one\" \"part two\" ttl=0 ");
	assert_int_equal(imp(LB_FMT_AUTO, R53TXT("\"\\\"v=DKIM1; p=MIGf\\\"\\\"MA0G\\\"\"")), 0);
	has("RR t.example.com. TXT \"v=DKIM1; p=MIGf\" \"MA0G\" ttl=0 ");
	/* the Developer Guide's own examples: an escaped quote, an octal é */
	assert_int_equal(imp(LB_FMT_AUTO,
		R53TXT("\"\\\"This string includes \\\\\\\"quotation marks\\\\\\\".\\\"\"")), 0);
	has("RR t.example.com. TXT \"This string includes \\\"quotation marks\\\".\" ttl=0 ");
	assert_int_equal(imp(LB_FMT_AUTO, R53TXT("\"\\\"ex\\\\344mple.com\\\"\"")), 0);
	/* 0x0b 'e' 'x' 0xe4 'm' 'p' 'l' 'e' '.' 'c' 'o' 'm' (read as decimal,
	 * \344 was no byte at all: bad_rdata) */
	assert_string_equal(txt_wire(), "0b6578e46d706c652e636f6d");
	assert_int_equal(lb_src_bad_total(&cnt), 0);
	assert_int_equal(imp(LB_FMT_AUTO, R53TXT("\"\\\"caf\\\\303\\\\251 \\\\\\\\123\\\"\"")), 0);
	/* "café \123": UTF-8 é as two octal escapes; an escaped backslash
	 * before digits is a backslash and the digits */
	assert_string_equal(txt_wire(), "0a636166c3a9205c313233");
	/* an escape of digits that is not octal (an 8 or 9, past \377): bad */
	assert_int_equal(imp(LB_FMT_AUTO, R53TXT("\"\\\"x\\\\389\\\"\"") R53TXT("\"\\\"x\\\\400\\\"\"")
					  R53TXT("\"\\\"x\\\\12\\\"\"")), 0);
	assert_int_equal(cnt.bad[LB_BAD_RDATA], 3);
}

#define R53A(qtype, qclass, atype, aclass) "{\"query_timestamp\":\"2021-12-11T22:46:26Z\"," \
	"\"query_name\":\"a.example.com.\",\"query_type\":\"" qtype "\",\"query_class\":\"" qclass \
	"\",\"rcode\":\"NOERROR\",\"answers\":[{\"Rdata\":\"192.0.2.1\",\"Type\":\"" atype \
	"\",\"Class\":\"" aclass "\"}]}\n"

/* The logs are read with JSON_ALLOW_NUL: a type or class with a \u0000 in
 * it was read up to the NUL ("A\u0000junk" as A, "IN\u0000CH" as IN). */
static void route53_nul_in_string(void **st)
{
	(void)st;
	assert_int_equal(imp(LB_FMT_ROUTE53, R53A("A", "IN", "A", "IN")), 0);
	has("RR a.example.com. A 192.0.2.1 ");
	assert_int_equal(imp(LB_FMT_ROUTE53, R53A("A\\u0000junk", "IN", "A", "IN")
				 R53A("A", "IN", "A\\u0000junk", "IN")
				 R53A("A", "IN\\u0000CH", "A", "IN")
				 R53A("A", "IN", "A", "IN\\u0000CH")), 0);
	hasnt("a.example.com.");
	assert_int_equal(cnt.bad[LB_BAD_TYPE], 2);
	assert_int_equal(cnt.skip[LB_SKIP_CLASS], 2);
}

#define R53T(ts) "{\"query_timestamp\":\"" ts "\",\"query_name\":\"a.example.com.\"," \
	"\"query_type\":\"A\",\"query_class\":\"IN\",\"rcode\":\"NOERROR\",\"answers\":" \
	"[{\"Rdata\":\"192.0.2.1\",\"Type\":\"A\",\"Class\":\"IN\"}]}\n"

/* Timestamps (util/civil.h): a day the month does not have is a bad time,
 * not the next month's (2023-02-30 was read as March 2); a leap day, a
 * comma before the fraction and an offset are read. */
static void route53_timestamps(void **st)
{
	(void)st;
	assert_int_equal(imp(LB_FMT_ROUTE53, R53T("2024-02-29T12:00:00,250-01:30")), 0);
	has("RR a.example.com. A 192.0.2.1 ttl=0 sec=0 t=1709213400 ");
	assert_int_equal(last_ts.tv_usec, 250000);
	assert_int_equal(imp(LB_FMT_ROUTE53, R53T("2023-02-30T00:00:00Z") R53T("2023-02-29T00:00:00Z")
				 R53T("2023-04-31T00:00:00Z") R53T("2023-01-01T24:00:00Z")
				 R53T("1969-12-31T23:59:59Z") R53T("2023-01-01T00:00:00+05:")), 0);
	hasnt("a.example.com.");
	assert_int_equal(cnt.bad[LB_BAD_TIME], 6);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(route53_txt),
		cmocka_unit_test(route53_nul_in_string),
		cmocka_unit_test(route53_timestamps),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
