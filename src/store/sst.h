/*
 * sst.h - table files in RocksDB's block-based format, written by lookback.
 *
 * A large commit (a window flush) is one sorted table file that RocksDB takes
 * in whole (IngestExternalFile).  RocksDB's own SstFileWriter cost about 1600
 * instructions per key (its internal-key strings, property collectors, filter
 * and block builders behind virtual calls): over 40% of a unique capture's
 * ingest.  This writer lays out the same bytes for what lookback needs and
 * nothing else:
 *
 *   data blocks    entries: varint32 shared, varint32 non-shared, varint32
 *                  value length, the key's non-shared bytes, the value; the
 *                  key is the internal key (user key, then 8 bytes little-
 *                  endian: sequence 0 << 8 | type, 1 = put, 2 = merge); a full
 *                  key every `restart` entries; then the restart offsets and
 *                  their count (uint32 little-endian each).  A block ends
 *                  where RocksDB's size policy ends it (block size, 10%
 *                  deviation), so the data and index blocks are byte for byte
 *                  the ones SstFileWriter writes with the same options
 *                  (tests/unit/store/test_sst.c compares them).
 *   filter block   (below)
 *   index block    format version 5: one entry per data block, every entry a
 *                  restart, the key a user key (the bytewise comparator's
 *                  shortest separator between the blocks; the last block's
 *                  own last key), the value the block's offset and size
 *                  (varint64 each), no value length.
 *   properties     the table properties SstFileWriter writes (external file
 *                  version 2, global sequence number 0, counts and sizes, a
 *                  fresh 20-character session id per file: RocksDB derives the
 *                  file's block cache keys from it).
 *   metaindex      "fullfilter.rocksdb.BuiltinBloomFilter" and
 *                  "rocksdb.properties" -> their handles.
 *   footer         checksum type (4: XXH3), the metaindex and index handles
 *                  padded to 40 bytes, format version 5, the magic number.
 *
 * Every block is followed by a byte of compression type (0: none) and a
 * checksum: the low 32 bits of XXH3-64 of the block (libxxhash).  Nothing is
 * compressed: the files land in level 0 and the compaction that takes them
 * compresses as it writes (LZ4 here cost 9-12% of a unique capture's one-core
 * ingest and saved nothing after that compaction; RocksDB's own tuning advice
 * leaves level 0 uncompressed for write-heavy loads too).
 *
 * The prefix filter (format version 5's "fast local bloom", after the data
 * blocks, named "fullfilter.rocksdb.BuiltinBloomFilter" in the metaindex):
 * 64-byte cache lines, a prefix's 64-bit hash picks the line with its low 32
 * bits and 6 bit positions (for 10 bits per key) with its high 32 bits; the
 * hash is RocksDB's own persistent Hash64 (a frozen early XXH3 that libxxhash
 * does not have), looked up in the loaded RocksDB library by name.  Where it
 * is not found the file has no filter block, which RocksDB reads as "may hold
 * any key" (correct, slower lookups until a compaction rewrites the file).
 * The filter's bytes, with RocksDB's quirks (an empty key's hash added once,
 * adjacent equal hashes counted once), are SstFileWriter's: test_sst.c
 * compares them, and fuzz/fuzz_sst.c on keys from its input.
 */
#ifndef LB_STORE_SST_H
#define LB_STORE_SST_H

#include <stddef.h>
#include <stdint.h>

typedef struct lb_sst lb_sst_t;

typedef struct lb_sst_opts {
	size_t block_size;          /* data block size (RocksDB's block_size) */
	int restart;                /* entries per restart point in data blocks (>= 1) */
	const char *merge_operator; /* names recorded in the properties; NULL: "nullptr" */
	const char *prefix_extractor;
	/* With prefix set and filter on: a full prefix bloom filter of 10 bits
	 * per prefix (RocksDB's bloom_full(10), the store's).  prefix(k, n) is
	 * the length of k's prefix, 0 when k has none (outside the extractor's
	 * domain). */
	size_t (*prefix)(const uint8_t *k, size_t n);
	int filter;
} lb_sst_opts_t;

/* Whether this RocksDB's filter hash was found (filters can be written). */
int lb_sst_filter_available(void);

/* Create path (truncated) for writing.  0, LB_ENOMEM or LB_EIO (errno kept). */
int lb_sst_open(lb_sst_t **w, const char *path, const lb_sst_opts_t *o);

/* Append a put (put != 0) or a merge operand of key k.  Keys must come in
 * strictly increasing bytewise order: otherwise LB_EINVAL and nothing is
 * written.  0, LB_ENOMEM or LB_EIO. */
int lb_sst_add(lb_sst_t *w, int put, const void *k, size_t kl, const void *v, size_t vl);

/* Write the index, properties, metaindex and footer, sync and close the
 * file.  A table with no key is an error (LB_EINVAL: RocksDB refuses it).
 * 0, LB_EINVAL, LB_ENOMEM or LB_EIO. */
int lb_sst_finish(lb_sst_t *w);

/* Start a new file at path with w's options and buffers (after a finish,
 * or to abandon the file being written: it is left as it is).  0 or LB_EIO
 * (errno kept; w then refuses keys until a reopen succeeds). */
int lb_sst_reopen(lb_sst_t *w, const char *path);

/* Keys added so far. */
size_t lb_sst_count(const lb_sst_t *w);

/* Close (if not finished) and free; the file is left where it is.  NULL: nothing. */
void lb_sst_free(lb_sst_t *w);

#endif
