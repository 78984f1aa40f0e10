/*
 * gen.h - a realistic DNS capture generator, for tests, demos and benchmarks.
 *
 * lb_gen_t produces Ethernet frames of DNS traffic as a sensor would see it:
 * a handful of recursive resolvers asking many authoritative servers (and a
 * share of clients asking the resolvers), IPv4 and IPv6, UDP and a share over
 * TCP (real streams: handshake, 2-byte length prefix, several messages per
 * connection, messages split across segments, FIN).  Responses use name
 * compression and carry A, AAAA, CNAME chains, NS with glue, MX, TXT, SRV,
 * PTR, SOA (negative answers), DS, DNSKEY and RRSIG, with EDNS OPT on most.
 * Names come from a pool of registered domains whose popularity follows a Zipf
 * law, so observations repeat like real traffic; with opts.unique every
 * response carries owner names (and addresses) never seen before.
 *
 * Output is a pure function of the options (same seed, same bytes).  The
 * generator allocates once in lb_gen_new() and never per packet.  DNS messages
 * are built by the generator's own writer, independent of src/dns.
 */
#ifndef LB_GEN_GEN_H
#define LB_GEN_GEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>

#include "util/err.h"

typedef struct lb_gen_opts {
	uint64_t packets;     /* frames to produce (exactly) */
	uint64_t seed;        /* default 1 */
	double tcp_share;     /* share of exchanges over TCP, 0..1; default 0.05 */
	double ipv6_share;    /* share of exchanges over IPv6, 0..1; default 0.25 */
	uint32_t names;       /* registered domains in the pool, >= 1; default 10000 */
	double zipf;          /* Zipf exponent of domain popularity, 0..5; default 1.0 */
	uint64_t start;       /* capture time of the first frame, Unix seconds; default 1700000000 */
	double rate;          /* frames per second of capture time, > 0; default 20000 */
	bool unique;          /* every response carries never-seen names and rdata */
	/* lb_gen_write_file/_mem only: called every 65536 frames written and at the
	 * end with the frames written so far (a progress line); may be NULL.  It
	 * does not change what is written. */
	void (*progress)(void *ctx, uint64_t frames);
	void *progress_ctx;
} lb_gen_opts_t;

/* What was produced (all counts are of frames or messages actually emitted). */
typedef struct lb_gen_counts {
	uint64_t frames;
	uint64_t bytes;         /* captured bytes of all frames */
	uint64_t queries;       /* DNS query messages */
	uint64_t responses;     /* DNS response messages */
	uint64_t udp_msgs;      /* messages carried over UDP */
	uint64_t tcp_msgs;      /* messages carried over TCP */
	uint64_t tcp_conns;     /* TCP connections (each handshake .. FIN) */
	uint64_t tcp_split;     /* TCP messages split across two segments */
	uint64_t ipv6_frames;
	uint64_t nxdomain;      /* responses with rcode NXDOMAIN */
	uint64_t servfail;      /* responses with rcode SERVFAIL */
	uint64_t nodata;        /* NOERROR responses with an empty answer */
	uint64_t cname_resp;    /* responses whose answer holds a CNAME chain */
	uint64_t dnssec_resp;   /* responses carrying RRSIG */
	uint64_t answer_rrs;    /* records in answer sections */
	uint64_t rrs;           /* records in answer+authority+additional (no OPT) */
	uint64_t by_qtype[8];   /* responses by question type, see LB_GEN_Q_* */
} lb_gen_counts_t;

enum { LB_GEN_Q_A, LB_GEN_Q_AAAA, LB_GEN_Q_MX, LB_GEN_Q_TXT, LB_GEN_Q_NS,
       LB_GEN_Q_SRV, LB_GEN_Q_PTR, LB_GEN_Q_OTHER };

typedef struct lb_gen lb_gen_t;

/* Fill opts with the defaults above (packets = 0). */
void lb_gen_opts_default(lb_gen_opts_t *opts);

/* Check options; returns 0 or LB_EINVAL (and a message in errbuf, >= 256 bytes). */
LB_WUR int lb_gen_opts_check(const lb_gen_opts_t *opts, char *errbuf);

/* Create a generator.  Returns 0, LB_EINVAL (bad options) or LB_ENOMEM. */
LB_WUR int lb_gen_new(const lb_gen_opts_t *opts, lb_gen_t **out);

/* NULL-safe. */
void lb_gen_free(lb_gen_t *g);

/*
 * Next Ethernet frame.  Returns 1 and sets *frame, *len and *ts (the frame stays
 * valid until the next call), or 0 once opts.packets frames were produced.
 */
int lb_gen_next(lb_gen_t *g, struct timeval *ts, const uint8_t **frame, size_t *len);

/* Counters so far.  Owned by g. */
const lb_gen_counts_t *lb_gen_counts(const lb_gen_t *g);

/*
 * Write a whole capture as a pcap file (libpcap, DLT_EN10MB).  path "-" is
 * stdout.  counts may be NULL.  Returns 0, LB_EINVAL, LB_ENOMEM or LB_EIO
 * (message in errbuf, >= 256 bytes).
 */
LB_WUR int lb_gen_write_file(const lb_gen_opts_t *opts, const char *path,
			     lb_gen_counts_t *counts, char *errbuf);

/*
 * Same into memory: *buf (malloc'd, caller frees with free()) holds a
 * complete pcap file of *len bytes.
 */
LB_WUR int lb_gen_write_mem(const lb_gen_opts_t *opts, uint8_t **buf, size_t *len,
			    lb_gen_counts_t *counts, char *errbuf);

/*
 * Building blocks, exported for the generator's own tests.
 *
 * A DNS message writer (lb_gen_msg_*): records are appended section by
 * section (answer, then authority, then additional); names are given in
 * uncompressed wire form and compressed against names already written when
 * asked to (owners and the names inside NS/CNAME/PTR/MX/SOA rdata, as real
 * servers do).  Any overflow of the caller's buffer is sticky: lb_gen_msg_end()
 * then returns LB_ESPACE.
 */
#define LB_GEN_MSG_PTRS 64  /* name positions remembered for compression */

typedef struct lb_gen_msg {
	uint8_t *buf;
	size_t cap, len;
	int err;
	uint16_t count[4];          /* qd, an, ns, ar */
	int section;                /* last section written (1..3), 0 = question */
	size_t rdlen_at;            /* offset of the open record's RDLENGTH, 0 = none */
	uint16_t nptr;
	uint16_t ptr[LB_GEN_MSG_PTRS];
} lb_gen_msg_t;

void lb_gen_msg_init(lb_gen_msg_t *m, uint8_t *buf, size_t cap, uint16_t id, uint16_t flags);
void lb_gen_msg_question(lb_gen_msg_t *m, const uint8_t *name, uint16_t type, uint16_t rclass);
/* section: 1 answer, 2 authority, 3 additional (never decreasing). */
void lb_gen_msg_rr_begin(lb_gen_msg_t *m, int section, const uint8_t *owner, uint16_t type,
			 uint16_t rclass, uint32_t ttl);
void lb_gen_msg_rr_end(lb_gen_msg_t *m);
void lb_gen_msg_name(lb_gen_msg_t *m, const uint8_t *name, bool compress);
void lb_gen_msg_u8(lb_gen_msg_t *m, uint8_t v);
void lb_gen_msg_u16(lb_gen_msg_t *m, uint16_t v);
void lb_gen_msg_u32(lb_gen_msg_t *m, uint32_t v);
void lb_gen_msg_bytes(lb_gen_msg_t *m, const void *p, size_t n);
/* EDNS OPT pseudo-record in the additional section. */
void lb_gen_msg_opt(lb_gen_msg_t *m, uint16_t udp_size, bool dnssec_ok);
/* Patch the header counts; returns the message length or LB_ESPACE / LB_EINVAL. */
LB_WUR int lb_gen_msg_end(lb_gen_msg_t *m);

/* Length of an uncompressed wire name (including the root byte), 0 if invalid. */
size_t lb_gen_name_len(const uint8_t *name);
/* "www.example.com" -> wire form in out (>= 256 bytes); returns length or LB_ETEXT. */
LB_WUR int lb_gen_name_from_text(const char *text, uint8_t *out);

/*
 * Frames: Ethernet + IPv4/IPv6 + UDP/TCP around a payload, with correct
 * lengths and checksums.  Addresses: IPv4 in the first 4 bytes.  Return the
 * frame length, or 0 if it would not fit in cap.
 */
typedef struct lb_gen_flow {
	uint8_t ipver;             /* 4 or 6 */
	uint8_t src[16], dst[16];
	uint16_t sport, dport;
} lb_gen_flow_t;

enum { LB_GEN_TCP_FIN = 0x01, LB_GEN_TCP_SYN = 0x02, LB_GEN_TCP_PSH = 0x08,
       LB_GEN_TCP_ACK = 0x10 };

size_t lb_gen_frame_udp(uint8_t *out, size_t cap, const lb_gen_flow_t *f, uint16_t ipid,
			const uint8_t *payload, size_t len);
size_t lb_gen_frame_tcp(uint8_t *out, size_t cap, const lb_gen_flow_t *f, uint16_t ipid,
			uint32_t seq, uint32_t ack, uint8_t flags, const uint8_t *payload,
			size_t len);

#endif
