/*
 * hset.h - a set of 64-bit hashes (open addressing, linear probing), for
 * "seen before?" shortcuts: the store's index keys already put in this
 * process, the rdata values a flex search has already given.  It doubles
 * when half full, from min_slots up to max_slots; at that bound it takes no
 * more (lb_hset_add says so, and the caller chooses: clear it, or stop
 * remembering).  A hash collision makes a new value look seen: callers
 * accept that (about n / 2^64 per value).
 */
#ifndef LB_UTIL_HSET_H
#define LB_UTIL_HSET_H

#include <stddef.h>
#include <stdint.h>

typedef struct lb_hset {
	uint64_t *t;  /* 0 = empty slot (a hash of 0 is stored as 1) */
	size_t n, cap, min, max;
} lb_hset_t;

/* min_slots and max_slots: powers of two, min <= max.  No memory is taken
 * until the first add. */
void lb_hset_init(lb_hset_t *s, size_t min_slots, size_t max_slots);
/* 1: h was in the set; 0: added; -1: not added (the set is at its bound, or
 * there was no memory to grow it). */
int lb_hset_add(lb_hset_t *s, uint64_t h);
/* Whether h is in the set (nothing added). */
int lb_hset_has(const lb_hset_t *s, uint64_t h);
/* Bring h's slot toward the cache before an add of h. */
static inline void lb_hset_prefetch(const lb_hset_t *s, uint64_t h)
{
	if (s->t)
		__builtin_prefetch(&s->t[h & (s->cap - 1)]);
}
/* Empty it (its memory kept). */
void lb_hset_clear(lb_hset_t *s);
void lb_hset_free(lb_hset_t *s);

#endif
