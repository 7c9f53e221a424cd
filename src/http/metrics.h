/*
 * Request counters by route and status, and a latency histogram, exported
 * in the Prometheus text format at /metrics.
 */
#ifndef GR_HTTP_METRICS_H
#define GR_HTTP_METRICS_H

#include <stdint.h>

#include "core/str.h"

/* Size the tables for nroutes routes (index nroutes counts unmatched). */
void metrics_init(size_t nroutes);
void metrics_record(int route_index, int status, int64_t micros);
/* Append the exposition text; extra gauges are passed in. */
void metrics_render(struct sbuf *b, int64_t sessions_active);

#endif
