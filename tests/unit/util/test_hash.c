/*
 * test_hash.c - the in-memory tables' hash: the same bytes and seed give the
 * same value, another seed another value, any byte changed another value; seeds are drawn at random; the
 * values spread over the slots of a table.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "util/hash.h"

static void test_seeded(void **st)
{
	(void)st;
	const uint8_t k[] = "\x03" "com" "\x07" "example" "\x03" "www";
	uint64_t a = lb_hash_seed(), b = lb_hash_seed();
	assert_true(a != b); /* 2^-64 to fail by chance */
	assert_true(lb_hash64(k, sizeof k - 1, a) == lb_hash64(k, sizeof k - 1, a));
	assert_true(lb_hash64(k, sizeof k - 1, a) != lb_hash64(k, sizeof k - 1, b));
	/* every length up to 5 words (two 16-byte steps, an 8-byte one, the
	 * tail) and each byte counts */
	uint8_t buf[40];
	memset(buf, 0, sizeof buf);
	uint64_t prev = lb_hash64(buf, 0, a);
	for (size_t n = 1; n <= sizeof buf; n++) {
		uint64_t h = lb_hash64(buf, n, a);
		assert_true(h != prev); /* zero bytes still change the length */
		prev = h;
		for (size_t i = 0; i < n; i++) { /* the tail's bytes too: each is read */
			buf[i] = 1;
			assert_true(lb_hash64(buf, n, a) != h);
			buf[i] = 0;
		}
	}
}

/* Names that differ in one digit (what traffic is made of) fill the slots
 * of a 4096-slot table about evenly, whatever the seed. */
static void test_spread(void **st)
{
	(void)st;
	for (int round = 0; round < 4; round++) {
		uint64_t seed = lb_hash_seed();
		static unsigned slots[4096];
		memset(slots, 0, sizeof slots);
		for (unsigned i = 0; i < 40960; i++) {
			char name[64];
			/* the digits inside the first 16-byte step (short names) or
			 * the second (long ones: a window key is ~60 bytes) */
			int n = round & 1 ? snprintf(name, sizeof name, "h%u.d1249389.org", i)
					  : snprintf(name, sizeof name, "www.example.org.h%u.d1249389.org", i);
			slots[lb_hash64((const uint8_t *)name, (size_t)n, seed) & 4095]++;
		}
		unsigned max = 0;
		for (int i = 0; i < 4096; i++)
			if (slots[i] > max)
				max = slots[i];
		assert_true(max < 40); /* mean 10 */
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seeded),
		cmocka_unit_test(test_spread),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
