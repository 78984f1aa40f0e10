/*
 * err.h - lookback's one error convention.
 *
 * Every fallible function returns int: 0 (LB_OK) on success or a negative code
 * from this table.  System errors are negated errno values; project codes start
 * at -1000.  lb_strerror() names any of them.  Results travel through
 * out-parameters.
 */
#ifndef LB_UTIL_ERR_H
#define LB_UTIL_ERR_H

#include <errno.h>

#define LB_WUR __attribute__((warn_unused_result))
#define LB_UNUSED __attribute__((unused))
#define LB_LIKELY(x) __builtin_expect(!!(x), 1)
#define LB_UNLIKELY(x) __builtin_expect(!!(x), 0)

enum lb_err {
	LB_OK = 0,
	LB_ENOMEM = -ENOMEM,
	LB_EINVAL = -EINVAL,
	LB_EIO = -EIO,
	LB_ENOENT = -ENOENT,
	LB_EINTR = -EINTR,     /* stopped by a signal (SIGINT, SIGTERM) */

	/* wire and message errors */
	LB_ETRUNC = -1000,     /* input ends before a field it announces */
	LB_EPTR = -1001,       /* compression pointer not strictly backwards, or out of bounds */
	LB_ELABEL = -1002,     /* label longer than 63 or reserved label type */
	LB_ENAMELEN = -1003,   /* name longer than 255 octets */
	LB_ERDATA = -1004,     /* rdata does not match its type's format or rdlength */
	LB_ENOTDNS = -1005,    /* not a DNS message (header nonsense, opcode, counts) */
	LB_ELIMIT = -1006,     /* a configured bound was reached (RR count, memory) */
	LB_ETRAILING = -1007,  /* bytes after the last record */
	LB_ETEXT = -1008,      /* bad presentation text (name, type, address) */
	LB_ESPACE = -1009,     /* output buffer too small */

	/* capture errors */
	LB_ELINK = -1020,      /* unsupported link type */
	LB_EIP = -1021,        /* bad IP header */
	LB_EFRAG = -1022,      /* bad or conflicting fragment */
	LB_ETUNNEL = -1023,    /* tunnel nesting too deep */
	LB_ETCP = -1024,       /* TCP stream problem */

	/* store and query errors */
	LB_ESTORE = -1040,     /* storage engine error */
	LB_ECORRUPT = -1041,   /* stored bytes do not decode */
	LB_EVERSION = -1042,   /* stored format version we do not know */
};

/* Human-readable text for any code above (or a negated errno). Never NULL. */
const char *lb_strerror(int err);

#endif
