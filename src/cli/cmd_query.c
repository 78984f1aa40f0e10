/*
 * cmd_query.c - `lookback query`: lookups in a store from the command line.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cmds.h"
#include "dns/name.h"
#include "http/http.h"
#include "query/args.h"
#include "query/names.h"
#include "query/query.h"
#include "store/store.h"

static void usage(FILE *f)
{
	fputs("usage: lookback query --db DIR LOOKUP [FILTERS] [OUTPUT]\n"
	      "       lookback query --db DIR --batch FILE [FILTERS] [OUTPUT]\n"
	      "  -d, --db DIR            the store\n"
	      "\n"
	      "lookups (exactly one):\n"
	      "  -r, --rrset OWNER       rrsets by owner: example.com, *.example.com (names below),\n"
	      "                          www.example.* (names starting with these labels); an\n"
	      "                          internationalized name as its A-label (xn--...)\n"
	      "  -n, --name NAME         RRs whose rdata holds NAME (NS CNAME DNAME PTR MX SRV SOA\n"
	      "                          SVCB HTTPS NAPTR ...); wildcards as for -r\n"
	      "  -i, --ip ADDR           A/AAAA RRs by address, CIDR (10.0.0.0/8, 2001:db8::/32,\n"
	      "                          or ADDR,LEN) or range (192.0.2.1-192.0.2.9); an IPv4\n"
	      "                          address as such, not IPv4-mapped (::ffff:192.0.2.1)\n"
	      "      --raw-rrset HEX     rrsets by the wire form of the owner name, in hex\n"
	      "      --raw-rdata HEX     RRs by exact rdata bytes, in hex (in canonical form:\n"
	      "                          names inside it lower-cased: RFC 4034 6.2, SVCB/HTTPS)\n"
	      "      --negative NAME     negative answers (NXDOMAIN, NODATA, SERVFAIL...) for NAME;\n"
	      "                          *.example.com allowed\n"
	      "      --batch FILE        one lookup per line of FILE (- = standard input), in\n"
	      "                          dnsdbq's batch form:\n"
	      "                          rrset/name/NAME[/TYPES[/BAILIWICK]],\n"
	      "                          rrset/raw/HEX[/TYPES[/BAILIWICK]],\n"
	      "                          rdata/name/NAME[/TYPES], rdata/ip/ADDR[,LEN],\n"
	      "                          rdata/raw/HEX[/TYPES] ('/' and ',' in a name as %2F,\n"
	      "                          %2C); lookback's negative/name/NAME[/TYPES] (as\n"
	      "                          --negative; not with -f csv); or a bare indicator: an\n"
	      "                          address, CIDR or range (rdata/ip) or a name\n"
	      "                          (rrset/name), also defanged or in a URL\n"
	      "                          (hxxps://evil[.]example:8443/x: the host); '#' comments.\n"
	      "                          The filters and output options apply to each line (a\n"
	      "                          line's own types and bailiwick win); a line '$OPTIONS\n"
	      "                          [-A T] [-B T] [-c] [-g] [-G] [-l N] [-O N]' changes\n"
	      "                          those in force for the lines after it (alone: back to\n"
	      "                          the command line's), as in dnsdbq. Each answer is\n"
	      "                          preceded by '++ LINE' and followed by '-- STATUS (why)'\n"
	      "                          as dnsdbq -ff prints them; CSV has instead a first\n"
	      "                          column 'query' and one header (an answer the limit cut:\n"
	      "                          a note on stderr with its line number). Exit status: 2\n"
	      "                          if a line was bad (its '--' line says why), else 0 if\n"
	      "                          any had results\n"
	      "filters:\n"
	      "  -t, --type T[,T...]     RR types, at most 16 (-t again adds to the list);\n"
	      "                          or ANY (default: every type but DNSSEC ones),\n"
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
	      "                          times T: Unix seconds, ISO 8601 (2024-05-01, 2024-05-01T10:00:00Z;\n"
	      "                          without a zone: UTC), or relative: -3600 (seconds before now), -7d, -12h, -30m, -2w,\n"
	      "                          or as dnsdbq writes them: 7d, 1w2d (units s m h d w);\n"
	      "                          every fence given narrows the result (-A beside --last-after,\n"
	      "                          an option twice: the narrower bound)\n"
	      "  -g, --unaggregated      one row per run of days a record was seen on, with its\n"
	      "                          own first/last seen and count (DNSDB aggr=false, dnsdbq\n"
	      "                          -g); rows are made before the time filters, --offset,\n"
	      "                          --limit and --summarize apply; zone times come on a row\n"
	      "                          of their own; records last stored before run counts\n"
	      "                          were kept give their one aggregated row\n"
	      "  -l, --limit N           at most N results (default 10000; 0 = no limit); when the\n"
	      "                          limit cuts the result, text output ends with a note and\n"
	      "                          every format prints a note on stderr\n"
	      "      --offset N          skip the first N results\n"
	      "      --sort KEY          order by first (first seen), last (last seen), duration\n"
	      "                          (last seen - first seen), count, name (owner in DNS\n"
	      "                          order), type (rrtype number) or data (rdata octets\n"
	      "                          as RFC 4034 6.3 orders them: addresses numerically);\n"
	      "                          type and data not with --names/--domains; the\n"
	      "                          --offset + --limit first are held in memory, or every\n"
	      "                          result without a limit: at most 1000000 of them in at\n"
	      "                          most 512 MiB\n"
	      "                          (~300 bytes and the rrset each; past either, an error);\n"
	      "                          first/last are zone times where only zones gave a record.\n"
	      "                          Without --sort: the store's order: for -r/--negative\n"
	      "                          by owner, label by label from the root, a shorter\n"
	      "                          label before a longer one (b.x before aa.x); for\n"
	      "                          -i/-n/--raw-rdata by rdata (address, or name so)\n"
	      "      --reverse           descending order (with --sort)\n"
	      "output:\n"
	      "  -s, --summarize         count, number of results, first and last seen; no listing;\n"
	      "                          of the results --offset and --limit select (as DNSDB's;\n"
	      "                          with --sort, in its order, as the listing shows them)\n"
	      "  -M, --max-count N       with --summarize: stop once the summed count reaches N\n"
	      "                          (DNSDB max_count, dnsdbq -M); says so when more exist\n"
	      "      --names             one row per owner name instead of per record: its\n"
	      "                          earliest first seen, latest last seen and summed count\n"
	      "                          over its rrsets (of the types -t selects; not negative\n"
	      "                          answers), the number of rrsets and their types; the\n"
	      "                          time fences, --offset, --limit, --sort and --summarize\n"
	      "                          apply to these rows, so --first-after T lists the\n"
	      "                          names newly observed since T; with -i/-n, over the\n"
	      "                          RRs found (names new on that address or network;\n"
	      "                          rows in name order unless sorted); with --batch, each\n"
	      "                          line's rows (not negative/ lines). serve answers the\n"
	      "                          same rows: /lookback/v1/names/lookup/rrset/name/...\n"
	      "      --domains           as --names, one row per registered domain (the public\n"
	      "                          suffix and one label more, by the Public Suffix List),\n"
	      "                          with its number of names: newly observed domains.\n"
	      "                          cof/json rows: rrname (--domains: domain, num_names),\n"
	      "                          num_rrsets, rrtypes, count, time_first, time_last and\n"
	      "                          zone times; csv the same columns\n"
	      "  -f, --format F          text (default; DNS presentation form), cof (COF NDJSON;\n"
	      "                          json and ndjson name it too; each rrname, rrtype and\n"
	      "                          rdata set once, merged across bailiwicks; sensor_id\n"
	      "                          names the first source), csv (RFC 4180; no field\n"
	      "                          begins as a spreadsheet formula: = + - at the start\n"
	      "                          of a name or name rdata is escaped, \\=, the same name;\n"
	      "                          other such text gets a leading ')\n"
	      "  -h, --help              this text\n"
	      "\n"
	      "exit status: 0 results, 1 no results, 2 usage or input error, 3 store error\n",
	      f);
}

/* True if the looked-up name (or the bailiwick) holds octets above 0x7f:
 * typed as UTF-8, most likely an internationalized name. */
static bool name_8bit(const lb_query_t *q)
{
	bool named = q->kind == LB_Q_RRSET || q->kind == LB_Q_RDATA_NAME || q->kind == LB_Q_NEGATIVE;
	for (size_t i = 0; named && i < q->name_len; i++)
		if (q->name[i] > 0x7f) /* (length octets are at most 63) */
			return true;
	for (size_t i = 0; q->has_bailiwick && i < q->bailiwick_len; i++)
		if (q->bailiwick[i] > 0x7f)
			return true;
	return false;
}

/* An address lookup of IPv4-mapped IPv6 addresses (::ffff:a.b.c.d): the
 * store keeps an A record's address as IPv4, so they find nothing. */
static bool v4_mapped(const lb_query_t *q)
{
	static const uint8_t pfx[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	return q->kind == LB_Q_RDATA_IP && q->family == 6 && !memcmp(q->lo, pfx, 12) &&
	       !memcmp(q->hi, pfx, 12);
}

/* The --batch line reader: lines of at most BATCH_LINE_MAX bytes; a longer
 * one is read to its end and reported, not held. */
#define BATCH_LINE_MAX 8192

/* One batch line into the query it asks: the command line's filters and
 * options (base) with the line's lookup, and its types and bailiwick where
 * it names them.  0, or -1 with *msg (the line is reported, not run). */
static int batch_query(const lb_query_t *base, const lb_http_req_t *r, bool typed,
		       bool bailiwicked, lb_query_t *q, const char **msg)
{
	*q = *base;
	q->raw = NULL;
	q->kind = r->q.kind;
	q->match = r->q.match;
	memcpy(q->name, r->q.name, sizeof q->name);
	q->name_len = r->q.name_len;
	q->family = r->q.family;
	memcpy(q->lo, r->q.lo, sizeof q->lo);
	memcpy(q->hi, r->q.hi, sizeof q->hi);
	if (r->q.raw) {
		q->raw = malloc(r->q.raw_len ? r->q.raw_len : 1);
		if (!q->raw) {
			*msg = "out of memory";
			return -1;
		}
		memcpy(q->raw, r->q.raw, r->q.raw_len);
	}
	q->raw_len = r->q.raw_len;
	if (typed) {
		q->tmode = r->q.tmode;
		memcpy(q->types, r->q.types, sizeof q->types);
		q->ntypes = r->q.ntypes;
	}
	if (bailiwicked) {
		q->has_bailiwick = true;
		memcpy(q->bailiwick, r->q.bailiwick, sizeof q->bailiwick);
		q->bailiwick_len = r->q.bailiwick_len;
	}
	if (q->kind == LB_Q_RDATA_IP && !lb_query_ip_types_ok(q, true)) {
		*msg = "rdata/ip takes only the types A, AAAA or ANY (see -t)";
		return -1;
	}
	return 0;
}

/* The next line of in into buf (at most BATCH_LINE_MAX bytes kept, NUL
 * bytes counted in *len; without its "\n" or "\r\n"); a longer line is read
 * to its end and *too_long set.  False at the end of the input. */
static bool read_line(FILE *in, char *buf, size_t *len, bool *too_long)
{
	size_t n = 0;
	int ch = EOF;
	bool any = false;
	*too_long = false;
	while ((ch = getc_unlocked(in)) != EOF) {
		any = true;
		if (ch == '\n')
			break;
		if (n < BATCH_LINE_MAX)
			buf[n++] = (char)ch;
		else
			*too_long = true;
	}
	if (n && buf[n - 1] == '\r')
		n--;
	buf[n] = 0;
	*len = n;
	return any;
}

/* A "$OPTIONS ..." line (dnsdbq's): the options of the lines after it are
 * those in force (pre, qa_pre: as given, before -A/-B became fences; the
 * command line's until an $OPTIONS line changes them) changed by these: -A T,
 * -B T (each replacing the -A / -B in force), -c, -g, -G (aggregated), -l N,
 * -L N (as -l: one limit here), -O N (offset).  0 with *cur (the query the
 * lines take) and *pre, *qa_pre set, or -1 with *why (all kept). */
static int batch_options(const char *args, lb_query_t *pre, lb_qargs_t *qa_pre, lb_query_t *cur,
			 const char **why)
{
	char buf[BATCH_LINE_MAX + 1];
	snprintf(buf, sizeof buf, "%s", args);
	lb_query_t q = *pre;
	lb_qargs_t qa = *qa_pre;
	qa.q = &q;
	qa.prog = "lookback query: --batch $OPTIONS";
	/* the line's words as an argument vector, for getopt (glued forms
	 * too: -A1700000000, -cg, as dnsdbq's getopt takes them) */
	char *argv[BATCH_LINE_MAX / 2 + 2];
	int argc = 0;
	argv[argc++] = (char *)"$OPTIONS";
	char *save = NULL;
	for (char *t = strtok_r(buf, " \t", &save); t; t = strtok_r(NULL, " \t", &save))
		argv[argc++] = t;
	argv[argc] = NULL;
	bool seen_a = false, seen_b = false;
	int c;
	optind = 0; /* glibc: a full restart of getopt on this vector */
	opterr = 0;
	while ((c = getopt(argc, argv, "+:A:B:cgGl:L:O:")) != -1) {
		int r;
		switch (c) {
		case 'A':
			if (!seen_a)
				qa.has_after = false; /* replaces the -A in force */
			seen_a = true;
			r = lb_qargs_opt(&qa, 'A', optarg);
			break;
		case 'B':
			if (!seen_b)
				qa.has_before = false;
			seen_b = true;
			r = lb_qargs_opt(&qa, 'B', optarg);
			break;
		case 'c': r = lb_qargs_opt(&qa, 'c', NULL); break;
		case 'g': r = lb_qargs_opt(&qa, 'g', NULL); break;
		case 'G': q.unaggregated = false; r = 1; break;
		case 'l': case 'L': r = lb_qargs_opt(&qa, 'l', optarg); break;
		case 'O': r = lb_qargs_opt(&qa, LB_QOPT_OFFSET, optarg); break;
		case ':':
			*why = "$OPTIONS: an option without its value (-A T, -B T, -l N, -L N, -O N)";
			return -1;
		default:
			*why = "$OPTIONS takes -A T, -B T, -c, -g, -G, -l N, -L N, -O N";
			return -1;
		}
		if (r <= 0) {
			*why = "$OPTIONS: a bad value (see the message before)";
			return -1;
		}
	}
	if (optind < argc) {
		*why = "$OPTIONS takes -A T, -B T, -c, -g, -G, -l N, -L N, -O N";
		return -1;
	}
	lb_query_t in_force = q; /* before lb_qargs_finish makes -A/-B fences */
	lb_qargs_t qa_in_force = qa;
	if (lb_qargs_finish(&qa, LB_QARGS_AT_MOST_ONE_LOOKUP)) {
		*why = "$OPTIONS: options that do not go together (see the message before)";
		return -1;
	}
	*cur = q;
	*pre = in_force;
	*qa_pre = qa_in_force;
	return 0;
}

static void batch_progress(unsigned long long lines, unsigned long long hits, double t0, bool last)
{
	double dt = lb_cli_mono() - t0;
	fprintf(stderr, "\rquery --batch: %llu lines, %llu with results, %.0f lines/s%s", lines, hits,
		dt > 0 ? (double)lines / dt : 0.0, last ? "\n" : "   ");
}

/* --batch: each line's lookup with the command line's filters, framed as
 * dnsdbq -ff frames its answers.  Exit status as the command's. */
static int run_batch(lb_store_t *s, const char *db, const char *path, const lb_query_t *base,
		     const lb_query_t *pre, const lb_qargs_t *qa_pre, lb_out_t *out, uint64_t now,
		     int names)
{
	lb_query_t cur = *base; /* the command line's, or the last $OPTIONS line's */
	lb_query_t cur_pre = *pre; /* the same as given, before -A/-B became fences */
	lb_qargs_t cur_qa = *qa_pre;
	FILE *in = strcmp(path, "-") ? fopen(path, "r") : stdin;
	if (!in) {
		fprintf(stderr, "lookback query: --batch %s: %s\n", path, strerror(errno));
		return LB_EXIT_USAGE;
	}
	/* a kept line and its NUL; or, marked where it is cut (a NUL byte in
	 * it: up to its last kept byte), "..." and a NUL after that */
	char *line = malloc(BATCH_LINE_MAX + 3);
	if (!line) {
		if (in != stdin)
			fclose(in);
		fprintf(stderr, "lookback query: out of memory\n");
		return LB_EXIT_STORE;
	}
	bool csv = out->fmt == LB_FMT_CSV;
	bool progress = isatty(STDERR_FILENO) && !isatty(STDOUT_FILENO);
	unsigned long long lineno = 0, hits = 0, bad = 0;
	double t0 = lb_cli_mono(), tlast = t0;
	int rc = LB_EXIT_OK;
	bool store_err = false;
	size_t len;
	bool too_long;
	while (read_line(in, line, &len, &too_long)) {
		lineno++;
		/* blanks around the lookup are not part of it (nor of the markers) */
		size_t b = 0;
		while (b < len && (line[b] == ' ' || line[b] == '\t'))
			b++;
		while (len > b && (line[len - 1] == ' ' || line[len - 1] == '\t'))
			len--;
		memmove(line, line + b, len - b);
		len -= b;
		line[len] = 0;
		/* (one with a NUL byte is reported as such by lb_http_batch_line,
		 * not read as the options before it) */
		if (!too_long && len >= 8 && !memcmp(line, "$OPTIONS", 8) &&
		    (len == 8 || line[8] == ' ' || line[8] == '\t') && !memchr(line, 0, len)) {
			const char *why;
			if (len == 8 || !line[8 + strspn(line + 8, " \t")]) {
				/* alone: back to the command line's */
				cur = *base;
				cur_pre = *pre;
				cur_qa = *qa_pre;
			} else if (batch_options(line + 8, &cur_pre, &cur_qa, &cur, &why)) {
				bad++;
				fprintf(stderr, "lookback query: --batch %s line %llu: %s\n", path, lineno, why);
				if (!csv)
					fprintf(stdout, "++ %s\n-- ERROR (%s)\n", line, why);
			}
			continue;
		}
		lb_http_req_t r;
		bool typed, bailiwicked;
		const char *msg = "line too long";
		int st = too_long ? 400 : lb_http_batch_line(line, len, now, &r, &typed, &bailiwicked, &msg);
		if (st == 0)
			continue;
		/* what the markers show of a line that is not run */
		char *nul = memchr(line, 0, len);
		if (nul)
			strcpy(nul, "...");
		else if (too_long)
			strcpy(line + 64, "...");
		lb_query_t q;
		int e = -1;
		if (st == 200) {
			e = batch_query(&cur, &r, typed, bailiwicked, &q, &msg);
			lb_query_free(&r.q);
			if (!e && csv && q.kind == LB_Q_NEGATIVE) {
				/* one header for the whole batch: an rrset's columns */
				lb_query_free(&q);
				msg = "negative/ lines take -f text or cof (CSV has the rrsets' columns)";
				e = -1;
			}
			if (!e && names && (q.kind == LB_Q_NEGATIVE || q.unaggregated)) {
				lb_query_free(&q);
				msg = q.kind == LB_Q_NEGATIVE
					      ? "--names/--domains rows are of records: a negative/ line has none"
					      : "--names/--domains rows are aggregated: not with $OPTIONS -g";
				e = -1;
			}
		}
		if (e) {
			bad++;
			fprintf(stderr, "lookback query: --batch %s line %llu: %s\n", path, lineno, msg);
			if (!csv)
				fprintf(stdout, "++ %s\n-- ERROR (%s)\n", line, msg);
			continue;
		}
		if (csv)
			out->csv_query = line;
		else
			fprintf(stdout, "++ %s\n", line);
		lb_query_result_t res;
		out->n = 0; /* each answer is laid out as if alone */
		out->summary = false;
		int err = names ? lb_query_names_run(s, &q, (enum lb_names_mode)names, out, &res)
				: lb_query_run(s, &q, out, &res);
		lb_query_free(&q);
		if (err == LB_ELIMIT && (names || q.sort != LB_SORT_NONE)) {
			bad++;
			msg = names ? "too many rows to hold (to sort them, or a domain's names met "
				      "apart); narrow the lookup"
				    : "--sort: too many results to hold; narrow the lookup or give a --limit";
			fprintf(stderr, "lookback query: --batch %s line %llu: %s\n", path, lineno, msg);
			if (!csv)
				fprintf(stdout, "-- ERROR (%s)\n", msg);
			continue;
		}
		if (err) {
			fprintf(stderr, "lookback query: %s: %s\n", db, lb_store_errmsg(s, err));
			if (!csv)
				fprintf(stdout, "-- ERROR (store error)\n");
			store_err = true;
			break;
		}
		if (res.results)
			hits++;
		/* text and COF say it in the answer's "--" line; CSV has no
		 * frame: on stderr, as a lookup alone says it */
		if (csv && res.limited)
			fprintf(stderr, "lookback query: --batch %s line %llu: result limited to %llu; "
					"more exist\n", path, lineno, (unsigned long long)q.limit);
		if (csv && res.count_reached)
			fprintf(stderr, "lookback query: --batch %s line %llu: max count %llu reached; "
					"more records exist\n", path, lineno,
				(unsigned long long)q.max_count);
		if (!csv)
			fprintf(stdout, "-- NOERROR (%s)\n", !res.results ? "no results found for query."
							     : res.limited ? "Result limit reached"
							     : res.count_reached ? "max count reached"
							     : "no error");
		if (ferror(stdout))
			break;
		if (progress) {
			double t = lb_cli_mono();
			if (t - tlast >= 0.5) {
				tlast = t;
				batch_progress(lineno, hits, t0, false);
			}
		}
	}
	out->csv_query = NULL;
	if (progress)
		batch_progress(lineno, hits, t0, true);
	if (ferror(in)) {
		fprintf(stderr, "lookback query: --batch %s: read error\n", path);
		rc = LB_EXIT_USAGE;
	}
	if (in != stdin)
		fclose(in);
	free(line);
	fflush(stdout);
	if (store_err)
		return LB_EXIT_STORE;
	if (ferror(stdout)) {
		fprintf(stderr, "lookback query: error writing the output\n");
		return LB_EXIT_STORE;
	}
	if (rc != LB_EXIT_OK || bad)
		return LB_EXIT_USAGE;
	return hits ? LB_EXIT_OK : LB_EXIT_EMPTY;
}

int lb_cmd_query(int argc, char **argv)
{
	static const struct option lopts[] = {
		LB_QARGS_LONGOPTS,
		{ "db", required_argument, NULL, 'd' },
		{ "summarize", no_argument, NULL, 's' },
		{ "max-count", required_argument, NULL, 'M' },
		{ "format", required_argument, NULL, 'f' },
		{ "batch", required_argument, NULL, 'F' },
		{ "names", no_argument, NULL, 'N' },
		{ "domains", no_argument, NULL, 'D' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *batch = NULL;
	int names = 0; /* enum lb_names_mode, 0 = rrsets */
	lb_query_t q;
	lb_query_init(&q);
	lb_qargs_t qa;
	lb_qargs_init(&qa, &q, "lookback query", (uint64_t)time(NULL));
	const char *db = NULL;
	int rc = LB_EXIT_USAGE;
	enum lb_format fmt = LB_FMT_TEXT;
	lb_store_t *s = NULL;
	lb_out_t out = { 0 };
	int c;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":" LB_QARGS_SHORTOPTS "d:sM:f:h", lopts, NULL)) != -1) {
		int qr = lb_qargs_opt(&qa, c, optarg);
		if (qr < 0)
			goto out;
		if (qr > 0)
			continue;
		switch (c) {
		case 'd': db = optarg; break;
		case 'F': batch = optarg; break;
		case 'N': names = LB_NAMES_OWNER; break;
		case 'D': names = LB_NAMES_DOMAIN; break;
		case 's': q.summarize = true; break;
		case 'M': {
			char *e;
			errno = 0;
			unsigned long long v = strtoull(optarg, &e, 10);
			if (!*optarg || *e || errno || optarg[0] == '-' || v == 0) {
				fprintf(stderr, "lookback query: --max-count must be a positive "
						"integer, not '%s'\n", optarg);
				goto out;
			}
			q.max_count = v;
			break;
		}
		case 'f':
			if (!strcmp(optarg, "text"))
				fmt = LB_FMT_TEXT;
			else if (!strcmp(optarg, "cof") || !strcmp(optarg, "json") || !strcmp(optarg, "ndjson"))
				fmt = LB_FMT_COF;
			else if (!strcmp(optarg, "csv"))
				fmt = LB_FMT_CSV;
			else {
				fprintf(stderr, "lookback query: bad format '%s': use text, cof or csv\n",
					optarg);
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
			fprintf(stderr, "lookback query: unknown option, or one without its value: '%s' (try --help)\n",
				argv[optind - 1]);
			goto out;
		}
	}
	if (batch && (qa.lookups || q.has_bailiwick)) {
		fprintf(stderr, "lookback query: --batch reads its lookups from the file: give no "
				"lookup option%s\n", q.has_bailiwick ? " and no --bailiwick (it goes in "
				"the line: rrset/name/NAME/TYPE/BAILIWICK)" : "");
		goto out;
	}
	/* --batch: the options as given, for its $OPTIONS lines (no lookup:
	 * nothing malloc'd in it) */
	lb_query_t q_pre = q;
	lb_qargs_t qa_pre = qa;
	if (lb_qargs_end(&qa, batch ? LB_QARGS_AT_MOST_ONE_LOOKUP : LB_QARGS_ONE_LOOKUP, argc, argv,
			 optind, db))
		goto out;
	if (names && ((!batch && q.kind == LB_Q_NEGATIVE) || q.unaggregated)) {
		fprintf(stderr, "lookback query: --%s takes lookups of records (-r, -n, -i, "
				"--raw-rrset, --raw-rdata, or --batch; not --negative), without -g\n",
			names == LB_NAMES_DOMAIN ? "domains" : "names");
		goto out;
	}
	if (names && (q.sort == LB_SORT_TYPE || q.sort == LB_SORT_DATA)) {
		fprintf(stderr, "lookback query: --sort %s: a --%s row has %s (sort by first, last, "
				"duration, count or name)\n",
			q.sort == LB_SORT_TYPE ? "type" : "data",
			names == LB_NAMES_DOMAIN ? "domains" : "names",
			q.sort == LB_SORT_TYPE ? "many types" : "no rdata");
		goto out;
	}
	if (q.max_count && !q.summarize) {
		fprintf(stderr, "lookback query: --max-count bounds a summary: add --summarize\n");
		goto out;
	}
	/* COF: (rrname, rrtype, rdata) once per answer, merged across bailiwicks
	 * (-g rows are per run of days, and so not unique by design) */
	q.merge_bailiwicks = fmt == LB_FMT_COF;
	q_pre.merge_bailiwicks = q.merge_bailiwicks; /* and after an $OPTIONS line */
	if (lb_out_init(&out, stdout, fmt)) {
		fprintf(stderr, "lookback query: out of memory\n");
		rc = LB_EXIT_STORE;
		goto out;
	}
	lb_store_opts_t so = { .read_only = true, .cache_mb = LB_STORE_CACHE_MB_ONESHOT };
	int err = lb_store_open(db, &so, &s);
	if (err) {
		fprintf(stderr, "lookback query: %s: %s\n", db, lb_store_errmsg(s, err));
		rc = LB_EXIT_STORE;
		goto out;
	}
	if (batch) {
		rc = run_batch(s, db, batch, &q, &q_pre, &qa_pre, &out, qa.now, names);
		goto out;
	}
	lb_query_result_t res;
	err = names ? lb_query_names_run(s, &q, (enum lb_names_mode)names, &out, &res)
		    : lb_query_run(s, &q, &out, &res);
	fflush(stdout);
	if (err == LB_ELIMIT && names) {
		fprintf(stderr, "lookback query: --%s: more than %d rows or %llu MiB to hold (to "
				"sort them, or a domain's names met apart); narrow the lookup\n",
			names == LB_NAMES_DOMAIN ? "domains" : "names", LB_QUERY_SORT_MAX,
			(unsigned long long)(LB_QUERY_SORT_BYTES >> 20));
		rc = LB_EXIT_USAGE;
		goto out;
	}
	if (err == LB_ELIMIT && q.sort != LB_SORT_NONE) {
		fprintf(stderr, "lookback query: --sort: more than %d results or %llu MiB to hold; "
				"narrow the lookup or give a --limit (with --offset at most %d in all)\n",
			LB_QUERY_SORT_MAX, (unsigned long long)(LB_QUERY_SORT_BYTES >> 20),
			LB_QUERY_SORT_MAX);
		rc = LB_EXIT_USAGE;
		goto out;
	}
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
	if (res.count_reached)
		fprintf(stderr, "lookback query: max count %llu reached; more records exist\n",
			(unsigned long long)q.max_count);
	if (res.splits)
		fprintf(stderr, "lookback query: %llu time(s) one owner and type had more distinct "
				"rdata sets than a merge holds (%u): those were merged across "
				"bailiwicks in parts, and an rdata set may be listed more than once\n",
			(unsigned long long)res.splits, (unsigned)LB_QUERY_MERGE_MAX_SETS);
	if (!res.results && name_8bit(&q))
		fprintf(stderr, "lookback query: no results for the name's octets as given; an "
				"internationalized name is in the DNS as its A-label (xn--...): "
				"convert it first (idn2 NAME)\n");
	if (!res.results && v4_mapped(&q)) {
		char hi[24] = "";
		if (memcmp(q.lo + 12, q.hi + 12, 4))
			snprintf(hi, sizeof hi, "-%u.%u.%u.%u", q.hi[12], q.hi[13], q.hi[14], q.hi[15]);
		fprintf(stderr, "lookback query: no results for IPv4-mapped IPv6 addresses: an A "
				"record's address is kept as IPv4: ask for %u.%u.%u.%u%s instead\n",
			q.lo[12], q.lo[13], q.lo[14], q.lo[15], hi);
	}
	rc = res.results ? LB_EXIT_OK : LB_EXIT_EMPTY;
out:
	lb_out_free(&out);
	(void)lb_store_close(s);
	lb_query_free(&q);
	return rc;
}
