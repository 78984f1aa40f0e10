/*
 * name.h - DNS names: reading from messages, text form, label order.
 *
 * Names inside lookback are always in uncompressed wire form ("\3www\7example\3com\0"),
 * at most 255 octets (LB_NAME_MAX) including the root label.  "Canonical" means
 * ASCII letters lower-cased (RFC 4034 6.2).
 *
 * Compression pointers (RFC 1035 4.1.4) must point strictly backwards: to an
 * offset lower than the offset of the pointer itself AND lower than the start
 * of the label sequence currently being followed.  A forward or self pointer is
 * rejected with LB_EPTR; this makes loops impossible and bounds work by the
 * message length.  A pointer into the 12-byte message header (offset < 12) is
 * also LB_EPTR: no name can start there.  Labels whose top bits are 01 or 10 (RFC 6891 extended label
 * types) are rejected with LB_ELABEL.
 */
#ifndef LB_DNS_NAME_H
#define LB_DNS_NAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/cursor.h"
#include "util/err.h"

#define LB_NAME_MAX 255
#define LB_LABEL_MAX 63
/* Longest presentation text of a name: every octet escaped as \DDD plus dots. */
#define LB_NAME_TEXT_MAX (LB_NAME_MAX * 4 + 2)

/*
 * Read a possibly compressed name at the cursor position inside message
 * [msg, msg+msglen).  The cursor advances past the name as it appears in place
 * (past the first pointer, if any).  Writes the uncompressed wire name to out
 * (capacity LB_NAME_MAX) and its length to *outlen; bytes of out past *outlen
 * (within LB_NAME_MAX) may be overwritten.  If lower is true, ASCII letters are
 * lower-cased.  Errors: LB_ETRUNC, LB_EPTR, LB_ELABEL, LB_ENAMELEN
 * (also set as the cursor's sticky error).
 */
LB_WUR int lb_name_read(lb_cur_t *c, const uint8_t *msg, size_t msglen,
			uint8_t *out, size_t *outlen, bool lower);

/* Validate an uncompressed wire name in buf; returns its length or a negative error. */
LB_WUR int lb_name_check(const uint8_t *buf, size_t len);

/* Number of labels, not counting the root. */
int lb_name_labels(const uint8_t *name);

/* Lower-case ASCII letters of a wire name in place. */
void lb_name_lower(uint8_t *name);

/*
 * Presentation text: labels joined by '.', with a trailing dot ("." for the
 * root).  Bytes '.', '\\', '"', '(', ')', ';', '@', '$' and space are escaped
 * with a backslash, other bytes outside 0x21-0x7e as \DDD (RFC 1035 5.1).
 * Returns the text length (NUL written) or LB_ESPACE.
 */
LB_WUR int lb_name_to_text(const uint8_t *name, char *out, size_t outsz);

/*
 * Parse presentation text (absolute or relative; a missing trailing dot is taken
 * as absolute; "." is the root; \X and \DDD escapes honoured) into wire form.
 * If origin is non-NULL and text has no trailing dot, origin is appended
 * (zone-file semantics).  "@" alone means origin.  Returns the wire length or
 * LB_ETEXT / LB_ENAMELEN / LB_ELABEL.
 */
LB_WUR int lb_name_from_text(const char *text, size_t textlen, const uint8_t *origin,
			     uint8_t *out, size_t outsz);

/*
 * Label-reversed key form for ordered storage: labels in reverse order, each
 * as its length octet followed by its bytes, no root label, terminated by
 * nothing.  "www.example.com." -> "\3com\7example\3www".  Because every label
 * keeps its length octet, a name's reversed form is a prefix of the reversed
 * form of each name below it only at label boundaries; callers that need
 * "strictly below" use lb_name_reverse() of the parent and then scan keys that
 * start with it.  Returns the length written (<= LB_NAME_MAX) or LB_ESPACE.
 */
LB_WUR int lb_name_reverse(const uint8_t *name, uint8_t *out, size_t outsz);

/* Inverse of lb_name_reverse(): back to wire form with the root label. */
LB_WUR int lb_name_unreverse(const uint8_t *rev, size_t revlen, uint8_t *out, size_t outsz);

/* Equality of two wire names, ASCII case-insensitive. */
bool lb_name_equal(const uint8_t *a, const uint8_t *b);

/* True if name is equal to or below zone (case-insensitive). */
bool lb_name_is_subdomain(const uint8_t *name, const uint8_t *zone);

#endif
