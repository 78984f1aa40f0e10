/*
 * stream.c - streamed answers of the query server: a struct hstream pulls
 * records from query cursors in bounded batches (produce), renders them as
 * SAF, COF or flex lines into a small memory stream, and hands them to
 * libmicrohttpd: the first batch right away (a small answer goes out whole,
 * in one send), the rest through the response callback, which gives the
 * worker thread up between rounds (suspend + resume) when a scan finds
 * nothing to send for a while.
 */
#include <fnmatch.h>
#include <microhttpd.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dns/name.h"
#include "dns/rdata.h"
#include "dns/rrtype.h"
#include "http/http_impl.h"
#include "util/hash.h"
#include "util/hset.h"
#include "util/json.h"

void lb_http_stream_free(void *cls)
{
	struct hstream *s = cls;
	lb_query_cur_free(s->cur);
	lb_names_cur_free(s->ncur);
	for (int i = 0; i < 2; i++)
		lb_query_free(&s->qs[i]);
	lb_query_free(&s->r.q);
	if (s->ms)
		fclose(s->ms);
	free(s->mbuf);
	lb_out_free(&s->out);
	pcre2_match_data_free(s->md);
	pcre2_code_free(s->re);
	pcre2_code_free(s->ex);
	lb_hset_free(&s->seen);
	lb_http_req_unref(s->rq);
	free(s);
}

void lb_http_stream_fail(struct hstream *s, const char *m)
{
	s->failed = true;
	s->fail_msg = m;
}

/* Whether the flex pattern (and not its exclusion) matches text.  A match
 * that PCRE2 gives up on (its match, depth or heap limit: a pattern that
 * backtracks without end on this subject) is not a "no": the answer ends
 * failed, saying so, rather than leave out what may have matched. */
static const char FLEX_TOO_COSTLY[] =
	"regular expression too costly: PCRE2 gave up matching (match limit); simplify the pattern";

static bool pcre_hit(struct hstream *s, pcre2_code *re, const char *text, size_t n)
{
	int rc = pcre2_match(re, (PCRE2_SPTR)text, n, 0, 0, s->md, NULL);
	if (rc >= 0)
		return true;
	if (rc != PCRE2_ERROR_NOMATCH) {
		lb_http_stream_fail(s, FLEX_TOO_COSTLY);
		s->state = S_END;
	}
	return false;
}

static bool flex_match(struct hstream *s, const char *text)
{
	if (s->r.flex_glob)
		return fnmatch(s->r.flex, text, FNM_CASEFOLD) == 0 &&
		       !(s->r.exclude[0] && fnmatch(s->r.exclude, text, FNM_CASEFOLD) == 0);
	size_t n = strlen(text);
	if (!pcre_hit(s, s->re, text, n))
		return false;
	return !(s->ex && (pcre_hit(s, s->ex, text, n) || s->failed));
}

static void flex_type(uint16_t type, char *tb, size_t n)
{
	if (lb_rrtype_to_text(type, tb, n) < 0)
		snprintf(tb, n, "TYPE%u", type);
}

static uint8_t ascii_lower(uint8_t c) { return c >= 'A' && c <= 'Z' ? (uint8_t)(c + 32) : c; }

bool lb_http_circl_covered(const lb_query_t *rq, const lb_store_rec_t *r)
{
	const uint8_t *o = r->owner, *n = rq->name;
	switch (rq->match) {
	case LB_MATCH_EXACT:
		return lb_name_equal(o, n);
	case LB_MATCH_BELOW:
		return !lb_name_equal(o, n) && lb_name_is_subdomain(o, n);
	case LB_MATCH_ABOVE_PREFIX:
		/* the leading labels (n without its root label), then more */
		if (r->owner_len < rq->name_len)
			return false;
		for (size_t i = 0; i + 1 < rq->name_len;) {
			unsigned l = n[i];
			if (o[i] != l)
				return false;
			for (unsigned j = 1; j <= l; j++)
				if (ascii_lower(o[i + j]) != ascii_lower(n[i + j]))
					return false;
			i += 1 + l;
		}
		return o[rq->name_len - 1] != 0;
	}
	return false;
}

/* Paging of CIRCL and flex answers (global offset and count): false while
 * the offset skips this object, and once the count is reached (the answer
 * then ends, limited). */
static bool page_take(struct hstream *s)
{
	if (s->skip) {
		s->skip--;
		return false;
	}
	if (s->limit && s->emit == s->limit) {
		s->limited = true;
		s->state = S_END;
		return false;
	}
	return true;
}

/* Flex rdata search: 1 if this (type, rdata) was met before in the answer.
 * The set doubles from 4096 slots up to FLEX_SEEN_MAX (16 MiB: 1M values);
 * past that, values are no longer remembered and one may come again. */
#define FLEX_SEEN_MAX (1u << 21)
static bool flex_seen(struct hstream *s, uint16_t type, const uint8_t *rd, size_t len)
{
	return lb_hset_add(&s->seen, lb_hash64(rd, len, type)) == 1;
}

/* Flex search over the rrsets the cursor yields: emit 0..n objects (a scan:
 * the type's text is made only for what matches). */
static void flex_rec(struct hstream *s, const lb_store_rec_t *r)
{
	char nb[LB_NAME_TEXT_MAX + 1], tb[32];
	FILE *f = s->ms;
	if (!s->r.flex_rdata) {
		if (s->last_len == r->owner_len && s->last_type == r->type &&
		    !memcmp(s->last_name, r->owner, r->owner_len))
			return;
		memcpy(s->last_name, r->owner, r->owner_len);
		s->last_len = r->owner_len;
		s->last_type = r->type;
		if (lb_name_to_text(r->owner, nb, sizeof nb) < 0 || !flex_match(s, nb) ||
		    !page_take(s))
			return;
		flex_type(r->type, tb, sizeof tb);
		fputs("{\"obj\":{\"rrname\":", f);
		lb_json_put_str(f, nb);
		fputs(",\"rrtype\":", f);
		lb_json_put_str(f, tb);
		fputs("}}\n", f);
		s->emit++;
		return;
	}
	for (size_t i = 0; i < r->nrdata && s->state == S_RECS; i++) {
		if (lb_out_text(&s->out, r->type, r->rdata[i], r->rdlen[i]) < 0 ||
		    !flex_match(s, s->out.buf) ||
		    flex_seen(s, r->type, r->rdata[i], r->rdlen[i]) || !page_take(s))
			continue; /* page_take may end the answer: the loop stops */
		flex_type(r->type, tb, sizeof tb);
		fputs("{\"obj\":{\"rdata\":", f);
		lb_json_put_str(f, s->out.buf);
		fputs(",\"rrtype\":", f);
		lb_json_put_str(f, tb);
		fputs(",\"raw_rdata\":\"", f);
		for (size_t j = 0; j < r->rdlen[i]; j++)
			fprintf(f, "%02X", r->rdata[i][j]);
		fputs("\"}}\n", f);
		s->emit++;
	}
}

/* Produce the next batch of output into the memory stream. */
/* Whether an answer has run past --query-timeout since its request came: a
 * DNSDB (SAF) one then ends "limited", which SAF can say; a CIRCL one has no
 * terminator to say it with and is cut instead (no last chunk: the client
 * sees it incomplete). */
static bool query_timed_out(const struct hstream *s)
{
	return lb_http_past_timeout(s->rq->h, &s->rq->t0);
}

/* /lookback/v1: the next row per name or registered domain (query/names.h)
 * as a SAF object; at the end, what cut the rows and their summary.  False
 * when the cursor's budget is spent. */
static bool names_step(struct hstream *s)
{
	lb_http_t *h = s->rq->h;
	if (!s->ncur) {
		int err = lb_names_cur_new(h->store, &s->qs[0], (enum lb_names_mode)s->names, &s->ncur);
		if (err) {
			lb_http_stream_fail(s, lb_store_errmsg(h->store, err));
			s->state = S_END;
			return true;
		}
		lb_names_cur_set_budget(s->ncur, NAMES_STEPS);
	}
	const lb_names_row_t *w;
	int n = lb_names_cur_next(s->ncur, &w);
	if (n == LB_QUERY_AGAIN)
		return false;
	if (n < 0) {
		lb_http_stream_fail(s, n == LB_ELIMIT
					       ? "too many rows to hold (an rdata lookup's, domains "
						 "under a right-hand wildcard, or sort=): narrow the lookup"
					       : lb_store_errmsg(h->store, n));
		s->state = S_END;
		return true;
	}
	if (n == 0) {
		const lb_query_result_t *res = lb_names_cur_result(s->ncur);
		s->limited = res->limited || res->count_reached;
		s->count_reached = res->count_reached;
		s->sum = res->sum;
		s->state = S_END;
		return true;
	}
	fputs("{\"obj\":", s->ms);
	lb_names_row_json(s->ms, (enum lb_names_mode)s->names, w, s->r.humantime);
	fputs("}\n", s->ms);
	s->emit++;
	return true;
}

static void produce(struct hstream *s)
{
	lb_http_t *h = s->rq->h;
	switch (s->state) {
	case S_BEGIN:
		if (s->saf)
			lb_saf_begin(&s->out);
		s->state = S_RECS;
		break;
	case S_RECS: {
		lb_store_rec_t r;
		long pos = 0;
		for (int i = 0; s->state == S_RECS && i < BATCH_RECS &&
				(s->summarize || (pos = ftell(s->ms)) < BATCH_BYTES);
		     i++) {
			/* each record may take a flex pattern's match (up to
			 * PCRE2's match limit): the clock is read per record */
			if (query_timed_out(s)) {
				s->timed_out = true;
				if (s->saf) {
					s->limited = true;
				} else {
					lb_http_stream_fail(s, "Query time limit reached");
					atomic_fetch_add(&h->query_timeouts, 1);
				}
				s->state = S_END;
				break;
			}
			if (s->names) {
				if (!names_step(s))
					break; /* the budget is spent: the next call goes on */
				continue;
			}
			if (!s->cur) {
				if (s->qi == s->nq) {
					s->state = S_END;
					break;
				}
				int err = lb_query_cur_new(h->store, &s->qs[s->qi], &s->cur);
				if (err) {
					lb_http_stream_fail(s, lb_store_errmsg(h->store, err));
					s->state = S_END;
					break;
				}
				lb_query_cur_set_budget(s->cur, SCAN_STEPS);
			}
			int n = lb_query_cur_next(s->cur, &r);
			if (n == LB_QUERY_AGAIN)
				break; /* the budget is spent: the next call goes on */
			if (n < 0) {
				lb_http_stream_fail(s, lb_store_errmsg(h->store, n));
				s->state = S_END;
				break;
			}
			if (n == 0) {
				if (lb_query_cur_limited(s->cur))
					s->limited = true;
				lb_query_cur_free(s->cur);
				s->cur = NULL;
				s->qi++;
				if (s->limited)
					s->state = S_END;
				continue;
			}
			if (s->summarize) {
				/* max_count reached: "limited" only if another
				 * result exists (SAF: limited = more exists) */
				if (s->count_reached) {
					s->limited = true;
					s->state = S_END;
					continue;
				}
				lb_query_sum_add(&s->sum, &r.val);
				if (s->r.max_count && s->sum.count >= s->r.max_count)
					s->count_reached = true;
				continue;
			}
			if (s->r.api == LB_API_FLEX) {
				flex_rec(s, &r);
				continue;
			}
			if (s->r.api == LB_API_CIRCL) {
				/* a name query's rdata part: an RR of an rrset its
				 * rrset part gave is not given again */
				if (s->qi == 1 && lb_http_circl_covered(&s->qs[0], &r))
					continue;
				if (!page_take(s))
					continue; /* skipped, or the end (the loop stops) */
				lb_out_rec(&s->out, &r);
				s->emit++;
				continue;
			}
			lb_saf_rec(&s->out, &r, s->r.humantime);
			s->emit++;
		}
		(void)pos;
		break;
	}
	case S_END:
		if (s->summarize && !s->failed && s->sum.num_results)
			lb_saf_summary(&s->out, &s->sum, s->r.humantime);
		if (s->saf) {
			/* "limited" says why, as DNSDB's does (dnsdbq prints it:
			 * "Database limit: ...") */
			const char *lim = s->timed_out ? "Query time limit reached"
					  : s->summarize && s->count_reached ? "Max count reached"
									     : "Result limit reached";
			if (s->timed_out)
				atomic_fetch_add(&h->query_timeouts, 1);
			lb_saf_end(&s->out, s->failed ? "failed" : s->limited ? "limited" : "succeeded",
				   s->failed ? s->fail_msg : s->limited ? lim : NULL);
		}
		s->state = S_DONE;
		break;
	case S_DONE:
		break;
	}
	/* objects count as they are made, so that a long stream moves the
	 * counter while it runs and one its client left counts what it had */
	atomic_fetch_add(&h->objs_out, s->emit - s->counted);
	s->counted = s->emit;
}

static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct hstream *s = cls;
	(void)pos;
	/* fill the whole buffer when the result allows: a small answer (begin,
	 * records, terminator) then leaves in one chunk, one send */
	size_t got = 0;
	int rounds = 0;
	while (got < max) {
		if (s->moff == s->msize) {
			if (s->state == S_DONE)
				break;
			if (rounds++ == PRODUCE_ROUNDS) {
				if (got)
					break;
				/* nothing to send yet: the worker serves its other
				 * connections first, then this one goes on (0 with the
				 * connection suspended, as libmicrohttpd requires) */
				MHD_suspend_connection(s->conn);
				MHD_resume_connection(s->conn);
				return 0;
			}
			if (fseeko(s->ms, 0, SEEK_SET))
				return MHD_CONTENT_READER_END_WITH_ERROR;
			produce(s);
			if (fflush(s->ms) || ferror(s->ms))
				return MHD_CONTENT_READER_END_WITH_ERROR;
			/* an answer without SAF framing (CIRCL) that broke is cut
			 * without its last chunk, not ended as if whole */
			if (s->failed && !s->saf) {
				/* libmicrohttpd 0.9.75 keeps such a connection open
				 * until its idle timeout: the client would wait that
				 * long for the rest; end our side now */
				const union MHD_ConnectionInfo *ci = MHD_get_connection_info(
					s->conn, MHD_CONNECTION_INFO_CONNECTION_FD);
				if (ci)
					(void)shutdown(ci->connect_fd, SHUT_WR);
				return MHD_CONTENT_READER_END_WITH_ERROR;
			}
			s->msize = (size_t)ftello(s->ms);
			s->moff = 0;
			continue;
		}
		size_t n = s->msize - s->moff;
		if (n > max - got)
			n = max - got;
		memcpy(buf + got, s->mbuf + s->moff, n);
		s->moff += n;
		got += n;
	}
	if (!got)
		return MHD_CONTENT_READER_END_OF_STREAM;
	atomic_fetch_add(&s->rq->bytes, got);
	return (ssize_t)got;
}

struct hstream *lb_http_stream_new(struct req *rq, lb_http_req_t *r)
{
	struct hstream *s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	s->rq = rq;
	lb_hset_init(&s->seen, 4096, FLEX_SEEN_MAX);
	s->r = *r;            /* takes over r->q.raw */
	r->q.raw = NULL;
	s->ms = open_memstream(&s->mbuf, &s->msize);
	/* one thread at a time writes a stream: no stdio lock per call */
	if (s->ms)
		__fsetlocking(s->ms, FSETLOCKING_BYCALLER);
	if (!s->ms || lb_out_init(&s->out, s->ms, LB_FMT_COF)) {
		if (s->ms)
			fclose(s->ms);
		free(s->mbuf);
		lb_out_free(&s->out);
		lb_query_free(&s->r.q);
		free(s);
		return NULL;
	}
	s->msize = 0;
	atomic_fetch_add(&rq->refs, 1);
	return s;
}

/* Copy q into the stream's query slot i (the raw bytes duplicated). */
int lb_http_stream_add_query(struct hstream *s, const lb_query_t *q)
{
	lb_query_t *d = &s->qs[s->nq];
	*d = *q;
	d->raw = NULL;
	if (q->raw_len) {
		d->raw = malloc(q->raw_len);
		if (!d->raw)
			return LB_ENOMEM;
		memcpy(d->raw, q->raw, q->raw_len);
	}
	s->nq++;
	return 0;
}

enum MHD_Result lb_http_send_stream(struct req *rq, struct MHD_Connection *c, struct hstream *s,
				   const char *cursor, const char *errors)
{
	/* The first STREAM_PREFETCH bytes are produced right away.  A result that
	 * ends within them (the usual exact lookup) goes out with a Content-Length,
	 * header and body in one send; a longer one streams on from there. */
	for (int i = 0; i < PRODUCE_ROUNDS && s->state != S_DONE && ftello(s->ms) < STREAM_PREFETCH;
	     i++)
		produce(s);
	if (fflush(s->ms) || ferror(s->ms)) {
		lb_http_stream_free(s);
		return MHD_NO;
	}
	s->msize = (size_t)ftello(s->ms);
	s->moff = 0;
	struct MHD_Response *resp;
	bool whole = s->state == S_DONE;
	if (whole && s->failed && !s->saf) {
		/* nothing sent yet of an answer without SAF framing (CIRCL)
		 * that broke: an HTTP error, not a 200 with part of it */
		char b[256];
		int n = snprintf(b, sizeof b, "Error: %s\n", s->fail_msg ? s->fail_msg : "store error");
		/* the time limit is the server's choice, as in the paging count
		 * (503); anything else broke (500) */
		unsigned st = s->timed_out ? 503 : 500;
		lb_http_stream_free(s);
		resp = MHD_create_response_from_buffer((size_t)n, b, MHD_RESPMEM_MUST_COPY);
		if (!resp)
			return MHD_NO;
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "text/plain");
		rq->status = st;
		atomic_fetch_add(&rq->bytes, (size_t)n);
		enum MHD_Result r = MHD_queue_response(c, st, resp);
		MHD_destroy_response(resp);
		return r;
	}
	if (whole) {
		/* the stream's buffer is handed to the response (no copy) */
		fclose(s->ms);
		s->ms = NULL;
		resp = MHD_create_response_from_buffer(s->msize, s->mbuf, MHD_RESPMEM_MUST_FREE);
		if (resp)
			s->mbuf = NULL;
		atomic_fetch_add(&rq->bytes, s->msize);
	} else {
		s->conn = c;
		resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 32768, stream_read, s,
							 lb_http_stream_free);
	}
	if (!resp) {
		lb_http_stream_free(s);
		return MHD_NO;
	}
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
				rq->ctype ? rq->ctype : "application/x-ndjson");
	if (cursor)
		MHD_add_response_header(resp, "x-dribble-cursor", cursor);
	if (errors)
		MHD_add_response_header(resp, "x-dribble-errors", errors);
	rq->status = 200;
	enum MHD_Result r = MHD_queue_response(c, 200, resp);
	MHD_destroy_response(resp);
	if (whole)
		lb_http_stream_free(s);
	return r;
}
