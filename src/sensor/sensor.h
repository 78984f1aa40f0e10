/*
 * sensor.h - sensors feeding a collector: the wire protocol (wire.c), the
 * sending side with its spool (sender.c) and the collector's ingest listener
 * (collector.c).  docs/SENSOR.md describes the protocol byte by byte.
 *
 * Sensor (what `lookback capture|tap|import --send HOST:PORT` does):
 *
 *	lb_sender_opts_t so = { .addr = "127.0.0.1:8054", .spool_dir = "var/spool" };
 *	lb_sender_t *snd;
 *	int err = lb_sender_open(&so, &snd, errbuf);      // starts the sending thread
 *	lb_window_out_t out = lb_sender_out(snd);
 *	lb_ingest_t *ing;
 *	err = lb_ingest_open_out(&out, "sensor1", NULL, &ing);  // window -> sender
 *	... observations into lb_ingest_sink(ing) ...
 *	err = lb_ingest_close(ing);                        // last window flush -> last batch
 *	err = lb_sender_close(snd, 0, &stop_flag, &st);    // wait until acknowledged
 *
 * The window folds observations exactly as it does in front of a store; each
 * flush becomes one or more batches (sealed at LB_WIRE_BATCH_TARGET bytes).
 * Every sealed batch is first put in the spool (files in spool_dir, or memory
 * without one), then sent; a batch leaves the spool only when the collector
 * acknowledges that it is committed to its store.  The spool is bounded
 * (spool_max bytes): when a new batch does not fit, the OLDEST batches are
 * dropped and counted (dropped_batches/dropped_records), those not sent yet
 * before those in flight (sent, their ack awaited).  A sensor restarted
 * with the same spool_dir sends what its predecessor left there first.
 *
 * Collector (what `lookback serve --ingest HOST:PORT` does): one thread, one
 * poll loop over the listening socket and its clients; the only writer of the
 * store.  A batch is decoded whole (every record checked) before anything is
 * written; then its records go to lb_store_add() with a delivery bookmark for
 * the sensor's stream, one lb_store_commit(), and only then the ack.  The
 * bookmark makes redelivery idempotent: a batch whose sequence number is not
 * above the stream's committed one is acknowledged without being written
 * again, so nothing is counted twice when an ack was lost to a crash.  A batch
 * the store refuses is dropped whole (lb_store_discard) and answered RETRY,
 * and the connection closed: no batch behind it may pass it.
 *
 * Threads: a sender is used by one thread (plus its own sending thread);
 * lb_sender_get_stats may be called from any thread.  The collector's thread
 * writes the store; lookups may iterate it concurrently (store.h).
 */
#ifndef LB_SENSOR_SENSOR_H
#define LB_SENSOR_SENSOR_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "observe/window.h"
#include "store/store.h"
#include "util/cursor.h"
#include "util/err.h"

/* ---- wire format (wire.c) ---- */

#define LB_WIRE_VERSION 1
#define LB_WIRE_MAGIC "LBSW"
/* Largest frame body (type byte included) either side accepts. */
#define LB_WIRE_FRAME_MAX (4u << 20)
/* A batch is sealed once its records reach this many bytes. */
#define LB_WIRE_BATCH_TARGET (1u << 20)
/* ... or this many records. */
#define LB_WIRE_BATCH_RECS 16384
/* Longest API key in a hello. */
#define LB_WIRE_KEY_MAX 128
/* Bytes before the records of a BATCH frame: len4 type1 seq8 nrec4. */
#define LB_WIRE_BATCH_HDR 17

enum lb_wire_type {
	LB_WIRE_HELLO = 1,   /* sensor -> collector */
	LB_WIRE_WELCOME = 2, /* collector -> sensor */
	LB_WIRE_BATCH = 3,   /* sensor -> collector */
	LB_WIRE_ACK = 4,     /* collector -> sensor */
	LB_WIRE_ERROR = 5,   /* collector -> sensor, then close */
};

enum lb_wire_ack {
	LB_ACK_COMMITTED = 0, /* written and committed now */
	LB_ACK_DUPLICATE = 1, /* committed before (seq not above the stream's bookmark) */
	LB_ACK_RETRY = 2,     /* store error: keep the batch, send it again later */
};

enum lb_wire_errcode {
	LB_WERR_VERSION = 1, /* protocol version not spoken */
	LB_WERR_AUTH = 2,    /* key missing or unknown */
	LB_WERR_FRAME = 3,   /* malformed or oversized frame */
	LB_WERR_BUSY = 4,    /* too many clients */
};

typedef struct lb_wire_hello {
	uint16_t version;
	uint64_t stream;                  /* the sender's stream id (nonzero) */
	char key[LB_WIRE_KEY_MAX + 1];    /* "" = none */
	char sensor[LB_STORE_SENSOR_MAX + 1];
} lb_wire_hello_t;

/* Growable output buffer (sticky LB_ENOMEM / LB_ELIMIT past max). */
typedef struct lb_wbuf {
	uint8_t *p;
	size_t len, cap, max;
	int err;
} lb_wbuf_t;

void lb_wbuf_free(lb_wbuf_t *b);

/* Append whole frames. */
void lb_wire_put_hello(lb_wbuf_t *b, const lb_wire_hello_t *h);
void lb_wire_put_welcome(lb_wbuf_t *b, uint64_t committed_seq);
void lb_wire_put_ack(lb_wbuf_t *b, uint64_t seq, uint8_t status);
void lb_wire_put_error(lb_wbuf_t *b, uint16_t code, const char *text);
/* One record (RRSET, NEG or SENSOR) in batch format; LB_EINVAL for a record
 * the format cannot carry (name too long, no rdata, ...), nothing appended. */
LB_WUR int lb_wire_put_rec(lb_wbuf_t *b, const lb_store_rec_t *rec);
/* Start a batch frame (reserves the header); finish it once the records are in. */
void lb_wire_batch_begin(lb_wbuf_t *b);
void lb_wire_batch_end(lb_wbuf_t *b, uint64_t seq, uint32_t nrec);

/*
 * Split one frame off the front of [p, p+n): 1 = a frame (*type, body
 * [*body, *body + *blen), *used bytes consumed), 0 = need more bytes,
 * LB_ELIMIT = announced length over max (or 0): the stream is unusable.
 */
LB_WUR int lb_wire_frame(const uint8_t *p, size_t n, size_t max, uint8_t *type,
			 const uint8_t **body, size_t *blen, size_t *used);

/* Decode frame bodies.  LB_ETRUNC / LB_ETRAILING / LB_EVERSION / LB_ERDATA on bad bytes. */
LB_WUR int lb_wire_get_hello(const uint8_t *body, size_t n, lb_wire_hello_t *h);
LB_WUR int lb_wire_get_welcome(const uint8_t *body, size_t n, uint64_t *committed_seq);
LB_WUR int lb_wire_get_ack(const uint8_t *body, size_t n, uint64_t *seq, uint8_t *status);

/* Records of a batch body, decoded with the cursor.  Pointers in rec point
 * into the body and into the reader's scratch: valid until the next call. */
typedef struct lb_wire_reader {
	lb_cur_t c;
	uint64_t seq;
	uint32_t nrec, done;
	const uint8_t *rdata[LB_STORE_MAX_RDATA];
	uint16_t rdlen[LB_STORE_MAX_RDATA];
	char sensor[LB_STORE_SENSOR_MAX + 1];
	/* the record's source names (rec->sources) */
	char srcbuf[LB_STORE_REC_SOURCES][LB_STORE_SENSOR_MAX + 1];
	const char *srcp[LB_STORE_REC_SOURCES];
} lb_wire_reader_t;

/* Read the batch header: seq and the record count. */
LB_WUR int lb_wire_batch_open(lb_wire_reader_t *r, const uint8_t *body, size_t n);
/* 1 = a record in *rec, 0 = all nrec records read and nothing follows, < 0 = bad bytes. */
LB_WUR int lb_wire_batch_next(lb_wire_reader_t *r, lb_store_rec_t *rec);

/* "host:port" / "[v6]:port" with a numeric address -> sockaddr; 0 or LB_EINVAL. */
struct sockaddr_storage;
LB_WUR int lb_wire_parse_addr(const char *s, struct sockaddr_storage *ss, unsigned *sl);

/* ---- sender (sender.c) ---- */

#define LB_SPOOL_MAX_DEFAULT (256ull << 20)

typedef struct lb_sender_opts {
	const char *addr;        /* collector HOST:PORT (numeric) */
	const char *spool_dir;   /* NULL = spool in memory (lost if the sensor dies) */
	uint64_t spool_max;      /* bytes; 0 = LB_SPOOL_MAX_DEFAULT */
	const char *key;         /* API key, or NULL */
	const char *sensor;      /* name announced in the hello, or NULL */
	unsigned inflight;       /* batches sent ahead of their acks (default 8) */
	unsigned backoff_max_ms; /* reconnection backoff ceiling (default 10000) */
} lb_sender_opts_t;

typedef struct lb_sender_stats {
	uint64_t records, batches;             /* sealed into the spool */
	uint64_t acked_batches, acked_records; /* acknowledged by the collector */
	uint64_t duplicate_acks;               /* acknowledged as already committed */
	uint64_t dropped_batches, dropped_records; /* spool full: oldest dropped */
	uint64_t unsendable;                   /* records too big for a frame (or not representable) */
	uint64_t connects, connect_failures, disconnects;
	uint64_t bytes_sent;
	uint64_t spool_batches, spool_bytes;   /* now in the spool (unacknowledged) */
	uint64_t recovered_batches;            /* found in spool_dir at start */
	uint64_t bad_spool_files;              /* unreadable spool files removed */
	bool connected;
} lb_sender_stats_t;

typedef struct lb_sender lb_sender_t;

/* Open the spool, start the sending thread.  errbuf (256 bytes) explains errors. */
LB_WUR int lb_sender_open(const lb_sender_opts_t *o, lb_sender_t **out, char *errbuf);
/* The window output that feeds this sender. */
lb_window_out_t lb_sender_out(lb_sender_t *s);
/* Add one aggregated record / seal the current batch (what the window's out calls). */
LB_WUR int lb_sender_add(lb_sender_t *s, const lb_store_rec_t *rec);
LB_WUR int lb_sender_commit(lb_sender_t *s);
/*
 * Seal what is pending, wait until the spool is empty (everything
 * acknowledged), or wait_secs passed (0 = no limit), or *stop is set (then
 * still up to 2 more seconds); stop the thread, free.  *st gets the final
 * counters (may be NULL).  Returns 0 if everything was acknowledged, LB_EIO
 * if batches remain (still in spool_dir when there is one).  NULL-safe.
 */
int lb_sender_close(lb_sender_t *s, unsigned wait_secs, volatile sig_atomic_t *stop,
		    lb_sender_stats_t *st);
void lb_sender_get_stats(lb_sender_t *s, lb_sender_stats_t *st);
void lb_sender_stats_print(const lb_sender_stats_t *st, FILE *out);

/* ---- collector (collector.c) ---- */

typedef struct lb_collector_opts {
	const char *listen;      /* HOST:PORT (numeric; port 0 = any) */
	const char *keys_file;   /* the server's key file: required off loopback */
	unsigned max_clients;    /* default 64 */
	unsigned idle_secs;      /* a client silent this long is dropped (default 300); so is
				  * one whose frame has not come whole this long after
				  * its first byte (a byte a minute keeps no one idle) */
	unsigned hello_secs;     /* a client that has not sent its hello this long after
				  * connecting is dropped (default 10) */
} lb_collector_opts_t;

typedef struct lb_collector lb_collector_t;

/* Listen and start the ingest thread writing into store (borrowed).  *msg explains errors. */
LB_WUR int lb_collector_start(lb_store_t *store, const lb_collector_opts_t *o, lb_collector_t **out,
			      const char **msg);
unsigned lb_collector_port(const lb_collector_t *c);
/* Re-read the key file; the old keys stay on error. */
LB_WUR int lb_collector_reload_keys(lb_collector_t *c, const char **msg);
/* Prometheus text of the ingest counters (for /metrics). */
void lb_collector_metrics(void *collector, FILE *out);
/* Stop the thread (pending frames are not processed: their batches are not
 * acknowledged, so sensors send them again), close everything.  NULL-safe. */
void lb_collector_stop(lb_collector_t *c);

/* Names of the delivery bookmarks the collector keeps as SENSOR records. */
#define LB_INGEST_BOOKMARK_PREFIX "@ingest:"

#endif
