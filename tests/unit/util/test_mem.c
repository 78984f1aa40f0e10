/*
 * test_mem.c - the ingest's large buffers: zero-filled, kept when they grow
 * (the new part zero-filled too), left as they were when growing fails, and
 * marked for huge pages when mapped (checked in /proc/self/smaps where the
 * kernel has transparent huge pages).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "util/mem.h"

static int all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

static void alloc_zero_and_grow(void **st)
{
	(void)st;
	size_t sizes[] = { 1, 100, 65536, (size_t)3 << 20, (size_t)5 << 20 };
	uint8_t *p = NULL;
	size_t have = 0;
	for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
		uint8_t *q = lb_big_realloc(p, sizes[k]);
		assert_non_null(q);
		for (size_t i = 0; i < have; i++)
			assert_int_equal(q[i], (uint8_t)(i * 7 + 1)); /* kept */
		assert_true(all_zero(q + have, sizes[k] - have)); /* new part zero */
		for (size_t i = have; i < sizes[k]; i++)
			q[i] = (uint8_t)(i * 7 + 1);
		p = q;
		have = sizes[k];
	}
	/* no smaller: the same buffer */
	assert_ptr_equal(lb_big_realloc(p, 10), p);
	lb_big_free(p);
	lb_big_free(NULL);
	uint8_t *z = lb_big_alloc((size_t)9 << 20);
	assert_non_null(z);
	assert_true(all_zero(z, (size_t)9 << 20));
	lb_big_free(z);
}

static void too_big_fails(void **st)
{
	(void)st;
	assert_null(lb_big_alloc(SIZE_MAX - 8));
	uint8_t *p = lb_big_alloc(16);
	assert_non_null(p);
	p[15] = 42;
	assert_null(lb_big_realloc(p, SIZE_MAX - 8));
	assert_int_equal(p[15], 42); /* still ours */
	lb_big_free(p);
}

#if !defined(__SANITIZE_ADDRESS__)
/* The mapping holding a buffer of 8 MiB says "hg" in its VmFlags. */
static void marked_for_huge_pages(void **st)
{
	(void)st;
	FILE *e = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");
	if (!e) {
		skip(); /* a kernel without THP: nothing to mark */
		return;
	}
	fclose(e);
	uint8_t *p = lb_big_alloc((size_t)8 << 20);
	assert_non_null(p);
	FILE *f = fopen("/proc/self/smaps", "r");
	assert_non_null(f);
	char line[512];
	int in = 0, marked = 0;
	while (fgets(line, sizeof line, f)) {
		unsigned long lo, hi;
		if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2) {
			in = (uintptr_t)p >= lo && (uintptr_t)p < hi;
			continue;
		}
		if (in && !strncmp(line, "VmFlags:", 8) && strstr(line, " hg"))
			marked = 1;
	}
	fclose(f);
	assert_true(marked);
	lb_big_free(p);
}
#endif

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(alloc_zero_and_grow),
		cmocka_unit_test(too_big_fails),
#if !defined(__SANITIZE_ADDRESS__)
		cmocka_unit_test(marked_for_huge_pages),
#endif
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
