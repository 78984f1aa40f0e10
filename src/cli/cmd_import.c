/*
 * cmd_import.c - `lookback import`: load DNS logs and feeds (Zeek, Suricata
 * EVE, Route 53 Resolver logs, passivedns, COF/DNSDB NDJSON, zone files)
 * as JSON lines or into a store.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cmds.h"
#include "cli/send_cli.h"
#include "cli/window_cli.h"
#include "dns/name.h"
#include "dns/rdata.h"
#include "dns/rrtype.h"
#include "observe/jsonl.h"
#include "observe/window.h"
#include "sources/source.h"
#include "store/store.h"
#include "util/hash.h"
#include "util/hset.h"
#include "util/json.h"

static void help(FILE *out)
{
	fprintf(out,
		"usage: lookback import [options] FILE...\n"
		"\n"
		"Import DNS answers from logs and feeds.  FILE '-' reads stdin; gzip, zstd\n"
		"and xz files are decompressed transparently.\n"
		"\n"
		"  -f, --format F        auto (default: detected per file from its first lines),\n"
		"                        zeek, suricata, route53, passivedns, cof, zone, misp\n"
		"  -s, --source NAME     source id recorded with every record (sensor_id);\n"
		"                        default: the format name\n"
		"      --jsonl           print observations as JSON lines on stdout\n"
		"      --db DIR          write into the store in DIR (created if missing);\n"
		"                        without --db, --send or --jsonl the input is only\n"
		"                        read and counted (a check of it), nothing stored\n"
		LB_WIN_HELP
		LB_SEND_HELP
		"      --strict          stop at the first bad line\n"
		"      --zone-time EPOCH zone files: time for zone_time_first/last\n"
		"                        (default: the file's modification time)\n"
		"      --origin NAME     zone files: initial $ORIGIN\n"
		"      --allow-include   zone files: honour $INCLUDE (off by default; regular\n"
		"                        files only, no loops, at most 8 deep and 256 per file)\n"
		"      --passivedns-fields LETTERS\n"
		"                        passivedns text logs written with -f LETTERS (its own\n"
		"                        letters: H S M c s C Q L T A l t p n h w W; passivedns\n"
		"                        prints them in a fixed order, whatever their order);\n"
		"                        default: its default fields, count optional\n"
		"      --passivedns-delimiter STR\n"
		"                        passivedns text logs written with -d STR: the field\n"
		"                        delimiter, taken literally (default ||; at most 16\n"
		"                        bytes, no line break)\n"
		"      --passivedns-utc-offset OFFSET\n"
		"                        passivedns -f H stamps are the sensor's local time:\n"
		"                        its offset from UTC, +HH:MM or -HH:MM (default: read\n"
		"                        as UTC, counted as a note)\n"
		"      --max-line N      longest line accepted, bytes (default 1048576)\n"
		"  -q, --quiet           no progress line, no summary\n"
		"  -h, --help            this text\n"
		"\n"
		"The summary (stderr) counts records, observations, skipped records and bad\n"
		"lines by reason with their first line numbers.  docs/IMPORT.md describes\n"
		"each format and how answers without owner names are attached.\n"
		"\n"
		"exit status: 0 all lines imported, 2 usage error, unreadable input or bad\n"
		"lines (everything else was imported), 3 store or read error; stopped by\n"
		"SIGINT/SIGTERM before the end of the input: 130/143 (what was read is stored).\n");
}

struct imp {
	bool jsonl;
	lb_ingest_t *ing;
	lb_obs_sink_t win;
	int store_err;
	/* the sources whose freshness the input gave (COF source lines, which
	 * an export writes before its records): not derived from records too */
	lb_hset_t given;
	uint64_t given_seed;
};

static uint64_t source_hash(const struct imp *im, const char *name)
{
	return lb_hash64((const uint8_t *)name, strlen(name), im->given_seed);
}

static volatile sig_atomic_t hup_flag, stop_flag, stop_sig;

static void on_hup(int sig)
{
	(void)sig;
	hup_flag = 1; /* write the window out now (see --help) */
}

/* SIGINT, SIGTERM: reading stops (lb_src_opts_t.interrupt); what was read
 * is written to the store, and the exit status is 128 + the signal. */
static void on_stop(int sig)
{
	stop_sig = sig;
	stop_flag = 1;
}

/* While files are read (lb_lr_set_idle): the window's wall clock moves on, so
 * a quiet pipe (`tail -F eve.json | lookback import -`) still reaches the store
 * after --flush-secs; SIGHUP writes the window out at once. */
static void on_idle(void *ctx)
{
	struct imp *im = ctx;
	if (!im->ing || im->store_err)
		return;
	if (hup_flag) {
		hup_flag = 0;
		im->store_err = lb_window_flush(lb_ingest_window(im->ing));
	} else {
		im->store_err = lb_window_tick(lb_ingest_window(im->ing), (uint64_t)time(NULL));
	}
}

static void put_name(const char *key, const uint8_t *name)
{
	char t[LB_NAME_TEXT_MAX];
	printf(",\"%s\":", key);
	if (name && lb_name_to_text(name, t, sizeof t) >= 0)
		lb_json_put_str(stdout, t);
	else
		fputs("null", stdout);
}

static void aggr_jsonl(const lb_src_aggr_t *a)
{
	const lb_obs_rrset_t *o = a->rr;
	char t[LB_NAME_TEXT_MAX];
	fputs("{\"rrname\":", stdout);
	if (lb_name_to_text(o->owner, t, sizeof t) >= 0)
		lb_json_put_str(stdout, t);
	else
		fputs("null", stdout);
	const char *m = lb_rrtype_name(o->type);
	if (m)
		printf(",\"rrtype\":\"%s\"", m);
	else
		printf(",\"rrtype\":%u", o->type);
	const char *c = lb_class_name(o->rclass);
	if (c)
		printf(",\"class\":\"%s\"", c);
	else
		printf(",\"class\":%u", o->rclass);
	fputs(",\"rdata\":[", stdout);
	for (size_t i = 0; i < o->nrdata; i++) {
		if (i)
			putchar(',');
		const char *text = lb_rdata_text(o->type, o->rdata[i], o->rdlen[i]);
		lb_json_put_str(stdout, text ? text : "");
	}
	putchar(']');
	put_name("bailiwick", o->bailiwick);
	if (a->count || a->time_first || a->time_last)
		printf(",\"time_first\":%" PRIu64 ",\"time_last\":%" PRIu64 ",\"count\":%" PRIu64,
		       a->time_first, a->time_last, a->count);
	if (a->zone_first || a->zone_last)
		printf(",\"zone_time_first\":%" PRIu64 ",\"zone_time_last\":%" PRIu64, a->zone_first,
		       a->zone_last);
	if (o->sensor) {
		fputs(",\"sensor_id\":", stdout);
		lb_json_put_str(stdout, o->sensor);
	}
	fputs("}\n", stdout);
}

/* The freshness records (`V s`, what `stats` lists per source and takes the
 * store's oldest and newest data from) of an aggregated entry: its sources
 * saw it from its first time (sensor or zone) to its newest, count times, as
 * the window notes observations.  The count goes to the first source named
 * (an entry does not say how the others' sightings split), so that the
 * sources' counts add up to the entries' as they do after a capture; an
 * entry with zone times alone (no sightings) counts as one record read.
 * A source whose freshness the input gave itself (on_source) is left out. */
static int aggr_sensors(struct imp *im, const lb_src_aggr_t *a, const char *sensor)
{
	const char *one[1] = { sensor };
	const char *const *names = a->nsources ? a->sources : one;
	size_t nn = a->nsources ? a->nsources : (sensor && *sensor ? 1 : 0);
	uint64_t newest = a->time_last > a->zone_last ? a->time_last : a->zone_last;
	uint64_t first = a->time_first;
	if (!first || (a->zone_first && a->zone_first < first))
		first = a->zone_first;
	if (!first || first > newest)
		first = newest;
	int err = 0;
	for (size_t i = 0; !err && i < nn; i++) {
		if (im->given.n && lb_hset_has(&im->given, source_hash(im, names[i])))
			continue;
		lb_store_rec_t sr;
		memset(&sr, 0, sizeof sr);
		sr.kind = LB_REC_SENSOR;
		sr.sensor = names[i];
		sr.val.time_first = first;
		sr.val.time_last = newest;
		sr.val.count = i > 0 ? 0 : a->time_last ? a->count : 1;
		err = lb_ingest_add(im->ing, &sr);
	}
	return err;
}

/* An aggregated entry goes straight to the store: it carries its own counters. */
static int aggr_store(struct imp *im, const lb_src_aggr_t *a)
{
	const lb_obs_rrset_t *o = a->rr;
	if (o->rclass != 1)
		return 0; /* the store keeps class IN only */
	lb_store_rec_t r;
	memset(&r, 0, sizeof r);
	r.kind = LB_REC_RRSET;
	r.owner = o->owner;
	r.owner_len = o->owner_len;
	r.bailiwick = o->bailiwick;
	r.bailiwick_len = o->bailiwick_len;
	r.type = o->type;
	r.nrdata = o->nrdata;
	r.rdata = o->rdata;
	r.rdlen = o->rdlen;
	if (a->count || a->time_first || a->time_last) {
		/* what an aggregate says: seen between first and last, count
		 * times - one run over those days holding the whole count (the
		 * days in between are not known to be inactive) */
		uint64_t f = a->time_first ? a->time_first : a->time_last;
		uint64_t l = a->time_last > f ? a->time_last : f;
		lb_store_val_seen(&r.val, f, a->count);
		r.val.time_last = l;
		r.val.runs[0].len = (uint32_t)(l / 86400) - (uint32_t)(f / 86400) + 1;
		if (a->nruns) { /* the days it was seen on, as exported */
			memcpy(r.val.runs, a->runs, a->nruns * sizeof a->runs[0]);
			r.val.nruns = a->nruns;
			r.val.runs_uncounted = a->runs_uncounted;
		}
	}
	r.val.zone_first = a->zone_first;
	r.val.zone_last = a->zone_last;
	/* the entry's own sources (COF sensor_ids), else the import's source */
	r.sources = a->sources;
	r.nsources = a->nsources;
	r.sources_more = a->sources_more;
	r.sensor = o->sensor;
	int err = lb_ingest_add(im->ing, &r);
	return err ? err : aggr_sensors(im, a, o->sensor);
}

/* An aggregated negative answer (COF "negative":true). */
static void aggr_neg_jsonl(const lb_src_aggr_t *a)
{
	const lb_obs_neg_t *n = a->neg;
	char t[LB_NAME_TEXT_MAX];
	fputs("{\"qname\":", stdout);
	if (lb_name_to_text(n->qname, t, sizeof t) >= 0)
		lb_json_put_str(stdout, t);
	else
		fputs("null", stdout);
	const char *m = lb_rrtype_name(n->qtype);
	if (m)
		printf(",\"qtype\":\"%s\"", m);
	else
		printf(",\"qtype\":%u", n->qtype);
	const char *rc = lb_rcode_name(n->rcode);
	if (rc)
		printf(",\"rcode\":\"%s\"", rc);
	else
		printf(",\"rcode\":%u", n->rcode);
	put_name("bailiwick", n->bailiwick);
	printf(",\"time_first\":%" PRIu64 ",\"time_last\":%" PRIu64 ",\"count\":%" PRIu64,
	       a->time_first, a->time_last, a->count);
	if (n->sensor) {
		fputs(",\"sensor_id\":", stdout);
		lb_json_put_str(stdout, n->sensor);
	}
	fputs(",\"negative\":true}\n", stdout);
}

static int aggr_neg_store(struct imp *im, const lb_src_aggr_t *a)
{
	const lb_obs_neg_t *n = a->neg;
	lb_store_rec_t r;
	memset(&r, 0, sizeof r);
	r.kind = LB_REC_NEG;
	r.owner = n->qname;
	r.owner_len = n->qname_len;
	r.bailiwick = n->bailiwick;
	r.bailiwick_len = n->bailiwick_len;
	r.type = n->qtype;
	r.rcode = n->rcode;
	r.sensor = n->sensor;
	r.sources = a->sources;
	r.nsources = a->nsources;
	r.sources_more = a->sources_more;
	lb_store_val_t last;
	lb_store_val_seen(&r.val, a->time_first, a->count);
	lb_store_val_seen(&last, a->time_last, 0);
	lb_store_val_merge(&r.val, &last);
	int err = lb_ingest_add(im->ing, &r);
	return err ? err : aggr_sensors(im, a, n->sensor);
}

static void on_aggr_neg(void *ctx, const lb_src_aggr_t *a)
{
	struct imp *im = ctx;
	if (im->jsonl)
		aggr_neg_jsonl(a);
	if (im->ing && !im->store_err)
		im->store_err = aggr_neg_store(im, a);
}

/* A source's own freshness (a COF source line): stored as it is, and the
 * records' sightings of that source no longer derive it (aggr_sensors), so
 * an exported store's sources come back with the freshness they had. */
static void on_source(void *ctx, const char *name, uint64_t first, uint64_t last, uint64_t count)
{
	struct imp *im = ctx;
	if (!im->ing || im->store_err)
		return;
	lb_store_rec_t sr;
	memset(&sr, 0, sizeof sr);
	sr.kind = LB_REC_SENSOR;
	sr.sensor = name;
	sr.val.time_first = first;
	sr.val.time_last = last;
	sr.val.count = count;
	im->store_err = lb_ingest_add(im->ing, &sr);
	/* (a full set: the records' sightings are derived for it as before) */
	(void)lb_hset_add(&im->given, source_hash(im, name));
}

static void on_rrset(void *ctx, const lb_obs_rrset_t *o)
{
	struct imp *im = ctx;
	if (im->jsonl)
		lb_jsonl_rrset(stdout, o, -1);
	if (im->ing)
		im->win.rrset(im->win.ctx, o);
}

static void on_negative(void *ctx, const lb_obs_neg_t *o)
{
	struct imp *im = ctx;
	if (im->jsonl)
		lb_jsonl_negative(stdout, o, -1);
	if (im->ing)
		im->win.negative(im->win.ctx, o);
}

static void on_aggr(void *ctx, const lb_src_aggr_t *a)
{
	struct imp *im = ctx;
	if (im->jsonl)
		aggr_jsonl(a);
	if (im->ing && !im->store_err)
		im->store_err = aggr_store(im, a);
}

enum { O_JSONL = 256, O_DB, O_STRICT, O_ZONE_TIME, O_ORIGIN, O_INCLUDE, O_MAX_LINE, O_PD_FIELDS,
       O_PD_OFFSET, O_PD_DELIM };

/* "+HH:MM", "-HHMM", "+HH" (-12:00 to +14:00) -> seconds east of UTC.  0 or -1. */
static int utc_offset(const char *t, int32_t *out)
{
	int h, m = 0;
	size_t n = strlen(t);
	if ((t[0] != '+' && t[0] != '-') || (n != 3 && n != 5 && n != 6))
		return -1;
	for (size_t i = 1; i < n; i++)
		if (!(t[i] >= '0' && t[i] <= '9') && !(n == 6 && i == 3 && t[i] == ':'))
			return -1;
	h = (t[1] - '0') * 10 + (t[2] - '0');
	if (n > 3)
		m = (t[n - 2] - '0') * 10 + (t[n - 1] - '0');
	int v = (h * 60 + m) * 60 * (t[0] == '-' ? -1 : 1);
	if (m > 59 || v < -12 * 3600 || v > 14 * 3600)
		return -1;
	*out = v;
	return 0;
}

int lb_cmd_import(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "source", required_argument, NULL, 's' },
		{ "jsonl", no_argument, NULL, O_JSONL },
		{ "db", required_argument, NULL, O_DB },
		{ "strict", no_argument, NULL, O_STRICT },
		{ "zone-time", required_argument, NULL, O_ZONE_TIME },
		{ "origin", required_argument, NULL, O_ORIGIN },
		{ "allow-include", no_argument, NULL, O_INCLUDE },
		{ "max-line", required_argument, NULL, O_MAX_LINE },
		{ "passivedns-fields", required_argument, NULL, O_PD_FIELDS },
		{ "passivedns-utc-offset", required_argument, NULL, O_PD_OFFSET },
		{ "passivedns-delimiter", required_argument, NULL, O_PD_DELIM },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		LB_SEND_LONGOPTS,
		LB_WIN_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	lb_send_cli_t send = { 0 };
	lb_win_cli_t win;
	lb_win_cli_init(&win);
	lb_src_opts_t so = { .fmt = LB_FMT_AUTO, .zone_time = -1 };
	struct imp im = { 0 };
	lb_hset_init(&im.given, 64, (size_t)1 << 17); /* a store names at most 65536 sources */
	im.given_seed = lb_hash_seed();
	const char *db = NULL;
	bool quiet = false;
	int c, rc = LB_EXIT_OK;
	optind = 1;
	while ((c = getopt_long(argc, argv, "f:s:qh", opts, NULL)) != -1) {
		char *end;
		switch (c) {
		case 'f':
			if (lb_src_fmt_from_name(optarg, &so.fmt)) {
				fprintf(stderr, "lookback import: unknown format '%s'\n", optarg);
				return LB_EXIT_USAGE;
			}
			break;
		case 's':
			if (lb_win_cli_sensor("import", "--source", optarg))
				return LB_EXIT_USAGE;
			so.source = optarg;
			break;
		case O_JSONL: im.jsonl = true; break;
		case O_DB: db = optarg; break;
		case O_STRICT: so.strict = true; break;
		case O_ZONE_TIME:
			errno = 0;
			so.zone_time = strtoll(optarg, &end, 10);
			if (!*optarg || *end || errno || so.zone_time < 0 ||
			    (uint64_t)so.zone_time > LB_TIME_MAX) {
				fprintf(stderr, "lookback import: --zone-time wants Unix seconds\n");
				return LB_EXIT_USAGE;
			}
			break;
		case O_ORIGIN: {
			uint8_t w[LB_NAME_MAX];
			if (lb_name_from_text(optarg, strlen(optarg), NULL, w, sizeof w) < 0 || !*optarg) {
				fprintf(stderr, "lookback import: bad --origin '%s' (want a domain name)\n",
					optarg);
				return LB_EXIT_USAGE;
			}
			so.origin = optarg;
			break;
		}
		case O_INCLUDE: so.allow_include = true; break;
		case O_PD_FIELDS: {
			const char *why;
			if (lb_src_pd_fields_check(optarg, &why)) {
				fprintf(stderr, "lookback import: --passivedns-fields '%s': %s\n", optarg,
					why);
				return LB_EXIT_USAGE;
			}
			so.pd_fields = optarg;
			break;
		}
		case O_PD_DELIM: {
			const char *why;
			if (lb_src_pd_delim_check(optarg, &why)) {
				fprintf(stderr, "lookback import: --passivedns-delimiter: %s (want the "
						"string passivedns -d was given: 1 to %d bytes, no "
						"line break)\n", why, LB_SRC_PD_DELIM_MAX);
				return LB_EXIT_USAGE;
			}
			so.pd_delim = optarg;
			break;
		}
		case O_PD_OFFSET:
			if (utc_offset(optarg, &so.pd_utc_offset)) {
				fprintf(stderr, "lookback import: --passivedns-utc-offset wants +HH:MM or "
						"-HH:MM (-12:00 to +14:00)\n");
				return LB_EXIT_USAGE;
			}
			so.pd_utc_offset_set = true;
			break;
		case O_MAX_LINE: {
			unsigned long long v = strtoull(optarg, &end, 10);
			if (*end || v < 64 || v > (256ull << 20)) {
				fprintf(stderr, "lookback import: --max-line must be 64..268435456\n");
				return LB_EXIT_USAGE;
			}
			so.max_line = (size_t)v;
			break;
		}
		case 'q': quiet = true; break;
		case 'h': help(stdout); return LB_EXIT_OK;
		default: {
			int r = lb_send_cli_opt(&send, "import", c, optarg);
			if (r == 0)
				r = lb_win_cli_opt(&win, "import", c, optarg);
			switch (r) {
			case 1: break;
			case -1: return LB_EXIT_USAGE;
			default: help(stderr); return LB_EXIT_USAGE;
			}
		}
		}
	}
	if (lb_win_cli_check(&win, "import", db, send.addr) != 0 ||
	    lb_send_cli_check(&send, "import") != 0)
		return LB_EXIT_USAGE;
	if (optind >= argc) {
		fprintf(stderr, "lookback import: no input file (use '-' for stdin)\n");
		help(stderr);
		return LB_EXIT_USAGE;
	}
	/* a typo in a file name is a usage error, before any store is made */
	if (lb_cli_check_inputs("import", (const char *const *)(argv + optind), argc - optind) != 0)
		return LB_EXIT_USAGE;
	so.progress = !quiet && isatty(STDERR_FILENO);
	lb_src_t *src = NULL;
	int err;
	if (db) {
		win.wopts.input_waits = 1; /* files and pipes */
		err = lb_win_cli_open(&win, "import", db, so.source, &im.ing);
		if (err) {
			lb_ingest_close(im.ing);
			return LB_EXIT_STORE;
		}
		im.win = lb_ingest_sink(im.ing);
	} else if (send.addr) {
		err = lb_send_cli_open(&send, "import", so.source, &win.wopts, &im.ing);
		if (err) {
			lb_ingest_close(im.ing);
			lb_send_cli_close(&send, "import", NULL, false, stderr);
			return lb_send_cli_exit(err);
		}
		im.win = lb_ingest_sink(im.ing);
	}
	if (im.ing) {
		so.idle = on_idle;
		so.idle_ctx = &im;
		struct sigaction sa;
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = on_hup; /* no SA_RESTART: a waiting read returns at once */
		sigaction(SIGHUP, &sa, NULL);
	}
	struct sigaction sst;
	memset(&sst, 0, sizeof sst);
	sst.sa_handler = on_stop; /* no SA_RESTART either */
	sigaction(SIGINT, &sst, NULL);
	sigaction(SIGTERM, &sst, NULL);
	so.interrupt = &stop_flag;
	lb_src_sink_t sink = {
		.obs = { .rrset = on_rrset, .negative = on_negative, .ctx = &im },
		.aggr = on_aggr, .aggr_ctx = &im, .aggr_neg = on_aggr_neg, .source = on_source,
	};
	err = lb_src_new(&so, &sink, &src);
	if (err) {
		fprintf(stderr, "lookback import: %s\n", lb_strerror(err));
		rc = LB_EXIT_STORE;
		goto out;
	}
	for (int i = optind; i < argc; i++) {
		err = stop_flag ? LB_EINTR : lb_src_import_file(src, argv[i]);
		if (err == LB_EINTR) {
			fprintf(stderr, "lookback import: %s: interrupted (signal %d): what was read "
					"is kept%s\n", argv[i], (int)stop_sig,
				im.ing ? " (the window is written out now)" : "");
			rc = 128 + (int)stop_sig;
			break;
		}
		if (err == LB_ETEXT) {
			fprintf(stderr, "lookback import: %s: stopped at the first bad line (--strict)\n",
				argv[i]);
			rc = LB_EXIT_USAGE;
			break;
		}
		if (err) {
			/* LB_ECORRUPT from a file being read is its compressed stream */
			fprintf(stderr, "lookback import: %s: %s\n", argv[i],
				err == LB_ECORRUPT ? "the compressed input is corrupt, cut short, or needs "
						     "more memory to decompress than allowed (xz 256 MiB, "
						     "zstd 128 MiB)"
						   : lb_strerror(err));
			if (err == LB_EIO || err == LB_ECORRUPT) {
				rc = LB_EXIT_STORE;
			} else if (rc == LB_EXIT_OK) {
				rc = LB_EXIT_USAGE;
			}
		}
		if (im.store_err)
			break;
	}
	if (lb_src_bad_total(lb_src_counts(src)) && rc == LB_EXIT_OK)
		rc = LB_EXIT_USAGE;
out:
	fflush(stdout);
	char m[600];
	snprintf(m, sizeof m, "%s", lb_strerror(im.store_err));
	/* --compact: the input was read to its end (bad lines skipped) */
	if ((rc == LB_EXIT_OK || rc == LB_EXIT_USAGE) && !stop_flag && !im.store_err && src &&
	    lb_win_cli_compact(&win, "import", db, im.ing, so.progress) != 0)
		rc = LB_EXIT_STORE;
	if (im.ing) {
		im.store_err = lb_ingest_finish(im.ing, im.store_err, m, sizeof m);
		im.ing = NULL;
	}
	if (im.store_err) {
		fprintf(stderr, "lookback import: %s: %s\n", db ? db : send.addr, m);
		rc = LB_EXIT_STORE;
	}
	if (lb_send_cli_close(&send, "import", &stop_flag, !quiet, stderr))
		rc = LB_EXIT_STORE;
	if (src && (!quiet || rc != LB_EXIT_OK))
		lb_src_print_summary(src, stderr);
	/* the summary's "records imported" are only counted then */
	if (src && !quiet && !db && !send.addr && !im.jsonl)
		fprintf(stderr, "import: nothing was stored (no --db DIR, --send or --jsonl): the "
				"input was only read and counted\n");
	lb_src_free(src);
	lb_hset_free(&im.given);
	rc = lb_cli_out_rc("import", rc);
	return rc;
}
