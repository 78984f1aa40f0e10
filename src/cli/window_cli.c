/*
 * window_cli.c - shared aggregation-window options of capture, tap and import.
 */
#include "cli/window_cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cmds.h"
#include "sensor/sensor.h"

void lb_win_cli_init(lb_win_cli_t *w)
{
	*w = (lb_win_cli_t){ .retain = -1 };
}

static int parse_long(const char *s, long lo, long hi, long *out)
{
	char *end;
	if (!*s)
		return -1;
	long v = strtol(s, &end, 10);
	if (*end || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

int lb_win_cli_opt(lb_win_cli_t *w, const char *prog, int c, const char *arg)
{
	long v;
	switch (c) {
	case LB_WIN_O_FLUSH:
		if (parse_long(arg, 1, 86400, &v)) {
			fprintf(stderr, "lookback %s: --flush-secs takes 1..86400 seconds\n", prog);
			return -1;
		}
		w->wopts.flush_secs = (uint32_t)v;
		return 1;
	case LB_WIN_O_ENTRIES:
		if (parse_long(arg, LB_WIN_ENTRIES_MIN, LB_WIN_ENTRIES_MAX, &v)) {
			fprintf(stderr, "lookback %s: --window-entries takes %u..%u entries\n", prog,
				(unsigned)LB_WIN_ENTRIES_MIN, (unsigned)LB_WIN_ENTRIES_MAX);
			return -1;
		}
		w->wopts.max_entries = (size_t)v;
		w->wopts.max_bytes = (size_t)v * LB_WIN_KEY_BYTES;
		return 1;
	case LB_WIN_O_COMPACT:
		w->compact = true;
		return 1;
	case LB_WIN_O_RETAIN:
		if (parse_long(arg, 0, 1000000, &v)) {
			fprintf(stderr, "lookback %s: --retain takes a number of days (0 = keep all)\n",
				prog);
			return -1;
		}
		w->retain = v;
		return 1;
	default:
		return 0;
	}
}

int lb_win_cli_sensor(const char *prog, const char *opt, const char *name)
{
	if (!strncmp(name, LB_INGEST_BOOKMARK_PREFIX, sizeof LB_INGEST_BOOKMARK_PREFIX - 1)) {
		/* a collector refuses such records: a sensor so named could never deliver */
		fprintf(stderr, "lookback %s: %s may not begin with '%s' (the collector's delivery "
				"bookmarks)\n", prog, opt, LB_INGEST_BOOKMARK_PREFIX);
		return -1;
	}
	if (*name && strlen(name) <= LB_STORE_SENSOR_MAX)
		return 0;
	fprintf(stderr, "lookback %s: %s must be 1..%d characters\n", prog, opt, LB_STORE_SENSOR_MAX);
	return -1;
}

int lb_win_cli_check(const lb_win_cli_t *w, const char *prog, bool db, bool send)
{
	if (db && send) {
		fprintf(stderr, "lookback %s: --db and --send exclude each other\n", prog);
		return -1;
	}
	if (w->retain >= 0 && !db) {
		fprintf(stderr, "lookback %s: --retain needs --db (a collector keeps its own retention)\n",
			prog);
		return -1;
	}
	if (w->compact && !db) {
		fprintf(stderr, "lookback %s: --compact needs --db (a collector compacts its own store)\n",
			prog);
		return -1;
	}
	if ((w->wopts.flush_secs || w->wopts.max_entries) && !db && !send) {
		fprintf(stderr, "lookback %s: --flush-secs and --window-entries need --db or --send\n",
			prog);
		return -1;
	}
	return 0;
}

int lb_win_cli_open(const lb_win_cli_t *w, const char *prog, const char *dir, const char *sensor,
		    lb_ingest_t **ing)
{
	int err = lb_ingest_open(dir, sensor, &w->wopts, ing);
	if (!err && w->retain >= 0)
		err = lb_store_set_retention(lb_ingest_store(*ing), (uint32_t)w->retain);
	if (err)
		fprintf(stderr, "lookback %s: cannot open store %s: %s\n", prog, dir,
			lb_ingest_errmsg(*ing, err));
	return err;
}

int lb_win_cli_compact(const lb_win_cli_t *w, const char *prog, const char *dir, lb_ingest_t *ing,
		       bool progress)
{
	if (!ing || !lb_ingest_store(ing))
		return 0;
	if (!w->compact) {
		/* on a terminal: say when the store is left as the ingest wrote
		 * it (level 0, uncompressed: about 3.5 times its compacted size)
		 * and large enough to matter */
		lb_store_totals_t t;
		if (progress && !lb_window_flush(lb_ingest_window(ing)) &&
		    !lb_store_totals(lb_ingest_store(ing), false, &t) && t.level0_files &&
		    t.disk_bytes >= LB_WIN_CLI_HINT_BYTES)
			fprintf(stderr, "lookback %s: %s holds %.0f MB as written, not compacted; "
					"'lookback stats --db %s --compact' (or --compact next time) "
					"shrinks it about 3 times\n",
				prog, dir, (double)t.disk_bytes / 1e6, dir);
		return 0;
	}
	int err = lb_window_flush(lb_ingest_window(ing));
	if (!err)
		err = lb_cli_compact(lb_ingest_store(ing), dir, progress);
	if (err)
		fprintf(stderr, "lookback %s: cannot compact store %s: %s\n", prog, dir,
			lb_ingest_errmsg(ing, err));
	return err;
}
