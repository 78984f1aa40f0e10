/*
 * json.h - writing JSON strings safely (output side only).
 */
#ifndef LB_UTIL_JSON_H
#define LB_UTIL_JSON_H

#include <stdint.h>
#include <stdio.h>

/* Write s as a quoted JSON string: '"' and '\\' escaped, control bytes as
 * \u00XX, bytes >= 0x80 passed through (callers give ASCII or UTF-8). */
void lb_json_put_str(FILE *f, const char *s);

/* Write v in decimal (a JSON number); the hot output paths use it rather
 * than fprintf("%llu"), whose format parsing cost more than the digits. */
void lb_json_put_u64(FILE *f, uint64_t v);

/* Write s as a quoted Prometheus label value (text format 0.0.4): only
 * backslash, double quote and line feed are escaped (JSON's \u00XX is not
 * part of that format: a scrape fails on it), every other byte is written
 * as it is, and a byte that is not part of valid UTF-8 (which label values
 * must be) becomes U+FFFD. */
void lb_prom_put_label(FILE *f, const char *s);

#endif
