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
 * A user message larger than the path's MTU comes in fragments: B set on
 * the first, E on the last, their TSNs consecutive (RFC 9260 6.9; I-DATA's
 * share a message id, RFC 8260 2.1).  They are reassembled as tshark does
 * when they come in TSN order (sctp_part): up to SCTP_PARTS messages at
 * once per decoder, each at most 65535 bytes, all within the IP fragment
 * table's memory bound again, given up after the IPv4 fragment timeout; a
 * message given up, and a fragment that continues none, is counted
 * sctp_incomplete.  A chunk shorter than its
 * header or longer than the packet is sctp_bad (ip_truncated when the
 * snapshot length cut the packet); the chunks before it are read.  The
 * checksum is not verified (tshark's default).
 */
#include <stdlib.h>
#include <string.h>

#include "capture/decode_impl.h"

#define SCTP_PARTS 8
#define SCTP_MSG_MAX 65535

/* A message whose first fragments were seen: the association's direction
 * (addresses, ports, verification tag), the chunk type, stream and message
 * (SSN for an ordered DATA chunk, 0 for an unordered one; I-DATA's MID),
 * the TSN the next fragment must have, the bytes so far. */
typedef struct sctp_part {
	bool used;
	uint8_t ipver, type;
	uint8_t src[16], dst[16];
	uint16_t sport, dport, sid;
	uint32_t vtag, mid, next_tsn;
	double t;
	size_t len, cap;
	uint8_t *buf;
} sctp_part_t;

struct lb_sctp {
	sctp_part_t p[SCTP_PARTS];
	size_t mem, mem_max;
};

void lb_sctp_free(lb_sctp_t *s)
{
	if (!s)
		return;
	for (int i = 0; i < SCTP_PARTS; i++)
		free(s->p[i].buf);
	free(s);
}

size_t lb_sctp_mem(const lb_sctp_t *s) { return s ? s->mem : 0; }

static void part_drop(lb_sctp_t *s, sctp_part_t *p, lb_stats_t *st)
{
	st->drops[LB_DROP_SCTP_INCOMPLETE]++;
	s->mem -= p->cap;
	free(p->buf);
	memset(p, 0, sizeof(*p));
}

void lb_sctp_expire(lb_sctp_t *s, double before, lb_stats_t *st)
{
	for (int i = 0; s && i < SCTP_PARTS; i++)
		if (s->p[i].used && s->p[i].t < before)
			part_drop(s, &s->p[i], st);
}

/* Append n bytes to p, growing its buffer within the bounds; false when
 * they do not fit (the message is then given up). */
static bool part_add(lb_sctp_t *s, sctp_part_t *p, const uint8_t *b, size_t n)
{
	if (n > SCTP_MSG_MAX - p->len)
		return false;
	if (p->len + n > p->cap) {
		size_t cap = p->cap ? p->cap : 2048;
		while (cap < p->len + n)
			cap *= 2;
		if (cap > SCTP_MSG_MAX)
			cap = SCTP_MSG_MAX;
		if (s->mem - p->cap + cap > s->mem_max)
			return false;
		uint8_t *nb = realloc(p->buf, cap);
		if (!nb)
			return false;
		s->mem = s->mem - p->cap + cap;
		p->buf = nb;
		p->cap = cap;
	}
	memcpy(p->buf + p->len, b, n);
	p->len += n;
	return true;
}

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

/* One fragment (flags: B 2, E 1, U 4) of chunk c (type 0 or 64, header
 * hl bytes, len bytes): held, completed (handed up), or counted. */
static void fragment(lb_decoder_t *d, pkt_t *k, const uint8_t *vtag, const uint8_t *c, size_t hl,
		     size_t len)
{
	if (!d->sctp) {
		d->sctp = calloc(1, sizeof(*d->sctp));
		if (!d->sctp) {
			drop(d, LB_DROP_SCTP_INCOMPLETE);
			return;
		}
		d->sctp->mem_max = d->o.frag_mem_max;
	}
	lb_sctp_t *s = d->sctp;
	sctp_part_t key;
	memset(&key, 0, sizeof(key));
	key.used = true;
	key.ipver = k->pl.ipver;
	key.type = c[0];
	memcpy(key.src, k->pl.src, 16);
	memcpy(key.dst, k->pl.dst, 16);
	key.sport = k->pl.sport;
	key.dport = k->pl.dport;
	key.vtag = be32(vtag);
	key.sid = be16(c + 8);
	key.mid = c[0] == 64 ? be32(c + 12) : (c[1] & 4) ? 0 : be16(c + 10);
	uint32_t tsn = be32(c + 4);
	double now = (double)k->pl.ts.tv_sec + (double)k->pl.ts.tv_usec / 1e6;
	sctp_part_t *p = NULL;
	for (int i = 0; i < SCTP_PARTS && !p; i++) {
		sctp_part_t *x = &s->p[i];
		if (x->used && x->ipver == key.ipver && x->type == key.type &&
		    x->sport == key.sport && x->dport == key.dport && x->vtag == key.vtag &&
		    x->sid == key.sid && x->mid == key.mid && !memcmp(x->src, key.src, 16) &&
		    !memcmp(x->dst, key.dst, 16))
			p = x;
	}
	if (c[1] & 2) { /* the first fragment: a new message */
		if (p) {
			part_drop(s, p, &d->st);
		} else {
			for (int i = 0; i < SCTP_PARTS && !p; i++)
				if (!s->p[i].used)
					p = &s->p[i];
			if (!p) { /* all busy: give up the oldest */
				p = &s->p[0];
				for (int i = 1; i < SCTP_PARTS; i++)
					if (s->p[i].t < p->t)
						p = &s->p[i];
				part_drop(s, p, &d->st);
			}
		}
		*p = key;
	} else if (!p || tsn != p->next_tsn) {
		drop(d, LB_DROP_SCTP_INCOMPLETE); /* its start not seen, or out of order */
		return;
	}
	p->t = now;
	p->next_tsn = tsn + 1;
	if (!part_add(s, p, c + hl, len - hl)) {
		part_drop(s, p, &d->st);
		return;
	}
	if (c[1] & 1) { /* the last */
		emit(d, k, p->buf, p->len);
		s->mem -= p->cap;
		free(p->buf);
		memset(p, 0, sizeof(*p));
	}
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
				fragment(d, k, p + 4, c, hl, len); /* B and E not both set */
			else
				emit(d, k, c + hl, len - hl);
		}
		size_t step = (len + 3) & ~(size_t)3;
		if (step >= n - off)
			break;
		off += step;
	}
}
