/* test_jscan.c - the allocation-free JSON scanner: valid and invalid lines
 * (table-driven), member lookup that skips nested values, unescaping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sources/jscan.h"

static js_tok_t toks[64];

static int scan(js_doc_t *d, const char *s)
{
	d->t = toks;
	d->cap = 64;
	return js_parse(d, s, strlen(s));
}

static void syntax_table(void **st)
{
	(void)st;
	static const struct { const char *in; int ok; } t[] = {
		{ "{}", 1 }, { " { } ", 1 }, { "[]", 1 }, { "\"x\"", 1 }, { "-0.5e+3", 1 },
		{ "{\"a\":[1,{\"b\":null}],\"c\":true,\"d\":false}", 1 },
		{ "{\"a\":\"\\u00e9\\n\\\"\"}", 1 },
		{ "", 0 }, { "{", 0 }, { "{\"a\"}", 0 }, { "{\"a\":}", 0 }, { "{\"a\":1,}", 0 },
		{ "[1 2]", 0 }, { "{} {}", 0 }, { "{'a':1}", 0 }, { "01", 0 }, { "1.", 0 },
		{ "1e", 0 }, { "\"\\x\"", 0 }, { "\"\\u12g4\"", 0 }, { "\"a\tb\"", 0 },
		{ "tru", 0 }, { "nul", 0 }, { "\"abc", 0 }, { "{\"a\":1]", 0 },
		{ "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]", 0 }, /* depth */
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		js_doc_t d;
		int rc = scan(&d, t[i].in);
		if ((rc == 0) != t[i].ok) {
			print_error("case %zu '%s': rc %d\n", i, t[i].in, rc);
			fail();
		}
	}
	/* more tokens than capacity */
	js_doc_t d = { .t = toks, .cap = 3 };
	assert_int_equal(js_parse(&d, "[1,2,3]", 7), -1);
}

static void lookup_and_values(void **st)
{
	(void)st;
	js_doc_t d;
	const char *in = "{\"x\":{\"rrname\":\"inner\"},\"arr\":[\"a\",[1,2],{\"k\":3}],"
			 "\"rrname\":\"outer\",\"n\":-42,\"f\":1.5,\"e\":\"a\\\"b\\\\c\\u00e9\\ud83d\\ude00\"}";
	assert_int_equal(scan(&d, in), 0);
	char buf[64];
	size_t l;
	const char *s = js_str(&d, js_get(&d, 0, "rrname"), buf, sizeof buf, &l);
	assert_non_null(s);
	assert_int_equal(l, 5);
	assert_memory_equal(s, "outer", 5); /* not the nested one */
	int arr = js_get(&d, 0, "arr");
	assert_int_equal(js_type(&d, arr), JS_ARR);
	assert_int_equal(d.t[arr].n, 3);
	int third = js_item(&d, arr, 2);
	int64_t v;
	assert_int_equal(js_int(&d, js_get(&d, third, "k"), &v), 0);
	assert_int_equal(v, 3);
	assert_int_equal(js_item(&d, arr, 3), -1);
	assert_int_equal(js_int(&d, js_get(&d, 0, "n"), &v), 0);
	assert_int_equal(v, -42);
	assert_int_equal(js_int(&d, js_get(&d, 0, "f"), &v), -1);
	double dv;
	assert_int_equal(js_num(&d, js_get(&d, 0, "f"), &dv), 0);
	assert_true(dv == 1.5);
	s = js_str(&d, js_get(&d, 0, "e"), buf, sizeof buf, &l);
	assert_non_null(s);
	assert_int_equal(l, 5 + 2 + 4);
	assert_memory_equal(s, "a\"b\\c\xc3\xa9\xf0\x9f\x98\x80", l);
	/* unescaping that does not fit */
	assert_null(js_str(&d, js_get(&d, 0, "e"), buf, 6, &l));
	assert_int_equal(js_get(&d, 0, "missing"), -1);
	assert_int_equal(js_get(&d, arr, "rrname"), -1); /* not an object */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(syntax_table),
		cmocka_unit_test(lookup_and_values),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
