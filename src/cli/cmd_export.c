/*
 * cmd_export.c - `lookback export`: the whole store, or one query's result,
 * as COF NDJSON or as a zone-file-like text view, streamed record by record
 * from the store iterators (nothing is collected in memory).
 *
 * A full dump walks the rrset table in key order as two scans of the store
 * API: the root owner itself (EXACT ".") and every owner below the root
 * (BELOW "."), then the negative-answer table the same way.  No store change
 * was needed for it.
 *
 * COF: rrsets exactly as `query --format cof` writes them (rrname, rrtype,
 * rdata array, time_first/time_last, count, bailiwick, zone_time_first/last
 * when set); negative answers as COF-like objects
 * {"rrname","rrtype","negative":true,"rcode","rdata":[],times,count,bailiwick}
 * which `lookback import --format cof` reads back.  Records carry the
 * sources that saw them (sensor_id, and sensor_ids when more than one), which
 * the import keeps.  A dump of the whole store (no filter, negatives in)
 * begins with one line per source, {"source","time_first","time_last",
 * "count"}: its own freshness (dump_sources), which no record carries.
 *
 * Zone view: one RR per line, "owner IN TYPE rdata ; first=.. last=.. count=..",
 * owners absolute, no TTL; negative answers only as comment lines.  Its
 * first line is ZONE_VIEW_MARKER, which tells the zone importer that
 * the file holds many zones (no apex, nothing out of zone).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <lzma.h>
#include <zlib.h>
#include <zstd.h>

#include "cli/cmds.h"
#include "dns/name.h"
#include "dns/rdata.h"
#include "dns/rrtype.h"
#include "query/args.h"
#include "query/query.h"
#include "sensor/sensor.h" /* LB_INGEST_BOOKMARK_PREFIX */
#include "store/store.h"
#include "util/json.h"

/* = LB_SRC_ZONE_VIEW_MARKER of sources/source.h, which cannot be included
 * beside query/query.h (both name an enumerator LB_FMT_COF); the scenario
 * test tests/scenario/export.sh reads the view back through the importer. */
#define ZONE_VIEW_MARKER "; lookback zone view"

enum exp_fmt { EXP_COF = 0, EXP_ZONE };

struct exp {
	lb_out_t out;          /* COF records and the text scratch */
	enum exp_fmt fmt;
	const lb_query_t *q;
	uint64_t skipped;      /* offset still to skip */
	uint64_t n;            /* records written */
	bool limited;
	bool progress;
	struct timespec t0, tlast;
};

static void usage(FILE *f)
{
	fputs("usage: lookback export --db DIR [LOOKUP] [FILTERS] [-f cof|zone] [-o FILE]\n"
	      "  -d, --db DIR        the store\n"
	      "\n"
	      "Without a lookup: every rrset of the store, then every negative answer,\n"
	      "in key order; in COF, the whole store (no filter) begins with one line per\n"
	      "source, {\"source\":NAME,\"time_first\",\"time_last\",\"count\"}: its own first\n"
	      "and newest observation and how many (stats), which import -f cof keeps.\n"
	      "With one lookup (-r, -n, -i, --raw-rrset, --raw-rdata,\n"
	      "--negative; see `lookback query --help`): that query's result.\n"
	      "Filters as for query (-t, -b, --first-before ... -A -B -c, -l, --offset);\n"
	      "the defaults differ: every type (-t ALL) and no limit (-l 0).\n"
	      "\n"
	      "  -f, --format F      cof (default; json and ndjson name it too): COF NDJSON;\n"
	      "                      negative answers as objects\n"
	      "                      with \"negative\":true (import --format cof reads them back)\n"
	      "                      zone: one RR per line in master-file syntax, no TTL,\n"
	      "                      '; first=.. last=.. count=..' comments\n"
	      "  -o, --output FILE   write to FILE (default stdout); FILE.gz, FILE.zst and\n"
	      "                      FILE.xz are compressed\n"
	      "      --no-negative   leave negative answers and the source lines out of a\n"
	      "                      full dump: COF records only\n"
	      "  -g, --unaggregated  with a lookup: one row per run of days the rrset was\n"
	      "                      seen on, with that run's count (as query -g)\n"
	      "  -q, --quiet         no progress line on a terminal\n"
	      "  -h, --help          this text\n"
	      "\n"
	      "exit status: 0 done, 2 usage error, 3 store or write error\n",
	      f);
}

/* ---- compressed output through fopencookie ---- */

struct zcookie {
	FILE *raw;
	gzFile gz;
	ZSTD_CStream *zs;
	lzma_stream xs;
	bool xz;
	uint8_t *zbuf;
	size_t zcap;
};

/* Run the xz encoder over what xs holds (action LZMA_RUN or LZMA_FINISH),
 * writing what it gives; 0, or -1 on an encoder or write error. */
static int xz_pump(struct zcookie *z, lzma_action action)
{
	for (;;) {
		z->xs.next_out = z->zbuf;
		z->xs.avail_out = z->zcap;
		lzma_ret r = lzma_code(&z->xs, action);
		size_t n = z->zcap - z->xs.avail_out;
		if ((r != LZMA_OK && r != LZMA_STREAM_END) || fwrite(z->zbuf, 1, n, z->raw) != n)
			return -1;
		if (action == LZMA_FINISH ? r == LZMA_STREAM_END : z->xs.avail_in == 0)
			return 0;
	}
}

static ssize_t z_write(void *c, const char *buf, size_t len)
{
	struct zcookie *z = c;
	if (len == 0)
		return 0;
	if (z->gz) {
		int w = gzwrite(z->gz, buf, (unsigned)len);
		return w > 0 ? (ssize_t)w : -1;
	}
	if (z->xz) {
		z->xs.next_in = (const uint8_t *)buf;
		z->xs.avail_in = len;
		return xz_pump(z, LZMA_RUN) ? -1 : (ssize_t)len;
	}
	ZSTD_inBuffer in = { buf, len, 0 };
	while (in.pos < in.size) {
		ZSTD_outBuffer o = { z->zbuf, z->zcap, 0 };
		size_t r = ZSTD_compressStream2(z->zs, &o, &in, ZSTD_e_continue);
		if (ZSTD_isError(r) || fwrite(z->zbuf, 1, o.pos, z->raw) != o.pos)
			return -1;
	}
	return (ssize_t)len;
}

static int z_close(void *c)
{
	struct zcookie *z = c;
	int rc = 0;
	if (z->gz) {
		rc = gzclose(z->gz) == Z_OK ? 0 : EOF;
	} else if (z->xz) {
		z->xs.next_in = NULL;
		z->xs.avail_in = 0;
		if (xz_pump(z, LZMA_FINISH))
			rc = EOF;
		lzma_end(&z->xs);
		free(z->zbuf);
		if (fclose(z->raw))
			rc = EOF;
	} else {
		size_t r;
		do {
			ZSTD_inBuffer in = { NULL, 0, 0 };
			ZSTD_outBuffer o = { z->zbuf, z->zcap, 0 };
			r = ZSTD_compressStream2(z->zs, &o, &in, ZSTD_e_end);
			if (ZSTD_isError(r) || fwrite(z->zbuf, 1, o.pos, z->raw) != o.pos) {
				rc = EOF;
				break;
			}
		} while (r);
		ZSTD_freeCStream(z->zs);
		free(z->zbuf);
		if (fclose(z->raw))
			rc = EOF;
	}
	free(z);
	return rc;
}

static bool ends_with(const char *s, const char *suf)
{
	size_t a = strlen(s), b = strlen(suf);
	return a >= b && !strcmp(s + a - b, suf);
}

/* Open path for writing, compressed by its suffix.  NULL with errno set. */
static FILE *open_output(const char *path)
{
	bool gz = ends_with(path, ".gz"), zst = ends_with(path, ".zst"), xz = ends_with(path, ".xz");
	FILE *raw = fopen(path, "wb");
	if (!raw || (!gz && !zst && !xz))
		return raw;
	struct zcookie *z = calloc(1, sizeof *z);
	if (!z)
		goto fail;
	z->raw = raw;
	if (gz) {
		z->gz = gzdopen(fileno(raw), "wb6");
		if (!z->gz)
			goto fail;
		z->raw = NULL; /* gzclose closes the descriptor */
	} else if (xz) {
		/* preset 3: xz -3, a 4 MiB dictionary (about 32 MiB to compress);
		 * CRC64 as xz writes it */
		z->xs = (lzma_stream)LZMA_STREAM_INIT;
		z->zcap = 1 << 16;
		z->zbuf = malloc(z->zcap);
		if (!z->zbuf || lzma_easy_encoder(&z->xs, 3, LZMA_CHECK_CRC64) != LZMA_OK)
			goto fail;
		z->xz = true;
	} else {
		z->zs = ZSTD_createCStream();
		z->zcap = ZSTD_CStreamOutSize();
		z->zbuf = malloc(z->zcap);
		if (!z->zs || !z->zbuf)
			goto fail;
		ZSTD_CCtx_setParameter(z->zs, ZSTD_c_compressionLevel, 3);
	}
	cookie_io_functions_t io = { .write = z_write, .close = z_close };
	FILE *f = fopencookie(z, "w", io);
	if (f) {
		setvbuf(f, NULL, _IOFBF, 1 << 16);
		return f;
	}
fail:
	if (z) {
		if (z->zs)
			ZSTD_freeCStream(z->zs);
		if (z->xz)
			lzma_end(&z->xs);
		free(z->zbuf);
		free(z);
	}
	fclose(raw);
	errno = errno ? errno : ENOMEM;
	return NULL;
}

/* ---- records ---- */

static void put_name(FILE *f, const uint8_t *name)
{
	char t[LB_NAME_TEXT_MAX + 1];
	if (lb_name_to_text(name, t, sizeof t) < 0)
		snprintf(t, sizeof t, "?");
	lb_json_put_str(f, t);
}

static void neg_cof(FILE *f, const lb_store_rec_t *r)
{
	fputs("{\"rrname\":", f);
	put_name(f, r->owner);
	const char *tn = lb_rrtype_name(r->type);
	fputs(",\"rrtype\":", f);
	if (tn)
		lb_json_put_str(f, tn);
	else
		fprintf(f, "%u", r->type);
	fputs(",\"negative\":true,\"rcode\":", f);
	const char *rc = lb_rcode_name(r->rcode);
	if (rc)
		lb_json_put_str(f, rc);
	else
		fprintf(f, "%u", r->rcode);
	fprintf(f, ",\"rdata\":[],\"time_first\":%llu,\"time_last\":%llu,\"count\":%llu",
		(unsigned long long)r->val.time_first, (unsigned long long)r->val.time_last,
		(unsigned long long)r->val.count);
	if (r->bailiwick) {
		fputs(",\"bailiwick\":", f);
		put_name(f, r->bailiwick);
	}
	lb_out_cof_sources(f, r);
	lb_out_cof_sources_more(f, r);
	fputs("}\n", f);
}

static void zone_comment(FILE *f, const lb_store_rec_t *r)
{
	char b[LB_NAME_TEXT_MAX + 1];
	if (r->val.time_last || !r->val.zone_last)
		fprintf(f, " first=%llu last=%llu", (unsigned long long)r->val.time_first,
			(unsigned long long)r->val.time_last);
	fprintf(f, " count=%llu", (unsigned long long)r->val.count);
	if (r->val.zone_last)
		fprintf(f, " zone_first=%llu zone_last=%llu", (unsigned long long)r->val.zone_first,
			(unsigned long long)r->val.zone_last);
	if (r->kind != LB_REC_RDATA && r->bailiwick && lb_name_to_text(r->bailiwick, b, sizeof b) >= 0)
		fprintf(f, " bailiwick=%s", b);
	fputc('\n', f);
}

static void zone_rec(struct exp *e, const lb_store_rec_t *r)
{
	FILE *f = e->out.f;
	char nb[LB_NAME_TEXT_MAX + 1], tb[32];
	if (lb_name_to_text(r->owner, nb, sizeof nb) < 0)
		return;
	if (lb_rrtype_to_text(r->type, tb, sizeof tb) < 0)
		snprintf(tb, sizeof tb, "TYPE%u", r->type);
	if (r->kind == LB_REC_NEG) {
		const char *rc = lb_rcode_name(r->rcode);
		fprintf(f, "; negative %s %s ", nb, tb);
		if (rc)
			fputs(rc, f);
		else
			fprintf(f, "RCODE%u", r->rcode);
		fputs(" ;", f);
		zone_comment(f, r);
		return;
	}
	for (size_t i = 0; i < r->nrdata; i++) {
		if (lb_out_text(&e->out, r->type, r->rdata[i], r->rdlen[i]) < 0)
			continue; /* cannot happen for canonical rdata; never write a broken line */
		fprintf(f, "%s IN %s %s ;", nb, tb, e->out.buf);
		zone_comment(f, r);
	}
}

static double secs(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

static void progress(struct exp *e, bool last)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (!last && secs(&e->tlast, &now) < 0.5)
		return;
	e->tlast = now;
	double dt = secs(&e->t0, &now);
	fprintf(stderr, "\rexport: %llu records, %.0f/s%s", (unsigned long long)e->n,
		dt > 0 ? (double)e->n / dt : 0.0, last ? "\n" : "   ");
}

/* 1 = keep going, 0 = limit reached. */
static int emit(struct exp *e, const lb_store_rec_t *r)
{
	if (e->skipped) {
		e->skipped--;
		return 1;
	}
	if (e->q->limit && e->n == e->q->limit) {
		e->limited = true;
		return 0;
	}
	if (e->fmt == EXP_ZONE)
		zone_rec(e, r);
	else if (r->kind == LB_REC_NEG)
		neg_cof(e->out.f, r);
	else
		lb_out_rec(&e->out, r);
	e->n++;
	if (e->progress && (e->n & 4095) == 0)
		progress(e, false);
	return 1;
}

/* One store scan of a full dump, with the query's type/bailiwick/time filters. */
static int dump_scan(lb_store_t *s, struct exp *e, enum lb_scan_kind kind, enum lb_match m)
{
	static const uint8_t root[1] = { 0 };
	const lb_query_t *q = e->q;
	lb_store_scan_t sc = { .kind = kind, .match = m, .name = root, .name_len = 1 };
	lb_store_iter_t *it;
	int err = lb_store_iter_new(s, &sc, &it);
	if (err)
		return err;
	lb_store_rec_t r;
	while ((err = lb_store_iter_next(it, &r)) > 0) {
		if (!lb_query_type_ok(q, r.type) || !lb_query_time_ok(q, &r.val))
			continue;
		if (q->has_bailiwick && (!r.bailiwick || r.bailiwick_len != q->bailiwick_len ||
					 memcmp(r.bailiwick, q->bailiwick, q->bailiwick_len)))
			continue;
		if (!emit(e, &r))
			break;
	}
	lb_store_iter_free(it);
	return err < 0 ? err : 0;
}

/* Whether a full dump is the whole store: no filter narrows it (every type,
 * any bailiwick, no time fence, offset or limit) and negatives are in it. */
static bool whole_store(const lb_query_t *q, bool negatives)
{
	return negatives && q->tmode == LB_TYPES_ALL && !q->has_bailiwick && !q->has_first_before &&
	       !q->has_first_after && !q->has_last_before && !q->has_last_after && !q->offset &&
	       !q->limit;
}

/* A whole store's sources, before its records: one line each,
 * {"source":NAME,"time_first":T,"time_last":T,"count":N} - what `stats`
 * lists per source (its first and newest observation, how many), which no
 * record can carry (a record names the sources that saw it, not when each
 * did).  `import -f cof` stores them as they are and derives nothing for
 * those sources from the records that follow.  Not the collector's delivery
 * bookmarks: they belong to this store's collector. */
static int dump_sources(lb_store_t *s, struct exp *e)
{
	lb_store_scan_t sc = { .kind = LB_SCAN_SENSORS };
	lb_store_iter_t *it;
	int err = lb_store_iter_new(s, &sc, &it);
	if (err)
		return err;
	lb_store_rec_t r;
	FILE *f = e->out.f;
	while ((err = lb_store_iter_next(it, &r)) > 0) {
		if (!r.sensor || !*r.sensor ||
		    !strncmp(r.sensor, LB_INGEST_BOOKMARK_PREFIX, sizeof LB_INGEST_BOOKMARK_PREFIX - 1))
			continue;
		fputs("{\"source\":", f);
		lb_json_put_str(f, r.sensor);
		fprintf(f, ",\"time_first\":%llu,\"time_last\":%llu,\"count\":%llu}\n",
			(unsigned long long)r.val.time_first, (unsigned long long)r.val.time_last,
			(unsigned long long)r.val.count);
	}
	lb_store_iter_free(it);
	return err < 0 ? err : 0;
}

static int dump_all(lb_store_t *s, struct exp *e, bool negatives)
{
	int err = 0;
	if (e->fmt == EXP_COF && whole_store(e->q, negatives))
		err = dump_sources(s, e);
	if (!err)
		err = dump_scan(s, e, LB_SCAN_RRSET, LB_MATCH_EXACT);
	if (!err && !e->limited)
		err = dump_scan(s, e, LB_SCAN_RRSET, LB_MATCH_BELOW);
	if (negatives && !err && !e->limited)
		err = dump_scan(s, e, LB_SCAN_NEG, LB_MATCH_EXACT);
	if (negatives && !err && !e->limited)
		err = dump_scan(s, e, LB_SCAN_NEG, LB_MATCH_BELOW);
	return err;
}

static int dump_query(lb_store_t *s, struct exp *e)
{
	lb_query_cur_t *c;
	int err = lb_query_cur_new(s, e->q, &c);
	if (err)
		return err;
	lb_store_rec_t r;
	e->skipped = 0; /* the cursor applies offset and limit */
	while ((err = lb_query_cur_next(c, &r)) > 0) {
		if (!emit(e, &r))
			break;
	}
	if (err == 0)
		e->limited = lb_query_cur_limited(c);
	lb_query_cur_free(c);
	return err < 0 ? err : 0;
}

enum { O_NO_NEG = 2000 };

int lb_cmd_export(int argc, char **argv)
{
	static const struct option lopts[] = {
		LB_QARGS_LONGOPTS,
		{ "db", required_argument, NULL, 'd' },
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "no-negative", no_argument, NULL, O_NO_NEG },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	lb_query_t q;
	lb_query_init(&q);
	q.limit = 0;
	q.tmode = LB_TYPES_ALL;
	lb_qargs_t qa;
	lb_qargs_init(&qa, &q, "lookback export", (uint64_t)time(NULL));
	const char *db = NULL, *path = NULL;
	bool negatives = true, quiet = false;
	struct exp e = { .fmt = EXP_COF, .q = &q };
	int rc = LB_EXIT_USAGE, c;
	lb_store_t *s = NULL;
	FILE *f = NULL;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":" LB_QARGS_SHORTOPTS "d:f:o:qh", lopts, NULL)) != -1) {
		int qr = lb_qargs_opt(&qa, c, optarg);
		if (qr < 0)
			goto out;
		if (qr > 0)
			continue;
		switch (c) {
		case 'd': db = optarg; break;
		case 'o': path = optarg; break;
		case 'q': quiet = true; break;
		case O_NO_NEG: negatives = false; break;
		case 'f':
			if (!strcmp(optarg, "cof") || !strcmp(optarg, "json") || !strcmp(optarg, "ndjson"))
				e.fmt = EXP_COF;
			else if (!strcmp(optarg, "zone"))
				e.fmt = EXP_ZONE;
			else {
				fprintf(stderr, "lookback export: bad format '%s': use cof or zone\n", optarg);
				goto out;
			}
			break;
		case 'h':
			usage(stdout);
			rc = LB_EXIT_OK;
			goto out;
		case ':':
			fprintf(stderr, "lookback export: option needs an argument (try --help)\n");
			goto out;
		default:
			fprintf(stderr, "lookback export: unknown option, or one without its value: '%s' (try --help)\n",
				argv[optind - 1]);
			goto out;
		}
	}
	if (lb_qargs_end(&qa, LB_QARGS_AT_MOST_ONE_LOOKUP, argc, argv, optind, db))
		goto out;
	if (q.sort != LB_SORT_NONE) {
		fprintf(stderr, "lookback export: --sort is not offered: export streams in store order\n");
		goto out;
	}
	if (!negatives && qa.lookups) {
		fprintf(stderr, "lookback export: --no-negative applies to a full dump; a lookup "
				"gives what it asks for (--negative NAME: negative answers only; -r, -n, "
				"-i, ...: no negative answers)\n");
		goto out;
	}
	if (q.unaggregated && !qa.lookups) {
		fprintf(stderr, "lookback export: -g (unaggregated rows) needs a lookup (-r, -n, -i, ...)\n");
		goto out;
	}
	rc = LB_EXIT_STORE;
	lb_store_opts_t so = { .read_only = true, .cache_mb = LB_STORE_CACHE_MB_ONESHOT };
	int err = lb_store_open(db, &so, &s);
	if (err) {
		fprintf(stderr, "lookback export: %s: %s\n", db, lb_store_errmsg(s, err));
		goto out;
	}
	f = path && strcmp(path, "-") ? open_output(path) : stdout;
	if (!f) {
		fprintf(stderr, "lookback export: %s: %s\n", path, strerror(errno));
		goto out;
	}
	if (lb_out_init(&e.out, f, LB_FMT_COF)) {
		fprintf(stderr, "lookback export: out of memory\n");
		goto out;
	}
	e.out.cof_as_stored = true; /* imported again, it is the same store */
	e.progress = !quiet && isatty(STDERR_FILENO);
	clock_gettime(CLOCK_MONOTONIC, &e.t0);
	e.tlast = e.t0;
	e.skipped = q.offset;
	if (e.fmt == EXP_ZONE)
		fprintf(f, "%s: one RR per line, no TTL; ';' comments: first/last seen "
			   "(Unix seconds), count, zone times, bailiwick\n", ZONE_VIEW_MARKER);
	err = qa.lookups ? dump_query(s, &e) : dump_all(s, &e, negatives);
	if (e.progress)
		progress(&e, true);
	if (err) {
		fprintf(stderr, "lookback export: %s: %s\n", db, lb_store_errmsg(s, err));
		goto out;
	}
	if (fflush(f) || ferror(f)) {
		fprintf(stderr, "lookback export: error writing the output\n");
		goto out;
	}
	if (f != stdout) {
		FILE *g = f;
		f = NULL;
		if (fclose(g)) {
			fprintf(stderr, "lookback export: error writing %s\n", path);
			goto out;
		}
	}
	if (e.limited)
		fprintf(stderr, "lookback export: result limited to %llu; more exist\n",
			(unsigned long long)q.limit);
	rc = LB_EXIT_OK;
out:
	if (f && f != stdout)
		fclose(f);
	lb_out_free(&e.out);
	(void)lb_store_close(s);
	lb_query_free(&q);
	return rc;
}
