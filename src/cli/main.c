/*
 * main.c - the lookback program: one binary, subcommands over liblookback.
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <string.h>
#include <unistd.h>

#include "cli/cmds.h"
#include "store/store.h"

#define LB_VERSION "0.1.0"

struct cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};

static const struct cmd cmds[] = {
	{ "capture", lb_cmd_capture, "decode DNS from capture files or live interfaces" },
	{ "export", lb_cmd_export, "dump the store or a query's result as COF NDJSON or zone-file text" },
	{ "gen", lb_cmd_gen, "generate a realistic DNS capture (pcap) for tests and benchmarks" },
	{ "import", lb_cmd_import, "load DNS logs and feeds: Zeek, Suricata, Route 53, passivedns, COF, zone files, MISP" },
	{ "query", lb_cmd_query, "look up the passive DNS history in a store" },
	{ "serve", lb_cmd_serve, "serve the store over HTTP: DNSDB API v2, COF/CIRCL, metrics" },
	{ "stats", lb_cmd_stats, "show totals, freshness and retention of a store" },
	{ "tap", lb_cmd_tap, "receive dnstap from resolvers (files, unix and TCP sockets)" },
};

int lb_cli_out_rc(const char *prog, int rc)
{
	if (!fflush(stdout) && !ferror(stdout))
		return rc;
	fprintf(stderr, "lookback %s: error writing the output\n", prog);
	return rc == LB_EXIT_USAGE ? rc : LB_EXIT_STORE;
}

int lb_cli_check_inputs(const char *prog, const char *const *names, int n)
{
	for (int i = 0; i < n; i++) {
		struct stat st;
		const char *why = NULL;
		if (!strcmp(names[i], "-"))
			continue;
		if (stat(names[i], &st) != 0)
			why = strerror(errno);
		else if (S_ISDIR(st.st_mode))
			why = "is a directory (give the files in it)";
		else if (access(names[i], R_OK) != 0)
			why = strerror(errno);
		if (why) {
			fprintf(stderr, "lookback %s: %s: %s: nothing was read\n", prog, names[i], why);
			return -1;
		}
	}
	return 0;
}

int lb_cli_with_files(const char *prog, int argc, char **argv,
		      int (*run)(int argc, char **argv, const char **files))
{
	const char **files = calloc((size_t)argc + 1, sizeof *files);
	if (!files) {
		fprintf(stderr, "lookback %s: out of memory\n", prog);
		return LB_EXIT_STORE;
	}
	int rc = run(argc, argv, files);
	free(files);
	return rc;
}

int lb_cli_files_end(const char *prog, const char *what, int argc, char **argv, int optind,
		     const char **files, int *nfiles, int *nstdin)
{
	if (optind < argc && !*nfiles) {
		fprintf(stderr, "lookback %s: unexpected argument '%s' (%s files are read with "
				"-r FILE [FILE...])\n", prog, argv[optind], what);
		return -1;
	}
	while (optind < argc)
		files[(*nfiles)++] = argv[optind++];
	*nstdin = 0;
	for (int i = 0; i < *nfiles; i++) {
		if (!files[i][0]) {
			fprintf(stderr, "lookback %s: -r: an empty file name\n", prog);
			return -1;
		}
		*nstdin += !strcmp(files[i], "-");
	}
	if (*nstdin > 1) {
		fprintf(stderr, "lookback %s: standard input ('-') can be read only once\n", prog);
		return -1;
	}
	return 0;
}

double lb_cli_mono(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void usage(FILE *out)
{
	fprintf(out, "usage: lookback COMMAND [OPTIONS]\n\n"
		     "lookback keeps the history of how DNS names resolved, from passively\n"
		     "observed answers.\n\ncommands:\n");
	for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
		fprintf(out, "  %-9s %s\n", cmds[i].name, cmds[i].summary);
	fprintf(out, "\n'lookback COMMAND --help' (or 'lookback help COMMAND') describes a command;\n"
		     "'man lookback' has the manual; 'lookback --version' (-V) prints the version.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return LB_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "help") && argc > 2) { /* lookback help COMMAND = lookback COMMAND --help */
		for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
			if (!strcmp(argv[2], cmds[i].name)) {
				char *hargv[] = { argv[2], "--help", NULL };
				return lb_cli_out_rc(cmds[i].name, cmds[i].fn(2, hargv));
			}
		fprintf(stderr, "lookback: unknown command '%s' (try 'lookback --help')\n", argv[2]);
		return LB_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return lb_cli_out_rc("--help", LB_EXIT_OK);
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
		printf("lookback %s\n", LB_VERSION);
		return lb_cli_out_rc("--version", LB_EXIT_OK);
	}
	/* a command's --help (and any output it did not check) to a full disk or a
	 * closed pipe is an output error (exit 3), not a silent success */
	for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
		if (!strcmp(argv[1], cmds[i].name)) {
			int rc = cmds[i].fn(argc - 1, argv + 1);
			return rc == LB_EXIT_OK ? lb_cli_out_rc(cmds[i].name, rc) : rc;
		}
	fprintf(stderr, "lookback: unknown command '%s' (try 'lookback --help')\n", argv[1]);
	return LB_EXIT_USAGE;
}

/* The progress line of a compaction, once a second until done. */
struct compact_prog {
	lb_store_t *s;
	const char *db;
	double t0;
	uint64_t bytes0;
	bool done; /* the compaction returned; under mu */
	pthread_mutex_t mu;
	pthread_cond_t cv;
};

static void *compact_progress(void *arg)
{
	struct compact_prog *p = arg;
	pthread_mutex_lock(&p->mu);
	while (!p->done) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += 1;
		pthread_cond_timedwait(&p->cv, &p->mu, &ts);
		if (p->done)
			break;
		fprintf(stderr, "\rcompacting %s: %.0f s, directory %.1f MiB (was %.1f MiB)  ", p->db,
			lb_cli_mono() - p->t0, (double)lb_store_disk_bytes(p->s) / 1048576.0,
			(double)p->bytes0 / 1048576.0);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

int lb_cli_compact(lb_store_t *s, const char *db, bool progress)
{
	if (!progress)
		return lb_store_compact(s);
	struct compact_prog p = { .s = s, .db = db, .t0 = lb_cli_mono(),
				  .bytes0 = lb_store_disk_bytes(s) };
	pthread_mutex_init(&p.mu, NULL);
	pthread_cond_init(&p.cv, NULL);
	pthread_t thr;
	bool thr_ok = pthread_create(&thr, NULL, compact_progress, &p) == 0;
	int err = lb_store_compact(s);
	if (thr_ok) {
		pthread_mutex_lock(&p.mu);
		p.done = true;
		pthread_cond_signal(&p.cv);
		pthread_mutex_unlock(&p.mu);
		pthread_join(thr, NULL);
	}
	pthread_cond_destroy(&p.cv);
	pthread_mutex_destroy(&p.mu);
	if (!err)
		fprintf(stderr, "\rcompacted %s in %.1f s: %.1f MiB -> %.1f MiB%20s\n", db,
			lb_cli_mono() - p.t0, (double)p.bytes0 / 1048576.0,
			(double)lb_store_disk_bytes(s) / 1048576.0, "");
	else
		fputc('\n', stderr);
	return err;
}
