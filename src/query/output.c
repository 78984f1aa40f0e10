/*
 * output.c - query results as text (DNS presentation form), COF NDJSON, CSV.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dns/name.h"
#include "dns/rdata.h"
#include "dns/rrtype.h"
#include "query/query.h"
#include "util/json.h"

/* Text scratch at first; grown to what the longest rdata so far needs (a
 * worst-case buffer for 64 KiB of rdata is over 256 KiB: allocated per HTTP
 * request, glibc maps and unmaps it each time). */
#define OUT_BUF 4096

int lb_out_init(lb_out_t *o, FILE *f, enum lb_format fmt)
{
	memset(o, 0, sizeof *o);
	o->f = f;
	o->fmt = fmt;
	o->bufsz = OUT_BUF;
	o->buf = malloc(o->bufsz);
	return o->buf ? 0 : LB_ENOMEM;
}

int lb_out_text(lb_out_t *o, uint16_t type, const uint8_t *rd, size_t len)
{
	size_t need = lb_rdata_text_max(len) + 16;
	if (need > o->bufsz) {
		char *nb = realloc(o->buf, need);
		if (!nb) {
			snprintf(o->buf, o->bufsz, "\\# %zu ...", len);
			return LB_ENOMEM;
		}
		o->buf = nb;
		o->bufsz = need;
	}
	if (lb_rdata_to_text(type, rd, len, o->buf, o->bufsz) < 0) {
		snprintf(o->buf, o->bufsz, "\\# %zu ...", len);
		return LB_ERDATA;
	}
	return 0;
}

void lb_out_free(lb_out_t *o)
{
	free(o->buf);
	o->buf = NULL;
}

static void put_time(FILE *f, uint64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	char b[64];
	if (!gmtime_r(&tt, &tm) || !strftime(b, sizeof b, "%Y-%m-%d %H:%M:%S", &tm))
		snprintf(b, sizeof b, "%llu", (unsigned long long)t);
	fputs(b, f);
}

static const char *name_text(char *buf, size_t sz, const uint8_t *name)
{
	if (lb_name_to_text(name, buf, sz) < 0)
		snprintf(buf, sz, "?");
	return buf;
}

static const char *type_text(char *buf, size_t sz, uint16_t t)
{
	if (lb_rrtype_to_text(t, buf, sz) < 0)
		snprintf(buf, sz, "TYPE%u", t);
	return buf;
}

static const char *rdata_text(lb_out_t *o, uint16_t type, const uint8_t *rd, size_t len)
{
	(void)lb_out_text(o, type, rd, len);
	return o->buf;
}

/* A field (RFC 4180: quoted when it holds a comma, a quote or a line
 * break), after the character mark when mark is not 0. */
static void csv_field_marked(FILE *f, char mark, const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		if (mark)
			fputc(mark, f);
		fputs(s, f);
		return;
	}
	fputc('"', f);
	if (mark)
		fputc(mark, f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

/*
 * CSV and spreadsheets (formula injection, OWASP "CSV Injection"): Excel,
 * LibreOffice and Google Sheets take a cell that begins with = + - @ (or a
 * tab, a carriage return) for a formula, and `=cmd|' /C calc'!A0` is a name
 * anyone can make a resolver see.  RFC 4180 quoting does not stop it (a
 * quoted "=1+1" is still a formula).  So such a field never begins so:
 *  - DNS presentation text (an owner, a bailiwick, rdata that begins with a
 *    name): its first character escaped as RFC 1035 5.1 allows, \= \+ \-
 *    (a name's @ is escaped already, a tab or CR is \009 or \013): the same
 *    name to every DNS parser, text to a spreadsheet - nothing is lost;
 *  - anything else (other rdata, a batch line, source names): OWASP's
 *    remedy, a leading apostrophe, which spreadsheets hide and other
 *    readers see.
 */
static bool csv_formula(const char *s)
{
	return *s && strchr("=+-@\t\r", *s);
}

/* A name in presentation form, or rdata that begins with one. */
static void csv_dns_field(FILE *f, const char *s)
{
	csv_field_marked(f, csv_formula(s) ? '\\' : 0, s);
}

/* Any other text. */
static void csv_text_field(FILE *f, const char *s)
{
	csv_field_marked(f, csv_formula(s) ? '\'' : 0, s);
}

void lb_out_begin(lb_out_t *o, const lb_query_t *q)
{
	if (o->fmt != LB_FMT_CSV || o->csv_head_done)
		return;
	if (o->csv_query) {
		o->csv_head_done = true;
		fputs("query,", o->f);
	}
	if (q->kind == LB_Q_NEGATIVE)
		fputs("rrname,rrtype,rcode,bailiwick,time_first,time_last,count,sources\n", o->f);
	else
		fputs("rrname,rrtype,bailiwick,rdata,time_first,time_last,count,zone_time_first,zone_time_last,"
		      "sources\n",
		      o->f);
}

/* The CSV sources field: names joined by ';' (quoted when needed). */
static void csv_sources(FILE *f, const lb_store_rec_t *r)
{
	char b[LB_STORE_MAX_SOURCES * (LB_STORE_SENSOR_MAX + 1) + 1];
	size_t n = 0;
	b[0] = 0;
	for (size_t i = 0; i < r->nsources && r->sources; i++)
		n += (size_t)snprintf(b + n, sizeof b - n, "%s%s", i ? ";" : "", r->sources[i]);
	csv_text_field(f, b);
}

static void text_rec(lb_out_t *o, const lb_store_rec_t *r)
{
	char nb[LB_NAME_TEXT_MAX + 1], tb[32];
	FILE *f = o->f;
	if (o->n)
		fputc('\n', f);
	if (r->val.time_last) {
		fputs(";; first seen: ", f);
		put_time(f, r->val.time_first);
		fputs(" UTC\n;;  last seen: ", f);
		put_time(f, r->val.time_last);
		fputs(" UTC\n", f);
	}
	if (r->val.zone_last) {
		fputs(";; zone first: ", f);
		put_time(f, r->val.zone_first);
		fputs(" UTC\n;;  zone last: ", f);
		put_time(f, r->val.zone_last);
		fputs(" UTC\n", f);
	}
	if (r->nsources && r->sources) {
		fputs(";; sources: ", f);
		for (size_t i = 0; i < r->nsources; i++)
			fprintf(f, "%s%s", i ? ", " : "", r->sources[i]);
		fputs(r->sources_more ? ", ...\n" : "\n", f);
	}
	fprintf(f, ";;      count: %llu", (unsigned long long)r->val.count);
	if (r->kind == LB_REC_RRSET)
		fprintf(f, "; bailiwick: %s",
			r->bailiwick ? name_text(nb, sizeof nb, r->bailiwick) : "unknown");
	if (r->kind == LB_REC_NEG) {
		const char *rc = lb_rcode_name(r->rcode);
		if (r->bailiwick)
			fprintf(f, "; bailiwick: %s", name_text(nb, sizeof nb, r->bailiwick));
		fprintf(f, "\n%s %s ; %s%s\n", name_text(nb, sizeof nb, r->owner),
			type_text(tb, sizeof tb, r->type), rc ? rc : "RCODE",
			r->rcode == 0 ? " (NODATA)" : "");
		return;
	}
	fputc('\n', f);
	name_text(nb, sizeof nb, r->owner);
	type_text(tb, sizeof tb, r->type);
	for (size_t i = 0; i < r->nrdata; i++)
		fprintf(f, "%s %s %s\n", nb, tb, rdata_text(o, r->type, r->rdata[i], r->rdlen[i]));
}

/* export: the days an rrset was seen on, unless they are every day from its
 * first to its last sighting with the whole count (what an import derives by
 * itself): "days_active":[[day,ndays,count],...], days since 1970-01-01
 * ([day,ndays] when the counts are unknown); import --format cof reads it
 * back, so the timeline (query -g) survives an export and import. */
static void cof_days(FILE *f, const lb_store_val_t *v)
{
	if (!v->time_last || !v->nruns)
		return;
	uint32_t d0 = (uint32_t)(v->time_first / 86400), d1 = (uint32_t)(v->time_last / 86400);
	if (!v->runs_uncounted && v->nruns == 1 && v->runs[0].start == d0 &&
	    (uint64_t)v->runs[0].start + v->runs[0].len - 1 == d1)
		return;
	fputs(",\"days_active\":[", f);
	for (uint32_t i = 0; i < v->nruns; i++) {
		fprintf(f, "%s[%u,%u", i ? "," : "", v->runs[i].start, v->runs[i].len);
		if (!v->runs_uncounted)
			fprintf(f, ",%llu", (unsigned long long)v->runs[i].count);
		fputc(']', f);
	}
	fputc(']', f);
}

static void cof_rec(lb_out_t *o, const lb_store_rec_t *r)
{
	char nb[LB_NAME_TEXT_MAX + 1];
	FILE *f = o->f;
	fputs("{\"rrname\":", f);
	lb_json_put_str(f, name_text(nb, sizeof nb, r->owner));
	fputs(",\"rrtype\":", f);
	const char *tn = lb_rrtype_name(r->type);
	if (tn)
		lb_json_put_str(f, tn);
	else
		fprintf(f, "%u", r->type);
	if (r->kind == LB_REC_NEG) {
		/* marked as export marks it (import -f cof reads it back): without
		 * the mark a COF reader takes it for an rrset with no rdata */
		const char *rc = lb_rcode_name(r->rcode);
		fputs(",\"negative\":true,\"rcode\":", f);
		if (rc)
			lb_json_put_str(f, rc);
		else
			fprintf(f, "%u", r->rcode);
		fputs(",\"rdata\":[]", f);
	} else {
		fputs(",\"rdata\":[", f);
		for (size_t i = 0; i < r->nrdata; i++) {
			if (i)
				fputc(',', f);
			lb_json_put_str(f, rdata_text(o, r->type, r->rdata[i], r->rdlen[i]));
		}
		fputc(']', f);
	}
	if (r->val.time_last || !r->val.zone_last)
		fprintf(f, ",\"time_first\":%llu,\"time_last\":%llu",
			(unsigned long long)r->val.time_first, (unsigned long long)r->val.time_last);
	else if (!o->cof_as_stored) /* COF's mandatory times: when it was in its zone */
		fprintf(f, ",\"time_first\":%llu,\"time_last\":%llu",
			(unsigned long long)r->val.zone_first, (unsigned long long)r->val.zone_last);
	fprintf(f, ",\"count\":%llu", (unsigned long long)r->val.count);
	if (r->kind != LB_REC_RDATA && r->bailiwick) {
		fputs(",\"bailiwick\":", f);
		lb_json_put_str(f, name_text(nb, sizeof nb, r->bailiwick));
	}
	if (r->val.zone_last)
		fprintf(f, ",\"zone_time_first\":%llu,\"zone_time_last\":%llu",
			(unsigned long long)r->val.zone_first, (unsigned long long)r->val.zone_last);
	if (o->cof_as_stored && r->kind == LB_REC_RRSET)
		cof_days(f, &r->val);
	if (o->cof_as_stored) { /* export: every source, for import -f cof */
		lb_out_cof_sources(f, r);
		lb_out_cof_sources_more(f, r);
	} else {
		lb_out_cof_sensor_id(f, r);
	}
	fputs("}\n", f);
}

void lb_out_cof_sensor_id(FILE *f, const lb_store_rec_t *r)
{
	if (!r->nsources || !r->sources)
		return;
	fputs(",\"sensor_id\":", f);
	lb_json_put_str(f, r->sources[0]);
}

void lb_out_cof_sources(FILE *f, const lb_store_rec_t *r)
{
	if (!r->nsources || !r->sources)
		return;
	fputs(",\"sensor_id\":", f);
	lb_json_put_str(f, r->sources[0]);
	if (r->nsources < 2)
		return;
	fputs(",\"sensor_ids\":[", f);
	for (size_t i = 0; i < r->nsources; i++) {
		if (i)
			fputc(',', f);
		lb_json_put_str(f, r->sources[i]);
	}
	fputc(']', f);
}

void lb_out_cof_sources_more(FILE *f, const lb_store_rec_t *r)
{
	if (r->sources_more && r->nsources > 1 && r->sources)
		fputs(",\"sensor_ids_more\":true", f);
}

/* A batch's CSV: the row's first column, the lookup it answers. */
void lb_out_csv_query(lb_out_t *o)
{
	if (o->csv_query) {
		csv_text_field(o->f, o->csv_query);
		fputc(',', o->f);
	}
}

static void csv_rec(lb_out_t *o, const lb_store_rec_t *r)
{
	char nb[LB_NAME_TEXT_MAX + 1], bb[LB_NAME_TEXT_MAX + 1], tb[32];
	FILE *f = o->f;
	name_text(nb, sizeof nb, r->owner);
	type_text(tb, sizeof tb, r->type);
	if (r->bailiwick)
		name_text(bb, sizeof bb, r->bailiwick);
	else
		bb[0] = 0;
	if (r->kind == LB_REC_NEG) {
		const char *rc = lb_rcode_name(r->rcode);
		lb_out_csv_query(o);
		csv_dns_field(f, nb);
		fprintf(f, ",%s,", tb);
		if (rc)
			fputs(rc, f);
		else
			fprintf(f, "%u", r->rcode);
		fputc(',', f);
		csv_dns_field(f, bb);
		fprintf(f, ",%llu,%llu,%llu,", (unsigned long long)r->val.time_first,
			(unsigned long long)r->val.time_last, (unsigned long long)r->val.count);
		csv_sources(f, r);
		fputc('\n', f);
		return;
	}
	for (size_t i = 0; i < r->nrdata; i++) {
		lb_out_csv_query(o);
		csv_dns_field(f, nb);
		fprintf(f, ",%s,", tb);
		csv_dns_field(f, bb);
		fputc(',', f);
		const char *rt = rdata_text(o, r->type, r->rdata[i], r->rdlen[i]);
		if (lb_rdata_target_name(r->type, r->rdata[i], r->rdlen[i]) == r->rdata[i])
			csv_dns_field(f, rt); /* NS, CNAME, PTR, DNAME, SOA ...: a name first */
		else
			csv_text_field(f, rt);
		/* a record only zone files gave has no sensor times: empty
		 * fields, as COF leaves them out and the summary's CSV does */
		if (r->val.time_last || !r->val.zone_last)
			fprintf(f, ",%llu,%llu,", (unsigned long long)r->val.time_first,
				(unsigned long long)r->val.time_last);
		else
			fputs(",,,", f);
		fprintf(f, "%llu,", (unsigned long long)r->val.count);
		if (r->val.zone_last)
			fprintf(f, "%llu,%llu,", (unsigned long long)r->val.zone_first,
				(unsigned long long)r->val.zone_last);
		else
			fputs(",,", f);
		csv_sources(f, r);
		fputc('\n', f);
	}
}

void lb_out_rec(lb_out_t *o, const lb_store_rec_t *r)
{
	switch (o->fmt) {
	case LB_FMT_TEXT: text_rec(o, r); break;
	case LB_FMT_COF: cof_rec(o, r); break;
	case LB_FMT_CSV: csv_rec(o, r); break;
	}
	o->n++;
}

void lb_out_summary(lb_out_t *o, const lb_summary_t *s)
{
	FILE *f = o->f;
	o->summary = true;
	switch (o->fmt) {
	case LB_FMT_TEXT:
		fprintf(f, ";; count: %llu; num_results: %llu\n", (unsigned long long)s->count,
			(unsigned long long)s->num_results);
		if (s->time_last) {
			fputs(";; first seen: ", f);
			put_time(f, s->time_first);
			fputs(" UTC\n;;  last seen: ", f);
			put_time(f, s->time_last);
			fputs(" UTC\n", f);
		}
		if (s->zone_last) {
			fputs(";; zone first: ", f);
			put_time(f, s->zone_first);
			fputs(" UTC\n;;  zone last: ", f);
			put_time(f, s->zone_last);
			fputs(" UTC\n", f);
		}
		break;
	case LB_FMT_COF:
		fprintf(f, "{\"count\":%llu,\"num_results\":%llu", (unsigned long long)s->count,
			(unsigned long long)s->num_results);
		if (s->time_last)
			fprintf(f, ",\"time_first\":%llu,\"time_last\":%llu",
				(unsigned long long)s->time_first, (unsigned long long)s->time_last);
		if (s->zone_last)
			fprintf(f, ",\"zone_time_first\":%llu,\"zone_time_last\":%llu",
				(unsigned long long)s->zone_first, (unsigned long long)s->zone_last);
		fputs("}\n", f);
		break;
	case LB_FMT_CSV:
		if (!o->csv_head_done) {
			if (o->csv_query)
				fputs("query,", f);
			fputs("count,num_results,time_first,time_last,zone_time_first,zone_time_last\n", f);
			o->csv_head_done = o->csv_query != NULL;
		}
		lb_out_csv_query(o);
		fprintf(f, "%llu,%llu,", (unsigned long long)s->count, (unsigned long long)s->num_results);
		if (s->time_last)
			fprintf(f, "%llu,%llu,", (unsigned long long)s->time_first,
				(unsigned long long)s->time_last);
		else
			fputs(",,", f);
		if (s->zone_last)
			fprintf(f, "%llu,%llu\n", (unsigned long long)s->zone_first,
				(unsigned long long)s->zone_last);
		else
			fputs(",\n", f);
		break;
	}
}

void lb_out_end(lb_out_t *o, bool limited, uint64_t limit)
{
	if (limited && o->fmt == LB_FMT_TEXT)
		fprintf(o->f, "\n;; result limited: the first %llu %s, more exist (raise --limit)\n",
			(unsigned long long)limit, o->summary ? "summarized" : "shown");
	fflush(o->f);
}

void lb_out_csv_name(FILE *f, const char *s)
{
	csv_dns_field(f, s);
}

void lb_out_time(FILE *f, uint64_t t)
{
	put_time(f, t);
}
