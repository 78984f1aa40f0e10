/* test_frag.c - IPv4 and IPv6 fragment reassembly and its bounds; IPv6
 * extension headers. */
#include "build.h"

static uint8_t dns[3000];
static wb_t udp, w, w2;
static lb_decoder_t *d;
static got_t *g;

static int setup(void **state)
{
	(void)state;
	g = got_new();
	d = lb_decoder_new(NULL, collect, g);
	mk_dns(dns, 0x4242, 2000);
	mk_udp(&udp, 53, 33333, dns, 2000); /* 2008 bytes of IP payload */
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	lb_decoder_free(d);
	free(g);
	return 0;
}

/* IPv4 fragment of udp bytes [off, off + len) (off multiple of 8) */
static void frag4(uint16_t id, size_t off, size_t len, bool more, double t)
{
	mk_ip4(&w, A4, B4, 17, id, (uint16_t)((off / 8) | (more ? 0x2000 : 0)), udp.b + off, len);
	feed(d, 228, t, w.b, w.n);
}

static void frag6(uint32_t id, size_t off, size_t len, bool more, double t)
{
	w2.n = 0;
	w_u8(&w2, 17);
	w_u8(&w2, 0);
	w_u16(&w2, (unsigned)(off | (more ? 1 : 0)));
	w_u32(&w2, id);
	w_bytes(&w2, udp.b + off, len);
	mk_ip6(&w, A6, B6, 44, w2.b, w2.n);
	feed(d, 229, t, w.b, w.n);
}

static void expect_done(size_t n)
{
	assert_int_equal(g->n, n);
	assert_msg(g, n - 1, dns, 2000);
	assert_int_equal(g->m[n - 1].sport, 53);
	assert_int_equal(lb_decoder_stats(d)->ip_reassembled, n);
	assert_int_equal(lb_decoder_mem(d), 0);
}

static void t_v4_in_order(void **state)
{
	(void)state;
	frag4(1, 0, 800, true, 1);
	frag4(1, 800, 800, true, 1);
	assert_int_equal(g->n, 0);
	assert_true(lb_decoder_mem(d) > 0);
	frag4(1, 1600, 408, false, 1);
	expect_done(1);
	assert_int_equal(lb_decoder_stats(d)->ip_fragments, 3);
	assert_int_equal(drops_total(d), 0);
}

static void t_v4_reverse(void **state)
{
	(void)state;
	frag4(2, 1600, 408, false, 1);
	frag4(2, 800, 800, true, 1);
	frag4(2, 0, 800, true, 1);
	expect_done(1);
	assert_int_equal(drops_total(d), 0);
}

static void t_v4_duplicate_and_agreeing_overlap(void **state)
{
	(void)state;
	frag4(3, 0, 800, true, 1);
	frag4(3, 0, 800, true, 1);       /* duplicate */
	frag4(3, 400, 800, true, 1);     /* overlaps both sides, same bytes */
	frag4(3, 1600, 408, false, 1);
	assert_int_equal(g->n, 0);
	frag4(3, 1200, 400, true, 1);
	expect_done(1);
	assert_int_equal(drops_total(d), 0);
}

static void t_v4_conflicting_overlap(void **state)
{
	(void)state;
	frag4(4, 0, 800, true, 1);
	udp.b[500] ^= 0xff;              /* same range, different byte */
	frag4(4, 400, 800, true, 1);
	udp.b[500] ^= 0xff;
	assert_int_equal(drop_n(d, LB_DROP_FRAG_BAD), 1);
	assert_int_equal(lb_decoder_mem(d), 0);
	/* the rest of that datagram is absorbed without more counts */
	frag4(4, 800, 800, true, 1);
	frag4(4, 1600, 408, false, 1);
	assert_int_equal(g->n, 0);
	expire_all(d);
	assert_int_equal(drops_total(d), 1);
}

static void t_v4_missing_expires(void **state)
{
	(void)state;
	frag4(5, 0, 800, true, 100);
	frag4(5, 1600, 408, false, 100);
	/* before the 30 s timeout nothing happens; a frame later in capture time expires it */
	frag4(6, 0, 800, true, 120);
	assert_int_equal(drop_n(d, LB_DROP_FRAG_TIMEOUT), 0);
	frag4(7, 0, 800, true, 131);
	assert_int_equal(drop_n(d, LB_DROP_FRAG_TIMEOUT), 1);
	expire_all(d);
	assert_int_equal(drop_n(d, LB_DROP_FRAG_TIMEOUT), 3);
	assert_int_equal(drops_total(d), 3);
	assert_int_equal(g->n, 0);
	assert_int_equal(lb_decoder_mem(d), 0);
}

static void t_v4_oversize(void **state)
{
	(void)state;
	/* offset 65528 + 100 bytes passes 65535 */
	mk_ip4(&w, A4, B4, 17, 8, (uint16_t)(8191 | 0), udp.b, 100);
	feed(d, 228, 1, w.b, w.n);
	assert_int_equal(drop_n(d, LB_DROP_FRAG_BAD), 1);
	/* a middle fragment that is not a multiple of 8 bytes */
	frag4(9, 0, 801, true, 1);
	assert_int_equal(drop_n(d, LB_DROP_FRAG_BAD), 2);
	/* a second "last" fragment with another end */
	frag4(10, 1600, 408, false, 1);
	frag4(10, 800, 400, false, 1);
	assert_int_equal(drop_n(d, LB_DROP_FRAG_BAD), 3);
	expire_all(d);
	assert_int_equal(drops_total(d), 4); /* + frag 9 timed out */
	assert_int_equal(drop_n(d, LB_DROP_FRAG_TIMEOUT), 1);
}

static void t_v4_limits(void **state)
{
	(void)state;
	lb_decoder_opts_t o;
	lb_decoder_opts_default(&o);
	o.frag_mem_max = 4096;
	o.frag_max_datagrams = 3;
	lb_decoder_free(d);
	d = lb_decoder_new(&o, collect, g);
	/* five datagrams in flight: the two oldest are evicted */
	for (uint16_t id = 1; id <= 5; id++) {
		frag4(id, 0, 800, true, 1);
		assert_true(lb_decoder_mem(d) <= 4096);
	}
	assert_int_equal(drop_n(d, LB_DROP_FRAG_TIMEOUT), 2);
	/* the newest still completes */
	frag4(5, 800, 800, true, 1);
	frag4(5, 1600, 408, false, 1);
	assert_int_equal(g->n, 1);
	assert_msg(g, 0, dns, 2000);
	/* one datagram larger than the whole bound */
	mk_dns(dns, 1, 3000);
	mk_udp(&udp, 53, 1, dns, 3000);
	frag4(20, 0, 1496, true, 2);
	frag4(20, 1496, 1496, true, 2);
	frag4(20, 2992, 16, true, 2);
	frag4(20, 4096, 16, false, 2);
	assert_int_equal(drop_n(d, LB_DROP_FRAG_LIMIT), 1);
	assert_true(lb_decoder_mem(d) <= 4096);
	expire_all(d);
	assert_int_equal(lb_decoder_mem(d), 0);
}

static void t_v6_frag(void **state)
{
	(void)state;
	frag6(0x10001, 1200, 808, false, 1);
	frag6(0x10001, 0, 1200, true, 1);
	expect_done(1);
	assert_int_equal(g->m[0].ipver, 6);
	assert_memory_equal(g->m[0].src, A6, 16);
	/* conflicting overlap */
	frag6(0x10002, 0, 1200, true, 1);
	udp.b[1195] ^= 1;
	frag6(0x10002, 1192, 816, false, 1);
	udp.b[1195] ^= 1;
	assert_int_equal(drop_n(d, LB_DROP_FRAG_BAD), 1);
	/* missing piece */
	frag6(0x10003, 0, 1200, true, 1);
	expire_all(d);
	assert_int_equal(drop_n(d, LB_DROP_FRAG_TIMEOUT), 1);
	assert_int_equal(drops_total(d), 2);
	/* atomic fragment: offset 0, M = 0 */
	frag6(0x10004, 0, udp.n, false, 2);
	assert_int_equal(g->n, 2);
	assert_msg(g, 1, dns, 2000);
}

/* Regression: IPv6 datagrams were given up after IPv4's 30 s; RFC 8200 4.5
 * gives them 60 s from the first fragment.  Fragments 45 s apart complete
 * while an IPv4 datagram as old is given up at 30 s; the last fragment of
 * one whose first came 61 s before it finds it given up (the expiry runs
 * before the frame is decoded), and so does the end of the input. */
static void t_v6_timeout_60s(void **state)
{
	(void)state;
	frag6(0x20001, 0, 1200, true, 100);
	frag4(0x21, 0, 800, true, 100);
	frag6(0x20002, 0, 1200, true, 105);
	frag4(0x22, 0, 800, true, 131);             /* the first IPv4 one is 31 s old */
	assert_int_equal(drop_n(d, LB_DROP_FRAG_TIMEOUT), 1);
	frag6(0x20001, 1200, 808, false, 145);      /* 45 s after its first */
	assert_int_equal(g->n, 1);
	assert_msg(g, 0, dns, 2000);
	assert_int_equal(g->m[0].ipver, 6);
	frag6(0x20002, 1200, 808, false, 166.5);    /* 61.5 s after its first */
	assert_int_equal(g->n, 1);
	assert_int_equal(drop_n(d, LB_DROP_FRAG_TIMEOUT), 3); /* and the second IPv4 one */
	assert_int_equal(lb_decoder_stats(d)->ip_reassembled, 1);
	expire_all(d);
	/* the 61.5 s one's last fragment was held as a new datagram */
	assert_int_equal(drop_n(d, LB_DROP_FRAG_TIMEOUT), 4);
	assert_int_equal(drops_total(d), 4);
	assert_int_equal(lb_decoder_mem(d), 0);
}

/* Regression: the IPv6 65535 limit counted the fixed 40-byte header and the
 * fragment header, so a reassembled datagram whose payload was within 48
 * bytes of 65535 was dropped as frag_bad.  RFC 8200 4.5 limits the Payload
 * Length of the reassembled packet, which counts neither (tshark reassembles
 * it).  A 65535-byte UDP datagram (a 65527-byte DNS message) fits. */
static void t_v6_largest_datagram(void **state)
{
	(void)state;
	static uint8_t big[65527];
	mk_dns(big, 0x6565, sizeof(big));
	mk_udp(&udp, 53, 33333, big, sizeof(big));
	assert_int_equal(udp.n, 65535);
	frag6(0x20001, 0, 32768, true, 1);
	frag6(0x20001, 32768, udp.n - 32768, false, 1);
	assert_int_equal(g->n, 1);
	assert_msg(g, 0, big, sizeof(big));
	assert_int_equal(drops_total(d), 0);
	/* one byte more is too much */
	frag6(0x20002, 0, 32768, true, 1);
	w2.n = 0;
	w_u8(&w2, 17); w_u8(&w2, 0); w_u16(&w2, 32768); w_u32(&w2, 0x20002);
	w_bytes(&w2, udp.b + 32768, udp.n - 32768);
	w_u8(&w2, 0);
	mk_ip6(&w, A6, B6, 44, w2.b, w2.n);
	feed(d, 229, 1, w.b, w.n);
	assert_int_equal(drop_n(d, LB_DROP_FRAG_BAD), 1);
	assert_int_equal(g->n, 1);
}

/* Regression: IPv6 fragments were keyed on their Next Header too, so fragments
 * whose Next Header values differ never reassembled.  RFC 8200 4.5: the key is
 * (source, destination, Identification), the values "may differ", and only
 * the offset-zero fragment's is used. */
static void t_v6_next_header_from_first_fragment(void **state)
{
	(void)state;
	for (int order = 0; order < 2; order++) {
		for (int k = 0; k < 2; k++) {
			int part = order ? 1 - k : k;
			size_t off = part ? 1200 : 0, len = part ? udp.n - 1200 : 1200;
			w2.n = 0;
			w_u8(&w2, part ? 59 : 17);  /* the later fragment says "no next header" */
			w_u8(&w2, 0);
			w_u16(&w2, (unsigned)(off | (part ? 0 : 1)));
			w_u32(&w2, 0x30001 + (uint32_t)order);
			w_bytes(&w2, udp.b + off, len);
			mk_ip6(&w, A6, B6, 44, w2.b, w2.n);
			feed(d, 229, 1, w.b, w.n);
		}
		expect_done((size_t)order + 1);
	}
	assert_int_equal(drops_total(d), 0);
}

static void t_v6_ext_headers(void **state)
{
	(void)state;
	mk_udp(&udp, 40000, 53, dns, 100);
	/* hop-by-hop (8), routing (16), destination options (8), AH (12 + 4), then UDP */
	w2.n = 0;
	w_u8(&w2, 43); w_u8(&w2, 0); w_zero(&w2, 6);
	w_u8(&w2, 60); w_u8(&w2, 1); w_zero(&w2, 14);
	w_u8(&w2, 51); w_u8(&w2, 0); w_zero(&w2, 6);
	w_u8(&w2, 17); w_u8(&w2, 2); w_zero(&w2, 14);
	w_bytes(&w2, udp.b, udp.n);
	mk_ip6(&w, A6, B6, 0, w2.b, w2.n);
	feed(d, 229, 1, w.b, w.n);
	assert_int_equal(g->n, 1);
	assert_msg(g, 0, dns, 100);
	/* ESP and no-next-header stop */
	mk_ip6(&w, A6, B6, 50, udp.b, udp.n);
	feed(d, 229, 1, w.b, w.n);
	mk_ip6(&w, A6, B6, 59, NULL, 0);
	feed(d, 229, 1, w.b, w.n);
	assert_int_equal(drop_n(d, LB_DROP_NOT_TRANSPORT), 2);
	/* an extension header running past the payload */
	w2.n = 0;
	w_u8(&w2, 17); w_u8(&w2, 200); w_zero(&w2, 6);
	mk_ip6(&w, A6, B6, 60, w2.b, w2.n);
	feed(d, 229, 1, w.b, w.n);
	assert_int_equal(drop_n(d, LB_DROP_IP_BAD), 1);
	/* fragmented behind a destination options header, dest options after it */
	mk_udp(&udp, 40000, 53, dns, 2000);
	for (int part = 0; part < 2; part++) {
		size_t off = part ? 1008 : 0, len = part ? udp.n + 8 - 1008 : 1008;
		wb_t frag;
		frag.n = 0;
		w_u8(&frag, 44); w_u8(&frag, 0); w_zero(&frag, 6);             /* dest opts */
		w_u8(&frag, 60); w_u8(&frag, 0);                                 /* fragment hdr */
		w_u16(&frag, (unsigned)(off | (part ? 0 : 1)));
		w_u32(&frag, 99);
		if (part == 0) {
			w_u8(&frag, 17); w_u8(&frag, 0); w_zero(&frag, 6);       /* dest opts in payload */
			w_bytes(&frag, udp.b, 1000);
		} else {
			w_bytes(&frag, udp.b + 1000, len);
		}
		mk_ip6(&w, A6, B6, 60, frag.b, frag.n);
		feed(d, 229, 1, w.b, w.n);
	}
	assert_int_equal(g->n, 2);
	assert_msg(g, 1, dns, 2000);
	assert_int_equal(drops_total(d), 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(t_v4_in_order, setup, teardown),
		cmocka_unit_test_setup_teardown(t_v4_reverse, setup, teardown),
		cmocka_unit_test_setup_teardown(t_v4_duplicate_and_agreeing_overlap, setup, teardown),
		cmocka_unit_test_setup_teardown(t_v4_conflicting_overlap, setup, teardown),
		cmocka_unit_test_setup_teardown(t_v4_missing_expires, setup, teardown),
		cmocka_unit_test_setup_teardown(t_v6_timeout_60s, setup, teardown),
		cmocka_unit_test_setup_teardown(t_v4_oversize, setup, teardown),
		cmocka_unit_test_setup_teardown(t_v4_limits, setup, teardown),
		cmocka_unit_test_setup_teardown(t_v6_frag, setup, teardown),
		cmocka_unit_test_setup_teardown(t_v6_ext_headers, setup, teardown),
		cmocka_unit_test_setup_teardown(t_v6_largest_datagram, setup, teardown),
		cmocka_unit_test_setup_teardown(t_v6_next_header_from_first_fragment, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
