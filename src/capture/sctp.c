/*
 * sctp.c - DNS over SCTP (IP protocol 132), as tshark 4.0 decodes it: its
 * DNS dissector is registered on sctp.port 53 and reads the user data of
 * each DATA chunk as one whole message, no length prefix (a DATA chunk
 * carries one user message, or a fragment of one, RFC 9260 3.3.1).
 *
 * The common header (ports, verification tag, checksum: 12 bytes), then
 * chunks, each a type, flags and a length that counts its header and not
 * the padding to 4 bytes (RFC 9260 3.2).  Every DATA chunk (type 0, a
 * 16-byte header) and I-DATA chunk (type 64, RFC 8260 2.1: 20 bytes) of a
 * packet is read, control chunks bundled before them skipped.  The payload
 * protocol identifier is the application's label, not SCTP's (RFC 9260
 * 3.3.1); no value names DNS, and the port decides as on UDP and TCP.
 * tshark gives a chunk to the dissector of its PPI first when one is
 * registered and takes it (M3UA, S1AP, ...): on port 53 lookback reads DNS
 * whatever the PPI, and its parser refuses what is not DNS.
 *
 * A user message larger than the path's MTU comes in fragments (B and E
 * flags clear on one end or both): not reassembled, counted as
 * sctp_fragment (tshark reassembles them).  A chunk shorter than its
 * header or longer than the packet is sctp_bad (ip_truncated when the
 * snapshot length cut the packet); the chunks before it are read.  The
 * checksum is not verified (tshark's default).
 */
#include <string.h>

#include "capture/decode_impl.h"

/* One DNS message from a DATA or I-DATA chunk's user data. */
static void emit(lb_decoder_t *d, pkt_t *k, const uint8_t *p, size_t n)
{
	if (n < 12) {
		drop(d, LB_DROP_DNS_TRUNCATED);
		return;
	}
	k->pl.data = p;
	k->pl.len = n;
	k->pl.proto = 132;
	k->pl.cut = false;
	d->st.sctp_dns++;
	d->fn(d->ctx, &k->pl);
}

void lb_decode_sctp(lb_decoder_t *d, pkt_t *k, const uint8_t *p, size_t n, bool cut)
{
	if (n < 12) {
		drop(d, cut ? LB_DROP_IP_TRUNCATED : LB_DROP_SCTP_BAD);
		return;
	}
	k->pl.sport = be16(p);
	k->pl.dport = be16(p + 2);
	if (!lb_decoder_is_dns_port(d, k->pl.sport) && !lb_decoder_is_dns_port(d, k->pl.dport)) {
		drop(d, LB_DROP_NOT_DNS_PORT);
		return;
	}
	d->st.sctp_packets++;
	size_t off = 12;
	while (n - off >= 4) {
		const uint8_t *c = p + off;
		uint8_t type = c[0], flags = c[1];
		size_t len = be16(c + 2);
		if (len < 4 || len > n - off) {
			drop(d, len >= 4 && cut ? LB_DROP_IP_TRUNCATED : LB_DROP_SCTP_BAD);
			return;
		}
		if (type == 0 || type == 64) {
			size_t hl = type == 0 ? 16 : 20;
			if (len <= hl)
				drop(d, LB_DROP_SCTP_BAD); /* no user data (RFC 9260 3.3.1) */
			else if ((flags & 3) != 3)
				drop(d, LB_DROP_SCTP_FRAGMENT); /* B and E not both set */
			else
				emit(d, k, c + hl, len - hl);
		}
		size_t step = (len + 3) & ~(size_t)3;
		if (step >= n - off)
			break;
		off += step;
	}
}
