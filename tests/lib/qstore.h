/*
 * qstore.h - a hand-made store for query tests (tests/unit/query): records
 * written out as text in a table, added with lb_store_add, in a directory of
 * /tmp removed at the end.  The tests write their expected answers by hand
 * beside the table; nothing here computes one.
 */
#ifndef LB_TESTS_QSTORE_H
#define LB_TESTS_QSTORE_H

#include <stddef.h>
#include <stdint.h>

#include "query/query.h"
#include "store/store.h"

#define LBT_MAX_RDATA 8

/* One record.  rdata as presentation text of type (names for NS, CNAME,
 * ...; "192.0.2.7" for A), at most LBT_MAX_RDATA, NULL-terminated; or raw
 * wire bytes in wire/wire_len (nwire of them) when rdata[0] is NULL.
 * Sightings: count in all, one at first and the rest at last (last 0: no
 * sensor times, zone times only).  rcode > 0 makes it a negative answer of
 * that rcode (no rdata).  bail NULL or "": unknown. */
typedef struct lbt_rec {
	const char *owner;
	uint16_t type;
	const char *rdata[LBT_MAX_RDATA + 1];
	const char *bail;
	uint64_t first, last, count, zfirst, zlast;
	int rcode;
	const char *const *sources;
	size_t nsources;
	const uint8_t *wire[LBT_MAX_RDATA];
	uint16_t wire_len[LBT_MAX_RDATA];
	size_t nwire;
} lbt_rec_t;

/* A new store in /tmp/lb-test-TAG.PID (its path in dir). */
lb_store_t *lbt_store_new(const char *tag, char *dir, size_t dirsz);
/* A new store (lbt_store_new) holding the n records of recs, committed. */
lb_store_t *lbt_store_make(const char *tag, char *dir, size_t dirsz, const lbt_rec_t *recs,
			   size_t n);
/* Add one record (cmocka assertions on failure). */
void lbt_store_add(lb_store_t *s, const lbt_rec_t *r);
/* Close the store and remove its directory; 0 on success. */
int lbt_store_remove(lb_store_t *s, const char *dir);
/* The output of lb_query_run(s, q) in format fmt, as a malloc'd string;
 * the run's result in *res when res is not NULL. */
char *lbt_query_text(lb_store_t *s, const lb_query_t *q, enum lb_format fmt,
		     lb_query_result_t *res);

#endif
