/*
 * fuzz_pcap_file.c - the classic pcap file reader (capture/pcap.c: our own
 * record-header parser, large reads, records straddling reads).  Input: a
 * whole capture file, given to lb_pcap_open_file through a memory file.
 * Invariants: no crash or overread (every payload byte is read); no more
 * packets than records fit in the input; a run that reports damage says why.
 */
#include <string.h>

#include "capture/decode.h"
#include "capture/pcap.h"
#include "file_common.h"

static size_t frame_bytes;

static void sink(void *ctx, const lb_payload_t *p)
{
	(void)ctx;
	size_t s = 0;
	for (size_t i = 0; i < p->len; i++) /* touch every byte: ASan sees overreads */
		s += p->data[i];
	frame_bytes += s + p->len;
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
		 * after the file's 24 */
		if (lb_decoder_stats(d)->packets * 16 + 24 > size)
			abort();
		lb_decoder_free(d);
		lb_pcap_close(p);
	} else if (!err[0]) {
		abort();
	}
	close(fd);
	return 0;
}
