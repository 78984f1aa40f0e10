/*
 * zeek.c - Zeek dns.log importer: TSV (driven by its #fields header) and
 * JSON lines.  Zeek logs answers as strings without owner or type; they are
 * typed here (address, name, "TXT n text") and assigned to owners by
 * src_chain (docs/IMPORT.md).
 */
#include "sources/zeek.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <math.h>
#include <string.h>

#include "dns/rrtype.h"
#include "sources/linereader.h"

#define ZEEK_MAX_ANS 512

/* Undo Zeek's escapes into out (capacity >= len): \xHH for a byte that is
 * not printable or is a separator, and "\\\\" for a backslash (Zeek's
 * get_escaped_string writes one backslash as two).  Returns new length. */
static size_t unescape(const char *in, size_t len, char *out)
{
	size_t o = 0;
	for (size_t i = 0; i < len; i++) {
		if (in[i] == '\\' && i + 3 < len + 0 && in[i + 1] == 'x' && isxdigit((unsigned char)in[i + 2]) &&
		    isxdigit((unsigned char)in[i + 3])) {
			char h[3] = { in[i + 2], in[i + 3], 0 };
			out[o++] = (char)strtol(h, NULL, 16);
			i += 3;
		} else if (in[i] == '\\' && i + 1 < len && in[i + 1] == '\\') {
			out[o++] = '\\';
			i++;
		} else {
			out[o++] = in[i];
		}
	}
	return o;
}

static bool is_addr(const char *t, size_t len, uint16_t *type)
{
	char buf[64];
	uint8_t a[16];
	if (len == 0 || len >= sizeof buf)
		return false;
	memcpy(buf, t, len);
	buf[len] = 0;
	if (inet_pton(AF_INET, buf, a) == 1) {
		*type = LB_T_A;
		return true;
	}
	if (inet_pton(AF_INET6, buf, a) == 1) {
		*type = LB_T_AAAA;
		return true;
	}
	return false;
}

static bool is_hostname(const char *t, size_t len)
{
	if (len == 0 || len > 254)
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)t[i];
		if (!(isalnum(ch) || ch == '-' || ch == '_' || ch == '.' || ch == '*'))
			return false;
	}
	return true;
}

/*
 * An answer to a PTR, NS or CNAME question that is no hostname by its
 * characters is still a name - Zeek logs a name's label bytes joined by
 * dots, a blank in a label as it is (mDNS service instances: "My
 * Mac._hap._tcp.local") - unless it is one of Zeek's other renderings
 * (base/protocols/dns/main.zeek: dns_unknown_reply, dns_DNSKEY, dns_NSEC,
 * dns_NSEC3, dns_DS, dns_BINDS, dns_SSHFP, dns_LOC, and in later versions
 * dns_NAPTR_reply's "NAPTR order pref flags service regexp/replacement";
 * RRSIG, TXT and SPF are read before).
 */
static bool is_label_name(const char *t, size_t len)
{
	static const char *const pre[] = { "<unknown type=", "DNSKEY ", "NSEC ", "NSEC3", "DS ",
					   "BIND9 signing signal", "SSHFP: ", "LOC: ", "NAPTR " };
	if (len == 0 || len > 4 * LB_NAME_MAX)
		return false;
	for (size_t i = 0; i < sizeof pre / sizeof pre[0]; i++)
		if (len >= strlen(pre[i]) && !memcmp(t, pre[i], strlen(pre[i])))
			return false;
	return true;
}

/*
 * "TXT 11 hello world TXT 3 foo" -> TXT wire rdata.  Each string is given with
 * its length in bytes, so the split is exact; returns wire length or -1.
 */
static int txt_wire(const char *t, size_t len, const char *kw, uint8_t *out, size_t outsz)
{
	size_t kl = strlen(kw), i = 0, o = 0;
	while (i < len) {
		if (len - i < kl + 1 || memcmp(t + i, kw, kl) || t[i + kl] != ' ')
			return -1;
		i += kl + 1;
		size_t n = 0, nd = 0;
		while (i < len && t[i] >= '0' && t[i] <= '9' && nd < 4) {
			n = n * 10 + (size_t)(t[i++] - '0');
			nd++;
		}
		if (nd == 0 || n > 255 || i >= len || t[i] != ' ')
			return -1;
		i++;
		if (len - i < n || o + 1 + n > outsz)
			return -1;
		out[o++] = (uint8_t)n;
		memcpy(out + o, t + i, n);
		o += n;
		i += n;
		if (i < len) {
			if (t[i] != ' ')
				return -1;
			i++;
		}
	}
	return o ? (int)o : -1;
}

/*
 * The query as Zeek logs it (once its log escapes are undone): the name's
 * label bytes joined by dots, lower-cased, without presentation escapes - a
 * backslash, a blank or a quote in a label is itself.  Such bytes are
 * escaped (\DDD) before the text is read as a name.  The root name is the
 * empty string (ExtractName drops the trailing dot only from longer names):
 * "(empty)" in TSV, "" in JSON - the caller passes ".".
 */
static int query_wire(const char *q, size_t len, uint8_t *out)
{
	char t[4 * LB_NAME_MAX + 8];
	size_t tl;
	if (len == 1 && q[0] == '.')
		return src_name(q, len, NULL, out);
	const char *p = src_label_text(q, len, t, sizeof t, &tl);
	return p ? src_name(p, tl, NULL, out) : -1;
}

/* The common part of TSV and JSON: one log row. */
typedef struct zrow {
	struct timeval ts;
	const char *query;
	size_t qlen;
	long qclass, qtype, rcode;   /* -1 = unset */
	long opcode;                 /* -1 = unset or not logged (before Zeek 7.1) */
	long orig_p, resp_p;         /* the connection's ports; -1 = not logged */
	int aa, ra, tc;              /* the AA, RA and TC flags: 1 T, 0 F, -1 not logged */
	int auth_denial;             /* the auth column shows a denial: 1, else 0 (auth_shows_denial) */
	int rejected;                /* the rejected flag: 1 T, 0 F, -1 not logged */
	const char *ans[ZEEK_MAX_ANS];
	size_t alen[ZEEK_MAX_ANS];
	uint32_t ttl[ZEEK_MAX_ANS];
	size_t nans;
} zrow_t;

/* Scratch of one importer (s->work[LB_FMT_ZEEK]). */
typedef struct zwork {
	zrow_t z;
	char ntext[64 * 1024];  /* answers' names as presentation text (is_label_name) */
	size_t ucap;
	uint8_t *txt; /* TXT/SPF answers' wire rdata, ucap bytes: never longer than the line */
	char ubuf[]; /* unescaped fields: never longer than the line */
} zwork_t;

static zwork_t *work(lb_src_t *s)
{
	if (!s->work[LB_FMT_ZEEK]) {
		size_t cap = (s->o.max_line ? s->o.max_line : LB_LR_DEFAULT_MAX_LINE) + 1;
		zwork_t *w = malloc(sizeof *w + 2 * cap);
		if (!w)
			return NULL;
		w->ucap = cap;
		w->txt = (uint8_t *)w->ubuf + cap;
		s->work[LB_FMT_ZEEK] = w;
	}
	return s->work[LB_FMT_ZEEK];
}

/* Room for one more TXT rdata in zw->txt after used bytes (an rdata is at
 * most 65535 bytes). */
static size_t txt_room(const zwork_t *zw, size_t used)
{
	size_t room = zw->ucap - used;
	return room > 65535 ? 65535 : room;
}

/*
 * A response seen without its query: Zeek logs no qtype (main.zeek sets it
 * in dns_request, raised for queries only) and, as the query, the owner of
 * the response's first answer (DNS::do_reply).  The answers' owners and
 * types are not logged; which can still be placed?
 *
 * A response to a QUERY answers its question (RFC 1034 4.3.2 step 3): the
 * question's CNAME chain, then the data at its end, every other answer at
 * the question's name (ANY).  Without a CNAME among the answers the chain
 * is the name alone, and every answer is at it: at the first answer's
 * owner, the query column.  Zeek logs every CNAME (dns_CNAME_reply, a
 * name) and a DNAME as "<unknown type=39>"; so answers that are all
 * addresses (A; AAAA - or A6, historic since RFC 6563, rendered alike),
 * "TXT n ..." or "SPF n ..." renderings, with no name or other rendering
 * among them, are all at the query name, one RRset per type.  A name may
 * be a CNAME target or the data of an NS, MX, PTR, SRV or SOA answer (an
 * ANY answer's NS and A both at the name; a chain's A at its end): those
 * rows stay ambiguous_chain.  Also refused: a type whose answers' TTLs
 * differ (an RRset has one TTL, RFC 2181 5.2: such answers may be of
 * several owners), an rcode other than NOERROR (an NXDOMAIN with answers
 * ends a chain the log does not show), mDNS (port 5353: an announcement
 * answers no question, its records of many owners, RFC 6762 8.3), and
 * rows without the ports to tell.  No denial is drawn: the question's
 * type is unknown.  Returns false when the row cannot be placed.
 */
static bool zeek_unasked(lb_src_t *s, const zrow_t *z, zwork_t *zw, const uint8_t *qname,
			 uint8_t ql)
{
	static const uint16_t types[] = { LB_T_A, LB_T_AAAA, LB_T_TXT, LB_T_SPF };
	uint32_t ttl[4];
	bool seen[4] = { false, false, false, false };
	size_t n = 0, tused = 0;
	if (z->rcode != LB_RCODE_NOERROR || z->orig_p < 0 || z->resp_p < 0 ||
	    z->orig_p == 5353 || z->resp_p == 5353)
		return false;
	src_resp_t *r = s->resp;
	resp_reset(r);
	for (size_t i = 0; i < z->nans; i++) {
		const char *t = z->ans[i];
		size_t l = z->alen[i];
		if (l > 6 && !memcmp(t, "RRSIG ", 6))
			continue; /* (signatures: not importable, as with a qtype) */
		uint16_t at = 0;
		int w = -1;
		uint8_t *wire = zw->txt + tused;
		if (!is_addr(t, l, &at)) {
			if ((w = txt_wire(t, l, "TXT", wire, txt_room(zw, tused))) > 0)
				at = LB_T_TXT;
			else if ((w = txt_wire(t, l, "SPF", wire, txt_room(zw, tused))) > 0)
				at = LB_T_SPF;
			else
				goto refuse;
			tused += (size_t)w;
		}
		size_t k = 0;
		while (types[k] != at)
			k++;
		if (seen[k] && ttl[k] != z->ttl[i])
			goto refuse;
		seen[k] = true;
		ttl[k] = z->ttl[i];
		int err = w > 0 ? resp_add_wire(r, qname, ql, at, LB_C_IN, z->ttl[i], LB_SEC_ANSWER,
						wire, (size_t)w)
				: resp_add_text(r, qname, ql, at, LB_C_IN, z->ttl[i], LB_SEC_ANSWER, t,
						l, NULL);
		if (err == LB_ELIMIT) {
			resp_reset(r);
			src_bad(s, LB_BAD_FIELDS);
			return true;
		}
		if (err)
			goto refuse;
		n++;
	}
	if (n == 0)
		goto refuse;
	resp_emit(s, r, &z->ts, NULL, NULL);
	s->c.records++;
	return true;
refuse:
	resp_reset(r);
	return false;
}

static void zeek_row(lb_src_t *s, zrow_t *z, zwork_t *zw)
{
	if (z->opcode > 0) {
		/* a NOTIFY or UPDATE: its sections are no answer to a query (its
		 * "answers" an update's prerequisites and changes, Zeek's
		 * dns-binds baseline), and an empty one no denial - the packet
		 * path passes such messages over (observe/obs.c) */
		src_skip(s, LB_SKIP_NOT_DNS);
		return;
	}
	if (z->rcode < 0) {
		src_skip(s, LB_SKIP_QUERY);
		return;
	}
	if (z->qclass >= 0 && z->qclass != LB_C_IN) {
		src_skip(s, LB_SKIP_CLASS);
		return;
	}
	uint8_t qname[LB_NAME_MAX];
	int ql = query_wire(z->query, z->qlen, qname);
	if (z->qlen == 0 || ql < 0) {
		if (z->qtype < 0 && z->qlen == 0) {
			src_skip(s, LB_SKIP_AMBIGUOUS);
			return;
		}
		src_bad(s, LB_BAD_NAME);
		return;
	}
	if (z->qtype < 0) {
		/* no question type (a response without its query, an mDNS
		 * announcement): placed only where every answer is at the
		 * query name (zeek_unasked) */
		if (z->tc == 1)
			src_skip(s, LB_SKIP_LOSSY);
		else if (!zeek_unasked(s, z, zw, qname, (uint8_t)ql))
			src_skip(s, LB_SKIP_AMBIGUOUS);
		return;
	}
	if (z->tc == 1 && !(z->nans == 0 && (z->rcode == LB_RCODE_NXDOMAIN ||
					     z->rcode == LB_RCODE_SERVFAIL ||
					     z->rcode == LB_RCODE_REFUSED))) {
		/* TC: the answers may have been cut short (RFC 2181 9) - the packet
		 * path keeps no RRset that may be - and an empty answer section is
		 * no denial (the client is told to ask over TCP); a denying rcode
		 * with no answers still is one */
		src_skip(s, LB_SKIP_LOSSY);
		return;
	}
	uint16_t qtype = (uint16_t)z->qtype;
	src_ans_t a[ZEEK_MAX_ANS];
	size_t n = 0;
	bool names_are_data = qtype == LB_T_NS || qtype == LB_T_PTR || qtype == LB_T_CNAME;
	bool typed_data = qtype == LB_T_A || qtype == LB_T_AAAA || qtype == LB_T_TXT ||
			  qtype == LB_T_SPF;
	size_t nnames = 0, nused = 0, tused = 0;
	for (size_t i = 0; i < z->nans; i++) {
		const char *t = z->ans[i];
		size_t l = z->alen[i];
		if (l > 6 && !memcmp(t, "RRSIG ", 6))
			continue; /* signatures are logged without their data: not importable */
		src_ans_t *x = &a[n];
		memset(x, 0, sizeof *x);
		x->text = t;
		x->len = l;
		x->ttl = z->ttl[i];
		uint16_t at;
		int w;
		if (is_addr(t, l, &at)) {
			x->type = at;
		} else if ((w = txt_wire(t, l, "TXT", zw->txt + tused, txt_room(zw, tused))) > 0) {
			/* a TXT RR may hold up to 65535 bytes of strings (a
			 * netalyzr padding record of 3 KiB in Zeek's
			 * ipv6-fragmented-dns trace): its wire form is shorter
			 * than its rendering, so the line's length bounds them all */
			x->type = LB_T_TXT;
			x->wire = zw->txt + tused;
			x->wire_len = (uint16_t)w;
			tused += (size_t)w;
		} else if ((w = txt_wire(t, l, "SPF", zw->txt + tused, txt_room(zw, tused))) > 0) {
			x->type = LB_T_SPF;
			x->wire = zw->txt + tused;
			x->wire_len = (uint16_t)w;
			tused += (size_t)w;
		} else if (is_hostname(t, l) || (names_are_data && is_label_name(t, l))) {
			/* label bytes: a backslash, a blank, a quote is itself */
			size_t pl;
			const char *p = src_label_text(t, l, zw->ntext + nused,
						       sizeof zw->ntext - nused, &pl);
			x->type = !p ? 0 : names_are_data ? qtype : LB_T_CNAME;
			nnames += p != NULL;
			if (p && p != t)
				nused += pl;
			x->text = p ? p : t;
			x->len = p ? pl : l;
		} else {
			x->type = 0; /* something Zeek rendered that we cannot read back */
		}
		n++;
	}
	if (n == 0 && z->rcode == LB_RCODE_NOERROR && !typed_data && !names_are_data &&
	    qtype != LB_T_MX && qtype != LB_T_SOA && qtype != LB_T_SRV && qtype != LB_T_DNSKEY &&
	    qtype != LB_T_DS && qtype != LB_T_NSEC && qtype != LB_T_NSEC3) {
		/* Zeek logs no answer of types it has no reply event for (TKEY, ...):
		 * an empty answers field is then no evidence of NODATA */
		src_skip(s, LB_SKIP_LOSSY);
		return;
	}
	if (n > 0 && !typed_data && !names_are_data) {
		src_skip(s, LB_SKIP_LOSSY);
		return;
	}
	if (qtype == LB_T_PTR && nnames > 1) {
		/* RFC 2317 delegations answer PTR queries with a CNAME first: if the
		 * first name looks like a reverse name, the split is not knowable */
		static const char *const rev[] = { ".in-addr.arpa", ".ip6.arpa" };
		for (int k = 0; k < 2; k++) {
			size_t rl = strlen(rev[k]);
			if (a[0].len > rl && !strncasecmp(a[0].text + a[0].len - rl, rev[k], rl)) {
				src_skip(s, LB_SKIP_AMBIGUOUS);
				return;
			}
		}
	}
	/* No authority section in the log: the flags tell what it would say.  A
	 * recursive answer (RA) followed the chain to its end: no data there is a
	 * denial.  An authoritative one (AA) with no answer is NODATA, while its
	 * chain ending without data is a CNAME out of its zone.  Neither flag: a
	 * referral (the upstream side of a resolver), no denial. */
	/* A NOERROR row whose rejected flag is set had no record in any
	 * section (main.zeek's dns_rejected: a response with a question and
	 * ANCOUNT, NSCOUNT and ARCOUNT all 0; for a nonzero rcode also one
	 * without a question): no NS, so no referral - NODATA type 3 of RFC
	 * 2308 2.2, as the packet path reads such a response. */
	unsigned nd = SRC_ND_ALL; /* also when the flags are not logged: no evidence either way */
	if (z->ra != 1 && z->aa == 1)
		nd = SRC_ND_EMPTY;
	else if (z->ra == 0 && z->aa == 0 && !z->auth_denial && z->rejected != 1)
		nd = 0;
	src_chain(s, qname, (uint8_t)ql, qtype, (uint16_t)z->rcode, a, n, true, nd, &z->ts);
}

/*
 * The authority section as policy/protocols/dns/auth-addl.zeek logs it (a
 * set of renderings; logged only when that script is loaded): does it show
 * a denial rather than a referral?  A referral carries the child's NS
 * records (RFC 1034 4.3.2).  No authority record at all (the column unset
 * or empty) is NODATA type 3 of RFC 2308 2.2; an SOA's signature ("RRSIG 6
 * signer", dns_RRSIG in base/protocols/dns/main.zeek) is an SOA in the
 * authority section, NODATA types 1 and 2 - the SOA itself is logged as its
 * MNAME alone, like a name server's name.  count: the set's items, or -1
 * for the unset/empty field.
 */
static int auth_shows_denial(const char *const it[], const size_t il[], int count)
{
	if (count < 0)
		return 1;
	for (int i = 0; i < count; i++)
		if (il[i] > 8 && !memcmp(it[i], "RRSIG 6 ", 8))
			return 1;
	return 0;
}

/*
 * ts is when the query was seen (base/protocols/dns/main.zeek: new_session
 * takes network_time() for the first message of the pair) and rtt how long
 * the response took (set when the first answer is logged): the answers were
 * seen at ts + rtt, the time the packet path gives them.  Without an rtt
 * (unset: only a response seen, or no answer logged) ts stays.
 */
static void add_rtt(struct timeval *ts, double rtt)
{
	if (!(rtt > 0 && rtt < 86400))
		return;
	long long us = (long long)ts->tv_usec + llround(rtt * 1e6);
	ts->tv_sec += (time_t)(us / 1000000);
	ts->tv_usec = (long)(us % 1000000);
}

static uint32_t ttl_of(double d)
{
	if (!(d >= 0) || d > 4294967295.0)
		return 0;
	return (uint32_t)floor(d);
}

/* ---- TSV ---- */

static int field_index(const char *fields[], size_t flen[], int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (flen[i] == strlen(name) && !memcmp(fields[i], name, flen[i]))
			return i;
	return -1;
}

static int split(const char *line, size_t len, char sep, const char *f[], size_t fl[], int max)
{
	int n = 0;
	const char *p = line, *e = line + len;
	for (;;) {
		const char *q = memchr(p, sep, (size_t)(e - p));
		if (n == max)
			return -1;
		f[n] = p;
		fl[n] = q ? (size_t)(q - p) : (size_t)(e - p);
		n++;
		if (!q)
			return n;
		p = q + 1;
	}
}

static void header(lb_src_t *s, const char *line, size_t len)
{
	zeek_hdr_t *h = &s->zeek;
	if (!h->sep) {
		h->sep = '\t';
		h->set_sep = ',';
		strcpy(h->empty, "(empty)");
		strcpy(h->unset, "-");
	}
	char val[64];
	const char *sp;
	if (len > 11 && !memcmp(line, "#separator ", 11)) {
		size_t n = unescape(line + 11, len - 11 > 16 ? 16 : len - 11, val);
		if (n != 1) {
			src_bad(s, LB_BAD_FORMAT);
			return;
		}
		h->sep = val[0];
		return;
	}
	sp = memchr(line, h->sep, len);
	if (!sp)
		return;
	size_t kl = (size_t)(sp - line), vl = len - kl - 1;
	const char *v = sp + 1;
	if (kl == 14 && !memcmp(line, "#set_separator", 14)) {
		if (unescape(v, vl > 16 ? 16 : vl, val) != 1)
			return (void)src_bad(s, LB_BAD_FORMAT);
		h->set_sep = val[0];
	} else if (kl == 12 && !memcmp(line, "#empty_field", 12) && vl < sizeof h->empty) {
		memcpy(h->empty, v, vl);
		h->empty[vl] = 0;
	} else if (kl == 12 && !memcmp(line, "#unset_field", 12) && vl < sizeof h->unset) {
		memcpy(h->unset, v, vl);
		h->unset[vl] = 0;
	} else if (kl == 7 && !memcmp(line, "#fields", 7)) {
		const char *f[SRC_MAX_FIELDS];
		size_t fl[SRC_MAX_FIELDS];
		int n = split(v, vl, h->sep, f, fl, SRC_MAX_FIELDS);
		if (n < 0)
			return (void)src_bad(s, LB_BAD_FORMAT);
		h->nfields = n;
		h->idx_ts = field_index(f, fl, n, "ts");
		h->idx_query = field_index(f, fl, n, "query");
		h->idx_qclass = field_index(f, fl, n, "qclass");
		h->idx_qtype = field_index(f, fl, n, "qtype");
		h->idx_rcode = field_index(f, fl, n, "rcode");
		h->idx_answers = field_index(f, fl, n, "answers");
		h->idx_ttls = field_index(f, fl, n, "TTLs");
		h->idx_aa = field_index(f, fl, n, "AA");
		h->idx_ra = field_index(f, fl, n, "RA");
		h->idx_tc = field_index(f, fl, n, "TC");
		h->idx_opcode = field_index(f, fl, n, "opcode");
		h->idx_auth = field_index(f, fl, n, "auth");
		h->idx_rtt = field_index(f, fl, n, "rtt");
		h->idx_orig_p = field_index(f, fl, n, "id.orig_p");
		h->idx_resp_p = field_index(f, fl, n, "id.resp_p");
		h->idx_rejected = field_index(f, fl, n, "rejected");
		if (h->idx_ts < 0 || h->idx_query < 0 || h->idx_qtype < 0 || h->idx_rcode < 0 ||
		    h->idx_answers < 0) {
			h->have_fields = false;
			return (void)src_bad(s, LB_BAD_FORMAT);
		}
		h->have_fields = true;
		h->plain = false;
	}
}

/*
 * A TSV row before any #fields header (a piece cut from the middle of a
 * dns.log): read in Zeek's standard dns.log column order when its columns
 * show it is one - base/protocols/dns/main.zeek's DNS::Info: ts uid
 * id.orig_h id.orig_p id.resp_h id.resp_p proto trans_id [rtt] query qclass
 * qclass_name qtype qtype_name rcode rcode_name AA TC RD RA Z answers TTLs
 * rejected, then (Zeek 7.1 on) opcode opcode_name, then what
 * policy/protocols/dns/auth-addl.zeek adds (auth addl).  rtt came with Bro
 * 2.6: 23 or 25 columns are without it, 24, 26 or 28 with it (the fields
 * read are at the same places in each).  The row must also have the
 * layout's transport protocol and T/F flags where they belong; anything
 * else is refused (zeek_no_header) rather than read in a guessed order.
 * Returns the query's column (8 or 9), or -1.
 */
static int plain_layout(const char *const f[], const size_t fl[], int n)
{
	int q = n == 23 || n == 25 ? 8 : n == 24 || n == 26 || n == 28 ? 9 : -1;
	if (q < 0)
		return -1;
	static const char *const protos[] = { "udp", "tcp", "icmp", "unknown_transport" };
	bool proto = false;
	for (size_t i = 0; i < sizeof protos / sizeof protos[0]; i++)
		proto |= fl[6] == strlen(protos[i]) && !memcmp(f[6], protos[i], fl[6]);
	if (!proto)
		return -1;
	static const int flags[] = { 7, 8, 9, 10, 14 }; /* AA TC RD RA ... rejected */
	for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++) {
		int k = q + flags[i];
		if (fl[k] != 1 || (f[k][0] != 'T' && f[k][0] != 'F' && f[k][0] != '-'))
			return -1;
	}
	return q;
}

bool src_zeek_plain_row(const char *line, size_t len)
{
	const char *f[SRC_MAX_FIELDS];
	size_t fl[SRC_MAX_FIELDS];
	struct timeval tv;
	int n = split(line, len, '\t', f, fl, SRC_MAX_FIELDS);
	return n > 0 && plain_layout(f, fl, n) >= 0 && src_time_epoch(f[0], fl[0], &tv) == 0;
}

/* Take the standard layout of a row before any header (plain_layout). */
static bool plain_header(lb_src_t *s, const char *line, size_t len)
{
	zeek_hdr_t *h = &s->zeek;
	const char *f[SRC_MAX_FIELDS];
	size_t fl[SRC_MAX_FIELDS];
	if (!h->sep) {
		h->sep = '\t';
		h->set_sep = ',';
		strcpy(h->empty, "(empty)");
		strcpy(h->unset, "-");
	}
	int n = split(line, len, h->sep, f, fl, SRC_MAX_FIELDS);
	int q = n > 0 ? plain_layout(f, fl, n) : -1;
	if (q < 0)
		return false;
	h->nfields = n;
	h->idx_ts = 0;
	h->idx_query = q;
	h->idx_qclass = q + 1;
	h->idx_qtype = q + 3;
	h->idx_rcode = q + 5;
	h->idx_aa = q + 7;
	h->idx_tc = q + 8;
	h->idx_ra = q + 10;
	h->idx_answers = q + 12;
	h->idx_ttls = q + 13;
	/* opcode: 28 columns are with it and auth addl; 26 may be either */
	h->idx_opcode = n == 28 ? q + 15 : -1;
	h->idx_auth = n == 28 ? q + 17 : -1;
	h->idx_rtt = q == 9 ? 8 : -1;
	h->idx_orig_p = 3;
	h->idx_resp_p = 5;
	h->idx_rejected = q + 14;
	h->have_fields = true;
	h->plain = true;
	return true;
}

static bool unset(const zeek_hdr_t *h, const char *t, size_t l)
{
	return l == strlen(h->unset) && !memcmp(t, h->unset, l);
}

static long num_field(const zeek_hdr_t *h, const char *t, size_t l, bool *bad)
{
	uint64_t v;
	if (unset(h, t, l))
		return -1;
	if (src_u64(t, l, &v) || v > 65535) {
		*bad = true;
		return -1;
	}
	return (long)v;
}

/* A Zeek bool: 1 for T, 0 for F, -1 unset or anything else. */
static int bool_field(const zeek_hdr_t *h, const char *t, size_t l)
{
	if (unset(h, t, l) || l != 1)
		return -1;
	return *t == 'T' ? 1 : *t == 'F' ? 0 : -1;
}

static void tsv(lb_src_t *s, const char *line, size_t len)
{
	zeek_hdr_t *h = &s->zeek;
	if (!h->have_fields && !plain_header(s, line, len))
		return (void)src_bad(s, LB_BAD_NO_HEADER);
	if (h->plain)
		s->c.note[LB_NOTE_ZEEK_NO_HEADER]++;
	const char *f[SRC_MAX_FIELDS];
	size_t fl[SRC_MAX_FIELDS];
	int n = split(line, len, h->sep, f, fl, SRC_MAX_FIELDS);
	if (n != h->nfields)
		return (void)src_bad(s, LB_BAD_FIELDS);
	zwork_t *w = work(s);
	if (!w || len >= w->ucap)
		return (void)src_bad(s, LB_BAD_TOO_LONG);
	zrow_t *zp = &w->z;
#define z (*zp)
	char *ubuf = w->ubuf;
	bool bad = false;
	if (unset(h, f[h->idx_ts], fl[h->idx_ts]) ||
	    src_time_any(f[h->idx_ts], fl[h->idx_ts], &z.ts))
		return (void)src_bad(s, LB_BAD_TIME);
	if (h->idx_rtt >= 0 && !unset(h, f[h->idx_rtt], fl[h->idx_rtt]) && fl[h->idx_rtt] < 32) {
		char tb[32];
		memcpy(tb, f[h->idx_rtt], fl[h->idx_rtt]);
		tb[fl[h->idx_rtt]] = 0;
		add_rtt(&z.ts, strtod(tb, NULL));
	}
	z.qclass = h->idx_qclass >= 0 ? num_field(h, f[h->idx_qclass], fl[h->idx_qclass], &bad) : -1;
	z.qtype = num_field(h, f[h->idx_qtype], fl[h->idx_qtype], &bad);
	z.rcode = num_field(h, f[h->idx_rcode], fl[h->idx_rcode], &bad);
	z.opcode = h->idx_opcode >= 0 ? num_field(h, f[h->idx_opcode], fl[h->idx_opcode], &bad) : -1;
	/* the ports matter only to a row without a qtype: one that is not a
	 * number is unknown there, not a reason to refuse the row */
	bool bad_port = false;
	z.orig_p = h->idx_orig_p >= 0 ? num_field(h, f[h->idx_orig_p], fl[h->idx_orig_p], &bad_port) : -1;
	z.resp_p = h->idx_resp_p >= 0 ? num_field(h, f[h->idx_resp_p], fl[h->idx_resp_p], &bad_port) : -1;
	if (bad)
		return (void)src_bad(s, LB_BAD_FIELDS);
	z.aa = h->idx_aa >= 0 ? bool_field(h, f[h->idx_aa], fl[h->idx_aa]) : -1;
	z.ra = h->idx_ra >= 0 ? bool_field(h, f[h->idx_ra], fl[h->idx_ra]) : -1;
	z.tc = h->idx_tc >= 0 ? bool_field(h, f[h->idx_tc], fl[h->idx_tc]) : -1;
	z.rejected = h->idx_rejected >= 0 ? bool_field(h, f[h->idx_rejected], fl[h->idx_rejected]) : -1;
	z.auth_denial = 0;
	if (h->idx_auth >= 0) {
		const char *av = f[h->idx_auth], *it[ZEEK_MAX_ANS];
		size_t al = fl[h->idx_auth], il[ZEEK_MAX_ANS];
		if (unset(h, av, al) || (al == strlen(h->empty) && !memcmp(av, h->empty, al))) {
			z.auth_denial = auth_shows_denial(NULL, NULL, -1);
		} else {
			/* more items than read (-1): no evidence */
			int na = split(av, al, h->set_sep, it, il, ZEEK_MAX_ANS);
			z.auth_denial = na > 0 ? auth_shows_denial(it, il, na) : 0;
		}
	}
	/* unescape query and answers into one buffer (never longer than the line) */
	size_t used = 0;
	if (unset(h, f[h->idx_query], fl[h->idx_query])) {
		z.query = "";
		z.qlen = 0;
	} else if (fl[h->idx_query] == strlen(h->empty) &&
		   !memcmp(f[h->idx_query], h->empty, fl[h->idx_query])) {
		z.query = "."; /* the empty string: the root name */
		z.qlen = 1;
	} else {
		z.qlen = unescape(f[h->idx_query], fl[h->idx_query], ubuf);
		z.query = ubuf;
		used = z.qlen;
	}
	z.nans = 0;
	const char *av = f[h->idx_answers];
	size_t al = fl[h->idx_answers];
	if (!unset(h, av, al) && !(al == strlen(h->empty) && !memcmp(av, h->empty, al))) {
		const char *af[ZEEK_MAX_ANS];
		size_t afl[ZEEK_MAX_ANS];
		int na = split(av, al, h->set_sep, af, afl, ZEEK_MAX_ANS);
		if (na < 0)
			return (void)src_bad(s, LB_BAD_FIELDS);
		for (int i = 0; i < na; i++) {
			z.ans[i] = ubuf + used;
			z.alen[i] = unescape(af[i], afl[i], ubuf + used);
			used += z.alen[i];
			z.ttl[i] = 0;
		}
		z.nans = (size_t)na;
		if (h->idx_ttls >= 0 && !unset(h, f[h->idx_ttls], fl[h->idx_ttls])) {
			const char *tf[ZEEK_MAX_ANS];
			size_t tfl[ZEEK_MAX_ANS];
			int nt = split(f[h->idx_ttls], fl[h->idx_ttls], h->set_sep, tf, tfl, ZEEK_MAX_ANS);
			for (int i = 0; i < nt && i < na; i++) {
				char tb[32];
				if (tfl[i] >= sizeof tb)
					continue;
				memcpy(tb, tf[i], tfl[i]);
				tb[tfl[i]] = 0;
				z.ttl[i] = ttl_of(strtod(tb, NULL));
			}
		}
	}
	zeek_row(s, &z, w);
#undef z
}

/* ---- JSON ---- */

/* Zeek's JSON writer (json_escape_utf8) writes a byte that is not valid
 * UTF-8 - or a control byte after one - as the text "\xHH": the byte again,
 * into out (capacity >= len).  Other "\x" text (printable ASCII) is text. */
static size_t json_bytes(const char *in, size_t len, char *out)
{
	size_t o = 0;
	for (size_t i = 0; i < len; i++) {
		if (in[i] == '\\' && i + 3 < len && in[i + 1] == 'x' &&
		    isxdigit((unsigned char)in[i + 2]) && isxdigit((unsigned char)in[i + 3])) {
			char h[3] = { in[i + 2], in[i + 3], 0 };
			long b = strtol(h, NULL, 16);
			if (b >= 0x80 || b < 0x20 || b == 0x7f) {
				out[o++] = (char)b;
				i += 3;
				continue;
			}
		}
		out[o++] = in[i];
	}
	return o;
}

static long jnum(json_t *o, const char *key, bool *bad)
{
	json_t *v = json_object_get(o, key);
	if (!v || json_is_null(v))
		return -1;
	if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 65535) {
		*bad = true;
		return -1;
	}
	return (long)json_integer_value(v);
}

static void zjson(lb_src_t *s, const char *line, size_t len)
{
	json_t *j = src_json(s, line, len);
	if (!j)
		return;
	zwork_t *w = work(s);
	if (!w) {
		src_bad(s, LB_BAD_TOO_LONG);
		goto out;
	}
	zrow_t *zp = &w->z;
#define z (*zp)
	bool bad = false;
	json_t *ts = json_object_get(j, "ts");
	if (json_is_integer(ts) && json_integer_value(ts) >= 100000000000LL &&
	    json_integer_value(ts) < 100000000000000LL) {
		/* JSON::TS_MILLIS (and TS_MILLIS_UNSIGNED): integer milliseconds;
		 * as seconds, 1e11 would be past the year 5000 */
		json_int_t ms = json_integer_value(ts);
		z.ts.tv_sec = (time_t)(ms / 1000);
		z.ts.tv_usec = (long)(ms % 1000) * 1000;
	} else if (json_is_number(ts)) {
		double d = json_number_value(ts);
		if (!(d >= 0 && d < 1e11)) {
			src_bad(s, LB_BAD_TIME);
			goto out;
		}
		/* to the nearest microsecond: 1700000000.1 is 1700000000.0999999 as
		 * a double, and truncated it became .099999 */
		long us = lround((d - floor(d)) * 1e6);
		z.ts.tv_sec = (time_t)d + (us >= 1000000);
		z.ts.tv_usec = us >= 1000000 ? 0 : us;
	} else if (!json_is_string(ts) ||
		   src_time_any(json_string_value(ts), json_string_length(ts), &z.ts)) {
		src_bad(s, LB_BAD_TIME);
		goto out;
	}
	json_t *rtt = json_object_get(j, "rtt");
	if (json_is_number(rtt))
		add_rtt(&z.ts, json_number_value(rtt));
	size_t used = 0;
	z.query = src_jstr(j, "query", &z.qlen);
	if (!z.query) {
		z.query = "";
		z.qlen = 0;
	} else if (z.qlen == 0) {
		z.query = "."; /* the empty string: the root name */
		z.qlen = 1;
	} else if (z.qlen < w->ucap && memmem(z.query, z.qlen, "\\x", 2)) {
		z.qlen = json_bytes(z.query, z.qlen, w->ubuf);
		z.query = w->ubuf;
		used = z.qlen;
	}
	z.qclass = jnum(j, "qclass", &bad);
	z.qtype = jnum(j, "qtype", &bad);
	z.rcode = jnum(j, "rcode", &bad);
	z.opcode = jnum(j, "opcode", &bad);
	bool bad_port = false; /* as in the TSV reader: unknown, not refused */
	z.orig_p = jnum(j, "id.orig_p", &bad_port);
	z.resp_p = jnum(j, "id.resp_p", &bad_port);
	json_t *fa = json_object_get(j, "AA"), *fr = json_object_get(j, "RA"),
	       *ft = json_object_get(j, "TC");
	z.aa = json_is_boolean(fa) ? json_is_true(fa) : -1;
	z.ra = json_is_boolean(fr) ? json_is_true(fr) : -1;
	z.tc = json_is_boolean(ft) ? json_is_true(ft) : -1;
	json_t *frj = json_object_get(j, "rejected");
	z.rejected = json_is_boolean(frj) ? json_is_true(frj) : -1;
	/* JSON leaves unset fields out: only items say something here */
	json_t *au = json_object_get(j, "auth");
	z.auth_denial = 0;
	for (size_t i = 0; i < json_array_size(au) && !z.auth_denial; i++) {
		json_t *x = json_array_get(au, i);
		const char *it[1] = { json_string_value(x) };
		size_t il[1] = { json_string_length(x) };
		if (it[0])
			z.auth_denial = auth_shows_denial(it, il, 1);
	}
	z.nans = 0;
	json_t *ans = json_object_get(j, "answers"), *ttls = json_object_get(j, "TTLs");
	if (json_is_null(ans))
		ans = NULL; /* LogAscii::json_include_unset_fields writes unset fields as null */
	if (ans && !json_is_array(ans))
		bad = true;
	if (bad) {
		src_bad(s, LB_BAD_FIELDS);
		goto out;
	}
	size_t na = json_array_size(ans);
	if (na > ZEEK_MAX_ANS) {
		src_bad(s, LB_BAD_FIELDS);
		goto out;
	}
	for (size_t i = 0; i < na; i++) {
		json_t *x = json_array_get(ans, i);
		if (!json_is_string(x)) {
			src_bad(s, LB_BAD_FIELDS);
			goto out;
		}
		z.ans[i] = json_string_value(x);
		z.alen[i] = json_string_length(x);
		if (z.alen[i] <= w->ucap - used && memmem(z.ans[i], z.alen[i], "\\x", 2)) {
			z.alen[i] = json_bytes(z.ans[i], z.alen[i], w->ubuf + used);
			z.ans[i] = w->ubuf + used;
			used += z.alen[i];
		}
		json_t *t = json_array_get(ttls, i);
		z.ttl[i] = json_is_number(t) ? ttl_of(json_number_value(t)) : 0;
	}
	z.nans = na;
	zeek_row(s, &z, w);
#undef z
out:
	json_decref(j);
}

void src_zeek_line(lb_src_t *s, const char *line, size_t len)
{
	if (len == 0)
		return;
	if (line[0] == '#') {
		header(s, line, len);
		return;
	}
	if (line[0] == '{' && !s->zeek.have_fields) {
		zjson(s, line, len);
		return;
	}
	tsv(s, line, len);
}
