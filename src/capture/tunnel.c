/*
 * tunnel.c - the tunnels the packet walk (decode.c) goes through: GRE (with
 * PPTP's enhanced GRE and ERSPAN), VXLAN, VXLAN-GPE, Geneve, GTP-U, L2TP
 * (versions 2 and 3, over UDP and IP), Teredo, AYIYA, TZSP, MPLS in UDP
 * and in IP, EtherIP, LISP, CAPWAP data, AMT and Juniper's jmirror.  Each one
 * checks its header against the bytes it was given, counts its own drop
 * reasons, and hands what it carries back to the walk (lb_decode_*) one
 * tunnel deeper (tunnel_enter bounds the depth).  Only UDP on no DNS port,
 * or IP protocols 47, 97, 115 and 137, get here: DNS traffic never does.
 * Each returns false, having counted nothing, when the bytes are not its
 * header (refuse), so that a UDP datagram between two tunnels' ports can
 * be offered to the other one (lb_tun_udp); the caller counts tunnel_bad
 * when no tunnel takes them.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "capture/decode_impl.h"

/* Not this tunnel's header: leave the depth tunnel_enter took, count
 * nothing (the caller counts tunnel_bad, or offers the bytes to the tunnel
 * of the datagram's other port). */
static bool refuse(pkt_t *k)
{
	k->depth--;
	return false;
}

/*
 * PPTP's enhanced GRE (RFC 2637 4.1), version 1: protocol 0x880B (PPP), the
 * key present (payload length, call id), then the sequence and the
 * acknowledgment numbers when S and A say so; checksum and routing absent.
 * The payload is a PPP frame (lb_decode_ppp: with or without HDLC address and
 * control, protocol field compressed or not); none at all in an
 * acknowledgment alone; an encrypted one (MPPE, PPP protocol 0x00FD) is no IP.
 */
static bool do_gre_pptp(lb_decoder_t *d, pkt_t *k, uint16_t fl, uint16_t proto, const uint8_t *p,
			size_t n)
{
	size_t hl = 8 + ((fl & 0x1000) ? 4 : 0) + ((fl & 0x0080) ? 4 : 0);
	if (proto != ET_PPP || (fl & 0xE000) != 0x2000 || n < hl)
		return refuse(k);
	size_t plen = be16(p + 4);
	p += hl;
	n -= hl;
	if (plen < n)
		n = plen;
	if (n == 0) {
		drop(d, LB_DROP_NOT_IP); /* an acknowledgment alone */
		return true;
	}
	lb_decode_ppp(d, k, p, n);
	return true;
}

/* GRE (RFC 2784/2890), its payload by protocol type; ERSPAN II/III; PPTP. */
bool lb_tun_gre(lb_decoder_t *d, pkt_t *k, const uint8_t *p, size_t n)
{
	if (!tunnel_enter(d, k))
		return true;
	if (n < 4)
		return refuse(k);
	uint16_t fl = be16(p), proto = be16(p + 2);
	if ((fl & 0x0007) == 1) {
		return do_gre_pptp(d, k, fl, proto, p, n);
	}
	/* version 0 only; routing (R) and strict source route are RFC 1701 relics */
	if ((fl & 0x0007) != 0 || (fl & 0x4800))
		return refuse(k);
	size_t hl = 4 + ((fl & 0x8000) ? 4 : 0) + ((fl & 0x2000) ? 4 : 0) + ((fl & 0x1000) ? 4 : 0);
	if (n < hl)
		return refuse(k);
	p += hl;
	n -= hl;
	switch (proto) {
	case ET_TEB:
		lb_decode_ether(d, k, p, n);
		return true;
	case ET_ERSPAN2:
		if (!(fl & 0x1000)) { /* type I: no sequence number, no header */
			lb_decode_ether(d, k, p, n);
			return true;
		}
		if (n < 8 || (p[0] >> 4) != 1)
			return refuse(k);
		lb_decode_ether(d, k, p + 8, n - 8);
		return true;
	case ET_ERSPAN3: {
		if (n < 12 || (p[0] >> 4) != 2)
			return refuse(k);
		size_t eh = (p[11] & 1) ? 20 : 12; /* O bit: platform specific subheader */
		unsigned ft = (p[10] >> 2) & 0x1f;
		if (n < eh || ft != 0)
			return refuse(k);
		lb_decode_ether(d, k, p + eh, n - eh);
		return true;
	}
	default:
		lb_decode_ethertype(d, k, proto, p, n);
	}
	return true;
}

bool lb_tun_vxlan(lb_decoder_t *d, pkt_t *k, const uint8_t *p, size_t n)
{
	if (!tunnel_enter(d, k))
		return true;
	if (n < 8 || !(p[0] & 0x08))
		return refuse(k);
	lb_decode_ether(d, k, p + 8, n - 8);
	return true;
}

/* VXLAN-GPE (draft-ietf-nvo3-vxlan-gpe; UDP 4790): flags with the version
 * (0) in bits 2-3, reserved, the Next Protocol (1 IPv4, 2 IPv6, 3 Ethernet;
 * 4 NSH, 5 MPLS and the rest are not decoded), the VNI.  The P bit, which
 * says the field is there, is not required: tshark reads the field without
 * it too. */
bool lb_tun_vxlan_gpe(lb_decoder_t *d, pkt_t *k, const uint8_t *p, size_t n)
{
	if (!tunnel_enter(d, k))
		return true;
	if (n < 8 || (p[0] & 0x30) != 0)
		return refuse(k);
	switch (p[3]) {
	case 1:
		lb_decode_ipv4(d, k, p + 8, n - 8);
		return true;
	case 2:
		lb_decode_ipv6(d, k, p + 8, n - 8);
		return true;
	case 3:
		lb_decode_ether(d, k, p + 8, n - 8);
		return true;
	default:
		drop(d, LB_DROP_NOT_IP);
	}
	return true;
}

/* Geneve (RFC 8926 3.4; AWS Gateway Load Balancer's encapsulation): version 0,
 * 4 * Opt Len bytes of options, then the payload by its protocol type
 * (Ethernet 0x6558, IPv4, IPv6, ...). */
bool lb_tun_geneve(lb_decoder_t *d, pkt_t *k, const uint8_t *p, size_t n)
{
	if (!tunnel_enter(d, k))
		return true;
	size_t hl = n >= 8 ? 8 + 4 * (size_t)(p[0] & 0x3f) : 0;
	if (n < 8 || (p[0] >> 6) != 0 || n < hl)
		return refuse(k);
	uint16_t proto = be16(p + 2);
	if (proto == ET_TEB)
		lb_decode_ether(d, k, p + hl, n - hl);
	else
		lb_decode_ethertype(d, k, proto, p + hl, n - hl);
	return true;
}

/* GTP-U (3GPP TS 29.281 5.1; mobile networks' user plane): version 1,
 * protocol type GTP (PT 1); a G-PDU (message type 255) carries one IP packet
 * after the 8-byte header, the 4 more bytes that any of the E, S and PN flags
 * brings, and the extension headers E chains (each 4 * its first byte long,
 * the next one's type in its last byte, 0 = none).  The length field counts
 * what follows the first 8 bytes.  Other messages (echo, error indication,
 * end marker) carry no user packet. */
bool lb_tun_gtpu(lb_decoder_t *d, pkt_t *k, const uint8_t *p, size_t n)
{
	if (!tunnel_enter(d, k))
		return true;
	if (n < 8 || (p[0] >> 5) != 1 || !(p[0] & 0x10))
		return refuse(k);
	if (p[1] != 0xff) {
		drop(d, LB_DROP_NOT_IP); /* signalling, not a user packet */
		return true;
	}
	size_t len = (size_t)be16(p + 2) + 8;
	if (len < n)
		n = len; /* padding after the packet */
	size_t off = 8;
	if (p[0] & 0x07) {
		if (n < 12)
			return refuse(k);
		off = 12;
		for (uint8_t next = (p[0] & 0x04) ? p[11] : 0; next;) {
			size_t el = off < n ? 4 * (size_t)p[off] : 0;
			if (el == 0 || n - off < el)
				return refuse(k);
			next = p[off + el - 1];
			off += el;
		}
	}
	lb_decode_ip_any(d, k, p + off, n - off);
	return true;
}

/*
 * An L2TPv3 data message's payload (RFC 3931 4.1): after the session id, a
 * cookie of 0, 4 or 8 bytes and the L2-Specific Sublayer (none, or 4 bytes:
 * RFC 3931 4.6) precede the pseudowire's frame.  Both lengths are
 * per-session configuration, signalled in the control connection (Assigned
 * Cookie, L2-Specific Sublayer AVPs) and not in the packet, so a passive
 * decoder has to guess.  The frame is taken to be Ethernet (RFC 4719, the
 * pseudowire L2TPv3 carries in practice) and looked for at 0, 4, 8 and 12
 * bytes in, in that order - no cookie and no sublayer first, which is what
 * tshark assumes when told the pseudowire is Ethernet - the first place
 * whose ethertype is IPv4 or IPv6 with that version in the next byte, or a
 * VLAN tag, winning.  A wrong guess needs the real frame's address bytes
 * (or cookie bytes) to read as an IP ethertype followed by that version:
 * possible, rare.
 */
static void do_l2tpv3_payload(lb_decoder_t *d, pkt_t *k, const uint8_t *p, size_t n)
{
	for (size_t off = 0; off <= 12; off += 4) {
		if (n < off + 15)
			break;
		const uint8_t *e = p + off;
		uint16_t type = be16(e + 12);
		unsigned ver = e[14] >> 4;
		if ((type == ET_IPV4 && ver == 4) || (type == ET_IPV6 && ver == 6) ||
		    type == ET_VLAN || type == ET_QINQ) {
			lb_decode_ether(d, k, e, n - off);
			return;
		}
	}
	drop(d, LB_DROP_NOT_IP); /* another pseudowire type, or no frame found */
}

/* L2TPv3 over IP (RFC 3931 4.1.1, IP protocol 115): session id 0 marks a
 * control message, any other a data message. */
bool lb_tun_l2tpv3_ip(lb_decoder_t *d, pkt_t *k, const uint8_t *p, size_t n)
{
	if (!tunnel_enter(d, k))
		return true;
	if (n < 4)
		return refuse(k);
	if (be32(p) == 0) {
		drop(d, LB_DROP_NOT_IP); /* a control message */
		return true;
	}
	do_l2tpv3_payload(d, k, p + 4, n - 4);
	return true;
}

/*
 * L2TP on UDP port 1701.  Version 2 (RFC 2661 3.1): a data message (T clear)
 * carries a PPP frame after the header - flags and version, the length when
 * L, tunnel and session ids, Ns and Nr when S, and when O an offset size and
 * that many bytes of padding.  Version 3 (RFC 3931 4.1.2.1): a data message
 * is flags and version, 2 reserved bytes and the session id, then the
 * payload as over IP (do_l2tpv3_payload).  Control messages (T) carry no
 * packet.
 */
bool lb_tun_l2tp(lb_decoder_t *d, pkt_t *k, const uint8_t *p, size_t n)
{
	if (!tunnel_enter(d, k))
		return true;
	unsigned ver = n >= 2 ? p[1] & 0x0f : 0;
	if (n < 6 || (ver != 2 && ver != 3) || (ver == 3 && n < 8))
		return refuse(k);
	uint16_t fl = be16(p);
	if (fl & 0x8000) {
		drop(d, LB_DROP_NOT_IP); /* a control message */
		return true;
	}
	if (ver == 3) {
		do_l2tpv3_payload(d, k, p + 8, n - 8);
		return true;
	}
	size_t hl = 2;
	if (fl & 0x4000) { /* length: of the whole message */
		size_t len = be16(p + 2);
		if (len < n)
			n = len;
		hl += 2;
	}
	hl += 4 + ((fl & 0x0800) ? 4 : 0);
	if ((fl & 0x0200) && n >= hl + 2) /* offset size, then the padding */
		hl += 2 + (size_t)be16(p + hl);
	else if (fl & 0x0200)
		hl = n + 1; /* the offset size cut off */
	if (n < hl)
		return refuse(k);
	lb_decode_ppp(d, k, p + hl, n - hl);
	return true;
}

/* Teredo (RFC 4380 5.1.1): optional authentication and origin indication. */
bool lb_tun_teredo(lb_decoder_t *d, pkt_t *k, const uint8_t *p, size_t n)
{
	if (!tunnel_enter(d, k))
		return true;
	if (n >= 4 && p[0] == 0 && p[1] == 1) {
		size_t al = 4 + (size_t)p[2] + p[3] + 8 + 1;
		if (n < al)
			return refuse(k);
		p += al;
		n -= al;
	}
	if (n >= 8 && p[0] == 0 && p[1] == 0) {
		p += 8;
		n -= 8;
	}
	if (n < 1 || (p[0] >> 4) != 6)
		return refuse(k);
	lb_decode_ipv6(d, k, p, n);
	return true;
}

/*
 * AYIYA, "Anything In Anything" (draft-massar-v6ops-ayiya; SixXS's tunnels,
 * UDP port 5072): an 8-byte header - identity length as a power of two and
 * its type, signature length in 4-byte words and the hash method, the
 * authentication method and the operation, the next header (an IP protocol
 * number), the epoch - then the identity, the signature and, in a Forward
 * message (operation 1), the packet.  Next header 41 is IPv6, 4 IPv4.  The
 * other operations (heartbeat, echo, MOTD, query) carry no packet to
 * deliver, as tshark, zeek and SixXS's own PoP daemon read them; neither
 * does a next header that is no IP (59: none, a heartbeat).
 */
bool lb_tun_ayiya(lb_decoder_t *d, pkt_t *k, const uint8_t *p, size_t n)
{
	if (!tunnel_enter(d, k))
		return true;
	size_t hl = n >= 8 ? 8 + ((size_t)1 << (p[0] >> 4)) + 4 * (size_t)(p[1] >> 4) : 0;
	if (n < 8 || n < hl)
		return refuse(k);
	if ((p[2] & 0x0f) != 1) {
		drop(d, LB_DROP_NOT_IP); /* not a Forward: no packet */
		return true;
	}
	switch (p[3]) {
	case 41:
		lb_decode_ipv6(d, k, p + hl, n - hl);
		return true;
	case 4:
		lb_decode_ipv4(d, k, p + hl, n - hl);
		return true;
	default:
		drop(d, LB_DROP_NOT_IP);
	}
	return true;
}

/*
 * TZSP, TaZmen Sniffer Protocol (UDP 37008; what MikroTik's packet sniffer
 * streams to a remote collector): version 1, the type, the encapsulation;
 * for a received packet (type 0) or one for transmit (1) tags follow - pad
 * (0: one byte), end (1: one byte), any other a type, a length and that
 * many bytes - then the captured frame: Ethernet (encapsulation 1), 802.11
 * (18), or 802.11 behind a Prism (119) or AVS (127) header, as tshark maps
 * them.  Configuration, keepalive and port-opener messages carry no frame.
 * The sniffer may send less of a frame than it saw (MikroTik's
 * only-headers, a size limit): the original length tag (41, two bytes)
 * then says how long the frame was.  The datagram itself is whole, so an
 * inner packet shorter than its IP header claims was cut by the sniffer,
 * as by a capture's snapshot length: read up to the cut (k->snapped), as
 * tshark reads it - unless the tag says the frame is whole (then a short
 * packet is malformed, as in a frame of a file).
 */
bool lb_tun_tzsp(lb_decoder_t *d, pkt_t *k, const uint8_t *p, size_t n)
{
	if (!tunnel_enter(d, k))
		return true;
	if (n < 4 || p[0] != 1)
		return refuse(k);
	if (p[1] > 1) {
		drop(d, LB_DROP_NOT_IP); /* configuration, keepalive, port opener */
		return true;
	}
	unsigned encap = be16(p + 2);
	size_t off = 4, orig = SIZE_MAX; /* the original length tag's, if any */
	for (;;) {
		if (off >= n)
			return refuse(k); /* no end tag */
		uint8_t tag = p[off++];
		if (tag == 1)
			break;
		if (tag == 0)
			continue;
		if (off >= n || p[off] > n - off - 1)
			return refuse(k);
		if (tag == 41 && p[off] == 2)
			orig = be16(p + off + 1);
		off += 1 + (size_t)p[off];
	}
	p += off;
	n -= off;
	if (orig > n)
		k->snapped = true; /* cut by the sniffer, or it does not say */
	switch (encap) {
	case 1:
		lb_decode_ether(d, k, p, n);
		return true;
	case 18:
		lb_link_80211(d, k, p, n, false);
		return true;
	case 119:
	case 127:
		lb_link_prism_avs(d, k, p, n);
		return true;
	default:
		drop(d, LB_DROP_LINK_UNSUPPORTED);
	}
	return true;
}


/* MPLS in UDP (RFC 7510, port 6635) and in IP (RFC 4023, IP
 * protocol 137): the label stack, then what its bottom carries, read as over
 * Ethernet (decode.c's do_mpls: IPv4 or IPv6 by the first nibble, 0 an
 * Ethernet pseudowire's control word). */
bool lb_tun_mpls(lb_decoder_t *d, pkt_t *k, const uint8_t *p, size_t n)
{
	if (!tunnel_enter(d, k))
		return true;
	if (n < 4)
		return refuse(k);
	lb_decode_mpls(d, k, p, n);
	return true;
}

/* EtherIP (RFC 3378, IP protocol 97): version 3 and 12 reserved bits, then
 * an Ethernet frame.  Another version (the 3 in the wrong nibble too,
 * 0x0300) is read the same way: tshark decodes the frame whatever the
 * version (with a warning), and no other version is defined. */
bool lb_tun_etherip(lb_decoder_t *d, pkt_t *k, const uint8_t *p, size_t n)
{
	if (!tunnel_enter(d, k))
		return true;
	if (n < 2)
		return refuse(k);
	lb_decode_ether(d, k, p + 2, n - 2);
	return true;
}

/* LISP's data plane (RFC 9300 5.1, port 4341): flags, nonce or
 * map-version, instance id or locator-status bits - 8 bytes whatever the
 * flags say - then the endpoints' IPv4 or IPv6 packet, by its version, as
 * tshark reads it. */
bool lb_tun_lisp(lb_decoder_t *d, pkt_t *k, const uint8_t *p, size_t n)
{
	if (!tunnel_enter(d, k))
		return true;
	if (n < 8)
		return refuse(k);
	lb_decode_ip_any(d, k, p + 8, n - 8);
	return true;
}

/*
 * CAPWAP's data channel (RFC 5415 4.3, UDP 5247; what a wireless controller
 * and its access points exchange): the preamble (version 0; type 0, a
 * CAPWAP header, or 1, DTLS: encrypted), then the header - HLEN, its length
 * with the preamble in 4-byte words (radio MAC and wireless information
 * included), radio id, WBID, the flags T, F, L, W, M, K - then the frame.
 * T clear: an 802.3 frame; T set: the binding's native frame, WBID 1 an
 * 802.11 one (RFC 5416), whose frame control may come swapped
 * (lb_link_80211_capwap).  A keep-alive (K) carries none.  A frame longer
 * than the path's MTU comes in fragments (F; L on the last), reassembled
 * as tshark does (capwap_frag).
 */

/*
 * One CAPWAP fragment (RFC 5415 4.3: Fragment ID, Fragment Offset in
 * 8-byte units, L on the last) into frag.c's table, keyed by the outer
 * addresses, the source port and the Fragment ID, under protocol 255 (IANA:
 * reserved, no IP packet's) so no IP datagram shares a key.  Its bytes are
 * those after this fragment's header.  True with the reassembled payload
 * in *out when this fragment completes it.  A fragment the capture's
 * snapshot length may have cut is not added (no length field tells).
 */
static bool capwap_frag(lb_decoder_t *d, pkt_t *k, const uint8_t *p, size_t n, size_t hl,
			const uint8_t **out, size_t *outlen)
{
	if (k->snapped) {
		d->st.capwap_fragments++;
		drop(d, LB_DROP_IP_TRUNCATED);
		return false;
	}
	lb_frag_key_t key;
	memset(&key, 0, sizeof(key));
	key.ipver = k->pl.ipver;
	key.proto = LB_FRAG_PROTO_CAPWAP;
	key.id = (uint32_t)k->pl.sport << 16 | be16(p + 4);
	memcpy(key.src, k->pl.src, sizeof(key.src));
	memcpy(key.dst, k->pl.dst, sizeof(key.dst));
	uint32_t off = (uint32_t)(be16(p + 6) >> 3) * 8;
	bool more = !(p[3] & 0x40);
	double now = (double)k->pl.ts.tv_sec + (double)k->pl.ts.tv_usec / 1e6;
	return frag_add(d, k, &key, 0, off, more, p + hl, n - hl, now, out, outlen, NULL) == 1;
}

bool lb_tun_capwap(lb_decoder_t *d, pkt_t *k, const uint8_t *p, size_t n)
{
	if (!tunnel_enter(d, k))
		return true;
	if (n >= 1 && p[0] == 1) {
		drop(d, LB_DROP_LINK_UNSUPPORTED); /* DTLS: encrypted */
		return true;
	}
	size_t hl = n >= 2 ? 4 * (size_t)(p[1] >> 3) : 0;
	if (n < 8 || p[0] != 0 || hl < 8 || n < hl)
		return refuse(k);
	unsigned wbid = (p[2] >> 1) & 0x1f;
	bool t = p[2] & 1;
	if (p[3] & 0x08) {
		drop(d, LB_DROP_NOT_IP); /* a keep-alive */
		return true;
	}
	const uint8_t *f = p + hl;
	size_t fn = n - hl;
	if ((p[3] & 0x80) && !capwap_frag(d, k, p, n, hl, &f, &fn))
		return true; /* held, or dropped (counted) */
	if (!t)
		lb_decode_ether(d, k, f, fn);
	else if (wbid == 1)
		lb_link_80211_capwap(d, k, f, fn);
	else
		drop(d, LB_DROP_LINK_UNSUPPORTED); /* another binding's frame (EPCGlobal, ...) */
	return true;
}

/* AMT, Automatic Multicast Tunneling (RFC 7450 5.1, UDP 2268): the version
 * (0) and the message type in the first byte; a Multicast Data message (6),
 * from the relay to a gateway, carries an IP packet after one reserved
 * byte.  The others (discovery, advertisement, request, membership query
 * and update, teardown) carry no user packet.  The version is not checked:
 * tshark reads the type alone and decodes the packet of any version's
 * type 6, and RFC 7450 defines no other version to tell apart. */
bool lb_tun_amt(lb_decoder_t *d, pkt_t *k, const uint8_t *p, size_t n)
{
	if (!tunnel_enter(d, k))
		return true;
	unsigned type = n >= 2 ? p[0] & 0x0f : 0;
	if (n < 2 || type == 0 || type > 7)
		return refuse(k);
	if (type != 6) {
		drop(d, LB_DROP_NOT_IP);
		return true;
	}
	lb_decode_ip_any(d, k, p + 2, n - 2);
	return true;
}

/*
 * Juniper's packet mirror (JUNOSe, UDP 30030): an 8-byte header - the
 * mirror id, the session id - then the mirrored packet, whose kind no field
 * tells.  It is read as tshark reads it: IPv4 when the first byte is 0x45
 * (no options), IPv6 when the flow label is 0, PPP in HDLC-like framing
 * after FF 03; anything else is not_ip.
 */
bool lb_tun_jmirror(lb_decoder_t *d, pkt_t *k, const uint8_t *p, size_t n)
{
	if (!tunnel_enter(d, k))
		return true;
	if (n < 12)
		return refuse(k);
	p += 8;
	n -= 8;
	if (p[0] == 0x45)
		lb_decode_ipv4(d, k, p, n);
	else if ((p[0] >> 4) == 6 && (p[1] & 0x0f) == 0 && p[2] == 0 && p[3] == 0)
		lb_decode_ipv6(d, k, p, n);
	else if (p[0] == 0xff && p[1] == 0x03)
		lb_decode_ppp(d, k, p, n);
	else
		drop(d, LB_DROP_NOT_IP);
	return true;
}

/* The UDP tunnels by port (each the port tshark decodes it on). */
static const struct {
	uint16_t port;
	lb_tun_fn fn;
} udp_tunnels[] = {
	{ PORT_L2TP, lb_tun_l2tp },
	{ PORT_GTPU, lb_tun_gtpu },
	{ PORT_AMT, lb_tun_amt },
	{ PORT_TEREDO, lb_tun_teredo },
	{ PORT_LISP_DATA, lb_tun_lisp },
	{ PORT_GRE_UDP, lb_tun_gre },
	{ PORT_VXLAN, lb_tun_vxlan },
	{ PORT_VXLAN_GPE, lb_tun_vxlan_gpe },
	{ PORT_AYIYA, lb_tun_ayiya },
	{ PORT_CAPWAP_DATA, lb_tun_capwap },
	{ PORT_GENEVE, lb_tun_geneve },
	{ PORT_MPLS_UDP, lb_tun_mpls },
	{ PORT_JMIRROR, lb_tun_jmirror },
	{ PORT_TZSP, lb_tun_tzsp },
};

lb_tun_fn lb_tun_by_port(uint16_t port)
{
	for (size_t i = 0; i < sizeof udp_tunnels / sizeof udp_tunnels[0]; i++)
		if (udp_tunnels[i].port == port)
			return udp_tunnels[i].fn;
	return NULL;
}

/*
 * The ports in tshark's order (packet-udp.c, decode_udp_ports, heuristics
 * off as by default): the lower port's protocol first, the higher port's
 * when the lower names none or refuses the bytes.  A tunnel's endpoints
 * send to its port, from it (Teredo, GTP-U, L2TP, AYIYA, TZSP, CAPWAP, AMT,
 * jmirror) or from a port of entropy (VXLAN, GRE over UDP, Geneve,
 * VXLAN-GPE, MPLS in UDP, LISP: RFC 7348 5, RFC 7510 3, RFC 9300 5.3)
 * drawn from RFC 6335's dynamic range (49152-65535) or Linux's
 * (32768-60999), above every tunnel port but TZSP's.  Where an entropy port
 * is lower and a tunnel's (3544, Teredo's, to MPLS's 6635), the lower
 * port's tunnel refuses what is not its header and the higher port's
 * decodes it; tshark does the same where its dissector refuses (GTP, L2TP,
 * LISP, VXLAN-GPE, jmirror) and finds nothing where it does not (Teredo,
 * AMT, ...).
 */
bool lb_tun_udp(lb_decoder_t *d, pkt_t *k, uint16_t sport, uint16_t dport, const uint8_t *p,
		size_t n)
{
	uint16_t lo = sport < dport ? sport : dport, hi = sport < dport ? dport : sport;
	lb_tun_fn a = lb_tun_by_port(lo), b = hi != lo ? lb_tun_by_port(hi) : NULL;
	if (!a && !b)
		return false;
	if (!(a && a(d, k, p, n)) && !(b && b(d, k, p, n)))
		drop(d, LB_DROP_TUNNEL_BAD);
	return true;
}

void lb_tun_port_map(uint8_t map[65536 / 8])
{
	for (size_t i = 0; i < sizeof udp_tunnels / sizeof udp_tunnels[0]; i++)
		map[udp_tunnels[i].port >> 3] |= (uint8_t)(1u << (udp_tunnels[i].port & 7));
}
