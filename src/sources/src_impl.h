/*
 * src_impl.h - internals shared by the importers (not part of the module's
 * interface; source.h is).  Each format file implements one line handler;
 * source.c drives files, counts, builds RRsets and hands them to the sink.
 */
#ifndef LB_SOURCES_SRC_IMPL_H
#define LB_SOURCES_SRC_IMPL_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/time.h>

#include "dns/name.h"
#include "sources/jscan.h"
#include "sources/source.h"

/* Most records one response / one owner group may hold (as lb_msg). */
#define SRC_MAX_RRS 2048
/* Arena for names and rdata of one response / group: at most SRC_ARENA
 * bytes handed out, from chunks that never move (the records point into
 * them): the first SRC_CHUNK0 bytes, made at the first use, each next one
 * twice the last, kept for the next response.  (One 4 MiB buffer made with
 * every source cost most of a fuzz input's time under ASan: the shadow of
 * all of it written at malloc and free, for inputs of a few records.) */
#define SRC_ARENA (4u * 1024 * 1024)
#define SRC_CHUNK0 (64u * 1024) /* > LB_RDATA_MAX: any one take fits a chunk */
#define SRC_CHUNKS 8            /* 64 KiB .. 8 MiB: more than SRC_ARENA and the tails */
#define SRC_MAX_FIELDS 64

typedef struct src_rr {
	const uint8_t *owner;
	const uint8_t *rd;
	uint32_t ttl;
	uint16_t rdlen;
	uint16_t type;
	uint16_t rclass;
	uint16_t covered;
	uint8_t owner_len;
	uint8_t section;
	bool unrelated;  /* an answer off the question's chain (lb_obs_rrset_t.unrelated) */
} src_rr_t;

/* Recently converted names (text -> lower-case wire, no origin): EVE repeats
 * the question as the first owner and a CNAME target as the next owner. */
#define SRC_NCACHE 4
#define SRC_NCACHE_TEXT 256
typedef struct src_ncache {
	uint16_t tlen;          /* 0 = empty slot */
	uint8_t wlen;
	char text[SRC_NCACHE_TEXT];
	uint8_t wire[LB_NAME_MAX];
} src_ncache_t;

/* Records collected from one response (or one owner of a zone file). */
typedef struct src_resp {
	src_rr_t rr[SRC_MAX_RRS];
	size_t n;
	uint8_t *chunk[SRC_CHUNKS];
	size_t chunk_cap[SRC_CHUNKS];
	size_t nchunks, cur, fill; /* chunks made; the one in use; its bytes taken */
	size_t used;               /* bytes taken in all (at most SRC_ARENA) */
	/* emission scratch */
	uint16_t order[SRC_MAX_RRS];
	const uint8_t *rdp[SRC_MAX_RRS];
	uint16_t rdl[SRC_MAX_RRS];
	src_ncache_t nc[SRC_NCACHE];
	unsigned nc_next;
} src_resp_t;

/* One answer of a source without owner names: type 0 = not known. */
typedef struct src_ans {
	const char *text;
	size_t len;
	uint32_t ttl;
	uint16_t type;
	const uint8_t *wire;  /* pre-built rdata (Zeek TXT), or NULL: parse text */
	uint16_t wire_len;
} src_ans_t;

/* Zeek TSV header state. */
typedef struct zeek_hdr {
	bool have_fields;
	char sep;               /* field separator (default tab) */
	char set_sep;           /* set separator (default ',') */
	char empty[16];         /* "(empty)" */
	char unset[16];         /* "-" */
	int idx_ts, idx_query, idx_qclass, idx_qtype, idx_rcode, idx_answers, idx_ttls;
	int idx_aa, idx_ra, idx_tc; /* the AA, RA and TC flags (-1: not logged) */
	int idx_opcode;             /* Zeek 7.1 on (-1: not logged) */
	int idx_auth;               /* policy/protocols/dns/auth-addl.zeek (-1: not logged) */
	int idx_rtt;                /* Bro 2.6 on (-1: not logged) */
	int idx_orig_p, idx_resp_p; /* the connection's ports (-1: not logged) */
	int idx_rejected;           /* -1: not logged */
	int nfields;
	bool plain;             /* no #fields seen: Zeek's standard layout (zeek.c) */
} zeek_hdr_t;

struct zone_state;

struct lb_src {
	lb_src_opts_t o;
	lb_src_sink_t sink;
	lb_src_counts_t c;
	const char *bad_file[LB_BAD__COUNT][LB_SRC_BAD_KEEP];
	enum lb_src_fmt fmt;     /* of the current file */
	const char *sensor;      /* of the current file */
	const char *file;
	uint64_t lineno;
	bool stop;               /* strict mode hit a bad line */
	bool line_bad;           /* current line already counted bad */
	src_resp_t *resp;
	/* per-format state */
	zeek_hdr_t zeek;
	int saf;                 /* cof: 0 none, 1 begun, 2 terminated */
	struct {                 /* passivedns: consecutive lines of one response */
		char key[1024];
		size_t keylen;
		uint64_t t, count;
		bool pending;
		bool lossy;      /* the RRset lost data in the log (passivedns.c) */
		/* text line layout (o.pd_fields): column -> field index of
		 * ts||client||server||class||query||type||answer||ttl||count, -1
		 * for a field not read; ncols 0 = the default layout */
		int8_t col[20];
		int ncols;
		char delim[LB_SRC_PD_DELIM_MAX]; /* field delimiter (o.pd_delim, "||") */
		size_t delim_len;
	} pdns;
	struct zone_state *zone;
	char *inc_names[256];      /* $INCLUDE'd file names (bad-line reports point at them) */
	size_t ninc;
	js_doc_t js;               /* scanned JSON line (COF, EVE) */
	char *jbuf;                /* unescaped JSON strings: max_line bytes */
	size_t jbuf_cap;
	char *raw;                 /* a Splunk export row's _raw (splunk_raw): jbuf_cap bytes */
	void *work[LB_FMT__COUNT]; /* per-format scratch, malloc'd on first use, freed with s */
	int64_t file_mtime;
	/* progress */
	uint64_t prog_next_ns, prog_start_ns, prog_in_size, prog_in_bytes;
};

/* Count a bad line (once per line) and stop if strict.  Returns -1 for convenience. */
int src_bad(lb_src_t *s, enum lb_src_bad why);
void src_skip(lb_src_t *s, enum lb_src_skip why);
/* passivedns: the text layout from o.pd_fields and o.pd_delim (lb_src_new).
 * 0 or LB_EINVAL. */
int src_passivedns_init(lb_src_t *s);

/* Name text -> canonical (lower-case) wire name.  Returns length or < 0. */
int src_name(const char *text, size_t len, const uint8_t *origin, uint8_t *out);
/* src_name without origin, through the cache in r. */
int src_name_c(src_resp_t *r, const char *text, size_t len, uint8_t *out);
/* A name written as its label bytes joined by dots, without presentation
 * escapes (Zeek's query, Suricata's names): its presentation text, each
 * byte other than a letter, digit, '-', '_', '*', '/' or '.' as \DDD.
 * Returns text itself when nothing needs escaping, else out (cap bytes),
 * or NULL if it does not fit; *olen its length. */
const char *src_label_text(const char *text, size_t len, char *out, size_t cap, size_t *olen);
/* Unix seconds with optional fraction "1322849924.408856".  0 or -1. */
int src_time_epoch(const char *t, size_t len, struct timeval *tv);
/* ISO 8601 / RFC 3339 "2021-12-11T22:46:23Z", "...23.123+02:00", "2019-04-17 00:47:27". */
int src_time_iso(const char *t, size_t len, struct timeval *tv);
/* Either of the above. */
int src_time_any(const char *t, size_t len, struct timeval *tv);
/* Decimal unsigned, whole string.  0 or -1. */
int src_u64(const char *t, size_t len, uint64_t *v);

/* Response builder. */
void resp_reset(src_resp_t *r);
/* Add one record, rdata given as presentation text (parsed with origin) or as wire. */
int resp_add_text(src_resp_t *r, const uint8_t *owner, uint8_t owner_len, uint16_t type,
		  uint16_t rclass, uint32_t ttl, uint8_t section, const char *text, size_t len,
		  const uint8_t *origin);
int resp_add_wire(src_resp_t *r, const uint8_t *owner, uint8_t owner_len, uint16_t type,
		  uint16_t rclass, uint32_t ttl, uint8_t section, const uint8_t *rd, size_t rdlen);
/* Group into RRsets and emit each: as an observation at ts, or (agg != NULL)
 * as an aggregated entry with agg's counters.  Resets r. */
void resp_emit(lb_src_t *s, src_resp_t *r, const struct timeval *ts, const uint8_t *bailiwick,
	       const lb_src_aggr_t *agg);

void src_negative(lb_src_t *s, const uint8_t *qname, uint8_t qlen, uint16_t qtype,
		  uint16_t rcode, const struct timeval *ts);

/* When a NOERROR answer without data for qtype is a denial (NODATA) in a log
 * that does not show the authority section (RFC 2308 2.2 decides by it): */
#define SRC_ND_EMPTY 1u  /* no answer at all (else: maybe a referral) */
#define SRC_ND_CHAIN 2u  /* a CNAME chain ending without data (else: maybe an
			  * authoritative server's CNAME out of its zone) */
#define SRC_ND_ALL (SRC_ND_EMPTY | SRC_ND_CHAIN)

/*
 * Assign owner-less answers to names (docs/IMPORT.md "Answers without
 * owners").  ordered: the answers are in message order.  Emits rrsets and,
 * for NOERROR without data for qtype, a NODATA negative when nodata
 * (SRC_ND_*) says such an answer is one.  Returns 0, or LB_BAD_RDATA-style
 * failure (already counted) as -1.
 */
int src_chain(lb_src_t *s, const uint8_t *qname, uint8_t qlen, uint16_t qtype, uint16_t rcode,
	      const src_ans_t *a, size_t n, bool ordered, unsigned nodata,
	      const struct timeval *ts);

/* Rcode mnemonic ("NXDOMAIN") or decimal -> number.  0 or -1. */
int src_rcode(const char *t, size_t len, uint16_t *rc);
/* RR type from a JSON string (mnemonic, TYPEnnn) or integer.  0 or -1. */
int src_jtype(json_t *v, uint16_t *type);
/* The same from a scanned line's token x (sources/jscan.h). */
int src_js_rrtype(const js_doc_t *d, int x, uint16_t *type);

/* Scan a JSON object line into s->js (counts bad_json).  Root token 0, or -1. */
int src_jscan(lb_src_t *s, const char *line, size_t len);
#define SRC_JS_TOKENS 16384

/* JSON helpers (jansson) */
json_t *src_json(lb_src_t *s, const char *line, size_t len);
const char *src_jstr(json_t *o, const char *key, size_t *len);

#endif
