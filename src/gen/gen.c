/*
 * gen.c - the traffic model: who asks what, how it is answered, over what.
 *
 * Each exchange picks a domain by Zipf popularity, a host under it and a
 * question type, builds the query and the response with the writer in
 * msgw.c, and frames them as UDP (2 frames) or as a TCP connection (handshake,
 * 1-3 length-prefixed exchanges, sometimes a response split in two segments,
 * FIN).  Frames wait in a small queue that lb_gen_next() drains.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/rrtype.h"
#include "gen/gen_int.h"

#define FRAME_CAP 1600
#define MSG_CAP 1400
#define QUEUE 16          /* frames of the largest exchange (TCP, 3 messages) */
#define TCP_MAX_FRAMES 15

struct lb_gen {
	lb_gen_opts_t o;
	uint64_t rng;
	double *cdf;              /* Zipf CDF over opts.names ranks */
	lb_gen_counts_t c;
	uint64_t uid;             /* unique-mode counter */
	uint32_t uaddr;           /* unique-mode address counter */
	uint16_t ipid;
	int qn, qi;               /* queued frames, next to hand out */
	size_t flen[QUEUE];
	uint8_t frame[QUEUE][FRAME_CAP];
	uint8_t qbuf[2 + MSG_CAP], rbuf[2 + MSG_CAP]; /* 2 bytes room for TCP prefix */
};

/* ---- randomness ---- */

static uint64_t rnd(lb_gen_t *g)
{
	uint64_t x = g->rng; /* xorshift64* */
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	g->rng = x;
	return x * 0x2545F4914F6CDD1Dull;
}

static uint32_t below(lb_gen_t *g, uint32_t n)
{
	return (uint32_t)(((rnd(g) >> 32) * (uint64_t)n) >> 32);
}

static bool chance(lb_gen_t *g, double p)
{
	return (double)(rnd(g) >> 11) * 0x1.0p-53 < p;
}

static uint32_t zipf_pick(lb_gen_t *g)
{
	double u = (double)(rnd(g) >> 11) * 0x1.0p-53;
	uint32_t lo = 0, hi = g->o.names - 1;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (g->cdf[mid] < u) lo = mid + 1;
		else hi = mid;
	}
	return lo;
}

/* ---- options ---- */

void lb_gen_opts_default(lb_gen_opts_t *o)
{
	memset(o, 0, sizeof *o);
	o->seed = 1;
	o->tcp_share = 0.05;
	o->ipv6_share = 0.25;
	o->names = 10000;
	o->zipf = 1.0;
	o->start = 1700000000;
	o->rate = 20000;
}

int lb_gen_opts_check(const lb_gen_opts_t *o, char *errbuf)
{
	const char *why = NULL;
	if (!(o->tcp_share >= 0 && o->tcp_share <= 1)) why = "tcp share must be within 0..1";
	else if (!(o->ipv6_share >= 0 && o->ipv6_share <= 1)) why = "ipv6 share must be within 0..1";
	else if (o->names < 1 || o->names > 50000000) why = "names must be within 1..50000000";
	else if (!(o->zipf >= 0 && o->zipf <= 5)) why = "zipf exponent must be within 0..5";
	else if (!(o->rate > 0 && o->rate <= 1e9)) why = "rate must be within (0, 1e9] packets/s";
	else if (o->start > 4000000000ull) why = "start must be a Unix time before year 2096";
	if (why) {
		if (errbuf) snprintf(errbuf, 256, "%s", why);
		return LB_EINVAL;
	}
	return 0;
}

int lb_gen_new(const lb_gen_opts_t *o, lb_gen_t **out)
{
	*out = NULL;
	if (lb_gen_opts_check(o, NULL)) return LB_EINVAL;
	lb_gen_t *g = calloc(1, sizeof *g);
	if (!g) return LB_ENOMEM;
	g->o = *o;
	g->cdf = malloc(sizeof(double) * o->names);
	if (!g->cdf) {
		free(g);
		return LB_ENOMEM;
	}
	double acc = 0;
	for (uint32_t i = 0; i < o->names; i++) {
		acc += o->zipf == 0 ? 1.0 : pow((double)i + 1, -o->zipf);
		g->cdf[i] = acc;
	}
	for (uint32_t i = 0; i < o->names; i++) g->cdf[i] /= acc;
	g->cdf[o->names - 1] = 1.0;
	g->rng = lb_gen_mix(o->seed ^ 0x6C6F6F6B6261636Bull) | 1;
	g->ipid = (uint16_t)rnd(g);
	*out = g;
	return 0;
}

void lb_gen_free(lb_gen_t *g)
{
	if (!g) return;
	free(g->cdf);
	free(g);
}

const lb_gen_counts_t *lb_gen_counts(const lb_gen_t *g)
{
	return &g->c;
}

/* ---- one exchange ---- */

typedef struct ex {
	zone_t z;
	gname_t qname;
	uint16_t qtype, id, rcode;
	bool client, v6, edns, dok, dnssec, cname;
	uint64_t hkey;          /* property hash of the host asked about */
	gname_t ptr;            /* PTR target */
	gname_t glue[8];
	int nglue;
	uint32_t dnssec_time;
	uint32_t an, rrs;       /* records written into the response */
} ex_t;

static const struct { uint16_t t; int w; } qtypes[] = {
	{ LB_T_A, 50 }, { LB_T_AAAA, 22 }, { LB_T_MX, 4 }, { LB_T_TXT, 5 }, { LB_T_NS, 4 },
	{ LB_T_SRV, 2 }, { LB_T_PTR, 7 }, { LB_T_SOA, 2 }, { LB_T_DS, 2 }, { LB_T_DNSKEY, 2 },
};

static const struct { const char *h; int w; } hosts[] = {
	{ "", 18 }, { "www", 34 }, { "mail", 5 }, { "api", 6 }, { "cdn", 5 }, { "static", 4 },
	{ "m", 3 }, { "img", 3 }, { "login", 2 }, { "app", 4 }, { "shop", 2 }, { "blog", 2 },
	{ "vpn", 1 }, { "dev", 1 }, { NULL, 10 }, /* NULL: srv<k> */
};

static const char *const cdns[] = { "edgekey.net", "cloudfront.net", "fastly.net",
				    "azureedge.net", "trafficmanager.net", "herokudns.com" };

static void addr4(lb_gen_t *g, const ex_t *e, uint64_t key, int i, uint8_t a[4])
{
	if (e->z.uid) {
		uint32_t v = (g->uaddr++) * 0x9E3779B1u; /* odd multiplier: a bijection */
		a[0] = (uint8_t)(v >> 24); a[1] = (uint8_t)(v >> 16);
		a[2] = (uint8_t)(v >> 8); a[3] = (uint8_t)v;
		return;
	}
	lb_gen_addr4(key, i, a);
}

static void addr6(lb_gen_t *g, const ex_t *e, uint64_t key, int i, uint8_t a[16])
{
	lb_gen_addr6(key, i, a);
	if (e->z.uid) {
		uint32_t v = g->uaddr++;
		a[8] = 0xfe; a[9] = 0xed; a[10] = 0; a[11] = 0;
		a[12] = (uint8_t)(v >> 24); a[13] = (uint8_t)(v >> 16);
		a[14] = (uint8_t)(v >> 8); a[15] = (uint8_t)v;
	}
}

static void rrsig(lb_gen_msg_t *m, ex_t *e, int sec, const gname_t *owner, uint16_t covered,
		  uint32_t ttl, const gname_t *signer, uint16_t keytag)
{
	if (!e->dok || !e->z.signed_) return;
	e->dnssec = true;
	lb_gen_msg_rr_begin(m, sec, owner->b, LB_T_RRSIG, LB_C_IN, ttl);
	lb_gen_msg_u16(m, covered);
	lb_gen_msg_u8(m, 13);                       /* ECDSAP256SHA256 */
	lb_gen_msg_u8(m, (uint8_t)lb_gn_labels(owner));
	lb_gen_msg_u32(m, ttl);
	lb_gen_msg_u32(m, e->dnssec_time + 14 * 86400);
	lb_gen_msg_u32(m, e->dnssec_time - 7 * 86400);
	lb_gen_msg_u16(m, keytag);
	lb_gen_msg_name(m, signer->b, false);
	uint64_t h = lb_gen_hash_name(owner, covered);
	for (int i = 0; i < 8; i++) {
		uint64_t v = lb_gen_mix(h + (uint64_t)i);
		lb_gen_msg_bytes(m, &v, 8);
	}
	lb_gen_msg_rr_end(m);
}

static void put_soa(lb_gen_msg_t *m, ex_t *e, int sec)
{
	gname_t mname, rname;
	lb_gen_ns_name(&e->z, 0, &mname);
	lb_gn_clear(&rname);
	lb_gn_text(&rname, (e->z.h >> 5) & 1 ? "hostmaster" : "dns-admin");
	lb_gn_name(&rname, &e->z.apex);
	lb_gen_msg_rr_begin(m, sec, e->z.apex.b, LB_T_SOA, LB_C_IN, e->z.ttl);
	lb_gen_msg_name(m, mname.b, true);
	lb_gen_msg_name(m, rname.b, true);
	lb_gen_msg_u32(m, 2023000000u + (uint32_t)(e->z.h % 99999));
	lb_gen_msg_u32(m, 7200);
	lb_gen_msg_u32(m, 3600);
	lb_gen_msg_u32(m, 1209600);
	lb_gen_msg_u32(m, e->z.ttl);
	lb_gen_msg_rr_end(m);
	rrsig(m, e, sec, &e->z.apex, LB_T_SOA, e->z.ttl, &e->z.apex, e->z.keytag);
}

static void add_glue(ex_t *e, const gname_t *n)
{
	if (e->nglue < 8) e->glue[e->nglue++] = *n;
}

static void put_ns(lb_gen_msg_t *m, ex_t *e, int sec)
{
	for (int i = 0; i < e->z.nns; i++) {
		gname_t ns;
		lb_gen_ns_name(&e->z, i, &ns);
		lb_gen_msg_rr_begin(m, sec, e->z.apex.b, LB_T_NS, LB_C_IN, 86400);
		lb_gen_msg_name(m, ns.b, true);
		lb_gen_msg_rr_end(m);
		if (e->z.own_ns) add_glue(e, &ns);
	}
	if (sec == 1) rrsig(m, e, sec, &e->z.apex, LB_T_NS, 86400, &e->z.apex, e->z.keytag);
}

static void put_addrs(lb_gen_t *g, lb_gen_msg_t *m, ex_t *e, int sec, const gname_t *owner,
		      uint16_t type, uint32_t ttl)
{
	uint64_t key = lb_gen_hash_name(owner, g->o.seed);
	int n = type == LB_T_A ? 1 + (int)((key >> 8) % 3) : 1 + (int)((key >> 10) % 2);
	for (int i = 0; i < n; i++) {
		uint8_t a[16];
		lb_gen_msg_rr_begin(m, sec, owner->b, type, LB_C_IN, ttl);
		if (type == LB_T_A) {
			addr4(g, e, key, i, a);
			lb_gen_msg_bytes(m, a, 4);
		} else {
			addr6(g, e, key, i, a);
			lb_gen_msg_bytes(m, a, 16);
		}
		lb_gen_msg_rr_end(m);
	}
	rrsig(m, e, sec, owner, type, ttl, &e->z.apex, e->z.keytag);
}

/* A/AAAA at the qname, through a CNAME chain for some hosts. */
static void answer_addr(lb_gen_t *g, lb_gen_msg_t *m, ex_t *e)
{
	gname_t cur = e->qname;
	uint64_t k = e->hkey;
	int links = (k >> 3) % 100 < 30 && e->qname.n != e->z.apex.n ? 1 + (int)((k >> 12) % 3) : 0;
	for (int i = 0; i < links; i++) {
		gname_t next;
		lbl_t l = { .n = 0 };
		lb_gn_clear(&next);
		lb_lbl_str(&l, i == 0 ? "" : "e");
		if (i == 0) {
			memcpy(l.s, e->z.label.s, e->z.label.n);
			l.n = e->z.label.n;
			lb_lbl_str(&l, "-");
			lb_lbl_enc(&l, k >> 20, 1);
		} else {
			lb_lbl_num(&l, (k >> (16 + 4 * i)) % 9000);
		}
		lb_gn_label(&next, l.s, l.n);
		if (e->z.uid) {
			l.n = 0;
			lb_lbl_str(&l, "u");
			lb_lbl_enc(&l, e->z.uid, 1);
			lb_gn_label(&next, l.s, l.n);
		}
		lb_gn_text(&next, i == 0 ? "cdn" : i == 1 ? "a" : "g");
		lb_gn_text(&next, cdns[(k >> 40) % 6]);
		lb_gen_msg_rr_begin(m, 1, cur.b, LB_T_CNAME, LB_C_IN, e->z.ttl);
		lb_gen_msg_name(m, next.b, true);
		lb_gen_msg_rr_end(m);
		if (i == 0) rrsig(m, e, 1, &cur, LB_T_CNAME, e->z.ttl, &e->z.apex, e->z.keytag);
		cur = next;
		e->cname = true;
	}
	if (e->qtype == LB_T_AAAA && !e->z.has_v6 && !links) {
		put_soa(m, e, 2); /* NODATA */
		return;
	}
	put_addrs(g, m, e, 1, &cur, e->qtype, links ? 60 : e->z.ttl);
	if (!e->client && !links && (k >> 50) % 4 == 0) put_ns(m, e, 2);
}

static void answer_mx(lb_gen_t *g, lb_gen_msg_t *m, ex_t *e)
{
	(void)g;
	unsigned kind = (unsigned)((e->z.h >> 12) % 3);
	for (int i = 0; i < 2; i++) {
		gname_t mx;
		lb_gn_clear(&mx);
		uint16_t pref = (uint16_t)(10 * (i + 1));
		if (kind == 0) {
			lb_gn_text(&mx, i ? "mx2" : "mx1");
			lb_gn_name(&mx, &e->z.apex);
			add_glue(e, &mx);
		} else if (kind == 1) {
			lb_gn_text(&mx, i ? "alt1.aspmx.l.google.com" : "aspmx.l.google.com");
			pref = (uint16_t)(i ? 5 : 1);
		} else {
			if (i) break;
			lbl_t l = { .n = 0 };
			memcpy(l.s, e->z.label.s, e->z.label.n);
			l.n = e->z.label.n;
			lb_lbl_str(&l, "-");
			lb_lbl_str(&l, e->z.tld[0] == 'c' && e->z.tld[1] == 'o' ? "com" : "net");
			lb_gn_label(&mx, l.s, l.n);
			lb_gn_text(&mx, "mail.protection.outlook.com");
			pref = 0;
		}
		lb_gen_msg_rr_begin(m, 1, e->qname.b, LB_T_MX, LB_C_IN, e->z.ttl);
		lb_gen_msg_u16(m, pref);
		lb_gen_msg_name(m, mx.b, true);
		lb_gen_msg_rr_end(m);
	}
	rrsig(m, e, 1, &e->qname, LB_T_MX, e->z.ttl, &e->z.apex, e->z.keytag);
}

static void txt(lb_gen_msg_t *m, const char *s)
{
	size_t n = strlen(s);
	lb_gen_msg_u8(m, (uint8_t)n);
	lb_gen_msg_bytes(m, s, n);
}

static void answer_txt(lb_gen_msg_t *m, ex_t *e)
{
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	char buf[96];
	int n = 1 + (int)((e->hkey >> 7) % 3);
	for (int i = 0; i < n; i++) {
		lb_gen_msg_rr_begin(m, 1, e->qname.b, LB_T_TXT, LB_C_IN, e->z.ttl);
		if (i == 0) {
			txt(m, (e->z.h >> 14) & 1 ? "v=spf1 include:_spf.google.com ~all"
						   : "v=spf1 mx a include:spf.protection.outlook.com -all");
		} else {
			uint64_t v = lb_gen_mix(e->hkey + (uint64_t)i);
			int o = snprintf(buf, sizeof buf, "%s",
					 i == 1 ? "google-site-verification=" : "MS=ms");
			for (int k = 0; k < (i == 1 ? 43 : 8); k++, v = lb_gen_mix(v))
				buf[o++] = i == 1 ? b64[v & 63] : (char)('0' + v % 10);
			buf[o] = 0;
			txt(m, buf);
		}
		lb_gen_msg_rr_end(m);
	}
	rrsig(m, e, 1, &e->qname, LB_T_TXT, e->z.ttl, &e->z.apex, e->z.keytag);
}

static void answer_srv(lb_gen_t *g, lb_gen_msg_t *m, ex_t *e)
{
	(void)g;
	gname_t target;
	lb_gn_clear(&target);
	lb_gn_text(&target, "sip");
	lb_gn_name(&target, &e->z.apex);
	lb_gen_msg_rr_begin(m, 1, e->qname.b, LB_T_SRV, LB_C_IN, e->z.ttl);
	lb_gen_msg_u16(m, 10);
	lb_gen_msg_u16(m, 60);
	lb_gen_msg_u16(m, 5061);
	lb_gen_msg_name(m, target.b, false); /* RFC 2782: no compression */
	lb_gen_msg_rr_end(m);
	rrsig(m, e, 1, &e->qname, LB_T_SRV, e->z.ttl, &e->z.apex, e->z.keytag);
	add_glue(e, &target);
}

static void answer_keys(lb_gen_msg_t *m, ex_t *e)
{
	if (!e->z.signed_) {
		put_soa(m, e, 2);
		return;
	}
	if (e->qtype == LB_T_DS) {
		lb_gen_msg_rr_begin(m, 1, e->z.apex.b, LB_T_DS, LB_C_IN, 86400);
		lb_gen_msg_u16(m, e->z.keytag);
		lb_gen_msg_u8(m, 13);
		lb_gen_msg_u8(m, 2);
		for (int i = 0; i < 4; i++) {
			uint64_t v = lb_gen_mix(e->z.h + 77 + (uint64_t)i);
			lb_gen_msg_bytes(m, &v, 8);
		}
		lb_gen_msg_rr_end(m);
		rrsig(m, e, 1, &e->z.apex, LB_T_DS, 86400, &e->z.tldn,
		      (uint16_t)lb_gen_hash_name(&e->z.tldn, 1));
		return;
	}
	for (int k = 0; k < 2; k++) {
		lb_gen_msg_rr_begin(m, 1, e->z.apex.b, LB_T_DNSKEY, LB_C_IN, 3600);
		lb_gen_msg_u16(m, k ? 256 : 257);
		lb_gen_msg_u8(m, 3);
		lb_gen_msg_u8(m, 13);
		for (int i = 0; i < 8; i++) {
			uint64_t v = lb_gen_mix(e->z.h + (uint64_t)(k * 8 + i));
			lb_gen_msg_bytes(m, &v, 8);
		}
		lb_gen_msg_rr_end(m);
	}
	rrsig(m, e, 1, &e->z.apex, LB_T_DNSKEY, 3600, &e->z.apex, e->z.keytag);
}

/* PTR: qname is the reverse name of one of a host's addresses. */
static void pick_ptr(lb_gen_t *g, ex_t *e)
{
	uint8_t a[16];
	char t[8];
	lb_gn_clear(&e->qname);
	gname_t host;
	lb_gn_clear(&host);
	lb_gn_text(&host, "www");
	lb_gn_name(&host, &e->z.apex);
	uint64_t key = lb_gen_hash_name(&host, g->o.seed);
	if (chance(g, 0.8)) {
		addr4(g, e, key, 0, a);
		for (int i = 3; i >= 0; i--) {
			int n = snprintf(t, sizeof t, "%u", a[i]);
			lb_gn_label(&e->qname, t, (size_t)n);
		}
		lb_gn_text(&e->qname, "in-addr.arpa");
	} else {
		addr6(g, e, key, 0, a);
		for (int i = 15; i >= 0; i--) {
			t[0] = "0123456789abcdef"[a[i] & 15];
			lb_gn_label(&e->qname, t, 1);
			t[0] = "0123456789abcdef"[a[i] >> 4];
			lb_gn_label(&e->qname, t, 1);
		}
		lb_gn_text(&e->qname, "ip6.arpa");
	}
	e->ptr = host;
}

static void put_glue(lb_gen_t *g, lb_gen_msg_t *m, ex_t *e)
{
	for (int i = 0; i < e->nglue; i++) {
		put_addrs(g, m, e, 3, &e->glue[i], LB_T_A, 86400);
		if (e->z.has_v6 && i < 2) put_addrs(g, m, e, 3, &e->glue[i], LB_T_AAAA, 86400);
	}
}

/* Build the query into g->qbuf+2 and (unless lost) the response into g->rbuf+2. */
static void build(lb_gen_t *g, ex_t *e, int *qlen, int *rlen)
{
	lb_gen_msg_t m;
	bool opt = e->edns;
	uint16_t qflags = e->client ? 0x0100 : 0x0000; /* RD from stubs */
	lb_gen_msg_init(&m, g->qbuf + 2, MSG_CAP, e->id, qflags);
	lb_gen_msg_question(&m, e->qname.b, e->qtype, LB_C_IN);
	if (e->edns) lb_gen_msg_opt(&m, e->client ? 4096 : 1232, e->dok);
	*qlen = lb_gen_msg_end(&m);

	uint16_t rflags = (uint16_t)(0x8000 | qflags | (e->client ? 0x0080 : 0x0400) | e->rcode);
	lb_gen_msg_init(&m, g->rbuf + 2, MSG_CAP, e->id, rflags);
	lb_gen_msg_question(&m, e->qname.b, e->qtype, LB_C_IN);
	if (e->rcode == LB_RCODE_NXDOMAIN) {
		put_soa(&m, e, 2);
	} else if (e->rcode == LB_RCODE_NOERROR) {
		switch (e->qtype) {
		case LB_T_A: case LB_T_AAAA: answer_addr(g, &m, e); break;
		case LB_T_MX: answer_mx(g, &m, e); break;
		case LB_T_TXT: answer_txt(&m, e); break;
		case LB_T_NS: put_ns(&m, e, 1); break;
		case LB_T_SRV: answer_srv(g, &m, e); break;
		case LB_T_DS: case LB_T_DNSKEY: answer_keys(&m, e); break;
		case LB_T_SOA:
			put_soa(&m, e, 1);
			break;
		case LB_T_PTR:
			lb_gen_msg_rr_begin(&m, 1, e->qname.b, LB_T_PTR, LB_C_IN, 3600);
			lb_gen_msg_name(&m, e->ptr.b, true);
			lb_gen_msg_rr_end(&m);
			break;
		default: break;
		}
		put_glue(g, &m, e);
	}
	if (e->edns) lb_gen_msg_opt(&m, 1232, e->dok);
	*rlen = lb_gen_msg_end(&m);
	if (*rlen < 0) { /* did not fit: a truncated answer, as servers send */
		lb_gen_msg_init(&m, g->rbuf + 2, MSG_CAP, e->id, (uint16_t)(rflags | 0x0200));
		lb_gen_msg_question(&m, e->qname.b, e->qtype, LB_C_IN);
		*rlen = lb_gen_msg_end(&m);
		e->dnssec = e->cname = opt = false;
	}
	e->an = m.count[1];
	e->rrs = (uint32_t)m.count[1] + m.count[2] + m.count[3] - (opt ? 1 : 0);
}

/* ---- choosing an exchange ---- */

static const char *pick_host(lb_gen_t *g, lbl_t *tmp)
{
	uint32_t r = below(g, 100), acc = 0;
	for (size_t i = 0; i < sizeof hosts / sizeof hosts[0]; i++) {
		acc += (uint32_t)hosts[i].w;
		if (r < acc) {
			if (hosts[i].h) return hosts[i].h;
			break;
		}
	}
	tmp->n = 0;
	lb_lbl_str(tmp, "srv");
	lb_lbl_num(tmp, below(g, 40));
	tmp->s[tmp->n] = 0;
	return tmp->s;
}

/* Set up one exchange; like (may be NULL) fixes the endpoints' kind (TCP reuse). */
static void setup(lb_gen_t *g, ex_t *e, const ex_t *like)
{
	lbl_t tmp;
	e->nglue = 0;
	e->dnssec = e->cname = false;
	e->rcode = LB_RCODE_NOERROR;
	lb_gen_zone(&e->z, g->o.seed, zipf_pick(g), g->o.unique ? ++g->uid : 0);
	e->client = like ? like->client : chance(g, 0.15);
	e->v6 = like ? like->v6 : chance(g, g->o.ipv6_share);
	e->edns = chance(g, e->client ? 0.8 : 0.95);
	e->dok = e->edns && chance(g, e->client ? 0.3 : 0.85);
	e->id = (uint16_t)rnd(g);
	e->dnssec_time = (uint32_t)(g->o.start - g->o.start % 86400);

	uint32_t r = below(g, 100), acc = 0;
	e->qtype = LB_T_A;
	for (size_t i = 0; i < sizeof qtypes / sizeof qtypes[0]; i++) {
		acc += (uint32_t)qtypes[i].w;
		if (r < acc) {
			e->qtype = qtypes[i].t;
			break;
		}
	}
	lb_gn_clear(&e->qname);
	switch (e->qtype) {
	case LB_T_A: case LB_T_AAAA: {
		const char *h = pick_host(g, &tmp);
		if (*h) lb_gn_text(&e->qname, h);
		break;
	}
	case LB_T_SRV:
		lb_gn_text(&e->qname, below(g, 2) ? "_sip._tls" : "_xmpp-server._tcp");
		break;
	case LB_T_PTR:
		pick_ptr(g, e);
		break;
	default:
		break;
	}
	if (e->qtype != LB_T_PTR) lb_gn_name(&e->qname, &e->z.apex);
	e->hkey = lb_gen_hash_name(&e->qname, g->o.seed);

	double u = (double)(rnd(g) >> 11) * 0x1.0p-53;
	if (u < 0.005) {
		e->rcode = LB_RCODE_SERVFAIL;
	} else if (u < 0.035 && e->qtype != LB_T_PTR) {
		/* a name that does not exist: typo, probe or random subdomain */
		e->rcode = LB_RCODE_NXDOMAIN;
		tmp.n = 0;
		lb_lbl_str(&tmp, "x");
		lb_lbl_enc(&tmp, rnd(g) % 100000, 1);
		lb_gn_clear(&e->qname);
		lb_gn_label(&e->qname, tmp.s, tmp.n);
		lb_gn_name(&e->qname, &e->z.apex);
	}
}

/* The query's direction: stub -> resolver, or resolver -> authoritative. */
static void endpoints(lb_gen_t *g, const ex_t *e, lb_gen_flow_t *f)
{
	memset(f, 0, sizeof *f);
	f->ipver = e->v6 ? 6 : 4;
	f->sport = (uint16_t)(1024 + below(g, 64511));
	f->dport = 53;
	uint32_t res = below(g, 4);
	if (e->v6) {
		static const uint8_t p53[6] = { 0xfd, 0x00, 0x00, 0x53, 0, 0 };
		memcpy(e->client ? f->dst : f->src, p53, 6);
		(e->client ? f->dst : f->src)[15] = (uint8_t)(1 + res);
	} else {
		uint8_t *a = e->client ? f->dst : f->src;
		a[0] = 10; a[1] = 53; a[2] = 0; a[3] = (uint8_t)(1 + res);
	}
	if (e->client) {
		uint32_t cl = below(g, 2000);
		if (e->v6) {
			f->src[0] = 0xfd; f->src[3] = 1;
			f->src[14] = (uint8_t)(cl >> 8); f->src[15] = (uint8_t)cl;
		} else {
			f->src[0] = 10; f->src[1] = 1;
			f->src[2] = (uint8_t)(cl >> 8); f->src[3] = (uint8_t)(1 + cl % 250);
		}
		return;
	}
	gname_t ns;
	lb_gen_ns_name(&e->z, (int)below(g, (uint32_t)e->z.nns), &ns);
	uint64_t key = lb_gen_hash_name(&ns, g->o.seed);
	if (e->v6) lb_gen_addr6(key, 0, f->dst);
	else lb_gen_addr4(key, 0, f->dst);
}

static void reverse(const lb_gen_flow_t *f, lb_gen_flow_t *r)
{
	r->ipver = f->ipver;
	memcpy(r->src, f->dst, 16);
	memcpy(r->dst, f->src, 16);
	r->sport = f->dport;
	r->dport = f->sport;
}

static void count_query(lb_gen_t *g, const ex_t *e, bool tcp)
{
	(void)e;
	g->c.queries++;
	if (tcp) g->c.tcp_msgs++;
	else g->c.udp_msgs++;
}

static void count_resp(lb_gen_t *g, const ex_t *e, bool tcp)
{
	lb_gen_counts_t *c = &g->c;
	c->responses++;
	if (tcp) c->tcp_msgs++;
	else c->udp_msgs++;
	c->answer_rrs += e->an;
	c->rrs += e->rrs;
	if (e->rcode == LB_RCODE_NXDOMAIN) c->nxdomain++;
	else if (e->rcode == LB_RCODE_SERVFAIL) c->servfail++;
	else if (e->an == 0) c->nodata++;
	if (e->cname) c->cname_resp++;
	if (e->dnssec) c->dnssec_resp++;
	int k;
	switch (e->qtype) {
	case LB_T_A: k = LB_GEN_Q_A; break;
	case LB_T_AAAA: k = LB_GEN_Q_AAAA; break;
	case LB_T_MX: k = LB_GEN_Q_MX; break;
	case LB_T_TXT: k = LB_GEN_Q_TXT; break;
	case LB_T_NS: k = LB_GEN_Q_NS; break;
	case LB_T_SRV: k = LB_GEN_Q_SRV; break;
	case LB_T_PTR: k = LB_GEN_Q_PTR; break;
	default: k = LB_GEN_Q_OTHER; break;
	}
	c->by_qtype[k]++;
}

/* ---- framing into the queue ---- */

static void push_udp(lb_gen_t *g, const lb_gen_flow_t *f, const uint8_t *p, size_t len)
{
	size_t n = lb_gen_frame_udp(g->frame[g->qn], FRAME_CAP, f, g->ipid++, p, len);
	if (!n) return; /* cannot happen: messages are capped below the frame size */
	if (f->ipver == 6) g->c.ipv6_frames++;
	g->flen[g->qn++] = n;
}

static void push_tcp(lb_gen_t *g, const lb_gen_flow_t *f, uint32_t seq, uint32_t ack,
		     uint8_t flags, const uint8_t *p, size_t len)
{
	size_t n = lb_gen_frame_tcp(g->frame[g->qn], FRAME_CAP, f, g->ipid++, seq, ack, flags, p,
				    len);
	if (!n) return;
	if (f->ipver == 6) g->c.ipv6_frames++;
	g->flen[g->qn++] = n;
}

static void exchange_udp(lb_gen_t *g, uint64_t left)
{
	ex_t e;
	lb_gen_flow_t f, r;
	int qlen, rlen;
	setup(g, &e, NULL);
	endpoints(g, &e, &f);
	reverse(&f, &r);
	build(g, &e, &qlen, &rlen);
	push_udp(g, &f, g->qbuf + 2, (size_t)qlen);
	count_query(g, &e, false);
	if (left >= 2 && !chance(g, 0.01)) { /* about 1% of queries go unanswered */
		push_udp(g, &r, g->rbuf + 2, (size_t)rlen);
		count_resp(g, &e, false);
	}
}

static void exchange_tcp(lb_gen_t *g)
{
	ex_t e;
	lb_gen_flow_t f, r;
	int qlen, rlen;
	uint32_t cs = (uint32_t)rnd(g), ss = (uint32_t)rnd(g);
	int nmsg = chance(g, 0.3) ? 2 + (int)below(g, 2) : 1;
	const uint8_t A = LB_GEN_TCP_ACK, PA = LB_GEN_TCP_PSH | LB_GEN_TCP_ACK;

	setup(g, &e, NULL);
	endpoints(g, &e, &f);
	reverse(&f, &r);
	g->c.tcp_conns++;
	push_tcp(g, &f, cs, 0, LB_GEN_TCP_SYN, NULL, 0);
	push_tcp(g, &r, ss, cs + 1, LB_GEN_TCP_SYN | A, NULL, 0);
	cs++, ss++;
	push_tcp(g, &f, cs, ss, A, NULL, 0);
	for (int k = 0; k < nmsg; k++) {
		if (k) setup(g, &e, &e);
		build(g, &e, &qlen, &rlen);
		g->qbuf[0] = (uint8_t)(qlen >> 8), g->qbuf[1] = (uint8_t)qlen;
		g->rbuf[0] = (uint8_t)(rlen >> 8), g->rbuf[1] = (uint8_t)rlen;
		push_tcp(g, &f, cs, ss, PA, g->qbuf, (size_t)qlen + 2);
		cs += (uint32_t)qlen + 2;
		count_query(g, &e, true);
		size_t total = (size_t)rlen + 2, cut = total;
		if (chance(g, 0.15)) {
			cut = chance(g, 0.3) ? 2 : 3 + below(g, (uint32_t)total - 4);
			g->c.tcp_split++;
		}
		push_tcp(g, &r, ss, cs, cut == total ? PA : A, g->rbuf, cut);
		if (cut < total) push_tcp(g, &r, ss + (uint32_t)cut, cs, PA, g->rbuf + cut, total - cut);
		ss += (uint32_t)total;
		count_resp(g, &e, true);
	}
	push_tcp(g, &f, cs, ss, LB_GEN_TCP_FIN | A, NULL, 0);
	push_tcp(g, &r, ss, cs + 1, LB_GEN_TCP_FIN | A, NULL, 0);
	push_tcp(g, &f, cs + 1, ss + 1, A, NULL, 0);
}

int lb_gen_next(lb_gen_t *g, struct timeval *ts, const uint8_t **frame, size_t *len)
{
	if (g->qi == g->qn) {
		uint64_t pushed = g->c.frames;
		g->qi = g->qn = 0;
		if (pushed >= g->o.packets) return 0;
		uint64_t left = g->o.packets - pushed;
		if (left >= TCP_MAX_FRAMES && chance(g, g->o.tcp_share)) exchange_tcp(g);
		else exchange_udp(g, left);
		if (g->qn == 0) return 0;
	}
	uint64_t k = g->c.frames++;
	uint64_t us = (uint64_t)((double)k * 1e6 / g->o.rate);
	ts->tv_sec = (time_t)(g->o.start + us / 1000000);
	ts->tv_usec = (suseconds_t)(us % 1000000);
	*frame = g->frame[g->qi];
	*len = g->flen[g->qi++];
	g->c.bytes += *len;
	return 1;
}
