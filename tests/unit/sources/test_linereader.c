/* test_linereader.c - the streaming line reader: line endings, the line cap,
 * and gzip / zstd / xz input compressed here with the libraries themselves. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <lzma.h>
#include <zlib.h>
#include <zstd.h>

#include "sources/linereader.h"
#include "unit/compress.h"

/* Read every line into "l1|l2|..." with "<LONG>" for skipped lines; returns final rc. */
static int slurp(const void *buf, size_t len, size_t max_line, char *out, size_t outsz)
{
	lb_lr_t *r;
	assert_int_equal(lb_lr_open_mem(buf, len, max_line, &r), 0);
	size_t o = 0;
	out[0] = 0;
	int rc;
	for (;;) {
		const char *l;
		size_t n;
		rc = lb_lr_next(r, &l, &n);
		if (rc == 0 || (rc < 0 && rc != LB_ELIMIT))
			break;
		if (rc == LB_ELIMIT) {
			l = "<LONG>";
			n = 6;
		}
		assert_true(o + n + 2 < outsz);
		memcpy(out + o, l, n);
		o += n;
		out[o++] = '|';
		out[o] = 0;
	}
	lb_lr_close(r);
	return rc;
}

static void plain_endings(void **st)
{
	(void)st;
	char out[256];
	const char *in = "a\nbb\r\n\nlast";
	assert_int_equal(slurp(in, strlen(in), 0, out, sizeof out), 0);
	assert_string_equal(out, "a|bb||last|");
	assert_int_equal(slurp("", 0, 0, out, sizeof out), 0);
	assert_string_equal(out, "");
	assert_int_equal(slurp("x\n", 2, 0, out, sizeof out), 0);
	assert_string_equal(out, "x|");
}

static void long_line_skipped_and_counted(void **st)
{
	(void)st;
	/* cap 64: a 300 000-byte line is skipped, reading goes on, line numbers stay right */
	size_t n = 300000;
	char *in = malloc(n + 32);
	strcpy(in, "short\n");
	memset(in + 6, 'x', n);
	strcpy(in + 6 + n, "\nafter\nlongtail");
	memset(in + 6 + n + 7, 'y', 8);
	char out[256];
	assert_int_equal(slurp(in, strlen(in), 64, out, sizeof out), 0);
	assert_string_equal(out, "short|<LONG>|after|yyyyyyyy|");
	lb_lr_t *r;
	assert_int_equal(lb_lr_open_mem(in, strlen(in), 64, &r), 0);
	const char *l;
	size_t len;
	assert_int_equal(lb_lr_next(r, &l, &len), 1);
	assert_int_equal(lb_lr_next(r, &l, &len), LB_ELIMIT);
	assert_int_equal(lb_lr_lineno(r), 2);
	assert_int_equal(lb_lr_next(r, &l, &len), 1);
	assert_int_equal(lb_lr_lineno(r), 3);
	lb_lr_close(r);
	/* a line exactly at the cap is kept; one byte more is not */
	char eq[80];
	memset(eq, 'q', 64);
	eq[64] = '\n';
	assert_int_equal(slurp(eq, 65, 64, out, sizeof out), 0);
	assert_int_equal(strlen(out), 65);
	memset(eq, 'q', 65);
	eq[65] = '\n';
	assert_int_equal(slurp(eq, 66, 64, out, sizeof out), 0);
	assert_string_equal(out, "<LONG>|");
	free(in);
}

static char *text_lines(size_t nlines, size_t *len)
{
	char *t = malloc(nlines * 32);
	size_t o = 0;
	for (size_t i = 0; i < nlines; i++)
		o += (size_t)sprintf(t + o, "line %zu\n", i);
	*len = o;
	return t;
}

/* Check the decoded lines are "line 0".."line N-1". */
static void check_lines(const uint8_t *buf, size_t len, size_t nlines, int want_rc)
{
	lb_lr_t *r;
	assert_int_equal(lb_lr_open_mem(buf, len, 0, &r), 0);
	size_t i = 0;
	int rc;
	const char *l;
	size_t n;
	char exp[32];
	while ((rc = lb_lr_next(r, &l, &n)) == 1) {
		int m = snprintf(exp, sizeof exp, "line %zu", i % nlines);
		assert_int_equal(n, (size_t)m);
		assert_memory_equal(l, exp, n);
		i++;
	}
	assert_int_equal(rc, want_rc);
	if (want_rc == 0)
		assert_int_equal(i % nlines, 0);
	lb_lr_close(r);
}

/* A UTF-8 byte order mark is dropped before the first line only (a zone
 * file saved by a Windows editor lost its $ORIGIN line to it), also when the
 * first line is the last one and when the input is compressed. */
static void utf8_bom_dropped(void **st)
{
	(void)st;
	char out[256];
	const char *in = "\xef\xbb\xbf$ORIGIN example.\r\n\xef\xbb\xbf" "x\n";
	assert_int_equal(slurp(in, strlen(in), 0, out, sizeof out), 0);
	assert_string_equal(out, "$ORIGIN example.|\xef\xbb\xbf" "x|");
	in = "\xef\xbb\xbf{\"a\":1}";
	assert_int_equal(slurp(in, strlen(in), 0, out, sizeof out), 0);
	assert_string_equal(out, "{\"a\":1}|");
	in = "\xef\xbb\xbf";
	assert_int_equal(slurp(in, strlen(in), 0, out, sizeof out), 0);
	assert_string_equal(out, "|");
	uint8_t gz[256];
	in = "\xef\xbb\xbf" "a\nb\n";
	size_t gl = tz_gzip(in, strlen(in), gz, sizeof gz);
	assert_int_equal(slurp(gz, gl, 0, out, sizeof out), 0);
	assert_string_equal(out, "a|b|");
}

static void compressed_inputs(void **st)
{
	(void)st;
	size_t n, nl = 200000; /* several MB: many refills of both buffers */
	char *t = text_lines(nl, &n);
	size_t cap = n + 4096;
	uint8_t *c = malloc(cap * 2);

	size_t g = tz_gzip(t, n, c, cap);
	check_lines(c, g, nl, 0);
	/* two gzip members back to back (cat a.gz b.gz) */
	memcpy(c + g, c, g);
	check_lines(c, 2 * g, nl, 0);
	/* cut in the middle: an error, not a silent short file */
	check_lines(c, g / 2, nl, LB_ECORRUPT);

	size_t zl = tz_zstd(t, n, c, cap, 3);
	check_lines(c, zl, nl, 0);
	check_lines(c, zl - 10, nl, LB_ECORRUPT);

	size_t xl = tz_xz(t, n, c, cap, 6);
	check_lines(c, xl, nl, 0);
	check_lines(c, xl - 10, nl, LB_ECORRUPT);
	/* garbage behind the magic */
	uint8_t bad[64] = { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0xff, 0xff, 0xff };
	check_lines(bad, sizeof bad, nl, LB_ECORRUPT);
	free(c);
	free(t);
}

/* An xz stream whose header names a 4 GiB dictionary (its data made with a
 * 4 KiB one): liblzma sized the dictionary as told, and filled as much of it
 * as the stream decoded to (183 kB of xz, 1.2 GB of text: 1.2 GB resident).
 * Past LB_LR_XZ_MEMLIMIT it is refused as LB_ECORRUPT; the same stream with
 * its real dictionary size decodes. */
static void xz_dictionary_bound(void **st)
{
	(void)st;
	lzma_options_lzma lo;
	assert_false(lzma_lzma_preset(&lo, 0));
	lo.dict_size = 4096;
	lzma_filter f[2] = { { LZMA_FILTER_LZMA2, &lo }, { LZMA_VLI_UNKNOWN, NULL } };
	static const char text[] = "line 0\nline 1\n";
	uint8_t xz[1024];
	size_t n = 0;
	assert_int_equal(lzma_stream_buffer_encode(f, LZMA_CHECK_CRC32, NULL, (const uint8_t *)text,
						   sizeof text - 1, xz, &n, sizeof xz), LZMA_OK);
	check_lines(xz, n, 2, 0);
	/* block header after the 12-byte stream header: size byte, flags,
	 * the sizes the flags announce (multibyte integers), filter id 0x21,
	 * props size 1, the dictionary byte; CRC32 last */
	size_t hs = ((size_t)xz[12] + 1) * 4, p = 14;
	for (int k = 0; k < 2; k++)
		if (xz[13] & (0x40 << k))
			while (xz[p++] & 0x80)
				;
	assert_int_equal(xz[p], 0x21);
	assert_int_equal(xz[p + 1], 1);
	xz[p + 2] = 40; /* 4 GiB - 1 */
	uint32_t crc = lzma_crc32(xz + 12, hs - 4, 0);
	memcpy(xz + 12 + hs - 4, &crc, 4); /* little-endian host, as the format */
	lb_lr_t *r;
	assert_int_equal(lb_lr_open_mem(xz, n, 0, &r), 0);
	const char *l;
	size_t len;
	assert_int_equal(lb_lr_next(r, &l, &len), LB_ECORRUPT);
	assert_int_equal(lb_lr_next(r, &l, &len), LB_ECORRUPT);
	lb_lr_close(r);
}

static void file_and_codec(void **st)
{
	(void)st;
	char path[] = "/tmp/lbtest_lrXXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	size_t n;
	char *t = text_lines(1000, &n);
	uint8_t *c = malloc(n + 4096);
	size_t zl = tz_zstd(t, n, c, n + 4096, 1);
	assert_int_equal(write(fd, c, zl), (ssize_t)zl);
	close(fd);
	lb_lr_t *r;
	assert_int_equal(lb_lr_open(path, 0, &r), 0);
	const char *l;
	size_t len;
	size_t lines = 0;
	while (lb_lr_next(r, &l, &len) == 1)
		lines++;
	assert_int_equal(lines, 1000);
	assert_string_equal(lb_lr_codec(r), "zstd");
	assert_int_equal(lb_lr_in_bytes(r), zl);
	assert_int_equal(lb_lr_in_size(r), zl);
	assert_true(lb_lr_mtime(r) > 0);
	lb_lr_close(r);
	unlink(path);
	assert_int_equal(lb_lr_open(path, 0, &r), LB_ENOENT);
	assert_int_equal(lb_lr_open("/tmp", 0, &r), -EISDIR);
	free(c);
	free(t);
}

/* The idle callback (lb_lr_set_idle) on a pipe: called after each read, and
 * while the input is quiet, so a `tail -F | lookback import -` still ticks;
 * the lines come whole and in order around it. */
struct idle_pipe {
	int wfd;
	int calls, quiet_writes;
};

static void idle_cb(void *ctx)
{
	struct idle_pipe *ip = ctx;
	ip->calls++;
	if (ip->wfd >= 0 && ip->calls >= 2) { /* the reader waits for more: give it */
		assert_int_equal(write(ip->wfd, "second line\n", 12), 12);
		close(ip->wfd);
		ip->wfd = -1;
		ip->quiet_writes++;
	}
}

static void idle_on_quiet_pipe(void **state)
{
	(void)state;
	int p[2];
	alarm(20); /* a reader that never calls idle on a quiet pipe waits forever: fail instead */
	assert_int_equal(pipe(p), 0);
	assert_int_equal(write(p[1], "first\n", 6), 6);
	char path[64];
	snprintf(path, sizeof path, "/proc/self/fd/%d", p[0]);
	lb_lr_t *r;
	assert_int_equal(lb_lr_open(path, 0, &r), 0);
	struct idle_pipe ip = { .wfd = p[1] };
	lb_lr_set_idle(r, idle_cb, &ip);
	const char *l;
	size_t n;
	assert_int_equal(lb_lr_next(r, &l, &n), 1);
	assert_int_equal(n, 5);
	assert_memory_equal(l, "first", 5);
	assert_true(ip.calls >= 1); /* after the read */
	/* nothing more in the pipe: the reader waits, calls idle, and reads
	 * what idle wrote */
	assert_int_equal(lb_lr_next(r, &l, &n), 1);
	assert_int_equal(n, 11);
	assert_memory_equal(l, "second line", 11);
	assert_int_equal(ip.quiet_writes, 1);
	assert_int_equal(lb_lr_next(r, &l, &n), 0);
	assert_true(ip.calls >= 3);
	lb_lr_close(r);
	close(p[0]);
	alarm(0);
}

/* lb_lr_open_regular ($INCLUDE): a regular file opens with its identity; a
 * FIFO with no writer is refused at once (a blocking open would hang: the
 * check is made on the file opened, without blocking), as are a directory
 * and a character device; a missing file is ENOENT. */
static void open_regular_only(void **st)
{
	(void)st;
	char dir[] = "/tmp/lb-test-lr.XXXXXX";
	assert_non_null(mkdtemp(dir));
	char reg[64], fifo[64];
	snprintf(reg, sizeof reg, "%s/f", dir);
	snprintf(fifo, sizeof fifo, "%s/p", dir);
	FILE *f = fopen(reg, "w");
	assert_non_null(f);
	fputs("one\ntwo\n", f);
	fclose(f);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	struct stat sb, want;
	lb_lr_t *r = NULL;
	assert_int_equal(lb_lr_open_regular(reg, 0, &r, &sb), 0);
	assert_int_equal(stat(reg, &want), 0);
	assert_true(sb.st_ino == want.st_ino && sb.st_dev == want.st_dev);
	const char *line;
	size_t len;
	assert_int_equal(lb_lr_next(r, &line, &len), 1);
	assert_int_equal(len, 3);
	assert_memory_equal(line, "one", 3);
	lb_lr_close(r);
	assert_int_equal(lb_lr_open_regular(fifo, 0, &r, &sb), LB_EINVAL);
	assert_null(r);
	assert_int_equal(lb_lr_open_regular(dir, 0, &r, &sb), LB_EINVAL);
	assert_int_equal(lb_lr_open_regular("/dev/zero", 0, &r, &sb), LB_EINVAL);
	assert_int_equal(lb_lr_open_regular("/nonexistent/lb-x", 0, &r, &sb), LB_ENOENT);
	assert_null(r);
	unlink(reg);
	unlink(fifo);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(plain_endings),
		cmocka_unit_test(utf8_bom_dropped),
		cmocka_unit_test(long_line_skipped_and_counted),
		cmocka_unit_test(compressed_inputs),
		cmocka_unit_test(xz_dictionary_bound),
		cmocka_unit_test(file_and_codec),
		cmocka_unit_test(idle_on_quiet_pipe),
		cmocka_unit_test(open_regular_only),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
