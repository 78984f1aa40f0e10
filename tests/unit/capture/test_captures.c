/*
 * test_captures.c - the shared real-world captures, read through the libpcap
 * driver, against tshark: for each capture the number of DNS responses we
 * frame (QR bit of each payload handed up) must equal the number of response
 * rows tshark decoded (*.tshark.tsv, one header line).  Covers TCP with holes
 * (dnso1tcp-bighole, -midmiss), no SYN, multi-message segments, IPv4/IPv6
 * fragments, VLAN, SLL2, NFLOG, radiotap, Teredo, GRE over UDP.  DNS over
 * HTTPS is out of scope.  Skipped when ../shared is absent.
 */
#include <dirent.h>
#include <stdio.h>

#include "build.h"
#include "capture/pcap.h"

static unsigned responses;

static void count_qr(void *ctx, const lb_payload_t *p)
{
	(void)ctx;
	if (p->len >= 3 && (p->data[2] & 0x80))
		responses++;
}

static long tsv_rows(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	long lines = 0;
	int c;
	while ((c = fgetc(f)) != EOF)
		if (c == '\n')
			lines++;
	fclose(f);
	return lines - 1;
}

static bool ends_with(const char *s, const char *suf)
{
	size_t a = strlen(s), b = strlen(suf);
	return a >= b && strcmp(s + a - b, suf) == 0;
}

static char capdir[1024];

static void t_against_tshark(void **state)
{
	(void)state;
	DIR *dir = opendir(capdir);
	assert_non_null(dir);
	int checked = 0, failed = 0;
	struct dirent *e;
	while ((e = readdir(dir))) {
		if (!ends_with(e->d_name, ".pcap") && !ends_with(e->d_name, ".pcapng"))
			continue;
		if (strstr(e->d_name, "over-http"))
			continue;
		char path[2048], tsv[2100], err[256];
		snprintf(path, sizeof(path), "%s/%s", capdir, e->d_name);
		snprintf(tsv, sizeof(tsv), "%s.tshark.tsv", path);
		long want = tsv_rows(tsv);
		if (want < 0)
			continue;
		lb_decoder_opts_t o;
		lb_decoder_opts_default(&o);
		o.ports[1] = 5353; /* mDNS */
		o.ports[2] = 5355; /* LLMNR */
		o.ports[3] = 8053;
		o.nports = 4;
		lb_decoder_t *d = lb_decoder_new(&o, count_qr, NULL);
		lb_pcap_t *p = lb_pcap_open_file(path, err);
		assert_non_null(p);
		volatile sig_atomic_t stop = 0;
		responses = 0;
		assert_int_equal(lb_pcap_run(p, d, &stop, err), 0);
		if ((long)responses != want) {
			print_message("# %s: %u responses, tshark %ld\n", e->d_name, responses, want);
			failed++;
		}
		assert_int_equal(lb_decoder_mem(d), 0);
		lb_pcap_close(p);
		lb_decoder_free(d);
		checked++;
	}
	closedir(dir);
	print_message("# %d captures checked\n", checked);
	assert_true(checked > 50);
	assert_int_equal(failed, 0);
}

/* ---- cut captures: no message the whole capture does not have ---- */

typedef struct {
	const uint8_t *data;
	uint32_t len, orig;
	struct timeval ts;
} frame_t;

typedef struct {
	uint64_t *h;
	size_t n, cap;
} hashes_t;

static void add_hash(void *ctx, const lb_payload_t *p)
{
	hashes_t *hs = ctx;
	if (hs->n == hs->cap) {
		hs->cap = hs->cap ? hs->cap * 2 : 256;
		hs->h = realloc(hs->h, hs->cap * sizeof *hs->h);
		assert_non_null(hs->h);
	}
	/* FNV-1a of the message and its transport */
	uint64_t h = 14695981039346656037u ^ p->proto;
	for (size_t i = 0; i < p->len; i++)
		h = (h ^ p->data[i]) * 1099511628211u;
	hs->h[hs->n++] = h;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* Decode frames [0, n) but `skip` (n = skip or past n: none); the messages'
 * hashes in *hs, the decoder's TCP message count in *tcp. */
static void decode_frames(const frame_t *f, size_t n, size_t from, size_t skip, int lt,
			  hashes_t *hs, uint64_t *tcp)
{
	lb_decoder_opts_t o;
	lb_decoder_opts_default(&o);
	o.ports[1] = 5353;
	o.ports[2] = 5355;
	o.ports[3] = 8053;
	o.nports = 4;
	hs->n = 0;
	lb_decoder_t *d = lb_decoder_new(&o, add_hash, hs);
	assert_non_null(d);
	for (size_t i = from; i < n; i++)
		if (i != skip)
			lb_decoder_frame(d, lt, &f[i].ts, f[i].data, f[i].len, f[i].orig);
	expire_all(d);
	assert_int_equal(lb_decoder_mem(d), 0);
	*tcp = lb_decoder_stats(d)->tcp_dns;
	lb_decoder_free(d);
}

/* A classic pcap file's frames (pointers into buf); -1 if not classic pcap. */
static long read_classic(const uint8_t *b, size_t len, frame_t **out, int *lt)
{
	if (len < 24)
		return -1;
	uint32_t m = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
	bool le = m == 0xa1b2c3d4u || m == 0xa1b23c4du, ns = m == 0xa1b23c4du || m == 0x4d3cb2a1u;
	if (!le && m != 0xd4c3b2a1u && m != 0x4d3cb2a1u)
		return -1;
#define RD32(p) (le ? (uint32_t)(p)[0] | (uint32_t)(p)[1] << 8 | (uint32_t)(p)[2] << 16 | (uint32_t)(p)[3] << 24 \
		    : (uint32_t)(p)[3] | (uint32_t)(p)[2] << 8 | (uint32_t)(p)[1] << 16 | (uint32_t)(p)[0] << 24)
	*lt = (int)(RD32(b + 20) & 0xffff);
	size_t n = 0, cap = 0, off = 24;
	frame_t *f = NULL;
	while (off + 16 <= len) {
		uint32_t incl = RD32(b + off + 8);
		if (incl > len - off - 16)
			break;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			f = realloc(f, cap * sizeof *f);
			assert_non_null(f);
		}
		f[n].ts.tv_sec = (time_t)RD32(b + off);
		f[n].ts.tv_usec = (suseconds_t)(RD32(b + off + 4) / (ns ? 1000 : 1));
		f[n].len = incl;
		f[n].orig = RD32(b + off + 12);
		f[n].data = b + off + 16;
		n++;
		off += 16 + incl;
	}
#undef RD32
	*out = f;
	return (long)n;
}

/*
 * Every shared classic-pcap capture with DNS over TCP, cut as if the capture
 * had started later (frames [k, n)) or had lost one frame (all but k), at up
 * to 48 points each: every message the cut capture gives must be one the
 * whole capture gives.  A TCP stream then begins without its SYN or resumes
 * after a hole, at a boundary taken on trust (tcp.c): a wrong one would hand
 * up bytes from inside a message as a message.
 */
static void t_cut_captures(void **state)
{
	(void)state;
	DIR *dir = opendir(capdir);
	assert_non_null(dir);
	int files = 0;
	long cuts = 0, bad = 0;
	hashes_t full = { 0 }, part = { 0 };
	struct dirent *e;
	while ((e = readdir(dir))) {
		if (!ends_with(e->d_name, ".pcap"))
			continue;
		char path[2048];
		snprintf(path, sizeof(path), "%s/%s", capdir, e->d_name);
		FILE *fp = fopen(path, "rb");
		assert_non_null(fp);
		static uint8_t buf[1 << 22];
		size_t len = fread(buf, 1, sizeof buf, fp);
		fclose(fp);
		frame_t *f = NULL;
		int lt = 0;
		long n = read_classic(buf, len, &f, &lt);
		if (n < 2) {
			free(f);
			continue;
		}
		uint64_t tcp;
		decode_frames(f, (size_t)n, 0, (size_t)n, lt, &full, &tcp);
		if (tcp == 0) {
			free(f);
			continue;
		}
		qsort(full.h, full.n, sizeof *full.h, cmp_u64);
		files++;
		size_t step = (size_t)n / 48 + 1;
		for (size_t k = 1; k < (size_t)n; k += step) {
			for (int v = 0; v < 2; v++) {
				uint64_t t2;
				decode_frames(f, (size_t)n, v ? 0 : k, v ? k : (size_t)n, lt, &part, &t2);
				cuts++;
				for (size_t i = 0; i < part.n; i++)
					if (!bsearch(&part.h[i], full.h, full.n, sizeof *full.h, cmp_u64)) {
						if (bad++ < 5)
							print_message("# %s %s frame %zu: a message the whole capture does not have\n",
								      e->d_name, v ? "without" : "from", k + 1);
						break;
					}
			}
		}
		free(f);
	}
	closedir(dir);
	free(full.h);
	free(part.h);
	print_message("# %d captures with DNS over TCP, %ld cut decodes\n", files, cuts);
	assert_true(files >= 10);
	assert_int_equal(bad, 0);
}

int main(void)
{
	const char *shared = getenv("SHARED");
	snprintf(capdir, sizeof(capdir), "%s/data/captures", shared ? shared : "../shared");
	DIR *dir = opendir(capdir);
	if (!dir) { /* cmocka prints skips as "not ok ... # SKIP": report it ourselves */
		printf("1..1\nok 1 - captures against tshark # SKIP %s is absent\n", capdir);
		return 0;
	}
	closedir(dir);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_against_tshark),
		cmocka_unit_test(t_cut_captures),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
