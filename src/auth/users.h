/*
 * Accounts and role grants: storage and the rules that protect them
 * (username and password policy, lockout, three-administrator separation).
 */
#ifndef GR_AUTH_USERS_H
#define GR_AUTH_USERS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "db/db.h"

#define PASSWORD_MIN_CHARS 10
#define PASSWORD_MAX_CHARS 128

/* NULL when name is a valid username (3-32 of a-z 0-9 . _ -, starting with
 * a letter), otherwise the reason. */
const char *users_check_username(const char *name);
/* NULL when password is acceptable for username, otherwise the reason. */
const char *users_check_password(const char *password, const char *username);

struct login_user {
	int64_t id;
	char password_hash[160];
	bool disabled;
	int failed_logins;
	int64_t locked_until;
};

/* Look up by username for sign-in.  RC_OK or RC_NOT_FOUND. */
int users_find_login(struct db *db, const char *username, struct login_user *u);
/* Count a failed sign-in; lock the account when attempts are reached.
 * Sets *locked when this failure locked it.  In a transaction. */
int users_login_failed(struct db *db, int64_t id, int attempts, int lock_s, bool *locked);
/* Reset the failure count and record the sign-in time.  In a transaction. */
int users_login_ok(struct db *db, int64_t id, const char *new_hash);

/* Insert an account with an already computed password hash.  In a
 * transaction.  RC_CONFLICT when the username is taken. */
int users_insert(struct db *db, const char *username, const char *display_name,
		 const char *password_hash, int64_t *id);
/* Replace the password hash and clear any lockout.  In a transaction. */
int users_set_password(struct db *db, int64_t id, const char *password_hash);
int users_set_disabled(struct db *db, int64_t id, bool disabled);
int users_set_display_name(struct db *db, int64_t id, const char *name);
int users_unlock(struct db *db, int64_t id);
/* The user's current password hash, for a change-password check. */
int users_password_hash(struct db *db, int64_t id, char *out, size_t outlen);

/* One account as JSON with its grants; RC_NOT_FOUND when absent. */
int users_get_json(struct db *db, int64_t id, json_t **out_new);
/* Accounts matching q (username or display name substring, NULL for all). */
int users_list_json(struct db *db, const char *q, int64_t limit, int64_t offset, json_t **items_new,
		    int64_t *total);
int64_t users_id_by_name(struct db *db, const char *username);
/* True when account id exists. */
bool users_exists(struct db *db, int64_t id);

/* Grants.  grant_check returns NULL when role may be given to user at the
 * node (org_id 0 for administrator roles) or the reason. */
const char *users_grant_check(struct db *db, int64_t user_id, int role, int64_t org_id,
			      const char *org_level);
int users_grant(struct db *db, int64_t user_id, int role, int64_t org_id, int64_t granted_by,
		int64_t *grant_id);
/* Remove grant_id of user_id; RC_NOT_FOUND when it is not theirs.  Sets
 * *org_id and *role to what was removed. */
int users_revoke(struct db *db, int64_t user_id, int64_t grant_id, int64_t *org_id, int *role);
/* Id of the grant of role at org_id (0 for none) held by user_id, or 0. */
int64_t users_find_grant(struct db *db, int64_t user_id, int role, int64_t org_id);
/* Grants of a user as a JSON array. */
json_t *users_grants_json(struct db *db, int64_t user_id);
/* True when the enabled user holds role somewhere covering code. */
bool users_holds_role_at(struct db *db, int64_t user_id, int role, const char *code);
/* The registry record a resident's account is linked to, or 0. */
int64_t users_resident_id(struct db *db, int64_t user_id);

#endif
