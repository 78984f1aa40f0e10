/* import_harness.h - what the importer unit tests (test_import*.c) share:
 * observations rendered one per line into `out`, the counters of the last
 * import in `cnt`, has()/hasnt() on `out`, the head of a Zeek log
 * (ZEEK_PREAMBLE).  Included once per test program. */
#ifndef LB_TEST_IMPORT_HARNESS_H
#define LB_TEST_IMPORT_HARNESS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "dns/name.h"
#include "dns/rdata.h"
#include "dns/rrtype.h"
#include "sources/source.h"

/* The lines a Zeek TSV log of dns.log begins with, before its #fields. */
#define ZEEK_PREAMBLE "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n" \
	"#path\tdns\n"

/* Observations rendered one per line:
 *   RR owner TYPE rdata;rdata ttl=N sec=S sensor [unrelated]
 *   NEG qname TYPE rcode
 *   AGG owner TYPE rdata;.. tf tl count zf zl bw=NAME sensor
 *   AGGNEG qname TYPE rcode tf tl count
 *   SRC name first last count (a COF source line) */
static char out[1 << 16];
static size_t outn;

__attribute__((unused)) static void put(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	outn += (size_t)vsnprintf(out + outn, sizeof out - outn, fmt, ap);
	va_end(ap);
	assert_true(outn < sizeof out);
}

static void put_set(const lb_obs_rrset_t *o)
{
	char t[LB_NAME_TEXT_MAX], ty[24], rd[4096];
	assert_true(lb_name_to_text(o->owner, t, sizeof t) > 0);
	assert_true(lb_rrtype_to_text(o->type, ty, sizeof ty) > 0);
	put("%s %s ", t, ty);
	for (size_t i = 0; i < o->nrdata; i++) {
		assert_true(lb_rdata_to_text(o->type, o->rdata[i], o->rdlen[i], rd, sizeof rd) >= 0);
		put("%s%s", i ? ";" : "", rd);
	}
}

static struct timeval last_ts; /* the last rrset's time, microseconds and all */

static void on_rrset(void *ctx, const lb_obs_rrset_t *o)
{
	(void)ctx;
	last_ts = o->ts;
	put("RR ");
	put_set(o);
	put(" ttl=%u sec=%u t=%lld %s%s\n", o->ttl, o->section, (long long)o->ts.tv_sec,
	    o->sensor ? o->sensor : "-", o->unrelated ? " unrelated" : "");
}

static void on_neg(void *ctx, const lb_obs_neg_t *o)
{
	(void)ctx;
	char t[LB_NAME_TEXT_MAX], ty[24];
	assert_true(lb_name_to_text(o->qname, t, sizeof t) > 0);
	assert_true(lb_rrtype_to_text(o->qtype, ty, sizeof ty) > 0);
	put("NEG %s %s %s\n", t, ty, lb_rcode_name(o->rcode));
}

static void on_aggr(void *ctx, const lb_src_aggr_t *a)
{
	(void)ctx;
	char bw[LB_NAME_TEXT_MAX] = "-";
	if (a->rr->bailiwick)
		assert_true(lb_name_to_text(a->rr->bailiwick, bw, sizeof bw) > 0);
	put("AGG ");
	put_set(a->rr);
	put(" %llu %llu %llu %llu %llu bw=%s %s\n", (unsigned long long)a->time_first,
	    (unsigned long long)a->time_last, (unsigned long long)a->count,
	    (unsigned long long)a->zone_first, (unsigned long long)a->zone_last, bw,
	    a->rr->sensor ? a->rr->sensor : "-");
}

static void on_source(void *ctx, const char *name, uint64_t first, uint64_t last, uint64_t count)
{
	(void)ctx;
	put("SRC %s %llu %llu %llu\n", name, (unsigned long long)first, (unsigned long long)last,
	    (unsigned long long)count);
}

/* A denial of aggregate input (COF): AGGNEG qname TYPE rcode tf tl count */
static void on_aggr_neg(void *ctx, const lb_src_aggr_t *a)
{
	(void)ctx;
	char t[LB_NAME_TEXT_MAX], ty[24];
	assert_true(lb_name_to_text(a->neg->qname, t, sizeof t) > 0);
	assert_true(lb_rrtype_to_text(a->neg->qtype, ty, sizeof ty) > 0);
	const char *rc = lb_rcode_name(a->neg->rcode);
	put("AGGNEG %s %s %s %llu %llu %llu\n", t, ty, rc ? rc : "?",
	    (unsigned long long)a->time_first, (unsigned long long)a->time_last,
	    (unsigned long long)a->count);
}

static lb_src_counts_t cnt;

/* Import len bytes of text (NULs and all) with the given options; returns
 * the import result. */
__attribute__((unused)) static int imp_opts_len(lb_src_opts_t *o, const char *text, size_t len)
{
	outn = 0;
	out[0] = 0;
	lb_src_sink_t sink = { .obs = { on_rrset, on_neg, NULL }, .aggr = on_aggr,
			      .aggr_neg = on_aggr_neg, .source = on_source };
	lb_src_t *s;
	assert_int_equal(lb_src_new(o, &sink, &s), 0);
	int rc = lb_src_import_mem(s, "sample", text, len);
	cnt = *lb_src_counts(s);
	lb_src_free(s);
	return rc;
}

/* Import text with the given options; returns the import result. */
__attribute__((unused)) static int imp_opts(lb_src_opts_t *o, const char *text)
{
	return imp_opts_len(o, text, strlen(text));
}

__attribute__((unused)) static int imp(enum lb_src_fmt f, const char *text)
{
	lb_src_opts_t o = { .fmt = f, .zone_time = 1700000000 };
	return imp_opts(&o, text);
}

__attribute__((unused)) static void has(const char *line)
{
	if (!strstr(out, line)) {
		print_error("missing: %s\nin:\n%s", line, out);
		fail();
	}
}

__attribute__((unused)) static void hasnt(const char *frag)
{
	if (strstr(out, frag)) {
		print_error("unexpected: %s\nin:\n%s", frag, out);
		fail();
	}
}

#endif
