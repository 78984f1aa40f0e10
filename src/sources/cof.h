/*
 * cof.h - importer: COF / DNSDB NDJSON records, plain or SAF-framed, as aggregated entries.
 * Internal to src/sources (the module's interface is source.h).
 */
#ifndef LB_SOURCES_COF_H
#define LB_SOURCES_COF_H

#include <stddef.h>

#include "sources/src_impl.h"

void src_cof_line(lb_src_t *s, const char *line, size_t len);
/* End of file: a SAF stream without terminator is counted as truncated. */
void src_cof_end(lb_src_t *s);

#endif
