/*
 * guess.h - a DNS response on a UDP port that is no DNS port (internal to
 * src/capture; guess.c says what is taken and why).
 */
#ifndef LB_CAPTURE_GUESS_H
#define LB_CAPTURE_GUESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct lb_guess lb_guess_t;

/*
 * The header checks, before anything else is read: room for a header and a
 * question, QR 1 with opcode QUERY (0), the reserved Z bit clear (RFC 1035
 * 4.1.1: zero in all queries and responses), QDCOUNT 1.  Almost every
 * datagram that is not DNS fails here.
 */
static inline bool lb_guess_header(const uint8_t *p, size_t n)
{
	return n >= 12 + 1 + 4 && (p[2] & 0xF8) == 0x80 && !(p[3] & 0x40) && p[4] == 0 &&
	       p[5] == 1;
}

/* False for the ports of protocols that use DNS's format but are not DNS
 * (NetBIOS 137/138; mDNS 5353 and LLMNR 5355 unless asked for, when they
 * are DNS ports and never reach the guess) and for the tunnels' ports. */
bool lb_guess_port_ok(uint16_t port);

/*
 * True when [p, p + n) is one whole DNS response to one IN question (guess.c).
 * *g is the scratch for the parse, allocated at the first call (NULL on
 * failure: the datagram is not taken); free with lb_guess_free.
 */
bool lb_guess_response(lb_guess_t **g, const uint8_t *p, size_t n);

/* NULL-safe. */
void lb_guess_free(lb_guess_t *g);

#endif
