/*
 * Event metrics on a real database: the case mix of a monthly bulletin of a
 * digital city-management centre (972 events due to close, 911 closed, 737
 * of them on time) gives its published rates, 93.72 % and 75.82 %; events
 * due outside the period, cancelled or merged do not count; and the other
 * rates follow their definitions.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/calendar.h"
#include "core/error.h"
#include "db/db.h"
#include "db/migrate.h"
#include "events/events.h"

static char dir[64];
static struct db *db;

/* Unix ms of 00:00 China Standard Time on date. */
static int64_t day_ms(const char *date)
{
	return ((int64_t)calendar_day_of(date) * 86400 - 8 * 3600) * 1000;
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/gr-events-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	char path[96];
	snprintf(path, sizeof(path), "%s/e.db", dir);
	struct db_options o = {.path = path, .create = true, .busy_timeout_ms = 1000};
	if (db_open(&o, &db) != RC_OK)
		return -1;
	int applied;
	return migrate_to(db, migrate_latest(), &applied) == RC_OK ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	db_close(db);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* One event in grid code: reported, registered (on time or not),
 * dispatched, with its handling deadline, and closed on time, late or not
 * at all; state overrides the state. */
struct mix {
	const char *code, *category, *state;
	int64_t reported, due;
	int registered_late, returned, reworked;
	int64_t handled; /* 0: not handled */
	int closed;      /* verified and closed */
};

static void add_event(const struct mix *m)
{
	const char *state = m->state ? m->state : m->closed ? "closed" : "accepted";
	sqlite3_stmt *st =
		db_stmt(db, "INSERT INTO cases (kind, state, code, level_code, title,"
			    " created_at_ms, returns, reworks, closed_at_ms)"
			    " VALUES ('event', ?, ?, substr(?2, 1, 9), 't', ?, ?, ?, ?)");
	assert_non_null(st);
	db_bind_text(st, 1, state);
	db_bind_text(st, 2, m->code);
	sqlite3_bind_int64(st, 3, m->reported);
	sqlite3_bind_int(st, 4, m->returned);
	sqlite3_bind_int(st, 5, m->reworked);
	if (m->closed)
		sqlite3_bind_int64(st, 6, m->handled + 60000);
	assert_int_equal(db_step_done(db, st), RC_OK);
	int64_t id = db_last_id(db);
	st = db_stmt(db, "INSERT INTO events (case_id, category_code, source, description,"
			 " reported_at_ms, registered_at_ms, registered_on_time, dispatched_at_ms,"
			 " handle_due_ms, handled_at_ms, closed_on_time, closed_at_ms)"
			 " VALUES (?, ?, 'patrol', 'd', ?, ?, ?, ?, ?, ?, ?, ?)");
	assert_non_null(st);
	sqlite3_bind_int64(st, 1, id);
	db_bind_text(st, 2, m->category);
	sqlite3_bind_int64(st, 3, m->reported);
	sqlite3_bind_int64(st, 4, m->reported + 1800000);
	sqlite3_bind_int(st, 5, !m->registered_late);
	sqlite3_bind_int64(st, 6, m->reported + 3600000);
	sqlite3_bind_int64(st, 7, m->due);
	if (m->handled)
		sqlite3_bind_int64(st, 8, m->handled);
	if (m->closed) {
		sqlite3_bind_int(st, 9, m->handled <= m->due);
		sqlite3_bind_int64(st, 10, m->handled + 60000);
	}
	assert_int_equal(db_step_done(db, st), RC_OK);
}

static json_t *metrics(const char *root, const char *by, const char *from, const char *to)
{
	struct event_metrics_query q = {.code = root,
					.from_ms = day_ms(from),
					.to_ms = day_ms(to),
					.by = by,
					.area_len = (int)strlen(root) + 3};
	json_t *o = NULL;
	assert_int_equal(events_metrics(db, &q, &o), RC_OK);
	return o;
}

static double num(json_t *o, const char *a, const char *b)
{
	return json_number_value(json_object_get(json_object_get(o, a), b));
}

static void test_the_monthly_bulletin(void **state)
{
	(void)state;
	assert_int_equal(db_begin(db), RC_OK);
	/* March 2026 in two towns: 972 events due to close in the month; 911
	 * closed, 737 of them by their deadline, 174 after it; 61 still open. */
	int64_t march = day_ms("2026-03-01");
	for (int i = 0; i < 972; i++) {
		struct mix m = {.code = i % 3 ? "330681109290001" : "330681001001001",
				.category = i % 2 ? "1101" : "1401"};
		m.reported = march + (int64_t)(i % 28) * 86400000;
		m.due = m.reported + 4 * 3600000;
		if (i < 737) {
			m.handled = m.due - 600000;
			m.closed = 1;
		} else if (i < 911) {
			m.handled = m.due + 3600000;
			m.closed = 1;
			m.reworked = i % 2;
		}
		m.registered_late = i % 10 == 0;
		m.returned = i % 20 == 0;
		add_event(&m);
	}
	/* Not counted as due in March: due in April, cancelled, merged. */
	struct mix april = {.code = "330681109290001",
			    .category = "1101",
			    .reported = day_ms("2026-03-31") + 20 * 3600000,
			    .due = day_ms("2026-04-01") + 10 * 3600000};
	add_event(&april);
	struct mix cancelled = {.code = "330681109290001",
				.category = "1101",
				.state = "cancelled",
				.reported = march,
				.due = march + 3600000};
	add_event(&cancelled);
	struct mix merged = cancelled;
	merged.state = "merged";
	add_event(&merged);
	assert_int_equal(db_commit(db), RC_OK);

	json_t *o = metrics("330681", "area", "2026-03-01", "2026-04-01");
	assert_int_equal((int)num(o, "totals", "due"), 972);
	assert_int_equal((int)num(o, "totals", "closed"), 911);
	assert_int_equal((int)num(o, "totals", "closed_on_time"), 737);
	assert_true(num(o, "totals", "closure_rate") == 93.72);
	assert_true(num(o, "totals", "on_time_closure_rate") == 75.82);
	assert_int_equal((int)num(o, "totals", "reported"), 975);
	/* Registration: one in ten late. */
	assert_true(num(o, "totals", "registered") == 975);
	/* Dispatch: one in twenty returned. */
	assert_true(num(o, "totals", "accurate_dispatch_rate") > 94.8 &&
		    num(o, "totals", "accurate_dispatch_rate") < 95.2);
	/* Rework: half of the 174 late closures, over 911 closed. */
	assert_true(num(o, "totals", "rework_rate") == 9.55);
	/* Handling took 2 h 50 min or 4 h 0 min from dispatch. */
	double mean = num(o, "totals", "mean_handling_hours");
	assert_true(mean > 3.0 && mean < 3.2);
	/* By area: the two towns add up to the county. */
	json_t *rows = json_object_get(o, "rows");
	assert_int_equal(json_array_size(rows), 2);
	int64_t due = 0;
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row) due += json_integer_value(json_object_get(row, "due"));
	assert_int_equal(due, 972);
	assert_string_equal(json_string_value(json_object_get(json_array_get(rows, 0), "key")),
			    "330681001");
	/* Top categories by reports. */
	json_t *top = json_object_get(o, "top_categories");
	assert_int_equal(json_array_size(top), 2);
	json_decref(o);

	/* A town's view holds only its own events. */
	o = metrics("330681109", "category", "2026-03-01", "2026-04-01");
	assert_int_equal((int)num(o, "totals", "due"), 648);
	rows = json_object_get(o, "rows");
	assert_int_equal(json_array_size(rows), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(rows, 0), "key")),
			    "11");
	json_decref(o);

	/* April: the one event due then, not closed; nothing else. */
	o = metrics("330681", "source", "2026-04-01", "2026-05-01");
	assert_int_equal((int)num(o, "totals", "due"), 1);
	assert_true(num(o, "totals", "closure_rate") == 0);
	json_decref(o);
	/* A year is read another way (by the node's codes) to the same counts. */
	o = metrics("330681", "area", "2026-01-01", "2027-01-01");
	assert_int_equal((int)num(o, "totals", "due"), 973);
	assert_int_equal((int)num(o, "totals", "closed"), 911);
	assert_int_equal((int)num(o, "totals", "closed_on_time"), 737);
	assert_int_equal((int)num(o, "totals", "reported"), 975);
	json_decref(o);
	/* A period with nothing due has no rates. */
	o = metrics("330681", "month", "2026-06-01", "2026-07-01");
	assert_true(json_is_null(json_object_get(json_object_get(o, "totals"), "closure_rate")));
	json_decref(o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_the_monthly_bulletin),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
