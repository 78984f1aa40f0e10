/*
 * expo.h - a minimal Prometheus exporter for the collecting commands
 * (`lookback capture --metrics HOST:PORT`): GET /metrics returns what the
 * render callback writes; anything else is 404.  Runs on libmicrohttpd's own
 * thread; the callback must only read state it protects itself.  At most 16
 * connections; one idle LB_EXPO_SECS (10 s), or whose request has not arrived
 * whole that long after it opened (or after the previous answer), is closed.
 *
 *	lb_expo_t *e;
 *	lb_expo_opts_t o = { 0 };
 *	if (lb_expo_start("127.0.0.1:9101", &o, render, ctx, &e, &msg) != 0) ...
 *	...
 *	lb_expo_stop(e);
 */
#ifndef LB_HTTP_EXPO_H
#define LB_HTTP_EXPO_H

#include <stdbool.h>
#include <stdio.h>

#include "util/err.h"
#include "util/stats.h"

#define LB_EXPO_SECS 10

typedef struct lb_expo lb_expo_t;
typedef void (*lb_expo_render_fn)(void *ctx, FILE *out);

typedef struct lb_expo_opts {
	/* there is no authentication: a non-loopback address is refused unless set */
	bool allow_public;
	/* the idle timeout, and the time a request may take to arrive whole
	 * (0 = LB_EXPO_SECS; the tests set it short) */
	unsigned secs;
} lb_expo_opts_t;

/* Listen on HOST:PORT (IPv4, or [IPv6]:PORT; port 0 = any free port) with the
 * options o (NULL = all defaults).  Only loopback and private use is intended.
 * Errors: LB_EINVAL (bad address; *msg says why), LB_EIO (cannot listen). */
LB_WUR int lb_expo_start(const char *listen, const lb_expo_opts_t *o, lb_expo_render_fn fn,
			 void *ctx, lb_expo_t **out, const char **msg);
unsigned lb_expo_port(const lb_expo_t *e);
/* NULL-safe. */
void lb_expo_stop(lb_expo_t *e);

/* Write the counters of s in Prometheus text format, names prefixed with
 * prefix (e.g. "lookback_capture"): <prefix>_packets_total, ...,
 * <prefix>_drops_total{reason="..."} for every reason (zeros included). */
void lb_expo_stats(FILE *out, const char *prefix, const lb_stats_t *s);

#endif
