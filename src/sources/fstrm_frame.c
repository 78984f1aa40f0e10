/*
 * fstrm_frame.c - Frame Streams framing and the per-stream protocol state.
 *
 * Every length read from the stream is checked against a cap before anything
 * is allocated or waited for: control frames <= 512 bytes, data frames <=
 * data_max.  The connection buffers at most one frame (plus what the last read
 * brought along) and grows its buffer only up to data_max + 8.
 */
#include <stdlib.h>
#include <string.h>

#include "sources/dnstap.h"
#include "util/cursor.h"

static const char *const bad_names[LB_TAP_BAD__COUNT] = {
	[LB_TAP_BAD_FRAME_TOO_BIG] = "frame_too_big",
	[LB_TAP_BAD_CONTROL_TOO_BIG] = "control_too_big",
	[LB_TAP_BAD_CONTROL] = "control_bad",
	[LB_TAP_BAD_SEQUENCE] = "bad_sequence",
	[LB_TAP_BAD_CONTENT_TYPE] = "content_type",
	[LB_TAP_BAD_TRUNCATED] = "truncated",
	[LB_TAP_BAD_PROTOBUF] = "protobuf_bad",
	[LB_TAP_BAD_NOT_MESSAGE] = "not_message",
	[LB_TAP_BAD_NO_DNS] = "no_dns_message",
	[LB_TAP_BAD_ZONE] = "query_zone_bad",
};

const char *lb_tap_bad_name(enum lb_tap_bad r)
{
	if ((unsigned)r >= LB_TAP_BAD__COUNT)
		return "unknown";
	return bad_names[r];
}

static uint32_t be32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

long lb_fstrm_next(const uint8_t *buf, size_t len, size_t data_max, lb_fstrm_frame_t *f)
{
	memset(f, 0, sizeof *f);
	if (len < 4)
		return 0;
	uint32_t flen = be32(buf);
	if (flen != 0) {
		f->len = flen;
		if (flen > data_max)
			return LB_ELIMIT;
		if (len - 4 < flen)
			return 0;
		f->data = buf + 4;
		return (long)(4 + (size_t)flen);
	}
	f->control = true;
	if (len < 8)
		return 0;
	uint32_t clen = be32(buf + 4);
	f->len = clen;
	if (clen > LB_FSTRM_CONTROL_MAX)
		return LB_ELIMIT;
	if (clen < 4)
		return LB_ERDATA;
	if (len - 8 < clen)
		return 0;
	lb_cur_t c;
	lb_cur_init(&c, buf + 8, clen);
	f->ctype = lb_cur_u32(&c);
	const size_t ctlen = sizeof LB_DNSTAP_CONTENT_TYPE - 1;
	while (lb_cur_left(&c) > 0) {
		uint32_t ftype = lb_cur_u32(&c);
		uint32_t fl = lb_cur_u32(&c);
		const uint8_t *fv = lb_cur_bytes(&c, fl);
		if (lb_cur_err(&c))
			return LB_ERDATA;
		if (ftype == LB_FSTRM_FIELD_CONTENT_TYPE) {
			f->ncontent_types++;
			if (fl == ctlen && memcmp(fv, LB_DNSTAP_CONTENT_TYPE, ctlen) == 0)
				f->dnstap_ct = true;
		}
		/* other field types: ignored (the spec allows future fields) */
	}
	if (lb_cur_err(&c))
		return LB_ERDATA;
	return (long)(8 + (size_t)clen);
}

int lb_fstrm_control(uint32_t ctype, const char *content_type, uint8_t *out, size_t outsz)
{
	size_t ctlen = content_type ? strlen(content_type) : 0;
	size_t clen = 4 + (content_type ? 8 + ctlen : 0);
	if (clen > LB_FSTRM_CONTROL_MAX || outsz < 8 + clen)
		return LB_ESPACE;
	put32(out, 0);
	put32(out + 4, (uint32_t)clen);
	put32(out + 8, ctype);
	if (content_type) {
		put32(out + 12, LB_FSTRM_FIELD_CONTENT_TYPE);
		put32(out + 16, (uint32_t)ctlen);
		memcpy(out + 20, content_type, ctlen);
	}
	return (int)(8 + clen);
}

enum conn_state { ST_WAIT_READY, ST_WAIT_START, ST_DATA, ST_STOPPED, ST_DEAD };

struct lb_fstrm_conn {
	bool bidi;
	int state;
	int err;
	size_t data_max;
	lb_fstrm_data_fn fn;
	void *ctx;
	lb_tap_stats_t *st;
	uint8_t *buf;
	size_t len, cap, max_cap;
	uint64_t skip;        /* bytes of an oversized data frame still to discard */
	uint64_t stops;       /* STOP frames seen on this stream */
	uint8_t out[128];     /* ACCEPT / FINISH replies */
	size_t out_len, out_off;
};

#define CONN_BIDI_INITIAL (16 * 1024)
#define CONN_UNIDIR_MIN (1024 * 1024)
/* A socket client whose reads fill the buffer gets a larger one, up to this
 * (and the frame cap): fewer wake-ups and system calls per message for busy
 * senders, 16 KiB for idle ones. */
#define CONN_BUSY_MAX (256 * 1024)

lb_fstrm_conn_t *lb_fstrm_conn_new(bool bidi, size_t data_max, lb_fstrm_data_fn fn, void *ctx,
				   lb_tap_stats_t *st)
{
	if (data_max == 0)
		data_max = LB_FSTRM_DATA_MAX_DEFAULT;
	if (data_max > LB_FSTRM_DATA_MAX_LIMIT)
		data_max = LB_FSTRM_DATA_MAX_LIMIT;
	if (data_max < 1024)
		data_max = 1024;
	lb_fstrm_conn_t *c = calloc(1, sizeof *c);
	if (!c)
		return NULL;
	c->bidi = bidi;
	c->state = bidi ? ST_WAIT_READY : ST_WAIT_START;
	c->data_max = data_max;
	c->fn = fn;
	c->ctx = ctx;
	c->st = st;
	c->max_cap = data_max + 8;
	if (!bidi && c->max_cap < CONN_UNIDIR_MIN)
		c->max_cap = CONN_UNIDIR_MIN;
	c->cap = bidi ? CONN_BIDI_INITIAL : c->max_cap;
	if (c->cap > c->max_cap)
		c->cap = c->max_cap;
	c->buf = malloc(c->cap);
	if (!c->buf) {
		free(c);
		return NULL;
	}
	return c;
}

void lb_fstrm_conn_free(lb_fstrm_conn_t *c)
{
	if (!c)
		return;
	free(c->buf);
	free(c);
}

static int conn_die(lb_fstrm_conn_t *c, enum lb_tap_bad why, int err)
{
	c->st->bad[why]++;
	c->state = ST_DEAD;
	c->err = err;
	return err;
}

static void conn_reply(lb_fstrm_conn_t *c, uint32_t ctype, const char *ct)
{
	int n = lb_fstrm_control(ctype, ct, c->out + c->out_len, sizeof c->out - c->out_len);
	if (n > 0)
		c->out_len += (size_t)n;
}

size_t lb_fstrm_conn_space(lb_fstrm_conn_t *c, uint8_t **p)
{
	if (c->state == ST_DEAD || c->state == ST_STOPPED) {
		*p = NULL;
		return 0;
	}
	*p = c->buf + c->len;
	return c->cap - c->len;
}

/* A control frame in the current state.  0 or a negative error. */
static int conn_control(lb_fstrm_conn_t *c, const lb_fstrm_frame_t *f)
{
	c->st->control_frames++;
	switch (c->state) {
	case ST_WAIT_READY:
		if (f->ctype != LB_FSTRM_READY)
			return conn_die(c, LB_TAP_BAD_SEQUENCE, LB_ERDATA);
		if (f->ncontent_types > 0 && !f->dnstap_ct)
			return conn_die(c, LB_TAP_BAD_CONTENT_TYPE, LB_ERDATA);
		conn_reply(c, LB_FSTRM_ACCEPT, f->dnstap_ct ? LB_DNSTAP_CONTENT_TYPE : NULL);
		c->state = ST_WAIT_START;
		return 0;
	case ST_WAIT_START:
		if (f->ctype != LB_FSTRM_START)
			return conn_die(c, LB_TAP_BAD_SEQUENCE, LB_ERDATA);
		if (f->ncontent_types > 0 && !f->dnstap_ct)
			return conn_die(c, LB_TAP_BAD_CONTENT_TYPE, LB_ERDATA);
		c->st->streams++;
		c->state = ST_DATA;
		return 0;
	case ST_DATA:
		if (f->ctype != LB_FSTRM_STOP)
			return conn_die(c, LB_TAP_BAD_SEQUENCE, LB_ERDATA);
		c->st->streams_finished++;
		c->stops++;
		if (c->bidi) {
			conn_reply(c, LB_FSTRM_FINISH, NULL);
			c->state = ST_STOPPED;
		} else {
			c->state = ST_WAIT_START; /* concatenated files may start again */
		}
		return 0;
	default:
		return c->err;
	}
}

/* Bytes the frame at buf[0, len) needs in total, when its header is there. */
static size_t frame_need(const uint8_t *buf, size_t len)
{
	if (len < 4)
		return 8;
	uint32_t flen = be32(buf);
	if (flen)
		return 4 + (size_t)flen;
	if (len < 8)
		return 8;
	return 8 + (size_t)be32(buf + 4);
}

int lb_fstrm_conn_commit(lb_fstrm_conn_t *c, size_t n)
{
	if (c->state == ST_DEAD)
		return c->err;
	if (c->state == ST_STOPPED)
		return 1;
	if (n > c->cap - c->len)
		n = c->cap - c->len;
	bool filled = n == c->cap - c->len;
	c->len += n;
	c->st->bytes += n;
	size_t off = 0;
	while (c->state != ST_DEAD && c->state != ST_STOPPED && off < c->len) {
		if (c->skip) {
			size_t k = c->len - off;
			if (k > c->skip)
				k = (size_t)c->skip;
			off += k;
			c->skip -= k;
			continue;
		}
		lb_fstrm_frame_t f;
		long r = lb_fstrm_next(c->buf + off, c->len - off, c->data_max, &f);
		if (r == 0)
			break;
		if (r == LB_ELIMIT) {
			if (f.control) {
				conn_die(c, LB_TAP_BAD_CONTROL_TOO_BIG, LB_ELIMIT);
				break;
			}
			if (c->state != ST_DATA) {
				conn_die(c, LB_TAP_BAD_SEQUENCE, LB_ERDATA);
				break;
			}
			c->st->bad[LB_TAP_BAD_FRAME_TOO_BIG]++;
			c->skip = 4 + (uint64_t)f.len;
			continue;
		}
		if (r < 0) {
			conn_die(c, LB_TAP_BAD_CONTROL, (int)r);
			break;
		}
		off += (size_t)r;
		if (f.control) {
			if (conn_control(c, &f) < 0)
				break;
			continue;
		}
		if (c->state != ST_DATA) {
			conn_die(c, LB_TAP_BAD_SEQUENCE, LB_ERDATA);
			break;
		}
		c->st->data_frames++;
		c->fn(c->ctx, f.data, f.len);
	}
	if (c->state == ST_DEAD)
		return c->err;
	if (c->state == ST_STOPPED) {
		c->len = 0;
		return 1;
	}
	if (off > 0) {
		memmove(c->buf, c->buf + off, c->len - off);
		c->len -= off;
	}
	/* grow for a frame that does not fit yet (its length already checked) */
	size_t need = c->skip ? 0 : frame_need(c->buf, c->len);
	if (filled && c->cap < CONN_BUSY_MAX && c->cap < c->max_cap && need < 2 * c->cap)
		need = 2 * c->cap;
	if (need > c->cap) {
		size_t ncap = c->cap;
		while (ncap < need)
			ncap *= 2;
		if (ncap > c->max_cap)
			ncap = c->max_cap;
		uint8_t *nb = realloc(c->buf, ncap);
		if (!nb) {
			c->state = ST_DEAD;
			c->err = LB_ENOMEM;
			return c->err;
		}
		c->buf = nb;
		c->cap = ncap;
	}
	return 0;
}

int lb_fstrm_conn_feed(lb_fstrm_conn_t *c, const uint8_t *data, size_t len)
{
	int rc = 0;
	while (len > 0) {
		uint8_t *p;
		size_t space = lb_fstrm_conn_space(c, &p);
		if (space == 0)
			return c->state == ST_DEAD ? c->err : 1;
		size_t k = len < space ? len : space;
		memcpy(p, data, k);
		data += k;
		len -= k;
		rc = lb_fstrm_conn_commit(c, k);
		if (rc != 0)
			return rc;
	}
	return rc;
}

int lb_fstrm_conn_eof(lb_fstrm_conn_t *c)
{
	if (c->state == ST_DEAD)
		return c->err;
	if (c->state == ST_STOPPED)
		return 1;
	if (c->len == 0 && c->skip == 0 && !c->bidi && c->state == ST_WAIT_START && c->stops > 0)
		return 1;
	c->st->bad[LB_TAP_BAD_TRUNCATED]++;
	c->state = ST_DEAD;
	c->err = LB_ETRUNC;
	return c->err;
}

int lb_fstrm_conn_closed(lb_fstrm_conn_t *c)
{
	if (c->state == ST_DATA && c->len == 0 && c->skip == 0) {
		c->st->streams_unfinished++;
		c->state = ST_DEAD;
		c->err = 0;
		return 0;
	}
	return lb_fstrm_conn_eof(c);
}

bool lb_fstrm_conn_started(const lb_fstrm_conn_t *c)
{
	return c->state == ST_DATA || c->state == ST_STOPPED || c->stops > 0;
}

size_t lb_fstrm_conn_pending(const lb_fstrm_conn_t *c, const uint8_t **p)
{
	*p = c->out + c->out_off;
	return c->out_len - c->out_off;
}

void lb_fstrm_conn_sent(lb_fstrm_conn_t *c, size_t n)
{
	c->out_off += n;
	if (c->out_off >= c->out_len)
		c->out_off = c->out_len = 0;
}
