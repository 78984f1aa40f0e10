/*
 * rdata_mnem.c - mnemonics of numeric rdata fields: DNSSEC algorithm numbers
 * and CERT certificate types.  The parser accepts them (and a few aliases)
 * in every field listed here; the printer writes them only where BIND and
 * dnspython do: CERT's certificate type and algorithm (RFC 4398 2.1, 2.2),
 * and DSYNC's scheme, as BIND does.
 * DNSKEY, DS, RRSIG and their kin keep numbers in print, as dig shows them.
 */
#include "dns/dns_impl.h"
#include "dns/rrtype.h"

#include <string.h>
#include <strings.h>

struct mnem {
	const char *name;
	unsigned v;
};

/* DNSSEC algorithms (RFC 4034 appendix A.1 and the IANA registry): the
 * algorithm field of DNSKEY, RRSIG, DS and CERT may be written with them
 * (RFC 4034 sections 2.2, 3.2, 5.3; RFC 4398 2.2).  The first name of a
 * value is the one printed, BIND's; the others are aliases read too: the
 * registry's ("DSA-NSEC3-SHA1", "ECC-GOST") and dnspython's (DSANSEC3SHA1,
 * RSASHA1NSEC3SHA1), which differ from BIND's for 6 and 7 - neither of
 * the two tools reads the other's name for those. */
static const struct mnem secalg[] = {
	{ "RSAMD5", 1 }, { "DH", 2 }, { "DSA", 3 }, { "ECC", 4 }, { "RSASHA1", 5 },
	{ "NSEC3DSA", 6 }, { "DSA-NSEC3-SHA1", 6 }, { "DSANSEC3SHA1", 6 },
	{ "NSEC3RSASHA1", 7 }, { "RSASHA1-NSEC3-SHA1", 7 }, { "RSASHA1NSEC3SHA1", 7 },
	{ "RSASHA256", 8 }, { "RSASHA512", 10 }, { "ECCGOST", 12 }, { "ECC-GOST", 12 },
	{ "ECDSAP256SHA256", 13 }, { "ECDSAP384SHA384", 14 }, { "ED25519", 15 },
	{ "ED448", 16 }, { "INDIRECT", 252 }, { "PRIVATEDNS", 253 }, { "PRIVATEOID", 254 },
	{ NULL, 0 },
};

/* CERT certificate types (RFC 4398 section 2.1) */
static const struct mnem certtype[] = {
	{ "PKIX", 1 }, { "SPKI", 2 }, { "PGP", 3 }, { "IPKIX", 4 }, { "ISPKI", 5 },
	{ "IPGP", 6 }, { "ACPKIX", 7 }, { "IACPKIX", 8 }, { "URI", 253 }, { "OID", 254 },
	{ NULL, 0 },
};

/* DSYNC schemes (RFC 9859 5.3's registry): BIND 9.18 prints and reads 1 as
 * NOTIFY, other values as numbers */
static const struct mnem dsyncscheme[] = {
	{ "NOTIFY", 1 },
	{ NULL, 0 },
};

/* The mnemonics of field fi of type, or NULL. */
static const struct mnem *field_mnems(uint16_t type, size_t fi)
{
	switch (type) {
	case LB_T_DNSKEY: case LB_T_CDNSKEY: case LB_T_KEY:
		return fi == 2 ? secalg : NULL;
	case LB_T_DS: case LB_T_CDS: case LB_T_DLV: case LB_T_TA:
	case LB_T_RRSIG: case LB_T_SIG:
		return fi == 1 ? secalg : NULL;
	case LB_T_CERT:
		return fi == 0 ? certtype : fi == 2 ? secalg : NULL;
	case 66: /* DSYNC */
		return fi == 1 ? dsyncscheme : NULL;
	default:
		return NULL;
	}
}

int lb_dns_mnem_value(uint16_t type, size_t fi, const char *s, size_t n, unsigned *v)
{
	for (const struct mnem *m = field_mnems(type, fi); m && m->name; m++) {
		if (strlen(m->name) == n && !strncasecmp(m->name, s, n)) {
			*v = m->v;
			return 0;
		}
	}
	return LB_ETEXT;
}

const char *lb_dns_mnem_text(uint16_t type, size_t fi, unsigned v)
{
	if (type != LB_T_CERT && type != 66)
		return NULL;
	for (const struct mnem *m = field_mnems(type, fi); m && m->name; m++)
		if (m->v == v)
			return m->name;
	return NULL;
}
