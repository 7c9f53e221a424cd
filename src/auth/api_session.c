/*
 * Sign-in, sign-out and the current user.  Sign-in writes its own audit
 * records (success and every kind of failure) because the generic audit of
 * failed requests would not know the attempted username.
 */
#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "auth/api_auth.h"
#include "auth/session.h"
#include "auth/users.h"
#include "core/clock.h"
#include "core/secure.h"
#include "core/log.h"
#include "http/server.h"

static void audit_login(struct req *r, int64_t user_id, const char *username, const char *result)
{
	char oid[24] = "";
	if (user_id)
		snprintf(oid, sizeof(oid), "%lld", (long long)user_id);
	struct audit_entry e = {
		.actor_id = user_id,
		.actor_name = username,
		.role = "",
		.action = "session.create",
		.object_type = "user",
		.object_id = oid,
		.result = result,
		.client_ip = r->client_ip,
		.request_id = r->request_id,
	};
	if (db_in_transaction(r->db)) {
		if (audit_append(r->db, &e) == RC_OK)
			r->audited = true;
	} else if (audit_append_tx(r->db, &e) == RC_OK) {
		r->audited = true;
	}
}

static void set_cookie(struct req *r, const char *token, int max_age)
{
	char *c = arena_printf(&r->arena, "%s=%s; Path=/; HttpOnly; SameSite=Strict%s; Max-Age=%d",
			       SESSION_COOKIE, token, r->secure ? "; Secure" : "", max_age);
	req_add_header(r, "Set-Cookie", c);
}

static int login_failed(struct req *r, const struct login_user *u, const char *username)
{
	bool locked = false;
	session_throttle_fail(r->client_ip);
	if (db_begin(r->db) == RC_OK) {
		if (u != NULL)
			users_login_failed(r->db, u->id, r->cfg->lockout_attempts,
					   r->cfg->lockout_s, &locked);
		audit_login(r, u ? u->id : 0, username,
			    locked ? "account_locked" : "invalid_credentials");
		if (db_commit(r->db) != RC_OK)
			r->audited = false;
	}
	if (locked) {
		char s[16];
		snprintf(s, sizeof(s), "%d", r->cfg->lockout_s);
		req_add_header(r, "Retry-After", s);
		return req_fail(r, RC_ACCOUNT_LOCKED, NULL,
				"too many failed sign-ins; the account is locked for %d minutes",
				(r->cfg->lockout_s + 59) / 60);
	}
	return req_fail(r, RC_INVALID_CREDENTIALS, NULL, NULL);
}

int api_session_create(struct req *r)
{
	char username[64];
	const char *given = in_str(r, "username");
	const char *password = in_str(r, "password");
	size_t i = 0;
	for (; given[i] && i < sizeof(username) - 1; i++)
		username[i] = (char)tolower((unsigned char)given[i]);
	username[i] = '\0';

	if (session_throttle_blocked(r->client_ip, r->cfg->login_failures_per_ip)) {
		audit_login(r, 0, username, "rate_limited");
		req_add_header(r, "Retry-After", "600");
		return req_fail(r, RC_RATE_LIMITED, NULL,
				"too many failed sign-ins from your address; wait ten minutes");
	}
	struct login_user u;
	int rc = users_find_login(r->db, username, &u);
	if (rc == RC_NOT_FOUND) {
		sec_password_dummy_verify(password);
		return login_failed(r, NULL, username);
	}
	if (rc != RC_OK)
		return rc;
	int64_t now = clock_now();
	if (u.locked_until > now) {
		char s[24];
		snprintf(s, sizeof(s), "%lld", (long long)(u.locked_until - now));
		req_add_header(r, "Retry-After", s);
		audit_login(r, u.id, username, "account_locked");
		return req_fail(r, RC_ACCOUNT_LOCKED, NULL,
				"too many failed sign-ins; try again in %lld minutes",
				(long long)((u.locked_until - now + 59) / 60));
	}
	if (!sec_password_verify(u.password_hash, password))
		return login_failed(r, &u, username);
	if (u.disabled) {
		/* Same answer as a wrong password: do not confirm the account. */
		audit_login(r, u.id, username, "account_disabled");
		return req_fail(r, RC_INVALID_CREDENTIALS, NULL, NULL);
	}

	char rehash[crypto_pwhash_STRBYTES];
	const char *new_hash = NULL;
	if (sec_password_needs_rehash(u.password_hash) &&
	    sec_password_hash(rehash, sizeof(rehash), password) == 0)
		new_hash = rehash;

	char token[SEC_TOKEN_CHARS + 1];
	struct session s;
	rc = db_begin(r->db);
	if (rc != RC_OK)
		return rc;
	rc = users_login_ok(r->db, u.id, new_hash);
	if (rc == RC_OK)
		rc = session_create(r->db, u.id, r->client_ip, req_header(r, "User-Agent"), token,
				    &s);
	if (rc == RC_OK)
		audit_login(r, u.id, username, "ok");
	rc = req_tx_end(r, rc == RC_OK && !r->audited ? RC_INTERNAL : rc);
	if (rc != RC_OK)
		return rc;
	struct principal *p;
	rc = principal_load(r->db, &r->arena, u.id, &p);
	if (rc != RC_OK)
		return rc;
	set_cookie(r, token, r->cfg->session_absolute_s);
	return req_reply(r, 200,
			 json_pack("{s:s, s:s, s:o, s:i}", "token", token, "csrf_token",
				   s.csrf_token, "user", principal_json(p), "idle_timeout",
				   r->cfg->session_idle_s));
}

int api_session_delete(struct req *r)
{
	int rc = req_tx_begin(r);
	if (rc != RC_OK)
		return rc;
	rc = session_delete(r->db, r->who->session_id);
	if (rc == RC_OK) {
		char oid[24];
		snprintf(oid, sizeof(oid), "%lld", (long long)r->who->user_id);
		rc = req_audit(r, NULL, "user", oid, 0, NULL);
	}
	rc = req_tx_end(r, rc);
	if (rc != RC_OK)
		return rc;
	set_cookie(r, "", 0);
	return req_reply(r, 204, NULL);
}

int api_me(struct req *r)
{
	json_t *o = principal_json(r->who);
	json_object_set_new(o, "csrf_token",
			    json_string(r->who->csrf_token ? r->who->csrf_token : ""));
	json_object_set_new(o, "idle_timeout", json_integer(r->cfg->session_idle_s));
	return req_reply(r, 200, o);
}

int api_me_password(struct req *r)
{
	const char *current = in_str(r, "current_password");
	const char *next = in_str(r, "new_password");
	char stored[160];
	int rc = users_password_hash(r->db, r->who->user_id, stored, sizeof(stored));
	if (rc != RC_OK)
		return rc;
	if (!sec_password_verify(stored, current))
		return req_fail(r, RC_VALIDATION_FAILED, "current_password",
				"the current password is wrong");
	const char *why = users_check_password(next, r->who->username);
	if (why != NULL)
		return req_fail(r, RC_VALIDATION_FAILED, "new_password", "%s", why);
	char hash[crypto_pwhash_STRBYTES];
	if (sec_password_hash(hash, sizeof(hash), next) != 0)
		return req_fail(r, RC_UNAVAILABLE, NULL, "not enough memory to hash the password");
	rc = db_begin(r->db);
	if (rc != RC_OK)
		return rc;
	rc = users_set_password(r->db, r->who->user_id, hash);
	if (rc == RC_OK)
		rc = session_delete_user(r->db, r->who->user_id, r->who->session_id);
	if (rc == RC_OK) {
		char oid[24];
		snprintf(oid, sizeof(oid), "%lld", (long long)r->who->user_id);
		rc = req_audit(r, NULL, "user", oid, 0, NULL);
	}
	rc = req_tx_end(r, rc);
	if (rc != RC_OK)
		return rc;
	return req_reply(r, 204, NULL);
}
