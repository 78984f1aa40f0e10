/*
 * names.h - one row per owner name, or per registered domain, instead of one
 * per rrset: newly observed names and domains (`lookback query --names`,
 * `--domains`).
 *
 * A lookup (any but negative answers: -r, -n, -i, the raw ones; -r with its
 * wildcards) is run without its time fences, offset, limit, summary or
 * sort, through the type and bailiwick filters only; the rrsets (an rdata
 * lookup: the RRs) of one owner name (of one
 * registered domain: the owner's public suffix and one label more, by the
 * Public Suffix List, libpsl) are merged as the store merges values: the
 * earliest first seen, the latest last seen, the summed count, the zone
 * times likewise.  Then the query's time fences judge each merged row, as
 * they judge an rrset (lb_query_time_ok), so `--first-after T` keeps the
 * names first seen at or after T: newly observed names.  Offset, limit,
 * summary and sort then apply to the rows (a summary is of the rows the
 * offset and limit select, as lb_query_run's).
 *
 * With -i, -n: the names that pointed at those addresses or names, each as
 * new as its first such record (names newly seen on that infrastructure).
 * Negative answers do not count: a name is observed when it resolved.
 * Rows of an owner lookup stream in the store's order (label-reversed names:
 * a domain's names together) unless a sort is asked, or domains are grouped
 * over a right-hand wildcard (its names come in wire order: one domain's
 * names may be apart), or the lookup is by rdata (a name's RRs come apart):
 * then the rows are held (at most LB_QUERY_SORT_MAX, LB_QUERY_SORT_BYTES),
 * merged by name (then in name order, byte by byte of the presentation
 * form, unless sorted), and past that bound the run is LB_ELIMIT.
 */
#ifndef LB_QUERY_NAMES_H
#define LB_QUERY_NAMES_H

#include "query/query.h"

enum lb_names_mode { LB_NAMES_OWNER = 1, LB_NAMES_DOMAIN };

/* The registered domain of name (presentation form, lower case, with or
 * without the final dot) into out (with the final dot): the name itself when
 * it is a public suffix or the list does not know it.  0, or LB_ENAMELEN. */
LB_WUR int lb_names_domain(const char *name, char *out, size_t outsz);

/* A row: a name's (a domain's) merged rrsets. */
typedef struct lb_names_row lb_names_row_t;

/* The row as the JSON object `query -f json` prints (rrname or domain,
 * num_names, num_rrsets, rrtypes, count, time_first/time_last,
 * zone_time_first/zone_time_last), without a line end; humantime writes
 * the times as RFC 3339 strings (as DNSDB's humantime). */
void lb_names_row_json(FILE *f, enum lb_names_mode mode, const lb_names_row_t *w, bool humantime);

/*
 * Pull-style rows (the HTTP server streams them; lb_query_names_run writes
 * them): new (q borrowed, outlives the cursor; not LB_Q_NEGATIVE, not
 * unaggregated, else LB_EINVAL), then next: 1 = a row in *row (valid until
 * the next call), 0 = the end, LB_QUERY_AGAIN (the budget is spent: call
 * again), < 0 = an error (sticky; LB_ELIMIT: more held rows than
 * LB_QUERY_SORT_MAX or q->sort_bytes_max, LB_QUERY_SORT_BYTES when 0).
 * Offset and limit select rows; with q->summarize no row is handed out and
 * the summary of the selected rows (max_count as lb_query_run's) is in the
 * result after the end.  Held rows are merged, fenced and sorted in one
 * call (no budget: a qsort of at most the bound).  The budget bounds the
 * records read per call without a row to hand out, as
 * lb_query_cur_set_budget.  Thread rules: a query cursor's.
 */
typedef struct lb_names_cur lb_names_cur_t;
LB_WUR int lb_names_cur_new(lb_store_t *s, const lb_query_t *q, enum lb_names_mode mode,
			    lb_names_cur_t **out);
void lb_names_cur_set_budget(lb_names_cur_t *c, unsigned steps);
LB_WUR int lb_names_cur_next(lb_names_cur_t *c, const lb_names_row_t **row);
/* results (rows handed out or summed), limited, count_reached, sum */
const lb_query_result_t *lb_names_cur_result(const lb_names_cur_t *c);
void lb_names_cur_free(lb_names_cur_t *c); /* NULL-safe */

/* Run q (not LB_Q_NEGATIVE, not unaggregated, else LB_EINVAL) as rows of
 * mode; out and res as lb_query_run (res->results counts rows).  In a
 * batch's CSV (out->csv_query) each row begins with the query column and
 * the header is written once. */
LB_WUR int lb_query_names_run(lb_store_t *s, const lb_query_t *q, enum lb_names_mode mode,
			      lb_out_t *out, lb_query_result_t *res);

#endif
