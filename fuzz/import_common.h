/*
 * import_common.h - shared body of the fuzz_import_<format> targets: the input
 * is one file of that format (possibly compressed: the line reader detects
 * gzip/zstd/xz magic); every observation is rendered to text so ASan sees
 * each byte, and its invariants are checked.  A small line cap makes the
 * over-long-line path reachable.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dns/name.h"
#include "dns/rdata.h"
#include "dns/rrtype.h"
#include "sources/source.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fz_set(const lb_obs_rrset_t *o)
{
	static char text[LB_RDATA_MAX * 4 + 64];
	char name[LB_NAME_TEXT_MAX];
	if (o->nrdata == 0 || lb_name_check(o->owner, o->owner_len) != o->owner_len)
		abort();
	if (lb_name_to_text(o->owner, name, sizeof name) < 0)
		abort();
	for (size_t i = 0; i < o->nrdata; i++) {
		if (i && (o->rdlen[i - 1] == o->rdlen[i] &&
			  !memcmp(o->rdata[i - 1], o->rdata[i], o->rdlen[i])))
			abort(); /* rdata must be unique */
		if (lb_rdata_to_text(o->type, o->rdata[i], o->rdlen[i], text, sizeof text) < 0)
			abort();
	}
}

static void fz_rrset(void *ctx, const lb_obs_rrset_t *o) { (void)ctx; fz_set(o); }

/* The rcodes that deny a name's data (NOERROR: NODATA), as the packet path
 * (observe/obs.c) reads them: no source may give a denial of another. */
static bool fz_denying(uint16_t rc)
{
	return rc == LB_RCODE_NOERROR || rc == LB_RCODE_NXDOMAIN || rc == LB_RCODE_SERVFAIL ||
	       rc == LB_RCODE_REFUSED;
}

/* A target's own check of each denial (NULL: none). */
static void (*fz_neg_check)(const lb_obs_neg_t *o);

static void fz_neg(void *ctx, const lb_obs_neg_t *o)
{
	(void)ctx;
	if (lb_name_check(o->qname, o->qname_len) != o->qname_len)
		abort();
	if (lb_qtype_is_meta(o->qtype))
		abort(); /* a transfer's or a meta query's failure denies no data */
	if (!fz_denying(o->rcode))
		abort();
	if (fz_neg_check)
		fz_neg_check(o);
}

static void fz_aggr(void *ctx, const lb_src_aggr_t *a)
{
	(void)ctx;
	fz_set(a->rr);
	if (a->time_first > a->time_last || a->zone_first > a->zone_last)
		abort();
}

static void fz_aggr_neg(void *ctx, const lb_src_aggr_t *a)
{
	(void)ctx;
	if (a->rr || !a->neg || lb_name_check(a->neg->qname, a->neg->qname_len) != a->neg->qname_len)
		abort();
	if (!fz_denying(a->neg->rcode) || lb_qtype_is_meta(a->neg->qtype))
		abort(); /* as fz_neg: what the packet path never stores */
	if (a->neg->bailiwick &&
	    lb_name_check(a->neg->bailiwick, a->neg->bailiwick_len) != a->neg->bailiwick_len)
		abort();
	if (a->time_first > a->time_last)
		abort();
}

/* Import data with options o (fmt, pd_fields... set by the target). */
static int fz_run_opts(lb_src_opts_t o, const uint8_t *data, size_t size)
{
	lb_src_sink_t sink = { .obs = { fz_rrset, fz_neg, NULL }, .aggr = fz_aggr,
			      .aggr_neg = fz_aggr_neg };
	o.zone_time = 1;
	o.max_line = 4096;
	lb_src_t *s;
	if (lb_src_new(&o, &sink, &s))
		return 0;
	if (lb_src_import_mem(s, "fuzz", data, size) < 0) {
		/* read errors and strict stops are normal on fuzz input */
	}
	const lb_src_counts_t *c = lb_src_counts(s);
	if (c->rrs < c->rrsets)
		abort();
	lb_src_free(s);
	return 0;
}

__attribute__((unused)) static int fz_run(enum lb_src_fmt fmt, const uint8_t *data, size_t size)
{
	lb_src_opts_t o = { .fmt = fmt };
	return fz_run_opts(o, data, size);
}
