/*
 * route53.h - importer: AWS Route 53 Resolver query logs (JSON lines).
 * Internal to src/sources (the module's interface is source.h).
 */
#ifndef LB_SOURCES_ROUTE53_H
#define LB_SOURCES_ROUTE53_H

#include <stddef.h>

#include "sources/src_impl.h"

void src_route53_line(lb_src_t *s, const char *line, size_t len);

#endif
