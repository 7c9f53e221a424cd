/*
 * Event metrics of a period, grouped by area, handling unit, handler
 * (post), category, source or month, as digital city-management bulletins
 * report them:
 *   due to close     events whose handling deadline falls in the period
 *                    (cancelled and merged ones excepted);
 *   closed           of those, the closed ones;  closure rate = closed / due;
 *   closed on time   of those, closed by the deadline (handled before it and
 *                    verified);  on-time closure rate = on time / due;
 *   on-time registration rate = registered in time / registered;
 *   accurate dispatch rate = dispatches never returned / dispatched;
 *   rework rate = closed in the period after a failed verification / closed
 *                 in the period;
 *   mean handling time = hours from dispatch to handling, for events handled
 *                 in the period.
 * Rates are percentages with two decimals, null when nothing is due.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/error.h"
#include "events/events.h"

/* ?1 scope roots, ?2 period start, ?3 period end (unix ms). */
#define MEASURES                                                                               \
	" sum(e.reported_at_ms >= ?2 AND e.reported_at_ms < ?3),"                              \
	" sum(e.registered_at_ms >= ?2 AND e.registered_at_ms < ?3),"                          \
	" sum(e.registered_at_ms >= ?2 AND e.registered_at_ms < ?3 AND e.registered_on_time)," \
	" sum(e.dispatched_at_ms >= ?2 AND e.dispatched_at_ms < ?3),"                          \
	" sum(e.dispatched_at_ms >= ?2 AND e.dispatched_at_ms < ?3 AND c.returns = 0),"        \
	" sum(e.handle_due_ms >= ?2 AND e.handle_due_ms < ?3"                                  \
	"     AND c.state NOT IN ('cancelled', 'merged')),"                                    \
	" sum(e.handle_due_ms >= ?2 AND e.handle_due_ms < ?3 AND c.state = 'closed'),"         \
	" sum(e.handle_due_ms >= ?2 AND e.handle_due_ms < ?3 AND c.state = 'closed'"           \
	"     AND e.closed_on_time),"                                                          \
	" sum(e.closed_at_ms >= ?2 AND e.closed_at_ms < ?3),"                                  \
	" sum(e.closed_at_ms >= ?2 AND e.closed_at_ms < ?3 AND c.reworks > 0),"                \
	" sum(CASE WHEN e.handled_at_ms >= ?2 AND e.handled_at_ms < ?3"                        \
	"     AND e.dispatched_at_ms IS NOT NULL"                                              \
	"     THEN (e.handled_at_ms - e.dispatched_at_ms) / 3600000.0 END),"                   \
	" sum(e.handled_at_ms >= ?2 AND e.handled_at_ms < ?3 AND e.dispatched_at_ms IS NOT NULL)"

/* Which events a period reads, under the node ?1.  For up to about a
 * quarter, those with any of their times in the period, found through one
 * index per time (SQLite unions them; the code test is kept off the index
 * with a unary +); 0.2 s for a month of a county with a million events in
 * its history, where scanning it all takes seconds.  For longer periods
 * most of the history is read anyway: the node's range of codes drives. */
#define IN_PERIOD(col) " (e." col " >= ?2 AND e." col " < ?3)"
#define SHORT                                                                                                                                                          \
	" FROM events e JOIN cases c ON c.id = e.case_id"                                                                                                              \
	" WHERE (" IN_PERIOD("reported_at_ms") " OR" IN_PERIOD(                                                                                                        \
		"registered_at_ms") " OR" IN_PERIOD("dispatched_at_ms") " OR" IN_PERIOD("handle_"                                                                      \
											"due_ms") " OR" IN_PERIOD("handled_at_ms") " OR" IN_PERIOD("closed_at_ms") ")" \
																				   " AND +c.code >= ?1 AND +c.code < ?1 || ';'"
#define LONG                                                                     \
	" FROM cases c JOIN events e ON e.case_id = c.id WHERE c.kind = 'event'" \
	" AND c.code >= ?1 AND c.code < ?1 || ';' AND e.reported_at_ms < ?3"
#define SHORT_PERIOD_MS (92LL * 86400000)

static json_t *rate(int64_t part, int64_t whole)
{
	if (whole == 0)
		return json_null();
	return json_real(round(10000.0 * (double)part / (double)whole) / 100.0);
}

/* The measures starting at column i of st. */
/* The sums of one row: the ten counts, then hours of handling and how
 * many events they cover. */
struct sums {
	int64_t v[10];
	double hours;
	int64_t handled;
};

static void read_sums(sqlite3_stmt *st, int i, struct sums *m)
{
	for (int k = 0; k < 10; k++)
		m->v[k] = sqlite3_column_int64(st, i + k);
	m->hours = sqlite3_column_double(st, i + 10);
	m->handled = sqlite3_column_int64(st, i + 11);
}

static void add_sums(struct sums *to, const struct sums *m)
{
	for (int k = 0; k < 10; k++)
		to->v[k] += m->v[k];
	to->hours += m->hours;
	to->handled += m->handled;
}

static json_t *measures(const struct sums *m)
{
	const int64_t *v = m->v;
	json_t *o =
		json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "reported",
			  (json_int_t)v[0], "registered", (json_int_t)v[1], "registered_on_time",
			  (json_int_t)v[2], "dispatched", (json_int_t)v[3], "due", (json_int_t)v[5],
			  "closed", (json_int_t)v[6], "closed_on_time", (json_int_t)v[7],
			  "closed_in_period", (json_int_t)v[8], "reworked", (json_int_t)v[9]);
	json_object_set_new(o, "closure_rate", rate(v[6], v[5]));
	json_object_set_new(o, "on_time_closure_rate", rate(v[7], v[5]));
	json_object_set_new(o, "on_time_registration_rate", rate(v[2], v[1]));
	json_object_set_new(o, "accurate_dispatch_rate", rate(v[4], v[3]));
	json_object_set_new(o, "rework_rate", rate(v[9], v[8]));
	json_object_set_new(o, "mean_handling_hours",
			    m->handled == 0
				    ? json_null()
				    : json_real(round(m->hours / (double)m->handled * 10) / 10));
	return o;
}

/* clang-format off */
/* The grouped statement: column 0 the key, 1 its name. */
#define GROUPED(by, from)                                                                        \
	(strcmp(by, "area") == 0                                                                 \
		 ? db_stmt(db, "SELECT substr(c.code, 1, ?4), (SELECT name FROM org"             \
			       " WHERE code = substr(c.code, 1, ?4))," MEASURES from             \
			       " GROUP BY 1 ORDER BY 1")                                         \
	 : strcmp(by, "unit") == 0                                                               \
		 ? db_stmt(db, "SELECT c.unit_id, (SELECT name FROM handling_units"              \
			       " WHERE id = c.unit_id)," MEASURES from " GROUP BY 1 ORDER BY 2") \
	 : strcmp(by, "handler") == 0                                                            \
		 ? db_stmt(db, "SELECT c.assignee_id, (SELECT display_name FROM users"         \
			       " WHERE id = c.assignee_id)," MEASURES from                      \
			       " GROUP BY 1 ORDER BY 2")                                        \
	 : strcmp(by, "category") == 0                                                           \
		 ? db_stmt(db, "SELECT substr(e.category_code, 1, 2), (SELECT name"              \
			       " FROM event_categories WHERE code = substr(e.category_code,"     \
			       " 1, 2))," MEASURES from " GROUP BY 1 ORDER BY 1")                \
	 : strcmp(by, "source") == 0 ? db_stmt(db, "SELECT e.source, e.source," MEASURES from    \
						   " GROUP BY 1 ORDER BY 1")                     \
	 : strcmp(by, "month") == 0                                                              \
		 ? db_stmt(db, "SELECT strftime('%Y-%m', e.reported_at_ms / 1000 + 28800,"       \
			       " 'unixepoch'), NULL," MEASURES from " GROUP BY 1 ORDER BY 1")    \
		 : NULL)

/* clang-format on */

static sqlite3_stmt *grouped(struct db *db, const char *by, bool short_period)
{
	return short_period ? GROUPED(by, SHORT) : GROUPED(by, LONG);
}

static void bind_period(sqlite3_stmt *st, const struct event_metrics_query *q)
{
	db_bind_text(st, 1, q->code);
	sqlite3_bind_int64(st, 2, q->from_ms);
	sqlite3_bind_int64(st, 3, q->to_ms);
}

int events_metrics(struct db *db, const struct event_metrics_query *q, json_t **out_new)
{
	/* One grouped pass; every event falls in exactly one group (unassigned
	 * ones in a group of their own), so the totals are the groups' sums. */
	bool short_period = q->to_ms - q->from_ms <= SHORT_PERIOD_MS;
	sqlite3_stmt *st = grouped(db, q->by, short_period);
	if (st == NULL)
		return RC_INTERNAL;
	bind_period(st, q);
	sqlite3_bind_int(st, 4, q->area_len);
	json_t *rows = json_array();
	struct sums all = {0};
	int src;
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		struct sums m;
		read_sums(st, 2, &m);
		add_sums(&all, &m);
		json_t *row = measures(&m);
		int t = sqlite3_column_type(st, 0);
		json_object_set_new(row, "key",
				    t == SQLITE_INTEGER ? json_integer(sqlite3_column_int64(st, 0))
				    : t == SQLITE_NULL  ? json_null()
							: json_string(db_col_text(st, 0)));
		json_object_set_new(row, "name",
				    t == SQLITE_NULL
					    ? json_null()
					    : json_string(sqlite3_column_type(st, 1) == SQLITE_NULL
								  ? db_col_text(st, 0)
								  : db_col_text(st, 1)));
		json_array_append_new(rows, row);
	}
	sqlite3_reset(st);
	if (src != SQLITE_DONE) {
		json_decref(rows);
		return db_rc(db, src);
	}
	json_t *totals = measures(&all);

	/* The categories reported most in the period (sub-categories). */
	json_t *top = json_array();
	st = db_stmt(db, "SELECT e.category_code, (SELECT name FROM event_categories"
			 " WHERE code = e.category_code), count(*) FROM events e"
			 " JOIN cases c ON c.id = e.case_id WHERE e.reported_at_ms >= ?2"
			 " AND e.reported_at_ms < ?3 AND +c.code >= ?1 AND +c.code < ?1 || ';'"
			 " GROUP BY 1 ORDER BY 3 DESC, 1 LIMIT 10");
	if (st != NULL) {
		bind_period(st, q);
		while (sqlite3_step(st) == SQLITE_ROW)
			json_array_append_new(
				top, json_pack("{s:s, s:s, s:I}", "code", db_col_text(st, 0),
					       "name", db_col_text(st, 1), "reported",
					       (json_int_t)sqlite3_column_int64(st, 2)));
		sqlite3_reset(st);
	}
	*out_new = json_pack("{s:s, s:o, s:o, s:o}", "by", q->by, "totals", totals, "rows", rows,
			     "top_categories", top);
	return RC_OK;
}
