/* test_tunnel2.c - the tunnels of tunnel.c's second half: MPLS in UDP
 * (RFC 7510) and in IP (RFC 4023), EtherIP (RFC 3378), LISP's data plane (RFC 9300), CAPWAP data (RFC 5415, 802.3
 * and 802.11 frames, the 802.11 frame control swapped or not), AMT (RFC
 * 7450) and Juniper's jmirror; which port side names a tunnel; their ports
 * never port-guessed; their nesting capped.  Each was counted not_dns_port
 * (or port-guessed) before. */
#include "tunnel_fixture.h"

/* `payload` in UDP sport -> dport, in IPv4, in Ethernet. */
static void send_udp(uint16_t sport, uint16_t dport, const wb_t *payload)
{
	wb_t u, o, e;
	mk_udp(&u, sport, dport, payload->b, payload->n);
	mk_ip4(&o, OUT1, OUT2, 17, 77, 0, u.b, u.n);
	mk_eth(&e, 0x0800, o.b, o.n);
	feed(d, 1, 1, e.b, e.n);
}

static void w_wb(wb_t *w, const wb_t *x) { w_bytes(w, x->b, x->n); }

/* An MPLS label stack entry: label, bottom of stack, TTL 64. */
static void w_label(wb_t *w, uint32_t label, bool bos)
{
	w_u32(w, label << 12 | (bos ? 0x100u : 0) | 64);
}

/* Regression: MPLS in UDP (RFC 7510, destination port 6635) was not
 * decoded.  One label and IPv4, two labels and IPv6, an Ethernet
 * pseudowire behind its control word; no label at all is tunnel_bad.
 * Regression: from port 6635 to a higher port it was not_dns_port; tshark
 * decodes it (the lower port names the protocol), and so does lookback. */
static void t_mpls_udp(void **state)
{
	(void)state;
	w2.n = 0;
	w_label(&w2, 100, true);
	w_wb(&w2, &ip4);
	send_udp(49152, 6635, &w2);
	expect(1, 4);
	w2.n = 0;
	w_label(&w2, 16, false);
	w_label(&w2, 2000, true);
	w_wb(&w2, &ip6);
	send_udp(61000, 6635, &w2);
	expect(2, 6);
	wb_t eth;
	mk_eth(&eth, 0x0800, ip4.b, ip4.n);
	w2.n = 0;
	w_label(&w2, 300, true);
	w_u32(&w2, 0); /* the control word */
	w_wb(&w2, &eth);
	send_udp(61000, 6635, &w2);
	expect(3, 4);
	w2.n = 3;
	send_udp(61000, 6635, &w2);
	assert_int_equal(drop_n(d, LB_DROP_TUNNEL_BAD), 1);
	w2.n = 0;
	w_label(&w2, 100, true);
	w_wb(&w2, &ip4);
	assert_int_equal(drops_total(d), 1);
	assert_int_equal(g->n, 3);
	send_udp(6635, 61000, &w2);
	assert_int_equal(g->n, 4);
	assert_msg(g, 3, dns, 50);
	assert_int_equal(drops_total(d), 1);
}

/* Regression: EtherIP (RFC 3378, IP protocol 97) and MPLS in IP (RFC 4023,
 * IP protocol 137), both decoded by tshark, were not_udp_tcp.  EtherIP
 * version 3 carries an Ethernet frame; MPLS in IP is a label stack as in
 * UDP; a header cut short is tunnel_bad.  Regression: EtherIP of another
 * version (2, and 0x0300: the version in the wrong nibble) was tunnel_bad;
 * tshark decodes the frame whatever the version, and so does lookback. */
static void t_etherip_mpls_ip(void **state)
{
	(void)state;
	wb_t eth;
	mk_eth(&eth, 0x86DD, ip6.b, ip6.n);
	w2.n = 0;
	w_u16(&w2, 0x3000);
	w_wb(&w2, &eth);
	send_ip4(97, &w2);
	expect(1, 6);
	w2.n = 0;
	w_label(&w2, 16, false);
	w_label(&w2, 100, true);
	w_wb(&w2, &ip4);
	send_ip4(137, &w2);
	expect(2, 4);
	w2.n = 0;
	w_u16(&w2, 0x2000);
	w_wb(&w2, &eth);
	send_ip4(97, &w2);
	expect(3, 6);
	w2.b[0] = 0x03; /* 0x0300 */
	send_ip4(97, &w2);
	expect(4, 6);
	w2.n = 1;
	send_ip4(97, &w2);
	w2.n = 2;
	send_ip4(137, &w2);
	assert_int_equal(drop_n(d, LB_DROP_TUNNEL_BAD), 2);
	assert_int_equal(drops_total(d), 2);
	assert_int_equal(g->n, 4);
}

/* Regression: LISP data (RFC 9300 5.1, UDP 4341) was not decoded.  The
 * 8-byte header with the nonce and instance id, then IPv4 or IPv6; a
 * header cut short is tunnel_bad, a payload of no IP version not_ip.
 * Regression: data from 4341 to the control port 4342 was not_dns_port;
 * tshark decodes it as data (the lower port's protocol), as lookback now
 * does. */
static void t_lisp(void **state)
{
	(void)state;
	w2.n = 0;
	w_u32(&w2, 0x88abcdef); /* N, I; the nonce */
	w_u32(&w2, 0x00012301); /* instance id 0x123, LSBs 1 */
	w_wb(&w2, &ip4);
	send_udp(50123, 4341, &w2);
	expect(1, 4);
	w2.n = 0;
	w_u32(&w2, 0x40000000); /* L */
	w_u32(&w2, 3);
	w_wb(&w2, &ip6);
	send_udp(4341, 4341, &w2);
	expect(2, 6);
	w2.n = 7;
	send_udp(50123, 4341, &w2);
	assert_int_equal(drop_n(d, LB_DROP_TUNNEL_BAD), 1);
	w2.n = 8;
	w_u32(&w2, 0x50000000);
	send_udp(50123, 4341, &w2);
	assert_int_equal(drop_n(d, LB_DROP_NOT_IP), 1);
	w2.n = 0;
	w_u32(&w2, 0x80000000);
	w_u32(&w2, 0);
	w_wb(&w2, &ip4);
	send_udp(4341, 4342, &w2);
	assert_int_equal(g->n, 3);
	assert_msg(g, 2, dns, 50);
	send_udp(4341, 50000, &w2);
	assert_int_equal(g->n, 4);
	assert_int_equal(drops_total(d), 2);
}

/* A CAPWAP data message: preamble 0, HLEN, radio id 1, WBID, T, the flags
 * byte; fragment id and offset; with `mac` a 6-byte radio MAC (M) and with
 * `info` 802.11 frame info (W, RSSI, SNR, data rate), each padded to 4;
 * then the frame. */
static void capwap(wb_t *w, unsigned wbid, bool t, unsigned flags, bool mac, bool info,
		   const wb_t *frame)
{
	unsigned hlen = 2 + (mac ? 2 : 0) + (info ? 2 : 0);
	w->n = 0;
	w_u8(w, 0);
	w_u8(w, hlen << 3 | 0);
	w_u8(w, 1u << 6 | wbid << 1 | (t ? 1 : 0));
	w_u8(w, flags | (mac ? 0x10 : 0) | (info ? 0x20 : 0));
	w_u32(w, 0);
	if (mac) {
		w_u8(w, 6);
		w_bytes(w, "\x00\x1b\x2c\x3d\x4e\x5f", 6);
		w_u8(w, 0);
	}
	if (info) {
		w_u8(w, 4);
		w_bytes(w, "\xc4\x1e\x00\x36", 4); /* RSSI -60, SNR 30, 5.4 Mb/s */
		w_zero(w, 3);
	}
	if (frame)
		w_wb(w, frame);
}

/* An 802.11 data frame to the DS (ToDS), LLC/SNAP, IPv4; its frame
 * control's two bytes swapped when `swap`. */
static void wlan(wb_t *w, bool swap)
{
	w->n = 0;
	w_bytes(w, swap ? "\x01\x08" : "\x08\x01", 2);
	w_u16(w, 0);
	for (int i = 1; i <= 18; i++)
		w_u8(w, (unsigned)i);
	w_u16(w, 0x1230);
	w_bytes(w, "\xaa\xaa\x03\x00\x00\x00\x08\x00", 8);
	w_wb(w, &ip4);
}

/* Regression: CAPWAP data (RFC 5415, UDP 5247) was not decoded.  An
 * 802.3 frame (T clear) from the access point and, from the controller's
 * port, with a radio MAC; an 802.11 frame (T, WBID 1) with the frame
 * control swapped (tshark's default reading: some access points send it so) and
 * as it stands (RFC 5416), with wireless info too.  A keep-alive is
 * not_ip; DTLS and another binding's frame link_unsupported; a header past
 * the datagram, shorter than 8 bytes or of version 1 tunnel_bad. */
static void t_capwap(void **state)
{
	(void)state;
	wb_t eth, f;
	mk_eth(&eth, 0x0800, ip4.b, ip4.n);
	capwap(&w2, 1, false, 0, false, false, &eth);
	send_udp(12222, 5247, &w2);
	expect(1, 4);
	capwap(&w2, 1, false, 0, true, false, &eth);
	send_udp(5247, 12222, &w2);
	expect(2, 4);
	wlan(&f, true);
	capwap(&w2, 1, true, 0, false, false, &f);
	send_udp(12222, 5247, &w2);
	expect(3, 4);
	wlan(&f, false);
	capwap(&w2, 1, true, 0, true, true, &f);
	send_udp(12222, 5247, &w2);
	expect(4, 4);
	/* the frame from the controller (FromDS), swapped: 02 08 */
	wlan(&f, true);
	f.b[0] = 0x02;
	capwap(&w2, 1, true, 0, false, true, &f);
	send_udp(5247, 12222, &w2);
	expect(5, 4);
	capwap(&w2, 1, false, 0x08, false, false, NULL); /* keep-alive */
	w_u16(&w2, 0);
	send_udp(12222, 5247, &w2);
	assert_int_equal(drop_n(d, LB_DROP_NOT_IP), 1);
	w2.n = 0;
	w_u32(&w2, 0x01000000); /* DTLS */
	w_zero(&w2, 40);
	send_udp(12222, 5247, &w2);
	capwap(&w2, 3, true, 0, false, false, &eth);     /* EPCGlobal's binding */
	send_udp(12222, 5247, &w2);
	assert_int_equal(drop_n(d, LB_DROP_LINK_UNSUPPORTED), 2);
	capwap(&w2, 1, false, 0, true, true, &eth);
	w2.n = 20;                                        /* HLEN 6: 24 bytes */
	send_udp(12222, 5247, &w2);
	capwap(&w2, 1, false, 0, false, false, &eth);
	w2.b[1] = 1 << 3;                                 /* HLEN 1 */
	send_udp(12222, 5247, &w2);
	capwap(&w2, 1, false, 0, false, false, &eth);
	w2.b[0] = 0x10;                                   /* version 1 */
	send_udp(12222, 5247, &w2);
	assert_int_equal(drop_n(d, LB_DROP_TUNNEL_BAD), 3);
	assert_int_equal(drops_total(d), 6);
	assert_int_equal(g->n, 5);
}

/* CAPWAP fragment `id` from source port sport: [off, off + len) of `frame`
 * (off a multiple of 8), L when `last`. */
static void capwap_frag(uint16_t sport, unsigned id, const wb_t *frame, size_t off, size_t len,
			bool last)
{
	w2.n = 0;
	w_u32(&w2, 0x00104000u | 0x80u | (last ? 0x40u : 0)); /* HLEN 2, WBID 1, F */
	w_u16(&w2, id);
	w_u16(&w2, (unsigned)(off / 8) << 3);
	w_bytes(&w2, frame->b + off, len);
	send_udp(sport, 5247, &w2);
}

/* Regression: a CAPWAP data frame longer than the path's MTU, sent in
 * fragments (F, L on the last: RFC 5415 4.3), was dropped
 * (link_unsupported); tshark reassembles it.  Two fragments in order, three
 * out of order, are one frame; fragments of the same id from another
 * source port are another frame; one the snapshot length cut is
 * ip_truncated.  Regression: they were counted as IP fragments
 * (ip_fragments, ip_reassembled); they are capwap_fragments and
 * capwap_reassembled. */
static void t_capwap_fragments(void **state)
{
	(void)state;
	wb_t eth;
	mk_eth(&eth, 0x0800, ip4.b, ip4.n);
	capwap_frag(12222, 7, &eth, 0, 40, false);
	assert_int_equal(g->n, 0);
	capwap_frag(12222, 7, &eth, 40, eth.n - 40, true);
	assert_int_equal(g->n, 1);
	assert_msg(g, 0, dns, 50);
	assert_memory_equal(g->m[0].src, A4, 4);
	capwap_frag(12222, 8, &eth, 48, eth.n - 48, true);
	capwap_frag(12223, 8, &eth, 0, 24, false); /* another sender's id 8 */
	capwap_frag(12222, 8, &eth, 24, 24, false);
	assert_int_equal(g->n, 1);
	capwap_frag(12222, 8, &eth, 0, 24, false);
	assert_int_equal(g->n, 2);
	assert_msg(g, 1, dns, 50);
	assert_int_equal(lb_decoder_stats(d)->capwap_fragments, 6);
	assert_int_equal(lb_decoder_stats(d)->capwap_reassembled, 2);
	assert_int_equal(lb_decoder_stats(d)->ip_fragments, 0);
	assert_int_equal(lb_decoder_stats(d)->ip_reassembled, 0);
	/* a fragment in a frame the capture cut */
	wb_t u, o, e;
	w2.n = 0;
	w_u32(&w2, 0x001040c0u);
	w_u32(&w2, 0x00090000u);
	w_bytes(&w2, eth.b, eth.n);
	mk_udp(&u, 12222, 5247, w2.b, w2.n);
	mk_ip4(&o, OUT1, OUT2, 17, 79, 0, u.b, u.n);
	mk_eth(&e, 0x0800, o.b, o.n);
	struct timeval tv = { 1, 0 };
	lb_decoder_frame(d, 1, &tv, e.b, e.n - 3, e.n);
	assert_int_equal(drop_n(d, LB_DROP_IP_TRUNCATED), 1);
	assert_int_equal(lb_decoder_stats(d)->capwap_fragments, 7);
	assert_int_equal(drops_total(d), 1);
	assert_int_equal(g->n, 2);
}

/* Regression: a reassembled CAPWAP frame (802.11, an A-MSDU) whose first
 * subframe is the last fragment of an IPv4 datagram: that datagram's
 * completion freed the buffer of the CAPWAP frame (frag.c keeps one
 * completed datagram), and the A-MSDU walk read its second subframe from
 * freed memory (ASan: heap-use-after-free), losing the DNS message in it.
 * Both the fragmented datagram's message and the second subframe's are
 * handed up. */
static void t_capwap_amsdu_nested_frag(void **state)
{
	(void)state;
	/* datagram 33: w1 (the DNS datagram, 58 bytes) in two fragments */
	wb_t f1, f2, e, msdu, wl;
	mk_ip4(&f1, A4, B4, 17, 33, 0x2000, w1.b, 16);
	mk_ip4(&f2, A4, B4, 17, 33, 2, w1.b + 16, w1.n - 16);
	mk_eth(&e, 0x0800, f1.b, f1.n);
	feed(d, 1, 1, e.b, e.n);
	assert_int_equal(g->n, 0);
	/* an A-MSDU: the second fragment, then the whole datagram */
	msdu.n = 0;
	const wb_t *sub[2] = { &f2, &ip4 };
	for (int i = 0; i < 2; i++) {
		w_bytes(&msdu, "\x02\x00\x00\x00\x00\x01\x02\x00\x00\x00\x00\x02", 12);
		w_u16(&msdu, (unsigned)(8 + sub[i]->n));
		w_bytes(&msdu, "\xaa\xaa\x03\x00\x00\x00\x08\x00", 8);
		w_wb(&msdu, sub[i]);
		while (msdu.n % 4)
			w_u8(&msdu, 0);
	}
	/* a QoS data frame to the DS, its QoS control saying A-MSDU */
	wl.n = 0;
	w_bytes(&wl, "\x88\x01", 2);
	w_u16(&wl, 0);
	for (int i = 1; i <= 18; i++)
		w_u8(&wl, (unsigned)i);
	w_u16(&wl, 0x1230);
	w_u16le(&wl, 0x0080);
	w_wb(&wl, &msdu);
	/* in two CAPWAP fragments (T, WBID 1) */
	for (int last = 0; last < 2; last++) {
		size_t off = last ? 48 : 0, len = last ? wl.n - 48 : 48;
		w2.n = 0;
		w_u32(&w2, 0x00104000u | 0x03u << 8 | 0x80u | (last ? 0x40u : 0));
		w_u16(&w2, 5);
		w_u16(&w2, (unsigned)(off / 8) << 3);
		w_bytes(&w2, wl.b + off, len);
		send_udp(12222, 5247, &w2);
	}
	assert_int_equal(g->n, 2);
	assert_msg(g, 0, dns, 50);
	assert_msg(g, 1, dns, 50);
	assert_int_equal(lb_decoder_stats(d)->ip_reassembled, 1);
	assert_int_equal(lb_decoder_stats(d)->capwap_reassembled, 1);
	assert_int_equal(drops_total(d), 0);
}

/* Regression: AMT (RFC 7450, UDP 2268) was not decoded.  Multicast Data
 * (type 6) from the relay's port carries IPv4 or IPv6 after one reserved
 * byte; a request (3) carries none (not_ip); type 0 or 8, one byte alone
 * are tunnel_bad.  Regression: a version other than 0 was tunnel_bad;
 * tshark reads the type alone and decodes the packet, as lookback now
 * does. */
static void t_amt(void **state)
{
	(void)state;
	w2.n = 0;
	w_u16(&w2, 0x0600);
	w_wb(&w2, &ip4);
	send_udp(2268, 40001, &w2);
	expect(1, 4);
	w2.n = 0;
	w_u16(&w2, 0x0600);
	w_wb(&w2, &ip6);
	send_udp(2268, 40001, &w2);
	expect(2, 6);
	w2.n = 0;
	w_u16(&w2, 0x0300);
	w_u16(&w2, 0);
	w_u32(&w2, 0x12345678); /* the request nonce */
	send_udp(40001, 2268, &w2);
	assert_int_equal(drop_n(d, LB_DROP_NOT_IP), 1);
	w2.n = 0;
	w_u16(&w2, 0x1600);
	w_wb(&w2, &ip4);
	send_udp(2268, 40001, &w2);
	assert_int_equal(g->n, 3);
	assert_msg(g, 2, dns, 50);
	w2.b[0] = 0xf6;
	send_udp(40001, 2268, &w2);
	assert_int_equal(g->n, 4);
	static const unsigned bad[] = { 0x0000, 0x0800 };
	for (size_t i = 0; i < 2; i++) {
		w2.n = 0;
		w_u16(&w2, bad[i]);
		w_wb(&w2, &ip4);
		send_udp(2268, 40001, &w2);
	}
	w2.n = 1;
	send_udp(2268, 40001, &w2);
	assert_int_equal(drop_n(d, LB_DROP_TUNNEL_BAD), 3);
	assert_int_equal(drops_total(d), 4);
	assert_int_equal(g->n, 4);
}

/* Regression: Juniper's jmirror (UDP 30030) was not decoded.  The 8-byte
 * header, then IPv4 (0x45), IPv6 without a flow label, or PPP after FF 03;
 * IPv4 with options and IPv6 with a flow label are not_ip (tshark's
 * reading: no field tells what follows), a header with no packet
 * tunnel_bad. */
static void t_jmirror(void **state)
{
	(void)state;
	w2.n = 0;
	w_u32(&w2, 0x1234);
	w_u32(&w2, 0x0100aa55);
	w_wb(&w2, &ip4);
	send_udp(50000, 30030, &w2);
	expect(1, 4);
	w2.n = 8;
	w_wb(&w2, &ip6);
	send_udp(50000, 30030, &w2);
	expect(2, 6);
	w2.n = 8;
	w_bytes(&w2, "\xff\x03\x00\x57", 4);
	w_wb(&w2, &ip6);
	send_udp(50000, 30030, &w2);
	expect(3, 6);
	w2.n = 8;
	w_wb(&w2, &ip6);
	w2.b[10] = 0x12; /* a flow label */
	send_udp(50000, 30030, &w2);
	w2.n = 8;
	w_wb(&w2, &ip4);
	w2.b[8] = 0x46;
	send_udp(50000, 30030, &w2);
	assert_int_equal(drop_n(d, LB_DROP_NOT_IP), 2);
	w2.n = 11;
	send_udp(50000, 30030, &w2);
	assert_int_equal(drop_n(d, LB_DROP_TUNNEL_BAD), 1);
	assert_int_equal(drops_total(d), 3);
	assert_int_equal(g->n, 3);
}

/* Guard: a response from port 53 to a resolver whose random port is one
 * of the new tunnels' is DNS, not a tunnel. */
static void t_dns_port_wins(void **state)
{
	(void)state;
	static const uint16_t ports[] = { 6635, 4341, 5247, 2268, 30030 };
	wb_t m;
	m.n = 0;
	w_bytes(&m, dns, 50);
	for (size_t i = 0; i < 5; i++) {
		send_udp(53, ports[i], &m);
		assert_int_equal(g->n, i + 1);
		assert_msg(g, i, dns, 50);
	}
	assert_int_equal(drops_total(d), 0);
	assert_int_equal(lb_decoder_stats(d)->tunnels, 0);
}

/* Regression: the destination port named the tunnel before the source
 * port; tshark tries the lower port's protocol first, then the higher
 * port's when the lower refuses the bytes.  AMT from its port 2268 to
 * 6635 (MPLS's) was read as MPLS and is AMT (tshark: AMT).  The entropy
 * source port of MPLS to 6635 (Teredo's 3544) and of LISP to 4341 (GTP-U's
 * 2152) still gives MPLS and LISP: Teredo and GTP-U refuse what is not
 * their header (tshark: GTP-U refuses, Teredo does not).  VXLAN from GTP-U's
 * port, GTP-U from L2TP's: the higher port's (tshark: the same).  Bytes
 * both refuse are tunnel_bad, counted once. */
static void t_lower_port_first(void **state)
{
	(void)state;
	w2.n = 0;
	w_u16(&w2, 0x0600);
	w_wb(&w2, &ip4);
	send_udp(2268, 6635, &w2);
	expect(1, 4);
	w2.n = 0;
	w_label(&w2, 100, true);
	w_wb(&w2, &ip4);
	send_udp(3544, 6635, &w2);
	expect(2, 4);
	w2.n = 0;
	w_u32(&w2, 0);
	w_u32(&w2, 0);
	w_wb(&w2, &ip6);
	send_udp(2152, 4341, &w2);
	expect(3, 6);
	wb_t eth;
	mk_eth(&eth, 0x0800, ip4.b, ip4.n);
	w2.n = 0;
	w_u32(&w2, 0x08000000);
	w_u32(&w2, 0x00000100);
	w_wb(&w2, &eth);
	send_udp(2152, 4789, &w2);
	expect(4, 4);
	w2.n = 0;
	w_u8(&w2, 0x30); /* GTP-U: version 1, PT 1 */
	w_u8(&w2, 0xff); /* G-PDU */
	w_u16(&w2, (uint16_t)ip4.n);
	w_u32(&w2, 0x11223344);
	w_wb(&w2, &ip4);
	send_udp(1701, 2152, &w2);
	expect(5, 4);
	w2.n = 0;
	w_zero(&w2, 16);
	send_udp(1701, 2152, &w2);
	assert_int_equal(drop_n(d, LB_DROP_TUNNEL_BAD), 1);
	assert_int_equal(drops_total(d), 1);
	assert_int_equal(lb_decoder_stats(d)->tunnels, 5);
}

/* A refusal gives back the depth its tunnel took: at the cap (4 deep), the
 * innermost datagram from L2TP's port (refusing) to GTP-U's still gets
 * through GTP-U. */
static void t_refusal_depth(void **state)
{
	(void)state;
	wb_t a, u, o;
	a.n = 0;
	w_u8(&a, 0x30);
	w_u8(&a, 0xff);
	w_u16(&a, (uint16_t)ip4.n);
	w_u32(&a, 1);
	w_wb(&a, &ip4);
	for (int i = 0; i < 3; i++) { /* three times MPLS in UDP around it */
		mk_udp(&u, i ? 50000 : 1701, i ? 6635 : 2152, a.b, a.n);
		mk_ip4(&o, OUT1, OUT2, 17, (uint16_t)i, 0, u.b, u.n);
		a.n = 0;
		w_label(&a, 100, true);
		w_wb(&a, &o);
	}
	send_udp(50000, 6635, &a);
	expect(1, 4);
}

/* The nesting cap holds across the new tunnels: AMT in jmirror in LISP in
 * MPLS in UDP is 4 deep (the default cap), one more (CAPWAP) is
 * tunnel_too_deep. */
static void t_nesting(void **state)
{
	(void)state;
	wb_t a, u, o;
	/* AMT around the DNS packet */
	a.n = 0;
	w_u16(&a, 0x0600);
	w_wb(&a, &ip4);
	/* jmirror around AMT's UDP datagram in IPv4 */
	mk_udp(&u, 2268, 40000, a.b, a.n);
	mk_ip4(&o, OUT1, OUT2, 17, 1, 0, u.b, u.n);
	a.n = 0;
	w_zero(&a, 8);
	w_wb(&a, &o);
	/* LISP around that */
	mk_udp(&u, 40000, 30030, a.b, a.n);
	mk_ip4(&o, OUT1, OUT2, 17, 2, 0, u.b, u.n);
	a.n = 0;
	w_zero(&a, 8);
	w_wb(&a, &o);
	/* MPLS in UDP around that */
	mk_udp(&u, 40000, 4341, a.b, a.n);
	mk_ip4(&o, OUT1, OUT2, 17, 3, 0, u.b, u.n);
	a.n = 0;
	w_label(&a, 100, true);
	w_wb(&a, &o);
	send_udp(40000, 6635, &a);
	expect(1, 4);
	/* and CAPWAP (802.3) outside it all */
	mk_udp(&u, 40000, 6635, a.b, a.n);
	mk_ip4(&o, OUT1, OUT2, 17, 4, 0, u.b, u.n);
	wb_t eth;
	mk_eth(&eth, 0x0800, o.b, o.n);
	capwap(&w2, 1, false, 0, false, false, &eth);
	send_udp(12222, 5247, &w2);
	assert_int_equal(drop_n(d, LB_DROP_TUNNEL_DEPTH), 1);
	assert_int_equal(g->n, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(t_mpls_udp, setup, teardown),
		cmocka_unit_test_setup_teardown(t_etherip_mpls_ip, setup, teardown),
		cmocka_unit_test_setup_teardown(t_lisp, setup, teardown),
		cmocka_unit_test_setup_teardown(t_capwap, setup, teardown),
		cmocka_unit_test_setup_teardown(t_capwap_fragments, setup, teardown),
		cmocka_unit_test_setup_teardown(t_capwap_amsdu_nested_frag, setup, teardown),
		cmocka_unit_test_setup_teardown(t_amt, setup, teardown),
		cmocka_unit_test_setup_teardown(t_jmirror, setup, teardown),
		cmocka_unit_test_setup_teardown(t_dns_port_wins, setup, teardown),
		cmocka_unit_test_setup_teardown(t_lower_port_first, setup, teardown),
		cmocka_unit_test_setup_teardown(t_refusal_depth, setup, teardown),
		cmocka_unit_test_setup_teardown(t_nesting, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
