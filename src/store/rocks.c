/*
 * rocks.c - the store on RocksDB (C API).  One key space, tables by first
 * byte (keys.h), values merged by lb_val_merge_bytes() in RocksDB's merge
 * operator, retention applied by a compaction filter and hidden at read time.
 */
#include "store/store.h"

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <rocksdb/c.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "dns/name.h"
#include "dns/rdata.h"
#include "dns/rrtype.h"
#include "store/keys.h"
#include "store/rocks_impl.h"
#include "util/hash.h"

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
static void sst_path(const lb_store_t *s, char *p, size_t n);
/* Data block size: lookups decompress (or find in the cache) one block per
 * level they touch; small blocks keep that cheap, zstd's dictionary keeps
 * them small on disk.  8 KiB against 32 KiB, 3.58M-rrset store, 32 MiB cache:
 * exact lookup p99 2.0 ms -> 0.10 ms for 5% more bytes.  Overridable for
 * measurements (environment LOOKBACK_BLOCK_KB). */
#define LB_STORE_BLOCK_SIZE block_size()
static size_t block_size(void)
{
	const char *e = getenv("LOOKBACK_BLOCK_KB");
	long kb = e ? atol(e) : 0;
	return (kb > 0 && kb <= 1024 ? (size_t)kb : 8) * 1024;
}

/* Source ids: at most SRC_MAX_IDS distinct sources per store. */
/* struct lb_store and struct pend: store/rocks_impl.h */

void lb_rocks_set_err(lb_store_t *s, char *e)
{
	if (!e)
		return;
	pthread_mutex_lock(&s->errlock);
	char *old = s->errmsg;
	s->errmsg = e;
	pthread_mutex_unlock(&s->errlock);
	free(old);
}

const char *lb_store_errmsg(const lb_store_t *s, int err)
{
	static _Thread_local char buf[512];
	if (!s)
		return lb_strerror(err);
	lb_store_t *m = (lb_store_t *)s;   /* the lock only, no state changes */
	const char *r = lb_strerror(err);
	pthread_mutex_lock(&m->errlock);
	if (s->errmsg && err == LB_ESTORE) {
		snprintf(buf, sizeof buf, "%s: %s", lb_strerror(err), s->errmsg);
		r = buf;
	} else if (s->errmsg && (err == LB_ECORRUPT || err == LB_EVERSION || err == LB_ENOENT)) {
		snprintf(buf, sizeof buf, "%s", s->errmsg);
		r = buf;
	}
	pthread_mutex_unlock(&m->errlock);
	return r;
}

int lb_rocks_iter_err(lb_store_t *s, rocksdb_iterator_t *ri)
{
	char *e = NULL;
	rocksdb_iter_get_error(ri, &e);
	if (e) {
		lb_rocks_set_err(s, e);
		return LB_ESTORE;
	}
	return 0;
}

void lb_rocks_set_msg(lb_store_t *s, const char *m)
{
	lb_rocks_set_err(s, strdup(m));
}

/* ---- merge operator and compaction filter ---- */

static char *merge_common(lb_store_t *s, const char *key, size_t klen, const uint8_t *const *ops,
			  const size_t *lens, int n, unsigned char *success, size_t *outlen)
{
	uint8_t tmp[LB_VAL_MAX];
	unsigned bad = 0;
	int days = klen > 0 && key[0] == LB_KT_RRSET;
	size_t len = lb_val_merge_bytes(ops, lens, n, days, tmp, &bad);
	if (bad)
		atomic_fetch_add(&s->merge_bad, bad);
	char *out = len ? malloc(len) : NULL;
	if (!out) {
		*success = 0;
		*outlen = 0;
		return NULL;
	}
	memcpy(out, tmp, len);
	*success = 1;
	*outlen = len;
	return out;
}

static char *full_merge(void *st, const char *key, size_t klen, const char *exist, size_t exlen,
			const char *const *ops, const size_t *lens, int n, unsigned char *success,
			size_t *outlen)
{
	if (n < 0 || n > 1000000) {
		*success = 0;
		return NULL;
	}
	const uint8_t **all = malloc(sizeof(*all) * ((size_t)n + 1));
	size_t *alen = malloc(sizeof(*alen) * ((size_t)n + 1));
	char *r = NULL;
	if (!all || !alen) {
		*success = 0;
		goto out;
	}
	int m = 0;
	if (exist) {
		all[m] = (const uint8_t *)exist;
		alen[m++] = exlen;
	}
	for (int i = 0; i < n; i++) {
		all[m] = (const uint8_t *)ops[i];
		alen[m++] = lens[i];
	}
	r = merge_common(st, key, klen, all, alen, m, success, outlen);
out:
	free(all);
	free(alen);
	return r;
}

static char *partial_merge(void *st, const char *key, size_t klen, const char *const *ops,
			   const size_t *lens, int n, unsigned char *success, size_t *outlen)
{
	return merge_common(st, key, klen, (const uint8_t *const *)ops, lens, n, success, outlen);
}

static void merge_delete(void *st, const char *v, size_t len)
{
	(void)st;
	(void)len;
	free((void *)v);
}

static const char *merge_name(void *st)
{
	(void)st;
	return "lookback.minmaxsum.v1";
}

static void nop_destroy(void *st) { (void)st; }

uint64_t lb_rocks_cutoff(uint32_t days)
{
	uint64_t now = (uint64_t)time(NULL);
	uint64_t span = (uint64_t)days * 86400;
	return now > span ? now - span : 0;
}

int lb_rocks_expired(const lb_store_val_t *v, uint64_t cutoff)
{
	uint64_t last = v->time_last > v->zone_last ? v->time_last : v->zone_last;
	return last < cutoff;
}

static unsigned char cfilter(void *st, int level, const char *key, size_t klen, const char *val,
			     size_t vlen, char **nv, size_t *nvlen, unsigned char *changed)
{
	(void)level;
	(void)nv;
	(void)nvlen;
	lb_store_t *s = st;
	*changed = 0;
	uint32_t days = atomic_load(&s->retain);
	if (!days || klen == 0)
		return 0;
	switch (key[0]) {
	case LB_KT_RRSET: case LB_KT_IP: case LB_KT_NAME: case LB_KT_RAW: case LB_KT_NEG:
		break;
	default:
		return 0;
	}
	if (vlen == 0)
		return 0; /* a format-2 rdata index key: lb_store_compact sweeps orphans */
	lb_store_val_t v;
	if (lb_val_decode((const uint8_t *)val, vlen, &v) != 0)
		return 0; /* never destroy what we cannot read */
	return lb_rocks_expired(&v, lb_rocks_cutoff(days)) ? 1 : 0;
}

static const char *cfilter_name(void *st)
{
	(void)st;
	return "lookback.retention.v1";
}

/* ---- prefix extractor (bloom filters for exact lookups) ----
 *
 * The prefix of a key is the part an exact lookup seeks with: 'R' 'N' 'Z':
 * the table byte and the label-reversed name with its 00 terminator; 'I':
 * family and address; 'X': the length-prefixed rdata.  Other keys (meta,
 * forward indexes) are outside the domain.  Each prefix set is prefix-free
 * (terminated names, fixed-size addresses, self-delimiting lengths), so the
 * prefix order follows the key order as RocksDB requires. */

size_t lb_rocks_key_prefix_len(const uint8_t *k, size_t len)
{
	if (len < 2)
		return 0;
	switch (k[0]) {
	case LB_KT_RRSET: case LB_KT_NAME: case LB_KT_NEG:
		for (size_t p = 1; p < len;) {
			if (k[p] == 0)
				return p + 1;
			if (k[p] > 63)
				return 0;
			p += 1 + (size_t)k[p];
		}
		return 0;
	case LB_KT_IP:
		if (k[1] == 4)
			return len >= 6 ? 6 : 0;
		if (k[1] == 6)
			return len >= 18 ? 18 : 0;
		return 0;
	case LB_KT_RAW: {
		uint64_t v = 0;
		size_t p = 1;
		for (int sh = 0; p < len && sh < 35; sh += 7) {
			uint8_t b = k[p++];
			v |= (uint64_t)(b & 0x7f) << sh;
			if (!(b & 0x80))
				return v <= len - p ? p + (size_t)v : 0;
		}
		return 0;
	}
	default:
		return 0;
	}
}

static char *pfx_transform(void *st, const char *key, size_t len, size_t *dst)
{
	(void)st;
	*dst = lb_rocks_key_prefix_len((const uint8_t *)key, len);
	return (char *)key;
}

static unsigned char pfx_in_domain(void *st, const char *key, size_t len)
{
	(void)st;
	return lb_rocks_key_prefix_len((const uint8_t *)key, len) != 0;
}

static unsigned char pfx_in_range(void *st, const char *key, size_t len)
{
	(void)st;
	return lb_rocks_key_prefix_len((const uint8_t *)key, len) == len;
}

static const char *pfx_name(void *st)
{
	(void)st;
	return "lookback.prefix.v1";
}

/* ---- open / close ---- */

static const uint8_t KEY_FORMAT[2] = { LB_KT_META, 'f' };
static const uint8_t KEY_RETAIN[2] = { LB_KT_META, 'r' };

/* Remember name for id (under srclock).  0 or LB_ENOMEM / LB_ECORRUPT. */
static int src_set(lb_store_t *s, uint32_t id, const char *name, size_t n)
{
	if (id >= SRC_MAX_IDS || n == 0 || n > LB_STORE_SENSOR_MAX || memchr(name, 0, n))
		return LB_ECORRUPT;
	size_t c = id / SRC_CHUNK;
	if (!s->srcname[c]) {
		s->srcname[c] = calloc(SRC_CHUNK, sizeof s->srcname[c][0]);
		if (!s->srcname[c])
			return LB_ENOMEM;
	}
	memcpy(s->srcname[c][id % SRC_CHUNK], name, n);
	s->srcname[c][id % SRC_CHUNK][n] = 0;
	if (id >= s->src_next)
		s->src_next = id + 1;
	return 0;
}

static const char *src_get(const lb_store_t *s, uint32_t id)
{
	if (id >= SRC_MAX_IDS || !s->srcname[id / SRC_CHUNK])
		return NULL;
	const char *n = s->srcname[id / SRC_CHUNK][id % SRC_CHUNK];
	return *n ? n : NULL;
}

/* Load every 'V n' id -> name entry. */
static int src_load(lb_store_t *s)
{
	rocksdb_iterator_t *ri = rocksdb_create_iterator(s->db, s->ro);
	if (!ri)
		return LB_ENOMEM;
	const char pfx[2] = { LB_KT_META, 'n' };
	int err = 0;
	for (rocksdb_iter_seek(ri, pfx, 2); !err && rocksdb_iter_valid(ri); rocksdb_iter_next(ri)) {
		size_t kl, vl;
		const char *k = rocksdb_iter_key(ri, &kl);
		if (kl < 2 || memcmp(k, pfx, 2))
			break;
		lb_cur_t c;
		lb_cur_init(&c, (const uint8_t *)k + 2, kl - 2);
		uint64_t id = lb_cur_varint(&c);
		const char *v = rocksdb_iter_value(ri, &vl);
		if (lb_cur_err(&c) || lb_cur_left(&c) || id >= SRC_MAX_IDS)
			err = LB_ECORRUPT;
		else
			err = src_set(s, (uint32_t)id, v, vl);
	}
	if (!err)
		err = lb_rocks_iter_err(s, ri);
	rocksdb_iter_destroy(ri);
	if (err == LB_ECORRUPT)
		lb_rocks_set_msg(s, "a source id entry does not decode");
	return err;
}

/* The id of source name (writer only): known, or assigned now and written
 * at once ('V i' name -> id, 'V n' id -> name), before any value uses it. */
static int src_id(lb_store_t *s, const char *name, uint32_t *id)
{
	size_t n = strnlen(name, LB_STORE_SENSOR_MAX + 1);
	if (n == 0 || n > LB_STORE_SENSOR_MAX)
		return LB_EINVAL;
	if (s->src_cache[0] && !strcmp(s->src_cache, name)) {
		*id = s->src_cache_id;
		return 0;
	}
	/* few sources per store in practice: a scan of the table */
	for (uint32_t i = 0; i < s->src_next; i++) {
		const char *x = src_get(s, i);
		if (x && !strcmp(x, name)) {
			*id = i;
			memcpy(s->src_cache, name, n + 1);
			s->src_cache_id = i;
			return 0;
		}
	}
	if (s->src_next >= SRC_MAX_IDS)
		return LB_ELIMIT;
	uint32_t nid = s->src_next;
	uint8_t ik[2 + LB_STORE_SENSOR_MAX], nk[2 + 10], iv[10];
	ik[0] = nk[0] = LB_KT_META;
	ik[1] = 'i';
	nk[1] = 'n';
	memcpy(ik + 2, name, n);
	size_t nkl = 2 + lb_varint_put(nk + 2, nid), ivl = lb_varint_put(iv, nid);
	rocksdb_writebatch_t *b = rocksdb_writebatch_create();
	if (!b)
		return LB_ENOMEM;
	rocksdb_writebatch_put(b, (const char *)ik, 2 + n, (const char *)iv, ivl);
	rocksdb_writebatch_put(b, (const char *)nk, nkl, name, n);
	char *e = NULL;
	rocksdb_write(s->db, s->wo, b, &e);
	rocksdb_writebatch_destroy(b);
	if (e) {
		lb_rocks_set_err(s, e);
		return LB_ESTORE;
	}
	pthread_mutex_lock(&s->srclock);
	int err = src_set(s, nid, name, n);
	pthread_mutex_unlock(&s->srclock);
	if (err)
		return err;
	*id = nid;
	memcpy(s->src_cache, name, n + 1);
	s->src_cache_id = nid;
	return 0;
}

size_t lb_store_source_names(lb_store_t *s, const lb_store_val_t *v, const char **names)
{
	size_t k = 0;
	pthread_mutex_lock(&s->srclock);
	for (uint32_t i = 0; i < v->nsrc && i < LB_STORE_MAX_SOURCES; i++) {
		const char *n = src_get(s, v->src[i]);
		if (n)
			names[k++] = n;
	}
	pthread_mutex_unlock(&s->srclock);
	return k;
}

static int dir_state(const char *dir, int *exists, int *has_current, int *nonempty)
{
	*exists = *has_current = *nonempty = 0;
	DIR *d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	*exists = 1;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		*nonempty = 1;
		if (!strcmp(e->d_name, "CURRENT"))
			*has_current = 1;
	}
	closedir(d);
	return 0;
}

/* Write the format marker: magic, NUL, LB_STORE_FORMAT. */
static int put_marker(lb_store_t *s)
{
	uint8_t m[sizeof LB_STORE_MAGIC + 1];
	memcpy(m, LB_STORE_MAGIC, sizeof LB_STORE_MAGIC);
	m[sizeof LB_STORE_MAGIC] = LB_STORE_FORMAT;
	char *e = NULL;
	rocksdb_put(s->db, s->wo, (const char *)KEY_FORMAT, 2, (const char *)m, sizeof m, &e);
	if (e) {
		lb_rocks_set_err(s, e);
		return LB_ESTORE;
	}
	return 0;
}

static int check_format(lb_store_t *s, int fresh)
{
	char *e = NULL;
	size_t vl = 0;
	char *v = rocksdb_get(s->db, s->ro, (const char *)KEY_FORMAT, 2, &vl, &e);
	if (e) {
		lb_rocks_set_err(s, e);
		return LB_ESTORE;
	}
	size_t ml = sizeof LB_STORE_MAGIC; /* with NUL */
	if (!v && !fresh && !s->read_only) {
		/* created but killed before the marker was written: an empty
		 * database is ours to finish */
		rocksdb_iterator_t *ri = rocksdb_create_iterator(s->db, s->ro);
		if (ri) {
			rocksdb_iter_seek_to_first(ri);
			fresh = !rocksdb_iter_valid(ri);
			rocksdb_iter_destroy(ri);
		}
	}
	if (!v) {
		if (!fresh || s->read_only) {
			lb_rocks_set_msg(s, "not a lookback store (no format marker)");
			return LB_ECORRUPT;
		}
		return put_marker(s);
	}
	int err = 0;
	if (vl != ml + 1 || memcmp(v, LB_STORE_MAGIC, ml) != 0) {
		lb_rocks_set_msg(s, "not a lookback store (bad format marker)");
		err = LB_ECORRUPT;
	} else if ((uint8_t)v[ml] != LB_STORE_FORMAT && (uint8_t)v[ml] != 1) {
		lb_rocks_set_msg(s, "store written by another lookback format version");
		err = LB_EVERSION;
	}
	/* format 1 (rdata index entries with counters) is read as it is; a
	 * writer marks the store 2 before it adds any counter-less entry, so an
	 * older lookback refuses it rather than misread it */
	int upgrade = !err && (uint8_t)v[ml] == 1 && !s->read_only;
	rocksdb_free(v);
	if (err)
		return err;
	if (upgrade && (err = put_marker(s)))
		return err;
	v = rocksdb_get(s->db, s->ro, (const char *)KEY_RETAIN, 2, &vl, &e);
	if (e) {
		lb_rocks_set_err(s, e);
		return LB_ESTORE;
	}
	if (v) {
		lb_cur_t c;
		lb_cur_init(&c, (const uint8_t *)v, vl);
		uint64_t d = lb_cur_varint(&c);
		if (!lb_cur_err(&c) && !lb_cur_left(&c) && d <= 1000000)
			atomic_store(&s->retain, (uint32_t)d);
		rocksdb_free(v);
	}
	return 0;
}

int lb_store_open(const char *dir, const lb_store_opts_t *o, lb_store_t **out)
{
	lb_store_opts_t def = { 0 };
	if (!o)
		o = &def;
	*out = NULL;
	lb_store_t *s = calloc(1, sizeof *s);
	if (!s)
		return LB_ENOMEM;
	*out = s;
	s->read_only = o->read_only;
	pthread_mutex_init(&s->errlock, NULL);
	pthread_mutex_init(&s->srclock, NULL);
	s->dir = strdup(dir);
	if (!s->dir)
		return LB_ENOMEM;
	int exists, has_current, nonempty;
	int err = dir_state(dir, &exists, &has_current, &nonempty);
	if (err) {
		lb_rocks_set_msg(s, strerror(-err));
		return err;
	}
	if (!has_current) {
		if (!o->create || o->read_only) {
			lb_rocks_set_msg(s, exists ? "directory holds no lookback store" : "no such store directory");
			return exists ? LB_ECORRUPT : LB_ENOENT;
		}
		if (nonempty) {
			lb_rocks_set_msg(s, "directory is not empty and holds no lookback store");
			return LB_ECORRUPT;
		}
		if (!exists && mkdir(dir, 0777) != 0 && errno != EEXIST) {
			lb_rocks_set_msg(s, strerror(errno));
			return -errno;
		}
	}
	s->opts = rocksdb_options_create();
	s->topts = rocksdb_block_based_options_create();
	s->wo = rocksdb_writeoptions_create();
	s->ro = rocksdb_readoptions_create();
	s->ro_pfx = rocksdb_readoptions_create();
	s->batch = rocksdb_writebatch_create();
	s->envopts = rocksdb_envoptions_create();
	size_t cache_mb = o->cache_mb ? o->cache_mb : LB_STORE_CACHE_MB;
	s->cache = rocksdb_cache_create_lru(cache_mb << 20);
	s->bloom = rocksdb_filterpolicy_create_bloom_full(10);
	s->pfx = rocksdb_slicetransform_create(NULL, nop_destroy, pfx_transform, pfx_in_domain,
					       pfx_in_range, pfx_name);
	if (!s->opts || !s->topts || !s->wo || !s->ro || !s->ro_pfx || !s->batch || !s->cache ||
	    !s->bloom || !s->pfx)
		return LB_ENOMEM;
	rocksdb_writeoptions_set_sync(s->wo, o->sync);
	rocksdb_readoptions_set_total_order_seek(s->ro, 1);
	rocksdb_readoptions_set_prefix_same_as_start(s->ro_pfx, 1);
	rocksdb_block_based_options_set_block_size(s->topts, LB_STORE_BLOCK_SIZE);
	rocksdb_block_based_options_set_format_version(s->topts, 5);
	rocksdb_block_based_options_set_block_cache(s->topts, s->cache);
	/* prefix blooms: an exact lookup reads a data block only in the levels
	 * that hold its name or address; none at the bottom level (most data,
	 * and a lookup that got there finds its key) */
	rocksdb_block_based_options_set_filter_policy(s->topts, s->bloom);
	s->bloom = NULL; /* owned by the table options now */
	rocksdb_block_based_options_set_whole_key_filtering(s->topts, 0);
	rocksdb_options_set_prefix_extractor(s->opts, s->pfx);
	s->pfx = NULL;   /* owned by the options now */
	rocksdb_options_set_optimize_filters_for_hits(s->opts, 1);
	rocksdb_options_set_block_based_table_factory(s->opts, s->topts);
	rocksdb_options_set_create_if_missing(s->opts, !has_current);
	rocksdb_options_set_compression(s->opts, rocksdb_lz4_compression);
	rocksdb_options_set_bottommost_compression(s->opts, rocksdb_zstd_compression);
	/* zstd level 6 with a 16 KiB dictionary trained per file: keys and values
	 * are small and alike, a dictionary is where most of the gain is */
	rocksdb_options_set_bottommost_compression_options(s->opts, -14, 6, 0, 16 * 1024, 1);
	rocksdb_options_set_bottommost_compression_options_zstd_max_train_bytes(s->opts, 1 << 20, 1);
	rocksdb_options_set_write_buffer_size(s->opts, 64 << 20);
	/* bulk ingest writes large sorted batches and reads little: a vector
	 * memtable (append now, sort once at flush) costs far less than a
	 * skiplist, but every iterator over it copies and sorts it */
	if (o->bulk)
		rocksdb_options_set_memtable_vector_rep(s->opts);
	rocksdb_options_set_allow_concurrent_memtable_write(s->opts, 0);
	rocksdb_options_set_keep_log_file_num(s->opts, 2);
	rocksdb_options_set_max_open_files(s->opts, 512);
	rocksdb_options_set_info_log_level(s->opts, 3 /* ERROR */);
	rocksdb_options_set_paranoid_checks(s->opts, 1);
	s->merge = rocksdb_mergeoperator_create(s, nop_destroy, full_merge, partial_merge,
						merge_delete, merge_name);
	s->filter = rocksdb_compactionfilter_create(s, nop_destroy, cfilter, cfilter_name);
	rocksdb_options_set_merge_operator(s->opts, s->merge);
	rocksdb_options_set_compaction_filter(s->opts, s->filter);
	if (!o->read_only) {
		/* the table files of large commits: the writer uses the bottommost
		 * compression for every file (zstd with a trained dictionary, far
		 * too slow for ingest); LZ4 here, compactions recompress */
		s->sstopts = rocksdb_options_create_copy(s->opts);
		if (s->sstopts) {
			rocksdb_options_set_bottommost_compression(s->sstopts, rocksdb_lz4_compression);
			/* no dictionary (its training is zstd's, and slow) */
			rocksdb_options_set_bottommost_compression_options(s->sstopts, -14, 0, 0, 0, 0);
			rocksdb_options_set_bottommost_compression_options_zstd_max_train_bytes(s->sstopts, 0, 0);
		}
	}
	char *e = NULL;
	if (o->read_only)
		s->db = rocksdb_open_for_read_only(s->opts, dir, 0, &e);
	else
		s->db = rocksdb_open(s->opts, dir, &e);
	if (e || !s->db) {
		lb_rocks_set_err(s, e);
		return LB_ESTORE;
	}
	if (!o->read_only) {
		/* a table file a killed writer left before ingesting it */
		char p[4200];
		sst_path(s, p, sizeof p);
		unlink(p);
	}
	err = check_format(s, !has_current);
	return err ? err : src_load(s);
}

int lb_store_close(lb_store_t *s)
{
	if (!s)
		return 0;
	int err = 0;
	if (s->db && !s->read_only) {
		err = lb_store_commit(s);
		/* a clean close leaves everything in table files, nothing in the
		 * write-ahead log: the next open has nothing to recover (and a
		 * read-only reader opening beside it never races the log's removal) */
		rocksdb_flushoptions_t *fo = rocksdb_flushoptions_create();
		char *e = NULL;
		if (fo) {
			rocksdb_flushoptions_set_wait(fo, 1);
			rocksdb_flush(s->db, fo, &e);
			rocksdb_flushoptions_destroy(fo);
		}
		if (e) {
			lb_rocks_set_err(s, e);
			if (!err)
				err = LB_ESTORE;
		}
	}
	if (s->db)
		rocksdb_close(s->db);
	if (s->batch)
		rocksdb_writebatch_destroy(s->batch);
	if (s->envopts)
		rocksdb_envoptions_destroy(s->envopts);
	if (s->sstopts)
		rocksdb_options_destroy(s->sstopts);
	if (s->opts)
		rocksdb_options_destroy(s->opts);
	if (s->topts)
		rocksdb_block_based_options_destroy(s->topts);
	/* the merge operator belongs to the options once set (shared_ptr inside) */
	if (s->merge && !s->opts)
		rocksdb_mergeoperator_destroy(s->merge);
	if (s->filter)
		rocksdb_compactionfilter_destroy(s->filter);
	if (s->wo)
		rocksdb_writeoptions_destroy(s->wo);
	if (s->ro)
		rocksdb_readoptions_destroy(s->ro);
	if (s->ro_pfx)
		rocksdb_readoptions_destroy(s->ro_pfx);
	if (s->bloom)
		rocksdb_filterpolicy_destroy(s->bloom);
	if (s->pfx)
		rocksdb_slicetransform_destroy(s->pfx);
	if (s->cache)
		rocksdb_cache_destroy(s->cache);
	lb_kbuf_free(&s->k);
	lb_kbuf_free(&s->k2);
	free(s->pend);
	free(s->parena);
	free(s->put_seen);
	free(s->errmsg);
	free(s->dir);
	pthread_mutex_destroy(&s->errlock);
	pthread_mutex_destroy(&s->srclock);
	for (size_t i = 0; i < SRC_MAX_IDS / SRC_CHUNK; i++)
		free(s->srcname[i]);
	free(s);
	return err;
}

/* ---- writes ---- */

/*
 * Sorting the pending operations.  Keys share long prefixes (label-reversed
 * names of one zone), so a comparison sort spends its time in memcmp past
 * the first 16 bytes.  A multikey quicksort (Bentley & Sedgewick, "Fast
 * algorithms for sorting and searching strings") looks at each key byte
 * once per partitioning level instead: bytewise order, a key that is a
 * prefix of another first.  Bytes 0-15 come from the precomputed heads.
 */
static inline int pend_byte(const uint8_t *ar, const struct pend *p, size_t d)
{
	if (d >= p->klen)
		return 0;
	if (d < 8)
		return (int)(p->head >> (56 - 8 * d) & 0xff) + 1;
	if (d < 16)
		return (int)(p->head2 >> (56 - 8 * (d - 8)) & 0xff) + 1;
	return ar[p->off + d] + 1;
}

static int pend_cmp_from(const uint8_t *ar, const struct pend *x, const struct pend *y, size_t d)
{
	size_t n = x->klen < y->klen ? x->klen : y->klen;
	int c = n > d ? memcmp(ar + x->off + d, ar + y->off + d, n - d) : 0;
	if (c)
		return c;
	return x->klen < y->klen ? -1 : x->klen > y->klen;
}

static void pend_swap(struct pend *a, struct pend *b)
{
	struct pend t = *a;
	*a = *b;
	*b = t;
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
		size_t lt = 0, i = 0, gt = n;
		while (i < gt) {
			int x = pend_byte(ar, &p[i], d);
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
		} else {
			pend_sort(ar, p, lt, d);
			pend_sort(ar, p + lt, nm, d + 1);
			p += gt;
			n = ng;
		}
	}
}

/* One folded operation to the write batch or, for a large commit, to the
 * table file being written.  Returns RocksDB's error text (to free) or NULL. */
static char *emit(lb_store_t *s, rocksdb_sstfilewriter_t *w, int put, const char *k, size_t kl,
		  const char *v, size_t vl)
{
	char *e = NULL;
	if (w && put)
		rocksdb_sstfilewriter_put(w, k, kl, v, vl, &e);
	else if (w)
		rocksdb_sstfilewriter_merge(w, k, kl, v, vl, &e);
	else if (put)
		rocksdb_writebatch_put(s->batch, k, kl, v, vl);
	else
		rocksdb_writebatch_merge(s->batch, k, kl, v, vl);
	return e;
}

/* Path of the table file a large commit writes before RocksDB takes it in
 * (moved into the store by the ingestion; one at a time per store). */
static void sst_path(const lb_store_t *s, char *p, size_t n)
{
	snprintf(p, n, "%s/lookback-ingest.sst", s->dir);
}

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

static int commit_pending(lb_store_t *s)
{
	if (!s->db || s->read_only)
		return 0;
	int err = s->perr;
	s->perr = 0;
	rocksdb_sstfilewriter_t *w = NULL;
	char path[4200];
	if (!err && s->npend) {
		pend_sort(s->parena, s->pend, s->npend, 0);
		/* A large commit (a window flush) is written as one sorted table
		 * file and ingested: no write-ahead log, no memtable, no sort at
		 * memtable flush - the pending operations are sorted already. */
		if (s->npend >= SST_MIN_OPS && s->envopts && s->sstopts) {
			sst_path(s, path, sizeof path);
			w = rocksdb_sstfilewriter_create(s->envopts, s->sstopts);
			char *e = NULL;
			if (w)
				rocksdb_sstfilewriter_open(w, path, &e);
			if (!w || e) {
				/* fall back to the batch */
				if (e)
					rocksdb_free(e);
				if (w)
					rocksdb_sstfilewriter_destroy(w);
				w = NULL;
			}
		}
		const uint8_t *ar = s->parena;
		for (size_t i = 0; i < s->npend && !err;) {
			size_t j = i + 1;
			while (j < s->npend && s->pend[j].klen == s->pend[i].klen &&
			       s->pend[j].head == s->pend[i].head && s->pend[j].head2 == s->pend[i].head2 &&
			       !memcmp(ar + s->pend[j].off, ar + s->pend[i].off, s->pend[i].klen))
				j++;
			const char *k = (const char *)ar + s->pend[i].off;
			char *e;
			if (s->pend[i].put) {
				e = emit(s, w, 1, k, s->pend[i].klen, "", 0);
			} else if (j == i + 1) {
				e = emit(s, w, 0, k, s->pend[i].klen, k + s->pend[i].klen, s->pend[i].vlen);
			} else {
				/* fold the run into one operand */
				lb_store_val_t acc, one;
				int days = ar[s->pend[i].off] == LB_KT_RRSET, have = 0;
				for (size_t q = i; q < j; q++) {
					const uint8_t *v = ar + s->pend[q].off + s->pend[q].klen;
					if (lb_val_decode(v, s->pend[q].vlen, have ? &one : &acc) != 0)
						continue; /* cannot happen: we encoded it */
					if (have)
						lb_store_val_merge(&acc, &one);
					have = 1;
				}
				size_t vl = lb_val_encode(&acc, s->vbuf, days);
				e = emit(s, w, 0, k, s->pend[i].klen, (const char *)s->vbuf, vl);
			}
			if (e) {
				lb_rocks_set_err(s, e);
				err = LB_ESTORE;
			}
			i = j;
		}
	}
	s->npend = 0;
	s->plen = 0;
	if (w) {
		char *e = NULL;
		if (!err)
			rocksdb_sstfilewriter_finish(w, &e);
		rocksdb_sstfilewriter_destroy(w);
		if (e) {
			lb_rocks_set_err(s, e);
			err = LB_ESTORE;
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

/* Queue one operation: key k, value s->vbuf[0..vlen) (merge) or empty (put). */
static void pend_add(lb_store_t *s, const lb_kbuf_t *k, size_t vlen, int put)
{
	if (s->perr)
		return;
	if (k->err || k->len > (1u << 24) || vlen > UINT16_MAX) {
		s->perr = k->err ? k->err : LB_EINVAL;
		return;
	}
	if (s->npend == s->cappend) {
		size_t cap = s->cappend ? s->cappend * 2 : 4096;
		struct pend *np = realloc(s->pend, cap * sizeof *np);
		if (!np) {
			s->perr = LB_ENOMEM;
			return;
		}
		s->pend = np;
		s->cappend = cap;
	}
	size_t need = k->len + (put ? 0 : vlen);
	if (s->plen + need > s->pcap) {
		size_t cap = s->pcap ? s->pcap : (1u << 20);
		while (cap < s->plen + need)
			cap *= 2;
		uint8_t *na = realloc(s->parena, cap);
		if (!na) {
			s->perr = LB_ENOMEM;
			return;
		}
		s->parena = na;
		s->pcap = cap;
	}
	struct pend *p = &s->pend[s->npend++];
	uint8_t h[16] = { 0 };
	memcpy(h, k->p, k->len < 16 ? k->len : 16);
	p->head = p->head2 = 0;
	for (size_t i = 0; i < 8; i++) {
		p->head = p->head << 8 | h[i];
		p->head2 = p->head2 << 8 | h[8 + i];
	}
	p->off = (uint32_t)s->plen;
	p->klen = (uint32_t)k->len;
	p->vlen = put ? 0 : (uint16_t)vlen;
	p->put = (uint8_t)put;
	memcpy(s->parena + s->plen, k->p, k->len);
	if (!put)
		memcpy(s->parena + s->plen + k->len, s->vbuf, vlen);
	s->plen += need;
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

void lb_rocks_put_seen_clear(lb_store_t *s)
{
	if (s->put_seen && s->put_seen_n)
		memset(s->put_seen, 0, s->put_seen_cap * sizeof *s->put_seen);
	s->put_seen_n = 0;
}

static void put_seen_insert(uint64_t *t, size_t cap, uint64_t h)
{
	size_t mask = cap - 1;
	size_t i = (size_t)h & mask;
	while (t[i])
		i = (i + 1) & mask;
	t[i] = h;
}

/* A table twice the size (or, at the cap, the same one emptied). */
static void put_seen_grow(lb_store_t *s)
{
	size_t cap = s->put_seen_cap ? s->put_seen_cap * 2 : PUT_SEEN_MIN;
	if (cap > PUT_SEEN_MAX) {
		lb_rocks_put_seen_clear(s);
		return;
	}
	uint64_t *t = calloc(cap, sizeof *t);
	if (!t) {
		lb_rocks_put_seen_clear(s);
		return;
	}
	for (size_t i = 0; i < s->put_seen_cap; i++)
		if (s->put_seen[i])
			put_seen_insert(t, cap, s->put_seen[i]);
	free(s->put_seen);
	s->put_seen = t;
	s->put_seen_cap = cap;
}

/* 1 if k was put before (skip it), else remember it and return 0. */
static int put_seen(lb_store_t *s, const lb_kbuf_t *k)
{
	if (s->put_seen_n >= s->put_seen_cap / 2)
		put_seen_grow(s);
	if (!s->put_seen)
		return 0; /* no memory for the shortcut: just write */
	uint64_t h = lb_hash64(k->p, k->len);
	h += !h; /* 0 marks an empty slot */
	size_t mask = s->put_seen_cap - 1;
	for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
		if (s->put_seen[i] == h)
			return 1;
		if (!s->put_seen[i]) {
			s->put_seen[i] = h;
			s->put_seen_n++;
			return 0;
		}
	}
}

static void batch_put(lb_store_t *s, const lb_kbuf_t *k)
{
	if (!k->err && put_seen(s, k))
		return;
	pend_add(s, k, 0, 1);
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
		int err = src_id(s, names[i], &id);
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
	if (s->read_only)
		return LB_EINVAL;
	lb_kbuf_t *k = &s->k;
	lb_kbuf_reset(k);
	size_t vl;
	const lb_store_val_t *val = &rec->val;
	if (rec->kind == LB_REC_RRSET || rec->kind == LB_REC_NEG) {
		int err = with_sources(s, rec, &val);
		if (err)
			return err;
	}
	switch (rec->kind) {
	case LB_REC_RRSET: {
		if (!rec->owner || rec->nrdata == 0 || rec->nrdata > LB_STORE_MAX_RDATA)
			return LB_EINVAL;
		lb_key_rrset(k, rec);
		if (k->err)
			return k->err;
		vl = lb_val_encode(val, s->vbuf, 1);
		batch_merge(s, k, vl);
		lb_kbuf_reset(k);
		lb_key_fwd(k, LB_KT_FWD, rec->owner, rec->owner_len);
		batch_put(s, k);
		/* format 2: rdata index entries are keys alone (a put, no merge);
		 * a lookup derives their counters from the rrsets (rocks_iter.c) */
		for (size_t i = 0; i < rec->nrdata; i++) {
			const uint8_t *target;
			lb_kbuf_reset(k);
			lb_key_rdata(k, rec, i, &target);
			if (k->err)
				return k->err;
			batch_put(s, k);
			if (target) {
				int tl = lb_name_check(target, rec->rdlen[i] - (size_t)(target - rec->rdata[i]));
				lb_kbuf_reset(k);
				lb_key_fwd(k, LB_KT_GFWD, target, (size_t)tl);
				batch_put(s, k);
			}
		}
		break;
	}
	case LB_REC_NEG:
		if (!rec->owner)
			return LB_EINVAL;
		lb_key_neg(k, rec);
		vl = lb_val_encode(val, s->vbuf, 0);
		batch_merge(s, k, vl);
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

int lb_store_set_retention(lb_store_t *s, uint32_t days)
{
	uint8_t v[10];
	size_t n = lb_varint_put(v, days);
	char *e = NULL;
	rocksdb_put(s->db, s->wo, (const char *)KEY_RETAIN, 2, (const char *)v, n, &e);
	if (e) {
		lb_rocks_set_err(s, e);
		return LB_ESTORE;
	}
	atomic_store(&s->retain, days);
	return 0;
}

uint32_t lb_store_retention(const lb_store_t *s) { return atomic_load(&((lb_store_t *)s)->retain); }

int lb_store_compact(lb_store_t *s)
{
	int err = lb_store_commit(s);
	if (err)
		return err;
	/* The first pass folds merge operands into values; RocksDB runs the
	 * compaction filter on values only, so the second pass applies retention
	 * to what the first produced. */
	rocksdb_compact_range(s->db, NULL, 0, NULL, 0);
	rocksdb_compact_range(s->db, NULL, 0, NULL, 0);
	/* rdata index keys carry no times (format 2): the ones whose rrsets
	 * retention removed are found here, then compacted away */
	uint32_t days = atomic_load(&s->retain);
	if (!days)
		return 0;
	uint64_t removed = 0;
	err = lb_rocks_sweep_orphans(s, lb_rocks_cutoff(days), &removed);
	lb_rocks_put_seen_clear(s); /* index keys may be gone: put them again when seen */
	if (!err && removed)
		rocksdb_compact_range(s->db, NULL, 0, NULL, 0);
	return err;
}

uint64_t lb_store_disk_bytes(const lb_store_t *s)
{
	uint64_t total = 0;
	DIR *d = opendir(s->dir);
	if (!d)
		return 0;
	struct dirent *e;
	char p[4096];
	while ((e = readdir(d))) {
		struct stat st;
		snprintf(p, sizeof p, "%s/%s", s->dir, e->d_name);
		if (e->d_name[0] != '.' && stat(p, &st) == 0 && S_ISREG(st.st_mode))
			total += (uint64_t)st.st_size;
	}
	closedir(d);
	return total;
}
