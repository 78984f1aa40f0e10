/*
 * misp.c - MISP attribute CSV exports (/attributes/restSearch with
 * returnFormat csv, the "CSV" download of an event, the CSV feeds that
 * follow it): a header line naming the columns - by default uuid, event_id,
 * category, type, value, comment, to_ids, date, object_relation,
 * attribute_tag, object_uuid, object_name, object_meta-category, with
 * first_seen and last_seen when asked for - then one attribute per row,
 * RFC 4180 quoting ("..." with "" for a quote).
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

/* Column indexes of the header (-1: absent), in s->work[LB_FMT_MISP]. */
typedef struct misp_hdr {
	int ncols;
	int type, value, date, first_seen, last_seen;
} misp_hdr_t;

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

void src_misp_line(lb_src_t *s, const char *line, size_t len)
{
	misp_hdr_t *h = s->work[LB_FMT_MISP];
	const char *f[MISP_COLS];
	size_t fl[MISP_COLS];
	if (len && line[len - 1] == '\r')
		len--; /* (CSV's CRLF) */
	if (len == 0)
		return;
	if (len >= s->jbuf_cap)
		return (void)src_bad(s, LB_BAD_TOO_LONG);
	int n = csv_split(line, len, s->jbuf, f, fl, MISP_COLS);
	if (n < 0)
		return (void)src_bad(s, LB_BAD_FIELDS);
	if (col(f, fl, n, "type") >= 0 && col(f, fl, n, "value") >= 0) {
		/* the header (again, when files were joined) */
		if (!h && !(h = s->work[LB_FMT_MISP] = calloc(1, sizeof *h)))
			return (void)src_bad(s, LB_BAD_TOO_LONG);
		h->ncols = n;
		h->type = col(f, fl, n, "type");
		h->value = col(f, fl, n, "value");
		h->date = col(f, fl, n, "date");
		if (h->date < 0)
			h->date = col(f, fl, n, "timestamp");
		h->first_seen = col(f, fl, n, "first_seen");
		h->last_seen = col(f, fl, n, "last_seen");
		if (h->type < 0 || h->value < 0 || (h->date < 0 && h->first_seen < 0)) {
			h->ncols = 0;
			return (void)src_bad(s, LB_BAD_FORMAT);
		}
		return;
	}
	if (!h || !h->ncols)
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
