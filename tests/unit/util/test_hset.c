/*
 * test_hset.c - the set of 64-bit hashes: what is added is seen, growth keeps
 * every value, at its bound it adds nothing more yet still answers for what
 * it holds, clear empties it, a hash of 0 is a value like any other, and
 * lb_hset_has answers without adding.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "util/hset.h"

static uint64_t mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	return x;
}

static void add_grow_bound_clear(void **st)
{
	(void)st;
	lb_hset_t s;
	lb_hset_init(&s, 16, 1024);
	/* 512 values fill a 1024-slot set to its half: all fit */
	for (uint64_t i = 0; i < 512; i++)
		assert_int_equal(lb_hset_add(&s, mix(i)), 0);
	assert_int_equal(s.cap, 1024);
	for (uint64_t i = 0; i < 512; i++)
		assert_int_equal(lb_hset_add(&s, mix(i)), 1); /* kept through every growth */
	/* at the bound: no more, but what it holds is still seen */
	assert_int_equal(lb_hset_add(&s, mix(100000)), -1);
	assert_int_equal(lb_hset_add(&s, mix(7)), 1);
	/* asked without adding: every value held, none other (the probe ends
	 * at an empty slot even in a set at its bound) */
	for (uint64_t i = 0; i < 512; i++)
		assert_int_equal(lb_hset_has(&s, mix(i)), 1);
	for (uint64_t i = 512; i < 2048; i++)
		assert_int_equal(lb_hset_has(&s, mix(i)), 0);
	assert_int_equal(s.n, 512);
	lb_hset_clear(&s);
	assert_int_equal(s.n, 0);
	assert_int_equal(lb_hset_add(&s, mix(7)), 0);
	assert_int_equal(lb_hset_add(&s, mix(100000)), 0);
	/* 0 is a value (stored as 1: the two are one value to the set) */
	assert_int_equal(lb_hset_has(&s, 0), 0);
	assert_int_equal(lb_hset_add(&s, 0), 0);
	assert_int_equal(lb_hset_add(&s, 0), 1);
	assert_int_equal(lb_hset_has(&s, 0), 1);
	assert_int_equal(lb_hset_has(&s, 1), 1); /* the same value to the set */
	lb_hset_prefetch(&s, 12345);
	lb_hset_free(&s);
	lb_hset_free(&s); /* twice is harmless */
	assert_null(s.t);
}

static void empty_set(void **st)
{
	(void)st;
	lb_hset_t s;
	lb_hset_init(&s, 4096, 4096);
	lb_hset_prefetch(&s, 1); /* no table yet */
	assert_int_equal(lb_hset_has(&s, 5), 0);
	lb_hset_clear(&s);
	assert_int_equal(lb_hset_add(&s, 5), 0);
	assert_int_equal(lb_hset_add(&s, 5), 1);
	lb_hset_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(add_grow_bound_clear),
		cmocka_unit_test(empty_set),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
