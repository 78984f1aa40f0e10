/*
 * test_output.c - the output scratch grows with the rdata: a small first
 * buffer, then a 64 KiB TXT rdata (and a NULL-filled unknown type, the
 * widest text per byte) render whole; COF and SAF lines carry them.  A
 * negative answer in COF is marked as one.  A COF answer names one source
 * (sensor_id), export every one.  No CSV field begins as a spreadsheet
 * formula.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dns/name.h"
#include "dns/rdata.h"
#include "dns/rrtype.h"
#include "query/query.h"

static void test_text_grows(void **st)
{
	(void)st;
	char *mem = NULL;
	size_t msz = 0;
	FILE *f = open_memstream(&mem, &msz);
	assert_non_null(f);
	lb_out_t o;
	assert_int_equal(lb_out_init(&o, f, LB_FMT_COF), 0);
	size_t small = o.bufsz;
	/* TXT: 256 strings of 255 'a' = 65536 bytes is one too many; 256 x 255 + ... */
	enum { NS = 256 };
	static uint8_t txt[NS * 256];
	size_t n = 0;
	for (int i = 0; i < NS && n + 256 <= LB_RDATA_MAX; i++) {
		txt[n++] = 255;
		memset(txt + n, 'a' + i % 26, 255);
		n += 255;
	}
	assert_true(n > small);
	assert_int_equal(lb_out_text(&o, LB_T_TXT, txt, n), 0);
	assert_true(o.bufsz > small);
	size_t tl = strlen(o.buf);
	assert_true(tl >= n); /* every character, quotes and spaces */
	assert_int_equal(o.buf[0], '"');
	/* an unknown type: \# len hex - two characters a byte */
	static uint8_t raw[60000];
	memset(raw, 0, sizeof raw);
	assert_int_equal(lb_out_text(&o, 65280, raw, sizeof raw), 0);
	assert_true(strlen(o.buf) > 2 * sizeof raw);
	assert_memory_equal(o.buf, "\\# 60000 ", 9);
	/* and a record through the COF and SAF writers */
	const uint8_t owner[] = "\3big\7example\0";
	const uint8_t *rdp[1] = { txt };
	uint16_t rdl[1] = { (uint16_t)n };
	lb_store_rec_t r;
	memset(&r, 0, sizeof r);
	r.kind = LB_REC_RRSET;
	r.owner = owner;
	r.owner_len = sizeof owner - 1;
	r.type = LB_T_TXT;
	r.nrdata = 1;
	r.rdata = rdp;
	r.rdlen = rdl;
	r.val.time_first = r.val.time_last = 1700000000;
	r.val.count = 1;
	lb_out_rec(&o, &r);
	lb_saf_rec(&o, &r, false);
	fflush(f);
	assert_false(ferror(f));
	assert_true(msz > 2 * n);
	char *nl = memchr(mem, '\n', msz);
	assert_non_null(nl);
	assert_true((size_t)(nl - mem) > n); /* the COF line holds the whole rdata */
	lb_out_free(&o);
	fclose(f);
	free(mem);
}

/* A negative answer in COF says it is one ("negative":true, as export writes
 * it and import -f cof reads it): before, the line was an rrset of type A
 * with an empty rdata set to any COF reader, and import refused it. */
static void test_cof_negative_marked(void **st)
{
	(void)st;
	char *mem = NULL;
	size_t msz = 0;
	FILE *f = open_memstream(&mem, &msz);
	assert_non_null(f);
	lb_out_t o;
	assert_int_equal(lb_out_init(&o, f, LB_FMT_COF), 0);
	const uint8_t owner[] = "\2nx\7example\0";
	lb_store_rec_t r;
	memset(&r, 0, sizeof r);
	r.kind = LB_REC_NEG;
	r.owner = owner;
	r.owner_len = sizeof owner - 1;
	r.type = LB_T_A;
	r.rcode = 3;
	r.val.time_first = 100;
	r.val.time_last = 200;
	r.val.count = 3;
	lb_out_rec(&o, &r);
	fflush(f);
	assert_string_equal(mem, "{\"rrname\":\"nx.example.\",\"rrtype\":\"A\",\"negative\":true,"
				 "\"rcode\":\"NXDOMAIN\",\"rdata\":[],\"time_first\":100,"
				 "\"time_last\":200,\"count\":3}\n");
	lb_out_free(&o);
	fclose(f);
	free(mem);
}

/* One record seen by three sources (and more than the value keeps) written
 * as a COF answer and as export writes it. */
static char *cof_sources(bool as_stored)
{
	char *mem = NULL;
	size_t msz = 0;
	FILE *f = open_memstream(&mem, &msz);
	assert_non_null(f);
	lb_out_t o;
	assert_int_equal(lb_out_init(&o, f, LB_FMT_COF), 0);
	o.cof_as_stored = as_stored;
	const uint8_t owner[] = "\3www\7example\0", rd[4] = { 192, 0, 2, 1 };
	const uint8_t *rdp[1] = { rd };
	uint16_t rdl[1] = { 4 };
	const char *src[3] = { "s0", "s1", "s2" };
	lb_store_rec_t r;
	memset(&r, 0, sizeof r);
	r.kind = LB_REC_RRSET;
	r.owner = owner;
	r.owner_len = sizeof owner - 1;
	r.type = LB_T_A;
	r.nrdata = 1;
	r.rdata = rdp;
	r.rdlen = rdl;
	r.val.time_first = 100;
	r.val.time_last = 200;
	r.val.count = 3;
	r.sources = src;
	r.nsources = 3;
	r.sources_more = true;
	lb_out_rec(&o, &r);
	lb_out_free(&o);
	fclose(f);
	return mem;
}

/* COF answers hold REFERENCE.md 3's members only: sensor_id is the first
 * source; before, "sensor_ids":[...] followed it.  export keeps them all
 * (import -f cof reads them back). */
static void test_cof_sensor_id_only(void **st)
{
	(void)st;
	char *out = cof_sources(false);
	assert_string_equal(out, "{\"rrname\":\"www.example.\",\"rrtype\":\"A\",\"rdata\":"
				 "[\"192.0.2.1\"],\"time_first\":100,\"time_last\":200,"
				 "\"count\":3,\"sensor_id\":\"s0\"}\n");
	free(out);
	out = cof_sources(true);
	assert_non_null(strstr(out, ",\"sensor_id\":\"s0\",\"sensor_ids\":[\"s0\",\"s1\",\"s2\"],"
				    "\"sensor_ids_more\":true}\n"));
	free(out);
}

/* One rrset (owner and rdata in text; one source) as CSV, after a batch
 * line when batch is not NULL. */
static char *csv_of(const char *owner, uint16_t type, const char *rdata, const char *source,
		    const char *batch)
{
	char *mem = NULL;
	size_t msz = 0;
	FILE *f = open_memstream(&mem, &msz);
	assert_non_null(f);
	lb_out_t o;
	assert_int_equal(lb_out_init(&o, f, LB_FMT_CSV), 0);
	o.csv_head_done = true;
	o.csv_query = batch;
	uint8_t on[LB_NAME_MAX], rd[1024];
	assert_true(lb_name_from_text(owner, strlen(owner), NULL, on, sizeof on) > 0);
	int rl = lb_rdata_from_text(type, rdata, strlen(rdata), NULL, rd, sizeof rd);
	assert_true(rl >= 0);
	const uint8_t *rdp[1] = { rd };
	uint16_t rdl[1] = { (uint16_t)rl };
	const char *src[1] = { source };
	lb_store_rec_t r;
	memset(&r, 0, sizeof r);
	r.kind = LB_REC_RRSET;
	r.owner = on;
	r.type = type;
	r.nrdata = 1;
	r.rdata = rdp;
	r.rdlen = rdl;
	r.sources = src;
	r.nsources = 1;
	r.val.time_first = 100;
	r.val.time_last = 200;
	r.val.count = 3;
	lb_out_rec(&o, &r);
	lb_out_free(&o);
	fclose(f);
	return mem;
}

/* CSV formula injection (OWASP): a cell that begins with = + - @ (a tab, a
 * CR) is a formula to Excel, LibreOffice and Sheets, and DNS names are
 * anyone's to choose: `query -f csv` wrote =cmd|x.example. as it is.  A name
 * (or rdata that begins with one) gets RFC 1035's escape of that character,
 * the same name to a DNS parser; other text a leading apostrophe. */
static void test_csv_formula_guard(void **st)
{
	(void)st;
	char *c = csv_of("=cmd|x.example.", LB_T_A, "192.0.2.1", "=src", NULL);
	assert_string_equal(c, "\\=cmd|x.example.,A,,192.0.2.1,100,200,3,,,'=src\n");
	free(c);
	c = csv_of("-h.example.", LB_T_CNAME, "+t.example.", "s", "@batch line");
	assert_string_equal(c, "'@batch line,\\-h.example.,CNAME,,\\+t.example.,100,200,3,,,s\n");
	free(c);
	/* quoted as RFC 4180 asks, the mark inside the quotes */
	c = csv_of("=a,b.example.", LB_T_TXT, "\"=1+1\"", "s", NULL);
	assert_string_equal(c, "\"\\=a,b.example.\",TXT,,\"\"\"=1+1\"\"\",100,200,3,,,s\n");
	free(c);
	/* rdata that is not a name first: the apostrophe */
	c = csv_of("m.example.", LB_T_MX, "10 =mx.example.", "s", NULL);
	assert_string_equal(c, "m.example.,MX,,10 =mx.example.,100,200,3,,,s\n");
	free(c);
	c = csv_of("k.example.", 61 /* OPENPGPKEY */, "+AAA", "s", NULL);
	assert_string_equal(c, "k.example.,OPENPGPKEY,,'+AAA,100,200,3,,,s\n");
	free(c);
	/* the escaped name is the name */
	uint8_t a[LB_NAME_MAX], b[LB_NAME_MAX];
	int al = lb_name_from_text("=cmd|x.example.", 15, NULL, a, sizeof a);
	int bl = lb_name_from_text("\\=cmd|x.example.", 16, NULL, b, sizeof b);
	assert_true(al > 0);
	assert_int_equal(al, bl);
	assert_memory_equal(a, b, (size_t)al);
	/* what was fine stays as it was */
	c = csv_of("www.example.", LB_T_A, "192.0.2.1", "s1", "www.example.com");
	assert_string_equal(c, "www.example.com,www.example.,A,,192.0.2.1,100,200,3,,,s1\n");
	free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_grows),
		cmocka_unit_test(test_cof_negative_marked),
		cmocka_unit_test(test_cof_sensor_id_only),
		cmocka_unit_test(test_csv_formula_guard),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
