/*
 * fuzz_dns_msg.c - lb_msg_parse on arbitrary bytes; every returned record is
 * also rendered as text.  Invariants: owners are valid names, rdata text fits
 * lb_rdata_text_max, partial results only ever hold whole sections, and
 * lb_msg_plain_query() never accepts what lb_msg_parse would not; and the
 * observations made of it (observe/obs.c: the question's chain, NODATA, the
 * denial's name) hold valid names, only answers are ever unrelated, a set's
 * rdata are unique, and no negative comes of a message without a question
 * or of a meta query (AXFR, IXFR...).  Of an IXFR answer one SOA at most is
 * observed, and nothing when the answer does not open with an SOA; a
 * record that is no SOA only of an answer of the whole zone's form (one
 * SOA first, the next record no SOA; or an SOA first and last, no other).
 * An A or AAAA record without rdata comes only of an UPDATE (class NONE/ANY).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "dns/msg.h"
#include "dns/name.h"
#include "dns/rdata.h"
#include "dns/rrtype.h"
#include "observe/obs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void on_rrset(void *ctx, const lb_obs_rrset_t *o)
{
	const lb_msg_t *msg = ctx;
	if (lb_name_check(o->owner, o->owner_len) != o->owner_len || !o->nrdata)
		abort();
	if (o->unrelated && o->section != LB_SEC_ANSWER)
		abort();
	/* an IXFR answer (RFC 1995 4) gives one SOA (the current one), and
	 * nothing when it does not open with an SOA (obs.c ixfr_answers) */
	if (msg->has_question && msg->qtype == LB_T_IXFR && o->section == LB_SEC_ANSWER) {
		size_t a = 0;
		while (a < msg->nrr && msg->rr[a].section != LB_SEC_ANSWER)
			a++;
		if (a == msg->nrr || msg->rr[a].type != LB_T_SOA)
			abort();
		if (o->type == LB_T_SOA && o->nrdata != 1)
			abort();
		/* a record that is no SOA only of the whole zone's form: an SOA
		 * first and no other (the first message of several) with no SOA
		 * second, or an SOA first and last and no other (in a message
		 * parsed whole: TC may cut a closing SOA off) */
		if (o->type != LB_T_SOA && !msg->tc && !msg->cut && msg->complete == 3) {
			size_t e = a, soas = 0;
			for (; e < msg->nrr && msg->rr[e].section == LB_SEC_ANSWER; e++)
				soas += msg->rr[e].type == LB_T_SOA;
			if (!(soas == 1 && e - a > 1 && msg->rr[a + 1].type != LB_T_SOA) &&
			    !(soas == 2 && msg->rr[e - 1].type == LB_T_SOA))
				abort();
		}
	}
	/* a set's rdata are unique (sorted: duplicates would be neighbours) */
	for (size_t i = 1; i < o->nrdata; i++)
		if (o->rdlen[i - 1] == o->rdlen[i] && !memcmp(o->rdata[i - 1], o->rdata[i], o->rdlen[i]))
			abort();
}

static void on_neg(void *ctx, const lb_obs_neg_t *o)
{
	const lb_msg_t *msg = ctx;
	if (!msg->has_question || lb_name_check(o->qname, o->qname_len) != o->qname_len)
		abort();
	if (o->rcode == 0 && (msg->tc || msg->complete < 2))
		abort(); /* NODATA needs the authority section, and no truncation */
	if (lb_qtype_is_meta(o->qtype))
		abort(); /* a transfer's or a meta query's failure denies no data */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static lb_msg_scratch_t *scratch;
	static char *text;
	size_t textcap = lb_rdata_text_max(LB_RDATA_MAX);
	if (!scratch) {
		scratch = malloc(sizeof *scratch);
		text = malloc(textcap);
		if (!scratch || !text)
			abort();
	}
	lb_msg_t msg;
	memset(&msg, 0, sizeof msg); /* a header that does not parse sets nothing */
	/* an input of odd length is parsed as a message the capture cut
	 * (lb_msg_parse_cut): the same checks hold */
	bool snap = size & 1;
	int rc = lb_msg_parse_cut(&msg, scratch, data, size, snap);
	if (rc == 0 && (msg.complete != 3 || msg.wire_len > size))
		abort();
	if (msg.complete < 0 || msg.complete > 3 || msg.nrr > LB_MSG_MAX_RRS)
		abort();
	/* the query shortcut claims only what the full parse agrees with */
	if (lb_msg_plain_query(data, size) && (rc != 0 || msg.qr || msg.nrr || msg.nbad))
		abort();
	if (msg.has_question && lb_name_check(msg.qname, msg.qname_len) != msg.qname_len)
		abort();
	for (size_t i = 0; i < msg.nrr; i++) {
		const lb_rr_t *rr = &msg.rr[i];
		if (lb_name_check(rr->owner, rr->owner_len) != rr->owner_len)
			abort();
		/* an A or AAAA without its address is an UPDATE's prerequisite or
		 * deletion (class NONE or ANY), in no other message */
		if ((rr->type == LB_T_A || rr->type == LB_T_AAAA) && rr->rdlen == 0 &&
		    (msg.opcode != 5 || (rr->rclass != LB_C_NONE && rr->rclass != LB_C_ANY)))
			abort();
		/* records of a section not parsed whole: only of a cut message
		 * (a limit of ours, or TC or the capture's cut, and cut short) */
		if ((int)rr->section >= msg.complete && !msg.cut)
			abort();
		size_t cap = lb_rdata_text_max(rr->rdlen);
		int tl = lb_rdata_to_text(rr->type, rr->rdata, rr->rdlen, text, cap);
		if (tl < 0 || (size_t)tl >= cap || strlen(text) != (size_t)tl)
			abort();
		char nt[LB_NAME_TEXT_MAX];
		if (lb_name_to_text(rr->owner, nt, sizeof nt) < 0)
			abort();
	}
	if (msg.cut && rc != LB_ELIMIT && !(rc == LB_ETRUNC && (msg.tc || snap)))
		abort();
	if (msg.qr && (rc == 0 || msg.complete >= 1 || msg.cut)) { /* as proc.c keeps them */
		static lb_obs_scratch_t oscratch;
		struct timeval tv = { 1700000000, 0 };
		lb_obs_sink_t sink = { .rrset = on_rrset, .negative = on_neg, .ctx = &msg };
		lb_obs_from_msg(&msg, &tv, NULL, NULL, &oscratch, &sink, NULL);
	}
	return 0;
}
