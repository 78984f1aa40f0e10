/*
 * rocks_check.c - read a whole store and check that its tables agree
 * (store.h lb_store_check): every key and value decodes, every live rrset has
 * the index entries its add wrote, the source ids resolve; index entries no
 * live rrset holds are counted (retention leaves them), not problems.
 *
 * No point reads: one pass over the key space in key order (a long-scan
 * iterator: blocks read do not fill the block cache) notes the hash of every
 * forward and index key there is and of every one a live rrset implies; the
 * two sorted sets differ exactly where an entry is missing or held by no
 * rrset (a 64-bit hash: a collision could hide one difference, never invent
 * one).  The hashes are split over as many passes as keep them under
 * SET_BYTES; a last pass names the keys of the first missing entries.
 * Nothing is written.
 *
 * The repair (lb_store_repair) is the same walk, fixing as it goes: what does
 * not decode is deleted (copied first to a file under DIR/lost/), a stray
 * value on an index or name key is cleared, the last pass of each part puts
 * back every missing key (index and name keys are keys alone: a put of the
 * key is the whole entry), and source ids without a name get one.  Its writes
 * go through write batches beside the iterator, which reads the snapshot it
 * was made on: the walk never sees its own fixes.
 */
#include "store/store.h"

#include <errno.h>
#include <rocksdb/c.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "dns/name.h"
#include "store/keys.h"
#include "store/rocks_impl.h"
#include "util/hash.h"

/* Problems passed to the caller's function at most (all are counted). */
#define SHOW_MAX 100
/* Bytes of hashes held at once by default; more keys make more passes. */
#define SET_BYTES ((size_t)1 << 30)
/* Repair writes per write batch. */
#define FIX_BATCH 4096

/* What a forward or index key is, in a hash's two low bits. */
enum { K_OWNER = 0, K_INDEX = 1, K_TARGET = 2 };

struct hv { /* a growable array of key hashes */
	uint64_t *p;
	size_t n, cap;
};

struct chk {
	lb_store_t *s;
	lb_store_check_t *r;
	lb_store_check_fn fn;
	void *ctx;
	uint64_t shown;
	uint64_t cutoff;           /* retention: rrsets last seen before are expired */
	uint64_t seed;
	lb_kdec_t *dec;
	lb_kbuf_t kb;
	unsigned part, nparts;     /* this pass holds the hashes h with (h >> 2) % nparts == part */
	struct hv implied;         /* keys the live rrsets imply (F, I N X, G) */
	struct hv present;         /* the F, I N X, G keys there are */
	struct hv missing;         /* the first missing keys (up to SHOW_MAX), for the report */
	bool report;               /* the pass that names the differences' keys */
	/* the repair (lb_store_repair) */
	lb_store_repair_t *fx;     /* NULL: only check */
	uint8_t *restored;         /* per missing hash: put back already */
	rocksdb_writebatch_t *wb;
	size_t wb_ops;
	FILE *lost;                /* the entries removed, when one was */
	uint8_t unnamed[SRC_MAX_IDS / 8]; /* source ids to name */
	int err;
};

/* ---- the repair's writes ---- */

static void fix_write(struct chk *c)
{
	if (!c->wb_ops || c->err)
		return;
	char *e = NULL;
	rocksdb_write(c->s->db, c->s->wo, c->wb, &e);
	if (e) {
		lb_rocks_set_err(c->s, e);
		c->err = LB_ESTORE;
	}
	rocksdb_writebatch_clear(c->wb);
	c->wb_ops = 0;
}

static void fix_op(struct chk *c)
{
	if (++c->wb_ops >= FIX_BATCH)
		fix_write(c);
}

/* Put key with an empty value: an index or name entry (restored, or cleared). */
static void fix_put_key(struct chk *c, const void *key, size_t kl)
{
	rocksdb_writebatch_put(c->wb, key, kl, "", 0);
	fix_op(c);
}

static void hex(FILE *f, const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%02x", (unsigned char)p[i]);
}

/* Delete an entry that does not decode, after writing it (what, key, value,
 * in hex) to the lost file. */
static void fix_remove(struct chk *c, const char *what, const char *key, size_t kl,
		       const char *val, size_t vl)
{
	lb_store_repair_t *fx = c->fx;
	if (!c->lost && !c->err) {
		char d[4096];
		snprintf(d, sizeof d, "%s/lost", c->s->dir);
		if (mkdir(d, 0777) != 0 && errno != EEXIST) {
			lb_rocks_set_msg(c->s, "cannot make the directory lost/ for the removed entries");
			c->err = -errno;
			return;
		}
		snprintf(fx->lost_file, sizeof fx->lost_file, "%s/lookback-repair-%lld.tsv", d,
			 (long long)time(NULL));
		c->lost = fopen(fx->lost_file, "a");
		if (!c->lost) {
			lb_rocks_set_msg(c->s, "cannot write the file of removed entries in lost/");
			c->err = -errno;
			return;
		}
		fprintf(c->lost, "# lookback stats --repair: entries removed from %s "
			"(what, key in hex, value in hex)\n", c->s->dir);
	}
	if (c->err)
		return;
	fprintf(c->lost, "%s\t", what);
	hex(c->lost, key, kl);
	fputc('\t', c->lost);
	hex(c->lost, val, vl);
	fputc('\n', c->lost);
	if (fflush(c->lost) != 0) {
		lb_rocks_set_msg(c->s, "cannot write the file of removed entries in lost/");
		c->err = LB_ESTORE;
		return;
	}
	rocksdb_writebatch_delete(c->wb, key, kl);
	fx->removed++;
	fix_op(c);
}

static void problem(struct chk *c, uint64_t *counter, const char *what, const char *key,
		    size_t klen)
{
	if (counter) {
		(*counter)++;
		c->r->problems++;
	}
	if (c->fn && c->shown < SHOW_MAX) {
		c->shown++;
		c->fn(c->ctx, what, (const uint8_t *)key, klen);
	}
}

/* A problem with an entry that does not decode: counted, shown, and when
 * repairing, removed. */
static void bad(struct chk *c, uint64_t *counter, const char *what, const char *key, size_t kl,
		const char *val, size_t vl)
{
	problem(c, counter, what, key, kl);
	if (c->fx)
		fix_remove(c, what, key, kl, val, vl);
}

/* A stray value on an index or name key: counted, shown, and when repairing,
 * cleared (the key is the entry). */
static void stray(struct chk *c, uint64_t *counter, const char *what, const char *key, size_t kl)
{
	problem(c, counter, what, key, kl);
	if (c->fx) {
		fix_put_key(c, key, kl);
		c->fx->cleared++;
	}
}

static void hv_push(struct chk *c, struct hv *v, uint64_t h)
{
	if (v->n == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 4096;
		uint64_t *p = realloc(v->p, cap * sizeof *p);
		if (!p) {
			c->err = LB_ENOMEM;
			return;
		}
		v->p = p;
		v->cap = cap;
	}
	v->p[v->n++] = h;
}

static int u64_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

static void hv_sort_unique(struct hv *v)
{
	if (!v->n)
		return;
	qsort(v->p, v->n, sizeof *v->p, u64_cmp);
	size_t m = 1;
	for (size_t i = 1; i < v->n; i++)
		if (v->p[i] != v->p[m - 1])
			v->p[m++] = v->p[i];
	v->n = m;
}

/* The hash of a key, its kind in the low bits; whether this pass holds it. */
static bool key_hash(const struct chk *c, const uint8_t *k, size_t kl, int kind, uint64_t *h)
{
	*h = (lb_hash64(k, kl, c->seed) & ~(uint64_t)3) | (uint64_t)kind;
	return (*h >> 2) % c->nparts == c->part;
}

static int key_kind(uint8_t t)
{
	return t == LB_KT_FWD ? K_OWNER : t == LB_KT_GFWD ? K_TARGET : K_INDEX;
}

/* An F, G or index key read: note it. */
static void seen_key(struct chk *c, const char *key, size_t kl)
{
	uint64_t h;
	if (!key_hash(c, (const uint8_t *)key, kl, key_kind((uint8_t)key[0]), &h))
		return;
	if (!c->report)
		hv_push(c, &c->present, h);
}

/* A key a live rrset implies: note it, or (report pass) name the rrset if the key is missing. */
static void implies(struct chk *c, const lb_kbuf_t *k, int kind, const char *rkey, size_t rkl)
{
	uint64_t h;
	if (k->err) {
		c->err = k->err;
		return;
	}
	if (!key_hash(c, k->p, k->len, kind, &h))
		return;
	if (!c->report) {
		hv_push(c, &c->implied, h);
		return;
	}
	const uint64_t *m = c->missing.n ? bsearch(&h, c->missing.p, c->missing.n, sizeof h, u64_cmp)
					 : NULL;
	if (!m)
		return;
	problem(c, NULL,
		kind == K_OWNER ? "an rrset's owner is not in the forward index"
		: kind == K_INDEX ? "an rrset's RR is not in the rdata index"
				  : "an rdata name is not in the forward target index",
		rkey, rkl);
	size_t j = (size_t)(m - c->missing.p);
	if (c->fx && !c->restored[j]) {
		c->restored[j] = 1;
		fix_put_key(c, k->p, k->len);
		(*(kind == K_OWNER ? &c->fx->restored_owner
		   : kind == K_INDEX ? &c->fx->restored_index : &c->fx->restored_target))++;
	}
}

/* Every source id of v names a source the metadata knows. */
static void check_sources(struct chk *c, const lb_store_val_t *v, const char *key, size_t kl)
{
	const char *names[LB_STORE_MAX_SOURCES];
	size_t want = v->nsrc < LB_STORE_MAX_SOURCES ? v->nsrc : LB_STORE_MAX_SOURCES;
	if (lb_store_source_names(c->s, v, names) == want)
		return;
	problem(c, &c->r->unknown_source, "a source id the metadata does not name", key, kl);
	for (size_t i = 0; c->fx && i < want; i++) {
		lb_store_val_t one = { .nsrc = 1, .src = { v->src[i] } };
		if (v->src[i] < SRC_MAX_IDS && lb_store_source_names(c->s, &one, names) == 0)
			c->unnamed[v->src[i] / 8] |= (uint8_t)(1u << (v->src[i] % 8));
	}
}

/* Counting and decoding problems: the first pass only. */
static bool first(const struct chk *c)
{
	return c->part == 0 && !c->report;
}

static void check_rrset(struct chk *c, const char *key, size_t kl, const char *val, size_t vl)
{
	lb_store_check_t *r = c->r;
	lb_store_rec_t rec;
	if (first(c))
		r->rrsets++;
	if (lb_key_decode((const uint8_t *)key, kl, c->dec, &rec) != 0) {
		if (first(c))
			bad(c, &r->bad_key, "an rrset key does not decode", key, kl, val, vl);
		return;
	}
	bool vok = lb_val_decode((const uint8_t *)val, vl, &rec.val) == 0;
	if (!vok) {
		/* reported once; its key still says which entries it implies,
		 * unless the repair removes it */
		if (first(c))
			bad(c, &r->bad_value, "an rrset value does not decode", key, kl, val, vl);
		if (c->fx)
			return;
	} else if (first(c)) {
		check_sources(c, &rec.val, key, kl);
	}
	/* an expired rrset's index entries may be swept already (stats --compact) */
	if (c->cutoff && vok && lb_rocks_expired(&rec.val, c->cutoff)) {
		if (first(c))
			r->expired++;
		return;
	}
	lb_kbuf_reset(&c->kb);
	lb_key_fwd(&c->kb, LB_KT_FWD, rec.owner, rec.owner_len);
	implies(c, &c->kb, K_OWNER, key, kl);
	for (size_t i = 0; i < rec.nrdata && !c->err; i++) {
		const uint8_t *target;
		lb_kbuf_reset(&c->kb);
		lb_key_rdata(&c->kb, &rec, i, c->s->xdig, &target, NULL);
		implies(c, &c->kb, K_INDEX, key, kl);
		if (!target)
			continue;
		int tl = lb_name_check(target, rec.rdlen[i] - (size_t)(target - rec.rdata[i]));
		if (tl <= 0)
			continue; /* as the writer: no name it cannot check */
		lb_kbuf_reset(&c->kb);
		lb_key_fwd(&c->kb, LB_KT_GFWD, target, (size_t)tl);
		implies(c, &c->kb, K_TARGET, key, kl);
	}
}

static void check_index(struct chk *c, const char *key, size_t kl, const char *val, size_t vl)
{
	lb_store_check_t *r = c->r;
	lb_store_rec_t rec;
	bool kok = true;
	if (first(c) || c->fx)
		kok = lb_key_decode((const uint8_t *)key, kl, c->dec, &rec) == 0;
	if (first(c)) {
		r->index_entries++;
		if (!kok)
			bad(c, &r->bad_key, "an rdata index key does not decode", key, kl, val, vl);
		/* format 2 and 3: empty; format 1: counters (a lookup derives
		 * them from the rrsets when the value is empty) */
		else if (vl && lb_val_decode((const uint8_t *)val, vl, &rec.val) != 0)
			stray(c, &r->bad_value, "an rdata index value does not decode", key, kl);
	}
	if (!kok && c->fx)
		return; /* removed by the first pass */
	seen_key(c, key, kl);
}

/* An 'F' or 'G' key: a wire name and no value. */
static void check_fwd(struct chk *c, const char *key, size_t kl, const char *val, size_t vl)
{
	lb_store_check_t *r = c->r;
	const uint8_t *name = (const uint8_t *)key + 1;
	size_t nl = kl - 1;
	bool name_ok = nl != 0 && lb_name_check(name, nl) == (int)nl;
	if (first(c)) {
		if (key[0] == LB_KT_GFWD)
			r->targets++;
		else
			r->owners++;
		if (!name_ok)
			bad(c, &r->bad_key, "a forward index key is not a name", key, kl, val, vl);
		else if (vl)
			stray(c, &r->bad_value, "a forward index key has a value", key, kl);
	}
	if (!name_ok && c->fx)
		return; /* removed by the first pass */
	seen_key(c, key, kl);
}

static void check_meta(struct chk *c, const char *key, size_t kl, const char *val, size_t vl)
{
	lb_store_check_t *r = c->r;
	if (!first(c))
		return;
	r->meta++;
	if (kl < 2) {
		bad(c, &r->bad_key, "a metadata key is too short", key, kl, val, vl);
		return;
	}
	lb_cur_t cur;
	switch (key[1]) {
	case 'f':
	case 'r':
		return; /* the format and the retention are read (and checked) at open */
	case 's': {
		lb_store_rec_t rec;
		if (lb_key_decode((const uint8_t *)key, kl, c->dec, &rec) != 0)
			bad(c, &r->bad_key, "a source's freshness key does not decode", key, kl, val, vl);
		else if (lb_val_decode((const uint8_t *)val, vl, &rec.val) != 0)
			bad(c, &r->bad_value, "a source's freshness value does not decode", key, kl, val, vl);
		return;
	}
	case 'i': { /* name -> id; the id must name it back */
		lb_cur_init(&cur, (const uint8_t *)val, vl);
		uint64_t id = lb_cur_varint(&cur);
		if (lb_cur_err(&cur) || lb_cur_left(&cur) || id >= SRC_MAX_IDS || kl - 2 == 0 ||
		    kl - 2 > LB_STORE_SENSOR_MAX) {
			bad(c, &r->bad_value, "a source's id does not decode", key, kl, val, vl);
			return;
		}
		lb_store_val_t v = { .nsrc = 1, .src = { (uint32_t)id } };
		const char *names[LB_STORE_MAX_SOURCES];
		if (lb_store_source_names(c->s, &v, names) != 1 || strlen(names[0]) != kl - 2 ||
		    memcmp(names[0], key + 2, kl - 2) != 0)
			/* 'V n' (id -> name) is what lookups read: this one goes */
			bad(c, &r->unknown_source, "a source's id names another source", key, kl, val,
			    vl);
		return;
	}
	case 'n': { /* id -> name: loaded (and checked) at open; a repair's open skips bad ones */
		lb_cur_init(&cur, (const uint8_t *)key + 2, kl - 2);
		uint64_t id = lb_cur_varint(&cur);
		if (lb_cur_err(&cur) || lb_cur_left(&cur) || id >= SRC_MAX_IDS || vl == 0 ||
		    vl > LB_STORE_SENSOR_MAX || memchr(val, 0, vl))
			bad(c, &r->bad_key, "a source's name entry does not decode", key, kl, val, vl);
		return;
	}
	default:
		bad(c, &r->bad_key, "a metadata key of no known kind", key, kl, val, vl);
	}
}

static void check_neg(struct chk *c, const char *key, size_t kl, const char *val, size_t vl)
{
	lb_store_check_t *r = c->r;
	lb_store_rec_t rec;
	if (!first(c))
		return;
	r->negatives++;
	if (lb_key_decode((const uint8_t *)key, kl, c->dec, &rec) != 0)
		bad(c, &r->bad_key, "a negative answer key does not decode", key, kl, val, vl);
	else if (lb_val_decode((const uint8_t *)val, vl, &rec.val) != 0)
		bad(c, &r->bad_value, "a negative answer value does not decode", key, kl, val, vl);
	else
		check_sources(c, &rec.val, key, kl);
}

/* One pass over every key. */
static void pass(struct chk *c, rocksdb_iterator_t *it, lb_store_progress_fn progress, void *pctx)
{
	lb_store_check_t *out = c->r;
	for (rocksdb_iter_seek_to_first(it); !c->err && rocksdb_iter_valid(it);
	     rocksdb_iter_next(it)) {
		size_t kl, vl;
		const char *k = rocksdb_iter_key(it, &kl);
		const char *v = rocksdb_iter_value(it, &vl);
		if (first(c) && (++out->keys & 0xffff) == 0 && progress)
			progress(pctx, out->keys);
		if (!kl) {
			if (first(c))
				bad(c, &out->bad_key, "an empty key", k, kl, v, vl);
			continue;
		}
		switch (k[0]) {
		case LB_KT_META: check_meta(c, k, kl, v, vl); break;
		case LB_KT_RRSET: check_rrset(c, k, kl, v, vl); break;
		case LB_KT_IP:
		case LB_KT_NAME:
		case LB_KT_RAW: check_index(c, k, kl, v, vl); break;
		case LB_KT_FWD:
		case LB_KT_GFWD: check_fwd(c, k, kl, v, vl); break;
		case LB_KT_NEG: check_neg(c, k, kl, v, vl); break;
		default:
			if (first(c))
				bad(c, &out->bad_key, "a key in no table", k, kl, v, vl);
			break;
		}
	}
	if (!c->err)
		c->err = lb_rocks_iter_err(c->s, it);
}

/* Compare the implied and present keys of this part: count the differences,
 * keep the first ones for the report pass. */
static void compare(struct chk *c)
{
	lb_store_check_t *r = c->r;
	struct hv *im = &c->implied, *pr = &c->present;
	hv_sort_unique(im);
	hv_sort_unique(pr);
	size_t i = 0, j = 0;
	while (!c->err && (i < im->n || j < pr->n)) {
		if (j == pr->n || (i < im->n && im->p[i] < pr->p[j])) {
			uint64_t h = im->p[i++]; /* implied, not there */
			uint64_t *ctr = (h & 3) == K_OWNER ? &r->missing_owner
					: (h & 3) == K_INDEX ? &r->missing_index : &r->missing_target;
			(*ctr)++;
			r->problems++;
			if (c->missing.n < SHOW_MAX || c->fx)
				hv_push(c, &c->missing, h);
		} else if (i == im->n || pr->p[j] < im->p[i]) {
			/* there, held by no live rrset: what rrsets retention removed
			 * left behind (harmless: lookups skip it) */
			uint64_t h = pr->p[j++];
			(*((h & 3) == K_INDEX ? &r->orphan_index : &r->orphan_names))++;
		} else {
			i++;
			j++;
		}
	}
	im->n = pr->n = 0;
}

/* The check, and with fx the repair. */
static int walk(lb_store_t *s, size_t set_bytes, lb_store_check_t *out, lb_store_repair_t *fx,
		lb_store_check_fn fn, void *ctx, lb_store_progress_fn progress, void *pctx)
{
	memset(out, 0, sizeof *out);
	if (!set_bytes)
		set_bytes = SET_BYTES;
	struct chk *c = calloc(1, sizeof *c);
	if (!c)
		return LB_ENOMEM;
	*c = (struct chk){ .s = s, .r = out, .fn = fn, .ctx = ctx, .seed = lb_hash_seed(), .fx = fx };
	c->cutoff = s->retain ? lb_rocks_cutoff(s->retain) : 0;
	/* two hashes per key at most (one implied, one present), 8 bytes each */
	uint64_t est = 0;
	char *p = rocksdb_property_value(s->db, "rocksdb.estimate-num-keys");
	if (p)
		est = strtoull(p, NULL, 10);
	rocksdb_free(p);
	c->nparts = (unsigned)(est * 16 / set_bytes + 1);
	c->dec = malloc(sizeof *c->dec);
	rocksdb_iterator_t *it = rocksdb_create_iterator(s->db, s->ro_long);
	if (!c->dec || !it)
		c->err = LB_ENOMEM;
	if (fx && !(c->wb = rocksdb_writebatch_create()))
		c->err = LB_ENOMEM;
	for (c->part = 0; !c->err && c->part < c->nparts; c->part++) {
		c->report = false;
		pass(c, it, progress, pctx);
		if (!c->err)
			compare(c);
		if (!c->err && c->missing.n && (fx || (fn && c->shown < SHOW_MAX))) {
			hv_sort_unique(&c->missing);
			if (fx) {
				free(c->restored);
				if (!(c->restored = calloc(c->missing.n, 1)))
					c->err = LB_ENOMEM;
			}
			c->report = true;
			if (!c->err)
				pass(c, it, NULL, NULL);
		}
		c->missing.n = 0;
		if (fx)
			fix_write(c);
	}
	/* source ids no name was found for: "unnamed-ID" */
	for (uint32_t id = 0; fx && !c->err && id < SRC_MAX_IDS; id++) {
		if (!(c->unnamed[id / 8] & (1u << (id % 8))))
			continue;
		char name[32];
		snprintf(name, sizeof name, "unnamed-%u", id);
		if (!(c->err = lb_rocks_src_name(s, id, name)))
			fx->named_sources++;
	}
	if (fx)
		lb_rocks_put_seen_clear(s);
	if (c->lost && fclose(c->lost) != 0 && !c->err) {
		lb_rocks_set_msg(s, "cannot write the file of removed entries in lost/");
		c->err = LB_ESTORE;
	}
	if (c->wb)
		rocksdb_writebatch_destroy(c->wb);
	if (it)
		rocksdb_iter_destroy(it);
	lb_kbuf_free(&c->kb);
	free(c->dec);
	free(c->implied.p);
	free(c->present.p);
	free(c->missing.p);
	free(c->restored);
	int err = c->err;
	free(c);
	return err;
}

int lb_store_check(lb_store_t *s, size_t set_bytes, lb_store_check_t *out, lb_store_check_fn fn,
		   void *ctx, lb_store_progress_fn progress, void *pctx)
{
	return walk(s, set_bytes, out, NULL, fn, ctx, progress, pctx);
}

int lb_store_repair(lb_store_t *s, size_t set_bytes, lb_store_check_t *found,
		    lb_store_repair_t *done, lb_store_check_fn fn, void *ctx,
		    lb_store_progress_fn progress, void *pctx)
{
	memset(done, 0, sizeof *done);
	if (s->read_only) {
		memset(found, 0, sizeof *found);
		return LB_EINVAL;
	}
	int err = lb_store_commit(s); /* nothing of the writer's own left pending */
	return err ? err : walk(s, set_bytes, found, done, fn, ctx, progress, pctx);
}
