/*
 * decode.h - from a captured frame to DNS payloads.
 *
 * One lb_decoder_t per capture thread.  lb_decoder_frame() takes one frame of
 * a given libpcap link type and calls the payload callback for every complete
 * DNS message it yields: a UDP datagram on a DNS port (after IP reassembly), or
 * a message framed out of a reassembled TCP stream (2-byte length prefix), or
 * (opts.port_guess) a UDP datagram on no DNS or tunnel port that parses
 * whole as one DNS response to one IN question (counted in udp_port_guess).
 * Drops are counted in the decoder's lb_stats_t under their reason; nothing
 * here aborts on bad input.
 *
 * Supported link types (DLT_*): EN10MB (802.1Q, QinQ/802.1ad, PPPoE session +
 * PPP, MPLS: IP, or an Ethernet pseudowire with its control word), LINUX_SLL, LINUX_SLL2, RAW / IPV4 / IPV6, NULL and LOOP (BSD),
 * NFLOG, IEEE802_11_RADIO (radiotap + 802.11 data, A-MSDU too, + LLC/SNAP),
 * IEEE802_11 (the same without radiotap), PPP, PPP_SERIAL, C_HDLC (Cisco
 * HDLC), PFLOG (OpenBSD pf), APPLE_IP_OVER_IEEE1394.
 * Tunnels: IP-in-IP (4, 41), GRE (IPv4, IPv6, transparent Ethernet, ERSPAN
 * type II and III), GRE over UDP 4754, VXLAN (UDP 4789), VXLAN-GPE (UDP
 * 4790), Teredo (UDP 3544), Geneve (UDP 6081), GTP-U (UDP 2152, G-PDUs),
 * L2TPv2 (UDP 1701, PPP), L2TPv3 (IP 115 or UDP 1701, Ethernet
 * pseudowires: decode.c do_l2tpv3_payload), AYIYA (UDP 5072, Forward
 * messages carrying IPv6 or IPv4), TZSP (UDP 37008: a remote sniffer's
 * Ethernet or 802.11 frames), each nesting counted; more
 * than opts.max_tunnel_depth is a drop.  DNS datagrams quoted whole in ICMP /
 * ICMPv6 errors are messages too (decode.c do_icmp).
 */
#ifndef LB_CAPTURE_DECODE_H
#define LB_CAPTURE_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>

#include "util/err.h"
#include "util/stats.h"

#define LB_MAX_PORTS 16

typedef struct lb_decoder_opts {
	uint16_t ports[LB_MAX_PORTS];  /* DNS ports; default {53} */
	int nports;
	int max_tunnel_depth;          /* default 4 */
	size_t frag_mem_max;           /* bytes held for IP reassembly overall; default 32 MiB */
	size_t frag_max_datagrams;     /* default 4096 in flight */
	double frag_timeout;           /* IPv4: seconds (capture time); default 30 */
	double frag6_timeout;          /* IPv6: seconds; default 60 (RFC 8200 4.5) */
	size_t tcp_flow_mem_max;       /* bytes buffered per flow direction; default 128 KiB */
	size_t tcp_mem_max;            /* bytes buffered overall; default 64 MiB */
	size_t tcp_max_flows;          /* default 65536 */
	double tcp_timeout;            /* idle seconds before a flow is forgotten; default 120 */
	bool port_guess;               /* a UDP datagram on no DNS or tunnel port that is one
					* whole DNS response to one IN question is DNS
					* (guess.c); default true */
} lb_decoder_opts_t;

/* Fill opts with the defaults above. */
void lb_decoder_opts_default(lb_decoder_opts_t *opts);

/* One DNS message handed up.  Pointers valid only during the callback. */
typedef struct lb_payload {
	const uint8_t *data;
	size_t len;
	struct timeval ts;       /* capture time of the frame that completed it */
	uint8_t ipver;           /* 4 or 6 */
	uint8_t proto;           /* 17 UDP, 6 TCP or 132 SCTP */
	uint8_t src[16], dst[16];/* addresses (IPv4 in the first 4 bytes) */
	uint16_t sport, dport;
	bool cut;                /* UDP: the capture kept less than the datagram (its
				  * snapshot length): data ends at the cut */
} lb_payload_t;

typedef void (*lb_payload_fn)(void *ctx, const lb_payload_t *p);

typedef struct lb_decoder lb_decoder_t;

/* Returns NULL on allocation failure. opts may be NULL for defaults (copied). */
lb_decoder_t *lb_decoder_new(const lb_decoder_opts_t *opts, lb_payload_fn fn, void *ctx);

/* NULL-safe. Frees all flow and fragment state. */
void lb_decoder_free(lb_decoder_t *d);

/*
 * Decode one frame.  caplen is the captured length (bytes available), wirelen
 * the original length.  Every layer trusts only the smaller of captured and
 * claimed lengths.  Never fails: problems are counted in lb_decoder_stats().
 */
void lb_decoder_frame(lb_decoder_t *d, int linktype, const struct timeval *ts,
		      const uint8_t *frame, size_t caplen, size_t wirelen);

/* Expire fragments and TCP flows older than now - timeout (call at end of input
 * with a far-future time to flush everything that can still be framed). */
void lb_decoder_expire(lb_decoder_t *d, const struct timeval *now);

/* Counters of this decoder (packets, drops by reason, ...).  Owned by d. */
lb_stats_t *lb_decoder_stats(lb_decoder_t *d);

/* Bytes currently held in fragment and TCP buffers (for tests of the bounds). */
size_t lb_decoder_mem(const lb_decoder_t *d);

/* True if the port is one of the decoder's DNS ports. */
bool lb_decoder_is_dns_port(const lb_decoder_t *d, uint16_t port);

#endif
