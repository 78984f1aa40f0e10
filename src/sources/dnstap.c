/*
 * dnstap.c - Dnstap protobufs to observations.
 *
 * The protobuf is unpacked by protobuf-c code generated from proto/dnstap.proto
 * into a per-decoder arena (reset for every message), so decoding allocates
 * nothing in the steady state and a hostile frame can use at most the arena.
 */
#include "sources/dnstap.h"

#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "dns/name.h"
#include "dnstap.pb-c.h"
#include "observe/bailiwick.h"
#include "observe/proc.h"

struct arena {
	uint8_t *base;
	size_t used, cap;
};

struct lb_dnstap {
	lb_tap_stats_t *tap;
	lb_proc_t *proc;
	lb_bw_filter_t filter;
	struct arena arena;
	ProtobufCAllocator alloc;
	uint8_t zone[LB_NAME_MAX];
};

static void *arena_alloc(void *data, size_t size)
{
	struct arena *a = data;
	size_t off = (a->used + 15) & ~(size_t)15;
	if (off > a->cap || a->cap - off < size)
		return NULL;
	a->used = off + size;
	return a->base + off;
}

static void arena_free(void *data, void *p)
{
	(void)data;
	(void)p;
}

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
	lb_obs_sink_t fs = lb_bw_filter_sink(&d->filter);
	d->proc = lb_proc_new(&fs, sensor, dns);
	d->alloc.alloc = arena_alloc;
	d->alloc.free = arena_free;
	d->alloc.allocator_data = &d->arena;
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
	free(d->arena.base);
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
	memset(m, 0, sizeof *m);
	/* bytes fields are copied out of buf, so the arena needs len plus the structs */
	size_t need = 2 * len + 4096;
	if (d->arena.cap < need) {
		size_t ncap = d->arena.cap ? d->arena.cap : 65536;
		while (ncap < need)
			ncap *= 2;
		uint8_t *nb = realloc(d->arena.base, ncap);
		if (!nb)
			return LB_ENOMEM;
		d->arena.base = nb;
		d->arena.cap = ncap;
	}
	d->arena.used = 0;
	Dnstap__Dnstap *t = dnstap__dnstap__unpack(&d->alloc, len, buf);
	if (!t)
		return LB_ERDATA;
	if (t->type != DNSTAP__DNSTAP__TYPE__MESSAGE || !t->message)
		return LB_ENOENT;
	const Dnstap__Message *x = t->message;
	m->type = (int)x->type;
	if (t->has_identity) {
		m->identity = t->identity.data;
		m->identity_len = t->identity.len;
	}
	if (x->has_query_zone) {
		m->query_zone = x->query_zone.data;
		m->query_zone_len = x->query_zone.len;
	}
	if (x->has_query_message) {
		m->query_msg = x->query_message.data;
		m->query_msg_len = x->query_message.len;
	}
	if (x->has_response_message) {
		m->response_msg = x->response_message.data;
		m->response_msg_len = x->response_message.len;
	}
	m->has_query_time = x->has_query_time_sec;
	m->query_time_sec = x->query_time_sec;
	m->query_time_nsec = x->has_query_time_nsec ? x->query_time_nsec : 0;
	m->has_response_time = x->has_response_time_sec;
	m->response_time_sec = x->response_time_sec;
	m->response_time_nsec = x->has_response_time_nsec ? x->response_time_nsec : 0;
	m->socket_family = x->has_socket_family ? (int)x->socket_family : 0;
	m->socket_protocol = x->has_socket_protocol ? (int)x->socket_protocol : 0;
	return 0;
}

static void to_timeval(uint64_t sec, uint32_t nsec, struct timeval *tv)
{
	if (sec > (uint64_t)INT64_MAX / 2)
		sec = 0;
	if (nsec >= 1000000000u)
		nsec = 0;
	tv->tv_sec = (time_t)sec;
	tv->tv_usec = (suseconds_t)(nsec / 1000);
}

void lb_dnstap_frame(void *vd, const uint8_t *payload, size_t len)
{
	lb_dnstap_t *d = vd;
	lb_tap_stats_t *ts = d->tap;
	lb_dnstap_msg_t m;
	int rc = lb_dnstap_decode(d, payload, len, &m);
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
	if (!m.response_msg) {
		ts->bad[LB_TAP_BAD_NO_DNS]++;
		return;
	}
	struct timeval tv;
	if (m.has_response_time)
		to_timeval(m.response_time_sec, m.response_time_nsec, &tv);
	else if (m.has_query_time)
		to_timeval(m.query_time_sec, m.query_time_nsec, &tv);
	else
		gettimeofday(&tv, NULL);

	const uint8_t *bw = NULL;
	bool zone_kind = m.type == DNSTAP__MESSAGE__TYPE__RESOLVER_RESPONSE ||
			 m.type == DNSTAP__MESSAGE__TYPE__AUTH_RESPONSE ||
			 m.type == DNSTAP__MESSAGE__TYPE__FORWARDER_RESPONSE;
	if (zone_kind && m.query_zone) {
		if (m.query_zone_len > LB_NAME_MAX ||
		    lb_name_check(m.query_zone, m.query_zone_len) != (int)m.query_zone_len) {
			ts->bad[LB_TAP_BAD_ZONE]++;
			return;
		}
		memcpy(d->zone, m.query_zone, m.query_zone_len);
		lb_name_lower(d->zone);
		bw = d->zone;
	}
	ts->responses++;
	if (bw)
		ts->with_bailiwick++;
	else
		ts->no_bailiwick++;
	(void)lb_proc_message(d->proc, m.response_msg, m.response_msg_len, &tv, bw);
}

int lb_dnstap_read_fd(lb_dnstap_t *d, int fd, size_t data_max, volatile sig_atomic_t *stop)
{
	lb_fstrm_conn_t *c = lb_fstrm_conn_new(false, data_max, lb_dnstap_frame, d, d->tap);
	if (!c)
		return LB_ENOMEM;
	int rc = 0;
	for (;;) {
		if (stop && *stop)
			break;
		uint8_t *p;
		size_t space = lb_fstrm_conn_space(c, &p);
		if (space == 0)
			break;
		ssize_t n = read(fd, p, space);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			rc = -errno;
			break;
		}
		if (n == 0) {
			int e = lb_fstrm_conn_eof(c);
			rc = e < 0 ? e : 0;
			break;
		}
		int r = lb_fstrm_conn_commit(c, (size_t)n);
		if (r < 0) {
			rc = r;
			break;
		}
	}
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
	P("clients_refused", s->clients_refused);
	P("clients_dropped", s->clients_dropped);
	P("messages", s->messages);
	P("queries", s->queries);
	P("responses", s->responses);
	P("responses_with_bailiwick", s->with_bailiwick);
	P("responses_bailiwick_unknown", s->no_bailiwick);
	P("rrsets_kept", s->rrsets_kept);
	P("rrsets_out_of_bailiwick", s->out_of_bailiwick);
	P("rrsets_not_answer", s->not_answer);
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
