/* test_import_zeek_baselines.c - what comparing Zeek's own dns.log
 * baselines with `lookback capture` on the traces Zeek read found
 * (tests/scenario/zeek_baselines.sh): a TXT record longer than 1 KiB, an
 * empty NOERROR row that may be a referral, the authority section as
 * policy/protocols/dns/auth-addl.zeek logs it, and the #fields lists of
 * several Zeek versions.  The rows are made up in Zeek's layout. */
#include "import_harness.h"

/* One TXT RR holding five strings of 250 bytes (1255 bytes of rdata), as
 * base/protocols/dns/main.zeek's dns_TXT_reply renders it: "TXT 250 xxx..."
 * five times, blank-separated.  It was refused (ambiguous_chain) when its
 * wire form did not fit 1 KiB (Zeek's ipv6-fragmented-dns trace: 3 KiB). */
static void zeek_txt_long(void **st)
{
	(void)st;
	static char text[8192], want[4096];
	size_t o = (size_t)snprintf(text, sizeof text,
				    ZEEK_PREAMBLE "#fields\tts\tquery\tqclass\tqtype\trcode\tAA\tRA\tanswers\tTTLs\n"
					  "1331084298.676270\tpad.example\t1\t16\t0\tT\tF\t");
	size_t w = 0;
	for (int i = 0; i < 5; i++) {
		o += (size_t)snprintf(text + o, sizeof text - o, "%sTXT 250 ", i ? " " : "");
		want[w++] = i ? ' ' : 0;
		if (!i)
			w--;
		want[w++] = '"';
		for (int k = 0; k < 250; k++) {
			text[o++] = (char)('a' + (i + k) % 26);
			want[w++] = (char)('a' + (i + k) % 26);
		}
		want[w++] = '"';
	}
	want[w] = 0;
	snprintf(text + o, sizeof text - o, "\t1.000000\n");
	assert_int_equal(imp(LB_FMT_ZEEK, text), 0);
	has("RR pad.example. TXT \"abcdefghij");
	has(want);
	has(" ttl=1 sec=0 t=1331084298 zeek\n");
	assert_int_equal(cnt.rrsets, 1);
	assert_int_equal(cnt.skip[LB_SKIP_AMBIGUOUS], 0);
	assert_int_equal(lb_src_bad_total(&cnt), 0);
}

/* NOERROR, no answers, AA and RA clear: a referral or a denial, the log
 * does not say (no authority section): nothing is imported, and the row is
 * counted as maybe_referral - it was counted as imported, silently
 * (zeek_tunnels_gre-over-udp-4754.pcap: zeek.org AAAA, the wire's
 * authority holds the SOA). */
static void zeek_referral_counted(void **st)
{
	(void)st;
	assert_int_equal(imp(LB_FMT_ZEEK, ZEEK_PREAMBLE
		"#fields\tts\tquery\tqclass\tqtype\trcode\tAA\tRA\tanswers\tTTLs\n"
		"1697536648.010442\tref.example\t1\t28\t0\tF\tF\t-\t-\n"
		"1697536648.010443\tok.example\t1\t1\t0\tF\tF\t192.0.2.1\t52.000000\n"), 0);
	hasnt("ref.example");
	has("RR ok.example. A 192.0.2.1 ttl=52 ");
	assert_int_equal(cnt.skip[LB_SKIP_REFERRAL], 1);
	assert_int_equal(cnt.records, 1);
	assert_int_equal(cnt.negatives, 0);
	assert_string_equal(lb_src_skip_name(LB_SKIP_REFERRAL), "maybe_referral");
}

/* policy/protocols/dns/auth-addl.zeek's auth column tells a NODATA from a
 * referral where AA and RA do not: an SOA's signature ("RRSIG 6 signer";
 * the SOA itself is logged as its MNAME, like an NS target) or no
 * authority record at all (RFC 2308 2.2, type 3) is a denial; NS names
 * alone are a referral (zeek_dnssec_nsec.pcap: dla.library.upenn.edu AAAA
 * answered with SOA, NSEC and their signatures, AA clear). */
static void zeek_auth_column(void **st)
{
	(void)st;
	assert_int_equal(imp(LB_FMT_ZEEK, ZEEK_PREAMBLE
		"#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\ttrans_id\trtt\t"
		"query\tqclass\tqclass_name\tqtype\tqtype_name\trcode\trcode_name\tAA\tTC\tRD\tRA\tZ\t"
		"answers\tTTLs\trejected\topcode\topcode_name\tauth\taddl\n"
		"1533310046.926356\tC1\t192.0.2.9\t5353\t192.0.2.53\t53\tudp\t130\t-\tsoa.example\t1\t"
		"C_INTERNET\t28\tAAAA\t0\tNOERROR\tF\tF\tF\tF\t1\t-\t-\tF\t0\tquery\t"
		"RRSIG 47 example,RRSIG 6 example,NSEC soa.example z.example,ns.example\t-\n"
		"1533310046.926357\tC2\t192.0.2.9\t5353\t192.0.2.53\t53\tudp\t131\t-\tnone.example\t1\t"
		"C_INTERNET\t28\tAAAA\t0\tNOERROR\tF\tF\tF\tF\t0\t-\t-\tF\t0\tquery\t-\t-\n"
		"1533310046.926358\tC3\t192.0.2.9\t5353\t192.0.2.53\t53\tudp\t132\t-\tref.example\t1\t"
		"C_INTERNET\t28\tAAAA\t0\tNOERROR\tF\tF\tF\tF\t0\t-\t-\tF\t0\tquery\t"
		"a.ns.example,b.ns.example\ta.ns.example\n"
		/* an NSEC alone is no denial: an unsigned delegation's referral has one */
		"1533310046.926359\tC4\t192.0.2.9\t5353\t192.0.2.53\t53\tudp\t133\t-\tnsec.example\t1\t"
		"C_INTERNET\t28\tAAAA\t0\tNOERROR\tF\tF\tF\tF\t0\t-\t-\tF\t0\tquery\t"
		"a.ns.example,NSEC nsec.example z.example,RRSIG 47 example\t-\n"), 0);
	has("NEG soa.example. AAAA NOERROR");
	has("NEG none.example. AAAA NOERROR");
	hasnt("ref.example");
	hasnt("NEG nsec.example");
	assert_int_equal(cnt.negatives, 2);
	assert_int_equal(cnt.skip[LB_SKIP_REFERRAL], 2);
	assert_int_equal(lb_src_bad_total(&cnt), 0);

	/* the same without a header, in the standard 28-column order */
	assert_int_equal(imp(LB_FMT_ZEEK,
		"1533310046.926356\tC1\t192.0.2.9\t5353\t192.0.2.53\t53\tudp\t130\t-\tsoa.example\t1\t"
		"C_INTERNET\t28\tAAAA\t0\tNOERROR\tF\tF\tF\tF\t1\t-\t-\tF\t0\tquery\t"
		"RRSIG 6 example,ns.example\t-\n"), 0);
	has("NEG soa.example. AAAA NOERROR");

	/* JSON leaves an unset auth out (no evidence then); its items count */
	assert_int_equal(imp(LB_FMT_ZEEK,
		"{\"ts\":1533310046.9,\"uid\":\"C1\",\"id.orig_h\":\"192.0.2.9\",\"query\":\"soa.example\","
		"\"qclass\":1,\"qtype\":28,\"rcode\":0,\"AA\":false,\"RA\":false,"
		"\"auth\":[\"ns.example\",\"RRSIG 6 example\"]}\n"
		"{\"ts\":1533310046.9,\"uid\":\"C2\",\"id.orig_h\":\"192.0.2.9\",\"query\":\"ref.example\","
		"\"qclass\":1,\"qtype\":28,\"rcode\":0,\"AA\":false,\"RA\":false}\n"), 0);
	has("NEG soa.example. AAAA NOERROR");
	hasnt("ref.example");
	assert_int_equal(cnt.skip[LB_SKIP_REFERRAL], 1);
}

/* #fields lists of Zeek's versions: Bro 2.5 (no rtt), Zeek 3 - 7.0 (no
 * opcode), 7.1 on (opcode opcode_name), with log-original-query-case.zeek's
 * original_query and auth-addl.zeek's auth addl, in any order. */
static void zeek_header_variants(void **st)
{
	(void)st;
	static const char *const fields[] = {
		"ts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\ttrans_id\tquery\tqclass\t"
		"qclass_name\tqtype\tqtype_name\trcode\trcode_name\tAA\tTC\tRD\tRA\tZ\tanswers\tTTLs\trejected",
		"ts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\ttrans_id\trtt\tquery\tqclass\t"
		"qclass_name\tqtype\tqtype_name\trcode\trcode_name\tAA\tTC\tRD\tRA\tZ\tanswers\tTTLs\trejected",
		"ts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\ttrans_id\trtt\tquery\tqclass\t"
		"qclass_name\tqtype\tqtype_name\trcode\trcode_name\tAA\tTC\tRD\tRA\tZ\tanswers\tTTLs\trejected\t"
		"opcode\topcode_name",
		"ts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\ttrans_id\trtt\tquery\tqclass\t"
		"qclass_name\tqtype\tqtype_name\trcode\trcode_name\tAA\tTC\tRD\tRA\tZ\tanswers\tTTLs\trejected\t"
		"auth\taddl",
		"ts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\ttrans_id\trtt\tquery\tqclass\t"
		"qclass_name\tqtype\tqtype_name\trcode\trcode_name\tAA\tTC\tRD\tRA\tZ\tanswers\tTTLs\trejected\t"
		"opcode\topcode_name\toriginal_query\tauth\taddl",
	};
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
		/* a row with each field of the header: its name's value */
		char text[4096];
		size_t o = (size_t)snprintf(text, sizeof text, ZEEK_PREAMBLE "#fields\t%s\n", fields[i]);
		const char *p = fields[i];
		for (bool first = true; *p; first = false) {
			size_t l = strcspn(p, "\t");
			static const struct { const char *k, *v; } val[] = {
				{ "ts", "1300475168.652003" }, { "query", "w.example" },
				{ "original_query", "W.Example" }, { "qclass", "1" }, { "qtype", "1" },
				{ "rcode", "0" }, { "AA", "F" }, { "TC", "F" }, { "RA", "T" },
				{ "answers", "c.example,192.0.2.7" }, { "TTLs", "600.000000,60.000000" },
				{ "opcode", "0" }, { "auth", "ns.example" }, { "proto", "udp" },
			};
			const char *v = "-";
			for (size_t k = 0; k < sizeof val / sizeof val[0]; k++)
				if (strlen(val[k].k) == l && !memcmp(p, val[k].k, l))
					v = val[k].v;
			o += (size_t)snprintf(text + o, sizeof text - o, "%s%s", first ? "" : "\t", v);
			p += l + (p[l] == '\t');
		}
		snprintf(text + o, sizeof text - o, "\n");
		assert_int_equal(imp(LB_FMT_AUTO, text), 0);
		has("RR w.example. CNAME c.example. ttl=600 sec=0 t=1300475168 zeek\n");
		has("RR c.example. A 192.0.2.7 ttl=60 sec=0 t=1300475168 zeek\n");
		assert_int_equal(lb_src_bad_total(&cnt), 0);
	}
}

/* The answers were seen rtt after ts (the query's time, main.zeek's
 * new_session): at the response's time, as the packet path gives them
 * (zeek_wikipedia.pcap: an rtt of 0.1 s; the ipv6-fragmented-dns trace's
 * second TXT answer came 5.08 s after its query).  No rtt: ts. */
static void zeek_rtt_time(void **st)
{
	(void)st;
	assert_int_equal(imp(LB_FMT_ZEEK, ZEEK_PREAMBLE
		"#fields\tts\trtt\tquery\tqclass\tqtype\trcode\tanswers\tTTLs\n"
		"1331084293.592245\t5.084025\ta.example\t1\t1\t0\t192.0.2.1\t60.000000\n"), 0);
	has("RR a.example. A 192.0.2.1 ttl=60 sec=0 t=1331084298 zeek\n");
	assert_int_equal((long long)last_ts.tv_sec, 1331084298);
	assert_int_equal(last_ts.tv_usec, 676270);
	assert_int_equal(imp(LB_FMT_ZEEK, ZEEK_PREAMBLE
		"#fields\tts\trtt\tquery\tqclass\tqtype\trcode\tanswers\tTTLs\n"
		"1331084293.592245\t-\ta.example\t1\t1\t0\t192.0.2.1\t60.000000\n"), 0);
	assert_int_equal(last_ts.tv_usec, 592245);
	/* the header-less standard layout (rtt before the query) and JSON */
	assert_int_equal(imp(LB_FMT_ZEEK,
		"1300475168.652003\tC1\t141.142.220.118\t35634\t208.80.152.2\t53\tudp\t38394\t0.400257\t"
		"a.example\t1\tC_INTERNET\t1\tA\t0\tNOERROR\tF\tF\tT\tT\t0\t192.0.2.1\t60.000000\tF\n"), 0);
	assert_int_equal((long long)last_ts.tv_sec, 1300475169);
	assert_int_equal(last_ts.tv_usec, 52260);
	assert_int_equal(imp(LB_FMT_ZEEK,
		"{\"ts\":1300475168.5,\"uid\":\"C1\",\"id.orig_h\":\"10.0.0.1\",\"rtt\":0.25,"
		"\"query\":\"a.example\",\"qclass\":1,\"qtype\":1,\"rcode\":0,\"answers\":[\"192.0.2.1\"],"
		"\"TTLs\":[60.0]}\n"), 0);
	assert_int_equal(last_ts.tv_usec, 750000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(zeek_txt_long),
		cmocka_unit_test(zeek_referral_counted),
		cmocka_unit_test(zeek_auth_column),
		cmocka_unit_test(zeek_header_variants),
		cmocka_unit_test(zeek_rtt_time),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
