/*
 * Versions of duty lists: drafts, items, publishing, history, differences
 * and the CSV import.  Published versions are never written here except
 * when they are published; every change runs in the caller's transaction.
 */
#include "duties/duty_edit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/csv.h"
#include "core/error.h"
#include "core/str.h"
#include "duties/lists.h"

static const struct {
	const char *kind, *code, *label, *alias;
} sections[] = {
	{"power", "licensing", "行政许可", NULL},
	{"power", "penalty", "行政处罚", NULL},
	{"power", "inspection", "行政检查", NULL},
	{"power", "service", "公共服务", NULL},
	{"power", "other", "其他", "其他行政权力"},
	{"community", "by_law", "依法履职事项", "依法履职"},
	{"community", "assisted", "协助政府事项", "协助事项"},
	{"community", "negative", "负面清单", "负面清单事项"},
};
#define NSECTIONS (sizeof(sections) / sizeof(sections[0]))

bool duty_section_fits(const char *kind, const char *section)
{
	for (size_t i = 0; kind && section && i < NSECTIONS; i++)
		if (strcmp(sections[i].kind, kind) == 0 && strcmp(sections[i].code, section) == 0)
			return true;
	return false;
}

const char *duty_section_parse(const char *kind, const char *label)
{
	for (size_t i = 0; kind && label && i < NSECTIONS; i++) {
		if (strcmp(sections[i].kind, kind) != 0)
			continue;
		if (strcmp(sections[i].code, label) == 0 || strcmp(sections[i].label, label) == 0 ||
		    (sections[i].alias && strcmp(sections[i].alias, label) == 0))
			return sections[i].code;
	}
	return NULL;
}

const char *duty_keywords_problem(const char *keywords)
{
	if (keywords == NULL || *keywords == '\0')
		return NULL;
	for (const char *p = keywords;;) {
		size_t n = strcspn(p, "|");
		if (n == 0)
			return "an empty keyword (two '|' in a row, or one at an end)";
		/* lists.c matches words of fewer than 128 bytes; 30 characters
		 * of Chinese stay well below. */
		if (utf8_count(p, n) > 30 || n >= 128)
			return "a keyword longer than 30 characters";
		if (p[n] == '\0')
			return NULL;
		p += n + 1;
	}
}

int duty_list_get(struct db *db, int64_t id, struct duty_list *out)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT kind, owner_code, body, version, status,"
				       " ifnull(effective_from, '') FROM duty_lists WHERE id = ?");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	int rc = RC_NOT_FOUND;
	if (sqlite3_step(st) == SQLITE_ROW) {
		out->id = id;
		snprintf(out->kind, sizeof(out->kind), "%s", db_col_text(st, 0));
		snprintf(out->owner_code, sizeof(out->owner_code), "%s", db_col_text(st, 1));
		snprintf(out->body, sizeof(out->body), "%s", db_col_text(st, 2));
		out->version = sqlite3_column_int64(st, 3);
		out->published = strcmp(db_col_text(st, 4), "published") == 0;
		snprintf(out->effective_from, sizeof(out->effective_from), "%s",
			 db_col_text(st, 5));
		rc = RC_OK;
	}
	sqlite3_reset(st);
	return rc;
}

static json_t *item_obj(sqlite3_stmt *st)
{
	return json_pack("{s:I, s:s, s:i, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "id",
			 (json_int_t)sqlite3_column_int64(st, 0), "section", db_col_text(st, 1),
			 "seq", sqlite3_column_int(st, 2), "title", db_col_text(st, 3), "title_en",
			 db_col_text(st, 4), "legal_basis", db_col_text(st, 5), "responsible",
			 db_col_text(st, 6), "cooperating", db_col_text(st, 7), "community_role",
			 db_col_text(st, 8), "keywords", db_col_text(st, 9));
}

/* The items of a version in section order, then by seq. */
static int items_json(struct db *db, int64_t list_id, json_t **out_new)
{
	sqlite3_stmt *st = db_stmt(
		db, "SELECT id, section, seq, title, title_en, legal_basis, responsible,"
		    " cooperating, community_role, keywords FROM duty_items WHERE list_id = ?"
		    " ORDER BY CASE section WHEN 'by_law' THEN 1 WHEN 'assisted' THEN 2"
		    " WHEN 'negative' THEN 3 WHEN 'licensing' THEN 4 WHEN 'penalty' THEN 5"
		    " WHEN 'inspection' THEN 6 WHEN 'service' THEN 7 ELSE 8 END, seq");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, list_id);
	json_t *items = json_array();
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(items, item_obj(st));
	sqlite3_reset(st);
	*out_new = items;
	return RC_OK;
}

int duty_list_json(struct db *db, int64_t id, bool items, const char *today, json_t **out_new)
{
	/* until: the day the next published version of the same list starts;
	 * in_force: this is the version that duty_list_in_force picks today
	 * for its own owner. */
	sqlite3_stmt *st = db_stmt(
		db,
		"SELECT l.id, l.kind, l.owner_code, ifnull(o.name, ''), l.body, l.version, l.status,"
		" l.effective_from,"
		" (SELECT min(n.effective_from) FROM duty_lists n WHERE n.kind = l.kind"
		"  AND n.owner_code = l.owner_code AND n.body = l.body AND n.status = 'published'"
		"  AND l.status = 'published' AND (n.effective_from > l.effective_from"
		"  OR (n.effective_from = l.effective_from AND n.version > l.version))),"
		" l.status = 'published' AND l.id = (SELECT c.id FROM duty_lists c"
		"  WHERE c.kind = l.kind AND c.owner_code = l.owner_code AND c.body = l.body"
		"  AND c.status = 'published' AND c.effective_from <= ?2"
		"  ORDER BY c.effective_from DESC, c.version DESC LIMIT 1),"
		" l.note, l.published_at_ms,"
		" (SELECT json_group_object(section, n) FROM (SELECT section, count(*) n"
		"  FROM duty_items WHERE list_id = l.id GROUP BY section))"
		" FROM duty_lists l LEFT JOIN org o ON o.code = l.owner_code WHERE l.id = ?1");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	db_bind_text(st, 2, today);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		return RC_NOT_FOUND;
	}
	json_t *o = json_pack(
		"{s:I, s:s, s:s, s:s, s:s, s:I, s:s, s:o, s:o, s:b, s:s, s:o, s:o}", "id",
		(json_int_t)sqlite3_column_int64(st, 0), "kind", db_col_text(st, 1), "owner_code",
		db_col_text(st, 2), "owner_name", db_col_text(st, 3), "body", db_col_text(st, 4),
		"version", (json_int_t)sqlite3_column_int64(st, 5), "status", db_col_text(st, 6),
		"effective_from", db_col_json(st, 7), "until", db_col_json(st, 8), "in_force",
		sqlite3_column_int(st, 9), "note", db_col_text(st, 10), "published_at_ms",
		db_col_json(st, 11), "counts",
		json_loads(sqlite3_column_type(st, 12) == SQLITE_NULL ? "{}" : db_col_text(st, 12),
			   0, NULL));
	sqlite3_reset(st);
	if (o == NULL)
		return RC_INTERNAL;
	if (json_object_get(o, "counts") == NULL)
		json_object_set_new(o, "counts", json_object());
	if (items) {
		json_t *arr;
		int rc = items_json(db, id, &arr);
		if (rc != RC_OK) {
			json_decref(o);
			return rc;
		}
		json_object_set_new(o, "items", arr);
	}
	*out_new = o;
	return RC_OK;
}

/* Append duty_list_json of every id in st's first column to arr. */
static int append_lists(struct db *db, sqlite3_stmt *st, const char *today, json_t *arr)
{
	int64_t ids[512];
	size_t n = 0;
	while (n < sizeof(ids) / sizeof(ids[0]) && sqlite3_step(st) == SQLITE_ROW)
		ids[n++] = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	for (size_t i = 0; i < n; i++) {
		json_t *o;
		int rc = duty_list_json(db, ids[i], false, today, &o);
		if (rc != RC_OK)
			return rc;
		json_array_append_new(arr, o);
	}
	return RC_OK;
}

int duty_versions_json(struct db *db, int64_t id, const char *today, json_t **out_new)
{
	struct duty_list l;
	int rc = duty_list_get(db, id, &l);
	if (rc != RC_OK)
		return rc;
	sqlite3_stmt *st = db_stmt(db, "SELECT id FROM duty_lists WHERE kind = ? AND owner_code = ?"
				       " AND body = ? AND status = 'published' ORDER BY version DESC");
	if (st == NULL)
		return RC_INTERNAL;
	db_bind_text(st, 1, l.kind);
	db_bind_text(st, 2, l.owner_code);
	db_bind_text(st, 3, l.body);
	json_t *arr = json_array();
	rc = append_lists(db, st, today, arr);
	if (rc != RC_OK) {
		json_decref(arr);
		return rc;
	}
	*out_new = arr;
	return RC_OK;
}

int duty_lists_public_json(struct db *db, const char *kind, const char *code, const char *today,
			   json_t **out_new)
{
	/* Per list (kind, owner, body): the version in force today, else the
	 * earliest one to come; then whether a later one is published. */
	sqlite3_stmt *st = db_stmt(
		db,
		"SELECT (SELECT c.id FROM duty_lists c WHERE c.kind = k.kind"
		"  AND c.owner_code = k.owner_code AND c.body = k.body AND c.status = 'published'"
		"  ORDER BY c.effective_from <= ?3 DESC,"
		"   CASE WHEN c.effective_from <= ?3 THEN c.effective_from END DESC,"
		"   c.effective_from, c.version DESC LIMIT 1)"
		" FROM (SELECT DISTINCT kind, owner_code, body FROM duty_lists"
		"  WHERE status = 'published' AND (?1 IS NULL OR kind = ?1)"
		"  AND (?2 IS NULL OR substr(?2, 1, length(owner_code)) = owner_code"
		"   OR substr(owner_code, 1, length(?2)) = ?2)) k"
		" ORDER BY k.kind, length(k.owner_code), k.owner_code, k.body");
	if (st == NULL)
		return RC_INTERNAL;
	db_bind_text(st, 1, kind);
	db_bind_text(st, 2, code);
	db_bind_text(st, 3, today);
	json_t *arr = json_array();
	int rc = append_lists(db, st, today, arr);
	if (rc != RC_OK) {
		json_decref(arr);
		return rc;
	}
	/* "next": a published version starting after the one shown. */
	sqlite3_stmt *nx = db_stmt(db, "SELECT n.id, n.effective_from FROM duty_lists n"
				       " JOIN duty_lists l ON l.id = ?1 WHERE n.kind = l.kind"
				       " AND n.owner_code = l.owner_code AND n.body = l.body"
				       " AND n.status = 'published' AND n.version > l.version"
				       " AND n.effective_from > ?2 ORDER BY n.version DESC LIMIT 1");
	if (nx == NULL) {
		json_decref(arr);
		return RC_INTERNAL;
	}
	size_t i;
	json_t *o;
	json_array_foreach(arr, i, o)
	{
		sqlite3_bind_int64(nx, 1, json_integer_value(json_object_get(o, "id")));
		db_bind_text(nx, 2, today);
		if (sqlite3_step(nx) == SQLITE_ROW)
			json_object_set_new(o, "next",
					    json_pack("{s:I, s:s}", "id",
						      (json_int_t)sqlite3_column_int64(nx, 0),
						      "effective_from", db_col_text(nx, 1)));
		else
			json_object_set_new(o, "next", json_null());
		sqlite3_reset(nx);
	}
	*out_new = arr;
	return RC_OK;
}

int duty_lists_scope_json(struct db *db, const char *roots, const char *status,
			  const char *today, json_t **out_new)
{
	sqlite3_stmt *st = db_stmt(
		db, "SELECT l.id FROM duty_lists l WHERE (?2 IS NULL OR l.status = ?2)"
		    " AND EXISTS (SELECT 1 FROM json_each(?1) r"
		    "  WHERE substr(l.owner_code, 1, length(r.value)) = r.value)"
		    " ORDER BY l.status = 'draft' DESC, l.created_at_ms DESC, l.id DESC LIMIT 500");
	if (st == NULL)
		return RC_INTERNAL;
	db_bind_text(st, 1, roots);
	db_bind_text(st, 2, status);
	json_t *arr = json_array();
	int rc = append_lists(db, st, today, arr);
	if (rc != RC_OK) {
		json_decref(arr);
		return rc;
	}
	*out_new = arr;
	return RC_OK;
}

/* ---- differences ---- */

static const char *const compared[] = {"title_en",    "legal_basis",    "responsible",
				       "cooperating", "community_role", "keywords"};

static bool same_key(const json_t *a, const json_t *b)
{
	const char *sa = json_string_value(json_object_get(a, "section"));
	const char *sb = json_string_value(json_object_get(b, "section"));
	const char *ta = json_string_value(json_object_get(a, "title"));
	const char *tb = json_string_value(json_object_get(b, "title"));
	return sa && sb && ta && tb && strcmp(sa, sb) == 0 && strcmp(ta, tb) == 0;
}

static const json_t *find_same(const json_t *items, const json_t *item)
{
	size_t i;
	const json_t *v;
	json_array_foreach(items, i, v) if (same_key(v, item)) return v;
	return NULL;
}

json_t *duty_diff(const json_t *from_items, const json_t *to_items)
{
	json_t *added = json_array(), *removed = json_array(), *changed = json_array();
	size_t i;
	json_t *v;
	json_array_foreach(to_items, i, v)
	{
		const json_t *old = find_same(from_items, v);
		if (old == NULL) {
			json_array_append(added, v);
			continue;
		}
		json_t *fields = json_array();
		for (size_t k = 0; k < sizeof(compared) / sizeof(compared[0]); k++) {
			const char *a = json_string_value(json_object_get(old, compared[k]));
			const char *b = json_string_value(json_object_get(v, compared[k]));
			if (strcmp(a ? a : "", b ? b : "") != 0)
				json_array_append_new(fields, json_string(compared[k]));
		}
		if (json_array_size(fields) > 0)
			json_array_append_new(changed, json_pack("{s:O, s:O, s:o}", "from", old,
								 "to", v, "fields", fields));
		else
			json_decref(fields);
	}
	json_array_foreach(from_items, i, v) if (find_same(to_items, v) == NULL)
		json_array_append(removed, v);
	return json_pack("{s:o, s:o, s:o}", "added", added, "removed", removed, "changed",
			 changed);
}

/* ---- drafts ---- */

int duty_draft_create(struct db *db, const char *kind, const char *owner_code, const char *body,
		      int64_t copy_from, int64_t user_id, int64_t *id)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT id FROM duty_lists WHERE kind = ? AND owner_code = ?"
				       " AND body = ? AND status = 'draft'");
	if (st == NULL)
		return RC_INTERNAL;
	db_bind_text(st, 1, kind);
	db_bind_text(st, 2, owner_code);
	db_bind_text(st, 3, body);
	bool exists = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_reset(st);
	if (exists)
		return RC_CONFLICT;
	st = db_stmt(db, "INSERT INTO duty_lists (kind, owner_code, body, version, status, note,"
			 " created_at_ms, created_by)"
			 " SELECT ?1, ?2, ?3, ifnull(max(version), 0) + 1, 'draft', '', ?4, ?5"
			 " FROM duty_lists WHERE kind = ?1 AND owner_code = ?2 AND body = ?3");
	if (st == NULL)
		return RC_INTERNAL;
	db_bind_text(st, 1, kind);
	db_bind_text(st, 2, owner_code);
	db_bind_text(st, 3, body);
	sqlite3_bind_int64(st, 4, clock_now_ms());
	if (user_id > 0)
		sqlite3_bind_int64(st, 5, user_id);
	int rc = db_step_done(db, st);
	if (rc != RC_OK)
		return rc;
	*id = db_last_id(db);
	if (copy_from == 0)
		return RC_OK;
	st = db_stmt(db, "INSERT INTO duty_items (list_id, section, seq, title, title_en,"
			 " legal_basis, responsible, cooperating, community_role, keywords)"
			 " SELECT ?1, section, seq, title, title_en, legal_basis, responsible,"
			 " cooperating, community_role, keywords FROM duty_items WHERE list_id = ?2");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, *id);
	sqlite3_bind_int64(st, 2, copy_from);
	return db_step_done(db, st);
}

int duty_draft_delete(struct db *db, int64_t id)
{
	sqlite3_stmt *st = db_stmt(db, "DELETE FROM duty_items WHERE list_id = ?");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	int rc = db_step_done(db, st);
	if (rc != RC_OK)
		return rc;
	st = db_stmt(db, "DELETE FROM duty_lists WHERE id = ? AND status = 'draft'");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	return db_step_one(db, st);
}

int duty_last_effective(struct db *db, int64_t id, char out[11])
{
	sqlite3_stmt *st = db_stmt(db, "SELECT ifnull(max(n.effective_from), '') FROM duty_lists n"
				       " JOIN duty_lists l ON l.id = ? WHERE n.kind = l.kind"
				       " AND n.owner_code = l.owner_code AND n.body = l.body"
				       " AND n.status = 'published'");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	out[0] = '\0';
	if (sqlite3_step(st) == SQLITE_ROW)
		snprintf(out, 11, "%s", db_col_text(st, 0));
	sqlite3_reset(st);
	return RC_OK;
}

int duty_draft_publish(struct db *db, int64_t id, const char *effective_from, const char *note,
		       int64_t user_id)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT count(*) FROM duty_items WHERE list_id = ?");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	int64_t n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	if (n == 0)
		return RC_INVALID_STATE;
	st = db_stmt(db, "UPDATE duty_lists SET status = 'published', effective_from = ?,"
			 " note = ifnull(?, note), published_at_ms = ?, published_by = ?"
			 " WHERE id = ? AND status = 'draft'");
	if (st == NULL)
		return RC_INTERNAL;
	db_bind_text(st, 1, effective_from);
	db_bind_text(st, 2, note);
	sqlite3_bind_int64(st, 3, clock_now_ms());
	if (user_id > 0)
		sqlite3_bind_int64(st, 4, user_id);
	sqlite3_bind_int64(st, 5, id);
	return db_step_one(db, st);
}

/* ---- items ---- */

static int next_seq(struct db *db, int64_t list_id, const char *section, int64_t *seq)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT ifnull(max(seq), 0) + 1 FROM duty_items"
				       " WHERE list_id = ? AND section = ?");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, list_id);
	db_bind_text(st, 2, section);
	*seq = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 1;
	sqlite3_reset(st);
	return RC_OK;
}

static int insert_item(struct db *db, int64_t list_id, int64_t seq, const struct duty_item_in *in)
{
	sqlite3_stmt *st = db_stmt(db, "INSERT INTO duty_items (list_id, section, seq, title,"
				       " title_en, legal_basis, responsible, cooperating,"
				       " community_role, keywords)"
				       " VALUES (?,?,?,?,ifnull(?,''),ifnull(?,''),ifnull(?,''),"
				       " ifnull(?,''),ifnull(?,''),ifnull(?,''))");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, list_id);
	db_bind_text(st, 2, in->section);
	sqlite3_bind_int64(st, 3, seq);
	db_bind_text(st, 4, in->title);
	db_bind_text(st, 5, in->title_en);
	db_bind_text(st, 6, in->legal_basis);
	db_bind_text(st, 7, in->responsible);
	db_bind_text(st, 8, in->cooperating);
	db_bind_text(st, 9, in->community_role);
	db_bind_text(st, 10, in->keywords);
	return db_step_done(db, st);
}

int duty_item_add(struct db *db, int64_t list_id, const struct duty_item_in *in, int64_t *item_id)
{
	int64_t seq;
	int rc = next_seq(db, list_id, in->section, &seq);
	if (rc == RC_OK)
		rc = insert_item(db, list_id, seq, in);
	if (rc == RC_OK)
		*item_id = db_last_id(db);
	return rc;
}

/* Close the gap left at seq in section (two steps: the UNIQUE constraint
 * is checked row by row, so shifting in place could collide). */
static int close_gap(struct db *db, int64_t list_id, const char *section, int64_t seq)
{
	sqlite3_stmt *st = db_stmt(db, "UPDATE duty_items SET seq = -seq WHERE list_id = ?"
				       " AND section = ? AND seq > ?");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, list_id);
	db_bind_text(st, 2, section);
	sqlite3_bind_int64(st, 3, seq);
	int rc = db_step_done(db, st);
	if (rc != RC_OK)
		return rc;
	st = db_stmt(db, "UPDATE duty_items SET seq = -seq - 1 WHERE list_id = ? AND section = ?"
			 " AND seq < 0");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, list_id);
	db_bind_text(st, 2, section);
	return db_step_done(db, st);
}

static int item_place(struct db *db, int64_t list_id, int64_t item_id, char section[16],
		      int64_t *seq)
{
	sqlite3_stmt *st =
		db_stmt(db, "SELECT section, seq FROM duty_items WHERE id = ? AND list_id = ?");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, item_id);
	sqlite3_bind_int64(st, 2, list_id);
	int rc = RC_NOT_FOUND;
	if (sqlite3_step(st) == SQLITE_ROW) {
		snprintf(section, 16, "%s", db_col_text(st, 0));
		*seq = sqlite3_column_int64(st, 1);
		rc = RC_OK;
	}
	sqlite3_reset(st);
	return rc;
}

int duty_item_update(struct db *db, int64_t list_id, int64_t item_id, const struct duty_item_in *in)
{
	char section[16];
	int64_t seq;
	int rc = item_place(db, list_id, item_id, section, &seq);
	if (rc != RC_OK)
		return rc;
	if (in->section != NULL && strcmp(in->section, section) != 0) {
		/* Moved: to the end of the new section, closing its old place. */
		int64_t to;
		rc = next_seq(db, list_id, in->section, &to);
		sqlite3_stmt *st =
			rc == RC_OK ? db_stmt(db, "UPDATE duty_items SET section = ?, seq = ?"
						  " WHERE id = ?")
				    : NULL;
		if (st == NULL)
			return RC_INTERNAL;
		db_bind_text(st, 1, in->section);
		sqlite3_bind_int64(st, 2, to);
		sqlite3_bind_int64(st, 3, item_id);
		rc = db_step_done(db, st);
		if (rc == RC_OK)
			rc = close_gap(db, list_id, section, seq);
		if (rc != RC_OK)
			return rc;
	}
	sqlite3_stmt *st = db_stmt(
		db, "UPDATE duty_items SET title = ifnull(?, title), title_en = ifnull(?, title_en),"
		    " legal_basis = ifnull(?, legal_basis), responsible = ifnull(?, responsible),"
		    " cooperating = ifnull(?, cooperating), community_role = ifnull(?,"
		    " community_role), keywords = ifnull(?, keywords) WHERE id = ?");
	if (st == NULL)
		return RC_INTERNAL;
	db_bind_text(st, 1, in->title);
	db_bind_text(st, 2, in->title_en);
	db_bind_text(st, 3, in->legal_basis);
	db_bind_text(st, 4, in->responsible);
	db_bind_text(st, 5, in->cooperating);
	db_bind_text(st, 6, in->community_role);
	db_bind_text(st, 7, in->keywords);
	sqlite3_bind_int64(st, 8, item_id);
	return db_step_one(db, st);
}

int duty_item_delete(struct db *db, int64_t list_id, int64_t item_id)
{
	char section[16];
	int64_t seq;
	int rc = item_place(db, list_id, item_id, section, &seq);
	if (rc != RC_OK)
		return rc;
	sqlite3_stmt *st = db_stmt(db, "DELETE FROM duty_items WHERE id = ?");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, item_id);
	rc = db_step_one(db, st);
	return rc == RC_OK ? close_gap(db, list_id, section, seq) : rc;
}

/* ---- CSV import ---- */

const char *const duty_csv_columns[] = {"section",     "seq",         "title",
					"title_en",    "legal_basis", "responsible",
					"cooperating", "community_role", "keywords",
					NULL};

/* Column limits in characters; index as duty_csv_columns. */
static const long col_max[] = {32, 6, 200, 300, 1000, 200, 200, 200, 500};

#define MAX_PROBLEMS 1000
#define MAX_ROWS 2000

static void problem(struct duty_import_report *rep, long row, const char *column,
		    const char *reason)
{
	if (json_array_size(rep->problems) < MAX_PROBLEMS)
		json_array_append_new(rep->problems, json_pack("{s:I, s:s, s:s}", "row",
							       (json_int_t)row, "column", column,
							       "reason", reason));
}

/* One parsed row kept until every row has been checked. */
struct row {
	long line;
	int64_t seq;
	char *f[9];
};

int duty_import_csv(struct db *db, int64_t list_id, const char *kind, FILE *f, bool dry_run,
		    struct duty_import_report *rep)
{
	rep->rows = rep->bad_rows = 0;
	rep->problems = json_array();
	struct csv c;
	csv_open(&c, f);
	int map[CSV_MAX_FIELDS]; /* csv column -> duty_csv_columns index */
	int rc = RC_OK;
	struct row *rows = NULL;
	size_t nrows = 0;
	int got = csv_next(&c);
	if (got != 1) {
		problem(rep, c.line, "", got == 0 ? "the file is empty" : c.error);
		rc = RC_VALIDATION_FAILED;
		goto out;
	}
	bool seen[9] = {false};
	for (size_t i = 0; i < c.nfields; i++) {
		map[i] = -1;
		for (int k = 0; duty_csv_columns[k]; k++)
			if (strcmp(c.fields[i], duty_csv_columns[k]) == 0)
				map[i] = k;
		if (map[i] < 0 || seen[map[i]]) {
			problem(rep, 1, c.fields[i],
				map[i] < 0 ? "unknown column (see docs/duty-lists.md)"
					   : "column given twice");
			rc = RC_VALIDATION_FAILED;
			goto out;
		}
		seen[map[i]] = true;
	}
	size_t ncols = c.nfields;
	if (!seen[0] || !seen[2]) {
		problem(rep, 1, !seen[0] ? "section" : "title", "required column missing");
		rc = RC_VALIDATION_FAILED;
		goto out;
	}
	rows = calloc(MAX_ROWS, sizeof(*rows));
	if (rows == NULL) {
		rc = RC_INTERNAL;
		goto out;
	}
	while ((got = csv_next(&c)) != 0) {
		if (got < 0) {
			rep->rows++;
			rep->bad_rows++;
			problem(rep, c.line, "", c.error);
			continue;
		}
		if (c.nfields == 1 && c.fields[0][0] == '\0')
			continue; /* a blank line */
		rep->rows++;
		if (nrows == MAX_ROWS) {
			rep->bad_rows++;
			problem(rep, c.line, "", "more than 2000 rows");
			continue;
		}
		struct row *r = &rows[nrows];
		r->line = c.line;
		bool bad = false;
		if (c.nfields != ncols) {
			problem(rep, c.line, "", "not as many fields as the header");
			bad = true;
		}
		for (size_t i = 0; i < ncols && i < c.nfields; i++) {
			int k = map[i];
			if (utf8_count(c.fields[i], strlen(c.fields[i])) > col_max[k]) {
				problem(rep, c.line, duty_csv_columns[k], "too long");
				bad = true;
			}
			r->f[k] = strdup(c.fields[i]);
		}
		const char *sec = duty_section_parse(kind, r->f[0] ? r->f[0] : "");
		if (sec == NULL) {
			problem(rep, c.line, "section",
				strcmp(kind, "power") == 0
					? "licensing, penalty, inspection, service or other"
					: "by_law, assisted or negative (or 依法履职事项, 协助政府事项, 负面清单)");
			bad = true;
		} else {
			free(r->f[0]);
			r->f[0] = strdup(sec);
		}
		if (r->f[2] == NULL || r->f[2][0] == '\0') {
			problem(rep, c.line, "title", "required");
			bad = true;
		}
		r->seq = 0;
		if (r->f[1] != NULL && r->f[1][0] != '\0' &&
		    (!str_to_i64(r->f[1], &r->seq) || r->seq < 1 || r->seq > 9999)) {
			problem(rep, c.line, "seq", "a number from 1 to 9999");
			bad = true;
		}
		const char *kp = duty_keywords_problem(r->f[8]);
		if (kp != NULL) {
			problem(rep, c.line, "keywords", kp);
			bad = true;
		}
		for (size_t j = 0; !bad && sec != NULL && j < nrows; j++) {
			if (rows[j].f[0] == NULL || rows[j].f[2] == NULL)
				continue;
			if (strcmp(rows[j].f[0], sec) == 0 && strcmp(rows[j].f[2], r->f[2]) == 0) {
				problem(rep, c.line, "title", "the same item twice in a section");
				bad = true;
			} else if (r->seq > 0 && rows[j].seq == r->seq &&
				   strcmp(rows[j].f[0], sec) == 0) {
				problem(rep, c.line, "seq", "the same number twice in a section");
				bad = true;
			}
		}
		if (bad)
			rep->bad_rows++;
		nrows++;
	}
	if (rep->rows == 0) {
		problem(rep, c.line, "", "no rows under the header");
		rc = RC_VALIDATION_FAILED;
		goto out;
	}
	if (rep->bad_rows > 0 || dry_run)
		goto out;
	/* Every row is good: the file replaces the draft's items.  Rows
	 * without seq follow the numbered ones of their section in file order. */
	sqlite3_stmt *st = db_stmt(db, "DELETE FROM duty_items WHERE list_id = ?");
	if (st == NULL) {
		rc = RC_INTERNAL;
		goto out;
	}
	sqlite3_bind_int64(st, 1, list_id);
	rc = db_step_done(db, st);
	for (int pass = 0; pass < 2 && rc == RC_OK; pass++)
		for (size_t i = 0; i < nrows && rc == RC_OK; i++) {
			struct row *r = &rows[i];
			if ((pass == 0) != (r->seq > 0))
				continue;
			int64_t seq = r->seq;
			if (seq == 0)
				rc = next_seq(db, list_id, r->f[0], &seq);
			struct duty_item_in in = {r->f[0], r->f[2], r->f[3], r->f[4],
						  r->f[5], r->f[6], r->f[7], r->f[8]};
			if (rc == RC_OK)
				rc = insert_item(db, list_id, seq, &in);
		}
out:
	for (size_t i = 0; rows && i < nrows; i++)
		for (int k = 0; k < 9; k++)
			free(rows[i].f[k]);
	free(rows);
	csv_close(&c);
	return rc;
}
