/*
 * window.h - the aggregation window in front of the store, and the small
 * ingest API the capture/tap/import commands use.
 *
 * Usage (what `lookback capture -r FILE --db DIR` does):
 *
 *	lb_ingest_t *ing;
 *	int err = lb_ingest_open("var/db", "sensor1", NULL, &ing);   // creates the store if missing
 *	if (err) { fprintf(stderr, "%s\n", lb_ingest_errmsg(ing, err)); lb_ingest_close(ing); ... }
 *	lb_obs_sink_t sink = lb_ingest_sink(ing);
 *	... lb_obs_from_msg(msg, &ts, NULL, NULL, &scratch, &sink, &stats) for each response ...
 *	err = lb_ingest_close(ing);   // flushes the window, commits, closes; 0 or an error
 *
 * Which observations are kept (the window applies this, so every source
 * gets the same rule):
 *  - class IN only;
 *  - bailiwick unknown (NULL): the answer section only, and of it only the
 *    RRsets on the question's chain (obs.h `unrelated`: an answer off it is
 *    what a forged response slips in; counted as drop_unrelated);
 *  - bailiwick known: answer, authority and additional RRsets whose owner is
 *    at or below the bailiwick (records outside it are not trusted and dropped).
 *  - negative observations: all (class IN).
 *
 * Memory: at most max_entries aggregated entries and max_bytes of key bytes
 * (each entry a 40-byte record besides its key, plus a hash table of
 * 2 * max_entries 8-byte slots); the window flushes everything
 * to the store when either is reached, when the observation clock has moved
 * flush_secs past the window's first entry, and when lb_window_tick's wall
 * clock has moved flush_secs past the moment that entry came.
 *
 * Durability: everything flushed is in RocksDB's write-ahead log before the
 * flush returns.  With a store, a flush the window starts itself (a bound
 * reached) is written by a flusher thread while the next window fills; every
 * other call (lb_window_flush, tick, stats, free, lb_ingest_add) first waits
 * for it, and lb_window_get_stats counts a flush once it is written.
 * Observations are staged up to 16 at a time before they are folded (their
 * memory is fetched ahead); every call above folds what is staged first.  A
 * kill -9 loses at most the unflushed window, the one being written and the
 * staged observations: at most 2 * max_entries entries / flush_secs seconds
 * of observations, and 16 more.  Memory: two arenas (the slots are shared;
 * one arena and no flusher thread with input_waits on one processor).
 *
 * Errors inside the sink callbacks (which return nothing) are sticky:
 * lb_window_err() / the flush and close return values report them.
 */
#ifndef LB_OBSERVE_WINDOW_H
#define LB_OBSERVE_WINDOW_H

#include <stddef.h>
#include <stdint.h>

#include "observe/obs.h"
#include "store/store.h"
#include "util/err.h"

typedef struct lb_window lb_window_t;

typedef struct lb_window_opts {
	size_t max_entries;   /* default 262144 */
	size_t max_bytes;     /* key bytes; default 32 MiB */
	uint32_t flush_secs;  /* default 60 */
	const char *sensor;   /* used when an observation carries none; may be NULL */
	/* 1: the input waits while a flush runs (a file or a pipe, not a live
	 * interface or socket).  Then, when the process may run on one
	 * processor only (lb_cpu_count() when the window is made), a flush the
	 * window starts itself runs in the caller's thread: no flusher thread
	 * and no second arena.  On one processor that thread runs nothing in
	 * parallel; it costs the second arena's pages (zeroed by the kernel on
	 * first use) and the switches: 2M-packet captures into a new store,
	 * taskset -c 0, 5 runs each, median 2.97 -> 2.80 s (unique), 1.15 ->
	 * 1.05 s (repetitive), 30 MB less. */
	int input_waits;
} lb_window_opts_t;

typedef struct lb_window_stats {
	uint64_t rrsets_in, negatives_in;   /* observations offered */
	uint64_t kept, folded;              /* new entries / folded into an existing entry */
	uint64_t drop_class, drop_section, drop_bailiwick, drop_invalid, drop_unrelated;
	uint64_t drop_truncated; /* a set a TC response may have cut (obs.h truncated) */
	uint64_t flushes, flushed_entries;
	size_t entries, bytes;              /* current */
	size_t peak_bytes;                  /* peak memory of the window (all allocations) */
	int background;                     /* 1: its own flushes run in a flusher thread */
} lb_window_stats_t;

/* Create a window writing into store (borrowed: must outlive the window).  o may be NULL. */
LB_WUR int lb_window_new(lb_store_t *store, const lb_window_opts_t *o, lb_window_t **out);

/*
 * Where a flush goes instead of a store (a sensor sending to a collector,
 * sensor/sensor.h): add() gets every aggregated record exactly as
 * lb_store_add() would (RRSET and NEG entries with their counters and one
 * day run, then one SENSOR record per source), commit() ends the flush.
 * Both return 0 or a negative code (sticky in the window).  The record's
 * pointers are valid only during the add() call.
 */
typedef struct lb_window_out {
	int (*add)(void *ctx, const lb_store_rec_t *rec);
	int (*commit)(void *ctx);
	void *ctx;
} lb_window_out_t;

/* Create a window flushing into out (copied; out->ctx borrowed).  o may be NULL. */
LB_WUR int lb_window_new_out(const lb_window_out_t *out, const lb_window_opts_t *o,
			     lb_window_t **w);
/* Flush and free; returns the flush error (or the sticky error).  NULL-safe. */
int lb_window_free(lb_window_t *w);

/* Sink entry points (ctx = the window), and a sink made of them. */
void lb_window_rrset(void *ctx, const lb_obs_rrset_t *o);
void lb_window_negative(void *ctx, const lb_obs_neg_t *o);
lb_obs_sink_t lb_window_sink(lb_window_t *w);

/* Flush every entry into the store and commit. */
LB_WUR int lb_window_flush(lb_window_t *w);
/* Tell the window the wall-clock time (time(NULL)); flushes when flush_secs
 * have passed on that clock since the window's first entry came.  (The
 * observations' own clock flushes too, in the sink; a tick measures real time,
 * so data replayed with old timestamps is not flushed at every tick.) */
LB_WUR int lb_window_tick(lb_window_t *w, uint64_t now);
/* The sticky error of the sink callbacks, 0 if none. */
int lb_window_err(const lb_window_t *w);
void lb_window_get_stats(const lb_window_t *w, lb_window_stats_t *st);

/* The ingest API: a store plus a window. */
typedef struct lb_ingest lb_ingest_t;
/* Open/create the store in dir; sensor names this source (may be NULL). o may be NULL.
 * On error *out may be set (for lb_ingest_errmsg) and must be closed. */
LB_WUR int lb_ingest_open(const char *dir, const char *sensor, const lb_window_opts_t *o,
			  lb_ingest_t **out);
lb_obs_sink_t lb_ingest_sink(lb_ingest_t *ing);
/* Same as lb_ingest_open, but the window flushes into out instead of a store
 * (lb_ingest_store() is then NULL). */
LB_WUR int lb_ingest_open_out(const lb_window_out_t *out, const char *sensor,
			      const lb_window_opts_t *o, lb_ingest_t **ing);
lb_window_t *lb_ingest_window(lb_ingest_t *ing);
/* The store, or NULL for an ingest opened with lb_ingest_open_out(). */
lb_store_t *lb_ingest_store(lb_ingest_t *ing);
/* Add an already aggregated record (an imported COF or zone entry) past the
 * window: into the store, or into the out of lb_ingest_open_out(). */
LB_WUR int lb_ingest_add(lb_ingest_t *ing, const lb_store_rec_t *rec);
const char *lb_ingest_errmsg(const lb_ingest_t *ing, int err);
/* Flush, commit, close, free.  NULL-safe.  Returns the first error. */
int lb_ingest_close(lb_ingest_t *ing);
/* The same after an error prev met while ingesting (0: none): returns prev,
 * or else the first error of the close, and its text in msg[n] - the
 * store's, with the reason, which lb_ingest_errmsg cannot give once the
 * store is closed.  NULL-safe. */
int lb_ingest_finish(lb_ingest_t *ing, int prev, char *msg, size_t n);

#endif
