/*
 * mem.h - the large working buffers of ingest (the aggregation window's slot
 * table and records, the store's pending operations and its put-seen set),
 * mapped whole and marked for transparent huge pages.  Where the THP mode is
 * "madvise" (Debian's default) such buffers were otherwise faulted in 4 KiB
 * at a time, and in a virtual machine each fault is dear: on the benchmark's
 * 2 M-packet capture into a new store, ~36000 first-touch faults were about a
 * fifth of the run (docs/ARCHITECTURE.md has the measurement).  A buffer is
 * one mapping of its own, so marking it does not split it and growing it is
 * one mremap (pages move, nothing is copied or faulted again).
 *
 * Under AddressSanitizer the buffers are plain malloc'd memory, so that its
 * bounds checks still cover them.
 */
#ifndef LB_UTIL_MEM_H
#define LB_UTIL_MEM_H

#include <stddef.h>

/* A zero-filled buffer of at least n bytes, or NULL (out of memory). */
void *lb_big_alloc(size_t n);
/* Grow (or keep) p to at least n bytes, its contents kept and the new part
 * zero-filled; p NULL allocates.  NULL on failure, p then left as it was. */
void *lb_big_realloc(void *p, size_t n);
void lb_big_free(void *p);

/* A pool of equal-sized zero-filled items for structures made and dropped by
 * the thousand on the ingest path (TCP flows): carved from 2 MiB huge-page
 * buffers as above, dropped items reused first.  Items stay where they are
 * (pointers to them hold) and the buffers are returned only by
 * lb_slab_fini.  Under AddressSanitizer each item is its own calloc. */
typedef struct lb_slab {
	size_t size;        /* item size, rounded up to 16 */
	void *free;         /* dropped items, linked through their first bytes */
	void *chunks;       /* buffers, linked through their first bytes */
	size_t left;        /* unused items at the end of the newest buffer */
	unsigned char *next;
} lb_slab_t;

void lb_slab_init(lb_slab_t *s, size_t item_size);
/* A zero-filled item, or NULL (out of memory). */
void *lb_slab_get(lb_slab_t *s);
void lb_slab_put(lb_slab_t *s, void *item);
void lb_slab_fini(lb_slab_t *s);

#endif
