/*
 * jscan.h - a small JSON scanner for the hot import paths (COF, EVE): one
 * line in, a flat array of tokens out, no allocation.  jansson builds a
 * tree of allocated values and hashes every key, which costs more than the
 * rest of an import; this keeps slices of the line instead.
 *
 * The whole line must be one JSON value (RFC 8259 syntax, checked: strings,
 * escapes, numbers, literals, nesting up to JS_MAX_DEPTH), else an error.
 * Strings are left escaped in the line; js_str() unescapes on demand.
 * Internal to src/sources.
 */
#ifndef LB_SOURCES_JSCAN_H
#define LB_SOURCES_JSCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JS_MAX_DEPTH 32

enum js_type { JS_OBJ = 1, JS_ARR, JS_STR, JS_NUM, JS_TRUE, JS_FALSE, JS_NULL };

typedef struct js_tok {
	uint32_t start, len;  /* bytes of the value in the line (strings: inside the quotes) */
	uint32_t next;        /* index of the first token after this value's subtree */
	uint32_t n;           /* object: members; array: items */
	uint8_t type;
	uint8_t esc;          /* string holds backslash escapes */
} js_tok_t;

typedef struct js_doc {
	const char *s;
	js_tok_t *t;
	size_t n, cap;
} js_doc_t;

/* Scan line into d (tokens in d->t, capacity d->cap).  0 or -1 (syntax, too many tokens). */
int js_parse(js_doc_t *d, const char *line, size_t len);

/* Member key of object token o, or -1.  Keys are compared unescaped-free (raw). */
int js_get(const js_doc_t *d, int o, const char *key);
/* Several members in one walk of object o: out[j] = value token of the first
 * member whose raw key is keys[j], or -1 (all -1 if o is not an object). */
typedef struct js_key {
	const char *s;
	size_t len;
} js_key_t;
#define JS_KEY(lit) { lit, sizeof lit - 1 }
void js_members(const js_doc_t *d, int o, const js_key_t *keys, size_t nk, int *out);
/* Item i of array token a (0-based), or -1. */
int js_item(const js_doc_t *d, int a, size_t i);
/* String value: pointer and length.  A string without escapes is returned as
 * a slice of the line - its length is NOT bounded by bufsz; one with escapes
 * is unescaped into buf (NULL if it does not fit in bufsz).  NULL if not a
 * string.  Callers that copy the result must check *len themselves. */
const char *js_str(const js_doc_t *d, int i, char *buf, size_t bufsz, size_t *len);
/* Integer value (no fraction or exponent).  0 or -1. */
int js_int(const js_doc_t *d, int i, int64_t *v);
/* Any number as double.  0 or -1. */
int js_num(const js_doc_t *d, int i, double *v);
static inline int js_type(const js_doc_t *d, int i) { return i < 0 ? 0 : d->t[i].type; }

#endif
