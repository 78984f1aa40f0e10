/* test_jscan.c - the allocation-free JSON scanner: valid and invalid lines
 * (table-driven), member lookup that skips nested values, unescaping, the
 * 8-byte string scan at every offset, js_members. */
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

/* One special byte at every position of strings of every length around the
 * 8-byte steps: the word-at-a-time scan must stop exactly where a byte loop does. */
static void string_scan_offsets(void **st)
{
	(void)st;
	static const struct { const char *x; int ok; uint8_t esc; } sp[] = {
		{ "\x01", 0, 0 }, { "\x1f", 0, 0 }, { "\n", 0, 0 }, { "\x7f", 1, 0 }, { "\x80", 1, 0 },
		{ "\xff", 1, 0 }, { " ", 1, 0 }, { "!", 1, 0 }, { "\\n", 1, 1 }, { "\\\"", 1, 1 },
		{ "\\u00e9", 1, 1 }, { "\\x", 0, 0 }, { "\\q", 0, 0 }, { "#", 1, 0 }, { "]", 1, 0 },
	};
	char buf[64];
	for (size_t i = 0; i < sizeof sp / sizeof sp[0]; i++)
		for (size_t pre = 0; pre < 20; pre++)
			for (size_t post = 0; post < 12; post++) {
				size_t o = 0, xl = strlen(sp[i].x);
				buf[o++] = '"';
				memset(buf + o, 'a', pre);
				o += pre;
				memcpy(buf + o, sp[i].x, xl);
				o += xl;
				memset(buf + o, 'b', post);
				o += post;
				buf[o++] = '"';
				js_doc_t d = { .t = toks, .cap = 64 };
				int rc = js_parse(&d, buf, o);
				if ((rc == 0) != sp[i].ok || (rc == 0 && (d.t[0].len != o - 2 ||
									  d.t[0].esc != sp[i].esc))) {
					print_error("special %zu pre %zu post %zu: rc %d\n", i, pre, post, rc);
					fail();
				}
				/* the same string without its closing quote never ends */
				assert_int_equal(js_parse(&d, buf, o - 1), -1);
			}
}

static void members(void **st)
{
	(void)st;
	js_doc_t d;
	/* duplicates (the first wins), an escaped key (never matches), a nested
	 * key of the same name, same-length keys, a long key */
	const char *in = "{\"in\":{\"rdata\":0},\"r\\u0064ata\":1,\"rcode\":2,\"rdata\":3,"
			 "\"rdata\":4,\"a_key_longer_than_thirty_two_bytes!\":5,\"ttl\":6}";
	assert_int_equal(scan(&d, in), 0);
	static const js_key_t k[] = {
		JS_KEY("rdata"), JS_KEY("rcode"), JS_KEY("ttl"), JS_KEY("none"),
		JS_KEY("a_key_longer_than_thirty_two_bytes!"),
	};
	int out[5];
	int64_t v;
	js_members(&d, 0, k, 4, out); /* short keys: indexed by length */
	assert_int_equal(js_int(&d, out[0], &v), 0);
	assert_int_equal(v, 3);
	assert_int_equal(js_int(&d, out[1], &v), 0);
	assert_int_equal(v, 2);
	assert_int_equal(js_int(&d, out[2], &v), 0);
	assert_int_equal(v, 6);
	assert_int_equal(out[3], -1);
	for (int i = 0; i < 3; i++)
		assert_int_equal(out[i], js_get(&d, 0, k[i].s)); /* the same as one lookup each */
	js_members(&d, 0, k, 5, out); /* with a long key: the plain walk */
	assert_int_equal(js_int(&d, out[0], &v), 0);
	assert_int_equal(v, 3);
	assert_int_equal(js_int(&d, out[4], &v), 0);
	assert_int_equal(v, 5);
	/* more than 16 keys: the plain walk too */
	js_key_t many[18];
	for (int i = 0; i < 18; i++)
		many[i] = (js_key_t)JS_KEY("none");
	many[17] = (js_key_t)JS_KEY("ttl");
	int mo[18];
	js_members(&d, 0, many, 18, mo);
	assert_int_equal(mo[0], -1);
	assert_int_equal(js_int(&d, mo[17], &v), 0);
	assert_int_equal(v, 6);
	/* not an object */
	js_members(&d, js_get(&d, 0, "ttl"), k, 3, out);
	assert_int_equal(out[0], -1);
	assert_int_equal(out[2], -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(syntax_table),
		cmocka_unit_test(lookup_and_values),
		cmocka_unit_test(string_scan_offsets),
		cmocka_unit_test(members),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
