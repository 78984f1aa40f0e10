/*
 * query.c - query model, argument parsing and execution.
 */
#include "query/query.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "dns/name.h"
#include "dns/rrtype.h"
#include "query/group.h"
#include "store/keys.h"
#include "util/civil.h"
#include "util/digits.h"

void lb_query_init(lb_query_t *q)
{
	memset(q, 0, sizeof *q);
	q->limit = LB_QUERY_DEFAULT_LIMIT;
}

void lb_query_free(lb_query_t *q)
{
	free(q->raw);
	q->raw = NULL;
}

/* ---- parsing ---- */

static int fail(const char **msg, const char *m, int err)
{
	if (msg)
		*msg = m;
	return err;
}

int lb_query_parse_name(const char *text, lb_query_t *q, const char **msg)
{
	size_t n = strlen(text);
	enum lb_match m = LB_MATCH_EXACT;
	if (n == 0)
		return fail(msg, "empty name", LB_ETEXT);
	if (n > LB_NAME_TEXT_MAX)
		return fail(msg, "name too long", LB_ENAMELEN);
	char buf[LB_NAME_TEXT_MAX + 2];
	memcpy(buf, text, n + 1);
	char *s = buf;
	if (!strcmp(s, "*") || !strcmp(s, "*.")) {
		m = LB_MATCH_BELOW;
		s = (char *)".";
		n = 1;
	} else if (n >= 2 && s[0] == '*' && s[1] == '.') {
		m = LB_MATCH_BELOW;
		s += 2;
		n -= 2;
	} else {
		/* a last label "*" after a dot that no backslash escapes
		 * (the text www.example\.* is the labels www and example.*) */
		size_t w = 0;
		if (n >= 3 && !strcmp(s + n - 3, ".*."))
			w = 3;
		else if (n >= 2 && !strcmp(s + n - 2, ".*"))
			w = 2;
		size_t bs = 0;
		while (w && bs < n - w && s[n - w - 1 - bs] == '\\')
			bs++;
		if (w && bs % 2 == 0) {
			s[n - w] = 0;
			n -= w;
			m = LB_MATCH_ABOVE_PREFIX;
		}
	}
	if (n == 0)
		return fail(msg, "empty name", LB_ETEXT);
	/* any other label that begins with '*' (after a dot that is not
	 * escaped) is a wildcard in the wrong place: a middle label
	 * (www.*.com) or a mistyped one (*com, **.com), not a name to look up;
	 * a '*' further into a label is a literal (foo*.com), and \* is one */
	bool label_start = true;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\\' && i + 1 < n) {
			i++;
			label_start = false;
			continue;
		}
		if (s[i] == '*' && label_start)
			return fail(msg, "'*' is a wildcard only as the whole first or last label "
					 "(*.example.com, www.example.*; a literal '*' is \\*)", LB_ETEXT);
		label_start = s[i] == '.';
	}
	if (m == LB_MATCH_ABOVE_PREFIX && !strcmp(s, "."))
		return fail(msg, "right-hand wildcard needs at least one label", LB_ETEXT);
	int len = lb_name_from_text(s, n, NULL, q->name, sizeof q->name);
	if (len < 0)
		return fail(msg, "malformed name", len);
	lb_name_lower(q->name);
	q->name_len = (size_t)len;
	q->match = m;
	return 0;
}

static int parse_addr(const char *s, uint8_t *fam, uint8_t out[16])
{
	char b[64];
	size_t n = strlen(s);
	if (n == 0 || n >= sizeof b)
		return -1;
	memcpy(b, s, n + 1);
	memset(out, 0, 16);
	if (inet_pton(AF_INET, b, out) == 1) {
		*fam = 4;
		return 0;
	}
	if (inet_pton(AF_INET6, b, out) == 1) {
		*fam = 6;
		return 0;
	}
	return -1;
}

int lb_query_parse_ip(const char *text, lb_query_t *q, const char **msg)
{
	char b[128];
	size_t n = strlen(text);
	if (n == 0 || n >= sizeof b)
		return fail(msg, "bad address", LB_ETEXT);
	memcpy(b, text, n + 1);
	char *sep = strpbrk(b, "/,");
	char *dash = strchr(b, '-');
	if (sep && dash)
		return fail(msg, dash > sep ? "bad prefix length (0-32 for IPv4, 0-128 for IPv6)"
					    : "use either a prefix length or a range", LB_ETEXT);
	if (dash) {
		*dash = 0;
		uint8_t f2;
		if (parse_addr(b, &q->family, q->lo) || parse_addr(dash + 1, &f2, q->hi))
			return fail(msg, "bad address in range", LB_ETEXT);
		if (f2 != q->family)
			return fail(msg, "range mixes IPv4 and IPv6", LB_ETEXT);
		if (memcmp(q->lo, q->hi, 16) > 0)
			return fail(msg, "range start is above its end", LB_ETEXT);
		return 0;
	}
	long plen = -1;
	if (sep) {
		*sep = 0;
		char *end;
		if (!isdigit((unsigned char)sep[1]))
			return fail(msg, "bad prefix length", LB_ETEXT);
		plen = strtol(sep + 1, &end, 10);
		if (*end)
			return fail(msg, "bad prefix length", LB_ETEXT);
	}
	if (parse_addr(b, &q->family, q->lo))
		return fail(msg, "bad address", LB_ETEXT);
	long bits = q->family == 4 ? 32 : 128;
	if (plen < 0)
		plen = bits;
	if (plen > bits)
		return fail(msg, "prefix length too long for the address family", LB_ETEXT);
	memcpy(q->hi, q->lo, 16);
	size_t al = (size_t)bits / 8;
	for (size_t i = 0; i < al; i++) {
		long keep = plen - (long)i * 8;
		uint8_t mask = keep >= 8 ? 0xff : keep <= 0 ? 0 : (uint8_t)(0xff << (8 - keep));
		q->lo[i] &= mask;
		q->hi[i] = (uint8_t)(q->lo[i] | (uint8_t)~mask);
	}
	return 0;
}

int lb_query_parse_types(const char *text, lb_query_t *q, const char **msg)
{
	char b[256];
	size_t n = strlen(text);
	if (n == 0 || n >= sizeof b)
		return fail(msg, "bad type list", LB_ETEXT);
	memcpy(b, text, n + 1);
	q->ntypes = 0;
	q->tmode = LB_TYPES_LIST;
	char *save = NULL;
	for (char *t = strtok_r(b, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		if (!strcasecmp(t, "ANY")) {
			q->tmode = LB_TYPES_ANY;
		} else if (!strcasecmp(t, "ANY-DNSSEC")) {
			q->tmode = LB_TYPES_ANY_DNSSEC;
		} else if (!strcasecmp(t, "ALL")) {
			q->tmode = LB_TYPES_ALL;
		} else {
			uint16_t ty;
			if (lb_rrtype_from_text(t, &ty) != 0)
				return fail(msg, "unknown RR type", LB_ETEXT);
			if (q->ntypes == sizeof q->types / sizeof q->types[0])
				return fail(msg, "too many types (at most 16)", LB_ETEXT);
			q->types[q->ntypes++] = ty;
			continue;
		}
		if (n != strlen(t))
			return fail(msg, "ANY, ANY-DNSSEC and ALL stand alone", LB_ETEXT);
	}
	if (q->tmode == LB_TYPES_LIST && q->ntypes == 0)
		return fail(msg, "bad type list", LB_ETEXT);
	return 0;
}

/* A span as dnsdbq's relative times and BIND's TTLs write it: one or more
 * groups of digits and a unit (s m h d w, either case): "1w", "2d12h",
 * "1w2d3h4m5s".  At most 100000 years in all, else LB_ELIMIT. */
static int parse_span(const char *s, uint64_t *out)
{
	const uint64_t most = 100000ull * 365 * 86400;
	uint64_t total = 0;
	if (!*s)
		return LB_ETEXT;
	while (*s) {
		if (!isdigit((unsigned char)*s))
			return LB_ETEXT;
		uint64_t v = 0;
		while (isdigit((unsigned char)*s)) {
			v = v * 10 + (uint64_t)(*s++ - '0');
			if (v > most)
				return LB_ELIMIT;
		}
		uint64_t mul;
		switch (*s) {
		case 's': case 'S': mul = 1; break;
		case 'm': case 'M': mul = 60; break;
		case 'h': case 'H': mul = 3600; break;
		case 'd': case 'D': mul = 86400; break;
		case 'w': case 'W': mul = 7 * 86400; break;
		default: return LB_ETEXT;
		}
		s++;
		if (v > (most - total) / mul)
			return LB_ELIMIT;
		total += v * mul;
	}
	*out = total;
	return 0;
}

int lb_query_parse_time(const char *text, uint64_t now, bool up, uint64_t *out, const char **msg)
{
	const char *s = text;
	size_t n = strlen(s);
	if (n == 0 || n > 40)
		return fail(msg, "bad time", LB_ETEXT);
	size_t i = 0;
	while (i < n && isdigit((unsigned char)s[i]))
		i++;
	/* relative: "-3600" (seconds), "-7d", "-1w2d", or dnsdbq's "7d", "1w2d" */
	bool neg = s[0] == '-';
	if (neg || (i > 0 && i < n && strchr("smhdwSMHDW", s[i]))) {
		const char *r = s + neg;
		uint64_t back = 0;
		size_t d = strspn(r, "0123456789");
		int e;
		if (d > 0 && r[d] == '\0') {
			if (d > 13 || strtoull(r, NULL, 10) > 100000ull * 365 * 86400)
				return fail(msg, "relative time too far back", LB_ETEXT);
			back = strtoull(r, NULL, 10);
		} else if ((e = parse_span(r, &back)) != 0) {
			return fail(msg, e == LB_ELIMIT ? "relative time too far back"
							 : "bad relative time (-3600, 7d, 1w2d: s m h d w)",
				    LB_ETEXT);
		}
		*out = now > back ? now - back : 0;
		return 0;
	}
	if (i == n) {
		if (n > 12)
			return fail(msg, "time out of range", LB_ETEXT);
		*out = strtoull(s, NULL, 10);
		return 0;
	}
	int64_t t;
	uint32_t us = 0;
	switch (lb_iso8601_parse(s, n, LB_ISO_DATE_ONLY | LB_ISO_NO_SECONDS, &t, &us)) {
	case 0: break;
	case LB_ISO_EOFFSET: return fail(msg, "bad UTC offset", LB_ETEXT);
	case LB_ISO_ERANGE: return fail(msg, "time out of range", LB_ETEXT);
	default:
		return fail(msg, n < 10 || s[4] != '-' ? "bad time (epoch seconds, ISO 8601, or relative: -3600, 7d, 1w2d)"
						       : "bad ISO 8601 time", LB_ETEXT);
	}
	*out = (uint64_t)t + (up && us > 0);
	return 0;
}


int lb_query_parse_hex(const char *text, uint8_t **out, size_t *len, const char **msg)
{
	size_t n = strlen(text);
	if (n == 0 || n % 2 || n / 2 > 65535)
		return fail(msg, "hex needs an even number of digits (1..65535 bytes)", LB_ETEXT);
	uint8_t *b = malloc(n / 2);
	if (!b)
		return LB_ENOMEM;
	for (size_t i = 0; i < n / 2; i++) {
		int h = lb_hex_digit(text[2 * i]), l = lb_hex_digit(text[2 * i + 1]);
		if (h < 0 || l < 0) {
			free(b);
			return fail(msg, "bad hex digit", LB_ETEXT);
		}
		b[i] = (uint8_t)(h << 4 | l);
	}
	*out = b;
	*len = n / 2;
	return 0;
}

/* ---- filters ---- */

bool lb_query_ip_types_ok(const lb_query_t *q, bool all_ok)
{
	if (q->tmode == LB_TYPES_ANY || (all_ok && q->tmode == LB_TYPES_ALL))
		return true;
	bool ok = q->tmode == LB_TYPES_LIST;
	for (size_t i = 0; ok && i < q->ntypes; i++)
		ok = q->types[i] == LB_T_A || q->types[i] == LB_T_AAAA;
	return ok;
}

bool lb_query_type_ok(const lb_query_t *q, uint16_t type)
{
	switch (q->tmode) {
	case LB_TYPES_ANY: return !lb_rrtype_is_dnssec(type);
	case LB_TYPES_ANY_DNSSEC: return lb_rrtype_is_dnssec(type);
	case LB_TYPES_ALL: return true;
	case LB_TYPES_LIST:
		for (size_t i = 0; i < q->ntypes; i++)
			if (q->types[i] == type)
				return true;
		return false;
	}
	return false;
}

/* The times a record was seen: its sensor times, or - when only zone files
 * gave it - its zone times (as dnsdbq chooses them).  The time fences and
 * the sort orders first/last use these. */
static void seen_times(const lb_store_val_t *v, uint64_t *first, uint64_t *last)
{
	*first = v->time_first;
	*last = v->time_last;
	if (!*last && v->zone_last) {
		*first = v->zone_first;
		*last = v->zone_last;
	}
}

bool lb_query_time_ok(const lb_query_t *q, const lb_store_val_t *v)
{
	uint64_t first, last;
	seen_times(v, &first, &last);
	if (q->has_first_before && first > q->first_before)
		return false;
	if (q->has_first_after && first < q->first_after)
		return false;
	if (q->has_last_before && last > q->last_before)
		return false;
	if (q->has_last_after && last < q->last_after)
		return false;
	return true;
}

/* ---- execution ---- */

void lb_query_sum_add(lb_summary_t *s, const lb_store_val_t *v)
{
	s->num_results++;
	s->count += v->count;
	if (v->time_last) {
		if (!s->time_first || v->time_first < s->time_first)
			s->time_first = v->time_first;
		if (v->time_last > s->time_last)
			s->time_last = v->time_last;
	}
	if (v->zone_last) {
		if (!s->zone_first || v->zone_first < s->zone_first)
			s->zone_first = v->zone_first;
		if (v->zone_last > s->zone_last)
			s->zone_last = v->zone_last;
	}
}

static int build_scan(const lb_query_t *q, lb_store_scan_t *sc)
{
	memset(sc, 0, sizeof *sc);
	sc->match = q->match;
	sc->name = q->name;
	sc->name_len = q->name_len;
	if (q->tmode == LB_TYPES_LIST && q->ntypes == 1)
		sc->type = q->types[0];
	switch (q->kind) {
	case LB_Q_RRSET: sc->kind = LB_SCAN_RRSET; break;
	case LB_Q_RRSET_RAW:
		sc->kind = LB_SCAN_RRSET;
		sc->match = LB_MATCH_EXACT;
		break;
	case LB_Q_RDATA_NAME: sc->kind = LB_SCAN_RDATA_NAME; break;
	case LB_Q_NEGATIVE: sc->kind = LB_SCAN_NEG; break;
	case LB_Q_RDATA_IP:
		sc->kind = LB_SCAN_RDATA_IP;
		sc->family = q->family;
		memcpy(sc->lo, q->lo, 16);
		memcpy(sc->hi, q->hi, 16);
		sc->type = 0;
		break;
	case LB_Q_RDATA_RAW:
		sc->kind = LB_SCAN_RDATA_RAW;
		sc->raw = q->raw;
		sc->raw_len = q->raw_len;
		break;
	default:
		return LB_EINVAL;
	}
	return 0;
}

/* ---- pull-style execution: one filtered record at a time ---- */

struct lb_query_cur {
	const lb_query_t *q;
	lb_store_iter_t *it;
	uint64_t matched;   /* rows that passed the filters */
	uint64_t emitted;   /* rows handed out (after offset) */
	bool limited;
	bool done;
	unsigned budget;       /* lb_query_cur_set_budget: 0 = none */
	uint32_t row, nrows;   /* the current record's next row, its row count */
	lb_store_rec_t rec;    /* unaggregated: the record being split into rows */
	/* merging across bailiwicks (q->merge_bailiwicks, see group_next) */
	lb_store_t *s;
	lb_qgroup_t *g;        /* NULL: no merging */
	size_t gi;             /* the group's next record to hand out */
	bool gout;             /* handing the group out */
	bool gend;             /* the iterator has ended */
	bool has_pend;         /* pend begins the next group */
	uint64_t splits;       /* groups cut at their bound (lb_query_cur_splits) */
	lb_store_rec_t pend;   /* (its pointers are the iterator's: valid, as the
				* iterator does not move while the group goes out) */
};

/* Unaggregated rows of a value (see query.h): one per run when the run
 * counts are known and there are sensor times, plus one for zone times;
 * else the one aggregated row. */
static uint32_t rows_of(const lb_store_val_t *v)
{
	if (v->runs_uncounted || v->nruns == 0 || v->nruns > LB_STORE_MAX_RUNS ||
	    (!v->time_last && !v->count))
		return 1;
	return v->nruns + (v->zone_last ? 1 : 0);
}

/* Row i of rec (rows_of(&rec->val) rows) into r. */
static void make_row(const lb_store_rec_t *rec, uint32_t i, uint32_t nrows, lb_store_rec_t *r)
{
	const lb_store_val_t *v = &rec->val;
	memcpy(r, rec, offsetof(lb_store_rec_t, val));
	memcpy(&r->val, v, offsetof(lb_store_val_t, runs));
	if (nrows == 1) { /* the aggregated row as it is (one run, or not split) */
		r->val.nruns = v->nruns > LB_STORE_MAX_RUNS ? LB_STORE_MAX_RUNS : v->nruns;
		memcpy(r->val.runs, v->runs, r->val.nruns * sizeof v->runs[0]);
		return;
	}
	if (i == v->nruns) { /* the zone times' own row */
		r->val.time_first = r->val.time_last = r->val.count = 0;
		r->val.nruns = 0;
		return;
	}
	const lb_dayrun_t *run = &v->runs[i];
	uint64_t lo = (uint64_t)run->start * 86400;
	uint64_t hi = ((uint64_t)run->start + run->len) * 86400 - 1;
	uint64_t first = v->time_first > lo ? v->time_first : lo;
	uint64_t last = v->time_last < hi ? v->time_last : hi;
	if (first > last) { /* a run outside the value's times: the run's own days */
		first = lo;
		last = hi;
	}
	r->val.time_first = first;
	r->val.time_last = last;
	r->val.count = run->count;
	r->val.zone_first = r->val.zone_last = 0;
	r->val.runs_uncounted = 0;
	r->val.nruns = 1;
	r->val.runs[0] = *run;
}

/* True if r passes the query's type and bailiwick filters. */
static bool rec_wanted(const lb_query_t *q, const lb_store_rec_t *r)
{
	if (!lb_query_type_ok(q, r->type))
		return false;
	if (q->has_bailiwick &&
	    (!r->bailiwick || r->bailiwick_len != q->bailiwick_len ||
	     !lb_name_equal(r->bailiwick, q->bailiwick)))
		return false;
	return true;
}

/* Whether q's records are merged across bailiwicks: COF answers of rrset and
 * negative lookups, aggregated, and not of one bailiwick (where nothing is
 * to merge). */
static bool merges(const lb_query_t *q)
{
	return q->merge_bailiwicks && !q->unaggregated && !q->has_bailiwick &&
	       (q->kind == LB_Q_RRSET || q->kind == LB_Q_RRSET_RAW || q->kind == LB_Q_NEGATIVE);
}

int lb_query_cur_new(lb_store_t *s, const lb_query_t *q, lb_query_cur_t **out)
{
	*out = NULL;
	lb_store_scan_t sc;
	int err = build_scan(q, &sc);
	if (err)
		return err;
	lb_query_cur_t *c = calloc(1, sizeof *c);
	if (!c)
		return LB_ENOMEM;
	c->q = q;
	c->s = s;
	if (merges(q))
		err = lb_qgroup_new(LB_QUERY_MERGE_MAX_SETS, LB_QUERY_MERGE_MAX_BYTES, &c->g);
	if (err) {
		free(c);
		return err;
	}
	err = lb_store_iter_new(s, &sc, &c->it);
	if (err) {
		lb_qgroup_free(c->g);
		free(c);
		return err;
	}
	*out = c;
	return 0;
}

/* group_next: a record went into the group, none to hand out yet */
#define TAKEN 3

/*
 * The next merged record (merging cursors): the store's records of one owner
 * and type are gathered into c->g (one step of work per call: TAKEN), then
 * handed out one per call (1); 0 at the end, LB_STORE_AGAIN, or < 0 (store
 * error, LB_ENOMEM).  The record that ends a group (another owner or type,
 * or a new rdata set past the group's bound) waits in c->pend and begins
 * the next group.  The filters by type and bailiwick apply before merging,
 * the time fences, offset and limit to the merged records (the caller).
 */
static int group_next(lb_query_cur_t *c, lb_store_rec_t *r)
{
	if (c->gout) {
		if (c->gi < lb_qgroup_count(c->g)) {
			lb_qgroup_get(c->g, c->gi++, c->s, r);
			return 1;
		}
		lb_qgroup_clear(c->g);
		c->gout = false;
		c->gi = 0;
		if (c->has_pend) {
			c->has_pend = false;
			int err = lb_qgroup_add(c->g, &c->pend); /* an empty group takes it */
			if (err < 0)
				return err;
		}
	}
	if (c->gend)
		return 0;
	int n = lb_store_iter_next(c->it, r);
	if (n == LB_STORE_AGAIN || n < 0)
		return n;
	if (n == 0) {
		c->gend = true;
		c->gout = lb_qgroup_count(c->g) > 0;
		return c->gout ? TAKEN : 0;
	}
	if (!rec_wanted(c->q, r))
		return TAKEN;
	int err = lb_qgroup_add(c->g, r);
	if (err == LB_QGROUP_OTHER || err == LB_QGROUP_FULL) {
		if (err == LB_QGROUP_FULL)
			c->splits++;
		c->pend = *r;
		c->has_pend = true;
		c->gout = true;
		return TAKEN;
	}
	return err < 0 ? err : TAKEN;
}

int lb_query_cur_next(lb_query_cur_t *c, lb_store_rec_t *r)
{
	const lb_query_t *q = c->q;
	if (c->done)
		return 0;
	int n = 1;
	unsigned steps = 0;
	for (;;) {
		/* the state is all in c: a spent budget returns at the loop's top */
		if (c->budget && steps++ >= c->budget)
			return LB_QUERY_AGAIN;
		if (c->row == c->nrows) { /* the next record */
			lb_store_rec_t *src = q->unaggregated ? &c->rec : r;
			n = c->g ? group_next(c, src) : lb_store_iter_next(c->it, src);
			if (n == LB_STORE_AGAIN)
				return LB_QUERY_AGAIN;
			if (n == TAKEN)
				continue;
			if (n <= 0)
				break;
			if (!rec_wanted(q, src))
				continue;
			c->row = 0;
			c->nrows = q->unaggregated ? rows_of(&src->val) : 1;
		}
		if (q->unaggregated)
			make_row(&c->rec, c->row, c->nrows, r);
		c->row++;
		if (!lb_query_time_ok(q, &r->val))
			continue;
		/* (a summary, too, is of the results --offset and --limit select:
		 * DNSDB's, and this server's, summarize) */
		if (c->matched++ < q->offset)
			continue;
		if (q->limit && c->emitted == q->limit) {
			c->limited = true;
			c->done = true;
			return 0;
		}
		c->emitted++;
		return 1;
	}
	if (n <= 0)
		c->done = true;
	return n;
}

void lb_query_cur_set_budget(lb_query_cur_t *c, unsigned steps)
{
	c->budget = steps;
	lb_store_iter_set_budget(c->it, steps);
}

bool lb_query_cur_limited(const lb_query_cur_t *c) { return c->limited; }

uint64_t lb_query_cur_splits(const lb_query_cur_t *c) { return c->splits; }

void lb_query_cur_free(lb_query_cur_t *c)
{
	if (!c)
		return;
	lb_store_iter_free(c->it);
	lb_qgroup_free(c->g);
	free(c);
}

/* ---- sorting: results are kept as (counters, sort name, store key) blobs ---- */

struct sorted {
	lb_store_val_t *val;   /* counters only: the day runs are not kept */
	uint8_t *name;         /* label-reversed owner (DNS order) */
	size_t name_len;
	uint8_t *key;          /* the record's store key, decoded again for output */
	size_t key_len;
	uint8_t *data;         /* --sort data: the rdata set, each RR as a 2-byte length
				* (host order) and its octets; NULL otherwise */
	size_t data_len;
	uint16_t type;
};

static int sort_desc;
static enum lb_sort sort_by;

static int cmp_u64(uint64_t a, uint64_t b) { return a < b ? -1 : a > b; }

static int cmp_bytes(const uint8_t *a, size_t al, const uint8_t *b, size_t bl)
{
	int c = memcmp(a, b, al < bl ? al : bl);
	return c ? c : cmp_u64(al, bl);
}

/* Names in label-reversed form (lb_kbuf_rname: length-prefixed labels from the
 * top) in DNS canonical order (RFC 4034 6.1): label by label from the top, each
 * label's octets compared as unsigned strings - "blog" before "www" before
 * "z" - and a name before the names below it. */
static int cmp_rname(const uint8_t *a, size_t an, const uint8_t *b, size_t bn)
{
	size_t i = 0, j = 0;
	while (i < an && j < bn) {
		size_t la = a[i], lb = b[j];
		if (la > an - i - 1 || lb > bn - j - 1)
			break; /* (malformed: the bytes decide) */
		size_t m = la < lb ? la : lb;
		int c = memcmp(a + i + 1, b + j + 1, m);
		if (c)
			return c;
		if (la != lb)
			return la < lb ? -1 : 1;
		i += 1 + la;
		j += 1 + lb;
	}
	if (i >= an || j >= bn)
		return (i < an) - (j < bn);
	return cmp_bytes(a + i, an - i, b + j, bn - j);
}

/* --sort data: RR by RR, each rdata's octets as an unsigned string, the
 * shorter first at a tie (RFC 4034 6.3's canonical RR order: addresses in
 * numeric order); a set that is a prefix of another first */
static int cmp_data(const struct sorted *a, const struct sorted *b)
{
	size_t i = 0, j = 0;
	while (i + 2 <= a->data_len && j + 2 <= b->data_len) {
		uint16_t al, bl;
		memcpy(&al, a->data + i, 2);
		memcpy(&bl, b->data + j, 2);
		int c = cmp_bytes(a->data + i + 2, al, b->data + j + 2, bl);
		if (c)
			return c;
		i += 2 + (size_t)al;
		j += 2 + (size_t)bl;
	}
	return cmp_u64(a->data_len - i, b->data_len - j);
}

static int sorted_cmp(const void *pa, const void *pb)
{
	const struct sorted *a = pa, *b = pb;
	int c = 0;
	uint64_t af, al, bf, bl;
	seen_times(a->val, &af, &al);
	seen_times(b->val, &bf, &bl);
	switch (sort_by) {
	case LB_SORT_FIRST: c = cmp_u64(af, bf); break;
	case LB_SORT_LAST: c = cmp_u64(al, bl); break;
	case LB_SORT_COUNT: c = cmp_u64(a->val->count, b->val->count); break;
	case LB_SORT_DURATION: c = cmp_u64(al > af ? al - af : 0, bl > bf ? bl - bf : 0); break;
	case LB_SORT_TYPE: c = cmp_u64(a->type, b->type); break;
	case LB_SORT_DATA: c = cmp_data(a, b); break;
	default: break;
	}
	if (!c) /* then by name, then by the whole key: a total order */
		c = cmp_rname(a->name, a->name_len, b->name, b->name_len);
	if (!c)
		c = cmp_bytes(a->key, a->key_len, b->key, b->key_len);
	return sort_desc ? -c : c;
}

static void sorted_free(struct sorted *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].val);
	free(v);
}

/* The kept entries as a heap with the one that sorts last on top. */
static void heap_down(struct sorted *v, size_t n, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, m = i;
		if (l < n && sorted_cmp(&v[l], &v[m]) > 0)
			m = l;
		if (l + 1 < n && sorted_cmp(&v[l + 1], &v[m]) > 0)
			m = l + 1;
		if (m == i)
			return;
		struct sorted t = v[i];
		v[i] = v[m];
		v[m] = t;
		i = m;
	}
}

static void heap_up(struct sorted *v, size_t i)
{
	while (i > 0 && sorted_cmp(&v[i], &v[(i - 1) / 2]) > 0) {
		struct sorted t = v[i];
		v[i] = v[(i - 1) / 2];
		v[(i - 1) / 2] = t;
		i = (i - 1) / 2;
	}
}

/* What a held result takes: its slot and its copy of counters, owner, key. */
static size_t sorted_bytes(const struct sorted *e)
{
	return sizeof *e + offsetof(lb_store_val_t, runs) + e->name_len + e->key_len + e->data_len;
}

/*
 * Keep r among the sorted results: at most `keep` of them, in at most
 * max_bytes (*held: what they take now).  With top set (--limit and
 * --offset select at most keep), only the keep first in the order are held
 * (a heap; *dropped tells that others were left out), so a sort for 10
 * results holds 10, not every match; without, past keep (LB_QUERY_SORT_MAX)
 * is LB_ELIMIT.  Past max_bytes is LB_ELIMIT either way: the count alone let
 * a million rrsets of large rdata be held.
 */
static int keep_sorted(struct sorted **v, size_t *n, size_t *cap, size_t keep, bool top,
		       uint64_t max_bytes, uint64_t *held, bool *dropped, const lb_store_rec_t *r)
{
	if (*n == keep && !top)
		return LB_ELIMIT;
	if (*n == *cap && *n < keep) {
		size_t nc = *cap ? *cap * 2 : 1024;
		if (nc > keep)
			nc = keep;
		struct sorted *nv = realloc(*v, nc * sizeof *nv);
		if (!nv)
			return LB_ENOMEM;
		*v = nv;
		*cap = nc;
	}
	lb_kbuf_t k = { 0 }, nm = { 0 };
	const uint8_t *t;
	switch (r->kind) {
	case LB_REC_RRSET: lb_key_rrset(&k, r); break;
	case LB_REC_RDATA: lb_key_rdata(&k, r, 0, 0, &t, NULL); break; /* in full */
	case LB_REC_NEG: lb_key_neg(&k, r); break;
	default: return LB_EINVAL;
	}
	lb_kbuf_rname(&nm, r->owner);
	size_t vs = offsetof(lb_store_val_t, runs);
	size_t dl = 0;
	if (sort_by == LB_SORT_DATA)
		for (size_t i = 0; i < r->nrdata; i++)
			dl += 2 + r->rdlen[i];
	uint8_t *blob = k.err || nm.err ? NULL : malloc(vs + nm.len + k.len + dl);
	if (!blob) {
		lb_kbuf_free(&k);
		lb_kbuf_free(&nm);
		return LB_ENOMEM;
	}
	struct sorted e;
	memcpy(blob, &r->val, vs);
	e.val = (lb_store_val_t *)(void *)blob;
	e.name = blob + vs;
	e.name_len = nm.len;
	memcpy(e.name, nm.p, nm.len);
	e.key = e.name + nm.len;
	e.key_len = k.len;
	memcpy(e.key, k.p, k.len);
	e.type = r->type;
	e.data = dl ? e.key + k.len : NULL;
	e.data_len = dl;
	for (size_t i = 0, o = 0; dl && i < r->nrdata; i++) {
		uint16_t l = r->rdlen[i];
		memcpy(e.data + o, &l, 2);
		memcpy(e.data + o + 2, r->rdata[i], l);
		o += 2 + (size_t)l;
	}
	lb_kbuf_free(&k);
	lb_kbuf_free(&nm);
	uint64_t add = sorted_bytes(&e);
	uint64_t sub = *n < keep ? 0 : sorted_bytes(&(*v)[0]);
	if (*held - sub + add > max_bytes && (*n < keep || sorted_cmp(&e, &(*v)[0]) < 0)) {
		free(e.val);
		return LB_ELIMIT;
	}
	if (*n < keep) {
		*held += add;
		(*v)[*n] = e;
		if (top)
			heap_up(*v, *n);
		(*n)++;
		return 0;
	}
	*dropped = true;
	if (sorted_cmp(&e, &(*v)[0]) < 0) {
		*held = *held - sub + add;
		free((*v)[0].val);
		(*v)[0] = e;
		heap_down(*v, *n, 0);
	} else {
		free(e.val);
	}
	return 0;
}

/* The summary of a run, with what cut it short. */
static void out_summary(lb_out_t *out, const lb_query_t *q, lb_query_result_t *res)
{
	res->results = res->sum.num_results;
	lb_out_summary(out, &res->sum);
	if (res->count_reached && out->fmt == LB_FMT_TEXT)
		fprintf(out->f, "\n;; max count reached: the count summed up to %llu, more "
				"records exist (raise --max-count)\n",
			(unsigned long long)q->max_count);
	lb_out_end(out, res->limited, q->limit);
}

/* Sorted run: collect every match (at most LB_QUERY_SORT_MAX, in at most
 * sort_bytes_max), sort, then offset/limit; a summary (--summarize) is of
 * the results they select in that order, and --max-count counts in it. */
static int run_sorted(lb_store_t *s, const lb_query_t *q, lb_out_t *out, lb_query_result_t *res)
{
	lb_query_t all = *q;
	all.limit = 0;
	all.offset = 0;
	all.raw = q->raw; /* borrowed, not freed here */
	lb_query_cur_t *c = NULL;
	int err = lb_query_cur_new(s, &all, &c);
	if (err)
		return err;
	struct sorted *sv = NULL;
	size_t ns = 0, cap = 0;
	lb_store_rec_t r;
	const char *srcnames[LB_STORE_MAX_SOURCES];
	int n;
	/* --limit (and --offset) within the cap: only the results they select are held */
	bool top = q->limit && q->offset <= LB_QUERY_SORT_MAX &&
		   q->limit <= LB_QUERY_SORT_MAX - q->offset;
	size_t keep = top ? (size_t)(q->offset + q->limit) : LB_QUERY_SORT_MAX;
	uint64_t max_bytes = q->sort_bytes_max ? q->sort_bytes_max : LB_QUERY_SORT_BYTES, held = 0;
	bool dropped = false;
	sort_by = q->sort;
	sort_desc = q->reverse;
	while ((n = lb_query_cur_next(c, &r)) > 0)
		if ((n = keep_sorted(&sv, &ns, &cap, keep, top, max_bytes, &held, &dropped, &r)) != 0)
			break;
	res->splits = lb_query_cur_splits(c);
	lb_query_cur_free(c);
	lb_kdec_t *dec = n >= 0 ? malloc(sizeof *dec) : NULL;
	if (n >= 0 && !dec)
		n = LB_ENOMEM;
	if (n >= 0) {
		if (!q->summarize)
			lb_out_begin(out, q);
		if (ns)
			qsort(sv, ns, sizeof *sv, sorted_cmp); /* (sv is NULL when ns is 0) */
		for (size_t i = q->offset < ns ? (size_t)q->offset : ns; i < ns; i++) {
			if (q->limit && res->results == q->limit) {
				res->limited = true;
				break;
			}
			if (q->summarize) {
				if (q->max_count && res->sum.count >= q->max_count) {
					res->count_reached = true; /* and another record exists */
					break;
				}
				lb_store_val_t v;
				memcpy(&v, sv[i].val, offsetof(lb_store_val_t, runs));
				lb_query_sum_add(&res->sum, &v);
				res->results++;
				continue;
			}
			if ((n = lb_key_decode(sv[i].key, sv[i].key_len, dec, &r)) != 0)
				break;
			memcpy(&r.val, sv[i].val, offsetof(lb_store_val_t, runs));
			r.val.nruns = 0;
			r.nsources = lb_store_source_names(s, &r.val, srcnames);
			r.sources = srcnames;
			r.sources_more = r.val.src_more != 0;
			lb_out_rec(out, &r);
			res->results++;
		}
		if (dropped && res->results == q->limit)
			res->limited = true; /* more matched than were held */
		if (n >= 0 && q->summarize)
			out_summary(out, q, res);
		else if (n >= 0)
			lb_out_end(out, res->limited, q->limit);
	}
	free(dec);
	sorted_free(sv, ns);
	return n < 0 ? n : 0;
}

int lb_query_run(lb_store_t *s, const lb_query_t *q, lb_out_t *out, lb_query_result_t *res)
{
	memset(res, 0, sizeof *res);
	/* the order decides which results --offset, --limit and --max-count
	 * select, for a summary too; a summary of them all is the same in any */
	if (q->sort != LB_SORT_NONE && (!q->summarize || q->limit || q->offset || q->max_count))
		return run_sorted(s, q, out, res);
	lb_query_cur_t *c = NULL;
	int err = lb_query_cur_new(s, q, &c);
	if (err)
		return err;
	if (!q->summarize)
		lb_out_begin(out, q);
	lb_store_rec_t r;
	int n;
	while ((n = lb_query_cur_next(c, &r)) > 0) {
		if (q->summarize) {
			if (q->max_count && res->sum.count >= q->max_count) {
				res->count_reached = true; /* and another record exists */
				n = 0;
				break;
			}
			lb_query_sum_add(&res->sum, &r.val);
			continue;
		}
		lb_out_rec(out, &r);
		res->results++;
	}
	res->limited = lb_query_cur_limited(c) && !res->count_reached;
	res->splits = lb_query_cur_splits(c);
	lb_query_cur_free(c);
	if (n < 0)
		return n;
	if (q->summarize)
		out_summary(out, q, res);
	else
		lb_out_end(out, res->limited, q->limit);
	return 0;
}
