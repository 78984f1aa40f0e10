/*
 * test_store_check.c - lb_store_check: a store written by lookback checks
 * clean; each kind of damage done behind the store's back (RocksDB opened
 * directly) is found, counted once and named; retention leftovers are counted
 * apart; several passes (a small hash budget) find the same.
 * lb_store_repair (stats --repair) fixes each of them, in one pass and in
 * several, and the check then finds nothing; a store that lost its CURRENT
 * file or whose table fails its checksums is rebuilt by RocksDB's repairer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <rocksdb/c.h>

#include "dns/name.h"
#include "dns/rrtype.h"
#include "store/keys.h"
#include "store/store.h"
#include "store_util.h"

static size_t wire(const char *text, uint8_t *out)
{
	int n = lb_name_from_text(text, strlen(text), NULL, out, 256);
	assert_true(n > 0);
	return (size_t)n;
}

/* An rrset record of owner/type with the one rdata rdp[0] (o: owner buffer). */
static lb_store_rec_t rec1(uint8_t *o, const char *owner, uint16_t type, const uint8_t **rdp,
			   uint16_t *rl)
{
	lb_store_rec_t r;
	memset(&r, 0, sizeof r);
	r.kind = LB_REC_RRSET;
	r.owner = o;
	r.owner_len = wire(owner, o);
	r.type = type;
	r.nrdata = 1;
	r.rdata = rdp;
	r.rdlen = rl;
	return r;
}

/* One rrset of owner/type with one rdata, seen at t, by source src. */
static void add1(lb_store_t *s, const char *owner, uint16_t type, const uint8_t *rd, uint16_t rdl,
		 uint64_t t, const char *src)
{
	uint8_t o[256];
	const uint8_t *rdp[1] = { rd };
	uint16_t rl[1] = { rdl };
	lb_store_rec_t r = rec1(o, owner, type, rdp, rl);
	r.sensor = src;
	lb_store_val_seen(&r.val, t, 1);
	assert_int_equal(lb_store_add(s, &r), 0);
}

/* A store of every table: A, AAAA, NS (a target name), MX, a short and a
 * long TXT (an 'X' key in full and by digest), a negative answer, two sources. */
static void build(uint64_t t)
{
	lb_store_t *s;
	lb_store_opts_t cr = { .create = true };
	rmdir_r(dir);
	assert_int_equal(lb_store_open(dir, &cr, &s), 0);
	static const uint8_t a[4] = { 192, 0, 2, 1 }, a2[4] = { 192, 0, 2, 2 };
	static const uint8_t aaaa[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	add1(s, "www.example.com", LB_T_A, a, 4, t, "s1");
	add1(s, "api.example.com", LB_T_A, a2, 4, t, "s2");
	add1(s, "www.example.com", LB_T_AAAA, aaaa, 16, t, "s1");
	uint8_t ns[256];
	size_t nl = wire("ns1.example.net", ns);
	add1(s, "example.com", LB_T_NS, ns, (uint16_t)nl, t, "s1");
	uint8_t mx[258] = { 0, 10 };
	size_t ml = wire("mail.example.com", mx + 2);
	add1(s, "example.com", LB_T_MX, mx, (uint16_t)(ml + 2), t, "s2");
	uint8_t txt[101] = { 5, 'h', 'e', 'l', 'l', 'o' };
	add1(s, "example.com", LB_T_TXT, txt, 6, t, "s1");
	txt[0] = 100;
	memset(txt + 1, 'x', 100);
	add1(s, "long.example.com", LB_T_TXT, txt, 101, t, "s1");
	uint8_t q[256];
	lb_store_rec_t n;
	memset(&n, 0, sizeof n);
	n.kind = LB_REC_NEG;
	n.owner = q;
	n.owner_len = wire("nx.example.com", q);
	n.type = LB_T_A;
	n.rcode = 3;
	n.sensor = "s1";
	lb_store_val_seen(&n.val, t, 1);
	assert_int_equal(lb_store_add(s, &n), 0);
	assert_int_equal(lb_store_commit(s), 0);
	assert_int_equal(lb_store_close(s), 0);
}

struct seen {
	int n;
	char what[16][96];
};

static void note(void *ctx, const char *what, const uint8_t *key, size_t klen)
{
	struct seen *sn = ctx;
	assert_non_null(key);
	(void)klen;
	if (sn->n < 16)
		snprintf(sn->what[sn->n], sizeof sn->what[0], "%s", what);
	sn->n++;
}

static int saw(const struct seen *sn, const char *what)
{
	int k = 0;
	for (int i = 0; i < sn->n && i < 16; i++)
		k += strstr(sn->what[i], what) != NULL;
	return k;
}

/* Check the store in dir; with totals, the counts must agree with lb_store_totals. */
static void check(size_t set_bytes, lb_store_check_t *r, struct seen *sn, int totals)
{
	lb_store_t *s;
	lb_store_opts_t ro = { .read_only = true };
	assert_int_equal(lb_store_open(dir, &ro, &s), 0);
	memset(sn, 0, sizeof *sn);
	assert_int_equal(lb_store_check(s, set_bytes, r, note, sn, NULL, NULL), 0);
	lb_store_totals_t t;
	if (totals) {
		assert_int_equal(lb_store_totals(s, true, &t), 0);
		assert_int_equal(r->rrsets, t.rrsets);
		assert_int_equal(r->index_entries, t.rdata_entries);
		assert_int_equal(r->owners, t.owners);
		assert_int_equal(r->negatives, t.negatives);
	}
	assert_int_equal(lb_store_close(s), 0);
}

static void test_clean(void **st)
{
	(void)st;
	build(1700000000);
	lb_store_check_t r;
	struct seen sn;
	for (size_t b = 0; b <= 64; b += 64) { /* one pass; many passes */
		check(b, &r, &sn, 1);
		assert_int_equal(r.problems, 0);
		assert_int_equal(sn.n, 0);
		assert_int_equal(r.rrsets, 7);
		assert_int_equal(r.index_entries, 7);
		assert_int_equal(r.owners, 4);
		assert_int_equal(r.targets, 2); /* ns1.example.net, mail.example.com */
		assert_int_equal(r.negatives, 1);
		assert_int_equal(r.orphan_index + r.orphan_names, 0);
		assert_true(r.keys >= 7 + 7 + 4 + 2 + 1);
	}
	rmdir_r(dir);
}

/* The store's own key for what the builders make. */
static void key_of(lb_kbuf_t *k, char table, const char *owner, uint16_t type, const uint8_t *rd,
		   uint16_t rdl)
{
	uint8_t o[256];
	const uint8_t *rdp[1] = { rd };
	uint16_t rl[1] = { rdl };
	lb_store_rec_t r = rec1(o, owner, type, rdp, rl);
	lb_kbuf_reset(k);
	if (table == 'R')
		lb_key_rrset(k, &r);
	else if (table == 'F' || table == 'G')
		lb_key_fwd(k, (uint8_t)table, o, r.owner_len);
	else
		lb_key_rdata(k, &r, 0, 1, &(const uint8_t *){ NULL }, NULL);
	assert_int_equal(k->err, 0);
}

/* The store in dir opened with RocksDB's own API, behind lookback's back. */
struct raw {
	rocksdb_options_t *o;
	rocksdb_writeoptions_t *wo;
	rocksdb_t *db;
};

static struct raw raw_open(void)
{
	struct raw r = { rocksdb_options_create(), rocksdb_writeoptions_create(), NULL };
	char *err = NULL;
	r.db = rocksdb_open(r.o, dir, &err);
	assert_null(err);
	return r;
}

static void raw_close(struct raw *r)
{
	rocksdb_close(r->db);
	rocksdb_writeoptions_destroy(r->wo);
	rocksdb_options_destroy(r->o);
}

/* Six problems and an orphan, done with RocksDB's own API. */
static void damage(void)
{
	struct raw r = raw_open();
	rocksdb_t *db = r.db;
	rocksdb_writeoptions_t *wo = r.wo;
	char *err = NULL;
	lb_kbuf_t k = { 0 };
	static const uint8_t a[4] = { 192, 0, 2, 1 }, a2[4] = { 192, 0, 2, 2 }, a9[4] = { 10, 9, 9, 9 };
	/* www.example.com's A loses its address index entry */
	key_of(&k, 'I', "www.example.com", LB_T_A, a, 4);
	rocksdb_delete(db, wo, (const char *)k.p, k.len, &err);
	assert_null(err);
	/* long.example.com loses its forward owner entry */
	key_of(&k, 'F', "long.example.com", 0, NULL, 0);
	rocksdb_delete(db, wo, (const char *)k.p, k.len, &err);
	assert_null(err);
	/* the NS target loses its forward target entry */
	key_of(&k, 'G', "ns1.example.net", 0, NULL, 0);
	rocksdb_delete(db, wo, (const char *)k.p, k.len, &err);
	assert_null(err);
	/* api.example.com's value: garbage */
	key_of(&k, 'R', "api.example.com", LB_T_A, a2, 4);
	rocksdb_put(db, wo, (const char *)k.p, k.len, "\x01\x07\xff", 3, &err);
	assert_null(err);
	/* an address entry no rrset holds, and a key in no table */
	key_of(&k, 'I', "ghost.example.com", LB_T_A, a9, 4);
	rocksdb_put(db, wo, (const char *)k.p, k.len, "", 0, &err);
	assert_null(err);
	rocksdb_put(db, wo, "Qjunk", 5, "", 0, &err);
	assert_null(err);
	/* www.example.com's AAAA claims a source id nobody has */
	static const uint8_t aaaa[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	key_of(&k, 'R', "www.example.com", LB_T_AAAA, aaaa, 16);
	lb_store_val_t v;
	memset(&v, 0, sizeof v);
	lb_store_val_seen(&v, 1700000000, 1);
	v.nsrc = 1;
	v.src[0] = 999;
	uint8_t vb[LB_VAL_MAX];
	size_t vl = lb_val_encode(&v, vb, 1);
	rocksdb_put(db, wo, (const char *)k.p, k.len, (const char *)vb, vl, &err);
	assert_null(err);
	raw_close(&r);
	lb_kbuf_free(&k);
}

/* What check and repair find in a store damage() damaged (the repair removes
 * the rrset whose value does not decode: its index entry is then an orphan). */
static void found_damage(const lb_store_check_t *r, int repairing)
{
	assert_int_equal(r->missing_index, 1);
	assert_int_equal(r->missing_owner, 1);
	assert_int_equal(r->missing_target, 1);
	assert_int_equal(r->bad_value, 1);
	assert_int_equal(r->bad_key, 1);
	assert_int_equal(r->unknown_source, 1);
	assert_int_equal(r->problems, 6);
	/* the ghost: counted, not a problem (what retention leaves looks the same) */
	assert_int_equal(r->orphan_index, 1 + repairing);
	assert_int_equal(r->orphan_names, repairing); /* and its owner name */
}

static void test_damage(void **st)
{
	(void)st;
	build(1700000000);
	damage();
	lb_store_check_t r;
	struct seen sn;
	for (size_t b = 0; b <= 64; b += 64) {
		check(b, &r, &sn, 0);
		found_damage(&r, 0);
		assert_int_equal(sn.n, 6);
		assert_int_equal(saw(&sn, "not in the rdata index"), 1);
		assert_int_equal(saw(&sn, "owner is not in the forward index"), 1);
		assert_int_equal(saw(&sn, "forward target index"), 1);
		assert_int_equal(saw(&sn, "value does not decode"), 1);
		assert_int_equal(saw(&sn, "no table"), 1);
		assert_int_equal(saw(&sn, "source id"), 1);
	}
	/* the command: exit 1, the six problems named on stderr, counted on stdout */
	const char *lb = getenv("LOOKBACK");
	if (!lb || !*lb)
		lb = "build/lookback"; /* tests/run.sh sets LOOKBACK; by hand, from the top */
	assert_int_equal(access(lb, X_OK), 0);
	char cmd[1024], out[300], errf[300];
	snprintf(out, sizeof out, "%s.out", dir);
	snprintf(errf, sizeof errf, "%s.err", dir);
	snprintf(cmd, sizeof cmd, "'%s' stats --db '%s' --check --json > '%s' 2> '%s'", lb, dir, out,
		 errf);
	int rc = system(cmd);
	assert_true(WIFEXITED(rc));
	assert_int_equal(WEXITSTATUS(rc), 1);
	char buf[4096];
	FILE *f = fopen(out, "r");
	assert_non_null(f);
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = 0;
	fclose(f);
	assert_non_null(strstr(buf, "\"problems\":6,"));
	assert_non_null(strstr(buf, "\"missing_index\":1,"));
	f = fopen(errf, "r");
	assert_non_null(f);
	int lines = 0;
	while (fgets(buf, sizeof buf, f))
		lines += strstr(buf, "lookback stats: check: ") != NULL;
	fclose(f);
	assert_int_equal(lines, 6);
	unlink(out);
	unlink(errf);
	rmdir_r(dir);
}

/* The number of rrsets an address lookup finds. */
static int by_ip(lb_store_t *s, const uint8_t *a4)
{
	lb_store_scan_t q = { .kind = LB_SCAN_RDATA_IP, .family = 4 };
	memcpy(q.lo, a4, 4);
	memcpy(q.hi, a4, 4);
	lb_store_iter_t *it;
	assert_int_equal(lb_store_iter_new(s, &q, &it), 0);
	lb_store_rec_t r;
	int n = 0, e;
	while ((e = lb_store_iter_next(it, &r)) > 0)
		n++;
	assert_int_equal(e, 0);
	lb_store_iter_free(it);
	return n;
}

/* The whole text of file p. */
static char *slurp(const char *p)
{
	FILE *f = fopen(p, "r");
	assert_non_null(f);
	static char buf[65536];
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = 0;
	fclose(f);
	return buf;
}

/* Repair fixes every problem damage() made, in one pass and in several: the
 * missing entries come back (the address lookup finds www.example.com's A
 * again), the garbage value and the key in no table go to the lost file, the
 * unknown source id gets a name; the orphan stays; the check then finds nothing. */
static void test_repair(void **st)
{
	(void)st;
	static const uint8_t a[4] = { 192, 0, 2, 1 };
	for (size_t b = 0; b <= 64; b += 64) {
		build(1700000000);
		damage();
		lb_store_t *s;
		lb_store_opts_t ro = { .read_only = true }, rw = { .repair = LB_STORE_REPAIR };
		assert_int_equal(lb_store_open(dir, &ro, &s), 0);
		assert_int_equal(by_ip(s, a), 0); /* the lost index entry hides it */
		lb_store_check_t found, left;
		lb_store_repair_t fx;
		assert_int_equal(lb_store_repair(s, b, &found, &fx, NULL, NULL, NULL, NULL), LB_EINVAL);
		assert_int_equal(lb_store_close(s), 0);
		assert_int_equal(lb_store_open(dir, &rw, &s), 0);
		assert_false(lb_store_engine_repaired(s));
		struct seen sn = { 0 };
		assert_int_equal(lb_store_repair(s, b, &found, &fx, note, &sn, NULL, NULL), 0);
		found_damage(&found, 1);
		assert_int_equal(sn.n, 6);
		assert_int_equal(fx.restored_index, 1);
		assert_int_equal(fx.restored_owner, 1);
		assert_int_equal(fx.restored_target, 1);
		assert_int_equal(fx.removed, 2);
		assert_int_equal(fx.cleared, 0);
		assert_int_equal(fx.named_sources, 1);
		assert_int_equal(by_ip(s, a), 1);
		assert_int_equal(lb_store_close(s), 0);
		/* what was removed is in the lost file: the key in no table and the
		 * rrset whose value did not decode, with that value */
		assert_true(fx.lost_file[0]);
		const char *l = slurp(fx.lost_file);
		assert_non_null(strstr(l, "a key in no table\t516a756e6b\t\n"));
		assert_non_null(strstr(l, "an rrset value does not decode\t"));
		assert_non_null(strstr(l, "\t0107ff\n"));
		check(b, &left, &sn, 1);
		assert_int_equal(left.problems, 0);
		assert_int_equal(left.rrsets, 6);
		assert_int_equal(left.orphan_index, 2); /* the ghost; api.example.com's address */
		assert_int_equal(left.orphan_names, 1); /* api.example.com */
		/* the source has a name now */
		assert_int_equal(lb_store_open(dir, &ro, &s), 0);
		lb_store_val_t v = { .nsrc = 1, .src = { 999 } };
		const char *names[LB_STORE_MAX_SOURCES];
		assert_int_equal(lb_store_source_names(s, &v, names), 1);
		assert_string_equal(names[0], "unnamed-999");
		assert_int_equal(lb_store_close(s), 0);
		/* a second repair finds nothing and writes nothing */
		assert_int_equal(lb_store_open(dir, &rw, &s), 0);
		assert_int_equal(lb_store_repair(s, b, &found, &fx, NULL, NULL, NULL, NULL), 0);
		assert_int_equal(found.problems, 0);
		assert_int_equal(fx.restored_owner + fx.restored_index + fx.restored_target +
				 fx.removed + fx.cleared + fx.named_sources, 0);
		assert_int_equal(fx.lost_file[0], 0);
		assert_int_equal(lb_store_close(s), 0);
	}
	rmdir_r(dir);
}

/* A stray value on a forward key is cleared; a source-name entry that does not
 * decode keeps a store from opening until the repair removes it. */
static void test_repair_meta(void **st)
{
	(void)st;
	build(1700000000);
	struct raw r = raw_open();
	rocksdb_t *db = r.db;
	rocksdb_writeoptions_t *wo = r.wo;
	char *err = NULL;
	lb_kbuf_t k = { 0 };
	key_of(&k, 'F', "www.example.com", 0, NULL, 0);
	rocksdb_put(db, wo, (const char *)k.p, k.len, "x", 1, &err);
	assert_null(err);
	rocksdb_put(db, wo, "Vn\x05", 3, "a\0b", 3, &err); /* a NUL in a name */
	assert_null(err);
	raw_close(&r);
	lb_kbuf_free(&k);
	lb_store_t *s;
	lb_store_opts_t ro = { .read_only = true }, rw = { .repair = LB_STORE_REPAIR };
	assert_int_equal(lb_store_open(dir, &ro, &s), LB_ECORRUPT);
	assert_int_equal(lb_store_close(s), 0);
	assert_int_equal(lb_store_open(dir, &rw, &s), 0);
	lb_store_check_t found, left;
	lb_store_repair_t fx;
	assert_int_equal(lb_store_repair(s, 0, &found, &fx, NULL, NULL, NULL, NULL), 0);
	assert_int_equal(found.problems, 2);
	assert_int_equal(found.bad_value, 1);
	assert_int_equal(found.bad_key, 1);
	assert_int_equal(fx.cleared, 1);
	assert_int_equal(fx.removed, 1);
	assert_int_equal(lb_store_close(s), 0);
	struct seen sn;
	check(0, &left, &sn, 1);
	assert_int_equal(left.problems, 0);
	assert_int_equal(left.rrsets, 7);
	rmdir_r(dir);
}

/* Run the lookback command line cmd (a format with the store directory for
 * each %s); its exit status. */
static int run_cli(const char *args, const char *out)
{
	const char *lb = getenv("LOOKBACK");
	if (!lb || !*lb)
		lb = "build/lookback";
	assert_int_equal(access(lb, X_OK), 0);
	char cmd[1024];
	snprintf(cmd, sizeof cmd, "'%s' stats --db '%s' %s > '%s' 2>&1", lb, dir, args, out);
	int rc = system(cmd);
	assert_true(WIFEXITED(rc));
	return WEXITSTATUS(rc);
}

/* RocksDB's repairer: a store whose CURRENT file is gone opens again, every
 * rrset kept; a table failing its checksums is moved to lost/ and the store
 * keeps the rest, consistent. */
static void test_repair_engine(void **st)
{
	(void)st;
	char p[512], out[300];
	snprintf(out, sizeof out, "%s.out", dir);
	build(1700000000);
	snprintf(p, sizeof p, "%s/CURRENT", dir);
	assert_int_equal(unlink(p), 0);
	assert_int_equal(run_cli("--check", out), 3);
	assert_int_equal(run_cli("--repair --json", out), 0);
	const char *o = slurp(out);
	/* the format marker's table, ingested (rocks.c put_marker), was set
	 * aside and taken back */
	assert_non_null(strstr(o, "\"engine_repaired\":true,\"tables_restored\":1,\"tables_lost\":0,"));
	assert_non_null(strstr(o, "\"problems_left\":0}"));
	lb_store_check_t r;
	struct seen sn;
	check(0, &r, &sn, 1);
	assert_int_equal(r.problems, 0);
	assert_int_equal(r.rrsets, 7);

	/* a second table, then its first data block damaged */
	build(1700000000);
	lb_store_t *s;
	lb_store_opts_t rw = { 0 };
	assert_int_equal(lb_store_open(dir, &rw, &s), 0);
	static const uint8_t a[4] = { 198, 51, 100, 9 };
	add1(s, "late.example.org", LB_T_A, a, 4, 1700000100, "s1");
	assert_int_equal(lb_store_close(s), 0);
	char cmd[600];
	snprintf(cmd, sizeof cmd, "ls '%s' | grep -c '\\.sst$' | grep -qx 3", dir); /* marker, build, late */
	assert_int_equal(system(cmd), 0);
	snprintf(cmd, sizeof cmd,
		 "f=$(ls '%s'/*.sst | sort | tail -1) && printf 'XXXXXXXX' | "
		 "dd of=\"$f\" bs=1 seek=20 conv=notrunc status=none", dir);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(run_cli("--check", out), 3);
	assert_non_null(strstr(slurp(out), "orrupt"));
	assert_int_equal(run_cli("--repair", out), 0);
	o = slurp(out);
	assert_non_null(strstr(o, "running RocksDB's repairer"));
	assert_non_null(strstr(o, "taken back whole: 1, left in")); /* the marker's */
	assert_non_null(strstr(o, "(unreadable): 1\n"));
	assert_non_null(strstr(o, "problems_left   0\n"));
	check(0, &r, &sn, 1);
	assert_int_equal(r.problems, 0);
	assert_int_equal(r.rrsets, 7); /* the late rrset was in the damaged table */
	unlink(out);
	rmdir_r(dir);
}

/* Retention: expired rrsets are not checked for their entries; once
 * compaction removed them, what they left is counted, not a problem. */
static void test_retention_leftovers(void **st)
{
	(void)st;
	uint64_t now = (uint64_t)time(NULL);
	build(now - 40 * 86400);
	lb_store_t *s;
	lb_store_opts_t rw = { .create = false };
	assert_int_equal(lb_store_open(dir, &rw, &s), 0);
	static const uint8_t a[4] = { 198, 51, 100, 7 };
	add1(s, "fresh.example.org", LB_T_A, a, 4, now - 86400, "s1");
	assert_int_equal(lb_store_commit(s), 0);
	assert_int_equal(lb_store_set_retention(s, 30), 0);
	assert_int_equal(lb_store_close(s), 0);
	lb_store_check_t r;
	struct seen sn;
	check(0, &r, &sn, 0);
	assert_int_equal(r.problems, 0);
	assert_int_equal(r.expired, 7);
	/* compacted: the old rrsets are gone, their index keys swept; their
	 * forward names stay behind (and with retention off again, too) */
	assert_int_equal(lb_store_open(dir, &rw, &s), 0);
	assert_int_equal(lb_store_compact(s), 0);
	assert_int_equal(lb_store_set_retention(s, 0), 0);
	assert_int_equal(lb_store_close(s), 0);
	check(0, &r, &sn, 0);
	assert_int_equal(r.problems, 0);
	assert_int_equal(r.rrsets, 1);
	assert_int_equal(r.expired, 0);
	assert_int_equal(r.orphan_index, 0);
	assert_true(r.orphan_names >= 4); /* example.com, www, api, long; the targets */
	rmdir_r(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clean),
		cmocka_unit_test(test_damage),
		cmocka_unit_test(test_retention_leftovers),
		cmocka_unit_test(test_repair),
		cmocka_unit_test(test_repair_meta),
		cmocka_unit_test(test_repair_engine),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
