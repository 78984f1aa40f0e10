/*
 * test_civil.c - calendar dates and ISO 8601 times, against the C library's
 * timegm (glibc: an independent implementation of the same calendar).
 */
#define _DEFAULT_SOURCE /* timegm */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "util/civil.h"

static int64_t tgm(int y, int m, int d, int h, int mi, int s)
{
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = s;
	return (int64_t)timegm(&tm);
}

/* Every day of years 1600-2500 (leap rules of 1600, 1700, 2000, 2100 ...):
 * the day count agrees with timegm, goes back to the same date, and the
 * month lengths agree with where timegm puts the next month's first day. */
static void test_days(void **st)
{
	(void)st;
	int64_t prev = 0;
	int first = 1;
	for (int y = 1600; y <= 2500; y++)
		for (unsigned m = 1; m <= 12; m++) {
			unsigned md = lb_month_days(y, m);
			int64_t next = m == 12 ? tgm(y + 1, 1, 1, 0, 0, 0) : tgm(y, (int)m + 1, 1, 0, 0, 0);
			assert_int_equal((next - tgm(y, (int)m, 1, 0, 0, 0)) / 86400, md);
			for (unsigned d = 1; d <= md; d++) {
				int64_t n = lb_days_from_civil(y, m, d);
				if (!first && n != prev + 1)
					fail_msg("%d-%u-%u: %lld after %lld", y, m, d, (long long)n,
						 (long long)prev);
				first = 0;
				prev = n;
				if (d == 1 || d == md || (y % 97 == 0))
					assert_int_equal(n * 86400, tgm(y, (int)m, (int)d, 0, 0, 0));
				int64_t yy;
				unsigned mm, dd;
				lb_civil_from_days(n, &yy, &mm, &dd);
				if (yy != y || mm != m || dd != d)
					fail_msg("%d-%u-%u -> %lld -> %lld-%u-%u", y, m, d, (long long)n,
						 (long long)yy, mm, dd);
			}
		}
	assert_int_equal(lb_days_from_civil(1970, 1, 1), 0);
	assert_int_equal(lb_days_from_civil(1969, 12, 31), -1);
	assert_int_equal(lb_days_from_civil(2000, 3, 1), 11017);
	assert_int_equal(lb_month_days(1900, 2), 28);
	assert_int_equal(lb_month_days(2000, 2), 29);
	assert_int_equal(lb_month_days(2023, 2), 28);
	assert_int_equal(lb_month_days(2024, 2), 29);
	assert_int_equal(lb_month_days(2100, 2), 28);
	assert_int_equal(lb_month_days(2023, 0), 0);
	assert_int_equal(lb_month_days(2023, 13), 0);
	/* far years, both directions */
	int64_t yy;
	unsigned mm, dd;
	lb_civil_from_days(lb_days_from_civil(-4713, 11, 24), &yy, &mm, &dd);
	assert_true(yy == -4713 && mm == 11 && dd == 24);
	lb_civil_from_days(lb_days_from_civil(9999, 12, 31), &yy, &mm, &dd);
	assert_true(yy == 9999 && mm == 12 && dd == 31);
}

static void test_iso_good(void **st)
{
	(void)st;
	static const struct {
		const char *s;
		int flags;
		int y, m, d, h, mi, se;
		int off;      /* seconds east of UTC */
		uint32_t us;
	} c[] = {
		{ "2021-12-11T22:46:23Z", 0, 2021, 12, 11, 22, 46, 23, 0, 0 },
		{ "2021-12-11t22:46:23z", 0, 2021, 12, 11, 22, 46, 23, 0, 0 },
		{ "2019-04-17 00:47:27", 0, 2019, 4, 17, 0, 47, 27, 0, 0 },
		{ "2021-12-11T22:46:23.123+02:00", 0, 2021, 12, 11, 22, 46, 23, 7200, 123000 },
		{ "2021-12-11T22:46:23,5-0130", 0, 2021, 12, 11, 22, 46, 23, -5400, 500000 },
		{ "2021-12-11T22:46:23.123456789012+0000", 0, 2021, 12, 11, 22, 46, 23, 0, 123456 },
		{ "2021-12-11T22:46:23+05", 0, 2021, 12, 11, 22, 46, 23, 18000, 0 },
		{ "2024-02-29T12:00:00Z", 0, 2024, 2, 29, 12, 0, 0, 0, 0 },
		{ "2000-02-29T00:00:00Z", 0, 2000, 2, 29, 0, 0, 0, 0, 0 },
		{ "1970-01-01T00:00:00Z", 0, 1970, 1, 1, 0, 0, 0, 0, 0 },
		/* after the epoch once the offset is taken */
		{ "1969-12-31T23:00:00-02:00", 0, 1969, 12, 31, 23, 0, 0, -7200, 0 },
		/* a leap second is the next minute's first */
		{ "2016-12-31T23:59:60Z", 0, 2016, 12, 31, 23, 59, 60, 0, 0 },
		{ "2023-05-06", LB_ISO_DATE_ONLY, 2023, 5, 6, 0, 0, 0, 0, 0 },
		{ "2023-05-06T07:08", LB_ISO_NO_SECONDS, 2023, 5, 6, 7, 8, 0, 0, 0 },
		{ "2023-05-06T07:08Z", LB_ISO_NO_SECONDS, 2023, 5, 6, 7, 8, 0, 0, 0 },
		{ "9999-12-31T23:59:59Z", 0, 9999, 12, 31, 23, 59, 59, 0, 0 },
	};
	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
		int64_t sec = -1;
		uint32_t us = 99;
		int r = lb_iso8601_parse(c[i].s, strlen(c[i].s), c[i].flags, &sec, &us);
		if (r != 0)
			fail_msg("\"%s\": %d", c[i].s, r);
		int64_t want = tgm(c[i].y, c[i].m, c[i].d, c[i].h, c[i].mi, c[i].se) - c[i].off;
		if (sec != want || us != c[i].us)
			fail_msg("\"%s\": %lld.%06u, want %lld.%06u", c[i].s, (long long)sec, us,
				 (long long)want, c[i].us);
		/* usec may be left out */
		assert_int_equal(lb_iso8601_parse(c[i].s, strlen(c[i].s), c[i].flags, &sec, NULL), 0);
	}
	/* the length bounds the text: what follows it is not read */
	int64_t sec;
	assert_int_equal(lb_iso8601_parse("2021-12-11T22:46:23Zjunk", 20, 0, &sec, NULL), 0);
	assert_int_equal(sec, tgm(2021, 12, 11, 22, 46, 23));
}

static void test_iso_bad(void **st)
{
	(void)st;
	static const struct {
		const char *s;
		int flags;
		int want;
	} c[] = {
		{ "", 0, LB_ISO_ESYNTAX },
		{ "2021-12-11", 0, LB_ISO_ESYNTAX },              /* date alone not asked for */
		{ "2021-12-11T22:46Z", 0, LB_ISO_ESYNTAX },       /* no seconds not asked for */
		{ "2021-12-11T22:46:23.Z", 0, LB_ISO_ESYNTAX },   /* a fraction without digits */
		{ "2021-12-11T22:46:23.1234567890123Z", 0, LB_ISO_ESYNTAX }, /* 13 digits */
		{ "2021-12-11T22:46:23 Z", 0, LB_ISO_ESYNTAX },
		{ "2021-12-11T22:46:23Zx", 0, LB_ISO_ESYNTAX },
		{ "2021-12-11X22:46:23Z", 0, LB_ISO_ESYNTAX },
		{ "2021-12-1T22:46:23Z", 0, LB_ISO_ESYNTAX },
		{ "21-12-11T22:46:23Z", 0, LB_ISO_ESYNTAX },
		{ "2021/12/11T22:46:23Z", 0, LB_ISO_ESYNTAX },
		{ "2021-12-11T2:46:23Z", 0, LB_ISO_ESYNTAX },
		{ "2021-12-11T22:46:23+05:", 0, LB_ISO_EOFFSET },
		{ "2021-12-11T22:46:23+5", 0, LB_ISO_EOFFSET },
		{ "2021-12-11T22:46:23+24:00", 0, LB_ISO_EOFFSET },
		{ "2021-12-11T22:46:23+05:60", 0, LB_ISO_EOFFSET },
		{ "2021-12-11T22:46:23+05:3", 0, LB_ISO_EOFFSET },
		{ "2021-12-11T22:46:23+05:300", 0, LB_ISO_ESYNTAX },
		{ "2023-02-29T00:00:00Z", 0, LB_ISO_ERANGE },      /* not a leap year */
		{ "1900-02-29T00:00:00Z", 0, LB_ISO_ERANGE },
		{ "2023-02-30T00:00:00Z", 0, LB_ISO_ERANGE },
		{ "2023-04-31T00:00:00Z", 0, LB_ISO_ERANGE },
		{ "2023-13-01T00:00:00Z", 0, LB_ISO_ERANGE },
		{ "2023-00-01T00:00:00Z", 0, LB_ISO_ERANGE },
		{ "2023-01-00T00:00:00Z", 0, LB_ISO_ERANGE },
		{ "2023-01-01T24:00:00Z", 0, LB_ISO_ERANGE },
		{ "2023-01-01T23:60:00Z", 0, LB_ISO_ERANGE },
		{ "2023-01-01T23:59:61Z", 0, LB_ISO_ERANGE },
		{ "1969-12-31T23:59:59Z", 0, LB_ISO_ERANGE },      /* before the epoch */
		{ "1970-01-01T00:00:00+00:01", 0, LB_ISO_ERANGE },
		{ "2023-02-29", LB_ISO_DATE_ONLY, LB_ISO_ERANGE },
	};
	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
		int64_t sec = 12345;
		uint32_t us = 678;
		int r = lb_iso8601_parse(c[i].s, strlen(c[i].s), c[i].flags, &sec, &us);
		if (r != c[i].want)
			fail_msg("\"%s\": %d, want %d", c[i].s, r, c[i].want);
		assert_int_equal(sec, 12345); /* nothing set on error */
		assert_int_equal(us, 678);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_days),
		cmocka_unit_test(test_iso_good),
		cmocka_unit_test(test_iso_bad),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
