/*
 * API key storage.
 */
#include "auth/apikeys.h"

#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/error.h"

static void key_hash(unsigned char out[SEC_HASH_BYTES], const char *key)
{
	sec_hash(out, key, strlen(key), sec_subkey(SUBKEY_APIKEY));
}

int apikey_create(struct db *db, const char *name, int64_t created_by,
		  char key[SEC_TOKEN_CHARS + 1], int64_t *id)
{
	unsigned char h[SEC_HASH_BYTES];
	sec_token(key);
	key_hash(h, key);
	sqlite3_stmt *st = db_stmt(db, "INSERT INTO api_keys (name, key_hash, created_at,"
				       " created_by) VALUES (?, ?, ?, ?)");
	if (st == NULL)
		return RC_INTERNAL;
	db_bind_text(st, 1, name);
	sqlite3_bind_blob(st, 2, h, sizeof(h), SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, clock_now());
	if (created_by != 0)
		sqlite3_bind_int64(st, 4, created_by);
	int rc = db_step_done(db, st);
	if (rc == RC_OK)
		*id = db_last_id(db);
	return rc;
}

static json_t *time_or_null(sqlite3_stmt *st, int i)
{
	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		return json_null();
	char at[32];
	clock_iso(sqlite3_column_int64(st, i), at, sizeof(at));
	return json_string(at);
}

int apikeys_json(struct db *db, json_t **items_new)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT id, name, created_at, last_used_at, revoked_at"
				       " FROM api_keys ORDER BY id DESC");
	if (st == NULL)
		return RC_INTERNAL;
	json_t *items = json_array();
	int src;
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		json_t *o = json_pack("{s:I, s:s, s:o, s:o, s:b, s:o}", "id",
				      (json_int_t)sqlite3_column_int64(st, 0), "name",
				      db_col_text(st, 1), "created_at", time_or_null(st, 2),
				      "last_used_at", time_or_null(st, 3), "revoked",
				      sqlite3_column_type(st, 4) != SQLITE_NULL, "revoked_at",
				      time_or_null(st, 4));
		json_array_append_new(items, o);
	}
	sqlite3_reset(st);
	if (src != SQLITE_DONE) {
		json_decref(items);
		return db_rc(db, src);
	}
	*items_new = items;
	return RC_OK;
}

int apikey_revoke(struct db *db, int64_t id)
{
	sqlite3_stmt *st = db_stmt(db, "UPDATE api_keys SET revoked_at = ifnull(revoked_at, ?)"
				       " WHERE id = ?");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, clock_now());
	sqlite3_bind_int64(st, 2, id);
	return db_step_one(db, st);
}

int apikey_find(struct db *db, const char *key, int64_t *id, char *name, size_t namelen)
{
	/* Keys are what sec_token makes; anything else is not looked up. */
	if (key == NULL || strlen(key) != SEC_TOKEN_CHARS)
		return RC_FORBIDDEN;
	unsigned char h[SEC_HASH_BYTES];
	key_hash(h, key);
	sqlite3_stmt *st = db_stmt(db, "SELECT id, name FROM api_keys"
				       " WHERE key_hash = ? AND revoked_at IS NULL");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_blob(st, 1, h, sizeof(h), SQLITE_TRANSIENT);
	int src = sqlite3_step(st), rc = RC_FORBIDDEN;
	if (src == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		snprintf(name, namelen, "%s", db_col_text(st, 1));
		rc = RC_OK;
	} else if (src != SQLITE_DONE) {
		rc = db_rc(db, src);
	}
	sqlite3_reset(st);
	return rc;
}

int apikey_touch(struct db *db, int64_t id)
{
	sqlite3_stmt *st = db_stmt(db, "UPDATE api_keys SET last_used_at = ? WHERE id = ?");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, clock_now());
	sqlite3_bind_int64(st, 2, id);
	return db_step_done(db, st);
}
