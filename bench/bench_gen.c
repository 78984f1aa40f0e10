/*
 * bench_gen.c - generator speed, and the benchmark capture itself.
 *
 * usage: bench_gen N [FILE]
 * Times N frames of lb_gen_next() alone (no I/O); with FILE also writes the
 * capture there (libpcap dump, buffered) and times that.  Prints "key value".
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "gen/gen.h"

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: bench_gen N [FILE]\n");
		return 2;
	}
	lb_gen_opts_t o;
	lb_gen_opts_default(&o);
	o.packets = strtoull(argv[1], NULL, 10);
	lb_gen_t *g;
	if (lb_gen_new(&o, &g)) {
		fprintf(stderr, "bench_gen: cannot create generator\n");
		return 3;
	}
	struct timeval ts;
	const uint8_t *f;
	size_t n;
	uint64_t sum = 0;
	double t0 = now();
	while (lb_gen_next(g, &ts, &f, &n)) sum += n;
	double t = now() - t0;
	printf("frames %" PRIu64 "\nbytes %" PRIu64 "\ngen_seconds %.4f\ngen_frames_per_sec %.0f\n",
	       lb_gen_counts(g)->frames, sum, t, (double)lb_gen_counts(g)->frames / t);
	lb_gen_free(g);
	if (argc > 2) {
		char err[256];
		lb_gen_counts_t c;
		t0 = now();
		if (lb_gen_write_file(&o, argv[2], &c, err)) {
			fprintf(stderr, "bench_gen: %s\n", err);
			return 3;
		}
		t = now() - t0;
		printf("write_seconds %.4f\nwrite_frames_per_sec %.0f\nqueries %" PRIu64
		       "\nresponses %" PRIu64 "\n", t, (double)c.frames / t, c.queries, c.responses);
	}
	return 0;
}
