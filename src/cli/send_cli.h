/*
 * send_cli.h - the options every producing command (capture, tap, import)
 * shares for sending to a collector instead of writing a store:
 * --send HOST:PORT, --spool DIR, --spool-max BYTES, --send-key-file FILE,
 * --send-wait SECS.  See sensor/sensor.h and docs/SENSOR.md.
 */
#ifndef LB_CLI_SEND_CLI_H
#define LB_CLI_SEND_CLI_H

#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>

#include "observe/window.h"
#include "sensor/sensor.h"

enum { LB_SEND_O_SEND = 0x5e00, LB_SEND_O_SPOOL, LB_SEND_O_SPOOL_MAX, LB_SEND_O_KEYFILE,
       LB_SEND_O_WAIT };

#define LB_SEND_LONGOPTS                                                         \
	{ "send", required_argument, NULL, LB_SEND_O_SEND },                     \
	{ "spool", required_argument, NULL, LB_SEND_O_SPOOL },                   \
	{ "spool-max", required_argument, NULL, LB_SEND_O_SPOOL_MAX },           \
	{ "send-key-file", required_argument, NULL, LB_SEND_O_KEYFILE },         \
	{ "send-wait", required_argument, NULL, LB_SEND_O_WAIT }

#define LB_SEND_HELP                                                                          \
	"sending to a collector (`lookback serve --ingest`), instead of --db:\n"              \
	"      --send HOST:PORT  aggregate here, send batches to the collector; each batch\n"  \
	"                        leaves the spool only once the collector has committed it;\n" \
	"                        reconnects with exponential backoff (0.1 s .. 10 s)\n"        \
	"      --spool DIR       keep unacknowledged batches in DIR (created if missing) so\n"  \
	"                        they survive a restart of this process; default: memory\n"     \
	"      --spool-max BYTES spool bound (K/M/G suffixes; default 256M); when a new\n"      \
	"                        batch does not fit, the OLDEST batches are dropped and\n"      \
	"                        counted (send_dropped_batches with --stats)\n"                 \
	"      --send-key-file F API key for the collector (first line of F); needed when\n"    \
	"                        the collector is not on loopback or has --keys\n"              \
	"      --send-wait SECS  at the end, wait at most SECS for acknowledgements\n"         \
	"                        (default 0: until everything is delivered, or a signal)\n"

typedef struct lb_send_cli {
	const char *addr;
	const char *spool;
	const char *key_file;
	unsigned long long spool_max;
	unsigned wait;
	lb_sender_t *snd;
} lb_send_cli_t;

/* Handle option c: 1 = it was ours, 0 = not ours, -1 = bad value (message printed). */
int lb_send_cli_opt(lb_send_cli_t *s, const char *prog, int c, const char *arg);
/* Start the sender and an ingest feeding it, its window with options wo (may
 * be NULL: the defaults).  Prints errors; 0 or an error code. */
int lb_send_cli_open(lb_send_cli_t *s, const char *prog, const char *sensor,
		     const lb_window_opts_t *wo, lb_ingest_t **ing);
/* After the options: the sending options without --send are a usage error
 * (message printed, -1), not ignored.  0 when they agree. */
int lb_send_cli_check(const lb_send_cli_t *s, const char *prog);
/* The exit status for an error of lb_send_cli_open: 2 for a bad option value
 * (address, key file), 3 for the rest. */
int lb_send_cli_exit(int err);
/* After lb_ingest_close: wait for the acks, stop.  Prints what is left undelivered,
 * and the counters on so when stats.  0 = all delivered, else an error code. */
int lb_send_cli_close(lb_send_cli_t *s, const char *prog, volatile sig_atomic_t *stop, bool stats,
		      FILE *so);

#endif
