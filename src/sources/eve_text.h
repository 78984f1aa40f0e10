/*
 * eve_text.h - the text of names and character-strings as Suricata's EVE
 * log writes them (label bytes joined by dots, no presentation escapes;
 * bytes that are not UTF-8 as "\\xhh"), read back for the parsers.
 * Internal to src/sources.
 */
#ifndef LB_SOURCES_EVE_TEXT_H
#define LB_SOURCES_EVE_TEXT_H

#include <stddef.h>

/* The bytes Suricata's JSON writer wrote as in (len bytes, its JSON escapes
 * undone): undone into out (capacity >= len, may be in) when in is that
 * escaped form, else in itself.  *res: what the bytes are; returns their
 * length. */
size_t src_eve_bytes(const char *in, size_t len, char *out, const char **res);

/* Presentation text of a name Suricata wrote as t (*len bytes, JSON escapes
 * undone): in out (cap bytes), t itself when it needs no escapes, "." for
 * the empty string (the root).  NULL if t is NULL or it cannot be a name;
 * *len its length. */
const char *src_eve_name(const char *t, size_t *len, char *out, size_t cap);

#endif
