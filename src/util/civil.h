/*
 * civil.h - calendar dates (proleptic Gregorian, UTC) and ISO 8601 times:
 * the one place where a date becomes seconds since the epoch and back.
 * Used by the query's time fences, the importers' timestamps and the
 * RRSIG times of zone files.  No locale, no time zone database, no libc
 * time functions (timegm is not in C11; mktime follows TZ).
 */
#ifndef LB_UTIL_CIVIL_H
#define LB_UTIL_CIVIL_H

#include <stddef.h>
#include <stdint.h>

/* Days from 1970-01-01 to y-m-d (negative before it); m 1..12, d 1..31
 * (not checked: 2023-02-31 is 2023-03-03, see lb_month_days). */
int64_t lb_days_from_civil(int64_t y, unsigned m, unsigned d);

/* The date of a day counted from 1970-01-01 (negative: before it). */
void lb_civil_from_days(int64_t days, int64_t *y, unsigned *m, unsigned *d);

/* Days in month m (1..12) of year y: 28..31 (0 for a month out of range). */
unsigned lb_month_days(int64_t y, unsigned m);

/* lb_iso8601_parse flags */
enum {
	LB_ISO_DATE_ONLY = 1, /* "YYYY-MM-DD" alone is midnight UTC */
	LB_ISO_NO_SECONDS = 2 /* "YYYY-MM-DDTHH:MM" without ":SS" */
};

/* lb_iso8601_parse results (0 = parsed) */
enum {
	LB_ISO_ESYNTAX = -1, /* not of the form below */
	LB_ISO_EOFFSET = -2, /* a bad UTC offset */
	LB_ISO_ERANGE = -3   /* a field out of range (2023-02-29, 24:00), or before 1970 */
};

/*
 * Parse s[0, n) as an ISO 8601 / RFC 3339 date and time in one of the forms
 *   YYYY-MM-DD(T|t| )HH:MM:SS[(.|,)F][Z|z|+hh:mm|+hhmm|+hh|-...]
 * where F is 1 to 12 digits (the first 6 kept: microseconds), HH:MM without
 * seconds and a date alone only as flags allow.  A second of 60 (a leap
 * second) is the next minute's first.  Sets *sec (seconds since the epoch,
 * UTC; never negative) and *usec (NULL: not wanted).  Returns 0 or one of
 * LB_ISO_E*; nothing is set on error.
 */
int lb_iso8601_parse(const char *s, size_t n, int flags, int64_t *sec, uint32_t *usec);

#endif
