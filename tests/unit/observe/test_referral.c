/* Unit tests for observe/referral.c: bailiwick reconstructed from referrals.
 * Responses are built as wire bytes by hand (below) and parsed with
 * lb_msg_parse, so the tracker sees exactly what `lookback capture` gives it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "dns/msg.h"
#include "dns/rrtype.h"
#include "observe/bailiwick.h"
#include "observe/proc.h"
#include "observe/referral.h"

/* ---- a tiny wire writer ---- */

struct w {
	uint8_t b[4096];
	size_t n;
	uint16_t counts[4]; /* qd an ns ar */
};

static void put8(struct w *w, unsigned v) { w->b[w->n++] = (uint8_t)v; }
static void put16(struct w *w, unsigned v) { put8(w, v >> 8); put8(w, v & 0xff); }
static void put32(struct w *w, uint32_t v) { put16(w, v >> 16); put16(w, v & 0xffff); }

/* "a.b.c" (no trailing dot; "" or "." is the root) to wire form */
static size_t wname(const char *txt, uint8_t *out)
{
	size_t n = 0;
	while (*txt && strcmp(txt, ".") != 0) {
		const char *dot = strchr(txt, '.');
		size_t l = dot ? (size_t)(dot - txt) : strlen(txt);
		out[n++] = (uint8_t)l;
		memcpy(out + n, txt, l);
		n += l;
		txt += l + (dot ? 1 : 0);
	}
	out[n++] = 0;
	return n;
}

static void put_name(struct w *w, const char *txt) { w->n += wname(txt, w->b + w->n); }

/* flags: QR set plus extra (e.g. 0x0400 AA) */
static void msg_begin(struct w *w, const char *qname, uint16_t qtype, uint16_t extra)
{
	memset(w, 0, sizeof *w);
	w->n = 12;
	put_name(w, qname);
	put16(w, qtype);
	put16(w, LB_C_IN);
	w->counts[0] = 1;
	w->b[2] = (uint8_t)((0x8000 | extra) >> 8);
	w->b[3] = (uint8_t)((0x8000 | extra) & 0xff);
}

static void rr_head(struct w *w, int sec, const char *owner, uint16_t type, uint32_t ttl)
{
	put_name(w, owner);
	put16(w, type);
	put16(w, LB_C_IN);
	put32(w, ttl);
	w->counts[1 + sec]++;
}

static void rr_a(struct w *w, int sec, const char *owner, const char *ip, uint32_t ttl)
{
	unsigned a, b, c, d;
	assert_int_equal(sscanf(ip, "%u.%u.%u.%u", &a, &b, &c, &d), 4);
	rr_head(w, sec, owner, LB_T_A, ttl);
	put16(w, 4);
	put8(w, a); put8(w, b); put8(w, c); put8(w, d);
}

static void rr_name(struct w *w, int sec, const char *owner, uint16_t type, const char *target)
{
	uint8_t t[256];
	size_t tl = wname(target, t);
	rr_head(w, sec, owner, type, 3600);
	put16(w, (unsigned)tl);
	memcpy(w->b + w->n, t, tl);
	w->n += tl;
}

static void msg_end(struct w *w)
{
	for (int i = 0; i < 4; i++) {
		w->b[4 + 2 * i] = (uint8_t)(w->counts[i] >> 8);
		w->b[5 + 2 * i] = (uint8_t)(w->counts[i] & 0xff);
	}
}

/* ---- the capture path in small: bailiwick, parse + observe through the filter, learn ---- */

struct seen {
	int n;
	char owners[32][64];
	int bw_known[32];
};

static void on_set(void *ctx, const lb_obs_rrset_t *o)
{
	struct seen *s = ctx;
	if (s->n < 32) {
		size_t l = o->owner_len < 63 ? o->owner_len : 63;
		memcpy(s->owners[s->n], o->owner, l);
		s->owners[s->n][63] = 0;
		s->bw_known[s->n] = o->bailiwick != NULL;
	}
	s->n++;
}

struct rig {
	lb_referral_t *r;
	lb_proc_t *p;
	lb_stats_t st;
	uint64_t out_bw, not_answer, kept;
	lb_bw_filter_t f;
	struct seen seen;
	uint8_t last_bw[256];
	int last_known;
};

static struct rig *rig_new(const lb_referral_opts_t *o)
{
	struct rig *g = calloc(1, sizeof *g);
	assert_non_null(g);
	assert_int_equal(lb_referral_new(o, &g->r), 0);
	g->f.next.rrset = on_set;
	g->f.next.ctx = &g->seen;
	g->f.out_of_bailiwick = &g->out_bw;
	g->f.not_answer = &g->not_answer;
	g->f.kept = &g->kept;
	lb_obs_sink_t s = lb_bw_filter_sink(&g->f);
	g->p = lb_proc_new(&s, "t", &g->st);
	assert_non_null(g->p);
	return g;
}

static void rig_free(struct rig *g)
{
	lb_proc_free(g->p);
	lb_referral_free(g->r);
	free(g);
}

static void ip4(const char *ip, uint8_t out[16])
{
	unsigned a, b, c, d;
	memset(out, 0, 16);
	assert_int_equal(sscanf(ip, "%u.%u.%u.%u", &a, &b, &c, &d), 4);
	out[0] = (uint8_t)a; out[1] = (uint8_t)b; out[2] = (uint8_t)c; out[3] = (uint8_t)d;
}

/* Feed one response from server ip at time now, as cmd_capture does. */
static void feed_at(struct rig *g, struct w *w, const char *ip, uint64_t now)
{
	uint8_t src[16];
	ip4(ip, src);
	msg_end(w);
	memset(&g->seen, 0, sizeof g->seen);
	const uint8_t *bw = lb_referral_bailiwick(g->r, w->b, w->n, 4, src, now);
	g->last_known = bw != NULL;
	if (bw)
		memcpy(g->last_bw, bw, sizeof g->last_bw < 256 ? sizeof g->last_bw : 256);
	struct timeval tv = { (time_t)now, 0 };
	assert_int_equal(lb_proc_message(g->p, w->b, w->n, &tv, bw), 0);
	lb_referral_learn(g->r, lb_proc_last(g->p), bw, now);
}

static void feed(struct rig *g, struct w *w, const char *ip) { feed_at(g, w, ip, 1000); }

/* The bailiwick the tracker gives name from ip, as text ("-" when unknown). */
static const char *bw_of(struct rig *g, const char *name, const char *ip, uint64_t now)
{
	static char txt[300];
	uint8_t q[256], src[16];
	wname(name, q);
	ip4(ip, src);
	const uint8_t *bw = lb_referral_find(g->r, q, 4, src, now);
	if (!bw)
		return "-";
	size_t n = 0, off = 0;
	while (bw[off]) {
		memcpy(txt + n, bw + off + 1, bw[off]);
		n += bw[off];
		txt[n++] = '.';
		off += (size_t)bw[off] + 1;
	}
	if (n == 0)
		txt[n++] = '.';
	txt[n] = 0;
	return txt;
}

static int seen_owner(const struct rig *g, const char *wire_first_label)
{
	for (int i = 0; i < g->seen.n && i < 32; i++)
		if (memcmp(g->seen.owners[i] + 1, wire_first_label, strlen(wire_first_label)) == 0)
			return 1;
	return 0;
}

static void seed_root(struct rig *g)
{
	uint8_t root[1] = { 0 }, a[16];
	ip4("127.53.0.1", a);
	assert_int_equal(lb_referral_add(g->r, root, 4, a), 0);
}

/* root -> lbtest. referral from the root server */
static void referral_tld(struct rig *g)
{
	struct w w;
	msg_begin(&w, "www.example.lbtest", LB_T_A, 0);
	rr_name(&w, LB_SEC_AUTHORITY, "lbtest", LB_T_NS, "ns.nic.lbtest");
	rr_a(&w, LB_SEC_ADDITIONAL, "ns.nic.lbtest", "127.53.0.2", 3600);
	feed(g, &w, "127.53.0.1");
}

/* lbtest. -> example.lbtest. referral from the TLD server */
static void referral_zone(struct rig *g)
{
	struct w w;
	msg_begin(&w, "www.example.lbtest", LB_T_A, 0);
	rr_name(&w, LB_SEC_AUTHORITY, "example.lbtest", LB_T_NS, "ns1.example.lbtest");
	rr_a(&w, LB_SEC_ADDITIONAL, "ns1.example.lbtest", "127.53.0.3", 3600);
	feed(g, &w, "127.53.0.2");
}

/* The chain root -> TLD -> zone: each response gets the zone of the server asked,
 * and the referral RRsets are kept in all sections under that bailiwick. */
static void test_chain(void **state)
{
	(void)state;
	struct rig *g = rig_new(NULL);
	seed_root(g);
	assert_string_equal(bw_of(g, "www.example.lbtest", "127.53.0.2", 1000), "-");

	referral_tld(g);
	assert_true(g->last_known);
	assert_int_equal(g->last_bw[0], 0); /* root */
	assert_int_equal(g->kept, 2);       /* lbtest NS (authority) + glue (additional) */
	assert_string_equal(bw_of(g, "www.example.lbtest", "127.53.0.2", 1000), "lbtest.");
	assert_string_equal(bw_of(g, "www.example.lbtest", "127.53.0.1", 1000), ".");

	referral_zone(g);
	assert_true(g->last_known);
	assert_string_equal(bw_of(g, "www.example.lbtest", "127.53.0.3", 1000), "example.lbtest.");

	struct w w;
	msg_begin(&w, "www.example.lbtest", LB_T_A, 0x0400);
	rr_a(&w, LB_SEC_ANSWER, "www.example.lbtest", "192.0.2.10", 300);
	rr_name(&w, LB_SEC_AUTHORITY, "example.lbtest", LB_T_NS, "ns1.example.lbtest");
	rr_a(&w, LB_SEC_ADDITIONAL, "ns1.example.lbtest", "127.53.0.3", 300);
	feed(g, &w, "127.53.0.3");
	assert_true(g->last_known);
	assert_int_equal(g->seen.n, 3);
	for (int i = 0; i < 3; i++)
		assert_true(g->seen.bw_known[i]);
	assert_int_equal(g->out_bw, 0);

	/* the TLD server is not a server of other., nor of the root */
	assert_string_equal(bw_of(g, "www.other", "127.53.0.2", 1000), "-");
	lb_referral_stats_t st;
	lb_referral_get_stats(g->r, &st);
	assert_int_equal(st.known, 3);
	assert_int_equal(st.unknown, 0);
	assert_int_equal(st.referrals, 2);
	assert_int_equal(st.learned_zones, 2);
	assert_int_equal(st.zones, 3);
	rig_free(g);
}

/* Glue outside the parent's bailiwick (a TLD server giving an address for a
 * name under another TLD) is ignored; the in-bailiwick glue beside it is used. */
static void test_glue_out_of_bailiwick(void **state)
{
	(void)state;
	struct rig *g = rig_new(NULL);
	seed_root(g);
	referral_tld(g);
	struct w w;
	msg_begin(&w, "www.example.lbtest", LB_T_A, 0);
	rr_name(&w, LB_SEC_AUTHORITY, "example.lbtest", LB_T_NS, "ns.evil.com");
	rr_name(&w, LB_SEC_AUTHORITY, "example.lbtest", LB_T_NS, "ns1.example.lbtest");
	rr_a(&w, LB_SEC_ADDITIONAL, "ns.evil.com", "6.6.6.6", 3600);
	rr_a(&w, LB_SEC_ADDITIONAL, "ns1.example.lbtest", "127.53.0.3", 3600);
	feed(g, &w, "127.53.0.2");
	assert_int_equal(g->out_bw, 1); /* the ns.evil.com A record was not kept either */
	lb_referral_stats_t st;
	lb_referral_get_stats(g->r, &st);
	assert_int_equal(st.glue_ignored, 1);
	assert_string_equal(bw_of(g, "www.example.lbtest", "6.6.6.6", 1000), "-");
	assert_string_equal(bw_of(g, "www.example.lbtest", "127.53.0.3", 1000), "example.lbtest.");
	rig_free(g);
}

/* A TLD server answering for a name under another zone: the record is
 * dropped and counted, the message teaches nothing, and a referral to a zone
 * outside its bailiwick is refused. */
static void test_spoofed_answer(void **state)
{
	(void)state;
	struct rig *g = rig_new(NULL);
	seed_root(g);
	referral_tld(g);

	struct w w;
	msg_begin(&w, "www.example.lbtest", LB_T_A, 0x0400);
	rr_a(&w, LB_SEC_ANSWER, "www.example.lbtest", "192.0.2.66", 300);
	rr_a(&w, LB_SEC_ANSWER, "www.bank.com", "6.6.6.6", 300);
	rr_name(&w, LB_SEC_AUTHORITY, "bank.com", LB_T_NS, "ns.bank.com");
	feed(g, &w, "127.53.0.2");
	assert_true(g->last_known);
	assert_int_equal(g->out_bw, 2);
	assert_int_equal(g->seen.n, 1);
	assert_true(seen_owner(g, "www"));
	assert_string_equal(g->seen.owners[0] + 4, "\7example\6lbtest");

	/* upward / sideways referral from the TLD server */
	msg_begin(&w, "www.example.lbtest", LB_T_A, 0);
	rr_name(&w, LB_SEC_AUTHORITY, "com", LB_T_NS, "ns.evil.com");
	rr_a(&w, LB_SEC_ADDITIONAL, "ns.evil.com", "127.53.0.2", 3600);
	feed(g, &w, "127.53.0.2");
	lb_referral_stats_t st;
	lb_referral_get_stats(g->r, &st);
	assert_int_equal(st.bad_referrals, 1);
	assert_int_equal(st.referrals, 1);
	assert_string_equal(bw_of(g, "www.bank.com", "127.53.0.2", 1000), "-");

	/* a referral that does not lead towards the qname */
	msg_begin(&w, "www.example.lbtest", LB_T_A, 0);
	rr_name(&w, LB_SEC_AUTHORITY, "other.lbtest", LB_T_NS, "ns.other.lbtest");
	rr_a(&w, LB_SEC_ADDITIONAL, "ns.other.lbtest", "127.53.0.9", 3600);
	feed(g, &w, "127.53.0.2");
	lb_referral_get_stats(g->r, &st);
	assert_int_equal(st.bad_referrals, 2);
	assert_string_equal(bw_of(g, "x.other.lbtest", "127.53.0.9", 1000), "-");
	rig_free(g);
}

/* A server we know nothing about: bailiwick unknown, answer section only, counted. */
static void test_unknown_server(void **state)
{
	(void)state;
	struct rig *g = rig_new(NULL);
	seed_root(g);
	struct w w;
	msg_begin(&w, "www.example.lbtest", LB_T_A, 0x0400);
	rr_a(&w, LB_SEC_ANSWER, "www.example.lbtest", "192.0.2.10", 300);
	rr_name(&w, LB_SEC_AUTHORITY, "example.lbtest", LB_T_NS, "ns1.example.lbtest");
	rr_a(&w, LB_SEC_ADDITIONAL, "ns1.example.lbtest", "127.53.0.3", 300);
	feed(g, &w, "192.0.2.53");
	assert_false(g->last_known);
	assert_int_equal(g->seen.n, 1);
	assert_false(g->seen.bw_known[0]);
	assert_int_equal(g->not_answer, 2);
	lb_referral_stats_t st;
	lb_referral_get_stats(g->r, &st);
	assert_int_equal(st.unknown, 1);
	assert_int_equal(st.learned_zones, 0);
	/* nothing learned from it */
	assert_string_equal(bw_of(g, "www.example.lbtest", "127.53.0.3", 1000), "-");

	/* queries and broken messages are not counted */
	uint8_t src[16];
	ip4("127.53.0.1", src);
	msg_end(&w);
	w.b[2] &= 0x7f;
	assert_null(lb_referral_bailiwick(g->r, w.b, w.n, 4, src, 1000));
	w.b[2] |= 0x80;
	for (size_t cut = 0; cut < 20; cut++)
		assert_null(lb_referral_bailiwick(g->r, w.b, cut, 4, src, 1000));
	lb_referral_get_stats(g->r, &st);
	assert_int_equal(st.unknown + st.known, 1);
	rig_free(g);
}

/* An NS name without glue: its address, answered in bailiwick by its own
 * zone's server, is added to the zone it serves. */
static void test_ns_address_from_answer(void **state)
{
	(void)state;
	struct rig *g = rig_new(NULL);
	seed_root(g);
	struct w w;
	msg_begin(&w, "www.example.lbtest", LB_T_A, 0);
	rr_name(&w, LB_SEC_AUTHORITY, "lbtest", LB_T_NS, "ns.nic.other");
	feed(g, &w, "127.53.0.1");
	msg_begin(&w, "ns.nic.other", LB_T_A, 0);
	rr_name(&w, LB_SEC_AUTHORITY, "other", LB_T_NS, "ns.other");
	rr_a(&w, LB_SEC_ADDITIONAL, "ns.other", "127.53.0.4", 3600);
	feed(g, &w, "127.53.0.1");
	assert_string_equal(bw_of(g, "www.example.lbtest", "127.53.0.9", 1000), "-");
	/* the same address from a server that is not in bailiwick for it teaches nothing */
	msg_begin(&w, "ns.nic.other", LB_T_A, 0x0400);
	rr_a(&w, LB_SEC_ANSWER, "ns.nic.other", "127.53.0.9", 3600);
	feed(g, &w, "127.53.0.3");
	assert_string_equal(bw_of(g, "www.example.lbtest", "127.53.0.9", 1000), "-");
	feed(g, &w, "127.53.0.4");
	assert_true(g->last_known);
	assert_string_equal(bw_of(g, "www.example.lbtest", "127.53.0.9", 1000), "lbtest.");
	rig_free(g);
}

/* Learned addresses expire ttl_grace seconds after their TTL (capture time). */
static void test_ttl(void **state)
{
	(void)state;
	lb_referral_opts_t o = { .ttl_grace = 5 };
	struct rig *g = rig_new(&o);
	seed_root(g);
	struct w w;
	msg_begin(&w, "www.example.lbtest", LB_T_A, 0);
	rr_name(&w, LB_SEC_AUTHORITY, "lbtest", LB_T_NS, "ns.nic.lbtest");
	rr_a(&w, LB_SEC_ADDITIONAL, "ns.nic.lbtest", "127.53.0.2", 10);
	feed_at(g, &w, "127.53.0.1", 1000);
	assert_string_equal(bw_of(g, "a.lbtest", "127.53.0.2", 1015), "lbtest.");
	assert_string_equal(bw_of(g, "a.lbtest", "127.53.0.2", 1016), "-");
	assert_string_equal(bw_of(g, "a.lbtest", "127.53.0.1", 999999), "."); /* hints stay */
	rig_free(g);
}

/* Bounds: zones evicted (never the pinned root), addresses per zone refused,
 * NS links overwritten; lookups stay right for what is kept. */
static void test_bounds(void **state)
{
	(void)state;
	lb_referral_opts_t o = { .max_zones = 4, .max_addrs = 2, .max_ns = 3 };
	struct rig *g = rig_new(&o);
	seed_root(g);
	char q[64], z[64], ns[64], ip[32];
	for (int i = 0; i < 20; i++) {
		struct w w;
		snprintf(q, sizeof q, "www.z%d", i);
		snprintf(z, sizeof z, "z%d.", i);
		msg_begin(&w, q, LB_T_A, 0);
		for (int k = 0; k < 3; k++) {
			snprintf(ns, sizeof ns, "ns%d.z%d", k, i);
			rr_name(&w, LB_SEC_AUTHORITY, z, LB_T_NS, ns);
		}
		for (int k = 0; k < 3; k++) {
			snprintf(ns, sizeof ns, "ns%d.z%d", k, i);
			snprintf(ip, sizeof ip, "10.0.%d.%d", i, k);
			rr_a(&w, LB_SEC_ADDITIONAL, ns, ip, 3600);
		}
		feed(g, &w, "127.53.0.1");
		snprintf(ip, sizeof ip, "10.0.%d.0", i);
		assert_string_equal(bw_of(g, q, ip, 1000), z);
		snprintf(ip, sizeof ip, "10.0.%d.2", i);
		assert_string_equal(bw_of(g, q, ip, 1000), "-"); /* third address refused */
	}
	lb_referral_stats_t st;
	lb_referral_get_stats(g->r, &st);
	assert_true(st.zones <= 4);
	assert_true(st.zones_evicted >= 16);
	assert_int_equal(st.addrs_refused, 20);
	assert_true(st.ns_replaced > 0);
	assert_string_equal(bw_of(g, "www.z0", "10.0.0.0", 1000), "-"); /* evicted */
	assert_string_equal(bw_of(g, "www.z0", "127.53.0.1", 1000), ".");
	rig_free(g);

	/* a table full of pinned zones refuses new ones */
	lb_referral_opts_t o2 = { .max_zones = 1 };
	g = rig_new(&o2);
	seed_root(g);
	referral_tld(g);
	lb_referral_get_stats(g->r, &st);
	assert_int_equal(st.zones_refused, 1);
	assert_int_equal(st.zones, 1);
	rig_free(g);
}

/* Root hints files: the test root, a malformed line, and Debian's file. */
static void test_hints(void **state)
{
	(void)state;
	char path[] = "/tmp/lbtest_hints.XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "w");
	fputs("; test root\n.\t3600000\tNS\troot-ns.lbtest.\n"
	      "ROOT-NS.lbtest. 3600000 IN A 127.53.0.1\n"
	      "root-ns.lbtest. 3600000 AAAA 2001:db8::53\n\n", f);
	fclose(f);
	struct rig *g = rig_new(NULL);
	int line = -1;
	assert_int_equal(lb_referral_load_hints(g->r, path, &line), 0);
	assert_string_equal(bw_of(g, "www.example.lbtest", "127.53.0.1", 1000), ".");
	uint8_t q[256], v6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x53 };
	wname("a.b", q);
	assert_non_null(lb_referral_find(g->r, q, 6, v6, 1000));
	assert_null(lb_referral_find(g->r, q, 4, v6, 1000));
	referral_tld(g);
	assert_string_equal(bw_of(g, "www.example.lbtest", "127.53.0.2", 1000), "lbtest.");
	rig_free(g);

	f = fopen(path, "w");
	fputs(". NS root-ns.lbtest.\nroot-ns.lbtest. A 127.53.0.300\n", f);
	fclose(f);
	g = rig_new(NULL);
	assert_int_equal(lb_referral_load_hints(g->r, path, &line), LB_ETEXT);
	assert_int_equal(line, 2);
	f = fopen(path, "w");
	fputs(". NS root-ns.lbtest.\n", f); /* no address */
	fclose(f);
	assert_int_equal(lb_referral_load_hints(g->r, path, &line), LB_EINVAL);
	unlink(path);
	assert_true(lb_referral_load_hints(g->r, path, &line) < 0);
	rig_free(g);

	if (access(LB_REFERRAL_HINTS_DEFAULT, R_OK) != 0) {
		skip();
		return;
	}
	g = rig_new(NULL);
	assert_int_equal(lb_referral_load_hints(g->r, LB_REFERRAL_HINTS_DEFAULT, &line), 0);
	assert_string_equal(bw_of(g, "www.example.com", "198.41.0.4", 1000), "."); /* a.root-servers.net */
	assert_string_equal(bw_of(g, "www.example.com", "192.0.2.1", 1000), "-");
	rig_free(g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chain),
		cmocka_unit_test(test_glue_out_of_bailiwick),
		cmocka_unit_test(test_spoofed_answer),
		cmocka_unit_test(test_unknown_server),
		cmocka_unit_test(test_ns_address_from_answer),
		cmocka_unit_test(test_ttl),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_hints),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
