/*
 * rrtype.h - RR types, classes and rcodes: numbers and mnemonics.
 */
#ifndef LB_DNS_RRTYPE_H
#define LB_DNS_RRTYPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

enum {
	LB_T_A = 1, LB_T_NS = 2, LB_T_MD = 3, LB_T_MF = 4, LB_T_CNAME = 5, LB_T_SOA = 6,
	LB_T_MB = 7, LB_T_MG = 8, LB_T_MR = 9, LB_T_NULL = 10, LB_T_WKS = 11, LB_T_PTR = 12,
	LB_T_HINFO = 13, LB_T_MINFO = 14, LB_T_MX = 15, LB_T_TXT = 16, LB_T_RP = 17,
	LB_T_AFSDB = 18, LB_T_X25 = 19, LB_T_ISDN = 20, LB_T_RT = 21, LB_T_NSAP = 22,
	LB_T_NSAP_PTR = 23, LB_T_SIG = 24, LB_T_KEY = 25, LB_T_PX = 26, LB_T_GPOS = 27,
	LB_T_AAAA = 28, LB_T_LOC = 29, LB_T_NXT = 30, LB_T_SRV = 33, LB_T_NAPTR = 35,
	LB_T_KX = 36, LB_T_CERT = 37, LB_T_A6 = 38, LB_T_DNAME = 39, LB_T_OPT = 41,
	LB_T_APL = 42, LB_T_DS = 43, LB_T_SSHFP = 44, LB_T_IPSECKEY = 45, LB_T_RRSIG = 46,
	LB_T_NSEC = 47, LB_T_DNSKEY = 48, LB_T_DHCID = 49, LB_T_NSEC3 = 50,
	LB_T_NSEC3PARAM = 51, LB_T_TLSA = 52, LB_T_SMIMEA = 53, LB_T_HIP = 55,
	LB_T_CDS = 59, LB_T_CDNSKEY = 60, LB_T_OPENPGPKEY = 61, LB_T_CSYNC = 62,
	LB_T_ZONEMD = 63, LB_T_SVCB = 64, LB_T_HTTPS = 65, LB_T_SPF = 99,
	LB_T_NID = 104, LB_T_L32 = 105, LB_T_L64 = 106, LB_T_LP = 107,
	LB_T_EUI48 = 108, LB_T_EUI64 = 109, LB_T_TKEY = 249, LB_T_TSIG = 250,
	LB_T_IXFR = 251, LB_T_AXFR = 252, LB_T_ANY = 255, LB_T_URI = 256, LB_T_CAA = 257, LB_T_AMTRELAY = 260,
	LB_T_TA = 32768, LB_T_DLV = 32769,
};

enum { LB_C_IN = 1, LB_C_CH = 3, LB_C_HS = 4, LB_C_NONE = 254, LB_C_ANY = 255 };

enum {
	LB_RCODE_NOERROR = 0, LB_RCODE_FORMERR = 1, LB_RCODE_SERVFAIL = 2,
	LB_RCODE_NXDOMAIN = 3, LB_RCODE_NOTIMP = 4, LB_RCODE_REFUSED = 5,
};

/* Mnemonic ("A", "NSEC3PARAM") or NULL for a type without one. */
const char *lb_rrtype_name(uint16_t type);

/* Text of a type: the mnemonic, or "TYPE<n>" (RFC 3597). Returns length or LB_ESPACE. */
LB_WUR int lb_rrtype_to_text(uint16_t type, char *out, size_t outsz);

/* Parse "A", "aaaa", "TYPE65280", "65280" -> type. Returns 0 or LB_ETEXT. */
LB_WUR int lb_rrtype_from_text(const char *text, uint16_t *type);

/* DNSSEC types as DNSDB counts them for ANY / ANY-DNSSEC:
 * DS RRSIG NSEC DNSKEY NSEC3 NSEC3PARAM DLV CDS CDNSKEY TA. */
bool lb_rrtype_is_dnssec(uint16_t type);

/* A QTYPE that asks for no RRset of the name (RFC 6895 3.1): a zone
 * transfer, TKEY, MAILA/MAILB (128-254), OPT, reserved 0.  A denial of such
 * a query (REFUSED, NOTAUTH, SERVFAIL) is a transfer or transaction policy,
 * not a negative answer about the name's data; ANY (255) asks for data. */
static inline bool lb_qtype_is_meta(uint16_t qtype)
{
	return qtype == 0 || qtype == LB_T_OPT || (qtype >= 128 && qtype < LB_T_ANY);
}

/* Class mnemonic ("IN") or NULL. */
const char *lb_class_name(uint16_t rclass);

/* Rcode mnemonic ("NXDOMAIN") or NULL. */
const char *lb_rcode_name(uint16_t rcode);

#endif
