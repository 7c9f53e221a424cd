/*
 * Account management (system administrator) and role grants (security
 * administrator).  Administrator accounts themselves are managed only from
 * the command line, so no administrator can take over another's account
 * through the API.
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "auth/api_auth.h"
#include "auth/session.h"
#include "auth/users.h"
#include "core/secure.h"
#include "org/org.h"

static const char *id_str(struct req *r, int64_t id)
{
	return arena_printf(&r->arena, "%lld", (long long)id);
}

/* True when the account holds one of the three administrator roles. */
static bool is_admin_account(struct db *db, int64_t user_id)
{
	json_t *grants = users_grants_json(db, user_id);
	size_t i;
	json_t *g;
	bool admin = false;
	json_array_foreach(grants, i, g)
	{
		int role = role_from_name(json_string_value(json_object_get(g, "role")));
		if (role >= 0 && role_def((enum role)role)->admin)
			admin = true;
	}
	json_decref(grants);
	return admin;
}

int api_users_list(struct req *r)
{
	struct page p = req_page(r);
	json_t *items;
	int64_t total;
	int rc = users_list_json(r->db, q_str(r, "q"), p.limit, p.offset, &items, &total);
	if (rc != RC_OK)
		return rc;
	return req_reply(r, 200, page_json(items, total, p));
}

int api_users_create(struct req *r)
{
	const char *username = in_str(r, "username");
	const char *display = in_str(r, "display_name");
	const char *password = in_str(r, "password");
	const char *why = users_check_username(username);
	if (why != NULL)
		return req_fail(r, RC_VALIDATION_FAILED, "username", "%s", why);
	why = users_check_password(password, username);
	if (why != NULL)
		return req_fail(r, RC_VALIDATION_FAILED, "password", "%s", why);
	if (users_id_by_name(r->db, username) != 0)
		return req_fail(r, RC_CONFLICT, "username", "the username is taken");
	char hash[crypto_pwhash_STRBYTES];
	if (sec_password_hash(hash, sizeof(hash), password) != 0)
		return req_fail(r, RC_UNAVAILABLE, NULL, "not enough memory to hash the password");
	int64_t id = 0;
	int rc = req_tx_begin(r);
	if (rc != RC_OK)
		return rc;
	rc = users_insert(r->db, username, display, hash, &id);
	if (rc == RC_CONFLICT)
		req_fail(r, rc, "username", "the username is taken");
	if (rc == RC_OK)
		rc = req_audit(r, NULL, "user", id_str(r, id), 0,
			       json_pack("{s:s}", "username", username));
	rc = req_tx_end(r, rc);
	if (rc != RC_OK)
		return rc;
	json_t *o;
	rc = users_get_json(r->db, id, &o);
	if (rc != RC_OK)
		return rc;
	return req_reply(r, 201, o);
}

int api_users_get(struct req *r)
{
	json_t *o;
	int rc = users_get_json(r->db, r->ids[0], &o);
	if (rc != RC_OK)
		return req_fail(r, rc, NULL, NULL);
	return req_reply(r, 200, o);
}

/* Common checks before the system administrator changes an account. */
static int manageable(struct req *r, int64_t id)
{
	json_t *o;
	int rc = users_get_json(r->db, id, &o);
	if (rc != RC_OK)
		return req_fail(r, rc, NULL, NULL);
	json_decref(o);
	if (id != r->who->user_id && is_admin_account(r->db, id))
		return req_fail(
			r, RC_FORBIDDEN, NULL,
			"administrator accounts are managed with the grassroots user command");
	return RC_OK;
}

int api_users_update(struct req *r)
{
	int64_t id = r->ids[0];
	int rc = manageable(r, id);
	if (rc != RC_OK)
		return rc;
	if (in_has(r, "disabled") && in_bool(r, "disabled", false) && id == r->who->user_id)
		return req_fail(r, RC_CONFLICT, "disabled", "you cannot disable your own account");
	rc = req_tx_begin(r);
	if (rc != RC_OK)
		return rc;
	json_t *detail = json_object();
	if (in_has(r, "display_name")) {
		rc = users_set_display_name(r->db, id, in_str(r, "display_name"));
		json_object_set_new(detail, "display_name", json_string(in_str(r, "display_name")));
	}
	if (rc == RC_OK && in_has(r, "disabled")) {
		bool off = in_bool(r, "disabled", false);
		rc = users_set_disabled(r->db, id, off);
		if (rc == RC_OK && off)
			rc = session_delete_user(r->db, id, 0);
		json_object_set_new(detail, "disabled", json_boolean(off));
	}
	if (rc == RC_OK)
		rc = req_audit(r, NULL, "user", id_str(r, id), 0, json_incref(detail));
	json_decref(detail);
	rc = req_tx_end(r, rc);
	if (rc != RC_OK)
		return rc;
	json_t *o;
	rc = users_get_json(r->db, id, &o);
	if (rc != RC_OK)
		return rc;
	return req_reply(r, 200, o);
}

int api_users_password(struct req *r)
{
	int64_t id = r->ids[0];
	int rc = manageable(r, id);
	if (rc != RC_OK)
		return rc;
	json_t *o;
	rc = users_get_json(r->db, id, &o);
	if (rc != RC_OK)
		return rc;
	const char *username = json_string_value(json_object_get(o, "username"));
	const char *why = users_check_password(in_str(r, "password"), username);
	json_decref(o);
	if (why != NULL)
		return req_fail(r, RC_VALIDATION_FAILED, "password", "%s", why);
	char hash[crypto_pwhash_STRBYTES];
	if (sec_password_hash(hash, sizeof(hash), in_str(r, "password")) != 0)
		return req_fail(r, RC_UNAVAILABLE, NULL, "not enough memory to hash the password");
	rc = req_tx_begin(r);
	if (rc != RC_OK)
		return rc;
	rc = users_set_password(r->db, id, hash);
	if (rc == RC_OK)
		rc = session_delete_user(r->db, id, id == r->who->user_id ? r->who->session_id : 0);
	if (rc == RC_OK)
		rc = req_audit(r, NULL, "user", id_str(r, id), 0, NULL);
	rc = req_tx_end(r, rc);
	if (rc != RC_OK)
		return rc;
	return req_reply(r, 204, NULL);
}

int api_users_unlock(struct req *r)
{
	int64_t id = r->ids[0];
	int rc = manageable(r, id);
	if (rc != RC_OK)
		return rc;
	rc = req_tx_begin(r);
	if (rc != RC_OK)
		return rc;
	rc = users_unlock(r->db, id);
	if (rc == RC_OK)
		rc = req_audit(r, NULL, "user", id_str(r, id), 0, NULL);
	rc = req_tx_end(r, rc);
	if (rc != RC_OK)
		return rc;
	return req_reply(r, 204, NULL);
}

int api_users_roles(struct req *r)
{
	json_t *o;
	int rc = users_get_json(r->db, r->ids[0], &o);
	if (rc != RC_OK)
		return req_fail(r, rc, NULL, NULL);
	json_t *roles = json_incref(json_object_get(o, "roles"));
	json_decref(o);
	return req_reply(r, 200, json_pack("{s:o}", "items", roles));
}

int api_users_grant(struct req *r)
{
	int64_t id = r->ids[0];
	json_t *o;
	int rc = users_get_json(r->db, id, &o);
	if (rc != RC_OK)
		return req_fail(r, rc, NULL, NULL);
	json_decref(o);
	if (id == r->who->user_id)
		return req_fail(r, RC_FORBIDDEN, NULL, "you cannot change your own roles");
	int role = role_from_name(in_str(r, "role"));
	int64_t org_id = in_int(r, "org_id", 0);
	const char *level = "";
	if (org_id != 0) {
		struct org_node n;
		rc = org_get(r->db, &r->arena, org_id, &n);
		if (rc == RC_NOT_FOUND)
			return req_fail(r, RC_VALIDATION_FAILED, "org_id", "no such node");
		if (rc != RC_OK)
			return rc;
		if (req_scope(r, PERM_ROLE_GRANT, n.code) != RC_OK)
			return req_fail(r, RC_VALIDATION_FAILED, "org_id", "no such node");
		level = n.level;
	}
	const char *why = users_grant_check(r->db, id, role, org_id, level);
	if (why != NULL)
		return req_fail(r, RC_VALIDATION_FAILED,
				org_id || role_def((enum role)role)->admin ? "org_id" : "role",
				"%s", why);
	int64_t grant_id = 0;
	rc = req_tx_begin(r);
	if (rc != RC_OK)
		return rc;
	rc = users_grant(r->db, id, role, org_id, r->who->user_id, &grant_id);
	if (rc == RC_CONFLICT)
		req_fail(r, rc, "role", "the account already holds this role at this node");
	if (rc == RC_OK)
		rc = req_audit(r, NULL, "user", id_str(r, id), org_id,
			       json_pack("{s:s, s:I}", "role", role_def((enum role)role)->name,
					 "grant_id", (json_int_t)grant_id));
	rc = req_tx_end(r, rc);
	if (rc != RC_OK)
		return rc;
	json_t *grants = users_grants_json(r->db, id);
	json_t *found = NULL;
	size_t i;
	json_t *g;
	json_array_foreach(grants, i, g) if (json_integer_value(json_object_get(g, "id")) ==
					     grant_id) found = json_incref(g);
	json_decref(grants);
	return req_reply(r, 201, found);
}

int api_users_revoke(struct req *r)
{
	int64_t id = r->ids[0], grant_id = r->ids[1];
	if (id == r->who->user_id)
		return req_fail(r, RC_FORBIDDEN, NULL, "you cannot change your own roles");
	int64_t org_id = 0;
	int role = -1;
	int rc = req_tx_begin(r);
	if (rc != RC_OK)
		return rc;
	rc = users_revoke(r->db, id, grant_id, &org_id, &role);
	if (rc == RC_NOT_FOUND)
		req_fail(r, rc, NULL, NULL);
	if (rc == RC_OK)
		rc = req_audit(r, NULL, "user", id_str(r, id), org_id,
			       json_pack("{s:s, s:I}", "role",
					 role >= 0 ? role_def((enum role)role)->name : "",
					 "grant_id", (json_int_t)grant_id));
	rc = req_tx_end(r, rc);
	if (rc != RC_OK)
		return rc;
	return req_reply(r, 204, NULL);
}
