/*
 * Demo content of people's mediation (see mediation_gen.c).
 */
#ifndef GR_DEMO_MEDIATION_GEN_H
#define GR_DEMO_MEDIATION_GEN_H

#include "db/db.h"

/* Committees of 枫源村 and 枫桥镇 with their members (the demo mediator
 * linked), and cases in every state over the last two months, each taken
 * through the same rules as the API.  One transaction. */
int demo_mediation_build(struct db *db);

#endif
