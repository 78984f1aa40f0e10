/*
 * test_dnstap.c - Frame Streams framing, the stream state machine, Dnstap
 * protobuf decoding and dnstap -> observations.
 *
 * Protobufs here are encoded by hand from the public dnstap field numbers
 * (not with the generated code), so a wrong number or wire type in
 * proto/dnstap.proto fails these tests.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <sys/time.h>

#include "sources/dnstap.h"

/* ---- byte builders ------------------------------------------------------ */

typedef struct buf {
	uint8_t b[8192];
	size_t n;
} buf_t;

static void put(buf_t *b, const void *p, size_t n)
{
	assert_true(b->n + n <= sizeof b->b);
	memcpy(b->b + b->n, p, n);
	b->n += n;
}

static void put8(buf_t *b, unsigned v)
{
	uint8_t x = (uint8_t)v;
	put(b, &x, 1);
}

static void put16(buf_t *b, unsigned v)
{
	put8(b, v >> 8);
	put8(b, v);
}

static void put32(buf_t *b, uint32_t v)
{
	put16(b, v >> 16);
	put16(b, v & 0xffff);
}

static void varint(buf_t *b, uint64_t v)
{
	while (v >= 0x80) {
		put8(b, (unsigned)(v & 0x7f) | 0x80);
		v >>= 7;
	}
	put8(b, (unsigned)v);
}

static void pb_varint(buf_t *b, unsigned field, uint64_t v)
{
	varint(b, (uint64_t)field << 3 | 0);
	varint(b, v);
}

static void pb_bytes(buf_t *b, unsigned field, const void *p, size_t n)
{
	varint(b, (uint64_t)field << 3 | 2);
	varint(b, n);
	put(b, p, n);
}

static void pb_fixed32(buf_t *b, unsigned field, uint32_t v)
{
	varint(b, (uint64_t)field << 3 | 5);
	for (int i = 0; i < 4; i++)
		put8(b, (v >> (8 * i)) & 0xff);
}

/* Frame Streams pieces */
static void fs_control(buf_t *b, uint32_t type, const char *ct)
{
	put32(b, 0);
	put32(b, 4 + (ct ? 8 + (uint32_t)strlen(ct) : 0));
	put32(b, type);
	if (ct) {
		put32(b, 1);
		put32(b, (uint32_t)strlen(ct));
		put(b, ct, strlen(ct));
	}
}

static void fs_data(buf_t *b, const void *p, size_t n)
{
	put32(b, (uint32_t)n);
	put(b, p, n);
}

/* "\3www\7example\3com\0" from "www.example.com" */
static void wname(buf_t *b, const char *s)
{
	while (*s) {
		const char *dot = strchr(s, '.');
		size_t l = dot ? (size_t)(dot - s) : strlen(s);
		put8(b, (unsigned)l);
		put(b, s, l);
		s += l;
		if (*s == '.')
			s++;
	}
	put8(b, 0);
}

/* A response for www.example.com A: answer www A 192.0.2.1; authority
 * example.com NS ns.example.com and evil.org NS ns.evil.org; additional
 * ns.example.com A 192.0.2.53. */
static void dns_response(buf_t *b)
{
	put16(b, 0x1234);
	put16(b, 0x8180);
	put16(b, 1);
	put16(b, 1);
	put16(b, 2);
	put16(b, 1);
	wname(b, "www.example.com");
	put16(b, 1);
	put16(b, 1);
	wname(b, "www.example.com");
	put16(b, 1); put16(b, 1); put32(b, 300); put16(b, 4);
	put8(b, 192); put8(b, 0); put8(b, 2); put8(b, 1);
	wname(b, "example.com");
	put16(b, 2); put16(b, 1); put32(b, 3600); put16(b, 16);
	wname(b, "ns.example.com");
	wname(b, "evil.org");
	put16(b, 2); put16(b, 1); put32(b, 3600); put16(b, 13);
	wname(b, "ns.evil.org");
	wname(b, "ns.example.com");
	put16(b, 1); put16(b, 1); put32(b, 3600); put16(b, 4);
	put8(b, 192); put8(b, 0); put8(b, 2); put8(b, 53);
}

static void dns_query(buf_t *b)
{
	put16(b, 0x1234);
	put16(b, 0x0100);
	put16(b, 1);
	put16(b, 0);
	put16(b, 0);
	put16(b, 0);
	wname(b, "www.example.com");
	put16(b, 1);
	put16(b, 1);
}

/* Dnstap{identity=1, version=2, type=15, message=14{...}} */
static void dnstap_msg(buf_t *out, int mtype, const void *zone, size_t zonelen, bool response)
{
	buf_t dns = { .n = 0 }, m = { .n = 0 };
	pb_varint(&m, 1, (uint64_t)mtype);       /* type */
	pb_varint(&m, 2, 1);                     /* socket_family INET */
	pb_varint(&m, 3, 1);                     /* socket_protocol UDP */
	pb_bytes(&m, 4, "\x7f\0\0\1", 4);        /* query_address */
	pb_bytes(&m, 5, "\xc0\0\2\1", 4);        /* response_address */
	pb_varint(&m, 6, 40000);                 /* query_port */
	pb_varint(&m, 7, 53);                    /* response_port */
	pb_varint(&m, 8, 1700000000);            /* query_time_sec */
	pb_fixed32(&m, 9, 1000);                 /* query_time_nsec */
	if (zone)
		pb_bytes(&m, 11, zone, zonelen); /* query_zone */
	if (response) {
		dns_response(&dns);
		pb_varint(&m, 12, 1700000001);   /* response_time_sec */
		pb_fixed32(&m, 13, 250000000);   /* response_time_nsec */
		pb_bytes(&m, 14, dns.b, dns.n);  /* response_message */
	} else {
		dns_query(&dns);
		pb_bytes(&m, 10, dns.b, dns.n);  /* query_message */
	}
	pb_bytes(out, 1, "resolver1", 9);
	pb_bytes(out, 2, "v1", 2);
	pb_varint(out, 15, 1);                   /* type MESSAGE */
	pb_bytes(out, 14, m.b, m.n);
}

/* ---- frames ------------------------------------------------------------- */

static void test_frame_data_and_prefixes(void **state)
{
	(void)state;
	buf_t b = { .n = 0 };
	fs_data(&b, "hello", 5);
	lb_fstrm_frame_t f;
	assert_int_equal(lb_fstrm_next(b.b, b.n, 1024, &f), 9);
	assert_false(f.control);
	assert_int_equal(f.len, 5);
	assert_memory_equal(f.data, "hello", 5);
	for (size_t i = 0; i < b.n; i++)
		assert_int_equal(lb_fstrm_next(b.b, i, 1024, &f), 0);
}

static void test_frame_control_content_type(void **state)
{
	(void)state;
	buf_t b = { .n = 0 };
	fs_control(&b, LB_FSTRM_START, LB_DNSTAP_CONTENT_TYPE);
	lb_fstrm_frame_t f;
	assert_int_equal(lb_fstrm_next(b.b, b.n, 1024, &f), (long)b.n);
	assert_true(f.control);
	assert_int_equal(f.ctype, LB_FSTRM_START);
	assert_int_equal(f.ncontent_types, 1);
	assert_true(f.dnstap_ct);
	for (size_t i = 0; i < b.n; i++)
		assert_int_equal(lb_fstrm_next(b.b, i, 1024, &f), 0);

	buf_t o = { .n = 0 };
	fs_control(&o, LB_FSTRM_READY, "protobuf:other.Thing");
	assert_true(lb_fstrm_next(o.b, o.n, 1024, &f) > 0);
	assert_int_equal(f.ncontent_types, 1);
	assert_false(f.dnstap_ct);

	/* our encoder agrees with the hand-made bytes */
	uint8_t enc[128];
	assert_int_equal(lb_fstrm_control(LB_FSTRM_START, LB_DNSTAP_CONTENT_TYPE, enc, sizeof enc),
			 (int)b.n);
	assert_memory_equal(enc, b.b, b.n);
	assert_int_equal(lb_fstrm_control(LB_FSTRM_START, LB_DNSTAP_CONTENT_TYPE, enc, 10), LB_ESPACE);
}

static void test_frame_limits(void **state)
{
	(void)state;
	lb_fstrm_frame_t f;
	/* control frame of 513 bytes: refused before its bytes arrive */
	const uint8_t big_ctl[] = { 0, 0, 0, 0, 0, 0, 0x02, 0x01 };
	assert_int_equal(lb_fstrm_next(big_ctl, sizeof big_ctl, 1024, &f), LB_ELIMIT);
	assert_true(f.control);
	/* exactly 512 is allowed (needs more bytes) */
	const uint8_t max_ctl[] = { 0, 0, 0, 0, 0, 0, 0x02, 0x00 };
	assert_int_equal(lb_fstrm_next(max_ctl, sizeof max_ctl, 1024, &f), 0);
	/* control frame shorter than its type */
	const uint8_t short_ctl[] = { 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0 };
	assert_int_equal(lb_fstrm_next(short_ctl, sizeof short_ctl, 1024, &f), LB_ERDATA);
	/* field length running past the control frame */
	const uint8_t overrun[] = { 0, 0, 0, 0, 0, 0, 0, 12, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 9 };
	assert_int_equal(lb_fstrm_next(overrun, sizeof overrun, 1024, &f), LB_ERDATA);
	/* half a field header */
	const uint8_t half[] = { 0, 0, 0, 0, 0, 0, 0, 6, 0, 0, 0, 2, 0, 0 };
	assert_int_equal(lb_fstrm_next(half, sizeof half, 1024, &f), LB_ERDATA);
	/* data frame above the cap: refused with its length, no bytes needed */
	const uint8_t big[] = { 0, 0, 0x04, 0x01 };
	assert_int_equal(lb_fstrm_next(big, sizeof big, 1024, &f), LB_ELIMIT);
	assert_false(f.control);
	assert_int_equal(f.len, 1025);
	const uint8_t huge[] = { 0xff, 0xff, 0xff, 0xff };
	assert_int_equal(lb_fstrm_next(huge, sizeof huge, 1024, &f), LB_ELIMIT);
}

/* ---- stream state machine ------------------------------------------------ */

struct collect {
	int n;
	size_t lens[16];
};

static void collect_fn(void *ctx, const uint8_t *p, size_t len)
{
	struct collect *c = ctx;
	(void)p;
	if (c->n < 16)
		c->lens[c->n] = len;
	c->n++;
}

static void test_conn_file_bytewise(void **state)
{
	(void)state;
	buf_t b = { .n = 0 };
	fs_control(&b, LB_FSTRM_START, LB_DNSTAP_CONTENT_TYPE);
	fs_data(&b, "a", 1);
	fs_data(&b, "bb", 2);
	fs_data(&b, "ccc", 3);
	fs_control(&b, LB_FSTRM_STOP, NULL);
	lb_tap_stats_t st = { 0 };
	struct collect col = { 0 };
	lb_fstrm_conn_t *c = lb_fstrm_conn_new(false, 0, collect_fn, &col, &st);
	assert_non_null(c);
	for (size_t i = 0; i < b.n; i++)
		assert_int_equal(lb_fstrm_conn_feed(c, b.b + i, 1), 0);
	assert_int_equal(lb_fstrm_conn_eof(c), 1);
	assert_int_equal(col.n, 3);
	assert_int_equal(col.lens[2], 3);
	assert_int_equal(st.data_frames, 3);
	assert_int_equal(st.streams, 1);
	assert_int_equal(st.streams_finished, 1);
	lb_fstrm_conn_free(c);
}

/* A socket closed between frames without STOP (PowerDNS Recursor's writers
 * at exit): unfinished, nothing lost, not truncated; inside a frame, or
 * before the stream started, it still is truncated; a file's end without
 * STOP always is. */
static void test_conn_closed(void **state)
{
	(void)state;
	for (int cut = 0; cut < 4; cut++) {
		buf_t b = { .n = 0 };
		if (cut != 3)
			fs_control(&b, LB_FSTRM_START, LB_DNSTAP_CONTENT_TYPE);
		fs_data(&b, "a", 1);
		fs_data(&b, "bb", 2);
		if (cut == 1)
			b.n -= 1; /* inside the last frame */
		lb_tap_stats_t st = { 0 };
		struct collect col = { 0 };
		lb_fstrm_conn_t *c = lb_fstrm_conn_new(false, 0, collect_fn, &col, &st);
		assert_non_null(c);
		int rc = lb_fstrm_conn_feed(c, b.b, b.n);
		if (cut == 3) {
			assert_true(rc < 0); /* data before START */
			lb_fstrm_conn_free(c);
			continue;
		}
		assert_int_equal(rc, 0);
		rc = cut == 2 ? lb_fstrm_conn_eof(c) : lb_fstrm_conn_closed(c);
		assert_int_equal(col.n, cut == 1 ? 1 : 2);
		assert_int_equal(st.streams_finished, 0);
		assert_int_equal(rc, cut == 0 ? 0 : LB_ETRUNC);
		assert_int_equal(st.streams_unfinished, cut == 0);
		assert_int_equal(st.bad[LB_TAP_BAD_TRUNCATED], cut != 0);
		lb_fstrm_conn_free(c);
	}
	/* closed before START: truncated as before */
	buf_t b = { .n = 0 };
	lb_tap_stats_t st = { 0 };
	struct collect col = { 0 };
	lb_fstrm_conn_t *c = lb_fstrm_conn_new(true, 0, collect_fn, &col, &st);
	assert_non_null(c);
	assert_int_equal(lb_fstrm_conn_feed(c, b.b, 0), 0);
	assert_int_equal(lb_fstrm_conn_closed(c), LB_ETRUNC);
	assert_int_equal(st.streams_unfinished, 0);
	assert_int_equal(st.bad[LB_TAP_BAD_TRUNCATED], 1);
	lb_fstrm_conn_free(c);
}

static void run_bad(const buf_t *b, bool bidi, enum lb_tap_bad why, int want_data)
{
	lb_tap_stats_t st = { 0 };
	struct collect col = { 0 };
	lb_fstrm_conn_t *c = lb_fstrm_conn_new(bidi, 0, collect_fn, &col, &st);
	assert_non_null(c);
	int rc = lb_fstrm_conn_feed(c, b->b, b->n);
	if (rc >= 0)
		rc = lb_fstrm_conn_eof(c);
	assert_true(rc < 0);
	assert_int_equal(st.bad[why], 1);
	assert_int_equal(col.n, want_data);
	lb_fstrm_conn_free(c);
}

static void test_conn_violations(void **state)
{
	(void)state;
	buf_t b = { .n = 0 };
	fs_control(&b, LB_FSTRM_START, "protobuf:not.Dnstap");
	fs_data(&b, "a", 1);
	run_bad(&b, false, LB_TAP_BAD_CONTENT_TYPE, 0);

	b.n = 0;
	fs_data(&b, "a", 1); /* data before START */
	run_bad(&b, false, LB_TAP_BAD_SEQUENCE, 0);

	b.n = 0;
	fs_control(&b, LB_FSTRM_START, NULL);
	fs_data(&b, "a", 1);
	fs_control(&b, LB_FSTRM_READY, NULL); /* READY inside a stream */
	run_bad(&b, false, LB_TAP_BAD_SEQUENCE, 1);

	b.n = 0;
	fs_control(&b, LB_FSTRM_START, NULL);
	fs_data(&b, "abc", 3);
	b.n -= 1; /* truncated inside the frame */
	run_bad(&b, false, LB_TAP_BAD_TRUNCATED, 0);

	b.n = 0;
	fs_control(&b, LB_FSTRM_START, NULL);
	fs_data(&b, "abc", 3); /* no STOP */
	run_bad(&b, false, LB_TAP_BAD_TRUNCATED, 1);

	b.n = 0;
	fs_control(&b, LB_FSTRM_START, NULL);
	put32(&b, 0);
	put32(&b, 600); /* oversized control frame */
	run_bad(&b, false, LB_TAP_BAD_CONTROL_TOO_BIG, 0);

	b.n = 0;
	fs_control(&b, LB_FSTRM_START, NULL); /* bidirectional must begin with READY */
	run_bad(&b, true, LB_TAP_BAD_SEQUENCE, 0);

	b.n = 0;
	put(&b, "GET / HTTP/1.1\r\nHost: x\r\n\r\n", 27); /* garbage: a huge data frame first */
	run_bad(&b, true, LB_TAP_BAD_SEQUENCE, 0);
}

static void test_conn_oversized_skipped(void **state)
{
	(void)state;
	static uint8_t big[3000];
	memset(big, 'x', sizeof big);
	static buf_t b;
	b.n = 0;
	fs_control(&b, LB_FSTRM_START, LB_DNSTAP_CONTENT_TYPE);
	fs_data(&b, "a", 1);
	fs_data(&b, big, sizeof big); /* above the 1024-byte cap */
	fs_data(&b, "bb", 2);
	fs_control(&b, LB_FSTRM_STOP, NULL);
	lb_tap_stats_t st = { 0 };
	struct collect col = { 0 };
	lb_fstrm_conn_t *c = lb_fstrm_conn_new(false, 1024, collect_fn, &col, &st);
	/* in pieces of 7 bytes, so the skip spans many reads */
	for (size_t i = 0; i < b.n; i += 7)
		assert_int_equal(lb_fstrm_conn_feed(c, b.b + i, b.n - i < 7 ? b.n - i : 7), 0);
	assert_int_equal(lb_fstrm_conn_eof(c), 1);
	assert_int_equal(col.n, 2);
	assert_int_equal(col.lens[1], 2);
	assert_int_equal(st.bad[LB_TAP_BAD_FRAME_TOO_BIG], 1);
	lb_fstrm_conn_free(c);
}

static void test_conn_bidi_handshake(void **state)
{
	(void)state;
	lb_tap_stats_t st = { 0 };
	struct collect col = { 0 };
	lb_fstrm_conn_t *c = lb_fstrm_conn_new(true, 0, collect_fn, &col, &st);
	buf_t b = { .n = 0 };
	fs_control(&b, LB_FSTRM_READY, LB_DNSTAP_CONTENT_TYPE);
	assert_int_equal(lb_fstrm_conn_feed(c, b.b, b.n), 0);
	const uint8_t *p;
	size_t n = lb_fstrm_conn_pending(c, &p);
	buf_t want = { .n = 0 };
	fs_control(&want, LB_FSTRM_ACCEPT, LB_DNSTAP_CONTENT_TYPE);
	assert_int_equal(n, want.n);
	assert_memory_equal(p, want.b, n);
	lb_fstrm_conn_sent(c, n);
	assert_int_equal(lb_fstrm_conn_pending(c, &p), 0);

	b.n = 0;
	fs_control(&b, LB_FSTRM_START, LB_DNSTAP_CONTENT_TYPE);
	fs_data(&b, "abcd", 4);
	fs_control(&b, LB_FSTRM_STOP, NULL);
	assert_int_equal(lb_fstrm_conn_feed(c, b.b, b.n), 1);
	assert_int_equal(col.n, 1);
	n = lb_fstrm_conn_pending(c, &p);
	want.n = 0;
	fs_control(&want, LB_FSTRM_FINISH, NULL);
	assert_int_equal(n, want.n);
	assert_memory_equal(p, want.b, n);
	lb_fstrm_conn_free(c);

	/* READY offering only another content type: refused */
	b.n = 0;
	fs_control(&b, LB_FSTRM_READY, "protobuf:other.Thing");
	run_bad(&b, true, LB_TAP_BAD_CONTENT_TYPE, 0);
}

static void test_conn_garbage_never_crashes(void **state)
{
	(void)state;
	uint32_t seed = 12345;
	static uint8_t g[4096];
	for (int round = 0; round < 200; round++) {
		for (size_t i = 0; i < sizeof g; i++) {
			seed = seed * 1103515245u + 12345u;
			g[i] = (uint8_t)(seed >> 16);
		}
		if (round & 1) { /* a valid start, then noise */
			buf_t b = { .n = 0 };
			fs_control(&b, LB_FSTRM_START, NULL);
			memcpy(g, b.b, b.n);
		}
		lb_tap_stats_t st = { 0 };
		struct collect col = { 0 };
		lb_fstrm_conn_t *c = lb_fstrm_conn_new(round & 2, 0, collect_fn, &col, &st);
		int rc = lb_fstrm_conn_feed(c, g, sizeof g);
		if (rc == 0)
			rc = lb_fstrm_conn_eof(c);
		assert_true(rc < 0);
		lb_fstrm_conn_free(c);
	}
}

/* ---- dnstap -------------------------------------------------------------- */

struct obs_log {
	int n, nneg;
	char owner[8][64];
	char bw[8][64];
	int section[8];
	long long ts[8];
};

static void tname(const uint8_t *n, char *out, size_t sz)
{
	size_t k = 0;
	if (!*n)
		snprintf(out, sz, ".");
	while (*n && k + *n + 2 < sz) {
		memcpy(out + k, n + 1, *n);
		k += *n;
		out[k++] = '.';
		n += *n + 1;
	}
	if (k)
		out[k] = 0;
}

static void log_rrset(void *ctx, const lb_obs_rrset_t *o)
{
	struct obs_log *l = ctx;
	if (l->n < 8) {
		tname(o->owner, l->owner[l->n], 64);
		if (o->bailiwick)
			tname(o->bailiwick, l->bw[l->n], 64);
		else
			strcpy(l->bw[l->n], "-");
		l->section[l->n] = o->section;
		l->ts[l->n] = (long long)o->ts.tv_sec;
	}
	l->n++;
}

static void log_neg(void *ctx, const lb_obs_neg_t *o)
{
	(void)o;
	((struct obs_log *)ctx)->nneg++;
}

struct fixture {
	lb_stats_t dns;
	lb_tap_stats_t tap;
	struct obs_log log;
	lb_dnstap_t *d;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	lb_obs_sink_t sink = { .rrset = log_rrset, .negative = log_neg, .ctx = &f->log };
	f->d = lb_dnstap_new(&sink, "t", &f->dns, &f->tap);
	*state = f;
	return f->d ? 0 : -1;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	lb_dnstap_free(f->d);
	free(f);
	return 0;
}

static void test_decode_fields(void **state)
{
	struct fixture *f = *state;
	buf_t b = { .n = 0 };
	dnstap_msg(&b, 4, "\7example\3com\0", 13, true);
	lb_dnstap_msg_t m;
	assert_int_equal(lb_dnstap_decode(f->d, b.b, b.n, &m), 0);
	assert_int_equal(m.type, 4);
	assert_int_equal(m.query_zone.len, 13);
	assert_memory_equal(m.query_zone.data, "\7example\3com\0", 13);
	assert_true(m.has & LB_DT_HAS_QUERY_TIME_SEC);
	assert_int_equal(m.query_time_sec, 1700000000);
	assert_int_equal(m.query_time_nsec, 1000);
	assert_true(m.has & LB_DT_HAS_RESPONSE_TIME_SEC);
	assert_int_equal(m.response_time_sec, 1700000001);
	assert_int_equal(m.response_time_nsec, 250000000);
	assert_non_null(m.response_message.data);
	assert_null(m.query_message.data);
	assert_int_equal(m.socket_family, 1);
	assert_int_equal(m.socket_protocol, 1);
	assert_int_equal(m.query_port, 40000);
	assert_int_equal(m.response_port, 53);
	assert_int_equal(m.identity.len, 9);
	assert_memory_equal(m.identity.data, "resolver1", 9);
	assert_int_equal(m.version.len, 2);
	assert_null(m.extra.data);
	/* fields point into the frame: no copies */
	assert_true(m.response_message.data > b.b && m.response_message.data < b.b + b.n);

	/* not a protobuf; Dnstap without type; a wrong wire type for a field */
	assert_int_equal(lb_dnstap_decode(f->d, (const uint8_t *)"\xff\xff\xff", 3, &m), LB_ETRUNC);
	buf_t e = { .n = 0 };
	pb_bytes(&e, 1, "x", 1);
	assert_int_equal(lb_dnstap_decode(f->d, e.b, e.n, &m), LB_ERDATA);
	e.n = 0;
	pb_varint(&e, 15, 1);
	assert_int_equal(lb_dnstap_decode(f->d, e.b, e.n, &m), LB_ENOENT); /* MESSAGE without message */
}

/* ---- our wire decoder against protobuf-c -------------------------------- */

/* Decode p with both; require agreement; return our code (why in *why). */
static int both(const uint8_t *p, size_t n, lb_dnstap_msg_t *ours, int *pbc_rc)
{
	lb_dnstap_msg_t ref;
	void *keep = NULL;
	int rc = lb_dnstap_parse(p, n, ours);
	int rp = lb_dnstap_parse_pbc(p, n, &ref, &keep);
	char why[128];
	int cmp = lb_dnstap_msg_compare(rc, ours, rp, &ref, why, sizeof why);
	if (cmp != 0)
		fail_msg("decoders disagree: %s (ours %d why %s, protobuf-c %d)", why, rc,
			 lb_dnstap_why_name(ours->why), rp);
	lb_dnstap_pbc_free(keep);
	if (pbc_rc)
		*pbc_rc = rp;
	return rc;
}

static void key(buf_t *b, unsigned field, unsigned wt)
{
	varint(b, (uint64_t)field << 3 | wt);
}

/* Dnstap{type=MESSAGE, message=<m>} */
static void envelope(buf_t *out, const buf_t *m)
{
	pb_varint(out, 15, 1);
	pb_bytes(out, 14, m->b, m->n);
}

static void test_pb_valid_agree(void **state)
{
	(void)state;
	lb_dnstap_msg_t m;
	int rp;
	buf_t b = { .n = 0 };
	for (int t = 1; t <= 14; t++) {
		b.n = 0;
		dnstap_msg(&b, t, t % 4 == 0 ? "\7example\3com\0" : NULL, 13, !(t & 1));
		assert_int_equal(both(b.b, b.n, &m, &rp), 0);
		assert_int_equal(rp, 0);
		assert_int_equal(m.type, t);
	}
	/* every optional field, a policy, http_protocol, extra */
	buf_t x = { .n = 0 }, pol = { .n = 0 };
	pb_bytes(&pol, 1, "RPZ", 3);
	pb_bytes(&pol, 2, "\3bad\0", 5);
	pb_varint(&pol, 3, 1);
	pb_varint(&pol, 4, 1);
	pb_bytes(&pol, 5, "v", 1);
	pb_varint(&x, 1, 6);
	pb_bytes(&x, 15, pol.b, pol.n);
	pb_varint(&x, 16, 2);
	pb_varint(&x, 8, UINT64_MAX);
	pb_bytes(&x, 10, "", 0); /* present and empty */
	b.n = 0;
	pb_bytes(&b, 3, "extra", 5);
	envelope(&b, &x);
	assert_int_equal(both(b.b, b.n, &m, &rp), 0);
	assert_true(m.has & LB_DT_HAS_POLICY);
	assert_int_equal(m.policy_action, 1);
	assert_int_equal(m.http_protocol, 2);
	assert_true(m.query_time_sec == UINT64_MAX);
	assert_non_null(m.query_message.data);
	assert_int_equal(m.query_message.len, 0);
	assert_null(m.response_message.data);
}

static void test_pb_unknown_fields_skipped(void **state)
{
	(void)state;
	lb_dnstap_msg_t m;
	int rp;
	buf_t x = { .n = 0 }, b = { .n = 0 };
	pb_varint(&x, 1, 4);
	pb_varint(&x, 99, 12345);                /* varint */
	key(&x, 100, 1);                         /* 64-bit */
	put(&x, "12345678", 8);
	pb_bytes(&x, 101, "skip me", 7);         /* length-delimited */
	pb_fixed32(&x, 102, 7);                  /* 32-bit */
	pb_varint(&x, 536870911, 1);             /* the largest field number */
	pb_bytes(&x, 14, "\0\0\0\0", 4);
	envelope(&b, &x);
	pb_bytes(&b, 77, "top", 3);
	assert_int_equal(both(b.b, b.n, &m, &rp), 0);
	assert_int_equal(rp, 0);
	assert_int_equal(m.type, 4);
	assert_int_equal(m.response_message.len, 4);
}

static void test_pb_last_wins_and_merge(void **state)
{
	(void)state;
	lb_dnstap_msg_t m;
	int rp;
	buf_t x = { .n = 0 }, y = { .n = 0 }, b = { .n = 0 };
	pb_varint(&x, 1, 3);
	pb_varint(&x, 6, 1000);
	pb_varint(&x, 6, 2000);                  /* duplicate scalar: last wins */
	pb_bytes(&x, 4, "\1\2\3\4", 4);
	pb_bytes(&x, 4, "\5\6\7\10", 4);         /* duplicate bytes: last wins */
	pb_bytes(&x, 11, "\3com\0", 5);
	pb_varint(&y, 1, 4);                     /* second Message: merged */
	pb_varint(&y, 7, 53);
	pb_bytes(&y, 14, "\1\2\3\4\5\6\7\10\11\12\13\14", 12);
	envelope(&b, &x);
	pb_bytes(&b, 14, y.b, y.n);
	pb_bytes(&b, 1, "a", 1);
	pb_bytes(&b, 1, "bb", 2);
	assert_int_equal(both(b.b, b.n, &m, &rp), 0);
	assert_int_equal(rp, 0);
	assert_int_equal(m.message_count, 2);
	assert_int_equal(m.type, 4);
	assert_int_equal(m.query_port, 2000);
	assert_int_equal(m.response_port, 53);
	assert_memory_equal(m.query_address.data, "\5\6\7\10", 4);
	assert_int_equal(m.query_zone.len, 5);   /* from the first occurrence */
	assert_int_equal(m.response_message.len, 12);
	assert_int_equal(m.identity.len, 2);
	/* uint32 and enum fields keep the low 32 bits of a wider varint */
	x.n = 0;
	b.n = 0;
	pb_varint(&x, 1, ((uint64_t)1 << 40) | 6);
	pb_varint(&x, 6, ((uint64_t)7 << 32) | 53);
	envelope(&b, &x);
	assert_int_equal(both(b.b, b.n, &m, &rp), 0);
	assert_int_equal(rp, 0);
	assert_int_equal(m.type, 6);
	assert_int_equal(m.query_port, 53);
}

struct bad_case {
	const char *name;
	const char *bytes;
	size_t len;
	int rc, why;
	int pbc_accepts;
};

static void test_pb_refusals(void **state)
{
	(void)state;
	/* Each is Dnstap{type=MESSAGE (78 01), message=(72 LEN ...)} with a flaw.
	 * Message 08 04 = type RESOLVER_RESPONSE; field 9 (keys 48..4f) and
	 * Policy field 6 (30..37) are unknown. */
#define B(s) s, sizeof(s) - 1
	static const struct bad_case cases[] = {
		{ "empty payload", B(""), LB_ERDATA, LB_DT_WHY_REQUIRED, 0 },
		{ "group start (3)", B("\x78\x01\x4b"), LB_ERDATA, LB_DT_WHY_GROUP, 0 },
		{ "group end (4)", B("\x78\x01\x4c"), LB_ERDATA, LB_DT_WHY_GROUP, 0 },
		{ "wire type 6", B("\x78\x01\x4e\x00"), LB_ERDATA, LB_DT_WHY_WIRE_TYPE, 0 },
		{ "wire type 7", B("\x78\x01\x4f\x00"), LB_ERDATA, LB_DT_WHY_WIRE_TYPE, 0 },
		{ "varint of 11 bytes", B("\x78\x81\x80\x80\x80\x80\x80\x80\x80\x80\x80\x00"),
		  LB_ERDATA, LB_DT_WHY_VARINT_LONG, 0 },
		{ "varint over 64 bits", B("\x78\x81\x80\x80\x80\x80\x80\x80\x80\x80\x02"),
		  LB_ERDATA, LB_DT_WHY_VARINT_OVERFLOW, 1 },
		{ "varint cut by the end", B("\x78\x81"), LB_ETRUNC, LB_DT_WHY_TRUNCATED, 0 },
		{ "field number 0", B("\x78\x01\x80\x00\x01"), LB_ERDATA, LB_DT_WHY_FIELD_ZERO, 1 },
		{ "Dnstap.type as bytes", B("\x7a\x01\x01"), LB_ERDATA, LB_DT_WHY_WRONG_TYPE, 0 },
		{ "message as varint", B("\x78\x01\x70\x01"), LB_ERDATA, LB_DT_WHY_WRONG_TYPE, 0 },
		{ "nsec as varint", B("\x78\x01\x72\x04\x08\x04\x48\x01"), LB_ERDATA,
		  LB_DT_WHY_WRONG_TYPE, 0 },
		{ "no Dnstap.type", B("\x72\x02\x08\x04"), LB_ERDATA, LB_DT_WHY_REQUIRED, 0 },
		{ "no Message.type", B("\x78\x01\x72\x02\x30\x35"), LB_ERDATA, LB_DT_WHY_REQUIRED, 0 },
		{ "second Message without type", B("\x78\x01\x72\x02\x08\x04\x72\x02\x30\x35"),
		  LB_ERDATA, LB_DT_WHY_REQUIRED, 0 },
		{ "message longer than the payload", B("\x78\x01\x72\x09\x08\x04"), LB_ETRUNC,
		  LB_DT_WHY_TRUNCATED, 0 },
		/* response_message (72) claims 3 bytes: inside the payload, past the Message */
		{ "field past its parent", B("\x78\x01\x72\x04\x08\x04\x72\x03\xaa\xbb\xcc"),
		  LB_ETRUNC, LB_DT_WHY_TRUNCATED, 0 },
		{ "fixed32 cut", B("\x78\x01\x72\x04\x08\x04\x4d\x01"), LB_ETRUNC,
		  LB_DT_WHY_TRUNCATED, 0 },
		{ "unknown 64-bit cut", B("\x78\x01\x49\x01\x02"), LB_ETRUNC, LB_DT_WHY_TRUNCATED, 0 },
		{ "huge length", B("\x78\x01\x0a\xff\xff\xff\xff\x0f\x00"), LB_ETRUNC,
		  LB_DT_WHY_TRUNCATED, 0 },
		{ "policy with a group", B("\x78\x01\x72\x05\x08\x04\x7a\x01\x33"), LB_ERDATA,
		  LB_DT_WHY_GROUP, 0 },
	};
#undef B
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct bad_case *k = &cases[i];
		lb_dnstap_msg_t m;
		int rp;
		int rc = both((const uint8_t *)k->bytes, k->len, &m, &rp);
		if (rc != k->rc || m.why != k->why || (rp == 0) != k->pbc_accepts)
			fail_msg("%s: ours %d why %s (want %d %s), protobuf-c %s", k->name, rc,
				 lb_dnstap_why_name(m.why), k->rc, lb_dnstap_why_name(k->why),
				 rp == 0 ? "accepts" : "refuses");
	}
	/* a frame with one of them is counted as a bad protobuf, nothing else */
	lb_stats_t ds = { 0 };
	lb_tap_stats_t ts = { 0 };
	lb_obs_sink_t none = { 0 };
	lb_dnstap_t *d = lb_dnstap_new(&none, "t", &ds, &ts);
	assert_non_null(d);
	lb_dnstap_frame(d, (const uint8_t *)cases[6].bytes, cases[6].len);
	lb_dnstap_frame(d, (const uint8_t *)cases[1].bytes, cases[1].len);
	assert_int_equal(ts.bad[LB_TAP_BAD_PROTOBUF], 2);
	assert_int_equal(ts.messages, 0);
	lb_dnstap_free(d);
}

/* protobuf-c keeps an earlier non-empty bytes value over a later empty one
 * when it merges a repeated embedded message; we follow protobuf (last wins). */
static void test_pb_merge_empty_bytes(void **state)
{
	(void)state;
	lb_dnstap_msg_t m, ref;
	void *keep = NULL;
	buf_t x = { .n = 0 }, y = { .n = 0 }, b = { .n = 0 };
	pb_varint(&x, 1, 4);
	pb_bytes(&x, 11, "\3com\0", 5);
	pb_varint(&y, 1, 4);
	pb_bytes(&y, 11, "", 0);
	envelope(&b, &x);
	pb_bytes(&b, 14, y.b, y.n);
	assert_int_equal(lb_dnstap_parse(b.b, b.n, &m), 0);
	assert_int_equal(lb_dnstap_parse_pbc(b.b, b.n, &ref, &keep), 0);
	assert_non_null(m.query_zone.data);
	assert_int_equal(m.query_zone.len, 0);
	assert_int_equal(ref.query_zone.len, 5);
	char why[128];
	assert_int_equal(lb_dnstap_msg_compare(0, &m, 0, &ref, why, sizeof why), 0);
	/* but a real difference is caught: the comparison can fail */
	m.query_zone.data = (const uint8_t *)"\3org\0";
	m.query_zone.len = 5;
	assert_int_equal(lb_dnstap_msg_compare(0, &m, 0, &ref, why, sizeof why), -1);
	m.query_zone.data = NULL;
	assert_int_equal(lb_dnstap_msg_compare(0, &m, 0, &ref, why, sizeof why), -1);
	lb_dnstap_pbc_free(keep);
}

/* Deterministic mutations of good messages: both decoders on each. */
static void test_pb_mutations_agree(void **state)
{
	(void)state;
	uint64_t r = 0x9e3779b97f4a7c15ull;
	buf_t good[3];
	good[0].n = good[1].n = good[2].n = 0;
	dnstap_msg(&good[0], 4, "\7example\3com\0", 13, true);
	dnstap_msg(&good[1], 5, NULL, 0, false);
	buf_t pol = { .n = 0 }, x = { .n = 0 };
	pb_bytes(&pol, 1, "RPZ", 3);
	pb_varint(&pol, 3, 2);
	pb_varint(&x, 1, 6);
	pb_bytes(&x, 15, pol.b, pol.n);
	pb_bytes(&x, 14, "\0\1\0\0\0\0\0\0\0\0\0\0", 12);
	envelope(&good[2], &x);
	pb_bytes(&good[2], 14, x.b, x.n);
	unsigned accepted = 0, refused = 0;
	for (int i = 0; i < 30000; i++) {
		const buf_t *g = &good[i % 3];
		static buf_t t;
		memcpy(t.b, g->b, g->n);
		t.n = g->n;
		int nmut = 1 + (int)(r % 4);
		for (int k = 0; k < nmut; k++) {
			r = r * 6364136223846793005ull + 1442695040888963407ull;
			size_t at = (size_t)(r >> 33) % t.n;
			switch ((r >> 20) % 4) {
			case 0: t.b[at] = (uint8_t)(r >> 8); break;      /* any byte */
			case 1: t.b[at] ^= (uint8_t)(1u << ((r >> 12) % 8)); break;
			case 2: t.n = at; break;                          /* cut */
			default: t.b[at] = (uint8_t)(t.b[at] + 1); break; /* off by one */
			}
			if (t.n == 0)
				break;
		}
		lb_dnstap_msg_t m;
		int rc = both(t.b, t.n, &m, NULL);
		if (rc == 0 || rc == LB_ENOENT)
			accepted++;
		else
			refused++;
	}
	/* the mutations must exercise both sides */
	assert_true(accepted > 1000);
	assert_true(refused > 1000);
}

static void test_resolver_response_bailiwick(void **state)
{
	struct fixture *f = *state;
	buf_t b = { .n = 0 };
	dnstap_msg(&b, 4, "\7EXAMPLE\3com\0", 13, true);
	lb_dnstap_frame(f->d, b.b, b.n);
	/* www A, example.com NS, ns.example.com A kept; evil.org NS dropped */
	assert_int_equal(f->log.n, 3);
	assert_int_equal(f->tap.out_of_bailiwick, 1);
	assert_int_equal(f->tap.rrsets_kept, 3);
	for (int i = 0; i < 3; i++) {
		assert_string_equal(f->log.bw[i], "example.com.");
		assert_string_not_equal(f->log.owner[i], "evil.org.");
	}
	assert_int_equal(f->tap.with_bailiwick, 1);
	assert_int_equal(f->tap.by_type[4], 1);
}

/* An NXDOMAIN response for qname: answer qname CNAME target (when target),
 * authority SOA of soa_zone. */
static void dns_nxdomain(buf_t *b, const char *qname, const char *target, const char *soa_zone)
{
	put16(b, 0x4321);
	put16(b, 0x8183);
	put16(b, 1);
	put16(b, target ? 1 : 0);
	put16(b, 1);
	put16(b, 0);
	wname(b, qname);
	put16(b, 1);
	put16(b, 1);
	if (target) {
		buf_t t = { .n = 0 };
		wname(&t, target);
		wname(b, qname);
		put16(b, 5); put16(b, 1); put32(b, 300); put16(b, (unsigned)t.n);
		put(b, t.b, t.n);
	}
	buf_t soa = { .n = 0 };
	wname(&soa, "ns.invalid");
	wname(&soa, "h.invalid");
	for (int i = 0; i < 5; i++)
		put32(&soa, 1);
	wname(b, soa_zone);
	put16(b, 6); put16(b, 1); put32(b, 300); put16(b, (unsigned)soa.n);
	put(b, soa.b, soa.n);
}

/* RESOLVER_RESPONSE (4) with query_zone zone and response dns. */
static void resolver_response(buf_t *out, const char *zone, const buf_t *dns)
{
	buf_t m = { .n = 0 }, z = { .n = 0 };
	wname(&z, zone);
	pb_varint(&m, 1, 4);
	pb_bytes(&m, 11, z.b, z.n);
	pb_varint(&m, 12, 1700000001);
	pb_bytes(&m, 14, dns->b, dns->n);
	envelope(out, &m);
}

/* A denial is the bailiwick's to say only for names at or below it: the
 * servers of example.com answering www.example.com CNAME www.bank.test with
 * NXDOMAIN (RFC 6604: the rcode speaks of www.bank.test) say nothing
 * trustworthy about bank.test, as the CNAME's target RRsets would be dropped. */
static void test_negative_out_of_bailiwick(void **state)
{
	struct fixture *f = *state;
	buf_t d = { .n = 0 }, b = { .n = 0 };
	dns_nxdomain(&d, "www.example.com", "www.bank.test", "bank.test");
	resolver_response(&b, "example.com", &d);
	lb_dnstap_frame(f->d, b.b, b.n);
	assert_int_equal(f->log.nneg, 0);
	assert_int_equal(f->tap.neg_out_of_bailiwick, 1);
	/* the CNAME itself is at or below example.com: kept */
	assert_int_equal(f->log.n, 1);
	assert_string_equal(f->log.owner[0], "www.example.com.");
	/* NXDOMAIN of a name inside the zone: kept */
	d.n = b.n = 0;
	dns_nxdomain(&d, "nx.example.com", NULL, "example.com");
	resolver_response(&b, "example.com", &d);
	lb_dnstap_frame(f->d, b.b, b.n);
	assert_int_equal(f->log.nneg, 1);
	assert_int_equal(f->tap.neg_out_of_bailiwick, 1);
}

/* CLIENT_RESPONSE with the given time fields (absent when has_* is false). */
static void timed_response(buf_t *out, bool has_q, uint64_t qsec, bool has_r, uint64_t rsec)
{
	buf_t m = { .n = 0 }, d = { .n = 0 };
	dns_response(&d);
	pb_varint(&m, 1, 6);
	if (has_q)
		pb_varint(&m, 8, qsec);
	if (has_r)
		pb_varint(&m, 12, rsec);
	pb_bytes(&m, 14, d.b, d.n);
	envelope(out, &m);
}

/* The sighting's time is the response's, else the query's, else now; a time
 * field of 0 or past what the store keeps is no time (it used to give a
 * sighting at 0 - which the store's merge takes for "no time", so the stored
 * range depended on the order of windows - or one the window dropped). */
static void test_response_time_choice(void **state)
{
	struct fixture *f = *state;
	const uint64_t q = 1700000000, r = 1700000005;
	struct {
		bool hq;
		uint64_t qs;
		bool hr;
		uint64_t rs;
		long long want; /* 0 = now */
	} c[] = {
		{ true, q, true, r, (long long)r },
		{ true, q, false, 0, (long long)q },
		{ true, q, true, 0, (long long)q },
		{ true, q, true, 1ull << 40, (long long)q },
		{ true, q, true, UINT64_MAX, (long long)q },
		{ true, 0, true, 0, 0 },
		{ false, 0, false, 0, 0 },
	};
	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
		buf_t b = { .n = 0 };
		timed_response(&b, c[i].hq, c[i].qs, c[i].hr, c[i].rs);
		f->log.n = 0;
		/* the decoder's clock, gettimeofday: time() reads the coarse clock,
		 * up to a tick behind it, so bounds taken with time() failed when
		 * a second began in between */
		struct timeval tb, ta;
		gettimeofday(&tb, NULL);
		lb_dnstap_frame(f->d, b.b, b.n);
		gettimeofday(&ta, NULL);
		assert_int_equal(f->log.n, 1);
		if (c[i].want)
			assert_int_equal(f->log.ts[0], c[i].want);
		else
			assert_true(f->log.ts[0] >= (long long)tb.tv_sec && f->log.ts[0] <= (long long)ta.tv_sec);
	}
}

static void test_client_response_answer_only(void **state)
{
	struct fixture *f = *state;
	buf_t b = { .n = 0 };
	dnstap_msg(&b, 6, "\7example\3com\0", 13, true); /* query_zone ignored for clients */
	lb_dnstap_frame(f->d, b.b, b.n);
	assert_int_equal(f->log.n, 1);
	assert_string_equal(f->log.owner[0], "www.example.com.");
	assert_string_equal(f->log.bw[0], "-");
	assert_int_equal(f->log.section[0], 0);
	assert_int_equal(f->tap.not_answer, 3);
	assert_int_equal(f->tap.no_bailiwick, 1);
}

/* An authoritative server's AUTH_RESPONSE: with query_zone (the dnstap.proto
 * field for it) read like a resolver's; without one, as knotd 3.2's
 * mod-dnstap sends it (dnstap_producers.sh), like a client's: answer only,
 * bailiwick unknown - the zone is not guessed from the message. */
static void test_auth_response_zone_or_none(void **state)
{
	struct fixture *f = *state;
	buf_t b = { .n = 0 };
	dnstap_msg(&b, 2, "\7example\3com\0", 13, true);
	lb_dnstap_frame(f->d, b.b, b.n);
	assert_int_equal(f->log.n, 3);
	for (int i = 0; i < 3; i++)
		assert_string_equal(f->log.bw[i], "example.com.");
	assert_int_equal(f->tap.with_bailiwick, 1);
	b.n = 0;
	dnstap_msg(&b, 2, NULL, 0, true);
	lb_dnstap_frame(f->d, b.b, b.n);
	assert_int_equal(f->log.n, 4);
	assert_string_equal(f->log.owner[3], "www.example.com.");
	assert_string_equal(f->log.bw[3], "-");
	assert_int_equal(f->log.section[3], 0);
	assert_int_equal(f->tap.no_bailiwick, 1);
	assert_int_equal(f->tap.by_type[2], 2);
	assert_int_equal(f->tap.bad[LB_TAP_BAD_ZONE], 0);
}

static void test_queries_counted_only(void **state)
{
	struct fixture *f = *state;
	buf_t b = { .n = 0 };
	for (int t = 1; t <= 13; t += 2) {
		b.n = 0;
		dnstap_msg(&b, t, NULL, 0, false);
		lb_dnstap_frame(f->d, b.b, b.n);
	}
	assert_int_equal(f->tap.queries, 7);
	assert_int_equal(f->tap.messages, 7);
	assert_int_equal(f->log.n, 0);
	assert_int_equal(f->dns.dns_messages, 0);
}

static void test_bad_inputs_counted(void **state)
{
	struct fixture *f = *state;
	buf_t b = { .n = 0 };
	dnstap_msg(&b, 4, "\7example\3com", 12, true); /* zone without root label */
	lb_dnstap_frame(f->d, b.b, b.n);
	b.n = 0;
	dnstap_msg(&b, 4, "\77example\0", 9, true); /* label length past the end */
	lb_dnstap_frame(f->d, b.b, b.n);
	assert_int_equal(f->tap.bad[LB_TAP_BAD_ZONE], 2);
	lb_dnstap_frame(f->d, (const uint8_t *)"garbage!", 8);
	assert_int_equal(f->tap.bad[LB_TAP_BAD_PROTOBUF], 1);
	b.n = 0;
	pb_varint(&b, 15, 1);
	lb_dnstap_frame(f->d, b.b, b.n);
	assert_int_equal(f->tap.bad[LB_TAP_BAD_NOT_MESSAGE], 1);
	/* a response without response_message */
	buf_t m = { .n = 0 };
	pb_varint(&m, 1, 4);
	b.n = 0;
	pb_varint(&b, 15, 1);
	pb_bytes(&b, 14, m.b, m.n);
	lb_dnstap_frame(f->d, b.b, b.n);
	assert_int_equal(f->tap.bad[LB_TAP_BAD_NO_DNS], 1);
	assert_int_equal(f->log.n, 0);
	/* every truncation of a good message: never crashes, never observes garbage */
	b.n = 0;
	dnstap_msg(&b, 4, "\7example\3com\0", 13, true);
	for (size_t i = 0; i < b.n; i++)
		lb_dnstap_frame(f->d, b.b, i);
}

static void test_file_through_fd(void **state)
{
	struct fixture *f = *state;
	static buf_t b;
	b.n = 0;
	fs_control(&b, LB_FSTRM_START, LB_DNSTAP_CONTENT_TYPE);
	buf_t one = { .n = 0 };
	dnstap_msg(&one, 4, "\7example\3com\0", 13, true);
	fs_data(&b, one.b, one.n);
	one.n = 0;
	dnstap_msg(&one, 5, NULL, 0, false);
	fs_data(&b, one.b, one.n);
	fs_control(&b, LB_FSTRM_STOP, NULL);
	FILE *tf = tmpfile();
	assert_non_null(tf);
	assert_int_equal(fwrite(b.b, 1, b.n, tf), b.n);
	fflush(tf);
	rewind(tf);
	assert_int_equal(lb_dnstap_read_fd(f->d, fileno(tf), 0, NULL), 0);
	assert_int_equal(f->tap.messages, 2);
	assert_int_equal(f->log.n, 3);
	/* the same file cut short: what came before is kept, the cut is reported */
	rewind(tf);
	assert_int_equal(ftruncate(fileno(tf), (off_t)(b.n - 3)), 0);
	assert_int_equal(lb_dnstap_read_fd(f->d, fileno(tf), 0, NULL), LB_ETRUNC);
	assert_int_equal(f->tap.messages, 4);
	assert_int_equal(f->tap.bad[LB_TAP_BAD_TRUNCATED], 1);
	fclose(tf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_frame_data_and_prefixes),
		cmocka_unit_test(test_frame_control_content_type),
		cmocka_unit_test(test_frame_limits),
		cmocka_unit_test(test_conn_file_bytewise),
		cmocka_unit_test(test_conn_closed),
		cmocka_unit_test(test_conn_violations),
		cmocka_unit_test(test_conn_oversized_skipped),
		cmocka_unit_test(test_conn_bidi_handshake),
		cmocka_unit_test(test_conn_garbage_never_crashes),
		cmocka_unit_test_setup_teardown(test_decode_fields, setup, teardown),
		cmocka_unit_test(test_pb_valid_agree),
		cmocka_unit_test(test_pb_unknown_fields_skipped),
		cmocka_unit_test(test_pb_last_wins_and_merge),
		cmocka_unit_test(test_pb_refusals),
		cmocka_unit_test(test_pb_merge_empty_bytes),
		cmocka_unit_test(test_pb_mutations_agree),
		cmocka_unit_test_setup_teardown(test_resolver_response_bailiwick, setup, teardown),
		cmocka_unit_test_setup_teardown(test_negative_out_of_bailiwick, setup, teardown),
		cmocka_unit_test_setup_teardown(test_response_time_choice, setup, teardown),
		cmocka_unit_test_setup_teardown(test_client_response_answer_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_auth_response_zone_or_none, setup, teardown),
		cmocka_unit_test_setup_teardown(test_queries_counted_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_inputs_counted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_file_through_fd, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
