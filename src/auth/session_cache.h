/*
 * A short-lived cache of signed-in principals, so that a request does not
 * read the session, the account and its grants from the database every
 * time.  Entries live at most two seconds, and any change this process
 * makes to accounts, grants or sessions (auth_changed) empties the cache at
 * once; changes made by another process (the command line) are seen within
 * those two seconds.
 */
#ifndef GR_AUTH_SESSION_CACHE_H
#define GR_AUTH_SESSION_CACHE_H

#include <stdbool.h>
#include <stdint.h>

#include "auth/principal.h"
#include "auth/session.h"
#include "core/secure.h"

/* Note that accounts, grants or sessions changed. */
void auth_changed(void);

/* The cached session and principal of token_hash, copied into arena, when
 * fresh and still within the idle and absolute limits at `now`. */
bool session_cache_get(const unsigned char token_hash[SEC_HASH_BYTES], struct arena *a,
		       int64_t now, int idle_s, int absolute_s, struct session *s,
		       struct principal **p);
/* Remember a session and its principal. */
void session_cache_put(const unsigned char token_hash[SEC_HASH_BYTES], const struct session *s,
		       const struct principal *p);

#endif
