/*
 * Forward-only schema migrations, embedded from src/db/migrations/NNNN_*.sql.
 * The schema version is SQLite's user_version.
 */
#ifndef GR_DB_MIGRATE_H
#define GR_DB_MIGRATE_H

#include "db/db.h"

/* Highest migration number in this binary. */
int migrate_latest(void);
/* The database's current schema version. */
int migrate_current(struct db *db);
/* Apply every migration above the current version up to target (-1 for
 * the latest), each in its own transaction.  A database newer than this
 * binary is refused.  Returns an rc; *applied counts what ran. */
int migrate_to(struct db *db, int target, int *applied);

#endif
