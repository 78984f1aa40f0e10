/*
 * build.h - frame builders and a payload collector for the capture tests.
 * Every frame is written byte by byte here, independently of the decoder.
 */
#ifndef LB_TEST_CAPTURE_BUILD_H
#define LB_TEST_CAPTURE_BUILD_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "capture/decode.h"

#define FRAME_MAX 70000

/* ---- byte writer ---- */
typedef struct wb {
	uint8_t b[FRAME_MAX];
	size_t n;
} wb_t;

static inline void w_bytes(wb_t *w, const void *p, size_t n)
{
	assert_true(w->n + n <= FRAME_MAX);
	if (n)
		memcpy(w->b + w->n, p, n);
	w->n += n;
}
static inline void w_u8(wb_t *w, unsigned v) { uint8_t b = (uint8_t)v; w_bytes(w, &b, 1); }
static inline void w_u16(wb_t *w, unsigned v) { w_u8(w, v >> 8); w_u8(w, v); }
static inline void w_u16le(wb_t *w, unsigned v) { w_u8(w, v); w_u8(w, v >> 8); }
static inline void w_u32(wb_t *w, uint32_t v) { w_u16(w, v >> 16); w_u16(w, v & 0xffff); }
static inline void w_u32le(wb_t *w, uint32_t v) { w_u16le(w, v & 0xffff); w_u16le(w, v >> 16); }
static inline void w_zero(wb_t *w, size_t n) { while (n--) w_u8(w, 0); }

static const uint8_t A4[4] = { 192, 0, 2, 1 }, B4[4] = { 198, 51, 100, 7 };
static const uint8_t A6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
static const uint8_t B6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x53 };

/* A fake DNS message of `len` bytes (>= 19): id, a response header (QR, RD,
 * RA) with one question (x. A IN), as the TCP framing's check of a boundary
 * taken on trust expects, then a counting pattern. */
static inline size_t mk_dns(uint8_t *out, uint16_t id, size_t len)
{
	static const uint8_t hdr[17] = { 0x81, 0x80, 0, 1, 0, 0, 0, 0, 0, 0,
					 1, 'x', 0, 0, 1, 0, 1 };
	out[0] = (uint8_t)(id >> 8);
	out[1] = (uint8_t)id;
	for (size_t i = 2; i < len; i++)
		out[i] = i < 19 ? hdr[i - 2] : (uint8_t)(i * 7 + id);
	return len;
}

/* Each mk_* writes a header then the payload into w (w is reset first). */
static inline void mk_udp(wb_t *w, uint16_t sport, uint16_t dport, const uint8_t *p, size_t n)
{
	w->n = 0;
	w_u16(w, sport);
	w_u16(w, dport);
	w_u16(w, (unsigned)(8 + n));
	w_u16(w, 0);
	w_bytes(w, p, n);
}

#define TH_FIN 0x01
#define TH_SYN 0x02
#define TH_RST 0x04
#define TH_PSH 0x08
#define TH_ACK 0x10

static inline void mk_tcp(wb_t *w, uint16_t sport, uint16_t dport, uint32_t seq, unsigned flags,
			  const uint8_t *p, size_t n)
{
	w->n = 0;
	w_u16(w, sport);
	w_u16(w, dport);
	w_u32(w, seq);
	w_u32(w, 0);
	w_u8(w, 5 << 4);
	w_u8(w, flags);
	w_u16(w, 65535);
	w_u16(w, 0);
	w_u16(w, 0);
	w_bytes(w, p, n);
}

/* IPv4: fo = fragment offset in 8-byte units | 0x2000 for MF. */
static inline void mk_ip4(wb_t *w, const uint8_t *src, const uint8_t *dst, uint8_t proto, uint16_t id,
			  uint16_t fo, const uint8_t *p, size_t n)
{
	w->n = 0;
	w_u8(w, 0x45);
	w_u8(w, 0);
	w_u16(w, (unsigned)(20 + n));
	w_u16(w, id);
	w_u16(w, fo);
	w_u8(w, 64);
	w_u8(w, proto);
	w_u16(w, 0);
	w_bytes(w, src, 4);
	w_bytes(w, dst, 4);
	w_bytes(w, p, n);
}

static inline void mk_ip6(wb_t *w, const uint8_t *src, const uint8_t *dst, uint8_t nh, const uint8_t *p,
			  size_t n)
{
	w->n = 0;
	w_u32(w, 0x60000000);
	w_u16(w, (unsigned)n);
	w_u8(w, nh);
	w_u8(w, 64);
	w_bytes(w, src, 16);
	w_bytes(w, dst, 16);
	w_bytes(w, p, n);
}

static inline void mk_eth(wb_t *w, uint16_t type, const uint8_t *p, size_t n)
{
	static const uint8_t mac[12] = { 2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2 };
	w->n = 0;
	w_bytes(w, mac, 12);
	w_u16(w, type);
	w_bytes(w, p, n);
}

/* ---- collector ---- */
#define COLLECT_MAX 256
typedef struct got {
	size_t n;
	struct {
		uint8_t data[65536];
		size_t len;
		uint8_t ipver, proto;
		uint8_t src[16], dst[16];
		uint16_t sport, dport;
		struct timeval ts;
		bool cut;
	} m[COLLECT_MAX];
} got_t;

static inline void collect(void *ctx, const lb_payload_t *p)
{
	got_t *g = ctx;
	assert_true(g->n < COLLECT_MAX);
	assert_true(p->len <= 65535);
	memcpy(g->m[g->n].data, p->data, p->len);
	g->m[g->n].len = p->len;
	g->m[g->n].ipver = p->ipver;
	g->m[g->n].proto = p->proto;
	memcpy(g->m[g->n].src, p->src, 16);
	memcpy(g->m[g->n].dst, p->dst, 16);
	g->m[g->n].sport = p->sport;
	g->m[g->n].dport = p->dport;
	g->m[g->n].ts = p->ts;
	g->m[g->n].cut = p->cut;
	g->n++;
}

static inline got_t *got_new(void)
{
	got_t *g = calloc(1, sizeof(*g));
	assert_non_null(g);
	return g;
}

/* Feed one frame at time t (seconds). */
static inline void feed(lb_decoder_t *d, int lt, double t, const uint8_t *p, size_t n)
{
	struct timeval tv = { .tv_sec = (time_t)t, .tv_usec = (suseconds_t)((t - (double)(time_t)t) * 1e6) };
	lb_decoder_frame(d, lt, &tv, p, n, n);
}

static inline void expire_all(lb_decoder_t *d)
{
	struct timeval far = { .tv_sec = (time_t)1 << 40 };
	lb_decoder_expire(d, &far);
}

/* Total drops, and drops other than `why`. */
static inline uint64_t drops_total(lb_decoder_t *d) { return lb_stats_drops(lb_decoder_stats(d)); }
static inline uint64_t drop_n(lb_decoder_t *d, enum lb_drop why) { return lb_decoder_stats(d)->drops[why]; }

/* Assert that message i is exactly `exp`. */
static inline void assert_msg(const got_t *g, size_t i, const uint8_t *exp, size_t n)
{
	assert_true(i < g->n);
	assert_int_equal(g->m[i].len, n);
	assert_memory_equal(g->m[i].data, exp, n);
}

#endif
