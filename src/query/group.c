/*
 * group.c - one owner and type's records merged across bailiwicks (group.h).
 *
 * The copied bytes live in one arena: per distinct rdata set its identity
 * (each rdata as 2 big-endian length bytes and the bytes; a negative
 * answer's: its rcode as 2 bytes), then the bailiwick of the first record.
 * A table of entry indexes by the identity's hash (open addressing, at most
 * half full) finds the entry a record merges into.
 */
#include "query/group.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "util/hash.h"

/* the counters and sources of a value: lb_store_val_t up to its day runs */
#define VAL_HEAD offsetof(lb_store_val_t, runs)

struct ent {
	uint64_t hash;
	size_t id_off, id_len;     /* identity bytes in the arena */
	size_t bail_off, bail_len; /* the bailiwick (bail_len 0: unknown) */
	size_t nrdata;
	uint16_t rcode;
	bool bail_mixed;           /* merged records had different bailiwicks */
	unsigned char val[VAL_HEAD];
};

struct lb_qgroup {
	size_t max_sets, max_bytes;
	enum lb_rec_kind kind;
	uint16_t type;
	uint8_t owner[256];
	size_t owner_len;
	struct ent *ents;
	size_t n, cap;
	uint8_t *arena;
	size_t alen, acap;
	uint32_t *slots;            /* entry index + 1; 0 = empty */
	size_t nslots;              /* a power of 2, or 0 */
	uint64_t seed;
	/* lb_qgroup_get's scratch */
	const uint8_t **rdp;
	uint16_t *rdl;
	size_t rdcap;
	const char *names[LB_STORE_MAX_SOURCES];
	lb_store_val_t a, b;        /* merging (day runs unused) */
};

int lb_qgroup_new(size_t max_sets, size_t max_bytes, lb_qgroup_t **out)
{
	*out = NULL;
	lb_qgroup_t *g = calloc(1, sizeof *g);
	if (!g)
		return LB_ENOMEM;
	g->max_sets = max_sets;
	g->max_bytes = max_bytes;
	g->seed = lb_hash_seed();
	*out = g;
	return 0;
}

void lb_qgroup_free(lb_qgroup_t *g)
{
	if (!g)
		return;
	free(g->ents);
	free(g->arena);
	free(g->slots);
	free(g->rdp);
	free(g->rdl);
	free(g);
}

void lb_qgroup_clear(lb_qgroup_t *g)
{
	g->n = 0;
	g->alen = 0;
	if (g->slots)
		memset(g->slots, 0, g->nslots * sizeof g->slots[0]);
}

size_t lb_qgroup_count(const lb_qgroup_t *g) { return g->n; }

/* The identity bytes of r: how many (out NULL), or written to out. */
static size_t ident(const lb_store_rec_t *r, uint8_t *out)
{
	if (r->kind == LB_REC_NEG) {
		if (out) {
			out[0] = (uint8_t)(r->rcode >> 8);
			out[1] = (uint8_t)r->rcode;
		}
		return 2;
	}
	size_t n = 0;
	for (size_t i = 0; i < r->nrdata; i++) {
		if (out) {
			out[n] = (uint8_t)(r->rdlen[i] >> 8);
			out[n + 1] = (uint8_t)r->rdlen[i];
			memcpy(out + n + 2, r->rdata[i], r->rdlen[i]);
		}
		n += 2 + (size_t)r->rdlen[i];
	}
	return n;
}

static int arena_room(lb_qgroup_t *g, size_t need)
{
	if (g->acap - g->alen >= need)
		return 0;
	size_t nc = g->acap ? g->acap : 4096;
	while (nc - g->alen < need)
		nc *= 2;
	uint8_t *na = realloc(g->arena, nc);
	if (!na)
		return LB_ENOMEM;
	g->arena = na;
	g->acap = nc;
	return 0;
}

/* Put entry index i into the table. */
static void slot_put(lb_qgroup_t *g, size_t i)
{
	size_t m = g->nslots - 1;
	for (size_t k = (size_t)g->ents[i].hash & m;; k = (k + 1) & m)
		if (!g->slots[k]) {
			g->slots[k] = (uint32_t)(i + 1);
			return;
		}
}

/* Room for one more entry: the entry array and a table at most half full. */
static int ent_room(lb_qgroup_t *g)
{
	if (g->n == g->cap) {
		size_t nc = g->cap ? g->cap * 2 : 16;
		struct ent *ne = realloc(g->ents, nc * sizeof *ne);
		if (!ne)
			return LB_ENOMEM;
		g->ents = ne;
		g->cap = nc;
	}
	if ((g->n + 1) * 2 > g->nslots) {
		size_t ns = g->nslots ? g->nslots * 2 : 64;
		uint32_t *nt = calloc(ns, sizeof *nt);
		if (!nt)
			return LB_ENOMEM;
		free(g->slots);
		g->slots = nt;
		g->nslots = ns;
		for (size_t i = 0; i < g->n; i++)
			slot_put(g, i);
	}
	return 0;
}

static int rd_room(lb_qgroup_t *g, size_t n)
{
	if (n <= g->rdcap)
		return 0;
	const uint8_t **np = realloc(g->rdp, n * sizeof *np);
	if (!np)
		return LB_ENOMEM;
	g->rdp = np;
	uint16_t *nl = realloc(g->rdl, n * sizeof *nl);
	if (!nl)
		return LB_ENOMEM;
	g->rdl = nl;
	g->rdcap = n;
	return 0;
}

static bool same_bail(const lb_qgroup_t *g, const struct ent *e, const lb_store_rec_t *r)
{
	size_t bl = r->bailiwick ? r->bailiwick_len : 0;
	return e->bail_len == bl && (!bl || !memcmp(g->arena + e->bail_off, r->bailiwick, bl));
}

int lb_qgroup_add(lb_qgroup_t *g, const lb_store_rec_t *r)
{
	if (g->n && (r->kind != g->kind || r->type != g->type || r->owner_len != g->owner_len ||
		     memcmp(r->owner, g->owner, g->owner_len)))
		return LB_QGROUP_OTHER;
	size_t idl = ident(r, NULL);
	size_t bl = r->bailiwick ? r->bailiwick_len : 0;
	int err = arena_room(g, idl + bl); /* the identity is built at the arena's end */
	if (err)
		return err;
	uint8_t *id = g->arena + g->alen;
	ident(r, id);
	uint64_t h = lb_hash64(id, idl, g->seed);
	size_t m = g->nslots - 1;
	for (size_t k = (size_t)h & m; g->nslots && g->slots[k]; k = (k + 1) & m) {
		struct ent *e = &g->ents[g->slots[k] - 1];
		if (e->hash != h || e->id_len != idl || memcmp(g->arena + e->id_off, id, idl))
			continue;
		/* the same rdata set under another (or the same) bailiwick */
		if (!e->bail_mixed && !same_bail(g, e, r))
			e->bail_mixed = true;
		memcpy(&g->a, e->val, VAL_HEAD);
		g->a.nruns = 0;
		g->a.runs_uncounted = 0;
		memcpy(&g->b, &r->val, VAL_HEAD);
		g->b.nruns = 0;
		g->b.runs_uncounted = 0;
		lb_store_val_merge(&g->a, &g->b);
		memcpy(e->val, &g->a, VAL_HEAD);
		return 0;
	}
	if (g->n && (g->n >= g->max_sets || g->alen + idl + bl > g->max_bytes))
		return LB_QGROUP_FULL;
	if ((err = ent_room(g)) != 0 || (err = rd_room(g, r->nrdata)) != 0)
		return err;
	if (!g->n) {
		g->kind = r->kind;
		g->type = r->type;
		g->owner_len = r->owner_len <= sizeof g->owner ? r->owner_len : sizeof g->owner;
		memcpy(g->owner, r->owner, g->owner_len);
	}
	struct ent *e = &g->ents[g->n];
	e->hash = h;
	e->id_off = g->alen;
	e->id_len = idl;
	e->bail_off = g->alen + idl;
	e->bail_len = bl;
	if (bl)
		memcpy(g->arena + e->bail_off, r->bailiwick, bl);
	g->alen += idl + bl;
	e->nrdata = r->kind == LB_REC_NEG ? 0 : r->nrdata;
	e->rcode = r->rcode;
	e->bail_mixed = false;
	memcpy(e->val, &r->val, VAL_HEAD);
	slot_put(g, g->n++);
	return 0;
}

void lb_qgroup_get(lb_qgroup_t *g, size_t i, lb_store_t *s, lb_store_rec_t *r)
{
	const struct ent *e = &g->ents[i];
	memset(r, 0, offsetof(lb_store_rec_t, val));
	r->kind = g->kind;
	r->owner = g->owner;
	r->owner_len = g->owner_len;
	r->type = g->type;
	r->rcode = e->rcode;
	if (e->bail_len && !e->bail_mixed) {
		r->bailiwick = g->arena + e->bail_off;
		r->bailiwick_len = e->bail_len;
	}
	const uint8_t *p = g->arena + e->id_off;
	for (size_t k = 0; k < e->nrdata; k++) { /* (rd_room made room for nrdata) */
		g->rdl[k] = (uint16_t)(p[0] << 8 | p[1]);
		g->rdp[k] = p + 2;
		p += 2 + (size_t)g->rdl[k];
	}
	r->nrdata = e->nrdata;
	r->rdata = g->rdp;
	r->rdlen = g->rdl;
	memcpy(&r->val, e->val, VAL_HEAD);
	r->val.nruns = 0;
	r->val.runs_uncounted = 0;
	r->nsources = r->val.nsrc ? lb_store_source_names(s, &r->val, g->names) : 0;
	r->sources = g->names;
	r->sources_more = r->val.src_more != 0;
}
