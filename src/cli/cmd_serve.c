/*
 * cmd_serve.c - `lookback serve`: the query server (DNSDB API v2 with SAF,
 * COF/CIRCL, metrics) over a store.  Signal handlers only set flags.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "cli/cmds.h"
#include "http/http.h"
#include "sensor/sensor.h"
#include "store/store.h"

static volatile sig_atomic_t g_stop, g_hup;

static void on_stop(int sig)
{
	(void)sig;
	g_stop = 1;
}

static void on_hup(int sig)
{
	(void)sig;
	g_hup = 1;
}

static void usage(FILE *f)
{
	fputs("usage: lookback serve --db DIR [--listen HOST:PORT] [--keys FILE] [OPTIONS]\n"
	      "\n"
	      "Serves the store over HTTP: the DNSDB API v2 (/dnsdb/v2/lookup|summarize/...,\n"
	      "rate_limit, ping, regex|glob flex search) with SAF framing, the CIRCL-style COF\n"
	      "API (/pdns/query/NAME-OR-IP), /metrics (Prometheus) and /healthz; and lookback's\n"
	      "rows per name or registered domain (query --names/--domains) as SAF objects:\n"
	      "/lookback/v1/{names,domains}/{lookup,summarize}/ + the DNSDB lookup path's rest\n"
	      "(rrset/name/*.com?time_first_after=-86400: newly observed), with the DNSDB\n"
	      "parameters and sort=first|last|duration|count|name, reverse=true.\n"
	      "  -d, --db DIR         the store (a new one is made only with --ingest)\n"
	      "  -l, --listen HOST:PORT  address (default 127.0.0.1:8053; [::1]:PORT for IPv6;\n"
	      "                       port 0 = any free port)\n"
	      "  --keys FILE          API keys, one per line: ID KEY [daily=N] [burst=N]\n"
	      "                       [window=SECS] [expires=UNIX] [results_max=N] [offset_max=N];\n"
	      "                       re-read on SIGHUP.  Required on non-loopback addresses.\n"
	      "                       daily and burst count lookups, summaries, flex,\n"
	      "                       /lookback/v1 and CIRCL queries that were answered\n"
	      "                       (not those refused, nor a 503)\n"
	      "  --access-log FILE    one line per request ('-' = stderr); keys are never logged;\n"
	      "                       reopened on SIGHUP (log rotation)\n"
	      "  --tls-cert FILE      serve HTTPS with this PEM certificate (chain) ...\n"
	      "  --tls-key FILE       ... and its PEM private key (unencrypted); both or neither;\n"
	      "                       both re-read on SIGHUP (a renewed certificate)\n"
	      "  --threads N          worker threads (default 2); each serves many\n"
	      "                       connections, and a long scan (flex search, summary,\n"
	      "                       paging count) gives its thread up between batches\n"
	      "  --max-conns N        concurrent connections before 503 (default 256)\n"
	      "  --max-conns-per-ip N open connections of one client address; more are\n"
	      "                       closed as they come, counted in /metrics as\n"
	      "                       lookback_http_refused_per_ip_total (default 64;\n"
	      "                       0 = unlimited: behind a proxy on this host, every\n"
	      "                       client has the proxy's address)\n"
	      "  --timeout SECS       idle connection timeout (default 30); also the longest a\n"
	      "                       request's line and headers may take to arrive, from\n"
	      "                       its first byte (the first request: from the connection)\n"
	      "  --query-timeout SECS an answer still running SECS (decimals allowed) after\n"
	      "                       its request: a DNSDB API one ends \"limited\", \"Query\n"
	      "                       time limit reached\"; a CIRCL one is cut (no last\n"
	      "                       chunk), or answered 503 if nothing of it was sent yet\n"
	      "                       (its paging count too) (default 600; 0 = none): a flex\n"
	      "                       pattern costly on every name cannot hold a thread for\n"
	      "                       hours; counted in /metrics\n"
	      "  --results-max N      largest limit (limit=0 asks for it; default 1000000)\n"
	      "  --offset-max N       largest offset (default 1000000; past it 416)\n"
	      "  --drain SECS         on SIGTERM, let running requests finish (default 10)\n"
	      "  --read-only          open the store read-only (another process writes it:\n"
	      "                       what it commits is served within a second)\n"
	      "  --cache-mb N         block cache for uncompressed store blocks, MiB (default:\n"
	      "                       a quarter of the machine's memory, 256 to 16384; filled\n"
	      "                       as lookups read, so memory is only used as it helps)\n"
	      "  --port-file FILE     write the bound port there once listening\n"
	      "  --ingest HOST:PORT   also accept batches from sensors (`capture|tap|import\n"
	      "                       --send`); each batch is acknowledged once committed.\n"
	      "                       Off loopback, sensors must present a key of --keys FILE\n"
	      "                       (and so must they on loopback when --keys is given)\n"
	      "  --ingest-port-file F write the bound ingest port there once listening\n"
	      "exit status: 0 after SIGTERM/SIGINT, 2 usage error, 3 store or listen error\n",
	      f);
}

static int num(const char *s, unsigned long long max, unsigned long long *out)
{
	char *end;
	if (!*s || *s == '-')
		return -1;
	unsigned long long v = strtoull(s, &end, 10);
	if (*end || v > max)
		return -1;
	*out = v;
	return 0;
}

enum { O_KEYS = 1000, O_LOG, O_THREADS, O_MAXC, O_TIMEOUT, O_RMAX, O_OMAX, O_DRAIN, O_RO, O_PORTF,
       O_INGEST, O_INGEST_PORTF, O_CACHE, O_TLS_CERT, O_TLS_KEY, O_MAXC_IP, O_QTIMEOUT };

static int write_port(const char *path, unsigned port)
{
	FILE *pf = fopen(path, "w");
	if (!pf || fprintf(pf, "%u\n", port) < 0 || fclose(pf)) {
		perror(path);
		return -1;
	}
	return 0;
}

/* A query server's lookups land anywhere in the store: every block the cache
 * keeps uncompressed is a read and a decompression saved (measured on the
 * 10 M-owner bench store: zstd was 11% of the server's CPU with 256 MiB).
 * The cache only grows as blocks are read, so a large bound costs nothing on
 * a small store. */
static size_t default_cache_mb(void)
{
	long pages = sysconf(_SC_PHYS_PAGES), psize = sysconf(_SC_PAGESIZE);
	size_t mb = pages > 0 && psize > 0 ? (size_t)pages / 4 * (size_t)psize >> 20 : 0;
	if (mb < LB_STORE_CACHE_MB)
		mb = LB_STORE_CACHE_MB;
	return mb > 16384 ? 16384 : mb;
}

int lb_cmd_serve(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "listen", required_argument, NULL, 'l' },
		{ "keys", required_argument, NULL, O_KEYS },
		{ "access-log", required_argument, NULL, O_LOG },
		{ "threads", required_argument, NULL, O_THREADS },
		{ "max-conns", required_argument, NULL, O_MAXC },
		{ "max-conns-per-ip", required_argument, NULL, O_MAXC_IP },
		{ "timeout", required_argument, NULL, O_TIMEOUT },
		{ "query-timeout", required_argument, NULL, O_QTIMEOUT },
		{ "results-max", required_argument, NULL, O_RMAX },
		{ "offset-max", required_argument, NULL, O_OMAX },
		{ "drain", required_argument, NULL, O_DRAIN },
		{ "read-only", no_argument, NULL, O_RO },
		{ "port-file", required_argument, NULL, O_PORTF },
		{ "ingest", required_argument, NULL, O_INGEST },
		{ "ingest-port-file", required_argument, NULL, O_INGEST_PORTF },
		{ "cache-mb", required_argument, NULL, O_CACHE },
		{ "tls-cert", required_argument, NULL, O_TLS_CERT },
		{ "tls-key", required_argument, NULL, O_TLS_KEY },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	lb_http_opts_t o;
	lb_http_opts_init(&o);
	const char *db = NULL, *log = NULL, *port_file = NULL, *msg = NULL;
	const char *ingest = NULL, *ingest_port_file = NULL;
	lb_collector_t *col = NULL;
	unsigned long long v, drain = 10;
	bool ro = false;
	size_t cache_mb = 0;
	int c, rc = LB_EXIT_USAGE;
	lb_store_t *s = NULL;
	lb_http_t *h = NULL;
	FILE *logf = NULL;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":d:l:h", lopts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'l': o.listen = optarg; break;
		case O_KEYS: o.keys_file = optarg; break;
		case O_TLS_CERT: o.tls_cert_file = optarg; break;
		case O_TLS_KEY: o.tls_key_file = optarg; break;
		case O_LOG: log = optarg; break;
		case O_RO: ro = true; break;
		case O_PORTF: port_file = optarg; break;
		case O_INGEST: ingest = optarg; break;
		case O_INGEST_PORTF: ingest_port_file = optarg; break;
		case O_CACHE:
			if (num(optarg, 1 << 20, &v) || v == 0) {
				fprintf(stderr, "lookback serve: bad --cache-mb '%s' (MiB, 1 to 1048576)\n", optarg);
				return LB_EXIT_USAGE;
			}
			cache_mb = (size_t)v;
			break;
		case O_THREADS: case O_MAXC: case O_TIMEOUT: case O_RMAX: case O_OMAX: case O_DRAIN:
			if (num(optarg, c == O_THREADS ? 64 : c == O_MAXC ? 100000 : c == O_TIMEOUT ? 86400
				: c == O_DRAIN ? 3600 : 1000000000ull, &v) ||
			    (v == 0 && c != O_DRAIN && c != O_OMAX)) {
				fprintf(stderr, "lookback serve: bad number '%s' (try --help)\n", optarg);
				return LB_EXIT_USAGE;
			}
			if (c == O_THREADS) o.threads = (unsigned)v;
			else if (c == O_MAXC) o.max_conns = (unsigned)v;
			else if (c == O_TIMEOUT) o.timeout_secs = (unsigned)v;
			else if (c == O_RMAX) o.results_max = v;
			else if (c == O_OMAX) o.offset_max = v;
			else drain = v;
			break;
		case O_QTIMEOUT: {
			char *e;
			errno = 0;
			double d = strtod(optarg, &e);
			if (!*optarg || *e || errno || !(d >= 0 && d <= 86400) || optarg[0] == '-' ||
			    (d > 0 && d < 0.001)) {
				fprintf(stderr, "lookback serve: bad --query-timeout '%s' (0 to 86400 seconds, "
						"to the millisecond; 0 = none)\n", optarg);
				return LB_EXIT_USAGE;
			}
			o.query_timeout_ms = (uint64_t)(d * 1000 + 0.5);
			break;
		}
		case O_MAXC_IP:
			if (num(optarg, 100000, &v)) {
				fprintf(stderr, "lookback serve: bad --max-conns-per-ip '%s' (0 to 100000; 0 = unlimited)\n",
					optarg);
				return LB_EXIT_USAGE;
			}
			o.max_conns_per_ip = (unsigned)v;
			break;
		case 'h': usage(stdout); return LB_EXIT_OK;
		default:
			fprintf(stderr, "lookback serve: unknown option, or one without its value: '%s' (try --help)\n",
				argv[optind - 1]);
			return LB_EXIT_USAGE;
		}
	}
	if (!db || optind < argc) {
		fprintf(stderr, "lookback serve: --db DIR is required (try --help)\n");
		return LB_EXIT_USAGE;
	}
	if (log) {
		logf = strcmp(log, "-") ? fopen(log, "a") : stderr;
		if (!logf) {
			perror(log);
			return LB_EXIT_USAGE;
		}
		o.access_log = logf;
	}
	if (ingest && ro) {
		fprintf(stderr, "lookback serve: --ingest writes the store: not with --read-only\n");
		return LB_EXIT_USAGE;
	}
	/* a new store only for a collector (--ingest) to fill: serving a
	 * mistyped --db would answer every lookup with an empty success */
	lb_store_opts_t so = { .create = ingest != NULL, .read_only = ro, .follow = ro,
			       .serving = true, .cache_mb = cache_mb ? cache_mb : default_cache_mb() };
	int err = lb_store_open(db, &so, &s);
	if (err) {
		fprintf(stderr, "lookback serve: %s: %s\n", db, lb_store_errmsg(s, err));
		rc = LB_EXIT_STORE;
		goto out;
	}
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_stop;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = on_hup;
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (ingest) {
		lb_collector_opts_t co = { .listen = ingest, .keys_file = o.keys_file };
		err = lb_collector_start(s, &co, &col, &msg);
		if (err) {
			fprintf(stderr, "lookback serve: --ingest %s: %s\n", ingest, msg);
			rc = err == LB_EINVAL || err == LB_ETEXT ? LB_EXIT_USAGE : LB_EXIT_STORE;
			goto out;
		}
		o.metrics_extra = lb_collector_metrics;
		o.metrics_ctx = col;
		fprintf(stderr, "lookback serve: accepting sensors on %s (port %u)\n", ingest,
			lb_collector_port(col));
		if (ingest_port_file && write_port(ingest_port_file, lb_collector_port(col))) {
			rc = LB_EXIT_STORE;
			goto out;
		}
	}
	err = lb_http_start(s, &o, &h, &msg);
	if (err) {
		fprintf(stderr, "lookback serve: %s: %s\n", o.listen, msg);
		/* (an unreadable --keys or TLS file is an input error too) */
		rc = err == LB_EINVAL || err == LB_ETEXT || err == LB_ENOENT || err == -EACCES
			? LB_EXIT_USAGE : LB_EXIT_STORE;
		goto out;
	}
	fprintf(stderr, "lookback serve: listening on %s (port %u)%s%s\n", o.listen, lb_http_port(h),
		o.tls_cert_file ? ", HTTPS" : "", o.keys_file ? "" : ", no API keys required");
	if (port_file) {
		if (write_port(port_file, lb_http_port(h))) {
			rc = LB_EXIT_STORE;
			goto out;
		}
	}
	unsigned ticks = 0;
	bool follow_failed = false;
	while (!g_stop) {
		usleep(100000);
		/* --read-only: take in what the writer committed (each second) */
		if (ro && ++ticks % 10 == 0) {
			int ce = lb_store_catch_up(s);
			if (ce && !follow_failed)
				fprintf(stderr, "lookback serve: cannot follow the writer of %s: %s\n", db,
					lb_store_errmsg(s, ce));
			follow_failed = ce != 0;
		}
		if (g_hup) {
			g_hup = 0;
			if (lb_http_reload_keys(h, &msg))
				fprintf(stderr, "lookback serve: keeping the old keys: %s\n", msg);
			else
				fprintf(stderr, "lookback serve: keys reloaded\n");
			if (o.tls_cert_file) {
				if (lb_http_reload_tls(h, &msg))
					fprintf(stderr, "lookback serve: keeping the old TLS certificate: %s\n", msg);
				else
					fprintf(stderr, "lookback serve: TLS certificate and key reloaded\n");
			}
			if (col && lb_collector_reload_keys(col, &msg))
				fprintf(stderr, "lookback serve: ingest keeps the old keys: %s\n", msg);
			if (logf && logf != stderr) { /* log rotation: a new file at the same path */
				FILE *nf = fopen(log, "a");
				if (!nf) {
					fprintf(stderr, "lookback serve: keeping the old access log: %s: %s\n",
						log, strerror(errno));
				} else {
					fclose(lb_http_swap_access_log(h, nf));
					logf = nf;
				}
			}
		}
	}
	fprintf(stderr, "lookback serve: stopping (draining up to %llus)\n", drain);
	rc = LB_EXIT_OK;
out:
	lb_http_stop(h, (unsigned)drain);
	lb_collector_stop(col);
	if (lb_store_close(s) && rc == LB_EXIT_OK)
		rc = LB_EXIT_STORE;
	if (logf && logf != stderr)
		fclose(logf);
	return rc;
}
