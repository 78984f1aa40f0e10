/*
 * rdata_parse_misc.c - the rdata forms read as a whole rather than field by
 * field: LOC (RFC 1876 section 3), A6 (RFC 2874 section 3.1.1), APL (RFC 3123
 * section 5), AMTRELAY (RFC 8777 section 4.3) and HIP (RFC 8005 section 3).
 */
#include "dns/rdata_parse_impl.h"
#include "dns/name.h"

#include <arpa/inet.h>
#include <string.h>

/* A decimal with at most fd fraction digits, scaled by 10^fd: "23.5" with
 * fd 3 is 23500.  A leading '-' only with neg; a trailing 'm' only with unit. */
static int fixed(const char *s, size_t n, int fd, bool neg, bool unit, long long max,
		 long long *v)
{
	bool minus = false;
	if (unit && n > 0 && (s[n - 1] == 'm' || s[n - 1] == 'M'))
		n--;
	if (neg && n > 0 && s[0] == '-') {
		minus = true;
		s++;
		n--;
	}
	long long x = 0;
	size_t i = 0, ip = 0;
	for (; i < n && s[i] >= '0' && s[i] <= '9'; i++, ip++) {
		if (ip >= 10)
			return LB_ETEXT;
		x = x * 10 + (s[i] - '0');
	}
	int f = 0;
	if (i < n && s[i] == '.') {
		for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
			if (f == fd)
				return LB_ETEXT;
			x = x * 10 + (s[i] - '0');
			f++;
		}
		if (ip == 0 && f == 0)
			return LB_ETEXT;
	}
	if (i != n || (ip == 0 && f == 0))
		return LB_ETEXT;
	for (; f < fd; f++)
		x *= 10;
	if (x > max)
		return LB_ETEXT;
	*v = minus ? -x : x;
	return 0;
}

/* Degrees [minutes [seconds]] and the hemisphere letter: thousandths of an
 * arc second from the equator or the prime meridian, offset by 2^31. */
static int loc_coord(lb_rdp_tok_t *t, long long maxdeg, char pos, char negc, uint32_t *out)
{
	const char *s;
	size_t n;
	bool q;
	long long part[3] = { 0, 0, 0 };
	static const long long lim[3] = { 180, 59, 59999 };
	static const int fd[3] = { 0, 0, 3 };
	for (int k = 0;; k++) {
		if (lb_rdp_next(t, &s, &n, &q) != 1 || q)
			return LB_ETEXT;
		if (n == 1 && k > 0) {
			char h = (char)(s[0] & ~0x20);
			if (h == pos || h == negc) {
				long long v = part[0] * 3600000 + part[1] * 60000 + part[2];
				if (part[0] > maxdeg || v > maxdeg * 3600000)
					return LB_ETEXT;
				*out = (uint32_t)(2147483648LL + (h == pos ? v : -v));
				return 0;
			}
		}
		if (k == 3 || fixed(s, n, fd[k], false, false, lim[k], &part[k]) < 0)
			return LB_ETEXT;
	}
}

/* Metres (centimetre resolution) -> the size/precision byte: the mantissa
 * and power of ten of the centimetres, the value rounded down. */
static uint8_t loc_prec(long long cm)
{
	unsigned e = 0;
	while (e < 9 && cm >= 10) {
		cm /= 10;
		e++;
	}
	return (uint8_t)((cm > 9 ? 9 : cm) << 4 | e);
}

int lb_rdp_loc(lb_rdp_tok_t *t, lb_rdp_out_t *o)
{
	uint32_t lat, lon;
	if (loc_coord(t, 90, 'N', 'S', &lat) < 0 || loc_coord(t, 180, 'E', 'W', &lon) < 0)
		return LB_ETEXT;
	const char *s;
	size_t n;
	bool q;
	long long alt;
	/* -100000.00 m .. 42849672.95 m: the altitude field is cm above -100 km */
	if (lb_rdp_next(t, &s, &n, &q) != 1 || q ||
	    fixed(s, n, 2, true, true, 4284967295LL, &alt) < 0 ||
	    alt < -10000000LL || alt + 10000000LL > 4294967295LL)
		return LB_ETEXT;
	/* size 1 m, horizontal precision 10 km, vertical 10 m unless given */
	long long v[3] = { 100, 1000000, 1000 };
	int r;
	for (int k = 0; k < 3 && (r = lb_rdp_next(t, &s, &n, &q)) != 0; k++)
		if (r < 0 || q || fixed(s, n, 2, false, true, 9000000000LL, &v[k]) < 0)
			return LB_ETEXT;
	lb_rdp_emit8(o, 0);
	for (int k = 0; k < 3; k++)
		lb_rdp_emit8(o, loc_prec(v[k]));
	lb_rdp_emit32(o, lat);
	lb_rdp_emit32(o, lon);
	lb_rdp_emit32(o, (uint32_t)(alt + 10000000LL));
	return lb_rdp_more(t) ? LB_ETEXT : 0;
}

int lb_rdp_a6(lb_rdp_tok_t *t, const uint8_t *origin, lb_rdp_out_t *o)
{
	const char *s;
	size_t n;
	bool q;
	unsigned long plen;
	char b[64];
	uint8_t a[16];
	if (lb_rdp_next(t, &s, &n, &q) != 1 || q || lb_rdp_num(s, n, 128, &plen) < 0)
		return LB_ETEXT;
	if (lb_rdp_next(t, &s, &n, &q) != 1 || q)
		return LB_ETEXT;
	/* At 128 there is no suffix: BIND writes and reads "128 name"; an
	 * address before the name ("128 :: name", RFC 2874's order with the
	 * empty suffix written out) is read too.  A single token is the name. */
	bool have_addr = true;
	if (plen == 128) {
		const char *s2;
		size_t n2;
		bool q2;
		int r = lb_rdp_next(t, &s2, &n2, &q2);
		if (r < 0 || (r == 1 && q2))
			return LB_ETEXT;
		if (r == 0) {
			have_addr = false; /* s, n: the name */
		} else {
			if (lb_rdp_cstr(s, n, b, sizeof b) < 0 || inet_pton(AF_INET6, b, a) != 1)
				return LB_ETEXT;
			s = s2;
			n = n2;
		}
	} else if (lb_rdp_cstr(s, n, b, sizeof b) < 0 || inet_pton(AF_INET6, b, a) != 1) {
		return LB_ETEXT;
	}
	size_t sl = (128 - plen + 7) / 8;
	lb_rdp_emit8(o, (unsigned)plen);
	/* the suffix's octets as written: padding bits set in them (RFC 2874
	 * wants zeros) print back in the address, so text and wire round-trip */
	lb_rdp_emit(o, a + 16 - sl, sl);
	if (plen > 0) {
		uint8_t nm[LB_NAME_MAX];
		int l;
		if (have_addr && plen < 128 && (lb_rdp_next(t, &s, &n, &q) != 1 || q))
			return LB_ETEXT;
		if ((l = lb_name_from_text(s, n, origin, nm, sizeof nm)) < 0)
			return LB_ETEXT;
		lb_rdp_emit(o, nm, (size_t)l);
	}
	return lb_rdp_more(t) ? LB_ETEXT : 0;
}

/* Items "[!]afi:address/prefix", none or more; the address's trailing zero
 * octets are left out of the wire. */
int lb_rdp_apl(lb_rdp_tok_t *t, lb_rdp_out_t *o)
{
	const char *s;
	size_t n;
	bool q;
	int r;
	while ((r = lb_rdp_next(t, &s, &n, &q)) == 1) {
		if (q)
			return LB_ETEXT;
		bool neg = n > 0 && s[0] == '!';
		const char *p = s + neg, *end = s + n;
		const char *colon = memchr(p, ':', (size_t)(end - p));
		if (!colon)
			return LB_ETEXT;
		const char *slash = colon;
		for (const char *c = colon; c < end; c++)
			if (*c == '/')
				slash = c;
		unsigned long fam, pfx;
		char b[64];
		uint8_t a[16];
		if (slash == colon || lb_rdp_num(p, (size_t)(colon - p), 65535, &fam) < 0 ||
		    (fam != 1 && fam != 2) ||
		    lb_rdp_num(slash + 1, (size_t)(end - slash - 1), fam == 1 ? 32 : 128,
			       &pfx) < 0 ||
		    lb_rdp_cstr(colon + 1, (size_t)(slash - colon - 1), b, sizeof b) < 0 ||
		    inet_pton(fam == 1 ? AF_INET : AF_INET6, b, a) != 1)
			return LB_ETEXT;
		size_t al = fam == 1 ? 4 : 16;
		while (al > 0 && a[al - 1] == 0)
			al--;
		lb_rdp_emit16(o, (unsigned)fam);
		lb_rdp_emit8(o, (unsigned)pfx);
		lb_rdp_emit8(o, (unsigned)(neg ? 0x80 : 0) | (unsigned)al);
		lb_rdp_emit(o, a, al);
	}
	return r < 0 ? LB_ETEXT : 0;
}

/* AMTRELAY (RFC 8777 4.3): precedence, D bit, relay type, relay. */
int lb_rdp_amtrelay(lb_rdp_tok_t *t, const uint8_t *origin, lb_rdp_out_t *o)
{
	const char *s;
	size_t n;
	bool q;
	unsigned long prec, d, rt;
	char b[64];
	if (lb_rdp_next(t, &s, &n, &q) != 1 || q || lb_rdp_num(s, n, 255, &prec) < 0 ||
	    lb_rdp_next(t, &s, &n, &q) != 1 || q || lb_rdp_num(s, n, 1, &d) < 0 ||
	    lb_rdp_next(t, &s, &n, &q) != 1 || q || lb_rdp_num(s, n, 3, &rt) < 0 ||
	    lb_rdp_next(t, &s, &n, &q) != 1 || q)
		return LB_ETEXT;
	lb_rdp_emit8(o, (unsigned)prec);
	lb_rdp_emit8(o, (unsigned)(d << 7 | rt));
	if (rt == 0) {
		if (n != 1 || s[0] != '.')
			return LB_ETEXT;
	} else if (rt == 1 || rt == 2) {
		uint8_t a[16];
		if (lb_rdp_cstr(s, n, b, sizeof b) < 0 ||
		    inet_pton(rt == 1 ? AF_INET : AF_INET6, b, a) != 1)
			return LB_ETEXT;
		lb_rdp_emit(o, a, rt == 1 ? 4 : 16);
	} else {
		uint8_t nm[LB_NAME_MAX];
		int l = lb_name_from_text(s, n, origin, nm, sizeof nm);
		if (l < 0)
			return LB_ETEXT;
		lb_rdp_emit(o, nm, (size_t)l);
	}
	return lb_rdp_more(t) ? LB_ETEXT : 0;
}

/* HIP (RFC 8005 3): PK algorithm, HIT in hex, PK in base64, then names. */
int lb_rdp_hip(lb_rdp_tok_t *t, const uint8_t *origin, lb_rdp_out_t *o)
{
	const char *s;
	size_t n;
	bool q;
	unsigned long alg;
	if (lb_rdp_next(t, &s, &n, &q) != 1 || q || lb_rdp_num(s, n, 255, &alg) < 0)
		return LB_ETEXT;
	uint8_t hit[255];
	static __thread uint8_t pk[65535];
	lb_rdp_out_t ho = { .p = hit, .cap = sizeof hit, .len = 0, .over = false };
	lb_rdp_out_t po = { .p = pk, .cap = sizeof pk, .len = 0, .over = false };
	lb_rdp_hexacc_t h = { -1 };
	lb_rdp_b64acc_t b = { 0, 0, 0 };
	if (lb_rdp_next(t, &s, &n, &q) != 1 || q || lb_rdp_hex_feed(&h, &ho, s, n) < 0 ||
	    h.half >= 0 ||
	    ho.over || ho.len == 0)
		return LB_ETEXT;
	if (lb_rdp_next(t, &s, &n, &q) != 1 || q || lb_rdp_b64_feed(&b, &po, s, n) < 0 ||
	    lb_rdp_b64_end(&b) < 0 ||
	    po.over || po.len == 0)
		return LB_ETEXT;
	lb_rdp_emit8(o, (unsigned)ho.len);
	lb_rdp_emit8(o, (unsigned)alg);
	lb_rdp_emit16(o, (unsigned)po.len);
	lb_rdp_emit(o, hit, ho.len);
	lb_rdp_emit(o, pk, po.len);
	int r;
	while ((r = lb_rdp_next(t, &s, &n, &q)) == 1) {
		uint8_t nm[LB_NAME_MAX];
		int l = lb_name_from_text(s, n, origin, nm, sizeof nm);
		if (q || l < 0)
			return LB_ETEXT;
		lb_rdp_emit(o, nm, (size_t)l);
	}
	return r < 0 ? LB_ETEXT : 0;
}
