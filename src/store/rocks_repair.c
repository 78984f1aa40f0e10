/*
 * rocks_repair.c - RocksDB's repairer for a store the engine cannot open or
 * read (lb_store_opts_t.repair), and taking back the tables it set aside that
 * are whole.
 *
 * RocksDB's repairer (rocksdb_repair_db) rebuilds the engine's metadata from
 * the table and log files it finds and moves every table it cannot read to
 * DIR/lost/.  It cannot read a table that was written by SstFileWriter and
 * ingested (how lookback writes every large commit, rocks_write.c): ingestion
 * wrote the table's global sequence number into its properties, and the
 * repairer, which knows only the sequence numbers inside the table (0), takes
 * the mismatch for corruption.  Left so, a repair would set aside most of a
 * store.  So every table the repairer moved is tried again: a copy with the
 * property reset to 0 (the value SstFileWriter wrote; RocksDB 7.8 opens and
 * ingests such a copy - tried, not read in its source) is ingested into a scratch database
 * and read whole (block checksums verified); if that works it is ingested into
 * the store and the original leaves lost/.  A table that fails stays in lost/.
 *
 * Ingested back, a table's records come after all others; the store's values
 * are merges (min, max, sums, unions) and its index entries puts of the same
 * empty value, so the order does not change them.  What could differ: an
 * index entry deleted by a later sweep (an orphan, which lookups skip) and a
 * retention set later than the table was written (`stats --retain` sets it
 * again).
 *
 * A repair can be stopped (kill -9, a crash) anywhere.  RocksDB's repairer
 * first starts a new, empty database (CURRENT names a new MANIFEST), then
 * reads every table and writes them into it at the end; tables it set aside
 * wait in lost/ until they are taken back.  So a marker file,
 * DIR/lost/.lookback-repairing, is written (synced) before the repairer runs
 * and removed once every table is back: while it is there the store opens
 * for nothing but another repair (an open for writing would take the empty
 * database for an unfinished new store and RocksDB would delete the tables it
 * does not list), and that repair runs RocksDB's repairer again and tries
 * every table in lost/.  A table is renamed NAME.sst.restoring in lost/ before
 * its copy is ingested and removed after: found so again, it was taken back
 * when the copy is gone (the ingestion moves it), else it is tried again.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <rocksdb/c.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/rocks_impl.h"

#define PROP_NAME "rocksdb.external_sst_file.global_seqno"
#define TAIL_BYTES ((size_t)1 << 20) /* the properties block is near the end */

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

#define MARKER "/lost/.lookback-repairing"
#define RESTORING ".restoring"

bool lb_rocks_repair_marked(const char *dir)
{
	char p[4200];
	snprintf(p, sizeof p, "%s" MARKER, dir);
	return access(p, F_OK) == 0;
}

static void sync_dir(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		(void)fsync(fd);
		close(fd);
	}
}

/* Write the marker (synced); 1 when it was there already, 0, < 0 error. */
static int mark(const char *dir)
{
	char p[4200], l[4200];
	snprintf(l, sizeof l, "%s/lost", dir);
	snprintf(p, sizeof p, "%s" MARKER, dir);
	if (access(p, F_OK) == 0)
		return 1;
	if (mkdir(l, 0777) != 0 && errno != EEXIST)
		return -errno;
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	static const char text[] = "a lookback stats --repair is under way (or was stopped): "
				   "run it again to finish it\n";
	int err = write(fd, text, sizeof text - 1) == (ssize_t)(sizeof text - 1) && fsync(fd) == 0 ? 0 : -EIO;
	close(fd);
	sync_dir(l);
	sync_dir(dir);
	return err;
}

void lb_rocks_repair_done(lb_store_t *s)
{
	char p[4200], l[4200];
	snprintf(p, sizeof p, "%s" MARKER, s->dir);
	snprintf(l, sizeof l, "%s/lost", s->dir);
	if (unlink(p) == 0)
		sync_dir(l);
}

/* An interrupted repair's lost/NAME.sst.restoring: taken back when the copy
 * it was ingested from is gone (the ingestion moved it), else NAME.sst again,
 * to be tried again. */
static void settle_restoring(const char *dir)
{
	char l[4200], copy[4300], from[4500], to[4500];
	snprintf(l, sizeof l, "%s/lost", dir);
	snprintf(copy, sizeof copy, "%s/.lookback-restore.sst", l);
	bool copy_left = access(copy, F_OK) == 0;
	DIR *d = opendir(l);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d))) {
		size_t n = strlen(e->d_name), r = sizeof RESTORING - 1;
		if (n <= r + 4 || strcmp(e->d_name + n - r, RESTORING))
			continue;
		int k = snprintf(from, sizeof from, "%s/%s", l, e->d_name);
		if (k < 0 || (size_t)k >= sizeof from)
			continue;
		if (!copy_left) {
			unlink(from);
			continue;
		}
		k = snprintf(to, sizeof to, "%s/%.*s", l, (int)(n - r), e->d_name);
		if (k > 0 && (size_t)k < sizeof to)
			(void)rename(from, to);
	}
	closedir(d);
	unlink(copy);
	sync_dir(l);
}

/* The *.sst names in DIR/lost/, sorted (malloc'd; *n of them); not the
 * repair's own scratch copy (a dot name). */
static char **lost_tables(const char *dir, size_t *n)
{
	char p[4200];
	snprintf(p, sizeof p, "%s/lost", dir);
	*n = 0;
	DIR *d = opendir(p);
	if (!d)
		return NULL;
	char **v = NULL;
	size_t cap = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		size_t l = strlen(e->d_name);
		if (l <= 4 || strcmp(e->d_name + l - 4, ".sst") || e->d_name[0] == '.')
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			char **nv = realloc(v, cap * sizeof *v);
			if (!nv)
				break;
			v = nv;
		}
		if (!(v[*n] = strdup(e->d_name)))
			break;
		(*n)++;
	}
	closedir(d);
	if (*n)
		qsort(v, *n, sizeof *v, name_cmp);
	return v;
}

static void free_names(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static bool has_name(char **v, size_t n, const char *name)
{
	return n && bsearch(&name, v, n, sizeof *v, name_cmp) != NULL;
}

int lb_rocks_engine_repair(lb_store_t *s, const char *dir)
{
	int m = mark(dir);
	if (m < 0) {
		char msg[4400];
		snprintf(msg, sizeof msg, "cannot write the repair's marker %s" MARKER ": %s", dir,
			 strerror(-m));
		lb_rocks_set_msg(s, msg);
		return LB_ESTORE;
	}
	if (m == 1) { /* a repair was stopped: every table it set aside is tried */
		s->repair_resumed = true;
		settle_restoring(dir);
	}
	size_t nb = 0;
	char **before = s->repair_resumed ? NULL : lost_tables(dir, &nb);
	char *e = NULL;
	rocksdb_repair_db(s->opts, dir, &e);
	if (e) {
		free_names(before, nb);
		lb_rocks_set_err(s, e);
		/* refused before it began (another process holds the store) */
		if (m == 0 && strstr(e, "lock"))
			lb_rocks_repair_done(s);
		return LB_ESTORE;
	}
	s->engine_repaired = true;
	size_t na;
	char **after = lost_tables(dir, &na);
	for (size_t i = 0; i < na; i++) {
		if (has_name(before, nb, after[i])) {
			free(after[i]);
			continue;
		}
		char **nm = realloc(s->moved, (s->nmoved + 1) * sizeof *nm);
		if (!nm) {
			free(after[i]);
			continue;
		}
		s->moved = nm;
		s->moved[s->nmoved++] = after[i];
	}
	free(after);
	free_names(before, nb);
	return 0;
}

/* Copy src to dst with the global sequence number property reset to 0.
 * 0; 1 when src is no ingested table (no such property); < 0 on error. */
static int copy_reset(const char *src, const char *dst)
{
	int in = open(src, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return -errno;
	int out = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (out < 0) {
		int err = -errno;
		close(in);
		return err;
	}
	int err = 0;
	static char buf[1 << 16];
	off_t size = 0;
	for (;;) {
		ssize_t r = read(in, buf, sizeof buf);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			if (r < 0)
				err = -errno;
			break;
		}
		for (ssize_t o = 0; o < r && !err;) {
			ssize_t w = write(out, buf + o, (size_t)(r - o));
			if (w < 0 && errno != EINTR)
				err = -errno;
			else if (w > 0)
				o += w;
		}
		size += r;
		if (err)
			break;
	}
	/* the property's entry in the properties block: shared and unshared key
	 * lengths, value length 8, the unshared key bytes, the fixed64 value */
	size_t tl = (size_t)size < TAIL_BYTES ? (size_t)size : TAIL_BYTES;
	char *tail = err ? NULL : malloc(tl);
	off_t at = -1;
	if (!err && !tail)
		err = LB_ENOMEM;
	if (!err && pread(in, tail, tl, size - (off_t)tl) != (ssize_t)tl)
		err = LB_ESTORE;
	size_t full = sizeof PROP_NAME - 1;
	for (size_t i = tl; !err && at < 0 && i-- > 3;) {
		unsigned shared = (unsigned char)tail[i - 3], unshared = (unsigned char)tail[i - 2];
		if ((unsigned char)tail[i - 1] != 8 || shared + unshared != full || shared > full ||
		    i + unshared + 8 > tl || memcmp(tail + i, &PROP_NAME[shared], unshared))
			continue;
		at = size - (off_t)tl + (off_t)(i + unshared);
	}
	free(tail);
	close(in);
	if (!err && at >= 0) {
		static const char zero[8];
		if (pwrite(out, zero, 8, at) != 8)
			err = LB_ESTORE;
	}
	if (close(out) != 0 && !err)
		err = -errno;
	if (err || at < 0)
		unlink(dst);
	return err ? err : at < 0 ? 1 : 0;
}

static int ingest(rocksdb_t *db, const char *path, int move, char **e)
{
	rocksdb_ingestexternalfileoptions_t *io = rocksdb_ingestexternalfileoptions_create();
	if (!io)
		return LB_ENOMEM;
	rocksdb_ingestexternalfileoptions_set_move_files(io, (unsigned char)move);
	rocksdb_ingestexternalfileoptions_set_allow_global_seqno(io, 1);
	rocksdb_ingestexternalfileoptions_set_allow_blocking_flush(io, 1);
	const char *const files[1] = { path };
	rocksdb_ingest_external_file(db, files, 1, io, e);
	rocksdb_ingestexternalfileoptions_destroy(io);
	return *e ? LB_ESTORE : 0;
}

/* What tells a table from another: its size, entries and key range. */
struct table_id {
	size_t size;
	uint64_t entries;
	char small[512], large[512];
	size_t sl, ll;
};

/* The only live file of db (the scratch database) into *t; false if not one. */
static bool table_id_of(rocksdb_t *db, struct table_id *t)
{
	const rocksdb_livefiles_t *lf = rocksdb_livefiles(db);
	bool ok = false;
	if (lf && rocksdb_livefiles_count(lf) == 1) {
		const char *a = rocksdb_livefiles_smallestkey(lf, 0, &t->sl);
		const char *b = rocksdb_livefiles_largestkey(lf, 0, &t->ll);
		if (t->sl <= sizeof t->small && t->ll <= sizeof t->large) {
			memcpy(t->small, a, t->sl);
			memcpy(t->large, b, t->ll);
			t->size = rocksdb_livefiles_size(lf, 0);
			t->entries = rocksdb_livefiles_entries(lf, 0);
			ok = true;
		}
	}
	if (lf)
		rocksdb_livefiles_destroy(lf);
	return ok;
}

/*
 * Whether the store already holds table t: a repair stopped while it took a
 * table back can leave the ingested copy in the store's directory (linked
 * there, not yet listed, or listed with its source not yet removed); the
 * next run of RocksDB's repairer adopts it, and taking the table back again
 * would count its merge operands twice.
 */
static bool already_held(rocksdb_t *db, const struct table_id *t)
{
	const rocksdb_livefiles_t *lf = rocksdb_livefiles(db);
	bool held = false;
	for (int i = 0; lf && !held && i < rocksdb_livefiles_count(lf); i++) {
		size_t sl, ll;
		const char *a = rocksdb_livefiles_smallestkey(lf, i, &sl);
		const char *b = rocksdb_livefiles_largestkey(lf, i, &ll);
		held = rocksdb_livefiles_size(lf, i) == t->size &&
		       rocksdb_livefiles_entries(lf, i) == t->entries && sl == t->sl && ll == t->ll &&
		       !memcmp(a, t->small, sl) && !memcmp(b, t->large, ll);
	}
	if (lf)
		rocksdb_livefiles_destroy(lf);
	return held;
}

/* Whether the table file at path reads whole: ingested (copied) into a
 * scratch database and every key read, block checksums verified; its
 * identity in *t. */
static bool reads_whole(lb_store_t *s, const char *path, const char *scratch, struct table_id *t)
{
	rocksdb_options_t *o = rocksdb_options_create_copy(s->opts);
	rocksdb_readoptions_t *ro = rocksdb_readoptions_create();
	if (!o || !ro) {
		if (o)
			rocksdb_options_destroy(o);
		if (ro)
			rocksdb_readoptions_destroy(ro);
		return false;
	}
	rocksdb_options_set_create_if_missing(o, 1);
	rocksdb_readoptions_set_verify_checksums(ro, 1);
	rocksdb_readoptions_set_fill_cache(ro, 0);
	char *e = NULL;
	rocksdb_destroy_db(o, scratch, &e);
	rocksdb_free(e);
	e = NULL;
	bool ok = false;
	rocksdb_t *db = rocksdb_open(o, scratch, &e);
	if (!e && db && ingest(db, path, 0, &e) == 0) {
		rocksdb_iterator_t *it = rocksdb_create_iterator(db, ro);
		if (it) {
			for (rocksdb_iter_seek_to_first(it); rocksdb_iter_valid(it); rocksdb_iter_next(it))
				;
			rocksdb_iter_get_error(it, &e);
			ok = !e && table_id_of(db, t);
			rocksdb_iter_destroy(it);
		}
	}
	rocksdb_free(e);
	if (db)
		rocksdb_close(db);
	e = NULL;
	rocksdb_destroy_db(o, scratch, &e);
	rocksdb_free(e);
	rmdir(scratch);
	rocksdb_readoptions_destroy(ro);
	rocksdb_options_destroy(o);
	return ok;
}

int lb_rocks_restore_tables(lb_store_t *s)
{
	char copy[4200], scratch[4200], orig[4200];
	snprintf(copy, sizeof copy, "%s/lost/.lookback-restore.sst", s->dir);
	snprintf(scratch, sizeof scratch, "%s/lost/.lookback-verify", s->dir);
	for (size_t i = 0; i < s->nmoved; i++) {
		snprintf(orig, sizeof orig, "%s/lost/%s", s->dir, s->moved[i]);
		int r = copy_reset(orig, copy);
		if (r < 0)
			return r == LB_ENOMEM ? r : LB_ESTORE;
		struct table_id t;
		if (r == 1 || !reads_whole(s, copy, scratch, &t)) {
			unlink(copy);
			s->tables_lost++;
			continue;
		}
		if (already_held(s->db, &t)) {
			unlink(copy);
			unlink(orig);
			s->tables_restored++;
			continue;
		}
		/* renamed first: stopped after the ingestion, the next repair
		 * must not take it back twice (settle_restoring) */
		char held[4300];
		int k = snprintf(held, sizeof held, "%s" RESTORING, orig);
		if (k < 0 || (size_t)k >= sizeof held) {
			unlink(copy);
			return LB_ESTORE;
		}
		if (rename(orig, held) != 0) {
			unlink(copy);
			return LB_ESTORE;
		}
		char *e = NULL;
		if (ingest(s->db, copy, 1, &e) != 0) {
			lb_rocks_set_err(s, e);
			unlink(copy);
			(void)rename(held, orig);
			return LB_ESTORE;
		}
		unlink(held);
		s->tables_restored++;
	}
	return 0;
}

void lb_store_engine_tables(const lb_store_t *s, unsigned *restored, unsigned *lost)
{
	*restored = s ? s->tables_restored : 0;
	*lost = s ? s->tables_lost : 0;
}
