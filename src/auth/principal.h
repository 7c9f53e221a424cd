/*
 * The signed-in user of a request with their role grants, and the data-scope
 * rule: a grant at a node covers the node's subtree (codes starting with the
 * node's code); administrator grants cover everything.
 */
#ifndef GR_AUTH_PRINCIPAL_H
#define GR_AUTH_PRINCIPAL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "auth/roles.h"
#include "core/arena.h"
#include "db/db.h"

struct grant {
	int64_t id;
	enum role role;
	int64_t org_id;       /* 0 for administrator grants */
	const char *org_code; /* "" for administrator grants */
	const char *org_name;
	int level; /* -1 for administrator grants */
};

struct principal {
	int64_t user_id;
	const char *username;
	const char *display_name;
	int64_t session_id; /* 0 for API keys and the command line */
	const char *csrf_token;
	size_t ngrants;
	struct grant *grants;
};

/* Load an enabled user and their grants into arena memory.  RC_OK, or
 * RC_UNAUTHENTICATED when the user is missing or disabled. */
int principal_load(struct db *db, struct arena *a, int64_t user_id, struct principal **out);

/* True when some grant carries perm (anywhere). */
bool principal_can(const struct principal *p, enum perm perm);

/* Whether p may use perm on the node with code:
 * RC_OK when a grant with perm covers it (*role_out names that role),
 * RC_FORBIDDEN when another of p's grants covers it (the node is in scope but
 * the permission is missing), RC_NOT_FOUND when it is outside p's scope. */
int principal_scope(const struct principal *p, enum perm perm, const char *code,
		    const char **role_out);

/* The subtree roots where p holds perm, as a JSON array of codes with nested
 * roots removed (so subtree queries never return a row twice); [""] stands
 * for everything.  NULL when p holds perm nowhere. */
const char *principal_roots(const struct principal *p, enum perm perm, struct arena *a);

/* First role name carrying perm, for the audit record; "" if none. */
const char *principal_role_for(const struct principal *p, enum perm perm);

/* {"id","username","display_name","roles":[...],"permissions":[...]} */
json_t *principal_json(const struct principal *p);

#endif
