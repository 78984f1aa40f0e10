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

/* JSON text is UTF-8: invalid sequences (a Latin-1 source name, a cut
 * sequence, an overlong form, a surrogate) become U+FFFD, valid ones stay */
static void test_str_utf8(void **st)
{
	(void)st;
	char *b = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&b, &n);
	assert_non_null(f);
	lb_json_put_str(f, "caf\xe9 \xe2\x82\xac \xe2\x82 \xc0\xaf \xed\xa0\x80 \xf0\x9f\x98\x80");
	fclose(f);
	assert_string_equal(b, "\"caf\xef\xbf\xbd \xe2\x82\xac \xef\xbf\xbd\xef\xbf\xbd \xef\xbf\xbd\xef\xbf\xbd "
			       "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd \xf0\x9f\x98\x80\"");
	free(b);
}

/* Prometheus label values: only \\, \" and \n are escapes there (a parser
 * refuses \u0009); other bytes are written raw, invalid UTF-8 as U+FFFD */
static void test_prom_label(void **st)
{
	(void)st;
	static const struct {
		const char *in, *want;
	} c[] = {
		{ "s2", "\"s2\"" },
		{ "a\"b\\c", "\"a\\\"b\\\\c\"" },
		{ "caf\xc3\xa9\tx\ny", "\"caf\xc3\xa9\tx\\ny\"" },
		{ "\x01\x7f\xe2\x82\xac\xf0\x9f\x98\x80", "\"\x01\x7f\xe2\x82\xac\xf0\x9f\x98\x80\"" },
		/* a lone continuation byte, a cut sequence, an overlong '/', a
		 * surrogate, a code point past U+10FFFF */
		{ "\x80" "a", "\"\xef\xbf\xbd" "a\"" },
		{ "b\xc3", "\"b\xef\xbf\xbd\"" },
		{ "\xc0\xaf", "\"\xef\xbf\xbd\xef\xbf\xbd\"" },
		{ "\xed\xa0\x80", "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"" },
		{ "\xf4\x90\x80\x80", "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"" },
	};
	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
		char *b = NULL;
		size_t n = 0;
		FILE *f = open_memstream(&b, &n);
		assert_non_null(f);
		lb_prom_put_label(f, c[i].in);
		fclose(f);
		assert_string_equal(b, c[i].want);
		free(b);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_u64),
		cmocka_unit_test(test_str),
		cmocka_unit_test(test_str_utf8),
		cmocka_unit_test(test_prom_label),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
