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

struct lb_names_row {
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

static void type_add(lb_names_row_t *w, uint16_t type)
{
	for (uint8_t i = 0; i < w->ntypes; i++)
		if (w->types[i] == type)
			return;
	if (w->ntypes < ROW_TYPES)
		w->types[w->ntypes++] = type;
	else
		w->types_more = true;
}

static void row_add(lb_names_row_t *w, const lb_store_rec_t *r)
{
	lb_query_sum_add(&w->t, &r->val);
	type_add(w, r->type);
}

/* the row's times as the fences and sorts see them: sensor times, else zone times */
static void row_val(const lb_names_row_t *w, lb_store_val_t *v)
{
	v->time_first = w->t.time_first;
	v->time_last = w->t.time_last;
	v->zone_first = w->t.zone_first;
	v->zone_last = w->t.zone_last;
	v->count = w->t.count;
}

/* b folded into a (one name's or domain's rows met apart) */
static void row_merge(lb_names_row_t *a, const lb_names_row_t *b)
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

static uint64_t row_first(const lb_names_row_t *w)
{
	return w->t.time_last ? w->t.time_first : w->t.zone_first;
}

static uint64_t row_last(const lb_names_row_t *w)
{
	return w->t.time_last ? w->t.time_last : w->t.zone_last;
}

/* ---- output ---- */

static void put_types(FILE *f, const lb_names_row_t *w, const char *sep, bool quote)
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

void lb_names_row_json(FILE *f, enum lb_names_mode mode, const lb_names_row_t *w, bool humantime)
{
	fputs(mode == LB_NAMES_DOMAIN ? "{\"domain\":" : "{\"rrname\":", f);
	lb_json_put_str(f, w->name);
	if (mode == LB_NAMES_DOMAIN)
		fprintf(f, ",\"num_names\":%llu", (unsigned long long)w->nnames);
	fprintf(f, ",\"num_rrsets\":%llu,\"rrtypes\":[", (unsigned long long)w->t.num_results);
	put_types(f, w, ",", true);
	fprintf(f, "],\"count\":%llu", (unsigned long long)w->t.count);
	if (w->t.time_last) {
		lb_saf_put_time(f, "time_first", w->t.time_first, humantime);
		lb_saf_put_time(f, "time_last", w->t.time_last, humantime);
	}
	if (w->t.zone_last) {
		lb_saf_put_time(f, "zone_time_first", w->t.zone_first, humantime);
		lb_saf_put_time(f, "zone_time_last", w->t.zone_last, humantime);
	}
	fputc('}', f);
}

static void out_head(lb_out_t *o, enum lb_names_mode mode)
{
	if (o->fmt == LB_FMT_CSV && o->csv_head_done)
		return;
	if (o->fmt == LB_FMT_CSV && o->csv_query) {
		o->csv_head_done = true; /* a batch's one header */
		fputs("query,", o->f);
	}
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

static void out_row(lb_out_t *o, enum lb_names_mode mode, const lb_names_row_t *w)
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
		lb_names_row_json(f, mode, w, false);
		fputc('\n', f);
		break;
	case LB_FMT_CSV:
		lb_out_csv_query(o);
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

/* ---- the cursor ---- */

struct lb_names_cur {
	const lb_query_t *q;
	lb_query_t rq;      /* the rrsets' lookup: q without fences, offset, limit, sort */
	enum lb_names_mode mode;
	lb_query_cur_t *c;
	unsigned budget;
	bool hold;          /* rows are held, then selected (sort, names apart) */
	bool apart;         /* one name's (domain's) rows may come apart: merge them */
	bool scanned;       /* the rrsets are all read (or the limit ended the run) */
	bool held_ready;    /* held rows merged, fenced and sorted */
	bool stop;          /* the limit or max count is reached */
	int err;            /* sticky */
	uint64_t skipped;   /* rows the offset passed over */
	lb_query_result_t res;
	/* the scan: the open row, the owner met last, the row handed out */
	lb_names_row_t w, out;
	bool open;
	char key[LB_NAME_TEXT_MAX + 2], wdom[LB_NAME_TEXT_MAX + 2];
	char last_owner[LB_NAME_TEXT_MAX + 1], out_name[LB_NAME_TEXT_MAX + 2];
	/* held rows */
	lb_names_row_t *rows;
	size_t nrows, cap, bytes, next;
};

/* A row that passed the fences: the offset, the limit, the summary.  True
 * when it is to be handed out. */
static bool row_select(lb_names_cur_t *u, const lb_names_row_t *w)
{
	if (u->skipped < u->q->offset) {
		u->skipped++;
		return false;
	}
	if (u->q->limit && u->res.results >= u->q->limit) {
		u->res.limited = true; /* and this row is one more */
		u->stop = true;
		return false;
	}
	if (u->q->summarize) {
		if (u->q->max_count && u->res.sum.count >= u->q->max_count) {
			u->res.count_reached = true; /* and another row exists */
			u->stop = true;
			return false;
		}
		lb_store_val_t v;
		memset(&v, 0, sizeof v);
		row_val(w, &v);
		lb_query_sum_add(&u->res.sum, &v);
		u->res.results++;
		return false;
	}
	u->res.results++;
	return true;
}

/* A finished row of the scan: held (its name copied), or judged by the
 * fences and selected.  1 when it is to be handed out (copied into u->out),
 * 0, or an error. */
static int row_done(lb_names_cur_t *u, const lb_names_row_t *w)
{
	if (u->hold) {
		size_t nl = strlen(w->name) + 1;
		if (u->nrows >= LB_QUERY_SORT_MAX ||
		    u->bytes + sizeof *w + nl > (u->q->sort_bytes_max ? u->q->sort_bytes_max
								       : LB_QUERY_SORT_BYTES))
			return LB_ELIMIT;
		if (u->nrows == u->cap) {
			size_t nc = u->cap ? u->cap * 2 : 1024;
			lb_names_row_t *nr = realloc(u->rows, nc * sizeof *nr);
			if (!nr)
				return LB_ENOMEM;
			u->rows = nr;
			u->cap = nc;
		}
		lb_names_row_t *c = &u->rows[u->nrows];
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
	if (!lb_query_time_ok(u->q, &v) || !row_select(u, w))
		return 0;
	u->out = *w;
	memcpy(u->out_name, w->name, strlen(w->name) + 1);
	u->out.name = u->out_name;
	return 1;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(((const lb_names_row_t *)a)->name, ((const lb_names_row_t *)b)->name);
}

static int cmp_sort(const void *pa, const void *pb, void *ctx)
{
	const lb_query_t *q = ctx;
	const lb_names_row_t *a = pa, *b = pb;
	int c = 0;
	uint64_t x = 0, y = 0;
	switch (q->sort) {
	case LB_SORT_FIRST: x = row_first(a); y = row_first(b); break;
	case LB_SORT_LAST: x = row_last(a); y = row_last(b); break;
	case LB_SORT_DURATION:
		x = row_last(a) > row_first(a) ? row_last(a) - row_first(a) : 0;
		y = row_last(b) > row_first(b) ? row_last(b) - row_first(b) : 0;
		break;
	case LB_SORT_COUNT: x = a->t.count; y = b->t.count; break;
	default: break;
	}
	c = x < y ? -1 : x > y;
	if (!c)
		c = strcmp(a->name, b->name);
	return q->reverse ? -c : c;
}

/* Sort the held rows by name and merge those of one name. */
static void merge_by_name(lb_names_cur_t *u)
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
 * names' rows by domain: each name counted once), then the fences, and the
 * sort (else name order). */
static void held_prepare(lb_names_cur_t *u)
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
	if (u->q->sort != LB_SORT_NONE && u->nrows > 1)
		qsort_r(u->rows, u->nrows, sizeof *u->rows, cmp_sort, (void *)u->q);
	u->held_ready = true;
}

int lb_names_cur_new(lb_store_t *s, const lb_query_t *q, enum lb_names_mode mode,
		     lb_names_cur_t **out)
{
	*out = NULL;
	if (q->kind == LB_Q_NEGATIVE || q->unaggregated ||
	    (mode != LB_NAMES_OWNER && mode != LB_NAMES_DOMAIN))
		return LB_EINVAL;
	lb_names_cur_t *u = calloc(1, sizeof *u);
	if (!u)
		return LB_ENOMEM;
	u->q = q;
	u->mode = mode;
	/* an rdata lookup's rows come by rdata: one name's rows apart */
	bool by_rdata = q->kind == LB_Q_RDATA_NAME || q->kind == LB_Q_RDATA_IP ||
			q->kind == LB_Q_RDATA_RAW;
	/* the rrsets: filtered by type and bailiwick only, each bailiwick apart */
	u->rq = *q;
	lb_query_t *rq = &u->rq;
	rq->has_first_before = rq->has_first_after = rq->has_last_before = rq->has_last_after = false;
	rq->limit = 0;
	rq->offset = 0;
	rq->summarize = false;
	rq->max_count = 0;
	rq->sort = LB_SORT_NONE;
	rq->merge_bailiwicks = false; /* (rq->raw is q's, borrowed: rq is not freed) */
	u->apart = by_rdata || (mode == LB_NAMES_DOMAIN && q->match == LB_MATCH_ABOVE_PREFIX);
	u->hold = q->sort != LB_SORT_NONE || u->apart;
	int err = lb_query_cur_new(s, rq, &u->c);
	if (err) {
		free(u);
		return err;
	}
	*out = u;
	return 0;
}

void lb_names_cur_set_budget(lb_names_cur_t *u, unsigned steps)
{
	u->budget = steps;
	lb_query_cur_set_budget(u->c, steps);
}

/* The scan's next record into the open row: 1 a row to hand out, 0 none
 * yet, SCAN_END, LB_QUERY_AGAIN, or an error. */
#define SCAN_END (LB_QUERY_AGAIN + 1)
static int scan_one(lb_names_cur_t *u)
{
	lb_store_rec_t r;
	int n = lb_query_cur_next(u->c, &r);
	if (n == LB_QUERY_AGAIN || n < 0)
		return n;
	if (n == 0) {
		u->scanned = true;
		int e = u->open ? row_done(u, &u->w) : 0;
		u->open = false;
		return e ? e : SCAN_END;
	}
	if (r.kind != LB_REC_RRSET && r.kind != LB_REC_RDATA)
		return 0;
	char owner[LB_NAME_TEXT_MAX + 1], dom[LB_NAME_TEXT_MAX + 2];
	if (lb_name_to_text(r.owner, owner, sizeof owner) < 0)
		return 0; /* a stored owner always converts */
	int ret = 0;
	if (strcmp(owner, u->last_owner)) {
		const char *k = owner;
		if (u->mode == LB_NAMES_DOMAIN) {
			if (lb_names_domain(owner, dom, sizeof dom))
				return 0;
			if (!u->apart)
				k = dom; /* rows per domain at once */
		}
		if (!u->open || strcmp(k, u->key)) {
			if (u->open && (ret = row_done(u, &u->w)) < 0)
				return ret;
			memset(&u->w, 0, sizeof u->w);
			memmove(u->key, k, strlen(k) + 1);
			u->w.name = u->key;
			if (u->mode == LB_NAMES_DOMAIN && u->apart) { /* rows per owner, then per domain */
				memcpy(u->wdom, dom, strlen(dom) + 1);
				u->w.dom = u->wdom;
			}
			u->open = true;
		}
		u->w.nnames++;
		memcpy(u->last_owner, owner, strlen(owner) + 1);
	}
	row_add(&u->w, &r);
	return ret;
}

int lb_names_cur_next(lb_names_cur_t *u, const lb_names_row_t **row)
{
	if (u->err)
		return u->err;
	unsigned steps = 0;
	while (!u->scanned && !u->stop) {
		if (u->budget && steps++ >= u->budget)
			return LB_QUERY_AGAIN;
		int n = scan_one(u);
		if (n == LB_QUERY_AGAIN)
			return n;
		if (n < 0)
			return u->err = n;
		if (n == 1) {
			*row = &u->out;
			return 1;
		}
	}
	if (!u->hold || u->stop)
		return 0;
	if (!u->held_ready)
		held_prepare(u);
	while (u->next < u->nrows && !u->stop) {
		const lb_names_row_t *w = &u->rows[u->next++];
		if (row_select(u, w)) {
			*row = w;
			return 1;
		}
	}
	return 0;
}

const lb_query_result_t *lb_names_cur_result(const lb_names_cur_t *u)
{
	return &u->res;
}

void lb_names_cur_free(lb_names_cur_t *u)
{
	if (!u)
		return;
	lb_query_cur_free(u->c);
	for (size_t i = 0; i < u->nrows; i++) {
		free(u->rows[i].name);
		free(u->rows[i].dom);
	}
	free(u->rows);
	free(u);
}

/* ---- the run: the cursor's rows in a format ---- */

int lb_query_names_run(lb_store_t *s, const lb_query_t *q, enum lb_names_mode mode,
		       lb_out_t *out, lb_query_result_t *res)
{
	memset(res, 0, sizeof *res);
	lb_names_cur_t *u = NULL;
	int err = lb_names_cur_new(s, q, mode, &u);
	if (err)
		return err;
	if (!q->summarize)
		out_head(out, mode);
	const lb_names_row_t *w;
	int n;
	while ((n = lb_names_cur_next(u, &w)) > 0)
		out_row(out, mode, w);
	*res = *lb_names_cur_result(u);
	lb_names_cur_free(u);
	if (n < 0)
		return n;
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
