/*
 * Unit tests of the storage layer (db/db.h) and the migration runner
 * (db/migrate.h) on temporary database files.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/embed.h"
#include "core/error.h"
#include "core/str.h"
#include "db/db.h"
#include "db/migrate.h"

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

static void rm_tree(const char *dir)
{
	nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

struct fixture {
	char dir[32];
	int n; /* databases made so far */
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	if (fx == NULL)
		return -1;
	snprintf(fx->dir, sizeof(fx->dir), "/tmp/gr-db-XXXXXX");
	if (mkdtemp(fx->dir) == NULL) {
		free(fx);
		return -1;
	}
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	rm_tree(fx->dir);
	free(fx);
	return 0;
}

/* A fresh path inside the fixture directory. */
static void new_path(struct fixture *fx, char *out, size_t len)
{
	snprintf(out, len, "%s/db%d.sqlite", fx->dir, fx->n++);
}

static struct db *open_new(struct fixture *fx, bool normal, int busy_ms)
{
	char path[96];
	new_path(fx, path, sizeof(path));
	struct db_options o = {.path = path,
			       .synchronous_normal = normal,
			       .busy_timeout_ms = busy_ms,
			       .create = true};
	struct db *db = NULL;
	assert_int_equal(db_open(&o, &db), RC_OK);
	assert_non_null(db);
	return db;
}

static int64_t pragma_int(struct db *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	assert_int_equal(sqlite3_prepare_v2(db_handle(db), sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	int64_t v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static char *query_text(struct db *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	assert_int_equal(sqlite3_prepare_v2(db_handle(db), sql, -1, &st, NULL), SQLITE_OK);
	struct sbuf b = {0};
	int src;
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		for (int i = 0; i < sqlite3_column_count(st); i++) {
			const unsigned char *t = sqlite3_column_text(st, i);
			sbuf_puts(&b, t ? (const char *)t : "<null>");
			sbuf_puts(&b, "|");
		}
		sbuf_puts(&b, "\n");
	}
	assert_int_equal(src, SQLITE_DONE);
	sqlite3_finalize(st);
	return sbuf_steal(&b);
}

static int64_t count_rows(struct db *db, const char *table)
{
	char sql[128];
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", table);
	return pragma_int(db, sql);
}

/* ---- connections ---- */

static void test_open_creates_file_with_pragmas(void **state)
{
	struct fixture *fx = *state;
	char path[96];
	new_path(fx, path, sizeof(path));
	assert_int_equal(access(path, F_OK), -1);
	struct db_options o = {.path = path, .create = true};
	struct db *db = NULL;
	assert_int_equal(db_open(&o, &db), RC_OK);
	assert_int_equal(access(path, F_OK), 0);

	char *mode = query_text(db, "PRAGMA journal_mode");
	assert_string_equal(mode, "wal|\n");
	free(mode);
	assert_int_equal(pragma_int(db, "PRAGMA foreign_keys"), 1);
	assert_int_equal(pragma_int(db, "PRAGMA synchronous"), 2); /* FULL */
	assert_int_equal(migrate_current(db), 0);
	db_close(db);

	/* Reopening an existing file works without create. */
	o.create = false;
	o.synchronous_normal = true;
	assert_int_equal(db_open(&o, &db), RC_OK);
	assert_int_equal(pragma_int(db, "PRAGMA synchronous"), 1); /* NORMAL */
	assert_int_equal(pragma_int(db, "PRAGMA foreign_keys"), 1);
	db_close(db);
	db_close(NULL); /* harmless */
}

static void test_open_missing_file_without_create_fails(void **state)
{
	struct fixture *fx = *state;
	char path[96];
	new_path(fx, path, sizeof(path));
	struct db_options o = {.path = path, .create = false};
	struct db *db = NULL;
	assert_int_equal(db_open(&o, &db), RC_INTERNAL);
	assert_null(db);
	assert_int_equal(access(path, F_OK), -1);

	char bad[128];
	snprintf(bad, sizeof(bad), "%s/no/such/dir/x.db", fx->dir);
	o.path = bad;
	o.create = true;
	assert_int_equal(db_open(&o, &db), RC_INTERNAL);
	assert_null(db);
}

/* ---- statement catalogue ---- */

static void test_stmt_same_literal_same_statement_reset(void **state)
{
	struct fixture *fx = *state;
	struct db *db = open_new(fx, true, 0);
	static const char two_rows[] = "SELECT 1 UNION ALL SELECT 2";
	static const char same_text[] = "SELECT 1 UNION ALL SELECT 2";

	sqlite3_stmt *a = db_stmt(db, two_rows);
	assert_non_null(a);
	assert_int_equal(sqlite3_step(a), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(a, 0), 1);
	/* Left mid-way; asking again gives the same statement from the top. */
	sqlite3_stmt *b = db_stmt(db, two_rows);
	assert_ptr_equal(a, b);
	assert_int_equal(sqlite3_step(b), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(b, 0), 1);

	/* The cache key is the literal's address, not its text. */
	sqlite3_stmt *c = db_stmt(db, same_text);
	assert_non_null(c);
	assert_ptr_not_equal(a, c);

	/* Bindings are cleared. */
	static const char param[] = "SELECT ?1";
	sqlite3_stmt *p = db_stmt(db, param);
	sqlite3_bind_int(p, 1, 42);
	assert_int_equal(sqlite3_step(p), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(p, 0), 42);
	p = db_stmt(db, param);
	assert_int_equal(sqlite3_step(p), SQLITE_ROW);
	assert_int_equal(sqlite3_column_type(p, 0), SQLITE_NULL);

	/* SQL that does not compile gives NULL, and keeps giving NULL. */
	static const char broken[] = "SELEC nonsense";
	assert_null(db_stmt(db, broken));
	assert_null(db_stmt(db, broken));
	db_release(db);
	db_close(db);
}

static void test_stmt_catalogue_grows(void **state)
{
	struct fixture *fx = *state;
	struct db *db = open_new(fx, true, 0);
	enum { N = 300 };
	static char sql[N][32];
	sqlite3_stmt *first[N];
	for (int i = 0; i < N; i++) {
		snprintf(sql[i], sizeof(sql[i]), "SELECT %d", i);
		first[i] = db_stmt(db, sql[i]);
		assert_non_null(first[i]);
	}
	for (int i = 0; i < N; i++) {
		sqlite3_stmt *st = db_stmt(db, sql[i]);
		assert_ptr_equal(st, first[i]);
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		assert_int_equal(sqlite3_column_int(st, 0), i);
	}
	db_release(db);
	db_close(db);
}

/* ---- transactions and error mapping ---- */

static void test_begin_commit_rollback(void **state)
{
	struct fixture *fx = *state;
	struct db *db = open_new(fx, true, 0);
	assert_int_equal(db_exec_static(db, "CREATE TABLE t (x INTEGER UNIQUE)"), RC_OK);
	assert_false(db_in_transaction(db));

	assert_int_equal(db_begin(db), RC_OK);
	assert_true(db_in_transaction(db));
	assert_int_equal(db_exec_static(db, "INSERT INTO t VALUES (1)"), RC_OK);
	db_rollback(db);
	assert_false(db_in_transaction(db));
	assert_int_equal(count_rows(db, "t"), 0);
	db_rollback(db); /* no transaction: nothing happens */

	assert_int_equal(db_begin(db), RC_OK);
	sqlite3_stmt *st = db_stmt(db, "INSERT INTO t VALUES (?)");
	sqlite3_bind_int(st, 1, 7);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	assert_int_equal(db_changes(db), 1);
	int64_t id = db_last_id(db);
	assert_true(id > 0);
	assert_int_equal(db_commit(db), RC_OK);
	assert_false(db_in_transaction(db));
	assert_int_equal(count_rows(db, "t"), 1);

	/* The commit is durable: another connection sees it. */
	struct db_options o = {.path = sqlite3_db_filename(db_handle(db), "main")};
	struct db *other = NULL;
	assert_int_equal(db_open(&o, &other), RC_OK);
	assert_int_equal(count_rows(other, "t"), 1);
	db_close(other);
	db_release(db);
	db_close(db);
}

static void test_begin_while_another_connection_writes_is_unavailable(void **state)
{
	struct fixture *fx = *state;
	struct db *a = open_new(fx, true, 50);
	assert_int_equal(db_exec_static(a, "CREATE TABLE t (x)"), RC_OK);
	struct db_options o = {.path = sqlite3_db_filename(db_handle(a), "main"),
			       .busy_timeout_ms = 50};
	struct db *b = NULL;
	assert_int_equal(db_open(&o, &b), RC_OK);

	uint64_t errors = db_metric_busy_errors();
	uint64_t waits = db_metric_busy_waits();
	assert_int_equal(db_begin(a), RC_OK);
	assert_int_equal(db_begin(b), RC_UNAVAILABLE);
	assert_false(db_in_transaction(b));
	assert_true(db_metric_busy_errors() > errors);
	assert_true(db_metric_busy_waits() > waits);
	/* Readers are not blocked by the writer (WAL). */
	assert_int_equal(count_rows(b, "t"), 0);
	assert_int_equal(db_commit(a), RC_OK);
	assert_int_equal(db_begin(b), RC_OK);
	assert_int_equal(db_commit(b), RC_OK);
	db_release(a);
	db_release(b);
	db_close(b);
	db_close(a);
}

static void test_rc_mapping(void **state)
{
	struct fixture *fx = *state;
	struct db *db = open_new(fx, true, 0);
	assert_int_equal(db_rc(db, SQLITE_OK), RC_OK);
	assert_int_equal(db_rc(db, SQLITE_DONE), RC_OK);
	assert_int_equal(db_rc(db, SQLITE_ROW), RC_OK);
	assert_int_equal(db_rc(db, SQLITE_CONSTRAINT), RC_CONFLICT);
	assert_int_equal(db_rc(db, SQLITE_CONSTRAINT_UNIQUE), RC_CONFLICT);
	assert_int_equal(db_rc(db, SQLITE_CONSTRAINT_FOREIGNKEY), RC_CONFLICT);
	assert_int_equal(db_rc(db, SQLITE_BUSY), RC_UNAVAILABLE);
	assert_int_equal(db_rc(db, SQLITE_BUSY_SNAPSHOT), RC_UNAVAILABLE);
	assert_int_equal(db_rc(db, SQLITE_LOCKED), RC_UNAVAILABLE);
	assert_int_equal(db_rc(db, SQLITE_CORRUPT), RC_INTERNAL);
	assert_int_equal(db_rc(db, SQLITE_ERROR), RC_INTERNAL);
	assert_int_equal(db_rc(db, SQLITE_IOERR_WRITE), RC_INTERNAL);

	/* Real violations come back as conflicts. */
	assert_int_equal(
		db_exec_static(
			db, "CREATE TABLE p (id INTEGER PRIMARY KEY, name TEXT UNIQUE);"
			    "CREATE TABLE c (id INTEGER PRIMARY KEY, p INTEGER REFERENCES p(id));"
			    "INSERT INTO p VALUES (1, 'one');"),
		RC_OK);
	sqlite3_stmt *st = db_stmt(db, "INSERT INTO p (name) VALUES (?)");
	db_bind_text(st, 1, "one");
	assert_int_equal(db_rc(db, sqlite3_step(st)), RC_CONFLICT);
	sqlite3_reset(st);
	/* Foreign keys are enforced. */
	assert_int_equal(db_exec_static(db, "INSERT INTO c (p) VALUES (99)"), RC_CONFLICT);
	assert_int_equal(db_exec_static(db, "INSERT INTO c (p) VALUES (1)"), RC_OK);
	assert_int_equal(db_exec_static(db, "DELETE FROM p WHERE id = 1"), RC_CONFLICT);
	assert_int_equal(db_exec_static(db, "SELECT * FROM no_such_table"), RC_INTERNAL);
	db_release(db);
	db_close(db);
}

static void test_bind_and_column_text(void **state)
{
	struct fixture *fx = *state;
	struct db *db = open_new(fx, true, 0);
	sqlite3_stmt *st = db_stmt(db, "SELECT ?1, ?1 IS NULL");
	char buf[] = "网格";
	db_bind_text(st, 1, buf);
	buf[0] = 'X'; /* bound text is copied */
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal(db_col_text(st, 0), "网格");
	assert_int_equal(sqlite3_column_int(st, 1), 0);
	st = db_stmt(db, "SELECT ?1, ?1 IS NULL");
	db_bind_text(st, 1, NULL);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal(db_col_text(st, 0), ""); /* never NULL */
	assert_int_equal(sqlite3_column_int(st, 1), 1);
	db_release(db);
	db_close(db);
}

static void test_release_resets_and_rolls_back(void **state)
{
	struct fixture *fx = *state;
	struct db *db = open_new(fx, true, 0);
	assert_int_equal(db_exec_static(db, "CREATE TABLE t (x); INSERT INTO t VALUES (1), (2)"),
			 RC_OK);
	sqlite3_stmt *reader = db_stmt(db, "SELECT x FROM t ORDER BY x");
	assert_int_equal(sqlite3_step(reader), SQLITE_ROW);
	assert_true(sqlite3_stmt_busy(reader));

	assert_int_equal(db_begin(db), RC_OK);
	assert_int_equal(db_exec_static(db, "INSERT INTO t VALUES (3)"), RC_OK);
	db_release(db);
	assert_false(sqlite3_stmt_busy(reader));
	assert_false(db_in_transaction(db));
	assert_int_equal(count_rows(db, "t"), 2);

	/* The write lock is free again for another connection. */
	struct db_options o = {.path = sqlite3_db_filename(db_handle(db), "main"),
			       .busy_timeout_ms = 20};
	struct db *other = NULL;
	assert_int_equal(db_open(&o, &other), RC_OK);
	assert_int_equal(db_begin(other), RC_OK);
	db_rollback(other);
	db_close(other);

	/* Release with nothing handed out is harmless. */
	db_release(db);
	db_release(db);
	db_close(db);
}

/* ---- migrations ---- */

static char *schema_of(struct db *db)
{
	return query_text(db, "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name");
}

static void test_migrate_empty_to_latest(void **state)
{
	struct fixture *fx = *state;
	struct db *db = open_new(fx, true, 0);
	int latest = migrate_latest();
	assert_true(latest >= 1);
	int applied = -1;
	assert_int_equal(migrate_current(db), 0);
	assert_int_equal(migrate_to(db, -1, &applied), RC_OK);
	assert_int_equal(applied, latest);
	assert_int_equal(migrate_current(db), latest);
	assert_false(db_in_transaction(db));
	/* The core tables exist. */
	static const char *const tables[] = {"org",          "users",     "user_roles", "sessions",
					     "grid_workers", "audit_log", "meta"};
	for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++)
		assert_int_equal(count_rows(db, tables[i]), 0);

	/* Running again applies nothing; a lower target goes nowhere. */
	assert_int_equal(migrate_to(db, -1, &applied), RC_OK);
	assert_int_equal(applied, 0);
	assert_int_equal(migrate_to(db, 0, &applied), RC_OK);
	assert_int_equal(applied, 0);
	assert_int_equal(migrate_current(db), latest);
	db_release(db);
	db_close(db);
}

static void test_migrate_stepwise_equals_fresh(void **state)
{
	struct fixture *fx = *state;
	int latest = migrate_latest();
	int applied;
	struct db *fresh = open_new(fx, true, 0);
	assert_int_equal(migrate_to(fresh, -1, &applied), RC_OK);
	char *want = schema_of(fresh);
	assert_true(strlen(want) > 0);
	db_release(fresh);
	db_close(fresh);

	for (int k = 0; k < latest; k++) {
		struct db *db = open_new(fx, true, 0);
		assert_int_equal(migrate_to(db, k, &applied), RC_OK);
		assert_int_equal(applied, k);
		assert_int_equal(migrate_current(db), k);
		/* Close and reopen in between, as an upgrade would. */
		char path[128];
		snprintf(path, sizeof(path), "%s", sqlite3_db_filename(db_handle(db), "main"));
		db_release(db);
		db_close(db);
		struct db_options o = {.path = path};
		assert_int_equal(db_open(&o, &db), RC_OK);
		assert_int_equal(migrate_to(db, -1, &applied), RC_OK);
		assert_int_equal(applied, latest - k);
		char *got = schema_of(db);
		if (strcmp(got, want) != 0)
			fail_msg("schema after 0..%d then ..%d differs from a fresh "
				 "one:\n%s\nvs\n%s",
				 k, latest, got, want);
		free(got);
		db_release(db);
		db_close(db);
	}
	free(want);
}

static void test_migrate_refuses_newer_database(void **state)
{
	struct fixture *fx = *state;
	struct db *db = open_new(fx, true, 0);
	int latest = migrate_latest();
	char sql[96];
	snprintf(sql, sizeof(sql),
		 "CREATE TABLE keep (x); INSERT INTO keep VALUES (42); PRAGMA user_version = %d",
		 latest + 1);
	assert_int_equal(sqlite3_exec(db_handle(db), sql, NULL, NULL, NULL), SQLITE_OK);
	char *before = schema_of(db);

	int applied = -1;
	assert_int_equal(migrate_to(db, -1, &applied), RC_CONFLICT);
	assert_int_equal(applied, 0);
	assert_int_equal(migrate_current(db), latest + 1);
	char *after = schema_of(db);
	assert_string_equal(before, after);
	assert_int_equal(count_rows(db, "keep"), 1);
	assert_false(db_in_transaction(db));
	free(before);
	free(after);
	db_release(db);
	db_close(db);
}

static void test_migrate_failure_rolls_back_that_migration(void **state)
{
	struct fixture *fx = *state;
	struct db *db = open_new(fx, true, 0);
	/* A table in the way makes migration 1 fail part-way through. */
	assert_int_equal(db_exec_static(db, "CREATE TABLE audit_log (x)"), RC_OK);
	int applied = -1;
	int rc = migrate_to(db, -1, &applied);
	assert_int_not_equal(rc, RC_OK);
	assert_int_equal(applied, 0);
	assert_int_equal(migrate_current(db), 0);
	assert_false(db_in_transaction(db));
	/* Nothing of the failed migration stayed behind. */
	assert_int_equal(pragma_int(db, "SELECT count(*) FROM sqlite_master WHERE name = 'org'"),
			 0);
	assert_int_equal(pragma_int(db, "SELECT count(*) FROM sqlite_master WHERE name = 'users'"),
			 0);
	db_release(db);
	db_close(db);
}

static void test_embedded_migrations_are_numbered_without_gaps(void **state)
{
	(void)state;
	int n = 0;
	for (const struct embedded_file *f = embedded_migrations; f->name; f++) {
		n++;
		const char *name = f->name;
		size_t len = strlen(name);
		if (len < 10 || strcmp(name + len - 4, ".sql") != 0 || name[4] != '_')
			fail_msg("migration file name '%s' is not NNNN_name.sql", name);
		for (int i = 0; i < 4; i++)
			if (name[i] < '0' || name[i] > '9')
				fail_msg("migration file name '%s' is not NNNN_name.sql", name);
		int v = atoi(name);
		int at = 0;
		for (const struct embedded_file *g = embedded_migrations; g->name; g++)
			if (atoi(g->name) == v)
				at++;
		if (at != 1)
			fail_msg("migration number %d appears %d times", v, at);
		assert_true(f->size > 0);
		assert_int_equal(f->data[f->size], '\0');
	}
	assert_true(n >= 1);
	/* Numbers 1..n, each once. */
	for (int v = 1; v <= n; v++) {
		bool found = false;
		for (const struct embedded_file *f = embedded_migrations; f->name; f++)
			found = found || atoi(f->name) == v;
		if (!found)
			fail_msg("migration %04d is missing (%d files)", v, n);
	}
	assert_int_equal(migrate_latest(), n);
}

int main(void)
{
	const struct CMUnitTest db[] = {
		cmocka_unit_test(test_open_creates_file_with_pragmas),
		cmocka_unit_test(test_open_missing_file_without_create_fails),
		cmocka_unit_test(test_stmt_same_literal_same_statement_reset),
		cmocka_unit_test(test_stmt_catalogue_grows),
		cmocka_unit_test(test_begin_commit_rollback),
		cmocka_unit_test(test_begin_while_another_connection_writes_is_unavailable),
		cmocka_unit_test(test_rc_mapping),
		cmocka_unit_test(test_bind_and_column_text),
		cmocka_unit_test(test_release_resets_and_rolls_back),
	};
	const struct CMUnitTest migrate[] = {
		cmocka_unit_test(test_migrate_empty_to_latest),
		cmocka_unit_test(test_migrate_stepwise_equals_fresh),
		cmocka_unit_test(test_migrate_refuses_newer_database),
		cmocka_unit_test(test_migrate_failure_rolls_back_that_migration),
		cmocka_unit_test(test_embedded_migrations_are_numbered_without_gaps),
	};
	int failed = 0;
	failed += cmocka_run_group_tests_name("db", db, setup, teardown);
	failed += cmocka_run_group_tests_name("migrate", migrate, setup, teardown);
	return failed != 0;
}
