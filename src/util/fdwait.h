/*
 * fdwait.h - wait for input on a descriptor that may stay quiet (a pipe from
 * `tcpdump -U -w -` or `tail -F`, a resolver's dnstap stream) without losing
 * the clock: the caller's idle callback runs every 250 ms while nothing comes,
 * and whenever a signal interrupts the wait.  Used by the readers of capture
 * (stdin), tap (-r) and import so that they can tick their aggregation window
 * and answer SIGHUP.
 */
#ifndef LB_UTIL_FDWAIT_H
#define LB_UTIL_FDWAIT_H

#include <signal.h>

#define LB_FDWAIT_MS 250

/* Wait until fd is readable (or at its end, or in error: the read tells).
 * idle (may be NULL) runs on each quiet interval and signal.  stop (may be
 * NULL) is looked at before each wait.  Returns 1 = read now, 0 = *stop was
 * set, -1 = poll failed (errno). */
int lb_fd_wait(int fd, void (*idle)(void *), void *ctx, volatile sig_atomic_t *stop);

#endif
