/*
 * referral.c - zone -> nameserver address table learned from referrals
 * (see referral.h for the rules).
 *
 * Layout: every array is allocated once at creation (calloc, so untouched
 * slots cost no resident memory).  Zones live in a slot array with a chained
 * hash on their name; addresses of zone i are addrs[i * max_addrs ...].  NS
 * names are links (name -> zone slot + generation) in a ring with their own
 * chained hash; evicting a zone bumps its generation, which voids its links.
 */
#include "observe/referral.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dns/name.h"
#include "dns/rrtype.h"
#include "util/cursor.h"

#define NIL UINT32_MAX
#define TTL_CAP (7u * 86400u)
#define REFERRAL_NS_MAX 32   /* NS targets considered per referral */

struct rf_addr {
	uint64_t expire;     /* capture time; 0 = never (hints) */
	uint8_t a[16];
	uint8_t ver;         /* 4 or 6; 0 = empty */
};

struct rf_zone {
	uint8_t name[LB_NAME_MAX];
	uint16_t len;
	uint16_t naddr;
	uint32_t next;       /* hash chain */
	uint32_t gen;
	bool used, pinned, ref;
};

struct rf_ns {
	uint8_t name[LB_NAME_MAX];
	uint16_t len;
	bool used;
	uint32_t zone, gen;
	uint32_t next;       /* hash chain */
};

struct lb_referral {
	lb_referral_opts_t o;
	struct rf_zone *zones;
	struct rf_addr *addrs;
	uint32_t *zb;        /* zone buckets */
	uint32_t zmask;
	size_t nzones, hand;
	struct rf_ns *ns;
	uint32_t *nb;        /* NS buckets */
	uint32_t nmask;
	size_t ns_head;
	lb_referral_stats_t st;
	uint8_t bw[LB_NAME_MAX];
};

static uint32_t name_hash(const uint8_t *n, size_t len)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < len; i++)
		h = (h ^ n[i]) * 16777619u;
	return h;
}

static size_t wire_len(const uint8_t *n)
{
	size_t off = 0;
	while (off < LB_NAME_MAX && n[off])
		off += (size_t)n[off] + 1;
	return off + 1;
}

static uint32_t pow2_at_least(size_t n)
{
	uint32_t p = 16;
	while (p < n && p < (1u << 30))
		p <<= 1;
	return p;
}

int lb_referral_new(const lb_referral_opts_t *o, lb_referral_t **out)
{
	*out = NULL;
	lb_referral_t *r = calloc(1, sizeof *r);
	if (!r)
		return LB_ENOMEM;
	if (o)
		r->o = *o;
	if (!r->o.max_zones)
		r->o.max_zones = 4096;
	if (!r->o.max_addrs)
		r->o.max_addrs = 32;
	if (!r->o.max_ns)
		r->o.max_ns = 4 * r->o.max_zones;
	if (!r->o.ttl_grace)
		r->o.ttl_grace = 3600;
	if (r->o.max_zones > (1u << 24) || r->o.max_addrs > 1024 || r->o.max_ns > (1u << 26)) {
		free(r);
		return LB_EINVAL;
	}
	r->zmask = pow2_at_least(2 * r->o.max_zones) - 1;
	r->nmask = pow2_at_least(2 * r->o.max_ns) - 1;
	r->zones = calloc(r->o.max_zones, sizeof *r->zones);
	r->addrs = calloc(r->o.max_zones * r->o.max_addrs, sizeof *r->addrs);
	r->zb = malloc(((size_t)r->zmask + 1) * sizeof *r->zb);
	r->ns = calloc(r->o.max_ns, sizeof *r->ns);
	r->nb = malloc(((size_t)r->nmask + 1) * sizeof *r->nb);
	if (!r->zones || !r->addrs || !r->zb || !r->ns || !r->nb) {
		lb_referral_free(r);
		return LB_ENOMEM;
	}
	memset(r->zb, 0xff, ((size_t)r->zmask + 1) * sizeof *r->zb);
	memset(r->nb, 0xff, ((size_t)r->nmask + 1) * sizeof *r->nb);
	*out = r;
	return 0;
}

void lb_referral_free(lb_referral_t *r)
{
	if (!r)
		return;
	free(r->zones);
	free(r->addrs);
	free(r->zb);
	free(r->ns);
	free(r->nb);
	free(r);
}

/* ---- zones ---- */

static struct rf_zone *zone_get(lb_referral_t *r, const uint8_t *name, size_t len)
{
	for (uint32_t i = r->zb[name_hash(name, len) & r->zmask]; i != NIL; i = r->zones[i].next) {
		struct rf_zone *z = &r->zones[i];
		if (z->len == len && memcmp(z->name, name, len) == 0)
			return z;
	}
	return NULL;
}

static void zone_unlink(lb_referral_t *r, struct rf_zone *z)
{
	uint32_t idx = (uint32_t)(z - r->zones);
	uint32_t *pp = &r->zb[name_hash(z->name, z->len) & r->zmask];
	while (*pp != NIL && *pp != idx)
		pp = &r->zones[*pp].next;
	if (*pp == idx)
		*pp = z->next;
}

/* A free slot: a new one while there are, else CLOCK over unpinned zones. */
static struct rf_zone *zone_slot(lb_referral_t *r)
{
	if (r->nzones < r->o.max_zones)
		return &r->zones[r->nzones++];
	for (size_t step = 0; step < 2 * r->o.max_zones; step++) {
		struct rf_zone *z = &r->zones[r->hand];
		r->hand = (r->hand + 1) % r->o.max_zones;
		if (z->pinned)
			continue;
		if (z->ref) {
			z->ref = false;
			continue;
		}
		zone_unlink(r, z);
		z->used = false;
		z->gen++;    /* voids NS links to the old zone */
		r->st.zones_evicted++;
		return z;
	}
	r->st.zones_refused++;
	return NULL;
}

static struct rf_zone *zone_make(lb_referral_t *r, const uint8_t *name, size_t len, bool *created)
{
	*created = false;
	struct rf_zone *z = zone_get(r, name, len);
	if (z)
		return z;
	z = zone_slot(r);
	if (!z)
		return NULL;
	memcpy(z->name, name, len);
	z->len = (uint16_t)len;
	z->naddr = 0;
	z->used = true;
	z->pinned = false;
	z->ref = true;
	uint32_t *b = &r->zb[name_hash(name, len) & r->zmask];
	z->next = *b;
	*b = (uint32_t)(z - r->zones);
	*created = true;
	return z;
}

static struct rf_addr *zone_addrs(lb_referral_t *r, const struct rf_zone *z)
{
	return &r->addrs[(size_t)(z - r->zones) * r->o.max_addrs];
}

static bool addr_live(const lb_referral_t *r, const struct rf_addr *a, uint64_t now)
{
	return a->expire == 0 || now <= a->expire + r->o.ttl_grace;
}

static bool zone_has(lb_referral_t *r, const struct rf_zone *z, int ver, const uint8_t *addr,
		     uint64_t now)
{
	size_t alen = ver == 4 ? 4 : 16;
	const struct rf_addr *a = zone_addrs(r, z);
	for (size_t i = 0; i < z->naddr; i++)
		if (a[i].ver == ver && memcmp(a[i].a, addr, alen) == 0)
			return addr_live(r, &a[i], now);
	return false;
}

/* ttl == 0 with pin: never expires. */
static void zone_add_addr(lb_referral_t *r, struct rf_zone *z, int ver, const uint8_t *addr,
			  uint32_t ttl, bool pin, uint64_t now)
{
	size_t alen = ver == 4 ? 4 : 16;
	struct rf_addr *a = zone_addrs(r, z);
	uint64_t exp = pin ? 0 : now + (ttl > TTL_CAP ? TTL_CAP : ttl);
	for (size_t i = 0; i < z->naddr; i++) {
		if (a[i].ver == ver && memcmp(a[i].a, addr, alen) == 0) {
			if (a[i].expire != 0 && (exp == 0 || exp > a[i].expire))
				a[i].expire = exp;
			return;
		}
	}
	size_t slot = z->naddr;
	if (slot >= r->o.max_addrs) {
		/* reuse an address past its grace, else refuse */
		for (slot = 0; slot < z->naddr; slot++)
			if (!addr_live(r, &a[slot], now))
				break;
		if (slot == z->naddr) {
			r->st.addrs_refused++;
			return;
		}
	} else {
		z->naddr++;
	}
	memset(&a[slot], 0, sizeof a[slot]);
	memcpy(a[slot].a, addr, alen);
	a[slot].ver = (uint8_t)ver;
	a[slot].expire = exp;
	if (!pin)
		r->st.learned_addrs++;
}

int lb_referral_add(lb_referral_t *r, const uint8_t *zone, int ipver, const uint8_t *addr)
{
	if (ipver != 4 && ipver != 6)
		return LB_EINVAL;
	int zl = lb_name_check(zone, LB_NAME_MAX);
	if (zl < 0)
		return zl;
	uint8_t name[LB_NAME_MAX];
	memcpy(name, zone, (size_t)zl);
	lb_name_lower(name);
	bool created;
	struct rf_zone *z = zone_make(r, name, (size_t)zl, &created);
	if (!z)
		return LB_ELIMIT;
	z->pinned = true;
	size_t before = z->naddr;
	zone_add_addr(r, z, ipver, addr, 0, true, 0);
	return z->naddr > before || zone_has(r, z, ipver, addr, 0) ? 0 : LB_ELIMIT;
}

/* ---- NS name links ---- */

static void ns_link(lb_referral_t *r, const uint8_t *name, size_t len, const struct rf_zone *z)
{
	uint32_t zi = (uint32_t)(z - r->zones);
	uint32_t *b = &r->nb[name_hash(name, len) & r->nmask];
	for (uint32_t i = *b; i != NIL; i = r->ns[i].next) {
		struct rf_ns *n = &r->ns[i];
		if (n->zone == zi && n->len == len && memcmp(n->name, name, len) == 0) {
			n->gen = z->gen;
			return;
		}
	}
	uint32_t idx = (uint32_t)r->ns_head;
	r->ns_head = (r->ns_head + 1) % r->o.max_ns;
	struct rf_ns *n = &r->ns[idx];
	if (n->used) { /* ring full: overwrite the oldest link */
		uint32_t *pp = &r->nb[name_hash(n->name, n->len) & r->nmask];
		while (*pp != NIL && *pp != idx)
			pp = &r->ns[*pp].next;
		if (*pp == idx)
			*pp = n->next;
		r->st.ns_replaced++;
	}
	memcpy(n->name, name, len);
	n->len = (uint16_t)len;
	n->used = true;
	n->zone = zi;
	n->gen = z->gen;
	n->next = *b;
	*b = idx;
}

/* An in-bailiwick address for name: add it to every zone name serves. */
static void ns_learn_addr(lb_referral_t *r, const uint8_t *name, size_t len, int ver,
			  const uint8_t *addr, uint32_t ttl, uint64_t now)
{
	for (uint32_t i = r->nb[name_hash(name, len) & r->nmask]; i != NIL; i = r->ns[i].next) {
		struct rf_ns *n = &r->ns[i];
		if (n->len != len || memcmp(n->name, name, len) != 0)
			continue;
		struct rf_zone *z = &r->zones[n->zone];
		if (!z->used || z->gen != n->gen)
			continue;
		zone_add_addr(r, z, ver, addr, ttl, false, now);
	}
}

/* ---- lookups ---- */

const uint8_t *lb_referral_find(lb_referral_t *r, const uint8_t *qname, int ipver,
				const uint8_t *src, uint64_t now)
{
	if (ipver != 4 && ipver != 6)
		return NULL;
	size_t total = wire_len(qname);
	if (total > LB_NAME_MAX)
		return NULL;
	/* deepest first: the qname itself, then each parent down to the root */
	size_t off = 0;
	for (;;) {
		struct rf_zone *z = zone_get(r, qname + off, total - off);
		if (z && zone_has(r, z, ipver, src, now)) {
			z->ref = true;
			memcpy(r->bw, z->name, z->len);
			return r->bw;
		}
		if (qname[off] == 0)
			return NULL;
		off += (size_t)qname[off] + 1;
	}
}

const uint8_t *lb_referral_bailiwick(lb_referral_t *r, const uint8_t *data, size_t len,
				     int ipver, const uint8_t *src, uint64_t now)
{
	lb_cur_t c;
	lb_cur_init(&c, data, len);
	lb_cur_u16(&c); /* id */
	uint16_t flags = lb_cur_u16(&c);
	uint16_t qd = lb_cur_u16(&c);
	if (lb_cur_err(&c) || !(flags & 0x8000) || qd == 0 || len < 12)
		return NULL;
	lb_cur_init(&c, data, len);
	c.pos = data + 12;
	uint8_t qname[LB_NAME_MAX];
	size_t qlen;
	if (lb_name_read(&c, data, len, qname, &qlen, true) != 0)
		return NULL;
	const uint8_t *bw = lb_referral_find(r, qname, ipver, src, now);
	if (bw)
		r->st.known++;
	else
		r->st.unknown++;
	return bw;
}

/* ---- learning ---- */

static int rr_addr_ver(const lb_rr_t *rr)
{
	if (rr->rclass != LB_C_IN)
		return 0;
	if (rr->type == LB_T_A && rr->rdlen == 4)
		return 4;
	if (rr->type == LB_T_AAAA && rr->rdlen == 16)
		return 6;
	return 0;
}

static bool rr_is_ns(const lb_rr_t *rr)
{
	return rr->type == LB_T_NS && rr->rclass == LB_C_IN && rr->rdlen >= 1;
}

/*
 * NS targets of the NS records (section sec, or any if sec < 0) owned by
 * owner: link them to z and add their glue from additional when at or below
 * parent.
 */
static void learn_ns_set(lb_referral_t *r, const lb_msg_t *m, const uint8_t *owner,
			 struct rf_zone *z, const uint8_t *parent, uint64_t now)
{
	const uint8_t *tgt[REFERRAL_NS_MAX];
	size_t tlen[REFERRAL_NS_MAX], nt = 0;
	for (size_t i = 0; i < m->nrr && nt < REFERRAL_NS_MAX; i++) {
		const lb_rr_t *rr = &m->rr[i];
		if (rr->section == LB_SEC_ADDITIONAL || !rr_is_ns(rr) || !lb_name_equal(rr->owner, owner))
			continue;
		int tl = lb_name_check(rr->rdata, rr->rdlen);
		if (tl < 0)
			continue;
		tgt[nt] = rr->rdata;
		tlen[nt++] = (size_t)tl;
		ns_link(r, rr->rdata, (size_t)tl, z);
	}
	for (size_t i = 0; i < m->nrr; i++) {
		const lb_rr_t *rr = &m->rr[i];
		int ver;
		if (rr->section != LB_SEC_ADDITIONAL || !(ver = rr_addr_ver(rr)))
			continue;
		size_t k;
		for (k = 0; k < nt; k++)
			if (rr->owner_len == tlen[k] && memcmp(rr->owner, tgt[k], tlen[k]) == 0)
				break;
		if (k == nt)
			continue;
		if (!lb_name_is_subdomain(rr->owner, parent)) {
			r->st.glue_ignored++;
			continue;
		}
		zone_add_addr(r, z, ver, rr->rdata, rr->ttl, false, now);
	}
}

void lb_referral_learn(lb_referral_t *r, const lb_msg_t *m, const uint8_t *bw, uint64_t now)
{
	if (!bw || !m->qr || m->opcode != 0 || !m->has_question || m->rcode != 0)
		return;
	size_t bwlen = wire_len(bw);
	if (bwlen > LB_NAME_MAX)
		return;
	size_t nanswer = 0;
	const lb_rr_t *deleg = NULL;
	bool bad = false;
	for (size_t i = 0; i < m->nrr; i++) {
		const lb_rr_t *rr = &m->rr[i];
		if (rr->section == LB_SEC_ANSWER) {
			nanswer++;
		} else if (rr->section == LB_SEC_AUTHORITY && rr_is_ns(rr) &&
			   !lb_name_equal(rr->owner, bw)) {
			/* a delegation must be strictly below bw and at or above the qname */
			if (lb_name_is_subdomain(rr->owner, bw) &&
			    lb_name_is_subdomain(m->qname, rr->owner)) {
				if (!deleg)
					deleg = rr;
				else if (!lb_name_equal(deleg->owner, rr->owner))
					bad = true;
			} else {
				bad = true;
			}
		}
	}
	if (nanswer == 0 && !m->aa && (deleg || bad)) {
		if (bad || !deleg) {
			r->st.bad_referrals++;
		} else {
			bool created;
			struct rf_zone *z = zone_make(r, deleg->owner, deleg->owner_len, &created);
			if (z) {
				if (created)
					r->st.learned_zones++;
				z->ref = true;
				learn_ns_set(r, m, deleg->owner, z, bw, now);
				r->st.referrals++;
			}
		}
	}
	/* the zone's own NS set (answer or authority) with its in-bailiwick glue */
	struct rf_zone *self = zone_get(r, bw, bwlen);
	if (self) {
		for (size_t i = 0; i < m->nrr; i++) {
			const lb_rr_t *rr = &m->rr[i];
			if (rr->section != LB_SEC_ADDITIONAL && rr_is_ns(rr) &&
			    lb_name_equal(rr->owner, bw)) {
				learn_ns_set(r, m, bw, self, bw, now);
				break;
			}
		}
	}
	/* in-bailiwick addresses of known NS names */
	for (size_t i = 0; i < m->nrr; i++) {
		const lb_rr_t *rr = &m->rr[i];
		int ver;
		if (rr->section != LB_SEC_ANSWER || !(ver = rr_addr_ver(rr)) ||
		    !lb_name_is_subdomain(rr->owner, bw))
			continue;
		ns_learn_addr(r, rr->owner, rr->owner_len, ver, rr->rdata, rr->ttl, now);
	}
}

/* ---- hints ---- */

struct hint_ns { uint8_t zone[LB_NAME_MAX], target[LB_NAME_MAX]; };
struct hint_addr { uint8_t name[LB_NAME_MAX]; uint8_t a[16]; int ver; };
#define HINTS_MAX 1024

static int hint_name(const char *tok, uint8_t *out)
{
	int n = lb_name_from_text(tok, strlen(tok), NULL, out, LB_NAME_MAX);
	if (n < 0)
		return LB_ETEXT;
	lb_name_lower(out);
	return n;
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

int lb_referral_load_hints(lb_referral_t *r, const char *path, int *line)
{
	int err = 0, lineno = 0;
	size_t nns = 0, nad = 0;
	struct hint_ns *ns = NULL;
	struct hint_addr *ad = NULL;
	FILE *f = fopen(path, "r");
	if (!f)
		return -errno;
	ns = calloc(HINTS_MAX, sizeof *ns);
	ad = calloc(HINTS_MAX, sizeof *ad);
	if (!ns || !ad) {
		err = LB_ENOMEM;
		goto out;
	}
	char buf[1024];
	while (fgets(buf, sizeof buf, f)) {
		lineno++;
		size_t bl = strlen(buf);
		if (bl == sizeof buf - 1 && buf[bl - 1] != '\n') {
			err = LB_ETEXT;
			goto out;
		}
		char *semi = strchr(buf, ';');
		if (semi)
			*semi = '\0';
		char *tok[8];
		int nt = 0;
		for (char *s = strtok(buf, " \t\r\n"); s && nt < 8; s = strtok(NULL, " \t\r\n"))
			tok[nt++] = s;
		if (nt == 0)
			continue;
		int k = 1;
		if (k < nt && all_digits(tok[k]))
			k++;
		if (k < nt && strcasecmp(tok[k], "IN") == 0)
			k++;
		if (k + 2 != nt) {
			err = LB_ETEXT;
			goto out;
		}
		const char *type = tok[k], *rd = tok[k + 1];
		if (strcasecmp(type, "NS") == 0) {
			if (nns >= HINTS_MAX || hint_name(tok[0], ns[nns].zone) < 0 ||
			    hint_name(rd, ns[nns].target) < 0) {
				err = LB_ETEXT;
				goto out;
			}
			nns++;
		} else if (strcasecmp(type, "A") == 0 || strcasecmp(type, "AAAA") == 0) {
			int ver = (type[1] == 0) ? 4 : 6;
			if (nad >= HINTS_MAX || hint_name(tok[0], ad[nad].name) < 0 ||
			    inet_pton(ver == 4 ? AF_INET : AF_INET6, rd, ad[nad].a) != 1) {
				err = LB_ETEXT;
				goto out;
			}
			ad[nad++].ver = ver;
		} else {
			err = LB_ETEXT;
			goto out;
		}
	}
	if (ferror(f)) {
		err = LB_EIO;
		goto out;
	}
	lineno = 0;
	size_t added = 0;
	for (size_t i = 0; i < nns; i++) {
		for (size_t j = 0; j < nad; j++) {
			if (!lb_name_equal(ns[i].target, ad[j].name))
				continue;
			err = lb_referral_add(r, ns[i].zone, ad[j].ver, ad[j].a);
			if (err)
				goto out;
			added++;
		}
		struct rf_zone *z = zone_get(r, ns[i].zone, wire_len(ns[i].zone));
		if (z)
			ns_link(r, ns[i].target, wire_len(ns[i].target), z);
	}
	if (!added)
		err = LB_EINVAL;
out:
	if (line)
		*line = lineno;
	free(ns);
	free(ad);
	fclose(f);
	return err;
}

/* ---- stats ---- */

void lb_referral_get_stats(const lb_referral_t *r, lb_referral_stats_t *st)
{
	*st = r->st;
	st->zones = 0;
	for (size_t i = 0; i < r->nzones; i++)
		st->zones += r->zones[i].used;
}

void lb_referral_stats_print(const lb_referral_t *r, FILE *out)
{
	lb_referral_stats_t s;
	lb_referral_get_stats(r, &s);
#define P(n, v) fprintf(out, "bailiwick_" n " %llu\n", (unsigned long long)(v))
	P("known", s.known);
	P("unknown", s.unknown);
	P("referrals", s.referrals);
	P("bad_referrals", s.bad_referrals);
	P("learned_zones", s.learned_zones);
	P("learned_addrs", s.learned_addrs);
	P("glue_ignored", s.glue_ignored);
	P("zones_evicted", s.zones_evicted);
	P("zones_refused", s.zones_refused);
	P("addrs_refused", s.addrs_refused);
	P("ns_replaced", s.ns_replaced);
	P("zones", s.zones);
#undef P
}
