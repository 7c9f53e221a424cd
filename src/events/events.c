#include "events/events.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/clock.h"
#include "core/embed.h"
#include "core/error.h"
#include "core/log.h"
#include "core/str.h"
#include "org/geo.h"

int events_reopen_days = 7;

/* ---- states and transitions ---- */

static const char *const event_states[] = {
	[EV_REPORTED] = "reported",     [EV_REGISTERED] = "registered",
	[EV_DISPATCHED] = "dispatched", [EV_ACCEPTED] = "accepted",
	[EV_HANDLED] = "handled",       [EV_CLOSED] = "closed",
	[EV_CANCELLED] = "cancelled",   [EV_PARKED] = "parked",
	[EV_MERGED] = "merged",
};

#define S(x) (1u << (x))

/* clang-format off */
static const struct case_transition event_transitions[] = {
	{"register", S(EV_REPORTED), EV_REGISTERED, PERM_EVENT_DISPATCH, 0},
	{"cancel", S(EV_REPORTED) | S(EV_REGISTERED), EV_CANCELLED, PERM_EVENT_DISPATCH, CASE_REASON},
	{"dispatch", S(EV_REGISTERED), EV_DISPATCHED, PERM_EVENT_DISPATCH, 0},
	{"accept", S(EV_DISPATCHED), EV_ACCEPTED, PERM_EVENT_HANDLE, CASE_UNIT_MEMBER},
	{"return", S(EV_DISPATCHED) | S(EV_ACCEPTED), EV_REGISTERED, PERM_EVENT_HANDLE, CASE_UNIT_MEMBER | CASE_REASON},
	{"handle", S(EV_ACCEPTED), EV_HANDLED, PERM_EVENT_HANDLE, CASE_UNIT_MEMBER | CASE_REASON},
	{"verify", S(EV_HANDLED), CASE_CHOICE, PERM_EVENT_VERIFY, 0},
	{"evaluate", S(EV_CLOSED), CASE_SAME, PERM_EVENT_REPORT, CASE_REPORTER},
	{"postpone", S(EV_DISPATCHED) | S(EV_ACCEPTED), CASE_SAME, PERM_EVENT_HANDLE, CASE_UNIT_MEMBER | CASE_REASON},
	{"decide_postponement", S(EV_DISPATCHED) | S(EV_ACCEPTED), CASE_SAME, PERM_EVENT_DISPATCH, 0},
	{"escalate", S(EV_REPORTED) | S(EV_REGISTERED), CASE_SAME, PERM_EVENT_DISPATCH, CASE_REASON},
	{"park", S(EV_REGISTERED) | S(EV_DISPATCHED) | S(EV_ACCEPTED), EV_PARKED, PERM_EVENT_DISPATCH, CASE_REASON},
	{"resume", S(EV_PARKED), EV_REGISTERED, PERM_EVENT_DISPATCH, 0},
	{"merge", S(EV_REPORTED) | S(EV_REGISTERED), EV_MERGED, PERM_EVENT_DISPATCH, 0},
	{"reopen", S(EV_CLOSED), EV_REGISTERED, PERM_EVENT_DISPATCH, CASE_REASON},
};
/* clang-format on */

const struct case_kind event_kind = {
	"event",
	event_states,
	sizeof(event_states) / sizeof(event_states[0]),
	event_transitions,
	sizeof(event_transitions) / sizeof(event_transitions[0]),
	PERM_EVENT_READ,
};

/* ---- calendar ---- */

static struct calendar cal;
static bool cal_loaded;

const struct calendar *events_calendar(void)
{
	if (!cal_loaded) {
		/* Used before loading (command line): weekends only. */
		calendar_init(&cal);
		cal_loaded = true;
	}
	return &cal;
}

static const struct embedded_file *shipped_schedule(void)
{
	for (const struct embedded_file *f = embedded_data; f->name != NULL; f++)
		if (strcmp(f->name, "chinese-days.json") == 0)
			return f;
	return NULL;
}

int events_calendar_load(struct db *db, const char *hours)
{
	struct calendar c;
	calendar_init(&c);
	if (hours != NULL && calendar_set_hours(&c, hours) != 0) {
		calendar_free(&c);
		return RC_VALIDATION_FAILED;
	}
	const struct embedded_file *f = shipped_schedule();
	if (f != NULL) {
		json_t *doc = json_loadb((const char *)f->data, f->size, 0, NULL);
		char err[160];
		if (doc == NULL || calendar_load_json(&c, doc, 0, 0, err, sizeof(err)) < 0) {
			json_decref(doc);
			calendar_free(&c);
			return RC_INTERNAL;
		}
		json_decref(doc);
	}
	/* Days stored locally override the shipped schedule. */
	sqlite3_stmt *st = db_stmt(db, "SELECT day, kind FROM calendar_days");
	if (st == NULL) {
		calendar_free(&c);
		return RC_INTERNAL;
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		int32_t day = calendar_day_of(db_col_text(st, 0));
		if (day != INT32_MIN)
			calendar_set_day(&c, day,
					 strcmp(db_col_text(st, 1), "holiday") == 0
						 ? CALENDAR_HOLIDAY
						 : CALENDAR_WORKDAY);
	}
	sqlite3_reset(st);
	if (cal_loaded)
		calendar_free(&cal);
	cal = c;
	cal_loaded = true;
	return RC_OK;
}

int events_calendar_import(struct db *db, const json_t *doc, int *n, char *err, size_t errlen)
{
	struct calendar c;
	calendar_init(&c);
	/* Parse everything first: a bad date changes nothing. */
	int count = calendar_load_json(&c, doc, 0, 0, err, errlen);
	if (count < 0) {
		calendar_free(&c);
		return RC_VALIDATION_FAILED;
	}
	int rc = db_begin(db);
	/* A year in the file replaces what was stored for that year. */
	char last_year[5] = "";
	for (size_t i = 0; i < c.n && rc == RC_OK; i++) {
		char date[11];
		calendar_date_of(c.days[i], date);
		if (strncmp(date, last_year, 4) != 0) {
			memcpy(last_year, date, 4);
			last_year[4] = '\0';
			sqlite3_stmt *del = db_stmt(
				db, "DELETE FROM calendar_days WHERE substr(day, 1, 4) = ?");
			if (del == NULL) {
				rc = RC_INTERNAL;
				break;
			}
			db_bind_text(del, 1, last_year);
			rc = db_step_done(db, del);
		}
		sqlite3_stmt *st =
			db_stmt(db, "INSERT INTO calendar_days (day, kind) VALUES (?, ?)");
		if (rc != RC_OK || st == NULL) {
			rc = rc != RC_OK ? rc : RC_INTERNAL;
			break;
		}
		db_bind_text(st, 1, date);
		db_bind_text(st, 2, c.kinds[i] == CALENDAR_HOLIDAY ? "holiday" : "workday");
		rc = db_step_done(db, st);
	}
	if (rc == RC_OK)
		rc = db_commit(db);
	else
		db_rollback(db);
	calendar_free(&c);
	*n = count;
	return rc;
}

/* ---- deadline sweeps ---- */

static pthread_t sweeper;
static bool sweeper_running, sweeper_stopping;
static pthread_mutex_t sweeper_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t sweeper_wake = PTHREAD_COND_INITIALIZER;
static struct db *sweeper_db;
static int sweep_every_s;

static void *sweep_loop(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&sweeper_lock);
	while (!sweeper_stopping) {
		pthread_mutex_unlock(&sweeper_lock);
		int warned, overdue;
		int rc = case_sweep(sweeper_db, clock_now_ms(), &warned, &overdue);
		if (rc != RC_OK)
			log_warn("deadline sweep failed (rc %d); retrying next time", rc);
		else if (warned || overdue)
			log_info("deadline sweep: %d warnings, %d overdue", warned, overdue);
		db_release(sweeper_db);
		pthread_mutex_lock(&sweeper_lock);
		struct timespec at;
		clock_gettime(CLOCK_REALTIME, &at);
		at.tv_sec += sweep_every_s;
		if (!sweeper_stopping)
			pthread_cond_timedwait(&sweeper_wake, &sweeper_lock, &at);
	}
	pthread_mutex_unlock(&sweeper_lock);
	return NULL;
}

int events_sweeper_start(const struct db_options *o, int seconds)
{
	int rc = db_open(o, &sweeper_db);
	if (rc != RC_OK)
		return rc;
	sweep_every_s = seconds > 0 ? seconds : 60;
	sweeper_stopping = false;
	if (pthread_create(&sweeper, NULL, sweep_loop, NULL) != 0) {
		db_close(sweeper_db);
		return RC_INTERNAL;
	}
	sweeper_running = true;
	return RC_OK;
}

void events_sweeper_stop(void)
{
	if (!sweeper_running)
		return;
	pthread_mutex_lock(&sweeper_lock);
	sweeper_stopping = true;
	pthread_cond_signal(&sweeper_wake);
	pthread_mutex_unlock(&sweeper_lock);
	pthread_join(sweeper, NULL);
	db_close(sweeper_db);
	sweeper_running = false;
}

/* ---- categories ---- */

/* The limits of category code: any category (active or not, a 大类 or a
 * 小类) when any is true, else only an active 小类. */
static int category_limits(struct db *db, const char *code, bool any, struct event_limits *out)
{
	/* A retired category's limits still apply to its open events. */
	sqlite3_stmt *st =
		db_stmt(db, "SELECT register_limit, register_unit, dispatch_limit,"
			    " dispatch_unit, handle_limit, handle_unit, ifnull(unit_id, 0)"
			    " FROM event_categories WHERE code = ?1 AND (?2 OR (active = 1"
			    " AND parent_code IS NOT NULL))");
	if (st == NULL)
		return RC_INTERNAL;
	db_bind_text(st, 1, code);
	sqlite3_bind_int(st, 2, any);
	int rc = RC_NOT_FOUND;
	if (sqlite3_step(st) == SQLITE_ROW) {
		out->reg = sqlite3_column_int(st, 0);
		snprintf(out->reg_unit, sizeof(out->reg_unit), "%s", db_col_text(st, 1));
		out->dispatch = sqlite3_column_int(st, 2);
		snprintf(out->dispatch_unit, sizeof(out->dispatch_unit), "%s", db_col_text(st, 3));
		out->handle = sqlite3_column_int(st, 4);
		snprintf(out->handle_unit, sizeof(out->handle_unit), "%s", db_col_text(st, 5));
		out->unit_id = sqlite3_column_int64(st, 6);
		rc = RC_OK;
	}
	sqlite3_reset(st);
	return rc;
}

int event_category(struct db *db, const char *code, struct event_limits *out)
{
	return category_limits(db, code, false, out);
}

int event_categories_json(struct db *db, json_t **out_new)
{
	sqlite3_stmt *st =
		db_stmt(db, "SELECT code, parent_code, name, name_en, kind,"
			    " register_limit, register_unit, dispatch_limit, dispatch_unit,"
			    " handle_limit, handle_unit, unit_id, active, open311"
			    " FROM event_categories ORDER BY code");
	if (st == NULL)
		return RC_INTERNAL;
	json_t *items = json_array();
	while (sqlite3_step(st) == SQLITE_ROW) {
		json_t *o = json_pack(
			"{s:s, s:s, s:s, s:s, s:{s:i, s:s}, s:{s:i, s:s}, s:{s:i, s:s}, s:b}",
			"code", db_col_text(st, 0), "name", db_col_text(st, 2), "name_en",
			db_col_text(st, 3), "kind", db_col_text(st, 4), "register", "limit",
			sqlite3_column_int(st, 5), "unit", db_col_text(st, 6), "dispatch", "limit",
			sqlite3_column_int(st, 7), "unit", db_col_text(st, 8), "handle", "limit",
			sqlite3_column_int(st, 9), "unit", db_col_text(st, 10), "active",
			sqlite3_column_int(st, 12));
		json_object_set_new(o, "parent_code", db_col_json(st, 1));
		json_object_set_new(o, "unit_id", db_col_json(st, 11));
		json_object_set_new(o, "open311", json_boolean(sqlite3_column_int(st, 13)));
		json_array_append_new(items, o);
	}
	sqlite3_reset(st);
	*out_new = items;
	return RC_OK;
}

/* ---- location ---- */

int event_grid_at(struct db *db, const char *roots, double lon, double lat, char code[16])
{
	sqlite3_stmt *st = db_stmt(db, "SELECT o.code, o.boundary FROM json_each(?1) rt JOIN org o"
				       " ON o.code >= rt.value AND o.code < rt.value || ';'"
				       " WHERE o.level = 'grid' AND o.boundary IS NOT NULL");
	if (st == NULL)
		return RC_INTERNAL;
	db_bind_text(st, 1, roots);
	int rc = RC_NOT_FOUND;
	while (rc == RC_NOT_FOUND && sqlite3_step(st) == SQLITE_ROW) {
		json_t *g = json_loads(db_col_text(st, 1), 0, NULL);
		if (g != NULL && geo_contains(g, lon, lat)) {
			snprintf(code, 16, "%s", db_col_text(st, 0));
			rc = RC_OK;
		}
		json_decref(g);
	}
	sqlite3_reset(st);
	return rc;
}

/* ---- create ---- */

/* Closed at at_ms (0: open again), on the case and on the event, whose
 * copy the metrics' index reads. */
static int close_event(struct db *db, int64_t id, int64_t at_ms)
{
	int rc = case_set_closed(db, id, at_ms);
	sqlite3_stmt *st = db_stmt(db, "UPDATE events SET closed_at_ms = ?2 WHERE case_id = ?1");
	if (rc != RC_OK || st == NULL)
		return rc != RC_OK ? rc : RC_INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	if (at_ms)
		sqlite3_bind_int64(st, 2, at_ms);
	return db_step_done(db, st);
}

int event_create(struct db *db, const struct event_in *in, const char *code,
		 const struct case_actor *who, int64_t *id)
{
	struct event_limits lim;
	int rc = event_category(db, in->category, &lim);
	if (rc != RC_OK)
		return rc;
	char level[16];
	snprintf(level, sizeof(level), "%.*s", strlen(code) >= 9 ? 9 : (int)strlen(code), code);
	bool self = strcmp(in->source, "self") == 0;
	/* The title is the description's start, cut between characters. */
	char title[96];
	snprintf(title, sizeof(title), "%.*s", (int)utf8_prefix(in->description, 90),
		 in->description);
	rc = case_create(db, &event_kind, self ? EV_CLOSED : EV_REPORTED, code, level, title, who,
			 id);
	if (rc != RC_OK)
		return rc;
	int64_t now = clock_now_ms();
	sqlite3_stmt *st = db_stmt(
		db,
		"INSERT INTO events (case_id, category_code, source, description, lat, lon,"
		" address_id, reporter_id, reported_at_ms, registered_at_ms, registered_on_time,"
		" handled_at_ms, feedback, closed_on_time, reopen_until_ms)"
		" VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?10,?12,?11,?13)");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, *id);
	db_bind_text(st, 2, in->category);
	db_bind_text(st, 3, in->source);
	db_bind_text(st, 4, in->description);
	if (in->has_point) {
		sqlite3_bind_double(st, 5, in->lat);
		sqlite3_bind_double(st, 6, in->lon);
	}
	if (in->address_id)
		sqlite3_bind_int64(st, 7, in->address_id);
	if (who->id)
		sqlite3_bind_int64(st, 8, who->id);
	sqlite3_bind_int64(st, 9, now);
	if (self) {
		/* 自办自结: found and fixed on the spot by the grid worker. */
		sqlite3_bind_int64(st, 10, now);
		sqlite3_bind_int(st, 11, 1);
		db_bind_text(st, 12, in->feedback);
		sqlite3_bind_int64(st, 13, now + (int64_t)events_reopen_days * 86400000);
	}
	rc = db_step_done(db, st);
	if (rc != RC_OK)
		return rc;
	struct case_row c;
	rc = case_load(db, &event_kind, *id, &c);
	if (rc != RC_OK)
		return rc;
	if (self)
		return close_event(db, *id, now);
	return case_set_stage(db, &c, events_calendar(), "register", lim.reg, lim.reg_unit, now);
}

/* ---- reading ---- */

#define EVENT_COLUMNS                                                                          \
	" c.id, c.state, c.code, c.level_code, c.title, c.created_at_ms, c.unit_id,"           \
	" c.assignee_id, c.stage, c.due_at_ms, c.warn_at_ms, c.overdue, c.reworks, c.returns," \
	" c.closed_at_ms, c.version, e.category_code, e.source, e.description, e.lat, e.lon,"  \
	" e.address_id, e.reporter_id, e.score, e.score_comment, e.merged_into,"               \
	" (SELECT name FROM event_categories WHERE code = e.category_code),"                   \
	" (SELECT name FROM handling_units WHERE id = c.unit_id),"                             \
	" (SELECT display_name FROM users WHERE id = c.assignee_id),"                          \
	" (SELECT name FROM org WHERE code = c.code), c.postpone_request, e.feedback"

static json_t *nullable_time(sqlite3_stmt *st, int i)
{
	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		return json_null();
	char at[32];
	clock_iso_ms(sqlite3_column_int64(st, i), at, sizeof(at));
	return json_string(at);
}

static json_t *event_row(sqlite3_stmt *st, bool with_people)
{
	json_t *o =
		json_pack("{s:I, s:s, s:s, s:s, s:s, s:o, s:s, s:s, s:s, s:I}", "id",
			  (json_int_t)sqlite3_column_int64(st, 0), "state", db_col_text(st, 1),
			  "code", db_col_text(st, 2), "level_code", db_col_text(st, 3), "title",
			  db_col_text(st, 4), "reported_at", nullable_time(st, 5), "category",
			  db_col_text(st, 16), "source", db_col_text(st, 17), "description",
			  db_col_text(st, 18), "version", (json_int_t)sqlite3_column_int64(st, 15));
	json_object_set_new(o, "category_name", db_col_json(st, 26));
	json_object_set_new(o, "grid_name", db_col_json(st, 29));
	json_object_set_new(o, "stage", db_col_json(st, 8));
	json_object_set_new(o, "due_at", nullable_time(st, 9));
	json_object_set_new(o, "warn_at", nullable_time(st, 10));
	/* Deadline colour on the board: green, yellow after the warning time,
	 * red once overdue. */
	int64_t now = clock_now_ms();
	const char *colour = "none";
	if (sqlite3_column_type(st, 9) != SQLITE_NULL)
		colour = now >= sqlite3_column_int64(st, 9)    ? "red"
			 : now >= sqlite3_column_int64(st, 10) ? "yellow"
							       : "green";
	json_object_set_new(o, "deadline", json_string(colour));
	json_object_set_new(o, "overdue", json_boolean(sqlite3_column_int(st, 11)));
	json_object_set_new(o, "reworks", json_integer(sqlite3_column_int(st, 12)));
	json_object_set_new(o, "returns", json_integer(sqlite3_column_int(st, 13)));
	json_object_set_new(o, "closed_at", nullable_time(st, 14));
	json_object_set_new(o, "lat", db_col_json(st, 19));
	json_object_set_new(o, "lon", db_col_json(st, 20));
	json_object_set_new(o, "address_id", db_col_json(st, 21));
	json_object_set_new(o, "score", db_col_json(st, 23));
	json_object_set_new(o, "score_comment", db_col_json(st, 24));
	json_object_set_new(o, "merged_into", db_col_json(st, 25));
	json_object_set_new(o, "feedback", db_col_json(st, 31));
	json_object_set_new(o, "unit_id", db_col_json(st, 6));
	json_object_set_new(o, "unit_name", db_col_json(st, 27));
	if (with_people) {
		json_object_set_new(o, "assignee_id", db_col_json(st, 7));
		json_object_set_new(o, "assignee_name", db_col_json(st, 28));
		json_object_set_new(o, "reporter_id", db_col_json(st, 22));
		json_t *pp = sqlite3_column_type(st, 30) == SQLITE_NULL
				     ? NULL
				     : json_loads(db_col_text(st, 30), 0, NULL);
		json_object_set_new(o, "postponement", pp ? pp : json_null());
	}
	return o;
}

int event_json(struct db *db, int64_t id, bool with_people, json_t **out_new)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT" EVENT_COLUMNS " FROM cases c JOIN events e"
				       " ON e.case_id = c.id WHERE c.id = ?");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	int src = sqlite3_step(st);
	json_t *o = src == SQLITE_ROW ? event_row(st, with_people) : NULL;
	sqlite3_reset(st);
	if (o == NULL)
		return src == SQLITE_DONE ? RC_NOT_FOUND : db_rc(db, src);
	json_t *tl;
	int rc = case_timeline(db, id, &tl);
	if (rc != RC_OK) {
		json_decref(o);
		return rc;
	}
	if (!with_people) {
		size_t i;
		json_t *e;
		json_array_foreach(tl, i, e)
		{
			json_object_del(e, "actor_id");
			json_object_del(e, "actor_name");
			json_object_del(e, "actor_display");
		}
	}
	json_object_set_new(o, "timeline", tl);
	json_t *photos = json_array();
	sqlite3_stmt *ph = db_stmt(db, "SELECT id, stage, type, bytes FROM event_photos"
				       " WHERE case_id = ? ORDER BY id");
	if (ph != NULL) {
		sqlite3_bind_int64(ph, 1, id);
		while (sqlite3_step(ph) == SQLITE_ROW) {
			int64_t pid = sqlite3_column_int64(ph, 0);
			char url[96];
			snprintf(url, sizeof(url), "/api/v1/events/%lld/photos/%lld", (long long)id,
				 (long long)pid);
			json_array_append_new(
				photos,
				json_pack("{s:I, s:s, s:s, s:I, s:s}", "id", (json_int_t)pid,
					  "stage", db_col_text(ph, 1), "type", db_col_text(ph, 2),
					  "bytes", (json_int_t)sqlite3_column_int64(ph, 3), "url",
					  url));
		}
		sqlite3_reset(ph);
	}
	json_object_set_new(o, "photos", photos);
	*out_new = o;
	return RC_OK;
}

/* Filters applied to the rows an index found (?3 category or 大类, ?4
 * source, ?5 overdue only, ?6 unit, ?8 now). */
#define EVENT_FILTER                                                      \
	" AND (?3 IS NULL OR e.category_code = ?3"                        \
	"      OR e.category_code >= ?3 AND e.category_code < ?3 || ';')" \
	" AND (?4 IS NULL OR e.source = ?4)"                              \
	" AND (?5 = 0 OR c.overdue = 1 OR c.due_at_ms <= ?8)"             \
	" AND (?6 = 0 OR c.unit_id = ?6)"                                 \
	" AND (?11 IS NULL OR c.level_code = ?11)"

/* Where the rows come from: open cases (the board's default), every case,
 * cases in one state (?2), all under the roots ?1; or a reporter's own
 * (?7).  Each way has its own statement so that SQLite uses its index. */
#define IN_ROOTS " AND c.code >= rt.value AND c.code < rt.value || ';'"
#define FROM_OPEN                                                                             \
	" FROM json_each(?1) rt JOIN cases c ON c.kind = 'event' AND c.state IN ('reported'," \
	" 'registered', 'dispatched', 'accepted', 'handled', 'parked')" IN_ROOTS              \
	" JOIN events e ON e.case_id = c.id WHERE 1" EVENT_FILTER
#define FROM_ALL                                                           \
	" FROM json_each(?1) rt JOIN cases c ON c.kind = 'event'" IN_ROOTS \
	" JOIN events e ON e.case_id = c.id WHERE 1" EVENT_FILTER
#define FROM_STATE                                                                          \
	" FROM json_each(?1) rt JOIN cases c ON c.kind = 'event' AND c.state = ?2" IN_ROOTS \
	" JOIN events e ON e.case_id = c.id WHERE 1" EVENT_FILTER
#define FROM_MINE                                                                  \
	" FROM events e JOIN cases c ON c.id = e.case_id WHERE e.reporter_id = ?7" \
	" AND (?2 IS NULL OR c.state = ?2)" EVENT_FILTER

static void bind_filter(sqlite3_stmt *st, const struct event_filter *f)
{
	db_bind_text(st, 1, f->roots);
	db_bind_text(st, 2, f->state);
	db_bind_text(st, 3, f->category);
	db_bind_text(st, 4, f->source);
	sqlite3_bind_int(st, 5, f->overdue_only);
	sqlite3_bind_int64(st, 6, f->unit_id);
	sqlite3_bind_int64(st, 7, f->reporter_id);
	sqlite3_bind_int64(st, 8, clock_now_ms());
	db_bind_text(st, 11, f->level);
}

int events_list(struct db *db, const struct event_filter *f, json_t **items_new, int64_t *total,
		bool *capped)
{
	/* Counting stops at 10,001: a county's history has a million events,
	 * and "more than 10,000" is all a list needs to say. */
	sqlite3_stmt *count, *list;
	if (f->reporter_id != 0) {
		count = db_stmt(db, "SELECT count(*) FROM (SELECT 1" FROM_MINE " LIMIT 10001)");
		list = db_stmt(db, "SELECT" EVENT_COLUMNS FROM_MINE
				   " ORDER BY c.id DESC LIMIT ?9 OFFSET ?10");
	} else if (f->state == NULL || strcmp(f->state, "open") == 0) {
		count = db_stmt(db, "SELECT count(*) FROM (SELECT 1" FROM_OPEN " LIMIT 10001)");
		list = db_stmt(db, "SELECT" EVENT_COLUMNS FROM_OPEN
				   " ORDER BY c.id DESC LIMIT ?9 OFFSET ?10");
	} else if (strcmp(f->state, "all") == 0) {
		count = db_stmt(db, "SELECT count(*) FROM (SELECT 1" FROM_ALL " LIMIT 10001)");
		list = db_stmt(db, "SELECT" EVENT_COLUMNS FROM_ALL
				   " ORDER BY c.id DESC LIMIT ?9 OFFSET ?10");
	} else {
		count = db_stmt(db, "SELECT count(*) FROM (SELECT 1" FROM_STATE " LIMIT 10001)");
		list = db_stmt(db, "SELECT" EVENT_COLUMNS FROM_STATE
				   " ORDER BY c.id DESC LIMIT ?9 OFFSET ?10");
	}
	if (count == NULL || list == NULL)
		return RC_INTERNAL;
	bind_filter(count, f);
	int src = sqlite3_step(count);
	*total = src == SQLITE_ROW ? sqlite3_column_int64(count, 0) : 0;
	sqlite3_reset(count);
	if (src != SQLITE_ROW)
		return db_rc(db, src);
	*capped = *total > 10000;
	if (*capped)
		*total = 10000;
	bind_filter(list, f);
	sqlite3_bind_int64(list, 9, f->limit);
	sqlite3_bind_int64(list, 10, f->offset);
	json_t *items = json_array();
	bool people = f->reporter_id == 0;
	while ((src = sqlite3_step(list)) == SQLITE_ROW)
		json_array_append_new(items, event_row(list, people));
	sqlite3_reset(list);
	if (src != SQLITE_DONE) {
		json_decref(items);
		return db_rc(db, src);
	}
	*items_new = items;
	return RC_OK;
}

/* Great-circle distance in metres (haversine on a 6,371 km sphere). */
static double metres_between(double lat1, double lon1, double lat2, double lon2)
{
	const double r = 6371000.0, rad = M_PI / 180.0;
	double dlat = (lat2 - lat1) * rad, dlon = (lon2 - lon1) * rad;
	double a = sin(dlat / 2) * sin(dlat / 2) +
		   cos(lat1 * rad) * cos(lat2 * rad) * sin(dlon / 2) * sin(dlon / 2);
	return 2 * r * asin(sqrt(a));
}

int events_nearby(struct db *db, const char *roots, const char *category, double lat, double lon,
		  double metres, int days, json_t **out_new)
{
	/* A bounding box narrows the rows; the exact distance decides. */
	double dlat = metres / 111320.0, dlon = metres / (111320.0 * cos(lat * M_PI / 180.0));
	sqlite3_stmt *st = db_stmt(
		db, "SELECT c.id, c.state, c.title, e.lat, e.lon, c.created_at_ms"
		    " FROM events e JOIN cases c ON c.id = e.case_id"
		    " JOIN json_each(?1) rt ON c.code >= rt.value AND c.code < rt.value || ';'"
		    " WHERE e.category_code = ?2 AND e.reported_at_ms >= ?3"
		    " AND e.lat BETWEEN ?4 AND ?5 AND e.lon BETWEEN ?6 AND ?7"
		    " AND c.state NOT IN ('closed', 'cancelled', 'merged') ORDER BY c.id DESC");
	if (st == NULL)
		return RC_INTERNAL;
	db_bind_text(st, 1, roots);
	db_bind_text(st, 2, category);
	sqlite3_bind_int64(st, 3, clock_now_ms() - (int64_t)days * 86400000);
	sqlite3_bind_double(st, 4, lat - dlat);
	sqlite3_bind_double(st, 5, lat + dlat);
	sqlite3_bind_double(st, 6, lon - dlon);
	sqlite3_bind_double(st, 7, lon + dlon);
	json_t *items = json_array();
	while (sqlite3_step(st) == SQLITE_ROW) {
		double d = metres_between(lat, lon, sqlite3_column_double(st, 3),
					  sqlite3_column_double(st, 4));
		if (d > metres)
			continue;
		char at[32];
		clock_iso_ms(sqlite3_column_int64(st, 5), at, sizeof(at));
		json_array_append_new(items,
				      json_pack("{s:I, s:s, s:s, s:i, s:s}", "id",
						(json_int_t)sqlite3_column_int64(st, 0), "state",
						db_col_text(st, 1), "title", db_col_text(st, 2),
						"metres", (int)lround(d), "reported_at", at));
	}
	sqlite3_reset(st);
	*out_new = items;
	return RC_OK;
}

/* ---- photos ---- */

const char *event_photo_type(const unsigned char *d, size_t n)
{
	/* JPEG: SOI marker then another marker; it ends with EOI (some cameras
	 * pad after it, so the last 32 bytes are searched). */
	if (n >= 4 && d[0] == 0xFF && d[1] == 0xD8 && d[2] == 0xFF) {
		for (size_t i = n - 1; i >= 1 && i + 32 >= n; i--)
			if (d[i - 1] == 0xFF && d[i] == 0xD9)
				return "image/jpeg";
		return NULL;
	}
	/* PNG: the signature, then the IHDR chunk of 13 bytes. */
	static const unsigned char sig[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
	if (n >= 33 && memcmp(d, sig, 8) == 0 && memcmp(d + 8, "\0\0\0\rIHDR", 8) == 0)
		return "image/png";
	return NULL;
}

int event_photo_add(struct db *db, int64_t case_id, const char *stage, const char *type,
		    const void *data, size_t len, int64_t user_id, int64_t *id)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT count(*) FROM event_photos WHERE case_id = ?");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, case_id);
	int64_t n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	if (n >= EVENT_PHOTOS_MAX)
		return RC_CONFLICT;
	st = db_stmt(db, "INSERT INTO event_photos (case_id, stage, type, bytes, data, created_by,"
			 " created_at_ms) VALUES (?,?,?,?,?,?,?)");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, case_id);
	db_bind_text(st, 2, stage);
	db_bind_text(st, 3, type);
	sqlite3_bind_int64(st, 4, (int64_t)len);
	sqlite3_bind_blob(st, 5, data, (int)len, SQLITE_STATIC);
	if (user_id)
		sqlite3_bind_int64(st, 6, user_id);
	sqlite3_bind_int64(st, 7, clock_now_ms());
	int rc = db_step_done(db, st);
	if (rc == RC_OK)
		*id = db_last_id(db);
	return rc;
}

int event_photo_get(struct db *db, int64_t case_id, int64_t id, void **data, size_t *len,
		    char type[16])
{
	sqlite3_stmt *st = db_stmt(db, "SELECT type, data FROM event_photos"
				       " WHERE id = ? AND case_id = ?");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, case_id);
	int rc = RC_NOT_FOUND;
	if (sqlite3_step(st) == SQLITE_ROW) {
		snprintf(type, 16, "%s", db_col_text(st, 0));
		*len = (size_t)sqlite3_column_bytes(st, 1);
		*data = malloc(*len ? *len : 1);
		if (*data == NULL) {
			rc = RC_INTERNAL;
		} else {
			memcpy(*data, sqlite3_column_blob(st, 1), *len);
			rc = RC_OK;
		}
	}
	sqlite3_reset(st);
	return rc;
}

/* ---- after a move ---- */

/* Run st, an update of events taking ?1 the case, ?2 a number, ?3 text. */
static int set_event(struct db *db, sqlite3_stmt *st, int64_t id, int64_t a, const char *text)
{
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, a);
	db_bind_text(st, 3, text);
	return db_step_done(db, st);
}

static int category_of(struct db *db, int64_t id, struct event_limits *lim, int64_t *handle_due)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT category_code, ifnull(handle_due_ms, 0)"
				       " FROM events WHERE case_id = ?");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	char code[16] = "";
	if (sqlite3_step(st) == SQLITE_ROW) {
		snprintf(code, sizeof(code), "%s", db_col_text(st, 0));
		*handle_due = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	return category_limits(db, code, true, lim);
}

const char *event_check_args(struct db *db, const struct case_row *c, const char *action,
			     const json_t *arg, const char **why)
{
	*why = NULL;
	if (strcmp(action, "dispatch") == 0) {
		struct event_limits lim;
		int64_t hd;
		int64_t unit = json_integer_value(json_object_get(arg, "unit_id"));
		if (unit == 0 && category_of(db, c->id, &lim, &hd) == RC_OK)
			unit = lim.unit_id;
		sqlite3_stmt *st =
			db_stmt(db, "SELECT 1 FROM handling_units WHERE id = ? AND active = 1");
		bool ok = false;
		if (st != NULL && unit != 0) {
			sqlite3_bind_int64(st, 1, unit);
			ok = sqlite3_step(st) == SQLITE_ROW;
			sqlite3_reset(st);
		}
		if (!ok) {
			*why = "an active handling unit is needed (the category has no default)";
			return "unit_id";
		}
		int64_t person = json_integer_value(json_object_get(arg, "assignee_id"));
		if (person != 0 && !case_unit_member(db, unit, person)) {
			*why = "the person must be a member of the unit";
			return "assignee_id";
		}
	} else if (strcmp(action, "merge") == 0) {
		int64_t into = json_integer_value(json_object_get(arg, "into"));
		struct case_row t;
		if (into == c->id || case_load(db, &event_kind, into, &t) != RC_OK ||
		    t.state == EV_CLOSED || t.state == EV_CANCELLED || t.state == EV_MERGED ||
		    strncmp(t.code, c->level_code, strlen(c->level_code)) != 0) {
			*why = "merge into another open event of the same area";
			return "into";
		}
	} else if (strcmp(action, "reopen") == 0) {
		sqlite3_stmt *st = db_stmt(db, "SELECT ifnull(reopen_until_ms, 0) FROM events"
					       " WHERE case_id = ?");
		int64_t until = 0;
		if (st != NULL) {
			sqlite3_bind_int64(st, 1, c->id);
			if (sqlite3_step(st) == SQLITE_ROW)
				until = sqlite3_column_int64(st, 0);
			sqlite3_reset(st);
		}
		if (clock_now_ms() > until) {
			*why = "the period for reopening has passed";
			return "state";
		}
	} else if (strcmp(action, "decide_postponement") == 0) {
		sqlite3_stmt *st = db_stmt(db, "SELECT postpone_request IS NOT NULL FROM cases"
					       " WHERE id = ?");
		bool pending = false;
		if (st != NULL) {
			sqlite3_bind_int64(st, 1, c->id);
			pending = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0);
			sqlite3_reset(st);
		}
		if (!pending) {
			*why = "no postponement has been requested";
			return "approve";
		}
	} else if (strcmp(action, "escalate") == 0) {
		if (strlen(c->level_code) <= 6) {
			*why = "the county is the highest level";
			return "state";
		}
	}
	return NULL;
}

int event_after_move(struct db *db, struct case_row *c, const char *action, int from_state,
		     const json_t *arg, const struct case_actor *who)
{
	const struct calendar *wc = events_calendar();
	struct event_limits lim;
	int64_t handle_due = 0, now = clock_now_ms();
	int rc = category_of(db, c->id, &lim, &handle_due);
	if (rc != RC_OK)
		return rc;
	if (strcmp(action, "register") == 0) {
		rc = set_event(
			db,
			db_stmt(db,
				"UPDATE events SET registered_at_ms = ?2,"
				" registered_on_time = ?2 <= ifnull((SELECT due_at_ms FROM cases"
				" WHERE id = ?1), ?2) WHERE case_id = ?1"),
			c->id, now, NULL);
		if (rc == RC_OK)
			rc = case_set_stage(db, c, wc, "dispatch", lim.dispatch, lim.dispatch_unit,
					    now);
	} else if (strcmp(action, "dispatch") == 0) {
		int64_t unit = json_integer_value(json_object_get(arg, "unit_id"));
		rc = case_assign(db, c, unit ? unit : lim.unit_id,
				 json_integer_value(json_object_get(arg, "assignee_id")), who->id);
		if (rc == RC_OK)
			rc = case_set_stage(db, c, wc, "handle", lim.handle, lim.handle_unit, now);
		/* The handling deadline is what on-time closure is measured by. */
		if (rc == RC_OK)
			rc = set_event(
				db,
				db_stmt(db,
					"UPDATE events SET dispatched_at_ms = ?2, handle_due_ms ="
					" (SELECT due_at_ms FROM cases WHERE id = ?1) WHERE "
					"case_id = ?1"),
				c->id, now, NULL);
		if (rc == RC_OK)
			rc = case_notify_handlers(db, c, "assigned");
	} else if (strcmp(action, "return") == 0) {
		rc = case_bump(db, c->id, "returns");
		if (rc == RC_OK)
			rc = case_notify(db, c->dispatcher_id, c->id, "returned");
		if (rc == RC_OK)
			rc = case_assign(db, c, 0, 0, c->dispatcher_id);
		if (rc == RC_OK)
			rc = case_set_stage(db, c, wc, "dispatch", lim.dispatch, lim.dispatch_unit,
					    now);
	} else if (strcmp(action, "handle") == 0) {
		rc = set_event(db,
			       db_stmt(db, "UPDATE events SET handled_at_ms = ?2, feedback = ?3"
					   " WHERE case_id = ?1"),
			       c->id, now, json_string_value(json_object_get(arg, "feedback")));
		if (rc == RC_OK)
			rc = case_set_stage(db, c, wc, NULL, 0, NULL, now);
	} else if (strcmp(action, "verify") == 0) {
		if (json_is_true(json_object_get(arg, "passed"))) {
			rc = close_event(db, c->id, now);
			if (rc == RC_OK)
				rc = set_event(
					db,
					db_stmt(db, "UPDATE events SET closed_on_time ="
						    " (handled_at_ms <= ifnull(handle_due_ms, "
						    "handled_at_ms)),"
						    " reopen_until_ms = ?2 WHERE case_id = ?1"),
					c->id, now + (int64_t)events_reopen_days * 86400000, NULL);
		} else {
			/* Rework: back to the handler with the deadline it had; a
			 * failed verification does not buy more time. */
			rc = case_bump(db, c->id, "reworks");
			if (rc == RC_OK) {
				sqlite3_stmt *st = db_stmt(
					db, "UPDATE cases SET stage = 'handle', due_at_ms = ?2,"
					    " warn_at_ms = ?2, warned = 0, overdue = 0"
					    " WHERE id = ?1");
				if (st == NULL)
					return RC_INTERNAL;
				sqlite3_bind_int64(st, 1, c->id);
				sqlite3_bind_int64(st, 2, handle_due ? handle_due : now);
				rc = db_step_done(db, st);
			}
			if (rc == RC_OK)
				rc = case_notify_handlers(db, c, "rework");
		}
	} else if (strcmp(action, "evaluate") == 0) {
		sqlite3_stmt *st = db_stmt(db, "UPDATE events SET score = ?, score_comment = ?"
					       " WHERE case_id = ?");
		if (st == NULL)
			return RC_INTERNAL;
		sqlite3_bind_int64(st, 1, json_integer_value(json_object_get(arg, "score")));
		db_bind_text(st, 2, json_string_value(json_object_get(arg, "comment")));
		sqlite3_bind_int64(st, 3, c->id);
		rc = db_step_done(db, st);
	} else if (strcmp(action, "postpone") == 0) {
		char *text = json_dumps(arg, JSON_COMPACT | JSON_SORT_KEYS);
		rc = case_set_text(db, c->id, "postpone_request", text);
		free(text);
		if (rc == RC_OK)
			rc = case_notify(db, c->dispatcher_id, c->id, "postponement");
	} else if (strcmp(action, "decide_postponement") == 0) {
		sqlite3_stmt *st = db_stmt(db, "SELECT postpone_request FROM cases WHERE id = ?");
		if (st == NULL)
			return RC_INTERNAL;
		sqlite3_bind_int64(st, 1, c->id);
		json_t *req = sqlite3_step(st) == SQLITE_ROW
				      ? json_loads(db_col_text(st, 0), 0, NULL)
				      : NULL;
		sqlite3_reset(st);
		if (json_is_true(json_object_get(arg, "approve")) && req != NULL) {
			json_int_t days = json_integer_value(json_object_get(req, "days"));
			json_int_t hours = json_integer_value(json_object_get(req, "hours"));
			rc = case_extend(db, c, wc, days ? (int)days : (int)hours,
					 days ? "days" : "hours");
			if (rc == RC_OK)
				rc = set_event(db,
					       db_stmt(db, "UPDATE events SET handle_due_ms = ?2 "
							   "WHERE case_id = ?1"),
					       c->id, c->due_at_ms, NULL);
		}
		json_decref(req);
		if (rc == RC_OK)
			rc = case_set_text(db, c->id, "postpone_request", NULL);
		if (rc == RC_OK)
			rc = case_notify_handlers(db, c, "postponement_decided");
	} else if (strcmp(action, "escalate") == 0) {
		char up[16];
		size_t len = strlen(c->level_code);
		snprintf(up, sizeof(up), "%.*s", len > 9 ? 9 : 6, c->level_code);
		rc = case_set_text(db, c->id, "level_code", up);
		snprintf(c->level_code, sizeof(c->level_code), "%s", up);
	} else if (strcmp(action, "park") == 0) {
		rc = case_set_text(db, c->id, "parked_from", event_states[from_state]);
		if (rc == RC_OK)
			rc = case_set_stage(db, c, wc, NULL, 0, NULL, now);
	} else if (strcmp(action, "resume") == 0 || strcmp(action, "reopen") == 0) {
		rc = case_assign(db, c, 0, 0, c->dispatcher_id);
		if (rc == RC_OK)
			rc = close_event(db, c->id, 0);
		if (rc == RC_OK)
			rc = case_set_stage(db, c, wc, "dispatch", lim.dispatch, lim.dispatch_unit,
					    now);
	} else if (strcmp(action, "cancel") == 0 || strcmp(action, "merge") == 0) {
		rc = case_set_stage(db, c, wc, NULL, 0, NULL, now);
		if (rc == RC_OK && strcmp(action, "merge") == 0) {
			sqlite3_stmt *st =
				db_stmt(db, "UPDATE events SET merged_into = ? WHERE case_id = ?");
			if (st == NULL)
				return RC_INTERNAL;
			sqlite3_bind_int64(st, 1, json_integer_value(json_object_get(arg, "into")));
			sqlite3_bind_int64(st, 2, c->id);
			rc = db_step_done(db, st);
		}
	}
	/* The reporter follows their own report. */
	if (rc == RC_OK) {
		sqlite3_stmt *st =
			db_stmt(db, "SELECT ifnull(reporter_id, 0) FROM events WHERE case_id = ?");
		if (st == NULL)
			return RC_INTERNAL;
		sqlite3_bind_int64(st, 1, c->id);
		int64_t reporter = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
		sqlite3_reset(st);
		if (reporter != 0 && reporter != who->id && strcmp(action, "evaluate") != 0)
			rc = case_notify(db, reporter, c->id, "status");
	}
	return rc;
}
