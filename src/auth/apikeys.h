/*
 * API keys of machines, issued by the system administrator: random
 * 32-byte tokens of which the database keeps only a keyed BLAKE2b hash.
 * Open311 clients send one with every request they file.
 */
#ifndef GR_AUTH_APIKEYS_H
#define GR_AUTH_APIKEYS_H

#include <jansson.h>
#include <stdint.h>

#include "core/secure.h"
#include "db/db.h"

/* Issue a key called name, created by user created_by (0: the command
 * line): key receives the key itself (shown once, never stored) and *id
 * its id.  In the caller's transaction. */
int apikey_create(struct db *db, const char *name, int64_t created_by,
		  char key[SEC_TOKEN_CHARS + 1], int64_t *id);

/* Every key, newest first: [{id, name, created_at, last_used_at, revoked,
 * revoked_at}], never the key or its hash. */
int apikeys_json(struct db *db, json_t **items_new);

/* Revoke key id (a key revoked before keeps its first revocation time).
 * RC_NOT_FOUND when there is no such key.  In the caller's transaction. */
int apikey_revoke(struct db *db, int64_t id);

/* The live key that key is: RC_OK with *id and name (up to namelen bytes)
 * set, or RC_FORBIDDEN when key is NULL, malformed, unknown or revoked. */
int apikey_find(struct db *db, const char *key, int64_t *id, char *name, size_t namelen);

/* Record that key id was used now.  In the caller's transaction. */
int apikey_touch(struct db *db, int64_t id);

#endif
