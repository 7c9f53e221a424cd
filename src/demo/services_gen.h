/*
 * Demo content of refined services (see services_gen.c).
 */
#ifndef GR_DEMO_SERVICES_GEN_H
#define GR_DEMO_SERVICES_GEN_H

#include "db/db.h"

/* Link the demo resident to the oldest resident of grid_code, add two
 * providers with a week of slots and a few applications.  Needs the
 * synthetic residents. */
int demo_services_build(struct db *db, const char *grid_code);

#endif
