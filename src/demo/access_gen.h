/*
 * Demo content of work access (see access_gen.c).
 */
#ifndef GR_DEMO_ACCESS_GEN_H
#define GR_DEMO_ACCESS_GEN_H

#include "db/db.h"

/* 诸暨市民政局 as the county's reviewing unit (the demo county officer in
 * it), requests from departments and 枫桥镇 over the last two months
 * taken through the same check and review as the API, and 枫源村's ledger
 * with work done, work recorded from outside and refused.  One
 * transaction. */
int demo_access_build(struct db *db);

#endif
