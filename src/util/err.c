#include "util/err.h"

#include <string.h>

const char *lb_strerror(int err)
{
	switch (err) {
	case LB_OK: return "success";
	case LB_ETRUNC: return "truncated input";
	case LB_EPTR: return "bad compression pointer";
	case LB_ELABEL: return "bad label";
	case LB_ENAMELEN: return "name too long";
	case LB_ERDATA: return "malformed rdata";
	case LB_ENOTDNS: return "not a DNS message";
	case LB_ELIMIT: return "limit reached";
	case LB_ETRAILING: return "trailing bytes";
	case LB_ETEXT: return "bad presentation text";
	case LB_ESPACE: return "output buffer too small";
	case LB_ELINK: return "unsupported link type";
	case LB_EIP: return "bad IP header";
	case LB_EFRAG: return "bad IP fragment";
	case LB_ETUNNEL: return "tunnel nesting too deep";
	case LB_ETCP: return "TCP stream error";
	case LB_ESTORE: return "storage engine error";
	case LB_ECORRUPT: return "stored data is corrupt";
	case LB_EVERSION: return "unknown stored format version";
	default:
		if (err < 0 && err > -1000)
			return strerror(-err);
		return "unknown error";
	}
}
