/*
 * cmd_stats.c - `lookback stats`: totals, per-source freshness, retention, size.
 */
#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cmds.h"
#include "store/store.h"

static void usage(FILE *f)
{
	fputs("usage: lookback stats --db DIR [--retain DAYS] [--compact] [--json] [-q]\n"
	      "       lookback stats --db DIR --check [--json] [-q]\n"
	      "       lookback stats --db DIR --repair [--json] [-q]\n"
	      "  -d, --db DIR   the store\n"
	      "\n"
	      "Totals of a store (rrsets, rdata index entries, owner names, negative answers),\n"
	      "per-source freshness (newest observation), the span of data kept, store size.\n"
	      "  --retain DAYS  set the retention: records last seen more than DAYS days ago are\n"
	      "                 hidden at once and removed by compaction (0 = keep everything)\n"
	      "  --compact      compact the store now (applies retention on disk)\n"
	      "  --check        read the whole store and check that its tables agree: every\n"
	      "                 key and value decodes, every rrset has its owner and each of\n"
	      "                 its RRs and rdata names in the indexes, every source id\n"
	      "                 resolves; prints what it read, each kind of problem (the\n"
	      "                 first 20 on stderr) and the index entries no live rrset\n"
	      "                 holds (left by retention: not problems, lookups skip them)\n"
	      "  --repair       the check, fixing what it finds (stop writers first): entries\n"
	      "                 that do not decode are deleted after being copied to\n"
	      "                 DIR/lost/lookback-repair-TIME.tsv, missing index entries and\n"
	      "                 names are put back from the rrsets, stray index values\n"
	      "                 cleared, source ids without a name named unnamed-ID; a store\n"
	      "                 RocksDB cannot open or read (a lost CURRENT or MANIFEST, a\n"
	      "                 table failing its checksums) is first rebuilt by RocksDB's\n"
	      "                 repairer; tables it sets aside in DIR/lost/ that read whole\n"
	      "                 are taken back (it cannot read tables lookback ingested);\n"
	      "                 then checks again and prints what is left\n"
	      "  --json         one JSON object instead of text\n"
	      "  -q, --quiet    no progress lines on a terminal (the totals read the whole\n"
	      "                 store, and a compaction rewrites it: minutes when large)\n"
	      "exit status: 0 ok (with --check: no problem found; --repair: none left),\n"
	      "             1 --check found problems (--repair: problems left),\n"
	      "             2 usage error, 3 store error (cannot be opened or read)\n",
	      f);
}

static void put_time(FILE *f, uint64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	char b[64];
	if (!t || !gmtime_r(&tt, &tm) || !strftime(b, sizeof b, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(b, sizeof b, "-");
	fputs(b, f);
}

/* Progress on a terminal: the compaction (from a thread, as RocksDB's call
 * blocks) shows the store directory's size as its new files are written;
 * the totals show the keys read. */
struct prog {
	const char *db;
	const char *verb;     /* of the keys' progress line */
	double t0, last;
};

/* The keys read so far, once a second: the totals ("counting") and --check. */
static void keys_progress(void *ctx, uint64_t keys)
{
	struct prog *p = ctx;
	double t = lb_cli_mono();
	if (t - p->last < 1.0)
		return;
	p->last = t;
	fprintf(stderr, "\r%s %s: %llu keys, %.0f keys/s  ", p->verb, p->db,
		(unsigned long long)keys, (double)keys / (t - p->t0));
}

struct shown {
	uint64_t n;
	bool progress;   /* a progress line may be on the terminal */
};

/* The first problems, one line each: what, and the key (its table and its
 * name when the key starts with one, and its bytes in hex). */
static void show_problem(void *ctx, const char *what, const uint8_t *key, size_t klen)
{
	struct shown *sh = ctx;
	if (sh->n++ >= 20)
		return;
	fprintf(stderr, "%slookback stats: check: %s: key", sh->progress ? "\r" : "", what);
	if (klen && key[0] >= 0x21 && key[0] < 0x7f)
		fprintf(stderr, " (table %c)", key[0]);
	fputc(' ', stderr);
	for (size_t i = 0; i < klen && i < 48; i++)
		fprintf(stderr, "%02x", key[i]);
	fprintf(stderr, "%s\n", klen > 48 ? "..." : "");
}

/* Named 64-bit counters of a struct, by offset. */
struct field {
	const char *name;
	size_t off;
};

static const struct field check_fields[] = {
#define F(x) { #x, offsetof(lb_store_check_t, x) }
	F(keys), F(rrsets), F(index_entries), F(owners), F(targets), F(negatives), F(meta),
	F(expired), F(orphan_index), F(orphan_names), F(problems), F(bad_key),
	F(bad_value), F(missing_owner), F(missing_index), F(missing_target),
	F(unknown_source),
#undef F
};

static const struct field repair_fields[] = {
#define F(x) { #x, offsetof(lb_store_repair_t, x) }
	F(restored_owner), F(restored_index), F(restored_target), F(cleared), F(removed),
	F(named_sources),
#undef F
};

/* The counters: text lines, or JSON members (each after a comma but the first
 * when first). */
static void print_fields(const void *base, const struct field *f, size_t n, bool json, bool first)
{
	for (size_t i = 0; i < n; i++) {
		uint64_t v;
		memcpy(&v, (const char *)base + f[i].off, sizeof v);
		if (json)
			printf("%s\"%s\":%llu", i || !first ? "," : "", f[i].name, (unsigned long long)v);
		else
			printf("%-16s%llu\n", f[i].name, (unsigned long long)v);
	}
}

static void print_check(const lb_store_check_t *r, bool json)
{
	print_fields(r, check_fields, sizeof check_fields / sizeof check_fields[0], json, true);
}

static int run_check(lb_store_t *s, const char *db, bool progress, bool json)
{
	lb_store_check_t r;
	struct prog pg = { .db = db, .verb = "checking", .t0 = lb_cli_mono() };
	pg.last = pg.t0;
	struct shown sh = { .progress = progress };
	int err = lb_store_check(s, 0, &r, show_problem, &sh, progress ? keys_progress : NULL, &pg);
	if (progress)
		fprintf(stderr, "\r%s %s in %.1f s%40s\n", err ? "stopped checking" : "checked", db,
			lb_cli_mono() - pg.t0, "");
	if (err) {
		fprintf(stderr, "lookback stats: %s: %s\n", db, lb_store_errmsg(s, err));
		return LB_EXIT_STORE;
	}
	if (json)
		putchar('{');
	print_check(&r, json);
	if (json)
		printf("}\n");
	if (r.problems) {
		fprintf(stderr, "lookback stats: %s: %llu problem%s found%s\n", db,
			(unsigned long long)r.problems, r.problems == 1 ? "" : "s",
			sh.n > 20 ? " (the first 20 shown)" : "");
		return LB_EXIT_EMPTY;
	}
	return LB_EXIT_OK;
}

/* stats --repair: open for repair (RocksDB's repairer when the engine cannot
 * open it), fix, and check again. */
static int run_repair(const char *db, bool progress, bool json)
{
	lb_store_t *s = NULL;
	lb_store_opts_t so = { .repair = LB_STORE_REPAIR };
	lb_store_check_t found, left;
	lb_store_repair_t fx;
	struct shown sh = { .progress = progress };
	int err = lb_store_open(db, &so, &s);
	for (int round = 0; !err; round++) {
		struct prog pg = { .db = db, .verb = "repairing", .t0 = lb_cli_mono() };
		pg.last = pg.t0;
		err = lb_store_repair(s, 0, &found, &fx, show_problem, &sh,
				      progress ? keys_progress : NULL, &pg);
		if (progress)
			fprintf(stderr, "\r%s %s in %.1f s%40s\n", err ? "stopped repairing" : "repaired",
				db, lb_cli_mono() - pg.t0, "");
		if (err != LB_ESTORE || round || lb_store_engine_repaired(s))
			break;
		/* the store could not be read to the end (a table failing its
		 * checksums): RocksDB's repairer, then once more */
		fprintf(stderr, "lookback stats: %s: %s; running RocksDB's repairer\n", db,
			lb_store_errmsg(s, err));
		(void)lb_store_close(s);
		s = NULL;
		so.repair = LB_STORE_REPAIR_ENGINE;
		err = lb_store_open(db, &so, &s);
	}
	if (!err) {
		struct prog pg = { .db = db, .verb = "checking", .t0 = lb_cli_mono() };
		pg.last = pg.t0;
		err = lb_store_check(s, 0, &left, NULL, NULL, progress ? keys_progress : NULL, &pg);
		if (progress)
			fprintf(stderr, "\r%s %s in %.1f s%40s\n", err ? "stopped checking" : "checked",
				db, lb_cli_mono() - pg.t0, "");
	}
	if (err) {
		const char *m = lb_store_errmsg(s, err);
		fprintf(stderr, "lookback stats: %s: %s\n", db, m);
		if (lb_store_locked(s))
			fprintf(stderr, "lookback stats: %s: another process has the store open for writing "
					"(capture, tap, import, serve): stop it, then repair\n", db);
		(void)lb_store_close(s);
		return LB_EXIT_STORE;
	}
	bool engine = lb_store_engine_repaired(s);
	unsigned restored, lost;
	lb_store_engine_tables(s, &restored, &lost);
	err = lb_store_close(s);
	if (err) {
		fprintf(stderr, "lookback stats: %s: %s\n", db, lb_store_errmsg(NULL, err));
		return LB_EXIT_STORE;
	}
	size_t nrf = sizeof repair_fields / sizeof repair_fields[0];
	if (json) {
		printf("{\"engine_repaired\":%s,\"tables_restored\":%u,\"tables_lost\":%u,"
		       "\"found\":{", engine ? "true" : "false", restored, lost);
		print_check(&found, true);
		printf("}");
		print_fields(&fx, repair_fields, nrf, true, false);
		printf(",\"lost_file\":\"");
		for (const char *p = fx.lost_file; *p; p++)
			printf((unsigned char)*p < 0x20 || *p == '"' || *p == '\\' ? "\\u%04x" : "%c",
			       (unsigned char)*p);
		printf("\",\"problems_left\":%llu}\n", (unsigned long long)left.problems);
	} else {
		if (engine)
			printf("RocksDB's repairer rebuilt the store's metadata; of the tables it set "
			       "aside, taken back whole: %u, left in %s/lost/ (unreadable): %u\n",
			       restored, db, lost);
		printf("found:\n");
		print_check(&found, false);
		printf("repaired:\n");
		print_fields(&fx, repair_fields, nrf, false, false);
		if (*fx.lost_file)
			printf("lost_file       %s\n", fx.lost_file);
		printf("problems_left   %llu\n", (unsigned long long)left.problems);
	}
	if (left.problems) {
		fprintf(stderr, "lookback stats: %s: %llu problem%s left after the repair (run "
			"lookback stats --check to see them)\n", db, (unsigned long long)left.problems,
			left.problems == 1 ? "" : "s");
		return LB_EXIT_EMPTY;
	}
	return LB_EXIT_OK;
}

static int stats_main(int argc, char **argv);

int lb_cmd_stats(int argc, char **argv)
{
	return lb_cli_out_rc("stats", stats_main(argc, argv));
}

static int stats_main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "retain", required_argument, NULL, 'R' },
		{ "compact", no_argument, NULL, 'C' },
		{ "json", no_argument, NULL, 'j' },
		{ "check", no_argument, NULL, 'K' },
		{ "repair", no_argument, NULL, 'P' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *db = NULL;
	long retain = -1;
	int do_compact = 0, json = 0, quiet = 0, check = 0, repair = 0, c, rc = LB_EXIT_USAGE;
	lb_store_t *s = NULL;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":d:hq", lopts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'R': {
			char *end;
			retain = strtol(optarg, &end, 10);
			if (*end || end == optarg || retain < 0 || retain > 1000000) {
				fprintf(stderr, "lookback stats: bad --retain '%s' (days, 0..1000000)\n", optarg);
				return LB_EXIT_USAGE;
			}
			break;
		}
		case 'C': do_compact = 1; break;
		case 'j': json = 1; break;
		case 'K': check = 1; break;
		case 'P': repair = 1; break;
		case 'q': quiet = 1; break;
		case 'h': usage(stdout); return LB_EXIT_OK;
		default:
			fprintf(stderr, "lookback stats: unknown option, or one without its value: '%s' (try --help)\n",
				argv[optind - 1]);
			return LB_EXIT_USAGE;
		}
	}
	if (!db || optind < argc) {
		fprintf(stderr, "lookback stats: --db DIR is required (try --help)\n");
		return LB_EXIT_USAGE;
	}
	if (check && (retain >= 0 || do_compact || repair)) {
		fprintf(stderr, "lookback stats: --check only reads; run --retain, --compact or "
				"--repair apart\n");
		return LB_EXIT_USAGE;
	}
	if (repair && (retain >= 0 || do_compact)) {
		fprintf(stderr, "lookback stats: run --repair apart from --retain and --compact\n");
		return LB_EXIT_USAGE;
	}
	bool progress = !quiet && isatty(STDERR_FILENO);
	if (repair)
		return run_repair(db, progress, json);
	lb_store_opts_t so = { .read_only = retain < 0 && !do_compact };
	int err = lb_store_open(db, &so, &s);
	if (err)
		goto fail;
	if (retain >= 0 && (err = lb_store_set_retention(s, (uint32_t)retain)))
		goto fail;
	if (do_compact && (err = lb_cli_compact(s, db, progress)))
		goto fail;
	if (check) {
		rc = run_check(s, db, progress, json);
		(void)lb_store_close(s);
		return rc;
	}
	lb_store_totals_t t;
	struct prog pg = { .db = db, .verb = "counting", .t0 = lb_cli_mono() };
	pg.last = pg.t0;
	err = lb_store_totals_progress(s, true, &t, progress ? keys_progress : NULL, &pg);
	if (progress && err)
		fputc('\n', stderr); /* end the progress line before the error */
	else if (progress)
		fprintf(stderr, "\rcounted %s in %.1f s%40s\n", db, lb_cli_mono() - pg.t0, "");
	if (err)
		goto fail;
	if (t.oldest > t.newest) /* retention hides everything: no span */
		t.oldest = t.newest = 0;
	if (json) {
		printf("{\"rrsets\":%llu,\"rdata_entries\":%llu,\"owners\":%llu,\"negatives\":%llu,"
		       "\"sensors\":%llu,\"oldest\":%llu,\"newest\":%llu,\"retain_days\":%u,"
		       "\"disk_bytes\":%llu,\"table_files\":%llu,\"level0_files\":%llu,\"sources\":[",
		       (unsigned long long)t.rrsets, (unsigned long long)t.rdata_entries,
		       (unsigned long long)t.owners, (unsigned long long)t.negatives,
		       (unsigned long long)t.sensors, (unsigned long long)t.oldest,
		       (unsigned long long)t.newest, t.retain_days, (unsigned long long)t.disk_bytes,
		       (unsigned long long)t.table_files, (unsigned long long)t.level0_files);
	} else {
		printf("rrsets          %llu\n", (unsigned long long)t.rrsets);
		printf("rdata entries   %llu\n", (unsigned long long)t.rdata_entries);
		printf("owner names     %llu\n", (unsigned long long)t.owners);
		printf("negatives       %llu\n", (unsigned long long)t.negatives);
		printf("oldest data     ");
		put_time(stdout, t.oldest);
		printf("\nnewest data     ");
		put_time(stdout, t.newest);
		printf("\nretention       %s", t.retain_days ? "" : "keep everything");
		if (t.retain_days)
			printf("%u days", t.retain_days);
		printf("\ndisk bytes      %llu\n", (unsigned long long)t.disk_bytes);
		if (t.rrsets)
			printf("bytes per rrset %.1f\n", (double)t.disk_bytes / (double)t.rrsets);
		printf("table files     %llu (in level 0, not compacted yet: %llu)%s\n",
		       (unsigned long long)t.table_files, (unsigned long long)t.level0_files,
		       t.level0_files ? ": uncompressed if a bulk ingest wrote them; serve or "
					"stats --compact compacts them" : "");
		printf("sources         %llu\n", (unsigned long long)t.sensors);
	}
	lb_store_scan_t q = { .kind = LB_SCAN_SENSORS };
	lb_store_iter_t *it;
	if ((err = lb_store_iter_new(s, &q, &it)))
		goto fail;
	lb_store_rec_t r;
	int n, first = 1;
	while ((n = lb_store_iter_next(it, &r)) > 0) {
		if (json) {
			printf("%s{\"source\":\"", first ? "" : ",");
			for (const char *p = r.sensor; *p; p++)
				if ((unsigned char)*p >= 0x20 && *p != '"' && *p != '\\')
					putchar(*p);
				else
					printf("\\u%04x", (unsigned char)*p);
			printf("\",\"count\":%llu,\"time_first\":%llu,\"time_last\":%llu}",
			       (unsigned long long)r.val.count, (unsigned long long)r.val.time_first,
			       (unsigned long long)r.val.time_last);
		} else {
			printf("  %-20s newest ", r.sensor);
			put_time(stdout, r.val.time_last);
			printf("  oldest ");
			put_time(stdout, r.val.time_first);
			printf("  observations %llu\n", (unsigned long long)r.val.count);
		}
		first = 0;
	}
	lb_store_iter_free(it);
	if (json)
		printf("]}\n");
	if (n < 0) {
		err = n;
		goto fail;
	}
	rc = LB_EXIT_OK;
	(void)lb_store_close(s);
	return rc;
fail:
	fprintf(stderr, "lookback stats: %s: %s\n", db, lb_store_errmsg(s, err));
	(void)lb_store_close(s);
	return LB_EXIT_STORE;
}
