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

#endif
