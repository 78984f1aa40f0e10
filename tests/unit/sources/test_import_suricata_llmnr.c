/* test_import_suricata_llmnr.c - Suricata 9's LLMNR events (event_type
 * "llmnr", rust/src/llmnr/log.rs; suricata-verify tests/llmnr): written
 * as its mDNS events are (a record's data under its type's name in lower
 * case, no TTL), flags "c", "tc", "t" and no rcode.  The other Suricata
 * tests are in test_import.c. */
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(llmnr_response),
		cmocka_unit_test(llmnr_tc_opcode_empty),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
