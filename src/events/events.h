/*
 * Grid events: the closed loop of digital city management (GB/T 30428)
 * from report to evaluation, as the first kind of case of the case engine.
 * This file owns the states and transitions of an event, the stage time
 * limits of each category, locating an event in a grid and the event's
 * JSON; api_events.c turns requests into these calls.
 */
#ifndef GR_EVENTS_EVENTS_H
#define GR_EVENTS_EVENTS_H

#include <jansson.h>
#include <stdint.h>

#include "auth/principal.h"
#include "cases/case.h"
#include "core/calendar.h"
#include "db/db.h"

enum event_state {
	EV_REPORTED,
	EV_REGISTERED,
	EV_DISPATCHED,
	EV_ACCEPTED,
	EV_HANDLED,
	EV_CLOSED,
	EV_CANCELLED,
	EV_PARKED,
	EV_MERGED,
};

extern const struct case_kind event_kind;

/* The working calendar of the server: the schedule shipped in the binary,
 * then the days stored in the database, with the configured hours.
 * Loaded by events_calendar_load(); read-only afterwards. */
const struct calendar *events_calendar(void);
int events_calendar_load(struct db *db, const char *hours);
/* Store a schedule (chinese-days JSON) in the database for its years:
 * `grassroots import calendar`.  *n receives the number of days. */
int events_calendar_import(struct db *db, const json_t *doc, int *n, char *err, size_t errlen);

/* Stage limits of a category. */
struct event_limits {
	int reg, dispatch, handle;
	char reg_unit[8], dispatch_unit[8], handle_unit[8];
	int64_t unit_id; /* default handling unit, 0 if none */
};
/* RC_NOT_FOUND unless code is an active sub-category (小类). */
int event_category(struct db *db, const char *code, struct event_limits *out);
int event_categories_json(struct db *db, json_t **out_new);

/* The grid of a point: the first grid under one of the roots (a JSON array
 * of codes, as principal_roots gives) whose boundary contains it. */
int event_grid_at(struct db *db, const char *roots, double lon, double lat, char code[16]);

/* What a report carries. */
struct event_in {
	const char *category, *source, *description;
	int64_t address_id;
	bool has_point;
	double lat, lon;
	const char *feedback; /* self-handled: what was done */
};

/* Create an event in grid `code`; self-handled reports close at once. */
int event_create(struct db *db, const struct event_in *in, const char *code,
		 const struct case_actor *who, int64_t *id);

/* The event as JSON; with_people false leaves out the names of staff (the
 * reporter's own view). */
int event_json(struct db *db, int64_t id, bool with_people, json_t **out_new);

/* Open events of the same category within `metres` and `days` of a point:
 * the possible duplicates offered before a report is saved. */
int events_nearby(struct db *db, const char *roots, const char *category, double lat, double lon,
		  double metres, int days, json_t **out_new);

/* Filters of the board. */
/* The board: state NULL or "open" for the open cases, "all", or one state;
 * reporter_id non-zero for one reporter's own reports (roots ignored).
 * *total counts at most 10,000 (*capped then true). */
struct event_filter {
	const char *roots;
	const char *state, *category, *source;
	bool overdue_only;
	const char *level; /* only cases owned by this centre (escalated ones: the county) */
	int64_t unit_id, reporter_id;
	int64_t limit, offset;
};
int events_list(struct db *db, const struct event_filter *f, json_t **items_new, int64_t *total,
		bool *capped);

/* The stage work after a move, for every action: clocks, dates, counters,
 * notices.  `arg` carries the action's inputs (unit_id, assignee_id,
 * passed, score, comment, hours/days, into). */
int event_after_move(struct db *db, struct case_row *c, const char *action, int from_state,
		     const json_t *arg, const struct case_actor *who);

/* Check an action's inputs before the move: 0 or the field at fault, with
 * the reason in *why. */
const char *event_check_args(struct db *db, const struct case_row *c, const char *action,
			     const json_t *arg, const char **why);

/* Photos: JPEG or PNG recognised by their bytes, at most
 * EVENT_PHOTO_MAX_BYTES each and EVENT_PHOTOS_MAX per event. */
#define EVENT_PHOTO_MAX_BYTES (5 * 1024 * 1024)
#define EVENT_PHOTOS_MAX 9
/* "image/jpeg", "image/png" or NULL for anything else. */
const char *event_photo_type(const unsigned char *data, size_t len);
/* Store a photo; RC_CONFLICT when the event has its maximum already. */
int event_photo_add(struct db *db, int64_t case_id, const char *stage, const char *type,
		    const void *data, size_t len, int64_t user_id, int64_t *id);
/* The photo's bytes (malloc'd, caller frees) and type, of event case_id. */
int event_photo_get(struct db *db, int64_t case_id, int64_t id, void **data, size_t *len,
		    char type[16]);

/* Metrics of a period [from_ms, to_ms) under the node `code`, grouped by
 * "area" (the first area_len characters of the code: the child nodes),
 * "unit", "handler", "category", "source" or "month"; see metrics.c for
 * the definitions.  {"by", "totals", "rows": [{key, name, ...}],
 * "top_categories"}. */
struct event_metrics_query {
	const char *code;
	int64_t from_ms, to_ms;
	const char *by;
	int area_len;
};
int events_metrics(struct db *db, const struct event_metrics_query *q, json_t **out_new);

/* Run case_sweep every `seconds` on a connection of its own until
 * events_sweeper_stop(). */
int events_sweeper_start(const struct db_options *o, int seconds);
void events_sweeper_stop(void);

/* Days after closure during which a case may be reopened. */
extern int events_reopen_days;

#endif
