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

#endif
