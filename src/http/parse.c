/*
 * parse.c - request targets of the DNSDB v2 and CIRCL APIs into the query
 * model (query/query.h).  Every byte of the target is checked here: the
 * target is split on '/' and '&' first, then each piece is %-decoded on its
 * own into a bounded buffer, so an encoded '/' stays inside its segment.
 */
#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dns/name.h"
#include "http/http.h"
#include "util/digits.h"

#define MAX_SEGS 10

static const char *const api_names[LB_API_COUNT] = {
	[LB_API_NONE] = "other",       [LB_API_LOOKUP] = "lookup",
	[LB_API_SUMMARIZE] = "summarize", [LB_API_PING] = "ping",
	[LB_API_RATE_LIMIT] = "rate_limit", [LB_API_FLEX] = "flex",
	[LB_API_CIRCL] = "circl",      [LB_API_METRICS] = "metrics",
	[LB_API_HEALTHZ] = "healthz",  [LB_API_NAMES] = "names",
	[LB_API_DOMAINS] = "domains",
};

const char *lb_http_api_name(enum lb_http_api api)
{
	return (unsigned)api < LB_API_COUNT ? api_names[api] : "other";
}


int lb_http_pct_decode(const char *src, size_t n, char *dst, size_t dstsz, bool plus_space)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		char c = src[i];
		if (c == '%') {
			if (n - i < 3)
				return -1;
			int h = lb_hex_digit(src[i + 1]), l = lb_hex_digit(src[i + 2]);
			if (h < 0 || l < 0)
				return -1;
			c = (char)(h << 4 | l);
			i += 2;
		} else if (c == '+' && plus_space) {
			c = ' ';
		}
		if (c == 0 || o + 1 >= dstsz)
			return -1;
		dst[o++] = c;
	}
	if (dstsz == 0)
		return -1;
	dst[o] = 0;
	return (int)o;
}

static int bad(const char **msg, const char *m)
{
	*msg = m;
	return 400;
}

static int parse_bool(const char *v, bool *out)
{
	if (!strcasecmp(v, "t") || !strcasecmp(v, "true") || !strcmp(v, "1") || !strcasecmp(v, "yes") ||
	    !*v) {
		*out = true;
		return 0;
	}
	if (!strcasecmp(v, "f") || !strcasecmp(v, "false") || !strcmp(v, "0") || !strcasecmp(v, "no")) {
		*out = false;
		return 0;
	}
	return -1;
}

static int parse_u64(const char *v, uint64_t *out)
{
	if (!*v || strlen(v) > 19)
		return -1;
	uint64_t x = 0;
	for (const char *p = v; *p; p++) {
		if (!isdigit((unsigned char)*p))
			return -1;
		x = x * 10 + (uint64_t)(*p - '0');
	}
	*out = x;
	return 0;
}

/* One query-string parameter. */
static int param(lb_http_req_t *r, const char *k, const char *v, uint64_t now, const char **msg)
{
	lb_query_t *q = &r->q;
	uint64_t *tp = NULL;
	bool *hp = NULL;
	if (!strcmp(k, "limit")) {
		if (parse_u64(v, &r->limit))
			return bad(msg, "limit must be a non-negative integer");
		r->limit_given = true;
	} else if (!strcmp(k, "offset")) {
		if (parse_u64(v, &q->offset))
			return bad(msg, "offset must be a non-negative integer");
	} else if (!strcmp(k, "max_count")) {
		if (parse_u64(v, &r->max_count))
			return bad(msg, "max_count must be a non-negative integer");
	} else if (!strcmp(k, "aggr")) {
		if (parse_bool(v, &r->aggr))
			return bad(msg, "aggr must be true or false");
	} else if (!strcmp(k, "humantime")) {
		if (parse_bool(v, &r->humantime))
			return bad(msg, "humantime must be true or false");
	} else if ((r->api == LB_API_NAMES || r->api == LB_API_DOMAINS) && !strcmp(k, "sort")) {
		/* lookback's rows only: the DNSDB paths answer in store order */
		static const struct { const char *k; enum lb_sort v; } keys[] = {
			{ "first", LB_SORT_FIRST }, { "last", LB_SORT_LAST },
			{ "duration", LB_SORT_DURATION }, { "count", LB_SORT_COUNT },
			{ "name", LB_SORT_NAME },
		};
		size_t i = 0;
		while (i < sizeof keys / sizeof keys[0] && strcmp(v, keys[i].k))
			i++;
		if (i == sizeof keys / sizeof keys[0])
			return bad(msg, "sort must be first, last, duration, count or name");
		q->sort = keys[i].v;
	} else if ((r->api == LB_API_NAMES || r->api == LB_API_DOMAINS) && !strcmp(k, "reverse")) {
		if (parse_bool(v, &q->reverse))
			return bad(msg, "reverse must be true or false");
	} else if (!strcmp(k, "exclude")) {
		if (strlen(v) > LB_HTTP_FLEX_MAX)
			return bad(msg, "exclude pattern too long");
		strcpy(r->exclude, v);
	} else if (!strcmp(k, "time_first_before")) {
		tp = &q->first_before;
		hp = &q->has_first_before;
	} else if (!strcmp(k, "time_first_after")) {
		tp = &q->first_after;
		hp = &q->has_first_after;
	} else if (!strcmp(k, "time_last_before")) {
		tp = &q->last_before;
		hp = &q->has_last_before;
	} else if (!strcmp(k, "time_last_after")) {
		tp = &q->last_after;
		hp = &q->has_last_after;
	}
	/* anything else (swclient, version, id, ...) is informational */
	if (tp) {
		const char *m = NULL;
		if (lb_query_parse_time(v, now, hp == &q->has_first_after || hp == &q->has_last_after, tp, &m))
			return bad(msg, "bad time fence (Unix seconds, or negative: seconds before now)");
		*hp = true;
	}
	return 200;
}

static int parse_query_string(lb_http_req_t *r, const char *s, size_t n, uint64_t now,
			      const char **msg)
{
	char k[64], v[LB_HTTP_VALUE_MAX + 1];
	size_t i = 0;
	while (i < n) {
		size_t j = i;
		while (j < n && s[j] != '&')
			j++;
		if (j > i) {
			size_t e = i;
			while (e < j && s[e] != '=')
				e++;
			if (lb_http_pct_decode(s + i, e - i, k, sizeof k, true) < 0)
				return bad(msg, "bad parameter name (escape or length)");
			v[0] = 0;
			if (e < j && lb_http_pct_decode(s + e + 1, j - e - 1, v, sizeof v, true) < 0)
				return bad(msg, "bad parameter value (escape or length)");
			int st = param(r, k, v, now, msg);
			if (st != 200)
				return st;
		}
		i = j + 1;
	}
	return 200;
}

static int set_types(lb_http_req_t *r, const char *t, const char **msg)
{
	const char *m = NULL;
	if (lb_query_parse_types(t, &r->q, &m))
		return bad(msg, "unknown RR type");
	return 200;
}

static int set_name(lb_query_t *q, const char *v, const char **msg)
{
	const char *m = NULL;
	if (lb_query_parse_name(v, q, &m))
		return bad(msg, m ? m : "bad name");
	return 200;
}

static int set_bailiwick(lb_query_t *q, const char *v, const char **msg)
{
	lb_query_t tmp;
	lb_query_init(&tmp);
	const char *m = NULL;
	if (lb_query_parse_name(v, &tmp, &m) || tmp.match != LB_MATCH_EXACT)
		return bad(msg, "bad bailiwick (a name without wildcards)");
	memcpy(q->bailiwick, tmp.name, tmp.name_len);
	q->bailiwick_len = tmp.name_len;
	q->has_bailiwick = true;
	return 200;
}

static int set_hex(lb_query_t *q, const char *v, const char **msg)
{
	const char *m = NULL;
	free(q->raw);
	q->raw = NULL;
	if (lb_query_parse_hex(v, &q->raw, &q->raw_len, &m))
		return bad(msg, "bad hex value");
	return 200;
}

/* DNSDB lookup/summarize: segs[0] = rrset|rdata, segs[1] = kind, segs[2] = value, ... */
static int dnsdb_query(lb_http_req_t *r, char segs[][LB_HTTP_VALUE_MAX + 1], int ns,
		       const char **msg)
{
	lb_query_t *q = &r->q;
	int st;
	if (ns < 3 || !segs[2][0])
		return bad(msg, "incomplete lookup: rrset|rdata / kind / value");
	bool rrset = !strcmp(segs[0], "rrset");
	if (!rrset && strcmp(segs[0], "rdata"))
		return bad(msg, "lookup must be rrset/... or rdata/...");
	const char *kind = segs[1], *val = segs[2];
	/* rrset lookups, by name or raw owner, take RRTYPE/BAILIWICK; rdata
	 * lookups RRTYPE only */
	int maxsegs = rrset ? 5 : 4;
	if (ns > maxsegs)
		return bad(msg, "too many path segments");
	if (rrset && !strcmp(kind, "name")) {
		q->kind = LB_Q_RRSET;
		if ((st = set_name(q, val, msg)) != 200)
			return st;
	} else if (rrset && !strcmp(kind, "raw")) {
		q->kind = LB_Q_RRSET_RAW;
		if ((st = set_hex(q, val, msg)) != 200)
			return st;
		if (q->raw_len > sizeof q->name || lb_name_check(q->raw, q->raw_len) != (int)q->raw_len)
			return bad(msg, "raw rrset value is not a wire-format name");
		memcpy(q->name, q->raw, q->raw_len);
		q->name_len = q->raw_len;
		lb_name_lower(q->name);
		q->match = LB_MATCH_EXACT;
	} else if (!rrset && !strcmp(kind, "name")) {
		q->kind = LB_Q_RDATA_NAME;
		if ((st = set_name(q, val, msg)) != 200)
			return st;
	} else if (!rrset && !strcmp(kind, "raw")) {
		q->kind = LB_Q_RDATA_RAW;
		if ((st = set_hex(q, val, msg)) != 200)
			return st;
	} else if (!rrset && !strcmp(kind, "ip")) {
		q->kind = LB_Q_RDATA_IP;
		const char *m = NULL;
		if (lb_query_parse_ip(val, q, &m))
			return bad(msg, m ? m : "bad address");
	} else {
		return bad(msg, "unknown lookup kind (rrset: name raw; rdata: name ip raw)");
	}
	if (ns >= 4 && segs[3][0] && (st = set_types(r, segs[3], msg)) != 200)
		return st;
	if (ns == 5 && (st = set_bailiwick(q, segs[4], msg)) != 200)
		return st;
	if (q->kind == LB_Q_RDATA_IP && !lb_query_ip_types_ok(q, false))
		return bad(msg, segs[3][strspn(segs[3], "0123456789")] == 0
				? "rdata/ip: a prefix is written ADDRESS,LENGTH in the path "
				  "(10.0.0.0,8), not with '/'"
				: "rdata/ip takes only the types A, AAAA or ANY");
	return 200;
}

/* Split p[0..n) on '/' into at most max %-decoded segments (segs NULL: only
 * count them); empty segments are skipped.  0 with *ns set, SEG_MANY past
 * max, SEG_BAD on a bad %-escape or an over-long segment. */
enum { SEG_MANY = -1, SEG_BAD = -2 };
static int split_segs(const char *p, size_t n, char (*segs)[LB_HTTP_VALUE_MAX + 1], int max,
		      int *ns)
{
	*ns = 0;
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j < n && p[j] != '/')
			j++;
		if (j > i) {
			if (*ns == max)
				return SEG_MANY;
			if (segs && lb_http_pct_decode(p + i, j - i, segs[*ns], sizeof segs[*ns], false) < 0)
				return SEG_BAD;
			(*ns)++;
		}
		i = j + 1;
	}
	return 0;
}

int lb_http_parse_target(const char *target, size_t len, uint64_t now, lb_http_req_t *r,
			 const char **msg)
{
	memset(r, 0, sizeof *r);
	lb_query_init(&r->q);
	r->aggr = true;
	*msg = "ok";
	if (len == 0 || target[0] != '/')
		return bad(msg, "request target must start with '/'");
	if (len > LB_HTTP_TARGET_MAX)
		return bad(msg, "request target too long");
	size_t plen = 0;
	while (plen < len && target[plen] != '?')
		plen++;
	char (*segs)[LB_HTTP_VALUE_MAX + 1] = malloc(MAX_SEGS * sizeof *segs);
	if (!segs) {
		*msg = "out of memory";
		return 503;
	}
	int ns = 0, st = 200;
	/* split the path on '/', decoding each segment; empty segments are skipped
	 * (a trailing empty one is not an error) */
	int sr = split_segs(target + 1, plen - 1, segs, MAX_SEGS, &ns);
	if (sr == SEG_MANY) {
		st = 404;
		*msg = "unknown path";
		goto out;
	}
	if (sr == SEG_BAD) {
		st = bad(msg, "bad %-escape or over-long path segment");
		goto out;
	}
	if (ns == 1 && !strcmp(segs[0], "metrics")) {
		r->api = LB_API_METRICS;
	} else if (ns == 1 && !strcmp(segs[0], "healthz")) {
		r->api = LB_API_HEALTHZ;
	} else if (ns >= 2 && !strcmp(segs[0], "pdns") && !strcmp(segs[1], "query")) {
		r->api = LB_API_CIRCL;
		if (ns != 3) {
			st = bad(msg, "use /pdns/query/NAME-OR-ADDRESS");
			goto out;
		}
		const char *m = NULL;
		lb_query_t *q = &r->q;
		if (lb_query_parse_ip(segs[2], q, &m) == 0) {
			q->kind = LB_Q_RDATA_IP;
			r->circl_ip = true;
		} else {
			q->kind = LB_Q_RRSET;
			if ((st = set_name(q, segs[2], msg)) != 200)
				goto out;
		}
	} else if (ns >= 2 && !strcmp(segs[0], "dnsdb") && !strcmp(segs[1], "v2")) {
		if (ns == 3 && !strcmp(segs[2], "ping")) {
			r->api = LB_API_PING;
		} else if (ns == 3 && !strcmp(segs[2], "rate_limit")) {
			r->api = LB_API_RATE_LIMIT;
		} else if (ns >= 3 && (!strcmp(segs[2], "lookup") || !strcmp(segs[2], "summarize"))) {
			r->api = !strcmp(segs[2], "lookup") ? LB_API_LOOKUP : LB_API_SUMMARIZE;
			r->q.summarize = r->api == LB_API_SUMMARIZE;
			if ((st = dnsdb_query(r, segs + 3, ns - 3, msg)) != 200)
				goto out;
		} else if (ns >= 3 && (!strcmp(segs[2], "regex") || !strcmp(segs[2], "glob"))) {
			r->api = LB_API_FLEX;
			r->flex_glob = !strcmp(segs[2], "glob");
			if (ns < 5 || ns > 6 || (strcmp(segs[3], "rrnames") && strcmp(segs[3], "rdata"))) {
				st = bad(msg, "use /dnsdb/v2/{regex,glob}/{rrnames,rdata}/VALUE[/RRTYPE]");
				goto out;
			}
			r->flex_rdata = !strcmp(segs[3], "rdata");
			if (strlen(segs[4]) > LB_HTTP_FLEX_MAX) {
				st = bad(msg, "search pattern too long");
				goto out;
			}
			strcpy(r->flex, segs[4]);
			/* without an RRTYPE a flex search is ANY (lb_query_init's
			 * default), as the lookups are: DNSDB's ANY, without the
			 * DNSSEC types (REFERENCE 1); ALL asks for every type */
			if (ns == 6 && (st = set_types(r, segs[5], msg)) != 200)
				goto out;
		} else {
			st = 404;
			*msg = "unknown path under /dnsdb/v2";
			goto out;
		}
	} else if (ns >= 2 && !strcmp(segs[0], "lookback") && !strcmp(segs[1], "v1")) {
		/* lookback's own: rows per owner name or registered domain, the
		 * lookup written as the DNSDB path's rest */
		if (ns < 3 || (strcmp(segs[2], "names") && strcmp(segs[2], "domains"))) {
			st = 404;
			*msg = "unknown path under /lookback/v1 (names, domains)";
			goto out;
		}
		r->api = !strcmp(segs[2], "names") ? LB_API_NAMES : LB_API_DOMAINS;
		if (ns < 4 || (strcmp(segs[3], "lookup") && strcmp(segs[3], "summarize"))) {
			st = bad(msg, "use /lookback/v1/{names,domains}/{lookup,summarize}/{rrset,rdata}/"
				      "KIND/VALUE[/RRTYPE[/BAILIWICK]]");
			goto out;
		}
		r->q.summarize = !strcmp(segs[3], "summarize");
		if ((st = dnsdb_query(r, segs + 4, ns - 4, msg)) != 200)
			goto out;
	} else {
		st = 404;
		*msg = "unknown path";
		goto out;
	}
	if (plen < len)
		st = parse_query_string(r, target + plen + 1, len - plen - 1, now, msg);
	if (st == 200 && (r->api == LB_API_NAMES || r->api == LB_API_DOMAINS)) {
		if (!r->aggr)
			st = bad(msg, "aggr=false: names and domains rows are aggregated (rows per run "
				      "of days: /dnsdb/v2/lookup/...?aggr=false)");
		else if (r->q.reverse && r->q.sort == LB_SORT_NONE)
			st = bad(msg, "reverse needs sort=");
	}
out:
	free(segs);
	if (st != 200) {
		lb_query_free(&r->q);
		r->api = r->api ? r->api : LB_API_NONE;
	}
	return st;
}

/* A bare indicator as alerts and intel feeds write them, in place: defanged
 * ("evil[.]example", "10(.)0(.)0(.)1", "[dot]", "[:]") and URLs
 * ("hxxps://user@evil.example:8443/path?q": the host), "host:port" and
 * "[v6]:port" (the host, the address).  What is left is looked up as an
 * address or a name.  A CIDR keeps its '/' (no scheme before it). */
static void indicator_host(char *v)
{
	static const struct { const char *from; char to; } fang[] = {
		{ "[.]", '.' }, { "(.)", '.' }, { "{.}", '.' }, { "[dot]", '.' }, { "(dot)", '.' },
		{ "[:]", ':' },
	};
	for (size_t i = 0; i < sizeof fang / sizeof fang[0]; i++) {
		size_t fl = strlen(fang[i].from);
		char *p;
		while ((p = strstr(v, fang[i].from)) != NULL) {
			*p = fang[i].to;
			memmove(p + 1, p + fl, strlen(p + fl) + 1);
		}
	}
	char *sch = strstr(v, "://");
	/* letters, digits, '+', '-', '.' before "://": a scheme (http, hxxps, ftp, ...) */
	if (sch && sch > v && (size_t)(sch - v) == strspn(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-.")) {
		memmove(v, sch + 3, strlen(sch + 3) + 1);
		v[strcspn(v, "/?#")] = 0;            /* the path, query, fragment */
		char *at = strrchr(v, '@');           /* user:password@ */
		if (at)
			memmove(v, at + 1, strlen(at + 1) + 1);
	}
	if (v[0] == '[') {                            /* [v6] or [v6]:port */
		char *e = strchr(v, ']');
		if (e && (!e[1] || (e[1] == ':' && e[2] && !e[2 + strspn(e + 2, "0123456789")]))) {
			*e = 0;
			memmove(v, v + 1, strlen(v + 1) + 1);
		}
	} else {
		char *c = strchr(v, ':');             /* host:port, one ':' only */
		if (c && !strchr(c + 1, ':') && c[1] && !c[1 + strspn(c + 1, "0123456789")])
			*c = 0;
	}
	/* an IPv6 address's zone (fe80::1%eth0, RFC 4007 11.2): the store
	 * keeps addresses without one */
	char *z = strchr(v, '%');
	if (z && strchr(v, ':') && z > v && !strchr(z, '/'))
		*z = 0;
}

/* A batch line "negative/name/NAME[/TYPES]" (lookback's: the DNSDB API has
 * no negative lookup): `query --negative NAME [-t TYPES]`.  Segments are
 * %-decoded as the path's are. */
static int batch_negative(const char *line, size_t len, lb_http_req_t *r, bool *typed,
			  const char **msg)
{
	char seg[4][LB_HTTP_VALUE_MAX + 1];
	int ns;
	int sr = split_segs(line, len, seg, 4, &ns);
	if (sr == SEG_MANY)
		return bad(msg, "too many path segments: negative/name/NAME[/TYPES]");
	if (sr == SEG_BAD)
		return bad(msg, "bad %-escape or over-long path segment");
	if (ns < 3 || strcmp(seg[1], "name"))
		return bad(msg, "a negative lookup is negative/name/NAME[/TYPES]");
	r->q.kind = LB_Q_NEGATIVE;
	if (set_name(&r->q, seg[2], msg) != 200)
		return 400;
	if (r->q.match == LB_MATCH_ABOVE_PREFIX)
		return bad(msg, "right-hand wildcards are not supported for negative lookups");
	if (ns == 4) {
		*typed = true;
		if (set_types(r, seg[3], msg) != 200)
			return 400;
	}
	r->api = LB_API_LOOKUP;
	return 200;
}

int lb_http_batch_line(const char *line, size_t len, uint64_t now, lb_http_req_t *r, bool *typed,
		       bool *bailiwicked, const char **msg)
{
	static const char pfx[] = "/dnsdb/v2/lookup/";
	memset(r, 0, sizeof *r);
	lb_query_init(&r->q);
	*typed = *bailiwicked = false;
	*msg = "ok";
	while (len && (*line == ' ' || *line == '\t'))
		line++, len--;
	while (len && (line[len - 1] == ' ' || line[len - 1] == '\t' || line[len - 1] == '\r' ||
		       line[len - 1] == '\n'))
		len--;
	if (!len || line[0] == '#')
		return 0;
	if (memchr(line, 0, len))
		return bad(msg, "a NUL byte in the line");
	if (len > LB_HTTP_TARGET_MAX - (sizeof pfx - 1))
		return bad(msg, "line too long");
	if (len >= 8 && !memcmp(line, "$OPTIONS", 8))
		return bad(msg, "not a lookup: an $OPTIONS line is '$OPTIONS' and options after a blank");
	if (len > 9 && !memcmp(line, "negative/", 9))
		return batch_negative(line, len, r, typed, msg);
	if ((len > 6 && !memcmp(line, "rrset/", 6)) || (len > 6 && !memcmp(line, "rdata/", 6))) {
		if (memchr(line, '?', len))
			return bad(msg, "a batch line is a lookup path, without '?' parameters: give "
					"the options on the command line");
		char target[LB_HTTP_TARGET_MAX + 1];
		memcpy(target, pfx, sizeof pfx - 1);
		memcpy(target + sizeof pfx - 1, line, len);
		size_t tl = sizeof pfx - 1 + len;
		target[tl] = 0;
		int st = lb_http_parse_target(target, tl, now, r, msg);
		if (st != 200)
			return 400;
		/* the segments given, as the path parser counts them */
		int ns;
		(void)split_segs(line, len, NULL, INT_MAX, &ns);
		*typed = ns >= 4;
		*bailiwicked = ns >= 5;
		return 200;
	}
	/* a URL may be long, its host is not (the line is at most
	 * LB_HTTP_TARGET_MAX bytes, above) */
	char v[LB_HTTP_TARGET_MAX + 1];
	memcpy(v, line, len);
	v[len] = 0;
	indicator_host(v);
	const char *m = NULL;
	if (lb_query_parse_ip(v, &r->q, &m) == 0) {
		r->q.kind = LB_Q_RDATA_IP;
	} else if (strchr(v, '/') || strchr(v, ':') || (strchr(v, '-') && !v[strspn(v, "0123456789.-")])) {
		lb_query_free(&r->q);
		/* a name has neither '/' nor ':' (and is not made of digits,
		 * dots and a '-'): an address, CIDR or range gone wrong, or a
		 * path that is not a lookup */
		if (!v[strspn(v, "0123456789abcdefABCDEF:.,/-")])
			return bad(msg, m ? m : "bad address");
		return bad(msg, "not a lookup (rrset/name/..., rrset/raw/..., rdata/name/..., "
				"rdata/ip/..., rdata/raw/...) nor an address, CIDR, range or name");
	} else {
		r->q.kind = LB_Q_RRSET;
		if (set_name(&r->q, v, msg) != 200) {
			lb_query_free(&r->q);
			return 400;
		}
	}
	r->api = LB_API_LOOKUP;
	return 200;
}


int lb_http_basic_password(const char *value, char *out, size_t outsz)
{
	if (!value || !outsz)
		return 0;
	const char *p = value;
	while (*p == ' ' || *p == '\t')
		p++;
	if (strncasecmp(p, "basic", 5) || (p[5] && p[5] != ' ' && p[5] != '\t'))
		return 0;
	p += 5;
	while (*p == ' ' || *p == '\t')
		p++;
	size_t n = strlen(p);
	while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
		n--;
	if (!n || n % 4)
		return -1;
	size_t pad = p[n - 1] != '=' ? 0 : p[n - 2] != '=' ? 1 : 2;
	bool colon = false, fits = true;
	size_t o = 0;
	for (size_t i = 0; i < n; i += 4) {
		size_t sig = i + 4 == n ? 4 - pad : 4; /* digits in this quartet */
		uint32_t v = 0;
		for (size_t j = 0; j < 4; j++) {
			int d = j < sig ? lb_b64_digit(p[i + j]) : 0;
			if (d < 0)
				return -1; /* also a '=' before the end */
			v = v << 6 | (uint32_t)d;
		}
		for (size_t b = 0; b + 1 < sig; b++) {
			unsigned char c = (unsigned char)(v >> (16 - 8 * b));
			if (c < 0x20 || c == 0x7f)
				return -1;
			if (!colon) {
				colon = c == ':';
			} else if (o + 1 < outsz) {
				out[o++] = (char)c;
			} else {
				fits = false;
			}
		}
	}
	if (!colon)
		return -1;
	out[fits ? o : 0] = 0;
	return 1;
}

bool lb_http_target_clean(const char *target, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)target[i];
		if (c <= ' ' || c == 0x7f)
			return false;
	}
	return true;
}

bool lb_http_origin_form(char *t)
{
	size_t skip;
	if (!strncasecmp(t, "http://", 7))
		skip = 7;
	else if (!strncasecmp(t, "https://", 8))
		skip = 8;
	else
		return false;
	/* the authority ends at the path, the query or the end (RFC 3986 3.2) */
	const char *a = t + skip;
	size_t al = strcspn(a, "/?#");
	const char *rest = a + al;
	size_t rl = strlen(rest);
	if (*rest == '/') {
		memmove(t, rest, rl + 1);
	} else { /* empty path: "/" (RFC 9112 3.2.1); room: the scheme went */
		memmove(t + 1, rest, rl + 1);
		t[0] = '/';
	}
	return true;
}

bool lb_http_method_whole(const char *method, const char *uri, size_t max)
{
	uintptr_t m = (uintptr_t)method, u = (uintptr_t)uri;
	if (!method || !uri || u <= m || u - m > max)
		return true;
	return u - m == strnlen(method, u - m) + 1;
}

bool lb_http_field_name_ok(const char *name)
{
	if (!name || !*name)
		return false;
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		if (!isalnum(*p) && !strchr("!#$%&'*+-.^_`|~", *p))
			return false;
	return true;
}

static const char *ows(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* The end of a parameter value or media range at p: the next ';' or ','
 * outside a quoted-string, or the string's end. */
static const char *item_end(const char *p)
{
	bool quoted = false;
	for (; *p; p++) {
		if (quoted && *p == '\\' && p[1])
			p++;
		else if (*p == '"')
			quoted = !quoted;
		else if (!quoted && (*p == ';' || *p == ','))
			break;
	}
	return p;
}

/* A weight (RFC 9110 12.4.2: qvalue = "0" ["." 0*3DIGIT] / "1" ["." 0*3"0"])
 * in thousandths, from v[0..n).  Decimals past the third are let pass (one
 * that is not 0 keeps the weight above 0).  Anything that is no qvalue
 * counts as 1000: a weight is a preference, and refusing on one we cannot
 * read would refuse a client that meant to accept. */
static unsigned weight(const char *v, size_t n)
{
	if (!n || (v[0] != '0' && v[0] != '1') || (n > 1 && v[1] != '.'))
		return 1000;
	unsigned w = 0, scale = 100;
	bool more = false;
	for (size_t i = 2; i < n; i++) {
		if (v[i] < '0' || v[i] > '9')
			return 1000;
		w += (unsigned)(v[i] - '0') * scale;
		more |= !scale && v[i] != '0';
		scale /= 10;
	}
	if (v[0] == '1')
		return 1000; /* "1.5" is no qvalue: the most all the same */
	return !w && more ? 1 : w;
}

/* How specifically the media range r[0..n) names type t: 2 by its name, 1
 * by its type's wildcard (application/...), 0 by the wildcard of all, -1
 * not at all. */
static int range_spec(const char *r, size_t n, const char *t)
{
	if (n == 3 && !memcmp(r, "*/*", 3))
		return 0;
	const char *slash = strchr(t, '/');
	size_t tl = (size_t)(slash - t);
	if (n == tl + 2 && r[tl] == '/' && r[tl + 1] == '*' && !strncasecmp(r, t, tl))
		return 1;
	return n == strlen(t) && !strncasecmp(r, t, n) ? 2 : -1;
}

int lb_http_accept_pick(const char *accept, const char *const *offers, size_t n)
{
	if (!accept || !n || n > LB_HTTP_OFFERS_MAX)
		return n && n <= LB_HTTP_OFFERS_MAX ? 0 : -1;
	/* per offer: the most specific range naming it so far, and the
	 * highest weight a range of that specificity gives it (RFC 9110
	 * 12.5.1: the most specific reference has precedence) */
	int spec[LB_HTTP_OFFERS_MAX];
	unsigned w[LB_HTTP_OFFERS_MAX] = { 0 };
	for (size_t t = 0; t < n; t++)
		spec[t] = -1;
	bool named = false;
	const char *p = accept;
	while (*p) {
		p = ows(p);
		if (*p == ',') {
			p++;
			continue;
		}
		if (!*p)
			break;
		named = true;
		const char *e = item_end(p);
		size_t rn = (size_t)(e - p);
		while (rn && (p[rn - 1] == ' ' || p[rn - 1] == '\t'))
			rn--;
		const char *range = p;
		unsigned q = 1000;
		bool weighed = false;
		/* its parameters: the first "q" is the weight; others (charset=,
		 * profile=...) do not narrow what we answer */
		for (p = e; *p == ';';) {
			const char *k = ows(p + 1);
			const char *ke = item_end(k);
			if (!weighed && (k[0] == 'q' || k[0] == 'Q') && ows(k + 1)[0] == '=') {
				const char *v = ows(ows(k + 1) + 1);
				size_t vn = (size_t)(ke - v);
				while (vn && (v[vn - 1] == ' ' || v[vn - 1] == '\t'))
					vn--;
				q = weight(v, vn);
				weighed = true;
			}
			p = ke;
		}
		for (size_t t = 0; t < n; t++) {
			int sp = range_spec(range, rn, offers[t]);
			if (sp > spec[t]) {
				spec[t] = sp;
				w[t] = q;
			} else if (sp >= 0 && sp == spec[t] && q > w[t]) {
				w[t] = q; /* the same range twice: the kinder weight */
			}
		}
		if (*p == ',')
			p++;
	}
	if (!named)
		return 0;
	/* the highest weight; between equals, the server's order */
	int best = -1;
	for (size_t t = 0; t < n; t++)
		if (w[t] > 0 && (best < 0 || w[t] > w[best]))
			best = (int)t;
	return best;
}

/* The literal that every match of pat must end with (lower-case, in
 * lit[0..return)), or 0. */
static size_t flex_literal(const char *pat, bool glob, char *lit, size_t litsz)
{
	size_t n = strlen(pat), run = 0;
	if (glob) {
		/* after the last character with a meaning: * ? [ ] and \ */
		size_t start = 0;
		for (size_t i = 0; i < n; i++)
			if (strchr("*?[]\\", pat[i]))
				start = i + 1;
		for (size_t i = start; i < n && run < litsz; i++)
			lit[run++] = (char)tolower((unsigned char)pat[i]);
		return n - start <= litsz ? run : 0;
	}
	if (strchr(pat, '|') || n < 2 || pat[n - 1] != '$' || pat[n - 2] == '\\')
		return 0;
	/* tokens up to the final '$': literal characters extend the run,
	 * anything else (a class, group, any-character, escape sequence)
	 * ends it, and a quantifier takes back what it applies to */
	for (size_t i = 0; i + 1 < n; i++) {
		char c = pat[i];
		if (c == '\\') {
			char e = pat[i + 1];
			i++;
			if ((e == '.' || e == '-' || e == '_') && run < litsz)
				lit[run++] = e;
			else
				run = 0;
		} else if (isalnum((unsigned char)c) || c == '-' || c == '_') {
			if (run < litsz)
				lit[run++] = (char)tolower((unsigned char)c);
			else
				return 0;
		} else {
			run = 0; /* . ^ $ ( ) [ ] { } * + ? and the rest */
		}
	}
	return run;
}

size_t lb_http_flex_suffix(const char *pat, bool glob, char *out, size_t outsz)
{
	char lit[LB_HTTP_FLEX_MAX + 1];
	size_t n = flex_literal(pat, glob, lit, sizeof lit);
	if (n < 2 || lit[n - 1] != '.')
		return 0;
	/* from a label boundary: after the literal's first dot, or after its
	 * leading dot */
	const char *dot = memchr(lit, '.', n);
	size_t from = (size_t)(dot - lit) + 1;
	if (n - from < 2 || n - from + 1 > outsz)
		return 0; /* the root, or no room */
	for (size_t i = from; i < n; i++)
		if (lit[i] == '.' && (i == from || lit[i - 1] == '.'))
			return 0; /* an empty label: no name */
	memcpy(out, lit + from, n - from);
	out[n - from] = 0;
	return n - from;
}
