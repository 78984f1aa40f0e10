/*
 * frag.h - IPv4 and IPv6 fragment reassembly (internal to src/capture).
 *
 * Datagrams are keyed by (version, src, dst, protocol, id).  Each one keeps a
 * buffer of the bytes received so far and the sorted list of byte ranges held
 * (RFC 815 holes are the spaces between them).  Bounded by the decoder options:
 * bytes held overall, datagrams in flight, and a timeout on capture time (one
 * for IPv4, one for IPv6: RFC 8200 4.5 gives IPv6 60 seconds).
 * Every datagram that is given up is counted once under one drop reason.
 */
#ifndef LB_CAPTURE_FRAG_H
#define LB_CAPTURE_FRAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capture/decode.h"

typedef struct lb_frag lb_frag_t;

/* Key of one fragmented datagram (addresses: 4 or 16 bytes used).  IPv4:
 * (src, dst, protocol, id), RFC 791; IPv6: (src, dst, id) with proto 0, RFC
 * 8200 4.5 (the fragments' Next Header values may differ).  CAPWAP's
 * fragments (tunnel.c) are keyed under LB_FRAG_PROTO_CAPWAP, the protocol
 * number no IP datagram carries (IANA: reserved), and counted apart
 * (capwap_fragments, capwap_reassembled). */
#define LB_FRAG_PROTO_CAPWAP 255
typedef struct lb_frag_key {
	uint8_t ipver;
	uint8_t proto;
	uint32_t id;
	uint8_t src[16], dst[16];
} lb_frag_key_t;

/* NULL on allocation failure.  opts and stats are borrowed for the table's life. */
lb_frag_t *lb_frag_new(const lb_decoder_opts_t *opts, lb_stats_t *stats);

/* NULL-safe. */
void lb_frag_free(lb_frag_t *f);

/*
 * Add one fragment: payload bytes [off, off + len) of the datagram, more =
 * more-fragments flag, hdrlen = header bytes that count with the payload
 * toward the 65535 limit (IPv4: the IP header, Total Length; IPv6: the
 * extension headers before the fragment header, Payload Length).  Returns 1 when this fragment completes the datagram: *out, *outlen
 * is the reassembled payload, valid until lb_frag_release (the decoder
 * calls it after each frame: datagrams completed by fragments nested
 * inside a reassembled one, several in an A-MSDU, leave it valid).  Returns 0
 * when the fragment is held (or absorbed by a datagram already given up), and
 * -1 when it was dropped (counted).  nh (IPv6; NULL for IPv4): in, this
 * fragment's Next Header; out, on completion, the offset-zero fragment's,
 * the one RFC 8200 4.5 says to use.
 */
int lb_frag_add(lb_frag_t *f, const lb_frag_key_t *key, size_t hdrlen, uint32_t off, bool more,
		const uint8_t *data, size_t len, double now, const uint8_t **out, size_t *outlen,
		uint8_t *nh);

/* Free the buffers of the datagrams completed since the last call. */
void lb_frag_release(lb_frag_t *f);

/* Give up every IPv4 datagram whose first fragment is older than `before4`,
 * and every IPv6 one older than `before6`. */
void lb_frag_expire(lb_frag_t *f, double before4, double before6);

/* Bytes held in fragment buffers. */
size_t lb_frag_mem(const lb_frag_t *f);

#endif
