#include "util/json.h"

void lb_json_put_str(FILE *f, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	putc_unlocked('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		unsigned char c = *p;
		if (c == '"' || c == '\\') {
			putc_unlocked('\\', f);
			putc_unlocked(c, f);
		} else if (c < 0x20 || c == 0x7f) {
			fputs("\\u00", f);
			putc_unlocked(hex[c >> 4], f);
			putc_unlocked(hex[c & 15], f);
		} else {
			putc_unlocked(c, f);
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
