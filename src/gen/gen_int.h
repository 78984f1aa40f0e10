/*
 * gen_int.h - private to src/gen: the name pool shared by gen.c and names.c.
 * Not part of the module's contract (that is gen.h).
 */
#ifndef LB_GEN_GEN_INT_H
#define LB_GEN_GEN_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gen/gen.h"

/* An uncompressed wire name being built: n bytes of labels, b[n] == 0. */
typedef struct gname {
	uint8_t b[256];
	uint8_t n;
} gname_t;

/* One label being built as text. */
typedef struct lbl {
	char s[64];
	size_t n;
} lbl_t;

/* A registered domain (zone) and its properties, derived from its index. */
typedef struct zone {
	gname_t apex;
	gname_t tldn;
	lbl_t label;          /* the registered label, e.g. "kabota" */
	const char *tld;
	uint64_t h;           /* property hash */
	uint64_t uid;         /* unique-mode id, 0 otherwise */
	bool signed_, own_ns, has_v6;
	int nns;
	uint16_t keytag;
	uint32_t ttl;
} zone_t;

uint64_t lb_gen_mix(uint64_t x);
uint64_t lb_gen_hash_name(const gname_t *n, uint64_t seed);

void lb_gn_clear(gname_t *x);
void lb_gn_label(gname_t *x, const char *s, size_t l);
void lb_gn_text(gname_t *x, const char *dotted);
void lb_gn_name(gname_t *x, const gname_t *y);
int lb_gn_labels(const gname_t *x);

void lb_lbl_syl(lbl_t *l, uint64_t v);
void lb_lbl_enc(lbl_t *l, uint64_t v, int minw);
void lb_lbl_str(lbl_t *l, const char *s);
void lb_lbl_num(lbl_t *l, uint64_t v);

void lb_gen_zone(zone_t *z, uint64_t seed, uint32_t idx, uint64_t uid);
void lb_gen_ns_name(const zone_t *z, int i, gname_t *out);
void lb_gen_addr4(uint64_t key, int i, uint8_t out[4]);
void lb_gen_addr6(uint64_t key, int i, uint8_t out[16]);

#endif
