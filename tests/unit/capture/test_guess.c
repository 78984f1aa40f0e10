/* test_guess.c - DNS responses on UDP ports that are no DNS ports
 * (capture/guess.c): a whole response to one IN question is taken (IPv4,
 * IPv6, inside VXLAN, reassembled from fragments) and counted in
 * udp_port_guess; junk, near-DNS junk, queries, NBNS on 137 and the other
 * excluded ports, cut datagrams, and everything with --no-port-guess are
 * refused (not_dns_port); DNS-port traffic never reaches the guess. */
#include "build.h"
#include "capture/guess.h"

static lb_decoder_t *d;
static got_t *g;

static int setup(void **state)
{
	(void)state;
	g = got_new();
	d = lb_decoder_new(NULL, collect, g);
	assert_non_null(d);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	lb_decoder_free(d);
	free(g);
	return 0;
}

static void w_name(wb_t *w, const char *s)
{
	while (*s) {
		const char *dot = strchr(s, '.');
		size_t l = dot ? (size_t)(dot - s) : strlen(s);
		w_u8(w, (unsigned)l);
		w_bytes(w, s, l);
		s += l + (dot ? 1 : 0);
	}
	w_u8(w, 0);
}

/* The response of Wireshark's dns_port.pcap, shortened: us.pool.ntp.org A
 * IN, two A answers (owners pointing at the question), one NS in authority,
 * its A in additional, an OPT; flags 0x8180. */
static void mk_resp(wb_t *w)
{
	w->n = 0;
	w_u16(w, 43);
	w_u16(w, 0x8180);
	w_u16(w, 1);
	w_u16(w, 2);
	w_u16(w, 1);
	w_u16(w, 2);
	w_name(w, "us.pool.ntp.org");
	w_u16(w, 1);
	w_u16(w, 1);
	for (unsigned i = 0; i < 2; i++) {
		w_u16(w, 0xc00c);
		w_u16(w, 1);
		w_u16(w, 1);
		w_u32(w, 300);
		w_u16(w, 4);
		const uint8_t a[4] = { 198, 51, 100, (uint8_t)(10 + i) };
		w_bytes(w, a, 4);
	}
	w_u16(w, 0xc00f); /* pool.ntp.org */
	w_u16(w, 2);
	w_u16(w, 1);
	w_u32(w, 86400);
	w_u16(w, 4);
	w_bytes(w, "\1a\xc0\x0f", 4); /* a.pool.ntp.org */
	w_u16(w, (unsigned)(0xc000 | (w->n - 4))); /* the NS target */
	w_u16(w, 1);
	w_u16(w, 1);
	w_u32(w, 86400);
	w_u16(w, 4);
	w_bytes(w, "\xcb\x00\x71\x01", 4); /* 203.0.113.1 */
	w_u8(w, 0); /* OPT */
	w_u16(w, 41);
	w_u16(w, 1232);
	w_u32(w, 0);
	w_u16(w, 0);
}

/* The message in UDP sport -> dport in IPv4 in Ethernet, into e. */
static void frame4(wb_t *e, uint16_t sport, uint16_t dport, const uint8_t *p, size_t n)
{
	wb_t u, ip;
	mk_udp(&u, sport, dport, p, n);
	mk_ip4(&ip, A4, B4, 17, 9, 0, u.b, u.n);
	mk_eth(e, 0x0800, ip.b, ip.n);
}

static void send4(uint16_t sport, uint16_t dport, const uint8_t *p, size_t n)
{
	wb_t e;
	frame4(&e, sport, dport, p, n);
	feed(d, 1, 1, e.b, e.n);
}

static uint64_t guessed(void) { return lb_decoder_stats(d)->udp_port_guess; }

/* Regression (Wireshark test/captures/dns_port.pcap, nDPI
 * dns_on_random_ports.pcap): a response between two ports that are no DNS
 * ports was dropped (not_dns_port) where tshark's heuristic reads it. */
static void t_odd_port_response_kept(void **state)
{
	(void)state;
	wb_t m, u, ip, e;
	mk_resp(&m);
	send4(65333, 65282, m.b, m.n);
	assert_int_equal(g->n, 1);
	assert_msg(g, 0, m.b, m.n);
	assert_int_equal(g->m[0].sport, 65333);
	assert_int_equal(g->m[0].dport, 65282);
	assert_int_equal(g->m[0].proto, 17);
	assert_false(g->m[0].cut);
	/* IPv6, other ports */
	mk_udp(&u, 27634, 53792, m.b, m.n);
	mk_ip6(&ip, A6, B6, 17, u.b, u.n);
	mk_eth(&e, 0x86dd, ip.b, ip.n);
	feed(d, 1, 1, e.b, e.n);
	assert_int_equal(g->n, 2);
	assert_int_equal(g->m[1].ipver, 6);
	assert_int_equal(guessed(), 2);
	assert_int_equal(lb_decoder_stats(d)->udp_dns, 2);
	assert_int_equal(drops_total(d), 0);
}

/* Responses on a DNS port never reach the guess: not counted. */
static void t_dns_port_not_guessed(void **state)
{
	(void)state;
	wb_t m;
	mk_resp(&m);
	send4(53, 40000, m.b, m.n);
	assert_int_equal(g->n, 1);
	assert_int_equal(guessed(), 0);
	assert_int_equal(lb_decoder_stats(d)->udp_dns, 1);
}

/* Random datagrams between random ports: none taken, each not_dns_port. */
static void t_junk_refused(void **state)
{
	(void)state;
	uint32_t x = 12345;
	uint8_t buf[600];
	for (int i = 0; i < 3000; i++) {
		size_t n = 0;
		x = x * 1103515245u + 12345u;
		n = 1 + (x >> 8) % sizeof buf;
		for (size_t j = 0; j < n; j++) {
			x = x * 1103515245u + 12345u;
			buf[j] = (uint8_t)(x >> 16);
		}
		/* every third one with a header that passes the header checks */
		if (i % 3 == 0 && n >= 17) {
			buf[2] = 0x81, buf[3] = 0x80, buf[4] = 0, buf[5] = 1;
		}
		send4((uint16_t)(20000 + i), (uint16_t)(40000 + i), buf, n);
	}
	assert_int_equal(g->n, 0);
	assert_int_equal(guessed(), 0);
	assert_int_equal(drop_n(d, LB_DROP_NOT_DNS_PORT), 3000);
}

/* Near-DNS: the response with one thing wrong each.  All refused. */
static void t_near_dns_refused(void **state)
{
	(void)state;
	wb_t m;
	mk_resp(&m);
	const size_t q = 12 + 17 + 4; /* after the question's name, type, class */
	const size_t a0 = q;         /* the first answer */
	const size_t ns = q + 32;    /* the NS record */
	struct {
		const char *what;
		size_t at;      /* octet to set (SIZE_MAX: none) */
		uint8_t v;
		int len_delta;  /* octets added (zeros) or removed at the end */
	} cases[] = {
		{ "a query (QR 0)", 2, 0x01, 0 },
		{ "opcode NOTIFY", 2, 0xa1, 0 },
		{ "opcode UPDATE", 2, 0xa9, 0 },
		{ "the Z bit set", 3, 0xc0, 0 },
		{ "no question", 5, 0, 0 },
		{ "two questions", 5, 2, 0 },
		{ "question class CH", q - 1, 3, 0 },
		{ "question class ANY", q - 1, 255, 0 },
		{ "question type 0", q - 3, 0, 0 },
		{ "one answer more than sent", 7, 3, 0 },
		{ "one additional less than sent", 11, 1, 0 },
		{ "an octet after the last record", SIZE_MAX, 0, 1 },
		{ "the last record cut short", SIZE_MAX, 0, -1 },
		{ "an A of 5 octets (bad record)", a0 + 11, 5, 0 },
		{ "a forward pointer", a0 + 1, 0x40, 0 },
		{ "a pointer into the header", a0 + 1, 0x02, 0 },
		{ "a label over 63 octets", 12, 0x50, 0 },
		{ "an answer of class CH", a0 + 5, 3, 0 },
		{ "an NS target past the end", ns + 14, 0xff, 0 },
		{ "TC set and cut short", 2, 0x83, -1 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		wb_t b = m;
		if (cases[i].at != SIZE_MAX)
			b.b[cases[i].at] = cases[i].v;
		if (cases[i].len_delta > 0)
			w_zero(&b, (size_t)cases[i].len_delta);
		else
			b.n -= (size_t)-cases[i].len_delta;
		send4(65333, 65282, b.b, b.n);
		if (g->n != 0)
			fail_msg("taken: %s", cases[i].what);
		/* the same on port 53 is handed up (the parser deals with it) */
		send4(53, 65282, b.b, b.n);
		assert_int_equal(g->n, 1);
		g->n = 0;
	}
	assert_int_equal(guessed(), 0);
	assert_int_equal(drop_n(d, LB_DROP_NOT_DNS_PORT), sizeof cases / sizeof cases[0]);
}

/* NBNS (RFC 1002 4.2: DNS's header and RR format) on 137, and the other
 * ports of protocols that are not DNS, are never guessed, even holding a
 * message that would be taken elsewhere; so are the tunnels' ports on
 * either side. */
static void t_excluded_ports_refused(void **state)
{
	(void)state;
	wb_t m, nb;
	mk_resp(&m);
	/* an NBNS name query response that happens to carry a question */
	nb.n = 0;
	w_u16(&nb, 0x1234);
	w_u16(&nb, 0x8500);
	w_u16(&nb, 1);
	w_u16(&nb, 1);
	w_u16(&nb, 0);
	w_u16(&nb, 0);
	w_u8(&nb, 32);
	w_bytes(&nb, "EBEBEBEBEBEBEBEBEBEBEBEBEBEBEBAA", 32);
	w_u8(&nb, 0);
	w_u16(&nb, 0x20);
	w_u16(&nb, 1);
	w_u16(&nb, 0xc00c);
	w_u16(&nb, 0x20);
	w_u16(&nb, 1);
	w_u32(&nb, 300000);
	w_u16(&nb, 6);
	w_bytes(&nb, "\0\0\xc0\x00\x02\x09", 6); /* NB flags, 192.0.2.9 */
	send4(137, 137, nb.b, nb.n);
	send4(137, 51000, m.b, m.n);
	send4(51000, 138, m.b, m.n);
	send4(5353, 5353, m.b, m.n);
	send4(5355, 51000, m.b, m.n);
	send4(4789, 51000, m.b, m.n);
	send4(51000, 2152, m.b, m.n); /* GTP-U: a bad tunnel header, not a guess */
	assert_int_equal(g->n, 0);
	assert_int_equal(guessed(), 0);
	/* the NBNS message itself is a well-formed DNS response: it is the
	 * port that refuses it */
	send4(51000, 51001, nb.b, nb.n);
	assert_int_equal(g->n, 1);
}

/* Regression: the ports of MPLS in UDP (6635) and LISP data (4341), whose
 * tunnels are named by the destination port, were guessed as the source
 * port of a response; those of CAPWAP data, AMT and jmirror were guessed on
 * either side.  Now no tunnel's port is, on either side. */
static void t_new_tunnel_ports_refused(void **state)
{
	(void)state;
	wb_t m;
	mk_resp(&m);
	static const uint16_t ports[] = { 6635, 4341, 5247, 2268, 30030 };
	for (size_t i = 0; i < 5; i++) {
		assert_false(lb_guess_port_ok(ports[i]));
		send4(ports[i], 51000, m.b, m.n);
		send4(51000, ports[i], m.b, m.n);
	}
	assert_int_equal(g->n, 0);
	assert_int_equal(guessed(), 0);
	assert_true(lb_guess_port_ok(4342)); /* LISP control: no tunnel */
}

/* An ICMP port unreachable from B4 to A4 quoting the datagram sport ->
 * dport (A4 -> B4) carrying [p, p + n), to decoder dd. */
static void send_icmp_quote(lb_decoder_t *dd, uint16_t sport, uint16_t dport, const uint8_t *p,
			    size_t n)
{
	wb_t u, q, m, o, e;
	mk_udp(&u, sport, dport, p, n);
	mk_ip4(&q, A4, B4, 17, 9, 0, u.b, u.n);
	m.n = 0;
	w_u8(&m, 3);
	w_u8(&m, 3);
	w_u16(&m, 0);
	w_u32(&m, 0);
	w_bytes(&m, q.b, q.n);
	mk_ip4(&o, B4, A4, 1, 5, 0, m.b, m.n);
	mk_eth(&e, 0x0800, o.b, o.n);
	feed(dd, 1, 1, e.b, e.n);
}

/* Regression: a whole DNS response on ports that are no DNS ports, quoted
 * in an ICMP error (a late answer bounced as "port unreachable"), was
 * dropped (not_dns_port) where tshark's heuristic reads the quote, and
 * where the same datagram outside the quote is guessed.  Now it is taken
 * the same way, with the quoted datagram's addresses and ports; junk, a
 * tunnel's port and --no-port-guess still refuse it. */
static void t_icmp_quote_guessed(void **state)
{
	(void)state;
	wb_t m;
	mk_resp(&m);
	send_icmp_quote(d, 5300, 40000, m.b, m.n);
	assert_int_equal(g->n, 1);
	assert_msg(g, 0, m.b, m.n);
	assert_memory_equal(g->m[0].src, A4, 4);
	assert_memory_equal(g->m[0].dst, B4, 4);
	assert_int_equal(g->m[0].sport, 5300);
	assert_int_equal(g->m[0].dport, 40000);
	assert_int_equal(guessed(), 1);
	assert_int_equal(drops_total(d), 0);
	send_icmp_quote(d, 4341, 40000, m.b, m.n);  /* LISP's port */
	m.b[m.n - 1] ^= 1;                          /* OPT rdlength 1 past the end */
	send_icmp_quote(d, 5300, 40000, m.b, m.n);
	assert_int_equal(g->n, 1);
	assert_int_equal(drop_n(d, LB_DROP_NOT_DNS_PORT), 2);
	lb_decoder_opts_t o;
	lb_decoder_opts_default(&o);
	o.port_guess = false;
	lb_decoder_t *d0 = lb_decoder_new(&o, collect, g);
	mk_resp(&m);
	send_icmp_quote(d0, 5300, 40000, m.b, m.n);
	assert_int_equal(g->n, 1);
	assert_int_equal(lb_decoder_stats(d0)->drops[LB_DROP_NOT_DNS_PORT], 1);
	lb_decoder_free(d0);
	assert_int_equal(guessed(), 1);
}

/* --no-port-guess (opts.port_guess false): nothing off the DNS ports. */
static void t_option_off(void **state)
{
	(void)state;
	lb_decoder_opts_t o;
	lb_decoder_opts_default(&o);
	assert_true(o.port_guess);
	o.port_guess = false;
	lb_decoder_t *d0 = lb_decoder_new(&o, collect, g);
	wb_t m, e;
	mk_resp(&m);
	frame4(&e, 65333, 65282, m.b, m.n);
	feed(d0, 1, 1, e.b, e.n);
	assert_int_equal(g->n, 0);
	assert_int_equal(lb_decoder_stats(d0)->udp_port_guess, 0);
	assert_int_equal(lb_decoder_stats(d0)->drops[LB_DROP_NOT_DNS_PORT], 1);
	frame4(&e, 53, 65282, m.b, m.n);
	feed(d0, 1, 1, e.b, e.n);
	assert_int_equal(g->n, 1);
	lb_decoder_free(d0);
}

/* A response on odd ports inside VXLAN is found as one outside. */
static void t_in_tunnel(void **state)
{
	(void)state;
	static const uint8_t O1[4] = { 10, 0, 0, 1 }, O2[4] = { 10, 0, 0, 2 };
	wb_t m, inner, vx, u, o, e;
	mk_resp(&m);
	frame4(&inner, 65333, 65282, m.b, m.n);
	vx.n = 0;
	w_u32(&vx, 0x08000000);
	w_u32(&vx, 0x00100000);
	w_bytes(&vx, inner.b, inner.n);
	mk_udp(&u, 50000, 4789, vx.b, vx.n);
	mk_ip4(&o, O1, O2, 17, 77, 0, u.b, u.n);
	mk_eth(&e, 0x0800, o.b, o.n);
	feed(d, 1, 1, e.b, e.n);
	assert_int_equal(g->n, 1);
	assert_msg(g, 0, m.b, m.n);
	assert_memory_equal(g->m[0].src, A4, 4);
	assert_int_equal(g->m[0].sport, 65333);
	assert_int_equal(lb_decoder_stats(d)->tunnels, 1);
	assert_int_equal(guessed(), 1);
	assert_int_equal(drops_total(d), 0);
}

/* Reassembled from IPv4 fragments: the whole datagram is guessed. */
static void t_fragmented(void **state)
{
	(void)state;
	wb_t m, u, ip, e;
	mk_resp(&m);
	mk_udp(&u, 65333, 65282, m.b, m.n);
	mk_ip4(&ip, A4, B4, 17, 33, 0x2000, u.b, 48);
	mk_eth(&e, 0x0800, ip.b, ip.n);
	feed(d, 1, 1, e.b, e.n);
	mk_ip4(&ip, A4, B4, 17, 33, 48 / 8, u.b + 48, u.n - 48);
	mk_eth(&e, 0x0800, ip.b, ip.n);
	feed(d, 1, 1, e.b, e.n);
	assert_int_equal(g->n, 1);
	assert_msg(g, 0, m.b, m.n);
	assert_int_equal(guessed(), 1);
}

/* A datagram the snapshot length cut is never guessed (ip_truncated), even
 * when what was kept is a whole message. */
static void t_snapped_refused(void **state)
{
	(void)state;
	wb_t m, e;
	mk_resp(&m);
	w_zero(&m, 4); /* the capture keeps the message and loses these */
	frame4(&e, 65333, 65282, m.b, m.n);
	struct timeval tv = { 1, 0 };
	lb_decoder_frame(d, 1, &tv, e.b, e.n - 4, e.n);
	assert_int_equal(g->n, 0);
	assert_int_equal(drop_n(d, LB_DROP_IP_TRUNCATED), 1);
	assert_int_equal(guessed(), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(t_odd_port_response_kept, setup, teardown),
		cmocka_unit_test_setup_teardown(t_dns_port_not_guessed, setup, teardown),
		cmocka_unit_test_setup_teardown(t_junk_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(t_near_dns_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(t_excluded_ports_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(t_new_tunnel_ports_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(t_icmp_quote_guessed, setup, teardown),
		cmocka_unit_test_setup_teardown(t_option_off, setup, teardown),
		cmocka_unit_test_setup_teardown(t_in_tunnel, setup, teardown),
		cmocka_unit_test_setup_teardown(t_fragmented, setup, teardown),
		cmocka_unit_test_setup_teardown(t_snapped_refused, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
