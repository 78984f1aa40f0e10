/*
 * rdata.c - rdata layouts, canonical wire form and validation.
 */
#include "dns/rdata.h"
#include "dns/dns_impl.h"
#include "dns/name.h"
#include "dns/name_read.h"
#include "dns/rrtype.h"

#include <stdlib.h>
#include <string.h>

const char *lb_dns_rdata_fmt(uint16_t type)
{
	switch (type) {
	case LB_T_A: return "a";
	case LB_T_NS: case LB_T_MD: case LB_T_MF: case LB_T_CNAME: case LB_T_MB:
	case LB_T_MG: case LB_T_MR: case LB_T_PTR: case LB_T_DNAME: return "N";
	case LB_T_SOA: return "NNldddd";
	case LB_T_WKS: return "abP";
	case LB_T_HINFO: return "cc";
	case LB_T_MINFO: case LB_T_RP: return "NN";
	case LB_T_MX: case LB_T_AFSDB: case LB_T_RT: case LB_T_KX: return "sN";
	case LB_T_TXT: case LB_T_SPF: return "C";
	case LB_T_PX: return "sNN";
	case LB_T_AAAA: return "6";
	case LB_T_LOC: return "L";
	case LB_T_NXT: return "NO";
	case LB_T_SRV: return "sssN";
	case LB_T_NAPTR: return "sscccN";
	case LB_T_A6: return "Z";
	case LB_T_DS: case LB_T_CDS: case LB_T_DLV: case LB_T_TA: return "sbbH";
	case LB_T_SSHFP: return "bbH";
	case LB_T_IPSECKEY: return "bbbGB";
	case LB_T_RRSIG: case LB_T_SIG: return "TbbdEEsNB";
	case LB_T_NSEC: return "nM";
	case LB_T_DNSKEY: case LB_T_CDNSKEY: case LB_T_KEY: return "sbbB";
	case LB_T_DHCID: case LB_T_OPENPGPKEY: return "B";
	case LB_T_NSEC3: return "bbsxhM";
	case LB_T_NSEC3PARAM: return "bbsx";
	case LB_T_TLSA: case LB_T_SMIMEA: return "bbbH";
	case LB_T_CSYNC: return "lsM";
	case LB_T_ZONEMD: return "lbbH";
	/* SVCB/HTTPS (RFC 9460): not in RFC 4034 6.2, but its TargetName is
	 * lower-cased like every other name the store indexes for rdata-name
	 * lookups (`query -n`): kept in its case, CDN.Example.NET was found
	 * neither by -n cdn.example.net nor by -n CDN.Example.NET (lookups
	 * lower-case the name they ask for).  Names compare without case
	 * (RFC 4343), so nothing is lost. */
	case LB_T_SVCB: case LB_T_HTTPS: return "sNV";
	/* the rarer types, as BIND writes them (none is in RFC 4034 6.2: names
	 * keep their case) */
	case LB_T_X25: return "c";                 /* RFC 1183 3.1 */
	case LB_T_ISDN: return "C";                /* RFC 1183 3.2: address [subaddress] */
	case LB_T_GPOS: return "ccc";              /* RFC 1712 */
	case LB_T_NSAP: return "K";                /* RFC 1706 5, 7 */
	case LB_T_NSAP_PTR: return "n";            /* RFC 1348 */
	case 31: case 32: return "J";              /* EID, NIMLOC: hex, as BIND */
	case 34: return "F";                       /* ATMA (ATM Forum AF-DANS-0152) */
	case 40: return "S";                       /* SINK: meaning coding subcoding data */
	case 56: case 258: case 261: case 262: return "C"; /* NINFO AVC RESINFO WALLET: TXT's form */
	case 57: return "sbbB";                    /* RKEY: DNSKEY's form */
	case 58: return "nn";                      /* TALINK: previous, next */
	case 66: return "Tbsn";                    /* DSYNC (RFC 9859): type scheme port target */
	case LB_T_NID: case LB_T_L64: return "sW"; /* RFC 6742 2.1, 2.3 */
	case LB_T_L32: return "sa";
	case LB_T_LP: return "sn"; /* (not in RFC 4034 6.2: case kept) */
	case LB_T_EUI48: return "e";
	case LB_T_EUI64: return "f";
	case LB_T_URI: return "ssQ";
	case LB_T_CAA: return "bgQ";
	case LB_T_CERT: return "ssbB";
	case LB_T_APL: return "Y";
	case LB_T_AMTRELAY: return "R";
	case LB_T_HIP: return "I";
	default: return NULL;
	}
}

/* NSEC-style type bitmap framing: each window's octets inside the rdata.
 * Windows out of order or repeated, of 0 or over 32 octets, or with trailing
 * zero octets make the bitmap malformed (RFC 4034 4.1.2) but hold no name:
 * the bytes are kept and the printer shows them in the RFC 3597 form. */
static int bitmap_ok(const uint8_t *p, size_t len)
{
	size_t i = 0;
	while (i < len) {
		if (len - i < 2 || len - i - 2 < p[i + 1])
			return 0;
		i += 2 + (size_t)p[i + 1];
	}
	return 1;
}

/* APL items: family, prefix, N|afdlength, afdpart. */
static int apl_ok(const uint8_t *p, size_t len)
{
	size_t i = 0;
	while (i < len) {
		if (len - i < 4)
			return 0;
		size_t al = p[i + 3] & 0x7F;
		if (len - i - 4 < al)
			return 0;
		i += 4 + al;
	}
	return 1;
}

/* Bytes of a fixed-size field code, 0 for the others. */
static inline size_t fixed_len(char code)
{
	switch (code) {
	case 'b': return 1;
	case 's': case 'T': return 2;
	case 'a': case 'l': case 'd': case 'E': return 4;
	case 'e': return 6;
	case 'f': case 'W': return 8;
	case '6': return 16;
	default: return 0;
	}
}

/* Copy one name from the message into out, decompressing (and lower-casing). */
static int canon_name(lb_cur_t *c, const uint8_t *msg, size_t msglen, uint8_t *out,
		      size_t outsz, size_t *o, bool lower)
{
	uint8_t tmp[LB_NAME_MAX];
	size_t nl = 0;
	uint8_t *dst = outsz - *o >= LB_NAME_MAX ? out + *o : tmp;
	int rc = lb_dns_name_read(c, msg, msglen, dst, &nl, lower); /* inline: lb_name_read */
	if (rc < 0)
		return rc == LB_ETRUNC ? LB_ERDATA : rc;
	if (dst == tmp) {
		if (outsz - *o < nl)
			return LB_ESPACE;
		memcpy(out + *o, tmp, nl);
	}
	*o += nl;
	return 0;
}

/* Copy the next k bytes of the rdata (left of them remain) as they are. */
static inline int take(lb_cur_t *c, size_t left, size_t k, uint8_t *out, size_t outsz, size_t *o)
{
	if (left < k)
		return LB_ERDATA;
	if (outsz - *o < k)
		return LB_ESPACE;
	memcpy(out + *o, c->pos, k);
	*o += k;
	c->pos += k;
	return 0;
}

int lb_rdata_canon(uint16_t type, const uint8_t *msg, size_t msglen, size_t rdoff,
		   size_t rdlen, uint8_t *out, size_t outsz)
{
	if (rdoff > msglen || rdlen > msglen - rdoff)
		return LB_ETRUNC;
	const uint8_t *rd = msg + rdoff;
	const char *f = lb_dns_rdata_fmt(type);
	if (!f) {
		if (rdlen > outsz)
			return LB_ESPACE;
		memcpy(out, rd, rdlen);
		return (int)rdlen;
	}
	lb_cur_t c = { .start = msg, .pos = rd, .end = rd + rdlen, .err = 0 };
	size_t o = 0;
	int rc;
	for (; *f; f++) {
		size_t left = (size_t)(c.end - c.pos), k = 0;
		switch (*f) {
		case 'b': case 's': case 'T': case 'a': case 'l': case 'd': case 'E': case 'e': case 'f':
		case 'W':
		case '6': {
			/* fixed fields in a row (SOA's five numbers, RRSIG's header)
			 * are copied as one block when all of them are there */
			k = fixed_len(*f);
			size_t run = k;
			const char *g = f;
			for (size_t kk; (kk = fixed_len(g[1])) != 0; g++)
				run += kk;
			if (run > k && left >= run && outsz - o >= run) {
				k = run;
				f = g;
			}
			break;
		}
		case 'N': case 'n':
			rc = canon_name(&c, msg, msglen, out, outsz, &o, *f == 'N');
			if (rc < 0)
				return rc;
			continue;
		case 'c': case 'x':
			if (left < 1)
				return LB_ERDATA;
			k = 1 + (size_t)c.pos[0];
			break;
		case 'h': case 'g':
			if (left < 1 || c.pos[0] == 0)
				return LB_ERDATA;
			k = 1 + (size_t)c.pos[0];
			break;
		case 'G':
			if (o < 2)
				return LB_ERDATA;
			switch (out[1]) {
			case 0: k = 0; break;
			case 1: k = 4; break;
			case 2: k = 16; break;
			case 3:
				rc = canon_name(&c, msg, msglen, out, outsz, &o, false);
				if (rc < 0)
					return rc;
				continue;
			default: return LB_ERDATA;
			}
			break;
		case 'C': { /* one or more character-strings filling the rest */
			/* None at all (rdlength 0) is malformed - RFC 1035 3.3.14
			 * wants one or more - but holds no name: kept as it is,
			 * like the other nameless malformed rdata here, and
			 * printed "\# 0" (a TXT of one empty string is "" and
			 * rdlength 1).  tshark shows such a TXT, dnspython reads
			 * it; BIND refuses it.  Dropping it lost what a server
			 * said, counted only as dns_bad_record. */
			size_t i = 0;
			while (i < left)
				i += 1 + (size_t)c.pos[i];
			if (i != left)
				return LB_ERDATA;
			k = left;
			break;
		}
		case 'M':
			if (!bitmap_ok(c.pos, left))
				return LB_ERDATA;
			k = left;
			break;
		case 'O':
			if (left > 16)
				return LB_ERDATA;
			k = left;
			break;
		case 'V':
			/* SvcParams hold no names: canonical as they are.  Keys out
			 * of order, repeated, reserved or a value past the rdata make
			 * the record malformed (RFC 9460 2.2), which the printer
			 * shows in the RFC 3597 form: the record is kept. */
			k = left;
			break;
		case 'Y':
			if (!apl_ok(c.pos, left))
				return LB_ERDATA;
			k = left;
			break;
		case 'L':
			if (left < 1 || (c.pos[0] == 0 && left != 16))
				return LB_ERDATA;
			k = left;
			break;
		case 'Z': { /* A6: prefix length, address suffix, prefix name */
			if (left < 1 || c.pos[0] > 128)
				return LB_ERDATA;
			unsigned plen = c.pos[0];
			k = 1 + (128 - plen + 7) / 8;
			if ((rc = take(&c, left, k, out, outsz, &o)) < 0)
				return rc;
			if (plen > 0) {
				rc = canon_name(&c, msg, msglen, out, outsz, &o, true);
				if (rc < 0)
					return rc;
			}
			continue;
		}
		case 'R': { /* AMTRELAY: precedence, D bit + relay type, relay */
			if (left < 2)
				return LB_ERDATA;
			unsigned rt = c.pos[1] & 0x7F;
			k = rt == 0 ? 2 : rt == 1 ? 6 : rt == 2 ? 18 : rt == 3 ? 2 : left;
			if ((rc = take(&c, left, k, out, outsz, &o)) < 0)
				return rc;
			if (rt == 3) { /* a name, case kept (not in RFC 4034 6.2) */
				rc = canon_name(&c, msg, msglen, out, outsz, &o, false);
				if (rc < 0)
					return rc;
			}
			continue;
		}
		case 'I': { /* HIP: HIT length, PK algorithm, PK length, HIT, PK, names */
			if (left < 4)
				return LB_ERDATA;
			size_t hl = c.pos[0], pl = (size_t)(c.pos[2] << 8 | c.pos[3]);
			k = 4 + hl + pl;
			if (hl == 0 || pl == 0)
				return LB_ERDATA;
			if ((rc = take(&c, left, k, out, outsz, &o)) < 0)
				return rc;
			while (c.pos < c.end) { /* rendezvous servers, case kept */
				rc = canon_name(&c, msg, msglen, out, outsz, &o, false);
				if (rc < 0)
					return rc;
			}
			continue;
		}
		default: /* H B P Q X: the rest, as is */
			k = left;
			break;
		}
		if ((rc = take(&c, left, k, out, outsz, &o)) < 0)
			return rc;
	}
	if (c.pos != c.end)
		return LB_ERDATA;
	return (int)o;
}

const uint8_t *lb_rdata_target_name(uint16_t type, const uint8_t *rdata, size_t rdlen)
{
	size_t off;
	switch (type) {
	case LB_T_NS: case LB_T_CNAME: case LB_T_DNAME: case LB_T_PTR: case LB_T_SOA:
	case LB_T_MB: case LB_T_MD: case LB_T_MF:
		off = 0;
		break;
	case LB_T_MX: case LB_T_AFSDB: case LB_T_RT: case LB_T_KX: case LB_T_PX:
	case LB_T_SVCB: case LB_T_HTTPS:
		off = 2;
		break;
	case LB_T_SRV:
		off = 6;
		break;
	case LB_T_NAPTR: {
		off = 4;
		for (int i = 0; i < 3; i++) {
			if (off >= rdlen)
				return NULL;
			off += 1 + (size_t)rdata[off];
		}
		break;
	}
	default:
		return NULL;
	}
	if (off >= rdlen || lb_name_check(rdata + off, rdlen - off) < 0)
		return NULL;
	return rdata + off;
}

size_t lb_rdata_text_max(size_t rdlen)
{
	/* The widest expansion is a type bitmap: one bit may become "TYPE65535 ". */
	return rdlen * 80 + 64;
}

const char *lb_rdata_text(uint16_t type, const uint8_t *rdata, size_t rdlen)
{
	/* most rdata is short: the buffer grows only for a long one, and stays */
	static __thread char *buf;
	static __thread size_t cap;
	size_t need = lb_rdata_text_max(rdlen);
	if (need > cap) {
		char *nb = realloc(buf, need);
		if (!nb)
			return NULL;
		buf = nb;
		cap = need;
	}
	return lb_rdata_to_text(type, rdata, rdlen, buf, cap) < 0 ? NULL : buf;
}
