#include "observe/bailiwick.h"

#include "dns/msg.h"
#include "dns/name.h"

void lb_bw_filter_rrset(void *vf, const lb_obs_rrset_t *o)
{
	lb_bw_filter_t *f = vf;
	if (o->bailiwick) {
		if (!lb_name_is_subdomain(o->owner, o->bailiwick)) {
			(*f->out_of_bailiwick)++;
			return;
		}
	} else if (o->section != LB_SEC_ANSWER) {
		(*f->not_answer)++;
		return;
	}
	if (f->kept)
		(*f->kept)++;
	if (f->next.rrset)
		f->next.rrset(f->next.ctx, o);
}

void lb_bw_filter_negative(void *vf, const lb_obs_neg_t *o)
{
	lb_bw_filter_t *f = vf;
	if (o->bailiwick && !lb_name_is_subdomain(o->qname, o->bailiwick)) {
		if (f->neg_out_of_bailiwick)
			(*f->neg_out_of_bailiwick)++;
		return;
	}
	if (f->next.negative)
		f->next.negative(f->next.ctx, o);
}

lb_obs_sink_t lb_bw_filter_sink(lb_bw_filter_t *f)
{
	lb_obs_sink_t s = { .rrset = lb_bw_filter_rrset, .negative = lb_bw_filter_negative, .ctx = f };
	return s;
}
