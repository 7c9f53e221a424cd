/*
 * Account storage.  Password hashing is done by callers before they open a
 * write transaction, so the database lock is never held during Argon2id.
 */
#include "auth/users.h"

#include <ctype.h>
#include <string.h>

#include "auth/roles.h"
#include "auth/session_cache.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/str.h"

const char *users_check_username(const char *name)
{
	size_t n = strlen(name);
	if (n < 3 || n > 32)
		return "a username has 3 to 32 characters";
	if (!(name[0] >= 'a' && name[0] <= 'z'))
		return "a username starts with a lower-case letter";
	for (size_t i = 0; i < n; i++) {
		char c = name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		      c == '-'))
			return "a username uses only a-z, 0-9, '.', '_' and '-'";
	}
	return NULL;
}

const char *users_check_password(const char *password, const char *username)
{
	long chars = utf8_count(password, strlen(password));
	if (chars < PASSWORD_MIN_CHARS)
		return "a password has at least 10 characters";
	if (chars > PASSWORD_MAX_CHARS)
		return "a password has at most 128 characters";
	if (username != NULL && strcasecmp(password, username) == 0)
		return "a password must differ from the username";
	return NULL;
}

int users_find_login(struct db *db, const char *username, struct login_user *u)
{
	sqlite3_stmt *st =
		db_stmt(db, "SELECT id, password_hash, disabled, failed_logins, locked_until"
			    " FROM users WHERE username = ?");
	if (st == NULL)
		return RC_INTERNAL;
	db_bind_text(st, 1, username);
	int src = sqlite3_step(st), rc;
	if (src == SQLITE_ROW) {
		u->id = sqlite3_column_int64(st, 0);
		snprintf(u->password_hash, sizeof(u->password_hash), "%s", db_col_text(st, 1));
		u->disabled = sqlite3_column_int(st, 2) != 0;
		u->failed_logins = sqlite3_column_int(st, 3);
		u->locked_until = sqlite3_column_int64(st, 4);
		rc = RC_OK;
	} else {
		rc = src == SQLITE_DONE ? RC_NOT_FOUND : db_rc(db, src);
	}
	sqlite3_reset(st);
	return rc;
}

int users_login_failed(struct db *db, int64_t id, int attempts, int lock_s, bool *locked)
{
	int64_t now = clock_now();
	*locked = false;
	sqlite3_stmt *st =
		db_stmt(db, "UPDATE users SET failed_logins = failed_logins + 1 WHERE id = ?"
			    " RETURNING failed_logins");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	int src = sqlite3_step(st);
	int failed = src == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	sqlite3_reset(st);
	if (src != SQLITE_ROW)
		return db_rc(db, src);
	if (failed >= attempts) {
		st = db_stmt(db, "UPDATE users SET failed_logins = 0, locked_until = ?"
				 " WHERE id = ?");
		if (st == NULL)
			return RC_INTERNAL;
		sqlite3_bind_int64(st, 1, now + lock_s);
		sqlite3_bind_int64(st, 2, id);
		*locked = true;
		return db_step_done(db, st);
	}
	return RC_OK;
}

int users_login_ok(struct db *db, int64_t id, const char *new_hash)
{
	sqlite3_stmt *st = db_stmt(
		db, "UPDATE users SET failed_logins = 0, locked_until = 0, last_login_at = ?,"
		    " password_hash = coalesce(?, password_hash) WHERE id = ?");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, clock_now());
	db_bind_text(st, 2, new_hash);
	sqlite3_bind_int64(st, 3, id);
	return db_step_done(db, st);
}

int users_insert(struct db *db, const char *username, const char *display_name,
		 const char *password_hash, int64_t *id)
{
	int64_t now = clock_now();
	sqlite3_stmt *st = db_stmt(
		db, "INSERT INTO users (username, display_name, password_hash,"
		    " password_changed_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)");
	if (st == NULL)
		return RC_INTERNAL;
	db_bind_text(st, 1, username);
	db_bind_text(st, 2, display_name);
	db_bind_text(st, 3, password_hash);
	sqlite3_bind_int64(st, 4, now);
	sqlite3_bind_int64(st, 5, now);
	sqlite3_bind_int64(st, 6, now);
	int rc = db_step_done(db, st);
	if (rc == RC_OK)
		*id = db_last_id(db);
	return rc;
}

int users_set_password(struct db *db, int64_t id, const char *password_hash)
{
	auth_changed();

	int64_t now = clock_now();
	sqlite3_stmt *st =
		db_stmt(db, "UPDATE users SET password_hash = ?, password_changed_at = ?,"
			    " failed_logins = 0, locked_until = 0, updated_at = ? WHERE id = ?");
	if (st == NULL)
		return RC_INTERNAL;
	db_bind_text(st, 1, password_hash);
	sqlite3_bind_int64(st, 2, now);
	sqlite3_bind_int64(st, 3, now);
	sqlite3_bind_int64(st, 4, id);
	return db_step_one(db, st);
}

int users_set_disabled(struct db *db, int64_t id, bool disabled)
{
	auth_changed();

	sqlite3_stmt *st =
		db_stmt(db, "UPDATE users SET disabled = ?, updated_at = ? WHERE id = ?");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int(st, 1, disabled ? 1 : 0);
	sqlite3_bind_int64(st, 2, clock_now());
	sqlite3_bind_int64(st, 3, id);
	return db_step_one(db, st);
}

int users_set_display_name(struct db *db, int64_t id, const char *name)
{
	auth_changed();

	sqlite3_stmt *st =
		db_stmt(db, "UPDATE users SET display_name = ?, updated_at = ? WHERE id = ?");
	if (st == NULL)
		return RC_INTERNAL;
	db_bind_text(st, 1, name);
	sqlite3_bind_int64(st, 2, clock_now());
	sqlite3_bind_int64(st, 3, id);
	return db_step_one(db, st);
}

int users_unlock(struct db *db, int64_t id)
{
	sqlite3_stmt *st =
		db_stmt(db, "UPDATE users SET failed_logins = 0, locked_until = 0, updated_at = ?"
			    " WHERE id = ?");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, clock_now());
	sqlite3_bind_int64(st, 2, id);
	return db_step_one(db, st);
}

int users_password_hash(struct db *db, int64_t id, char *out, size_t outlen)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT password_hash FROM users WHERE id = ?");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	int src = sqlite3_step(st), rc = RC_OK;
	if (src == SQLITE_ROW)
		snprintf(out, outlen, "%s", db_col_text(st, 0));
	else
		rc = src == SQLITE_DONE ? RC_NOT_FOUND : db_rc(db, src);
	sqlite3_reset(st);
	return rc;
}

json_t *users_grants_json(struct db *db, int64_t user_id)
{
	json_t *arr = json_array();
	sqlite3_stmt *st = db_stmt(
		db, "SELECT ur.id, ur.role, ur.org_id, o.code, o.name, o.level, ur.granted_at"
		    " FROM user_roles ur LEFT JOIN org o ON o.id = ur.org_id"
		    " WHERE ur.user_id = ? ORDER BY ur.id");
	if (st == NULL)
		return arr;
	sqlite3_bind_int64(st, 1, user_id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		char at[32];
		clock_iso(sqlite3_column_int64(st, 6), at, sizeof(at));
		json_t *g =
			json_pack("{s:I, s:s, s:s}", "id", (json_int_t)sqlite3_column_int64(st, 0),
				  "role", db_col_text(st, 1), "granted_at", at);
		if (sqlite3_column_type(st, 2) == SQLITE_NULL) {
			json_object_set_new(g, "org_id", json_null());
		} else {
			json_object_set_new(g, "org_id", json_integer(sqlite3_column_int64(st, 2)));
			json_object_set_new(g, "org_code", json_string(db_col_text(st, 3)));
			json_object_set_new(g, "org_name", json_string(db_col_text(st, 4)));
			json_object_set_new(g, "org_level", json_string(db_col_text(st, 5)));
		}
		json_array_append_new(arr, g);
	}
	sqlite3_reset(st);
	return arr;
}

static json_t *user_row_json(struct db *db, sqlite3_stmt *st)
{
	char created[32];
	int64_t now = clock_now();
	clock_iso(sqlite3_column_int64(st, 5), created, sizeof(created));
	int64_t id = sqlite3_column_int64(st, 0);
	int64_t locked_until = sqlite3_column_int64(st, 4);
	json_t *o = json_pack("{s:I, s:s, s:s, s:b, s:b, s:s}", "id", (json_int_t)id, "username",
			      db_col_text(st, 1), "display_name", db_col_text(st, 2), "disabled",
			      sqlite3_column_int(st, 3) != 0, "locked", locked_until > now,
			      "created_at", created);
	if (sqlite3_column_type(st, 6) == SQLITE_NULL) {
		json_object_set_new(o, "last_login_at", json_null());
	} else {
		char last[32];
		clock_iso(sqlite3_column_int64(st, 6), last, sizeof(last));
		json_object_set_new(o, "last_login_at", json_string(last));
	}
	(void)db;
	return o;
}

int users_get_json(struct db *db, int64_t id, json_t **out_new)
{
	sqlite3_stmt *st =
		db_stmt(db, "SELECT id, username, display_name, disabled, locked_until, created_at,"
			    " last_login_at FROM users WHERE id = ?");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	int src = sqlite3_step(st), rc = RC_OK;
	if (src == SQLITE_ROW) {
		json_t *o = user_row_json(db, st);
		sqlite3_reset(st);
		json_object_set_new(o, "roles", users_grants_json(db, id));
		*out_new = o;
	} else {
		rc = src == SQLITE_DONE ? RC_NOT_FOUND : db_rc(db, src);
		sqlite3_reset(st);
	}
	return rc;
}

int users_list_json(struct db *db, const char *q, int64_t limit, int64_t offset, json_t **items_new,
		    int64_t *total)
{
	sqlite3_stmt *st =
		db_stmt(db, "SELECT count(*) FROM users WHERE ?1 IS NULL"
			    " OR instr(username, ?1) > 0 OR instr(display_name, ?1) > 0");
	if (st == NULL)
		return RC_INTERNAL;
	db_bind_text(st, 1, q);
	int src = sqlite3_step(st);
	if (src != SQLITE_ROW) {
		sqlite3_reset(st);
		return db_rc(db, src);
	}
	*total = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);

	st = db_stmt(db, "SELECT id, username, display_name, disabled, locked_until, created_at,"
			 " last_login_at FROM users WHERE ?1 IS NULL"
			 " OR instr(username, ?1) > 0 OR instr(display_name, ?1) > 0"
			 " ORDER BY username LIMIT ?2 OFFSET ?3");
	if (st == NULL)
		return RC_INTERNAL;
	db_bind_text(st, 1, q);
	sqlite3_bind_int64(st, 2, limit);
	sqlite3_bind_int64(st, 3, offset);
	json_t *items = json_array();
	while ((src = sqlite3_step(st)) == SQLITE_ROW)
		json_array_append_new(items, user_row_json(db, st));
	sqlite3_reset(st);
	if (src != SQLITE_DONE) {
		json_decref(items);
		return db_rc(db, src);
	}
	/* Grants after the listing: the list statement must be reset first. */
	size_t i;
	json_t *item;
	json_array_foreach(items, i, item) json_object_set_new(
		item, "roles",
		users_grants_json(db, json_integer_value(json_object_get(item, "id"))));
	*items_new = items;
	return RC_OK;
}

bool users_exists(struct db *db, int64_t id)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT 1 FROM users WHERE id = ?");
	if (st == NULL)
		return false;
	sqlite3_bind_int64(st, 1, id);
	bool yes = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_reset(st);
	return yes;
}

int64_t users_id_by_name(struct db *db, const char *username)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT id FROM users WHERE username = ?");
	if (st == NULL)
		return 0;
	db_bind_text(st, 1, username);
	int64_t id = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	return id;
}

const char *users_grant_check(struct db *db, int64_t user_id, int role, int64_t org_id,
			      const char *org_level)
{
	const struct role_def *def = role_def((enum role)role);
	if (def->admin && org_id != 0)
		return "administrator roles are held for the whole deployment, without org_id";
	if (!def->admin) {
		if (org_id == 0)
			return "this role is held at a node: give org_id";
		int lv = level_from_name(org_level);
		if (lv < 0 || !(def->levels & (1u << lv)))
			return "this role cannot be held at a node of that level";
	}
	/* Three-administrator separation: an administrator holds exactly one
	 * role, so nobody both runs the system and checks it, and no
	 * administrator reaches residents' data through a business role. */
	sqlite3_stmt *st = db_stmt(db, "SELECT role FROM user_roles WHERE user_id = ?");
	if (st == NULL)
		return "internal error";
	sqlite3_bind_int64(st, 1, user_id);
	const char *why = NULL;
	while (why == NULL && sqlite3_step(st) == SQLITE_ROW) {
		int held = role_from_name(db_col_text(st, 0));
		if (held < 0)
			continue;
		if (def->admin)
			why = "an administrator holds no other role; this account already has one";
		else if (role_def((enum role)held)->admin)
			why = "this account is an administrator and can hold no other role";
	}
	sqlite3_reset(st);
	return why;
}

int users_grant(struct db *db, int64_t user_id, int role, int64_t org_id, int64_t granted_by,
		int64_t *grant_id)
{
	auth_changed();

	sqlite3_stmt *st =
		db_stmt(db, "INSERT INTO user_roles (user_id, role, org_id, granted_by, granted_at)"
			    " VALUES (?, ?, ?, ?, ?)");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, user_id);
	db_bind_text(st, 2, role_def((enum role)role)->name);
	if (org_id)
		sqlite3_bind_int64(st, 3, org_id);
	if (granted_by)
		sqlite3_bind_int64(st, 4, granted_by);
	sqlite3_bind_int64(st, 5, clock_now());
	int rc = db_step_done(db, st);
	if (rc == RC_OK)
		*grant_id = db_last_id(db);
	return rc;
}

int users_revoke(struct db *db, int64_t user_id, int64_t grant_id, int64_t *org_id, int *role)
{
	auth_changed();

	sqlite3_stmt *st = db_stmt(db, "DELETE FROM user_roles WHERE id = ? AND user_id = ?"
				       " RETURNING ifnull(org_id, 0), role");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, grant_id);
	sqlite3_bind_int64(st, 2, user_id);
	int src = sqlite3_step(st), rc;
	if (src == SQLITE_ROW) {
		*org_id = sqlite3_column_int64(st, 0);
		*role = role_from_name(db_col_text(st, 1));
		rc = RC_OK;
	} else {
		rc = src == SQLITE_DONE ? RC_NOT_FOUND : db_rc(db, src);
	}
	sqlite3_reset(st);
	return rc;
}

bool users_holds_role_at(struct db *db, int64_t user_id, int role, const char *code)
{
	sqlite3_stmt *st = db_stmt(
		db,
		"SELECT 1 FROM user_roles ur JOIN org o ON o.id = ur.org_id"
		" JOIN users u ON u.id = ur.user_id WHERE ur.user_id = ? AND ur.role = ?"
		" AND u.disabled = 0 AND substr(?, 1, length(o.code)) = o.code");
	if (st == NULL)
		return false;
	sqlite3_bind_int64(st, 1, user_id);
	db_bind_text(st, 2, role_def((enum role)role)->name);
	db_bind_text(st, 3, code);
	bool yes = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_reset(st);
	return yes;
}

int64_t users_resident_id(struct db *db, int64_t user_id)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT ifnull(resident_id, 0) FROM users WHERE id = ?");
	if (st == NULL)
		return 0;
	sqlite3_bind_int64(st, 1, user_id);
	int64_t id = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	return id;
}

int64_t users_find_grant(struct db *db, int64_t user_id, int role, int64_t org_id)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT id FROM user_roles WHERE user_id = ? AND role = ? "
				       "AND ifnull(org_id, 0) = ?");
	if (st == NULL)
		return 0;
	sqlite3_bind_int64(st, 1, user_id);
	db_bind_text(st, 2, role_def((enum role)role)->name);
	sqlite3_bind_int64(st, 3, org_id);
	int64_t id = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	return id;
}
