/*
 * decode_impl.h - what decode.c and link.c share (internal to src/capture):
 * the decoder, the frame being walked, link and ether types, byte readers,
 * and the walk's entry points each side calls in the other.
 */
#ifndef LB_CAPTURE_DECODE_IMPL_H
#define LB_CAPTURE_DECODE_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "capture/decode.h"
#include "capture/frag.h"
#include "capture/guess.h"
#include "capture/tcp.h"

#define MAX_VLAN_TAGS 8
#define MAX_MPLS_LABELS 16
#define MAX_IP6_EXT 16

/* libpcap link types, by value (the DLT_ names differ between platforms). */
enum {
	LT_NULL = 0, LT_EN10MB = 1, LT_PPP = 9, LT_RAW = 12, LT_RAW_BSD = 14, LT_PPP_SERIAL = 50,
	LT_RAW_LINKTYPE = 101, LT_C_HDLC = 104, LT_IEEE802_11 = 105, LT_LOOP = 108,
	LT_LINUX_SLL = 113, LT_PFLOG = 117, LT_RADIOTAP = 127,
	LT_IPV4 = 228, LT_IPV6 = 229, LT_NFLOG = 239, LT_LINUX_SLL2 = 276,
	LT_ATM_RFC1483 = 11, /* Linux's DLT value; files say LINKTYPE 100 (pcap.c maps it) */
	LT_PPP_ETHER = 51, LT_PRISM = 119, LT_AVS = 163, LT_PPI = 192, LT_PPP_WITH_DIR = 204,
	LT_APPLE_IP1394 = 138,
};

enum {
	ET_IPV4 = 0x0800, ET_IPV6 = 0x86DD, ET_VLAN = 0x8100, ET_QINQ = 0x88A8, ET_QINQ_OLD = 0x9100,
	ET_PPPOE_SESS = 0x8864, ET_MPLS = 0x8847, ET_MPLS_MC = 0x8848, ET_TEB = 0x6558,
	ET_ERSPAN2 = 0x88BE, ET_ERSPAN3 = 0x22EB, ET_PPP = 0x880B, ET_PBB = 0x88E7,
};

enum { PORT_GRE_UDP = 4754, PORT_VXLAN = 4789, PORT_TEREDO = 3544, PORT_GENEVE = 6081,
       PORT_GTPU = 2152, PORT_L2TP = 1701, PORT_VXLAN_GPE = 4790,
       PORT_AYIYA = 5072, PORT_TZSP = 37008, PORT_MPLS_UDP = 6635, PORT_LISP_DATA = 4341,
       PORT_CAPWAP_DATA = 5247, PORT_AMT = 2268, PORT_JMIRROR = 30030 };

typedef struct lb_sctp lb_sctp_t;

struct lb_decoder {
	lb_decoder_opts_t o;
	lb_payload_fn fn;
	void *ctx;
	lb_stats_t st;
	lb_frag_t *frag;
	lb_tcp_t *tcp;
	time_t last_expire;
	lb_guess_t *guess; /* the port guess's parse scratch, from its first candidate */
	lb_sctp_t *sctp;   /* SCTP messages in fragments (sctp.c), from the first */
	uint8_t dnsport[65536 / 8];
	uint8_t tunport[65536 / 8]; /* lb_tun_port_map: a tunnel's port, either side */
};

/* State of the frame being walked. */
typedef struct pkt {
	lb_payload_t pl;   /* addresses, ports, time; data/len filled at the end */
	int depth;         /* tunnels entered */
	bool snapped;      /* the capture kept less than the frame (caplen < wirelen) */
	bool reasm;        /* a datagram was reassembled: lb_frag_release after the walk */
} pkt_t;

static inline uint16_t be16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static inline uint16_t le16(const uint8_t *p) { return (uint16_t)(p[1] << 8 | p[0]); }
static inline uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline void drop(lb_decoder_t *d, enum lb_drop why) { d->st.drops[why]++; }

/* lb_frag_add for the frame k: one that completes a datagram marks the frame,
 * whose end then releases the buffer (lb_decoder_frame; most frames hold
 * none, and skip the call). */
static inline int frag_add(lb_decoder_t *d, pkt_t *k, const lb_frag_key_t *key, size_t hdrlen,
			   uint32_t off, bool more, const uint8_t *data, size_t len, double now,
			   const uint8_t **out, size_t *outlen, uint8_t *nh)
{
	int rc = lb_frag_add(d->frag, key, hdrlen, off, more, data, len, now, out, outlen, nh);
	if (rc == 1)
		k->reasm = true;
	return rc;
}

/* One tunnel deeper, or false (counted tunnel_depth) past the bound. */
static inline bool tunnel_enter(lb_decoder_t *d, pkt_t *k)
{
	if (k->depth >= d->o.max_tunnel_depth) {
		drop(d, LB_DROP_TUNNEL_DEPTH);
		return false;
	}
	k->depth++;
	return true;
}

/* decode.c: the walk from an IP header, an LLC header or an Ethernet frame */
void lb_decode_ipv4(lb_decoder_t *d, pkt_t *k, const uint8_t *p, size_t n);
void lb_decode_ipv6(lb_decoder_t *d, pkt_t *k, const uint8_t *p, size_t n);
void lb_decode_ip_any(lb_decoder_t *d, pkt_t *k, const uint8_t *p, size_t n);
void lb_decode_llc(lb_decoder_t *d, pkt_t *k, const uint8_t *p, size_t n);
void lb_decode_ether(lb_decoder_t *d, pkt_t *k, const uint8_t *p, size_t n);
void lb_decode_ethertype(lb_decoder_t *d, pkt_t *k, uint16_t type, const uint8_t *p, size_t n);
void lb_decode_ppp(lb_decoder_t *d, pkt_t *k, const uint8_t *p, size_t n);
void lb_decode_mpls(lb_decoder_t *d, pkt_t *k, const uint8_t *p, size_t n);

/* sctp.c: an SCTP packet (IP protocol 132); cut as for UDP and TCP.  Its
 * messages in fragments wait in d->sctp (created at the first; NULL-safe). */
void lb_decode_sctp(lb_decoder_t *d, pkt_t *k, const uint8_t *p, size_t n, bool cut);
void lb_sctp_free(lb_sctp_t *s);
size_t lb_sctp_mem(const lb_sctp_t *s);
void lb_sctp_expire(lb_sctp_t *s, double before, lb_stats_t *st);

/* tunnel.c: each tunnel's payload back into the walk above */
bool lb_tun_gre(lb_decoder_t *d, pkt_t *k, const uint8_t *p, size_t n);
bool lb_tun_vxlan(lb_decoder_t *d, pkt_t *k, const uint8_t *p, size_t n);
bool lb_tun_vxlan_gpe(lb_decoder_t *d, pkt_t *k, const uint8_t *p, size_t n);
bool lb_tun_geneve(lb_decoder_t *d, pkt_t *k, const uint8_t *p, size_t n);
bool lb_tun_gtpu(lb_decoder_t *d, pkt_t *k, const uint8_t *p, size_t n);
bool lb_tun_l2tp(lb_decoder_t *d, pkt_t *k, const uint8_t *p, size_t n);
bool lb_tun_l2tpv3_ip(lb_decoder_t *d, pkt_t *k, const uint8_t *p, size_t n);
bool lb_tun_teredo(lb_decoder_t *d, pkt_t *k, const uint8_t *p, size_t n);
bool lb_tun_ayiya(lb_decoder_t *d, pkt_t *k, const uint8_t *p, size_t n);
bool lb_tun_tzsp(lb_decoder_t *d, pkt_t *k, const uint8_t *p, size_t n);
bool lb_tun_mpls(lb_decoder_t *d, pkt_t *k, const uint8_t *p, size_t n);
bool lb_tun_etherip(lb_decoder_t *d, pkt_t *k, const uint8_t *p, size_t n);
bool lb_tun_lisp(lb_decoder_t *d, pkt_t *k, const uint8_t *p, size_t n);
bool lb_tun_capwap(lb_decoder_t *d, pkt_t *k, const uint8_t *p, size_t n);
bool lb_tun_amt(lb_decoder_t *d, pkt_t *k, const uint8_t *p, size_t n);
bool lb_tun_jmirror(lb_decoder_t *d, pkt_t *k, const uint8_t *p, size_t n);

/* Each false, having counted nothing, when the bytes are not its header
 * (the caller counts tunnel_bad, or offers them to another tunnel). */
typedef bool (*lb_tun_fn)(lb_decoder_t *d, pkt_t *k, const uint8_t *p, size_t n);

/* The tunnel a UDP port belongs to (on either side), or NULL. */
lb_tun_fn lb_tun_by_port(uint16_t port);

/*
 * A UDP datagram (payload p, n) to the tunnel of its lower port, or of its
 * higher one when the lower names none or refuses it, as tshark picks;
 * tunnel_bad when both refuse.  False (nothing done) when neither port is
 * a tunnel's.
 */
bool lb_tun_udp(lb_decoder_t *d, pkt_t *k, uint16_t sport, uint16_t dport, const uint8_t *p,
		size_t n);

/* Set the bit of every port lb_tun_by_port knows (on either side) in map. */
void lb_tun_port_map(uint8_t map[65536 / 8]);

/* link.c: one link layer each (af: a BSD address family value) */
void lb_link_af(lb_decoder_t *d, pkt_t *k, uint32_t af, const uint8_t *p, size_t n);
void lb_link_null(lb_decoder_t *d, pkt_t *k, const uint8_t *p, size_t n);
void lb_link_nflog(lb_decoder_t *d, pkt_t *k, const uint8_t *p, size_t n);
void lb_link_radiotap(lb_decoder_t *d, pkt_t *k, const uint8_t *p, size_t n);
void lb_link_ppi(lb_decoder_t *d, pkt_t *k, const uint8_t *p, size_t n);
void lb_link_prism_avs(lb_decoder_t *d, pkt_t *k, const uint8_t *p, size_t n);
/* pad: radiotap says the body starts at a 4-byte boundary after the header */
void lb_link_80211(lb_decoder_t *d, pkt_t *k, const uint8_t *p, size_t n, bool pad);
/* the same from a CAPWAP tunnel: its frame control swapped or not (link.c) */
void lb_link_80211_capwap(lb_decoder_t *d, pkt_t *k, const uint8_t *p, size_t n);

#endif
