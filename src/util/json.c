#include "util/json.h"

/* Length of the valid UTF-8 sequence at p (1..4), 0 if it is not one
 * (overlong forms, surrogates and code points past U+10FFFF included). */
static size_t utf8_len(const unsigned char *p)
{
	unsigned char c = p[0];
	if (c < 0x80)
		return 1;
	size_t n;
	unsigned lo = 0x80, hi = 0xbf;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		if (c == 0xe0)
			lo = 0xa0;
		else if (c == 0xed)
			hi = 0x9f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		if (c == 0xf0)
			lo = 0x90;
		else if (c == 0xf4)
			hi = 0x8f;
	} else
		return 0;
	if (p[1] < lo || p[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	return n;
}

/* Write the UTF-8 sequence at p (p[0] >= 0x80), or U+FFFD for a byte that
 * does not begin a valid one; returns what follows. */
static const unsigned char *put_utf8(FILE *f, const unsigned char *p)
{
	size_t n = utf8_len(p);
	if (!n) {
		fputs("\xef\xbf\xbd", f);
		return p + 1;
	}
	fwrite(p, 1, n, f);
	return p + n;
}

void lb_json_put_str(FILE *f, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	putc_unlocked('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		unsigned char c = *p;
		if (c == '"' || c == '\\') {
			putc_unlocked('\\', f);
			putc_unlocked(c, f);
			p++;
		} else if (c < 0x20 || c == 0x7f) {
			fputs("\\u00", f);
			putc_unlocked(hex[c >> 4], f);
			putc_unlocked(hex[c & 15], f);
			p++;
		} else if (c < 0x80) {
			putc_unlocked(c, f);
			p++;
		} else {
			/* JSON text is UTF-8 (RFC 8259 8.1): a byte that does not
			 * begin a valid sequence (a source name given in Latin-1,
			 * say) is U+FFFD, not passed on to break the reader */
			p = put_utf8(f, p);
		}
	}
	putc_unlocked('"', f);
}

void lb_json_put_u64(FILE *f, uint64_t v)
{
	char b[20];
	size_t i = sizeof b;
	do {
		b[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	fwrite(b + i, 1, sizeof b - i, f);
}

void lb_prom_put_label(FILE *f, const char *s)
{
	putc_unlocked('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		unsigned char c = *p;
		if (c == '"' || c == '\\') {
			putc_unlocked('\\', f);
			putc_unlocked(c, f);
			p++;
		} else if (c == '\n') {
			fputs("\\n", f);
			p++;
		} else if (c < 0x80) {
			putc_unlocked(c, f);
			p++;
		} else {
			p = put_utf8(f, p);
		}
	}
	putc_unlocked('"', f);
}
