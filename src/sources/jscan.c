/*
 * jscan.c - flat, allocation-free JSON scanning (see jscan.h).
 */
#include "sources/jscan.h"

#include <stdlib.h>
#include <string.h>

typedef struct st {
	const char *s;
	size_t i, len;
	js_doc_t *d;
} st_t;

static void ws(st_t *p)
{
	while (p->i < p->len) {
		char c = p->s[p->i];
		if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
			break;
		p->i++;
	}
}

static int tok(st_t *p, uint8_t type, size_t start)
{
	if (p->d->n >= p->d->cap)
		return -1;
	js_tok_t *t = &p->d->t[p->d->n];
	memset(t, 0, sizeof *t);
	t->type = type;
	t->start = (uint32_t)start;
	return (int)p->d->n++;
}

static int string(st_t *p)
{
	size_t start = ++p->i; /* past the quote */
	int k = tok(p, JS_STR, start);
	if (k < 0)
		return -1;
	uint8_t esc = 0;
	const char *s = p->s;
	for (;;) {
		/* fast path: plain bytes */
		while (p->i < p->len && s[p->i] != '"' && s[p->i] != '\\' &&
		       (unsigned char)s[p->i] >= 0x20)
			p->i++;
		if (p->i >= p->len || (unsigned char)s[p->i] < 0x20)
			return -1;
		if (s[p->i] == '"')
			break;
		esc = 1;
		if (++p->i >= p->len)
			return -1;
		char c = s[p->i];
		if (c == 'u') {
			if (p->len - p->i < 5)
				return -1;
			for (int j = 1; j <= 4; j++) {
				char h = s[p->i + (size_t)j];
				if (!((h >= '0' && h <= '9') || (h >= 'a' && h <= 'f') || (h >= 'A' && h <= 'F')))
					return -1;
			}
			p->i += 5;
		} else if (strchr("\"\\/bfnrt", c) && c) {
			p->i++;
		} else {
			return -1;
		}
	}
	js_tok_t *t = &p->d->t[k];
	t->len = (uint32_t)(p->i - start);
	t->esc = esc;
	t->next = (uint32_t)p->d->n;
	p->i++;
	return k;
}

static int number(st_t *p)
{
	size_t start = p->i;
	const char *s = p->s;
	if (p->i < p->len && s[p->i] == '-')
		p->i++;
	if (p->i >= p->len || s[p->i] < '0' || s[p->i] > '9')
		return -1;
	if (s[p->i] == '0')
		p->i++;
	else
		while (p->i < p->len && s[p->i] >= '0' && s[p->i] <= '9')
			p->i++;
	if (p->i < p->len && s[p->i] == '.') {
		p->i++;
		size_t d0 = p->i;
		while (p->i < p->len && s[p->i] >= '0' && s[p->i] <= '9')
			p->i++;
		if (p->i == d0)
			return -1;
	}
	if (p->i < p->len && (s[p->i] == 'e' || s[p->i] == 'E')) {
		p->i++;
		if (p->i < p->len && (s[p->i] == '+' || s[p->i] == '-'))
			p->i++;
		size_t d0 = p->i;
		while (p->i < p->len && s[p->i] >= '0' && s[p->i] <= '9')
			p->i++;
		if (p->i == d0)
			return -1;
	}
	int k = tok(p, JS_NUM, start);
	if (k < 0)
		return -1;
	p->d->t[k].len = (uint32_t)(p->i - start);
	p->d->t[k].next = (uint32_t)p->d->n;
	return k;
}

static int value(st_t *p, int depth);

static int container(st_t *p, int depth, char open)
{
	char close = open == '{' ? '}' : ']';
	int k = tok(p, open == '{' ? JS_OBJ : JS_ARR, p->i);
	if (k < 0 || depth >= JS_MAX_DEPTH)
		return -1;
	p->i++;
	uint32_t n = 0;
	ws(p);
	if (p->i < p->len && p->s[p->i] == close) {
		p->i++;
	} else {
		for (;;) {
			ws(p);
			if (open == '{') {
				if (p->i >= p->len || p->s[p->i] != '"' || string(p) < 0)
					return -1;
				ws(p);
				if (p->i >= p->len || p->s[p->i] != ':')
					return -1;
				p->i++;
			}
			if (value(p, depth + 1) < 0)
				return -1;
			n++;
			ws(p);
			if (p->i >= p->len)
				return -1;
			if (p->s[p->i] == ',') {
				p->i++;
				continue;
			}
			if (p->s[p->i] != close)
				return -1;
			p->i++;
			break;
		}
	}
	js_tok_t *t = &p->d->t[k];
	t->n = n;
	t->len = (uint32_t)(p->i - t->start);
	t->next = (uint32_t)p->d->n;
	return k;
}

static int literal(st_t *p, const char *word, uint8_t type)
{
	size_t wl = strlen(word);
	if (p->len - p->i < wl || memcmp(p->s + p->i, word, wl))
		return -1;
	int k = tok(p, type, p->i);
	if (k < 0)
		return -1;
	p->i += wl;
	p->d->t[k].len = (uint32_t)wl;
	p->d->t[k].next = (uint32_t)p->d->n;
	return k;
}

static int value(st_t *p, int depth)
{
	ws(p);
	if (p->i >= p->len)
		return -1;
	switch (p->s[p->i]) {
	case '{': case '[': return container(p, depth, p->s[p->i]);
	case '"': return string(p);
	case 't': return literal(p, "true", JS_TRUE);
	case 'f': return literal(p, "false", JS_FALSE);
	case 'n': return literal(p, "null", JS_NULL);
	default: return number(p);
	}
}

int js_parse(js_doc_t *d, const char *line, size_t len)
{
	if (len > UINT32_MAX)
		return -1;
	st_t p = { line, 0, len, d };
	d->s = line;
	d->n = 0;
	if (value(&p, 0) < 0)
		return -1;
	ws(&p);
	return p.i == len ? 0 : -1;
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
