/*
 * qstore.c - a hand-made store for query tests (qstore.h).
 */
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
#include "dns/rdata.h"
#include "qstore.h"

lb_store_t *lbt_store_new(const char *tag, char *dir, size_t dirsz)
{
	snprintf(dir, dirsz, "/tmp/lb-test-%s.%d", tag, (int)getpid());
	lb_store_opts_t o = { .create = true };
	lb_store_t *s = NULL;
	assert_int_equal(lb_store_open(dir, &o, &s), 0);
	return s;
}

static size_t wire_name(const char *t, uint8_t *out)
{
	int n = lb_name_from_text(t, strlen(t), NULL, out, 256);
	assert_true(n > 0);
	return (size_t)n;
}

void lbt_store_add(lb_store_t *s, const lbt_rec_t *e)
{
	uint8_t owner[256], bail[256], rd[LBT_MAX_RDATA][512];
	const uint8_t *rdp[LBT_MAX_RDATA];
	uint16_t rdl[LBT_MAX_RDATA];
	lb_store_rec_t r;
	memset(&r, 0, sizeof r);
	r.kind = e->rcode > 0 ? LB_REC_NEG : LB_REC_RRSET;
	r.owner = owner;
	r.owner_len = wire_name(e->owner, owner);
	if (e->bail && *e->bail) {
		r.bailiwick = bail;
		r.bailiwick_len = wire_name(e->bail, bail);
	}
	r.type = e->type;
	if (e->rcode > 0) {
		r.rcode = (uint8_t)e->rcode;
	} else if (e->rdata[0]) {
		for (size_t i = 0; i < LBT_MAX_RDATA && e->rdata[i]; i++) {
			int n = lb_rdata_from_text(e->type, e->rdata[i], strlen(e->rdata[i]), NULL,
						   rd[i], sizeof rd[i]);
			assert_true(n >= 0);
			rdp[i] = rd[i];
			rdl[i] = (uint16_t)n;
			r.nrdata++;
		}
	} else {
		assert_true(e->nwire <= LBT_MAX_RDATA);
		for (size_t i = 0; i < e->nwire; i++) {
			rdp[i] = e->wire[i];
			rdl[i] = e->wire_len[i];
		}
		r.nrdata = e->nwire;
	}
	r.rdata = rdp;
	r.rdlen = rdl;
	if (e->last) { /* one sighting at first, the rest at last */
		lb_store_val_t b;
		assert_true(e->count >= 1);
		lb_store_val_seen(&r.val, e->first, 1);
		lb_store_val_seen(&b, e->last, e->count - 1);
		lb_store_val_merge(&r.val, &b);
	}
	r.val.zone_first = e->zfirst;
	r.val.zone_last = e->zlast;
	r.sources = e->sources;
	r.nsources = e->nsources;
	assert_int_equal(lb_store_add(s, &r), 0);
}

lb_store_t *lbt_store_make(const char *tag, char *dir, size_t dirsz, const lbt_rec_t *recs,
			   size_t n)
{
	lb_store_t *s = lbt_store_new(tag, dir, dirsz);
	for (size_t i = 0; i < n; i++)
		lbt_store_add(s, &recs[i]);
	assert_int_equal(lb_store_commit(s), 0);
	return s;
}

int lbt_store_remove(lb_store_t *s, const char *dir)
{
	assert_int_equal(lb_store_close(s), 0);
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd);
}

char *lbt_query_text(lb_store_t *s, const lb_query_t *q, enum lb_format fmt,
		     lb_query_result_t *res)
{
	char *mem = NULL;
	size_t msz = 0;
	FILE *f = open_memstream(&mem, &msz);
	assert_non_null(f);
	lb_out_t o;
	assert_int_equal(lb_out_init(&o, f, fmt), 0);
	lb_query_result_t r;
	assert_int_equal(lb_query_run(s, q, &o, res ? res : &r), 0);
	lb_out_free(&o);
	fclose(f);
	return mem;
}
