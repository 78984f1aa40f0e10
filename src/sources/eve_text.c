/*
 * eve_text.c - names and character-strings as Suricata's EVE log writes
 * them, read back: see eve_text.h.
 */
#include "sources/eve_text.h"

#include <stdbool.h>
#include <string.h>

#include "dns/name.h"
#include "sources/src_impl.h"

/* A lower-case hex digit's value, or -1 (Suricata writes "\\x%02x"). */
static int lhex(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* UTF-8 as Rust's str::from_utf8 takes it, one byte at a time: no overlong
 * forms, surrogates or code points past U+10FFFF. */
typedef struct u8chk {
	unsigned need;
	unsigned char lo, hi;
	bool bad;
} u8chk_t;

static void u8_feed(u8chk_t *u, unsigned char b)
{
	if (u->need) {
		if (b < u->lo || b > u->hi)
			u->bad = true;
		u->need--;
		u->lo = 0x80;
		u->hi = 0xbf;
		return;
	}
	u->lo = 0x80;
	u->hi = 0xbf;
	if (b < 0x80)
		return;
	if (b >= 0xc2 && b <= 0xdf) {
		u->need = 1;
	} else if (b >= 0xe0 && b <= 0xef) {
		u->need = 2;
		u->lo = b == 0xe0 ? 0xa0 : 0x80;
		u->hi = b == 0xed ? 0x9f : 0xbf;
	} else if (b >= 0xf0 && b <= 0xf4) {
		u->need = 3;
		u->lo = b == 0xf0 ? 0x90 : 0x80;
		u->hi = b == 0xf4 ? 0x8f : 0xbf;
	} else {
		u->bad = true;
	}
}

/*
 * The bytes of a name or character-string as Suricata's JSON writer gives
 * them (rust/src/jsonbuilder.rs set_string_from_bytes): bytes that are
 * UTF-8 text as they are, else (try_string_from_bytes) each byte above 0x7f
 * as the four characters "\\xhh" and the others as they are.  So text all
 * ASCII with such escapes that, undone, are not UTF-8 is that escaped form,
 * undone into out (capacity >= len); any other text is its own bytes (a
 * string that held the text "\\xe4" beside bytes that are not UTF-8 is the
 * one the log cannot tell).  Returns the length of what *res points to.
 */
size_t src_eve_bytes(const char *in, size_t len, char *out, const char **res)
{
	u8chk_t u = { 0, 0x80, 0xbf, false };
	size_t nx = 0;
	*res = in;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)in[i];
		if (c >= 0x80)
			return len; /* UTF-8 written as it is: never escaped */
		if (c == '\\' && i + 3 < len && in[i + 1] == 'x' && lhex(in[i + 2]) >= 8 &&
		    lhex(in[i + 3]) >= 0) {
			u8_feed(&u, (unsigned char)(lhex(in[i + 2]) * 16 + lhex(in[i + 3])));
			nx++;
			i += 3;
		} else {
			u8_feed(&u, c);
		}
	}
	if (!nx || (!u.bad && !u.need))
		return len;
	size_t o = 0;
	for (size_t i = 0; i < len; i++) {
		if (in[i] == '\\' && i + 3 < len && in[i + 1] == 'x' && lhex(in[i + 2]) >= 8 &&
		    lhex(in[i + 3]) >= 0) {
			out[o++] = (char)(lhex(in[i + 2]) * 16 + lhex(in[i + 3]));
			i += 3;
		} else {
			out[o++] = in[i];
		}
	}
	*res = out;
	return o;
}

/* Text for the name parsers (in out, cap bytes, or t itself) of a name as
 * Suricata writes it (rust/src/dns/parser.rs dns_parse_name): its label
 * bytes joined by dots, no escapes - a blank, a backslash or a quote in a
 * label is itself - through the JSON writer's escapes (src_eve_bytes); without
 * the final dot, so the root name is the empty string (a priming query's
 * ". NS", an SRV target "." that says "no service").  NULL if it cannot be
 * a name; *len in and out. */
const char *src_eve_name(const char *t, size_t *len, char *out, size_t cap)
{
	char b[4 * LB_NAME_MAX + 8];
	if (!t)
		return NULL;
	if (*len == 0) {
		*len = 1;
		return ".";
	}
	if (*len > sizeof b)
		return NULL;
	/* (bytes undone into b are above 0x7f: escaped into out, never b) */
	if (memchr(t, '\\', *len))
		*len = src_eve_bytes(t, *len, b, &t);
	return src_label_text(t, *len, out, cap, len);
}

