/*
 * Principal loading and the scope rule.
 */
#include "auth/principal.h"

#include <string.h>

#include "core/error.h"
#include "core/str.h"

int principal_load(struct db *db, struct arena *a, int64_t user_id, struct principal **out)
{
	int rc = RC_UNAUTHENTICATED;
	sqlite3_stmt *st = db_stmt(
		db, "SELECT username, display_name FROM users WHERE id = ? AND disabled = 0");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, user_id);
	int src = sqlite3_step(st);
	if (src != SQLITE_ROW) {
		rc = src == SQLITE_DONE ? RC_UNAUTHENTICATED : db_rc(db, src);
		goto out;
	}
	struct principal *p = arena_calloc(a, 1, sizeof(*p));
	p->user_id = user_id;
	p->username = arena_strdup(a, db_col_text(st, 0));
	p->display_name = arena_strdup(a, db_col_text(st, 1));
	sqlite3_reset(st);

	st = db_stmt(db, "SELECT ur.id, ur.role, ifnull(ur.org_id, 0), ifnull(o.code, ''),"
			 " ifnull(o.name, ''), ifnull(o.level, '')"
			 " FROM user_roles ur LEFT JOIN org o ON o.id = ur.org_id"
			 " WHERE ur.user_id = ? ORDER BY ur.id");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, user_id);
	size_t cap = 4;
	p->grants = arena_alloc(a, cap * sizeof(*p->grants));
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		int role = role_from_name(db_col_text(st, 1));
		if (role < 0)
			continue; /* a role removed from the catalogue grants nothing */
		if (p->ngrants == cap) {
			struct grant *g = arena_alloc(a, cap * 2 * sizeof(*g));
			memcpy(g, p->grants, cap * sizeof(*g));
			p->grants = g;
			cap *= 2;
		}
		struct grant *g = &p->grants[p->ngrants++];
		g->id = sqlite3_column_int64(st, 0);
		g->role = (enum role)role;
		g->org_id = sqlite3_column_int64(st, 2);
		g->org_code = arena_strdup(a, db_col_text(st, 3));
		g->org_name = arena_strdup(a, db_col_text(st, 4));
		g->level = g->org_id ? level_from_name(db_col_text(st, 5)) : -1;
		if (role_def(g->role)->admin) {
			/* Administrator roles are global whatever the row says. */
			g->org_code = "";
			g->org_id = 0;
		}
	}
	if (src != SQLITE_DONE) {
		rc = db_rc(db, src);
		goto out;
	}
	*out = p;
	rc = RC_OK;
out:
	sqlite3_reset(st);
	return rc;
}

bool principal_can(const struct principal *p, enum perm perm)
{
	if (p == NULL)
		return false;
	for (size_t i = 0; i < p->ngrants; i++)
		if (role_has_perm(p->grants[i].role, perm))
			return true;
	return false;
}

static bool covers(const struct grant *g, const char *code)
{
	return str_starts(code, g->org_code);
}

int principal_scope(const struct principal *p, enum perm perm, const char *code,
		    const char **role_out)
{
	bool visible = false;
	if (p == NULL)
		return RC_NOT_FOUND;
	for (size_t i = 0; i < p->ngrants; i++) {
		const struct grant *g = &p->grants[i];
		if (!covers(g, code))
			continue;
		if (role_has_perm(g->role, perm)) {
			if (role_out)
				*role_out = role_def(g->role)->name;
			return RC_OK;
		}
		if (role_has_perm(g->role, PERM_ORG_READ))
			visible = true;
	}
	return visible ? RC_FORBIDDEN : RC_NOT_FOUND;
}

const char *principal_roots(const struct principal *p, enum perm perm, struct arena *a)
{
	if (p == NULL)
		return NULL;
	json_t *arr = json_array();
	for (size_t i = 0; i < p->ngrants; i++) {
		const struct grant *g = &p->grants[i];
		if (!role_has_perm(g->role, perm))
			continue;
		bool nested = false;
		for (size_t j = 0; j < p->ngrants && !nested; j++) {
			const struct grant *h = &p->grants[j];
			if (j == i || !role_has_perm(h->role, perm))
				continue;
			/* Drop g when h covers it; of two equal codes keep the first. */
			if (covers(h, g->org_code) &&
			    (strlen(h->org_code) < strlen(g->org_code) || j < i))
				nested = true;
		}
		if (!nested)
			json_array_append_new(arr, json_string(g->org_code));
	}
	const char *out = NULL;
	if (json_array_size(arr) > 0) {
		char *s = json_dumps(arr, JSON_COMPACT);
		out = arena_strdup(a, s);
		free(s);
	}
	json_decref(arr);
	return out;
}

const char *principal_role_for(const struct principal *p, enum perm perm)
{
	if (p == NULL)
		return "";
	for (size_t i = 0; i < p->ngrants; i++)
		if (role_has_perm(p->grants[i].role, perm))
			return role_def(p->grants[i].role)->name;
	return p->ngrants ? role_def(p->grants[0].role)->name : "";
}

json_t *principal_json(const struct principal *p)
{
	json_t *roles = json_array();
	uint64_t perms = 0;
	for (size_t i = 0; i < p->ngrants; i++) {
		const struct grant *g = &p->grants[i];
		perms |= role_def(g->role)->perms;
		json_t *o = json_pack("{s:I, s:s}", "id", (json_int_t)g->id, "role",
				      role_def(g->role)->name);
		if (g->org_id) {
			json_object_set_new(o, "org_id", json_integer(g->org_id));
			json_object_set_new(o, "org_code", json_string(g->org_code));
			json_object_set_new(o, "org_name", json_string(g->org_name));
			json_object_set_new(o, "org_level",
					    json_string(level_name((enum level)g->level)));
		} else {
			json_object_set_new(o, "org_id", json_null());
		}
		json_array_append_new(roles, o);
	}
	json_t *permissions = json_array();
	for (int i = 1; i < PERM__COUNT; i++)
		if (perms & (UINT64_C(1) << i))
			json_array_append_new(permissions, json_string(perm_name((enum perm)i)));
	return json_pack("{s:I, s:s, s:s, s:o, s:o}", "id", (json_int_t)p->user_id, "username",
			 p->username, "display_name", p->display_name, "roles", roles,
			 "permissions", permissions);
}
