/*
 * cof.c - COF / DNSDB NDJSON importer.
 *
 * A record: rrname, rrtype (mnemonic, "TYPEn" or a number), rdata (array of
 * presentation strings, or one string), time_first/time_last and/or
 * zone_time_first/zone_time_last (Unix seconds, or RFC 3339 strings as
 * DNSDB's humantime writes them), count (default 1), bailiwick, sensor_id.
 * SAF framing ({"cond":"begin"}, {"obj":{...}}, {"cond":"succeeded"|
 * "limited"|"failed","msg":..}) is unwrapped; a stream that ends without a
 * terminator, or with "failed", is counted as stream_truncated.
 * Each record is delivered as one aggregated entry.  A record with
 * "negative":true is an aggregated negative answer (rrname = qname, rrtype =
 * qtype, "rcode" a mnemonic or number, rdata ignored), as `lookback export`
 * writes them; it goes to the sink's aggr_neg.  A line
 * {"source":NAME,"time_first":..,"time_last":..,"count":N} (no rrname) is a
 * source's own freshness, as `lookback export` writes a whole store's
 * sources before its records; it goes to the sink's source callback.
 */
#include "sources/cof.h"

#include <string.h>
#include <strings.h>

#include "dns/rrtype.h"
#include "sensor/sensor.h" /* LB_INGEST_BOOKMARK_PREFIX */
#include "store/store.h"

#define LB_STORE_SENSOR_NAME LB_STORE_SENSOR_MAX
#define COF_MAX_SOURCES LB_STORE_MAX_SOURCES

#define COF_MAX_RDATA 2048

/* 0 ok (absent: *v untouched, *have false), -1 bad. */
static int jtime(const js_doc_t *d, int o, const char *key, uint64_t *v, bool *have)
{
	int x = js_get(d, o, key);
	*have = false;
	if (x < 0 || js_type(d, x) == JS_NULL)
		return 0;
	int64_t iv;
	double dv;
	char buf[64];
	size_t l;
	const char *t;
	if (js_int(d, x, &iv) == 0) {
		if (iv < 0)
			return -1;
		*v = (uint64_t)iv;
	} else if (js_num(d, x, &dv) == 0) {
		if (!(dv >= 0 && dv < 1e12))
			return -1;
		*v = (uint64_t)dv;
	} else if ((t = js_str(d, x, buf, sizeof buf, &l))) {
		struct timeval tv;
		if (src_time_any(t, l, &tv))
			return -1;
		*v = (uint64_t)tv.tv_sec;
	} else {
		return -1;
	}
	*have = true;
	return 0;
}

static int jrcode(const js_doc_t *d, int x, uint16_t *rcode)
{
	int64_t v;
	char buf[16];
	size_t l;
	if (js_int(d, x, &v) == 0) {
		if (v < 0 || v > 4095)
			return -1;
		*rcode = (uint16_t)v;
		return 0;
	}
	const char *t = js_str(d, x, buf, sizeof buf - 1, &l);
	if (!t || l == 0 || l >= sizeof buf)
		return -1;
	for (uint16_t i = 0; i < 24; i++) {
		const char *n = lb_rcode_name(i);
		if (n && strlen(n) == l && !strncasecmp(n, t, l)) {
			*rcode = i;
			return 0;
		}
	}
	return -1;
}

/* "days_active": [[day, ndays, count], ...] (or [day, ndays] each when the
 * counts are unknown), days since 1970-01-01, as `lookback export` writes a
 * timeline: ascending runs with at least one day between them, none past
 * the day of time_last, their counts adding up to count.  0 = none
 * or good, -1 = bad. */
static int jdays(const js_doc_t *d, int o, lb_src_aggr_t *a, lb_dayrun_t *runs)
{
	int x = js_get(d, o, "days_active");
	if (x < 0 || js_type(d, x) == JS_NULL)
		return 0;
	if (js_type(d, x) != JS_ARR || !a->time_last)
		return -1;
	size_t n = d->t[x].n;
	if (n == 0 || n > LB_STORE_MAX_RUNS)
		return -1;
	/* a sighting at time 0 (a capture without timestamps) has its day 0
	 * while time_first, the earliest non-zero time, does not show it: a run
	 * may start before the day of time_first, never end after time_last's */
	uint64_t hi = a->time_last / 86400, next = 0, sum = 0;
	size_t arity = 0;
	int e = x + 1;
	for (size_t i = 0; i < n; i++, e = (int)d->t[e].next) {
		if (js_type(d, e) != JS_ARR)
			return -1;
		size_t m = d->t[e].n;
		if ((m != 2 && m != 3) || (arity && m != arity))
			return -1;
		arity = m;
		int64_t v[3] = { 0, 0, 0 };
		int f = e + 1;
		for (size_t j = 0; j < m; j++, f = (int)d->t[f].next)
			if (js_int(d, f, &v[j]) || v[j] < 0)
				return -1;
		if ((uint64_t)v[0] < next || v[1] < 1 || (uint64_t)v[0] + (uint64_t)v[1] - 1 > hi ||
		    (uint64_t)v[0] + (uint64_t)v[1] > UINT32_MAX)
			return -1;
		runs[i].start = (uint32_t)v[0];
		runs[i].len = (uint32_t)v[1];
		runs[i].count = (uint64_t)v[2];
		next = (uint64_t)v[0] + (uint64_t)v[1] + 1; /* runs are apart */
		sum += (uint64_t)v[2];
		if (sum < (uint64_t)v[2])
			return -1;
	}
	if (arity == 3 && sum != a->count)
		return -1;
	a->runs = runs;
	a->nruns = (uint32_t)n;
	a->runs_uncounted = arity == 2;
	return 0;
}

static void negative(lb_src_t *s, int o, const uint8_t *owner, int ol, uint16_t type,
		     const uint8_t *bw, const char *sensor, const lb_src_aggr_t *agg)
{
	const js_doc_t *d = &s->js;
	uint16_t rcode;
	if (jrcode(d, js_get(d, o, "rcode"), &rcode))
		return (void)src_bad(s, LB_BAD_TYPE);
	/* as every other source (src_chain, src_negative) and the packet path
	 * (observe/obs.c): NOERROR (NODATA), NXDOMAIN, SERVFAIL and REFUSED
	 * deny a name's data; another rcode (FORMERR, NOTIMP, ...) or a meta
	 * query's failure (AXFR's REFUSED: a transfer policy) denies nothing */
	if ((rcode != LB_RCODE_NOERROR && rcode != LB_RCODE_NXDOMAIN && rcode != LB_RCODE_SERVFAIL &&
	     rcode != LB_RCODE_REFUSED) || lb_qtype_is_meta(type))
		return (void)src_skip(s, LB_SKIP_RCODE);
	int bl = bw ? lb_name_check(bw, LB_NAME_MAX) : 0;
	lb_obs_neg_t n = {
		.qname = owner, .qname_len = (uint8_t)ol, .qtype = type, .qclass = LB_C_IN,
		.rcode = rcode, .sensor = sensor, .bailiwick = bl > 0 ? bw : NULL,
		.bailiwick_len = bl > 0 ? (uint8_t)bl : 0,
	};
	lb_src_aggr_t a = *agg;
	a.neg = &n;
	s->c.records++;
	s->c.negatives++;
	s->c.aggregated++;
	if (s->sink.aggr_neg)
		s->sink.aggr_neg(s->sink.aggr_ctx, &a);
}

/* "count": an integer; also as producers in other languages write one: a
 * number with a zero fraction (2.0) or a decimal string ("5").  0 or -1. */
static int jcount(const js_doc_t *d, int x, int64_t *v)
{
	double dv;
	char buf[24];
	size_t l;
	const char *t;
	uint64_t u;
	if (js_int(d, x, v) == 0)
		return 0;
	if (js_num(d, x, &dv) == 0) {
		if (!(dv >= 0 && dv < 9e15) || dv != (double)(int64_t)dv)
			return -1;
		*v = (int64_t)dv;
		return 0;
	}
	if ((t = js_str(d, x, buf, sizeof buf, &l)) && src_u64(t, l, &u) == 0 && u <= INT64_MAX) {
		*v = (int64_t)u;
		return 0;
	}
	return -1;
}

/* {"source":NAME,"time_first":T,"time_last":T,"count":N}: a source's own
 * freshness (count 0 when absent).  With --source every record is that
 * source's: the line is counted, not given. */
static void source_line(lb_src_t *s, int o, int si)
{
	const js_doc_t *d = &s->js;
	char sb[LB_STORE_SENSOR_NAME + 1];
	size_t sl;
	const char *t = js_str(d, si, sb, sizeof sb - 1, &sl);
	if (!t || sl == 0 || sl > LB_STORE_SENSOR_NAME || memchr(t, 0, sl))
		return (void)src_bad(s, LB_BAD_FIELDS);
	if (t != sb)
		memcpy(sb, t, sl);
	sb[sl] = 0;
	/* a collector's delivery bookmark is no source (export leaves them out) */
	if (!strncmp(sb, LB_INGEST_BOOKMARK_PREFIX, sizeof LB_INGEST_BOOKMARK_PREFIX - 1))
		return (void)src_bad(s, LB_BAD_FIELDS);
	uint64_t first = 0, last = 0;
	bool h1, h2;
	if (jtime(d, o, "time_first", &first, &h1) || jtime(d, o, "time_last", &last, &h2) || !h1 ||
	    !h2 || first > last || last > LB_TIME_MAX)
		return (void)src_bad(s, LB_BAD_TIME);
	int ci = js_get(d, o, "count");
	int64_t cv = 0;
	if (ci >= 0 && js_type(d, ci) != JS_NULL && (jcount(d, ci, &cv) || cv < 0))
		return (void)src_bad(s, LB_BAD_FIELDS);
	s->c.sources++;
	if (!s->o.source && s->sink.source)
		s->sink.source(s->sink.aggr_ctx, sb, first, last, (uint64_t)cv);
}

static void record(lb_src_t *s, int o)
{
	const js_doc_t *d = &s->js;
	char nb[2048], bb[2048], sb[LB_STORE_SENSOR_NAME + 1];
	size_t nl, bl, sl;
	const char *nm = js_str(d, js_get(d, o, "rrname"), nb, sizeof nb, &nl);
	int rd = js_get(d, o, "rdata");
	uint16_t type;
	if (!nm && js_get(d, o, "rrname") < 0 &&
	    ((rd >= 0 && js_get(d, o, "raw_rdata") >= 0) || js_get(d, o, "num_results") >= 0)) {
		/* DNSDB results that are not COF: a flex search's rdata rows
		 * {rdata, rrtype, raw_rdata}, a summarize {count, num_results, ...} */
		src_skip(s, LB_SKIP_NOT_DNS);
		return;
	}
	int si = js_get(d, o, "source");
	if (!nm && js_get(d, o, "rrname") < 0 && si >= 0 && js_type(d, si) == JS_STR)
		return source_line(s, o, si);
	if (!nm)
		return (void)src_bad(s, LB_BAD_FIELDS);
	int ng = js_get(d, o, "negative");
	bool neg = ng >= 0 && js_type(d, ng) == JS_TRUE;
	if (rd < 0 && !neg) {
		src_skip(s, LB_SKIP_NOT_DNS); /* e.g. flex search rows {rrname, rrtype} */
		return;
	}
	if (src_js_rrtype(d, js_get(d, o, "rrtype"), &type))
		return (void)src_bad(s, LB_BAD_TYPE);
	uint8_t owner[LB_NAME_MAX], bw[LB_NAME_MAX];
	int ol = src_name(nm, nl, NULL, owner);
	if (ol < 0)
		return (void)src_bad(s, LB_BAD_NAME);
	int bi = js_get(d, o, "bailiwick");
	const char *b = js_str(d, bi, bb, sizeof bb, &bl);
	if (bi >= 0 && js_type(d, bi) != JS_NULL && (!b || src_name(b, bl, NULL, bw) < 0))
		return (void)src_bad(s, LB_BAD_NAME);
	/* a bailiwick is the zone the record came from: at or above its owner */
	if (bi >= 0 && b && bl > 0 && !lb_name_is_subdomain(owner, bw))
		return (void)src_bad(s, LB_BAD_NAME);
	lb_src_aggr_t a = { 0 };
	bool h1, h2, z1, z2;
	if (jtime(d, o, "time_first", &a.time_first, &h1) || jtime(d, o, "time_last", &a.time_last, &h2) ||
	    jtime(d, o, "zone_time_first", &a.zone_first, &z1) ||
	    jtime(d, o, "zone_time_last", &a.zone_last, &z2))
		return (void)src_bad(s, LB_BAD_TIME);
	if (h1 != h2 || z1 != z2 || (!h1 && !z1) || (h1 && a.time_first > a.time_last) ||
	    (z1 && a.zone_first > a.zone_last))
		return (void)src_bad(s, LB_BAD_TIME);
	int ci = js_get(d, o, "count");
	int64_t cv = h1 ? 1 : 0;
	if (ci >= 0 && js_type(d, ci) != JS_NULL && (jcount(d, ci, &cv) || cv < 0))
		return (void)src_bad(s, LB_BAD_FIELDS);
	a.count = (uint64_t)cv;
	lb_dayrun_t runs[LB_STORE_MAX_RUNS];
	if (!neg && jdays(d, o, &a, runs))
		return (void)src_bad(s, LB_BAD_FIELDS);
	const char *sensor = s->sensor;
	const char *sid = s->o.source ? NULL : js_str(d, js_get(d, o, "sensor_id"), sb, sizeof sb - 1, &sl);
	if (sid && sl > 0 && sl <= LB_STORE_SENSOR_NAME && !memchr(sid, 0, sl)) {
		if (sid != sb)
			memcpy(sb, sid, sl);
		sb[sl] = 0;
		sensor = sb;
	}
	/* "sensor_ids" (as query/export write it for more than one source):
	 * every name kept, the first becomes the sensor; --source overrides */
	char idb[COF_MAX_SOURCES][LB_STORE_SENSOR_NAME + 1];
	const char *idp[COF_MAX_SOURCES];
	size_t nid = 0;
	int ids = s->o.source ? -1 : js_get(d, o, "sensor_ids");
	if (ids >= 0 && js_type(d, ids) == JS_ARR) {
		size_t cnt = d->t[ids].n;
		int x = ids + 1;
		for (size_t i = 0; i < cnt && nid < COF_MAX_SOURCES; i++, x = (int)d->t[x].next) {
			size_t il;
			const char *t = js_str(d, x, idb[nid], sizeof idb[nid] - 1, &il);
			if (!t || il == 0 || il > LB_STORE_SENSOR_NAME || memchr(t, 0, il))
				continue;
			if (t != idb[nid])
				memcpy(idb[nid], t, il);
			idb[nid][il] = 0;
			idp[nid] = idb[nid];
			nid++;
		}
		if (nid) {
			a.sources = idp;
			a.nsources = nid;
			sensor = idp[0];
			/* as export writes a value that kept the 16 smallest ids of more */
			int more = js_get(d, o, "sensor_ids_more");
			a.sources_more = more >= 0 && js_type(d, more) == JS_TRUE;
		}
	}
	if (neg)
		return negative(s, o, owner, ol, type,
				b && bi >= 0 && js_type(d, bi) == JS_STR ? bw : NULL, sensor, &a);
	src_resp_t *r = s->resp;
	resp_reset(r);
	bool arr = js_type(d, rd) == JS_ARR;
	size_t n = arr ? d->t[rd].n : 1;
	if ((!arr && js_type(d, rd) != JS_STR) || n == 0 || n > COF_MAX_RDATA)
		return (void)src_bad(s, LB_BAD_FIELDS);
	int x = arr ? rd + 1 : rd;
	for (size_t i = 0; i < n; i++, x = (int)d->t[x].next) {
		size_t tl;
		const char *t = js_str(d, x, s->jbuf, s->jbuf_cap, &tl);
		if (!t) {
			resp_reset(r);
			return (void)src_bad(s, LB_BAD_FIELDS);
		}
		int err = resp_add_text(r, owner, (uint8_t)ol, type, LB_C_IN, 0, LB_SEC_ANSWER, t, tl,
					NULL);
		if (err) {
			resp_reset(r);
			return (void)src_bad(s, err == LB_ELIMIT ? LB_BAD_FIELDS : LB_BAD_RDATA);
		}
	}
	const char *keep = s->sensor;
	s->sensor = sensor;
	s->c.records++;
	resp_emit(s, r, NULL, b && bi >= 0 && js_type(d, bi) == JS_STR ? bw : NULL, &a);
	s->sensor = keep;
}

void src_cof_line(lb_src_t *s, const char *line, size_t len)
{
	if (len == 0)
		return;
	if (src_jscan(s, line, len))
		return;
	const js_doc_t *d = &s->js;
	char cb[32];
	size_t cl;
	int ci = js_get(d, 0, "cond");
	const char *cond = js_str(d, ci, cb, sizeof cb - 1, &cl);
	int obj = js_get(d, 0, "obj");
	if (ci >= 0) {
		if (!cond || cl >= sizeof cb) /* unescaped strings come back unbounded */
			return (void)src_bad(s, LB_BAD_FIELDS);
		if (cond != cb)
			memcpy(cb, cond, cl);
		cb[cl] = 0;
		if (!strcmp(cb, "begin")) {
			s->saf = 1;
		} else if (!strcmp(cb, "succeeded") || !strcmp(cb, "limited")) {
			s->saf = 2;
		} else if (!strcmp(cb, "failed")) {
			s->saf = 2;
			src_bad(s, LB_BAD_TRUNCATED);
		} else if (strcmp(cb, "ongoing")) {
			src_bad(s, LB_BAD_FIELDS);
		}
		if (!s->saf)
			s->saf = 1;
	}
	if (obj >= 0) {
		if (js_type(d, obj) != JS_OBJ)
			src_bad(s, LB_BAD_FIELDS);
		else
			record(s, obj);
	} else if (ci < 0) {
		record(s, 0);
	}
}
void src_cof_end(lb_src_t *s)
{
	if (s->saf == 1) {
		s->line_bad = false;
		src_bad(s, LB_BAD_TRUNCATED); /* begun but never terminated */
	}
}
