/*
 * passivedns.h - importer: gamelinux passivedns text lines; consecutive lines of one response are one RRset.
 * Internal to src/sources (the module's interface is source.h).
 */
#ifndef LB_SOURCES_PASSIVEDNS_H
#define LB_SOURCES_PASSIVEDNS_H

#include <stdbool.h>
#include <stddef.h>

#include "sources/src_impl.h"

void src_passivedns_line(lb_src_t *s, const char *line, size_t len);
/* For --format auto with a delimiter given (o.pd_delim): does the line split
 * at it into the layout's columns, a time first? */
bool src_passivedns_row(lb_src_t *s, const char *line, size_t len);
/* End of file: emit the pending group. */
void src_passivedns_end(lb_src_t *s);

#endif
