/*
 * source.c - the import driver: files, format detection, counting, progress,
 * and the helpers every format shares (names, times, RRset building, the
 * CNAME chain split for answers without owner names).
 */
#include "sources/source.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dns/rdata.h"
#include "dns/rrtype.h"
#include "sources/cof.h"
#include "sources/linereader.h"
#include "sources/misp.h"
#include "sources/passivedns.h"
#include "sources/route53.h"
#include "sources/src_impl.h"
#include "sources/suricata.h"
#include "sources/zeek.h"
#include "sources/zone.h"
#include "store/store.h"
#include "util/civil.h"

static const char *const fmt_names[LB_FMT__COUNT] = {
	"auto", "zeek", "suricata", "route53", "passivedns", "cof", "zone", "misp",
};

const char *lb_src_fmt_name(enum lb_src_fmt f)
{
	return (unsigned)f < LB_FMT__COUNT ? fmt_names[f] : NULL;
}

int lb_src_fmt_from_name(const char *name, enum lb_src_fmt *f)
{
	for (int i = 0; i < LB_FMT__COUNT; i++)
		if (!strcmp(name, fmt_names[i])) {
			*f = (enum lb_src_fmt)i;
			return 0;
		}
	if (!strcmp(name, "eve")) {
		*f = LB_FMT_SURICATA;
		return 0;
	}
	if (!strcmp(name, "dnsdb")) {
		*f = LB_FMT_COF;
		return 0;
	}
	return LB_EINVAL;
}

static const char *const bad_names[LB_BAD__COUNT] = {
	"line_too_long", "bad_json", "bad_fields", "bad_name", "bad_type", "bad_rdata",
	"bad_time", "zone_syntax", "include_refused", "unknown_format", "stream_truncated",
	"zeek_no_header",
};
static const char *const skip_names[LB_SKIP__COUNT] = {
	"query_or_no_response", "not_dns", "ambiguous_chain", "lossy_answer", "other_rcode",
	"out_of_zone", "class_not_in", "policy_answer", "maybe_referral",
};

const char *lb_src_bad_name(enum lb_src_bad b)
{
	return (unsigned)b < LB_BAD__COUNT ? bad_names[b] : "?";
}

const char *lb_src_skip_name(enum lb_src_skip s)
{
	return (unsigned)s < LB_SKIP__COUNT ? skip_names[s] : "?";
}

uint64_t lb_src_bad_total(const lb_src_counts_t *c)
{
	uint64_t t = 0;
	for (int i = 0; i < LB_BAD__COUNT; i++)
		t += c->bad[i];
	return t;
}

/* ---- detection ---- */

static bool has(const char *line, size_t len, const char *needle)
{
	return memmem(line, len, needle, strlen(needle)) != NULL;
}

/* "1.0 2017-12-13T08:16:02.130Z Z1D633PJN98FT9 example.com A NOERROR ..."
 * (Route 53 public DNS query logs): a version, an ISO 8601 time, a hosted
 * zone id starting with Z. */
static bool route53_public(const char *line, size_t len)
{
	const char *sp = memchr(line, ' ', len < 8 ? len : 8);
	struct timeval tv;
	if (!sp || !isdigit((unsigned char)line[0]) || !memchr(line, '.', (size_t)(sp - line)))
		return false;
	const char *t = sp + 1, *e = line + len;
	const char *sp2 = memchr(t, ' ', (size_t)(e - t));
	return sp2 && sp2 + 1 < e && sp2[1] == 'Z' && src_time_iso(t, (size_t)(sp2 - t), &tv) == 0;
}

enum lb_src_fmt lb_src_detect(const char *line, size_t len)
{
	while (len && isspace((unsigned char)*line)) {
		line++;
		len--;
	}
	if (len == 0)
		return LB_FMT_AUTO;
	if (line[0] == '#') {
		if (has(line, len, "#separator") || has(line, len, "#fields") ||
		    has(line, len, "#set_separator"))
			return LB_FMT_ZEEK;
		return LB_FMT_AUTO;
	}
	if (line[0] == '{') {
		if (has(line, len, "\"event_type\""))
			return LB_FMT_SURICATA;
		if (has(line, len, "\"query_timestamp\"") || has(line, len, "\"srcids\"") ||
		    has(line, len, "\"logEvents\"") || has(line, len, "\"messageType\""))
			return LB_FMT_ROUTE53; /* (CloudWatch Logs subscription objects too) */
		if (has(line, len, "\"timestamp_s\"") ||
		    (has(line, len, "\"answer\"") && has(line, len, "\"query\"") &&
		     has(line, len, "\"ttl\"")))
			return LB_FMT_PASSIVEDNS; /* passivedns -j */
		if (has(line, len, "\"cond\"") || has(line, len, "\"obj\"") ||
		    has(line, len, "\"rrname\"") ||
		    (has(line, len, "\"source\"") && has(line, len, "\"time_last\"")))
			return LB_FMT_COF; /* (a source line: export writes them first) */
		if (has(line, len, "\"id.orig_h\"") || has(line, len, "\"uid\"") ||
		    has(line, len, "\"qtype_name\""))
			return LB_FMT_ZEEK;
		return LB_FMT_AUTO;
	}
	if (src_misp_header(line, len))
		return LB_FMT_MISP;
	if (has(line, len, "||"))
		return LB_FMT_PASSIVEDNS;
	if (src_zeek_plain_row(line, len))
		return LB_FMT_ZEEK; /* a dns.log row without its header */
	if (route53_public(line, len))
		return LB_FMT_ROUTE53; /* public DNS query logging's text lines */
	if (line[0] == '$' || line[0] == ';' || line[0] == '@')
		return LB_FMT_ZONE;
	/* "owner [ttl] [class] TYPE rdata": a zone record if some token is a class or type */
	const char *p = line, *e = line + len;
	for (int tok = 0; tok < 4 && p < e; tok++) {
		while (p < e && (*p == ' ' || *p == '\t'))
			p++;
		const char *t = p;
		while (p < e && *p != ' ' && *p != '\t')
			p++;
		size_t n = (size_t)(p - t);
		if (tok > 0 && n && n < 16) {
			char buf[16];
			memcpy(buf, t, n);
			buf[n] = 0;
			uint16_t ty;
			if (!strcasecmp(buf, "IN") || !strcasecmp(buf, "CH") ||
			    (!isdigit((unsigned char)buf[0]) && lb_rrtype_from_text(buf, &ty) == 0))
				return LB_FMT_ZONE;
		}
	}
	return LB_FMT_AUTO;
}

/* ---- counting ---- */

int src_bad(lb_src_t *s, enum lb_src_bad why)
{
	if (s->line_bad)
		return -1;
	s->line_bad = true;
	uint64_t k = s->c.bad[why]++;
	if (k < LB_SRC_BAD_KEEP) {
		s->c.bad_line[why][k] = s->lineno;
		s->bad_file[why][k] = s->file;
	}
	if (s->o.strict)
		s->stop = true;
	return -1;
}

void src_skip(lb_src_t *s, enum lb_src_skip why)
{
	s->c.skip[why]++;
}

/* ---- small parsers ---- */

int src_name(const char *text, size_t len, const uint8_t *origin, uint8_t *out)
{
	int n = lb_name_from_text(text, len, origin, out, LB_NAME_MAX);
	if (n < 0)
		return n;
	lb_name_lower(out);
	return n;
}

int src_name_c(src_resp_t *r, const char *text, size_t len, uint8_t *out)
{
	for (unsigned i = 0; i < SRC_NCACHE; i++) {
		const src_ncache_t *c = &r->nc[i];
		if (c->tlen == len && !memcmp(c->text, text, len)) {
			memcpy(out, c->wire, c->wlen);
			return c->wlen;
		}
	}
	int n = src_name(text, len, NULL, out);
	if (n > 0 && len > 0 && len <= SRC_NCACHE_TEXT) {
		src_ncache_t *c = &r->nc[r->nc_next++ % SRC_NCACHE];
		c->tlen = (uint16_t)len;
		c->wlen = (uint8_t)n;
		memcpy(c->text, text, len);
		memcpy(c->wire, out, (size_t)n);
	}
	return n;
}

static inline bool label_char_plain(unsigned char c)
{
	/* (no isalnum: a locale table call per byte was 10% of a Suricata import) */
	unsigned char l = c | 0x20;
	return (l >= 'a' && l <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
	       c == '_' || c == '*' || c == '/';
}

const char *src_label_text(const char *text, size_t len, char *out, size_t cap, size_t *olen)
{
	size_t i = 0;
	while (i < len && label_char_plain((unsigned char)text[i]))
		i++;
	if (i == len) {
		*olen = len;
		return text;
	}
	if (i > cap)
		return NULL;
	memcpy(out, text, i);
	size_t o = i;
	for (; i < len; i++) {
		unsigned char c = (unsigned char)text[i];
		if (o + 5 > cap)
			return NULL;
		if (label_char_plain(c))
			out[o++] = (char)c;
		else
			o += (size_t)snprintf(out + o, cap - o, "\\%03u", c);
	}
	*olen = o;
	return out;
}

int src_u64(const char *t, size_t len, uint64_t *v)
{
	if (len == 0 || len > 20)
		return -1;
	uint64_t x = 0;
	for (size_t i = 0; i < len; i++) {
		if (t[i] < '0' || t[i] > '9')
			return -1;
		uint64_t d = (uint64_t)(t[i] - '0');
		if (x > (UINT64_MAX - d) / 10)
			return -1;
		x = x * 10 + d;
	}
	*v = x;
	return 0;
}

int src_time_epoch(const char *t, size_t len, struct timeval *tv)
{
	size_t i = 0;
	uint64_t sec = 0;
	while (i < len && t[i] >= '0' && t[i] <= '9') {
		sec = sec * 10 + (uint64_t)(t[i] - '0');
		if (++i > 12)
			return -1;
	}
	if (i == 0)
		return -1;
	long usec = 0;
	if (i < len) {
		if (t[i] != '.')
			return -1;
		i++;
		long scale = 100000;
		size_t digits = 0;
		while (i < len && t[i] >= '0' && t[i] <= '9') {
			if (scale) {
				usec += (t[i] - '0') * scale;
				scale /= 10;
			}
			i++;
			digits++;
		}
		if (i != len || digits > 12)
			return -1;
	}
	tv->tv_sec = (time_t)sec;
	tv->tv_usec = usec;
	return 0;
}

int src_time_iso(const char *t, size_t len, struct timeval *tv)
{
	int64_t sec;
	uint32_t usec;
	if (lb_iso8601_parse(t, len, 0, &sec, &usec))
		return -1;
	tv->tv_sec = (time_t)sec;
	tv->tv_usec = (suseconds_t)usec;
	return 0;
}

int src_time_any(const char *t, size_t len, struct timeval *tv)
{
	if (src_time_epoch(t, len, tv) == 0)
		return 0;
	return src_time_iso(t, len, tv);
}

int src_rcode(const char *t, size_t len, uint16_t *rc)
{
	uint64_t v;
	if (src_u64(t, len, &v) == 0) {
		if (v > 4095)
			return -1;
		*rc = (uint16_t)v;
		return 0;
	}
	for (uint16_t i = 0; i < 24; i++) {
		const char *n = lb_rcode_name(i);
		if (n && strlen(n) == len && !strncasecmp(n, t, len)) {
			*rc = i;
			return 0;
		}
	}
	return -1;
}

int src_jtype(json_t *v, uint16_t *type)
{
	if (json_is_integer(v)) {
		json_int_t i = json_integer_value(v);
		if (i < 0 || i > 65535)
			return -1;
		*type = (uint16_t)i;
		return 0;
	}
	/* (JSON_ALLOW_NUL: "A\u0000x" would read as A through the C string) */
	if (!json_is_string(v) || json_string_length(v) > 20 ||
	    memchr(json_string_value(v), 0, json_string_length(v)))
		return -1;
	return lb_rrtype_from_text(json_string_value(v), type) ? -1 : 0;
}

int src_js_rrtype(const js_doc_t *d, int x, uint16_t *type)
{
	int64_t v;
	char buf[32];
	size_t l;
	if (js_int(d, x, &v) == 0) {
		if (v < 0 || v > 65535)
			return -1;
		*type = (uint16_t)v;
		return 0;
	}
	const char *t = js_str(d, x, buf, sizeof buf - 1, &l);
	if (!t || l >= sizeof buf || memchr(t, 0, l)) /* ("A\u0000x" is no A) */
		return -1;
	if (t != buf)
		memcpy(buf, t, l);
	buf[l] = 0;
	return lb_rrtype_from_text(buf, type) ? -1 : 0;
}

/* ---- JSON ---- */

int src_jscan(lb_src_t *s, const char *line, size_t len)
{
	if (js_parse(&s->js, line, len) || s->js.t[0].type != JS_OBJ) {
		src_bad(s, LB_BAD_JSON);
		return -1;
	}
	return 0;
}

json_t *src_json(lb_src_t *s, const char *line, size_t len)
{
	json_error_t e;
	json_t *j = json_loadb(line, len, JSON_ALLOW_NUL, &e);
	if (!j || !json_is_object(j)) {
		json_decref(j);
		src_bad(s, LB_BAD_JSON);
		return NULL;
	}
	return j;
}

const char *src_jstr(json_t *o, const char *key, size_t *len)
{
	json_t *v = json_object_get(o, key);
	if (!json_is_string(v))
		return NULL;
	if (len)
		*len = json_string_length(v);
	return json_string_value(v);
}

/* ---- RRset building ---- */

void resp_reset(src_resp_t *r)
{
	r->n = 0;
	r->used = 0;
	r->cur = 0;
	r->fill = 0;
}

/* Where need more contiguous bytes (need <= SRC_CHUNK0) may be written: the
 * chunk in use, else the next one (made if it is not yet); NULL when out of
 * memory.  Takes nothing (arena_take, arena_keep). */
static uint8_t *arena_room(src_resp_t *r, size_t need)
{
	if (r->nchunks && r->chunk_cap[r->cur] - r->fill >= need)
		return r->chunk[r->cur] + r->fill;
	size_t next = r->nchunks ? r->cur + 1 : 0;
	if (next == r->nchunks) {
		if (next == SRC_CHUNKS)
			return NULL; /* (cannot be: they hold more than SRC_ARENA and the tails) */
		size_t cap = next ? r->chunk_cap[next - 1] * 2 : SRC_CHUNK0;
		uint8_t *c = malloc(cap);
		if (!c)
			return NULL;
		r->chunk[next] = c;
		r->chunk_cap[next] = cap;
		r->nchunks++;
	}
	r->cur = next;
	r->fill = 0;
	return r->chunk[next];
}

/* Count n bytes from arena_room's pointer as taken. */
static void arena_keep(src_resp_t *r, size_t n)
{
	r->fill += n;
	r->used += n;
}

/* Give back the last n bytes taken. */
static void arena_unkeep(src_resp_t *r, size_t n)
{
	r->fill -= n;
	r->used -= n;
}

static uint8_t *arena_take(src_resp_t *r, size_t n)
{
	if (SRC_ARENA - r->used < n)
		return NULL;
	uint8_t *p = arena_room(r, n);
	if (p)
		arena_keep(r, n);
	return p;
}

static int resp_push(src_resp_t *r, const uint8_t *owner, uint8_t owner_len, uint16_t type,
		     uint16_t rclass, uint32_t ttl, uint8_t section, const uint8_t *rd, size_t rdlen)
{
	if (r->n >= SRC_MAX_RRS)
		return LB_ELIMIT;
	/* owners repeat: reuse the previous copy when equal */
	const uint8_t *own = NULL;
	if (r->n && r->rr[r->n - 1].owner_len == owner_len &&
	    !memcmp(r->rr[r->n - 1].owner, owner, owner_len))
		own = r->rr[r->n - 1].owner;
	if (!own) {
		uint8_t *p = arena_take(r, owner_len);
		if (!p)
			return LB_ELIMIT;
		memcpy(p, owner, owner_len);
		own = p;
	}
	src_rr_t *x = &r->rr[r->n++];
	x->owner = own;
	x->owner_len = owner_len;
	x->type = type;
	x->rclass = rclass;
	x->ttl = ttl;
	x->section = section;
	x->rd = rd;
	x->rdlen = (uint16_t)rdlen;
	x->covered = (type == LB_T_RRSIG && rdlen >= 2) ? (uint16_t)((rd[0] << 8) | rd[1]) : 0;
	x->unrelated = false;
	return 0;
}

/* Plain dotted quad "d.d.d.d" (no leading zeros, each <= 255), the subset
 * of inet_pton's syntax the fast path takes.  0 or -1. */
static int quad(const char *t, size_t len, uint8_t a[4])
{
	size_t i = 0;
	for (int k = 0; k < 4; k++) {
		if (k && (i >= len || t[i++] != '.'))
			return -1;
		size_t d0 = i;
		unsigned v = 0;
		while (i < len && t[i] >= '0' && t[i] <= '9' && i - d0 < 3)
			v = v * 10 + (unsigned)(t[i++] - '0');
		if (i == d0 || v > 255 || (t[d0] == '0' && i - d0 > 1))
			return -1;
		a[k] = (uint8_t)v;
	}
	return i == len ? 0 : -1;
}

/* A host name of letters, digits, '-', '_' and '.' only: one token for the
 * rdata parser, no escapes, quotes, blanks or comments. */
static bool plain_name(const char *t, size_t len)
{
	if (len == 0 || len > SRC_NCACHE_TEXT)
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)t[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_' || c == '.'))
			return false;
	}
	return true;
}

int resp_add_text(src_resp_t *r, const uint8_t *owner, uint8_t owner_len, uint16_t type,
		  uint16_t rclass, uint32_t ttl, uint8_t section, const char *text, size_t len,
		  const uint8_t *origin)
{
	/* fast paths giving the bytes lb_rdata_from_text would (else fall through to it):
	 * an IPv4 address, and a name-only rdata (lower-cased, as its canonical form) */
	uint8_t fast[LB_NAME_MAX];
	int fl = -1;
	if (type == LB_T_A && quad(text, len, fast) == 0)
		fl = 4;
	else if ((type == LB_T_CNAME || type == LB_T_NS || type == LB_T_PTR || type == LB_T_DNAME) &&
		 !origin && plain_name(text, len))
		fl = src_name_c(r, text, len, fast);
	if (fl > 0) {
		uint8_t *p = arena_take(r, (size_t)fl);
		if (!p)
			return LB_ELIMIT;
		memcpy(p, fast, (size_t)fl);
		int err = resp_push(r, owner, owner_len, type, rclass, ttl, section, p, (size_t)fl);
		if (err)
			arena_unkeep(r, (size_t)fl); /* (resp_push took nothing when it failed) */
		return err;
	}
	/* parse straight into the arena's free space, then keep what was used */
	size_t room = SRC_ARENA - r->used;
	if (room > LB_RDATA_MAX)
		room = LB_RDATA_MAX;
	uint8_t *p = arena_room(r, room);
	if (!p)
		return LB_ENOMEM;
	int n = lb_rdata_from_text(type, text, len, origin, p, room);
	if (n < 0)
		return n == LB_ESPACE && room < LB_RDATA_MAX ? LB_ELIMIT : n;
	arena_keep(r, (size_t)n);
	int err = resp_push(r, owner, owner_len, type, rclass, ttl, section, p, (size_t)n);
	if (err)
		arena_unkeep(r, (size_t)n);
	return err;
}

int resp_add_wire(src_resp_t *r, const uint8_t *owner, uint8_t owner_len, uint16_t type,
		  uint16_t rclass, uint32_t ttl, uint8_t section, const uint8_t *rd, size_t rdlen)
{
	if (rdlen > LB_RDATA_MAX)
		return LB_ERDATA;
	uint8_t *p = arena_take(r, rdlen);
	if (!p)
		return LB_ELIMIT;
	memcpy(p, rd, rdlen);
	return resp_push(r, owner, owner_len, type, rclass, ttl, section, p, rdlen);
}

static int rr_cmp(const void *a, const void *b, void *ctx)
{
	const src_rr_t *rr = ctx;
	const src_rr_t *x = &rr[*(const uint16_t *)a], *y = &rr[*(const uint16_t *)b];
	if (x->section != y->section)
		return x->section < y->section ? -1 : 1;
	if (x->owner != y->owner) {
		size_t n = x->owner_len < y->owner_len ? x->owner_len : y->owner_len;
		int c = memcmp(x->owner, y->owner, n);
		if (c)
			return c;
		if (x->owner_len != y->owner_len)
			return x->owner_len < y->owner_len ? -1 : 1;
	}
	if (x->type != y->type)
		return x->type < y->type ? -1 : 1;
	if (x->rclass != y->rclass)
		return x->rclass < y->rclass ? -1 : 1;
	if (x->covered != y->covered)
		return x->covered < y->covered ? -1 : 1;
	size_t n = x->rdlen < y->rdlen ? x->rdlen : y->rdlen;
	int c = memcmp(x->rd, y->rd, n);
	if (c)
		return c;
	return x->rdlen < y->rdlen ? -1 : x->rdlen > y->rdlen;
}

static bool same_set(const src_rr_t *x, const src_rr_t *y)
{
	return x->section == y->section && x->type == y->type && x->rclass == y->rclass &&
	       x->covered == y->covered && x->owner_len == y->owner_len &&
	       (x->owner == y->owner || !memcmp(x->owner, y->owner, x->owner_len));
}

void resp_emit(lb_src_t *s, src_resp_t *r, const struct timeval *ts, const uint8_t *bailiwick,
	       const lb_src_aggr_t *agg)
{
	size_t n = r->n;
	if (n == 0)
		goto out;
	if ((ts && ts->tv_sec > 0 && (uint64_t)ts->tv_sec > LB_TIME_MAX) ||
	    (agg && (agg->time_last > LB_TIME_MAX || agg->time_first > agg->time_last))) {
		src_bad(s, LB_BAD_TIME); /* past what the store keeps (LB_TIME_MAX) */
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		r->order[i] = (uint16_t)i;
	if (n > 1)
		qsort_r(r->order, n, sizeof r->order[0], rr_cmp, r->rr);
	uint8_t bw_len = 0;
	if (bailiwick) {
		int l = lb_name_check(bailiwick, LB_NAME_MAX);
		bw_len = l > 0 ? (uint8_t)l : 0;
	}
	struct timeval zero = { 0, 0 };
	for (size_t i = 0; i < n;) {
		const src_rr_t *first = &r->rr[r->order[i]];
		size_t k = 0;
		uint32_t ttl = first->ttl;
		size_t j = i;
		for (; j < n && same_set(first, &r->rr[r->order[j]]); j++) {
			const src_rr_t *x = &r->rr[r->order[j]];
			if (x->ttl < ttl)
				ttl = x->ttl;
			if (k && r->rdl[k - 1] == x->rdlen && !memcmp(r->rdp[k - 1], x->rd, x->rdlen))
				continue; /* duplicate RR */
			r->rdp[k] = x->rd;
			r->rdl[k] = x->rdlen;
			k++;
		}
		lb_obs_rrset_t o = {
			.owner = first->owner, .owner_len = first->owner_len,
			.bailiwick = bailiwick, .bailiwick_len = bw_len,
			.sensor = s->sensor, .rdata = r->rdp, .rdlen = r->rdl, .nrdata = k,
			.ts = ts ? *ts : zero, .ttl = ttl, .type = first->type,
			.rclass = first->rclass, .covered = first->covered, .section = first->section,
			.unrelated = first->unrelated,
		};
		s->c.rrsets++;
		s->c.rrs += k;
		if (agg) {
			lb_src_aggr_t a = *agg;
			a.rr = &o;
			s->c.aggregated++;
			if (s->sink.aggr)
				s->sink.aggr(s->sink.aggr_ctx, &a);
		} else if (s->sink.obs.rrset) {
			s->sink.obs.rrset(s->sink.obs.ctx, &o);
		}
		i = j;
	}
out:
	resp_reset(r);
}

void src_negative(lb_src_t *s, const uint8_t *qname, uint8_t qlen, uint16_t qtype,
		  uint16_t rcode, const struct timeval *ts)
{
	lb_obs_neg_t n = {
		.qname = qname, .qname_len = qlen, .qtype = qtype, .qclass = LB_C_IN,
		.rcode = rcode, .sensor = s->sensor, .ts = *ts,
	};
	if (ts->tv_sec > 0 && (uint64_t)ts->tv_sec > LB_TIME_MAX) {
		src_bad(s, LB_BAD_TIME); /* past what the store keeps (LB_TIME_MAX) */
		return;
	}
	/* as the packet path (observe/obs.c): an AXFR's REFUSED is a transfer
	 * policy, not a denial of the name */
	if (lb_qtype_is_meta(qtype))
		return;
	s->c.negatives++;
	if (s->sink.obs.negative)
		s->sink.obs.negative(s->sink.obs.ctx, &n);
}

/* ---- answers without owner names ---- */

#define CHAIN_MAX 32

int src_chain(lb_src_t *s, const uint8_t *qname, uint8_t qlen, uint16_t qtype, uint16_t rcode,
	      const src_ans_t *a, size_t n, bool ordered, unsigned nodata,
	      const struct timeval *ts)
{
	src_resp_t *r = s->resp;
	resp_reset(r);
	bool negative = rcode == LB_RCODE_NXDOMAIN || rcode == LB_RCODE_SERVFAIL ||
			rcode == LB_RCODE_REFUSED;
	if (!negative && rcode != LB_RCODE_NOERROR) {
		src_skip(s, LB_SKIP_RCODE);
		return 0;
	}
	if (n == 0) {
		if (negative)
			src_negative(s, qname, qlen, qtype, rcode, ts);
		else if (nodata & SRC_ND_EMPTY)
			src_negative(s, qname, qlen, qtype, LB_RCODE_NOERROR, ts);
		else {
			/* nothing to import, and no denial either: said so, not
			 * counted as imported */
			src_skip(s, LB_SKIP_REFERRAL);
			return 0;
		}
		s->c.records++;
		return 0;
	}
	/* the chain: CNAMEs in order; with ordered input no CNAME may follow data */
	uint8_t names[CHAIN_MAX + 1][LB_NAME_MAX];
	uint8_t nlen[CHAIN_MAX + 1];
	memcpy(names[0], qname, qlen);
	nlen[0] = qlen;
	size_t links = 0, ndata = 0;
	uint16_t dtype = 0;
	bool seen_data = false;
	for (size_t i = 0; i < n; i++) {
		if (a[i].type == LB_T_CNAME && qtype != LB_T_CNAME) {
			if (seen_data && ordered)
				goto ambiguous;
			if (links == CHAIN_MAX)
				goto ambiguous;
			int l = src_name(a[i].text, a[i].len, NULL, names[links + 1]);
			if (l < 0) {
				src_bad(s, LB_BAD_RDATA);
				return -1;
			}
			for (size_t k = 0; k <= links; k++)
				if (nlen[k] == l && !memcmp(names[k], names[links + 1], (size_t)l))
					goto ambiguous; /* loop */
			nlen[links + 1] = (uint8_t)l;
			links++;
		} else {
			if (a[i].type == 0 || a[i].type == LB_T_DNAME)
				goto ambiguous;
			if (qtype != LB_T_ANY && a[i].type != qtype)
				goto ambiguous;
			if (qtype == LB_T_ANY && links)
				goto ambiguous;
			if (dtype && a[i].type != dtype && qtype != LB_T_ANY)
				goto ambiguous;
			dtype = a[i].type;
			seen_data = true;
			ndata++;
		}
	}
	if (qtype == LB_T_CNAME && ndata > 1)
		goto ambiguous;
	for (size_t k = 0; k < links; k++) {
		int err = resp_add_wire(r, names[k], nlen[k], LB_T_CNAME, LB_C_IN, a[0].ttl,
					LB_SEC_ANSWER, names[k + 1], nlen[k + 1]);
		if (err)
			goto limit;
	}
	/* fix CNAME TTLs: the i-th CNAME answer carries its own */
	for (size_t i = 0, k = 0; i < n && k < r->n; i++)
		if (a[i].type == LB_T_CNAME && qtype != LB_T_CNAME)
			r->rr[k++].ttl = a[i].ttl;
	for (size_t i = 0; i < n; i++) {
		if (a[i].type == LB_T_CNAME && qtype != LB_T_CNAME)
			continue;
		int err = a[i].wire
			? resp_add_wire(r, names[links], nlen[links], a[i].type, LB_C_IN, a[i].ttl,
					LB_SEC_ANSWER, a[i].wire, a[i].wire_len)
			: resp_add_text(r, names[links], nlen[links], a[i].type, LB_C_IN, a[i].ttl,
					LB_SEC_ANSWER, a[i].text, a[i].len, NULL);
		if (err == LB_ELIMIT)
			goto limit;
		if (err) {
			resp_reset(r);
			src_bad(s, LB_BAD_RDATA);
			return -1;
		}
	}
	/* a denial speaks of the chain's last name (RFC 6604 2.1) */
	if (negative)
		src_negative(s, names[links], nlen[links], qtype, rcode, ts);
	else if (ndata == 0 && qtype != LB_T_CNAME && (nodata & SRC_ND_CHAIN))
		src_negative(s, names[links], nlen[links], qtype, LB_RCODE_NOERROR, ts);
	resp_emit(s, r, ts, NULL, NULL);
	s->c.records++;
	return 0;
ambiguous:
	resp_reset(r);
	src_skip(s, LB_SKIP_AMBIGUOUS);
	return 0;
limit:
	resp_reset(r);
	src_bad(s, LB_BAD_FIELDS);
	return -1;
}

/* ---- driver ---- */

int lb_src_new(const lb_src_opts_t *opts, const lb_src_sink_t *sink, lb_src_t **out)
{
	*out = NULL;
	lb_src_t *s = calloc(1, sizeof *s);
	if (!s)
		return LB_ENOMEM;
	s->o = *opts;
	s->sink = *sink;
	s->resp = calloc(1, sizeof *s->resp); /* (its arena's chunks come at the first use) */
	s->jbuf_cap = (opts->max_line ? opts->max_line : LB_LR_DEFAULT_MAX_LINE) + 16;
	s->jbuf = malloc(s->jbuf_cap);
	s->js.cap = SRC_JS_TOKENS;
	s->js.t = malloc(SRC_JS_TOKENS * sizeof *s->js.t);
	if (!s->resp || !s->jbuf || !s->js.t) {
		lb_src_free(s);
		return LB_ENOMEM;
	}
	if (src_passivedns_init(s)) {
		lb_src_free(s);
		return LB_EINVAL;
	}
	*out = s;
	return 0;
}

void lb_src_free(lb_src_t *s)
{
	if (!s)
		return;
	for (size_t i = 0; s->resp && i < s->resp->nchunks; i++)
		free(s->resp->chunk[i]);
	free(s->resp);
	free(s->jbuf);
	free(s->raw);
	free(s->js.t);
	src_zone_free(s);
	for (int i = 0; i < LB_FMT__COUNT; i++)
		free(s->work[i]);
	for (size_t i = 0; i < s->ninc; i++)
		free(s->inc_names[i]);
	free(s);
}

const lb_src_counts_t *lb_src_counts(const lb_src_t *s) { return &s->c; }

static uint64_t now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static void human(char *buf, size_t sz, double v)
{
	const char *u = "";
	if (v >= 1e9) { v /= 1e9; u = "G"; }
	else if (v >= 1e6) { v /= 1e6; u = "M"; }
	else if (v >= 1e3) { v /= 1e3; u = "k"; }
	snprintf(buf, sz, "%.1f%s", v, u);
}

static void progress(lb_src_t *s, const lb_lr_t *lr, bool final)
{
	uint64_t now = now_ns();
	if (!final && now < s->prog_next_ns)
		return;
	s->prog_next_ns = now + 500000000u;
	double el = (double)(now - s->prog_start_ns) / 1e9;
	if (el <= 0)
		el = 1e-9;
	uint64_t in = lb_lr_in_bytes(lr), size = lb_lr_in_size(lr);
	char b[32], t[32], r[32];
	human(b, sizeof b, (double)in);
	human(r, sizeof r, (double)s->c.records / el);
	fprintf(stderr, "\r%s: %sB", s->file, b);
	if (size) {
		human(t, sizeof t, (double)size);
		double pct = 100.0 * (double)in / (double)size;
		fprintf(stderr, " / %sB %5.1f%%", t, pct);
		if (in > 0 && !final) {
			double eta = el * ((double)size - (double)in) / (double)in;
			fprintf(stderr, " ETA %02d:%02d", (int)(eta / 60), (int)eta % 60);
		}
	}
	fprintf(stderr, "  %s records/s  %llu records\033[K%s", r,
		(unsigned long long)s->c.records, final ? "\n" : "");
}

/* Text before a JSON object (or a Route 53 public query log line) that is
 * no part of the record: a CloudWatch Logs export task writes each event as
 * "<ISO 8601 time> <message>";
 * Suricata's eve-log "prefix" option (its example: "@cee: ") goes before
 * each event.  Its length, else 0. */
static size_t json_line_prefix(const char *line, size_t len)
{
	struct timeval tv;
	if (len > 6 && !memcmp(line, "@cee:", 5)) {
		size_t k = 5;
		while (k < len && line[k] == ' ')
			k++;
		return k < len && line[k] == '{' ? k : 0;
	}
	if (len < 22 || !isdigit((unsigned char)line[0]) || line[4] != '-')
		return 0;
	const char *sp = memchr(line, ' ', len < 40 ? len : 40);
	if (!sp || (size_t)(sp - line) + 1 >= len || src_time_iso(line, (size_t)(sp - line), &tv))
		return 0;
	size_t k = (size_t)(sp - line) + 1;
	return line[k] == '{' || route53_public(line + k, len - k) ? k : 0;
}

/*
 * A row of a Splunk search export (/services/search/jobs/export with
 * output_mode=json, `splunk search ... -output json`): one object per
 * event, {"preview":false,"offset":N,"result":{..., "_raw":"<the event as
 * it was read>", "_time", "host", "source", ...}}.  The event is its _raw,
 * a line of the log it came from (one: an event of several lines is
 * bad_fields); the rest is Splunk's.  A preview row
 * ("preview":true, a partial result a later row repeats) and a row without
 * a result (messages) are no events: not_dns.  A result without _raw (a
 * search that kept other fields only) holds no line to read: bad_fields.
 * Returns 1 and the event in *raw (s->raw), 0 for a line that is no such
 * row, -1 for a row passed over (counted).
 */
static int splunk_raw(lb_src_t *s, const char *line, size_t len, const char **raw,
		      size_t *rawlen)
{
	static const char head[] = "{\"preview\":";
	if (len < sizeof head - 1 || memcmp(line, head, sizeof head - 1))
		return 0;
	json_t *j = src_json(s, line, len);
	if (!j)
		return -1; /* (bad_json, counted) */
	json_t *p = json_object_get(j, "preview"), *r = json_object_get(j, "result");
	json_t *v = json_is_object(r) ? json_object_get(r, "_raw") : NULL;
	int ret = -1;
	if (!json_is_boolean(p)) {
		src_bad(s, LB_BAD_FORMAT); /* (something else that begins so) */
	} else if (json_is_true(p) || !json_is_object(r)) {
		src_skip(s, LB_SKIP_NOT_DNS);
	} else if (!json_is_string(v)) {
		src_bad(s, LB_BAD_FIELDS);
	} else if (!s->raw && !(s->raw = malloc(s->jbuf_cap))) {
		src_bad(s, LB_BAD_TOO_LONG);
	} else {
		/* (an unescaped string is never longer than the line) */
		size_t l = json_string_length(v);
		const char *t = json_string_value(v);
		while (l && (t[l - 1] == '\n' || t[l - 1] == '\r'))
			l--;
		if (memchr(t, '\n', l)) {
			src_bad(s, LB_BAD_FIELDS); /* (an event of several lines) */
		} else if (l < s->jbuf_cap) {
			memcpy(s->raw, t, l);
			*raw = s->raw;
			*rawlen = l;
			ret = 1;
		} else {
			src_bad(s, LB_BAD_TOO_LONG);
		}
	}
	json_decref(j);
	return ret;
}

/* Feed one line to the current format.  Handles auto detection. */
static void feed(lb_src_t *s, const char *line, size_t len)
{
	int sp = splunk_raw(s, line, len, &line, &len);
	if (sp < 0)
		return;
	size_t cw = json_line_prefix(line, len);
	line += cw;
	len -= cw;
	if (s->fmt == LB_FMT_AUTO) {
		size_t k = 0;
		while (k < len && isspace((unsigned char)line[k]))
			k++;
		if (k == len)
			return;
		/* passivedns -d's delimiter, when given, before the guesses (a tab
		 * or a blank would have the line taken for a zone record) */
		if (s->o.pd_delim && line[k] != '{' && line[k] != '#' &&
		    src_passivedns_row(s, line, len))
			s->fmt = LB_FMT_PASSIVEDNS;
		else
			s->fmt = lb_src_detect(line, len);
		if (s->fmt == LB_FMT_AUTO) {
			if (line[k] == '#')
				return; /* a comment before the header: keep looking */
			src_bad(s, LB_BAD_FORMAT);
			return;
		}
		if (!s->o.source)
			s->sensor = lb_src_fmt_name(s->fmt);
	}
	switch (s->fmt) {
	case LB_FMT_ZEEK: src_zeek_line(s, line, len); break;
	case LB_FMT_SURICATA: src_suricata_line(s, line, len); break;
	case LB_FMT_ROUTE53: src_route53_line(s, line, len); break;
	case LB_FMT_PASSIVEDNS: src_passivedns_line(s, line, len); break;
	case LB_FMT_COF: src_cof_line(s, line, len); break;
	case LB_FMT_MISP: src_misp_line(s, line, len); break;
	default: break;
	}
}

static int run(lb_src_t *s, lb_lr_t *lr, const char *name)
{
	int err = 0;
	s->file = name;
	s->fmt = s->o.fmt;
	s->sensor = s->o.source ? s->o.source : (s->fmt ? lb_src_fmt_name(s->fmt) : NULL);
	s->stop = false;
	s->lineno = 0;
	memset(&s->zeek, 0, sizeof s->zeek);
	free(s->work[LB_FMT_MISP]); /* (the CSV header: each file has its own) */
	s->work[LB_FMT_MISP] = NULL;
	s->saf = 0;
	s->pdns.pending = false;
	s->file_mtime = lb_lr_mtime(lr);
	s->prog_start_ns = now_ns();
	s->prog_next_ns = s->prog_start_ns + 500000000u;
	uint64_t in0 = 0;

	if (s->fmt == LB_FMT_ZONE) {
		err = src_zone_run(s, lr, name);
		goto done;
	}
	for (;;) {
		const char *line;
		size_t len;
		int rc = lb_lr_next(lr, &line, &len);
		if (rc == 0)
			break;
		if (rc < 0 && rc != LB_ELIMIT) { /* a read error or a signal: no line */
			err = rc;
			break;
		}
		s->lineno = lb_lr_lineno(lr);
		s->line_bad = false;
		s->c.lines++;
		if (rc == LB_ELIMIT) {
			src_bad(s, LB_BAD_TOO_LONG);
		} else if (s->fmt == LB_FMT_AUTO) {
			feed(s, line, len);
			if (s->fmt == LB_FMT_ZONE) {
				/* zone files are read by the zone parser, from this line on */
				err = src_zone_run_from(s, lr, name, line, len);
				goto done;
			}
		} else {
			feed(s, line, len);
		}
		if (s->stop) {
			err = LB_ETEXT;
			break;
		}
		if (s->o.progress && (s->c.lines & 1023) == 0)
			progress(s, lr, false);
	}
	if (s->fmt == LB_FMT_PASSIVEDNS)
		src_passivedns_end(s);
	if (s->fmt == LB_FMT_SURICATA)
		src_suricata_end(s);
	if (s->fmt == LB_FMT_COF && !err)
		src_cof_end(s);
	if (s->fmt == LB_FMT_MISP && !err)
		src_misp_end(s);
	if (s->stop && !err)
		err = LB_ETEXT;
done:
	s->c.in_bytes += lb_lr_in_bytes(lr) - in0;
	if (s->o.progress)
		progress(s, lr, true);
	return err;
}

int lb_src_import_file(lb_src_t *s, const char *path)
{
	lb_lr_t *lr;
	int err = lb_lr_open(path, s->o.max_line, &lr);
	if (err)
		return err;
	lb_lr_set_idle(lr, s->o.idle, s->o.idle_ctx);
	lb_lr_set_stop(lr, s->o.interrupt);
	err = run(s, lr, path);
	lb_lr_close(lr);
	return err;
}

int lb_src_import_mem(lb_src_t *s, const char *name, const void *buf, size_t len)
{
	lb_lr_t *lr;
	int err = lb_lr_open_mem(buf, len, s->o.max_line, &lr);
	if (err)
		return err;
	err = run(s, lr, name);
	lb_lr_close(lr);
	return err;
}

void lb_src_print_summary(const lb_src_t *s, FILE *out)
{
	const lb_src_counts_t *c = &s->c;
	fprintf(out,
		"import: %llu lines, %llu records imported, %llu rrsets (%llu rrs, %llu aggregated), "
		"%llu negatives\n",
		(unsigned long long)c->lines, (unsigned long long)c->records,
		(unsigned long long)c->rrsets, (unsigned long long)c->rrs,
		(unsigned long long)c->aggregated, (unsigned long long)c->negatives);
	if (c->sources)
		fprintf(out, "import: %llu source lines (a source's own freshness)%s\n",
			(unsigned long long)c->sources,
			s->o.source ? " ignored: with --source every record is that source's" : "");
	for (int i = 0; i < LB_SKIP__COUNT; i++)
		if (c->skip[i])
			fprintf(out, "import: skipped %llu %s\n", (unsigned long long)c->skip[i],
				skip_names[i]);
	static const char *const notes[LB_NOTE__COUNT] = {
		"passivedns local-time stamps (-f H) read as UTC: give --passivedns-utc-offset "
		"if the sensor's clock was not on UTC",
		"Zeek TSV rows without a #fields header read in Zeek's standard dns.log column "
		"order (their column count and flags match it)",
	};
	for (int i = 0; i < LB_NOTE__COUNT; i++)
		if (c->note[i])
			fprintf(out, "import: note: %llu %s\n", (unsigned long long)c->note[i],
				notes[i]);
	for (int i = 0; i < LB_BAD__COUNT; i++) {
		if (!c->bad[i])
			continue;
		fprintf(out, "import: bad %llu %s (", (unsigned long long)c->bad[i], bad_names[i]);
		for (uint64_t k = 0; k < c->bad[i] && k < LB_SRC_BAD_KEEP; k++)
			fprintf(out, "%s%s:%llu", k ? ", " : "",
				s->bad_file[i][k] ? s->bad_file[i][k] : "?",
				(unsigned long long)c->bad_line[i][k]);
		fprintf(out, "%s)\n", c->bad[i] > LB_SRC_BAD_KEEP ? ", ..." : "");
	}
	if (c->bad[LB_BAD_NO_HEADER])
		fprintf(out, "import: zeek_no_header: a Zeek TSV row needs its log's #fields header, "
			     "unless it is in a standard dns.log column order: put the header lines "
			     "(#separator ... #fields ...) of the log it came from in front of it\n");
}
