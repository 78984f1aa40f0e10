/*
 * bench_decode.c - in-process decode benchmark: the capture is read into
 * memory first, then lb_decoder_frame + lb_msg_parse + lb_obs_from_msg run over
 * all of it (callbacks produce no output), so pcap I/O is not part of the time.
 *
 * usage: bench_decode FILE.pcap [ROUNDS]
 * Prints "key value" lines: packets, dns_messages, dns_responses, rrsets,
 * seconds, packets_per_sec, ns_per_packet (best round).
 */
#include <inttypes.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "capture/decode.h"
#include "observe/obs.h"
#include "observe/proc.h"
#include "util/stats.h"

struct frame {
	struct timeval ts;
	size_t off, caplen, len;
};

struct ctx {
	lb_proc_t *proc;
	lb_stats_t st;
	uint64_t rrsets, sum;
};

static void on_rrset(void *c, const lb_obs_rrset_t *o)
{
	struct ctx *x = c;
	x->rrsets++;
	x->sum += o->nrdata; /* touch the result so nothing is optimised away */
}

static void on_negative(void *c, const lb_obs_neg_t *o)
{
	struct ctx *x = c;
	x->sum += o->rcode;
}

static void on_payload(void *c, const lb_payload_t *p)
{
	struct ctx *x = c;
	(void)lb_proc_message_cut(x->proc, p->data, p->len, &p->ts, NULL, p->cut);
}

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
	char err[PCAP_ERRBUF_SIZE];
	if (argc < 2) {
		fprintf(stderr, "usage: bench_decode FILE.pcap [ROUNDS]\n");
		return 2;
	}
	int rounds = argc > 2 ? atoi(argv[2]) : 3;
	if (rounds < 1) rounds = 1;
	pcap_t *p = pcap_open_offline(argv[1], err);
	if (!p) {
		fprintf(stderr, "bench_decode: %s\n", err);
		return 2;
	}
	int dlt = pcap_datalink(p);
	size_t cap = 1 << 20, used = 0, nf = 0, fcap = 1 << 16;
	uint8_t *buf = malloc(cap);
	struct frame *fr = malloc(sizeof *fr * fcap);
	struct pcap_pkthdr *h;
	const u_char *d;
	while (buf && fr && pcap_next_ex(p, &h, &d) == 1) {
		if (used + h->caplen > cap) {
			while (used + h->caplen > cap) cap *= 2;
			buf = realloc(buf, cap);
			if (!buf) break;
		}
		if (nf == fcap) {
			fcap *= 2;
			fr = realloc(fr, sizeof *fr * fcap);
			if (!fr) break;
		}
		memcpy(buf + used, d, h->caplen);
		fr[nf++] = (struct frame){ h->ts, used, h->caplen, h->len };
		used += h->caplen;
	}
	pcap_close(p);
	if (!buf || !fr) {
		fprintf(stderr, "bench_decode: out of memory\n");
		return 3;
	}

	struct ctx x;
	double best = 1e30;
	uint64_t msgs = 0, responses = 0, rrsets = 0;
	for (int r = 0; r < rounds; r++) {
		memset(&x, 0, sizeof x);
		lb_obs_sink_t sink = { on_rrset, on_negative, &x };
		x.proc = lb_proc_new(&sink, NULL, &x.st);
		lb_decoder_t *dec = lb_decoder_new(NULL, on_payload, &x);
		if (!dec || !x.proc) {
			fprintf(stderr, "bench_decode: out of memory\n");
			return 3;
		}
		double t0 = now();
		for (size_t i = 0; i < nf; i++)
			lb_decoder_frame(dec, dlt, &fr[i].ts, buf + fr[i].off, fr[i].caplen, fr[i].len);
		struct timeval end = { .tv_sec = (time_t)1 << 40 };
		lb_decoder_expire(dec, &end);
		double t = now() - t0;
		if (t < best) best = t;
		msgs = x.st.dns_messages, responses = x.st.dns_responses, rrsets = x.rrsets;
		lb_decoder_free(dec);
		lb_proc_free(x.proc);
	}
	printf("packets %zu\ndns_messages %" PRIu64 "\ndns_responses %" PRIu64 "\nrrsets %" PRIu64
	       "\nseconds %.4f\npackets_per_sec %.0f\nresponses_per_sec %.0f\nns_per_packet %.1f\n"
	       "checksum %" PRIu64 "\n",
	       nf, msgs, responses, rrsets, best, (double)nf / best, (double)responses / best,
	       best * 1e9 / (double)nf, x.sum);
	free(buf);
	free(fr);
	return 0;
}
