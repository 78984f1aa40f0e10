/*
 * tcp.c - TCP reassembly for DNS over TCP (RFC 1035 4.2.2, RFC 7766).
 *
 * Per direction: `next` is the next expected sequence number (mod 2^32).
 * In-order bytes are framed at once: whole messages straight from the segment
 * (no copy), the rest of a message copied into `buf` until it completes.
 * Segments beyond `next` wait in a sorted list of at most OOO_MAX entries
 * (and the flow's byte bound, their headers counted).
 * When the list is full, or at RST/expiry, the hole is given up (tcp_gap):
 * the partial message is dropped and framing restarts at the first segment
 * after the hole, taken as a message boundary.  A FIN closes its direction in
 * sequence order: a FIN that arrives before the bytes in front of it waits for
 * them (until the flow expires), and data beyond the FIN is ignored.  A RST
 * closes its sender's direction only.  A stream seen without its SYN
 * starts at the first data seen, also as a boundary.  A length prefix below 12
 * (no DNS header fits) means we are not on a boundary: the direction's buffer
 * and the rest of the segment are dropped (tcp_junk) and the next segment is
 * tried as a boundary.
 *
 * A boundary taken on trust (the first data of a stream seen without its SYN,
 * the segment after a hole given up or after junk) must read as a length
 * prefix and a DNS header that fits in it (plausible()) before framing goes
 * on from it.  Otherwise a boundary is looked for inside the segment, one
 * confirmed by a second one (or the segment's end) where the first message's
 * length says (find_boundary), and framing goes on from there; without one
 * the segment is dropped (tcp_junk) and the next one is tried.  A segment
 * that starts inside a message (a capture started in the middle of a
 * persistent connection, a hole that ends inside a message) would otherwise
 * give a length prefix read from message bytes, up to 64 KiB, that swallows
 * the messages behind it, and every later boundary would be wrong until the
 * stream ends.  Senders pass a message and its prefix to TCP at once (RFC
 * 7766 8), so segments mostly start on a boundary; but where the sender's
 * queue packs messages into full-size segments (a zone transfer, pipelined
 * answers) few do, and framing comes back inside one.
 */
#include "capture/tcp.h"
#include "util/mem.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Out-of-order segments held per direction.  The bytes held are bounded by
 * tcp_flow_mem_max; this bounds the list (its walks) and must not be the
 * tighter bound for real segment sizes: a segment lost before the capture
 * point is retransmitted after the rest of the sender's window, 64 KiB and
 * more, 45 segments of 1460 bytes at 64 KiB.  At 32 such a window gave the
 * hole up (the message across it lost, framing restarted inside the next
 * one) where tshark reassembles it.  Appends go straight to the tail. */
#define OOO_MAX 256
#define MSG_MAX (65535 + 2)   /* largest framed message with its prefix */
#define DNS_HDR 12

typedef struct seg {
	struct seg *next;
	uint32_t seq;
	uint32_t len;
	struct timeval ts;
	uint8_t data[];
} seg_t;

typedef struct dir {
	bool active;            /* next is known */
	bool closed;            /* FIN or RST seen: ignore data until a new SYN */
	bool fin;               /* FIN seen at fin_seq, bytes before it still missing */
	bool peer_rst;          /* the other direction was reset: a SYN here is new */
	bool have_isn;          /* a SYN was seen: isn is its sequence number */
	bool unsure;            /* the next message boundary is a guess (see above) */
	uint32_t isn;
	uint32_t fin_seq;       /* sequence number of the FIN (end of the data) */
	uint32_t next;
	uint8_t *buf;           /* partial message (with its prefix) */
	size_t len, cap;
	seg_t *ooo;             /* sorted by sequence, relative to next */
	seg_t *ooo_tail;        /* its last entry */
	int nooo;
	size_t ooo_bytes;
	struct timeval ts;      /* capture time of the last segment */
} dir_t;

typedef struct flow {
	struct flow *hnext;
	struct flow *prev, *next;  /* idle list, least recently active first */
	uint32_t hash;
	uint8_t ipver;
	uint8_t a[16], b[16];      /* canonical order: (a, pa) < (b, pb) */
	uint16_t pa, pb;
	double last;
	dir_t d[2];                /* d[0]: a -> b, d[1]: b -> a */
} flow_t;

struct lb_tcp {
	const lb_decoder_opts_t *o;
	lb_stats_t *st;
	lb_payload_fn fn;
	void *ctx;
	flow_t **bucket;
	size_t nbucket;            /* power of two */
	flow_t *oldest, *newest;
	size_t count;
	size_t mem;
	lb_slab_t flows;           /* flow_t items */
};

static double tv_sec(const struct timeval *tv)
{
	return (double)tv->tv_sec + (double)tv->tv_usec / 1e6;
}

lb_tcp_t *lb_tcp_new(const lb_decoder_opts_t *opts, lb_stats_t *stats, lb_payload_fn fn, void *ctx)
{
	lb_tcp_t *t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->o = opts;
	t->st = stats;
	t->fn = fn;
	t->ctx = ctx;
	lb_slab_init(&t->flows, sizeof(flow_t));
	t->nbucket = 64;
	while (t->nbucket < opts->tcp_max_flows && t->nbucket < ((size_t)1 << 20))
		t->nbucket <<= 1;
	t->bucket = calloc(t->nbucket, sizeof(*t->bucket));
	if (!t->bucket) {
		free(t);
		return NULL;
	}
	return t;
}

size_t lb_tcp_mem(const lb_tcp_t *t)
{
	return t->mem;
}

/* ---- memory ---- */

static size_t dir_mem(const dir_t *d)
{
	return d->cap + d->ooo_bytes;
}

static bool mem_allows(const lb_tcp_t *t, const dir_t *d, size_t extra)
{
	return dir_mem(d) + extra <= t->o->tcp_flow_mem_max && t->mem + extra <= t->o->tcp_mem_max;
}

static void buf_clear(lb_tcp_t *t, dir_t *d)
{
	t->mem -= d->cap;
	free(d->buf);
	d->buf = NULL;
	d->len = d->cap = 0;
}

static void ooo_clear(lb_tcp_t *t, dir_t *d)
{
	while (d->ooo) {
		seg_t *s = d->ooo;
		d->ooo = s->next;
		free(s);
	}
	d->ooo_tail = NULL;
	t->mem -= d->ooo_bytes;
	d->ooo_bytes = 0;
	d->nooo = 0;
}

static bool buf_append(lb_tcp_t *t, dir_t *d, const uint8_t *p, size_t n)
{
	size_t need = d->len + n;
	if (need > d->cap) {
		size_t ncap = (need + 255) & ~(size_t)255;
		if (ncap > MSG_MAX)
			ncap = MSG_MAX;
		if (!mem_allows(t, d, ncap - d->cap))
			ncap = need;
		if (!mem_allows(t, d, ncap - d->cap))
			return false;
		uint8_t *nb = realloc(d->buf, ncap);
		if (!nb)
			return false;
		t->mem += ncap - d->cap;
		d->buf = nb;
		d->cap = ncap;
	}
	memcpy(d->buf + d->len, p, n);
	d->len += n;
	return true;
}

/* ---- framing ---- */

static void emit(lb_tcp_t *t, const flow_t *f, int di, const struct timeval *ts, const uint8_t *p,
		 size_t n)
{
	lb_payload_t pl;
	pl.data = p;
	pl.len = n;
	pl.ts = *ts;
	pl.ipver = f->ipver;
	pl.proto = 6;
	pl.cut = false;
	memcpy(pl.src, di ? f->b : f->a, 16);
	memcpy(pl.dst, di ? f->a : f->b, 16);
	pl.sport = di ? f->pb : f->pa;
	pl.dport = di ? f->pa : f->pb;
	t->st->tcp_dns++;
	t->fn(t->ctx, &pl);
}

/* Bytes check_boundary() looks at: a length prefix, a header, and the first
 * name with its type and class (a name is at most 255 bytes). */
#define PROBE (2 + DNS_HDR + 255 + 4)

/* Whether h[0..n) (n >= 14) may start a message: a length prefix and a
 * header (RFC 1035 4.1.1) at least a header long, with a known opcode
 * (QUERY, IQUERY, STATUS, NOTIFY, UPDATE, DSO), at most one question, and
 * room in the length for the smallest question (5 bytes) and records (11)
 * the counts ask for; then the message's first name (the question's, or the
 * first record's) in plain labels - nothing comes before it for a
 * compression pointer to point at - followed by a type and a class of
 * RFC 1035 / 2136 (IN, CH, HS, NONE, ANY; the top bit is mDNS's), any class
 * for an OPT record.  A message without question or record is its header
 * alone, or for DSO its header and TLVs.  Where h ends first, what it holds decides.  Inside a message, even
 * at a record's start, these fail: a name there is compressed, or data. */
static bool plausible(const uint8_t *h, size_t n)
{
	size_t mlen = (size_t)h[0] << 8 | h[1];
	unsigned opcode = (h[4] >> 3) & 0xfu;
	size_t qd = (size_t)h[6] << 8 | h[7];
	size_t rrs = ((size_t)h[8] << 8 | h[9]) + ((size_t)h[10] << 8 | h[11]) +
		     ((size_t)h[12] << 8 | h[13]);
	if (mlen < DNS_HDR || qd > 1 || opcode == 3 || opcode > 6)
		return false;
	if (opcode == 6 && qd + rrs == 0) {
		/* DSO (RFC 8490 5.4): the four counts are zero and TLVs (type,
		 * length, value) fill the rest; a response may have none (5.4.1:
		 * its Primary TLV is optional).  The first TLV must fit.  (Counts
		 * that are not zero are checked as for any message below.) */
		if (mlen > DNS_HDR && mlen < DNS_HDR + 4)
			return false;
		if (mlen == DNS_HDR || n < 2 + DNS_HDR + 4)
			return true;
		size_t tlv = (size_t)h[2 + DNS_HDR + 2] << 8 | h[2 + DNS_HDR + 3];
		return DNS_HDR + 4 + tlv <= mlen;
	}
	if (DNS_HDR + qd * 5 + rrs * 11 > mlen)
		return false;
	if (qd + rrs == 0)
		return mlen == DNS_HDR;
	bool cut = n < 2 + mlen; /* h ends before the message */
	size_t q = 2 + DNS_HDR, end = cut ? n : 2 + mlen;
	for (;;) {
		if (q >= end)
			return cut; /* the name goes past h (undecided: yes) or the message */
		unsigned l = h[q];
		if (l > 63)
			return false; /* a pointer, or an unknown label type */
		q += 1 + l;
		if (q - (2 + DNS_HDR) > 255)
			return false;
		if (l == 0)
			break;
	}
	if (q + 4 > end)
		return cut && q + 4 <= 2 + mlen;
	unsigned type = (unsigned)h[q] << 8 | h[q + 1];
	unsigned cls = ((unsigned)h[q + 2] << 8 | h[q + 3]) & 0x7fffu;
	if (qd == 0 && type == 41)
		return true; /* OPT: the class is a payload size */
	return cls == 1 || cls == 3 || cls == 4 || cls == 254 || cls == 255;
}

/* Offsets into a segment searched for a message boundary (find_boundary):
 * more than an Ethernet segment's payload, a bound on the work a segment of
 * junk costs (each offset is a few compares, a name walk at most). */
#define SEARCH_MAX 2048

/*
 * A message boundary inside p[0..n) (a segment's bytes that do not start
 * with one), confirmed inside it: the offset k > 0 of the first place that
 * reads as a message (plausible()) whose length ends it inside p, exactly at
 * its end or where another plausible message starts.  0 if none in the
 * first SEARCH_MAX offsets.
 *
 * plausible() alone is not enough inside a message: measured over the DNS
 * messages of the shared captures and a generated capture, laid end to end
 * with their prefixes (1.8 M offsets that are no boundary), it passes at
 * 4e-4 to 9e-4 of them, about one place in a full-size segment.  With the
 * second boundary required it passed at none, and cut into 536, 1448 and
 * 8948-byte segments (17 k segments not starting on a boundary) the search
 * found a true boundary in 58 to 100% of them and a false one in none.  A
 * message longer than the rest of its segment cannot be confirmed there;
 * the search goes on, and the next segment is tried as before.
 */
static size_t find_boundary(const uint8_t *p, size_t n)
{
	size_t last = n - (2 + DNS_HDR);
	if (last > SEARCH_MAX)
		last = SEARCH_MAX;
	for (size_t k = 1; k <= last; k++) {
		size_t mlen = (size_t)p[k] << 8 | p[k + 1], end = k + 2 + mlen;
		if (mlen < DNS_HDR || end > n)
			continue;
		if (!plausible(p + k, n - k < PROBE ? n - k : PROBE))
			continue;
		if (end == n)
			return k;
		if (n - end >= 2 + DNS_HDR && plausible(p + end, n - end < PROBE ? n - end : PROBE))
			return k;
	}
	return 0;
}

#define NO_BOUNDARY SIZE_MAX

/* At a boundary taken on trust (d->unsure), p/n the segment's bytes from
 * there: they are held until a prefix and a header are here, then checked;
 * if they do not start a message, one is looked for inside them
 * (find_boundary; the bytes before it are junk).  Returns where framing
 * goes on in p: 0 (the start may be held in d->buf) or the boundary found;
 * NO_BOUNDARY if the bytes were held, or dropped as junk.  (An offset, not
 * p and n through pointers: feed() would keep them in memory.) */
static size_t check_boundary(lb_tcp_t *t, dir_t *d, const uint8_t *p, size_t n)
{
	const size_t need = 2 + DNS_HDR;
	if (d->len > 0 && d->len < need) { /* the start held from earlier segments */
		uint8_t h[PROBE];
		size_t take = PROBE - d->len < n ? PROBE - d->len : n;
		memcpy(h, d->buf, d->len);
		memcpy(h + d->len, p, take);
		if (d->len + take < need) {
			if (!buf_append(t, d, p, take)) {
				t->st->drops[LB_DROP_TCP_LIMIT]++;
				buf_clear(t, d);
			}
			return NO_BOUNDARY;
		}
		if (plausible(h, d->len + take)) {
			d->unsure = false;
			return 0;
		}
		/* not a boundary after all: try this segment's start instead */
		t->st->drops[LB_DROP_TCP_JUNK]++;
		buf_clear(t, d);
	}
	if (n < need) { /* too short to tell: hold it for the next segment */
		if (!buf_append(t, d, p, n)) {
			t->st->drops[LB_DROP_TCP_LIMIT]++;
			buf_clear(t, d);
		}
		return NO_BOUNDARY;
	}
	if (plausible(p, n < PROBE ? n : PROBE)) {
		d->unsure = false;
		return 0;
	}
	t->st->drops[LB_DROP_TCP_JUNK]++;
	size_t k = find_boundary(p, n);
	if (k == 0)
		return NO_BOUNDARY;
	d->unsure = false;
	return k;
}

/* Frame in-order bytes.  On junk or a memory bound the rest is dropped. */
static void feed(lb_tcp_t *t, flow_t *f, int di, const uint8_t *p, size_t n,
		 const struct timeval *ts)
{
	dir_t *d = &f->d[di];
	if (d->unsure && n > 0) {
		size_t k = check_boundary(t, d, p, n);
		if (k == NO_BOUNDARY)
			return;
		p += k;
		n -= k;
	}
	while (n > 0) {
		if (d->len == 0 && n >= 2) {
			size_t mlen = (size_t)p[0] << 8 | p[1];
			if (mlen < DNS_HDR)
				goto junk;
			if (n >= mlen + 2) {
				emit(t, f, di, ts, p + 2, mlen);
				p += mlen + 2;
				n -= mlen + 2;
				continue;
			}
		}
		size_t take;
		if (d->len < 2) {
			take = 2 - d->len < n ? 2 - d->len : n;
		} else {
			size_t want = ((size_t)d->buf[0] << 8 | d->buf[1]) + 2 - d->len;
			take = want < n ? want : n;
		}
		if (!buf_append(t, d, p, take)) {
			t->st->drops[LB_DROP_TCP_LIMIT]++;
			buf_clear(t, d);
			d->unsure = true;
			return;
		}
		p += take;
		n -= take;
		if (d->len >= 2) {
			size_t mlen = (size_t)d->buf[0] << 8 | d->buf[1];
			if (mlen < DNS_HDR)
				goto junk;
			if (d->len == mlen + 2) {
				emit(t, f, di, ts, d->buf + 2, mlen);
				buf_clear(t, d);
			}
		}
	}
	return;
junk:
	t->st->drops[LB_DROP_TCP_JUNK]++;
	buf_clear(t, d);
	d->unsure = true;
}

static void deliver(lb_tcp_t *t, flow_t *f, int di, const uint8_t *p, size_t n,
		    const struct timeval *ts)
{
	f->d[di].next += (uint32_t)n;
	feed(t, f, di, p, n, ts);
}

/* Deliver out-of-order segments that have become in order. */
static void drain(lb_tcp_t *t, flow_t *f, int di)
{
	dir_t *d = &f->d[di];
	while (d->ooo && (int32_t)(d->ooo->seq - d->next) <= 0) {
		seg_t *s = d->ooo;
		d->ooo = s->next;
		if (!d->ooo)
			d->ooo_tail = NULL;
		d->nooo--;
		size_t sz = sizeof(*s) + s->len;
		int32_t end = (int32_t)(s->seq + s->len - d->next);
		if (end > 0) {
			uint32_t skip = s->len - (uint32_t)end;
			deliver(t, f, di, s->data + skip, (size_t)end, &s->ts);
		}
		d->ooo_bytes -= sz;
		t->mem -= sz;
		free(s);
	}
}

static bool ooo_insert(lb_tcp_t *t, dir_t *d, uint32_t seq, const uint8_t *p, size_t n,
		       const struct timeval *ts)
{
	seg_t **pp = &d->ooo;
	int32_t rel = (int32_t)(seq - d->next);
	if (d->ooo_tail && (int32_t)(d->ooo_tail->seq - d->next) < rel)
		pp = &d->ooo_tail->next; /* the usual case: past everything held */
	while (*pp && (int32_t)((*pp)->seq - d->next) < rel)
		pp = &(*pp)->next;
	if (*pp && (*pp)->seq == seq && (*pp)->len >= n)
		return true; /* retransmission of a segment we hold */
	size_t sz = sizeof(seg_t) + n;
	if (d->nooo >= OOO_MAX || !mem_allows(t, d, sz))
		return false;
	seg_t *s = malloc(sz);
	if (!s)
		return false;
	s->seq = seq;
	s->len = (uint32_t)n;
	s->ts = *ts;
	memcpy(s->data, p, n);
	s->next = *pp;
	*pp = s;
	if (!s->next)
		d->ooo_tail = s;
	d->nooo++;
	d->ooo_bytes += sz;
	t->mem += sz;
	return true;
}

/* Give up the hole in front of the first held segment (or of `seq`, if
 * that is earlier): count it, drop the partial message, restart there. */
static void skip_gap(lb_tcp_t *t, flow_t *f, int di, bool have_seq, uint32_t seq)
{
	dir_t *d = &f->d[di];
	uint32_t to = d->ooo ? d->ooo->seq : seq;
	if (have_seq && d->ooo && (int32_t)(seq - to) < 0)
		to = seq;
	t->st->drops[LB_DROP_TCP_GAP]++;
	buf_clear(t, d);
	d->unsure = true;
	d->next = to;
	drain(t, f, di);
}

static void handle_data(lb_tcp_t *t, flow_t *f, int di, uint32_t seq, const uint8_t *p, size_t n,
			const struct timeval *ts)
{
	dir_t *d = &f->d[di];
	for (int attempt = 0; attempt < 2; attempt++) {
		int32_t rel = (int32_t)(seq - d->next);
		if (rel <= 0) {
			uint32_t dup = (uint32_t)(-(int64_t)rel);
			if (dup >= n)
				return; /* retransmission of bytes already taken */
			deliver(t, f, di, p + dup, n - dup, ts);
			drain(t, f, di);
			return;
		}
		if (ooo_insert(t, d, seq, p, n, ts))
			return;
		if (attempt == 0)
			skip_gap(t, f, di, true, seq);
	}
	t->st->drops[LB_DROP_TCP_LIMIT]++;
}

/* FIN, RST, expiry, eviction: frame what can still be framed (the segments
 * held past a hole, each hole counted), count the partial message left: cut
 * by the flow table's bound (evicted) or by the stream's end.  An evicted
 * flow's held segments were framed on expiry but dropped on eviction: under
 * a flood of flows, the answers a resolver sent past a lost segment (or in
 * front of a FIN waiting for it) were lost while tshark decodes them. */
static void close_dir(lb_tcp_t *t, flow_t *f, int di, bool evicted)
{
	dir_t *d = &f->d[di];
	while (d->ooo)
		skip_gap(t, f, di, false, 0);
	if (d->len)
		t->st->drops[evicted ? LB_DROP_TCP_LIMIT : LB_DROP_TCP_JUNK]++;
	buf_clear(t, d);
	ooo_clear(t, d);
	d->closed = true;
	d->fin = false;
}

/* ---- flow table ---- */

static uint32_t flow_hash(uint8_t ipver, const uint8_t *a, const uint8_t *b, uint16_t pa, uint16_t pb)
{
	/* FNV-1a style, four address bytes per step (64-bit state) */
	size_t alen = ipver == 4 ? 4 : 16;
	uint64_t h = 14695981039346656037u ^ ((uint64_t)pa << 16 | pb) ^ ((uint64_t)ipver << 32);
	for (size_t i = 0; i < alen; i += 4) {
		uint32_t x, y;
		memcpy(&x, a + i, 4);
		memcpy(&y, b + i, 4);
		h = (h ^ x) * 1099511628211u;
		h = (h ^ y) * 1099511628211u;
	}
	return (uint32_t)(h ^ (h >> 29) ^ (h >> 47));
}

static void flow_unlink(lb_tcp_t *t, flow_t *f)
{
	flow_t **pp = &t->bucket[f->hash & (t->nbucket - 1)];
	while (*pp != f)
		pp = &(*pp)->hnext;
	*pp = f->hnext;
	if (f->prev)
		f->prev->next = f->next;
	else
		t->oldest = f->next;
	if (f->next)
		f->next->prev = f->prev;
	else
		t->newest = f->prev;
	t->count--;
}

static void flow_drop(lb_tcp_t *t, flow_t *f, bool count, bool evicted)
{
	for (int i = 0; i < 2; i++) {
		if (count)
			close_dir(t, f, i, evicted);
		buf_clear(t, &f->d[i]);
		ooo_clear(t, &f->d[i]);
	}
	flow_unlink(t, f);
	lb_slab_put(&t->flows, f);
}

static void flow_touch(lb_tcp_t *t, flow_t *f)
{
	if (t->newest == f)
		return;
	if (f->prev)
		f->prev->next = f->next;
	else
		t->oldest = f->next;
	f->next->prev = f->prev;
	f->prev = t->newest;
	f->next = NULL;
	t->newest->next = f;
	t->newest = f;
}

void lb_tcp_free(lb_tcp_t *t)
{
	if (!t)
		return;
	while (t->oldest)
		flow_drop(t, t->oldest, false, false);
	lb_slab_fini(&t->flows);
	free(t->bucket);
	free(t);
}

void lb_tcp_expire(lb_tcp_t *t, double before)
{
	while (t->oldest && t->oldest->last < before)
		flow_drop(t, t->oldest, true, false);
}

/* Equal addresses (4 or 16 bytes): constant sizes, so the compiler inlines
 * the compare instead of calling memcmp. */
static inline bool addr_eq(const uint8_t *x, const uint8_t *y, size_t alen)
{
	return alen == 4 ? memcmp(x, y, 4) == 0 : memcmp(x, y, 16) == 0;
}

/* Find the flow of meta; *di = direction.  Creates it if `create`. */
static flow_t *flow_get(lb_tcp_t *t, const lb_payload_t *m, bool create, int *di)
{
	size_t alen = m->ipver == 4 ? 4 : 16;
	int c = memcmp(m->src, m->dst, alen);
	bool fwd = c < 0 || (c == 0 && m->sport <= m->dport);
	const uint8_t *a = fwd ? m->src : m->dst, *b = fwd ? m->dst : m->src;
	uint16_t pa = fwd ? m->sport : m->dport, pb = fwd ? m->dport : m->sport;
	*di = fwd ? 0 : 1;
	uint32_t h = flow_hash(m->ipver, a, b, pa, pb);
	for (flow_t *f = t->bucket[h & (t->nbucket - 1)]; f; f = f->hnext)
		if (f->hash == h && f->ipver == m->ipver && f->pa == pa && f->pb == pb &&
		    addr_eq(f->a, a, alen) && addr_eq(f->b, b, alen))
			return f;
	if (!create || t->o->tcp_max_flows == 0)
		return NULL;
	while (t->count >= t->o->tcp_max_flows)
		flow_drop(t, t->oldest, true, true);
	flow_t *f = lb_slab_get(&t->flows);
	if (!f)
		return NULL;
	f->hash = h;
	f->ipver = m->ipver;
	memcpy(f->a, a, alen);
	memcpy(f->b, b, alen);
	f->pa = pa;
	f->pb = pb;
	f->hnext = t->bucket[h & (t->nbucket - 1)];
	t->bucket[h & (t->nbucket - 1)] = f;
	f->prev = t->newest;
	if (t->newest)
		t->newest->next = f;
	else
		t->oldest = f;
	t->newest = f;
	t->count++;
	return f;
}

void lb_tcp_segment(lb_tcp_t *t, const lb_payload_t *m, uint32_t seq, unsigned flags,
		    const uint8_t *data, size_t len)
{
	int di;
	bool wanted = len > 0 || (flags & LB_TCP_SYN);
	flow_t *f = flow_get(t, m, wanted, &di);
	if (!f)
		return;
	f->last = tv_sec(&m->ts);
	flow_touch(t, f);
	dir_t *d = &f->d[di];
	d->ts = m->ts;
	if (flags & LB_TCP_RST) {
		/* the sender aborts: nothing more from it belongs to the stream;
		 * what its peer had already sent may still be on the way (or be
		 * reordered behind the RST), so that direction stays open until
		 * its own FIN or RST, or expiry */
		if (!d->closed)
			close_dir(t, f, di, false);
		f->d[1 - di].peer_rst = true;
		return;
	}
	if (flags & LB_TCP_SYN) {
		/* a SYN at or behind what we already took is a stale retransmission */
		uint32_t behind = d->next - (seq + 1);
		/* after a FIN (even one still waiting for bytes before it) or
		 * the peer's RST, a SYN is a new connection on the same ports;
		 * so is one with another initial sequence number than the SYN
		 * seen (without one, a SYN behind the data is taken as late) */
		bool stale = d->active && !d->closed && !d->fin && !d->peer_rst &&
			     (d->have_isn ? seq == d->isn : behind < (1u << 30));
		d->peer_rst = false;
		if (!stale) {
			if (d->active && !d->closed)
				close_dir(t, f, di, false);
			d->active = true;
			d->closed = false;
			d->next = seq + 1;
			d->have_isn = true;
			d->isn = seq;
			d->unsure = false;
		}
		seq++;
	}
	if (d->closed)
		return;
	if (!d->active) {
		if (len == 0)
			return;
		d->active = true;
		d->next = seq; /* no SYN seen: start here, on a boundary if plausible */
		d->unsure = true;
	}
	if (d->fin) { /* nothing after a FIN belongs to the stream */
		int32_t room = (int32_t)(d->fin_seq - seq);
		if (room <= 0)
			len = 0;
		else if ((size_t)room < len)
			len = (size_t)room;
	}
	if (len)
		handle_data(t, f, di, seq, data, len, &m->ts);
	if ((flags & LB_TCP_FIN) && !d->fin) {
		d->fin = true;
		d->fin_seq = seq + (uint32_t)len;
	}
	/* RFC 793 3.9: a FIN takes effect in sequence order, once every byte
	 * before it is here; until then a reordered or retransmitted segment
	 * can still fill the hole (expiry gives the hole up) */
	if (d->fin && (int32_t)(d->next - d->fin_seq) >= 0)
		close_dir(t, f, di, false);
}
