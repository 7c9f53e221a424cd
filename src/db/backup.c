/*
 * Online backup with SQLite's backup API, written under a temporary name
 * and renamed when complete so a crash never leaves a file that looks like
 * a finished backup.
 */
#include "db/backup.h"

#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/error.h"

int db_backup(const char *src_path, const char *out, char *err, size_t errlen)
{
	char tmp[4200];
	sqlite3 *src = NULL, *dst = NULL;
	sqlite3_stmt *st = NULL;
	int rc = RC_INTERNAL;

	if (access(out, F_OK) == 0) {
		snprintf(err, errlen, "%s exists; choose a new file", out);
		return RC_CONFLICT;
	}
	snprintf(tmp, sizeof(tmp), "%s.partial", out);
	unlink(tmp);
	if (sqlite3_open_v2(src_path, &src, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "cannot open %s", src_path);
		goto out;
	}
	sqlite3_busy_timeout(src, 10000);
	if (sqlite3_open_v2(tmp, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
	    SQLITE_OK) {
		snprintf(err, errlen, "cannot create %s", tmp);
		goto out;
	}
	sqlite3_backup *b = sqlite3_backup_init(dst, "main", src, "main");
	if (b == NULL) {
		snprintf(err, errlen, "%s", sqlite3_errmsg(dst));
		goto out;
	}
	/* One step copies every page from a single read snapshot. */
	int src_rc = sqlite3_backup_step(b, -1);
	sqlite3_backup_finish(b);
	if (src_rc != SQLITE_DONE) {
		snprintf(err, errlen, "%s", sqlite3_errstr(src_rc));
		goto out;
	}
	if (sqlite3_prepare_v2(dst, "PRAGMA integrity_check", -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW ||
	    strcmp((const char *)sqlite3_column_text(st, 0), "ok") != 0) {
		snprintf(err, errlen, "the copy failed its integrity check");
		goto out;
	}
	sqlite3_finalize(st);
	st = NULL;
	sqlite3_close(dst);
	dst = NULL;
	if (rename(tmp, out) != 0) {
		snprintf(err, errlen, "cannot rename %s to %s", tmp, out);
		goto out;
	}
	rc = RC_OK;
out:
	sqlite3_finalize(st);
	sqlite3_close(dst);
	sqlite3_close(src);
	if (rc != RC_OK)
		unlink(tmp);
	return rc;
}
