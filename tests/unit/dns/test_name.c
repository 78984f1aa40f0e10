/* test_name.c - DNS name rules at their edges (table-driven). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dns/name.h"

/* A 12-byte header of zeros followed by the name bytes; the name is read at
 * offset `at` (default 12). */
struct rcase {
	const char *what;
	const char *bytes; /* after the header */
	size_t len;
	size_t at;         /* offset of the name inside the message (>= 12) */
	int err;
	const char *want;  /* expected wire name (when err == 0) */
	size_t wantlen;
	size_t consumed;   /* bytes the cursor advances */
};

#define B(s) s, sizeof(s) - 1

static const struct rcase rcases[] = {
	{ "root", B("\0"), 12, 0, B("\0"), 1 },
	{ "simple", B("\3www\7example\3com\0"), 12, 0, B("\3www\7example\3com\0"), 17 },
	{ "lower-cased", B("\3WwW\2Ex\0"), 12, 0, B("\3www\2ex\0"), 8 },
	{ "truncated label", B("\3ww"), 12, LB_ETRUNC, NULL, 0, 0 },
	{ "missing root", B("\3www"), 12, LB_ETRUNC, NULL, 0, 0 },
	{ "empty input", "", 0, 12, LB_ETRUNC, NULL, 0, 0 },
	{ "label type 0x40", B("\x41" "a\0"), 12, LB_ELABEL, NULL, 0, 0 },
	{ "label type 0x80", B("\x80\0"), 12, LB_ELABEL, NULL, 0, 0 },
	{ "truncated pointer", B("\xc0"), 12, LB_ETRUNC, NULL, 0, 0 },
	{ "pointer to self", B("\xc0\x0c"), 12, LB_EPTR, NULL, 0, 0 },
	{ "forward pointer", B("\xc0\x0e\1a\0"), 12, LB_EPTR, NULL, 0, 0 },
	{ "pointer into the header", B("\1a\0\xc0\x05"), 15, LB_EPTR, NULL, 0, 0 },
	{ "pointer past end", B("\1a\0\xc0\xff"), 15, LB_EPTR, NULL, 0, 0 },
	/* name at 12 = "a" then pointer to 14 (the root of it): fine */
	{ "backward pointer", B("\1a\0\1b\xc0\x0c"), 15, 0, B("\1b\1a\0"), 4 },
	/* "b" + pointer to 15 (itself a label sequence start): loop to own sequence */
	{ "pointer to own sequence", B("\1a\0\1b\xc0\x0f"), 15, LB_EPTR, NULL, 0, 0 },
	/* 16: \1y ptr->12 ; 12: \1x ptr->16: a loop; its second hop (16) is not
	 * below the start (12) of the sequence being followed, so it is rejected */
	{ "pointer loop", B("\1x\xc0\x10\1y\xc0\x0c"), 16, LB_EPTR, NULL, 0, 0 },
	/* chain: 12 "a\0"; 15 "b"+ptr12; 19 "c"+ptr15 => c.b.a */
	{ "pointer chain", B("\1a\0\1b\xc0\x0c\1c\xc0\x0f"), 19, 0, B("\1c\1b\1a\0"), 4 },
	/* the target of a pointer must lie below the sequence being followed:
	 * 12: "\1a" ptr->18 (forward); rejected even though 18 < the pointer at 22 */
	{ "second hop forward", B("\1a\xc0\x12\0\0\1q\0\1b\xc0\x0c"), 21, LB_EPTR, NULL, 0, 0 },
};

static void test_read_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof rcases / sizeof rcases[0]; i++) {
		const struct rcase *t = &rcases[i];
		uint8_t msg[600] = { 0 };
		memcpy(msg + 12, t->bytes, t->len);
		size_t mlen = 12 + t->len;
		lb_cur_t c;
		lb_cur_init(&c, msg, mlen);
		c.pos = msg + t->at;
		uint8_t out[LB_NAME_MAX];
		size_t ol = 0;
		int rc = lb_name_read(&c, msg, mlen, out, &ol, true);
		if (rc != t->err)
			fail_msg("%s: got %d want %d", t->what, rc, t->err);
		if (rc == 0) {
			assert_int_equal(ol, t->wantlen);
			assert_memory_equal(out, t->want, ol);
			if ((size_t)(c.pos - (msg + t->at)) != t->consumed)
				fail_msg("%s: consumed %zu want %zu", t->what,
					 (size_t)(c.pos - (msg + t->at)), t->consumed);
		} else {
			assert_int_equal(lb_cur_err(&c), t->err);
		}
	}
}

/* Build a name of labels of the given sizes (filled with 'a'). */
static size_t build(uint8_t *p, const int *sizes, int n)
{
	size_t o = 0;
	for (int i = 0; i < n; i++) {
		p[o++] = (uint8_t)sizes[i];
		memset(p + o, 'a', (size_t)sizes[i]);
		o += (size_t)sizes[i];
	}
	p[o++] = 0;
	return o;
}

static void test_length_edges(void **state)
{
	(void)state;
	static const struct {
		int sizes[8];
		int n;
		int err;
		size_t total;
	} cases[] = {
		{ { 63 }, 1, 0, 65 },
		{ { 63, 63, 63, 61 }, 4, 0, 255 },   /* exactly 255 with the root */
		{ { 63, 63, 63, 62 }, 4, LB_ENAMELEN, 256 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		uint8_t msg[12 + 300] = { 0 };
		size_t nl = build(msg + 12, cases[i].sizes, cases[i].n);
		assert_int_equal(nl, cases[i].total);
		lb_cur_t c;
		lb_cur_init(&c, msg, 12 + nl);
		c.pos += 12;
		uint8_t out[LB_NAME_MAX];
		size_t ol;
		assert_int_equal(lb_name_read(&c, msg, 12 + nl, out, &ol, false), cases[i].err);
		int ck = lb_name_check(msg + 12, nl);
		assert_int_equal(ck, cases[i].err ? cases[i].err : (int)nl);
	}
	/* 64-byte label: the length octet 0x40 is an extended label type */
	uint8_t msg[12 + 80] = { 0 };
	msg[12] = 64;
	memset(msg + 13, 'a', 64);
	lb_cur_t c;
	lb_cur_init(&c, msg, 12 + 66);
	c.pos += 12;
	uint8_t out[LB_NAME_MAX];
	size_t ol;
	assert_int_equal(lb_name_read(&c, msg, 12 + 66, out, &ol, false), LB_ELABEL);
	assert_int_equal(lb_name_check(msg + 12, 66), LB_ELABEL);

	/* a compressed name that only becomes too long through the pointer */
	uint8_t m2[12 + 300] = { 0 };
	int s4[] = { 63, 63, 63 };
	size_t l1 = build(m2 + 12, s4, 3); /* 193 bytes */
	size_t at = 12 + l1;
	m2[at] = 62;
	memset(m2 + at + 1, 'b', 62);
	m2[at + 63] = 0xc0;
	m2[at + 64] = 12;
	lb_cur_init(&c, m2, at + 65);
	c.pos = m2 + at;
	assert_int_equal(lb_name_read(&c, m2, at + 65, out, &ol, false), LB_ENAMELEN);
	m2[at] = 61;
	memset(m2 + at + 1, 'b', 61);
	m2[at + 62] = 0xc0;
	m2[at + 63] = 12;
	lb_cur_init(&c, m2, at + 64);
	c.pos = m2 + at;
	assert_int_equal(lb_name_read(&c, m2, at + 64, out, &ol, false), 0);
	assert_int_equal(ol, 255);
	assert_ptr_equal(c.pos, m2 + at + 64);
}

static void test_check(void **state)
{
	(void)state;
	assert_int_equal(lb_name_check((const uint8_t *)"\0", 1), 1);
	assert_int_equal(lb_name_check((const uint8_t *)"\1a\0", 3), 3);
	assert_int_equal(lb_name_check((const uint8_t *)"\1a\0zz", 5), 3);
	assert_int_equal(lb_name_check((const uint8_t *)"\1a", 2), LB_ETRUNC);
	assert_int_equal(lb_name_check((const uint8_t *)"\xc0\x0c", 2), LB_EPTR);
	assert_int_equal(lb_name_check((const uint8_t *)"\x80", 1), LB_ELABEL);
	assert_int_equal(lb_name_check((const uint8_t *)"", 0), LB_ETRUNC);
}

/* lb_name_check as RFC 1035 3.1 reads, one rule per step in this order (the
 * order decides which error a name breaking two rules gets) */
static int check_ref(const uint8_t *buf, size_t len)
{
	size_t n = 0;
	for (;;) {
		if (n >= len)
			return LB_ETRUNC;
		unsigned l = buf[n];
		if (l == 0)
			return (int)(n + 1);
		if ((l & 0xC0) == 0xC0)
			return LB_EPTR;
		if (l > LB_LABEL_MAX)
			return LB_ELABEL;
		if (n + 1 + l + 1 > LB_NAME_MAX)
			return LB_ENAMELEN;
		if (len - n < 1 + (size_t)l)
			return LB_ETRUNC;
		n += 1 + l;
	}
}

/* The check's shortcut (three compares per label) gives what the rules
 * give, error codes included: every buffer length around the 255-byte
 * bound, labels of 0-63 and the bytes above, cut anywhere. */
static void test_check_rules(void **state)
{
	(void)state;
	uint8_t buf[300];
	uint32_t r = 12345;
	for (int round = 0; round < 20000; round++) {
		size_t n = 0;
		while (n < sizeof buf) {
			r = r * 1103515245u + 12345u;
			unsigned pick = (r >> 16) % 16, l;
			l = pick < 10 ? (r >> 8) % 64 : pick < 13 ? 63 - (r >> 8) % 3 : pick < 15 ? 0 : 64 + (r >> 8) % 192;
			buf[n++] = (uint8_t)l;
			for (unsigned i = 0; i < l && n < sizeof buf; i++)
				buf[n++] = 'a';
			if (l == 0 && (r >> 4) % 2)
				break;
		}
		r = r * 1103515245u + 12345u;
		size_t len = (r >> 8) % (n + 1);
		for (size_t cut = len; cut <= n && cut <= len + 2; cut++)
			assert_int_equal(lb_name_check(buf, cut), check_ref(buf, cut));
	}
	/* names of exactly 254 and 255 bytes, and one past */
	for (size_t total = 250; total <= 258; total++) {
		size_t n = 0;
		while (total - 1 - n > 64) {
			buf[n] = 63;
			memset(buf + n + 1, 'x', 63);
			n += 64;
		}
		size_t last = total - 1 - n; /* bytes left for the last label and its length */
		buf[n] = (uint8_t)(last - 1);
		memset(buf + n + 1, 'y', last - 1);
		n += last;
		buf[n++] = 0;
		for (size_t cut = n - 2; cut <= n; cut++)
			assert_int_equal(lb_name_check(buf, cut), check_ref(buf, cut));
	}
}

struct tcase {
	const char *text;
	const char *wire;
	size_t wirelen;
	int err;
	const char *back; /* expected to_text of the wire, NULL = same as text */
};

static const struct tcase tcases[] = {
	{ ".", B("\0"), 0, "." },
	{ "example.com.", B("\7example\3com\0"), 0, NULL },
	{ "example.com", B("\7example\3com\0"), 0, "example.com." },
	{ "ExAmple.COM.", B("\7ExAmple\3COM\0"), 0, NULL },
	{ "a\\.b.c.", B("\3a.b\1c\0"), 0, NULL },
	{ "a\\046b.", B("\3a.b\0"), 0, "a\\.b." },
	{ "\\032sp.", B("\3 sp\0"), 0, NULL }, /* a space is \032, as BIND and wdns */
	{ "\\ sp.", B("\3 sp\0"), 0, "\\032sp." },
	{ "\\000\\255.", B("\2\0\xff\0"), 0, NULL },
	{ "q\\\"\\(\\)\\;\\@\\$\\\\.", B("\10q\"();@$\\\0"), 0, NULL },
	{ "tab\\009.", B("\4tab\x09\0"), 0, NULL },
	{ "a..b.", "", 0, LB_ETEXT, NULL },
	{ ".a.", "", 0, LB_ETEXT, NULL },
	{ "", "", 0, LB_ETEXT, NULL },
	{ "a\\25", "", 0, LB_ETEXT, NULL },
	{ "a\\256.", "", 0, LB_ETEXT, NULL },
	{ "a\\", "", 0, LB_ETEXT, NULL },
	{ "a b.", "", 0, LB_ETEXT, NULL },
	{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.", "", 0, LB_ELABEL,
	  NULL },
};

static void test_text_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof tcases / sizeof tcases[0]; i++) {
		const struct tcase *t = &tcases[i];
		uint8_t w[LB_NAME_MAX];
		int n = lb_name_from_text(t->text, strlen(t->text), NULL, w, sizeof w);
		if (n != (t->err ? t->err : (int)t->wirelen))
			fail_msg("%s: got %d", t->text, n);
		if (t->err)
			continue;
		assert_memory_equal(w, t->wire, t->wirelen);
		char txt[LB_NAME_TEXT_MAX];
		int tl = lb_name_to_text(w, txt, sizeof txt);
		assert_true(tl > 0);
		assert_string_equal(txt, t->back ? t->back : t->text);
	}
}

static void test_text_limits(void **state)
{
	(void)state;
	/* 255 octets from text; one more is too long */
	char txt[400];
	size_t o = 0;
	for (int k = 0; k < 3; k++) {
		memset(txt + o, 'a', 63);
		o += 63;
		txt[o++] = '.';
	}
	memset(txt + o, 'b', 61);
	o += 61;
	txt[o++] = '.';
	uint8_t w[LB_NAME_MAX];
	assert_int_equal(lb_name_from_text(txt, o, NULL, w, sizeof w), 255);
	txt[o - 1] = 'b';
	txt[o++] = '.';
	assert_int_equal(lb_name_from_text(txt, o, NULL, w, sizeof w), LB_ENAMELEN);
	/* worst-case text of a 255-octet name fits LB_NAME_TEXT_MAX */
	uint8_t nm[LB_NAME_MAX];
	int s[] = { 63, 63, 63, 61 };
	build(nm, s, 4);
	for (int i = 0; i < 255; i++)
		if (nm[i] == 'a')
			nm[i] = 0x7f;
	char big[LB_NAME_TEXT_MAX];
	int tl = lb_name_to_text(nm, big, sizeof big);
	assert_true(tl > 0);
	assert_int_equal(lb_name_from_text(big, (size_t)tl, NULL, w, sizeof w), 255);
	assert_memory_equal(w, nm, 255);
	assert_int_equal(lb_name_to_text(nm, big, 10), LB_ESPACE);
}

static void test_origin(void **state)
{
	(void)state;
	const uint8_t *origin = (const uint8_t *)"\7example\3com\0";
	uint8_t w[LB_NAME_MAX];
	assert_int_equal(lb_name_from_text("www", 3, origin, w, sizeof w), 17);
	assert_memory_equal(w, "\3www\7example\3com\0", 17);
	assert_int_equal(lb_name_from_text("www.", 4, origin, w, sizeof w), 5);
	assert_int_equal(lb_name_from_text("@", 1, origin, w, sizeof w), 13);
	assert_memory_equal(w, origin, 13);
	assert_int_equal(lb_name_from_text("@", 1, NULL, w, sizeof w), LB_ETEXT);
	assert_int_equal(lb_name_from_text("www", 3, origin, w, 5), LB_ESPACE);
}

static void test_reverse_and_compare(void **state)
{
	(void)state;
	const uint8_t *n = (const uint8_t *)"\3www\7example\3com\0";
	uint8_t r[LB_NAME_MAX], back[LB_NAME_MAX];
	int rl = lb_name_reverse(n, r, sizeof r);
	assert_int_equal(rl, 16);
	assert_memory_equal(r, "\3com\7example\3www", 16);
	assert_int_equal(lb_name_unreverse(r, (size_t)rl, back, sizeof back), 17);
	assert_memory_equal(back, n, 17);
	assert_int_equal(lb_name_reverse((const uint8_t *)"\0", r, sizeof r), 0);
	assert_int_equal(lb_name_unreverse(r, 0, back, sizeof back), 1);
	assert_int_equal(lb_name_unreverse((const uint8_t *)"\5ab", 3, back, sizeof back),
			 LB_ECORRUPT);
	assert_int_equal(lb_name_labels(n), 3);
	assert_int_equal(lb_name_labels((const uint8_t *)"\0"), 0);
	assert_true(lb_name_equal(n, (const uint8_t *)"\3WWW\7Example\3cOm\0"));
	assert_false(lb_name_equal(n, (const uint8_t *)"\3www\7example\3co\0"));
	assert_true(lb_name_is_subdomain(n, (const uint8_t *)"\3COM\0"));
	assert_true(lb_name_is_subdomain(n, n));
	assert_true(lb_name_is_subdomain(n, (const uint8_t *)"\0"));
	assert_false(lb_name_is_subdomain(n, (const uint8_t *)"\2om\0"));
	assert_false(lb_name_is_subdomain((const uint8_t *)"\3com\0", n));
	uint8_t m[] = "\3WwW\2Ex\0";
	lb_name_lower(m);
	assert_memory_equal(m, "\3www\2ex\0", 8);
}

/* Lower-casing works on blocks of a run of labels (16, 8, 4 bytes, the last
 * block overlapping): every run length from 1 label byte to a full name, every
 * byte value in label content, the message ending right after the name (heap
 * buffer of that exact size, so ASan sees any read past it), and the same run
 * again ending in a pointer to it. */
static void test_read_lower_every_length(void **state)
{
	(void)state;
	for (size_t want = 2; want <= LB_NAME_MAX; want++) {
		/* labels of varying sizes filling want - 1 bytes before the root */
		uint8_t name[LB_NAME_MAX];
		size_t n = 0, k = 0;
		while (n < want - 1) {
			size_t l = 1 + (k * 7 + want) % 63;
			if (l > want - 1 - n - 1)
				l = want - 1 - n - 1;
			if (l == 0) { /* one byte left: cannot hold a label; shrink the last */
				break;
			}
			name[n++] = (uint8_t)l;
			for (size_t j = 0; j < l; j++)
				name[n++] = (uint8_t)(k * 37 + j * 11 + want);
			k++;
		}
		name[n++] = 0;
		size_t total = 12 + n + (n - 1) + 2; /* the name, then its labels + a pointer to it */
		uint8_t *msg = test_malloc(total);
		memset(msg, 0, 12);
		memcpy(msg + 12, name, n);
		memcpy(msg + 12 + n, name, n - 1);
		msg[12 + n + n - 1] = 0xc0;
		msg[12 + n + n] = 12;
		uint8_t ref[LB_NAME_MAX];
		for (size_t i = 0; i < n;) { /* lower-cased reference, label by label */
			size_t l = name[i];
			ref[i] = name[i];
			for (size_t j = 1; j <= l; j++) {
				uint8_t ch = name[i + j];
				ref[i + j] = ch >= 'A' && ch <= 'Z' ? (uint8_t)(ch + 32) : ch;
			}
			i += 1 + l;
		}
		uint8_t out[LB_NAME_MAX];
		size_t ol = 0;
		lb_cur_t c;
		lb_cur_init(&c, msg, 12 + n); /* the message ends with the name */
		c.pos += 12;
		assert_int_equal(lb_name_read(&c, msg, 12 + n, out, &ol, true), 0);
		assert_int_equal(ol, n);
		assert_memory_equal(out, ref, n);
		assert_ptr_equal(c.pos, msg + 12 + n);
		/* the same labels ending in a pointer to the name: too long once
		 * the pointer is followed, unless both fit in LB_NAME_MAX */
		lb_cur_init(&c, msg, total);
		c.pos = msg + 12 + n;
		int rc = lb_name_read(&c, msg, total, out, &ol, true);
		if ((n - 1) + n <= LB_NAME_MAX) {
			assert_int_equal(rc, 0);
			assert_int_equal(ol, 2 * n - 1);
			assert_memory_equal(out, ref, n - 1);
			assert_memory_equal(out + n - 1, ref, n);
			assert_ptr_equal(c.pos, msg + total);
		} else {
			assert_int_equal(rc, LB_ENAMELEN);
		}
		test_free(msg);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_table),
		cmocka_unit_test(test_length_edges),
		cmocka_unit_test(test_read_lower_every_length),
		cmocka_unit_test(test_check),
		cmocka_unit_test(test_check_rules),
		cmocka_unit_test(test_text_table),
		cmocka_unit_test(test_text_limits),
		cmocka_unit_test(test_origin),
		cmocka_unit_test(test_reverse_and_compare),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
