/*
 * rocks_write.c - the RocksDB engine's write path: lb_store_add turns a
 * record into pending operations (rrset merge, forward and rdata index
 * puts), lb_store_commit sorts and folds them and writes them as a batch or,
 * when large, as one table file that RocksDB ingests.  Byte formats in
 * keys.h; open/close, merge operator and compaction filter in rocks.c.
 */
#include "store/store.h"

#include <assert.h>
#include <errno.h>
#include <pthread.h>
#include <rocksdb/c.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dns/name.h"
#include "store/keys.h"
#include "store/rocks_impl.h"
#include "store/sst.h"
#include "util/cpu.h"
#include "util/hash.h"
#include "util/hset.h"
#include "util/mem.h"

/* Pending writes are collected, sorted by key and pre-merged before they go
 * to RocksDB: sorted insertion is far cheaper for the memtable skiplist, and
 * equal keys (an owner's forward entry, an address shared by many rrsets)
 * become one operation. */
#define BATCH_MAX_OPS 1048576
#define BATCH_MAX_BYTES (64u << 20)
/* From this many pending operations on, a commit writes a table file and
 * ingests it (lb_store_commit); smaller ones go through the write-ahead log
 * and the memtable. */
#define SST_MIN_OPS 16384
/* commits at least this large are sorted in two threads (given two cores) */
#define SORT2_MIN_OPS (1u << 17)
static_assert(sizeof(struct pend) == 32, "an operation is 32 bytes (rocks_impl.h)");
static_assert(LB_VAL_MAX < (1u << LB_PEND_VLEN_BITS), "every value's length fits struct pend");
static_assert(BATCH_MAX_BYTES < (1u << (LB_PEND_OFF_BITS - 1)), "a commit's arena fits struct pend");
/* keys ahead whose bytes the sort asks the CPU to fetch */
#define PREFETCH_AHEAD 8

/*
 * Sorting the pending operations.  Keys share long prefixes (label-reversed
 * names of one zone), so a comparison sort spends its time in memcmp past
 * the first 16 bytes.  A multikey quicksort (Bentley & Sedgewick, "Fast
 * algorithms for sorting and searching strings") looks at each key byte
 * once per partitioning level instead: bytewise order, a key that is a
 * prefix of another first.  Bytes 0-23 come from the precomputed heads.
 * Large groups are first split by byte buckets (pend_radix, below); the
 * multikey quicksort finishes the small ones.
 */
static inline int pend_byte(const uint8_t *ar, const struct pend *p, size_t d)
{
	if (d >= lb_pend_klen(p))
		return 0;
	if (d < 8)
		return (int)(p->head >> (56 - 8 * d) & 0xff) + 1;
	if (d < 16)
		return (int)(p->head2 >> (56 - 8 * (d - 8)) & 0xff) + 1;
	if (d < 24)
		return (int)(p->head3 >> (56 - 8 * (d - 16)) & 0xff) + 1;
	return ar[lb_pend_off(p) + d] + 1;
}

/* Where byte d (< 24) of a key is in its struct pend: the head word's
 * offset *wo and the shift *sh that brings the byte down. */
static inline void head_at(size_t d, size_t *wo, unsigned *sh)
{
	*wo = d < 8 ? offsetof(struct pend, head) : d < 16 ? offsetof(struct pend, head2)
							   : offsetof(struct pend, head3);
	*sh = 56 - 8 * (unsigned)(d % 8);
}

/* pend_byte with wo and sh from head_at(d) (any values when d >= 24): a
 * loop over keys at one depth chooses the head word once */
static inline int pend_byte_at(const uint8_t *ar, const struct pend *p, size_t d, size_t wo,
			       unsigned sh)
{
	if (d >= lb_pend_klen(p))
		return 0;
	if (d < 24) {
		uint64_t x;
		memcpy(&x, (const uint8_t *)p + wo, sizeof x);
		return (int)(x >> sh & 0xff) + 1;
	}
	return ar[lb_pend_off(p) + d] + 1;
}

/* Order of x and y, whose first d bytes are equal. */
static int pend_cmp_from(const uint8_t *ar, const struct pend *x, const struct pend *y, size_t d)
{
	if (d < 24) {
		/* the heads: zero-padded, so a key that ends inside them ties
		 * with its zero-extension and the lengths below decide */
		if (d < 8 && x->head != y->head)
			return x->head < y->head ? -1 : 1;
		if (d < 16 && x->head2 != y->head2)
			return x->head2 < y->head2 ? -1 : 1;
		if (x->head3 != y->head3)
			return x->head3 < y->head3 ? -1 : 1;
		d = 24;
	}
	uint32_t xl = lb_pend_klen(x), yl = lb_pend_klen(y);
	size_t n = xl < yl ? xl : yl;
	int c = n > d ? memcmp(ar + lb_pend_off(x) + d, ar + lb_pend_off(y) + d, n - d) : 0;
	if (c)
		return c;
	return xl < yl ? -1 : xl > yl;
}

static void pend_swap(struct pend *a, struct pend *b)
{
	struct pend t = *a;
	*a = *b;
	*b = t;
}

static inline uint64_t pend_word(const struct pend *p, size_t w)
{
	return w == 0 ? p->head : w == 1 ? p->head2 : p->head3;
}

/*
 * Keys whose first d bytes are equal: how far (up to byte 24) they stay
 * equal.  Keys of one zone share long prefixes ("R" "\3org" "\10d1249389"),
 * and the partition below spends one pass per shared byte; a pass over the
 * heads finds a word's shared bytes at once.  Never past the shortest key
 * (the heads' zero padding is not a key byte).
 */
static size_t pend_common(const struct pend *p, size_t n, size_t d)
{
	while (d < 24) {
		size_t w = d / 8;
		uint64_t f = pend_word(&p[0], w), x = 0;
		uint32_t mk = lb_pend_klen(&p[0]);
		for (size_t i = 1; i < n; i++) {
			x |= pend_word(&p[i], w) ^ f;
			if (lb_pend_klen(&p[i]) < mk)
				mk = lb_pend_klen(&p[i]);
		}
		/* bytes before d are equal: x's high bytes down to d are zero */
		size_t eq = x ? (size_t)__builtin_clzll(x) / 8 : 8;
		size_t nd = w * 8 + eq;
		if (nd > mk)
			nd = mk;
		if (nd <= d)
			return d;
		d = nd;
		if (eq < 8)
			return d;
	}
	return d;
}

static void pend_sort(const uint8_t *ar, struct pend *p, size_t n, size_t d)
{
	while (n > 1) {
		if (n < 12) {
			for (size_t i = 1; i < n; i++)
				for (size_t j = i; j > 0 && pend_cmp_from(ar, &p[j - 1], &p[j], d) > 0; j--)
					pend_swap(&p[j - 1], &p[j]);
			return;
		}
		/* pivot: median of three bytes at depth d */
		int a = pend_byte(ar, &p[0], d), b = pend_byte(ar, &p[n / 2], d),
		    c = pend_byte(ar, &p[n - 1], d);
		int v = a < b ? (b < c ? b : a < c ? c : a) : (a < c ? a : b < c ? c : b);
		/* three-way partition: [0,lt) < v, [lt,gt) == v, [gt,n) > v */
		size_t lt = 0, i = 0, gt = n, wo = 0;
		unsigned sh = 0;
		if (d < 24)
			head_at(d, &wo, &sh);
		while (i < gt) {
			if (d >= 24 && i + PREFETCH_AHEAD < gt)
				__builtin_prefetch(ar + lb_pend_off(&p[i + PREFETCH_AHEAD]) + d);
			int x = pend_byte_at(ar, &p[i], d, wo, sh);
			if (x < v)
				pend_swap(&p[lt++], &p[i++]);
			else if (x > v)
				pend_swap(&p[i], &p[--gt]);
			else
				i++;
		}
		/* the middle goes one byte deeper (keys that ended at d are
		 * equal: nothing to do).  Recurse into the two smaller parts and
		 * loop on the largest, so every recursive call has at most half
		 * the keys: the stack stays within log2(n) frames whatever the
		 * keys (they come from traffic) */
		size_t nm = v ? gt - lt : 0, ng = n - gt;
		if (lt >= nm && lt >= ng) {
			pend_sort(ar, p + lt, nm, d + 1);
			pend_sort(ar, p + gt, ng, d);
			n = lt;
		} else if (nm >= ng) {
			pend_sort(ar, p, lt, d);
			pend_sort(ar, p + gt, ng, d);
			p += lt;
			n = nm;
			d++;
			if (lt == 0 && ng == 0) /* every key had the pivot's byte */
				d = pend_common(p, n, d);
		} else {
			pend_sort(ar, p, lt, d);
			pend_sort(ar, p + lt, nm, d + 1);
			p += gt;
			n = ng;
		}
	}
}

/*
 * Large groups are split by one byte at a time into all its values at once
 * (American flag sort: a counting pass and an in-place permutation), where
 * the three-way partition above needs about log2(values) passes per byte
 * (the digits of generated and real names: ten or more values per byte).
 * dig[] holds each key's byte at depth d (pend_byte: 0 = ended) and moves
 * with it.  Groups under RADIX_MIN keys, and depths from RADIX_DEPTH on
 * (recursion goes one frame per byte: keys come from traffic), go to
 * pend_sort.
 */
#define RADIX_MIN 512
#define RADIX_DEPTH 40

/* Moves every operation of p into its bucket (dig[i]: its bucket's number)
 * in place, with its digit: next[b] is where bucket b starts on entry (its
 * end on return), end[b] where it ends; nb buckets. */
static inline void bucket_permute(struct pend *p, uint16_t *dig, size_t *next, const size_t *end,
				  size_t nb)
{
	for (size_t b = 0; b < nb; b++) {
		while (next[b] < end[b]) {
			size_t i = next[b];
			uint16_t c = dig[i];
			while (c != b) { /* move p[i] to its bucket, take what was there */
				size_t j = next[c]++;
				pend_swap(&p[i], &p[j]);
				uint16_t t = dig[j];
				dig[j] = c;
				c = t;
			}
			dig[i] = c;
			next[b]++;
		}
	}
}

/* One counting pass and in-place permutation of p[0, n) by the byte at
 * depth d (digits kept in dig[]): end[b] = the end of bucket b (0 = keys
 * that ended before d).  Returns 0 when every key has the same byte. */
static int radix_pass(const uint8_t *ar, struct pend *p, uint16_t *dig, size_t n, size_t d,
		      size_t end[257])
{
	uint32_t cnt[257] = { 0 };
	if (d < 24) { /* the byte is in one of the heads, the same for every key */
		size_t wo;
		unsigned sh;
		head_at(d, &wo, &sh);
		for (size_t i = 0; i < n; i++) {
			uint64_t x;
			memcpy(&x, (const uint8_t *)&p[i] + wo, sizeof x);
			uint16_t b = (uint16_t)((x >> sh & 0xff) + 1);
			dig[i] = d < lb_pend_klen(&p[i]) ? b : 0;
			cnt[dig[i]]++;
		}
	} else {
		for (size_t i = 0; i < n; i++) {
			if (i + PREFETCH_AHEAD < n)
				__builtin_prefetch(ar + lb_pend_off(&p[i + PREFETCH_AHEAD]) + d);
			dig[i] = (uint16_t)pend_byte(ar, &p[i], d);
			cnt[dig[i]]++;
		}
	}
	if (cnt[dig[0]] == n)
		return 0;
	size_t next[257], at = 0;
	for (int b = 0; b < 257; b++) {
		next[b] = at;
		at += cnt[b];
		end[b] = at;
	}
	bucket_permute(p, dig, next, end, 257);
	return 1;
}

static void pend_radix(const uint8_t *ar, struct pend *p, uint16_t *dig, size_t n, size_t d)
{
	while (n >= RADIX_MIN && d < RADIX_DEPTH) {
		size_t end[257];
		if (!radix_pass(ar, p, dig, n, d, end)) {
			if (pend_byte(ar, &p[0], d) == 0)
				return; /* every key ended at d: all equal */
			/* every key has byte d: skip the bytes after it that they
			 * share too (one pass over the heads, a word at a time).
			 * Only here, not before every pass: a group's next byte
			 * differs more often than not, and the pass that looked
			 * for shared bytes was then wasted (94M of a 2M-packet
			 * capture's 5.6G instructions) */
			d = pend_common(p, n, d + 1);
			continue;
		}
		/* bucket 0: keys that ended at d, equal; the others one byte deeper */
		size_t big = 0, bigat = 0;
		for (int b = 1; b < 257; b++) {
			size_t m = end[b] - (end[b - 1]);
			if (m > big) {
				big = m;
				bigat = end[b - 1];
			}
		}
		for (int b = 1; b < 257; b++) {
			size_t lo = end[b - 1], m = end[b] - lo;
			if (m > 1 && lo != bigat)
				pend_radix(ar, p + lo, dig + lo, m, d + 1);
		}
		p += bigat;
		dig += bigat;
		n = big;
		d++;
	}
	if (n > 1)
		pend_sort(ar, p, n, d);
}

/*
 * A large commit's first split takes two bytes at once - the table byte and
 * the first byte of the name or address after it - where pend_radix would
 * make two passes over every operation.  Table bytes are ASCII letters, so
 * (byte 0 + 1) * 257 + (byte 1 + 1) fits the 16-bit digit; a key with
 * another first byte (none is built so) leaves the sort to pend_radix.
 * The buckets' counters (about 33k) are taken from the heap.
 */
#define RADIX2_MIN 65536
#define RADIX2_B (128 * 257)

static void pend_radix_top(const uint8_t *ar, struct pend *p, uint16_t *dig, size_t n)
{
	uint32_t *cnt = n >= RADIX2_MIN && n <= UINT32_MAX ? calloc(RADIX2_B, sizeof *cnt) : NULL;
	size_t *next = cnt ? malloc(2 * RADIX2_B * sizeof *next) : NULL;
	if (!next) {
		free(cnt);
		pend_radix(ar, p, dig, n, 0);
		return;
	}
	size_t *end = next + RADIX2_B;
	for (size_t i = 0; i < n; i++) {
		uint32_t kl = lb_pend_klen(&p[i]);
		unsigned b0 = kl ? (unsigned)(p[i].head >> 56) + 1 : 0;
		unsigned b1 = kl > 1 ? (unsigned)(p[i].head >> 48 & 0xff) + 1 : 0;
		if (b0 >= 128) { /* not a table byte: the one-byte passes */
			free(cnt);
			free(next);
			pend_radix(ar, p, dig, n, 0);
			return;
		}
		dig[i] = (uint16_t)(b0 * 257 + b1);
		cnt[dig[i]]++;
	}
	size_t at = 0;
	for (size_t b = 0; b < RADIX2_B; b++) {
		next[b] = at;
		at += cnt[b];
		end[b] = at;
	}
	bucket_permute(p, dig, next, end, RADIX2_B);
	/* a bucket whose second byte is 0 holds keys that ended there: equal */
	for (size_t b = 0, lo = 0; b < RADIX2_B; lo = end[b], b++)
		if (end[b] - lo > 1 && b % 257 != 0)
			pend_radix(ar, p + lo, dig + lo, end[b] - lo, 2);
	free(cnt);
	free(next);
}

/*
 * With a second core: split by the first byte (the table), then sort the
 * tables in two threads, each taking the largest table left.
 */
struct sort_job {
	const uint8_t *ar;
	struct pend *p;
	uint16_t *dig;
	size_t end[257];
	int order[256]; /* buckets, largest first */
	atomic_int next;
};

static void *sort_worker(void *arg)
{
	struct sort_job *j = arg;
	int k;
	while ((k = atomic_fetch_add(&j->next, 1)) < 256) {
		int b = j->order[k];
		size_t lo = j->end[b - 1], m = j->end[b] - lo;
		if (m > 1)
			pend_radix(j->ar, j->p + lo, j->dig + lo, m, 1);
	}
	return NULL;
}

static void pend_sort_2(const uint8_t *ar, struct pend *p, uint16_t *dig, size_t n)
{
	struct sort_job j = { .ar = ar, .p = p, .dig = dig };
	if (!radix_pass(ar, p, dig, n, 0, j.end)) {
		pend_radix(ar, p, dig, n, 0);
		return;
	}
	for (int b = 1; b < 257; b++)
		j.order[b - 1] = b;
	for (int a = 1; a < 256; a++) { /* insertion sort of 256 sizes, largest first */
		int x = j.order[a], y = a;
		size_t mx = j.end[x] - j.end[x - 1];
		while (y > 0 && j.end[j.order[y - 1]] - j.end[j.order[y - 1] - 1] < mx) {
			j.order[y] = j.order[y - 1];
			y--;
		}
		j.order[y] = x;
	}
	atomic_init(&j.next, 0);
	pthread_t th;
	int started = pthread_create(&th, NULL, sort_worker, &j) == 0;
	sort_worker(&j);
	if (started)
		pthread_join(th, NULL);
}

/* The error text (to free) of a table file's error err. */
static char *sst_err(int err, const char *path)
{
	char *e = NULL;
	if (asprintf(&e, "writing the table file %s: %s", path,
		     err == LB_EINVAL ? "keys out of order or none (a bug)"
		     : err == LB_ENOMEM ? "out of memory" : strerror(errno)) < 0)
		e = NULL;
	return e ? e : strdup("writing a table file");
}

/* One folded operation to the write batch or, for a large commit, to the
 * table file being written.  Returns an error text (to free) or NULL. */
static char *emit(lb_store_t *s, lb_sst_t *w, int put, const char *k, size_t kl, const char *v,
		  size_t vl)
{
	if (w) {
		int err = lb_sst_add(w, put, k, kl, v, vl);
		if (!err)
			return NULL;
		return sst_err(err, "lookback-ingest.sst");
	}
	if (put)
		rocksdb_writebatch_put(s->batch, k, kl, v, vl);
	else
		rocksdb_writebatch_merge(s->batch, k, kl, v, vl);
	return NULL;
}

/* Path of the table file a large commit writes before RocksDB takes it in
 * (moved into the store by the ingestion; one at a time per store). */
void lb_rocks_sst_path(const lb_store_t *s, char *p, size_t n)
{
	snprintf(p, n, "%s/lookback-ingest.sst", s->dir);
}

static lb_sst_t *sst_open(lb_store_t *s, const char *path);

/* Hand the finished table file to RocksDB: it is moved into the store and
 * synced, so it is as durable as a write-ahead-logged batch. */
static int sst_ingest(lb_store_t *s, const char *path)
{
	rocksdb_ingestexternalfileoptions_t *io = rocksdb_ingestexternalfileoptions_create();
	if (!io)
		return LB_ENOMEM;
	rocksdb_ingestexternalfileoptions_set_move_files(io, 1);
	rocksdb_ingestexternalfileoptions_set_allow_global_seqno(io, 1);
	rocksdb_ingestexternalfileoptions_set_allow_blocking_flush(io, 1);
	char *e = NULL;
	const char *const files[1] = { path };
	rocksdb_ingest_external_file(s->db, files, 1, io, &e);
	rocksdb_ingestexternalfileoptions_destroy(io);
	if (e) {
		lb_rocks_set_err(s, e);
		return LB_ESTORE;
	}
	return 0;
}

int lb_rocks_put_table(lb_store_t *s, const void *k, size_t kl, const void *v, size_t vl)
{
	char path[4200];
	lb_rocks_sst_path(s, path, sizeof path);
	lb_sst_t *w = sst_open(s, path);
	if (!w) {
		lb_rocks_set_err(s, sst_err(LB_EIO, path));
		return LB_ESTORE;
	}
	int err = lb_sst_add(w, 1, k, kl, v, vl);
	if (!err)
		err = lb_sst_finish(w);
	if (err) {
		lb_rocks_set_err(s, sst_err(err, path));
		lb_sst_free(s->sst); /* may hold the file open: a new one next time */
		s->sst = NULL;
		err = LB_ESTORE;
	} else {
		err = sst_ingest(s, path);
	}
	unlink(path); /* gone already when the ingestion moved it */
	return err;
}

static void putq_flush(lb_store_t *s);
static void put_mode(lb_store_t *s);

/* Whether a and b have the same key, whose bytes are at ka and kb. */
static inline int pend_eq(const struct pend *a, const uint8_t *ka, const struct pend *b,
			  const uint8_t *kb)
{
	return lb_pend_klen(a) == lb_pend_klen(b) && a->head == b->head && a->head2 == b->head2 &&
	       a->head3 == b->head3 && !memcmp(ka, kb, lb_pend_klen(a));
}

static inline int pend_same(const uint8_t *ar, const struct pend *a, const struct pend *b)
{
	return pend_eq(a, ar + lb_pend_off(a), b, ar + lb_pend_off(b));
}

/*
 * The keys lie in the arena in arrival order and are read in sorted order:
 * each a cache miss.  Read one by one inside the writer's loop, those misses
 * doubled RocksDB's cost per key (bench_sstwriter on the unique capture's
 * keys: 423-593 ns per key in order, 964-1071 from an arena in random
 * order).  So a commit first copies a slice of the sorted keys, with their
 * values, into a small buffer (a tight loop that keeps many fetches in
 * flight), then writes the slice from there.
 */
#define GATHER_BYTES (256u << 10)
/* keys ahead whose bytes the gather asks the CPU to fetch */
#define GATHER_AHEAD 16

/* Copy the operations pd[i..) into s->gbuf (offsets in s->goff), at least
 * one and up to GATHER_BYTES, never splitting a run of equal keys (one key
 * must become one operation); returns the end of the slice, i when out of
 * memory. */
static size_t gather(lb_store_t *s, size_t i, size_t hi)
{
	const uint8_t *ar = s->parena;
	const struct pend *pd = s->pend;
	size_t at = 0, q = i;
	for (; q < hi; q++) {
		size_t n = lb_pend_klen(&pd[q]) + lb_pend_vlen(&pd[q]);
		if (q > i && at + n > GATHER_BYTES && !pend_same(ar, &pd[q], &pd[q - 1]))
			break;
		if (q + GATHER_AHEAD < hi) {
			const struct pend *f = &pd[q + GATHER_AHEAD];
			__builtin_prefetch(ar + lb_pend_off(f));
			__builtin_prefetch(ar + lb_pend_off(f) + lb_pend_klen(f) + lb_pend_vlen(f) - 1);
		}
		if (at + n > s->gcap) { /* a long key, or a long run (kept for later) */
			size_t cap = s->gcap ? s->gcap : GATHER_BYTES;
			while (cap < at + n)
				cap *= 2;
			uint8_t *nb = realloc(s->gbuf, cap);
			if (!nb)
				return i; /* no progress: the caller reports it */
			s->gbuf = nb;
			s->gcap = cap;
		}
		if (q - i == s->gcapn) {
			size_t cn = s->gcapn ? s->gcapn * 2 : 4096;
			uint32_t *no = realloc(s->goff, cn * sizeof *no);
			if (!no)
				return i;
			s->goff = no;
			s->gcapn = cn;
		}
		memcpy(s->gbuf + at, ar + lb_pend_off(&pd[q]), n);
		s->goff[q - i] = (uint32_t)at;
		at += n;
	}
	return q;
}

/*
 * Write the sorted pending operations to the table file w (the write batch
 * when w is NULL), equal keys folded into one operand.  Returns RocksDB's
 * first error text (to free) or NULL.
 */
static char *write_ops(lb_store_t *s, lb_sst_t *w)
{
	const struct pend *pd = s->pend;
	size_t hi = s->npend;
	if (!s->gbuf) {
		s->gbuf = malloc(GATHER_BYTES);
		s->gcap = s->gbuf ? GATHER_BYTES : 0;
	}
	for (size_t lo = 0; lo < hi;) {
		size_t end = gather(s, lo, hi);
		if (end == lo) /* the error text is freed with free() */
			return strdup("out of memory: a commit's key buffer");
		const uint8_t *gb = s->gbuf;
		const uint32_t *go = s->goff;
		for (size_t i = lo; i < end;) {
			size_t j = i + 1;
			while (j < end && pend_eq(&pd[j], gb + go[j - lo], &pd[i], gb + go[i - lo]))
				j++;
			const char *k = (const char *)gb + go[i - lo];
			size_t kl = lb_pend_klen(&pd[i]);
			char *e;
			if (!lb_pend_vlen(&pd[i])) { /* a put */
				e = emit(s, w, 1, k, kl, "", 0);
			} else if (j == i + 1) {
				e = emit(s, w, 0, k, kl, k + kl, lb_pend_vlen(&pd[i]));
			} else {
				/* fold the run into one operand */
				lb_store_val_t acc, one;
				int days = (uint8_t)k[0] == LB_KT_RRSET, have = 0;
				for (size_t q = i; q < j; q++) {
					const uint8_t *v = gb + go[q - lo] + lb_pend_klen(&pd[q]);
					if (lb_val_decode(v, lb_pend_vlen(&pd[q]), have ? &one : &acc) != 0)
						continue; /* cannot happen: we encoded it */
					if (have)
						lb_store_val_merge(&acc, &one);
					have = 1;
				}
				size_t vl = lb_val_encode(&acc, s->vbuf, days);
				e = emit(s, w, 0, k, kl, (const char *)s->vbuf, vl);
			}
			if (e)
				return e;
			i = j;
		}
		lo = end;
	}
	return NULL;
}

void lb_rocks_sst_opts(lb_sst_opts_t *o)
{
	*o = (lb_sst_opts_t){
		.block_size = lb_rocks_block_size(),
		.restart = LB_STORE_BLOCK_RESTART,
		.merge_operator = LB_ROCKS_MERGE_NAME,
		.prefix_extractor = LB_ROCKS_PREFIX_NAME,
		.prefix = lb_rocks_key_prefix_len,
		.filter = 1,
	};
}

/* The table file of a large commit (sst.h: written by lookback in RocksDB's
 * block-based format, with the store's block size, restart interval and
 * prefix filter); the writer and its buffers are kept for the next one. */
static lb_sst_t *sst_open(lb_store_t *s, const char *path)
{
	if (s->sst)
		return lb_sst_reopen(s->sst, path) == 0 ? s->sst : NULL;
	lb_sst_opts_t o;
	lb_rocks_sst_opts(&o);
	if (lb_sst_open(&s->sst, path, &o) != 0)
		return NULL;
	return s->sst;
}

static int commit_pending(lb_store_t *s)
{
	if (!s->db || s->read_only)
		return 0;
	putq_flush(s);
	put_mode(s);
	int err = s->perr;
	s->perr = 0;
	lb_sst_t *w = NULL;
	char path[4200];
	if (!err && s->npend) {
		if (s->npend > s->capdig) {
			uint16_t *nd = lb_big_realloc(s->dig, s->cappend * sizeof *nd);
			if (nd) {
				s->dig = nd;
				s->capdig = s->cappend;
			}
		}
		if (s->npend <= s->capdig && s->npend >= SORT2_MIN_OPS && lb_cpu_count() > 1)
			pend_sort_2(s->parena, s->pend, s->dig, s->npend);
		else if (s->npend <= s->capdig)
			pend_radix_top(s->parena, s->pend, s->dig, s->npend);
		else
			pend_sort(s->parena, s->pend, s->npend, 0);
		/* A large commit (a window flush) is written as one sorted table
		 * file and ingested: no write-ahead log, no memtable, no sort at
		 * memtable flush - the pending operations are sorted already.
		 * (If the file cannot be opened: the batch.) */
		if (s->npend >= SST_MIN_OPS) {
			lb_rocks_sst_path(s, path, sizeof path);
			w = sst_open(s, path);
		}
		char *e = write_ops(s, w);
		if (e) {
			lb_rocks_set_err(s, e);
			err = LB_ESTORE;
		}
	}
	s->npend = 0;
	s->plen = 0;
	if (w) {
		int fe = err ? 0 : lb_sst_finish(w);
		if (fe) {
			lb_rocks_set_err(s, sst_err(fe, path));
			err = LB_ESTORE;
		}
		if (err) { /* the writer may hold the file open: a new one next time */
			lb_sst_free(s->sst);
			s->sst = NULL;
		}
		if (!err)
			err = sst_ingest(s, path);
		unlink(path); /* gone already when the ingestion moved it */
		return err;
	}
	if (err || rocksdb_writebatch_count(s->batch) == 0) {
		rocksdb_writebatch_clear(s->batch);
		return err;
	}
	char *e = NULL;
	rocksdb_write(s->db, s->wo, s->batch, &e);
	rocksdb_writebatch_clear(s->batch);
	if (e) {
		lb_rocks_set_err(s, e);
		return LB_ESTORE;
	}
	return 0;
}

int lb_store_commit(lb_store_t *s)
{
	int err = commit_pending(s);
	if (err)
		lb_rocks_put_seen_clear(s); /* what was skipped may not be on disk */
	return err;
}

void lb_store_discard(lb_store_t *s)
{
	s->putq_n = 0;
	s->npend = 0;
	s->plen = 0;
	s->perr = 0;
	lb_rocks_put_seen_clear(s); /* keys queued since the commit were marked as written */
}

static inline uint64_t load_be64(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, sizeof v);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	v = __builtin_bswap64(v);
#endif
	return v;
}

/* Queue one operation: key (kp, klen), value s->vbuf[0..vlen) (merge) or
 * empty (put); kerr: the key's builder failed. */
static void pend_add_raw(lb_store_t *s, const uint8_t *kp, size_t klen, int kerr, size_t vlen,
			 int put)
{
	if (s->perr)
		return;
	/* the limits of struct pend's fields: keys under 16 MiB (an rrset of
	 * LB_STORE_MAX_RDATA long rdata could be longer: refused), values of
	 * 1..4095 bytes for a merge (LB_VAL_MAX), the arena within 256 MiB (a
	 * commit comes at BATCH_MAX_BYTES, and one record adds far less) */
	size_t need = klen + (put ? 0 : vlen);
	if (kerr || klen >= (1u << LB_PEND_KLEN_BITS) ||
	    (put ? vlen != 0 : vlen == 0 || vlen >= (1u << LB_PEND_VLEN_BITS)) ||
	    s->plen + need > ((size_t)1 << LB_PEND_OFF_BITS)) {
		s->perr = kerr ? kerr : LB_EINVAL;
		return;
	}
	if (s->npend == s->cappend) {
		size_t cap = s->cappend ? s->cappend * 2 : 4096;
		struct pend *np = lb_big_realloc(s->pend, cap * sizeof *np);
		if (!np) {
			s->perr = LB_ENOMEM;
			return;
		}
		s->pend = np;
		s->cappend = cap;
	}
	if (s->plen + need > s->pcap) {
		size_t cap = s->pcap ? s->pcap : (1u << 20);
		while (cap < s->plen + need)
			cap *= 2;
		uint8_t *na = lb_big_realloc(s->parena, cap);
		if (!na) {
			s->perr = LB_ENOMEM;
			return;
		}
		s->parena = na;
		s->pcap = cap;
	}
	struct pend *p = &s->pend[s->npend++];
	uint8_t h[24] = { 0 };
	const uint8_t *hp = kp;
	if (klen < 24) {
		memcpy(h, kp, klen);
		hp = h;
	}
	p->head = load_be64(hp); /* big-endian: the words compare as the bytes */
	p->head2 = load_be64(hp + 8);
	p->head3 = load_be64(hp + 16);
	p->lv = (uint64_t)klen | (uint64_t)s->plen << LB_PEND_KLEN_BITS |
		(uint64_t)(put ? 0 : vlen) << (LB_PEND_KLEN_BITS + LB_PEND_OFF_BITS);
	memcpy(s->parena + s->plen, kp, klen);
	if (!put)
		memcpy(s->parena + s->plen + klen, s->vbuf, vlen);
	s->plen += need;
}

static void pend_add(lb_store_t *s, const lb_kbuf_t *k, size_t vlen, int put)
{
	pend_add_raw(s, k->p, k->len, k->err, vlen, put);
}

static void batch_merge(lb_store_t *s, const lb_kbuf_t *k, size_t vlen)
{
	pend_add(s, k, vlen, 0);
}

/*
 * Keys put with an empty value (forward and rdata index entries) are
 * idempotent: once written, writing them again changes nothing.  A window
 * flush re-adds every rrset it holds, so most of them were written by an
 * earlier flush of the same process; a bounded set of the 64-bit hashes of
 * the keys put so far skips those (a hash collision - about n / 2^64 per
 * key - would skip a needed entry).  Cleared when full, after a failed
 * commit, and when compaction may have deleted index keys (retention sweep).
 */
#define PUT_SEEN_MIN (1u << 16)   /* slots at first; doubled when half full */
#define PUT_SEEN_MAX (1u << 22)   /* then cleared when half full: 32 MiB */

/*
 * When the keys are mostly new (unique traffic, or the first window of a
 * run), the set only costs: a cache miss and a hash-table slot per key
 * (10% of a unique capture's ingest).  So the writer then checks and
 * remembers only a sample of the keys - those of the rrsets whose owner
 * name's hash has its low PUT_SAMPLE_BITS bits zero: the same keys every
 * time, and one hash per rrset decides for all its keys, the others not
 * hashed at all - and puts the others at once; a key put twice changes
 * nothing, it only costs its write.  (A target name's forward key is in the
 * sample with some of the rrsets that point at it and not with others.)  The
 * sample's keys are checked in both modes, and only they decide: when at
 * least 1 in PUT_REPEAT_DIV of their checks (over at least PUT_DECIDE_MIN)
 * found a key put before, every key is checked; when fewer, the sample
 * only.  (Deciding on every key in the full mode would swing back at once:
 * the keys outside the sample were not remembered while sampling.)  A new
 * writer starts sampling: nothing is known yet.
 */
#define PUT_SAMPLE_BITS 4
#define PUT_SAMPLE_MASK ((UINT64_C(1) << PUT_SAMPLE_BITS) - 1)
#define PUT_REPEAT_DIV 8
#define PUT_DECIDE_MIN 4096

void lb_rocks_put_seen_init(lb_store_t *s)
{
	lb_hset_init(&s->put_seen, PUT_SEEN_MIN, PUT_SEEN_MAX);
	s->put_sample = 1;
	s->put_probes = s->put_hits = 0;
}

/* At a commit: choose the mode for the next operations from the checks
 * made since it was last chosen. */
static void put_mode(lb_store_t *s)
{
	if (s->put_probes < PUT_DECIDE_MIN)
		return;
	int sample = s->put_hits * PUT_REPEAT_DIV < s->put_probes;
	if (sample != s->put_sample)
		s->wstats.mode_changes++;
	s->put_sample = sample;
	s->put_probes = s->put_hits = 0;
}

void lb_store_write_stats(const lb_store_t *s, lb_store_wstats_t *out)
{
	*out = s->wstats;
	out->sampling = s->put_sample;
}

void lb_rocks_put_seen_clear(lb_store_t *s)
{
	lb_hset_clear(&s->put_seen);
}

static uint64_t put_hash(const lb_store_t *s, const uint8_t *p, size_t n)
{
	return lb_hash64(p, n, s->put_seed); /* 0 is stored as 1 (util/hset.h) */
}

/* 1 if the key of hash h was put before (skip it), else remember it and
 * return 0. */
static int put_seen(lb_store_t *s, uint64_t h, int sampled)
{
	int r = lb_hset_add(&s->put_seen, h);
	if (r < 0) { /* full: start again */
		lb_hset_clear(&s->put_seen);
		r = lb_hset_add(&s->put_seen, h);
	}
	if (sampled) { /* the sample, checked in both modes */
		s->put_probes++;
		s->put_hits += r == 1;
	}
	if (r == 1) {
		s->wstats.puts_skipped++;
		return 1;
	}
	return 0; /* no memory for the shortcut: just write */
}

/*
 * The put_seen table is large (up to 32 MiB): a probe is a cache miss.  Puts
 * are staged a few at a time with their slots prefetched, then checked in
 * their order (so a key staged twice is still put once); longer keys, and
 * whatever is staged when a commit starts, are checked at once.
 */
static void putq_flush(lb_store_t *s)
{
	for (int i = 0; i < s->putq_n; i++) {
		const struct putq *q = &s->putq[i];
		if (!put_seen(s, q->h, q->sampled))
			pend_add_raw(s, s->putq_keys + q->off, q->len, 0, 0, 1);
	}
	s->putq_n = 0;
}

/* Put key k; sampled: its rrset is in the sample (lb_store_add_keyed). */
static void batch_put(lb_store_t *s, const lb_kbuf_t *k, int sampled)
{
	s->wstats.puts++;
	if (k->err) {
		pend_add(s, k, 0, 1); /* records the error */
		return;
	}
	if (s->put_sample && !sampled) {
		s->wstats.puts_unchecked++;
		pend_add(s, k, 0, 1);
		return;
	}
	uint64_t h = put_hash(s, k->p, k->len);
	if (k->len > LB_PUTQ_KEY_MAX) {
		putq_flush(s);
		if (!put_seen(s, h, sampled))
			pend_add(s, k, 0, 1);
		return;
	}
	lb_hset_prefetch(&s->put_seen, h);
	struct putq *q = &s->putq[s->putq_n];
	q->h = h;
	q->sampled = (uint8_t)sampled;
	q->off = (uint32_t)(s->putq_n * LB_PUTQ_KEY_MAX);
	q->len = (uint32_t)k->len;
	memcpy(s->putq_keys + q->off, k->p, k->len);
	if (++s->putq_n == LB_PUTQ_N)
		putq_flush(s);
}

/* rec's value with the ids of rec's source names (s->vtmp), or rec's own
 * value when it names no source. */
static int with_sources(lb_store_t *s, const lb_store_rec_t *rec, const lb_store_val_t **out)
{
	const char *const *names = rec->sources;
	size_t nn = rec->nsources;
	if (!nn && rec->sensor && *rec->sensor) {
		names = &rec->sensor;
		nn = 1;
	}
	lb_store_val_t *v = &s->vtmp;
	memcpy(v, &rec->val, offsetof(lb_store_val_t, runs));
	v->nruns = rec->val.nruns > LB_STORE_MAX_RUNS ? LB_STORE_MAX_RUNS : rec->val.nruns;
	memcpy(v->runs, rec->val.runs, v->nruns * sizeof v->runs[0]);
	v->nsrc = 0;
	v->src_more = rec->sources_more && nn;
	if (nn > LB_STORE_REC_SOURCES || (nn && !names))
		return LB_EINVAL;
	for (size_t i = 0; i < nn; i++) {
		uint32_t id, at = 0;
		if (!names[i])
			return LB_EINVAL;
		int err = lb_rocks_src_id(s, names[i], &id);
		if (err)
			return err;
		while (at < v->nsrc && v->src[at] < id)
			at++;
		if (at < v->nsrc && v->src[at] == id)
			continue;
		if (v->nsrc == LB_STORE_MAX_SOURCES) { /* keep the smallest ids */
			v->src_more = 1;
			if (at == LB_STORE_MAX_SOURCES)
				continue;
			v->nsrc--;
		}
		memmove(v->src + at + 1, v->src + at, (v->nsrc - at) * sizeof v->src[0]);
		v->src[at] = id;
		v->nsrc++;
	}
	*out = v;
	return 0;
}

int lb_store_add(lb_store_t *s, const lb_store_rec_t *rec)
{
	return lb_store_add_keyed(s, rec, NULL, 0);
}

int lb_store_add_keyed(lb_store_t *s, const lb_store_rec_t *rec, const uint8_t *key,
		       size_t key_len)
{
	if (s->read_only)
		return LB_EINVAL;
	lb_kbuf_t *k = &s->k;
	lb_kbuf_reset(k);
	size_t vl;
	const lb_store_val_t *val = &rec->val;
	if (rec->kind == LB_REC_RRSET || rec->kind == LB_REC_NEG) {
		if (rec->val.time_last > LB_TIME_MAX || rec->val.time_first > rec->val.time_last)
			return LB_EINVAL;
		int err = with_sources(s, rec, &val);
		if (err)
			return err;
	}
	switch (rec->kind) {
	case LB_REC_RRSET: {
		if (!rec->owner || rec->nrdata == 0 || rec->nrdata > LB_STORE_MAX_RDATA)
			return LB_EINVAL;
		vl = lb_val_encode(val, s->vbuf, 1);
		if (key) {
			pend_add_raw(s, key, key_len, 0, vl, 0);
		} else {
			lb_key_rrset(k, rec);
			if (k->err)
				return k->err;
			batch_merge(s, k, vl);
		}
		/* the sample: the index keys of the rrsets whose owner's hash
		 * has its low bits zero (one hash per rrset, not per key) */
		int smp = !(put_hash(s, rec->owner, rec->owner_len) & PUT_SAMPLE_MASK);
		lb_kbuf_reset(k);
		lb_key_fwd(k, LB_KT_FWD, rec->owner, rec->owner_len);
		batch_put(s, k, smp);
		/* the owner label-reversed, once for all its rdata: an rrset key
		 * holds it right after its table byte, up to its 00 */
		uint8_t robuf[LB_NAME_MAX];
		const uint8_t *ro = NULL;
		size_t rl = 0;
		if (key) {
			ro = key + 1;
			for (rl = 0; rl < key_len - 1 && ro[rl];)
				rl += 1 + (size_t)ro[rl];
		}
		if (!key || rl >= key_len - 1) { /* (a key handed over is whole: not reached) */
			ro = robuf;
			rl = lb_key_rowner(rec->owner, robuf);
		}
		/* format 2: rdata index entries are keys alone (a put, no merge);
		 * a lookup derives their counters from the rrsets (rocks_iter.c) */
		for (size_t i = 0; i < rec->nrdata; i++) {
			const uint8_t *target;
			size_t tl;
			lb_kbuf_reset(k);
			lb_key_rdata_r(k, rec, i, s->xdig, ro, rl, &target, &tl);
			if (k->err)
				return k->err;
			batch_put(s, k, smp);
			if (target) {
				lb_kbuf_reset(k);
				lb_key_fwd(k, LB_KT_GFWD, target, tl);
				batch_put(s, k, smp);
			}
		}
		break;
	}
	case LB_REC_NEG:
		if (!rec->owner)
			return LB_EINVAL;
		vl = lb_val_encode(val, s->vbuf, 0);
		if (key) {
			pend_add_raw(s, key, key_len, 0, vl, 0);
		} else {
			lb_key_neg(k, rec);
			batch_merge(s, k, vl);
		}
		break;
	case LB_REC_SENSOR: {
		size_t n = rec->sensor ? strlen(rec->sensor) : 0;
		if (n == 0 || n > LB_STORE_SENSOR_MAX)
			return LB_EINVAL;
		lb_kbuf_u8(k, LB_KT_META);
		lb_kbuf_u8(k, 's');
		lb_kbuf_put(k, rec->sensor, n);
		vl = lb_val_encode(&rec->val, s->vbuf, 0);
		batch_merge(s, k, vl);
		break;
	}
	default:
		return LB_EINVAL;
	}
	if (k->err)
		return k->err;
	if (s->perr)
		return s->perr;
	if (s->npend >= BATCH_MAX_OPS || s->plen >= BATCH_MAX_BYTES)
		return lb_store_commit(s);
	return 0;
}

