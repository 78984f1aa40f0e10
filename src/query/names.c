/*
 * names.c - rows per owner name or registered domain (names.h).
 */
#include "query/names.h"

#include <libpsl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "dns/name.h"
#include "dns/rrtype.h"
#include "util/json.h"

#define ROW_TYPES 8 /* types listed per row; more are "..." */

struct row {
	char *name;     /* presentation form (the domain's, with its final dot) */
	char *dom;      /* a held owner row of --domains: its domain, else NULL */
	lb_summary_t t; /* times and summed count; t.num_results = its rrsets (RRs) */
	uint64_t nnames;
	uint16_t types[ROW_TYPES];
	uint8_t ntypes;
	bool types_more;
};

/* ---- the Public Suffix List ---- */

static pthread_once_t psl_once = PTHREAD_ONCE_INIT;
static const psl_ctx_t *psl;

static void psl_init(void)
{
	/* the newest list the system has (Debian's publicsuffix package), else
	 * the one built into libpsl */
	psl_ctx_t *p = psl_latest(NULL);
	psl = p ? p : psl_builtin();
}

int lb_names_domain(const char *name, char *out, size_t outsz)
{
	char b[LB_NAME_TEXT_MAX + 1];
	size_t n = strlen(name);
	if (n && name[n - 1] == '.')
		n--;
	if (n >= sizeof b)
		return LB_ENAMELEN;
	memcpy(b, name, n);
	b[n] = 0;
	pthread_once(&psl_once, psl_init);
	const char *d = psl && n ? psl_registrable_domain(psl, b) : NULL;
	if (!d)
		d = b;
	size_t dl = strlen(d);
	if (dl + 2 > outsz)
		return LB_ENAMELEN;
	memcpy(out, d, dl);
	out[dl] = '.';
	out[dl + 1] = 0;
	return 0;
}

/* ---- rows ---- */

static void type_add(struct row *w, uint16_t type)
{
	for (uint8_t i = 0; i < w->ntypes; i++)
		if (w->types[i] == type)
			return;
	if (w->ntypes < ROW_TYPES)
		w->types[w->ntypes++] = type;
	else
		w->types_more = true;
}

static void row_add(struct row *w, const lb_store_rec_t *r)
{
	lb_query_sum_add(&w->t, &r->val);
	type_add(w, r->type);
}

/* the row's times as the fences and sorts see them: sensor times, else zone times */
static void row_val(const struct row *w, lb_store_val_t *v)
{
	v->time_first = w->t.time_first;
	v->time_last = w->t.time_last;
	v->zone_first = w->t.zone_first;
	v->zone_last = w->t.zone_last;
	v->count = w->t.count;
}

/* b folded into a (one name's or domain's rows met apart) */
static void row_merge(struct row *a, const struct row *b)
{
	lb_store_val_t v;
	memset(&v, 0, sizeof v);
	row_val(b, &v);
	lb_query_sum_add(&a->t, &v);
	a->t.num_results += b->t.num_results - 1;
	a->nnames += b->nnames;
	for (uint8_t i = 0; i < b->ntypes; i++)
		type_add(a, b->types[i]);
	a->types_more |= b->types_more;
}

static uint64_t row_first(const struct row *w)
{
	return w->t.time_last ? w->t.time_first : w->t.zone_first;
}

static uint64_t row_last(const struct row *w)
{
	return w->t.time_last ? w->t.time_last : w->t.zone_last;
}

/* ---- output ---- */

static void put_types(FILE *f, const struct row *w, const char *sep, bool quote)
{
	char tb[32];
	for (uint8_t i = 0; i < w->ntypes; i++) {
		if (lb_rrtype_to_text(w->types[i], tb, sizeof tb) < 0)
			snprintf(tb, sizeof tb, "TYPE%u", w->types[i]);
		fprintf(f, "%s%s%s%s", i ? sep : "", quote ? "\"" : "", tb, quote ? "\"" : "");
	}
	if (w->types_more)
		fprintf(f, "%s%s...%s", w->ntypes ? sep : "", quote ? "\"" : "", quote ? "\"" : "");
}

static void out_head(lb_out_t *o, enum lb_names_mode mode)
{
	if (o->fmt == LB_FMT_CSV)
		fputs(mode == LB_NAMES_DOMAIN
			      ? "domain,num_names,num_rrsets,rrtypes,time_first,time_last,count,"
				"zone_time_first,zone_time_last\n"
			      : "rrname,num_rrsets,rrtypes,time_first,time_last,count,zone_time_first,"
				"zone_time_last\n",
		      o->f);
	else if (o->fmt == LB_FMT_TEXT)
		fprintf(o->f, ";; first seen (UTC)   last seen (UTC)      count%s rrsets types: %s\n",
			mode == LB_NAMES_DOMAIN ? "  names" : "",
			mode == LB_NAMES_DOMAIN ? "domain" : "name");
}

static void out_row(lb_out_t *o, enum lb_names_mode mode, const struct row *w)
{
	FILE *f = o->f;
	switch (o->fmt) {
	case LB_FMT_TEXT:
		lb_out_time(f, row_first(w));
		fputs("  ", f);
		lb_out_time(f, row_last(w));
		fprintf(f, "  %llu", (unsigned long long)w->t.count);
		if (mode == LB_NAMES_DOMAIN)
			fprintf(f, "  %llu", (unsigned long long)w->nnames);
		fprintf(f, "  %llu ", (unsigned long long)w->t.num_results);
		put_types(f, w, ",", false);
		fprintf(f, ": %s%s\n", w->name, w->t.time_last ? "" : " (zone file times)");
		break;
	case LB_FMT_COF:
		fputs(mode == LB_NAMES_DOMAIN ? "{\"domain\":" : "{\"rrname\":", f);
		lb_json_put_str(f, w->name);
		if (mode == LB_NAMES_DOMAIN)
			fprintf(f, ",\"num_names\":%llu", (unsigned long long)w->nnames);
		fprintf(f, ",\"num_rrsets\":%llu,\"rrtypes\":[", (unsigned long long)w->t.num_results);
		put_types(f, w, ",", true);
		fprintf(f, "],\"count\":%llu", (unsigned long long)w->t.count);
		if (w->t.time_last)
			fprintf(f, ",\"time_first\":%llu,\"time_last\":%llu",
				(unsigned long long)w->t.time_first, (unsigned long long)w->t.time_last);
		if (w->t.zone_last)
			fprintf(f, ",\"zone_time_first\":%llu,\"zone_time_last\":%llu",
				(unsigned long long)w->t.zone_first, (unsigned long long)w->t.zone_last);
		fputs("}\n", f);
		break;
	case LB_FMT_CSV:
		lb_out_csv_name(f, w->name);
		if (mode == LB_NAMES_DOMAIN)
			fprintf(f, ",%llu", (unsigned long long)w->nnames);
		fprintf(f, ",%llu,", (unsigned long long)w->t.num_results);
		if (w->ntypes > 1 || w->types_more)
			fputc('"', f);
		put_types(f, w, ",", false);
		if (w->ntypes > 1 || w->types_more)
			fputc('"', f);
		if (w->t.time_last)
			fprintf(f, ",%llu,%llu,", (unsigned long long)w->t.time_first,
				(unsigned long long)w->t.time_last);
		else
			fputs(",,,", f);
		fprintf(f, "%llu,", (unsigned long long)w->t.count);
		if (w->t.zone_last)
			fprintf(f, "%llu,%llu\n", (unsigned long long)w->t.zone_first,
				(unsigned long long)w->t.zone_last);
		else
			fputs(",\n", f);
		break;
	}
	o->n++;
}

/* ---- the run ---- */

struct run {
	const lb_query_t *q;
	enum lb_names_mode mode;
	lb_out_t *out;
	lb_query_result_t *res;
	bool hold;          /* rows are held, then filtered (sort, names apart) */
	bool apart;         /* one name's (domain's) rows may come apart: merge them */
	bool stop;          /* the limit or max count is reached */
	uint64_t skipped;   /* rows the offset passed over */
	struct row *rows;   /* held rows */
	size_t nrows, cap, bytes;
};

/* A finished row (its name is the caller's unless held: then it is taken). */
static int row_done(struct run *u, struct row *w)
{
	if (u->hold) {
		size_t nl = strlen(w->name) + 1;
		if (u->nrows >= LB_QUERY_SORT_MAX ||
		    u->bytes + sizeof *w + nl > (u->q->sort_bytes_max ? u->q->sort_bytes_max
								       : LB_QUERY_SORT_BYTES))
			return LB_ELIMIT;
		if (u->nrows == u->cap) {
			size_t nc = u->cap ? u->cap * 2 : 1024;
			struct row *nr = realloc(u->rows, nc * sizeof *nr);
			if (!nr)
				return LB_ENOMEM;
			u->rows = nr;
			u->cap = nc;
		}
		struct row *c = &u->rows[u->nrows];
		*c = *w;
		c->dom = NULL;
		if (!(c->name = strdup(w->name)))
			return LB_ENOMEM;
		u->nrows++;
		if (w->dom && !(c->dom = strdup(w->dom)))
			return LB_ENOMEM;
		u->bytes += sizeof *w + nl + (w->dom ? strlen(w->dom) + 1 : 0);
		return 0;
	}
	lb_store_val_t v;
	memset(&v, 0, sizeof v);
	row_val(w, &v);
	if (!lb_query_time_ok(u->q, &v))
		return 0;
	if (u->q->summarize) {
		if (u->q->max_count && u->res->sum.count >= u->q->max_count) {
			u->res->count_reached = true;
			u->stop = true;
			return 0;
		}
		lb_query_sum_add(&u->res->sum, &v);
		return 0;
	}
	if (u->skipped < u->q->offset) {
		u->skipped++;
		return 0;
	}
	if (u->q->limit && u->res->results >= u->q->limit) {
		u->res->limited = true;
		u->stop = true;
		return 0;
	}
	out_row(u->out, u->mode, w);
	u->res->results++;
	return 0;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(((const struct row *)a)->name, ((const struct row *)b)->name);
}

static enum lb_sort sort_key;
static bool sort_rev;

static int cmp_sort(const void *pa, const void *pb)
{
	const struct row *a = pa, *b = pb;
	int c = 0;
	uint64_t x = 0, y = 0;
	switch (sort_key) {
	case LB_SORT_FIRST: x = row_first(a); y = row_first(b); break;
	case LB_SORT_LAST: x = row_last(a); y = row_last(b); break;
	case LB_SORT_COUNT: x = a->t.count; y = b->t.count; break;
	default: break;
	}
	c = x < y ? -1 : x > y;
	if (!c)
		c = strcmp(a->name, b->name);
	return sort_rev ? -c : c;
}

/* Sort the held rows by name and merge those of one name. */
static void merge_by_name(struct run *u)
{
	if (u->nrows < 2)
		return;
	qsort(u->rows, u->nrows, sizeof *u->rows, cmp_name);
	size_t o = 0;
	for (size_t i = 1; i < u->nrows; i++) {
		if (!strcmp(u->rows[o].name, u->rows[i].name)) {
			row_merge(&u->rows[o], &u->rows[i]);
			free(u->rows[i].name);
			free(u->rows[i].dom);
		} else {
			u->rows[++o] = u->rows[i];
		}
	}
	u->nrows = o + 1;
}

/* The held rows: a name's rows met apart merged (then, for --domains, the
 * names' rows by domain: each name counted once), then the fences, the sort
 * (else name order), and as streamed. */
static int held_finish(struct run *u)
{
	if (u->apart) {
		merge_by_name(u); /* one row per owner name */
		for (size_t i = 0; i < u->nrows; i++) {
			u->rows[i].nnames = 1;
			if (u->rows[i].dom) {
				free(u->rows[i].name);
				u->rows[i].name = u->rows[i].dom;
				u->rows[i].dom = NULL;
			}
		}
		if (u->mode == LB_NAMES_DOMAIN)
			merge_by_name(u);
	}
	size_t o = 0;
	for (size_t i = 0; i < u->nrows; i++) {
		lb_store_val_t v;
		memset(&v, 0, sizeof v);
		row_val(&u->rows[i], &v);
		if (lb_query_time_ok(u->q, &v))
			u->rows[o++] = u->rows[i];
		else
			free(u->rows[i].name); /* (dom is NULL by now) */
	}
	u->nrows = o;
	if (u->q->sort != LB_SORT_NONE) {
		sort_key = u->q->sort;
		sort_rev = u->q->reverse;
		qsort(u->rows, u->nrows, sizeof *u->rows, cmp_sort);
	}
	/* as lb_query_run's sorted run: offset and limit select the rows a
	 * summary sums too */
	uint64_t off = u->q->offset;
	for (size_t i = (size_t)(off < u->nrows ? off : u->nrows); i < u->nrows; i++) {
		if (u->q->limit && u->res->results >= u->q->limit) {
			u->res->limited = true;
			break;
		}
		if (u->q->summarize) {
			if (u->q->max_count && u->res->sum.count >= u->q->max_count) {
				u->res->count_reached = true;
				break;
			}
			lb_store_val_t v;
			memset(&v, 0, sizeof v);
			row_val(&u->rows[i], &v);
			lb_query_sum_add(&u->res->sum, &v);
			u->res->results++;
			continue;
		}
		out_row(u->out, u->mode, &u->rows[i]);
		u->res->results++;
	}
	return 0;
}

int lb_query_names_run(lb_store_t *s, const lb_query_t *q, enum lb_names_mode mode,
		       lb_out_t *out, lb_query_result_t *res)
{
	memset(res, 0, sizeof *res);
	if (q->kind == LB_Q_NEGATIVE || q->unaggregated ||
	    (mode != LB_NAMES_OWNER && mode != LB_NAMES_DOMAIN))
		return LB_EINVAL;
	/* an rdata lookup's rows come by rdata: one name's rows apart */
	bool by_rdata = q->kind == LB_Q_RDATA_NAME || q->kind == LB_Q_RDATA_IP ||
			q->kind == LB_Q_RDATA_RAW;
	/* the rrsets: filtered by type and bailiwick only, each bailiwick apart */
	lb_query_t rq = *q;
	rq.has_first_before = rq.has_first_after = rq.has_last_before = rq.has_last_after = false;
	rq.limit = 0;
	rq.offset = 0;
	rq.summarize = false;
	rq.max_count = 0;
	rq.sort = LB_SORT_NONE;
	rq.merge_bailiwicks = false; /* (rq.raw is q's, borrowed: rq is not freed) */
	struct run u = { .q = q, .mode = mode, .out = out, .res = res };
	u.apart = by_rdata || (mode == LB_NAMES_DOMAIN && q->match == LB_MATCH_ABOVE_PREFIX);
	u.hold = q->sort != LB_SORT_NONE || u.apart;
	lb_query_cur_t *c = NULL;
	int err = lb_query_cur_new(s, &rq, &c);
	if (err)
		return err;
	if (!q->summarize)
		out_head(out, mode);
	char owner[LB_NAME_TEXT_MAX + 1], key[LB_NAME_TEXT_MAX + 2], dom[LB_NAME_TEXT_MAX + 2];
	char wdom[LB_NAME_TEXT_MAX + 2]; /* the open row's domain (dom is the next owner's) */
	char last_owner[LB_NAME_TEXT_MAX + 1] = "";
	struct row w;
	memset(&w, 0, sizeof w);
	bool open = false;
	lb_store_rec_t r;
	int n = 0;
	while (!u.stop && (n = lb_query_cur_next(c, &r)) > 0) {
		if (r.kind != LB_REC_RRSET && r.kind != LB_REC_RDATA)
			continue;
		if (lb_name_to_text(r.owner, owner, sizeof owner) < 0)
			continue; /* a stored owner always converts */
		bool new_name = strcmp(owner, last_owner) != 0;
		if (new_name) {
			const char *k = owner;
			if (mode == LB_NAMES_DOMAIN) {
				if (lb_names_domain(owner, dom, sizeof dom))
					continue;
				if (!u.apart)
					k = dom; /* rows per domain at once */
			}
			if (!open || strcmp(k, key)) {
				if (open && (err = row_done(&u, &w)))
					break;
				memset(&w, 0, sizeof w);
				memmove(key, k, strlen(k) + 1);
				w.name = key;
				if (mode == LB_NAMES_DOMAIN && u.apart) { /* rows per owner, then per domain */
					memcpy(wdom, dom, strlen(dom) + 1);
					w.dom = wdom;
				}
				open = true;
			}
			w.nnames++;
			memcpy(last_owner, owner, strlen(owner) + 1);
		}
		row_add(&w, &r);
	}
	if (!err && n < 0)
		err = n;
	if (!err && open && !u.stop)
		err = row_done(&u, &w);
	lb_query_cur_free(c);
	if (!err && u.hold)
		err = held_finish(&u);
	for (size_t i = 0; i < u.nrows; i++) {
		free(u.rows[i].name);
		free(u.rows[i].dom);
	}
	free(u.rows);
	if (err)
		return err;
	if (q->summarize) {
		res->results = res->sum.num_results;
		lb_out_summary(out, &res->sum);
		if (res->count_reached && out->fmt == LB_FMT_TEXT)
			fprintf(out->f, "\n;; max count reached: the count summed up to %llu, more "
					"records exist (raise --max-count)\n",
				(unsigned long long)q->max_count);
	}
	lb_out_end(out, res->limited, q->limit);
	return 0;
}
