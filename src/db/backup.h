/*
 * Online backup: a consistent copy of a database that is being written.
 */
#ifndef GR_DB_BACKUP_H
#define GR_DB_BACKUP_H

#include <stddef.h>

/* Copy the database at src to the new file out from one read snapshot
 * (writers carry on meanwhile thanks to WAL), check the copy with
 * PRAGMA integrity_check and only then give it its name.  out must not
 * exist.  Returns an rc; err says why on failure. */
int db_backup(const char *src, const char *out, char *err, size_t errlen);

#endif
