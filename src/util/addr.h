/*
 * addr.h - socket addresses written as text: "HOST:PORT" with a numeric IPv4
 * host (or "localhost", taken as 127.0.0.1) or "[IPv6]:PORT".  No name
 * resolution: a listening or sending address is given as numbers.
 */
#ifndef LB_UTIL_ADDR_H
#define LB_UTIL_ADDR_H

#include <stdbool.h>
#include <sys/socket.h>

#include "util/err.h"

/* Parse s into *ss / *sl.  0, or LB_EINVAL (ss zeroed) for anything else:
 * no port, a port past 65535, a host that is not a numeric address. */
LB_WUR int lb_addr_parse(const char *s, struct sockaddr_storage *ss, socklen_t *sl);

/* 127.0.0.0/8, ::1, or ::ffff:127.x.y.z. */
bool lb_addr_is_loopback(const struct sockaddr_storage *ss);

#endif
