/*
 * rocks_impl.h - what the RocksDB engine's files share (private to src/store:
 * rocks.c opens and merges, rocks_write.c writes, rocks_iter.c iterates).
 */
#ifndef LB_STORE_ROCKS_IMPL_H
#define LB_STORE_ROCKS_IMPL_H

#include <pthread.h>
#include <rocksdb/c.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/keys.h"
#include "store/store.h"
#include "util/hset.h"

#define SRC_CHUNK 256
/* Bulk ingest (lb_store_opts_t.bulk): level-0 files before a compaction (rocks.c). */
#define LB_BULK_L0_FILES 16
#define SRC_MAX_IDS 65536
/* Data blocks keep a full key every LB_STORE_BLOCK_RESTART keys (rocks.c has
 * the measurement); the table files of large commits (sst.h) too. */
#define LB_STORE_BLOCK_RESTART 64
/* The names RocksDB records for the merge operator and the prefix extractor
 * (rocks.c), which the table files of large commits carry as well. */
#define LB_ROCKS_MERGE_NAME "lookback.minmaxsum.v1"
#define LB_ROCKS_PREFIX_NAME "lookback.prefix.v1"

struct pend {
	uint64_t head;    /* key bytes 0-7, big-endian, zero-padded: most comparisons end here */
	uint64_t head2;   /* key bytes 8-15 (names share their first labels) */
	uint64_t head3;   /* key bytes 16-23 (an rrset key's owner is label-reversed:
			   * names of one zone part here) */
	uint64_t lv;      /* bits 0-23 the key's length (a large rrset's key can exceed
			   * 64 KiB), 24-51 where its bytes are in the arena (the value's
			   * right after), 52-63 the value's length: 0 for a put (an
			   * empty value), at least 1 for a merge (lb_val_encode).  One
			   * word, so an operation is 32 bytes: the sort moves them and
			   * a window's worth (about a million) is first touched */
};

#define LB_PEND_KLEN_BITS 24
#define LB_PEND_OFF_BITS 28
#define LB_PEND_VLEN_BITS 12
static inline uint32_t lb_pend_klen(const struct pend *p)
{
	return (uint32_t)p->lv & ((1u << LB_PEND_KLEN_BITS) - 1);
}
static inline uint32_t lb_pend_off(const struct pend *p)
{
	return (uint32_t)(p->lv >> LB_PEND_KLEN_BITS) & ((1u << LB_PEND_OFF_BITS) - 1);
}
static inline uint32_t lb_pend_vlen(const struct pend *p)
{
	return (uint32_t)(p->lv >> (LB_PEND_KLEN_BITS + LB_PEND_OFF_BITS));
}

#define LB_PUTQ_N 16        /* puts staged before their put_seen check */
#define LB_PUTQ_KEY_MAX 256 /* longer keys are checked at once */
#define LB_ITER_POOL 16 /* idle iterators kept per kind (about the server's threads x 2) */
/* Kinds of iterator (their read options): total order, one key prefix (bloom
 * filters apply), and a long scan (total order, blocks read are not added
 * to the block cache: a walk over a whole table would evict what lookups
 * keep hot, and gains nothing, as it reads each block once). */
enum { LB_IT_TOTAL = 0, LB_IT_PFX = 1, LB_IT_LONG = 2, LB_IT_KINDS = 3 };

struct lb_store {
	rocksdb_t *db;
	rocksdb_options_t *opts;
	rocksdb_block_based_table_options_t *topts;
	rocksdb_writeoptions_t *wo;
	rocksdb_readoptions_t *ro;       /* total order: range scans, meta */
	rocksdb_readoptions_t *ro_pfx;   /* one key prefix (prefix bloom filters apply) */
	rocksdb_readoptions_t *ro_long;  /* long scans: total order, no block cache fill */
	rocksdb_cache_t *cache;
	rocksdb_filterpolicy_t *bloom;
	rocksdb_slicetransform_t *pfx;
	rocksdb_writebatch_t *batch;
	struct pend *pend;
	size_t npend, cappend;
	uint16_t *dig;           /* the sort's byte per pending key (rocks_write.c pend_radix) */
	size_t capdig;
	uint8_t *parena;
	size_t plen, pcap;
	uint8_t *gbuf;           /* a commit's slice of keys, in sorted order (rocks_write.c gather) */
	struct lb_sst *sst;      /* the table file writer of large commits (kept for its buffers) */
	size_t gcap;
	uint32_t *goff;          /* where each key of the slice starts in gbuf */
	size_t gcapn;
	int perr;
	rocksdb_mergeoperator_t *merge;
	rocksdb_compactionfilter_t *filter;
	char *dir;
	char *errmsg;            /* last engine message (malloc'd by RocksDB); under errlock */
	pthread_mutex_t errlock; /* iterators in other threads set errmsg too */
	_Atomic uint32_t retain; /* days, 0 = keep all */
	_Atomic unsigned merge_bad;
	bool read_only;
	bool follow;                /* read_only as a secondary instance (lb_store_catch_up) */
	char *secdir;               /* follow: the secondary instance's own directory */
	bool repair;             /* opened to be repaired (lb_store_opts_t.repair) */
	bool engine_repaired;    /* RocksDB's repairer ran at open */
	bool locked;             /* the open failed: another process writes the store */
	unsigned log_looks;      /* writer's open: read-only looks that replayed the log (test_store) */
	bool repair_resumed;     /* an interrupted repair's marker was found
				  * (lb_rocks_repair_marked): every table in
				  * lost/ is tried again */
	char **moved;            /* the tables it moved to lost/ (rocks_repair.c) */
	size_t nmoved;
	unsigned tables_restored, tables_lost; /* of those: taken back, left there */
	bool xdig;               /* format 3: long 'X' rdata by digest (keys.h) */
	lb_kbuf_t k, k2;
	uint8_t vbuf[LB_VAL_MAX];
	/* source names by id ('V n' metadata), loaded at open, grown by the
	 * writer; chunks are never moved or freed before close, so the names
	 * handed out stay valid.  Under srclock (iterators in other threads). */
	pthread_mutex_t srclock;
	char (*srcname[SRC_MAX_IDS / SRC_CHUNK])[LB_STORE_SENSOR_MAX + 1];
	uint32_t src_next;          /* next id to assign */
	uint32_t src_cache_id;      /* writer: last name mapped */
	char src_cache[LB_STORE_SENSOR_MAX + 1];
	lb_store_val_t vtmp;        /* writer: the value with its source ids */
	lb_hset_t put_seen;         /* writer: hashes of the keys put (rocks_write.c put_seen) */
	uint64_t put_seed;          /* their hash's seed (util/hash.h) */
	/* writer: 1 = only the keys whose hash is in the sample are checked and
	 * remembered, the others put at once (rocks_write.c put_mode) */
	int put_sample;
	uint64_t put_probes, put_hits; /* checks since the mode was last chosen */
	lb_store_wstats_t wstats;   /* writer: lb_store_write_stats */
	/* writer: puts waiting for their put_seen check, their slots prefetched
	 * (rocks_write.c batch_put) */
	struct putq { uint64_t h; uint32_t off, len; uint8_t sampled; } putq[LB_PUTQ_N];
	uint8_t putq_keys[LB_PUTQ_N * LB_PUTQ_KEY_MAX];
	int putq_n;
	/* idle iterators for the next lookups, [LB_IT_TOTAL] total order (ro),
	 * [LB_IT_PFX] prefix (ro_pfx), [LB_IT_LONG] long scans (ro_long), each
	 * with the sequence number read before it was made (rocks_iter.c
	 * lb_rocks_iter_take); under poollock */
	pthread_mutex_t poollock;
	rocksdb_iterator_t *pool[LB_IT_KINDS][LB_ITER_POOL];
	uint64_t pool_seq[LB_IT_KINDS][LB_ITER_POOL];
	int pool_n[LB_IT_KINDS];
};

/*
 * An iterator of kind LB_IT_*: an idle one when no write
 * happened since it was made (it sees exactly what a new one would), else a
 * new one; *tag is what lb_rocks_iter_give needs.  NULL when out of memory.
 */
rocksdb_iterator_t *lb_rocks_iter_take(lb_store_t *s, int kind, uint64_t *tag);
/* Back to the pool (or destroyed when the pool is full or the iterator failed). */
void lb_rocks_iter_give(lb_store_t *s, int kind, rocksdb_iterator_t *ri, uint64_t tag);
/* Destroy every idle iterator (before the database closes). */
void lb_rocks_iter_pool_drain(lb_store_t *s);

void lb_rocks_set_err(lb_store_t *s, char *e);
void lb_rocks_set_msg(lb_store_t *s, const char *m);
/* 0, or LB_ESTORE with the iterator's error noted as the store's message. */
int lb_rocks_iter_err(lb_store_t *s, rocksdb_iterator_t *ri);
uint64_t lb_rocks_cutoff(uint32_t days);
int lb_rocks_expired(const lb_store_val_t *v, uint64_t cutoff);
/* One rrset's value into an index entry's counters (lb_rocks_index_val and
 * the owner cache, rocks_ocache.c): decoded into *out for the first one
 * (*found 0), merged after; an expired one (cutoff) left out.  0 or
 * LB_ECORRUPT (the store's message set). */
int lb_rocks_index_fold(lb_store_t *s, const uint8_t *v, size_t vl, uint64_t cutoff,
			lb_store_val_t *out, int *found);
size_t lb_rocks_key_prefix_len(const uint8_t *k, size_t len);
/*
 * Counters of a format-2 rdata index entry (rec: a decoded I/N/X key): the
 * merge of the values of the rrsets under rec's owner and type that hold its
 * rdata, leaving out those expired at cutoff (0 = none).  *rit is created on
 * first use (ro_pfx; taken from the pool when rit_tag is not NULL, and *rit_tag
 * set) and reused; kb is scratch.  dec: the decoder state rec came from; an
 * 'X' key by digest (rec->rdata[0] NULL) gets its rdata from the first rrset
 * that holds one of that length and digest (copied into dec).  1 = *out set,
 * 0 = no live rrset holds it (an orphan), < 0 = error.  *reads (when not
 * NULL) counts the rrset keys read.
 */
int lb_rocks_index_val(lb_store_t *s, rocksdb_iterator_t **rit, uint64_t *rit_tag,
		       lb_kbuf_t *kb, lb_kdec_t *dec, const lb_store_rec_t *rec, uint64_t cutoff,
		       lb_store_val_t *out, uint64_t *reads);
/*
 * The same through an iterator's cache of owners with many rrsets
 * (rocks_ocache.c; *oc created on first use, enabled 0 = always the
 * per-entry read): the rrsets of such an owner and type are read once and an
 * entry's counters merged from them, as lb_rocks_index_val would.
 */
struct lb_ocache;
int lb_rocks_ocache_val(lb_store_t *s, struct lb_ocache **oc, int enabled,
			rocksdb_iterator_t **rit, uint64_t *rit_tag, lb_kbuf_t *kb, lb_kdec_t *dec,
			const lb_store_rec_t *rec, uint64_t cutoff, lb_store_val_t *out,
			uint64_t *reads);
void lb_rocks_ocache_free(struct lb_ocache *oc);
/* Delete the format-2 rdata index keys that no live rrset holds any more
 * (retention expired them); counts them in *removed. */
int lb_rocks_sweep_orphans(lb_store_t *s, uint64_t cutoff, uint64_t *removed);
/* Forget which keys were put (after a failed commit or deletions). */
void lb_rocks_put_seen_init(lb_store_t *s);
void lb_rocks_put_seen_clear(lb_store_t *s);
/* RocksDB's repairer on dir (s->opts set, the database closed); notes the
 * tables it moved to DIR/lost/.  Then, with the database open, take back
 * those that read whole (rocks_repair.c). */
int lb_rocks_engine_repair(lb_store_t *s, const char *dir);
int lb_rocks_restore_tables(lb_store_t *s);
/* Whether DIR holds the marker of a repair that was stopped before it
 * finished (DIR/lost/.lookback-repairing): RocksDB's repairer starts a new,
 * empty database before it adds the tables back, and the tables it set aside
 * wait in lost/ to be taken back, so such a directory must be repaired again
 * and never opened (or finished as a new store) as it is. */
bool lb_rocks_repair_marked(const char *dir);
/* The repair finished: remove the marker. */
void lb_rocks_repair_done(lb_store_t *s);
/* Name source id (not named yet) name, in the metadata and in memory (the repair). */
int lb_rocks_src_name(lb_store_t *s, uint32_t id, const char *name);
/* The source id of name, assigned (and written to the metadata) on first use. */
int lb_rocks_src_id(lb_store_t *s, const char *name, uint32_t *id);
/* Where a large commit writes its table file before ingesting it. */
void lb_rocks_sst_path(const lb_store_t *s, char *p, size_t n);
/* Put one key in a table file of its own, ingested: in the store's tables
 * at once, newer than anything there, without a flush (no background
 * thread waited for).  0 or LB_ESTORE (the message set). */
int lb_rocks_put_table(lb_store_t *s, const void *k, size_t kl, const void *v, size_t vl);
/* The data block size (8 KiB; environment LOOKBACK_BLOCK_KB for measurements). */
size_t lb_rocks_block_size(void);
/* The options of the table files of large commits (rocks_write.c): the
 * store's block size, restart interval, names and prefix filter. */
struct lb_sst_opts;
void lb_rocks_sst_opts(struct lb_sst_opts *o);

#endif
