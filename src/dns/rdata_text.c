/*
 * rdata_text.c - presentation text of canonical rdata, as dig/BIND print it.
 *
 * A typed printer walks the layout from dns_impl.h and fails with LB_ERDATA
 * when the bytes do not fit it; the caller then falls back to the RFC 3597
 * generic form.  Output goes through a bounded writer that only records
 * overflow, so each printer checks space once at the end.
 */
#include "dns/rdata.h"
#include "dns/dns_impl.h"
#include "dns/name.h"
#include "dns/rrtype.h"
#include "util/civil.h"

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

typedef struct wr {
	char *p;
	size_t cap; /* bytes usable for text (NUL excluded) */
	size_t len;
	bool over;
} wr_t;

static void put(wr_t *w, const char *s, size_t n)
{
	if (w->over || w->cap - w->len < n) {
		w->over = true;
		return;
	}
	memcpy(w->p + w->len, s, n);
	w->len += n;
}

static void putc_(wr_t *w, char ch)
{
	if (w->over || w->len == w->cap) {
		w->over = true;
		return;
	}
	w->p[w->len++] = ch;
}

static void puts_(wr_t *w, const char *s) { put(w, s, strlen(s)); }

static void putu(wr_t *w, unsigned long v)
{
	char b[24];
	int n = snprintf(b, sizeof b, "%lu", v);
	put(w, b, (size_t)n);
}

static const char hexd[] = "0123456789ABCDEF";

static void puthex(wr_t *w, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		putc_(w, hexd[p[i] >> 4]);
		putc_(w, hexd[p[i] & 15]);
	}
}

/* Hex in lower case (NSAP, ATMA: as BIND and dnspython write them). */
static void putlhex(wr_t *w, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		putc_(w, (char)(hexd[p[i] >> 4] | 0x20));
		putc_(w, (char)(hexd[p[i] & 15] | 0x20));
	}
}

static void putb64(wr_t *w, const uint8_t *p, size_t n)
{
	static const char al[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i = 0;
	for (; i + 3 <= n; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
		char b[4] = { al[v >> 18], al[(v >> 12) & 63], al[(v >> 6) & 63], al[v & 63] };
		put(w, b, 4);
	}
	if (n - i == 1) {
		uint32_t v = (uint32_t)p[i] << 16;
		char b[4] = { al[v >> 18], al[(v >> 12) & 63], '=', '=' };
		put(w, b, 4);
	} else if (n - i == 2) {
		uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8;
		char b[4] = { al[v >> 18], al[(v >> 12) & 63], al[(v >> 6) & 63], '=' };
		put(w, b, 4);
	}
}

/* base32hex (RFC 4648 section 7), upper case, no padding (RFC 5155). */
static void putb32hex(wr_t *w, const uint8_t *p, size_t n)
{
	static const char al[] = "0123456789ABCDEFGHIJKLMNOPQRSTUV";
	uint32_t acc = 0;
	int bits = 0;
	for (size_t i = 0; i < n; i++) {
		acc = (acc << 8) | p[i];
		bits += 8;
		while (bits >= 5) {
			putc_(w, al[(acc >> (bits - 5)) & 31]);
			bits -= 5;
		}
	}
	if (bits > 0)
		putc_(w, al[(acc << (5 - bits)) & 31]);
}

static void putip4(wr_t *w, const uint8_t *p)
{
	char b[16];
	size_t n = 0;
	for (int i = 0; i < 4; i++) {
		unsigned v = p[i];
		if (i)
			b[n++] = '.';
		if (v >= 100)
			b[n++] = (char)('0' + v / 100);
		if (v >= 10)
			b[n++] = (char)('0' + v / 10 % 10);
		b[n++] = (char)('0' + v % 10);
	}
	put(w, b, n);
}

static void putip6(wr_t *w, const uint8_t *p)
{
	char b[INET6_ADDRSTRLEN];
	if (!inet_ntop(AF_INET6, p, b, sizeof b))
		b[0] = 0;
	puts_(w, b);
}

static int putname(wr_t *w, const uint8_t *p, size_t left, size_t *used)
{
	char b[LB_NAME_TEXT_MAX];
	int nl = lb_name_check(p, left);
	if (nl < 0)
		return LB_ERDATA;
	int tl = lb_name_to_text(p, b, sizeof b);
	if (tl < 0)
		return LB_ERDATA;
	put(w, b, (size_t)tl);
	*used = (size_t)nl;
	return 0;
}

static void puttype(wr_t *w, uint16_t t)
{
	char b[16];
	int n = lb_rrtype_to_text(t, b, sizeof b);
	if (n > 0)
		put(w, b, (size_t)n);
}

/* The set bits of a flat bit map (NXT, WKS: bit k, from the high bit of the
 * first byte, stands for k), space separated: as type mnemonics or numbers. */
static void putbits(wr_t *w, const uint8_t *m, size_t len, bool types)
{
	for (size_t b = 0, first = 1; b < len * 8; b++) {
		if (m[b / 8] & (0x80 >> (b % 8))) {
			if (!first)
				putc_(w, ' ');
			first = 0;
			if (types)
				puttype(w, (uint16_t)b);
			else
				putu(w, b);
		}
	}
}

/* Bytes inside a quoted string: \" and \\ escaped, non-printables as \DDD. */
static void putquoted_body(wr_t *w, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint8_t ch = p[i];
		if (ch == '"' || ch == '\\') {
			putc_(w, '\\');
			putc_(w, (char)ch);
		} else if (ch < 0x20 || ch > 0x7e) {
			char b[4] = { '\\', (char)('0' + ch / 100), (char)('0' + ch / 10 % 10),
				      (char)('0' + ch % 10) };
			put(w, b, 4);
		} else {
			putc_(w, (char)ch);
		}
	}
}

static void putquoted(wr_t *w, const uint8_t *p, size_t n)
{
	putc_(w, '"');
	putquoted_body(w, p, n);
	putc_(w, '"');
}

static void puttime(wr_t *w, uint32_t t)
{
	int64_t y;
	unsigned mo, d;
	lb_civil_from_days(t / 86400, &y, &mo, &d);
	uint32_t s = t % 86400;
	char b[24];
	int n = snprintf(b, sizeof b, "%04u%02u%02u%02u%02u%02u", (unsigned)y, mo, d, s / 3600,
			 s / 60 % 60, s % 60);
	put(w, b, (size_t)n);
}

static int putbitmap(wr_t *w, const uint8_t *p, size_t n)
{
	size_t i = 0;
	bool first = true;
	int last = -1;
	while (i < n) {
		if (n - i < 2)
			return LB_ERDATA;
		unsigned win = p[i], bl = p[i + 1];
		if ((int)win <= last || bl < 1 || bl > 32 || n - i - 2 < bl || p[i + 1 + bl] == 0)
			return LB_ERDATA; /* malformed: RFC 4034 4.1.2 */
		last = (int)win;
		for (unsigned b = 0; b < bl * 8; b++) {
			if (p[i + 2 + b / 8] & (0x80 >> (b % 8))) {
				if (!first)
					putc_(w, ' ');
				first = false;
				puttype(w, (uint16_t)(win * 256 + b));
			}
		}
		i += 2 + bl;
	}
	return 0;
}

static const char *const svc_keys[] = {
	"mandatory", "alpn", "no-default-alpn", "port", "ipv4hint", "ech", "ipv6hint",
	"dohpath", "ohttp",
};
#define SVC_NKEYS (sizeof svc_keys / sizeof svc_keys[0])

static void putsvckey(wr_t *w, unsigned key)
{
	if (key < SVC_NKEYS) {
		puts_(w, svc_keys[key]);
	} else {
		puts_(w, "key");
		putu(w, key);
	}
}

static int putsvcparams(wr_t *w, const uint8_t *p, size_t n)
{
	size_t i = 0;
	long last = -1;
	while (i < n) {
		if (n - i < 4)
			return LB_ERDATA;
		unsigned key = (unsigned)(p[i] << 8 | p[i + 1]);
		size_t vl = (size_t)(p[i + 2] << 8 | p[i + 3]);
		const uint8_t *v = p + i + 4;
		if ((long)key <= last || key == 65535 || n - i - 4 < vl)
			return LB_ERDATA; /* RFC 9460 2.2 and 14.3.2: malformed */
		last = key;
		i += 4 + vl;
		putc_(w, ' ');
		putsvckey(w, key);
		switch (key) {
		case 0: /* mandatory */
			if (vl == 0 || vl % 2)
				return LB_ERDATA;
			putc_(w, '=');
			for (size_t k = 0; k < vl; k += 2) {
				if (k && (v[k - 2] << 8 | v[k - 1]) >= (v[k] << 8 | v[k + 1]))
					return LB_ERDATA; /* RFC 9460 8: strictly increasing */
				if (!k && v[0] == 0 && v[1] == 0)
					return LB_ERDATA; /* and never mandatory itself */
				if (k)
					putc_(w, ',');
				putsvckey(w, (unsigned)(v[k] << 8 | v[k + 1]));
			}
			break;
		case 1: { /* alpn: character-strings, shown as one comma list */
			if (vl == 0)
				return LB_ERDATA;
			put(w, "=\"", 2);
			size_t k = 0;
			while (k < vl) {
				size_t l = v[k];
				if (l == 0 || vl - k - 1 < l)
					return LB_ERDATA;
				if (k)
					putc_(w, ',');
				for (size_t j = 0; j < l; j++) {
					uint8_t ch = v[k + 1 + j];
					if (ch == ',' || ch == '\\')
						put(w, "\\\\", 2); /* item escape, itself escaped */
					putquoted_body(w, &ch, 1);
				}
				k += 1 + l;
			}
			putc_(w, '"');
			break;
		}
		case 2: /* no-default-alpn */
			if (vl != 0)
				return LB_ERDATA;
			break;
		case 3: /* port */
			if (vl != 2)
				return LB_ERDATA;
			putc_(w, '=');
			putu(w, (unsigned)(v[0] << 8 | v[1]));
			break;
		case 4: /* ipv4hint */
		case 6: /* ipv6hint */ {
			size_t al = key == 4 ? 4 : 16;
			if (vl == 0 || vl % al)
				return LB_ERDATA;
			putc_(w, '=');
			for (size_t k = 0; k < vl; k += al) {
				if (k)
					putc_(w, ',');
				if (al == 4)
					putip4(w, v + k);
				else
					putip6(w, v + k);
			}
			break;
		}
		case 5: /* ech */
			if (vl == 0)
				return LB_ERDATA;
			putc_(w, '=');
			putb64(w, v, vl);
			break;
		case 8: /* ohttp: no value */
			if (vl != 0)
				return LB_ERDATA;
			break;
		default: /* dohpath and unknown keys: the value as a quoted string */
			if (vl == 0 && key != 7)
				break;
			putc_(w, '=');
			putquoted(w, v, vl);
			break;
		}
	}
	return 0;
}

/* LOC precision byte -> centimetres; mantissa and exponent must be <= 9. */
static int locsize(uint8_t b, unsigned long *cm)
{
	unsigned m = b >> 4, e = b & 15;
	if (m > 9 || e > 9)
		return -1;
	unsigned long v = m;
	while (e--)
		v *= 10;
	*cm = v;
	return 0;
}

/* A LOC size or precision as BIND writes it: whole metres when the exponent
 * is 2 or more, else "0.cc" - so a zero with exponent 0 or 1 is "0.00m". */
static void putmetres(wr_t *w, uint8_t b, unsigned long cm)
{
	putu(w, cm / 100);
	if ((b & 15) < 2) {
		char s[8];
		int n = snprintf(s, sizeof s, ".%02lu", cm % 100);
		put(w, s, (size_t)n);
	}
	putc_(w, 'm');
}

static int putloc(wr_t *w, const uint8_t *p, size_t n)
{
	if (n != 16 || p[0] != 0)
		return LB_ERDATA;
	unsigned long size, hp, vp;
	if (locsize(p[1], &size) || locsize(p[2], &hp) || locsize(p[3], &vp))
		return LB_ERDATA;
	uint32_t raw[3];
	for (int k = 0; k < 3; k++)
		raw[k] = (uint32_t)p[4 + 4 * k] << 24 | (uint32_t)p[5 + 4 * k] << 16 |
			 (uint32_t)p[6 + 4 * k] << 8 | p[7 + 4 * k];
	for (int k = 0; k < 2; k++) {
		long v = (long)raw[k] - 2147483648L;
		char hemi = k == 0 ? (v < 0 ? 'S' : 'N') : (v < 0 ? 'W' : 'E');
		unsigned long a = (unsigned long)(v < 0 ? -v : v);
		if (a > (k == 0 ? 90UL : 180UL) * 3600000UL)
			return LB_ERDATA;
		char b[48];
		int len = snprintf(b, sizeof b, "%lu %lu %lu.%03lu %c ", a / 3600000,
				   a / 60000 % 60, a / 1000 % 60, a % 1000, hemi);
		put(w, b, (size_t)len);
	}
	long alt = (long)raw[2] - 10000000L;
	unsigned long aa = (unsigned long)(alt < 0 ? -alt : alt);
	char b[40];
	int len = snprintf(b, sizeof b, "%s%lu.%02lum ", alt < 0 ? "-" : "", aa / 100, aa % 100);
	put(w, b, (size_t)len);
	putmetres(w, p[1], size);
	putc_(w, ' ');
	putmetres(w, p[2], hp);
	putc_(w, ' ');
	putmetres(w, p[3], vp);
	return 0;
}

static int putapl(wr_t *w, const uint8_t *p, size_t n)
{
	size_t i = 0;
	while (i < n) {
		if (n - i < 4)
			return LB_ERDATA;
		unsigned fam = (unsigned)(p[i] << 8 | p[i + 1]), pfx = p[i + 2];
		bool neg = p[i + 3] & 0x80;
		size_t al = p[i + 3] & 0x7F;
		if (n - i - 4 < al)
			return LB_ERDATA;
		uint8_t a[16] = { 0 };
		if (fam == 1) {
			if (pfx > 32 || al > 4)
				return LB_ERDATA;
		} else if (fam == 2) {
			if (pfx > 128 || al > 16)
				return LB_ERDATA;
		} else {
			return LB_ERDATA;
		}
		/* RFC 3123: the address part has no trailing zero octets */
		if (al > 0 && p[i + 4 + al - 1] == 0)
			return LB_ERDATA;
		memcpy(a, p + i + 4, al);
		if (i)
			putc_(w, ' ');
		if (neg)
			putc_(w, '!');
		putu(w, fam);
		putc_(w, ':');
		if (fam == 1)
			putip4(w, a);
		else
			putip6(w, a);
		putc_(w, '/');
		putu(w, pfx);
		i += 4 + al;
	}
	return 0;
}

static int puta6(wr_t *w, const uint8_t *p, size_t n)
{
	if (n < 1 || p[0] > 128)
		return LB_ERDATA;
	unsigned plen = p[0];
	size_t sl = (128 - plen + 7) / 8;
	if (n < 1 + sl)
		return LB_ERDATA;
	uint8_t a[16] = { 0 };
	memcpy(a + 16 - sl, p + 1, sl);
	putu(w, plen);
	/* no suffix at 128: nothing written for it, as BIND writes and reads it */
	if (plen < 128) {
		putc_(w, ' ');
		putip6(w, a);
	}
	size_t used = 1 + sl;
	if (plen > 0) {
		size_t nl;
		putc_(w, ' ');
		if (putname(w, p + used, n - used, &nl) < 0)
			return LB_ERDATA;
		used += nl;
	}
	return used == n ? 0 : LB_ERDATA;
}

/* AMTRELAY (RFC 8777 4.3): "precedence D type relay", relay "." for type 0. */
static int putamt(wr_t *w, const uint8_t *p, size_t n)
{
	if (n < 2)
		return LB_ERDATA;
	unsigned rt = p[1] & 0x7F;
	putu(w, p[0]);
	putc_(w, ' ');
	putc_(w, p[1] & 0x80 ? '1' : '0');
	putc_(w, ' ');
	putu(w, rt);
	putc_(w, ' ');
	size_t used = 2;
	switch (rt) {
	case 0:
		putc_(w, '.');
		break;
	case 1:
		if (n < 6)
			return LB_ERDATA;
		putip4(w, p + 2);
		used += 4;
		break;
	case 2:
		if (n < 18)
			return LB_ERDATA;
		putip6(w, p + 2);
		used += 16;
		break;
	case 3: {
		size_t nl;
		if (putname(w, p + 2, n - 2, &nl) < 0)
			return LB_ERDATA;
		used += nl;
		break;
	}
	default: /* a relay type this printer does not know: RFC 3597 form */
		return LB_ERDATA;
	}
	return used == n ? 0 : LB_ERDATA;
}

/* HIP (RFC 8005 3): "PK-algorithm HIT(hex) PK(base64) rendezvous-servers...". */
static int puthip(wr_t *w, const uint8_t *p, size_t n)
{
	if (n < 4)
		return LB_ERDATA;
	size_t hl = p[0], pl = (size_t)(p[2] << 8 | p[3]);
	if (hl == 0 || pl == 0 || n - 4 < hl || n - 4 - hl < pl)
		return LB_ERDATA;
	putu(w, p[1]);
	putc_(w, ' ');
	puthex(w, p + 4, hl);
	putc_(w, ' ');
	putb64(w, p + 4 + hl, pl);
	size_t i = 4 + hl + pl;
	while (i < n) {
		size_t nl;
		putc_(w, ' ');
		if (putname(w, p + i, n - i, &nl) < 0)
			return LB_ERDATA;
		i += nl;
	}
	return 0;
}

/* The typed form; LB_ERDATA when the bytes do not fit the type. */
static int typed(wr_t *w, uint16_t type, const char *f, const uint8_t *p, size_t n)
{
	size_t i = 0;
	bool sep = false;
	int rc;
	const char *f0 = f;
	for (; *f; f++) {
		size_t left = n - i;
		const char *mn; /* a number's mnemonic (CERT's fields) */
		size_t before = w->len;
		if (sep && *f != 'V')
			putc_(w, ' ');
		switch (*f) {
		case 'a':
			if (left < 4)
				return LB_ERDATA;
			putip4(w, p + i);
			i += 4;
			break;
		case '6':
			if (left < 16)
				return LB_ERDATA;
			putip6(w, p + i);
			i += 16;
			break;
		case 'e': case 'f': {
			size_t k = *f == 'e' ? 6 : 8;
			if (left < k)
				return LB_ERDATA;
			for (size_t j = 0; j < k; j++) {
				if (j)
					putc_(w, '-');
				putc_(w, (char)(hexd[p[i + j] >> 4] | 0x20));
				putc_(w, (char)(hexd[p[i + j] & 15] | 0x20));
			}
			i += k;
			break;
		}
		case 'W': /* four groups of four lower-case hex digits (RFC 6742 2.3) */
			if (left < 8)
				return LB_ERDATA;
			for (size_t j = 0; j < 8; j++) {
				if (j && j % 2 == 0)
					putc_(w, ':');
				putc_(w, (char)(hexd[p[i + j] >> 4] | 0x20));
				putc_(w, (char)(hexd[p[i + j] & 15] | 0x20));
			}
			i += 8;
			break;
		case 'b':
			if (left < 1)
				return LB_ERDATA;
			if ((mn = lb_dns_mnem_text(type, (size_t)(f - f0), p[i])) != NULL)
				puts_(w, mn);
			else
				putu(w, p[i]);
			i += 1;
			break;
		case 's': case 'T': {
			if (left < 2)
				return LB_ERDATA;
			unsigned v = (unsigned)(p[i] << 8 | p[i + 1]);
			if (*f == 'T')
				puttype(w, (uint16_t)v);
			else if ((mn = lb_dns_mnem_text(type, (size_t)(f - f0), v)) != NULL)
				puts_(w, mn);
			else
				putu(w, v);
			i += 2;
			break;
		}
		case 'l': case 'd': case 'E': {
			if (left < 4)
				return LB_ERDATA;
			uint32_t v = (uint32_t)p[i] << 24 | (uint32_t)p[i + 1] << 16 |
				     (uint32_t)p[i + 2] << 8 | p[i + 3];
			if (*f == 'E')
				puttime(w, v);
			else
				putu(w, v);
			i += 4;
			break;
		}
		case 'N': case 'n': {
			size_t nl;
			if ((rc = putname(w, p + i, left, &nl)) < 0)
				return rc;
			i += nl;
			break;
		}
		case 'c':
			if (left < 1 || left - 1 < p[i])
				return LB_ERDATA;
			putquoted(w, p + i + 1, p[i]);
			i += 1 + (size_t)p[i];
			break;
		case 'g': {
			if (left < 1 || p[i] == 0 || left - 1 < p[i])
				return LB_ERDATA;
			for (size_t j = 0; j < p[i]; j++) {
				uint8_t ch = p[i + 1 + j];
				if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') ||
				      (ch >= 'A' && ch <= 'Z')))
					return LB_ERDATA;
			}
			put(w, (const char *)p + i + 1, p[i]);
			i += 1 + (size_t)p[i];
			break;
		}
		case 'x': case 'h':
			if (left < 1 || left - 1 < p[i] || (*f == 'h' && p[i] == 0))
				return LB_ERDATA;
			if (*f == 'h')
				putb32hex(w, p + i + 1, p[i]);
			else if (p[i] == 0)
				putc_(w, '-');
			else
				puthex(w, p + i + 1, p[i]);
			i += 1 + (size_t)p[i];
			break;
		case 'G': {
			if (i < 2)
				return LB_ERDATA;
			switch (p[1]) {
			case 0: putc_(w, '.'); break;
			case 1:
				if (left < 4)
					return LB_ERDATA;
				putip4(w, p + i);
				i += 4;
				break;
			case 2:
				if (left < 16)
					return LB_ERDATA;
				putip6(w, p + i);
				i += 16;
				break;
			case 3: {
				size_t nl;
				if ((rc = putname(w, p + i, left, &nl)) < 0)
					return rc;
				i += nl;
				break;
			}
			default: return LB_ERDATA;
			}
			break;
		}
		case 'C': {
			if (left < 1)
				return LB_ERDATA;
			size_t j = i;
			while (j < n) {
				size_t l = p[j];
				if (n - j - 1 < l)
					return LB_ERDATA;
				if (j != i)
					putc_(w, ' ');
				putquoted(w, p + j + 1, l);
				j += 1 + l;
			}
			i = n;
			break;
		}
		case 'H':
			puthex(w, p + i, left);
			i = n;
			break;
		case 'J': /* EID, NIMLOC: upper-case hex, as BIND (none: \#) */
			if (left == 0)
				return LB_ERDATA;
			puthex(w, p + i, left);
			i = n;
			break;
		case 'K': /* NSAP (RFC 1706 7): "0x", the octets in lower-case hex */
			if (left == 0)
				return LB_ERDATA;
			put(w, "0x", 2);
			putlhex(w, p + i, left);
			i = n;
			break;
		case 'F': /* ATMA as BIND writes it: format 0 (AESA) the address in
			   * lower-case hex, format 1 (E.164) '+' and its digits.
			   * No address, another format or a non-digit in an E.164
			   * one: \# (BIND refuses such rdata). */
			if (left < 2 || p[i] > 1)
				return LB_ERDATA;
			if (p[i] == 0) {
				putlhex(w, p + i + 1, left - 1);
			} else {
				for (size_t j = i + 1; j < n; j++)
					if (p[j] < '0' || p[j] > '9')
						return LB_ERDATA;
				putc_(w, '+');
				put(w, (const char *)p + i + 1, left - 1);
			}
			i = n;
			break;
		case 'B':
			putb64(w, p + i, left);
			i = n;
			break;
		case 'M':
			if ((rc = putbitmap(w, p + i, left)) < 0)
				return rc;
			i = n;
			break;
		case 'O': /* NXT: bit k of the map is type k */
			if (left > 16 || (left > 0 && p[n - 1] == 0))
				return LB_ERDATA; /* non-minimal map: keep the bytes via \# */
			putbits(w, p + i, left, true);
			i = n;
			break;
		case 'P': /* WKS: bit k of the map is port k */
			if (left > 0 && p[n - 1] == 0)
				return LB_ERDATA; /* non-minimal map: keep the bytes via \# */
			putbits(w, p + i, left, false);
			i = n;
			break;
		case 'Q':
			putquoted(w, p + i, left);
			i = n;
			break;
		case 'V':
			if ((rc = putsvcparams(w, p + i, left)) < 0)
				return rc;
			i = n;
			break;
		case 'Y':
			if ((rc = putapl(w, p + i, left)) < 0)
				return rc;
			i = n;
			break;
		case 'L':
			if ((rc = putloc(w, p, n)) < 0)
				return rc;
			i = n;
			break;
		case 'Z':
			if ((rc = puta6(w, p, n)) < 0)
				return rc;
			i = n;
			break;
		case 'R':
			if ((rc = putamt(w, p, n)) < 0)
				return rc;
			i = n;
			break;
		case 'S': /* SINK: three octets, then the data in base64 */
			if (n < 3)
				return LB_ERDATA;
			return typed(w, type, "bbbB", p, n);
		case 'I':
			if ((rc = puthip(w, p, n)) < 0)
				return rc;
			i = n;
			break;
		default:
			return LB_ERDATA;
		}
		/* a field that printed nothing (empty rest) takes no separator */
		if (sep && w->len == before + 1 && !w->over)
			w->len = before;
		sep = true;
	}
	return i == n ? 0 : LB_ERDATA;
}

static void generic(wr_t *w, const uint8_t *p, size_t n)
{
	puts_(w, "\\# ");
	putu(w, n);
	if (n) {
		putc_(w, ' ');
		puthex(w, p, n);
	}
}

int lb_rdata_to_text(uint16_t type, const uint8_t *rdata, size_t rdlen, char *out,
		     size_t outsz)
{
	if (outsz == 0)
		return LB_ESPACE;
	wr_t w = { .p = out, .cap = outsz - 1, .len = 0, .over = false };
	const char *f = lb_dns_rdata_fmt(type);
	int rc = LB_ERDATA;
	/* an empty rdata kept for a typed layout (a TXT of no string, an NSAP
	 * of no octet: malformed, rdata.c) has no typed text: "\# 0" */
	if (f && rdlen > 0)
		rc = typed(&w, type, f, rdata, rdlen);
	if (rc == LB_ERDATA) {
		w.len = 0;
		w.over = false;
		generic(&w, rdata, rdlen);
	}
	if (w.over)
		return LB_ESPACE;
	out[w.len] = 0;
	return (int)w.len;
}
