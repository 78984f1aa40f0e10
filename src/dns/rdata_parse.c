/*
 * rdata_parse.c - presentation text -> canonical wire rdata.
 *
 * Driven by the same layouts as the printer (dns_impl.h).  Tokens are split
 * on blanks; quoted strings keep their blanks; '(' and ')' are ignored and ';'
 * starts a comment (zone-file habits).  The wire built is then run through
 * lb_rdata_canon, so text and wire input obey one set of layout rules.
 */
#include "dns/rdata.h"
#include "dns/dns_impl.h"
#include "dns/name.h"
#include "dns/rrtype.h"

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct tok {
	const char *p, *end;
} tok_t;

typedef struct out {
	uint8_t *p;
	size_t cap, len;
	bool over;
} out_t;

static void emit(out_t *o, const void *s, size_t n)
{
	if (o->over || o->cap - o->len < n) {
		o->over = true;
		return;
	}
	memcpy(o->p + o->len, s, n);
	o->len += n;
}

static void emit8(out_t *o, unsigned v)
{
	uint8_t b = (uint8_t)v;
	emit(o, &b, 1);
}

static void emit16(out_t *o, unsigned v)
{
	uint8_t b[2] = { (uint8_t)(v >> 8), (uint8_t)v };
	emit(o, b, 2);
}

static void emit32(out_t *o, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v };
	emit(o, b, 4);
}

static bool blank(char ch) { return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n'; }

/* Next token: 1 found, 0 none left, LB_ETEXT unterminated quote. */
static int next(tok_t *t, const char **s, size_t *n, bool *quoted)
{
	const char *p = t->p;
	for (;;) {
		while (p < t->end && (blank(*p) || *p == '(' || *p == ')'))
			p++;
		if (p < t->end && *p == ';') { /* comment to end of line */
			while (p < t->end && *p != '\n')
				p++;
			continue;
		}
		break;
	}
	if (p >= t->end) {
		t->p = p;
		return 0;
	}
	if (*p == '"') {
		const char *q = ++p;
		while (q < t->end && *q != '"') {
			if (*q == '\\' && q + 1 < t->end)
				q++;
			q++;
		}
		if (q >= t->end)
			return LB_ETEXT;
		*s = p;
		*n = (size_t)(q - p);
		*quoted = true;
		t->p = q + 1;
		return 1;
	}
	const char *q = p;
	while (q < t->end && !blank(*q) && *q != '(' && *q != ')' && *q != '"') {
		if (*q == '\\' && q + 1 < t->end)
			q++;
		q++;
	}
	*s = p;
	*n = (size_t)(q - p);
	*quoted = false;
	t->p = q;
	return 1;
}

static int more(tok_t *t)
{
	tok_t c = *t;
	const char *s;
	size_t n;
	bool q;
	return next(&c, &s, &n, &q) == 1;
}

/* Unescape \X and \DDD into dst (capacity cap). Returns length or LB_ETEXT. */
static int unescape(const char *s, size_t n, uint8_t *dst, size_t cap)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned ch = (uint8_t)s[i];
		if (ch == '\\') {
			int used = lb_dns_unescape1(s + i + 1, n - i - 1, &ch);
			if (used < 0)
				return used;
			i += (size_t)used;
		}
		if (o == cap)
			return LB_ETEXT;
		dst[o++] = (uint8_t)ch;
	}
	return (int)o;
}

static int num(const char *s, size_t n, unsigned long max, unsigned long *v)
{
	unsigned long x = 0;
	if (n == 0 || n > 10)
		return LB_ETEXT;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return LB_ETEXT;
		x = x * 10 + (unsigned long)(s[i] - '0');
	}
	if (x > max)
		return LB_ETEXT;
	*v = x;
	return 0;
}

/* Copy a token into a NUL-terminated buffer. */
static int cstr(const char *s, size_t n, char *b, size_t cap)
{
	if (n >= cap)
		return LB_ETEXT;
	memcpy(b, s, n);
	b[n] = 0;
	return 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	return -1;
}

static int b64val(char c)
{
	if (c >= 'A' && c <= 'Z') return c - 'A';
	if (c >= 'a' && c <= 'z') return c - 'a' + 26;
	if (c >= '0' && c <= '9') return c - '0' + 52;
	if (c == '+') return 62;
	if (c == '/') return 63;
	return -1;
}

/* Hex digits of several tokens, concatenated; an odd total is an error. */
typedef struct hexacc {
	int half; /* -1 or the pending high nibble */
} hexacc_t;

static int hex_feed(hexacc_t *h, out_t *o, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int v = hexval(s[i]);
		if (v < 0)
			return LB_ETEXT;
		if (h->half < 0) {
			h->half = v;
		} else {
			emit8(o, (unsigned)(h->half << 4 | v));
			h->half = -1;
		}
	}
	return 0;
}

/* Base64 over several tokens: 4-character groups, '=' only at the end. */
typedef struct b64acc {
	uint32_t acc;
	int n;
	int pad;
} b64acc_t;

static int b64_feed(b64acc_t *b, out_t *o, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '=') {
			if (b->n < 2 || b->n + b->pad >= 4)
				return LB_ETEXT;
			b->pad++;
			if (b->n + b->pad == 4) {
				if (b->pad == 1) {
					emit8(o, (b->acc >> 10) & 0xFF);
					emit8(o, (b->acc >> 2) & 0xFF);
				} else {
					emit8(o, (b->acc >> 4) & 0xFF);
				}
				b->n = 4; /* closed: nothing may follow */
			}
			continue;
		}
		int v = b64val(s[i]);
		if (v < 0 || b->pad || b->n == 4)
			return LB_ETEXT;
		b->acc = b->acc << 6 | (uint32_t)v;
		if (++b->n == 4) {
			emit8(o, (b->acc >> 16) & 0xFF);
			emit8(o, (b->acc >> 8) & 0xFF);
			emit8(o, b->acc & 0xFF);
			b->n = 0;
			b->acc = 0;
		}
	}
	return 0;
}

static int b64_end(b64acc_t *b)
{
	if (b->pad)
		return b->n == 4 ? 0 : LB_ETEXT;
	return b->n == 0 ? 0 : LB_ETEXT;
}

/* base32hex, no padding; leftover bits must be zero. */
static int b32hex(const char *s, size_t n, out_t *o)
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
			emit8(o, (acc >> (bits - 8)) & 0xFF);
			bits -= 8;
		}
	}
	if (bits >= 5 || (acc & ((1u << bits) - 1)))
		return LB_ETEXT;
	return 0;
}

static int days_from_civil(long y, unsigned m, unsigned d)
{
	y -= m <= 2;
	long era = (y >= 0 ? y : y - 399) / 400;
	long yoe = y - era * 400;
	long doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (int)(era * 146097 + doe - 719468);
}

static int parse_time(const char *s, size_t n, uint32_t *t)
{
	unsigned long v;
	if (n == 14) {
		unsigned long f[6];
		static const size_t w[6] = { 4, 2, 2, 2, 2, 2 };
		size_t at = 0;
		for (int k = 0; k < 6; k++) {
			if (num(s + at, w[k], 9999, &f[k]) < 0)
				return LB_ETEXT;
			at += w[k];
		}
		if (f[0] < 1970 || f[1] < 1 || f[1] > 12 || f[2] < 1 || f[2] > 31 || f[3] > 23 ||
		    f[4] > 59 || f[5] > 59)
			return LB_ETEXT;
		long long secs = (long long)days_from_civil((long)f[0], (unsigned)f[1],
							    (unsigned)f[2]) * 86400LL +
				 (long long)(f[3] * 3600 + f[4] * 60 + f[5]);
		*t = (uint32_t)(unsigned long long)secs;
		return 0;
	}
	if (num(s, n, 4294967295UL, &v) < 0)
		return LB_ETEXT;
	*t = (uint32_t)v;
	return 0;
}

/* Type bitmap (NSEC form) from type tokens. */
static int bitmap(tok_t *t, out_t *o)
{
	uint8_t map[256][32];
	uint8_t wlen[256];
	memset(wlen, 0, sizeof wlen);
	const char *s;
	size_t n;
	bool q;
	int r;
	while ((r = next(t, &s, &n, &q)) == 1) {
		char b[16];
		uint16_t ty;
		if (q || cstr(s, n, b, sizeof b) < 0 || lb_rrtype_from_text(b, &ty) < 0)
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
		emit8(o, win);
		emit8(o, wlen[win]);
		emit(o, map[win], wlen[win]);
	}
	return 0;
}

/* Old-style bitmaps (NXT types < 128, WKS ports): bit k = value k. */
static int flatmap(tok_t *t, out_t *o, bool ports)
{
	uint8_t map[8192];
	size_t len = 0;
	const char *s;
	size_t n;
	bool q;
	int r;
	while ((r = next(t, &s, &n, &q)) == 1) {
		unsigned long v;
		if (ports) {
			if (q || num(s, n, 65535, &v) < 0)
				return LB_ETEXT;
		} else {
			char b[16];
			uint16_t ty;
			if (q || cstr(s, n, b, sizeof b) < 0 || lb_rrtype_from_text(b, &ty) < 0 ||
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
	emit(o, map, len);
	return 0;
}

/* ---- SVCB / HTTPS ---- */

static const char *const svc_keys[] = {
	"mandatory", "alpn", "no-default-alpn", "port", "ipv4hint", "ech", "ipv6hint",
	"dohpath", "ohttp",
};
#define SVC_NKEYS (sizeof svc_keys / sizeof svc_keys[0])

static int svc_key(const char *s, size_t n, unsigned *key)
{
	for (unsigned k = 0; k < SVC_NKEYS; k++) {
		if (strlen(svc_keys[k]) == n && memcmp(svc_keys[k], s, n) == 0) {
			*key = k;
			return 0;
		}
	}
	unsigned long v;
	if (n > 3 && memcmp(s, "key", 3) == 0 && num(s + 3, n - 3, 65534, &v) == 0) {
		*key = (unsigned)v;
		return 0;
	}
	return LB_ETEXT;
}

typedef struct svcparam {
	unsigned key;
	size_t off, len; /* value inside the value buffer */
} svcparam_t;

/* Split an unescaped value at unescaped commas (RFC 9460 A.1 value lists). */
static int svc_list(const uint8_t *v, size_t n, size_t *starts, size_t *ends, int max,
		    uint8_t *items)
{
	int k = 0;
	size_t o = 0, i = 0, st = 0;
	if (n == 0)
		return LB_ETEXT;
	for (;;) {
		if (i == n || v[i] == ',') {
			if (k == max)
				return LB_ETEXT;
			starts[k] = st;
			ends[k++] = o;
			if (i == n)
				break;
			i++;
			st = o;
			continue;
		}
		if (v[i] == '\\' && i + 1 < n)
			i++;
		items[o++] = v[i++];
	}
	return k;
}

/* One SvcParam value (already unescaped once) to wire, into val[0..cap). */
static int svc_value(unsigned key, bool has, const uint8_t *raw, size_t rl, uint8_t *val,
		     size_t cap, size_t *vlen)
{
	size_t vl = 0;
	int rc = LB_ETEXT, ni;
	size_t maxit = rl / 2 + 2;
	uint8_t *items = malloc(rl + 1);
	size_t *st = malloc(2 * maxit * sizeof *st);
	if (!items || !st) {
		rc = LB_ENOMEM;
		goto out;
	}
	size_t *en = st + maxit;
	if (!has && key != 2 && key != 8 && key < SVC_NKEYS)
		goto out; /* known keys other than these need a value */
	switch (key) {
	case 0: /* mandatory */
		if ((ni = svc_list(raw, rl, st, en, (int)maxit, items)) < 0)
			goto out;
		for (int k = 0; k < ni; k++) {
			unsigned mk;
			if (svc_key((const char *)items + st[k], en[k] - st[k], &mk) < 0 ||
			    mk == 0 || cap - vl < 2)
				goto out; /* (not itself, RFC 9460 8) */
			/* wire order is strictly increasing (RFC 9460 8) */
			size_t at = vl;
			while (at > 0 && (unsigned)(val[at - 2] << 8 | val[at - 1]) > mk) {
				val[at] = val[at - 2];
				val[at + 1] = val[at - 1];
				at -= 2;
			}
			if (at > 0 && (unsigned)(val[at - 2] << 8 | val[at - 1]) == mk)
				goto out;
			val[at] = (uint8_t)(mk >> 8);
			val[at + 1] = (uint8_t)mk;
			vl += 2;
		}
		break;
	case 1: /* alpn */
		if ((ni = svc_list(raw, rl, st, en, (int)maxit, items)) < 0)
			goto out;
		for (int k = 0; k < ni; k++) {
			size_t il = en[k] - st[k];
			if (il == 0 || il > 255 || cap - vl < il + 1)
				goto out;
			val[vl++] = (uint8_t)il;
			memcpy(val + vl, items + st[k], il);
			vl += il;
		}
		break;
	case 2: case 8: /* no-default-alpn, ohttp */
		if (has)
			goto out;
		break;
	case 3: { /* port */
		unsigned long v;
		if (num((const char *)raw, rl, 65535, &v) < 0 || cap < 2)
			goto out;
		val[vl++] = (uint8_t)(v >> 8);
		val[vl++] = (uint8_t)v;
		break;
	}
	case 4: case 6: { /* ipv4hint, ipv6hint */
		if ((ni = svc_list(raw, rl, st, en, (int)maxit, items)) < 0)
			goto out;
		for (int k = 0; k < ni; k++) {
			char b[64];
			if (cstr((const char *)items + st[k], en[k] - st[k], b, sizeof b) < 0 ||
			    cap - vl < 16 ||
			    inet_pton(key == 4 ? AF_INET : AF_INET6, b, val + vl) != 1)
				goto out;
			vl += key == 4 ? 4 : 16;
		}
		break;
	}
	case 5: { /* ech: base64 */
		out_t vo = { .p = val, .cap = cap, .len = 0, .over = false };
		b64acc_t b = { 0, 0, 0 };
		if (rl == 0 || b64_feed(&b, &vo, (const char *)raw, rl) < 0 || b64_end(&b) < 0 ||
		    vo.over)
			goto out;
		vl = vo.len;
		break;
	}
	default: /* dohpath, keyNNNN: the bytes */
		if (rl > cap)
			goto out;
		memcpy(val, raw, rl);
		vl = rl;
		break;
	}
	*vlen = vl;
	rc = 0;
out:
	free(items);
	free(st);
	return rc;
}

static int svcparams(tok_t *t, out_t *o)
{
	svcparam_t *ps = NULL;
	uint8_t *vbuf = malloc(65535);
	uint8_t *raw = NULL;
	size_t vused = 0, np = 0, pcap = 0;
	const char *s;
	size_t n;
	bool q;
	int r, rc = LB_ETEXT;
	if (!vbuf)
		return LB_ENOMEM;
	while ((r = next(t, &s, &n, &q)) == 1) {
		if (q)
			goto out;
		const char *eq = memchr(s, '=', n);
		size_t kl = eq ? (size_t)(eq - s) : n;
		unsigned key;
		if (svc_key(s, kl, &key) < 0)
			goto out;
		const char *vs = "";
		size_t vn = 0;
		if (eq) {
			vs = eq + 1;
			vn = n - kl - 1;
			/* key="..." : the value is the next (quoted) token */
			if (vn == 0 && t->p < t->end && *t->p == '"' && next(t, &vs, &vn, &q) != 1)
				goto out;
		}
		free(raw);
		raw = malloc(vn + 1);
		if (!raw)
			goto out;
		int rl = unescape(vs, vn, raw, vn + 1);
		if (rl < 0)
			goto out;
		size_t vl;
		if (svc_value(key, eq != NULL, raw, (size_t)rl, vbuf + vused, 65535 - vused, &vl) < 0)
			goto out;
		for (size_t k = 0; k < np; k++)
			if (ps[k].key == key)
				goto out; /* duplicate key */
		if (np == pcap) {
			size_t nc = pcap ? pcap * 2 : 16;
			svcparam_t *nps = realloc(ps, nc * sizeof *ps);
			if (!nps)
				goto out;
			ps = nps;
			pcap = nc;
		}
		ps[np].key = key;
		ps[np].off = vused;
		ps[np].len = vl;
		np++;
		vused += vl;
	}
	if (r < 0)
		goto out;
	/* wire order: ascending keys (insertion sort) */
	for (size_t i = 1; i < np; i++) {
		svcparam_t x = ps[i];
		size_t j = i;
		while (j > 0 && ps[j - 1].key > x.key) {
			ps[j] = ps[j - 1];
			j--;
		}
		ps[j] = x;
	}
	for (size_t i = 0; i < np; i++) {
		emit16(o, ps[i].key);
		emit16(o, (unsigned)ps[i].len);
		emit(o, vbuf + ps[i].off, ps[i].len);
	}
	rc = 0;
out:
	free(raw);
	free(ps);
	free(vbuf);
	return rc;
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

/* ---- LOC (RFC 1876 section 3), A6 (RFC 2874 section 3.1.1), APL (RFC 3123 section 5) ---- */

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
static int loc_coord(tok_t *t, long long maxdeg, char pos, char negc, uint32_t *out)
{
	const char *s;
	size_t n;
	bool q;
	long long part[3] = { 0, 0, 0 };
	static const long long lim[3] = { 180, 59, 59999 };
	static const int fd[3] = { 0, 0, 3 };
	for (int k = 0;; k++) {
		if (next(t, &s, &n, &q) != 1 || q)
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

static int loc_text(tok_t *t, out_t *o)
{
	uint32_t lat, lon;
	if (loc_coord(t, 90, 'N', 'S', &lat) < 0 || loc_coord(t, 180, 'E', 'W', &lon) < 0)
		return LB_ETEXT;
	const char *s;
	size_t n;
	bool q;
	long long alt;
	/* -100000.00 m .. 42849672.95 m: the altitude field is cm above -100 km */
	if (next(t, &s, &n, &q) != 1 || q || fixed(s, n, 2, true, true, 4284967295LL, &alt) < 0 ||
	    alt < -10000000LL || alt + 10000000LL > 4294967295LL)
		return LB_ETEXT;
	/* size 1 m, horizontal precision 10 km, vertical 10 m unless given */
	long long v[3] = { 100, 1000000, 1000 };
	int r;
	for (int k = 0; k < 3 && (r = next(t, &s, &n, &q)) != 0; k++)
		if (r < 0 || q || fixed(s, n, 2, false, true, 9000000000LL, &v[k]) < 0)
			return LB_ETEXT;
	emit8(o, 0);
	for (int k = 0; k < 3; k++)
		emit8(o, loc_prec(v[k]));
	emit32(o, lat);
	emit32(o, lon);
	emit32(o, (uint32_t)(alt + 10000000LL));
	return more(t) ? LB_ETEXT : 0;
}

static int a6_text(tok_t *t, const uint8_t *origin, out_t *o)
{
	const char *s;
	size_t n;
	bool q;
	unsigned long plen;
	char b[64];
	uint8_t a[16];
	if (next(t, &s, &n, &q) != 1 || q || num(s, n, 128, &plen) < 0)
		return LB_ETEXT;
	if (next(t, &s, &n, &q) != 1 || q || cstr(s, n, b, sizeof b) < 0 ||
	    inet_pton(AF_INET6, b, a) != 1)
		return LB_ETEXT;
	size_t sl = (128 - plen + 7) / 8;
	emit8(o, (unsigned)plen);
	/* the suffix's octets as written: padding bits set in them (RFC 2874
	 * wants zeros) print back in the address, so text and wire round-trip */
	emit(o, a + 16 - sl, sl);
	if (plen > 0) {
		uint8_t nm[LB_NAME_MAX];
		int l;
		if (next(t, &s, &n, &q) != 1 || q ||
		    (l = lb_name_from_text(s, n, origin, nm, sizeof nm)) < 0)
			return LB_ETEXT;
		emit(o, nm, (size_t)l);
	}
	return more(t) ? LB_ETEXT : 0;
}

/* Items "[!]afi:address/prefix", none or more; the address's trailing zero
 * octets are left out of the wire. */
static int apl_text(tok_t *t, out_t *o)
{
	const char *s;
	size_t n;
	bool q;
	int r;
	while ((r = next(t, &s, &n, &q)) == 1) {
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
		if (slash == colon || num(p, (size_t)(colon - p), 65535, &fam) < 0 ||
		    (fam != 1 && fam != 2) ||
		    num(slash + 1, (size_t)(end - slash - 1), fam == 1 ? 32 : 128, &pfx) < 0 ||
		    cstr(colon + 1, (size_t)(slash - colon - 1), b, sizeof b) < 0 ||
		    inet_pton(fam == 1 ? AF_INET : AF_INET6, b, a) != 1)
			return LB_ETEXT;
		size_t al = fam == 1 ? 4 : 16;
		while (al > 0 && a[al - 1] == 0)
			al--;
		emit16(o, (unsigned)fam);
		emit8(o, (unsigned)pfx);
		emit8(o, (unsigned)(neg ? 0x80 : 0) | (unsigned)al);
		emit(o, a, al);
	}
	return r < 0 ? LB_ETEXT : 0;
}

/* AMTRELAY (RFC 8777 4.3): precedence, D bit, relay type, relay. */
static int amt_text(tok_t *t, const uint8_t *origin, out_t *o)
{
	const char *s;
	size_t n;
	bool q;
	unsigned long prec, d, rt;
	char b[64];
	if (next(t, &s, &n, &q) != 1 || q || num(s, n, 255, &prec) < 0 ||
	    next(t, &s, &n, &q) != 1 || q || num(s, n, 1, &d) < 0 ||
	    next(t, &s, &n, &q) != 1 || q || num(s, n, 3, &rt) < 0 ||
	    next(t, &s, &n, &q) != 1 || q)
		return LB_ETEXT;
	emit8(o, (unsigned)prec);
	emit8(o, (unsigned)(d << 7 | rt));
	if (rt == 0) {
		if (n != 1 || s[0] != '.')
			return LB_ETEXT;
	} else if (rt == 1 || rt == 2) {
		uint8_t a[16];
		if (cstr(s, n, b, sizeof b) < 0 ||
		    inet_pton(rt == 1 ? AF_INET : AF_INET6, b, a) != 1)
			return LB_ETEXT;
		emit(o, a, rt == 1 ? 4 : 16);
	} else {
		uint8_t nm[LB_NAME_MAX];
		int l = lb_name_from_text(s, n, origin, nm, sizeof nm);
		if (l < 0)
			return LB_ETEXT;
		emit(o, nm, (size_t)l);
	}
	return more(t) ? LB_ETEXT : 0;
}

/* HIP (RFC 8005 3): PK algorithm, HIT in hex, PK in base64, then names. */
static int hip_text(tok_t *t, const uint8_t *origin, out_t *o)
{
	const char *s;
	size_t n;
	bool q;
	unsigned long alg;
	if (next(t, &s, &n, &q) != 1 || q || num(s, n, 255, &alg) < 0)
		return LB_ETEXT;
	uint8_t hit[255];
	static __thread uint8_t pk[65535];
	out_t ho = { .p = hit, .cap = sizeof hit, .len = 0, .over = false };
	out_t po = { .p = pk, .cap = sizeof pk, .len = 0, .over = false };
	hexacc_t h = { -1 };
	b64acc_t b = { 0, 0, 0 };
	if (next(t, &s, &n, &q) != 1 || q || hex_feed(&h, &ho, s, n) < 0 || h.half >= 0 ||
	    ho.over || ho.len == 0)
		return LB_ETEXT;
	if (next(t, &s, &n, &q) != 1 || q || b64_feed(&b, &po, s, n) < 0 || b64_end(&b) < 0 ||
	    po.over || po.len == 0)
		return LB_ETEXT;
	emit8(o, (unsigned)ho.len);
	emit8(o, (unsigned)alg);
	emit16(o, (unsigned)po.len);
	emit(o, hit, ho.len);
	emit(o, pk, po.len);
	int r;
	while ((r = next(t, &s, &n, &q)) == 1) {
		uint8_t nm[LB_NAME_MAX];
		int l = lb_name_from_text(s, n, origin, nm, sizeof nm);
		if (q || l < 0)
			return LB_ETEXT;
		emit(o, nm, (size_t)l);
	}
	return r < 0 ? LB_ETEXT : 0;
}

/* ---- mnemonics for numeric fields ---- */

struct mnem {
	const char *name;
	unsigned v;
};

/* DNSSEC algorithms (RFC 4034 appendix A.1 and the IANA registry; BIND's
 * aliases too): the algorithm field of DNSKEY, RRSIG, DS and CERT may be
 * written with them (RFC 4034 sections 2.2, 3.2, 5.3; RFC 4398 2.2). */
static const struct mnem secalg[] = {
	{ "RSAMD5", 1 }, { "DH", 2 }, { "DSA", 3 }, { "ECC", 4 }, { "RSASHA1", 5 },
	{ "DSA-NSEC3-SHA1", 6 }, { "NSEC3DSA", 6 }, { "RSASHA1-NSEC3-SHA1", 7 },
	{ "NSEC3RSASHA1", 7 }, { "RSASHA256", 8 }, { "RSASHA512", 10 }, { "ECC-GOST", 12 },
	{ "ECDSAP256SHA256", 13 }, { "ECDSAP384SHA384", 14 }, { "ED25519", 15 },
	{ "ED448", 16 }, { "INDIRECT", 252 }, { "PRIVATEDNS", 253 }, { "PRIVATEOID", 254 },
	{ NULL, 0 },
};

/* CERT certificate types (RFC 4398 section 2.1) */
static const struct mnem certtype[] = {
	{ "PKIX", 1 }, { "SPKI", 2 }, { "PGP", 3 }, { "IPKIX", 4 }, { "ISPKI", 5 },
	{ "IPGP", 6 }, { "ACPKIX", 7 }, { "IACPKIX", 8 }, { "URI", 253 }, { "OID", 254 },
	{ NULL, 0 },
};

/* The mnemonics field number fi (0-based, in the layout) of type may be
 * written with, or NULL. */
static const struct mnem *mnemonics(uint16_t type, size_t fi)
{
	switch (type) {
	case LB_T_DNSKEY: case LB_T_CDNSKEY: case LB_T_KEY:
		return fi == 2 ? secalg : NULL;
	case LB_T_DS: case LB_T_CDS: case LB_T_DLV: case LB_T_TA:
	case LB_T_RRSIG: case LB_T_SIG:
		return fi == 1 ? secalg : NULL;
	case LB_T_CERT:
		return fi == 0 ? certtype : fi == 2 ? secalg : NULL;
	default:
		return NULL;
	}
}

/* A number up to max, or one of the field's mnemonics (any case). */
static int num_or_mnem(uint16_t type, size_t fi, const char *s, size_t n, unsigned long max,
		       unsigned long *v)
{
	if (num(s, n, max, v) == 0)
		return 0;
	const struct mnem *m = mnemonics(type, fi);
	for (; m && m->name; m++) {
		if (strlen(m->name) == n && !strncasecmp(m->name, s, n)) {
			*v = m->v;
			return 0;
		}
	}
	return LB_ETEXT;
}

/* ---- the layout walker ---- */

static int typed(uint16_t type, const char *f, tok_t *t, const uint8_t *origin, out_t *o)
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
			while ((r = next(t, &s, &n, &q)) == 1) {
				uint8_t b[255];
				int l = unescape(s, n, b, sizeof b);
				if (l < 0)
					return LB_ETEXT;
				emit8(o, (unsigned)l);
				emit(o, b, (size_t)l);
				cnt++;
			}
			if (r < 0 || cnt == 0)
				return LB_ETEXT;
			continue;
		}
		case 'H': {
			hexacc_t h = { -1 };
			while ((r = next(t, &s, &n, &q)) == 1)
				if (q || hex_feed(&h, o, s, n) < 0)
					return LB_ETEXT;
			if (r < 0 || h.half >= 0)
				return LB_ETEXT;
			continue;
		}
		case 'B': {
			b64acc_t b = { 0, 0, 0 };
			while ((r = next(t, &s, &n, &q)) == 1)
				if (q || b64_feed(&b, o, s, n) < 0)
					return LB_ETEXT;
			if (r < 0 || b64_end(&b) < 0)
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
			if (svcparams(t, o) < 0)
				return LB_ETEXT;
			continue;
		case 'L':
			return loc_text(t, o);
		case 'Z':
			return a6_text(t, origin, o);
		case 'Y':
			return apl_text(t, o);
		case 'R':
			return amt_text(t, origin, o);
		case 'I':
			return hip_text(t, origin, o);
		default:
			break;
		}
		if ((r = next(t, &s, &n, &q)) != 1)
			return LB_ETEXT;
		char b[80];
		unsigned long v;
		switch (*f) {
		case 'a': case '6': {
			uint8_t a[16];
			if (q || cstr(s, n, b, sizeof b) < 0 ||
			    inet_pton(*f == 'a' ? AF_INET : AF_INET6, b, a) != 1)
				return LB_ETEXT;
			emit(o, a, *f == 'a' ? 4 : 16);
			break;
		}
		case 'e': case 'f': {
			size_t k = *f == 'e' ? 6 : 8;
			if (q || n != k * 3 - 1)
				return LB_ETEXT;
			for (size_t j = 0; j < k; j++) {
				int hi = hexval(s[3 * j]), lo = hexval(s[3 * j + 1]);
				if (hi < 0 || lo < 0 || (j + 1 < k && s[3 * j + 2] != '-'))
					return LB_ETEXT;
				emit8(o, (unsigned)(hi << 4 | lo));
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
					int hv = hexval(s[j]);
					if (hv < 0 || nd == 4)
						return LB_ETEXT;
					gv = gv << 4 | (unsigned)hv;
				}
				if (nd == 0)
					return LB_ETEXT;
				emit16(o, gv);
			}
			if (j != n)
				return LB_ETEXT;
			break;
		}
		case 'b':
			if (q || num_or_mnem(type, (size_t)(f - f0), s, n, 255, &v) < 0)
				return LB_ETEXT;
			emit8(o, (unsigned)v);
			break;
		case 's':
			if (q || num_or_mnem(type, (size_t)(f - f0), s, n, 65535, &v) < 0)
				return LB_ETEXT;
			emit16(o, (unsigned)v);
			break;
		case 'l':
			if (q || num(s, n, 4294967295UL, &v) < 0)
				return LB_ETEXT;
			emit32(o, (uint32_t)v);
			break;
		case 'd': {
			uint32_t d;
			if (q || lb_ttl_from_text(s, n, &d) < 0)
				return LB_ETEXT;
			emit32(o, d);
			break;
		}
		case 'T': {
			uint16_t ty;
			if (q || cstr(s, n, b, sizeof b) < 0 || lb_rrtype_from_text(b, &ty) < 0)
				return LB_ETEXT;
			emit16(o, ty);
			break;
		}
		case 'E': {
			uint32_t tm;
			if (q || parse_time(s, n, &tm) < 0)
				return LB_ETEXT;
			emit32(o, tm);
			break;
		}
		case 'N': case 'n': name: {
			uint8_t nm[LB_NAME_MAX];
			int l = lb_name_from_text(s, n, origin, nm, sizeof nm);
			if (q || l < 0)
				return LB_ETEXT;
			emit(o, nm, (size_t)l);
			break;
		}
		case 'c': {
			uint8_t cs[255];
			int l = unescape(s, n, cs, sizeof cs);
			if (l < 0)
				return LB_ETEXT;
			emit8(o, (unsigned)l);
			emit(o, cs, (size_t)l);
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
			emit8(o, (unsigned)n);
			emit(o, s, n);
			break;
		case 'x': {
			if (q)
				return LB_ETEXT;
			if (n == 1 && s[0] == '-') {
				emit8(o, 0);
				break;
			}
			if (n % 2 || n / 2 > 255)
				return LB_ETEXT;
			hexacc_t h = { -1 };
			emit8(o, (unsigned)(n / 2));
			if (hex_feed(&h, o, s, n) < 0)
				return LB_ETEXT;
			break;
		}
		case 'h': {
			uint8_t hb[255];
			out_t ho = { .p = hb, .cap = sizeof hb, .len = 0, .over = false };
			if (q || b32hex(s, n, &ho) < 0 || ho.over || ho.len == 0)
				return LB_ETEXT;
			emit8(o, (unsigned)ho.len);
			emit(o, hb, ho.len);
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
				if (cstr(s, n, b, sizeof b) < 0 ||
				    inet_pton(gt == 1 ? AF_INET : AF_INET6, b, a) != 1)
					return LB_ETEXT;
				emit(o, a, gt == 1 ? 4 : 16);
			} else if (gt == 3) {
				goto name;
			} else {
				return LB_ETEXT;
			}
			break;
		}
		case 'Q': {
			static __thread uint8_t qb[65535];
			int l = unescape(s, n, qb, sizeof qb);
			if (l < 0)
				return LB_ETEXT;
			emit(o, qb, (size_t)l);
			break;
		}
		default:
			return LB_ETEXT;
		}
	}
	return more(t) ? LB_ETEXT : 0;
}

static int generic(tok_t *t, out_t *o)
{
	const char *s;
	size_t n;
	bool q;
	unsigned long len;
	if (next(t, &s, &n, &q) != 1 || q || num(s, n, 65535, &len) < 0)
		return LB_ETEXT;
	hexacc_t h = { -1 };
	size_t start = o->len;
	int r;
	while ((r = next(t, &s, &n, &q)) == 1)
		if (q || hex_feed(&h, o, s, n) < 0)
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
	tok_t t = { text, text + textlen };
	out_t o = { .p = out, .cap = outsz, .len = 0, .over = false };
	const char *s;
	size_t n;
	bool q;
	int rc;
	tok_t peek = t;
	if (next(&peek, &s, &n, &q) == 1 && !q && n == 2 && s[0] == '\\' && s[1] == '#') {
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
