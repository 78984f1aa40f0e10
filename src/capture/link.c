/*
 * link.c - the link layers other than Ethernet and the Linux cooked ones:
 * BSD loopback and pflog's address families, NFLOG, and 802.11 (A-MSDU
 * included) with the monitor headers before it (radiotap, PPI, AVS, Prism).
 * Each hands what it carries to decode.c's walk (decode_impl.h); the same
 * rules hold: every read bounds-checked against n, every frame that goes
 * nowhere counted under one drop reason.
 */
#include "capture/decode_impl.h"

void lb_link_af(lb_decoder_t *d, pkt_t *k, uint32_t af, const uint8_t *p, size_t n)
{
	switch (af) {
	case 2:
		lb_decode_ipv4(d, k, p, n);
		return;
	case 10: /* Linux AF_INET6, seen in some DLT_NULL captures */
	case 24: /* NetBSD, OpenBSD */
	case 28: /* FreeBSD */
	case 30: /* Darwin */
		lb_decode_ipv6(d, k, p, n);
		return;
	default:
		drop(d, LB_DROP_NOT_IP);
	}
}

/* BSD loopback: 4-byte address family in the capturing host's byte order
 * (NULL) or network order (LOOP); accept either. */
void lb_link_null(lb_decoder_t *d, pkt_t *k, const uint8_t *p, size_t n)
{
	if (n < 4) {
		drop(d, LB_DROP_LINK_TRUNCATED);
		return;
	}
	uint32_t be = be32(p);
	uint32_t af = be < 0x10000 ? be : (uint32_t)(p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24);
	lb_link_af(d, k, af, p + 4, n - 4);
}

/* NFLOG: 4-byte header, then TLVs (length and type little-endian; length
 * includes the 4-byte TLV header; TLVs padded to 4).  Type 9 is the packet. */
void lb_link_nflog(lb_decoder_t *d, pkt_t *k, const uint8_t *p, size_t n)
{
	if (n < 4) {
		drop(d, LB_DROP_LINK_TRUNCATED);
		return;
	}
	uint8_t family = p[0];
	size_t off = 4;
	while (off + 4 <= n) {
		size_t tl = le16(p + off), tt = le16(p + off + 2) & 0x3fff; /* without the nested/byte-order flags */
		if (tl < 4 || tl > n - off) {
			drop(d, LB_DROP_LINK_TRUNCATED);
			return;
		}
		if (tt == 9) {
			const uint8_t *v = p + off + 4;
			size_t vn = tl - 4;
			if (family == 2)
				lb_decode_ipv4(d, k, v, vn);
			else if (family == 10)
				lb_decode_ipv6(d, k, v, vn);
			else
				lb_decode_ip_any(d, k, v, vn);
			return;
		}
		size_t adv = (tl + 3) & ~(size_t)3;
		if (adv > n - off)
			break;
		off += adv;
	}
	drop(d, LB_DROP_LINK_TRUNCATED);
}

/* An A-MSDU (802.11-2016 9.3.2.2.2): subframes of DA, SA, a big-endian
 * length, then LLC/SNAP and the packet, each but the last padded to 4 bytes. */
static void do_amsdu(lb_decoder_t *d, pkt_t *k, const uint8_t *p, size_t n)
{
	for (bool first = true;; first = false) {
		if (n < 14) { /* after a subframe: padding or an FCS, not a cut one */
			if (first)
				drop(d, LB_DROP_LINK_TRUNCATED);
			return;
		}
		size_t l = be16(p + 12);
		if (l > n - 14) {
			drop(d, LB_DROP_LINK_TRUNCATED);
			return;
		}
		lb_decode_llc(d, k, p + 14, l);
		size_t adv = (14 + l + 3) & ~(size_t)3;
		if (adv >= n)
			return;
		p += adv;
		n -= adv;
	}
}

/* Radiotap header, then an 802.11 data frame. */
void lb_link_radiotap(lb_decoder_t *d, pkt_t *k, const uint8_t *p, size_t n)
{
	if (n < 8) {
		drop(d, LB_DROP_LINK_TRUNCATED);
		return;
	}
	size_t rl = le16(p + 2);
	if (p[0] != 0 || rl < 8 || rl > n) {
		drop(d, rl > n ? LB_DROP_LINK_TRUNCATED : LB_DROP_LINK_UNSUPPORTED);
		return;
	}
	/* the Flags field (present bit 1) tells whether a 4-byte FCS ends the frame,
	 * and whether padding aligns the body after the 802.11 header to 4 bytes */
	uint32_t present = (uint32_t)le16(p + 4) | (uint32_t)le16(p + 6) << 16;
	bool pad = false;
	size_t fo = 8;
	for (uint32_t pw = present; (pw & 0x80000000u) && fo + 4 <= rl; fo += 4)
		pw = (uint32_t)le16(p + fo) | (uint32_t)le16(p + fo + 2) << 16;
	if (present & 2) {
		if (present & 1)
			fo = ((fo + 7) & ~(size_t)7) + 8; /* TSFT, 8-byte aligned */
		if (fo < rl && (p[fo] & 0x10)) {
			if (n - rl < 4) {
				drop(d, LB_DROP_LINK_TRUNCATED);
				return;
			}
			n -= 4;
		}
		pad = fo < rl && (p[fo] & 0x20);
	}
	lb_link_80211(d, k, p + rl, n - rl, pad);
}

/* PPI (CACE's Per-Packet Information header: version 0, flags, its length,
 * the link type of what follows), around an 802.11 or Ethernet frame. */
void lb_link_ppi(lb_decoder_t *d, pkt_t *k, const uint8_t *p, size_t n)
{
	if (n < 8) {
		drop(d, LB_DROP_LINK_TRUNCATED);
		return;
	}
	size_t hl = le16(p + 2);
	uint32_t lt = (uint32_t)le16(p + 4) | (uint32_t)le16(p + 6) << 16;
	if (p[0] != 0 || hl < 8 || hl > n) {
		drop(d, hl > n ? LB_DROP_LINK_TRUNCATED : LB_DROP_LINK_UNSUPPORTED);
		return;
	}
	if (lt == LT_IEEE802_11)
		lb_link_80211(d, k, p + hl, n - hl, false);
	else if (lt == LT_EN10MB)
		lb_decode_ether(d, k, p + hl, n - hl);
	else
		drop(d, LB_DROP_LINK_UNSUPPORTED);
}

/* The 802.11 monitor headers before radiotap: AVS (big-endian magic
 * 0x8021100x, then its length) and Prism (a message code, then its length in
 * the capturing host's order, 144 in practice); the same link types carry
 * either, as tshark tells them apart. */
void lb_link_prism_avs(lb_decoder_t *d, pkt_t *k, const uint8_t *p, size_t n)
{
	if (n < 8) {
		drop(d, LB_DROP_LINK_TRUNCATED);
		return;
	}
	size_t hl;
	if ((be32(p) & 0xFFFFFFF0u) == 0x80211000u) {
		hl = be32(p + 4);
	} else {
		hl = (size_t)le16(p + 4) | (size_t)le16(p + 6) << 16;
		if (hl > n || hl < 8)
			hl = be32(p + 4);
	}
	if (hl < 8 || hl > n) {
		drop(d, hl > n ? LB_DROP_LINK_TRUNCATED : LB_DROP_LINK_UNSUPPORTED);
		return;
	}
	lb_link_80211(d, k, p + hl, n - hl, false);
}

/* An 802.11 data frame (an A-MSDU too), then LLC/SNAP; its frame control
 * given apart (fc0, fc1: CAPWAP may carry it byte-swapped). */
static void do_80211(lb_decoder_t *d, pkt_t *k, uint8_t fc0, uint8_t fc1, const uint8_t *p,
		     size_t n, bool pad)
{
	unsigned type = (fc0 >> 2) & 3, subtype = fc0 >> 4;
	if (type != 2 || (subtype & 0x4)) { /* not data, or a null-data frame */
		drop(d, LB_DROP_NOT_IP);
		return;
	}
	if (fc1 & 0x40) { /* protected: encrypted body */
		drop(d, LB_DROP_LINK_UNSUPPORTED);
		return;
	}
	size_t hl = 24;
	bool amsdu = false;
	if ((fc1 & 0x03) == 0x03)
		hl += 6; /* 4-address frame */
	if (subtype & 0x8) {
		amsdu = n > hl && (p[hl] & 0x80); /* QoS control: A-MSDU present */
		hl += 2; /* QoS control */
		if (fc1 & 0x80)
			hl += 4; /* +HTC (order bit in a QoS data frame) */
	}
	if (pad)
		hl = (hl + 3) & ~(size_t)3;
	if (n < hl) {
		drop(d, LB_DROP_LINK_TRUNCATED);
		return;
	}
	if (amsdu)
		do_amsdu(d, k, p + hl, n - hl);
	else
		lb_decode_llc(d, k, p + hl, n - hl);
}

/* pad: radiotap says the body starts at a 4-byte boundary after the header */
void lb_link_80211(lb_decoder_t *d, pkt_t *k, const uint8_t *p, size_t n, bool pad)
{
	if (n < 24) {
		drop(d, LB_DROP_LINK_TRUNCATED);
		return;
	}
	do_80211(d, k, p[0], p[1], p, n, pad);
}

/*
 * An 802.11 frame from a CAPWAP tunnel (RFC 5416), whose frame control
 * some access points send with its two bytes swapped; tshark reads it
 * swapped by default (capwap.swap_fc, "needed for some APs").  The frame control's version (its
 * low two bits, 0) and type (data, 2) tell the two apart for every frame
 * with ToDS or FromDS set - what a CAPWAP tunnel carries between an access
 * point and its controller: swapped, those flags land in the version bits.
 * The swapped reading is taken when it is a data frame of version 0,
 * otherwise the bytes as they stand.
 */
void lb_link_80211_capwap(lb_decoder_t *d, pkt_t *k, const uint8_t *p, size_t n)
{
	if (n < 24) {
		drop(d, LB_DROP_LINK_TRUNCATED);
		return;
	}
	if ((p[1] & 0x0f) == 0x08)
		do_80211(d, k, p[1], p[0], p, n, false);
	else
		do_80211(d, k, p[0], p[1], p, n, false);
}
