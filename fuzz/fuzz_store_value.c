/*
 * fuzz_store_value.c - bytes read back from the store are never trusted.
 * Input: one selector byte, then
 *   0: a value -> lb_val_decode; a decoded value re-encodes and decodes
 *      again to the same value (run counts and whether they are known
 *      included; a known value's run counts add up to its count);
 *   1: a key -> lb_key_decode; a decoded rrset, negative, IP or full 'X' key re-encodes
 *      to exactly the input bytes; lb_key_rrset_holds finds every rdata of a
 *      decoded rrset key and answers cleanly on any bytes;
 *   2: merge operands, each prefixed by one length byte -> lb_val_merge_bytes
 *      (as RocksDB's merge operator calls it); the output decodes, and is
 *      the same bytes whatever the grouping (RocksDB's partial merges: the
 *      operands cut in two at every point, each half merged, the halves
 *      merged) and the order (the operands reversed): the merge is
 *      associative and commutative (docs/ARCHITECTURE.md).
 * Anything else must fail cleanly: no crash, no overread (ASan), no abort.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "store/keys.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static lb_kdec_t dec;

static void check_value(const uint8_t *p, size_t n)
{
	lb_store_val_t v, w;
	if (lb_val_decode(p, n, &v) != 0)
		return;
	uint8_t out[LB_VAL_MAX];
	size_t m = lb_val_encode(&v, out, v.nruns > 0);
	if (m > LB_VAL_MAX || lb_val_decode(out, m, &w) != 0)
		abort();
	if (w.time_first != v.time_first || w.time_last != v.time_last || w.count != v.count ||
	    w.zone_first != v.zone_first || w.zone_last != v.zone_last || w.nruns != v.nruns ||
	    w.runs_uncounted != v.runs_uncounted || w.nsrc != v.nsrc ||
	    w.src_more != v.src_more || memcmp(w.src, v.src, v.nsrc * sizeof v.src[0]))
		abort();
	uint64_t sum = 0;
	for (uint32_t i = 0; i < v.nruns; i++) {
		if (w.runs[i].start != v.runs[i].start || w.runs[i].len != v.runs[i].len ||
		    w.runs[i].count != v.runs[i].count)
			abort();
		sum = sum + v.runs[i].count < sum ? UINT64_MAX : sum + v.runs[i].count;
	}
	if (!v.runs_uncounted && v.nruns && sum != v.count)
		abort();
}

static void check_key(const uint8_t *p, size_t n)
{
	lb_store_rec_t r;
	/* any bytes, any prefix length: a clean answer, never an overread */
	if (n > 1)
		if (lb_key_rrset_holds(p, n, p[1] % (n + 2), p + n / 2, n - n / 2) > 1)
			abort();
	if (lb_key_decode(p, n, &dec, &r) != 0)
		return;
	if (p[0] == LB_KT_RRSET) {
		/* every rdata of a decoded rrset key is held by it */
		size_t plen = 1 + (r.owner_len > 1 ? r.owner_len - 1 : 0) + 1 + 2;
		for (size_t i = 0; i < r.nrdata; i++)
			if (lb_key_rrset_holds(p, n, plen, r.rdata[i], r.rdlen[i]) != 1)
				abort();
	}
	lb_kbuf_t k = { 0 };
	const uint8_t *t;
	if (p[0] == LB_KT_RRSET) {
		lb_key_rrset(&k, &r);
	} else if (p[0] == LB_KT_NEG) {
		lb_key_neg(&k, &r);
	} else if (p[0] == LB_KT_IP) {
		lb_key_rdata(&k, &r, 0, 1, &t, NULL);
	} else if (p[0] == LB_KT_RAW && r.rdata[0]) {
		/* in full, as decoded (not lb_key_rdata: the decoder takes any
		 * type, which for a name-bearing one would build an 'N' key) */
		lb_kbuf_u8(&k, LB_KT_RAW);
		lb_key_raw_rdata(&k, r.rdata[0], r.rdlen[0], 0);
		lb_kbuf_u16(&k, r.type);
		lb_kbuf_rname(&k, r.owner);
		lb_kbuf_u8(&k, 0);
	} else if (p[0] == LB_KT_RAW) {
		if (r.rdlen[0] < LB_XDIG_MIN) /* by digest: long rdata only */
			abort();
		return;
	} else {
		return;
	}
	if (k.err || k.len != n || memcmp(k.p, p, n))
		abort();
	lb_kbuf_free(&k);
}

/* Merge ops[0..k) into out (LB_VAL_MAX): its length, 0 when none decoded. */
static size_t merge(const uint8_t *const *ops, const size_t *lens, int k, int days, uint8_t *out)
{
	unsigned bad = 0;
	return lb_val_merge_bytes(ops, lens, k, days, out, &bad);
}

static void check_merge(const uint8_t *p, size_t n)
{
	const uint8_t *ops[64];
	size_t lens[64];
	int k = 0;
	while (n && k < 64) {
		size_t l = p[0];
		if (l > n - 1)
			l = n - 1;
		ops[k] = p + 1;
		lens[k++] = l;
		p += 1 + l;
		n -= 1 + l;
	}
	static uint8_t out[LB_VAL_MAX], half[2][LB_VAL_MAX], again[LB_VAL_MAX];
	for (int days = 0; days < 2; days++) {
		size_t m = merge(ops, lens, k, days, out);
		lb_store_val_t v;
		if (m && lb_val_decode(out, m, &v) != 0)
			abort();
		if (!m)
			continue;
		/* every grouping RocksDB may make: [0, s) and [s, k) merged apart */
		for (int s = 1; s < k; s++) {
			const uint8_t *h[2];
			size_t hl[2];
			int nh = 0;
			size_t a = merge(ops, lens, s, days, half[0]);
			size_t b = merge(ops + s, lens + s, k - s, days, half[1]);
			if (a) {
				h[nh] = half[0];
				hl[nh++] = a;
			}
			if (b) {
				h[nh] = half[1];
				hl[nh++] = b;
			}
			size_t c = merge(h, hl, nh, days, again);
			if (c != m || memcmp(again, out, m))
				abort(); /* not associative */
		}
		const uint8_t *rev[64];
		size_t rlen[64];
		for (int i = 0; i < k; i++) {
			rev[i] = ops[k - 1 - i];
			rlen[i] = lens[k - 1 - i];
		}
		size_t r = merge(rev, rlen, k, days, again);
		if (r != m || memcmp(again, out, m))
			abort(); /* not commutative */
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > 70000)
		return 0;
	switch (data[0] % 3) {
	case 0: check_value(data + 1, size - 1); break;
	case 1: check_key(data + 1, size - 1); break;
	case 2: check_merge(data + 1, size - 1); break;
	}
	return 0;
}
