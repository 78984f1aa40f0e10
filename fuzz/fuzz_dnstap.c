/*
 * fuzz_dnstap.c - Frame Streams reader + Dnstap protobuf decoding +
 * observations, from hostile bytes.
 *
 * Byte 0 picks the mode: 0 a dnstap file (unidirectional), 1 a socket client
 * (bidirectional handshake), 2 one Dnstap protobuf payload.  Byte 1 picks the
 * size of the pieces the stream arrives in (partial frames everywhere).
 *
 * Every data frame is also decoded by protobuf-c (the independent
 * cross-check): whenever protobuf-c accepts it, our wire decoder must give the
 * same fields, values and bytes (lb_dnstap_msg_compare), or the target aborts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "observe/jsonl.h"
#include "sources/dnstap.h"

static FILE *devnull;

static void on_rrset(void *ctx, const lb_obs_rrset_t *o)
{
	(void)ctx;
	lb_jsonl_rrset(devnull, o, -1);
}

static void on_neg(void *ctx, const lb_obs_neg_t *o)
{
	(void)ctx;
	lb_jsonl_negative(devnull, o, -1);
}

/* Both decoders on the payload, then the normal path. */
static void cross_frame(void *d, const uint8_t *payload, size_t len)
{
	lb_dnstap_msg_t ours, ref;
	void *keep = NULL;
	int rc = lb_dnstap_parse(payload, len, &ours);
	int rp = lb_dnstap_parse_pbc(payload, len, &ref, &keep);
	char why[160];
	if (lb_dnstap_msg_compare(rc, &ours, rp, &ref, why, sizeof why) != 0) {
		fprintf(stderr, "fuzz_dnstap: decoders disagree on a %zu-byte payload: %s\n", len, why);
		abort();
	}
	lb_dnstap_pbc_free(keep);
	lb_dnstap_frame(d, payload, len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	if (!devnull)
		devnull = fopen("/dev/null", "w");
	if (!devnull)
		return 0;
	int mode = data[0] % 3;
	size_t piece = (size_t)data[1] + 1;
	data += 2;
	size -= 2;
	/* one decoder for every input (as in a long-running tap); counters reset */
	static lb_stats_t st;
	static lb_tap_stats_t ts;
	static lb_dnstap_t *d;
	memset(&st, 0, sizeof st);
	memset(&ts, 0, sizeof ts);
	if (!d) {
		lb_obs_sink_t sink = { .rrset = on_rrset, .negative = on_neg, .ctx = NULL };
		d = lb_dnstap_new(&sink, "fuzz", &st, &ts);
		if (!d)
			return 0;
	}
	if (mode == 2) {
		cross_frame(d, data, size);
	} else {
		lb_fstrm_conn_t *c = lb_fstrm_conn_new(mode == 1, 4096, cross_frame, d, &ts);
		if (c) {
			int rc = 0;
			for (size_t off = 0; off < size && rc == 0; off += piece) {
				size_t n = size - off < piece ? size - off : piece;
				rc = lb_fstrm_conn_feed(c, data + off, n);
				const uint8_t *p;
				size_t k = lb_fstrm_conn_pending(c, &p);
				if (k)
					lb_fstrm_conn_sent(c, k);
			}
			if (rc == 0)
				(void)lb_fstrm_conn_eof(c);
			lb_fstrm_conn_free(c);
		}
	}
	return 0;
}
