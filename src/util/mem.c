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
	void *m = mremap(h, h->len, len, MREMAP_MAYMOVE);
	if (m == MAP_FAILED)
		return NULL;
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
