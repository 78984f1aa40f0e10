/*
 * suricata.c - Suricata EVE JSON importer (event_type "dns").
 *
 *  v1 (one event per RR, no "version"): dns.type "answer" with rrname/rrtype/rdata
 *     of the RR itself; the events of one response are gathered by
 *     suricata_v1.c (src_eve_v1_answer).
 *  v2 (Suricata 5-7): dns.type "answer", dns.rrname/rrtype = the question,
 *     "answers" [{rrname, rrtype, ttl, rdata | soa | srv | sshfp}] (detailed)
 *     and/or "grouped" {TYPE: [rdata...]} (no owners: src_chain), plus
 *     "authorities".
 *  v3 (Suricata 8): dns.type "response", "queries" [{rrname, rrtype}],
 *     "answers", "authorities", "additionals" as above.
 *  mdns (Suricata 8) and llmnr (Suricata 9): event_type "mdns"/"llmnr",
 *     records with their data under the type's name (mdns_event); the
 *     first llmnr logger's records as v3 writes them.
 * Requests (type "query"/"request") and other event types are skipped.
 *
 * Suricata writes some types lossily (MX and NAPTR without their numbers,
 * NULL as escaped text...): an RRset with such a record is left out whole
 * (counted as lossy_answer) rather than stored incomplete.
 */
#include "sources/suricata.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "dns/rdata.h"
#include "dns/rrtype.h"
#include "observe/obs.h"
#include "sources/eve_text.h"
#include "sources/suricata_impl.h"

#define EVE_MAX 512

/* The keys of the members read (suricata_impl.h D_, A_, E_): of the dns object... */
static const js_key_t dns_keys[D__N] = {
	JS_KEY("type"), JS_KEY("queries"), JS_KEY("rrname"), JS_KEY("rrtype"), JS_KEY("rcode"),
	JS_KEY("answers"), JS_KEY("grouped"), JS_KEY("authorities"), JS_KEY("additionals"),
	JS_KEY("rdata"), JS_KEY("ttl"), JS_KEY("soa"), JS_KEY("srv"), JS_KEY("sshfp"),
	JS_KEY("version"), JS_KEY("id"), JS_KEY("tc"), JS_KEY("flags"),
	JS_KEY("rrname_truncated"), JS_KEY("rdata_truncated"), JS_KEY("opcode"),
};
/* ... of one answer object */
static const js_key_t ans_keys[A__N] = {
	JS_KEY("rrname"), JS_KEY("rrtype"), JS_KEY("rdata"), JS_KEY("ttl"), JS_KEY("soa"),
	JS_KEY("srv"), JS_KEY("sshfp"), JS_KEY("rrname_truncated"), JS_KEY("rdata_truncated"),
};
/* ... and of the event */
static const js_key_t ev_keys[E__N] = {
	JS_KEY("event_type"), JS_KEY("dns"), JS_KEY("timestamp"), JS_KEY("flow_id"),
	JS_KEY("mdns"), JS_KEY("src_port"), JS_KEY("dest_port"), JS_KEY("llmnr"),
};

/* A string member as NUL-terminated text in buf (cap bufsz), or NULL. */
static const char *mstr(const js_doc_t *d, int o, const char *key, char *buf, size_t bufsz,
			size_t *len)
{
	return tstr(d, js_get(d, o, key), buf, bufsz, len);
}

/* An SOA or SRV name member as text for the name parsers, in buf (cap
 * bufsz): "." for the root (eve_name). */
static const char *mname(const js_doc_t *d, int o, const char *key, char *buf, size_t bufsz)
{
	char nb[2048];
	size_t l;
	const char *t = src_eve_name(js_str(d, js_get(d, o, key), nb, sizeof nb, &l), &l, buf, bufsz);
	if (!t || l >= bufsz)
		return NULL;
	if (t != buf)
		memmove(buf, t, l);
	buf[l] = 0;
	return buf;
}

static long long mint(const js_doc_t *d, int o, const char *key)
{
	int64_t v;
	return js_int(d, js_get(d, o, key), &v) ? 0 : (long long)v;
}

int src_eve_rrtype(const js_doc_t *d, int x, uint16_t *type)
{
	static const struct {
		char s[6];
		uint8_t len;
		uint16_t type;
	} common[] = {
		{ "A", 1, LB_T_A }, { "AAAA", 4, LB_T_AAAA }, { "CNAME", 5, LB_T_CNAME },
		{ "NS", 2, LB_T_NS }, { "PTR", 3, LB_T_PTR }, { "SOA", 3, LB_T_SOA },
		{ "MX", 2, LB_T_MX }, { "TXT", 3, LB_T_TXT }, { "SRV", 3, LB_T_SRV },
	};
	if (js_type(d, x) == JS_STR && !d->t[x].esc) {
		/* the usual mnemonics without the table walk */
		const char *t = d->s + d->t[x].start;
		for (size_t i = 0; i < sizeof common / sizeof common[0]; i++)
			if (d->t[x].len == common[i].len && !memcmp(t, common[i].s, common[i].len)) {
				*type = common[i].type;
				return 0;
			}
	}
	if (src_js_rrtype(d, x, type) == 0)
		return 0;
	/* Suricata's own misspellings (rust/src/dns/log.rs dns_rrtype_string) */
	static const struct {
		char s[8];
		uint16_t type;
	} eve_names[] = { { "CDSNKEY", 60 /* CDNSKEY */ }, { "NSAPPT", 23 /* NSAP-PTR */ },
			  { "ND", 3 /* MD */ } };
	char buf[8];
	size_t l;
	const char *t = js_str(d, x, buf, sizeof buf, &l);
	if (!t)
		return -1;
	for (size_t i = 0; i < sizeof eve_names / sizeof eve_names[0]; i++)
		if (l == strlen(eve_names[i].s) && !strncasecmp(t, eve_names[i].s, l)) {
			*type = eve_names[i].type;
			return 0;
		}
	return -1;
}

const char *src_eve_rr_text(lb_src_t *s, const rr_toks_t *x, uint16_t type, char *buf,
			    size_t bufsz, size_t *len)
{
	const js_doc_t *d = &s->js;
	int o;
	size_t dl;
	const char *rd = js_str(d, x->rdata, s->jbuf, s->jbuf_cap, &dl);
	char a[1024], b[1024];
	int n = -1;
	switch (type) {
	case LB_T_CNAME: case LB_T_NS: case LB_T_PTR: case LB_T_DNAME:
		rd = src_eve_name(rd, &dl, buf, bufsz);
		/* fall through */
	case LB_T_A: case LB_T_AAAA:
		if (!rd)
			return NULL;
		*len = dl;
		return rd;
	case LB_T_MX:
		/* Suricata logs only the exchange; accept it if a preference is present */
		if (!rd || !memchr(rd, ' ', dl))
			return NULL;
		*len = dl;
		return rd;
	case LB_T_SOA:
		o = x->soa;
		if (js_type(d, o) != JS_OBJ || !mname(d, o, "mname", a, sizeof a) ||
		    !mname(d, o, "rname", b, sizeof b))
			return NULL;
		n = snprintf(buf, bufsz, "%s %s %lld %lld %lld %lld %lld", a, b, mint(d, o, "serial"),
			     mint(d, o, "refresh"), mint(d, o, "retry"), mint(d, o, "expire"),
			     mint(d, o, "minimum"));
		break;
	case LB_T_SRV:
		o = x->srv;
		if (js_type(d, o) != JS_OBJ || !mname(d, o, "name", a, sizeof a))
			return NULL;
		n = snprintf(buf, bufsz, "%lld %lld %lld %s", mint(d, o, "priority"),
			     mint(d, o, "weight"), mint(d, o, "port"), a);
		break;
	case LB_T_SSHFP: {
		o = x->sshfp;
		size_t fl;
		const char *fp = js_type(d, o) == JS_OBJ ? mstr(d, o, "fingerprint", a, sizeof a, &fl) : NULL;
		if (!fp)
			return NULL;
		n = snprintf(buf, bufsz, "%lld %lld ", mint(d, o, "algo"), mint(d, o, "type"));
		for (size_t i = 0; i < fl && n > 0 && (size_t)n + 1 < bufsz; i++)
			if (fp[i] != ':')
				buf[n++] = fp[i];
		if (n > 0 && (size_t)n < bufsz)
			buf[n] = 0;
		break;
	}
	case LB_T_TXT: case LB_T_SPF: {
		/* one character-string per 255 bytes, quoted; an mDNS event's
		 * array is the record's strings (one record, all its strings) */
		bool arr = js_type(d, x->rdata) == JS_ARR;
		size_t o2 = 0, ns = arr ? d->t[x->rdata].n : 1;
		int e = arr ? x->rdata + 1 : -1;
		if (ns == 0)
			return NULL;
		for (size_t j = 0; j < ns; j++, e = arr ? (int)d->t[e].next : e) {
			if (arr && !(rd = js_str(d, e, s->jbuf, s->jbuf_cap, &dl)))
				return NULL;
			if (!rd || dl > 16000 || (arr && dl > 255))
				return NULL;
			/* (text with a backslash had JSON escapes: rd is jbuf, undone in place) */
			dl = src_eve_bytes(rd, dl, s->jbuf, &rd);
			for (size_t i = 0; i < dl || i == 0; i += 255) {
				if (o2 + 4 > bufsz)
					return NULL;
				if (o2)
					buf[o2++] = ' ';
				buf[o2++] = '"';
				for (size_t k = i; k < dl && k < i + 255; k++) {
					unsigned char ch = (unsigned char)rd[k];
					if (o2 + 6 > bufsz)
						return NULL;
					if (ch == '"' || ch == '\\') {
						buf[o2++] = '\\';
						buf[o2++] = (char)ch;
					} else if (ch < 0x20 || ch > 0x7e) {
						o2 += (size_t)snprintf(buf + o2, bufsz - o2, "\\%03u", ch);
					} else {
						buf[o2++] = (char)ch;
					}
				}
				buf[o2++] = '"';
				if (dl == 0)
					break;
			}
		}
		buf[o2] = 0;
		*len = o2;
		return buf;
	}
	default:
		return NULL;
	}
	if (n < 0 || (size_t)n >= bufsz)
		return NULL;
	*len = (size_t)n;
	return buf;
}

/* An mDNS record's type and data (rust/src/mdns/log.rs): the member named
 * after its type in lower case, beside rrname and the truncation flags.
 * Its value token in *val; 0 or -1. */
static int mdns_rr(const js_doc_t *d, int x, uint16_t *type, int *val)
{
	static const char *const known[] = { "rrname", "rrname_truncated", "rdata_truncated" };
	int k = x + 1;
	for (uint32_t m = 0; m < d->t[x].n; m++, k = (int)d->t[k + 1].next) {
		bool other = true;
		for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
			other &= !(d->t[k].len == strlen(known[i]) && !d->t[k].esc &&
				   !memcmp(d->s + d->t[k].start, known[i], d->t[k].len));
		if (other) {
			*val = k + 1;
			return src_eve_rrtype(d, k, type);
		}
	}
	return -1;
}

/* Add a detailed answers/authorities/additionals array (token arr, may be
 * -1); mdns: of an mDNS or LLMNR event, whose records are mdns_rr's - but
 * for a record with an "rrtype" member, which is the DNS logger's
 * detailed form (the first LLMNR logger's, rust/src/llmnr/logger.rs). */
static int add_section(lb_src_t *s, int arr, uint8_t section, bool *lossy, bool mdns)
{
	const js_doc_t *d = &s->js;
	if (arr < 0)
		return 0;
	if (js_type(d, arr) != JS_ARR)
		return src_bad(s, LB_BAD_FIELDS);
	size_t n = d->t[arr].n;
	if (n > EVE_MAX)
		return src_bad(s, LB_BAD_FIELDS);
	char buf[40000], nb[2048], pb[4 * LB_NAME_MAX + 8];
	uint8_t skip_owner[16][LB_NAME_MAX];
	uint8_t skip_len[16];
	uint16_t skip_type[16];
	size_t nskip = 0;
	bool skip_all = false; /* more lossy RRsets than the list holds */
	/* TXT owners met: Suricata logs each character-string of a TXT record
	 * as an answer of its own, so a TXT RRset of several answers cannot be
	 * told from one record of several strings - lossy too */
	uint8_t txt_owner[16][LB_NAME_MAX];
	uint8_t txt_len[16];
	uint16_t txt_type[16];
	size_t ntxt = 0;
	/* each item's members, found once */
	int m[EVE_MAX][A__N];
	uint16_t types[EVE_MAX];
	bool mform[EVE_MAX]; /* the record is in mdns_rr's form */
	/* pass 1: find RRsets with a record we cannot represent */
	int x = arr + 1;
	for (size_t i = 0; i < n; i++, x = (int)d->t[x].next) {
		uint16_t type;
		size_t nl, tl;
		js_members(d, x, ans_keys, A__N, m[i]);
		const char *nm = js_type(d, x) == JS_OBJ ? js_str(d, m[i][A_RRNAME], nb, sizeof nb, &nl) : NULL;
		mform[i] = mdns && m[i][A_RRTYPE] < 0;
		if (nm && mform[i]) {
			int v = -1;
			if (mdns_rr(d, x, &type, &v))
				return src_bad(s, v < 0 ? LB_BAD_FIELDS : LB_BAD_TYPE);
			m[i][A_RDATA] = m[i][A_SOA] = m[i][A_SRV] = m[i][A_SSHFP] = v;
			m[i][A_TTL] = -1; /* (not logged) */
		} else if (!nm || src_eve_rrtype(d, m[i][A_RRTYPE], &type)) {
			return src_bad(s, nm ? LB_BAD_TYPE : LB_BAD_FIELDS);
		}
		types[i] = type;
		if (type == LB_T_OPT)
			continue;
		if (js_type(d, m[i][A_RRNAME_TRUNC]) == JS_TRUE) {
			/* Suricata cut a name too long to be one (it flags it): the
			 * record cannot be stored, the rest of the section can */
			*lossy = true;
			types[i] = LB_T_OPT; /* (passed over below too) */
			continue;
		}
		rr_toks_t rt = { m[i][A_RDATA], m[i][A_SOA], m[i][A_SRV], m[i][A_SSHFP] };
		bool bad = !src_eve_rr_text(s, &rt, type, buf, sizeof buf, &tl) ||
			   js_type(d, m[i][A_RDATA_TRUNC]) == JS_TRUE;
		uint8_t w[LB_NAME_MAX];
		nm = src_eve_name(nm, &nl, pb, sizeof pb);
		int l = nm ? src_name(nm, nl, NULL, w) : -1;
		if (l < 0)
			return src_bad(s, LB_BAD_NAME);
		if (!bad && (type == LB_T_TXT || type == LB_T_SPF) && !mform[i]) {
			size_t k = 0;
			while (k < ntxt && !(txt_type[k] == type && txt_len[k] == l &&
					     !memcmp(txt_owner[k], w, (size_t)l)))
				k++;
			if (k < ntxt) {
				bad = true; /* a second answer of this TXT owner */
			} else if (ntxt < 16) {
				memcpy(txt_owner[ntxt], w, (size_t)l);
				txt_len[ntxt] = (uint8_t)l;
				txt_type[ntxt++] = type;
			} else {
				bad = true; /* (cannot tell: treated as lossy) */
			}
		}
		if (bad) {
			*lossy = true;
			if (nskip < 16) {
				memcpy(skip_owner[nskip], w, (size_t)l);
				skip_len[nskip] = (uint8_t)l;
				skip_type[nskip++] = type;
			} else {
				skip_all = true;
			}
		}
	}
	for (size_t i = 0; i < n; i++) {
		uint16_t type = types[i];
		size_t nl, tl;
		if (type == LB_T_OPT)
			continue;
		const char *nm = js_str(d, m[i][A_RRNAME], nb, sizeof nb, &nl);
		uint8_t owner[LB_NAME_MAX];
		nm = src_eve_name(nm, &nl, pb, sizeof pb);
		int l = nm ? src_name_c(s->resp, nm, nl, owner) : -1;
		if (l < 0)
			return src_bad(s, LB_BAD_NAME);
		bool skip = skip_all;
		for (size_t k = 0; k < nskip; k++)
			if (skip_type[k] == type && skip_len[k] == l && !memcmp(skip_owner[k], owner, (size_t)l))
				skip = true;
		rr_toks_t rt = { m[i][A_RDATA], m[i][A_SOA], m[i][A_SRV], m[i][A_SSHFP] };
		const char *t = skip ? NULL : src_eve_rr_text(s, &rt, type, buf, sizeof buf, &tl);
		if (!t)
			continue;
		int64_t tv = 0;
		if (js_int(d, m[i][A_TTL], &tv) || tv < 0 || tv > UINT32_MAX)
			tv = 0;
		int err = resp_add_text(s->resp, owner, (uint8_t)l, type, LB_C_IN, (uint32_t)tv, section,
					t, tl, NULL);
		if (err == LB_ELIMIT)
			return src_bad(s, LB_BAD_FIELDS);
		if (err)
			return src_bad(s, LB_BAD_RDATA);
	}
	return 0;
}

bool src_eve_answered(const src_resp_t *r, const uint8_t *qname, uint8_t qlen, uint16_t qtype,
		      struct qchain *ch)
{
	const uint8_t *t = qname;
	uint8_t tl = qlen;
	ch->n = 0;
	ch->end = qname;
	ch->end_len = qlen;
	for (int hop = 0; hop <= QCHAIN_MAX; hop++) {
		ch->name[ch->n] = t;
		ch->len[ch->n++] = tl;
		const src_rr_t *next = NULL;
		bool hit = false;
		for (size_t i = 0; i < r->n; i++) {
			const src_rr_t *x = &r->rr[i];
			if (x->section != LB_SEC_ANSWER || x->owner_len != tl || memcmp(x->owner, t, tl))
				continue;
			if (x->type == qtype || qtype == LB_T_ANY)
				hit = true;
			if (x->type == LB_T_CNAME && !next && x->rdlen)
				next = x;
		}
		if (hit || !next || qtype == LB_T_CNAME) {
			ch->end = t;
			ch->end_len = tl;
			return hit || next;
		}
		t = next->rd;
		tl = (uint8_t)next->rdlen;
	}
	ch->end = NULL; /* (a loop, or longer: of no name) */
	ch->end_len = 0;
	return true;
}

/* Flag the answers off the question's chain (what a forged response slips in). */
static void mark_unrelated(src_resp_t *r, const struct qchain *ch, uint16_t qtype)
{
	for (size_t i = 0; i < r->n; i++) {
		src_rr_t *x = &r->rr[i];
		x->unrelated = x->section == LB_SEC_ANSWER &&
			       !lb_obs_related(x->owner, x->owner_len, x->type, x->covered, ch->name,
					       ch->len, ch->n, qtype);
	}
}

/*
 * A NOERROR response without the answer (src_eve_answered() false): is it a denial
 * (NODATA, RFC 2308 2.2)?  As the packet path (observe/obs.c): an SOA in
 * authorities says so; NS there without SOA and no answer is a referral (an
 * upstream capture logs many); a CNAME chain ending without SOA is an
 * authoritative server's CNAME out of its zone - but only when the event
 * logs authorities at all (auth_logged), else nothing tells it apart.
 */
static bool denial(const src_resp_t *r, bool auth_logged)
{
	bool soa = false, ns = false, answers = false;
	for (size_t i = 0; i < r->n; i++) {
		const src_rr_t *x = &r->rr[i];
		answers |= x->section == LB_SEC_ANSWER;
		if (x->section == LB_SEC_AUTHORITY) {
			soa |= x->type == LB_T_SOA;
			ns |= x->type == LB_T_NS;
		}
	}
	if (soa)
		return true;
	if (!answers)
		return !ns;
	return !auth_logged;
}

/* grouped {TYPE: [rdata...]}: answers without owners; nodata: src_chain's
 * (SRC_ND_*). */
static void grouped(lb_src_t *s, int g, const uint8_t *qname, uint8_t qlen, uint16_t qtype,
		    uint16_t rcode, unsigned nodata, const struct timeval *ts)
{
	const js_doc_t *d = &s->js;
	src_ans_t a[EVE_MAX];
	size_t n = 0, used = 0;
	/* CNAMEs first (their array keeps message order), then the rest */
	for (int pass = 0; pass < 2; pass++) {
		int k = g + 1;
		for (uint32_t m = 0; m < d->t[g].n; m++, k = (int)d->t[k + 1].next) {
			uint16_t type;
			int arr = k + 1;
			if (src_eve_rrtype(d, k, &type) || js_type(d, arr) != JS_ARR) {
				src_bad(s, LB_BAD_TYPE);
				return;
			}
			if ((pass == 0) != (type == LB_T_CNAME))
				continue;
			if (type != LB_T_A && type != LB_T_AAAA && type != LB_T_CNAME &&
			    type != LB_T_NS && type != LB_T_PTR) {
				src_skip(s, LB_SKIP_LOSSY);
				return;
			}
			int x = arr + 1;
			for (size_t i = 0; i < d->t[arr].n; i++, x = (int)d->t[x].next) {
				if (js_type(d, x) != JS_STR || n == EVE_MAX ||
				    (d->t[x].esc && (type == LB_T_A || type == LB_T_AAAA))) {
					src_bad(s, LB_BAD_FIELDS);
					return;
				}
				a[n].text = d->s + d->t[x].start;
				a[n].len = d->t[x].len;
				if (type != LB_T_A && type != LB_T_AAAA) {
					/* a name's text for the parsers, kept in jbuf
					 * until the chain is read */
					char nb[2048];
					size_t l;
					char *at = s->jbuf + used;
					const char *t = src_eve_name(js_str(d, x, nb, sizeof nb, &l), &l, at,
								 s->jbuf_cap - used);
					if (t && t != at)
						t = l <= s->jbuf_cap - used ? memcpy(at, t, l) : NULL;
					if (!t) {
						src_bad(s, LB_BAD_NAME);
						return;
					}
					used += l;
					a[n].len = l;
					a[n].text = t;
				}
				a[n].type = type;
				a[n].ttl = 0;
				a[n].wire = NULL;
				a[n].wire_len = 0;
				n++;
			}
		}
	}
	src_chain(s, qname, qlen, qtype, rcode, a, n, false, nodata, ts);
}

/* The opcode: "opcode" (v3, and v2 from Suricata 7), else bits 11-14 of
 * "flags"; 0 (QUERY) when neither is logged. */
static long eve_opcode(const js_doc_t *d, const int *dm)
{
	int64_t v;
	if (js_int(d, dm[D_OPCODE], &v) == 0)
		return (long)v;
	long f = eve_flags(d, dm);
	return f >= 0 ? (f >> 11) & 0xf : 0;
}

bool src_eve_drop_last_sets(src_resp_t *r)
{
	bool dropped = false;
	for (uint8_t sec = LB_SEC_ANSWER; sec <= LB_SEC_ADDITIONAL; sec++) {
		const src_rr_t *last = NULL;
		for (size_t i = 0; i < r->n; i++)
			if (r->rr[i].section == sec)
				last = &r->rr[i];
		if (!last)
			continue;
		src_rr_t key = *last;
		size_t k = 0;
		for (size_t i = 0; i < r->n; i++) {
			const src_rr_t *x = &r->rr[i];
			if (x->section == key.section && x->type == key.type && x->covered == key.covered &&
			    x->owner_len == key.owner_len && !memcmp(x->owner, key.owner, key.owner_len))
				continue;
			r->rr[k++] = *x;
		}
		dropped |= k < r->n;
		r->n = k;
	}
	return dropped;
}

/* The question of an event, its name qn (ql bytes, as Suricata writes it;
 * NULL: none) and its type member qt: into qname, *qlen (-1 without one) and
 * *qtype.  False when the name or type is bad (counted). */
static bool event_question(lb_src_t *s, const js_doc_t *d, const char *qn, size_t ql, int qt,
			   uint8_t *qname, int *qlen, uint16_t *qtype)
{
	char pb[4 * LB_NAME_MAX + 8];
	*qlen = -1;
	*qtype = 0;
	if (!qn)
		return true;
	if (src_eve_rrtype(d, qt, qtype)) {
		src_bad(s, LB_BAD_TYPE);
		return false;
	}
	qn = src_eve_name(qn, &ql, pb, sizeof pb);
	if (!qn || (*qlen = src_name_c(s->resp, qn, ql, qname)) < 0) {
		src_bad(s, LB_BAD_NAME);
		return false;
	}
	return true;
}

/*
 * Suricata 8's mDNS events (event_type "mdns", rust/src/mdns/log.rs): as v3
 * responses, but a record's data is the member named after its type in
 * lower case (mdns_rr; "txt" an array: the record's strings), no TTL (0, as
 * Route 53's) and rcode a number.  Stored as the packet path stores mDNS:
 * a question's chain rule when there is one, no denial (RFC 6762 6: none
 * but NSEC), a non-zero rcode ignored (18.11), TC ignored between port-5353
 * peers (18.5).
 *
 * Suricata 9's LLMNR events (event_type "llmnr", rust/src/llmnr/log.rs) are
 * written the same way (flags "c", "tc", "t"; no rcode at all), and stored
 * as the packet path stores LLMNR (capture --llmnr): as DNS, a TC response
 * losing its last RRset (RFC 4795 2.1.1: TC means truncated, as in RFC
 * 1035), so llmnr: TC counts whatever the ports.  With no rcode logged an
 * NXDOMAIN cannot be told from an empty NOERROR: no denial from either.
 * The first LLMNR logger (rust/src/llmnr/logger.rs, before Suricata 9's
 * log.rs) wrote its records as the DNS logger's detailed answers (rrtype,
 * ttl, rdata; add_section tells them by "rrtype"), "grouped" beside them,
 * "flags" as hex and "tc": true (eve_truncated() reads both), the object
 * under "llmnr" - at first under "dns".
 * obj: the event's "mdns" or "llmnr" object.
 */
static void mdns_event(lb_src_t *s, const int *ev, int obj, bool llmnr)
{
	const js_doc_t *d = &s->js;
	src_resp_t *r = s->resp;
	char buf[64], nb[2048];
	int dm[D__N];
	int64_t rc = 0, sp = 0, dp = 0;
	js_members(d, obj, dns_keys, D__N, dm);
	const char *type = tstr(d, dm[D_TYPE], buf, sizeof buf, NULL);
	if (!type || strcmp(type, "response"))
		return src_skip(s, LB_SKIP_QUERY);
	if (eve_opcode(d, dm) != 0)
		return src_skip(s, LB_SKIP_NOT_DNS);
	if (dm[D_RCODE] >= 0 && (js_int(d, dm[D_RCODE], &rc) || rc != 0))
		return src_skip(s, LB_SKIP_RCODE);
	struct timeval ts;
	size_t tl, ql;
	const char *t = tstr(d, ev[E_TIMESTAMP], buf, sizeof buf, &tl);
	if (!t || src_time_any(t, tl, &ts))
		return (void)src_bad(s, LB_BAD_TIME);
	resp_reset(r);
	uint16_t qtype;
	uint8_t qname[LB_NAME_MAX];
	int qlen, qm[2] = { -1, -1 };
	if (js_type(d, dm[D_QUERIES]) == JS_ARR && d->t[dm[D_QUERIES]].n > 0)
		js_members(d, js_item(d, dm[D_QUERIES], 0), ans_keys, 2, qm);
	const char *qn = js_str(d, qm[0], nb, sizeof nb, &ql);
	if (!event_question(s, d, qn, ql, qm[1], qname, &qlen, &qtype))
		return;
	bool lossy = false, tc = eve_truncated(d, dm);
	if (llmnr && dm[D_ANSWERS] < 0 && js_type(d, dm[D_GROUPED]) == JS_OBJ) {
		/* the first logger's grouped answers alone (it writes them
		 * beside the detailed ones; never alone unless cut down) */
		if (tc || qlen < 0)
			return src_skip(s, tc ? LB_SKIP_LOSSY : LB_SKIP_AMBIGUOUS);
		if (add_section(s, dm[D_AUTHORITIES], LB_SEC_AUTHORITY, &lossy, true) ||
		    add_section(s, dm[D_ADDITIONALS], LB_SEC_ADDITIONAL, &lossy, true))
			return resp_reset(r);
		resp_emit(s, r, &ts, NULL, NULL);
		if (lossy)
			src_skip(s, LB_SKIP_LOSSY);
		/* no rcode: no denial */
		return grouped(s, dm[D_GROUPED], qname, (uint8_t)qlen, qtype, 0, 0, &ts);
	}
	if (add_section(s, dm[D_ANSWERS], LB_SEC_ANSWER, &lossy, true) ||
	    add_section(s, dm[D_AUTHORITIES], LB_SEC_AUTHORITY, &lossy, true) ||
	    add_section(s, dm[D_ADDITIONALS], LB_SEC_ADDITIONAL, &lossy, true))
		return resp_reset(r);
	if (js_type(d, dm[D_FLAGS]) == JS_ARR) {
		int e = dm[D_FLAGS] + 1;
		for (uint32_t i = 0; i < d->t[dm[D_FLAGS]].n; i++, e = (int)d->t[e].next)
			tc |= d->t[e].len == 2 && !memcmp(d->s + d->t[e].start, "tc", 2);
	}
	(void)js_int(d, ev[E_SPORT], &sp);
	(void)js_int(d, ev[E_DPORT], &dp);
	if (tc && (llmnr || !(sp == 5353 && dp == 5353)) && src_eve_drop_last_sets(r))
		lossy = true;
	if (qlen >= 0) {
		struct qchain ch;
		(void)src_eve_answered(r, qname, (uint8_t)qlen, qtype, &ch);
		mark_unrelated(r, &ch, qtype);
	}
	if (lossy)
		src_skip(s, LB_SKIP_LOSSY);
	if (r->n || !lossy)
		s->c.records++;
	resp_emit(s, r, &ts, NULL, NULL);
}

void src_suricata_line(lb_src_t *s, const char *line, size_t len)
{
	if (len == 0)
		return;
	if (src_jscan(s, line, len))
		return;
	const js_doc_t *d = &s->js;
	src_resp_t *r = s->resp;
	char buf[64];
	int ev[E__N], dm[D__N];
	js_members(d, 0, ev_keys, E__N, ev);
	int dn = ev[E_DNS];
	const char *et = tstr(d, ev[E_EVENT_TYPE], buf, sizeof buf, NULL);
	/* (events of other types leave a held v1 response alone: another
	 * thread's may come between its events) */
	if (et && !strcmp(et, "mdns") && js_type(d, ev[E_MDNS]) == JS_OBJ)
		return mdns_event(s, ev, ev[E_MDNS], false);
	if (et && !strcmp(et, "llmnr") && js_type(d, ev[E_LLMNR]) == JS_OBJ)
		return mdns_event(s, ev, ev[E_LLMNR], true);
	if (et && !strcmp(et, "llmnr") && js_type(d, dn) == JS_OBJ)
		return mdns_event(s, ev, dn, true); /* (the first LLMNR logger's) */
	if (!et || strcmp(et, "dns") || js_type(d, dn) != JS_OBJ) {
		src_skip(s, LB_SKIP_NOT_DNS);
		return;
	}
	js_members(d, dn, dns_keys, D__N, dm);
	const char *type = tstr(d, dm[D_TYPE], buf, sizeof buf, NULL);
	if (!type || (strcmp(type, "answer") && strcmp(type, "response"))) {
		if (type && !strcmp(type, "query") && dm[D_VERSION] < 0)
			src_eve_v1_query(s, ev, dm);
		src_skip(s, LB_SKIP_QUERY);
		return;
	}
	if (eve_opcode(d, dm) != 0) {
		/* a NOTIFY or UPDATE response: its sections are no answer to a
		 * query (an update's are its prerequisites and changes), and an
		 * empty one no denial - the packet path passes such messages over
		 * (observe/obs.c); it parts v1 events as any DNS event does */
		src_eve_v1_flush(s);
		src_skip(s, LB_SKIP_NOT_DNS);
		return;
	}
	bool v1 = !strcmp(type, "answer") && dm[D_VERSION] < 0 && dm[D_ANSWERS] < 0 &&
		  dm[D_GROUPED] < 0 && dm[D_AUTHORITIES] < 0 && dm[D_QUERIES] < 0;
	struct timeval ts;
	size_t tl;
	const char *t = tstr(d, ev[E_TIMESTAMP], buf, sizeof buf, &tl);
	if (!t || src_time_any(t, tl, &ts)) {
		src_bad(s, LB_BAD_TIME);
		return;
	}
	if (v1)
		return src_eve_v1_answer(s, ev, dm, t, &ts);
	src_eve_v1_flush(s);
	resp_reset(r);
	/* the question */
	int qo = dn, qm[2] = { dm[D_RRNAME], dm[D_RRTYPE] };
	int qs = dm[D_QUERIES];
	if (js_type(d, qs) == JS_ARR && d->t[qs].n > 0) {
		qo = js_item(d, qs, 0);
		js_members(d, qo, ans_keys, 2, qm); /* rrname, rrtype */
	}
	if (js_type(d, js_get(d, qo, "rrname_truncated")) == JS_TRUE) {
		/* the question's name was cut (too long to be one): nothing to
		 * place the answers or a denial on */
		src_skip(s, LB_SKIP_LOSSY);
		return;
	}
	char nb[2048];
	size_t ql = 0;
	uint16_t qtype, rcode = 0;
	uint8_t qname[LB_NAME_MAX];
	int qlen;
	const char *qn = js_type(d, qo) == JS_OBJ ? js_str(d, qm[0], nb, sizeof nb, &ql) : NULL;
	if (!event_question(s, d, qn, ql, qm[1], qname, &qlen, &qtype))
		return;
	size_t rl;
	int rci = dm[D_RCODE];
	const char *rc = tstr(d, rci, buf, sizeof buf, &rl);
	if (rci >= 0 && (!rc || src_rcode(rc, rl, &rcode)))
		return (void)src_bad(s, LB_BAD_TYPE);
	bool negative = rcode == LB_RCODE_NXDOMAIN || rcode == LB_RCODE_SERVFAIL ||
			rcode == LB_RCODE_REFUSED;
	if (rc && !negative && rcode != LB_RCODE_NOERROR) {
		src_skip(s, LB_SKIP_RCODE);
		return;
	}
	int ans = dm[D_ANSWERS];
	int grp = dm[D_GROUPED];
	bool lossy = false;
	if (qlen < 0)
		return (void)src_bad(s, LB_BAD_FIELDS);
	bool tc = eve_truncated(d, dm);
	if (ans < 0 && js_type(d, grp) == JS_OBJ) {
		if (tc) {
			src_skip(s, LB_SKIP_LOSSY); /* no order to tell the last RRset by */
			return;
		}
		/* no authorities logged: nothing tells a referral apart */
		grouped(s, grp, qname, (uint8_t)qlen, qtype, rcode, SRC_ND_ALL, &ts);
		return;
	}
	if (add_section(s, ans, LB_SEC_ANSWER, &lossy, false) ||
	    add_section(s, dm[D_AUTHORITIES], LB_SEC_AUTHORITY, &lossy, false) ||
	    add_section(s, dm[D_ADDITIONALS], LB_SEC_ADDITIONAL, &lossy, false)) {
		resp_reset(r);
		return;
	}
	/* a denial speaks of the question's CNAME chain's last name (RFC 6604 2.1) */
	struct qchain ch;
	bool ok = src_eve_answered(r, qname, (uint8_t)qlen, qtype, &ch);
	if (tc && src_eve_drop_last_sets(r))
		lossy = true;
	if (negative && ch.end)
		src_negative(s, ch.end, ch.end_len, qtype, rcode, &ts);
	else if (negative)
		lossy = true; /* a chain that loops speaks of no name (as on packets) */
	else if (!tc && !lossy && !ok && denial(r, dm[D_AUTHORITIES] >= 0))
		src_negative(s, ch.end, ch.end_len, qtype, LB_RCODE_NOERROR, &ts);
	mark_unrelated(r, &ch, qtype);
	if (lossy)
		src_skip(s, LB_SKIP_LOSSY);
	if (r->n || negative || !lossy)
		s->c.records++;
	resp_emit(s, r, &ts, NULL, NULL);
}
