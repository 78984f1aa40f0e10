/* test_import_suricata_llmnr.c - Suricata 9's LLMNR events (event_type
 * "llmnr", rust/src/llmnr/log.rs; suricata-verify tests/llmnr): written
 * as its mDNS events are (a record's data under its type's name in lower
 * case, no TTL), flags "c", "tc", "t" and no rcode; and the first LLMNR
 * logger's (rust/src/llmnr/logger.rs, suricata-verify's llmnr tests before
 * 9.0): records as DNS v3 writes them (rrtype, ttl, rdata; grouped too),
 * flags a hex string, "c"/"tc"/"t" booleans.  The other Suricata tests are
 * in test_import_suricata.c. */
#include "import_harness.h"

#define LLMNR(ports, body) "{\"timestamp\":\"2026-01-10T10:00:00.250000+0000\",\"flow_id\":1," \
	"\"event_type\":\"llmnr\",\"src_ip\":\"192.168.1.200\"," ports "\"proto\":\"UDP\"," \
	"\"llmnr\":{" body "}}\n"
#define REPLY "\"src_port\":5355,\"dest_port\":49152,"

/* A response to a question, its answer, authority and additional records
 * kept as the packet path keeps LLMNR (capture --llmnr); the request is no
 * data.  Before event_type "llmnr" was read, both were not_dns. */
static void llmnr_response(void **st)
{
	(void)st;
	assert_int_equal(imp(LB_FMT_SURICATA,
		LLMNR("\"src_port\":49152,\"dest_port\":5355,", "\"type\":\"request\",\"id\":43981,"
		"\"opcode\":0,\"queries\":[{\"rrname\":\"test\",\"rrtype\":\"a\"}]")
		LLMNR(REPLY, "\"type\":\"response\",\"id\":43981,\"opcode\":0,"
		"\"queries\":[{\"rrname\":\"test\",\"rrtype\":\"a\"}],"
		"\"answers\":[{\"rrname\":\"test\",\"a\":\"192.168.1.10\"},"
		"{\"rrname\":\"test\",\"a\":\"192.168.1.11\"}],"
		"\"authorities\":[{\"rrname\":\"test\",\"ns\":\"ns.test\"}],"
		"\"additionals\":[{\"rrname\":\"ns.test\",\"aaaa\":\"fe80:0000:0000:0000:0000:0000:0000:0001\"}]")),
		0);
	has("RR test. A 192.168.1.10;192.168.1.11 ttl=0 sec=0 t=1768039200 suricata\n");
	has("RR test. NS ns.test. ttl=0 sec=1");
	has("RR ns.test. AAAA fe80::1 ttl=0 sec=2");
	assert_int_equal(cnt.skip[LB_SKIP_QUERY], 1);
	assert_int_equal(cnt.skip[LB_SKIP_NOT_DNS], 0);
	assert_int_equal(lb_src_bad_total(&cnt), 0);
}

/* TC (RFC 4795 2.1.1: the message was truncated) loses the last RRset
 * whatever the ports - unlike mDNS between port-5353 peers (RFC 6762
 * 18.5); an opcode other than 0 (RFC 4795 2.1.1: only 0 is LLMNR) and an
 * answer with no question are passed over; no rcode is logged, so no
 * denial: an empty response is nothing. */
static void llmnr_tc_opcode_empty(void **st)
{
	(void)st;
	assert_int_equal(imp(LB_FMT_SURICATA,
		LLMNR(REPLY, "\"type\":\"response\",\"id\":1,\"flags\":[\"tc\"],\"opcode\":0,"
		"\"queries\":[{\"rrname\":\"big\",\"rrtype\":\"a\"}],\"answers\":[{\"rrname\":\"big\","
		"\"a\":\"192.168.1.20\"},{\"rrname\":\"big2\",\"a\":\"192.168.1.21\"}]")
		LLMNR(REPLY, "\"type\":\"response\",\"id\":2,\"opcode\":15,"
		"\"queries\":[{\"rrname\":\"op\",\"rrtype\":\"a\"}],\"answers\":[{\"rrname\":\"op\","
		"\"a\":\"192.168.1.22\"}]")
		LLMNR(REPLY, "\"type\":\"response\",\"id\":3,\"flags\":[\"c\"],\"opcode\":0,"
		"\"queries\":[{\"rrname\":\"nx\",\"rrtype\":\"aaaa\"}],\"authorities\":[{\"rrname\":\"nx\","
		"\"soa\":{\"mname\":\"nx\",\"rname\":\"h.nx\",\"serial\":1,\"refresh\":2,\"retry\":3,"
		"\"expire\":4,\"minimum\":5}}]")), 0);
	has("RR big. A 192.168.1.20 ttl=0 sec=0");
	hasnt("big2");
	hasnt("192.168.1.22");
	has("RR nx. SOA nx. h.nx. 1 2 3 4 5 ttl=0 sec=1");
	hasnt("NEG");
	assert_int_equal(cnt.skip[LB_SKIP_NOT_DNS], 1);
	assert_int_equal(lb_src_bad_total(&cnt), 0);
}

/* The first LLMNR logger (rust/src/llmnr/logger.rs, before Suricata 9 had
 * log.rs; suricata-verify llmnr-udp/llmnr-tcp as they were): upper-case
 * rrtype in queries, "flags" the header as hex ("8000"), "tc": true when
 * set, and records as the DNS logger's detailed answers ({rrname, rrtype,
 * ttl, rdata | soa | srv}) with "grouped" beside them; no rcode.  The
 * records keep their TTLs; TXT strings are one answer each, as in DNS
 * events (two of one owner: lossy).  Its very first form put the object
 * under "dns" with event_type "llmnr".  Before, each record was bad_type
 * (the reader took "rrtype" for the member named after the type). */
static void llmnr_logger_v1(void **st)
{
	(void)st;
	assert_int_equal(imp(LB_FMT_SURICATA,
		LLMNR("\"src_port\":54022,\"dest_port\":5355,", "\"type\":\"request\",\"tx_id\":0,"
		"\"id\":49985,\"flags\":\"0\",\"opcode\":0,"
		"\"queries\":[{\"rrname\":\"hs2011\",\"rrtype\":\"A\"}]")
		LLMNR(REPLY, "\"type\":\"response\",\"tx_id\":0,\"id\":49985,\"flags\":\"8000\","
		"\"opcode\":0,\"queries\":[{\"rrname\":\"hs2011\",\"rrtype\":\"A\"}],"
		"\"answers\":[{\"rrname\":\"HS2011\",\"rrtype\":\"A\",\"ttl\":30,"
		"\"rdata\":\"192.168.10.101\"}],\"grouped\":{\"A\":[\"192.168.10.101\"]},"
		"\"authorities\":[{\"rrname\":\"hs2011\",\"rrtype\":\"SOA\",\"ttl\":60,"
		"\"soa\":{\"mname\":\"hs2011\",\"rname\":\"h.hs2011\",\"serial\":1,\"refresh\":2,"
		"\"retry\":3,\"expire\":4,\"minimum\":5}}],"
		"\"additionals\":[{\"rrname\":\"srv.hs2011\",\"rrtype\":\"SRV\",\"ttl\":30,"
		"\"srv\":{\"priority\":1,\"weight\":2,\"port\":445,\"name\":\"hs2011\"}},"
		"{\"rrname\":\"t.hs2011\",\"rrtype\":\"TXT\",\"ttl\":30,\"rdata\":\"a\"},"
		"{\"rrname\":\"t.hs2011\",\"rrtype\":\"TXT\",\"ttl\":30,\"rdata\":\"b\"}]")
		/* a truncated one: flags 0x8200 and "tc": the last RRset goes */
		LLMNR(REPLY, "\"type\":\"response\",\"tx_id\":1,\"id\":2,\"flags\":\"8200\","
		"\"tc\":true,\"opcode\":0,\"queries\":[{\"rrname\":\"big\",\"rrtype\":\"A\"}],"
		"\"answers\":[{\"rrname\":\"big\",\"rrtype\":\"A\",\"ttl\":30,\"rdata\":\"192.168.1.20\"},"
		"{\"rrname\":\"big2\",\"rrtype\":\"A\",\"ttl\":30,\"rdata\":\"192.168.1.21\"}]")
		/* the logger's first form: the object under "dns" */
		"{\"timestamp\":\"2026-01-10T10:00:01.000000+0000\",\"flow_id\":2,\"event_type\":\"llmnr\","
		"\"src_ip\":\"192.168.1.100\",\"src_port\":5355,\"dest_port\":12345,\"proto\":\"TCP\","
		"\"dns\":{\"type\":\"response\",\"tx_id\":0,\"id\":4660,\"flags\":\"8000\",\"opcode\":0,"
		"\"queries\":[{\"rrname\":\"workstation\",\"rrtype\":\"A\"}],"
		"\"answers\":[{\"rrname\":\"workstation\",\"rrtype\":\"A\",\"ttl\":1,"
		"\"rdata\":\"192.168.1.100\"}],\"grouped\":{\"A\":[\"192.168.1.100\"]}}}\n"), 0);
	has("RR hs2011. A 192.168.10.101 ttl=30 sec=0 t=1768039200 suricata\n");
	has("RR hs2011. SOA hs2011. h.hs2011. 1 2 3 4 5 ttl=60 sec=1");
	has("RR srv.hs2011. SRV 1 2 445 hs2011. ttl=30 sec=2");
	hasnt("t.hs2011");
	has("RR big. A 192.168.1.20 ttl=30 sec=0");
	hasnt("big2");
	has("RR workstation. A 192.168.1.100 ttl=1 sec=0 t=1768039201 suricata\n");
	hasnt("NEG");
	assert_int_equal(cnt.skip[LB_SKIP_QUERY], 1);
	assert_int_equal(cnt.skip[LB_SKIP_LOSSY], 2);
	assert_int_equal(cnt.skip[LB_SKIP_NOT_DNS], 0);
	assert_int_equal(lb_src_bad_total(&cnt), 0);
}

/* The first logger always wrote "grouped" beside the detailed answers
 * (all its formats are on, none configurable); a line with grouped
 * answers alone (cut down by a shipper) is read as the DNS logger's are:
 * without owners (the chain rule), and with no denial, as for every LLMNR
 * event. */
static void llmnr_logger_v1_grouped(void **st)
{
	(void)st;
	assert_int_equal(imp(LB_FMT_SURICATA,
		LLMNR(REPLY, "\"type\":\"response\",\"id\":3,\"flags\":\"8000\",\"opcode\":0,"
		"\"queries\":[{\"rrname\":\"g\",\"rrtype\":\"A\"}],"
		"\"grouped\":{\"A\":[\"192.168.1.30\",\"192.168.1.31\"]}")
		LLMNR(REPLY, "\"type\":\"response\",\"id\":4,\"flags\":\"8000\",\"opcode\":0,"
		"\"queries\":[{\"rrname\":\"g2\",\"rrtype\":\"A\"}],"
		"\"grouped\":{\"AAAA\":[\"fe80::1\"]}")), 0);
	has("RR g. A 192.168.1.30;192.168.1.31 ttl=0 sec=0");
	hasnt("g2");
	hasnt("NEG");
	assert_int_equal(lb_src_bad_total(&cnt), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(llmnr_response),
		cmocka_unit_test(llmnr_tc_opcode_empty),
		cmocka_unit_test(llmnr_logger_v1),
		cmocka_unit_test(llmnr_logger_v1_grouped),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
