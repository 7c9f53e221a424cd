/*
 * The demonstration deployment: the real county of Zhuji (诸暨市, 330681,
 * home of the Fengqiao model) from the division data, synthetic grids with
 * simple polygons under every community, and one account per role.
 */
#ifndef GR_DEMO_DEMO_H
#define GR_DEMO_DEMO_H

#include "db/db.h"

#define DEMO_COUNTY "330681"

/* Build the demo into db (already migrated, with its key loaded).
 * password: for every account, or NULL for a random one each.  Prints the
 * accounts.  Returns an rc. */
/* What needs the synthetic residents: called after `--residents` made
 * them (services, and any other capability's demo content). */
int demo_after_people(struct db *db);

int demo_build(struct db *db, const char *divisions_dir, const char *password);

#endif
