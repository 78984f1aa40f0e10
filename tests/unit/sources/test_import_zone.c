/* test_import_zone.c - the zone-file importer (RFC 1035 master files, BIND's
 * $GENERATE, $INCLUDE and its bounds, TTL defaults, parentheses) on samples
 * written here. */
#include "import_harness.h"

static void zone_syntax(void **st)
{
	(void)st;
	assert_int_equal(imp(LB_FMT_ZONE,
		"; a comment\n"
		"$ORIGIN example.com.\n"
		"$TTL 1h\n"
		"@   IN SOA ns1 hostmaster ( 2024010101 ; serial\n"
		"        7200 900 1209600 300 )\n"
		"    IN NS ns1\n"
		"    NS ns2.example.net.\n"
		"    IN MX 10 mail\n"
		"www 300 IN A 192.0.2.1\n"
		"    IN 300 A 192.0.2.2\n"
		"    AAAA 2001:db8::1\n"
		"txt IN TXT \"hello; world\" \"a \\\"quoted\\\" one\" ; comment\n"
		"Sub.Deep TXT ( \"multi\"\n"
		"   \"line\" )\n"
		"other.org. IN A 192.0.2.3\n"
		"ch CH TXT \"x\"\n"
		"bad IN A 999.1.1.1\n"
		"$INCLUDE other.zone\n"
		"$GENERATE 1-2 h$ A 1.2.3.$\n"
		"unbalanced IN TXT ( \"x\"  ) )\n"
		"$ORIGIN sub.example.com.\n"
		"x A 192.0.2.4\n"), 0);
	const char *z = " 0 0 0 1700000000 1700000000 bw=example.com. zone\n";
	char line[512];
	snprintf(line, sizeof line, "AGG example.com. SOA ns1.example.com. hostmaster.example.com. 2024010101 7200 900 1209600 300%s", z);
	has(line);
	snprintf(line, sizeof line, "AGG example.com. NS ns1.example.com.;ns2.example.net.%s", z);
	has(line);
	snprintf(line, sizeof line, "AGG example.com. MX 10 mail.example.com.%s", z);
	has(line);
	snprintf(line, sizeof line, "AGG www.example.com. A 192.0.2.1;192.0.2.2%s", z);
	has(line);
	has("AGG www.example.com. AAAA 2001:db8::1");
	has("AGG txt.example.com. TXT \"hello; world\" \"a \\\"quoted\\\" one\"");
	has("AGG sub.deep.example.com. TXT \"multi\" \"line\"");
	has("AGG x.sub.example.com. A 192.0.2.4");
	hasnt("other.org");
	assert_int_equal(cnt.skip[LB_SKIP_OUT_OF_ZONE], 1);
	assert_int_equal(cnt.skip[LB_SKIP_CLASS], 1);
	assert_int_equal(cnt.bad[LB_BAD_RDATA], 1);
	assert_int_equal(cnt.bad_line[LB_BAD_RDATA][0], 17);
	assert_int_equal(cnt.bad[LB_BAD_INCLUDE], 1);
	/* $GENERATE makes its records (it was refused as zone_syntax) */
	has("AGG h1.example.com. A 1.2.3.1");
	has("AGG h2.example.com. A 1.2.3.2");
	assert_int_equal(cnt.bad[LB_BAD_SYNTAX], 1);
	assert_int_equal(cnt.bad_line[LB_BAD_SYNTAX][0], 20);
}

/* BIND's $GENERATE (tests/scenario/zones/generate.zone compares more with
 * BIND itself): modifiers, steps, and the limits. */
static void zone_generate(void **st)
{
	(void)st;
	assert_int_equal(imp(LB_FMT_ZONE,
		"$ORIGIN 2.0.192.in-addr.arpa.\n@ SOA ns.example. h.example. 1 2 3 4 5\n"
		"$GENERATE 0-8/4 $ PTR host-${10,3,d}.example.\n"
		"$GENERATE 10-11 ${0,3,n}.x 60 IN TXT \"v \\$ ${0,0,X}\"\n"
		"$GENERATE 1-70000 big A 192.0.2.1\n"      /* more than 65536 lines */
		"$GENERATE 5-1 r PTR x.\n"                 /* stop before start */
		"$GENERATE 1-2 b${0,1,q} PTR x.\n"         /* no such base */
		"$GENERATE 1-2 c${0 PTR x.\n"              /* unclosed */
		"$GENERATE 1-2 d PTR\n"                    /* no rhs */
		"$GENERATE 1-2 \\$GENERATE 1-60000 x A 192.0.2.1\n"     /* no nesting */
		"$GENERATE 1-2 o${9223372036854775807} A 192.0.2.1\n"), 0); /* (v + offset overflowed) */
	has("AGG 0.2.0.192.in-addr.arpa. PTR host-010.example.");
	has("AGG 4.2.0.192.in-addr.arpa. PTR host-014.example.");
	has("AGG 8.2.0.192.in-addr.arpa. PTR host-018.example.");
	hasnt("AGG 1.2.0.192.in-addr.arpa. PTR");
	has("AGG a.0.x.2.0.192.in-addr.arpa. TXT \"v\" \"$\" \"A\"");
	has("AGG b.0.x.2.0.192.in-addr.arpa. TXT \"v\" \"$\" \"B\"");
	hasnt("big.");
	assert_int_equal(cnt.bad[LB_BAD_SYNTAX], 7);
	assert_int_equal(cnt.records, 6);
}

static void zone_ttls_and_ends(void **st)
{
	(void)st;
	/* no $TTL: omitted TTL = last explicit one; a file ending inside parentheses */
	assert_int_equal(imp(LB_FMT_ZONE,
		"$ORIGIN example.org.\n"
		"a 120 A 192.0.2.1\n"
		"b A 192.0.2.2\n"
		"c IN A ( 192.0.2.3\n"), 0);
	has("AGG b.example.org. A 192.0.2.2");
	hasnt("c.example.org");
	assert_int_equal(cnt.bad[LB_BAD_SYNTAX], 1);
	/* relative owner without any origin */
	assert_int_equal(imp(LB_FMT_ZONE, "www A 192.0.2.1\n"), 0);
	assert_int_equal(cnt.bad[LB_BAD_SYNTAX], 1);
	/* --origin, and detection of a zone file by content */
	lb_src_opts_t o = { .fmt = LB_FMT_AUTO, .origin = "example.net", .zone_time = 5 };
	assert_int_equal(imp_opts(&o, "www 60 IN A 192.0.2.9\n"), 0);
	has("AGG www.example.net. A 192.0.2.9 0 0 0 5 5 bw=example.net. zone");
	/* an owner's records split across the file: one RRset per type all the
	 * same (each run gave a set of its own, sets that never existed) */
	assert_int_equal(imp(LB_FMT_ZONE,
		"$ORIGIN sp.test.\n@ SOA ns h 1 2 3 4 5\nwww A 192.0.2.1\nmail A 192.0.2.9\n"
		"www A 192.0.2.2\nwww TXT \"x\"\nmail MX 10 mail\nwww A 192.0.2.3\n"
		"$ORIGIN other.sp.test.\nwww A 192.0.2.4\n"), 0);
	has("AGG www.sp.test. A 192.0.2.1;192.0.2.2;192.0.2.3 0 0 0 1700000000 1700000000 bw=sp.test. zone");
	has("AGG mail.sp.test. MX 10 mail.sp.test.");
	has("AGG www.other.sp.test. A 192.0.2.4 0 0 0 1700000000 1700000000 bw=sp.test.");
	hasnt("AGG www.sp.test. A 192.0.2.1 ");
	assert_int_equal(cnt.records, 8);
	/* saved by a Windows editor: a byte order mark and CRLF line ends (the
	 * BOM made every line of the file zone_syntax) */
	assert_int_equal(imp(LB_FMT_AUTO,
		"\xef\xbb\xbf$ORIGIN bom.test.\r\n$TTL 60\r\n@ SOA ns h ( 1 2 3\r\n 4 5 )\r\n"
		"www A 192.0.2.1\r\n"), 0);
	has("AGG bom.test. SOA ns.bom.test. h.bom.test. 1 2 3 4 5 0 0 0 1700000000 1700000000 bw=bom.test. zone");
	has("AGG www.bom.test. A 192.0.2.1 0 0 0 1700000000 1700000000 bw=bom.test. zone");
	assert_int_equal(lb_src_bad_total(&cnt), 0);
}

/* A record whose parentheses never close is bad at its first line, and the
 * lines it swallowed are read again on their own: an unclosed '(' lost every
 * good record after it up to the end of the file, or up to the token bound
 * (13107 one-address records), and was reported at that later line. */
static void zone_unclosed_paren(void **st)
{
	(void)st;
	assert_int_equal(imp(LB_FMT_ZONE,
		"$ORIGIN up.test.\n@ SOA ns h 1 2 3 4 5\nk TXT ( \"a\"\n \"b\" )\n"
		"bad TXT ( \"u\"\nz A 192.0.2.1\ny A 192.0.2.2\n"), 0);
	has("AGG k.up.test. TXT \"a\" \"b\"");
	has("AGG z.up.test. A 192.0.2.1");
	has("AGG y.up.test. A 192.0.2.2");
	assert_int_equal(cnt.bad[LB_BAD_SYNTAX], 1);
	assert_int_equal(cnt.bad_line[LB_BAD_SYNTAX][0], 5);
	/* past the record's bounds (--max-line 64: 128 bytes of tokens, and of
	 * lines kept for reading again) */
	char t[2048];
	size_t n = (size_t)snprintf(t, sizeof t, "$ORIGIN up.test.\n@ SOA ns h 1 2 3 4 5\n"
				    "bad 60 IN TXT ( \"u\"\n");
	for (int i = 0; i < 40; i++)
		n += (size_t)snprintf(t + n, sizeof t - n, "h%d 60 IN A 192.0.2.1\n", i);
	lb_src_opts_t o = { .fmt = LB_FMT_ZONE, .zone_time = 1, .max_line = 64 };
	assert_int_equal(imp_opts(&o, t), 0);
	assert_int_equal(cnt.records, 41);
	assert_int_equal(cnt.bad[LB_BAD_SYNTAX], 1);
	assert_int_equal(cnt.bad_line[LB_BAD_SYNTAX][0], 3);
}

static void zone_include(void **st)
{
	(void)st;
	char dir[] = "/tmp/lbtest_zoneXXXXXX";
	assert_non_null(mkdtemp(dir));
	char p1[128], p2[128];
	snprintf(p1, sizeof p1, "%s/main.zone", dir);
	snprintf(p2, sizeof p2, "%s/inc.zone", dir);
	FILE *f = fopen(p1, "w");
	fputs("$ORIGIN example.com.\n@ SOA ns1 h 1 2 3 4 5\n$INCLUDE inc.zone sub\nafter A 192.0.2.2\n"
	      "$INCLUDE main.zone\n", f);
	fclose(f);
	f = fopen(p2, "w");
	fputs("in A 192.0.2.1\nbroken A x\n", f);
	fclose(f);
	lb_src_sink_t sink = { .obs = { on_rrset, on_neg, NULL }, .aggr = on_aggr };
	lb_src_opts_t o = { .fmt = LB_FMT_ZONE, .allow_include = true, .zone_time = 7 };
	lb_src_t *s;
	outn = 0;
	assert_int_equal(lb_src_new(&o, &sink, &s), 0);
	assert_int_equal(lb_src_import_file(s, p1), 0);
	const lb_src_counts_t *c = lb_src_counts(s);
	has("AGG in.sub.example.com. A 192.0.2.1");
	has("AGG after.example.com. A 192.0.2.2"); /* origin restored after the include */
	/* main.zone including itself recursively stops at the depth cap */
	assert_true(c->bad[LB_BAD_INCLUDE] >= 1);
	assert_true(c->bad[LB_BAD_RDATA] >= 1);
	char *buf;
	size_t bl;
	FILE *m = open_memstream(&buf, &bl);
	lb_src_print_summary(s, m);
	fclose(m);
	assert_non_null(strstr(buf, "inc.zone:2"));
	free(buf);
	lb_src_free(s);
	unlink(p1);
	unlink(p2);
	rmdir(dir);
}

/* A line's tokens: room for them grows from 256 as a line needs (it was
 * 64 Ki of each made for every zone file); a record of 300 TXT strings
 * reads whole, and a line of more than 65536 tokens is still refused. */
static void zone_many_tokens(void **st)
{
	(void)st;
	char *z = malloc(200000);
	assert_non_null(z);
	size_t len = (size_t)sprintf(z, "$ORIGIN t.test.\n@ TXT");
	for (int i = 0; i < 300; i++)
		len += (size_t)sprintf(z + len, " %c", 'a' + i % 26);
	len += (size_t)sprintf(z + len, "\nx A");
	for (int i = 0; i < 70000; i++)
		len += (size_t)sprintf(z + len, " 1");
	len += (size_t)sprintf(z + len, "\ny A 192.0.2.9\n");
	assert_int_equal(imp(LB_FMT_ZONE, z), 0);
	has("AGG t.test. TXT \"a\" \"b\" \"c\"");
	has(" \"l\" \"m\" \"n\" "); /* the 298th to 300th: 299 % 26 = 13 */
	hasnt("AGG x.t.test.");
	has("AGG y.t.test. A 192.0.2.9");
	assert_int_equal(cnt.bad[LB_BAD_SYNTAX], 1);
	assert_int_equal(cnt.records, 2);
	free(z);
}

/* One owner's records past what a group's arena holds (4 MiB of rdata; the
 * arena grows in chunks from 64 KiB, the records pointing into every one of
 * them): each of the 2000 TXT records comes out once with its own bytes, the
 * group emitted in parts where the arena was full, nothing counted bad. */
#define BIG_N 2000
#define BIG_STRS 9  /* 9 strings of 250: 2259 bytes of rdata, 4.5 MB in all */
static unsigned big_seen[BIG_N];
static size_t big_sets;

static void big_txt(unsigned i, uint8_t *rd) /* the wire rdata of record i */
{
	for (int k = 0; k < BIG_STRS; k++) {
		uint8_t *p = rd + k * 251;
		p[0] = 250;
		for (int j = 0; j < 250; j++)
			p[1 + j] = (uint8_t)('a' + (i * 7 + (unsigned)k * 3 + (unsigned)j) % 26);
		p[1] = (uint8_t)('0' + i / 1000 % 10);
		p[2] = (uint8_t)('0' + i / 100 % 10);
		p[3] = (uint8_t)('0' + i / 10 % 10);
		p[4] = (uint8_t)('0' + i % 10);
	}
}

static void big_aggr(void *ctx, const lb_src_aggr_t *a)
{
	(void)ctx;
	uint8_t want[BIG_STRS * 251];
	big_sets++;
	for (size_t n = 0; n < a->rr->nrdata; n++) {
		const uint8_t *rd = a->rr->rdata[n];
		assert_int_equal(a->rr->rdlen[n], sizeof want);
		unsigned i = (unsigned)(rd[1] - '0') * 1000 + (unsigned)(rd[2] - '0') * 100 +
			     (unsigned)(rd[3] - '0') * 10 + (unsigned)(rd[4] - '0');
		assert_true(i < BIG_N);
		big_txt(i, want);
		assert_memory_equal(rd, want, sizeof want);
		big_seen[i]++;
	}
}

static void zone_group_past_arena(void **st)
{
	(void)st;
	size_t cap = (size_t)BIG_N * (BIG_STRS * 253 + 32) + 64, len = 0;
	char *z = malloc(cap);
	assert_non_null(z);
	len += (size_t)snprintf(z + len, cap - len, "$ORIGIN big.test.\n");
	uint8_t rd[BIG_STRS * 251];
	for (unsigned i = 0; i < BIG_N; i++) {
		big_txt(i, rd);
		len += (size_t)snprintf(z + len, cap - len, "@ 60 IN TXT");
		for (int k = 0; k < BIG_STRS; k++)
			len += (size_t)snprintf(z + len, cap - len, " \"%.250s\"", (const char *)rd + k * 251 + 1);
		len += (size_t)snprintf(z + len, cap - len, "\n");
	}
	assert_true(len < cap);
	lb_src_sink_t sink = { .obs = { on_rrset, on_neg, NULL }, .aggr = big_aggr };
	lb_src_opts_t o = { .fmt = LB_FMT_ZONE, .zone_time = 7 };
	lb_src_t *s;
	assert_int_equal(lb_src_new(&o, &sink, &s), 0);
	assert_int_equal(lb_src_import_mem(s, "big.zone", z, len), 0);
	const lb_src_counts_t *c = lb_src_counts(s);
	assert_int_equal(c->records, BIG_N);
	for (int b = 0; b < LB_BAD__COUNT; b++)
		assert_int_equal(c->bad[b], 0);
	for (unsigned i = 0; i < BIG_N; i++)
		assert_int_equal(big_seen[i], 1);
	assert_true(big_sets >= 2); /* (the arena was full once at least) */
	lb_src_free(s);
	free(z);
}

/* $INCLUDE of what never ends or loops: a file including itself 20 times
 * was read 20^8 times (depth cap only: a hang), /dev/zero was read forever
 * and a FIFO blocked the open.  Each is refused (include_refused) and the
 * records around them kept. */
static void zone_include_bounds(void **st)
{
	(void)st;
	char dir[] = "/tmp/lbtest_zincXXXXXX";
	assert_non_null(mkdtemp(dir));
	char p1[128], p2[128], p3[128];
	snprintf(p1, sizeof p1, "%s/main.zone", dir);
	snprintf(p2, sizeof p2, "%s/fifo", dir);
	snprintf(p3, sizeof p3, "%s/leaf.zone", dir);
	assert_int_equal(mkfifo(p2, 0600), 0);
	FILE *f = fopen(p3, "w");
	fputs("leaf A 192.0.2.3\n", f);
	fclose(f);
	f = fopen(p1, "w");
	fputs("$ORIGIN example.com.\n@ SOA ns1 h 1 2 3 4 5\n"
	      "$INCLUDE /dev/zero\n$INCLUDE fifo\n", f);
	for (int i = 0; i < 20; i++)
		fputs("$INCLUDE main.zone\n", f);
	for (int i = 0; i < 300; i++)
		fputs("$INCLUDE leaf.zone\n", f);
	fputs("after A 192.0.2.2\n", f);
	fclose(f);
	lb_src_sink_t sink = { .obs = { on_rrset, on_neg, NULL }, .aggr = on_aggr };
	lb_src_opts_t o = { .fmt = LB_FMT_ZONE, .allow_include = true, .zone_time = 7 };
	lb_src_t *s;
	outn = 0;
	assert_int_equal(lb_src_new(&o, &sink, &s), 0);
	assert_int_equal(lb_src_import_file(s, p1), 0);
	const lb_src_counts_t *c = lb_src_counts(s);
	has("AGG after.example.com. A 192.0.2.2");
	has("AGG leaf.example.com. A 192.0.2.3");
	/* /dev/zero, the FIFO, 20 loops, and the 44 leaves past the 256th */
	assert_int_equal(c->bad[LB_BAD_INCLUDE], 2 + 20 + 44);
	assert_int_equal(c->records, 1 + 256 + 1);
	lb_src_free(s);
	unlink(p1);
	unlink(p2);
	unlink(p3);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(zone_syntax),
		cmocka_unit_test(zone_generate),
		cmocka_unit_test(zone_ttls_and_ends),
		cmocka_unit_test(zone_unclosed_paren),
		cmocka_unit_test(zone_include),
		cmocka_unit_test(zone_include_bounds),
		cmocka_unit_test(zone_many_tokens),
		cmocka_unit_test(zone_group_past_arena),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
