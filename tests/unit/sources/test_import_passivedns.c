/* test_import_passivedns.c - passivedns text logs written with a custom -f
 * field set (--passivedns-fields), a -d delimiter (--passivedns-delimiter)
 * and -f H's local-time stamps (--passivedns-utc-offset).  The default layout's tests are in
 * test_import.c. */
#include "import_harness.h"

static int imp_pd(const char *fields, int32_t offset, bool offset_set, const char *text)
{
	lb_src_opts_t o = { .fmt = LB_FMT_PASSIVEDNS, .pd_fields = fields,
			    .pd_utc_offset = offset, .pd_utc_offset_set = offset_set };
	return imp_opts(&o, text);
}

/* passivedns prints the fields -f selects in its own fixed order (dns.c
 * print_passet: time, h c w s W p C Q L T A l t n), whatever the order of
 * the letters: each layout below was read as the default one before, the
 * lines bad_fields. */
static void passivedns_custom_fields(void **st)
{
	(void)st;
	/* -f SMsQTAn: no client, no class, no TTL */
	const char *sm = "1322849924.408856||8.8.8.8||upload.youtube.com.||A||74.125.43.117||5\n"
			 "1322849924.408856||8.8.8.8||upload.youtube.com.||A||74.125.43.118||5\n"
			 "1322849925.000001||8.8.8.8||nx.youtube.com.||AAAA||NXDOMAIN||1\n";
	assert_int_equal(imp_pd("SMsQTAn", 0, false, sm), 0);
	has("AGG upload.youtube.com. A 74.125.43.117;74.125.43.118 1322849924 1322849924 5 0 0 bw=- "
	    "passivedns\n");
	has("NEG nx.youtube.com. AAAA NXDOMAIN\n");
	assert_int_equal(lb_src_bad_total(&cnt), 0);
	/* the letters in another order: the same layout */
	assert_int_equal(imp_pd("nATQsMS", 0, false, sm), 0);
	has("AGG upload.youtube.com. A 74.125.43.117;74.125.43.118 1322849924 1322849924 5 ");
	assert_int_equal(lb_src_bad_total(&cnt), 0);
	/* read as the default layout, every line is bad */
	assert_int_equal(imp(LB_FMT_PASSIVEDNS, sm), 0);
	assert_int_equal(cnt.bad[LB_BAD_FIELDS], 3);

	/* every field passivedns has: hostname, client and server MACs,
	 * protocol and the two lengths are read past; the TTL is kept */
	assert_int_equal(imp_pd("SMhcwsWpCQLTAltn", 0, false,
		"1322849924.408856||sensor1||10.1.1.1||00:11:22:33:44:55||8.8.8.8||66:77:88:99:aa:bb||"
		"udp||IN||www.example.com.||16||A||192.0.2.1||9||300||2\n"), 0);
	has("AGG www.example.com. A 192.0.2.1 1322849924 1322849924 2 ");
	hasnt("sensor1");
	assert_int_equal(cnt.aggregated, 1);
	assert_int_equal(lb_src_bad_total(&cnt), 0);

	/* seconds alone (S without M), no count: count 1 */
	assert_int_equal(imp_pd("SQTAt", 0, false,
		"1322849924||www.example.com.||A||192.0.2.1||60\n"
		"1322849924||www.example.com.||A||192.0.2.2||60||7\n"), 0);
	has("AGG www.example.com. A 192.0.2.1 1322849924 1322849924 1 ");
	assert_int_equal(cnt.bad[LB_BAD_FIELDS], 1); /* a column too many */
	/* a class other than IN when the class is logged */
	assert_int_equal(imp_pd("SCQTA", 0, false, "1322849924||CH||version.bind.||TXT||\"x\"\n"), 0);
	assert_int_equal(cnt.skip[LB_SKIP_CLASS], 1);
}

static void passivedns_fields_refused(void **st)
{
	(void)st;
	const char *why = NULL;
	assert_int_equal(lb_src_pd_fields_check("HcsCQTAtn", &why), 0);
	assert_int_equal(lb_src_pd_fields_check("SMcsCQRtn", &why), LB_EINVAL); /* R: no such letter */
	assert_non_null(strstr(why, "letter"));
	assert_int_equal(lb_src_pd_fields_check("McsCQTAtn", &why), LB_EINVAL); /* no second */
	assert_non_null(strstr(why, "time"));
	assert_int_equal(lb_src_pd_fields_check("SMcsCQTtn", &why), LB_EINVAL); /* no answer */
	assert_int_equal(lb_src_pd_fields_check("", &why), LB_EINVAL);
	lb_src_opts_t o = { .fmt = LB_FMT_PASSIVEDNS, .pd_fields = "SQT" };
	lb_src_sink_t sink = { .obs = { on_rrset, on_neg, NULL }, .aggr = on_aggr };
	lb_src_t *s = NULL;
	assert_int_equal(lb_src_new(&o, &sink, &s), LB_EINVAL);
	assert_null(s);
}

/* -f H writes strftime("%Y-%m-%d %H:%M:%S") of localtime(): the sensor's
 * local time, which the line does not name.  Read as UTC, counted as a
 * note, unless the offset is given. */
static void passivedns_local_time(void **st)
{
	(void)st;
	const char *h = "2011-12-02 19:18:44.408856||10.1.1.1||8.8.8.8||IN||www.example.com.||A||"
			"192.0.2.1||300||3\n"
			"2011-12-02 19:18:45.000001||10.1.1.1||8.8.8.8||IN||nx.example.com.||A||"
			"NXDOMAIN||0||1\n";
	/* 2011-12-02 19:18:44 UTC = 1322853524 */
	assert_int_equal(imp_pd("HcsCQTAtn", 0, false, h), 0);
	has("AGG www.example.com. A 192.0.2.1 1322853524 1322853524 3 ");
	assert_int_equal(cnt.note[LB_NOTE_LOCAL_TIME], 2);
	/* a sensor on UTC+01:00: one hour earlier in UTC */
	assert_int_equal(imp_pd("HcsCQTAtn", 3600, true, h), 0);
	has("AGG www.example.com. A 192.0.2.1 1322849924 1322849924 3 ");
	assert_int_equal(cnt.note[LB_NOTE_LOCAL_TIME], 0);
	/* UTC-05:30, default layout (H alone was already read) */
	assert_int_equal(imp_pd(NULL, -(5 * 3600 + 1800), true, h), 0);
	has("AGG www.example.com. A 192.0.2.1 1322873324 1322873324 3 ");
	assert_int_equal(cnt.negatives, 1);
	/* Unix seconds are UTC: no note, no offset */
	assert_int_equal(imp_pd(NULL, 3600, true,
		"1322849924.408856||10.1.1.1||8.8.8.8||IN||www.example.com.||A||192.0.2.1||300||3\n"), 0);
	has("AGG www.example.com. A 192.0.2.1 1322849924 1322849924 3 ");
	assert_int_equal(cnt.note[LB_NOTE_LOCAL_TIME], 0);
}

/* A NUL inside the type or the answer is no end of it: "A\0junk" was read
 * as the type A and "192.0.2.1\0junk" as 192.0.2.1, the rest lost silently;
 * both are bad lines now, in the text and the JSON (\u0000) forms. */
static void passivedns_nul_in_field(void **st)
{
	(void)st;
	static const char t[] = "1322849924.5||8.8.8.8||www.example.com.||A\0junk||192.0.2.1||60\n"
				"1322849924.5||8.8.8.8||www.example.com.||A||192.0.2.1\0junk||60\n"
				"1322849925.5||8.8.8.8||ok.example.com.||A||192.0.2.9||60\n";
	lb_src_opts_t o = { .fmt = LB_FMT_PASSIVEDNS, .pd_fields = "SsQTAt" };
	assert_int_equal(imp_opts_len(&o, t, sizeof t - 1), 0);
	has("AGG ok.example.com. A 192.0.2.9 ");
	hasnt("www.example.com.");
	assert_int_equal(cnt.aggregated, 1);
	assert_int_equal(cnt.bad[LB_BAD_TYPE], 1);
	assert_int_equal(cnt.bad[LB_BAD_RDATA], 1);
	assert_int_equal(imp_pd(NULL, 0, false,
		"{\"timestamp_s\":1528361225,\"class\":\"IN\",\"query\":\"www.example.com.\","
		"\"type\":\"A\\u0000junk\",\"answer\":\"192.0.2.80\",\"ttl\":60}\n"), 0);
	assert_int_equal(cnt.aggregated, 0);
	assert_int_equal(cnt.bad[LB_BAD_TYPE], 1);
}

/* passivedns -d STR writes STR between the fields instead of "||" (dns.c
 * print_passet: config.log_delimiter, any string).  Such a log was bad
 * lines from end to end, or taken for a zone file; --passivedns-delimiter
 * gives the string. */
static int imp_pdd(enum lb_src_fmt fmt, const char *fields, const char *delim, const char *text)
{
	lb_src_opts_t o = { .fmt = fmt, .pd_fields = fields, .pd_delim = delim };
	return imp_opts(&o, text);
}

static void passivedns_delimiter(void **st)
{
	(void)st;
	/* -d ',' with the default fields */
	const char *comma = "1322849924.408856,10.1.1.1,8.8.8.8,IN,www.example.com.,A,192.0.2.1,300,3\n"
			    "1322849924.408856,10.1.1.1,8.8.8.8,IN,www.example.com.,A,192.0.2.2,300,3\n"
			    "1322849925.000001,10.1.1.1,8.8.8.8,IN,nx.example.com.,AAAA,NXDOMAIN,0,1\n";
	assert_int_equal(imp_pdd(LB_FMT_PASSIVEDNS, NULL, ",", comma), 0);
	has("AGG www.example.com. A 192.0.2.1;192.0.2.2 1322849924 1322849924 3 0 0 bw=- "
	    "passivedns\n");
	has("NEG nx.example.com. AAAA NXDOMAIN\n");
	assert_int_equal(lb_src_bad_total(&cnt), 0);
	/* read with the default delimiter, every line is bad */
	assert_int_equal(imp(LB_FMT_PASSIVEDNS, comma), 0);
	assert_int_equal(cnt.bad[LB_BAD_FIELDS], 3);
	assert_int_equal(cnt.aggregated, 0);

	/* a tab, with --format auto: a passivedns log (not a zone file, which
	 * "IN" and "A" between blanks would make it) */
	const char *tab = "1322849924.408856\t10.1.1.1\t8.8.8.8\tIN\twww.example.com.\tA\t192.0.2.1\t300\n";
	assert_int_equal(imp_pdd(LB_FMT_AUTO, NULL, "\t", tab), 0);
	has("AGG www.example.com. A 192.0.2.1 1322849924 1322849924 1 0 0 bw=- passivedns\n");
	assert_int_equal(lb_src_bad_total(&cnt), 0);

	/* a string of several bytes, with -f fields; a field holding the
	 * delimiter makes its line bad (a column too many), never misread */
	assert_int_equal(imp_pdd(LB_FMT_PASSIVEDNS, "SMsQTAn", "<|>",
		"1322849924.408856<|>8.8.8.8<|>upload.youtube.com.<|>A<|>74.125.43.117<|>5\n"
		"1322849924.5<|>8.8.8.8<|>t.example.<|>TXT<|>\"a<|>b\"<|>1\n"
		"1322849924.6<|>8.8.8.8<|>t.example.<|>TXT<|>\"a|b||c\"<|>1\n"), 0);
	has("AGG upload.youtube.com. A 74.125.43.117 1322849924 1322849924 5 ");
	has("AGG t.example. TXT \"a|b||c\" 1322849924 1322849924 1 ");
	assert_int_equal(cnt.bad[LB_BAD_FIELDS], 1);
	/* "||" given is the default */
	assert_int_equal(imp_pdd(LB_FMT_AUTO, NULL, "||",
		"1322849924||10.1.1.1||8.8.8.8||IN||www.example.com.||A||192.0.2.1||300\n"), 0);
	has("AGG www.example.com. A 192.0.2.1 1322849924 ");
	assert_int_equal(lb_src_bad_total(&cnt), 0);

	/* refused: empty, longer than 16 bytes, a line break */
	const char *why = NULL;
	assert_int_equal(lb_src_pd_delim_check(";", &why), 0);
	assert_int_equal(lb_src_pd_delim_check("0123456789abcdef", &why), 0);
	assert_int_equal(lb_src_pd_delim_check("", &why), LB_EINVAL);
	assert_non_null(strstr(why, "empty"));
	assert_int_equal(lb_src_pd_delim_check("0123456789abcdefg", &why), LB_EINVAL);
	assert_non_null(strstr(why, "16"));
	assert_int_equal(lb_src_pd_delim_check("|\n|", &why), LB_EINVAL);
	assert_non_null(strstr(why, "line break"));
	assert_int_equal(lb_src_pd_delim_check("\r", &why), LB_EINVAL);
	lb_src_opts_t o = { .fmt = LB_FMT_PASSIVEDNS, .pd_delim = "" };
	lb_src_sink_t sink = { .obs = { on_rrset, on_neg, NULL }, .aggr = on_aggr };
	lb_src_t *s = NULL;
	assert_int_equal(lb_src_new(&o, &sink, &s), LB_EINVAL);
	assert_null(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(passivedns_custom_fields),
		cmocka_unit_test(passivedns_fields_refused),
		cmocka_unit_test(passivedns_local_time),
		cmocka_unit_test(passivedns_nul_in_field),
		cmocka_unit_test(passivedns_delimiter),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
