/*
 * The audit log: what each state change, refusal and sign-in records, the
 * auditor's filters, and the hash chain: `grassroots audit verify` passes
 * on an untouched copy and names the first broken record after an edit, a
 * deletion, a reordering, or with the wrong key.
 */
#include "api/harness.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static struct server S;
static char *sys, *aud, *dept;

static int setup(void **state)
{
	(void)state;
	srv_init(&S, true);
	srv_start(&S, NULL);
	mkuser(&S, "dept1", "department_officer", ZHUJI);
	sys = login(&S, "sysadmin", TEST_PASSWORD);
	aud = login(&S, "auditor", TEST_PASSWORD);
	dept = login(&S, "dept1", TEST_PASSWORD);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(sys);
	free(aud);
	free(dept);
	srv_cleanup(&S);
	return 0;
}

static json_t *find_record(const char *query, const char *request_id)
{
	char path[512];
	snprintf(path, sizeof(path), "/api/v1/audit?%s&limit=200", query);
	struct resp *r = call(&S, "GET", path, aud, NULL);
	assert_status(r, 200);
	json_t *found = NULL;
	json_t *items = jget(r->json, "items");
	for (size_t i = 0; i < json_array_size(items) && !found; i++)
		if (strcmp(jstr(json_array_get(items, i), "request_id"), request_id) == 0)
			found = json_incref(json_array_get(items, i));
	resp_free(r);
	return found;
}

static void test_a_change_is_recorded_with_every_field(void **state)
{
	(void)state;
	time_t before = time(NULL);
	struct resp *r = call(
		&S, "POST", "/api/v1/users", sys,
		"{\"username\":\"audited\",\"display_name\":\"A\",\"password\":\"" TEST_PASSWORD
		"\"}");
	assert_status(r, 201);
	char rid[32], uid[24];
	snprintf(rid, sizeof(rid), "%s", resp_header(r, "X-Request-Id"));
	snprintf(uid, sizeof(uid), "%lld", (long long)jint(r->json, "id"));
	resp_free(r);
	json_t *rec = find_record("action=user.create", rid);
	assert_non_null(rec);
	assert_string_equal(jstr(rec, "actor_name"), "sysadmin");
	assert_string_equal(jstr(rec, "role"), "sysadmin");
	assert_string_equal(jstr(rec, "object_type"), "user");
	assert_string_equal(jstr(rec, "object_id"), uid);
	assert_string_equal(jstr(rec, "result"), "ok");
	assert_string_equal(jstr(rec, "client_ip"), "127.0.0.1");
	assert_string_equal(jstr(rec, "detail.username"), "audited");
	assert_true(jint(rec, "actor_id") > 0);
	/* UTC time with milliseconds, within this test's run. */
	const char *at = jstr(rec, "at");
	assert_int_equal(strlen(at), 24);
	assert_int_equal(at[23], 'Z');
	struct tm tm = {0};
	strptime(at, "%Y-%m-%dT%H:%M:%S", &tm);
	time_t t = timegm(&tm);
	assert_true(t >= before - 1 && t <= time(NULL) + 1);
	json_decref(rec);
}

static void test_a_grid_records_its_node(void **state)
{
	(void)state;
	mkuser(&S, "comm1", "community_worker", "330681109290");
	char *c = login(&S, "comm1", TEST_PASSWORD);
	int64_t parent = org_id(&S, c, "330681109290");
	struct resp *r = call(&S, "POST", "/api/v1/orgs", c,
			      "{\"parent_id\":%lld,\"name\":\"审计网格\",\"level\":\"grid\"}",
			      (long long)parent);
	assert_status(r, 201);
	char rid[32];
	snprintf(rid, sizeof(rid), "%s", resp_header(r, "X-Request-Id"));
	int64_t gid = jint(r->json, "id");
	resp_free(r);
	json_t *rec = find_record("action=org.create", rid);
	assert_non_null(rec);
	assert_int_equal(jint(rec, "org_id"), gid);
	assert_string_equal(jstr(rec, "role"), "community_worker");
	assert_string_equal(jstr(rec, "detail.code"), "330681109290001");
	json_decref(rec);
	free(c);
}

static void test_refusals_are_recorded(void **state)
{
	(void)state;
	/* Forbidden */
	struct resp *r = call(&S, "POST", "/api/v1/orgs", dept,
			      "{\"parent_id\":1,\"name\":\"x\",\"level\":\"grid\"}");
	assert_status(r, 403);
	char rid[32];
	snprintf(rid, sizeof(rid), "%s", resp_header(r, "X-Request-Id"));
	resp_free(r);
	json_t *rec = find_record("result=forbidden", rid);
	assert_non_null(rec);
	assert_string_equal(jstr(rec, "action"), "org.create");
	assert_string_equal(jstr(rec, "actor_name"), "dept1");
	json_decref(rec);
	/* Invalid input */
	r = call(&S, "POST", "/api/v1/users", sys, "{\"username\":\"x\"}");
	assert_status(r, 422);
	snprintf(rid, sizeof(rid), "%s", resp_header(r, "X-Request-Id"));
	resp_free(r);
	rec = find_record("result=validation_failed", rid);
	assert_non_null(rec);
	assert_string_equal(jstr(rec, "action"), "user.create");
	json_decref(rec);
	/* Anonymous write */
	r = call(&S, "DELETE", "/api/v1/session", NULL, NULL);
	assert_status(r, 401);
	snprintf(rid, sizeof(rid), "%s", resp_header(r, "X-Request-Id"));
	resp_free(r);
	rec = find_record("result=unauthenticated", rid);
	assert_non_null(rec);
	assert_string_equal(jstr(rec, "actor_name"), "");
	json_decref(rec);
	/* Reads of the tree leave no record (no personal data in it). */
	r = call(&S, "GET", "/api/v1/audit?action=org.&limit=1", aud, NULL);
	int64_t org_records = jint(r->json, "total");
	resp_free(r);
	r = call(&S, "GET", "/api/v1/orgs", dept, NULL);
	resp_free(r);
	r = call(&S, "GET", "/api/v1/audit?action=org.&limit=1", aud, NULL);
	assert_int_equal(jint(r->json, "total"), org_records);
	resp_free(r);
}

static void test_filters(void **state)
{
	(void)state;
	struct resp *r = call(&S, "GET", "/api/v1/audit?action=user.&limit=200", aud, NULL);
	assert_status(r, 200);
	json_t *items = jget(r->json, "items");
	assert_true(json_array_size(items) >= 2);
	for (size_t i = 0; i < json_array_size(items); i++)
		assert_true(strncmp(jstr(json_array_get(items, i), "action"), "user.", 5) == 0);
	/* Newest first. */
	assert_true(jint(json_array_get(items, 0), "id") > jint(json_array_get(items, 1), "id"));
	resp_free(r);
	r = call(&S, "GET", "/api/v1/me", dept, NULL);
	int64_t dept_id = jint(r->json, "id");
	resp_free(r);
	char path[128];
	snprintf(path, sizeof(path), "/api/v1/audit?actor_id=%lld", (long long)dept_id);
	r = call(&S, "GET", path, aud, NULL);
	assert_true(jint(r->json, "total") >= 2); /* sign-in and the refusal */
	for (size_t i = 0; i < json_array_size(jget(r->json, "items")); i++)
		assert_string_equal(jstr(json_array_get(jget(r->json, "items"), i), "actor_name"),
				    "dept1");
	resp_free(r);
	r = call(&S, "GET", "/api/v1/audit?actor=dept1", aud, NULL);
	assert_true(jint(r->json, "total") >= 2);
	for (size_t i = 0; i < json_array_size(jget(r->json, "items")); i++)
		assert_int_equal(jint(json_array_get(jget(r->json, "items"), i), "actor_id"),
				 dept_id);
	resp_free(r);
	r = call(&S, "GET", "/api/v1/audit?actor=nobody-at-all", aud, NULL);
	assert_int_equal(jint(r->json, "total"), 0);
	resp_free(r);
	/* Dates: everything is from today; nothing from a year ago. */
	r = call(&S, "GET", "/api/v1/audit?to=2000-01-01", aud, NULL);
	assert_int_equal(jint(r->json, "total"), 0);
	resp_free(r);
	r = call(&S, "GET", "/api/v1/audit?from=not-a-date", aud, NULL);
	assert_status(r, 422);
	assert_string_equal(err_field(r), "from");
	resp_free(r);
	/* No route deletes or edits audit records. */
	r = call(&S, "DELETE", "/api/v1/audit", aud, NULL);
	assert_status(r, 405);
	resp_free(r);
	r = call(&S, "GET", "/api/v1/audit/verify", aud, NULL);
	assert_status(r, 200);
	assert_true(json_is_true(jget(r->json, "intact")));
	assert_true(jint(r->json, "records") > 5);
	assert_int_equal(jint(r->json, "head_id"), jint(r->json, "records"));
	assert_int_equal(strlen(jstr(r->json, "head_hash")), 64);
	resp_free(r);
}

/* A consistent copy of the live database with its key. */
static void copy_db(const char *name, char *out, size_t len)
{
	snprintf(out, len, "%s/%s.db", S.dir, name);
	char *o = NULL;
	if (cli(&o, "backup --db %s --out %s", S.db, out) != 0)
		fail_msg("backup: %s", o);
	free(o);
	sh(NULL, "cp %s.key %s.key", S.db, out);
}

static void test_verify_detects_tampering(void **state)
{
	(void)state;
	char db[256], *out = NULL, head[128] = "";
	copy_db("intact", db, sizeof(db));
	assert_int_equal(cli(&out, "audit verify --db %s", db), 0);
	assert_non_null(strstr(out, "intact"));
	assert_non_null(strstr(out, "head: "));
	sscanf(strstr(out, "head: ") + 6, "%127s", head);
	free(out);
	assert_int_equal(cli(&out, "audit verify --db %s --head %s", db, head), 0);
	free(out);

	/* Cutting off the newest records leaves a valid chain; only the head
	 * noted earlier shows it. */
	copy_db("truncated", db, sizeof(db));
	assert_int_equal(
		sh(NULL,
		   "sqlite3 %s \"DROP TRIGGER audit_log_no_delete; "
		   "DELETE FROM audit_log WHERE id > (SELECT max(id) - 2 FROM audit_log)\"",
		   db),
		0);
	assert_int_equal(cli(&out, "audit verify --db %s", db), 0);
	free(out);
	assert_int_equal(cli(&out, "audit verify --db %s --head %s", db, head), 1);
	assert_non_null(strstr(out, "removed"));
	free(out);

	/* Edit: the triggers refuse, so an attacker drops them first. */
	copy_db("edited", db, sizeof(db));
	assert_int_not_equal(
		sh(&out, "sqlite3 %s \"UPDATE audit_log SET result='ok' WHERE id=5\"", db), 0);
	free(out);
	assert_int_equal(sh(NULL,
			    "sqlite3 %s \"DROP TRIGGER audit_log_no_update; "
			    "UPDATE audit_log SET actor_name='someone else' WHERE id=5\"",
			    db),
			 0);
	assert_int_equal(cli(&out, "audit verify --db %s", db), 1);
	assert_non_null(strstr(out, "record 5:"));
	assert_non_null(strstr(out, "edited"));
	free(out);

	copy_db("deleted", db, sizeof(db));
	assert_int_equal(sh(NULL,
			    "sqlite3 %s \"DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log "
			    "WHERE id=4\"",
			    db),
			 0);
	assert_int_equal(cli(&out, "audit verify --db %s", db), 1);
	assert_non_null(strstr(out, "record 5:"));
	free(out);

	copy_db("renumbered", db, sizeof(db));
	/* Delete a record and renumber the rest to hide the gap. */
	assert_int_equal(
		sh(NULL,
		   "sqlite3 %s \"DROP TRIGGER audit_log_no_delete; DROP TRIGGER "
		   "audit_log_no_update; "
		   "DELETE FROM audit_log WHERE id=4; UPDATE audit_log SET id=id-1 WHERE id>4\"",
		   db),
		0);
	assert_int_equal(cli(&out, "audit verify --db %s", db), 1);
	assert_non_null(strstr(out, "record 4:"));
	free(out);

	copy_db("reordered", db, sizeof(db));
	assert_int_equal(
		sh(NULL,
		   "sqlite3 %s \"DROP TRIGGER audit_log_no_update; "
		   "UPDATE audit_log SET id=-1 WHERE id=3; UPDATE audit_log SET id=3 WHERE id=4; "
		   "UPDATE audit_log SET id=4 WHERE id=-1\"",
		   db),
		0);
	assert_int_equal(cli(&out, "audit verify --db %s", db), 1);
	assert_non_null(strstr(out, "record 3:"));
	free(out);

	/* With another deployment's key nothing verifies. */
	copy_db("otherkey", db, sizeof(db));
	sh(NULL, "head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \\n' > %s.key", db);
	assert_int_equal(cli(&out, "audit verify --db %s", db), 1);
	assert_non_null(strstr(out, "record 1:"));
	free(out);

	/* The live database is still intact. */
	assert_int_equal(cli(&out, "audit verify --db %s", S.db), 0);
	free(out);
}

int main(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_a_change_is_recorded_with_every_field),
		cmocka_unit_test(test_a_grid_records_its_node),
		cmocka_unit_test(test_refusals_are_recorded),
		cmocka_unit_test(test_filters),
		cmocka_unit_test(test_verify_detects_tampering),
	};
	int rc = cmocka_run_group_tests_name("api_audit", tests, setup, teardown);
	curl_global_cleanup();
	return rc;
}
