/*
 * fuzz_hints.c - the root hints file parser (observe/referral.c, capture
 * --hints) on arbitrary bytes.  Invariants: it returns one of its documented
 * errors (a parse error with a line number within the input), or seeds zones
 * that the tracker's counters report.
 */
#include <string.h>

#include "file_common.h"
#include "observe/referral.h"
#include "util/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	lb_referral_opts_t o = { .max_zones = 64, .max_addrs = 4, .max_ns = 64, .ttl_grace = 10 };
	lb_referral_t *r;
	if (lb_referral_new(&o, &r) != 0)
		abort();
	char path[64];
	int fd = fz_file(data, size, path, sizeof path);
	int line = -1;
	int err = lb_referral_load_hints(r, path, &line);
	close(fd);
	size_t lines = 1;
	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	lb_referral_stats_t st;
	lb_referral_get_stats(r, &st);
	if (err == LB_ETEXT) {
		if (line < 0 || (size_t)line > lines)
			abort();
	} else if (err == 0) {
		if (st.zones == 0)
			abort();
	} else if (err != LB_EINVAL && err != LB_ENOMEM && err != LB_ELIMIT && err != LB_EIO) {
		abort();
	}
	lb_referral_free(r);
	return 0;
}
