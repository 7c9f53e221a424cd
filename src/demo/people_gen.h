/*
 * A plausible synthetic population for the grids of a database, generated
 * deterministically from a seed: common surnames and given names, valid
 * identity numbers agreeing with birth dates, an age pyramid, household
 * sizes and relations, registered, permanent and floating residents, house
 * areas, units with valid credit codes, and group tags at realistic rates.
 * Everything is written as the registry's import CSVs.
 */
#ifndef GR_DEMO_PEOPLE_GEN_H
#define GR_DEMO_PEOPLE_GEN_H

#include <stdint.h>
#include <stdio.h>

#include "db/db.h"

struct gen_files {
	FILE *residents; /* required */
	FILE *houses;    /* may be NULL */
	FILE *units;     /* may be NULL */
};

/* Write about n residents spread over every grid under root (a code) in
 * db.  county_codes: the county codes floating residents come from (the
 * areas.csv of the division files), or NULL for a built-in few.  Returns
 * the number of residents written, or -1. */
int64_t gen_people(struct db *db, const char *root, int64_t n, uint64_t seed,
		   const char *divisions_dir, const struct gen_files *out);

#endif
