/*
 * A year of synthetic grid events for benchmarks and demonstrations, written
 * straight into the case and event tables in one transaction: reports in
 * every grid under a root, common categories more often, the sources in the
 * proportions of a county centre, most cases closed (four in five on time),
 * some returned, reworked, cancelled or merged, and the last week's cases
 * still open in every state with running deadlines.  Deterministic from the
 * seed.  Timelines hold the report only.
 */
#include "demo/events_gen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/error.h"
#include "demo/rng.h"

/* Codes of the rows st selects (column 0), at most max. */
static int collect(sqlite3_stmt *st, char (*out)[16], int max)
{
	int n = 0;
	while (n < max && sqlite3_step(st) == SQLITE_ROW)
		snprintf(out[n++], 16, "%s", db_col_text(st, 0));
	sqlite3_reset(st);
	return n;
}

int64_t gen_events(struct db *db, const char *root, int64_t n, uint64_t seed)
{
	enum { MAX_GRIDS = 20000, MAX_CATS = 200, MAX_UNITS = 64 };
	static char grids[MAX_GRIDS][16], cats[MAX_CATS][16];
	int64_t units[MAX_UNITS];
	sqlite3_stmt *st = db_stmt(db, "SELECT code FROM org WHERE level = 'grid'"
				       " AND code >= ?1 AND code < ?1 || ';' ORDER BY code");
	if (st == NULL)
		return -1;
	db_bind_text(st, 1, root);
	int ngrids = collect(st, grids, MAX_GRIDS);
	st = db_stmt(db, "SELECT code FROM event_categories WHERE parent_code IS NOT NULL"
			 " AND active = 1 ORDER BY code");
	int ncats = st ? collect(st, cats, MAX_CATS) : 0;
	st = db_stmt(db, "SELECT id FROM handling_units WHERE active = 1 ORDER BY id");
	int nunits = 0;
	while (st && nunits < MAX_UNITS && sqlite3_step(st) == SQLITE_ROW)
		units[nunits++] = sqlite3_column_int64(st, 0);
	if (st)
		sqlite3_reset(st);
	if (ngrids == 0 || ncats == 0) {
		fprintf(stderr, "no grids under %s or no categories\n", root);
		return -1;
	}
	struct rng r = {seed};
	int64_t now = clock_now_ms(), year = 365LL * 86400000, hour = 3600000;
	static const char *const sources[] = {"patrol",  "patrol",  "patrol",      "patrol",
					      "patrol",  "patrol",  "resident",    "resident",
					      "hotline", "hotline", "instruction", "self"};
	static const char *const open_states[] = {"reported", "registered", "dispatched",
						  "accepted", "handled"};
	if (db_begin(db) != RC_OK)
		return -1;
	sqlite3_stmt *ic = db_stmt(
		db,
		"INSERT INTO cases (kind, state, code, level_code, title, created_at_ms, unit_id,"
		" stage, stage_started_ms, warn_at_ms, due_at_ms, returns, reworks, closed_at_ms)"
		" VALUES ('event', ?1, ?2, substr(?2, 1, 9), ?3, ?4, ?5, ?6, ?4, ?7, ?8, ?9,"
		" ?10, ?11)");
	sqlite3_stmt *ie = db_stmt(
		db,
		"INSERT INTO events (case_id, category_code, source, description, lat, lon,"
		" reported_at_ms, registered_at_ms, registered_on_time, dispatched_at_ms,"
		" handle_due_ms, handled_at_ms, closed_on_time, closed_at_ms) VALUES (?1, ?2, ?3,"
		" ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)");
	sqlite3_stmt *it = db_stmt(db, "INSERT INTO case_timeline (case_id, at_ms, actor_name,"
				       " action, to_state) VALUES (?, ?, 'generated', 'report',"
				       " 'reported')");
	if (ic == NULL || ie == NULL || it == NULL) {
		db_rollback(db);
		return -1;
	}
	int rc = RC_OK;
	for (int64_t i = 0; i < n && rc == RC_OK; i++) {
		/* Older events first, so ids grow with time as they would. */
		int64_t reported = now - year + (year * i) / n + rng_below(&r, 3600) * 1000;
		const char *code = grids[rng_below(&r, ngrids)];
		/* A few categories make most reports (a rough Zipf law). */
		int c = rng_below(&r, ncats);
		c = rng_below(&r, 3) ? c % (ncats < 8 ? ncats : 8) : c;
		const char *cat = cats[c];
		const char *src = sources[rng_below(&r, 12)];
		int64_t registered = reported + (10 + rng_below(&r, 60)) * 60000;
		bool reg_on_time = registered - reported <= hour;
		int64_t dispatched = registered + (5 + rng_below(&r, 40)) * 60000;
		int64_t due = dispatched + (4 + rng_below(&r, 68)) * hour;
		bool recent = now - reported < 7 * 86400000LL;
		const char *state = "closed";
		int roll = rng_below(&r, 100);
		if (recent)
			state = open_states[rng_below(&r, 5)];
		else if (roll < 3)
			state = "cancelled";
		else if (roll < 4)
			state = "merged";
		bool closed = strcmp(state, "closed") == 0;
		bool on_time = rng_below(&r, 100) < 80;
		int64_t handled = on_time ? dispatched + (due - dispatched) * rng_below(&r, 90) / 100
					  : due + (1 + rng_below(&r, 48)) * hour;
		bool after_dispatch = closed || !strcmp(state, "dispatched") ||
				      !strcmp(state, "accepted") || !strcmp(state, "handled");
		int64_t unit = nunits && after_dispatch ? units[rng_below(&r, nunits)] : 0;
		char title[64];
		snprintf(title, sizeof(title), "%s %lld", cat, (long long)i + 1);
		sqlite3_bind_text(ic, 1, state, -1, SQLITE_STATIC);
		sqlite3_bind_text(ic, 2, code, -1, SQLITE_STATIC);
		sqlite3_bind_text(ic, 3, title, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(ic, 4, reported);
		if (unit)
			sqlite3_bind_int64(ic, 5, unit);
		else
			sqlite3_bind_null(ic, 5);
		bool running = recent && strcmp(state, "handled") != 0;
		if (running) {
			const char *stage = !strcmp(state, "reported")     ? "register"
					    : !strcmp(state, "registered") ? "dispatch"
									   : "handle";
			int64_t d = !strcmp(stage, "handle") ? due : reported + 2 * hour;
			sqlite3_bind_text(ic, 6, stage, -1, SQLITE_STATIC);
			sqlite3_bind_int64(ic, 7, reported + (d - reported) * 8 / 10);
			sqlite3_bind_int64(ic, 8, d);
		} else {
			sqlite3_bind_null(ic, 6);
			sqlite3_bind_null(ic, 7);
			sqlite3_bind_null(ic, 8);
		}
		sqlite3_bind_int(ic, 9, rng_below(&r, 100) < 4);
		sqlite3_bind_int(ic, 10, closed && rng_below(&r, 100) < 5);
		int64_t closed_at = handled + (20 + rng_below(&r, 200)) * 60000;
		if (closed)
			sqlite3_bind_int64(ic, 11, closed_at);
		else
			sqlite3_bind_null(ic, 11);
		rc = db_step_done(db, ic);
		if (rc != RC_OK)
			break;
		int64_t id = db_last_id(db);
		sqlite3_bind_int64(ie, 1, id);
		sqlite3_bind_text(ie, 2, cat, -1, SQLITE_STATIC);
		sqlite3_bind_text(ie, 3, src, -1, SQLITE_STATIC);
		sqlite3_bind_text(ie, 4, "巡查发现的问题，详见现场照片", -1, SQLITE_STATIC);
		sqlite3_bind_double(ie, 5, 29.5 + (double)rng_below(&r, 40000) / 100000.0);
		sqlite3_bind_double(ie, 6, 120.1 + (double)rng_below(&r, 40000) / 100000.0);
		sqlite3_bind_int64(ie, 7, reported);
		bool reg = strcmp(state, "reported") != 0;
		if (reg) {
			sqlite3_bind_int64(ie, 8, registered);
			sqlite3_bind_int(ie, 9, reg_on_time);
		} else {
			sqlite3_bind_null(ie, 8);
			sqlite3_bind_null(ie, 9);
		}
		if (after_dispatch) {
			sqlite3_bind_int64(ie, 10, dispatched);
			sqlite3_bind_int64(ie, 11, due);
		} else {
			sqlite3_bind_null(ie, 10);
			sqlite3_bind_null(ie, 11);
		}
		if (closed || !strcmp(state, "handled"))
			sqlite3_bind_int64(ie, 12, handled);
		else
			sqlite3_bind_null(ie, 12);
		if (closed) {
			sqlite3_bind_int(ie, 13, handled <= due);
			sqlite3_bind_int64(ie, 14, closed_at);
		} else {
			sqlite3_bind_null(ie, 13);
			sqlite3_bind_null(ie, 14);
		}
		rc = db_step_done(db, ie);
		if (rc == RC_OK) {
			sqlite3_bind_int64(it, 1, id);
			sqlite3_bind_int64(it, 2, reported);
			rc = db_step_done(db, it);
		}
	}
	if (rc == RC_OK && db_commit(db) == RC_OK)
		return n;
	db_rollback(db);
	return -1;
}
