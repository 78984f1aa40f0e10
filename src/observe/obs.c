/*
 * obs.c - group a parsed response into RRset observations and negative
 * observations.  See obs.h for the rules.
 */
#include "observe/obs.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "dns/name.h"
#include "dns/rrtype.h"

#define CHAIN_MAX 16 /* CNAME links of the question's chain followed (chain_walk) */

static inline int cmp_bytes(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	if (a == b && alen == blen)
		return 0; /* the parser shares one copy of a name used twice */
	size_t n = alen < blen ? alen : blen;
	int c = 0;
	if (n <= 16) { /* addresses and short names: no call */
		for (size_t i = 0; i < n; i++)
			if (a[i] != b[i])
				return a[i] < b[i] ? -1 : 1;
	} else {
		c = memcmp(a, b, n);
	}
	if (c)
		return c;
	return (alen > blen) - (alen < blen);
}

static inline uint16_t covered_of(const lb_rr_t *r)
{
	if (r->type == LB_T_RRSIG && r->rdlen >= 2)
		return (uint16_t)((r->rdata[0] << 8) | r->rdata[1]);
	return 0;
}

/* Order of RRsets: section, owner, type, class, covered type. */
static inline int key_cmp(const lb_rr_t *a, const lb_rr_t *b)
{
	if (a->section != b->section)
		return a->section < b->section ? -1 : 1;
	int c = cmp_bytes(a->owner, a->owner_len, b->owner, b->owner_len);
	if (c)
		return c;
	if (a->type != b->type)
		return a->type < b->type ? -1 : 1;
	if (a->rclass != b->rclass)
		return a->rclass < b->rclass ? -1 : 1;
	if (a->type != LB_T_RRSIG)
		return 0;
	uint16_t ca = covered_of(a), cb = covered_of(b);
	if (ca != cb)
		return ca < cb ? -1 : 1;
	return 0;
}

/* Order of records: the RRset's, then rdata (canonical order). */
static int rr_cmp(const lb_rr_t *a, const lb_rr_t *b)
{
	int c = key_cmp(a, b);
	if (c)
		return c;
	return cmp_bytes(a->rdata, a->rdlen, b->rdata, b->rdlen);
}

/* How a record relates to the one before it in canonical order. */
enum {
	REL_NEW_SET = 0,   /* the next RRset */
	REL_SAME_SET = 1,  /* same RRset, rdata after */
	REL_DUPLICATE = 2, /* same RRset, same rdata */
	REL_RDATA_UNORDERED = 3, /* same RRset, rdata before */
	REL_UNORDERED = 4, /* an RRset that sorts before */
};

static inline int relation(const lb_rr_t *prev, const lb_rr_t *r)
{
	int c = key_cmp(prev, r);
	if (c)
		return c < 0 ? REL_NEW_SET : REL_UNORDERED;
	c = cmp_bytes(prev->rdata, prev->rdlen, r->rdata, r->rdlen);
	return c < 0 ? REL_SAME_SET : c == 0 ? REL_DUPLICATE : REL_RDATA_UNORDERED;
}

static void insertion_sort(uint16_t *order, size_t n, const lb_rr_t *rr)
{
	for (size_t i = 1; i < n; i++) {
		uint16_t v = order[i];
		size_t j = i;
		while (j > 0 && rr_cmp(&rr[order[j - 1]], &rr[v]) > 0) {
			order[j] = order[j - 1];
			j--;
		}
		order[j] = v;
	}
}

/* Small messages: insertion sort (records usually arrive grouped already).
 * Large ones: bottom-up merge sort over runs of 16, in the caller's scratch
 * (no allocation, O(n log n) whatever the input). */
static void sort_order(uint16_t *order, uint16_t *tmp, size_t n, const lb_rr_t *rr)
{
	const size_t run = 16;
	for (size_t i = 0; i < n; i += run)
		insertion_sort(order + i, n - i < run ? n - i : run, rr);
	uint16_t *src = order, *dst = tmp;
	for (size_t w = run; w < n; w *= 2) {
		for (size_t lo = 0; lo < n; lo += 2 * w) {
			size_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
			size_t a = lo, b = mid, k = lo;
			while (a < mid && b < hi)
				dst[k++] = rr_cmp(&rr[src[b]], &rr[src[a]]) < 0 ? src[b++] : src[a++];
			while (a < mid)
				dst[k++] = src[a++];
			while (b < hi)
				dst[k++] = src[b++];
		}
		uint16_t *t = src;
		src = dst;
		dst = t;
	}
	if (src != order)
		memcpy(order, src, n * sizeof *order);
}

#define SET_SORT_MAX 16 /* sets sorted alone (sort_sets_by_rdata) up to this size */

/* One set of n (2..SET_SORT_MAX) records whose rdata are all 4 octets (A,
 * the usual unordered set: addresses in rotation), sorted as big-endian
 * words, which order as their bytes do; rel[1..n) set again.  False, and
 * nothing done, for any other set. */
static bool sort_words(uint16_t *order, uint16_t *rel, size_t n, const lb_rr_t *rr)
{
	uint32_t key[SET_SORT_MAX];
	for (size_t k = 0; k < n; k++) {
		const lb_rr_t *r = &rr[order[k]];
		if (r->rdlen != 4)
			return false;
		key[k] = (uint32_t)r->rdata[0] << 24 | (uint32_t)r->rdata[1] << 16 |
			 (uint32_t)r->rdata[2] << 8 | r->rdata[3];
	}
	for (size_t k = 1; k < n; k++) { /* insertion sort, stable as the other */
		uint32_t kv = key[k];
		uint16_t v = order[k];
		size_t j = k;
		for (; j > 0 && key[j - 1] > kv; j--) {
			key[j] = key[j - 1];
			order[j] = order[j - 1];
		}
		key[j] = kv;
		order[j] = v;
	}
	for (size_t k = 1; k < n; k++)
		rel[k] = key[k - 1] == key[k] ? REL_DUPLICATE : REL_SAME_SET;
	return true;
}

/* Records come with their RRsets grouped and in order, rel[] filled, but some
 * sets have their rdata out of order: sort those sets (order[] segments) by
 * rdata and set their relations again.  Sets longer than SET_SORT_MAX are left
 * to the whole sort (returns false then, nothing else is needed). */
static bool sort_sets_by_rdata(uint16_t *order, uint16_t *rel, size_t n, const lb_rr_t *rr)
{
	size_t s = 0;
	while (s < n) {
		size_t e = s + 1;
		bool sorted = true;
		for (; e < n && rel[e] != REL_NEW_SET; e++)
			if (rel[e] == REL_RDATA_UNORDERED)
				sorted = false;
		if (!sorted) {
			if (e - s > SET_SORT_MAX)
				return false;
			if (sort_words(order + s, rel + s, e - s, rr)) {
				s = e;
				continue;
			}
			for (size_t k = s + 1; k < e; k++) { /* insertion sort by rdata */
				uint16_t v = order[k];
				size_t j = k;
				while (j > s && cmp_bytes(rr[order[j - 1]].rdata, rr[order[j - 1]].rdlen,
							  rr[v].rdata, rr[v].rdlen) > 0) {
					order[j] = order[j - 1];
					j--;
				}
				order[j] = v;
			}
			for (size_t k = s + 1; k < e; k++) {
				const lb_rr_t *a = &rr[order[k - 1]], *b = &rr[order[k]];
				rel[k] = cmp_bytes(a->rdata, a->rdlen, b->rdata, b->rdlen) == 0 ?
						 REL_DUPLICATE : REL_SAME_SET;
			}
		}
		s = e;
	}
	return true;
}

static inline int name_eq(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	if (alen != blen)
		return 0;
	if (a == b)
		return 1; /* one copy: an owner that is the question's name (msg.h) */
	size_t i = 0;
	uint64_t x, y;
	if (alen >= 8) { /* eight bytes at a time, the last block overlapping */
		for (; alen - i > 8; i += 8) {
			memcpy(&x, a + i, 8);
			memcpy(&y, b + i, 8);
			if (x != y)
				return 0;
		}
		memcpy(&x, a + alen - 8, 8);
		memcpy(&y, b + alen - 8, 8);
		return x == y;
	}
	for (; i < alen; i++)
		if (a[i] != b[i])
			return 0;
	return 1;
}

/* The question's CNAME chain through the answer section: chain[0] is the
 * qname, chain[k + 1] the target of the first CNAME owned by chain[k]. */
struct chain {
	const uint8_t *name[CHAIN_MAX + 2];
	uint8_t len[CHAIN_MAX + 2];
	size_t n;
	const uint8_t *end; /* the name a denial speaks of (RFC 6604 2.1, RFC 2308 5);
			     * NULL when the chain has no end: a loop, or longer
			     * than CHAIN_MAX links */
	size_t end_len;
	int answered;       /* an answer to the question at a name of the chain */
};

/*
 * Follow the chain from the qname.  answered: the answer section holds the
 * asked type (or any, for ANY; the CNAME itself, for CNAME) at the qname or at
 * the chain's end; end: the chain's last name, the qname when there is no
 * chain.  A chain that loops or is longer than CHAIN_MAX counts as answered
 * (no NODATA) and has no end (an rcode speaks of no name of it: no denial is
 * recorded).  One pass over the records per link.
 */
static void chain_walk(const lb_msg_t *msg, struct chain *ch)
{
	const uint8_t *target = msg->qname;
	size_t tlen = msg->qname_len;
	ch->n = 0;
	ch->end = target;
	ch->end_len = tlen;
	ch->answered = 1;
	for (int hop = 0; hop <= CHAIN_MAX; hop++) {
		ch->name[ch->n] = target;
		ch->len[ch->n++] = (uint8_t)tlen;
		const lb_rr_t *next = NULL;
		for (size_t i = 0; i < msg->nrr; i++) {
			const lb_rr_t *r = &msg->rr[i];
			if (r->section != LB_SEC_ANSWER || !name_eq(r->owner, r->owner_len, target, tlen))
				continue;
			if (r->type == msg->qtype || msg->qtype == LB_T_ANY)
				goto done;
			if (r->type == LB_T_CNAME && !next && r->rdlen)
				next = r; /* (a CNAME without rdata - an UPDATE's
					   * deletion, kept there only - is no link) */
		}
		if (!next) {
			ch->answered = 0;
			goto done;
		}
		if (msg->qtype == LB_T_CNAME)
			goto done;
		/* CNAME rdata is exactly one canonical name */
		target = next->rdata;
		tlen = next->rdlen;
		for (size_t k = 0; k < ch->n; k++)
			if (name_eq(target, tlen, ch->name[k], ch->len[k]))
				goto endless;
	}
endless: /* a loop, or a chain this long: answered, not NODATA; no end */
	ch->end = NULL;
	ch->end_len = 0;
	return;
done:
	ch->end = target;
	ch->end_len = tlen;
}

/*
 * Is this NOERROR response without the answer a NODATA (RFC 2308 2.2)?  The
 * authority section decides, so it must have parsed whole: an SOA there says
 * so (NODATA types 1 and 2); with no answer record at all, an authority
 * without NS says so too (type 3), while NS without SOA is a referral (the
 * upstream side of a resolver sees one for most names it resolves).  A CNAME
 * chain that ends without the answer and without an SOA is no denial either:
 * it is what an authoritative server gives for a CNAME out of its zone, and
 * the resolver goes on at the target.
 */
static int is_nodata(const lb_msg_t *msg, const struct chain *ch)
{
	if (msg->complete < 2 || msg->tc || ch->answered)
		return 0;
	int soa = 0, ns = 0, answers = msg->ancount != 0; /* records skipped as bad count */
	for (size_t i = 0; i < msg->nrr; i++) {
		const lb_rr_t *r = &msg->rr[i];
		answers |= r->section == LB_SEC_ANSWER;
		if (r->section != LB_SEC_AUTHORITY)
			continue;
		soa |= r->type == LB_T_SOA;
		ns |= r->type == LB_T_NS;
	}
	return soa || (!answers && !ns);
}

/* lb_obs_related, inline for the loop of lb_obs_from_msg */
static inline bool related(const uint8_t *owner, size_t owner_len, uint16_t type, uint16_t covered,
			   const uint8_t *const *names, const uint8_t *lens, size_t n, uint16_t qtype)
{
	for (size_t c = 0; c < n; c++)
		if (name_eq(owner, owner_len, names[c], lens[c]))
			return true;
	if (type == LB_T_DNAME || (type == LB_T_RRSIG && covered == LB_T_DNAME)) {
		for (size_t c = 0; c < n; c++)
			if (lb_name_is_subdomain(names[c], owner))
				return true;
	}
	if (n && (qtype == LB_T_AXFR || qtype == LB_T_IXFR))
		return lb_name_is_subdomain(owner, names[0]);
	return false;
}

bool lb_obs_related(const uint8_t *owner, size_t owner_len, uint16_t type, uint16_t covered,
		    const uint8_t *const *names, const uint8_t *lens, size_t n, uint16_t qtype)
{
	return related(owner, owner_len, type, covered, names, lens, n, qtype);
}

/*
 * Which answer records of an IXFR response (RFC 1995 4) are observed: of the
 * first n records of msg->rr, the answer section is [*a_, *e_), and of it
 * [*from, *to) is observed; the rest is counted (ixfr_changes).  The
 * response is the zone's SOA alone (up to date), the whole zone between two
 * copies of that SOA (AXFR's form), or differences: the current SOA, then
 * for each version an SOA, the records deleted, an SOA and the records
 * added.  Differences hold no RRset - a deleted record is out of the zone,
 * an added one is part of an RRset whose other records are not sent, and
 * the SOA comes once per version - so of them only the first record, the
 * current SOA, is observed.  The whole-zone form is told by its shape: an
 * SOA first, the same SOA last and no other SOA between; or, the first
 * message of such a transfer in several, an SOA first and no other SOA,
 * with a record that is no SOA second (differences always open with two
 * SOAs: the current one, then the oldest version's, which opens its
 * deletions).  A message that opens with an SOA but has neither shape is
 * differences: its SOA alone.  One that does not open with an SOA is a
 * later message of a transfer (RFC 5936 2.2), of differences or of a zone,
 * which it does not say: nothing of it.
 */
static void ixfr_answers(const lb_msg_t *msg, size_t n, size_t *a_, size_t *e_, size_t *from,
			 size_t *to)
{
	size_t a = 0, e;
	while (a < n && msg->rr[a].section != LB_SEC_ANSWER)
		a++;
	for (e = a; e < n && msg->rr[e].section == LB_SEC_ANSWER; e++)
		;
	*a_ = a;
	*e_ = e;
	*from = *to = a;
	if (a == e || msg->rr[a].type != LB_T_SOA)
		return;
	const lb_rr_t *first = &msg->rr[a], *last = &msg->rr[e - 1];
	size_t soas = 0;
	for (size_t i = a; i < e; i++)
		soas += msg->rr[i].type == LB_T_SOA;
	bool whole = e - a == 1 || (soas == 1 && msg->rr[a + 1].type != LB_T_SOA) ||
		     (soas == 2 && last->type == LB_T_SOA &&
		      cmp_bytes(first->owner, first->owner_len, last->owner, last->owner_len) == 0 &&
		      cmp_bytes(first->rdata, first->rdlen, last->rdata, last->rdlen) == 0);
	*to = whole ? e : a + 1;
}

/*
 * A response without a question is a later message of a zone transfer (RFC
 * 5936 2.2: only the first must repeat the question): of an AXFR, whose
 * records are the zone's and whose one SOA copy among them closes the last
 * message, or of an IXFR (RFC 1995 4), where an SOA opens each version's
 * deletions and additions.  An SOA before the answer's last record, or two
 * of them, is therefore an IXFR's differences: none of its answer records
 * is an RRset (ixfr_answers).  A message with no SOA, or one SOA last, can
 * be either and is observed as a zone's.  [*a_, *e_): the answer section.
 */
static bool qless_differences(const lb_msg_t *msg, size_t n, size_t *a_, size_t *e_)
{
	size_t a = 0, e, soas = 0;
	while (a < n && msg->rr[a].section != LB_SEC_ANSWER)
		a++;
	for (e = a; e < n && msg->rr[e].section == LB_SEC_ANSWER; e++)
		soas += msg->rr[e].type == LB_T_SOA;
	*a_ = a;
	*e_ = e;
	return soas > 1 || (soas == 1 && msg->rr[e - 1].type != LB_T_SOA);
}

/*
 * The messages of one transfer over TCP share the connection and the id (RFC
 * 5936 2.2), and only the first shows which form an IXFR's answer takes
 * (ixfr_answers): a later message that does not open with an SOA can be of
 * a zone or of differences.  The first message's form is remembered per
 * (connection, id) while the transfer goes on (XFR_IDLE seconds between
 * its messages at most; LB_OBS_XFR_MAX transfers at once, the oldest
 * forgotten), and a later message is read in it: a zone's records are the
 * zone's RRsets, differences give nothing.  Without it (a datagram, the
 * first message not seen) the later message is read as before.
 */
enum { XFR_NONE, XFR_ZONE, XFR_DIFFS };
#define XFR_IDLE 120

static bool flow_eq(const lb_obs_flow_t *a, const lb_obs_flow_t *b)
{
	size_t al = a->ipver == 6 ? 16 : 4;
	return a->ipver == b->ipver && a->sport == b->sport && a->dport == b->dport &&
	       !memcmp(a->src, b->src, al) && !memcmp(a->dst, b->dst, al);
}

/* The remembered form of this message's transfer, or XFR_NONE; with kind
 * other than XFR_NONE, remember that form instead. */
static uint8_t xfr_kind(lb_obs_scratch_t *s, uint16_t id, int64_t sec, uint8_t kind)
{
	if (!s->has_flow)
		return XFR_NONE;
	for (unsigned i = 0; i < LB_OBS_XFR_MAX; i++) {
		if (!s->xfr[i].kind || s->xfr[i].id != id || !flow_eq(&s->xfr[i].flow, &s->flow))
			continue;
		if (kind == XFR_NONE && (sec < s->xfr[i].sec || sec - s->xfr[i].sec > XFR_IDLE))
			return XFR_NONE; /* another transfer's, long over */
		s->xfr[i].sec = sec;
		if (kind != XFR_NONE)
			s->xfr[i].kind = kind;
		return s->xfr[i].kind;
	}
	if (kind == XFR_NONE)
		return XFR_NONE;
	unsigned i = s->xfr_next++ % LB_OBS_XFR_MAX;
	s->xfr[i].flow = s->flow;
	s->xfr[i].id = id;
	s->xfr[i].kind = kind;
	s->xfr[i].sec = sec;
	return kind;
}

void lb_obs_from_msg(const lb_msg_t *msg, const struct timeval *ts, const uint8_t *bailiwick,
		     const char *sensor, lb_obs_scratch_t *scratch, const lb_obs_sink_t *sink,
		     lb_stats_t *st)
{
	if (!msg->qr || msg->opcode != 0)
		return;
	uint8_t bw_len = 0;
	if (bailiwick) {
		const uint8_t *p = bailiwick;
		while (*p)
			p += *p + 1;
		bw_len = (uint8_t)(p - bailiwick + 1);
	}

	/* the question's chain: for the denials and for what answers relate to */
	struct chain ch;
	ch.n = 0;
	if (msg->has_question)
		chain_walk(msg, &ch);

	/* negative observations: of a name and an RR type.  A meta query (a zone
	 * transfer, TKEY, MAILA/MAILB: QTYPEs 128-254; OPT; reserved 0) asks for
	 * no RRset: its REFUSED, NOTAUTH or SERVFAIL is a transfer or transaction
	 * policy, not a denial of a name's data (ANY, 255, is a query for data) */
	bool meta_q = lb_qtype_is_meta(msg->qtype);
	if (msg->has_question && sink->negative && !meta_q) {
		uint16_t rc = msg->rcode;
		int neg = 0;
		if (rc == LB_RCODE_NXDOMAIN || rc == LB_RCODE_SERVFAIL || rc == LB_RCODE_REFUSED)
			neg = 1;
		else if (rc == LB_RCODE_NOERROR && is_nodata(msg, &ch))
			neg = 1;
		if (neg && ch.end) {
			/* the rcode speaks of the chain's last name (RFC 6604 2.1): a
			 * name with a CNAME exists, and its own type is the CNAME */
			lb_obs_neg_t n = {
				.qname = ch.end, .qname_len = (uint8_t)ch.end_len,
				.qtype = msg->qtype, .qclass = msg->qclass, .rcode = rc,
				.bailiwick = bailiwick, .bailiwick_len = bw_len,
				.sensor = sensor, .ts = *ts,
			};
			sink->negative(sink->ctx, &n);
			if (st)
				st->negatives++;
		}
	}

	size_t n = msg->nrr;
	if (n == 0 || !sink->rrset)
		return;
	if (n > LB_MSG_MAX_RRS)
		n = LB_MSG_MAX_RRS;
	/* rel[j]: how record order[j] relates to order[j - 1].  Usually the
	 * records arrive with their RRsets grouped and in order, often with the
	 * rdata of a set out of order (addresses): checking that gives the
	 * relations too, and then only such small sets are sorted, by rdata. */
	const lb_rr_t *rr = msg->rr;
	uint16_t *order = scratch->order, *rel = scratch->tmp;
	bool sets_ordered = true, rdata_ordered = true;
	size_t skip_from = 0, skip_to = 0;
	size_t qa = 0, qe = 0;
	bool diffs = !msg->has_question &&
		     (qless_differences(msg, n, &qa, &qe) ||
		      xfr_kind(scratch, msg->id, ts->tv_sec, XFR_NONE) == XFR_DIFFS);
	if (diffs || (msg->has_question && msg->qtype == LB_T_IXFR)) {
		size_t a = qa, e = qe;
		if (diffs) {
			skip_from = skip_to = a; /* none of the answer */
		} else {
			ixfr_answers(msg, n, &a, &e, &skip_from, &skip_to);
			if (e - a > 1 && rr[a].type == LB_T_SOA) /* a transfer's first message */
				xfr_kind(scratch, msg->id, ts->tv_sec,
					 skip_to == e ? XFR_ZONE : XFR_DIFFS);
			else if (a < e && rr[a].type != LB_T_SOA &&
				 xfr_kind(scratch, msg->id, ts->tv_sec, XFR_NONE) == XFR_ZONE)
				skip_to = e; /* a later message of a zone's */
		}
		if (st)
			st->drops[LB_DROP_IXFR_CHANGES] += (e - a) - (skip_to - skip_from);
		size_t m = 0; /* observed: [0, a), [from, to) and [e, n) */
		for (size_t k = 0; k < n; k++)
			if ((k < a || k >= e) || (k >= skip_from && k < skip_to))
				order[m++] = (uint16_t)k;
		n = m;
		sets_ordered = false;
	}
	for (size_t k = 0; sets_ordered && k < n; k++)
		order[k] = (uint16_t)k;
	for (size_t k = 1; sets_ordered && k < n; k++) {
		int r = relation(&rr[k - 1], &rr[k]);
		if (r == REL_UNORDERED) {
			sets_ordered = false;
			break;
		}
		if (r == REL_RDATA_UNORDERED)
			rdata_ordered = false;
		rel[k] = (uint16_t)r;
	}
	if (sets_ordered && !rdata_ordered)
		sets_ordered = sort_sets_by_rdata(order, rel, n, rr);
	if (!sets_ordered) {
		sort_order(order, scratch->tmp, n, rr); /* tmp is the merge buffer */
		for (size_t k = 1; k < n; k++)
			rel[k] = (uint16_t)relation(&rr[order[k - 1]], &rr[order[k]]);
	}

	/* what all the message's RRsets share, set once */
	lb_obs_rrset_t o = {
		.bailiwick = bailiwick, .bailiwick_len = bw_len, .sensor = sensor,
		.rdata = scratch->rdata, .rdlen = scratch->rdlen, .ts = *ts,
	};
	/* TC: the last record's set may be partial (RFC 2181 9) - a server
	 * truncates at the end; the sets before it are whole.  So may it be
	 * when the parse stopped at a limit of ours (msg.h cut). */
	size_t last = msg->tc || msg->cut ? msg->nrr - 1 : SIZE_MAX;
	size_t i = 0;
	while (i < n) {
		const lb_rr_t *first = &rr[order[i]];
		bool cut = order[i] == last;
		uint32_t ttl = first->ttl;
		scratch->rdata[0] = first->rdata;
		scratch->rdlen[0] = first->rdlen;
		size_t nr = 1, j = i + 1;
		for (; j < n && rel[j] != REL_NEW_SET; j++) {
			const lb_rr_t *r = &rr[order[j]];
			cut |= order[j] == last;
			if (r->ttl < ttl)
				ttl = r->ttl;
			if (rel[j] == REL_DUPLICATE)
				continue; /* duplicate RR in the set */
			scratch->rdata[nr] = r->rdata;
			scratch->rdlen[nr] = r->rdlen;
			nr++;
		}
		o.owner = first->owner;
		o.owner_len = first->owner_len;
		o.nrdata = nr;
		o.ttl = ttl;
		o.type = first->type;
		o.rclass = first->rclass;
		o.covered = covered_of(first);
		o.section = first->section;
		o.unrelated = ch.n && o.section == LB_SEC_ANSWER &&
			      !related(o.owner, o.owner_len, o.type, o.covered, ch.name, ch.len,
				       ch.n, msg->qtype);
		o.truncated = cut;
		sink->rrset(sink->ctx, &o);
		if (st) {
			st->rrsets++;
			st->rrs += nr;
		}
		i = j;
	}
}
