/*
 * frame.c - Ethernet + IPv4/IPv6 + UDP/TCP framing for generated packets,
 * with real lengths and checksums.
 */
#include <string.h>

#include "gen/gen.h"

#define ETH_LEN 14
#define IP4_LEN 20
#define IP6_LEN 40
#define UDP_LEN 8
#define TCP_LEN 20

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

static uint32_t sum16(const uint8_t *p, size_t n, uint32_t acc)
{
	while (n > 1) {
		acc += (uint32_t)(p[0] << 8 | p[1]);
		p += 2;
		n -= 2;
	}
	if (n) acc += (uint32_t)(p[0] << 8);
	return acc;
}

static uint16_t fold(uint32_t acc)
{
	while (acc >> 16) acc = (acc & 0xFFFF) + (acc >> 16);
	return (uint16_t)~acc;
}

/* Ethernet + IP header; returns offset of the transport header or 0. */
static size_t ip_head(uint8_t *out, size_t cap, const lb_gen_flow_t *f, uint8_t proto,
		      uint16_t ipid, size_t l4len)
{
	size_t iplen = f->ipver == 6 ? IP6_LEN : IP4_LEN;
	if (cap < ETH_LEN + iplen + l4len || l4len > 65000) return 0;
	/* locally administered MACs derived from the addresses */
	static const uint8_t mac_a[6] = { 0x02, 0x00, 0x5e, 0x10, 0x00, 0x01 };
	static const uint8_t mac_b[6] = { 0x02, 0x00, 0x5e, 0x10, 0x00, 0x02 };
	bool up = f->sport != 53;
	memcpy(out, up ? mac_b : mac_a, 6);
	memcpy(out + 6, up ? mac_a : mac_b, 6);
	uint8_t *ip = out + ETH_LEN;
	if (f->ipver == 6) {
		put16(out + 12, 0x86DD);
		put32(ip, 0x60000000u);
		put16(ip + 4, (uint16_t)l4len);
		ip[6] = proto;
		ip[7] = 64;
		memcpy(ip + 8, f->src, 16);
		memcpy(ip + 24, f->dst, 16);
	} else {
		put16(out + 12, 0x0800);
		ip[0] = 0x45;
		ip[1] = 0;
		put16(ip + 2, (uint16_t)(IP4_LEN + l4len));
		put16(ip + 4, ipid);
		put16(ip + 6, 0x4000); /* DF */
		ip[8] = 64;
		ip[9] = proto;
		put16(ip + 10, 0);
		memcpy(ip + 12, f->src, 4);
		memcpy(ip + 16, f->dst, 4);
		put16(ip + 10, fold(sum16(ip, IP4_LEN, 0)));
	}
	return ETH_LEN + iplen;
}

static uint32_t pseudo_sum(const lb_gen_flow_t *f, uint8_t proto, size_t l4len)
{
	uint32_t acc = 0;
	size_t alen = f->ipver == 6 ? 16 : 4;
	acc = sum16(f->src, alen, acc);
	acc = sum16(f->dst, alen, acc);
	acc += proto;
	acc += (uint32_t)(l4len & 0xFFFF) + (uint32_t)(l4len >> 16);
	return acc;
}

size_t lb_gen_frame_udp(uint8_t *out, size_t cap, const lb_gen_flow_t *f, uint16_t ipid,
			const uint8_t *payload, size_t len)
{
	size_t l4len = UDP_LEN + len;
	size_t o = ip_head(out, cap, f, 17, ipid, l4len);
	if (!o) return 0;
	uint8_t *u = out + o;
	put16(u, f->sport);
	put16(u + 2, f->dport);
	put16(u + 4, (uint16_t)l4len);
	put16(u + 6, 0);
	memcpy(u + UDP_LEN, payload, len);
	uint16_t ck = fold(sum16(u, l4len, pseudo_sum(f, 17, l4len)));
	put16(u + 6, ck ? ck : 0xFFFF);
	return o + l4len;
}

size_t lb_gen_frame_tcp(uint8_t *out, size_t cap, const lb_gen_flow_t *f, uint16_t ipid,
			uint32_t seq, uint32_t ack, uint8_t flags, const uint8_t *payload,
			size_t len)
{
	size_t l4len = TCP_LEN + len;
	size_t o = ip_head(out, cap, f, 6, ipid, l4len);
	if (!o) return 0;
	uint8_t *t = out + o;
	put16(t, f->sport);
	put16(t + 2, f->dport);
	put32(t + 4, seq);
	put32(t + 8, (flags & LB_GEN_TCP_ACK) ? ack : 0);
	t[12] = (TCP_LEN / 4) << 4;
	t[13] = flags;
	put16(t + 14, 64240);
	put16(t + 16, 0);
	put16(t + 18, 0);
	if (len) memcpy(t + TCP_LEN, payload, len);
	put16(t + 16, fold(sum16(t, l4len, pseudo_sum(f, 6, l4len))));
	return o + l4len;
}
