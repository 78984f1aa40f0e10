/*
 * route53.c - AWS Route 53 Resolver query log importer (JSON lines).
 *
 * A record: query_timestamp (ISO 8601), query_name, query_type, query_class,
 * rcode, answers [{Rdata, Type, Class}] - typed, but without owner names;
 * they are assigned by src_chain (docs/IMPORT.md).  TXT rdata is in Route
 * 53's form (txt_octal).  Answers a DNS Firewall
 * rule synthesized (firewall_rule_action BLOCK) are not DNS data: skipped.
 */
#include "sources/route53.h"

#include <stdbool.h>
#include <string.h>

#include "dns/rrtype.h"

#define R53_MAX_ANS 256

/*
 * Route 53 writes a TXT (or SPF) record as its strings in double quotes,
 * with \" and \\ for a quote and a backslash and every other byte outside
 * printable ASCII as a backslash and THREE OCTAL digits ("ex\344mple" for
 * "exämple": the Route 53 Developer Guide, "Supported DNS record types",
 * TXT), where RFC 1035's presentation form has decimal ones.  (The query
 * log pages show no TXT answer: this form is taken as what the logs write
 * too.)  Rewritten here to decimal for the presentation parser (an octal
 * escape is never longer than its decimal one: out needs len bytes).  -1
 * for an escape of digits that is not Route 53's (an 8 or 9, past \377,
 * fewer than three).
 */
static int txt_octal(const char *in, size_t len, char *out)
{
	size_t o = 0;
	for (size_t i = 0; i < len;) {
		if (in[i] != '\\' || i + 1 == len) {
			out[o++] = in[i++];
			continue;
		}
		const char *d = in + i + 1;
		if (!(*d >= '0' && *d <= '9')) { /* \" \\ \X: as they are */
			out[o++] = in[i++];
			out[o++] = in[i++];
			continue;
		}
		if (i + 3 >= len || d[0] > '3' || d[1] < '0' || d[1] > '7' || d[2] < '0' || d[2] > '7')
			return -1;
		int v = (d[0] - '0') * 64 + (d[1] - '0') * 8 + (d[2] - '0');
		out[o++] = '\\';
		out[o++] = (char)('0' + v / 100);
		out[o++] = (char)('0' + v / 10 % 10);
		out[o++] = (char)('0' + v % 10);
		i += 4;
	}
	return (int)o;
}

/* A JSON string (len bytes, NULs and all: JSON_ALLOW_NUL) equal to lit. */
static bool jis(const char *v, size_t len, const char *lit)
{
	return len == strlen(lit) && !memcmp(v, lit, len);
}

/* One query log record (a JSON object). */
static void record(lb_src_t *s, json_t *j)
{
	struct timeval ts;
	size_t tl, ql, rl, fwl = 0, qcl = 0;
	const char *t = src_jstr(j, "query_timestamp", &tl);
	const char *q = src_jstr(j, "query_name", &ql);
	const char *rc = src_jstr(j, "rcode", &rl);
	json_t *qt = json_object_get(j, "query_type");
	json_t *ans = json_object_get(j, "answers");
	const char *fw = src_jstr(j, "firewall_rule_action", &fwl);
	const char *qc = src_jstr(j, "query_class", &qcl);
	uint16_t qtype, rcode;
	uint8_t qname[LB_NAME_MAX];
	int qlen;
	if (!t || src_time_iso(t, tl, &ts)) {
		src_bad(s, LB_BAD_TIME);
		return;
	}
	if (!q || !rc || (ans && !json_is_array(ans)) || json_array_size(ans) > R53_MAX_ANS) {
		src_bad(s, LB_BAD_FIELDS);
		return;
	}
	if (src_jtype(qt, &qtype) || src_rcode(rc, rl, &rcode)) {
		src_bad(s, LB_BAD_TYPE);
		return;
	}
	if ((qlen = src_name(q, ql, NULL, qname)) < 0) {
		src_bad(s, LB_BAD_NAME);
		return;
	}
	if (fw && jis(fw, fwl, "BLOCK")) {
		src_skip(s, LB_SKIP_POLICY);
		return;
	}
	if (qc && !jis(qc, qcl, "IN")) {
		src_skip(s, LB_SKIP_CLASS);
		return;
	}
	src_ans_t a[R53_MAX_ANS];
	size_t n = json_array_size(ans), used = 0;
	for (size_t i = 0; i < n; i++) {
		json_t *x = json_array_get(ans, i);
		size_t dl, cl = 0;
		const char *d = json_is_object(x) ? src_jstr(x, "Rdata", &dl) : NULL;
		const char *c = json_is_object(x) ? src_jstr(x, "Class", &cl) : NULL;
		if (!d) {
			src_bad(s, LB_BAD_FIELDS);
			return;
		}
		if (src_jtype(json_object_get(x, "Type"), &a[i].type)) {
			src_bad(s, LB_BAD_TYPE);
			return;
		}
		if (c && !jis(c, cl, "IN")) {
			src_skip(s, LB_SKIP_CLASS);
			return;
		}
		if (a[i].type == LB_T_TXT || a[i].type == LB_T_SPF) {
			/* (the rdata of one line's answers fit in a line) */
			int l = dl <= s->jbuf_cap - used ? txt_octal(d, dl, s->jbuf + used) : -1;
			if (l < 0) {
				src_bad(s, LB_BAD_RDATA);
				return;
			}
			d = s->jbuf + used;
			dl = (size_t)l;
			used += dl;
		}
		a[i].text = d;
		a[i].len = dl;
		a[i].ttl = 0; /* Route 53 logs no TTL */
		a[i].wire = NULL;
		a[i].wire_len = 0;
	}
	/* a resolver's answers to its clients: the chain was followed to its end */
	src_chain(s, qname, (uint8_t)qlen, qtype, rcode, a, n, true, SRC_ND_ALL, &ts);
}

/*
 * Route 53 public DNS query logging (a hosted zone's queries, to CloudWatch
 * Logs) writes text lines "VERSION TIME ZONE-ID QNAME QTYPE RCODE PROTO EDGE
 * RESOLVER-IP ECS", e.g. "1.0 2017-12-13T08:16:02.130Z Z123 example.com A
 * NOERROR UDP FRA6 192.0.2.1 -".  They log no answers: only a denial
 * (NXDOMAIN, SERVFAIL, REFUSED), Route 53's own, is something to keep.
 */
static bool public_line(const char *line, size_t len)
{
	return len > 30 && line[0] >= '0' && line[0] <= '9' && memchr(line, ' ', 6) &&
	       memmem(line, len < 64 ? len : 64, "Z ", 2);
}

static void public_record(lb_src_t *s, const char *line, size_t len)
{
	const char *f[10];
	size_t fl[10], n = 0, i = 0;
	while (i < len && n < 10) {
		while (i < len && line[i] == ' ')
			i++;
		if (i == len)
			break;
		f[n] = line + i;
		while (i < len && line[i] != ' ')
			i++;
		fl[n] = (size_t)(line + i - f[n]);
		n++;
	}
	struct timeval ts;
	uint16_t qtype, rcode;
	uint8_t qname[LB_NAME_MAX];
	int qlen;
	char tb[24];
	if (n < 9)
		return (void)src_bad(s, LB_BAD_FIELDS);
	if (src_time_iso(f[1], fl[1], &ts))
		return (void)src_bad(s, LB_BAD_TIME);
	if (fl[4] >= sizeof tb || memchr(f[4], 0, fl[4])) /* (a NUL would end the name) */
		return (void)src_bad(s, LB_BAD_TYPE);
	memcpy(tb, f[4], fl[4]);
	tb[fl[4]] = 0;
	if (lb_rrtype_from_text(tb, &qtype) || src_rcode(f[5], fl[5], &rcode))
		return (void)src_bad(s, LB_BAD_TYPE);
	if ((qlen = src_name(f[3], fl[3], NULL, qname)) < 0)
		return (void)src_bad(s, LB_BAD_NAME);
	if (rcode != LB_RCODE_NXDOMAIN && rcode != LB_RCODE_SERVFAIL && rcode != LB_RCODE_REFUSED) {
		src_skip(s, rcode == LB_RCODE_NOERROR ? LB_SKIP_QUERY : LB_SKIP_RCODE);
		return;
	}
	s->c.records++;
	src_negative(s, qname, (uint8_t)qlen, qtype, rcode, &ts);
}

/*
 * A line holds one record, as Route 53 writes them to S3 and CloudWatch; or
 * records as CloudWatch Logs passes them on: a subscription's object
 * {"messageType":"DATA_MESSAGE", ..., "logEvents":[{"id","timestamp",
 * "message": "<record>"}]} - several back to back without a newline, as
 * Kinesis Data Firehose writes them to S3 - or an export task's line
 * "<ISO time> <record>" (the prefix is cut in source.c).  CONTROL_MESSAGE
 * objects hold no records.
 */
void src_route53_line(lb_src_t *s, const char *line, size_t len)
{
	size_t off = 0;
	if (len && line[0] != '{') {
		if (public_line(line, len))
			public_record(s, line, len);
		else
			src_bad(s, LB_BAD_JSON);
		return;
	}
	while (off < len) {
		json_error_t e;
		json_t *j = json_loadb(line + off, len - off, JSON_ALLOW_NUL | JSON_DISABLE_EOF_CHECK, &e);
		if (!j || !json_is_object(j)) {
			json_decref(j);
			src_bad(s, LB_BAD_JSON);
			return;
		}
		size_t used = e.position;
		json_t *ev = json_object_get(j, "logEvents");
		const char *mt = src_jstr(j, "messageType", NULL);
		if (mt && strcmp(mt, "DATA_MESSAGE")) {
			src_skip(s, LB_SKIP_NOT_DNS); /* CONTROL_MESSAGE: a health check */
		} else if (json_is_array(ev)) {
			for (size_t i = 0; i < json_array_size(ev); i++) {
				json_t *x = json_array_get(ev, i);
				size_t ml;
				const char *m = json_is_object(x) ? src_jstr(x, "message", &ml) : NULL;
				json_t *r = m ? json_loadb(m, ml, JSON_ALLOW_NUL, &e) : NULL;
				if (!r || !json_is_object(r)) {
					json_decref(r);
					src_bad(s, LB_BAD_JSON);
					continue;
				}
				record(s, r);
				json_decref(r);
			}
		} else if (!mt) {
			record(s, j);
		} else {
			src_bad(s, LB_BAD_FIELDS);
		}
		json_decref(j);
		if (used == 0 || used > len - off)
			break;
		off += used;
		while (off < len && (line[off] == ' ' || line[off] == '\t' || line[off] == '\r'))
			off++;
	}
}
