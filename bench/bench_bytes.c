/*
 * bench_bytes.c - where a compacted store's bytes go: each table's entries
 * compressed again block by block, whole and with one part left out, so the
 * part's share is the difference.
 *
 *   bench_bytes DIR
 *
 * The blocks are built as the store's table files build theirs (entries in
 * key order, each key after the bytes it shares with the one before, a full
 * key every LB_STORE_BLOCK_RESTART entries, blocks of about 8 KiB) and each is
 * compressed by zstd at level 6, the store's bottom-level setting, without the
 * store's trained dictionary: the totals come out a few percent above the
 * store's own.  Parts measured:
 *   - R (rrsets): the rdata sets, the values (counters, day runs, sources),
 *     the bailiwicks (part of the rest: owners, types, framing);
 *   - I (addresses): the owner names after each address.
 * Output: "key value" lines, bytes per rrset.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#include "store/keys.h"
#include "store/rocks_impl.h"
#include "store/store.h"

#define BLOCK 8192

/* One table's compressed size, built entry by entry. */
struct packer {
	uint8_t blk[BLOCK + 70000 + 3 * 5];
	size_t len;
	uint8_t prev[70000];
	size_t prev_len;
	unsigned n;     /* entries in this block */
	size_t total;   /* compressed bytes so far */
	uint8_t *out;
	size_t out_cap;
};

static int pk_flush(struct packer *p)
{
	if (!p->len)
		return 0;
	size_t r = ZSTD_compress(p->out, p->out_cap, p->blk, p->len, 6);
	if (ZSTD_isError(r))
		return -1;
	p->total += r + 5; /* the block trailer RocksDB writes */
	p->len = 0;
	p->n = 0;
	return 0;
}

static int pk_add(struct packer *p, const uint8_t *k, size_t kl, const uint8_t *v, size_t vl)
{
	if (kl > sizeof p->prev || vl > 65536)
		return -1;
	size_t sh = 0;
	if (p->n % LB_STORE_BLOCK_RESTART)
		while (sh < kl && sh < p->prev_len && k[sh] == p->prev[sh])
			sh++;
	p->len += lb_varint_put(p->blk + p->len, sh);
	p->len += lb_varint_put(p->blk + p->len, kl - sh);
	p->len += lb_varint_put(p->blk + p->len, vl);
	memcpy(p->blk + p->len, k + sh, kl - sh);
	p->len += kl - sh;
	memcpy(p->blk + p->len, v, vl);
	p->len += vl;
	memcpy(p->prev, k, kl);
	p->prev_len = kl;
	p->n++;
	return p->len >= BLOCK ? pk_flush(p) : 0;
}

/* End of a label-reversed name at k[i] (its 00 included); kl if none. */
static size_t rname_end(const uint8_t *k, size_t i, size_t kl)
{
	while (i < kl && k[i])
		i += 1 + (size_t)k[i];
	return i < kl ? i + 1 : kl;
}

enum { WHOLE, R_NO_RDATA, R_NO_VALUE, R_NO_BAIL, I_NO_OWNER, NPK };

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: bench_bytes DIR\n");
		return 2;
	}
	lb_store_t *s = NULL;
	lb_store_opts_t so = { 0 };
	int err = lb_store_open(argv[1], &so, &s);
	if (err) {
		fprintf(stderr, "bench_bytes: %s: %s\n", argv[1], lb_store_errmsg(s, err));
		lb_store_close(s);
		return 3;
	}
	/* tables 'A'..'Z' (every table's first byte is a capital letter) */
	static struct packer tab[26], part[NPK];
	size_t out_cap = ZSTD_compressBound(sizeof tab[0].blk);
	uint8_t *out = malloc(out_cap);
	uint8_t *kk = malloc(70000);
	size_t n[26] = { 0 };
	if (!out || !kk) {
		fprintf(stderr, "bench_bytes: out of memory\n");
		return 3;
	}
	for (int i = 0; i < 26; i++)
		tab[i].out = out, tab[i].out_cap = out_cap;
	for (int i = 0; i < NPK; i++)
		part[i].out = out, part[i].out_cap = out_cap;
	rocksdb_iterator_t *it = rocksdb_create_iterator(s->db, s->ro);
	int bad = 0;
	for (rocksdb_iter_seek_to_first(it); !bad && rocksdb_iter_valid(it); rocksdb_iter_next(it)) {
		size_t kl, vl;
		const uint8_t *k = (const uint8_t *)rocksdb_iter_key(it, &kl);
		const uint8_t *v = (const uint8_t *)rocksdb_iter_value(it, &vl);
		if (k[0] < 'A' || k[0] > 'Z') {
			bad = -1;
			break;
		}
		n[k[0] - 'A']++;
		bad |= pk_add(&tab[k[0] - 'A'], k, kl, v, vl);
		if (k[0] == LB_KT_RRSET) {
			size_t ty = rname_end(k, 1, kl), bl = ty + 2 <= kl ? ty + 2 : kl;
			size_t rd = bl < kl && k[bl] == 0xff ? bl + 1 : rname_end(k, bl, kl);
			bad |= pk_add(&part[R_NO_RDATA], k, rd, v, vl);
			bad |= pk_add(&part[R_NO_VALUE], k, kl, v, 0);
			memcpy(kk, k, bl);
			memcpy(kk + bl, k + rd, kl - rd);
			bad |= pk_add(&part[R_NO_BAIL], kk, bl + kl - rd, v, vl);
		} else if (k[0] == LB_KT_IP && kl >= 2) {
			size_t a = k[1] == 4 ? 6 : 18;
			bad |= pk_add(&part[I_NO_OWNER], k, a < kl ? a : kl, v, vl);
		}
	}
	rocksdb_iter_destroy(it);
	for (int i = 0; i < 26; i++)
		bad |= pk_flush(&tab[i]);
	for (int i = 0; i < NPK; i++)
		bad |= pk_flush(&part[i]);
	size_t rrsets = n[LB_KT_RRSET - 'A'];
	if (bad || !rrsets) {
		fprintf(stderr, "bench_bytes: %s\n",
			bad ? "a key of no table, an entry too long, or zstd failed" : "no rrsets");
		lb_store_close(s);
		return 3;
	}
	double per = 1.0 / (double)rrsets, all = 0;
	printf("rrsets %zu\n", rrsets);
	for (int t = 0; t < 26; t++)
		if (n[t]) {
			printf("table_%c %.1f\n", 'A' + t, (double)tab[t].total * per);
			all += (double)tab[t].total * per;
		}
	printf("all_tables %.1f\n", all);
	size_t r = tab[LB_KT_RRSET - 'A'].total, i = tab[LB_KT_IP - 'A'].total;
	printf("r_rdata_sets %.1f\n", ((double)r - (double)part[R_NO_RDATA].total) * per);
	printf("r_values %.1f\n", ((double)r - (double)part[R_NO_VALUE].total) * per);
	printf("r_bailiwicks %.1f\n", ((double)r - (double)part[R_NO_BAIL].total) * per);
	/* what is left of R: owners, types, bailiwicks, the block framing */
	printf("r_rest %.1f\n", ((double)part[R_NO_RDATA].total + (double)part[R_NO_VALUE].total -
				 (double)r) * per);
	printf("i_owners %.1f\n", ((double)i - (double)part[I_NO_OWNER].total) * per);
	printf("i_addresses %.1f\n", (double)part[I_NO_OWNER].total * per);
	free(out);
	free(kk);
	lb_store_close(s);
	return 0;
}
