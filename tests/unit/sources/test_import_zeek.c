/* test_import_zeek.c - Zeek dns.log TSV rows without their #fields header
 * (a piece cut from the middle of a log): read in Zeek's standard column
 * order when they are in one, refused with zeek_no_header otherwise; rows
 * of a response seen without its query (no qtype).  The other
 * header-driven tests are in test_import.c. */
#include "import_harness.h"

/* Rows as Zeek writes them (zeek_wikipedia.pcap's baseline, times put back):
 *  26 columns: ts uid id.orig_h id.orig_p id.resp_h id.resp_p proto trans_id
 *  rtt query qclass qclass_name qtype qtype_name rcode rcode_name AA TC RD RA
 *  Z answers TTLs rejected opcode opcode_name (Zeek 7.1 on); 24 without the
 *  opcode (Zeek 3 - 7.0); 23 without rtt as well (Bro 2.5 and before). */
#define R26 "1300475168.652003\tClEkJM2Vm5giqnMf4h\t141.142.220.118\t35634\t208.80.152.2\t53\tudp\t" \
	"38394\t0.000257\tupload.wikimedia.org\t1\tC_INTERNET\t1\tA\t0\tNOERROR\tF\tF\tT\tT\t0\t" \
	"upload.esams.wikimedia.org,91.198.174.234\t3600.000000,3600.000000\tF\t0\tquery\n"
#define R24 "1300475168.853899\tC4J4Th3PJpwUYZZ6gc\t141.142.220.118\t43927\t141.142.2.2\t53\tudp\t" \
	"13271\t0.000221\tbits.wikimedia.org\t1\tC_INTERNET\t28\tAAAA\t0\tNOERROR\tF\tF\tT\tT\t0\t" \
	"bits-lb.esams.wikimedia.org,2620:0:862:ed1a::a\t3600.000000,600.000000\tF\n"
#define R23 "1300475169.780331\tCtPZjS20MLrsMUOJi2\t141.142.220.118\t40526\t141.142.2.2\t53\tudp\t" \
	"5320\tnx.wikimedia.org\t1\tC_INTERNET\t1\tA\t3\tNXDOMAIN\tF\tF\tT\tT\t0\t-\t-\tF\n"

static void zeek_no_header(void **st)
{
	(void)st;
	/* each layout, with the note that says so; auto-detected too */
	for (int fmt = 0; fmt < 2; fmt++) {
		assert_int_equal(imp(fmt ? LB_FMT_ZEEK : LB_FMT_AUTO, R26 R26), 0);
		has("RR upload.wikimedia.org. CNAME upload.esams.wikimedia.org. ttl=3600 sec=0 "
		    "t=1300475168 zeek\n");
		has("RR upload.esams.wikimedia.org. A 91.198.174.234 ttl=3600 sec=0 ");
		assert_int_equal(cnt.note[LB_NOTE_ZEEK_NO_HEADER], 2);
		assert_int_equal(lb_src_bad_total(&cnt), 0);
	}
	assert_int_equal(imp(LB_FMT_AUTO, R24), 0);
	has("RR bits.wikimedia.org. CNAME bits-lb.esams.wikimedia.org. ttl=3600 ");
	has("RR bits-lb.esams.wikimedia.org. AAAA 2620:0:862:ed1a::a ttl=600 ");
	assert_int_equal(cnt.note[LB_NOTE_ZEEK_NO_HEADER], 1);
	assert_int_equal(imp(LB_FMT_AUTO, R23), 0);
	has("NEG nx.wikimedia.org. A NXDOMAIN\n");
	assert_int_equal(lb_src_bad_total(&cnt), 0);
	/* policy/protocols/dns/auth-addl.zeek's two columns after the rest (28) */
	assert_int_equal(imp(LB_FMT_ZEEK,
		"1300475168.652003\tC1\t141.142.220.118\t35634\t208.80.152.2\t53\tudp\t38394\t0.000257\t"
		"a.example\t1\tC_INTERNET\t1\tA\t0\tNOERROR\tF\tF\tT\tT\t0\t192.0.2.1\t60.000000\tF\t0\t"
		"query\t(empty)\t(empty)\n"), 0);
	has("RR a.example. A 192.0.2.1 ttl=60 ");

	/* rows in no standard order: refused, whatever they hold (the order is
	 * not guessed); a header later is used from there on */
	assert_int_equal(imp(LB_FMT_ZEEK,
		"1300000001.0\tC1\ta.example\n"
		/* 24 columns, but no transport protocol where it belongs */
		"1300475168.853899\tC4\t141.142.220.118\t43927\t141.142.2.2\t53\tbits.wikimedia.org\t"
		"13271\t0.000221\tudp\t1\tC_INTERNET\t28\tAAAA\t0\tNOERROR\tF\tF\tT\tT\t0\t::1\t60\tF\n"
		/* 26 columns with a flag out of place */
		"1300475168.652003\tC1\t141.142.220.118\t35634\t208.80.152.2\t53\tudp\t38394\t0.000257\t"
		"b.example\t1\tC_INTERNET\t1\tA\t0\tNOERROR\tF\tF\t0\tT\tT\t192.0.2.1\t60.000000\tF\t0\tquery\n"
		"#fields\tts\tuid\tquery\tqclass\tqtype\trcode\tanswers\tTTLs\n"
		"1300000001.0\tC1\tc.example\t1\t1\t0\t192.0.2.1\t1\n"), 0);
	assert_int_equal(cnt.bad[LB_BAD_NO_HEADER], 3);
	assert_int_equal(cnt.bad_line[LB_BAD_NO_HEADER][0], 1);
	assert_int_equal(cnt.note[LB_NOTE_ZEEK_NO_HEADER], 0);
	has("RR c.example. A 192.0.2.1 ttl=1 ");
	hasnt("b.example");
	/* not detected as Zeek: a 24-column tab row that is no dns.log */
	const char *l = "x\ty\tz\t1\t2\t3\tudp\t4\t5\tq\t1\tC\t1\tA\t0\tN\tF\tF\tT\tT\t0\t-\t-\tF";
	assert_int_equal(lb_src_detect(l, strlen(l)), LB_FMT_AUTO);
	l = R24;
	assert_int_equal(lb_src_detect(l, strlen(l) - 1), LB_FMT_ZEEK);
}

/* Zeek JSON's ts (a double): to the nearest microsecond - 1700000000.1 is
 * 1700000000.09999999 as a double, truncated it was .099999 */
static void zeek_json_time(void **st)
{
	(void)st;
	static const struct { const char *ts; long long sec; long usec; } c[] = {
		{ "1700000000.1", 1700000000, 100000 },
		{ "1700000000.123456", 1700000000, 123456 },
		{ "1700000000.9999996", 1700000001, 0 },
		{ "1700000000", 1700000000, 0 },
	};
	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
		char line[512];
		snprintf(line, sizeof line,
			 "{\"ts\":%s,\"uid\":\"C1\",\"id.orig_h\":\"10.0.0.1\",\"id.orig_p\":5353,"
			 "\"id.resp_h\":\"10.0.0.53\",\"id.resp_p\":53,\"proto\":\"udp\",\"query\":"
			 "\"a.example.com\",\"qclass\":1,\"qtype\":1,\"rcode\":0,\"answers\":"
			 "[\"192.0.2.1\"],\"TTLs\":[60.0]}\n", c[i].ts);
		assert_int_equal(imp(LB_FMT_ZEEK, line), 0);
		has("RR a.example.com. A 192.0.2.1 ttl=60 ");
		assert_int_equal((long long)last_ts.tv_sec, c[i].sec);
		assert_int_equal(last_ts.tv_usec, c[i].usec);
	}
	/* ports that are no numbers (a pipeline that wrote them as strings)
	 * are unknown: the row, which has its qtype, is read all the same */
	assert_int_equal(imp(LB_FMT_ZEEK,
		"{\"ts\":1700000000,\"uid\":\"C1\",\"id.orig_p\":\"5353\",\"id.resp_p\":\"53\","
		"\"query\":\"p.example.com\",\"qclass\":1,\"qtype\":1,\"rcode\":0,\"answers\":"
		"[\"192.0.2.9\"],\"TTLs\":[60.0]}\n"), 0);
	has("RR p.example.com. A 192.0.2.9 ttl=60 ");
	assert_int_equal(lb_src_bad_total(&cnt), 0);
	assert_int_equal(imp(LB_FMT_ZEEK, ZEEK_PREAMBLE
		"#fields\tts\tuid\tid.orig_p\tid.resp_p\tquery\tqclass\tqtype\trcode\tanswers\tTTLs\n"
		"1700000000.0\tC1\tx\t99999\tq.example.com\t1\t1\t0\t192.0.2.10\t60\n"), 0);
	has("RR q.example.com. A 192.0.2.10 ttl=60 ");
	assert_int_equal(lb_src_bad_total(&cnt), 0);
}

/* A response seen without its query: no qtype, the query column the first
 * answer's owner (main.zeek DNS::do_reply).  Answers that are all
 * addresses, TXT or SPF (no name among them: no CNAME, so no chain) are
 * all at that name (RFC 1034 4.3.2), one RRset per type - Zeek's dns53 and
 * dns-spf baselines; before, every such row was ambiguous_chain.  Still
 * ambiguous: a name among the answers (a CNAME target, or an ANY answer's
 * NS/MX data: the log does not say), differing TTLs within a type (RFC
 * 2181 5.2), mDNS (port 5353), an rcode other than NOERROR, no ports. */
#define UNASKED ZEEK_PREAMBLE "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\t" \
	"proto\ttrans_id\trtt\tquery\tqclass\tqclass_name\tqtype\tqtype_name\trcode\trcode_name\t" \
	"AA\tTC\tRD\tRA\tZ\tanswers\tTTLs\trejected\n"
#define ROW(ports, q, rc, ans, ttls) "1300000001.000000\tC1\t10.0.0.1\t" ports "\tudp\t7\t-\t" \
	q "\t-\t-\t-\t-\t" rc "\tF\tF\tF\tT\t0\t" ans "\t" ttls "\tF\n"
#define P53 "53\t10.0.0.53\t53"
#define PCLI "40000\t10.0.0.53\t53"

static void zeek_response_without_query(void **st)
{
	(void)st;
	assert_int_equal(imp(LB_FMT_ZEEK, UNASKED
		ROW(P53, "us.v27.example", "0\tNOERROR", "192.0.2.1,192.0.2.2,RRSIG 1 v27.example",
		    "900.000000,900.000000,900.000000")
		ROW(PCLI, "mail.example", "0\tNOERROR", "SPF 11 v=spf1 -all,SPF 6 v=spf1",
		    "300.000000,300.000000")
		ROW(PCLI, "any.example", "0\tNOERROR", "192.0.2.3,2001:db8::3,TXT 2 hi",
		    "60.000000,70.000000,80.000000")
		/* ambiguous: a name (CNAME or an ANY answer's NS?) */
		ROW(PCLI, "c.example", "0\tNOERROR", "d.example,192.0.2.4", "60.000000,60.000000")
		/* ambiguous: one type's TTLs differ */
		ROW(PCLI, "t.example", "0\tNOERROR", "192.0.2.5,192.0.2.6", "60.000000,61.000000")
		/* ambiguous: mDNS, either side */
		"1300000001.000000\tC2\t10.0.0.9\t5353\t224.0.0.251\t5353\tudp\t0\t-\thost.local\t"
		"-\t-\t-\t-\t0\tNOERROR\tT\tF\tF\tF\t0\t192.0.2.7,192.0.2.8\t120.000000,120.000000\tF\n"
		ROW("5353\t10.0.0.53\t40000", "m.local", "0\tNOERROR", "192.0.2.9", "120.000000")
		/* ambiguous: NXDOMAIN with answers */
		ROW(PCLI, "nx.example", "3\tNXDOMAIN", "192.0.2.10", "60.000000")
		/* unreadable rendering */
		ROW(PCLI, "u.example", "0\tNOERROR", "<unknown type=39>", "60.000000")), 0);
	has("RR us.v27.example. A 192.0.2.1;192.0.2.2 ttl=900 sec=0 t=1300000001 zeek\n");
	has("RR mail.example. SPF \"v=spf1\";\"v=spf1 -all\" ttl=300 sec=0 ");
	has("RR any.example. A 192.0.2.3 ttl=60 ");
	has("RR any.example. AAAA 2001:db8::3 ttl=70 ");
	has("RR any.example. TXT \"hi\" ttl=80 ");
	hasnt("c.example");
	hasnt("d.example");
	hasnt("t.example");
	hasnt("local");
	hasnt("nx.example");
	hasnt("NEG");
	assert_int_equal(cnt.records, 3);
	assert_int_equal(cnt.skip[LB_SKIP_AMBIGUOUS], 6);
	assert_int_equal(lb_src_bad_total(&cnt), 0);

	/* JSON: the same, ports as Zeek's writer names them; without ports
	 * (a cut-down #fields or JSON object) mDNS cannot be ruled out */
	assert_int_equal(imp(LB_FMT_ZEEK,
		"{\"ts\":1300000001.0,\"uid\":\"C1\",\"id.orig_h\":\"10.0.0.53\",\"id.orig_p\":53,"
		"\"id.resp_h\":\"10.0.0.1\",\"id.resp_p\":40000,\"proto\":\"udp\",\"query\":\"j.example\","
		"\"rcode\":0,\"rcode_name\":\"NOERROR\",\"answers\":[\"192.0.2.11\"],\"TTLs\":[30.0]}\n"
		"{\"ts\":1300000001.0,\"uid\":\"C1\",\"query\":\"k.example\",\"rcode\":0,"
		"\"answers\":[\"192.0.2.12\"],\"TTLs\":[30.0]}\n"), 0);
	has("RR j.example. A 192.0.2.11 ttl=30 ");
	hasnt("k.example");
	assert_int_equal(cnt.skip[LB_SKIP_AMBIGUOUS], 1);
	assert_int_equal(imp(LB_FMT_ZEEK, ZEEK_PREAMBLE
		"#fields\tts\tuid\tquery\tqclass\tqtype\trcode\tanswers\tTTLs\n"
		"1300000001.0\tC1\tk.example\t-\t-\t0\t192.0.2.12\t1\n"), 0);
	hasnt("k.example");
	assert_int_equal(cnt.skip[LB_SKIP_AMBIGUOUS], 1);
}

/* Referral or NODATA, AA and RA clear and no auth column: the rejected
 * flag tells one case - main.zeek's dns_rejected sets it for a response
 * whose answer, authority and additional sections are all empty (no NS:
 * no referral; NODATA type 3, RFC 2308 2.2, as the packet path reads it).
 * Before, such a row was maybe_referral.  Not set (an authority or
 * additional record, an OPT included): still no evidence either way. */
static void zeek_rejected_nodata(void **st)
{
	(void)st;
	assert_int_equal(imp(LB_FMT_ZEEK, ZEEK_PREAMBLE
		"#fields\tts\tquery\tqtype\trcode\tAA\tRA\tanswers\tTTLs\trejected\n"
		"1300000001.0\tempty.example\t28\t0\tF\tF\t-\t-\tT\n"
		"1300000002.0\tref.example\t28\t0\tF\tF\t-\t-\tF\n"
		"1300000003.0\tunset.example\t28\t0\tF\tF\t-\t-\t-\n"), 0);
	has("NEG empty.example. AAAA NOERROR\n");
	hasnt("ref.example");
	hasnt("unset.example");
	assert_int_equal(cnt.skip[LB_SKIP_REFERRAL], 2);
	/* JSON, and the header-less standard layout (rejected after TTLs) */
	assert_int_equal(imp(LB_FMT_ZEEK,
		"{\"ts\":1300000001.0,\"uid\":\"C1\",\"query\":\"j.example\",\"qtype\":1,\"rcode\":0,"
		"\"AA\":false,\"RA\":false,\"rejected\":true}\n"
		"1300475168.652003\tC1\t10.0.0.1\t35634\t10.0.0.53\t53\tudp\t38394\t0.000257\t"
		"p.example\t1\tC_INTERNET\t1\tA\t0\tNOERROR\tF\tF\tT\tF\t0\t-\t-\tT\n"), 0);
	has("NEG j.example. A NOERROR\n");
	has("NEG p.example. A NOERROR\n");
	assert_int_equal(lb_src_bad_total(&cnt), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(zeek_no_header),
		cmocka_unit_test(zeek_json_time),
		cmocka_unit_test(zeek_response_without_query),
		cmocka_unit_test(zeek_rejected_nodata),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
