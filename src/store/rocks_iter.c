/*
 * rocks_iter.c - iterators over the RocksDB store: lookups as key ranges
 * (store.h lb_store_iter_*), totals.
 */
#include "store/store.h"

#include <assert.h>
#include <pthread.h>
#include <rocksdb/c.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dns/name.h"
#include "dns/rdata.h"
#include "dns/rrtype.h"
#include "store/keys.h"
#include "store/rocks_impl.h"

/* ---- iterators ---- */

#define MAX_RANGES 24

struct range {
	lb_kbuf_t lo, hi;   /* [lo, hi) */
	int outer;          /* 1: keys are forward-index names; each opens an inner exact scan */
	uint8_t inner_table;/* table of the inner scan (R or N) */
};

struct lb_store_iter {
	lb_store_t *s;
	rocksdb_iterator_t *it;
	struct range r[MAX_RANGES];
	int nr, cur;
	int positioned;
	/* outer (forward index) state */
	rocksdb_iterator_t *oit;
	struct range inner;
	int in_inner;
	uint16_t type;      /* post-filter: 0 = any */
	const uint8_t *raw; /* post-filter on the one rdata */
	size_t raw_len;
	uint8_t *raw_copy;
	uint64_t cutoff;
	int done;
	unsigned budget, steps; /* lb_store_iter_set_budget; steps of this call */
	lb_kdec_t *dec;
	lb_kbuf_t kb;       /* scratch for building bounds (per iterator: iterators may run in other threads) */
	rocksdb_iterator_t *rit; /* rrsets behind a counter-less rdata index entry */
	uint64_t it_tag, rit_tag; /* pool tags of it and rit (lb_rocks_iter_take) */
	int it_kind;              /* LB_IT_* of it */
	lb_kbuf_t dk;       /* their key prefix */
	const char *srcp[LB_STORE_MAX_SOURCES]; /* rec->sources */
	struct lb_ocache *oc; /* counters of index entries by owner (rocks_ocache.c) */
	int no_ocache;        /* lb_store_iter_set_owner_cache */
	uint64_t index_reads; /* lb_store_iter_index_reads */
};

/* Upper bound just past every key that starts with b's bytes followed by a byte <= 0x3f. */
static void range_labels(struct range *r, const lb_kbuf_t *prefix, uint8_t first, uint8_t last)
{
	lb_kbuf_reset(&r->lo);
	lb_kbuf_reset(&r->hi);
	lb_kbuf_put(&r->lo, prefix->p, prefix->len);
	lb_kbuf_u8(&r->lo, first);
	lb_kbuf_put(&r->hi, prefix->p, prefix->len);
	lb_kbuf_u8(&r->hi, last);
}

/* Exclusive upper bound of "all keys starting with prefix". */
static void range_prefix(struct range *r, const lb_kbuf_t *prefix)
{
	lb_kbuf_reset(&r->lo);
	lb_kbuf_reset(&r->hi);
	lb_kbuf_put(&r->lo, prefix->p, prefix->len);
	lb_kbuf_put(&r->hi, prefix->p, prefix->len);
	/* increment the last byte that is not 0xff, dropping 0xff bytes */
	while (r->hi.len && r->hi.p[r->hi.len - 1] == 0xff)
		r->hi.len--;
	if (r->hi.len)
		r->hi.p[r->hi.len - 1]++;
	else
		lb_kbuf_put(&r->hi, "\xff\xff\xff\xff", 4); /* cannot happen: tables are < 0xff */
}

/* Do all keys of [lo, hi) share lo's extractor prefix?  Then the scan can use
 * prefix seeks (and the bloom filters). */
static int range_in_prefix(const struct range *r)
{
	if (r->outer)
		return 1; /* its inner scans are exact-name prefixes */
	size_t pl = lb_rocks_key_prefix_len(r->lo.p, r->lo.len);
	if (!pl || r->hi.len < pl)
		return 0;
	if (!memcmp(r->hi.p, r->lo.p, pl))
		return 1;
	/* hi = the prefix's successor: lo's prefix with its last byte + 1 */
	return r->hi.len == pl && !memcmp(r->hi.p, r->lo.p, pl - 1) &&
	       r->lo.p[pl - 1] != 0xff && r->hi.p[pl - 1] == r->lo.p[pl - 1] + 1;
}

static struct range *add_range(lb_store_iter_t *it)
{
	if (it->nr == MAX_RANGES)
		return NULL;
	struct range *r = &it->r[it->nr++];
	memset(r, 0, sizeof *r);
	return r;
}

/* Prefix "T rname 00 [type]" for exact name scans. */
static void exact_prefix(lb_kbuf_t *k, uint8_t table, const uint8_t *name, uint16_t type)
{
	lb_kbuf_reset(k);
	lb_kbuf_u8(k, table);
	lb_kbuf_rname(k, name);
	lb_kbuf_u8(k, 0);
	if (type)
		lb_kbuf_u16(k, type);
}

static int add_name_scan(lb_store_iter_t *it, uint8_t table, uint8_t fwd_table,
			 const lb_store_scan_t *q, uint16_t type)
{
	lb_kbuf_t *k = &it->kb;
	struct range *r = add_range(it);
	if (!r)
		return LB_ELIMIT;
	switch (q->match) {
	case LB_MATCH_EXACT:
		exact_prefix(k, table, q->name, type);
		range_prefix(r, k);
		break;
	case LB_MATCH_BELOW:
		lb_kbuf_reset(k);
		lb_kbuf_u8(k, table);
		lb_kbuf_rname(k, q->name);
		range_labels(r, k, 0x01, 0x40);
		break;
	case LB_MATCH_ABOVE_PREFIX:
		if (!fwd_table)
			return LB_EINVAL;
		lb_kbuf_reset(k);
		lb_kbuf_u8(k, fwd_table);
		lb_kbuf_put(k, q->name, q->name_len - 1); /* without the root label */
		range_labels(r, k, 0x01, 0x40);
		r->outer = 1;
		r->inner_table = table;
		break;
	}
	return k->err;
}

static const uint16_t name_types[] = {
	LB_T_NS, LB_T_CNAME, LB_T_DNAME, LB_T_PTR, LB_T_MX, LB_T_SRV, LB_T_SOA, LB_T_SVCB,
	LB_T_HTTPS, LB_T_NAPTR, LB_T_AFSDB, LB_T_RT, LB_T_KX, LB_T_PX, LB_T_MB, LB_T_MD, LB_T_MF,
};

static int add_raw_scans(lb_store_iter_t *it, const lb_store_scan_t *q)
{
	lb_kbuf_t *k = &it->kb;
	struct range *r;
	uint16_t t = q->type;
	if ((q->raw_len == 4 && (!t || t == LB_T_A)) || (q->raw_len == 16 && (!t || t == LB_T_AAAA))) {
		lb_kbuf_reset(k);
		lb_kbuf_u8(k, LB_KT_IP);
		lb_kbuf_u8(k, q->raw_len == 4 ? 4 : 6);
		lb_kbuf_put(k, q->raw, q->raw_len);
		if (!(r = add_range(it)))
			return LB_ELIMIT;
		range_prefix(r, k);
	}
	for (size_t i = 0; i < sizeof name_types / sizeof name_types[0]; i++) {
		if (t && t != name_types[i])
			continue;
		const uint8_t *tn = lb_rdata_target_name(name_types[i], q->raw, q->raw_len);
		if (!tn || lb_name_check(tn, q->raw_len - (size_t)(tn - q->raw)) <= 0)
			continue;
		exact_prefix(k, LB_KT_NAME, tn, name_types[i]);
		if (!(r = add_range(it)))
			return LB_ELIMIT;
		range_prefix(r, k);
	}
	lb_kbuf_reset(k);
	lb_kbuf_u8(k, LB_KT_RAW);
	lb_key_raw_rdata(k, q->raw, q->raw_len, it->s->xdig);
	if (t)
		lb_kbuf_u16(k, t);
	if (!(r = add_range(it)))
		return LB_ELIMIT;
	range_prefix(r, k);
	return k->err;
}

/*
 * Iterator pool.  Making a RocksDB iterator (a merging iterator over the
 * memtables and every level's files) cost about as much as the seek of an
 * exact lookup; the query server makes one per request.  An iterator sees
 * the database as of its creation, so one is reused only while the latest
 * sequence number is the one read before it was made (no write since): then
 * it answers exactly as a new one would.  Nor may the tables have changed
 * since: a compaction writes nothing new, but an iterator made before it
 * holds the tables it replaced, whose files then stay on disk (a served
 * store kept its bulk ingest's uncompressed tables beside their compacted
 * copy, 63 MB instead of 14).  The tag is the sum of the sequence number and
 * RocksDB's super-version number (memtables and tables: it counts up at
 * every flush and compaction); both only grow, so the sum is the one read
 * before only if neither changed.  Stale ones are destroyed at the next
 * take, so they do not keep old table files alive for long.
 */
static uint64_t pool_tag(lb_store_t *s)
{
	uint64_t sv = 0;
	if (rocksdb_property_int(s->db, "rocksdb.current-super-version-number", &sv) != 0)
		sv = 0;
	return rocksdb_get_latest_sequence_number(s->db) + sv;
}

rocksdb_iterator_t *lb_rocks_iter_take(lb_store_t *s, int kind, uint64_t *tag)
{
	static_assert(LB_IT_KINDS == 3, "read options per kind below");
	uint64_t seq = pool_tag(s);
	rocksdb_iterator_t *ri = NULL, *stale[LB_ITER_POOL];
	int nstale = 0;
	pthread_mutex_lock(&s->poollock);
	while (s->pool_n[kind] > 0) {
		int i = --s->pool_n[kind];
		if (s->pool_seq[kind][i] == seq) {
			ri = s->pool[kind][i];
			break;
		}
		stale[nstale++] = s->pool[kind][i];
	}
	pthread_mutex_unlock(&s->poollock);
	for (int i = 0; i < nstale; i++)
		rocksdb_iter_destroy(stale[i]);
	if (!ri)
		ri = rocksdb_create_iterator(s->db, kind == LB_IT_PFX    ? s->ro_pfx
						    : kind == LB_IT_LONG ? s->ro_long
									: s->ro);
	*tag = seq;
	return ri;
}

void lb_rocks_iter_give(lb_store_t *s, int kind, rocksdb_iterator_t *ri, uint64_t tag)
{
	char *e = NULL;
	rocksdb_iter_get_error(ri, &e);
	if (!e) {
		pthread_mutex_lock(&s->poollock);
		if (s->pool_n[kind] < LB_ITER_POOL) {
			int i = s->pool_n[kind]++;
			s->pool[kind][i] = ri;
			s->pool_seq[kind][i] = tag;
			ri = NULL;
		}
		pthread_mutex_unlock(&s->poollock);
	}
	rocksdb_free(e);
	if (ri)
		rocksdb_iter_destroy(ri);
}

void lb_rocks_iter_pool_drain(lb_store_t *s)
{
	pthread_mutex_lock(&s->poollock);
	for (int k = 0; k < LB_IT_KINDS; k++) {
		while (s->pool_n[k] > 0)
			rocksdb_iter_destroy(s->pool[k][--s->pool_n[k]]);
	}
	pthread_mutex_unlock(&s->poollock);
}

/*
 * A scan that walks a whole table or much of one: every name below the root
 * (export, `*`), or addresses reaching past one IPv4 /8 or one IPv6 /32.  It
 * reads each block once, so it leaves the block cache as it found it
 * (LB_IT_LONG); the rrsets its rdata rows are derived from are still read
 * through the cache.
 */
static int long_scan(const lb_store_scan_t *q)
{
	switch (q->kind) {
	case LB_SCAN_RRSET:
	case LB_SCAN_RDATA_NAME:
	case LB_SCAN_NEG:
		return q->match == LB_MATCH_BELOW && q->name_len == 1;
	case LB_SCAN_RDATA_IP: {
		size_t n = q->family == 4 ? 1 : 4; /* bytes of a /8 or a /32 */
		return memcmp(q->lo, q->hi, n) != 0;
	}
	default:
		return 0;
	}
}

int lb_store_iter_new(lb_store_t *s, const lb_store_scan_t *q, lb_store_iter_t **out)
{
	*out = NULL;
	int err = 0;
	lb_store_iter_t *it = calloc(1, sizeof *it);
	if (!it)
		return LB_ENOMEM;
	it->s = s;
	it->dec = malloc(sizeof *it->dec);
	if (!it->dec) {
		free(it);
		return LB_ENOMEM;
	}
	uint32_t days = atomic_load(&s->retain);
	it->cutoff = days ? lb_rocks_cutoff(days) : 0;
	it->type = q->type;
	lb_kbuf_t *k = &it->kb;
	struct range *r;
	switch (q->kind) {
	case LB_SCAN_RRSET:
	case LB_SCAN_RRSET_RAW:
		if (!q->name || lb_name_check(q->name, q->name_len) != (int)q->name_len) {
			err = LB_EINVAL;
			break;
		}
		err = add_name_scan(it, LB_KT_RRSET, LB_KT_FWD, q, q->type);
		break;
	case LB_SCAN_RDATA_NAME:
		if (!q->name || lb_name_check(q->name, q->name_len) != (int)q->name_len) {
			err = LB_EINVAL;
			break;
		}
		err = add_name_scan(it, LB_KT_NAME, LB_KT_GFWD, q, q->type);
		break;
	case LB_SCAN_NEG:
		if (!q->name || lb_name_check(q->name, q->name_len) != (int)q->name_len ||
		    q->match == LB_MATCH_ABOVE_PREFIX) {
			err = LB_EINVAL;
			break;
		}
		err = add_name_scan(it, LB_KT_NEG, 0, q, q->type);
		break;
	case LB_SCAN_RDATA_IP: {
		size_t al = q->family == 4 ? 4 : q->family == 6 ? 16 : 0;
		if (!al || memcmp(q->lo, q->hi, al) > 0) {
			err = LB_EINVAL;
			break;
		}
		if (!(r = add_range(it))) {
			err = LB_ELIMIT;
			break;
		}
		lb_kbuf_reset(&r->lo);
		lb_kbuf_u8(&r->lo, LB_KT_IP);
		lb_kbuf_u8(&r->lo, q->family);
		lb_kbuf_put(&r->lo, q->lo, al);
		lb_kbuf_reset(&r->hi);
		lb_kbuf_u8(&r->hi, LB_KT_IP);
		lb_kbuf_u8(&r->hi, q->family);
		lb_kbuf_put(&r->hi, q->hi, al);
		lb_kbuf_u8(&r->hi, 0x40);
		break;
	}
	case LB_SCAN_RDATA_RAW:
		if (!q->raw || q->raw_len == 0 || q->raw_len > LB_RDATA_MAX) {
			err = LB_EINVAL;
			break;
		}
		it->raw_copy = malloc(q->raw_len);
		if (!it->raw_copy) {
			err = LB_ENOMEM;
			break;
		}
		memcpy(it->raw_copy, q->raw, q->raw_len);
		it->raw = it->raw_copy;
		it->raw_len = q->raw_len;
		err = add_raw_scans(it, q);
		break;
	case LB_SCAN_SENSORS:
		if (!(r = add_range(it))) {
			err = LB_ELIMIT;
			break;
		}
		lb_kbuf_reset(k);
		lb_kbuf_u8(k, LB_KT_META);
		lb_kbuf_u8(k, 's');
		range_prefix(r, k);
		it->cutoff = 0;
		break;
	default:
		err = LB_EINVAL;
	}
	for (int i = 0; !err && i < it->nr; i++)
		if (it->r[i].lo.err || it->r[i].hi.err)
			err = LB_ENOMEM;
	int pfx = it->nr > 0;
	for (int i = 0; !err && i < it->nr; i++)
		pfx &= range_in_prefix(&it->r[i]);
	if (!err) {
		it->it_kind = pfx ? LB_IT_PFX : long_scan(q) ? LB_IT_LONG : LB_IT_TOTAL;
		it->it = lb_rocks_iter_take(s, it->it_kind, &it->it_tag);
		if (!it->it)
			err = LB_ENOMEM;
	}
	if (err) {
		lb_store_iter_free(it);
		return err;
	}
	*out = it;
	return 0;
}

void lb_store_iter_free(lb_store_iter_t *it)
{
	if (!it)
		return;
	if (it->it)
		lb_rocks_iter_give(it->s, it->it_kind, it->it, it->it_tag);
	if (it->oit)
		rocksdb_iter_destroy(it->oit);
	if (it->rit)
		lb_rocks_iter_give(it->s, LB_IT_PFX, it->rit, it->rit_tag);
	lb_kbuf_free(&it->dk);
	lb_rocks_ocache_free(it->oc);
	for (int i = 0; i < MAX_RANGES; i++) {
		lb_kbuf_free(&it->r[i].lo);
		lb_kbuf_free(&it->r[i].hi);
	}
	lb_kbuf_free(&it->inner.lo);
	lb_kbuf_free(&it->inner.hi);
	lb_kbuf_free(&it->kb);
	free(it->raw_copy);
	free(it->dec);
	free(it);
}

static int key_cmp(const char *k, size_t kl, const lb_kbuf_t *b)
{
	size_t n = kl < b->len ? kl : b->len;
	int c = memcmp(k, b->p, n);
	if (c)
		return c;
	return kl < b->len ? -1 : kl > b->len ? 1 : 0;
}

static int iter_status(lb_store_iter_t *it, rocksdb_iterator_t *ri)
{
	return lb_rocks_iter_err(it->s, ri);
}

/* Next forward-index name of the current outer range; sets up it->inner.  1 / 0 end / <0. */
static int next_outer(lb_store_iter_t *it, struct range *r)
{
	if (!it->oit) {
		it->oit = rocksdb_create_iterator(it->s->db, it->s->ro);
		if (!it->oit)
			return LB_ENOMEM;
		rocksdb_iter_seek(it->oit, (const char *)r->lo.p, r->lo.len);
	} else {
		rocksdb_iter_next(it->oit);
	}
	if (!rocksdb_iter_valid(it->oit)) {
		int err = iter_status(it, it->oit);
		rocksdb_iter_destroy(it->oit);
		it->oit = NULL;
		return err;
	}
	size_t kl;
	const char *k = rocksdb_iter_key(it->oit, &kl);
	if (key_cmp(k, kl, &r->hi) >= 0) {
		rocksdb_iter_destroy(it->oit);
		it->oit = NULL;
		return 0;
	}
	const uint8_t *name = (const uint8_t *)k + 1;
	if (kl < 2 || lb_name_check(name, kl - 1) != (int)(kl - 1)) {
		lb_rocks_set_msg(it->s, "bad forward index key");
		return LB_ECORRUPT;
	}
	exact_prefix(&it->kb, r->inner_table, name, it->type);
	range_prefix(&it->inner, &it->kb);
	return it->inner.lo.err ? it->inner.lo.err : 1;
}

/* Advance to the next raw key inside the active ranges.  1 = positioned, 0 = end,
 * LB_STORE_AGAIN = the call's step budget is spent (the state is kept: the
 * next call goes on from the top of the loop). */
static int next_key(lb_store_iter_t *it, const char **k, size_t *kl)
{
	for (;;) {
		if (it->cur >= it->nr)
			return 0;
		if (it->budget && it->steps++ >= it->budget)
			return LB_STORE_AGAIN;
		struct range *r = &it->r[it->cur];
		struct range *act = r;
		if (r->outer) {
			if (!it->in_inner) {
				int n = next_outer(it, r);
				if (n < 0)
					return n;
				if (n == 0) {
					it->cur++;
					continue;
				}
				it->in_inner = 1;
				it->positioned = 0;
			}
			act = &it->inner;
		}
		if (!it->positioned) {
			rocksdb_iter_seek(it->it, (const char *)act->lo.p, act->lo.len);
			it->positioned = 1;
		} else {
			rocksdb_iter_next(it->it);
		}
		if (rocksdb_iter_valid(it->it)) {
			*k = rocksdb_iter_key(it->it, kl);
			if (key_cmp(*k, *kl, &act->hi) < 0)
				return 1;
		} else {
			int err = iter_status(it, it->it);
			if (err)
				return err;
		}
		/* this range is exhausted */
		it->positioned = 0;
		if (r->outer)
			it->in_inner = 0;
		else
			it->cur++;
	}
}

/* One rrset's value into an index entry's counters: decoded into *out for
 * the first one (*found 0), merged into it after; an expired one (cutoff)
 * is left out.  0, or LB_ECORRUPT. */
int lb_rocks_index_fold(lb_store_t *s, const uint8_t *v, size_t vl, uint64_t cutoff,
			lb_store_val_t *out, int *found)
{
	lb_store_val_t one;
	if (lb_val_decode(v, vl, *found ? &one : out) != 0) {
		lb_rocks_set_msg(s, "a stored value does not decode");
		return LB_ECORRUPT;
	}
	if (cutoff && lb_rocks_expired(*found ? &one : out, cutoff))
		return 0;
	if (*found)
		lb_store_val_merge(out, &one);
	*found = 1;
	return 0;
}

int lb_rocks_index_val(lb_store_t *s, rocksdb_iterator_t **rit, uint64_t *rit_tag,
		       lb_kbuf_t *kb, lb_kdec_t *dec, const lb_store_rec_t *rec, uint64_t cutoff,
		       lb_store_val_t *out, uint64_t *reads)
{
	if (rec->kind != LB_REC_RDATA || rec->nrdata != 1)
		return LB_EINVAL;
	exact_prefix(kb, LB_KT_RRSET, rec->owner, rec->type);
	if (kb->err)
		return kb->err;
	if (!*rit && !(*rit = rit_tag ? lb_rocks_iter_take(s, LB_IT_PFX, rit_tag)
				      : rocksdb_create_iterator(s->db, s->ro_pfx)))
		return LB_ENOMEM;
	int found = 0;
	for (rocksdb_iter_seek(*rit, (const char *)kb->p, kb->len); rocksdb_iter_valid(*rit);
	     rocksdb_iter_next(*rit)) {
		size_t kl, vl;
		const char *k = rocksdb_iter_key(*rit, &kl);
		if (kl < kb->len || memcmp(k, kb->p, kb->len) != 0)
			break;
		if (reads)
			(*reads)++;
		const uint8_t *m = NULL;
		int h = lb_key_rrset_find((const uint8_t *)k, kl, kb->len, rec->rdata[0], rec->rdlen[0],
					  dec->xdig, &m);
		if (h < 0) {
			lb_rocks_set_msg(s, "a stored key does not decode");
			return h;
		}
		if (!h)
			continue;
		if (!rec->rdata[0]) {
			/* an 'X' key by digest: the rdata is this one (dec owns
			 * rec's rdata pointers); the next rrsets compare it in full */
			memcpy(dec->rdata1, m, rec->rdlen[0]);
			dec->rdp[0] = dec->rdata1;
		}
		const char *v = rocksdb_iter_value(*rit, &vl);
		int e = lb_rocks_index_fold(s, (const uint8_t *)v, vl, cutoff, out, &found);
		if (e)
			return e;
	}
	int ierr = lb_rocks_iter_err(s, *rit);
	if (ierr)
		return ierr;
	/* rdata rows keep the timeline merged from the rrsets (query.h: unaggregated rows) */
	return found;
}

void lb_store_iter_set_budget(lb_store_iter_t *it, unsigned steps)
{
	it->budget = steps;
}

void lb_store_iter_set_owner_cache(lb_store_iter_t *it, bool on)
{
	it->no_ocache = !on;
}

uint64_t lb_store_iter_index_reads(const lb_store_iter_t *it)
{
	return it->index_reads;
}

int lb_store_iter_next(lb_store_iter_t *it, lb_store_rec_t *rec)
{
	if (it->done)
		return 0;
	it->steps = 0;
	for (;;) {
		const char *k = NULL;
		size_t kl = 0;
		int n = next_key(it, &k, &kl);
		if (n == LB_STORE_AGAIN)
			return n;
		if (n <= 0) {
			it->done = 1;
			return n;
		}
		int err = lb_key_decode((const uint8_t *)k, kl, it->dec, rec);
		if (err) {
			lb_rocks_set_msg(it->s, "a stored key does not decode");
			return err;
		}
		if (it->type && rec->type != it->type)
			continue;
		int dig = rec->kind == LB_REC_RDATA && rec->nrdata == 1 && !rec->rdata[0];
		if (it->raw && dig && rec->rdlen[0] == it->raw_len &&
		    it->dec->xdig == lb_rdata_digest(it->raw, it->raw_len))
			it->dec->rdp[0] = it->raw; /* by digest: the rrsets compare it in full */
		if (it->raw && (rec->nrdata != 1 || rec->rdlen[0] != it->raw_len ||
				!rec->rdata[0] || memcmp(rec->rdata[0], it->raw, it->raw_len) != 0))
			continue;
		size_t vl;
		const char *v = rocksdb_iter_value(it->it, &vl);
		if (vl == 0 && rec->kind == LB_REC_RDATA) {
			/* format 2: counters of the rrsets that hold this RR */
			err = lb_rocks_ocache_val(it->s, &it->oc, !it->no_ocache, &it->rit,
						  &it->rit_tag, &it->dk, it->dec, rec, it->cutoff,
						  &rec->val, &it->index_reads);
			if (err < 0)
				return err;
			if (err == 0)
				continue; /* every rrset behind it expired or is gone */
		} else if (dig) {
			/* an 'X' key by digest (format 3) never has a value */
			lb_rocks_set_msg(it->s, "a stored key does not decode");
			return LB_ECORRUPT;
		} else if ((err = lb_val_decode((const uint8_t *)v, vl, &rec->val)) != 0) {
			lb_rocks_set_msg(it->s, "a stored value does not decode");
			return err;
		}
		if (it->cutoff && lb_rocks_expired(&rec->val, it->cutoff))
			continue;
		rec->nsources = rec->val.nsrc ? lb_store_source_names(it->s, &rec->val, it->srcp) : 0;
		rec->sources = rec->nsources ? it->srcp : NULL;
		rec->sources_more = rec->val.src_more != 0;
		return 1;
	}
}

int lb_store_totals(lb_store_t *s, bool exact, lb_store_totals_t *t)
{
	return lb_store_totals_progress(s, exact, t, NULL, NULL);
}

/*
 * The totals read the whole store: tens of millions of keys, about half a
 * microsecond each.  The key space is cut at the first keys of the table
 * files (their ranges barely overlap once compacted) and the pieces are
 * counted by up to TOTALS_THREADS threads, each with its own iterator;
 * blocks read for the count do not fill the block cache (a full scan would
 * only evict what lookups use, and the cache would grow to its size).
 */
#define TOTALS_THREADS 2
#define TOTALS_CUTS 64

struct cut { /* a table file's first key */
	char *k;
	size_t len;
};

struct totals_job {
	lb_store_t *s;
	uint64_t cutoff;
	struct cut *cut;       /* sorted, distinct: the ranges */
	size_t ncut;           /* [-, cut0) [cut0, cut1) ... [cut(n-1), -) */
	atomic_size_t next;    /* the next range to take */
	atomic_uint_fast64_t keys;
	lb_store_progress_fn fn;
	void *ctx;
	pthread_mutex_t lock;  /* fn, and the first error's message */
};

struct totals_part {
	struct totals_job *j;
	lb_store_totals_t t;
	int err;
};

static int totals_range(struct totals_part *pt, rocksdb_iterator_t *ri, size_t r)
{
	struct totals_job *j = pt->j;
	lb_store_totals_t *t = &pt->t;
	const char *hi = r < j->ncut ? j->cut[r].k : NULL;
	size_t hil = r < j->ncut ? j->cut[r].len : 0;
	uint64_t n = 0;
	if (r == 0)
		rocksdb_iter_seek_to_first(ri);
	else
		rocksdb_iter_seek(ri, j->cut[r - 1].k, j->cut[r - 1].len);
	for (; rocksdb_iter_valid(ri); rocksdb_iter_next(ri)) {
		size_t kl, vl;
		const char *k = rocksdb_iter_key(ri, &kl);
		if (hi) {
			int c = memcmp(k, hi, kl < hil ? kl : hil);
			if (c > 0 || (c == 0 && kl >= hil))
				break;
		}
		if (++n == 0x10000) {
			uint64_t all = atomic_fetch_add(&j->keys, n) + n;
			n = 0;
			if (j->fn) {
				pthread_mutex_lock(&j->lock);
				j->fn(j->ctx, all);
				pthread_mutex_unlock(&j->lock);
			}
		}
		if (!kl)
			continue;
		lb_store_val_t v;
		int live = 1;
		const char *vp = rocksdb_iter_value(ri, &vl);
		int keyonly = k[0] == LB_KT_IP || k[0] == LB_KT_NAME || k[0] == LB_KT_RAW;
		if (keyonly && vl == 0) {
			/* a format-2 rdata index key: counted as an entry (those of
			 * expired rrsets until lb_store_compact sweeps them) */
		} else if (k[0] != LB_KT_FWD && k[0] != LB_KT_GFWD &&
			   (k[0] != LB_KT_META || (kl > 1 && k[1] == 's'))) {
			if (lb_val_decode((const uint8_t *)vp, vl, &v) != 0) {
				pthread_mutex_lock(&j->lock);
				lb_rocks_set_msg(j->s, "a stored value does not decode");
				pthread_mutex_unlock(&j->lock);
				return LB_ECORRUPT;
			}
			live = !j->cutoff || k[0] == LB_KT_META || !lb_rocks_expired(&v, j->cutoff);
		}
		if (!live)
			continue;
		switch (k[0]) {
		case LB_KT_RRSET: t->rrsets++; break;
		case LB_KT_FWD: t->owners++; break;
		case LB_KT_IP: case LB_KT_NAME: case LB_KT_RAW: t->rdata_entries++; break;
		case LB_KT_NEG: t->negatives++; break;
		case LB_KT_META:
			if (kl > 1 && k[1] == 's') {
				t->sensors++;
				if (v.time_first && (!t->oldest || v.time_first < t->oldest))
					t->oldest = v.time_first;
				if (v.time_last > t->newest)
					t->newest = v.time_last;
			}
			break;
		default: break;
		}
	}
	atomic_fetch_add(&j->keys, n);
	char *e = NULL;
	rocksdb_iter_get_error(ri, &e);
	if (e) {
		pthread_mutex_lock(&j->lock);
		lb_rocks_set_err(j->s, e);
		pthread_mutex_unlock(&j->lock);
		return LB_ESTORE;
	}
	return 0;
}

static void *totals_worker(void *arg)
{
	struct totals_part *pt = arg;
	struct totals_job *j = pt->j;
	rocksdb_readoptions_t *ro = rocksdb_readoptions_create();
	rocksdb_iterator_t *ri = NULL;
	if (ro) {
		rocksdb_readoptions_set_total_order_seek(ro, 1);
		rocksdb_readoptions_set_fill_cache(ro, 0);
		ri = rocksdb_create_iterator(j->s->db, ro);
	}
	if (!ri) {
		pt->err = LB_ENOMEM;
	} else {
		size_t r;
		while (!pt->err && (r = atomic_fetch_add(&j->next, 1)) <= j->ncut)
			pt->err = totals_range(pt, ri, r);
		if (pt->err) /* the others stop at their next range */
			atomic_store(&j->next, j->ncut + 1);
		rocksdb_iter_destroy(ri);
	}
	if (ro)
		rocksdb_readoptions_destroy(ro);
	return NULL;
}

static int cut_cmp(const void *a, const void *b)
{
	const struct cut *x = a, *y = b;
	int c = memcmp(x->k, y->k, x->len < y->len ? x->len : y->len);
	return c ? c : (x->len > y->len) - (x->len < y->len);
}

/* The first keys of the store's table files, sorted, distinct, at most
 * TOTALS_CUTS (evenly picked): cuts for the parallel count. */
static size_t totals_cuts(lb_store_t *s, struct cut *cut)
{
	const rocksdb_livefiles_t *lf = rocksdb_livefiles(s->db);
	if (!lf)
		return 0;
	int nf = rocksdb_livefiles_count(lf);
	size_t n = 0;
	struct cut *all = nf > 0 ? calloc((size_t)nf, sizeof *all) : NULL;
	for (int i = 0; all && i < nf; i++) {
		size_t kl;
		const char *k = rocksdb_livefiles_smallestkey(lf, i, &kl);
		char *c = k && kl ? malloc(kl) : NULL;
		if (!c)
			continue;
		memcpy(c, k, kl);
		all[n].k = c;
		all[n++].len = kl;
	}
	rocksdb_livefiles_destroy(lf);
	if (!all)
		return 0;
	qsort(all, n, sizeof *all, cut_cmp);
	size_t m = 0, step = n > TOTALS_CUTS ? (n + TOTALS_CUTS - 1) / TOTALS_CUTS : 1;
	for (size_t i = 0; i < n; i++) {
		if (i % step == 0 && (m == 0 || cut_cmp(&all[i], &cut[m - 1]) != 0))
			cut[m++] = all[i];
		else
			free(all[i].k);
	}
	free(all);
	return m;
}

int lb_store_totals_progress(lb_store_t *s, bool exact, lb_store_totals_t *t,
			     lb_store_progress_fn fn, void *ctx)
{
	(void)exact;
	memset(t, 0, sizeof *t);
	struct totals_job j = { .s = s, .fn = fn, .ctx = ctx };
	struct cut cut[TOTALS_CUTS];
	j.cut = cut;
	j.ncut = totals_cuts(s, cut);
	j.cutoff = s->retain ? lb_rocks_cutoff(s->retain) : 0;
	atomic_init(&j.next, 0);
	atomic_init(&j.keys, 0);
	pthread_mutex_init(&j.lock, NULL);
	struct totals_part part[TOTALS_THREADS];
	pthread_t th[TOTALS_THREADS];
	int started[TOTALS_THREADS] = { 0 };
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	size_t nth = j.ncut ? TOTALS_THREADS : 1;
	if (ncpu > 0 && (size_t)ncpu < nth)
		nth = (size_t)ncpu;
	for (size_t i = 0; i < nth; i++) {
		memset(&part[i], 0, sizeof part[i]);
		part[i].j = &j;
		if (i > 0)
			started[i] = pthread_create(&th[i], NULL, totals_worker, &part[i]) == 0;
	}
	totals_worker(&part[0]); /* this thread counts too */
	int err = part[0].err;
	for (size_t i = 1; i < nth; i++) {
		if (!started[i])
			continue;
		pthread_join(th[i], NULL);
		if (!err)
			err = part[i].err;
	}
	for (size_t i = 0; i < nth; i++) {
		const lb_store_totals_t *p = &part[i].t;
		if (i > 0 && !started[i])
			continue;
		t->rrsets += p->rrsets;
		t->owners += p->owners;
		t->rdata_entries += p->rdata_entries;
		t->negatives += p->negatives;
		t->sensors += p->sensors;
		if (p->oldest && (!t->oldest || p->oldest < t->oldest))
			t->oldest = p->oldest;
		if (p->newest > t->newest)
			t->newest = p->newest;
	}
	pthread_mutex_destroy(&j.lock);
	for (size_t i = 0; i < j.ncut; i++)
		free(cut[i].k);
	uint64_t cutoff = j.cutoff;
	t->retain_days = s->retain;
	if (t->retain_days && t->oldest && t->oldest < cutoff)
		t->oldest = cutoff;
	t->disk_bytes = lb_store_disk_bytes(s);
	for (int l = 0; l < 7; l++) {
		char prop[48];
		snprintf(prop, sizeof prop, "rocksdb.num-files-at-level%d", l);
		char *v = rocksdb_property_value(s->db, prop); /* a string property */
		uint64_t n = v ? strtoull(v, NULL, 10) : 0;
		rocksdb_free(v);
		t->table_files += n;
		if (l == 0)
			t->level0_files = n;
	}
	return err;
}

int lb_rocks_sweep_orphans(lb_store_t *s, uint64_t cutoff, uint64_t *removed)
{
	static const uint8_t tables[] = { LB_KT_IP, LB_KT_NAME, LB_KT_RAW };
	*removed = 0;
	lb_kdec_t *dec = malloc(sizeof *dec);
	rocksdb_writebatch_t *wb = rocksdb_writebatch_create();
	rocksdb_iterator_t *ri = rocksdb_create_iterator(s->db, s->ro), *rit = NULL;
	lb_kbuf_t kb = { 0 };
	int err = dec && wb && ri ? 0 : LB_ENOMEM;
	for (size_t t = 0; !err && t < sizeof tables; t++) {
		const char lo = (char)tables[t];
		for (rocksdb_iter_seek(ri, &lo, 1); !err && rocksdb_iter_valid(ri); rocksdb_iter_next(ri)) {
			size_t kl, vl;
			const char *k = rocksdb_iter_key(ri, &kl);
			if (!kl || k[0] != lo)
				break;
			(void)rocksdb_iter_value(ri, &vl);
			if (vl)
				continue; /* a format-1 entry: the compaction filter judges it */
			lb_store_rec_t rec;
			lb_store_val_t v;
			err = lb_key_decode((const uint8_t *)k, kl, dec, &rec);
			if (err) {
				lb_rocks_set_msg(s, "a stored key does not decode");
				break;
			}
			int n = lb_rocks_index_val(s, &rit, NULL, &kb, dec, &rec, cutoff, &v, NULL);
			if (n < 0) {
				err = n;
				break;
			}
			if (n == 0) {
				rocksdb_writebatch_delete(wb, k, kl);
				(*removed)++;
			}
			if (rocksdb_writebatch_count(wb) >= 10000 || (n == 0 && kl > 65536)) {
				char *e = NULL;
				rocksdb_write(s->db, s->wo, wb, &e);
				rocksdb_writebatch_clear(wb);
				if (e) {
					lb_rocks_set_err(s, e);
					err = LB_ESTORE;
				}
			}
		}
		if (!err)
			err = lb_rocks_iter_err(s, ri);
	}
	if (!err && wb && rocksdb_writebatch_count(wb)) {
		char *e = NULL;
		rocksdb_write(s->db, s->wo, wb, &e);
		if (e) {
			lb_rocks_set_err(s, e);
			err = LB_ESTORE;
		}
	}
	if (rit)
		rocksdb_iter_destroy(rit);
	if (ri)
		rocksdb_iter_destroy(ri);
	if (wb)
		rocksdb_writebatch_destroy(wb);
	lb_kbuf_free(&kb);
	free(dec);
	return err;
}
