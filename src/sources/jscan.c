/*
 * jscan.c - flat, allocation-free JSON scanning (see jscan.h).
 *
 * js_parse is one loop with an explicit stack instead of recursive calls:
 * the position, token count and capacity stay in registers, and string
 * bodies are scanned eight bytes at a time.  It accepts exactly RFC 8259
 * (bytes >= 0x80 are not checked as UTF-8) and emits one token per value.
 */
#include "sources/jscan.h"

#include <stdlib.h>
#include <string.h>

#define ONES 0x0101010101010101ull
#define HIGH 0x8080808080808080ull

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ && defined(__GNUC__)
#define JS_SWAR 1
#endif

/* First byte at or after p (< e) that ends a plain string run: '"', '\\' or a control byte. */
static inline const char *str_stop(const char *p, const char *e)
{
#ifdef JS_SWAR
	while (e - p >= 8) {
		uint64_t v;
		memcpy(&v, p, 8);
		uint64_t q = v ^ (ONES * '"'), b = v ^ (ONES * '\\');
		/* per byte: high bit set where the byte is zero / below 0x20 (lowest hit exact) */
		uint64_t m = ((q - ONES) & ~q) | ((b - ONES) & ~b) | (v - ONES * 0x20);
		m &= ~v & HIGH;
		if (m)
			return p + (__builtin_ctzll(m) >> 3);
		p += 8;
	}
#endif
	while (p < e && *p != '"' && *p != '\\' && (unsigned char)*p >= 0x20)
		p++;
	return p;
}

static inline bool is_ws(char c)
{
	/* one compare for the usual case: no byte above ' ' is blank */
	return (unsigned char)c <= ' ' && (c == ' ' || c == '\t' || c == '\n' || c == '\r');
}

static inline bool is_hex(char h)
{
	return (h >= '0' && h <= '9') || (h >= 'a' && h <= 'f') || (h >= 'A' && h <= 'F');
}

/* String body from p (just past the opening quote).  Returns the closing quote or NULL. */
static inline __attribute__((always_inline)) const char *str_end(const char *p, const char *e, uint8_t *esc)
{
	for (;;) {
		p = str_stop(p, e);
		if (p >= e || (unsigned char)*p < 0x20)
			return NULL;
		if (*p == '"')
			return p;
		*esc = 1;
		if (++p >= e)
			return NULL;
		char c = *p;
		if (c == 'u') {
			if (e - p < 5 || !is_hex(p[1]) || !is_hex(p[2]) || !is_hex(p[3]) || !is_hex(p[4]))
				return NULL;
			p += 5;
		} else if (c == '"' || c == '\\' || c == '/' || c == 'b' || c == 'f' || c == 'n' ||
			   c == 'r' || c == 't') {
			p++;
		} else {
			return NULL;
		}
	}
}

static inline const char *digits(const char *p, const char *e)
{
	while (p < e && *p >= '0' && *p <= '9')
		p++;
	return p;
}

/* Number from p.  Returns its end or NULL. */
static const char *num_end(const char *p, const char *e)
{
	if (p < e && *p == '-')
		p++;
	if (p >= e || *p < '0' || *p > '9')
		return NULL;
	p = *p == '0' ? p + 1 : digits(p, e);
	if (p < e && *p == '.') {
		const char *d0 = ++p;
		if ((p = digits(p, e)) == d0)
			return NULL;
	}
	if (p < e && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < e && (*p == '+' || *p == '-'))
			p++;
		const char *d0 = p;
		if ((p = digits(p, e)) == d0)
			return NULL;
	}
	return p;
}

int js_parse(js_doc_t *d, const char *line, size_t len)
{
	d->s = line;
	d->n = 0;
	if (len > UINT32_MAX)
		return -1;
	const char *p = line, *e = line + len;
	js_tok_t *t = d->t;
	size_t n = 0, cap = d->cap;
	uint32_t open[JS_MAX_DEPTH], count[JS_MAX_DEPTH];
	int depth = 0; /* containers open */

#define NEW_TOK(ty, st)                                         \
	do {                                                    \
		if (n >= cap)                                   \
			goto fail;                              \
		k = &t[n++];                                    \
		k->type = (ty);                                 \
		k->start = (uint32_t)((st) - line);             \
		k->n = 0;                                       \
		k->esc = 0;                                     \
	} while (0)

	for (;;) {
		js_tok_t *k;
		/* a value at p */
		while (p < e && is_ws(*p))
			p++;
		if (p >= e)
			goto fail;
		switch (*p) {
		case '{': case '[': {
			char c = *p;
			NEW_TOK(c == '{' ? JS_OBJ : JS_ARR, p);
			if (depth >= JS_MAX_DEPTH)
				goto fail;
			open[depth] = (uint32_t)(n - 1);
			count[depth] = 0;
			depth++;
			p++;
			while (p < e && is_ws(*p))
				p++;
			if (p < e && *p == (c == '{' ? '}' : ']'))
				goto close; /* empty */
			if (c == '[')
				continue; /* first item */
			goto key;
		}
		case '"': {
			uint8_t esc = 0;
			NEW_TOK(JS_STR, p + 1);
			const char *q = str_end(p + 1, e, &esc);
			if (!q)
				goto fail;
			k->len = (uint32_t)(q - p - 1);
			k->esc = esc;
			k->next = (uint32_t)n;
			p = q + 1;
			break;
		}
		case 't':
		case 'f':
		case 'n': {
			/* a literal: true, false or null, spelt out in full */
			const char l0 = *p;
			const char *lit = l0 == 't' ? "true" : l0 == 'f' ? "false" : "null";
			size_t ll = strlen(lit);
			if ((size_t)(e - p) < ll || memcmp(p, lit, ll))
				goto fail;
			NEW_TOK(l0 == 't' ? JS_TRUE : l0 == 'f' ? JS_FALSE : JS_NULL, p);
			k->len = (uint32_t)ll;
			k->next = (uint32_t)n;
			p += ll;
			break;
		}
		default: {
			const char *q = num_end(p, e);
			if (!q)
				goto fail;
			NEW_TOK(JS_NUM, p);
			k->len = (uint32_t)(q - p);
			k->next = (uint32_t)n;
			p = q;
			break;
		}
		}
		/* after a value: ',' or the end of the enclosing container */
		for (;;) {
			if (depth == 0) {
				while (p < e && is_ws(*p))
					p++;
				if (p != e)
					goto fail;
				d->n = n;
				return 0;
			}
			while (p < e && is_ws(*p))
				p++;
			if (p >= e)
				goto fail;
			js_tok_t *o = &t[open[depth - 1]];
			if (*p == ',') {
				count[depth - 1]++;
				p++;
				if (o->type == JS_OBJ)
					goto key;
				break; /* next item */
			}
			if (*p != (o->type == JS_OBJ ? '}' : ']'))
				goto fail;
			count[depth - 1]++;
close:
			/* p at the closing bracket of the innermost container */
			o = &t[open[depth - 1]];
			p++;
			o->n = count[depth - 1];
			o->len = (uint32_t)(p - line) - o->start;
			o->next = (uint32_t)n;
			depth--;
		}
		continue;
key:
		/* an object member: "key" ':' then its value */
		while (p < e && is_ws(*p))
			p++;
		if (p >= e || *p != '"')
			goto fail;
		{
			uint8_t esc = 0;
			NEW_TOK(JS_STR, p + 1);
			const char *q = str_end(p + 1, e, &esc);
			if (!q)
				goto fail;
			k->len = (uint32_t)(q - p - 1);
			k->esc = esc;
			k->next = (uint32_t)n;
			p = q + 1;
		}
		while (p < e && is_ws(*p))
			p++;
		if (p >= e || *p != ':')
			goto fail;
		p++;
	}
#undef NEW_TOK
fail:
	d->n = n;
	return -1;
}

int js_get(const js_doc_t *d, int o, const char *key)
{
	if (o < 0 || d->t[o].type != JS_OBJ)
		return -1;
	size_t kl = strlen(key);
	uint32_t i = (uint32_t)o + 1;
	for (uint32_t m = 0; m < d->t[o].n; m++) {
		const js_tok_t *k = &d->t[i];
		if (k->len == kl && !k->esc && !memcmp(d->s + k->start, key, kl))
			return (int)i + 1;
		i = d->t[i + 1].next; /* skip key and value subtree */
	}
	return -1;
}

void js_members(const js_doc_t *d, int o, const js_key_t *keys, size_t nk, int *out)
{
	for (size_t j = 0; j < nk; j++)
		out[j] = -1;
	if (o < 0 || d->t[o].type != JS_OBJ)
		return;
	/* keys by length (short keys, few of them): a member is compared only with
	 * the wanted keys of its own length */
	uint16_t bylen[32] = { 0 };
	bool indexed = nk <= 16;
	for (size_t j = 0; indexed && j < nk; j++) {
		if (keys[j].len >= 32)
			indexed = false;
		else
			bylen[keys[j].len] |= (uint16_t)(1u << j);
	}
	uint32_t i = (uint32_t)o + 1;
	for (uint32_t m = 0; m < d->t[o].n; m++, i = d->t[i + 1].next) {
		const js_tok_t *k = &d->t[i];
		if (k->esc)
			continue;
		const char *ks = d->s + k->start;
		if (indexed) {
			if (k->len >= 32)
				continue;
			for (unsigned c = bylen[k->len]; c; c &= c - 1) {
				unsigned j = (unsigned)__builtin_ctz(c);
				if (!memcmp(ks, keys[j].s, k->len)) {
					if (out[j] < 0)
						out[j] = (int)i + 1;
					break;
				}
			}
			continue;
		}
		for (size_t j = 0; j < nk; j++)
			if (k->len == keys[j].len && !memcmp(ks, keys[j].s, k->len)) {
				if (out[j] < 0)
					out[j] = (int)i + 1;
				break;
			}
	}
}

int js_item(const js_doc_t *d, int a, size_t idx)
{
	if (a < 0 || d->t[a].type != JS_ARR || idx >= d->t[a].n)
		return -1;
	uint32_t i = (uint32_t)a + 1;
	for (size_t m = 0; m < idx; m++)
		i = d->t[i].next;
	return (int)i;
}

static int hex4(const char *s)
{
	int v = 0;
	for (int j = 0; j < 4; j++) {
		char h = s[j];
		v = v * 16 + (h <= '9' ? h - '0' : (h | 0x20) - 'a' + 10);
	}
	return v;
}

const char *js_str(const js_doc_t *d, int i, char *buf, size_t bufsz, size_t *len)
{
	if (i < 0 || d->t[i].type != JS_STR)
		return NULL;
	const js_tok_t *t = &d->t[i];
	const char *s = d->s + t->start;
	if (!t->esc) {
		*len = t->len;
		return s;
	}
	size_t o = 0;
	for (size_t k = 0; k < t->len; k++) {
		if (o + 4 > bufsz)
			return NULL;
		if (s[k] != '\\') {
			buf[o++] = s[k];
			continue;
		}
		char c = s[++k];
		switch (c) {
		case 'b': buf[o++] = '\b'; break;
		case 'f': buf[o++] = '\f'; break;
		case 'n': buf[o++] = '\n'; break;
		case 'r': buf[o++] = '\r'; break;
		case 't': buf[o++] = '\t'; break;
		case 'u': {
			unsigned cp = (unsigned)hex4(s + k + 1);
			k += 4;
			if (cp >= 0xd800 && cp < 0xdc00 && k + 6 < t->len && s[k + 1] == '\\' &&
			    s[k + 2] == 'u') {
				unsigned lo = (unsigned)hex4(s + k + 3);
				if (lo >= 0xdc00 && lo < 0xe000) {
					cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
					k += 6;
				}
			}
			/* UTF-8 */
			if (cp < 0x80) {
				buf[o++] = (char)cp;
			} else if (cp < 0x800) {
				buf[o++] = (char)(0xc0 | cp >> 6);
				buf[o++] = (char)(0x80 | (cp & 0x3f));
			} else if (cp < 0x10000) {
				buf[o++] = (char)(0xe0 | cp >> 12);
				buf[o++] = (char)(0x80 | ((cp >> 6) & 0x3f));
				buf[o++] = (char)(0x80 | (cp & 0x3f));
			} else {
				buf[o++] = (char)(0xf0 | cp >> 18);
				buf[o++] = (char)(0x80 | ((cp >> 12) & 0x3f));
				buf[o++] = (char)(0x80 | ((cp >> 6) & 0x3f));
				buf[o++] = (char)(0x80 | (cp & 0x3f));
			}
			break;
		}
		default: buf[o++] = c; break; /* " \ / */
		}
	}
	*len = o;
	return buf;
}

int js_int(const js_doc_t *d, int i, int64_t *v)
{
	if (i < 0 || d->t[i].type != JS_NUM)
		return -1;
	const char *s = d->s + d->t[i].start;
	size_t n = d->t[i].len, k = 0;
	bool neg = false;
	if (s[0] == '-') {
		neg = true;
		k = 1;
	}
	uint64_t x = 0;
	for (; k < n; k++) {
		if (s[k] < '0' || s[k] > '9')
			return -1;
		if (x > (UINT64_MAX / 10) - 10)
			return -1;
		x = x * 10 + (uint64_t)(s[k] - '0');
	}
	if (x > INT64_MAX)
		return -1;
	*v = neg ? -(int64_t)x : (int64_t)x;
	return 0;
}

int js_num(const js_doc_t *d, int i, double *v)
{
	if (i < 0 || d->t[i].type != JS_NUM)
		return -1;
	char buf[64];
	size_t n = d->t[i].len;
	if (n >= sizeof buf)
		return -1;
	memcpy(buf, d->s + d->t[i].start, n);
	buf[n] = 0;
	*v = strtod(buf, NULL);
	return 0;
}
