/*
 * proc.h - one DNS message in, observations out: parse, count, group.
 *
 * The glue every source uses (pcap payloads, dnstap messages): it owns the
 * parser's and the grouper's scratch memory, so one lb_proc_t per thread.
 *
 *   lb_proc_t *p = lb_proc_new(&sink, "sensor-1", stats);
 *   lb_proc_message(p, data, len, &ts, NULL);   // per DNS message
 *   lb_proc_free(p);
 */
#ifndef LB_OBSERVE_PROC_H
#define LB_OBSERVE_PROC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>

#include "observe/obs.h"
#include "util/stats.h"

typedef struct lb_proc lb_proc_t;

/* sink is copied; sensor is borrowed (must outlive p); stats (borrowed, not
 * NULL) receives dns_* counters and drops.  NULL on allocation failure. */
lb_proc_t *lb_proc_new(const lb_obs_sink_t *sink, const char *sensor, lb_stats_t *stats);

/* NULL-safe. */
void lb_proc_free(lb_proc_t *p);

/*
 * Parse one DNS message and hand its observations to the sink.  A message
 * that fails to parse is counted under its drop reason; if its answer
 * section (or more) was complete, those sections are still observed and
 * dns_partial is counted.  Returns the parse result (0 or LB_E*), for callers
 * that care; the counters already say it.
 */
int lb_proc_message(lb_proc_t *p, const uint8_t *data, size_t len, const struct timeval *ts,
		    const uint8_t *bailiwick);
/* The same for a message the capture cut (lb_payload_t.cut): parsed by
 * lb_msg_parse_cut, its whole records before the cut observed, the RRset
 * the cut falls in marked truncated. */
int lb_proc_message_cut(lb_proc_t *p, const uint8_t *data, size_t len, const struct timeval *ts,
			const uint8_t *bailiwick, bool cut);

/* Whether the next messages are multicast DNS (RFC 6762, port 5353): the top
 * bit of their classes is then a flag - cache-flush on records (section
 * 10.2), unicast-response on questions (5.4) - and is cleared, so that an
 * mDNS record of class IN is one.  LB_MDNS_PEERS (port 5353 on both sides:
 * a multicast response, or one to an mDNS querier): its TC bit is also
 * ignored (RFC 6762 18.5: zero on transmission, ignored on reception), so
 * its last RRset is not taken as cut short; a legacy unicast response
 * (LB_MDNS_LEGACY: 5353 on one side only) keeps TC's unicast meaning. */
enum lb_mdns { LB_MDNS_OFF, LB_MDNS_LEGACY, LB_MDNS_PEERS };
void lb_proc_set_mdns(lb_proc_t *p, enum lb_mdns mode);

/* The TCP connection the next messages come on (NULL: none, a datagram):
 * a zone transfer's later messages are read in the form its first showed
 * (obs.c xfr_kind). */
void lb_proc_set_flow(lb_proc_t *p, const lb_obs_flow_t *flow);

/* The last parsed message (valid until the next call), e.g. for bailiwick logic. */
const lb_msg_t *lb_proc_last(const lb_proc_t *p);

#endif
