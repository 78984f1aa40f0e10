/*
 * bailiwick.h - keep only the RRsets a response is trusted for.
 *
 * The filter is a sink in front of another sink.  For each RRset:
 *  - bailiwick known: kept only if its owner is at or below the bailiwick
 *    (any section); otherwise dropped and counted in *out_of_bailiwick;
 *  - bailiwick unknown (NULL): kept only from the answer section; otherwise
 *    dropped and counted in *not_answer.
 * A negative observation with a bailiwick is kept only if the name it denies
 * is at or below it (a server speaks for its zone only: an NXDOMAIN at the end
 * of a CNAME chain that left the zone is another zone's to say); otherwise
 * dropped and counted in *neg_out_of_bailiwick.  Without one it passes.
 */
#ifndef LB_OBSERVE_BAILIWICK_H
#define LB_OBSERVE_BAILIWICK_H

#include <stdint.h>

#include "observe/obs.h"

typedef struct lb_bw_filter {
	lb_obs_sink_t next;           /* where kept observations go (NULL callbacks allowed) */
	uint64_t *out_of_bailiwick;   /* counters (borrowed, not NULL) */
	uint64_t *not_answer;
	uint64_t *kept;               /* may be NULL */
	uint64_t *neg_out_of_bailiwick; /* may be NULL */
} lb_bw_filter_t;

/* A sink whose ctx is f (f must outlive it). */
lb_obs_sink_t lb_bw_filter_sink(lb_bw_filter_t *f);

void lb_bw_filter_rrset(void *f, const lb_obs_rrset_t *o);
void lb_bw_filter_negative(void *f, const lb_obs_neg_t *o);

#endif
