#include "observe/jsonl.h"

#include <inttypes.h>

#include "dns/name.h"
#include "dns/rdata.h"
#include "dns/rrtype.h"
#include "util/json.h"

static void put_type(FILE *f, const char *key, uint16_t type)
{
	const char *m = lb_rrtype_name(type);
	if (m)
		fprintf(f, ",\"%s\":\"%s\"", key, m);
	else
		fprintf(f, ",\"%s\":%u", key, type);
}

static void put_name(FILE *f, const char *key, const uint8_t *name)
{
	char text[LB_NAME_TEXT_MAX];
	fprintf(f, "\"%s\":", key);
	if (!name) {
		fputs("null", f);
		return;
	}
	if (lb_name_to_text(name, text, sizeof text) < 0)
		fputs("null", f);
	else
		lb_json_put_str(f, text);
}

static void put_tail(FILE *f, const uint8_t *bailiwick, const struct timeval *ts,
		     const char *sensor, long frame)
{
	fputc(',', f);
	put_name(f, "bailiwick", bailiwick);
	fprintf(f, ",\"time\":%lld.%06ld", (long long)ts->tv_sec, (long)ts->tv_usec);
	if (sensor) {
		fputs(",\"sensor_id\":", f);
		lb_json_put_str(f, sensor);
	}
	if (frame >= 0)
		fprintf(f, ",\"frame\":%ld", frame);
}

void lb_jsonl_rrset(FILE *f, const lb_obs_rrset_t *o, long frame)
{
	fputc('{', f);
	put_name(f, "rrname", o->owner);
	put_type(f, "rrtype", o->type);
	const char *cls = lb_class_name(o->rclass);
	if (cls)
		fprintf(f, ",\"class\":\"%s\"", cls);
	else
		fprintf(f, ",\"class\":%u", o->rclass);
	fputs(",\"rdata\":[", f);
	for (size_t i = 0; i < o->nrdata; i++) {
		if (i)
			fputc(',', f);
		const char *text = lb_rdata_text(o->type, o->rdata[i], o->rdlen[i]);
		lb_json_put_str(f, text ? text : "");
	}
	fprintf(f, "],\"section\":\"%s\"", lb_section_name(o->section));
	if (o->unrelated)
		fputs(",\"unrelated\":true", f);
	if (o->truncated)
		fputs(",\"truncated\":true", f);
	put_tail(f, o->bailiwick, &o->ts, o->sensor, frame);
	fprintf(f, ",\"ttl\":%" PRIu32 "}\n", o->ttl);
}

void lb_jsonl_negative(FILE *f, const lb_obs_neg_t *o, long frame)
{
	fputs("{\"negative\":true,", f);
	put_name(f, "qname", o->qname);
	put_type(f, "qtype", o->qtype);
	const char *rc = lb_rcode_name(o->rcode);
	if (rc)
		fprintf(f, ",\"rcode\":\"%s\"", rc);
	else
		fprintf(f, ",\"rcode\":%u", o->rcode);
	if (o->rcode == 0)
		fputs(",\"nodata\":true", f);
	put_tail(f, o->bailiwick, &o->ts, o->sensor, frame);
	fputs("}\n", f);
}
