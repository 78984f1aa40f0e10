/* test_import_suricata.c - the Suricata EVE importer on samples written here:
 * v1 (one event per RR, failure events and their query events), v2 detailed
 * and grouped, v3, mDNS; the root name, name bytes, the "@cee: " prefix,
 * truncated names and responses, NODATA, answers off the chain, bad lines,
 * the rdata fast paths.  LLMNR: test_import_suricata_llmnr.c; the other
 * importers: test_import.c. */
#include "import_harness.h"

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

/* Suricata's C logger (2.0 to 4.1 built without Rust; src/output-json-dns.c
 * LogAnswers) writes a failed response's failure event, then every answer,
 * then every authority, each with the response's rcode; the Rust one (4.1
 * on) the failure event and the authorities only.  The answers of a failed
 * response are the question's CNAME chain, and its rcode speaks of the
 * chain's last name (RFC 6604 2.1), as the packet path stores it: the
 * denial at the end of the chain, the CNAMEs as answers; a chain that
 * loops speaks of no name.  Before, the denial was the question's name's
 * (an NXDOMAIN of a name that has a CNAME), or none at all when the SOA was
 * of the target's zone, and the CNAMEs were authorities. */
static void suricata_v1_fail_chain(void **st)
{
	(void)st;
#define Q(ts, flow, id, name, type) "{\"timestamp\":\"2019-03-02T10:00:0" ts ".250000+0100\"," \
	"\"flow_id\":" flow ",\"event_type\":\"dns\",\"dns\":{\"type\":\"query\",\"id\":" id \
	",\"rrname\":\"" name "\",\"rrtype\":\"" type "\",\"tx_id\":0}}\n"
#define F(ts, flow, id, rc, name) "{\"timestamp\":\"2019-03-02T10:00:0" ts ".500000+0100\"," \
	"\"flow_id\":" flow ",\"event_type\":\"dns\",\"dns\":{\"type\":\"answer\",\"id\":" id \
	",\"rcode\":\"" rc "\",\"rrname\":\"" name "\"}}\n"
#define RR(ts, flow, id, rc, body) "{\"timestamp\":\"2019-03-02T10:00:0" ts ".500000+0100\"," \
	"\"flow_id\":" flow ",\"event_type\":\"dns\",\"dns\":{\"type\":\"answer\",\"id\":" id \
	",\"rcode\":\"" rc "\"," body "}}\n"
#define CN(a, b) "\"rrname\":\"" a "\",\"rrtype\":\"CNAME\",\"ttl\":30,\"rdata\":\"" b "\""
#define SOA(z) "\"rrname\":\"" z "\",\"rrtype\":\"SOA\",\"ttl\":60"
	assert_int_equal(imp(LB_FMT_SURICATA,
		/* a CNAME out of the zone, the target's zone's SOA; the type from the query */
		Q("1", "40", "50", "www.c.test", "A")
		F("1", "40", "50", "NXDOMAIN", "www.c.test")
		RR("1", "40", "50", "NXDOMAIN", CN("www.c.test", "gone.cdn.test"))
		RR("1", "40", "50", "NXDOMAIN", SOA("cdn.test"))
		/* a chain of two in the zone, no query event: ANY */
		F("2", "41", "51", "NXDOMAIN", "a.c.test")
		RR("2", "41", "51", "NXDOMAIN", CN("a.c.test", "b.c.test"))
		RR("2", "41", "51", "NXDOMAIN", CN("b.c.test", "nope.c.test"))
		RR("2", "41", "51", "NXDOMAIN", SOA("c.test"))
		/* a loop: of no name */
		F("3", "42", "52", "NXDOMAIN", "l1.c.test")
		RR("3", "42", "52", "NXDOMAIN", CN("l1.c.test", "l2.c.test"))
		RR("3", "42", "52", "NXDOMAIN", CN("l2.c.test", "l1.c.test"))
		RR("3", "42", "52", "NXDOMAIN", SOA("c.test"))
		/* a SERVFAIL of the chain's end, its type from the query */
		Q("4", "43", "53", "s.c.test", "AAAA")
		F("4", "43", "53", "SERVFAIL", "s.c.test")
		RR("4", "43", "53", "SERVFAIL", CN("s.c.test", "t.d.test"))
		/* the Rust logger's form, no answers: the SOA of another zone
		 * than the question's still says the denial is elsewhere */
		F("5", "44", "54", "NXDOMAIN", "www.shop.test")
		RR("5", "44", "54", "NXDOMAIN", SOA("cdn.test"))), 0);
#undef Q
#undef F
#undef RR
#undef CN
#undef SOA
	has("RR www.c.test. CNAME gone.cdn.test. ttl=30 sec=0 t=1551517201 suricata\n");
	has("NEG gone.cdn.test. A NXDOMAIN\n");
	has("RR a.c.test. CNAME b.c.test. ttl=30 sec=0 t=1551517202 suricata\n");
	has("RR b.c.test. CNAME nope.c.test. ttl=30 sec=0 t=1551517202 suricata\n");
	has("NEG nope.c.test. ANY NXDOMAIN\n");
	has("RR l1.c.test. CNAME l2.c.test. ttl=30 sec=0 ");
	has("RR l2.c.test. CNAME l1.c.test. ttl=30 sec=0 ");
	has("RR s.c.test. CNAME t.d.test. ttl=30 sec=0 t=1551517204 suricata\n");
	has("NEG t.d.test. AAAA SERVFAIL\n");
	hasnt("NEG www.c.test");
	hasnt("NEG a.c.test");
	hasnt("NEG l1");
	hasnt("NEG l2");
	hasnt("NEG s.c.test");
	hasnt("shop");
	hasnt("sec=1");
	assert_int_equal(cnt.negatives, 3);
	assert_int_equal(lb_src_bad_total(&cnt), 0);
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

/* A failed response whose CNAME chain loops (or runs past 16 links) speaks
 * of no name: the packet path (observe/obs.c chain_walk) records no denial.
 * The detailed EVE answers gave one of the question's name. */
static void suricata_chain_loop_no_denial(void **st)
{
	(void)st;
	assert_int_equal(imp(LB_FMT_SURICATA,
		"{\"timestamp\":\"2025-01-29T07:53:01Z\",\"event_type\":\"dns\",\"dns\":{\"version\":3,"
		"\"type\":\"response\",\"rcode\":\"NXDOMAIN\",\"queries\":[{\"rrname\":\"l1.org\","
		"\"rrtype\":\"A\"}],\"answers\":[{\"rrname\":\"l1.org\",\"rrtype\":\"CNAME\",\"ttl\":9,"
		"\"rdata\":\"l2.org\"},{\"rrname\":\"l2.org\",\"rrtype\":\"CNAME\",\"ttl\":9,"
		"\"rdata\":\"l1.org\"}]}}\n"
		"{\"timestamp\":\"2025-01-29T07:53:02Z\",\"event_type\":\"dns\",\"dns\":{\"version\":2,"
		"\"type\":\"answer\",\"rcode\":\"SERVFAIL\",\"rrname\":\"m1.org\",\"rrtype\":\"AAAA\","
		"\"answers\":[{\"rrname\":\"m1.org\",\"rrtype\":\"CNAME\",\"ttl\":9,\"rdata\":\"m1.org\"}]}}\n"
		/* the chain's end, as before */
		"{\"timestamp\":\"2025-01-29T07:53:03Z\",\"event_type\":\"dns\",\"dns\":{\"version\":3,"
		"\"type\":\"response\",\"rcode\":\"NXDOMAIN\",\"queries\":[{\"rrname\":\"e1.org\","
		"\"rrtype\":\"A\"}],\"answers\":[{\"rrname\":\"e1.org\",\"rrtype\":\"CNAME\",\"ttl\":9,"
		"\"rdata\":\"e2.org\"}]}}\n"), 0);
	has("RR l1.org. CNAME l2.org. ttl=9 sec=0 ");
	has("RR l2.org. CNAME l1.org. ttl=9 sec=0 ");
	has("RR m1.org. CNAME m1.org. ttl=9 sec=0 ");
	has("NEG e2.org. A NXDOMAIN\n");
	hasnt("NEG l");
	hasnt("NEG m");
	assert_int_equal(cnt.negatives, 1);
	assert_int_equal(cnt.skip[LB_SKIP_LOSSY], 2);
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(suricata_v2_v3),
		cmocka_unit_test(suricata_v1),
		cmocka_unit_test(suricata_v1_query_type),
		cmocka_unit_test(suricata_v1_fail_chain),
		cmocka_unit_test(suricata_root_name),
		cmocka_unit_test(suricata_truncated),
		cmocka_unit_test(suricata_truncated_names),
		cmocka_unit_test(suricata_v1_truncated_names),
		cmocka_unit_test(suricata_cee_prefix),
		cmocka_unit_test(suricata_nodata),
		cmocka_unit_test(suricata_unrelated),
		cmocka_unit_test(suricata_chain_loop_no_denial),
		cmocka_unit_test(suricata_bad),
		cmocka_unit_test(suricata_rdata_fast_paths),
		cmocka_unit_test(suricata_name_bytes),
		cmocka_unit_test(suricata_mdns),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
