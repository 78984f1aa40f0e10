/*
 * jsonl.h - observations as JSON lines (`lookback capture --jsonl`).
 *
 * RRset: {"rrname","rrtype","class","rdata":[...],"section","bailiwick","time","ttl"[,"sensor_id"][,"frame"]}
 *   rrtype is the mnemonic, or a JSON number for types without one (RFC 3597).
 *   rdata holds presentation strings in canonical order.  time is Unix seconds
 *   with microseconds.  bailiwick is a name or null.
 * Negative: {"negative":true,"qname","qtype","rcode"[,"nodata":true],"bailiwick","time"[,"sensor_id"][,"frame"]}
 *   rcode is the mnemonic (NXDOMAIN, SERVFAIL, REFUSED, NOERROR with nodata).
 * frame < 0 omits the "frame" member.
 */
#ifndef LB_OBSERVE_JSONL_H
#define LB_OBSERVE_JSONL_H

#include <stdio.h>

#include "observe/obs.h"

void lb_jsonl_rrset(FILE *f, const lb_obs_rrset_t *o, long frame);
void lb_jsonl_negative(FILE *f, const lb_obs_neg_t *o, long frame);

#endif
