/*
 * rocks_ocache.c - counters of format-2 rdata index entries, by owner.
 *
 * An 'I' or 'N' entry carries no counters: they are the merge of the rrsets
 * of its owner and type that hold its rdata (lb_rocks_index_val), read from
 * those rrsets.  The entries of one owner are not adjacent (the index is
 * sorted by rdata first), so an owner with k rrsets whose k rdatas fall in
 * one scan (a round-robin pool: one address per rrset) costs k x k rrset
 * reads.  This cache keeps, for a few owners with many rrsets, the values of
 * the owner's rrsets and which rrsets hold which rdata, read in one pass;
 * an entry's counters are then merged from those values, in the rrsets'
 * order, exactly as the per-entry read would.  Bounded: an owner whose pass
 * would take more than OC_SLOT_BYTES is left to the per-entry read.
 */
#include <stdlib.h>
#include <string.h>

#include "store/keys.h"
#include "store/rocks_impl.h"
#include "util/hash.h"

#define OC_SLOTS 4
/* Owners with fewer rrsets than this keep the per-entry read (cheap enough,
 * and their pass would cost more than it saves). */
#define OC_MIN_RRSETS 16
#define OC_SLOT_BYTES (2u << 20)
#define OC_MISSED 256

struct oc_pair { /* rrset rs holds the rdata at rd (rdl bytes) */
	uint32_t rd, rs, next;
	uint16_t rdl;
};

struct oc_slot {
	uint8_t *pfx; /* 'R' rowner 00 type2 */
	size_t pfxlen;
	int state;    /* 0 unused, 1 cached, 2 too large or unreadable: per-entry reads */
	uint64_t used;  /* clock of the last use */
	uint8_t *bytes; /* rdatas and values */
	size_t nbytes, capbytes;
	uint32_t *voff; /* value of rrset i: bytes[voff[2i] .. +voff[2i+1]] */
	size_t nrs, caprs;
	struct oc_pair *pair;
	size_t npair, cappair;
	uint32_t *head, *tail; /* buckets: chains of pairs in rrset order; UINT32_MAX = none */
	size_t nb;
};

struct lb_ocache {
	struct oc_slot slot[OC_SLOTS];
	uint64_t clock;
	uint64_t seed;
	/* hashes of the owners (prefixes) whose entries missed once with many
	 * rrsets: a pass is made at an owner's second such entry, so an owner
	 * with one entry in the scan's range costs no more than before */
	uint64_t missed[OC_MISSED];
};

static void slot_clear(struct oc_slot *sl)
{
	free(sl->pfx);
	free(sl->bytes);
	free(sl->voff);
	free(sl->pair);
	free(sl->head);
	free(sl->tail);
	memset(sl, 0, sizeof *sl);
}

void lb_rocks_ocache_free(struct lb_ocache *oc)
{
	if (!oc)
		return;
	for (int i = 0; i < OC_SLOTS; i++)
		slot_clear(&oc->slot[i]);
	free(oc);
}

static size_t slot_size(const struct oc_slot *sl)
{
	return sl->capbytes + sl->caprs * 2 * sizeof(uint32_t) + sl->cappair * sizeof(struct oc_pair) +
	       sl->nb * 2 * sizeof(uint32_t);
}

/* Grow an array to hold n elements of size sz: 0, or -1 past the slot's cap. */
static int grow(struct oc_slot *sl, void **p, size_t *cap, size_t n, size_t sz)
{
	if (n <= *cap)
		return 0;
	size_t nc = *cap ? *cap * 2 : 64;
	while (nc < n)
		nc *= 2;
	if (slot_size(sl) + (nc - *cap) * sz > OC_SLOT_BYTES)
		return -1;
	void *q = realloc(*p, nc * sz);
	if (!q)
		return -1;
	*p = q;
	*cap = nc;
	return 0;
}

static int put_bytes(struct oc_slot *sl, const void *p, size_t n, uint32_t *off)
{
	if (grow(sl, (void **)&sl->bytes, &sl->capbytes, sl->nbytes + n, 1))
		return -1;
	memcpy(sl->bytes + sl->nbytes, p, n);
	*off = (uint32_t)sl->nbytes;
	sl->nbytes += n;
	return 0;
}

/* One pass over the rrsets under the slot's prefix.  0 = cached, -1 = too
 * large or unreadable (left to the per-entry read, which reports errors). */
static int slot_build(struct lb_ocache *oc, struct oc_slot *sl, lb_store_t *s,
		      rocksdb_iterator_t *rit, lb_kdec_t *dec, uint64_t *reads)
{
	lb_store_rec_t r;
	for (rocksdb_iter_seek(rit, (const char *)sl->pfx, sl->pfxlen); rocksdb_iter_valid(rit);
	     rocksdb_iter_next(rit)) {
		size_t kl, vl;
		const char *k = rocksdb_iter_key(rit, &kl);
		if (kl < sl->pfxlen || memcmp(k, sl->pfx, sl->pfxlen) != 0)
			break;
		if (reads)
			(*reads)++;
		if (lb_key_decode((const uint8_t *)k, kl, dec, &r) != 0 || r.kind != LB_REC_RRSET)
			return -1;
		const char *v = rocksdb_iter_value(rit, &vl);
		if (sl->nrs >= UINT32_MAX / 2 ||
		    grow(sl, (void **)&sl->voff, &sl->caprs, sl->nrs + 1, 2 * sizeof(uint32_t)))
			return -1;
		uint32_t rs = (uint32_t)sl->nrs++;
		if (put_bytes(sl, v, vl, &sl->voff[2 * rs]))
			return -1;
		sl->voff[2 * rs + 1] = (uint32_t)vl;
		for (size_t i = 0; i < r.nrdata; i++) {
			if (grow(sl, (void **)&sl->pair, &sl->cappair, sl->npair + 1,
				 sizeof(struct oc_pair)))
				return -1;
			struct oc_pair *p = &sl->pair[sl->npair];
			if (put_bytes(sl, r.rdata[i], r.rdlen[i], &p->rd))
				return -1;
			p->rdl = r.rdlen[i];
			p->rs = rs;
			p->next = UINT32_MAX;
			sl->npair++;
		}
	}
	if (lb_rocks_iter_err(s, rit))
		return -1;
	size_t nb = 16;
	while (nb < sl->npair * 2)
		nb *= 2;
	if (slot_size(sl) + nb * 2 * sizeof(uint32_t) > OC_SLOT_BYTES)
		return -1;
	sl->head = malloc(nb * sizeof *sl->head);
	sl->tail = malloc(nb * sizeof *sl->tail);
	if (!sl->head || !sl->tail)
		return -1;
	sl->nb = nb;
	memset(sl->head, 0xff, nb * sizeof *sl->head);
	for (uint32_t i = 0; i < sl->npair; i++) {
		struct oc_pair *p = &sl->pair[i];
		size_t b = lb_hash64(sl->bytes + p->rd, p->rdl, oc->seed) & (nb - 1);
		if (sl->head[b] == UINT32_MAX)
			sl->head[b] = i;
		else
			sl->pair[sl->tail[b]].next = i;
		sl->tail[b] = i;
	}
	return 0;
}

/* What a slot saves per entry (its owner's rrsets), less as it goes unused:
 * the slot with the least is replaced.  An owner with many rrsets keeps its
 * slot while owners with few, interleaved with it, take turns in the others. */
static uint64_t keep(const struct lb_ocache *oc, const struct oc_slot *sl)
{
	if (sl->state != 1)
		return 0;
	return (uint64_t)sl->nrs * 64 / (64 + (oc->clock - sl->used));
}

/* The per-entry read's result, from the slot (same order, same merges). */
static int slot_val(lb_store_t *s, const struct oc_slot *sl, const uint8_t *rd, size_t rdl,
		    uint64_t seed, uint64_t cutoff, lb_store_val_t *out)
{
	size_t b = lb_hash64(rd, rdl, seed) & (sl->nb - 1);
	int found = 0;
	uint32_t last = UINT32_MAX;
	for (uint32_t i = sl->head[b]; i != UINT32_MAX; i = sl->pair[i].next) {
		const struct oc_pair *p = &sl->pair[i];
		if (p->rdl != rdl || p->rs == last || memcmp(sl->bytes + p->rd, rd, rdl) != 0)
			continue;
		last = p->rs; /* an rrset counts once */
		int e = lb_rocks_index_fold(s, sl->bytes + sl->voff[2 * p->rs],
					    sl->voff[2 * p->rs + 1], cutoff, out, &found);
		if (e)
			return e;
	}
	return found;
}

int lb_rocks_ocache_val(lb_store_t *s, struct lb_ocache **ocp, int enabled,
			rocksdb_iterator_t **rit, uint64_t *rit_tag, lb_kbuf_t *kb, lb_kdec_t *dec,
			const lb_store_rec_t *rec, uint64_t cutoff, lb_store_val_t *out,
			uint64_t *reads)
{
	if (!enabled || rec->kind != LB_REC_RDATA || rec->nrdata != 1 || !rec->rdata[0])
		return lb_rocks_index_val(s, rit, rit_tag, kb, dec, rec, cutoff, out, reads);
	if (!*ocp) {
		if (!(*ocp = calloc(1, sizeof **ocp)))
			return LB_ENOMEM;
		(*ocp)->seed = lb_hash_seed();
	}
	struct lb_ocache *oc = *ocp;
	oc->clock++;
	/* the owner's prefix, as lb_rocks_index_val builds it */
	lb_kbuf_reset(kb);
	lb_kbuf_u8(kb, LB_KT_RRSET);
	lb_kbuf_rname(kb, rec->owner);
	lb_kbuf_u8(kb, 0);
	lb_kbuf_u16(kb, rec->type);
	if (kb->err)
		return kb->err;
	struct oc_slot *sl = NULL, *lru = &oc->slot[0];
	for (int i = 0; i < OC_SLOTS; i++) {
		struct oc_slot *t = &oc->slot[i];
		if (t->state && t->pfxlen == kb->len && !memcmp(t->pfx, kb->p, kb->len)) {
			sl = t;
			break;
		}
		if (!t->state || (lru->state && keep(oc, t) < keep(oc, lru)))
			lru = t;
	}
	if (sl && sl->state == 1) {
		sl->used = oc->clock;
		/* rec's rdata: in the index key or in dec, neither moved here */
		return slot_val(s, sl, rec->rdata[0], rec->rdlen[0], oc->seed, cutoff, out);
	}
	uint64_t n0 = reads ? *reads : 0, n = 0;
	int ret = lb_rocks_index_val(s, rit, rit_tag, kb, dec, rec, cutoff, out, &n);
	if (reads)
		*reads = n0 + n;
	if (ret < 0 || sl || n < OC_MIN_RRSETS)
		return ret;
	uint64_t h = lb_hash64(kb->p, kb->len, oc->seed) | 1;
	/* two places (the hash is seeded per process: owners that collide in
	 * both are not chosen from outside) */
	uint64_t *m1 = &oc->missed[h % OC_MISSED], *m2 = &oc->missed[(h >> 40) % OC_MISSED];
	if (*m1 != h && *m2 != h) {
		*(*m1 && !*m2 ? m2 : m1) = h;
		return ret;
	}
	*(*m1 == h ? m1 : m2) = 0;
	/* an owner with many rrsets: read them once for its next entries */
	slot_clear(lru);
	lru->pfx = malloc(kb->len);
	if (!lru->pfx)
		return ret;
	memcpy(lru->pfx, kb->p, kb->len);
	lru->pfxlen = kb->len;
	lru->used = oc->clock;
	lb_kdec_t *bd = malloc(sizeof *bd); /* dec holds rec's rdata: decode elsewhere */
	int ok = bd && slot_build(oc, lru, s, *rit, bd, reads) == 0;
	free(bd);
	if (!ok) {
		uint8_t *p = lru->pfx;
		lru->pfx = NULL;
		size_t pl = lru->pfxlen;
		slot_clear(lru);
		lru->pfx = p;
		lru->pfxlen = pl;
		lru->state = 2; /* keep the per-entry read for this owner */
		lru->used = oc->clock;
	} else {
		lru->state = 1;
	}
	return ret;
}
