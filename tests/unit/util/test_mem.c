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
#include <sys/resource.h>

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

/* Slab items: zero-filled, 16-byte aligned, distinct across many buffers,
 * a dropped item handed out again (zeroed), all writable whole. */
static void slab_items(void **st)
{
	(void)st;
	lb_slab_t s;
	lb_slab_init(&s, 272);
	enum { N = 20000 }; /* 5.4 MB of items: three buffers */
	static uint8_t *it[N];
	for (size_t i = 0; i < N; i++) {
		it[i] = lb_slab_get(&s);
		assert_non_null(it[i]);
		assert_int_equal((uintptr_t)it[i] % 16, 0);
		assert_true(all_zero(it[i], 272));
		memset(it[i], (int)(i % 251) + 1, 272);
	}
	for (size_t i = 0; i < N; i++) /* no item overlaps another */
		assert_int_equal(it[i][0], (uint8_t)(i % 251 + 1)), assert_int_equal(it[i][271], (uint8_t)(i % 251 + 1));
	lb_slab_put(&s, it[7]);
	lb_slab_put(&s, NULL);
	uint8_t *again = lb_slab_get(&s);
	assert_non_null(again);
	assert_true(all_zero(again, 272));
#if !defined(__SANITIZE_ADDRESS__)
	assert_ptr_equal(again, it[7]); /* reused first */
#endif
	it[7] = again;
	for (size_t i = 0; i < N; i++)
		lb_slab_put(&s, it[i]);
	lb_slab_fini(&s);
	lb_slab_t tiny;
	lb_slab_init(&tiny, 1); /* rounded up: room for the free list's link */
	uint8_t *a = lb_slab_get(&tiny), *b = lb_slab_get(&tiny);
	assert_non_null(a);
	assert_non_null(b);
	assert_true(a != b);
	lb_slab_put(&tiny, a);
	lb_slab_put(&tiny, b);
	lb_slab_fini(&tiny);
}

#if !defined(__SANITIZE_ADDRESS__)
static long minflt(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_minflt;
}

/* Page faults taken writing n bytes at p. */
static long faults_writing(uint8_t *p, size_t n)
{
	long before = minflt();
	for (size_t i = 0; i < n; i += 4096)
		p[i] = 1;
	return minflt() - before;
}

/* A buffer that starts under 2 MiB (small pages) and grows past it gets huge
 * pages for its whole new length: its first 2 MiB are not left to 4 KiB
 * faults beside the small pages it started with (they were moved, not
 * copied, before).  Where the kernel gives a fresh 4 MiB buffer no huge
 * pages at all there is nothing to compare with: skipped. */
static void growth_keeps_huge_pages(void **st)
{
	(void)st;
	uint8_t *fresh = lb_big_alloc((size_t)4 << 20);
	assert_non_null(fresh);
	long control = faults_writing(fresh, (size_t)4 << 20);
	lb_big_free(fresh);
	if (control > 64) {
		skip(); /* no transparent huge pages here */
		return;
	}
	uint8_t *p = lb_big_alloc(256 << 10);
	assert_non_null(p);
	memset(p, 7, 256 << 10);
	p = lb_big_realloc(p, (size_t)4 << 20);
	assert_non_null(p);
	assert_int_equal(p[(256 << 10) - 1], 7);
	long grown = faults_writing(p + (256 << 10), ((size_t)4 << 20) - (256 << 10));
	assert_true(grown <= control + 8); /* was ~450: 1.75 MiB of 4 KiB faults */
	lb_big_free(p);
}

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
		cmocka_unit_test(slab_items),
#if !defined(__SANITIZE_ADDRESS__)
		cmocka_unit_test(marked_for_huge_pages),
		cmocka_unit_test(growth_keeps_huge_pages),
#endif
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
