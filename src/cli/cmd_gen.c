/*
 * cmd_gen.c - `lookback gen`: write a realistic DNS capture (pcap).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cmds.h"
#include "gen/gen.h"

static void gen_usage(FILE *out)
{
	fprintf(out,
		"usage: lookback gen -o FILE -n PACKETS [OPTIONS]\n"
		"\n"
		"Write a pcap file (Ethernet) of realistic DNS traffic: queries and responses\n"
		"between resolvers, authoritative servers and clients, over IPv4/IPv6, UDP and\n"
		"TCP, with CNAME chains, NS+glue, MX, TXT, SRV, PTR, DNSSEC, NXDOMAIN, SERVFAIL.\n"
		"The same options and seed always give the same bytes.\n"
		"\n"
		"  -o, --output FILE    where to write ('-' = standard output)\n"
		"  -n, --packets N      number of packets (frames) to write\n"
		"      --seed N         random seed (default 1)\n"
		"      --tcp-share F    share of exchanges over TCP, 0..1 (default 0.05)\n"
		"      --ipv6-share F   share of exchanges over IPv6, 0..1 (default 0.25)\n"
		"      --names N        registered domains in the name pool (default 10000)\n"
		"      --zipf S         Zipf exponent of name popularity, 0..5 (default 1.0)\n"
		"      --start EPOCH    capture time of the first packet (default 1700000000)\n"
		"      --rate PPS       packets per second of capture time (default 20000)\n"
		"      --unique         every response carries names and addresses never seen before\n"
		"  -v, --verbose        print what was written (counters) on standard error\n"
		"  -q, --quiet          no progress line on a terminal\n"
		"  -h, --help           this text\n"
		"\n"
		"Exit status: 0 written, 2 usage error, 3 write error.\n");
}

static int parse_u64(const char *opt, const char *s, uint64_t max, uint64_t *out)
{
	char *end;
	errno = 0;
	if (!*s || *s == '-') goto bad;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || *end || v > max) goto bad;
	*out = v;
	return 0;
bad:
	fprintf(stderr, "lookback gen: %s: '%s' is not a whole number up to %" PRIu64 "\n", opt, s,
		max);
	return -1;
}

static int parse_double(const char *opt, const char *s, double *out)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (!*s || errno || *end || v != v) {
		fprintf(stderr, "lookback gen: %s: '%s' is not a number\n", opt, s);
		return -1;
	}
	*out = v;
	return 0;
}

/* A progress line on a terminal: at most once a second, and at the end. */
struct gen_progress {
	uint64_t total;
	double started; /* CLOCK_MONOTONIC seconds */
	time_t last;
};

static void gen_progress(void *ctx, uint64_t frames)
{
	struct gen_progress *g = ctx;
	time_t now = time(NULL);
	bool end = frames == g->total;
	if (!end && now == g->last)
		return;
	g->last = now;
	double el = lb_cli_mono() - g->started;
	fprintf(stderr, "\r%" PRIu64 " / %" PRIu64 " packets  %5.1f%%  %.0f pkt/s   %s", frames,
		g->total, g->total ? 100.0 * (double)frames / (double)g->total : 100.0,
		el > 0.05 ? (double)frames / el : 0.0, end ? "\n" : "");
	fflush(stderr);
}

int lb_cmd_gen(int argc, char **argv)
{
	enum { O_SEED = 256, O_TCP, O_V6, O_NAMES, O_ZIPF, O_START, O_RATE, O_UNIQUE };
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "packets", required_argument, NULL, 'n' },
		{ "seed", required_argument, NULL, O_SEED },
		{ "tcp-share", required_argument, NULL, O_TCP },
		{ "ipv6-share", required_argument, NULL, O_V6 },
		{ "names", required_argument, NULL, O_NAMES },
		{ "zipf", required_argument, NULL, O_ZIPF },
		{ "start", required_argument, NULL, O_START },
		{ "rate", required_argument, NULL, O_RATE },
		{ "unique", no_argument, NULL, O_UNIQUE },
		{ "verbose", no_argument, NULL, 'v' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	lb_gen_opts_t o;
	const char *out = NULL;
	bool have_n = false, verbose = false, quiet = false;
	uint64_t v;
	char errbuf[256];

	lb_gen_opts_default(&o);
	optind = 1;
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, ":o:n:vqh", longopts, NULL)) != -1) {
		switch (c) {
		case 'o': out = optarg; break;
		case 'n':
			if (parse_u64("--packets", optarg, UINT64_MAX / 2, &o.packets)) return LB_EXIT_USAGE;
			have_n = true;
			break;
		case O_SEED:
			if (parse_u64("--seed", optarg, UINT64_MAX, &o.seed)) return LB_EXIT_USAGE;
			break;
		case O_TCP:
			if (parse_double("--tcp-share", optarg, &o.tcp_share)) return LB_EXIT_USAGE;
			break;
		case O_V6:
			if (parse_double("--ipv6-share", optarg, &o.ipv6_share)) return LB_EXIT_USAGE;
			break;
		case O_NAMES:
			if (parse_u64("--names", optarg, UINT32_MAX, &v)) return LB_EXIT_USAGE;
			o.names = (uint32_t)v;
			break;
		case O_ZIPF:
			if (parse_double("--zipf", optarg, &o.zipf)) return LB_EXIT_USAGE;
			break;
		case O_START:
			if (parse_u64("--start", optarg, UINT64_MAX, &o.start)) return LB_EXIT_USAGE;
			break;
		case O_RATE:
			if (parse_double("--rate", optarg, &o.rate)) return LB_EXIT_USAGE;
			break;
		case O_UNIQUE: o.unique = true; break;
		case 'v': verbose = true; break;
		case 'q': quiet = true; break;
		case 'h': gen_usage(stdout); return LB_EXIT_OK;
		case ':':
			fprintf(stderr, "lookback gen: option '%s' needs a value\n", argv[optind - 1]);
			return LB_EXIT_USAGE;
		default:
			fprintf(stderr, "lookback gen: unknown option '%s' (try 'lookback gen --help')\n",
				argv[optind - 1]);
			return LB_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "lookback gen: unexpected argument '%s'\n", argv[optind]);
		return LB_EXIT_USAGE;
	}
	if (!out || !have_n) {
		fprintf(stderr, "lookback gen: -o FILE and -n PACKETS are required (try 'lookback gen --help')\n");
		return LB_EXIT_USAGE;
	}
	if (lb_gen_opts_check(&o, errbuf)) {
		fprintf(stderr, "lookback gen: %s\n", errbuf);
		return LB_EXIT_USAGE;
	}
	struct gen_progress gp = { .total = o.packets, .started = lb_cli_mono() };
	if (!quiet && isatty(STDERR_FILENO)) {
		o.progress = gen_progress;
		o.progress_ctx = &gp;
	}
	lb_gen_counts_t n;
	int rc = lb_gen_write_file(&o, out, &n, errbuf);
	if (rc) {
		fprintf(stderr, "lookback gen: %s\n", errbuf);
		return rc == LB_EINVAL ? LB_EXIT_USAGE : LB_EXIT_STORE;
	}
	if (verbose) {
		fprintf(stderr,
			"frames %" PRIu64 "\nbytes %" PRIu64 "\nqueries %" PRIu64 "\nresponses %" PRIu64
			"\nudp_msgs %" PRIu64 "\ntcp_msgs %" PRIu64 "\ntcp_conns %" PRIu64
			"\ntcp_split %" PRIu64 "\nipv6_frames %" PRIu64 "\nnxdomain %" PRIu64
			"\nservfail %" PRIu64 "\nnodata %" PRIu64 "\ncname_resp %" PRIu64
			"\ndnssec_resp %" PRIu64 "\nanswer_rrs %" PRIu64 "\nrrs %" PRIu64 "\n",
			n.frames, n.bytes, n.queries, n.responses, n.udp_msgs, n.tcp_msgs, n.tcp_conns,
			n.tcp_split, n.ipv6_frames, n.nxdomain, n.servfail, n.nodata, n.cname_resp,
			n.dnssec_resp, n.answer_rrs, n.rrs);
	}
	return LB_EXIT_OK;
}
