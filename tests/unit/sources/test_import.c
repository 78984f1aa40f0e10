/* test_import.c - the log and feed importers on samples written here: Zeek
 * TSV/JSON (chain split, ambiguous chains, lossy types, escapes), Suricata EVE
 * v1/v2/v3, Route 53, passivedns, COF/SAF, detection, bad-line accounting.
 * Zone files: test_import_zone.c. */
#include "import_harness.h"

/* ---- Zeek ---- */

#define ZHDR ZEEK_PREAMBLE "#fields\tts\tuid\tquery\tqclass\tqtype\trcode\tanswers\tTTLs\n" \
	"#types\ttime\tstring\tstring\tcount\tcount\tcount\tvector[string]\tvector[interval]\n"

/* Zeek rows with the header flags (AA TC RD RA), no uid or qclass */
#define ZHDR_FLAGS ZEEK_PREAMBLE "#fields\tts\tquery\tqtype\trcode\tAA\tTC\tRD\tRA\tanswers\tTTLs\n"

static void zeek_chain_split(void **st)
{
	(void)st;
	assert_int_equal(imp(LB_FMT_ZEEK, ZHDR
		/* A with addresses only: an A rrset at the qname */
		"1300000001.5\tC1\ta.example\t1\t1\t0\t192.0.2.2,192.0.2.1\t60.0,30.0\n"
		/* chain: www -> b -> c, addresses belong to c */
		"1300000002.0\tC2\twww.example\t1\t1\t0\tb.example,c.example,192.0.2.9\t10.0,20.0,30.0\n"
		/* RRSIG items are ignored without breaking the chain */
		"1300000003.0\tC3\tq.example\t1\t1\t0\tr.example,RRSIG 5 example,192.0.2.7,RRSIG 1 example\t1,2,3,4\n"
		/* AAAA answered only with CNAMEs: the chain, and NODATA for its last
		 * name (RFC 6604 2.1: v6.example exists, it has the CNAME) */
		"1300000004.0\tC4\tv6.example\t1\t28\t0\tw.example\t5.0\n"), 0);
	has("RR a.example. A 192.0.2.1;192.0.2.2 ttl=30 sec=0 t=1300000001 zeek\n");
	has("RR www.example. CNAME b.example. ttl=10");
	has("RR b.example. CNAME c.example. ttl=20");
	has("RR c.example. A 192.0.2.9 ttl=30");
	hasnt("RR www.example. A");
	has("RR q.example. CNAME r.example.");
	has("RR r.example. A 192.0.2.7");
	has("RR v6.example. CNAME w.example.");
	has("NEG w.example. AAAA NOERROR");
	hasnt("NEG v6.example.");
	assert_int_equal(cnt.records, 4);
	assert_int_equal(cnt.rrsets, 7);
	assert_int_equal(lb_src_bad_total(&cnt), 0);
}

static void zeek_ambiguous_lossy_and_skips(void **st)
{
	(void)st;
	assert_int_equal(imp(LB_FMT_ZEEK, ZHDR
		/* address before a name: no honest split */
		"1300000001.0\tC1\ta.example\t1\t1\t0\t192.0.2.1,b.example\t1,1\n"
		/* wrong family for the question */
		"1300000001.0\tC1\ta.example\t1\t1\t0\t2001:db8::1\t1\n"
		/* something unreadable in the middle */
		"1300000001.0\tC1\ta.example\t1\t1\t0\tb.example,DNSKEY 5,192.0.2.1\t1,1,1\n"
		/* a loop */
		"1300000001.0\tC1\ta.example\t1\t1\t0\tb.example,a.example,192.0.2.1\t1,1,1\n"
		/* MX: Zeek drops the preference */
		"1300000001.0\tC1\tm.example\t1\t15\t0\tmx.example\t1\n"
		/* query without response; class CH; no qtype */
		"1300000001.0\tC1\tq.example\t1\t1\t-\t-\t-\n"
		"1300000001.0\tC1\tq.example\t3\t16\t0\t(empty)\t-\n"
		"1300000001.0\tC1\tq.example\t-\t-\t0\tx.example\t1\n"
		/* PTR answered with a reverse name first (RFC 2317): ambiguous */
		"1300000001.0\tC1\t5.2.0.192.in-addr.arpa\t1\t12\t0\t5.0-25.2.0.192.in-addr.arpa,h.example\t1,1\n"
		/* PTR with plain names: the rrset */
		"1300000001.0\tC1\t6.2.0.192.in-addr.arpa\t1\t12\t0\th.example\t1\n"), 0);
	assert_int_equal(cnt.skip[LB_SKIP_AMBIGUOUS], 6);
	assert_int_equal(cnt.skip[LB_SKIP_LOSSY], 1);
	assert_int_equal(cnt.skip[LB_SKIP_QUERY], 1);
	assert_int_equal(cnt.skip[LB_SKIP_CLASS], 1);
	assert_int_equal(cnt.rrsets, 1);
	has("RR 6.2.0.192.in-addr.arpa. PTR h.example.");
}

static void zeek_txt_escapes_negatives(void **st)
{
	(void)st;
	assert_int_equal(imp(LB_FMT_ZEEK, ZHDR
		/* one TXT RR of two strings, with an escaped set separator inside */
		"1300000001.0\tC1\tt.example\t1\t16\t0\tTXT 5 a\\x2cb c TXT 2 hi\t60\n"
		"1300000002.0\tC1\tnx.example\t1\t1\t3\t-\t-\n"
		"1300000003.0\tC1\tsf.example\t1\t1\t2\t-\t-\n"
		"1300000004.0\tC1\tnd.example\t1\t1\t0\t-\t-\n"
		"1300000005.0\tC1\tfe.example\t1\t1\t1\t-\t-\n"), 0);
	has("RR t.example. TXT \"a,b c\" \"hi\"");
	has("NEG nx.example. A NXDOMAIN");
	has("NEG sf.example. A SERVFAIL");
	has("NEG nd.example. A NOERROR");
	assert_int_equal(cnt.negatives, 3);
	assert_int_equal(cnt.skip[LB_SKIP_RCODE], 1);
}

/* Without the authority section, Zeek's AA and RA flags tell a NODATA from a
 * referral (AA and RA clear) and from an authoritative CNAME out of its zone. */
static void zeek_nodata_flags(void **st)
{
	(void)st;
	assert_int_equal(imp(LB_FMT_ZEEK,
		"#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n"
		"#path\tdns\n#fields\tts\tquery\tqtype\trcode\tAA\tRA\tanswers\tTTLs\n"
		"1300000001.0\tref.example\t1\t0\tF\tF\t-\t-\n"          /* a referral */
		"1300000002.0\tauth.example\t1\t0\tT\tF\t-\t-\n"         /* authoritative NODATA */
		"1300000003.0\tout.example\t1\t0\tT\tF\tcdn.net\t60\n"   /* CNAME out of the zone */
		"1300000004.0\trec.example\t1\t0\tF\tT\t-\t-\n"          /* recursive NODATA */
		"1300000005.0\trecc.example\t1\t0\tF\tT\tend.net\t60\n"  /* ... at a chain's end */
		"1300000006.0\tunk.example\t1\t0\t-\t-\t-\t-\n"),       /* flags unset */
		0);
	hasnt("NEG ref.example.");
	has("NEG auth.example. A NOERROR");
	hasnt("NEG out.example.");
	has("RR out.example. CNAME cdn.net.");
	has("NEG rec.example. A NOERROR");
	has("NEG end.net. A NOERROR"); /* of the chain's last name */
	has("NEG unk.example. A NOERROR");
	assert_int_equal(cnt.negatives, 4);
	assert_int_equal(lb_src_bad_total(&cnt), 0);
}

/* What Zeek writes for names and strings it must escape: the root name is
 * the empty string ("(empty)"; it was stored as an owner named "(empty)"), a
 * backslash is written twice, a blank as \x20; JSON::TS_MILLIS times. */
static void zeek_root_and_escapes(void **st)
{
	(void)st;
	assert_int_equal(imp(LB_FMT_ZEEK, ZHDR
		/* a priming query: . NS */
		"1300000001.0\tC1\t(empty)\t1\t2\t0\ta.root-servers.net,b.root-servers.net\t518400.000000,518400.000000\n"
		/* a TXT string holding a backslash: "TXT 3 a\b", logged as a\\b */
		"1300000002.0\tC2\tt.example\t1\t16\t0\tTXT 3 a\\\\b\t60.000000\n"
		/* a label holding a blank and a backslash */
		"1300000003.0\tC3\ta\\x20b\\\\c.example\t1\t1\t0\t192.0.2.1\t60.000000\n"
		"1300000004.0\tC4\t\\x2d\t1\t1\t3\t-\t-\n"), 0);
	has("RR . NS a.root-servers.net.;b.root-servers.net. ttl=518400 sec=0 t=1300000001 zeek\n");
	has("RR t.example. TXT \"a\\\\b\" ttl=60 sec=0 t=1300000002 zeek\n");
	has("RR a\\032b\\\\c.example. A 192.0.2.1 ttl=60");
	has("NEG -. A NXDOMAIN");
	hasnt("empty");
	assert_int_equal(lb_src_bad_total(&cnt), 0);
	assert_int_equal(cnt.skip[LB_SKIP_AMBIGUOUS], 0);
	assert_int_equal(imp(LB_FMT_AUTO,
		"{\"ts\":1300000001250,\"uid\":\"C1\",\"query\":\"\",\"qclass\":1,\"qtype\":2,\"rcode\":0,"
		"\"answers\":[\"a.root-servers.net\"],\"TTLs\":[518400.0]}\n"
		"{\"ts\":1300000002.5,\"uid\":\"C2\",\"query\":\"a b.example\",\"qtype\":1,\"rcode\":3}\n"), 0);
	has("RR . NS a.root-servers.net. ttl=518400 sec=0 t=1300000001 zeek\n");
	has("NEG a\\032b.example. A NXDOMAIN");
	assert_int_equal(lb_src_bad_total(&cnt), 0);
	/* LogAscii::json_include_unset_fields: unset fields written as null
	 * (every row without answers was bad_fields) */
	assert_int_equal(imp(LB_FMT_ZEEK,
		"{\"ts\":1300000001.25,\"uid\":\"C1\",\"query\":\"nx.example\",\"qclass\":1,\"qtype\":1,"
		"\"rcode\":3,\"AA\":false,\"TC\":false,\"RA\":true,\"answers\":null,\"TTLs\":null}\n"
		"{\"ts\":1300000001.5,\"uid\":\"C2\",\"query\":\"q.example\",\"qclass\":1,\"qtype\":1,"
		"\"rcode\":null,\"AA\":null,\"TC\":null,\"RA\":null,\"answers\":null,\"TTLs\":null}\n"), 0);
	has("NEG nx.example. A NXDOMAIN");
	assert_int_equal(cnt.skip[LB_SKIP_QUERY], 1);
	assert_int_equal(lb_src_bad_total(&cnt), 0);
	/* bytes that are not UTF-8 (a tunnel's labels, binary TXT) are written
	 * "\xHH" in JSON logs; "\x41" of printable text stays text */
	assert_int_equal(imp(LB_FMT_ZEEK,
		"{\"ts\":1300000001.0,\"query\":\"a\\\\xffb.tun.example\",\"qtype\":16,\"rcode\":0,"
		"\"answers\":[\"TXT 3 \\\\xfe\\\\x01z\",\"TXT 6 a\\\\x41b\"],\"TTLs\":[0.0,0.0]}\n"), 0);
	has("RR a\\255b.tun.example. TXT \"\\254\\001z\";\"a\\\\x41b\" ttl=0");
	assert_int_equal(cnt.skip[LB_SKIP_AMBIGUOUS], 0);
}

/* A truncated response (TC) may have lost answers, and one without any is
 * no denial: a UDP answer telling the client to retry over TCP was stored as
 * NODATA. */
/* Zeek logs a name answer as label bytes: an mDNS service instance's PTR
 * ("My Mac._hap._tcp.local") was ambiguous_chain for its blank, and is a
 * name; Zeek's other renderings in such a list stay unknown. */
static void zeek_label_names(void **st)
{
	(void)st;
	assert_int_equal(imp(LB_FMT_ZEEK,
		ZHDR_FLAGS
		"1300000001.0\t_hap._tcp.local\t12\t0\tT\tF\tF\tF\tMy Mac._hap._tcp.local,a\\\\b.local\t4500.0,120.0\n"
		"1300000002.0\t_x._tcp.local\t12\t0\tT\tF\tF\tF\t<unknown type=65>\t10.0\n"
		"1300000003.0\t_y._tcp.local\t12\t0\tT\tF\tF\tF\tDNSKEY 8\t10.0\n"
		"1300000004.0\tw.example\t1\t0\tF\tF\tT\tT\tx y.example,192.0.2.1\t60.0,60.0\n"
		/* later Zeek's NAPTR rendering (dns_NAPTR_reply): no name either */
		"1300000005.0\t_z._tcp.local\t12\t0\tT\tF\tF\tF\tNAPTR 100 10 S SIP+D2U  _sip._udp.example\t10.0\n"), 0);
	has("RR _hap._tcp.local. PTR a\\\\b.local.;my\\032mac._hap._tcp.local. ttl=120");
	hasnt("_x._tcp");
	hasnt("_y._tcp");
	hasnt("_z._tcp");
	hasnt("w.example");
	assert_int_equal(cnt.skip[LB_SKIP_AMBIGUOUS], 4);
	assert_int_equal(lb_src_bad_total(&cnt), 0);
}

static void zeek_truncated(void **st)
{
	(void)st;
	assert_int_equal(imp(LB_FMT_ZEEK,
		ZHDR_FLAGS
		"1300000001.0\tbig.example\t16\t0\tF\tT\tT\tT\t-\t-\n"
		"1300000002.0\tbig2.example\t1\t0\tF\tT\tT\tT\t192.0.2.1,192.0.2.2\t60.0,60.0\n"
		"1300000003.0\tnx.example\t1\t3\tF\tT\tT\tT\t-\t-\n"
		"1300000004.0\tok.example\t1\t0\tF\tF\tT\tT\t-\t-\n"), 0);
	hasnt("big.example");
	hasnt("big2.example");
	has("NEG nx.example. A NXDOMAIN");
	has("NEG ok.example. A NOERROR");
	assert_int_equal(cnt.negatives, 2);
	assert_int_equal(cnt.skip[LB_SKIP_LOSSY], 2);
	assert_int_equal(imp(LB_FMT_ZEEK,
		"{\"ts\":1300000001.0,\"query\":\"big.example\",\"qtype\":16,\"rcode\":0,\"AA\":false,"
		"\"TC\":true,\"RA\":true}\n"), 0);
	hasnt("NEG");
	assert_int_equal(cnt.skip[LB_SKIP_LOSSY], 1);
}

/* Regression: a refused zone transfer (AXFR, IXFR, any meta QTYPE) in a log
 * became a negative answer "example. AXFR REFUSED", which the packet path
 * (observe/obs.c) does not make: a transfer policy, not a denial. */
static void meta_qtype_no_negative(void **st)
{
	(void)st;
	assert_int_equal(imp(LB_FMT_ZEEK,
		ZHDR_FLAGS
		"1300000001.0\texample.org\t252\t5\tF\tF\tF\tF\t-\t-\n"
		"1300000002.0\texample.org\t251\t9\tF\tF\tF\tF\t-\t-\n"
		"1300000003.0\tnx.example.org\t255\t3\tF\tF\tT\tT\t-\t-\n"
		"1300000004.0\tfail.example.org\t1\t2\tF\tF\tT\tT\t-\t-\n"), 0);
	hasnt("AXFR");
	hasnt("IXFR");
	has("NEG nx.example.org. ANY NXDOMAIN");
	has("NEG fail.example.org. A SERVFAIL");
	assert_int_equal(cnt.negatives, 2);
	assert_int_equal(imp(LB_FMT_SURICATA,
		"{\"timestamp\":\"2023-01-01T00:00:00.000000+0000\",\"event_type\":\"dns\",\"dns\":"
		"{\"version\":2,\"type\":\"answer\",\"id\":1,\"flags\":\"8005\",\"qr\":true,"
		"\"rrname\":\"example.org\",\"rrtype\":\"AXFR\",\"rcode\":\"REFUSED\"}}\n"), 0);
	hasnt("NEG");
	assert_int_equal(cnt.negatives, 0);
}

/* A NOTIFY or UPDATE response (opcode 4, 5) answers no query: its NOERROR
 * without answers gave a NODATA of the zone's SOA, an UPDATE's records
 * (its prerequisites and changes) were stored as data.  The packet path
 * passes such messages over; so do the logs that give the opcode (Zeek 7.1
 * on, by name or in the 28 standard columns; Suricata's "opcode" or the
 * bits of "flags", v1 events too). */
static void opcode_not_query(void **st)
{
	(void)st;
	assert_int_equal(imp(LB_FMT_ZEEK,
		"#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n"
		"#path\tdns\n#fields\tts\tquery\tqtype\trcode\tAA\tTC\tRD\tRA\tanswers\tTTLs\topcode\n"
		"1300000001.0\tnotify.example\t6\t0\tT\tF\tF\tF\t-\t-\t4\n"
		"1300000002.0\tgone.example\t6\t3\tT\tF\tF\tF\t-\t-\t4\n"
		"1300000003.0\tq.example\t1\t0\tF\tF\tT\tT\t192.0.2.7\t60.0\t0\n"), 0);
	hasnt("notify.example");
	hasnt("gone.example");
	has("RR q.example. A 192.0.2.7 ttl=60");
	assert_int_equal(cnt.skip[LB_SKIP_NOT_DNS], 2);
	/* the standard columns, 28 with opcode and auth addl, and JSON */
	assert_int_equal(imp(LB_FMT_ZEEK,
		"1300000004.0\tC1\t192.0.2.1\t5000\t192.0.2.2\t53\tudp\t1\t0.001\tup.example\t1\t"
		"C_INTERNET\t6\tSOA\t0\tNOERROR\tT\tF\tF\tF\t0\t-\t-\tF\t5\tdynamic-update\t-\t-\n"), 0);
	hasnt("up.example");
	assert_int_equal(cnt.skip[LB_SKIP_NOT_DNS], 1);
	assert_int_equal(imp(LB_FMT_ZEEK,
		"{\"ts\":1300000005.0,\"query\":\"j.example\",\"qtype\":6,\"rcode\":0,\"AA\":true,"
		"\"RA\":false,\"opcode\":4}\n"), 0);
	hasnt("j.example");
	assert_int_equal(cnt.skip[LB_SKIP_NOT_DNS], 1);
	assert_int_equal(imp(LB_FMT_SURICATA,
		/* flags a400: QR, opcode 4, AA */
		"{\"timestamp\":\"2024-01-01T00:00:01Z\",\"event_type\":\"dns\",\"dns\":{\"version\":2,"
		"\"type\":\"answer\",\"id\":1,\"flags\":\"a400\",\"qr\":true,\"aa\":true,"
		"\"rrname\":\"n1.example\",\"rrtype\":\"SOA\",\"rcode\":\"NOERROR\"}}\n"
		"{\"timestamp\":\"2024-01-01T00:00:02Z\",\"event_type\":\"dns\",\"dns\":{\"version\":3,"
		"\"type\":\"response\",\"id\":1,\"flags\":\"a800\",\"opcode\":5,\"rcode\":\"NOERROR\","
		"\"queries\":[{\"rrname\":\"n2.example\",\"rrtype\":\"SOA\"}],\"authorities\":[{\"rrname\":"
		"\"x.n2.example\",\"rrtype\":\"A\",\"ttl\":0,\"rdata\":\"192.0.2.9\"}]}}\n"
		/* v1: a held response, then a NOTIFY's answer event parts it */
		"{\"timestamp\":\"2024-01-01T00:00:03Z\",\"flow_id\":7,\"event_type\":\"dns\",\"dns\":{"
		"\"type\":\"answer\",\"id\":2,\"flags\":\"8180\",\"rcode\":\"NOERROR\",\"rrname\":"
		"\"v.example\",\"rrtype\":\"A\",\"ttl\":5,\"rdata\":\"192.0.2.5\"}}\n"
		"{\"timestamp\":\"2024-01-01T00:00:03Z\",\"flow_id\":7,\"event_type\":\"dns\",\"dns\":{"
		"\"type\":\"answer\",\"id\":2,\"flags\":\"a400\",\"rcode\":\"NOERROR\",\"rrname\":"
		"\"n3.example\",\"rrtype\":\"SOA\",\"ttl\":5,\"soa\":{\"mname\":\"a.n3.example\","
		"\"rname\":\"b.n3.example\",\"serial\":1,\"refresh\":1,\"retry\":1,\"expire\":1,"
		"\"minimum\":1}}}\n"), 0);
	hasnt("n1.example");
	hasnt("n2.example");
	hasnt("n3.example");
	has("RR v.example. A 192.0.2.5 ttl=5");
	assert_int_equal(cnt.skip[LB_SKIP_NOT_DNS], 3);
	assert_int_equal(lb_src_bad_total(&cnt), 0);
}

static void zeek_bad_lines(void **st)
{
	(void)st;
	assert_int_equal(imp(LB_FMT_ZEEK, ZHDR
		"XXXXXXXXXX.XXXXXX\tC1\ta.example\t1\t1\t0\t192.0.2.1\t1\n"
		"1300000001.0\tC1\ta.example\t1\n"
		"1300000001.0\tC1\ta..example\t1\t1\t0\t192.0.2.1\t1\n"
		"1300000001.0\tC1\ta.example\t1\t1\t0\t192.0.2.1\t1\n"), 0);
	assert_int_equal(cnt.bad[LB_BAD_TIME], 1);
	assert_int_equal(cnt.bad_line[LB_BAD_TIME][0], 8);
	assert_int_equal(cnt.bad[LB_BAD_FIELDS], 1);
	assert_int_equal(cnt.bad_line[LB_BAD_FIELDS][0], 9);
	assert_int_equal(cnt.bad[LB_BAD_NAME], 1);
	assert_int_equal(cnt.records, 1);
	/* data before any #fields header, in no standard dns.log order */
	assert_int_equal(imp(LB_FMT_ZEEK, "1300000001.0\tC1\ta.example\n"), 0);
	assert_int_equal(cnt.bad[LB_BAD_NO_HEADER], 1);
	/* strict: stops at the first, what came before is kept */
	lb_src_opts_t o = { .fmt = LB_FMT_ZEEK, .strict = true };
	assert_int_equal(imp_opts(&o, ZHDR
		"1300000001.0\tC1\ta.example\t1\t1\t0\t192.0.2.1\t1\n"
		"bad\n"
		"1300000001.0\tC1\tb.example\t1\t1\t0\t192.0.2.1\t1\n"), LB_ETEXT);
	has("RR a.example. A");
	hasnt("b.example");
}

static void zeek_json(void **st)
{
	(void)st;
	assert_int_equal(imp(LB_FMT_AUTO,
		"{\"ts\":1300000001.25,\"uid\":\"C1\",\"id.orig_h\":\"10.0.0.1\",\"query\":\"www.example\","
		"\"qclass\":1,\"qtype\":1,\"qtype_name\":\"A\",\"rcode\":0,\"answers\":[\"c.example\","
		"\"192.0.2.1\"],\"TTLs\":[100.0,200.0]}\n"
		"{\"ts\":\"2011-03-13T07:06:41.5Z\",\"uid\":\"C2\",\"query\":\"nx.example\",\"qtype\":28,"
		"\"rcode\":3}\n"), 0);
	has("RR www.example. CNAME c.example. ttl=100 sec=0 t=1300000001 zeek");
	has("RR c.example. A 192.0.2.1 ttl=200");
	has("NEG nx.example. AAAA NXDOMAIN");
	hasnt("10.0.0.1");
}

/* ---- Suricata ---- */

#define EVE_TS "{\"timestamp\":\"2017-09-19T07:53:01.418416+0000\",\"event_type\":\"dns\","

static void suricata_v2_v3(void **st)
{
	(void)st;
	assert_int_equal(imp(LB_FMT_SURICATA,
		EVE_TS "\"dns\":{\"version\":2,\"type\":\"answer\",\"rrname\":\"www.s.org\",\"rrtype\":\"A\","
		"\"rcode\":\"NOERROR\",\"answers\":[{\"rrname\":\"www.s.org\",\"rrtype\":\"CNAME\",\"ttl\":3544,"
		"\"rdata\":\"s.org\"},{\"rrname\":\"s.org\",\"rrtype\":\"A\",\"ttl\":244,\"rdata\":\"192.0.78.25\"},"
		"{\"rrname\":\"s.org\",\"rrtype\":\"A\",\"ttl\":240,\"rdata\":\"192.0.78.24\"}],"
		"\"grouped\":{\"A\":[\"192.0.78.24\",\"192.0.78.25\"],\"CNAME\":[\"s.org\"]}}}\n"
		/* grouped only: the chain split */
		EVE_TS "\"dns\":{\"version\":2,\"type\":\"answer\",\"rrname\":\"g.s.org\",\"rrtype\":\"AAAA\","
		"\"rcode\":\"NOERROR\",\"grouped\":{\"AAAA\":[\"2001:db8::1\"],\"CNAME\":[\"h.s.org\"]}}}\n"
		/* v3 NXDOMAIN with an SOA in authorities */
		"{\"timestamp\":\"2025-01-29T07:53:01Z\",\"event_type\":\"dns\",\"dns\":{\"version\":3,"
		"\"type\":\"response\",\"rcode\":\"NXDOMAIN\",\"queries\":[{\"rrname\":\"nx.oisf.net\","
		"\"rrtype\":\"A\"}],\"authorities\":[{\"rrname\":\"oisf.net\",\"rrtype\":\"SOA\",\"ttl\":899,"
		"\"soa\":{\"mname\":\"ns-110.awsdns-13.com\",\"rname\":\"awsdns-hostmaster.amazon.com\","
		"\"serial\":1,\"refresh\":7200,\"retry\":900,\"expire\":1209600,\"minimum\":86400}}]}}\n"
		/* v3 SSHFP, SRV and TXT; MX without preference is lossy */
		"{\"timestamp\":\"2025-01-29T07:53:02Z\",\"event_type\":\"dns\",\"dns\":{\"version\":3,"
		"\"type\":\"response\",\"rcode\":\"NOERROR\",\"queries\":[{\"rrname\":\"x.org\",\"rrtype\":\"ANY\"}],"
		"\"answers\":[{\"rrname\":\"x.org\",\"rrtype\":\"SSHFP\",\"ttl\":1,\"sshfp\":{\"algo\":1,\"type\":1,"
		"\"fingerprint\":\"19:8c:34\"}},{\"rrname\":\"_s._tcp.x.org\",\"rrtype\":\"SRV\",\"ttl\":1,"
		"\"srv\":{\"priority\":1,\"weight\":2,\"port\":3,\"name\":\"t.x.org\"}},{\"rrname\":\"x.org\","
		"\"rrtype\":\"TXT\",\"ttl\":1,\"rdata\":\"v=spf1 \\\"q\\\"\"},{\"rrname\":\"x.org\",\"rrtype\":\"MX\","
		"\"ttl\":1,\"rdata\":\"mx.x.org\"}]}}\n"
		/* a TXT owner with two answers: Suricata writes one per character-string
		 * of a record ("a" "" here, dns_bug-1158), so the set cannot be told
		 * from two records: lossy, not stored (it was, as two records) */
		"{\"timestamp\":\"2025-01-29T07:53:02Z\",\"event_type\":\"dns\",\"dns\":{\"version\":3,"
		"\"type\":\"response\",\"rcode\":\"NOERROR\",\"queries\":[{\"rrname\":\"t2.x.org\",\"rrtype\":\"TXT\"}],"
		"\"answers\":[{\"rrname\":\"t2.x.org\",\"rrtype\":\"TXT\",\"ttl\":3,\"rdata\":\"a\"},"
		"{\"rrname\":\"T2.x.org\",\"rrtype\":\"TXT\",\"ttl\":3,\"rdata\":\"\"}]}}\n"
		/* requests, other events */
		EVE_TS "\"dns\":{\"version\":2,\"type\":\"query\",\"rrname\":\"q.org\",\"rrtype\":\"A\"}}\n"
		"{\"timestamp\":\"2025-01-29T07:53:02Z\",\"event_type\":\"flow\"}\n"), 0);
	has("RR www.s.org. CNAME s.org. ttl=3544 sec=0 t=1505807581 suricata");
	has("RR s.org. A 192.0.78.24;192.0.78.25 ttl=240");
	has("RR g.s.org. CNAME h.s.org.");
	has("RR h.s.org. AAAA 2001:db8::1");
	has("NEG nx.oisf.net. A NXDOMAIN");
	has("RR oisf.net. SOA ns-110.awsdns-13.com. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400 ttl=899 sec=1");
	has("RR x.org. SSHFP 1 1 198C34");
	has("RR _s._tcp.x.org. SRV 1 2 3 t.x.org.");
	has("RR x.org. TXT \"v=spf1 \\\"q\\\"\"");
	hasnt(" MX ");
	hasnt("t2.x.org");
	assert_int_equal(cnt.skip[LB_SKIP_LOSSY], 2);
	assert_int_equal(cnt.skip[LB_SKIP_QUERY], 1);
	assert_int_equal(cnt.skip[LB_SKIP_NOT_DNS], 1);
	assert_int_equal(lb_src_bad_total(&cnt), 0);
}

/* EVE v1 (Suricata 3-6, no "version"): one event per RR, answers and
 * authorities alike, as Suricata's v1 logger writes them. */
static void suricata_v1(void **st)
{
	(void)st;
#define V1(ts, flow, id, rc, body) "{\"timestamp\":\"2019-03-02T10:00:0" ts ".250000+0100\"," \
	"\"flow_id\":" flow ",\"event_type\":\"dns\",\"src_ip\":\"192.0.2.53\",\"dns\":{\"type\":" \
	"\"answer\",\"id\":" id ",\"flags\":\"8180\",\"qr\":true,\"rd\":true,\"ra\":true,\"rcode\":\"" \
	rc "\"," body "}}\n"
#define V1F(ts, flow, id, rc, name) "{\"timestamp\":\"2019-03-02T10:00:0" ts ".250000+0100\"," \
	"\"flow_id\":" flow ",\"event_type\":\"dns\",\"src_ip\":\"192.0.2.53\",\"dns\":{\"type\":" \
	"\"answer\",\"id\":" id ",\"rcode\":\"" rc "\",\"rrname\":\"" name "\"}}\n"
	assert_int_equal(imp(LB_FMT_AUTO,
		"{\"timestamp\":\"2019-03-02T10:00:01.200000+0100\",\"flow_id\":7,\"event_type\":\"dns\","
		"\"dns\":{\"type\":\"query\",\"id\":11,\"rrname\":\"www.v1.test\",\"rrtype\":\"A\",\"tx_id\":0}}\n"
		/* a CNAME and an A RRset of two records: one RRset each */
		V1("1", "7", "11", "NOERROR", "\"rrname\":\"www.v1.test\",\"rrtype\":\"CNAME\",\"ttl\":300,"
		   "\"rdata\":\"web.v1.test\"")
		V1("1", "7", "11", "NOERROR", "\"rrname\":\"web.v1.test\",\"rrtype\":\"A\",\"ttl\":60,"
		   "\"rdata\":\"192.0.2.1\"")
		"{\"timestamp\":\"2019-03-02T10:00:01.260000+0100\",\"event_type\":\"flow\"}\n"
		V1("1", "7", "11", "NOERROR", "\"rrname\":\"web.v1.test\",\"rrtype\":\"A\",\"ttl\":60,"
		   "\"rdata\":\"192.0.2.2\"")
		/* NS is logged without its data (Suricata 5-6): that RRset only is left out */
		V1("1", "7", "11", "NOERROR", "\"rrname\":\"v1.test\",\"rrtype\":\"NS\",\"ttl\":60")
		/* the next response, same flow: a set of its own */
		V1("2", "7", "12", "NOERROR", "\"rrname\":\"web.v1.test\",\"rrtype\":\"A\",\"ttl\":50,"
		   "\"rdata\":\"192.0.2.3\"")
		/* a failed response: its question without a type (the event holds
		 * type, id, rcode, rrname only), then its authority SOA (no data
		 * logged): an NXDOMAIN of the name, for every type (ANY), not a
		 * denial of the zone's SOA, and no bad line */
		V1F("3", "8", "13", "NXDOMAIN", "nx.v1.test")
		V1("3", "8", "13", "NXDOMAIN", "\"rrname\":\"v1.test\",\"rrtype\":\"SOA\",\"ttl\":900")
		/* a TXT owner with two answers (one record's two strings): lossy;
		 * Suricata's misspelt CDNSKEY is a type, not a bad line */
		V1("4", "9", "14", "NOERROR", "\"rrname\":\"t.v1.test\",\"rrtype\":\"TXT\",\"ttl\":5,\"rdata\":\"a\"")
		V1("4", "9", "14", "NOERROR", "\"rrname\":\"t.v1.test\",\"rrtype\":\"TXT\",\"ttl\":5,\"rdata\":\"b\"")
		V1("4", "9", "14", "NOERROR", "\"rrname\":\"k.v1.test\",\"rrtype\":\"CDSNKEY\",\"ttl\":5")
		/* a failed response's authority with data: authority, not answer */
		V1("5", "10", "15", "NXDOMAIN", "\"rrname\":\"v1.test\",\"rrtype\":\"CNAME\",\"ttl\":5,"
		   "\"rdata\":\"x.v1.test\"")
		/* Suricata 4 renders NS: answers (the first owner is the question's
		 * name) with an answer off the chain between them, then an authority */
		V1("6", "11", "16", "NOERROR", "\"rrname\":\"m.v1.test\",\"rrtype\":\"CNAME\",\"ttl\":5,"
		   "\"rdata\":\"n.v1.test\"")
		V1("6", "11", "16", "NOERROR", "\"rrname\":\"bank.test\",\"rrtype\":\"A\",\"ttl\":5,"
		   "\"rdata\":\"203.0.113.66\"")
		V1("6", "11", "16", "NOERROR", "\"rrname\":\"n.v1.test\",\"rrtype\":\"A\",\"ttl\":5,"
		   "\"rdata\":\"192.0.2.7\"")
		V1("6", "11", "16", "NOERROR", "\"rrname\":\"v1.test\",\"rrtype\":\"NS\",\"ttl\":5,"
		   "\"rdata\":\"ns1.v1.test\"")
		/* an NXDOMAIN whose SOA is of a zone the name is not in: the
		 * denial was of a CNAME chain's end, the name exists: no negative */
		V1F("7", "12", "17", "NXDOMAIN", "www.shop.test")
		V1("7", "12", "17", "NXDOMAIN", "\"rrname\":\"cdn.test\",\"rrtype\":\"SOA\",\"ttl\":60")
		/* SERVFAIL is of the query, its type included: nothing */
		V1F("8", "13", "18", "SERVFAIL", "sf.v1.test")
		/* an NXDOMAIN without authorities, the file's last event */
		V1F("9", "14", "19", "NXDOMAIN", "nx2.v1.test")), 0);
#undef V1
#undef V1F
	has("RR www.v1.test. CNAME web.v1.test. ttl=300 sec=0 t=1551517201 suricata\n");
	has("RR web.v1.test. A 192.0.2.1;192.0.2.2 ttl=60 sec=0 t=1551517201 suricata\n");
	has("RR web.v1.test. A 192.0.2.3 ttl=50 sec=0 t=1551517202 suricata\n");
	has("RR v1.test. CNAME x.v1.test. ttl=5 sec=1 ");
	has("RR m.v1.test. CNAME n.v1.test. ttl=5 sec=0 t=1551517206 suricata\n");
	has("RR n.v1.test. A 192.0.2.7 ttl=5 sec=0 t=1551517206 suricata\n");
	has("RR bank.test. A 203.0.113.66 ttl=5 sec=0 t=1551517206 suricata unrelated\n");
	has("RR v1.test. NS ns1.v1.test. ttl=5 sec=1 t=1551517206 suricata\n");
	has("NEG nx.v1.test. ANY NXDOMAIN\n");
	has("NEG nx2.v1.test. ANY NXDOMAIN\n");
	hasnt("shop");
	hasnt("sf.v1");
	hasnt("t.v1.test");
	assert_int_equal(cnt.rrsets, 8);
	assert_int_equal(cnt.negatives, 2);
	assert_int_equal(cnt.skip[LB_SKIP_LOSSY], 6);
	assert_int_equal(lb_src_bad_total(&cnt), 0);
}

/* A v1 failure event names the question but not its type; its query event
 * (type "query", same flow_id, id and name, before it) does.  With it, a
 * SERVFAIL or REFUSED is a negative of that name and type, as on packets,
 * and an NXDOMAIN of that type rather than ANY; before, SERVFAIL and
 * REFUSED were lossy_answer and NXDOMAIN always ANY.  Without a query
 * event, with one of another flow, with none having a flow_id, or with
 * two of different types for one id and name: as before. */
static void suricata_v1_query_type(void **st)
{
	(void)st;
#define Q(flow, id, name, type) "{\"timestamp\":\"2019-03-02T10:00:01.000000+0100\"," flow \
	"\"event_type\":\"dns\",\"dns\":{\"type\":\"query\",\"id\":" id ",\"rrname\":\"" name \
	"\",\"rrtype\":\"" type "\",\"tx_id\":0}}\n"
#define F(flow, id, rc, name) "{\"timestamp\":\"2019-03-02T10:00:02.000000+0100\"," flow \
	"\"event_type\":\"dns\",\"dns\":{\"type\":\"answer\",\"id\":" id ",\"rcode\":\"" rc \
	"\",\"rrname\":\"" name "\"}}\n"
	assert_int_equal(imp(LB_FMT_SURICATA,
		Q("\"flow_id\":20,", "30", "sf.v1.test", "AAAA")
		"{\"timestamp\":\"2019-03-02T10:00:01.500000+0100\",\"event_type\":\"flow\"}\n"
		F("\"flow_id\":20,", "30", "SERVFAIL", "sf.v1.test")
		Q("\"flow_id\":21,", "31", "NX.v1.test", "MX")
		F("\"flow_id\":21,", "31", "NXDOMAIN", "nx.v1.test")
		Q("\"flow_id\":22,", "32", "rf.v1.test", "A")
		F("\"flow_id\":22,", "32", "REFUSED", "rf.v1.test")
		/* two types for one flow, id and name: which failed? */
		Q("\"flow_id\":23,", "33", "two.v1.test", "A")
		Q("\"flow_id\":23,", "33", "two.v1.test", "AAAA")
		F("\"flow_id\":23,", "33", "SERVFAIL", "two.v1.test")
		/* another flow; no flow_id */
		Q("\"flow_id\":24,", "34", "other.v1.test", "A")
		F("\"flow_id\":25,", "34", "SERVFAIL", "other.v1.test")
		Q("", "35", "noflow.v1.test", "A")
		F("", "35", "SERVFAIL", "noflow.v1.test")
		/* an NXDOMAIN whose SOA is of another zone: a chain's end, no negative */
		Q("\"flow_id\":26,", "36", "www.shop.test", "A")
		F("\"flow_id\":26,", "36", "NXDOMAIN", "www.shop.test")
		"{\"timestamp\":\"2019-03-02T10:00:02.000000+0100\",\"flow_id\":26,\"event_type\":\"dns\","
		"\"dns\":{\"type\":\"answer\",\"id\":36,\"rcode\":\"NXDOMAIN\",\"rrname\":\"cdn.test\","
		"\"rrtype\":\"SOA\",\"ttl\":60}}\n"), 0);
#undef Q
#undef F
	has("NEG sf.v1.test. AAAA SERVFAIL\n");
	has("NEG nx.v1.test. MX NXDOMAIN\n");
	has("NEG rf.v1.test. A REFUSED\n");
	hasnt("two.v1");
	hasnt("other.v1");
	hasnt("noflow");
	hasnt("shop");
	assert_int_equal(cnt.negatives, 3);
	assert_int_equal(cnt.skip[LB_SKIP_QUERY], 8);
	assert_int_equal(cnt.skip[LB_SKIP_LOSSY], 5);
	assert_int_equal(lb_src_bad_total(&cnt), 0);
}

/* Logs exported from Splunk (/services/search/jobs/export, output_mode=json;
 * elastic/integrations' Zeek dns fixture has such a row): each event is the
 * string _raw of a {"preview":false,"offset":N,"result":{...}} row - read
 * as the line it was, the format told by it.  Before, the row was read as
 * the record itself (a Zeek row without ts: bad_time; auto: no format).
 * Preview rows (repeated later) and rows without a result are no events;
 * a result without _raw, or with an event of several lines, is bad. */
static void splunk_export_rows(void **st)
{
	(void)st;
#define ROW(raw) "{\"preview\":false,\"offset\":0,\"result\":{\"_bkt\":\"main~0~X\",\"_cd\":\"0:1\"," \
	"\"_raw\":\"" raw "\",\"_time\":\"2021-03-30 11:59:52.000 UTC\",\"host\":\"sensor\"," \
	"\"index\":\"main\",\"source\":\"/var/log/dns.log\",\"sourcetype\":\"json\"}}\n"
	assert_int_equal(imp(LB_FMT_AUTO,
		ROW("{\\\"ts\\\":1617105592.5,\\\"uid\\\":\\\"C1\\\",\\\"id.orig_h\\\":\\\"10.0.0.2\\\","
		    "\\\"id.orig_p\\\":33438,\\\"id.resp_h\\\":\\\"10.0.0.53\\\",\\\"id.resp_p\\\":53,"
		    "\\\"query\\\":\\\"s.example\\\",\\\"qclass\\\":1,\\\"qtype\\\":1,\\\"rcode\\\":0,"
		    "\\\"answers\\\":[\\\"192.0.2.1\\\"],\\\"TTLs\\\":[30.0]}")
		"{\"preview\":true,\"offset\":0,\"result\":{\"_raw\":\"{}\"}}\n"
		"{\"preview\":false,\"messages\":[{\"type\":\"INFO\",\"text\":\"done\"}]}\n"
		"{\"preview\":false,\"offset\":1,\"result\":{\"query\":\"s.example\"}}\n"
		ROW("{}\\n{}")
		"{\"preview\":false,\"offset\":2,\"lastrow\":true,\"result\":{\"_raw\":"
		"\"{\\\"ts\\\":1617105593.0,\\\"uid\\\":\\\"C2\\\",\\\"query\\\":\\\"t.example\\\","
		"\\\"qtype\\\":28,\\\"rcode\\\":3}\\n\"}}\n"), 0);
	has("RR s.example. A 192.0.2.1 ttl=30 sec=0 t=1617105592 zeek\n");
	has("NEG t.example. AAAA NXDOMAIN\n");
	assert_int_equal(cnt.skip[LB_SKIP_NOT_DNS], 2);
	assert_int_equal(cnt.bad[LB_BAD_FIELDS], 2);
	assert_int_equal(lb_src_bad_total(&cnt), 2);
	/* a Suricata event so exported, with the format given */
	assert_int_equal(imp(LB_FMT_SURICATA,
		ROW("{\\\"timestamp\\\":\\\"2019-08-22T23:48:27.957906+0000\\\",\\\"flow_id\\\":1,"
		    "\\\"event_type\\\":\\\"dns\\\",\\\"dns\\\":{\\\"version\\\":2,\\\"type\\\":"
		    "\\\"answer\\\",\\\"id\\\":1,\\\"rcode\\\":\\\"NOERROR\\\",\\\"rrname\\\":"
		    "\\\"u.example\\\",\\\"rrtype\\\":\\\"A\\\",\\\"answers\\\":[{\\\"rrname\\\":"
		    "\\\"u.example\\\",\\\"rrtype\\\":\\\"A\\\",\\\"ttl\\\":299,\\\"rdata\\\":"
		    "\\\"192.0.2.9\\\"}]}}")), 0);
	has("RR u.example. A 192.0.2.9 ttl=299 sec=0 t=1566517707 suricata\n");
#undef ROW
}

/* Suricata writes the root name as "" (labels joined, no final dot): a
 * priming response and an SRV "no service" target were bad lines. */
static void suricata_root_name(void **st)
{
	(void)st;
	assert_int_equal(imp(LB_FMT_SURICATA,
		"{\"timestamp\":\"2025-01-29T07:53:01.000000+0000\",\"event_type\":\"dns\",\"dns\":{\"version\":2,"
		"\"type\":\"answer\",\"id\":1,\"flags\":\"8400\",\"qr\":true,\"aa\":true,\"rrname\":\"\",\"rrtype\":\"NS\","
		"\"rcode\":\"NOERROR\",\"answers\":[{\"rrname\":\"\",\"rrtype\":\"NS\",\"ttl\":518400,\"rdata\":"
		"\"a.root-servers.net\"},{\"rrname\":\"\",\"rrtype\":\"NS\",\"ttl\":518400,\"rdata\":\"b.root-servers.net\"}],"
		"\"grouped\":{\"NS\":[\"a.root-servers.net\",\"b.root-servers.net\"]}}}\n"
		"{\"timestamp\":\"2025-01-29T07:53:02Z\",\"event_type\":\"dns\",\"dns\":{\"version\":3,\"type\":\"response\","
		"\"rcode\":\"NOERROR\",\"queries\":[{\"rrname\":\"_x._tcp.example.com\",\"rrtype\":\"SRV\"}],\"answers\":"
		"[{\"rrname\":\"_x._tcp.example.com\",\"rrtype\":\"SRV\",\"ttl\":5,\"srv\":{\"priority\":0,\"weight\":0,"
		"\"port\":0,\"name\":\"\"}}]}}\n"
		"{\"timestamp\":\"2025-01-29T07:53:03Z\",\"event_type\":\"dns\",\"dns\":{\"version\":2,\"type\":\"answer\","
		"\"rrname\":\"\",\"rrtype\":\"NS\",\"rcode\":\"NOERROR\",\"grouped\":{\"NS\":[\"c.root-servers.net\"]}}}\n"),
		0);
	has("RR . NS a.root-servers.net.;b.root-servers.net. ttl=518400 sec=0 t=1738137181 suricata\n");
	has("RR _x._tcp.example.com. SRV 0 0 0 . ttl=5");
	has("RR . NS c.root-servers.net. ttl=0 sec=0 t=1738137183 suricata\n");
	assert_int_equal(lb_src_bad_total(&cnt), 0);
}

/* Suricata's eve-log "prefix" option ("@cee: ", for syslog's CEE) before
 * each event: every line was bad_json (unknown_format when detecting). */
static void suricata_cee_prefix(void **st)
{
	(void)st;
	assert_int_equal(imp(LB_FMT_AUTO,
		"@cee: {\"timestamp\":\"2025-01-29T07:53:01Z\",\"event_type\":\"dns\",\"dns\":{\"version\":3,"
		"\"type\":\"response\",\"rcode\":\"NOERROR\",\"queries\":[{\"rrname\":\"a.example\",\"rrtype\":\"A\"}],"
		"\"answers\":[{\"rrname\":\"a.example\",\"rrtype\":\"A\",\"ttl\":5,\"rdata\":\"192.0.2.1\"}]}}\n"
		"@cee:{\"timestamp\":\"2025-01-29T07:53:02Z\",\"event_type\":\"flow\"}\n"), 0);
	has("RR a.example. A 192.0.2.1 ttl=5 sec=0 t=1738137181 suricata\n");
	assert_int_equal(cnt.skip[LB_SKIP_NOT_DNS], 1);
	assert_int_equal(lb_src_bad_total(&cnt), 0);
}

/* Suricata 7+ flags a name it cut ("rrname_truncated", "rdata_truncated":
 * longer than a name can be, or its pointers loop): such a record is not
 * stored, the rest of the event is (the event was a bad_name line). */
static void suricata_truncated_names(void **st)
{
	(void)st;
	char lname[1100], ev[4096];
	for (int i = 0; i < 1030; i++)
		lname[i] = i % 60 == 59 ? '.' : 'a';
	lname[1030] = 0;
	snprintf(ev, sizeof ev,
		"{\"timestamp\":\"2025-01-29T07:53:01Z\",\"event_type\":\"dns\",\"dns\":{\"version\":3,"
		"\"type\":\"response\",\"rcode\":\"NOERROR\",\"queries\":[{\"rrname\":\"q.example\",\"rrtype\":\"A\"}],"
		"\"answers\":[{\"rrname\":\"q.example\",\"rrtype\":\"CNAME\",\"ttl\":5,\"rdata\":\"%s\","
		"\"rdata_truncated\":true},{\"rrname\":\"%s\",\"rrname_truncated\":true,\"rrtype\":\"A\",\"ttl\":5,"
		"\"rdata\":\"192.0.2.1\"},{\"rrname\":\"ok.example\",\"rrtype\":\"A\",\"ttl\":5,\"rdata\":\"192.0.2.2\"}]}}\n"
		"{\"timestamp\":\"2025-01-29T07:53:02Z\",\"event_type\":\"dns\",\"dns\":{\"version\":3,"
		"\"type\":\"response\",\"rcode\":\"NXDOMAIN\",\"queries\":[{\"rrname\":\"%s\",\"rrname_truncated\":true,"
		"\"rrtype\":\"A\"}]}}\n", lname, lname, lname);
	assert_int_equal(imp(LB_FMT_SURICATA, ev), 0);
	has("RR ok.example. A 192.0.2.2 ttl=5 sec=0 t=1738137181 suricata unrelated\n");
	hasnt("CNAME");
	hasnt("NEG");
	assert_int_equal(cnt.skip[LB_SKIP_LOSSY], 2);
	assert_int_equal(lb_src_bad_total(&cnt), 0);
}

/* The same flags in v1 events (one event per record): a record whose owner
 * was cut is left out and its response counted lossy, a record whose rdata
 * name was cut too; a failure whose question's name was cut gives no
 * denial (a name cut at a pointer loop can look whole). */
static void suricata_v1_truncated_names(void **st)
{
	(void)st;
	char lname[1100], ev[8192];
	for (int i = 0; i < 1030; i++)
		lname[i] = i % 60 == 59 ? '.' : 'a';
	lname[1030] = 0;
#define V1E(ts, rest) "{\"timestamp\":\"2025-01-29T07:53:0" ts "Z\",\"flow_id\":9,\"event_type\":\"dns\"," \
	"\"dns\":{\"type\":\"answer\",\"id\":7," rest "}}\n"
	snprintf(ev, sizeof ev,
		V1E("1", "\"rcode\":\"NOERROR\",\"rrname\":\"q.example\",\"rrtype\":\"CNAME\",\"ttl\":5,"
			 "\"rdata\":\"cut.example\",\"rdata_truncated\":true")
		V1E("1", "\"rcode\":\"NOERROR\",\"rrname\":\"%s\",\"rrname_truncated\":true,"
			 "\"rrtype\":\"A\",\"ttl\":5,\"rdata\":\"192.0.2.1\"")
		V1E("1", "\"rcode\":\"NOERROR\",\"rrname\":\"ok.example\",\"rrtype\":\"A\",\"ttl\":5,"
			 "\"rdata\":\"192.0.2.2\"")
		V1E("2", "\"rcode\":\"NXDOMAIN\",\"rrname\":\"loop.example\",\"rrname_truncated\":true")
		V1E("3", "\"rcode\":\"NXDOMAIN\",\"rrname\":\"nx.example\""), lname);
#undef V1E
	assert_int_equal(imp(LB_FMT_SURICATA, ev), 0);
	has("RR ok.example. A 192.0.2.2 ttl=5");
	hasnt("CNAME");
	hasnt("192.0.2.1");
	hasnt("NEG loop.example.");
	has("NEG nx.example. ANY NXDOMAIN");
	assert_int_equal(cnt.skip[LB_SKIP_LOSSY], 2);
	assert_int_equal(lb_src_bad_total(&cnt), 0);
}

/* A truncated response (tc, flags 0x0200): no NODATA from its empty
 * answer, and its last RRset of each section may be cut (RFC 2181 9). */
static void suricata_truncated(void **st)
{
	(void)st;
#define TCR(q, extra) "{\"timestamp\":\"2025-01-29T07:53:01Z\",\"event_type\":\"dns\",\"dns\":{\"version\":2," \
	"\"type\":\"answer\",\"id\":7,\"flags\":\"8380\",\"qr\":true,\"tc\":true,\"rd\":true,\"ra\":true," \
	"\"rrname\":\"" q "\",\"rrtype\":\"TXT\",\"rcode\":\"NOERROR\"" extra "}}\n"
	assert_int_equal(imp(LB_FMT_SURICATA,
		TCR("big.example", "")
		TCR("c.example", ",\"answers\":[{\"rrname\":\"c.example\",\"rrtype\":\"CNAME\",\"ttl\":5,"
		    "\"rdata\":\"t.example\"},{\"rrname\":\"t.example\",\"rrtype\":\"TXT\",\"ttl\":5,\"rdata\":\"x\"}]")
		TCR("g.example", ",\"grouped\":{\"CNAME\":[\"t2.example\"]}")
		/* the flags alone tell it (no "tc" member) */
		"{\"timestamp\":\"2025-01-29T07:53:02Z\",\"event_type\":\"dns\",\"dns\":{\"version\":3,"
		"\"type\":\"response\",\"flags\":\"8380\",\"rcode\":\"NOERROR\",\"queries\":[{\"rrname\":"
		"\"f.example\",\"rrtype\":\"A\"}]}}\n"
		/* an NXDOMAIN is one, truncated or not */
		"{\"timestamp\":\"2025-01-29T07:53:03Z\",\"event_type\":\"dns\",\"dns\":{\"version\":2,"
		"\"type\":\"answer\",\"flags\":\"8383\",\"tc\":true,\"rrname\":\"nx.example\",\"rrtype\":\"A\","
		"\"rcode\":\"NXDOMAIN\"}}\n"), 0);
#undef TCR
	hasnt("NEG big.example.");
	hasnt("NEG f.example.");
	hasnt("NEG t.example.");
	has("RR c.example. CNAME t.example. ttl=5");
	hasnt("RR t.example. TXT");
	hasnt("g.example");
	has("NEG nx.example. A NXDOMAIN");
	assert_int_equal(cnt.negatives, 1);
	assert_int_equal(lb_src_bad_total(&cnt), 0);
}

/* NODATA from EVE as from packets (RFC 2308 2.2): the authorities decide. */
static void suricata_nodata(void **st)
{
	(void)st;
#define V3(q, rest) "{\"timestamp\":\"2025-01-29T07:53:01Z\",\"event_type\":\"dns\",\"dns\":{" \
	"\"version\":3,\"type\":\"response\",\"rcode\":\"NOERROR\",\"queries\":[{\"rrname\":\"" q "\"," \
	"\"rrtype\":\"A\"}]" rest "}}\n"
#define SOA_OF(z) "{\"rrname\":\"" z "\",\"rrtype\":\"SOA\",\"ttl\":9,\"soa\":{\"mname\":\"ns." z "\"," \
	"\"rname\":\"h." z "\",\"serial\":1,\"refresh\":2,\"retry\":3,\"expire\":4,\"minimum\":5}}"
#define NS_OF(z) "{\"rrname\":\"" z "\",\"rrtype\":\"NS\",\"ttl\":9,\"rdata\":\"ns1." z "\"}"
#define CNAME(a, b) "{\"rrname\":\"" a "\",\"rrtype\":\"CNAME\",\"ttl\":9,\"rdata\":\"" b "\"}"
	assert_int_equal(imp(LB_FMT_SURICATA,
		V3("empty.org", "")                                            /* type 3: NODATA */
		V3("soa.org", ",\"authorities\":[" SOA_OF("soa.org") "]")      /* type 2: NODATA */
		V3("ref.org", ",\"authorities\":[" NS_OF("ref.org") "]")       /* referral */
		V3("both.org", ",\"authorities\":[" NS_OF("both.org") "," SOA_OF("both.org") "]")
		V3("out.org", ",\"answers\":[" CNAME("out.org", "cdn.net") "],\"authorities\":[]")
		V3("chain.org", ",\"answers\":[" CNAME("chain.org", "c1.net") "],\"authorities\":["
		    SOA_OF("c1.net") "]")
		V3("nolog.org", ",\"answers\":[" CNAME("nolog.org", "c2.net") "]")
		/* an NXDOMAIN at the end of a chain is of that name (RFC 6604 2.1) */
		"{\"timestamp\":\"2025-01-29T07:53:01Z\",\"event_type\":\"dns\",\"dns\":{\"version\":3,"
		"\"type\":\"response\",\"rcode\":\"NXDOMAIN\",\"queries\":[{\"rrname\":\"nx.org\","
		"\"rrtype\":\"A\"}],\"answers\":[" CNAME("nx.org", "gone.net") "]}}\n"), 0);
#undef V3
#undef SOA_OF
#undef NS_OF
#undef CNAME
	has("NEG empty.org. A NOERROR");
	has("NEG soa.org. A NOERROR");
	hasnt("NEG ref.org.");
	has("NEG both.org. A NOERROR");
	hasnt("NEG out.org."); /* authorities logged, no SOA: a CNAME out of the zone */
	has("NEG c1.net. A NOERROR");  /* of the chain's last name */
	has("NEG c2.net. A NOERROR");  /* no authorities logged: cannot tell */
	hasnt("NEG chain.org.");
	hasnt("NEG nolog.org.");
	has("NEG gone.net. A NXDOMAIN");
	hasnt("NEG nx.org.");
	has("RR nx.org. CNAME gone.net.");
	assert_int_equal(cnt.negatives, 6);
	assert_int_equal(lb_src_bad_total(&cnt), 0);
}

/* An EVE answer off the question's chain is flagged, as from packets. */
static void suricata_unrelated(void **st)
{
	(void)st;
	assert_int_equal(imp(LB_FMT_SURICATA,
		"{\"timestamp\":\"2025-01-29T07:53:01Z\",\"event_type\":\"dns\",\"dns\":{\"version\":3,"
		"\"type\":\"response\",\"rcode\":\"NOERROR\",\"queries\":[{\"rrname\":\"q.org\","
		"\"rrtype\":\"A\"}],\"answers\":[{\"rrname\":\"q.org\",\"rrtype\":\"CNAME\",\"ttl\":9,"
		"\"rdata\":\"t.org\"},{\"rrname\":\"t.org\",\"rrtype\":\"A\",\"ttl\":9,\"rdata\":\"192.0.2.1\"},"
		"{\"rrname\":\"bank.org\",\"rrtype\":\"A\",\"ttl\":9,\"rdata\":\"203.0.113.66\"}],"
		"\"authorities\":[{\"rrname\":\"evil.org\",\"rrtype\":\"NS\",\"ttl\":9,\"rdata\":\"ns.evil.org\"}]}}\n"),
		0);
	has("RR q.org. CNAME t.org. ttl=9 sec=0 t=1738137181 suricata\n");
	has("RR t.org. A 192.0.2.1 ttl=9 sec=0 t=1738137181 suricata\n");
	has("RR bank.org. A 203.0.113.66 ttl=9 sec=0 t=1738137181 suricata unrelated\n");
	has("RR evil.org. NS ns.evil.org. ttl=9 sec=1 t=1738137181 suricata\n"); /* only answers */
	assert_int_equal(lb_src_bad_total(&cnt), 0);
}

static void suricata_bad(void **st)
{
	(void)st;
	assert_int_equal(imp(LB_FMT_SURICATA,
		"not json\n"
		"[1,2]\n"
		"{\"event_type\":\"dns\",\"dns\":{\"type\":\"answer\",\"rrname\":\"a.org\",\"rrtype\":\"A\"}}\n"
		EVE_TS "\"dns\":{\"type\":\"answer\",\"rrname\":\"a.org\",\"rrtype\":\"BOGUS\"}}\n"
		EVE_TS "\"dns\":{\"type\":\"answer\",\"rrname\":\"a.org\",\"rrtype\":\"A\",\"rcode\":\"NOERROR\","
		"\"answers\":[{\"rrname\":\"a.org\",\"rrtype\":\"A\",\"rdata\":\"1.2.3\"}]}}\n"), 0);
	assert_int_equal(cnt.bad[LB_BAD_JSON], 2);
	assert_int_equal(cnt.bad[LB_BAD_TIME], 1);
	assert_int_equal(cnt.bad[LB_BAD_TYPE], 1);
	assert_int_equal(cnt.bad[LB_BAD_RDATA], 1);
	assert_int_equal(cnt.rrsets, 0);
}

/* The A and name-rdata fast paths give what the rdata parser gives, and
 * leave everything else to it; the name cache keeps texts apart. */
static void suricata_rdata_fast_paths(void **st)
{
	(void)st;
#define EVE_ANS(q, t, rd) EVE_TS "\"dns\":{\"type\":\"answer\",\"rrname\":\"" q "\",\"rrtype\":\"" t \
	"\",\"rcode\":\"NOERROR\",\"answers\":[{\"rrname\":\"" q "\",\"rrtype\":\"" t "\",\"ttl\":5," \
	"\"rdata\":\"" rd "\"}]}}\n"
	assert_int_equal(imp(LB_FMT_SURICATA,
		EVE_ANS("a1.org", "A", "10.0.0.1")
		EVE_ANS("a2.org", "A", "1.2.3.4 ")         /* the parser's tokenizer drops the blank */
		EVE_ANS("a3.org", "A", "010.0.0.1")        /* inet_pton refuses leading zeros */
		EVE_ANS("a4.org", "A", "1.2.3.256")
		EVE_ANS("a5.org", "A", "0.0.0.0")
		EVE_ANS("c1.org", "CNAME", "Mixed.Case.ORG")
		/* Suricata writes label bytes as they are: a backslash, an '@' is one */
		EVE_ANS("c2.org", "CNAME", "a\\\\.b.org")
		EVE_ANS("c3.org", "CNAME", "@")
		EVE_ANS("c4.org", "CNAME", "a..b")
		EVE_ANS("p1.org", "PTR", "Host.Example.")
		EVE_ANS("Q.ORG", "CNAME", "q.org")
		EVE_ANS("q.org", "CNAME", "Q.ORG")), 0);
#undef EVE_ANS
	has("RR a1.org. A 10.0.0.1 ttl=5");
	has("RR a2.org. A 1.2.3.4 ttl=5");
	hasnt("RR a3.org.");
	hasnt("RR a4.org.");
	has("RR a5.org. A 0.0.0.0 ttl=5");
	has("RR c1.org. CNAME mixed.case.org. ttl=5");
	has("RR c2.org. CNAME a\\\\.b.org. ttl=5");
	has("RR c3.org. CNAME \\@. ttl=5");
	hasnt("RR c4.org.");
	has("RR p1.org. PTR host.example. ttl=5");
	has("RR q.org. CNAME q.org. ttl=5");
	assert_int_equal(cnt.bad[LB_BAD_RDATA], 3);
	assert_int_equal(lb_src_bad_total(&cnt), 3);
}

/* Suricata writes a name as its label bytes joined by dots, no escapes
 * (rust/src/dns/parser.rs dns_parse_name), and a string that is not UTF-8
 * with each byte above 0x7f as the text "\xhh" (jsonbuilder.rs
 * try_string_from_bytes).  A blank or a control byte in a label was
 * bad_name, "\xe4" was read as the letters "xe4" (a bogus name), and a TXT
 * string's "\xe9" was stored as four characters. */
static void suricata_name_bytes(void **st)
{
	(void)st;
	assert_int_equal(imp(LB_FMT_SURICATA,
		/* v3: owner, CNAME target, SOA names */
		"{\"timestamp\":\"2024-01-01T00:00:01Z\",\"event_type\":\"dns\",\"dns\":{\"version\":3,"
		"\"type\":\"response\",\"rcode\":\"NOERROR\",\"queries\":[{\"rrname\":\"w\\\\xe4.example\","
		"\"rrtype\":\"A\"}],\"answers\":[{\"rrname\":\"w\\\\xe4.example\",\"rrtype\":\"CNAME\",\"ttl\":5,"
		"\"rdata\":\"x y.example\"},{\"rrname\":\"x y.example\",\"rrtype\":\"A\",\"ttl\":5,"
		"\"rdata\":\"192.0.2.2\"}],\"authorities\":[{\"rrname\":\"example\",\"rrtype\":\"SOA\",\"ttl\":5,"
		"\"soa\":{\"mname\":\"ns\\\\xff.example\",\"rname\":\"h\\\"m.example\",\"serial\":1,"
		"\"refresh\":2,\"retry\":3,\"expire\":4,\"minimum\":5}}]}}\n"
		/* v2 grouped names; a control byte */
		"{\"timestamp\":\"2024-01-01T00:00:02Z\",\"event_type\":\"dns\",\"dns\":{\"version\":2,"
		"\"type\":\"answer\",\"rrname\":\"g\\u0001.example\",\"rrtype\":\"A\",\"rcode\":\"NOERROR\","
		"\"grouped\":{\"CNAME\":[\"g\\\\xe9 x.example\"],\"A\":[\"192.0.2.3\"]}}}\n"
		/* TXT: escapes undone; text that undone is UTF-8, or beside
		 * UTF-8 written as it is, is its own text */
		"{\"timestamp\":\"2024-01-01T00:00:03Z\",\"event_type\":\"dns\",\"dns\":{\"version\":2,"
		"\"type\":\"answer\",\"rrname\":\"t.example\",\"rrtype\":\"TXT\",\"rcode\":\"NOERROR\","
		"\"answers\":[{\"rrname\":\"t.example\",\"rrtype\":\"TXT\",\"ttl\":5,"
		"\"rdata\":\"caf\\\\xe9\"},{\"rrname\":\"u.example\",\"rrtype\":\"TXT\",\"ttl\":5,"
		"\"rdata\":\"\\\\xc3\\\\xa4\"},{\"rrname\":\"v.example\",\"rrtype\":\"TXT\",\"ttl\":5,"
		"\"rdata\":\"\xc3\xa4\\\\xe4\"}]}}\n"
		/* v1 events and a denial */
		"{\"timestamp\":\"2024-01-01T00:00:04Z\",\"flow_id\":9,\"event_type\":\"dns\",\"dns\":{"
		"\"type\":\"answer\",\"id\":1,\"rcode\":\"NOERROR\",\"rrname\":\"p\\\\xe4.example\","
		"\"rrtype\":\"PTR\",\"ttl\":5,\"rdata\":\"q\\\\xe4 r.example\"}}\n"
		"{\"timestamp\":\"2024-01-01T00:00:05Z\",\"event_type\":\"dns\",\"dns\":{\"version\":3,"
		"\"type\":\"response\",\"rcode\":\"NXDOMAIN\",\"queries\":[{\"rrname\":\"n\\\\xe4.example\","
		"\"rrtype\":\"A\"}]}}\n"), 0);
	has("RR w\\228.example. CNAME x\\032y.example. ttl=5");
	has("RR x\\032y.example. A 192.0.2.2 ttl=5");
	has("RR example. SOA ns\\255.example. h\\\"m.example. 1 2 3 4 5 ttl=5 sec=1");
	has("RR g\\001.example. CNAME g\\233\\032x.example. ttl=0");
	has("RR g\\233\\032x.example. A 192.0.2.3 ttl=0");
	has("RR t.example. TXT \"caf\\233\" ttl=5");
	has("RR u.example. TXT \"\\\\xc3\\\\xa4\" ttl=5");
	has("RR v.example. TXT \"\\195\\164\\\\xe4\" ttl=5");
	has("RR p\\228.example. PTR q\\228\\032r.example. ttl=5");
	has("NEG n\\228.example. A NXDOMAIN");
	assert_int_equal(lb_src_bad_total(&cnt), 0);
}

/* Suricata 8 logs mDNS as event_type "mdns" (rust/src/mdns/log.rs): a
 * record's data under its type's name in lower case, a TXT record's strings
 * as one array, no TTL; they were all not_dns. */
static void suricata_mdns(void **st)
{
	(void)st;
#define MDNS(ports, body) "{\"timestamp\":\"2024-05-01T10:00:00Z\",\"event_type\":\"mdns\"," ports \
	"\"mdns\":{" body "}}\n"
#define PEERS "\"src_port\":5353,\"dest_port\":5353,"
	assert_int_equal(imp(LB_FMT_SURICATA,
		MDNS(PEERS, "\"type\":\"response\",\"id\":0,\"flags\":[\"aa\",\"tc\"],\"opcode\":0,\"rcode\":0,"
		"\"answers\":[{\"rrname\":\"Mac._device-info._tcp.local\",\"txt\":[\"model=iMac17,1\",\"osxvers=17\"]},"
		"{\"rrname\":\"Mac._device-info._tcp.local\",\"txt\":[\"x\"]},"
		"{\"rrname\":\"_hap._tcp.local\",\"ptr\":\"My Mac._hap._tcp.local\"},"
		"{\"rrname\":\"My Mac._hap._tcp.local\",\"srv\":{\"priority\":0,\"weight\":0,\"port\":80,"
		"\"name\":\"mac.local\"}},{\"rrname\":\"mac.local\",\"a\":\"192.168.1.10\"},"
		"{\"rrname\":\"mac.local\",\"aaaa\":\"fe80:0000:0000:0000:0000:0000:0000:0001\"}],"
		"\"additionals\":[{\"rrname\":\"mac.local\",\"nsec\":\"\\u0000\\u0005\"},"
		"{\"rrname\":\"\",\"opt\":[]}]")
		MDNS("", "\"type\":\"request\",\"id\":0,\"opcode\":0,\"rcode\":0,\"queries\":[{\"rrname\":"
		"\"_hap._tcp.local\",\"rrtype\":\"ptr\"}]")
		MDNS("", "\"type\":\"response\",\"id\":0,\"opcode\":0,\"rcode\":3,\"answers\":[{\"rrname\":"
		"\"rc.local\",\"a\":\"192.168.1.11\"}]")
		/* legacy unicast (one side 5353): a question, TC kept */
		MDNS("\"src_port\":5353,\"dest_port\":40000,", "\"type\":\"response\",\"id\":7,\"flags\":"
		"[\"aa\",\"tc\"],\"opcode\":0,\"rcode\":0,\"queries\":[{\"rrname\":\"q.local\",\"rrtype\":\"a\"}],"
		"\"answers\":[{\"rrname\":\"q.local\",\"a\":\"192.168.1.12\"},{\"rrname\":\"o.local\",\"a\":"
		"\"192.168.1.13\"},{\"rrname\":\"z.local\",\"a\":\"192.168.1.14\"}]")), 0);
#undef PEERS
#undef MDNS
	has("RR mac._device-info._tcp.local. TXT \"x\";\"model=iMac17,1\" \"osxvers=17\" ttl=0 sec=0");
	has("RR _hap._tcp.local. PTR my\\032mac._hap._tcp.local. ttl=0");
	has("RR my\\032mac._hap._tcp.local. SRV 0 0 80 mac.local. ttl=0");
	has("RR mac.local. A 192.168.1.10 ttl=0");
	has("RR mac.local. AAAA fe80::1 ttl=0");
	hasnt("NSEC");
	hasnt("rc.local");
	has("RR q.local. A 192.168.1.12 ttl=0 sec=0 t=1714557600 suricata\n");
	has("RR o.local. A 192.168.1.13 ttl=0 sec=0 t=1714557600 suricata unrelated\n");
	hasnt("z.local"); /* the last RRset of a TC response */
	hasnt("NEG");
	assert_int_equal(cnt.skip[LB_SKIP_QUERY], 1);
	assert_int_equal(cnt.skip[LB_SKIP_RCODE], 1);
	assert_int_equal(cnt.skip[LB_SKIP_LOSSY], 2);
	assert_int_equal(lb_src_bad_total(&cnt), 0);
}

/* ---- Route 53 ---- */

static void route53(void **st)
{
	(void)st;
	assert_int_equal(imp(LB_FMT_AUTO,
		"{\"version\":\"1.100000\",\"query_timestamp\":\"2021-12-11T22:46:26Z\",\"query_name\":"
		"\"repo.example.com.\",\"query_type\":\"A\",\"query_class\":\"IN\",\"rcode\":\"NOERROR\","
		"\"answers\":[{\"Rdata\":\"s3.example.com.\",\"Type\":\"CNAME\",\"Class\":\"IN\"},{\"Rdata\":"
		"\"192.0.2.1\",\"Type\":\"A\",\"Class\":\"IN\"},{\"Rdata\":\"192.0.2.1\",\"Type\":\"A\",\"Class\":"
		"\"IN\"}],\"srcaddr\":\"172.31.86.159\",\"srcids\":{}}\n"
		"{\"query_timestamp\":\"2021-12-11T22:46:27Z\",\"query_name\":\"nx.example.com.\","
		"\"query_type\":\"AAAA\",\"rcode\":\"NXDOMAIN\",\"answers\":[]}\n"
		"{\"query_timestamp\":\"2021-02-04T17:51:55Z\",\"query_name\":\"1.2.0.192.in-addr.arpa.\","
		"\"query_type\":\"PTR\",\"rcode\":\"NOERROR\",\"firewall_rule_action\":\"BLOCK\",\"answers\":"
		"[{\"Rdata\":\"203.0.113.9\",\"Type\":\"PTR\",\"Class\":\"IN\"}]}\n"
		/* typed but mixed: data of another type than asked */
		"{\"query_timestamp\":\"2021-12-11T22:46:27Z\",\"query_name\":\"m.example.com.\","
		"\"query_type\":\"A\",\"rcode\":\"NOERROR\",\"answers\":[{\"Rdata\":\"2001:db8::1\",\"Type\":\"AAAA\"}]}\n"
		"{\"query_timestamp\":\"yesterday\",\"query_name\":\"a.\",\"query_type\":\"A\",\"rcode\":\"NOERROR\"}\n"),
		0);
	has("RR repo.example.com. CNAME s3.example.com. ttl=0 sec=0 t=1639262786 route53");
	has("RR s3.example.com. A 192.0.2.1 ttl=0");
	has("NEG nx.example.com. AAAA NXDOMAIN");
	hasnt("203.0.113.9");
	hasnt("172.31");
	assert_int_equal(cnt.skip[LB_SKIP_POLICY], 1);
	assert_int_equal(cnt.skip[LB_SKIP_AMBIGUOUS], 1);
	assert_int_equal(cnt.bad[LB_BAD_TIME], 1);
	assert_int_equal(cnt.bad_line[LB_BAD_TIME][0], 5);
}

/* Route 53 query logs as CloudWatch Logs passes them on: subscription
 * objects (Firehose writes them to S3 back to back, no newline between),
 * a health-check CONTROL_MESSAGE, and an export task's "<time> <record>"
 * lines - all were bad_json or unknown_format. */
static void route53_cloudwatch(void **st)
{
	(void)st;
#define R53(q, a) "{\\\"version\\\":\\\"1.100000\\\",\\\"query_timestamp\\\":\\\"2021-12-11T22:46:26Z\\\"," \
	"\\\"query_name\\\":\\\"" q "\\\",\\\"query_type\\\":\\\"A\\\",\\\"query_class\\\":\\\"IN\\\"," \
	"\\\"rcode\\\":\\\"NOERROR\\\",\\\"answers\\\":[{\\\"Rdata\\\":\\\"" a "\\\",\\\"Type\\\":\\\"A\\\"," \
	"\\\"Class\\\":\\\"IN\\\"}],\\\"srcaddr\\\":\\\"172.31.86.159\\\",\\\"srcids\\\":{}}"
#define SUB(m1, m2) "{\"messageType\":\"DATA_MESSAGE\",\"owner\":\"111122223333\",\"logGroup\":\"r53\"," \
	"\"logStream\":\"vpc-1\",\"subscriptionFilters\":[\"f\"],\"logEvents\":[{\"id\":\"1\"," \
	"\"timestamp\":1639262786000,\"message\":\"" m1 "\"},{\"id\":\"2\",\"timestamp\":1639262786000," \
	"\"message\":\"" m2 "\"}]}"
	assert_int_equal(imp(LB_FMT_AUTO,
		"{\"messageType\":\"CONTROL_MESSAGE\",\"owner\":\"CloudwatchLogs\",\"logGroup\":\"\","
		"\"logStream\":\"\",\"subscriptionFilters\":[],\"logEvents\":[{\"id\":\"\",\"timestamp\":1,"
		"\"message\":\"CWL CONTROL MESSAGE: Checking health of destination Firehose.\"}]}"
		SUB(R53("a.example.com.", "192.0.2.1"), R53("b.example.com.", "192.0.2.2"))
		SUB(R53("c.example.com.", "192.0.2.3"), R53("d.example.com.", "192.0.2.4")) "\n"
		"2021-12-11T22:46:27.000Z {\"query_timestamp\":\"2021-12-11T22:46:27Z\",\"query_name\":"
		"\"e.example.com.\",\"query_type\":\"A\",\"rcode\":\"NXDOMAIN\",\"answers\":[]}\n"), 0);
#undef R53
#undef SUB
	has("RR a.example.com. A 192.0.2.1 ttl=0 sec=0 t=1639262786 route53\n");
	has("RR b.example.com. A 192.0.2.2 ");
	has("RR c.example.com. A 192.0.2.3 ");
	has("RR d.example.com. A 192.0.2.4 ");
	has("NEG e.example.com. A NXDOMAIN");
	hasnt("172.31");
	assert_int_equal(cnt.skip[LB_SKIP_NOT_DNS], 1);
	assert_int_equal(lb_src_bad_total(&cnt), 0);
}

/* Route 53 public DNS query logging (hosted zones): text lines without
 * answers; a denial is Route 53's own (they were unknown_format). */
static void route53_public_query_log(void **st)
{
	(void)st;
	assert_int_equal(imp(LB_FMT_AUTO,
		"1.0 2017-12-13T08:16:02.130Z Z123412341234 example.com A NOERROR UDP FRA6 192.168.1.1 -\n"
		"1.0 2017-12-13T08:15:50.235Z Z123412341234 nx.example.com AAAA NXDOMAIN UDP IAD12 "
		"192.168.3.1 192.168.222.0/24\n"
		"2017-12-13T08:15:51.000Z 1.0 2017-12-13T08:15:50.342Z Z123412341234 r.example.com A "
		"REFUSED TCP IAD12 192.168.3.1 -\n"
		"1.0 2017-12-13T08:15:52.000Z Z123412341234 f.example.com A FORMERR UDP IAD12 192.168.3.1 -\n"
		"1.0 2017-12-13T08:15:53.000Z Z123412341234 short\n"), 0);
	has("NEG nx.example.com. AAAA NXDOMAIN");
	has("NEG r.example.com. A REFUSED");
	hasnt("RR ");
	hasnt("192.168.");
	assert_int_equal(cnt.negatives, 2);
	assert_int_equal(cnt.skip[LB_SKIP_QUERY], 1);
	assert_int_equal(cnt.skip[LB_SKIP_RCODE], 1);
	assert_int_equal(cnt.bad[LB_BAD_FIELDS], 1);
	assert_int_equal(lb_src_bad_total(&cnt), 1);
}

/* ---- passivedns ---- */

static void passivedns(void **st)
{
	(void)st;
	assert_int_equal(imp(LB_FMT_AUTO,
		"1322849924.408856||10.1.1.1||8.8.8.8||IN||www.example.com.||A||192.0.2.1||300||3\n"
		"1322849924.408856||10.1.1.2||8.8.8.8||IN||www.example.com.||A||192.0.2.2||300||3\n"
		"1322849925.000000||10.1.1.1||8.8.8.8||IN||www.example.com.||A||192.0.2.3||300||1\n"
		"1322849926.5||10.1.1.1||8.8.8.8||IN||nx.example.com.||AAAA||NXDOMAIN||0||1\n"
		"1322849927||10.1.1.1||8.8.8.8||IN||m.example.com.||MX||10 mx.example.com.||60\n"
		"1322849927||10.1.1.1||8.8.8.8||IN||m.example.com.||MX\n"
		"1322849927||10.1.1.1||8.8.8.8||IN||m.example.com.||BOGUS||x||60||1\n"), 0);
	has("AGG www.example.com. A 192.0.2.1;192.0.2.2 1322849924 1322849924 3 0 0 bw=- passivedns");
	has("AGG www.example.com. A 192.0.2.3 1322849925 1322849925 1 ");
	has("NEG nx.example.com. AAAA NXDOMAIN");
	has("AGG m.example.com. MX 10 mx.example.com. 1322849927 1322849927 1 ");
	hasnt("10.1.1.");
	assert_int_equal(cnt.bad[LB_BAD_FIELDS], 1);
	assert_int_equal(cnt.bad[LB_BAD_TYPE], 1);
	/* passivedns prints a TXT record's first string alone and NSEC3 without
	 * its bitmap: a full first string (255 octets) or an NSEC3 leaves the
	 * set out (lossy); a shorter string is the record */
	char txt[512];
	snprintf(txt, sizeof txt, "1322849930||10.1.1.1||8.8.8.8||IN||dkim.example.com.||TXT||\"%0255d\"||60||1\n", 0);
	char lines[2048];
	snprintf(lines, sizeof lines, "%s%s%s", txt,
		 "1322849931||10.1.1.1||8.8.8.8||IN||t.example.com.||TXT||\"v=spf1 -all\"||60||1\n",
		 "1322849932||10.1.1.1||8.8.8.8||IN||h.example.com.||NSEC3||1 0 0 - 2T7B4G4VSA5SMI47K61MV5BV1A22BOJR||60||1\n");
	assert_int_equal(imp(LB_FMT_PASSIVEDNS, lines), 0);
	has("AGG t.example.com. TXT \"v=spf1 -all\"");
	hasnt("dkim.example.com.");
	hasnt("h.example.com.");
	assert_int_equal(cnt.skip[LB_SKIP_LOSSY], 2);
}

/* What passivedns (dns.c) really prints: MX, SRV, SOA and RP as one rdata
 * field (they were bad_rdata lines: every real log with MX exited 2), error
 * records for SERVFAIL, REFUSED and other rcodes (SERVFAIL was bad_rdata),
 * and, for a question type it has no name for, a number that is not the
 * question's type. */
static void passivedns_real_forms(void **st)
{
	(void)st;
	assert_int_equal(imp(LB_FMT_PASSIVEDNS,
		"1528361225.123456||192.0.2.10||192.0.2.53||IN||example.com.||MX||mail.example.com.||3600||1\n"
		"1528361225.123456||192.0.2.10||192.0.2.53||IN||example.com.||MX||mx2.example.com.||3600||1\n"
		"1528361226.000001||192.0.2.10||192.0.2.53||IN||_sip._udp.example.com.||SRV||sip.example.com.||60||2\n"
		"1528361227.000001||192.0.2.10||192.0.2.53||IN||example.com.||SOA||ns1.example.com.||60||1\n"
		"1528361228.000001||192.0.2.10||192.0.2.53||IN||www.example.com.||A||192.0.2.80||60||4\n"
		"1528361229.000001||192.0.2.10||192.0.2.53||IN||sf.example.com.||A||SERVFAIL||0||1\n"
		"1528361230.000001||192.0.2.10||192.0.2.53||IN||rf.example.com.||AAAA||REFUSED||0||1\n"
		"1528361231.000001||192.0.2.10||192.0.2.53||IN||fe.example.com.||A||FORMERR||0||1\n"
		"1528361232.000001||192.0.2.10||192.0.2.53||IN||svc.example.com.||1||NXDOMAIN||0||1\n"
		"1528361233.000001||192.0.2.10||192.0.2.53||IN||x.example.com.||A||UNKNOWN-ERROR-11||0||1\n"), 0);
	has("AGG www.example.com. A 192.0.2.80 1528361228 1528361228 4 0 0 bw=- passivedns");
	has("NEG sf.example.com. A SERVFAIL");
	has("NEG rf.example.com. AAAA REFUSED");
	hasnt(" MX ");
	hasnt(" SRV ");
	hasnt(" SOA ");
	hasnt("svc.example.com");
	hasnt("fe.example.com");
	assert_int_equal(cnt.skip[LB_SKIP_LOSSY], 4);
	assert_int_equal(cnt.skip[LB_SKIP_RCODE], 2);
	assert_int_equal(cnt.negatives, 2);
	assert_int_equal(lb_src_bad_total(&cnt), 0);
}

/* passivedns -j writes JSON objects (members as -f selects them), and -f H
 * a "YYYY-MM-DD HH:MM:SS.ffffff" time: both were unknown_format/bad_time. */
static void passivedns_json_and_ymdhms(void **st)
{
	(void)st;
#define PJ(ts, q, t, a, ttl, c) "{\"timestamp_s\":" ts ",\"timestamp_ms\":123456,\"client\":\"192.0.2.10\"," \
	"\"server\":\"192.0.2.53\",\"class\":\"IN\",\"query\":\"" q "\",\"type\":\"" t "\",\"answer\":\"" a \
	"\",\"ttl\":" ttl ",\"count\":" c "}\n"
	assert_int_equal(imp(LB_FMT_AUTO,
		PJ("1528361225", "www.example.com.", "A", "192.0.2.80", "60", "4")
		PJ("1528361225", "www.example.com.", "A", "192.0.2.81", "60", "4")
		PJ("1528361226", "t.example.com.", "TXT", "\\\"v=spf1 -all\\\"", "60", "1")
		PJ("1528361227", "nx.example.com.", "AAAA", "NXDOMAIN", "0", "1")
		"{\"timestamp_s\":1528361228,\"class\":\"IN\",\"query\":\"x.example.com.\",\"type\":\"A\","
		"\"answer\":\"192.0.2.9\",\"ttl\":5}\n"
		"{\"timestamp_s\":1528361228,\"class\":\"IN\",\"query\":\"x.example.com.\",\"type\":\"A\"}\n"), 0);
#undef PJ
	has("AGG www.example.com. A 192.0.2.80;192.0.2.81 1528361225 1528361225 4 0 0 bw=- passivedns\n");
	has("AGG t.example.com. TXT \"v=spf1 -all\" 1528361226 1528361226 1 ");
	has("NEG nx.example.com. AAAA NXDOMAIN");
	has("AGG x.example.com. A 192.0.2.9 1528361228 1528361228 1 ");
	hasnt("192.0.2.10");
	assert_int_equal(cnt.bad[LB_BAD_FIELDS], 1);
	assert_int_equal(lb_src_bad_total(&cnt), 1);
	assert_int_equal(imp(LB_FMT_PASSIVEDNS,
		"2018-06-07 08:47:05.123456||192.0.2.10||192.0.2.53||IN||www.example.com.||A||192.0.2.80||60||4\n"), 0);
	has("AGG www.example.com. A 192.0.2.80 1528361225 1528361225 4 ");
	assert_int_equal(lb_src_bad_total(&cnt), 0);
}

/* ---- COF ---- */

static void cof(void **st)
{
	(void)st;
	assert_int_equal(imp(LB_FMT_AUTO,
		"{\"cond\":\"begin\"}\n"
		"{\"obj\":{\"count\":5,\"time_first\":1600000000,\"time_last\":1600100000,\"rrname\":"
		"\"www.Example.com.\",\"rrtype\":\"A\",\"bailiwick\":\"example.com.\",\"rdata\":"
		"[\"192.0.2.2\",\"192.0.2.1\"]}}\n"
		"{\"cond\":\"ongoing\",\"obj\":{\"zone_time_first\":1500000000,\"zone_time_last\":1500000001,"
		"\"rrname\":\"example.com\",\"rrtype\":\"NS\",\"rdata\":\"ns1.example.com.\"}}\n"
		"{\"obj\":{\"time_first\":\"2019-04-17T00:47:27Z\",\"time_last\":\"2019-04-18 00:00:00\","
		"\"rrname\":\"t.example.com.\",\"rrtype\":65280,\"rdata\":[\"\\\\# 2 abcd\"],\"sensor_id\":\"s9\"}}\n"
		"{\"obj\":{\"time_first\":1600000001,\"time_last\":1600000000,\"rrname\":\"a.\",\"rrtype\":\"A\","
		"\"rdata\":[\"1.2.3.4\"]}}\n"
		"{\"obj\":{\"time_first\":1,\"time_last\":2,\"rrname\":\"a.\",\"rrtype\":\"A\",\"rdata\":[\"x\"]}}\n"
		"{\"obj\":{\"rrname\":\"flex.example.\",\"rrtype\":\"A\"}}\n"
		/* past 9999-12-31 (LB_TIME_MAX): its timeline's days would not fit */
		"{\"obj\":{\"time_first\":1,\"time_last\":1000000000000000,\"rrname\":\"far.example.\","
		"\"rrtype\":\"A\",\"rdata\":[\"192.0.2.9\"]}}\n"
		"{\"cond\":\"limited\",\"msg\":\"Result limit reached\"}\n"), 0);
	has("AGG www.example.com. A 192.0.2.1;192.0.2.2 1600000000 1600100000 5 0 0 bw=example.com. cof");
	has("AGG example.com. NS ns1.example.com. 0 0 0 1500000000 1500000001 bw=- cof");
	has("AGG t.example.com. TYPE65280 \\# 2 ABCD 1555462047 1555545600 1 0 0 bw=- s9");
	hasnt("far.example.");
	assert_int_equal(cnt.bad[LB_BAD_TIME], 2);
	assert_int_equal(cnt.bad[LB_BAD_RDATA], 1);
	assert_int_equal(cnt.skip[LB_SKIP_NOT_DNS], 1);
	assert_int_equal(cnt.bad[LB_BAD_TRUNCATED], 0);
	/* a stream cut before its terminator, and one that failed */
	assert_int_equal(imp(LB_FMT_COF, "{\"cond\":\"begin\"}\n{\"obj\":{\"time_first\":1,"
		"\"time_last\":2,\"rrname\":\"a.\",\"rrtype\":\"A\",\"rdata\":[\"1.2.3.4\"]}}\n"), 0);
	assert_int_equal(cnt.bad[LB_BAD_TRUNCATED], 1);
	assert_int_equal(cnt.aggregated, 1);
	assert_int_equal(imp(LB_FMT_COF, "{\"cond\":\"begin\"}\n{\"cond\":\"failed\",\"msg\":\"x\"}\n"), 0);
	assert_int_equal(cnt.bad[LB_BAD_TRUNCATED], 1);
	/* --source overrides sensor_id */
	lb_src_opts_t o = { .fmt = LB_FMT_COF, .source = "feed1" };
	assert_int_equal(imp_opts(&o, "{\"time_first\":1,\"time_last\":2,\"rrname\":\"a.\","
		"\"rrtype\":\"A\",\"rdata\":\"1.2.3.4\",\"sensor_id\":\"other\"}\n"), 0);
	has("AGG a. A 1.2.3.4 1 2 1 0 0 bw=- feed1");
	/* a bailiwick must be at or above the owner (the zone it came from) */
	assert_int_equal(imp(LB_FMT_COF,
		"{\"time_first\":1,\"time_last\":2,\"rrname\":\"h.example.com.\",\"rrtype\":\"NS\","
		"\"rdata\":[\"ns.example.com.\"],\"bailiwick\":\"other.org.\"}\n"
		"{\"time_first\":1,\"time_last\":2,\"rrname\":\"h.example.com.\",\"rrtype\":\"NS\","
		"\"rdata\":[\"ns.example.com.\"],\"bailiwick\":\"example.com.\"}\n"), 0);
	assert_int_equal(cnt.bad[LB_BAD_NAME], 1);
	has("bw=example.com.");
	hasnt("bw=other.org.");
}

/* DNSDB answers that are not COF records (a flex search's rdata rows, a
 * summarize) are skipped, not bad lines; a count written as 2.0 or "5". */
static void cof_other_rows_and_counts(void **st)
{
	(void)st;
	assert_int_equal(imp(LB_FMT_COF,
		"{\"cond\":\"begin\"}\n"
		"{\"obj\":{\"rdata\":\"104.244.13.104\",\"rrtype\":\"A\",\"raw_rdata\":\"68F40D68\"}}\n"
		"{\"obj\":{\"count\":12,\"num_results\":3,\"time_first\":1380139330,\"time_last\":1427881899}}\n"
		"{\"cond\":\"succeeded\"}\n"), 0);
	assert_int_equal(cnt.skip[LB_SKIP_NOT_DNS], 2);
	assert_int_equal(lb_src_bad_total(&cnt), 0);
	assert_int_equal(imp(LB_FMT_COF,
		"{\"rrname\":\"x.example.\",\"rrtype\":\"A\",\"rdata\":[\"192.0.2.1\"],\"time_first\":1,"
		"\"time_last\":2,\"count\":\"5\"}\n"
		"{\"rrname\":\"y.example.\",\"rrtype\":\"A\",\"rdata\":[\"192.0.2.2\"],\"time_first\":1,"
		"\"time_last\":2,\"count\":2.0}\n"
		"{\"rrname\":\"z.example.\",\"rrtype\":\"A\",\"rdata\":[\"192.0.2.3\"],\"time_first\":1,"
		"\"time_last\":2,\"count\":2.5}\n"
		"{\"rdata\":[\"192.0.2.4\"],\"rrtype\":\"A\",\"time_first\":1,\"time_last\":2}\n"), 0);
	has("AGG x.example. A 192.0.2.1 1 2 5 ");
	has("AGG y.example. A 192.0.2.2 1 2 2 ");
	hasnt("z.example.");
	assert_int_equal(cnt.bad[LB_BAD_FIELDS], 2);
}

/* ---- zone files ---- */

static void detection(void **st)
{
	(void)st;
	assert_int_equal(lb_src_detect("#separator \\x09", 15), LB_FMT_ZEEK);
	const char *l;
	l = "{\"timestamp\":\"x\",\"event_type\":\"dns\"}";
	assert_int_equal(lb_src_detect(l, strlen(l)), LB_FMT_SURICATA);
	l = "{\"cond\":\"begin\"}";
	assert_int_equal(lb_src_detect(l, strlen(l)), LB_FMT_COF);
	l = "{\"query_timestamp\":\"x\"}";
	assert_int_equal(lb_src_detect(l, strlen(l)), LB_FMT_ROUTE53);
	l = "1||2||3||IN||a||A||1.2.3.4||1||1";
	assert_int_equal(lb_src_detect(l, strlen(l)), LB_FMT_PASSIVEDNS);
	l = "$ORIGIN example.";
	assert_int_equal(lb_src_detect(l, strlen(l)), LB_FMT_ZONE);
	l = "example. 3600 IN SOA a b 1 2 3 4 5";
	assert_int_equal(lb_src_detect(l, strlen(l)), LB_FMT_ZONE);
	l = "hello world";
	assert_int_equal(lb_src_detect(l, strlen(l)), LB_FMT_AUTO);
	assert_int_equal(imp(LB_FMT_AUTO, "\n\nhello world\n"), 0);
	assert_int_equal(cnt.bad[LB_BAD_FORMAT], 1);
	enum lb_src_fmt f;
	assert_int_equal(lb_src_fmt_from_name("zone", &f), 0);
	assert_int_equal(f, LB_FMT_ZONE);
	assert_int_equal(lb_src_fmt_from_name("nope", &f), LB_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(zeek_chain_split),
		cmocka_unit_test(zeek_ambiguous_lossy_and_skips),
		cmocka_unit_test(zeek_txt_escapes_negatives),
		cmocka_unit_test(meta_qtype_no_negative),
		cmocka_unit_test(opcode_not_query),
		cmocka_unit_test(zeek_nodata_flags),
		cmocka_unit_test(zeek_root_and_escapes),
		cmocka_unit_test(zeek_label_names),
		cmocka_unit_test(zeek_truncated),
		cmocka_unit_test(zeek_bad_lines),
		cmocka_unit_test(zeek_json),
		cmocka_unit_test(suricata_v2_v3),
		cmocka_unit_test(suricata_v1),
		cmocka_unit_test(suricata_v1_query_type),
		cmocka_unit_test(splunk_export_rows),
		cmocka_unit_test(suricata_root_name),
		cmocka_unit_test(suricata_truncated),
		cmocka_unit_test(suricata_truncated_names),
		cmocka_unit_test(suricata_v1_truncated_names),
		cmocka_unit_test(suricata_cee_prefix),
		cmocka_unit_test(suricata_nodata),
		cmocka_unit_test(suricata_unrelated),
		cmocka_unit_test(suricata_bad),
		cmocka_unit_test(suricata_rdata_fast_paths),
		cmocka_unit_test(suricata_name_bytes),
		cmocka_unit_test(suricata_mdns),
		cmocka_unit_test(route53),
		cmocka_unit_test(route53_cloudwatch),
		cmocka_unit_test(route53_public_query_log),
		cmocka_unit_test(passivedns),
		cmocka_unit_test(passivedns_real_forms),
		cmocka_unit_test(passivedns_json_and_ymdhms),
		cmocka_unit_test(cof),
		cmocka_unit_test(cof_other_rows_and_counts),
		cmocka_unit_test(detection),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
