/*
 * hash.h - a fast 64-bit hash of a byte string for in-memory tables (the
 * aggregation window's slots, the store's set of keys already put).  Not for
 * anything that leaves the process.  Sixteen bytes per step (one 128-bit
 * multiply), then eight; the tail is read with at most two loads.
 *
 * The keys come from traffic: each table takes a random seed when it is made
 * (lb_hash_seed), so that names chosen to collide under a known function (to
 * make a table probe without end, or the store skip an index key it takes
 * for one already written) cannot be prepared in advance.  Not a keyed
 * cryptographic hash: it raises the cost of such input, it does not make it
 * impossible.
 */
#ifndef LB_UTIL_HASH_H
#define LB_UTIL_HASH_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

static inline uint64_t lb_hash64(const uint8_t *p, size_t n, uint64_t seed)
{
	uint64_t h = (0x9e3779b97f4a7c15ull ^ seed) ^ (n * 0xff51afd7ed558ccdull);
	/* sixteen bytes a step: one 64x64->128 multiply of the two halves, each
	 * mixed with something of the seed's (a half that makes a factor zero
	 * cannot be chosen without it), its two halves folded together */
	uint64_t s2 = seed * 0x94d049bb133111ebull ^ 0xd6e8feb86659fd93ull;
	while (n >= 16) {
		uint64_t x, y;
		memcpy(&x, p, 8);
		memcpy(&y, p + 8, 8);
		unsigned __int128 m = (unsigned __int128)(x ^ h) * (y ^ s2);
		h = (uint64_t)m ^ (uint64_t)(m >> 64);
		p += 16;
		n -= 16;
	}
	while (n >= 8) {
		uint64_t x;
		memcpy(&x, p, 8);
		h = (h ^ x) * 0xbf58476d1ce4e5b9ull;
		h ^= h >> 31;
		p += 8;
		n -= 8;
	}
	/* the last 0-7 bytes, each read at least once: two overlapping 4-byte
	 * loads, or bytes first, middle and last (memcpy of a variable length
	 * would be a call) */
	uint64_t x = 0;
	if (n >= 4) {
		uint32_t a, b;
		memcpy(&a, p, 4);
		memcpy(&b, p + n - 4, 4);
		x = a | (uint64_t)b << 32;
	} else if (n) {
		x = p[0] | (uint64_t)p[n / 2] << 8 | (uint64_t)p[n - 1] << 16;
	}
	h = (h ^ x ^ n) * 0x94d049bb133111ebull;
	h ^= h >> 29;
	h *= 0xbf58476d1ce4e5b9ull;
	return h ^ (h >> 32);
}

/* A random seed (getrandom; the time and address mixed when it fails). */
uint64_t lb_hash_seed(void);

#endif
