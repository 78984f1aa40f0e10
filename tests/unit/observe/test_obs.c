/* Unit tests for observe/obs.c: RRset grouping and negative answers.
 * Messages are built as lb_msg_t by hand, so these tests do not depend on the parser. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dns/rrtype.h"
#include "observe/obs.h"

#define MAXOBS 32

struct seen {
	int nsets, nneg;
	struct {
		uint8_t owner[256];
		uint16_t type, covered;
		uint8_t section;
		size_t nrdata;
		uint8_t rd[8][32];
		uint16_t rdlen[8];
		uint32_t ttl;
		bool unrelated, truncated;
	} set[MAXOBS];
	struct {
		uint16_t rcode, qtype;
		uint8_t name[256];
	} neg[MAXOBS];
};

static void on_set(void *ctx, const lb_obs_rrset_t *o)
{
	struct seen *s = ctx;
	assert_true(s->nsets < MAXOBS);
	memcpy(s->set[s->nsets].owner, o->owner, o->owner_len);
	s->set[s->nsets].type = o->type;
	s->set[s->nsets].covered = o->covered;
	s->set[s->nsets].section = o->section;
	s->set[s->nsets].nrdata = o->nrdata;
	s->set[s->nsets].ttl = o->ttl;
	s->set[s->nsets].unrelated = o->unrelated;
	s->set[s->nsets].truncated = o->truncated;
	for (size_t i = 0; i < o->nrdata && i < 8; i++) {
		memcpy(s->set[s->nsets].rd[i], o->rdata[i], o->rdlen[i]);
		s->set[s->nsets].rdlen[i] = o->rdlen[i];
	}
	s->nsets++;
}

static void on_neg(void *ctx, const lb_obs_neg_t *o)
{
	struct seen *s = ctx;
	s->neg[s->nneg].rcode = o->rcode;
	s->neg[s->nneg].qtype = o->qtype;
	memcpy(s->neg[s->nneg].name, o->qname, o->qname_len);
	s->nneg++;
}

static const uint8_t WWW[] = "\3www\7example\3com";   /* sizeof includes the root NUL */
static const uint8_t CDN[] = "\3cdn\3net";
static const uint8_t EX[] = "\7example\3com";
static const uint8_t IP1[] = { 192, 0, 2, 1 }, IP2[] = { 192, 0, 2, 2 };

static lb_rr_t rr(const uint8_t *owner, size_t olen, uint16_t type, const uint8_t *rd, size_t rdlen,
		  uint32_t ttl, int sec)
{
	lb_rr_t r = { .owner = owner, .owner_len = (uint8_t)olen, .type = type, .rclass = LB_C_IN,
		      .rdata = rd, .rdlen = (uint16_t)rdlen, .ttl = ttl, .section = (uint8_t)sec };
	return r;
}

static void run(lb_msg_t *m, struct seen *s, lb_stats_t *st)
{
	static lb_obs_scratch_t scratch;
	struct timeval tv = { 1700000000, 5 };
	lb_obs_sink_t sink = { on_set, on_neg, s };
	memset(s, 0, sizeof *s);
	lb_obs_from_msg(m, &tv, NULL, "t", &scratch, &sink, st);
}

static void resp_init(lb_msg_t *m, const uint8_t *qname, size_t qlen, uint16_t qtype)
{
	memset(m, 0, sizeof *m);
	m->qr = true;
	m->has_question = true;
	memcpy(m->qname, qname, qlen);
	m->qname_len = (uint8_t)qlen;
	m->qtype = qtype;
	m->qclass = LB_C_IN;
	m->complete = 3;
}

/* A CNAME chain is one RRset per link, each under its own owner; A records
 * given out of order and duplicated come out as one sorted, unique set. */
static void test_chain_and_sets(void **state)
{
	(void)state;
	lb_msg_t m;
	lb_rr_t rrs[5];
	resp_init(&m, WWW, sizeof WWW, LB_T_A);
	rrs[0] = rr(WWW, sizeof WWW, LB_T_CNAME, CDN, sizeof CDN, 300, LB_SEC_ANSWER);
	rrs[1] = rr(CDN, sizeof CDN, LB_T_A, IP2, 4, 60, LB_SEC_ANSWER);
	rrs[2] = rr(CDN, sizeof CDN, LB_T_A, IP1, 4, 30, LB_SEC_ANSWER);
	rrs[3] = rr(CDN, sizeof CDN, LB_T_A, IP2, 4, 60, LB_SEC_ANSWER);
	rrs[4] = rr(EX, sizeof EX, LB_T_NS, CDN, sizeof CDN, 900, LB_SEC_AUTHORITY);
	m.rr = rrs;
	m.nrr = 5;
	struct seen s;
	lb_stats_t st = { 0 };
	run(&m, &s, &st);
	assert_int_equal(s.nsets, 3);
	assert_int_equal(s.nneg, 0);
	int found_a = 0, found_cname = 0, found_ns = 0;
	for (int i = 0; i < s.nsets; i++) {
		if (s.set[i].type == LB_T_A) {
			found_a = 1;
			assert_memory_equal(s.set[i].owner, CDN, sizeof CDN);
			assert_int_equal(s.set[i].nrdata, 2);
			assert_memory_equal(s.set[i].rd[0], IP1, 4);
			assert_memory_equal(s.set[i].rd[1], IP2, 4);
			assert_int_equal(s.set[i].ttl, 30);
			assert_int_equal(s.set[i].section, LB_SEC_ANSWER);
		} else if (s.set[i].type == LB_T_CNAME) {
			found_cname = 1;
			assert_memory_equal(s.set[i].owner, WWW, sizeof WWW);
		} else if (s.set[i].type == LB_T_NS) {
			found_ns = 1;
			assert_int_equal(s.set[i].section, LB_SEC_AUTHORITY);
		}
	}
	assert_true(found_a && found_cname && found_ns);
	assert_int_equal(st.rrsets, 3);
	assert_int_equal(st.rrs, 4);
}

/* The same owner/type in two sections gives two observations. */
static void test_sections_apart(void **state)
{
	(void)state;
	lb_msg_t m;
	lb_rr_t rrs[2];
	resp_init(&m, EX, sizeof EX, LB_T_NS);
	rrs[0] = rr(EX, sizeof EX, LB_T_NS, CDN, sizeof CDN, 1, LB_SEC_ANSWER);
	rrs[1] = rr(EX, sizeof EX, LB_T_NS, CDN, sizeof CDN, 1, LB_SEC_AUTHORITY);
	m.rr = rrs;
	m.nrr = 2;
	struct seen s;
	run(&m, &s, NULL);
	assert_int_equal(s.nsets, 2);
}

/* RRSIGs covering different types are different observations. */
static void test_rrsig_by_covered(void **state)
{
	(void)state;
	static const uint8_t sig_a[] = { 0, 1, 8, 2 }, sig_ns[] = { 0, 2, 8, 2 };
	lb_msg_t m;
	lb_rr_t rrs[3];
	resp_init(&m, EX, sizeof EX, LB_T_A);
	rrs[0] = rr(EX, sizeof EX, LB_T_A, IP1, 4, 1, LB_SEC_ANSWER);
	rrs[1] = rr(EX, sizeof EX, LB_T_RRSIG, sig_ns, 4, 1, LB_SEC_ANSWER);
	rrs[2] = rr(EX, sizeof EX, LB_T_RRSIG, sig_a, 4, 1, LB_SEC_ANSWER);
	m.rr = rrs;
	m.nrr = 3;
	struct seen s;
	run(&m, &s, NULL);
	assert_int_equal(s.nsets, 3);
	int covered_a = 0, covered_ns = 0;
	for (int i = 0; i < s.nsets; i++) {
		if (s.set[i].type == LB_T_RRSIG && s.set[i].covered == LB_T_A)
			covered_a = 1;
		if (s.set[i].type == LB_T_RRSIG && s.set[i].covered == LB_T_NS)
			covered_ns = 1;
	}
	assert_true(covered_a && covered_ns);
}

static void test_negative_kinds(void **state)
{
	(void)state;
	lb_msg_t m;
	struct seen s;
	static const uint16_t rcodes[] = { LB_RCODE_NXDOMAIN, LB_RCODE_SERVFAIL, LB_RCODE_REFUSED };
	for (size_t i = 0; i < 3; i++) {
		resp_init(&m, WWW, sizeof WWW, LB_T_A);
		m.rcode = rcodes[i];
		run(&m, &s, NULL);
		assert_int_equal(s.nneg, 1);
		assert_int_equal(s.neg[0].rcode, rcodes[i]);
		assert_memory_equal(s.neg[0].name, WWW, sizeof WWW); /* no chain: the qname */
	}
	/* NODATA: NOERROR, answer only has a CNAME whose target has no A, and
	 * the target zone's SOA in authority (RFC 2308 2.2.1) */
	static const uint8_t SOA[] = "\3ns1\3cdn\3net\0\4host\3cdn\3net\0"
				     "\0\0\0\1\0\0\0\2\0\0\0\3\0\0\0\4\0\0\0\5";
	lb_rr_t rs[3];
	resp_init(&m, WWW, sizeof WWW, LB_T_A);
	rs[0] = rr(WWW, sizeof WWW, LB_T_CNAME, CDN, sizeof CDN, 300, LB_SEC_ANSWER);
	rs[1] = rr(CDN, sizeof CDN, LB_T_SOA, SOA, sizeof SOA - 1, 300, LB_SEC_AUTHORITY);
	m.rr = rs;
	m.nrr = 2;
	run(&m, &s, NULL);
	assert_int_equal(s.nneg, 1);
	assert_int_equal(s.neg[0].rcode, LB_RCODE_NOERROR);
	assert_int_equal(s.nsets, 2);
	/* the denial speaks of the chain's end (RFC 2308 5): www has its CNAME */
	assert_memory_equal(s.neg[0].name, CDN, sizeof CDN);
	/* ... as an NXDOMAIN does (RFC 6604 2.1) */
	m.rcode = LB_RCODE_NXDOMAIN;
	run(&m, &s, NULL);
	assert_int_equal(s.nneg, 1);
	assert_int_equal(s.neg[0].rcode, LB_RCODE_NXDOMAIN);
	assert_memory_equal(s.neg[0].name, CDN, sizeof CDN);
	m.rcode = LB_RCODE_NOERROR;
	/* ... its authority not parsed whole: nothing says NODATA */
	m.complete = 1;
	run(&m, &s, NULL);
	assert_int_equal(s.nneg, 0);
	m.complete = 3;
	/* ... the same chain without the SOA: an authoritative server's CNAME out
	 * of its zone (the resolver goes on at the target), not a denial */
	m.nrr = 1;
	run(&m, &s, NULL);
	assert_int_equal(s.nneg, 0);
	assert_int_equal(s.nsets, 1);
	/* ... and with the A at the end of the chain it is an answer, SOA or not */
	rs[1] = rr(CDN, sizeof CDN, LB_T_A, IP1, 4, 300, LB_SEC_ANSWER);
	rs[2] = rr(CDN, sizeof CDN, LB_T_SOA, SOA, sizeof SOA - 1, 300, LB_SEC_AUTHORITY);
	for (size_t n = 2; n <= 3; n++) {
		m.nrr = n;
		run(&m, &s, NULL);
		assert_int_equal(s.nneg, 0);
		assert_int_equal(s.nsets, (int)n);
	}
	/* empty answer: no authority at all is NODATA (type 3); SOA is (types 1
	 * and 2, with or without NS); NS alone is a referral, not a denial */
	static const uint8_t NS1[] = "\3ns1\7example\3net";
	resp_init(&m, WWW, sizeof WWW, LB_T_A);
	run(&m, &s, NULL);
	assert_int_equal(s.nneg, 1);
	rs[0] = rr(EX, sizeof EX, LB_T_NS, NS1, sizeof NS1, 300, LB_SEC_AUTHORITY);
	rs[1] = rr(EX, sizeof EX, LB_T_SOA, SOA, sizeof SOA - 1, 300, LB_SEC_AUTHORITY);
	m.rr = rs;
	m.nrr = 1;
	run(&m, &s, NULL);
	assert_int_equal(s.nneg, 0); /* referral */
	m.nrr = 2;
	run(&m, &s, NULL);
	assert_int_equal(s.nneg, 1);
	m.rr = rs + 1;
	m.nrr = 1;
	run(&m, &s, NULL);
	assert_int_equal(s.nneg, 1);
	/* an answer record skipped as bad (ANCOUNT 1, none kept): not known empty */
	m.nrr = 0;
	m.ancount = 1;
	run(&m, &s, NULL);
	assert_int_equal(s.nneg, 0);
	/* a truncated (TC) empty answer is not evidence of NODATA */
	resp_init(&m, WWW, sizeof WWW, LB_T_A);
	m.tc = true;
	run(&m, &s, NULL);
	assert_int_equal(s.nneg, 0);
}

/* A meta query - a zone transfer (AXFR/IXFR), TKEY, MAILA/MAILB - asks for no
 * RRset: a REFUSED or SERVFAIL to it (the usual answer to an AXFR probe) or an
 * empty NOERROR is no denial of the name.  ANY is a query for data: its
 * NXDOMAIN is one. */
static void test_negative_meta_qtypes(void **state)
{
	(void)state;
	lb_msg_t m;
	struct seen s;
	static const uint16_t qtypes[] = { LB_T_AXFR, LB_T_IXFR, LB_T_TKEY, 253, 254, LB_T_OPT, 0 };
	static const uint16_t rcodes[] = { LB_RCODE_REFUSED, LB_RCODE_SERVFAIL, LB_RCODE_NXDOMAIN,
					   LB_RCODE_NOERROR };
	for (size_t i = 0; i < sizeof qtypes / sizeof qtypes[0]; i++) {
		for (size_t k = 0; k < sizeof rcodes / sizeof rcodes[0]; k++) {
			resp_init(&m, EX, sizeof EX, qtypes[i]);
			m.rcode = rcodes[k];
			run(&m, &s, NULL);
			if (s.nneg != 0)
				fail_msg("qtype %u rcode %u: %d negatives", qtypes[i], rcodes[k], s.nneg);
		}
	}
	resp_init(&m, WWW, sizeof WWW, LB_T_ANY);
	m.rcode = LB_RCODE_NXDOMAIN;
	run(&m, &s, NULL);
	assert_int_equal(s.nneg, 1);
	assert_int_equal(s.neg[0].qtype, LB_T_ANY);
}

/* The unrelated flag of the set owned by name (type t), or -1 when absent. */
static int unrelated_of(const struct seen *s, const uint8_t *name, size_t len, uint16_t t)
{
	for (int i = 0; i < s->nsets; i++)
		if (s->set[i].type == t && !memcmp(s->set[i].owner, name, len))
			return s->set[i].unrelated;
	return -1;
}

/* Answer RRsets off the question's chain are flagged unrelated: what a forged
 * answer slips in.  DNAMEs at an ancestor and a zone transfer's records are
 * on it; a message without a question flags nothing. */
static void test_unrelated_answers(void **state)
{
	(void)state;
	static const uint8_t EVIL[] = "\4evil\3com", NET[] = "\7example\3net",
			     WNET[] = "\3www\7example\3net";
	lb_msg_t m;
	lb_rr_t rrs[6];
	struct seen s;
	resp_init(&m, WWW, sizeof WWW, LB_T_A);
	rrs[0] = rr(WWW, sizeof WWW, LB_T_CNAME, CDN, sizeof CDN, 300, LB_SEC_ANSWER);
	rrs[1] = rr(CDN, sizeof CDN, LB_T_A, IP1, 4, 300, LB_SEC_ANSWER);
	rrs[2] = rr(EVIL, sizeof EVIL, LB_T_A, IP2, 4, 300, LB_SEC_ANSWER);
	rrs[3] = rr(EVIL, sizeof EVIL, LB_T_A, IP2, 4, 300, LB_SEC_ADDITIONAL);
	m.rr = rrs;
	m.nrr = 4;
	run(&m, &s, NULL);
	assert_int_equal(s.nsets, 4);
	assert_int_equal(unrelated_of(&s, WWW, sizeof WWW, LB_T_CNAME), 0);
	assert_int_equal(unrelated_of(&s, CDN, sizeof CDN, LB_T_A), 0);
	int evil_answer = 0, evil_additional = 0;
	for (int i = 0; i < s.nsets; i++)
		if (!memcmp(s.set[i].owner, EVIL, sizeof EVIL)) {
			if (s.set[i].section == LB_SEC_ANSWER)
				evil_answer = s.set[i].unrelated ? 1 : -1;
			else
				evil_additional = s.set[i].unrelated ? -1 : 1;
		}
	assert_int_equal(evil_answer, 1);     /* off the chain */
	assert_int_equal(evil_additional, 1); /* only answers are flagged */
	/* a DNAME at an ancestor of the qname, its synthesized CNAME, the target */
	rrs[0] = rr(EX, sizeof EX, LB_T_DNAME, NET, sizeof NET, 300, LB_SEC_ANSWER);
	rrs[1] = rr(WWW, sizeof WWW, LB_T_CNAME, WNET, sizeof WNET, 300, LB_SEC_ANSWER);
	rrs[2] = rr(WNET, sizeof WNET, LB_T_A, IP1, 4, 300, LB_SEC_ANSWER);
	m.nrr = 3;
	run(&m, &s, NULL);
	assert_int_equal(s.nsets, 3);
	for (int i = 0; i < s.nsets; i++)
		assert_false(s.set[i].unrelated);
	/* ... but an A at that ancestor is not on the chain */
	rrs[0] = rr(EX, sizeof EX, LB_T_A, IP2, 4, 300, LB_SEC_ANSWER);
	run(&m, &s, NULL);
	assert_int_equal(unrelated_of(&s, EX, sizeof EX, LB_T_A), 1);
	/* a zone transfer: every record in the zone asked is on it */
	resp_init(&m, EX, sizeof EX, LB_T_AXFR);
	rrs[0] = rr(WWW, sizeof WWW, LB_T_A, IP1, 4, 300, LB_SEC_ANSWER);
	rrs[1] = rr(EVIL, sizeof EVIL, LB_T_A, IP2, 4, 300, LB_SEC_ANSWER);
	m.rr = rrs;
	m.nrr = 2;
	run(&m, &s, NULL);
	assert_int_equal(unrelated_of(&s, WWW, sizeof WWW, LB_T_A), 0);
	assert_int_equal(unrelated_of(&s, EVIL, sizeof EVIL, LB_T_A), 1);
	/* no question (an mDNS announcement): nothing to relate to, nothing flagged */
	m.has_question = false;
	run(&m, &s, NULL);
	assert_int_equal(unrelated_of(&s, EVIL, sizeof EVIL, LB_T_A), 0);
}

/* Queries and non-QUERY opcodes produce nothing. */
static void test_queries_ignored(void **state)
{
	(void)state;
	lb_msg_t m;
	lb_rr_t rrs[1];
	struct seen s;
	resp_init(&m, WWW, sizeof WWW, LB_T_A);
	rrs[0] = rr(WWW, sizeof WWW, LB_T_A, IP1, 4, 1, LB_SEC_ANSWER);
	m.rr = rrs;
	m.nrr = 1;
	m.qr = false;
	run(&m, &s, NULL);
	assert_int_equal(s.nsets + s.nneg, 0);
	m.qr = true;
	m.opcode = 4; /* NOTIFY */
	run(&m, &s, NULL);
	assert_int_equal(s.nsets + s.nneg, 0);
}

/* A CNAME loop in the answer does not hang and is not NODATA. */
static void test_cname_loop(void **state)
{
	(void)state;
	lb_msg_t m;
	lb_rr_t rrs[2];
	struct seen s;
	resp_init(&m, WWW, sizeof WWW, LB_T_A);
	rrs[0] = rr(WWW, sizeof WWW, LB_T_CNAME, CDN, sizeof CDN, 1, LB_SEC_ANSWER);
	rrs[1] = rr(CDN, sizeof CDN, LB_T_CNAME, WWW, sizeof WWW, 1, LB_SEC_ANSWER);
	m.rr = rrs;
	m.nrr = 2;
	run(&m, &s, NULL);
	assert_int_equal(s.nsets, 2);
	assert_int_equal(s.nneg, 0);
	/* an NXDOMAIN on a loop speaks of no name of it: no denial (before,
	 * the qname - which has its CNAME - was recorded as not existing) */
	m.rcode = LB_RCODE_NXDOMAIN;
	run(&m, &s, NULL);
	assert_int_equal(s.nsets, 2);
	assert_int_equal(s.nneg, 0);
	/* nor on a loop that starts further down the chain */
	lb_rr_t r3[3];
	static const uint8_t L1[] = "l1example", L2[] = "l2example";
	r3[0] = rr(WWW, sizeof WWW, LB_T_CNAME, L1, sizeof L1, 1, LB_SEC_ANSWER);
	r3[1] = rr(L1, sizeof L1, LB_T_CNAME, L2, sizeof L2, 1, LB_SEC_ANSWER);
	r3[2] = rr(L2, sizeof L2, LB_T_CNAME, L1, sizeof L1, 1, LB_SEC_ANSWER);
	m.rr = r3;
	m.nrr = 3;
	run(&m, &s, NULL);
	assert_int_equal(s.nsets, 3);
	assert_int_equal(s.nneg, 0);
	for (int i = 0; i < 3; i++)
		assert_false(s.set[i].unrelated);
}

/* TC set: the set of the message's last record may have been cut short
 * (RFC 2181 9) and is marked, wherever the sort puts it; the others are
 * whole.  Without TC nothing is marked. */
static void test_truncated_last_set(void **state)
{
	(void)state;
	lb_msg_t m;
	lb_rr_t rrs[4];
	struct seen s;
	static const uint8_t NS1[] = "ns1cdnnet";
	for (int tc = 0; tc <= 1; tc++) {
		resp_init(&m, WWW, sizeof WWW, LB_T_A);
		m.tc = tc;
		rrs[0] = rr(WWW, sizeof WWW, LB_T_A, IP2, 4, 1, LB_SEC_ANSWER);
		rrs[1] = rr(WWW, sizeof WWW, LB_T_A, IP1, 4, 1, LB_SEC_ANSWER);
		rrs[2] = rr(CDN, sizeof CDN, LB_T_NS, NS1, sizeof NS1, 1, LB_SEC_AUTHORITY);
		rrs[3] = rr(WWW, sizeof WWW, LB_T_A, IP1, 4, 1, LB_SEC_ADDITIONAL);
		m.rr = rrs;
		m.nrr = 4;
		run(&m, &s, NULL);
		assert_int_equal(s.nsets, 3);
		for (int i = 0; i < s.nsets; i++)
			assert_int_equal(s.set[i].truncated,
					 tc && s.set[i].section == LB_SEC_ADDITIONAL);
		/* the answer alone: the answer is the last set */
		m.nrr = 2;
		run(&m, &s, NULL);
		assert_int_equal(s.nsets, 1);
		assert_int_equal(s.set[0].nrdata, 2);
		assert_int_equal(s.set[0].truncated, tc);
		/* a parse stopped at our limit (msg.h cut) likewise */
		m.tc = 0;
		m.cut = tc;
		run(&m, &s, NULL);
		assert_int_equal(s.set[0].truncated, tc);
	}
}

/* A chain longer than the walk follows (16 links) has no end known: no
 * denial; one within it has its denial at its end. */
static void test_long_chain(void **state)
{
	(void)state;
	static uint8_t names[20][16];
	lb_rr_t rrs[19];
	lb_msg_t m;
	struct seen s;
	for (int i = 0; i < 20; i++) {
		names[i][0] = 3;
		names[i][1] = 'c';
		names[i][2] = (uint8_t)('a' + i / 10);
		names[i][3] = (uint8_t)('0' + i % 10);
		memcpy(names[i] + 4, "example", 9);
	}
	size_t nl = 4 + 9;
	for (int links = 16; links <= 18; links += 2) {
		resp_init(&m, names[0], nl, LB_T_A);
		m.rcode = LB_RCODE_NXDOMAIN;
		for (int i = 0; i < links; i++)
			rrs[i] = rr(names[i], nl, LB_T_CNAME, names[i + 1], nl, 1, LB_SEC_ANSWER);
		m.rr = rrs;
		m.nrr = (size_t)links;
		run(&m, &s, NULL);
		if (links == 16) {
			assert_int_equal(s.nneg, 1);
			assert_memory_equal(s.neg[0].name, names[16], nl);
		} else {
			assert_int_equal(s.nneg, 0);
		}
	}
}

/* A large message (past the insertion-sort size) in scrambled order: every
 * set comes out whole, its rdata sorted and unique. */
/* RRsets arriving grouped and in order with their rdata out of order (the
 * usual shape of a response): each set comes out sorted and unique, the sets
 * in canonical order, TTL the smallest; a set longer than the in-place sort
 * takes (16 records) is sorted as well. */
static void test_sets_in_order_rdata_not(void **state)
{
	(void)state;
	enum { LONG = 20 };
	static uint8_t ips[LONG][4];
	static const uint8_t IP3[] = { 192, 0, 2, 3 };
	lb_msg_t m;
	lb_rr_t rrs[8 + LONG];
	size_t n = 0;
	resp_init(&m, CDN, sizeof CDN, LB_T_A);
	rrs[n++] = rr(CDN, sizeof CDN, LB_T_A, IP3, 4, 60, LB_SEC_ANSWER);
	rrs[n++] = rr(CDN, sizeof CDN, LB_T_A, IP1, 4, 50, LB_SEC_ANSWER);
	rrs[n++] = rr(CDN, sizeof CDN, LB_T_A, IP3, 4, 40, LB_SEC_ANSWER); /* duplicate */
	rrs[n++] = rr(CDN, sizeof CDN, LB_T_A, IP2, 4, 60, LB_SEC_ANSWER);
	rrs[n++] = rr(EX, sizeof EX, LB_T_NS, WWW, sizeof WWW, 900, LB_SEC_AUTHORITY);
	rrs[n++] = rr(EX, sizeof EX, LB_T_NS, CDN, sizeof CDN, 800, LB_SEC_AUTHORITY);
	for (int i = 0; i < LONG; i++) { /* descending, one duplicate */
		ips[i][0] = 10;
		ips[i][1] = 0;
		ips[i][2] = 0;
		ips[i][3] = (uint8_t)(i == LONG - 1 ? 2 : LONG - i);
		rrs[n++] = rr(WWW, sizeof WWW, LB_T_A, ips[i], 4, 70, LB_SEC_ADDITIONAL);
	}
	m.rr = rrs;
	struct seen s;
	lb_stats_t st = { 0 };
	for (int with_long = 0; with_long <= 1; with_long++) {
		m.nrr = with_long ? n : 6;
		memset(&st, 0, sizeof st);
		run(&m, &s, &st);
		assert_int_equal(s.nsets, with_long ? 3 : 2);
		assert_int_equal(s.set[0].type, LB_T_A);
		assert_int_equal(s.set[0].section, LB_SEC_ANSWER);
		assert_int_equal(s.set[0].nrdata, 3);
		assert_memory_equal(s.set[0].rd[0], IP1, 4);
		assert_memory_equal(s.set[0].rd[1], IP2, 4);
		assert_memory_equal(s.set[0].rd[2], IP3, 4);
		assert_int_equal(s.set[0].ttl, 40);
		assert_int_equal(s.set[1].type, LB_T_NS);
		assert_int_equal(s.set[1].nrdata, 2);
		assert_memory_equal(s.set[1].rd[0], CDN, sizeof CDN); /* \3cdn before \3www */
		assert_memory_equal(s.set[1].rd[1], WWW, sizeof WWW);
		assert_int_equal(s.set[1].ttl, 800);
		if (!with_long) {
			assert_int_equal(st.rrs, 3 + 2);
			continue;
		}
		assert_int_equal(s.set[2].section, LB_SEC_ADDITIONAL);
		assert_int_equal(s.set[2].nrdata, LONG - 1);
		for (int i = 0; i < 8; i++)
			assert_int_equal(s.set[2].rd[i][3], i + 2);
		assert_int_equal(st.rrs, 3 + 2 + LONG - 1);
	}
}

/* Sets sorted by rdata: four-octet rdata as big-endian words (the first
 * octet decides, as memcmp's order), other lengths bytewise; a set mixing
 * the lengths is sorted bytewise too. */
static void test_set_sort_byte_order(void **state)
{
	(void)state;
	static const uint8_t A1[] = { 2, 0, 0, 1 }, A2[] = { 1, 0, 0, 2 }, A3[] = { 1, 0, 0, 1 };
	static const uint8_t T1[] = "\3abd", T2[] = "\2ab", T3[] = "\3abc";
	lb_msg_t m;
	lb_rr_t rrs[7];
	resp_init(&m, CDN, sizeof CDN, LB_T_A);
	rrs[0] = rr(CDN, sizeof CDN, LB_T_A, A1, 4, 60, LB_SEC_ANSWER);
	rrs[1] = rr(CDN, sizeof CDN, LB_T_A, A2, 4, 60, LB_SEC_ANSWER);
	rrs[2] = rr(CDN, sizeof CDN, LB_T_A, A1, 4, 20, LB_SEC_ANSWER); /* duplicate */
	rrs[3] = rr(CDN, sizeof CDN, LB_T_A, A3, 4, 60, LB_SEC_ANSWER);
	rrs[4] = rr(CDN, sizeof CDN, LB_T_TXT, T1, 4, 60, LB_SEC_ANSWER);
	rrs[5] = rr(CDN, sizeof CDN, LB_T_TXT, T2, 3, 60, LB_SEC_ANSWER);
	rrs[6] = rr(CDN, sizeof CDN, LB_T_TXT, T3, 4, 60, LB_SEC_ANSWER);
	m.rr = rrs;
	m.nrr = 7;
	struct seen s;
	lb_stats_t st = { 0 };
	run(&m, &s, &st);
	assert_int_equal(s.nsets, 2);
	assert_int_equal(s.set[0].type, LB_T_A);
	assert_int_equal(s.set[0].nrdata, 3);
	assert_memory_equal(s.set[0].rd[0], A3, 4);
	assert_memory_equal(s.set[0].rd[1], A2, 4);
	assert_memory_equal(s.set[0].rd[2], A1, 4);
	assert_int_equal(s.set[0].ttl, 20);
	assert_int_equal(s.set[1].type, LB_T_TXT);
	assert_int_equal(s.set[1].nrdata, 3);
	assert_int_equal(s.set[1].rdlen[0], 3);
	assert_memory_equal(s.set[1].rd[0], T2, 3);
	assert_memory_equal(s.set[1].rd[1], T3, 4);
	assert_memory_equal(s.set[1].rd[2], T1, 4);
	assert_int_equal(st.rrs, 6);
}

static int big_sets, big_bad;

static void on_big(void *ctx, const lb_obs_rrset_t *o)
{
	(void)ctx;
	big_sets++;
	if (o->nrdata != 10)
		big_bad++;
	for (size_t i = 1; i < o->nrdata; i++)
		if (memcmp(o->rdata[i - 1], o->rdata[i], 4) >= 0)
			big_bad++;
}

static void test_large_message_sorted(void **state)
{
	(void)state;
	enum { OWNERS = 30, PER = 10, N = OWNERS * PER };
	static uint8_t owners[OWNERS][8];
	static uint8_t ips[N][4];
	static lb_rr_t rrs[N + PER];
	static lb_obs_scratch_t scratch;
	lb_msg_t m;
	resp_init(&m, WWW, sizeof WWW, LB_T_A);
	unsigned x = 12345;
	for (int i = 0; i < N; i++) {
		int o = (i * 7) % OWNERS, k = i / OWNERS;
		memcpy(owners[o], "\4h000\0", 6);
		owners[o][2] = (uint8_t)('0' + o / 10);
		owners[o][3] = (uint8_t)('0' + o % 10);
		x = x * 1103515245u + 12345u;
		ips[i][0] = 10;
		ips[i][1] = (uint8_t)(x >> 16);
		ips[i][2] = (uint8_t)k;
		ips[i][3] = (uint8_t)o;
		rrs[i] = rr(owners[o], 6, LB_T_A, ips[i], 4, 60, LB_SEC_ANSWER);
	}
	/* the first owner's records once more: duplicates must fold */
	for (int i = 0; i < PER; i++)
		rrs[N + i] = rrs[i * OWNERS];
	m.rr = rrs;
	m.nrr = N + PER;
	big_sets = big_bad = 0;
	struct timeval tv = { 1700000000, 0 };
	lb_obs_sink_t sink = { on_big, NULL, NULL };
	lb_obs_from_msg(&m, &tv, NULL, NULL, &scratch, &sink, NULL);
	assert_int_equal(big_sets, OWNERS);
	assert_int_equal(big_bad, 0);
}

/* Regression (upstream_tshark7.py ixfr_differences): an IXFR response of
 * differences (RFC 1995 4: the current SOA; per version an SOA, deletions,
 * an SOA, additions; the current SOA) was grouped like a zone: an SOA RRset
 * of three serials and an A RRset of a deleted and an added address, sets
 * no version of the zone held.  Only the first SOA is observed now, the
 * rest counted (ixfr_changes); the whole-zone form (SOA, zone, the same SOA)
 * and the up-to-date one (the SOA alone) are the zone's RRsets; a later
 * message of a transfer (no SOA first) gives nothing. */
static void test_ixfr_differences(void **state)
{
	(void)state;
	static const uint8_t SOA1[] = "soa-serial-1", SOA2[] = "soa-serial-2", SOA3[] = "soa-serial-3";
	lb_msg_t m;
	lb_rr_t rrs[8];
	struct seen s;
	lb_stats_t st = { 0 };
	resp_init(&m, EX, sizeof EX, LB_T_IXFR);
	rrs[0] = rr(EX, sizeof EX, LB_T_SOA, SOA3, sizeof SOA3, 300, LB_SEC_ANSWER);
	rrs[1] = rr(EX, sizeof EX, LB_T_SOA, SOA1, sizeof SOA1, 300, LB_SEC_ANSWER);
	rrs[2] = rr(WWW, sizeof WWW, LB_T_A, IP1, 4, 300, LB_SEC_ANSWER);
	rrs[3] = rr(EX, sizeof EX, LB_T_SOA, SOA2, sizeof SOA2, 300, LB_SEC_ANSWER);
	rrs[4] = rr(WWW, sizeof WWW, LB_T_A, IP2, 4, 300, LB_SEC_ANSWER);
	rrs[5] = rr(EX, sizeof EX, LB_T_SOA, SOA2, sizeof SOA2, 300, LB_SEC_ANSWER);
	rrs[6] = rr(EX, sizeof EX, LB_T_SOA, SOA3, sizeof SOA3, 300, LB_SEC_ANSWER);
	rrs[7] = rr(EX, sizeof EX, LB_T_SOA, SOA3, sizeof SOA3, 300, LB_SEC_ANSWER);
	m.rr = rrs;
	m.nrr = 8;
	run(&m, &s, &st);
	assert_int_equal(s.nsets, 1);
	assert_int_equal(s.set[0].type, LB_T_SOA);
	assert_int_equal(s.set[0].nrdata, 1);
	assert_memory_equal(s.set[0].rd[0], SOA3, sizeof SOA3);
	assert_int_equal(s.nneg, 0);
	assert_int_equal(st.drops[LB_DROP_IXFR_CHANGES], 7);

	/* the whole zone between two copies of its SOA, then an additional
	 * record: all observed */
	rrs[0] = rr(EX, sizeof EX, LB_T_SOA, SOA3, sizeof SOA3, 300, LB_SEC_ANSWER);
	rrs[1] = rr(WWW, sizeof WWW, LB_T_A, IP1, 4, 300, LB_SEC_ANSWER);
	rrs[2] = rr(WWW, sizeof WWW, LB_T_A, IP2, 4, 300, LB_SEC_ANSWER);
	rrs[3] = rr(EX, sizeof EX, LB_T_SOA, SOA3, sizeof SOA3, 300, LB_SEC_ANSWER);
	rrs[4] = rr(CDN, sizeof CDN, LB_T_A, IP1, 4, 300, LB_SEC_ADDITIONAL);
	m.nrr = 5;
	memset(&st, 0, sizeof st);
	run(&m, &s, &st);
	assert_int_equal(s.nsets, 3);
	for (int i = 0; i < s.nsets; i++)
		assert_int_equal(s.set[i].nrdata, s.set[i].type == LB_T_A && s.set[i].section ==
							   LB_SEC_ANSWER ? 2 : 1);
	assert_int_equal(st.drops[LB_DROP_IXFR_CHANGES], 0);

	/* the first message of a whole-zone answer sent in several (RFC 1995 4,
	 * RFC 5936 2.2): the SOA, then records that are no SOA, the closing SOA
	 * in a later message - the zone's records, all observed (they were
	 * taken for differences: the SOA alone) */
	m.nrr = 3;
	memset(&st, 0, sizeof st);
	run(&m, &s, &st);
	assert_int_equal(s.nsets, 2);
	for (int i = 0; i < s.nsets; i++)
		assert_int_equal(s.set[i].nrdata, s.set[i].type == LB_T_A ? 2 : 1);
	assert_int_equal(s.set[0].type + s.set[1].type, LB_T_A + LB_T_SOA);
	assert_int_equal(st.drops[LB_DROP_IXFR_CHANGES], 0);
	/* ... but differences cut short, two SOAs first: the current SOA alone */
	rrs[1] = rr(EX, sizeof EX, LB_T_SOA, SOA1, sizeof SOA1, 300, LB_SEC_ANSWER);
	run(&m, &s, &st);
	assert_int_equal(s.nsets, 1);
	assert_memory_equal(s.set[0].rd[0], SOA3, sizeof SOA3);
	assert_int_equal(st.drops[LB_DROP_IXFR_CHANGES], 2);

	/* up to date: the SOA alone */
	memset(&st, 0, sizeof st);
	m.nrr = 1;
	run(&m, &s, &st);
	assert_int_equal(s.nsets, 1);
	assert_int_equal(st.drops[LB_DROP_IXFR_CHANGES], 0);

	/* a later message of a transfer: no SOA first, nothing observed but
	 * the additional section */
	rrs[0] = rr(WWW, sizeof WWW, LB_T_A, IP1, 4, 300, LB_SEC_ANSWER);
	rrs[1] = rr(EX, sizeof EX, LB_T_SOA, SOA3, sizeof SOA3, 300, LB_SEC_ANSWER);
	rrs[2] = rr(CDN, sizeof CDN, LB_T_A, IP1, 4, 300, LB_SEC_ADDITIONAL);
	m.nrr = 3;
	run(&m, &s, &st);
	assert_int_equal(s.nsets, 1);
	assert_int_equal(s.set[0].section, LB_SEC_ADDITIONAL);
	assert_int_equal(st.drops[LB_DROP_IXFR_CHANGES], 2);

	/* an AXFR of that shape is a zone transfer's later message: kept */
	m.qtype = LB_T_AXFR;
	memset(&st, 0, sizeof st);
	run(&m, &s, &st);
	assert_int_equal(s.nsets, 3);
	assert_int_equal(st.drops[LB_DROP_IXFR_CHANGES], 0);
}

/* Later messages of a transfer carry no question (RFC 5936 2.2; BIND sends
 * an IXFR's only in the first).  One with an SOA before its last answer
 * record, or two SOAs, is an IXFR's differences: nothing of its answer is
 * an RRset (they were stored as sets no version held).  With no SOA, or one
 * SOA last, it may be an AXFR's: observed as before. */
/* Regression: the later messages of an IXFR over TCP (RFC 1995 4, RFC 5936
 * 2.2) do not say whether they are of differences or of a zone: one of
 * differences without an SOA and without the question (BIND's) was read as
 * a zone's (its deleted records observed as RRsets), one of a zone that
 * repeats the question and does not open with an SOA gave nothing.  The
 * first message's form is remembered per connection and id now. */
static void run_flow(lb_msg_t *m, struct seen *s, lb_stats_t *st, lb_obs_scratch_t *sc,
		     uint8_t port, time_t sec)
{
	struct timeval tv = { sec, 0 };
	lb_obs_sink_t sink = { on_set, on_neg, s };
	memset(s, 0, sizeof *s);
	memset(&sc->flow, 0, sizeof sc->flow);
	sc->has_flow = true;
	sc->flow.ipver = 4;
	sc->flow.src[0] = 192;
	sc->flow.dst[0] = 198;
	sc->flow.sport = 53;
	sc->flow.dport = (uint16_t)(40000 + port);
	lb_obs_from_msg(m, &tv, NULL, "t", sc, &sink, st);
}

static void test_ixfr_later_messages(void **state)
{
	(void)state;
	static const uint8_t SOA1[] = "soa-serial-1", SOA3[] = "soa-serial-3";
	static lb_obs_scratch_t sc;
	lb_msg_t m;
	lb_rr_t rrs[4];
	struct seen s;
	lb_stats_t st = { 0 };
	/* differences: the current SOA, the old one, a deletion ... */
	resp_init(&m, EX, sizeof EX, LB_T_IXFR);
	m.id = 7;
	rrs[0] = rr(EX, sizeof EX, LB_T_SOA, SOA3, sizeof SOA3, 300, LB_SEC_ANSWER);
	rrs[1] = rr(EX, sizeof EX, LB_T_SOA, SOA1, sizeof SOA1, 300, LB_SEC_ANSWER);
	rrs[2] = rr(WWW, sizeof WWW, LB_T_A, IP1, 4, 300, LB_SEC_ANSWER);
	m.rr = rrs;
	m.nrr = 3;
	run_flow(&m, &s, &st, &sc, 1, 1000);
	assert_int_equal(s.nsets, 1);
	assert_int_equal(st.drops[LB_DROP_IXFR_CHANGES], 2);
	/* ... continued without the question, no SOA: deletions, nothing */
	m.has_question = false;
	m.qtype = 0;
	rrs[0] = rr(WWW, sizeof WWW, LB_T_A, IP2, 4, 300, LB_SEC_ANSWER);
	rrs[1] = rr(CDN, sizeof CDN, LB_T_A, IP1, 4, 300, LB_SEC_ANSWER);
	m.nrr = 2;
	run_flow(&m, &s, &st, &sc, 1, 1001);
	assert_int_equal(s.nsets, 0);
	assert_int_equal(st.drops[LB_DROP_IXFR_CHANGES], 4);
	/* another connection, another id, or long after: a zone's, as before */
	run_flow(&m, &s, &st, &sc, 2, 1001);
	assert_int_equal(s.nsets, 2);
	m.id = 8;
	run_flow(&m, &s, &st, &sc, 1, 1001);
	assert_int_equal(s.nsets, 2);
	m.id = 7;
	run_flow(&m, &s, &st, &sc, 1, 1200);
	assert_int_equal(s.nsets, 2);
	assert_int_equal(st.drops[LB_DROP_IXFR_CHANGES], 4);

	/* a zone in several messages, each repeating the question: the SOA
	 * and records, then records and the closing SOA - all observed */
	resp_init(&m, EX, sizeof EX, LB_T_IXFR);
	m.id = 9;
	rrs[0] = rr(EX, sizeof EX, LB_T_SOA, SOA3, sizeof SOA3, 300, LB_SEC_ANSWER);
	rrs[1] = rr(WWW, sizeof WWW, LB_T_A, IP1, 4, 300, LB_SEC_ANSWER);
	m.rr = rrs;
	m.nrr = 2;
	run_flow(&m, &s, &st, &sc, 3, 2000);
	assert_int_equal(s.nsets, 2);
	rrs[0] = rr(CDN, sizeof CDN, LB_T_A, IP2, 4, 300, LB_SEC_ANSWER);
	rrs[1] = rr(EX, sizeof EX, LB_T_SOA, SOA3, sizeof SOA3, 300, LB_SEC_ANSWER);
	run_flow(&m, &s, &st, &sc, 3, 2001);
	assert_int_equal(s.nsets, 2);
	/* without the first message (another connection): nothing, as before */
	run_flow(&m, &s, &st, &sc, 4, 2001);
	assert_int_equal(s.nsets, 0);
	assert_int_equal(st.drops[LB_DROP_IXFR_CHANGES], 6);
}

static void test_questionless_transfer_messages(void **state)
{
	(void)state;
	static const uint8_t SOA1[] = "soa-serial-1", SOA2[] = "soa-serial-2";
	lb_msg_t m;
	lb_rr_t rrs[6];
	struct seen s;
	lb_stats_t st = { 0 };
	resp_init(&m, EX, sizeof EX, LB_T_IXFR);
	m.has_question = false;
	m.qname_len = 0;
	m.qtype = 0;
	/* an IXFR's middle: deletions of version 1, the SOA of 2, additions */
	rrs[0] = rr(WWW, sizeof WWW, LB_T_A, IP1, 4, 300, LB_SEC_ANSWER);
	rrs[1] = rr(EX, sizeof EX, LB_T_SOA, SOA2, sizeof SOA2, 300, LB_SEC_ANSWER);
	rrs[2] = rr(WWW, sizeof WWW, LB_T_A, IP2, 4, 300, LB_SEC_ANSWER);
	m.rr = rrs;
	m.nrr = 3;
	run(&m, &s, &st);
	assert_int_equal(s.nsets, 0);
	assert_int_equal(st.drops[LB_DROP_IXFR_CHANGES], 3);
	/* two SOAs, the second last */
	rrs[2] = rr(EX, sizeof EX, LB_T_SOA, SOA1, sizeof SOA1, 300, LB_SEC_ANSWER);
	memset(&st, 0, sizeof st);
	run(&m, &s, &st);
	assert_int_equal(s.nsets, 0);
	assert_int_equal(st.drops[LB_DROP_IXFR_CHANGES], 3);
	/* an AXFR's last message: the zone's records, its SOA last: kept */
	rrs[0] = rr(WWW, sizeof WWW, LB_T_A, IP1, 4, 300, LB_SEC_ANSWER);
	rrs[1] = rr(WWW, sizeof WWW, LB_T_A, IP2, 4, 300, LB_SEC_ANSWER);
	rrs[2] = rr(EX, sizeof EX, LB_T_SOA, SOA2, sizeof SOA2, 300, LB_SEC_ANSWER);
	memset(&st, 0, sizeof st);
	run(&m, &s, &st);
	assert_int_equal(s.nsets, 2);
	assert_int_equal(st.drops[LB_DROP_IXFR_CHANGES], 0);
	/* an AXFR's middle: no SOA at all: kept */
	m.nrr = 2;
	run(&m, &s, &st);
	assert_int_equal(s.nsets, 1);
	assert_int_equal(s.set[0].nrdata, 2);
	assert_int_equal(st.drops[LB_DROP_IXFR_CHANGES], 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chain_and_sets),
		cmocka_unit_test(test_sections_apart),
		cmocka_unit_test(test_rrsig_by_covered),
		cmocka_unit_test(test_negative_kinds),
		cmocka_unit_test(test_negative_meta_qtypes),
		cmocka_unit_test(test_unrelated_answers),
		cmocka_unit_test(test_queries_ignored),
		cmocka_unit_test(test_cname_loop),
		cmocka_unit_test(test_long_chain),
		cmocka_unit_test(test_truncated_last_set),
		cmocka_unit_test(test_large_message_sorted),
		cmocka_unit_test(test_sets_in_order_rdata_not),
		cmocka_unit_test(test_set_sort_byte_order),
		cmocka_unit_test(test_ixfr_differences),
		cmocka_unit_test(test_questionless_transfer_messages),
		cmocka_unit_test(test_ixfr_later_messages),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
