/*
 * misp.c - MISP attribute CSV exports (/attributes/restSearch with
 * returnFormat csv, the "CSV" download of an event, the CSV feeds that
 * follow it): a header line naming the columns - by default uuid, event_id,
 * category, type, value, comment, to_ids, date, object_relation,
 * attribute_tag, object_uuid, object_name, object_meta-category, with
 * first_seen and last_seen when asked for - then one attribute per row,
 * RFC 4180 quoting ("..." with "" for a quote; a quoted field may hold line
 * breaks, its record then goes on over them, up to the line cap).  Only the
 * first record may be the header: a data row is never taken for one (the
 * header's very text again is passed over: files joined).
 *
 * Only attributes that pair a name with an address are DNS data: type
 * "domain|ip" or "hostname|ip", value "name|address".  Each is an A or AAAA
 * record of the name, aggregated with count 1, seen from first_seen to
 * last_seen when the row has them, else on the attribute's date (its day,
 * from 00:00:00 UTC).  Other types are not_dns.  These are an analyst's
 * claims, not answers a sensor saw: they carry the source id ("misp" unless
 * --source gives one) that tells them apart in queries.
 */
#include "sources/misp.h"

#include <stdlib.h>
#include <string.h>

#include "dns/rrtype.h"

#define MISP_COLS 32
/* The header's text kept to know it again (files joined): a longer header
 * repeated is read as a data row (its type "type": not_dns). */
#define MISP_HDR_KEEP 1024

/* The file's state, in s->work[LB_FMT_MISP] (freed at each file's start). */
typedef struct misp_hdr {
	bool started;           /* the first record was read: no header after it */
	int ncols;              /* 0: no usable header */
	int type, value, date, first_seen, last_seen; /* column indexes, -1: absent */
	size_t htext_len;       /* the header's text (0: not kept) */
	char htext[MISP_HDR_KEEP];
	/* a record whose quoted field holds line breaks (RFC 4180 2.6): its lines
	 * so far, '\n' between them, while a quote is open */
	bool open;
	uint64_t line0;         /* its first line */
	uint64_t last;          /* the line last read (a gap: a line too long, skipped) */
	size_t rlen, rcap;
	char rec[];             /* rcap bytes */
} misp_hdr_t;

/* CSV scanning states (as csv_split reads a record) */
enum { CSV_FIELD, CSV_PLAIN, CSV_QUOTED, CSV_CLOSED };

/* The state after the bytes p[0..n) read from state st: CSV_QUOTED at the
 * end of a line means the record goes on over the line break. */
static int csv_scan(const char *p, size_t n, int st)
{
	for (size_t i = 0; i < n; i++) {
		char c = p[i];
		switch (st) {
		case CSV_FIELD:
			st = c == '"' ? CSV_QUOTED : c == ',' ? CSV_FIELD : CSV_PLAIN;
			break;
		case CSV_QUOTED:
			if (c == '"') {
				if (i + 1 < n && p[i + 1] == '"')
					i++; /* "" */
				else
					st = CSV_CLOSED;
			}
			break;
		default: /* (text after a closing quote: csv_split refuses the record) */
			if (c == ',')
				st = CSV_FIELD;
			break;
		}
	}
	return st;
}

/* Split a CSV line into fields, quotes removed and "" undone in place into
 * buf (capacity >= len).  The field count, or -1 (more than max, a quote
 * unclosed or followed by text). */
static int csv_split(const char *line, size_t len, char *buf, const char *f[], size_t fl[],
		     int max)
{
	int n = 0;
	size_t i = 0, o = 0;
	for (;;) {
		if (n == max)
			return -1;
		f[n] = buf + o;
		size_t start = o;
		if (i < len && line[i] == '"') {
			i++;
			for (;;) {
				if (i == len)
					return -1;
				if (line[i] == '"') {
					if (i + 1 < len && line[i + 1] == '"') {
						buf[o++] = '"';
						i += 2;
						continue;
					}
					i++;
					break;
				}
				buf[o++] = line[i++];
			}
			if (i < len && line[i] != ',')
				return -1;
		} else {
			while (i < len && line[i] != ',')
				buf[o++] = line[i++];
		}
		fl[n++] = o - start;
		if (i == len)
			return n;
		i++; /* the comma */
	}
}

static int col(const char *const f[], const size_t fl[], int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (fl[i] == strlen(name) && !memcmp(f[i], name, fl[i]))
			return i;
	return -1;
}

bool src_misp_header(const char *line, size_t len)
{
	static const char h[] = "uuid,event_id,category,type,value,";
	return len > sizeof h - 1 && !memcmp(line, h, sizeof h - 1);
}

/* A MISP date: "YYYYMMDD" (the CSV export's), "YYYY-MM-DD", an ISO 8601
 * time, or Unix seconds.  0 or -1. */
static int misp_time(const char *t, size_t l, struct timeval *tv)
{
	char b[32];
	size_t nd = 0;
	while (nd < l && t[nd] >= '0' && t[nd] <= '9')
		nd++;
	if (l == 8 && nd == 8) {
		memcpy(b, t, 4);
		b[4] = '-';
		memcpy(b + 5, t + 4, 2);
		b[7] = '-';
		memcpy(b + 8, t + 6, 2);
		memcpy(b + 10, "T00:00:00Z", 10);
		return src_time_iso(b, 20, tv);
	}
	if (l == 10 && t[4] == '-' && t[7] == '-') {
		memcpy(b, t, 10);
		memcpy(b + 10, "T00:00:00Z", 10);
		return src_time_iso(b, 20, tv);
	}
	return src_time_any(t, l, tv);
}

/* One record: the header (the first record alone), or an attribute. */
static void misp_record(lb_src_t *s, misp_hdr_t *h, const char *line, size_t len)
{
	const char *f[MISP_COLS];
	size_t fl[MISP_COLS];
	if (len >= s->jbuf_cap)
		return (void)src_bad(s, LB_BAD_TOO_LONG);
	bool first = !h->started;
	h->started = true;
	if (!first && h->htext_len == len && !memcmp(h->htext, line, len))
		return; /* the header again: files joined */
	int n = csv_split(line, len, s->jbuf, f, fl, MISP_COLS);
	if (n < 0)
		return (void)src_bad(s, LB_BAD_FIELDS);
	if (first && col(f, fl, n, "type") >= 0 && col(f, fl, n, "value") >= 0) {
		/* the header: only the first record may be one (a data row whose
		 * fields are "type" and "value" is data) */
		h->ncols = n;
		h->type = col(f, fl, n, "type");
		h->value = col(f, fl, n, "value");
		h->date = col(f, fl, n, "date");
		if (h->date < 0)
			h->date = col(f, fl, n, "timestamp");
		h->first_seen = col(f, fl, n, "first_seen");
		h->last_seen = col(f, fl, n, "last_seen");
		if (len <= sizeof h->htext) {
			memcpy(h->htext, line, len);
			h->htext_len = len;
		}
		if (h->type < 0 || h->value < 0 || (h->date < 0 && h->first_seen < 0)) {
			h->ncols = 0;
			return (void)src_bad(s, LB_BAD_FORMAT);
		}
		return;
	}
	if (!h->ncols)
		return (void)src_bad(s, LB_BAD_FORMAT); /* no usable header */
	if (n != h->ncols)
		return (void)src_bad(s, LB_BAD_FIELDS);
	const char *ty = f[h->type], *v = f[h->value];
	size_t tyl = fl[h->type], vl = fl[h->value];
	if (!((tyl == 9 && !memcmp(ty, "domain|ip", 9)) || (tyl == 11 && !memcmp(ty, "hostname|ip", 11)))) {
		src_skip(s, LB_SKIP_NOT_DNS);
		return;
	}
	/* the time: first_seen..last_seen, else the date */
	struct timeval t0, t1;
	bool fs = h->first_seen >= 0 && fl[h->first_seen];
	bool ls = h->last_seen >= 0 && fl[h->last_seen];
	if (fs || ls) {
		int a = fs ? h->first_seen : h->last_seen, b = ls ? h->last_seen : h->first_seen;
		if (misp_time(f[a], fl[a], &t0) || misp_time(f[b], fl[b], &t1) || t1.tv_sec < t0.tv_sec)
			return (void)src_bad(s, LB_BAD_TIME);
	} else if (h->date < 0 || misp_time(f[h->date], fl[h->date], &t0)) {
		return (void)src_bad(s, LB_BAD_TIME);
	} else {
		t1 = t0;
	}
	const char *bar = memchr(v, '|', vl);
	if (!bar)
		return (void)src_bad(s, LB_BAD_FIELDS);
	size_t nl = (size_t)(bar - v), al = vl - nl - 1;
	const char *addr = bar + 1;
	uint8_t owner[LB_NAME_MAX];
	int ol = src_name(v, nl, NULL, owner);
	if (ol < 0 || nl == 0)
		return (void)src_bad(s, LB_BAD_NAME);
	uint16_t type = memchr(addr, ':', al) ? LB_T_AAAA : LB_T_A;
	resp_reset(s->resp);
	if (resp_add_text(s->resp, owner, (uint8_t)ol, type, LB_C_IN, 0, LB_SEC_ANSWER, addr, al, NULL))
		return (void)src_bad(s, LB_BAD_RDATA);
	lb_src_aggr_t ag = { .time_first = (uint64_t)t0.tv_sec, .time_last = (uint64_t)t1.tv_sec,
			     .count = 1 };
	s->c.records++;
	resp_emit(s, s->resp, NULL, NULL, &ag);
}

/* Gather the lines of a record whose quoted field holds line breaks;
 * handle it once its quotes close. */
static void misp_more(lb_src_t *s, misp_hdr_t *h, const char *line, size_t len)
{
	bool more = csv_scan(line, len, CSV_QUOTED) == CSV_QUOTED;
	uint64_t ln = s->lineno;
	s->lineno = h->line0; /* (bad records are counted at their first line) */
	if (h->rlen + 1 + len > h->rcap) {
		/* past the cap: counted, its lines so far dropped, and reading
		 * starts afresh at the next line (a stray quote costs at most
		 * the cap, not the rest of the file) */
		src_bad(s, LB_BAD_TOO_LONG);
		h->open = false;
	} else {
		h->rec[h->rlen++] = '\n';
		memcpy(h->rec + h->rlen, line, len);
		h->rlen += len;
		if (!more) {
			h->open = false;
			misp_record(s, h, h->rec, h->rlen);
		}
	}
	s->lineno = ln;
}

void src_misp_line(lb_src_t *s, const char *line, size_t len)
{
	misp_hdr_t *h = s->work[LB_FMT_MISP];
	if (!h) {
		size_t cap = s->jbuf_cap - 16; /* the line cap (--max-line) */
		if (!(h = s->work[LB_FMT_MISP] = malloc(sizeof *h + cap)))
			return (void)src_bad(s, LB_BAD_TOO_LONG);
		memset(h, 0, sizeof *h);
		h->rcap = cap;
	}
	if (len && line[len - 1] == '\r')
		len--; /* (CSV's CRLF) */
	if (h->open && s->lineno != h->last + 1)
		h->open = false; /* a line of it was too long (counted): the record is lost */
	h->last = s->lineno;
	if (h->open) {
		misp_more(s, h, line, len);
		return;
	}
	if (len == 0)
		return;
	if (csv_scan(line, len, CSV_FIELD) != CSV_QUOTED || len > h->rcap) {
		misp_record(s, h, line, len); /* (the common case: one line) */
		return;
	}
	/* a quoted field goes on over the line break: gather the record */
	h->open = true;
	h->line0 = s->lineno;
	memcpy(h->rec, line, len);
	h->rlen = len;
}

void src_misp_end(lb_src_t *s)
{
	misp_hdr_t *h = s->work[LB_FMT_MISP];
	if (!h || !h->open)
		return;
	h->open = false;
	uint64_t ln = s->lineno;
	s->lineno = h->line0;
	s->line_bad = false;
	src_bad(s, LB_BAD_FIELDS); /* the input ended inside a quote */
	s->lineno = ln;
}
