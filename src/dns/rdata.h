/*
 * rdata.h - rdata in canonical wire form and in presentation text.
 *
 * Canonical wire form: names embedded in rdata are uncompressed; for the types
 * RFC 4034 6.2 lists (as amended by RFC 6840 5.1: NS MD MF CNAME SOA MB MG MR
 * PTR MINFO MX RP AFSDB RT SIG PX NXT NAPTR KX SRV DNAME A6 RRSIG) they are
 * also lower-cased.  Everything else is kept byte for byte.  Unknown types are
 * opaque (RFC 3597).  Two equal rdatas compare equal with memcmp.
 */
#ifndef LB_DNS_RDATA_H
#define LB_DNS_RDATA_H

#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

/* Largest canonical rdata: rdlength is 16 bits, and decompression can only
 * grow the few name-bearing types up to this bound too. */
#define LB_RDATA_MAX 65535

/*
 * Canonicalize one RR's rdata as found in message [msg, msg+msglen) at offset
 * rdoff with length rdlen.  Names are followed through compression pointers
 * (the lb_name_read rules), decompressed and lower-cased where listed above.
 * The rdata is also validated against its type's layout (A is 4 bytes, MX is
 * 2 bytes and a name that ends exactly at rdlen, SOA two names and 20 bytes,
 * ...); a mismatch is LB_ERDATA.  Writes to out (capacity outsz); returns the
 * canonical length or a negative error.
 */
LB_WUR int lb_rdata_canon(uint16_t type, const uint8_t *msg, size_t msglen, size_t rdoff,
			  size_t rdlen, uint8_t *out, size_t outsz);

/*
 * Presentation text of canonical rdata (as produced by lb_rdata_canon), as
 * dig/BIND print it, one line, no trailing newline.  Types with a specific
 * format: A NS MD MF CNAME SOA MB MG MR NULL(as \#) WKS PTR HINFO MINFO MX TXT RP
 * AFSDB RT KX PX AAAA LOC SRV NAPTR DNAME A6? DS SSHFP IPSECKEY RRSIG NSEC DNSKEY
 * DHCID NSEC3 NSEC3PARAM TLSA SMIMEA CDS CDNSKEY OPENPGPKEY CSYNC ZONEMD SVCB
 * HTTPS SPF EUI48 EUI64 URI CAA DLV TA CERT KEY SIG NXT APL NSAP EID NIMLOC
 * ATMA SINK (and more:
 * lb_dns_rdata_fmt); CERT's certificate type and algorithm as mnemonics
 * where one exists, as BIND prints them.  Every other type,
 * and any rdata that does not fit its type's layout, is written in the RFC 3597
 * generic form "\# <len> <hex>".  Returns length written (NUL-terminated) or
 * LB_ESPACE.
 */
LB_WUR int lb_rdata_to_text(uint16_t type, const uint8_t *rdata, size_t rdlen,
			    char *out, size_t outsz);

/* Worst-case text size for rdlen bytes of rdata of any type (safe buffer size). */
size_t lb_rdata_text_max(size_t rdlen);

/*
 * lb_rdata_to_text into a buffer of the calling thread's, grown to the worst
 * case of rdlen (an NSEC bitmap or a WKS port list can print 80 characters a
 * byte): the text, valid until the thread's next call; NULL when memory for
 * it cannot be had.
 */
const char *lb_rdata_text(uint16_t type, const uint8_t *rdata, size_t rdlen);

/*
 * Parse presentation text of one rdata (zone-file or COF form, also "\# len hex")
 * into canonical wire form.  origin (may be NULL) completes relative names.
 * Returns the wire length or LB_ETEXT / LB_ESPACE.  Supports at least A AAAA
 * NS CNAME DNAME PTR MX SOA TXT SPF SRV NAPTR HINFO RP CAA DS DNSKEY TLSA SSHFP
 * and the generic form for every type.
 */
LB_WUR int lb_rdata_from_text(uint16_t type, const char *text, size_t textlen,
			      const uint8_t *origin, uint8_t *out, size_t outsz);

/*
 * A TTL or other duration in seconds, as master files write them: a number,
 * or numbers with units s m h d w ("1h30m", "2W"; BIND's habit, RFC 2308's
 * $TTL).  0, or LB_ETEXT when it is not one or exceeds 2^32 - 1.  The SOA
 * timers and RRSIG's original TTL are read with it.
 */
LB_WUR int lb_ttl_from_text(const char *text, size_t len, uint32_t *out);

/*
 * For rdata that carries a name usable as a pivot (NS CNAME DNAME PTR MX SRV
 * SOA(mname) SVCB/HTTPS(target) NAPTR(replacement) AFSDB RT KX PX MB MD MF),
 * return a pointer to that name inside rdata (wire form), or NULL.
 */
const uint8_t *lb_rdata_target_name(uint16_t type, const uint8_t *rdata, size_t rdlen);

#endif
