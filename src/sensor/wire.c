/*
 * wire.c - the sensor -> collector protocol: frames and batch records.
 * Layouts are in docs/SENSOR.md; every received byte is read with the
 * cursor and every field is checked before a record is handed out.
 */
#include "sensor/sensor.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "dns/name.h"
#include "util/addr.h"

/* F_SRC: the names of the sources that saw the record follow the runs (the
 * collector maps them to its own store's ids); F_SMORE: more saw it.
 * F_RCOUNT: each of several runs carries its sightings (they add up to the
 * record's count); without it, several runs arrive with their counts
 * unknown (a single run always holds the record's count). */
enum { F_BAIL = 1, F_SEEN = 2, F_ZONE = 4, F_RUNS = 8, F_SRC = 16, F_SMORE = 32, F_RCOUNT = 64,
       F_ALL = 127 };

void lb_wbuf_free(lb_wbuf_t *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
	b->err = 0;
}

static uint8_t *wb_room(lb_wbuf_t *b, size_t n)
{
	if (b->err)
		return NULL;
	if (b->max && b->len + n > b->max) {
		b->err = LB_ELIMIT;
		return NULL;
	}
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		while (cap < b->len + n)
			cap *= 2;
		uint8_t *np = realloc(b->p, cap);
		if (!np) {
			b->err = LB_ENOMEM;
			return NULL;
		}
		b->p = np;
		b->cap = cap;
	}
	uint8_t *p = b->p + b->len;
	b->len += n;
	return p;
}

static void wb_put(lb_wbuf_t *b, const void *p, size_t n)
{
	uint8_t *d = wb_room(b, n);
	if (d && n)
		memcpy(d, p, n);
}

static void be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void be32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (24 - 8 * i));
}

static void be64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (56 - 8 * i));
}

static void wb_u8(lb_wbuf_t *b, uint8_t v) { wb_put(b, &v, 1); }

static void wb_u16(lb_wbuf_t *b, uint16_t v)
{
	uint8_t t[2];
	be16(t, v);
	wb_put(b, t, 2);
}

static void wb_u32(lb_wbuf_t *b, uint32_t v)
{
	uint8_t t[4];
	be32(t, v);
	wb_put(b, t, 4);
}

static void wb_u64(lb_wbuf_t *b, uint64_t v)
{
	uint8_t t[8];
	be64(t, v);
	wb_put(b, t, 8);
}

static uint64_t cur_u64(lb_cur_t *c)
{
	uint64_t hi = lb_cur_u32(c);
	return hi << 32 | lb_cur_u32(c);
}

/* Frame header: length of (type + body), type.  Returns the offset of the length. */
static size_t frame_begin(lb_wbuf_t *b, uint8_t type)
{
	size_t at = b->len;
	wb_u32(b, 0);
	wb_u8(b, type);
	return at;
}

static void frame_end(lb_wbuf_t *b, size_t at)
{
	if (!b->err)
		be32(b->p + at, (uint32_t)(b->len - at - 4));
}

void lb_wire_put_hello(lb_wbuf_t *b, const lb_wire_hello_t *h)
{
	size_t at = frame_begin(b, LB_WIRE_HELLO);
	wb_put(b, LB_WIRE_MAGIC, 4);
	wb_u16(b, h->version);
	wb_u64(b, h->stream);
	size_t kl = strnlen(h->key, LB_WIRE_KEY_MAX);
	wb_u8(b, (uint8_t)kl);
	wb_put(b, h->key, kl);
	size_t sl = strnlen(h->sensor, LB_STORE_SENSOR_MAX);
	wb_u8(b, (uint8_t)sl);
	wb_put(b, h->sensor, sl);
	frame_end(b, at);
}

void lb_wire_put_welcome(lb_wbuf_t *b, uint64_t committed_seq)
{
	size_t at = frame_begin(b, LB_WIRE_WELCOME);
	wb_u16(b, LB_WIRE_VERSION);
	wb_u64(b, committed_seq);
	wb_u32(b, LB_WIRE_FRAME_MAX);
	frame_end(b, at);
}

void lb_wire_put_ack(lb_wbuf_t *b, uint64_t seq, uint8_t status)
{
	size_t at = frame_begin(b, LB_WIRE_ACK);
	wb_u64(b, seq);
	wb_u8(b, status);
	frame_end(b, at);
}

void lb_wire_put_error(lb_wbuf_t *b, uint16_t code, const char *text)
{
	size_t at = frame_begin(b, LB_WIRE_ERROR);
	size_t n = strnlen(text, 255);
	wb_u16(b, code);
	wb_u8(b, (uint8_t)n);
	wb_put(b, text, n);
	frame_end(b, at);
}

static int name_ok(const uint8_t *n, size_t len)
{
	return n && len >= 1 && len <= 255 && lb_name_check(n, len) == (int)len;
}

/* A name as the store keeps it: in lower case (a length octet is at most 63,
 * so any byte from 'A' to 'Z' is a label's). */
static bool name_lower(const uint8_t *n, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (n[i] >= 'A' && n[i] <= 'Z')
			return false;
	return true;
}

int lb_wire_put_rec(lb_wbuf_t *b, const lb_store_rec_t *r)
{
	const lb_store_val_t *v = &r->val;
	uint8_t flags = 0;
	if (v->count || v->time_first || v->time_last)
		flags |= F_SEEN;
	if (v->zone_first || v->zone_last)
		flags |= F_ZONE;
	if (v->nruns)
		flags |= F_RUNS;
	if (v->nruns > 1 && lb_store_val_runs_known(v))
		flags |= F_RCOUNT;
	if (v->nruns > LB_STORE_MAX_RUNS || v->time_last < v->time_first || v->zone_last < v->zone_first)
		return LB_EINVAL;
	size_t sl = 0;
	/* the source names: rec->sources, or the single rec->sensor */
	const char *const *src = r->sources;
	size_t nsrc = r->nsources;
	if (r->kind != LB_REC_SENSOR) {
		if (!nsrc && r->sensor && *r->sensor) {
			src = &r->sensor;
			nsrc = 1;
		}
		if (nsrc > LB_STORE_REC_SOURCES || (nsrc && !src))
			return LB_EINVAL;
		for (size_t i = 0; i < nsrc; i++) {
			size_t l = src[i] ? strlen(src[i]) : 0;
			if (!l || l > LB_STORE_SENSOR_MAX)
				return LB_EINVAL;
		}
		if (nsrc)
			flags |= F_SRC;
		if (nsrc && r->sources_more)
			flags |= F_SMORE;
	}
	switch (r->kind) {
	case LB_REC_RRSET:
		if (!r->nrdata || r->nrdata > LB_STORE_MAX_RDATA)
			return LB_EINVAL;
		/* fall through */
	case LB_REC_NEG:
		if (!name_ok(r->owner, r->owner_len) ||
		    (r->bailiwick && !name_ok(r->bailiwick, r->bailiwick_len)) || r->rcode > 255)
			return LB_EINVAL;
		if (r->bailiwick)
			flags |= F_BAIL;
		break;
	case LB_REC_SENSOR:
		sl = r->sensor ? strlen(r->sensor) : 0;
		if (!sl || sl > LB_STORE_SENSOR_MAX)
			return LB_EINVAL;
		break;
	default:
		return LB_EINVAL;
	}
	size_t start = b->len;
	wb_u8(b, (uint8_t)r->kind);
	wb_u8(b, flags);
	if (r->kind == LB_REC_SENSOR) {
		wb_u8(b, (uint8_t)sl);
		wb_put(b, r->sensor, sl);
	} else {
		wb_u8(b, (uint8_t)r->owner_len);
		wb_put(b, r->owner, r->owner_len);
		if (flags & F_BAIL) {
			wb_u8(b, (uint8_t)r->bailiwick_len);
			wb_put(b, r->bailiwick, r->bailiwick_len);
		}
		wb_u16(b, r->type);
		if (r->kind == LB_REC_NEG) {
			wb_u16(b, r->rcode);
		} else {
			wb_u16(b, (uint16_t)r->nrdata);
			for (size_t i = 0; i < r->nrdata; i++) {
				wb_u16(b, r->rdlen[i]);
				wb_put(b, r->rdata[i], r->rdlen[i]);
			}
		}
	}
	if (flags & F_SEEN) {
		wb_u64(b, v->time_first);
		wb_u64(b, v->time_last);
		wb_u64(b, v->count);
	}
	if (flags & F_ZONE) {
		wb_u64(b, v->zone_first);
		wb_u64(b, v->zone_last);
	}
	if (flags & F_RUNS) {
		wb_u16(b, (uint16_t)v->nruns);
		for (uint32_t i = 0; i < v->nruns; i++) {
			wb_u32(b, v->runs[i].start);
			wb_u32(b, v->runs[i].len);
			if (flags & F_RCOUNT)
				wb_u64(b, v->runs[i].count);
		}
	}
	if (flags & F_SRC) {
		wb_u8(b, (uint8_t)nsrc);
		for (size_t i = 0; i < nsrc; i++) {
			size_t l = strlen(src[i]);
			wb_u8(b, (uint8_t)l);
			wb_put(b, src[i], l);
		}
	}
	if (b->err) {
		int e = b->err;
		b->err = 0;
		b->len = start < b->len ? start : b->len;
		return e;
	}
	return 0;
}

void lb_wire_batch_begin(lb_wbuf_t *b)
{
	wb_room(b, LB_WIRE_BATCH_HDR);
}

void lb_wire_batch_end(lb_wbuf_t *b, uint64_t seq, uint32_t nrec)
{
	if (b->err || b->len < LB_WIRE_BATCH_HDR)
		return;
	be32(b->p, (uint32_t)(b->len - 4));
	b->p[4] = LB_WIRE_BATCH;
	be64(b->p + 5, seq);
	be32(b->p + 13, nrec);
}

int lb_wire_frame(const uint8_t *p, size_t n, size_t max, uint8_t *type, const uint8_t **body,
		  size_t *blen, size_t *used)
{
	lb_cur_t c;
	lb_cur_init(&c, p, n);
	uint32_t len = lb_cur_u32(&c);
	if (lb_cur_err(&c))
		return 0;
	if (len == 0 || len > max)
		return LB_ELIMIT;
	if (lb_cur_left(&c) < len)
		return 0;
	*type = lb_cur_u8(&c);
	*blen = len - 1;
	*body = lb_cur_bytes(&c, *blen);
	*used = 4 + (size_t)len;
	return 1;
}

static int finish(lb_cur_t *c)
{
	if (lb_cur_err(c))
		return lb_cur_err(c);
	return lb_cur_left(c) ? LB_ETRAILING : 0;
}

int lb_wire_get_hello(const uint8_t *body, size_t n, lb_wire_hello_t *h)
{
	lb_cur_t c;
	lb_cur_init(&c, body, n);
	memset(h, 0, sizeof *h);
	const uint8_t *m = lb_cur_bytes(&c, 4);
	if (!m || memcmp(m, LB_WIRE_MAGIC, 4))
		return LB_ERDATA;
	h->version = lb_cur_u16(&c);
	if (lb_cur_err(&c))
		return lb_cur_err(&c);
	if (h->version != LB_WIRE_VERSION)
		return LB_EVERSION;
	h->stream = cur_u64(&c);
	size_t kl = lb_cur_u8(&c);
	if (kl > LB_WIRE_KEY_MAX)
		return LB_ERDATA;
	lb_cur_copy(&c, h->key, kl);
	size_t sl = lb_cur_u8(&c);
	if (sl > LB_STORE_SENSOR_MAX)
		return LB_ERDATA;
	lb_cur_copy(&c, h->sensor, sl);
	int err = finish(&c);
	if (err)
		return err;
	if (!h->stream || memchr(h->key, 0, kl) || memchr(h->sensor, 0, sl))
		return LB_ERDATA;
	return 0;
}

int lb_wire_get_welcome(const uint8_t *body, size_t n, uint64_t *seq)
{
	lb_cur_t c;
	lb_cur_init(&c, body, n);
	uint16_t v = lb_cur_u16(&c);
	*seq = cur_u64(&c);
	(void)lb_cur_u32(&c);
	int err = finish(&c);
	if (!err && v != LB_WIRE_VERSION)
		err = LB_EVERSION;
	return err;
}

int lb_wire_get_ack(const uint8_t *body, size_t n, uint64_t *seq, uint8_t *status)
{
	lb_cur_t c;
	lb_cur_init(&c, body, n);
	*seq = cur_u64(&c);
	*status = lb_cur_u8(&c);
	int err = finish(&c);
	if (!err && *status > LB_ACK_RETRY)
		err = LB_ERDATA;
	return err;
}

int lb_wire_batch_open(lb_wire_reader_t *r, const uint8_t *body, size_t n)
{
	lb_cur_init(&r->c, body, n);
	r->seq = cur_u64(&r->c);
	r->nrec = lb_cur_u32(&r->c);
	r->done = 0;
	if (lb_cur_err(&r->c))
		return lb_cur_err(&r->c);
	/* the smallest record is 4 bytes: a count that cannot fit is a lie */
	if (!r->seq || r->nrec > lb_cur_left(&r->c) / 4)
		return LB_ERDATA;
	return 0;
}

static const uint8_t *get_name(lb_cur_t *c, size_t *len)
{
	size_t n = lb_cur_u8(c);
	const uint8_t *p = lb_cur_bytes(c, n);
	if (!p || !name_ok(p, n))
		return NULL;
	*len = n;
	return p;
}

int lb_wire_batch_next(lb_wire_reader_t *r, lb_store_rec_t *rec)
{
	lb_cur_t *c = &r->c;
	if (r->done == r->nrec)
		return finish(c);
	memset(rec, 0, offsetof(lb_store_rec_t, val));
	lb_store_val_t *v = &rec->val;
	memset(v, 0, offsetof(lb_store_val_t, runs));
	uint8_t kind = lb_cur_u8(c), flags = lb_cur_u8(c);
	if (lb_cur_err(c))
		return lb_cur_err(c);
	if ((flags & ~F_ALL) || ((flags & F_SMORE) && !(flags & F_SRC)) ||
	    ((flags & F_RCOUNT) && !(flags & F_RUNS)) ||
	    (kind == LB_REC_SENSOR && (flags & F_SRC)))
		return LB_ERDATA;
	if (kind == LB_REC_SENSOR) {
		size_t n = lb_cur_u8(c);
		const uint8_t *p = lb_cur_bytes(c, n);
		if (!p)
			return LB_ETRUNC;
		if (!n || n > LB_STORE_SENSOR_MAX || memchr(p, 0, n) || (flags & F_BAIL))
			return LB_ERDATA; /* r->sensor holds LB_STORE_SENSOR_MAX bytes */
		memcpy(r->sensor, p, n);
		r->sensor[n] = 0;
		rec->kind = LB_REC_SENSOR;
		rec->sensor = r->sensor;
	} else if (kind == LB_REC_RRSET || kind == LB_REC_NEG) {
		rec->kind = kind;
		if (!(rec->owner = get_name(c, &rec->owner_len)))
			return lb_cur_err(c) ? lb_cur_err(c) : LB_ERDATA;
		if ((flags & F_BAIL) && !(rec->bailiwick = get_name(c, &rec->bailiwick_len)))
			return lb_cur_err(c) ? lb_cur_err(c) : LB_ERDATA;
		rec->type = lb_cur_u16(c);
		if (kind == LB_REC_NEG) {
			rec->rcode = lb_cur_u16(c);
			if (rec->rcode > 255)
				return LB_ERDATA;
		} else {
			size_t nr = lb_cur_u16(c);
			if (!lb_cur_err(c) && (nr == 0 || nr > LB_STORE_MAX_RDATA))
				return LB_ERDATA;
			for (size_t i = 0; i < nr && !lb_cur_err(c); i++) {
				r->rdlen[i] = lb_cur_u16(c);
				r->rdata[i] = lb_cur_bytes(c, r->rdlen[i]);
			}
			rec->nrdata = nr;
			rec->rdata = r->rdata;
			rec->rdlen = r->rdlen;
		}
	} else {
		return LB_ERDATA;
	}
	if (flags & F_SEEN) {
		v->time_first = cur_u64(c);
		v->time_last = cur_u64(c);
		v->count = cur_u64(c);
	}
	if (flags & F_ZONE) {
		v->zone_first = cur_u64(c);
		v->zone_last = cur_u64(c);
	}
	if (flags & F_RUNS) {
		v->nruns = lb_cur_u16(c);
		if (!lb_cur_err(c) && (v->nruns == 0 || v->nruns > LB_STORE_MAX_RUNS))
			return LB_ERDATA;
		if ((flags & F_RCOUNT) && v->nruns < 2)
			return LB_ERDATA;
		uint64_t sum = 0;
		for (uint32_t i = 0; i < v->nruns && !lb_cur_err(c); i++) {
			v->runs[i].start = lb_cur_u32(c);
			v->runs[i].len = lb_cur_u32(c);
			v->runs[i].count = (flags & F_RCOUNT) ? cur_u64(c) : 0;
			/* the store's rule: runs strictly separated, in order, below 2^32 - 1 */
			if (!v->runs[i].len || v->runs[i].start >= UINT32_MAX - v->runs[i].len ||
			    (i && (uint64_t)v->runs[i].start <
					  (uint64_t)v->runs[i - 1].start + v->runs[i - 1].len + 1))
				return LB_ERDATA;
			sum = sum + v->runs[i].count < sum ? UINT64_MAX : sum + v->runs[i].count;
		}
		/* counts that do not add up (saturating, as the store adds) to the
		 * record's are refused, not stored as unknown: a sender writes them
		 * only when they do */
		if ((flags & F_RCOUNT) && !lb_cur_err(c) && sum != v->count)
			return LB_ERDATA;
		v->runs_uncounted = v->nruns > 1 && !(flags & F_RCOUNT);
	}
	if (flags & F_SRC) {
		size_t ns = lb_cur_u8(c);
		if (!lb_cur_err(c) && (ns == 0 || ns > LB_STORE_REC_SOURCES))
			return LB_ERDATA;
		for (size_t i = 0; i < ns && !lb_cur_err(c); i++) {
			size_t l = lb_cur_u8(c);
			const uint8_t *p = lb_cur_bytes(c, l);
			if (!p)
				break;
			if (!l || l > LB_STORE_SENSOR_MAX || memchr(p, 0, l))
				return LB_ERDATA;
			memcpy(r->srcbuf[i], p, l);
			r->srcbuf[i][l] = 0;
			r->srcp[i] = r->srcbuf[i];
		}
		rec->sources = r->srcp;
		rec->nsources = ns;
		rec->sources_more = (flags & F_SMORE) != 0;
	}
	if (lb_cur_err(c))
		return lb_cur_err(c);
	/* a sender's window never sends these: times the store cannot keep,
	 * names not in lower case, a bailiwick that is not at or above its
	 * owner (the store would keep them as given) */
	if (v->time_last < v->time_first || v->zone_last < v->zone_first ||
	    v->time_last > LB_TIME_MAX || v->zone_last > LB_TIME_MAX)
		return LB_ERDATA;
	if (rec->owner && (!name_lower(rec->owner, rec->owner_len) ||
			   (rec->bailiwick && (!name_lower(rec->bailiwick, rec->bailiwick_len) ||
					       !lb_name_is_subdomain(rec->owner, rec->bailiwick)))))
		return LB_ERDATA;
	r->done++;
	return 1;
}

int lb_wire_parse_addr(const char *s, struct sockaddr_storage *ss, unsigned *sl)
{
	socklen_t l = 0;
	int err = lb_addr_parse(s, ss, &l);
	*sl = (unsigned)l;
	return err;
}
