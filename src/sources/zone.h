/*
 * zone.h - importer: RFC 1035 master files ($ORIGIN, $TTL, $INCLUDE, parentheses, relative names).
 * Internal to src/sources (the module's interface is source.h).
 */
#ifndef LB_SOURCES_ZONE_H
#define LB_SOURCES_ZONE_H

#include <stddef.h>

#include "sources/src_impl.h"
#include "sources/linereader.h"

/* Read a whole zone file from lr (name for messages and $INCLUDE paths). */
int src_zone_run(lb_src_t *s, lb_lr_t *lr, const char *name);
/* Same, with the first line already read by format detection. */
int src_zone_run_from(lb_src_t *s, lb_lr_t *lr, const char *name, const char *line, size_t len);
void src_zone_free(lb_src_t *s);

#endif
