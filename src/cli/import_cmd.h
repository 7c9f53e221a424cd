/*
 * The registry's CSV import on the command line.
 */
#ifndef GR_CLI_IMPORT_CMD_H
#define GR_CLI_IMPORT_CMD_H

#include <stdbool.h>

#include "db/db.h"

/* Import file as kind_name (addresses, houses, residents, units), printing
 * every bad row and a summary.  Returns the process exit status: 0 when
 * committed (or a clean dry run), 1 otherwise, 2 for an unknown kind. */
int cli_import_registry(struct db *db, const char *kind_name, const char *file, bool dry_run);

#endif
