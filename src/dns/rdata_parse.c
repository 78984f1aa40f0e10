/*
 * rdata_parse.c - presentation text -> canonical wire rdata.
 *
 * Driven by the same layouts as the printer (dns_impl.h).  Tokens are split
 * on blanks; quoted strings keep their blanks; '(' and ')' are ignored and ';'
 * starts a comment (zone-file habits).  The wire built is then run through
 * lb_rdata_canon, so text and wire input obey one set of layout rules.  The
 * tokenizer and the decoders it shares with rdata_parse_svcb.c (SvcParams)
 * and rdata_parse_misc.c (LOC, A6, APL, AMTRELAY, HIP) are in
 * rdata_parse_impl.h.
 */
#include "dns/rdata.h"
#include "dns/rdata_parse_impl.h"
#include "dns/name.h"
#include "dns/rrtype.h"
#include "util/civil.h"

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* base32hex, no padding; leftover bits must be zero. */
static int b32hex(const char *s, size_t n, lb_rdp_out_t *o)
{
	uint32_t acc = 0;
	int bits = 0;
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];
		int v;
		if (ch >= '0' && ch <= '9') v = ch - '0';
		else if (ch >= 'A' && ch <= 'V') v = ch - 'A' + 10;
		else if (ch >= 'a' && ch <= 'v') v = ch - 'a' + 10;
		else return LB_ETEXT;
		acc = (acc << 5) | (uint32_t)v;
		bits += 5;
		if (bits >= 8) {
			lb_rdp_emit8(o, (acc >> (bits - 8)) & 0xFF);
			bits -= 8;
		}
	}
	if (bits >= 5 || (acc & ((1u << bits) - 1)))
		return LB_ETEXT;
	return 0;
}

static int parse_time(const char *s, size_t n, uint32_t *t)
{
	unsigned long v;
	if (n == 14) {
		unsigned long f[6];
		static const size_t w[6] = { 4, 2, 2, 2, 2, 2 };
		size_t at = 0;
		for (int k = 0; k < 6; k++) {
			if (lb_rdp_num(s + at, w[k], 9999, &f[k]) < 0)
				return LB_ETEXT;
			at += w[k];
		}
		/* BIND's ranges (dns_time64_fromtext): years 0-9999, the month's
		 * own days, a leap second; the seconds since 1970 (negative
		 * before) kept modulo 2^32 (RFC 4034 3.1.5: serial arithmetic) */
		if (f[1] < 1 || f[1] > 12 || f[2] < 1 || f[2] > lb_month_days((int64_t)f[0], (unsigned)f[1]) ||
		    f[3] > 23 || f[4] > 59 || f[5] > 60)
			return LB_ETEXT;
		int64_t secs = lb_days_from_civil((int64_t)f[0], (unsigned)f[1], (unsigned)f[2]) * 86400 +
			       (int64_t)(f[3] * 3600 + f[4] * 60 + f[5]);
		*t = (uint32_t)(uint64_t)secs;
		return 0;
	}
	if (lb_rdp_num(s, n, 4294967295UL, &v) < 0)
		return LB_ETEXT;
	*t = (uint32_t)v;
	return 0;
}

/* Type bitmap (NSEC form) from type tokens. */
static int bitmap(lb_rdp_tok_t *t, lb_rdp_out_t *o)
{
	uint8_t map[256][32];
	uint8_t wlen[256];
	memset(wlen, 0, sizeof wlen);
	const char *s;
	size_t n;
	bool q;
	int r;
	while ((r = lb_rdp_next(t, &s, &n, &q)) == 1) {
		char b[16];
		uint16_t ty;
		if (q || lb_rdp_cstr(s, n, b, sizeof b) < 0 || lb_rrtype_from_text(b, &ty) < 0)
			return LB_ETEXT;
		unsigned win = ty >> 8, bit = ty & 255;
		if (wlen[win] == 0)
			memset(map[win], 0, 32);
		if (wlen[win] < bit / 8 + 1)
			wlen[win] = (uint8_t)(bit / 8 + 1);
		map[win][bit / 8] |= (uint8_t)(0x80 >> (bit % 8));
	}
	if (r < 0)
		return r;
	for (unsigned win = 0; win < 256; win++) {
		if (!wlen[win])
			continue;
		lb_rdp_emit8(o, win);
		lb_rdp_emit8(o, wlen[win]);
		lb_rdp_emit(o, map[win], wlen[win]);
	}
	return 0;
}

/* Old-style bitmaps (NXT types < 128, WKS ports): bit k = value k. */
static int flatmap(lb_rdp_tok_t *t, lb_rdp_out_t *o, bool ports)
{
	uint8_t map[8192];
	size_t len = 0;
	const char *s;
	size_t n;
	bool q;
	int r;
	while ((r = lb_rdp_next(t, &s, &n, &q)) == 1) {
		unsigned long v;
		if (ports) {
			if (q || lb_rdp_num(s, n, 65535, &v) < 0)
				return LB_ETEXT;
		} else {
			char b[16];
			uint16_t ty;
			if (q || lb_rdp_cstr(s, n, b, sizeof b) < 0 ||
			    lb_rrtype_from_text(b, &ty) < 0 ||
			    ty > 127)
				return LB_ETEXT;
			v = ty;
		}
		while (len < v / 8 + 1)
			map[len++] = 0;
		map[v / 8] |= (uint8_t)(0x80 >> (v % 8));
	}
	if (r < 0)
		return r;
	lb_rdp_emit(o, map, len);
	return 0;
}

int lb_ttl_from_text(const char *t, size_t len, uint32_t *out)
{
	uint64_t total = 0, cur = 0;
	bool digits = false, unit = false;
	for (size_t i = 0; i < len; i++) {
		char c = t[i];
		if (c >= '0' && c <= '9') {
			cur = cur * 10 + (uint64_t)(c - '0');
			digits = true;
			if (cur > UINT32_MAX)
				return LB_ETEXT;
			continue;
		}
		c = (char)(c | 0x20);
		uint64_t m = c == 's' ? 1 : c == 'm' ? 60 : c == 'h' ? 3600 : c == 'd' ? 86400 :
			     c == 'w' ? 604800 : 0;
		if (!m || !digits)
			return LB_ETEXT;
		total += cur * m;
		cur = 0;
		digits = false;
		unit = true;
		if (total > UINT32_MAX)
			return LB_ETEXT;
	}
	if (digits)
		total += cur;
	else if (!unit)
		return LB_ETEXT;
	if (total > UINT32_MAX)
		return LB_ETEXT;
	*out = (uint32_t)total;
	return 0;
}

/* A number up to max, or one of the field's mnemonics (any case): field fi
 * (0-based, in the layout) of type. */
static int num_or_mnem(uint16_t type, size_t fi, const char *s, size_t n, unsigned long max,
		       unsigned long *v)
{
	if (lb_rdp_num(s, n, max, v) == 0)
		return 0;
	unsigned m;
	if (lb_dns_mnem_value(type, fi, s, n, &m) < 0 || m > max)
		return LB_ETEXT;
	*v = m;
	return 0;
}

/* ---- the layout walker ---- */

static int typed(uint16_t type, const char *f, lb_rdp_tok_t *t, const uint8_t *origin,
		 lb_rdp_out_t *o)
{
	const char *s;
	size_t n;
	bool q;
	int r;
	const char *f0 = f;
	for (; *f; f++) {
		/* fields that take the rest of the text */
		switch (*f) {
		case 'C': {
			int cnt = 0;
			while ((r = lb_rdp_next(t, &s, &n, &q)) == 1) {
				uint8_t b[255];
				int l = lb_rdp_unescape(s, n, b, sizeof b);
				if (l < 0)
					return LB_ETEXT;
				lb_rdp_emit8(o, (unsigned)l);
				lb_rdp_emit(o, b, (size_t)l);
				cnt++;
			}
			if (r < 0 || cnt == 0)
				return LB_ETEXT;
			continue;
		}
		case 'H': case 'J': { /* J: one octet at least (EID, NIMLOC, as BIND) */
			lb_rdp_hexacc_t h = { -1 };
			size_t start = o->len;
			while ((r = lb_rdp_next(t, &s, &n, &q)) == 1)
				if (q || lb_rdp_hex_feed(&h, o, s, n) < 0)
					return LB_ETEXT;
			if (r < 0 || h.half >= 0 || (*f == 'J' && !o->over && o->len == start))
				return LB_ETEXT;
			continue;
		}
		case 'B': {
			lb_rdp_b64acc_t b = { 0, 0, 0 };
			while ((r = lb_rdp_next(t, &s, &n, &q)) == 1)
				if (q || lb_rdp_b64_feed(&b, o, s, n) < 0)
					return LB_ETEXT;
			if (r < 0 || lb_rdp_b64_end(&b) < 0)
				return LB_ETEXT;
			continue;
		}
		case 'M':
			if (bitmap(t, o) < 0)
				return LB_ETEXT;
			continue;
		case 'O': case 'P':
			if (flatmap(t, o, *f == 'P') < 0)
				return LB_ETEXT;
			continue;
		case 'V':
			if (lb_rdp_svcparams(t, o) < 0)
				return LB_ETEXT;
			continue;
		case 'L':
			return lb_rdp_loc(t, o);
		case 'Z':
			return lb_rdp_a6(t, origin, o);
		case 'Y':
			return lb_rdp_apl(t, o);
		case 'R':
			return lb_rdp_amtrelay(t, origin, o);
		case 'I':
			return lb_rdp_hip(t, origin, o);
		case 'S': /* SINK: meaning coding subcoding [base64] */
			return typed(type, "bbbB", t, origin, o);
		default:
			break;
		}
		if ((r = lb_rdp_next(t, &s, &n, &q)) != 1)
			return LB_ETEXT;
		char b[80];
		unsigned long v;
		switch (*f) {
		case 'a': case '6': {
			uint8_t a[16];
			if (q || lb_rdp_cstr(s, n, b, sizeof b) < 0 ||
			    inet_pton(*f == 'a' ? AF_INET : AF_INET6, b, a) != 1)
				return LB_ETEXT;
			lb_rdp_emit(o, a, *f == 'a' ? 4 : 16);
			break;
		}
		case 'e': case 'f': {
			size_t k = *f == 'e' ? 6 : 8;
			if (q || n != k * 3 - 1)
				return LB_ETEXT;
			for (size_t j = 0; j < k; j++) {
				int hi = lb_hex_digit(s[3 * j]), lo = lb_hex_digit(s[3 * j + 1]);
				if (hi < 0 || lo < 0 || (j + 1 < k && s[3 * j + 2] != '-'))
					return LB_ETEXT;
				lb_rdp_emit8(o, (unsigned)(hi << 4 | lo));
			}
			break;
		}
		case 'W': { /* xxxx:xxxx:xxxx:xxxx, 1 to 4 hex digits a group */
			if (q)
				return LB_ETEXT;
			size_t j = 0;
			for (int g = 0; g < 4; g++) {
				unsigned gv = 0, nd = 0;
				if (g) {
					if (j == n || s[j] != ':')
						return LB_ETEXT;
					j++;
				}
				for (; j < n && s[j] != ':'; j++, nd++) {
					int hv = lb_hex_digit(s[j]);
					if (hv < 0 || nd == 4)
						return LB_ETEXT;
					gv = gv << 4 | (unsigned)hv;
				}
				if (nd == 0)
					return LB_ETEXT;
				lb_rdp_emit16(o, gv);
			}
			if (j != n)
				return LB_ETEXT;
			break;
		}
		case 'b':
			if (q || num_or_mnem(type, (size_t)(f - f0), s, n, 255, &v) < 0)
				return LB_ETEXT;
			lb_rdp_emit8(o, (unsigned)v);
			break;
		case 's':
			if (q || num_or_mnem(type, (size_t)(f - f0), s, n, 65535, &v) < 0)
				return LB_ETEXT;
			lb_rdp_emit16(o, (unsigned)v);
			break;
		case 'l':
			if (q || lb_rdp_num(s, n, 4294967295UL, &v) < 0)
				return LB_ETEXT;
			lb_rdp_emit32(o, (uint32_t)v);
			break;
		case 'd': {
			uint32_t d;
			if (q || lb_ttl_from_text(s, n, &d) < 0)
				return LB_ETEXT;
			lb_rdp_emit32(o, d);
			break;
		}
		case 'T': {
			uint16_t ty;
			if (q || lb_rdp_cstr(s, n, b, sizeof b) < 0 ||
			    lb_rrtype_from_text(b, &ty) < 0)
				return LB_ETEXT;
			lb_rdp_emit16(o, ty);
			break;
		}
		case 'E': {
			uint32_t tm;
			if (q || parse_time(s, n, &tm) < 0)
				return LB_ETEXT;
			lb_rdp_emit32(o, tm);
			break;
		}
		case 'N': case 'n': name: {
			uint8_t nm[LB_NAME_MAX];
			int l = lb_name_from_text(s, n, origin, nm, sizeof nm);
			if (q || l < 0)
				return LB_ETEXT;
			lb_rdp_emit(o, nm, (size_t)l);
			break;
		}
		case 'c': {
			uint8_t cs[255];
			int l = lb_rdp_unescape(s, n, cs, sizeof cs);
			if (l < 0)
				return LB_ETEXT;
			lb_rdp_emit8(o, (unsigned)l);
			lb_rdp_emit(o, cs, (size_t)l);
			break;
		}
		case 'g':
			if (q || n == 0 || n > 255)
				return LB_ETEXT;
			for (size_t j = 0; j < n; j++) {
				char ch = s[j];
				if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') ||
				      (ch >= 'A' && ch <= 'Z')))
					return LB_ETEXT;
			}
			lb_rdp_emit8(o, (unsigned)n);
			lb_rdp_emit(o, s, n);
			break;
		case 'x': {
			if (q)
				return LB_ETEXT;
			if (n == 1 && s[0] == '-') {
				lb_rdp_emit8(o, 0);
				break;
			}
			if (n % 2 || n / 2 > 255)
				return LB_ETEXT;
			lb_rdp_hexacc_t h = { -1 };
			lb_rdp_emit8(o, (unsigned)(n / 2));
			if (lb_rdp_hex_feed(&h, o, s, n) < 0)
				return LB_ETEXT;
			break;
		}
		case 'h': {
			uint8_t hb[255];
			lb_rdp_out_t ho = { .p = hb, .cap = sizeof hb, .len = 0, .over = false };
			if (q || b32hex(s, n, &ho) < 0 || ho.over || ho.len == 0)
				return LB_ETEXT;
			lb_rdp_emit8(o, (unsigned)ho.len);
			lb_rdp_emit(o, hb, ho.len);
			break;
		}
		case 'G': {
			if (o->len < 2 || q)
				return LB_ETEXT;
			unsigned gt = o->p[1];
			if (gt == 0) {
				if (n != 1 || s[0] != '.')
					return LB_ETEXT;
			} else if (gt == 1 || gt == 2) {
				uint8_t a[16];
				if (lb_rdp_cstr(s, n, b, sizeof b) < 0 ||
				    inet_pton(gt == 1 ? AF_INET : AF_INET6, b, a) != 1)
					return LB_ETEXT;
				lb_rdp_emit(o, a, gt == 1 ? 4 : 16);
			} else if (gt == 3) {
				goto name;
			} else {
				return LB_ETEXT;
			}
			break;
		}
		case 'K': { /* NSAP (RFC 1706 7): "0x" then hex digits, '.'s anywhere
			     * among them ignored (BIND takes them between octets
			     * only); one octet at least */
			if (q || n < 3 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
				return LB_ETEXT;
			lb_rdp_hexacc_t h = { -1 };
			size_t start = o->len;
			for (size_t j = 2; j < n; j++)
				if (s[j] != '.' && lb_rdp_hex_feed(&h, o, s + j, 1) < 0)
					return LB_ETEXT;
			if (h.half >= 0 || (!o->over && o->len == start))
				return LB_ETEXT;
			break;
		}
		case 'F': { /* ATMA: "+digits" (E.164, format 1) or hex digits
			     * (AESA, format 0), one digit (octet) at least; a '.'
			     * only between two digits, as BIND reads it */
			if (q)
				return LB_ETEXT;
			bool e164 = n > 0 && s[0] == '+';
			size_t j0 = e164 ? 1 : 0, start = o->len + 1;
			lb_rdp_hexacc_t h = { -1 };
			lb_rdp_emit8(o, e164 ? 1 : 0);
			for (size_t j = j0; j < n; j++) {
				if (s[j] == '.') {
					if (j == j0 || j + 1 == n || s[j - 1] == '.' || s[j + 1] == '.')
						return LB_ETEXT;
				} else if (e164) {
					if (s[j] < '0' || s[j] > '9')
						return LB_ETEXT;
					lb_rdp_emit8(o, (unsigned)s[j]);
				} else if (lb_rdp_hex_feed(&h, o, s + j, 1) < 0) {
					return LB_ETEXT;
				}
			}
			if (h.half >= 0 || (!o->over && o->len == start))
				return LB_ETEXT;
			break;
		}
		case 'Q': {
			static __thread uint8_t qb[65535];
			int l = lb_rdp_unescape(s, n, qb, sizeof qb);
			if (l < 0)
				return LB_ETEXT;
			lb_rdp_emit(o, qb, (size_t)l);
			break;
		}
		default:
			return LB_ETEXT;
		}
	}
	return lb_rdp_more(t) ? LB_ETEXT : 0;
}

static int generic(lb_rdp_tok_t *t, lb_rdp_out_t *o)
{
	const char *s;
	size_t n;
	bool q;
	unsigned long len;
	if (lb_rdp_next(t, &s, &n, &q) != 1 || q || lb_rdp_num(s, n, 65535, &len) < 0)
		return LB_ETEXT;
	lb_rdp_hexacc_t h = { -1 };
	size_t start = o->len;
	int r;
	while ((r = lb_rdp_next(t, &s, &n, &q)) == 1)
		if (q || lb_rdp_hex_feed(&h, o, s, n) < 0)
			return LB_ETEXT;
	if (r < 0 || h.half >= 0)
		return LB_ETEXT;
	if (!o->over && o->len - start != len)
		return LB_ETEXT;
	return 0;
}

int lb_rdata_from_text(uint16_t type, const char *text, size_t textlen,
		       const uint8_t *origin, uint8_t *out, size_t outsz)
{
	lb_rdp_tok_t t = { text, text + textlen };
	lb_rdp_out_t o = { .p = out, .cap = outsz, .len = 0, .over = false };
	const char *s;
	size_t n;
	bool q;
	int rc;
	lb_rdp_tok_t peek = t;
	if (lb_rdp_next(&peek, &s, &n, &q) == 1 && !q && n == 2 && s[0] == '\\' && s[1] == '#') {
		t = peek;
		rc = generic(&t, &o);
	} else {
		const char *f = lb_dns_rdata_fmt(type);
		if (!f)
			return LB_ETEXT; /* no typed form known: "\# len hex" only */
		rc = typed(type, f, &t, origin, &o);
	}
	if (o.over)
		return LB_ESPACE;
	if (rc < 0)
		return rc;
	if (!lb_dns_rdata_fmt(type))
		return (int)o.len;

	/* One set of layout rules: validate (and lower-case) through the wire path.
	 * The result must be the same bytes up to case, i.e. no compression pointers. */
	uint8_t *tmp = malloc(o.len ? o.len : 1);
	if (!tmp)
		return LB_ENOMEM;
	int cl = lb_rdata_canon(type, out, o.len, 0, o.len, tmp, o.len);
	if (cl >= 0 && (size_t)cl == o.len) {
		for (size_t i = 0; i < o.len; i++) {
			if (lb_dns_lower[tmp[i]] != lb_dns_lower[out[i]]) {
				cl = LB_ETEXT;
				break;
			}
		}
	} else {
		cl = LB_ETEXT;
	}
	if (cl >= 0)
		memcpy(out, tmp, o.len);
	free(tmp);
	return cl;
}
