/*
 * Sign-in sessions.  The client holds a random 32-byte token; the database
 * holds only its BLAKE2b hash, so a copy of the database cannot be used to
 * sign in.  Sessions end after an idle period and at an absolute age.
 */
#ifndef GR_AUTH_SESSION_H
#define GR_AUTH_SESSION_H

#include <stdint.h>

#include "core/secure.h"
#include "db/db.h"

struct session {
	int64_t id;
	int64_t user_id;
	int64_t created_at;
	int64_t last_seen_at;
	char csrf_token[SEC_TOKEN_CHARS + 1];
};

/* Create a session for user_id; token and csrf receive fresh tokens.  In a
 * transaction. */
int session_create(struct db *db, int64_t user_id, const char *client_ip, const char *user_agent,
		   char token[SEC_TOKEN_CHARS + 1], struct session *out);
/* Find the live session for token.  Expired sessions are deleted and answer
 * RC_UNAUTHENTICATED.  last_seen_at is written at most once a minute so
 * reads do not turn into writes. */
int session_find(struct db *db, const char *token, int idle_s, int absolute_s, struct session *out);
int session_delete(struct db *db, int64_t id);
/* End every session of user_id except keep_id (0 for all). */
int session_delete_user(struct db *db, int64_t user_id, int64_t keep_id);
/* Sessions active within idle_s. */
int64_t session_count_active(struct db *db, int idle_s);
/* Delete sessions past either limit. */
int session_purge(struct db *db, int idle_s, int absolute_s);

/* Per-client-address throttle of failed sign-ins (in memory, 10-minute
 * windows).  session_throttle_blocked is true once max failures were seen
 * in the current window. */
bool session_throttle_blocked(const char *client_ip, int max);
void session_throttle_fail(const char *client_ip);

#endif
