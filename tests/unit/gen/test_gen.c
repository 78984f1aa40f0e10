/*
 * test_gen.c - the capture generator: its message writer against hand-written
 * wire bytes, its frames against independently computed checksums, and its
 * output walked by a small decoder written here (not src/dns), read back
 * through libpcap.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <pcap/pcap.h>

#include "gen/gen.h"

/* ---- message writer ---- */

static void test_compression(void **state)
{
	(void)state;
	uint8_t buf[512], www[256], mail[256], com[256];
	lb_gen_msg_t m;
	assert_int_equal(lb_gen_name_from_text("www.example.com", www), 17);
	assert_int_equal(lb_gen_name_from_text("mail.example.com", mail), 18);
	assert_int_equal(lb_gen_name_from_text("com", com), 5);
	lb_gen_msg_init(&m, buf, sizeof buf, 0x1234, 0x8180);
	lb_gen_msg_question(&m, www, 1, 1);
	lb_gen_msg_rr_begin(&m, 1, www, 5, 1, 300);      /* www CNAME mail */
	lb_gen_msg_name(&m, mail, true);
	lb_gen_msg_rr_end(&m);
	lb_gen_msg_rr_begin(&m, 1, mail, 1, 1, 300);     /* mail A 192.0.2.1 */
	lb_gen_msg_bytes(&m, "\xc0\x00\x02\x01", 4);
	lb_gen_msg_rr_end(&m);
	lb_gen_msg_rr_begin(&m, 3, com, 33, 1, 60);      /* uncompressed rdata name */
	lb_gen_msg_name(&m, com, false);
	lb_gen_msg_rr_end(&m);
	int len = lb_gen_msg_end(&m);

	static const uint8_t want[] = {
		0x12, 0x34, 0x81, 0x80, 0, 1, 0, 2, 0, 0, 0, 1,
		/* 12: question www.example.com A IN */
		3, 'w', 'w', 'w', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0, 0, 1, 0, 1,
		/* 33: owner -> 12, CNAME IN 300, rdlength 7: "mail" + pointer to example.com (16) */
		0xc0, 12, 0, 5, 0, 1, 0, 0, 1, 0x2c, 0, 7, 4, 'm', 'a', 'i', 'l', 0xc0, 16,
		/* 52: owner mail.example.com -> 45 */
		0xc0, 45, 0, 1, 0, 1, 0, 0, 1, 0x2c, 0, 4, 0xc0, 0x00, 0x02, 0x01,
		/* 68: owner com -> 24; rdata "com" written out */
		0xc0, 24, 0, 33, 0, 1, 0, 0, 0, 60, 0, 5, 3, 'c', 'o', 'm', 0,
	};
	assert_int_equal(len, sizeof want);
	assert_memory_equal(buf, want, sizeof want);
}

static void test_writer_errors(void **state)
{
	(void)state;
	uint8_t buf[40], name[256];
	lb_gen_msg_t m;
	assert_int_equal(lb_gen_name_from_text("www.example.com", name), 17);
	lb_gen_msg_init(&m, buf, sizeof buf, 1, 0);
	lb_gen_msg_question(&m, name, 1, 1);             /* 12 + 21 = 33 bytes */
	lb_gen_msg_rr_begin(&m, 1, name, 1, 1, 1);       /* does not fit */
	lb_gen_msg_rr_end(&m);
	assert_int_equal(lb_gen_msg_end(&m), LB_ESPACE);

	uint8_t big[512];
	lb_gen_msg_init(&m, big, sizeof big, 1, 0);
	lb_gen_msg_rr_begin(&m, 3, name, 1, 1, 1);
	lb_gen_msg_rr_end(&m);
	lb_gen_msg_rr_begin(&m, 1, name, 1, 1, 1);       /* answer after additional */
	assert_int_equal(lb_gen_msg_end(&m), LB_EINVAL);

	lb_gen_msg_init(&m, big, sizeof big, 1, 0);
	lb_gen_msg_rr_begin(&m, 1, name, 1, 1, 1);       /* record left open */
	assert_int_equal(lb_gen_msg_end(&m), LB_EINVAL);

	char l64[80];
	memset(l64, 'a', 64);
	l64[64] = 0;
	assert_int_equal(lb_gen_name_from_text(l64, name), LB_ETEXT);
	assert_int_equal(lb_gen_name_from_text("a..b", name), LB_ETEXT);
	assert_int_equal(lb_gen_name_from_text(".", name), 1);
}

/* ---- frames ---- */

static uint16_t csum(const uint8_t *p, size_t n, uint32_t acc)
{
	for (size_t i = 0; i + 1 < n; i += 2) acc += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1) acc += (uint32_t)(p[n - 1] << 8);
	while (acc >> 16) acc = (acc & 0xffff) + (acc >> 16);
	return (uint16_t)acc;
}

static void test_frames(void **state)
{
	(void)state;
	uint8_t fr[256];
	lb_gen_flow_t f = { .ipver = 4, .src = { 10, 0, 0, 1 }, .dst = { 192, 0, 2, 53 },
			    .sport = 40000, .dport = 53 };
	const uint8_t pl[5] = { 1, 2, 3, 4, 5 };
	size_t n = lb_gen_frame_udp(fr, sizeof fr, &f, 7, pl, 5);
	assert_int_equal(n, 14 + 20 + 8 + 5);
	assert_int_equal(fr[12] << 8 | fr[13], 0x0800);
	assert_int_equal(csum(fr + 14, 20, 0), 0xffff);              /* IPv4 header */
	assert_int_equal(fr[16] << 8 | fr[17], 20 + 8 + 5);
	uint32_t ph = (10 << 8) + 1 + (192 << 8 | 0) + (2 << 8 | 53) + 17 + 13;
	assert_int_equal(csum(fr + 34, 13, ph), 0xffff);             /* UDP incl. pseudo header */
	assert_memory_equal(fr + 42, pl, 5);

	f.ipver = 6;
	memset(f.src, 0, 16);
	f.src[0] = 0xfd, f.src[15] = 1;
	n = lb_gen_frame_tcp(fr, sizeof fr, &f, 0, 1000, 2000, LB_GEN_TCP_ACK, pl, 5);
	assert_int_equal(n, 14 + 40 + 20 + 5);
	assert_int_equal(fr[12] << 8 | fr[13], 0x86dd);
	assert_int_equal(fr[18] << 8 | fr[19], 25);                  /* payload length */
	ph = csum(fr + 22, 32, 0) + 6 + 25;
	assert_int_equal(csum(fr + 54, 25, ph), 0xffff);
	assert_int_equal(lb_gen_frame_tcp(fr, 60, &f, 0, 0, 0, 0, pl, 5), 0);
}

/* ---- the generator's output, walked independently ---- */

struct walk {
	uint64_t frames, msgs, queries, responses, nxdomain, an, tcp_payload, bad;
	uint64_t types[64];
};

/* Skip a possibly compressed name; pointers must go strictly backwards. */
static int skip_name(const uint8_t *m, size_t len, size_t *off)
{
	size_t o = *off, end = 0;
	size_t limit = o;
	int total = 0;
	for (int hops = 0; hops < 64; hops++) {
		if (o >= len) return -1;
		uint8_t l = m[o];
		if ((l & 0xc0) == 0xc0) {
			if (o + 1 >= len) return -1;
			size_t t = (size_t)(l & 0x3f) << 8 | m[o + 1];
			if (t >= limit) return -1;
			if (!end) end = o + 2;
			limit = t;
			o = t;
			continue;
		}
		if (l > 63) return -1;
		total += l + 1;
		if (total > 255) return -1;
		if (l == 0) {
			*off = end ? end : o + 1;
			return 0;
		}
		o += (size_t)l + 1;
	}
	return -1;
}

static void walk_dns(struct walk *w, const uint8_t *m, size_t len)
{
	if (len < 12) { w->bad++; return; }
	unsigned cnt[4];
	for (int i = 0; i < 4; i++) cnt[i] = (unsigned)(m[4 + 2 * i] << 8 | m[5 + 2 * i]);
	size_t o = 12;
	w->msgs++;
	bool qr = m[2] & 0x80;
	if (qr) w->responses++;
	else w->queries++;
	if (qr && (m[3] & 15) == 3) w->nxdomain++;
	for (unsigned i = 0; i < cnt[0]; i++)
		if (skip_name(m, len, &o) || (o += 4) > len) { w->bad++; return; }
	for (unsigned s = 1; s < 4; s++) {
		for (unsigned i = 0; i < cnt[s]; i++) {
			if (skip_name(m, len, &o) || o + 10 > len) { w->bad++; return; }
			uint16_t type = (uint16_t)(m[o] << 8 | m[o + 1]);
			size_t rdlen = (size_t)(m[o + 8] << 8 | m[o + 9]);
			o += 10;
			if (o + rdlen > len) { w->bad++; return; }
			if ((type == 1 && rdlen != 4) || (type == 28 && rdlen != 16)) w->bad++;
			if (type == 5 || type == 2 || type == 12) { /* rdata is exactly one name */
				size_t r = o;
				if (skip_name(m, len, &r) || r != o + rdlen) w->bad++;
			}
			if (qr && s == 1) w->an++;
			if (qr) w->types[type < 64 ? type : 0]++;
			o += rdlen;
		}
	}
	if (o != len) w->bad++;
}

static void walk_frame(struct walk *w, const uint8_t *f, size_t n)
{
	w->frames++;
	size_t ip = 14, l4;
	uint8_t proto;
	uint16_t et = (uint16_t)(f[12] << 8 | f[13]);
	if (et == 0x0800) {
		proto = f[ip + 9];
		l4 = ip + (size_t)(f[ip] & 15) * 4;
		if ((size_t)(f[ip + 2] << 8 | f[ip + 3]) != n - ip) w->bad++;
	} else if (et == 0x86dd) {
		proto = f[ip + 6];
		l4 = ip + 40;
		if ((size_t)(f[ip + 4] << 8 | f[ip + 5]) != n - l4) w->bad++;
	} else {
		w->bad++;
		return;
	}
	if (proto == 17) {
		if ((size_t)(f[l4 + 4] << 8 | f[l4 + 5]) != n - l4) w->bad++;
		walk_dns(w, f + l4 + 8, n - l4 - 8);
	} else if (proto == 6) {
		w->tcp_payload += n - l4 - (size_t)(f[l4 + 12] >> 4) * 4;
	} else {
		w->bad++;
	}
}

static lb_gen_opts_t opts(uint64_t n, uint64_t seed)
{
	lb_gen_opts_t o;
	lb_gen_opts_default(&o);
	o.packets = n;
	o.seed = seed;
	o.names = 500;
	return o;
}

static void test_udp_walk(void **state)
{
	(void)state;
	lb_gen_opts_t o = opts(20000, 3);
	o.tcp_share = 0;
	lb_gen_t *g;
	assert_int_equal(lb_gen_new(&o, &g), 0);
	struct walk w = { 0 };
	struct timeval ts;
	const uint8_t *f;
	size_t n;
	while (lb_gen_next(g, &ts, &f, &n)) walk_frame(&w, f, n);
	const lb_gen_counts_t *c = lb_gen_counts(g);
	assert_int_equal(w.bad, 0);
	assert_int_equal(w.frames, 20000);
	assert_int_equal(c->frames, 20000);
	assert_int_equal(w.queries, c->queries);
	assert_int_equal(w.responses, c->responses);
	assert_int_equal(w.nxdomain, c->nxdomain);
	assert_int_equal(w.an, c->answer_rrs);
	assert_int_equal(w.tcp_payload, 0);
	/* roughly one response per query, and realistic small error rates */
	assert_true(w.responses * 100 >= w.queries * 97);
	assert_true(c->nxdomain > 0 && c->nxdomain * 100 < c->responses * 10);
	assert_true(c->servfail > 0 && c->servfail * 100 < c->responses * 3);
	static const int need[] = { 1, 2, 5, 6, 12, 15, 16, 28, 33, 46 };
	for (size_t i = 0; i < sizeof need / sizeof need[0]; i++)
		assert_true(w.types[need[i]] > 0);
	assert_true(w.types[1] > w.types[15]); /* A dominates */
	lb_gen_free(g);
}

static void test_pcap_mem(void **state)
{
	(void)state;
	lb_gen_opts_t o = opts(3001, 9);
	o.tcp_share = 0.3;
	o.start = 1600000000;
	o.rate = 1000;
	uint8_t *a = NULL, *b = NULL;
	size_t alen, blen;
	char err[256];
	lb_gen_counts_t c;
	assert_int_equal(lb_gen_write_mem(&o, &a, &alen, &c, err), 0);
	assert_int_equal(lb_gen_write_mem(&o, &b, &blen, NULL, err), 0);
	assert_int_equal(alen, blen);
	assert_memory_equal(a, b, alen);           /* deterministic */
	free(b);
	o.seed = 10;
	assert_int_equal(lb_gen_write_mem(&o, &b, &blen, NULL, err), 0);
	assert_true(alen != blen || memcmp(a, b, alen) != 0);
	free(b);

	FILE *fp = fmemopen(a, alen, "rb");
	assert_non_null(fp);
	pcap_t *p = pcap_fopen_offline(fp, err);
	assert_non_null(p);
	assert_int_equal(pcap_datalink(p), DLT_EN10MB);
	struct pcap_pkthdr *h;
	const u_char *d;
	struct walk w = { 0 };
	uint64_t k = 0, bytes = 0;
	while (pcap_next_ex(p, &h, &d) == 1) {
		if (k == 0) assert_true(h->ts.tv_sec == 1600000000 && h->ts.tv_usec == 0);
		if (k == 3000) assert_true(h->ts.tv_sec == 1600000003 && h->ts.tv_usec == 0);
		assert_int_equal(h->caplen, h->len);
		bytes += h->caplen;
		walk_frame(&w, d, h->caplen);
		k++;
	}
	pcap_close(p);
	assert_int_equal(k, 3001);
	assert_int_equal(bytes, c.bytes);
	assert_int_equal(w.bad, 0);
	assert_true(c.tcp_conns > 0 && c.tcp_msgs > 0 && c.tcp_split > 0 && c.ipv6_frames > 0);
	assert_int_equal(w.queries + w.responses, c.udp_msgs);
	assert_true(w.tcp_payload > 0);
	free(a);
}

static int cmp_u32(const void *x, const void *y)
{
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
	return a < b ? -1 : a > b;
}

/* Collect every A rdata of every response; count repeats. */
static size_t a_repeats(bool unique, size_t *total)
{
	lb_gen_opts_t o = opts(20000, 5);
	o.unique = unique;
	o.tcp_share = 0;
	o.ipv6_share = 0;
	lb_gen_t *g;
	if (lb_gen_new(&o, &g)) return (size_t)-1;
	uint32_t *v = malloc(sizeof(uint32_t) * 200000);
	size_t nv = 0;
	struct timeval ts;
	const uint8_t *f;
	size_t n;
	while (lb_gen_next(g, &ts, &f, &n)) {
		const uint8_t *m = f + 42;
		size_t len = n - 42, o2 = 12;
		if (!(m[2] & 0x80)) continue;
		unsigned qd = m[5], rr = (unsigned)(m[7] + m[9] + m[11]);
		for (unsigned i = 0; i < qd; i++) { skip_name(m, len, &o2); o2 += 4; }
		for (unsigned i = 0; i < rr && o2 < len; i++) {
			if (skip_name(m, len, &o2)) break;
			size_t rdlen = (size_t)(m[o2 + 8] << 8 | m[o2 + 9]);
			if (m[o2] == 0 && m[o2 + 1] == 1 && nv < 200000)
				memcpy(&v[nv++], m + o2 + 10, 4);
			o2 += 10 + rdlen;
		}
	}
	lb_gen_free(g);
	qsort(v, nv, sizeof v[0], cmp_u32);
	size_t rep = 0;
	for (size_t i = 1; i < nv; i++) rep += v[i] == v[i - 1];
	free(v);
	*total = nv;
	return rep;
}

static void test_unique(void **state)
{
	(void)state;
	size_t total;
	assert_int_equal(a_repeats(true, &total), 0);
	assert_true(total > 5000);
	assert_true(a_repeats(false, &total) > total / 2); /* Zipf: popular names repeat */
}

static void test_bad_opts(void **state)
{
	(void)state;
	char err[256];
	lb_gen_t *g = NULL;
	lb_gen_opts_t o = opts(10, 1);
	o.tcp_share = 1.01;
	assert_int_equal(lb_gen_opts_check(&o, err), LB_EINVAL);
	assert_non_null(strstr(err, "tcp"));
	assert_int_equal(lb_gen_new(&o, &g), LB_EINVAL);
	assert_null(g);
	o = opts(10, 1);
	o.names = 0;
	assert_int_equal(lb_gen_opts_check(&o, err), LB_EINVAL);
	o = opts(10, 1);
	o.rate = 0;
	assert_int_equal(lb_gen_opts_check(&o, err), LB_EINVAL);
	o = opts(10, 1);
	o.zipf = -1;
	assert_int_equal(lb_gen_opts_check(&o, err), LB_EINVAL);
	o = opts(0, 1);
	assert_int_equal(lb_gen_new(&o, &g), 0);
	struct timeval ts;
	const uint8_t *f;
	size_t n;
	assert_int_equal(lb_gen_next(g, &ts, &f, &n), 0);
	lb_gen_free(g);
	lb_gen_free(NULL);
	o = opts(1, 1); /* a single packet is a query alone */
	assert_int_equal(lb_gen_new(&o, &g), 0);
	assert_int_equal(lb_gen_next(g, &ts, &f, &n), 1);
	assert_int_equal(lb_gen_next(g, &ts, &f, &n), 0);
	assert_int_equal(lb_gen_counts(g)->queries, 1);
	assert_int_equal(lb_gen_counts(g)->responses, 0);
	lb_gen_free(g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_compression),
		cmocka_unit_test(test_writer_errors),
		cmocka_unit_test(test_frames),
		cmocka_unit_test(test_udp_walk),
		cmocka_unit_test(test_pcap_mem),
		cmocka_unit_test(test_unique),
		cmocka_unit_test(test_bad_opts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
