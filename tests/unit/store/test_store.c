/*
 * test_store.c - the RocksDB store: refusing foreign and corrupt databases,
 * merges across commits and reopen, corrupt values read back, retention
 * (hidden at once, removed by compaction), and durability: a real ingest
 * process killed with SIGKILL loses at most its unflushed window.  Large
 * commits (sort, fold, table files) are in test_store_commit.c.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <rocksdb/c.h>

#include "dns/name.h"
#include "dns/rrtype.h"
#include "observe/window.h"
#include "store/keys.h"
#include "store/rocks_impl.h" /* log_looks: what a writer's open read */
#include "store/store.h"
#include "store_util.h"

/* Put one key straight into the (closed) store in dir, as another program
 * or an older lookback would have. */
static void put_raw(const void *k, size_t kl, const void *v, size_t vl)
{
	rocksdb_options_t *o = rocksdb_options_create();
	rocksdb_options_set_create_if_missing(o, 1); /* a database of no store */
	char *err = NULL;
	rocksdb_t *db = rocksdb_open(o, dir, &err);
	assert_null(err);
	rocksdb_writeoptions_t *wo = rocksdb_writeoptions_create();
	if (k) /* (NULL: the database alone, empty) */
		rocksdb_put(db, wo, k, kl, v, vl, &err);
	assert_null(err);
	rocksdb_close(db);
	rocksdb_writeoptions_destroy(wo);
	rocksdb_options_destroy(o);
}

/* dir's files, sorted, one a line with a digest of its bytes, in buf. */
static void dir_files(char *buf, size_t cap)
{
	char cmd[300];
	snprintf(cmd, sizeof cmd, "cd '%s' && md5sum -- *", dir);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	size_t n = fread(buf, 1, cap - 1, p);
	buf[n] = 0;
	assert_int_equal(pclose(p), 0);
}

/* Flush the (closed) database in dir: what its log holds goes into a table. */
static void flush_raw(void)
{
	rocksdb_options_t *o = rocksdb_options_create();
	char *err = NULL;
	rocksdb_t *db = rocksdb_open(o, dir, &err);
	assert_null(err);
	rocksdb_flushoptions_t *fo = rocksdb_flushoptions_create();
	rocksdb_flushoptions_set_wait(fo, 1);
	rocksdb_flush(db, fo, &err);
	assert_null(err);
	rocksdb_flushoptions_destroy(fo);
	rocksdb_close(db);
	rocksdb_options_destroy(o);
}

/* The store in dir (closed) marked with format version v. */
static void set_format(uint8_t v)
{
	char m[sizeof LB_STORE_MAGIC + 1];
	memcpy(m, LB_STORE_MAGIC, sizeof LB_STORE_MAGIC);
	m[sizeof LB_STORE_MAGIC] = (char)v;
	put_raw("Vf", 2, m, sizeof m);
}

static void test_refuse_foreign(void **st)
{
	(void)st;
	lb_store_t *s = NULL;
	lb_store_opts_t ro = { .read_only = true }, cr = { .create = true };
	rmdir_r(dir);
	assert_int_equal(lb_store_open(dir, &ro, &s), LB_ENOENT);
	assert_non_null(lb_store_errmsg(s, LB_ENOENT));
	(void)lb_store_close(s);
	/* a directory with other files is never turned into a store */
	assert_int_equal(mkdir(dir, 0777), 0);
	char p[300];
	snprintf(p, sizeof p, "%s/notes.txt", dir);
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fputs("hello\n", f);
	fclose(f);
	assert_int_equal(lb_store_open(dir, &cr, &s), LB_ECORRUPT);
	(void)lb_store_close(s);
	assert_int_equal(lb_store_open(dir, &ro, &s), LB_ECORRUPT);
	(void)lb_store_close(s);
	/* a CURRENT file pointing nowhere: an engine error, no crash */
	snprintf(p, sizeof p, "%s/CURRENT", dir);
	f = fopen(p, "w");
	assert_non_null(f);
	fputs("MANIFEST-000099\n", f);
	fclose(f);
	int e = lb_store_open(dir, &ro, &s);
	assert_true(e == LB_ESTORE || e == LB_ECORRUPT);
	assert_non_null(lb_store_errmsg(s, e));
	(void)lb_store_close(s);
	rmdir_r(dir);
	/* somebody else's RocksDB: no format marker; refused by a writer
	 * untouched (its open recovered the other program's log into a table
	 * and wrote a manifest and an options file of ours before the marker
	 * was missed) */
	put_raw("key", 3, "value", 5);
	char before[4096], after[4096];
	dir_files(before, sizeof before);
	assert_int_equal(lb_store_open(dir, &cr, &s), LB_ECORRUPT);
	assert_non_null(strstr(lb_store_errmsg(s, LB_ECORRUPT), "not a lookback store"));
	(void)lb_store_close(s);
	dir_files(after, sizeof after);
	assert_string_equal(before, after);
	rmdir_r(dir);
	/* nor is one with another program's value on our marker's key */
	put_raw("Vf", 2, "value", 5);
	dir_files(before, sizeof before);
	assert_int_equal(lb_store_open(dir, &cr, &s), LB_ECORRUPT);
	(void)lb_store_close(s);
	dir_files(after, sizeof after);
	assert_string_equal(before, after);
	rmdir_r(dir);
	/* nor one whose keys are in its tables, not its log */
	put_raw("key", 3, "value", 5);
	flush_raw();
	put_raw("other", 5, "value", 5); /* and one in the log */
	dir_files(before, sizeof before);
	assert_int_equal(lb_store_open(dir, &cr, &s), LB_ECORRUPT);
	(void)lb_store_close(s);
	dir_files(after, sizeof after);
	assert_string_equal(before, after);
	rmdir_r(dir);
	/* our store, but another format version: in its log only (created
	 * by a lookback that wrote its marker there, killed before its first
	 * flush), then in its tables (a lookback's marker goes there:
	 * put_marker); refused by a reader, and by a writer untouched */
	for (int flushed = 0; flushed < 2; flushed++) {
		if (flushed) {
			assert_int_equal(lb_store_open(dir, &cr, &s), 0);
			assert_int_equal(lb_store_close(s), 0);
		}
		set_format(99);
		if (flushed)
			flush_raw();
		assert_int_equal(lb_store_open(dir, &ro, &s), LB_EVERSION);
		(void)lb_store_close(s);
		dir_files(before, sizeof before);
		assert_int_equal(lb_store_open(dir, &cr, &s), LB_EVERSION);
		(void)lb_store_close(s);
		dir_files(after, sizeof after);
		assert_string_equal(before, after);
		rmdir_r(dir);
	}
}

/* A writer's open after a crash replayed the store's write-ahead log twice:
 * in its read-only look for the format marker, then in its open for writing
 * (capture --db on a store killed with 82 MB of log: 4.4-6.8 s of CPU,
 * 2.2-3.5 s once).  A store's marker is flushed into a table when written, and a
 * writer finds it there without the log; the log is looked at only when the
 * tables hold no marker (an older lookback's store killed before its first
 * flush; what is not a store: test_refuse_foreign). */
static void test_open_log_once(void **st)
{
	(void)st;
	lb_store_t *s = NULL;
	lb_store_opts_t ro = { .read_only = true }, cr = { .create = true };
	rmdir_r(dir);
	assert_int_equal(lb_store_open(dir, &cr, &s), 0);
	assert_int_equal(s->log_looks, 0);
	add_numbered(s, "example.com", 5, 1, 0);
	assert_int_equal(lb_store_close(s), 0);
	/* what a writer killed after a commit leaves: data in the log only */
	put_raw("Vr", 2, "\x07", 1); /* a retention of 7 days */
	assert_int_equal(lb_store_open(dir, &cr, &s), 0);
	assert_int_equal(s->log_looks, 0);
	assert_int_equal(lb_store_retention(s), 7); /* the log was replayed */
	assert_int_equal(lb_store_set_retention(s, 0), 0);
	add_numbered(s, "example.net", 4, 1, 0);
	assert_int_equal(lb_store_close(s), 0);
	assert_int_equal(lb_store_open(dir, &ro, &s), 0);
	lb_store_totals_t t;
	assert_int_equal(lb_store_totals(s, true, &t), 0);
	assert_int_equal(t.rrsets, 9);
	assert_int_equal(lb_store_close(s), 0);
	rmdir_r(dir);
	/* an older lookback's store, its marker in the log only: looked at
	 * there, once; its writer's close leaves it in a table */
	set_format(LB_STORE_FORMAT);
	assert_int_equal(lb_store_open(dir, &cr, &s), 0);
	assert_int_equal(s->log_looks, 1);
	assert_int_equal(lb_store_close(s), 0);
	assert_int_equal(lb_store_open(dir, &cr, &s), 0);
	assert_int_equal(s->log_looks, 0);
	assert_int_equal(lb_store_close(s), 0);
	rmdir_r(dir);
}

/* A writer opens the store in dir (creating or finishing it) and adds n
 * rrsets; a reader then counts exactly n. */
static void writer_adds(int n)
{
	lb_store_t *s = NULL;
	lb_store_opts_t ro = { .read_only = true }, cr = { .create = true };
	assert_int_equal(lb_store_open(dir, &cr, &s), 0);
	add_numbered(s, "example.com", n, 1, 0);
	assert_int_equal(lb_store_close(s), 0);
	assert_int_equal(lb_store_open(dir, &ro, &s), 0);
	lb_store_totals_t t;
	assert_int_equal(lb_store_totals(s, true, &t), 0);
	assert_int_equal(t.rrsets, (uint64_t)n);
	assert_int_equal(lb_store_close(s), 0);
}

/* A writer killed between RocksDB's creation of the database and the format
 * marker leaves an empty database without it: a reader opens it as the empty
 * store it is (stats, query after a kill -9 during creation: it said "not a
 * lookback store"), a writer finishes it; one with any key stays foreign. */
static void test_killed_in_creation(void **st)
{
	(void)st;
	rmdir_r(dir);
	put_raw(NULL, 0, NULL, 0);
	lb_store_t *s = NULL;
	lb_store_opts_t ro = { .read_only = true }, cr = { .create = true };
	assert_int_equal(lb_store_open(dir, &ro, &s), 0);
	lb_store_totals_t t;
	assert_int_equal(lb_store_totals(s, true, &t), 0);
	assert_int_equal(t.rrsets, 0);
	assert_int_equal(lb_store_close(s), 0);
	/* the reader wrote nothing: a writer then finishes it, and adds */
	writer_adds(3);
	rmdir_r(dir);
	/* killed earlier, before RocksDB's CURRENT file: the files of its
	 * creation (the sets seen killing capture --db) - a reader says what
	 * happened and what to do, a writer creates the store over them (it
	 * said "not empty and holds no lookback store": the directory had to be
	 * removed by hand); with any other file there it still refuses */
	static const char *const left[] = { "LOCK", "LOG", "IDENTITY", "MANIFEST-000001", "000001.dbtmp",
					    "LOG.old.1700000000000000", "notes.txt" };
	for (int other = 0; other < 2; other++) {
		assert_int_equal(mkdir(dir, 0777), 0);
		for (size_t i = 0; i < sizeof left / sizeof left[0] - (other ? 0 : 1); i++) {
			char p[300];
			snprintf(p, sizeof p, "%s/%s", dir, left[i]);
			FILE *f = fopen(p, "w");
			assert_non_null(f);
			if (i % 2)
				fputs("partial\n", f);
			fclose(f);
		}
		int e = lb_store_open(dir, &ro, &s);
		assert_int_equal(e, LB_ECORRUPT);
		const char *m = lb_store_errmsg(s, e);
		assert_non_null(m);
		assert_int_equal(strstr(m, "creation was stopped") != NULL, !other);
		(void)lb_store_close(s);
		if (other) {
			assert_int_equal(lb_store_open(dir, &cr, &s), LB_ECORRUPT);
			(void)lb_store_close(s);
		} else {
			writer_adds(2);
		}
		rmdir_r(dir);
	}
}

/* An rdata scan: rows, and the sum of their counts; with rd, every row's
 * rdata must be those bytes. */
static uint64_t rdata_count(lb_store_t *s, const lb_store_scan_t *q, const uint8_t *rd, size_t len,
			    int *rows)
{
	lb_store_iter_t *it;
	assert_int_equal(lb_store_iter_new(s, q, &it), 0);
	lb_store_rec_t r;
	uint64_t c = 0;
	int k;
	*rows = 0;
	while ((k = lb_store_iter_next(it, &r)) > 0) {
		assert_int_equal(r.kind, LB_REC_RDATA);
		if (rd) {
			assert_int_equal(r.nrdata, 1);
			assert_int_equal(r.rdlen[0], len);
			assert_memory_equal(r.rdata[0], rd, len);
		}
		c += r.val.count;
		(*rows)++;
	}
	assert_int_equal(k, 0);
	lb_store_iter_free(it);
	return c;
}

static uint64_t ip_count(lb_store_t *s, uint32_t a, int *rows)
{
	lb_store_scan_t q = { .kind = LB_SCAN_RDATA_IP, .family = 4 };
	for (int i = 0; i < 4; i++)
		q.lo[i] = q.hi[i] = (uint8_t)(a >> (24 - 8 * i));
	return rdata_count(s, &q, NULL, 0, rows);
}

/* Format 2: rdata index entries are keys alone, their counters the merge of
 * the rrsets that hold the RR (any bailiwick, not the rrsets without it);
 * a format-1 store (index entries with counters) is read as it is and marked
 * 2 by the first writer. */
static void test_index_values(void **st)
{
	(void)st;
	lb_store_t *s;
	lb_store_opts_t cr = { .create = true }, ro = { .read_only = true };
	rmdir_r(dir);
	assert_int_equal(lb_store_open(dir, &cr, &s), 0);
	uint8_t owner[256], addr[4], addr2[4] = { 10, 0, 0, 10 }, bail[256];
	const uint8_t *rdp[2];
	uint16_t rdl[2];
	lb_store_rec_t r = rrset(owner, "x.example.com", rdp, rdl, addr, 0x0a000009);
	lb_store_val_seen(&r.val, 1700000000, 5);
	assert_int_equal(lb_store_add(s, &r), 0);
	/* the same address with another under a bailiwick, and in a 2-rdata set */
	int bl = lb_name_from_text("example.com", 11, NULL, bail, sizeof bail);
	r.bailiwick = bail;
	r.bailiwick_len = (size_t)bl;
	lb_store_val_seen(&r.val, 1700000100, 3);
	assert_int_equal(lb_store_add(s, &r), 0);
	r.bailiwick = NULL;
	rdp[1] = addr2;
	rdl[1] = 4;
	r.nrdata = 2;
	lb_store_val_seen(&r.val, 1690000000, 11);
	assert_int_equal(lb_store_add(s, &r), 0);
	/* another owner's rrset that does not hold it */
	r = rrset(owner, "y.example.com", rdp, rdl, addr, 0x0a00000a);
	lb_store_val_seen(&r.val, 1700000000, 100);
	assert_int_equal(lb_store_add(s, &r), 0);
	assert_int_equal(lb_store_commit(s), 0);
	int rows;
	assert_int_equal(ip_count(s, 0x0a000009, &rows), 19);
	assert_int_equal(rows, 1);
	assert_int_equal(ip_count(s, 0x0a00000a, &rows), 111); /* two owners */
	assert_int_equal(rows, 2);
	assert_int_equal(lb_store_close(s), 0);

	/* the same store rewritten as format 1: the index entry carries counters */
	set_format(1);
	r = rrset(owner, "x.example.com", rdp, rdl, addr, 0x0a000009);
	lb_kbuf_t k = { 0 };
	const uint8_t *target;
	lb_key_rdata(&k, &r, 0, 0, &target, NULL);
	assert_int_equal(k.err, 0);
	lb_store_val_t val;
	memset(&val, 0, sizeof val);
	lb_store_val_seen(&val, 1700000000, 7);
	uint8_t vb[LB_VAL_MAX];
	size_t vl = lb_val_encode(&val, vb, 0);
	put_raw(k.p, k.len, vb, vl);
	assert_int_equal(lb_store_open(dir, &ro, &s), 0);
	assert_int_equal(ip_count(s, 0x0a000009, &rows), 7);
	assert_int_equal(lb_store_close(s), 0);
	assert_int_equal(lb_store_open(dir, &cr, &s), 0); /* a writer marks it 2 */
	assert_int_equal(lb_store_close(s), 0);
	rocksdb_options_t *o = rocksdb_options_create();
	rocksdb_readoptions_t *rop = rocksdb_readoptions_create();
	char *err = NULL;
	rocksdb_t *db = rocksdb_open_for_read_only(o, dir, 0, &err);
	assert_null(err);
	size_t ml;
	char *m = rocksdb_get(db, rop, "Vf", 2, &ml, &err);
	assert_null(err);
	assert_int_equal(ml, sizeof LB_STORE_MAGIC + 1);
	/* 2, not 3: its long 'X' rdata (if any) are in full, and stay so */
	assert_int_equal((uint8_t)m[ml - 1], 2);
	assert_int_equal(LB_STORE_FORMAT, 3);
	rocksdb_free(m);
	rocksdb_close(db);
	lb_kbuf_free(&k);
	rocksdb_readoptions_destroy(rop);
	rocksdb_options_destroy(o);
	rmdir_r(dir);
}

/* RRs with exactly these rdata bytes (any type). */
static uint64_t raw_count(lb_store_t *s, const uint8_t *rd, size_t len, int *rows)
{
	lb_store_scan_t q = { .kind = LB_SCAN_RDATA_RAW, .raw = rd, .raw_len = len };
	return rdata_count(s, &q, rd, len, rows);
}

/* The 'X' keys of the store in dir (closed): how many, and how many hold
 * the rdata bytes in full (memmem of rd). */
static int x_keys(const uint8_t *rd, size_t len, int *full)
{
	rocksdb_options_t *o = rocksdb_options_create();
	char *err = NULL;
	rocksdb_t *db = rocksdb_open_for_read_only(o, dir, 0, &err);
	assert_null(err);
	rocksdb_readoptions_t *rop = rocksdb_readoptions_create();
	rocksdb_iterator_t *ri = rocksdb_create_iterator(db, rop);
	int n = 0;
	*full = 0;
	for (rocksdb_iter_seek(ri, "X", 1); rocksdb_iter_valid(ri); rocksdb_iter_next(ri)) {
		size_t kl;
		const char *k = rocksdb_iter_key(ri, &kl);
		if (!kl || k[0] != 'X')
			break;
		n++;
		if (memmem(k, kl, rd, len))
			(*full)++;
	}
	rocksdb_iter_destroy(ri);
	rocksdb_readoptions_destroy(rop);
	rocksdb_close(db);
	rocksdb_options_destroy(o);
	return n;
}

/* Format 3: rdata of LB_XDIG_MIN bytes or more are in 'X' keys by length
 * and digest (shorter ones in full); a raw lookup finds them, compares the
 * rrsets' rdata in full, and returns the bytes; another rdata of the same
 * length finds nothing; the retention sweep resolves digest keys too.  A
 * format-2 store keeps writing them in full, and finds them. */
static void test_x_digest(void **st)
{
	(void)st;
	uint8_t owner[256], addr[4], longa[100], longb[100], other[100], shortc[LB_XDIG_MIN - 1];
	for (size_t i = 0; i < sizeof longa; i++) {
		longa[i] = (uint8_t)(i * 7 + 1);
		longb[i] = (uint8_t)(i * 7 + 1);
		other[i] = (uint8_t)(i * 13 + 5);
	}
	longb[99] ^= 0x55; /* differs in its last byte only */
	memset(shortc, 'c', sizeof shortc);
	for (int fmt = 3; fmt >= 2; fmt--) {
		lb_store_t *s;
		lb_store_opts_t cr = { .create = true };
		rmdir_r(dir);
		assert_int_equal(lb_store_open(dir, &cr, &s), 0);
		if (fmt == 2) { /* the marker of a store made before format 3 */
			assert_int_equal(lb_store_close(s), 0);
			set_format(2);
			assert_int_equal(lb_store_open(dir, &cr, &s), 0);
		}
		uint64_t now = (uint64_t)time(NULL);
		const uint8_t *rdp[3];
		uint16_t rdl[3];
		/* a TXT rrset holding both long rdata and the short one */
		lb_store_rec_t r = rrset(owner, "t.example.com", rdp, rdl, addr, 0);
		r.type = LB_T_TXT;
		rdp[0] = longa;
		rdl[0] = sizeof longa;
		rdp[1] = longb;
		rdl[1] = sizeof longb;
		rdp[2] = shortc;
		rdl[2] = sizeof shortc;
		r.nrdata = 3;
		lb_store_val_seen(&r.val, now - 86400, 5);
		assert_int_equal(lb_store_add(s, &r), 0);
		/* longa alone at the same owner: its entry merges both rrsets */
		r.nrdata = 1;
		lb_store_val_seen(&r.val, now - 3600, 2);
		assert_int_equal(lb_store_add(s, &r), 0);
		/* other, at another owner, old enough to expire below */
		r = rrset(owner, "old.example.com", rdp, rdl, addr, 0);
		r.type = LB_T_TXT;
		rdp[0] = other;
		rdl[0] = sizeof other;
		lb_store_val_seen(&r.val, now - 40 * 86400, 1);
		assert_int_equal(lb_store_add(s, &r), 0);
		assert_int_equal(lb_store_commit(s), 0);
		int rows;
		assert_int_equal(raw_count(s, longa, sizeof longa, &rows), 7);
		assert_int_equal(rows, 1);
		assert_int_equal(raw_count(s, longb, sizeof longb, &rows), 5);
		assert_int_equal(rows, 1);
		assert_int_equal(raw_count(s, shortc, sizeof shortc, &rows), 5);
		assert_int_equal(rows, 1);
		assert_int_equal(raw_count(s, other, sizeof other, &rows), 1);
		uint8_t none[100];
		memcpy(none, longa, sizeof none);
		none[50] ^= 1;
		assert_int_equal(raw_count(s, none, sizeof none, &rows), 0);
		assert_int_equal(rows, 0);
		lb_store_totals_t t;
		assert_int_equal(lb_store_totals(s, true, &t), 0);
		assert_int_equal(t.rdata_entries, 4);
		/* the sweep finds the expired rrset behind other's digest key */
		assert_int_equal(lb_store_set_retention(s, 10), 0);
		assert_int_equal(lb_store_compact(s), 0);
		assert_int_equal(raw_count(s, other, sizeof other, &rows), 0);
		assert_int_equal(raw_count(s, longa, sizeof longa, &rows), 7);
		assert_int_equal(lb_store_totals(s, true, &t), 0);
		assert_int_equal(t.rdata_entries, 3);
		assert_int_equal(lb_store_close(s), 0);
		int full;
		assert_int_equal(x_keys(longa, sizeof longa, &full), 3);
		assert_int_equal(full, fmt == 3 ? 0 : 1);
		assert_int_equal(x_keys(shortc, sizeof shortc, &full), 3);
		assert_int_equal(full, 1); /* short rdata: in full in both formats */
		if (fmt == 2)
			continue;
		/* a digest key with a value (never written so: a damaged store) is
		 * reported, not followed */
		r = rrset(owner, "t.example.com", rdp, rdl, addr, 0);
		r.type = LB_T_TXT;
		rdp[0] = longa;
		rdl[0] = sizeof longa;
		lb_kbuf_t k = { 0 };
		const uint8_t *target;
		lb_key_rdata(&k, &r, 0, 1, &target, NULL);
		lb_store_val_t val;
		memset(&val, 0, sizeof val);
		lb_store_val_seen(&val, 1700000000, 7);
		uint8_t vb[LB_VAL_MAX];
		put_raw(k.p, k.len, vb, lb_val_encode(&val, vb, 0));
		lb_kbuf_free(&k);
		lb_store_opts_t ro = { .read_only = true };
		assert_int_equal(lb_store_open(dir, &ro, &s), 0);
		lb_store_scan_t q = { .kind = LB_SCAN_RDATA_RAW, .raw = longa, .raw_len = sizeof longa };
		lb_store_iter_t *it;
		assert_int_equal(lb_store_iter_new(s, &q, &it), 0);
		assert_int_equal(lb_store_iter_next(it, &r), LB_ECORRUPT);
		lb_store_iter_free(it);
		assert_int_equal(lb_store_close(s), 0);
	}
	rmdir_r(dir);
}

/*
 * A large commit sorts its keys before writing one table file (RocksDB
 * refuses a key out of order, and equal keys must meet to be folded).  Owners
 * built to stress the sort: labels of zero bytes and of 'a's whose lengths
 * put the key's end and its differences on both sides of the 8/16/24-byte
 * heads, keys that are prefixes of others, many keys per byte value.
 */

static void test_merge_reopen_corrupt(void **st)
{
	(void)st;
	lb_store_t *s;
	lb_store_opts_t cr = { .create = true }, ro = { .read_only = true };
	rmdir_r(dir);
	assert_int_equal(lb_store_open(dir, &cr, &s), 0);
	uint8_t owner[256], addr[4];
	const uint8_t *rdp[1];
	uint16_t rdl[1];
	static const uint64_t times[] = { 1700000500, 1700000100, 1700000900 };
	for (int i = 0; i < 3; i++) {
		lb_store_rec_t r = rrset(owner, "www.example.com", rdp, rdl, addr, 0xc0000201);
		lb_store_val_seen(&r.val, times[i], (uint64_t)(i + 1));
		assert_int_equal(lb_store_add(s, &r), 0);
		assert_int_equal(lb_store_commit(s), 0);
	}
	assert_int_equal(lb_store_close(s), 0);
	assert_int_equal(lb_store_open(dir, &ro, &s), 0);
	uint8_t name[256];
	int n = lb_name_from_text("www.example.com", 15, NULL, name, sizeof name);
	lb_store_scan_t q = { .kind = LB_SCAN_RRSET, .name = name, .name_len = (size_t)n };
	lb_store_iter_t *it;
	assert_int_equal(lb_store_iter_new(s, &q, &it), 0);
	lb_store_rec_t r;
	assert_int_equal(lb_store_iter_next(it, &r), 1);
	assert_true(r.val.time_first == 1700000100);
	assert_true(r.val.time_last == 1700000900);
	assert_true(r.val.count == 6);
	assert_int_equal(r.val.nruns, 1);
	assert_int_equal(lb_store_iter_next(it, &r), 0);
	lb_store_iter_free(it);
	/* the rdata index entry carries the same aggregate */
	lb_store_scan_t qi = { .kind = LB_SCAN_RDATA_IP, .family = 4, .lo = { 192, 0, 2, 0 },
			       .hi = { 192, 0, 2, 255 } };
	assert_int_equal(lb_store_iter_new(s, &qi, &it), 0);
	assert_int_equal(lb_store_iter_next(it, &r), 1);
	assert_true(r.val.count == 6);
	assert_int_equal(r.type, LB_T_A);
	lb_store_iter_free(it);
	assert_int_equal(lb_store_close(s), 0);

	/* overwrite the rrset value with garbage behind the store's back */
	rocksdb_options_t *o = rocksdb_options_create();
	char *err = NULL;
	rocksdb_t *db = rocksdb_open(o, dir, &err);
	assert_null(err);
	lb_kbuf_t k = { 0 };
	lb_store_rec_t rr = rrset(owner, "www.example.com", rdp, rdl, addr, 0xc0000201);
	lb_key_rrset(&k, &rr);
	rocksdb_writeoptions_t *wo = rocksdb_writeoptions_create();
	rocksdb_put(db, wo, (const char *)k.p, k.len, "\x01\x07\xff", 3, &err);
	assert_null(err);
	rocksdb_close(db);
	rocksdb_writeoptions_destroy(wo);
	rocksdb_options_destroy(o);
	lb_kbuf_free(&k);
	assert_int_equal(lb_store_open(dir, &ro, &s), 0);
	assert_int_equal(lb_store_iter_new(s, &q, &it), 0);
	assert_int_equal(lb_store_iter_next(it, &r), LB_ECORRUPT);
	lb_store_iter_free(it);
	lb_store_totals_t t;
	assert_int_equal(lb_store_totals(s, true, &t), LB_ECORRUPT);
	(void)lb_store_close(s);
	rmdir_r(dir);
}

static void test_retention(void **st)
{
	(void)st;
	lb_store_t *s;
	lb_store_opts_t cr = { .create = true };
	rmdir_r(dir);
	assert_int_equal(lb_store_open(dir, &cr, &s), 0);
	uint64_t now = (uint64_t)time(NULL);
	uint8_t owner[256], addr[4];
	const uint8_t *rdp[1];
	uint16_t rdl[1];
	lb_store_rec_t r = rrset(owner, "old.example.com", rdp, rdl, addr, 0x0a000001);
	lb_store_val_seen(&r.val, now - 20 * 86400, 1);
	assert_int_equal(lb_store_add(s, &r), 0);
	r = rrset(owner, "new.example.com", rdp, rdl, addr, 0x0a000002);
	lb_store_val_seen(&r.val, now - 2 * 86400, 1);
	assert_int_equal(lb_store_add(s, &r), 0);
	assert_int_equal(lb_store_commit(s), 0);
	int e;
	assert_int_equal(count_rrsets(s, "example.com", &e), 2);
	assert_int_equal(e, 0);
	assert_int_equal(lb_store_set_retention(s, 10), 0);
	assert_int_equal(count_rrsets(s, "example.com", &e), 1); /* hidden at once */
	int rows;
	assert_int_equal(ip_count(s, 0x0a000001, &rows), 0); /* its rdata row too */
	assert_int_equal(rows, 0);
	assert_int_equal(ip_count(s, 0x0a000002, &rows), 1);
	assert_int_equal(lb_store_compact(s), 0);
	/* the sweep removed the old address's index key; seen again by the same
	 * writer (which skips keys it put before), it must be indexed again */
	assert_int_equal(ip_count(s, 0x0a000001, &rows), 0);
	r = rrset(owner, "again.example.com", rdp, rdl, addr, 0x0a000003);
	lb_store_val_seen(&r.val, now - 30 * 86400, 1);
	assert_int_equal(lb_store_add(s, &r), 0); /* put, then swept below */
	r = rrset(owner, "old.example.com", rdp, rdl, addr, 0x0a000001);
	lb_store_val_seen(&r.val, now - 20 * 86400, 1);
	assert_int_equal(lb_store_add(s, &r), 0);
	assert_int_equal(lb_store_compact(s), 0);
	r = rrset(owner, "old.example.com", rdp, rdl, addr, 0x0a000001);
	lb_store_val_seen(&r.val, now - 86400, 1);
	assert_int_equal(lb_store_add(s, &r), 0);
	assert_int_equal(lb_store_commit(s), 0);
	assert_int_equal(ip_count(s, 0x0a000001, &rows), 1);
	assert_int_equal(rows, 1);
	assert_int_equal(ip_count(s, 0x0a000003, &rows), 0);
	assert_int_equal(lb_store_close(s), 0);
	/* persisted, and after compaction gone even without retention */
	assert_int_equal(lb_store_open(dir, &cr, &s), 0);
	assert_int_equal(lb_store_retention(s), 10);
	assert_int_equal(lb_store_set_retention(s, 0), 0);
	assert_int_equal(count_rrsets(s, "example.com", &e), 2);
	lb_store_totals_t t;
	assert_int_equal(lb_store_totals(s, true, &t), 0);
	assert_int_equal(t.rrsets, 2);
	assert_int_equal(t.rdata_entries, 2);
	assert_int_equal(lb_store_close(s), 0);
	rmdir_r(dir);
}

/* Child: ingest unique rrsets forever; after each window flush, report how many
 * entries are flushed so far on the pipe. */
static void child_ingest(int fd)
{
	lb_ingest_t *ing;
	lb_window_opts_t wo = { .max_entries = 300, .sensor = "killme" };
	if (lb_ingest_open(dir, NULL, &wo, &ing) != 0)
		_exit(3);
	lb_obs_sink_t sink = lb_ingest_sink(ing);
	uint64_t last_flushes = 0;
	for (uint32_t i = 0;; i++) {
		char name[64];
		uint8_t owner[256], addr[4] = { 10, (uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i };
		snprintf(name, sizeof name, "h%u.kill.test", i);
		int n = lb_name_from_text(name, strlen(name), NULL, owner, sizeof owner);
		const uint8_t *rdp[1] = { addr };
		uint16_t rdl[1] = { 4 };
		lb_obs_rrset_t o = { .owner = owner, .owner_len = (uint8_t)n, .rdata = rdp,
				     .rdlen = rdl, .nrdata = 1, .type = LB_T_A, .rclass = LB_C_IN,
				     .section = LB_SEC_ANSWER };
		o.ts.tv_sec = 1700000000 + i / 1000;
		sink.rrset(sink.ctx, &o);
		lb_window_stats_t ws;
		lb_window_get_stats(lb_ingest_window(ing), &ws);
		if (ws.flushes != last_flushes) {
			last_flushes = ws.flushes;
			uint64_t v = ws.flushed_entries;
			if (write(fd, &v, sizeof v) != (ssize_t)sizeof v)
				_exit(4);
		}
	}
}

static void test_kill_during_ingest(void **st)
{
	(void)st;
	rmdir_r(dir);
	for (int round = 0; round < 2; round++) {
		int pfd[2];
		assert_int_equal(pipe(pfd), 0);
		pid_t pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			close(pfd[0]);
			child_ingest(pfd[1]);
		}
		close(pfd[1]);
		uint64_t flushed = 0, v;
		int reports = 0;
		while (reports < 20 + round * 7 && read(pfd[0], &v, sizeof v) == (ssize_t)sizeof v) {
			flushed = v;
			reports++;
		}
		assert_int_equal(kill(pid, SIGKILL), 0);
		int status;
		assert_int_equal(waitpid(pid, &status, 0), pid);
		if (!WIFSIGNALED(status))
			print_error("child exited with %d\n", WEXITSTATUS(status));
		assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
		close(pfd[0]);
		assert_true(flushed >= 20 * 300);
		/* reopens consistent; everything reported flushed is there; at most the
		 * window (300 entries) plus the flush in progress beyond it */
		lb_store_t *s;
		lb_store_opts_t ro = { .read_only = true };
		assert_int_equal(lb_store_open(dir, &ro, &s), 0);
		int e;
		uint64_t n = count_rrsets(s, "kill.test", &e);
		assert_int_equal(e, 0);
		assert_true(n >= flushed);
		assert_true(n <= flushed + 2 * 300);
		lb_store_totals_t t;
		assert_int_equal(lb_store_totals(s, true, &t), 0);
		assert_true(t.sensors == 1);
		/* and its tables agree: every rrset has its index entries */
		lb_store_check_t ck;
		assert_int_equal(lb_store_check(s, 0, &ck, NULL, NULL, NULL, NULL), 0);
		assert_int_equal(ck.problems, 0);
		assert_true(ck.rrsets == n && ck.index_entries == n && ck.owners == n);
		(void)lb_store_close(s);
	}
	rmdir_r(dir);
}

/* Rows of one scan, and how many bytes the block cache grew by meanwhile. */
static uint64_t scan_rows(lb_store_t *s, const lb_store_scan_t *q, size_t *grew)
{
	size_t c0 = lb_store_cache_bytes(s);
	uint64_t n = scan_count_q(s, q);
	size_t c1 = lb_store_cache_bytes(s);
	*grew = c1 > c0 ? c1 - c0 : 0;
	return n;
}

/*
 * A scan over a whole table (every name below the root, as export walks it;
 * addresses past one /8) leaves the block cache as it was: it reads each block
 * once, and filling the cache would evict what lookups keep hot.  Narrower
 * scans fill it as lookups do.
 */
static void test_long_scan_cache(void **st)
{
	(void)st;
	lb_store_t *s = open_bulk();
	enum { N = 60000 };
	add_numbered(s, "long.test", N, 7, 0);
	assert_int_equal(lb_store_close(s), 0);
	lb_store_opts_t ro = { .read_only = true, .cache_mb = 64 };
	const uint8_t root[1] = { 0 };
	uint8_t tn[16];
	int tl = lb_name_from_text("test", 4, NULL, tn, sizeof tn);
	lb_store_scan_t all = { .kind = LB_SCAN_RRSET, .match = LB_MATCH_BELOW, .name = root,
				.name_len = 1 };
	lb_store_scan_t zone = { .kind = LB_SCAN_RRSET, .match = LB_MATCH_BELOW, .name = tn,
				 .name_len = (size_t)tl };
	lb_store_scan_t ip_all = { .kind = LB_SCAN_RDATA_IP, .family = 4, .lo = { 0, 0, 0, 0 },
				   .hi = { 255, 255, 255, 255 } };
	lb_store_scan_t ip_8 = { .kind = LB_SCAN_RDATA_IP, .family = 4, .lo = { 10, 0, 0, 0 },
				 .hi = { 10, 255, 255, 255 } };
	size_t g_all, g_zone, g_ipall, g_ip8;
	assert_int_equal(lb_store_open(dir, &ro, &s), 0);
	assert_int_equal(scan_rows(s, &all, &g_all), N);
	assert_int_equal(scan_rows(s, &zone, &g_zone), N);
	assert_int_equal(lb_store_close(s), 0);
	assert_true(g_all < (64u << 10));
	assert_true(g_zone > (512u << 10)); /* the same rrsets, read through the cache */
	/* an address row's counters come from its rrset, read through the cache
	 * either way; the address blocks themselves only by the narrower scan */
	assert_int_equal(lb_store_open(dir, &ro, &s), 0);
	assert_int_equal(scan_rows(s, &ip_all, &g_ipall), N);
	assert_int_equal(lb_store_close(s), 0);
	assert_int_equal(lb_store_open(dir, &ro, &s), 0);
	assert_int_equal(scan_rows(s, &ip_8, &g_ip8), N);
	assert_int_equal(lb_store_close(s), 0);
	assert_true(g_ip8 > g_ipall + (256u << 10));
	rmdir_r(dir);
}

/* A store written while it serves lookups (lb_store_opts_t.bulk false) must
 * not copy and sort its whole memtable per lookup (a vector memtable did:
 * 0.75 s per lookup with 200k fresh rrsets).  Exact lookups of every owner
 * just written, with the memtable still holding them, and a loose time bound
 * (the vector memtable took over 100x longer). */
static void test_lookup_while_writing(void **st)
{
	(void)st;
	rmdir_r(dir);
	lb_store_t *s;
	lb_store_opts_t o = { .create = true };
	assert_int_equal(lb_store_open(dir, &o, &s), 0);
	enum { N = 80000, Q = 50 };
	uint8_t owner[256];
	char name[64];
	add_numbered(s, "mem.test", N, 1, 0);
	assert_int_equal(lb_store_commit(s), 0);
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (uint32_t k = 0; k < Q; k++) {
		snprintf(name, sizeof name, "h%u.mem.test", k * (N / Q));
		int n = lb_name_from_text(name, strlen(name), NULL, owner, sizeof owner);
		assert_true(n > 0);
		lb_store_scan_t q = { .kind = LB_SCAN_RRSET, .match = LB_MATCH_EXACT,
				      .name = owner, .name_len = (size_t)n };
		lb_store_iter_t *it;
		assert_int_equal(lb_store_iter_new(s, &q, &it), 0);
		lb_store_rec_t r;
		int found = 0, e;
		while ((e = lb_store_iter_next(it, &r)) > 0)
			found++;
		assert_int_equal(e, 0);
		assert_int_equal(found, 1);
		lb_store_iter_free(it);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	assert_true(secs < 2.0);
	assert_int_equal(lb_store_close(s), 0);
	rmdir_r(dir);
}

/* Lookups reuse idle iterators: one made before a write must never answer
 * after it (it would miss the write), whichever kind of lookup made it. */
static uint64_t exact_count(lb_store_t *s, const char *name)
{
	int err;
	uint64_t sum;
	scan_rrsets(s, name, LB_MATCH_EXACT, &err, &sum);
	assert_int_equal(err, 0);
	return sum;
}

static void test_iterator_reuse(void **st)
{
	(void)st;
	rmdir_r(dir);
	lb_store_t *s;
	lb_store_opts_t o = { .create = true };
	assert_int_equal(lb_store_open(dir, &o, &s), 0);
	uint8_t owner[256], addr[4];
	const uint8_t *rdp[1];
	uint16_t rdl[1];
	lb_store_rec_t r = rrset(owner, "a.pool.test", rdp, rdl, addr, 0x0a000001);
	r.val.count = 1;
	r.val.time_first = r.val.time_last = 1700000000;
	assert_int_equal(lb_store_add(s, &r), 0);
	assert_int_equal(lb_store_commit(s), 0);
	int rows;
	for (int round = 1; round <= 5; round++) {
		/* several lookups, two of them open at once: the pool holds more
		 * than one iterator of each kind when the write comes */
		assert_int_equal(exact_count(s, "a.pool.test"), (uint64_t)round);
		uint8_t nm[256];
		int n = lb_name_from_text("a.pool.test", 11, NULL, nm, sizeof nm);
		lb_store_scan_t q = { .kind = LB_SCAN_RRSET, .match = LB_MATCH_EXACT, .name = nm,
				      .name_len = (size_t)n };
		lb_store_iter_t *i1, *i2;
		assert_int_equal(lb_store_iter_new(s, &q, &i1), 0);
		assert_int_equal(lb_store_iter_new(s, &q, &i2), 0);
		lb_store_iter_free(i1);
		lb_store_iter_free(i2);
		/* the address rows: a (seen round times) and b1..b(round-1) */
		assert_int_equal(ip_count(s, 0x0a000001, &rows), (uint64_t)(2 * round - 1));
		assert_int_equal(rows, round);
		assert_int_equal(exact_count(s, "a.pool.test"), (uint64_t)round);
		/* the write: one more sighting of a, and a new name b */
		r = rrset(owner, "a.pool.test", rdp, rdl, addr, 0x0a000001);
		r.val.count = 1;
		r.val.time_first = r.val.time_last = 1700000000 + (uint64_t)round;
		assert_int_equal(lb_store_add(s, &r), 0);
		char bn[32];
		snprintf(bn, sizeof bn, "b%d.pool.test", round);
		r = rrset(owner, bn, rdp, rdl, addr, 0x0a000001);
		r.val.count = 1;
		r.val.time_first = r.val.time_last = 1700000000;
		assert_int_equal(lb_store_add(s, &r), 0);
		assert_int_equal(lb_store_commit(s), 0);
		assert_int_equal(exact_count(s, bn), 1);
	}
	assert_int_equal(exact_count(s, "a.pool.test"), 6);
	assert_int_equal(ip_count(s, 0x0a000001, &rows), 6 + 5);
	assert_int_equal(rows, 6);
	assert_int_equal(lb_store_close(s), 0);
	rmdir_r(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_refuse_foreign),
		cmocka_unit_test(test_open_log_once),
		cmocka_unit_test(test_killed_in_creation),
		cmocka_unit_test(test_merge_reopen_corrupt),
		cmocka_unit_test(test_retention),
		cmocka_unit_test(test_index_values),
		cmocka_unit_test(test_x_digest),
		cmocka_unit_test(test_kill_during_ingest),
		cmocka_unit_test(test_long_scan_cache),
		cmocka_unit_test(test_lookup_while_writing),
		cmocka_unit_test(test_iterator_reuse),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
