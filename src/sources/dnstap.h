/*
 * dnstap.h - dnstap over Frame Streams: files, unix and TCP sockets.
 *
 * Three layers, each usable alone:
 *
 *  1. Frames (fstrm_frame.c).  lb_fstrm_next() cuts one Frame Streams frame
 *     out of a byte buffer: a 32-bit big-endian length then the payload; a
 *     length of 0 escapes a control frame (32-bit length <= 512, 32-bit type,
 *     then fields: 32-bit field type, 32-bit length, bytes).  A connection
 *     (lb_fstrm_conn_t) runs the protocol over a stream of bytes:
 *       unidirectional (files):   START[content type] data... STOP
 *       bidirectional (sockets):  READY -> (we) ACCEPT, START, data..., STOP -> (we) FINISH
 *     It keeps at most one frame of input (grown on demand up to the data
 *     frame cap) and hands data frames to a callback.  Oversized data frames
 *     are skipped and counted; protocol violations end the stream.
 *
 *  2. dnstap (dnstap.c, dnstap_pb.c).  lb_dnstap_t decodes one data frame
 *     (the protobuf Dnstap message of proto/dnstap.proto, with our own
 *     allocation-free wire decoder; the protobuf-c code generated from the
 *     same schema is kept as the independent cross-check of tests and fuzzing)
 *     and turns it into observations through lb_proc_t:
 *       RESOLVER/AUTH/FORWARDER_RESPONSE: bailiwick = query_zone (validated
 *         wire name); RRsets whose owner is not at or below it are dropped
 *         (counted, observe/bailiwick.h).  No query_zone: answer section only,
 *         bailiwick unknown.
 *       CLIENT_RESPONSE (and other responses): answer section only, bailiwick
 *         unknown.
 *       queries: counted, not stored.
 *     The sighting's time: response_time, else query_time, else now (a time
 *     field of 0 or past LB_TIME_MAX counts as absent).
 *
 *  3. Listener (fstrm_server.c).  lb_tap_server_t accepts Frame Streams
 *     clients on unix and TCP sockets, all in one poll() loop on one thread;
 *     a client that breaks the protocol is disconnected without harming the
 *     others.
 *
 * Threading: none of these objects is shared between threads.
 */
#ifndef LB_SOURCES_DNSTAP_H
#define LB_SOURCES_DNSTAP_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "observe/obs.h"
#include "util/err.h"
#include "util/stats.h"

#define LB_FSTRM_CONTROL_MAX 512             /* control frame payload cap (fstrm) */
#define LB_FSTRM_DATA_MAX_DEFAULT (256 * 1024)
#define LB_FSTRM_DATA_MAX_LIMIT (16 * 1024 * 1024)
#define LB_DNSTAP_CONTENT_TYPE "protobuf:dnstap.Dnstap"

enum lb_fstrm_ctl {
	LB_FSTRM_ACCEPT = 1,
	LB_FSTRM_START = 2,
	LB_FSTRM_STOP = 3,
	LB_FSTRM_READY = 4,
	LB_FSTRM_FINISH = 5,
};
#define LB_FSTRM_FIELD_CONTENT_TYPE 1

/* Why a frame, stream or dnstap message was refused.  Names are stable. */
enum lb_tap_bad {
	LB_TAP_BAD_FRAME_TOO_BIG = 0, /* data frame above the cap (skipped) */
	LB_TAP_BAD_CONTROL_TOO_BIG,   /* control frame above 512 bytes (stream ended) */
	LB_TAP_BAD_CONTROL,           /* malformed control frame or unknown type (stream ended) */
	LB_TAP_BAD_SEQUENCE,          /* frame not allowed in this state (stream ended) */
	LB_TAP_BAD_CONTENT_TYPE,      /* content type other than protobuf:dnstap.Dnstap (ended) */
	LB_TAP_BAD_TRUNCATED,         /* stream ended inside a frame or without STOP */
	LB_TAP_BAD_PROTOBUF,          /* data frame is not a Dnstap protobuf */
	LB_TAP_BAD_NOT_MESSAGE,       /* Dnstap without type MESSAGE / without message */
	LB_TAP_BAD_NO_DNS,            /* response without response_message */
	LB_TAP_BAD_ZONE,              /* query_zone not a valid wire name (message skipped) */
	LB_TAP_BAD__COUNT
};

const char *lb_tap_bad_name(enum lb_tap_bad r);

#define LB_DNSTAP_NTYPES 15 /* Message.Type 1..14; index 0 = unknown values */

typedef struct lb_tap_stats {
	uint64_t bytes;            /* stream bytes consumed */
	uint64_t data_frames;      /* data frames handed to the dnstap decoder */
	uint64_t control_frames;
	uint64_t streams;          /* files / connections that completed the handshake */
	uint64_t streams_finished; /* ... that ended with STOP */
	uint64_t streams_unfinished; /* connections closed between frames without
				      * STOP (a writer that exits without stopping
				      * its stream, as PowerDNS Recursor's do:
				      * nothing of it is lost) */
	uint64_t clients_refused;  /* connections refused (client limit) */
	uint64_t clients_dropped;  /* connections closed for a protocol violation */
	uint64_t clients_timed_out; /* connections closed for not starting their
				     * stream within the handshake time */
	uint64_t clients_evicted;  /* quiet connections closed to make room for a
				    * new one at the client limit */
	uint64_t messages;         /* Dnstap MESSAGEs decoded */
	uint64_t by_type[LB_DNSTAP_NTYPES];
	uint64_t queries;          /* *_QUERY messages (counted only) */
	uint64_t responses;        /* *_RESPONSE messages handed to the DNS parser */
	uint64_t with_bailiwick;   /* ... of which carried a valid query_zone */
	uint64_t no_bailiwick;     /* ... of which were answer-only, bailiwick unknown */
	uint64_t out_of_bailiwick; /* RRsets dropped: owner not at or below query_zone */
	uint64_t not_answer;       /* RRsets dropped: bailiwick unknown and not in the answer section */
	uint64_t neg_out_of_bailiwick; /* negative answers dropped: name not at or below query_zone */
	uint64_t rrsets_kept;      /* RRsets passed on to the sink */
	uint64_t bad[LB_TAP_BAD__COUNT];
} lb_tap_stats_t;

/* Print "dnstap_<name> value" lines (zero bad reasons and types omitted). */
void lb_tap_stats_print(const lb_tap_stats_t *s, FILE *out);

/* ---- 1. frames ---------------------------------------------------------- */

typedef struct lb_fstrm_frame {
	bool control;
	uint32_t ctype;            /* control type (control frames) */
	const uint8_t *data;       /* data frame payload (borrowed from the buffer) */
	size_t len;                /* payload length (data) / control payload length */
	unsigned ncontent_types;   /* CONTENT_TYPE fields seen (control) */
	bool dnstap_ct;            /* one of them is protobuf:dnstap.Dnstap */
} lb_fstrm_frame_t;

/*
 * Cut the next frame out of buf[0, len).  Returns:
 *   > 0  a whole frame was parsed into *f; the value is the bytes it used;
 *   0    more bytes are needed (buf holds a prefix of a frame);
 *   LB_ELIMIT  data frame longer than data_max (*f->len = its length, the
 *              caller may skip 4 + len bytes) or control frame above 512;
 *   LB_ERDATA  malformed control frame (length < 4, field overrun, unknown
 *              field with bad length).
 * Control frames are parsed whole; their payload is not kept.
 */
LB_WUR long lb_fstrm_next(const uint8_t *buf, size_t len, size_t data_max, lb_fstrm_frame_t *f);

/* Encode a control frame (with an optional content type) into out; returns
 * its length or LB_ESPACE. */
LB_WUR int lb_fstrm_control(uint32_t ctype, const char *content_type, uint8_t *out, size_t outsz);

typedef struct lb_fstrm_conn lb_fstrm_conn_t;

/* Called for every data frame; payload valid only during the call. */
typedef void (*lb_fstrm_data_fn)(void *ctx, const uint8_t *payload, size_t len);

/*
 * A Frame Streams reader over a byte stream.  bidi selects the socket
 * handshake (READY/ACCEPT ... STOP/FINISH); otherwise START ... STOP.
 * data_max 0 means LB_FSTRM_DATA_MAX_DEFAULT (capped at LB_FSTRM_DATA_MAX_LIMIT).
 * st (borrowed) receives frame counters and bad reasons.  NULL on ENOMEM.
 */
lb_fstrm_conn_t *lb_fstrm_conn_new(bool bidi, size_t data_max, lb_fstrm_data_fn fn, void *ctx,
				   lb_tap_stats_t *st);
void lb_fstrm_conn_free(lb_fstrm_conn_t *c); /* NULL-safe */

/*
 * Space to read the next input into: *p, returns its size (> 0 unless the
 * connection is done or failed).  Then lb_fstrm_conn_commit(c, n) with the
 * number of bytes written there; it parses every whole frame.
 */
size_t lb_fstrm_conn_space(lb_fstrm_conn_t *c, uint8_t **p);

/*
 * Parse n new bytes.  Returns 0 while the stream goes on, 1 once it ended
 * cleanly (STOP seen; a bidirectional conn then has FINISH pending), or a
 * negative error after a violation (counted in st; the stream is dead).
 */
LB_WUR int lb_fstrm_conn_commit(lb_fstrm_conn_t *c, size_t n);

/* Copy-in convenience: feeds len bytes through space/commit. Same returns. */
LB_WUR int lb_fstrm_conn_feed(lb_fstrm_conn_t *c, const uint8_t *data, size_t len);

/* Input ended (EOF): counts LB_TAP_BAD_TRUNCATED if inside a frame or before STOP.
 * Returns 1 if the stream had ended cleanly, else LB_ETRUNC. */
int lb_fstrm_conn_eof(lb_fstrm_conn_t *c);
/* A connection closed (sockets; a file's end is lb_fstrm_conn_eof): a stream
 * closed between two frames after its START but without STOP is counted in
 * streams_unfinished and returns 0; else as lb_fstrm_conn_eof. */
int lb_fstrm_conn_closed(lb_fstrm_conn_t *c);

/* Reply bytes to send (ACCEPT, FINISH) for bidirectional conns; after they
 * are written, lb_fstrm_conn_sent(c, n). */
size_t lb_fstrm_conn_pending(const lb_fstrm_conn_t *c, const uint8_t **p);
void lb_fstrm_conn_sent(lb_fstrm_conn_t *c, size_t n);
/* The stream has started (its START came): data may follow. */
bool lb_fstrm_conn_started(const lb_fstrm_conn_t *c);

/* ---- 2. dnstap -> observations ------------------------------------------ */

/*
 * One decoded Dnstap message.  Our own protobuf wire decoder (dnstap_pb.c)
 * fills it without allocating: every bytes field points into the frame it
 * was decoded from and is valid as long as that frame is.
 *
 * Protobuf rules applied: varints of at most 10 bytes whose value fits in 64
 * bits (uint32 and enum fields keep the low 32 bits, as protobuf does);
 * length-delimited fields bounded by their parent; unknown fields skipped by
 * wire type (0 varint, 1 64-bit, 2 length-delimited, 5 32-bit); groups (3, 4),
 * wire types 6/7, field number 0 and a known field with the wrong wire type
 * are errors; a field given twice: the last one wins, and an embedded message
 * given twice (Dnstap.message, Message.policy) is merged field by field, each
 * occurrence checked on its own (its required fields present).
 */
typedef struct lb_dnstap_bytes {
	const uint8_t *data; /* into the frame; NULL iff the field is absent (len 0 = present, empty) */
	size_t len;
} lb_dnstap_bytes_t;

/* Presence bits of the scalar and message fields (lb_dnstap_msg_t.has). */
enum lb_dnstap_has {
	LB_DT_HAS_MESSAGE = 1u << 0,        /* Dnstap.message */
	LB_DT_HAS_SOCKET_FAMILY = 1u << 1,
	LB_DT_HAS_SOCKET_PROTOCOL = 1u << 2,
	LB_DT_HAS_QUERY_PORT = 1u << 3,
	LB_DT_HAS_RESPONSE_PORT = 1u << 4,
	LB_DT_HAS_QUERY_TIME_SEC = 1u << 5,
	LB_DT_HAS_QUERY_TIME_NSEC = 1u << 6,
	LB_DT_HAS_RESPONSE_TIME_SEC = 1u << 7,
	LB_DT_HAS_RESPONSE_TIME_NSEC = 1u << 8,
	LB_DT_HAS_HTTP_PROTOCOL = 1u << 9,
	LB_DT_HAS_POLICY = 1u << 10,        /* Message.policy */
	LB_DT_HAS_POLICY_ACTION = 1u << 11,
	LB_DT_HAS_POLICY_MATCH = 1u << 12,
};

/* Why the wire decoder refused a payload (lb_dnstap_msg_t.why). Names stable. */
enum lb_dnstap_why {
	LB_DT_WHY_NONE = 0,
	LB_DT_WHY_TRUNCATED,       /* a field or varint runs past its parent (LB_ETRUNC) */
	LB_DT_WHY_VARINT_LONG,     /* varint longer than 10 bytes */
	LB_DT_WHY_VARINT_OVERFLOW, /* 10-byte varint whose value does not fit in 64 bits */
	LB_DT_WHY_FIELD_ZERO,      /* field number 0 */
	LB_DT_WHY_GROUP,           /* wire type 3 or 4 (groups) */
	LB_DT_WHY_WIRE_TYPE,       /* wire type 6 or 7 */
	LB_DT_WHY_WRONG_TYPE,      /* known field with another wire type than its schema */
	LB_DT_WHY_REQUIRED,        /* Dnstap.type or Message.type missing */
	LB_DT_WHY__COUNT
};
const char *lb_dnstap_why_name(int why);

typedef struct lb_dnstap_msg {
	uint32_t has;                 /* LB_DT_HAS_* */
	int why;                      /* enum lb_dnstap_why after a failed decode */
	/* Dnstap */
	int dnstap_type;              /* Dnstap.type as read (1 = MESSAGE) */
	lb_dnstap_bytes_t identity, version, extra;
	unsigned message_count;       /* Dnstap.message occurrences (merged) */
	/* Message */
	int type;                     /* Message.Type, 1..14 (other values kept as read) */
	int socket_family, socket_protocol, http_protocol;
	lb_dnstap_bytes_t query_address, response_address;
	uint32_t query_port, response_port;
	uint64_t query_time_sec, response_time_sec;
	uint32_t query_time_nsec, response_time_nsec;
	lb_dnstap_bytes_t query_message;
	lb_dnstap_bytes_t query_zone; /* as sent (not validated) */
	lb_dnstap_bytes_t response_message;
	/* Message.policy */
	unsigned policy_count;        /* occurrences, over all Message occurrences */
	lb_dnstap_bytes_t policy_type, policy_rule, policy_value;
	int policy_action, policy_match;
} lb_dnstap_msg_t;

/*
 * Decode one Dnstap protobuf (a data frame payload) into *m.  No allocation,
 * no state: safe on any bytes.  Returns 0; LB_ENOENT when it is a valid
 * Dnstap but not a MESSAGE or without message; LB_ETRUNC or LB_ERDATA when it
 * is not a valid Dnstap protobuf (m->why says why; other fields undefined).
 */
LB_WUR int lb_dnstap_parse(const uint8_t *buf, size_t len, lb_dnstap_msg_t *m);

/*
 * The independent cross-check (dnstap_pbc.c): the same payload decoded by the
 * protobuf-c code generated from proto/dnstap.proto, into *m (bytes fields
 * point into *keep, which lb_dnstap_pbc_free() releases; NULL-safe).
 * 0 if protobuf-c accepted it (whatever Dnstap.type), LB_ERDATA if it refused.
 */
LB_WUR int lb_dnstap_parse_pbc(const uint8_t *buf, size_t len, lb_dnstap_msg_t *m, void **keep);
void lb_dnstap_pbc_free(void *keep);

/*
 * Compare our decoding (ours, return code rc_ours) with protobuf-c's
 * (pbc, rc_pbc) of the same payload.  0 when they agree: protobuf-c refused
 * it (we may accept or refuse), or both accepted it with the same fields
 * present, values and bytes, or we refused it for a rule protobuf-c does not
 * enforce (varint overflow, field number 0).  Otherwise -1 and a description
 * in why[whysz].  Known protobuf-c behaviour allowed for: in a merged
 * (repeated) embedded message, an empty bytes field does not replace an
 * earlier non-empty one.
 */
int lb_dnstap_msg_compare(int rc_ours, const lb_dnstap_msg_t *ours, int rc_pbc,
			  const lb_dnstap_msg_t *pbc, char *why, size_t whysz);

typedef struct lb_dnstap lb_dnstap_t;

/* sink is copied (NULL callbacks allowed); sensor borrowed; dns receives the DNS
 * parser's counters, tap the dnstap ones (both borrowed, not NULL). */
lb_dnstap_t *lb_dnstap_new(const lb_obs_sink_t *sink, const char *sensor, lb_stats_t *dns,
			   lb_tap_stats_t *tap);
void lb_dnstap_free(lb_dnstap_t *d); /* NULL-safe */

/* The tap counters given to lb_dnstap_new(). */
lb_tap_stats_t *lb_dnstap_stats(lb_dnstap_t *d);

/* lb_dnstap_parse() (d is not used; kept for callers of the older API).  0,
 * LB_ERDATA / LB_ETRUNC (not a Dnstap protobuf) or LB_ENOENT (not a MESSAGE).
 * Counts nothing. */
LB_WUR int lb_dnstap_decode(lb_dnstap_t *d, const uint8_t *buf, size_t len, lb_dnstap_msg_t *m);

/* Decode and observe one data frame (an lb_fstrm_data_fn with ctx = d).  Bad
 * input is counted in the tap stats and skipped. */
void lb_dnstap_frame(void *d, const uint8_t *payload, size_t len);

/* Short name of a Message.Type ("RESOLVER_RESPONSE"), "UNKNOWN" otherwise. */
const char *lb_dnstap_type_name(int type);

/* Read a dnstap Frame Streams file (fd, e.g. 0 for stdin) to its end, plain
 * or gzip / zstd / xz compressed (util/zread.h: told by its first bytes).
 * 0 on a clean stream, LB_ETRUNC / LB_ERDATA / LB_ELIMIT on a broken one (what
 * came before still counted), LB_ECORRUPT on a cut or damaged compressed
 * one, LB_EIO on read errors.  stop (may be NULL) ends it early. */
LB_WUR int lb_dnstap_read_fd(lb_dnstap_t *d, int fd, size_t data_max, volatile sig_atomic_t *stop);
/* The same, calling idle(ctx) after each read and at least every 250 ms while
 * the input is quiet (a pipe from a resolver) or a signal interrupts the wait:
 * where a caller ticks its aggregation window and answers SIGHUP. */
LB_WUR int lb_dnstap_read_fd_idle(lb_dnstap_t *d, int fd, size_t data_max,
				  volatile sig_atomic_t *stop, void (*idle)(void *), void *ctx);

/* ---- 3. listener -------------------------------------------------------- */

typedef struct lb_tap_server lb_tap_server_t;

typedef struct lb_tap_server_opts {
	const char *unix_path;   /* listen on this unix socket (replaced if stale), or NULL */
	const char *tcp_addr;    /* "ADDR:PORT" ("[v6]:PORT"), or NULL */
	size_t data_max;         /* 0 = default */
	unsigned max_clients;    /* 0 = 256 */
	unsigned handshake_secs; /* a client that has not started its stream
				  * (READY/START) by then is closed; 0 = 10 */
} lb_tap_server_opts_t;

/* Opens the listeners.  On error *errbuf (256 bytes) says why. */
LB_WUR int lb_tap_server_new(const lb_tap_server_opts_t *o, lb_dnstap_t *d,
			     lb_tap_server_t **out, char *errbuf);
/* The bound TCP port (useful with port 0), 0 if none. */
int lb_tap_server_tcp_port(const lb_tap_server_t *s);
/* Serve until *stop becomes non-zero.  after_batch (may be NULL) runs after each
 * poll round: one that handled input, and every 250 ms while all is quiet or a
 * signal interrupts the wait (e.g. to flush output, tick a window). */
LB_WUR int lb_tap_server_run(lb_tap_server_t *s, volatile sig_atomic_t *stop,
			     void (*after_batch)(void *), void *ctx);
/* Number of connected clients. */
unsigned lb_tap_server_clients(const lb_tap_server_t *s);
/* Closes everything, unlinks the unix socket it created.  NULL-safe. */
void lb_tap_server_free(lb_tap_server_t *s);

#endif
