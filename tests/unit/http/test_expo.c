/*
 * test_expo.c - the metrics exporter (src/http/expo.c) under clients that
 * dribble their requests.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "http/expo.h"

static void render(void *ctx, FILE *out)
{
	(void)ctx;
	fputs("lookback_test_up 1\n", out);
}

static int connect_to(unsigned port)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
	return fd;
}

/* 16 clients (every connection the exporter takes) sending a request a
 * byte every 500 ms are never idle: they held every connection for good and
 * the scraper got none.  They are cut secs after they connected (2 here, the
 * default LB_EXPO_SECS is 10: the same reaper, less waiting), and a scrape
 * then gets its answer. */
static void test_dribblers_cut(void **st)
{
	(void)st;
	lb_expo_t *e;
	const char *msg = "";
	lb_expo_opts_t o = { .secs = 2 };
	assert_int_equal(lb_expo_start("127.0.0.1:0", &o, render, NULL, &e, &msg), 0);
	unsigned port = lb_expo_port(e);
	static const char req[] = "GET /metrics HTTP/1.1\r\nHost: x\r\nX-Pad: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n\r\n";
	int fd[16];
	for (int i = 0; i < 16; i++)
		fd[i] = connect_to(port);
	int alive = 16;
	size_t k;
	for (k = 0; k < 24 && alive; k++) { /* 12 s at most, cut after 2 */
		alive = 0;
		for (int i = 0; i < 16; i++)
			if (send(fd[i], req + k, 1, MSG_NOSIGNAL) == 1)
				alive++;
		usleep(500000);
	}
	assert_int_equal(alive, 0);
	assert_true(k <= 10); /* cut by the 2 s given, not the 10 s default */
	int s = connect_to(port);
	assert_int_equal(send(s, req, sizeof req - 1, MSG_NOSIGNAL), (ssize_t)(sizeof req - 1));
	struct timeval tv = { .tv_sec = 5 };
	setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	char buf[512];
	ssize_t n = recv(s, buf, sizeof buf - 1, 0);
	assert_true(n > 0);
	buf[n] = 0;
	assert_non_null(strstr(buf, "200"));
	close(s);
	for (int i = 0; i < 16; i++)
		close(fd[i]);
	lb_expo_stop(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dribblers_cut),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
