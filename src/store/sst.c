/*
 * sst.c - RocksDB block-based table files written directly (sst.h has the
 * layout and why).
 */
#include "store/sst.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>
#include <xxhash.h>

#include "util/err.h"
#include "util/mem.h"

#define SST_OUT_FLUSH (1u << 20)        /* write the output buffer past this */
#define SST_MAGIC 0x88e241b785f4cff7ull /* kBlockBasedTableMagicNumber */
#define SST_FORMAT 5
#define SST_CHECKSUM_XXH3 4
#define SST_TRAILER 5 /* compression type + checksum */
#define SST_FOOTER 53 /* 1 + 2 * 20 + 4 + 8 */

struct lb_sst {
	int fd;
	int failed;            /* an error was returned: nothing more is written */
	lb_sst_opts_t o;
	size_t dev_limit;      /* RocksDB's block_size_deviation (10%) threshold */
	/* output: finished blocks and the data block being built (from bstart) */
	uint8_t *out;
	size_t olen, ocap, bstart;
	uint64_t foff;         /* file offset of out[0] */
	/* the data block being built */
	uint32_t *rst;
	size_t nrst, crst;
	int counter;           /* entries since the last restart point */
	size_t est;            /* RocksDB's size estimate of the block */
	/* last internal key added */
	uint8_t *last;
	size_t llen, lcap;
	/* a finished data block whose index entry waits for the next key */
	int pend;
	uint64_t poff, psize;
	/* the index block */
	uint8_t *idx;
	size_t ilen, icap;
	uint32_t *irst;
	size_t nirst, cirst;
	/* the prefix filter: its hashes in order (adjacent repeats once) */
	int filter;
	uint64_t *fh;
	size_t nfh, cfh;
	size_t lpl;            /* the last key's prefix length (0: none) */
	int empty_added;       /* RocksDB's empty-prefix hash, added once */
	/* properties */
	uint64_t nentries, nmerge, raw_key, raw_val, ndata, data_size;
};

/* RocksDB's persistent 64-bit hash (util/hash.h Hash64(data, n)), which its
 * bloom filters use; looked up once in the loaded library. */
typedef uint64_t (*hash64_fn)(const char *, size_t);
static hash64_fn rocks_hash64;
static pthread_once_t hash_once = PTHREAD_ONCE_INIT;

static void hash_find(void)
{
	void *f = dlsym(RTLD_DEFAULT, "_ZN7rocksdb6Hash64EPKcm");
	memcpy(&rocks_hash64, &f, sizeof f);
}

int lb_sst_filter_available(void)
{
	pthread_once(&hash_once, hash_find);
	return rocks_hash64 != NULL;
}

/* Make room for need elements of size el in the array *b of *cap (doubling,
 * at least min); the contents are kept.  0 or LB_ENOMEM (*b unchanged). */
static int grow_el(void **b, size_t *cap, size_t need, size_t el, size_t min)
{
	size_t c = *cap ? *cap : min;
	while (c < need)
		c *= 2;
	void *n = realloc(*b, c * el);
	if (!n)
		return LB_ENOMEM;
	*b = n;
	*cap = c;
	return 0;
}

static inline int grow(uint8_t **b, size_t *cap, size_t need)
{
	if (need <= *cap)
		return 0;
	void *p = *b;
	int err = grow_el(&p, cap, need, 1, 4096);
	*b = p;
	return err;
}

static inline int grow32(uint32_t **b, size_t *cap, size_t need)
{
	if (need <= *cap)
		return 0;
	void *p = *b;
	int err = grow_el(&p, cap, need, sizeof **b, 256);
	*b = p;
	return err;
}

/* The length of the common prefix of a and b (n bytes each), 8 at a time. */
static inline size_t common_prefix(const uint8_t *a, const uint8_t *b, size_t n)
{
	size_t i = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	for (; i + 8 <= n; i += 8) {
		uint64_t x, y;
		memcpy(&x, a + i, 8);
		memcpy(&y, b + i, 8);
		if (x != y)
			return i + (size_t)(__builtin_ctzll(x ^ y) >> 3);
	}
#endif
	while (i < n && a[i] == b[i])
		i++;
	return i;
}

static inline size_t put_v64(uint8_t *p, uint64_t v)
{
	size_t n = 0;
	while (v >= 0x80) {
		p[n++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	p[n++] = (uint8_t)v;
	return n;
}

static inline size_t v_len(uint64_t v)
{
	size_t n = 1;
	while (v >= 0x80) {
		v >>= 7;
		n++;
	}
	return n;
}

static inline void put_u32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static inline void put_u64(uint8_t *p, uint64_t v)
{
	put_u32(p, (uint32_t)v);
	put_u32(p + 4, (uint32_t)(v >> 32));
}

static int write_all(int fd, const uint8_t *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			if (w == 0)
				errno = EIO;
			return LB_EIO;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Write out[0..bstart) (the finished blocks) to the file. */
static int out_flush(lb_sst_t *w)
{
	if (!w->bstart)
		return 0;
	int err = write_all(w->fd, w->out, w->bstart);
	if (err)
		return err;
#ifdef SYNC_FILE_RANGE_WRITE
	/* start writing these bytes to the disk now (it does not wait for
	 * them): lb_sst_finish's fdatasync then waits for the last of them
	 * only, not for the whole file (28-33 ms of a one-core ingest's wall
	 * time for each 15-20 MB table of the bench capture; on the unique
	 * capture the sync waits summed 0.36 -> 0.19 s, strace -f -T); only
	 * the speed depends on it */
	(void)sync_file_range(w->fd, (off_t)w->foff, (off_t)w->bstart, SYNC_FILE_RANGE_WRITE);
#endif
	memmove(w->out, w->out + w->bstart, w->olen - w->bstart);
	w->foff += w->bstart;
	w->olen -= w->bstart;
	w->bstart = 0;
	return 0;
}

/* Close the block at out[bstart..olen) whose restart points are rst[0..nr):
 * append them, their count and the trailer.  Its handle in *off, *size. */
static int block_end(lb_sst_t *w, const uint32_t *rst, size_t nr, uint64_t *off, uint64_t *size)
{
	if (grow(&w->out, &w->ocap, w->olen + 4 * nr + 4 + SST_TRAILER))
		return LB_ENOMEM;
	uint8_t *p = w->out + w->olen;
	for (size_t i = 0; i < nr; i++, p += 4)
		put_u32(p, rst[i]);
	put_u32(p, (uint32_t)nr);
	p += 4;
	size_t len = (size_t)(p - (w->out + w->bstart));
	*p = 0; /* no compression */
	put_u32(p + 1, (uint32_t)XXH3_64bits(w->out + w->bstart, len));
	*off = w->foff + w->bstart;
	*size = len;
	w->olen = (size_t)(p - w->out) + SST_TRAILER;
	w->bstart = w->olen;
	return 0;
}

/* A whole block from its entries e[0..n) and restart points. */
static int block_put(lb_sst_t *w, const uint8_t *e, size_t n, const uint32_t *rst, size_t nr,
		     uint64_t *off, uint64_t *size)
{
	if (grow(&w->out, &w->ocap, w->olen + n))
		return LB_ENOMEM;
	memcpy(w->out + w->olen, e, n);
	w->olen += n;
	return block_end(w, rst, nr, off, size);
}

int lb_sst_open(lb_sst_t **out, const char *path, const lb_sst_opts_t *o)
{
	*out = NULL;
	if (!o || o->block_size == 0 || o->restart < 1)
		return LB_EINVAL;
	lb_sst_t *w = calloc(1, sizeof *w);
	if (!w)
		return LB_ENOMEM;
	w->o = *o;
	w->dev_limit = (o->block_size * (100 - 10) + 99) / 100;
	w->fd = -1;
	w->filter = o->prefix && o->filter && lb_sst_filter_available();
	if (grow(&w->out, &w->ocap, SST_OUT_FLUSH + o->block_size + 4096) ||
	    grow32(&w->rst, &w->crst, 64)) {
		lb_sst_free(w);
		return LB_ENOMEM;
	}
	int err = lb_sst_reopen(w, path);
	if (err) {
		int e = errno;
		lb_sst_free(w);
		errno = e;
		return err;
	}
	*out = w;
	return 0;
}

int lb_sst_reopen(lb_sst_t *w, const char *path)
{
	if (w->fd >= 0)
		close(w->fd);
	w->failed = 0;
	w->olen = w->bstart = 0;
	w->foff = 0;
	w->rst[0] = 0;
	w->nrst = 1;
	w->counter = 0;
	w->est = 8;
	w->llen = 0;
	w->pend = 0;
	w->ilen = w->nirst = 0;
	w->nfh = w->lpl = 0;
	w->empty_added = 0;
	w->nentries = w->nmerge = w->raw_key = w->raw_val = w->ndata = w->data_size = 0;
	w->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (w->fd < 0) {
		w->failed = 1;
		return LB_EIO;
	}
	return 0;
}

size_t lb_sst_count(const lb_sst_t *w)
{
	return (size_t)w->nentries;
}

/* End the data block being built (it has entries). */
static int data_end(lb_sst_t *w)
{
	int err = block_end(w, w->rst, w->nrst, &w->poff, &w->psize);
	if (err)
		return err;
	w->pend = 1;
	w->ndata++;
	w->data_size += w->psize + SST_TRAILER;
	w->rst[0] = 0;
	w->nrst = 1;
	w->counter = 0;
	w->est = 8;
	if (w->olen >= SST_OUT_FLUSH)
		return out_flush(w);
	return 0;
}

/* The index entry of the pending block: its key is sep[0..sl), the last
 * byte raised by one when inc; its value the block's handle. */
static int index_add(lb_sst_t *w, const uint8_t *sep, size_t sl, int inc)
{
	if (grow(&w->idx, &w->icap, w->ilen + sl + 30) || grow32(&w->irst, &w->cirst, w->nirst + 1))
		return LB_ENOMEM;
	w->irst[w->nirst++] = (uint32_t)w->ilen;
	uint8_t *p = w->idx + w->ilen;
	p += put_v64(p, 0);
	p += put_v64(p, sl);
	memcpy(p, sep, sl);
	if (inc)
		p[sl - 1]++;
	p += sl;
	p += put_v64(p, w->poff);
	p += put_v64(p, w->psize);
	w->ilen = (size_t)(p - w->idx);
	w->pend = 0;
	return 0;
}

/* The bytewise comparator's shortest separator s, start <= s < limit, as
 * RocksDB computes it (start is the last key of a block, limit the first of
 * the next): s is start's first *n bytes, the last of them raised by one when
 * the function returns 1. */
static int separator(size_t *n, const uint8_t *start, size_t sl, const uint8_t *limit, size_t ll)
{
	size_t min = sl < ll ? sl : ll, d = 0;
	while (d < min && start[d] == limit[d])
		d++;
	*n = sl;
	if (d >= min || start[d] >= limit[d])
		return 0; /* one a prefix of the other: unchanged */
	if (d < ll - 1 || start[d] + 1 < limit[d]) {
		*n = d + 1;
		return 1;
	}
	for (d++; d < sl; d++) {
		if (start[d] < 0xff) {
			*n = d + 1;
			return 1;
		}
	}
	return 0;
}

static int hash_push(lb_sst_t *w, uint64_t h)
{
	if (w->nfh && w->fh[w->nfh - 1] == h)
		return 0;
	if (w->nfh == w->cfh) { /* up to 8 bytes per key of a large table: huge pages */
		size_t c = w->cfh ? w->cfh * 2 : 4096;
		uint64_t *p = c <= SIZE_MAX / sizeof *p ? lb_big_realloc(w->fh, c * sizeof *p) : NULL;
		if (!p)
			return LB_ENOMEM;
		w->fh = p;
		w->cfh = c;
	}
	w->fh[w->nfh++] = h;
	return 0;
}

/* The filter's hashes for key k (sh bytes in common with the last key), in
 * RocksDB's order: on the first key after one that has a prefix, the empty
 * prefix's hash, once (FullFilterBlockBuilder with whole-key filtering off);
 * then the key's prefix's hash, unless it is the last key's prefix and
 * nothing came between (its hash would be the adjacent repeat). */
static int filter_add(lb_sst_t *w, const uint8_t *k, size_t kl, size_t sh)
{
	int err, empty_now = 0;
	if (!w->empty_added && w->lpl) {
		if ((err = hash_push(w, rocks_hash64("", 0))))
			return err;
		w->empty_added = empty_now = 1;
	}
	size_t pl = w->o.prefix(k, kl);
	if (pl && (empty_now || pl != w->lpl || sh < pl) &&
	    (err = hash_push(w, rocks_hash64((const char *)k, pl))))
		return err;
	w->lpl = pl;
	return 0;
}

int lb_sst_add(lb_sst_t *w, int put, const void *kv, size_t kl, const void *v, size_t vl)
{
	const uint8_t *k = kv;
	if (w->failed)
		return LB_EINVAL;
	size_t lul = w->llen ? w->llen - 8 : 0; /* last user key's length */
	size_t min = lul < kl ? lul : kl, sh = common_prefix(w->last, k, min);
	if (w->nentries && (sh == min ? lul >= kl : w->last[sh] > k[sh]))
		return LB_EINVAL; /* not strictly after the last key */
	size_t ikl = kl + 8;
	int err;
	if (w->filter && (err = filter_add(w, k, kl, sh)))
		goto fail;
	if (w->olen > w->bstart) { /* RocksDB's FlushBlockBySizePolicy */
		size_t after = w->est + ikl + vl + (w->counter >= w->o.restart ? 4 : 0) + 4 +
			       v_len(ikl) + v_len(vl);
		if (w->est >= w->o.block_size || (after > w->o.block_size && w->est > w->dev_limit)) {
			if ((err = data_end(w)))
				goto fail;
		}
	}
	if (w->pend) {
		size_t n;
		int inc = separator(&n, w->last, lul, k, kl);
		if ((err = index_add(w, w->last, n, inc)))
			goto fail;
	}
	uint8_t trailer[8] = { put ? 1 : 2, 0, 0, 0, 0, 0, 0, 0 };
	size_t shared = 0;
	if (w->counter >= w->o.restart) {
		if ((err = grow32(&w->rst, &w->crst, w->nrst + 1)))
			goto fail;
		w->rst[w->nrst++] = (uint32_t)(w->olen - w->bstart);
		w->est += 4;
		w->counter = 0;
	} else if (w->counter > 0) {
		/* the shared prefix of the internal keys: past the user keys' one
		 * only when the last key is a prefix of k (its trailer, then) */
		size_t i = sh, lim = w->llen < ikl ? w->llen : ikl;
		while (i < lim && w->last[i] == (i < kl ? k[i] : trailer[i - kl]))
			i++;
		shared = i;
	}
	size_t nonshared = ikl - shared;
	size_t need = 15 + nonshared + vl;
	if ((err = grow(&w->out, &w->ocap, w->olen + need)) ||
	    (err = grow(&w->last, &w->lcap, ikl)))
		goto fail;
	uint8_t *p = w->out + w->olen, *p0 = p;
	p += put_v64(p, shared);
	p += put_v64(p, nonshared);
	p += put_v64(p, vl);
	if (shared < kl) {
		memcpy(p, k + shared, kl - shared);
		p += kl - shared;
		memcpy(p, trailer, 8);
		p += 8;
	} else {
		memcpy(p, trailer + (shared - kl), ikl - shared);
		p += ikl - shared;
	}
	if (vl)
		memcpy(p, v, vl);
	p += vl;
	w->olen += (size_t)(p - p0);
	w->est += (size_t)(p - p0);
	w->counter++;
	memcpy(w->last + sh, k + sh, kl - sh);
	memcpy(w->last + kl, trailer, 8);
	w->llen = ikl;
	w->nentries++;
	w->nmerge += !put;
	w->raw_key += ikl;
	w->raw_val += vl;
	return 0;
fail:
	w->failed = 1;
	return err;
}

/* ---- finish: index, properties, metaindex, footer ---- */

struct prop {
	const char *name;
	const uint8_t *v;
	size_t n;
};

/* 20 bytes that no other table file's session id is made of: the kernel's
 * random bytes (not waiting for its pool), else a hash of the time, the
 * process, a counter and this call's stack address - uniqueness is all a
 * session id needs. */
static void session_bytes(uint8_t rnd[20])
{
	size_t got = 0;
	while (got < 20) {
		ssize_t r = getrandom(rnd + got, 20 - got, GRND_NONBLOCK);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	if (got == 20)
		return;
	static _Atomic uint64_t seq;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	uint64_t in[5] = { (uint64_t)ts.tv_sec, (uint64_t)ts.tv_nsec, (uint64_t)getpid(),
			   atomic_fetch_add(&seq, 1), (uint64_t)(uintptr_t)&ts };
	XXH128_hash_t a = XXH3_128bits(in, sizeof in);
	in[3] ^= 0x9e3779b97f4a7c15ull;
	XXH128_hash_t b = XXH3_128bits(in, sizeof in);
	memcpy(rnd, &a, 16);
	memcpy(rnd + 16, &b, 4);
}

static int props_block(lb_sst_t *w, uint64_t *off, uint64_t *size, uint64_t index_size,
		       uint64_t filter_size)
{
	char host[256] = "";
	if (gethostname(host, sizeof host - 1) != 0)
		host[0] = 0;
	static const char b36[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
	uint8_t rnd[20];
	session_bytes(rnd);
	char sess[20];
	for (int i = 0; i < 20; i++)
		sess[i] = b36[rnd[i] % 36];
	const char *mop = w->o.merge_operator ? w->o.merge_operator : "nullptr";
	const char *pfx = w->o.prefix_extractor ? w->o.prefix_extractor : "nullptr";
	static const char copts[] = "window_bits=-14; level=32767; strategy=0; max_dict_bytes=0; "
				    "zstd_max_train_bytes=0; enabled=0; max_dict_buffer_bytes=0; "
				    "use_zstd_dict_trainer=1; ";
	uint8_t nums[10][10], zero32[4] = { 0 }, zero64[8] = { 0 }, ver2[4] = { 2, 0, 0, 0 };
	size_t nl[10];
	uint64_t vals[10] = { w->data_size, index_size, w->nmerge, w->ndata,
			      w->nentries, w->raw_key, w->raw_val, 0x7fffffff,
			      filter_size, w->nfh };
	for (int i = 0; i < 10; i++)
		nl[i] = put_v64(nums[i], vals[i]);
	static const uint8_t z[1] = { 0 }, one[1] = { 1 }, c0[1] = { '0' }, c1[1] = { '1' };
	const struct prop pr[] = { /* sorted by name */
		{ "rocksdb.block.based.table.index.type", zero32, 4 },
		{ "rocksdb.block.based.table.prefix.filtering", w->o.prefix_extractor ? c1 : c0, 1 },
		{ "rocksdb.block.based.table.whole.key.filtering", w->o.prefix_extractor ? c0 : c1, 1 },
		{ "rocksdb.column.family.id", nums[7], nl[7] },
		{ "rocksdb.comparator", (const uint8_t *)"leveldb.BytewiseComparator", 26 },
		{ "rocksdb.compression", (const uint8_t *)"NoCompression", 13 },
		{ "rocksdb.compression_options", (const uint8_t *)copts, sizeof copts - 1 },
		{ "rocksdb.creating.db.identity", (const uint8_t *)"lookback", 8 },
		{ "rocksdb.creating.host.identity", (const uint8_t *)host, strlen(host) },
		{ "rocksdb.creating.session.identity", (const uint8_t *)sess, 20 },
		{ "rocksdb.creation.time", z, 1 },
		{ "rocksdb.data.size", nums[0], nl[0] },
		{ "rocksdb.deleted.keys", z, 1 },
		{ "rocksdb.external_sst_file.global_seqno", zero64, 8 },
		{ "rocksdb.external_sst_file.version", ver2, 4 },
		{ "rocksdb.filter.policy", (const uint8_t *)"bloomfilter", w->filter ? 11 : 0 },
		{ "rocksdb.filter.size", nums[8], nl[8] },
		{ "rocksdb.fixed.key.length", z, 1 },
		{ "rocksdb.format.version", z, 1 },
		{ "rocksdb.index.key.is.user.key", one, 1 },
		{ "rocksdb.index.size", nums[1], nl[1] },
		{ "rocksdb.index.value.is.delta.encoded", one, 1 },
		{ "rocksdb.merge.operands", nums[2], nl[2] },
		{ "rocksdb.merge.operator", (const uint8_t *)mop, strlen(mop) },
		{ "rocksdb.num.data.blocks", nums[3], nl[3] },
		{ "rocksdb.num.entries", nums[4], nl[4] },
		{ "rocksdb.num.filter_entries", nums[9], nl[9] },
		{ "rocksdb.num.range-deletions", z, 1 },
		{ "rocksdb.oldest.key.time", z, 1 },
		{ "rocksdb.original.file.number", one, 1 },
		{ "rocksdb.prefix.extractor.name", (const uint8_t *)pfx, strlen(pfx) },
		{ "rocksdb.property.collectors", (const uint8_t *)"[]", 2 },
		{ "rocksdb.raw.key.size", nums[5], nl[5] },
		{ "rocksdb.raw.value.size", nums[6], nl[6] },
	};
	size_t np = sizeof pr / sizeof pr[0], cap = 0;
	for (size_t i = 0; i < np; i++)
		cap += strlen(pr[i].name) + pr[i].n + 15;
	uint8_t *b = malloc(cap);
	if (!b)
		return LB_ENOMEM;
	/* one restart point: each name shares what it can with the one before */
	uint8_t *p = b;
	const char *prev = "";
	for (size_t i = 0; i < np; i++) {
		if (!pr[i].n && pr[i].v != z) /* a name without a value: not written */
			continue;
		size_t kl = strlen(pr[i].name), sh = 0;
		while (prev[sh] && prev[sh] == pr[i].name[sh])
			sh++;
		p += put_v64(p, sh);
		p += put_v64(p, kl - sh);
		p += put_v64(p, pr[i].n);
		memcpy(p, pr[i].name + sh, kl - sh);
		p += kl - sh;
		memcpy(p, pr[i].v, pr[i].n);
		p += pr[i].n;
		prev = pr[i].name;
	}
	const uint32_t r0 = 0;
	int err = block_put(w, b, (size_t)(p - b), &r0, 1, off, size);
	free(b);
	return err;
}

/* A metaindex entry at p (no shared bytes): name -> handle; past its end. */
static uint8_t *meta_entry(uint8_t *p, const char *name, uint64_t off, uint64_t size)
{
	uint8_t h[20];
	size_t hl = put_v64(h, off), nl = strlen(name);
	hl += put_v64(h + hl, size);
	p += put_v64(p, 0);
	p += put_v64(p, nl);
	p += put_v64(p, hl);
	memcpy(p, name, nl);
	p += nl;
	memcpy(p, h, hl);
	return p + hl;
}

/* The filter block (w->nfh > 0): 10 bits per hash rounded up to whole
 * 64-byte lines, 6 probes each, then RocksDB's 5 bytes of metadata (-1: a
 * newer implementation, 0: fast local bloom, the probe count, 2 bytes 0). */
static int filter_block(lb_sst_t *w, uint64_t *off, uint64_t *size)
{
	enum { MILLIBITS = 10000, PROBES = 6 };
	uint64_t raw = ((uint64_t)w->nfh * MILLIBITS + 7999) / 8000;
	if (raw > 0xffffffc0u)
		raw = 0xffffffc0u;
	size_t len = (size_t)((raw + 63) & ~(uint64_t)63);
	uint32_t lines = (uint32_t)(len >> 6);
	if (grow(&w->out, &w->ocap, w->olen + len + 5 + SST_TRAILER))
		return LB_ENOMEM;
	uint8_t *f = w->out + w->olen;
	memset(f, 0, len + 5);
	for (size_t i = 0; i < w->nfh; i++) {
		if (i + 16 < w->nfh) /* the lines are random: fetch ahead */
			__builtin_prefetch(f + (((uint64_t)(uint32_t)w->fh[i + 16] * lines) >> 32 << 6), 1);
		uint64_t hv = w->fh[i];
		uint8_t *line = f + (((uint64_t)(uint32_t)hv * lines) >> 32 << 6);
		uint32_t h = (uint32_t)(hv >> 32);
		for (int q = 0; q < PROBES; q++, h *= 0x9e3779b9u) {
			uint32_t bit = h >> 23; /* 9 bits: the bit within the 512-bit line */
			line[bit >> 3] |= (uint8_t)(1u << (bit & 7));
		}
	}
	f[len] = 0xff;
	f[len + 2] = PROBES;
	w->olen += len + 5;
	uint8_t *p = w->out + w->olen;
	*p = 0;
	put_u32(p + 1, (uint32_t)XXH3_64bits(w->out + w->bstart, len + 5));
	*off = w->foff + w->bstart;
	*size = len + 5;
	w->olen += SST_TRAILER;
	w->bstart = w->olen;
	return 0;
}

int lb_sst_finish(lb_sst_t *w)
{
	int err;
	if (w->failed || w->fd < 0)
		return LB_EINVAL;
	if (!w->nentries) {
		err = LB_EINVAL;
		goto fail;
	}
	if (w->olen > w->bstart && (err = data_end(w)))
		goto fail;
	if (w->pend && (err = index_add(w, w->last, w->llen - 8, 0)))
		goto fail;
	uint64_t ioff, isize, poff, psize, moff, msize, foff = 0, fsize = 0;
	if (w->nfh && (err = filter_block(w, &foff, &fsize)))
		goto fail;
	if ((err = block_put(w, w->idx, w->ilen, w->irst, w->nirst, &ioff, &isize)) ||
	    (err = props_block(w, &poff, &psize, isize + SST_TRAILER, fsize)))
		goto fail;
	/* metaindex: the filter's and the properties' handles by name (in
	 * order), each entry a restart point */
	uint8_t m[160], *p = m;
	uint32_t mr[2];
	size_t nm = 0;
	if (fsize) {
		mr[nm++] = 0;
		p = meta_entry(p, "fullfilter.rocksdb.BuiltinBloomFilter", foff, fsize);
	}
	mr[nm++] = (uint32_t)(p - m);
	p = meta_entry(p, "rocksdb.properties", poff, psize);
	if ((err = block_put(w, m, (size_t)(p - m), mr, nm, &moff, &msize)))
		goto fail;
	uint8_t f[SST_FOOTER] = { SST_CHECKSUM_XXH3 };
	size_t fl = 1;
	fl += put_v64(f + fl, moff);
	fl += put_v64(f + fl, msize);
	fl += put_v64(f + fl, ioff);
	fl += put_v64(f + fl, isize);
	put_u32(f + 41, SST_FORMAT);
	put_u64(f + 45, SST_MAGIC);
	if ((err = grow(&w->out, &w->ocap, w->olen + sizeof f)))
		goto fail;
	memcpy(w->out + w->olen, f, sizeof f);
	w->olen += sizeof f;
	w->bstart = w->olen;
	if ((err = out_flush(w)))
		goto fail;
	if (fdatasync(w->fd) != 0) {
		err = LB_EIO;
		goto fail;
	}
	int fd = w->fd;
	w->fd = -1;
	if (close(fd) != 0) {
		err = LB_EIO;
		goto fail;
	}
	w->failed = 1; /* finished: nothing more is added */
	return 0;
fail:
	w->failed = 1;
	return err;
}

void lb_sst_free(lb_sst_t *w)
{
	if (!w)
		return;
	if (w->fd >= 0) {
		int e = errno;
		close(w->fd);
		errno = e;
	}
	free(w->out);
	free(w->rst);
	free(w->last);
	free(w->idx);
	free(w->irst);
	lb_big_free(w->fh);
	free(w);
}
