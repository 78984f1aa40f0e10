/*
 * cursor.h - the one bounds-checked reader every byte from outside goes through.
 *
 * A cursor walks [pos, end).  Any read past the end sets a sticky error
 * (LB_ETRUNC) and returns zeros from then on, so a parser can read a whole
 * header and check lb_cur_err() once.  Nothing here allocates.
 */
#ifndef LB_UTIL_CURSOR_H
#define LB_UTIL_CURSOR_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "util/err.h"

typedef struct lb_cur {
	const uint8_t *start; /* first byte of the whole buffer (for offsets) */
	const uint8_t *pos;
	const uint8_t *end;
	int err;              /* sticky: 0 or the first error */
} lb_cur_t;

static inline void lb_cur_init(lb_cur_t *c, const uint8_t *p, size_t len)
{
	c->start = p;
	c->pos = p;
	c->end = p + len;
	c->err = 0;
}

static inline size_t lb_cur_left(const lb_cur_t *c) { return c->err ? 0 : (size_t)(c->end - c->pos); }
static inline size_t lb_cur_off(const lb_cur_t *c) { return (size_t)(c->pos - c->start); }
static inline int lb_cur_err(const lb_cur_t *c) { return c->err; }
static inline void lb_cur_fail(lb_cur_t *c, int err) { if (!c->err) c->err = err; }

/* True if n more bytes are available; sets LB_ETRUNC otherwise. */
static inline int lb_cur_need(lb_cur_t *c, size_t n)
{
	if (LB_UNLIKELY(c->err || (size_t)(c->end - c->pos) < n)) {
		lb_cur_fail(c, LB_ETRUNC);
		return 0;
	}
	return 1;
}

static inline uint8_t lb_cur_u8(lb_cur_t *c)
{
	if (!lb_cur_need(c, 1)) return 0;
	return *c->pos++;
}

static inline uint16_t lb_cur_u16(lb_cur_t *c)
{
	if (!lb_cur_need(c, 2)) return 0;
	uint16_t v = (uint16_t)((c->pos[0] << 8) | c->pos[1]);
	c->pos += 2;
	return v;
}

static inline uint32_t lb_cur_u32(lb_cur_t *c)
{
	if (!lb_cur_need(c, 4)) return 0;
	uint32_t v = ((uint32_t)c->pos[0] << 24) | ((uint32_t)c->pos[1] << 16) |
		     ((uint32_t)c->pos[2] << 8) | c->pos[3];
	c->pos += 4;
	return v;
}

static inline uint16_t lb_cur_u16le(lb_cur_t *c)
{
	if (!lb_cur_need(c, 2)) return 0;
	uint16_t v = (uint16_t)(c->pos[0] | (c->pos[1] << 8));
	c->pos += 2;
	return v;
}

static inline uint32_t lb_cur_u32le(lb_cur_t *c)
{
	if (!lb_cur_need(c, 4)) return 0;
	uint32_t v = (uint32_t)c->pos[0] | ((uint32_t)c->pos[1] << 8) |
		     ((uint32_t)c->pos[2] << 16) | ((uint32_t)c->pos[3] << 24);
	c->pos += 4;
	return v;
}

/* Borrow n bytes (pointer into the buffer) or NULL on truncation. */
static inline const uint8_t *lb_cur_bytes(lb_cur_t *c, size_t n)
{
	if (!lb_cur_need(c, n)) return NULL;
	const uint8_t *p = c->pos;
	c->pos += n;
	return p;
}

static inline void lb_cur_skip(lb_cur_t *c, size_t n) { (void)lb_cur_bytes(c, n); }

static inline void lb_cur_copy(lb_cur_t *c, void *dst, size_t n)
{
	const uint8_t *p = lb_cur_bytes(c, n);
	if (p) memcpy(dst, p, n);
	else memset(dst, 0, n);
}

/* Peek without consuming; 0 if not available (does not set the error). */
static inline uint8_t lb_cur_peek8(const lb_cur_t *c, size_t off)
{
	if (c->err || (size_t)(c->end - c->pos) <= off) return 0;
	return c->pos[off];
}

static inline uint16_t lb_cur_peek16(const lb_cur_t *c, size_t off)
{
	if (c->err || (size_t)(c->end - c->pos) < off + 2) return 0;
	return (uint16_t)((c->pos[off] << 8) | c->pos[off + 1]);
}

#endif
