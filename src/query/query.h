/*
 * query.h - the query model, parsing of query arguments, execution against
 * the store (store/store.h), and the output formats (text, COF NDJSON, CSV).
 *
 * Execution streams: records go one at a time from the store iterator through
 * the filters to the output; nothing is collected, except with a sort order,
 * which holds the offset + limit first results in that order when a limit is
 * given and they are at most LB_QUERY_SORT_MAX, else every result, at most
 * LB_QUERY_SORT_MAX of them; either way in at most LB_QUERY_SORT_BYTES (more
 * is an error, LB_ELIMIT).
 * Sorting uses qsort with file-scope state: one sorting lb_query_run at a
 * time per process (the CLI); the cursor API below never sorts.
 */
#ifndef LB_QUERY_QUERY_H
#define LB_QUERY_QUERY_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "store/store.h"
#include "util/err.h"

#define LB_QUERY_SORT_MAX 1000000
/* ... and at most this many bytes of them (a record's counters, owner and
 * key: ~300 bytes for a one-address rrset, but an rrset of many large TXT
 * records holds tens of KiB: a million of those would not fit in memory) */
#define LB_QUERY_SORT_BYTES (512ull << 20)
#define LB_QUERY_DEFAULT_LIMIT 10000
/* merge_bailiwicks: what one owner and type's merge holds (lb_query_cur_next) */
#define LB_QUERY_MERGE_MAX_SETS 8192
#define LB_QUERY_MERGE_MAX_BYTES (4u << 20)

enum lb_query_kind {
	LB_Q_RRSET = 0,    /* -r OWNER */
	LB_Q_RRSET_RAW,    /* --raw-rrset HEX (wire owner name) */
	LB_Q_RDATA_NAME,   /* -n NAME */
	LB_Q_RDATA_IP,     /* -i IP | CIDR | A-B */
	LB_Q_RDATA_RAW,    /* --raw-rdata HEX */
	LB_Q_NEGATIVE,     /* --negative NAME */
};

enum lb_types_mode { LB_TYPES_ANY = 0, LB_TYPES_ANY_DNSSEC, LB_TYPES_ALL, LB_TYPES_LIST };

/* --sort keys (dnsdbq's -k): first seen, last seen, duration (last seen -
 * first seen), count, owner name (DNS order), rrtype (by number), data (the
 * rdata set in RFC 4034 6.3 canonical order: octets as unsigned strings) */
enum lb_sort {
	LB_SORT_NONE = 0, LB_SORT_FIRST, LB_SORT_LAST, LB_SORT_COUNT, LB_SORT_NAME,
	LB_SORT_DURATION, LB_SORT_TYPE, LB_SORT_DATA
};

enum lb_format { LB_FMT_TEXT = 0, LB_FMT_COF, LB_FMT_CSV };

typedef struct lb_query {
	enum lb_query_kind kind;
	enum lb_match match;
	uint8_t name[256];          /* wire name (for ABOVE_PREFIX: the leading labels + root) */
	size_t name_len;
	uint8_t family, lo[16], hi[16];
	uint8_t *raw;               /* malloc'd (lb_query_free) */
	size_t raw_len;
	enum lb_types_mode tmode;
	uint16_t types[16];
	size_t ntypes;
	bool has_bailiwick;
	uint8_t bailiwick[256];
	size_t bailiwick_len;
	/* time fences, Unix seconds; has_* says whether set */
	bool has_first_before, has_first_after, has_last_before, has_last_after;
	uint64_t first_before, first_after, last_before, last_after;
	uint64_t limit;             /* 0 = no limit */
	uint64_t offset;
	bool summarize;
	/* summarize: stop once the summed count reaches it (DNSDB max_count,
	 * dnsdbq -M); 0 = no bound.  The result is "limited" when another
	 * record was left out. */
	uint64_t max_count;
	enum lb_sort sort;
	bool reverse;
	/* sort: the most bytes the held results may take (0 = LB_QUERY_SORT_BYTES);
	 * past it lb_query_run is LB_ELIMIT, as past LB_QUERY_SORT_MAX results */
	uint64_t sort_bytes_max;
	/* Unaggregated rows (DNSDB aggr=false, dnsdbq -g): each record is split
	 * into one row per run of its days-active timeline before the time
	 * fences, offset, limit and summarize apply (see lb_query_cur_next). */
	bool unaggregated;
	/* COF answers (query -f cof, the CIRCL API): one record per owner, type
	 * and rdata set (negative answers: rcode) across bailiwicks, merged as the
	 * store merges values; bailiwick kept only where all agreed.  Applies to
	 * aggregated rrset and negative lookups without a bailiwick filter (see
	 * lb_query_cur_next). */
	bool merge_bailiwicks;
} lb_query_t;

void lb_query_init(lb_query_t *q);
void lb_query_free(lb_query_t *q);

/*
 * Parsers (all return 0 or LB_ETEXT / LB_ENAMELEN / LB_ELABEL; *msg gets a
 * static explanation on error).
 *  name:  "example.com", "*.example.com" (below), "www.example.*" (prefix);
 *         '*' only as a whole label at one end.
 *  ip:    "192.0.2.1", "2001:db8::1", CIDR "10.0.0.0/8" or "10.0.0.0,8",
 *         range "192.0.2.1-192.0.2.9" (same family, lo <= hi).
 *  types: "A", "A,AAAA", "TYPE65280", "ANY", "ANY-DNSSEC", "ALL".
 *  time:  Unix seconds, ISO 8601 ("2024-05-01", "2024-05-01T10:00:00Z",
 *         "2024-05-01 10:00:00", offsets +hh:mm, +hhmm, +hh), or relative to now:
 *         a negative number of seconds ("-3600") or a span of units s m h d w
 *         (either case), with or without the minus sign: "-7d", "-12h", "7d",
 *         "1w2d" (dnsdbq's relative times, BIND's TTL form).
 *  hex:   even number of hex digits.
 */
LB_WUR int lb_query_parse_name(const char *text, lb_query_t *q, const char **msg);
LB_WUR int lb_query_parse_ip(const char *text, lb_query_t *q, const char **msg);
LB_WUR int lb_query_parse_types(const char *text, lb_query_t *q, const char **msg);
/* A time: Unix seconds, ISO 8601, or relative (-3600, -7d, 7d, 1w2d) to now.
 * Records keep whole seconds: an ISO time with a fraction of a second is
 * rounded up when up (a lower bound: "after 10.5" is "at or after 11"),
 * else down. */
LB_WUR int lb_query_parse_time(const char *text, uint64_t now, bool up, uint64_t *out,
			       const char **msg);
LB_WUR int lb_query_parse_hex(const char *text, uint8_t **out, size_t *len, const char **msg);

/* True if type passes the query's type filter. */
bool lb_query_type_ok(const lb_query_t *q, uint16_t type);
/* True if an rdata/ip lookup's type filter names address types only: ANY,
 * ALL when all_ok, or a list of A and AAAA (ANY-DNSSEC names none). */
bool lb_query_ip_types_ok(const lb_query_t *q, bool all_ok);
/* True if the record's times pass the fences (sensor times, else zone times). */
bool lb_query_time_ok(const lb_query_t *q, const lb_store_val_t *v);

typedef struct lb_summary {
	uint64_t count, num_results;
	uint64_t time_first, time_last, zone_first, zone_last;
} lb_summary_t;

/* Output: one record at a time.  Write errors are sticky in f (ferror). */
typedef struct lb_out {
	FILE *f;
	enum lb_format fmt;
	uint64_t n;         /* records written */
	char *buf;          /* text scratch */
	size_t bufsz;
	bool summary;       /* a summary was written (lb_out_summary) */
	bool cof_as_stored; /* COF: a record only zone files gave has no
			     * time_first/time_last (export: what the store
			     * holds); else they are its zone times, as COF
			     * requires them */
	/* CSV of a batch (query --batch): every row starts with a "query"
	 * column holding this (the batch line), and the header is written
	 * once, before the first answer */
	const char *csv_query;
	bool csv_head_done;
} lb_out_t;

LB_WUR int lb_out_init(lb_out_t *o, FILE *f, enum lb_format fmt);
void lb_out_free(lb_out_t *o);
/* Presentation text of one rdata into o->buf (grown as needed); on error
 * o->buf holds a "\\# len ..." marker and the error is returned. */
int lb_out_text(lb_out_t *o, uint16_t type, const uint8_t *rd, size_t len);
void lb_out_begin(lb_out_t *o, const lb_query_t *q);
void lb_out_rec(lb_out_t *o, const lb_store_rec_t *r);
/* COF answers (query -f cof, CIRCL): ,"sensor_id":first (the source with
 * the smallest id) when r's sources are known; COF has no member for more. */
void lb_out_cof_sensor_id(FILE *f, const lb_store_rec_t *r);
/* export and DNSDB SAF records: ,"sensor_id":first and, with more than one,
 * ,"sensor_ids":[all] (an extension: receivers ignore unknown members;
 * import -f cof reads it back). */
void lb_out_cof_sources(FILE *f, const lb_store_rec_t *r);
/* export (lb_out_t.cof_as_stored): ,"sensor_ids_more":true when more sources
 * saw r than its value keeps (the 16 smallest ids), which import -f cof
 * keeps. */
void lb_out_cof_sources_more(FILE *f, const lb_store_rec_t *r);
void lb_out_summary(lb_out_t *o, const lb_summary_t *s);
/* Ends the output; with limited, text output says so in a final comment line. */
void lb_out_end(lb_out_t *o, bool limited, uint64_t limit);
/* A name (presentation form) as a CSV field, as the CSV output writes one:
 * quoted when it must be, a leading formula character escaped. */
void lb_out_csv_name(FILE *f, const char *s);
/* A batch's CSV (o->csv_query set): the row's first field, the batch line,
 * and its comma; nothing otherwise. */
void lb_out_csv_query(lb_out_t *o);
/* t as text output writes a time: "YYYY-MM-DD HH:MM:SS" (UTC). */
void lb_out_time(FILE *f, uint64_t t);

typedef struct lb_query_result {
	uint64_t results;    /* records emitted (after offset, up to limit) */
	bool limited;        /* the limit cut the result: more exist */
	bool count_reached;  /* summarize: max_count stopped it, more exist */
	uint64_t splits;     /* merge_bailiwicks: groups cut at their bound
			      * (lb_query_cur_splits) */
	lb_summary_t sum;
} lb_query_result_t;

/* Fold one record's counters into a summary (what summarize computes). */
void lb_query_sum_add(lb_summary_t *s, const lb_store_val_t *v);

/*
 * Unaggregated rows (q->unaggregated).  A record whose value has known run
 * counts gives one row per run of its timeline: time_first = the later of
 * the value's time_first and the run's first day 00:00:00 UTC, time_last =
 * the earlier of the value's time_last and the run's last day 23:59:59 UTC,
 * count = the run's count, no zone times.  When the value also has zone
 * times they come on one extra row of their own after those (zone times,
 * count 0, no sensor times), so that the fences see sensor and zone times
 * apart.  Every row keeps the record's identity and sources.  A record whose
 * run counts are unknown (rrsets last written before run counts were kept,
 * or merged with such values) or that has no timeline (zone-only entries)
 * gives its one aggregated row.  Rdata rows carry the timeline merged from
 * the rrsets that hold the RR; negative answers have the one run from the
 * day of time_first to the day of time_last, so they give one row (times
 * unchanged).
 *
 * Pull-style execution, for callers that cannot block in lb_query_run (the
 * HTTP server streams one record per call).  The cursor applies exactly the
 * filters lb_query_run applies (types, bailiwick, then per row the time
 * fences) and, unless q->summarize, the offset and limit (counted in rows).
 * q is borrowed and must outlive the cursor.  next: 1 = a record in *rec
 * (valid until the next call), 0 = end, LB_QUERY_AGAIN (below),
 * < 0 = store error.  After 0, lb_query_cur_limited() says whether the limit
 * cut the result (more records exist).  The store's thread rules apply:
 * cursors of one store may run in different threads at the same time (each
 * cursor in one thread at a time), beside the store's one writing thread.
 *
 * Merged records (q->merge_bailiwicks; aggregated rrset and negative
 * lookups without a bailiwick filter): the store's records of one owner and
 * type that pass the type filter are gathered (group.h) and those with the
 * same rdata set (negative answers: the same rcode) merged into one before
 * the time fences, offset, limit and summarize apply, so that all of them
 * count merged records.  A merged record keeps its bailiwick only when every
 * record merged into it had the same one (else bailiwick is NULL), carries
 * no day runs, and has the union of the sources (as lb_store_val_merge).
 * One owner and type with more than LB_QUERY_MERGE_MAX_SETS distinct rdata
 * sets (or LB_QUERY_MERGE_MAX_BYTES of their bytes) is merged in parts: the
 * group gathered so far is handed out and a new one begins with the record
 * that did not fit, so an rdata set may then come once per part;
 * lb_query_cur_splits() counts such cuts.
 */
typedef struct lb_query_cur lb_query_cur_t;
LB_WUR int lb_query_cur_new(lb_store_t *s, const lb_query_t *q, lb_query_cur_t **out);
LB_WUR int lb_query_cur_next(lb_query_cur_t *c, lb_store_rec_t *rec);
/* Bound the work of one lb_query_cur_next() call (see lb_store_iter_set_budget):
 * after `steps` records or keys passed over without a row to hand out, next
 * returns LB_QUERY_AGAIN and the following call goes on from there.  0 = no
 * bound (the default). */
#define LB_QUERY_AGAIN 2
void lb_query_cur_set_budget(lb_query_cur_t *c, unsigned steps);
bool lb_query_cur_limited(const lb_query_cur_t *c);
uint64_t lb_query_cur_splits(const lb_query_cur_t *c);
void lb_query_cur_free(lb_query_cur_t *c);

/*
 * DNSDB API v2 records with Streaming API Framing (saf.c): one JSON object per
 * line.  begin: {"cond":"begin"}; rec: {"obj":{rrname, rrtype (always a
 * string), rdata [array], bailiwick (rrsets), count, time_first/last and/or
 * zone_time_first/last}}; summary: {"obj":{count, num_results, times}};
 * end: {"cond":"succeeded"|"limited"|"failed"[,"msg":...]}.  humantime writes
 * times as RFC 3339 strings instead of Unix seconds.  o->f receives the text;
 * o->buf is the scratch (lb_out_init with any format).
 */
void lb_saf_begin(lb_out_t *o);
void lb_saf_rec(lb_out_t *o, const lb_store_rec_t *r, bool humantime);
void lb_saf_summary(lb_out_t *o, const lb_summary_t *s, bool humantime);
void lb_saf_end(lb_out_t *o, const char *cond, const char *msg);
/* ,"key":T as SAF writes a time: Unix seconds, or (human) an RFC 3339 string */
void lb_saf_put_time(FILE *f, const char *key, uint64_t t, bool human);

/* Run q against s, writing records (or the summary) to out. */
LB_WUR int lb_query_run(lb_store_t *s, const lb_query_t *q, lb_out_t *out, lb_query_result_t *res);

#endif
