/*
 * suricata_impl.h - what the Suricata EVE reader's files share (private to
 * src/sources: suricata.c reads events, v2/v3/mDNS/LLMNR itself; suricata_v1.c
 * gathers the v1 events of one response): the members read, their text, the
 * records' text, the question's CNAME chain and the TC rule.
 */
#ifndef LB_SOURCES_SURICATA_IMPL_H
#define LB_SOURCES_SURICATA_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/time.h>

#include "sources/src_impl.h"
#include "util/digits.h"

/* Members the importer reads (their key tables are suricata.c's): of the dns
 * object (v1 answer fields included)... */
enum { D_TYPE, D_QUERIES, D_RRNAME, D_RRTYPE, D_RCODE, D_ANSWERS, D_GROUPED, D_AUTHORITIES,
       D_ADDITIONALS, D_RDATA, D_TTL, D_SOA, D_SRV, D_SSHFP, D_VERSION, D_ID, D_TC, D_FLAGS,
       D_RRNAME_TRUNC, D_RDATA_TRUNC, D_OPCODE, D__N };
/* ... of one answer object (same order as the tail of the dns object's:
 * src_eve_rr_text takes either) */
enum { A_RRNAME, A_RRTYPE, A_RDATA, A_TTL, A_SOA, A_SRV, A_SSHFP, A_RRNAME_TRUNC,
       A_RDATA_TRUNC, A__N };
/* ... and of the event */
enum { E_EVENT_TYPE, E_DNS, E_TIMESTAMP, E_FLOW_ID, E_MDNS, E_SPORT, E_DPORT, E_LLMNR, E__N };

/* Answer fields as token indexes (-1 = absent). */
typedef struct rr_toks {
	int rdata, soa, srv, sshfp;
} rr_toks_t;

/* String token x as NUL-terminated text in buf (cap bufsz), or NULL. */
static inline const char *tstr(const js_doc_t *d, int x, char *buf, size_t bufsz, size_t *len)
{
	size_t l;
	const char *t = js_str(d, x, buf, bufsz - 1, &l);
	if (!t || l >= bufsz || memchr(t, 0, l))
		return NULL;
	if (t != buf)
		memcpy(buf, t, l);
	buf[l] = 0;
	if (len)
		*len = l;
	return buf;
}

/* The header's flags: "flags" (hex without 0x, as Suricata writes them
 * from 4.1 on), or -1 when not logged.  dm: the dns object's members. */
static inline long eve_flags(const js_doc_t *d, const int *dm)
{
	char fb[16];
	size_t fl;
	const char *f = tstr(d, dm[D_FLAGS], fb, sizeof fb, &fl);
	long v = 0;
	if (!f || fl == 0 || fl > 4)
		return -1;
	for (size_t i = 0; i < fl; i++) {
		int x = lb_hex_digit(f[i]);
		if (x < 0)
			return -1;
		v = v * 16 + x;
	}
	return v;
}

/* The response's TC bit: "tc": true (Suricata writes it only when set),
 * or bit 0x0200 of "flags". */
static inline bool eve_truncated(const js_doc_t *d, const int *dm)
{
	if (js_type(d, dm[D_TC]) == JS_TRUE)
		return true;
	long v = eve_flags(d, dm);
	return v >= 0 && (v & 0x0200) != 0;
}

/* The type a token names (a mnemonic, TYPEnnn, a number, or one of
 * Suricata's own misspellings): 0 or -1. */
int src_eve_rrtype(const js_doc_t *d, int x, uint16_t *type);

/* Presentation text of one detailed answer object (x: its data members),
 * in buf (cap bufsz) or s->jbuf, *len its length; NULL if not
 * representable. */
const char *src_eve_rr_text(lb_src_t *s, const rr_toks_t *x, uint16_t type, char *buf,
			    size_t bufsz, size_t *len);

/* CNAME links followed, as on the packet path (observe/obs.c CHAIN_MAX). */
#define QCHAIN_MAX 16

/* The question's CNAME chain through the answers: name[0] is the qname,
 * name[k + 1] the target of the first CNAME owned by name[k]; end is the
 * name a denial speaks of (NULL: none).  Its names point into the
 * response's records. */
struct qchain {
	const uint8_t *name[QCHAIN_MAX + 1];
	uint8_t len[QCHAIN_MAX + 1];
	size_t n;
	const uint8_t *end;
	uint8_t end_len;
};

/* Does the answer section answer qname/qtype, at the name or at the end of
 * its CNAME chain?  ch: the chain followed; ch->end its last name (the qname
 * when there is no chain; NULL for a loop or a chain longer than
 * QCHAIN_MAX, which counts as answered and whose rcode speaks of no name) -
 * as observe/obs.c chain_walk does for packets. */
bool src_eve_answered(const src_resp_t *r, const uint8_t *qname, uint8_t qlen, uint16_t qtype,
		      struct qchain *ch);

/* A truncated message (TC) may have lost the end of its last RRset (RFC
 * 2181 9); which section held the message's last record is not always
 * logged, so the last RRset of every section is left out, as the packet
 * path leaves out the one it knows.  Returns whether any was. */
bool src_eve_drop_last_sets(src_resp_t *r);

/* suricata_v1.c: a v1 event of type "answer" (an RR of a response, or the
 * failure event of a failed one; ev, dm: the event's and its dns object's
 * members; t: its timestamp's text, ts its time), held until the events of
 * its response end. */
void src_eve_v1_answer(lb_src_t *s, const int *ev, const int *dm, const char *t,
		       const struct timeval *ts);
/* A v1 query event, remembered for the type of a failure event after it. */
void src_eve_v1_query(lb_src_t *s, const int *ev, const int *dm);
/* Emit the v1 response held, if any (an event of another response came). */
void src_eve_v1_flush(lb_src_t *s);

#endif
