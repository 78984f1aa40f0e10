/* test_sctp.c - DNS over SCTP (sctp.c): DATA and I-DATA chunks on port 53,
 * bundled with control chunks, as tshark decodes them; fragments, short
 * and overlong chunks counted, never read past the packet. */
#include "build.h"

static uint8_t dns[64], dns2[40];
static lb_decoder_t *d;
static got_t *g;

static int setup(void **state)
{
	(void)state;
	g = got_new();
	d = lb_decoder_new(NULL, collect, g);
	assert_non_null(d);
	mk_dns(dns, 0xbeef, 50);
	mk_dns(dns2, 0x1234, 37);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	lb_decoder_free(d);
	free(g);
	return 0;
}

/* The common header: ports, a verification tag, a checksum (not checked). */
static void sctp_hdr(wb_t *w, uint16_t sport, uint16_t dport)
{
	w->n = 0;
	w_u16(w, sport);
	w_u16(w, dport);
	w_u32(w, 0x11223344);
	w_u32(w, 0);
}

/* A DATA chunk (type 0) or I-DATA chunk (64) with flags (B 2, E 1, U 4),
 * its TSN, its SSN (DATA) or MID (I-DATA), its length `len` (0: the true
 * one), padded to 4 bytes. */
static void chunk_tsn(wb_t *w, unsigned type, unsigned flags, uint32_t tsn, uint16_t mid,
		      const uint8_t *p, size_t n, size_t len)
{
	size_t hl = type == 0 ? 16 : 20;
	w_u8(w, type);
	w_u8(w, flags);
	w_u16(w, (unsigned)(len ? len : hl + n));
	w_u32(w, tsn);
	w_u16(w, 0);  /* stream */
	w_u16(w, type == 0 ? mid : 0); /* SSN, or reserved */
	if (type == 64)
		w_u32(w, mid);
	w_u32(w, 0);  /* PPI (I-DATA: with B set; else the FSN) */
	if (n)
		w_bytes(w, p, n);
	while (w->n & 3)
		w_u8(w, 0);
}

static void chunk(wb_t *w, unsigned type, unsigned flags, const uint8_t *p, size_t n, size_t len)
{
	chunk_tsn(w, type, flags, 7, 0, p, n, len);
}

static void send_sctp(const wb_t *s, size_t caplen_cut)
{
	wb_t o, e;
	mk_ip4(&o, A4, B4, 132, 5, 0, s->b, s->n);
	mk_eth(&e, 0x0800, o.b, o.n);
	struct timeval tv = { .tv_sec = 1 };
	lb_decoder_frame(d, 1, &tv, e.b, e.n - caplen_cut, e.n);
}

/* Regression: SCTP (IP protocol 132) was not_udp_tcp; tshark decodes DNS
 * in DATA chunks on SCTP port 53.  Two DATA chunks after a SACK in one
 * packet, an I-DATA chunk, and one to port 53 are each one message. */
static void t_sctp_chunks(void **state)
{
	(void)state;
	wb_t s;
	sctp_hdr(&s, 53, 40000);
	w_u8(&s, 3); /* SACK: cumulative TSN, window, no gaps or duplicates */
	w_u8(&s, 0);
	w_u16(&s, 16);
	w_u32(&s, 6);
	w_u32(&s, 65535);
	w_u32(&s, 0);
	chunk(&s, 0, 3, dns, 50, 0);
	chunk(&s, 0, 7, dns2, 37, 0);
	send_sctp(&s, 0);
	sctp_hdr(&s, 40000, 53);
	chunk(&s, 64, 3, dns2, 37, 0);
	send_sctp(&s, 0);
	assert_int_equal(g->n, 3);
	assert_msg(g, 0, dns, 50);
	assert_msg(g, 1, dns2, 37);
	assert_msg(g, 2, dns2, 37);
	assert_int_equal(g->m[0].proto, 132);
	assert_int_equal(g->m[0].sport, 53);
	assert_int_equal(g->m[2].dport, 53);
	assert_int_equal(lb_decoder_stats(d)->sctp_packets, 2);
	assert_int_equal(lb_decoder_stats(d)->sctp_dns, 3);
	assert_int_equal(drops_total(d), 0);
}

/* Not port 53: not_dns_port.  A fragment that continues no message seen
 * is sctp_incomplete, the chunk after it read; a chunk without user data, shorter than 4 bytes or
 * longer than the packet is sctp_bad (the chunks before it read); one the
 * snapshot length cut is ip_truncated; a header cut short sctp_bad. */
static void t_sctp_bad(void **state)
{
	(void)state;
	wb_t s;
	sctp_hdr(&s, 40000, 40001);
	chunk(&s, 0, 3, dns, 50, 0);
	send_sctp(&s, 0);
	assert_int_equal(drop_n(d, LB_DROP_NOT_DNS_PORT), 1);
	sctp_hdr(&s, 53, 40000);
	chunk(&s, 0, 1, dns, 50, 0);
	chunk(&s, 64, 0, dns, 50, 0);
	chunk(&s, 0, 3, dns2, 37, 0);
	send_sctp(&s, 0);
	assert_int_equal(drop_n(d, LB_DROP_SCTP_INCOMPLETE), 2);
	assert_int_equal(g->n, 1);
	assert_msg(g, 0, dns2, 37);
	sctp_hdr(&s, 53, 40000);
	chunk(&s, 0, 3, dns, 50, 0);
	chunk(&s, 0, 3, NULL, 0, 0);
	send_sctp(&s, 0); /* the second: no user data */
	assert_int_equal(g->n, 2);
	assert_int_equal(drop_n(d, LB_DROP_SCTP_BAD), 1);
	/* the chunk is 68 bytes padded; after the one that says 16 its user
	 * data is read as a chunk, whose length (0x8180) runs past: two */
	size_t lens[] = { 2, 3, 16, 16 + 50 + 3, 0xffff };
	for (size_t i = 0; i < 5; i++) {
		sctp_hdr(&s, 53, 40000);
		chunk(&s, 0, 3, dns, 50, lens[i]);
		send_sctp(&s, 0);
	}
	assert_int_equal(drop_n(d, LB_DROP_SCTP_BAD), 7);
	sctp_hdr(&s, 53, 40000);
	chunk(&s, 0, 3, dns2, 37, 0);
	chunk(&s, 0, 3, dns, 50, 0);
	send_sctp(&s, 10); /* the second chunk cut by the snapshot length */
	assert_int_equal(drop_n(d, LB_DROP_IP_TRUNCATED), 1);
	assert_int_equal(g->n, 3);
	assert_msg(g, 2, dns2, 37);
	s.n = 11;
	send_sctp(&s, 0);
	assert_int_equal(drop_n(d, LB_DROP_SCTP_BAD), 8);
	assert_int_equal(g->n, 3);
	assert_int_equal(drops_total(d), 12);
	assert_int_equal(lb_decoder_mem(d), 0);
}

/* Regression: a message in fragments (B on the first, E on the last, TSNs
 * consecutive) was counted and lost; tshark reassembles it, and so does
 * lookback now: three DATA fragments in three packets, an I-DATA message's
 * two interleaved with them.  A fragment out of TSN order is
 * sctp_incomplete, and the message it belonged to is given up at the
 * timeout (sctp_incomplete again), its memory freed. */
static void t_sctp_fragments(void **state)
{
	(void)state;
	wb_t s;
	sctp_hdr(&s, 53, 40000);
	chunk_tsn(&s, 0, 2, 10, 5, dns, 20, 0);
	send_sctp(&s, 0);
	sctp_hdr(&s, 53, 40000);
	chunk_tsn(&s, 64, 2, 20, 9, dns2, 30, 0);
	chunk_tsn(&s, 0, 0, 11, 5, dns + 20, 15, 0);
	send_sctp(&s, 0);
	assert_int_equal(g->n, 0);
	assert_true(lb_decoder_mem(d) > 0);
	sctp_hdr(&s, 53, 40000);
	chunk_tsn(&s, 0, 1, 12, 5, dns + 35, 15, 0);
	chunk_tsn(&s, 64, 1, 21, 9, dns2 + 30, 7, 0);
	send_sctp(&s, 0);
	assert_int_equal(g->n, 2);
	assert_msg(g, 0, dns, 50);
	assert_msg(g, 1, dns2, 37);
	assert_int_equal(drops_total(d), 0);
	assert_int_equal(lb_decoder_mem(d), 0);
	/* out of order: the last before the middle */
	sctp_hdr(&s, 53, 40000);
	chunk_tsn(&s, 0, 2, 30, 6, dns, 20, 0);
	chunk_tsn(&s, 0, 1, 32, 6, dns + 35, 15, 0);
	chunk_tsn(&s, 0, 0, 31, 6, dns + 20, 15, 0);
	send_sctp(&s, 0);
	assert_int_equal(g->n, 2);
	assert_int_equal(drop_n(d, LB_DROP_SCTP_INCOMPLETE), 1);
	expire_all(d);
	assert_int_equal(drop_n(d, LB_DROP_SCTP_INCOMPLETE), 2);
	assert_int_equal(lb_decoder_mem(d), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(t_sctp_chunks, setup, teardown),
		cmocka_unit_test_setup_teardown(t_sctp_bad, setup, teardown),
		cmocka_unit_test_setup_teardown(t_sctp_fragments, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
