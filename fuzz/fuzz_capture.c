/*
 * fuzz_capture.c - the whole capture decoder.  Input: first byte selects a
 * link type from the supported list (its low 4 bits index link_types, or
 * with bits 0x70 all set link_types_more: the link types added later, so
 * older corpus inputs keep their meaning; bit 0x80 makes each frame's wire
 * length 10 more than its captured length, a snapshot cut), the rest is a
 * sequence of frames, each a 2-byte big-endian length then that many bytes.
 * Frames go to one decoder with increasing timestamps (the high bits of the
 * length add time jumps so timeouts trigger).  Small bounds make the limits
 * reachable; memory must stay within them, and return to 0 after the final
 * expiry.  Every payload handed up holds a DNS header at least (12 bytes).
 * A payload handed up from ports that are no DNS ports must be what the
 * port guess promises (capture/guess.c): one whole DNS response to one IN
 * question, parsed cleanly to its last octet, every record of class IN
 * (an ICMP error's quote too).  A reassembled datagram's buffer past its
 * payload is poisoned under ASan (frag.c), so a tunnel reading past the
 * end of a reassembled frame (IP, CAPWAP fragments) is caught as one
 * reading past a captured frame is.  The tunnels (VXLAN, Teredo,
 * AYIYA on UDP 5072, TZSP on 37008, MPLS in UDP, LISP, CAPWAP, AMT,
 * jmirror, EtherIP...), SCTP's DATA chunks and TCP streams without their
 * handshake are reached through the frames' own ports and flags; the
 * corpus holds seeds of each.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "capture/decode.h"
#include "dns/msg.h"

static const int link_types[] = { 1, 113, 276, 12, 101, 228, 229, 0, 108, 239, 127, 9,
				   50, 104, 105, 117 };
/* reached when (data[0] & 0x70) == 0x70 */
static const int link_types_more[] = { 138, 11, 14, 51, 119, 163, 192, 204,
					138, 1, 12, 113, 276, 0, 9, 239 };
_Static_assert(sizeof link_types == 16 * sizeof(int) && sizeof link_types_more == 16 * sizeof(int),
	       "the first byte's low 4 bits index 16 link types");

static size_t sink_bytes;
static lb_msg_scratch_t scratch;

static void sink(void *ctx, const lb_payload_t *p)
{
	(void)ctx;
	/* touch every byte handed up so ASan sees overreads */
	size_t s = 0;
	for (size_t i = 0; i < p->len; i++)
		s += p->data[i];
	sink_bytes += s + p->len;
	if (p->len > 65535 || (p->proto != 6 && p->proto != 17 && p->proto != 132) || (p->ipver != 4 && p->ipver != 6))
		abort();
	/* a DNS header at least: shorter datagrams and TCP lengths are dropped */
	if (p->len < 12)
		abort();
	bool dns_port = p->sport == 53 || p->dport == 53 || p->sport == 5353 || p->dport == 5353;
	if (!dns_port) { /* guessed: the claim of guess.c */
		lb_msg_t m;
		if (p->proto != 17 || p->cut || lb_msg_parse(&m, &scratch, p->data, p->len) != 0 ||
		    !m.qr || m.opcode != 0 || m.qdcount != 1 || m.qclass != 1 || m.qtype == 0 ||
		    m.nbad || m.cut || m.complete != 3 || m.wire_len != p->len)
			abort();
		for (size_t i = 0; i < m.nrr; i++)
			if (m.rr[i].rclass != 1)
				abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	lb_decoder_opts_t o;
	lb_decoder_opts_default(&o);
	o.ports[1] = 5353;
	o.nports = 2;
	o.frag_mem_max = 16384;
	o.frag_max_datagrams = 8;
	o.tcp_flow_mem_max = 4096;
	o.tcp_mem_max = 8192;
	o.tcp_max_flows = 4;
	o.max_tunnel_depth = 3;
	lb_decoder_t *d = lb_decoder_new(&o, sink, NULL);
	if (!d)
		return 0;
	int lt = (data[0] & 0x70) == 0x70 ? link_types_more[data[0] & 15] : link_types[data[0] & 15];
	size_t off = 1;
	struct timeval tv = { 1000, 0 };
	while (off + 2 <= size) {
		size_t n = (size_t)data[off] << 8 | data[off + 1];
		off += 2;
		/* the top bit of the length jumps the clock forward 60 s */
		if (n & 0x8000)
			tv.tv_sec += 60;
		n &= 0x7fff;
		if (n > size - off)
			n = size - off;
		/* copy into an exact allocation so overreads are caught */
		uint8_t *f = malloc(n ? n : 1);
		if (!f)
			break;
		memcpy(f, data + off, n);
		tv.tv_usec += 1000;
		if (tv.tv_usec >= 1000000) {
			tv.tv_sec++;
			tv.tv_usec = 0;
		}
		lb_decoder_frame(d, lt, &tv, f, n, n + (data[0] & 0x80 ? 10 : 0));
		free(f);
		off += n;
		/* (SCTP's messages in fragments: within frag_mem_max again) */
		if (lb_decoder_mem(d) > 2 * o.frag_mem_max + o.tcp_mem_max)
			abort();
	}
	struct timeval far = { (time_t)1 << 40, 0 };
	lb_decoder_expire(d, &far);
	if (lb_decoder_mem(d) != 0)
		abort();
	lb_decoder_free(d);
	return 0;
}
