/*
 * args.c - query options from the command line (see args.h).
 */
#include "query/args.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/name.h"

static int bad(const lb_qargs_t *a, const char *what, const char *arg, const char *msg)
{
	fprintf(stderr, "%s: bad %s '%s': %s\n", a->prog, what, arg, msg ? msg : "invalid");
	return -1;
}

static int parse_u64(const char *s, uint64_t *out)
{
	char *end;
	if (!*s || *s == '-')
		return -1;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (*end || errno == ERANGE)
		return -1;
	*out = v;
	return 0;
}

void lb_qargs_init(lb_qargs_t *a, lb_query_t *q, const char *prog, uint64_t now)
{
	memset(a, 0, sizeof *a);
	a->q = q;
	a->prog = prog;
	a->now = now;
}

static int raw_opt(lb_qargs_t *a, int c, const char *arg)
{
	lb_query_t *q = a->q;
	const char *msg = NULL;
	a->lookups++;
	free(q->raw);
	q->raw = NULL;
	if (lb_query_parse_hex(arg, &q->raw, &q->raw_len, &msg))
		return bad(a, "hex", arg, msg);
	if (c != LB_QOPT_RAW_RRSET) {
		q->kind = LB_Q_RDATA_RAW;
		return 1;
	}
	q->kind = LB_Q_RRSET_RAW;
	if (q->raw_len > sizeof q->name || lb_name_check(q->raw, q->raw_len) != (int)q->raw_len)
		return bad(a, "hex", arg, "not a wire-format domain name");
	memcpy(q->name, q->raw, q->raw_len);
	q->name_len = q->raw_len;
	lb_name_lower(q->name);
	q->match = LB_MATCH_EXACT;
	return 1;
}

/* Every time fence given narrows the result: a lower bound (after) only
 * rises, an upper one (before) only falls, whichever option set it. */
static void narrow(uint64_t *tp, bool *hp, uint64_t t, bool lower)
{
	if (!*hp || (lower ? t > *tp : t < *tp))
		*tp = t;
	*hp = true;
}

int lb_qargs_opt(lb_qargs_t *a, int c, const char *arg)
{
	lb_query_t *q = a->q;
	const char *msg = NULL;
	uint64_t *tp = NULL;
	bool *hp = NULL;
	switch (c) {
	case 'r': case 'n': case LB_QOPT_NEG:
		a->lookups++;
		q->kind = c == 'r' ? LB_Q_RRSET : c == 'n' ? LB_Q_RDATA_NAME : LB_Q_NEGATIVE;
		if (lb_query_parse_name(arg, q, &msg))
			return bad(a, "name", arg, msg);
		if (c == LB_QOPT_NEG && q->match == LB_MATCH_ABOVE_PREFIX)
			return bad(a, "name", arg, "right-hand wildcards are not supported for --negative");
		return 1;
	case 'i':
		a->lookups++;
		q->kind = LB_Q_RDATA_IP;
		if (lb_query_parse_ip(arg, q, &msg))
			return bad(a, "address", arg, msg);
		return 1;
	case LB_QOPT_RAW_RRSET: case LB_QOPT_RAW_RDATA:
		return raw_opt(a, c, arg);
	case 't': {
		/* -t A -t AAAA is -t A,AAAA (the last one alone was kept: a
		 * lookup of the AAAA only, silently) */
		lb_query_t prev = *q;
		if (lb_query_parse_types(arg, q, &msg))
			return bad(a, "type", arg, msg);
		if (a->typed) {
			const char *why = NULL;
			if (prev.tmode != LB_TYPES_LIST || q->tmode != LB_TYPES_LIST)
				why = "ANY, ANY-DNSSEC and ALL stand alone (one -t)";
			else if (prev.ntypes + q->ntypes > sizeof q->types / sizeof q->types[0])
				why = "too many types (at most 16)";
			if (why) {
				*q = prev;
				return bad(a, "type", arg, why);
			}
			memmove(q->types + prev.ntypes, q->types, q->ntypes * sizeof q->types[0]);
			memcpy(q->types, prev.types, prev.ntypes * sizeof q->types[0]);
			q->ntypes += prev.ntypes;
		}
		a->typed = true;
		return 1;
	}
	case 'b': {
		lb_query_t tmp;
		lb_query_init(&tmp);
		if (lb_query_parse_name(arg, &tmp, &msg) || tmp.match != LB_MATCH_EXACT)
			return bad(a, "bailiwick", arg, msg ? msg : "no wildcards in a bailiwick");
		memcpy(q->bailiwick, tmp.name, tmp.name_len);
		q->bailiwick_len = tmp.name_len;
		q->has_bailiwick = true;
		return 1;
	}
	case LB_QOPT_FB: tp = &q->first_before; hp = &q->has_first_before; break;
	case LB_QOPT_FA: tp = &q->first_after; hp = &q->has_first_after; break;
	case LB_QOPT_LB: tp = &q->last_before; hp = &q->has_last_before; break;
	case LB_QOPT_LA: tp = &q->last_after; hp = &q->has_last_after; break;
	case 'A':
	case 'B': {
		uint64_t t;
		if (lb_query_parse_time(arg, a->now, c == 'A', &t, &msg))
			return bad(a, "time", arg, msg);
		narrow(c == 'A' ? &a->after : &a->before, c == 'A' ? &a->has_after : &a->has_before,
		       t, c == 'A');
		return 1;
	}
	case 'c': a->complete = true; return 1;
	case 'l':
		if (parse_u64(arg, &q->limit))
			return bad(a, "limit", arg, "not a number");
		return 1;
	case LB_QOPT_OFFSET:
		if (parse_u64(arg, &q->offset))
			return bad(a, "offset", arg, "not a number");
		return 1;
	case LB_QOPT_SORT:
		if (!strcmp(arg, "first"))
			q->sort = LB_SORT_FIRST;
		else if (!strcmp(arg, "last"))
			q->sort = LB_SORT_LAST;
		else if (!strcmp(arg, "count"))
			q->sort = LB_SORT_COUNT;
		else if (!strcmp(arg, "name"))
			q->sort = LB_SORT_NAME;
		else if (!strcmp(arg, "duration"))
			q->sort = LB_SORT_DURATION;
		else if (!strcmp(arg, "type"))
			q->sort = LB_SORT_TYPE;
		else if (!strcmp(arg, "data"))
			q->sort = LB_SORT_DATA;
		else
			return bad(a, "sort order", arg,
				   "use first, last, duration, count, name, type or data");
		return 1;
	case LB_QOPT_REVERSE:
		q->reverse = true;
		return 1;
	case 'g':
		q->unaggregated = true;
		return 1;
	default:
		return 0;
	}
	bool lower = c == LB_QOPT_FA || c == LB_QOPT_LA;
	uint64_t t;
	if (lb_query_parse_time(arg, a->now, lower, &t, &msg))
		return bad(a, "time", arg, msg);
	narrow(tp, hp, t, lower);
	return 1;
}

/* -A/-B: overlap by default, containment with --complete; with the explicit
 * fences on the same times, the narrower of the two. */
static void fences(lb_qargs_t *a)
{
	lb_query_t *q = a->q;
	if (a->has_after && a->complete)
		narrow(&q->first_after, &q->has_first_after, a->after, true);
	else if (a->has_after)
		narrow(&q->last_after, &q->has_last_after, a->after, true);
	if (a->has_before && a->complete)
		narrow(&q->last_before, &q->has_last_before, a->before, false);
	else if (a->has_before)
		narrow(&q->first_before, &q->has_first_before, a->before, false);
}

int lb_qargs_finish(lb_qargs_t *a, enum lb_qargs_need need)
{
	lb_query_t *q = a->q;
	if (a->complete && !a->has_after && !a->has_before) {
		fprintf(stderr, "%s: --complete applies to -A/-B: add -A TIME and/or -B TIME "
				"(or use --first-after and --last-before)\n", a->prog);
		return -1;
	}
	fences(a);
	if (a->lookups > 1 || (a->lookups == 0 && need == LB_QARGS_ONE_LOOKUP)) {
		fprintf(stderr, "%s: give %s one lookup (-r, -n, -i, --raw-rrset, "
				"--raw-rdata or --negative)\n", a->prog,
			need == LB_QARGS_ONE_LOOKUP ? "exactly" : "at most");
		return -1;
	}
	if (q->has_bailiwick && (a->lookups == 0 || (q->kind != LB_Q_RRSET &&
	    q->kind != LB_Q_RRSET_RAW && q->kind != LB_Q_NEGATIVE))) {
		fprintf(stderr, "%s: --bailiwick applies to rrset lookups only\n", a->prog);
		return -1;
	}
	/* as the server's rdata/ip (ALL, every type, is export's default) */
	if (a->lookups && q->kind == LB_Q_RDATA_IP && !lb_query_ip_types_ok(q, true)) {
		fprintf(stderr, "%s: -i takes only the types A, AAAA or ANY\n", a->prog);
		return -1;
	}
	if (q->reverse && q->sort == LB_SORT_NONE) {
		fprintf(stderr, "%s: --reverse needs --sort\n", a->prog);
		return -1;
	}
	return 0;
}

int lb_qargs_end(lb_qargs_t *a, enum lb_qargs_need need, int argc, char **argv, int optind_,
		 const char *db)
{
	if (optind_ < argc) {
		fprintf(stderr, "%s: unexpected argument '%s' (try --help)\n", a->prog, argv[optind_]);
		return -1;
	}
	if (!db) {
		fprintf(stderr, "%s: --db DIR is required (try --help)\n", a->prog);
		return -1;
	}
	return lb_qargs_finish(a, need);
}
