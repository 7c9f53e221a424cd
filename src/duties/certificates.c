/*
 * Certificates: templates, register numbers, issued and refused rows, and
 * the local part of the banned list.
 */
#include "duties/certificates.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/error.h"
#include "core/str.h"

void cert_register_no(const char *code, int year, int64_t seq, char *out, size_t len)
{
	snprintf(out, len, "%s-%04d-%04lld", code, year, (long long)seq);
}

char *cert_render(const char *tpl, const struct cert_values *v)
{
	static const char *const names[] = {"{community}", "{name}", "{content}",
					    "{purpose}",   "{date}", "{register_no}"};
	const char *vals[] = {v->community, v->name, v->content, v->purpose, v->date,
			      v->register_no};
	struct sbuf b = {0};
	for (const char *p = tpl; *p;) {
		bool done = false;
		for (size_t k = 0; *p == '{' && k < sizeof(names) / sizeof(names[0]); k++) {
			size_t n = strlen(names[k]);
			if (strncmp(p, names[k], n) == 0) {
				sbuf_puts(&b, vals[k] ? vals[k] : "");
				p += n;
				done = true;
				break;
			}
		}
		if (!done)
			sbuf_append(&b, p++, 1);
	}
	sbuf_append(&b, "", 1);
	return sbuf_steal(&b);
}

void cert_date_text(const char *date, char *out, size_t len)
{
	int y = 0, m = 0, d = 0;
	if (date == NULL || sscanf(date, "%d-%d-%d", &y, &m, &d) != 3)
		snprintf(out, len, "%s", date ? date : "");
	else
		snprintf(out, len, "%d年%d月%d日", y, m, d);
}

int cert_templates_json(struct db *db, const char *code, json_t **out_new)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT id, code, name, name_en, guidance, guidance_en, body"
				       " FROM certificate_templates"
				       " WHERE substr(?, 1, length(scope_code)) = scope_code ORDER BY id");
	if (st == NULL)
		return RC_INTERNAL;
	db_bind_text(st, 1, code);
	json_t *arr = json_array();
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(
			arr, json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s}", "id",
				       (json_int_t)sqlite3_column_int64(st, 0), "code",
				       db_col_text(st, 1), "name", db_col_text(st, 2), "name_en",
				       db_col_text(st, 3), "guidance", db_col_text(st, 4),
				       "guidance_en", db_col_text(st, 5), "body", db_col_text(st, 6)));
	sqlite3_reset(st);
	*out_new = arr;
	return RC_OK;
}

int cert_template_get(struct db *db, int64_t id, const char *code, char *name, size_t nlen,
		      char **body_new)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT name, body FROM certificate_templates WHERE id = ?"
				       " AND substr(?, 1, length(scope_code)) = scope_code");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	db_bind_text(st, 2, code);
	int rc = RC_NOT_FOUND;
	if (sqlite3_step(st) == SQLITE_ROW) {
		snprintf(name, nlen, "%s", db_col_text(st, 0));
		*body_new = strdup(db_col_text(st, 1));
		rc = *body_new ? RC_OK : RC_INTERNAL;
	}
	sqlite3_reset(st);
	return rc;
}

int cert_next_seq(struct db *db, const char *code, int year, int64_t *seq)
{
	sqlite3_stmt *st = db_stmt(db, "INSERT INTO certificate_counters (code, year, last)"
				       " VALUES (?, ?, 1) ON CONFLICT (code, year)"
				       " DO UPDATE SET last = last + 1 RETURNING last");
	if (st == NULL)
		return RC_INTERNAL;
	db_bind_text(st, 1, code);
	sqlite3_bind_int(st, 2, year);
	int s = sqlite3_step(st);
	int rc = RC_OK;
	if (s == SQLITE_ROW)
		*seq = sqlite3_column_int64(st, 0);
	else
		rc = db_rc(db, s);
	sqlite3_reset(st);
	return rc;
}

int cert_insert_issued(struct db *db, const char *code, int64_t resident_id, const char *title,
		       const char *register_no, const char *body, int64_t template_id,
		       const char *purpose, int64_t user_id, int64_t *id)
{
	sqlite3_stmt *st = db_stmt(db, "INSERT INTO certificates (code, resident_id, title, status,"
				       " register_no, body, by_user, at_ms, template_id, purpose)"
				       " VALUES (?, ?, ?, 'issued', ?, ?, ?, ?, ?, ?)");
	if (st == NULL)
		return RC_INTERNAL;
	db_bind_text(st, 1, code);
	sqlite3_bind_int64(st, 2, resident_id);
	db_bind_text(st, 3, title);
	db_bind_text(st, 4, register_no);
	db_bind_text(st, 5, body);
	if (user_id > 0)
		sqlite3_bind_int64(st, 6, user_id);
	sqlite3_bind_int64(st, 7, clock_now_ms());
	sqlite3_bind_int64(st, 8, template_id);
	db_bind_text(st, 9, purpose ? purpose : "");
	int rc = db_step_done(db, st);
	if (rc == RC_OK)
		*id = db_last_id(db);
	return rc;
}

int cert_insert_refused(struct db *db, const char *code, int64_t resident_id, const char *title,
			int64_t banned_id, const char *purpose, int64_t user_id, int64_t *id)
{
	sqlite3_stmt *st = db_stmt(db, "INSERT INTO certificates (code, resident_id, title, status,"
				       " refused_by, by_user, at_ms, purpose)"
				       " VALUES (?, ?, ?, 'refused', ?, ?, ?, ?)");
	if (st == NULL)
		return RC_INTERNAL;
	db_bind_text(st, 1, code);
	sqlite3_bind_int64(st, 2, resident_id);
	db_bind_text(st, 3, title);
	sqlite3_bind_int64(st, 4, banned_id);
	if (user_id > 0)
		sqlite3_bind_int64(st, 5, user_id);
	sqlite3_bind_int64(st, 6, clock_now_ms());
	db_bind_text(st, 7, purpose ? purpose : "");
	int rc = db_step_done(db, st);
	if (rc == RC_OK)
		*id = db_last_id(db);
	return rc;
}

int cert_json(struct db *db, int64_t id, json_t **out_new)
{
	sqlite3_stmt *st = db_stmt(
		db, "SELECT c.id, c.code, ifnull(o.name, ''), c.resident_id, ifnull(p.name, ''),"
		    " c.title, c.status, c.register_no, c.purpose, c.body, c.refused_by,"
		    " ifnull(u.display_name, ''), c.at_ms, b.name, b.name_en, b.go_to, b.go_to_en,"
		    " b.basis FROM certificates c LEFT JOIN org o ON o.code = c.code"
		    " LEFT JOIN residents p ON p.id = c.resident_id"
		    " LEFT JOIN users u ON u.id = c.by_user"
		    " LEFT JOIN banned_certificates b ON b.id = c.refused_by WHERE c.id = ?");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		return RC_NOT_FOUND;
	}
	json_t *refused = json_null();
	if (sqlite3_column_type(st, 10) != SQLITE_NULL)
		refused = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s}", "id",
				    (json_int_t)sqlite3_column_int64(st, 10), "name",
				    db_col_text(st, 13), "name_en", db_col_text(st, 14), "go_to",
				    db_col_text(st, 15), "go_to_en", db_col_text(st, 16), "basis",
				    db_col_text(st, 17));
	json_t *o = json_pack(
		"{s:I, s:s, s:s, s:o, s:s, s:s, s:s, s:o, s:s, s:s, s:o, s:s, s:I}", "id",
		(json_int_t)sqlite3_column_int64(st, 0), "code", db_col_text(st, 1), "community",
		db_col_text(st, 2), "resident_id", db_col_json(st, 3), "resident_name",
		db_col_text(st, 4), "title", db_col_text(st, 5), "status", db_col_text(st, 6),
		"register_no", db_col_json(st, 7), "purpose", db_col_text(st, 8), "body",
		db_col_text(st, 9), "refused_by", refused, "issued_by", db_col_text(st, 11),
		"at_ms", (json_int_t)sqlite3_column_int64(st, 12));
	sqlite3_reset(st);
	if (o == NULL)
		return RC_INTERNAL;
	*out_new = o;
	return RC_OK;
}

int cert_code(struct db *db, int64_t id, char code[16])
{
	sqlite3_stmt *st = db_stmt(db, "SELECT code FROM certificates WHERE id = ?");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	int rc = RC_NOT_FOUND;
	if (sqlite3_step(st) == SQLITE_ROW) {
		snprintf(code, 16, "%s", db_col_text(st, 0));
		rc = RC_OK;
	}
	sqlite3_reset(st);
	return rc;
}

int cert_list_json(struct db *db, const char *roots, const char *status, int64_t limit,
		   int64_t offset, json_t **items_new, int64_t *total)
{
	sqlite3_stmt *st = db_stmt(
		db, "SELECT count(*) FROM certificates c WHERE (?2 IS NULL OR c.status = ?2)"
		    " AND EXISTS (SELECT 1 FROM json_each(?1) r"
		    "  WHERE substr(c.code, 1, length(r.value)) = r.value)");
	if (st == NULL)
		return RC_INTERNAL;
	db_bind_text(st, 1, roots);
	db_bind_text(st, 2, status);
	*total = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	st = db_stmt(db, "SELECT c.id, c.code, ifnull(o.name, ''), c.resident_id,"
			 " ifnull(p.name, ''), c.title, c.status, c.register_no, c.purpose,"
			 " c.at_ms, b.name FROM certificates c LEFT JOIN org o ON o.code = c.code"
			 " LEFT JOIN residents p ON p.id = c.resident_id"
			 " LEFT JOIN banned_certificates b ON b.id = c.refused_by"
			 " WHERE (?2 IS NULL OR c.status = ?2) AND EXISTS (SELECT 1"
			 "  FROM json_each(?1) r WHERE substr(c.code, 1, length(r.value)) = r.value)"
			 " ORDER BY c.at_ms DESC, c.id DESC LIMIT ?3 OFFSET ?4");
	if (st == NULL)
		return RC_INTERNAL;
	db_bind_text(st, 1, roots);
	db_bind_text(st, 2, status);
	sqlite3_bind_int64(st, 3, limit);
	sqlite3_bind_int64(st, 4, offset);
	json_t *arr = json_array();
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(
			arr, json_pack("{s:I, s:s, s:s, s:o, s:s, s:s, s:s, s:o, s:s, s:I, s:o}",
				       "id", (json_int_t)sqlite3_column_int64(st, 0), "code",
				       db_col_text(st, 1), "community", db_col_text(st, 2),
				       "resident_id", db_col_json(st, 3), "resident_name",
				       db_col_text(st, 4), "title", db_col_text(st, 5), "status",
				       db_col_text(st, 6), "register_no", db_col_json(st, 7),
				       "purpose", db_col_text(st, 8), "at_ms",
				       (json_int_t)sqlite3_column_int64(st, 9), "refused_by_name",
				       db_col_json(st, 10)));
	sqlite3_reset(st);
	*items_new = arr;
	return RC_OK;
}

int banned_list_json(struct db *db, const char *code, json_t **out_new)
{
	sqlite3_stmt *st = db_stmt(
		db, "SELECT b.id, b.name, b.name_en, b.keywords, b.go_to, b.go_to_en, b.basis,"
		    " b.scope_code, ifnull(o.name, '') FROM banned_certificates b"
		    " LEFT JOIN org o ON o.code = b.scope_code WHERE b.removed_at_ms IS NULL"
		    " AND (?1 IS NULL OR substr(?1, 1, length(b.scope_code)) = b.scope_code)"
		    " ORDER BY length(b.scope_code), b.scope_code, b.id");
	if (st == NULL)
		return RC_INTERNAL;
	db_bind_text(st, 1, code);
	json_t *arr = json_array();
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(
			arr, json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "id",
				       (json_int_t)sqlite3_column_int64(st, 0), "name",
				       db_col_text(st, 1), "name_en", db_col_text(st, 2), "keywords",
				       db_col_text(st, 3), "go_to", db_col_text(st, 4), "go_to_en",
				       db_col_text(st, 5), "basis", db_col_text(st, 6), "scope_code",
				       db_col_text(st, 7), "scope_name", db_col_text(st, 8)));
	sqlite3_reset(st);
	*out_new = arr;
	return RC_OK;
}

int banned_add(struct db *db, const char *scope_code, const char *name, const char *name_en,
	       const char *keywords, const char *go_to, const char *go_to_en, const char *basis,
	       int64_t user_id, int64_t *id)
{
	sqlite3_stmt *st = db_stmt(db, "INSERT INTO banned_certificates (name, name_en, keywords,"
				       " go_to, go_to_en, basis, scope_code, added_at_ms, added_by)"
				       " VALUES (?, ?, ?, ?, ?, ifnull(?, ''), ?, ?, ?)");
	if (st == NULL)
		return RC_INTERNAL;
	db_bind_text(st, 1, name);
	db_bind_text(st, 2, name_en);
	db_bind_text(st, 3, keywords);
	db_bind_text(st, 4, go_to);
	db_bind_text(st, 5, go_to_en);
	db_bind_text(st, 6, basis);
	db_bind_text(st, 7, scope_code);
	sqlite3_bind_int64(st, 8, clock_now_ms());
	if (user_id > 0) /* 0: the command line or the demo builder */
		sqlite3_bind_int64(st, 9, user_id);
	int rc = db_step_done(db, st);
	if (rc == RC_OK)
		*id = db_last_id(db);
	return rc;
}

int banned_scope(struct db *db, int64_t id, char code[16])
{
	sqlite3_stmt *st = db_stmt(db, "SELECT scope_code FROM banned_certificates WHERE id = ?"
				       " AND removed_at_ms IS NULL");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	int rc = RC_NOT_FOUND;
	if (sqlite3_step(st) == SQLITE_ROW) {
		snprintf(code, 16, "%s", db_col_text(st, 0));
		rc = RC_OK;
	}
	sqlite3_reset(st);
	return rc;
}

int banned_delete(struct db *db, int64_t id)
{
	sqlite3_stmt *st = db_stmt(db, "UPDATE banned_certificates SET removed_at_ms = ?"
				       " WHERE id = ? AND scope_code <> '' AND removed_at_ms IS NULL");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, clock_now_ms());
	sqlite3_bind_int64(st, 2, id);
	return db_step_one(db, st);
}
