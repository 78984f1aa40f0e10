/*
 * guess.c - a DNS response on a UDP port that is no DNS port.
 *
 * DNS is found by its port (53, --ports, --mdns, --llmnr); servers on other
 * ports exist (a resolver told to forward to 5300, a test bed on 65333, a
 * load balancer's health checker), and tshark decodes them with its
 * heuristic dissector.  A datagram no port claims (no DNS port, no tunnel
 * port) is taken for DNS only when it can hardly be anything else: a
 * response (QR 1) of opcode QUERY with the reserved Z bit clear, exactly one
 * question of class IN and a type other than 0, and the whole datagram one
 * message that parses cleanly to its last octet - every count met, every
 * name in bounds, every record's rdata fitting its type, every record of
 * class IN, no octet after the last record.  Queries are not taken: they
 * give no observation, and lookback pairs nothing with them.
 *
 * Cost: do_udp reaches here only for datagrams on no DNS or tunnel port,
 * after lb_guess_header (a few compares of the header); the parse runs
 * only for those it passes, into scratch allocated at the first one.
 */
#include "capture/guess.h"

#include <stdlib.h>

#include "capture/decode_impl.h"
#include "dns/msg.h"
#include "dns/rrtype.h"

struct lb_guess {
	lb_msg_t msg;
	lb_msg_scratch_t scratch;
};

void lb_guess_free(lb_guess_t *g)
{
	free(g);
}

bool lb_guess_port_ok(uint16_t port)
{
	switch (port) {
	case 137:  /* NetBIOS name service: DNS's header and shape (RFC 1002 4.2) */
	case 138:  /* NetBIOS datagram service */
	case 5353: /* mDNS: read with --mdns only (its class bit, RFC 6762 10.2) */
	case 5355: /* LLMNR: read with --llmnr only */
		return false;
	default: /* nor a tunnel's port, on either side */
		return lb_tun_by_port(port) == NULL;
	}
}

bool lb_guess_response(lb_guess_t **gp, const uint8_t *p, size_t n)
{
	if (!lb_guess_header(p, n))
		return false;
	if (!*gp && !(*gp = malloc(sizeof **gp)))
		return false; /* no memory: not guessed (counted as not_dns_port) */
	lb_guess_t *g = *gp;
	lb_msg_t *m = &g->msg;
	if (lb_msg_parse(m, &g->scratch, p, n) != 0)
		return false;
	if (!m->qr || m->opcode != 0 || m->qdcount != 1 || !m->has_question ||
	    m->qclass != LB_C_IN || m->qtype == 0)
		return false;
	if (m->complete != 3 || m->cut || m->nbad || m->wire_len != n)
		return false;
	for (size_t i = 0; i < m->nrr; i++)
		if (m->rr[i].rclass != LB_C_IN)
			return false;
	return true;
}
