/*
 * http_impl.h - internals shared by the server's files (not an API).
 */
#ifndef LB_HTTP_IMPL_H
#define LB_HTTP_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

#define LB_KEY_ID_MAX 63
#define LB_KEY_MAX 128

/* One API key and its quota state.  Limits: 0 = unlimited / server default. */
typedef struct lb_key {
	char id[LB_KEY_ID_MAX + 1];
	char key[LB_KEY_MAX + 1];
	uint64_t daily;          /* queries per UTC day */
	uint64_t burst;          /* queries per burst window */
	uint64_t window;         /* burst window, seconds (default 60 when burst set) */
	uint64_t expires;        /* Unix time after which the key is refused (401) */
	uint64_t results_max, offset_max;
	/* state */
	uint64_t day, used_today;
	uint64_t win_start, win_used;
} lb_key_t;

typedef struct lb_keyset {
	lb_key_t *k;
	size_t n;
} lb_keyset_t;

/* Load a key file: lines "ID KEY [daily=N] [burst=N] [window=S] [expires=T]
 * [results_max=N] [offset_max=N]", '#' comments.  Errors: -errno, LB_ETEXT
 * (msgbuf says which line), LB_ELIMIT (more than 100000 keys). */
LB_WUR int lb_keys_load(const char *path, lb_keyset_t *out, char *msgbuf, size_t msgsz);
void lb_keys_free(lb_keyset_t *ks);
/* Carry the counters of keys with the same id from old into new. */
void lb_keys_carry(lb_keyset_t *nw, const lb_keyset_t *old);
/* Find a key by its secret (constant time per entry compared). */
lb_key_t *lb_keys_find(lb_keyset_t *ks, const char *key);

#endif
