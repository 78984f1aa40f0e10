/*
 * fdwait.c - see fdwait.h.
 */
#include "util/fdwait.h"

#include <errno.h>
#include <poll.h>

int lb_fd_wait(int fd, void (*idle)(void *), void *ctx, volatile sig_atomic_t *stop)
{
	for (;;) {
		if (stop && *stop)
			return 0;
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int k = poll(&pfd, 1, LB_FDWAIT_MS);
		if (k > 0)
			return 1;
		if (k < 0 && errno != EINTR)
			return -1;
		if (idle)
			idle(ctx);
	}
}
