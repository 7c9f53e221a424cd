/*
 * A year of synthetic grid events (see events_gen.c).
 */
#ifndef GR_DEMO_EVENTS_GEN_H
#define GR_DEMO_EVENTS_GEN_H

#include <stdint.h>

#include "db/db.h"

/* Write n events over the grids under root; returns n, or -1. */
int64_t gen_events(struct db *db, const char *root, int64_t n, uint64_t seed);

#endif
