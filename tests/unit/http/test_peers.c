/*
 * test_peers.c - the per-address connection table behind `serve
 * --max-conns-per-ip` (peers.c): at most N counted per address, the count
 * given back on close, one host's IPv4 and IPv4-mapped IPv6 addresses one
 * client, other families never limited.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <cmocka.h>

#include "http/http_impl.h"

static struct sockaddr_in v4(const char *a, unsigned port)
{
	struct sockaddr_in s;
	memset(&s, 0, sizeof s);
	s.sin_family = AF_INET;
	s.sin_port = htons((uint16_t)port);
	assert_int_equal(inet_pton(AF_INET, a, &s.sin_addr), 1);
	return s;
}

static struct sockaddr_in6 v6(const char *a, unsigned port)
{
	struct sockaddr_in6 s;
	memset(&s, 0, sizeof s);
	s.sin6_family = AF_INET6;
	s.sin6_port = htons((uint16_t)port);
	assert_int_equal(inet_pton(AF_INET6, a, &s.sin6_addr), 1);
	return s;
}

#define SA(x) ((const struct sockaddr *)&(x))

/* N connections of an address are counted, the next is refused (and not
 * counted), a close makes room again; ports do not matter */
static void test_limit_per_address(void **state)
{
	(void)state;
	lb_peers_t *p = lb_peers_new(3);
	assert_non_null(p);
	struct sockaddr_in a1 = v4("192.0.2.1", 1000), a2 = v4("192.0.2.1", 2000),
			   b = v4("192.0.2.2", 1000);
	for (int i = 0; i < 3; i++) {
		assert_true(lb_peers_room(p, SA(a1)));
		assert_int_equal(lb_peers_take(p, i % 2 ? SA(a2) : SA(a1)), 1);
	}
	assert_int_equal(lb_peers_count(p, SA(a2)), 3);
	assert_false(lb_peers_room(p, SA(a1)));
	assert_int_equal(lb_peers_take(p, SA(a2)), -1);
	assert_int_equal(lb_peers_count(p, SA(a1)), 3);
	/* another address is not held back */
	assert_true(lb_peers_room(p, SA(b)));
	assert_int_equal(lb_peers_take(p, SA(b)), 1);
	lb_peers_give(p, SA(a1));
	assert_true(lb_peers_room(p, SA(a1)));
	assert_int_equal(lb_peers_take(p, SA(a1)), 1);
	for (int i = 0; i < 3; i++)
		lb_peers_give(p, SA(a1));
	assert_int_equal(lb_peers_count(p, SA(a1)), 0);
	/* a give without a take does not wrap the count */
	lb_peers_give(p, SA(a1));
	assert_int_equal(lb_peers_count(p, SA(a1)), 0);
	assert_int_equal(lb_peers_count(p, SA(b)), 1);
	lb_peers_free(p); /* b's entry freed with the table (ASan's leak check) */
}

/* 192.0.2.7 and ::ffff:192.0.2.7 are one host (a dual-stack listener sees
 * the second); other IPv6 addresses, and 192.0.2.7 in the low bits of a
 * plain IPv6 address, are others */
static void test_families(void **state)
{
	(void)state;
	lb_peers_t *p = lb_peers_new(2);
	assert_non_null(p);
	struct sockaddr_in a = v4("192.0.2.7", 1);
	struct sockaddr_in6 m = v6("::ffff:192.0.2.7", 2), o = v6("2001:db8::1", 3),
			    c = v6("::192.0.2.7", 4);
	assert_int_equal(lb_peers_take(p, SA(a)), 1);
	assert_int_equal(lb_peers_take(p, SA(m)), 1);
	assert_int_equal(lb_peers_take(p, SA(a)), -1);
	assert_int_equal(lb_peers_take(p, SA(o)), 1);
	assert_int_equal(lb_peers_take(p, SA(c)), 1);
	assert_int_equal(lb_peers_count(p, SA(m)), 2);
	/* a family without addresses: let in, never counted */
	struct sockaddr_un u;
	memset(&u, 0, sizeof u);
	u.sun_family = AF_UNIX;
	for (int i = 0; i < 5; i++)
		assert_int_equal(lb_peers_take(p, SA(u)), 0);
	assert_true(lb_peers_room(p, SA(u)));
	assert_true(lb_peers_room(p, NULL));
	lb_peers_free(p);
	/* no table: no limit */
	assert_int_equal(lb_peers_take(NULL, SA(a)), 0);
	assert_true(lb_peers_room(NULL, SA(a)));
	lb_peers_give(NULL, SA(a));
}

/* many addresses: entries come and go without leaking or losing counts */
static void test_many(void **state)
{
	(void)state;
	lb_peers_t *p = lb_peers_new(1);
	assert_non_null(p);
	char t[64];
	for (int round = 0; round < 2; round++) {
		for (unsigned i = 0; i < 5000; i++) {
			snprintf(t, sizeof t, "2001:db8::%x:%x", i >> 8, i & 255);
			struct sockaddr_in6 s = v6(t, 1);
			assert_int_equal(lb_peers_take(p, SA(s)), 1);
			assert_int_equal(lb_peers_take(p, SA(s)), -1);
		}
		for (unsigned i = 0; i < 5000; i++) {
			snprintf(t, sizeof t, "2001:db8::%x:%x", i >> 8, i & 255);
			struct sockaddr_in6 s = v6(t, 1);
			lb_peers_give(p, SA(s));
			assert_int_equal(lb_peers_count(p, SA(s)), 0);
		}
	}
	lb_peers_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_limit_per_address),
		cmocka_unit_test(test_families),
		cmocka_unit_test(test_many),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
