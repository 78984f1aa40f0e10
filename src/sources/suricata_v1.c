/*
 * suricata_v1.c - Suricata's EVE v1 dns events, one per RR, gathered into
 * the response they came from.  suricata.c reads each event and hands the
 * v1 ones here (src_eve_v1_answer, src_eve_v1_query); what the two files
 * share is suricata_impl.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/name.h"
#include "dns/rrtype.h"
#include "observe/obs.h"
#include "sources/eve_text.h"
#include "sources/suricata.h"
#include "sources/suricata_impl.h"

/*
 * v1 (Suricata 2.0 to 6 with "version 1"): one event per RR, type "answer",
 * without a "version" member: rrname, rrtype, ttl and rdata are the RR's own
 * (no rdata for the types v1 does not render: NS and SOA in Suricata 5-6).
 * Every answer RR of a response is an event, and so is every authority RR,
 * logged the same way; a failed response (rcode not NOERROR) logs first one
 * event with the question's name but not its type (v1_fail), then its
 * authorities - and between them, by the C logger only (before Rust), its
 * answers (v1_fail_end).  The events of one response come one after the
 * other with the same timestamp, flow_id, id and rcode: they are held and
 * emitted together, so that an RRset of several records is one RRset (each
 * event was an RRset of its own: sets that never existed).  An event
 * without rdata is an RR whose data is not logged (lossy), never a denial.
 */
#define V1_KEY 192
#define V1_LOSSY 16
/* authority SOAs of a failed response kept (v1_fail_flush) */
#define V1_SOAS 4
/* v1 query events remembered for the failure events after them (src_eve_v1_query) */
#define V1_QUERIES 64

typedef struct v1_query {
	int64_t flow, id;
	uint16_t qtype;
	uint8_t len; /* 0: an empty slot */
	uint8_t name[LB_NAME_MAX];
} v1_query_t;

/* The v1 response being gathered in s->resp (s->work[LB_FMT_SURICATA]). */
typedef struct eve_v1 {
	bool pending;
	char key[V1_KEY];
	size_t keylen;
	struct timeval ts;
	/* RRsets with a record not logged whole: left out at the end */
	uint8_t lossy_owner[V1_LOSSY][LB_NAME_MAX];
	uint8_t lossy_len[V1_LOSSY];
	uint16_t lossy_type[V1_LOSSY];
	size_t nlossy;
	bool lossy_all; /* more lossy RRsets than the list holds */
	bool cut;       /* a record whose owner Suricata cut was left out */
	bool tc;        /* the response was truncated (src_eve_drop_last_sets) */
	/* a failed response: its question's name and rcode (v1_fail) */
	bool fail;
	/* the owners of its authority SOAs (logged without their data) */
	uint8_t soa_owner[V1_SOAS][LB_NAME_MAX];
	size_t nsoa;
	bool soa_many; /* more than the list holds */
	uint16_t fail_rcode;
	uint16_t fail_qtype; /* from the question's query event (src_eve_v1_query); 0: unknown */
	uint8_t fail_qlen;
	uint8_t fail_qname[LB_NAME_MAX];
	/* the last V1_QUERIES query events, a ring */
	v1_query_t q[V1_QUERIES];
	size_t qnext;
} eve_v1_t;

static eve_v1_t *v1_work(lb_src_t *s)
{
	if (!s->work[LB_FMT_SURICATA])
		s->work[LB_FMT_SURICATA] = calloc(1, sizeof(eve_v1_t));
	return s->work[LB_FMT_SURICATA];
}

static void v1_mark_lossy(eve_v1_t *w, const uint8_t *owner, uint8_t len, uint16_t type)
{
	if (w->nlossy == V1_LOSSY) {
		w->lossy_all = true;
		return;
	}
	memcpy(w->lossy_owner[w->nlossy], owner, len);
	w->lossy_len[w->nlossy] = len;
	w->lossy_type[w->nlossy++] = type;
}

static bool v1_lossy(const eve_v1_t *w, const src_rr_t *x)
{
	if (w->lossy_all)
		return true;
	for (size_t k = 0; k < w->nlossy; k++)
		if (w->lossy_type[k] == x->type && w->lossy_len[k] == x->owner_len &&
		    !memcmp(w->lossy_owner[k], x->owner, x->owner_len))
			return true;
	return false;
}

/*
 * The name a failed response's rcode speaks of: the last name of the
 * question's CNAME chain (RFC 6604 2.1), into *end - the question's name
 * unless the chain was logged.  Suricata's C logger (2.0 to 4.1 without
 * Rust: src/output-json-dns.c LogAnswers) writes the answers of a failed
 * response after its failure event, each with the response's rcode; the
 * Rust one writes only the authorities.  The chain's CNAMEs are the
 * response's answers, and go back to the answer section (v1_rr took every
 * record of a failed response for an authority; v1 logs no DNAME data).  As on the packet path (observe/obs.c chain_walk): not
 * followed for QTYPE CNAME or ANY; false for a chain that loops or is
 * longer than QCHAIN_MAX, which leaves the rcode speaking of no name.
 */
static bool v1_fail_end(lb_src_t *s, eve_v1_t *w, const uint8_t **end, uint8_t *end_len)
{
	src_resp_t *r = s->resp;
	const uint8_t *name[QCHAIN_MAX + 1];
	uint8_t len[QCHAIN_MAX + 1];
	size_t n = 0;
	const uint8_t *t = w->fail_qname;
	uint8_t tl = w->fail_qlen;
	bool ended = false;
	bool follow = w->fail_qtype != LB_T_CNAME && w->fail_qtype != LB_T_ANY;
	while (n <= QCHAIN_MAX) {
		name[n] = t;
		len[n++] = tl;
		const src_rr_t *next = NULL;
		for (size_t i = 0; i < r->n && !next; i++) {
			const src_rr_t *x = &r->rr[i];
			if (x->type == LB_T_CNAME && x->rdlen && x->owner_len == tl &&
			    !memcmp(x->owner, t, tl) && !v1_lossy(w, x))
				next = x;
		}
		if (!next || !follow) {
			ended = true;
			break;
		}
		t = next->rd;
		tl = (uint8_t)next->rdlen;
		bool loop = false;
		for (size_t k = 0; k < n; k++)
			loop |= len[k] == tl && !memcmp(name[k], t, tl);
		if (loop)
			break;
	}
	for (size_t i = 0; i < r->n; i++) {
		src_rr_t *x = &r->rr[i];
		if (x->type == LB_T_CNAME &&
		    lb_obs_related(x->owner, x->owner_len, x->type, x->covered, name, len, n, 0))
			x->section = LB_SEC_ANSWER;
	}
	*end = t;
	*end_len = tl;
	return ended;
}

/* Is an authority SOA of the failed response of a zone name is not in? */
static bool v1_soa_off(const eve_v1_t *w, const uint8_t *name)
{
	bool off = w->soa_many;
	for (size_t k = 0; k < w->nsoa; k++)
		off |= !lb_name_is_subdomain(name, w->soa_owner[k]);
	return off;
}

/*
 * The denial of a held failed response, of the last name of its question's
 * chain (v1_fail_end).  Its event names the question but not the
 * question's type.
 *  - NXDOMAIN says the name does not exist, whatever the type asked: it is
 *    stored as a denial of the name for QTYPE ANY (255), which holds for
 *    every type (obs.h: a negative is keyed by name, type and rcode; no
 *    type is invented for it).  Unless an authority SOA is of a zone the
 *    name is not in: then the denial was of a chain's end elsewhere that
 *    the log does not show (a CNAME out of the zone, in the Rust logger's
 *    events), and the name itself exists - nothing stored (lossy_answer).
 *    A chain the log does not show that stays in the name's zone cannot
 *    be told; it is the one case read wrongly (a misconfiguration: a
 *    CNAME to a name its own zone lacks).
 *  - SERVFAIL and REFUSED speak of the query, type included (a server may
 *    fail one type and answer another): without the type, nothing is
 *    stored (lossy_answer); other rcodes are other_rcode, as elsewhere.
 */
static void v1_fail_flush(lb_src_t *s, eve_v1_t *w)
{
	uint16_t rc = w->fail_rcode;
	bool denial = rc == LB_RCODE_NXDOMAIN || rc == LB_RCODE_SERVFAIL || rc == LB_RCODE_REFUSED;
	const uint8_t *end;
	uint8_t end_len;
	bool ok = v1_fail_end(s, w, &end, &end_len) && !v1_soa_off(w, end);
	if (denial && w->fail_qtype && ok) {
		/* the type from the question's query event (src_eve_v1_query) */
		src_negative(s, end, end_len, w->fail_qtype, rc, &w->ts);
		s->c.records++;
	} else if (rc == LB_RCODE_NXDOMAIN && ok) {
		src_negative(s, end, end_len, LB_T_ANY, rc, &w->ts);
		s->c.records++;
	} else {
		src_skip(s, denial ? LB_SKIP_LOSSY : LB_SKIP_RCODE);
	}
	w->fail = false;
	w->nsoa = 0;
	w->soa_many = false;
}

/* Emit the held v1 response, without its lossy RRsets. */
void src_eve_v1_flush(lb_src_t *s)
{
	eve_v1_t *w = s->work[LB_FMT_SURICATA];
	if (!w || !w->pending)
		return;
	if (w->fail)
		v1_fail_flush(s, w);
	src_resp_t *r = s->resp;
	/* Suricata writes each character-string of a TXT record as an answer of
	 * its own: a TXT owner with several cannot be told from several records */
	for (size_t i = 0; i < r->n; i++) {
		const src_rr_t *x = &r->rr[i];
		if (x->type != LB_T_TXT && x->type != LB_T_SPF)
			continue;
		for (size_t j = 0; j < i; j++)
			if (r->rr[j].type == x->type && r->rr[j].owner_len == x->owner_len &&
			    !memcmp(r->rr[j].owner, x->owner, x->owner_len)) {
				if (!v1_lossy(w, x))
					v1_mark_lossy(w, x->owner, x->owner_len, x->type);
				break;
			}
	}
	size_t k = 0;
	for (size_t i = 0; i < r->n; i++)
		if (!v1_lossy(w, &r->rr[i]))
			r->rr[k++] = r->rr[i];
	bool lossy = w->nlossy || w->lossy_all || w->cut || k < r->n;
	r->n = k;
	if (r->n && r->rr[0].section == LB_SEC_ANSWER) {
		/* answers come first, then the authorities, all alike: the
		 * first record's owner is the question's name; a record off its
		 * CNAME chain after the chain's last record is an authority, one
		 * before it an answer off the chain (flagged, as on packets) */
		struct qchain ch;
		(void)src_eve_answered(r, r->rr[0].owner, r->rr[0].owner_len, 0, &ch);
		size_t last = 0;
		for (size_t i = 0; i < r->n; i++)
			if (lb_obs_related(r->rr[i].owner, r->rr[i].owner_len, r->rr[i].type,
					   r->rr[i].covered, ch.name, ch.len, ch.n, 0))
				last = i;
		for (size_t i = 0; i < r->n; i++) {
			src_rr_t *x = &r->rr[i];
			if (lb_obs_related(x->owner, x->owner_len, x->type, x->covered, ch.name, ch.len,
					   ch.n, 0))
				continue;
			if (i < last)
				x->unrelated = true;
			else
				x->section = LB_SEC_AUTHORITY;
		}
	}
	if (w->tc && src_eve_drop_last_sets(r))
		lossy = true;
	if (lossy)
		src_skip(s, LB_SKIP_LOSSY);
	resp_emit(s, r, &w->ts, NULL, NULL);
	w->pending = false;
	w->nlossy = 0;
	w->lossy_all = false;
	w->cut = false;
	w->tc = false;
}

void src_suricata_end(lb_src_t *s)
{
	src_eve_v1_flush(s);
}

/* One v1 RR event (dm: its dns members; key: what ties it to its response). */
static void v1_rr(lb_src_t *s, const int *dm, const char *key, size_t keylen,
		  const struct timeval *ts)
{
	const js_doc_t *d = &s->js;
	eve_v1_t *w = v1_work(s);
	if (!w)
		return (void)src_bad(s, LB_BAD_TOO_LONG);
	if (w->pending && (keylen != w->keylen || memcmp(key, w->key, keylen)))
		src_eve_v1_flush(s);
	if (!w->pending)
		resp_reset(s->resp);
	char nb[2048], rb[32];
	size_t nl, rl;
	uint16_t type, rcode = 0;
	const char *nm = js_str(d, dm[D_RRNAME], nb, sizeof nb, &nl);
	if (!nm)
		return (void)src_bad(s, LB_BAD_FIELDS);
	if (src_eve_rrtype(d, dm[D_RRTYPE], &type))
		return (void)src_bad(s, LB_BAD_TYPE);
	const char *rc = tstr(d, dm[D_RCODE], rb, sizeof rb, &rl);
	if (rc && src_rcode(rc, rl, &rcode))
		return (void)src_bad(s, LB_BAD_TYPE);
	if (js_type(d, dm[D_RRNAME_TRUNC]) == JS_TRUE) {
		/* Suricata cut the owner's name (it flags it: longer than a name
		 * can be, or its pointers loop): no RRset of a name this record
		 * could belong to; left out, its response counted lossy */
		if (!w->pending) {
			memcpy(w->key, key, keylen);
			w->keylen = keylen;
			w->ts = *ts;
			w->pending = true;
		}
		w->cut = true;
		return;
	}
	uint8_t owner[LB_NAME_MAX];
	char pb[4 * LB_NAME_MAX + 8];
	nm = src_eve_name(nm, &nl, pb, sizeof pb);
	int ol = nm ? src_name_c(s->resp, nm, nl, owner) : -1;
	if (ol < 0)
		return (void)src_bad(s, LB_BAD_NAME);
	if (!w->pending) {
		memcpy(w->key, key, keylen);
		w->keylen = keylen;
		w->ts = *ts;
		w->pending = true;
	}
	w->tc |= eve_truncated(d, dm);
	if (type == LB_T_OPT)
		return;
	/* (with or without its data logged) */
	if (w->fail && type == LB_T_SOA) {
		if (w->nsoa < V1_SOAS)
			memcpy(w->soa_owner[w->nsoa++], owner, (size_t)ol);
		else
			w->soa_many = true;
	}
	char tb[40000];
	size_t xl;
	rr_toks_t rt = { dm[D_RDATA], dm[D_SOA], dm[D_SRV], dm[D_SSHFP] };
	const char *x = src_eve_rr_text(s, &rt, type, tb, sizeof tb, &xl);
	if (!x || js_type(d, dm[D_RDATA_TRUNC]) == JS_TRUE) { /* (a cut name in the rdata) */
		v1_mark_lossy(w, owner, (uint8_t)ol, type);
		return;
	}
	int64_t tv = 0;
	if (js_int(d, dm[D_TTL], &tv) || tv < 0 || tv > UINT32_MAX)
		tv = 0;
	/* a failed response logs its authorities only */
	uint8_t sec = rcode == LB_RCODE_NOERROR ? LB_SEC_ANSWER : LB_SEC_AUTHORITY;
	int err = resp_add_text(s->resp, owner, (uint8_t)ol, type, LB_C_IN, (uint32_t)tv, sec, x, xl,
				NULL);
	if (err == LB_ELIMIT) {
		src_eve_v1_flush(s);
		resp_reset(s->resp);
		return (void)src_bad(s, LB_BAD_FIELDS);
	}
	if (err)
		return (void)src_bad(s, LB_BAD_RDATA);
	s->c.records++;
}

/*
 * A v1 query event (type "query": id, rrname, rrtype, tx_id; rust/src/dns/
 * log.rs dns_log_query): remembered, flow, id, name and type, so that a
 * failure event of the same flow, id and name (v1_fail), which names the
 * question without its type, gets it.  Suricata logs a query when it has
 * read it, before the response (one flow, one thread).  Without a flow_id
 * nothing is remembered: the 16-bit id and the name alone could pair
 * another client's query.
 */
void src_eve_v1_query(lb_src_t *s, const int *ev, const int *dm)
{
	const js_doc_t *d = &s->js;
	int64_t flow, id;
	uint16_t qtype;
	char nb[2048], pb[4 * LB_NAME_MAX + 8];
	size_t nl;
	if (js_int(d, ev[E_FLOW_ID], &flow) || js_int(d, dm[D_ID], &id) ||
	    src_eve_rrtype(d, dm[D_RRTYPE], &qtype) || js_type(d, dm[D_RRNAME_TRUNC]) == JS_TRUE)
		return;
	const char *nm = js_str(d, dm[D_RRNAME], nb, sizeof nb, &nl);
	nm = nm ? src_eve_name(nm, &nl, pb, sizeof pb) : NULL;
	eve_v1_t *w = nm ? v1_work(s) : NULL;
	if (!w)
		return;
	v1_query_t *q = &w->q[w->qnext++ % V1_QUERIES];
	int l = src_name_c(s->resp, nm, nl, q->name);
	q->len = l > 0 ? (uint8_t)l : 0;
	q->flow = flow;
	q->id = id;
	q->qtype = qtype;
}

/* The type of the question (qname) of a v1 failure event of this flow
 * and id: the type its query events gave, or 0 when none was seen or
 * they gave more than one. */
static uint16_t v1_query_type(const eve_v1_t *w, int64_t flow, int64_t id, const uint8_t *qname,
			      uint8_t qlen)
{
	uint16_t t = 0;
	for (size_t i = 0; i < V1_QUERIES; i++) {
		const v1_query_t *q = &w->q[i];
		if (!q->len || q->flow != flow || q->id != id || q->len != qlen ||
		    memcmp(q->name, qname, qlen))
			continue;
		if (t && t != q->qtype)
			return 0;
		t = q->qtype;
	}
	return t;
}

/* The event of a v1 failed response: type "answer", id, rcode and the
 * question's rrname, nothing else (Suricata's rust/src/dns/log.rs,
 * dns_log_json_failure_v1).  Held as the start of its response: the
 * authority events that follow tell where its denial lies (v1_fail_flush);
 * the question's type is its query event's (src_eve_v1_query), when logged.
 * flow: the event's flow_id, -1 without one. */
static void v1_fail(lb_src_t *s, const int *dm, const char *key, size_t keylen, int64_t flow,
		    const struct timeval *ts)
{
	const js_doc_t *d = &s->js;
	eve_v1_t *w = v1_work(s);
	if (!w)
		return (void)src_bad(s, LB_BAD_TOO_LONG);
	src_eve_v1_flush(s);
	resp_reset(s->resp);
	char nb[2048], rb[32];
	size_t nl, rl;
	uint16_t rcode = 0;
	const char *rc = tstr(d, dm[D_RCODE], rb, sizeof rb, &rl);
	if (rc && src_rcode(rc, rl, &rcode))
		return (void)src_bad(s, LB_BAD_TYPE);
	if (rcode == LB_RCODE_NOERROR) {
		src_skip(s, LB_SKIP_QUERY); /* (no failure: Suricata writes none such) */
		return;
	}
	if (js_type(d, dm[D_RRNAME_TRUNC]) == JS_TRUE) {
		/* the question's name was cut: nothing to place a denial on */
		src_skip(s, LB_SKIP_LOSSY);
		return;
	}
	const char *nm = js_str(d, dm[D_RRNAME], nb, sizeof nb, &nl);
	if (!nm)
		return (void)src_bad(s, LB_BAD_FIELDS);
	char pb[4 * LB_NAME_MAX + 8];
	nm = src_eve_name(nm, &nl, pb, sizeof pb);
	int ol = nm ? src_name_c(s->resp, nm, nl, w->fail_qname) : -1;
	if (ol < 0)
		return (void)src_bad(s, LB_BAD_NAME);
	memcpy(w->key, key, keylen);
	w->keylen = keylen;
	w->ts = *ts;
	w->pending = true;
	w->fail = true;
	w->nsoa = 0;
	w->soa_many = false;
	w->fail_rcode = rcode;
	w->fail_qlen = (uint8_t)ol;
	int64_t id;
	w->fail_qtype = flow >= 0 && js_int(d, dm[D_ID], &id) == 0
		? v1_query_type(w, flow, id, w->fail_qname, (uint8_t)ol) : 0;
}

void src_eve_v1_answer(lb_src_t *s, const int *ev, const int *dm, const char *t,
		       const struct timeval *ts)
{
	const js_doc_t *d = &s->js;
	char key[V1_KEY], rb[32];
	int64_t flow = -1, id = -1;
	(void)js_int(d, ev[E_FLOW_ID], &flow);
	(void)js_int(d, dm[D_ID], &id);
	const char *rc = tstr(d, dm[D_RCODE], rb, sizeof rb, NULL);
	int kl = snprintf(key, sizeof key, "%s|%lld|%lld|%s", t, (long long)flow, (long long)id,
			  rc ? rc : "");
	if (kl < 0 || (size_t)kl >= sizeof key)
		kl = 0; /* (a timestamp of 64 bytes at most: cannot happen) */
	if (dm[D_RRTYPE] >= 0)
		v1_rr(s, dm, key, (size_t)kl, ts);
	else
		v1_fail(s, dm, key, (size_t)kl, flow, ts);
}
