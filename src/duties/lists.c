/*
 * Duty lists in force and matching against them.
 */
#include "duties/lists.h"

#include <stdio.h>
#include <string.h>

#include "core/error.h"

int duty_list_in_force(struct db *db, const char *kind, const char *code, const char *body,
		       const char *day, int64_t *list_id)
{
	/* The nearest owner above (or at) the node wins; among its published
	 * versions, the last one started on or before the day. */
	sqlite3_stmt *st = db_stmt(
		db, "SELECT id FROM duty_lists WHERE kind = ?1 AND status = 'published'"
		    " AND body = ?3 AND effective_from <= ?4"
		    " AND substr(?2, 1, length(owner_code)) = owner_code"
		    " ORDER BY length(owner_code) DESC, effective_from DESC, version DESC LIMIT 1");
	if (st == NULL)
		return RC_INTERNAL;
	db_bind_text(st, 1, kind);
	db_bind_text(st, 2, code);
	db_bind_text(st, 3, body ? body : "");
	db_bind_text(st, 4, day);
	*list_id = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	return RC_OK;
}

/* Does one of the '|'-separated keywords occur in text? */
static bool keyword_in(const char *keywords, const char *text)
{
	char word[128];
	for (const char *p = keywords; *p;) {
		const char *bar = strchr(p, '|');
		size_t n = bar ? (size_t)(bar - p) : strlen(p);
		if (n > 0 && n < sizeof(word)) {
			memcpy(word, p, n);
			word[n] = '\0';
			if (strstr(text, word) != NULL)
				return true;
		}
		p += n + (bar ? 1 : 0);
	}
	return false;
}

int duty_match_keywords(struct db *db, int64_t list_id, const char *section, const char *text,
			int64_t *item_id)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT id, keywords FROM duty_items WHERE list_id = ?"
				       " AND section = ? AND keywords <> '' ORDER BY seq");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, list_id);
	db_bind_text(st, 2, section);
	*item_id = 0;
	while (*item_id == 0 && sqlite3_step(st) == SQLITE_ROW)
		if (keyword_in((const char *)sqlite3_column_text(st, 1), text ? text : ""))
			*item_id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return RC_OK;
}

int duty_item_section(struct db *db, int64_t list_id, int64_t item_id, char section[16])
{
	sqlite3_stmt *st =
		db_stmt(db, "SELECT section FROM duty_items WHERE id = ? AND list_id = ?");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, item_id);
	sqlite3_bind_int64(st, 2, list_id);
	section[0] = '\0';
	if (sqlite3_step(st) == SQLITE_ROW)
		snprintf(section, 16, "%s", sqlite3_column_text(st, 0));
	sqlite3_reset(st);
	return RC_OK;
}

static json_t *item_row(sqlite3_stmt *st)
{
	return json_pack("{s:I, s:I, s:s, s:i, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "id",
			 (json_int_t)sqlite3_column_int64(st, 0), "list_id",
			 (json_int_t)sqlite3_column_int64(st, 1), "section",
			 sqlite3_column_text(st, 2), "seq", sqlite3_column_int(st, 3), "title",
			 sqlite3_column_text(st, 4), "title_en", sqlite3_column_text(st, 5),
			 "legal_basis", sqlite3_column_text(st, 6), "responsible",
			 sqlite3_column_text(st, 7), "cooperating", sqlite3_column_text(st, 8),
			 "community_role", sqlite3_column_text(st, 9), "keywords",
			 sqlite3_column_text(st, 10));
}

int duty_item_json(struct db *db, int64_t item_id, json_t **out_new)
{
	return db_one_json(db_stmt(db, "SELECT id, list_id, section, seq, title, title_en,"
				       " legal_basis, responsible, cooperating, community_role,"
				       " keywords FROM duty_items WHERE id = ?"),
			   item_id, item_row, out_new);
}

int banned_certificate_match(struct db *db, const char *code, const char *name,
			     json_t **out_new)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT id, name, name_en, go_to, go_to_en, basis, keywords"
				       " FROM banned_certificates"
				       " WHERE substr(?, 1, length(scope_code)) = scope_code"
				       " AND removed_at_ms IS NULL ORDER BY id");
	if (st == NULL)
		return RC_INTERNAL;
	db_bind_text(st, 1, code);
	*out_new = NULL;
	while (*out_new == NULL && sqlite3_step(st) == SQLITE_ROW)
		if (keyword_in((const char *)sqlite3_column_text(st, 6), name ? name : ""))
			*out_new = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s}", "id",
					     (json_int_t)sqlite3_column_int64(st, 0), "name",
					     sqlite3_column_text(st, 1), "name_en",
					     sqlite3_column_text(st, 2), "go_to",
					     sqlite3_column_text(st, 3), "go_to_en",
					     sqlite3_column_text(st, 4), "basis",
					     sqlite3_column_text(st, 5));
	sqlite3_reset(st);
	return RC_OK;
}
