/* test_link.c - every supported link type, VLAN/QinQ, PPPoE, MPLS, LLC; 802.11
 * behind radiotap (its data pad too), PPI, AVS and Prism; IP over IEEE 1394. */
#include "build.h"

static uint8_t dns[100];
static wb_t ip, ip6, fr, tmp;

/* IPv4/UDP 5353 -> 53 carrying a 40-byte DNS message (id 0x1234) into ip; IPv6 into ip6. */
static void mk_inner(void)
{
	mk_dns(dns, 0x1234, 40);
	mk_udp(&tmp, 5353, 53, dns, 40);
	mk_ip4(&ip, A4, B4, 17, 1, 0, tmp.b, tmp.n);
	mk_ip6(&ip6, A6, B6, 17, tmp.b, tmp.n);
}

typedef struct env {
	lb_decoder_t *d;
	got_t *g;
} env_t;

static int setup(void **state)
{
	env_t *e = calloc(1, sizeof(*e));
	e->g = got_new();
	e->d = lb_decoder_new(NULL, collect, e->g);
	assert_non_null(e->d);
	mk_inner();
	*state = e;
	return 0;
}

static int teardown(void **state)
{
	env_t *e = *state;
	lb_decoder_free(e->d);
	free(e->g);
	free(e);
	return 0;
}

/* Exactly one message, the DNS payload, from A to B over ipver; no drops. */
static void expect_one(env_t *e, int ipver)
{
	assert_int_equal(e->g->n, 1);
	assert_msg(e->g, 0, dns, 40);
	assert_int_equal(e->g->m[0].ipver, ipver);
	assert_int_equal(e->g->m[0].proto, 17);
	assert_int_equal(e->g->m[0].sport, 5353);
	assert_int_equal(e->g->m[0].dport, 53);
	assert_memory_equal(e->g->m[0].src, ipver == 4 ? A4 : A6, ipver == 4 ? 4 : 16);
	assert_memory_equal(e->g->m[0].dst, ipver == 4 ? B4 : B6, ipver == 4 ? 4 : 16);
	if (ipver == 4) { /* the rest of an IPv4 address field is zero */
		static const uint8_t zero[12];
		assert_memory_equal(e->g->m[0].src + 4, zero, 12);
		assert_memory_equal(e->g->m[0].dst + 4, zero, 12);
	}
	assert_int_equal(drops_total(e->d), 0);
	assert_int_equal(lb_decoder_stats(e->d)->udp_dns, 1);
}

static void t_ether_ipv4(void **state)
{
	env_t *e = *state;
	mk_eth(&fr, 0x0800, ip.b, ip.n);
	w_zero(&fr, 6); /* Ethernet padding after the datagram is ignored */
	feed(e->d, 1, 1, fr.b, fr.n);
	expect_one(e, 4);
	assert_int_equal(lb_decoder_stats(e->d)->packets, 1);
	assert_int_equal(lb_decoder_stats(e->d)->bytes, fr.n);
}

static void t_ether_ipv6(void **state)
{
	env_t *e = *state;
	mk_eth(&fr, 0x86DD, ip6.b, ip6.n);
	feed(e->d, 1, 1, fr.b, fr.n);
	expect_one(e, 6);
}

static void t_vlan_qinq(void **state)
{
	env_t *e = *state;
	static const unsigned tpids[] = { 0x8100, 0x88a8, 0x9100 };
	for (int i = 0; i < 3; i++) {
		wb_t *w = &fr;
		mk_eth(w, tpids[i], NULL, 0);
		w_u16(w, 100 + i);
		w_u16(w, 0x8100); /* inner C-tag */
		w_u16(w, 11);
		w_u16(w, 0x0800);
		w_bytes(w, ip.b, ip.n);
		feed(e->d, 1, 1, w->b, w->n);
	}
	assert_int_equal(e->g->n, 3);
	for (int i = 0; i < 3; i++)
		assert_msg(e->g, (size_t)i, dns, 40);
	assert_int_equal(drops_total(e->d), 0);
}

static void t_pppoe(void **state)
{
	env_t *e = *state;
	mk_eth(&fr, 0x8864, NULL, 0);
	w_u8(&fr, 0x11);
	w_u8(&fr, 0);
	w_u16(&fr, 0x0042);
	w_u16(&fr, (unsigned)(ip6.n + 2));
	w_u16(&fr, 0x0057);
	w_bytes(&fr, ip6.b, ip6.n);
	feed(e->d, 1, 1, fr.b, fr.n);
	expect_one(e, 6);
	/* IPv4 over PPPoE behind a VLAN tag */
	mk_eth(&fr, 0x8100, NULL, 0);
	w_u16(&fr, 7);
	w_u16(&fr, 0x8864);
	w_u8(&fr, 0x11);
	w_u8(&fr, 0);
	w_u16(&fr, 1);
	w_u16(&fr, (unsigned)(ip.n + 2));
	w_u16(&fr, 0x0021);
	w_bytes(&fr, ip.b, ip.n);
	feed(e->d, 1, 1, fr.b, fr.n);
	assert_int_equal(e->g->n, 2);
	assert_msg(e->g, 1, dns, 40);
	/* LCP inside a session is not IP */
	mk_eth(&fr, 0x8864, NULL, 0);
	w_u8(&fr, 0x11);
	w_u8(&fr, 0);
	w_u16(&fr, 1);
	w_u16(&fr, 6);
	w_u16(&fr, 0xc021);
	w_u32(&fr, 0x01020304);
	feed(e->d, 1, 1, fr.b, fr.n);
	assert_int_equal(drop_n(e->d, LB_DROP_NOT_IP), 1);
}

static void t_mpls(void **state)
{
	env_t *e = *state;
	mk_eth(&fr, 0x8847, NULL, 0);
	w_u32(&fr, (100u << 12) | 64);            /* label 100, not bottom */
	w_u32(&fr, (200u << 12) | 0x100 | 64);    /* label 200, bottom of stack */
	w_bytes(&fr, ip6.b, ip6.n);
	feed(e->d, 1, 1, fr.b, fr.n);
	expect_one(e, 6);
	/* a stack that never ends */
	mk_eth(&fr, 0x8847, NULL, 0);
	w_u32(&fr, (100u << 12) | 64);
	feed(e->d, 1, 1, fr.b, fr.n);
	assert_int_equal(drop_n(e->d, LB_DROP_LINK_TRUNCATED), 1);
}

/* Regression: an Ethernet pseudowire over MPLS (RFC 4448) with its control
 * word (RFC 4385: first nibble 0) was dropped as not_ip; tshark decodes the
 * Ethernet frame inside.  It counts as a tunnel. */
static void t_mpls_ethernet_pseudowire(void **state)
{
	env_t *e = *state;
	wb_t inner;
	mk_eth(&inner, 0x0800, ip.b, ip.n);
	mk_eth(&fr, 0x8847, NULL, 0);
	w_u32(&fr, (300u << 12) | 0x100 | 64);    /* bottom of stack */
	w_u32(&fr, 0);                            /* control word */
	w_bytes(&fr, inner.b, inner.n);
	feed(e->d, 1, 1, fr.b, fr.n);
	expect_one(e, 4);
	assert_int_equal(lb_decoder_stats(e->d)->tunnels, 1);
}

static void t_llc_snap(void **state)
{
	env_t *e = *state;
	mk_eth(&fr, (unsigned)(8 + ip.n), NULL, 0); /* 802.3 length */
	w_u8(&fr, 0xAA);
	w_u8(&fr, 0xAA);
	w_u8(&fr, 0x03);
	w_zero(&fr, 3);
	w_u16(&fr, 0x0800);
	w_bytes(&fr, ip.b, ip.n);
	feed(e->d, 1, 1, fr.b, fr.n);
	expect_one(e, 4);
}

/* Regression: an 802.1Q tag followed by an 802.3 length (LLC/SNAP inside the
 * VLAN) was dropped as not_ip; tshark decodes the LLC/SNAP frame. */
static void t_vlan_llc_snap(void **state)
{
	env_t *e = *state;
	mk_eth(&fr, 0x8100, NULL, 0);
	w_u16(&fr, 7);                                  /* VLAN 7 */
	w_u16(&fr, (unsigned)(8 + ip.n));              /* 802.3 length */
	w_u8(&fr, 0xAA); w_u8(&fr, 0xAA); w_u8(&fr, 0x03); w_zero(&fr, 3);
	w_u16(&fr, 0x0800);
	w_bytes(&fr, ip.b, ip.n);
	w_zero(&fr, 6);                                 /* padding beyond the length */
	feed(e->d, 1, 1, fr.b, fr.n);
	expect_one(e, 4);
}

static void t_sll(void **state)
{
	env_t *e = *state;
	fr.n = 0;
	w_u16(&fr, 0);      /* packet type */
	w_u16(&fr, 1);      /* ARPHRD_ETHER */
	w_u16(&fr, 6);
	w_zero(&fr, 8);
	w_u16(&fr, 0x0800);
	w_bytes(&fr, ip.b, ip.n);
	feed(e->d, 113, 1, fr.b, fr.n);
	expect_one(e, 4);
}

static void t_sll2(void **state)
{
	env_t *e = *state;
	fr.n = 0;
	w_u16(&fr, 0x86DD); /* protocol */
	w_u16(&fr, 0);
	w_u32(&fr, 3);      /* ifindex */
	w_u16(&fr, 1);
	w_u8(&fr, 0);
	w_u8(&fr, 6);
	w_zero(&fr, 8);
	w_bytes(&fr, ip6.b, ip6.n);
	feed(e->d, 276, 1, fr.b, fr.n);
	expect_one(e, 6);
}

static void t_raw(void **state)
{
	env_t *e = *state;
	feed(e->d, 12, 1, ip.b, ip.n);
	feed(e->d, 101, 1, ip6.b, ip6.n);
	feed(e->d, 228, 1, ip.b, ip.n);
	feed(e->d, 229, 1, ip6.b, ip6.n);
	assert_int_equal(e->g->n, 4);
	assert_int_equal(e->g->m[0].ipver, 4);
	assert_int_equal(e->g->m[1].ipver, 6);
	assert_int_equal(e->g->m[2].ipver, 4);
	assert_int_equal(e->g->m[3].ipver, 6);
	for (size_t i = 0; i < 4; i++)
		assert_msg(e->g, i, dns, 40);
	/* DLT_IPV4 carrying IPv6 is a bad header */
	feed(e->d, 228, 1, ip6.b, ip6.n);
	assert_int_equal(drop_n(e->d, LB_DROP_IP_BAD), 1);
	assert_int_equal(drops_total(e->d), 1);
}

static void t_null_loop(void **state)
{
	env_t *e = *state;
	static const uint32_t afs6[] = { 24, 28, 30 };
	/* NULL, little-endian AF_INET */
	fr.n = 0;
	w_u32le(&fr, 2);
	w_bytes(&fr, ip.b, ip.n);
	feed(e->d, 0, 1, fr.b, fr.n);
	/* NULL, big-endian AF_INET */
	fr.n = 0;
	w_u32(&fr, 2);
	w_bytes(&fr, ip.b, ip.n);
	feed(e->d, 0, 1, fr.b, fr.n);
	/* LOOP with each BSD AF_INET6, both orders */
	for (int i = 0; i < 3; i++) {
		fr.n = 0;
		w_u32(&fr, afs6[i]);
		w_bytes(&fr, ip6.b, ip6.n);
		feed(e->d, 108, 1, fr.b, fr.n);
		fr.n = 0;
		w_u32le(&fr, afs6[i]);
		w_bytes(&fr, ip6.b, ip6.n);
		feed(e->d, 0, 1, fr.b, fr.n);
	}
	assert_int_equal(e->g->n, 8);
	for (size_t i = 0; i < 8; i++)
		assert_msg(e->g, i, dns, 40);
	assert_int_equal(drops_total(e->d), 0);
	fr.n = 0;
	w_u32(&fr, 7); /* AF_IMPLINK */
	w_bytes(&fr, ip.b, ip.n);
	feed(e->d, 0, 1, fr.b, fr.n);
	assert_int_equal(drop_n(e->d, LB_DROP_NOT_IP), 1);
}

static void t_nflog(void **state)
{
	env_t *e = *state;
	fr.n = 0;
	w_u8(&fr, 2);  /* AF_INET */
	w_u8(&fr, 0);
	w_u16(&fr, 5);
	w_u16le(&fr, 4 + 6); /* prefix TLV, 6 bytes of value, padded to 8 */
	w_u16le(&fr, 10);
	w_bytes(&fr, "dns-1", 6);
	w_zero(&fr, 2);
	w_u16le(&fr, 8);     /* hw header length TLV */
	w_u16le(&fr, 1);
	w_u32(&fr, 0x08000300);
	w_u16le(&fr, (unsigned)(4 + ip.n)); /* payload */
	w_u16le(&fr, 9);
	w_bytes(&fr, ip.b, ip.n);
	feed(e->d, 239, 1, fr.b, fr.n);
	expect_one(e, 4);
	/* a TLV claiming more than the frame */
	fr.n = 4;
	w_u16le(&fr, 400);
	w_u16le(&fr, 9);
	w_zero(&fr, 20);
	feed(e->d, 239, 1, fr.b, fr.n);
	assert_int_equal(drop_n(e->d, LB_DROP_LINK_TRUNCATED), 1);
}

/* radiotap (8 bytes, or 16 with TSFT+flags with FCS), 802.11 data header, LLC/SNAP */
static void radiotap_frame(wb_t *w, bool fcs, unsigned fc0, unsigned fc1, size_t extra_hdr)
{
	w->n = 0;
	w_u8(w, 0);
	w_u8(w, 0);
	if (fcs) {
		w_u16le(w, 24);
		w_u32le(w, 0x3);      /* TSFT + flags */
		w_zero(w, 8);         /* TSFT, at offset 8 (already 8-aligned... offset 8) */
		w_u8(w, 0x10);        /* flags: FCS at end */
		w_zero(w, 7);
	} else {
		w_u16le(w, 8);
		w_u32le(w, 0);
	}
	w_u8(w, fc0);
	w_u8(w, fc1);
	w_u16(w, 0);               /* duration */
	w_zero(w, 18);             /* 3 addresses */
	w_u16(w, 0);               /* sequence */
	w_zero(w, extra_hdr);
	w_u8(w, 0xAA);
	w_u8(w, 0xAA);
	w_u8(w, 0x03);
	w_zero(w, 3);
	w_u16(w, 0x0800);
	w_bytes(w, ip.b, ip.n);
	if (fcs)
		w_u32(w, 0xdeadbeef);
}

static void t_radiotap(void **state)
{
	env_t *e = *state;
	radiotap_frame(&fr, false, 0x08, 0x01, 0);      /* data, to DS */
	feed(e->d, 127, 1, fr.b, fr.n);
	radiotap_frame(&fr, false, 0x88, 0x02, 2);      /* QoS data */
	feed(e->d, 127, 1, fr.b, fr.n);
	radiotap_frame(&fr, false, 0x88, 0x03, 6 + 2);  /* 4 addresses + QoS */
	feed(e->d, 127, 1, fr.b, fr.n);
	radiotap_frame(&fr, false, 0x88, 0x81, 2 + 4);  /* QoS + HT control */
	feed(e->d, 127, 1, fr.b, fr.n);
	radiotap_frame(&fr, true, 0x08, 0x02, 0);       /* FCS at the end */
	feed(e->d, 127, 1, fr.b, fr.n);
	assert_int_equal(e->g->n, 5);
	for (size_t i = 0; i < 5; i++)
		assert_msg(e->g, i, dns, 40);
	assert_int_equal(drops_total(e->d), 0);
	radiotap_frame(&fr, false, 0x08, 0x41, 0);      /* protected */
	feed(e->d, 127, 1, fr.b, fr.n);
	assert_int_equal(drop_n(e->d, LB_DROP_LINK_UNSUPPORTED), 1);
	radiotap_frame(&fr, false, 0x80, 0x00, 0);      /* beacon (management) */
	feed(e->d, 127, 1, fr.b, fr.n);
	assert_int_equal(drop_n(e->d, LB_DROP_NOT_IP), 1);
}

/* Regression: a QoS data frame carrying an A-MSDU (QoS control bit 7; common
 * since 802.11n) was read as one LLC header and dropped as not_ip; tshark
 * decodes every subframe.  Subframes: DA, SA, big-endian length, LLC/SNAP
 * and the packet, padded to 4 bytes but the last. */
static void t_radiotap_amsdu(void **state)
{
	env_t *e = *state;
	fr.n = 0;
	w_u8(&fr, 0); w_u8(&fr, 0); w_u16le(&fr, 8); w_u32le(&fr, 0);
	w_u8(&fr, 0x88); w_u8(&fr, 0x02); w_u16(&fr, 0);  /* QoS data, from DS */
	w_zero(&fr, 18); w_u16(&fr, 0);
	w_u8(&fr, 0x80); w_u8(&fr, 0);                     /* QoS control: A-MSDU */
	for (int i = 0; i < 3; i++) {
		w_zero(&fr, 12);
		w_u16(&fr, (unsigned)(8 + (i == 1 ? ip6.n : ip.n)));
		w_u8(&fr, 0xAA); w_u8(&fr, 0xAA); w_u8(&fr, 0x03); w_zero(&fr, 3);
		w_u16(&fr, i == 1 ? 0x86DD : 0x0800);
		w_bytes(&fr, i == 1 ? ip6.b : ip.b, i == 1 ? ip6.n : ip.n);
		while (i < 2 && (fr.n - 34) % 4 != 0)
			w_u8(&fr, 0);                                /* pad (from the body's start, 8 + 26) */
	}
	feed(e->d, 127, 1, fr.b, fr.n);
	assert_int_equal(e->g->n, 3);
	for (size_t i = 0; i < 3; i++)
		assert_msg(e->g, i, dns, 40);
	assert_int_equal(e->g->m[1].ipver, 6);
	assert_int_equal(drops_total(e->d), 0);
	/* a subframe whose length runs past the frame */
	fr.b[8 + 26 + 12] = 0x7f;
	feed(e->d, 127, 1, fr.b, fr.n);
	assert_int_equal(drop_n(e->d, LB_DROP_LINK_TRUNCATED), 1);
	assert_int_equal(e->g->n, 3);
}

static void t_ppp(void **state)
{
	env_t *e = *state;
	fr.n = 0;
	w_u8(&fr, 0xff);
	w_u8(&fr, 0x03);
	w_u16(&fr, 0x0021);
	w_bytes(&fr, ip.b, ip.n);
	feed(e->d, 9, 1, fr.b, fr.n);
	fr.n = 0;
	w_u16(&fr, 0x0057); /* no address/control */
	w_bytes(&fr, ip6.b, ip6.n);
	feed(e->d, 9, 1, fr.b, fr.n);
	assert_int_equal(e->g->n, 2);
	assert_msg(e->g, 0, dns, 40);
	assert_msg(e->g, 1, dns, 40);
	assert_int_equal(drops_total(e->d), 0);
}

/* An 802.11 QoS data frame (26-byte header) with LLC/SNAP and ip; `pad` bytes
 * between the header and the body. */
static void wlan_qos(wb_t *w, size_t pad)
{
	w_u8(w, 0x88); w_u8(w, 0x02); w_u16(w, 0);
	w_zero(w, 18); w_u16(w, 0); w_u16(w, 0);
	w_zero(w, pad);
	w_u8(w, 0xAA); w_u8(w, 0xAA); w_u8(w, 0x03); w_zero(w, 3);
	w_u16(w, 0x0800);
	w_bytes(w, ip.b, ip.n);
}

/* Regressions, each dropped before where tshark decodes it: radiotap's
 * "data pad" flag (0x20: the body starts at the next 4-byte boundary after
 * the 802.11 header, as Atheros drivers capture it), and the 802.11 monitor
 * headers before radiotap - PPI (192), AVS (163) and Prism (119) - and the
 * PPP and ATM link types PPP_WITH_DIR (204), PPP_ETHER (51: PPPoE without
 * Ethernet) and ATM_RFC1483 (100, read as DLT 11: LLC/SNAP). */
static void t_more_link_types(void **state)
{
	env_t *e = *state;
	fr.n = 0; /* radiotap: flags present, data pad */
	w_u8(&fr, 0); w_u8(&fr, 0); w_u16le(&fr, 9); w_u32le(&fr, 0x2); w_u8(&fr, 0x20);
	wlan_qos(&fr, 2);
	feed(e->d, 127, 1, fr.b, fr.n);
	fr.n = 0; /* PPI: version 0, flags, length 8, link type 105 */
	w_u8(&fr, 0); w_u8(&fr, 0); w_u16le(&fr, 8); w_u32le(&fr, 105);
	wlan_qos(&fr, 0);
	feed(e->d, 192, 1, fr.b, fr.n);
	fr.n = 0; /* AVS version 1: magic, 64-byte header */
	w_u32(&fr, 0x80211001); w_u32(&fr, 64); w_zero(&fr, 56);
	wlan_qos(&fr, 0);
	feed(e->d, 163, 1, fr.b, fr.n);
	fr.n = 0; /* Prism: message code, length 144 (little-endian host) */
	w_u32le(&fr, 0x44); w_u32le(&fr, 144); w_zero(&fr, 136);
	wlan_qos(&fr, 0);
	feed(e->d, 119, 1, fr.b, fr.n);
	fr.n = 0; /* PPP_WITH_DIR: direction, then PPP in HDLC-like framing */
	w_u8(&fr, 1); w_u8(&fr, 0xff); w_u8(&fr, 0x03); w_u16(&fr, 0x0021);
	w_bytes(&fr, ip.b, ip.n);
	feed(e->d, 204, 1, fr.b, fr.n);
	fr.n = 0; /* PPP_ETHER: PPPoE session header */
	w_u8(&fr, 0x11); w_u8(&fr, 0); w_u16(&fr, 7); w_u16(&fr, (unsigned)(2 + ip6.n));
	w_u16(&fr, 0x0057);
	w_bytes(&fr, ip6.b, ip6.n);
	feed(e->d, 51, 1, fr.b, fr.n);
	fr.n = 0; /* ATM RFC 1483 (2684) LLC encapsulation */
	w_u8(&fr, 0xAA); w_u8(&fr, 0xAA); w_u8(&fr, 0x03); w_zero(&fr, 3); w_u16(&fr, 0x0800);
	w_bytes(&fr, ip.b, ip.n);
	feed(e->d, 11, 1, fr.b, fr.n);
	assert_int_equal(e->g->n, 7);
	for (size_t i = 0; i < 7; i++)
		assert_msg(e->g, i, dns, 40);
	assert_int_equal(e->g->m[5].ipver, 6);
	assert_int_equal(drops_total(e->d), 0);
	/* PPI around a link type it does not carry, a Prism length past the frame */
	fr.n = 0;
	w_u8(&fr, 0); w_u8(&fr, 0); w_u16le(&fr, 8); w_u32le(&fr, 147);
	wlan_qos(&fr, 0);
	feed(e->d, 192, 1, fr.b, fr.n);
	assert_int_equal(drop_n(e->d, LB_DROP_LINK_UNSUPPORTED), 1);
	fr.n = 0;
	w_u32le(&fr, 0x44); w_u32le(&fr, 4000); w_zero(&fr, 136);
	feed(e->d, 119, 1, fr.b, fr.n);
	assert_int_equal(drop_n(e->d, LB_DROP_LINK_TRUNCATED), 1);
}

/* LINKTYPE_APPLE_IP_OVER_IEEE1394 (138; IP over FireWire, RFC 2734): the
 * destination and source EUI-64s, an ethertype, the packet; 17 bytes are
 * less than the header. */
static void t_ip_over_ieee1394(void **state)
{
	env_t *e = *state;
	for (int v6 = 0; v6 < 2; v6++) {
		fr.n = 0;
		w_u32(&fr, 0x00112233); w_u32(&fr, 0x44556677); /* destination EUI-64 */
		w_u32(&fr, 0x8899aabb); w_u32(&fr, 0xccddeeff); /* source */
		w_u16(&fr, v6 ? 0x86DD : 0x0800);
		w_bytes(&fr, v6 ? ip6.b : ip.b, v6 ? ip6.n : ip.n);
		feed(e->d, 138, 1, fr.b, fr.n);
		assert_int_equal(e->g->n, (size_t)v6 + 1);
		assert_msg(e->g, (size_t)v6, dns, 40);
		assert_int_equal(e->g->m[v6].ipver, v6 ? 6 : 4);
	}
	assert_int_equal(drops_total(e->d), 0);
	feed(e->d, 138, 1, fr.b, 17);
	assert_int_equal(drop_n(e->d, LB_DROP_LINK_TRUNCATED), 1);
	assert_int_equal(drops_total(e->d), 1);
}

static void t_unsupported_and_truncated(void **state)
{
	env_t *e = *state;
	feed(e->d, 147, 1, ip.b, ip.n);          /* DLT_USER0 */
	assert_int_equal(drop_n(e->d, LB_DROP_LINK_UNSUPPORTED), 1);
	mk_eth(&fr, 0x0806, ip.b, 28);            /* ARP */
	feed(e->d, 1, 1, fr.b, fr.n);
	assert_int_equal(drop_n(e->d, LB_DROP_NOT_IP), 1);
	/* every proper prefix of a good Ethernet frame is dropped, never handed up */
	mk_eth(&fr, 0x0800, ip.b, ip.n);
	for (size_t n = 0; n < fr.n; n++)
		feed(e->d, 1, 1, fr.b, n);
	assert_int_equal(e->g->n, 0);
	assert_int_equal(drops_total(e->d), 2 + fr.n);
	assert_int_equal(drop_n(e->d, LB_DROP_LINK_TRUNCATED), 14);
	/* IP header present, UDP cut: ip_truncated; cut inside IP header: ip_truncated */
	assert_int_equal(drop_n(e->d, LB_DROP_IP_TRUNCATED), fr.n - 14);
}

static void t_ip_checks(void **state)
{
	env_t *e = *state;
	wb_t bad = ip;
	bad.b[0] = 0x44; /* IHL 4 */
	feed(e->d, 12, 1, bad.b, bad.n);
	bad = ip;
	bad.b[2] = 0;
	bad.b[3] = 10;   /* total length below the header */
	feed(e->d, 228, 1, bad.b, bad.n);
	assert_int_equal(drop_n(e->d, LB_DROP_IP_BAD), 2);
	/* UDP length larger than the IP payload (not a capture cut): udp_bad */
	bad = ip;
	bad.b[20 + 5] += 4;
	feed(e->d, 228, 1, bad.b, bad.n);
	assert_int_equal(drop_n(e->d, LB_DROP_UDP_BAD), 1);
	/* captured less than the frame (caplen < wirelen: a snapshot length): a
	 * DNS datagram is handed up to the cut, marked cut; a datagram longer
	 * than its whole frame is dropped, as is one cut inside its UDP header
	 * or its DNS header, or not on a DNS port */
	struct timeval tv = { 1, 0 };
	lb_decoder_frame(e->d, 228, &tv, ip.b, ip.n - 1, ip.n);
	assert_int_equal(e->g->n, 1);
	assert_msg(e->g, 0, dns, 39);
	assert_true(e->g->m[0].cut);
	feed(e->d, 228, 1, ip.b, ip.n - 1);
	lb_decoder_frame(e->d, 228, &tv, ip.b, 20 + 8 + 11, ip.n);
	lb_decoder_frame(e->d, 228, &tv, ip.b, 20 + 7, ip.n);
	assert_int_equal(drop_n(e->d, LB_DROP_IP_TRUNCATED), 3);
	assert_int_equal(e->g->n, 1);
	/* UDP length shorter than the IP payload: payload trimmed to the UDP length */
	bad = ip;
	bad.b[20 + 5] -= 8;
	feed(e->d, 228, 1, bad.b, bad.n);
	assert_int_equal(e->g->n, 2);
	assert_msg(e->g, 1, dns, 32);
	assert_false(e->g->m[1].cut);
	/* not a DNS port, not UDP/TCP, short DNS payload */
	mk_udp(&tmp, 5353, 80, dns, 40);
	mk_ip4(&bad, A4, B4, 17, 1, 0, tmp.b, tmp.n);
	feed(e->d, 228, 1, bad.b, bad.n);
	assert_int_equal(drop_n(e->d, LB_DROP_NOT_DNS_PORT), 1);
	mk_ip4(&bad, A4, B4, 1, 1, 0, tmp.b, tmp.n);
	feed(e->d, 228, 1, bad.b, bad.n);
	assert_int_equal(drop_n(e->d, LB_DROP_NOT_TRANSPORT), 1);
	mk_udp(&tmp, 5353, 53, dns, 11);
	mk_ip4(&bad, A4, B4, 17, 1, 0, tmp.b, tmp.n);
	feed(e->d, 228, 1, bad.b, bad.n);
	assert_int_equal(drop_n(e->d, LB_DROP_DNS_TRUNCATED), 1);
	assert_int_equal(drops_total(e->d), 9);
	assert_int_equal(e->g->n, 2);
}

/* The UDP layer's edges, over IPv4 and IPv6 (do_udp hands the usual datagram
 * up at once, do_udp_all takes the rest): a DNS payload of exactly a header
 * is handed up, one octet less is dns_truncated, a UDP length under 8 is
 * udp_bad, a datagram on no DNS port is not_dns_port. */
static void t_udp_edges(void **state)
{
	env_t *e = *state;
	uint8_t d12[12];
	wb_t u, w;
	mk_dns(d12, 0x0102, 12);
	for (int v6 = 0; v6 <= 1; v6++) {
		size_t before = e->g->n;
		mk_udp(&u, 53, 40000, d12, 12);
		if (v6)
			mk_ip6(&w, A6, B6, 17, u.b, u.n);
		else
			mk_ip4(&w, A4, B4, 17, 1, 0, u.b, u.n);
		feed(e->d, v6 ? 229 : 228, 1, w.b, w.n);
		assert_int_equal(e->g->n, before + 1);
		assert_msg(e->g, before, d12, 12);
		assert_int_equal(e->g->m[before].sport, 53);
		assert_false(e->g->m[before].cut);
		mk_udp(&u, 40000, 53, d12, 11);
		if (v6)
			mk_ip6(&w, A6, B6, 17, u.b, u.n);
		else
			mk_ip4(&w, A4, B4, 17, 1, 0, u.b, u.n);
		feed(e->d, v6 ? 229 : 228, 1, w.b, w.n);
		mk_udp(&u, 40000, 53, d12, 12);
		u.b[4] = 0;
		u.b[5] = 7; /* UDP length 7 */
		if (v6)
			mk_ip6(&w, A6, B6, 17, u.b, u.n);
		else
			mk_ip4(&w, A4, B4, 17, 1, 0, u.b, u.n);
		feed(e->d, v6 ? 229 : 228, 1, w.b, w.n);
		mk_udp(&u, 40000, 40001, d12, 12);
		if (v6)
			mk_ip6(&w, A6, B6, 17, u.b, u.n);
		else
			mk_ip4(&w, A4, B4, 17, 1, 0, u.b, u.n);
		feed(e->d, v6 ? 229 : 228, 1, w.b, w.n);
		assert_int_equal(e->g->n, before + 1);
		assert_int_equal(drop_n(e->d, LB_DROP_DNS_TRUNCATED), (uint64_t)v6 + 1);
		assert_int_equal(drop_n(e->d, LB_DROP_UDP_BAD), (uint64_t)v6 + 1);
		assert_int_equal(drop_n(e->d, LB_DROP_NOT_DNS_PORT), (uint64_t)v6 + 1);
	}
	assert_int_equal(lb_decoder_stats(e->d)->udp_dns, 2);
}

/* Regression: an IPv4 Total Length of 0 (a TSO/LSO or BIG TCP packet captured
 * on the sending host, its length left for the NIC to fill in) was dropped as
 * ip_bad_header; tshark takes the datagram to run to the frame's end.  A
 * fragment with length 0 is still bad. */
static void t_ipv4_length_zero_offload(void **state)
{
	env_t *e = *state;
	wb_t w;
	mk_eth(&w, 0x0800, ip.b, ip.n);
	w.b[14 + 2] = 0;
	w.b[14 + 3] = 0;
	feed(e->d, 1, 1, w.b, w.n);
	expect_one(e, 4);
	w.b[14 + 6] = 0x20; /* more fragments */
	feed(e->d, 1, 1, w.b, w.n);
	assert_int_equal(drop_n(e->d, LB_DROP_IP_BAD), 1);
	assert_int_equal(e->g->n, 1);
}

/* Regression: IPv4 with an Authentication Header (RFC 4302: next header,
 * length in 4-byte units minus 2) in front of UDP was dropped as
 * not_udp_tcp, while IPv6 walked AH and tshark decodes both. */
static void t_ipv4_ah(void **state)
{
	env_t *e = *state;
	wb_t w, ah;
	ah.n = 0;
	w_u8(&ah, 17); w_u8(&ah, 4); w_u16(&ah, 0);   /* 24 bytes */
	w_u32(&ah, 0x100); w_u32(&ah, 1); w_zero(&ah, 12);
	w_bytes(&ah, tmp.b, tmp.n);
	mk_ip4(&w, A4, B4, 51, 1, 0, ah.b, ah.n);
	feed(e->d, 228, 1, w.b, w.n);
	expect_one(e, 4);
	/* an AH running past the datagram */
	w.b[20 + 1] = 200;
	feed(e->d, 228, 1, w.b, w.n);
	assert_int_equal(drop_n(e->d, LB_DROP_IP_BAD), 1);
	assert_int_equal(e->g->n, 1);
	/* Regression (zeek ipv6_zero_len_ah.trace): Payload Len 0, 8 octets,
	 * less than AH's 12-octet fixed part (RFC 4302 2.2); read past it, the
	 * sequence number was taken for UDP ports (not_dns_port), or for DNS
	 * ones when it held 53.  Over IPv4 and IPv6 alike: ip_bad_header */
	ah.n = 0;
	w_u8(&ah, 17); w_u8(&ah, 0); w_u16(&ah, 0);
	w_u32(&ah, 0x100); w_u32(&ah, 0x00350035);    /* sequence number: "ports" 53, 53 */
	w_u16(&ah, (unsigned)tmp.n + 4); w_u16(&ah, 0); /* "length", "checksum" */
	w_bytes(&ah, tmp.b, tmp.n);
	mk_ip4(&w, A4, B4, 51, 1, 0, ah.b, ah.n);
	feed(e->d, 228, 1, w.b, w.n);
	mk_ip6(&w, A6, B6, 51, ah.b, ah.n);
	feed(e->d, 229, 1, w.b, w.n);
	assert_int_equal(drop_n(e->d, LB_DROP_IP_BAD), 3);
	assert_int_equal(e->g->n, 1);
}

static void t_ports(void **state)
{
	(void)state;
	lb_decoder_opts_t o;
	lb_decoder_opts_default(&o);
	o.ports[0] = 5353;
	o.ports[1] = 853;
	o.nports = 2;
	got_t *g = got_new();
	lb_decoder_t *d = lb_decoder_new(&o, collect, g);
	assert_true(lb_decoder_is_dns_port(d, 5353));
	assert_true(lb_decoder_is_dns_port(d, 853));
	assert_false(lb_decoder_is_dns_port(d, 53));
	mk_udp(&tmp, 40000, 53, dns, 40);
	mk_ip4(&fr, A4, B4, 17, 1, 0, tmp.b, tmp.n);
	feed(d, 228, 1, fr.b, fr.n);
	assert_int_equal(g->n, 0);
	assert_int_equal(drop_n(d, LB_DROP_NOT_DNS_PORT), 1);
	feed(d, 228, 1, ip.b, ip.n); /* sport 5353 */
	assert_int_equal(g->n, 1);
	lb_decoder_free(d);
	free(g);
	lb_decoder_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(t_ether_ipv4, setup, teardown),
		cmocka_unit_test_setup_teardown(t_ether_ipv6, setup, teardown),
		cmocka_unit_test_setup_teardown(t_vlan_qinq, setup, teardown),
		cmocka_unit_test_setup_teardown(t_pppoe, setup, teardown),
		cmocka_unit_test_setup_teardown(t_mpls, setup, teardown),
		cmocka_unit_test_setup_teardown(t_mpls_ethernet_pseudowire, setup, teardown),
		cmocka_unit_test_setup_teardown(t_llc_snap, setup, teardown),
		cmocka_unit_test_setup_teardown(t_vlan_llc_snap, setup, teardown),
		cmocka_unit_test_setup_teardown(t_sll, setup, teardown),
		cmocka_unit_test_setup_teardown(t_sll2, setup, teardown),
		cmocka_unit_test_setup_teardown(t_raw, setup, teardown),
		cmocka_unit_test_setup_teardown(t_null_loop, setup, teardown),
		cmocka_unit_test_setup_teardown(t_nflog, setup, teardown),
		cmocka_unit_test_setup_teardown(t_radiotap, setup, teardown),
		cmocka_unit_test_setup_teardown(t_radiotap_amsdu, setup, teardown),
		cmocka_unit_test_setup_teardown(t_ppp, setup, teardown),
		cmocka_unit_test_setup_teardown(t_more_link_types, setup, teardown),
		cmocka_unit_test_setup_teardown(t_ip_over_ieee1394, setup, teardown),
		cmocka_unit_test_setup_teardown(t_unsupported_and_truncated, setup, teardown),
		cmocka_unit_test_setup_teardown(t_ip_checks, setup, teardown),
		cmocka_unit_test_setup_teardown(t_udp_edges, setup, teardown),
		cmocka_unit_test_setup_teardown(t_ipv4_length_zero_offload, setup, teardown),
		cmocka_unit_test_setup_teardown(t_ipv4_ah, setup, teardown),
		cmocka_unit_test_setup_teardown(t_ports, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
