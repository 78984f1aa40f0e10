/*
 * metrics.c - the server's Prometheus text (/metrics): requests by endpoint
 * and status, those libmicrohttpd refused itself, the latency histogram,
 * connections, streams, limits, and what the embedding program adds
 * (lb_http_opts_t.metrics_extra).
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "http/http.h"
#include "http/http_impl.h"
#include "util/json.h"

const unsigned lb_http_status_codes[NSTATUS] = { 200, 400, 401, 403, 404, 405, 408, 413,
						 414, 415, 416, 429, 431, 500, 503, 505 };
const double lb_http_lat_bounds[NLAT] = { 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
					  0.05,   0.1,   0.25,   0.5,   1,    5 };

int lb_http_status_idx(unsigned st)
{
	for (int i = 0; i < NSTATUS; i++)
		if (lb_http_status_codes[i] == st)
			return i;
	return NSTATUS;
}

static uint64_t now_secs(void) { return (uint64_t)time(NULL); }

char *lb_http_metrics_text(lb_http_t *h, size_t *lenp)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return NULL;
	fputs("# HELP lookback_http_requests_total HTTP requests by endpoint and status.\n"
	      "# TYPE lookback_http_requests_total counter\n", f);
	for (int a = 0; a < LB_API_COUNT; a++)
		for (int i = 0; i <= NSTATUS; i++) {
			unsigned long long v = atomic_load(&h->req[a][i]);
			if (!v)
				continue;
			if (i < NSTATUS)
				fprintf(f, "lookback_http_requests_total{endpoint=\"%s\",status=\"%u\"} %llu\n",
					lb_http_api_name(a), lb_http_status_codes[i], v);
			else
				fprintf(f, "lookback_http_requests_total{endpoint=\"%s\",status=\"other\"} %llu\n",
					lb_http_api_name(a), v);
		}
	fputs("# HELP lookback_http_unparsed_requests_total Requests libmicrohttpd refused itself"
	      " while reading them, before the server's handler (a malformed request line or header"
	      " field, an unsupported HTTP version, a request line or header section too large), by"
	      " the status it answered; also in lookback_http_requests_total (endpoint \"other\").\n"
	      "# TYPE lookback_http_unparsed_requests_total counter\n", f);
	for (int i = 0; i <= NSTATUS; i++) {
		unsigned long long v = atomic_load(&h->lib_answered[i]);
		if (!v)
			continue;
		if (i < NSTATUS)
			fprintf(f, "lookback_http_unparsed_requests_total{status=\"%u\"} %llu\n",
				lb_http_status_codes[i], v);
		else
			fprintf(f, "lookback_http_unparsed_requests_total{status=\"other\"} %llu\n", v);
	}
	fputs("# HELP lookback_http_request_duration_seconds Time from request line to completion.\n"
	      "# TYPE lookback_http_request_duration_seconds histogram\n", f);
	unsigned long long cum = 0;
	for (int i = 0; i < NLAT; i++) {
		cum += atomic_load(&h->lat[i]);
		fprintf(f, "lookback_http_request_duration_seconds_bucket{le=\"%g\"} %llu\n", lb_http_lat_bounds[i],
			cum);
	}
	cum += atomic_load(&h->lat[NLAT]);
	fprintf(f, "lookback_http_request_duration_seconds_bucket{le=\"+Inf\"} %llu\n", cum);
	fprintf(f, "lookback_http_request_duration_seconds_sum %.6f\n",
		(double)atomic_load(&h->lat_sum_us) / 1e6);
	fprintf(f, "lookback_http_request_duration_seconds_count %llu\n",
		(unsigned long long)atomic_load(&h->lat_n));
	fprintf(f, "# HELP lookback_http_objects_total Result objects made for answers (as they are"
		   " made; a stream its client left counts what it had).\n"
		   "# TYPE lookback_http_objects_total counter\nlookback_http_objects_total %llu\n",
		(unsigned long long)atomic_load(&h->objs_out));
	fprintf(f, "# TYPE lookback_http_connections gauge\nlookback_http_connections %u\n",
		atomic_load(&h->active));
	fprintf(f, "# TYPE lookback_http_refused_total counter\nlookback_http_refused_total %llu\n",
		(unsigned long long)atomic_load(&h->refused_conns));
	fprintf(f, "# HELP lookback_http_refused_per_ip_total Connections closed as they came"
		   " because their client address had --max-conns-per-ip open already.\n"
		   "# TYPE lookback_http_refused_per_ip_total counter\n"
		   "lookback_http_refused_per_ip_total %llu\n",
		(unsigned long long)atomic_load(&h->refused_per_ip));
	fprintf(f, "# HELP lookback_http_slow_requests_total Connections closed because a request's"
		   " line and headers took longer than the timeout to arrive.\n"
		   "# TYPE lookback_http_slow_requests_total counter\n"
		   "lookback_http_slow_requests_total %llu\n",
		(unsigned long long)atomic_load(&h->slow_conns));
	fprintf(f, "# HELP lookback_http_query_timeouts_total Answers cut by --query-timeout (DNSDB:"
		   " ended \"limited\"; CIRCL: cut, or its paging count answered 503).\n"
		   "# TYPE lookback_http_query_timeouts_total counter\n"
		   "lookback_http_query_timeouts_total %llu\n",
		(unsigned long long)atomic_load(&h->query_timeouts));
	/* store: size, freshness per source, oldest data */
	uint64_t disk = lb_store_disk_bytes(h->store);
	uint32_t retain = lb_store_retention(h->store);
	fprintf(f, "# HELP lookback_store_bytes Bytes on disk of the store's live files.\n"
		   "# TYPE lookback_store_bytes gauge\nlookback_store_bytes %llu\n",
		(unsigned long long)disk);
	fprintf(f, "# TYPE lookback_store_retention_days gauge\nlookback_store_retention_days %u\n",
		retain);
	lb_store_scan_t sc = { .kind = LB_SCAN_SENSORS };
	lb_store_iter_t *it = NULL;
	uint64_t oldest = 0;
	uint64_t now = now_secs();
	/* every sample of a metric in one group after its TYPE line (text
	 * format 0.0.4): the ages are gathered apart and follow the times */
	char *abuf = NULL;
	size_t alen = 0;
	FILE *af = open_memstream(&abuf, &alen);
	if (af && lb_store_iter_new(h->store, &sc, &it) == 0) {
		fputs("# HELP lookback_source_newest_seconds Unix time of the newest observation per source.\n"
		      "# TYPE lookback_source_newest_seconds gauge\n", f);
		fputs("# HELP lookback_source_age_seconds Seconds since the newest observation per source.\n"
		      "# TYPE lookback_source_age_seconds gauge\n", af);
		lb_store_rec_t r;
		int n, k = 0;
		while (k++ < 10000 && (n = lb_store_iter_next(it, &r)) > 0) {
			if (r.sensor && r.sensor[0] == '@')
				continue; /* the collector's delivery bookmarks, not sources */
			fputs("lookback_source_newest_seconds{source=", f);
			lb_prom_put_label(f, r.sensor ? r.sensor : "");
			fprintf(f, "} %llu\n", (unsigned long long)r.val.time_last);
			fputs("lookback_source_age_seconds{source=", af);
			lb_prom_put_label(af, r.sensor ? r.sensor : "");
			fprintf(af, "} %llu\n",
				(unsigned long long)(now > r.val.time_last ? now - r.val.time_last : 0));
			if (r.val.time_first && (!oldest || r.val.time_first < oldest))
				oldest = r.val.time_first;
		}
		lb_store_iter_free(it);
	}
	if (af) {
		fclose(af);
		if (abuf)
			fwrite(abuf, 1, alen, f);
		free(abuf);
	}
	fprintf(f, "# HELP lookback_store_oldest_seconds Unix time of the oldest observation kept.\n"
		   "# TYPE lookback_store_oldest_seconds gauge\nlookback_store_oldest_seconds %llu\n",
		(unsigned long long)oldest);
	fprintf(f, "# TYPE lookback_uptime_seconds gauge\nlookback_uptime_seconds %llu\n",
		(unsigned long long)(now - (uint64_t)h->started));
	if (h->o.metrics_extra)
		h->o.metrics_extra(h->o.metrics_ctx, f);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	*lenp = len;
	return buf;
}
