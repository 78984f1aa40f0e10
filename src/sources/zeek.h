/*
 * zeek.h - importer: Zeek dns.log, TSV (header-driven) and JSON lines.
 * Internal to src/sources (the module's interface is source.h).
 */
#ifndef LB_SOURCES_ZEEK_H
#define LB_SOURCES_ZEEK_H

#include <stdbool.h>
#include <stddef.h>

#include "sources/src_impl.h"

void src_zeek_line(lb_src_t *s, const char *line, size_t len);
/* Is line a dns.log TSV row in one of Zeek's standard column orders (a
 * row cut from a log without its header)?  For format detection. */
bool src_zeek_plain_row(const char *line, size_t len);

#endif
