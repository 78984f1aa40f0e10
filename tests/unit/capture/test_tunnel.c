/* test_tunnel.c - IP-in-IP, GRE (+ key/seq/csum, TEB, ERSPAN II/III), PPTP's
 * enhanced GRE, L2TPv2, L2TPv3 (over IP and UDP), 802.1ah, GRE over UDP,
 * VXLAN, VXLAN-GPE, Teredo, Geneve, GTP-U, AYIYA, TZSP, nesting beyond the cap, DNS
 * datagrams quoted in ICMP errors, and snapshot cuts inside tunnels. */
#include "tunnel_fixture.h"

static wb_t w3;

static void t_ipip(void **state)
{
	(void)state;
	send_ip4(4, &ip4);
	expect(1, 4);
	send_ip4(41, &ip6);
	expect(2, 6);
	wb_t o;
	mk_ip6(&o, B6, A6, 4, ip4.b, ip4.n); /* IPv4 in IPv6 */
	mk_eth(&w3, 0x86DD, o.b, o.n);
	feed(d, 1, 1, w3.b, w3.n);
	expect(3, 4);
}

static void gre(wb_t *w, unsigned flags, unsigned proto, const uint8_t *p, size_t n)
{
	w->n = 0;
	w_u16(w, flags);
	w_u16(w, proto);
	if (flags & 0x8000)
		w_u32(w, 0x12340000); /* checksum + reserved */
	if (flags & 0x2000)
		w_u32(w, 0xabcdef01); /* key */
	if (flags & 0x1000)
		w_u32(w, 42);         /* sequence */
	w_bytes(w, p, n);
}

static void t_gre(void **state)
{
	(void)state;
	gre(&w2, 0, 0x0800, ip4.b, ip4.n);
	send_ip4(47, &w2);
	expect(1, 4);
	gre(&w2, 0xB000, 0x86DD, ip6.b, ip6.n); /* checksum, key, sequence */
	send_ip4(47, &w2);
	expect(2, 6);
	gre(&w2, 0x2000, 0x86DD, ip6.b, ip6.n); /* key only */
	send_ip4(47, &w2);
	expect(3, 6);
	mk_eth(&w1, 0x0800, ip4.b, ip4.n);      /* transparent Ethernet bridging */
	gre(&w2, 0x2000, 0x6558, w1.b, w1.n);
	send_ip4(47, &w2);
	expect(4, 4);
	/* version 1 (PPTP) and truncated options are bad headers */
	gre(&w2, 0x0001, 0x880b, ip4.b, ip4.n);
	send_ip4(47, &w2);
	wb_t t;
	t.n = 0;
	w_u16(&t, 0xB000);
	w_u16(&t, 0x0800);
	w_u32(&t, 0);
	send_ip4(47, &t);
	assert_int_equal(drop_n(d, LB_DROP_TUNNEL_BAD), 2);
	assert_int_equal(drops_total(d), 2);
}

/* PPTP's enhanced GRE (RFC 2637 4.1, version 1), L2TPv2 on UDP 1701 (RFC
 * 2661 3.1), both carrying PPP; and 802.1ah (PBB) around an Ethernet frame. */
static void pptp(wb_t *w, unsigned flags, const uint8_t *ppp, size_t pn, const wb_t *ip)
{
	w->n = 0;
	w_u16(w, flags);
	w_u16(w, 0x880B);
	w_u16(w, (unsigned)(pn + (ip ? ip->n : 0))); /* payload length */
	w_u16(w, 0x4242);                           /* call id */
	if (flags & 0x1000)
		w_u32(w, 7);                        /* sequence */
	if (flags & 0x0080)
		w_u32(w, 6);                        /* acknowledgment */
	w_bytes(w, ppp, pn);
	if (ip)
		w_bytes(w, ip->b, ip->n);
}

static void l2tp(wb_t *w, unsigned flags, const uint8_t *ppp, size_t pn, const wb_t *ip)
{
	wb_t m;
	m.n = 0;
	w_u16(&m, flags);
	if (flags & 0x4000)
		w_u16(&m, (unsigned)(2 + 2 + 4 + ((flags & 0x0800) ? 4 : 0) +
				     ((flags & 0x0200) ? 2 + 3 : 0) + pn + ip->n));
	w_u16(&m, 11); /* tunnel id */
	w_u16(&m, 12); /* session id */
	if (flags & 0x0800)
		w_u32(&m, 0x00010002); /* Ns, Nr */
	if (flags & 0x0200) {
		w_u16(&m, 3);     /* offset size */
		w_zero(&m, 3);    /* offset pad */
	}
	w_bytes(&m, ppp, pn);
	w_bytes(&m, ip->b, ip->n);
	mk_udp(w, 1701, 1701, m.b, m.n);
}

static void t_pptp_l2tp_pbb(void **state)
{
	(void)state;
	static const uint8_t hdlc4[4] = { 0xff, 0x03, 0x00, 0x21 }, hdlc6[4] = { 0xff, 0x03, 0x00, 0x57 };
	static const uint8_t pfc4[1] = { 0x21 }, mppe[2] = { 0x00, 0xfd };
	pptp(&w2, 0x3081, hdlc4, 4, &ip4); /* K, S, A; HDLC address and control */
	send_ip4(47, &w2);
	expect(1, 4);
	pptp(&w2, 0x3001, pfc4, 1, &ip4);  /* K, S; protocol field compressed */
	send_ip4(47, &w2);
	expect(2, 4);
	pptp(&w2, 0x2001, hdlc6, 4, &ip6); /* K only; IPv6 */
	w_zero(&w2, 5);                    /* bytes past the payload length */
	send_ip4(47, &w2);
	expect(3, 6);
	l2tp(&w2, 0x0002, hdlc4, 4, &ip4);
	send_ip4(17, &w2);
	expect(4, 4);
	l2tp(&w2, 0x4A02, hdlc6, 4, &ip6); /* length, sequence, offset */
	send_ip4(17, &w2);
	expect(5, 6);
	wb_t pbb;
	mk_eth(&w1, 0x0800, ip4.b, ip4.n);
	pbb.n = 0;
	w_u32(&pbb, 0x00000123); /* I-TAG: I-SID 0x123 */
	w_bytes(&pbb, w1.b, w1.n);
	mk_eth(&w3, 0x88E7, pbb.b, pbb.n);
	feed(d, 1, 1, w3.b, w3.n);
	expect(6, 4);
	/* no packet: an acknowledgment alone, an encrypted (MPPE) frame, an
	 * L2TP control message; bad: PPTP without its key, L2TPv3 */
	pptp(&w2, 0x2081, NULL, 0, NULL);
	send_ip4(47, &w2);
	pptp(&w2, 0x2001, mppe, 2, &ip4);
	send_ip4(47, &w2);
	l2tp(&w2, 0xC802, hdlc4, 4, &ip4);
	send_ip4(17, &w2);
	assert_int_equal(drop_n(d, LB_DROP_NOT_IP), 3);
	/* bad: PPTP without its key, an L2TP version neither 2 nor 3 */
	pptp(&w2, 0x1001, hdlc4, 4, &ip4);
	send_ip4(47, &w2);
	l2tp(&w2, 0x0004, hdlc4, 4, &ip4);
	send_ip4(17, &w2);
	assert_int_equal(drop_n(d, LB_DROP_TUNNEL_BAD), 2);
	assert_int_equal(g->n, 6);
}

/* An L2TPv3 data message (RFC 3931 4.1): over IP (proto 115) the session id,
 * over UDP 1701 flags/version 3, reserved and the session id; then `cookie`
 * bytes of cookie, a 4-byte L2-Specific Sublayer when `sub`, and `pw`. */
static void l2tpv3(wb_t *w, bool udp, size_t cookie, bool sub, const wb_t *pw)
{
	wb_t m;
	m.n = 0;
	if (udp)
		w_u32(&m, 0x00030000);
	w_u32(&m, 0x00c0ffee);                 /* session id */
	for (size_t i = 0; i < cookie; i++)
		w_u8(&m, 0xa0 + (unsigned)i);  /* cookie */
	if (sub)
		w_u32(&m, 0x40000005);         /* S, sequence 5 */
	w_bytes(&m, pw->b, pw->n);
	if (udp)
		mk_udp(w, 1701, 1701, m.b, m.n);
	else
		*w = m;
}

/* L2TPv3 (RFC 3931) Ethernet pseudowires (RFC 4719): every cookie length (0,
 * 4, 8) with and without the L2-Specific Sublayer, over IP and over UDP, a
 * VLAN-tagged frame and IPv6 inside; control messages carry no packet; a
 * payload that is no Ethernet frame (PPP) is not IP. */
static void t_l2tpv3(void **state)
{
	(void)state;
	wb_t eth4, eth6, vlan, v;
	mk_eth(&eth4, 0x0800, ip4.b, ip4.n);
	mk_eth(&eth6, 0x86DD, ip6.b, ip6.n);
	v.n = 0;
	w_u16(&v, 100);     /* VLAN 100 */
	w_u16(&v, 0x0800);
	w_bytes(&v, ip4.b, ip4.n);
	mk_eth(&vlan, 0x8100, v.b, v.n);
	size_t n = 0;
	for (int udp = 0; udp < 2; udp++)
		for (size_t cookie = 0; cookie <= 8; cookie += 4)
			for (int sub = 0; sub < 2; sub++) {
				l2tpv3(&w2, udp, cookie, sub, &eth4);
				send_ip4(udp ? 17 : 115, &w2);
				expect(++n, 4);
			}
	l2tpv3(&w2, false, 4, false, &eth6);
	send_ip4(115, &w2);
	expect(++n, 6);
	l2tpv3(&w2, true, 8, true, &vlan);
	send_ip4(17, &w2);
	expect(++n, 4);
	/* control messages: session id 0 over IP, T set over UDP */
	w2.n = 0;
	w_u32(&w2, 0);
	w_u16(&w2, 0xC803);
	w_zero(&w2, 30);
	send_ip4(115, &w2);
	mk_udp(&w1, 1701, 1701, w2.b + 4, w2.n - 4);
	send_ip4(17, &w1);
	/* a PPP frame, not Ethernet */
	static const uint8_t hdlc4[4] = { 0xff, 0x03, 0x00, 0x21 };
	v.n = 0;
	w_bytes(&v, hdlc4, 4);
	w_bytes(&v, ip4.b, ip4.n);
	l2tpv3(&w2, false, 0, false, &v);
	send_ip4(115, &w2);
	assert_int_equal(drop_n(d, LB_DROP_NOT_IP), 3);
	/* cut: a session id of 3 bytes, a UDP header of 6 */
	w2.n = 3;
	send_ip4(115, &w2);
	mk_udp(&w1, 1701, 1701, (const uint8_t *)"\0\3\0\0\0\1", 6);
	send_ip4(17, &w1);
	assert_int_equal(drop_n(d, LB_DROP_TUNNEL_BAD), 2);
	assert_int_equal(g->n, n);
}

/* VXLAN-GPE (draft-ietf-nvo3-vxlan-gpe, UDP 4790): flags (I, P), the Next
 * Protocol 1 IPv4, 2 IPv6, 3 Ethernet; NSH (4) is not decoded, a version
 * other than 0 is a bad header. */
static void gpe(wb_t *w, unsigned flags, unsigned next, const wb_t *inner)
{
	wb_t m;
	m.n = 0;
	w_u8(&m, flags);
	w_u16(&m, 0);
	w_u8(&m, next);
	w_u32(&m, 0x00123400); /* VNI 0x1234 */
	w_bytes(&m, inner->b, inner->n);
	mk_udp(w, 50000, 4790, m.b, m.n);
}

static void t_vxlan_gpe(void **state)
{
	(void)state;
	wb_t eth6;
	mk_eth(&eth6, 0x86DD, ip6.b, ip6.n);
	gpe(&w2, 0x0C, 1, &ip4);
	send_ip4(17, &w2);
	expect(1, 4);
	gpe(&w2, 0x0C, 2, &ip6);
	send_ip4(17, &w2);
	expect(2, 6);
	gpe(&w2, 0x0C, 3, &eth6);
	send_ip4(17, &w2);
	expect(3, 6);
	gpe(&w2, 0x0C, 4, &ip4);   /* NSH */
	send_ip4(17, &w2);
	assert_int_equal(drop_n(d, LB_DROP_NOT_IP), 1);
	gpe(&w2, 0x1C, 1, &ip4);   /* version 1 */
	send_ip4(17, &w2);
	mk_udp(&w2, 50000, 4790, ip4.b, 7);
	send_ip4(17, &w2);
	assert_int_equal(drop_n(d, LB_DROP_TUNNEL_BAD), 2);
	assert_int_equal(g->n, 3);
}

static void t_erspan(void **state)
{
	(void)state;
	mk_eth(&w1, 0x86DD, ip6.b, ip6.n);
	wb_t e;
	/* type II: 8-byte header, version 1 */
	e.n = 0;
	w_u16(&e, 0x1000 | 100); /* ver 1, vlan 100 */
	w_u16(&e, 5);            /* session */
	w_u32(&e, 0);
	w_bytes(&e, w1.b, w1.n);
	gre(&w2, 0x1000, 0x88BE, e.b, e.n);
	send_ip4(47, &w2);
	expect(1, 6);
	/* type III without and with the platform subheader */
	for (int o = 0; o < 2; o++) {
		e.n = 0;
		w_u16(&e, 0x2000);
		w_u16(&e, 5);
		w_u32(&e, 123456);   /* timestamp */
		w_u16(&e, 0);        /* SGT */
		w_u16(&e, o ? 1 : 0);/* P, FT = 0 (Ethernet), HW id, D, Gra, O */
		if (o)
			w_u32(&e, 0x11111111), w_u32(&e, 0x22222222);
		w_bytes(&e, w1.b, w1.n);
		gre(&w2, 0x1000, 0x22EB, e.b, e.n);
		send_ip4(47, &w2);
		expect((size_t)(2 + o), 6);
	}
	/* type II header with the wrong version */
	e.n = 0;
	w_u16(&e, 0x2000);
	w_u16(&e, 5);
	w_u32(&e, 0);
	w_bytes(&e, w1.b, w1.n);
	gre(&w2, 0x1000, 0x88BE, e.b, e.n);
	send_ip4(47, &w2);
	assert_int_equal(drop_n(d, LB_DROP_TUNNEL_BAD), 1);
}

static void t_udp_tunnels(void **state)
{
	(void)state;
	wb_t u;
	/* GRE over UDP 4754 */
	gre(&w2, 0, 0x0800, ip4.b, ip4.n);
	mk_udp(&u, 50000, 4754, w2.b, w2.n);
	send_ip4(17, &u);
	expect(1, 4);
	/* VXLAN */
	mk_eth(&w1, 0x0800, ip4.b, ip4.n);
	w2.n = 0;
	w_u32(&w2, 0x08000000);
	w_u32(&w2, 0x00100000); /* VNI 4096 */
	w_bytes(&w2, w1.b, w1.n);
	mk_udp(&u, 50000, 4789, w2.b, w2.n);
	send_ip4(17, &u);
	expect(2, 4);
	/* Teredo: plain, with origin indication, with authentication + origin */
	mk_udp(&u, 3544, 40000, ip6.b, ip6.n);
	send_ip4(17, &u);
	expect(3, 6);
	w2.n = 0;
	w_u16(&w2, 0);
	w_u16(&w2, 0x1234);
	w_u32(&w2, 0x01020304);
	w_bytes(&w2, ip6.b, ip6.n);
	mk_udp(&u, 40000, 3544, w2.b, w2.n);
	send_ip4(17, &u);
	expect(4, 6);
	w2.n = 0;
	w_u16(&w2, 1);
	w_u8(&w2, 3);             /* client id length */
	w_u8(&w2, 2);             /* auth value length */
	w_bytes(&w2, "abcde", 5); /* id + auth */
	w_zero(&w2, 8);           /* nonce */
	w_u8(&w2, 0);             /* confirmation */
	w_u16(&w2, 0);
	w_u16(&w2, 0x1234);
	w_u32(&w2, 0x01020304);
	w_bytes(&w2, ip6.b, ip6.n);
	mk_udp(&u, 40000, 3544, w2.b, w2.n);
	send_ip4(17, &u);
	expect(5, 6);
	/* VXLAN without the I flag, Teredo carrying IPv4 */
	w2.b[0] = 0;
	w2.n = 8;
	w_bytes(&w2, w1.b, w1.n);
	mk_udp(&u, 50000, 4789, w2.b, w2.n);
	send_ip4(17, &u);
	mk_udp(&u, 3544, 40000, ip4.b, ip4.n);
	send_ip4(17, &u);
	assert_int_equal(drop_n(d, LB_DROP_TUNNEL_BAD), 2);
	assert_int_equal(drops_total(d), 2);
}

/* Geneve (RFC 8926) and GTP-U (TS 29.281): the forms, then the malformed. */
static void t_geneve_gtpu(void **state)
{
	(void)state;
	wb_t u;
	/* Geneve: Ethernet inside, 8 bytes of options (Opt Len 2) */
	mk_eth(&w1, 0x0800, ip4.b, ip4.n);
	w2.n = 0;
	w_u8(&w2, 2);
	w_u8(&w2, 0);
	w_u16(&w2, 0x6558);
	w_u32(&w2, 0x00123400); /* VNI */
	w_u32(&w2, 0x01080101); /* an option: class 0x0108, type 1, length 1 word */
	w_u32(&w2, 0xdeadbeef);
	w_bytes(&w2, w1.b, w1.n);
	mk_udp(&u, 50000, 6081, w2.b, w2.n);
	send_ip4(17, &u);
	expect(1, 4);
	/* Geneve: IPv6 inside, no options */
	w2.n = 0;
	w_u16(&w2, 0);
	w_u16(&w2, 0x86DD);
	w_u32(&w2, 0);
	w_bytes(&w2, ip6.b, ip6.n);
	mk_udp(&u, 50000, 6081, w2.b, w2.n);
	send_ip4(17, &u);
	expect(2, 6);
	/* GTP-U G-PDU: the plain 8-byte header, then padding the length leaves out */
	w2.n = 0;
	w_u8(&w2, 0x30);
	w_u8(&w2, 0xff);
	w_u16(&w2, (unsigned)ip4.n);
	w_u32(&w2, 0x11223344); /* TEID */
	w_bytes(&w2, ip4.b, ip4.n);
	w_zero(&w2, 6);
	mk_udp(&u, 2152, 2152, w2.b, w2.n);
	send_ip4(17, &u);
	expect(3, 4);
	/* with a sequence number and two extension headers (PDU session
	 * container, 1 word; then one of 2 words) */
	w2.n = 0;
	w_u8(&w2, 0x36);
	w_u8(&w2, 0xff);
	w_u16(&w2, (unsigned)(4 + 4 + 8 + ip6.n));
	w_u32(&w2, 0x11223344);
	w_u16(&w2, 7);    /* sequence */
	w_u8(&w2, 0);     /* N-PDU */
	w_u8(&w2, 0x85);  /* next: PDU session container */
	w_u8(&w2, 1); w_u8(&w2, 0x00); w_u8(&w2, 0x09); w_u8(&w2, 0x40); /* next: 0x40 */
	w_u8(&w2, 2); w_zero(&w2, 6); w_u8(&w2, 0);                      /* next: none */
	w_bytes(&w2, ip6.b, ip6.n);
	mk_udp(&u, 40000, 2152, w2.b, w2.n);
	send_ip4(17, &u);
	expect(4, 6);
	/* malformed: Geneve version 1; options past the end; GTP version 2;
	 * an extension header of length 0; one past the end */
	w2.n = 0;
	w_u8(&w2, 0x40); w_u8(&w2, 0); w_u16(&w2, 0x0800); w_u32(&w2, 0);
	w_bytes(&w2, ip4.b, ip4.n);
	mk_udp(&u, 50000, 6081, w2.b, w2.n);
	send_ip4(17, &u);
	w2.n = 0;
	w_u8(&w2, 0x3f); w_u8(&w2, 0); w_u16(&w2, 0x0800); w_u32(&w2, 0);
	w_zero(&w2, 16);
	mk_udp(&u, 50000, 6081, w2.b, w2.n);
	send_ip4(17, &u);
	w2.n = 0;
	w_u8(&w2, 0x50); w_u8(&w2, 0xff); w_u16(&w2, (unsigned)ip4.n); w_u32(&w2, 1);
	w_bytes(&w2, ip4.b, ip4.n);
	mk_udp(&u, 2152, 2152, w2.b, w2.n);
	send_ip4(17, &u);
	w2.n = 0;
	w_u8(&w2, 0x34); w_u8(&w2, 0xff); w_u16(&w2, (unsigned)(8 + ip4.n)); w_u32(&w2, 1);
	w_u32(&w2, 0x00000085);
	w_u32(&w2, 0);
	w_bytes(&w2, ip4.b, ip4.n);
	mk_udp(&u, 2152, 2152, w2.b, w2.n);
	send_ip4(17, &u);
	w2.n = 0;
	w_u8(&w2, 0x34); w_u8(&w2, 0xff); w_u16(&w2, 8); w_u32(&w2, 1);
	w_u32(&w2, 0x00000085);
	w_u8(&w2, 200); w_zero(&w2, 3);
	mk_udp(&u, 2152, 2152, w2.b, w2.n);
	send_ip4(17, &u);
	assert_int_equal(drop_n(d, LB_DROP_TUNNEL_BAD), 5);
	/* a GTP-U echo request carries no user packet */
	w2.n = 0;
	w_u8(&w2, 0x32); w_u8(&w2, 1); w_u16(&w2, 4); w_u32(&w2, 0); w_u32(&w2, 0);
	mk_udp(&u, 2152, 2152, w2.b, w2.n);
	send_ip4(17, &u);
	assert_int_equal(drop_n(d, LB_DROP_NOT_IP), 1);
	assert_int_equal(drops_total(d), 6);
	assert_int_equal(g->n, 4); /* nothing more came out */
}

/* An ICMP error (type t) quoting q; ICMPv6 (over IPv6) when v6. */
static void send_icmp(bool v6, uint8_t t, const uint8_t *q, size_t qn)
{
	wb_t m, o;
	m.n = 0;
	w_u8(&m, t);
	w_u8(&m, 3);
	w_u16(&m, 0);
	w_u32(&m, 0);
	w_bytes(&m, q, qn);
	if (v6)
		mk_ip6(&o, B6, A6, 58, m.b, m.n);
	else
		mk_ip4(&o, B4, A4, 1, 5, 0, m.b, m.n);
	mk_eth(&w3, v6 ? 0x86DD : 0x0800, o.b, o.n);
	feed(d, 1, 1, w3.b, w3.n);
}

/* DNS datagrams quoted in ICMP / ICMPv6 errors: whole ones are messages (with
 * the quoted datagram's addresses), anything else a counted drop. */
static void t_icmp_quotes(void **state)
{
	(void)state;
	send_icmp(false, 3, ip4.b, ip4.n);  /* port unreachable */
	send_icmp(false, 11, ip4.b, ip4.n); /* time exceeded */
	send_icmp(true, 1, ip6.b, ip6.n);   /* destination unreachable */
	send_icmp(true, 2, ip6.b, ip6.n);   /* packet too big */
	assert_int_equal(g->n, 4);
	for (size_t i = 0; i < 4; i++) {
		assert_msg(g, i, dns, 50);
		assert_int_equal(g->m[i].ipver, i < 2 ? 4 : 6);
		assert_memory_equal(g->m[i].src, i < 2 ? A4 : A6, i < 2 ? 4 : 16);
		assert_int_equal(g->m[i].sport, 1234);
		assert_int_equal(g->m[i].dport, 53);
	}
	assert_int_equal(drops_total(d), 0);
	/* not an error (echo request, ICMPv6 echo); a quote cut inside the
	 * datagram (the first 8 bytes of UDP, as RFC 792 asks at the least) */
	send_icmp(false, 8, ip4.b, ip4.n);
	send_icmp(true, 128, ip6.b, ip6.n);
	assert_int_equal(drop_n(d, LB_DROP_NOT_TRANSPORT), 2);
	send_icmp(false, 3, ip4.b, 20 + 8);
	send_icmp(true, 1, ip6.b, ip6.n - 1);
	assert_int_equal(drop_n(d, LB_DROP_IP_TRUNCATED), 2);
	/* a quoted fragment, quoted TCP, a port that is not DNS */
	wb_t q;
	mk_ip4(&q, A4, B4, 17, 9, 0x2000, w1.b, w1.n);
	send_icmp(false, 3, q.b, q.n);
	mk_ip4(&q, A4, B4, 6, 9, 0, w1.b, w1.n);
	send_icmp(false, 3, q.b, q.n);
	assert_int_equal(drop_n(d, LB_DROP_NOT_TRANSPORT), 4);
	wb_t u;
	mk_udp(&u, 1234, 4000, dns, 50);
	mk_ip4(&q, A4, B4, 17, 9, 0, u.b, u.n);
	send_icmp(false, 3, q.b, q.n);
	assert_int_equal(drop_n(d, LB_DROP_NOT_DNS_PORT), 1);
	/* a UDP length past the quoted datagram */
	mk_ip4(&q, A4, B4, 17, 9, 0, w1.b, w1.n);
	q.b[20 + 4] = 0xff;
	send_icmp(false, 3, q.b, q.n);
	assert_int_equal(drop_n(d, LB_DROP_UDP_BAD), 1);
	assert_int_equal(drops_total(d), 8);
	assert_int_equal(g->n, 4);
}

/* Wrap ip4 in `levels` IP-in-IP layers, alternating v4 and GRE. */
static void nest(int levels, wb_t *out)
{
	wb_t cur = ip4, tmp;
	for (int i = 0; i < levels; i++) {
		if (i % 2) {
			gre(&tmp, 0, 0x0800, cur.b, cur.n);
			mk_ip4(&cur, OUT1, OUT2, 47, (uint16_t)i, 0, tmp.b, tmp.n);
		} else {
			mk_ip4(&tmp, OUT1, OUT2, 4, (uint16_t)i, 0, cur.b, cur.n);
			cur = tmp;
		}
	}
	*out = cur;
}

static void t_nesting(void **state)
{
	(void)state;
	wb_t p;
	nest(4, &p); /* 4 tunnels: the default cap */
	feed(d, 228, 1, p.b, p.n);
	assert_int_equal(g->n, 1);
	assert_msg(g, 0, dns, 50);
	nest(5, &p);
	feed(d, 228, 1, p.b, p.n);
	assert_int_equal(g->n, 1);
	assert_int_equal(drop_n(d, LB_DROP_TUNNEL_DEPTH), 1);
	assert_int_equal(drops_total(d), 1);
	/* with a cap of 0 no tunnel is entered */
	lb_decoder_opts_t o;
	lb_decoder_opts_default(&o);
	o.max_tunnel_depth = 0;
	lb_decoder_t *d0 = lb_decoder_new(&o, collect, g);
	nest(1, &p);
	feed(d0, 228, 1, p.b, p.n);
	assert_int_equal(lb_decoder_stats(d0)->drops[LB_DROP_TUNNEL_DEPTH], 1);
	feed(d0, 228, 1, ip4.b, ip4.n);
	assert_int_equal(g->n, 2);
	lb_decoder_free(d0);
}

/* AYIYA header (draft-massar-v6ops-ayiya): identity 2^idlen bytes, signature
 * siglen words, operation, next header, epoch; then identity and signature. */
static void ayiya(wb_t *w, unsigned idlen, unsigned siglen, unsigned op, uint8_t nh,
		  const wb_t *inner)
{
	w->n = 0;
	w_u8(w, (uint8_t)(idlen << 4 | 1));  /* identity type: integer */
	w_u8(w, (uint8_t)(siglen << 4 | 2)); /* hash: SHA-1 */
	w_u8(w, (uint8_t)(1 << 4 | op));     /* auth: shared secret */
	w_u8(w, nh);
	w_u32(w, 1700000000);                /* epoch */
	for (size_t i = 0; i < ((size_t)1 << idlen) + 4 * (size_t)siglen; i++)
		w_u8(w, (uint8_t)(0xa0 + i));
	if (inner)
		w_bytes(w, inner->b, inner->n);
}

/* Regression: AYIYA (SixXS's "Anything In Anything", UDP 5072) was not
 * decoded, its DNS counted as not_dns_port.  A Forward message carries IPv6
 * (next header 41) or IPv4 (4), the packet after the identity and the
 * signature, from the PoP (source port 5072) or to it; the other operations
 * carry none; a header longer than the datagram is tunnel_bad. */
static void t_ayiya(void **state)
{
	(void)state;
	wb_t u;
	ayiya(&w2, 4, 5, 1, 41, &ip6);       /* what AICCU and sixxsd send */
	mk_udp(&u, 5072, 40000, w2.b, w2.n);
	send_ip4(17, &u);
	expect(1, 6);
	ayiya(&w2, 0, 0, 1, 4, &ip4);        /* a 1-byte identity, no signature */
	mk_udp(&u, 40000, 5072, w2.b, w2.n);
	send_ip4(17, &u);
	expect(2, 4);
	ayiya(&w2, 4, 5, 3, 41, &ip6);       /* echo request and forward: not delivered */
	mk_udp(&u, 40000, 5072, w2.b, w2.n);
	send_ip4(17, &u);
	ayiya(&w2, 4, 5, 0, 59, NULL);       /* heartbeat */
	mk_udp(&u, 40000, 5072, w2.b, w2.n);
	send_ip4(17, &u);
	ayiya(&w2, 4, 5, 1, 17, &w1);        /* next header UDP: no IP to read */
	mk_udp(&u, 40000, 5072, w2.b, w2.n);
	send_ip4(17, &u);
	assert_int_equal(drop_n(d, LB_DROP_NOT_IP), 3);
	ayiya(&w2, 4, 5, 1, 41, NULL);       /* the signature cut short */
	mk_udp(&u, 40000, 5072, w2.b, 30);
	send_ip4(17, &u);
	mk_udp(&u, 40000, 5072, w2.b, 7);    /* shorter than the fixed header */
	send_ip4(17, &u);
	assert_int_equal(drop_n(d, LB_DROP_TUNNEL_BAD), 2);
	assert_int_equal(drops_total(d), 5);
	assert_int_equal(g->n, 2);
}

/* A TZSP message: version 1, type, encapsulation, tags (pad, a sensor MAC)
 * if asked, the end tag, the frame. */
static void tzsp(wb_t *w, unsigned type, unsigned encap, bool tags, const wb_t *frame)
{
	w->n = 0;
	w_u8(w, 1);
	w_u8(w, type);
	w_u16(w, encap);
	if (tags) {
		w_u8(w, 0);               /* pad */
		w_u8(w, 60);              /* sensor MAC */
		w_u8(w, 6);
		w_bytes(w, "\x00\x0c\x42\x01\x02\x03", 6);
	}
	w_u8(w, 1);                       /* end */
	if (frame)
		w_bytes(w, frame->b, frame->n);
}

/* Regression: TZSP (UDP 37008, what MikroTik's sniffer streams to a
 * collector) was not decoded: its DNS counted as not_dns_port.  Version 1, a
 * received packet (type 0) or one for transmit (1), tags (pad, a sensor
 * MAC, the end), then an Ethernet frame (encapsulation 1) or an 802.11 one
 * (18); keepalives carry none; tags past the datagram, no end tag or
 * version 2 are tunnel_bad; an encapsulation not known link_unsupported. */
static void t_tzsp(void **state)
{
	(void)state;
	wb_t u, eth, wlan;
	mk_eth(&eth, 0x0800, ip4.b, ip4.n);
	tzsp(&w2, 0, 1, false, &eth);         /* what MikroTik sends */
	mk_udp(&u, 40000, 37008, w2.b, w2.n);
	send_ip4(17, &u);
	expect(1, 4);
	mk_eth(&eth, 0x86DD, ip6.b, ip6.n);
	tzsp(&w2, 1, 1, true, &eth);
	mk_udp(&u, 37008, 40000, w2.b, w2.n);
	send_ip4(17, &u);
	expect(2, 6);
	/* 802.11: a QoS data frame from the DS, LLC/SNAP, IPv4 */
	wlan.n = 0;
	w_bytes(&wlan, "\x88\x02\x00\x00", 4);
	for (int i = 1; i <= 18; i++)
		w_u8(&wlan, (unsigned)i);
	w_bytes(&wlan, "\x10\x00\x00\x00\xaa\xaa\x03\x00\x00\x00\x08\x00", 12);
	w_bytes(&wlan, ip4.b, ip4.n);
	tzsp(&w2, 0, 18, true, &wlan);
	mk_udp(&u, 40000, 37008, w2.b, w2.n);
	send_ip4(17, &u);
	expect(3, 4);
	tzsp(&w2, 4, 0, false, NULL);         /* keepalive */
	w2.n = 4;
	mk_udp(&u, 40000, 37008, w2.b, w2.n);
	send_ip4(17, &u);
	assert_int_equal(drop_n(d, LB_DROP_NOT_IP), 1);
	tzsp(&w2, 0, 1, true, &eth);
	mk_udp(&u, 40000, 37008, w2.b, 7);    /* the sensor tag cut */
	send_ip4(17, &u);
	mk_udp(&u, 40000, 37008, w2.b, 5);    /* no end tag */
	send_ip4(17, &u);
	w2.b[0] = 2;                          /* version 2 */
	mk_udp(&u, 40000, 37008, w2.b, w2.n);
	send_ip4(17, &u);
	assert_int_equal(drop_n(d, LB_DROP_TUNNEL_BAD), 3);
	tzsp(&w2, 0, 99, false, &eth);        /* an encapsulation not known */
	mk_udp(&u, 40000, 37008, w2.b, w2.n);
	send_ip4(17, &u);
	assert_int_equal(drop_n(d, LB_DROP_LINK_UNSUPPORTED), 1);
	assert_int_equal(drops_total(d), 5);
	assert_int_equal(g->n, 3);
}

/* Regression (seen in generated traffic): a response from port 53 to a
 * resolver whose random port is 4789, 4754 or 3544 is DNS, not a tunnel
 * (nor is one to 4790, 1701, 5072 or 37008). */
static void t_dns_port_wins(void **state)
{
	(void)state;
	static const uint16_t ports[] = { 4789, 4754, 3544, 4790, 1701, 5072, 37008 };
	for (size_t i = 0; i < 7; i++) {
		wb_t u, ip, e;
		mk_udp(&u, 53, ports[i], dns, 50);
		mk_ip4(&ip, A4, B4, 17, 9, 0, u.b, u.n);
		mk_eth(&e, 0x0800, ip.b, ip.n);
		feed(d, 1, 1, e.b, e.n);
		assert_int_equal(g->n, i + 1);
		assert_msg(g, i, dns, 50);
		assert_int_equal(g->m[i].dport, ports[i]);
	}
	assert_int_equal(drops_total(d), 0);
	assert_int_equal(lb_decoder_stats(d)->tunnels, 0);
}

/* Regression (zeek Traces/tunnels/geneve-vxlan-dns-truncated.pcap): a frame
 * the snapshot length cut inside DNS carried in VXLAN, or in VXLAN in Geneve.
 * The cut falls in the inner packet, so the tunnels are read over what was
 * kept and the inner DNS datagram is handed up cut, as one cut outside a
 * tunnel is; the outer UDP length past the capture used to drop the frame
 * (ip_truncated).  A cut datagram to neither a DNS nor a tunnel port, and a
 * datagram longer than its whole frame, are still dropped. */
static void t_tunnel_snapped(void **state)
{
	(void)state;
	wb_t inner, vx, u, o, gn, mid, e;
	struct timeval tv = { 1, 0 };
	mk_eth(&inner, 0x0800, ip4.b, ip4.n);
	vx.n = 0;
	w_u32(&vx, 0x08000000);
	w_u32(&vx, 0x00100000);
	w_bytes(&vx, inner.b, inner.n);
	mk_udp(&u, 50000, 4789, vx.b, vx.n);
	mk_ip4(&o, OUT1, OUT2, 17, 77, 0, u.b, u.n);
	mk_eth(&e, 0x0800, o.b, o.n);
	lb_decoder_frame(d, 1, &tv, e.b, e.n - 1, e.n);
	assert_int_equal(g->n, 1);
	assert_msg(g, 0, dns, 49);
	assert_true(g->m[0].cut);
	/* VXLAN in Geneve (protocol 0x6558), cut 7 octets short */
	mk_eth(&mid, 0x0800, o.b, o.n);
	gn.n = 0;
	w_u32(&gn, 0x00006558);
	w_u32(&gn, 0x00123400);
	w_bytes(&gn, mid.b, mid.n);
	mk_udp(&u, 50001, 6081, gn.b, gn.n);
	mk_ip4(&o, OUT1, OUT2, 17, 78, 0, u.b, u.n);
	mk_eth(&e, 0x0800, o.b, o.n);
	lb_decoder_frame(d, 1, &tv, e.b, e.n - 7, e.n);
	assert_int_equal(g->n, 2);
	assert_msg(g, 1, dns, 43);
	assert_true(g->m[1].cut);
	assert_int_equal(drops_total(d), 0);
	/* the same frame short of its IP length with nothing lost to a
	 * snapshot length (caplen = wirelen): dropped */
	lb_decoder_frame(d, 1, &tv, e.b, e.n - 7, e.n - 7);
	assert_int_equal(drop_n(d, LB_DROP_IP_TRUNCATED), 1);
	/* cut, to a port that is neither DNS nor a tunnel's */
	mk_udp(&u, 50001, 6000, gn.b, gn.n);
	mk_ip4(&o, OUT1, OUT2, 17, 79, 0, u.b, u.n);
	mk_eth(&e, 0x0800, o.b, o.n);
	lb_decoder_frame(d, 1, &tv, e.b, e.n - 7, e.n);
	assert_int_equal(drop_n(d, LB_DROP_IP_TRUNCATED), 2);
	assert_int_equal(g->n, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(t_ipip, setup, teardown),
		cmocka_unit_test_setup_teardown(t_gre, setup, teardown),
		cmocka_unit_test_setup_teardown(t_erspan, setup, teardown),
		cmocka_unit_test_setup_teardown(t_pptp_l2tp_pbb, setup, teardown),
		cmocka_unit_test_setup_teardown(t_l2tpv3, setup, teardown),
		cmocka_unit_test_setup_teardown(t_udp_tunnels, setup, teardown),
		cmocka_unit_test_setup_teardown(t_vxlan_gpe, setup, teardown),
		cmocka_unit_test_setup_teardown(t_geneve_gtpu, setup, teardown),
		cmocka_unit_test_setup_teardown(t_ayiya, setup, teardown),
		cmocka_unit_test_setup_teardown(t_tzsp, setup, teardown),
		cmocka_unit_test_setup_teardown(t_icmp_quotes, setup, teardown),
		cmocka_unit_test_setup_teardown(t_nesting, setup, teardown),
		cmocka_unit_test_setup_teardown(t_dns_port_wins, setup, teardown),
		cmocka_unit_test_setup_teardown(t_tunnel_snapped, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
