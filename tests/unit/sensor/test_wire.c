/*
 * test_wire.c - the sensor protocol: records round-trip; truncated,
 * oversized, bad-version and garbage input is refused (never a crash); a
 * real collector on a real store counts bad frames and hangs up, refuses
 * old protocol versions and unknown keys, acknowledges a redelivered batch
 * as a duplicate without counting it twice; a real sender spools while the
 * collector is away and delivers once it is there.
 *
 * lookback-test: waits (13 s, almost all of it for the senders' close
 * deadlines and the slow clients' cut-offs: a tenth of a core; tests/run.sh)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "sensor/sensor.h"
#include "store/rocks_impl.h" /* lb_rocks_src_name, SRC_MAX_IDS: a store at its source limit */

static char dir[256];

static int setup(void **st)
{
	(void)st;
	snprintf(dir, sizeof dir, "/tmp/lb-test-wire.%d", (int)getpid());
	return 0;
}

static int teardown(void **st)
{
	(void)st;
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	return 0;
}

/* www.example.com. / example.com. */
static const uint8_t owner[] = "\3www\7example\3com";
static const uint8_t zone[] = "\7example\3com";
static const uint8_t a1[4] = { 192, 0, 2, 1 }, a2[4] = { 192, 0, 2, 2 };
static const uint8_t *rds[2] = { a1, a2 };
static const uint16_t rdl[2] = { 4, 4 };

static const char *const two_sources[2] = { "s1", "s2" };

static lb_store_rec_t rrset_rec(void)
{
	lb_store_rec_t r;
	memset(&r, 0, sizeof r);
	r.kind = LB_REC_RRSET;
	r.owner = owner;
	r.owner_len = sizeof owner;
	r.bailiwick = zone;
	r.bailiwick_len = sizeof zone;
	r.type = 1;
	r.nrdata = 2;
	r.rdata = rds;
	r.rdlen = rdl;
	r.val.time_first = 1700000000;
	r.val.time_last = 1700090000;
	r.val.count = 42;
	r.val.zone_first = 1600000000;
	r.val.zone_last = 1600000001;
	r.val.nruns = 2;
	r.val.runs[0].start = 19675;
	r.val.runs[0].len = 1;
	r.val.runs[1].start = 19677;
	r.val.runs[1].len = 1;
	r.sources = two_sources;
	r.nsources = 2;
	return r;
}

/* A batch frame with an rrset, a negative and a sensor record. */
static void make_batch(lb_wbuf_t *b, uint64_t seq)
{
	lb_store_rec_t r = rrset_rec();
	lb_wire_batch_begin(b);
	assert_int_equal(lb_wire_put_rec(b, &r), 0);
	lb_store_rec_t n;
	memset(&n, 0, sizeof n);
	n.kind = LB_REC_NEG;
	n.owner = owner;
	n.owner_len = sizeof owner;
	n.type = 28;
	n.rcode = 3;
	n.val.time_first = n.val.time_last = 1700000005;
	n.val.count = 1;
	assert_int_equal(lb_wire_put_rec(b, &n), 0);
	lb_store_rec_t s;
	memset(&s, 0, sizeof s);
	s.kind = LB_REC_SENSOR;
	s.sensor = "unit";
	s.val.time_first = 1700000000;
	s.val.time_last = 1700090000;
	s.val.count = 43;
	assert_int_equal(lb_wire_put_rec(b, &s), 0);
	lb_wire_batch_end(b, seq, 3);
	assert_int_equal(b->err, 0);
}

static void test_roundtrip(void **st)
{
	(void)st;
	lb_wbuf_t b = { 0 };
	make_batch(&b, 7);
	uint8_t type;
	const uint8_t *body;
	size_t blen, used;
	assert_int_equal(lb_wire_frame(b.p, b.len, LB_WIRE_FRAME_MAX, &type, &body, &blen, &used), 1);
	assert_int_equal(type, LB_WIRE_BATCH);
	assert_int_equal(used, b.len);
	static lb_wire_reader_t rd;
	assert_int_equal(lb_wire_batch_open(&rd, body, blen), 0);
	assert_int_equal(rd.seq, 7);
	assert_int_equal(rd.nrec, 3);
	lb_store_rec_t r, want = rrset_rec();
	assert_int_equal(lb_wire_batch_next(&rd, &r), 1);
	assert_int_equal(r.kind, LB_REC_RRSET);
	assert_int_equal(r.owner_len, sizeof owner);
	assert_memory_equal(r.owner, owner, sizeof owner);
	assert_int_equal(r.bailiwick_len, sizeof zone);
	assert_int_equal(r.nrdata, 2);
	assert_memory_equal(r.rdata[1], a2, 4);
	assert_int_equal(r.val.time_first, want.val.time_first);
	assert_int_equal(r.val.time_last, want.val.time_last);
	assert_int_equal(r.val.count, 42);
	assert_int_equal(r.val.zone_last, want.val.zone_last);
	assert_int_equal(r.val.nruns, 2);
	assert_int_equal(r.val.runs[1].start, 19677);
	assert_int_equal(r.nsources, 2);
	assert_string_equal(r.sources[0], "s1");
	assert_string_equal(r.sources[1], "s2");
	assert_false(r.sources_more);
	assert_int_equal(lb_wire_batch_next(&rd, &r), 1);
	assert_int_equal(r.kind, LB_REC_NEG);
	assert_int_equal(r.nsources, 0);
	assert_int_equal(r.rcode, 3);
	assert_null(r.bailiwick);
	assert_int_equal(lb_wire_batch_next(&rd, &r), 1);
	assert_int_equal(r.kind, LB_REC_SENSOR);
	assert_string_equal(r.sensor, "unit");
	assert_int_equal(r.val.count, 43);
	assert_int_equal(lb_wire_batch_next(&rd, &r), 0);
	lb_wbuf_free(&b);
}

/* One record of rec in a batch frame; returns what reading it back gives
 * (1 and *out, or an error). */
static int one_rec(lb_wbuf_t *b, const lb_store_rec_t *rec, lb_store_rec_t *out, int patch_last)
{
	b->len = 0;
	lb_wire_batch_begin(b);
	assert_int_equal(lb_wire_put_rec(b, rec), 0);
	lb_wire_batch_end(b, 1, 1);
	assert_int_equal(b->err, 0);
	if (patch_last >= 0)
		b->p[b->len - 1] = (uint8_t)patch_last; /* the last run's count's low byte */
	uint8_t type;
	const uint8_t *body;
	size_t blen, used;
	assert_int_equal(lb_wire_frame(b->p, b->len, LB_WIRE_FRAME_MAX, &type, &body, &blen, &used), 1);
	static lb_wire_reader_t rd;
	assert_int_equal(lb_wire_batch_open(&rd, body, blen), 0);
	return lb_wire_batch_next(&rd, out);
}

/* Several day runs carry their sightings when they add up to the record's
 * count (flag 64): `import --send` of an export's timeline kept a row per
 * run only with --db; counts that do not add up are refused, and runs sent
 * without counts arrive marked unknown (not with stale count fields). */
static void test_run_counts(void **st)
{
	(void)st;
	lb_wbuf_t b = { 0 };
	lb_store_rec_t r = rrset_rec(), got;
	r.sources = NULL;
	r.nsources = 0; /* the run counts end the record */
	r.val.runs[0].count = 40;
	r.val.runs[1].count = 2;
	assert_int_equal(one_rec(&b, &r, &got, -1), 1);
	assert_int_equal(got.val.nruns, 2);
	assert_int_equal(got.val.runs[0].count, 40);
	assert_int_equal(got.val.runs[1].count, 2);
	assert_int_equal(got.val.runs_uncounted, 0);
	assert_true(lb_store_val_runs_known(&got.val));
	/* 40 + 3 is not 42: refused */
	assert_int_equal(one_rec(&b, &r, &got, 3), LB_ERDATA);
	/* counts that do not add up are not sent: unknown at the other end */
	r.val.runs[1].count = 7;
	got.val.runs[0].count = got.val.runs[1].count = 99; /* stale fields */
	assert_int_equal(one_rec(&b, &r, &got, -1), 1);
	assert_int_equal(got.val.runs_uncounted, 1);
	assert_int_equal(got.val.runs[0].count, 0);
	assert_false(lb_store_val_runs_known(&got.val));
	/* one run holds the whole count: no per-run field */
	r.val.nruns = 1;
	r.val.runs[0].count = 0;
	assert_int_equal(one_rec(&b, &r, &got, -1), 1);
	assert_int_equal(got.val.runs_uncounted, 0);
	assert_true(lb_store_val_runs_known(&got.val));
	lb_wbuf_free(&b);
}

/* Source names: a single rec->sensor travels as one source, "more" survives,
 * and bad source fields are refused. */
static void test_sources(void **st)
{
	(void)st;
	lb_store_rec_t r = rrset_rec();
	r.sources = NULL;
	r.nsources = 0;
	r.sensor = "only";
	static lb_wire_reader_t rd;
	lb_store_rec_t got;
	uint8_t type;
	const uint8_t *body;
	size_t blen, used;
	for (int pass = 0; pass < 2; pass++) {
		lb_wbuf_t b = { 0 };
		lb_wire_batch_begin(&b);
		assert_int_equal(lb_wire_put_rec(&b, &r), 0);
		lb_wire_batch_end(&b, 1, 1);
		assert_int_equal(lb_wire_frame(b.p, b.len, LB_WIRE_FRAME_MAX, &type, &body, &blen, &used), 1);
		assert_int_equal(lb_wire_batch_open(&rd, body, blen), 0);
		assert_int_equal(lb_wire_batch_next(&rd, &got), 1);
		if (pass == 0) {
			assert_int_equal(got.nsources, 1);
			assert_string_equal(got.sources[0], "only");
			assert_false(got.sources_more);
		} else {
			assert_int_equal(got.nsources, 2);
			assert_string_equal(got.sources[1], "s2");
			assert_true(got.sources_more);
		}
		lb_wbuf_free(&b);
		r = rrset_rec();
		r.sources_more = true;
	}
	/* corrupt: the record is last in the body and ends with
	 * count(2) len(2) "s1" len(2) "s2"; its flags byte is the second of the record */
	lb_wbuf_t b = { 0 };
	lb_wire_batch_begin(&b);
	size_t at = b.len;
	r = rrset_rec();
	assert_int_equal(lb_wire_put_rec(&b, &r), 0);
	size_t reclen = b.len - at;
	lb_wire_batch_end(&b, 1, 1);
	assert_int_equal(lb_wire_frame(b.p, b.len, LB_WIRE_FRAME_MAX, &type, &body, &blen, &used), 1);
	uint8_t *m = (uint8_t *)body;
	size_t flags_at = blen - reclen + 1;
	struct { size_t off; uint8_t v; } bad[] = {
		{ blen - 7, 0 },                       /* no names */
		{ blen - 7, LB_STORE_REC_SOURCES + 1 }, /* too many */
		{ blen - 6, 0 },                       /* empty name */
		{ blen - 5, 0 },                       /* NUL in a name */
		{ flags_at, (uint8_t)((m[flags_at] & ~16) | 32) }, /* "more" without sources */
		{ flags_at, (uint8_t)(m[flags_at] | 64) },        /* unknown flag */
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		uint8_t keep = m[bad[i].off];
		m[bad[i].off] = bad[i].v;
		assert_int_equal(lb_wire_batch_open(&rd, body, blen), 0);
		int e = lb_wire_batch_next(&rd, &got);
		assert_true(e < 0);
		m[bad[i].off] = keep;
	}
	assert_int_equal(lb_wire_batch_open(&rd, body, blen), 0);
	assert_int_equal(lb_wire_batch_next(&rd, &got), 1);
	/* a name too long, and too many names, are refused by the writer */
	const char *many[LB_STORE_REC_SOURCES + 1];
	for (size_t i = 0; i <= LB_STORE_REC_SOURCES; i++)
		many[i] = "x";
	r.sources = many;
	r.nsources = LB_STORE_REC_SOURCES + 1;
	assert_int_equal(lb_wire_put_rec(&b, &r), LB_EINVAL);
	char longname[LB_STORE_SENSOR_MAX + 2];
	memset(longname, 'a', sizeof longname - 1);
	longname[sizeof longname - 1] = 0;
	const char *one[1] = { longname };
	r.sources = one;
	r.nsources = 1;
	assert_int_equal(lb_wire_put_rec(&b, &r), LB_EINVAL);
	lb_wbuf_free(&b);
}

/* Every proper prefix of a batch body fails cleanly: the record count promises more. */
static void test_truncated(void **st)
{
	(void)st;
	lb_wbuf_t b = { 0 };
	make_batch(&b, 1);
	const uint8_t *body = b.p + 5;
	size_t blen = b.len - 5;
	static lb_wire_reader_t rd;
	for (size_t n = 0; n < blen; n++) {
		int r = lb_wire_batch_open(&rd, body, n);
		lb_store_rec_t rec;
		while (r == 0 && (r = lb_wire_batch_next(&rd, &rec)) == 1)
			r = 0;
		assert_true(r < 0);
	}
	/* and the frame splitter wants more bytes for every prefix of the frame */
	uint8_t type;
	const uint8_t *bd;
	size_t bl, used;
	for (size_t n = 0; n < b.len; n++)
		assert_int_equal(lb_wire_frame(b.p, n, LB_WIRE_FRAME_MAX, &type, &bd, &bl, &used), 0);
	/* a trailing byte after the last record is an error too */
	uint8_t *longer = malloc(blen + 1);
	memcpy(longer, body, blen);
	longer[blen] = 0;
	int r = lb_wire_batch_open(&rd, longer, blen + 1);
	lb_store_rec_t rec;
	while (r == 0 && (r = lb_wire_batch_next(&rd, &rec)) == 1)
		r = 0;
	assert_int_equal(r, LB_ETRAILING);
	free(longer);
	lb_wbuf_free(&b);
}

/* One record in a batch frame; what lb_wire_batch_next makes of it. */
static int decode_one(const lb_store_rec_t *r)
{
	lb_wbuf_t b = { 0 };
	lb_wire_batch_begin(&b);
	int put = lb_wire_put_rec(&b, r);
	lb_wire_batch_end(&b, 1, 1);
	if (put != 0 || b.err) {
		lb_wbuf_free(&b);
		return 99; /* the writer refused it already */
	}
	static lb_wire_reader_t rd;
	int rc = lb_wire_batch_open(&rd, b.p + 5, b.len - 5);
	lb_store_rec_t rec;
	if (rc == 0)
		rc = lb_wire_batch_next(&rd, &rec);
	lb_wbuf_free(&b);
	return rc;
}

/* Fields a sender's window never sends, which the store would keep as given:
 * an owner or bailiwick not in lower case, a bailiwick not at or above the
 * owner, a sensor record's or zone time past LB_TIME_MAX.  Malformed. */
static void test_hostile_fields(void **st)
{
	(void)st;
	lb_store_rec_t r = rrset_rec();
	assert_int_equal(decode_one(&r), 1); /* the good one */
	static const uint8_t upper[] = "\3www\7Example\3com";
	r.owner = upper;
	assert_int_equal(decode_one(&r), LB_ERDATA);
	r = rrset_rec();
	static const uint8_t uzone[] = "\7EXAMPLE\3com";
	r.bailiwick = uzone;
	assert_int_equal(decode_one(&r), LB_ERDATA);
	r = rrset_rec();
	static const uint8_t other[] = "\7example\3net";
	r.bailiwick = other;
	r.bailiwick_len = sizeof other;
	assert_int_equal(decode_one(&r), LB_ERDATA);
	r = rrset_rec();
	r.val.zone_last = (uint64_t)LB_TIME_MAX + 1;
	int rc = decode_one(&r);
	assert_true(rc == LB_ERDATA || rc == 99);
	lb_store_rec_t sr;
	memset(&sr, 0, sizeof sr);
	sr.kind = LB_REC_SENSOR;
	sr.sensor = "unit";
	sr.val.time_first = 1700000000;
	sr.val.time_last = (uint64_t)LB_TIME_MAX + 1;
	sr.val.count = 1;
	rc = decode_one(&sr);
	assert_true(rc == LB_ERDATA || rc == 99);
}

static void test_oversized(void **st)
{
	(void)st;
	uint8_t hdr[8] = { 0x7f, 0xff, 0xff, 0xff, LB_WIRE_BATCH, 0, 0, 0 };
	uint8_t type;
	const uint8_t *body;
	size_t blen, used;
	assert_int_equal(lb_wire_frame(hdr, sizeof hdr, LB_WIRE_FRAME_MAX, &type, &body, &blen, &used),
			 LB_ELIMIT);
	uint8_t zero[5] = { 0, 0, 0, 0, 1 };
	assert_int_equal(lb_wire_frame(zero, sizeof zero, LB_WIRE_FRAME_MAX, &type, &body, &blen, &used),
			 LB_ELIMIT);
	/* a record that would pass the writer's cap is refused and leaves the buffer as it was */
	lb_wbuf_t b = { .max = 64 };
	lb_wire_batch_begin(&b);
	size_t before = b.len;
	lb_store_rec_t r = rrset_rec();
	assert_int_equal(lb_wire_put_rec(&b, &r), LB_ELIMIT);
	assert_int_equal(b.len, before);
	/* records the format cannot carry */
	r.nrdata = 0;
	assert_int_equal(lb_wire_put_rec(&b, &r), LB_EINVAL);
	r = rrset_rec();
	r.val.time_last = r.val.time_first - 1;
	assert_int_equal(lb_wire_put_rec(&b, &r), LB_EINVAL);
	lb_wbuf_free(&b);
	/* runs that touch are not in the store's form: refused on reading */
	lb_wbuf_t b3 = { 0 };
	r = rrset_rec();
	r.val.runs[1].start = 19676;
	lb_wire_batch_begin(&b3);
	assert_int_equal(lb_wire_put_rec(&b3, &r), 0);
	lb_wire_batch_end(&b3, 1, 1);
	static lb_wire_reader_t rd3;
	lb_store_rec_t rec3;
	assert_int_equal(lb_wire_batch_open(&rd3, b3.p + 5, b3.len - 5), 0);
	assert_int_equal(lb_wire_batch_next(&rd3, &rec3), LB_ERDATA);
	lb_wbuf_free(&b3);
	/* a sensor record whose name is longer than a sensor name may be (the
	 * writer refuses to write one): refused on reading, nothing copied (it
	 * overflowed the reader's name buffer: found by fuzz_sensor_wire) */
	uint8_t body5[12 + 3 + 200] = { [7] = 1, [11] = 1, [12] = LB_REC_SENSOR, [13] = 0, [14] = 200 };
	memset(body5 + 15, 's', 200);
	assert_int_equal(lb_wire_batch_open(&rd3, body5, sizeof body5), 0);
	assert_int_equal(lb_wire_batch_next(&rd3, &rec3), LB_ERDATA);
	body5[14] = LB_STORE_SENSOR_MAX; /* the longest name is read */
	assert_int_equal(lb_wire_batch_open(&rd3, body5, 15 + LB_STORE_SENSOR_MAX), 0);
	assert_int_equal(lb_wire_batch_next(&rd3, &rec3), 1);
	assert_int_equal(strlen(rec3.sensor), LB_STORE_SENSOR_MAX);
	/* a sighting past LB_TIME_MAX (the store refuses it): refused on reading */
	lb_wbuf_t b4 = { 0 };
	r = rrset_rec();
	r.val.time_last = LB_TIME_MAX + 1;
	lb_wire_batch_begin(&b4);
	assert_int_equal(lb_wire_put_rec(&b4, &r), 0);
	lb_wire_batch_end(&b4, 1, 1);
	assert_int_equal(lb_wire_batch_open(&rd3, b4.p + 5, b4.len - 5), 0);
	assert_int_equal(lb_wire_batch_next(&rd3, &rec3), LB_ERDATA);
	lb_wbuf_free(&b4);
	/* a record count larger than the bytes could hold */
	uint8_t body2[12] = { 0, 0, 0, 0, 0, 0, 0, 1, 0xff, 0xff, 0xff, 0xff };
	static lb_wire_reader_t rd;
	assert_int_equal(lb_wire_batch_open(&rd, body2, sizeof body2), LB_ERDATA);
}

static void test_hello_version(void **st)
{
	(void)st;
	lb_wbuf_t b = { 0 };
	lb_wire_hello_t h = { .version = 2, .stream = 5 };
	snprintf(h.sensor, sizeof h.sensor, "x");
	lb_wire_put_hello(&b, &h);
	lb_wire_hello_t g;
	assert_int_equal(lb_wire_get_hello(b.p + 5, b.len - 5, &g), LB_EVERSION);
	b.len = 0;
	h.version = LB_WIRE_VERSION;
	lb_wire_put_hello(&b, &h);
	assert_int_equal(lb_wire_get_hello(b.p + 5, b.len - 5, &g), 0);
	assert_int_equal(g.stream, 5);
	assert_string_equal(g.sensor, "x");
	b.p[5] = 'X'; /* magic */
	assert_int_equal(lb_wire_get_hello(b.p + 5, b.len - 5, &g), LB_ERDATA);
	b.len = 0;
	h.stream = 0; /* stream ids are never 0 */
	lb_wire_put_hello(&b, &h);
	assert_int_equal(lb_wire_get_hello(b.p + 5, b.len - 5, &g), LB_ERDATA);
	lb_wbuf_free(&b);
}

/* Pseudo-random bytes and random single-byte corruptions of a valid batch. */
static void test_garbage(void **st)
{
	(void)st;
	uint32_t x = 12345;
	static lb_wire_reader_t rd;
	uint8_t buf[512];
	for (int it = 0; it < 20000; it++) {
		size_t n = (size_t)(x % sizeof buf);
		for (size_t i = 0; i < n; i++) {
			x = x * 1103515245 + 12345;
			buf[i] = (uint8_t)(x >> 16);
		}
		x = x * 1103515245 + 12345;
		int r = lb_wire_batch_open(&rd, buf, n);
		lb_store_rec_t rec;
		while (r == 0 && (r = lb_wire_batch_next(&rd, &rec)) == 1)
			r = 0;
		lb_wire_hello_t h;
		if (lb_wire_get_hello(buf, n, &h) == 0)
			assert_true(h.stream != 0);
	}
	lb_wbuf_t b = { 0 };
	make_batch(&b, 3);
	uint8_t *copy = malloc(b.len);
	int ok = 0;
	for (size_t pos = 5; pos < b.len; pos++) {
		memcpy(copy, b.p, b.len);
		copy[pos] ^= 0xa5;
		int r = lb_wire_batch_open(&rd, copy + 5, b.len - 5);
		lb_store_rec_t rec;
		while (r == 0 && (r = lb_wire_batch_next(&rd, &rec)) == 1)
			r = 0;
		ok += r == 0;
	}
	/* some flips land in counters or rdata and still decode; most do not */
	assert_true(ok < (int)(b.len - 5));
	free(copy);
	lb_wbuf_free(&b);
}

/* ---- against a real collector ---- */

static int connect_to(unsigned port)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
	struct timeval tv = { .tv_sec = 5 };
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	return fd;
}

/* Read one frame; returns its type, body copied into out.  -1 on EOF. */
static int read_frame(int fd, uint8_t *out, size_t *olen)
{
	uint8_t buf[4096];
	size_t len = 0;
	for (;;) {
		uint8_t type;
		const uint8_t *body;
		size_t blen, used;
		if (lb_wire_frame(buf, len, sizeof buf, &type, &body, &blen, &used) == 1) {
			memcpy(out, body, blen);
			*olen = blen;
			return type;
		}
		ssize_t n = recv(fd, buf + len, 1, 0);
		if (n <= 0)
			return -1;
		len += (size_t)n;
	}
}

static bool peer_closed(int fd)
{
	uint8_t junk[256];
	for (;;) {
		ssize_t n = recv(fd, junk, sizeof junk, 0);
		if (n == 0 || (n < 0 && errno == ECONNRESET))
			return true;
		if (n < 0)
			return false;
	}
}

static uint64_t metric(lb_collector_t *c, const char *name)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	lb_collector_metrics(c, f);
	fclose(f);
	char pat[200];
	snprintf(pat, sizeof pat, "\n%s ", name);
	const char *p = strstr(buf, pat);
	uint64_t v = p ? strtoull(p + strlen(pat), NULL, 10) : ~0ull;
	free(buf);
	return v;
}

static void send_hello(int fd, uint64_t stream, const char *key, uint16_t version)
{
	lb_wbuf_t b = { 0 };
	lb_wire_hello_t h = { .version = version, .stream = stream };
	snprintf(h.key, sizeof h.key, "%s", key);
	snprintf(h.sensor, sizeof h.sensor, "unit");
	lb_wire_put_hello(&b, &h);
	assert_int_equal(send(fd, b.p, b.len, 0), (ssize_t)b.len);
	lb_wbuf_free(&b);
}

static uint64_t stored_count(lb_store_t *s)
{
	lb_store_scan_t q = { .kind = LB_SCAN_RRSET, .name = owner, .name_len = sizeof owner };
	lb_store_iter_t *it;
	assert_int_equal(lb_store_iter_new(s, &q, &it), 0);
	lb_store_rec_t r;
	uint64_t n = 0;
	while (lb_store_iter_next(it, &r) > 0)
		n += r.val.count;
	lb_store_iter_free(it);
	return n;
}

static void test_collector(void **st)
{
	(void)st;
	lb_store_t *s;
	lb_store_opts_t so = { .create = true };
	assert_int_equal(lb_store_open(dir, &so, &s), 0);
	lb_collector_t *c;
	const char *msg;
	lb_collector_opts_t co = { .listen = "127.0.0.1:0" };
	assert_int_equal(lb_collector_start(s, &co, &c, &msg), 0);
	unsigned port = lb_collector_port(c);
	uint8_t body[4096];
	size_t blen;

	/* garbage before a hello: an error frame, then the collector hangs up */
	int fd = connect_to(port);
	const char junk[] = "GET / HTTP/1.0\r\n\r\n";
	assert_int_equal(send(fd, junk, sizeof junk - 1, 0), (ssize_t)sizeof junk - 1);
	assert_int_equal(read_frame(fd, body, &blen), LB_WIRE_ERROR);
	assert_true(peer_closed(fd));
	close(fd);
	assert_int_equal(metric(c, "lookback_ingest_bad_frames_total"), 1);

	/* a protocol version it does not speak */
	fd = connect_to(port);
	send_hello(fd, 9, "", 99);
	assert_int_equal(read_frame(fd, body, &blen), LB_WIRE_ERROR);
	assert_int_equal(body[1], LB_WERR_VERSION);
	assert_true(peer_closed(fd));
	close(fd);
	assert_int_equal(metric(c, "lookback_ingest_refused_total{reason=\"version\"}"), 1);

	/* a good session: welcome, batch, ack; the same batch again is a duplicate */
	fd = connect_to(port);
	send_hello(fd, 77, "", LB_WIRE_VERSION);
	assert_int_equal(read_frame(fd, body, &blen), LB_WIRE_WELCOME);
	uint64_t hwm = 1;
	assert_int_equal(lb_wire_get_welcome(body, blen, &hwm), 0);
	assert_int_equal(hwm, 0);
	lb_wbuf_t b = { 0 };
	make_batch(&b, 1);
	for (int round = 0; round < 2; round++) {
		assert_int_equal(send(fd, b.p, b.len, 0), (ssize_t)b.len);
		assert_int_equal(read_frame(fd, body, &blen), LB_WIRE_ACK);
		uint64_t seq;
		uint8_t status;
		assert_int_equal(lb_wire_get_ack(body, blen, &seq, &status), 0);
		assert_int_equal(seq, 1);
		assert_int_equal(status, round ? LB_ACK_DUPLICATE : LB_ACK_COMMITTED);
	}
	assert_int_equal(stored_count(s), 42);
	/* an oversized length prefix after the hello: error, hang up, counted */
	uint8_t big[5] = { 0x7f, 0, 0, 0, LB_WIRE_BATCH };
	assert_int_equal(send(fd, big, sizeof big, 0), 5);
	assert_int_equal(read_frame(fd, body, &blen), LB_WIRE_ERROR);
	assert_true(peer_closed(fd));
	close(fd);
	assert_int_equal(metric(c, "lookback_ingest_bad_frames_total"), 2);

	/* a new connection of the same stream learns the bookmark in its welcome */
	fd = connect_to(port);
	send_hello(fd, 77, "", LB_WIRE_VERSION);
	assert_int_equal(read_frame(fd, body, &blen), LB_WIRE_WELCOME);
	assert_int_equal(lb_wire_get_welcome(body, blen, &hwm), 0);
	assert_int_equal(hwm, 1);
	/* a batch whose records do not decode: nothing written, error, hang up */
	b.p[19] = 0;    /* owner length of the first record: names are never empty */
	b.p[12] = 2;    /* seq 2, so it is not a duplicate */
	assert_int_equal(send(fd, b.p, b.len, 0), (ssize_t)b.len);
	assert_int_equal(read_frame(fd, body, &blen), LB_WIRE_ERROR);
	assert_true(peer_closed(fd));
	close(fd);
	assert_int_equal(stored_count(s), 42);
	assert_int_equal(metric(c, "lookback_ingest_bad_frames_total"), 3);
	lb_wbuf_free(&b);

	lb_collector_stop(c);
	assert_int_equal(lb_store_close(s), 0);
}

/* Send frame b and return the type of the reply (body in body/blen). */
static int exchange(int fd, const lb_wbuf_t *b, uint8_t *body, size_t *blen)
{
	assert_int_equal(send(fd, b->p, b->len, 0), (ssize_t)b->len);
	return read_frame(fd, body, blen);
}

/* The committed seq a new connection of stream learns from its welcome. */
static uint64_t welcome_hwm(unsigned port, uint64_t stream)
{
	uint8_t body[4096];
	size_t blen;
	int fd = connect_to(port);
	send_hello(fd, stream, "", LB_WIRE_VERSION);
	assert_int_equal(read_frame(fd, body, &blen), LB_WIRE_WELCOME);
	uint64_t hwm = ~0ull;
	assert_int_equal(lb_wire_get_welcome(body, blen, &hwm), 0);
	close(fd);
	return hwm;
}

/* A sensor's batch with a SENSOR record named like another stream's delivery
 * bookmark ("@ingest:<stream>", seq in the zone fields, merged by max) is
 * refused: written, it would move that stream's bookmark past batches not
 * yet delivered, which the collector would then acknowledge as duplicates
 * without storing them (and their sensor drop from its spool). */
static void test_collector_forged_bookmark(void **st)
{
	(void)st;
	lb_store_t *s;
	lb_store_opts_t so = { .create = true };
	assert_int_equal(lb_store_open(dir, &so, &s), 0);
	lb_collector_t *c;
	const char *msg;
	lb_collector_opts_t co = { .listen = "127.0.0.1:0" };
	assert_int_equal(lb_collector_start(s, &co, &c, &msg), 0);
	unsigned port = lb_collector_port(c);
	uint8_t body[4096];
	size_t blen;

	/* stream 77 delivers batch 1 */
	int fd = connect_to(port);
	send_hello(fd, 77, "", LB_WIRE_VERSION);
	assert_int_equal(read_frame(fd, body, &blen), LB_WIRE_WELCOME);
	lb_wbuf_t b = { 0 };
	make_batch(&b, 1);
	assert_int_equal(exchange(fd, &b, body, &blen), LB_WIRE_ACK);
	close(fd);
	lb_wbuf_free(&b);

	/* stream 88 sends a bookmark record for stream 77 (0x4d) at seq 1000 */
	fd = connect_to(port);
	send_hello(fd, 88, "", LB_WIRE_VERSION);
	assert_int_equal(read_frame(fd, body, &blen), LB_WIRE_WELCOME);
	lb_store_rec_t f;
	memset(&f, 0, sizeof f);
	f.kind = LB_REC_SENSOR;
	f.sensor = LB_INGEST_BOOKMARK_PREFIX "000000000000004d";
	f.val.zone_first = f.val.zone_last = 1000;
	f.val.count = 1;
	lb_wire_batch_begin(&b);
	assert_int_equal(lb_wire_put_rec(&b, &f), 0);
	lb_wire_batch_end(&b, 1, 1);
	assert_int_equal(exchange(fd, &b, body, &blen), LB_WIRE_ERROR);
	assert_int_equal(body[1], LB_WERR_FRAME);
	assert_true(peer_closed(fd));
	close(fd);
	lb_wbuf_free(&b);

	/* a restarted collector reads stream 77's bookmark from the store: still 1 */
	lb_collector_stop(c);
	assert_int_equal(lb_collector_start(s, &co, &c, &msg), 0);
	assert_int_equal(welcome_hwm(lb_collector_port(c), 77), 1);
	assert_int_equal(welcome_hwm(lb_collector_port(c), 88), 0);
	lb_collector_stop(c);
	assert_int_equal(lb_store_close(s), 0);
}

/* Send one byte of p every 300 ms until the collector hangs up (or 20 bytes:
 * 6 s); the seconds it took. */
static double dribble(int fd, const uint8_t *p, size_t n)
{
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (size_t i = 0; i < n && i < 20; i++) {
		if (send(fd, p + i, 1, MSG_NOSIGNAL) != 1)
			break;
		usleep(300000);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
}

/* A client dribbling its hello, or a frame after it, a byte at a time is
 * never idle: it held its slot for good (max_clients of them, no key needed
 * before the hello, locked every sensor out).  The hello must come within
 * hello_secs, a frame whole within idle_secs of its first byte. */
static void test_collector_slow_clients(void **st)
{
	(void)st;
	lb_store_t *s;
	lb_store_opts_t so = { .create = true };
	assert_int_equal(lb_store_open(dir, &so, &s), 0);
	lb_collector_t *c;
	const char *msg;
	lb_collector_opts_t co = { .listen = "127.0.0.1:0", .hello_secs = 1, .idle_secs = 2 };
	assert_int_equal(lb_collector_start(s, &co, &c, &msg), 0);
	unsigned port = lb_collector_port(c);
	uint8_t body[4096];
	size_t blen;

	lb_wbuf_t b = { 0 };
	lb_wire_hello_t h = { .version = LB_WIRE_VERSION, .stream = 5 };
	lb_wire_put_hello(&b, &h);
	int fd = connect_to(port);
	double t = dribble(fd, b.p, b.len);
	assert_true(t < 3.5);
	close(fd);
	assert_int_equal(metric(c, "lookback_ingest_refused_total{reason=\"slow\"}"), 1);
	lb_wbuf_free(&b);

	/* a good hello, then a batch a byte at a time */
	fd = connect_to(port);
	send_hello(fd, 5, "", LB_WIRE_VERSION);
	assert_int_equal(read_frame(fd, body, &blen), LB_WIRE_WELCOME);
	make_batch(&b, 1);
	t = dribble(fd, b.p, b.len);
	assert_true(t < 4.5);
	close(fd);
	assert_int_equal(metric(c, "lookback_ingest_refused_total{reason=\"slow\"}"), 2);
	lb_wbuf_free(&b);

	/* a sensor that sends at once is served as ever */
	fd = connect_to(port);
	send_hello(fd, 5, "", LB_WIRE_VERSION);
	assert_int_equal(read_frame(fd, body, &blen), LB_WIRE_WELCOME);
	make_batch(&b, 1);
	assert_int_equal(exchange(fd, &b, body, &blen), LB_WIRE_ACK);
	close(fd);
	lb_wbuf_free(&b);
	lb_collector_stop(c);
	assert_int_equal(lb_store_close(s), 0);
}

/* A batch the store refuses part way (here: a new source name in a store that
 * has all the source ids it can hold) leaves nothing of itself in the store,
 * and no later batch of the connection is committed before the sensor sends
 * it again: written, that one would move the bookmark past it, and the
 * refused batch would then be acknowledged as a duplicate without being
 * stored.  The collector answers RETRY and hangs up. */
static void test_collector_retry_whole(void **st)
{
	(void)st;
	lb_store_t *s;
	lb_store_opts_t so = { .create = true };
	assert_int_equal(lb_store_open(dir, &so, &s), 0);
	/* every source id but the last is taken: one more name, then no more */
	assert_int_equal(lb_rocks_src_name(s, SRC_MAX_IDS - 2, "filler"), 0);
	lb_collector_t *c;
	const char *msg;
	lb_collector_opts_t co = { .listen = "127.0.0.1:0" };
	assert_int_equal(lb_collector_start(s, &co, &c, &msg), 0);
	unsigned port = lb_collector_port(c);
	uint8_t body[4096];
	size_t blen;
	uint64_t seq;
	uint8_t status;

	static const char *const known[1] = { "s1" }, *const fresh[1] = { "new" };
	lb_store_rec_t r = rrset_rec();
	r.sources = known;
	r.nsources = 1;
	int fd = connect_to(port);
	send_hello(fd, 5, "", LB_WIRE_VERSION);
	assert_int_equal(read_frame(fd, body, &blen), LB_WIRE_WELCOME);
	/* batch 1: s1 takes the last id */
	lb_wbuf_t b = { 0 };
	lb_wire_batch_begin(&b);
	assert_int_equal(lb_wire_put_rec(&b, &r), 0);
	lb_wire_batch_end(&b, 1, 1);
	assert_int_equal(exchange(fd, &b, body, &blen), LB_WIRE_ACK);
	assert_int_equal(lb_wire_get_ack(body, blen, &seq, &status), 0);
	assert_int_equal(status, LB_ACK_COMMITTED);
	assert_int_equal(stored_count(s), 42);
	lb_wbuf_free(&b);

	/* batch 2: an rrset the store takes, then one it cannot (a new source);
	 * batch 3, sent right behind it, only the first */
	lb_wbuf_t b2 = { 0 }, b3 = { 0 };
	lb_wire_batch_begin(&b2);
	assert_int_equal(lb_wire_put_rec(&b2, &r), 0);
	lb_store_rec_t r2 = r;
	r2.sources = fresh;
	assert_int_equal(lb_wire_put_rec(&b2, &r2), 0);
	lb_wire_batch_end(&b2, 2, 2);
	lb_wire_batch_begin(&b3);
	assert_int_equal(lb_wire_put_rec(&b3, &r), 0);
	lb_wire_batch_end(&b3, 3, 1);
	uint8_t both[8192];
	assert_true(b2.len + b3.len <= sizeof both);
	memcpy(both, b2.p, b2.len);
	memcpy(both + b2.len, b3.p, b3.len);
	assert_int_equal(send(fd, both, b2.len + b3.len, 0), (ssize_t)(b2.len + b3.len));
	assert_int_equal(read_frame(fd, body, &blen), LB_WIRE_ACK);
	assert_int_equal(lb_wire_get_ack(body, blen, &seq, &status), 0);
	assert_int_equal(seq, 2);
	assert_int_equal(status, LB_ACK_RETRY);
	assert_true(peer_closed(fd)); /* batch 3 not taken: no ack for it */
	close(fd);
	lb_wbuf_free(&b2);
	lb_wbuf_free(&b3);
	/* nothing of batch 2 (nor 3) stored; the bookmark still at 1 */
	assert_int_equal(stored_count(s), 42);
	assert_int_equal(welcome_hwm(port, 5), 1);
	assert_int_equal(metric(c, "lookback_ingest_batches_total{result=\"retry\"}"), 1);
	lb_collector_stop(c);
	assert_int_equal(lb_store_close(s), 0);
}

/* A sender spools while nobody listens, and delivers once a collector is there. */
static void test_sender_spool(void **st)
{
	(void)st;
	char sdir[300], ddir[300];
	snprintf(sdir, sizeof sdir, "%s/spool", dir);
	snprintf(ddir, sizeof ddir, "%s/db2", dir);
	char mk[400];
	snprintf(mk, sizeof mk, "mkdir -p '%s'", dir);
	assert_int_equal(system(mk), 0);
	/* a free port: bind, read it, close */
	int t = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = { .sin_family = AF_INET };
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t sl = sizeof sa;
	assert_int_equal(bind(t, (struct sockaddr *)&sa, sizeof sa), 0);
	assert_int_equal(getsockname(t, (struct sockaddr *)&sa, &sl), 0);
	unsigned port = ntohs(sa.sin_port);
	close(t);
	char addr[64];
	snprintf(addr, sizeof addr, "127.0.0.1:%u", port);

	lb_sender_opts_t so = { .addr = addr, .spool_dir = sdir, .backoff_max_ms = 200 };
	lb_sender_t *snd;
	char err[256];
	assert_int_equal(lb_sender_open(&so, &snd, err), 0);
	lb_store_rec_t r = rrset_rec();
	for (int i = 0; i < 3; i++) {
		assert_int_equal(lb_sender_add(snd, &r), 0);
		assert_int_equal(lb_sender_commit(snd), 0);
	}
	lb_sender_stats_t ss;
	/* nobody listens: closing after 1 s leaves the three batches in the spool */
	assert_int_equal(lb_sender_close(snd, 1, NULL, &ss), LB_EIO);
	assert_int_equal(ss.spool_batches, 3);
	assert_true(ss.connect_failures > 0);

	lb_store_t *s;
	lb_store_opts_t sto = { .create = true };
	assert_int_equal(lb_store_open(ddir, &sto, &s), 0);
	lb_collector_t *c;
	const char *msg;
	lb_collector_opts_t co = { .listen = addr };
	assert_int_equal(lb_collector_start(s, &co, &c, &msg), 0);
	/* a new sender on the same spool finds them and delivers them */
	assert_int_equal(lb_sender_open(&so, &snd, err), 0);
	assert_int_equal(lb_sender_close(snd, 20, NULL, &ss), 0);
	assert_int_equal(ss.recovered_batches, 3);
	assert_int_equal(ss.acked_batches, 3);
	assert_int_equal(ss.spool_batches, 0);
	assert_int_equal(stored_count(s), 3 * 42);
	lb_collector_stop(c);
	assert_int_equal(lb_store_close(s), 0);
}

/* A collector that takes the connection but not the batch (here RETRY: a
 * store with no source id left) is not hammered: the sender's reconnections
 * back off exponentially as when it cannot connect at all, although each
 * handshake succeeds. */
static void test_sender_backoff_after_refusal(void **st)
{
	(void)st;
	lb_store_t *s;
	lb_store_opts_t sto = { .create = true };
	assert_int_equal(lb_store_open(dir, &sto, &s), 0);
	assert_int_equal(lb_rocks_src_name(s, SRC_MAX_IDS - 1, "filler"), 0); /* no id left */
	lb_collector_t *c;
	const char *msg;
	lb_collector_opts_t co = { .listen = "127.0.0.1:0" };
	assert_int_equal(lb_collector_start(s, &co, &c, &msg), 0);
	char addr[64];
	snprintf(addr, sizeof addr, "127.0.0.1:%u", lb_collector_port(c));
	lb_sender_opts_t so = { .addr = addr };
	lb_sender_t *snd;
	char err[256];
	assert_int_equal(lb_sender_open(&so, &snd, err), 0);
	lb_store_rec_t r = rrset_rec(); /* sources s1, s2: new names, refused */
	assert_int_equal(lb_sender_add(snd, &r), 0);
	assert_int_equal(lb_sender_commit(snd), 0);
	lb_sender_stats_t ss;
	/* 3 s: backing off from 100 ms (100 + 200 + 400 + 800 + 1600 + jitter)
	 * that is at most 6 connections; at a constant 100 ms it was 15 or more */
	assert_int_equal(lb_sender_close(snd, 3, NULL, &ss), LB_EIO);
	assert_true(ss.connects >= 2);
	assert_true(ss.connects <= 6);
	assert_int_equal(ss.spool_batches, 1);
	lb_collector_stop(c);
	assert_int_equal(lb_store_close(s), 0);
}

/* A spool file whose frame is whole but whose records do not decode (damaged
 * on disk) is removed at start and counted, like one that does not frame:
 * sent, it is refused at every try and the batches behind it wait forever. */
static void test_sender_spool_damaged(void **st)
{
	(void)st;
	char sdir[300], ddir[300];
	snprintf(sdir, sizeof sdir, "%s/spool", dir);
	snprintf(ddir, sizeof ddir, "%s/db", dir);
	char mk[400];
	snprintf(mk, sizeof mk, "mkdir -p '%s'", dir);
	assert_int_equal(system(mk), 0);
	/* three batches spooled with nobody listening (port 1) */
	lb_sender_opts_t so = { .addr = "127.0.0.1:1", .spool_dir = sdir, .backoff_max_ms = 200 };
	lb_sender_t *snd;
	char err[256];
	assert_int_equal(lb_sender_open(&so, &snd, err), 0);
	lb_store_rec_t r = rrset_rec();
	for (int i = 0; i < 3; i++) {
		assert_int_equal(lb_sender_add(snd, &r), 0);
		assert_int_equal(lb_sender_commit(snd), 0);
	}
	lb_sender_stats_t ss;
	assert_int_equal(lb_sender_close(snd, 1, NULL, &ss), LB_EIO);
	assert_int_equal(ss.spool_batches, 3);
	/* the second one damaged: its first record's owner length 0 */
	char path[400];
	snprintf(path, sizeof path, "%s/b-0000000000000002.lbb", sdir);
	FILE *f = fopen(path, "r+b");
	assert_non_null(f);
	assert_int_equal(fseek(f, LB_WIRE_BATCH_HDR + 2, SEEK_SET), 0);
	assert_int_equal(fputc(0, f), 0);
	assert_int_equal(fclose(f), 0);

	lb_store_t *s;
	lb_store_opts_t sto = { .create = true };
	assert_int_equal(lb_store_open(ddir, &sto, &s), 0);
	lb_collector_t *c;
	const char *msg;
	lb_collector_opts_t co = { .listen = "127.0.0.1:0" };
	assert_int_equal(lb_collector_start(s, &co, &c, &msg), 0);
	char addr[64];
	snprintf(addr, sizeof addr, "127.0.0.1:%u", lb_collector_port(c));
	so.addr = addr;
	assert_int_equal(lb_sender_open(&so, &snd, err), 0);
	assert_int_equal(lb_sender_close(snd, 10, NULL, &ss), 0);
	assert_int_equal(ss.bad_spool_files, 1);
	assert_int_equal(ss.recovered_batches, 2);
	assert_int_equal(ss.acked_batches, 2);
	assert_int_equal(stored_count(s), 2 * 42);
	assert_int_equal(metric(c, "lookback_ingest_bad_frames_total"), 0);
	lb_collector_stop(c);
	assert_int_equal(lb_store_close(s), 0);
}

/* A bounded spool drops its oldest batches and counts them. */
static void test_spool_bound(void **st)
{
	(void)st;
	lb_sender_opts_t so = { .addr = "127.0.0.1:1", .spool_max = 1, .backoff_max_ms = 100 };
	lb_sender_t *snd;
	char err[256];
	assert_int_equal(lb_sender_open(&so, &snd, err), 0);
	lb_store_rec_t r = rrset_rec();
	for (int i = 0; i < 5; i++) {
		assert_int_equal(lb_sender_add(snd, &r), 0);
		assert_int_equal(lb_sender_commit(snd), 0);
	}
	lb_sender_stats_t ss;
	assert_int_equal(lb_sender_close(snd, 1, NULL, &ss), LB_EIO);
	assert_int_equal(ss.batches, 5);
	assert_int_equal(ss.dropped_batches, 4);
	assert_int_equal(ss.dropped_records, 4);
	assert_int_equal(ss.spool_batches, 1);
}

/* A collector that welcomes, reads the first batch (then says so on
 * got[1]), acknowledges it only when told (on go[0]), and reads on without
 * acknowledging anything else. */
struct slow_coll {
	int lfd, got[2], go[2];
};

static void *slow_collector(void *arg)
{
	struct slow_coll *c = arg;
	int fd = accept(c->lfd, NULL, NULL);
	if (fd < 0)
		return NULL;
	struct timeval tv = { .tv_sec = 10 };
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	static uint8_t body[4096];
	size_t blen;
	lb_wbuf_t b = { 0 };
	lb_wire_reader_t r;
	if (read_frame(fd, body, &blen) != LB_WIRE_HELLO)
		goto out;
	lb_wire_put_welcome(&b, 0);
	if (send(fd, b.p, b.len, 0) != (ssize_t)b.len)
		goto out;
	if (read_frame(fd, body, &blen) != LB_WIRE_BATCH || lb_wire_batch_open(&r, body, blen) != 0)
		goto out;
	char ch = 1;
	if (write(c->got[1], &ch, 1) != 1 || read(c->go[0], &ch, 1) != 1)
		goto out;
	b.len = 0;
	lb_wire_put_ack(&b, r.seq, LB_ACK_COMMITTED);
	if (send(fd, b.p, b.len, 0) != (ssize_t)b.len)
		goto out;
	while (read_frame(fd, body, &blen) >= 0)
		;
out:
	lb_wbuf_free(&b);
	close(fd);
	return NULL;
}

/* When the spool is full, batches not sent yet are dropped before one in
 * flight: the in-flight batch is acknowledged (committed by the collector)
 * and counted as such, not as dropped. */
static void test_spool_bound_keeps_inflight(void **st)
{
	(void)st;
	struct slow_coll c;
	c.lfd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = { .sin_family = AF_INET };
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t sl = sizeof sa;
	assert_int_equal(bind(c.lfd, (struct sockaddr *)&sa, sizeof sa), 0);
	assert_int_equal(listen(c.lfd, 4), 0);
	assert_int_equal(getsockname(c.lfd, (struct sockaddr *)&sa, &sl), 0);
	assert_int_equal(pipe(c.got), 0);
	assert_int_equal(pipe(c.go), 0);
	pthread_t th;
	assert_int_equal(pthread_create(&th, NULL, slow_collector, &c), 0);

	/* room for two batches of one record, not three */
	lb_store_rec_t r = rrset_rec();
	lb_wbuf_t one = { 0 };
	lb_wire_batch_begin(&one);
	assert_int_equal(lb_wire_put_rec(&one, &r), 0);
	lb_wire_batch_end(&one, 1, 1);
	char addr[64];
	snprintf(addr, sizeof addr, "127.0.0.1:%u", ntohs(sa.sin_port));
	lb_sender_opts_t so = { .addr = addr, .spool_max = one.len * 5 / 2,
				.inflight = 1 /* 2-5 wait while 1 is in flight */, .backoff_max_ms = 100 };
	lb_wbuf_free(&one);
	lb_sender_t *snd;
	char err[256];
	assert_int_equal(lb_sender_open(&so, &snd, err), 0);
	assert_int_equal(lb_sender_add(snd, &r), 0);
	assert_int_equal(lb_sender_commit(snd), 0);
	struct pollfd pf = { .fd = c.got[0], .events = POLLIN };
	assert_int_equal(poll(&pf, 1, 10000), 1); /* batch 1 is in flight */
	char ch;
	assert_int_equal(read(c.got[0], &ch, 1), 1);
	for (int i = 0; i < 4; i++) { /* batches 2-5: 2, 3, 4 give way */
		assert_int_equal(lb_sender_add(snd, &r), 0);
		assert_int_equal(lb_sender_commit(snd), 0);
	}
	ch = 1;
	assert_int_equal(write(c.go[1], &ch, 1), 1); /* now the ack of batch 1 */
	lb_sender_stats_t ss;
	assert_int_equal(lb_sender_close(snd, 2, NULL, &ss), LB_EIO); /* batch 5 unacknowledged */
	assert_int_equal(ss.batches, 5);
	assert_int_equal(ss.dropped_batches, 3);
	assert_int_equal(ss.acked_batches, 1);
	assert_int_equal(ss.spool_batches, 1);
	pthread_join(th, NULL);
	close(c.lfd);
	close(c.got[0]);
	close(c.got[1]);
	close(c.go[0]);
	close(c.go[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_run_counts),
		cmocka_unit_test(test_sources),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_oversized),
		cmocka_unit_test(test_hostile_fields),
		cmocka_unit_test(test_hello_version),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test_setup_teardown(test_collector, setup, teardown),
		cmocka_unit_test_setup_teardown(test_collector_forged_bookmark, setup, teardown),
		cmocka_unit_test_setup_teardown(test_collector_retry_whole, setup, teardown),
		cmocka_unit_test_setup_teardown(test_collector_slow_clients, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sender_spool, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sender_backoff_after_refusal, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sender_spool_damaged, setup, teardown),
		cmocka_unit_test(test_spool_bound),
		cmocka_unit_test(test_spool_bound_keeps_inflight),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
