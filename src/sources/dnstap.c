/*
 * dnstap.c - Dnstap protobufs to observations.
 *
 * The protobuf is decoded by our own wire decoder (dnstap_pb.c): no
 * allocation, bytes fields point into the frame.  protobuf-c (dnstap_pbc.c)
 * is only the cross-check of the tests and the fuzz target.
 */
#include "sources/dnstap.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "dns/name.h"
#include "observe/bailiwick.h"
#include "observe/proc.h"
#include "store/store.h"
#include "util/zread.h"
#include "util/fdwait.h"

enum { DT_AUTH_RESPONSE = 2, DT_RESOLVER_RESPONSE = 4, DT_FORWARDER_RESPONSE = 8 };

struct lb_dnstap {
	lb_tap_stats_t *tap;
	lb_proc_t *proc;
	lb_bw_filter_t filter;
	uint8_t zone[LB_NAME_MAX];
};

lb_dnstap_t *lb_dnstap_new(const lb_obs_sink_t *sink, const char *sensor, lb_stats_t *dns,
			   lb_tap_stats_t *tap)
{
	lb_dnstap_t *d = calloc(1, sizeof *d);
	if (!d)
		return NULL;
	d->tap = tap;
	d->filter.next = *sink;
	d->filter.out_of_bailiwick = &tap->out_of_bailiwick;
	d->filter.not_answer = &tap->not_answer;
	d->filter.kept = &tap->rrsets_kept;
	d->filter.neg_out_of_bailiwick = &tap->neg_out_of_bailiwick;
	lb_obs_sink_t fs = lb_bw_filter_sink(&d->filter);
	d->proc = lb_proc_new(&fs, sensor, dns);
	if (!d->proc) {
		lb_dnstap_free(d);
		return NULL;
	}
	return d;
}

void lb_dnstap_free(lb_dnstap_t *d)
{
	if (!d)
		return;
	lb_proc_free(d->proc);
	free(d);
}

lb_tap_stats_t *lb_dnstap_stats(lb_dnstap_t *d)
{
	return d->tap;
}

static const char *const type_names[LB_DNSTAP_NTYPES] = {
	"UNKNOWN", "AUTH_QUERY", "AUTH_RESPONSE", "RESOLVER_QUERY", "RESOLVER_RESPONSE",
	"CLIENT_QUERY", "CLIENT_RESPONSE", "FORWARDER_QUERY", "FORWARDER_RESPONSE",
	"STUB_QUERY", "STUB_RESPONSE", "TOOL_QUERY", "TOOL_RESPONSE", "UPDATE_QUERY",
	"UPDATE_RESPONSE",
};

const char *lb_dnstap_type_name(int type)
{
	if (type < 1 || type >= LB_DNSTAP_NTYPES)
		return type_names[0];
	return type_names[type];
}

int lb_dnstap_decode(lb_dnstap_t *d, const uint8_t *buf, size_t len, lb_dnstap_msg_t *m)
{
	(void)d;
	return lb_dnstap_parse(buf, len, m);
}

/* A time a sighting can have: 1 .. LB_TIME_MAX seconds.  0 is none (to the
 * store's merge, an unset time: a sighting at 0 would make the stored range
 * depend on the order of the windows), and later ones the store refuses. */
static bool to_timeval(bool has, uint64_t sec, uint32_t nsec, struct timeval *tv)
{
	if (!has || sec == 0 || sec > LB_TIME_MAX)
		return false;
	if (nsec >= 1000000000u)
		nsec = 0;
	tv->tv_sec = (time_t)sec;
	tv->tv_usec = (suseconds_t)(nsec / 1000);
	return true;
}

void lb_dnstap_frame(void *vd, const uint8_t *payload, size_t len)
{
	lb_dnstap_t *d = vd;
	lb_tap_stats_t *ts = d->tap;
	lb_dnstap_msg_t m;
	int rc = lb_dnstap_parse(payload, len, &m);
	if (rc == LB_ENOENT) {
		ts->bad[LB_TAP_BAD_NOT_MESSAGE]++;
		return;
	}
	if (rc != 0) {
		ts->bad[LB_TAP_BAD_PROTOBUF]++;
		return;
	}
	ts->messages++;
	ts->by_type[m.type >= 1 && m.type < LB_DNSTAP_NTYPES ? m.type : 0]++;
	if (m.type < 1 || m.type >= LB_DNSTAP_NTYPES)
		return; /* a type we do not know: counted under UNKNOWN only */
	if (m.type & 1) {
		ts->queries++;
		return;
	}
	if (!m.response_message.len) { /* absent or empty */
		ts->bad[LB_TAP_BAD_NO_DNS]++;
		return;
	}
	/* the response's time, else the query's, else now: a time field that is
	 * not a usable time counts as absent */
	struct timeval tv;
	if (!to_timeval(m.has & LB_DT_HAS_RESPONSE_TIME_SEC, m.response_time_sec,
			m.response_time_nsec, &tv) &&
	    !to_timeval(m.has & LB_DT_HAS_QUERY_TIME_SEC, m.query_time_sec, m.query_time_nsec, &tv))
		gettimeofday(&tv, NULL);

	const uint8_t *bw = NULL;
	bool zone_kind = m.type == DT_RESOLVER_RESPONSE || m.type == DT_AUTH_RESPONSE ||
			 m.type == DT_FORWARDER_RESPONSE;
	/* an empty query_zone is taken as absent (answer only), as before */
	if (zone_kind && m.query_zone.len) {
		if (m.query_zone.len > LB_NAME_MAX ||
		    lb_name_check(m.query_zone.data, m.query_zone.len) != (int)m.query_zone.len) {
			ts->bad[LB_TAP_BAD_ZONE]++;
			return;
		}
		memcpy(d->zone, m.query_zone.data, m.query_zone.len);
		lb_name_lower(d->zone);
		bw = d->zone;
	}
	ts->responses++;
	if (bw)
		ts->with_bailiwick++;
	else
		ts->no_bailiwick++;
	(void)lb_proc_message(d->proc, m.response_message.data, m.response_message.len, &tv, bw);
}

int lb_dnstap_read_fd(lb_dnstap_t *d, int fd, size_t data_max, volatile sig_atomic_t *stop)
{
	return lb_dnstap_read_fd_idle(d, fd, data_max, stop, NULL, NULL);
}

int lb_dnstap_read_fd_idle(lb_dnstap_t *d, int fd, size_t data_max, volatile sig_atomic_t *stop,
			   void (*idle)(void *), void *ctx)
{
	lb_fstrm_conn_t *c = lb_fstrm_conn_new(false, data_max, lb_dnstap_frame, d, d->tap);
	lb_zr_t *z = NULL;
	if (!c || lb_zr_open_fd(fd, &z) != 0) {
		lb_fstrm_conn_free(c);
		return LB_ENOMEM;
	}
	/* plain, or gzip / zstd / xz compressed (told by the first bytes);
	 * a quiet input still ticks */
	lb_zr_set_idle(z, idle, ctx);
	lb_zr_set_stop(z, stop);
	int rc = 0;
	for (;;) {
		if (stop && *stop)
			break;
		uint8_t *p;
		size_t space = lb_fstrm_conn_space(c, &p);
		if (space == 0)
			break;
		ssize_t n = lb_zr_read(z, p, space);
		if (n < 0) {
			rc = n == LB_EINTR ? 0 : (int)n; /* LB_EINTR: the stop request */
			break;
		}
		if (n == 0) {
			/* a file whose writer stopped between frames without its STOP
			 * (killed, or the file copied while written) is an unfinished
			 * stream, as a socket closed so is: counted, nothing lost; a
			 * file that ends inside a frame is truncated */
			int e = lb_fstrm_conn_closed(c);
			rc = e < 0 ? e : 0;
			break;
		}
		int r = lb_fstrm_conn_commit(c, (size_t)n);
		if (r < 0) {
			rc = r;
			break;
		}
	}
	lb_zr_close(z);
	lb_fstrm_conn_free(c);
	return rc;
}

void lb_tap_stats_print(const lb_tap_stats_t *s, FILE *out)
{
#define P(name, v) fprintf(out, "dnstap_%s %llu\n", name, (unsigned long long)(v))
	P("bytes", s->bytes);
	P("data_frames", s->data_frames);
	P("control_frames", s->control_frames);
	P("streams", s->streams);
	P("streams_finished", s->streams_finished);
	P("streams_unfinished", s->streams_unfinished);
	P("clients_refused", s->clients_refused);
	P("clients_dropped", s->clients_dropped);
	P("clients_timed_out", s->clients_timed_out);
	P("clients_evicted", s->clients_evicted);
	P("messages", s->messages);
	P("queries", s->queries);
	P("responses", s->responses);
	P("responses_with_bailiwick", s->with_bailiwick);
	P("responses_bailiwick_unknown", s->no_bailiwick);
	P("rrsets_kept", s->rrsets_kept);
	P("rrsets_out_of_bailiwick", s->out_of_bailiwick);
	P("rrsets_not_answer", s->not_answer);
	P("negatives_out_of_bailiwick", s->neg_out_of_bailiwick);
	for (int i = 0; i < LB_DNSTAP_NTYPES; i++)
		if (s->by_type[i])
			fprintf(out, "dnstap_type_%s %llu\n", lb_dnstap_type_name(i),
				(unsigned long long)s->by_type[i]);
	for (int i = 0; i < LB_TAP_BAD__COUNT; i++)
		if (s->bad[i])
			fprintf(out, "dnstap_bad_%s %llu\n", lb_tap_bad_name((enum lb_tap_bad)i),
				(unsigned long long)s->bad[i]);
#undef P
}
