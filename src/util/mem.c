#include "util/mem.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#if defined(__SANITIZE_ADDRESS__)
#define LB_BIG_MALLOC 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define LB_BIG_MALLOC 1
#endif
#endif

/* Each buffer starts with its header; the caller's bytes follow it. */
struct big_hdr {
	size_t len; /* bytes mapped (or allocated), header included */
	size_t pad[7];
};

#define HDR sizeof(struct big_hdr)
#define HUGE_SZ ((size_t)2 << 20)

#ifdef LB_BIG_MALLOC

void *lb_big_alloc(size_t n)
{
	if (n > SIZE_MAX - HDR)
		return NULL;
	struct big_hdr *h = calloc(1, HDR + n);
	if (!h)
		return NULL;
	h->len = HDR + n;
	return h + 1;
}

void *lb_big_realloc(void *p, size_t n)
{
	if (!p)
		return lb_big_alloc(n);
	struct big_hdr *h = (struct big_hdr *)p - 1;
	if (n <= h->len - HDR)
		return p;
	if (n > SIZE_MAX - HDR)
		return NULL;
	size_t old = h->len;
	struct big_hdr *nh = realloc(h, HDR + n);
	if (!nh)
		return NULL;
	memset((uint8_t *)nh + old, 0, HDR + n - old);
	nh->len = HDR + n;
	return nh + 1;
}

void lb_big_free(void *p)
{
	if (p)
		free((struct big_hdr *)p - 1);
}

#else

/* Whole pages; whole huge pages from 2 MiB on, so that the end of the last
 * one is not left to small pages. */
static size_t map_len(size_t n)
{
	size_t page = 4096, r = n >= HUGE_SZ / 2 ? HUGE_SZ : page;
	if (n > SIZE_MAX - HDR - r)
		return 0;
	return (HDR + n + r - 1) & ~(r - 1);
}

static void hint(void *p, size_t len)
{
#ifdef MADV_HUGEPAGE
	if (len >= HUGE_SZ)
		(void)madvise(p, len, MADV_HUGEPAGE); /* only speed depends on it */
#else
	(void)p;
	(void)len;
#endif
}

void *lb_big_alloc(size_t n)
{
	size_t len = map_len(n);
	if (!len)
		return NULL;
	void *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		return NULL;
	hint(m, len);
	struct big_hdr *h = m;
	h->len = len;
	return h + 1;
}

void *lb_big_realloc(void *p, size_t n)
{
	if (!p)
		return lb_big_alloc(n);
	struct big_hdr *h = (struct big_hdr *)p - 1;
	if (n <= h->len - HDR)
		return p;
	size_t len = map_len(n);
	if (!len)
		return NULL;
	/* A buffer of small pages growing to 2 MiB and more is copied (at most
	 * 1 MiB) into a new mapping: moved pages would stay small, and the rest
	 * of their 2 MiB range would then be faulted in 4 KiB at a time too. */
	if (h->len < HUGE_SZ && len >= HUGE_SZ) {
		void *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (m == MAP_FAILED)
			return NULL;
		hint(m, len);
		memcpy(m, h, h->len);
		munmap(h, h->len);
		h = m;
		h->len = len;
		return h + 1;
	}
	/* In place if the addresses after it are free.  Otherwise moved to a
	 * new mapping of the full length: the kernel places that on a 2 MiB
	 * boundary, where mremap's own choice of address need not be. */
	void *m = mremap(h, h->len, len, 0);
	if (m == MAP_FAILED) {
		void *to = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (to == MAP_FAILED)
			return NULL;
		m = mremap(h, h->len, len, MREMAP_MAYMOVE | MREMAP_FIXED, to);
		if (m == MAP_FAILED) {
			munmap(to, len);
			return NULL;
		}
	}
	hint(m, len);
	h = m;
	h->len = len;
	return h + 1;
}

void lb_big_free(void *p)
{
	if (p) {
		struct big_hdr *h = (struct big_hdr *)p - 1;
		munmap(h, h->len);
	}
}

#endif

#define SLAB_CHUNK (HUGE_SZ - HDR)  /* one huge page with lb_big_alloc's header */
#define SLAB_HEAD 16                /* a buffer's link to the next one */

void lb_slab_init(lb_slab_t *s, size_t item_size)
{
	memset(s, 0, sizeof(*s));
	size_t n = item_size < sizeof(void *) ? sizeof(void *) : item_size;
	s->size = (n + 15) & ~(size_t)15;
}

#ifdef LB_BIG_MALLOC

void *lb_slab_get(lb_slab_t *s)
{
	return calloc(1, s->size);
}

void lb_slab_put(lb_slab_t *s, void *item)
{
	(void)s;
	free(item);
}

void lb_slab_fini(lb_slab_t *s)
{
	memset(s, 0, sizeof(*s));
}

#else

void *lb_slab_get(lb_slab_t *s)
{
	void *it = s->free;
	if (it) {
		memcpy(&s->free, it, sizeof(void *));
		memset(it, 0, s->size);
		return it;
	}
	if (!s->left) {
		if (s->size > SLAB_CHUNK - SLAB_HEAD)
			return NULL;
		unsigned char *c = lb_big_alloc(SLAB_CHUNK);
		if (!c)
			return NULL;
		memcpy(c, &s->chunks, sizeof(void *));
		s->chunks = c;
		s->next = c + SLAB_HEAD;
		s->left = (SLAB_CHUNK - SLAB_HEAD) / s->size;
	}
	it = s->next; /* fresh from the mapping: already zero */
	s->next += s->size;
	s->left--;
	return it;
}

void lb_slab_put(lb_slab_t *s, void *item)
{
	if (!item)
		return;
	memcpy(item, &s->free, sizeof(void *));
	s->free = item;
}

void lb_slab_fini(lb_slab_t *s)
{
	void *c = s->chunks;
	while (c) {
		void *n;
		memcpy(&n, c, sizeof(void *));
		lb_big_free(c);
		c = n;
	}
	memset(s, 0, sizeof(*s));
}

#endif
