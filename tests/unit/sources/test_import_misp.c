/* test_import_misp.c - MISP attribute CSV exports: domain|ip and
 * hostname|ip pairs as aggregated A/AAAA records, other attributes
 * not_dns, the header found by name. */
#include "import_harness.h"

/* MISP's default CSV columns (attributes/restSearch, returnFormat csv) */
#define MHDR "uuid,event_id,category,type,value,comment,to_ids,date,object_relation,attribute_tag," \
	"object_uuid,object_name,object_meta-category\r\n"
#define MROW(type, value, date) "\"5e8f8ec6-1a28-4ab0-8d7a-4d5a0a00020f\",1234,\"Network activity\",\"" \
	type "\",\"" value "\",\"C2, seen \"\"beaconing\"\"\",1," date ",\"\",\"tlp:white\",\"\",\"\",\"\"\r\n"

static void misp_pairs(void **st)
{
	(void)st;
	assert_int_equal(imp(LB_FMT_AUTO, MHDR
		MROW("domain|ip", "Evil.Example.com|192.0.2.66", "20200409")
		MROW("hostname|ip", "www.evil.example.com|2001:db8::66", "20200410")
		MROW("domain|ip", "evil.example.com|192.0.2.67", "2020-04-11")
		MROW("sha256", "aabbccdd", "20200409")
		MROW("domain", "evil.example.com", "20200409")
		MROW("domain|ip", "evil.example.com|999.0.2.1", "20200409")
		MROW("domain|ip", "evil.example.com", "20200409")
		MROW("domain|ip", "evil.example.com|192.0.2.1", "yesterday")
		"\"5e8f\",1234,\"Network activity\",\"domain|ip\"\r\n"), 0);
	/* 2020-04-09 00:00:00 UTC = 1586390400 */
	has("AGG evil.example.com. A 192.0.2.66 1586390400 1586390400 1 0 0 bw=- misp\n");
	has("AGG www.evil.example.com. AAAA 2001:db8::66 1586476800 1586476800 1 0 0 bw=- misp\n");
	has("AGG evil.example.com. A 192.0.2.67 1586563200 1586563200 1 ");
	assert_int_equal(cnt.aggregated, 3);
	assert_int_equal(cnt.skip[LB_SKIP_NOT_DNS], 2);
	assert_int_equal(cnt.bad[LB_BAD_RDATA], 1);
	assert_int_equal(cnt.bad[LB_BAD_FIELDS], 2);
	assert_int_equal(cnt.bad[LB_BAD_TIME], 1);

	/* first_seen/last_seen (ISO 8601) when the export has them, the
	 * columns in another order; an empty pair falls back to the date */
	assert_int_equal(imp(LB_FMT_MISP,
		"value,type,date,first_seen,last_seen\n"
		"a.example|192.0.2.1,domain|ip,20200409,2020-04-01T10:00:00Z,2020-04-05T12:00:00+02:00\n"
		"b.example|192.0.2.2,domain|ip,20200409,,\n"
		"c.example|192.0.2.3,domain|ip,20200409,2020-04-05T00:00:00Z,2020-04-01T00:00:00Z\n"), 0);
	has("AGG a.example. A 192.0.2.1 1585735200 1586080800 1 ");
	has("AGG b.example. A 192.0.2.2 1586390400 1586390400 1 ");
	assert_int_equal(cnt.bad[LB_BAD_TIME], 1); /* last before first */

	/* no header (or one without type and value): nothing is guessed */
	assert_int_equal(imp(LB_FMT_MISP, MROW("domain|ip", "a.example|192.0.2.1", "20200409")), 0);
	assert_int_equal(cnt.bad[LB_BAD_FORMAT], 1);
	const char *l = MHDR;
	assert_int_equal(lb_src_detect(l, strlen(l)), LB_FMT_MISP);
	enum lb_src_fmt f;
	assert_int_equal(lb_src_fmt_from_name("misp", &f), 0);
	assert_int_equal(f, LB_FMT_MISP);
}

/* MROW's fields before and after the comment */
#define MPRE(type, value) "\"5e8f8ec6-1a28-4ab0-8d7a-4d5a0a00020f\",1234,\"Network activity\",\"" \
	type "\",\"" value "\","
#define MPOST(date) ",1," date ",\"\",\"tlp:white\",\"\",\"\",\"\"\r\n"

/* RFC 4180 2.6: a quoted field may hold line breaks (a comment written over
 * lines); its record goes on over them.  Each of its lines was a bad line
 * before (bad_fields), the attribute lost. */
static void misp_multiline_field(void **st)
{
	(void)st;
	assert_int_equal(imp(LB_FMT_AUTO, MHDR
		MPRE("domain|ip", "a.example|192.0.2.1") "\"C2 server,\r\nsee \"\"report\"\"\r\n\r\n"
		"\"\"quoted\"\" line\"" MPOST("20200409")
		MPRE("domain|ip", "b.example|192.0.2.2") "\"\r\n\"" MPOST("20200410")
		MROW("domain|ip", "c.example|192.0.2.3", "20200411")), 0);
	has("AGG a.example. A 192.0.2.1 1586390400 1586390400 1 0 0 bw=- misp\n");
	has("AGG b.example. A 192.0.2.2 1586476800 1586476800 1 ");
	has("AGG c.example. A 192.0.2.3 1586563200 1586563200 1 ");
	assert_int_equal(cnt.aggregated, 3);
	assert_int_equal(lb_src_bad_total(&cnt), 0);
	assert_int_equal(cnt.lines, 8);

	/* a bad record of several lines is counted once, at its first line */
	assert_int_equal(imp(LB_FMT_MISP, MHDR
		MPRE("domain|ip", "a.example|192.0.2.1") "\"one\ntwo\"" MPOST("someday")), 0);
	assert_int_equal(cnt.bad[LB_BAD_TIME], 1);
	assert_int_equal(cnt.bad_line[LB_BAD_TIME][0], 2);
	assert_int_equal(lb_src_bad_total(&cnt), 1);

	/* the input ends inside the quote: bad_fields at the record's start */
	assert_int_equal(imp(LB_FMT_MISP, MHDR
		MROW("domain|ip", "a.example|192.0.2.1", "20200409")
		MPRE("domain|ip", "b.example|192.0.2.2") "\"never closed\nmore\n"), 0);
	assert_int_equal(cnt.aggregated, 1);
	assert_int_equal(cnt.bad[LB_BAD_FIELDS], 1);
	assert_int_equal(cnt.bad_line[LB_BAD_FIELDS][0], 3);

	/* a quote inside an unquoted field is text, no start of a quoted field */
	assert_int_equal(imp(LB_FMT_MISP, "type,value,comment,date\n"
		"domain|ip,a.example|192.0.2.1,a 5\" screen,20200409\n"
		"domain|ip,b.example|192.0.2.2,x,20200409\n"), 0);
	assert_int_equal(cnt.aggregated, 2);
	assert_int_equal(lb_src_bad_total(&cnt), 0);

	/* the record is bounded by the line cap: past it, counted once
	 * (line_too_long, at its first line), its lines so far dropped, and
	 * reading starts afresh at the next line */
	static const char big[] = "type,value,comment,date\n"
		"domain|ip,a.example|192.0.2.1,\"x\n"
		"0123456789012345678901234567890123456789\n"
		"0123456789012345678901234567890123456789\n"
		"end\",20200409\n"
		"domain|ip,b.example|192.0.2.2,ok,20200409\n";
	lb_src_opts_t o = { .fmt = LB_FMT_MISP, .max_line = 64 };
	assert_int_equal(imp_opts(&o, big), 0);
	has("AGG b.example. A 192.0.2.2 ");
	hasnt("a.example");
	assert_int_equal(cnt.bad[LB_BAD_TOO_LONG], 1);
	assert_int_equal(cnt.bad_line[LB_BAD_TOO_LONG][0], 2);
	assert_int_equal(cnt.bad[LB_BAD_FIELDS], 2); /* lines 4 and 5 */
	assert_int_equal(cnt.aggregated, 1);
	/* a line of the record longer than the cap (skipped by the line
	 * reader, counted): the record is lost with it, the next line read
	 * afresh */
	assert_int_equal(imp_opts(&o, "type,value,comment,date\n"
		"domain|ip,a.example|192.0.2.1,\"x\n"
		"0123456789012345678901234567890123456789012345678901234567890123456789\n"
		"end\",20200409\n"
		"domain|ip,b.example|192.0.2.2,ok,20200409\n"), 0);
	has("AGG b.example. A 192.0.2.2 ");
	hasnt("a.example");
	assert_int_equal(cnt.bad[LB_BAD_TOO_LONG], 1);
	assert_int_equal(cnt.bad_line[LB_BAD_TOO_LONG][0], 3);
	assert_int_equal(cnt.bad[LB_BAD_FIELDS], 1); /* line 4 */
	assert_int_equal(cnt.aggregated, 1);
	/* under the default cap the same record is read whole */
	assert_int_equal(imp(LB_FMT_MISP, big), 0);
	has("AGG a.example. A 192.0.2.1 ");
	assert_int_equal(cnt.aggregated, 2);
	assert_int_equal(lb_src_bad_total(&cnt), 0);
}

/* Only the first record may be the header.  A data row whose type and
 * value fields are "type" and "value" was taken for a new header: without
 * a date column it made every later row unknown_format; with its fields
 * in another order it would have remapped the columns.  The header's very
 * text again (files joined) is still passed over. */
static void misp_header_first_only(void **st)
{
	(void)st;
	assert_int_equal(imp(LB_FMT_AUTO, MHDR
		MROW("domain|ip", "a.example|192.0.2.1", "20200409")
		MROW("type", "value", "20200409")
		MROW("domain|ip", "b.example|192.0.2.2", "20200409")), 0);
	has("AGG a.example. A 192.0.2.1 ");
	has("AGG b.example. A 192.0.2.2 ");
	assert_int_equal(cnt.aggregated, 2);
	assert_int_equal(cnt.skip[LB_SKIP_NOT_DNS], 1);
	assert_int_equal(lb_src_bad_total(&cnt), 0);

	/* "type", "date" and "value" in other columns: data (type "type":
	 * not_dns), no new column order (read as one, the next row's value
	 * was "x": bad_fields) */
	assert_int_equal(imp(LB_FMT_MISP, "type,value,comment,date\n"
		"domain|ip,a.example|192.0.2.1,x,20200409\n"
		"type,date,value,x\n"
		"domain|ip,b.example|192.0.2.2,x,20200409\n"), 0);
	assert_int_equal(cnt.aggregated, 2);
	assert_int_equal(cnt.skip[LB_SKIP_NOT_DNS], 1);
	assert_int_equal(lb_src_bad_total(&cnt), 0);

	/* files joined: the same header again is passed over */
	assert_int_equal(imp(LB_FMT_AUTO, MHDR
		MROW("domain|ip", "a.example|192.0.2.1", "20200409")
		MHDR
		MROW("domain|ip", "b.example|192.0.2.2", "20200409")), 0);
	assert_int_equal(cnt.aggregated, 2);
	assert_int_equal(cnt.skip[LB_SKIP_NOT_DNS], 0);
	assert_int_equal(lb_src_bad_total(&cnt), 0);

	/* a first record that is no header: no later row becomes one */
	assert_int_equal(imp(LB_FMT_MISP, "domain|ip,a.example|192.0.2.1,x,20200409\n"
		"type,value,comment,date\n"
		"domain|ip,b.example|192.0.2.2,x,20200409\n"), 0);
	assert_int_equal(cnt.aggregated, 0);
	assert_int_equal(cnt.bad[LB_BAD_FORMAT], 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(misp_pairs),
		cmocka_unit_test(misp_multiline_field),
		cmocka_unit_test(misp_header_first_only),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
