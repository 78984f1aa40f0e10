/*
 * test_lookup.c - end to end: generated observations -> window -> RocksDB ->
 * every lookup kind, checked against expectations computed here from the
 * generated data with plain string and integer comparisons (no store code).
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
#include "dns/rrtype.h"
#include "observe/window.h"
#include "query/query.h"

#define NZONES 6
#define NHOSTS 30
#define MAXDEF 2048

struct def {
	char owner[64];       /* presentation, no trailing dot */
	char bail[32];        /* "" = unknown */
	uint16_t type;
	int nrd;
	uint32_t addr[3];     /* A */
	char target[3][64];   /* NS/CNAME/MX targets */
	uint8_t wire_owner[256];
	int owner_len;
	uint8_t wire_bail[256];
	int bail_len;
	uint8_t rd[3][80];
	uint16_t rdl[3];
	uint64_t first, last, count;
};

static struct def defs[MAXDEF];
static int ndefs;
static char dbdir[256];
static lb_store_t *store;

static uint64_t rs = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void)
{
	rs ^= rs << 13;
	rs ^= rs >> 7;
	rs ^= rs << 17;
	return rs;
}

static int to_wire(const char *t, uint8_t *out)
{
	int n = lb_name_from_text(t, strlen(t), NULL, out, 256);
	assert_true(n > 0);
	return n;
}

static struct def *new_def(const char *owner, const char *bail, uint16_t type)
{
	assert_true(ndefs < MAXDEF);
	struct def *d = &defs[ndefs++];
	memset(d, 0, sizeof *d);
	snprintf(d->owner, sizeof d->owner, "%s", owner);
	snprintf(d->bail, sizeof d->bail, "%s", bail);
	d->type = type;
	d->owner_len = to_wire(owner, d->wire_owner);
	if (*bail)
		d->bail_len = to_wire(bail, d->wire_bail);
	return d;
}

/* Fill wire rdata and sort the set canonically (memcmp order; sizes compared as RFC 4034). */
static void finish(struct def *d)
{
	for (int i = 0; i < d->nrd; i++) {
		if (d->type == LB_T_A) {
			uint32_t a = d->addr[i];
			uint8_t b[4] = { (uint8_t)(a >> 24), (uint8_t)(a >> 16), (uint8_t)(a >> 8), (uint8_t)a };
			memcpy(d->rd[i], b, 4);
			d->rdl[i] = 4;
		} else if (d->type == LB_T_MX) {
			d->rd[i][0] = 0;
			d->rd[i][1] = (uint8_t)(10 * (i + 1));
			d->rdl[i] = (uint16_t)(2 + to_wire(d->target[i], d->rd[i] + 2));
		} else if (d->type == LB_T_TXT) {
			size_t l = strlen(d->target[i]);
			d->rd[i][0] = (uint8_t)l;
			memcpy(d->rd[i] + 1, d->target[i], l);
			d->rdl[i] = (uint16_t)(l + 1);
		} else {
			d->rdl[i] = (uint16_t)to_wire(d->target[i], d->rd[i]);
		}
	}
	/* insertion sort by (memcmp, then length) */
	for (int i = 1; i < d->nrd; i++)
		for (int j = i; j > 0; j--) {
			size_t n = d->rdl[j] < d->rdl[j - 1] ? d->rdl[j] : d->rdl[j - 1];
			int c = memcmp(d->rd[j - 1], d->rd[j], n);
			if (c > 0 || (c == 0 && d->rdl[j - 1] > d->rdl[j])) {
				uint8_t t[80];
				memcpy(t, d->rd[j], 80);
				memcpy(d->rd[j], d->rd[j - 1], 80);
				memcpy(d->rd[j - 1], t, 80);
				uint16_t tl = d->rdl[j];
				d->rdl[j] = d->rdl[j - 1];
				d->rdl[j - 1] = tl;
				uint32_t ta = d->addr[j];
				d->addr[j] = d->addr[j - 1];
				d->addr[j - 1] = ta;
				char tt[64];
				memcpy(tt, d->target[j], 64);
				memcpy(d->target[j], d->target[j - 1], 64);
				memcpy(d->target[j - 1], tt, 64);
			}
		}
}

static void make_defs(void)
{
	ndefs = 0;
	char o[64], z[32];
	for (int zi = 0; zi < NZONES; zi++) {
		snprintf(z, sizeof z, "z%d.test", zi);
		struct def *d = new_def(z, "test", LB_T_NS);
		d->nrd = 2;
		snprintf(d->target[0], 64, "ns1.z%d.test", zi);
		snprintf(d->target[1], 64, "ns.shared-dns.net");
		finish(d);
		d = new_def(z, "", LB_T_MX);
		d->nrd = 1;
		snprintf(d->target[0], 64, "mail.z%d.test", (zi + 1) % NZONES);
		finish(d);
		for (int h = 0; h < NHOSTS; h++) {
			snprintf(o, sizeof o, "h%d.z%d.test", h, zi);
			d = new_def(o, h % 3 ? "" : z, LB_T_A);
			d->nrd = 1 + h % 3;
			for (int i = 0; i < d->nrd; i++)
				d->addr[i] = (10u << 24) | ((uint32_t)zi << 16) | ((uint32_t)(h / 4) << 8) | (uint32_t)(h % 20 + i);
			finish(d);
			if (h % 5 == 0) { /* same owner, overlapping rdata set, other bailiwick */
				d = new_def(o, "test", LB_T_A);
				d->nrd = 1;
				d->addr[0] = (10u << 24) | ((uint32_t)zi << 16) | ((uint32_t)(h / 4) << 8) | (uint32_t)(h % 20);
				finish(d);
			}
			if (h % 7 == 0) {
				snprintf(o, sizeof o, "www.h%d.z%d.test", h, zi);
				d = new_def(o, "", LB_T_CNAME);
				d->nrd = 1;
				snprintf(d->target[0], 64, "h%d.z%d.test", h, zi);
				finish(d);
			}
			if (h % 11 == 0) {
				snprintf(o, sizeof o, "h%d.z%d.test", h, zi);
				d = new_def(o, "", LB_T_TXT);
				d->nrd = 1;
				snprintf(d->target[0], 64, "v=spf1 -all %d", h);
				finish(d);
			}
		}
	}
}

static lb_obs_rrset_t obs_of(const struct def *d, uint64_t t, const uint8_t **rdp)
{
	lb_obs_rrset_t ob;
	memset(&ob, 0, sizeof ob);
	for (int i = 0; i < d->nrd; i++)
		rdp[i] = d->rd[i];
	ob.owner = d->wire_owner;
	ob.owner_len = (uint8_t)d->owner_len;
	ob.bailiwick = d->bail_len ? d->wire_bail : NULL;
	ob.bailiwick_len = (uint8_t)d->bail_len;
	ob.rdata = rdp;
	ob.rdlen = d->rdl;
	ob.nrdata = (size_t)d->nrd;
	ob.ts.tv_sec = (time_t)t;
	ob.type = d->type;
	ob.rclass = LB_C_IN;
	ob.section = LB_SEC_ANSWER;
	return ob;
}

static int setup(void **st)
{
	(void)st;
	make_defs();
	snprintf(dbdir, sizeof dbdir, "/tmp/lb-test-lookup.%d", (int)getpid());
	lb_ingest_t *ing;
	lb_window_opts_t wo = { .max_entries = 97, .flush_secs = 3600, .sensor = "t1" };
	assert_int_equal(lb_ingest_open(dbdir, NULL, &wo, &ing), 0);
	lb_obs_sink_t sink = lb_ingest_sink(ing);
	uint64_t t0 = 1700000000;
	for (int k = 0; k < 20000; k++) {
		/* popular names repeat: square the random index towards 0 */
		uint64_t r = rnd() % (uint64_t)ndefs;
		int i = (int)(r * r / (uint64_t)ndefs);
		if (k < ndefs)
			i = k; /* every definition seen at least once */
		uint64_t t = t0 + (uint64_t)k * 37 + rnd() % 1000;
		const uint8_t *rdp[3];
		lb_obs_rrset_t ob = obs_of(&defs[i], t, rdp);
		sink.rrset(sink.ctx, &ob);
		struct def *d = &defs[i];
		if (!d->count || t < d->first)
			d->first = t;
		if (t > d->last)
			d->last = t;
		d->count++;
	}
	/* a non-answer section without bailiwick and a CH-class rrset are not kept */
	const uint8_t *rdp[3];
	lb_obs_rrset_t ob = obs_of(&defs[0], t0, rdp);
	ob.section = LB_SEC_ADDITIONAL;
	ob.bailiwick = NULL;
	sink.rrset(sink.ctx, &ob);
	ob.section = LB_SEC_ANSWER;
	ob.rclass = LB_C_CH;
	sink.rrset(sink.ctx, &ob);
	lb_window_stats_t ws;
	lb_window_get_stats(lb_ingest_window(ing), &ws);
	assert_true(ws.flushes > 10);
	assert_int_equal(ws.drop_section, 1);
	assert_int_equal(ws.drop_class, 1);
	assert_int_equal(lb_ingest_close(ing), 0);
	lb_store_opts_t so = { .read_only = true };
	assert_int_equal(lb_store_open(dbdir, &so, &store), 0);
	return 0;
}

static int teardown(void **st)
{
	(void)st;
	(void)lb_store_close(store);
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dbdir);
	return system(cmd) == 0 ? 0 : -1;
}

/* ---- the expectation side: plain strings and integers ---- */

static int ends_with(const char *s, const char *suf)
{
	size_t a = strlen(s), b = strlen(suf);
	return a >= b && !strcmp(s + a - b, suf);
}

typedef struct {
	uint64_t n, count, first, last;
} agg_t;

static void agg_add(agg_t *a, uint64_t first, uint64_t last, uint64_t count)
{
	a->n++;
	a->count += count;
	if (!a->first || first < a->first)
		a->first = first;
	if (last > a->last)
		a->last = last;
}

/* rrset results: one per definition */
static agg_t expect_rrset(int (*match)(const struct def *, const void *), const void *arg)
{
	agg_t a = { 0 };
	for (int i = 0; i < ndefs; i++)
		if (defs[i].count && match(&defs[i], arg))
			agg_add(&a, defs[i].first, defs[i].last, defs[i].count);
	return a;
}

/* rdata results: one per distinct (owner, type, rdata), aggregated over definitions */
static agg_t expect_rdata(int (*match)(const struct def *, int, const void *), const void *arg)
{
	agg_t a = { 0 };
	static char seen[MAXDEF][3];
	memset(seen, 0, sizeof seen);
	for (int i = 0; i < ndefs; i++)
		for (int r = 0; r < defs[i].nrd; r++) {
			if (seen[i][r] || !defs[i].count || !match(&defs[i], r, arg))
				continue;
			uint64_t f = 0, l = 0, c = 0;
			for (int j = i; j < ndefs; j++)
				for (int s = 0; s < defs[j].nrd; s++)
					if (!strcmp(defs[j].owner, defs[i].owner) && defs[j].type == defs[i].type &&
					    defs[j].rdl[s] == defs[i].rdl[r] &&
					    !memcmp(defs[j].rd[s], defs[i].rd[r], defs[i].rdl[r]) && defs[j].count) {
						seen[j][s] = 1;
						if (!f || defs[j].first < f)
							f = defs[j].first;
						if (defs[j].last > l)
							l = defs[j].last;
						c += defs[j].count;
					}
			agg_add(&a, f, l, c);
		}
	return a;
}

/* Run q; its COF output (to free), the result in *res. */
static char *run_cof(lb_query_t *q, lb_query_result_t *res)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(f);
	lb_out_t out;
	assert_int_equal(lb_out_init(&out, f, LB_FMT_COF), 0);
	assert_int_equal(lb_query_run(store, q, &out, res), 0);
	fclose(f);
	lb_out_free(&out);
	return buf;
}

static lb_query_result_t run(lb_query_t *q, uint64_t *lines)
{
	lb_query_result_t res;
	char *buf = run_cof(q, &res);
	uint64_t n = 0;
	for (const char *c = buf; *c; c++)
		n += *c == '\n';
	if (lines)
		*lines = n;
	free(buf);
	return res;
}

static void check(lb_query_t *q, agg_t want, const char *what)
{
	q->summarize = true;
	lb_query_result_t r = run(q, NULL);
	if (r.sum.num_results != want.n || r.sum.count != want.count) {
		print_error("%s: got %llu results count %llu, want %llu count %llu\n", what,
			    (unsigned long long)r.sum.num_results, (unsigned long long)r.sum.count,
			    (unsigned long long)want.n, (unsigned long long)want.count);
		fail();
	}
	assert_true(r.sum.time_first == want.first);
	assert_true(r.sum.time_last == want.last);
	q->summarize = false;
	q->limit = 0;
	uint64_t lines;
	r = run(q, &lines);
	assert_true(r.results == want.n);
	assert_false(r.limited);
	assert_true(lines == want.n);
}

static int m_owner(const struct def *d, const void *a) { return !strcmp(d->owner, a); }
static int m_owner_a(const struct def *d, const void *a) { return !strcmp(d->owner, a) && d->type == LB_T_A; }
static int m_below(const struct def *d, const void *a)
{
	char suf[80];
	snprintf(suf, sizeof suf, ".%s", (const char *)a);
	return ends_with(d->owner, suf) && !lb_rrtype_is_dnssec(d->type);
}
static int m_prefix(const struct def *d, const void *a)
{
	size_t n = strlen(a);
	return !strncmp(d->owner, a, n) && d->owner[n] == '.';
}

static void test_rrset(void **st)
{
	(void)st;
	lb_query_t q;
	const char *msg;
	lb_query_init(&q);
	assert_int_equal(lb_query_parse_name("h0.z1.test", &q, &msg), 0);
	check(&q, expect_rrset(m_owner, "h0.z1.test"), "exact");
	assert_int_equal(lb_query_parse_types("A", &q, &msg), 0);
	check(&q, expect_rrset(m_owner_a, "h0.z1.test"), "exact A");
	lb_query_init(&q);
	assert_int_equal(lb_query_parse_name("*.z2.test", &q, &msg), 0);
	check(&q, expect_rrset(m_below, "z2.test"), "left wildcard");
	lb_query_init(&q);
	assert_int_equal(lb_query_parse_name("*.test", &q, &msg), 0);
	check(&q, expect_rrset(m_below, "test"), "left wildcard, all");
	lb_query_init(&q);
	assert_int_equal(lb_query_parse_name("h1.*", &q, &msg), 0);
	check(&q, expect_rrset(m_prefix, "h1"), "right wildcard");
	lb_query_init(&q);
	assert_int_equal(lb_query_parse_name("www.h0.*", &q, &msg), 0);
	check(&q, expect_rrset(m_prefix, "www.h0"), "right wildcard two labels");
	lb_query_init(&q);
	assert_int_equal(lb_query_parse_name("nothere.z1.test", &q, &msg), 0);
	check(&q, expect_rrset(m_owner, "nothere.z1.test"), "absent");
}

struct bailarg { const char *owner, *bail; };
static int m_bail(const struct def *d, const void *a)
{
	const struct bailarg *b = a;
	return !strcmp(d->owner, b->owner) && !strcmp(d->bail, b->bail);
}

static void test_bailiwick_and_limits(void **st)
{
	(void)st;
	lb_query_t q;
	const char *msg;
	lb_query_init(&q);
	assert_int_equal(lb_query_parse_name("h0.z3.test", &q, &msg), 0);
	lb_query_t b;
	lb_query_init(&b);
	assert_int_equal(lb_query_parse_name("z3.test", &b, &msg), 0);
	memcpy(q.bailiwick, b.name, b.name_len);
	q.bailiwick_len = b.name_len;
	q.has_bailiwick = true;
	struct bailarg ba = { "h0.z3.test", "z3.test" };
	agg_t want = expect_rrset(m_bail, &ba);
	assert_true(want.n >= 1);
	check(&q, want, "bailiwick");

	/* limit and offset over a left-hand wildcard */
	lb_query_init(&q);
	assert_int_equal(lb_query_parse_name("*.z0.test", &q, &msg), 0);
	agg_t all = expect_rrset(m_below, "z0.test");
	assert_true(all.n > 10);
	q.limit = 5;
	uint64_t lines;
	lb_query_result_t r = run(&q, &lines);
	assert_true(r.results == 5 && r.limited && lines == 5);
	q.limit = all.n;
	r = run(&q, &lines);
	assert_true(r.results == all.n && !r.limited);
	q.limit = 0;
	q.offset = all.n - 3;
	r = run(&q, &lines);
	assert_true(r.results == 3 && !r.limited);
	q.offset = all.n;
	r = run(&q, &lines);
	assert_true(r.results == 0);
}

struct iparg { uint32_t lo, hi; };
static int m_ip(const struct def *d, int r, const void *a)
{
	const struct iparg *p = a;
	return d->type == LB_T_A && d->addr[r] >= p->lo && d->addr[r] <= p->hi;
}

static void test_rdata_ip(void **st)
{
	(void)st;
	static const struct { const char *text; uint32_t lo, hi; } t[] = {
		{ "10.1.0.0/16", 0x0a010000, 0x0a01ffff },
		{ "10.2.1.0/24", 0x0a020100, 0x0a0201ff },
		{ "10.2.1.5", 0x0a020105, 0x0a020105 },
		{ "10.3.0.0,20", 0x0a030000, 0x0a030fff },
		{ "10.0.0.3-10.0.2.9", 0x0a000003, 0x0a000209 },
		{ "10.0.0.0/8", 0x0a000000, 0x0affffff },
		{ "192.0.2.0/24", 0xc0000200, 0xc00002ff },
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		lb_query_t q;
		const char *msg;
		lb_query_init(&q);
		q.kind = LB_Q_RDATA_IP;
		assert_int_equal(lb_query_parse_ip(t[i].text, &q, &msg), 0);
		struct iparg a = { t[i].lo, t[i].hi };
		check(&q, expect_rdata(m_ip, &a), t[i].text);
	}
}

static int m_target(const struct def *d, int r, const void *a)
{
	return (d->type == LB_T_NS || d->type == LB_T_MX || d->type == LB_T_CNAME) &&
	       !strcmp(d->target[r], a);
}
static int m_target_below(const struct def *d, int r, const void *a)
{
	char suf[80];
	snprintf(suf, sizeof suf, ".%s", (const char *)a);
	return (d->type == LB_T_NS || d->type == LB_T_MX || d->type == LB_T_CNAME) &&
	       ends_with(d->target[r], suf);
}
static int m_target_prefix(const struct def *d, int r, const void *a)
{
	size_t n = strlen(a);
	return (d->type == LB_T_NS || d->type == LB_T_MX || d->type == LB_T_CNAME) &&
	       !strncmp(d->target[r], a, n) && d->target[r][n] == '.';
}

static void test_rdata_name(void **st)
{
	(void)st;
	lb_query_t q;
	const char *msg;
	lb_query_init(&q);
	q.kind = LB_Q_RDATA_NAME;
	assert_int_equal(lb_query_parse_name("ns.shared-dns.net", &q, &msg), 0);
	agg_t w = expect_rdata(m_target, "ns.shared-dns.net");
	assert_int_equal(w.n, NZONES);
	check(&q, w, "rdata name NS");
	assert_int_equal(lb_query_parse_name("mail.z2.test", &q, &msg), 0);
	check(&q, expect_rdata(m_target, "mail.z2.test"), "rdata name MX");
	assert_int_equal(lb_query_parse_name("*.z4.test", &q, &msg), 0);
	check(&q, expect_rdata(m_target_below, "z4.test"), "rdata name left wildcard");
	assert_int_equal(lb_query_parse_name("mail.*", &q, &msg), 0);
	check(&q, expect_rdata(m_target_prefix, "mail"), "rdata name right wildcard");
}

struct rawarg { const uint8_t *b; size_t n; };
static int m_raw(const struct def *d, int r, const void *a)
{
	const struct rawarg *p = a;
	return d->rdl[r] == p->n && !memcmp(d->rd[r], p->b, p->n);
}

static void test_rdata_raw(void **st)
{
	(void)st;
	static const char *hex[] = {
		"0a020105",                          /* an A rdata */
		"0d763d73706631202d616c6c2030",      /* TXT "v=spf1 -all 0" */
		"000a046d61696c027a33047465737400",   /* MX 10 mail.z3.test */
		"026e730a7368617265642d646e73036e657400", /* NS ns.shared-dns.net */
	};
	for (size_t i = 0; i < sizeof hex / sizeof hex[0]; i++) {
		lb_query_t q;
		const char *msg;
		lb_query_init(&q);
		q.kind = LB_Q_RDATA_RAW;
		assert_int_equal(lb_query_parse_hex(hex[i], &q.raw, &q.raw_len, &msg), 0);
		struct rawarg a = { q.raw, q.raw_len };
		agg_t w = expect_rdata(m_raw, &a);
		assert_true(w.n > 0);
		check(&q, w, hex[i]);
		lb_query_free(&q);
	}
}

struct timearg { uint64_t fa, lb; };
static int m_time(const struct def *d, const void *a)
{
	const struct timearg *t = a;
	char suf[] = ".z1.test";
	return ends_with(d->owner, suf) && !lb_rrtype_is_dnssec(d->type) && d->first >= t->fa &&
	       d->last <= t->lb;
}
static int m_overlap(const struct def *d, const void *a)
{
	const struct timearg *t = a;
	return ends_with(d->owner, ".z1.test") && d->last >= t->fa && d->first <= t->lb;
}

static void test_time_fences(void **st)
{
	(void)st;
	lb_query_t q;
	const char *msg;
	struct timearg ta = { 1700000000 + 20000 * 37 / 4, 1700000000 + 20000 * 37 / 2 };
	lb_query_init(&q);
	assert_int_equal(lb_query_parse_name("*.z1.test", &q, &msg), 0);
	q.has_first_after = q.has_last_before = true;
	q.first_after = ta.fa;
	q.last_before = ta.lb;
	check(&q, expect_rrset(m_time, &ta), "complete");
	lb_query_init(&q);
	assert_int_equal(lb_query_parse_name("*.z1.test", &q, &msg), 0);
	q.has_last_after = q.has_first_before = true;
	q.last_after = ta.fa;
	q.first_before = ta.lb;
	check(&q, expect_rrset(m_overlap, &ta), "overlap");
}

/* --max-count (DNSDB max_count): a summary stops at the first record that
 * brings the summed count to N or past it, "count_reached" when another
 * record exists; the listing's counts, in order, say where that is. */
static void test_max_count(void **st)
{
	(void)st;
	lb_query_t q;
	const char *msg;
	lb_query_init(&q);
	assert_int_equal(lb_query_parse_name("*.test", &q, &msg), 0);
	q.limit = 0;
	lb_query_result_t r;
	char *buf = run_cof(&q, &r);
	unsigned long long counts[4096], total = 0;
	size_t n = 0;
	for (char *c = strstr(buf, "\"count\":"); c && n < 4096; c = strstr(c + 1, "\"count\":")) {
		counts[n++] = strtoull(c + 8, NULL, 10);
		total += counts[n - 1];
	}
	free(buf);
	assert_true(n > 3);
	unsigned long long bounds[] = { 1, counts[0], counts[0] + 1, total / 2, total, total + 1 };
	for (size_t b = 0; b < sizeof bounds / sizeof bounds[0]; b++) {
		unsigned long long m = bounds[b], sum = 0;
		size_t k = 0;
		while (k < n && sum < m)
			sum += counts[k++];
		q.summarize = true;
		q.max_count = m;
		lb_query_result_t s = run(&q, NULL);
		if (s.sum.count != sum || s.sum.num_results != k || s.count_reached != (k < n)) {
			print_error("max_count %llu: got count %llu of %llu results (reached %d), want "
				    "%llu of %zu (reached %d)\n", m, (unsigned long long)s.sum.count,
				    (unsigned long long)s.sum.num_results, s.count_reached, sum, k, k < n);
			fail();
		}
		assert_false(s.limited);
	}
	/* 0: no bound */
	q.max_count = 0;
	lb_query_result_t s = run(&q, NULL);
	assert_true(s.sum.count == total && s.sum.num_results == n && !s.count_reached);
	lb_query_free(&q);
}

/* --sort: same results as unsorted, in order; offset/limit apply after sorting */
static void test_sort(void **st)
{
	(void)st;
	lb_query_t q;
	const char *msg;
	lb_query_init(&q);
	assert_int_equal(lb_query_parse_name("*.test", &q, &msg), 0);
	agg_t want = expect_rrset(m_below, "test");
	enum lb_sort orders[] = { LB_SORT_COUNT, LB_SORT_FIRST, LB_SORT_LAST, LB_SORT_NAME,
				  LB_SORT_DURATION, LB_SORT_TYPE, LB_SORT_DATA };
	for (size_t o = 0; o < sizeof orders / sizeof orders[0]; o++)
		for (int rev = 0; rev < 2; rev++) {
			q.sort = orders[o];
			q.reverse = rev;
			q.limit = 0;
			q.offset = 0;
			lb_query_result_t r;
			char *buf = run_cof(&q, &r);
			assert_true(r.results == want.n);
			const char *field = orders[o] == LB_SORT_COUNT ? "\"count\":" :
					    orders[o] == LB_SORT_FIRST ? "\"time_first\":" :
					    orders[o] == LB_SORT_LAST ? "\"time_last\":" : NULL;
			unsigned long long prev = rev ? ~0ull : 0, sum = 0;
			for (char *l = buf; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
				char *c = strstr(l, "\"count\":");
				assert_non_null(c);
				sum += strtoull(c + 8, NULL, 10);
				unsigned long long v;
				if (orders[o] == LB_SORT_DURATION) {
					/* time_last - time_first (these rrsets have sensor times) */
					char *f = strstr(l, "\"time_first\":"), *t = strstr(l, "\"time_last\":");
					assert_true(f && t);
					v = strtoull(t + 12, NULL, 10) - strtoull(f + 13, NULL, 10);
				} else if (orders[o] == LB_SORT_TYPE) {
					/* by number, not by the mnemonic's text */
					char *t = strstr(l, "\"rrtype\":\""), tb[32];
					uint16_t ty;
					assert_non_null(t);
					snprintf(tb, sizeof tb, "%.*s", (int)strcspn(t + 10, "\""), t + 10);
					assert_int_equal(lb_rrtype_from_text(tb, &ty), 0);
					v = ty;
				} else if (!field) {
					continue;
				} else {
					char *p = strstr(l, field);
					assert_non_null(p);
					v = strtoull(p + strlen(field), NULL, 10);
				}
				if (rev)
					assert_true(v <= prev);
				else
					assert_true(v >= prev);
				prev = v;
			}
			assert_true(sum == want.count);
			free(buf);
		}
	/* offset and limit after sorting: the 3 largest counts, then the next 3 */
	q.sort = LB_SORT_COUNT;
	q.reverse = true;
	q.limit = 3;
	q.offset = 0;
	uint64_t lines;
	lb_query_result_t r = run(&q, &lines);
	assert_true(lines == 3 && r.limited);
	q.offset = want.n - 2;
	r = run(&q, &lines);
	assert_true(lines == 2 && !r.limited);
}

/* A summary with --sort is of the results the sorted listing shows: --offset,
 * --limit and --max-count select in that order (before: the sort was dropped
 * for a summary, which then summed the first results in store order, not the
 * listing's: `-s --sort count --reverse -l 5` gave other counts than the five
 * records listed without -s). */
static void test_sort_summary(void **st)
{
	(void)st;
	lb_query_t q;
	const char *msg;
	lb_query_init(&q);
	assert_int_equal(lb_query_parse_name("*.test", &q, &msg), 0);
	agg_t want = expect_rrset(m_below, "test");
	assert_true(want.n > 8);
	enum lb_sort orders[] = { LB_SORT_COUNT, LB_SORT_FIRST, LB_SORT_LAST, LB_SORT_NAME };
	static const struct { uint64_t offset, limit, max_count; } sel[] = {
		{ 0, 3, 0 }, { 2, 4, 0 }, { 0, 0, 0 }, { 5, 0, 0 }, { 0, 0, 3 }, { 1, 5, 4 },
	};
	for (size_t o = 0; o < 4; o++)
		for (int rev = 0; rev < 2; rev++)
			for (size_t k = 0; k < sizeof sel / sizeof sel[0]; k++) {
				q.sort = orders[o];
				q.reverse = rev;
				q.offset = sel[k].offset;
				q.limit = sel[k].limit;
				q.max_count = 0;
				q.summarize = false;
				/* the listing, and what --max-count keeps of it */
				lb_query_result_t lr;
				char *buf = run_cof(&q, &lr);
				unsigned long long sum = 0, n = 0;
				bool reached = false;
				for (char *c = strstr(buf, "\"count\":"); c; c = strstr(c + 1, "\"count\":")) {
					if (sel[k].max_count && sum >= sel[k].max_count) {
						reached = true;
						break;
					}
					sum += strtoull(c + 8, NULL, 10);
					n++;
				}
				free(buf);
				q.summarize = true;
				q.max_count = sel[k].max_count;
				lb_query_result_t s = run(&q, NULL);
				if (s.sum.count != sum || s.sum.num_results != n ||
				    s.count_reached != reached || (!reached && s.limited != lr.limited)) {
					print_error("sort %d%s offset %llu limit %llu max_count %llu: summary "
						    "%llu of %llu (reached %d, limited %d), listing %llu of "
						    "%llu (reached %d, limited %d)\n", (int)orders[o],
						    rev ? " reversed" : "", (unsigned long long)q.offset,
						    (unsigned long long)q.limit,
						    (unsigned long long)q.max_count,
						    (unsigned long long)s.sum.count,
						    (unsigned long long)s.sum.num_results, s.count_reached,
						    s.limited, sum, n, reached, lr.limited);
					fail();
				}
			}
	lb_query_free(&q);
}

/* --sort holds its results within a byte bound as well as a count: the count
 * alone (a million) let a sort of large rrsets take any memory.  Past the
 * bound the run is LB_ELIMIT; a --limit's top results fit in less. */
static void test_sort_bytes(void **st)
{
	(void)st;
	lb_query_t q;
	const char *msg;
	lb_query_init(&q);
	assert_int_equal(lb_query_parse_name("*.test", &q, &msg), 0);
	agg_t want = expect_rrset(m_below, "test");
	assert_true(want.n > 20);
	q.sort = LB_SORT_COUNT;
	q.limit = 0;
	lb_query_result_t r;
	lb_out_t out;
	FILE *f = fopen("/dev/null", "w");
	assert_non_null(f);
	assert_int_equal(lb_out_init(&out, f, LB_FMT_COF), 0);
	/* each held result takes more than 40 bytes (its slot alone) */
	q.sort_bytes_max = 40 * 20;
	assert_int_equal(lb_query_run(store, &q, &out, &r), LB_ELIMIT);
	/* the default bound holds them all */
	q.sort_bytes_max = 0;
	assert_int_equal(lb_query_run(store, &q, &out, &r), 0);
	assert_true(r.results == want.n);
	/* the 3 largest counts fit in the small bound, in order */
	q.sort_bytes_max = 40 * 20;
	q.limit = 3;
	q.reverse = true;
	uint64_t lines;
	r = run(&q, &lines);
	assert_true(lines == 3 && r.limited);
	lb_out_free(&out);
	fclose(f);
	lb_query_free(&q);
}

/* Drain a cursor of q with a step budget (0 = none): rows, their count sum,
 * and how many calls said LB_QUERY_AGAIN. */
static void drain(const lb_query_t *q, unsigned budget, uint64_t *rows, uint64_t *count,
		  uint64_t *again)
{
	lb_query_cur_t *c = NULL;
	assert_int_equal(lb_query_cur_new(store, q, &c), 0);
	if (budget)
		lb_query_cur_set_budget(c, budget);
	*rows = *count = *again = 0;
	lb_store_rec_t r;
	int n;
	while ((n = lb_query_cur_next(c, &r)) != 0) {
		assert_true(n > 0);
		if (n == LB_QUERY_AGAIN) {
			(*again)++;
			assert_true(*again < 1000000); /* progress: never stuck */
			continue;
		}
		(*rows)++;
		*count += r.val.count;
	}
	lb_query_cur_free(c);
}

/* A budget only splits the work: the same rows come out, and a scan whose
 * filters drop records yields (AGAIN) instead of passing over them all. */
static void test_budget(void **st)
{
	(void)st;
	static const struct { const char *name, *types; int fence; } qs[] = {
		{ "*.test", "MX", 0 },     /* left wildcard, most records dropped */
		{ "h1.*", "A", 0 },        /* right wildcard: forward index + inner ranges */
		{ "*.z3.test", NULL, 1 },  /* time fence */
		{ "h0.z1.test", NULL, 0 }, /* exact */
		{ "*.test", "TXT,SRV", 0 },
	};
	for (size_t i = 0; i < sizeof qs / sizeof qs[0]; i++) {
		lb_query_t q;
		const char *msg;
		lb_query_init(&q);
		assert_int_equal(lb_query_parse_name(qs[i].name, &q, &msg), 0);
		if (qs[i].types)
			assert_int_equal(lb_query_parse_types(qs[i].types, &q, &msg), 0);
		if (qs[i].fence) { /* halfway between the oldest and newest last seen */
			uint64_t lo = UINT64_MAX, hi = 0;
			for (int k = 0; k < ndefs; k++) {
				lo = defs[k].last < lo ? defs[k].last : lo;
				hi = defs[k].last > hi ? defs[k].last : hi;
			}
			q.has_last_after = true;
			q.last_after = lo + (hi - lo) / 2;
		}
		uint64_t rows0, count0, again0;
		drain(&q, 0, &rows0, &count0, &again0);
		assert_true(again0 == 0);
		for (unsigned b = 1; b <= 5; b += 2) {
			uint64_t rows, count, again;
			drain(&q, b, &rows, &count, &again);
			if (rows != rows0 || count != count0) {
				print_error("%s budget %u: %llu rows count %llu, want %llu count %llu\n",
					    qs[i].name, b, (unsigned long long)rows,
					    (unsigned long long)count, (unsigned long long)rows0,
					    (unsigned long long)count0);
				fail();
			}
			if (b == 1 && i < 3 && again == 0) {
				print_error("%s: no AGAIN with budget 1 (%llu rows)\n", qs[i].name,
					    (unsigned long long)rows);
				fail();
			}
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rrset),
		cmocka_unit_test(test_bailiwick_and_limits),
		cmocka_unit_test(test_rdata_ip),
		cmocka_unit_test(test_rdata_name),
		cmocka_unit_test(test_rdata_raw),
		cmocka_unit_test(test_time_fences),
		cmocka_unit_test(test_sort),
		cmocka_unit_test(test_sort_summary),
		cmocka_unit_test(test_sort_bytes),
		cmocka_unit_test(test_max_count),
		cmocka_unit_test(test_budget),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
