/*
 * passivedns.c - gamelinux passivedns log lines:
 *   ts||client||server||class||query||type||answer||ttl||count
 * (count is absent in old versions), or the fields passivedns -f chose
 * (lb_src_opts_t.pd_fields), parted by the delimiter -d chose instead of
 * "||" (lb_src_opts_t.pd_delim).  The client address is never kept.
 * passivedns writes one line per RR; consecutive lines with the same
 * timestamp, server, class, name and type came from one response and form
 * one RRset.  A line whose answer is "NXDOMAIN", "SERVFAIL" or "REFUSED" is a
 * negative answer (error_record).
 * Lines are aggregated entries: time_first = time_last = ts, count = count.
 *
 * passivedns prints some types only in part: a TXT record's first
 * character-string alone, NSEC3 without its type bitmap, MX, SRV, SOA and RP
 * as one field (partial_rdata).  An RRset of NSEC3, of TXT/SPF whose first
 * string is full (255 octets: another likely followed), or with a partial
 * record, is left out whole as lossy_answer rather than stored incomplete.
 */
#include "sources/passivedns.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "dns/rrtype.h"

#define PD_FIELDS 9
/* columns of a custom -f layout: every letter but one of H S M is a column */
#define PD_COLS 16

/*
 * passivedns's -f letters (src/passivedns.c parse_field_flags), in the order
 * its print_passet prints the fields (src/dns.c), whatever the order they
 * were given in: the time (H: "YYYY-MM-DD HH:MM:SS.ffffff" in local time,
 * else S and M: "sec.usec", S alone: "sec"), h hostname, c client, w client
 * MAC, s server, W server MAC, p protocol, C class, Q query, L its length,
 * T type, A answer, l its length, t TTL, n count.  field: the index in
 * ts||client||server||class||query||type||answer||ttl||count, -1 for a
 * column read past.
 */
static const struct {
	char letter;
	int8_t field;
} pd_order[] = {
	{ 'h', -1 }, { 'c', 1 }, { 'w', -1 }, { 's', 2 }, { 'W', -1 }, { 'p', -1 },
	{ 'C', 3 }, { 'Q', 4 }, { 'L', -1 }, { 'T', 5 }, { 'A', 6 }, { 'l', -1 },
	{ 't', 7 }, { 'n', 8 },
};

int lb_src_pd_fields_check(const char *letters, const char **why)
{
	for (const char *p = letters; *p; p++) {
		bool known = *p == 'H' || *p == 'S' || *p == 'M';
		for (size_t i = 0; !known && i < sizeof pd_order / sizeof pd_order[0]; i++)
			known = pd_order[i].letter == *p;
		if (!known) {
			*why = "a letter passivedns's -f does not have (H S M c s C Q L T A l t p n "
			       "h w W)";
			return LB_EINVAL;
		}
	}
	if (!strchr(letters, 'H') && !strchr(letters, 'S')) {
		/* (M alone prints the microseconds without the second) */
		*why = "no time: the log needs H or S";
		return LB_EINVAL;
	}
	if (!strchr(letters, 'Q') || !strchr(letters, 'T') || !strchr(letters, 'A')) {
		*why = "the log needs the query, type and answer fields (Q, T, A)";
		return LB_EINVAL;
	}
	return 0;
}

int lb_src_pd_delim_check(const char *delim, const char **why)
{
	size_t n = strlen(delim);
	if (n == 0) {
		*why = "empty";
		return LB_EINVAL;
	}
	if (n > LB_SRC_PD_DELIM_MAX) {
		*why = "longer than 16 bytes";
		return LB_EINVAL;
	}
	if (strpbrk(delim, "\r\n")) {
		*why = "holds a line break";
		return LB_EINVAL;
	}
	return 0;
}

int src_passivedns_init(lb_src_t *s)
{
	const char *why, *f = s->o.pd_fields, *d = s->o.pd_delim ? s->o.pd_delim : "||";
	if (lb_src_pd_delim_check(d, &why))
		return LB_EINVAL;
	s->pdns.delim_len = strlen(d);
	memcpy(s->pdns.delim, d, s->pdns.delim_len);
	s->pdns.ncols = 0;
	if (!f)
		return 0;
	if (lb_src_pd_fields_check(f, &why))
		return LB_EINVAL;
	int n = 0;
	s->pdns.col[n++] = 0; /* the time, first */
	for (size_t i = 0; i < sizeof pd_order / sizeof pd_order[0]; i++)
		if (strchr(f, pd_order[i].letter))
			s->pdns.col[n++] = pd_order[i].field;
	s->pdns.ncols = n;
	return 0;
}

/* Split at the field delimiter (passivedns's -d, default "||"; the leftmost
 * match first) into at most max fields; the count, or -1 for more. */
static int split_delim(const lb_src_t *s, const char *line, size_t len, const char *f[],
		       size_t fl[], int max)
{
	const char *d = s->pdns.delim;
	size_t dl = s->pdns.delim_len;
	int n = 0;
	size_t i = 0, start = 0;
	while (i + dl <= len) {
		const char *p = memchr(line + i, d[0], len - dl + 1 - i);
		if (!p)
			break;
		i = (size_t)(p - line);
		if (memcmp(p, d, dl)) {
			i++;
			continue;
		}
		if (n == max - 1)
			return -1;
		f[n] = line + start;
		fl[n++] = i - start;
		i += dl;
		start = i;
	}
	f[n] = line + start;
	fl[n++] = len - start;
	return n;
}

/*
 * An error record (passivedns prints one for a response with an error rcode
 * and no answer): the answer field is the rcode's name ("NXDOMAIN",
 * "SERVFAIL", "REFUSED", "FORMERR", "NOTIMPL", ..., "UNKNOWN-ERROR-n").
 * Returns 1 and the rcode (LB_RCODE_* for the three denials, else 0xffff),
 * or 0 when the field is rdata.
 */
static int error_record(const char *a, size_t n, uint16_t *rcode)
{
	static const struct {
		char s[12];
		uint16_t rcode;
	} names[] = {
		{ "NXDOMAIN", LB_RCODE_NXDOMAIN }, { "SERVFAIL", LB_RCODE_SERVFAIL },
		{ "REFUSED", LB_RCODE_REFUSED }, { "FORMERR", 0xffff }, { "NOTIMPL", 0xffff },
		{ "YXDOMAIN", 0xffff }, { "YXRRSET", 0xffff }, { "NXRRSET", 0xffff },
		{ "NOTAUTH", 0xffff }, { "NOTZONE", 0xffff },
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (n == strlen(names[i].s) && !memcmp(a, names[i].s, n)) {
			*rcode = names[i].rcode;
			return 1;
		}
	if (n > 14 && !memcmp(a, "UNKNOWN-ERROR-", 14)) {
		*rcode = 0xffff;
		return 1;
	}
	return 0;
}

/* passivedns prints only part of some types' rdata: MX its exchange, SRV its
 * target, SOA its MNAME, RP its mailbox (dns.c: one rdata field from an
 * offset).  One field alone, where the type has more, is such a part. */
static bool partial_rdata(uint16_t type, const char *a, size_t n)
{
	if (type != LB_T_MX && type != LB_T_SRV && type != LB_T_SOA && type != LB_T_RP)
		return false;
	return memchr(a, ' ', n) == NULL && memchr(a, '\t', n) == NULL;
}

void src_passivedns_end(lb_src_t *s)
{
	if (!s->pdns.pending)
		return;
	if (s->pdns.lossy) {
		resp_reset(s->resp);
		src_skip(s, LB_SKIP_LOSSY);
	} else {
		lb_src_aggr_t a = { .time_first = s->pdns.t, .time_last = s->pdns.t,
				    .count = s->pdns.count };
		resp_emit(s, s->resp, NULL, NULL, &a);
	}
	s->pdns.pending = false;
	s->pdns.lossy = false;
}

/* One record, its fields as the text line has them (n: 8 without count). */
static void pd_record(lb_src_t *s, const char *const f[], const size_t fl[], int n)
{
	struct timeval ts;
	/* Unix seconds with microseconds; with -f H, "YYYY-MM-DD HH:MM:SS.ffffff"
	 * in the sensor's local time (strftime of localtime), which the line
	 * does not name: --passivedns-utc-offset gives it, else it is read as
	 * UTC (what a sensor run with TZ=UTC writes) and counted as a note */
	if (src_time_any(f[0], fl[0], &ts))
		return (void)src_bad(s, LB_BAD_TIME);
	if (memchr(f[0], '-', fl[0])) {
		if (!s->o.pd_utc_offset_set)
			s->c.note[LB_NOTE_LOCAL_TIME]++;
		ts.tv_sec -= s->o.pd_utc_offset;
		if (ts.tv_sec < 0)
			return (void)src_bad(s, LB_BAD_TIME);
	}
	if (fl[3] != 2 || strncasecmp(f[3], "IN", 2)) {
		src_passivedns_end(s);
		src_skip(s, LB_SKIP_CLASS);
		return;
	}
	uint8_t owner[LB_NAME_MAX];
	int ol = src_name(f[4], fl[4], NULL, owner);
	if (ol < 0)
		return (void)src_bad(s, LB_BAD_NAME);
	char tb[24];
	uint16_t type;
	if (fl[5] >= sizeof tb || memchr(f[5], 0, fl[5])) /* (a NUL would end the name) */
		return (void)src_bad(s, LB_BAD_TYPE);
	memcpy(tb, f[5], fl[5]);
	tb[fl[5]] = 0;
	if (lb_rrtype_from_text(tb, &type))
		return (void)src_bad(s, LB_BAD_TYPE);
	uint64_t ttl = 0, count = 1;
	if (src_u64(f[7], fl[7], &ttl) || ttl > UINT32_MAX || (n == 9 && src_u64(f[8], fl[8], &count)))
		return (void)src_bad(s, LB_BAD_FIELDS);
	uint16_t rcode;
	if (error_record(f[6], fl[6], &rcode)) {
		src_passivedns_end(s);
		/* the type of an error record is the question's; a number there
		 * is the name's ldns rdf type (print_passet), not a type */
		if (rcode == 0xffff) {
			src_skip(s, LB_SKIP_RCODE);
			return;
		}
		if (fl[5] && tb[0] >= '0' && tb[0] <= '9') {
			src_skip(s, LB_SKIP_LOSSY);
			return;
		}
		s->c.records++;
		src_negative(s, owner, (uint8_t)ol, type, rcode, &ts);
		return;
	}
	/* key of the response this line belongs to: ts, server, class, name, type (no client) */
	char key[sizeof s->pdns.key];
	size_t kl = 0;
	static const int kf[] = { 0, 2, 3, 4, 5 };
	for (size_t i = 0; i < sizeof kf / sizeof kf[0]; i++) {
		if (kl + fl[kf[i]] + 1 > sizeof key)
			return (void)src_bad(s, LB_BAD_FIELDS);
		memcpy(key + kl, f[kf[i]], fl[kf[i]]);
		kl += fl[kf[i]];
		key[kl++] = '|';
	}
	if (s->pdns.pending && (kl != s->pdns.keylen || memcmp(s->pdns.key, key, kl)))
		src_passivedns_end(s);
	if (!s->pdns.pending) {
		memcpy(s->pdns.key, key, kl);
		s->pdns.keylen = kl;
		s->pdns.t = (uint64_t)ts.tv_sec;
		s->pdns.count = count;
		s->pdns.pending = true;
	}
	if (partial_rdata(type, f[6], fl[6])) {
		s->pdns.lossy = true; /* the RRset is left out at its end */
		return;
	}
	int err = resp_add_text(s->resp, owner, (uint8_t)ol, type, LB_C_IN, (uint32_t)ttl,
				LB_SEC_ANSWER, f[6], fl[6], NULL);
	if (err == LB_ELIMIT) {
		src_passivedns_end(s);
		err = resp_add_text(s->resp, owner, (uint8_t)ol, type, LB_C_IN, (uint32_t)ttl,
				    LB_SEC_ANSWER, f[6], fl[6], NULL);
	}
	if (err) {
		if (s->resp->n == 0)
			s->pdns.pending = false;
		return (void)src_bad(s, LB_BAD_RDATA);
	}
	const src_rr_t *x = &s->resp->rr[s->resp->n - 1];
	if (type == LB_T_NSEC3 || ((type == LB_T_TXT || type == LB_T_SPF) && x->rdlen && x->rd[0] == 255))
		s->pdns.lossy = true;
	s->c.records++;
}

/*
 * passivedns -j: one JSON object per record, with the members the -f fields
 * select: timestamp_s and timestamp_ms (microseconds, despite the name) or
 * timestamp ("YYYY-MM-DD HH:MM:SS.ffffff"), client, server, proto, class,
 * query, type, answer, ttl, count.
 */
static void pd_json(lb_src_t *s, const char *line, size_t len)
{
	if (src_jscan(s, line, len))
		return;
	const js_doc_t *d = &s->js;
	enum { J_TS_S, J_TS_MS, J_TS, J_SERVER, J_CLASS, J_QUERY, J_TYPE, J_ANSWER, J_TTL, J_COUNT,
	       J__N };
	static const js_key_t keys[J__N] = {
		JS_KEY("timestamp_s"), JS_KEY("timestamp_ms"), JS_KEY("timestamp"), JS_KEY("server"),
		JS_KEY("class"), JS_KEY("query"), JS_KEY("type"), JS_KEY("answer"), JS_KEY("ttl"),
		JS_KEY("count"),
	};
	int m[J__N];
	js_members(d, 0, keys, J__N, m);
	char tsb[64], srv[64], cls[16], qb[1024], tyb[24], ttlb[24], cntb[24];
	const char *f[PD_FIELDS];
	size_t fl[PD_FIELDS];
	int64_t sec, usec = 0, ttl, count;
	if (js_int(d, m[J_TS_S], &sec) == 0) {
		if (m[J_TS_MS] >= 0 && (js_int(d, m[J_TS_MS], &usec) || usec < 0 || usec > 999999))
			return (void)src_bad(s, LB_BAD_TIME);
		if (sec < 0)
			return (void)src_bad(s, LB_BAD_TIME);
		f[0] = tsb;
		fl[0] = (size_t)snprintf(tsb, sizeof tsb, "%lld.%06lld", (long long)sec, (long long)usec);
	} else if (!(f[0] = js_str(d, m[J_TS], tsb, sizeof tsb, &fl[0])) || fl[0] >= sizeof tsb) {
		return (void)src_bad(s, LB_BAD_TIME);
	}
	f[1] = "";
	fl[1] = 0;
	f[2] = js_str(d, m[J_SERVER], srv, sizeof srv, &fl[2]);
	f[3] = js_str(d, m[J_CLASS], cls, sizeof cls, &fl[3]);
	f[4] = js_str(d, m[J_QUERY], qb, sizeof qb, &fl[4]);
	f[5] = js_str(d, m[J_TYPE], tyb, sizeof tyb, &fl[5]);
	f[6] = js_str(d, m[J_ANSWER], s->jbuf, s->jbuf_cap, &fl[6]);
	if (!f[2]) { /* -f without the server: the key has none */
		f[2] = "";
		fl[2] = 0;
	}
	if (!f[3] || !f[4] || !f[5] || !f[6] || js_int(d, m[J_TTL], &ttl) || ttl < 0 ||
	    fl[2] >= sizeof srv || fl[3] >= sizeof cls || fl[4] >= sizeof qb || fl[5] >= sizeof tyb)
		return (void)src_bad(s, LB_BAD_FIELDS);
	f[7] = ttlb;
	fl[7] = (size_t)snprintf(ttlb, sizeof ttlb, "%lld", (long long)ttl);
	int n = 8;
	if (m[J_COUNT] >= 0) {
		if (js_int(d, m[J_COUNT], &count) || count < 0)
			return (void)src_bad(s, LB_BAD_FIELDS);
		f[8] = cntb;
		fl[8] = (size_t)snprintf(cntb, sizeof cntb, "%lld", (long long)count);
		n = 9;
	}
	pd_record(s, f, fl, n);
}

void src_passivedns_line(lb_src_t *s, const char *line, size_t len)
{
	if (len == 0)
		return;
	if (line[0] == '{') {
		pd_json(s, line, len);
		return;
	}
	const char *f[PD_COLS];
	size_t fl[PD_COLS];
	int nc = s->pdns.ncols;
	if (!nc) {
		int n = split_delim(s, line, len, f, fl, PD_FIELDS);
		if (n != 8 && n != 9)
			return (void)src_bad(s, LB_BAD_FIELDS);
		pd_record(s, f, fl, n);
		return;
	}
	/* a custom -f layout: its columns to the default's fields; a field it
	 * lacks is the client's (never kept), no server, class IN, TTL 0, count 1 */
	const char *c[PD_COLS];
	size_t cl[PD_COLS];
	if (split_delim(s, line, len, c, cl, nc) != nc)
		return (void)src_bad(s, LB_BAD_FIELDS);
	static const char *const dflt[PD_FIELDS] = { "", "", "", "IN", "", "", "", "0", "" };
	for (int i = 0; i < PD_FIELDS; i++) {
		f[i] = dflt[i];
		fl[i] = strlen(dflt[i]);
	}
	int n = 8;
	for (int i = 0; i < nc; i++) {
		int x = s->pdns.col[i];
		if (x < 0)
			continue;
		f[x] = c[i];
		fl[x] = cl[i];
		if (x == 8)
			n = 9;
	}
	pd_record(s, f, fl, n);
}

bool src_passivedns_row(lb_src_t *s, const char *line, size_t len)
{
	const char *f[PD_COLS];
	size_t fl[PD_COLS];
	struct timeval tv;
	int nc = s->pdns.ncols;
	int n = split_delim(s, line, len, f, fl, nc ? nc : PD_FIELDS);
	if (nc ? n != nc : n != 8 && n != 9)
		return false;
	return src_time_any(f[0], fl[0], &tv) == 0;
}
