/*
 * dnstap_pb.c - our own protobuf wire decoder for the Dnstap, Message and
 * Policy messages of proto/dnstap.proto.
 *
 * One pass over the bounds-checked cursor, no allocation: bytes fields point
 * into the payload.  Every length-delimited field gets its own cursor bounded
 * by its parent, so nothing can read past the field that contains it.  The
 * schema is three levels deep (Dnstap > Message > Policy), so recursion is
 * bounded by the code, not by the input.
 *
 * Errors are sticky in the cursor (LB_ETRUNC for running off the end,
 * LB_ERDATA for everything else) and detailed in m->why.
 */
#include <string.h>

#include "sources/dnstap.h"
#include "util/cursor.h"

enum wire { WT_VARINT = 0, WT_I64 = 1, WT_LEN = 2, WT_SGROUP = 3, WT_EGROUP = 4, WT_I32 = 5 };

static const char *const why_names[LB_DT_WHY__COUNT] = {
	[LB_DT_WHY_NONE] = "none",
	[LB_DT_WHY_TRUNCATED] = "truncated",
	[LB_DT_WHY_VARINT_LONG] = "varint_long",
	[LB_DT_WHY_VARINT_OVERFLOW] = "varint_overflow",
	[LB_DT_WHY_FIELD_ZERO] = "field_zero",
	[LB_DT_WHY_GROUP] = "group",
	[LB_DT_WHY_WIRE_TYPE] = "wire_type",
	[LB_DT_WHY_WRONG_TYPE] = "wrong_wire_type",
	[LB_DT_WHY_REQUIRED] = "required_missing",
};

const char *lb_dnstap_why_name(int why)
{
	if (why < 0 || why >= LB_DT_WHY__COUNT)
		return "unknown";
	return why_names[why];
}

static void fail(lb_cur_t *c, lb_dnstap_msg_t *m, int why)
{
	if (c->err)
		return;
	lb_cur_fail(c, why == LB_DT_WHY_TRUNCATED ? LB_ETRUNC : LB_ERDATA);
	m->why = why;
}

/* An embedded message's error becomes its parent's. */
static void propagate(lb_cur_t *c, lb_dnstap_msg_t *m, const lb_cur_t *sub)
{
	if (!sub->err)
		return;
	if (!m->why)
		m->why = sub->err == LB_ETRUNC ? LB_DT_WHY_TRUNCATED : LB_DT_WHY_WRONG_TYPE;
	lb_cur_fail(c, sub->err);
}

/* A varint of at most 10 bytes whose value fits in 64 bits. */
static inline uint64_t pb_varint(lb_cur_t *c, lb_dnstap_msg_t *m)
{
	if (LB_LIKELY(!c->err && c->pos < c->end && *c->pos < 0x80))
		return *c->pos++;
	uint64_t v = 0;
	for (unsigned i = 0; i < 10; i++) {
		if (!lb_cur_need(c, 1)) {
			fail(c, m, LB_DT_WHY_TRUNCATED);
			return 0;
		}
		uint8_t b = *c->pos++;
		if (i == 9 && b > 1) {
			fail(c, m, b & 0x80 ? LB_DT_WHY_VARINT_LONG : LB_DT_WHY_VARINT_OVERFLOW);
			return 0;
		}
		v |= (uint64_t)(b & 0x7f) << (7 * i);
		if (!(b & 0x80))
			return v;
	}
	return 0; /* not reached: i == 9 returns above */
}

/* The payload of a length-delimited field (the key already read). */
static lb_dnstap_bytes_t pb_bytes(lb_cur_t *c, lb_dnstap_msg_t *m)
{
	lb_dnstap_bytes_t b = { NULL, 0 };
	uint64_t n = pb_varint(c, m);
	if (c->err)
		return b;
	if (n > (uint64_t)(c->end - c->pos)) {
		fail(c, m, LB_DT_WHY_TRUNCATED);
		return b;
	}
	b.data = lb_cur_bytes(c, (size_t)n);
	b.len = (size_t)n;
	return b;
}

/* Skip a field we do not know, by its wire type. */
static void pb_skip(lb_cur_t *c, lb_dnstap_msg_t *m, unsigned wt)
{
	switch (wt) {
	case WT_VARINT:
		(void)pb_varint(c, m);
		break;
	case WT_I64:
		lb_cur_skip(c, 8);
		break;
	case WT_LEN:
		(void)pb_bytes(c, m);
		break;
	case WT_I32:
		lb_cur_skip(c, 4);
		break;
	case WT_SGROUP:
	case WT_EGROUP:
		fail(c, m, LB_DT_WHY_GROUP);
		break;
	default:
		fail(c, m, LB_DT_WHY_WIRE_TYPE);
		break;
	}
	if (c->err == LB_ETRUNC && !m->why)
		m->why = LB_DT_WHY_TRUNCATED;
}

/* The next key: field number (0 when done or failed) and wire type. */
static inline uint64_t pb_key(lb_cur_t *c, lb_dnstap_msg_t *m, unsigned *wt)
{
	if (c->err || c->pos >= c->end)
		return 0;
	uint64_t key = pb_varint(c, m);
	if (c->err)
		return 0;
	*wt = (unsigned)(key & 7);
	if ((key >> 3) == 0)
		fail(c, m, LB_DT_WHY_FIELD_ZERO);
	return key >> 3;
}

/* True if the known field has the wire type its schema gives it. */
static inline bool pb_want(lb_cur_t *c, lb_dnstap_msg_t *m, unsigned wt, unsigned want)
{
	if (LB_LIKELY(wt == want))
		return true;
	fail(c, m, LB_DT_WHY_WRONG_TYPE);
	return false;
}

#define BYTES_FIELD(dst)                          \
	do {                                      \
		if (pb_want(c, m, wt, WT_LEN))    \
			(dst) = pb_bytes(c, m);   \
	} while (0)
#define VARINT_FIELD(dst, conv, bit)                      \
	do {                                              \
		if (pb_want(c, m, wt, WT_VARINT)) {       \
			uint64_t v_ = pb_varint(c, m);    \
			(dst) = conv(uint32_t) v_;        \
			m->has |= (bit);                  \
		}                                         \
	} while (0)
#define U64_FIELD(dst, bit)                               \
	do {                                              \
		if (pb_want(c, m, wt, WT_VARINT)) {       \
			(dst) = pb_varint(c, m);          \
			m->has |= (bit);                  \
		}                                         \
	} while (0)
#define FIXED32_FIELD(dst, bit)                           \
	do {                                              \
		if (pb_want(c, m, wt, WT_I32)) {          \
			(dst) = lb_cur_u32le(c);          \
			m->has |= (bit);                  \
		}                                         \
	} while (0)

/* A length-delimited submessage parsed by parse; its errors become ours.
 * true when it was there and parsed. */
static bool pb_sub(lb_cur_t *c, lb_dnstap_msg_t *m, unsigned wt,
		   void (*parse)(lb_cur_t *, lb_dnstap_msg_t *))
{
	if (!pb_want(c, m, wt, WT_LEN))
		return false;
	lb_dnstap_bytes_t b = pb_bytes(c, m);
	if (c->err)
		return false;
	lb_cur_t sub;
	lb_cur_init(&sub, b.data, b.len);
	parse(&sub, m);
	propagate(c, m, &sub);
	return true;
}

static void parse_policy(lb_cur_t *c, lb_dnstap_msg_t *m)
{
	unsigned wt = 0;
	uint64_t f;
	while ((f = pb_key(c, m, &wt)) != 0 && !c->err) {
		switch (f) {
		case 1: BYTES_FIELD(m->policy_type); break;
		case 2: BYTES_FIELD(m->policy_rule); break;
		case 3: VARINT_FIELD(m->policy_action, (int), LB_DT_HAS_POLICY_ACTION); break;
		case 4: VARINT_FIELD(m->policy_match, (int), LB_DT_HAS_POLICY_MATCH); break;
		case 5: BYTES_FIELD(m->policy_value); break;
		default: pb_skip(c, m, wt); break;
		}
	}
}

static void parse_message(lb_cur_t *c, lb_dnstap_msg_t *m)
{
	unsigned wt = 0;
	uint64_t f;
	bool have_type = false;
	while ((f = pb_key(c, m, &wt)) != 0 && !c->err) {
		switch (f) {
		case 1:
			VARINT_FIELD(m->type, (int), 0);
			have_type = true;
			break;
		case 2: VARINT_FIELD(m->socket_family, (int), LB_DT_HAS_SOCKET_FAMILY); break;
		case 3: VARINT_FIELD(m->socket_protocol, (int), LB_DT_HAS_SOCKET_PROTOCOL); break;
		case 4: BYTES_FIELD(m->query_address); break;
		case 5: BYTES_FIELD(m->response_address); break;
		case 6: VARINT_FIELD(m->query_port, , LB_DT_HAS_QUERY_PORT); break;
		case 7: VARINT_FIELD(m->response_port, , LB_DT_HAS_RESPONSE_PORT); break;
		case 8: U64_FIELD(m->query_time_sec, LB_DT_HAS_QUERY_TIME_SEC); break;
		case 9: FIXED32_FIELD(m->query_time_nsec, LB_DT_HAS_QUERY_TIME_NSEC); break;
		case 10: BYTES_FIELD(m->query_message); break;
		case 11: BYTES_FIELD(m->query_zone); break;
		case 12: U64_FIELD(m->response_time_sec, LB_DT_HAS_RESPONSE_TIME_SEC); break;
		case 13: FIXED32_FIELD(m->response_time_nsec, LB_DT_HAS_RESPONSE_TIME_NSEC); break;
		case 14: BYTES_FIELD(m->response_message); break;
		case 15:
			if (pb_sub(c, m, wt, parse_policy)) {
				m->has |= LB_DT_HAS_POLICY;
				m->policy_count++;
			}
			break;
		case 16: VARINT_FIELD(m->http_protocol, (int), LB_DT_HAS_HTTP_PROTOCOL); break;
		default: pb_skip(c, m, wt); break;
		}
	}
	if (!c->err && !have_type)
		fail(c, m, LB_DT_WHY_REQUIRED);
}

static void parse_dnstap(lb_cur_t *c, lb_dnstap_msg_t *m)
{
	unsigned wt = 0;
	uint64_t f;
	bool have_type = false;
	while ((f = pb_key(c, m, &wt)) != 0 && !c->err) {
		switch (f) {
		case 1: BYTES_FIELD(m->identity); break;
		case 2: BYTES_FIELD(m->version); break;
		case 3: BYTES_FIELD(m->extra); break;
		case 14:
			if (pb_sub(c, m, wt, parse_message)) {
				m->has |= LB_DT_HAS_MESSAGE;
				m->message_count++;
			}
			break;
		case 15:
			VARINT_FIELD(m->dnstap_type, (int), 0);
			have_type = true;
			break;
		default: pb_skip(c, m, wt); break;
		}
	}
	if (!c->err && !have_type)
		fail(c, m, LB_DT_WHY_REQUIRED);
}

int lb_dnstap_parse(const uint8_t *buf, size_t len, lb_dnstap_msg_t *m)
{
	static const uint8_t empty[1];
	memset(m, 0, sizeof *m);
	lb_cur_t c;
	lb_cur_init(&c, buf ? buf : empty, buf ? len : 0);
	parse_dnstap(&c, m);
	if (c.err) {
		if (!m->why)
			m->why = c.err == LB_ETRUNC ? LB_DT_WHY_TRUNCATED : LB_DT_WHY_WRONG_TYPE;
		return c.err;
	}
	if (m->dnstap_type != 1 || !(m->has & LB_DT_HAS_MESSAGE))
		return LB_ENOENT;
	return 0;
}
