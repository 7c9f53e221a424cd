/*
 * Demo content of duty lists and the certificate desk (see duties_gen.c).
 */
#ifndef GR_DEMO_DUTIES_GEN_H
#define GR_DEMO_DUTIES_GEN_H

#include "db/db.h"

/* Power lists of two county departments and of 枫桥镇, Zhuji's own
 * default of the three lists (the national one with local changes), and
 * certificates asked for at 枫源村's desk, issued and refused.  Needs the
 * population (residents of 枫源村). */
int demo_duties_build(struct db *db);

#endif
