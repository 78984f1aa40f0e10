/*
 * test_fdwait.c - lb_fd_wait: a quiet pipe calls idle every interval until the
 * caller asks to stop; data, or the writer's end, makes it return at once.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>

#include <cmocka.h>

#include "util/fdwait.h"

struct ctx {
	int calls;
	volatile sig_atomic_t stop;
};

static void idle(void *v)
{
	struct ctx *c = v;
	if (++c->calls == 2)
		c->stop = 1; /* the caller's stop flag, as a signal handler would set it */
}

static void quiet_then_stop(void **st)
{
	(void)st;
	int p[2];
	assert_int_equal(pipe(p), 0);
	struct ctx c = { 0 };
	assert_int_equal(lb_fd_wait(p[0], idle, &c, &c.stop), 0);
	assert_int_equal(c.calls, 2); /* two quiet intervals, then the stop is seen */
	close(p[0]);
	close(p[1]);
}

static void data_and_end(void **st)
{
	(void)st;
	int p[2];
	assert_int_equal(pipe(p), 0);
	struct ctx c = { 0 };
	assert_int_equal(write(p[1], "x", 1), 1);
	assert_int_equal(lb_fd_wait(p[0], idle, &c, &c.stop), 1);
	assert_int_equal(c.calls, 0);
	char b;
	assert_int_equal(read(p[0], &b, 1), 1);
	close(p[1]); /* the end of the input is readable too: read() tells */
	assert_int_equal(lb_fd_wait(p[0], NULL, NULL, NULL), 1);
	assert_int_equal(read(p[0], &b, 1), 0);
	close(p[0]);
}

static void stop_first(void **st)
{
	(void)st;
	int p[2];
	assert_int_equal(pipe(p), 0);
	assert_int_equal(write(p[1], "x", 1), 1);
	volatile sig_atomic_t stop = 1;
	assert_int_equal(lb_fd_wait(p[0], NULL, NULL, &stop), 0);
	close(p[0]);
	close(p[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(quiet_then_stop),
		cmocka_unit_test(data_and_end),
		cmocka_unit_test(stop_first),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
