/*
 * CSV import of addresses, houses, residents and units: the documented
 * columns (docs/registry.md), in any order, one header line.  Everything
 * happens in one transaction: a real run commits all rows or none; a dry
 * run checks every row, reports each bad row and column with the reason,
 * and changes nothing.
 */
#ifndef GR_REGISTRY_IMPORT_H
#define GR_REGISTRY_IMPORT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "auth/principal.h"
#include "registry/registry.h"

enum import_kind { IMPORT_ADDRESSES, IMPORT_HOUSES, IMPORT_RESIDENTS, IMPORT_UNITS };

/* The kind named name ("residents", ...), or -1. */
int import_kind_from(const char *name);

struct import_opts {
	enum import_kind kind;
	bool dry_run;
	const struct actor *who;
	/* The caller whose scope every row's grid must lie in (with
	 * registry.import), or NULL for the command line. */
	const struct principal *p;
	void (*progress)(int64_t rows);
};

struct import_report {
	int64_t rows;       /* data rows read */
	int64_t bad_rows;   /* rows with at least one problem */
	int64_t created;    /* records of the kind created (residents, ...) */
	int64_t addresses;  /* addresses created along the way */
	int64_t households; /* households created along the way */
	/* All rows were good and this is no dry run: the transaction is left
	 * open for the caller to add its audit record and commit. */
	bool ready;
	json_t *problems;   /* [{row, column, reason}], at most 1000 */
};

/* Import from f into db.  Returns RC_OK when the file could be processed
 * (check report->bad_rows and ->ready), or an rc with one problem
 * describing a file-level error (header, encoding).  Unless ready, nothing
 * was changed.  report->problems is owned by the caller. */
int import_csv(struct db *db, FILE *f, const struct import_opts *o, struct import_report *report);

#endif
