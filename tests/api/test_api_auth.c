/*
 * Sign-in, sessions and their protections: cookies and CSRF, bearer
 * tokens, sign-out, idle and absolute timeouts, account lockout, the
 * per-address throttle, password rules and changes, disabled accounts, and
 * how credentials are stored.
 */
#include "api/harness.h"

#include <curl/curl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct server S;
static char *admin_tok;

static int setup(void **state)
{
	(void)state;
	srv_init(&S, true);
	const char *extra[] = {"--trust-proxy", NULL};
	srv_start(&S, extra);
	admin_tok = login(&S, "sysadmin", TEST_PASSWORD);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(admin_tok);
	srv_cleanup(&S);
	return 0;
}

static struct resp *login_from(const char *ip, const char *user, const char *password)
{
	char xff[96], body[512];
	snprintf(xff, sizeof(xff), "X-Forwarded-For: %s", ip);
	snprintf(body, sizeof(body), "{\"username\":\"%s\",\"password\":\"%s\"}", user, password);
	const char *h[] = {"Content-Type: application/json", xff, NULL};
	return call_raw(&S, "POST", "/api/v1/session", h, body, strlen(body));
}

static void test_login_returns_token_csrf_and_cookie(void **state)
{
	(void)state;
	mkuser(&S, "town1", "town_officer", "330681109");
	struct resp *r = login_from("198.51.100.1", "town1", TEST_PASSWORD);
	assert_status(r, 200);
	assert_int_equal(strlen(jstr(r->json, "token")), 43);
	assert_int_equal(strlen(jstr(r->json, "csrf_token")), 43);
	assert_string_not_equal(jstr(r->json, "token"), jstr(r->json, "csrf_token"));
	assert_string_equal(jstr(r->json, "user.username"), "town1");
	assert_string_equal(jstr(r->json, "user.roles.0.role"), "town_officer");
	assert_string_equal(jstr(r->json, "user.roles.0.org_code"), "330681109");
	assert_string_equal(jstr(r->json, "user.roles.0.org_name"), "枫桥镇");
	const char *cookie = resp_header(r, "Set-Cookie");
	assert_non_null(cookie);
	assert_non_null(strstr(cookie, "gr_session="));
	assert_non_null(strstr(cookie, jstr(r->json, "token")));
	assert_non_null(strstr(cookie, "HttpOnly"));
	assert_non_null(strstr(cookie, "SameSite=Strict"));
	assert_non_null(strstr(cookie, "Path=/"));
	assert_null(strstr(cookie, "Secure")); /* plain HTTP */
	resp_free(r);

	/* Behind a TLS proxy the cookie is Secure. */
	const char *h[] = {"Content-Type: application/json", "X-Forwarded-Proto: https", NULL};
	const char *body = "{\"username\":\"town1\",\"password\":\"" TEST_PASSWORD "\"}";
	r = call_raw(&S, "POST", "/api/v1/session", h, body, strlen(body));
	assert_status(r, 200);
	assert_non_null(strstr(resp_header(r, "Set-Cookie"), "Secure"));
	assert_non_null(resp_header(r, "Strict-Transport-Security"));
	resp_free(r);
}

static void test_me_with_bearer_and_cookie(void **state)
{
	(void)state;
	char *tok = login(&S, "town1", TEST_PASSWORD);
	struct resp *r = call(&S, "GET", "/api/v1/me", tok, NULL);
	assert_status(r, 200);
	assert_string_equal(jstr(r->json, "username"), "town1");
	json_t *perms = jget(r->json, "permissions");
	bool write = false;
	for (size_t i = 0; i < json_array_size(perms); i++)
		write |= strcmp(json_string_value(json_array_get(perms, i)), "org.write") == 0;
	assert_true(write);
	assert_int_equal(strlen(jstr(r->json, "csrf_token")), 43);
	resp_free(r);
	char cookie[128];
	snprintf(cookie, sizeof(cookie), "Cookie: gr_session=%s", tok);
	const char *h[] = {cookie, NULL};
	r = call_raw(&S, "GET", "/api/v1/me", h, NULL, 0);
	assert_status(r, 200);
	assert_string_equal(jstr(r->json, "username"), "town1");
	resp_free(r);
	free(tok);
}

static void test_cookie_writes_need_csrf_and_origin(void **state)
{
	(void)state;
	struct resp *r = call(&S, "POST", "/api/v1/session", NULL,
			      "{\"username\":\"sysadmin\",\"password\":\"" TEST_PASSWORD "\"}");
	char cookie[128], csrf[128], origin[128], bad_csrf[128];
	snprintf(cookie, sizeof(cookie), "Cookie: gr_session=%s", jstr(r->json, "token"));
	snprintf(csrf, sizeof(csrf), "X-CSRF-Token: %s", jstr(r->json, "csrf_token"));
	snprintf(bad_csrf, sizeof(bad_csrf), "X-CSRF-Token: %s", jstr(r->json, "token"));
	snprintf(origin, sizeof(origin), "Origin: http://127.0.0.1:%d", S.port);
	resp_free(r);
	const char *body = "{\"username\":\"csrfuser\",\"display_name\":\"c\",\"password\":\"Long-"
			   "enough-pw\"}";
	const char *no_token[] = {cookie, origin, "Content-Type: application/json", NULL};
	const char *wrong_token[] = {cookie, bad_csrf, origin, "Content-Type: application/json",
				     NULL};
	const char *no_origin[] = {cookie, csrf, "Content-Type: application/json", NULL};
	const char *evil[] = {cookie, csrf, "Origin: http://evil.example",
			      "Content-Type: application/json", NULL};
	const char *good[] = {cookie, csrf, origin, "Content-Type: application/json", NULL};
	const char *const *bad[] = {no_token, wrong_token, no_origin, evil};
	for (size_t i = 0; i < 4; i++) {
		r = call_raw(&S, "POST", "/api/v1/users", bad[i], body, strlen(body));
		assert_status(r, 403);
		assert_string_equal(err_code(r), "csrf_failed");
		resp_free(r);
	}
	r = call_raw(&S, "POST", "/api/v1/users", good, body, strlen(body));
	assert_status(r, 201);
	resp_free(r);
	/* Reads with the cookie need no token. */
	const char *read[] = {cookie, NULL};
	r = call_raw(&S, "GET", "/api/v1/users?q=csrfuser", read, NULL, 0);
	assert_status(r, 200);
	assert_int_equal(jint(r->json, "total"), 1);
	resp_free(r);
}

static void test_logout_ends_the_session(void **state)
{
	(void)state;
	char *tok = login(&S, "town1", TEST_PASSWORD);
	char *other = login(&S, "town1", TEST_PASSWORD);
	struct resp *r = call(&S, "DELETE", "/api/v1/session", tok, NULL);
	assert_status(r, 204);
	assert_non_null(strstr(resp_header(r, "Set-Cookie"), "Max-Age=0"));
	resp_free(r);
	r = call(&S, "GET", "/api/v1/me", tok, NULL);
	assert_status(r, 401);
	resp_free(r);
	/* Another session of the same account is unaffected. */
	r = call(&S, "GET", "/api/v1/me", other, NULL);
	assert_status(r, 200);
	resp_free(r);
	free(tok);
	free(other);
}

static void test_idle_and_absolute_timeouts(void **state)
{
	(void)state;
	srv_clock(&S, 0);
	char *tok = login(&S, "town1", TEST_PASSWORD);
	srv_clock(&S, 29 * 60);
	struct resp *r = call(&S, "GET", "/api/v1/me", tok, NULL);
	assert_status(r, 200); /* 29 minutes idle: still signed in, and touched */
	resp_free(r);
	srv_clock(&S, 29 * 60 + 31 * 60);
	r = call(&S, "GET", "/api/v1/me", tok, NULL);
	assert_status(r, 401); /* 31 minutes idle */
	resp_free(r);
	free(tok);

	/* Active all the time, but 12 hours is the limit. */
	srv_clock(&S, 0);
	tok = login(&S, "town1", TEST_PASSWORD);
	long t = 0;
	for (; t <= 12 * 3600 - 1500; t += 1500) {
		srv_clock(&S, t);
		r = call(&S, "GET", "/api/v1/me", tok, NULL);
		assert_status(r, 200);
		resp_free(r);
	}
	srv_clock(&S, 12 * 3600 + 60);
	r = call(&S, "GET", "/api/v1/me", tok, NULL);
	assert_status(r, 401);
	resp_free(r);
	free(tok);
	srv_clock(&S, 0);
}

static void test_lockout_after_five_failures(void **state)
{
	(void)state;
	srv_clock(&S, 0);
	mkuser(&S, "locky", "town_officer", "330681109");
	struct resp *r;
	for (int i = 0; i < 4; i++) {
		r = login_from("198.51.100.20", "locky", "wrong-password-x");
		assert_status(r, 401);
		assert_string_equal(err_code(r), "invalid_credentials");
		resp_free(r);
	}
	r = login_from("198.51.100.20", "locky", "wrong-password-x");
	assert_status(r, 423);
	assert_string_equal(err_code(r), "account_locked");
	assert_non_null(resp_header(r, "Retry-After"));
	resp_free(r);
	/* Locked: even the right password is refused. */
	r = login_from("198.51.100.21", "locky", TEST_PASSWORD);
	assert_status(r, 423);
	assert_string_equal(err_code(r), "account_locked");
	resp_free(r);
	/* Nine minutes later still locked; after ten it opens. */
	srv_clock(&S, 9 * 60);
	r = login_from("198.51.100.21", "locky", TEST_PASSWORD);
	assert_status(r, 423);
	resp_free(r);
	srv_clock(&S, 10 * 60 + 5);
	r = login_from("198.51.100.21", "locky", TEST_PASSWORD);
	assert_status(r, 200);
	resp_free(r);
	/* A success resets the count: four more failures do not lock. */
	for (int i = 0; i < 4; i++) {
		r = login_from("198.51.100.22", "locky", "wrong-password-x");
		assert_status(r, 401);
		resp_free(r);
	}
	r = login_from("198.51.100.22", "locky", TEST_PASSWORD);
	assert_status(r, 200);
	resp_free(r);
	srv_clock(&S, 0);
}

static void test_unlock_by_sysadmin(void **state)
{
	(void)state;
	int64_t id = mkuser(&S, "locked2", "town_officer", "330681109");
	for (int i = 0; i < 5; i++)
		resp_free(login_from("198.51.100.30", "locked2", "wrong-password-x"));
	char path[96];
	snprintf(path, sizeof(path), "/api/v1/users/%lld", (long long)id);
	struct resp *r = call(&S, "GET", path, admin_tok, NULL);
	assert_true(json_is_true(jget(r->json, "locked")));
	resp_free(r);
	snprintf(path, sizeof(path), "/api/v1/users/%lld/unlock", (long long)id);
	r = call(&S, "POST", path, admin_tok, NULL);
	assert_status(r, 204);
	resp_free(r);
	r = login_from("198.51.100.31", "locked2", TEST_PASSWORD);
	assert_status(r, 200);
	resp_free(r);
}

static void test_throttle_per_client_address(void **state)
{
	(void)state;
	srv_clock(&S, 0);
	struct resp *r;
	/* Thirty failures from one address, spread over unknown accounts so
	 * that no account lockout is involved. */
	for (int i = 0; i < 30; i++) {
		char user[32];
		snprintf(user, sizeof(user), "ghost%d", i);
		r = login_from("203.0.113.7", user, "wrong-password-x");
		assert_status(r, 401);
		resp_free(r);
	}
	r = login_from("203.0.113.7", "town1", TEST_PASSWORD);
	assert_status(r, 429);
	assert_string_equal(err_code(r), "rate_limited");
	assert_non_null(resp_header(r, "Retry-After"));
	resp_free(r);
	/* Another address is not affected. */
	r = login_from("203.0.113.8", "town1", TEST_PASSWORD);
	assert_status(r, 200);
	resp_free(r);
	/* The window passes. */
	srv_clock(&S, 11 * 60);
	r = login_from("203.0.113.7", "town1", TEST_PASSWORD);
	assert_status(r, 200);
	resp_free(r);
	srv_clock(&S, 0);
}

static void test_password_rules_and_change(void **state)
{
	(void)state;
	mkuser(&S, "changer", "town_officer", "330681109");
	char *tok = login(&S, "changer", TEST_PASSWORD);
	char *other = login(&S, "changer", TEST_PASSWORD);
	struct resp *r = call(&S, "POST", "/api/v1/me/password", tok,
			      "{\"current_password\":\"not-the-password\",\"new_password\":\"A-new-"
			      "password-1\"}");
	assert_status(r, 422);
	assert_string_equal(err_field(r), "current_password");
	resp_free(r);
	r = call(&S, "POST", "/api/v1/me/password", tok,
		 "{\"current_password\":\"" TEST_PASSWORD "\",\"new_password\":\"short\"}");
	assert_status(r, 422);
	assert_string_equal(err_field(r), "new_password");
	resp_free(r);
	/* 10 characters counted as characters, not bytes: 五 chars x2 = 10. */
	r = call(&S, "POST", "/api/v1/me/password", tok,
		 "{\"current_password\":\"" TEST_PASSWORD
		 "\",\"new_password\":\"基层治理网格基层治理\"}");
	assert_status(r, 204);
	resp_free(r);
	r = call(&S, "GET", "/api/v1/me", other, NULL);
	assert_status(r, 401); /* other sessions ended */
	resp_free(r);
	r = call(&S, "GET", "/api/v1/me", tok, NULL);
	assert_status(r, 200); /* this one kept */
	resp_free(r);
	r = login_from("198.51.100.40", "changer", TEST_PASSWORD);
	assert_status(r, 401);
	resp_free(r);
	free(tok);
	free(other);
	tok = login(&S, "changer", "基层治理网格基层治理");
	/* 128 characters are accepted, 129 are not. */
	char p128[200], p129[200];
	memset(p128, 'a', 128);
	p128[128] = '\0';
	memset(p129, 'b', 129);
	p129[129] = '\0';
	r = call(&S, "POST", "/api/v1/me/password", tok,
		 "{\"current_password\":\"基层治理网格基层治理\",\"new_password\":\"%s\"}", p129);
	assert_status(r, 422);
	resp_free(r);
	r = call(&S, "POST", "/api/v1/me/password", tok,
		 "{\"current_password\":\"基层治理网格基层治理\",\"new_password\":\"%s\"}", p128);
	assert_status(r, 204);
	resp_free(r);
	free(tok);
	tok = login(&S, "changer", p128);
	free(tok);
}

static void test_disabled_account(void **state)
{
	(void)state;
	int64_t id = mkuser(&S, "leaver", "town_officer", "330681109");
	char *tok = login(&S, "leaver", TEST_PASSWORD);
	char path[96];
	snprintf(path, sizeof(path), "/api/v1/users/%lld", (long long)id);
	struct resp *r = call(&S, "PATCH", path, admin_tok, "{\"disabled\":true}");
	assert_status(r, 200);
	assert_true(json_is_true(jget(r->json, "disabled")));
	resp_free(r);
	r = call(&S, "GET", "/api/v1/me", tok, NULL);
	assert_status(r, 401);
	resp_free(r);
	r = login_from("198.51.100.50", "leaver", TEST_PASSWORD);
	assert_status(r, 401);
	assert_string_equal(err_code(r), "invalid_credentials");
	resp_free(r);
	r = call(&S, "PATCH", path, admin_tok, "{\"disabled\":false}");
	assert_status(r, 200);
	resp_free(r);
	r = login_from("198.51.100.50", "leaver", TEST_PASSWORD);
	assert_status(r, 200);
	resp_free(r);
	free(tok);
	/* The system administrator cannot disable their own account. */
	r = call(&S, "GET", "/api/v1/me", admin_tok, NULL);
	snprintf(path, sizeof(path), "/api/v1/users/%lld", (long long)jint(r->json, "id"));
	resp_free(r);
	r = call(&S, "PATCH", path, admin_tok, "{\"disabled\":true}");
	assert_status(r, 409);
	resp_free(r);
}

static void test_admin_accounts_only_from_the_command_line(void **state)
{
	(void)state;
	struct resp *r = call(&S, "GET", "/api/v1/users?q=auditor", admin_tok, NULL);
	int64_t auditor = jint(r->json, "items.0.id");
	resp_free(r);
	char path[96];
	snprintf(path, sizeof(path), "/api/v1/users/%lld/password", (long long)auditor);
	r = call(&S, "POST", path, admin_tok, "{\"password\":\"Taken-over-pw-1\"}");
	assert_status(r, 403);
	resp_free(r);
	char *out = NULL;
	char pwfile[256];
	snprintf(pwfile, sizeof(pwfile), "%s/pw2", S.dir);
	sh(NULL, "echo 'Recovered-password-1' > %s", pwfile);
	assert_int_equal(cli(&out, "user passwd --db %s --username auditor --password-file %s",
			     S.db, pwfile),
			 0);
	free(out);
	char *tok = login(&S, "auditor", "Recovered-password-1");
	free(tok);
}

static void test_credentials_stored_safely(void **state)
{
	(void)state;
	char *tok = login(&S, "town1", TEST_PASSWORD);
	sqlite3 *db;
	assert_int_equal(sqlite3_open_v2(S.db, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	sqlite3_stmt *st;
	assert_int_equal(
		sqlite3_prepare_v2(db, "SELECT password_hash FROM users WHERE username = 'town1'",
				   -1, &st, NULL),
		SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	const char *hash = (const char *)sqlite3_column_text(st, 0);
	/* Argon2id, at least 19 MiB and 2 passes. */
	assert_true(strncmp(hash, "$argon2id$v=19$m=19456,t=2,", 27) == 0);
	sqlite3_finalize(st);
	assert_int_equal(sqlite3_prepare_v2(
				 db,
				 "SELECT count(*) FROM sessions WHERE instr(csrf_token, ?1) OR "
				 "instr(client_ip, ?1)"
				 " OR instr(user_agent, ?1) OR instr(CAST(token_hash AS TEXT), ?1)",
				 -1, &st, NULL),
			 SQLITE_OK);
	sqlite3_bind_text(st, 1, tok, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), 0); /* the token itself is nowhere */
	sqlite3_finalize(st);
	sqlite3_close(db);
	free(tok);
}

static void test_sign_in_is_audited(void **state)
{
	(void)state;
	char *aud = login(&S, "auditor", "Recovered-password-1");
	struct resp *r = call(
		&S, "GET", "/api/v1/audit?action=session.create&result=account_locked", aud, NULL);
	assert_status(r, 200);
	assert_true(jint(r->json, "total") >= 1);
	assert_string_equal(jstr(r->json, "items.0.actor_name"), "locked2");
	resp_free(r);
	r = call(&S, "GET", "/api/v1/audit?action=session.create&result=rate_limited", aud, NULL);
	assert_true(jint(r->json, "total") >= 1);
	assert_string_equal(jstr(r->json, "items.0.client_ip"), "203.0.113.7");
	resp_free(r);
	r = call(&S, "GET", "/api/v1/audit?action=session.create&result=invalid_credentials", aud,
		 NULL);
	assert_true(jint(r->json, "total") >= 30);
	resp_free(r);
	r = call(&S, "GET", "/api/v1/audit?action=session.create&result=ok", aud, NULL);
	assert_true(jint(r->json, "total") >= 10);
	resp_free(r);
	free(aud);
}

int main(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_login_returns_token_csrf_and_cookie),
		cmocka_unit_test(test_me_with_bearer_and_cookie),
		cmocka_unit_test(test_cookie_writes_need_csrf_and_origin),
		cmocka_unit_test(test_logout_ends_the_session),
		cmocka_unit_test(test_idle_and_absolute_timeouts),
		cmocka_unit_test(test_lockout_after_five_failures),
		cmocka_unit_test(test_unlock_by_sysadmin),
		cmocka_unit_test(test_throttle_per_client_address),
		cmocka_unit_test(test_password_rules_and_change),
		cmocka_unit_test(test_disabled_account),
		cmocka_unit_test(test_admin_accounts_only_from_the_command_line),
		cmocka_unit_test(test_credentials_stored_safely),
		cmocka_unit_test(test_sign_in_is_audited),
	};
	int rc = cmocka_run_group_tests_name("api_auth", tests, setup, teardown);
	curl_global_cleanup();
	return rc;
}
