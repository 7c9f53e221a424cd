/*
 * Session storage and the sign-in throttle.
 */
#include "auth/session.h"

#include "auth/session_cache.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/error.h"

#define TOUCH_EVERY_S 60

int session_create(struct db *db, int64_t user_id, const char *client_ip, const char *user_agent,
		   char token[SEC_TOKEN_CHARS + 1], struct session *out)
{
	unsigned char h[SEC_HASH_BYTES];
	int64_t now = clock_now();
	sec_token(token);
	sec_token(out->csrf_token);
	sec_hash(h, token, strlen(token), NULL);
	sqlite3_stmt *st =
		db_stmt(db, "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at,"
			    " last_seen_at, client_ip, user_agent) VALUES (?, ?, ?, ?, ?, ?, ?)");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_blob(st, 1, h, sizeof(h), SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, user_id);
	db_bind_text(st, 3, out->csrf_token);
	sqlite3_bind_int64(st, 4, now);
	sqlite3_bind_int64(st, 5, now);
	db_bind_text(st, 6, client_ip ? client_ip : "");
	db_bind_text(st, 7, user_agent ? user_agent : "");
	int src = sqlite3_step(st);
	sqlite3_reset(st);
	if (src != SQLITE_DONE)
		return db_rc(db, src);
	out->id = db_last_id(db);
	out->user_id = user_id;
	out->created_at = now;
	out->last_seen_at = now;
	return RC_OK;
}

int session_find(struct db *db, const char *token, int idle_s, int absolute_s, struct session *out)
{
	unsigned char h[SEC_HASH_BYTES];
	int64_t now = clock_now();
	if (strlen(token) != SEC_TOKEN_CHARS)
		return RC_UNAUTHENTICATED;
	sec_hash(h, token, strlen(token), NULL);
	sqlite3_stmt *st =
		db_stmt(db, "SELECT id, user_id, csrf_token, created_at, last_seen_at FROM sessions"
			    " WHERE token_hash = ?");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_blob(st, 1, h, sizeof(h), SQLITE_TRANSIENT);
	int src = sqlite3_step(st);
	if (src != SQLITE_ROW) {
		sqlite3_reset(st);
		return src == SQLITE_DONE ? RC_UNAUTHENTICATED : db_rc(db, src);
	}
	out->id = sqlite3_column_int64(st, 0);
	out->user_id = sqlite3_column_int64(st, 1);
	snprintf(out->csrf_token, sizeof(out->csrf_token), "%s", db_col_text(st, 2));
	out->created_at = sqlite3_column_int64(st, 3);
	out->last_seen_at = sqlite3_column_int64(st, 4);
	sqlite3_reset(st);

	if (now - out->last_seen_at > idle_s || now - out->created_at > absolute_s) {
		session_delete(db, out->id);
		return RC_UNAUTHENTICATED;
	}
	if (now - out->last_seen_at >= TOUCH_EVERY_S) {
		st = db_stmt(db, "UPDATE sessions SET last_seen_at = ? WHERE id = ?");
		if (st == NULL)
			return RC_INTERNAL;
		sqlite3_bind_int64(st, 1, now);
		sqlite3_bind_int64(st, 2, out->id);
		src = sqlite3_step(st);
		sqlite3_reset(st);
		/* A busy database must not sign the user out: the touch can wait
		 * for the next request. */
		if (src == SQLITE_DONE)
			out->last_seen_at = now;
	}
	return RC_OK;
}

int session_delete(struct db *db, int64_t id)
{	auth_changed();

	sqlite3_stmt *st = db_stmt(db, "DELETE FROM sessions WHERE id = ?");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	int src = sqlite3_step(st);
	sqlite3_reset(st);
	return src == SQLITE_DONE ? RC_OK : db_rc(db, src);
}

int session_delete_user(struct db *db, int64_t user_id, int64_t keep_id)
{	auth_changed();

	sqlite3_stmt *st = db_stmt(db, "DELETE FROM sessions WHERE user_id = ? AND id <> ?");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, user_id);
	sqlite3_bind_int64(st, 2, keep_id);
	int src = sqlite3_step(st);
	sqlite3_reset(st);
	return src == SQLITE_DONE ? RC_OK : db_rc(db, src);
}

int64_t session_count_active(struct db *db, int idle_s)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT count(*) FROM sessions WHERE last_seen_at >= ?");
	if (st == NULL)
		return 0;
	sqlite3_bind_int64(st, 1, clock_now() - idle_s);
	int64_t n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	return n;
}

int session_purge(struct db *db, int idle_s, int absolute_s)
{	auth_changed();

	int64_t now = clock_now();
	sqlite3_stmt *st =
		db_stmt(db, "DELETE FROM sessions WHERE last_seen_at < ? OR created_at < ?");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, now - idle_s);
	sqlite3_bind_int64(st, 2, now - absolute_s);
	int src = sqlite3_step(st);
	sqlite3_reset(st);
	return src == SQLITE_DONE ? RC_OK : db_rc(db, src);
}

/* ---- throttle: a fixed table; a colliding address takes over the slot,
 * which can only forgive an attacker a few attempts, never lock out
 * someone else for long. ---- */

#define THROTTLE_SLOTS 4096
#define THROTTLE_WINDOW_S 600

struct throttle_slot {
	char ip[64];
	int64_t window;
	int failures;
};

static struct throttle_slot slots[THROTTLE_SLOTS];
static pthread_mutex_t throttle_lock = PTHREAD_MUTEX_INITIALIZER;

static struct throttle_slot *slot_for(const char *ip)
{
	uint32_t h = 2166136261u;
	for (const char *p = ip; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	return &slots[h % THROTTLE_SLOTS];
}

bool session_throttle_blocked(const char *client_ip, int max)
{
	int64_t window = clock_now() / THROTTLE_WINDOW_S;
	bool blocked = false;
	pthread_mutex_lock(&throttle_lock);
	struct throttle_slot *s = slot_for(client_ip);
	if (strcmp(s->ip, client_ip) == 0 && s->window == window)
		blocked = s->failures >= max;
	pthread_mutex_unlock(&throttle_lock);
	return blocked;
}

void session_throttle_fail(const char *client_ip)
{
	int64_t window = clock_now() / THROTTLE_WINDOW_S;
	pthread_mutex_lock(&throttle_lock);
	struct throttle_slot *s = slot_for(client_ip);
	if (strcmp(s->ip, client_ip) != 0 || s->window != window) {
		snprintf(s->ip, sizeof(s->ip), "%s", client_ip);
		s->window = window;
		s->failures = 0;
	}
	s->failures++;
	pthread_mutex_unlock(&throttle_lock);
}
