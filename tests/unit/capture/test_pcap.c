/* test_pcap.c - the libpcap driver: pcap files written with libpcap for every
 * link type, read back through lb_pcap_open_file + lb_pcap_run. */
#include <pcap/pcap.h>
#include <stdio.h>
#include <unistd.h>

#include "build.h"
#include "capture/pcap.h"

static char dir[] = "/tmp/lb_test_pcap.XXXXXX";
static uint8_t dns[100];
static wb_t ip4, ip6, tmp;

/* Wrap an IP packet in link type lt. */
static void link_frame(int lt, const wb_t *ip, int ver, wb_t *w)
{
	w->n = 0;
	switch (lt) {
	case DLT_EN10MB:
		mk_eth(w, ver == 4 ? 0x0800 : 0x86DD, ip->b, ip->n);
		return;
	case DLT_LINUX_SLL:
		w_u16(w, 0); w_u16(w, 1); w_u16(w, 6); w_zero(w, 8);
		w_u16(w, ver == 4 ? 0x0800 : 0x86DD);
		break;
	case DLT_LINUX_SLL2:
		w_u16(w, ver == 4 ? 0x0800 : 0x86DD); w_u16(w, 0); w_u32(w, 1);
		w_u16(w, 1); w_u8(w, 0); w_u8(w, 6); w_zero(w, 8);
		break;
	case DLT_RAW:
	case DLT_IPV4:
	case DLT_IPV6:
		break;
	case DLT_NULL:
		w_u32le(w, ver == 4 ? 2 : 30);
		break;
	case DLT_LOOP:
		w_u32(w, ver == 4 ? 2 : 24);
		break;
	case DLT_NFLOG:
		w_u8(w, ver == 4 ? 2 : 10); w_u8(w, 0); w_u16(w, 0);
		w_u16le(w, (unsigned)(4 + ip->n)); w_u16le(w, 9);
		break;
	case DLT_IEEE802_11_RADIO:
		w_u8(w, 0); w_u8(w, 0); w_u16le(w, 8); w_u32le(w, 0);
		w_u8(w, 0x88); w_u8(w, 0x01); w_u16(w, 0); w_zero(w, 18); w_u16(w, 0);
		w_u16(w, 0); /* QoS */
		w_u8(w, 0xAA); w_u8(w, 0xAA); w_u8(w, 3); w_zero(w, 3);
		w_u16(w, ver == 4 ? 0x0800 : 0x86DD);
		break;
	case DLT_PPP:
	case DLT_PPP_SERIAL:
		w_u8(w, 0xff); w_u8(w, 0x03); w_u16(w, ver == 4 ? 0x21 : 0x57);
		break;
	case DLT_C_HDLC:
		w_u8(w, 0x0f); w_u8(w, 0); w_u16(w, ver == 4 ? 0x0800 : 0x86DD);
		break;
	case DLT_IEEE802_11: /* a data frame from the DS, LLC/SNAP */
		w_u8(w, 0x08); w_u8(w, 0x02); w_u16(w, 0); w_zero(w, 18); w_u16(w, 0x10);
		w_u8(w, 0xAA); w_u8(w, 0xAA); w_u8(w, 3); w_zero(w, 3);
		w_u16(w, ver == 4 ? 0x0800 : 0x86DD);
		break;
	case DLT_PFLOG: /* length 61 (padded to 64), family, then the rest of the header */
		w_u8(w, 61); w_u8(w, ver == 4 ? 2 : 24); w_zero(w, 62);
		break;
	default:
		fail();
	}
	w_bytes(w, ip->b, ip->n);
}

static void write_pcap(const char *path, int lt, const wb_t *frames, size_t nframes)
{
	pcap_t *dead = pcap_open_dead(lt, 65535);
	assert_non_null(dead);
	pcap_dumper_t *du = pcap_dump_open(dead, path);
	assert_non_null(du);
	for (size_t i = 0; i < nframes; i++) {
		struct pcap_pkthdr h;
		h.ts.tv_sec = 1700000000 + (time_t)i;
		h.ts.tv_usec = 5;
		h.caplen = h.len = (bpf_u_int32)frames[i].n;
		pcap_dump((u_char *)du, &h, frames[i].b);
	}
	pcap_dump_close(du);
	pcap_close(dead);
}

/* Read path through the driver into g; returns the decoder (caller frees). */
static lb_decoder_t *read_pcap(const char *path, got_t *g, int *lt)
{
	char err[256];
	lb_pcap_t *p = lb_pcap_open_file(path, err);
	assert_non_null(p);
	*lt = lb_pcap_linktype(p);
	lb_decoder_t *d = lb_decoder_new(NULL, collect, g);
	volatile sig_atomic_t stop = 0;
	assert_int_equal(lb_pcap_run(p, d, &stop, err), 0);
	uint64_t r, dr, ifd;
	lb_pcap_kernel_stats(p, &r, &dr, &ifd);
	assert_int_equal(r + dr + ifd, 0);
	lb_pcap_close(p);
	return d;
}

static void t_every_link_type(void **state)
{
	(void)state;
	static const int lts[] = { DLT_EN10MB, DLT_LINUX_SLL, DLT_LINUX_SLL2, DLT_RAW, DLT_IPV4,
				   DLT_IPV6, DLT_NULL, DLT_LOOP, DLT_NFLOG, DLT_IEEE802_11_RADIO,
				   DLT_PPP, DLT_PPP_SERIAL, DLT_C_HDLC, DLT_IEEE802_11, DLT_PFLOG };
	static wb_t frames[2];
	for (size_t i = 0; i < sizeof(lts) / sizeof(lts[0]); i++) {
		int lt = lts[i], nf = 0;
		if (lt != DLT_IPV6)
			link_frame(lt, &ip4, 4, &frames[nf++]);
		if (lt != DLT_IPV4)
			link_frame(lt, &ip6, 6, &frames[nf++]);
		char path[64];
		snprintf(path, sizeof(path), "%s/lt%d.pcap", dir, lt);
		write_pcap(path, lt, frames, (size_t)nf);
		got_t *g = got_new();
		int rlt;
		lb_decoder_t *d = read_pcap(path, g, &rlt);
		assert_int_equal(rlt, lt);
		assert_int_equal(g->n, (size_t)nf);
		for (int k = 0; k < nf; k++) {
			assert_msg(g, (size_t)k, dns, 60);
			assert_int_equal(g->m[k].ts.tv_sec, 1700000000 + k);
			assert_int_equal(g->m[k].ts.tv_usec, 5);
		}
		assert_int_equal(lb_decoder_stats(d)->packets, (uint64_t)nf);
		assert_int_equal(drops_total(d), 0);
		lb_decoder_free(d);
		free(g);
		unlink(path);
	}
}

/* At end of file the driver expires everything: a message after a gap is
 * framed then, and the gap counted. */
static void t_end_of_file_flush(void **state)
{
	(void)state;
	static wb_t frames[3];
	uint8_t s[2 + 60 + 2 + 60];
	s[0] = 0; s[1] = 60; memcpy(s + 2, dns, 60);
	s[62] = 0; s[63] = 60; memcpy(s + 64, dns, 60);
	wb_t t, ip;
	mk_tcp(&t, 40000, 53, 100, TH_SYN, NULL, 0);
	mk_ip4(&ip, A4, B4, 6, 1, 0, t.b, t.n);
	mk_eth(&frames[0], 0x0800, ip.b, ip.n);
	mk_tcp(&t, 40000, 53, 101, TH_ACK, s, 30);
	mk_ip4(&ip, A4, B4, 6, 2, 0, t.b, t.n);
	mk_eth(&frames[1], 0x0800, ip.b, ip.n);
	mk_tcp(&t, 40000, 53, 101 + 62, TH_ACK, s + 62, 62);
	mk_ip4(&ip, A4, B4, 6, 3, 0, t.b, t.n);
	mk_eth(&frames[2], 0x0800, ip.b, ip.n);
	char path[64];
	snprintf(path, sizeof(path), "%s/tcp.pcap", dir);
	write_pcap(path, DLT_EN10MB, frames, 3);
	got_t *g = got_new();
	int lt;
	lb_decoder_t *d = read_pcap(path, g, &lt);
	assert_int_equal(g->n, 1);
	assert_msg(g, 0, dns, 60);
	assert_int_equal(drop_n(d, LB_DROP_TCP_GAP), 1);
	assert_int_equal(drops_total(d), 1);
	assert_int_equal(lb_decoder_mem(d), 0);
	lb_decoder_free(d);
	free(g);
	unlink(path);
}

/* Rotated files read in order (lb_pcap_set_more): a TCP message whose two
 * segments are in two files is framed when the first file's end does not
 * flush the stream, and lost (the second half is junk on a stream without
 * SYN) when it does. */
static void t_more_files_continue(void **state)
{
	(void)state;
	static wb_t f1[2], f2[1];
	uint8_t s[2 + 60];
	s[0] = 0; s[1] = 60; memcpy(s + 2, dns, 60);
	wb_t t, ip;
	mk_tcp(&t, 40000, 53, 100, TH_SYN, NULL, 0);
	mk_ip4(&ip, A4, B4, 6, 1, 0, t.b, t.n);
	mk_eth(&f1[0], 0x0800, ip.b, ip.n);
	mk_tcp(&t, 40000, 53, 101, TH_ACK, s, 30);
	mk_ip4(&ip, A4, B4, 6, 2, 0, t.b, t.n);
	mk_eth(&f1[1], 0x0800, ip.b, ip.n);
	mk_tcp(&t, 40000, 53, 131, TH_ACK, s + 30, 32);
	mk_ip4(&ip, A4, B4, 6, 3, 0, t.b, t.n);
	mk_eth(&f2[0], 0x0800, ip.b, ip.n);
	char p1[64], p2[64], err[256];
	snprintf(p1, sizeof(p1), "%s/rot1.pcap", dir);
	snprintf(p2, sizeof(p2), "%s/rot2.pcap", dir);
	write_pcap(p1, DLT_EN10MB, f1, 2);
	write_pcap(p2, DLT_EN10MB, f2, 1);
	/* the time of a classic file's first frame, read ahead; none in an
	 * empty file */
	struct timeval ft;
	lb_pcap_t *q = lb_pcap_open_file(p2, err);
	assert_non_null(q);
	assert_int_equal(lb_pcap_first_time(q, &ft), 0);
	assert_int_equal(ft.tv_sec, 1700000000);
	assert_int_equal(ft.tv_usec, 5);
	lb_pcap_close(q);
	char p0[64];
	snprintf(p0, sizeof(p0), "%s/empty.pcap", dir);
	write_pcap(p0, DLT_EN10MB, f2, 0);
	q = lb_pcap_open_file(p0, err);
	assert_non_null(q);
	assert_int_equal(lb_pcap_first_time(q, &ft), LB_ENOENT);
	lb_pcap_close(q);
	unlink(p0);
	for (int more = 0; more <= 1; more++) {
		got_t *g = got_new();
		lb_decoder_t *d = lb_decoder_new(NULL, collect, g);
		volatile sig_atomic_t stop = 0;
		lb_pcap_t *a = lb_pcap_open_file(p1, err);
		assert_non_null(a);
		lb_pcap_set_more(a, more);
		assert_int_equal(lb_pcap_run(a, d, &stop, err), 0);
		assert_int_equal(lb_pcap_frame(a), 2);
		lb_pcap_close(a);
		assert_int_equal(g->n, 0);
		/* the first file's end flushed the stream, or kept its 30 bytes */
		assert_true(more ? lb_decoder_mem(d) > 0 : lb_decoder_mem(d) == 0);
		lb_pcap_t *b = lb_pcap_open_file(p2, err);
		assert_non_null(b);
		assert_int_equal(lb_pcap_run(b, d, &stop, err), 0);
		lb_pcap_close(b);
		if (more) {
			assert_int_equal(g->n, 1);
			assert_msg(g, 0, dns, 60);
		} else {
			assert_int_equal(g->n, 0);
		}
		/* the last file's end flushes whatever is left */
		assert_int_equal(lb_decoder_mem(d), 0);
		lb_decoder_free(d);
		free(g);
	}
	unlink(p1);
	unlink(p2);
}

static void t_errors_and_filter(void **state)
{
	(void)state;
	char err[256] = "";
	char path[64];
	snprintf(path, sizeof(path), "%s/missing.pcap", dir);
	assert_null(lb_pcap_open_file(path, err));
	assert_true(strlen(err) > 0);
	/* not a capture file */
	snprintf(path, sizeof(path), "%s/garbage.pcap", dir);
	FILE *f = fopen(path, "wb");
	fputs("this is not a pcap file at all", f);
	fclose(f);
	err[0] = 0;
	assert_null(lb_pcap_open_file(path, err));
	assert_true(strlen(err) > 0);
	unlink(path);
	/* BPF filter on a file: only port 53 UDP frames pass */
	static wb_t frames[2];
	link_frame(DLT_EN10MB, &ip4, 4, &frames[0]);
	mk_udp(&tmp, 1, 2, dns, 60);
	wb_t ip;
	mk_ip4(&ip, A4, B4, 17, 1, 0, tmp.b, tmp.n);
	link_frame(DLT_EN10MB, &ip, 4, &frames[1]);
	snprintf(path, sizeof(path), "%s/filter.pcap", dir);
	write_pcap(path, DLT_EN10MB, frames, 2);
	lb_pcap_t *p = lb_pcap_open_file(path, err);
	assert_non_null(p);
	assert_int_equal(lb_pcap_set_filter(p, "udp and ((", err), LB_EINVAL);
	assert_int_equal(lb_pcap_set_filter(p, "udp port 53", err), 0);
	got_t *g = got_new();
	lb_decoder_t *d = lb_decoder_new(NULL, collect, g);
	volatile sig_atomic_t stop = 0;
	assert_int_equal(lb_pcap_run(p, d, &stop, err), 0);
	assert_int_equal(lb_decoder_stats(d)->packets, 1);
	assert_int_equal(g->n, 1);
	lb_pcap_close(p);
	/* *stop set before the first packet: nothing read */
	p = lb_pcap_open_file(path, err);
	stop = 1;
	assert_int_equal(lb_pcap_run(p, d, &stop, err), 0);
	assert_int_equal(lb_decoder_stats(d)->packets, 1);
	lb_pcap_close(p);
	lb_pcap_close(NULL);
	lb_decoder_free(d);
	free(g);
	unlink(path);
	/* a live interface that does not exist */
	assert_null(lb_pcap_open_live("lb-no-such-if0", NULL, 0, false, err));
	assert_true(strlen(err) > 0);
}

/* Classic pcap in both byte orders, micro- and nanosecond timestamps (the
 * mapped reader decodes the record headers itself), then a cut record header:
 * the frames before it are delivered and the run reports the damage. */
static void put32(FILE *f, uint32_t v, int big)
{
	uint8_t b[4];
	for (int i = 0; i < 4; i++)
		b[i] = (uint8_t)(big ? v >> (24 - 8 * i) : v >> (8 * i));
	fwrite(b, 1, 4, f);
}

static void t_byte_orders_and_nanoseconds(void **state)
{
	(void)state;
	static wb_t frame;
	link_frame(DLT_EN10MB, &ip4, 4, &frame);
	for (int big = 0; big <= 1; big++) {
		for (int ns = 0; ns <= 1; ns++) {
			char path[64], err[256] = "";
			snprintf(path, sizeof(path), "%s/order%d%d.pcap", dir, big, ns);
			FILE *f = fopen(path, "wb");
			assert_non_null(f);
			put32(f, ns ? 0xa1b23c4du : 0xa1b2c3d4u, big);
			uint8_t ver[4] = { 0, 2, 0, 4 }; /* 2.4, two 16-bit fields */
			if (!big) {
				ver[0] = 2, ver[1] = 0, ver[2] = 4, ver[3] = 0;
			}
			fwrite(ver, 1, 4, f);
			put32(f, 0, big);
			put32(f, 0, big);
			put32(f, 65535, big);
			put32(f, DLT_EN10MB, big);
			for (uint32_t k = 0; k < 2; k++) {
				put32(f, 1700000000u + k, big);
				put32(f, ns ? 123456789u + k * 1000 : 123456u + k, big);
				put32(f, (uint32_t)frame.n, big);
				put32(f, (uint32_t)frame.n, big);
				fwrite(frame.b, 1, frame.n, f);
			}
			fwrite("\1\2\3\4\5\6\7", 1, 7, f); /* a record header cut short */
			fclose(f);
			lb_pcap_t *p = lb_pcap_open_file(path, err);
			assert_non_null(p);
			got_t *g = got_new();
			lb_decoder_t *d = lb_decoder_new(NULL, collect, g);
			volatile sig_atomic_t stop = 0;
			assert_int_equal(lb_pcap_run(p, d, &stop, err), LB_EIO);
			assert_non_null(strstr(err, "truncated"));
			assert_int_equal(g->n, 2);
			for (size_t k = 0; k < 2; k++) {
				assert_msg(g, k, dns, 60);
				assert_int_equal(g->m[k].ts.tv_sec, 1700000000 + (long)k);
				assert_int_equal(g->m[k].ts.tv_usec, 123456 + (long)k);
			}
			lb_pcap_close(p);
			lb_decoder_free(d);
			free(g);
			unlink(path);
		}
	}
}

/* Our reader takes the file in large reads: records straddle every read
 * boundary, one record is larger than a read (200 000 bytes, not DNS), and
 * every DNS payload must still come through whole, in order. */
struct seq_check {
	size_t n, bad;
};

static size_t seq_len(size_t i) { return 12 + (i * 7919) % 30000; }

static void seq_collect(void *ctx, const lb_payload_t *p)
{
	struct seq_check *sc = ctx;
	static uint8_t exp[65536];
	size_t want = seq_len(sc->n);
	mk_dns(exp, (uint16_t)sc->n, want);
	if (p->len != want || memcmp(p->data, exp, want) != 0)
		sc->bad++;
	sc->n++;
}

static void t_reads_across_boundaries(void **state)
{
	(void)state;
	char path[64], err[256] = "";
	snprintf(path, sizeof(path), "%s/long.pcap", dir);
	pcap_t *dead = pcap_open_dead(DLT_EN10MB, 262144);
	assert_non_null(dead);
	pcap_dumper_t *du = pcap_dump_open(dead, path);
	assert_non_null(du);
	static uint8_t payload[65536], big[200000];
	static wb_t udp, ip, frame;
	const size_t n = 400;
	for (size_t i = 0; i < n; i++) {
		size_t len = seq_len(i);
		mk_dns(payload, (uint16_t)i, len);
		mk_udp(&udp, 33000, 53, payload, len);
		mk_ip4(&ip, A4, B4, 17, (uint16_t)i, 0, udp.b, udp.n);
		mk_eth(&frame, 0x0800, ip.b, ip.n);
		struct pcap_pkthdr h = { .ts = { 1700000000 + (time_t)i, 0 } };
		h.caplen = h.len = (bpf_u_int32)frame.n;
		pcap_dump((u_char *)du, &h, frame.b);
		if (i == n / 2) {
			memset(big, 0, sizeof big);
			big[12] = 0x99; big[13] = 0x99; /* an ethertype we do not decode */
			h.caplen = h.len = sizeof big;
			pcap_dump((u_char *)du, &h, big);
		}
	}
	pcap_dump_close(du);
	pcap_close(dead);
	lb_pcap_t *p = lb_pcap_open_file(path, err);
	assert_non_null(p);
	struct seq_check sc = { 0, 0 };
	lb_decoder_t *d = lb_decoder_new(NULL, seq_collect, &sc);
	volatile sig_atomic_t stop = 0;
	assert_int_equal(lb_pcap_run(p, d, &stop, err), 0);
	assert_int_equal(sc.n, n);
	assert_int_equal(sc.bad, 0);
	assert_int_equal(lb_decoder_stats(d)->packets, n + 1);
	lb_pcap_close(p);
	lb_decoder_free(d);
	unlink(path);
}

/* pcapng: a block of `type` with body [b, b + n) (padded to 4) in byte order `big`. */
static void ng_u16(wb_t *w, unsigned v, int big) { if (big) w_u16(w, v); else w_u16le(w, v); }
static void ng_u32(wb_t *w, uint32_t v, int big) { if (big) w_u32(w, v); else w_u32le(w, v); }

static void ng_block(wb_t *w, uint32_t type, const wb_t *body, int big)
{
	size_t pad = (4 - body->n % 4) % 4;
	uint32_t blen = (uint32_t)(12 + body->n + pad);
	ng_u32(w, type, big);
	ng_u32(w, blen, big);
	w_bytes(w, body->b, body->n);
	w_zero(w, pad);
	ng_u32(w, blen, big);
}

static void ng_shb(wb_t *w, int big)
{
	static wb_t b;
	b.n = 0;
	ng_u32(&b, 0x1a2b3c4d, big);
	ng_u16(&b, 1, big);
	ng_u16(&b, 0, big);
	w_bytes(&b, "\xff\xff\xff\xff\xff\xff\xff\xff", 8); /* section length unknown */
	ng_block(w, 0x0a0d0d0a, &b, big);
}

/* tsresol < 0: no option */
static void ng_idb(wb_t *w, int lt, uint32_t snap, int tsresol, int big)
{
	static wb_t b;
	b.n = 0;
	ng_u16(&b, (unsigned)lt, big);
	ng_u16(&b, 0, big);
	ng_u32(&b, snap, big);
	if (tsresol >= 0) {
		ng_u16(&b, 9, big);
		ng_u16(&b, 1, big);
		w_u8(&b, (unsigned)tsresol);
		w_zero(&b, 3);
		ng_u16(&b, 0, big); /* opt_endofopt */
		ng_u16(&b, 0, big);
	}
	ng_block(w, 1, &b, big);
}

static void ng_epb(wb_t *w, uint32_t ifid, uint64_t ts, const wb_t *frame, int big)
{
	static wb_t b;
	b.n = 0;
	ng_u32(&b, ifid, big);
	ng_u32(&b, (uint32_t)(ts >> 32), big);
	ng_u32(&b, (uint32_t)ts, big);
	ng_u32(&b, (uint32_t)frame->n, big);
	ng_u32(&b, (uint32_t)frame->n, big);
	w_bytes(&b, frame->b, frame->n);
	ng_block(w, 6, &b, big);
}

/* Regression: pcapng files went through libpcap, which stops with an error
 * at an interface whose link type or snap length differs from the first one
 * ("an interface has a type 113 different from the type of the first
 * interface"): nothing after it was read.  pcapng allows it (dumpcap writes
 * it when capturing on several interfaces) and tshark reads such files.  Each
 * packet is now decoded with its own interface's link type and timestamp
 * resolution; sections may change byte order; unknown blocks are skipped. */
static void t_pcapng_interfaces(void **state)
{
	(void)state;
	static wb_t w, eth, sll, raw, other;
	link_frame(DLT_EN10MB, &ip4, 4, &eth);
	link_frame(DLT_LINUX_SLL, &ip6, 6, &sll);
	link_frame(DLT_RAW, &ip4, 4, &raw);
	w.n = 0;
	ng_shb(&w, 0);
	ng_idb(&w, DLT_EN10MB, 65535, -1, 0);            /* microseconds */
	ng_idb(&w, DLT_LINUX_SLL, 262144, 9, 0);         /* nanoseconds */
	other.n = 0;
	w_bytes(&other, "custom", 6);
	ng_block(&w, 0x40000BAD, &other, 0);             /* a block we do not know */
	ng_epb(&w, 0, 1700000000ull * 1000000 + 250, &eth, 0);
	ng_epb(&w, 1, 1700000001ull * 1000000000 + 123456789, &sll, 0);
	static wb_t spb;                                  /* simple packet: interface 0 */
	spb.n = 0;
	w_u32le(&spb, (uint32_t)eth.n);
	w_bytes(&spb, eth.b, eth.n);
	ng_block(&w, 3, &spb, 0);
	ng_shb(&w, 1);                                    /* a big-endian section */
	ng_idb(&w, 101, 0, 0x80 | 20, 1);                 /* LINKTYPE_RAW, 2^-20 s */
	ng_epb(&w, 0, (1700000002ull << 20) | (1u << 19), &raw, 1);
	char path[64], err[256] = "";
	snprintf(path, sizeof(path), "%s/multi.pcapng", dir);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	fwrite(w.b, 1, w.n, f);
	fclose(f);
	for (int filtered = 0; filtered <= 1; filtered++) {
		/* the first frame's time, read ahead (the filter does not apply) */
		struct timeval ft;
		lb_pcap_t *p = lb_pcap_open_file(path, err);
		assert_non_null(p);
		if (filtered)
			assert_int_equal(lb_pcap_set_filter(p, "tcp", err), 0);
		assert_int_equal(lb_pcap_first_time(p, &ft), 0);
		assert_int_equal(ft.tv_sec, 1700000000);
		assert_int_equal(ft.tv_usec, 250);
		lb_pcap_close(p);
		p = lb_pcap_open_file(path, err);
		assert_non_null(p);
		if (filtered)
			assert_int_equal(lb_pcap_set_filter(p, "udp port 53", err), 0);
		got_t *g = got_new();
		lb_decoder_t *d = lb_decoder_new(NULL, collect, g);
		volatile sig_atomic_t stop = 0;
		assert_int_equal(lb_pcap_run(p, d, &stop, err), 0);
		assert_int_equal(g->n, 4);
		for (size_t k = 0; k < 4; k++)
			assert_msg(g, k, dns, 60);
		assert_int_equal(g->m[0].ts.tv_sec, 1700000000);
		assert_int_equal(g->m[0].ts.tv_usec, 250);
		assert_int_equal(g->m[1].ipver, 6);
		assert_int_equal(g->m[1].ts.tv_sec, 1700000001);
		assert_int_equal(g->m[1].ts.tv_usec, 123456);
		/* a simple packet has no time: the one of the packet before */
		assert_int_equal(g->m[2].ts.tv_sec, 1700000001);
		assert_int_equal(g->m[2].ts.tv_usec, 123456);
		assert_int_equal(g->m[3].ts.tv_sec, 1700000002);
		assert_int_equal(g->m[3].ts.tv_usec, 500000);
		assert_int_equal(drops_total(d), 0);
		lb_pcap_close(p);
		lb_decoder_free(d);
		free(g);
	}
	/* a packet naming an interface never described, then a cut block: errors
	 * that keep what came before */
	ng_epb(&w, 7, 0, &eth, 1);
	f = fopen(path, "wb");
	fwrite(w.b, 1, w.n, f);
	fclose(f);
	lb_pcap_t *p = lb_pcap_open_file(path, err);
	assert_non_null(p);
	got_t *g = got_new();
	lb_decoder_t *d = lb_decoder_new(NULL, collect, g);
	volatile sig_atomic_t stop = 0;
	assert_int_equal(lb_pcap_run(p, d, &stop, err), LB_EIO);
	assert_non_null(strstr(err, "interface"));
	assert_int_equal(g->n, 4);
	lb_pcap_close(p);
	lb_decoder_free(d);
	free(g);
	f = fopen(path, "wb");
	fwrite(w.b, 1, w.n - 10, f);
	fclose(f);
	p = lb_pcap_open_file(path, err);
	assert_non_null(p);
	g = got_new();
	d = lb_decoder_new(NULL, collect, g);
	assert_int_equal(lb_pcap_run(p, d, &stop, err), LB_EIO);
	assert_non_null(strstr(err, "truncated"));
	assert_int_equal(g->n, 4);
	lb_pcap_close(p);
	lb_decoder_free(d);
	free(g);
	unlink(path);
}

/* Regression: a pcapng simple packet block (no time; pcapng 4.4) was handed
 * on with time 0, the store's "no time", so its observations were dropped as
 * invalid.  It now has the time of the packet before it in the file; one
 * before any packet with a time is counted as frame_no_time and not decoded,
 * and the first time read ahead is the first packet's that has one. */
static void t_pcapng_simple_packet_time(void **state)
{
	(void)state;
	static wb_t w, eth, spb;
	link_frame(DLT_EN10MB, &ip4, 4, &eth);
	spb.n = 0;
	w_u32le(&spb, (uint32_t)eth.n);
	w_bytes(&spb, eth.b, eth.n);
	w.n = 0;
	ng_shb(&w, 0);
	ng_idb(&w, DLT_EN10MB, 65535, -1, 0);
	ng_block(&w, 3, &spb, 0);                          /* no time seen yet */
	ng_epb(&w, 0, 1700000010ull * 1000000 + 7, &eth, 0);
	ng_block(&w, 3, &spb, 0);
	ng_block(&w, 3, &spb, 0);
	ng_epb(&w, 0, 1700000020ull * 1000000, &eth, 0);
	ng_block(&w, 3, &spb, 0);
	char path[64], err[256] = "";
	snprintf(path, sizeof(path), "%s/spb.pcapng", dir);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	fwrite(w.b, 1, w.n, f);
	fclose(f);
	struct timeval ft;
	lb_pcap_t *p = lb_pcap_open_file(path, err);
	assert_non_null(p);
	assert_int_equal(lb_pcap_first_time(p, &ft), 0);
	assert_int_equal(ft.tv_sec, 1700000010);
	assert_int_equal(ft.tv_usec, 7);
	lb_pcap_close(p);
	p = lb_pcap_open_file(path, err);
	assert_non_null(p);
	got_t *g = got_new();
	lb_decoder_t *d = lb_decoder_new(NULL, collect, g);
	volatile sig_atomic_t stop = 0;
	assert_int_equal(lb_pcap_run(p, d, &stop, err), 0);
	assert_int_equal(g->n, 5);
	static const time_t want[5] = { 1700000010, 1700000010, 1700000010,
					1700000020, 1700000020 };
	for (size_t k = 0; k < 5; k++) {
		assert_msg(g, k, dns, 60);
		assert_int_equal(g->m[k].ts.tv_sec, want[k]);
	}
	assert_int_equal(g->m[2].ts.tv_usec, 7);
	assert_int_equal(drop_n(d, LB_DROP_NO_TIME), 1);
	assert_int_equal(drops_total(d), 1);
	assert_int_equal(lb_decoder_stats(d)->packets, 6);
	lb_pcap_close(p);
	lb_decoder_free(d);
	free(g);
	unlink(path);
}

/* Regression: rotated files read as one capture (capture -r a b): a pcapng
 * file whose first packets are simple packet blocks had them counted as
 * frame_no_time, though the packet before them - the previous file's last -
 * has a time.  lb_pcap_last_time gives a file's last time (a classic file's
 * too, and a filtered-out frame's), lb_pcap_set_time_before hands it to the
 * next file, whose simple packets before its first time take it; a file of
 * simple packets alone passes it on. */
static void t_simple_packet_after_rotation(void **state)
{
	(void)state;
	static wb_t f1[2], w, eth, spb;
	wb_t ip;
	mk_udp(&tmp, 33000, 1234, dns, 60); /* not DNS: filtered out below */
	mk_ip4(&ip, A4, B4, 17, 1, 0, tmp.b, tmp.n);
	link_frame(DLT_EN10MB, &ip4, 4, &f1[0]);
	link_frame(DLT_EN10MB, &ip, 4, &f1[1]);
	char p1[64], p2[64], p3[64], err[256] = "";
	snprintf(p1, sizeof(p1), "%s/rot_a.pcap", dir);
	write_pcap(p1, DLT_EN10MB, f1, 2); /* times 1700000000.000005, 1700000001.000005 */
	link_frame(DLT_EN10MB, &ip4, 4, &eth);
	spb.n = 0;
	w_u32le(&spb, (uint32_t)eth.n);
	w_bytes(&spb, eth.b, eth.n);
	for (int k = 0; k < 2; k++) {
		w.n = 0;
		ng_shb(&w, 0);
		ng_idb(&w, DLT_EN10MB, 65535, -1, 0);
		ng_block(&w, 3, &spb, 0);
		ng_block(&w, 3, &spb, 0);
		if (k == 0)
			ng_epb(&w, 0, 1700000030ull * 1000000, &eth, 0);
		snprintf(k ? p3 : p2, sizeof(p2), "%s/rot_%c.pcapng", dir, k ? 'c' : 'b');
		FILE *f = fopen(k ? p3 : p2, "wb");
		assert_non_null(f);
		fwrite(w.b, 1, w.n, f);
		fclose(f);
	}
	got_t *g = got_new();
	lb_decoder_t *d = lb_decoder_new(NULL, collect, g);
	volatile sig_atomic_t stop = 0;
	struct timeval t;
	lb_pcap_t *a = lb_pcap_open_file(p1, err);
	assert_non_null(a);
	assert_false(lb_pcap_last_time(a, &t)); /* nothing read yet */
	assert_int_equal(lb_pcap_set_filter(a, "udp port 53", err), 0);
	lb_pcap_set_more(a, true);
	assert_int_equal(lb_pcap_run(a, d, &stop, err), 0);
	assert_true(lb_pcap_last_time(a, &t));
	assert_int_equal(t.tv_sec, 1700000001); /* the filtered-out last frame's */
	assert_int_equal(t.tv_usec, 5);
	lb_pcap_close(a);
	/* b: two simple packets, then an enhanced one */
	lb_pcap_t *b = lb_pcap_open_file(p2, err);
	assert_non_null(b);
	lb_pcap_set_time_before(b, &t);
	lb_pcap_set_more(b, true);
	assert_int_equal(lb_pcap_run(b, d, &stop, err), 0);
	assert_int_equal(g->n, 4);
	for (size_t k = 1; k < 3; k++) {
		assert_msg(g, k, dns, 60);
		assert_int_equal(g->m[k].ts.tv_sec, 1700000001);
		assert_int_equal(g->m[k].ts.tv_usec, 5);
	}
	assert_int_equal(g->m[3].ts.tv_sec, 1700000030);
	assert_true(lb_pcap_last_time(b, &t));
	assert_int_equal(t.tv_sec, 1700000030);
	lb_pcap_close(b);
	/* c: simple packets alone: b's last time, passed on */
	lb_pcap_t *c = lb_pcap_open_file(p3, err);
	assert_non_null(c);
	lb_pcap_set_time_before(c, &t);
	assert_int_equal(lb_pcap_run(c, d, &stop, err), 0);
	assert_int_equal(g->n, 6);
	assert_int_equal(g->m[5].ts.tv_sec, 1700000030);
	struct timeval t2;
	assert_true(lb_pcap_last_time(c, &t2));
	assert_int_equal(t2.tv_sec, 1700000030);
	lb_pcap_close(c);
	assert_int_equal(drop_n(d, LB_DROP_NO_TIME), 0);
	/* without a time before it, c's first packets are still frame_no_time */
	c = lb_pcap_open_file(p3, err);
	assert_non_null(c);
	assert_int_equal(lb_pcap_run(c, d, &stop, err), 0);
	assert_false(lb_pcap_last_time(c, &t2));
	assert_int_equal(drop_n(d, LB_DROP_NO_TIME), 2);
	assert_int_equal(g->n, 6);
	lb_pcap_close(c);
	lb_decoder_free(d);
	free(g);
	unlink(p1);
	unlink(p2);
	unlink(p3);
}

/* Regression: a classic file that ends in a damaged record (cut short, as a
 * capture killed while writing leaves it) gave no last time at all
 * (lb_pcap_last_time false, or the time before the file): the time was
 * taken from the record header being read, so a damaged record dropped the
 * whole file's.  Now it is the last whole record's. */
static void t_last_time_before_damage(void **state)
{
	(void)state;
	static wb_t f[2];
	link_frame(DLT_EN10MB, &ip4, 4, &f[0]);
	link_frame(DLT_EN10MB, &ip4, 4, &f[1]);
	char path[64], err[256] = "";
	snprintf(path, sizeof(path), "%s/damaged.pcap", dir);
	write_pcap(path, DLT_EN10MB, f, 2); /* times 1700000000.000005, 1700000001.000005 */
	FILE *fp = fopen(path, "ab");
	assert_non_null(fp);
	uint32_t hdr[4] = { 1700000099u, 7, 500, 500 }; /* a third record, 20 of 500 bytes */
	fwrite(hdr, sizeof hdr, 1, fp);
	fwrite(f[0].b, 1, 20, fp);
	fclose(fp);
	got_t *g = got_new();
	lb_decoder_t *d = lb_decoder_new(NULL, collect, g);
	volatile sig_atomic_t stop = 0;
	struct timeval t = { 0, 0 };
	lb_pcap_t *p = lb_pcap_open_file(path, err);
	assert_non_null(p);
	assert_int_equal(lb_pcap_run(p, d, &stop, err), LB_EIO);
	assert_int_equal(g->n, 2);
	assert_true(lb_pcap_last_time(p, &t));
	assert_int_equal(t.tv_sec, 1700000001);
	assert_int_equal(t.tv_usec, 5);
	lb_pcap_close(p);
	/* the same with a record header that is no record (caplen too large) */
	fp = fopen(path, "r+b");
	assert_non_null(fp);
	assert_int_equal(fseek(fp, 24 + 2 * 16 + (long)(f[0].n + f[1].n) + 8, SEEK_SET), 0);
	uint32_t big = 0x7fffffffu;
	fwrite(&big, sizeof big, 1, fp);
	fclose(fp);
	p = lb_pcap_open_file(path, err);
	assert_non_null(p);
	assert_int_equal(lb_pcap_run(p, d, &stop, err), LB_EIO);
	assert_true(lb_pcap_last_time(p, &t));
	assert_int_equal(t.tv_sec, 1700000001);
	lb_pcap_close(p);
	lb_decoder_free(d);
	free(g);
	unlink(path);
}

/* Regression: with a filter, "frame" numbers (--frame-numbers) counted only
 * the frames that passed it, not the frame's number in the file that tshark
 * gives: the filter's reader now counts every frame it reads. */
static lb_pcap_t *frame_pc;
static uint64_t frame_seen[4];
static size_t frame_n;

static void frame_collect(void *ctx, const lb_payload_t *pl)
{
	(void)ctx;
	(void)pl;
	if (frame_n < 4)
		frame_seen[frame_n++] = lb_pcap_frame(frame_pc);
}

static void t_frame_numbers_under_filter(void **state)
{
	(void)state;
	static wb_t frames[3], w;
	wb_t ip;
	mk_udp(&tmp, 1, 2, dns, 60);
	mk_ip4(&ip, A4, B4, 17, 1, 0, tmp.b, tmp.n);
	link_frame(DLT_EN10MB, &ip, 4, &frames[0]);      /* filtered out */
	link_frame(DLT_EN10MB, &ip, 4, &frames[1]);      /* filtered out */
	link_frame(DLT_EN10MB, &ip4, 4, &frames[2]);     /* DNS: frame 3 */
	char path[64], err[256] = "";
	for (int ng = 0; ng <= 1; ng++) {
		snprintf(path, sizeof(path), "%s/frames%d", dir, ng);
		if (ng) {
			w.n = 0;
			ng_shb(&w, 0);
			ng_idb(&w, DLT_EN10MB, 65535, -1, 0);
			for (int k = 0; k < 3; k++)
				ng_epb(&w, 0, 1, &frames[k], 0);
			FILE *f = fopen(path, "wb");
			assert_non_null(f);
			fwrite(w.b, 1, w.n, f);
			fclose(f);
		} else {
			write_pcap(path, DLT_EN10MB, frames, 3);
		}
		frame_pc = lb_pcap_open_file(path, err);
		assert_non_null(frame_pc);
		assert_int_equal(lb_pcap_set_filter(frame_pc, "udp port 53", err), 0);
		frame_n = 0;
		lb_decoder_t *d = lb_decoder_new(NULL, frame_collect, NULL);
		volatile sig_atomic_t stop = 0;
		assert_int_equal(lb_pcap_run(frame_pc, d, &stop, err), 0);
		assert_int_equal(lb_decoder_stats(d)->packets, 1);
		assert_int_equal(frame_n, 1);
		assert_int_equal(frame_seen[0], 3);
		lb_pcap_close(frame_pc);
		lb_decoder_free(d);
		unlink(path);
	}
}

static int setup_all(void **state)
{
	(void)state;
	if (!mkdtemp(dir))
		return -1;
	mk_dns(dns, 0x5151, 60);
	mk_udp(&tmp, 33000, 53, dns, 60);
	mk_ip4(&ip4, A4, B4, 17, 1, 0, tmp.b, tmp.n);
	mk_ip6(&ip6, A6, B6, 17, tmp.b, tmp.n);
	return 0;
}

static int teardown_all(void **state)
{
	(void)state;
	rmdir(dir);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_every_link_type),
		cmocka_unit_test(t_end_of_file_flush),
		cmocka_unit_test(t_more_files_continue),
		cmocka_unit_test(t_errors_and_filter),
		cmocka_unit_test(t_byte_orders_and_nanoseconds),
		cmocka_unit_test(t_reads_across_boundaries),
		cmocka_unit_test(t_pcapng_interfaces),
		cmocka_unit_test(t_pcapng_simple_packet_time),
		cmocka_unit_test(t_simple_packet_after_rotation),
		cmocka_unit_test(t_last_time_before_damage),
		cmocka_unit_test(t_frame_numbers_under_filter),
	};
	return cmocka_run_group_tests(tests, setup_all, teardown_all);
}
