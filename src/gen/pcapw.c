/*
 * pcapw.c - write a generated capture through libpcap's dump API, so the
 * files are exactly what libpcap (and tshark) expect.
 */
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen/gen.h"

/* Takes ownership of f (closed on return). */
static int dump(const lb_gen_opts_t *opts, FILE *f, lb_gen_counts_t *counts, char *errbuf)
{
	int rc = 0;
	lb_gen_t *g = NULL;
	pcap_t *p = NULL;
	pcap_dumper_t *d = NULL;

	rc = lb_gen_opts_check(opts, errbuf);
	if (rc) goto out;
	rc = lb_gen_new(opts, &g);
	if (rc) {
		snprintf(errbuf, 256, "generator: %s", lb_strerror(rc));
		goto out;
	}
	p = pcap_open_dead(DLT_EN10MB, 65535);
	if (!p) {
		rc = LB_ENOMEM;
		snprintf(errbuf, 256, "pcap_open_dead failed");
		goto out;
	}
	d = pcap_dump_fopen(p, f);
	if (!d) {
		rc = LB_EIO;
		snprintf(errbuf, 256, "%s", pcap_geterr(p));
		goto out;
	}
	f = NULL; /* owned by d now */

	struct pcap_pkthdr h;
	const uint8_t *frame;
	size_t len;
	uint64_t nf = 0;
	while (lb_gen_next(g, &h.ts, &frame, &len)) {
		h.caplen = h.len = (bpf_u_int32)len;
		pcap_dump((u_char *)d, &h, frame);
		if ((++nf & 0xFFFF) == 0 && opts->progress)
			opts->progress(opts->progress_ctx, nf);
	}
	if (opts->progress)
		opts->progress(opts->progress_ctx, nf);
	if (pcap_dump_flush(d) != 0 || ferror(pcap_dump_file(d))) {
		rc = LB_EIO;
		snprintf(errbuf, 256, "write failed: %s", strerror(errno));
	}
	if (counts) *counts = *lb_gen_counts(g);
out:
	if (d) pcap_dump_close(d);
	if (f) fclose(f);
	if (p) pcap_close(p);
	lb_gen_free(g);
	return rc;
}

int lb_gen_write_file(const lb_gen_opts_t *opts, const char *path, lb_gen_counts_t *counts,
		      char *errbuf)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "wb") : stdout;
	if (!f) {
		int e = errno;
		snprintf(errbuf, 256, "%s: %s", path, strerror(e));
		return -e;
	}
	setvbuf(f, NULL, _IOFBF, 1 << 20);
	return dump(opts, f, counts, errbuf);
}

int lb_gen_write_mem(const lb_gen_opts_t *opts, uint8_t **buf, size_t *len,
		     lb_gen_counts_t *counts, char *errbuf)
{
	char *b = NULL;
	size_t n = 0;
	*buf = NULL;
	*len = 0;
	FILE *f = open_memstream(&b, &n);
	if (!f) {
		snprintf(errbuf, 256, "open_memstream: %s", strerror(errno));
		return LB_ENOMEM;
	}
	int rc = dump(opts, f, counts, errbuf);
	if (rc) {
		free(b);
		return rc;
	}
	*buf = (uint8_t *)b;
	*len = n;
	return 0;
}
