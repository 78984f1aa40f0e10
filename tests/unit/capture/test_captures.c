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
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
