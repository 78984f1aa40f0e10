/*
 * group.h - the records of one owner and type merged across bailiwicks, for
 * COF answers (lb_query_t.merge_bailiwicks; used by the query cursor,
 * query.c).  Internal to the query module.
 *
 * The store keeps the bailiwick in an rrset's identity (and in a negative
 * answer's), and its keys put the bailiwick before the rdata set
 * (R rowner 00 type bail rdataset): the records of one owner and type come
 * from the iterator together, but one rdata set under two bailiwicks does
 * not come twice in a row.  A group collects the records of one owner and
 * type (and kind) and merges those with the same rdata set (a negative
 * answer: the same rcode) as the store's merge does (lb_store_val_merge):
 * min time_first, max time_last, sum of counts (saturating), zone times
 * likewise, union of sources (ids ascending, the 16 smallest, "more" flag).
 * The merged record keeps the bailiwick when every record merged into it had
 * the same one; otherwise it has none (NULL).  It carries no day runs
 * (val.nruns 0): COF answers do not show them.
 *
 * Bound: a group holds at most max_sets distinct rdata sets and max_bytes of
 * copied rdata and bailiwicks (the cursor's: LB_QUERY_MERGE_MAX_SETS,
 * LB_QUERY_MERGE_MAX_BYTES); a record with a new rdata set past either is
 * refused (LB_QGROUP_FULL): the caller hands out what the group holds and starts a
 * new group with it, so an rdata set of that owner and type may then be
 * listed once per part.
 */
#ifndef LB_QUERY_GROUP_H
#define LB_QUERY_GROUP_H

#include <stddef.h>

#include "store/store.h"
#include "util/err.h"

/* lb_qgroup_add results besides 0 (merged or added) and LB_ENOMEM */
#define LB_QGROUP_OTHER 1 /* r belongs to another owner, type or kind */
#define LB_QGROUP_FULL 2  /* r has a new rdata set and the group is at its bound */

typedef struct lb_qgroup lb_qgroup_t;

/* 0 or LB_ENOMEM.  max_sets (>= 1), max_bytes: the bound. */
LB_WUR int lb_qgroup_new(size_t max_sets, size_t max_bytes, lb_qgroup_t **out);
void lb_qgroup_free(lb_qgroup_t *g); /* NULL-safe */

/* Add r (an RRSET or NEG record; its names and rdata are copied, its day
 * runs ignored).  An empty group takes any record.  0, LB_QGROUP_OTHER,
 * LB_QGROUP_FULL (r not taken), or LB_ENOMEM. */
LB_WUR int lb_qgroup_add(lb_qgroup_t *g, const lb_store_rec_t *r);

/* Distinct rdata sets held, in the order they were first met. */
size_t lb_qgroup_count(const lb_qgroup_t *g);

/* The i-th merged record into r, sources named through s
 * (lb_store_source_names).  r's pointers point into g: valid until the next
 * lb_qgroup_get, add, clear or free. */
void lb_qgroup_get(lb_qgroup_t *g, size_t i, lb_store_t *s, lb_store_rec_t *r);

/* Empty the group (its buffers are kept for the next one). */
void lb_qgroup_clear(lb_qgroup_t *g);

#endif
