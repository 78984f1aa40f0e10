#include "util/hset.h"

#include <string.h>

#include "util/mem.h"

void lb_hset_init(lb_hset_t *s, size_t min_slots, size_t max_slots)
{
	*s = (lb_hset_t){ .min = min_slots, .max = max_slots };
}

static void insert(uint64_t *t, size_t cap, uint64_t h)
{
	size_t mask = cap - 1;
	size_t i = (size_t)h & mask;
	while (t[i])
		i = (i + 1) & mask;
	t[i] = h;
}

/* A table twice the size; 0, or -1 at the bound or without memory. */
static int grow(lb_hset_t *s)
{
	size_t cap = s->cap ? s->cap * 2 : s->min;
	if (!cap || cap > s->max || cap > SIZE_MAX / sizeof *s->t)
		return -1;
	uint64_t *t = lb_big_alloc(cap * sizeof *t);
	if (!t)
		return -1;
	for (size_t i = 0; i < s->cap; i++)
		if (s->t[i])
			insert(t, cap, s->t[i]);
	lb_big_free(s->t);
	s->t = t;
	s->cap = cap;
	return 0;
}

int lb_hset_add(lb_hset_t *s, uint64_t h)
{
	h += !h;
	/* at its bound (or without memory to grow) the set still answers
	 * "seen" for what it holds */
	if (s->n >= s->cap / 2 && grow(s) != 0 && !s->t)
		return -1;
	size_t mask = s->cap - 1;
	for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
		if (s->t[i] == h)
			return 1;
		if (!s->t[i]) {
			if (s->n >= s->cap / 2)
				return -1; /* no more: probes stay short */
			s->t[i] = h;
			s->n++;
			return 0;
		}
	}
}

int lb_hset_has(const lb_hset_t *s, uint64_t h)
{
	h += !h;
	if (!s->t)
		return 0;
	size_t mask = s->cap - 1;
	for (size_t i = (size_t)h & mask; s->t[i]; i = (i + 1) & mask)
		if (s->t[i] == h)
			return 1;
	return 0;
}

void lb_hset_clear(lb_hset_t *s)
{
	if (s->t && s->n)
		memset(s->t, 0, s->cap * sizeof *s->t);
	s->n = 0;
}

void lb_hset_free(lb_hset_t *s)
{
	lb_big_free(s->t);
	s->t = NULL;
	s->n = s->cap = 0;
}
