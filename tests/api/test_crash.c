/*
 * Crash safety: twenty times, several clients create grids while the server
 * is killed with SIGKILL at a random moment.  Afterwards every write the
 * server acknowledged is present with its content, every grid present has
 * the audit record of its creation (nothing half-written), the database
 * passes PRAGMA integrity_check and the audit chain verifies.
 */
#include "api/harness.h"

#include <curl/curl.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define ROUNDS 20
#define WRITERS 4
#define MAX_ACKED 20000

static struct server S;
static char *token;
static int64_t communities[31];
static int ncommunities;

struct acked {
	int64_t id;
	char code[16];
	char name[48];
};
static struct acked acked[MAX_ACKED];
static int nacked;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_int stop;

struct writer {
	int round, index;
};

static void *write_loop(void *arg)
{
	struct writer *w = arg;
	int64_t parent = communities[(w->round * WRITERS + w->index) % ncommunities];
	/* At most 150 per writer and round keeps every community under its
	 * 999 grids whatever the machine's speed. */
	for (int n = 0; n < 150 && !atomic_load(&stop); n++) {
		char name[48];
		snprintf(name, sizeof(name), "crash-r%d-w%d-%d", w->round, w->index, n);
		struct resp *r = call(&S, "POST", "/api/v1/orgs", token,
				      "{\"parent_id\":%lld,\"name\":\"%s\",\"level\":\"grid\"}",
				      (long long)parent, name);
		if (r->status == 201) {
			pthread_mutex_lock(&lock);
			if (nacked < MAX_ACKED) {
				acked[nacked].id = jint(r->json, "id");
				snprintf(acked[nacked].code, sizeof(acked[nacked].code), "%s",
					 jstr(r->json, "code"));
				snprintf(acked[nacked].name, sizeof(acked[nacked].name), "%s",
					 name);
				nacked++;
			}
			pthread_mutex_unlock(&lock);
		} else if (r->status == 0) {
			resp_free(r);
			break; /* the server is gone */
		} else if (r->status != 503) {
			print_error("unexpected %ld: %s\n", r->status, r->body);
		}
		resp_free(r);
	}
	return NULL;
}

static int setup(void **state)
{
	(void)state;
	srv_init(&S, true);
	srv_start(&S, NULL);
	mkuser(&S, "town1", "town_officer", "330681109");
	token = login(&S, "town1", TEST_PASSWORD);
	int64_t town = org_id(&S, token, "330681109");
	char path[96];
	snprintf(path, sizeof(path), "/api/v1/orgs/%lld/children?limit=200", (long long)town);
	struct resp *r = call(&S, "GET", path, token, NULL);
	json_t *items = jget(r->json, "items");
	for (size_t i = 0; i < json_array_size(items) && i < 31; i++)
		communities[ncommunities++] = jint(json_array_get(items, i), "id");
	resp_free(r);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(token);
	srv_cleanup(&S);
	return 0;
}

static void test_kill_during_writes(void **state)
{
	(void)state;
	srand(20261129);
	for (int round = 0; round < ROUNDS; round++) {
		if (round > 0)
			srv_start(&S, NULL);
		atomic_store(&stop, 0);
		pthread_t t[WRITERS];
		struct writer w[WRITERS];
		for (int i = 0; i < WRITERS; i++) {
			w[i] = (struct writer){round, i};
			pthread_create(&t[i], NULL, write_loop, &w[i]);
		}
		usleep((useconds_t)(100000 + rand() % 300000));
		srv_kill(&S);
		atomic_store(&stop, 1);
		for (int i = 0; i < WRITERS; i++)
			pthread_join(t[i], NULL);
	}
	print_message("%d acknowledged writes over %d kills\n", nacked, ROUNDS);
	assert_true(nacked > ROUNDS * 5);

	sqlite3 *db;
	assert_int_equal(sqlite3_open(S.db, &db), SQLITE_OK);
	sqlite3_stmt *st;
	/* Every acknowledged grid is there with its name and code. */
	assert_int_equal(
		sqlite3_prepare_v2(db, "SELECT code, name FROM org WHERE id = ?", -1, &st, NULL),
		SQLITE_OK);
	int missing = 0;
	for (int i = 0; i < nacked; i++) {
		sqlite3_bind_int64(st, 1, acked[i].id);
		if (sqlite3_step(st) != SQLITE_ROW ||
		    strcmp((const char *)sqlite3_column_text(st, 0), acked[i].code) != 0 ||
		    strcmp((const char *)sqlite3_column_text(st, 1), acked[i].name) != 0)
			missing++;
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	assert_int_equal(missing, 0);
	/* Every grid written, acknowledged or not, carries its audit record. */
	assert_int_equal(
		sqlite3_prepare_v2(
			db,
			"SELECT count(*) FROM org o WHERE o.name LIKE 'crash-%' AND NOT EXISTS ("
			" SELECT 1 FROM audit_log a WHERE a.action = 'org.create' AND a.object_id "
			"= CAST(o.id AS TEXT))",
			-1, &st, NULL),
		SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), 0);
	sqlite3_finalize(st);
	/* ... and no creation record lacks its grid. */
	assert_int_equal(sqlite3_prepare_v2(db,
					    "SELECT count(*) FROM audit_log a WHERE a.action = "
					    "'org.create' AND a.result = 'ok'"
					    " AND NOT EXISTS (SELECT 1 FROM org o WHERE CAST(o.id "
					    "AS TEXT) = a.object_id)",
					    -1, &st, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), 0);
	sqlite3_finalize(st);
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), "ok");
	sqlite3_finalize(st);
	sqlite3_close(db);
	char *out = NULL;
	assert_int_equal(cli(&out, "audit verify --db %s", S.db), 0);
	free(out);
	/* And the server comes back and serves the last acknowledged grid. */
	srv_start(&S, NULL);
	char path[96];
	snprintf(path, sizeof(path), "/api/v1/orgs?code=%s", acked[nacked - 1].code);
	struct resp *r = call(&S, "GET", path, token, NULL);
	assert_status(r, 200);
	assert_string_equal(jstr(r->json, "items.0.name"), acked[nacked - 1].name);
	resp_free(r);
	assert_int_equal(srv_stop(&S), 0);
}

int main(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kill_during_writes),
	};
	int rc = cmocka_run_group_tests_name("crash", tests, setup, teardown);
	curl_global_cleanup();
	return rc;
}
