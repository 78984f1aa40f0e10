/*
 * names.c - the generator's name pool: registered domains, hosts under them,
 * their addresses and name servers, all derived from hashes so a name always
 * resolves the same way (unless the generator runs in unique mode).
 */
#include <string.h>

#include "gen/gen_int.h"

static const char syl[32][3] = {
	"ba", "be", "bi", "bo", "ka", "ke", "ki", "ko", "la", "le", "li", "lo", "ma", "me", "mi", "mo",
	"na", "ne", "no", "ra", "re", "ri", "ro", "sa", "se", "so", "ta", "te", "to", "va", "vi", "zu",
};

/* TLDs with a rough weight (percent). */
static const struct { const char *t; int w; } tlds[] = {
	{ "com", 46 }, { "net", 8 }, { "org", 7 }, { "de", 5 }, { "co.uk", 4 }, { "io", 3 },
	{ "ru", 4 }, { "info", 2 }, { "fr", 3 }, { "nl", 3 }, { "jp", 3 }, { "com.br", 3 },
	{ "xyz", 3 }, { "app", 2 }, { "cn", 4 },
};

uint64_t lb_gen_mix(uint64_t x)
{
	x += 0x9E3779B97F4A7C15ull;
	x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
	x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
	return x ^ (x >> 31);
}

uint64_t lb_gen_hash_name(const gname_t *n, uint64_t seed)
{
	uint64_t h = 0xcbf29ce484222325ull ^ seed;
	for (unsigned i = 0; i < n->n; i++) h = (h ^ n->b[i]) * 0x100000001b3ull;
	return lb_gen_mix(h);
}

void lb_gn_clear(gname_t *x)
{
	x->n = 0;
	x->b[0] = 0;
}

void lb_gn_label(gname_t *x, const char *s, size_t l)
{
	if (l == 0 || l > 63 || x->n + l + 2 > 255) return;
	x->b[x->n] = (uint8_t)l;
	memcpy(x->b + x->n + 1, s, l);
	x->n = (uint8_t)(x->n + l + 1);
	x->b[x->n] = 0;
}

void lb_gn_text(gname_t *x, const char *s)
{
	while (*s) {
		const char *d = strchr(s, '.');
		size_t l = d ? (size_t)(d - s) : strlen(s);
		lb_gn_label(x, s, l);
		s += l;
		if (*s == '.') s++;
	}
}

void lb_gn_name(gname_t *x, const gname_t *y)
{
	if (x->n + y->n + 1 > 255) return;
	memcpy(x->b + x->n, y->b, (size_t)y->n + 1);
	x->n = (uint8_t)(x->n + y->n);
}

int lb_gn_labels(const gname_t *x)
{
	int k = 0;
	for (unsigned i = 0; i < x->n; i += (unsigned)x->b[i] + 1) k++;
	return k;
}

void lb_lbl_syl(lbl_t *l, uint64_t v)
{
	if (l->n + 2 > 63) return;
	memcpy(l->s + l->n, syl[v & 31], 2);
	l->n += 2;
}

/* v in base 32 with syllables as digits, at least minw digits: bijective. */
void lb_lbl_enc(lbl_t *l, uint64_t v, int minw)
{
	char tmp[32];
	int k = 0;
	do {
		tmp[k++] = (char)(v & 31);
		v >>= 5;
	} while (v || k < minw);
	while (k--) lb_lbl_syl(l, (uint64_t)tmp[k]);
}

void lb_lbl_str(lbl_t *l, const char *s)
{
	size_t n = strlen(s);
	if (l->n + n > 63) return;
	memcpy(l->s + l->n, s, n);
	l->n += n;
}

void lb_lbl_num(lbl_t *l, uint64_t v)
{
	char tmp[24];
	int k = 0;
	do {
		tmp[k++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (k-- && l->n < 63) l->s[l->n++] = tmp[k];
}

void lb_gen_zone(zone_t *z, uint64_t seed, uint32_t idx, uint64_t uid)
{
	memset(z, 0, sizeof *z);
	z->h = lb_gen_mix(seed * 0x2545F4914F6CDD1Dull ^ ((uint64_t)idx << 1 | 1));
	z->uid = uid;
	z->label.n = 0;
	lb_lbl_syl(&z->label, z->h >> 40);
	lb_lbl_enc(&z->label, idx, 2);
	int r = (int)(z->h % 100), acc = 0;
	z->tld = "com";
	for (size_t i = 0; i < sizeof tlds / sizeof tlds[0]; i++) {
		acc += tlds[i].w;
		if (r < acc) {
			z->tld = tlds[i].t;
			break;
		}
	}
	lb_gn_clear(&z->apex);
	if (uid) {
		lbl_t u = { .n = 0 };
		lb_lbl_str(&u, "u");
		lb_lbl_enc(&u, uid, 1);
		lb_gn_label(&z->apex, u.s, u.n);
		z->h = lb_gen_mix(z->h ^ uid);
	}
	lb_gn_label(&z->apex, z->label.s, z->label.n);
	lb_gn_text(&z->apex, z->tld);
	lb_gn_clear(&z->tldn);
	lb_gn_text(&z->tldn, z->tld);
	z->signed_ = (z->h >> 24) % 100 < 20;
	z->own_ns = (z->h >> 32) % 100 < 45;
	z->has_v6 = (z->h >> 36) % 100 < 60;
	z->nns = 2 + (int)((z->h >> 44) % 3);
	z->keytag = (uint16_t)(z->h >> 48);
	z->ttl = (z->h >> 52) % 4 == 0 ? 60 : (z->h >> 52) % 4 == 1 ? 300 : 3600;
}

static const char *const ns_providers[] = {
	"awsdns", "ns.cloudflare.com", "domaincontrol.com", "registrar-servers.com", "nsone.net",
};

void lb_gen_ns_name(const zone_t *z, int i, gname_t *out)
{
	lbl_t l = { .n = 0 };
	lb_gn_clear(out);
	if (z->own_ns) {
		lb_lbl_str(&l, "ns");
		lb_lbl_num(&l, (uint64_t)i + 1);
		lb_gn_label(out, l.s, l.n);
		lb_gn_name(out, &z->apex);
		return;
	}
	unsigned p = (unsigned)((z->h >> 8) % 5);
	uint64_t v = lb_gen_mix(z->h + (uint64_t)i);
	switch (p) {
	case 0: /* ns-1234.awsdns-12.com */
		lb_lbl_str(&l, "ns-");
		lb_lbl_num(&l, v % 2048);
		lb_gn_label(out, l.s, l.n);
		l.n = 0;
		lb_lbl_str(&l, "awsdns-");
		lb_lbl_num(&l, (v >> 16) % 64);
		lb_gn_label(out, l.s, l.n);
		lb_gn_text(out, i % 4 == 0 ? "com" : i % 4 == 1 ? "net" : i % 4 == 2 ? "org" : "co.uk");
		return;
	case 1: /* two-syllable names at cloudflare */
		lb_lbl_syl(&l, v);
		lb_lbl_syl(&l, v >> 5);
		lb_lbl_syl(&l, v >> 10);
		lb_gn_label(out, l.s, l.n);
		break;
	case 2:
		lb_lbl_str(&l, "ns");
		lb_lbl_num(&l, (v % 80) * 2 + (uint64_t)i + 1);
		lb_gn_label(out, l.s, l.n);
		break;
	default:
		lb_lbl_str(&l, "dns");
		lb_lbl_num(&l, (uint64_t)i + 1);
		lb_gn_label(out, l.s, l.n);
		break;
	}
	lb_gn_text(out, ns_providers[p]);
}

static const uint8_t v4_first[16] = { 23, 34, 35, 45, 52, 54, 66, 91, 104, 142, 151, 185, 193,
				      198, 212, 217 };
static const uint16_t v6_prefix[8] = { 0x2600, 0x2606, 0x2a00, 0x2a01, 0x2a02, 0x2001, 0x2400,
				       0x2804 };

void lb_gen_addr4(uint64_t key, int i, uint8_t out[4])
{
	uint64_t v = lb_gen_mix(key + (uint64_t)i * 0x51ED27ull);
	out[0] = v4_first[v & 15];
	out[1] = (uint8_t)(v >> 8);
	out[2] = (uint8_t)(v >> 16);
	out[3] = (uint8_t)(1 + (v >> 24) % 254);
}

void lb_gen_addr6(uint64_t key, int i, uint8_t out[16])
{
	uint64_t v = lb_gen_mix(key + (uint64_t)i * 0x7F4A7Cull);
	uint64_t w = lb_gen_mix(v);
	memset(out, 0, 16);
	out[0] = (uint8_t)(v6_prefix[v & 7] >> 8);
	out[1] = (uint8_t)v6_prefix[v & 7];
	for (int k = 0; k < 6; k++) out[2 + k] = (uint8_t)(v >> (8 * k + 8));
	if (w & 1) { /* ::1 style hosts */
		out[15] = (uint8_t)(1 + (w >> 8) % 32);
	} else {
		for (int k = 0; k < 8; k++) out[8 + k] = (uint8_t)(w >> (8 * k));
	}
}
