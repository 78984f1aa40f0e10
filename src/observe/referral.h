/*
 * referral.h - reconstruct the bailiwick of responses seen on a resolver's
 * upstream side (packet capture), from the referrals seen.
 *
 * The tracker keeps a bounded table zone -> nameserver addresses (IPv4 and
 * IPv6), seeded from a root hints file (or lb_referral_add()), and learns:
 *  - referrals: a NOERROR response with AA clear, no answer records and an NS
 *    RRset in authority for a zone C strictly below the response's bailiwick Z
 *    with the qname at or below C, teaches C -> the addresses of the NS
 *    targets found as A/AAAA glue in additional; glue is accepted only if its
 *    owner is at or below Z (other glue is ignored and counted);
 *  - the zone's own NS RRset (owner == Z, answer or authority) teaches more NS
 *    names for Z, with their in-bailiwick glue;
 *  - A/AAAA answers at or below Z whose owner is a known NS name add that
 *    address to the zones it serves (out-of-bailiwick NS names).
 * Nothing is learned from a response whose bailiwick is unknown.
 *
 * For a response from server S to a query for N, the bailiwick is the deepest
 * known zone Z with N at or below Z and S among Z's addresses.  If there is
 * none, the bailiwick is unknown (callers then keep the answer section only)
 * and bailiwick_unknown is counted.
 *
 * A response is matched to its server only by source address: a forged
 * packet that carries a server's address and in-bailiwick data is not told
 * apart (no query/ID matching here).
 *
 * Memory is bounded: at most max_zones zones (each with at most max_addrs
 * addresses), max_ns NS-name links; all allocated (zeroed) at creation.  When
 * the zone table is full, a zone not used recently is evicted (CLOCK); zones
 * from the hints are never evicted.  Learned addresses carry their TTL:
 * lookups ignore an address more than ttl_grace seconds past its expiry (by
 * capture time); hints do not expire.
 *
 * One tracker per capture thread; not thread-safe.
 */
#ifndef LB_OBSERVE_REFERRAL_H
#define LB_OBSERVE_REFERRAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "dns/msg.h"
#include "util/err.h"

#define LB_REFERRAL_HINTS_DEFAULT "/usr/share/dns/root.hints"

typedef struct lb_referral lb_referral_t;

typedef struct lb_referral_opts {
	size_t max_zones;    /* default 4096 */
	size_t max_addrs;    /* per zone, default 32 (the root has 26) */
	size_t max_ns;       /* NS name -> zone links overall; default 4 * max_zones */
	uint32_t ttl_grace;  /* seconds an expired address is still used; default 3600 */
} lb_referral_opts_t;

typedef struct lb_referral_stats {
	uint64_t known;          /* responses given a bailiwick */
	uint64_t unknown;        /* responses from servers not known for the qname */
	uint64_t referrals;      /* referrals accepted (zone learned or refreshed) */
	uint64_t bad_referrals;  /* NS in authority not below the bailiwick, or not above the qname */
	uint64_t learned_zones;  /* zones created by learning */
	uint64_t learned_addrs;  /* addresses added to a zone by learning */
	uint64_t glue_ignored;   /* A/AAAA for an NS target outside the parent's bailiwick */
	uint64_t zones_evicted;  /* zones evicted to make room */
	uint64_t zones_refused;  /* zones not created: table full of hints */
	uint64_t addrs_refused;  /* addresses not added: zone full */
	uint64_t ns_replaced;    /* NS-name links overwritten (table full) */
	size_t zones;            /* zones in the table now */
} lb_referral_stats_t;

/* o may be NULL for defaults; zero fields take defaults.  LB_ENOMEM, LB_EINVAL. */
LB_WUR int lb_referral_new(const lb_referral_opts_t *o, lb_referral_t **out);
/* NULL-safe. */
void lb_referral_free(lb_referral_t *r);

/*
 * Seed from a root hints file (zone-file lines "OWNER [TTL] [IN] NS|A|AAAA
 * RDATA"; ';' comments).  Every NS line makes its owner a zone served by the
 * target; A/AAAA lines give the targets' addresses.  Such zones are pinned
 * (never evicted, never expire).  Returns 0, LB_ENOENT/-errno if the file
 * cannot be read, LB_ETEXT if a line does not parse (*line set to its number,
 * line may be NULL), LB_EINVAL if it yields no zone with an address.
 */
LB_WUR int lb_referral_load_hints(lb_referral_t *r, const char *path, int *line);

/* Pin one server address for zone (canonical wire name); ipver 4 or 6. */
LB_WUR int lb_referral_add(lb_referral_t *r, const uint8_t *zone, int ipver, const uint8_t *addr);

/*
 * The bailiwick of the DNS message data[0..len) received from address src
 * (ipver 4: first 4 bytes; 6: 16 bytes) at capture time now, or NULL.  Reads only the header and
 * the question (bounds-checked).  Counts known/unknown for responses (QR=1);
 * returns NULL without counting for queries and unparseable messages.  The
 * returned name is owned by r and valid until the next call.
 */
const uint8_t *lb_referral_bailiwick(lb_referral_t *r, const uint8_t *data, size_t len,
				     int ipver, const uint8_t *src, uint64_t now);

/* Same, for a canonical (lower-cased) wire name; no counting. */
const uint8_t *lb_referral_find(lb_referral_t *r, const uint8_t *qname, int ipver,
				const uint8_t *src, uint64_t now);

/*
 * Learn from a parsed response (msg from lb_proc_last()/lb_msg_parse) whose
 * bailiwick came from lb_referral_bailiwick() (NULL: nothing is learned);
 * now is the capture time (Unix seconds).
 */
void lb_referral_learn(lb_referral_t *r, const lb_msg_t *msg, const uint8_t *bailiwick,
		       uint64_t now);

void lb_referral_get_stats(const lb_referral_t *r, lb_referral_stats_t *st);
/* "bailiwick_<name> value" lines. */
void lb_referral_stats_print(const lb_referral_t *r, FILE *out);

#endif
