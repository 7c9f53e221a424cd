/*
 * Storage layer: SQLite connections with the pragmas every connection needs,
 * a per-connection catalogue of prepared statements, write transactions and
 * the per-thread connections of the server.  All SQL lives in the modules'
 * storage functions and reaches SQLite only through db_stmt() with a string
 * literal (scripts/lint enforces it), which keeps it reviewable and portable.
 */
#ifndef GR_DB_DB_H
#define GR_DB_DB_H

#include <jansson.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

struct db;

struct db_options {
	const char *path;
	bool synchronous_normal; /* default FULL: acknowledged writes survive power loss */
	int busy_timeout_ms;
	bool create; /* create the file when missing */
	/* Queue this process's writers in order (the server's connections):
	 * one connection per thread, and a thread never opens a transaction
	 * on a second connection while it holds one. */
	bool write_gate;
};

/* Open a connection and apply the pragmas (WAL, foreign keys, synchronous,
 * busy handler).  Returns RC_OK or RC_INTERNAL with the reason logged. */
int db_open(const struct db_options *o, struct db **out);
void db_close(struct db *db);
sqlite3 *db_handle(struct db *db);

/* The prepared statement for sql on this connection, prepared on first use
 * and kept; it comes back reset with no bindings.  sql must be a string
 * literal (its address is the cache key).  NULL when it does not compile
 * (logged; a programming error caught by the tests). */
sqlite3_stmt *db_stmt(struct db *db, const char *sql);
/* Reset every statement handed out since the last call, ending any read
 * the caller left open.  The HTTP layer calls it after each request. */
void db_release(struct db *db);

/* BEGIN IMMEDIATE: take the write lock now so the transaction cannot fail
 * half-way on a lock upgrade.  RC_OK, or RC_UNAVAILABLE when busy. */
int db_begin(struct db *db);
/* COMMIT; on failure the transaction is rolled back.  Returns an rc. */
int db_commit(struct db *db);
void db_rollback(struct db *db);
bool db_in_transaction(struct db *db);

/* Run a static script (migrations and pragmas only). */
int db_exec_static(struct db *db, const char *sql);

/* Map a SQLite result code to an rc (constraint -> RC_CONFLICT, busy or
 * locked -> RC_UNAVAILABLE, anything else -> RC_INTERNAL) and count busy
 * results for /metrics. */
int db_rc(struct db *db, int sqlite_rc);

/* Run a statement that returns no rows (or whose rows are not wanted)
 * and reset it: RC_OK, RC_INTERNAL for a NULL statement (not prepared),
 * or db_rc's mapping of the failure. */
int db_step_done(struct db *db, sqlite3_stmt *st);

/* The same for a statement meant to change one row (an UPDATE by id):
 * RC_NOT_FOUND when it changed none. */
int db_step_one(struct db *db, sqlite3_stmt *st);

/* Bind text, NULL when s is NULL. */
int db_bind_text(sqlite3_stmt *st, int i, const char *s);
/* A column as JSON by its type: null, an integer, a real or a string. */
json_t *db_col_json(sqlite3_stmt *st, int i);
/* Bind id to ?1 of st, step once and turn the row into JSON with row():
 * RC_OK, RC_NOT_FOUND without a row, RC_INTERNAL when st is NULL (a
 * failed prepare).  The statement is reset. */
int db_one_json(sqlite3_stmt *st, int64_t id, json_t *(*row)(sqlite3_stmt *st), json_t **out_new);
/* Step a bound statement to its end, turning each row into JSON with row():
 * RC_OK with the array, RC_INTERNAL when st is NULL or a step fails.  The
 * statement is reset. */
int db_all_json(sqlite3_stmt *st, json_t *(*row)(sqlite3_stmt *st), json_t **out_new);
/* Column text, never NULL (empty string for SQL NULL). */
const char *db_col_text(sqlite3_stmt *st, int i);

/* Row id of the last insert on this connection. */
int64_t db_last_id(struct db *db);
/* Rows changed by the last statement. */
int db_changes(struct db *db);

/* Server connections: one per worker thread, opened on first use. */
void db_pool_configure(const struct db_options *o);
struct db *db_thread(void);
/* Close every thread's connection (after the workers stopped). */
void db_pool_close_all(void);

/* Counters for /metrics. */
uint64_t db_metric_busy_waits(void);
uint64_t db_metric_busy_errors(void);

#endif
