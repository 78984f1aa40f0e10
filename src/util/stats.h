/*
 * stats.h - counters shared by the capture, DNS and observation stages.
 *
 * Every dropped packet or message is counted under exactly one reason.  The
 * reason names are stable: they appear in `--stats` output and in /metrics.
 * Counters are plain uint64_t owned by one thread (one decoder instance).
 */
#ifndef LB_UTIL_STATS_H
#define LB_UTIL_STATS_H

#include <stdint.h>
#include <stdio.h>

enum lb_drop {
	/* link / network layers */
	LB_DROP_LINK_UNSUPPORTED = 0, /* link type or encapsulation we do not decode */
	LB_DROP_LINK_TRUNCATED,     /* frame shorter than its link header */
	LB_DROP_NO_TIME,            /* pcapng simple packet before any packet with a time */
	LB_DROP_NOT_IP,             /* ethertype/protocol that is not IP (ARP, LLDP, ...) */
	LB_DROP_IP_BAD,             /* bad IPv4/IPv6 header (version, IHL, length) */
	LB_DROP_IP_TRUNCATED,       /* captured less than the IP header claims */
	LB_DROP_FRAG_BAD,           /* overlapping/conflicting/oversized fragment */
	LB_DROP_FRAG_TIMEOUT,       /* fragments never completed (expired or evicted) */
	LB_DROP_FRAG_LIMIT,         /* fragment memory bound reached */
	LB_DROP_TUNNEL_DEPTH,       /* more nested tunnels than allowed */
	LB_DROP_TUNNEL_BAD,         /* malformed tunnel header (GRE, VXLAN, CAPWAP, ...) */
	LB_DROP_NOT_TRANSPORT,      /* IP protocol other than UDP/TCP (ICMP, ...) */
	LB_DROP_UDP_BAD,            /* UDP length nonsense */
	LB_DROP_NOT_DNS_PORT,       /* UDP/TCP not on a configured DNS port */
	LB_DROP_TCP_BAD,            /* bad TCP header */
	LB_DROP_TCP_GAP,            /* stream bytes lost (gap) - buffered data discarded */
	LB_DROP_TCP_LIMIT,          /* per-flow or global TCP memory bound reached */
	LB_DROP_TCP_JUNK,           /* stream bytes that do not frame as DNS messages */
	/* DNS message */
	LB_DROP_DNS_TRUNCATED,      /* message ends inside a field */
	LB_DROP_DNS_BAD_POINTER,    /* compression pointer forward/loop/out of bounds */
	LB_DROP_DNS_BAD_LABEL,      /* label > 63 or reserved label type */
	LB_DROP_DNS_NAME_TOO_LONG,  /* name > 255 octets */
	LB_DROP_DNS_BAD_RDATA,      /* rdata does not match its type */
	LB_DROP_DNS_NOT_DNS,        /* header nonsense */
	LB_DROP_DNS_LIMIT,          /* too many records for our bounds */
	LB_DROP_DNS_TRAILING,       /* junk after the last record (message still used) */
	LB_DROP_DNS_BAD_RECORD,     /* one record with bad rdata skipped (message still used) */
	LB_DROP_DNS_OTHER,          /* any other parse failure */
	LB_DROP_IXFR_CHANGES,       /* IXFR answer records that are differences, not RRsets */
	LB_DROP_SCTP_BAD,           /* SCTP header or chunk length nonsense */
	LB_DROP_SCTP_INCOMPLETE,    /* SCTP message fragments never completed (or out of order) */
	LB_DROP__COUNT
};

/* Stable snake_case name of a reason ("dns_bad_pointer"). */
const char *lb_drop_name(enum lb_drop d);

/* Map a DNS parse error (LB_E*) to its drop reason. */
enum lb_drop lb_drop_from_dns_err(int err);

typedef struct lb_stats {
	uint64_t packets;        /* frames handed to the decoder */
	uint64_t bytes;          /* captured bytes handed to the decoder */
	uint64_t ip_fragments;   /* fragments seen */
	uint64_t ip_reassembled; /* datagrams completed from fragments */
	uint64_t capwap_fragments;   /* CAPWAP data fragments seen (RFC 5415 4.3) */
	uint64_t capwap_reassembled; /* CAPWAP frames completed from them */
	uint64_t tunnels;        /* packets that were decapsulated at least once */
	uint64_t udp_dns;        /* DNS payloads from UDP */
	uint64_t udp_port_guess; /* of those, on no DNS port: whole DNS responses (capture/guess.c) */
	uint64_t tcp_segments;   /* TCP segments on DNS ports */
	uint64_t tcp_dns;        /* DNS messages framed out of TCP streams */
	uint64_t sctp_packets;   /* SCTP packets on DNS ports */
	uint64_t sctp_dns;       /* DNS messages from their DATA chunks */
	uint64_t dns_messages;   /* DNS messages handed to the parser */
	uint64_t dns_queries;    /* messages with QR=0 */
	uint64_t dns_responses;  /* messages with QR=1 parsed (fully or partly) */
	uint64_t dns_partial;    /* responses whose later sections failed; earlier ones kept */
	uint64_t rrsets;         /* positive RRset observations produced */
	uint64_t rrs;            /* resource records inside those RRsets */
	uint64_t negatives;      /* negative observations produced */
	uint64_t drops[LB_DROP__COUNT];
} lb_stats_t;

/* Add every counter of src into dst. */
void lb_stats_add(lb_stats_t *dst, const lb_stats_t *src);

/* Total of all drop counters. */
uint64_t lb_stats_drops(const lb_stats_t *s);

/* Print "name value" lines (zero drop reasons omitted). */
void lb_stats_print(const lb_stats_t *s, FILE *out);

#endif
