/*
 * args.h - the command-line options that describe a query (lookups, filters,
 * limit/offset, sort), shared by the commands that take them (`lookback
 * query`, `lookback export`).  The command keeps its own getopt loop and
 * option table, and hands each option it does not know to lb_qargs_opt():
 *
 *	static const struct option lopts[] = {
 *		LB_QARGS_LONGOPTS,
 *		{ "db", required_argument, NULL, 'd' }, ...
 *		{ NULL, 0, NULL, 0 },
 *	};
 *	lb_qargs_t a;
 *	lb_qargs_init(&a, &q, "lookback query", time(NULL));
 *	while ((c = getopt_long(argc, argv, LB_QARGS_SHORTOPTS "d:h", lopts, NULL)) != -1) {
 *		int r = lb_qargs_opt(&a, c, optarg);
 *		if (r < 0) goto usage_error;   (message already printed)
 *		if (r > 0) continue;           (it was a query option)
 *		switch (c) { ... the command's own options ... }
 *	}
 *	if (lb_qargs_finish(&a, LB_QARGS_ONE_LOOKUP)) goto usage_error;
 *
 * Messages go to stderr, prefixed with the program name given to init.
 */
#ifndef LB_QUERY_ARGS_H
#define LB_QUERY_ARGS_H

#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>

#include "query/query.h"

/* Option codes of the long-only options (above any character). */
enum {
	LB_QOPT_RAW_RRSET = 1000, LB_QOPT_RAW_RDATA, LB_QOPT_NEG, LB_QOPT_FB, LB_QOPT_FA,
	LB_QOPT_LB, LB_QOPT_LA, LB_QOPT_OFFSET, LB_QOPT_SORT, LB_QOPT_REVERSE,
};

/* getopt short options of the query options (no leading ':'; add it yourself). */
#define LB_QARGS_SHORTOPTS "r:n:i:t:b:A:B:cl:g"

/* struct option entries of the query options, for the command's table. */
#define LB_QARGS_LONGOPTS \
	{ "rrset", required_argument, NULL, 'r' }, \
	{ "name", required_argument, NULL, 'n' }, \
	{ "ip", required_argument, NULL, 'i' }, \
	{ "raw-rrset", required_argument, NULL, LB_QOPT_RAW_RRSET }, \
	{ "raw-rdata", required_argument, NULL, LB_QOPT_RAW_RDATA }, \
	{ "negative", required_argument, NULL, LB_QOPT_NEG }, \
	{ "type", required_argument, NULL, 't' }, \
	{ "bailiwick", required_argument, NULL, 'b' }, \
	{ "first-before", required_argument, NULL, LB_QOPT_FB }, \
	{ "first-after", required_argument, NULL, LB_QOPT_FA }, \
	{ "last-before", required_argument, NULL, LB_QOPT_LB }, \
	{ "last-after", required_argument, NULL, LB_QOPT_LA }, \
	{ "after", required_argument, NULL, 'A' }, \
	{ "before", required_argument, NULL, 'B' }, \
	{ "complete", no_argument, NULL, 'c' }, \
	{ "limit", required_argument, NULL, 'l' }, \
	{ "offset", required_argument, NULL, LB_QOPT_OFFSET }, \
	{ "sort", required_argument, NULL, LB_QOPT_SORT }, \
	{ "reverse", no_argument, NULL, LB_QOPT_REVERSE }, \
	{ "unaggregated", no_argument, NULL, 'g' }

typedef struct lb_qargs {
	lb_query_t *q;          /* borrowed: filled in by the options */
	const char *prog;       /* message prefix, e.g. "lookback query" */
	uint64_t now;           /* for relative times */
	int lookups;            /* lookup options seen */
	bool complete;
	bool typed;             /* a -t seen: a later one adds its types */
	bool has_after, has_before; /* -A, -B: the latest -A, the earliest -B given */
	uint64_t after, before;
} lb_qargs_t;

void lb_qargs_init(lb_qargs_t *a, lb_query_t *q, const char *prog, uint64_t now);

/* 1 = c was a query option and is applied, 0 = not a query option,
 * -1 = a bad value (message printed). */
int lb_qargs_opt(lb_qargs_t *a, int c, const char *arg);

enum lb_qargs_need { LB_QARGS_ONE_LOOKUP = 0, LB_QARGS_AT_MOST_ONE_LOOKUP };

/* After the options: applies -A/-B and checks the combination.  0, or -1
 * with a message printed.  With no lookup given (AT_MOST_ONE), the query
 * is left as it is and a->lookups is 0. */
int lb_qargs_finish(lb_qargs_t *a, enum lb_qargs_need need);

/* The end of a command line that takes these options: no operand may be left
 * (argv[optind]), --db must have been given, then lb_qargs_finish().  0, or
 * -1 with a message printed. */
int lb_qargs_end(lb_qargs_t *a, enum lb_qargs_need need, int argc, char **argv, int optind_,
		 const char *db);

#endif
