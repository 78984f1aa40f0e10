/*
 * rdata_parse_impl.h - private to src/dns: the presentation-text tokenizer,
 * the output buffer and the hex/base64 accumulators shared by the rdata parser's
 * files (rdata_parse.c: the layout walker; rdata_parse_svcb.c: SVCB/HTTPS
 * SvcParams; rdata_parse_misc.c: the whole-rdata forms LOC, A6, APL,
 * AMTRELAY, HIP).  Not a module door: nothing outside src/dns includes it.
 *
 * The helpers are static inline: the zone importer runs every token of a
 * master file through lb_rdp_next, and inlining keeps it as fast as when the
 * parser was one file.
 */
#ifndef LB_DNS_RDATA_PARSE_IMPL_H
#define LB_DNS_RDATA_PARSE_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "dns/dns_impl.h"
#include "util/digits.h"
#include "util/err.h"

/* The text still to read: [p, end). */
typedef struct lb_rdp_tok {
	const char *p, *end;
} lb_rdp_tok_t;

typedef struct lb_rdp_out {
	uint8_t *p;
	size_t cap, len;
	bool over;
} lb_rdp_out_t;

static inline void lb_rdp_emit(lb_rdp_out_t *o, const void *s, size_t n)
{
	if (o->over || o->cap - o->len < n) {
		o->over = true;
		return;
	}
	memcpy(o->p + o->len, s, n);
	o->len += n;
}

static inline void lb_rdp_emit8(lb_rdp_out_t *o, unsigned v)
{
	uint8_t b = (uint8_t)v;
	lb_rdp_emit(o, &b, 1);
}

static inline void lb_rdp_emit16(lb_rdp_out_t *o, unsigned v)
{
	uint8_t b[2] = { (uint8_t)(v >> 8), (uint8_t)v };
	lb_rdp_emit(o, b, 2);
}

static inline void lb_rdp_emit32(lb_rdp_out_t *o, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v };
	lb_rdp_emit(o, b, 4);
}

static inline bool lb_rdp_blank(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
}

/* Next token: 1 found, 0 none left, LB_ETEXT unterminated quote. */
static inline int lb_rdp_next(lb_rdp_tok_t *t, const char **s, size_t *n, bool *quoted)
{
	const char *p = t->p;
	for (;;) {
		while (p < t->end && (lb_rdp_blank(*p) || *p == '(' || *p == ')'))
			p++;
		if (p < t->end && *p == ';') { /* comment to end of line */
			while (p < t->end && *p != '\n')
				p++;
			continue;
		}
		break;
	}
	if (p >= t->end) {
		t->p = p;
		return 0;
	}
	if (*p == '"') {
		const char *q = ++p;
		while (q < t->end && *q != '"') {
			if (*q == '\\' && q + 1 < t->end)
				q++;
			q++;
		}
		if (q >= t->end)
			return LB_ETEXT;
		*s = p;
		*n = (size_t)(q - p);
		*quoted = true;
		t->p = q + 1;
		return 1;
	}
	const char *q = p;
	while (q < t->end && !lb_rdp_blank(*q) && *q != '(' && *q != ')' && *q != '"') {
		if (*q == '\\' && q + 1 < t->end)
			q++;
		q++;
	}
	*s = p;
	*n = (size_t)(q - p);
	*quoted = false;
	t->p = q;
	return 1;
}

static inline int lb_rdp_more(lb_rdp_tok_t *t)
{
	lb_rdp_tok_t c = *t;
	const char *s;
	size_t n;
	bool q;
	return lb_rdp_next(&c, &s, &n, &q) == 1;
}

/* Unescape \X and \DDD into dst (capacity cap). Returns length or LB_ETEXT. */
static inline int lb_rdp_unescape(const char *s, size_t n, uint8_t *dst, size_t cap)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned ch = (uint8_t)s[i];
		if (ch == '\\') {
			int used = lb_dns_unescape1(s + i + 1, n - i - 1, &ch);
			if (used < 0)
				return used;
			i += (size_t)used;
		}
		if (o == cap)
			return LB_ETEXT;
		dst[o++] = (uint8_t)ch;
	}
	return (int)o;
}

static inline int lb_rdp_num(const char *s, size_t n, unsigned long max, unsigned long *v)
{
	unsigned long x = 0;
	if (n == 0 || n > 10)
		return LB_ETEXT;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return LB_ETEXT;
		x = x * 10 + (unsigned long)(s[i] - '0');
	}
	if (x > max)
		return LB_ETEXT;
	*v = x;
	return 0;
}

/* Copy a token into a NUL-terminated buffer. */
static inline int lb_rdp_cstr(const char *s, size_t n, char *b, size_t cap)
{
	/* a NUL inside the token would end the C string early: inet_pton and
	 * lb_rrtype_from_text would read "1.2.3.4\0junk" as 1.2.3.4 */
	if (n >= cap || memchr(s, 0, n))
		return LB_ETEXT;
	memcpy(b, s, n);
	b[n] = 0;
	return 0;
}



/* Hex digits of several tokens, concatenated; an odd total is an error. */
typedef struct lb_rdp_hexacc {
	int half; /* -1 or the pending high nibble */
} lb_rdp_hexacc_t;

static inline int lb_rdp_hex_feed(lb_rdp_hexacc_t *h, lb_rdp_out_t *o, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int v = lb_hex_digit(s[i]);
		if (v < 0)
			return LB_ETEXT;
		if (h->half < 0) {
			h->half = v;
		} else {
			lb_rdp_emit8(o, (unsigned)(h->half << 4 | v));
			h->half = -1;
		}
	}
	return 0;
}

/* Base64 over several tokens: 4-character groups, '=' only at the end. */
typedef struct lb_rdp_b64acc {
	uint32_t acc;
	int n;
	int pad;
} lb_rdp_b64acc_t;

static inline int lb_rdp_b64_feed(lb_rdp_b64acc_t *b, lb_rdp_out_t *o, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '=') {
			if (b->n < 2 || b->n + b->pad >= 4)
				return LB_ETEXT;
			b->pad++;
			if (b->n + b->pad == 4) {
				if (b->pad == 1) {
					lb_rdp_emit8(o, (b->acc >> 10) & 0xFF);
					lb_rdp_emit8(o, (b->acc >> 2) & 0xFF);
				} else {
					lb_rdp_emit8(o, (b->acc >> 4) & 0xFF);
				}
				b->n = 4; /* closed: nothing may follow */
			}
			continue;
		}
		int v = lb_b64_digit(s[i]);
		if (v < 0 || b->pad || b->n == 4)
			return LB_ETEXT;
		b->acc = b->acc << 6 | (uint32_t)v;
		if (++b->n == 4) {
			lb_rdp_emit8(o, (b->acc >> 16) & 0xFF);
			lb_rdp_emit8(o, (b->acc >> 8) & 0xFF);
			lb_rdp_emit8(o, b->acc & 0xFF);
			b->n = 0;
			b->acc = 0;
		}
	}
	return 0;
}

static inline int lb_rdp_b64_end(lb_rdp_b64acc_t *b)
{
	if (b->pad)
		return b->n == 4 ? 0 : LB_ETEXT;
	return b->n == 0 ? 0 : LB_ETEXT;
}
/*
 * Whole-rdata and rest-of-rdata forms, each reading tokens from t and
 * appending wire bytes to o (o->over set when they do not fit).  Return 0,
 * LB_ETEXT (malformed text or trailing tokens) or LB_ENOMEM.  origin
 * completes relative names (wire form, or NULL: names must be absolute).
 */
/* SVCB/HTTPS SvcParams (RFC 9460 2.1, A.1), the rest of the rdata; the
 * parameters are written in ascending key order. */
LB_WUR int lb_rdp_svcparams(lb_rdp_tok_t *t, lb_rdp_out_t *o);
/* LOC (RFC 1876 3) */
LB_WUR int lb_rdp_loc(lb_rdp_tok_t *t, lb_rdp_out_t *o);
/* A6 (RFC 2874 3.1.1) */
LB_WUR int lb_rdp_a6(lb_rdp_tok_t *t, const uint8_t *origin, lb_rdp_out_t *o);
/* APL (RFC 3123 5): none or more items */
LB_WUR int lb_rdp_apl(lb_rdp_tok_t *t, lb_rdp_out_t *o);
/* AMTRELAY (RFC 8777 4.3) */
LB_WUR int lb_rdp_amtrelay(lb_rdp_tok_t *t, const uint8_t *origin, lb_rdp_out_t *o);
/* HIP (RFC 8005 3) */
LB_WUR int lb_rdp_hip(lb_rdp_tok_t *t, const uint8_t *origin, lb_rdp_out_t *o);

#endif
