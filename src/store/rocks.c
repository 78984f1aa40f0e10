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
#include "store/sst.h"
#include "util/hash.h"
#include "util/mem.h"
#include "util/mkdirs.h"

/* Data block size: lookups decompress (or find in the cache) one block per
 * level they touch; small blocks keep that cheap, zstd's dictionary keeps
 * them small on disk.  8 KiB against 32 KiB, 3.58M-rrset store, 32 MiB cache:
 * exact lookup p99 2.0 ms -> 0.10 ms for 5% more bytes.  Overridable for
 * measurements (environment LOOKBACK_BLOCK_KB). */
#define LB_STORE_BLOCK_SIZE lb_rocks_block_size()
size_t lb_rocks_block_size(void)
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
	} else if (s->errmsg && (err == LB_ECORRUPT || err == LB_EVERSION || err == LB_ENOENT ||
				 err == -EACCES || err == -EPERM || err == -EROFS)) {
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
	return LB_ROCKS_MERGE_NAME;
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
 * family and address; 'X': the length-prefixed rdata (or the mark, length
 * and digest: the mark is a varint no rdata length has).  Other keys (meta,
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
			if (!(b & 0x80)) {
				if (v == LB_XDIG_MARK) /* length and digest (format 3) */
					v = 10;
				return v <= len - p ? p + (size_t)v : 0;
			}
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
	return LB_ROCKS_PREFIX_NAME;
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
		if (err == LB_ECORRUPT && s->repair)
			err = 0; /* left for the repair to remove (rocks_check.c) */
	}
	if (!err)
		err = lb_rocks_iter_err(s, ri);
	rocksdb_iter_destroy(ri);
	if (err == LB_ECORRUPT)
		lb_rocks_set_msg(s, "a source id entry does not decode");
	return err;
}

/* Write 'V i' name -> id and 'V n' id -> name in one batch. */
static int src_put(lb_store_t *s, uint32_t id, const char *name, size_t n)
{
	uint8_t ik[2 + LB_STORE_SENSOR_MAX], nk[2 + 10], iv[10];
	ik[0] = nk[0] = LB_KT_META;
	ik[1] = 'i';
	nk[1] = 'n';
	memcpy(ik + 2, name, n);
	size_t nkl = 2 + lb_varint_put(nk + 2, id), ivl = lb_varint_put(iv, id);
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
	return 0;
}

/* Name id in the metadata, then in memory. */
static int src_add(lb_store_t *s, uint32_t id, const char *name, size_t n)
{
	int err = src_put(s, id, name, n);
	if (err)
		return err;
	pthread_mutex_lock(&s->srclock);
	err = src_set(s, id, name, n);
	pthread_mutex_unlock(&s->srclock);
	return err;
}

int lb_rocks_src_name(lb_store_t *s, uint32_t id, const char *name)
{
	size_t n = strnlen(name, LB_STORE_SENSOR_MAX + 1);
	if (s->read_only || id >= SRC_MAX_IDS || n == 0 || n > LB_STORE_SENSOR_MAX)
		return LB_EINVAL;
	pthread_mutex_lock(&s->srclock);
	bool named = src_get(s, id) != NULL;
	pthread_mutex_unlock(&s->srclock);
	return named ? LB_EINVAL : src_add(s, id, name, n);
}

/* The id of source name (writer only): known, or assigned now and written
 * at once ('V i' name -> id, 'V n' id -> name), before any value uses it. */
int lb_rocks_src_id(lb_store_t *s, const char *name, uint32_t *id)
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
	int err = src_add(s, nid, name, n);
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

/* Whether name is a file RocksDB writes while it creates a database, before
 * its CURRENT file: what a writer killed during the creation leaves. */
static int creation_file(const char *name)
{
	size_t l = strlen(name);
	return !strcmp(name, "LOCK") || !strcmp(name, "LOG") || !strncmp(name, "LOG.old.", 8) ||
	       !strcmp(name, "IDENTITY") || !strncmp(name, "MANIFEST-", 9) ||
	       !strncmp(name, "OPTIONS-", 8) || (l > 6 && !strcmp(name + l - 6, ".dbtmp"));
}

/* What dir holds: *leftovers when it is not empty and holds only the files
 * of a database creation that did not reach its CURRENT file. */
static int dir_state(const char *dir, int *exists, int *has_current, int *nonempty,
		     int *has_tables, int *leftovers)
{
	*exists = *has_current = *nonempty = *has_tables = *leftovers = 0;
	DIR *d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	*exists = 1;
	int others = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		*nonempty = 1;
		size_t l = strlen(e->d_name);
		if (!strcmp(e->d_name, "CURRENT"))
			*has_current = 1;
		else if (l > 4 && (!strcmp(e->d_name + l - 4, ".sst") || !strcmp(e->d_name + l - 4, ".log")))
			*has_tables = 1; /* what RocksDB's repairer rebuilds from */
		if (!creation_file(e->d_name))
			others = 1;
	}
	closedir(d);
	*leftovers = *nonempty && !others;
	return 0;
}

/* Write the format marker: magic, NUL, format version, in a table file of
 * its own, never the write-ahead log, so that the tables alone say what the
 * store is (tables_marked: a writer's open need not read the log). */
static int put_marker(lb_store_t *s, uint8_t version)
{
	uint8_t m[sizeof LB_STORE_MAGIC + 1];
	memcpy(m, LB_STORE_MAGIC, sizeof LB_STORE_MAGIC);
	m[sizeof LB_STORE_MAGIC] = version;
	return lb_rocks_put_table(s, KEY_FORMAT, 2, m, sizeof m);
}

/* Whether a value is a format marker this lookback reads (magic, version 1..LB_STORE_FORMAT). */
static bool marker_ok(const char *v, size_t vl)
{
	size_t ml = sizeof LB_STORE_MAGIC; /* with NUL */
	return v && vl == ml + 1 && !memcmp(v, LB_STORE_MAGIC, ml) && (uint8_t)v[ml] >= 1 &&
	       (uint8_t)v[ml] <= LB_STORE_FORMAT;
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
	if (!v && !fresh && !s->engine_repaired) {
		/* created but killed before the marker was written (or being
		 * created right now): an empty database is ours to finish (not
		 * one the repairer rebuilt), and a reader sees the empty store it
		 * is - a kill -9 at any moment leaves a store that reopens */
		rocksdb_iterator_t *ri = rocksdb_create_iterator(s->db, s->ro);
		if (ri) {
			rocksdb_iter_seek_to_first(ri);
			fresh = !rocksdb_iter_valid(ri);
			rocksdb_iter_destroy(ri);
		}
		if (fresh && s->read_only) {
			s->xdig = true; /* what its writer makes: the current format */
			return 0;
		}
	}
	if (!v) {
		if (!fresh || s->read_only) {
			lb_rocks_set_msg(s, "not a lookback store (no format marker)");
			return LB_ECORRUPT;
		}
		s->xdig = true;
		return put_marker(s, LB_STORE_FORMAT);
	}
	int err = 0;
	if (vl != ml + 1 || memcmp(v, LB_STORE_MAGIC, ml) != 0) {
		lb_rocks_set_msg(s, "not a lookback store (bad format marker)");
		err = LB_ECORRUPT;
	} else if ((uint8_t)v[ml] < 1 || (uint8_t)v[ml] > LB_STORE_FORMAT) {
		lb_rocks_set_msg(s, "store written by another lookback format version");
		err = LB_EVERSION;
	}
	/* format 1 (rdata index entries with counters) is read as it is; a
	 * writer marks the store 2 before it adds any counter-less entry, so an
	 * older lookback refuses it rather than misread it.  Formats 1 and 2
	 * keep long 'X' rdata in full (a lookup seeks the one form its store
	 * has); only a store created as 3 keys them by digest. */
	int upgrade = !err && (uint8_t)v[ml] == 1 && !s->read_only;
	s->xdig = !err && (uint8_t)v[ml] == 3;
	rocksdb_free(v);
	if (err)
		return err;
	if (upgrade && (err = put_marker(s, 2)))
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

bool lb_store_engine_repaired(const lb_store_t *s) { return s && s->engine_repaired; }
bool lb_store_locked(const lb_store_t *s) { return s && s->locked; }

/* The follower's directory: files only (its info log), then itself. */
static void rm_flat_dir(const char *d)
{
	DIR *dp = opendir(d);
	if (dp) {
		struct dirent *de;
		char p[4200];
		while ((de = readdir(dp)) != NULL) {
			if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
				continue;
			snprintf(p, sizeof p, "%s/%s", d, de->d_name);
			unlink(p);
		}
		closedir(dp);
	}
	rmdir(d);
}

int lb_store_catch_up(lb_store_t *s)
{
	if (!s || !s->db || !s->follow)
		return 0;
	char *e = NULL;
	rocksdb_try_catch_up_with_primary(s->db, &e);
	if (e) {
		lb_rocks_set_err(s, e);
		return LB_ESTORE;
	}
	/* sources the writer named since: their ids may be in new values */
	pthread_mutex_lock(&s->srclock);
	int err = src_load(s);
	pthread_mutex_unlock(&s->srclock);
	return err;
}

/* Open the engine on dir; *locked when another process holds its lock. */
static int open_db(lb_store_t *s, const char *dir, bool read_only, bool *locked)
{
	char *e = NULL;
	if (read_only && s->follow) {
		/* a secondary instance keeps every table it uses open (RocksDB
		 * asks for max_open_files -1: the writer's compactions delete
		 * files) and writes its info log in a directory of its own */
		if (!s->secdir) {
			char t[] = "/tmp/lookback-follow-XXXXXX";
			if (!mkdtemp(t) || !(s->secdir = strdup(t))) {
				lb_rocks_set_msg(s, "cannot make a directory for the follower in /tmp");
				return LB_ESTORE;
			}
		}
		rocksdb_options_set_max_open_files(s->opts, -1);
		s->db = rocksdb_open_as_secondary(s->opts, dir, s->secdir, &e);
	} else if (read_only) {
		/* a writer's compaction may delete a table file between the
		 * open's reading of the manifest and its look at the file
		 * ("No such file or directory"): the next open reads the new
		 * manifest.  A few tries, 20 ms apart. */
		for (int tries = 0;; tries++) {
			s->db = rocksdb_open_for_read_only(s->opts, dir, 0, &e);
			if (!e || tries == 9 || !strstr(e, "No such file or directory"))
				break;
			rocksdb_free(e);
			e = NULL;
			struct timespec ts = { 0, 20 * 1000 * 1000 };
			nanosleep(&ts, NULL);
		}
	} else
		s->db = rocksdb_open(s->opts, dir, &e);
	if (!e && s->db)
		return 0;
	*locked = e && strstr(e, "lock file");
	s->locked = *locked;
	char *m = NULL;
	if (*locked && asprintf(&m, "the store is being written by another process (it holds %s/LOCK): "
				    "one writer at a time: wait for it to end, or let one collector write "
				    "(serve --db DIR --ingest ADDR) and the others --send to it; readers "
				    "may open the store meanwhile", dir) >= 0) {
		rocksdb_free(e);
		e = m;
	}
	lb_rocks_set_err(s, e);
	return LB_ESTORE;
}

/* Whether the store's table files alone hold a format marker this lookback
 * reads: a read-only open whose write-ahead log directory is an empty one in
 * /tmp, so RocksDB replays no log (what costs a writer's open after a crash:
 * the log is replayed again by the open for writing).  Every marker lookback
 * writes goes into a table, never the log (put_marker), so in a store whose
 * tables hold one the log holds no other.  false: look at the whole store
 * (the tables hold no marker, another, or cannot be opened so). */
static bool tables_marked(lb_store_t *s, const char *dir)
{
	char t[] = "/tmp/lookback-open-XXXXXX";
	if (!mkdtemp(t))
		return false;
	bool ok = false;
	rocksdb_options_t *o = rocksdb_options_create_copy(s->opts);
	if (o) {
		rocksdb_options_set_wal_dir(o, t);
		char *e = NULL;
		rocksdb_t *db = rocksdb_open_for_read_only(o, dir, 0, &e);
		if (db) {
			size_t vl = 0;
			char *v = rocksdb_get(db, s->ro, (const char *)KEY_FORMAT, 2, &vl, &e);
			ok = !e && marker_ok(v, vl);
			rocksdb_free(v);
			rocksdb_close(db);
		}
		rocksdb_free(e);
		rocksdb_options_destroy(o);
	}
	rm_flat_dir(t);
	return ok;
}

/* What an open reads first: the tables RocksDB's repairer set aside (when it
 * ran), the format marker, the source names. */
static int load(lb_store_t *s, int fresh)
{
	int err = 0;
	if (s->engine_repaired)
		err = lb_rocks_restore_tables(s);
	if (!err && s->engine_repaired)
		lb_rocks_repair_done(s); /* every table it set aside was tried */
	if (!err)
		err = check_format(s, fresh);
	return err ? err : src_load(s);
}

/* Whether a failed open may run RocksDB's repairer: asked for, not run yet,
 * something to rebuild from, nobody else holding the store. */
static bool repairable(const lb_store_t *s, const lb_store_opts_t *o, int has_tables, bool locked)
{
	return o->repair && !s->engine_repaired && has_tables && !locked;
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
	s->follow = o->read_only && o->follow;
	s->put_seed = lb_hash_seed();
	lb_rocks_put_seen_init(s);
	pthread_mutex_init(&s->errlock, NULL);
	pthread_mutex_init(&s->poollock, NULL);
	pthread_mutex_init(&s->srclock, NULL);
	s->dir = strdup(dir);
	if (!s->dir)
		return LB_ENOMEM;
	int exists, has_current, nonempty, has_tables, leftovers;
	int err = dir_state(dir, &exists, &has_current, &nonempty, &has_tables, &leftovers);
	if (err) {
		lb_rocks_set_msg(s, strerror(-err));
		return err;
	}
	if (o->repair && o->read_only)
		return LB_EINVAL;
	/* a writer that may not write the directory: said so, not RocksDB's
	 * "IO error: While renaming a file to .../LOG.old...: Permission denied" */
	if (exists && !o->read_only && access(dir, W_OK | X_OK) != 0) {
		int e = errno;
		char m[256];
		snprintf(m, sizeof m, "the store directory is not writable by this user (%s): run the "
				      "writer as the store's owner; lookups need only read access",
			 strerror(e));
		lb_rocks_set_msg(s, m);
		return -e;
	}
	s->repair = o->repair != 0;
	/* a repair stopped before it finished: RocksDB's repairer had started
	 * an empty database and set tables aside; only a repair may open it */
	bool resume = lb_rocks_repair_marked(dir);
	if (resume && !o->repair) {
		lb_rocks_set_msg(s, "a repair of this store is under way, or was stopped before it finished: "
				    "run lookback stats --repair again");
		return LB_ECORRUPT;
	}
	/* a store that lost its CURRENT file: the repairer rebuilds it from the tables */
	bool engine_repair = o->repair == LB_STORE_REPAIR_ENGINE || (o->repair && !has_current && has_tables) ||
			     resume;
	if (!has_current && !engine_repair) {
		if (!o->create || o->read_only) {
			lb_rocks_set_msg(s, !exists ? "no such store directory"
					    : leftovers ? "the store's creation was stopped before it held anything "
							  "(its writer was killed): run the writer (capture, tap or "
							  "import with --db) again to finish it"
					    : "directory holds no lookback store");
			return exists ? LB_ECORRUPT : LB_ENOENT;
		}
		/* a writer killed while RocksDB created the database left its
		 * first files: the creation starts again over them */
		if (nonempty && !leftovers) {
			lb_rocks_set_msg(s, "directory is not empty and holds no lookback store");
			return LB_ECORRUPT;
		}
		if (!exists && lb_mkdirs(dir, 0777) != 0) {
			lb_rocks_set_msg(s, strerror(errno));
			return -errno;
		}
	}
	s->opts = rocksdb_options_create();
	s->topts = rocksdb_block_based_options_create();
	s->wo = rocksdb_writeoptions_create();
	s->ro = rocksdb_readoptions_create();
	s->ro_pfx = rocksdb_readoptions_create();
	s->ro_long = rocksdb_readoptions_create();
	s->batch = rocksdb_writebatch_create();
	size_t cache_mb = o->cache_mb ? o->cache_mb : LB_STORE_CACHE_MB;
	s->cache = rocksdb_cache_create_lru(cache_mb << 20);
	s->bloom = rocksdb_filterpolicy_create_bloom_full(10);
	s->pfx = rocksdb_slicetransform_create(NULL, nop_destroy, pfx_transform, pfx_in_domain,
					       pfx_in_range, pfx_name);
	if (!s->opts || !s->topts || !s->wo || !s->ro || !s->ro_pfx || !s->ro_long || !s->batch ||
	    !s->cache || !s->bloom || !s->pfx)
		return LB_ENOMEM;
	rocksdb_writeoptions_set_sync(s->wo, o->sync);
	rocksdb_readoptions_set_total_order_seek(s->ro, 1);
	rocksdb_readoptions_set_prefix_same_as_start(s->ro_pfx, 1);
	rocksdb_readoptions_set_total_order_seek(s->ro_long, 1);
	rocksdb_readoptions_set_fill_cache(s->ro_long, 0);
	rocksdb_block_based_options_set_block_size(s->topts, LB_STORE_BLOCK_SIZE);
	rocksdb_block_based_options_set_format_version(s->topts, 5);
	/* a full key every 64 keys in a data block (RocksDB's default: 16): the
	 * keys between are stored as the bytes that differ from the previous one.
	 * Repetitive capture store 63.5 -> 62.0 bytes per rrset, 10M-owner bench
	 * store 34.9 -> 33.6; exact and IP lookup p50/p99 unchanged within the
	 * machine's noise (a seek scans at most 63 keys past a restart point) */
	rocksdb_block_based_options_set_block_restart_interval(s->topts, LB_STORE_BLOCK_RESTART);
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
	rocksdb_options_set_create_if_missing(s->opts, !has_current && !engine_repair);
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
	if (o->bulk) {
		rocksdb_options_set_memtable_vector_rep(s->opts);
		/* Each large commit is one ingested table file; unique traffic
		 * spreads its keys over the whole key space, so every one lands
		 * in level 0.  With RocksDB's default (compact at 4 files) a
		 * capture of a few million packets started a compaction that the
		 * close then abandoned: half of the ingest's CPU, for nothing
		 * (`capture -r` of 2M unique packets on one core, 10.1 s -> 5.2 s
		 * with compactions off).  Bulk ingest lets level 0 grow to
		 * LB_BULK_L0_FILES files and compacts them in one go;
		 * a store opened to serve goes back to RocksDB's defaults and
		 * compacts what is left in the background. */
		rocksdb_options_set_level0_file_num_compaction_trigger(s->opts, LB_BULK_L0_FILES);
		rocksdb_options_set_level0_slowdown_writes_trigger(s->opts, LB_BULK_L0_FILES + 16);
		rocksdb_options_set_level0_stop_writes_trigger(s->opts, LB_BULK_L0_FILES + 32);
	} else if (o->serving && !o->read_only) {
		/* A bulk ingest's tables are written uncompressed (their CPU is
		 * the ingest's), and 1 to 3 of them never reached RocksDB's
		 * default trigger of 4: the repetitive bench capture's store
		 * stayed at 216 bytes per rrset instead of 62 however long it
		 * was served.  A serving writer compacts level 0 as soon as it
		 * holds a file, in the background; a collector's ingested
		 * batches go the same way. */
		rocksdb_options_set_level0_file_num_compaction_trigger(s->opts, 1);
	}
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
	if (engine_repair && (err = lb_rocks_engine_repair(s, dir)))
		return err;
	bool locked = false;
	/* A writer's open recovers the engine's log into a table and writes a
	 * new manifest and options file (ours: merge operator, prefix
	 * extractor): another program's RocksDB would be changed before its
	 * missing marker refused it.  A read-only look first, which writes
	 * nothing; what it cannot tell (it cannot open or read the database)
	 * is left to the open below and its repair.  A store whose tables
	 * are marked needs no look at its log (tables_marked). */
	if (!o->read_only && has_current && !engine_repair && !tables_marked(s, dir) &&
	    !open_db(s, dir, true, &locked)) {
		s->log_looks++;
		s->read_only = true; /* check_format: no marker written, no upgrade */
		err = check_format(s, 0);
		s->read_only = false;
		rocksdb_close(s->db);
		s->db = NULL;
		if (err == LB_ECORRUPT || err == LB_EVERSION)
			return err;
	}
	err = open_db(s, dir, o->read_only, &locked);
	/* the engine cannot open it (a lost or corrupt MANIFEST; not another
	 * process holding its lock): repair, then once more */
	if (err && repairable(s, o, has_tables, locked)) {
		if ((err = lb_rocks_engine_repair(s, dir)))
			return err;
		err = open_db(s, dir, false, &locked);
	}
	if (err)
		return err;
	if (!o->read_only) {
		/* a table file a killed writer left before ingesting it */
		char p[4200];
		lb_rocks_sst_path(s, p, sizeof p);
		unlink(p);
	}
	err = load(s, !has_current && !s->engine_repaired);
	/* opened, but its metadata cannot be read (a table failing its
	 * checksums): repair, then once more */
	if (err == LB_ESTORE && repairable(s, o, has_tables, false)) {
		rocksdb_close(s->db);
		s->db = NULL;
		if ((err = lb_rocks_engine_repair(s, dir)) || (err = open_db(s, dir, false, &locked)))
			return err;
		err = load(s, 0);
	}
	return err;
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
	if (s->db) {
		lb_rocks_iter_pool_drain(s);
		rocksdb_close(s->db);
	}
	if (s->secdir) {
		rm_flat_dir(s->secdir);
		free(s->secdir);
	}
	for (size_t i = 0; i < s->nmoved; i++)
		free(s->moved[i]);
	free(s->moved);
	if (s->batch)
		rocksdb_writebatch_destroy(s->batch);
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
	if (s->ro_long)
		rocksdb_readoptions_destroy(s->ro_long);
	if (s->bloom)
		rocksdb_filterpolicy_destroy(s->bloom);
	if (s->pfx)
		rocksdb_slicetransform_destroy(s->pfx);
	if (s->cache)
		rocksdb_cache_destroy(s->cache);
	lb_kbuf_free(&s->k);
	lb_kbuf_free(&s->k2);
	lb_big_free(s->pend);
	lb_big_free(s->dig);
	lb_big_free(s->parena);
	free(s->gbuf);
	lb_sst_free(s->sst);
	free(s->goff);
	lb_hset_free(&s->put_seen);
	free(s->errmsg);
	free(s->dir);
	pthread_mutex_destroy(&s->errlock);
	pthread_mutex_destroy(&s->poollock);
	pthread_mutex_destroy(&s->srclock);
	for (size_t i = 0; i < SRC_MAX_IDS / SRC_CHUNK; i++)
		free(s->srcname[i]);
	free(s);
	return err;
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
	/* without retention the filter drops nothing: no second pass (it
	 * rewrote the whole store again: half of the time) */
	uint32_t days = atomic_load(&s->retain);
	if (!days)
		return 0;
	rocksdb_compact_range(s->db, NULL, 0, NULL, 0);
	/* rdata index keys carry no times (format 2): the ones whose rrsets
	 * retention removed are found here, then compacted away */
	uint64_t removed = 0;
	err = lb_rocks_sweep_orphans(s, lb_rocks_cutoff(days), &removed);
	lb_rocks_put_seen_clear(s); /* index keys may be gone: put them again when seen */
	if (!err && removed)
		rocksdb_compact_range(s->db, NULL, 0, NULL, 0);
	return err;
}

size_t lb_store_cache_bytes(const lb_store_t *s)
{
	return s && s->cache ? rocksdb_cache_get_usage(s->cache) : 0;
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
