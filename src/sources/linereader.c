/*
 * linereader.c - streaming line reader over plain / gzip / zstd / xz input.
 *
 * Two buffers: raw (bytes as read from the file) and dec (decoded text).
 * Lines are cut out of dec; when no newline is left, the unread tail is
 * moved to the front and more text is decoded behind it.  A plain file is
 * read straight into dec once the bytes read for detection are used up.
 */
#include "sources/linereader.h"

#include <errno.h>
#include <fcntl.h>
#include <lzma.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "util/fdwait.h"

enum codec { C_UNKNOWN = 0, C_PLAIN, C_GZIP, C_ZSTD, C_XZ };

struct lb_lr {
	int fd;             /* -1 for memory input */
	void (*idle)(void *); /* lb_lr_set_idle */
	void *idle_ctx;
	volatile sig_atomic_t *stop; /* lb_lr_set_idle: set, a wait ends (LB_EINTR) */
	bool own_fd;
	const uint8_t *mem; /* memory input */
	size_t mem_len, mem_off;
	enum codec codec;
	int err;            /* sticky fatal error */
	bool raw_eof;       /* no more raw bytes */
	bool dec_eof;       /* decoder finished all input */
	bool skipping;      /* inside an over-long line */
	uint8_t *raw;
	size_t raw_pos, raw_len;
	char *dec;
	size_t dec_cap, dec_start, dec_end, scan;
	size_t max_line;
	uint64_t lineno, in_bytes, in_size;
	int64_t mtime;
	z_stream z;
	bool z_init, z_mid;  /* inflate initialised; inside a gzip member */
	ZSTD_DStream *zs;
	bool zs_mid;         /* inside a zstd frame */
	lzma_stream xz;
	bool xz_init;
};

static int lr_alloc(size_t max_line, lb_lr_t **out)
{
	*out = NULL;
	if (max_line == 0)
		max_line = LB_LR_DEFAULT_MAX_LINE;
	lb_lr_t *r = calloc(1, sizeof *r);
	if (!r)
		return LB_ENOMEM;
	r->fd = -1;
	r->max_line = max_line;
	r->dec_cap = max_line + LB_LR_CHUNK;
	r->raw = malloc(LB_LR_CHUNK);
	r->dec = malloc(r->dec_cap);
	if (!r->raw || !r->dec) {
		lb_lr_close(r);
		return LB_ENOMEM;
	}
	*out = r;
	return 0;
}

int lb_lr_open_regular(const char *path, size_t max_line, lb_lr_t **out, struct stat *sb)
{
	*out = NULL;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return -errno;
	if (fstat(fd, sb) != 0 || !S_ISREG(sb->st_mode)) {
		close(fd);
		return LB_EINVAL;
	}
	/* regular files ignore O_NONBLOCK; cleared all the same */
	int fl = fcntl(fd, F_GETFL);
	if (fl >= 0)
		(void)fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
	lb_lr_t *r;
	int err = lr_alloc(max_line, &r);
	if (err) {
		close(fd);
		return err;
	}
	r->fd = fd;
	r->own_fd = true;
	r->in_size = (uint64_t)sb->st_size;
	r->mtime = (int64_t)sb->st_mtime;
	*out = r;
	return 0;
}

int lb_lr_open(const char *path, size_t max_line, lb_lr_t **out)
{
	lb_lr_t *r;
	int err = lr_alloc(max_line, &r);
	if (err)
		return err;
	if (!strcmp(path, "-")) {
		r->fd = STDIN_FILENO;
	} else {
		r->fd = open(path, O_RDONLY | O_CLOEXEC);
		if (r->fd < 0) {
			err = -errno;
			lb_lr_close(r);
			*out = NULL;
			return err;
		}
		r->own_fd = true;
	}
	struct stat sb;
	if (fstat(r->fd, &sb) == 0) {
		if (S_ISDIR(sb.st_mode)) {
			lb_lr_close(r);
			*out = NULL;
			return -EISDIR;
		}
		if (S_ISREG(sb.st_mode)) {
			r->in_size = (uint64_t)sb.st_size;
			r->mtime = (int64_t)sb.st_mtime;
		}
	}
	*out = r;
	return 0;
}

int lb_lr_open_mem(const void *buf, size_t len, size_t max_line, lb_lr_t **out)
{
	lb_lr_t *r;
	int err = lr_alloc(max_line, &r);
	if (err)
		return err;
	r->mem = buf;
	r->mem_len = len;
	r->in_size = len;
	*out = r;
	return 0;
}

void lb_lr_close(lb_lr_t *r)
{
	if (!r)
		return;
	if (r->own_fd && r->fd >= 0)
		close(r->fd);
	if (r->z_init)
		inflateEnd(&r->z);
	if (r->zs)
		ZSTD_freeDStream(r->zs);
	if (r->xz_init)
		lzma_end(&r->xz);
	free(r->raw);
	free(r->dec);
	free(r);
}

uint64_t lb_lr_lineno(const lb_lr_t *r) { return r->lineno; }
uint64_t lb_lr_in_bytes(const lb_lr_t *r) { return r->in_bytes; }
uint64_t lb_lr_in_size(const lb_lr_t *r) { return r->in_size; }
int64_t lb_lr_mtime(const lb_lr_t *r) { return r->mtime; }

const char *lb_lr_codec(const lb_lr_t *r)
{
	switch (r->codec) {
	case C_GZIP: return "gzip";
	case C_ZSTD: return "zstd";
	case C_XZ: return "xz";
	default: return "plain";
	}
}

void lb_lr_set_idle(lb_lr_t *r, void (*idle)(void *), void *ctx)
{
	r->idle = idle;
	r->idle_ctx = ctx;
}

void lb_lr_set_stop(lb_lr_t *r, volatile sig_atomic_t *stop)
{
	r->stop = stop;
}

/* read(2) on the input; with an idle callback, waits LB_FDWAIT_MS at a time
 * (lb_fd_wait) and calls it after each read too. */
static ssize_t in_read(lb_lr_t *r, void *buf, size_t n)
{
	for (;;) {
		if (r->stop && *r->stop) {
			errno = EINTR;
			return -1;
		}
		if (r->idle) {
			int w = lb_fd_wait(r->fd, r->idle, r->idle_ctx, r->stop);
			if (w <= 0) {
				if (w == 0)
					errno = EINTR;
				return -1;
			}
		}
		ssize_t got = read(r->fd, buf, n);
		if (got < 0 && errno == EINTR) {
			if (r->idle)
				r->idle(r->idle_ctx);
			continue;
		}
		if (got >= 0 && r->idle)
			r->idle(r->idle_ctx);
		return got;
	}
}

/* Read more raw bytes behind raw_len (after compacting).  0 ok (maybe EOF), <0 error. */
static int raw_fill(lb_lr_t *r)
{
	if (r->raw_pos > 0) {
		memmove(r->raw, r->raw + r->raw_pos, r->raw_len - r->raw_pos);
		r->raw_len -= r->raw_pos;
		r->raw_pos = 0;
	}
	size_t room = LB_LR_CHUNK - r->raw_len;
	if (room == 0 || r->raw_eof)
		return 0;
	if (r->mem) {
		size_t n = r->mem_len - r->mem_off;
		if (n > room)
			n = room;
		memcpy(r->raw + r->raw_len, r->mem + r->mem_off, n);
		r->mem_off += n;
		r->raw_len += n;
		r->in_bytes += n;
		if (r->mem_off == r->mem_len)
			r->raw_eof = true;
		return 0;
	}
	ssize_t n = in_read(r, r->raw + r->raw_len, room);
	if (n < 0)
		return errno == EINTR ? LB_EINTR : LB_EIO;
	if (n == 0)
		r->raw_eof = true;
	r->raw_len += (size_t)n;
	r->in_bytes += (uint64_t)n;
	return 0;
}

static int detect(lb_lr_t *r)
{
	while (r->raw_len < 6 && !r->raw_eof) {
		int err = raw_fill(r);
		if (err)
			return err;
	}
	const uint8_t *p = r->raw;
	size_t n = r->raw_len;
	if (n >= 2 && p[0] == 0x1f && p[1] == 0x8b) {
		if (inflateInit2(&r->z, 15 + 16) != Z_OK)
			return LB_EIO;
		r->z_init = true;
		r->codec = C_GZIP;
	} else if (n >= 4 && p[0] == 0x28 && p[1] == 0xb5 && p[2] == 0x2f && p[3] == 0xfd) {
		r->zs = ZSTD_createDStream();
		if (!r->zs || ZSTD_isError(ZSTD_initDStream(r->zs)))
			return LB_EIO;
		r->codec = C_ZSTD;
	} else if (n >= 6 && !memcmp(p, "\xfd\x37\x7a\x58\x5a\x00", 6)) {
		lzma_stream init = LZMA_STREAM_INIT;
		r->xz = init;
		if (lzma_stream_decoder(&r->xz, LB_LR_XZ_MEMLIMIT, LZMA_CONCATENATED) != LZMA_OK)
			return LB_EIO;
		r->xz_init = true;
		r->codec = C_XZ;
	} else {
		r->codec = C_PLAIN;
	}
	return 0;
}

/* Decode up to room bytes into dst.  Returns bytes produced (0 = end), or <0. */
static long decode(lb_lr_t *r, char *dst, size_t room)
{
	int err;
	if (r->codec == C_PLAIN && !r->mem && r->raw_pos == r->raw_len) {
		/* plain file: read straight into the line buffer, no copy through raw */
		if (r->raw_eof)
			return 0;
		ssize_t n = in_read(r, dst, room);
		if (n < 0)
			return errno == EINTR ? LB_EINTR : LB_EIO;
		if (n == 0)
			r->raw_eof = true;
		r->in_bytes += (uint64_t)n;
		return (long)n;
	}
	for (;;) {
		if (r->raw_pos == r->raw_len && !r->raw_eof) {
			if ((err = raw_fill(r)))
				return err;
		}
		size_t avail = r->raw_len - r->raw_pos;
		const uint8_t *in = r->raw + r->raw_pos;
		size_t produced = 0, consumed = 0;
		switch (r->codec) {
		case C_PLAIN:
			produced = consumed = avail < room ? avail : room;
			memcpy(dst, in, produced);
			break;
		case C_GZIP: {
			if (avail == 0)
				break;
			if (!r->z_mid) {
				/* a further member must start with the gzip magic */
				if (avail < 2 && !r->raw_eof)
					break;
				if (avail < 2 || in[0] != 0x1f || in[1] != 0x8b)
					return LB_ECORRUPT;
				r->z_mid = true;
			}
			r->z.next_in = (Bytef *)(uintptr_t)in;
			r->z.avail_in = (uInt)avail;
			r->z.next_out = (Bytef *)dst;
			r->z.avail_out = (uInt)room;
			int rc = inflate(&r->z, Z_NO_FLUSH);
			consumed = avail - r->z.avail_in;
			produced = room - r->z.avail_out;
			if (rc == Z_STREAM_END) {
				r->z_mid = false;
				if (inflateReset(&r->z) != Z_OK)
					return LB_EIO;
			} else if (rc != Z_OK && rc != Z_BUF_ERROR) {
				return LB_ECORRUPT;
			}
			break;
		}
		case C_ZSTD: {
			if (avail == 0)
				break;
			ZSTD_inBuffer ib = { in, avail, 0 };
			ZSTD_outBuffer ob = { dst, room, 0 };
			size_t rc = ZSTD_decompressStream(r->zs, &ob, &ib);
			if (ZSTD_isError(rc))
				return LB_ECORRUPT;
			r->zs_mid = rc != 0;
			consumed = ib.pos;
			produced = ob.pos;
			break;
		}
		case C_XZ: {
			r->xz.next_in = in;
			r->xz.avail_in = avail;
			r->xz.next_out = (uint8_t *)dst;
			r->xz.avail_out = room;
			lzma_ret rc = lzma_code(&r->xz, r->raw_eof ? LZMA_FINISH : LZMA_RUN);
			consumed = avail - r->xz.avail_in;
			produced = room - r->xz.avail_out;
			r->raw_pos += consumed;
			if (rc == LZMA_STREAM_END) {
				r->dec_eof = true;
				return (long)produced;
			}
			if (rc != LZMA_OK && rc != LZMA_BUF_ERROR)
				return LB_ECORRUPT;
			consumed = 0; /* already advanced */
			if (produced == 0 && r->raw_eof && r->raw_pos == r->raw_len)
				return LB_ECORRUPT; /* ended inside the stream */
			if (produced == 0 && avail == r->xz.avail_in && r->raw_eof)
				return LB_ECORRUPT; /* no progress possible */
			break;
		}
		default:
			return LB_EINVAL;
		}
		r->raw_pos += consumed;
		if (produced > 0)
			return (long)produced;
		if (r->raw_eof && r->raw_pos == r->raw_len) {
			if ((r->codec == C_GZIP && r->z_mid) || (r->codec == C_ZSTD && r->zs_mid))
				return LB_ECORRUPT; /* input ends inside a compressed stream */
			return 0;
		}
		if (consumed == 0 && r->codec != C_XZ) {
			/* decoder wants more input than is buffered */
			if (r->raw_eof)
				return LB_ECORRUPT;
			if ((err = raw_fill(r)))
				return err;
		}
	}
}

/* Decode more text behind dec_end.  Returns 1 if bytes were added, 0 at end, <0 error. */
static int dec_fill(lb_lr_t *r)
{
	if (r->dec_eof)
		return 0;
	if (r->dec_start > 0) {
		memmove(r->dec, r->dec + r->dec_start, r->dec_end - r->dec_start);
		r->scan -= r->dec_start;
		r->dec_end -= r->dec_start;
		r->dec_start = 0;
	}
	size_t room = r->dec_cap - r->dec_end;
	if (room > LB_LR_CHUNK)
		room = LB_LR_CHUNK;
	if (room == 0)
		return 1; /* caller handles a full buffer */
	long n = decode(r, r->dec + r->dec_end, room);
	if (n < 0)
		return (int)n;
	if (n == 0) {
		r->dec_eof = true;
		return 0;
	}
	r->dec_end += (size_t)n;
	return 1;
}

/* A UTF-8 byte order mark (EF BB BF) before the first line, as Windows
 * editors and PowerShell write one, is no part of the text: a zone file or a
 * JSON log starting with it would otherwise lose its first line.  The first
 * line spans [s, e); returns its new start. */
static size_t skip_bom(const lb_lr_t *r, size_t s, size_t e)
{
	if (r->lineno == 1 && e - s >= 3 && !memcmp(r->dec + s, "\xef\xbb\xbf", 3))
		return s + 3;
	return s;
}

int lb_lr_next(lb_lr_t *r, const char **line, size_t *len)
{
	int err;
	if (r->err)
		return r->err;
	if (r->codec == C_UNKNOWN && (err = detect(r))) {
		r->err = err;
		return err;
	}
	for (;;) {
		char *nl = memchr(r->dec + r->scan, '\n', r->dec_end - r->scan);
		if (nl) {
			size_t s = r->dec_start, e = (size_t)(nl - r->dec);
			r->dec_start = r->scan = e + 1;
			r->lineno++;
			if (r->skipping) {
				r->skipping = false;
				return LB_ELIMIT;
			}
			if (e - s > r->max_line)
				return LB_ELIMIT;
			if (e > s && r->dec[e - 1] == '\r')
				e--;
			s = skip_bom(r, s, e);
			*line = r->dec + s;
			*len = e - s;
			return 1;
		}
		r->scan = r->dec_end;
		if (r->dec_end - r->dec_start > r->max_line) {
			/* over-long line: drop what we have, remember to skip to its end */
			r->skipping = true;
			r->dec_start = r->scan = r->dec_end;
		}
		err = dec_fill(r);
		if (err < 0) {
			r->err = err;
			return err;
		}
		if (err == 0) {
			if (r->dec_start == r->dec_end && !r->skipping)
				return 0;
			/* last line without a newline */
			size_t s = r->dec_start, e = r->dec_end;
			r->dec_start = r->scan = r->dec_end;
			r->lineno++;
			if (r->skipping) {
				r->skipping = false;
				return LB_ELIMIT;
			}
			if (e > s && r->dec[e - 1] == '\r')
				e--;
			s = skip_bom(r, s, e);
			*line = r->dec + s;
			*len = e - s;
			return 1;
		}
	}
}
