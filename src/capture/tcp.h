/*
 * tcp.h - TCP stream reassembly and DNS message framing (internal to
 * src/capture).
 *
 * Flows (both directions of a 5-tuple) live in a hash table with an idle list.
 * Each direction keeps the next expected sequence number, the bytes of the
 * message being assembled, and a bounded sorted list of out-of-order segments.
 * Messages are framed with the 2-byte length prefix of RFC 1035 4.2.2 /
 * RFC 7766 and handed to the decoder's payload callback.
 */
#ifndef LB_CAPTURE_TCP_H
#define LB_CAPTURE_TCP_H

#include <stddef.h>
#include <stdint.h>

#include "capture/decode.h"

#define LB_TCP_FIN 0x01
#define LB_TCP_SYN 0x02
#define LB_TCP_RST 0x04

typedef struct lb_tcp lb_tcp_t;

/* NULL on allocation failure.  opts and stats are borrowed. */
lb_tcp_t *lb_tcp_new(const lb_decoder_opts_t *opts, lb_stats_t *stats, lb_payload_fn fn, void *ctx);

/* NULL-safe; drops everything without counting. */
void lb_tcp_free(lb_tcp_t *t);

/*
 * One segment.  meta gives the addresses, ports, ipver and capture time (its
 * data/len are ignored); flags are LB_TCP_*; data/len the segment payload.
 */
void lb_tcp_segment(lb_tcp_t *t, const lb_payload_t *meta, uint32_t seq, unsigned flags,
		    const uint8_t *data, size_t len);

/* Close every flow idle since before `before` (out-of-order data after a gap
 * is framed first, then what cannot be framed is counted and dropped). */
void lb_tcp_expire(lb_tcp_t *t, double before);

/* Bytes held in stream buffers. */
size_t lb_tcp_mem(const lb_tcp_t *t);

#endif
