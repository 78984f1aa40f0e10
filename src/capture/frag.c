/*
 * frag.c - IP fragment reassembly: one buffer per datagram plus the sorted,
 * merged list of byte ranges received.  The holes of RFC 815 are the gaps
 * between ranges; the datagram is complete when one range covers [0, total).
 * Overlaps are allowed only if the overlapping bytes agree (RFC 5722 would
 * drop every overlap for IPv6; agreeing duplicates are common in captures of
 * retransmissions, so we keep them and drop only conflicts).
 */
#include "capture/frag.h"

#include <stdlib.h>
#include <string.h>

/* Under ASan, the bytes of a completed datagram's buffer past its payload
 * (the buffer grows in 1 KiB steps) are poisoned, so that a layer reading
 * the reassembled payload past its end is caught as it would be past a
 * frame's. */
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define LB_FRAG_ASAN 1
#endif
#endif
#if !defined(LB_FRAG_ASAN) && defined(__SANITIZE_ADDRESS__)
#define LB_FRAG_ASAN 1
#endif
#ifdef LB_FRAG_ASAN
#include <sanitizer/asan_interface.h>
#define POISON_TAIL(buf, len, cap) ASAN_POISON_MEMORY_REGION((buf) + (len), (cap) - (len))
#else
#define POISON_TAIL(buf, len, cap) ((void)0)
#endif

#define RANGES_MAX 64        /* distinct ranges (holes + 1) per datagram */
#define BUCKETS 4096         /* hash buckets (power of two) */
#define DGRAM_MAX 65535u     /* largest IP datagram */

typedef struct range {
	uint32_t lo, hi;
} range_t;

typedef struct dgram {
	struct dgram *hnext;         /* hash chain */
	struct dgram *prev, *next;   /* age list, oldest first */
	lb_frag_key_t key;
	uint32_t hash;
	double first;                /* capture time of the first fragment */
	uint8_t *buf;
	size_t cap;
	uint32_t total;              /* payload length, known once the last fragment came */
	bool have_last;
	bool dead;                   /* given up: absorbs the rest until it expires */
	bool have_nh;
	uint8_t nh;                  /* IPv6: Next Header of the offset-zero fragment */
	int nranges;
	range_t r[RANGES_MAX];
} dgram_t;

struct lb_frag {
	const lb_decoder_opts_t *o;
	lb_stats_t *st;
	dgram_t *bucket[BUCKETS];
	dgram_t *oldest, *newest;
	size_t count;
	size_t mem;
	dgram_t *done;               /* completed datagrams, their buffers handed to the
				      * caller, until lb_frag_release (chained by hnext) */
};

lb_frag_t *lb_frag_new(const lb_decoder_opts_t *opts, lb_stats_t *stats)
{
	lb_frag_t *f = calloc(1, sizeof(*f));
	if (!f)
		return NULL;
	f->o = opts;
	f->st = stats;
	return f;
}

static uint32_t key_hash(const lb_frag_key_t *k)
{
	size_t alen = k->ipver == 4 ? 4 : 16;
	uint32_t h = 2166136261u ^ k->id ^ ((uint32_t)k->proto << 24) ^ k->ipver;
	for (size_t i = 0; i < alen; i++) {
		h = (h ^ k->src[i]) * 16777619u;
		h = (h ^ k->dst[i]) * 16777619u;
	}
	return h ^ (h >> 15);
}

static bool key_eq(const lb_frag_key_t *a, const lb_frag_key_t *b)
{
	size_t alen = a->ipver == 4 ? 4 : 16;
	return a->ipver == b->ipver && a->proto == b->proto && a->id == b->id &&
	       memcmp(a->src, b->src, alen) == 0 && memcmp(a->dst, b->dst, alen) == 0;
}

static void release_buf(lb_frag_t *f, dgram_t *g)
{
	f->mem -= g->cap;
	free(g->buf);
	g->buf = NULL;
	g->cap = 0;
}

static void unlink_dgram(lb_frag_t *f, dgram_t *g)
{
	dgram_t **pp = &f->bucket[g->hash & (BUCKETS - 1)];
	while (*pp != g)
		pp = &(*pp)->hnext;
	*pp = g->hnext;
	if (g->prev)
		g->prev->next = g->next;
	else
		f->oldest = g->next;
	if (g->next)
		g->next->prev = g->prev;
	else
		f->newest = g->prev;
	f->count--;
}

/* Remove g; count `reason` unless it was already given up (counted then). */
static void drop_dgram(lb_frag_t *f, dgram_t *g, int reason)
{
	if (!g->dead && reason >= 0)
		f->st->drops[reason]++;
	release_buf(f, g);
	unlink_dgram(f, g);
	free(g);
}

/* Give up g but keep it to absorb its remaining fragments silently. */
static void kill_dgram(lb_frag_t *f, dgram_t *g, int reason)
{
	if (!g->dead)
		f->st->drops[reason]++;
	g->dead = true;
	release_buf(f, g);
}

void lb_frag_free(lb_frag_t *f)
{
	if (!f)
		return;
	while (f->oldest)
		drop_dgram(f, f->oldest, -1);
	lb_frag_release(f);
	free(f);
}

/* The age list is in order of first fragments, both versions mixed: the
 * walk goes as far as the later of the two cutoffs and, short of it, passes
 * over the datagrams of the version whose cutoff is earlier and not reached
 * (at most frag_max_datagrams of them, once per second of capture time). */
void lb_frag_expire(lb_frag_t *f, double before4, double before6)
{
	double last = before4 > before6 ? before4 : before6;
	for (dgram_t *g = f->oldest, *next; g && g->first < last; g = next) {
		next = g->next;
		if (g->first < (g->key.ipver == 6 ? before6 : before4))
			drop_dgram(f, g, LB_DROP_FRAG_TIMEOUT);
	}
}

size_t lb_frag_mem(const lb_frag_t *f)
{
	return f->mem;
}

/* Make g->buf hold at least `need` bytes within the memory bound, evicting
 * older datagrams if necessary.  False if it cannot. */
static bool grow(lb_frag_t *f, dgram_t *g, size_t need)
{
	if (need <= g->cap)
		return true;
	size_t ncap = (need + 1023) & ~(size_t)1023;
	if (ncap > DGRAM_MAX + 1)
		ncap = need;
	size_t extra = ncap - g->cap;
	while (f->mem + extra > f->o->frag_mem_max) {
		dgram_t *v = f->oldest;
		if (v == g)
			v = g->next;
		if (!v)
			return false;
		drop_dgram(f, v, LB_DROP_FRAG_TIMEOUT);
	}
	uint8_t *nb = realloc(g->buf, ncap);
	if (!nb)
		return false;
	memset(nb + g->cap, 0, ncap - g->cap);
	g->buf = nb;
	f->mem += extra;
	g->cap = ncap;
	return true;
}

static dgram_t *find_or_add(lb_frag_t *f, const lb_frag_key_t *key, double now)
{
	uint32_t h = key_hash(key);
	for (dgram_t *g = f->bucket[h & (BUCKETS - 1)]; g; g = g->hnext)
		if (g->hash == h && key_eq(&g->key, key))
			return g;
	if (f->o->frag_max_datagrams == 0)
		return NULL;
	while (f->count >= f->o->frag_max_datagrams)
		drop_dgram(f, f->oldest, LB_DROP_FRAG_TIMEOUT);
	dgram_t *g = calloc(1, sizeof(*g));
	if (!g)
		return NULL;
	g->key = *key;
	g->hash = h;
	g->first = now;
	g->hnext = f->bucket[h & (BUCKETS - 1)];
	f->bucket[h & (BUCKETS - 1)] = g;
	g->prev = f->newest;
	if (f->newest)
		f->newest->next = g;
	else
		f->oldest = g;
	f->newest = g;
	f->count++;
	return g;
}

/* Insert [lo, hi) into the sorted ranges, merging neighbours. False if the
 * list is full. */
static bool add_range(dgram_t *g, uint32_t lo, uint32_t hi)
{
	int i = 0;
	while (i < g->nranges && g->r[i].hi < lo)
		i++;
	int j = i;
	while (j < g->nranges && g->r[j].lo <= hi) {
		if (g->r[j].lo < lo)
			lo = g->r[j].lo;
		if (g->r[j].hi > hi)
			hi = g->r[j].hi;
		j++;
	}
	/* ranges i..j-1 merge into one */
	if (i == j) {
		if (g->nranges == RANGES_MAX)
			return false;
		memmove(&g->r[i + 1], &g->r[i], (size_t)(g->nranges - i) * sizeof(range_t));
		g->nranges++;
	} else if (j - i > 1) {
		memmove(&g->r[i + 1], &g->r[j], (size_t)(g->nranges - j) * sizeof(range_t));
		g->nranges -= j - i - 1;
	}
	g->r[i].lo = lo;
	g->r[i].hi = hi;
	return true;
}

/* True if bytes already held that overlap [lo, hi) equal data. */
static bool overlap_agrees(const dgram_t *g, uint32_t lo, uint32_t hi, const uint8_t *data)
{
	for (int i = 0; i < g->nranges; i++) {
		uint32_t a = g->r[i].lo > lo ? g->r[i].lo : lo;
		uint32_t b = g->r[i].hi < hi ? g->r[i].hi : hi;
		if (a < b && memcmp(g->buf + a, data + (a - lo), b - a) != 0)
			return false;
	}
	return true;
}

int lb_frag_add(lb_frag_t *f, const lb_frag_key_t *key, size_t hdrlen, uint32_t off, bool more,
		const uint8_t *data, size_t len, double now, const uint8_t **out, size_t *outlen,
		uint8_t *nh)
{
	if (key->proto == LB_FRAG_PROTO_CAPWAP)
		f->st->capwap_fragments++;
	else
		f->st->ip_fragments++;
	if ((more && (len == 0 || (len & 7) != 0)) || (size_t)off + len + hdrlen > DGRAM_MAX) {
		/* a middle fragment must carry 8-byte units; nothing may pass 65535 */
		dgram_t *g = find_or_add(f, key, now);
		if (g && (size_t)off + len + hdrlen > DGRAM_MAX)
			kill_dgram(f, g, LB_DROP_FRAG_BAD);
		else
			f->st->drops[LB_DROP_FRAG_BAD]++;
		return -1;
	}
	dgram_t *g = find_or_add(f, key, now);
	if (!g) {
		f->st->drops[LB_DROP_FRAG_LIMIT]++;
		return -1;
	}
	if (g->dead)
		return 0;
	uint32_t lo = off, hi = off + (uint32_t)len;
	if (!more) {
		if ((g->have_last && g->total != hi) || (g->nranges && g->r[g->nranges - 1].hi > hi)) {
			kill_dgram(f, g, LB_DROP_FRAG_BAD);
			return -1;
		}
		g->have_last = true;
		g->total = hi;
	} else if (g->have_last && hi > g->total) {
		kill_dgram(f, g, LB_DROP_FRAG_BAD);
		return -1;
	}
	if (!grow(f, g, hi)) {
		kill_dgram(f, g, LB_DROP_FRAG_LIMIT);
		return -1;
	}
	if (!overlap_agrees(g, lo, hi, data)) {
		kill_dgram(f, g, LB_DROP_FRAG_BAD);
		return -1;
	}
	if (len)
		memcpy(g->buf + lo, data, len);
	if (nh && off == 0 && !g->have_nh) {
		g->nh = *nh;
		g->have_nh = true;
	}
	if (lo < hi && !add_range(g, lo, hi)) {
		kill_dgram(f, g, LB_DROP_FRAG_LIMIT);
		return -1;
	}
	if (!g->have_last || g->nranges > 1 ||
	    (g->nranges == 1 && (g->r[0].lo != 0 || g->r[0].hi != g->total)) ||
	    (g->nranges == 0 && g->total != 0))
		return 0;
	/* complete: hand the buffer over, kept until lb_frag_release (a
	 * datagram completed while the caller still walks this one - by a
	 * fragment in it, as an A-MSDU's subframe after which the walk goes
	 * on to the next - must not free it) */
	if (g->buf)
		POISON_TAIL(g->buf, g->total, g->cap);
	*out = g->buf ? g->buf : (const uint8_t *)"";
	*outlen = g->total;
	if (nh)
		*nh = g->nh; /* offset 0 is covered, so it came */
	f->mem -= g->cap;
	unlink_dgram(f, g);
	g->hnext = f->done;
	f->done = g;
	if (key->proto == LB_FRAG_PROTO_CAPWAP)
		f->st->capwap_reassembled++;
	else
		f->st->ip_reassembled++;
	return 1;
}

void lb_frag_release(lb_frag_t *f)
{
	while (f->done) {
		dgram_t *g = f->done;
		f->done = g->hnext;
		free(g->buf);
		free(g);
	}
}
