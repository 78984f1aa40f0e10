/*
 * civil.c - calendar dates and ISO 8601 times (civil.h).  The day counts use
 * the 400-year era arithmetic (H. Hinnant, "chrono-compatible low-level date
 * algorithms"): exact for any year, no loops, no tables.
 */
#include "util/civil.h"

#include <stdbool.h>

int64_t lb_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;                                         /* 0..399 */
	int64_t doy = (153 * (int64_t)(m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1; /* 0..365 */
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;                 /* 0..146096 */
	return era * 146097 + doe - 719468;
}

void lb_civil_from_days(int64_t days, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t z = days + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	*m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

unsigned lb_month_days(int64_t y, unsigned m)
{
	static const unsigned char md[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (m < 1 || m > 12)
		return 0;
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return md[m - 1] + (m == 2 && leap);
}

/* n decimal digits at s[*i] (all within len) into *v; moves *i past them */
static int digits(const char *s, size_t len, size_t *i, int n, unsigned *v)
{
	unsigned x = 0;
	for (int k = 0; k < n; k++, (*i)++) {
		if (*i >= len || s[*i] < '0' || s[*i] > '9')
			return -1;
		x = x * 10 + (unsigned)(s[*i] - '0');
	}
	*v = x;
	return 0;
}

int lb_iso8601_parse(const char *s, size_t n, int flags, int64_t *sec, uint32_t *usec)
{
	size_t i = 0;
	unsigned y, mo, d, h = 0, mi = 0, se = 0;
	uint32_t us = 0;
	if (digits(s, n, &i, 4, &y) || i >= n || s[i++] != '-' || digits(s, n, &i, 2, &mo) ||
	    i >= n || s[i++] != '-' || digits(s, n, &i, 2, &d))
		return LB_ISO_ESYNTAX;
	int64_t off = 0;
	if (i == n) {
		if (!(flags & LB_ISO_DATE_ONLY))
			return LB_ISO_ESYNTAX;
	} else {
		if (s[i] != 'T' && s[i] != 't' && s[i] != ' ')
			return LB_ISO_ESYNTAX;
		i++;
		if (digits(s, n, &i, 2, &h) || i >= n || s[i++] != ':' || digits(s, n, &i, 2, &mi))
			return LB_ISO_ESYNTAX;
		if (i < n && s[i] == ':') {
			i++;
			if (digits(s, n, &i, 2, &se))
				return LB_ISO_ESYNTAX;
			if (i < n && (s[i] == '.' || s[i] == ',')) {
				uint32_t scale = 100000;
				size_t nd = 0;
				for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++, nd++) {
					us += (uint32_t)(s[i] - '0') * scale;
					scale /= 10;
				}
				if (nd == 0 || nd > 12)
					return LB_ISO_ESYNTAX;
			}
		} else if (!(flags & LB_ISO_NO_SECONDS)) {
			return LB_ISO_ESYNTAX;
		}
		if (i < n && (s[i] == 'Z' || s[i] == 'z')) {
			i++;
		} else if (i < n && (s[i] == '+' || s[i] == '-')) {
			/* +hh:mm, +hhmm (Suricata's +0000) or +hh */
			int sign = s[i++] == '-' ? -1 : 1;
			unsigned oh, om = 0;
			if (digits(s, n, &i, 2, &oh))
				return LB_ISO_EOFFSET;
			if (i < n) {
				if (s[i] == ':')
					i++;
				if (digits(s, n, &i, 2, &om))
					return LB_ISO_EOFFSET;
			}
			if (oh > 23 || om > 59)
				return LB_ISO_EOFFSET;
			off = sign * (int64_t)(oh * 3600 + om * 60);
		}
		if (i != n)
			return LB_ISO_ESYNTAX;
	}
	if (mo < 1 || mo > 12 || d < 1 || d > lb_month_days(y, mo) || h > 23 || mi > 59 || se > 60)
		return LB_ISO_ERANGE;
	int64_t t = lb_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se - off;
	if (t < 0)
		return LB_ISO_ERANGE;
	*sec = t;
	if (usec)
		*usec = us;
	return 0;
}
