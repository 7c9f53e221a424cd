/*
 * Accounts and role grants with the three-administrator separation: the
 * system administrator manages accounts, the security administrator grants
 * roles at nodes, each only that job; grants follow the role catalogue's
 * levels; administrators hold exactly one role.
 */
#include "api/harness.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct server S;
static char *sys, *sec, *aud;
static int64_t fengqiao, fengyuan, zhuji;

static int setup(void **state)
{
	(void)state;
	srv_init(&S, true);
	srv_start(&S, NULL);
	sys = login(&S, "sysadmin", TEST_PASSWORD);
	sec = login(&S, "secadmin", TEST_PASSWORD);
	aud = login(&S, "auditor", TEST_PASSWORD);
	zhuji = org_id(&S, sec, ZHUJI);
	fengqiao = org_id(&S, sec, "330681109");
	fengyuan = org_id(&S, sec, "330681109290");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(sys);
	free(sec);
	free(aud);
	srv_cleanup(&S);
	return 0;
}

static int64_t create(const char *username, const char *name)
{
	struct resp *r = call(
		&S, "POST", "/api/v1/users", sys,
		"{\"username\":\"%s\",\"display_name\":\"%s\",\"password\":\"" TEST_PASSWORD "\"}",
		username, name);
	assert_status(r, 201);
	int64_t id = jint(r->json, "id");
	assert_string_equal(jstr(r->json, "username"), username);
	assert_string_equal(jstr(r->json, "display_name"), name);
	assert_false(json_is_true(jget(r->json, "disabled")));
	assert_int_equal(json_array_size(jget(r->json, "roles")), 0);
	resp_free(r);
	return id;
}

static struct resp *grant(const char *token, int64_t user, const char *role, int64_t org)
{
	char path[96];
	snprintf(path, sizeof(path), "/api/v1/users/%lld/roles", (long long)user);
	if (org == 0)
		return call(&S, "POST", path, token, "{\"role\":\"%s\"}", role);
	return call(&S, "POST", path, token, "{\"role\":\"%s\",\"org_id\":%lld}", role,
		    (long long)org);
}

static void test_create_list_and_read_accounts(void **state)
{
	(void)state;
	int64_t id = create("chen.lixin", "陈立新");
	/* A new account without roles can sign in but sees no tree. */
	char *t = login(&S, "chen.lixin", TEST_PASSWORD);
	struct resp *r = call(&S, "GET", "/api/v1/orgs", t, NULL);
	assert_status(r, 403);
	resp_free(r);
	free(t);
	r = call(&S, "GET", "/api/v1/users?q=%E9%99%88", sec, NULL); /* 陈 */
	assert_status(r, 200);
	assert_int_equal(jint(r->json, "total"), 1);
	assert_int_equal(jint(r->json, "items.0.id"), id);
	resp_free(r);
	r = call(&S, "GET", "/api/v1/users?limit=2", sys, NULL);
	assert_int_equal(json_array_size(jget(r->json, "items")), 2);
	assert_int_equal(jint(r->json, "total"), 4);
	resp_free(r);
	/* Usernames are unique whatever the case typed. */
	r = call(&S, "POST", "/api/v1/users", sys,
		 "{\"username\":\"Chen.Lixin\",\"display_name\":\"x\",\"password\":\"" TEST_PASSWORD
		 "\"}");
	assert_status(r, 422);
	resp_free(r);
	t = login(&S, "CHEN.LIXIN", TEST_PASSWORD); /* sign-in is case-insensitive */
	free(t);
}

static void test_grant_at_node_gives_scope(void **state)
{
	(void)state;
	int64_t id = create("yang.liping", "杨丽萍");
	struct resp *r = grant(sec, id, "community_worker", fengyuan);
	assert_status(r, 201);
	assert_string_equal(jstr(r->json, "role"), "community_worker");
	assert_int_equal(jint(r->json, "org_id"), fengyuan);
	assert_string_equal(jstr(r->json, "org_name"), "枫源村委会");
	int64_t gid = jint(r->json, "id");
	resp_free(r);
	char *t = login(&S, "yang.liping", TEST_PASSWORD);
	r = call(&S, "GET", "/api/v1/orgs", t, NULL);
	assert_string_equal(jstr(r->json, "items.0.code"), "330681109290");
	resp_free(r);
	/* The same grant twice is a conflict. */
	r = grant(sec, id, "community_worker", fengyuan);
	assert_status(r, 409);
	resp_free(r);
	/* Revoke: access ends at once, even for the open session. */
	char path[128];
	snprintf(path, sizeof(path), "/api/v1/users/%lld/roles/%lld", (long long)id,
		 (long long)gid);
	r = call(&S, "DELETE", path, sec, NULL);
	assert_status(r, 204);
	resp_free(r);
	r = call(&S, "GET", "/api/v1/orgs", t, NULL);
	assert_status(r, 403);
	resp_free(r);
	r = call(&S, "DELETE", path, sec, NULL);
	assert_status(r, 404);
	resp_free(r);
	free(t);
}

static void test_grants_follow_levels(void **state)
{
	(void)state;
	int64_t id = create("level.test", "L");
	struct resp *r = grant(sec, id, "grid_worker", fengyuan); /* a community, not a grid */
	assert_status(r, 422);
	assert_string_equal(err_field(r), "org_id");
	resp_free(r);
	r = grant(sec, id, "town_officer", zhuji);
	assert_status(r, 422);
	resp_free(r);
	r = grant(sec, id, "community_worker", 0);
	assert_status(r, 422);
	resp_free(r);
	r = grant(sec, id, "county_officer", 987654);
	assert_status(r, 422);
	assert_string_equal(err_field(r), "org_id");
	resp_free(r);
	r = grant(sec, id, "mayor", fengqiao);
	assert_status(r, 422);
	assert_string_equal(err_field(r), "role");
	resp_free(r);
	/* Several roles at several nodes are fine for business roles. */
	r = grant(sec, id, "town_officer", fengqiao);
	assert_status(r, 201);
	resp_free(r);
	r = grant(sec, id, "volunteer", fengyuan);
	assert_status(r, 201);
	resp_free(r);
	char path[96];
	snprintf(path, sizeof(path), "/api/v1/users/%lld/roles", (long long)id);
	r = call(&S, "GET", path, sys, NULL);
	assert_int_equal(json_array_size(jget(r->json, "items")), 2);
	resp_free(r);
}

static void test_three_administrators_are_separate(void **state)
{
	(void)state;
	int64_t id = create("second.admin", "S");
	/* Administrator roles are global: no node. */
	struct resp *r = grant(sec, id, "auditor", fengqiao);
	assert_status(r, 422);
	resp_free(r);
	r = grant(sec, id, "auditor", 0);
	assert_status(r, 201);
	resp_free(r);
	/* An administrator holds no second role of any kind. */
	r = grant(sec, id, "sysadmin", 0);
	assert_status(r, 422);
	resp_free(r);
	r = grant(sec, id, "town_officer", fengqiao);
	assert_status(r, 422);
	resp_free(r);
	/* And a business user cannot become an administrator. */
	int64_t biz = create("biz.user", "B");
	r = grant(sec, biz, "town_officer", fengqiao);
	assert_status(r, 201);
	resp_free(r);
	r = grant(sec, biz, "secadmin", 0);
	assert_status(r, 422);
	resp_free(r);
	/* Nobody changes their own roles. */
	r = call(&S, "GET", "/api/v1/me", sec, NULL);
	int64_t me = jint(r->json, "id");
	resp_free(r);
	r = grant(sec, me, "auditor", 0);
	assert_status(r, 403);
	resp_free(r);
	/* Each administrator does only their job. */
	r = grant(sys, biz, "volunteer", fengyuan);
	assert_status(r, 403);
	resp_free(r);
	r = call(&S, "POST", "/api/v1/users", sec,
		 "{\"username\":\"by.sec\",\"display_name\":\"x\",\"password\":\"" TEST_PASSWORD
		 "\"}");
	assert_status(r, 403);
	resp_free(r);
	r = call(&S, "GET", "/api/v1/audit", sys, NULL);
	assert_status(r, 403);
	resp_free(r);
	r = call(&S, "GET", "/api/v1/audit", sec, NULL);
	assert_status(r, 403);
	resp_free(r);
	r = call(&S, "GET", "/api/v1/users", aud, NULL);
	assert_status(r, 403);
	resp_free(r);
	/* The system administrator cannot touch another administrator's account. */
	char path[96];
	snprintf(path, sizeof(path), "/api/v1/users/%lld", (long long)id);
	r = call(&S, "PATCH", path, sys, "{\"disabled\":true}");
	assert_status(r, 403);
	resp_free(r);
	/* None of the three holds a permission on residents' data or the tree's
	 * content beyond reading it. */
	const char *admins[] = {sys, sec, aud};
	for (int i = 0; i < 3; i++) {
		r = call(&S, "GET", "/api/v1/me", admins[i], NULL);
		json_t *p = jget(r->json, "permissions");
		for (size_t k = 0; k < json_array_size(p); k++) {
			const char *perm = json_string_value(json_array_get(p, k));
			assert_true(strcmp(perm, "org.write") != 0 &&
				    strcmp(perm, "grid.assign") != 0);
			assert_null(strstr(perm, "registry"));
			assert_null(strstr(perm, "resident"));
		}
		resp_free(r);
	}
}

static void test_password_reset_by_sysadmin(void **state)
{
	(void)state;
	int64_t id = create("forgetful", "F");
	char *t = login(&S, "forgetful", TEST_PASSWORD);
	char path[96];
	snprintf(path, sizeof(path), "/api/v1/users/%lld/password", (long long)id);
	struct resp *r = call(&S, "POST", path, sys, "{\"password\":\"forgetful\"}");
	assert_status(r, 422); /* too short and equal to the username */
	resp_free(r);
	r = call(&S, "POST", path, sys, "{\"password\":\"A-fresh-start-1\"}");
	assert_status(r, 204);
	resp_free(r);
	r = call(&S, "GET", "/api/v1/me", t, NULL);
	assert_status(r, 401); /* sessions ended */
	resp_free(r);
	free(t);
	t = login(&S, "forgetful", "A-fresh-start-1");
	free(t);
}

static void test_roles_catalogue(void **state)
{
	(void)state;
	struct resp *r = call(&S, "GET", "/api/v1/roles", aud, NULL);
	assert_status(r, 200);
	json_t *items = jget(r->json, "items");
	const char *expected[] = {"sysadmin",         "secadmin",           "auditor",
				  "county_officer",   "department_officer", "town_officer",
				  "community_worker", "grid_worker",        "property_staff",
				  "org_staff",        "volunteer",          "resident",
				  "mediator",         "counsellor",         "counsel_supervisor"};
	enum { NEXPECTED = sizeof(expected) / sizeof(expected[0]) };
	assert_int_equal(json_array_size(items), NEXPECTED);
	for (size_t i = 0; i < NEXPECTED; i++)
		assert_string_equal(
			json_string_value(json_object_get(json_array_get(items, i), "role")),
			expected[i]);
	assert_true(json_is_true(jget(r->json, "items.0.admin")));
	assert_string_equal(jstr(r->json, "items.7.levels.0"), "grid");
	resp_free(r);
}

/* API keys of machines: issued, listed and revoked by the system
 * administrator alone; the key is in the answer that issues it and nowhere
 * else (not in the list, not in the audit log). */
static void test_api_keys(void **state)
{
	(void)state;
	struct resp *r = call(&S, "POST", "/api/v1/api-keys", sys, "{\"name\":\"随手拍 app\"}");
	assert_status(r, 201);
	int64_t id = jint(r->json, "id");
	char key[64];
	snprintf(key, sizeof(key), "%s", jstr(r->json, "key"));
	assert_int_equal(strlen(key), 43);
	assert_int_equal(strspn(key, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
			 43);
	assert_string_equal(jstr(r->json, "name"), "随手拍 app");
	resp_free(r);
	/* A second key is another key. */
	r = call(&S, "POST", "/api/v1/api-keys", sys, "{\"name\":\"second\"}");
	assert_status(r, 201);
	assert_string_not_equal(jstr(r->json, "key"), key);
	resp_free(r);
	r = call(&S, "POST", "/api/v1/api-keys", sys, "{\"name\":\"\"}");
	assert_status(r, 422);
	assert_string_equal(err_field(r), "name");
	resp_free(r);

	r = call(&S, "GET", "/api/v1/api-keys", sys, NULL);
	assert_status(r, 200);
	assert_null(strstr(r->body, key));
	assert_null(strstr(r->body, "\"key\""));
	json_t *items = jget(r->json, "items");
	assert_int_equal(json_array_size(items), 2);
	json_t *mine = json_array_get(items, 1);
	assert_int_equal(jint(mine, "id"), id);
	assert_string_equal(jstr(mine, "name"), "随手拍 app");
	assert_false(json_is_true(jget(mine, "revoked")));
	assert_true(json_is_null(jget(mine, "last_used_at")));
	assert_non_null(jstr(mine, "created_at"));
	resp_free(r);

	/* Nobody else may touch keys, not even the other administrators. */
	mkuser(&S, "key_county", "county_officer", ZHUJI);
	char *county = login(&S, "key_county", TEST_PASSWORD);
	const char *others[] = {sec, aud, county};
	char path[64];
	snprintf(path, sizeof(path), "/api/v1/api-keys/%lld", (long long)id);
	for (size_t i = 0; i < 3; i++) {
		r = call(&S, "GET", "/api/v1/api-keys", others[i], NULL);
		assert_status(r, 403);
		resp_free(r);
		r = call(&S, "POST", "/api/v1/api-keys", others[i], "{\"name\":\"x\"}");
		assert_status(r, 403);
		resp_free(r);
		r = call(&S, "DELETE", path, others[i], NULL);
		assert_status(r, 403);
		resp_free(r);
	}
	free(county);

	/* Revoking: 204, again 204, unknown 404. */
	r = call(&S, "DELETE", path, sys, NULL);
	assert_status(r, 204);
	resp_free(r);
	r = call(&S, "DELETE", path, sys, NULL);
	assert_status(r, 204);
	resp_free(r);
	r = call(&S, "DELETE", "/api/v1/api-keys/999999", sys, NULL);
	assert_status(r, 404);
	resp_free(r);
	r = call(&S, "DELETE", "/api/v1/api-keys/abc", sys, NULL);
	assert_status(r, 404);
	resp_free(r);
	r = call(&S, "GET", "/api/v1/api-keys", sys, NULL);
	mine = json_array_get(jget(r->json, "items"), 1);
	assert_true(json_is_true(jget(mine, "revoked")));
	assert_non_null(jstr(mine, "revoked_at"));
	resp_free(r);

	/* Issuing and revoking are audited, without the key. */
	r = call(&S, "GET", "/api/v1/audit?object_type=api_key", aud, NULL);
	assert_status(r, 200);
	assert_null(strstr(r->body, key));
	int creates = 0, revokes = 0, refused = 0;
	size_t i;
	json_t *v;
	json_array_foreach(jget(r->json, "items"), i, v)
	{
		if (strcmp(jstr(v, "result"), "ok") != 0)
			refused++;
		else if (strcmp(jstr(v, "action"), "api_key.create") == 0)
			creates++;
		else if (strcmp(jstr(v, "action"), "api_key.revoke") == 0)
			revokes++;
	}
	assert_int_equal(creates, 2);
	assert_int_equal(revokes, 2);
	assert_true(refused >= 6);
	resp_free(r);
}

int main(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_list_and_read_accounts),
		cmocka_unit_test(test_grant_at_node_gives_scope),
		cmocka_unit_test(test_grants_follow_levels),
		cmocka_unit_test(test_three_administrators_are_separate),
		cmocka_unit_test(test_password_reset_by_sysadmin),
		cmocka_unit_test(test_roles_catalogue),
		cmocka_unit_test(test_api_keys),
	};
	int rc = cmocka_run_group_tests_name("api_accounts", tests, setup, teardown);
	curl_global_cleanup();
	return rc;
}
