/*
 * saf.c - DNSDB API v2 records in Streaming API Framing (SAF) lines.
 *
 * The record fields are those of COF (output.c) with DNSDB's conventions:
 * rrtype is always a string (TYPE65280 for types without a mnemonic), rdata
 * always an array, bailiwick only on rrset records, times as Unix seconds or
 * (humantime) RFC 3339 strings.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "dns/name.h"
#include "dns/rdata.h"
#include "dns/rrtype.h"
#include "query/query.h"
#include "util/json.h"

void lb_saf_put_time(FILE *f, const char *key, uint64_t t, bool human)
{
	putc(',', f);
	lb_json_put_str(f, key);
	putc(':', f);
	if (!human) {
		lb_json_put_u64(f, t);
		return;
	}
	time_t tt = (time_t)t;
	struct tm tm;
	char b[64];
	if (!gmtime_r(&tt, &tm) || !strftime(b, sizeof b, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(b, sizeof b, "%llu", (unsigned long long)t);
	fprintf(f, "\"%s\"", b);
}

static void put_times(FILE *f, uint64_t first, uint64_t last, uint64_t zfirst, uint64_t zlast,
		      bool human)
{
	if (last || !zlast) {
		lb_saf_put_time(f, "time_first", first, human);
		lb_saf_put_time(f, "time_last", last, human);
	}
	if (zlast) {
		lb_saf_put_time(f, "zone_time_first", zfirst, human);
		lb_saf_put_time(f, "zone_time_last", zlast, human);
	}
}

void lb_saf_begin(lb_out_t *o)
{
	fputs("{\"cond\":\"begin\"}\n", o->f);
}

void lb_saf_rec(lb_out_t *o, const lb_store_rec_t *r, bool humantime)
{
	char nb[LB_NAME_TEXT_MAX + 1], tb[32];
	FILE *f = o->f;
	if (lb_name_to_text(r->owner, nb, sizeof nb) < 0)
		snprintf(nb, sizeof nb, "?");
	if (lb_rrtype_to_text(r->type, tb, sizeof tb) < 0)
		snprintf(tb, sizeof tb, "TYPE%u", r->type);
	fputs("{\"obj\":{\"count\":", f);
	lb_json_put_u64(f, r->val.count);
	put_times(f, r->val.time_first, r->val.time_last, r->val.zone_first, r->val.zone_last,
		  humantime);
	fputs(",\"rrname\":", f);
	lb_json_put_str(f, nb);
	fputs(",\"rrtype\":", f);
	lb_json_put_str(f, tb);
	if (r->kind == LB_REC_RRSET && r->bailiwick) {
		if (lb_name_to_text(r->bailiwick, nb, sizeof nb) < 0)
			snprintf(nb, sizeof nb, "?");
		fputs(",\"bailiwick\":", f);
		lb_json_put_str(f, nb);
	}
	fputs(",\"rdata\":[", f);
	for (size_t i = 0; i < r->nrdata; i++) {
		if (i)
			fputc(',', f);
		(void)lb_out_text(o, r->type, r->rdata[i], r->rdlen[i]);
		lb_json_put_str(f, o->buf);
	}
	fputc(']', f);
	lb_out_cof_sources(f, r);
	fputs("}}\n", f);
	o->n++;
}

void lb_saf_summary(lb_out_t *o, const lb_summary_t *s, bool humantime)
{
	FILE *f = o->f;
	fprintf(f, "{\"obj\":{\"count\":%llu,\"num_results\":%llu", (unsigned long long)s->count,
		(unsigned long long)s->num_results);
	if (s->time_last || s->zone_last || s->num_results)
		put_times(f, s->time_first, s->time_last, s->zone_first, s->zone_last, humantime);
	fputs("}}\n", f);
}

void lb_saf_end(lb_out_t *o, const char *cond, const char *msg)
{
	fputs("{\"cond\":", o->f);
	lb_json_put_str(o->f, cond);
	if (msg) {
		fputs(",\"msg\":", o->f);
		lb_json_put_str(o->f, msg);
	}
	fputs("}\n", o->f);
}
