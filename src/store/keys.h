/*
 * keys.h - byte formats of the key-value engines (RocksDB): keys, values and
 * the merge function.  docs/ARCHITECTURE.md ("Store byte formats") describes the same in prose.
 *
 * One key space; the first byte names the table:
 *   'V' meta      'V' 'f'              -> "lookback-store" NUL version   (format check)
 *                 'V' 'r'              -> varint retention days
 *                 'V' 's' sensor       -> value (per-source freshness)
 *   'R' rrset     'R' rowner 00 type2 bail rdataset          -> value (with days)
 *   'F' owner fwd 'F' owner-wire                             -> empty
 *   'I' rdata ip  'I' 04 addr4 | 06 addr16, rowner 00        -> empty (*)
 *   'N' rdata nm  'N' rtarget 00 type2 rowner 00 varint(off) rest -> empty (*)
 *   'G' target fwd'G' target-wire                            -> empty
 *   'X' rdata raw 'X' varint(len) rdata type2 rowner 00      -> empty (*)
 *                 format 3, rdata of LB_XDIG_MIN bytes or more:
 *                 'X' varint(LB_XDIG_MARK) len2 digest8 type2 rowner 00
 *                 (digest8: XXH3-64 of the rdata, big-endian; the rdata
 *                 itself is in the rrsets' keys)
 *   'Z' negative  'Z' rqname 00 qtype2 rcode1 bail           -> value
 * rowner = label-reversed name (name.h lb_name_reverse: "\3com\7example\3www"),
 * bail = FF (unknown) or rbailiwick 00; rdataset = for each rdata varint(len) bytes.
 * type2 = big-endian 16 bits.
 * (*) store formats 2 and 3; format 1 (still read) kept counters there.  A
 * lookup derives an entry's counters from the rrsets that hold it
 * (lb_key_rrset_holds).  Format 3 differs from 2 only in the long 'X' keys.
 *
 *                 'V' 'i' name         -> varint source id (assigned once)
 *                 'V' 'n' varint(id)   -> name (ids are never reused)
 *
 * Value: u8 version(1), varint flags (1 seen, 2 zone, 4 days, 8 sources,
 * 16 more sources, 32 run counts), then
 *   seen: varint time_first, varint time_last-time_first, varint count
 *   zone: varint zone_first, varint zone_last-zone_first
 *   days: varint nruns, per run varint (start - previous run end), varint (len-1)
 *         and with 32: varint count (the run's sightings; the run counts add
 *         up, saturating, to count)
 *   sources: varint n (1..16), varint first id, then n-1 varint (id - previous id), >= 1
 *   (16 only with sources and exactly 16 ids: more sources saw it than kept)
 * (32 only with 4; days without 32 = run counts unknown: values written
 * before run counts were kept, or merged with such a value.)
 * Nothing may follow.  Without the days flag, a seen value's timeline is one
 * run from the day of time_first to the day of time_last holding the whole
 * count (the encoder leaves out exactly that case, when the counts are known).  Decoding never trusts a byte: all reads use the cursor.
 */
#ifndef LB_STORE_KEYS_H
#define LB_STORE_KEYS_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "store/store.h"
#include "util/cursor.h"
#include "util/err.h"

enum {
	LB_KT_META = 'V', LB_KT_RRSET = 'R', LB_KT_FWD = 'F', LB_KT_IP = 'I',
	LB_KT_NAME = 'N', LB_KT_GFWD = 'G', LB_KT_RAW = 'X', LB_KT_NEG = 'Z',
};

#define LB_VAL_VERSION 1
#define LB_STORE_MAGIC "lookback-store"
#define LB_STORE_FORMAT 3
/* 'X' keys of format 3 stores: rdata this long or longer are keyed by their
 * length and digest (RRSIG signatures, DNSKEYs, long TXT: stored in full in
 * their rrsets' keys already).  The varint LB_XDIG_MARK (no rdata is that
 * long) says which form follows: 2 bytes length, 8 bytes digest. */
#define LB_XDIG_MIN 33
#define LB_XDIG_MARK (65536 + 10)
#define LB_BAIL_UNKNOWN 0xff
/* Largest value: version, flags, 5 varints, the runs (two varints of at most
 * 5 bytes and a count each) and the sources. */
#define LB_VAL_MAX (2 + 5 * 10 + 5 + LB_STORE_MAX_RUNS * (10 + 10) + 1 + LB_STORE_MAX_SOURCES * 5)

/* Growable byte buffer for building keys. */
typedef struct lb_kbuf {
	uint8_t *p;
	size_t len, cap;
	int err;   /* sticky LB_ENOMEM */
} lb_kbuf_t;

void lb_kbuf_free(lb_kbuf_t *b);
/* Room for n more bytes (0: out of memory, b->err set; or b->err was set
 * before).  Inline, with its growth out of line: key builders call it for
 * every byte string they append. */
int lb_kbuf_grow_slow(lb_kbuf_t *b, size_t n);
static inline int lb_kbuf_grow(lb_kbuf_t *b, size_t n)
{
	return !b->err && b->len + n <= b->cap ? 1 : lb_kbuf_grow_slow(b, n);
}
static inline void lb_kbuf_reset(lb_kbuf_t *b)
{
	b->len = 0;
	b->err = 0;
}
static inline void lb_kbuf_put(lb_kbuf_t *b, const void *p, size_t n)
{
	if (n == 0 || !lb_kbuf_grow(b, n))
		return;
	memcpy(b->p + b->len, p, n);
	b->len += n;
}
static inline void lb_kbuf_u8(lb_kbuf_t *b, uint8_t v)
{
	if (lb_kbuf_grow(b, 1))
		b->p[b->len++] = v;
}
void lb_kbuf_u16(lb_kbuf_t *b, uint16_t v);
void lb_kbuf_varint(lb_kbuf_t *b, uint64_t v);
/* Append the label-reversed form of wire name (no terminator); LB_ERDATA-like
 * errors make the buffer's err LB_ETEXT. */
void lb_kbuf_rname(lb_kbuf_t *b, const uint8_t *name);

/* Varints: LEB128, at most 10 bytes.  Returns bytes written. */
size_t lb_varint_put(uint8_t *out, uint64_t v);
/* Reads a varint; sets the cursor error (LB_ECORRUPT) on overlong encodings. */
uint64_t lb_cur_varint(lb_cur_t *c);

/* Value encoding.  lb_val_encode writes at most LB_VAL_MAX bytes, returns length. */
size_t lb_val_encode(const lb_store_val_t *v, uint8_t *out, int with_days);
LB_WUR int lb_val_decode(const uint8_t *p, size_t len, lb_store_val_t *v);

/*
 * Key builders: append the full key for rec into b (after lb_kbuf_reset).
 * rrset identity: owner, type, bailiwick, rdata set.
 */
void lb_key_rrset(lb_kbuf_t *b, const lb_store_rec_t *rec);
/* The same into memory of one's own (the window's staging buffer): at most
 * lb_key_rrset_need(rec) bytes written to o, the length returned.  Here
 * rec->owner_len and (with a bailiwick) rec->bailiwick_len must be the
 * names' checked wire lengths, root label included (lb_name_check's). */
size_t lb_key_rrset_need(const lb_store_rec_t *rec);
size_t lb_key_rrset_put(uint8_t *o, const lb_store_rec_t *rec);
void lb_key_fwd(lb_kbuf_t *b, uint8_t table, const uint8_t *name, size_t name_len);
void lb_key_neg(lb_kbuf_t *b, const lb_store_rec_t *rec);
/* rdata index entry for rdata i of rec: 'I', 'N' or 'X' key; xdig: long
 * rdata in an 'X' key by digest (format 3), else in full.  If the rdata
 * carries a target name, *target is set to it (for the 'G' index) and
 * *target_len (when not NULL) to its length, else NULL and 0. */
void lb_key_rdata(lb_kbuf_t *b, const lb_store_rec_t *rec, size_t i, int xdig,
		  const uint8_t **target, size_t *target_len);
/* The same with rec's owner label-reversed already (rowner, without the 00
 * terminator: lb_key_rowner, or the bytes after an 'R' key's table byte):
 * an rrset's several rdata reverse its owner once. */
void lb_key_rdata_r(lb_kbuf_t *b, const lb_store_rec_t *rec, size_t i, int xdig,
		    const uint8_t *rowner, size_t rowner_len, const uint8_t **target,
		    size_t *target_len);
/* owner (a trusted wire name) label-reversed into out (LB_NAME_MAX bytes),
 * no terminator; returns its length. */
size_t lb_key_rowner(const uint8_t *owner, uint8_t *out);
/* The part of an 'X' key after the table byte that names the rdata: varint
 * length and the rdata, or (xdig and long rdata) the mark, length, digest. */
void lb_key_raw_rdata(lb_kbuf_t *b, const uint8_t *rd, size_t len, int xdig);
/* The digest of an 'X' key (XXH3 64 bits, seed 0: part of the format). */
uint64_t lb_rdata_digest(const uint8_t *rd, size_t len);

/*
 * Key decoders.  Decode key bytes read back from the engine into rec, using
 * scratch storage (owned by the caller, reused): names are un-reversed into
 * scratch buffers; rdata pointers point into the key or scratch.
 */
typedef struct lb_kdec {
	uint8_t owner[256];
	uint8_t bail[256];
	uint8_t rdata1[65536 + 256]; /* one rebuilt rdata (N keys) */
	uint64_t xdig;               /* an 'X' key by digest: rdp[0] is NULL */
	const uint8_t *rdp[LB_STORE_MAX_RDATA];
	uint16_t rdl[LB_STORE_MAX_RDATA];
	char sensor[LB_STORE_SENSOR_MAX + 1];
} lb_kdec_t;

/* An 'X' key by digest decodes with rdata[0] NULL, its length in rdlen[0]
 * and the digest in d->xdig: the rdata is found in the rrsets
 * (lb_key_rrset_find). */
LB_WUR int lb_key_decode(const uint8_t *key, size_t len, lb_kdec_t *d, lb_store_rec_t *rec);

/*
 * Does the rrset key (len bytes; plen = the length of its prefix
 * 'R' rowner 00 type2) hold exactly the rdata rd?  Walks the bailiwick and the
 * rdata set with the cursor.  1 yes, 0 no, LB_ECORRUPT when the key does not
 * decode.  Rdata index entries of format 2 have empty values: a lookup derives
 * their counters from the rrsets that hold them (rocks_iter.c).
 */
LB_WUR int lb_key_rrset_holds(const uint8_t *key, size_t len, size_t plen, const uint8_t *rd,
			      size_t rdlen);
/* The same, for rd or (rd NULL) for an rdata of rdlen bytes whose digest is
 * dig; *match (when not NULL) is set to the rdata found, inside key. */
LB_WUR int lb_key_rrset_find(const uint8_t *key, size_t len, size_t plen, const uint8_t *rd,
			     size_t rdlen, uint64_t dig, const uint8_t **match);

/*
 * Read a label-reversed name terminated by 00 from the cursor, writing the
 * wire form to out (256 bytes).  Returns the wire length or LB_ECORRUPT.
 */
LB_WUR int lb_cur_rname(lb_cur_t *c, uint8_t *out);

/*
 * The merge function shared by the engine's full and partial merge: decodes
 * each operand (existing first if any), folds them, encodes into out
 * (LB_VAL_MAX bytes).  Operands that do not decode are skipped and counted in
 * *bad.  Returns the output length, or 0 when no operand decoded.
 */
size_t lb_val_merge_bytes(const uint8_t *const *ops, const size_t *lens, int n,
			  int with_days, uint8_t *out, unsigned *bad);

/* Days since the epoch of Unix time t. */
static inline uint32_t lb_day_of(uint64_t t) { return (uint32_t)(t / 86400); }

#endif
