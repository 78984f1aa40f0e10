/*
 * window_cli.h - the options every command feeding an aggregation window
 * shares (capture, tap, import): --flush-secs N, --window-entries N (how
 * often the window is written, and how much memory it holds) and --retain
 * DAYS (the store's retention, with --db).  See observe/window.h.
 */
#ifndef LB_CLI_WINDOW_CLI_H
#define LB_CLI_WINDOW_CLI_H

#include <getopt.h>
#include <stdbool.h>

#include "observe/window.h"

enum { LB_WIN_O_FLUSH = 0x5f00, LB_WIN_O_ENTRIES, LB_WIN_O_RETAIN, LB_WIN_O_COMPACT };

#define LB_WIN_LONGOPTS                                                    \
	{ "flush-secs", required_argument, NULL, LB_WIN_O_FLUSH },          \
	{ "window-entries", required_argument, NULL, LB_WIN_O_ENTRIES },    \
	{ "retain", required_argument, NULL, LB_WIN_O_RETAIN },             \
	{ "compact", no_argument, NULL, LB_WIN_O_COMPACT }

/* Bounds of --window-entries; each entry holds about LB_WIN_KEY_BYTES of key
 * bytes on average before the byte bound flushes (the defaults' ratio). */
#define LB_WIN_ENTRIES_MIN 1024
#define LB_WIN_ENTRIES_MAX (16u << 20)
#define LB_WIN_KEY_BYTES 128

#define LB_WIN_HELP                                                                             \
	"the aggregation window (with --db or --send):\n"                                       \
	"      --flush-secs N    write the window out at least every N seconds (default 60):\n"  \
	"                        a crash loses at most that much; SIGHUP writes it at once\n"    \
	"      --window-entries N  distinct records the window folds before it is written\n"    \
	"                        (default 262144, 1024..16777216): a table of 16 bytes per\n"  \
	"                        entry, and about 150 bytes per entry held in up to two\n"    \
	"                        windows (one fills while the other is written); larger\n"   \
	"                        folds more repeats into one store write\n"                   \
	"      --retain DAYS     with --db: drop history last seen more than DAYS ago\n"        \
	"                        (0 = keep all; kept in the store, see `lookback stats`)\n"        \
	"      --compact         with --db: once the input has ended, compact the store (a\n"  \
	"                        bulk ingest writes its tables uncompressed, for speed:\n"     \
	"                        about 3.5 times their compacted size until this,\n"         \
	"                        `lookback serve` or `lookback stats --compact` compacts)\n"

typedef struct lb_win_cli {
	lb_window_opts_t wopts; /* zeros = the window's defaults */
	long retain;            /* -1 = leave the store's retention as it is */
	bool compact;           /* --compact */
} lb_win_cli_t;

void lb_win_cli_init(lb_win_cli_t *w);
/* Handle option c: 1 = it was ours, 0 = not ours, -1 = bad value (message printed). */
int lb_win_cli_opt(lb_win_cli_t *w, const char *prog, int c, const char *arg);
/* After the options: refuse combinations that mean nothing (--db with --send,
 * --retain without --db, window options without a window).  0, or -1 with a message printed. */
int lb_win_cli_check(const lb_win_cli_t *w, const char *prog, bool db, bool send);
/* A sensor (source) name given as option opt: 1..LB_STORE_SENSOR_MAX
 * characters, else a message and -1. */
int lb_win_cli_sensor(const char *prog, const char *opt, const char *name);
/* Open the store at dir behind a window with these options and apply --retain.
 * Prints what failed; 0 or an error code (*ing may be set and must be closed). */
int lb_win_cli_open(const lb_win_cli_t *w, const char *prog, const char *dir, const char *sensor,
		    lb_ingest_t **ing);

/* With --compact, once the input has ended (the callers skip it after a
 * signal or a store or read error, exit 3): the window written out, then the
 * store compacted, with a progress line when progress.  Without it, when
 * progress (a terminal): a line saying how to compact a store of at least
 * LB_WIN_CLI_HINT_BYTES left in level 0.  0, or an error code with a message
 * printed. */
#define LB_WIN_CLI_HINT_BYTES (4u << 20)
int lb_win_cli_compact(const lb_win_cli_t *w, const char *prog, const char *dir, lb_ingest_t *ing,
		       bool progress);

#endif
