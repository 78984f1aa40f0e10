/*
 * test_mkdirs.c - mkdir -p for stores and spools: missing parents are made,
 * an existing directory is fine, a regular file on the way is ENOTDIR.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "util/mkdirs.h"

static int is_dir(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static void parents_made(void **state)
{
	(void)state;
	char base[] = "/tmp/lbmkdirs.XXXXXX";
	assert_non_null(mkdtemp(base));
	char p[256];
	snprintf(p, sizeof p, "%s/a/b/c", base);
	assert_int_equal(lb_mkdirs(p, 0700), 0);
	assert_true(is_dir(p));
	assert_int_equal(lb_mkdirs(p, 0700), 0); /* already there */
	snprintf(p, sizeof p, "%s/a/b/d/", base); /* trailing slash */
	assert_int_equal(lb_mkdirs(p, 0700), 0);
	assert_true(is_dir(p));

	snprintf(p, sizeof p, "%s/f", base);
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fclose(f);
	snprintf(p, sizeof p, "%s/f/x", base);
	errno = 0;
	assert_int_equal(lb_mkdirs(p, 0700), -1);
	assert_int_equal(errno, ENOTDIR);
	snprintf(p, sizeof p, "%s/f", base);
	errno = 0;
	assert_int_equal(lb_mkdirs(p, 0700), -1); /* a file, not a directory */
	assert_int_equal(errno, ENOTDIR);
	assert_int_equal(lb_mkdirs("", 0700), -1);

	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", base);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parents_made),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
