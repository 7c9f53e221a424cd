/*
 * Visits and statistics.
 */
#include "registry/visits.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "auth/roles.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/log.h"
#include "registry/tags.h"

int visit_insert(struct db *db, int64_t household_id, const char *code, const char *visited_on,
		 const struct actor *who, const char *notes, const char *follow_up, int64_t *id)
{
	sqlite3_stmt *st =
		db_stmt(db, "INSERT INTO visits (household_id, code, visited_on, visitor_id,"
			    " notes, follow_up, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, household_id);
	db_bind_text(st, 2, code);
	db_bind_text(st, 3, visited_on);
	sqlite3_bind_int64(st, 4, who->id);
	db_bind_text(st, 5, notes);
	db_bind_text(st, 6, follow_up ? follow_up : "");
	sqlite3_bind_int64(st, 7, clock_now());
	int src = sqlite3_step(st);
	sqlite3_reset(st);
	if (src != SQLITE_DONE)
		return db_rc(db, src);
	*id = db_last_id(db);
	return registry_version(db, "visit", *id, who,
				json_pack("{s:[n,I], s:[n,s]}", "household",
					  (json_int_t)household_id, "visited_on", visited_on));
}

int visit_update(struct db *db, int64_t id, const bool *done, const char *follow_up,
		 const struct actor *who)
{
	sqlite3_stmt *st = db_stmt(
		db, "UPDATE visits SET follow_up_done = coalesce(?1, follow_up_done),"
		    " follow_up = coalesce(?2, follow_up),"
		    " done_by = CASE WHEN ?1 IS NULL THEN done_by WHEN ?1 THEN ?4 ELSE NULL END,"
		    " done_at = CASE WHEN ?1 IS NULL THEN done_at WHEN ?1 THEN ?5 ELSE NULL END"
		    " WHERE id = ?3");
	if (st == NULL)
		return RC_INTERNAL;
	if (done)
		sqlite3_bind_int(st, 1, *done ? 1 : 0);
	db_bind_text(st, 2, follow_up);
	sqlite3_bind_int64(st, 3, id);
	if (who->id)
		sqlite3_bind_int64(st, 4, who->id);
	sqlite3_bind_int64(st, 5, clock_now());
	int src = sqlite3_step(st);
	sqlite3_reset(st);
	if (src != SQLITE_DONE)
		return db_rc(db, src);
	if (db_changes(db) == 0)
		return RC_NOT_FOUND;
	json_t *changes = json_object();
	if (done)
		json_object_set_new(changes, "follow_up_done", json_pack("[n,b]", *done));
	if (follow_up)
		json_object_set_new(changes, "follow_up", json_pack("[n,s]", follow_up));
	return registry_version(db, "visit", id, who, changes);
}

int visit_code(struct db *db, int64_t id, char code[16])
{
	return registry_code(db, db_stmt(db, "SELECT code FROM visits WHERE id = ?"), id, code);
}

#define VISIT_COLUMNS                                                                        \
	"v.id, v.household_id, v.code, v.visited_on, v.visitor_id, u.display_name, v.notes," \
	" v.follow_up, v.follow_up_done, (SELECT d.display_name FROM users d"                \
	" WHERE d.id = v.done_by), v.done_at"

static json_t *visit_row(sqlite3_stmt *st)
{
	json_t *done_by = db_col_json(st, 9);
	json_t *done_at = json_null();
	if (sqlite3_column_type(st, 10) != SQLITE_NULL) {
		char at[32];
		clock_iso(sqlite3_column_int64(st, 10), at, sizeof(at));
		done_at = json_string(at);
	}
	return json_pack("{s:I, s:I, s:s, s:s, s:I, s:s, s:s, s:s, s:b, s:o, s:o}", "id",
			 (json_int_t)sqlite3_column_int64(st, 0), "household_id",
			 (json_int_t)sqlite3_column_int64(st, 1), "code", db_col_text(st, 2),
			 "visited_on", db_col_text(st, 3), "visitor_id",
			 (json_int_t)sqlite3_column_int64(st, 4), "visitor_name",
			 db_col_text(st, 5), "notes", db_col_text(st, 6), "follow_up",
			 db_col_text(st, 7), "follow_up_done", sqlite3_column_int(st, 8) != 0,
			 "done_by", done_by, "done_at", done_at);
}

int visit_json(struct db *db, int64_t id, json_t **out_new)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT " VISIT_COLUMNS " FROM visits v"
				       " JOIN users u ON u.id = v.visitor_id WHERE v.id = ?");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	int rc = RC_NOT_FOUND;
	if (sqlite3_step(st) == SQLITE_ROW) {
		*out_new = visit_row(st);
		rc = RC_OK;
	}
	sqlite3_reset(st);
	return rc;
}

json_t *visits_of_household(struct db *db, int64_t household_id)
{
	json_t *arr = json_array();
	sqlite3_stmt *st =
		db_stmt(db, "SELECT " VISIT_COLUMNS " FROM visits v"
			    " JOIN users u ON u.id = v.visitor_id WHERE v.household_id = ?"
			    " ORDER BY v.visited_on DESC, v.id DESC LIMIT 100");
	if (st == NULL)
		return arr;
	sqlite3_bind_int64(st, 1, household_id);
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(arr, visit_row(st));
	sqlite3_reset(st);
	return arr;
}

static json_t *visit_row_with_address(sqlite3_stmt *st)
{
	json_t *v = visit_row(st);
	json_object_set_new(v, "address", json_string(db_col_text(st, 11)));
	return v;
}

int visits_list(struct db *db, const char *roots, bool pending, const struct list_rows *rows,
		json_t **items_new, int64_t *total)
{
#define VISITS_FROM                                                                               \
	" FROM json_each(?1) rt JOIN visits v ON v.code >= rt.value AND v.code < rt.value || ';'" \
	" JOIN users u ON u.id = v.visitor_id"                                                    \
	" WHERE (?2 IS NULL OR (v.follow_up <> '' AND v.follow_up_done = 0))"
	struct list_query q = {roots, pending ? 1 : 0, NULL, rows};
	return registry_list(db, db_stmt(db, "SELECT count(*)" VISITS_FROM),
			     db_stmt(db,
				     "SELECT " VISIT_COLUMNS ", (SELECT " ADDRESS_TEXT_SQL
				     " FROM households h JOIN addresses a ON a.id = h.address_id"
				     " JOIN buildings b ON b.id = a.building_id"
				     " WHERE h.id = v.household_id)" VISITS_FROM
				     " ORDER BY v.visited_on DESC, v.id DESC LIMIT ?3 OFFSET ?4"),
			     &q, visit_row_with_address, items_new, total);
#undef VISITS_FROM
}

/* ---- statistics ---- */

static const char *const bands[] = {"0-17", "18-59", "60-79", "80+"};

static json_t *empty_stats(void)
{
	return json_pack("{s:i, s:i, s:i, s:{s:i, s:i, s:i}, s:{s:i, s:i, s:i, s:i}, s:{}}",
			 "residents", 0, "households", 0, "buildings", 0, "by_residence_type",
			 "registered", 0, "permanent", 0, "floating", 0, "by_age_band", bands[0], 0,
			 bands[1], 0, bands[2], 0, bands[3], 0, "by_tag");
}

static void add_to(json_t *o, const char *group, const char *key, int64_t n)
{
	json_t *g = group ? json_object_get(o, group) : o;
	json_t *v = json_object_get(g, key);
	json_object_set_new(g, key, json_integer((v ? json_integer_value(v) : 0) + n));
}

/* The bucket of a child for code, created on first use. */
static json_t *bucket(json_t *children, const char *prefix)
{
	json_t *b = json_object_get(children, prefix);
	if (b == NULL) {
		b = empty_stats();
		json_object_set_new(children, prefix, b);
	}
	return b;
}

/* Statistics of a town, county or larger take a scan of every resident
 * below it (about a second for a million).  They are kept with every tag
 * counted, and each caller is shown the tags they may see.  A copy older
 * than a minute is still answered at once while a thread of its own
 * computes the next one, so only the very first request waits. */
#define STATS_CACHE 64
#define STATS_FRESH_S 60

static struct {
	char code[16];
	int64_t at;
	bool refreshing;
	json_t *stats;
} stats_cache[STATS_CACHE];
static pthread_mutex_t stats_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t stats_wake = PTHREAD_COND_INITIALIZER;
static pthread_t stats_thread;
static bool stats_running, stats_stopping;
static struct db *stats_db;

static int compute_stats(struct db *db, const char *code, json_t **out_new);

/* A copy of the cached statistics of code, or NULL; a stale one is handed
 * to the refresher. */
static json_t *stats_cached(const char *code)
{
	json_t *hit = NULL;
	int64_t now = clock_now();
	pthread_mutex_lock(&stats_lock);
	for (int i = 0; i < STATS_CACHE && hit == NULL; i++) {
		if (stats_cache[i].stats == NULL || strcmp(stats_cache[i].code, code) != 0)
			continue;
		bool stale = now - stats_cache[i].at >= STATS_FRESH_S;
		/* Without the refresher (the command line), stale is recomputed. */
		if (stale && !stats_running)
			break;
		hit = json_deep_copy(stats_cache[i].stats);
		if (stale && !stats_cache[i].refreshing) {
			stats_cache[i].refreshing = true;
			pthread_cond_signal(&stats_wake);
		}
	}
	pthread_mutex_unlock(&stats_lock);
	return hit;
}

static void stats_keep(const char *code, const json_t *stats)
{
	int64_t now = clock_now();
	pthread_mutex_lock(&stats_lock);
	int victim = 0;
	for (int i = 0; i < STATS_CACHE; i++) {
		if (stats_cache[i].stats == NULL || strcmp(stats_cache[i].code, code) == 0) {
			victim = i;
			break;
		}
		if (stats_cache[i].at < stats_cache[victim].at)
			victim = i;
	}
	json_decref(stats_cache[victim].stats);
	snprintf(stats_cache[victim].code, sizeof(stats_cache[victim].code), "%s", code);
	stats_cache[victim].at = now;
	stats_cache[victim].refreshing = false;
	stats_cache[victim].stats = json_deep_copy(stats);
	pthread_mutex_unlock(&stats_lock);
}

/* The counties' figures are the ones asked for first and take longest:
 * compute them when the server starts (a deployment serves a county, a
 * district or a city; at most eight are warmed). */
static void warm_counties(void)
{
	char codes[8][16];
	int n = 0;
	sqlite3_stmt *st = db_stmt(
		stats_db, "SELECT code FROM org WHERE level = 'county' ORDER BY code LIMIT 8");
	while (st != NULL && n < 8 && sqlite3_step(st) == SQLITE_ROW)
		snprintf(codes[n++], sizeof(codes[0]), "%.15s", db_col_text(st, 0));
	if (st != NULL)
		sqlite3_reset(st);
	for (int i = 0; i < n && !stats_stopping; i++) {
		json_t *fresh = NULL;
		char at[32];
		if (compute_stats(stats_db, codes[i], &fresh) == RC_OK) {
			clock_iso(clock_now(), at, sizeof(at));
			json_object_set_new(fresh, "computed_at", json_string(at));
			stats_keep(codes[i], fresh);
			json_decref(fresh);
		}
		db_release(stats_db);
	}
}

static void *stats_loop(void *arg)
{
	(void)arg;
	warm_counties();
	pthread_mutex_lock(&stats_lock);
	while (!stats_stopping) {
		char code[16] = "";
		for (int i = 0; i < STATS_CACHE && code[0] == '\0'; i++)
			if (stats_cache[i].stats && stats_cache[i].refreshing) {
				memcpy(code, stats_cache[i].code, sizeof(code));
				code[sizeof(code) - 1] = '\0';
			}
		if (code[0] == '\0') {
			pthread_cond_wait(&stats_wake, &stats_lock);
			continue;
		}
		pthread_mutex_unlock(&stats_lock);
		json_t *fresh = NULL;
		char at[32];
		if (compute_stats(stats_db, code, &fresh) == RC_OK) {
			clock_iso(clock_now(), at, sizeof(at));
			json_object_set_new(fresh, "computed_at", json_string(at));
			stats_keep(code, fresh);
			json_decref(fresh);
		} else {
			log_warn("statistics of %s could not be refreshed", code);
		}
		db_release(stats_db);
		pthread_mutex_lock(&stats_lock);
		for (int i = 0; i < STATS_CACHE; i++)
			if (strcmp(stats_cache[i].code, code) == 0)
				stats_cache[i].refreshing = false;
	}
	pthread_mutex_unlock(&stats_lock);
	return NULL;
}

int registry_stats_refresher_start(const struct db_options *o)
{
	int rc = db_open(o, &stats_db);
	if (rc != RC_OK)
		return rc;
	stats_stopping = false;
	if (pthread_create(&stats_thread, NULL, stats_loop, NULL) != 0) {
		db_close(stats_db);
		return RC_INTERNAL;
	}
	stats_running = true;
	return RC_OK;
}

void registry_stats_refresher_stop(void)
{
	if (!stats_running)
		return;
	pthread_mutex_lock(&stats_lock);
	stats_stopping = true;
	pthread_cond_signal(&stats_wake);
	pthread_mutex_unlock(&stats_lock);
	pthread_join(stats_thread, NULL);
	stats_running = false;
	db_close(stats_db);
}

/* Leave out the tags p may not see at code. */
static void hide_tags(json_t *by_tag, const struct principal *p, const char *code)
{
	const char *name;
	json_t *v, *tmp;
	json_object_foreach_safe(by_tag, tmp, name, v)
	{
		const struct tag_def *t = tag_find(name);
		if (t == NULL || !tag_visible(p, t, code))
			json_object_del(by_tag, name);
	}
}

int registry_stats(struct db *db, const char *code, const struct principal *p, json_t **out_new)
{
	int level = level_from_code(code);
	if (level < 0)
		return RC_NOT_FOUND;
	bool cacheable = level <= LEVEL_TOWN;
	json_t *o = cacheable ? stats_cached(code) : NULL;
	if (o == NULL) {
		int rc = compute_stats(db, code, &o);
		if (rc != RC_OK)
			return rc;
		char at[32];
		clock_iso(clock_now(), at, sizeof(at));
		json_object_set_new(o, "computed_at", json_string(at));
		if (cacheable)
			stats_keep(code, o);
	}
	hide_tags(json_object_get(json_object_get(o, "total"), "by_tag"), p, code);
	size_t i;
	json_t *row;
	json_array_foreach(json_object_get(o, "children"), i, row)
		hide_tags(json_object_get(row, "by_tag"), p, code);
	*out_new = o;
	return RC_OK;
}

static int compute_stats(struct db *db, const char *code, json_t **out_new)
{
	static const int next_len[] = {4, 6, 9, 12, 15, 15};
	int level = level_from_code(code);
	if (level < 0)
		return RC_NOT_FOUND;
	int child_len = level == LEVEL_GRID ? 15 : next_len[level];
	char d18[11], d60[11], d80[11];
	registry_years_ago(18, d18);
	registry_years_ago(60, d60);
	registry_years_ago(80, d80);
	json_t *total = empty_stats(), *children = json_object();

	sqlite3_stmt *st =
		db_stmt(db, "SELECT substr(r.code, 1, ?2), r.residence_type,"
			    " CASE WHEN r.birth_date > ?3 THEN 0 WHEN r.birth_date > ?4 THEN 1"
			    "  WHEN r.birth_date > ?5 THEN 2 ELSE 3 END, count(*)"
			    " FROM residents r WHERE r.code >= ?1 AND r.code < ?1 || ';' AND "
			    "r.status = 'active'"
			    " GROUP BY 1, 2, 3");
	if (st == NULL)
		goto fail;
	db_bind_text(st, 1, code);
	sqlite3_bind_int(st, 2, child_len);
	db_bind_text(st, 3, d18);
	db_bind_text(st, 4, d60);
	db_bind_text(st, 5, d80);
	while (sqlite3_step(st) == SQLITE_ROW) {
		json_t *b = bucket(children, db_col_text(st, 0));
		const char *rt = db_col_text(st, 1);
		int band = sqlite3_column_int(st, 2);
		int64_t n = sqlite3_column_int64(st, 3);
		json_t *both[] = {b, total};
		for (int i = 0; i < 2; i++) {
			add_to(both[i], NULL, "residents", n);
			add_to(both[i], "by_residence_type", rt, n);
			add_to(both[i], "by_age_band", bands[band & 3], n);
		}
	}
	sqlite3_reset(st);

	st = db_stmt(db, "SELECT substr(r.code, 1, ?2), t.tag, count(*) FROM resident_tags t"
			 " JOIN residents r ON r.id = t.resident_id WHERE r.code >= ?1"
			 " AND r.code < ?1 || ';' AND r.status = 'active' GROUP BY 1, 2");
	if (st == NULL)
		goto fail;
	db_bind_text(st, 1, code);
	sqlite3_bind_int(st, 2, child_len);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const struct tag_def *t = tag_find(db_col_text(st, 1));
		if (t == NULL)
			continue;
		int64_t n = sqlite3_column_int64(st, 2);
		add_to(bucket(children, db_col_text(st, 0)), "by_tag", t->name, n);
		add_to(total, "by_tag", t->name, n);
	}
	sqlite3_reset(st);

	st = db_stmt(db, "SELECT substr(code, 1, ?2), count(*) FROM households"
			 " WHERE code >= ?1 AND code < ?1 || ';' GROUP BY 1");
	if (st == NULL)
		goto fail;
	db_bind_text(st, 1, code);
	sqlite3_bind_int(st, 2, child_len);
	while (sqlite3_step(st) == SQLITE_ROW) {
		int64_t n = sqlite3_column_int64(st, 1);
		add_to(bucket(children, db_col_text(st, 0)), NULL, "households", n);
		add_to(total, NULL, "households", n);
	}
	sqlite3_reset(st);
	st = db_stmt(db, "SELECT substr(code, 1, ?2), count(*) FROM buildings"
			 " WHERE code >= ?1 AND code < ?1 || ';' GROUP BY 1");
	if (st == NULL)
		goto fail;
	db_bind_text(st, 1, code);
	sqlite3_bind_int(st, 2, child_len);
	while (sqlite3_step(st) == SQLITE_ROW) {
		int64_t n = sqlite3_column_int64(st, 1);
		add_to(bucket(children, db_col_text(st, 0)), NULL, "buildings", n);
		add_to(total, NULL, "buildings", n);
	}
	sqlite3_reset(st);

	/* One row per child node, in code order, including empty ones. */
	json_t *rows = json_array();
	if (level != LEVEL_GRID) {
		st = db_stmt(db, "SELECT c.id, c.code, c.name, c.level FROM org c JOIN org p"
				 " ON c.parent_id = p.id WHERE p.code = ? ORDER BY c.code");
		if (st == NULL) {
			json_decref(rows);
			goto fail;
		}
		db_bind_text(st, 1, code);
		while (sqlite3_step(st) == SQLITE_ROW) {
			json_t *b = json_object_get(children, db_col_text(st, 1));
			json_t *row = b ? json_incref(b) : empty_stats();
			json_object_set_new(row, "id", json_integer(sqlite3_column_int64(st, 0)));
			json_object_set_new(row, "code", json_string(db_col_text(st, 1)));
			json_object_set_new(row, "name", json_string(db_col_text(st, 2)));
			json_object_set_new(row, "level", json_string(db_col_text(st, 3)));
			json_array_append_new(rows, row);
		}
		sqlite3_reset(st);
	}
	json_decref(children);
	*out_new = json_pack("{s:o, s:o}", "total", total, "children", rows);
	return RC_OK;
fail:
	json_decref(total);
	json_decref(children);
	return RC_INTERNAL;
}
