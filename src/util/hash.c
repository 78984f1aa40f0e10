/*
 * hash.c - the random seed of the in-memory hash tables (hash.h).
 */
#include "util/hash.h"

#include <stdint.h>
#include <sys/random.h>
#include <time.h>

uint64_t lb_hash_seed(void)
{
	uint64_t v = 0;
	if (getrandom(&v, sizeof v, GRND_NONBLOCK) == (ssize_t)sizeof v)
		return v;
	/* no entropy yet (early boot): not secret, still not known in advance */
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	v = (uint64_t)ts.tv_nsec * 0x9e3779b97f4a7c15ull ^ (uint64_t)ts.tv_sec;
	return v ^ (uint64_t)(uintptr_t)&v;
}
