/*
 * msg.h - DNS message parsing (the hot path).
 *
 * lb_msg_parse() walks header, question and all three sections of a message.
 * Owner names and rdata are written in canonical form (uncompressed,
 * lower-cased as rdata.h says) into the caller's scratch space, so nothing is
 * allocated per message.  OPT is read (EDNS UDP size, extended rcode; the
 * first in the additional section, even one not owned by the root: msg.c
 * opt_read says why) but not returned as a record; when the parse stops
 * before it, an OPT that is the message's last record (the one root-owned
 * OPT whose rdata ends the message) is still read, so the rcode keeps its
 * upper bits.  TSIG/SIG(0) records are skipped.
 *
 * A record whose rdata does not fit its type (wrong length for A, a bad name
 * inside NS/MX/..., a layout that does not parse) while its RDLENGTH frame is
 * intact is skipped alone: msg->nbad counts such records and msg->bad_err
 * holds the first one's error; the rest of the message is parsed as usual.
 *
 * Sections are parsed in order; if a later section fails, the records of the
 * sections completed before it stay in msg->rr (msg->complete says how many
 * sections were whole) and the error is returned.  Callers may keep those.
 * A message past our limits (more than LB_MSG_MAX_RRS records, possible only
 * past 65535 bytes; or names and rdata beyond LB_MSG_SCRATCH) is LB_ELIMIT with
 * msg->cut set: every record before the limit stays in msg->rr, the last
 * one's RRset perhaps without its rest.  So is a message with TC set that
 * ends inside a record or before its counts are done (LB_ETRUNC, msg->cut):
 * truncated as RFC 1035 4.2.1 says, its counts left as they were.
 */
#ifndef LB_DNS_MSG_H
#define LB_DNS_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

enum lb_section { LB_SEC_ANSWER = 0, LB_SEC_AUTHORITY = 1, LB_SEC_ADDITIONAL = 2 };

/* Stable lowercase name: "answer", "authority", "additional". */
const char *lb_section_name(enum lb_section s);

typedef struct lb_rr {
	const uint8_t *owner; /* canonical wire name, inside scratch, or the
			       * message's own qname (lb_msg_t.qname) when it
			       * is that name: valid while both are */
	const uint8_t *rdata; /* canonical wire rdata, inside scratch */
	uint32_t ttl;         /* 0 when the top bit was set (RFC 2181 8) */
	uint16_t rdlen;
	uint16_t type;
	uint16_t rclass;
	uint8_t owner_len;
	uint8_t section;      /* enum lb_section */
} lb_rr_t;

/* Records kept per message: as many as a 65535-byte message can hold (RFC
 * 1035 4.2.2: TCP's 16-bit length; a record takes at least 11 octets, a root
 * owner and the fixed fields, after the 12-octet header), so no DNS message
 * is ever cut for its count - a zone transfer's (RFC 5936 2.2) of small
 * records passes 2048 well inside 64 KiB.  The limit stays for longer inputs
 * (a dnstap message field). */
#define LB_MSG_MAX_RRS ((65535 - 12) / 11)
/* Bytes of canonical (uncompressed) names and rdata of one message.  A zone
 * transfer's 64 KiB message expands most: an ip6.arpa zone's 2600 PTR records
 * of 2-octet compressed owners are 72-octet names each, and their targets
 * another 40 - 290 KB; 256 KiB was once the bound and cut such a message. */
#define LB_MSG_SCRATCH (1024 * 1024)

/* Caller-owned working memory for one message at a time; reused across calls. */
typedef struct lb_msg_scratch {
	lb_rr_t rr[LB_MSG_MAX_RRS];
	uint8_t buf[LB_MSG_SCRATCH];
} lb_msg_scratch_t;

typedef struct lb_msg {
	uint16_t id;
	uint16_t flags;        /* raw header flags word */
	bool qr, aa, tc, rd, ra, ad, cd;
	uint8_t opcode;
	uint16_t rcode;        /* 12-bit when OPT present (extended rcode) */
	uint16_t qdcount, ancount, nscount, arcount;

	bool has_question;     /* qdcount >= 1 and first question parsed */
	uint8_t qname[256];    /* canonical wire name */
	uint8_t qname_len;
	uint16_t qtype, qclass;

	bool has_opt;
	uint16_t edns_udp_size;
	uint8_t edns_version;
	bool edns_do;

	lb_rr_t *rr;           /* records of answer, authority, additional (no OPT) */
	size_t nrr;
	int complete;          /* number of sections (0..3) parsed whole */
	bool cut;              /* stopped at a limit of ours, or TC and cut short (above) */
	uint16_t nbad;         /* records skipped for bad rdata (see above) */
	int bad_err;           /* error of the first skipped record */
	size_t wire_len;       /* bytes the message actually occupied */
} lb_msg_t;

/*
 * Parse one message.  msg->rr points into scratch (valid until the next call
 * with the same scratch).  Returns 0, or a negative error (LB_ETRUNC, LB_EPTR,
 * LB_ELABEL, LB_ENAMELEN, LB_ERDATA, LB_ENOTDNS, LB_ELIMIT).  Bytes after the
 * last record are not an error here (msg->wire_len < len tells the caller).
 * A header alone that is shorter than 12 bytes is LB_ETRUNC; QDCOUNT > 1 is
 * accepted (first question used).
 */
/*
 * True when pkt is a query of the common shape (one question whose name is
 * labels in place, nothing else but at most one OPT record): one that
 * lb_msg_parse would accept whole (return 0, qr 0, no record kept, none
 * skipped).  A cheap check for callers that only count queries; false says
 * nothing (parse it).  The fuzz target checks the claim on every input.
 */
bool lb_msg_plain_query(const uint8_t *pkt, size_t len);

LB_WUR int lb_msg_parse(lb_msg_t *msg, lb_msg_scratch_t *scratch, const uint8_t *pkt,
			size_t len);
/* The same for a message whose bytes the capture cut (cut: its datagram was
 * longer than the snapshot length kept): one that ends inside a record or
 * short of its counts is then cut (msg->cut, LB_ETRUNC) as with TC set,
 * every whole record before the end kept; the sender sent the rest. */
LB_WUR int lb_msg_parse_cut(lb_msg_t *msg, lb_msg_scratch_t *scratch, const uint8_t *pkt,
			    size_t len, bool cut);

#endif
