/*
 * http.h - the query server: DNSDB API v2 with SAF, the COF/CIRCL API,
 * API keys and quotas, Prometheus metrics; on libmicrohttpd.
 *
 * Usage (what `lookback serve` does):
 *
 *	lb_http_opts_t o;
 *	lb_http_opts_init(&o);
 *	o.listen = "127.0.0.1:8053"; o.keys_file = "keys.txt";
 *	lb_http_t *h;
 *	int err = lb_http_start(store, &o, &h, &msg);   // store borrowed, outlives h
 *	while (!stop) { sleep; if (hup) lb_http_reload_keys(h, &msg); }
 *	lb_http_stop(h, 10);                            // drain up to 10 s, then close
 *
 * Threads: libmicrohttpd's epoll thread pool; the store is used under one
 * mutex (its scratch buffers are per store), records stream from a
 * per-request cursor (query/query.h) through a response callback, so a
 * result is never held whole in memory and a slow reader holds only its
 * own connection.
 */
#ifndef LB_HTTP_HTTP_H
#define LB_HTTP_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "query/query.h"
#include "store/store.h"
#include "util/err.h"

/* Hard caps. */
#define LB_HTTP_TARGET_MAX 4096      /* request target (path + query), bytes */
#define LB_HTTP_VALUE_MAX 1024       /* one decoded path segment or parameter */
/* libmicrohttpd's memory per connection: request line + headers (a header
 * line takes its bytes and a 56-byte record: past it, 414 or 431); the query
 * arguments take none (server.c, uri_cb) */
#define LB_HTTP_MEM_PER_CONN 16384
#define LB_HTTP_FLEX_MAX 256         /* regex/glob pattern */
/* /lookback/v1 rows a request may hold (to sort them, or to merge a name's
 * rows met apart: rdata lookups, domains under a right-hand wildcard), as
 * lb_query_t.sort_bytes_max; past it the answer ends "failed" */
#define LB_HTTP_HOLD_BYTES (32ull << 20)

typedef struct lb_http lb_http_t;

typedef struct lb_http_opts {
	const char *listen;        /* "127.0.0.1:8053", "[::1]:8053", "0.0.0.0:8053" */
	const char *keys_file;     /* NULL = open (allowed only on loopback) */
	FILE *access_log;          /* NULL = none; one line per request */
	unsigned threads;          /* worker threads (default 2) */
	unsigned max_conns;        /* concurrent connections; past it 503 (default 256) */
	unsigned max_conns_per_ip; /* open connections of one client address; past it
				    * the connection is closed at once (default 64;
				    * 0 = unlimited) */
	unsigned timeout_secs;     /* idle connection timeout (default 30); also the time a
				    * request's line and headers may take to arrive, from
				    * its first byte (a connection's first request: from
				    * the connection's opening) */
	uint64_t results_max;      /* server maximum for limit (default 1000000) */
	uint64_t offset_max;       /* largest offset (default 1000000); past it 416 */
	uint64_t query_timeout_ms; /* an answer still running this long after its request:
				    * a DNSDB one ends "limited", "Query time limit
				    * reached"; a CIRCL one is cut (no last chunk), or
				    * its paging count answered 503 (default 600 s; 0 =
				    * none) */
	/* HTTPS: a PEM certificate (chain) and its PEM private key (unencrypted),
	 * both or neither; NULL = plain HTTP */
	const char *tls_cert_file, *tls_key_file;
	/* more /metrics text (e.g. the sensor collector's counters), called per
	 * request from a server thread; NULL = none */
	void (*metrics_extra)(void *ctx, FILE *out);
	void *metrics_ctx;
} lb_http_opts_t;

void lb_http_opts_init(lb_http_opts_t *o);

/* Start serving.  Errors: LB_EINVAL (bad listen address, a non-loopback
 * address without keys, only one of the TLS files or one unreadable, TLS
 * not built into libmicrohttpd, a certificate and key that do not load or
 * do not match, a second HTTPS server in one process: *msg says which),
 * LB_EIO (cannot listen), key file errors
 * (LB_ETEXT with *msg, -errno). */
LB_WUR int lb_http_start(lb_store_t *store, const lb_http_opts_t *o, lb_http_t **out,
			 const char **msg);
/* Re-read the key file (counters of keys that stay are kept).  On error the
 * old keys stay in force. */
LB_WUR int lb_http_reload_keys(lb_http_t *h, const char **msg);
/* HTTPS: read the certificate chain and key files again (a renewed
 * certificate); new connections get them, open ones keep theirs.  0 (also
 * without HTTPS), or an error with *msg and the old ones kept. */
LB_WUR int lb_http_reload_tls(lb_http_t *h, const char **msg);
/* Write the access log to f from the next request on (log rotation: the
 * caller reopens the file on SIGHUP); returns the previous one, for the
 * caller to close.  Not to be called with NULL when none was set. */
FILE *lb_http_swap_access_log(lb_http_t *h, FILE *f);
/* Bound TCP port (useful with port 0). */
unsigned lb_http_port(const lb_http_t *h);
/* Stop accepting, let running requests finish for up to drain_secs, close.  NULL-safe. */
void lb_http_stop(lb_http_t *h, unsigned drain_secs);

/* ---- request targets (parse.c), exposed for tests and the fuzz target ---- */

enum lb_http_api {
	LB_API_NONE = 0,
	LB_API_LOOKUP,        /* /dnsdb/v2/lookup/... */
	LB_API_SUMMARIZE,     /* /dnsdb/v2/summarize/... */
	LB_API_PING,          /* /dnsdb/v2/ping */
	LB_API_RATE_LIMIT,    /* /dnsdb/v2/rate_limit */
	LB_API_FLEX,          /* /dnsdb/v2/{regex,glob}/{rrnames,rdata}/VALUE[/RRTYPE] */
	LB_API_CIRCL,         /* /pdns/query/VALUE */
	LB_API_METRICS,       /* /metrics */
	LB_API_HEALTHZ,       /* /healthz */
	LB_API_NAMES,         /* /lookback/v1/names/{lookup,summarize}/... (query/names.h) */
	LB_API_DOMAINS,       /* /lookback/v1/domains/{lookup,summarize}/... */
	LB_API_COUNT
};

typedef struct lb_http_req {
	enum lb_http_api api;
	lb_query_t q;               /* the query (LOOKUP, SUMMARIZE, CIRCL, NAMES, DOMAINS;
				     * q.summarize: a summarize path) */
	bool limit_given;           /* limit= present (0 = server maximum) */
	uint64_t limit;
	bool humantime;
	bool aggr;                  /* default true; false = unaggregated rows, one per run of
				     * days (lookup, summarize: lb_query_t.unaggregated) */
	uint64_t max_count;         /* summarize: stop once the summed count reaches it; 0 = none */
	/* flex search */
	bool flex_glob;             /* else regex */
	bool flex_rdata;            /* else rrnames */
	char flex[LB_HTTP_FLEX_MAX + 1];
	char exclude[LB_HTTP_FLEX_MAX + 1];
	/* CIRCL: the value is an address (rdata/ip), else a name (rrset + rdata/name) */
	bool circl_ip;
} lb_http_req_t;

/*
 * Parse a request target (the raw path and query string of the request
 * line, still %-encoded) into r, with now for relative times.
 *
 * Paths: /dnsdb/v2/{lookup,summarize}/{rrset,rdata}/KIND/VALUE[/RRTYPE[/BAILIWICK]],
 * /dnsdb/v2/{regex,glob}/{rrnames,rdata}/VALUE[/RRTYPE], /dnsdb/v2/ping,
 * /dnsdb/v2/rate_limit, /pdns/query/VALUE, /metrics, /healthz, and
 * lookback's own rows per name or registered domain (query/names.h):
 * /lookback/v1/{names,domains}/{lookup,summarize}/ then the DNSDB lookup
 * path's rest (rrset/name/..., rdata/ip/..., ...).  Parameters: limit,
 * offset, the four time fences, humantime, max_count, aggr (not false on
 * /lookback/v1: its rows are aggregated), exclude (flex); on /lookback/v1
 * also sort=first|last|duration|count|name and reverse=true.  Path
 * segments and parameters are %-decoded one by one; a bad escape, a decoded
 * NUL, an oversized target or value is an error.  Returns the HTTP status:
 * 200 (r filled; lb_query_free(&r->q) afterwards), 400 (bad request),
 * 404 (unknown path); *msg gets a one-line reason on error.
 */
int lb_http_parse_target(const char *target, size_t len, uint64_t now, lb_http_req_t *r,
			 const char **msg);

/*
 * One line of a batch of lookups (`lookback query --batch`), in dnsdbq's
 * batch form: the DNSDB lookup path without its /dnsdb/v2/lookup/ prefix,
 *	rrset/name/NAME[/RRTYPE[,...][/BAILIWICK]]   rrset/raw/HEX[/RRTYPE[,...][/BAILIWICK]]
 *	rdata/name/NAME[/RRTYPE[,...]]   rdata/ip/ADDR[,PFXLEN]   rdata/raw/HEX[/RRTYPE[,...]]
 * ('/' and ',' inside a name %-encoded), or a bare indicator: an address,
 * CIDR or range (an rdata/ip lookup) or a name (an rrset/name lookup), also
 * defanged ("evil[.]example") or in a URL or host:port (its host).
 * Leading and trailing blanks are ignored; an "$OPTIONS" line is not a
 * lookup (400: the caller reads those).  Returns 0 for a line to skip
 * (empty, or a '#' comment), 200 with r filled (lb_query_free(&r->q)
 * afterwards; *typed / *bailiwicked say whether the line named its types /
 * its bailiwick), or 400 with *msg a one-line reason.
 */
int lb_http_batch_line(const char *line, size_t len, uint64_t now, lb_http_req_t *r, bool *typed,
		       bool *bailiwicked, const char **msg);

/* %-decode src[0..n) into dst (dstsz incl. NUL); '+' stays '+' unless
 * plus_space.  -1 on a bad escape, a NUL byte or overflow, else the length. */
int lb_http_pct_decode(const char *src, size_t n, char *dst, size_t dstsz, bool plus_space);

/* The password of an HTTP Basic credential (RFC 7617: "Basic " and the
 * base64 of user-id ':' password), from an Authorization field value: 1 with
 * it NUL-terminated in out ("" when it does not fit outsz: never a valid
 * key), 0 when value is no Basic credential (NULL, another scheme), -1 when
 * it is a malformed one: no token, base64 that is not RFC 4648's (a byte
 * outside its alphabet, a length not a multiple of 4, '=' but at the end),
 * no ':', or a control character (a NUL above all) in the user-id or the
 * password, which RFC 7617 2 forbids.  libmicrohttpd's decoder gave C
 * strings: "KEY\0anything" passed as KEY. */
int lb_http_basic_password(const char *value, char *out, size_t outsz);

/* Whether a request target's bytes may stand as they are: no space, no
 * control character (0x00-0x1f, 0x7f), which RFC 3986 never allows raw in
 * a URI.  libmicrohttpd lets spaces in (it takes the request line's last
 * space as the one before the version): "GET /a b HTTP/1.1" was served as
 * the target "/a b", the autocorrection RFC 9112 3.2 warns against (a
 * request built to slip past a filter on the way); now 400. */
bool lb_http_target_clean(const char *target, size_t len);
/* A request target in absolute form ("http://host:port/path?query", RFC
 * 9112 3.2.2: a server MUST accept it) rewritten in place to its origin form
 * ("/path?query"; "/" for an empty path).  Scheme http or https, any case;
 * anything else is left as it is.  Returns true if it was rewritten. */
bool lb_http_origin_form(char *target);

/* Whether a request line's method, as libmicrohttpd 0.9.75 hands it (a C
 * string at the line's start, ended where its first space was), is the
 * whole method: the URI (uri_cb's) starts one byte past its end.  A NUL
 * byte inside the method cut the C string short ("GET<NUL>X /..." was a
 * GET); two spaces before the target are no request line either (RFC 9112
 * 3: method SP target SP version).  The method's own string is read and
 * the addresses compared, nothing else; a URI before the method or more than
 * max bytes past it (not the same line buffer) tells nothing: true. */
bool lb_http_method_whole(const char *method, const char *uri, size_t max);

/* Whether a header field's name is a token (RFC 9110 5.1: 1 or more of
 * ALPHA DIGIT !#$%&'*+-.^_`|~).  libmicrohttpd keeps what it was given
 * before the colon: "X-API-Key : k" made a field "X-API-Key " (RFC 9112 5.1:
 * such a request MUST be refused 400). */
bool lb_http_field_name_ok(const char *name);

/* Content negotiation (RFC 9110 12.5.1): which of offers[0..n) (media
 * types without parameters, the server's preference first; n at most
 * LB_HTTP_OFFERS_MAX) an answer is labelled with, given an Accept list (a
 * request's Accept lines joined with ',': RFC 9110 5.3).  Each offer's
 * weight is that of the most specific range that names it (type/subtype,
 * then type/wildcard, then the full wildcard); two ranges equally specific:
 * the higher weight.  "q=0" means "not acceptable" (12.4.2): so
 * "application/x-ndjson;q=0, application/json" picks application/json, and
 * a wildcard with q=0 excludes what it covers unless a more specific range
 * with a weight above 0 names it.  The highest weight wins; between equal
 * weights, the earlier offer.  Other parameters do not narrow a range; a
 * weight that is no qvalue (q=x, q=2) counts as 1.  Returns the offer's
 * index; 0 when the list names no range at all (NULL, empty: anything
 * goes); -1 when no offer is acceptable (a 415). */
#define LB_HTTP_OFFERS_MAX 8
int lb_http_accept_pick(const char *accept, const char *const *offers, size_t n);

/*
 * Flex search narrowing: a domain that holds every name the rrnames pattern
 * can match (regex anchored by '$' or glob, both matched against names with
 * their trailing dot, case-insensitively), written lower-case with its
 * trailing dot into out; returns its length, or 0 when the pattern does not
 * end in such a literal (the whole store is scanned).  Conservative: a regex
 * with '|' anywhere, a quantifier or class next to the end, or a literal
 * without its trailing dot gives 0.  The matched names lie strictly below the
 * domain, so the scan "*.DOMAIN" holds them all.
 */
size_t lb_http_flex_suffix(const char *pat, bool glob, char *out, size_t outsz);

/* Endpoint label for metrics and logs. */
const char *lb_http_api_name(enum lb_http_api api);

/* ---- API keys (keys.c): also the sensor collector's (sensor/collector.c) ---- */

#define LB_KEY_ID_MAX 63
#define LB_KEY_MAX 128

/* One API key and its quota state.  Limits: 0 = unlimited / server default. */
typedef struct lb_key {
	char id[LB_KEY_ID_MAX + 1];
	char key[LB_KEY_MAX + 1];
	uint64_t daily;          /* queries per UTC day */
	uint64_t burst;          /* queries per burst window */
	uint64_t window;         /* burst window, seconds (default 60 when burst set) */
	uint64_t expires;        /* Unix time after which the key is refused (401) */
	uint64_t results_max, offset_max;
	/* state */
	uint64_t day, used_today;
	uint64_t win_start, win_used;
} lb_key_t;

typedef struct lb_keyset {
	lb_key_t *k;
	size_t n;
} lb_keyset_t;

/* Load a key file: lines "ID KEY [daily=N] [burst=N] [window=S] [expires=T]
 * [results_max=N] [offset_max=N]", '#' comments.  Errors: -errno, LB_ETEXT
 * (msgbuf says which line), LB_ELIMIT (more than 100000 keys). */
LB_WUR int lb_keys_load(const char *path, lb_keyset_t *out, char *msgbuf, size_t msgsz);
void lb_keys_free(lb_keyset_t *ks);
/* Carry the counters of keys with the same id from old into new. */
void lb_keys_carry(lb_keyset_t *nw, const lb_keyset_t *old);
/* Find a key by its secret (constant time per entry compared). */
lb_key_t *lb_keys_find(lb_keyset_t *ks, const char *key);

#endif
