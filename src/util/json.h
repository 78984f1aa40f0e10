/*
 * json.h - writing JSON strings safely (output side only).
 */
#ifndef LB_UTIL_JSON_H
#define LB_UTIL_JSON_H

#include <stdio.h>

/* Write s as a quoted JSON string: '"' and '\\' escaped, control bytes as
 * \u00XX, bytes >= 0x80 passed through (callers give ASCII or UTF-8). */
void lb_json_put_str(FILE *f, const char *s);

#endif
