/*
 * store.h - the history store: aggregated RRsets, the indexes that answer
 * lookups, negative answers and metadata, behind an engine-neutral API.
 *
 * Usage (writing is normally done through the aggregation window,
 * observe/window.h, which calls lb_store_add_* and lb_store_commit):
 *
 *	lb_store_t *s;
 *	lb_store_opts_t o = { .create = true };
 *	int err = lb_store_open("var/db", &o, &s);
 *	if (err) { fprintf(stderr, "%s\n", lb_store_errmsg(s, err)); ... }
 *	lb_store_scan_t q = { .kind = LB_SCAN_RRSET, .match = LB_MATCH_EXACT,
 *			      .name = wire, .name_len = n };
 *	lb_store_iter_t *it;
 *	err = lb_store_iter_new(s, &q, &it);
 *	lb_store_rec_t r;
 *	while ((err = lb_store_iter_next(it, &r)) > 0) { ... r valid until next call ... }
 *	lb_store_iter_free(it);
 *	lb_store_close(s);
 *
 * Engine: RocksDB (rocks.c, rocks_write.c, rocks_iter.c); the byte formats are in keys.h and docs/ARCHITECTURE.md.
 * Every value read back from disk is decoded with the bounds-checked cursor;
 * a record that does not decode is reported as LB_ECORRUPT, never trusted.
 *
 * Only class IN is stored (the window drops other classes and counts them).
 *
 * Threads: the writing calls (lb_store_add/commit/set_retention/compact) belong
 * to one thread; iterators (and lb_store_totals) may run in other threads at
 * the same time and see what was committed when they were created.
 */
#ifndef LB_STORE_STORE_H
#define LB_STORE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

/* Upper bound of day runs kept per rrset (days-active timeline).  When a
 * merge would exceed it, the two oldest runs are joined (the timeline loses
 * precision in its oldest part, never its ends). */
#define LB_STORE_MAX_RUNS 128
/* The latest sighting time the store takes: 9999-12-31T23:59:59Z.  Past it a
 * day number stops fitting a timeline's run (32 bits, with its end), so a
 * value holding such a time could not be written back by a merge: records
 * with a later time_last are refused (LB_EINVAL) and values with one do not
 * decode; the window drops such observations as invalid and the importers
 * count them as bad times.  Zone times (no timeline) are not bounded. */
#define LB_TIME_MAX 253402300799ULL
/* Upper bound of rdatas in one rrset record (matches LB_MSG_MAX_RRS). */
#define LB_STORE_MAX_RDATA 2048
/* Longest sensor/source name kept. */
#define LB_STORE_SENSOR_MAX 64
/* Source ids kept per value (the smallest ids; past it src_more is set). */
#define LB_STORE_MAX_SOURCES 16
/* Source names a record may name (lb_store_rec_t.sources). */
#define LB_STORE_REC_SOURCES 64

typedef struct lb_store lb_store_t;
typedef struct lb_store_iter lb_store_iter_t;

/* A run of consecutive active days: days since 1970-01-01 UTC, and the
 * sightings counted on those days (valid unless the value's runs_uncounted). */
typedef struct lb_dayrun {
	uint32_t start;
	uint32_t len;   /* >= 1 */
	uint64_t count; /* saturates at UINT64_MAX */
} lb_dayrun_t;

/*
 * Aggregate counters of one entry.  time_* are sensor times (Unix seconds),
 * 0/0/0 when the entry was only seen in zone data; zone_time_* are 0 when
 * never seen in a zone file.  runs: days-active (only kept for rrsets).
 */
typedef struct lb_store_val {
	uint64_t time_first, time_last, count;
	uint64_t zone_first, zone_last;
	/* The sources that saw the entry, as the store's numeric source ids
	 * (ascending, at most LB_STORE_MAX_SOURCES: the smallest ones; src_more
	 * when more sources saw it).  nsrc 0 = unknown (values written before
	 * sources were kept).  Filled by the store; lb_store_add ignores them
	 * and maps the record's source names instead. */
	uint32_t nsrc;
	uint32_t src_more;
	uint32_t src[LB_STORE_MAX_SOURCES];
	/* 1 = runs[].count unknown (values written before run counts were kept,
	 * and every merge with such a value).  0 = known: then the run counts
	 * add up (saturating) to count; a value whose counts do not add up is
	 * treated as unknown.  Zero means known so that a value built by hand
	 * with one run (zeroed up to runs, as the window does) is the usual case:
	 * its one run holds the whole count. */
	uint32_t runs_uncounted;
	uint32_t nruns;
	lb_dayrun_t runs[LB_STORE_MAX_RUNS];
} lb_store_val_t;

/* Initialise v for count sightings at time t (the day of t active, its run
 * holding count). */
void lb_store_val_seen(lb_store_val_t *v, uint64_t t, uint64_t count);
/* Fold b into a: min first, max last, sum count, union of days (the counts
 * of runs that coalesce or that the cap joins are summed; unknown when
 * either side's are), union of source ids (capped as above). */
void lb_store_val_merge(lb_store_val_t *a, const lb_store_val_t *b);
/* Are v's run counts known: not marked unknown, and they add up (saturating)
 * to its count (a single run holds the whole count). */
bool lb_store_val_runs_known(const lb_store_val_t *v);

enum lb_rec_kind { LB_REC_RRSET = 0, LB_REC_RDATA = 1, LB_REC_NEG = 2, LB_REC_SENSOR = 3 };

/*
 * One record handed out by an iterator (or to lb_store_add_*).  Pointers
 * point into the iterator's buffers and stay valid until the next
 * lb_store_iter_next() / lb_store_iter_free() on that iterator.
 *  RRSET:  owner, type, bailiwick (NULL = unknown), nrdata rdatas, val.
 *  RDATA:  owner, type, exactly one rdata, val (no bailiwick).
 *  NEG:    owner = qname, type = qtype, rcode, bailiwick (or NULL), val.
 *  SENSOR: sensor (NUL-terminated), val (newest observation = time_last).
 */
typedef struct lb_store_rec {
	enum lb_rec_kind kind;
	const uint8_t *owner;       /* wire name */
	size_t owner_len;
	const uint8_t *bailiwick;   /* wire name or NULL */
	size_t bailiwick_len;
	uint16_t type;
	uint16_t rcode;
	size_t nrdata;
	const uint8_t *const *rdata;
	const uint16_t *rdlen;
	const char *sensor;
	/* RRSET / RDATA / NEG: the names of the sources that saw it (iterators
	 * fill them from the value's ids: names the store does not know are left
	 * out; sources_more = more sources saw it than named here).  For
	 * lb_store_add: these names, or when nsources is 0 the single name
	 * `sensor`, or none.  Iterator names stay valid until the store closes. */
	const char *const *sources;
	size_t nsources;
	bool sources_more;
	lb_store_val_t val;
} lb_store_rec_t;

typedef struct lb_store_opts {
	bool create;      /* create the directory/database if missing */
	bool read_only;   /* open without taking the write lock */
	bool follow;      /* with read_only: follow another process that writes the
			   * store (a RocksDB secondary instance, its own log in a
			   * temporary directory): lb_store_catch_up brings in what
			   * that writer has committed since.  Without it a read-only
			   * store is the store as it was at open. */
	bool sync;        /* fsync the write-ahead log on every commit */
	size_t cache_mb;  /* block cache (uncompressed blocks) in MiB; 0 = LB_STORE_CACHE_MB */
	bool bulk;        /* bulk ingest with few lookups (capture/tap/import): a vector
			   * memtable, cheapest to fill; an iterator over it copies and
			   * sorts it, so a store serving lookups while it is written
			   * (serve) leaves this false: skiplist memtable */
	bool serving;     /* a long-lived writer (serve): level 0 is compacted as soon as
			   * it holds a table file (RocksDB's default waits for 4), so
			   * the uncompressed tables a bulk ingest leaves there (up to
			   * LB_BULK_L0_FILES of them) do not stay: a short-lived
			   * writer (stats) leaves this false, as its close would
			   * abandon the compaction */
	int repair;       /* open a damaged store to repair it (stats --repair), with the
			   * write lock: LB_STORE_REPAIR runs RocksDB's repairer
			   * (rocksdb_repair_db: rebuilds the engine's metadata from the
			   * table and log files it finds, moving the tables it cannot
			   * read to DIR/lost/; those that read whole are then taken
			   * back, rocks_repair.c) when the engine cannot open the directory
			   * (its CURRENT or MANIFEST lost or unreadable);
			   * LB_STORE_REPAIR_ENGINE runs it first in any case (a table
			   * whose blocks fail their checksums); and source-name entries
			   * that do not decode are skipped at open (the repair removes them) */
} lb_store_opts_t;
enum { LB_STORE_REPAIR = 1, LB_STORE_REPAIR_ENGINE = 2 };
/* Whether this open ran RocksDB's repairer (lb_store_opts_t.repair), and of
 * the tables it set aside in DIR/lost/, how many were taken back whole (tables
 * lookback ingested, which the repairer cannot read: rocks_repair.c) and how
 * many stay there (unreadable). */
bool lb_store_engine_repaired(const lb_store_t *s);
/* After a failed open: whether another process has the store open for
 * writing (RocksDB's lock is held). */
bool lb_store_locked(const lb_store_t *s);
/* A store opened with follow: take in what its writer has committed since
 * the open or the last catch-up (new lookups see it; those running go on
 * with what they started with).  0, or LB_ESTORE (lb_store_errmsg says why);
 * 0 and nothing done on a store opened otherwise. */
int lb_store_catch_up(lb_store_t *s);
void lb_store_engine_tables(const lb_store_t *s, unsigned *restored, unsigned *lost);

/* Default block cache: the hot part of the indexes stays uncompressed in memory. */
#define LB_STORE_CACHE_MB 256
/* The block cache of a one-shot reader (`query`, `export`): a process that
 * reads each block about once gains nothing from keeping them, and every block
 * in a cache not yet full is fresh memory, one page fault per 4 KiB.  With 32
 * MiB, evicted blocks' memory is reused: `query --batch` of 20,000 owners on
 * the 10M-owner bench store 37k -> 7-15k page faults, 1.1 -> 0.8 s of CPU; a
 * /16 over the 50M-rrset store (234k rows) 72k -> 15k faults, no slower. */
#define LB_STORE_CACHE_MB_ONESHOT 32

/*
 * Open (or create) the store in directory dir.  A directory that holds
 * something other than a lookback store, or a store of a format version we
 * do not know, is refused with LB_ECORRUPT / LB_EVERSION.  On error *out may
 * still be set (to carry the engine's message for lb_store_errmsg) and must be
 * closed with lb_store_close().  Errors: LB_ENOENT (no store and !create),
 * LB_ESTORE, LB_ECORRUPT, LB_EVERSION, LB_ENOMEM.
 */
LB_WUR int lb_store_open(const char *dir, const lb_store_opts_t *o, lb_store_t **out);

/* Flush pending writes (lb_store_commit) and close.  NULL-safe.  Returns the commit error. */
int lb_store_close(lb_store_t *s);

/* Text explaining err, with the engine's own message when it has one.  s may be NULL. */
const char *lb_store_errmsg(const lb_store_t *s, int err);

/*
 * Writes.  Each add goes into a pending batch (merge operations: no
 * read-modify-write); lb_store_commit() writes the batch atomically to the
 * write-ahead log.  A batch is also committed by itself once it grows past a
 * few MB.  rec fields used: RRSET: owner, type, bailiwick, rdata set (sorted,
 * unique, canonical); NEG: owner, type, rcode, bailiwick; SENSOR: sensor.
 */
LB_WUR int lb_store_add(lb_store_t *s, const lb_store_rec_t *rec);
/* The same, with rec's key (RRSET: lb_key_rrset, NEG: lb_key_neg of rec,
 * store/keys.h) from a caller that keeps it (the aggregation window's
 * identity bytes): used as it is, not built again.  key NULL: built.  Other
 * kinds ignore it. */
LB_WUR int lb_store_add_keyed(lb_store_t *s, const lb_store_rec_t *rec, const uint8_t *key,
			      size_t key_len);
LB_WUR int lb_store_commit(lb_store_t *s);
/* Drop what was added since the last commit, unwritten (after an add failed
 * part way through a unit that must be written whole or not at all).  What a
 * batch grown past the automatic-commit size already wrote stays written. */
void lb_store_discard(lb_store_t *s);

/* What the writer did with the idempotent index puts (forward and rdata
 * entries) since the store was opened: written, skipped as put before by this
 * process, and written unchecked while the sample said few are repeats. */
typedef struct lb_store_wstats {
	uint64_t puts;          /* index puts asked for */
	uint64_t puts_skipped;  /* known to be written already: not written again */
	uint64_t puts_unchecked; /* written without a check (sampling mode) */
	uint64_t mode_changes;  /* times the writer switched between the modes */
	int sampling;           /* 1: the writer is in sampling mode now */
} lb_store_wstats_t;
void lb_store_write_stats(const lb_store_t *s, lb_store_wstats_t *out);

/*
 * Retention: records whose newest sighting (max of time_last and zone_last)
 * is older than now - days are hidden from lookups at once and removed by
 * compaction.  0 = keep everything.  Persisted in the store's metadata.
 */
LB_WUR int lb_store_set_retention(lb_store_t *s, uint32_t days);
uint32_t lb_store_retention(const lb_store_t *s);
/* Compact the whole key space now (applies retention physically). */
LB_WUR int lb_store_compact(lb_store_t *s);

/* Approximate bytes on disk of the store directory's live files. */
uint64_t lb_store_disk_bytes(const lb_store_t *s);
/* Bytes the block cache holds now (uncompressed blocks read by lookups). */
size_t lb_store_cache_bytes(const lb_store_t *s);

/* Lookups. */
enum lb_scan_kind {
	LB_SCAN_RRSET = 0,      /* rrsets by owner name */
	LB_SCAN_RDATA_NAME,     /* RRs whose rdata carries name (NS CNAME MX ...) */
	LB_SCAN_RDATA_IP,       /* A/AAAA RRs with address in [lo, hi] */
	LB_SCAN_RDATA_RAW,      /* RRs with exactly these rdata bytes */
	LB_SCAN_RRSET_RAW,      /* rrsets by the raw bytes of a wire owner name */
	LB_SCAN_NEG,            /* negative answers by qname */
	LB_SCAN_SENSORS,        /* metadata: every source/sensor */
};

enum lb_match { LB_MATCH_EXACT = 0, LB_MATCH_BELOW, LB_MATCH_ABOVE_PREFIX };
/* EXACT: the name itself.  BELOW: names strictly below (left-hand wildcard
 * "*.example.com").  ABOVE_PREFIX: names that start with the given labels and
 * have at least one more (right-hand wildcard "www.example.*"); name is then
 * the wire form of the leading labels including a root label. */

typedef struct lb_store_scan {
	enum lb_scan_kind kind;
	enum lb_match match;
	const uint8_t *name;   /* wire name (RRSET, RDATA_NAME, NEG) */
	size_t name_len;
	uint16_t type;         /* 0 = any; with EXACT narrows the key range */
	uint8_t family;        /* 4 or 6 (RDATA_IP) */
	uint8_t lo[16], hi[16];/* inclusive address bounds (RDATA_IP) */
	const uint8_t *raw;    /* RDATA_RAW bytes */
	size_t raw_len;
} lb_store_scan_t;

LB_WUR int lb_store_iter_new(lb_store_t *s, const lb_store_scan_t *q, lb_store_iter_t **out);
/* 1 = a record in *rec, 0 = end, < 0 = error (LB_ESTORE, LB_ECORRUPT);
 * LB_STORE_AGAIN only with a step budget (below). */
LB_WUR int lb_store_iter_next(lb_store_iter_t *it, lb_store_rec_t *rec);
/* A bound on the work of one lb_store_iter_next() call: after `steps` stored
 * keys looked at (and ranges moved through) without a record to hand out,
 * it returns LB_STORE_AGAIN, and the next call goes on from there.  For
 * callers that share a thread among many requests (the HTTP server): a scan
 * that filters out almost everything cannot hold the thread.  0 = no bound
 * (the default). */
#define LB_STORE_AGAIN 2
void lb_store_iter_set_budget(lb_store_iter_t *it, unsigned steps);
/* Rdata index entries carry no counters: they are merged from the rrsets of
 * the entry's owner and type that hold its rdata.  An iterator reads the
 * rrsets of an owner with many of them once, for all its entries (a bounded
 * cache, rocks_ocache.c); off = read them for each entry (tests compare the
 * two).  On by default. */
void lb_store_iter_set_owner_cache(lb_store_iter_t *it, bool on);
/* Rrset keys read so far to derive rdata entries' counters (tests). */
uint64_t lb_store_iter_index_reads(const lb_store_iter_t *it);
void lb_store_iter_free(lb_store_iter_t *it);

/*
 * Names of the source ids in v (v->src), in id order, into names[] (at least
 * LB_STORE_MAX_SOURCES slots); ids the store does not know are left out.
 * Returns the count.  The names stay valid until the store closes.
 */
size_t lb_store_source_names(lb_store_t *s, const lb_store_val_t *v, const char **names);

/* Totals for `lookback stats`: entries per table (estimates from the engine). */
typedef struct lb_store_totals {
	uint64_t rrsets, rdata_entries, negatives, owners, sensors;
	uint64_t disk_bytes;
	uint64_t oldest, newest;   /* time_first min / time_last max over sensors */
	uint32_t retain_days;
	/* table files, and those in level 0 (not compacted yet: each lookup
	 * reads every one whose key range and filter may hold its key) */
	uint64_t table_files, level0_files;
} lb_store_totals_t;
LB_WUR int lb_store_totals(lb_store_t *s, bool exact, lb_store_totals_t *t);
/* The same, calling fn(ctx, keys read so far) every 65536 keys of the scan
 * (it reads the whole store, in two threads: fn is called from either, one
 * call at a time; 8 s for 12M rrsets on two cores). */
typedef void (*lb_store_progress_fn)(void *ctx, uint64_t keys);
LB_WUR int lb_store_totals_progress(lb_store_t *s, bool exact, lb_store_totals_t *t,
				    lb_store_progress_fn fn, void *ctx);

/*
 * Check a whole store (`lookback stats --check`): read every key once and
 * verify that it and its value decode, that every rrset not expired has its
 * owner in the forward index 'F', each of its RRs in the rdata index
 * ('I' 'N' 'X') and each rdata target name in 'G', and that every source id
 * resolves to its name.  Index entries and names no live rrset holds are
 * counted, not problems: rrsets that retention removed leave them (lookups
 * skip them; stats --compact sweeps the index ones while a retention is set).  Nothing is written; memory is bounded: 16 bytes per key at most
 * set_bytes (0 = 1 GiB) at a time, more keys take more passes over the store.  fn (may be NULL) is called with a
 * description and the key for the first 100 problems (all are counted);
 * progress (may be NULL) every 65536 keys of the first pass.  Returns 0 when the
 * store could be read to the end (out->problems says what was found), or an
 * engine error.
 */
typedef struct lb_store_check {
	uint64_t keys;                         /* keys read */
	uint64_t rrsets, index_entries, owners, targets, negatives, meta;
	uint64_t expired;                      /* rrsets past the retention (not checked further) */
	uint64_t orphan_index, orphan_names;   /* held by no live rrset ('I N X'; 'F G') */
	uint64_t problems;                     /* the sum of the counters below */
	uint64_t bad_key, bad_value;           /* do not decode, or in no table */
	uint64_t missing_owner, missing_index, missing_target;
	uint64_t unknown_source;               /* a source id the metadata does not name */
} lb_store_check_t;
typedef void (*lb_store_check_fn)(void *ctx, const char *what, const uint8_t *key, size_t klen);
LB_WUR int lb_store_check(lb_store_t *s, size_t set_bytes, lb_store_check_t *out,
			  lb_store_check_fn fn, void *ctx, lb_store_progress_fn progress, void *pctx);

/*
 * Repair a store (`lookback stats --repair`; open it with lb_store_opts_t.repair
 * so that one the engine cannot open is rebuilt first): the check above, fixing
 * what it finds as it goes.  *found gets what the check would have found.
 * - a key or value that does not decode (an rrset, a negative answer, a
 *   source's entries, a key in no table) is deleted, after it is written, with
 *   what was wrong, to DIR/lost/lookback-repair-TIME.tsv (done->lost_file);
 * - a stray value on a forward or rdata index key is cleared (the key alone is
 *   the entry, format 2 and 3);
 * - every owner, RR and rdata name a live rrset holds but the indexes miss is
 *   put back (done->restored_*): lookups find the rrset again;
 * - a source id no metadata names gets the name "unnamed-ID".
 * Index entries held by no live rrset stay (they are no problem).  Run the
 * check afterwards to see what is left.  0, or an engine error (what was
 * fixed before it is kept).
 */
typedef struct lb_store_repair {
	uint64_t restored_owner, restored_index, restored_target; /* missing entries put back */
	uint64_t cleared;        /* stray values removed from index keys (the keys kept) */
	uint64_t removed;        /* entries that did not decode, deleted (copied to lost_file) */
	uint64_t named_sources;  /* source ids named "unnamed-ID" */
	char lost_file[4200];    /* "" when nothing was removed */
} lb_store_repair_t;
LB_WUR int lb_store_repair(lb_store_t *s, size_t set_bytes, lb_store_check_t *found,
			   lb_store_repair_t *done, lb_store_check_fn fn, void *ctx,
			   lb_store_progress_fn progress, void *pctx);

#endif
