/*
 * keys.c - key and value byte formats of the key-value store (see keys.h).
 */
#include "store/keys.h"

#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "dns/name.h"
#include "dns/rdata.h"
#include "dns/rrtype.h"

/* ---- buffers and varints ---- */

void lb_kbuf_free(lb_kbuf_t *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

int lb_kbuf_grow_slow(lb_kbuf_t *b, size_t n)
{
	if (b->err)
		return 0;
	if (b->len + n <= b->cap)
		return 1;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < b->len + n)
		cap *= 2;
	uint8_t *np = realloc(b->p, cap);
	if (!np) {
		b->err = LB_ENOMEM;
		return 0;
	}
	b->p = np;
	b->cap = cap;
	return 1;
}

void lb_kbuf_u16(lb_kbuf_t *b, uint16_t v)
{
	uint8_t x[2] = { (uint8_t)(v >> 8), (uint8_t)v };
	lb_kbuf_put(b, x, 2);
}

size_t lb_varint_put(uint8_t *out, uint64_t v)
{
	size_t n = 0;
	while (v >= 0x80) {
		out[n++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	out[n++] = (uint8_t)v;
	return n;
}

void lb_kbuf_varint(lb_kbuf_t *b, uint64_t v)
{
	uint8_t x[10];
	lb_kbuf_put(b, x, lb_varint_put(x, v));
}

uint64_t lb_cur_varint(lb_cur_t *c)
{
	uint64_t v = 0;
	for (unsigned shift = 0; shift < 64; shift += 7) {
		if (!lb_cur_need(c, 1))
			return 0;
		uint8_t x = lb_cur_u8(c);
		if (shift == 63 && x > 1) {
			lb_cur_fail(c, LB_ECORRUPT);
			return 0;
		}
		v |= (uint64_t)(x & 0x7f) << shift;
		if (!(x & 0x80)) {
			if (x == 0 && shift) { /* overlong: encodings are canonical */
				lb_cur_fail(c, LB_ECORRUPT);
				return 0;
			}
			return v;
		}
	}
	lb_cur_fail(c, LB_ECORRUPT);
	return 0;
}

/* Walk a trusted wire name (already validated by its producer) into label
 * offsets; *tot = its length without the root label. */
static int name_labels(const uint8_t *name, size_t off[128], size_t *tot)
{
	int n = 0;
	size_t i = 0;
	while (name[i] && n < 128 && i < LB_NAME_MAX) {
		off[n++] = i;
		i += 1 + (size_t)name[i];
	}
	*tot = i;
	return n;
}

/* Write the labels at off[0..n) of name in reverse order to o; returns the bytes written. */
static size_t rname_write(uint8_t *o, const uint8_t *name, const size_t *off, int n)
{
	size_t w = 0;
	for (int i = n - 1; i >= 0; i--) {
		size_t l = 1 + (size_t)name[off[i]];
		memcpy(o + w, name + off[i], l);
		w += l;
	}
	return w;
}

/* Room for n more bytes at the end of b (NULL: out of memory, b->err set). */
static uint8_t *kbuf_room(lb_kbuf_t *b, size_t n)
{
	return lb_kbuf_grow(b, n) ? b->p + b->len : NULL;
}

void lb_kbuf_rname(lb_kbuf_t *b, const uint8_t *name)
{
	size_t off[128], tot;
	int n = name_labels(name, off, &tot);
	uint8_t *o = kbuf_room(b, tot);
	if (o)
		b->len += rname_write(o, name, off, n);
}

int lb_cur_rname(lb_cur_t *c, uint8_t *out)
{
	/* Collect label offsets within the cursor, then write them reversed. */
	const uint8_t *lab[128];
	int n = 0;
	size_t total = 1;
	for (;;) {
		uint8_t l = lb_cur_u8(c);
		if (lb_cur_err(c))
			return LB_ECORRUPT;
		if (l == 0)
			break;
		if (l > LB_LABEL_MAX || n == 128)
			return LB_ECORRUPT;
		const uint8_t *p = lb_cur_bytes(c, l);
		if (!p)
			return LB_ECORRUPT;
		total += 1u + l;
		if (total > LB_NAME_MAX)
			return LB_ECORRUPT;
		lab[n++] = p - 1;
	}
	size_t o = 0;
	for (int i = n - 1; i >= 0; i--) {
		memcpy(out + o, lab[i], 1u + lab[i][0]);
		o += 1u + lab[i][0];
	}
	out[o++] = 0;
	return (int)o;
}

/* ---- values ---- */

void lb_store_val_seen(lb_store_val_t *v, uint64_t t, uint64_t count)
{
	memset(v, 0, offsetof(lb_store_val_t, runs));
	v->time_first = v->time_last = t;
	v->count = count;
	v->nruns = 1;
	v->runs[0].start = lb_day_of(t);
	v->runs[0].len = 1;
	v->runs[0].count = count;
}

static uint64_t sat_add(uint64_t a, uint64_t b)
{
	return a + b < a ? UINT64_MAX : a + b;
}

/* Are v's run counts known: not marked unknown, and they add up (saturating)
 * to the value's count.  A single run holds the whole count whatever its
 * count field says (the window builds such values and leaves the field
 * unset: run_count() reads the total instead).  A value without runs has
 * them known when its count is 0 (zone-only values). */
static int counts_known(const lb_store_val_t *v)
{
	if (v->runs_uncounted)
		return 0;
	if (v->nruns == 1)
		return 1;
	uint32_t nr = v->nruns > LB_STORE_MAX_RUNS ? LB_STORE_MAX_RUNS : v->nruns;
	uint64_t sum = 0;
	for (uint32_t i = 0; i < nr; i++)
		sum = sat_add(sum, v->runs[i].count);
	return sum == v->count;
}

bool lb_store_val_runs_known(const lb_store_val_t *v)
{
	return counts_known(v);
}

static uint64_t min_nz(uint64_t a, uint64_t b)
{
	if (!a)
		return b;
	if (!b)
		return a;
	return a < b ? a : b;
}

/* Union of two sorted, non-overlapping run lists into out (cap
 * LB_STORE_MAX_RUNS).  The counts of runs that overlap or touch are summed,
 * and so are those of the runs the cap joins: a run's count is the sum of
 * the counts of every operand run inside it, whatever the grouping. */
static uint32_t runs_union(const lb_dayrun_t *a, uint32_t na, const lb_dayrun_t *b, uint32_t nb,
			   lb_dayrun_t *out)
{
	lb_dayrun_t tmp[2 * LB_STORE_MAX_RUNS];
	uint32_t n = 0, i = 0, j = 0;
	while (i < na || j < nb) {
		lb_dayrun_t r;
		if (j >= nb || (i < na && a[i].start <= b[j].start))
			r = a[i++];
		else
			r = b[j++];
		if (n && (uint64_t)tmp[n - 1].start + tmp[n - 1].len >= r.start) {
			uint64_t end = (uint64_t)r.start + r.len;
			uint64_t cur = (uint64_t)tmp[n - 1].start + tmp[n - 1].len;
			if (end > cur)
				tmp[n - 1].len = (uint32_t)(end - tmp[n - 1].start);
			tmp[n - 1].count = sat_add(tmp[n - 1].count, r.count);
		} else {
			tmp[n++] = r;
		}
	}
	/* Over the cap: join the oldest runs (the gap between them counts as active). */
	uint32_t drop = n > LB_STORE_MAX_RUNS ? n - LB_STORE_MAX_RUNS : 0;
	if (drop) {
		uint64_t end = (uint64_t)tmp[drop].start + tmp[drop].len;
		for (uint32_t k = 0; k < drop; k++)
			tmp[drop].count = sat_add(tmp[drop].count, tmp[k].count);
		tmp[drop].start = tmp[0].start;
		tmp[drop].len = (uint32_t)(end - tmp[0].start);
	}
	memcpy(out, tmp + drop, (n - drop) * sizeof *out);
	return n - drop;
}

/* Union of two ascending id sets, keeping the LB_STORE_MAX_SOURCES smallest;
 * more is set when the union is larger (or either side had more).  This is
 * associative and commutative: the result is the smallest ids of the whole
 * union, and "more" says whether the whole union exceeded the cap. */
static void src_union(lb_store_val_t *a, const lb_store_val_t *b)
{
	uint32_t out[LB_STORE_MAX_SOURCES];
	uint32_t n = 0, i = 0, j = 0;
	int more = a->src_more || b->src_more;
	while (i < a->nsrc || j < b->nsrc) {
		uint32_t x;
		if (j >= b->nsrc || (i < a->nsrc && a->src[i] < b->src[j]))
			x = a->src[i++];
		else if (i >= a->nsrc || b->src[j] < a->src[i])
			x = b->src[j++];
		else {
			x = a->src[i++];
			j++;
		}
		if (n == LB_STORE_MAX_SOURCES) {
			more = 1;
			break;
		}
		out[n++] = x;
	}
	memcpy(a->src, out, n * sizeof out[0]);
	a->nsrc = n;
	a->src_more = (uint32_t)more;
}

/* The count of run i of v (a single run: the value's count). */
static uint64_t run_count(const lb_store_val_t *v, uint32_t i)
{
	return v->nruns == 1 ? v->count : v->runs[i].count;
}

void lb_store_val_merge(lb_store_val_t *a, const lb_store_val_t *b)
{
	/* Unknown run counts stay unknown: recovering them in some groupings
	 * (runs coalescing into one) would break associativity. */
	int known = counts_known(a) && counts_known(b);
	lb_dayrun_t b1; /* b's single run, with its count */
	const lb_dayrun_t *bruns = b->runs;
	if (a->nruns == 1)
		a->runs[0].count = a->count;
	if (b->nruns == 1) {
		b1 = b->runs[0];
		b1.count = b->count;
		bruns = &b1;
	}
	src_union(a, b);
	a->time_first = min_nz(a->time_first, b->time_first);
	if (b->time_last > a->time_last)
		a->time_last = b->time_last;
	a->count += b->count;
	if (a->count < b->count)
		a->count = UINT64_MAX; /* saturate */
	a->zone_first = min_nz(a->zone_first, b->zone_first);
	if (b->zone_last > a->zone_last)
		a->zone_last = b->zone_last;
	a->nruns = runs_union(a->runs, a->nruns > LB_STORE_MAX_RUNS ? LB_STORE_MAX_RUNS : a->nruns,
			      bruns, b->nruns > LB_STORE_MAX_RUNS ? LB_STORE_MAX_RUNS : b->nruns,
			      a->runs);
	a->runs_uncounted = known ? 0 : 1;
	if (!known) /* one canonical form in memory too */
		for (uint32_t i = 0; i < a->nruns; i++)
			a->runs[i].count = 0;
}

size_t lb_val_encode(const lb_store_val_t *v, uint8_t *out, int with_days)
{
	size_t n = 0;
	unsigned flags = 0;
	if (v->time_last || v->count)
		flags |= 1;
	if (v->zone_last)
		flags |= 2;
	if (with_days && v->nruns)
		flags |= 4;
	uint32_t ns = v->nsrc > LB_STORE_MAX_SOURCES ? LB_STORE_MAX_SOURCES : v->nsrc;
	if (ns)
		flags |= 8;
	if (ns == LB_STORE_MAX_SOURCES && v->src_more)
		flags |= 16;
	int known = counts_known(v);
	/* A single run from the day of time_first to the day of time_last, holding
	 * the whole count, is what the decoder derives by itself: not written.
	 * (With unknown counts it is written, without counts, so that the value
	 * decodes as unknown again.) */
	if ((flags & 5) == 5 && known && v->nruns == 1 && v->time_first <= v->time_last &&
	    v->runs[0].start == lb_day_of(v->time_first) &&
	    (uint64_t)v->runs[0].start + v->runs[0].len - 1 == lb_day_of(v->time_last))
		flags &= ~4u;
	if ((flags & 4) && known)
		flags |= 32;
	out[n++] = LB_VAL_VERSION;
	n += lb_varint_put(out + n, flags);
	if (flags & 1) {
		uint64_t first = v->time_first <= v->time_last ? v->time_first : v->time_last;
		n += lb_varint_put(out + n, first);
		n += lb_varint_put(out + n, v->time_last - first);
		n += lb_varint_put(out + n, v->count);
	}
	if (flags & 2) {
		uint64_t first = v->zone_first <= v->zone_last ? v->zone_first : v->zone_last;
		n += lb_varint_put(out + n, first);
		n += lb_varint_put(out + n, v->zone_last - first);
	}
	if (flags & 4) {
		uint32_t nr = v->nruns > LB_STORE_MAX_RUNS ? LB_STORE_MAX_RUNS : v->nruns;
		n += lb_varint_put(out + n, nr);
		uint64_t prev = 0;
		for (uint32_t i = 0; i < nr; i++) {
			n += lb_varint_put(out + n, v->runs[i].start - prev);
			n += lb_varint_put(out + n, v->runs[i].len - 1);
			if (flags & 32)
				n += lb_varint_put(out + n, run_count(v, i));
			prev = (uint64_t)v->runs[i].start + v->runs[i].len;
		}
	}
	if (flags & 8) {
		n += lb_varint_put(out + n, ns);
		n += lb_varint_put(out + n, v->src[0]);
		for (uint32_t i = 1; i < ns; i++)
			n += lb_varint_put(out + n, v->src[i] - v->src[i - 1]);
	}
	return n;
}

int lb_val_decode(const uint8_t *p, size_t len, lb_store_val_t *v)
{
	lb_cur_t c;
	lb_cur_init(&c, p, len);
	memset(v, 0, offsetof(lb_store_val_t, runs));
	uint8_t ver = lb_cur_u8(&c);
	if (lb_cur_err(&c))
		return LB_ECORRUPT;
	if (ver != LB_VAL_VERSION)
		return LB_EVERSION;
	uint64_t flags = lb_cur_varint(&c);
	if (flags & ~(uint64_t)63)
		return LB_ECORRUPT;
	if ((flags & 32) && !(flags & 4))
		return LB_ECORRUPT;
	if (flags & 1) {
		v->time_first = lb_cur_varint(&c);
		uint64_t d = lb_cur_varint(&c);
		if (d > UINT64_MAX - v->time_first)
			return LB_ECORRUPT;
		v->time_last = v->time_first + d;
		if (v->time_last > LB_TIME_MAX)
			return LB_ECORRUPT; /* its timeline's days would not fit */
		v->count = lb_cur_varint(&c);
	}
	if (flags & 2) {
		v->zone_first = lb_cur_varint(&c);
		uint64_t d = lb_cur_varint(&c);
		if (d > UINT64_MAX - v->zone_first)
			return LB_ECORRUPT;
		v->zone_last = v->zone_first + d;
	}
	if (flags & 4) {
		uint64_t nr = lb_cur_varint(&c);
		if (nr == 0 || nr > LB_STORE_MAX_RUNS)
			return LB_ECORRUPT;
		uint64_t prev = 0;
		for (uint64_t i = 0; i < nr; i++) {
			uint64_t gap = lb_cur_varint(&c);
			uint64_t l1 = lb_cur_varint(&c);
			uint64_t cnt = (flags & 32) ? lb_cur_varint(&c) : 0;
			/* runs are strictly separated (gap >= 1) except the first */
			if ((i && gap == 0) || gap > UINT32_MAX || l1 >= UINT32_MAX)
				return LB_ECORRUPT;
			uint64_t start = prev + gap;
			if (start + l1 + 1 > UINT32_MAX)
				return LB_ECORRUPT;
			v->runs[i].start = (uint32_t)start;
			v->runs[i].len = (uint32_t)(l1 + 1);
			v->runs[i].count = cnt;
			prev = start + l1 + 1;
		}
		v->nruns = (uint32_t)nr;
		v->runs_uncounted = (flags & 32) ? 0 : 1;
		uint64_t sum = 0;
		for (uint64_t i = 0; i < nr; i++)
			sum = sat_add(sum, v->runs[i].count);
		if ((flags & 32) && !lb_cur_err(&c) && sum != v->count)
			return LB_ECORRUPT; /* run counts that do not add up to the count */
	}
	if (flags & 8) {
		uint64_t ns = lb_cur_varint(&c);
		if (ns == 0 || ns > LB_STORE_MAX_SOURCES)
			return LB_ECORRUPT;
		if ((flags & 16) && ns != LB_STORE_MAX_SOURCES)
			return LB_ECORRUPT;
		uint64_t id = lb_cur_varint(&c);
		for (uint64_t i = 0; i < ns; i++) {
			if (i) {
				uint64_t d = lb_cur_varint(&c);
				if (d == 0 || d > UINT32_MAX)
					return LB_ECORRUPT;
				id += d;
			}
			if (id > UINT32_MAX)
				return LB_ECORRUPT;
			v->src[i] = (uint32_t)id;
		}
		v->nsrc = (uint32_t)ns;
		v->src_more = (flags & 16) ? 1 : 0;
	} else if (flags & 16) {
		return LB_ECORRUPT;
	}
	if (lb_cur_err(&c))
		return LB_ECORRUPT;
	if (lb_cur_left(&c))
		return LB_ECORRUPT;
	if ((flags & 5) == 1) { /* the derived timeline: every day from first to last seen */
		v->nruns = 1;
		v->runs[0].start = lb_day_of(v->time_first);
		v->runs[0].len = lb_day_of(v->time_last) - lb_day_of(v->time_first) + 1;
		v->runs[0].count = v->count;
	}
	return 0;
}

size_t lb_val_merge_bytes(const uint8_t *const *ops, const size_t *lens, int n,
			  int with_days, uint8_t *out, unsigned *bad)
{
	lb_store_val_t acc, one;
	int have = 0;
	for (int i = 0; i < n; i++) {
		if (lb_val_decode(ops[i], lens[i], have ? &one : &acc) != 0) {
			(*bad)++;
			continue;
		}
		if (have)
			lb_store_val_merge(&acc, &one);
		have = 1;
	}
	if (!have)
		return 0;
	return lb_val_encode(&acc, out, with_days);
}

/* ---- keys ---- */

static void kbuf_bail(lb_kbuf_t *b, const uint8_t *bail)
{
	if (!bail) {
		lb_kbuf_u8(b, LB_BAIL_UNKNOWN);
		return;
	}
	lb_kbuf_rname(b, bail);
	lb_kbuf_u8(b, 0);
}

/* The keys below are built on every observation (the window's identity) and
 * for every index entry: one capacity check each, then plain stores. */
/* Copy the l (2..64) bytes of one label: whole loads and stores of 8, 4 or
 * 1 bytes, overlapping inside the label (a memcpy of a variable length is a
 * call; this runs for every label of every observation's key). */
static inline void label_copy(uint8_t *d, const uint8_t *s, size_t l)
{
	if (l >= 8) {
		size_t i = 0;
		for (; i + 8 < l; i += 8)
			memcpy(d + i, s + i, 8);
		memcpy(d + l - 8, s + l - 8, 8);
	} else if (l >= 4) {
		uint32_t a, b;
		memcpy(&a, s, 4);
		memcpy(&b, s + l - 4, 4);
		memcpy(d, &a, 4);
		memcpy(d + l - 4, &b, 4);
	} else {
		for (size_t i = 0; i < l; i++)
			d[i] = s[i];
	}
}

/* Length of a trusted wire name without its root label (as name_labels). */
static size_t name_len0(const uint8_t *name)
{
	size_t i = 0;
	for (int n = 0; name[i] && n < 128 && i < LB_NAME_MAX; n++)
		i += 1 + (size_t)name[i];
	return i;
}

/* Write the labels of name (tot bytes without the root) to o in reverse
 * order, in one pass from the front: the label at i goes to tot - i - l. */
static void rname_rev(uint8_t *o, const uint8_t *name, size_t tot)
{
	for (size_t i = 0; i < tot;) {
		size_t l = 1 + (size_t)name[i];
		label_copy(o + tot - i - l, name + i, l);
		i += l;
	}
}

/* Small copies inline (an A or AAAA rdata, a label), memcpy for the rest. */
static inline void small_copy(uint8_t *d, const uint8_t *s, size_t l)
{
	if (l >= 2 && l <= 16)
		label_copy(d, s, l);
	else if (l)
		memcpy(d, s, l);
}

static size_t rrset_need(const lb_store_rec_t *rec, size_t ot, size_t bt)
{
	size_t need = 1 + ot + 1 + 2 + (rec->bailiwick ? bt + 1 : 1);
	for (size_t i = 0; i < rec->nrdata; i++)
		need += 10 + (size_t)rec->rdlen[i];
	return need;
}

static size_t rrset_put(uint8_t *o, const lb_store_rec_t *rec, size_t ot, size_t bt)
{
	size_t w = 0;
	o[w++] = LB_KT_RRSET;
	rname_rev(o + w, rec->owner, ot);
	w += ot;
	o[w++] = 0;
	o[w++] = (uint8_t)(rec->type >> 8);
	o[w++] = (uint8_t)rec->type;
	if (rec->bailiwick) {
		rname_rev(o + w, rec->bailiwick, bt);
		w += bt;
		o[w++] = 0;
	} else {
		o[w++] = LB_BAIL_UNKNOWN;
	}
	for (size_t i = 0; i < rec->nrdata; i++) {
		size_t l = rec->rdlen[i];
		if (l < 0x80)
			o[w++] = (uint8_t)l;
		else
			w += lb_varint_put(o + w, l);
		small_copy(o + w, rec->rdata[i], l);
		w += l;
	}
	return w;
}

/* owner_len / bailiwick_len include the root label: minus it, the names'
 * lengths as name_len0 counts them */
size_t lb_key_rrset_need(const lb_store_rec_t *rec)
{
	return rrset_need(rec, (size_t)rec->owner_len - 1,
			  rec->bailiwick ? (size_t)rec->bailiwick_len - 1 : 0);
}

size_t lb_key_rrset_put(uint8_t *o, const lb_store_rec_t *rec)
{
	return rrset_put(o, rec, (size_t)rec->owner_len - 1,
			 rec->bailiwick ? (size_t)rec->bailiwick_len - 1 : 0);
}

void lb_key_rrset(lb_kbuf_t *b, const lb_store_rec_t *rec)
{
	size_t ot = name_len0(rec->owner), bt = rec->bailiwick ? name_len0(rec->bailiwick) : 0;
	uint8_t *o = kbuf_room(b, rrset_need(rec, ot, bt));
	if (o)
		b->len += rrset_put(o, rec, ot, bt);
}

void lb_key_fwd(lb_kbuf_t *b, uint8_t table, const uint8_t *name, size_t name_len)
{
	lb_kbuf_u8(b, table);
	lb_kbuf_put(b, name, name_len);
}

void lb_key_neg(lb_kbuf_t *b, const lb_store_rec_t *rec)
{
	lb_kbuf_u8(b, LB_KT_NEG);
	lb_kbuf_rname(b, rec->owner);
	lb_kbuf_u8(b, 0);
	lb_kbuf_u16(b, rec->type);
	lb_kbuf_u8(b, (uint8_t)rec->rcode);
	kbuf_bail(b, rec->bailiwick);
}

uint64_t lb_rdata_digest(const uint8_t *rd, size_t len)
{
	return XXH3_64bits(rd, len);
}

void lb_key_raw_rdata(lb_kbuf_t *b, const uint8_t *rd, size_t len, int xdig)
{
	if (xdig && len >= LB_XDIG_MIN && len <= UINT16_MAX) {
		uint64_t h = lb_rdata_digest(rd, len);
		uint8_t hb[8];
		for (int j = 0; j < 8; j++)
			hb[j] = (uint8_t)(h >> (56 - 8 * j));
		lb_kbuf_varint(b, LB_XDIG_MARK);
		lb_kbuf_u16(b, (uint16_t)len);
		lb_kbuf_put(b, hb, 8);
	} else {
		lb_kbuf_varint(b, len);
		lb_kbuf_put(b, rd, len);
	}
}

size_t lb_key_rowner(const uint8_t *owner, uint8_t *out)
{
	size_t oo[128], ot;
	int on = name_labels(owner, oo, &ot);
	return rname_write(out, owner, oo, on);
}

void lb_key_rdata(lb_kbuf_t *b, const lb_store_rec_t *rec, size_t i, int xdig,
		  const uint8_t **target, size_t *target_len)
{
	uint8_t ro[LB_NAME_MAX] = { 0 }; /* (a root owner writes none of it) */
	size_t rl = lb_key_rowner(rec->owner, ro);
	lb_key_rdata_r(b, rec, i, xdig, ro, rl, target, target_len);
}

void lb_key_rdata_r(lb_kbuf_t *b, const lb_store_rec_t *rec, size_t i, int xdig,
		    const uint8_t *rowner, size_t rowner_len, const uint8_t **target,
		    size_t *target_len)
{
	const uint8_t *rd = rec->rdata[i];
	size_t len = rec->rdlen[i];
	*target = NULL;
	if (target_len)
		*target_len = 0;
	if ((rec->type == LB_T_A && len == 4) || (rec->type == LB_T_AAAA && len == 16)) {
		uint8_t *o = kbuf_room(b, 2 + len + rowner_len + 1);
		if (!o)
			return;
		o[0] = LB_KT_IP;
		o[1] = len == 4 ? 4 : 6;
		memcpy(o + 2, rd, len);
		memcpy(o + 2 + len, rowner, rowner_len);
		o[2 + len + rowner_len] = 0;
		b->len += 2 + len + rowner_len + 1;
		return;
	}
	const uint8_t *t = lb_rdata_target_name(rec->type, rd, len);
	int tl = t ? lb_name_check(t, len - (size_t)(t - rd)) : -1;
	if (t && tl > 0) {
		size_t off = (size_t)(t - rd), rest = len - off - (size_t)tl;
		*target = t;
		if (target_len)
			*target_len = (size_t)tl;
		/* N rtarget 00 type(2) rowner 00 varint(off) rest: one capacity
		 * check, then plain stores */
		size_t to[128], tt;
		int tn = name_labels(t, to, &tt);
		uint8_t *o = kbuf_room(b, 1 + tt + 1 + 2 + rowner_len + 1 + 10 + off + rest);
		if (!o)
			return;
		size_t w = 0;
		o[w++] = LB_KT_NAME;
		w += rname_write(o + w, t, to, tn);
		o[w++] = 0;
		o[w++] = (uint8_t)(rec->type >> 8);
		o[w++] = (uint8_t)rec->type;
		memcpy(o + w, rowner, rowner_len);
		w += rowner_len;
		o[w++] = 0;
		w += lb_varint_put(o + w, off);
		if (off)
			memcpy(o + w, rd, off);
		w += off;
		if (rest)
			memcpy(o + w, t + tl, rest);
		w += rest;
		b->len += w;
		return;
	}
	lb_kbuf_u8(b, LB_KT_RAW);
	lb_key_raw_rdata(b, rd, len, xdig);
	lb_kbuf_u16(b, rec->type);
	lb_kbuf_put(b, rowner, rowner_len);
	lb_kbuf_u8(b, 0);
}

static int cur_bail(lb_cur_t *c, lb_kdec_t *d, lb_store_rec_t *rec)
{
	if (lb_cur_peek8(c, 0) == LB_BAIL_UNKNOWN && lb_cur_left(c)) {
		lb_cur_skip(c, 1);
		rec->bailiwick = NULL;
		rec->bailiwick_len = 0;
		return 0;
	}
	int n = lb_cur_rname(c, d->bail);
	if (n < 0)
		return n;
	rec->bailiwick = d->bail;
	rec->bailiwick_len = (size_t)n;
	return 0;
}

static int cur_owner(lb_cur_t *c, lb_kdec_t *d, lb_store_rec_t *rec)
{
	int n = lb_cur_rname(c, d->owner);
	if (n < 0)
		return n;
	rec->owner = d->owner;
	rec->owner_len = (size_t)n;
	return 0;
}

int lb_key_rrset_holds(const uint8_t *key, size_t len, size_t plen, const uint8_t *rd,
		       size_t rdlen)
{
	return lb_key_rrset_find(key, len, plen, rd, rdlen, 0, NULL);
}

int lb_key_rrset_find(const uint8_t *key, size_t len, size_t plen, const uint8_t *rd,
		      size_t rdlen, uint64_t dig, const uint8_t **match)
{
	lb_cur_t c;
	if (plen > len)
		return LB_ECORRUPT;
	lb_cur_init(&c, key + plen, len - plen);
	/* the bailiwick: FF, or label-reversed labels and a 00 */
	if (lb_cur_peek8(&c, 0) == LB_BAIL_UNKNOWN && lb_cur_left(&c)) {
		lb_cur_skip(&c, 1);
	} else {
		for (int n = 0;; n++) {
			uint8_t l = lb_cur_u8(&c);
			if (lb_cur_err(&c) || l > 63 || n > 127)
				return LB_ECORRUPT;
			if (!l)
				break;
			if (!lb_cur_bytes(&c, l))
				return LB_ECORRUPT;
		}
	}
	int found = 0, n = 0;
	while (lb_cur_left(&c)) {
		uint64_t l = lb_cur_varint(&c);
		const uint8_t *p = l <= LB_RDATA_MAX ? lb_cur_bytes(&c, (size_t)l) : NULL;
		if (!p || ++n > LB_STORE_MAX_RDATA)
			return LB_ECORRUPT;
		if (!found && l == rdlen &&
		    (rd ? !memcmp(p, rd, rdlen) : lb_rdata_digest(p, rdlen) == dig)) {
			found = 1;
			if (match)
				*match = p;
		}
	}
	return n ? found : LB_ECORRUPT;
}

int lb_key_decode(const uint8_t *key, size_t len, lb_kdec_t *d, lb_store_rec_t *rec)
{
	lb_cur_t c;
	lb_cur_init(&c, key, len);
	memset(rec, 0, offsetof(lb_store_rec_t, val));
	rec->rdata = d->rdp;
	rec->rdlen = d->rdl;
	uint8_t t = lb_cur_u8(&c);
	int err = 0;
	switch (t) {
	case LB_KT_RRSET:
		rec->kind = LB_REC_RRSET;
		if ((err = cur_owner(&c, d, rec)))
			return err;
		rec->type = lb_cur_u16(&c);
		if ((err = cur_bail(&c, d, rec)))
			return err;
		while (lb_cur_left(&c)) {
			uint64_t l = lb_cur_varint(&c);
			const uint8_t *p = l <= LB_RDATA_MAX ? lb_cur_bytes(&c, (size_t)l) : NULL;
			if (!p || rec->nrdata == LB_STORE_MAX_RDATA)
				return LB_ECORRUPT;
			d->rdp[rec->nrdata] = p;
			d->rdl[rec->nrdata++] = (uint16_t)l;
		}
		if (!rec->nrdata)
			return LB_ECORRUPT;
		break;
	case LB_KT_IP: {
		rec->kind = LB_REC_RDATA;
		uint8_t fam = lb_cur_u8(&c);
		size_t al = fam == 4 ? 4 : fam == 6 ? 16 : 0;
		const uint8_t *a = al ? lb_cur_bytes(&c, al) : NULL;
		if (!a)
			return LB_ECORRUPT;
		rec->type = fam == 4 ? LB_T_A : LB_T_AAAA;
		d->rdp[0] = a;
		d->rdl[0] = (uint16_t)al;
		rec->nrdata = 1;
		if ((err = cur_owner(&c, d, rec)))
			return err;
		break;
	}
	case LB_KT_NAME: {
		rec->kind = LB_REC_RDATA;
		uint8_t tname[256];
		int tl = lb_cur_rname(&c, tname);
		if (tl < 0)
			return tl;
		rec->type = lb_cur_u16(&c);
		if ((err = cur_owner(&c, d, rec)))
			return err;
		uint64_t off = lb_cur_varint(&c);
		size_t rest = lb_cur_left(&c);
		const uint8_t *p = lb_cur_bytes(&c, rest);
		if (lb_cur_err(&c) || off > rest || rest + (size_t)tl > LB_RDATA_MAX)
			return LB_ECORRUPT;
		memcpy(d->rdata1, p, (size_t)off);
		memcpy(d->rdata1 + off, tname, (size_t)tl);
		memcpy(d->rdata1 + off + (size_t)tl, p + off, rest - (size_t)off);
		d->rdp[0] = d->rdata1;
		d->rdl[0] = (uint16_t)(rest + (size_t)tl);
		rec->nrdata = 1;
		break;
	}
	case LB_KT_RAW: {
		rec->kind = LB_REC_RDATA;
		uint64_t l = lb_cur_varint(&c);
		if (l == LB_XDIG_MARK) {
			/* format 3: length and digest */
			l = lb_cur_u16(&c);
			uint64_t h = (uint64_t)lb_cur_u32(&c) << 32;
			h |= lb_cur_u32(&c);
			if (lb_cur_err(&c) || l < LB_XDIG_MIN)
				return LB_ECORRUPT;
			d->xdig = h;
			d->rdp[0] = NULL;
		} else {
			const uint8_t *p = l <= LB_RDATA_MAX ? lb_cur_bytes(&c, (size_t)l) : NULL;
			if (!p)
				return LB_ECORRUPT;
			d->rdp[0] = p;
		}
		d->rdl[0] = (uint16_t)l;
		rec->nrdata = 1;
		rec->type = lb_cur_u16(&c);
		if ((err = cur_owner(&c, d, rec)))
			return err;
		break;
	}
	case LB_KT_NEG:
		rec->kind = LB_REC_NEG;
		if ((err = cur_owner(&c, d, rec)))
			return err;
		rec->type = lb_cur_u16(&c);
		rec->rcode = lb_cur_u8(&c);
		if ((err = cur_bail(&c, d, rec)))
			return err;
		break;
	case LB_KT_META: {
		if (lb_cur_u8(&c) != 's')
			return LB_ECORRUPT;
		size_t n = lb_cur_left(&c);
		if (n > LB_STORE_SENSOR_MAX)
			return LB_ECORRUPT;
		lb_cur_copy(&c, d->sensor, n);
		d->sensor[n] = 0;
		if (memchr(d->sensor, 0, n))
			return LB_ECORRUPT;
		rec->kind = LB_REC_SENSOR;
		rec->sensor = d->sensor;
		break;
	}
	default:
		return LB_ECORRUPT;
	}
	if (lb_cur_err(&c) || lb_cur_left(&c))
		return LB_ECORRUPT;
	return 0;
}
