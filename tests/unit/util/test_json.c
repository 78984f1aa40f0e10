/*
 * test_json.c - JSON output helpers: numbers in decimal at every width, and
 * strings with their escapes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/json.h"

static char *render_u64(uint64_t v)
{
	char *b = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&b, &n);
	assert_non_null(f);
	lb_json_put_u64(f, v);
	fclose(f);
	return b;
}

static void test_u64(void **st)
{
	(void)st;
	uint64_t p = 1;
	/* 0, every power of ten and its predecessor, and the largest value,
	 * against the C library's own formatting */
	for (int i = 0; i < 20; i++, p *= 10) {
		uint64_t vs[] = { p - 1, p, p + 7 };
		for (size_t k = 0; k < 3; k++) {
			char want[32];
			snprintf(want, sizeof want, "%llu", (unsigned long long)vs[k]);
			char *got = render_u64(vs[k]);
			assert_string_equal(got, want);
			free(got);
		}
	}
	char *got = render_u64(UINT64_MAX);
	assert_string_equal(got, "18446744073709551615");
	free(got);
}

static void test_str(void **st)
{
	(void)st;
	char *b = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&b, &n);
	assert_non_null(f);
	lb_json_put_str(f, "a\"b\\c\n\x01\x7f\xc3\xa9");
	fclose(f);
	assert_string_equal(b, "\"a\\\"b\\\\c\\u000a\\u0001\\u007f\xc3\xa9\"");
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_u64),
		cmocka_unit_test(test_str),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
