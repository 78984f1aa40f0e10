/*
 * name.c - DNS name rules, written once: reading (with the strictly-backwards
 * compression rule), checking, text in both directions, label reversal.
 */
#include "dns/name.h"
#include "dns/dns_impl.h"
#include "dns/name_read.h"

#include <string.h>

/* ASCII lower-casing table; every other byte maps to itself. */
const uint8_t lb_dns_lower[256] = {
#define R(i) (uint8_t)((i) >= 'A' && (i) <= 'Z' ? (i) + 32 : (i))
#define R4(i) R(i), R(i + 1), R(i + 2), R(i + 3)
#define R16(i) R4(i), R4(i + 4), R4(i + 8), R4(i + 12)
#define R64(i) R16(i), R16(i + 16), R16(i + 32), R16(i + 48)
	R64(0), R64(64), R64(128), R64(192)
#undef R64
#undef R16
#undef R4
#undef R
};

int lb_name_read(lb_cur_t *c, const uint8_t *msg, size_t msglen, uint8_t *out,
		 size_t *outlen, bool lower)
{
	return lb_dns_name_read(c, msg, msglen, out, outlen, lower);
}

int lb_name_check(const uint8_t *buf, size_t len)
{
	/* Every owner of every observation passes here: one load and three
	 * compares per label.  e is where the next label's length byte is:
	 * it must be inside the name's 255 bytes (room for the root label
	 * after it) and inside buf. */
	if (len == 0)
		return LB_ETRUNC;
	size_t n = 0;
	for (;;) {
		unsigned l = buf[n];
		if (l == 0)
			return (int)(n + 1);
		if (l > LB_LABEL_MAX)
			return (l & 0xC0) == 0xC0 ? LB_EPTR : LB_ELABEL;
		size_t e = n + 1 + l;
		if (e >= LB_NAME_MAX)
			return LB_ENAMELEN;
		if (e >= len)
			return LB_ETRUNC;
		n = e;
	}
}

int lb_name_labels(const uint8_t *name)
{
	int k = 0;
	while (*name) {
		k++;
		name += 1 + *name;
	}
	return k;
}

void lb_name_lower(uint8_t *name)
{
	while (*name) {
		unsigned l = *name++;
		for (unsigned i = 0; i < l; i++)
			name[i] = lb_dns_lower[name[i]];
		name += l;
	}
}

/* 0 = print as is, 1 = backslash + char, 2 = \DDD.  As BIND, dnspython and
 * DNSDB's wdns print a name: a space is \032 (not "\ "), like every other
 * byte outside '!'..'~'. */
static const uint8_t name_esc[256] = {
	[0 ... 0x20] = 2, [0x7f ... 0xff] = 2,
	['.'] = 1, ['\\'] = 1, ['"'] = 1, ['('] = 1, [')'] = 1, [';'] = 1, ['@'] = 1,
	['$'] = 1,
};

int lb_name_to_text(const uint8_t *name, char *out, size_t outsz)
{
	size_t o = 0;
	if (*name == 0) {
		if (outsz < 2)
			return LB_ESPACE;
		out[0] = '.';
		out[1] = 0;
		return 1;
	}
	while (*name) {
		unsigned l = *name++;
		for (unsigned i = 0; i < l; i++) {
			uint8_t ch = name[i];
			size_t need = name_esc[ch] == 0 ? 1 : name_esc[ch] == 1 ? 2 : 4;
			if (outsz - o < need + 2) /* + the dot and the NUL */
				return LB_ESPACE;
			switch (name_esc[ch]) {
			case 0:
				out[o++] = (char)ch;
				break;
			case 1:
				out[o++] = '\\';
				out[o++] = (char)ch;
				break;
			default:
				out[o++] = '\\';
				out[o++] = (char)('0' + ch / 100);
				out[o++] = (char)('0' + ch / 10 % 10);
				out[o++] = (char)('0' + ch % 10);
			}
		}
		if (outsz - o < 2)
			return LB_ESPACE;
		out[o++] = '.';
		name += l;
	}
	out[o] = 0;
	return (int)o;
}

int lb_name_from_text(const char *text, size_t textlen, const uint8_t *origin, uint8_t *out,
		      size_t outsz)
{
	uint8_t buf[LB_NAME_MAX];
	size_t n = 0;
	if (textlen == 0)
		return LB_ETEXT;
	if (textlen == 1 && text[0] == '@') {
		if (!origin)
			return LB_ETEXT;
		int ol = lb_name_check(origin, LB_NAME_MAX);
		if (ol < 0)
			return ol;
		if ((size_t)ol > outsz)
			return LB_ESPACE;
		memcpy(out, origin, (size_t)ol);
		return ol;
	}
	if (textlen == 1 && text[0] == '.') {
		if (outsz < 1)
			return LB_ESPACE;
		out[0] = 0;
		return 1;
	}
	size_t i = 0;
	bool absolute = false;
	while (i < textlen) {
		size_t lpos = n++;
		size_t l = 0;
		if (n > LB_NAME_MAX - 1)
			return LB_ENAMELEN;
		while (i < textlen && text[i] != '.') {
			unsigned ch = (uint8_t)text[i++];
			if (ch == '\\') {
				int used = lb_dns_unescape1(text + i, textlen - i, &ch);
				if (used < 0)
					return used;
				i += (size_t)used;
			} else if (ch <= 0x20 || ch == 0x7f) {
				return LB_ETEXT; /* unescaped space or control character */
			}
			if (l == LB_LABEL_MAX)
				return LB_ELABEL;
			if (n >= LB_NAME_MAX - 1)
				return LB_ENAMELEN;
			buf[n++] = (uint8_t)ch;
			l++;
		}
		if (l == 0)
			return LB_ETEXT; /* empty label: "a..b", ".a" */
		buf[lpos] = (uint8_t)l;
		if (i < textlen) { /* at a dot */
			i++;
			if (i == textlen)
				absolute = true;
		}
	}
	if (!absolute && origin) {
		int ol = lb_name_check(origin, LB_NAME_MAX);
		if (ol < 0)
			return ol;
		if (n + (size_t)ol > LB_NAME_MAX)
			return LB_ENAMELEN;
		memcpy(buf + n, origin, (size_t)ol);
		n += (size_t)ol;
	} else {
		buf[n++] = 0;
	}
	if (n > outsz)
		return LB_ESPACE;
	memcpy(out, buf, n);
	return (int)n;
}

int lb_name_reverse(const uint8_t *name, uint8_t *out, size_t outsz)
{
	const uint8_t *lab[128];
	int k = 0;
	size_t total = 0;
	while (*name) {
		if (k == 128)
			return LB_ESPACE;
		lab[k++] = name;
		total += 1 + (size_t)*name;
		name += 1 + *name;
	}
	if (total > outsz)
		return LB_ESPACE;
	size_t o = 0;
	while (k > 0) {
		const uint8_t *l = lab[--k];
		memcpy(out + o, l, 1 + (size_t)*l);
		o += 1 + (size_t)*l;
	}
	return (int)o;
}

int lb_name_unreverse(const uint8_t *rev, size_t revlen, uint8_t *out, size_t outsz)
{
	const uint8_t *lab[128];
	int k = 0;
	size_t i = 0;
	while (i < revlen) {
		unsigned l = rev[i];
		if (l == 0 || l > LB_LABEL_MAX || revlen - i < 1 + (size_t)l || k == 128)
			return LB_ECORRUPT;
		lab[k++] = rev + i;
		i += 1 + l;
	}
	if (revlen + 1 > LB_NAME_MAX)
		return LB_ENAMELEN;
	if (revlen + 1 > outsz)
		return LB_ESPACE;
	size_t o = 0;
	while (k > 0) {
		const uint8_t *l = lab[--k];
		memcpy(out + o, l, 1 + (size_t)*l);
		o += 1 + (size_t)*l;
	}
	out[o++] = 0;
	return (int)o;
}

bool lb_name_equal(const uint8_t *a, const uint8_t *b)
{
	for (;;) {
		if (*a != *b)
			return false;
		unsigned l = *a;
		if (l == 0)
			return true;
		for (unsigned i = 1; i <= l; i++)
			if (lb_dns_lower[a[i]] != lb_dns_lower[b[i]])
				return false;
		a += 1 + l;
		b += 1 + l;
	}
}

bool lb_name_is_subdomain(const uint8_t *name, const uint8_t *zone)
{
	int nl = lb_name_labels(name), zl = lb_name_labels(zone);
	if (nl < zl)
		return false;
	for (int i = 0; i < nl - zl; i++)
		name += 1 + *name;
	return lb_name_equal(name, zone);
}
