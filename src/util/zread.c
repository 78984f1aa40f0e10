/*
 * zread.c - decompressing byte stream: see zread.h.
 *
 * Raw bytes (as read from the input, or the memory buffer itself) go through
 * the codec's decoder into the caller's buffer.  Plain input read from a
 * descriptor goes straight into the caller's buffer once the bytes read to
 * tell the codec are handed out.
 */
#include "util/zread.h"

#include <errno.h>
#include <lzma.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "util/fdwait.h"

struct lb_zr {
	int fd;                      /* -1 for memory input */
	void (*idle)(void *);        /* lb_zr_set_idle */
	void *idle_ctx;
	volatile sig_atomic_t *stop; /* lb_zr_set_stop */
	lb_zr_codec_t codec;
	int err;                     /* sticky error */
	bool raw_eof;                /* no more raw bytes */
	bool end;                    /* the decoder finished all input */
	uint8_t *buf;                /* raw buffer (descriptor input) */
	const uint8_t *raw;          /* buf, or the memory input */
	size_t raw_pos, raw_len;
	uint64_t in_bytes, out_bytes;
	z_stream z;
	bool z_init, z_mid;          /* inflate initialised; inside a gzip member */
	ZSTD_DStream *zs;
	bool zs_mid;                 /* inside a zstd frame */
	lzma_stream xz;
	bool xz_init;
};

lb_zr_codec_t lb_zr_sniff(const void *head, size_t n)
{
	const uint8_t *p = head;
	if (n >= 2 && p[0] == 0x1f && p[1] == 0x8b)
		return LB_ZR_GZIP;
	if (n >= 4 && p[0] == 0x28 && p[1] == 0xb5 && p[2] == 0x2f && p[3] == 0xfd)
		return LB_ZR_ZSTD;
	if (n >= 6 && !memcmp(p, "\xfd\x37\x7a\x58\x5a\x00", 6))
		return LB_ZR_XZ;
	return LB_ZR_PLAIN;
}

const char *lb_zr_codec_name(lb_zr_codec_t c)
{
	switch (c) {
	case LB_ZR_PLAIN: return "plain";
	case LB_ZR_GZIP: return "gzip";
	case LB_ZR_ZSTD: return "zstd";
	case LB_ZR_XZ: return "xz";
	default: return "unknown";
	}
}

int lb_zr_open_fd(int fd, lb_zr_t **out)
{
	*out = NULL;
	lb_zr_t *z = calloc(1, sizeof *z);
	if (!z)
		return LB_ENOMEM;
	z->buf = malloc(LB_ZR_CHUNK);
	if (!z->buf) {
		free(z);
		return LB_ENOMEM;
	}
	z->fd = fd;
	z->raw = z->buf;
	*out = z;
	return 0;
}

int lb_zr_open_mem(const void *buf, size_t len, lb_zr_t **out)
{
	*out = NULL;
	lb_zr_t *z = calloc(1, sizeof *z);
	if (!z)
		return LB_ENOMEM;
	z->fd = -1;
	z->raw = buf;
	z->raw_len = len;
	z->raw_eof = true;
	*out = z;
	return 0;
}

void lb_zr_close(lb_zr_t *z)
{
	if (!z)
		return;
	if (z->z_init)
		inflateEnd(&z->z);
	if (z->zs)
		ZSTD_freeDStream(z->zs);
	if (z->xz_init)
		lzma_end(&z->xz);
	free(z->buf);
	free(z);
}

void lb_zr_set_idle(lb_zr_t *z, void (*idle)(void *), void *ctx)
{
	z->idle = idle;
	z->idle_ctx = ctx;
}

void lb_zr_set_stop(lb_zr_t *z, volatile sig_atomic_t *stop)
{
	z->stop = stop;
}

lb_zr_codec_t lb_zr_codec(const lb_zr_t *z) { return z->codec; }
uint64_t lb_zr_out_bytes(const lb_zr_t *z) { return z->out_bytes; }

uint64_t lb_zr_in_bytes(const lb_zr_t *z)
{
	return z->fd < 0 ? z->raw_pos : z->in_bytes;
}

/* read(2) on the input; with an idle callback, waits LB_FDWAIT_MS at a time
 * (lb_fd_wait) and calls it after each read too.  Returns bytes, 0 at the
 * end, or an error (LB_EIO, LB_EINTR). */
static ssize_t in_read(lb_zr_t *z, void *buf, size_t n)
{
	for (;;) {
		if (z->stop && *z->stop)
			return LB_EINTR;
		if (z->idle) {
			int w = lb_fd_wait(z->fd, z->idle, z->idle_ctx, z->stop);
			if (w == 0)
				return LB_EINTR;
			if (w < 0)
				return LB_EIO;
		}
		ssize_t got = read(z->fd, buf, n);
		if (got < 0 && errno == EINTR) {
			if (z->idle)
				z->idle(z->idle_ctx);
			continue;
		}
		if (got < 0)
			return LB_EIO;
		if (z->idle)
			z->idle(z->idle_ctx);
		z->in_bytes += (uint64_t)got;
		return got;
	}
}

/* Read more raw bytes behind raw_len (after moving the unread ones to the
 * front).  0 (raw_eof set at the end of input), or an error. */
static int raw_fill(lb_zr_t *z)
{
	if (z->raw_eof)
		return 0;
	if (z->raw_pos > 0) {
		memmove(z->buf, z->buf + z->raw_pos, z->raw_len - z->raw_pos);
		z->raw_len -= z->raw_pos;
		z->raw_pos = 0;
	}
	size_t room = LB_ZR_CHUNK - z->raw_len;
	if (room == 0)
		return 0;
	ssize_t n = in_read(z, z->buf + z->raw_len, room);
	if (n < 0)
		return (int)n;
	if (n == 0)
		z->raw_eof = true;
	z->raw_len += (size_t)n;
	return 0;
}

int lb_zr_detect(lb_zr_t *z)
{
	if (z->err)
		return z->err;
	if (z->codec != LB_ZR_UNKNOWN)
		return 0;
	int err = 0;
	while (z->raw_len - z->raw_pos < LB_ZR_MAGIC_LEN && !z->raw_eof)
		if ((err = raw_fill(z)) != 0)
			goto fail;
	lb_zr_codec_t c = lb_zr_sniff(z->raw + z->raw_pos, z->raw_len - z->raw_pos);
	err = LB_ENOMEM; /* each library fails to start only for want of memory */
	if (c == LB_ZR_GZIP) {
		if (inflateInit2(&z->z, 15 + 16) != Z_OK) /* 32 KiB window, gzip wrapper */
			goto fail;
		z->z_init = true;
	} else if (c == LB_ZR_ZSTD) {
		z->zs = ZSTD_createDStream();
		if (!z->zs || ZSTD_isError(ZSTD_initDStream(z->zs)))
			goto fail;
	} else if (c == LB_ZR_XZ) {
		lzma_stream init = LZMA_STREAM_INIT;
		z->xz = init;
		if (lzma_stream_decoder(&z->xz, LB_ZR_XZ_MEMLIMIT, LZMA_CONCATENATED) != LZMA_OK)
			goto fail;
		z->xz_init = true;
	}
	z->codec = c;
	return 0;
fail:
	z->err = err;
	return err;
}

/* One step of the decoder over the raw bytes buffered: sets *produced and
 * *consumed.  0, or LB_ECORRUPT (what was produced still counts). */
static int step(lb_zr_t *z, uint8_t *dst, size_t room, size_t *produced, size_t *consumed)
{
	const uint8_t *in = z->raw + z->raw_pos;
	size_t avail = z->raw_len - z->raw_pos;
	*produced = *consumed = 0;
	switch (z->codec) {
	case LB_ZR_PLAIN:
		*produced = *consumed = avail < room ? avail : room;
		memcpy(dst, in, *produced);
		return 0;
	case LB_ZR_GZIP: {
		if (!z->z_mid) {
			/* a further member must start with the gzip magic */
			if (avail == 0 || (avail < 2 && !z->raw_eof))
				return 0; /* more input first */
			if (avail < 2 || in[0] != 0x1f || in[1] != 0x8b)
				return LB_ECORRUPT;
			z->z_mid = true;
		}
		/* called with no input too: a full output may have left some
		 * decoded bytes behind */
		z->z.next_in = (Bytef *)(uintptr_t)in;
		z->z.avail_in = (uInt)avail;
		z->z.next_out = dst;
		z->z.avail_out = (uInt)room;
		int rc = inflate(&z->z, Z_NO_FLUSH);
		*consumed = avail - z->z.avail_in;
		*produced = room - z->z.avail_out;
		if (rc == Z_STREAM_END) {
			z->z_mid = false;
			if (inflateReset(&z->z) != Z_OK)
				return LB_ECORRUPT;
		} else if (rc != Z_OK && rc != Z_BUF_ERROR) {
			return LB_ECORRUPT;
		}
		return 0;
	}
	case LB_ZR_ZSTD: {
		if (avail == 0 && !z->zs_mid)
			return 0;
		ZSTD_inBuffer ib = { in, avail, 0 };
		ZSTD_outBuffer ob = { dst, room, 0 };
		size_t rc = ZSTD_decompressStream(z->zs, &ob, &ib);
		*consumed = ib.pos;
		*produced = ob.pos;
		if (ZSTD_isError(rc))
			return LB_ECORRUPT;
		z->zs_mid = rc != 0;
		return 0;
	}
	case LB_ZR_XZ: {
		z->xz.next_in = in;
		z->xz.avail_in = avail;
		z->xz.next_out = dst;
		z->xz.avail_out = room;
		lzma_ret rc = lzma_code(&z->xz, z->raw_eof ? LZMA_FINISH : LZMA_RUN);
		*consumed = avail - z->xz.avail_in;
		*produced = room - z->xz.avail_out;
		if (rc == LZMA_STREAM_END)
			z->end = true; /* with LZMA_FINISH: every stream and its padding read */
		else if (rc != LZMA_OK && rc != LZMA_BUF_ERROR)
			return LB_ECORRUPT;
		return 0;
	}
	default:
		return LB_EINVAL;
	}
}

/* Whether the decoder is inside a member, frame or stream. */
static bool mid_stream(const lb_zr_t *z)
{
	return (z->codec == LB_ZR_GZIP && z->z_mid) || (z->codec == LB_ZR_ZSTD && z->zs_mid) ||
	       (z->codec == LB_ZR_XZ && !z->end);
}

/* Decode up to room bytes into dst: bytes produced, 0 at the end, or an error. */
static ssize_t decode(lb_zr_t *z, uint8_t *dst, size_t room)
{
	int err;
	if (z->codec == LB_ZR_PLAIN && z->fd >= 0 && z->raw_pos == z->raw_len) {
		/* plain input: read straight into the caller's buffer */
		if (z->raw_eof)
			return 0;
		ssize_t n = in_read(z, dst, room);
		if (n == 0)
			z->raw_eof = true;
		return n;
	}
	for (;;) {
		if (z->raw_pos == z->raw_len && (err = raw_fill(z)) != 0)
			return err;
		size_t avail = z->raw_len - z->raw_pos, produced, consumed;
		err = step(z, dst, room, &produced, &consumed);
		z->raw_pos += consumed;
		if (err) {
			if (produced == 0)
				return err;
			z->err = err; /* what decoded before the damage is handed out first */
			return (ssize_t)produced;
		}
		if (produced > 0)
			return (ssize_t)produced;
		if (z->end)
			return 0;
		if (z->raw_eof && z->raw_pos == z->raw_len)
			return mid_stream(z) ? LB_ECORRUPT : 0; /* cut inside a member */
		if (consumed == 0 && avail == z->raw_len - z->raw_pos) {
			/* the decoder wants more input than is buffered */
			if (z->raw_eof)
				return LB_ECORRUPT;
			if ((err = raw_fill(z)) != 0)
				return err;
		}
	}
}

ssize_t lb_zr_read(lb_zr_t *z, void *dst, size_t n)
{
	if (z->err)
		return z->err;
	if (z->codec == LB_ZR_UNKNOWN) {
		int err = lb_zr_detect(z);
		if (err)
			return err;
	}
	if (n == 0)
		return 0;
	ssize_t got = decode(z, dst, n);
	if (got < 0) {
		z->err = (int)got;
		return got;
	}
	z->out_bytes += (uint64_t)got;
	return got;
}
