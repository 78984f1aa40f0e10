/*
 * http_impl.h - internals shared by the server's files (not an API).
 */
#ifndef LB_HTTP_IMPL_H
#define LB_HTTP_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

/* ---- the server's state (server.c, stream.c) ---- */

#include <stdatomic.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "http/http.h"
#include "query/names.h"
#include "util/hset.h"

#include <microhttpd.h>

#define NSTATUS 16 /* status codes counted by /metrics (server.c) */
#define NLAT 12    /* latency histogram buckets */
#define BATCH_BYTES 16384
#define BATCH_RECS 256
#define STREAM_PREFETCH 16384
/* Fairness: a worker thread serves many connections, so no request may hold
 * it for long.  One produce() call looks at most at BATCH_RECS records (a
 * summary too) and its cursor passes over at most SCAN_STEPS keys or records
 * that the filters drop; one round of output (the first answer, or one
 * callback of a streamed one) runs at most PRODUCE_ROUNDS produce() calls.
 * A sparse scan (a flex search, a summary, filters that drop nearly all)
 * then yields the thread every few milliseconds and goes on after the
 * worker has served its other connections (suspend + resume). */
#define SCAN_STEPS 4096
#define PRODUCE_ROUNDS 8
/* The /lookback/v1 rows' budget is in whole records (each made text and
 * merged into its row: ~2.3 us apiece measured, where a step of SCAN_STEPS
 * is mostly a key passed over): 512 of them keep a round of output near
 * 10 ms, as a sparse DNSDB scan's (4096 records: exact lookups beside a scan
 * that handed out no row waited 64-150 ms) */
#define NAMES_STEPS 512


struct lb_http {
	struct MHD_Daemon *d;
	lb_store_t *store;             /* iterators are thread-safe (store.h): no lock */
	lb_http_opts_t o;
	char *keys_file;
	pthread_mutex_t keys_lock;
	lb_keyset_t keys;
	bool open;                     /* no key file: every request allowed */
	unsigned port;
	atomic_uint active;            /* open connections */
	atomic_uint inflight;          /* requests between start and completion */
	pthread_mutex_t log_lock;
	/* metrics */
	atomic_ullong req[LB_API_COUNT][NSTATUS + 1];
	atomic_ullong lat[NLAT + 1];
	atomic_ullong lat_sum_us, lat_n, objs_out, refused_conns;
	time_t started;
	bool tls;                      /* HTTPS (tls.c holds the credentials) */
	char *tls_cert_file, *tls_key_file; /* re-read on lb_http_reload_tls */
	bool logging;                  /* an access log was given (o.access_log: under log_lock) */
	/* open connections (struct conn in server.c) and the thread that cuts
	 * those whose request has not arrived within o.timeout_secs */
	pthread_mutex_t conn_lock;
	struct conn *conns;
	pthread_t reaper;
	bool reaper_on;
	atomic_bool stopping;
	atomic_ullong slow_conns;      /* connections cut by the reaper */
	atomic_ullong query_timeouts;  /* DNSDB answers cut by --query-timeout */
	struct lb_peers *peers;        /* NULL: no --max-conns-per-ip (peers.c) */
	atomic_ullong refused_per_ip;  /* connections refused by it */
	/* requests libmicrohttpd answered itself, before access_cb (by
	 * status, as req[]: also counted there, endpoint "other") */
	atomic_ullong lib_answered[NSTATUS + 1];
};

struct hstream;

/* What admit() counted against a key, for unadmit() to give back (server.c) */
struct charge {
	bool on;                       /* the query was counted */
	uint64_t used_today, win_start, win_used; /* the key's counters just after */
};

struct req {
	lb_http_t *h;
	atomic_int refs;
	bool target_long;
	bool target_nul;               /* a NUL byte inside the request target */
	bool method_cut;               /* a NUL byte inside the method (or two spaces after it) */
	bool http11;                   /* an HTTP/1.1 request (one Host field required) */
	bool circl_paging;             /* a CIRCL client that pages (count, cursor, limit, offset) */
	uintptr_t uri_start, uri_end;  /* uri_cb's URI: its address, and just past its NUL */
	const char *ctype;             /* the answer's media type (lb_http_accept_pick), static */
	struct timespec t0;
	char key_id[LB_KEY_ID_MAX + 1];
	char method[8];
	enum lb_http_api api;
	unsigned status;
	atomic_ullong bytes;
	bool started;                  /* headers seen */
	bool answered;                 /* a response is queued */
	uint64_t retry_after;          /* a 429's Retry-After, seconds (0 = 1) */
	struct charge charge;          /* given back when no answer goes out */
	/* CIRCL paging: the answer waits while a counting pass decides whether
	 * another page exists; the pass runs in bounded rounds (circl_count) */
	struct hstream *pend;
	lb_query_cur_t *pcur;
	int pqi;
	uint64_t seen, want;
	char target[LB_HTTP_TARGET_MAX + 1]; /* last: not zeroed (uri_cb) */
};

enum st_state { S_BEGIN, S_RECS, S_END, S_DONE };

struct hstream {
	struct req *rq;
	struct MHD_Connection *conn;  /* the connection a streamed answer goes to */
	lb_http_req_t r;
	lb_query_t qs[2];
	int nq, qi;
	lb_query_cur_t *cur;
	bool saf, summarize;
	int names;                     /* /lookback/v1 rows: enum lb_names_mode, else 0 */
	lb_names_cur_t *ncur;          /* their cursor (over qs[0]) */
	enum st_state state;
	FILE *ms;
	char *mbuf;
	size_t msize, moff;
	lb_out_t out;
	lb_summary_t sum;
	uint64_t skip, emit, limit;   /* CIRCL and flex: global offset / count / limit */
	uint64_t counted;             /* of emit, added to the server's objs_out */
	bool limited, failed;
	bool count_reached;            /* summarize: max_count reached */
	bool timed_out;                /* --query-timeout reached (a SAF stream) */
	const char *fail_msg;
	/* flex */
	pcre2_code *re, *ex;
	pcre2_match_data *md;
	uint8_t last_name[256];
	size_t last_len;
	uint16_t last_type;
	/* flex rdata: hashes of the (type, rdata) met so far, each value an
	 * object once however many rrsets hold it */
	lb_hset_t seen;
};

/* server.c: drop a reference to rq (the URI callback's and each stream's). */
void lb_http_req_unref(struct req *rq);

/* stream.c: streamed answers.  A stream takes over r->q.raw and holds a
 * reference to rq; lb_http_send_stream queues it as the response (whole
 * when it ends within the first batch, else through a callback) and owns it
 * from then on (also on failure). */
struct hstream *lb_http_stream_new(struct req *rq, lb_http_req_t *r);
int lb_http_stream_add_query(struct hstream *s, const lb_query_t *q);
void lb_http_stream_free(void *cls);
void lb_http_stream_fail(struct hstream *s, const char *m);
/* Whether a request that came at t0 has run past --query-timeout (0: never). */
bool lb_http_past_timeout(const lb_http_t *h, const struct timespec *t0);

/* metrics.c: the status codes counted by name (the rest: index NSTATUS,
 * "other"), a status's index, the latency buckets' upper bounds (seconds),
 * and the /metrics text (malloc'd, *len bytes; NULL: out of memory). */
extern const unsigned lb_http_status_codes[NSTATUS];
extern const double lb_http_lat_bounds[NLAT];
int lb_http_status_idx(unsigned st);
char *lb_http_metrics_text(lb_http_t *h, size_t *len);
/* CIRCL name queries are an rrset lookup (qs[0]) and an rdata-name lookup
 * (qs[1]) of the same name: true if the rdata record r belongs to an rrset
 * whose owner the rrset lookup rq selects (its RR was given in that rrset,
 * and COF has each (rrname, rrtype, rdata) once). */
bool lb_http_circl_covered(const lb_query_t *rq, const lb_store_rec_t *r);
/* (cursor, errors: a CIRCL answer's x-dribble-cursor and x-dribble-errors
 * headers, or NULL; the answer goes out labelled rq->ctype) */
enum MHD_Result lb_http_send_stream(struct req *rq, struct MHD_Connection *c, struct hstream *s,
				    const char *cursor, const char *errors);

/* ---- fields.c: request header fields ---- */

/* A request header's value without its trailing whitespace, copied into buf;
 * NULL when absent, "" (never a valid key or number) when it does not fit. */
const char *lb_http_header_value(struct MHD_Connection *c, const char *name, char *buf,
				 size_t bufsz);
/* The request's API key into out: 1 found (X-API-Key, or when basic the
 * password of HTTP Basic credentials), 0 none, -1 malformed Basic
 * credentials (lb_http_basic_password). */
int lb_http_find_key(struct MHD_Connection *c, bool basic, char *out, size_t outsz);
/* Which of offers[0..n) the request's Accept lines, one list, let its
 * answer be labelled with (lb_http_accept_pick: an index, or -1). */
int lb_http_accept_lines_pick(struct MHD_Connection *c, const char *const *offers, size_t n);
/* Why the request's header fields make it malformed (RFC 9112 3.2: no Host
 * in an HTTP/1.1 request, or more than one Host line; 5.1: a field name that
 * is not a token, whitespace before the colon above all), or NULL when they
 * do not.  libmicrohttpd (0.9.75, not strict) lets all of these through. */
const char *lb_http_fields_bad(struct MHD_Connection *c, bool http11);

/* ---- conns.c: open connections and the request-header deadline ---- */

/*
 * An open connection (conn_cb's socket context), and the request that uri_cb
 * set up but access_cb has not yet seen (unclaimed).  A connection closed
 * before its request's headers are in (the reaper cut it; the client left;
 * libmicrohttpd gave up on it without answering) gets neither access_cb nor
 * completed_cb (libmicrohttpd does call completed_cb for the requests it
 * answers itself after uri_cb, 431 and 400; those it answers before, 414
 * and 505, make no request here: server.c's log_cb counts them): conn_cb
 * ends such a request when the
 * connection closes (counted as 408 when cut, else 431), or it would leak
 * and hold `inflight` up, and the shutdown would wait the whole drain for
 * it.  (Query arguments no longer fill a connection's memory: uri_cb leaves
 * libmicrohttpd none to parse.)
 *
 * A request's line and headers must arrive within o.timeout_secs of their
 * start.  libmicrohttpd's timeout is an idle one: a client sending one byte
 * every few seconds held its connection for good, and max_conns of them (503
 * to everyone else) took the server.  The reaper (a thread of its own, every
 * 250 ms) shuts such a connection down.  The first request's time starts when
 * the connection opens; a later one's when its first byte arrives (the
 * reaper sees it in TCP_INFO), so the idle time between keep-alive requests,
 * libmicrohttpd's to bound, is not taken from the next request's time.
 */
struct conn {
	struct req *unclaimed;
	/* -1: the request's headers are in (or the connection was cut); else
	 * the monotonic milliseconds when the wait began, times 2, plus 1 once
	 * the request has begun (its time runs from there) */
	atomic_llong wait;
	atomic_bool cut;               /* the reaper shut it down: a request
					* access_cb never saw ends as 408 */
	int fd;
	bool peer_counted;             /* in h->peers under peer (--max-conns-per-ip) */
	struct sockaddr_storage peer;
	struct conn *prev, *next;      /* h->conns, under h->conn_lock */
};

/* The wait for a request's headers begins: begun = its time runs from now
 * (a new connection), else from its first byte (after an answer). */
void lb_http_conn_wait(struct conn *cn, bool begun);
/* The request's headers are in (or the connection is being closed): no
 * deadline until the next lb_http_conn_wait. */
void lb_http_conn_claimed(struct conn *cn);
/* The reaper thread (arg: the lb_http_t), until h->stopping. */
void *lb_http_reaper_main(void *arg);

/* ---- peers.c: open connections per client address (--max-conns-per-ip) ---- */

typedef struct lb_peers lb_peers_t;

/* A table that lets at most max_each (>= 1) connections of one address in;
 * NULL without memory.  Thread-safe.  IPv4 and IPv4-mapped IPv6 addresses
 * of one host are one client; other families are never limited. */
lb_peers_t *lb_peers_new(unsigned max_each);
void lb_peers_free(lb_peers_t *p);
/* True if sa has fewer than max_each connections counted (a check only;
 * NULL p: always). */
bool lb_peers_room(lb_peers_t *p, const struct sockaddr *sa);
/* Count a connection of sa: 1 (counted: lb_peers_give it back when it
 * closes), -1 (sa has max_each already: not counted, to be refused), 0 (not
 * counted and let in: NULL p, a family without addresses, no memory). */
int lb_peers_take(lb_peers_t *p, const struct sockaddr *sa);
/* A counted connection of sa closed. */
void lb_peers_give(lb_peers_t *p, const struct sockaddr *sa);
/* The connections of sa counted now (tests). */
unsigned lb_peers_count(lb_peers_t *p, const struct sockaddr *sa);

/* ---- tls.c: the HTTPS credentials (one HTTPS server per process) ---- */

/* Load the PEM chain and key; *callback = the GnuTLS retrieve function to
 * give libmicrohttpd (MHD_OPTION_HTTPS_CERT_CALLBACK).  LB_EINVAL with *msg
 * when a file is unreadable, the key is not the certificate's, or another
 * HTTPS server of this process holds the credentials. */
int lb_tls_open(const char *cert_file, const char *key_file, void **callback, const char **msg);
/* Load them again: new sessions get the new ones; on an error (*msg) the
 * old ones stay. */
int lb_tls_reload(const char *cert_file, const char *key_file, const char **msg);
/* After the daemon stopped: free every generation. */
void lb_tls_close(void);

#endif
