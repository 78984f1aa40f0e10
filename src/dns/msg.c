/*
 * msg.c - one pass over a DNS message: header, first question, three sections.
 *
 * Hot path.  Every record's owner goes through lb_name_read (one call per name,
 * not per byte); A and AAAA rdata are copied directly; other types go through
 * lb_rdata_canon.  Owners given as the same compression pointer as the
 * previous record's are decompressed once and shared.
 */
#include "dns/msg.h"
#include "dns/name.h"
#include "dns/rdata.h"
#include "dns/rrtype.h"

#include <string.h>

const char *lb_section_name(enum lb_section s)
{
	switch (s) {
	case LB_SEC_ANSWER: return "answer";
	case LB_SEC_AUTHORITY: return "authority";
	case LB_SEC_ADDITIONAL: return "additional";
	}
	return "unknown";
}

static inline uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static inline uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* opcodes we accept: QUERY IQUERY STATUS NOTIFY UPDATE DSO */
#define OPCODES_OK ((1u << 0) | (1u << 1) | (1u << 2) | (1u << 4) | (1u << 5) | (1u << 6))

int lb_msg_parse(lb_msg_t *msg, lb_msg_scratch_t *scratch, const uint8_t *pkt, size_t len)
{
	lb_cur_t c;
	int rc = 0;
	uint8_t tmp[LB_NAME_MAX];
	size_t nl;

	msg->rr = scratch->rr;
	msg->nrr = 0;
	msg->complete = 0;
	msg->has_question = false;
	msg->qname_len = 0;
	msg->qtype = msg->qclass = 0;
	msg->has_opt = false;
	msg->edns_udp_size = 0;
	msg->edns_version = 0;
	msg->edns_do = false;
	msg->wire_len = 0;

	if (len < 12)
		return LB_ETRUNC;
	uint16_t flags = rd16(pkt + 2);
	msg->id = rd16(pkt);
	msg->flags = flags;
	msg->qr = flags >> 15;
	msg->opcode = (flags >> 11) & 0xF;
	msg->aa = (flags >> 10) & 1;
	msg->tc = (flags >> 9) & 1;
	msg->rd = (flags >> 8) & 1;
	msg->ra = (flags >> 7) & 1;
	msg->ad = (flags >> 5) & 1;
	msg->cd = (flags >> 4) & 1;
	msg->rcode = flags & 0xF;
	msg->qdcount = rd16(pkt + 4);
	msg->ancount = rd16(pkt + 6);
	msg->nscount = rd16(pkt + 8);
	msg->arcount = rd16(pkt + 10);
	if (!((OPCODES_OK >> msg->opcode) & 1))
		return LB_ENOTDNS;

	lb_cur_init(&c, pkt, len);
	c.pos += 12;

	for (unsigned q = 0; q < msg->qdcount; q++) {
		uint8_t *dst = q == 0 ? msg->qname : tmp;
		rc = lb_name_read(&c, pkt, len, dst, &nl, true);
		if (rc < 0)
			return rc;
		if (LB_UNLIKELY(c.end - c.pos < 4))
			return LB_ETRUNC;
		if (q == 0) {
			msg->qname_len = (uint8_t)nl;
			msg->qtype = rd16(c.pos);
			msg->qclass = rd16(c.pos + 2);
			msg->has_question = true;
		}
		c.pos += 4;
	}

	uint8_t *buf = scratch->buf;
	size_t used = 0, nrr = 0, kept = 0;
	const uint8_t *last_owner = NULL; /* scratch copy of the previous owner */
	uint16_t last_ptr = 0;            /* its wire form when that was one pointer */
	uint8_t last_owner_len = 0;
	const uint16_t counts[3] = { msg->ancount, msg->nscount, msg->arcount };

	for (int sec = 0; sec < 3; sec++) {
		for (unsigned i = 0; i < counts[sec]; i++) {
			const uint8_t *owner;
			uint8_t olen;
			/* owner */
			if (c.end - c.pos >= 2 && (c.pos[0] & 0xC0) == 0xC0 && last_owner &&
			    rd16(c.pos) == last_ptr) {
				owner = last_owner;
				olen = last_owner_len;
				c.pos += 2;
			} else {
				uint16_t ptr = c.end - c.pos >= 2 ? rd16(c.pos) : 0;
				if (LB_UNLIKELY(LB_MSG_SCRATCH - used < LB_NAME_MAX)) {
					rc = LB_ELIMIT;
					goto out;
				}
				rc = lb_name_read(&c, pkt, len, buf + used, &nl, true);
				if (rc < 0)
					goto out;
				owner = buf + used;
				olen = (uint8_t)nl;
				used += nl;
				last_owner = owner;
				last_owner_len = olen;
				last_ptr = (ptr & 0xC000) == 0xC000 ? ptr : 0;
			}
			if (LB_UNLIKELY(c.end - c.pos < 10)) {
				rc = LB_ETRUNC;
				goto out;
			}
			uint16_t type = rd16(c.pos), rclass = rd16(c.pos + 2);
			uint32_t ttl = rd32(c.pos + 4);
			size_t rdlen = rd16(c.pos + 8);
			c.pos += 10;
			if (LB_UNLIKELY((size_t)(c.end - c.pos) < rdlen)) {
				rc = LB_ETRUNC;
				goto out;
			}
			const uint8_t *rd = c.pos;
			c.pos += rdlen;

			if (LB_UNLIKELY(type == LB_T_OPT)) {
				if (sec == LB_SEC_ADDITIONAL && !msg->has_opt && olen == 1) {
					msg->has_opt = true;
					msg->edns_udp_size = rclass;
					msg->rcode = (uint16_t)((ttl >> 24) << 4 | (flags & 0xF));
					msg->edns_version = (uint8_t)(ttl >> 16);
					msg->edns_do = (ttl >> 15) & 1;
				}
				continue;
			}
			if (LB_UNLIKELY(type == LB_T_TSIG))
				continue;
			if (LB_UNLIKELY(type == LB_T_SIG && sec == LB_SEC_ADDITIONAL &&
					rdlen >= 2 && rd16(rd) == 0))
				continue; /* SIG(0): covers type 0 */

			if (LB_UNLIKELY(nrr == LB_MSG_MAX_RRS)) {
				rc = LB_ELIMIT;
				goto out;
			}
			uint8_t *dst = buf + used;
			size_t room = LB_MSG_SCRATCH - used;
			size_t outlen;
			if (type == LB_T_A || type == LB_T_AAAA) {
				size_t want = type == LB_T_A ? 4 : 16;
				if (LB_UNLIKELY(rdlen != want &&
						!(rdlen == 0 && rclass >= LB_C_NONE))) {
					rc = LB_ERDATA;
					goto out;
				}
				if (LB_UNLIKELY(room < rdlen)) {
					rc = LB_ELIMIT;
					goto out;
				}
				memcpy(dst, rd, rdlen);
				outlen = rdlen;
			} else if (LB_UNLIKELY(rdlen == 0 && rclass >= LB_C_NONE)) {
				outlen = 0; /* UPDATE deletions: class NONE/ANY, empty rdata */
			} else {
				int n = lb_rdata_canon(type, pkt, len, (size_t)(rd - pkt), rdlen, dst,
						       room);
				if (n < 0) {
					rc = n == LB_ESPACE ? LB_ELIMIT : n;
					goto out;
				}
				if (LB_UNLIKELY(n > LB_RDATA_MAX)) {
					rc = LB_ERDATA; /* decompression grew it past rdlength's range */
					goto out;
				}
				outlen = (size_t)n;
			}
			used += outlen;
			lb_rr_t *rr = &scratch->rr[nrr++];
			rr->owner = owner;
			rr->rdata = dst;
			rr->ttl = ttl;
			rr->rdlen = (uint16_t)outlen;
			rr->type = type;
			rr->rclass = rclass;
			rr->owner_len = olen;
			rr->section = (uint8_t)sec;
		}
		kept = nrr;
		msg->complete = sec + 1;
		msg->wire_len = lb_cur_off(&c);
	}
	msg->nrr = nrr;
	return 0;
out:
	msg->nrr = kept;
	return rc;
}
