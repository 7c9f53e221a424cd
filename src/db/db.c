/*
 * SQLite connections and the statement catalogue.
 */
#include "db/db.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/error.h"
#include "core/log.h"
#include "db/fts_tokenizer.h"

struct slot {
	const char *sql;
	sqlite3_stmt *st;
};

struct db {
	sqlite3 *h;
	struct slot *slots; /* open addressing on the SQL text's address */
	size_t cap, count;
	sqlite3_stmt **used; /* handed out since the last db_release */
	size_t nused, capused;
	int busy_timeout_ms;
	bool use_gate; /* queue at the process's write gate */
	bool gate;     /* holds it */
	struct db *next_in_pool;
};

/* The writers of this process queue here, in the order they come, rather
 * than in SQLite's busy handler, whose growing sleeps let a newcomer take
 * the lock from a writer that has waited longer: with 16 concurrent
 * reports a few waited over two seconds.  Other processes (the command
 * line) still meet the busy handler. */
static pthread_mutex_t write_gate = PTHREAD_MUTEX_INITIALIZER;

static void gate_release(struct db *db)
{
	if (db->gate) {
		db->gate = false;
		pthread_mutex_unlock(&write_gate);
	}
}

static _Atomic uint64_t busy_waits;
static _Atomic uint64_t busy_errors;

uint64_t db_metric_busy_waits(void)
{
	return atomic_load(&busy_waits);
}

uint64_t db_metric_busy_errors(void)
{
	return atomic_load(&busy_errors);
}

/* Like SQLite's own busy timeout, but counting each wait for /metrics. */
static int busy_handler(void *arg, int count)
{
	static const int delays[] = {1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50, 100};
	const int n = (int)(sizeof(delays) / sizeof(delays[0]));
	struct db *db = arg;
	int waited = 0, delay;
	if (count < n) {
		delay = delays[count];
		for (int i = 0; i < count; i++)
			waited += delays[i];
	} else {
		delay = delays[n - 1];
		for (int i = 0; i < n; i++)
			waited += delays[i];
		waited += (count - n) * delay;
	}
	if (waited >= db->busy_timeout_ms)
		return 0;
	if (waited + delay > db->busy_timeout_ms)
		delay = db->busy_timeout_ms - waited;
	atomic_fetch_add(&busy_waits, 1);
	struct timespec ts = {delay / 1000, (long)(delay % 1000) * 1000000L};
	nanosleep(&ts, NULL);
	return 1;
}

int db_exec_static(struct db *db, const char *sql)
{
	char *err = NULL;
	int src = sqlite3_exec(db->h, sql, NULL, NULL, &err);
	if (src != SQLITE_OK) {
		log_error("sql: %s", err ? err : sqlite3_errstr(src));
		sqlite3_free(err);
		return db_rc(db, src);
	}
	return RC_OK;
}

int db_open(const struct db_options *o, struct db **out)
{
	struct db *db = calloc(1, sizeof(*db));
	if (db == NULL)
		return RC_INTERNAL;
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
	if (o->create)
		flags |= SQLITE_OPEN_CREATE;
	int src = sqlite3_open_v2(o->path, &db->h, flags, NULL);
	if (src != SQLITE_OK) {
		log_error("cannot open database %s: %s", o->path,
			  db->h ? sqlite3_errmsg(db->h) : sqlite3_errstr(src));
		sqlite3_close(db->h);
		free(db);
		return RC_INTERNAL;
	}
	sqlite3_extended_result_codes(db->h, 1);
	if (fts_tokenizer_register(db->h) != SQLITE_OK) {
		log_error("cannot register the full-text tokenizer");
		sqlite3_close(db->h);
		free(db);
		return RC_INTERNAL;
	}
	db->busy_timeout_ms = o->busy_timeout_ms > 0 ? o->busy_timeout_ms : 5000;
	db->use_gate = o->write_gate;
	sqlite3_busy_handler(db->h, busy_handler, db);
	/* No memory-mapped I/O: the audit log grows the file all the time, and
	 * every growth remaps it in each thread; the TLB shootdowns cost more
	 * than the copies they save (measured: 25k -> 30k requests/s). */
	int rc = db_exec_static(db, "PRAGMA journal_mode=WAL;"
				    "PRAGMA foreign_keys=ON;"
				    "PRAGMA temp_store=MEMORY;"
				    "PRAGMA cache_size=-16384;");
	if (rc == RC_OK)
		rc = db_exec_static(db, o->synchronous_normal ? "PRAGMA synchronous=NORMAL;"
							      : "PRAGMA synchronous=FULL;");
	if (rc != RC_OK) {
		db_close(db);
		return rc;
	}
	*out = db;
	return RC_OK;
}

void db_close(struct db *db)
{
	if (db == NULL)
		return;
	for (size_t i = 0; i < db->cap; i++)
		if (db->slots[i].st != NULL)
			sqlite3_finalize(db->slots[i].st);
	free(db->slots);
	free(db->used);
	sqlite3_close(db->h);
	free(db);
}

sqlite3 *db_handle(struct db *db)
{
	return db->h;
}

static size_t slot_hash(const char *sql, size_t cap)
{
	uintptr_t x = (uintptr_t)sql;
	x ^= x >> 17;
	x *= (uintptr_t)0x9E3779B97F4A7C15ULL;
	return (size_t)(x >> 7) & (cap - 1);
}

static void slots_grow(struct db *db)
{
	size_t cap = db->cap ? db->cap * 2 : 64;
	struct slot *s = calloc(cap, sizeof(*s));
	if (s == NULL)
		abort();
	for (size_t i = 0; i < db->cap; i++) {
		if (db->slots[i].sql == NULL)
			continue;
		size_t j = slot_hash(db->slots[i].sql, cap);
		while (s[j].sql != NULL)
			j = (j + 1) & (cap - 1);
		s[j] = db->slots[i];
	}
	free(db->slots);
	db->slots = s;
	db->cap = cap;
}

static void mark_used(struct db *db, sqlite3_stmt *st)
{
	for (size_t i = 0; i < db->nused; i++)
		if (db->used[i] == st)
			return;
	if (db->nused == db->capused) {
		size_t cap = db->capused ? db->capused * 2 : 16;
		sqlite3_stmt **u = realloc(db->used, cap * sizeof(*u));
		if (u == NULL)
			abort();
		db->used = u;
		db->capused = cap;
	}
	db->used[db->nused++] = st;
}

sqlite3_stmt *db_stmt(struct db *db, const char *sql)
{
	if ((db->count + 1) * 2 > db->cap)
		slots_grow(db);
	size_t j = slot_hash(sql, db->cap);
	while (db->slots[j].sql != NULL && db->slots[j].sql != sql)
		j = (j + 1) & (db->cap - 1);
	if (db->slots[j].sql == NULL) {
		sqlite3_stmt *st = NULL;
		int src = sqlite3_prepare_v3(db->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
		if (src != SQLITE_OK) {
			log_error("sql prepare failed: %s in: %s", sqlite3_errmsg(db->h), sql);
			return NULL;
		}
		db->slots[j].sql = sql;
		db->slots[j].st = st;
		db->count++;
	}
	sqlite3_stmt *st = db->slots[j].st;
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	mark_used(db, st);
	return st;
}

void db_release(struct db *db)
{
	for (size_t i = 0; i < db->nused; i++)
		sqlite3_reset(db->used[i]);
	db->nused = 0;
	if (!sqlite3_get_autocommit(db->h)) {
		/* A handler returned inside a transaction: a bug, but never keep
		 * the write lock past the request. */
		log_error("transaction left open; rolled back");
		db_rollback(db);
	} else {
		/* SQLite may have ended a failed transaction by itself. */
		gate_release(db);
	}
}

int db_rc(struct db *db, int src)
{
	(void)db;
	switch (src & 0xFF) {
	case SQLITE_OK:
	case SQLITE_DONE:
	case SQLITE_ROW: return RC_OK;
	case SQLITE_CONSTRAINT: return RC_CONFLICT;
	case SQLITE_BUSY:
	case SQLITE_LOCKED: atomic_fetch_add(&busy_errors, 1); return RC_UNAVAILABLE;
	default:
		log_error("sql error %d: %s", src,
			  db ? sqlite3_errmsg(db->h) : sqlite3_errstr(src));
		return RC_INTERNAL;
	}
}

int db_begin(struct db *db)
{
	sqlite3_stmt *st = db_stmt(db, "BEGIN IMMEDIATE");
	if (st == NULL)
		return RC_INTERNAL;
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += db->busy_timeout_ms / 1000;
	until.tv_nsec += (long)(db->busy_timeout_ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	if (db->use_gate) {
		if (pthread_mutex_timedlock(&write_gate, &until) != 0) {
			atomic_fetch_add(&busy_errors, 1);
			return RC_UNAVAILABLE;
		}
		db->gate = true;
	}
	int src = sqlite3_step(st);
	sqlite3_reset(st);
	if (src != SQLITE_DONE) {
		gate_release(db);
		return db_rc(db, src);
	}
	return RC_OK;
}

int db_commit(struct db *db)
{
	sqlite3_stmt *st = db_stmt(db, "COMMIT");
	if (st == NULL)
		return RC_INTERNAL;
	int src = sqlite3_step(st);
	sqlite3_reset(st);
	if (src != SQLITE_DONE) {
		int rc = db_rc(db, src);
		db_rollback(db);
		return rc;
	}
	gate_release(db);
	return RC_OK;
}

void db_rollback(struct db *db)
{
	if (sqlite3_get_autocommit(db->h)) {
		gate_release(db);
		return;
	}
	/* Reset readers first: an active statement would keep the rollback
	 * from releasing everything. */
	for (size_t i = 0; i < db->nused; i++)
		sqlite3_reset(db->used[i]);
	sqlite3_stmt *st = db_stmt(db, "ROLLBACK");
	if (st != NULL) {
		sqlite3_step(st);
		sqlite3_reset(st);
	}
	gate_release(db);
}

bool db_in_transaction(struct db *db)
{
	return !sqlite3_get_autocommit(db->h);
}

int db_step_done(struct db *db, sqlite3_stmt *st)
{
	if (st == NULL)
		return RC_INTERNAL;
	int src = sqlite3_step(st);
	int rc = (src == SQLITE_DONE || src == SQLITE_ROW) ? RC_OK : db_rc(db, src);
	sqlite3_reset(st);
	return rc;
}

int db_step_one(struct db *db, sqlite3_stmt *st)
{
	int rc = db_step_done(db, st);
	return rc == RC_OK && sqlite3_changes(db_handle(db)) == 0 ? RC_NOT_FOUND : rc;
}

int db_bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s == NULL)
		return sqlite3_bind_null(st, i);
	return sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
}

json_t *db_col_json(sqlite3_stmt *st, int i)
{
	switch (sqlite3_column_type(st, i)) {
	case SQLITE_NULL: return json_null();
	case SQLITE_INTEGER: return json_integer(sqlite3_column_int64(st, i));
	case SQLITE_FLOAT: return json_real(sqlite3_column_double(st, i));
	default: return json_string(db_col_text(st, i));
	}
}

const char *db_col_text(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	return t ? (const char *)t : "";
}

int64_t db_last_id(struct db *db)
{
	return sqlite3_last_insert_rowid(db->h);
}

int db_changes(struct db *db)
{
	return sqlite3_changes(db->h);
}

/* ---- per-thread connections of the server ---- */

static struct db_options pool_opts;
static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static struct db *pool_head;
static _Thread_local struct db *thread_db;

void db_pool_configure(const struct db_options *o)
{
	pool_opts = *o;
	pool_opts.create = false;
}

struct db *db_thread(void)
{
	if (thread_db != NULL)
		return thread_db;
	struct db *db = NULL;
	if (db_open(&pool_opts, &db) != RC_OK)
		return NULL;
	pthread_mutex_lock(&pool_lock);
	db->next_in_pool = pool_head;
	pool_head = db;
	pthread_mutex_unlock(&pool_lock);
	thread_db = db;
	return db;
}

void db_pool_close_all(void)
{
	pthread_mutex_lock(&pool_lock);
	struct db *db = pool_head;
	pool_head = NULL;
	pthread_mutex_unlock(&pool_lock);
	while (db != NULL) {
		struct db *next = db->next_in_pool;
		db_close(db);
		db = next;
	}
	thread_db = NULL;
}

int db_one_json(sqlite3_stmt *st, int64_t id, json_t *(*row)(sqlite3_stmt *st), json_t **out_new)
{
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	int rc = RC_NOT_FOUND;
	if (sqlite3_step(st) == SQLITE_ROW) {
		*out_new = row(st);
		rc = *out_new ? RC_OK : RC_INTERNAL;
	}
	sqlite3_reset(st);
	return rc;
}

int db_all_json(sqlite3_stmt *st, json_t *(*row)(sqlite3_stmt *st), json_t **out_new)
{
	if (st == NULL)
		return RC_INTERNAL;
	json_t *items = json_array();
	int s;
	while ((s = sqlite3_step(st)) == SQLITE_ROW)
		json_array_append_new(items, row(st));
	sqlite3_reset(st);
	if (s != SQLITE_DONE) {
		json_decref(items);
		return RC_INTERNAL;
	}
	*out_new = items;
	return RC_OK;
}
