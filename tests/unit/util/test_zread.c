/*
 * test_zread.c - the decompressing byte stream: plain, gzip, zstd and xz
 * input made here with the libraries themselves, from memory and through a
 * pipe fed in small pieces; several members / frames / streams; a cut
 * stream and garbage after a member are LB_ECORRUPT after the bytes that did
 * decode; reads of any size, one byte included.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <unistd.h>

#include <cmocka.h>
#include <lzma.h>
#include <zlib.h>
#include <zstd.h>

#include "util/zread.h"
#include "unit/compress.h"

/* Compressible bytes that are not all alike: text lines with a counter and
 * a pseudo-random word. */
static uint8_t *sample(size_t n, uint32_t seed)
{
	uint8_t *b = malloc(n);
	assert_non_null(b);
	size_t o = 0;
	for (uint32_t i = 0; o < n; i++) {
		seed = seed * 1103515245u + 12345u;
		char line[64];
		int k = snprintf(line, sizeof line, "%u www.example%u.test 0x%08x\n", i, seed >> 24, seed);
		for (int j = 0; j < k && o < n; j++)
			b[o++] = (uint8_t)line[j];
	}
	return b;
}

static size_t gzip(const uint8_t *in, size_t n, uint8_t *out, size_t cap)
{
	return tz_gzip(in, n, out, cap);
}

static size_t zstd(const uint8_t *in, size_t n, uint8_t *out, size_t cap)
{
	return tz_zstd(in, n, out, cap, 3);
}

static size_t xz(const uint8_t *in, size_t n, uint8_t *out, size_t cap)
{
	return tz_xz(in, n, out, cap, 1);
}

typedef size_t (*compress_fn)(const uint8_t *, size_t, uint8_t *, size_t);

static const struct codec {
	compress_fn fn;
	lb_zr_codec_t codec;
	const char *name;
} codecs[] = {
	{ gzip, LB_ZR_GZIP, "gzip" },
	{ zstd, LB_ZR_ZSTD, "zstd" },
	{ xz, LB_ZR_XZ, "xz" },
};

/* Read z to its end or error in reads of at most chunk bytes into out
 * (cap bytes); *len = bytes read; returns 0 or the error. */
static int drain(lb_zr_t *z, size_t chunk, uint8_t *out, size_t cap, size_t *len)
{
	*len = 0;
	for (;;) {
		size_t want = chunk < cap - *len ? chunk : cap - *len;
		assert_true(want > 0); /* the test's buffer holds every byte */
		ssize_t n = lb_zr_read(z, out + *len, want);
		if (n <= 0)
			return (int)n;
		assert_true((size_t)n <= want);
		*len += (size_t)n;
	}
}

/* buf decodes to exactly want (wn bytes) with reads of chunk bytes. */
static void expect_mem(const uint8_t *buf, size_t n, size_t chunk, lb_zr_codec_t codec,
		       const uint8_t *want, size_t wn)
{
	lb_zr_t *z;
	assert_int_equal(lb_zr_open_mem(buf, n, &z), 0);
	uint8_t *out = malloc(wn + 1);
	size_t len;
	assert_int_equal(drain(z, chunk, out, wn + 1, &len), 0);
	assert_int_equal(len, wn);
	assert_memory_equal(out, want, wn);
	assert_int_equal(lb_zr_codec(z), codec);
	assert_int_equal(lb_zr_out_bytes(z), wn);
	assert_int_equal(lb_zr_in_bytes(z), n);
	assert_int_equal(lb_zr_read(z, out, 1), 0); /* the end stays the end */
	lb_zr_close(z);
	free(out);
}

static void sniff_and_names(void **st)
{
	(void)st;
	assert_int_equal(lb_zr_sniff("\x1f\x8b", 2), LB_ZR_GZIP);
	assert_int_equal(lb_zr_sniff("\x28\xb5\x2f\xfd", 4), LB_ZR_ZSTD);
	assert_int_equal(lb_zr_sniff("\xfd\x37\x7a\x58\x5a\x00", 6), LB_ZR_XZ);
	assert_int_equal(lb_zr_sniff("\xfd\x37\x7a\x58\x5a", 5), LB_ZR_PLAIN); /* too short for xz */
	assert_int_equal(lb_zr_sniff("\xd4\xc3\xb2\xa1", 4), LB_ZR_PLAIN);
	assert_int_equal(lb_zr_sniff("", 0), LB_ZR_PLAIN);
	assert_string_equal(lb_zr_codec_name(LB_ZR_GZIP), "gzip");
	assert_string_equal(lb_zr_codec_name(LB_ZR_ZSTD), "zstd");
	assert_string_equal(lb_zr_codec_name(LB_ZR_XZ), "xz");
	assert_string_equal(lb_zr_codec_name(LB_ZR_PLAIN), "plain");
	assert_string_equal(lb_zr_codec_name(LB_ZR_UNKNOWN), "unknown");
}

/* Plain input is handed out as it is, whatever the read size; so is input
 * shorter than a magic, and an empty one. */
static void plain_input(void **st)
{
	(void)st;
	size_t n = 1000000;
	uint8_t *t = sample(n, 1);
	expect_mem(t, n, 1 << 20, LB_ZR_PLAIN, t, n);
	expect_mem(t, n, 4093, LB_ZR_PLAIN, t, n);
	expect_mem((const uint8_t *)"\x1f", 1, 1, LB_ZR_PLAIN, (const uint8_t *)"\x1f", 1);
	expect_mem(t, 0, 16, LB_ZR_PLAIN, t, 0);
	free(t);
}

/* Each codec, read in large, odd and one-byte pieces (a one-byte read
 * leaves the decoders output to flush after their input ends). */
static void each_codec(void **st)
{
	(void)st;
	size_t n = 1500000, cap = n + 65536;
	uint8_t *t = sample(n, 2), *c = malloc(cap);
	for (size_t i = 0; i < sizeof codecs / sizeof *codecs; i++) {
		size_t cl = codecs[i].fn(t, n, c, cap);
		expect_mem(c, cl, 1 << 20, codecs[i].codec, t, n);
		expect_mem(c, cl, 100003, codecs[i].codec, t, n);
		expect_mem(c, cl, 4096, codecs[i].codec, t, n);
	}
	/* one-byte reads over a smaller input (they are slow) */
	for (size_t i = 0; i < sizeof codecs / sizeof *codecs; i++) {
		size_t cl = codecs[i].fn(t, 300000, c, cap);
		expect_mem(c, cl, 1, codecs[i].codec, t, 300000);
	}
	free(c);
	free(t);
}

/* Several gzip members (cat a.gz b.gz), zstd frames, xz streams (xz -c a b
 * writes one stream, `cat a.xz b.xz` two): read as one input; an empty
 * member among them too. */
static void concatenated(void **st)
{
	(void)st;
	size_t n1 = 700000, n2 = 500000, cap = n1 + n2 + 65536;
	uint8_t *a = sample(n1 + n2, 3), *c = malloc(3 * cap);
	for (size_t i = 0; i < sizeof codecs / sizeof *codecs; i++) {
		size_t l1 = codecs[i].fn(a, n1, c, cap);
		size_t l0 = codecs[i].fn(a, 0, c + l1, cap);
		size_t l2 = codecs[i].fn(a + n1, n2, c + l1 + l0, cap);
		expect_mem(c, l1 + l0 + l2, 65536, codecs[i].codec, a, n1 + n2);
		expect_mem(c, l1 + l0 + l2, 7, codecs[i].codec, a, n1 + n2);
	}
	free(c);
	free(a);
}

/* A stream cut anywhere, or damaged, hands out bytes that are a prefix of
 * the original and then LB_ECORRUPT, for good (not a clean short end). */
static void cut_and_corrupt(void **st)
{
	(void)st;
	size_t n = 2000000, cap = n + 65536;
	uint8_t *t = sample(n, 4), *c = malloc(cap), *out = malloc(n + 1);
	for (size_t i = 0; i < sizeof codecs / sizeof *codecs; i++) {
		size_t cl = codecs[i].fn(t, n, c, cap);
		const size_t cuts[] = { cl / 2, cl - 1, cl / 5, 7 };
		for (size_t k = 0; k < sizeof cuts / sizeof *cuts; k++) {
			lb_zr_t *z;
			assert_int_equal(lb_zr_open_mem(c, cuts[k], &z), 0);
			size_t len;
			assert_int_equal(drain(z, 65536, out, n + 1, &len), LB_ECORRUPT);
			assert_memory_equal(out, t, len);
			if (cuts[k] == cl / 2)
				assert_true(len > n / 4); /* what decoded before the cut came */
			assert_int_equal(lb_zr_read(z, out, 16), LB_ECORRUPT); /* sticky */
			lb_zr_close(z);
		}
		/* a flipped byte in the middle */
		c[cl / 2] ^= 0x55;
		lb_zr_t *z;
		assert_int_equal(lb_zr_open_mem(c, cl, &z), 0);
		size_t len;
		assert_int_equal(drain(z, 65536, out, n + 1, &len), LB_ECORRUPT);
		assert_true(len < n);
		lb_zr_close(z);
	}
	free(out);
	free(c);
	free(t);
}

/* Bytes after a complete member that do not start another are an error
 * after the member's content (gzip, zstd, xz alike), one byte included. */
static void garbage_after_member(void **st)
{
	(void)st;
	size_t n = 200000, cap = n + 65536;
	uint8_t *t = sample(n, 5), *c = malloc(cap + 64), *out = malloc(n + 64);
	const char *junk[] = { "not a member at all", "x" };
	for (size_t i = 0; i < sizeof codecs / sizeof *codecs; i++) {
		for (size_t j = 0; j < 2; j++) {
			size_t cl = codecs[i].fn(t, n, c, cap);
			memcpy(c + cl, junk[j], strlen(junk[j]));
			lb_zr_t *z;
			assert_int_equal(lb_zr_open_mem(c, cl + strlen(junk[j]), &z), 0);
			size_t len;
			assert_int_equal(drain(z, 4096, out, n + 64, &len), LB_ECORRUPT);
			assert_int_equal(len, n);
			assert_memory_equal(out, t, n);
			lb_zr_close(z);
		}
	}
	free(out);
	free(c);
	free(t);
}

struct feeder {
	int fd;
	const uint8_t *buf;
	size_t len, piece;
};

static void *feed(void *v)
{
	struct feeder *f = v;
	for (size_t o = 0; o < f->len;) {
		size_t k = f->len - o < f->piece ? f->len - o : f->piece;
		ssize_t w = write(f->fd, f->buf + o, k);
		if (w <= 0)
			break;
		o += (size_t)w;
	}
	close(f->fd);
	return NULL;
}

static int idle_calls;
static void count_idle(void *ctx)
{
	(void)ctx;
	idle_calls++;
}

/* Through a pipe written in small pieces: reads come short, the decoders
 * wait for more input across them; plain and each codec; idle runs. */
static void pipe_short_reads(void **st)
{
	(void)st;
	size_t n = 400000, cap = n + 65536;
	uint8_t *t = sample(n, 6), *c = malloc(cap), *out = malloc(n + 1);
	for (size_t i = 0; i <= sizeof codecs / sizeof *codecs; i++) {
		bool plain = i == sizeof codecs / sizeof *codecs;
		size_t cl = plain ? n : codecs[i].fn(t, n, c, cap);
		int p[2];
		assert_int_equal(pipe(p), 0);
		struct feeder f = { p[1], plain ? t : c, cl, 13 + 500 * i };
		pthread_t th;
		assert_int_equal(pthread_create(&th, NULL, feed, &f), 0);
		lb_zr_t *z;
		assert_int_equal(lb_zr_open_fd(p[0], &z), 0);
		idle_calls = 0;
		if (i == 1)
			lb_zr_set_idle(z, count_idle, NULL);
		size_t len;
		assert_int_equal(drain(z, 8192, out, n + 1, &len), 0);
		assert_int_equal(len, n);
		assert_memory_equal(out, t, n);
		assert_int_equal(lb_zr_codec(z), plain ? LB_ZR_PLAIN : codecs[i].codec);
		assert_int_equal(lb_zr_in_bytes(z), cl);
		if (i == 1)
			assert_true(idle_calls > 0);
		lb_zr_close(z);
		pthread_join(th, NULL);
		close(p[0]);
	}
	free(out);
	free(c);
	free(t);
}

/* A stop request ends a descriptor's stream with LB_EINTR at the next read
 * (of a pipe that stays open: it would wait), plain or compressed. */
static void stop_request(void **st)
{
	(void)st;
	static const char *heads[] = { "plain text", "\x1f\x8b\x08\0\0\0\0\0\0\x03" };
	static const size_t lens[] = { 10, 10 };
	for (int i = 0; i < 2; i++) {
		int p[2];
		assert_int_equal(pipe(p), 0);
		assert_int_equal(write(p[1], heads[i], lens[i]), (ssize_t)lens[i]);
		volatile sig_atomic_t stop = 0;
		lb_zr_t *z;
		assert_int_equal(lb_zr_open_fd(p[0], &z), 0);
		lb_zr_set_stop(z, &stop);
		lb_zr_set_idle(z, count_idle, NULL);
		assert_int_equal(lb_zr_detect(z), 0);
		assert_int_equal(lb_zr_codec(z), i ? LB_ZR_GZIP : LB_ZR_PLAIN);
		uint8_t b[16];
		if (i == 0) /* what came, without waiting for more */
			assert_int_equal(lb_zr_read(z, b, sizeof b), 10);
		stop = 1;
		assert_int_equal(lb_zr_read(z, b, sizeof b), LB_EINTR);
		assert_int_equal(lb_zr_read(z, b, sizeof b), LB_EINTR);
		lb_zr_close(z);
		close(p[0]);
		close(p[1]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sniff_and_names),
		cmocka_unit_test(plain_input),
		cmocka_unit_test(each_codec),
		cmocka_unit_test(concatenated),
		cmocka_unit_test(cut_and_corrupt),
		cmocka_unit_test(garbage_after_member),
		cmocka_unit_test(pipe_short_reads),
		cmocka_unit_test(stop_request),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
