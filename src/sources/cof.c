/*
 * cof.c - COF / DNSDB NDJSON importer.
 *
 * A record: rrname, rrtype (mnemonic, "TYPEn" or a number), rdata (array of
 * presentation strings, or one string), time_first/time_last and/or
 * zone_time_first/zone_time_last (Unix seconds, or RFC 3339 strings as
 * DNSDB's humantime writes them), count (default 1), bailiwick, sensor_id.
 * SAF framing ({"cond":"begin"}, {"obj":{...}}, {"cond":"succeeded"|
 * "limited"|"failed","msg":..}) is unwrapped; a stream that ends without a
 * terminator, or with "failed", is counted as stream_truncated.
 * Each record is delivered as one aggregated entry.
 */
#include "sources/cof.h"

#include <string.h>

#include "dns/rrtype.h"

#define COF_MAX_RDATA 2048

/* 0 ok (absent: *v untouched, *have false), -1 bad. */
static int jtime(json_t *o, const char *key, uint64_t *v, bool *have)
{
	json_t *x = json_object_get(o, key);
	*have = false;
	if (!x || json_is_null(x))
		return 0;
	if (json_is_integer(x)) {
		if (json_integer_value(x) < 0)
			return -1;
		*v = (uint64_t)json_integer_value(x);
	} else if (json_is_real(x)) {
		double d = json_real_value(x);
		if (!(d >= 0 && d < 1e12))
			return -1;
		*v = (uint64_t)d;
	} else if (json_is_string(x)) {
		struct timeval tv;
		if (src_time_any(json_string_value(x), json_string_length(x), &tv))
			return -1;
		*v = (uint64_t)tv.tv_sec;
	} else {
		return -1;
	}
	*have = true;
	return 0;
}

static void record(lb_src_t *s, json_t *o)
{
	size_t nl, bl;
	const char *nm = src_jstr(o, "rrname", &nl);
	json_t *rd = json_object_get(o, "rdata");
	uint16_t type;
	if (!nm)
		return (void)src_bad(s, LB_BAD_FIELDS);
	if (!rd) {
		src_skip(s, LB_SKIP_NOT_DNS); /* e.g. flex search rows {rrname, rrtype} */
		return;
	}
	if (src_jtype(json_object_get(o, "rrtype"), &type))
		return (void)src_bad(s, LB_BAD_TYPE);
	uint8_t owner[LB_NAME_MAX], bw[LB_NAME_MAX];
	int ol = src_name(nm, nl, NULL, owner);
	if (ol < 0)
		return (void)src_bad(s, LB_BAD_NAME);
	const char *b = src_jstr(o, "bailiwick", &bl);
	if (b && src_name(b, bl, NULL, bw) < 0)
		return (void)src_bad(s, LB_BAD_NAME);
	lb_src_aggr_t a = { 0 };
	bool h1, h2, z1, z2;
	if (jtime(o, "time_first", &a.time_first, &h1) || jtime(o, "time_last", &a.time_last, &h2) ||
	    jtime(o, "zone_time_first", &a.zone_first, &z1) ||
	    jtime(o, "zone_time_last", &a.zone_last, &z2))
		return (void)src_bad(s, LB_BAD_TIME);
	if (h1 != h2 || z1 != z2 || (!h1 && !z1) || (h1 && a.time_first > a.time_last) ||
	    (z1 && a.zone_first > a.zone_last))
		return (void)src_bad(s, LB_BAD_TIME);
	json_t *cnt = json_object_get(o, "count");
	if (cnt && !json_is_integer(cnt))
		return (void)src_bad(s, LB_BAD_FIELDS);
	a.count = cnt ? (uint64_t)json_integer_value(cnt) : (h1 ? 1 : 0);
	if (cnt && json_integer_value(cnt) < 0)
		return (void)src_bad(s, LB_BAD_FIELDS);
	const char *sensor = s->sensor;
	if (!s->o.source && src_jstr(o, "sensor_id", NULL))
		sensor = src_jstr(o, "sensor_id", NULL);
	src_resp_t *r = s->resp;
	resp_reset(r);
	size_t n = json_is_array(rd) ? json_array_size(rd) : 1;
	if ((!json_is_array(rd) && !json_is_string(rd)) || n == 0 || n > COF_MAX_RDATA)
		return (void)src_bad(s, LB_BAD_FIELDS);
	for (size_t i = 0; i < n; i++) {
		json_t *x = json_is_array(rd) ? json_array_get(rd, i) : rd;
		if (!json_is_string(x)) {
			resp_reset(r);
			return (void)src_bad(s, LB_BAD_FIELDS);
		}
		int err = resp_add_text(r, owner, (uint8_t)ol, type, LB_C_IN, 0, LB_SEC_ANSWER,
					json_string_value(x), json_string_length(x), NULL);
		if (err) {
			resp_reset(r);
			return (void)src_bad(s, err == LB_ELIMIT ? LB_BAD_FIELDS : LB_BAD_RDATA);
		}
	}
	const char *keep = s->sensor;
	s->sensor = sensor;
	s->c.records++;
	resp_emit(s, r, NULL, b ? bw : NULL, &a);
	s->sensor = keep;
}

void src_cof_line(lb_src_t *s, const char *line, size_t len)
{
	if (len == 0)
		return;
	json_t *j = src_json(s, line, len);
	if (!j)
		return;
	const char *cond = src_jstr(j, "cond", NULL);
	json_t *obj = json_object_get(j, "obj");
	if (cond) {
		if (!strcmp(cond, "begin")) {
			s->saf = 1;
		} else if (!strcmp(cond, "succeeded") || !strcmp(cond, "limited")) {
			s->saf = 2;
		} else if (!strcmp(cond, "failed")) {
			s->saf = 2;
			src_bad(s, LB_BAD_TRUNCATED);
		} else if (strcmp(cond, "ongoing")) {
			src_bad(s, LB_BAD_FIELDS);
		}
		if (!s->saf)
			s->saf = 1;
	}
	if (obj) {
		if (!json_is_object(obj))
			src_bad(s, LB_BAD_FIELDS);
		else
			record(s, obj);
	} else if (!cond) {
		record(s, j);
	}
	json_decref(j);
}

void src_cof_end(lb_src_t *s)
{
	if (s->saf == 1) {
		s->line_bad = false;
		src_bad(s, LB_BAD_TRUNCATED); /* begun but never terminated */
	}
}
