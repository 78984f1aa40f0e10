/*
 * server.c - libmicrohttpd glue: admission (connection cap, keys, quotas),
 * dispatch, access log, the server's life (TLS, drain); /metrics is rendered
 * by metrics.c.
 *
 * Every request gets one struct req from the URI callback (the raw target,
 * before libmicrohttpd decodes anything) until the completion callback.  A
 * streamed answer is a struct hstream owned by its response (stream.c):
 * records are pulled from a query cursor in the response callback, rendered
 * into a small memory stream and copied out; at most one batch of records is
 * in memory per connection.
 */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "dns/name.h"
#include "dns/rdata.h"
#include "dns/rrtype.h"
#include "http/http.h"
#include "http/http_impl.h"
#include "util/addr.h"
#include "util/json.h"

void lb_http_req_unref(struct req *rq)
{
	if (atomic_fetch_sub(&rq->refs, 1) == 1)
		free(rq);
}

void lb_http_opts_init(lb_http_opts_t *o)
{
	memset(o, 0, sizeof *o);
	o->listen = "127.0.0.1:8053";
	o->threads = 2;
	o->max_conns = 256;
	o->max_conns_per_ip = 64;
	o->timeout_secs = 30;
	o->results_max = 1000000;
	o->offset_max = 1000000;
	o->query_timeout_ms = 600 * 1000;
}

#define STR_(x) #x
#define XSTR(x) STR_(x)

static uint64_t now_secs(void) { return (uint64_t)time(NULL); }

/* What an answer may be labelled with (lb_http_accept_pick), our order of
 * preference first: streams (SAF, COF) as NDJSON, its JSON aliases, and as
 * text; ping and rate_limit, one JSON object, as JSON first. */
static const char *const stream_types[] = { "application/x-ndjson", "application/json",
					    "application/jsonl", "application/x-json-stream",
					    "text/plain" };
static const char *const object_types[] = { "application/json", "application/x-ndjson",
					    "application/jsonl", "application/x-json-stream",
					    "text/plain" };
#define NTYPES (sizeof stream_types / sizeof stream_types[0])

/* ---- responses ---- */

static enum MHD_Result send_text(struct req *rq, struct MHD_Connection *c, unsigned status,
				 const char *ctype, const char *body, size_t len)
{
	struct MHD_Response *resp =
		MHD_create_response_from_buffer(len, (void *)body, MHD_RESPMEM_MUST_COPY);
	if (!resp)
		return MHD_NO;
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
	if (status == 503 || status == 429) {
		/* a quota: when it has room again (the burst window's end, the
		 * next UTC day), not a second later */
		char ra[24];
		snprintf(ra, sizeof ra, "%llu",
			 (unsigned long long)(status == 429 && rq->retry_after ? rq->retry_after : 1));
		MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, ra);
	}
	if (status == 405) /* RFC 9110 15.5.6: a 405 names the methods there are */
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	rq->status = status;
	atomic_fetch_add(&rq->bytes, len);
	enum MHD_Result r = MHD_queue_response(c, status, resp);
	MHD_destroy_response(resp);
	return r;
}

static enum MHD_Result send_error(struct req *rq, struct MHD_Connection *c, unsigned status,
				  const char *reason)
{
	char b[256];
	int n = snprintf(b, sizeof b, "Error: %s\n", reason);
	return send_text(rq, c, status, "text/plain", b, (size_t)n);
}

/* ---- keys and quotas ---- */

/* Key limits copied out under the lock. */
struct grant {
	uint64_t results_max, offset_max;
	uint64_t daily, used_today, burst, window, win_start, win_used, expires;
	bool found;
};

/* 401 with the challenge a CIRCL client answers with its credentials. */
static enum MHD_Result ask_basic(struct req *rq, struct MHD_Connection *c, const char *why)
{
	char b[256];
	int n = snprintf(b, sizeof b, "Error: %s\n", why);
	struct MHD_Response *ar =
		MHD_create_response_from_buffer((size_t)n, b, MHD_RESPMEM_MUST_COPY);
	if (!ar)
		return send_error(rq, c, 503, "out of memory");
	MHD_add_response_header(ar, MHD_HTTP_HEADER_CONTENT_TYPE, "text/plain");
	enum MHD_Result res = MHD_queue_basic_auth_fail_response(c, "lookback", ar);
	MHD_destroy_response(ar);
	rq->status = 401;
	atomic_fetch_add(&rq->bytes, (size_t)n);
	return res;
}

/* 0 = allowed; else an HTTP status with *why.  Counts the query when count. */
static unsigned admit(lb_http_t *h, struct req *rq, const char *key, bool count, struct grant *g,
		      const char **why)
{
	memset(g, 0, sizeof *g);
	g->results_max = h->o.results_max;
	g->offset_max = h->o.offset_max;
	if (h->open && !key)
		return 0;
	pthread_mutex_lock(&h->keys_lock);
	lb_key_t *k = key ? lb_keys_find(&h->keys, key) : NULL;
	unsigned st = 0;
	if (!k) {
		if (!h->open) {
			st = 403;
			*why = key ? "API key not recognised" : "API key required (X-API-Key header)";
		}
		goto out;
	}
	g->found = true;
	snprintf(rq->key_id, sizeof rq->key_id, "%s", k->id);
	uint64_t now = now_secs();
	if (k->expires && now >= k->expires) {
		st = 401;
		*why = "API key expired";
		goto out;
	}
	uint64_t day = now / 86400;
	if (k->day != day) {
		k->day = day;
		k->used_today = 0;
	}
	if (k->window && now >= k->win_start + k->window) {
		k->win_start = now - now % k->window;
		k->win_used = 0;
	}
	if (count) {
		if (k->daily && k->used_today >= k->daily) {
			st = 429;
			*why = "daily query quota exhausted";
			rq->retry_after = (day + 1) * 86400 - now;
			goto out;
		}
		if (k->burst && k->win_used >= k->burst) {
			st = 429;
			*why = "burst quota exhausted; retry after the burst window";
			rq->retry_after = k->win_start + k->window - now;
			goto out;
		}
		k->used_today++;
		k->win_used++;
	}
	if (k->results_max)
		g->results_max = k->results_max;
	if (k->offset_max)
		g->offset_max = k->offset_max;
	g->daily = k->daily;
	g->used_today = k->used_today;
	g->burst = k->burst;
	g->window = k->window;
	g->win_start = k->win_start;
	g->win_used = k->win_used;
	g->expires = k->expires;
out:
	pthread_mutex_unlock(&h->keys_lock);
	return st;
}

/* Give back the query admit() counted for a request refused after it (a bad
 * regular expression, an offset past offset_max, bad CIRCL headers, a CIRCL
 * counting pass past --query-timeout): only answered queries use the quota,
 * as those refused by the target's parser never did.  The key is found again
 * by its id (a reload may have come); a day or burst window that has turned
 * since is left alone.  Once per request. */
static void unadmit(lb_http_t *h, struct req *rq)
{
	struct charge *g = &rq->charge;
	if (!g->on)
		return;
	g->on = false;
	pthread_mutex_lock(&h->keys_lock);
	for (size_t i = 0; i < h->keys.n; i++) {
		lb_key_t *k = &h->keys.k[i];
		if (strcmp(k->id, rq->key_id))
			continue;
		if (k->used_today && k->used_today == g->used_today)
			k->used_today--;
		if (k->win_used && k->win_start == g->win_start && k->win_used == g->win_used)
			k->win_used--;
		break;
	}
	pthread_mutex_unlock(&h->keys_lock);
}

static void put_lim(FILE *f, const char *k, uint64_t v, bool set, const char *unset, bool comma)
{
	if (set)
		fprintf(f, "\"%s\":%llu%s", k, (unsigned long long)v, comma ? "," : "");
	else
		fprintf(f, "\"%s\":\"%s\"%s", k, unset, comma ? "," : "");
}

static enum MHD_Result rate_limit(struct req *rq, struct MHD_Connection *c, const struct grant *g)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return send_error(rq, c, 503, "out of memory");
	uint64_t now = now_secs();
	fputs("{\"rate\":{", f);
	put_lim(f, "reset", (now / 86400 + 1) * 86400, g->daily, "n/a", true);
	put_lim(f, "expires", g->expires, g->expires, "n/a", true);
	put_lim(f, "limit", g->daily, g->daily, "unlimited", true);
	put_lim(f, "remaining", g->daily > g->used_today ? g->daily - g->used_today : 0, g->daily,
		"unlimited", true);
	put_lim(f, "results_max", g->results_max, true, "", true);
	put_lim(f, "offset_max", g->offset_max, true, "", !!g->burst);
	/* without a burst quota the burst fields are left out: dnsdbq 2.6 insists
	 * that, when present, both are integers */
	if (g->burst) {
		put_lim(f, "burst_size", g->burst, true, "", true);
		put_lim(f, "burst_window", g->window, true, "", false);
	}
	fputs("}}\n", f);
	fclose(f);
	enum MHD_Result r = buf ? send_text(rq, c, 200, rq->ctype, buf, len)
				: send_error(rq, c, 503, "out of memory");
	free(buf);
	return r;
}

/* ---- metrics ---- */

static enum MHD_Result metrics(lb_http_t *h, struct req *rq, struct MHD_Connection *c)
{
	size_t len = 0;
	char *buf = lb_http_metrics_text(h, &len);
	enum MHD_Result r = buf ? send_text(rq, c, 200, "text/plain; version=0.0.4", buf, len)
				: send_error(rq, c, 503, "out of memory");
	free(buf);
	return r;
}

/* ---- dispatch ---- */

static int dec_u64(const char *v, uint64_t *out)
{
	uint64_t x = 0;
	if (!*v || strlen(v) > 19)
		return -1;
	for (; *v; v++) {
		if (*v < '0' || *v > '9')
			return -1;
		x = x * 10 + (uint64_t)(*v - '0');
	}
	*out = x;
	return 0;
}

bool lb_http_past_timeout(const lb_http_t *h, const struct timespec *t0)
{
	uint64_t lim = h->o.query_timeout_ms;
	if (!lim)
		return false;
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	int64_t ms = (int64_t)(t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
	return ms >= (int64_t)lim;
}

/* One round of the CIRCL counting pass (rq->pend's queries, rq->want rows at
 * most): at most PRODUCE_ROUNDS * BATCH_RECS rows or spent budgets, then the
 * worker serves its other connections (suspend + resume: libmicrohttpd calls
 * the access handler again) and the next round goes on.  When the pass ends,
 * the answer goes out, with a cursor when another page exists. */
static enum MHD_Result circl_count(lb_http_t *h, struct req *rq, struct MHD_Connection *c)
{
	struct hstream *s = rq->pend;
	for (unsigned units = 0; rq->pqi < s->nq && rq->seen < rq->want;) {
		/* the clock per row, as the streams read it per record */
		if (lb_http_past_timeout(h, &rq->t0)) {
			lb_query_cur_free(rq->pcur);
			rq->pcur = NULL;
			rq->pend = NULL;
			lb_http_stream_free(s);
			atomic_fetch_add(&h->query_timeouts, 1);
			unadmit(h, rq);
			return send_error(rq, c, 503, "Query time limit reached while counting the "
						      "pages (dribble-paginate-count): ask for fewer");
		}
		if (units >= PRODUCE_ROUNDS * BATCH_RECS) {
			MHD_suspend_connection(c);
			MHD_resume_connection(c);
			return MHD_YES;
		}
		if (!rq->pcur) {
			if (lb_query_cur_new(h->store, &s->qs[rq->pqi], &rq->pcur)) {
				rq->pqi = s->nq; /* a store error ends the pass: no cursor */
				break;
			}
			lb_query_cur_set_budget(rq->pcur, SCAN_STEPS);
		}
		lb_store_rec_t rr;
		int n = lb_query_cur_next(rq->pcur, &rr);
		if (n == LB_QUERY_AGAIN) {
			units += BATCH_RECS;
		} else if (n > 0) {
			/* counted as the stream gives them (lb_http_circl_covered) */
			if (rq->pqi != 1 || !lb_http_circl_covered(&s->qs[0], &rr))
				rq->seen++;
			units++;
		} else {
			lb_query_cur_free(rq->pcur);
			rq->pcur = NULL;
			rq->pqi++;
		}
	}
	lb_query_cur_free(rq->pcur);
	rq->pcur = NULL;
	rq->pend = NULL;
	char cursor[32], *cursor_p = NULL, errors[128], *errors_p = NULL;
	if (rq->seen == rq->want) {
		snprintf(cursor, sizeof cursor, "%llu", (unsigned long long)(rq->want - 1));
		cursor_p = cursor;
		/* cut by a limit the client did not choose (it does not page:
		 * the default limit, or results_max): CIRCL's x-dribble-errors
		 * says so, which its client PyPDNS reads (a paging client has
		 * x-dribble-cursor, and PyPDNS's iter_query stops at errors) */
		if (!rq->circl_paging) {
			snprintf(errors, sizeof errors,
				 "{\"error\":\"limited\",\"msg\":\"Result limit reached\",\"value\":%llu}",
				 (unsigned long long)s->limit);
			errors_p = errors;
		}
	}
	return lb_http_send_stream(rq, c, s, cursor_p, errors_p);
}

static enum MHD_Result handle(lb_http_t *h, struct req *rq, struct MHD_Connection *c)
{
	/* a malformed request first (400 whatever its method) */
	if (rq->method_cut)
		return send_error(rq, c, 400, "a NUL byte in the method, or more than one space after it");
	if (rq->target_nul)
		return send_error(rq, c, 400, "a NUL byte in the request target");
	if (rq->target_long)
		return send_error(rq, c, 414, "request target too long: at most " XSTR(LB_HTTP_TARGET_MAX)
					      " bytes of path and query; ask with fewer or shorter parameters");
	lb_http_origin_form(rq->target); /* "http://host/path": "/path" */
	if (!lb_http_target_clean(rq->target, strlen(rq->target)))
		return send_error(rq, c, 400, "a space or control character in the request target "
					      "(%-encode it)");
	const char *bad = lb_http_fields_bad(c, rq->http11);
	if (bad)
		return send_error(rq, c, 400, bad);
	if (strcmp(rq->method, "GET") && strcmp(rq->method, "HEAD"))
		return send_error(rq, c, 405, "only GET (and HEAD) is supported");
	if (atomic_load(&h->active) > h->o.max_conns) {
		atomic_fetch_add(&h->refused_conns, 1);
		return send_error(rq, c, 503, "too many concurrent connections");
	}
	lb_http_req_t r;
	const char *why = NULL;
	unsigned st = (unsigned)lb_http_parse_target(rq->target, strlen(rq->target), now_secs(), &r, &why);
	rq->api = r.api;
	if (st != 200)
		return send_error(rq, c, st, why);
	enum MHD_Result res;
	struct hstream *s = NULL;
	if (r.api == LB_API_HEALTHZ) {
		lb_query_free(&r.q);
		return send_text(rq, c, 200, "text/plain", "ok\n", 3);
	}
	if (r.api == LB_API_METRICS) {
		lb_query_free(&r.q);
		return metrics(h, rq, c);
	}
	struct grant g;
	const char *const *offers = r.api == LB_API_PING || r.api == LB_API_RATE_LIMIT ? object_types
										       : stream_types;
	int pick = lb_http_accept_lines_pick(c, offers, NTYPES);
	if (pick < 0) {
		res = send_error(rq, c, 415, "unsupported Accept: use application/x-ndjson or application/json");
		goto out;
	}
	rq->ctype = offers[pick];
	char keybuf[LB_KEY_MAX + 2];
	int kf = lb_http_find_key(c, r.api == LB_API_CIRCL, keybuf, sizeof keybuf);
	if (kf < 0) {
		res = ask_basic(rq, c, "malformed HTTP Basic credentials: want the base64 of "
				       "USER:KEY, without control characters");
		goto out;
	}
	const char *key = kf ? keybuf : NULL;
	bool counts = r.api == LB_API_LOOKUP || r.api == LB_API_SUMMARIZE || r.api == LB_API_FLEX ||
		      r.api == LB_API_CIRCL || r.api == LB_API_NAMES || r.api == LB_API_DOMAINS;
	st = admit(h, rq, key, counts, &g, &why);
	rq->charge = (struct charge){ .on = !st && counts && g.found, .used_today = g.used_today,
				      .win_start = g.win_start, .win_used = g.win_used };
	if (st) {
		if (st == 403 && r.api == LB_API_CIRCL) {
			res = ask_basic(rq, c, "credentials required (HTTP Basic, password = API key)");
			goto out;
		}
		res = send_error(rq, c, st, why);
		goto out;
	}
	if (r.api == LB_API_PING) {
		res = send_text(rq, c, 200, rq->ctype, "{\"ping\":\"ok\"}\n", 14);
		goto out;
	}
	if (r.api == LB_API_RATE_LIMIT) {
		res = rate_limit(rq, c, &g);
		goto out;
	}
	if (r.q.offset > g.offset_max) {
		res = send_error(rq, c, 416, "offset exceeds the server's offset_max");
		goto out;
	}
	uint64_t limit = r.limit_given ? (r.limit ? r.limit : g.results_max) : LB_QUERY_DEFAULT_LIMIT;
	if (limit > g.results_max)
		limit = g.results_max;
	s = lb_http_stream_new(rq, &r);
	if (!s) {
		res = send_error(rq, c, 503, "out of memory");
		goto out;
	}
	lb_query_t *q = &s->r.q;
	const char *m = NULL;
	switch (s->r.api) {
	case LB_API_LOOKUP:
	case LB_API_SUMMARIZE:
		s->saf = true;
		q->unaggregated = !s->r.aggr; /* aggr=false: one row per run of days */
		s->summarize = q->summarize;
		q->summarize = false; /* the server sums, so that limit and max_count apply */
		q->limit = limit;
		if (lb_http_stream_add_query(s, q))
			goto oom;
		break;
	case LB_API_NAMES:
	case LB_API_DOMAINS:
		/* rows per name or registered domain (query/names.h), streamed by
		 * their cursor; it applies offset, limit, sort, summary and
		 * max_count itself, and holds at most LB_HTTP_HOLD_BYTES of rows */
		s->saf = true;
		s->names = s->r.api == LB_API_NAMES ? LB_NAMES_OWNER : LB_NAMES_DOMAIN;
		s->summarize = q->summarize;
		q->limit = limit;
		q->max_count = s->r.max_count;
		q->sort_bytes_max = LB_HTTP_HOLD_BYTES;
		if (lb_http_stream_add_query(s, q))
			goto oom;
		break;
	case LB_API_FLEX: {
		s->saf = true;
		s->skip = q->offset;
		s->limit = limit;
		lb_query_t all;
		lb_query_init(&all);
		/* a pattern that ends in a domain's name scans only below it */
		char dom[LB_HTTP_FLEX_MAX + 3] = "*.";
		if (s->r.flex_rdata ||
		    !lb_http_flex_suffix(s->r.flex, s->r.flex_glob, dom + 2, sizeof dom - 2) ||
		    lb_query_parse_name(dom, &all, &m)) {
			lb_query_free(&all);
			lb_query_init(&all);
			if (lb_query_parse_name("*", &all, &m))
				lb_http_stream_fail(s, "cannot build a full scan");
		}
		all.kind = LB_Q_RRSET;
		all.limit = 0;
		all.tmode = q->tmode;
		memcpy(all.types, q->types, sizeof all.types);
		all.ntypes = q->ntypes;
		all.has_first_before = q->has_first_before;
		all.first_before = q->first_before;
		all.has_first_after = q->has_first_after;
		all.first_after = q->first_after;
		all.has_last_before = q->has_last_before;
		all.last_before = q->last_before;
		all.has_last_after = q->has_last_after;
		all.last_after = q->last_after;
		if (lb_http_stream_add_query(s, &all))
			goto oom;
		if (!s->r.flex_glob) {
			int ec;
			PCRE2_SIZE eo;
			s->re = pcre2_compile((PCRE2_SPTR)s->r.flex, PCRE2_ZERO_TERMINATED, PCRE2_CASELESS,
					      &ec, &eo, NULL);
			if (s->r.exclude[0])
				s->ex = pcre2_compile((PCRE2_SPTR)s->r.exclude, PCRE2_ZERO_TERMINATED,
						      PCRE2_CASELESS, &ec, &eo, NULL);
			if (!s->re || (s->r.exclude[0] && !s->ex)) {
				lb_http_stream_free(s);
				res = send_error(rq, c, 400, "bad regular expression");
				goto out;
			}
			/* the pattern runs against every name of the scan: compile it
			 * to machine code where PCRE2 can (else it is interpreted) */
			(void)pcre2_jit_compile(s->re, PCRE2_JIT_COMPLETE);
			if (s->ex)
				(void)pcre2_jit_compile(s->ex, PCRE2_JIT_COMPLETE);
			s->md = pcre2_match_data_create(4, NULL);
			if (!s->md)
				goto oom;
		}
		break;
	}
	case LB_API_CIRCL: {
		char ftb[LB_HTTP_VALUE_MAX + 1], pcb[24], pkb[24];
		const char *ft = lb_http_header_value(c, "dribble-filter-rrtype", ftb, sizeof ftb);
		const char *pc = lb_http_header_value(c, "dribble-paginate-count", pcb, sizeof pcb);
		const char *pk = lb_http_header_value(c, "dribble-paginate-cursor", pkb, sizeof pkb);
		if (ft && lb_query_parse_types(ft, q, &m)) {
			lb_http_stream_free(s);
			res = send_error(rq, c, 400, "bad dribble-filter-rrtype");
			goto out;
		}
		/* without the dribble headers, DNSDB's limit= and offset= page
		 * (a client that sends no headers of its own, a browser, curl
		 * without -H); a cursor is an offset, so the x-dribble-cursor
		 * of a cut answer goes in offset= as it is.  The headers win.
		 * Counts and cursors are plain decimal numbers. */
		uint64_t count = limit, off = q->offset;
		if ((pc && (dec_u64(pc, &count) || !count)) || (pk && dec_u64(pk, &off))) {
			lb_http_stream_free(s);
			res = send_error(rq, c, 400, "bad dribble-paginate-count or -cursor");
			goto out;
		}
		if (count > g.results_max)
			count = g.results_max;
		if (off > g.offset_max) {
			lb_http_stream_free(s);
			res = send_error(rq, c, 416, "cursor exceeds the server's offset_max");
			goto out;
		}
		s->skip = off;
		s->limit = count;
		rq->circl_paging = pc || pk || r.limit_given || off;
		q->limit = 0;
		q->offset = 0;
		/* COF: (rrname, rrtype, rdata) once per answer, so that the
		 * paging (skip, count, the counting pass) counts merged objects */
		q->merge_bailiwicks = true;
		if (lb_http_stream_add_query(s, q))
			goto oom;
		if (!s->r.circl_ip) {
			lb_query_t q2 = *q;
			q2.kind = LB_Q_RDATA_NAME;
			q2.raw = NULL;
			if (lb_http_stream_add_query(s, &q2))
				goto oom;
		}
		/* a counting pass decides whether another page exists, also
		 * without dribble-paginate-count: an answer the default limit or
		 * results_max cuts names its next page too (COF has no framing
		 * to say it was cut) */
		rq->pend = s;
		rq->want = off + count + 1;
		return circl_count(h, rq, c);
	}
	default:
		lb_http_stream_free(s);
		res = send_error(rq, c, 404, "unknown path");
		goto out;
	}
	return lb_http_send_stream(rq, c, s, NULL, NULL);
oom:
	lb_http_stream_free(s);
	res = send_error(rq, c, 503, "out of memory");
out:
	if (rq->status >= 400)
		unadmit(h, rq);
	lb_query_free(&r.q);
	return res;
}

/* libmicrohttpd's accept policy: a client address with --max-conns-per-ip
 * open connections gets its new one closed before anything is set up for it
 * (conn_cb counts it, under the table's lock) */
static enum MHD_Result accept_cb(void *cls, const struct sockaddr *addr, socklen_t addrlen)
{
	lb_http_t *h = cls;
	(void)addrlen;
	if (lb_peers_room(h->peers, addr))
		return MHD_YES;
	atomic_fetch_add(&h->refused_per_ip, 1);
	return MHD_NO;
}

/* ---- requests libmicrohttpd answers itself ----
 *
 * libmicrohttpd (0.9.75) refuses some requests before any callback of ours:
 * a request line with a bad HTTP version (400, or 505), one too long for the
 * connection's memory (414), and, after uri_cb, header fields that do not
 * parse (400) or do not fit (431).  It tells of all of them through its
 * error log only, which names the status: "Error processing request (HTTP
 * response code is %u ('%s'))", logged once per request (it sends one error
 * answer at most) on the worker thread reading the request.  That message
 * is counted, not our request's end: those before uri_cb have none, and
 * req_end leaves out the ones after it (rq->status unset, libmicrohttpd's
 * own status), so each is counted once.  "Too late to send an error
 * response" follows at once when our answer has already started: that
 * request is ours, counted by req_end, so the status is held per thread
 * until the next callback on the thread (or the next message) and that
 * message drops it.  A request line without a space is closed without an
 * answer or a message: not counted (docs/ARCHITECTURE.md). */
#define LIB_ERR_FMT "Error processing request (HTTP response code is %u"
#define LIB_LATE_FMT "Too late to send an error response"

static _Thread_local struct {
	lb_http_t *h;
	unsigned status; /* 0: none held */
} lib_err;

static void lib_err_flush(void)
{
	if (!lib_err.status)
		return;
	int i = lb_http_status_idx(lib_err.status);
	atomic_fetch_add(&lib_err.h->lib_answered[i], 1);
	atomic_fetch_add(&lib_err.h->req[LB_API_NONE][i], 1);
	lib_err.status = 0;
}

static void log_cb(void *cls, const char *fm, va_list ap)
{
	if (!strncmp(fm, LIB_ERR_FMT, sizeof LIB_ERR_FMT - 1)) {
		lib_err_flush();
		lib_err.h = cls;
		lib_err.status = va_arg(ap, unsigned int);
		if (!lib_err.status)
			lib_err.status = 1; /* (never 0: counted as "other") */
	} else if (!strncmp(fm, LIB_LATE_FMT, sizeof LIB_LATE_FMT - 1)) {
		lib_err.status = 0;
	}
}

static struct conn *conn_of(struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	return ci ? ci->socket_context : NULL;
}

static enum MHD_Result access_cb(void *cls, struct MHD_Connection *c, const char *url,
				 const char *method, const char *version, const char *upload_data,
				 size_t *upload_data_size, void **con_cls)
{
	lb_http_t *h = cls;
	struct req *rq = *con_cls;
	(void)url;
	(void)upload_data;
	lib_err_flush();
	if (!rq)
		return MHD_NO;
	if (!rq->started) {
		struct conn *cn = conn_of(c);
		if (cn && cn->unclaimed == rq)
			cn->unclaimed = NULL; /* completed_cb ends it now */
		if (cn)
			lb_http_conn_claimed(cn); /* its headers are in */
		/* the first call has the headers only; answering now would be an
		 * "early" response, after which libmicrohttpd closes the connection
		 * (no keep-alive): answer on the call that ends the request */
		rq->started = true;
		/* A NUL byte in the target: libmicrohttpd hands the URI on as a C
		 * string, cut at it ("/dnsdb/v2/ping<NUL>junk" was a ping, and
		 * ".../name/a.com<NUL>/MX" a lookup of every type).  It splits its
		 * request line in place: the HTTP version follows the URI's end
		 * in the same buffer, one byte (the space it made the NUL) after
		 * it.  A version further on (within the line's buffer) means
		 * the URI went on past a NUL.  Addresses only are compared. */
		uintptr_t va = (uintptr_t)version;
		if (version && *version && va > rq->uri_end && va - rq->uri_end < LB_HTTP_MEM_PER_CONN)
			rq->target_nul = true;
		/* A NUL byte in the method: the same C string cut ("GET<NUL>X"
		 * was a GET), seen the same way, in the same buffer: the URI
		 * starts one byte (the space) past the method's end */
		rq->method_cut = !lb_http_method_whole(method, (const char *)rq->uri_start,
						       LB_HTTP_MEM_PER_CONN);
		rq->http11 = version && !strcmp(version, "HTTP/1.1");
		size_t ml = strnlen(method, sizeof rq->method - 1);
		memcpy(rq->method, method, ml);
		rq->method[ml] = 0;
		if (!strcmp(method, "GET") &&
		    !MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH) &&
		    !MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_TRANSFER_ENCODING))
			return MHD_YES;
		/* anything with a body (or not a GET): answered now, and the
		 * connection closes rather than reading the body */
		rq->answered = true;
		return handle(h, rq, c);
	}
	if (rq->pend) { /* a CIRCL counting pass goes on (a body is discarded) */
		*upload_data_size = 0;
		return circl_count(h, rq, c);
	}
	if (rq->answered) {
		/* a body arrived after the answer was queued: discard it */
		*upload_data_size = 0;
		return MHD_YES;
	}
	rq->answered = true;
	if (*upload_data_size) {
		*upload_data_size = 0;
		return send_error(rq, c, 413, "request bodies are not accepted");
	}
	return handle(h, rq, c);
}

static void *uri_cb(void *cls, const char *uri, struct MHD_Connection *c)
{
	lb_http_t *h = cls;
	lib_err_flush();
	/* every field but the 4 KiB target zeroed: one request's memset less */
	struct req *rq = malloc(sizeof *rq);
	if (!rq)
		return NULL;
	memset(rq, 0, offsetof(struct req, target));
	rq->h = h;
	atomic_init(&rq->refs, 1);
	clock_gettime(CLOCK_MONOTONIC, &rq->t0);
	size_t n = 0; /* no URI (libmicrohttpd refuses such a line first): empty */
	if (uri) {
		rq->uri_start = (uintptr_t)uri;
		rq->uri_end = (uintptr_t)uri + strlen(uri) + 1;
		n = strnlen(uri, LB_HTTP_TARGET_MAX + 1);
		if (n > LB_HTTP_TARGET_MAX) {
			rq->target_long = true;
			n = 64;
		}
		memcpy(rq->target, uri, n);
	}
	rq->target[n] = 0;
	/* Our own copy of the target is all that is parsed (parse.c), never
	 * libmicrohttpd's arguments.  It would make them next, one record of
	 * its connection's memory per '&' (56 bytes in 0.9.75): some 250 of
	 * them filled LB_HTTP_MEM_PER_CONN, after which it neither answered
	 * nor called access_cb, and the client waited for --timeout.  Its URI
	 * is its own line buffer, where it splits the arguments off at '?'
	 * after this callback returns: ending them there leaves it none to
	 * make, so that a connection's memory does not grow with them.  (Not
	 * a documented order of work; more memory, the documented way, was
	 * measured: it takes 264 KiB a connection for a 4096-byte target of
	 * '&', all of it resident, and a longer target fills any amount:
	 * docs/ARCHITECTURE.md, "Request size".) */
	char *qm = uri ? strchr(uri, '?') : NULL;
	if (qm && qm[1])
		qm[1] = 0;
	rq->key_id[0] = '-';
	rq->key_id[1] = 0;
	struct conn *cn = conn_of(c);
	if (cn)
		cn->unclaimed = rq;
	atomic_fetch_add(&h->inflight, 1);
	return rq;
}

/* src (at most max bytes of it) for the access log, its control bytes and
 * spaces %-encoded: raw, a CR or an escape sequence a client sent would
 * forge or hide what a terminal or a log reader shows. dst: 3 * max + 1. */
static void log_clean(char *dst, const char *src, size_t max)
{
	static const char hx[] = "0123456789ABCDEF";
	size_t n = 0;
	for (const unsigned char *p = (const unsigned char *)src; *p && max; p++, max--) {
		if (*p <= ' ' || *p == 0x7f) {
			dst[n++] = '%';
			dst[n++] = hx[*p >> 4];
			dst[n++] = hx[*p & 15];
		} else {
			dst[n++] = (char)*p;
		}
	}
	dst[n] = 0;
}

/* The end of a request: its counters, its access log line, its memory. */
static void req_end(lb_http_t *h, struct MHD_Connection *c, struct req *rq, bool ok)
{
	if (rq->pend) { /* closed during a CIRCL counting pass */
		lb_query_cur_free(rq->pcur);
		rq->pcur = NULL;
		struct hstream *s = rq->pend;
		rq->pend = NULL;
		lb_http_stream_free(s); /* drops the stream's reference to rq */
	}
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double secs = (double)(t1.tv_sec - rq->t0.tv_sec) + (double)(t1.tv_nsec - rq->t0.tv_nsec) / 1e9;
	unsigned status = rq->status;
	bool lib = false;
	if (!status) {
		/* a request libmicrohttpd answered itself (431: its headers did
		 * not fit the connection's memory): its status, not a made-up
		 * one, counted already (log_cb) */
		const union MHD_ConnectionInfo *si =
			MHD_get_connection_info(c, MHD_CONNECTION_INFO_HTTP_STATUS);
		lib = si && si->http_status;
		status = lib ? si->http_status : 400;
	}
	if (!lib)
		atomic_fetch_add(&h->req[rq->api][lb_http_status_idx(status)], 1);
	int li = 0;
	while (li < NLAT && secs > lb_http_lat_bounds[li])
		li++;
	atomic_fetch_add(&h->lat[li], 1);
	atomic_fetch_add(&h->lat_sum_us, (unsigned long long)(secs * 1e6));
	atomic_fetch_add(&h->lat_n, 1);
	if (h->logging) {
		char ts[32], client[INET6_ADDRSTRLEN] = "-";
		/* the client's address as text: made only when there is a log */
		const union MHD_ConnectionInfo *ci =
			MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
		if (ci && ci->client_addr) {
			const struct sockaddr *sa = ci->client_addr;
			if (sa->sa_family == AF_INET)
				inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, client,
					  sizeof client);
			else if (sa->sa_family == AF_INET6)
				inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, client,
					  sizeof client);
		}
		time_t now = time(NULL);
		struct tm tm;
		gmtime_r(&now, &tm);
		strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
		/* the target never holds a key (keys travel in headers); cap its length */
		char tgt[3 * 200 + 1], meth[3 * sizeof rq->method + 1];
		log_clean(tgt, rq->target, 200);
		log_clean(meth, rq->method[0] ? rq->method : "-", sizeof rq->method);
		pthread_mutex_lock(&h->log_lock); /* the file may be swapped (log rotation) */
		fprintf(h->o.access_log, "%s %s key=%s %s %s %u %llu %.3fms%s\n", ts, client,
			rq->key_id, meth, tgt, status,
			(unsigned long long)atomic_load(&rq->bytes), secs * 1e3,
			ok ? "" : " aborted");
		fflush(h->o.access_log);
		pthread_mutex_unlock(&h->log_lock);
	}
	atomic_fetch_sub(&h->inflight, 1);
	lb_http_req_unref(rq);
}

static void completed_cb(void *cls, struct MHD_Connection *c, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct req *rq = *con_cls;
	lib_err_flush(); /* (after a "too late" message: dropped already) */
	if (!rq)
		return;
	*con_cls = NULL;
	/* (also for a request libmicrohttpd answered itself, 431 or 414,
	 * without access_cb: the connection must forget it) */
	struct conn *cn = conn_of(c);
	if (cn && cn->unclaimed == rq) {
		cn->unclaimed = NULL;
		if (atomic_load(&cn->cut) && !rq->status)
			rq->status = 408; /* did not arrive whole within the timeout */
	}
	if (cn)
		lb_http_conn_wait(cn, false); /* the next request's time starts with its first byte */
	req_end(cls, c, rq, toe == MHD_REQUEST_TERMINATED_COMPLETED_OK);
}

/* Input the client sent that libmicrohttpd left unread, read and dropped
 * just before it closes the socket: the rest of a request it refused (its
 * headers past the connection's memory: 431, 414), a body we answered
 * without reading.  A socket closed with input unread sends a reset instead
 * of its FIN (RFC 9112 9.6), and the client's system may then fail its send
 * or drop the answer still unread: 1000 small header fields were refused
 * 431, but the client read "connection reset" after it.  What arrives after
 * the close still meets a reset (libmicrohttpd 0.9.75 does no lingering
 * close); at most 1 MiB is dropped here, without a copy (MSG_TRUNC). */
static void drain_input(struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
	if (!ci)
		return;
	char buf[16384];
	for (int i = 0; i < 64; i++)
		if (recv(ci->connect_fd, buf, sizeof buf, MSG_DONTWAIT | MSG_TRUNC) <= 0)
			break;
}

static void conn_cb(void *cls, struct MHD_Connection *c, void **socket_context,
		    enum MHD_ConnectionNotificationCode code)
{
	lb_http_t *h = cls;
	lib_err_flush();
	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		atomic_fetch_add(&h->active, 1);
		struct conn *cn = calloc(1, sizeof *cn); /* NULL: untracked */
		const union MHD_ConnectionInfo *ci =
			cn ? MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD) : NULL;
		if (ci) {
			cn->fd = ci->connect_fd;
			lb_http_conn_wait(cn, true); /* the first request's time starts now */
			const union MHD_ConnectionInfo *ai =
				MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
			int t = 0;
			const struct sockaddr *sa = ai ? ai->client_addr : NULL;
			if (h->peers && sa && (sa->sa_family == AF_INET || sa->sa_family == AF_INET6)) {
				memcpy(&cn->peer, sa, sa->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6)
										: sizeof(struct sockaddr_in));
				t = lb_peers_take(h->peers, sa);
			}
			cn->peer_counted = t > 0;
			if (t < 0) {
				/* another worker thread let this address's last
				 * connection in at the same moment (accept_cb
				 * only looks): closed as accept_cb closes them */
				atomic_fetch_add(&h->refused_per_ip, 1);
				lb_http_conn_claimed(cn);
				shutdown(cn->fd, SHUT_RDWR);
			}
			pthread_mutex_lock(&h->conn_lock);
			cn->next = h->conns;
			if (h->conns)
				h->conns->prev = cn;
			h->conns = cn;
			pthread_mutex_unlock(&h->conn_lock);
		} else {
			free(cn);
			cn = NULL;
		}
		*socket_context = cn;
	} else if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
		struct conn *cn = *socket_context;
		drain_input(c);
		if (cn && cn->unclaimed) {
			/* its headers did not fit, or did not come in time */
			cn->unclaimed->status = atomic_load(&cn->cut) ? 408 : 431;
			req_end(h, c, cn->unclaimed, false);
		}
		if (cn && cn->peer_counted)
			lb_peers_give(h->peers, (const struct sockaddr *)&cn->peer);
		if (cn) {
			pthread_mutex_lock(&h->conn_lock);
			if (cn->prev)
				cn->prev->next = cn->next;
			else
				h->conns = cn->next;
			if (cn->next)
				cn->next->prev = cn->prev;
			pthread_mutex_unlock(&h->conn_lock);
		}
		free(cn);
		*socket_context = NULL;
		atomic_fetch_sub(&h->active, 1);
	}
}

/* ---- lifecycle ---- */

static char keymsg[512];

int lb_http_start(lb_store_t *store, const lb_http_opts_t *o, lb_http_t **out, const char **msg)
{
	*out = NULL;
	*msg = "";
	struct sockaddr_storage ss;
	socklen_t sl;
	if (lb_addr_parse(o->listen, &ss, &sl)) {
		*msg = "bad listen address (want HOST:PORT or [V6]:PORT with a numeric address)";
		return LB_EINVAL;
	}
	if (!o->keys_file && !lb_addr_is_loopback(&ss)) {
		*msg = "refusing to serve without API keys (--keys FILE) on a non-loopback address";
		return LB_EINVAL;
	}
	lb_http_t *h = calloc(1, sizeof *h);
	if (!h)
		return LB_ENOMEM;
	h->store = store;
	h->o = *o;
	if (!h->o.threads)
		h->o.threads = 1;
	if (!h->o.max_conns)
		h->o.max_conns = 1;
	h->started = time(NULL);
	h->logging = o->access_log != NULL;
	pthread_mutex_init(&h->keys_lock, NULL);
	pthread_mutex_init(&h->log_lock, NULL);
	pthread_mutex_init(&h->conn_lock, NULL);
	if (o->max_conns_per_ip && !(h->peers = lb_peers_new(o->max_conns_per_ip))) {
		*msg = "out of memory";
		lb_http_stop(h, 0);
		return LB_ENOMEM;
	}
	h->open = !o->keys_file;
	if (o->keys_file) {
		h->keys_file = strdup(o->keys_file);
		int err = h->keys_file ? lb_keys_load(h->keys_file, &h->keys, keymsg, sizeof keymsg)
				       : LB_ENOMEM;
		if (err) {
			*msg = keymsg;
			lb_http_stop(h, 0);
			return err;
		}
	}
	unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ITC | MHD_USE_TURBO |
			 MHD_ALLOW_SUSPEND_RESUME;
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	/* HTTPS: libmicrohttpd asks tls.c for the credentials of each session
	 * (re-read on lb_http_reload_tls) */
	struct MHD_OptionItem tls[2] = { { MHD_OPTION_END, 0, NULL } };
	if (!o->tls_cert_file != !o->tls_key_file) {
		*msg = "HTTPS needs both a certificate and its key (--tls-cert and --tls-key)";
		lb_http_stop(h, 0);
		return LB_EINVAL;
	}
	if (o->tls_cert_file) {
		if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES ||
		    MHD_is_feature_supported(MHD_FEATURE_HTTPS_CERT_CALLBACK) != MHD_YES) {
			*msg = "this libmicrohttpd was built without TLS (or without its certificate callback)";
			lb_http_stop(h, 0);
			return LB_EINVAL;
		}
		h->tls_cert_file = strdup(o->tls_cert_file);
		h->tls_key_file = strdup(o->tls_key_file);
		if (!h->tls_cert_file || !h->tls_key_file) {
			*msg = "out of memory";
			lb_http_stop(h, 0);
			return LB_ENOMEM;
		}
		void *cb = NULL;
		int err = lb_tls_open(o->tls_cert_file, o->tls_key_file, &cb, msg);
		if (err) {
			lb_http_stop(h, 0);
			return err;
		}
		h->tls = true;
		flags |= MHD_USE_TLS;
		tls[0] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_CERT_CALLBACK, 0, cb };
		tls[1] = (struct MHD_OptionItem){ MHD_OPTION_END, 0, NULL };
	}
	/* libmicrohttpd's error log: only to count the requests it refuses
	 * itself (log_cb); nothing of it is printed.  First, so that no
	 * message goes to its default logger (stderr) before it is set. */
	flags |= MHD_USE_ERROR_LOG;
	h->d = MHD_start_daemon(
		flags, 0, h->peers ? accept_cb : NULL, h, access_cb, h,
		MHD_OPTION_EXTERNAL_LOGGER, log_cb, h,
		MHD_OPTION_ARRAY, tls,
		MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
		MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)h->o.threads,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned int)(h->o.max_conns + 64),
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)h->o.timeout_secs,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)LB_HTTP_MEM_PER_CONN,
		MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned int)1024,
		MHD_OPTION_URI_LOG_CALLBACK, uri_cb, h,
		MHD_OPTION_NOTIFY_COMPLETED, completed_cb, h,
		MHD_OPTION_NOTIFY_CONNECTION, conn_cb, h,
		MHD_OPTION_END);
	if (!h->d) {
		*msg = o->tls_cert_file
			       ? "cannot listen with TLS: the address is in use or not local"
			       : "cannot listen on that address (in use, or not a local address?)";
		lb_http_stop(h, 0);
		return LB_EIO;
	}
	const union MHD_DaemonInfo *di = MHD_get_daemon_info(h->d, MHD_DAEMON_INFO_BIND_PORT);
	h->port = di ? di->port : 0;
	if (pthread_create(&h->reaper, NULL, lb_http_reaper_main, h)) {
		*msg = "cannot start a thread";
		lb_http_stop(h, 0);
		return LB_ENOMEM;
	}
	h->reaper_on = true;
	*out = h;
	return 0;
}

int lb_http_reload_tls(lb_http_t *h, const char **msg)
{
	*msg = "";
	if (!h->tls)
		return 0;
	return lb_tls_reload(h->tls_cert_file, h->tls_key_file, msg);
}

int lb_http_reload_keys(lb_http_t *h, const char **msg)
{
	*msg = "";
	if (!h->keys_file)
		return 0;
	lb_keyset_t nk;
	int err = lb_keys_load(h->keys_file, &nk, keymsg, sizeof keymsg);
	if (err) {
		*msg = keymsg;
		return err;
	}
	pthread_mutex_lock(&h->keys_lock);
	lb_keys_carry(&nk, &h->keys);
	lb_keyset_t old = h->keys;
	h->keys = nk;
	pthread_mutex_unlock(&h->keys_lock);
	lb_keys_free(&old);
	return 0;
}

FILE *lb_http_swap_access_log(lb_http_t *h, FILE *f)
{
	pthread_mutex_lock(&h->log_lock);
	FILE *old = h->o.access_log;
	h->o.access_log = f;
	pthread_mutex_unlock(&h->log_lock);
	return old;
}

unsigned lb_http_port(const lb_http_t *h) { return h->port; }

void lb_http_stop(lb_http_t *h, unsigned drain_secs)
{
	if (!h)
		return;
	if (h->d) {
		MHD_socket ls = MHD_quiesce_daemon(h->d);
		if (ls != MHD_INVALID_SOCKET)
			close(ls);
		for (unsigned i = 0; i < drain_secs * 20 && atomic_load(&h->inflight) > 0; i++)
			usleep(50000);
		atomic_store(&h->stopping, true);
		if (h->reaper_on)
			pthread_join(h->reaper, NULL);
		MHD_stop_daemon(h->d);
	}
	lb_peers_free(h->peers);
	lb_keys_free(&h->keys);
	free(h->keys_file);
	if (h->tls)
		lb_tls_close();
	free(h->tls_cert_file);
	free(h->tls_key_file);
	pthread_mutex_destroy(&h->keys_lock);
	pthread_mutex_destroy(&h->log_lock);
	pthread_mutex_destroy(&h->conn_lock);
	free(h);
}
