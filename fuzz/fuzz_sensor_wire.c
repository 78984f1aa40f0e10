/*
 * fuzz_sensor_wire.c - what a collector reads from a sensor's socket is never
 * trusted.  The input is a byte stream as received: it is split into frames
 * (lb_wire_frame, the collector's frame cap) and each frame decoded by its
 * type (hello, welcome, ack, batch).  Every record a batch yields re-encodes
 * (lb_wire_put_rec) and decodes again to the same fields.  Anything else must
 * fail cleanly: no crash, no overread (ASan), no abort.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sensor/sensor.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static lb_wire_reader_t rd, rd2;

static void same(const lb_store_rec_t *a, const lb_store_rec_t *b)
{
	if (a->kind != b->kind || a->type != b->type || a->rcode != b->rcode ||
	    a->owner_len != b->owner_len || a->bailiwick_len != b->bailiwick_len ||
	    a->nrdata != b->nrdata || a->val.time_first != b->val.time_first ||
	    a->val.time_last != b->val.time_last || a->val.count != b->val.count ||
	    a->val.zone_first != b->val.zone_first || a->val.zone_last != b->val.zone_last ||
	    a->val.nruns != b->val.nruns || a->val.runs_uncounted != b->val.runs_uncounted)
		abort();
	for (uint32_t i = 0; i < a->val.nruns; i++)
		if (a->val.runs[i].start != b->val.runs[i].start ||
		    a->val.runs[i].len != b->val.runs[i].len ||
		    a->val.runs[i].count != b->val.runs[i].count)
			abort();
	if (a->owner_len && memcmp(a->owner, b->owner, a->owner_len))
		abort();
	if (a->kind == LB_REC_SENSOR && strcmp(a->sensor, b->sensor))
		abort();
	for (size_t i = 0; i < a->nrdata; i++)
		if (a->rdlen[i] != b->rdlen[i] || memcmp(a->rdata[i], b->rdata[i], a->rdlen[i]))
			abort();
	if (a->nsources != b->nsources || a->sources_more != b->sources_more)
		abort();
	for (size_t i = 0; i < a->nsources; i++)
		if (strcmp(a->sources[i], b->sources[i]))
			abort();
}

static void batch(const uint8_t *body, size_t n)
{
	lb_store_rec_t rec, back;
	if (lb_wire_batch_open(&rd, body, n) != 0)
		return;
	int r;
	while ((r = lb_wire_batch_next(&rd, &rec)) == 1) {
		lb_wbuf_t b = { .max = LB_WIRE_FRAME_MAX + 4 };
		lb_wire_batch_begin(&b);
		if (lb_wire_put_rec(&b, &rec) != 0)
			abort(); /* what decodes must encode */
		lb_wire_batch_end(&b, 1, 1);
		if (b.err || lb_wire_batch_open(&rd2, b.p + 5, b.len - 5) != 0 ||
		    lb_wire_batch_next(&rd2, &back) != 1 || lb_wire_batch_next(&rd2, &back) != 0)
			abort();
		same(&rec, &back);
		lb_wbuf_free(&b);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t off = 0;
	while (off < size) {
		uint8_t type;
		const uint8_t *body;
		size_t blen, used;
		int r = lb_wire_frame(data + off, size - off, LB_WIRE_FRAME_MAX, &type, &body, &blen, &used);
		if (r != 1)
			break; /* need more bytes, or an oversized length: the collector hangs up */
		off += used;
		lb_wire_hello_t h;
		uint64_t seq;
		uint8_t st;
		switch (type) {
		case LB_WIRE_HELLO:
			if (lb_wire_get_hello(body, blen, &h) == 0 && (!h.stream || h.version != LB_WIRE_VERSION))
				abort();
			break;
		case LB_WIRE_WELCOME: (void)!lb_wire_get_welcome(body, blen, &seq); break;
		case LB_WIRE_ACK:
			if (lb_wire_get_ack(body, blen, &seq, &st) == 0 && st > LB_ACK_RETRY)
				abort();
			break;
		case LB_WIRE_BATCH: batch(body, blen); break;
		default: break;
		}
	}
	return 0;
}
