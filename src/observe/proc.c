#include "observe/proc.h"

#include <stdlib.h>

#include "dns/msg.h"

struct lb_proc {
	lb_obs_sink_t sink;
	const char *sensor;
	lb_stats_t *st;
	lb_msg_t msg;
	lb_msg_scratch_t mscratch;
	lb_obs_scratch_t oscratch;
	enum lb_mdns mdns;
};

void lb_proc_set_mdns(lb_proc_t *p, enum lb_mdns mode)
{
	p->mdns = mode;
}

/* mDNS: the classes without their flag bit (lb_proc_set_mdns) */
static void mdns_classes(lb_msg_t *m)
{
	m->qclass &= 0x7fff;
	for (size_t i = 0; i < m->nrr; i++) /* (OPT is not among them) */
		m->rr[i].rclass &= 0x7fff;
}

void lb_proc_set_flow(lb_proc_t *p, const lb_obs_flow_t *flow)
{
	p->oscratch.has_flow = flow != NULL;
	if (flow)
		p->oscratch.flow = *flow;
}

lb_proc_t *lb_proc_new(const lb_obs_sink_t *sink, const char *sensor, lb_stats_t *stats)
{
	lb_proc_t *p = calloc(1, sizeof *p);
	if (!p)
		return NULL;
	p->sink = *sink;
	p->sensor = sensor;
	p->st = stats;
	return p;
}

void lb_proc_free(lb_proc_t *p)
{
	free(p);
}

const lb_msg_t *lb_proc_last(const lb_proc_t *p)
{
	return &p->msg;
}

int lb_proc_message(lb_proc_t *p, const uint8_t *data, size_t len, const struct timeval *ts,
		    const uint8_t *bailiwick)
{
	return lb_proc_message_cut(p, data, len, ts, bailiwick, false);
}

int lb_proc_message_cut(lb_proc_t *p, const uint8_t *data, size_t len, const struct timeval *ts,
			const uint8_t *bailiwick, bool cut)
{
	lb_stats_t *st = p->st;
	st->dns_messages++;
	if (lb_msg_plain_query(data, len)) {
		/* nothing of a query is kept: count it without the full parse
		 * (measured: about 13% of decode instructions on generated traffic) */
		p->msg.qr = false;
		p->msg.complete = 3;
		p->msg.nrr = 0;
		p->msg.nbad = 0;
		st->dns_queries++;
		return 0;
	}
	p->msg.qr = false; /* a header that does not parse must not look like a response */
	p->msg.complete = 0;
	p->msg.nrr = 0;
	p->msg.nbad = 0;
	int rc = lb_msg_parse_cut(&p->msg, &p->mscratch, data, len, cut);
	if (p->mdns) {
		mdns_classes(&p->msg);
		if (p->mdns == LB_MDNS_PEERS && p->msg.qr)
			p->msg.tc = false; /* RFC 6762 18.5 */
	}
	if (rc != 0) {
		st->drops[lb_drop_from_dns_err(rc)]++;
		/* keep whole sections of a response whose tail is broken, and
		 * what came before our limit in one too large (msg.h) */
		if (!p->msg.qr || (p->msg.complete < 1 && !p->msg.cut))
			return rc;
		st->dns_partial++;
	}
	st->drops[LB_DROP_DNS_BAD_RECORD] += p->msg.nbad;
	if (!p->msg.qr) {
		st->dns_queries++;
		return rc;
	}
	st->dns_responses++;
	if (rc == 0 && p->msg.wire_len < len)
		st->drops[LB_DROP_DNS_TRAILING]++;
	lb_obs_from_msg(&p->msg, ts, bailiwick, p->sensor, &p->oscratch, &p->sink, st);
	return rc;
}
