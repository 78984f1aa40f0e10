/* test_import.c - the log and feed importers on samples written here: Zeek
 * TSV/JSON (chain split, ambiguous chains, lossy types, escapes), logs
 * exported from Splunk, Route 53, passivedns, COF/SAF, detection, bad-line
 * accounting.  Suricata EVE: test_import_suricata.c; zone files:
 * test_import_zone.c. */
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

/* ---- logs exported from Splunk ---- */

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

/* The source lines `lookback export` writes before a whole store's records
 * (each source's own freshness, which records cannot carry: an export and
 * import lost it, each source's newest taken from the merged records it was
 * named in): read, detected as COF when first, checked like records; with
 * --source counted and not given. */
static void cof_source_lines(void **st)
{
	(void)st;
	assert_int_equal(imp(LB_FMT_AUTO,
		"{\"source\":\"new\",\"time_first\":1700500000,\"time_last\":1700600000,\"count\":3}\n"
		"{\"source\":\"old\",\"time_first\":1700000000,\"time_last\":1700000100}\n"
		"{\"source\":\"\",\"time_first\":1,\"time_last\":2,\"count\":1}\n"
		"{\"source\":\"@ingest:0000000000000001\",\"time_first\":1,\"time_last\":2,\"count\":1}\n"
		"{\"source\":\"x\",\"time_first\":1,\"time_last\":2,\"count\":-1}\n"
		"{\"source\":\"x\",\"time_first\":3,\"time_last\":2,\"count\":1}\n"
		"{\"source\":\"x\",\"time_first\":3,\"count\":1}\n"
		"{\"source\":\"x\",\"time_first\":1,\"time_last\":1000000000000000}\n"
		"{\"source\":7,\"time_first\":1,\"time_last\":2}\n"
		"{\"rrname\":\"a.example.\",\"rrtype\":\"A\",\"rdata\":[\"192.0.2.1\"],\"time_first\":1700000000,"
		"\"time_last\":1700600000,\"count\":5,\"sensor_id\":\"old\",\"sensor_ids\":[\"old\",\"new\"],"
		"\"source\":\"not a source line\"}\n"), 0);
	has("SRC new 1700500000 1700600000 3\n");
	has("SRC old 1700000000 1700000100 0\n");
	has("AGG a.example. A 192.0.2.1 1700000000 1700600000 5 0 0 bw=- old");
	hasnt("SRC x");
	hasnt("SRC @");
	assert_int_equal(cnt.sources, 2);
	assert_int_equal(cnt.bad[LB_BAD_FIELDS], 4); /* empty name, bookmark, count -1, not a string */
	assert_int_equal(cnt.bad[LB_BAD_TIME], 3);   /* first > last, no last, past 9999 */
	assert_int_equal(cnt.aggregated, 1);
	const char *l = "{\"source\":\"s1\",\"time_first\":1,\"time_last\":2,\"count\":1}";
	assert_int_equal(lb_src_detect(l, strlen(l)), LB_FMT_COF);
	/* --source: every record is that source's; its lines are not given */
	lb_src_opts_t o = { .fmt = LB_FMT_COF, .source = "feed1" };
	assert_int_equal(imp_opts(&o, "{\"source\":\"s1\",\"time_first\":1,\"time_last\":2,\"count\":1}\n"), 0);
	assert_int_equal(cnt.sources, 1);
	hasnt("SRC");
}

/* Regression: a COF denial ("negative":true, as lookback export writes
 * them) of any rcode was imported - FORMERR, NOTIMP, and an AXFR's REFUSED
 * (a transfer policy) became stored denials no other source and no packet
 * gives (they skip them as other_rcode; observe/obs.c); now other_rcode too.
 * NODATA (NOERROR), NXDOMAIN, SERVFAIL and REFUSED are kept. */
static void cof_negative_rcodes(void **st)
{
	(void)st;
	assert_int_equal(imp(LB_FMT_COF,
		"{\"rrname\":\"nx.example.\",\"rrtype\":\"A\",\"negative\":true,\"rcode\":\"NXDOMAIN\","
		"\"rdata\":[],\"time_first\":100,\"time_last\":200,\"count\":3}\n"
		"{\"rrname\":\"nd.example.\",\"rrtype\":\"AAAA\",\"negative\":true,\"rcode\":0,"
		"\"rdata\":[],\"time_first\":100,\"time_last\":200}\n"
		"{\"rrname\":\"sf.example.\",\"rrtype\":\"A\",\"negative\":true,\"rcode\":\"SERVFAIL\","
		"\"rdata\":[],\"time_first\":100,\"time_last\":200}\n"
		"{\"rrname\":\"fe.example.\",\"rrtype\":\"A\",\"negative\":true,\"rcode\":\"FORMERR\","
		"\"rdata\":[],\"time_first\":100,\"time_last\":200}\n"
		"{\"rrname\":\"ni.example.\",\"rrtype\":\"A\",\"negative\":true,\"rcode\":4,"
		"\"rdata\":[],\"time_first\":100,\"time_last\":200}\n"
		"{\"rrname\":\"ax.example.\",\"rrtype\":\"AXFR\",\"negative\":true,\"rcode\":\"REFUSED\","
		"\"rdata\":[],\"time_first\":100,\"time_last\":200}\n"), 0);
	has("AGGNEG nx.example. A NXDOMAIN 100 200 3");
	has("AGGNEG nd.example. AAAA NOERROR 100 200 1");
	has("AGGNEG sf.example. A SERVFAIL 100 200 1");
	hasnt("fe.example.");
	hasnt("ni.example.");
	hasnt("ax.example.");
	assert_int_equal(cnt.negatives, 3);
	assert_int_equal(cnt.skip[LB_SKIP_RCODE], 3);
	assert_int_equal(lb_src_bad_total(&cnt), 0);
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
		cmocka_unit_test(splunk_export_rows),
		cmocka_unit_test(route53),
		cmocka_unit_test(route53_cloudwatch),
		cmocka_unit_test(route53_public_query_log),
		cmocka_unit_test(passivedns),
		cmocka_unit_test(passivedns_real_forms),
		cmocka_unit_test(passivedns_json_and_ymdhms),
		cmocka_unit_test(cof),
		cmocka_unit_test(cof_other_rows_and_counts),
		cmocka_unit_test(cof_source_lines),
		cmocka_unit_test(cof_negative_rcodes),
		cmocka_unit_test(detection),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
