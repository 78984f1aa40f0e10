/*
 * obs.h - observations: what a DNS response tells us, as RRsets.
 *
 * Every RRset of a response is observed under its own owner name: records are
 * grouped by (section, owner, type, class) - RRSIGs additionally by the type
 * they cover - deduplicated, and their rdata sorted in canonical order
 * (RFC 4034 6.3: memcmp of canonical wire rdata), so the same RRset always
 * yields the same bytes.  A CNAME chain is one RRset per link.
 *
 * Negative answers (NXDOMAIN, SERVFAIL, REFUSED, and NOERROR/NODATA: no record
 * of the asked type, or CNAME, at the qname or at the end of its CNAME chain in
 * the answer section, and an authority section that says so, RFC 2308 2.2: an
 * SOA, or with an empty answer section no NS either - NS without SOA is a
 * referral, and a chain without SOA an authoritative server's CNAME out of its
 * zone; a truncated response or one whose authority did not parse is never
 * NODATA) become negative observations, kept apart from resolutions - never
 * for a meta query (QTYPE 128-254: AXFR, IXFR, TKEY...), which asks for no
 * RRset, so that its REFUSED is no denial of the name.  With a
 * CNAME chain in the answer the denial is of the chain's last name (RFC 6604
 * 2.1): the names before it exist, and their CNAME rrsets are observed.  No client address is ever part of an observation.
 *
 * An IXFR response's answer is observed whole only in AXFR's form (an SOA,
 * the zone, the same SOA) or as the SOA alone; of differences (RFC 1995 4:
 * deletions and additions between SOAs) only the first SOA, the current one,
 * and of a message that opens without an SOA (a later one of a transfer)
 * nothing - unless the transfer's first message, seen on the same TCP
 * connection with the same id (scratch->flow), showed a zone; the records
 * left out are counted (drop reason ixfr_changes).
 */
#ifndef LB_OBSERVE_OBS_H
#define LB_OBSERVE_OBS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>

#include "dns/msg.h"
#include "util/err.h"
#include "util/stats.h"

typedef struct lb_obs_rrset {
	const uint8_t *owner;      /* canonical wire name */
	const uint8_t *bailiwick;  /* canonical wire zone, or NULL when unknown */
	const char *sensor;        /* sensor / source id, or NULL */
	const uint8_t *const *rdata; /* nrdata canonical rdatas, sorted, unique */
	const uint16_t *rdlen;
	size_t nrdata;
	struct timeval ts;
	uint32_t ttl;              /* smallest TTL in the set */
	uint16_t type;
	uint16_t rclass;
	uint16_t covered;          /* for RRSIG: the type covered; else 0 */
	uint8_t owner_len;
	uint8_t bailiwick_len;
	uint8_t section;           /* enum lb_section */
	bool unrelated;            /* an answer-section RRset off the question's
				    * chain: its owner is neither the qname nor
				    * a CNAME target on the chain from it (nor, for
				    * DNAME and its RRSIG, an ancestor of one; nor,
				    * for AXFR/IXFR, a name in the zone asked) -
				    * what a forged answer slips in */
	bool truncated;            /* the RRset of the last record of a response
				    * with TC set: it may have been cut short
				    * (RFC 2181 9), a set never served whole */
} lb_obs_rrset_t;

typedef struct lb_obs_neg {
	const uint8_t *qname;      /* canonical wire name the denial speaks of: the
				    * question's, or the end of its CNAME chain in the
				    * answer section (RFC 6604 2.1, RFC 2308 5) */
	const uint8_t *bailiwick;  /* or NULL */
	const char *sensor;
	struct timeval ts;
	uint16_t qtype;
	uint16_t qclass;
	uint16_t rcode;            /* NOERROR means NODATA */
	uint8_t qname_len;
	uint8_t bailiwick_len;
} lb_obs_neg_t;

/* Pointers inside an observation are valid only during the sink call. */
typedef struct lb_obs_sink {
	void (*rrset)(void *ctx, const lb_obs_rrset_t *o);
	void (*negative)(void *ctx, const lb_obs_neg_t *o);
	void *ctx;
} lb_obs_sink_t;

/* Working memory for grouping one message; reused across calls. */
/* A TCP connection's one direction: addresses (4 or 16 bytes used), ports. */
typedef struct lb_obs_flow {
	uint8_t ipver;
	uint8_t src[16], dst[16];
	uint16_t sport, dport;
} lb_obs_flow_t;

#define LB_OBS_XFR_MAX 16

typedef struct lb_obs_scratch {
	uint16_t order[LB_MSG_MAX_RRS];
	uint16_t tmp[LB_MSG_MAX_RRS];
	const uint8_t *rdata[LB_MSG_MAX_RRS];
	uint16_t rdlen[LB_MSG_MAX_RRS];
	/* The connection the next message came on (has_flow false: a datagram,
	 * or unknown), and the IXFR transfers whose first message was seen
	 * (their flow and id, the form that message showed, its time): a
	 * later message of the same transfer is read in that form (obs.c
	 * xfr_kind).  Zeroed: no flow, nothing remembered. */
	bool has_flow;
	lb_obs_flow_t flow;
	struct {
		lb_obs_flow_t flow;
		uint16_t id;
		uint8_t kind;
		int64_t sec;
	} xfr[LB_OBS_XFR_MAX];
	unsigned xfr_next;
} lb_obs_scratch_t;

/*
 * Is an answer RRset (owner, type, covered type for RRSIG) on the question's
 * chain - names[0..n): the qname and the CNAME targets reached from it?  Also
 * a DNAME (or its RRSIG) at an ancestor of one, and for a zone transfer
 * (qtype AXFR/IXFR) any name at or below the qname.  What `unrelated` is the
 * negation of; the import sources that log answers with owners use it too.
 */
bool lb_obs_related(const uint8_t *owner, size_t owner_len, uint16_t type, uint16_t covered,
		    const uint8_t *const *names, const uint8_t *lens, size_t n, uint16_t qtype);

/*
 * Turn a parsed response into observations handed to sink.  Queries (QR=0)
 * and opcodes other than QUERY produce nothing.  bailiwick (may be NULL)
 * applies to every RRset; sensor (may be NULL) is passed through.  Counts
 * rrsets, rrs and negatives in st (may be NULL).
 */
void lb_obs_from_msg(const lb_msg_t *msg, const struct timeval *ts, const uint8_t *bailiwick,
		     const char *sensor, lb_obs_scratch_t *scratch, const lb_obs_sink_t *sink,
		     lb_stats_t *st);

#endif
