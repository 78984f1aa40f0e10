/*
 * linereader.c - streaming line reader over plain / gzip / zstd / xz input.
 *
 * The input is read through zread (util/zread.h: the codec told by the
 * first bytes) into one buffer, dec (decoded text).  Lines are cut out of
 * dec; when no newline is left, the unread tail is moved to the front and
 * more text is decoded behind it.  A plain file is read straight into dec
 * once the bytes read for detection are used up.
 */
#include "sources/linereader.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/zread.h"

_Static_assert(LB_LR_XZ_MEMLIMIT == LB_ZR_XZ_MEMLIMIT && LB_LR_CHUNK == LB_ZR_CHUNK,
	       "linereader.h documents zread.h's bounds");

struct lb_lr {
	int fd;             /* -1 for memory input */
	bool own_fd;
	lb_zr_t *zr;        /* the input, decompressed */
	int err;            /* sticky fatal error */
	bool dec_eof;       /* decoder finished all input */
	bool skipping;      /* inside an over-long line */
	char *dec;
	size_t dec_cap, dec_start, dec_end, scan;
	size_t max_line;
	uint64_t lineno, in_size;
	int64_t mtime;
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
	r->dec = malloc(r->dec_cap);
	if (!r->dec) {
		lb_lr_close(r);
		return LB_ENOMEM;
	}
	*out = r;
	return 0;
}

/* The reader over r->fd (set). */
static int lr_start_fd(lb_lr_t *r, lb_lr_t **out)
{
	int err = lb_zr_open_fd(r->fd, &r->zr);
	if (err) {
		lb_lr_close(r);
		*out = NULL;
		return err;
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
	return lr_start_fd(r, out);
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
	return lr_start_fd(r, out);
}

int lb_lr_open_mem(const void *buf, size_t len, size_t max_line, lb_lr_t **out)
{
	lb_lr_t *r;
	int err = lr_alloc(max_line, &r);
	if (err)
		return err;
	r->in_size = len;
	if ((err = lb_zr_open_mem(buf, len, &r->zr)) != 0) {
		lb_lr_close(r);
		*out = NULL;
		return err;
	}
	*out = r;
	return 0;
}

void lb_lr_close(lb_lr_t *r)
{
	if (!r)
		return;
	lb_zr_close(r->zr);
	if (r->own_fd && r->fd >= 0)
		close(r->fd);
	free(r->dec);
	free(r);
}

uint64_t lb_lr_lineno(const lb_lr_t *r) { return r->lineno; }
uint64_t lb_lr_in_bytes(const lb_lr_t *r) { return lb_zr_in_bytes(r->zr); }
uint64_t lb_lr_in_size(const lb_lr_t *r) { return r->in_size; }
int64_t lb_lr_mtime(const lb_lr_t *r) { return r->mtime; }

const char *lb_lr_codec(const lb_lr_t *r)
{
	lb_zr_codec_t c = lb_zr_codec(r->zr);
	return c == LB_ZR_UNKNOWN ? "plain" : lb_zr_codec_name(c);
}

void lb_lr_set_idle(lb_lr_t *r, void (*idle)(void *), void *ctx)
{
	lb_zr_set_idle(r->zr, idle, ctx);
}

void lb_lr_set_stop(lb_lr_t *r, volatile sig_atomic_t *stop)
{
	lb_zr_set_stop(r->zr, stop);
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
	ssize_t n = lb_zr_read(r->zr, r->dec + r->dec_end, room);
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
