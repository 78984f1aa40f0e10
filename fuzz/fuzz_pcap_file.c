/*
 * fuzz_pcap_file.c - the classic pcap file reader (capture/pcap.c: our own
 * record-header parser, large reads, records straddling reads), the pcapng
 * reader, and both over a gzip / zstd / xz compressed file (util/zread.h:
 * the corpus holds compressed seeds).  Input: a whole capture file, given
 * to lb_pcap_open_file through a memory file.  Invariants: no crash or
 * overread (every payload byte is read); no more packets than records fit
 * in the input (decompressed); a run that reports damage says why.  The
 * file is then read again as the next file of a rotation (the time the
 * first read ended with handed over, lb_pcap_set_time_before): no simple
 * packet of it is then without a time (frame_no_time).
 */
#include <string.h>

#include "capture/decode.h"
#include "capture/pcap.h"
#include "file_common.h"
#include "util/zread.h"

static size_t frame_bytes;

static void sink(void *ctx, const lb_payload_t *p)
{
	(void)ctx;
	size_t s = 0;
	for (size_t i = 0; i < p->len; i++) /* touch every byte: ASan sees overreads */
		s += p->data[i];
	frame_bytes += s + p->len;
}

/* The input's size once decompressed, as far as it decodes (a bound for
 * the packets: the reader may take fewer bytes out before damage, a zstd
 * frame's bytes decoded into a large buffer go with a checksum error, never
 * more), or UINT64_MAX past 64 MiB.  Small reads: the most bytes come out. */
static uint64_t plain_size(const uint8_t *data, size_t size)
{
	if (lb_zr_sniff(data, size) == LB_ZR_PLAIN)
		return size;
	lb_zr_t *z;
	if (lb_zr_open_mem(data, size, &z) != 0)
		abort();
	uint8_t buf[16];
	uint64_t n = 0;
	ssize_t k;
	while ((k = lb_zr_read(z, buf, sizeof buf)) > 0)
		if ((n += (uint64_t)k) > (64u << 20)) {
			n = UINT64_MAX;
			break;
		}
	lb_zr_close(z);
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64], err[256] = "";
	int fd = fz_file(data, size, path, sizeof path);
	lb_pcap_t *p = lb_pcap_open_file(path, err);
	if (p) {
		lb_decoder_t *d = lb_decoder_new(NULL, sink, NULL);
		if (!d)
			abort();
		volatile sig_atomic_t stop = 0;
		int rc = lb_pcap_run(p, d, &stop, err);
		if (rc != 0 && !err[0])
			abort(); /* damage must be explained */
		/* every packet was a record of the input: a 16-byte header each
		 * after the file's 24 (pcapng blocks are longer) */
		uint64_t pk = lb_decoder_stats(d)->packets;
		if (pk > 0 && pk * 16 + 24 > plain_size(data, size))
			abort();
		/* the same file again as the next of a rotation (cmd_capture.c):
		 * its simple packets before a time take the time this run ended
		 * with, or one given when it had none - none is counted
		 * frame_no_time */
		struct timeval last = { 1700000000, 0 };
		(void)lb_pcap_last_time(p, &last);
		lb_decoder_free(d);
		lb_pcap_close(p);
		err[0] = 0;
		lb_pcap_t *p2 = lb_pcap_open_file(path, err);
		if (p2) {
			lb_pcap_set_time_before(p2, &last);
			d = lb_decoder_new(NULL, sink, NULL);
			if (!d)
				abort();
			volatile sig_atomic_t stop2 = 0;
			if (lb_pcap_run(p2, d, &stop2, err) != 0 && !err[0])
				abort();
			if (lb_decoder_stats(d)->drops[LB_DROP_NO_TIME] != 0)
				abort();
			lb_decoder_free(d);
			lb_pcap_close(p2);
		}
	} else if (!err[0]) {
		abort();
	}
	close(fd);
	return 0;
}
