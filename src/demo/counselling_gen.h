/*
 * Demo psychological-assistance cases (see counselling_gen.c).
 */
#ifndef GR_DEMO_COUNSELLING_GEN_H
#define GR_DEMO_COUNSELLING_GEN_H

#include "db/db.h"

/* Requests and cases in every state in the town of the demo counsellor,
 * written as having happened over the last weeks.  Returns an rc. */
int demo_counselling_build(struct db *db);

#endif
