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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(misp_pairs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
