/*
 * rrtype.c - RR type, class and rcode mnemonics.
 */
#include "dns/rrtype.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

static const struct {
	uint16_t type;
	const char *name;
} types[] = {
	{ LB_T_A, "A" }, { LB_T_NS, "NS" }, { LB_T_MD, "MD" }, { LB_T_MF, "MF" },
	{ LB_T_CNAME, "CNAME" }, { LB_T_SOA, "SOA" }, { LB_T_MB, "MB" }, { LB_T_MG, "MG" },
	{ LB_T_MR, "MR" }, { LB_T_NULL, "NULL" }, { LB_T_WKS, "WKS" }, { LB_T_PTR, "PTR" },
	{ LB_T_HINFO, "HINFO" }, { LB_T_MINFO, "MINFO" }, { LB_T_MX, "MX" }, { LB_T_TXT, "TXT" },
	{ LB_T_RP, "RP" }, { LB_T_AFSDB, "AFSDB" }, { LB_T_X25, "X25" }, { LB_T_ISDN, "ISDN" },
	{ LB_T_RT, "RT" }, { LB_T_NSAP, "NSAP" }, { LB_T_NSAP_PTR, "NSAP-PTR" },
	{ LB_T_SIG, "SIG" }, { LB_T_KEY, "KEY" }, { LB_T_PX, "PX" }, { LB_T_GPOS, "GPOS" },
	{ LB_T_AAAA, "AAAA" }, { LB_T_LOC, "LOC" }, { LB_T_NXT, "NXT" }, { 31, "EID" },
	{ 32, "NIMLOC" }, { LB_T_SRV, "SRV" }, { 34, "ATMA" }, { LB_T_NAPTR, "NAPTR" },
	{ LB_T_KX, "KX" }, { LB_T_CERT, "CERT" }, { LB_T_A6, "A6" }, { LB_T_DNAME, "DNAME" },
	{ 40, "SINK" }, { LB_T_OPT, "OPT" }, { LB_T_APL, "APL" }, { LB_T_DS, "DS" },
	{ LB_T_SSHFP, "SSHFP" }, { LB_T_IPSECKEY, "IPSECKEY" }, { LB_T_RRSIG, "RRSIG" },
	{ LB_T_NSEC, "NSEC" }, { LB_T_DNSKEY, "DNSKEY" }, { LB_T_DHCID, "DHCID" },
	{ LB_T_NSEC3, "NSEC3" }, { LB_T_NSEC3PARAM, "NSEC3PARAM" }, { LB_T_TLSA, "TLSA" },
	{ LB_T_SMIMEA, "SMIMEA" }, { LB_T_HIP, "HIP" }, { 56, "NINFO" }, { 57, "RKEY" },
	{ 58, "TALINK" }, { LB_T_CDS, "CDS" }, { LB_T_CDNSKEY, "CDNSKEY" },
	{ LB_T_OPENPGPKEY, "OPENPGPKEY" }, { LB_T_CSYNC, "CSYNC" }, { LB_T_ZONEMD, "ZONEMD" },
	{ LB_T_SVCB, "SVCB" }, { LB_T_HTTPS, "HTTPS" }, { 66, "DSYNC" }, { LB_T_SPF, "SPF" },
	{ 100, "UINFO" }, { 101, "UID" }, { 102, "GID" }, { 103, "UNSPEC" }, { LB_T_NID, "NID" },
	{ LB_T_L32, "L32" }, { LB_T_L64, "L64" }, { LB_T_LP, "LP" }, { LB_T_EUI48, "EUI48" },
	{ LB_T_EUI64, "EUI64" }, { LB_T_TKEY, "TKEY" }, { LB_T_TSIG, "TSIG" },
	{ LB_T_IXFR, "IXFR" }, { LB_T_AXFR, "AXFR" }, { 253, "MAILB" }, { 254, "MAILA" },
	{ LB_T_ANY, "ANY" }, { LB_T_URI, "URI" }, { LB_T_CAA, "CAA" }, { 258, "AVC" },
	{ 259, "DOA" }, { LB_T_AMTRELAY, "AMTRELAY" }, { 261, "RESINFO" }, { 262, "WALLET" },
	{ LB_T_TA, "TA" }, { LB_T_DLV, "DLV" },
};

const char *lb_rrtype_name(uint16_t type)
{
	/* Dense small numbers first: most lookups are A/AAAA/NS/CNAME... */
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
		if (types[i].type == type)
			return types[i].name;
	return NULL;
}

int lb_rrtype_to_text(uint16_t type, char *out, size_t outsz)
{
	const char *n = lb_rrtype_name(type);
	if (n) {
		size_t l = strlen(n);
		if (l >= outsz)
			return LB_ESPACE;
		memcpy(out, n, l + 1);
		return (int)l;
	}
	int len = snprintf(out, outsz, "TYPE%u", type);
	if (len < 0 || (size_t)len >= outsz)
		return LB_ESPACE;
	return len;
}

static int parse_u16(const char *s, uint16_t *v)
{
	unsigned long x = 0;
	if (!*s)
		return LB_ETEXT;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return LB_ETEXT;
		x = x * 10 + (unsigned long)(*s - '0');
		if (x > 65535)
			return LB_ETEXT;
	}
	*v = (uint16_t)x;
	return 0;
}

int lb_rrtype_from_text(const char *text, uint16_t *type)
{
	if (!text || !*text)
		return LB_ETEXT;
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
		if (strcasecmp(types[i].name, text) == 0) {
			*type = types[i].type;
			return 0;
		}
	}
	if (strncasecmp(text, "TYPE", 4) == 0)
		return parse_u16(text + 4, type);
	return parse_u16(text, type);
}

bool lb_rrtype_is_dnssec(uint16_t type)
{
	switch (type) {
	case LB_T_DS: case LB_T_RRSIG: case LB_T_NSEC: case LB_T_DNSKEY: case LB_T_NSEC3:
	case LB_T_NSEC3PARAM: case LB_T_DLV: case LB_T_CDS: case LB_T_CDNSKEY: case LB_T_TA:
		return true;
	default:
		return false;
	}
}

const char *lb_class_name(uint16_t rclass)
{
	switch (rclass) {
	case LB_C_IN: return "IN";
	case LB_C_CH: return "CH";
	case LB_C_HS: return "HS";
	case LB_C_NONE: return "NONE";
	case LB_C_ANY: return "ANY";
	default: return NULL;
	}
}

const char *lb_rcode_name(uint16_t rcode)
{
	static const char *const names[] = {
		"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED",
		"YXDOMAIN", "YXRRSET", "NXRRSET", "NOTAUTH", "NOTZONE", "DSOTYPENI",
		NULL, NULL, NULL, NULL, "BADVERS", "BADKEY", "BADTIME", "BADMODE",
		"BADNAME", "BADALG", "BADTRUNC", "BADCOOKIE",
	};
	if (rcode < sizeof names / sizeof names[0])
		return names[rcode];
	return NULL;
}
