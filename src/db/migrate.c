/*
 * Migration runner.  Files are named NNNN_description.sql and numbered
 * without gaps from 0001; a gap or a duplicate is a build mistake that the
 * unit tests catch.
 */
#include "db/migrate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/embed.h"
#include "core/error.h"
#include "core/log.h"

static int file_version(const char *name)
{
	/* names look like "0001_core.sql" */
	int v = 0;
	for (int i = 0; i < 4; i++) {
		if (name[i] < '0' || name[i] > '9')
			return -1;
		v = v * 10 + (name[i] - '0');
	}
	return name[4] == '_' ? v : -1;
}

static const struct embedded_file *find(int version)
{
	for (const struct embedded_file *f = embedded_migrations; f->name; f++)
		if (file_version(f->name) == version)
			return f;
	return NULL;
}

int migrate_latest(void)
{
	int max = 0;
	for (const struct embedded_file *f = embedded_migrations; f->name; f++) {
		int v = file_version(f->name);
		if (v > max)
			max = v;
	}
	return max;
}

int migrate_current(struct db *db)
{
	sqlite3_stmt *st = db_stmt(db, "PRAGMA user_version");
	int v = -1;
	if (st != NULL && sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	if (st != NULL)
		sqlite3_reset(st);
	return v;
}

int migrate_to(struct db *db, int target, int *applied)
{
	int latest = migrate_latest();
	int cur = migrate_current(db);
	*applied = 0;
	if (target < 0)
		target = latest;
	if (cur < 0)
		return RC_INTERNAL;
	if (cur > latest) {
		log_error("database schema version %d is newer than this program (%d); "
			  "use a newer grassroots",
			  cur, latest);
		return RC_CONFLICT;
	}
	for (int v = cur + 1; v <= target; v++) {
		const struct embedded_file *f = find(v);
		if (f == NULL) {
			log_error("migration %04d is missing from this build", v);
			return RC_INTERNAL;
		}
		int rc = db_begin(db);
		if (rc != RC_OK)
			return rc;
		rc = db_exec_static(db, (const char *)f->data);
		if (rc == RC_OK) {
			/* PRAGMA takes no bound parameters; v is an integer we made. */
			char pragma[48];
			snprintf(pragma, sizeof(pragma), "PRAGMA user_version=%d", v);
			rc = db_exec_static(db, pragma);
		}
		if (rc == RC_OK)
			rc = db_commit(db);
		else
			db_rollback(db);
		if (rc != RC_OK) {
			log_error("migration %s failed; the database stays at version %d", f->name,
				  v - 1);
			return rc;
		}
		(*applied)++;
	}
	return RC_OK;
}
