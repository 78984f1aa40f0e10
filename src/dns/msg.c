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
#include "dns/name_read.h"
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

/*
 * Names already decompressed in this message, by the wire offset where they
 * start.  A name read whole is kept once, with the number of its bytes that
 * were labels in place at that offset: a pointer to any label start among
 * them (a suffix of the name) is found by walking the canonical copy, whose
 * label lengths are the wire's.  A name that was one pointer is kept under
 * its target alone.  An owner that is one pointer to such an offset shares the
 * scratch copy instead of being read again: the name at an offset is the same
 * whoever points at it, and the offset lies before the pointer, so the
 * pointer obeys the strictly-backwards rule of lb_name_read.
 */
#define NT_SIZE 32
typedef struct ntab {
	uint16_t off[NT_SIZE];
	uint8_t inplace[NT_SIZE]; /* bytes of labels in place at off (>= 1) */
	uint8_t len[NT_SIZE];
	const uint8_t *name[NT_SIZE];
	unsigned n;
} ntab_t;

/* Name canon (nl bytes) read at wire offset off, of which the first inplace
 * bytes were labels in place (1 when only the offset itself is known). */
static inline void nt_put(ntab_t *t, size_t off, const uint8_t *canon, size_t nl, size_t inplace)
{
	if (inplace == 0 || off >= 0x4000)
		return; /* nothing in place, or beyond what a pointer can reach */
	unsigned slot = t->n++ % NT_SIZE;
	t->off[slot] = (uint16_t)off;
	t->inplace[slot] = (uint8_t)inplace;
	t->len[slot] = (uint8_t)nl;
	t->name[slot] = canon;
}

/* The known name starting at wire offset off: its canonical copy and length. */
static inline const uint8_t *nt_find(const ntab_t *t, unsigned off, uint8_t *len)
{
	unsigned n = t->n < NT_SIZE ? t->n : NT_SIZE;
	for (unsigned i = 0; i < n; i++) {
		unsigned d = off - t->off[i]; /* wraps when off is before the name */
		if (d >= t->inplace[i])
			continue;
		const uint8_t *canon = t->name[i];
		unsigned k = 0;
		while (k < d) /* label starts; stays inside the name (d < inplace <= len) */
			k += 1 + canon[k];
		if (k == d && canon[k] != 0) {
			*len = (uint8_t)(t->len[i] - k);
			return canon + k;
		}
	}
	return NULL;
}

/* opcodes we accept: QUERY IQUERY STATUS NOTIFY UPDATE DSO */
#define OPCODES_OK ((1u << 0) | (1u << 1) | (1u << 2) | (1u << 4) | (1u << 5) | (1u << 6))
#define OPCODE_UPDATE 5

/*
 * A record of class NONE or ANY without RDATA: what an UPDATE's
 * prerequisites and deletions are (RFC 2136 2.4.1-2.4.5, 2.5.2-2.5.4), and
 * only there - ANY and NONE are QCLASSes (RFC 6895 3.2), no data is of them.
 * In a message of any other opcode an A or AAAA of that shape is a bad
 * record (RFC 1035 3.4.1, RFC 3596 2.2), as is any type whose RDATA cannot
 * be empty.
 */
static inline bool update_empty(const lb_msg_t *msg, uint16_t rclass, size_t rdlen)
{
	return rdlen == 0 && msg->opcode == OPCODE_UPDATE &&
	       (rclass == LB_C_NONE || rclass == LB_C_ANY);
}

/* A record whose rdata does not fit its type, inside an intact rdlength
 * frame: skip that record only, remember why, keep parsing. */
static void bad_record(lb_msg_t *msg, int err)
{
	if (!msg->nbad)
		msg->bad_err = err;
	msg->nbad++;
}

/*
 * The EDNS fields of the message's OPT record (RFC 6891 6.1.3): its class is
 * the UDP payload size; its TTL the upper 8 bits of the rcode, the version
 * and the DO bit.  The first OPT of the additional section is read whatever
 * its owner.  RFC 6891 6.1.1 says the owner MUST be the root but gives the
 * owner no meaning and a receiver no rule for another one; the sender's
 * rcode is the header's 4 bits joined to the OPT's 8, and reading the header's
 * alone would turn an extended rcode into another one: BADVERS (16) into
 * NOERROR - its empty answer then a NODATA that was never said - and 19 or
 * 21 into NXDOMAIN or REFUSED, denials lookback would store.  A resolver
 * (BIND, Unbound) takes such a response as FORMERR and uses none of it; with
 * the extended rcode applied no denial comes from it either (rcodes above 15
 * make none), while its records are kept like any record's.  tshark applies
 * it too.  The scan for an OPT after a broken record (opt_at_end) still asks
 * for the root: it matches bytes, not parsed names.
 */
static void opt_read(lb_msg_t *msg, uint16_t rclass, uint32_t ttl)
{
	msg->has_opt = true;
	msg->edns_udp_size = rclass;
	msg->rcode = (uint16_t)((ttl >> 24) << 4 | (msg->flags & 0xF));
	msg->edns_version = (uint8_t)(ttl >> 16);
	msg->edns_do = (ttl >> 15) & 1;
}

/*
 * A parse that stopped before the OPT record (a broken record ahead of it in
 * the additional section, or a limit of ours) would leave the rcode at the
 * header's 4 bits: a BADVERS (16) would read as NOERROR, and an empty
 * answer as NODATA.  OPT is nearly always the last record (TSIG and SIG(0),
 * which must be last, come after it), so it is taken when exactly one
 * root-owned OPT at or after offset from ends where the message ends; with
 * two such candidates, or none (an OPT followed by a TSIG, or cut off
 * itself), the header's bits stay.  A pass over the bytes, on broken
 * messages only.
 */
static void opt_at_end(lb_msg_t *msg, const uint8_t *pkt, size_t len, size_t from)
{
	const uint8_t *opt = NULL;
	for (size_t p = from < 12 ? 12 : from; len >= 11 && p <= len - 11; p++) {
		if (pkt[p] != 0 || rd16(pkt + p + 1) != LB_T_OPT || len - p - 11 != rd16(pkt + p + 9))
			continue;
		if (opt)
			return; /* two candidates: neither is sure */
		opt = pkt + p;
	}
	if (opt)
		opt_read(msg, rd16(opt + 3), rd32(opt + 5));
}

bool lb_msg_plain_query(const uint8_t *pkt, size_t len)
{
	/* Only the shape nearly every query has; anything else is left to
	 * lb_msg_parse (being conservative here costs speed, never correctness). */
	if (len < 12 + 1 + 4 || (pkt[2] & 0x80) || !((OPCODES_OK >> ((pkt[2] >> 3) & 0xF)) & 1))
		return false;
	if (rd16(pkt + 4) != 1 || rd16(pkt + 6) != 0 || rd16(pkt + 8) != 0 || rd16(pkt + 10) > 1)
		return false;
	const uint8_t *p = pkt + 12, *end = pkt + len;
	/* question name: ordinary labels in place, well under the 255-octet bound */
	for (size_t n = 0;;) {
		unsigned l = *p;
		if (l == 0)
			break;
		n += 1 + l;
		if (l > LB_LABEL_MAX || n > 200 || (size_t)(end - p) < 1 + l + 1)
			return false;
		p += 1 + l;
	}
	p++; /* the root label */
	if ((size_t)(end - p) < 4)
		return false;
	p += 4; /* type, class */
	if (rd16(pkt + 10) == 0)
		return true;
	/* one OPT record owned by the root */
	if ((size_t)(end - p) < 11 || p[0] != 0 || rd16(p + 1) != LB_T_OPT)
		return false;
	return (size_t)(end - p) - 11 >= rd16(p + 9);
}

int lb_msg_parse(lb_msg_t *msg, lb_msg_scratch_t *scratch, const uint8_t *pkt, size_t len)
{
	return lb_msg_parse_cut(msg, scratch, pkt, len, false);
}

int lb_msg_parse_cut(lb_msg_t *msg, lb_msg_scratch_t *scratch, const uint8_t *pkt, size_t len,
		     bool snap)
{
	lb_cur_t c;
	int rc = 0;
	uint8_t tmp[LB_NAME_MAX];
	size_t nl, qinplace = 0;

	msg->rr = scratch->rr;
	msg->nrr = 0;
	msg->complete = 0;
	msg->cut = false;
	msg->nbad = 0;
	msg->bad_err = 0;
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
		size_t qoff = lb_cur_off(&c);
		rc = lb_dns_name_read(&c, pkt, len, dst, &nl, true);
		if (q == 0 && rc == 0)
			qinplace = lb_cur_off(&c) - qoff == nl ? nl : lb_cur_off(&c) - qoff - 2;
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
	ntab_t nt;
	nt.n = 0;
	if (msg->has_question) {
		/* the question name is what most owners point to: they share
		 * msg->qname itself, so a consumer comparing an owner with the
		 * question finds the same pointer (obs.c name_eq).  Its room in
		 * the scratch stays reserved, where the copy once was: the
		 * LB_MSG_SCRATCH limit falls where it always did */
		nt_put(&nt, 12, msg->qname, msg->qname_len, qinplace);
		used = msg->qname_len;
	}
	const uint16_t counts[3] = { msg->ancount, msg->nscount, msg->arcount };
	/* the owner pointer of the record before and its name: the records of
	 * an RRset nearly always give the same pointer, one after another */
	unsigned last_ptr = 0x10000; /* none: a pointer is below 0x4000 */
	const uint8_t *last_owner = NULL;
	uint8_t last_olen = 0;

	for (int sec = 0; sec < 3; sec++) {
		for (unsigned i = 0; i < counts[sec]; i++) {
			const uint8_t *owner;
			uint8_t olen;
			/* owner */
			bool is_ptr = c.end - c.pos >= 2 && (c.pos[0] & 0xC0) == 0xC0;
			unsigned ptr = is_ptr ? rd16(c.pos) & 0x3FFFu : 0x10000;
			if (LB_LIKELY(is_ptr) && ptr == last_ptr) {
				owner = last_owner;
				olen = last_olen;
				c.pos += 2;
			} else if (is_ptr && (owner = nt_find(&nt, ptr, &olen)) != NULL) {
				last_ptr = ptr;
				last_owner = owner;
				last_olen = olen;
				c.pos += 2;
			} else if (c.pos < c.end && c.pos[0] == 0) {
				owner = (const uint8_t *)"";
				olen = 1;
				c.pos++;
			} else {
				if (LB_UNLIKELY(LB_MSG_SCRATCH - used < LB_NAME_MAX)) {
					rc = LB_ELIMIT;
					goto out;
				}
				size_t off = lb_cur_off(&c);
				/* owners are nearly always pointers to names above:
				 * a name read here is rare (so not inlined) */
				rc = lb_name_read(&c, pkt, len, buf + used, &nl, true);
				if (rc < 0)
					goto out;
				owner = buf + used;
				olen = (uint8_t)nl;
				used += nl;
				size_t inplace = lb_cur_off(&c) - off;
				if (inplace == 2) /* one pointer: remember its target */
					nt_put(&nt, rd16(pkt + off) & 0x3FFF, owner, nl, 1);
				else
					nt_put(&nt, off, owner, nl, inplace == nl ? nl : inplace - 2);
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

			/* meta-RRs (RFC 6895 3.1: types 128-255, TKEY and TSIG among
			 * them) describe the transaction, not the zone: never data */
			if (LB_UNLIKELY((type & 0xFF80) == 0x0080))
				continue;
			if (LB_UNLIKELY(type == LB_T_OPT || type == LB_T_SIG)) {
				if (type == LB_T_OPT) {
					/* any owner: see opt_read */
					if (sec == LB_SEC_ADDITIONAL && !msg->has_opt)
						opt_read(msg, rclass, ttl);
					continue;
				}
				if (sec == LB_SEC_ADDITIONAL && rdlen >= 2 && rd16(rd) == 0)
					continue; /* SIG(0): covers type 0 */
			}

			if (LB_UNLIKELY(nrr == LB_MSG_MAX_RRS)) {
				rc = LB_ELIMIT;
				goto out;
			}
			uint8_t *dst = buf + used;
			size_t room = LB_MSG_SCRATCH - used;
			size_t outlen;
			if (type == LB_T_A || type == LB_T_AAAA) {
				size_t want = type == LB_T_A ? 4 : 16;
				if (LB_UNLIKELY(rdlen != want && !update_empty(msg, rclass, rdlen))) {
					bad_record(msg, LB_ERDATA);
					continue;
				}
				if (LB_UNLIKELY(room < rdlen)) {
					rc = LB_ELIMIT;
					goto out;
				}
				if (rdlen == 4)
					memcpy(dst, rd, 4);
				else if (rdlen == 16)
					memcpy(dst, rd, 16);
				outlen = rdlen;
			} else if ((type == LB_T_CNAME || type == LB_T_NS || type == LB_T_PTR ||
				    type == LB_T_DNAME) && rdlen > 0 && room >= LB_NAME_MAX) {
				/* one lower-cased name: read here so owners can point at it */
				lb_cur_t rc_ = { .start = pkt, .pos = rd, .end = rd + rdlen, .err = 0 };
				int nr = lb_dns_name_read(&rc_, pkt, len, dst, &outlen, true);
				if (nr < 0) {
					bad_record(msg, nr == LB_ETRUNC ? LB_ERDATA : nr);
					continue;
				}
				if (LB_UNLIKELY(rc_.pos != rc_.end)) {
					bad_record(msg, LB_ERDATA);
					continue;
				}
				size_t off = (size_t)(rd - pkt);
				if (rdlen == 2)
					nt_put(&nt, rd16(rd) & 0x3FFF, dst, outlen, 1);
				else
					nt_put(&nt, off, dst, outlen, rdlen == outlen ? outlen : rdlen - 2);
			} else if (LB_UNLIKELY(update_empty(msg, rclass, rdlen))) {
				outlen = 0; /* an UPDATE's prerequisite or deletion */
			} else {
				int n = lb_rdata_canon(type, pkt, len, (size_t)(rd - pkt), rdlen, dst,
						       room);
				if (n == LB_ESPACE) {
					rc = LB_ELIMIT;
					goto out;
				}
				if (n < 0) {
					bad_record(msg, n);
					continue;
				}
				if (LB_UNLIKELY(n > LB_RDATA_MAX)) {
					/* decompression grew it past rdlength's range */
					bad_record(msg, LB_ERDATA);
					continue;
				}
				outlen = (size_t)n;
			}
			used += outlen;
			lb_rr_t *rr = &scratch->rr[nrr++];
			rr->owner = owner;
			rr->rdata = dst;
			rr->ttl = ttl >> 31 ? 0 : ttl; /* RFC 2181 8: top bit set is zero */
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
	/* a limit of ours: the records before it are good (the last one's set
	 * may lack its rest).  So are they in a message with TC set that ends
	 * inside a record or short of its counts: RFC 1035 4.2.1's truncation
	 * ("longer messages are truncated and the TC bit is set"), by servers
	 * that cut at the size and leave the counts; and in one the capture
	 * cut (snap: tcpdump -s).  Any other fault of the message: whole
	 * sections only */
	msg->cut = rc == LB_ELIMIT || (rc == LB_ETRUNC && (msg->tc || snap));
	if (!msg->has_opt && msg->arcount > 0)
		opt_at_end(msg, pkt, len, msg->wire_len);
	msg->nrr = msg->cut ? nrr : kept;
	return rc;
}
