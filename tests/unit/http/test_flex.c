/* test_flex.c - flex search narrowing (lb_http_flex_suffix): which rrnames
 * patterns name a domain that holds all their matches, and which must scan
 * the whole store. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "http/http.h"

static void want(const char *pat, bool glob, const char *dom)
{
	char out[300];
	memset(out, 'x', sizeof out);
	size_t n = lb_http_flex_suffix(pat, glob, out, sizeof out);
	if (!dom) {
		if (n != 0)
			fail_msg("%s %s: narrowed to %s, want a full scan", glob ? "glob" : "regex", pat, out);
		return;
	}
	if (n != strlen(dom) || strcmp(out, dom) != 0)
		fail_msg("%s %s: got '%s' (%zu), want '%s'", glob ? "glob" : "regex", pat, n ? out : "",
			 n, dom);
}

static void test_regex(void **state)
{
	(void)state;
	want("\\.example\\.com\\.$", false, "example.com.");
	want("^www\\.Example\\.COM\\.$", false, "example.com.");   /* lower-cased */
	want("example\\.com\\.$", false, "com.");                  /* myexample.com. too */
	want("^h1\\.d-2_x\\.org\\.$", false, "d-2_x.org.");
	want("[a-z]+\\.example\\.com\\.$", false, "example.com.");
	want("(a|b)\\.example\\.com\\.$", false, NULL);            /* '|' anywhere: scan */
	want("\\.example\\.com\\.|^$", false, NULL);
	want("\\.example\\.com\\.", false, NULL);                  /* not anchored */
	want("\\.example\\.com$", false, NULL);                    /* no trailing dot */
	want("\\.example\\.com\\.?$", false, NULL);                /* quantified end */
	want("\\.example\\.com.$", false, NULL);                   /* any character */
	want("\\.example\\.com\\.\\$", false, NULL);               /* a literal '$' */
	want("\\.com\\.$", false, "com.");
	want("com\\.$", false, NULL);                              /* only the root */
	want("\\.$", false, NULL);
	want("x[.]com\\.$", false, NULL);                          /* the run starts after ']' */
	want("\\Q.com.\\E$", false, NULL);
	want("\\.a\\.\\.b\\.$", false, NULL);                      /* an empty label */
	want("\\d\\.example\\.com\\.$", false, "example.com.");
	want("a{2}\\.example\\.com\\.$", false, "example.com.");
	want("$", false, NULL);
	want("", false, NULL);
}

static void test_glob(void **state)
{
	(void)state;
	want("*.example.com.", true, "example.com.");
	want("*.EXAMPLE.com.", true, "example.com.");
	want("*example.com.", true, "com.");
	want("www.example.com.", true, "example.com.");
	want("w?w.example.com.", true, "example.com.");
	want("[wx]ww.example.com.", true, "example.com.");
	want("*.example.com", true, NULL);                         /* no trailing dot */
	want("*.example.com.*", true, NULL);
	want("*\\.com.", true, "com.");                            /* after the escape */
	want("*", true, NULL);
	want("*.", true, NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_regex),
		cmocka_unit_test(test_glob),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
