/*
 * suricata.c - Suricata EVE JSON importer (event_type "dns").
 *
 *  v1 (one event per answer RR): dns.type "answer" with rrname/rrtype/rdata.
 *  v2 (Suricata 5-7): dns.type "answer", dns.rrname/rrtype = the question,
 *     "answers" [{rrname, rrtype, ttl, rdata | soa | srv | sshfp}] (detailed)
 *     and/or "grouped" {TYPE: [rdata...]} (no owners: src_chain), plus
 *     "authorities".
 *  v3 (Suricata 8): dns.type "response", "queries" [{rrname, rrtype}],
 *     "answers", "authorities", "additionals" as above.
 * Requests (type "query"/"request") and other event types are skipped.
 *
 * Suricata writes some types lossily (MX and NAPTR without their numbers,
 * NULL as escaped text...): an RRset with such a record is left out whole
 * (counted as lossy_answer) rather than stored incomplete.
 */
#include "sources/suricata.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "dns/rdata.h"
#include "dns/rrtype.h"

#define EVE_MAX 512

/* Presentation text of one detailed answer object, or NULL if not representable. */
static const char *rr_text(json_t *x, uint16_t type, char *buf, size_t bufsz, size_t *len)
{
	json_t *o;
	size_t dl;
	const char *d = src_jstr(x, "rdata", &dl);
	int n = -1;
	switch (type) {
	case LB_T_A: case LB_T_AAAA: case LB_T_CNAME: case LB_T_NS: case LB_T_PTR:
	case LB_T_DNAME:
		if (!d)
			return NULL;
		*len = dl;
		return d;
	case LB_T_MX:
		/* Suricata logs only the exchange; accept it if a preference is present */
		if (!d || !memchr(d, ' ', dl))
			return NULL;
		*len = dl;
		return d;
	case LB_T_SOA:
		o = json_object_get(x, "soa");
		if (!json_is_object(o) || !src_jstr(o, "mname", NULL) || !src_jstr(o, "rname", NULL))
			return NULL;
		n = snprintf(buf, bufsz, "%s %s %" JSON_INTEGER_FORMAT " %" JSON_INTEGER_FORMAT
			     " %" JSON_INTEGER_FORMAT " %" JSON_INTEGER_FORMAT " %" JSON_INTEGER_FORMAT,
			     src_jstr(o, "mname", NULL), src_jstr(o, "rname", NULL),
			     json_integer_value(json_object_get(o, "serial")),
			     json_integer_value(json_object_get(o, "refresh")),
			     json_integer_value(json_object_get(o, "retry")),
			     json_integer_value(json_object_get(o, "expire")),
			     json_integer_value(json_object_get(o, "minimum")));
		break;
	case LB_T_SRV:
		o = json_object_get(x, "srv");
		if (!json_is_object(o) || !src_jstr(o, "name", NULL))
			return NULL;
		n = snprintf(buf, bufsz, "%" JSON_INTEGER_FORMAT " %" JSON_INTEGER_FORMAT
			     " %" JSON_INTEGER_FORMAT " %s",
			     json_integer_value(json_object_get(o, "priority")),
			     json_integer_value(json_object_get(o, "weight")),
			     json_integer_value(json_object_get(o, "port")), src_jstr(o, "name", NULL));
		break;
	case LB_T_SSHFP: {
		o = json_object_get(x, "sshfp");
		size_t fl;
		const char *fp = json_is_object(o) ? src_jstr(o, "fingerprint", &fl) : NULL;
		if (!fp || fl > 1024)
			return NULL;
		n = snprintf(buf, bufsz, "%" JSON_INTEGER_FORMAT " %" JSON_INTEGER_FORMAT " ",
			     json_integer_value(json_object_get(o, "algo")),
			     json_integer_value(json_object_get(o, "type")));
		for (size_t i = 0; i < fl && n > 0 && (size_t)n + 1 < bufsz; i++)
			if (fp[i] != ':')
				buf[n++] = fp[i];
		if (n > 0 && (size_t)n < bufsz)
			buf[n] = 0;
		break;
	}
	case LB_T_TXT: case LB_T_SPF: {
		/* one character-string per 255 bytes, quoted */
		if (!d || dl > 16000)
			return NULL;
		size_t o2 = 0;
		for (size_t i = 0; i < dl || i == 0; i += 255) {
			if (o2 + 4 > bufsz)
				return NULL;
			if (i)
				buf[o2++] = ' ';
			buf[o2++] = '"';
			for (size_t k = i; k < dl && k < i + 255; k++) {
				unsigned char ch = (unsigned char)d[k];
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

/* Add a detailed answers/authorities/additionals array to the response. */
static int add_section(lb_src_t *s, json_t *arr, uint8_t section, bool *lossy)
{
	size_t n = json_array_size(arr);
	if (n > EVE_MAX)
		return src_bad(s, LB_BAD_FIELDS);
	char buf[40000];
	uint8_t skip_owner[16][LB_NAME_MAX];
	uint8_t skip_len[16];
	uint16_t skip_type[16];
	size_t nskip = 0;
	/* pass 1: find RRsets with a record we cannot represent */
	for (size_t i = 0; i < n; i++) {
		json_t *x = json_array_get(arr, i);
		uint16_t type;
		size_t nl, tl;
		const char *nm = json_is_object(x) ? src_jstr(x, "rrname", &nl) : NULL;
		if (!nm || src_jtype(json_object_get(x, "rrtype"), &type))
			return src_bad(s, nm ? LB_BAD_TYPE : LB_BAD_FIELDS);
		if (type == LB_T_OPT)
			continue;
		if (!rr_text(x, type, buf, sizeof buf, &tl) && nskip < 16) {
			int l = src_name(nm, nl, NULL, skip_owner[nskip]);
			if (l < 0)
				return src_bad(s, LB_BAD_NAME);
			skip_len[nskip] = (uint8_t)l;
			skip_type[nskip++] = type;
			*lossy = true;
		}
	}
	for (size_t i = 0; i < n; i++) {
		json_t *x = json_array_get(arr, i);
		uint16_t type;
		size_t nl, tl;
		const char *nm = src_jstr(x, "rrname", &nl);
		(void)src_jtype(json_object_get(x, "rrtype"), &type);
		if (type == LB_T_OPT)
			continue;
		uint8_t owner[LB_NAME_MAX];
		int l = src_name(nm, nl, NULL, owner);
		if (l < 0)
			return src_bad(s, LB_BAD_NAME);
		bool skip = false;
		for (size_t k = 0; k < nskip; k++)
			if (skip_type[k] == type && skip_len[k] == l && !memcmp(skip_owner[k], owner, (size_t)l))
				skip = true;
		const char *t = rr_text(x, type, buf, sizeof buf, &tl);
		if (skip || !t)
			continue;
		json_t *ttl = json_object_get(x, "ttl");
		json_int_t tv = json_is_integer(ttl) ? json_integer_value(ttl) : 0;
		int err = resp_add_text(s->resp, owner, (uint8_t)l, type, LB_C_IN,
					(tv < 0 || tv > UINT32_MAX) ? 0 : (uint32_t)tv, section, t, tl, NULL);
		if (err == LB_ELIMIT)
			return src_bad(s, LB_BAD_FIELDS);
		if (err)
			return src_bad(s, LB_BAD_RDATA);
	}
	return 0;
}

/* Does the answer section hold qtype (or a CNAME chain ending in it) for qname? */
static bool answered(const src_resp_t *r, const uint8_t *qname, uint8_t qlen, uint16_t qtype)
{
	const uint8_t *t = qname;
	uint8_t tl = qlen;
	for (int hop = 0; hop < 16; hop++) {
		const src_rr_t *next = NULL;
		for (size_t i = 0; i < r->n; i++) {
			const src_rr_t *x = &r->rr[i];
			if (x->section != LB_SEC_ANSWER || x->owner_len != tl || memcmp(x->owner, t, tl))
				continue;
			if (x->type == qtype || qtype == LB_T_ANY)
				return true;
			if (x->type == LB_T_CNAME && !next)
				next = x;
		}
		if (!next)
			return false;
		if (qtype == LB_T_CNAME)
			return true;
		t = next->rd;
		tl = (uint8_t)next->rdlen;
	}
	return true;
}

/* grouped {TYPE: [rdata...]}: answers without owners. */
static void grouped(lb_src_t *s, json_t *g, const uint8_t *qname, uint8_t qlen, uint16_t qtype,
		    uint16_t rcode, const struct timeval *ts)
{
	src_ans_t a[EVE_MAX];
	size_t n = 0;
	const char *key;
	json_t *arr;
	/* CNAMEs first (their array keeps message order), then the rest */
	for (int pass = 0; pass < 2; pass++) {
		json_object_foreach(g, key, arr) {
			uint16_t type;
			if (lb_rrtype_from_text(key, &type) || !json_is_array(arr)) {
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
			for (size_t i = 0; i < json_array_size(arr); i++) {
				json_t *x = json_array_get(arr, i);
				if (!json_is_string(x) || n == EVE_MAX) {
					src_bad(s, LB_BAD_FIELDS);
					return;
				}
				a[n].text = json_string_value(x);
				a[n].len = json_string_length(x);
				a[n].type = type;
				a[n].ttl = 0;
				a[n].wire = NULL;
				a[n].wire_len = 0;
				n++;
			}
		}
	}
	src_chain(s, qname, qlen, qtype, rcode, a, n, false, ts);
}

void src_suricata_line(lb_src_t *s, const char *line, size_t len)
{
	if (len == 0)
		return;
	json_t *j = src_json(s, line, len);
	if (!j)
		return;
	src_resp_t *r = s->resp;
	resp_reset(r);
	const char *et = src_jstr(j, "event_type", NULL);
	json_t *d = json_object_get(j, "dns");
	if (!et || strcmp(et, "dns") || !json_is_object(d)) {
		src_skip(s, LB_SKIP_NOT_DNS);
		goto out;
	}
	const char *type = src_jstr(d, "type", NULL);
	if (!type || (strcmp(type, "answer") && strcmp(type, "response"))) {
		src_skip(s, LB_SKIP_QUERY);
		goto out;
	}
	struct timeval ts;
	size_t tl;
	const char *t = src_jstr(j, "timestamp", &tl);
	if (!t || src_time_any(t, tl, &ts)) {
		src_bad(s, LB_BAD_TIME);
		goto out;
	}
	/* the question */
	json_t *qo = d;
	json_t *qs = json_object_get(d, "queries");
	if (json_is_array(qs) && json_array_size(qs) > 0)
		qo = json_array_get(qs, 0);
	size_t ql;
	const char *qn = json_is_object(qo) ? src_jstr(qo, "rrname", &ql) : NULL;
	uint16_t qtype = 0, rcode = 0;
	uint8_t qname[LB_NAME_MAX];
	int qlen = -1;
	if (qn) {
		if (src_jtype(json_object_get(qo, "rrtype"), &qtype)) {
			src_bad(s, LB_BAD_TYPE);
			goto out;
		}
		if ((qlen = src_name(qn, ql, NULL, qname)) < 0) {
			src_bad(s, LB_BAD_NAME);
			goto out;
		}
	}
	size_t rl;
	const char *rc = src_jstr(d, "rcode", &rl);
	if (rc && src_rcode(rc, rl, &rcode)) {
		src_bad(s, LB_BAD_TYPE);
		goto out;
	}
	bool negative = rcode == LB_RCODE_NXDOMAIN || rcode == LB_RCODE_SERVFAIL ||
			rcode == LB_RCODE_REFUSED;
	if (rc && !negative && rcode != LB_RCODE_NOERROR) {
		src_skip(s, LB_SKIP_RCODE);
		goto out;
	}
	json_t *ans = json_object_get(d, "answers");
	json_t *grp = json_object_get(d, "grouped");
	if (!ans && !grp && src_jstr(d, "rdata", NULL) && qlen > 0) {
		/* v1: this event is one answer RR, owner = rrname */
		json_t *one = json_array();
		json_array_append(one, d);
		bool lossy = false;
		if (add_section(s, one, LB_SEC_ANSWER, &lossy) == 0) {
			if (lossy)
				src_skip(s, LB_SKIP_LOSSY);
			else
				s->c.records++;
			resp_emit(s, r, &ts, NULL, NULL);
		}
		json_decref(one);
		goto out;
	}
	if (qlen < 0) {
		src_bad(s, LB_BAD_FIELDS);
		goto out;
	}
	if (!ans && json_is_object(grp)) {
		grouped(s, grp, qname, (uint8_t)qlen, qtype, rcode, &ts);
		goto out;
	}
	if (ans && !json_is_array(ans)) {
		src_bad(s, LB_BAD_FIELDS);
		goto out;
	}
	bool lossy = false;
	if (add_section(s, ans, LB_SEC_ANSWER, &lossy) ||
	    add_section(s, json_object_get(d, "authorities"), LB_SEC_AUTHORITY, &lossy) ||
	    add_section(s, json_object_get(d, "additionals"), LB_SEC_ADDITIONAL, &lossy)) {
		resp_reset(r);
		goto out;
	}
	if (negative)
		src_negative(s, qname, (uint8_t)qlen, qtype, rcode, &ts);
	else if (!lossy && !answered(r, qname, (uint8_t)qlen, qtype))
		src_negative(s, qname, (uint8_t)qlen, qtype, LB_RCODE_NOERROR, &ts);
	if (lossy)
		src_skip(s, LB_SKIP_LOSSY);
	if (r->n || negative || !lossy)
		s->c.records++;
	resp_emit(s, r, &ts, NULL, NULL);
out:
	resp_reset(r);
	json_decref(j);
}
