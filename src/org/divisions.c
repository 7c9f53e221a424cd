/*
 * Division import.  Files are read from the top level down so that every
 * row's parent is already in place; each row is checked (code length and
 * digits, parent code is a prefix of the code, parent present, name) before
 * it is written.
 */
#include "org/divisions.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "auth/roles.h"
#include "core/clock.h"
#include "core/csv.h"
#include "core/error.h"
#include "core/str.h"

struct level_file {
	const char *file;
	const char *header; /* the package's header line */
	const char *level;
	size_t code_len;
	int parent_col; /* column holding the parent's code, -1 for none */
	size_t ncols;
};

static const struct level_file files[] = {
	{"provinces.csv", "code,name", "province", 2, -1, 2},
	{"cities.csv", "code,name,provinceCode", "city", 4, 2, 3},
	{"areas.csv", "code,name,cityCode,provinceCode", "county", 6, 2, 4},
	{"streets.csv", "code,name,areaCode,provinceCode,cityCode", "town", 9, 2, 5},
	{"villages.csv", "code,name,streetCode,provinceCode,cityCode,areaCode", "community", 12, 2,
	 6},
};

static int fail(char *err, size_t errlen, const char *file, long line, const char *why)
{
	if (line > 0)
		snprintf(err, errlen, "%s:%ld: %s", file, line, why);
	else
		snprintf(err, errlen, "%s: %s", file, why);
	return RC_VALIDATION_FAILED;
}

static bool header_matches(struct csv *c, const char *header)
{
	char joined[256] = "";
	for (size_t i = 0; i < c->nfields; i++) {
		if (i)
			strncat(joined, ",", sizeof(joined) - strlen(joined) - 1);
		strncat(joined, c->fields[i], sizeof(joined) - strlen(joined) - 1);
	}
	return strcmp(joined, header) == 0;
}

/* Insert or update one row.  RC_NOT_FOUND when need_parent is set and the
 * parent is missing; RC_CONFLICT when the code exists at another level. */
static int upsert(struct db *db, const struct level_file *lf, const char *code, const char *name,
		  const char *parent, bool need_parent, struct divisions_stats *s, int64_t now)
{
	int64_t parent_id = 0;
	if (parent != NULL) {
		sqlite3_stmt *st = db_stmt(db, "SELECT id FROM org WHERE code = ?");
		if (st == NULL)
			return RC_INTERNAL;
		db_bind_text(st, 1, parent);
		if (sqlite3_step(st) == SQLITE_ROW)
			parent_id = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
	}
	if (need_parent && parent_id == 0)
		return RC_NOT_FOUND;
	sqlite3_stmt *st =
		db_stmt(db, "SELECT id, name, ifnull(parent_id, 0), level FROM org WHERE code = ?");
	if (st == NULL)
		return RC_INTERNAL;
	db_bind_text(st, 1, code);
	int src = sqlite3_step(st);
	if (src == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 0);
		bool same = strcmp(db_col_text(st, 1), name) == 0 &&
			    sqlite3_column_int64(st, 2) == parent_id;
		bool level_ok = strcmp(db_col_text(st, 3), lf->level) == 0;
		sqlite3_reset(st);
		if (!level_ok)
			return RC_CONFLICT;
		if (same) {
			s->unchanged++;
			return RC_OK;
		}
		st = db_stmt(db,
			     "UPDATE org SET name = ?, parent_id = ?, updated_at = ? WHERE id = ?");
		if (st == NULL)
			return RC_INTERNAL;
		db_bind_text(st, 1, name);
		if (parent_id)
			sqlite3_bind_int64(st, 2, parent_id);
		sqlite3_bind_int64(st, 3, now);
		sqlite3_bind_int64(st, 4, id);
		src = sqlite3_step(st);
		sqlite3_reset(st);
		if (src != SQLITE_DONE)
			return db_rc(db, src);
		s->updated++;
		return RC_OK;
	}
	sqlite3_reset(st);
	if (src != SQLITE_DONE)
		return db_rc(db, src);
	st = db_stmt(db, "INSERT INTO org (parent_id, level, code, name, created_at, updated_at)"
			 " VALUES (?, ?, ?, ?, ?, ?)");
	if (st == NULL)
		return RC_INTERNAL;
	if (parent_id)
		sqlite3_bind_int64(st, 1, parent_id);
	db_bind_text(st, 2, lf->level);
	db_bind_text(st, 3, code);
	db_bind_text(st, 4, name);
	sqlite3_bind_int64(st, 5, now);
	sqlite3_bind_int64(st, 6, now);
	src = sqlite3_step(st);
	sqlite3_reset(st);
	if (src != SQLITE_DONE)
		return db_rc(db, src);
	s->inserted++;
	return RC_OK;
}

/* Does code belong to the subtree of root? */
static bool in_subtree(const char *code, const char *root)
{
	return str_starts(code, root);
}

static int import_file(struct db *db, const char *dir, const struct level_file *lf,
		       const char *root, bool *root_seen, struct divisions_stats *s,
		       int64_t level_index, char *err, size_t errlen, void (*progress)(int64_t))
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", dir, lf->file);
	/* Files above the root's level hold nothing of the subtree. */
	if (lf->code_len < strlen(root))
		return RC_OK;
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return fail(err, errlen, path, 0, strerror(errno));
	struct csv c;
	csv_open(&c, f);
	int rc = RC_OK, got;
	int64_t now = clock_now();
	got = csv_next(&c);
	if (got != 1 || !header_matches(&c, lf->header)) {
		char why[320];
		snprintf(why, sizeof(why), "the first line must be the header %s", lf->header);
		rc = fail(err, errlen, path, 1, why);
		goto out;
	}
	while ((got = csv_next(&c)) != 0) {
		if (got < 0) {
			rc = fail(err, errlen, path, c.line, c.error);
			goto out;
		}
		if (c.nfields == 1 && c.fields[0][0] == '\0')
			continue; /* blank line */
		if (c.nfields != lf->ncols) {
			char why[128];
			snprintf(why, sizeof(why), "expected %zu fields, found %zu", lf->ncols,
				 c.nfields);
			rc = fail(err, errlen, path, c.line, why);
			goto out;
		}
		const char *code = c.fields[0], *name = c.fields[1];
		if (!str_is_digits(code) || strlen(code) != lf->code_len) {
			char why[128];
			snprintf(why, sizeof(why), "code '%.20s' is not %zu digits", code,
				 lf->code_len);
			rc = fail(err, errlen, path, c.line, why);
			goto out;
		}
		long chars = utf8_count(name, strlen(name));
		if (chars < 1 || chars > 64) {
			rc = fail(err, errlen, path, c.line,
				  "the name is empty, too long or not UTF-8");
			goto out;
		}
		const char *parent = lf->parent_col >= 0 ? c.fields[lf->parent_col] : NULL;
		if (parent != NULL &&
		    (!str_starts(code, parent) || strlen(parent) >= strlen(code))) {
			rc = fail(err, errlen, path, c.line,
				  "the parent code is not a prefix of the code");
			goto out;
		}
		if (!in_subtree(code, root))
			continue;
		if (strcmp(code, root) == 0 || root[0] == '\0')
			*root_seen = true;
		else if (!*root_seen) {
			rc = fail(err, errlen, path, c.line,
				  "a row below the root comes before the root's own row");
			goto out;
		}
		/* The root's own parent may be absent (it then becomes a tree
		 * root); every row below the root must find its parent. */
		rc = upsert(db, lf, code, name, parent, parent != NULL && strcmp(code, root) != 0,
			    s, now);
		if (rc == RC_CONFLICT) {
			rc = fail(err, errlen, path, c.line, "the code exists at another level");
			goto out;
		}
		if (rc == RC_NOT_FOUND) {
			char why[96];
			snprintf(why, sizeof(why), "parent %.20s is not in the files", parent);
			rc = fail(err, errlen, path, c.line, why);
			goto out;
		}
		if (rc != RC_OK) {
			fail(err, errlen, path, c.line, "database error");
			goto out;
		}
		s->read++;
		s->by_level[level_index]++;
		if (progress != NULL && s->read % 20000 == 0)
			progress(s->read);
	}
out:
	csv_close(&c);
	fclose(f);
	return rc;
}

int divisions_import(struct db *db, const char *dir, const char *root,
		     struct divisions_stats *stats, char *err, size_t errlen,
		     void (*progress)(int64_t rows))
{
	memset(stats, 0, sizeof(*stats));
	err[0] = '\0';
	bool everything = strcmp(root, "all") == 0;
	int lv = str_is_digits(root) ? level_from_code(root) : -1;
	if (!everything && (lv < 0 || lv == LEVEL_GRID)) {
		snprintf(err, errlen,
			 "--root must be a division code of 2, 4, 6, 9 or 12 digits, or all");
		return RC_VALIDATION_FAILED;
	}
	if (everything)
		root = ""; /* every code starts with the empty prefix */
	int rc = db_begin(db);
	if (rc != RC_OK) {
		snprintf(err, errlen, "the database is busy");
		return rc;
	}
	bool root_seen = false;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]) && rc == RC_OK; i++) {
		rc = import_file(db, dir, &files[i], root, &root_seen, stats, (int64_t)i, err,
				 errlen, progress);
		if (rc == RC_OK && !everything && files[i].code_len == strlen(root) && !root_seen) {
			char path[4096];
			snprintf(path, sizeof(path), "%s/%s", dir, files[i].file);
			rc = fail(err, errlen, path, 0, "the root code is not in this file");
		}
	}
	if (rc != RC_OK) {
		db_rollback(db);
		return rc;
	}
	return db_commit(db);
}
