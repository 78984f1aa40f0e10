/*
 * dnstap_gen.c - benchmark input for `lookback tap`: a dnstap Frame Streams
 * file of N messages.
 *
 *   dnstap_gen N FILE [SEED]
 *
 * The DNS messages are the UDP ones of lookback's capture generator
 * (src/gen: resolvers asking authoritative servers, clients asking resolvers,
 * Zipf-popular domains, A/AAAA/CNAME/NS+glue/MX/TXT/DNSSEC, negative answers),
 * so about half are queries and half responses.  Each becomes one Dnstap
 * message, encoded with protobuf-c from proto/dnstap.proto (not with our own
 * decoder's code): responses alternate RESOLVER_RESPONSE (with query_zone =
 * the last two labels of the question name) and CLIENT_RESPONSE; queries
 * alternate RESOLVER_QUERY and CLIENT_QUERY.  Every message carries the
 * addresses, ports and times a real resolver sends; responses carry the
 * query time too.  Prints what it wrote.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dnstap.pb-c.h"
#include "gen/gen.h"
#include "sources/dnstap.h"

static void be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* The UDP payload of an Ethernet frame, with its addresses and ports. */
struct udp {
	const uint8_t *payload;
	size_t len;
	const uint8_t *src, *dst;
	size_t alen;
	uint16_t sport, dport;
};

static int frame_udp(const uint8_t *f, size_t len, struct udp *u)
{
	if (len < 14)
		return -1;
	uint16_t et = (uint16_t)(f[12] << 8 | f[13]);
	const uint8_t *ip = f + 14, *end = f + len, *l4;
	if (et == 0x0800) {
		if (end - ip < 20 || ip[9] != 17 || ((ip[6] & 0x3f) | ip[7]))
			return -1; /* not UDP, or a fragment */
		l4 = ip + (ip[0] & 0xf) * 4;
		u->src = ip + 12;
		u->dst = ip + 16;
		u->alen = 4;
	} else if (et == 0x86dd) {
		if (end - ip < 40 || ip[6] != 17)
			return -1;
		l4 = ip + 40;
		u->src = ip + 8;
		u->dst = ip + 24;
		u->alen = 16;
	} else {
		return -1;
	}
	if (end - l4 < 8 + 12)
		return -1;
	u->sport = (uint16_t)(l4[0] << 8 | l4[1]);
	u->dport = (uint16_t)(l4[2] << 8 | l4[3]);
	u->payload = l4 + 8;
	u->len = (size_t)(end - l4 - 8);
	return 0;
}

/* The last two labels of the question name (or fewer), in wire form. */
static size_t qzone(const uint8_t *dns, size_t len, uint8_t *out)
{
	size_t off = 12, labels[128], n = 0;
	while (off < len && dns[off] && dns[off] < 64 && n < 128) {
		labels[n++] = off;
		off += 1 + dns[off];
	}
	if (off >= len || dns[off])
		return 0;
	size_t from = n > 2 ? labels[n - 2] : 12;
	size_t zl = off + 1 - from;
	memcpy(out, dns + from, zl);
	return zl;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: dnstap_gen N FILE [SEED]\n");
		return 2;
	}
	uint64_t want = strtoull(argv[1], NULL, 10);
	FILE *out = fopen(argv[2], "wb");
	if (!out || want == 0) {
		fprintf(stderr, "dnstap_gen: cannot write %s\n", argv[2]);
		return 2;
	}
	static char obuf[1 << 20];
	setvbuf(out, obuf, _IOFBF, sizeof obuf);

	lb_gen_opts_t o;
	lb_gen_opts_default(&o);
	o.packets = want + want / 4 + 1000; /* TCP frames are left out */
	o.seed = argc > 3 ? strtoull(argv[3], NULL, 10) : 1;
	lb_gen_t *g = NULL;
	if (lb_gen_new(&o, &g) != 0) {
		fprintf(stderr, "dnstap_gen: generator\n");
		return 1;
	}
	uint8_t ctl[600];
	int n = lb_fstrm_control(LB_FSTRM_START, LB_DNSTAP_CONTENT_TYPE, ctl, sizeof ctl);
	if (n < 0 || fwrite(ctl, 1, (size_t)n, out) != (size_t)n)
		return 1;

	static uint8_t pb[70000];
	uint8_t zone[256];
	uint64_t msgs = 0, queries = 0, responses = 0, bytes = 0, by[15] = { 0 };
	struct timeval ts;
	const uint8_t *f;
	size_t flen;
	while (msgs < want && lb_gen_next(g, &ts, &f, &flen) == 1) {
		struct udp u;
		if (frame_udp(f, flen, &u) != 0)
			continue;
		bool resp = u.payload[2] & 0x80;
		Dnstap__Message m = DNSTAP__MESSAGE__INIT;
		Dnstap__Dnstap d = DNSTAP__DNSTAP__INIT;
		bool client = (resp ? responses : queries) & 1;
		m.type = resp ? (client ? DNSTAP__MESSAGE__TYPE__CLIENT_RESPONSE
					: DNSTAP__MESSAGE__TYPE__RESOLVER_RESPONSE)
			      : (client ? DNSTAP__MESSAGE__TYPE__CLIENT_QUERY
					: DNSTAP__MESSAGE__TYPE__RESOLVER_QUERY);
		m.has_socket_family = 1;
		m.socket_family = u.alen == 4 ? DNSTAP__SOCKET_FAMILY__INET : DNSTAP__SOCKET_FAMILY__INET6;
		m.has_socket_protocol = 1;
		m.socket_protocol = DNSTAP__SOCKET_PROTOCOL__UDP;
		/* query_* is the side that asked */
		m.has_query_address = m.has_response_address = 1;
		m.query_address.data = (uint8_t *)(resp ? u.dst : u.src);
		m.response_address.data = (uint8_t *)(resp ? u.src : u.dst);
		m.query_address.len = m.response_address.len = u.alen;
		m.has_query_port = m.has_response_port = 1;
		m.query_port = resp ? u.dport : u.sport;
		m.response_port = resp ? u.sport : u.dport;
		m.has_query_time_sec = m.has_query_time_nsec = 1;
		m.query_time_sec = (uint64_t)ts.tv_sec;
		m.query_time_nsec = (uint32_t)ts.tv_usec * 1000u;
		if (resp) {
			m.has_response_time_sec = m.has_response_time_nsec = 1;
			m.response_time_sec = (uint64_t)ts.tv_sec;
			m.response_time_nsec = (uint32_t)ts.tv_usec * 1000u + 500u;
			m.has_response_message = 1;
			m.response_message.data = (uint8_t *)u.payload;
			m.response_message.len = u.len;
			size_t zl = client ? 0 : qzone(u.payload, u.len, zone);
			if (zl) {
				m.has_query_zone = 1;
				m.query_zone.data = zone;
				m.query_zone.len = zl;
			}
			responses++;
		} else {
			m.has_query_message = 1;
			m.query_message.data = (uint8_t *)u.payload;
			m.query_message.len = u.len;
			queries++;
		}
		d.has_identity = 1;
		d.identity.data = (uint8_t *)"resolver1.example.net";
		d.identity.len = 21;
		d.has_version = 1;
		d.version.data = (uint8_t *)"bench 1";
		d.version.len = 7;
		d.type = DNSTAP__DNSTAP__TYPE__MESSAGE;
		d.message = &m;
		size_t plen = dnstap__dnstap__get_packed_size(&d);
		if (plen + 4 > sizeof pb)
			continue;
		be32(pb, (uint32_t)plen);
		dnstap__dnstap__pack(&d, pb + 4);
		if (fwrite(pb, 1, plen + 4, out) != plen + 4)
			return 1;
		bytes += plen;
		by[m.type]++;
		msgs++;
	}
	n = lb_fstrm_control(LB_FSTRM_STOP, NULL, ctl, sizeof ctl);
	if (n < 0 || fwrite(ctl, 1, (size_t)n, out) != (size_t)n || fclose(out) != 0) {
		fprintf(stderr, "dnstap_gen: write error\n");
		return 1;
	}
	lb_gen_free(g);
	printf("messages %llu\nqueries %llu\nresponses %llu\npayload_bytes %llu\n",
	       (unsigned long long)msgs, (unsigned long long)queries, (unsigned long long)responses,
	       (unsigned long long)bytes);
	for (int t = 1; t < 15; t++)
		if (by[t])
			printf("type_%s %llu\n", lb_dnstap_type_name(t), (unsigned long long)by[t]);
	return msgs == want ? 0 : 1;
}
