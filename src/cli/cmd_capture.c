/*
 * cmd_capture.c - `lookback capture`: decode DNS from capture files or live
 * interfaces into observations (JSON lines, counters, or a store).
 */
#include <getopt.h>
#include <pthread.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

#include "capture/decode.h"
#include "capture/pcap.h"
#include "cli/cmds.h"
#include "cli/send_cli.h"
#include "cli/window_cli.h"
#include "observe/bailiwick.h"
#include "observe/jsonl.h"
#include "observe/proc.h"
#include "observe/referral.h"
#include "observe/window.h"
#include "http/expo.h"

static volatile sig_atomic_t stop_flag;

static volatile sig_atomic_t hup_flag, stop_sig;

static void on_signal(int sig)
{
	if (sig == SIGHUP) {
		hup_flag = 1; /* write the window to the store now (see --help) */
	} else {
		stop_sig = sig;
		stop_flag = 1;
	}
}

/* SIGHUP: flush the aggregation window (checked between packets and when idle). */
static void check_hup(lb_ingest_t *ing)
{
	if (!hup_flag)
		return;
	hup_flag = 0;
	if (ing && lb_window_flush(lb_ingest_window(ing)) != 0)
		stop_flag = 1; /* the error is sticky and reported when the store closes */
}

static void help(FILE *out)
{
	fprintf(out,
		"usage: lookback capture (-r FILE [FILE...] | -i IFACE) [options]\n"
		"\n"
		"Decode DNS responses from capture files (pcap or pcapng; '-' reads stdin)\n"
		"or a live interface, and turn every RRset into an observation.\n"
		"\n"
		"input:\n"
		"  -r, --read FILE       read a capture file ('-' = stdin): pcap or pcapng, may\n"
		"                        be gzip, zstd or xz compressed; repeat -r or list\n"
		"                        more files after it: they are read as one capture, in\n"
		"                        the time order of their first frames (the order given\n"
		"                        when '-' or a pipe is one of them); rotated files:\n"
		"                        TCP streams and IP fragments continue from one\n"
		"                        file into the next, frame numbers go on counting,\n"
		"                        a pcapng file's first simple packets (no time)\n"
		"                        take the previous file's last time\n"
		"  -i, --interface IF    capture live from IF (needs CAP_NET_RAW)\n"
		"  -f, --filter BPF      BPF filter applied by libpcap (e.g. 'port 53')\n"
		"  -p, --ports LIST      DNS ports, comma separated (default 53)\n"
		"      --mdns            also decode mDNS (port 5353)\n"
		"      --llmnr           also decode LLMNR (port 5355)\n"
		"      --no-port-guess   UDP on the DNS ports only; by default a datagram on no\n"
		"                        DNS or tunnel port (nor NetBIOS 137/138, 5353, 5355)\n"
		"                        that is one whole DNS response to one IN question is\n"
		"                        read too (counted as udp_port_guess)\n"
		"      --snaplen N       live capture snap length (default 65535)\n"
		"      --no-promisc      do not put the interface in promiscuous mode\n"
		"      --max-tunnel-depth N  nested tunnels decoded (default 4)\n"
		"      --user NAME       after opening the input, drop to this user's uid, gid\n"
		"                        and groups (refuses to run if that fails); with --db,\n"
		"                        DIR must be writable by that user\n"
		"bailiwick (for a capture of a resolver's upstream traffic):\n"
		"      --bailiwick       reconstruct each response's bailiwick from the referrals\n"
		"                        seen (zone -> server addresses, seeded from root hints);\n"
		"                        RRsets outside it are dropped and counted; responses\n"
		"                        from servers not known keep the answer section only,\n"
		"                        bailiwick unknown (counted as bailiwick_unknown)\n"
		"      --root-hints FILE root hints (default " LB_REFERRAL_HINTS_DEFAULT ");\n"
		"                        implies --bailiwick\n"
		"output:\n"
		"      --db DIR          keep the history in the store at DIR (created if missing);\n"
		"                        without a bailiwick only answer-section RRsets are kept\n"
		"      --jsonl           one JSON object per RRset / negative answer on stdout\n"
		"      --frame-numbers   add \"frame\" (capture frame number) to each object\n"
		"      --sensor NAME     sensor id recorded with each observation\n"
		"                        (default with --db or --send: the host name)\n"
		"      --metrics HOST:PORT  serve Prometheus counters (packets, drops by reason,\n"
		"                        libpcap's own drops) at http://HOST:PORT/metrics;\n"
		"                        loopback addresses only\n"
		"      --stats           print counters (packets, messages, RRsets, drops by\n"
		"                        reason) at the end: on stdout, or stderr with --jsonl\n"
		LB_WIN_HELP
		LB_SEND_HELP
		"  -q, --quiet           no progress line on a terminal\n"
		"  -h, --help            this text\n"
		"\n"
		"exit status: 0 done, 2 usage or input error (unreadable file, bad filter;\n"
		"every file is checked before any is read), 3 store or I/O error (a damaged\n"
		"file: what it held before the damage is kept, and the files after it are\n"
		"still read); -r stopped by SIGINT/SIGTERM before the end of its input:\n"
		"130/143 (what was read is stored; -i ends on them with 0).\n");
}

/* What --metrics serves: a copy the capture thread refreshes (every 4096
 * messages and when idle), read by the exporter's thread under the lock. */
struct metrics_snap {
	pthread_mutex_t lock;
	lb_stats_t st;
	uint64_t pcap_recv, pcap_drop, pcap_ifdrop;
	lb_pcap_t *pc;
};

static void metrics_render(void *vctx, FILE *out)
{
	struct metrics_snap *m = vctx;
	pthread_mutex_lock(&m->lock);
	lb_stats_t st = m->st;
	uint64_t r = m->pcap_recv, d = m->pcap_drop, i = m->pcap_ifdrop;
	pthread_mutex_unlock(&m->lock);
	lb_expo_stats(out, "lookback_capture", &st);
	fprintf(out, "# HELP lookback_capture_pcap_received_total packets libpcap received\n"
		     "# TYPE lookback_capture_pcap_received_total counter\n"
		     "lookback_capture_pcap_received_total %llu\n"
		     "# HELP lookback_capture_pcap_dropped_total packets dropped by the kernel buffer\n"
		     "# TYPE lookback_capture_pcap_dropped_total counter\n"
		     "lookback_capture_pcap_dropped_total %llu\n"
		     "# HELP lookback_capture_pcap_ifdropped_total packets dropped by the interface\n"
		     "# TYPE lookback_capture_pcap_ifdropped_total counter\n"
		     "lookback_capture_pcap_ifdropped_total %llu\n",
		(unsigned long long)r, (unsigned long long)d, (unsigned long long)i);
}

static void metrics_update(struct metrics_snap *m, const lb_stats_t *st)
{
	uint64_t r = 0, d = 0, i = 0;
	if (m->pc)
		lb_pcap_kernel_stats(m->pc, &r, &d, &i);
	pthread_mutex_lock(&m->lock);
	m->st = *st;
	m->pcap_recv = r;
	m->pcap_drop = d;
	m->pcap_ifdrop = i;
	pthread_mutex_unlock(&m->lock);
}

struct cap_ctx {
	struct metrics_snap *metrics; /* --metrics, else NULL */
	lb_obs_sink_t db;     /* the store's sink when --db, else callbacks NULL */
	lb_ingest_t *ing;     /* for idle window ticks on live captures */
	lb_decoder_t *dec;
	lb_pcap_t *pc;        /* frame numbers */
	uint64_t frame_base;  /* frames of the files read before pc's */
	int nfiles, file_i;   /* -r: how many files, which one is read (from 0) */
	lb_proc_t *proc;
	lb_stats_t *st;
	lb_referral_t *ref;   /* --bailiwick */
	int jsonl;
	int frames;
	int progress;
	time_t last_progress;
	double started; /* CLOCK_MONOTONIC seconds (lb_cli_mono) */
};

static struct cap_ctx *g_ctx; /* for the sink callbacks (frame numbers) */

static long cur_frame(void)
{
	if (!g_ctx->frames)
		return -1;
	return g_ctx->pc ? (long)(g_ctx->frame_base + lb_pcap_frame(g_ctx->pc))
			 : (long)g_ctx->st->packets;
}

static void sink_rrset(void *ctx, const lb_obs_rrset_t *o)
{
	struct cap_ctx *c = ctx;
	if (c->jsonl)
		lb_jsonl_rrset(stdout, o, cur_frame());
	if (c->db.rrset)
		c->db.rrset(c->db.ctx, o);
}

static void sink_neg(void *ctx, const lb_obs_neg_t *o)
{
	struct cap_ctx *c = ctx;
	if (c->jsonl)
		lb_jsonl_negative(stdout, o, cur_frame());
	if (c->db.negative)
		c->db.negative(c->db.ctx, o);
}

static void on_idle(void *vctx)
{
	struct cap_ctx *c = vctx;
	check_hup(c->ing);
	if (c->metrics)
		metrics_update(c->metrics, c->st);
	/* errors are sticky in the window and reported when it is closed */
	if (c->ing && lb_window_tick(lb_ingest_window(c->ing), (uint64_t)time(NULL)) != 0)
		stop_flag = 1;
}

static void show_progress(struct cap_ctx *c, int final)
{
	time_t now = time(NULL);
	if (!final && now == c->last_progress)
		return;
	c->last_progress = now;
	double el = lb_cli_mono() - c->started;
	char fi[48] = "";
	if (c->nfiles > 1)
		snprintf(fi, sizeof fi, "file %d/%d, ", c->file_i + 1, c->nfiles);
	fprintf(stderr, "\r%s%llu packets, %llu responses, %llu rrsets%s%.0f pkt/s   %s", fi,
		(unsigned long long)c->st->packets, (unsigned long long)c->st->dns_responses,
		(unsigned long long)c->st->rrsets, ", ",
		el > 0.001 ? (double)c->st->packets / el : 0.0, final ? "\n" : "");
}

static void on_payload(void *vctx, const lb_payload_t *p)
{
	struct cap_ctx *c = vctx;
	if (p->proto == 6) { /* a zone transfer's messages share their connection */
		lb_obs_flow_t f = { .ipver = p->ipver, .sport = p->sport, .dport = p->dport };
		memcpy(f.src, p->src, sizeof f.src);
		memcpy(f.dst, p->dst, sizeof f.dst);
		lb_proc_set_flow(c->proc, &f);
	} else {
		lb_proc_set_flow(c->proc, NULL);
	}
	lb_proc_set_mdns(c->proc, p->sport == 5353 && p->dport == 5353 ? LB_MDNS_PEERS
				  : p->sport == 5353 || p->dport == 5353 ? LB_MDNS_LEGACY
									 : LB_MDNS_OFF);
	if (c->ref) {
		uint64_t now = p->ts.tv_sec > 0 ? (uint64_t)p->ts.tv_sec : 0;
		const uint8_t *bw = lb_referral_bailiwick(c->ref, p->data, p->len, p->ipver, p->src, now);
		if (lb_proc_message_cut(c->proc, p->data, p->len, &p->ts, bw, p->cut) == 0)
			lb_referral_learn(c->ref, lb_proc_last(c->proc), bw, now);
	} else {
		(void)lb_proc_message_cut(c->proc, p->data, p->len, &p->ts, NULL, p->cut);
	}
	if (c->progress && (c->st->dns_messages & 0xffff) == 0)
		show_progress(c, 0);
	if (c->metrics && (c->st->dns_messages & 0xfff) == 0)
		metrics_update(c->metrics, c->st);
	if (LB_UNLIKELY(hup_flag))
		check_hup(c->ing);
}

/* After --user: can this process write the store directory dir (or, when it does
 * not exist yet, create it in its parent)? */
static bool writable_dir(const char *dir)
{
	if (access(dir, F_OK) == 0)
		return access(dir, W_OK | X_OK) == 0;
	char parent[4096];
	snprintf(parent, sizeof parent, "%s", dir);
	char *slash = strrchr(parent, '/');
	while (slash && slash > parent && slash[1] == 0) { /* trailing slashes */
		*slash = 0;
		slash = strrchr(parent, '/');
	}
	if (!slash)
		return access(".", W_OK | X_OK) == 0;
	if (slash == parent)
		slash[1] = 0;
	else
		*slash = 0;
	return access(parent, W_OK | X_OK) == 0;
}

/* setgroups/setgid/setuid to user; then make sure root cannot be regained. */
static int drop_privileges(const char *user)
{
	errno = 0;
	struct passwd *pw = getpwnam(user);
	if (!pw) {
		fprintf(stderr, "lookback capture: --user %s: %s\n", user,
			errno ? strerror(errno) : "no such user");
		return -1;
	}
	uid_t uid = pw->pw_uid;
	gid_t gid = pw->pw_gid;
	if (setgroups(1, &gid) != 0 || setgid(gid) != 0 || setuid(uid) != 0) {
		fprintf(stderr, "lookback capture: --user %s: cannot drop privileges: %s\n", user,
			strerror(errno));
		return -1;
	}
	if (uid != 0 && (setuid(0) == 0 || geteuid() == 0 || getegid() != gid)) {
		fprintf(stderr, "lookback capture: --user %s: privileges still held after dropping\n", user);
		return -1;
	}
	return 0;
}

static int parse_ports(const char *s, lb_decoder_opts_t *o)
{
	o->nports = 0;
	while (*s) {
		char *end;
		long v = strtol(s, &end, 10);
		if (end == s || v < 1 || v > 65535 || (*end && *end != ','))
			return -1;
		if (o->nports >= LB_MAX_PORTS)
			return -1;
		o->ports[o->nports++] = (uint16_t)v;
		s = *end ? end + 1 : end;
	}
	return o->nports ? 0 : -1;
}

/* -1 if the list is full */
static int add_port(lb_decoder_opts_t *o, uint16_t port)
{
	for (int i = 0; i < o->nports; i++)
		if (o->ports[i] == port)
			return 0;
	if (o->nports >= LB_MAX_PORTS)
		return -1;
	o->ports[o->nports++] = port;
	return 0;
}

/* Open capture file f with the filter (NULL: none); errors are said, exit 2. */
static int open_file(const char *f, const char *filter, lb_pcap_t **out)
{
	char errbuf[512] = "";
	*out = lb_pcap_open_file(f, errbuf);
	if (!*out) {
		fprintf(stderr, "lookback capture: cannot open %s: %s\n", f, errbuf);
		return LB_EXIT_USAGE;
	}
	if (filter && lb_pcap_set_filter(*out, filter, errbuf) != 0) {
		fprintf(stderr, "lookback capture: bad filter '%s' on %s: %s\n", filter, f, errbuf);
		lb_pcap_close(*out);
		*out = NULL;
		return LB_EXIT_USAGE;
	}
	return LB_EXIT_OK;
}

struct file_time {
	const char *name;
	struct timeval t;
	int known, i;
};

static int by_time(const void *va, const void *vb)
{
	const struct file_time *a = va, *b = vb;
	if (a->known != b->known)
		return a->known ? -1 : 1; /* no frame (empty, damaged): last */
	if (a->known && a->t.tv_sec != b->t.tv_sec)
		return a->t.tv_sec < b->t.tv_sec ? -1 : 1;
	if (a->known && a->t.tv_usec != b->t.tv_usec)
		return a->t.tv_usec < b->t.tv_usec ? -1 : 1;
	return (a->i > b->i) - (a->i < b->i); /* ties: the order given */
}

/* Whether f is read as a stream: standard input, or a path that is not a
 * regular file (a named pipe, /dev/stdin, a shell's <(...)), whose bytes
 * are gone once read: it cannot be opened twice. */
static bool is_stream(const char *f)
{
	struct stat sb;
	return strcmp(f, "-") == 0 || (stat(f, &sb) == 0 && !S_ISREG(sb.st_mode) && !S_ISDIR(sb.st_mode));
}

/* Open each of the files (but streams) with the filter, and look at its
 * first frame's time; then sort them by it, unless a stream is one of them
 * (its first frame cannot be looked at ahead: the order given is kept; it
 * is opened, and takes the filter, when its turn comes).  Errors said,
 * exit 2. */
static int check_files(const char **files, int n, const char *filter)
{
	struct file_time *ft = calloc((size_t)n, sizeof *ft);
	if (!ft) {
		fprintf(stderr, "lookback capture: out of memory\n");
		return LB_EXIT_STORE;
	}
	int rc = LB_EXIT_OK, streams = 0;
	for (int i = 0; i < n; i++)
		streams += is_stream(files[i]);
	for (int i = 0; i < n && rc == LB_EXIT_OK; i++) {
		ft[i].name = files[i];
		ft[i].i = i;
		lb_pcap_t *q = NULL;
		if (!is_stream(files[i]) && (rc = open_file(files[i], filter, &q)) == LB_EXIT_OK)
			ft[i].known = !streams && lb_pcap_first_time(q, &ft[i].t) == 0;
		lb_pcap_close(q);
	}
	if (rc == LB_EXIT_OK && !streams) {
		qsort(ft, (size_t)n, sizeof *ft, by_time);
		for (int i = 0; i < n; i++)
			files[i] = ft[i].name;
	}
	free(ft);
	return rc;
}

/* files: room for argc names (the -r files and the operands after them) */
static int capture(int argc, char **argv, const char **files)
{
	enum { O_MDNS = 256, O_LLMNR, O_SNAPLEN, O_NOPROMISC, O_JSONL, O_FRAMES, O_SENSOR,
	       O_STATS, O_DEPTH, O_DB, O_BAILIWICK, O_HINTS, O_USER, O_METRICS, O_NO_GUESS };
	static const struct option lopts[] = {
		{ "read", required_argument, NULL, 'r' },
		{ "interface", required_argument, NULL, 'i' },
		{ "filter", required_argument, NULL, 'f' },
		{ "ports", required_argument, NULL, 'p' },
		{ "mdns", no_argument, NULL, O_MDNS },
		{ "llmnr", no_argument, NULL, O_LLMNR },
		{ "no-port-guess", no_argument, NULL, O_NO_GUESS },
		{ "snaplen", required_argument, NULL, O_SNAPLEN },
		{ "no-promisc", no_argument, NULL, O_NOPROMISC },
		{ "max-tunnel-depth", required_argument, NULL, O_DEPTH },
		{ "jsonl", no_argument, NULL, O_JSONL },
		{ "db", required_argument, NULL, O_DB },
		{ "metrics", required_argument, NULL, O_METRICS },
		{ "frame-numbers", no_argument, NULL, O_FRAMES },
		{ "sensor", required_argument, NULL, O_SENSOR },
		{ "stats", no_argument, NULL, O_STATS },
		{ "bailiwick", no_argument, NULL, O_BAILIWICK },
		{ "root-hints", required_argument, NULL, O_HINTS },
		{ "user", required_argument, NULL, O_USER },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		LB_SEND_LONGOPTS,
		LB_WIN_LONGOPTS,
		{ 0, 0, 0, 0 },
	};
	lb_send_cli_t send = { 0 };
	int nfiles = 0, nstdin = 0;
	const char *file = NULL, *iface = NULL, *filter = NULL, *sensor = NULL, *db = NULL;
	const char *hints = NULL, *user = NULL;
	int bailiwick = 0, mdns = 0, llmnr = 0;
	int snaplen = 0, promisc = 1, jsonl = 0, frames = 0, stats = 0, quiet = 0;
	lb_decoder_opts_t dopts;
	lb_win_cli_t win;
	lb_win_cli_init(&win);
	const char *metrics_addr = NULL;
	static struct metrics_snap metrics = { .lock = PTHREAD_MUTEX_INITIALIZER };
	lb_expo_t *expo = NULL;
	lb_decoder_opts_default(&dopts);
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "r:i:f:p:qh", lopts, NULL)) != -1) {
		switch (c) {
		case 'r': files[nfiles++] = optarg; break;
		case 'i': iface = optarg; break;
		case 'f': filter = optarg; break;
		case 'p':
			if (parse_ports(optarg, &dopts) != 0) {
				fprintf(stderr, "lookback capture: bad port list '%s' (want e.g. 53,5353)\n", optarg);
				return LB_EXIT_USAGE;
			}
			break;
		case O_MDNS: mdns = 1; break;
		case O_LLMNR: llmnr = 1; break;
		case O_NO_GUESS: dopts.port_guess = false; break;
		case O_SNAPLEN: {
			char *e;
			long v = strtol(optarg, &e, 10);
			if (!*optarg || *e || v < 64 || v > 262144) {
				fprintf(stderr, "lookback capture: --snaplen must be 64..262144 bytes\n");
				return LB_EXIT_USAGE;
			}
			snaplen = (int)v;
			break;
		}
		case O_NOPROMISC: promisc = 0; break;
		case O_DEPTH: {
			char *e;
			long d = strtol(optarg, &e, 10);
			if (!*optarg || *e || d < 0 || d > 16) {
				fprintf(stderr, "lookback capture: --max-tunnel-depth must be 0..16\n");
				return LB_EXIT_USAGE;
			}
			dopts.max_tunnel_depth = (int)d;
			break;
		}
		case O_JSONL: jsonl = 1; break;
		case O_DB: db = optarg; break;
		case O_METRICS: metrics_addr = optarg; break;
		case O_FRAMES: frames = 1; break;
		case O_SENSOR:
			if (lb_win_cli_sensor("capture", "--sensor", optarg))
				return LB_EXIT_USAGE;
			sensor = optarg;
			break;
		case O_STATS: stats = 1; break;
		case O_BAILIWICK: bailiwick = 1; break;
		case O_HINTS: hints = optarg; bailiwick = 1; break;
		case O_USER: user = optarg; break;
		case 'q': quiet = 1; break;
		case 'h': help(stdout); return LB_EXIT_OK;
		default: {
			int r = lb_send_cli_opt(&send, "capture", c, optarg);
			if (r == 0)
				r = lb_win_cli_opt(&win, "capture", c, optarg);
			switch (r) {
			case 1: break;
			case -1: return LB_EXIT_USAGE;
			default: help(stderr); return LB_EXIT_USAGE;
			}
		}
		}
	}
	if (lb_cli_files_end("capture", "capture", argc, argv, optind, files, &nfiles, &nstdin))
		return LB_EXIT_USAGE;
	file = nfiles ? files[0] : NULL;
	if (!!file == !!iface) {
		fprintf(stderr, "lookback capture: give exactly one of -r FILE [FILE...] or -i IFACE (see --help)\n");
		return LB_EXIT_USAGE;
	}
	if (!jsonl && !stats && !db && !send.addr) {
		fprintf(stderr, "lookback capture: nothing to do: add --db DIR, --send ADDR, --jsonl and/or --stats (see --help)\n");
		return LB_EXIT_USAGE;
	}
	if (frames && !jsonl) {
		fprintf(stderr, "lookback capture: --frame-numbers needs --jsonl\n");
		return LB_EXIT_USAGE;
	}
	/* after every -p, whatever the order of the options */
	if ((mdns && add_port(&dopts, 5353) != 0) || (llmnr && add_port(&dopts, 5355) != 0)) {
		fprintf(stderr, "lookback capture: at most %d ports with --mdns and --llmnr\n",
			LB_MAX_PORTS);
		return LB_EXIT_USAGE;
	}
	if (file && (snaplen || !promisc)) {
		fprintf(stderr, "lookback capture: --snaplen and --no-promisc apply to -i IFACE only\n");
		return LB_EXIT_USAGE;
	}
	if (lb_win_cli_check(&win, "capture", db, send.addr) != 0 ||
	    lb_send_cli_check(&send, "capture") != 0)
		return LB_EXIT_USAGE;
	if (win.compact && iface) {
		fprintf(stderr, "lookback capture: --compact is for files (-r): a live capture does not "
				"end; a store being served compacts itself (or: lookback stats --compact)\n");
		return LB_EXIT_USAGE;
	}

	static char host[256];
	if ((db || send.addr) && !sensor && gethostname(host, sizeof host - 1) == 0 && host[0])
		sensor = host; /* every stored observation names its source */

	int rc = LB_EXIT_OK;
	char errbuf[512] = "";
	struct cap_ctx ctx = { .jsonl = jsonl, .frames = frames, .st = NULL };
	/* always a full sink: --stats alone still groups every RRset (and counts it) */
	lb_obs_sink_t sink = { .rrset = sink_rrset, .negative = sink_neg, .ctx = &ctx };
	uint64_t bw_out = 0, bw_not_answer = 0, bw_neg_out = 0;
	lb_bw_filter_t bwf = { .next = sink, .out_of_bailiwick = &bw_out, .not_answer = &bw_not_answer,
			       .neg_out_of_bailiwick = &bw_neg_out };
	lb_pcap_t *pc = NULL;
	lb_ingest_t *ing = NULL;
	static char outbuf[1 << 20];
	setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);

	ctx.dec = lb_decoder_new(&dopts, on_payload, &ctx);
	ctx.st = ctx.dec ? lb_decoder_stats(ctx.dec) : NULL;
	if (bailiwick) {
		/* the filter drops (and counts) what the bailiwick does not cover */
		sink = lb_bw_filter_sink(&bwf);
		int line = 0, err = lb_referral_new(NULL, &ctx.ref);
		if (!err)
			err = lb_referral_load_hints(ctx.ref, hints ? hints : LB_REFERRAL_HINTS_DEFAULT, &line);
		if (err) {
			fprintf(stderr, "lookback capture: root hints %s%s%.0d: %s\n",
				hints ? hints : LB_REFERRAL_HINTS_DEFAULT, line ? " line " : "", line,
				err == LB_EINVAL ? "no zone with a server address" : lb_strerror(err));
			rc = LB_EXIT_USAGE;
			goto out;
		}
	}
	ctx.proc = ctx.st ? lb_proc_new(&sink, sensor, ctx.st) : NULL;
	if (!ctx.dec || !ctx.proc) {
		fprintf(stderr, "lookback capture: out of memory\n");
		rc = LB_EXIT_STORE;
		goto out;
	}
	g_ctx = &ctx;

	ctx.nfiles = nfiles;
	/* several files: each is checked before anything is read (it must open
	 * as a capture and take the filter: a typo in a list of files is a usage
	 * error, not an error after an hour of reading), and they are put in the
	 * time order of their first frames */
	if (nfiles > 1 && (rc = check_files(files, nfiles, filter)) != LB_EXIT_OK)
		goto out;
	file = nfiles ? files[0] : NULL;
	if (file) {
		rc = open_file(file, filter, &pc);
	} else if (!(pc = lb_pcap_open_live(iface, filter, snaplen, promisc, errbuf))) {
		fprintf(stderr, "lookback capture: cannot open %s: %s\n", iface, errbuf);
		rc = LB_EXIT_USAGE;
	}
	if (rc != LB_EXIT_OK)
		goto out;
	ctx.pc = pc;
	/* privileges are only needed to open the device: drop them before the
	 * store is opened (so its files belong to the user) and any packet is read */
	if (user && drop_privileges(user) != 0) {
		rc = LB_EXIT_USAGE;
		goto out;
	}
	for (int i = 1; user && i < nfiles; i++) {
		if (strcmp(files[i], "-") != 0 && access(files[i], R_OK) != 0) {
			fprintf(stderr, "lookback capture: --user %s cannot read %s (the files after the "
					"first are opened as that user): make it readable by %s\n",
				user, files[i], user);
			rc = LB_EXIT_USAGE;
			goto out;
		}
	}
	if (db) {
		win.wopts.input_waits = !iface; /* a file or a pipe waits; an interface does not */
		if (lb_win_cli_open(&win, "capture", db, sensor, &ing) != 0) {
			if (user && !writable_dir(db))
				fprintf(stderr, "lookback capture: the store is opened as --user %s: "
						"make %s (or its parent, to create it) writable by %s\n",
					user, db, user);
			rc = LB_EXIT_STORE;
			goto out;
		}
		ctx.db = lb_ingest_sink(ing);
	} else if (send.addr) {
		int se = lb_send_cli_open(&send, "capture", sensor, &win.wopts, &ing);
		if (se != 0) {
			rc = lb_send_cli_exit(se);
			goto out;
		}
		ctx.db = lb_ingest_sink(ing);
	}
	if (metrics_addr) {
		const char *msg = NULL;
		metrics.pc = iface ? pc : NULL;
		int err = lb_expo_start(metrics_addr, NULL, metrics_render, &metrics, &expo, &msg);
		if (err) {
			fprintf(stderr, "lookback capture: --metrics %s: %s\n", metrics_addr,
				msg ? msg : lb_strerror(err));
			rc = LB_EXIT_USAGE;
			goto out;
		}
		ctx.metrics = &metrics;
	}
	ctx.ing = ing;

	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);

	ctx.progress = !quiet && isatty(STDERR_FILENO) && !(jsonl && isatty(STDOUT_FILENO));
	ctx.started = lb_cli_mono();
	struct timeval prev_ts = { 0, 0 }; /* the last frame's time of the files read */
	bool have_prev_ts = false;
	for (;;) {
		const char *cur = file ? files[ctx.file_i] : iface;
		if (pc && (iface || is_stream(cur)) && (ing || expo)) {
			/* a quiet interface (or pipe) still flushes the window on
			 * time (bounds what a crash can lose), since no observation moves
			 * its clock; and keeps the metrics fresh */
			lb_pcap_set_idle(pc, on_idle, &ctx);
		}
		if (pc) {
			/* the next file continues this one's TCP streams and fragments */
			lb_pcap_set_more(pc, ctx.file_i + 1 < nfiles);
			if (lb_pcap_run(pc, ctx.dec, &stop_flag, errbuf) != 0) {
				fprintf(stderr, "lookback capture: read error: %s: %s%s\n",
					strcmp(cur, "-") ? cur : "standard input", errbuf,
					ctx.file_i + 1 < nfiles ? " (what it held before is kept; "
								  "the next file is read)" : "");
				rc = LB_EXIT_STORE;
			}
		}
		if (!iface && stop_sig) {
			/* a file not read to its end is not done: say so, 128 + signal
			 * (a live capture's SIGINT/SIGTERM is its normal end: 0) */
			fprintf(stderr, "lookback capture: %s: interrupted (signal %d) after %llu packets: "
					"what was read is kept\n", cur, (int)stop_sig,
				(unsigned long long)ctx.st->packets);
			if (rc == LB_EXIT_OK)
				rc = 128 + (int)stop_sig;
		}
		if (iface || stop_flag || ctx.file_i + 1 >= nfiles)
			break;
		if (pc) {
			ctx.frame_base += lb_pcap_frame(pc);
			have_prev_ts |= lb_pcap_last_time(pc, &prev_ts);
		}
		ctx.pc = NULL;
		lb_pcap_close(pc);
		pc = NULL;
		ctx.file_i++;
		/* checked above; gone or changed since: said, and the rest is read */
		if (open_file(files[ctx.file_i], filter, &pc) != LB_EXIT_OK)
			rc = LB_EXIT_STORE;
		else if (have_prev_ts) /* its first simple packets: the last time before */
			lb_pcap_set_time_before(pc, &prev_ts);
		ctx.pc = pc;
	}
	if (file && !stop_flag && !pc) {
		/* the last file did not open: end the streams the files before left */
		struct timeval far = { .tv_sec = (time_t)1 << 40, .tv_usec = 0 };
		lb_decoder_expire(ctx.dec, &far);
	}
	if (ctx.progress)
		show_progress(&ctx, 1);
	if (stats) {
		FILE *so = jsonl ? stderr : stdout;
		lb_stats_print(ctx.st, so);
		if (ctx.ref) {
			lb_referral_stats_print(ctx.ref, so);
			fprintf(so, "bailiwick_rrsets_out_of_bailiwick %llu\nbailiwick_rrsets_not_answer %llu\n"
				    "bailiwick_negatives_out_of_bailiwick %llu\n",
				(unsigned long long)bw_out, (unsigned long long)bw_not_answer,
				(unsigned long long)bw_neg_out);
		}
		if (ing) {
			lb_window_stats_t ws;
			lb_window_get_stats(lb_ingest_window(ing), &ws);
			fprintf(so, "store_new_entries %llu\nstore_folded %llu\n"
				    "store_drop_section %llu\nstore_drop_bailiwick %llu\n"
				    "store_drop_class %llu\nstore_drop_invalid %llu\n"
				    "store_drop_unrelated %llu\nstore_drop_truncated %llu\n",
				(unsigned long long)ws.kept, (unsigned long long)ws.folded,
				(unsigned long long)ws.drop_section,
				(unsigned long long)ws.drop_bailiwick,
				(unsigned long long)ws.drop_class,
				(unsigned long long)ws.drop_invalid,
				(unsigned long long)ws.drop_unrelated,
				(unsigned long long)ws.drop_truncated);
		}
		if (iface && pc) {
			uint64_t recv, drop, ifdrop;
			lb_pcap_kernel_stats(pc, &recv, &drop, &ifdrop);
			fprintf(so, "pcap_received %llu\npcap_dropped %llu\npcap_ifdropped %llu\n",
				(unsigned long long)recv, (unsigned long long)drop,
				(unsigned long long)ifdrop);
		}
	}
out:
	if (expo) {
		metrics_update(&metrics, ctx.st);
		lb_expo_stop(expo);
	}
	/* --compact: the files were read to their end (one that was not a
	 * capture skipped; not after a signal or a store or read error) */
	if ((rc == LB_EXIT_OK || rc == LB_EXIT_USAGE) && !stop_flag &&
	    lb_win_cli_compact(&win, "capture", db, ing, ctx.progress) != 0)
		rc = LB_EXIT_STORE;
	if (ing) {
		char m[600];
		int err = lb_ingest_finish(ing, 0, m, sizeof m);
		if (err && rc == LB_EXIT_OK) {
			fprintf(stderr, "lookback capture: store %s: %s\n", db ? db : send.addr, m);
			rc = LB_EXIT_STORE;
		}
	}
	if (lb_send_cli_close(&send, "capture", &stop_flag, stats, jsonl ? stderr : stdout) && rc == LB_EXIT_OK)
		rc = LB_EXIT_STORE;
	rc = lb_cli_out_rc("capture", rc);
	ctx.pc = NULL;
	lb_pcap_close(pc);
	lb_proc_free(ctx.proc);
	lb_referral_free(ctx.ref);
	lb_decoder_free(ctx.dec);
	return rc;
}

int lb_cmd_capture(int argc, char **argv)
{
	return lb_cli_with_files("capture", argc, argv, capture);
}
