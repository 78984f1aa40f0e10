/*
 * test_addr.c - "HOST:PORT" and "[v6]:PORT" parsing, and the loopback test
 * that decides whether the server may start without API keys.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "util/addr.h"

static void test_parse(void **st)
{
	(void)st;
	struct sockaddr_storage ss;
	socklen_t sl = 0;
	assert_int_equal(lb_addr_parse("127.0.0.1:8053", &ss, &sl), 0);
	assert_int_equal(ss.ss_family, AF_INET);
	assert_int_equal(sl, sizeof(struct sockaddr_in));
	assert_int_equal(ntohs(((struct sockaddr_in *)&ss)->sin_port), 8053);
	assert_true(lb_addr_is_loopback(&ss));
	assert_int_equal(lb_addr_parse("localhost:0", &ss, &sl), 0);
	assert_true(lb_addr_is_loopback(&ss));
	assert_int_equal(lb_addr_parse("[::1]:65535", &ss, &sl), 0);
	assert_int_equal(ss.ss_family, AF_INET6);
	assert_int_equal(sl, sizeof(struct sockaddr_in6));
	assert_int_equal(ntohs(((struct sockaddr_in6 *)&ss)->sin6_port), 65535);
	assert_true(lb_addr_is_loopback(&ss));
	assert_int_equal(lb_addr_parse("[::ffff:127.0.0.2]:1", &ss, &sl), 0);
	assert_true(lb_addr_is_loopback(&ss));
	assert_int_equal(lb_addr_parse("0.0.0.0:80", &ss, &sl), 0);
	assert_false(lb_addr_is_loopback(&ss));
	assert_int_equal(lb_addr_parse("[2001:db8::1]:53", &ss, &sl), 0);
	assert_false(lb_addr_is_loopback(&ss));
	static const char *const bad[] = {
		"127.0.0.1", "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:-1", "127.0.0.1:80x",
		"example.com:80", "[::1]80", "[::1", "::1:53x", "",
		"1111111111111111111111111111111111111111111111111111111111111111111111111111111111111111"
		"1111111111111111111111111111111111111111111111111:80",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(lb_addr_parse(bad[i], &ss, &sl), LB_EINVAL);
		assert_int_equal(ss.ss_family, 0);
	}
	assert_int_equal(lb_addr_parse(NULL, &ss, &sl), LB_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
