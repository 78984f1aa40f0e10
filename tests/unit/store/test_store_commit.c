/*
 * test_store_commit.c - the store's large commits: pending operations sorted
 * (in two threads given a second core) and folded, written as table files and
 * ingested, left in level 0 by bulk ingest and compacted later; keys that
 * share long prefixes, huge rrsets, runs of equal keys larger than the
 * commit's key buffer.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cmocka.h>

#include "dns/name.h"
#include "dns/rrtype.h"
#include "store/keys.h"
#include "store/store.h"
#include "store_util.h"

/* A commit past the table-file thresholds (sorted, in two threads when
 * there is a second core, written as a table file and ingested):
 * every key comes back once, in order, with equal keys of the commit folded.
 * Names share long prefixes, some are prefixes of others, lengths vary;
 * RocksDB's table writer itself refuses keys out of order, so a bad sort
 * fails the commit. */
static void test_large_commit(void **st)
{
	(void)st;
	lb_store_t *s = open_bulk();
	/* 3 passes: 3N rrset merges (runs of equal keys, folded), 2N forward
	 * and address puts: 150k operations, past SORT2_MIN_OPS */
	enum { N = 30000, PASSES = 3 };
	uint8_t owner[256], addr[4];
	const uint8_t *rdp[1];
	uint16_t rdl[1];
	uint64_t x = 88172645463325252ull;
	for (int pass = 0; pass < PASSES; pass++) {
		x = 88172645463325252ull;
		for (uint32_t i = 0; i < N; i++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			char name[128];
			/* deep names under a few zones: "a<k>.<...>.z<j>.test", some one label above another */
			snprintf(name, sizeof name, "%s%u.%s%u.zone%u.test", (x & 1) ? "" : "w.",
				 (unsigned)(x >> 8) % 5000, (x & 2) ? "b" : "bb", (unsigned)(x >> 24) % 7,
				 (unsigned)(x >> 40) % 3);
			lb_store_rec_t r = rrset(owner, name, rdp, rdl, addr,
						 0x0a000000u | (uint32_t)(x >> 16 & 0xffff));
			lb_store_val_seen(&r.val, 1700000000 + i, 1);
			assert_int_equal(lb_store_add(s, &r), 0);
		}
	}
	assert_int_equal(lb_store_commit(s), 0);
	/* the whole test zone, in key order, each rrset once, counts 3 per add */
	lb_store_iter_t *it = scan_open(s, "test", LB_MATCH_BELOW);
	lb_store_rec_t r;
	uint64_t total = 0, rows = 0;
	int k;
	while ((k = lb_store_iter_next(it, &r)) > 0) {
		assert_true(r.val.count >= PASSES && r.val.count % PASSES == 0);
		total += r.val.count;
		rows++;
	}
	assert_int_equal(k, 0);
	lb_store_iter_free(it);
	assert_int_equal(total, PASSES * N);
	assert_true(rows > 1000);
	/* every address row derives the same total */
	lb_store_scan_t qi = { .kind = LB_SCAN_RDATA_IP, .family = 4, .lo = { 10, 0, 0, 0 },
			       .hi = { 10, 0, 255, 255 } };
	assert_int_equal(lb_store_iter_new(s, &qi, &it), 0);
	total = 0;
	while ((k = lb_store_iter_next(it, &r)) > 0)
		total += r.val.count;
	assert_int_equal(k, 0);
	lb_store_iter_free(it);
	assert_int_equal(total, PASSES * N);
	assert_int_equal(lb_store_close(s), 0);
	rmdir_r(dir);
}

/*
 * Bulk ingest defers compaction: large commits (each one ingested table
 * file) stay in level 0 until there are many, where RocksDB's default would
 * compact at 4 (work a close then abandons).  lb_store_compact merges them,
 * in one pass when no retention is set, and the counts survive both.
 */
static void test_bulk_level0(void **st)
{
	(void)st;
	lb_store_t *s = open_bulk();
	enum { COMMITS = 6, PER = 6000 }; /* 4 operations each: past SST_MIN_OPS */
	uint8_t owner[256], addr[4];
	const uint8_t *rdp[1];
	uint16_t rdl[1];
	for (uint32_t c = 0; c < COMMITS; c++) {
		/* a small commit (write-ahead log and memtable, as the metadata of
		 * a capture's first flush): a table file ingested over it lands in
		 * level 0, not in an empty lower level */
		lb_store_rec_t one = rrset(owner, "zz.test", rdp, rdl, addr, 0x0b000000u | c);
		lb_store_val_seen(&one.val, 1700000000, 1);
		assert_int_equal(lb_store_add(s, &one), 0);
		assert_int_equal(lb_store_commit(s), 0);
		for (uint32_t i = 0; i < PER; i++) {
			char name[64];
			/* every commit spans the whole key space (overlapping files) */
			snprintf(name, sizeof name, "h%u.c%u.d%u.test", i, c, i % 97);
			lb_store_rec_t r = rrset(owner, name, rdp, rdl, addr, 0x0a000000u | (c << 16 | i));
			lb_store_val_seen(&r.val, 1700000000 + i, 1);
			assert_int_equal(lb_store_add(s, &r), 0);
		}
		assert_int_equal(lb_store_commit(s), 0);
	}
	/* time for a background compaction, were one scheduled */
	struct timespec ts = { 0, 300 * 1000 * 1000 };
	nanosleep(&ts, NULL);
	lb_store_totals_t t;
	assert_int_equal(lb_store_totals(s, true, &t), 0);
	/* the count runs in pieces cut at the files' first keys, in threads:
	 * every key counted once however the overlapping files cut it */
	assert_int_equal(t.rrsets, COMMITS * PER + COMMITS);
	assert_int_equal(t.owners, COMMITS * PER + 1);
	assert_int_equal(t.rdata_entries, COMMITS * PER + COMMITS);
	/* each commit: the small one's memtable flushed when the large one's
	 * table file was ingested over it, both in level 0, none merged yet
	 * (RocksDB's default had merged 12 into 9 here) */
	assert_true(t.level0_files >= 2 * COMMITS);
	assert_int_equal(lb_store_compact(s), 0);
	assert_int_equal(lb_store_totals(s, true, &t), 0);
	assert_int_equal(t.rrsets, COMMITS * PER + COMMITS);
	assert_int_equal(t.owners, COMMITS * PER + 1);
	assert_int_equal(t.rdata_entries, COMMITS * PER + COMMITS);
	assert_int_equal(t.level0_files, 0);
	assert_true(t.table_files >= 1);
	int err;
	assert_int_equal(count_rrsets(s, "test", &err), COMMITS * PER + COMMITS);
	assert_int_equal(err, 0);
	assert_int_equal(lb_store_close(s), 0);
	rmdir_r(dir);
}

static uint8_t owners[7000][64];

static int owner_cmp(const void *a, const void *b) { return memcmp(a, b, 64); }

static void test_sort_edges(void **st)
{
	(void)st;
	lb_store_t *s = open_bulk();
	enum { N = 7000 };
	uint8_t addr[4];
	const uint8_t *rdp[1];
	uint16_t rdl[1];
	uint64_t x = 0x9e3779b97f4a7c15ull;
	for (int pass = 0; pass < 2; pass++) {
		for (uint32_t i = 0; i < N; i++) {
			uint8_t owner[64];
			/* one label of len (i % 31) bytes, each 0 or 'a' by bits of i,
			 * under the label "z" */
			uint32_t len = i % 31, bits = i / 31;
			size_t o = 0;
			owner[o++] = (uint8_t)(len + 1);
			for (uint32_t j = 0; j < len; j++)
				owner[o++] = (bits >> (j % 8) & 1) ? 'a' : 0;
			owner[o++] = (uint8_t)(i % 3 == 0 ? 0 : 'a' + i % 7);
			owner[o++] = 1;
			owner[o++] = 'z';
			owner[o++] = 0;
			memcpy(owners[i], owner, o);
			memset(owners[i] + o, 0xff, sizeof owners[i] - o); /* no owner byte is read past its end */
			lb_store_rec_t r = rrset_wire(owner, o, rdp, rdl, addr, 0x0a000000u | i);
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			lb_store_val_seen(&r.val, 1700000000 + (x % 1000), 1);
			assert_int_equal(lb_store_add(s, &r), 0);
		}
	}
	/* 2 x 7000 rrsets, 3 operations each: one table file */
	assert_int_equal(lb_store_commit(s), 0);
	lb_store_totals_t t;
	assert_int_equal(lb_store_totals(s, true, &t), 0);
	assert_int_equal(t.rrsets, N);
	/* owners repeat (a short label has few patterns): count them here */
	qsort(owners, N, sizeof owners[0], owner_cmp);
	uint64_t distinct = 0;
	for (uint32_t i = 0; i < N; i++)
		distinct += i == 0 || owner_cmp(&owners[i - 1], &owners[i]) != 0;
	assert_int_equal(t.owners, distinct);
	assert_int_equal(t.rdata_entries, N);
	/* every rrset folded its two adds */
	lb_store_scan_t q = { .kind = LB_SCAN_RDATA_IP, .family = 4, .lo = { 10, 0, 0, 0 },
			      .hi = { 10, 255, 255, 255 } };
	lb_store_iter_t *it;
	assert_int_equal(lb_store_iter_new(s, &q, &it), 0);
	lb_store_rec_t r;
	uint64_t rows = 0;
	int k;
	while ((k = lb_store_iter_next(it, &r)) > 0) {
		assert_int_equal(r.val.count, 2);
		rows++;
	}
	assert_int_equal(k, 0);
	lb_store_iter_free(it);
	assert_int_equal(rows, N);
	assert_int_equal(lb_store_close(s), 0);
	rmdir_r(dir);
}

/* Groups of the byte-bucket sort whose keys all share their next bytes, far
 * past the 24 bytes kept beside each operation: 24000 rrsets under a zone of
 * 40 bytes, one label of 0-2 bytes (an empty one: the zone itself) before
 * it, so the keys share 40 bytes and some end where others go on (100
 * rrsets of the zone, 100 of one-letter names, the rest of 676 two-letter
 * names: an IP scan reads an owner's rrsets for each of its RRs); every
 * rrset comes back (a key out of order fails the table file).  3 operations
 * each: a commit between RADIX2_MIN and SORT2_MIN_OPS, so its first split
 * takes two bytes at once whatever the processors (pend_radix_top). */
static void test_sort_long_shared(void **st)
{
	(void)st;
	lb_store_t *s = open_bulk();
	enum { N = 24000 };
	const char *zone = "shared-prefix-sorting.long-zone-name.test";
	uint8_t owner[256], addr[4];
	const uint8_t *rdp[1];
	uint16_t rdl[1];
	uint64_t want = 0, apex = 0;
	for (int i = 0; i < N; i++) {
		char name[300];
		/* a label of 0-2 letters: "", "a".."z", "aa".."zz"; few rrsets
		 * of one owner (the reads back take time per rrset of an owner) */
		int len = i % 240 == 0 ? 0 : i % 240 == 1 ? 1 : 2;
		apex += len == 0;
		if (len == 0)
			snprintf(name, sizeof name, "%s", zone);
		else if (len == 1)
			snprintf(name, sizeof name, "%c.%s", 'a' + i % 26, zone);
		else
			snprintf(name, sizeof name, "%c%c.%s", 'a' + i % 26, 'a' + i / 26 % 26, zone);
		lb_store_rec_t r = rrset(owner, name, rdp, rdl, addr, 0x0a000000u + (uint32_t)i);
		lb_store_val_seen(&r.val, 1700000000 + (uint64_t)i, 1);
		assert_int_equal(lb_store_add(s, &r), 0);
		want++;
	}
	assert_int_equal(lb_store_commit(s), 0);
	int err;
	assert_int_equal(count_rrsets(s, zone, &err), want - apex); /* strictly below it */
	assert_int_equal(err, 0);
	lb_store_scan_t qi = { .kind = LB_SCAN_RDATA_IP, .family = 4, .lo = { 10, 0, 0, 0 },
			       .hi = { 10, 255, 255, 255 } };
	assert_int_equal(scan_count_q(s, &qi), N);
	lb_store_totals_t t;
	assert_int_equal(lb_store_totals(s, true, &t), 0);
	assert_int_equal(t.rrsets, N);
	assert_int_equal(t.rdata_entries, N);
	assert_int_equal(lb_store_close(s), 0);
	rmdir_r(dir);
}

/* Regression: an rrset whose key passes 64 KiB (2048 TXT rdatas of 100 bytes)
 * is stored and read back whole, and does not poison the rest of the batch. */
static void test_huge_rrset(void **st)
{
	(void)st;
	rmdir_r(dir);
	lb_store_t *s;
	lb_store_opts_t cr = { .create = true };
	assert_int_equal(lb_store_open(dir, &cr, &s), 0);
	enum { N = LB_STORE_MAX_RDATA };
	static uint8_t rd[N][101];
	static const uint8_t *rdp[N];
	static uint16_t rdl[N];
	txt_rdata(&rd[0][0], N, 100, 'a', rdp, rdl);
	uint8_t owner[256], addr[4];
	const uint8_t *ap[1];
	uint16_t al[1];
	lb_store_rec_t small = rrset(owner, "small.big.test", ap, al, addr, 0x0a000001);
	lb_store_val_seen(&small.val, 1700000000, 1);
	assert_int_equal(lb_store_add(s, &small), 0);
	uint8_t bo[256];
	int bl = lb_name_from_text("txt.big.test", 12, NULL, bo, sizeof bo);
	lb_store_rec_t big = { .kind = LB_REC_RRSET, .owner = bo, .owner_len = (size_t)bl,
			       .type = LB_T_TXT, .nrdata = N, .rdata = rdp, .rdlen = rdl };
	lb_store_val_seen(&big.val, 1700000000, 1);
	assert_int_equal(lb_store_add(s, &big), 0);
	assert_int_equal(lb_store_commit(s), 0);
	int e;
	assert_int_equal(count_rrsets(s, "big.test", &e), 2);
	assert_int_equal(e, 0);
	lb_store_rec_t r;
	lb_store_iter_t *it = exact_first(s, bo, bl, &r);
	assert_int_equal(r.nrdata, N);
	assert_memory_equal(r.rdata[N - 1], rd[N - 1], 101);
	lb_store_iter_free(it);
	assert_int_equal(lb_store_close(s), 0);
	rmdir_r(dir);
}

/*
 * A pending operation keeps its key's length, arena offset and value length
 * in one word (rocks_impl.h struct pend: 24, 28 and 12 bits): an rrset key
 * just under the 16 MiB bound goes in and comes back whole, and so do the
 * rrsets around it (the one after it lies past 2^24 in the arena); a key
 * at the bound is refused, and no commit gets the ones before it wrong.
 */
static void test_key_limit(void **st)
{
	(void)st;
	rmdir_r(dir);
	lb_store_t *s;
	lb_store_opts_t cr = { .create = true };
	assert_int_equal(lb_store_open(dir, &cr, &s), 0);
	enum { N = LB_STORE_MAX_RDATA, BIG = 8000, OVER = 8200 };
	static uint8_t rd[N][OVER];
	static const uint8_t *rdp[N];
	static uint16_t rdl[N];
	for (int i = 0; i < N; i++) {
		memset(rd[i], 'a' + i % 26, OVER);
		memcpy(rd[i], &i, sizeof i); /* each rdata distinct */
		rdp[i] = rd[i];
		rdl[i] = BIG;
	}
	uint8_t o1[256], o2[256], addr[4], bo[256];
	const uint8_t *ap[1];
	uint16_t al[1];
	int bl = lb_name_from_text("big.limit.test", 14, NULL, bo, sizeof bo);
	lb_store_rec_t big = { .kind = LB_REC_RRSET, .owner = bo, .owner_len = (size_t)bl,
			       .type = 65280, .nrdata = N, .rdata = rdp, .rdlen = rdl };
	lb_store_val_seen(&big.val, 1700000000, 3);
	lb_store_rec_t a = rrset(o1, "a.limit.test", ap, al, addr, 0x0a000001);
	lb_store_val_seen(&a.val, 1700000000, 1);
	assert_int_equal(lb_store_add(s, &a), 0);
	assert_int_equal(lb_store_add(s, &big), 0); /* key 2048 * (8000 + 2) + 20 bytes */
	lb_store_rec_t z = rrset(o2, "z.limit.test", ap, al, addr, 0x0a000002);
	lb_store_val_seen(&z.val, 1700000000, 2);
	assert_int_equal(lb_store_add(s, &z), 0);
	assert_int_equal(lb_store_commit(s), 0);
	int e;
	assert_int_equal(count_rrsets(s, "limit.test", &e), 3);
	assert_int_equal(e, 0);
	lb_store_rec_t r;
	lb_store_iter_t *it = exact_first(s, bo, bl, &r);
	assert_int_equal(r.nrdata, N);
	assert_int_equal(r.val.count, 3);
	for (int i = 0; i < N; i += 511) {
		int j;
		for (j = 0; j < N; j++) /* the rrset's rdata are kept in their canonical order */
			if (r.rdlen[j] == BIG && !memcmp(r.rdata[j], rd[i], BIG))
				break;
		assert_true(j < N);
	}
	lb_store_iter_free(it);
	it = exact_first(s, o2, lb_name_check(o2, sizeof o2), &r);
	assert_int_equal(r.val.count, 2);
	lb_store_iter_free(it);
	/* 2048 * (8200 + 2) bytes: past the bound, refused */
	for (int i = 0; i < N; i++)
		rdl[i] = OVER;
	assert_int_equal(lb_store_add(s, &big), LB_EINVAL);
	lb_store_discard(s);
	assert_int_equal(count_rrsets(s, "limit.test", &e), 3);
	assert_int_equal(lb_store_close(s), 0);
	rmdir_r(dir);
}

/*
 * A large commit copies its sorted keys into a small buffer slice by slice
 * (rocks_write.c gather): a key larger than the buffer, a run of equal keys
 * larger than it (folded into one operand), and runs that end where a slice
 * would, must each come out as one operation: a key written twice, or out of
 * order, makes RocksDB's table writer fail the commit.
 */
static void test_commit_slices(void **st)
{
	(void)st;
	lb_store_t *s = open_bulk();
	enum { SMALL = 20000, RUN = 30000, BIGN = LB_STORE_MAX_RDATA };
	/* every 7th small rrset twice: short runs all over the slices */
	add_numbered(s, "slice.test", SMALL, 1, 7);
	uint8_t owner[256], addr[4];
	const uint8_t *rdp[1];
	uint16_t rdl[1];
	for (int i = 0; i < RUN; i++) {
		lb_store_rec_t r = rrset(owner, "run.slice.test", rdp, rdl, addr, 0x0b000001);
		lb_store_val_seen(&r.val, 1700000000 + i, 1);
		assert_int_equal(lb_store_add(s, &r), 0);
	}
	static uint8_t rd[BIGN][256];
	static const uint8_t *bp[BIGN];
	static uint16_t bl[BIGN];
	txt_rdata(&rd[0][0], BIGN, 255, 'b', bp, bl);
	uint8_t bo[256];
	int bn = lb_name_from_text("big.slice.test", 14, NULL, bo, sizeof bo);
	lb_store_rec_t big = { .kind = LB_REC_RRSET, .owner = bo, .owner_len = (size_t)bn,
			       .type = LB_T_TXT, .nrdata = BIGN, .rdata = bp, .rdlen = bl };
	for (int k = 0; k < 2; k++) { /* a key of 512 KiB and more, twice */
		lb_store_val_seen(&big.val, 1700000000 + k, 1);
		assert_int_equal(lb_store_add(s, &big), 0);
	}
	assert_int_equal(lb_store_commit(s), 0);
	int e;
	uint64_t sum;
	assert_int_equal(scan_rrsets(s, "slice.test", LB_MATCH_BELOW, &e, &sum), SMALL + 2);
	assert_int_equal(e, 0);
	assert_int_equal(sum, SMALL + (SMALL + 6) / 7 + RUN + 2);
	assert_int_equal(scan_rrsets(s, "run.slice.test", LB_MATCH_EXACT, &e, &sum), 1);
	assert_int_equal(sum, RUN);
	lb_store_rec_t r;
	lb_store_iter_t *it = exact_first(s, bo, bn, &r);
	assert_int_equal(r.nrdata, BIGN);
	assert_int_equal(r.val.count, 2);
	assert_int_equal(r.val.time_first, 1700000000);
	assert_int_equal(r.val.time_last, 1700000001);
	assert_memory_equal(r.rdata[BIGN - 1], rd[BIGN - 1], 256);
	lb_store_iter_free(it);
	assert_int_equal(lb_store_close(s), 0);
	rmdir_r(dir);
}

/* Nothing of what lb_store_discard() drops is written; added again and
 * committed, all of it is, index entries included (the put-dedup table must
 * not remember the dropped keys as written).  More records than the put
 * staging queue holds, so some of the dropped puts were checked already. */
static void test_discard(void **st)
{
	(void)st;
	lb_store_t *s = open_bulk();
	enum { N = 40 };
	uint8_t owner[N][256], addr[N][4];
	const uint8_t *rdp[N][1];
	uint16_t rdl[N][1];
	lb_store_rec_t r[N];
	for (int i = 0; i < N; i++) {
		char name[64];
		snprintf(name, sizeof name, "h%d.discard.test", i);
		r[i] = rrset(owner[i], name, rdp[i], rdl[i], addr[i], 0xc0000200u + (uint32_t)i);
		lb_store_val_seen(&r[i].val, 1700000000, 1);
	}
	lb_store_scan_t qi = { .kind = LB_SCAN_RDATA_IP, .family = 4, .lo = { 192, 0, 2, 0 },
			       .hi = { 192, 0, 2, 255 } };
	for (int round = 0; round < 2; round++) {
		for (int i = 0; i < N; i++)
			assert_int_equal(lb_store_add(s, &r[i]), 0);
		if (round == 0)
			lb_store_discard(s);
		assert_int_equal(lb_store_commit(s), 0);
		int err;
		uint64_t sum = 0;
		assert_int_equal(scan_rrsets(s, "discard.test", LB_MATCH_BELOW, &err, &sum),
				 round ? N : 0);
		assert_int_equal(err, 0);
		assert_int_equal(sum, round ? N : 0);
		assert_int_equal(scan_count_q(s, &qi), round ? N : 0);
	}
	assert_int_equal(lb_store_close(s), 0);
}

/* The index puts' check: a writer starts sampling (keys mostly new), turns
 * to checking every key when the sample meets keys it put before, and back
 * when they are new again; the store holds every entry in each mode. */
static void test_put_modes(void **st)
{
	(void)st;
	lb_store_t *s = open_bulk();
	enum { N = 40000 }; /* each: a forward key and an address key */
	lb_store_wstats_t w, prev;
	lb_store_write_stats(s, &w);
	assert_int_equal(w.sampling, 1);
	assert_int_equal(w.puts, 0);
	uint64_t skipped_before = 0;
	for (int round = 0; round < 5; round++) {
		const char *zone = round < 4 ? "modes.test" : "other.test";
		prev = w;
		add_numbered(s, zone, N, 1, 0);
		assert_int_equal(lb_store_commit(s), 0);
		lb_store_write_stats(s, &w);
		uint64_t puts = w.puts - prev.puts, unchecked = w.puts_unchecked - prev.puts_unchecked;
		uint64_t skipped = w.puts_skipped - prev.puts_skipped;
		assert_int_equal(puts, 2 * N);
		switch (round) {
		case 0: /* sampling, nothing known */
		case 1: /* sampling: the sample's keys are skipped, the others written */
			assert_true(unchecked > puts * 7 / 8 && unchecked < puts * 31 / 32);
			assert_int_equal(skipped, round ? puts - unchecked : 0);
			assert_int_equal(w.sampling, round == 0);
			assert_int_equal(w.mode_changes, round);
			break;
		case 2: /* every key checked; only the sample's were remembered */
			assert_int_equal(unchecked, 0);
			assert_int_equal(skipped, prev.puts_skipped - skipped_before);
			assert_int_equal(w.sampling, 0);
			assert_int_equal(w.mode_changes, 1);
			break;
		case 3: /* every key remembered: nothing written again */
			assert_int_equal(unchecked, 0);
			assert_int_equal(skipped, puts);
			assert_int_equal(w.sampling, 0);
			break;
		case 4: /* new keys: back to sampling */
			assert_int_equal(unchecked, 0);
			assert_int_equal(skipped, 0);
			assert_int_equal(w.sampling, 1);
			assert_int_equal(w.mode_changes, 2);
			break;
		}
		skipped_before = prev.puts_skipped;
	}
	/* every entry is there: rrsets, forward names, addresses */
	int err;
	assert_int_equal(count_rrsets(s, "modes.test", &err), N);
	assert_int_equal(err, 0);
	assert_int_equal(count_rrsets(s, "other.test", &err), N);
	assert_int_equal(err, 0);
	lb_store_scan_t qi = { .kind = LB_SCAN_RDATA_IP, .family = 4, .lo = { 10, 0, 0, 0 },
			       .hi = { 10, 255, 255, 255 } };
	assert_int_equal(scan_count_q(s, &qi), 2 * N); /* each address under its two owners */
	uint8_t name[256];
	int nl = lb_name_from_text("h39999.modes", 12, NULL, name, sizeof name);
	assert_true(nl > 0);
	lb_store_scan_t qf = { .kind = LB_SCAN_RRSET, .match = LB_MATCH_ABOVE_PREFIX, .name = name,
			       .name_len = (size_t)nl };
	assert_int_equal(scan_count_q(s, &qf), 1); /* found through its forward key */
	assert_int_equal(lb_store_close(s), 0);
}

/* Add PER A rrsets "h<i>.b<batch>.test" (4 operations each: a commit past
 * SST_MIN_OPS, written as a table file). */
static void add_batch(lb_store_t *s, uint32_t batch, uint32_t per)
{
	uint8_t owner[256], addr[4];
	const uint8_t *rdp[1];
	uint16_t rdl[1];
	for (uint32_t i = 0; i < per; i++) {
		char name[64];
		snprintf(name, sizeof name, "h%u.b%u.test", i, batch);
		lb_store_rec_t r = rrset(owner, name, rdp, rdl, addr, 0x0a000000u | (batch << 16 | i));
		lb_store_val_seen(&r.val, 1700000000 + i, 1);
		assert_int_equal(lb_store_add(s, &r), 0);
	}
}

/*
 * A table file that cannot be written (here the file size limit, EFBIG, as
 * a full disk gives ENOSPC) fails the commit with the system's reason and
 * leaves no table file behind and the store as it was; the next commit is
 * written (the writer is made anew), and all of it is there after a reopen.
 */
static void test_table_write_error(void **st)
{
	(void)st;
	enum { PER = 6000 };
	lb_store_t *s = open_bulk();
	add_batch(s, 1, PER);
	assert_int_equal(lb_store_commit(s), 0);
	struct rlimit old, lim;
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	lim = old;
	lim.rlim_cur = 64 * 1024;
	void (*oldsig)(int) = signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
	add_batch(s, 2, PER);
	int err = lb_store_commit(s);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, oldsig);
	assert_int_equal(err, LB_ESTORE);
	const char *m = lb_store_errmsg(s, err);
	assert_non_null(strstr(m, "lookback-ingest.sst"));
	assert_non_null(strstr(m, strerror(EFBIG)));
	char path[512];
	snprintf(path, sizeof path, "%s/lookback-ingest.sst", dir);
	assert_int_not_equal(access(path, F_OK), 0);
	int e2;
	assert_int_equal(count_rrsets(s, "test", &e2), PER);
	assert_int_equal(e2, 0);
	add_batch(s, 2, PER);
	assert_int_equal(lb_store_commit(s), 0);
	assert_int_equal(count_rrsets(s, "test", &e2), 2 * PER);
	assert_int_equal(lb_store_close(s), 0);
	lb_store_opts_t ro = { .read_only = true };
	assert_int_equal(lb_store_open(dir, &ro, &s), 0);
	assert_int_equal(count_rrsets(s, "test", &e2), 2 * PER);
	assert_int_equal(e2, 0);
	assert_int_equal(lb_store_close(s), 0);
	rmdir_r(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_large_commit),
		cmocka_unit_test(test_bulk_level0),
		cmocka_unit_test(test_sort_edges),
		cmocka_unit_test(test_sort_long_shared),
		cmocka_unit_test(test_huge_rrset),
		cmocka_unit_test(test_key_limit),
		cmocka_unit_test(test_commit_slices),
		cmocka_unit_test(test_discard),
		cmocka_unit_test(test_put_modes),
		cmocka_unit_test(test_table_write_error),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
