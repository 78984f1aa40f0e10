/*
 * cmd_query.c - `lookback query`: lookups in a store from the command line.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cmds.h"
#include "dns/name.h"
#include "query/query.h"
#include "store/store.h"

static void usage(FILE *f)
{
	fputs("usage: lookback query --db DIR LOOKUP [FILTERS] [OUTPUT]\n"
	      "\n"
	      "lookups (exactly one):\n"
	      "  -r, --rrset OWNER       rrsets by owner: example.com, *.example.com (names below),\n"
	      "                          www.example.* (names starting with these labels)\n"
	      "  -n, --name NAME         RRs whose rdata holds NAME (NS CNAME DNAME PTR MX SRV SOA\n"
	      "                          SVCB HTTPS NAPTR ...); wildcards as for -r\n"
	      "  -i, --ip ADDR           A/AAAA RRs by address, CIDR (10.0.0.0/8, 2001:db8::/32,\n"
	      "                          or ADDR,LEN) or range (192.0.2.1-192.0.2.9)\n"
	      "      --raw-rrset HEX     rrsets by the wire form of the owner name, in hex\n"
	      "      --raw-rdata HEX     RRs by exact rdata bytes, in hex\n"
	      "      --negative NAME     negative answers (NXDOMAIN, NODATA, SERVFAIL...) for NAME;\n"
	      "                          *.example.com allowed\n"
	      "filters:\n"
	      "  -t, --type T[,T...]     RR types; ANY (default: every type but DNSSEC ones),\n"
	      "                          ANY-DNSSEC (only DNSSEC types), ALL (every type)\n"
	      "  -b, --bailiwick ZONE    rrsets seen with this bailiwick only (rrset lookups)\n"
	      "      --first-before T    first seen at or before T\n"
	      "      --first-after T     first seen at or after T\n"
	      "      --last-before T     last seen at or before T\n"
	      "      --last-after T      last seen at or after T\n"
	      "  -A, --after T           seen at or after T (overlap: --last-after;\n"
	      "                          with --complete: --first-after)\n"
	      "  -B, --before T          seen at or before T (overlap: --first-before;\n"
	      "                          with --complete: --last-before)\n"
	      "  -c, --complete          -A/-B select records strictly inside [A, B]\n"
	      "                          times T: Unix seconds, ISO 8601 (2024-05-01, 2024-05-01T10:00:00Z),\n"
	      "                          or relative: -3600 (seconds before now), -7d, -12h, -30m, -2w\n"
	      "  -l, --limit N           at most N results (default 10000; 0 = no limit); when the\n"
	      "                          limit cuts the result, text output ends with a note and\n"
	      "                          every format prints a note on stderr\n"
	      "      --offset N          skip the first N results\n"
	      "      --sort KEY          order by first (first seen), last (last seen), count, or\n"
	      "                          name (owner in DNS order); at most 1000000 results.\n"
	      "                          Without --sort: owner order for -r/--negative, rdata\n"
	      "                          order (address, name) for -i/-n/--raw-rdata\n"
	      "      --reverse           descending order (with --sort)\n"
	      "output:\n"
	      "  -s, --summarize         count, number of results, first and last seen; no listing\n"
	      "  -f, --format F          text (default; DNS presentation form), cof (COF NDJSON), csv\n"
	      "  -h, --help              this text\n"
	      "\n"
	      "exit status: 0 results, 1 no results, 2 usage or input error, 3 store error\n",
	      f);
}

static int bad(const char *what, const char *arg, const char *msg)
{
	fprintf(stderr, "lookback query: bad %s '%s': %s\n", what, arg, msg ? msg : "invalid");
	return LB_EXIT_USAGE;
}

static int parse_u64(const char *s, uint64_t *out)
{
	char *end;
	if (!*s || *s == '-')
		return -1;
	unsigned long long v = strtoull(s, &end, 10);
	if (*end)
		return -1;
	*out = v;
	return 0;
}

enum {
	O_RAW_RRSET = 1000, O_RAW_RDATA, O_NEG, O_FB, O_FA, O_LB, O_LA, O_OFFSET, O_SORT, O_REVERSE,
};

int lb_cmd_query(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "rrset", required_argument, NULL, 'r' },
		{ "name", required_argument, NULL, 'n' },
		{ "ip", required_argument, NULL, 'i' },
		{ "raw-rrset", required_argument, NULL, O_RAW_RRSET },
		{ "raw-rdata", required_argument, NULL, O_RAW_RDATA },
		{ "negative", required_argument, NULL, O_NEG },
		{ "type", required_argument, NULL, 't' },
		{ "bailiwick", required_argument, NULL, 'b' },
		{ "first-before", required_argument, NULL, O_FB },
		{ "first-after", required_argument, NULL, O_FA },
		{ "last-before", required_argument, NULL, O_LB },
		{ "last-after", required_argument, NULL, O_LA },
		{ "after", required_argument, NULL, 'A' },
		{ "before", required_argument, NULL, 'B' },
		{ "complete", no_argument, NULL, 'c' },
		{ "limit", required_argument, NULL, 'l' },
		{ "offset", required_argument, NULL, O_OFFSET },
		{ "summarize", no_argument, NULL, 's' },
		{ "sort", required_argument, NULL, O_SORT },
		{ "reverse", no_argument, NULL, O_REVERSE },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	lb_query_t q;
	lb_query_init(&q);
	const char *db = NULL, *msg = NULL, *after = NULL, *before = NULL;
	int lookups = 0, complete = 0, rc = LB_EXIT_USAGE;
	enum lb_format fmt = LB_FMT_TEXT;
	uint64_t now = (uint64_t)time(NULL);
	lb_store_t *s = NULL;
	lb_out_t out = { 0 };
	int c;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":d:r:n:i:t:b:A:B:cl:sf:h", lopts, NULL)) != -1) {
		uint64_t *tp = NULL;
		bool *hp = NULL;
		switch (c) {
		case 'd': db = optarg; break;
		case 'r': case 'n': case O_NEG:
			lookups++;
			q.kind = c == 'r' ? LB_Q_RRSET : c == 'n' ? LB_Q_RDATA_NAME : LB_Q_NEGATIVE;
			if (lb_query_parse_name(optarg, &q, &msg)) {
				rc = bad("name", optarg, msg);
				goto out;
			}
			if (c == O_NEG && q.match == LB_MATCH_ABOVE_PREFIX) {
				rc = bad("name", optarg, "right-hand wildcards are not supported for --negative");
				goto out;
			}
			break;
		case 'i':
			lookups++;
			q.kind = LB_Q_RDATA_IP;
			if (lb_query_parse_ip(optarg, &q, &msg)) {
				rc = bad("address", optarg, msg);
				goto out;
			}
			break;
		case O_RAW_RRSET: case O_RAW_RDATA: {
			lookups++;
			free(q.raw);
			q.raw = NULL;
			if (lb_query_parse_hex(optarg, &q.raw, &q.raw_len, &msg)) {
				rc = bad("hex", optarg, msg);
				goto out;
			}
			if (c == O_RAW_RRSET) {
				q.kind = LB_Q_RRSET_RAW;
				if (q.raw_len > sizeof q.name ||
				    lb_name_check(q.raw, q.raw_len) != (int)q.raw_len) {
					rc = bad("hex", optarg, "not a wire-format domain name");
					goto out;
				}
				memcpy(q.name, q.raw, q.raw_len);
				q.name_len = q.raw_len;
				lb_name_lower(q.name);
				q.match = LB_MATCH_EXACT;
			} else {
				q.kind = LB_Q_RDATA_RAW;
			}
			break;
		}
		case 't':
			if (lb_query_parse_types(optarg, &q, &msg)) {
				rc = bad("type", optarg, msg);
				goto out;
			}
			break;
		case 'b': {
			lb_query_t tmp;
			lb_query_init(&tmp);
			if (lb_query_parse_name(optarg, &tmp, &msg) || tmp.match != LB_MATCH_EXACT) {
				rc = bad("bailiwick", optarg, msg ? msg : "no wildcards in a bailiwick");
				goto out;
			}
			memcpy(q.bailiwick, tmp.name, tmp.name_len);
			q.bailiwick_len = tmp.name_len;
			q.has_bailiwick = true;
			break;
		}
		case O_FB: tp = &q.first_before; hp = &q.has_first_before; break;
		case O_FA: tp = &q.first_after; hp = &q.has_first_after; break;
		case O_LB: tp = &q.last_before; hp = &q.has_last_before; break;
		case O_LA: tp = &q.last_after; hp = &q.has_last_after; break;
		case 'A': after = optarg; break;
		case 'B': before = optarg; break;
		case 'c': complete = 1; break;
		case 'l':
			if (parse_u64(optarg, &q.limit)) {
				rc = bad("limit", optarg, "not a number");
				goto out;
			}
			break;
		case O_OFFSET:
			if (parse_u64(optarg, &q.offset)) {
				rc = bad("offset", optarg, "not a number");
				goto out;
			}
			break;
		case 's': q.summarize = true; break;
		case O_SORT:
			if (!strcmp(optarg, "first"))
				q.sort = LB_SORT_FIRST;
			else if (!strcmp(optarg, "last"))
				q.sort = LB_SORT_LAST;
			else if (!strcmp(optarg, "count"))
				q.sort = LB_SORT_COUNT;
			else if (!strcmp(optarg, "name"))
				q.sort = LB_SORT_NAME;
			else {
				rc = bad("sort order", optarg, "use first, last, count or name");
				goto out;
			}
			break;
		case O_REVERSE: q.reverse = true; break;
		case 'f':
			if (!strcmp(optarg, "text"))
				fmt = LB_FMT_TEXT;
			else if (!strcmp(optarg, "cof") || !strcmp(optarg, "json") || !strcmp(optarg, "ndjson"))
				fmt = LB_FMT_COF;
			else if (!strcmp(optarg, "csv"))
				fmt = LB_FMT_CSV;
			else {
				rc = bad("format", optarg, "use text, cof or csv");
				goto out;
			}
			break;
		case 'h':
			usage(stdout);
			rc = LB_EXIT_OK;
			goto out;
		case ':':
			fprintf(stderr, "lookback query: option needs an argument (try --help)\n");
			goto out;
		default:
			fprintf(stderr, "lookback query: unknown option (try --help)\n");
			goto out;
		}
		if (tp) {
			if (lb_query_parse_time(optarg, now, tp, &msg)) {
				rc = bad("time", optarg, msg);
				goto out;
			}
			*hp = true;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "lookback query: unexpected argument '%s' (try --help)\n", argv[optind]);
		goto out;
	}
	if (after) {
		uint64_t t;
		if (lb_query_parse_time(after, now, &t, &msg)) {
			rc = bad("time", after, msg);
			goto out;
		}
		if (complete) {
			q.first_after = t;
			q.has_first_after = true;
		} else {
			q.last_after = t;
			q.has_last_after = true;
		}
	}
	if (before) {
		uint64_t t;
		if (lb_query_parse_time(before, now, &t, &msg)) {
			rc = bad("time", before, msg);
			goto out;
		}
		if (complete) {
			q.last_before = t;
			q.has_last_before = true;
		} else {
			q.first_before = t;
			q.has_first_before = true;
		}
	}
	if (!db) {
		fprintf(stderr, "lookback query: --db DIR is required (try --help)\n");
		goto out;
	}
	if (lookups != 1) {
		fprintf(stderr, "lookback query: give exactly one lookup (-r, -n, -i, --raw-rrset, "
				"--raw-rdata or --negative)\n");
		goto out;
	}
	if (q.has_bailiwick && q.kind != LB_Q_RRSET && q.kind != LB_Q_RRSET_RAW &&
	    q.kind != LB_Q_NEGATIVE) {
		fprintf(stderr, "lookback query: --bailiwick applies to rrset lookups only\n");
		goto out;
	}
	if (q.kind == LB_Q_RDATA_IP && q.tmode == LB_TYPES_LIST) {
		for (size_t i = 0; i < q.ntypes; i++)
			if (q.types[i] != 1 && q.types[i] != 28) {
				fprintf(stderr, "lookback query: -i takes only the types A, AAAA or ANY\n");
				goto out;
			}
	}
	if (q.reverse && q.sort == LB_SORT_NONE) {
		fprintf(stderr, "lookback query: --reverse needs --sort\n");
		goto out;
	}
	if (lb_out_init(&out, stdout, fmt)) {
		fprintf(stderr, "lookback query: out of memory\n");
		rc = LB_EXIT_STORE;
		goto out;
	}
	lb_store_opts_t so = { .read_only = true };
	int err = lb_store_open(db, &so, &s);
	if (err) {
		fprintf(stderr, "lookback query: %s: %s\n", db, lb_store_errmsg(s, err));
		rc = LB_EXIT_STORE;
		goto out;
	}
	lb_query_result_t res;
	err = lb_query_run(s, &q, &out, &res);
	fflush(stdout);
	if (err) {
		fprintf(stderr, "lookback query: %s: %s\n", db, lb_store_errmsg(s, err));
		rc = LB_EXIT_STORE;
		goto out;
	}
	if (ferror(stdout)) {
		fprintf(stderr, "lookback query: error writing the output\n");
		rc = LB_EXIT_STORE;
		goto out;
	}
	if (res.limited)
		fprintf(stderr, "lookback query: result limited to %llu; more exist\n",
			(unsigned long long)q.limit);
	rc = res.results ? LB_EXIT_OK : LB_EXIT_EMPTY;
out:
	lb_out_free(&out);
	(void)lb_store_close(s);
	lb_query_free(&q);
	return rc;
}
