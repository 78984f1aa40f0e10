/*
 * dnstap_pbc.c - the independent cross-check of our Dnstap wire decoder:
 * the same payload unpacked by the protobuf-c code generated from
 * proto/dnstap.proto, and a field-by-field comparison of the two results.
 * Used by the unit tests and the fuzz target, not on the ingest path.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dnstap.pb-c.h"
#include "sources/dnstap.h"

/* The Message scalars both sides carry, with the bit saying one is present. */
#define MESSAGE_SCALARS(X)                                  \
	X(socket_family, LB_DT_HAS_SOCKET_FAMILY);          \
	X(socket_protocol, LB_DT_HAS_SOCKET_PROTOCOL);      \
	X(query_port, LB_DT_HAS_QUERY_PORT);                \
	X(response_port, LB_DT_HAS_RESPONSE_PORT);          \
	X(query_time_sec, LB_DT_HAS_QUERY_TIME_SEC);        \
	X(query_time_nsec, LB_DT_HAS_QUERY_TIME_NSEC);      \
	X(response_time_sec, LB_DT_HAS_RESPONSE_TIME_SEC);  \
	X(response_time_nsec, LB_DT_HAS_RESPONSE_TIME_NSEC);\
	X(http_protocol, LB_DT_HAS_HTTP_PROTOCOL)

static const uint8_t empty_bytes[1];

static lb_dnstap_bytes_t bd(protobuf_c_boolean has, ProtobufCBinaryData b)
{
	lb_dnstap_bytes_t r = { NULL, 0 };
	if (has) {
		r.data = b.data ? b.data : empty_bytes;
		r.len = b.data ? b.len : 0;
	}
	return r;
}

int lb_dnstap_parse_pbc(const uint8_t *buf, size_t len, lb_dnstap_msg_t *m, void **keep)
{
	memset(m, 0, sizeof *m);
	*keep = NULL;
	Dnstap__Dnstap *t = dnstap__dnstap__unpack(NULL, len, buf);
	if (!t)
		return LB_ERDATA;
	*keep = t;
	m->dnstap_type = (int)t->type;
	m->identity = bd(t->has_identity, t->identity);
	m->version = bd(t->has_version, t->version);
	m->extra = bd(t->has_extra, t->extra);
	const Dnstap__Message *x = t->message;
	if (!x)
		return 0;
	m->has |= LB_DT_HAS_MESSAGE;
	m->type = (int)x->type;
#define SCALAR(f, bit)                     \
	do {                               \
		if (x->has_##f) {          \
			m->f = x->f;       \
			m->has |= (bit);   \
		}                          \
	} while (0)
	MESSAGE_SCALARS(SCALAR);
#undef SCALAR
	m->query_address = bd(x->has_query_address, x->query_address);
	m->response_address = bd(x->has_response_address, x->response_address);
	m->query_message = bd(x->has_query_message, x->query_message);
	m->query_zone = bd(x->has_query_zone, x->query_zone);
	m->response_message = bd(x->has_response_message, x->response_message);
	const Dnstap__Policy *p = x->policy;
	if (p) {
		m->has |= LB_DT_HAS_POLICY;
		if (p->type) {
			m->policy_type.data = (const uint8_t *)p->type;
			m->policy_type.len = strlen(p->type);
		}
		m->policy_rule = bd(p->has_rule, p->rule);
		m->policy_value = bd(p->has_value, p->value);
		if (p->has_action) {
			m->policy_action = (int)p->action;
			m->has |= LB_DT_HAS_POLICY_ACTION;
		}
		if (p->has_match) {
			m->policy_match = (int)p->match;
			m->has |= LB_DT_HAS_POLICY_MATCH;
		}
	}
	return 0;
}

void lb_dnstap_pbc_free(void *keep)
{
	if (keep)
		dnstap__dnstap__free_unpacked(keep, NULL);
}

/* ---- comparison --------------------------------------------------------- */

struct cmp {
	char *why;
	size_t whysz;
	int bad;
};

static void differ(struct cmp *k, const char *what)
{
	if (!k->bad && k->whysz)
		snprintf(k->why, k->whysz, "%s differs", what);
	k->bad = 1;
}

/*
 * bytes fields.  merged: the field's message occurred more than once, where
 * protobuf-c keeps an earlier non-empty value over a later empty one.
 * cstring: protobuf-c keeps a string field as a C string (up to its first NUL).
 */
static void cmp_bytes(struct cmp *k, const char *what, lb_dnstap_bytes_t a, lb_dnstap_bytes_t b,
		      bool merged, bool cstring)
{
	if (!a.data != !b.data) {
		/* an empty bytes field of an earlier occurrence of a merged
		 * submessage: protobuf-c's merge tests the data pointer (NULL for
		 * empty bytes) and drops it; merged, it is there and empty */
		if (!(merged && (a.data ? a.len : b.len) == 0))
			differ(k, what);
		return;
	}
	if (!a.data)
		return;
	size_t alen = a.len;
	if (cstring) {
		const uint8_t *nul = memchr(a.data, 0, a.len);
		if (nul)
			alen = (size_t)(nul - a.data);
	}
	if (merged && alen == 0)
		return;
	if (alen != b.len || (alen && memcmp(a.data, b.data, alen) != 0))
		differ(k, what);
}

int lb_dnstap_msg_compare(int rc_ours, const lb_dnstap_msg_t *ours, int rc_pbc,
			  const lb_dnstap_msg_t *pbc, char *why, size_t whysz)
{
	struct cmp k = { why, whysz, 0 };
	if (whysz)
		why[0] = 0;
	if (rc_pbc != 0)
		return 0; /* protobuf-c refused it: we may do either */
	if (rc_ours != 0 && rc_ours != LB_ENOENT) {
		if (ours->why == LB_DT_WHY_VARINT_OVERFLOW || ours->why == LB_DT_WHY_FIELD_ZERO)
			return 0; /* rules protobuf-c does not enforce */
		if (whysz)
			snprintf(why, whysz, "protobuf-c accepts, we refuse (%s)",
				 lb_dnstap_why_name(ours->why));
		return -1;
	}
	const lb_dnstap_msg_t *a = ours, *b = pbc;
	if (a->dnstap_type != b->dnstap_type)
		differ(&k, "Dnstap.type");
	cmp_bytes(&k, "identity", a->identity, b->identity, false, false);
	cmp_bytes(&k, "version", a->version, b->version, false, false);
	cmp_bytes(&k, "extra", a->extra, b->extra, false, false);
	/* presence bits, policy sub-fields compared only when both have a policy */
	if (a->has != b->has)
		differ(&k, "presence of fields");
	if (!(a->has & LB_DT_HAS_MESSAGE) || k.bad)
		return k.bad ? -1 : 0;
	bool mm = a->message_count > 1;
	if (a->type != b->type)
		differ(&k, "Message.type");
#define SCALAR(f, bit)                                    \
	do {                                              \
		if ((a->has & (bit)) && a->f != b->f)     \
			differ(&k, #f);                   \
	} while (0)
	MESSAGE_SCALARS(SCALAR);
	SCALAR(policy_action, LB_DT_HAS_POLICY_ACTION);
	SCALAR(policy_match, LB_DT_HAS_POLICY_MATCH);
#undef SCALAR
	cmp_bytes(&k, "query_address", a->query_address, b->query_address, mm, false);
	cmp_bytes(&k, "response_address", a->response_address, b->response_address, mm, false);
	cmp_bytes(&k, "query_message", a->query_message, b->query_message, mm, false);
	cmp_bytes(&k, "query_zone", a->query_zone, b->query_zone, mm, false);
	cmp_bytes(&k, "response_message", a->response_message, b->response_message, mm, false);
	if (a->has & LB_DT_HAS_POLICY) {
		bool pm = a->policy_count > 1;
		cmp_bytes(&k, "policy.type", a->policy_type, b->policy_type, false, true);
		cmp_bytes(&k, "policy.rule", a->policy_rule, b->policy_rule, pm, false);
		cmp_bytes(&k, "policy.value", a->policy_value, b->policy_value, pm, false);
	}
	return k.bad ? -1 : 0;
}
