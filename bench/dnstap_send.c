/*
 * dnstap_send.c - a Frame Streams client for benchmarks: streams a dnstap
 * file (START ... STOP, as bench/dnstap_gen.c writes it) to `lookback tap -u
 * SOCKET` over the bidirectional handshake, and times it.
 *
 *   dnstap_send SOCKET FILE
 *
 * READY (content type protobuf:dnstap.Dnstap) -> waits for ACCEPT -> sends the
 * file as it is -> waits for FINISH, which the server sends only after it has
 * handled every frame before STOP.  Prints bytes and seconds (connect to
 * FINISH).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "sources/dnstap.h"

static int write_all(int fd, const uint8_t *p, size_t n)
{
	while (n > 0) {
		ssize_t k = write(fd, p, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

/* Read one control frame; its type, or -1. */
static long read_control(int fd)
{
	uint8_t b[LB_FSTRM_CONTROL_MAX + 8];
	size_t have = 0;
	for (;;) {
		lb_fstrm_frame_t f;
		long r = lb_fstrm_next(b, have, 0, &f);
		if (r > 0)
			return f.control ? (long)f.ctype : -1;
		if (r < 0 || have == sizeof b)
			return -1;
		ssize_t k = read(fd, b + have, sizeof b - have);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		have += (size_t)k;
	}
}

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: dnstap_send SOCKET FILE\n");
		return 2;
	}
	int in = open(argv[2], O_RDONLY);
	if (in < 0) {
		perror(argv[2]);
		return 2;
	}
	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	if (s < 0 || strlen(argv[1]) >= sizeof sa.sun_path) {
		fprintf(stderr, "dnstap_send: bad socket path\n");
		return 2;
	}
	strcpy(sa.sun_path, argv[1]);
	double t0 = now();
	if (connect(s, (struct sockaddr *)&sa, sizeof sa) != 0) {
		perror("connect");
		return 1;
	}
	uint8_t ctl[600];
	int n = lb_fstrm_control(LB_FSTRM_READY, LB_DNSTAP_CONTENT_TYPE, ctl, sizeof ctl);
	if (n < 0 || write_all(s, ctl, (size_t)n) != 0 || read_control(s) != LB_FSTRM_ACCEPT) {
		fprintf(stderr, "dnstap_send: no ACCEPT\n");
		return 1;
	}
	static uint8_t buf[1 << 20];
	unsigned long long bytes = 0;
	for (;;) {
		ssize_t k = read(in, buf, sizeof buf);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			perror("read");
			return 1;
		}
		if (k == 0)
			break;
		if (write_all(s, buf, (size_t)k) != 0) {
			perror("write");
			return 1;
		}
		bytes += (unsigned long long)k;
	}
	if (read_control(s) != LB_FSTRM_FINISH) {
		fprintf(stderr, "dnstap_send: no FINISH\n");
		return 1;
	}
	double t1 = now();
	close(s);
	close(in);
	printf("bytes %llu\nseconds %.6f\n", bytes, t1 - t0);
	return 0;
}
