/*
 * decode.c - the packet walk: link layer -> (tunnels ->) IP -> UDP/TCP ->
 * DNS payload.  Every layer sees only [p, p + n), the smaller of what was
 * captured and what the enclosing layer claims; every read is bounds-checked
 * against n before it happens.  Each frame that goes nowhere is counted under
 * exactly one drop reason.  Tunnels are walked in tunnel.c, link layers
 * other than Ethernet's kin in link.c; fragments and TCP streams are handed
 * to frag.c and tcp.c.
 */
#include "capture/decode.h"

#include <stdlib.h>
#include <string.h>

#include "capture/decode_impl.h"
#include "capture/frag.h"
#include "capture/tcp.h"


void lb_decoder_opts_default(lb_decoder_opts_t *o)
{
	memset(o, 0, sizeof(*o));
	o->ports[0] = 53;
	o->nports = 1;
	o->max_tunnel_depth = 4;
	o->frag_mem_max = 32u << 20;
	o->frag_max_datagrams = 4096;
	o->frag_timeout = 30;
	o->frag6_timeout = 60;
	o->tcp_flow_mem_max = 128u << 10;
	o->tcp_mem_max = 64u << 20;
	o->tcp_max_flows = 65536;
	o->tcp_timeout = 120;
	o->port_guess = true;
}

lb_decoder_t *lb_decoder_new(const lb_decoder_opts_t *opts, lb_payload_fn fn, void *ctx)
{
	lb_decoder_t *d = calloc(1, sizeof(*d));
	if (!d)
		return NULL;
	if (opts)
		d->o = *opts;
	else
		lb_decoder_opts_default(&d->o);
	if (d->o.nports < 0)
		d->o.nports = 0;
	if (d->o.nports > LB_MAX_PORTS)
		d->o.nports = LB_MAX_PORTS;
	for (int i = 0; i < d->o.nports; i++)
		d->dnsport[d->o.ports[i] >> 3] |= (uint8_t)(1u << (d->o.ports[i] & 7));
	lb_tun_port_map(d->tunport);
	d->fn = fn;
	d->ctx = ctx;
	d->frag = lb_frag_new(&d->o, &d->st);
	d->tcp = lb_tcp_new(&d->o, &d->st, fn, ctx);
	if (!d->frag || !d->tcp) {
		lb_decoder_free(d);
		return NULL;
	}
	return d;
}

void lb_decoder_free(lb_decoder_t *d)
{
	if (!d)
		return;
	lb_frag_free(d->frag);
	lb_tcp_free(d->tcp);
	lb_guess_free(d->guess);
	lb_sctp_free(d->sctp);
	free(d);
}

lb_stats_t *lb_decoder_stats(lb_decoder_t *d) { return &d->st; }

size_t lb_decoder_mem(const lb_decoder_t *d)
{
	return lb_frag_mem(d->frag) + lb_tcp_mem(d->tcp) + lb_sctp_mem(d->sctp);
}

static inline bool is_dns_port(const lb_decoder_t *d, uint16_t port)
{
	return (d->dnsport[port >> 3] >> (port & 7)) & 1;
}

bool lb_decoder_is_dns_port(const lb_decoder_t *d, uint16_t port) { return is_dns_port(d, port); }

static inline bool is_tunnel_port(const lb_decoder_t *d, uint16_t port)
{
	return (d->tunport[port >> 3] >> (port & 7)) & 1;
}

static double tv_sec(const struct timeval *tv)
{
	return (double)tv->tv_sec + (double)tv->tv_usec / 1e6;
}

void lb_decoder_expire(lb_decoder_t *d, const struct timeval *now)
{
	double t = tv_sec(now);
	lb_frag_expire(d->frag, t - d->o.frag_timeout, t - d->o.frag6_timeout);
	lb_sctp_expire(d->sctp, t - d->o.frag_timeout, &d->st);
	lb_tcp_expire(d->tcp, t - d->o.tcp_timeout);
}

/* ---- forward declarations of the layers (they nest through tunnels) ---- */

static void do_ether(lb_decoder_t *d, pkt_t *k, const uint8_t *p, size_t n);
static void do_ethertype(lb_decoder_t *d, pkt_t *k, uint16_t type, const uint8_t *p, size_t n);
static void do_ipv4(lb_decoder_t *d, pkt_t *k, const uint8_t *p, size_t n);
static void do_ipv6(lb_decoder_t *d, pkt_t *k, const uint8_t *p, size_t n);
static void do_ip_any(lb_decoder_t *d, pkt_t *k, const uint8_t *p, size_t n);
static void do_llc(lb_decoder_t *d, pkt_t *k, const uint8_t *p, size_t n);
static void do_ppp(lb_decoder_t *d, pkt_t *k, const uint8_t *p, size_t n);

/* ---- transport ---- */

static void emit_udp(lb_decoder_t *d, pkt_t *k, const uint8_t *p, size_t n, bool cut)
{
	k->pl.data = p;
	k->pl.len = n;
	k->pl.proto = 17;
	k->pl.cut = cut;
	d->st.udp_dns++;
	d->fn(d->ctx, &k->pl);
}

/* A datagram between ports that are no DNS ports, taken for DNS when the
 * port guess is on, its header passes (lb_guess_header, inline: almost
 * every datagram that is not DNS fails there), neither port is excluded,
 * and it is one whole DNS response (guess.c). */
static bool port_guess_rest(lb_decoder_t *d, uint16_t sport, uint16_t dport, const uint8_t *p,
			    size_t n)
{
	return lb_guess_port_ok(sport) && lb_guess_port_ok(dport) &&
	       lb_guess_response(&d->guess, p, n);
}

static inline bool port_guess(lb_decoder_t *d, uint16_t sport, uint16_t dport, const uint8_t *p,
			      size_t n)
{
	return d->o.port_guess && lb_guess_header(p, n) && port_guess_rest(d, sport, dport, p, n);
}

static __attribute__((noinline)) void do_udp_all(lb_decoder_t *d, pkt_t *k, const uint8_t *p,
						  size_t n, bool cut)
{
	if (LB_UNLIKELY(n < 8)) {
		drop(d, cut ? LB_DROP_IP_TRUNCATED : LB_DROP_UDP_BAD);
		return;
	}
	uint16_t sport = be16(p), dport = be16(p + 2);
	size_t ulen = be16(p + 4);
	bool snap = false;
	if (LB_UNLIKELY(ulen < 8 || ulen > n)) {
		/* a datagram the capture's snapshot length cut (the frame kept
		 * shorter than it was: tcpdump -s, whose defaults were 68 and
		 * 96) is read over what was kept: DNS up to the cut, whose
		 * RRset is not kept, as in a response cut with TC set (RFC 1035
		 * 4.2.1; tshark shows the records before the cut too); a
		 * tunnel's (VXLAN, Geneve, ...) over the packet it carries,
		 * whose IP header, its length running past the cut, sees it as
		 * the outer one did (RFC 791 3.1, RFC 8200 3).  A datagram
		 * longer than its frame on the wire is malformed, and dropped */
		if (ulen < 8 || !cut || !k->snapped) {
			drop(d, ulen >= 8 && cut ? LB_DROP_IP_TRUNCATED : LB_DROP_UDP_BAD);
			return;
		}
		snap = true;
		ulen = n;
	}
	p += 8;
	n = ulen - 8;
	k->pl.sport = sport;
	k->pl.dport = dport;
	/* DNS ports first: a resolver's random source port can be a tunnel's
	 * (4789, 3544, 6081, 2152, 5072, 37008, ...), and its response must not
	 * be taken for a tunnel.  Tunnel endpoints do not use DNS ports for the
	 * outer datagram. */
	if (LB_LIKELY(is_dns_port(d, sport) || is_dns_port(d, dport))) {
		if (LB_UNLIKELY(n < 12)) {
			drop(d, snap ? LB_DROP_IP_TRUNCATED : LB_DROP_DNS_TRUNCATED);
			return;
		}
		emit_udp(d, k, p, n, snap);
		return;
	}
	/* a tunnel's port, on either side (lb_tun_udp: which one first) */
	if (LB_UNLIKELY(is_tunnel_port(d, dport) || is_tunnel_port(d, sport)) &&
	    lb_tun_udp(d, k, sport, dport, p, n))
		return;
	if (snap) {
		drop(d, LB_DROP_IP_TRUNCATED);
	} else if (port_guess(d, sport, dport, p, n)) {
		/* no port claims it, and it is one whole DNS response (guess.c) */
		d->st.udp_port_guess++;
		emit_udp(d, k, p, n, false);
	} else {
		drop(d, LB_DROP_NOT_DNS_PORT);
	}
}

/* A datagram: the usual one - whole, on a DNS port, room for a DNS header -
 * is handed up here, in a function that saves no registers; any other goes
 * through do_udp_all, which reads it again from its start. */
static inline void do_udp(lb_decoder_t *d, pkt_t *k, const uint8_t *p, size_t n, bool cut)
{
	if (LB_LIKELY(n >= 8)) {
		uint16_t sport = be16(p), dport = be16(p + 2);
		size_t ulen = be16(p + 4);
		if (LB_LIKELY(ulen >= 8 + 12 && ulen <= n) &&
		    (is_dns_port(d, sport) || is_dns_port(d, dport))) {
			k->pl.sport = sport;
			k->pl.dport = dport;
			emit_udp(d, k, p + 8, ulen - 8, false);
			return;
		}
	}
	do_udp_all(d, k, p, n, cut);
}

static void do_tcp(lb_decoder_t *d, pkt_t *k, const uint8_t *p, size_t n, bool cut)
{
	if (n < 20) {
		drop(d, cut ? LB_DROP_IP_TRUNCATED : LB_DROP_TCP_BAD);
		return;
	}
	size_t off = (size_t)(p[12] >> 4) * 4;
	if (off < 20 || off > n) {
		drop(d, off >= 20 && cut ? LB_DROP_IP_TRUNCATED : LB_DROP_TCP_BAD);
		return;
	}
	k->pl.sport = be16(p);
	k->pl.dport = be16(p + 2);
	if (!is_dns_port(d, k->pl.sport) && !is_dns_port(d, k->pl.dport)) {
		drop(d, LB_DROP_NOT_DNS_PORT);
		return;
	}
	d->st.tcp_segments++;
	if (cut) { /* the segment's bytes are not all here: the stream will see a gap */
		drop(d, LB_DROP_IP_TRUNCATED);
		return;
	}
	uint8_t fl = p[13];
	unsigned flags = ((fl & 0x01) ? LB_TCP_FIN : 0) | ((fl & 0x02) ? LB_TCP_SYN : 0) |
			 ((fl & 0x04) ? LB_TCP_RST : 0);
	if ((fl & 0x03) == 0x03 || (fl & 0x06) == 0x06) {
		drop(d, LB_DROP_TCP_BAD);
		return;
	}
	k->pl.proto = 6;
	lb_tcp_segment(d->tcp, &k->pl, be32(p + 4), flags, p + off, n - off);
}

/* Dispatch an IP payload by protocol number. */
/*
 * An ICMP or ICMPv6 error quoting a DNS datagram (RFC 792; RFC 1812 4.3.2.3
 * and RFC 4443 2.4: as much of the invoking packet as fits).  A response that
 * reached a host whose socket had closed (a late answer) comes back to its
 * server inside "port unreachable"; tshark decodes the quoted message, and so
 * does lookback when the quote holds the whole UDP datagram, not a fragment
 * of one, on a DNS port or taken by the port guess as one outside the quote
 * would be (tshark's heuristic reads quotes too).  A quote cut short is
 * counted as truncated.  No
 * TCP from a quote: it is 8 bytes of a segment at the least, and feeding it
 * to the stream it came from would repeat its bytes.
 */
static void do_icmp(lb_decoder_t *d, pkt_t *k, const uint8_t *p, size_t n, bool v6)
{
	uint8_t t = n ? p[0] : 0;
	bool error = v6 ? t >= 1 && t <= 4 : t == 3 || t == 4 || t == 5 || t == 11 || t == 12;
	if (n < 8 || !error) {
		drop(d, LB_DROP_NOT_TRANSPORT); /* echo, neighbour discovery, ... */
		return;
	}
	p += 8;
	n -= 8;
	size_t hl, tot;
	if (!v6) {
		if (n < 20 || (p[0] >> 4) != 4 || p[9] != 17 || (be16(p + 6) & 0x3fff)) {
			drop(d, LB_DROP_NOT_TRANSPORT); /* not UDP, or a fragment */
			return;
		}
		hl = (size_t)(p[0] & 15) * 4;
		tot = be16(p + 2);
	} else {
		if (n < 40 || (p[0] >> 4) != 6 || p[6] != 17) {
			drop(d, LB_DROP_NOT_TRANSPORT); /* not UDP (extension headers not walked) */
			return;
		}
		hl = 40;
		tot = 40 + (size_t)be16(p + 4);
	}
	if (hl < 20 || tot < hl + 8) {
		drop(d, LB_DROP_IP_BAD);
		return;
	}
	if (n < tot) {
		drop(d, LB_DROP_IP_TRUNCATED); /* the quote stops inside the datagram */
		return;
	}
	const uint8_t *u = p + hl;
	size_t ulen = be16(u + 4);
	if (ulen < 8 || ulen > tot - hl) {
		drop(d, LB_DROP_UDP_BAD);
		return;
	}
	uint16_t sport = be16(u), dport = be16(u + 2);
	bool guessed = false;
	if (!is_dns_port(d, sport) && !is_dns_port(d, dport)) {
		if (!port_guess(d, sport, dport, u + 8, ulen - 8)) {
			drop(d, LB_DROP_NOT_DNS_PORT);
			return;
		}
		guessed = true;
	}
	if (ulen - 8 < 12) {
		drop(d, LB_DROP_DNS_TRUNCATED);
		return;
	}
	if (guessed)
		d->st.udp_port_guess++;
	/* the quoted datagram's addresses and ports: its sender, its receiver */
	k->pl.ipver = v6 ? 6 : 4;
	memset(k->pl.src, 0, sizeof(k->pl.src));
	memset(k->pl.dst, 0, sizeof(k->pl.dst));
	memcpy(k->pl.src, p + (v6 ? 8 : 12), v6 ? 16 : 4);
	memcpy(k->pl.dst, p + (v6 ? 24 : 16), v6 ? 16 : 4);
	k->pl.sport = sport;
	k->pl.dport = dport;
	emit_udp(d, k, u + 8, ulen - 8, false);
}

static void do_proto(lb_decoder_t *d, pkt_t *k, uint8_t proto, const uint8_t *p, size_t n, bool cut)
{
	switch (proto) {
	case 1:
	case 58:
		do_icmp(d, k, p, n, proto == 58);
		return;
	case 17:
		do_udp(d, k, p, n, cut);
		return;
	case 6:
		do_tcp(d, k, p, n, cut);
		return;
	case 132:
		lb_decode_sctp(d, k, p, n, cut);
		return;
	case 4:
		if (tunnel_enter(d, k))
			do_ipv4(d, k, p, n);
		return;
	case 41:
		if (tunnel_enter(d, k))
			do_ipv6(d, k, p, n);
		return;
	case 47:
		if (!lb_tun_gre(d, k, p, n))
			drop(d, LB_DROP_TUNNEL_BAD);
		return;
	case 115:
		if (!lb_tun_l2tpv3_ip(d, k, p, n))
			drop(d, LB_DROP_TUNNEL_BAD);
		return;
	case 97:
		if (!lb_tun_etherip(d, k, p, n))
			drop(d, LB_DROP_TUNNEL_BAD);
		return;
	case 137:
		if (!lb_tun_mpls(d, k, p, n))
			drop(d, LB_DROP_TUNNEL_BAD);
		return;
	case 51: /* AH (RFC 4302) after an IPv4 header; IPv6 walks it with its
		  * extension headers.  Its Payload Len is its length in 4-octet
		  * words minus 2 (2.2); the fixed part (next header, length,
		  * reserved, SPI, sequence number) is 3 words, so a 0 (8 octets)
		  * is no AH and leaves no upper layer to find: the sequence
		  * number would be read as UDP ports (zeek ipv6_zero_len_ah.trace) */
		for (int i = 0; proto == 51; i++) {
			size_t el = n >= 2 ? ((size_t)p[1] + 2) * 4 : 0;
			if (n >= 2 && p[1] == 0) { /* shorter than AH's fixed part: ah_len() */
				drop(d, LB_DROP_IP_BAD);
				return;
			}
			if (i == MAX_IP6_EXT || n < 2 || n < el) {
				drop(d, cut && i < MAX_IP6_EXT ? LB_DROP_IP_TRUNCATED : LB_DROP_IP_BAD);
				return;
			}
			proto = p[0];
			p += el;
			n -= el;
		}
		do_proto(d, k, proto, p, n, cut);
		return;
	default:
		drop(d, LB_DROP_NOT_TRANSPORT);
	}
}

/* ---- IP ---- */

static void do_ipv4(lb_decoder_t *d, pkt_t *k, const uint8_t *p, size_t n)
{
	if (LB_UNLIKELY(n < 20)) {
		drop(d, n && (p[0] >> 4) != 4 ? LB_DROP_IP_BAD : LB_DROP_IP_TRUNCATED);
		return;
	}
	size_t ihl = (size_t)(p[0] & 15) * 4, tot = be16(p + 2);
	/* Total Length 0 on an unfragmented datagram: a segmentation-offload
	 * (TSO/LSO, Linux BIG TCP) packet captured on the sending host, its
	 * length not filled in; it runs to the frame's end (tshark does the same) */
	if (LB_UNLIKELY(tot == 0) && n >= ihl && (be16(p + 6) & 0x3fff) == 0)
		tot = n;
	if (LB_UNLIKELY((p[0] >> 4) != 4 || ihl < 20 || tot < ihl)) {
		drop(d, LB_DROP_IP_BAD);
		return;
	}
	if (LB_UNLIKELY(n < ihl)) {
		drop(d, LB_DROP_IP_TRUNCATED);
		return;
	}
	bool cut = n < tot;
	if (!cut)
		n = tot; /* link padding beyond the datagram */
	k->pl.ipver = 4;
	memset(k->pl.src, 0, sizeof(k->pl.src));
	memset(k->pl.dst, 0, sizeof(k->pl.dst));
	memcpy(k->pl.src, p + 12, 4);
	memcpy(k->pl.dst, p + 16, 4);
	uint16_t fo = be16(p + 6);
	uint8_t proto = p[9];
	if (LB_LIKELY((fo & 0x3fff) == 0)) {
		if (LB_LIKELY(proto == 17)) /* UDP, nearly every datagram: no dispatch */
			do_udp(d, k, p + ihl, n - ihl, cut);
		else
			do_proto(d, k, proto, p + ihl, n - ihl, cut);
		return;
	}
	if (cut) {
		d->st.ip_fragments++;
		drop(d, LB_DROP_IP_TRUNCATED);
		return;
	}
	lb_frag_key_t key;
	memset(&key, 0, sizeof(key));
	key.ipver = 4;
	key.proto = proto;
	key.id = be16(p + 4);
	memcpy(key.src, p + 12, 4);
	memcpy(key.dst, p + 16, 4);
	const uint8_t *out;
	size_t outlen;
	if (frag_add(d, k, &key, ihl, (uint32_t)(fo & 0x1fff) * 8, (fo & 0x2000) != 0, p + ihl,
			n - ihl, tv_sec(&k->pl.ts), &out, &outlen, NULL) == 1)
		do_proto(d, k, proto, out, outlen, false);
}

/* Walk IPv6 extension headers from next header `nh` over [p, p + n).
 * `hdr` = bytes in front of p (IPv6 header and headers walked so far). */
static void ip6_walk(lb_decoder_t *d, pkt_t *k, uint8_t nh, const uint8_t *p, size_t n, size_t hdr,
		     bool cut, bool reassembled)
{
	for (int i = 0; i < MAX_IP6_EXT; i++) {
		switch (nh) {
		case 0:   /* hop-by-hop */
		case 43:  /* routing */
		case 60:  /* destination options */
		case 51: { /* AH */
			if (n < 2) {
				drop(d, cut ? LB_DROP_IP_TRUNCATED : LB_DROP_IP_BAD);
				return;
			}
			size_t el = nh == 51 ? ((size_t)p[1] + 2) * 4 : ((size_t)p[1] + 1) * 8;
			if (nh == 51 && p[1] == 0) { /* as in do_proto */
				drop(d, LB_DROP_IP_BAD);
				return;
			}
			if (n < el) {
				drop(d, cut ? LB_DROP_IP_TRUNCATED : LB_DROP_IP_BAD);
				return;
			}
			nh = p[0];
			p += el;
			n -= el;
			hdr += el;
			break;
		}
		case 44: { /* fragment */
			if (n < 8) {
				drop(d, cut ? LB_DROP_IP_TRUNCATED : LB_DROP_IP_BAD);
				return;
			}
			uint16_t fo = be16(p + 2);
			uint8_t fnh = p[0];
			if ((fo & 0xfff9) == 0) { /* atomic fragment (RFC 6946) */
				nh = fnh;
				p += 8;
				n -= 8;
				hdr += 8;
				break;
			}
			if (reassembled) { /* a fragment header inside a reassembled payload */
				drop(d, LB_DROP_FRAG_BAD);
				return;
			}
			if (cut) {
				d->st.ip_fragments++;
				drop(d, LB_DROP_IP_TRUNCATED);
				return;
			}
			lb_frag_key_t key;
			memset(&key, 0, sizeof(key));
			key.ipver = 6;
			key.proto = 0; /* not in the key: RFC 8200 4.5 */
			key.id = be32(p + 4);
			memcpy(key.src, k->pl.src, 16);
			memcpy(key.dst, k->pl.dst, 16);
			const uint8_t *out;
			size_t outlen;
			/* RFC 8200 4.5: the reassembled Payload Length (extension
			 * headers in front of this one, then the fragmentable part)
			 * must not pass 65535; the fixed header is not in it */
			if (frag_add(d, k, &key, hdr - 40, fo & 0xfff8, fo & 1, p + 8, n - 8,
					tv_sec(&k->pl.ts), &out, &outlen, &fnh) != 1)
				return;
			nh = fnh; /* the offset-zero fragment's */
			p = out;
			n = outlen;
			hdr += 8;
			cut = false;
			reassembled = true;
			break;
		}
		case 50: /* ESP: encrypted */
		case 59: /* no next header */
			drop(d, LB_DROP_NOT_TRANSPORT);
			return;
		default:
			if (LB_LIKELY(nh == 17)) /* UDP: as in do_ipv4 */
				do_udp(d, k, p, n, cut);
			else
				do_proto(d, k, nh, p, n, cut);
			return;
		}
	}
	drop(d, LB_DROP_IP_BAD);
}

static void do_ipv6(lb_decoder_t *d, pkt_t *k, const uint8_t *p, size_t n)
{
	if (n < 40) {
		drop(d, n && (p[0] >> 4) != 6 ? LB_DROP_IP_BAD : LB_DROP_IP_TRUNCATED);
		return;
	}
	size_t plen = be16(p + 4);
	if ((p[0] >> 4) != 6 || (plen == 0 && p[6] == 0)) { /* jumbogram: not supported */
		drop(d, LB_DROP_IP_BAD);
		return;
	}
	bool cut = n - 40 < plen;
	if (!cut)
		n = 40 + plen;
	k->pl.ipver = 6;
	memcpy(k->pl.src, p + 8, 16);
	memcpy(k->pl.dst, p + 24, 16);
	ip6_walk(d, k, p[6], p + 40, n - 40, 40, cut, false);
}

static void do_ip_any(lb_decoder_t *d, pkt_t *k, const uint8_t *p, size_t n)
{
	if (n < 1) {
		drop(d, LB_DROP_LINK_TRUNCATED);
		return;
	}
	switch (p[0] >> 4) {
	case 4:
		do_ipv4(d, k, p, n);
		return;
	case 6:
		do_ipv6(d, k, p, n);
		return;
	default:
		drop(d, LB_DROP_NOT_IP);
	}
}

/* ---- link layers ---- */

static void do_pppoe(lb_decoder_t *d, pkt_t *k, const uint8_t *p, size_t n)
{
	/* ver/type 0x11, code 0 (session data), session id, length, PPP protocol */
	if (n < 8) {
		drop(d, LB_DROP_LINK_TRUNCATED);
		return;
	}
	if (p[0] != 0x11 || p[1] != 0) {
		drop(d, LB_DROP_LINK_UNSUPPORTED);
		return;
	}
	size_t len = be16(p + 4);
	if (len < 2) {
		drop(d, LB_DROP_LINK_TRUNCATED);
		return;
	}
	uint16_t proto = be16(p + 6);
	p += 8;
	n -= 8;
	if (len - 2 < n)
		n = len - 2;
	if (proto == 0x0021)
		do_ipv4(d, k, p, n);
	else if (proto == 0x0057)
		do_ipv6(d, k, p, n);
	else
		drop(d, LB_DROP_NOT_IP);
}

static void do_mpls(lb_decoder_t *d, pkt_t *k, const uint8_t *p, size_t n)
{
	for (int i = 0; i < MAX_MPLS_LABELS; i++) {
		if (n < 4) {
			drop(d, LB_DROP_LINK_TRUNCATED);
			return;
		}
		bool bos = p[2] & 1;
		p += 4;
		n -= 4;
		if (bos) {
			/* first nibble 0: the control word of an Ethernet
			 * pseudowire (RFC 4385, RFC 4448), as tshark takes it */
			if (n >= 4 && (p[0] >> 4) == 0) {
				if (tunnel_enter(d, k))
					do_ether(d, k, p + 4, n - 4);
				return;
			}
			do_ip_any(d, k, p, n);
			return;
		}
	}
	drop(d, LB_DROP_LINK_UNSUPPORTED);
}

/* Payload of a given ethertype, VLAN tags included. */
static void do_ethertype(lb_decoder_t *d, pkt_t *k, uint16_t type, const uint8_t *p, size_t n)
{
	int tags = 0;
	for (; type == ET_VLAN || type == ET_QINQ || type == ET_QINQ_OLD; tags++) {
		if (tags == MAX_VLAN_TAGS) {
			drop(d, LB_DROP_LINK_UNSUPPORTED);
			return;
		}
		if (n < 4) {
			drop(d, LB_DROP_LINK_TRUNCATED);
			return;
		}
		type = be16(p + 2);
		p += 4;
		n -= 4;
	}
	if (tags && type <= 1500) { /* an 802.3 length after the tags: LLC follows */
		do_llc(d, k, p, type < n ? type : n);
		return;
	}
	switch (type) {
	case ET_IPV4:
		do_ipv4(d, k, p, n);
		return;
	case ET_IPV6:
		do_ipv6(d, k, p, n);
		return;
	case ET_PPPOE_SESS:
		do_pppoe(d, k, p, n);
		return;
	case ET_MPLS:
	case ET_MPLS_MC:
		do_mpls(d, k, p, n);
		return;
	case ET_PBB: /* IEEE 802.1ah: the I-TAG (priority, flags, I-SID), then the customer's frame */
		if (n < 4) {
			drop(d, LB_DROP_LINK_TRUNCATED);
			return;
		}
		if (tunnel_enter(d, k))
			do_ether(d, k, p + 4, n - 4);
		return;
	default:
		drop(d, LB_DROP_NOT_IP);
	}
}

/* 802.2 LLC with SNAP (AA AA 03, OUI 0) carrying an ethertype. */
static void do_llc(lb_decoder_t *d, pkt_t *k, const uint8_t *p, size_t n)
{
	if (n < 8) {
		drop(d, LB_DROP_LINK_TRUNCATED);
		return;
	}
	if (p[0] != 0xAA || p[1] != 0xAA || p[2] != 0x03 || p[3] || p[4] || p[5]) {
		drop(d, LB_DROP_NOT_IP);
		return;
	}
	do_ethertype(d, k, be16(p + 6), p + 8, n - 8);
}

static void do_ether(lb_decoder_t *d, pkt_t *k, const uint8_t *p, size_t n)
{
	if (LB_UNLIKELY(n < 14)) {
		drop(d, LB_DROP_LINK_TRUNCATED);
		return;
	}
	uint16_t type = be16(p + 12);
	if (LB_LIKELY(type == ET_IPV4)) {
		do_ipv4(d, k, p + 14, n - 14);
		return;
	}
	if (type <= 1500) { /* 802.3 length field: LLC follows */
		size_t l = type;
		do_llc(d, k, p + 14, l < n - 14 ? l : n - 14);
		return;
	}
	do_ethertype(d, k, type, p + 14, n - 14);
}


static void do_ppp(lb_decoder_t *d, pkt_t *k, const uint8_t *p, size_t n)
{
	if (n >= 2 && p[0] == 0xff && p[1] == 0x03) { /* HDLC address/control */
		p += 2;
		n -= 2;
	}
	if (n < 1) {
		drop(d, LB_DROP_LINK_TRUNCATED);
		return;
	}
	uint16_t proto;
	if (p[0] & 1) { /* protocol field compression: one byte */
		proto = p[0];
		p += 1;
		n -= 1;
	} else {
		if (n < 2) {
			drop(d, LB_DROP_LINK_TRUNCATED);
			return;
		}
		proto = be16(p);
		p += 2;
		n -= 2;
	}
	if (proto == 0x21)
		do_ipv4(d, k, p, n);
	else if (proto == 0x57)
		do_ipv6(d, k, p, n);
	else
		drop(d, LB_DROP_NOT_IP);
}

/* The walk's entry points for the link layers of link.c (decode_impl.h):
 * the static functions above stay the ones the hot path calls directly. */
void lb_decode_ipv4(lb_decoder_t *d, pkt_t *k, const uint8_t *p, size_t n) { do_ipv4(d, k, p, n); }
void lb_decode_ipv6(lb_decoder_t *d, pkt_t *k, const uint8_t *p, size_t n) { do_ipv6(d, k, p, n); }
void lb_decode_ip_any(lb_decoder_t *d, pkt_t *k, const uint8_t *p, size_t n) { do_ip_any(d, k, p, n); }
void lb_decode_llc(lb_decoder_t *d, pkt_t *k, const uint8_t *p, size_t n) { do_llc(d, k, p, n); }
void lb_decode_ether(lb_decoder_t *d, pkt_t *k, const uint8_t *p, size_t n) { do_ether(d, k, p, n); }
void lb_decode_ethertype(lb_decoder_t *d, pkt_t *k, uint16_t type, const uint8_t *p, size_t n)
{
	do_ethertype(d, k, type, p, n);
}
void lb_decode_ppp(lb_decoder_t *d, pkt_t *k, const uint8_t *p, size_t n) { do_ppp(d, k, p, n); }
void lb_decode_mpls(lb_decoder_t *d, pkt_t *k, const uint8_t *p, size_t n) { do_mpls(d, k, p, n); }

static void maybe_expire(lb_decoder_t *d, const struct timeval *ts)
{
	if (LB_LIKELY(ts->tv_sec == d->last_expire))
		return;
	d->last_expire = ts->tv_sec;
	lb_decoder_expire(d, ts);
}

void lb_decoder_frame(lb_decoder_t *d, int linktype, const struct timeval *ts,
		      const uint8_t *frame, size_t caplen, size_t wirelen)
{
	pkt_t k;
	k.pl.ts = *ts;
	k.depth = 0;
	k.snapped = caplen < wirelen;
	k.reasm = false;
	size_t n = caplen < wirelen ? caplen : wirelen;
	d->st.packets++;
	d->st.bytes += caplen;
	maybe_expire(d, ts);
	if (LB_LIKELY(linktype == LT_EN10MB)) { /* the usual case, before the switch */
		do_ether(d, &k, frame, n);
		goto done;
	}
	switch (linktype) {
	case LT_RAW:
	case LT_RAW_BSD:
	case LT_RAW_LINKTYPE:
		do_ip_any(d, &k, frame, n);
		break;
	case LT_IPV4:
		do_ipv4(d, &k, frame, n);
		break;
	case LT_IPV6:
		do_ipv6(d, &k, frame, n);
		break;
	case LT_LINUX_SLL:
		if (n < 16)
			drop(d, LB_DROP_LINK_TRUNCATED);
		else if (be16(frame + 14) == 0x0004) /* 802.2 LLC frames */
			do_llc(d, &k, frame + 16, n - 16);
		else
			do_ethertype(d, &k, be16(frame + 14), frame + 16, n - 16);
		break;
	case LT_LINUX_SLL2:
		if (n < 20)
			drop(d, LB_DROP_LINK_TRUNCATED);
		else if (be16(frame) == 0x0004)
			do_llc(d, &k, frame + 20, n - 20);
		else
			do_ethertype(d, &k, be16(frame), frame + 20, n - 20);
		break;
	case LT_NULL:
	case LT_LOOP:
		lb_link_null(d, &k, frame, n);
		break;
	case LT_NFLOG:
		lb_link_nflog(d, &k, frame, n);
		break;
	case LT_RADIOTAP:
		lb_link_radiotap(d, &k, frame, n);
		break;
	case LT_PPP:
	case LT_PPP_SERIAL: /* PPP in HDLC-like framing (RFC 1662) */
		do_ppp(d, &k, frame, n);
		break;
	case LT_C_HDLC: /* Cisco HDLC: address, control, an ethertype */
		if (n < 4)
			drop(d, LB_DROP_LINK_TRUNCATED);
		else
			do_ethertype(d, &k, be16(frame + 2), frame + 4, n - 4);
		break;
	case LT_IEEE802_11:
		lb_link_80211(d, &k, frame, n, false);
		break;
	case LT_PPI:
		lb_link_ppi(d, &k, frame, n);
		break;
	case LT_PRISM:
	case LT_AVS:
		lb_link_prism_avs(d, &k, frame, n);
		break;
	case LT_PPP_WITH_DIR: /* a direction byte, then PPP */
		if (n < 1)
			drop(d, LB_DROP_LINK_TRUNCATED);
		else
			do_ppp(d, &k, frame + 1, n - 1);
		break;
	case LT_PPP_ETHER: /* a PPPoE session header without the Ethernet one (BSD) */
		do_pppoe(d, &k, frame, n);
		break;
	case LT_APPLE_IP1394: /* IP over IEEE 1394 (RFC 2734), Apple's header: the
			       * destination and source EUI-64s, an ethertype */
		if (n < 18)
			drop(d, LB_DROP_LINK_TRUNCATED);
		else
			do_ethertype(d, &k, be16(frame + 16), frame + 18, n - 18);
		break;
	case LT_ATM_RFC1483: /* RFC 2684 LLC encapsulation: LLC/SNAP, an ethertype */
		do_llc(d, &k, frame, n);
		break;
	case LT_PFLOG: { /* OpenBSD pf's log: its length, address family, ...; padded to 4 */
		size_t hl = n >= 2 ? ((size_t)frame[0] + 3) & ~(size_t)3 : 0;
		if (n < 2 || frame[0] < 2 || hl > n)
			drop(d, LB_DROP_LINK_TRUNCATED);
		else
			lb_link_af(d, &k, frame[1], frame + hl, n - hl);
		break;
	}
	default:
		drop(d, LB_DROP_LINK_UNSUPPORTED);
	}
done:
	if (k.depth)
		d->st.tunnels++;
	if (LB_UNLIKELY(k.reasm))
		lb_frag_release(d->frag); /* the reassembled payloads the walk held */
}
