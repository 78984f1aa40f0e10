/*
 * cmd_tap.c - `lookback tap`: receive dnstap (Frame Streams) from files,
 * unix sockets or TCP, and turn resolver answers into observations.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cmds.h"
#include "cli/send_cli.h"
#include "cli/window_cli.h"
#include "observe/jsonl.h"
#include "observe/window.h"
#include "sources/dnstap.h"

static volatile sig_atomic_t stop_flag, hup_flag, stop_sig;

static void on_signal(int sig)
{
	if (sig == SIGHUP) {
		hup_flag = 1; /* write the window out now (see --help) */
	} else {
		stop_sig = sig;
		stop_flag = 1;
	}
}

/* A file that did not read as Frame Streams and gave no message: if it does
 * not begin as one (a control frame: 4 zero bytes), what it looks like
 * instead, and what to do; NULL when it begins as one (then it is broken). */
static const char *not_fstrm(int fd)
{
	uint8_t b[4];
	if (pread(fd, b, 4, 0) != 4)
		return NULL;
	static const struct { uint8_t m[4]; const char *what; } known[] = {
		{ { 0xd4, 0xc3, 0xb2, 0xa1 }, "a pcap capture: read it with lookback capture -r" },
		{ { 0xa1, 0xb2, 0xc3, 0xd4 }, "a pcap capture: read it with lookback capture -r" },
		{ { 0x4d, 0x3c, 0xb2, 0xa1 }, "a pcap capture: read it with lookback capture -r" },
		{ { 0xa1, 0xb2, 0x3c, 0x4d }, "a pcap capture: read it with lookback capture -r" },
		{ { 0x0a, 0x0d, 0x0d, 0x0a }, "a pcapng capture: read it with lookback capture -r" },
		{ { 0x1f, 0x8b, 0, 0 }, "gzip-compressed, and not Frame Streams once decompressed" },
		{ { 0x28, 0xb5, 0x2f, 0xfd }, "zstd-compressed, and not Frame Streams once decompressed" },
		{ { 0xfd, 0x37, 0x7a, 0x58 }, "xz-compressed, and not Frame Streams once decompressed" },
	};
	if (!b[0] && !b[1] && !b[2] && !b[3])
		return NULL;
	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
		if (!memcmp(b, known[i].m, known[i].m[2] || known[i].m[3] ? 4 : 2))
			return known[i].what;
	return "a Frame Streams file (as fstrm_capture writes it) begins with a control frame: "
	       "4 zero bytes";
}

static void help(FILE *out)
{
	fprintf(out,
		"usage: lookback tap (-r FILE [FILE...] | -u SOCKET | -l ADDR:PORT)... [options]\n"
		"\n"
		"Receive dnstap over Frame Streams and turn DNS responses into observations:\n"
		"RESOLVER/AUTH/FORWARDER_RESPONSE messages with their query_zone as bailiwick\n"
		"(RRsets outside it are dropped); CLIENT_RESPONSE, other responses and those\n"
		"without a query_zone (knotd's AUTH_RESPONSE) as answer-section RRsets with\n"
		"bailiwick unknown.  Queries are only counted.\n"
		"\n"
		"input:\n"
		"  -r, --read FILE       read a dnstap file ('-' = stdin; plain or gzip, zstd or\n"
		"                        xz compressed); repeat -r or list more\n"
		"                        files after it (rotated files): read in the order given\n"
		"  -u, --unix PATH       listen on a unix socket (bidirectional Frame Streams)\n"
		"  -l, --listen ADDR:PORT  listen on TCP ('[::1]:6000' for IPv6)\n"
		"      --max-frame N     largest data frame accepted, bytes (default 262144);\n"
		"                        larger frames are skipped and counted\n"
		"      --max-clients N   concurrent socket clients (default 256); each holds at\n"
		"                        most one frame: memory up to N x --max-frame; when all\n"
		"                        are taken, a new client replaces the one quiet the\n"
		"                        longest if quiet --handshake-secs or more\n"
		"      --handshake-secs N  close a socket client that has not started its\n"
		"                        stream (READY/START) within N seconds (default 10)\n"
		"output:\n"
		"      --jsonl           one JSON object per RRset / negative answer on stdout\n"
		"      --db DIR          aggregate observations into the store in DIR\n"
		"      --sensor NAME     sensor id recorded with each observation\n"
		"                        (default with --db or --send: the host name)\n"
		"      --stats           print counters at the end: on stdout, or stderr with --jsonl\n"
		LB_WIN_HELP
		LB_SEND_HELP
		"  -q, --quiet           no progress line on a terminal (-r)\n"
		"  -h, --help            this text\n"
		"\n"
		"Sockets (and -r from a pipe) run until SIGINT or SIGTERM; SIGHUP writes the\n"
		"aggregation window out at once.\n"
		"exit status: 0 done, 2 usage or input error (unreadable or broken file, socket\n"
		"cannot be opened), 3 store or I/O error; -r stopped by SIGINT/SIGTERM before\n"
		"the end of its input: 130/143 (what was read is stored; sockets: 0).\n");
}

static void sink_rrset(void *ctx, const lb_obs_rrset_t *o)
{
	(void)ctx;
	lb_jsonl_rrset(stdout, o, -1);
}

static void sink_neg(void *ctx, const lb_obs_neg_t *o)
{
	(void)ctx;
	lb_jsonl_negative(stdout, o, -1);
}

/* Both outputs at once: JSON lines and the store. */
struct tee {
	lb_obs_sink_t a, b;
};

static void tee_rrset(void *ctx, const lb_obs_rrset_t *o)
{
	struct tee *t = ctx;
	if (t->a.rrset)
		t->a.rrset(t->a.ctx, o);
	if (t->b.rrset)
		t->b.rrset(t->b.ctx, o);
}

static void tee_neg(void *ctx, const lb_obs_neg_t *o)
{
	struct tee *t = ctx;
	if (t->a.negative)
		t->a.negative(t->a.ctx, o);
	if (t->b.negative)
		t->b.negative(t->b.ctx, o);
}

struct batch_ctx {
	lb_ingest_t *ing;
	int err;
	bool flush_stdout; /* sockets: JSON lines leave at once */
	bool tick;         /* sockets and pipes: tick the window, answer SIGHUP */
	/* -r on a terminal: a progress line at most once a second */
	bool progress;
	uint64_t size;     /* the file's size, 0 if not known (a pipe) */
	double started;    /* lb_cli_mono() when it began */
	time_t last;
	const lb_tap_stats_t *ts;
	const lb_stats_t *ds;
};

static void show_progress(struct batch_ctx *b, bool final)
{
	time_t now = time(NULL);
	if (!final && now == b->last)
		return;
	b->last = now;
	double el = lb_cli_mono() - b->started, mib = (double)b->ts->bytes / 1048576.0;
	if (b->size)
		fprintf(stderr, "\r%.1f / %.1f MiB  %5.1f%%", mib, (double)b->size / 1048576.0,
			100.0 * (double)b->ts->bytes / (double)b->size);
	else
		fprintf(stderr, "\r%.1f MiB", mib);
	fprintf(stderr, "  %llu messages, %llu responses, %llu rrsets, %.0f msg/s   %s",
		(unsigned long long)b->ts->messages, (unsigned long long)b->ts->responses,
		(unsigned long long)b->ds->rrsets, el > 0.05 ? (double)b->ts->messages / el : 0.0,
		final ? "\n" : "");
	fflush(stderr);
}

/* After each read or quiet interval: the window's clock moves on (a quiet
 * resolver's observations still reach the store after --flush-secs), and
 * SIGHUP writes the window out. */
static void after_batch(void *vctx)
{
	struct batch_ctx *b = vctx;
	if (b->flush_stdout)
		fflush(stdout);
	if (b->progress)
		show_progress(b, false);
	if (!b->tick || !b->ing || b->err)
		return;
	int e;
	if (hup_flag) {
		hup_flag = 0;
		e = lb_window_flush(lb_ingest_window(b->ing));
	} else {
		e = lb_window_tick(lb_ingest_window(b->ing), (uint64_t)time(NULL));
	}
	if (e) {
		b->err = e;
		stop_flag = 1; /* the error is reported when the store closes */
	}
}

static int parse_size(const char *s, size_t lo, size_t hi, size_t *out)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 10);
	if (end == s || *end || v < lo || v > hi)
		return -1;
	*out = (size_t)v;
	return 0;
}

static int tap(int argc, char **argv, const char **files);

int lb_cmd_tap(int argc, char **argv)
{
	return lb_cli_with_files("tap", argc, argv, tap);
}

static int tap(int argc, char **argv, const char **files)
{
	enum { O_JSONL = 256, O_STATS, O_SENSOR, O_DB, O_MAXFRAME, O_MAXCLIENTS, O_HANDSHAKE };
	static const struct option lopts[] = {
		{ "read", required_argument, NULL, 'r' },
		{ "unix", required_argument, NULL, 'u' },
		{ "listen", required_argument, NULL, 'l' },
		{ "jsonl", no_argument, NULL, O_JSONL },
		{ "stats", no_argument, NULL, O_STATS },
		{ "sensor", required_argument, NULL, O_SENSOR },
		{ "db", required_argument, NULL, O_DB },
		{ "max-frame", required_argument, NULL, O_MAXFRAME },
		{ "max-clients", required_argument, NULL, O_MAXCLIENTS },
		{ "handshake-secs", required_argument, NULL, O_HANDSHAKE },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		LB_SEND_LONGOPTS,
		LB_WIN_LONGOPTS,
		{ 0, 0, 0, 0 },
	};
	lb_send_cli_t send = { 0 };
	lb_win_cli_t win;
	lb_win_cli_init(&win);
	const char *file = NULL, *upath = NULL, *laddr = NULL, *sensor = NULL, *db = NULL;
	int nfiles = 0, nstdin = 0;
	int jsonl = 0, stats = 0, quiet = 0;
	size_t max_frame = LB_FSTRM_DATA_MAX_DEFAULT, max_clients = 256, handshake = 10;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "r:u:l:qh", lopts, NULL)) != -1) {
		switch (c) {
		case 'r': case 'u': case 'l':
			if ((c == 'u' && upath) || (c == 'l' && laddr)) {
				fprintf(stderr, "lookback tap: -%c given twice (one unix socket, one "
						"TCP address)\n", c);
				return LB_EXIT_USAGE;
			}
			if (c == 'r')
				file = files[nfiles++] = optarg;
			else if (c == 'u')
				upath = optarg;
			else
				laddr = optarg;
			break;
		case O_JSONL: jsonl = 1; break;
		case O_STATS: stats = 1; break;
		case O_SENSOR:
			if (lb_win_cli_sensor("tap", "--sensor", optarg))
				return LB_EXIT_USAGE;
			sensor = optarg;
			break;
		case O_DB: db = optarg; break;
		case O_MAXFRAME:
			if (parse_size(optarg, 1024, LB_FSTRM_DATA_MAX_LIMIT, &max_frame) != 0) {
				fprintf(stderr, "lookback tap: --max-frame must be 1024..%d\n",
					LB_FSTRM_DATA_MAX_LIMIT);
				return LB_EXIT_USAGE;
			}
			break;
		case O_MAXCLIENTS:
			if (parse_size(optarg, 1, 65536, &max_clients) != 0) {
				fprintf(stderr, "lookback tap: --max-clients must be 1..65536\n");
				return LB_EXIT_USAGE;
			}
			break;
		case O_HANDSHAKE:
			if (parse_size(optarg, 1, 86400, &handshake) != 0) {
				fprintf(stderr, "lookback tap: --handshake-secs must be 1..86400\n");
				return LB_EXIT_USAGE;
			}
			break;
		case 'q': quiet = 1; break;
		case 'h': help(stdout); return LB_EXIT_OK;
		default: {
			int r = lb_send_cli_opt(&send, "tap", c, optarg);
			if (r == 0)
				r = lb_win_cli_opt(&win, "tap", c, optarg);
			switch (r) {
			case 1: break;
			case -1: return LB_EXIT_USAGE;
			default: help(stderr); return LB_EXIT_USAGE;
			}
		}
		}
	}
	if (lb_cli_files_end("tap", "dnstap", argc, argv, optind, files, &nfiles, &nstdin))
		return LB_EXIT_USAGE;
	if (!file && !upath && !laddr) {
		fprintf(stderr, "lookback tap: give -r FILE, -u SOCKET or -l ADDR:PORT (see --help)\n");
		return LB_EXIT_USAGE;
	}
	if (file && (upath || laddr)) {
		fprintf(stderr, "lookback tap: -r cannot be combined with sockets\n");
		return LB_EXIT_USAGE;
	}
	if (!jsonl && !stats && !db && !send.addr) {
		fprintf(stderr, "lookback tap: nothing to do: add --jsonl, --db, --send and/or --stats\n");
		return LB_EXIT_USAGE;
	}
	if (lb_win_cli_check(&win, "tap", db, send.addr) != 0 ||
	    lb_send_cli_check(&send, "tap") != 0)
		return LB_EXIT_USAGE;
	if (win.compact && !file) {
		fprintf(stderr, "lookback tap: --compact is for files (-r): a socket's input does not "
				"end; a store being served compacts itself (or: lookback stats --compact)\n");
		return LB_EXIT_USAGE;
	}

	static char host[256];
	if ((db || send.addr) && !sensor && gethostname(host, sizeof host - 1) == 0 && host[0])
		sensor = host; /* as capture: every stored observation names its source */

	int rc = LB_EXIT_OK, fd = -1;
	char errbuf[256] = "";
	lb_stats_t dstats;
	lb_tap_stats_t tstats;
	memset(&dstats, 0, sizeof dstats);
	memset(&tstats, 0, sizeof tstats);
	struct batch_ctx bctx = { 0 };
	lb_dnstap_t *d = NULL;
	lb_tap_server_t *srv = NULL;
	static char outbuf[1 << 20];
	setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);

	struct tee tee = { { 0 }, { 0 } };
	if (jsonl)
		tee.a = (lb_obs_sink_t){ .rrset = sink_rrset, .negative = sink_neg, .ctx = NULL };
	/* a typo in a file name is a usage error, before any store is made */
	if (file && lb_cli_check_inputs("tap", files, nfiles) != 0) {
		rc = LB_EXIT_USAGE;
		goto out;
	}
	if (db) {
		if (lb_win_cli_open(&win, "tap", db, sensor, &bctx.ing) != 0) {
			rc = LB_EXIT_STORE;
			goto out;
		}
		tee.b = lb_ingest_sink(bctx.ing);
	} else if (send.addr) {
		int se = lb_send_cli_open(&send, "tap", sensor, &win.wopts, &bctx.ing);
		if (se != 0) {
			rc = lb_send_cli_exit(se);
			goto out;
		}
		tee.b = lb_ingest_sink(bctx.ing);
	}
	lb_obs_sink_t sink = { .rrset = tee_rrset, .negative = tee_neg, .ctx = &tee };
	if (!jsonl && !db && !send.addr)
		sink = (lb_obs_sink_t){ 0 };
	d = lb_dnstap_new(&sink, sensor, &dstats, &tstats);
	if (!d) {
		fprintf(stderr, "lookback tap: out of memory\n");
		rc = LB_EXIT_STORE;
		goto out;
	}

	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal; /* no SA_RESTART: blocking calls return EINTR */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	/* the progress line's total: every file's size (unknown with stdin) */
	for (int i = 0; i < nfiles; i++) {
		struct stat sb;
		if (nstdin || stat(files[i], &sb) != 0 || !S_ISREG(sb.st_mode)) {
			bctx.size = 0;
			break;
		}
		bctx.size += (uint64_t)sb.st_size;
	}
	bctx.progress = file && !quiet && isatty(STDERR_FILENO) && !(jsonl && isatty(STDOUT_FILENO));
	bctx.started = lb_cli_mono();
	/* several files: one after the other, in the order given, each said
	 * when it cannot be read or is broken and the rest read */
	for (int fi = 0; fi < nfiles && !stop_flag; fi++) {
		file = files[fi];
		if (fd > STDIN_FILENO)
			close(fd);
		fd = strcmp(file, "-") ? open(file, O_RDONLY | O_CLOEXEC) : STDIN_FILENO;
		if (fd < 0) {
			fprintf(stderr, "lookback tap: cannot open %s: %s\n", file, strerror(errno));
			if (rc < LB_EXIT_USAGE)
				rc = LB_EXIT_USAGE;
			continue;
		}
		/* a regular file is read straight through; a pipe may go quiet */
		struct stat sb;
		bool is_file = fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode);
		uint64_t before = tstats.messages;
		bctx.tick = !is_file;
		bctx.ts = &tstats;
		bctx.ds = &dstats;
		int e = lb_dnstap_read_fd_idle(d, fd, max_frame, &stop_flag,
					       (bctx.ing && bctx.tick) || bctx.progress ? after_batch : NULL,
					       &bctx);
		if (bctx.progress && fi + 1 == nfiles)
			show_progress(&bctx, true);
		const char *other = e && e != LB_ECORRUPT && tstats.messages == before && is_file
				    ? not_fstrm(fd) : NULL;
		/* with several files, the worst of their outcomes (3 over 2) */
		int frc = LB_EXIT_OK;
		if (other) {
			fprintf(stderr, "lookback tap: %s: not dnstap: %s\n", file, other);
			frc = LB_EXIT_USAGE;
		} else if (e == LB_ECORRUPT) {
			fprintf(stderr, "lookback tap: %s: the compressed input is corrupt, cut short, or "
					"needs more memory to decompress than allowed (xz 256 MiB, zstd "
					"128 MiB); %llu messages read\n",
				file, (unsigned long long)(tstats.messages - before));
			frc = LB_EXIT_STORE;
		} else if (e == LB_ETRUNC || e == LB_ERDATA || e == LB_ELIMIT) {
			fprintf(stderr, "lookback tap: %s: broken Frame Streams data (%s); %llu messages read\n",
				file, lb_strerror(e), (unsigned long long)(tstats.messages - before));
			frc = LB_EXIT_USAGE;
		} else if (e) {
			fprintf(stderr, "lookback tap: %s: %s\n", file, lb_strerror(e));
			/* a directory (or the like) given as the file is an input error */
			frc = e == -EISDIR || e == -EINVAL ? LB_EXIT_USAGE : LB_EXIT_STORE;
		} else if (stop_sig) {
			/* a file not read to its end is not done (sockets: the normal end) */
			fprintf(stderr, "lookback tap: %s: interrupted (signal %d) after %llu messages: what "
					"was read is kept\n", file, (int)stop_sig,
				(unsigned long long)tstats.messages);
			rc = 128 + (int)stop_sig;
		}
		if (frc > rc)
			rc = frc;
	}
	if (!file) {
		lb_tap_server_opts_t so = { .unix_path = upath, .tcp_addr = laddr,
					    .data_max = max_frame, .max_clients = (unsigned)max_clients,
					    .handshake_secs = (unsigned)handshake };
		int e = lb_tap_server_new(&so, d, &srv, errbuf);
		if (e) {
			fprintf(stderr, "lookback tap: %s\n", errbuf);
			rc = LB_EXIT_USAGE;
			goto out;
		}
		if (laddr)
			fprintf(stderr, "lookback tap: listening on tcp port %d\n",
				lb_tap_server_tcp_port(srv));
		bctx.flush_stdout = true;
		bctx.tick = true;
		e = lb_tap_server_run(srv, &stop_flag, after_batch, &bctx);
		if (e) {
			fprintf(stderr, "lookback tap: %s\n", lb_strerror(e));
			rc = LB_EXIT_STORE;
		}
	}
out:
	fflush(stdout);
	lb_tap_server_free(srv);
	/* --compact: the files were read to their end (one that was not
	 * dnstap skipped; not after a signal or a store or read error) */
	if ((rc == LB_EXIT_OK || rc == LB_EXIT_USAGE) && !stop_flag && !bctx.err &&
	    lb_win_cli_compact(&win, "tap", db, bctx.ing, bctx.progress) != 0)
		rc = LB_EXIT_STORE;
	if (bctx.ing) {
		char m[600];
		int e = lb_ingest_finish(bctx.ing, bctx.err, m, sizeof m);
		if (e) {
			fprintf(stderr, "lookback tap: store: %s\n", m);
			rc = LB_EXIT_STORE;
		}
	}
	if (lb_send_cli_close(&send, "tap", &stop_flag, stats, jsonl ? stderr : stdout))
		rc = LB_EXIT_STORE;
	if (stats && d) {
		FILE *so = jsonl ? stderr : stdout;
		lb_tap_stats_print(&tstats, so);
		lb_stats_print(&dstats, so);
	}
	rc = lb_cli_out_rc("tap", rc);
	lb_dnstap_free(d);
	if (fd > STDIN_FILENO)
		close(fd);
	return rc;
}
