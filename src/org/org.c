/*
 * Jurisdiction tree storage.
 */
#include "org/org.h"

#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/error.h"
#include "core/str.h"

#define NODE_COLUMNS                                                                  \
	"o.id, ifnull(o.parent_id, 0), o.level, o.code, o.name, o.supervision_phone," \
	" o.boundary IS NOT NULL,"                                                    \
	" (SELECT count(*) FROM org c WHERE c.parent_id = o.id),"                     \
	" (SELECT p.name FROM org p WHERE p.id = o.parent_id)"

const char *org_check_phone(const char *s)
{
	size_t n = strlen(s);
	if (n == 11 && s[0] == '1' && s[1] >= '3' && s[1] <= '9' && str_is_digits(s))
		return NULL;
	/* Landline: 0 + 2-3 digit area code, optional '-', 7-8 digits, then an
	 * optional '-' and extension of 1-6 digits. */
	if (n >= 10 && s[0] == '0') {
		size_t i = 1, digits = 0;
		while (i < n && s[i] >= '0' && s[i] <= '9' && digits < 11)
			i++, digits++;
		if (i < n && s[i] == '-' && digits <= 3) {
			if (digits < 2)
				return "a landline is written like 0575-87001234";
			size_t j = i + 1, local = 0;
			while (j < n && s[j] >= '0' && s[j] <= '9')
				j++, local++;
			if (local < 7 || local > 8)
				return "a landline is written like 0575-87001234";
			i = j;
		} else if (digits < 9 || digits > 11) {
			return "a landline is written like 0575-87001234";
		}
		if (i == n)
			return NULL;
		if (s[i] == '-') {
			size_t ext = 0;
			for (size_t k = i + 1; k < n; k++, ext++)
				if (s[k] < '0' || s[k] > '9')
					return "a phone number holds digits and '-' only";
			if (ext >= 1 && ext <= 6)
				return NULL;
		}
		return "a landline is written like 0575-87001234";
	}
	return "give a mainland mobile number (11 digits) or a landline like 0575-87001234";
}

static void read_node(sqlite3_stmt *st, struct arena *a, struct org_node *n)
{
	n->id = sqlite3_column_int64(st, 0);
	n->parent_id = sqlite3_column_int64(st, 1);
	n->level = arena_strdup(a, db_col_text(st, 2));
	n->code = arena_strdup(a, db_col_text(st, 3));
	n->name = arena_strdup(a, db_col_text(st, 4));
	n->supervision_phone = sqlite3_column_type(st, 5) == SQLITE_NULL
				       ? NULL
				       : arena_strdup(a, db_col_text(st, 5));
	n->has_boundary = sqlite3_column_int(st, 6) != 0;
	n->child_count = sqlite3_column_int64(st, 7);
	n->parent_name = sqlite3_column_type(st, 8) == SQLITE_NULL
				 ? NULL
				 : arena_strdup(a, db_col_text(st, 8));
}

static json_t *row_json(sqlite3_stmt *st)
{
	json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:b, s:I}", "id",
			      (json_int_t)sqlite3_column_int64(st, 0), "level", db_col_text(st, 2),
			      "code", db_col_text(st, 3), "name", db_col_text(st, 4),
			      "has_boundary", sqlite3_column_int(st, 6) != 0, "child_count",
			      (json_int_t)sqlite3_column_int64(st, 7));
	int64_t parent = sqlite3_column_int64(st, 1);
	json_object_set_new(o, "parent_id", parent ? json_integer(parent) : json_null());
	json_object_set_new(o, "parent_name", db_col_json(st, 8));
	json_object_set_new(o, "supervision_phone", db_col_json(st, 5));
	return o;
}

json_t *org_node_json(const struct org_node *n)
{
	json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:b, s:I}", "id", (json_int_t)n->id, "level",
			      n->level, "code", n->code, "name", n->name, "has_boundary",
			      n->has_boundary, "child_count", (json_int_t)n->child_count);
	json_object_set_new(o, "parent_id",
			    n->parent_id ? json_integer(n->parent_id) : json_null());
	json_object_set_new(o, "parent_name",
			    n->parent_name ? json_string(n->parent_name) : json_null());
	json_object_set_new(o, "supervision_phone",
			    n->supervision_phone ? json_string(n->supervision_phone) : json_null());
	return o;
}

static int get_one(struct db *db, sqlite3_stmt *st, struct arena *a, struct org_node *out)
{
	int src = sqlite3_step(st), rc = RC_OK;
	if (src == SQLITE_ROW)
		read_node(st, a, out);
	else
		rc = src == SQLITE_DONE ? RC_NOT_FOUND : db_rc(db, src);
	sqlite3_reset(st);
	return rc;
}

int org_get(struct db *db, struct arena *a, int64_t id, struct org_node *out)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT " NODE_COLUMNS " FROM org o WHERE o.id = ?");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	return get_one(db, st, a, out);
}

int org_get_by_code(struct db *db, struct arena *a, const char *code, struct org_node *out)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT " NODE_COLUMNS " FROM org o WHERE o.code = ?");
	if (st == NULL)
		return RC_INTERNAL;
	db_bind_text(st, 1, code);
	return get_one(db, st, a, out);
}

json_t *org_ancestors_json(struct db *db, const char *code, const char *roots)
{
	json_t *arr = json_array();
	/* The ancestors' codes are the prefixes of code at the level lengths. */
	sqlite3_stmt *st = db_stmt(
		db, "SELECT o.id, o.level, o.code, o.name FROM org o"
		    " WHERE o.code IN (substr(?1, 1, 2), substr(?1, 1, 4), substr(?1, 1, 6),"
		    "  substr(?1, 1, 9), substr(?1, 1, 12)) AND o.code <> ?1"
		    " AND EXISTS (SELECT 1 FROM json_each(?2) r"
		    "  WHERE substr(o.code, 1, length(r.value)) = r.value)"
		    " ORDER BY length(o.code)");
	if (st == NULL)
		return arr;
	db_bind_text(st, 1, code);
	db_bind_text(st, 2, roots ? roots : "[]");
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(arr,
				      json_pack("{s:I, s:s, s:s, s:s}", "id",
						(json_int_t)sqlite3_column_int64(st, 0), "level",
						db_col_text(st, 1), "code", db_col_text(st, 2),
						"name", db_col_text(st, 3)));
	sqlite3_reset(st);
	return arr;
}

static int collect(struct db *db, sqlite3_stmt *st, json_t **items_new)
{
	json_t *items = json_array();
	int src;
	while ((src = sqlite3_step(st)) == SQLITE_ROW)
		json_array_append_new(items, row_json(st));
	sqlite3_reset(st);
	if (src != SQLITE_DONE) {
		json_decref(items);
		return db_rc(db, src);
	}
	*items_new = items;
	return RC_OK;
}

static int count_one(struct db *db, sqlite3_stmt *st, int64_t *total)
{
	int src = sqlite3_step(st);
	if (src == SQLITE_ROW)
		*total = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return src == SQLITE_ROW ? RC_OK : db_rc(db, src);
}

int org_children_json(struct db *db, int64_t parent_id, int64_t limit, int64_t offset,
		      json_t **items_new, int64_t *total)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT count(*) FROM org WHERE parent_id = ?");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, parent_id);
	int rc = count_one(db, st, total);
	if (rc != RC_OK)
		return rc;
	st = db_stmt(db, "SELECT " NODE_COLUMNS " FROM org o WHERE o.parent_id = ?"
			 " ORDER BY o.code LIMIT ? OFFSET ?");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, parent_id);
	sqlite3_bind_int64(st, 2, limit);
	sqlite3_bind_int64(st, 3, offset);
	return collect(db, st, items_new);
}

/* Roots must not overlap (principal_roots guarantees it), so the join
 * yields each node at most once.  ';' sorts right after '9'. */
#define SEARCH_FROM                                             \
	" FROM json_each(?1) r JOIN org o ON o.code >= r.value" \
	"  AND o.code < r.value || ';'"                         \
	" WHERE (?2 IS NULL OR instr(o.name, ?2) > 0)"          \
	" AND (?3 IS NULL OR o.code = ?3)"                      \
	" AND (?4 IS NULL OR o.level = ?4)"

int org_search_json(struct db *db, const char *roots, const char *q, const char *code,
		    const char *level, int64_t limit, int64_t offset, json_t **items_new,
		    int64_t *total)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT count(*)" SEARCH_FROM);
	if (st == NULL)
		return RC_INTERNAL;
	db_bind_text(st, 1, roots);
	db_bind_text(st, 2, q);
	db_bind_text(st, 3, code);
	db_bind_text(st, 4, level);
	int rc = count_one(db, st, total);
	if (rc != RC_OK)
		return rc;
	st = db_stmt(db, "SELECT " NODE_COLUMNS SEARCH_FROM " ORDER BY o.code LIMIT ?5 OFFSET ?6");
	if (st == NULL)
		return RC_INTERNAL;
	db_bind_text(st, 1, roots);
	db_bind_text(st, 2, q);
	db_bind_text(st, 3, code);
	db_bind_text(st, 4, level);
	sqlite3_bind_int64(st, 5, limit);
	sqlite3_bind_int64(st, 6, offset);
	return collect(db, st, items_new);
}

int org_roots_json(struct db *db, const char *roots, json_t **items_new)
{
	sqlite3_stmt *st =
		db_stmt(db, "SELECT " NODE_COLUMNS
			    " FROM org o WHERE o.code IN (SELECT value FROM json_each(?1))"
			    " OR (o.parent_id IS NULL AND EXISTS (SELECT 1 FROM json_each(?1) "
			    "WHERE value = ''))"
			    " ORDER BY o.code");
	if (st == NULL)
		return RC_INTERNAL;
	db_bind_text(st, 1, roots);
	return collect(db, st, items_new);
}

int org_next_grid_code(struct db *db, const struct org_node *community, char out[16])
{
	sqlite3_stmt *st =
		db_stmt(db, "SELECT max(code) FROM org WHERE parent_id = ? AND level = 'grid'");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, community->id);
	int src = sqlite3_step(st);
	int next = 1;
	if (src == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
		const char *max = db_col_text(st, 0);
		next = (int)strtol(max + strlen(max) - 3, NULL, 10) + 1;
	}
	sqlite3_reset(st);
	if (src != SQLITE_ROW)
		return db_rc(db, src);
	if (next < 1 || next > 999)
		return RC_CONFLICT;
	snprintf(out, 16, "%.12s%03u", community->code, (unsigned)next % 1000u);
	return RC_OK;
}

int org_insert(struct db *db, int64_t parent_id, const char *level, const char *code,
	       const char *name, const char *boundary, const char *phone, int64_t *id)
{
	int64_t now = clock_now();
	sqlite3_stmt *st = db_stmt(
		db, "INSERT INTO org (parent_id, level, code, name, boundary, supervision_phone,"
		    " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
	if (st == NULL)
		return RC_INTERNAL;
	if (parent_id)
		sqlite3_bind_int64(st, 1, parent_id);
	db_bind_text(st, 2, level);
	db_bind_text(st, 3, code);
	db_bind_text(st, 4, name);
	db_bind_text(st, 5, boundary);
	db_bind_text(st, 6, phone);
	sqlite3_bind_int64(st, 7, now);
	sqlite3_bind_int64(st, 8, now);
	int src = sqlite3_step(st);
	sqlite3_reset(st);
	if (src != SQLITE_DONE)
		return db_rc(db, src);
	*id = db_last_id(db);
	return RC_OK;
}

int org_update(struct db *db, int64_t id, const char *name, const char *phone)
{
	sqlite3_stmt *st =
		db_stmt(db, "UPDATE org SET name = coalesce(?1, name),"
			    " supervision_phone = CASE WHEN ?2 IS NULL THEN supervision_phone"
			    "  WHEN ?2 = '' THEN NULL ELSE ?2 END, updated_at = ?3 WHERE id = ?4");
	if (st == NULL)
		return RC_INTERNAL;
	db_bind_text(st, 1, name);
	db_bind_text(st, 2, phone);
	sqlite3_bind_int64(st, 3, clock_now());
	sqlite3_bind_int64(st, 4, id);
	int src = sqlite3_step(st);
	sqlite3_reset(st);
	return src == SQLITE_DONE ? RC_OK : db_rc(db, src);
}

int org_set_boundary(struct db *db, int64_t id, const char *geojson)
{
	sqlite3_stmt *st = db_stmt(db, "UPDATE org SET boundary = ?, updated_at = ? WHERE id = ?");
	if (st == NULL)
		return RC_INTERNAL;
	db_bind_text(st, 1, geojson);
	sqlite3_bind_int64(st, 2, clock_now());
	sqlite3_bind_int64(st, 3, id);
	int src = sqlite3_step(st);
	sqlite3_reset(st);
	return src == SQLITE_DONE ? RC_OK : db_rc(db, src);
}

int org_boundary(struct db *db, int64_t id, json_t **geometry_new)
{
	sqlite3_stmt *st =
		db_stmt(db, "SELECT boundary FROM org WHERE id = ? AND boundary IS NOT NULL");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	int src = sqlite3_step(st), rc = RC_NOT_FOUND;
	if (src == SQLITE_ROW) {
		json_error_t err;
		*geometry_new = json_loads(db_col_text(st, 0), 0, &err);
		rc = *geometry_new ? RC_OK : RC_INTERNAL;
	} else if (src != SQLITE_DONE) {
		rc = db_rc(db, src);
	}
	sqlite3_reset(st);
	return rc;
}

json_t *org_child_boundaries(struct db *db, int64_t parent_id)
{
	json_t *features = json_array();
	sqlite3_stmt *st = db_stmt(
		db, "SELECT id, code, name, level, boundary FROM org"
		    " WHERE parent_id = ? AND boundary IS NOT NULL ORDER BY code LIMIT 2000");
	if (st != NULL) {
		sqlite3_bind_int64(st, 1, parent_id);
		while (sqlite3_step(st) == SQLITE_ROW) {
			json_error_t err;
			json_t *g = json_loads(db_col_text(st, 4), 0, &err);
			if (g == NULL)
				continue;
			json_array_append_new(
				features,
				json_pack("{s:s, s:I, s:o, s:{s:I, s:s, s:s, s:s}}", "type",
					  "Feature", "id", (json_int_t)sqlite3_column_int64(st, 0),
					  "geometry", g, "properties", "id",
					  (json_int_t)sqlite3_column_int64(st, 0), "code",
					  db_col_text(st, 1), "name", db_col_text(st, 2), "level",
					  db_col_text(st, 3)));
		}
		sqlite3_reset(st);
	}
	return json_pack("{s:s, s:o}", "type", "FeatureCollection", "features", features);
}

json_t *org_grid_workers_json(struct db *db, int64_t org_id)
{
	json_t *arr = json_array();
	sqlite3_stmt *st = db_stmt(
		db, "SELECT g.user_id, u.display_name, g.phone, g.assigned_at FROM grid_workers g"
		    " JOIN users u ON u.id = g.user_id WHERE g.org_id = ? ORDER BY g.assigned_at");
	if (st == NULL)
		return arr;
	sqlite3_bind_int64(st, 1, org_id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		char at[32];
		clock_iso(sqlite3_column_int64(st, 3), at, sizeof(at));
		json_array_append_new(arr, json_pack("{s:I, s:s, s:s, s:s}", "user_id",
						     (json_int_t)sqlite3_column_int64(st, 0),
						     "display_name", db_col_text(st, 1), "phone",
						     db_col_text(st, 2), "assigned_at", at));
	}
	sqlite3_reset(st);
	return arr;
}

int org_grid_worker_set(struct db *db, int64_t org_id, int64_t user_id, const char *phone,
			int64_t by)
{
	sqlite3_stmt *st = db_stmt(
		db, "INSERT INTO grid_workers (org_id, user_id, phone, assigned_at, assigned_by)"
		    " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (org_id, user_id)"
		    " DO UPDATE SET phone = excluded.phone");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, org_id);
	sqlite3_bind_int64(st, 2, user_id);
	db_bind_text(st, 3, phone);
	sqlite3_bind_int64(st, 4, clock_now());
	if (by)
		sqlite3_bind_int64(st, 5, by);
	int src = sqlite3_step(st);
	sqlite3_reset(st);
	return src == SQLITE_DONE ? RC_OK : db_rc(db, src);
}

int org_grid_worker_remove(struct db *db, int64_t org_id, int64_t user_id)
{
	sqlite3_stmt *st = db_stmt(db, "DELETE FROM grid_workers WHERE org_id = ? AND user_id = ?");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, org_id);
	sqlite3_bind_int64(st, 2, user_id);
	int src = sqlite3_step(st);
	sqlite3_reset(st);
	if (src != SQLITE_DONE)
		return db_rc(db, src);
	return db_changes(db) ? RC_OK : RC_NOT_FOUND;
}

json_t *org_grid_worker_candidates(struct db *db, const char *code)
{
	json_t *arr = json_array();
	sqlite3_stmt *st = db_stmt(
		db,
		"SELECT DISTINCT u.id, u.username, u.display_name FROM user_roles ur"
		" JOIN users u ON u.id = ur.user_id JOIN org o ON o.id = ur.org_id"
		" WHERE ur.role = 'grid_worker' AND u.disabled = 0"
		" AND substr(?1, 1, length(o.code)) = o.code ORDER BY u.display_name LIMIT 200");
	if (st == NULL)
		return arr;
	db_bind_text(st, 1, code);
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(arr, json_pack("{s:I, s:s, s:s}", "user_id",
						     (json_int_t)sqlite3_column_int64(st, 0),
						     "username", db_col_text(st, 1), "display_name",
						     db_col_text(st, 2)));
	sqlite3_reset(st);
	return arr;
}
