/*
 * route53.c - AWS Route 53 Resolver query log importer (JSON lines).
 *
 * A record: query_timestamp (ISO 8601), query_name, query_type, query_class,
 * rcode, answers [{Rdata, Type, Class}] - typed, but without owner names;
 * they are assigned by src_chain (docs/IMPORT.md).  Answers a DNS Firewall
 * rule synthesized (firewall_rule_action BLOCK) are not DNS data: skipped.
 */
#include "sources/route53.h"

#include <string.h>

#include "dns/rrtype.h"

#define R53_MAX_ANS 256

void src_route53_line(lb_src_t *s, const char *line, size_t len)
{
	if (len == 0)
		return;
	json_t *j = src_json(s, line, len);
	if (!j)
		return;
	struct timeval ts;
	size_t tl, ql, rl;
	const char *t = src_jstr(j, "query_timestamp", &tl);
	const char *q = src_jstr(j, "query_name", &ql);
	const char *rc = src_jstr(j, "rcode", &rl);
	json_t *qt = json_object_get(j, "query_type");
	json_t *ans = json_object_get(j, "answers");
	const char *fw = src_jstr(j, "firewall_rule_action", NULL);
	const char *qc = src_jstr(j, "query_class", NULL);
	uint16_t qtype, rcode;
	uint8_t qname[LB_NAME_MAX];
	int qlen;
	if (!t || src_time_iso(t, tl, &ts)) {
		src_bad(s, LB_BAD_TIME);
		goto out;
	}
	if (!q || !rc || (ans && !json_is_array(ans)) || json_array_size(ans) > R53_MAX_ANS) {
		src_bad(s, LB_BAD_FIELDS);
		goto out;
	}
	if (src_jtype(qt, &qtype) || src_rcode(rc, rl, &rcode)) {
		src_bad(s, LB_BAD_TYPE);
		goto out;
	}
	if ((qlen = src_name(q, ql, NULL, qname)) < 0) {
		src_bad(s, LB_BAD_NAME);
		goto out;
	}
	if (fw && !strcmp(fw, "BLOCK")) {
		src_skip(s, LB_SKIP_POLICY);
		goto out;
	}
	if (qc && strcmp(qc, "IN")) {
		src_skip(s, LB_SKIP_CLASS);
		goto out;
	}
	src_ans_t a[R53_MAX_ANS];
	size_t n = json_array_size(ans);
	for (size_t i = 0; i < n; i++) {
		json_t *x = json_array_get(ans, i);
		size_t dl;
		const char *d = json_is_object(x) ? src_jstr(x, "Rdata", &dl) : NULL;
		const char *c = json_is_object(x) ? src_jstr(x, "Class", NULL) : NULL;
		if (!d) {
			src_bad(s, LB_BAD_FIELDS);
			goto out;
		}
		if (src_jtype(json_object_get(x, "Type"), &a[i].type)) {
			src_bad(s, LB_BAD_TYPE);
			goto out;
		}
		if (c && strcmp(c, "IN")) {
			src_skip(s, LB_SKIP_CLASS);
			goto out;
		}
		a[i].text = d;
		a[i].len = dl;
		a[i].ttl = 0; /* Route 53 logs no TTL */
		a[i].wire = NULL;
		a[i].wire_len = 0;
	}
	/* a resolver's answers to its clients: the chain was followed to its end */
	src_chain(s, qname, (uint8_t)qlen, qtype, rcode, a, n, true, SRC_ND_ALL, &ts);
out:
	json_decref(j);
}
