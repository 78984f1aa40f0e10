/*
 * name_read.h - private to src/dns: the name reader (lb_name_read, name.h) as
 * an inline function, so the message parser's hot loop calls it without a
 * function call.  name.c defines lb_name_read with it; nothing outside
 * src/dns includes this.
 */
#ifndef LB_DNS_NAME_READ_H
#define LB_DNS_NAME_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "dns/dns_impl.h"
#include "dns/name.h"
#include "util/cursor.h"

/* ASCII lower-casing of 8 bytes at once; bytes >= 0x80 are left alone. */
static inline uint64_t lb_dns_lower8(uint64_t x)
{
	const uint64_t ones = 0x0101010101010101ULL, high = 0x8080808080808080ULL;
	uint64_t lo7 = x & ~high;
	uint64_t ge_a = lo7 + ones * (0x80 - 'A'); /* high bit set where >= 'A' */
	uint64_t gt_z = lo7 + ones * (0x80 - 'Z' - 1); /* high bit set where > 'Z' */
	uint64_t upper = ge_a & ~gt_z & ~x & high;
	return x | (upper >> 2);
}

/* The offset of the first byte after the DNS header: no pointer may target it. */
#define LB_DNS_HDR_LEN 12

static inline uint32_t lb_dns_lower4(uint32_t x)
{
	const uint32_t ones = 0x01010101u, high = 0x80808080u;
	uint32_t lo7 = x & ~high;
	uint32_t upper = (lo7 + ones * (0x80 - 'A')) & ~(lo7 + ones * (0x80 - 'Z' - 1)) & ~x & high;
	return x | (upper >> 2);
}

/* Sixteen bytes at once (a GCC/clang vector; SSE2 on x86-64): letters get
 * 0x20 added, every other byte is kept. */
typedef uint8_t lb_v16 __attribute__((vector_size(16)));

static inline void lb_dns_lower16(uint8_t *dst, const uint8_t *src)
{
	lb_v16 x;
	memcpy(&x, src, 16);
	lb_v16 up = (lb_v16)((lb_v16)(x - (uint8_t)'A') < (uint8_t)26); /* all ones for A-Z */
	x |= up & (uint8_t)0x20;
	memcpy(dst, &x, 16);
}

/* Copy len bytes of wire labels, lower-casing letters.  Length octets (0..63)
 * are never letters, so a run of whole labels is lower-cased as one block,
 * sixteen bytes at a time; a shorter tail is done as one more block ending at
 * the run's end (bytes already done are written again with the same values).
 * Reads and writes stay inside [src, src+len). */
static inline void lb_dns_copy_run(uint8_t *dst, const uint8_t *src, size_t len, bool lower)
{
	if (!lower) {
		memcpy(dst, src, len);
		return;
	}
	if (len >= 16) {
		for (size_t i = 0; len - i > 16; i += 16)
			lb_dns_lower16(dst + i, src + i);
		lb_dns_lower16(dst + len - 16, src + len - 16);
	} else if (len >= 8) {
		uint64_t a, b;
		memcpy(&a, src, 8);
		memcpy(&b, src + len - 8, 8);
		a = lb_dns_lower8(a);
		b = lb_dns_lower8(b);
		memcpy(dst, &a, 8);
		memcpy(dst + len - 8, &b, 8);
	} else if (len >= 4) {
		uint32_t a, b;
		memcpy(&a, src, 4);
		memcpy(&b, src + len - 4, 4);
		a = lb_dns_lower4(a);
		b = lb_dns_lower4(b);
		memcpy(dst, &a, 4);
		memcpy(dst + len - 4, &b, 4);
	} else {
		for (size_t i = 0; i < len; i++)
			dst[i] = lb_dns_lower[src[i]];
	}
}

static inline __attribute__((always_inline)) int lb_dns_name_read(lb_cur_t *c, const uint8_t *msg, size_t msglen, uint8_t *out,
				   size_t *outlen, bool lower)
{
	if (c->err)
		return c->err;
	const uint8_t *p = c->pos;
	const uint8_t *end = c->end;     /* in place: the cursor's bound */
	const uint8_t *seq = p;          /* start of the label sequence being followed */
	const uint8_t *resume = NULL;    /* where the cursor continues after a pointer */
	size_t n = 0;
	int err;

	for (;;) {
		/* a run of ordinary labels at p: check them, then copy them at once */
		const uint8_t *run = p;
		/* labels of this run must end by lim: inside the buffer, and leaving
		 * room for the root label within LB_NAME_MAX (n <= LB_NAME_MAX - 1) */
		size_t room = LB_NAME_MAX - 1 - n;
		const uint8_t *lim = (size_t)(end - p) < room ? end : p + room;
		unsigned l;
		for (;;) {
			if (LB_UNLIKELY(p >= end)) {
				err = LB_ETRUNC;
				goto fail;
			}
			l = *p;
			if (l - 1u >= LB_LABEL_MAX) /* 0 (root), or not an ordinary label */
				break;
			if (LB_UNLIKELY((size_t)(lim - p) < 1 + (size_t)l)) {
				/* p <= lim always: which bound was it? */
				err = (size_t)(end - p) < 1 + (size_t)l ? LB_ETRUNC : LB_ENAMELEN;
				goto fail;
			}
			p += 1 + l;
		}
		size_t runlen = (size_t)(p - run);
		lb_dns_copy_run(out + n, run, runlen, lower);
		n += runlen;
		if (l == 0) {
			out[n++] = 0; /* n <= 254 here: checked when each label was taken */
			p++;
			break;
		}
		if (LB_UNLIKELY((l & 0xC0) != 0xC0)) {
			err = LB_ELABEL; /* 0x40 / 0x80: extended or reserved label types */
			goto fail;
		}
		if (LB_UNLIKELY(end - p < 2)) {
			err = LB_ETRUNC;
			goto fail;
		}
		size_t target = ((size_t)(l & 0x3F) << 8) | p[1];
		/* seq <= p, so target < seq also means target < the pointer itself. */
		if (LB_UNLIKELY(target >= (size_t)(seq - msg) || target < LB_DNS_HDR_LEN ||
				target >= msglen)) {
			err = LB_EPTR;
			goto fail;
		}
		if (!resume)
			resume = p + 2;
		p = seq = msg + target;
		end = msg + msglen;
	}
	c->pos = resume ? resume : p;
	*outlen = n;
	return 0;
fail:
	lb_cur_fail(c, err);
	return err;
}

#endif
