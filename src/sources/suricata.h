/*
 * suricata.h - importer: Suricata EVE JSON dns events (v2 detailed/grouped, v3).
 * Internal to src/sources (the module's interface is source.h).
 */
#ifndef LB_SOURCES_SURICATA_H
#define LB_SOURCES_SURICATA_H

#include <stddef.h>

#include "sources/src_impl.h"

void src_suricata_line(lb_src_t *s, const char *line, size_t len);
/* End of a file: emit the v1 response still held. */
void src_suricata_end(lb_src_t *s);

#endif
