/* tunnel_fixture.h - what test_tunnel.c and test_tunnel2.c share: a decoder
 * whose messages are collected (g), one DNS datagram (50 bytes, id 0xbeef)
 * in UDP 1234 -> 53 in IPv4 (ip4, A4 -> B4) and in IPv6 (ip6, A6 -> B6),
 * the outer addresses OUT1 -> OUT2, and the check of the n-th message. */
#ifndef LB_TEST_TUNNEL_FIXTURE_H
#define LB_TEST_TUNNEL_FIXTURE_H

#include "build.h"

static uint8_t dns[64];
static wb_t ip4, ip6, w1, w2;

static lb_decoder_t *d;
static got_t *g;

static const uint8_t OUT1[4] = { 10, 0, 0, 1 }, OUT2[4] = { 10, 0, 0, 2 };

static int setup(void **state)
{
	(void)state;
	g = got_new();
	d = lb_decoder_new(NULL, collect, g);
	assert_non_null(d);
	mk_dns(dns, 0xbeef, 50);
	mk_udp(&w1, 1234, 53, dns, 50);
	mk_ip4(&ip4, A4, B4, 17, 9, 0, w1.b, w1.n);
	mk_ip6(&ip6, A6, B6, 17, w1.b, w1.n);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	lb_decoder_free(d);
	free(g);
	return 0;
}

/* `payload` as IP protocol `proto` in IPv4 from OUT1 to OUT2, in Ethernet. */
static void send_ip4(uint8_t proto, const wb_t *payload)
{
	wb_t o, e;
	mk_ip4(&o, OUT1, OUT2, proto, 77, 0, payload->b, payload->n);
	mk_eth(&e, 0x0800, o.b, o.n);
	feed(d, 1, 1, e.b, e.n);
}

/* The n-th message is the inner DNS datagram, over IP version ipver, from
 * the innermost addresses, to port 53; no drops so far, n tunnelled frames. */
static void expect(size_t n, int ipver)
{
	assert_int_equal(g->n, n);
	assert_msg(g, n - 1, dns, 50);
	assert_int_equal(g->m[n - 1].ipver, ipver);
	assert_memory_equal(g->m[n - 1].src, ipver == 4 ? A4 : A6, ipver == 4 ? 4 : 16);
	assert_int_equal(g->m[n - 1].dport, 53);
	assert_int_equal(drops_total(d), 0);
	assert_int_equal(lb_decoder_stats(d)->tunnels, n);
}

#endif
