/*
 * dns_impl.h - private to src/dns: shared tables of the DNS module.  Not a
 * module door; nothing outside src/dns includes it.
 */
#ifndef LB_DNS_IMPL_H
#define LB_DNS_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

/* ASCII lower-casing table (identity for every other byte). */
extern const uint8_t lb_dns_lower[256];

/*
 * Layout of a type's rdata as a string of field codes, or NULL for opaque
 * types.  One code per field, in wire order:
 *   a IPv4 (4)   6 IPv6 (16)   e EUI48 (6)   f EUI64 (8)
 *   W ILNP 64-bit Node-ID / Locator (8), text xxxx:xxxx:xxxx:xxxx
 *   b u8   s u16   l u32   d u32 duration (text: also "1h30m")
 *   T u16 type   E u32 time (RRSIG)
 *   N name, lower-cased in canonical form    n name, case kept
 *   c character-string   g CAA tag (u8 length >= 1, then the tag)
 *   x u8 length + bytes, hex (NSEC3 salt; "-" when empty)
 *   h u8 length (>= 1) + bytes, base32hex (NSEC3 next hashed owner)
 *   G IPSECKEY gateway (form chosen by the rdata's second octet)
 * Codes that take the rest of the rdata (always last):
 *   C one or more character-strings   H hex   B base64   M type bitmap (NSEC)
 *   K NSAP address: "0x" and hex (RFC 1706)
 *   J hex, one octet at least (EID, NIMLOC)
 *   F ATMA: format octet and address (0: AESA in hex, 1: E.164 "+digits")
 *   O NXT bitmap   P WKS port bitmap   Q string (CAA value, URI target)
 *   V SVCB/HTTPS SvcParams   Y APL items   X opaque
 * Whole-rdata codes: L LOC   Z A6   R AMTRELAY (RFC 8777)   I HIP (RFC 8005)
 *   S SINK: "bbbB" in text; any length on the wire (opaque, kept as it is
 *     when under 3 octets and then shown as \#, as before it had a form).
 */
const char *lb_dns_rdata_fmt(uint16_t type);

/*
 * Mnemonics of numeric fields (rdata_mnem.c); fi is the field's index in the
 * layout, 0-based.  lb_dns_mnem_value: the value of mnemonic s[0..n) (any
 * case) in that field: 0 and *v, or LB_ETEXT - DNSSEC algorithms in DNSKEY,
 * CDNSKEY, KEY, DS, CDS, DLV, TA, RRSIG, SIG and CERT; CERT's certificate
 * types.  lb_dns_mnem_text: the mnemonic the printer writes for v, or NULL
 * for a number - only CERT's fields have one in print (as BIND and
 * dnspython write CERT; dig prints DNSKEY's algorithm as a number).
 */
LB_WUR int lb_dns_mnem_value(uint16_t type, size_t fi, const char *s, size_t n, unsigned *v);
const char *lb_dns_mnem_text(uint16_t type, size_t fi, unsigned v);

/*
 * One presentation-format escape after its backslash (RFC 1035 5.1), at
 * t[0..left): "\DDD" (three decimal digits, <= 255) or "\X".  Writes the
 * byte to *ch and returns how many characters the escape used (3 or 1), or
 * LB_ETEXT.
 */
static inline int lb_dns_unescape1(const char *t, size_t left, unsigned *ch)
{
	if (left == 0)
		return LB_ETEXT;
	if (t[0] < '0' || t[0] > '9') {
		*ch = (uint8_t)t[0];
		return 1;
	}
	if (left < 3)
		return LB_ETEXT;
	unsigned v = 0;
	for (int k = 0; k < 3; k++) {
		if (t[k] < '0' || t[k] > '9')
			return LB_ETEXT;
		v = v * 10 + (unsigned)(t[k] - '0');
	}
	if (v > 255)
		return LB_ETEXT;
	*ch = v;
	return 3;
}

#endif
