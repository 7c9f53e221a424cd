/*
 * The case engine: states, transitions, stage deadlines on the working
 * calendar, assignment to handling units, the timeline and the inbox, shared
 * by every kind of case (grid events first; work orders, applications,
 * mediation and work-access requests later).
 *
 * A kind declares its states and its transitions; a transition names the
 * states it leaves, the state it enters, the permission it needs on the
 * case's node and whether the actor must belong to the assigned unit or be
 * the reporter.  case_check() applies those rules; case_move() records the
 * move (state, version, timeline) inside the caller's transaction, so the
 * move, its audit record and its notices commit together or not at all.
 */
#ifndef GR_CASES_CASE_H
#define GR_CASES_CASE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "auth/principal.h"
#include "core/calendar.h"
#include "db/db.h"

#define CASE_SAME (-1)   /* the transition keeps the state */
#define CASE_CHOICE (-2) /* the state is given with the move */

/* Transition flags */
#define CASE_REASON 1u      /* a reason (note) is required */
#define CASE_UNIT_MEMBER 2u /* the actor belongs to the assigned unit */
#define CASE_REPORTER 4u    /* the actor reported the case */

struct case_transition {
	const char *action;
	uint32_t from; /* bit i: allowed from state i */
	int to;        /* state index or CASE_SAME */
	enum perm perm;
	unsigned flags;
};

struct case_kind {
	const char *name;
	const char *const *states;
	int nstates;
	const struct case_transition *transitions;
	size_t ntransitions;
	enum perm read_perm; /* who may see cases of this kind */
};

/* A case as the engine sees it. */
struct case_row {
	int64_t id;
	char kind[16];
	int state;
	char code[16];
	char level_code[16];
	int64_t created_by, unit_id, assignee_id, dispatcher_id;
	int64_t due_at_ms, warn_at_ms;
	char stage[16];
	int version;
};

/* Who acts. */
struct case_actor {
	int64_t id; /* 0: the system (deadline sweeps) or an API key */
	const char *name;
};

/* The state's index in k, or -1. */
int case_state_index(const struct case_kind *k, const char *name);

/* Insert a new case in state `state` with its first timeline entry
 * (action "report"); *id receives its id. */
int case_create(struct db *db, const struct case_kind *k, int state, const char *code,
		const char *level_code, const char *title, const struct case_actor *who,
		int64_t *id);

/* Load case id of kind k: RC_NOT_FOUND when absent or of another kind. */
int case_load(struct db *db, const struct case_kind *k, int64_t id, struct case_row *out);

/* May p take action on c?  RC_OK with *t set; RC_NOT_FOUND when the case
 * is outside p's scope (or the action unknown); RC_FORBIDDEN when p's role
 * lacks the permission or p is not a member of the assigned unit / not the
 * reporter; RC_INVALID_STATE when the case is not in a state the action
 * leaves.  why receives a sentence for the error message. */
int case_check(struct db *db, const struct case_kind *k, const struct case_row *c,
	       const char *action, const struct principal *p, const struct case_transition **t,
	       const char **why);

/* Record the move: the new state (t->to; `to` instead when t->to is
 * CASE_CHOICE, for transitions whose outcome the actor decides, such as a
 * verification passed or failed), version + 1, and a timeline entry with
 * the optional note and detail (stolen). */
int case_move(struct db *db, const struct case_kind *k, struct case_row *c,
	      const struct case_transition *t, int to, const struct case_actor *who,
	      const char *note, json_t *detail_new);

/* Start a stage whose deadline is `limit` working hours or days (unit
 * "hours"/"days") from now: due and warning (at 80 % of the working time)
 * are computed on cal.  A NULL stage clears the clock. */
int case_set_stage(struct db *db, struct case_row *c, const struct calendar *cal, const char *stage,
		   int limit, const char *unit, int64_t now_ms);
/* Start a stage whose warning and deadline the kind computed itself (a
 * limit in calendar months, say, rather than working time). */
int case_set_deadline(struct db *db, struct case_row *c, const char *stage, int64_t warn_ms,
		      int64_t due_ms);
/* Extend the running stage's deadline by limit hours/days. */
int case_extend(struct db *db, struct case_row *c, const struct calendar *cal, int limit,
		const char *unit);

/* Assign to a unit (and optionally a person); the dispatcher is recorded. */
int case_assign(struct db *db, struct case_row *c, int64_t unit_id, int64_t assignee_id,
		int64_t dispatcher_id);

/* Set a case column by name from an allow-list (returns RC_INTERNAL for
 * others): "level_code", "parked_from", "postpone_request" (text or NULL),
 * "reworks", "returns" (incremented), "closed_at_ms" (now or cleared). */
int case_set_text(struct db *db, int64_t id, const char *column, const char *value);
int case_bump(struct db *db, int64_t id, const char *column);
int case_set_closed(struct db *db, int64_t id, int64_t at_ms);

/* A notice in user's inbox about case id. */
int case_notify(struct db *db, int64_t user_id, int64_t case_id, const char *kind);
/* Notify the assignee, or every member of the unit when nobody is. */
int case_notify_handlers(struct db *db, const struct case_row *c, const char *kind);

/* The timeline of case id, oldest first. */
int case_timeline(struct db *db, int64_t id, json_t **out_new);

/* Is user a member of unit? */
bool case_unit_member(struct db *db, int64_t unit_id, int64_t user_id);

/* Deadline sweep: cases whose warning time or deadline has passed get
 * their notices (to the handlers and the dispatcher) once.  *warned and
 * *overdue receive the counts. */
int case_sweep(struct db *db, int64_t now_ms, int *warned, int *overdue);

/* A kind's own reminders, run by case_sweep inside its transaction after
 * the deadline notices (e.g. a time window that is not a stage deadline).
 * fn adds the notices it sent to *count.  Register before the sweeper
 * starts; at most CASE_SWEEP_HOOKS. */
#define CASE_SWEEP_HOOKS 8
typedef int (*case_sweep_fn)(struct db *db, int64_t now_ms, int *count);
void case_sweep_hook(case_sweep_fn fn);

#endif
