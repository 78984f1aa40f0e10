/*
 * passivedns.c - gamelinux passivedns log lines:
 *   ts||client||server||class||query||type||answer||ttl||count
 * (count is absent in old versions).  The client address is never kept.
 * passivedns writes one line per RR; consecutive lines with the same
 * timestamp, server, class, name and type came from one response and form
 * one RRset.  A line whose answer is "NXDOMAIN" is a negative answer.
 * Lines are aggregated entries: time_first = time_last = ts, count = count.
 *
 * passivedns prints some types only in part: a TXT record's first
 * character-string alone, NSEC3 without its type bitmap (MX, SRV and SOA
 * lose fields too, and do not parse).  An RRset of NSEC3, or of TXT/SPF
 * whose first string is full (255 octets: another likely followed), is left
 * out whole as lossy_answer rather than stored incomplete.
 */
#include "sources/passivedns.h"

#include <string.h>

#include "dns/rrtype.h"

#define PD_FIELDS 9

static int split_pipes(const char *line, size_t len, const char *f[], size_t fl[])
{
	int n = 0;
	size_t i = 0, start = 0;
	while (i + 1 < len) {
		if (line[i] == '|' && line[i + 1] == '|') {
			if (n == PD_FIELDS - 1)
				return -1;
			f[n] = line + start;
			fl[n++] = i - start;
			i += 2;
			start = i;
		} else {
			i++;
		}
	}
	f[n] = line + start;
	fl[n++] = len - start;
	return n;
}

void src_passivedns_end(lb_src_t *s)
{
	if (!s->pdns.pending)
		return;
	if (s->pdns.lossy) {
		resp_reset(s->resp);
		src_skip(s, LB_SKIP_LOSSY);
	} else {
		lb_src_aggr_t a = { .time_first = s->pdns.t, .time_last = s->pdns.t,
				    .count = s->pdns.count };
		resp_emit(s, s->resp, NULL, NULL, &a);
	}
	s->pdns.pending = false;
	s->pdns.lossy = false;
}

void src_passivedns_line(lb_src_t *s, const char *line, size_t len)
{
	if (len == 0)
		return;
	const char *f[PD_FIELDS];
	size_t fl[PD_FIELDS];
	int n = split_pipes(line, len, f, fl);
	if (n != 8 && n != 9)
		return (void)src_bad(s, LB_BAD_FIELDS);
	struct timeval ts;
	if (src_time_epoch(f[0], fl[0], &ts))
		return (void)src_bad(s, LB_BAD_TIME);
	if (fl[3] != 2 || strncasecmp(f[3], "IN", 2)) {
		src_passivedns_end(s);
		src_skip(s, LB_SKIP_CLASS);
		return;
	}
	uint8_t owner[LB_NAME_MAX];
	int ol = src_name(f[4], fl[4], NULL, owner);
	if (ol < 0)
		return (void)src_bad(s, LB_BAD_NAME);
	char tb[24];
	uint16_t type;
	if (fl[5] >= sizeof tb)
		return (void)src_bad(s, LB_BAD_TYPE);
	memcpy(tb, f[5], fl[5]);
	tb[fl[5]] = 0;
	if (lb_rrtype_from_text(tb, &type))
		return (void)src_bad(s, LB_BAD_TYPE);
	uint64_t ttl = 0, count = 1;
	if (src_u64(f[7], fl[7], &ttl) || ttl > UINT32_MAX || (n == 9 && src_u64(f[8], fl[8], &count)))
		return (void)src_bad(s, LB_BAD_FIELDS);
	if (fl[6] == 8 && !memcmp(f[6], "NXDOMAIN", 8)) {
		src_passivedns_end(s);
		s->c.records++;
		src_negative(s, owner, (uint8_t)ol, type, LB_RCODE_NXDOMAIN, &ts);
		return;
	}
	/* key of the response this line belongs to: ts, then server..type (no client) */
	size_t tail = (size_t)(f[6] - f[2]);
	size_t kl = fl[0] + tail;
	if (kl > sizeof s->pdns.key)
		return (void)src_bad(s, LB_BAD_FIELDS);
	if (s->pdns.pending && (kl != s->pdns.keylen || memcmp(s->pdns.key, line, fl[0]) ||
				memcmp(s->pdns.key + fl[0], f[2], tail)))
		src_passivedns_end(s);
	if (!s->pdns.pending) {
		memcpy(s->pdns.key, line, fl[0]);
		memcpy(s->pdns.key + fl[0], f[2], tail);
		s->pdns.keylen = kl;
		s->pdns.t = (uint64_t)ts.tv_sec;
		s->pdns.count = count;
		s->pdns.pending = true;
	}
	int err = resp_add_text(s->resp, owner, (uint8_t)ol, type, LB_C_IN, (uint32_t)ttl,
				LB_SEC_ANSWER, f[6], fl[6], NULL);
	if (err == LB_ELIMIT) {
		src_passivedns_end(s);
		err = resp_add_text(s->resp, owner, (uint8_t)ol, type, LB_C_IN, (uint32_t)ttl,
				    LB_SEC_ANSWER, f[6], fl[6], NULL);
	}
	if (err) {
		if (s->resp->n == 0)
			s->pdns.pending = false;
		return (void)src_bad(s, LB_BAD_RDATA);
	}
	const src_rr_t *x = &s->resp->rr[s->resp->n - 1];
	if (type == LB_T_NSEC3 || ((type == LB_T_TXT || type == LB_T_SPF) && x->rdlen && x->rd[0] == 255))
		s->pdns.lossy = true;
	s->c.records++;
}
