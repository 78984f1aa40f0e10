/*
 * store_util.h - what the store's unit tests share: a store directory per
 * process (setup / teardown), A rrsets by name, a bulk store, scans that
 * count.  Included by test_store.c and test_store_commit.c only.
 */
#ifndef LB_TEST_STORE_UTIL_H
#define LB_TEST_STORE_UTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "dns/name.h"
#include "dns/rrtype.h"
#include "store/store.h"

static char dir[256];

static inline int setup(void **st)
{
	(void)st;
	snprintf(dir, sizeof dir, "/tmp/lb-test-store.%d", (int)getpid());
	return 0;
}

static inline void rmdir_r(const char *d)
{
	char cmd[512];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", d);
	assert_int_equal(system(cmd), 0);
}

static inline int teardown(void **st)
{
	(void)st;
	rmdir_r(dir);
	return 0;
}

/* An A rrset of the wire name owner (n bytes) holding address a (in addr). */
static inline lb_store_rec_t rrset_wire(const uint8_t *owner, size_t n, const uint8_t **rdp,
					uint16_t *rdl, uint8_t *addr, uint32_t a)
{
	lb_store_rec_t r;
	memset(&r, 0, sizeof r);
	addr[0] = (uint8_t)(a >> 24);
	addr[1] = (uint8_t)(a >> 16);
	addr[2] = (uint8_t)(a >> 8);
	addr[3] = (uint8_t)a;
	rdp[0] = addr;
	rdl[0] = 4;
	r.kind = LB_REC_RRSET;
	r.owner = owner;
	r.owner_len = n;
	r.type = LB_T_A;
	r.nrdata = 1;
	r.rdata = rdp;
	r.rdlen = rdl;
	return r;
}

/* The same for the name in text (converted into owner). */
static inline lb_store_rec_t rrset(uint8_t *owner, const char *name, const uint8_t **rdp,
				   uint16_t *rdl, uint8_t *addr, uint32_t a)
{
	int n = lb_name_from_text(name, strlen(name), NULL, owner, 256);
	assert_true(n > 0);
	return rrset_wire(owner, (size_t)n, rdp, rdl, addr, a);
}

/* A new store in dir, opened for bulk ingest (as capture, tap and import do). */
static inline lb_store_t *open_bulk(void)
{
	lb_store_t *s;
	lb_store_opts_t cr = { .create = true, .bulk = true };
	rmdir_r(dir);
	assert_int_equal(lb_store_open(dir, &cr, &s), 0);
	return s;
}

/* An iterator over the rrsets of one name (match: exact or below). */
static inline lb_store_iter_t *scan_open(lb_store_t *s, const char *name_text, enum lb_match match)
{
	uint8_t name[256];
	int n = lb_name_from_text(name_text, strlen(name_text), NULL, name, sizeof name);
	assert_true(n > 0);
	lb_store_scan_t q = { .kind = LB_SCAN_RRSET, .match = match, .name = name,
			      .name_len = (size_t)n };
	lb_store_iter_t *it;
	assert_int_equal(lb_store_iter_new(s, &q, &it), 0);
	return it;
}

/* rrsets of one scan by name (match: exact or below); *sum = their counts. */
static inline uint64_t scan_rrsets(lb_store_t *s, const char *name_text, enum lb_match match,
				   int *err, uint64_t *sum)
{
	lb_store_iter_t *it = scan_open(s, name_text, match);
	lb_store_rec_t r;
	uint64_t c = 0, total = 0;
	int k;
	while ((k = lb_store_iter_next(it, &r)) > 0) {
		c++;
		total += r.val.count;
	}
	*err = k;
	if (sum)
		*sum = total;
	lb_store_iter_free(it);
	return c;
}

/* The records scan q finds (the scan must end without error). */
static inline uint64_t scan_count_q(lb_store_t *s, const lb_store_scan_t *q)
{
	lb_store_iter_t *it;
	assert_int_equal(lb_store_iter_new(s, q, &it), 0);
	lb_store_rec_t r;
	uint64_t n = 0;
	int k;
	while ((k = lb_store_iter_next(it, &r)) > 0)
		n++;
	assert_int_equal(k, 0);
	lb_store_iter_free(it);
	return n;
}

static inline uint64_t count_rrsets(lb_store_t *s, const char *below, int *err)
{
	return scan_rrsets(s, below, LB_MATCH_BELOW, err, NULL);
}

/* An iterator over the rrsets of exactly this owner, at its first one (*r);
 * the caller frees it. */
static inline lb_store_iter_t *exact_first(lb_store_t *s, const uint8_t *owner, int n, lb_store_rec_t *r)
{
	lb_store_scan_t q = { .kind = LB_SCAN_RRSET, .name = owner, .name_len = (size_t)n };
	lb_store_iter_t *it;
	assert_int_equal(lb_store_iter_new(s, &q, &it), 0);
	assert_int_equal(lb_store_iter_next(it, r), 1);
	return it;
}

/* n TXT rdata of one string of len bytes each ("00000fff...", "00001fff...":
 * sorted, unique) in rd (n rows of stride len + 1), pointed at by rdp/rdl. */
static inline void txt_rdata(uint8_t *rd, int n, int len, char fill, const uint8_t **rdp, uint16_t *rdl)
{
	for (int i = 0; i < n; i++) {
		uint8_t *r = rd + (size_t)i * (size_t)(len + 1);
		r[0] = (uint8_t)len;
		memset(r + 1, fill, (size_t)len);
		char num[16];
		snprintf(num, sizeof num, "%05d", i);
		memcpy(r + 1, num, 5);
		rdp[i] = r;
		rdl[i] = (uint16_t)(len + 1);
	}
}

/* n A rrsets "h<i>.<zone>" (address 10.0.0.0 + i * step, seen at
 * 1700000000 + i); with again > 0, every again-th one is added twice. */
static inline void add_numbered(lb_store_t *s, const char *zone, int n, uint32_t step, int again)
{
	uint8_t owner[256], addr[4];
	const uint8_t *rdp[1];
	uint16_t rdl[1];
	char name[300];
	for (int i = 0; i < n; i++) {
		snprintf(name, sizeof name, "h%d.%s", i, zone);
		lb_store_rec_t r = rrset(owner, name, rdp, rdl, addr, 0x0a000000u + (uint32_t)i * step);
		for (int k = 0; k < 1 + (again > 0 && i % again == 0); k++) {
			lb_store_val_seen(&r.val, 1700000000 + (uint64_t)i, 1);
			assert_int_equal(lb_store_add(s, &r), 0);
		}
	}
}

#endif
