/*
 * misp.h - importer: MISP attribute CSV exports (domain|ip pairs).
 * Internal to src/sources (the module's interface is source.h).
 */
#ifndef LB_SOURCES_MISP_H
#define LB_SOURCES_MISP_H

#include <stdbool.h>
#include <stddef.h>

#include "sources/src_impl.h"

void src_misp_line(lb_src_t *s, const char *line, size_t len);
/* End of input: a record still inside a quote is bad. */
void src_misp_end(lb_src_t *s);
/* Is line the header of a MISP attribute CSV export?  For format detection. */
bool src_misp_header(const char *line, size_t len);

#endif
