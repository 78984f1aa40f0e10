/*
 * source.h - importers: logs and feeds that hold DNS answers, turned into
 * observations (`lookback import`).
 *
 * Formats (docs/IMPORT.md has the field mapping and the exact rules):
 *   zeek        Zeek dns.log, TSV (with its #fields header, or rows in
 *               Zeek's standard column order) or JSON lines
 *   suricata    Suricata EVE JSON, event_type "dns": v2 answers (detailed
 *               and grouped) and v3 (Suricata 8, type "response")
 *   route53     AWS Route 53 Resolver query logs (JSON lines)
 *   passivedns  gamelinux passivedns lines ts||client||server||class||query||type||answer||ttl||count
 *   cof         COF / DNSDB NDJSON, plain or SAF-framed ({"cond":..}/{"obj":..})
 *   zone        RFC 1035 master files
 *   misp        MISP attribute CSV exports: domain|ip and hostname|ip pairs
 *
 * Per-response sources (zeek, suricata, route53) produce observations
 * (lb_obs_rrset_t / lb_obs_neg_t) through an lb_obs_sink_t, exactly as the
 * packet path does.  Already aggregated sources (cof, passivedns lines with
 * their count, zone files, misp pairs) produce lb_src_aggr_t entries, which carry
 * time_first/time_last/count and zone times of their own.
 *
 * Sources that carry no owner name per answer (zeek, route53, suricata
 * "grouped") are attached to names only where the answers show it (a CNAME
 * chain split); ambiguous responses are dropped and counted.
 *
 * Input lines that cannot be read are "bad": counted by reason, with the
 * first LB_SRC_BAD_KEEP line numbers of each reason kept for the report.
 * Valid input that holds nothing importable (queries, lossy answer formats,
 * ambiguous chains) is "skipped", also counted by reason.
 */
#ifndef LB_SOURCES_SOURCE_H
#define LB_SOURCES_SOURCE_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "observe/obs.h"
#include "store/store.h"
#include "util/err.h"

enum lb_src_fmt {
	LB_FMT_AUTO = 0, LB_FMT_ZEEK, LB_FMT_SURICATA, LB_FMT_ROUTE53, LB_FMT_PASSIVEDNS,
	LB_FMT_COF, LB_FMT_ZONE, LB_FMT_MISP, LB_FMT__COUNT
};

/* "zeek" ... ; NULL for an out-of-range value. */
const char *lb_src_fmt_name(enum lb_src_fmt f);
/* Parse a format name ("auto" included).  0 or LB_EINVAL. */
LB_WUR int lb_src_fmt_from_name(const char *name, enum lb_src_fmt *f);
/* Guess the format of a file from one of its first non-empty lines.
 * Returns LB_FMT_AUTO when the line says nothing. */
enum lb_src_fmt lb_src_detect(const char *line, size_t len);

/* Reasons a line is bad (the import exits non-zero). */
enum lb_src_bad {
	LB_BAD_TOO_LONG = 0,  /* line longer than the line cap */
	LB_BAD_JSON,          /* not a JSON object */
	LB_BAD_FIELDS,        /* missing or mistyped fields, wrong field count */
	LB_BAD_NAME,          /* a name that is not a DNS name */
	LB_BAD_TYPE,          /* unknown RR type / class / rcode */
	LB_BAD_RDATA,         /* rdata text that does not parse for its type */
	LB_BAD_TIME,          /* missing or unreadable timestamp */
	LB_BAD_SYNTAX,        /* zone file syntax (parentheses, quotes, directives) */
	LB_BAD_INCLUDE,       /* $INCLUDE refused (not allowed, too deep) or unreadable */
	LB_BAD_FORMAT,        /* line of no known format (auto), or header missing */
	LB_BAD_TRUNCATED,     /* SAF stream without terminator, or "failed" */
	LB_BAD_NO_HEADER,     /* Zeek TSV row before any #fields header, not in a
			       * standard dns.log column order */
	LB_BAD__COUNT
};

/* Reasons valid input gave nothing (the import still succeeds). */
enum lb_src_skip {
	LB_SKIP_QUERY = 0,      /* a query, or a response without answers data (no rcode) */
	LB_SKIP_NOT_DNS,        /* an EVE event of another type, a COF record without rdata */
	LB_SKIP_AMBIGUOUS,      /* "ambiguous chain": answers cannot be assigned to owners */
	LB_SKIP_LOSSY,          /* answer rendering lossy for its type (Zeek MX, Suricata MX ...) */
	LB_SKIP_RCODE,          /* rcode neither answer nor negative (FORMERR, NOTIMP ...) */
	LB_SKIP_OUT_OF_ZONE,    /* zone-file record outside the zone */
	LB_SKIP_CLASS,          /* class other than IN */
	LB_SKIP_POLICY,         /* answer synthesized by a policy (Route 53 DNS Firewall BLOCK) */
	LB_SKIP_REFERRAL,       /* NOERROR without answers that may be a referral, no denial */
	LB_SKIP__COUNT
};

/* What valid input made the importer assume (the import still succeeds;
 * the summary says what to give to make it sure). */
enum lb_src_note {
	LB_NOTE_LOCAL_TIME = 0, /* passivedns -f H local-time stamps read as UTC */
	LB_NOTE_ZEEK_NO_HEADER, /* Zeek TSV rows without #fields read in the
				 * standard dns.log column order */
	LB_NOTE__COUNT
};

#define LB_SRC_BAD_KEEP 5

/*
 * First line of the zone view `lookback export --format zone` writes: a dump
 * of many zones.  A zone file that starts with it has no apex: SOA records
 * do not set one, nothing is out of zone, and the records carry no bailiwick.
 */
#define LB_SRC_ZONE_VIEW_MARKER "; lookback zone view"

typedef struct lb_src_counts {
	uint64_t lines;       /* lines read */
	uint64_t records;     /* input records that produced something */
	uint64_t rrsets, rrs, negatives, aggregated;
	uint64_t sources;     /* COF source lines (a source's own freshness) */
	uint64_t bad[LB_BAD__COUNT];
	uint64_t bad_line[LB_BAD__COUNT][LB_SRC_BAD_KEEP]; /* first line numbers */
	uint64_t skip[LB_SKIP__COUNT];
	uint64_t note[LB_NOTE__COUNT]; /* records read under an assumption */
	uint64_t in_bytes;    /* raw input bytes read */
} lb_src_counts_t;

/*
 * Check the letters of passivedns's -f option (its src/passivedns.c
 * parse_field_flags: H S M c s C Q L T A l t p n h w W) for an import:
 * passivedns prints the fields it is given in its own fixed order, whatever
 * the letters' order.  0, or LB_EINVAL with *why saying what is wrong (an
 * unknown letter; no time, query, type or answer field).
 */
LB_WUR int lb_src_pd_fields_check(const char *letters, const char **why);

/* Longest field delimiter of passivedns's -d accepted (its default is "||"). */
#define LB_SRC_PD_DELIM_MAX 16
/*
 * Check the field delimiter a passivedns log was written with (its -d
 * option, any string, taken literally): 0, or LB_EINVAL with *why saying
 * what is wrong (empty, longer than LB_SRC_PD_DELIM_MAX bytes, a line break
 * in it).
 */
LB_WUR int lb_src_pd_delim_check(const char *delim, const char **why);

const char *lb_src_bad_name(enum lb_src_bad b);
const char *lb_src_skip_name(enum lb_src_skip s);
uint64_t lb_src_bad_total(const lb_src_counts_t *c);

/*
 * An aggregated entry: an RRset (rr; rr->ts unused) with its own counters.
 * time_first/time_last/count are sensor times (0/0/0 if only seen in zone
 * data); zone_first/zone_last are 0 when not from a zone file.
 */
typedef struct lb_src_aggr {
	const lb_obs_rrset_t *rr;
	uint64_t time_first, time_last, count;
	uint64_t zone_first, zone_last;
	/* an aggregated negative answer (COF objects with "negative":true, as
	 * `lookback export` writes them): rr is NULL and neg is set (neg->ts
	 * unused); handed to lb_src_sink_t.aggr_neg only, never to aggr. */
	const lb_obs_neg_t *neg;
	/* the sources named by the entry itself (COF "sensor_ids", first =
	 * "sensor_id"), nsources 0 = the observation's sensor only */
	const char *const *sources;
	size_t nsources;
	bool sources_more; /* "sensor_ids_more": more sources saw it than named */
	/* the days it was seen on (COF "days_active", as `lookback export`
	 * writes a timeline other than every day from first to last seen):
	 * nruns 0 = every day from the day of time_first to that of time_last;
	 * runs_uncounted = the runs' counts are unknown */
	const lb_dayrun_t *runs;
	uint32_t nruns;
	bool runs_uncounted;
} lb_src_aggr_t;

/* Where import results go.  Pointers are valid during the call only. */
typedef struct lb_src_sink {
	lb_obs_sink_t obs;
	void (*aggr)(void *ctx, const lb_src_aggr_t *a);
	void *aggr_ctx;
	/* aggregated negative answers (a->neg set), with aggr_ctx; NULL = dropped */
	void (*aggr_neg)(void *ctx, const lb_src_aggr_t *a);
	/* a source's own freshness (COF {"source":NAME,"time_first","time_last",
	 * "count"}, as `lookback export` writes a whole store's sources before its
	 * records): its first and newest observation and how many, with
	 * aggr_ctx; NULL = dropped.  Not given under lb_src_opts_t.source (every
	 * record is that source's then). */
	void (*source)(void *ctx, const char *name, uint64_t first, uint64_t last, uint64_t count);
} lb_src_sink_t;

typedef struct lb_src_opts {
	enum lb_src_fmt fmt;    /* LB_FMT_AUTO = detect per file */
	const char *source;     /* sensor id; NULL = the format name ("zeek" ...) */
	bool strict;            /* stop at the first bad line */
	bool allow_include;     /* zone: honour $INCLUDE */
	bool progress;          /* progress line on stderr (caller checks isatty) */
	int64_t zone_time;      /* zone: time for zone_time_*; < 0 = file mtime (now for stdin) */
	const char *origin;     /* zone: initial $ORIGIN (text), or NULL */
	const char *pd_fields;  /* passivedns text lines: the letters of passivedns's
				 * -f the log was written with (lb_src_pd_fields_check),
				 * NULL = its default fields (count optional) */
	const char *pd_delim;   /* passivedns text lines: the field delimiter of
				 * passivedns's -d (lb_src_pd_delim_check), NULL = "||" */
	int32_t pd_utc_offset;  /* passivedns -f H stamps (the sensor's local time):
				 * seconds east of UTC of that clock */
	bool pd_utc_offset_set; /* pd_utc_offset was given (else read as UTC, noted) */
	size_t max_line;        /* 0 = 1 MiB */
	void (*idle)(void *);   /* called while reading files: see lb_lr_set_idle; may be NULL */
	void *idle_ctx;
	volatile sig_atomic_t *interrupt; /* set (by a signal handler): reading stops,
					   * lb_src_import_file returns LB_EINTR */
} lb_src_opts_t;

typedef struct lb_src lb_src_t;

/* New importer; opts and sink are copied (the strings they point to are borrowed). */
LB_WUR int lb_src_new(const lb_src_opts_t *opts, const lb_src_sink_t *sink, lb_src_t **out);
void lb_src_free(lb_src_t *s);

/*
 * Import one file ("-" = stdin), decompressing gzip/zstd/xz.  Returns 0 when
 * the whole file was read (bad lines are only counted), LB_ETEXT when strict
 * and a bad line stopped it, or a read error (negated errno, LB_EIO,
 * LB_ECORRUPT for broken compressed data).  Everything emitted before an
 * error stays emitted.
 */
LB_WUR int lb_src_import_file(lb_src_t *s, const char *path);

/*
 * Import a memory buffer as if it were a file named name (for tests and
 * fuzzing); compressed buffers are decoded too.
 */
LB_WUR int lb_src_import_mem(lb_src_t *s, const char *name, const void *buf, size_t len);

const lb_src_counts_t *lb_src_counts(const lb_src_t *s);

/* Summary for humans: records, observations, skipped and bad lines by reason
 * with their first line numbers (file names included). */
void lb_src_print_summary(const lb_src_t *s, FILE *out);

#endif
