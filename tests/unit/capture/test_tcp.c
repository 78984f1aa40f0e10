/* test_tcp.c - DNS over TCP: framing, reassembly, retransmission, reordering,
 * streams without SYN, gaps, junk, bounds, cleanup. */
#include "build.h"

static lb_decoder_t *d;
static got_t *g;
static uint8_t m1[300], m2[300], stream[1000];
static size_t n1 = 45, n2 = 230, slen;

/* stream = [len m1][m1][len m2][m2] */
static void mk_stream(void)
{
	mk_dns(m1, 0x1111, n1);
	mk_dns(m2, 0x2222, n2);
	slen = 0;
	stream[slen++] = 0;
	stream[slen++] = (uint8_t)n1;
	memcpy(stream + slen, m1, n1);
	slen += n1;
	stream[slen++] = 0;
	stream[slen++] = (uint8_t)n2;
	memcpy(stream + slen, m2, n2);
	slen += n2;
}

static lb_decoder_t *mk_decoder(size_t flow_mem, size_t mem, size_t flows)
{
	lb_decoder_opts_t o;
	lb_decoder_opts_default(&o);
	if (flow_mem)
		o.tcp_flow_mem_max = flow_mem;
	if (mem)
		o.tcp_mem_max = mem;
	if (flows)
		o.tcp_max_flows = flows;
	lb_decoder_t *x = lb_decoder_new(&o, collect, g);
	assert_non_null(x);
	return x;
}

static int setup(void **state)
{
	(void)state;
	g = got_new();
	d = mk_decoder(0, 0, 0);
	mk_stream();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	lb_decoder_free(d);
	free(g);
	return 0;
}

#define ISN 1000u

/* One segment of flow `cport` (client port); dir 0 = client -> server. */
static void seg_on(lb_decoder_t *x, uint16_t cport, int dir, uint32_t seq, unsigned flags,
		   const uint8_t *p, size_t n, double t)
{
	wb_t tcp, ip;
	if (dir == 0) {
		mk_tcp(&tcp, cport, 53, seq, flags | TH_ACK, p, n);
		mk_ip4(&ip, A4, B4, 6, 1, 0, tcp.b, tcp.n);
	} else {
		mk_tcp(&tcp, 53, cport, seq, flags | TH_ACK, p, n);
		mk_ip4(&ip, B4, A4, 6, 1, 0, tcp.b, tcp.n);
	}
	feed(x, 228, t, ip.b, ip.n);
}

static void seg(uint32_t seq, unsigned flags, const uint8_t *p, size_t n)
{
	seg_on(d, 40000, 0, seq, flags, p, n, 1);
}

/* The stream's offset `off` as a sequence number after a SYN at ISN. */
#define S(off) (ISN + 1 + (uint32_t)(off))

static void expect_both(void)
{
	assert_int_equal(g->n, 2);
	assert_msg(g, 0, m1, n1);
	assert_msg(g, 1, m2, n2);
	assert_int_equal(g->m[0].proto, 6);
	assert_int_equal(g->m[0].sport, 40000);
	assert_int_equal(g->m[0].dport, 53);
	assert_memory_equal(g->m[0].src, A4, 4);
	assert_int_equal(lb_decoder_stats(d)->tcp_dns, 2);
}

/* n messages, alternately m1 and m2 */
static void expect_n(size_t n)
{
	assert_int_equal(g->n, n);
	for (size_t i = 0; i < n; i++)
		assert_msg(g, i, i % 2 ? m2 : m1, i % 2 ? n2 : n1);
}

static void t_multi_message_segment(void **state)
{
	(void)state;
	seg(ISN, TH_SYN, NULL, 0);
	seg(S(0), TH_PSH, stream, slen);
	expect_both();
	assert_int_equal(drops_total(d), 0);
	assert_int_equal(lb_decoder_mem(d), 0);
	assert_int_equal(lb_decoder_stats(d)->tcp_segments, 2);
}

static void t_every_split_point(void **state)
{
	(void)state;
	for (size_t i = 1; i < slen; i++) {
		g->n = 0;
		lb_decoder_free(d);
		d = mk_decoder(0, 0, 0);
		seg(ISN, TH_SYN, NULL, 0);
		seg(S(0), 0, stream, i);
		seg(S(i), 0, stream + i, slen - i);
		expect_both();
		assert_int_equal(drops_total(d), 0);
		assert_int_equal(lb_decoder_mem(d), 0);
	}
	/* and byte by byte */
	g->n = 0;
	lb_decoder_free(d);
	d = mk_decoder(0, 0, 0);
	seg(ISN, TH_SYN, NULL, 0);
	for (size_t i = 0; i < slen; i++)
		seg(S(i), 0, stream + i, 1);
	expect_both();
	assert_int_equal(drops_total(d), 0);
}

static void t_split_three_ways_with_server_side(void **state)
{
	(void)state;
	seg(ISN, TH_SYN, NULL, 0);
	seg_on(d, 40000, 1, 5000, TH_SYN, NULL, 0, 1);
	seg(S(0), 0, stream, 1);
	seg(S(1), 0, stream + 1, 30);
	/* the server answers m2 meanwhile, in one segment */
	seg_on(d, 40000, 1, 5001, 0, stream + 2 + n1, 2 + n2, 1);
	seg(S(31), 0, stream + 31, slen - 31);
	assert_int_equal(g->n, 3);
	assert_msg(g, 0, m2, n2);
	assert_int_equal(g->m[0].sport, 53);
	assert_memory_equal(g->m[0].src, B4, 4);
	assert_msg(g, 1, m1, n1);
	assert_msg(g, 2, m2, n2);
	assert_int_equal(drops_total(d), 0);
}

static void t_retransmission(void **state)
{
	(void)state;
	seg(ISN, TH_SYN, NULL, 0);
	seg(ISN, TH_SYN, NULL, 0);                 /* repeated SYN */
	seg(S(0), 0, stream, 20);
	seg(S(0), 0, stream, 20);                  /* duplicate */
	seg(S(10), 0, stream + 10, 60);            /* overlaps 10 old, 50 new bytes */
	seg(S(0), 0, stream, 70);                  /* all old */
	seg(S(70), 0, stream + 70, slen - 70);
	seg(S(40), 0, stream + 40, slen - 40);     /* late retransmission of the rest */
	seg(S(0), 0, stream, 10);                  /* an old segment ending well before next */
	expect_both();
	assert_int_equal(drops_total(d), 0);
}

static void t_stale_syn_and_port_reuse(void **state)
{
	(void)state;
	seg(ISN, TH_SYN, NULL, 0);
	seg(S(0), 0, stream, 2 + n1);
	seg(ISN, TH_SYN, NULL, 0);                 /* SYN retransmitted late */
	seg(S(0), 0, stream, 2 + n1);              /* ... with the data: must not repeat m1 */
	seg(S(2 + n1), TH_FIN, stream + 2 + n1, 2 + n2);
	expect_both();
	/* the same ports reused by a new connection */
	seg(77777, TH_SYN, NULL, 0);
	seg(77778, 0, stream, slen);
	assert_int_equal(g->n, 4);
	assert_msg(g, 3, m2, n2);
	assert_int_equal(drops_total(d), 0);
}

/* Regression: the same ports used again by a new connection, the old one's
 * FIN or RST never captured: a SYN whose initial sequence number was up to
 * 2^30 behind the old stream was taken for a stale retransmission, and the
 * new stream's data for duplicates, lost without a count.  A SYN with another
 * sequence number than the SYN seen is a new connection (RFC 793 3.3). */
static void t_port_reuse_without_fin(void **state)
{
	(void)state;
	seg(ISN + 100000, TH_SYN, NULL, 0);
	seg(ISN + 100001, 0, stream, slen);
	expect_both();
	seg(ISN, TH_SYN, NULL, 0);       /* new connection, ISN behind */
	seg(S(0), 0, stream, slen);
	assert_int_equal(g->n, 4);
	assert_msg(g, 2, m1, n1);
	assert_msg(g, 3, m2, n2);
	seg(ISN, TH_SYN, NULL, 0);       /* its SYN retransmitted: stale */
	seg(S(0), 0, stream, slen);
	assert_int_equal(g->n, 4);
	assert_int_equal(drops_total(d), 0);
}

static void t_reordering(void **state)
{
	(void)state;
	seg(ISN, TH_SYN, NULL, 0);
	seg(S(100), 0, stream + 100, slen - 100);
	seg(S(50), 0, stream + 50, 50);
	assert_int_equal(g->n, 0);
	assert_true(lb_decoder_mem(d) > 0);
	seg(S(0), 0, stream, 50);
	expect_both();
	assert_int_equal(drops_total(d), 0);
	assert_int_equal(lb_decoder_mem(d), 0);
}

static void t_no_syn(void **state)
{
	(void)state;
	/* the capture starts at a message boundary */
	seg(7777, 0, stream, 60);
	seg(7777 + 60, 0, stream + 60, slen - 60);
	expect_both();
	assert_int_equal(drops_total(d), 0);
	/* a stream that starts inside a message: the first bytes of m2's body are
	 * taken as a length below 12 -> junk (held until a header's worth is
	 * here: it could be a prefix sent alone); the next segment starts one */
	g->n = 0;
	uint8_t junk[4] = { 0, 3, 1, 2 };
	seg_on(d, 40001, 0, 99, 0, junk, 4, 2);
	assert_int_equal(drops_total(d), 0);
	seg_on(d, 40001, 0, 103, 0, stream, slen, 2);
	assert_int_equal(drop_n(d, LB_DROP_TCP_JUNK), 1);
	assert_int_equal(g->n, 2);
	assert_msg(g, 0, m1, n1);
	assert_int_equal(drops_total(d), 1);
	/* a stream seen first at a length prefix sent in a segment of its own */
	g->n = 0;
	seg_on(d, 40002, 0, 5000, 0, stream, 2, 3);
	seg_on(d, 40002, 0, 5002, 0, stream + 2, 7, 3);
	seg_on(d, 40002, 0, 5009, 0, stream + 9, slen - 9, 3);
	expect_n(2);
	assert_int_equal(drops_total(d), 1);
	assert_int_equal(lb_decoder_mem(d), 0);
}

/* Regression: a stream seen without its SYN whose first segment starts with
 * a DSO message (RFC 8490 5.4: opcode 6, counts zero, TLVs after the header)
 * was junk to plausible(), which took a message without question or record
 * for a bare header: the segment went, and the response packed behind the
 * DSO one with it. */
static void t_no_syn_dso_first(void **state)
{
	(void)state;
	/* a DSO Keepalive response: header (QR, opcode 6), TLV type 1, length 8 */
	uint8_t dso[2 + 12 + 12] = { 0, 24, 0xbd, 0x01, 0xb0, 0x00 };
	uint8_t tlv[12] = { 0, 1, 0, 8, 0, 0, 0x3a, 0x98, 0, 0x36, 0xee, 0x80 };
	memcpy(dso + 14, tlv, sizeof tlv);
	uint8_t s2[sizeof dso + 2 + 300];
	memcpy(s2, dso, sizeof dso);
	memcpy(s2 + sizeof dso, stream, 2 + n1);
	seg(7777, 0, s2, sizeof dso + 2 + n1);
	assert_int_equal(drops_total(d), 0);
	assert_int_equal(g->n, 2);
	assert_msg(g, 0, dso + 2, 24);
	assert_msg(g, 1, m1, n1);
	/* a DSO header whose first TLV runs past the message is still junk;
	 * the message behind it in the segment, which ends the segment, is
	 * found (find_boundary) */
	g->n = 0;
	dso[2 + 12 + 3] = 9;
	memcpy(s2, dso, sizeof dso);
	seg_on(d, 40001, 0, 99, 0, s2, sizeof dso + 2 + n1, 2);
	assert_int_equal(drop_n(d, LB_DROP_TCP_JUNK), 1);
	assert_int_equal(g->n, 1);
	assert_msg(g, 0, m1, n1);
}

/* [len][big] where big's body is text (a TXT record's, say): read from
 * inside it, its bytes give a long length prefix and no DNS header */
static size_t mk_text_stream(uint8_t *out, size_t body)
{
	size_t n = 0;
	out[n++] = (uint8_t)((19 + body) >> 8);
	out[n++] = (uint8_t)(19 + body);
	mk_dns(out + n, 0x4444, 19);
	out[n + 7] = 1; /* one answer */
	n += 19;
	for (size_t i = 0; i < body; i++)
		out[n++] = (uint8_t)("The quick brown fox jumps over the lazy dog. "[i % 45]);
	return n;
}

/* Regression: a capture that starts inside a message of a persistent
 * connection.  The first segment's bytes were taken as a length prefix
 * ("he": 26725 bytes) that swallowed the messages behind it, and framing
 * stayed off their boundaries: all lost (tshark loses them too). */
static void t_no_syn_inside_message(void **state)
{
	(void)state;
	static uint8_t big[3000];
	size_t nb = mk_text_stream(big, 2900);
	/* the second half of big, then m1 and m2, a segment each */
	seg(7000, 0, big + 1500, nb - 1500);
	assert_int_equal(drop_n(d, LB_DROP_TCP_JUNK), 1);
	seg(7000 + (uint32_t)(nb - 1500), 0, stream, 2 + n1);
	seg(7000 + (uint32_t)(nb - 1500 + 2 + n1), 0, stream + 2 + n1, 2 + n2);
	expect_both();
	assert_int_equal(drops_total(d), 1);
	assert_int_equal(lb_decoder_mem(d), 0);
	/* the segment after the first one ends inside a message too: dropped in
	 * turn, up to the first one that starts a message */
	g->n = 0;
	seg_on(d, 40001, 0, 1, 0, big + 1000, 500, 2);
	seg_on(d, 40001, 0, 501, 0, big + 1500, nb - 1500, 2);
	seg_on(d, 40001, 0, 501 + (uint32_t)(nb - 1500), 0, stream, slen, 2);
	assert_int_equal(drop_n(d, LB_DROP_TCP_JUNK), 3);
	expect_n(2);
	assert_int_equal(lb_decoder_mem(d), 0);
}

/* Regression: a boundary was looked for at segment starts only.  A segment
 * that starts inside a message (no SYN seen, or after a hole) and carries
 * whole messages behind it - pipelined answers, a sender's queue packed into
 * full-size segments - lost them all.  A boundary inside it is taken when
 * the message there ends inside the segment, at its end or where another
 * plausible message starts (find_boundary); one that is not confirmed so is
 * not, and the search stops SEARCH_MAX (2048) bytes in. */
static void t_boundary_inside_segment(void **state)
{
	(void)state;
	static uint8_t big[3000], sg[4000];
	size_t nb = mk_text_stream(big, 2900);
	/* no SYN: the tail of big, then m1 and m2, in one segment */
	size_t o = nb - 700;
	memcpy(sg, big + o, 700);
	memcpy(sg + 700, stream, slen);
	seg(7000, 0, sg, 700 + slen);
	assert_int_equal(drop_n(d, LB_DROP_TCP_JUNK), 1);
	expect_both();
	assert_int_equal(lb_decoder_mem(d), 0);
	/* framing goes on from there: the next segment's m1 */
	seg(7000 + (uint32_t)(700 + slen), 0, stream, 2 + n1);
	expect_n(3);
	/* after a hole: a segment with big's end and m1 whose end starts m2,
	 * then m2's rest in the next one */
	g->n = 0;
	seg_on(d, 40001, 0, ISN, TH_SYN, NULL, 0, 1);
	seg_on(d, 40001, 0, S(0), 0, big, 100, 1);
	/* [100, nb - 300) lost */
	memcpy(sg, big + nb - 300, 300);
	memcpy(sg + 300, stream, slen);
	seg_on(d, 40001, 0, S(nb - 300), 0, sg, 300 + 2 + n1 + 20, 1);
	seg_on(d, 40001, 0, S(nb + 2 + n1 + 20), 0, stream + 2 + n1 + 20, slen - 2 - n1 - 20, 1);
	seg_on(d, 40001, 0, S(nb + slen), TH_FIN, NULL, 0, 1);
	expire_all(d);
	assert_int_equal(drop_n(d, LB_DROP_TCP_GAP), 1);
	expect_n(2);
	/* a message whose end is followed by what is no message start, or by
	 * less than a header: not taken; the segment is junk */
	g->n = 0;
	uint64_t j0 = drop_n(d, LB_DROP_TCP_JUNK);
	memcpy(sg, big + 1000, 300);
	memcpy(sg + 300, stream, 2 + n1);
	memcpy(sg + 300 + 2 + n1, big + 1500, 40);
	seg_on(d, 40002, 0, 1, 0, sg, 300 + 2 + n1 + 40, 1);
	memcpy(sg + 300 + 2 + n1, stream + 2 + n1, 13);
	seg_on(d, 40003, 0, 1, 0, sg, 300 + 2 + n1 + 13, 1);
	assert_int_equal(drop_n(d, LB_DROP_TCP_JUNK) - j0, 2);
	assert_int_equal(g->n, 0);
	/* the search's bound: m1 2048 bytes in is found, 2049 bytes in not */
	for (size_t at = 2048; at <= 2049; at++) { /* g->n: 1, then still 1 */
		j0 = drop_n(d, LB_DROP_TCP_JUNK);
		memcpy(sg, big + 20, at);
		memcpy(sg + at, stream, 2 + n1);
		seg_on(d, (uint16_t)(40004 + at), 0, 1, 0, sg, at + 2 + n1, 1);
		assert_int_equal(drop_n(d, LB_DROP_TCP_JUNK) - j0, 1);
		assert_int_equal(g->n, 1);
	}
	assert_msg(g, 0, m1, n1);
	assert_int_equal(lb_decoder_mem(d), 0);
}

/* Regression: a hole given up that ends inside a message: framing restarted
 * there and read the message's text as a length prefix that swallowed the
 * next messages (tshark loses them too).  Now only the message across the
 * hole and the one it ends in are lost. */
static void t_hole_inside_message(void **state)
{
	(void)state;
	static uint8_t bs[4000];
	size_t bl = 0;
	memcpy(bs, stream, 2 + n1);
	bl = 2 + n1;
	bl += mk_text_stream(bs + bl, 2900);
	memcpy(bs + bl, stream, slen);
	bl += slen;
	seg(ISN, TH_SYN, NULL, 0);
	seg(S(0), 0, bs, 30);                                /* m1's start */
	/* [30, 2 + n1 + 1400) lost: m1's end and big's start */
	seg(S(2 + n1 + 1400), 0, bs + 2 + n1 + 1400, 1460);  /* inside big */
	size_t o = 2 + n1 + 1400 + 1460;
	seg(S(o), 0, bs + o, bl - slen - o);                 /* big's end */
	seg(S(bl - slen), 0, stream, 2 + n1);                /* m1 again */
	seg(S(bl - slen + 2 + n1), 0, stream + 2 + n1, 2 + n2);
	seg(S(bl), TH_FIN, NULL, 0);
	assert_int_equal(g->n, 0);
	expire_all(d);                                       /* gives the hole up */
	assert_int_equal(drop_n(d, LB_DROP_TCP_GAP), 1);
	assert_int_equal(drop_n(d, LB_DROP_TCP_JUNK), 2);
	expect_both();
	assert_int_equal(lb_decoder_mem(d), 0);
}

/* What a boundary taken on trust must look like: a header that fits its
 * length, one question at most, a known opcode, then a plain first name and
 * a known class. */
static void t_boundary_check(void **state)
{
	(void)state;
	uint8_t b[2 + 45]; /* [0 45][id 81 80 | 0 1 0 0 0 0 0 0 | 01 'x' 00 | 0 1 | 0 1]... */
	memcpy(b, stream, sizeof(b));
	struct {
		size_t at; /* in the message (after the prefix) */
		uint8_t v;
		bool fits;
	} c[] = {
		{ 2, 0x80 | (3 << 3), false },  /* opcode 3 (unassigned) */
		{ 2, 0x80 | (7 << 3), false },  /* opcode 7 */
		{ 5, 2, false },                /* two questions */
		{ 4, 1, false },                /* 257 questions */
		{ 9, 4, false },                /* 4 answers: 12 + 5 + 44 > 45 */
		{ 11, 2, true },                /* 2 authority: 12 + 5 + 22 <= 45 */
		{ 12, 0xc0, false },            /* the question's name a pointer */
		{ 12, 64, false },              /* a label of 64 */
		{ 12, 40, false },              /* a label past the message */
		{ 18, 2, false },               /* class 2 (CSNET: none) */
		{ 18, 4, true },                /* class HS */
		{ 17, 0x80, true },             /* IN with mDNS's top bit */
		{ 0, 0x81, true },              /* any id */
	};
	uint16_t port = 41000;
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++, port++) {
		uint8_t x[sizeof(b)];
		memcpy(x, b, sizeof(b));
		x[2 + c[i].at] = c[i].v;
		g->n = 0;
		uint64_t j0 = drop_n(d, LB_DROP_TCP_JUNK);
		seg_on(d, port, 0, 1, 0, x, sizeof(x), 1); /* no SYN: on trust */
		assert_int_equal(g->n, c[i].fits ? 1 : 0);
		assert_int_equal(drop_n(d, LB_DROP_TCP_JUNK) - j0, c[i].fits ? 0 : 1);
		/* behind a SYN the boundary is known: framed as sent */
		seg_on(d, port, 1, ISN, TH_SYN, NULL, 0, 1);
		seg_on(d, port, 1, S(0), 0, x, sizeof(x), 1);
		assert_int_equal(g->n, c[i].fits ? 2 : 1);
	}
	/* the opcodes in use pass: QUERY, IQUERY, STATUS, NOTIFY, UPDATE, DSO */
	static const unsigned ops[] = { 0, 1, 2, 4, 5, 6 };
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++, port++) {
		uint8_t x[sizeof(b)];
		memcpy(x, b, sizeof(b));
		x[2 + 2] = (uint8_t)(0x80 | ops[i] << 3);
		g->n = 0;
		seg_on(d, port, 0, 1, 0, x, sizeof(x), 1);
		assert_int_equal(g->n, 1);
	}
	/* no question: a header alone, or the first record's name and class
	 * (an OPT record's class is a payload size) */
	static const uint8_t hdr_only[2 + 12] = { 0, 12, 0, 1, 0x81, 0x80 };
	static const uint8_t opt_only[2 + 23] = { 0, 23, 0, 1, 0x81, 0x81, 0, 0, 0, 0, 0, 0, 0, 1,
						  0, 0, 41, 0x10, 0, 0, 0, 0, 0, 0, 0 };
	static const uint8_t hdr_long[2 + 13] = { 0, 13, 0, 1, 0x81, 0x80 };
	struct {
		const uint8_t *p;
		size_t n;
		bool fits;
	} m[] = { { hdr_only, sizeof(hdr_only), true },
		  { opt_only, sizeof(opt_only), true },
		  { hdr_long, sizeof(hdr_long), false } };
	for (size_t i = 0; i < sizeof(m) / sizeof(m[0]); i++, port++) {
		g->n = 0;
		seg_on(d, port, 0, 1, 0, m[i].p, m[i].n, 1);
		assert_int_equal(g->n, m[i].fits ? 1 : 0);
	}
	/* a segment that ends inside the first name: what is there decides */
	g->n = 0;
	seg_on(d, port, 0, 1, 0, b, 2 + 12 + 1, 1);           /* accepted */
	assert_int_equal(g->n, 0);
	seg_on(d, port, 0, 1 + 15, 0, b + 15, sizeof(b) - 15, 1);
	assert_int_equal(g->n, 1);
	assert_msg(g, 0, m1, n1);
	port++;
	/* a segment that starts at a record inside a long answer: its bytes
	 * pass as a prefix and a header (length 0xc00c, one question, 3600
	 * authority records fit), the name after them is compressed */
	static const uint8_t rr[16] = { 0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0x0e, 0x10, 0, 4, 192, 0, 2, 1 };
	uint8_t run[1440];
	for (size_t i = 0; i < sizeof(run); i++)
		run[i] = rr[i % 16];
	g->n = 0;
	uint64_t j0 = drop_n(d, LB_DROP_TCP_JUNK);
	seg_on(d, port, 0, 1, 0, run, sizeof(run), 1);
	seg_on(d, port, 0, 1 + sizeof(run), 0, stream, slen, 1);
	assert_int_equal(drop_n(d, LB_DROP_TCP_JUNK) - j0, 1);
	expect_n(2);
}

static void t_junk_length(void **state)
{
	(void)state;
	seg(ISN, TH_SYN, NULL, 0);
	seg(S(0), 0, stream, 2 + n1);              /* m1 */
	uint8_t j[6] = { 0, 5, 'j', 'u', 'n', 'k' };
	seg(S(2 + n1), 0, j, 6);                   /* length 5 < 12 */
	assert_int_equal(drop_n(d, LB_DROP_TCP_JUNK), 1);
	seg(S(2 + n1 + 6), 0, stream + 2 + n1, 2 + n2); /* m2 on a fresh boundary */
	assert_int_equal(g->n, 2);
	assert_msg(g, 0, m1, n1);
	assert_msg(g, 1, m2, n2);
	assert_int_equal(drops_total(d), 1);
	/* a whole short frame inside one segment is junk too; the rest of that
	 * segment (a good message) is dropped with it */
	uint8_t j2[5 + 2 + 45];
	j2[0] = 0; j2[1] = 3; j2[2] = j2[3] = j2[4] = 'x';
	memcpy(j2 + 5, stream, 2 + n1);
	seg(S(2 + n1 + 6 + 2 + n2), 0, j2, sizeof(j2));
	assert_int_equal(drop_n(d, LB_DROP_TCP_JUNK), 2);
	assert_int_equal(g->n, 2);
	seg(S(2 + n1 + 6 + 2 + n2 + sizeof(j2)), 0, stream, 2 + n1);
	assert_int_equal(g->n, 3);
	assert_msg(g, 2, m1, n1);
	/* a length split across segments that turns out to be junk */
	seg(S(2 + n1 + 6 + 2 + n2 + sizeof(j2) + 2 + n1), 0, j, 1);
	seg(S(2 + n1 + 6 + 2 + n2 + sizeof(j2) + 2 + n1 + 1), 0, j + 1, 5);
	assert_int_equal(drop_n(d, LB_DROP_TCP_JUNK), 3);
	assert_int_equal(lb_decoder_mem(d), 0);
}

static void t_gap_at_fin(void **state)
{
	(void)state;
	seg(ISN, TH_SYN, NULL, 0);
	seg(S(0), 0, stream, 30);                      /* part of m1 */
	/* bytes 30 .. 2+n1 are never captured; m2 follows in its own segment */
	seg(S(2 + n1), 0, stream + 2 + n1, 2 + n2);
	assert_int_equal(g->n, 0);
	/* the FIN waits for the missing bytes (they may still come, reordered);
	 * expiry gives the hole up */
	seg(S(slen), TH_FIN, NULL, 0);
	assert_int_equal(g->n, 0);
	assert_int_equal(drops_total(d), 0);
	/* data after FIN is ignored */
	seg(S(slen), 0, stream, slen);
	assert_int_equal(g->n, 0);
	expire_all(d);
	assert_int_equal(drop_n(d, LB_DROP_TCP_GAP), 1);
	assert_int_equal(drops_total(d), 1);
	assert_int_equal(g->n, 1);
	assert_msg(g, 0, m2, n2);
	assert_int_equal(lb_decoder_mem(d), 0);
	/* a FIN waiting for a hole, then the ports are used again with an
	 * initial sequence number just behind: a new stream, the hole given up */
	g->n = 0;
	seg_on(d, 40005, 0, ISN, TH_SYN, NULL, 0, 3);
	seg_on(d, 40005, 0, S(0), 0, stream, 30, 3);
	seg_on(d, 40005, 0, S(slen), TH_FIN, NULL, 0, 3);
	seg_on(d, 40005, 0, ISN - 1000, TH_SYN, NULL, 0, 4);
	seg_on(d, 40005, 0, ISN - 999, 0, stream, slen, 4);
	assert_int_equal(g->n, 2);
	assert_msg(g, 1, m2, n2);
	assert_int_equal(drop_n(d, LB_DROP_TCP_JUNK), 1); /* m1's first 30 bytes */
}

/* Regression: a FIN that arrived before the segment in front of it (reordered,
 * or that segment retransmitted after the FIN) closed the direction at once:
 * the hole was given up, the late segment ignored and both messages lost.
 * RFC 793 processes a FIN in sequence order; tshark reassembles it. */
static void t_fin_before_missing_segment(void **state)
{
	(void)state;
	seg(ISN, TH_SYN, NULL, 0);
	seg(S(0), 0, stream, 30);
	seg(S(100), 0, stream + 100, slen - 100);
	seg(S(slen), TH_FIN, NULL, 0);
	assert_int_equal(g->n, 0);
	seg(S(30), 0, stream + 30, 70); /* the retransmission fills the hole */
	expect_both();
	assert_int_equal(drops_total(d), 0);
	assert_int_equal(lb_decoder_mem(d), 0);
	/* the direction is closed: data after it is ignored */
	seg(S(slen + 1), 0, stream, slen);
	assert_int_equal(g->n, 2);
	/* a FIN carrying the last bytes, ahead of the segment before it */
	g->n = 0;
	seg_on(d, 40001, 0, ISN, TH_SYN, NULL, 0, 1);
	seg_on(d, 40001, 0, S(60), TH_FIN, stream + 60, slen - 60, 1);
	seg_on(d, 40001, 0, S(0), 0, stream, 60, 1);
	assert_int_equal(g->n, 2);
	assert_msg(g, 1, m2, n2);
	assert_int_equal(drops_total(d), 0);
	assert_int_equal(lb_decoder_mem(d), 0);
}

static void t_gap_at_expire(void **state)
{
	(void)state;
	seg(ISN, TH_SYN, NULL, 0);
	seg(S(0), 0, stream, 30);
	seg(S(2 + n1), 0, stream + 2 + n1, 2 + n2);
	expire_all(d);
	assert_int_equal(drop_n(d, LB_DROP_TCP_GAP), 1);
	assert_int_equal(g->n, 1);
	assert_msg(g, 0, m2, n2);
	assert_int_equal(lb_decoder_mem(d), 0);
}

static void t_gap_by_list_bound(void **state)
{
	(void)state;
	/* first message lost, then 150 messages in two segments each: the
	 * out-of-order list (256 segments) fills, the hole is given up and
	 * framing restarts after it */
	uint8_t one[2 + 45];
	memcpy(one, stream, sizeof(one));
	seg(ISN, TH_SYN, NULL, 0);
	for (uint32_t i = 1; i <= 150; i++) {
		seg(S(i * sizeof(one)), 0, one, 20);
		seg(S(i * sizeof(one) + 20), 0, one + 20, sizeof(one) - 20);
	}
	assert_int_equal(drop_n(d, LB_DROP_TCP_GAP), 1);
	assert_int_equal(g->n, 150);
	for (size_t i = 0; i < 150; i++)
		assert_msg(g, i, m1, n1);
	assert_int_equal(drops_total(d), 1);
	assert_int_equal(lb_decoder_mem(d), 0);
}

/* Regression: a segment lost before the capture point is retransmitted after
 * the rest of the sender's window; the list held 32 segments, so a window of
 * 45 gave the hole up: the message across it was lost and framing restarted
 * inside it (the message behind it lost too).  tshark reassembles both. */
static void t_window_behind_lost_segment(void **state)
{
	(void)state;
	static uint8_t big[20000], bs[20100];
	size_t nb = mk_dns(big, 0x3333, sizeof(big)), bl = 0;
	bs[bl++] = (uint8_t)(nb >> 8);
	bs[bl++] = (uint8_t)nb;
	memcpy(bs + bl, big, nb);
	bl += nb;
	memcpy(bs + bl, stream, 2 + n1);
	bl += 2 + n1;
	seg(ISN, TH_SYN, NULL, 0);
	seg(S(0), 0, bs, 450);
	for (size_t o = 900; o < bl; o += 450) /* [450, 900) is lost */
		seg(S(o), 0, bs + o, bl - o < 450 ? bl - o : 450);
	assert_int_equal(g->n, 0);
	assert_int_equal(drops_total(d), 0);
	seg(S(450), 0, bs + 450, 450);         /* its retransmission */
	assert_int_equal(g->n, 2);
	assert_msg(g, 0, big, nb);
	assert_msg(g, 1, m1, n1);
	assert_int_equal(drops_total(d), 0);
	assert_int_equal(lb_decoder_mem(d), 0);
}

static void t_seq_wrap(void **state)
{
	(void)state;
	uint32_t isn = 0xffffffffu - 40;
	seg(isn, TH_SYN, NULL, 0);
	seg(isn + 1 + 100, 0, stream + 100, slen - 100); /* past 2^32 */
	seg(isn + 1, 0, stream, 100);
	expect_both();
	assert_int_equal(drops_total(d), 0);
}

static void t_rst_and_idle(void **state)
{
	(void)state;
	seg(ISN, TH_SYN, NULL, 0);
	seg(S(0), 0, stream, 20);
	assert_true(lb_decoder_mem(d) > 0);
	seg(S(20), TH_RST, NULL, 0);
	assert_int_equal(lb_decoder_mem(d), 0);
	assert_int_equal(drop_n(d, LB_DROP_TCP_JUNK), 1); /* a message cut by RST */
	/* idle timeout on capture time */
	seg_on(d, 40002, 0, 1, 0, stream, 20, 10);
	assert_true(lb_decoder_mem(d) > 0);
	seg_on(d, 40003, 0, 1, 0, stream, 2 + n1, 100);  /* 90 s later: still held */
	assert_true(lb_decoder_mem(d) > 0);
	seg_on(d, 40003, 0, 1, 0, stream, 2 + n1, 131);  /* 121 s later: evicted */
	assert_int_equal(lb_decoder_mem(d), 0);
	assert_int_equal(drop_n(d, LB_DROP_TCP_JUNK), 2);
	assert_int_equal(g->n, 1);
}

/* Regression: a RST closed both directions, so the peer's data still in flight
 * (the server's answer behind a client's RST, reordered or sent before the
 * RST reached it) was dropped; tshark decodes it.  The RST closes only its
 * sender's direction. */
static void t_rst_closes_sender_only(void **state)
{
	(void)state;
	seg(ISN, TH_SYN, NULL, 0);                          /* client -> server */
	seg_on(d, 40000, 1, 5000, TH_SYN, NULL, 0, 1);     /* server -> client */
	seg_on(d, 40000, 1, 5001, 0, stream, 30, 1);
	seg(S(0), TH_RST, NULL, 0);                         /* the client gives up */
	assert_int_equal(g->n, 0);
	seg_on(d, 40000, 1, 5031, 0, stream + 30, slen - 30, 1);
	assert_int_equal(g->n, 2);
	assert_msg(g, 0, m1, n1);
	assert_msg(g, 1, m2, n2);
	assert_int_equal(g->m[0].sport, 53);
	/* the RST's sender is closed */
	seg(S(0), 0, stream, slen);
	assert_int_equal(g->n, 2);
	assert_int_equal(drops_total(d), 0);
	assert_int_equal(lb_decoder_mem(d), 0);
	/* the port is used again: the server's new SYN-ACK is a new stream even
	 * with an initial sequence number just behind the old stream's */
	seg(ISN + 7, TH_SYN, NULL, 0);
	seg_on(d, 40000, 1, 5000 - 100, TH_SYN, NULL, 0, 2);
	seg_on(d, 40000, 1, 5000 - 99, 0, stream, slen, 2);
	assert_int_equal(g->n, 4);
	assert_msg(g, 3, m2, n2);
}

static void t_flow_memory_bound(void **state)
{
	(void)state;
	lb_decoder_free(d);
	d = mk_decoder(200, 0, 0);
	seg(ISN, TH_SYN, NULL, 0);
	/* m1 fits the bound even when split */
	seg(S(0), 0, stream, 10);
	seg(S(10), 0, stream + 10, 2 + n1 - 10);
	assert_int_equal(g->n, 1);
	/* m2 (232 bytes) split: the buffered part would pass 200 bytes */
	seg(S(2 + n1), 0, stream + 2 + n1, 100);
	assert_true(lb_decoder_mem(d) <= 200);
	seg(S(2 + n1 + 100), 0, stream + 2 + n1 + 100, 2 + n2 - 100);
	assert_true(lb_decoder_mem(d) <= 200);
	assert_int_equal(drop_n(d, LB_DROP_TCP_LIMIT), 1);
	assert_int_equal(g->n, 1);
	/* unsplit, m2 is framed straight from the segment */
	seg(S(slen), 0, stream + 2 + n1, 2 + n2);
	assert_int_equal(g->n, 2);
	assert_msg(g, 1, m2, n2);
	assert_int_equal(drops_total(d), 1);
}

static void t_global_memory_and_flows(void **state)
{
	(void)state;
	lb_decoder_free(d);
	d = mk_decoder(0, 1000, 0);
	/* 20 flows each holding 100 bytes of m2: the overall bound stops them */
	for (uint16_t i = 0; i < 20; i++) {
		seg_on(d, (uint16_t)(41000 + i), 0, 1, 0, stream + 2 + n1, 100, 1);
		assert_true(lb_decoder_mem(d) <= 1000);
	}
	assert_true(drop_n(d, LB_DROP_TCP_LIMIT) >= 10);
	expire_all(d);
	assert_int_equal(lb_decoder_mem(d), 0);
	/* max flows: the least recently active flow is evicted */
	lb_decoder_free(d);
	d = mk_decoder(0, 0, 2);
	seg_on(d, 42000, 0, 1, 0, stream, 20, 1);
	seg_on(d, 42001, 0, 1, 0, stream, 20, 1);
	seg_on(d, 42000, 0, 21, 0, stream + 20, 2, 1); /* 42000 now most recent */
	seg_on(d, 42002, 0, 1, 0, stream, 20, 1);      /* evicts 42001 */
	assert_int_equal(drop_n(d, LB_DROP_TCP_LIMIT), 1);
	seg_on(d, 42000, 0, 23, 0, stream + 22, 2 + n1 - 22, 1);
	assert_int_equal(g->n, 1);
	assert_msg(g, 0, m1, n1);
	assert_int_equal(g->m[0].sport, 42000);
}

/* Regression: an evicted flow's segments held past a hole (and the FIN
 * waiting behind them) were dropped uncounted as data; they are framed as on
 * expiry, the hole counted as a gap. */
static void t_evicted_flow_frames_held_segments(void **state)
{
	(void)state;
	lb_decoder_free(d);
	d = mk_decoder(0, 0, 1);
	seg(ISN, TH_SYN, NULL, 0);
	/* m1's bytes are lost; m2 and the FIN after it wait for them */
	seg(S(2 + n1), TH_FIN, stream + 2 + n1, 2 + n2);
	assert_int_equal(g->n, 0);
	assert_true(lb_decoder_mem(d) > 0);
	seg_on(d, 42000, 0, 1, 0, stream, 20, 1); /* a second flow evicts the first */
	assert_int_equal(g->n, 1);
	assert_msg(g, 0, m2, n2);
	assert_int_equal(g->m[0].sport, 40000);
	assert_int_equal(drop_n(d, LB_DROP_TCP_GAP), 1);
	assert_int_equal(drop_n(d, LB_DROP_TCP_LIMIT), 0);
	/* a partial message is still a counted loss */
	seg_on(d, 42001, 0, 1, 0, stream, 20, 1); /* evicts 42000, 20 bytes held */
	assert_int_equal(drop_n(d, LB_DROP_TCP_LIMIT), 1);
	assert_int_equal(g->n, 1);
}

static void t_not_dns_port(void **state)
{
	(void)state;
	wb_t tcp, ip;
	mk_tcp(&tcp, 40000, 80, 1, TH_ACK, stream, slen);
	mk_ip4(&ip, A4, B4, 6, 1, 0, tcp.b, tcp.n);
	feed(d, 228, 1, ip.b, ip.n);
	assert_int_equal(drop_n(d, LB_DROP_NOT_DNS_PORT), 1);
	assert_int_equal(lb_decoder_stats(d)->tcp_segments, 0);
	/* data offset below 5 words */
	mk_tcp(&tcp, 40000, 53, 1, TH_ACK, stream, slen);
	tcp.b[12] = 0x40;
	mk_ip4(&ip, A4, B4, 6, 1, 0, tcp.b, tcp.n);
	feed(d, 228, 1, ip.b, ip.n);
	assert_int_equal(drop_n(d, LB_DROP_TCP_BAD), 1);
	assert_int_equal(g->n, 0);
}

static void t_ipv6_tcp(void **state)
{
	(void)state;
	wb_t tcp, ip;
	mk_tcp(&tcp, 53, 40000, 5, TH_ACK, stream, slen);
	mk_ip6(&ip, B6, A6, 6, tcp.b, tcp.n);
	feed(d, 229, 1, ip.b, ip.n);
	assert_int_equal(g->n, 2);
	assert_int_equal(g->m[1].ipver, 6);
	assert_memory_equal(g->m[1].src, B6, 16);
	assert_memory_equal(g->m[1].dst, A6, 16);
	assert_msg(g, 1, m2, n2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(t_multi_message_segment, setup, teardown),
		cmocka_unit_test_setup_teardown(t_every_split_point, setup, teardown),
		cmocka_unit_test_setup_teardown(t_split_three_ways_with_server_side, setup, teardown),
		cmocka_unit_test_setup_teardown(t_retransmission, setup, teardown),
		cmocka_unit_test_setup_teardown(t_stale_syn_and_port_reuse, setup, teardown),
		cmocka_unit_test_setup_teardown(t_port_reuse_without_fin, setup, teardown),
		cmocka_unit_test_setup_teardown(t_reordering, setup, teardown),
		cmocka_unit_test_setup_teardown(t_no_syn, setup, teardown),
		cmocka_unit_test_setup_teardown(t_no_syn_inside_message, setup, teardown),
		cmocka_unit_test_setup_teardown(t_no_syn_dso_first, setup, teardown),
		cmocka_unit_test_setup_teardown(t_hole_inside_message, setup, teardown),
		cmocka_unit_test_setup_teardown(t_boundary_check, setup, teardown),
		cmocka_unit_test_setup_teardown(t_boundary_inside_segment, setup, teardown),
		cmocka_unit_test_setup_teardown(t_junk_length, setup, teardown),
		cmocka_unit_test_setup_teardown(t_gap_at_fin, setup, teardown),
		cmocka_unit_test_setup_teardown(t_fin_before_missing_segment, setup, teardown),
		cmocka_unit_test_setup_teardown(t_gap_at_expire, setup, teardown),
		cmocka_unit_test_setup_teardown(t_gap_by_list_bound, setup, teardown),
		cmocka_unit_test_setup_teardown(t_window_behind_lost_segment, setup, teardown),
		cmocka_unit_test_setup_teardown(t_seq_wrap, setup, teardown),
		cmocka_unit_test_setup_teardown(t_rst_and_idle, setup, teardown),
		cmocka_unit_test_setup_teardown(t_rst_closes_sender_only, setup, teardown),
		cmocka_unit_test_setup_teardown(t_flow_memory_bound, setup, teardown),
		cmocka_unit_test_setup_teardown(t_global_memory_and_flows, setup, teardown),
		cmocka_unit_test_setup_teardown(t_evicted_flow_frames_held_segments, setup, teardown),
		cmocka_unit_test_setup_teardown(t_not_dns_port, setup, teardown),
		cmocka_unit_test_setup_teardown(t_ipv6_tcp, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
