/*
 * Registry helpers: locations, versions, search documents, dates.
 */
#include "registry/registry.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/clock.h"
#include "core/error.h"
#include "core/str.h"

int registry_locate(struct db *db, int64_t household_id, int64_t address_id,
		    struct location *out)
{
	sqlite3_stmt *st;
	memset(out, 0, sizeof(*out));
	if (household_id != 0) {
		st = db_stmt(db, "SELECT h.address_id, h.code, b.grid_id FROM households h"
				 " JOIN addresses a ON a.id = h.address_id"
				 " JOIN buildings b ON b.id = a.building_id WHERE h.id = ?");
		if (st == NULL)
			return RC_INTERNAL;
		sqlite3_bind_int64(st, 1, household_id);
	} else {
		st = db_stmt(db, "SELECT a.id, a.code, b.grid_id FROM addresses a"
				 " JOIN buildings b ON b.id = a.building_id WHERE a.id = ?");
		if (st == NULL)
			return RC_INTERNAL;
		sqlite3_bind_int64(st, 1, address_id);
	}
	int src = sqlite3_step(st), rc = RC_NOT_FOUND;
	if (src == SQLITE_ROW) {
		out->address_id = sqlite3_column_int64(st, 0);
		snprintf(out->code, sizeof(out->code), "%s", db_col_text(st, 1));
		out->grid_id = sqlite3_column_int64(st, 2);
		out->household_id = household_id;
		rc = RC_OK;
	} else if (src != SQLITE_DONE) {
		rc = db_rc(db, src);
	}
	sqlite3_reset(st);
	return rc;
}

int registry_version(struct db *db, const char *entity, int64_t id, const struct actor *who,
		     json_t *changes_new)
{
	if (json_object_size(changes_new) == 0) {
		json_decref(changes_new);
		return RC_OK;
	}
	char *text = json_dumps(changes_new, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(changes_new);
	sqlite3_stmt *st = db_stmt(db, "INSERT INTO versions (entity, entity_id, at_ms, actor_id,"
				       " actor_name, changes) VALUES (?, ?, ?, ?, ?, ?)");
	if (st == NULL || text == NULL) {
		free(text);
		return RC_INTERNAL;
	}
	db_bind_text(st, 1, entity);
	sqlite3_bind_int64(st, 2, id);
	sqlite3_bind_int64(st, 3, clock_now_ms());
	if (who->id)
		sqlite3_bind_int64(st, 4, who->id);
	db_bind_text(st, 5, who->name);
	db_bind_text(st, 6, text);
	int src = sqlite3_step(st);
	sqlite3_reset(st);
	free(text);
	return src == SQLITE_DONE ? RC_OK : db_rc(db, src);
}

json_t *registry_versions_json(struct db *db, const char *entity, int64_t id)
{
	json_t *arr = json_array();
	sqlite3_stmt *st = db_stmt(db, "SELECT id, at_ms, actor_name, changes FROM versions"
				       " WHERE entity = ? AND entity_id = ? ORDER BY id DESC LIMIT 200");
	if (st == NULL)
		return arr;
	db_bind_text(st, 1, entity);
	sqlite3_bind_int64(st, 2, id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		char at[32];
		json_error_t err;
		clock_iso_ms(sqlite3_column_int64(st, 1), at, sizeof(at));
		json_array_append_new(arr, json_pack("{s:I, s:s, s:s, s:o*}", "id",
						     (json_int_t)sqlite3_column_int64(st, 0), "at", at,
						     "actor_name", db_col_text(st, 2), "changes",
						     json_loads(db_col_text(st, 3), 0, &err)));
	}
	sqlite3_reset(st);
	return arr;
}

/* Scope tokens: '#' and each prefix of the code at the tree's level
 * lengths, so a query can require the subtree of any node. */
static void scope_tokens(const char *code, struct sbuf *b)
{
	static const size_t lens[] = {2, 4, 6, 9, 12, 15};
	size_t n = strlen(code);
	for (size_t i = 0; i < 6 && lens[i] <= n; i++)
		sbuf_printf(b, " #%.*s", (int)lens[i], code);
}

int search_put(struct db *db, enum search_kind kind, int64_t id, const char *text,
	       const char *code, bool active)
{
	int rc = search_del(db, kind, id);
	if (rc != RC_OK)
		return rc;
	struct sbuf b = {0};
	/* '#' in the user's text must not forge a scope token. */
	for (const char *p = text; *p; p++)
		sbuf_append(&b, *p == '#' ? " " : p, 1);
	scope_tokens(code, &b);
	if (active)
		sbuf_puts(&b, " " SEARCH_ACTIVE);
	sqlite3_stmt *st = db_stmt(db, "INSERT INTO search (rowid, body) VALUES (?, ?)");
	if (st == NULL) {
		sbuf_free(&b);
		return RC_INTERNAL;
	}
	sqlite3_bind_int64(st, 1, id * 8 + kind);
	db_bind_text(st, 2, b.buf);
	int src = sqlite3_step(st);
	sqlite3_reset(st);
	sbuf_free(&b);
	return src == SQLITE_DONE ? RC_OK : db_rc(db, src);
}

int search_del(struct db *db, enum search_kind kind, int64_t id)
{
	sqlite3_stmt *st = db_stmt(db, "DELETE FROM search WHERE rowid = ?");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, id * 8 + kind);
	int src = sqlite3_step(st);
	sqlite3_reset(st);
	return src == SQLITE_DONE ? RC_OK : db_rc(db, src);
}

/* Split q like the tokenizer does: runs of Han characters become phrases
 * of single characters (a substring), runs of letters and digits words. */
const char *registry_effective_roots(struct db *db, const char *roots)
{
	static const char everything[] = "[\"\"]";
	sqlite3_stmt *st = db_stmt(db, "SELECT min(code), max(code) FROM org WHERE level = 'grid'");
	if (st == NULL || roots == NULL)
		return roots;
	bool all = false;
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
		char lo[16], hi[16];
		snprintf(lo, sizeof(lo), "%s", db_col_text(st, 0));
		snprintf(hi, sizeof(hi), "%s", db_col_text(st, 1));
		json_error_t err;
		json_t *arr = json_loads(roots, 0, &err);
		size_t i;
		json_t *v;
		json_array_foreach(arr, i, v)
		{
			const char *c = json_string_value(v);
			if (c && strncmp(lo, c, strlen(c)) == 0 && strncmp(hi, c, strlen(c)) == 0)
				all = true;
		}
		json_decref(arr);
	}
	sqlite3_reset(st);
	return all ? everything : roots;
}

char *search_match(const char *q, const char *roots, bool active_only)
{
	struct sbuf b = {0};
	const unsigned char *s = (const unsigned char *)q;
	size_t n = strlen(q), i = 0;
	int terms = 0;
	while (i < n) {
		unsigned char c = s[i];
		size_t len = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : 4;
		if (i + len > n)
			break;
		bool han = len >= 3; /* ideographs are 3 or 4 bytes; punctuation filtered below */
		if (len == 3) {
			uint32_t cp = ((uint32_t)(c & 0x0F) << 12) | ((uint32_t)(s[i + 1] & 0x3F) << 6) |
				      (s[i + 2] & 0x3F);
			han = (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF) ||
			      (cp >= 0xF900 && cp <= 0xFAFF) || cp == 0x3007;
		}
		bool word = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
		if (!han && !word) {
			i += len;
			continue;
		}
		/* One phrase per run of Han characters, one per word. */
		sbuf_puts(&b, terms ? " AND \"" : "\"");
		size_t start = i;
		while (i < n) {
			unsigned char d = s[i];
			size_t l2 = d < 0x80 ? 1 : (d & 0xE0) == 0xC0 ? 2 : (d & 0xF0) == 0xE0 ? 3 : 4;
			bool h2 = false, w2 = (d >= '0' && d <= '9') || (d >= 'a' && d <= 'z') ||
					      (d >= 'A' && d <= 'Z');
			if (l2 == 3 && i + 2 < n) {
				uint32_t cp = ((uint32_t)(d & 0x0F) << 12) |
					      ((uint32_t)(s[i + 1] & 0x3F) << 6) | (s[i + 2] & 0x3F);
				h2 = (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF) ||
				     (cp >= 0xF900 && cp <= 0xFAFF) || cp == 0x3007;
			} else if (l2 == 4) {
				h2 = true;
			}
			if ((han && !h2) || (!han && !w2))
				break;
			if (han && i > start)
				sbuf_puts(&b, " ");
			sbuf_append(&b, s + i, l2);
			i += l2;
		}
		sbuf_puts(&b, "\"");
		terms++;
	}
	if (terms == 0) {
		sbuf_free(&b);
		return NULL;
	}
	/* The scope: any of the roots; no clause for the whole deployment. */
	json_error_t err;
	json_t *arr = json_loads(roots ? roots : "[]", 0, &err);
	bool everything = false;
	size_t k;
	json_t *v;
	json_array_foreach(arr, k, v) if (json_string_length(v) == 0) everything = true;
	if (!everything) {
		sbuf_puts(&b, " AND (");
		json_array_foreach(arr, k, v)
		{
			const char *code = json_string_value(v);
			sbuf_printf(&b, "%s\"#", k ? " OR " : "");
			for (const char *p = code; p && *p; p++)
				if (*p >= '0' && *p <= '9')
					sbuf_append(&b, p, 1);
			sbuf_puts(&b, "\"");
		}
		if (json_array_size(arr) == 0)
			sbuf_puts(&b, "\"#none\"");
		sbuf_puts(&b, ")");
	}
	json_decref(arr);
	if (active_only)
		sbuf_puts(&b, " AND \"" SEARCH_ACTIVE "\"");
	return sbuf_steal(&b);
}

int search_json(struct db *db, const char *match, int64_t limit, int64_t offset,
		json_t **items_new, int64_t *total)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT count(*) FROM search WHERE search MATCH ?");
	if (st == NULL)
		return RC_INTERNAL;
	db_bind_text(st, 1, match);
	int src = sqlite3_step(st);
	*total = src == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	if (src != SQLITE_ROW)
		return db_rc(db, src);
	st = db_stmt(db,
		"SELECT s.rowid % 8, s.rowid / 8,"
		" CASE s.rowid % 8"
		"  WHEN 1 THEN (SELECT r.name FROM residents r WHERE r.id = s.rowid / 8)"
		"  WHEN 2 THEN (SELECT " ADDRESS_TEXT_SQL " FROM addresses a"
		"   JOIN buildings b ON b.id = a.building_id WHERE a.id = s.rowid / 8)"
		"  ELSE (SELECT u.name FROM units u WHERE u.id = s.rowid / 8) END,"
		" CASE s.rowid % 8"
		"  WHEN 1 THEN (SELECT r.code FROM residents r WHERE r.id = s.rowid / 8)"
		"  WHEN 2 THEN (SELECT a.code FROM addresses a WHERE a.id = s.rowid / 8)"
		"  ELSE (SELECT u.code FROM units u WHERE u.id = s.rowid / 8) END AS code,"
		" CASE s.rowid % 8"
		"  WHEN 1 THEN (SELECT " ADDRESS_TEXT_SQL " FROM residents r JOIN addresses a"
		"   ON a.id = r.address_id JOIN buildings b ON b.id = a.building_id WHERE r.id = s.rowid / 8)"
		"  WHEN 3 THEN (SELECT " ADDRESS_TEXT_SQL " FROM units u JOIN addresses a"
		"   ON a.id = u.address_id JOIN buildings b ON b.id = a.building_id WHERE u.id = s.rowid / 8)"
		"  ELSE '' END"
		" FROM search s WHERE search MATCH ? ORDER BY s.rowid LIMIT ? OFFSET ?");
	if (st == NULL)
		return RC_INTERNAL;
	db_bind_text(st, 1, match);
	sqlite3_bind_int64(st, 2, limit);
	sqlite3_bind_int64(st, 3, offset);
	static const char *const kinds[] = {"", "resident", "address", "unit"};
	json_t *items = json_array();
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		int kind = sqlite3_column_int(st, 0);
		json_array_append_new(items, json_pack("{s:s, s:I, s:s, s:s, s:s}", "kind",
						       kinds[kind >= 1 && kind <= 3 ? kind : 0], "id",
						       (json_int_t)sqlite3_column_int64(st, 1), "label",
						       db_col_text(st, 2), "code", db_col_text(st, 3),
						       "address", db_col_text(st, 4)));
	}
	sqlite3_reset(st);
	if (src != SQLITE_DONE) {
		json_decref(items);
		return db_rc(db, src);
	}
	/* The grid of each hit, so that like-named places can be told apart. */
	st = db_stmt(db, "SELECT name FROM org WHERE code = ?");
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it)
	{
		if (st == NULL)
			break;
		db_bind_text(st, 1, json_string_value(json_object_get(it, "code")));
		json_object_set_new(it, "grid_name", json_string(sqlite3_step(st) == SQLITE_ROW
									 ? db_col_text(st, 0)
									 : ""));
		sqlite3_reset(st);
	}
	*items_new = items;
	return RC_OK;
}

static void bind_list(sqlite3_stmt *st, const struct list_query *q)
{
	db_bind_text(st, 1, q->roots);
	if (q->id != 0)
		sqlite3_bind_int64(st, 2, q->id);
	else
		db_bind_text(st, 2, q->text);
	/* The count statement has no ?3 and ?4; SQLite refuses those binds
	 * harmlessly.  LIMIT -1 is no limit. */
	bool all = q->rows->each != NULL;
	sqlite3_bind_int64(st, 3, all ? -1 : q->rows->limit);
	sqlite3_bind_int64(st, 4, all ? 0 : q->rows->offset);
}

int registry_list(struct db *db, sqlite3_stmt *count, sqlite3_stmt *list,
		  const struct list_query *q, json_t *(*row)(sqlite3_stmt *st), json_t **items_new,
		  int64_t *total)
{
	if (count == NULL || list == NULL)
		return RC_INTERNAL;
	bind_list(count, q);
	int src = sqlite3_step(count);
	*total = src == SQLITE_ROW ? sqlite3_column_int64(count, 0) : 0;
	sqlite3_reset(count);
	if (src != SQLITE_ROW)
		return db_rc(db, src);
	bind_list(list, q);
	const struct list_rows *rows = q->rows;
	json_t *items = rows->each ? NULL : json_array();
	while ((src = sqlite3_step(list)) == SQLITE_ROW) {
		json_t *o = row(list);
		if (items != NULL) {
			json_array_append_new(items, o);
			continue;
		}
		int stop = rows->each(rows->ctx, o);
		json_decref(o);
		if (stop) {
			src = SQLITE_DONE;
			break;
		}
	}
	sqlite3_reset(list);
	if (src != SQLITE_DONE) {
		json_decref(items);
		return db_rc(db, src);
	}
	*items_new = items;
	return RC_OK;
}

int registry_code(struct db *db, sqlite3_stmt *st, int64_t id, char code[16])
{
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	int src = sqlite3_step(st), rc = RC_NOT_FOUND;
	if (src == SQLITE_ROW) {
		snprintf(code, 16, "%s", db_col_text(st, 0));
		rc = RC_OK;
	} else if (src != SQLITE_DONE) {
		rc = db_rc(db, src);
	}
	sqlite3_reset(st);
	return rc;
}

void registry_today(char out[11])
{
	clock_civil_date(clock_now(), 0, out);
}

void registry_years_ago(int years, char out[11])
{
	clock_civil_date(clock_now(), years, out);
}

/* "YYYY-MM-DD" into its parts; stored dates are always in this form, and
 * this runs for every resident answered, so no sscanf. */
static bool ymd(const char *s, int *y, int *m, int *d)
{
	if (s == NULL)
		return false;
	for (int i = 0; i < 10; i++) {
		bool dash = i == 4 || i == 7;
		if (dash ? s[i] != '-' : (s[i] < '0' || s[i] > '9'))
			return false;
	}
	*y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	*m = (s[5] - '0') * 10 + (s[6] - '0');
	*d = (s[8] - '0') * 10 + (s[9] - '0');
	return true;
}

int registry_age(const char *birth)
{
	char today[11];
	registry_today(today);
	int by, bm, bd, ty, tm, td;
	if (!ymd(birth, &by, &bm, &bd) || !ymd(today, &ty, &tm, &td))
		return -1;
	int age = ty - by;
	if (tm < bm || (tm == bm && td < bd))
		age--;
	return age;
}
