/*
 * bench_tap_window.c - dnstap file -> decode -> observations -> aggregation
 * window, with the window's flushes going nowhere (counted, not stored): the
 * "into the aggregation window" rate of issue 5, without the store's cost.
 *
 *   build/bench/bench_tap_window FILE
 * prints: messages=N responses=N window_records=N seconds=S cpu_seconds=C
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "observe/window.h"
#include "sources/dnstap.h"

static unsigned long long records;

static int out_add(void *ctx, const lb_store_rec_t *rec)
{
	(void)ctx;
	(void)rec;
	records++;
	return 0;
}

static int out_commit(void *ctx)
{
	(void)ctx;
	return 0;
}

static double now_s(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: bench_tap_window FILE\n");
		return 2;
	}
	int fd = open(argv[1], O_RDONLY);
	if (fd < 0) {
		perror(argv[1]);
		return 2;
	}
	lb_window_out_t out = { out_add, out_commit, NULL };
	lb_window_t *w = NULL;
	if (lb_window_new_out(&out, NULL, &w) != 0) {
		fprintf(stderr, "window: out of memory\n");
		return 3;
	}
	lb_obs_sink_t sink = lb_window_sink(w);
	lb_stats_t dns;
	lb_tap_stats_t tap;
	memset(&dns, 0, sizeof dns);
	memset(&tap, 0, sizeof tap);
	lb_dnstap_t *d = lb_dnstap_new(&sink, "bench", &dns, &tap);
	if (!d)
		return 3;
	double t0 = now_s(CLOCK_MONOTONIC), c0 = now_s(CLOCK_PROCESS_CPUTIME_ID);
	int rc = lb_dnstap_read_fd(d, fd, 262144, NULL);
	int wrc = lb_window_free(w); /* the last flush is part of the work */
	double t1 = now_s(CLOCK_MONOTONIC), c1 = now_s(CLOCK_PROCESS_CPUTIME_ID);
	close(fd);
	lb_dnstap_free(d);
	if (rc != 0 || wrc != 0) {
		fprintf(stderr, "read %d, window %d\n", rc, wrc);
		return 3;
	}
	printf("messages=%llu responses=%llu window_records=%llu seconds=%.3f cpu_seconds=%.3f\n",
	       (unsigned long long)tap.messages, (unsigned long long)tap.responses, records,
	       t1 - t0, c1 - c0);
	return 0;
}
