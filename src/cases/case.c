#include "cases/case.h"

#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/error.h"

int case_state_index(const struct case_kind *k, const char *name)
{
	for (int i = 0; i < k->nstates; i++)
		if (strcmp(k->states[i], name) == 0)
			return i;
	return -1;
}

static int add_timeline(struct db *db, int64_t id, const struct case_actor *who, const char *action,
			const char *from, const char *to, const char *note, json_t *detail_new)
{
	sqlite3_stmt *st = db_stmt(db, "INSERT INTO case_timeline (case_id, at_ms, actor_id,"
				       " actor_name, action, from_state, to_state, note, detail)"
				       " VALUES (?,?,?,?,?,?,?,?,?)");
	char *detail = detail_new ? json_dumps(detail_new, JSON_COMPACT) : NULL;
	json_decref(detail_new);
	if (st == NULL) {
		free(detail);
		return RC_INTERNAL;
	}
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, clock_now_ms());
	if (who->id)
		sqlite3_bind_int64(st, 3, who->id);
	db_bind_text(st, 4, who->name);
	db_bind_text(st, 5, action);
	db_bind_text(st, 6, from);
	db_bind_text(st, 7, to);
	db_bind_text(st, 8, note);
	db_bind_text(st, 9, detail);
	int rc = db_step_done(db, st);
	free(detail);
	return rc;
}

int case_create(struct db *db, const struct case_kind *k, int state, const char *code,
		const char *level_code, const char *title, const struct case_actor *who,
		int64_t *id)
{
	sqlite3_stmt *st = db_stmt(db, "INSERT INTO cases (kind, state, code, level_code, title,"
				       " created_at_ms, created_by) VALUES (?,?,?,?,?,?,?)");
	if (st == NULL)
		return RC_INTERNAL;
	db_bind_text(st, 1, k->name);
	db_bind_text(st, 2, k->states[state]);
	db_bind_text(st, 3, code);
	db_bind_text(st, 4, level_code);
	db_bind_text(st, 5, title);
	sqlite3_bind_int64(st, 6, clock_now_ms());
	if (who->id)
		sqlite3_bind_int64(st, 7, who->id);
	int rc = db_step_done(db, st);
	if (rc != RC_OK)
		return rc;
	*id = db_last_id(db);
	return add_timeline(db, *id, who, "report", NULL, k->states[state], NULL, NULL);
}

int case_load(struct db *db, const struct case_kind *k, int64_t id, struct case_row *out)
{
	sqlite3_stmt *st =
		db_stmt(db, "SELECT kind, state, code, level_code, ifnull(created_by, 0),"
			    " ifnull(unit_id, 0), ifnull(assignee_id, 0),"
			    " ifnull(dispatcher_id, 0), ifnull(due_at_ms, 0),"
			    " ifnull(warn_at_ms, 0), ifnull(stage, ''), version"
			    " FROM cases WHERE id = ?");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	int src = sqlite3_step(st), rc = RC_NOT_FOUND;
	if (src == SQLITE_ROW && strcmp(db_col_text(st, 0), k->name) == 0) {
		memset(out, 0, sizeof(*out));
		out->id = id;
		snprintf(out->kind, sizeof(out->kind), "%s", k->name);
		out->state = case_state_index(k, db_col_text(st, 1));
		snprintf(out->code, sizeof(out->code), "%s", db_col_text(st, 2));
		snprintf(out->level_code, sizeof(out->level_code), "%s", db_col_text(st, 3));
		out->created_by = sqlite3_column_int64(st, 4);
		out->unit_id = sqlite3_column_int64(st, 5);
		out->assignee_id = sqlite3_column_int64(st, 6);
		out->dispatcher_id = sqlite3_column_int64(st, 7);
		out->due_at_ms = sqlite3_column_int64(st, 8);
		out->warn_at_ms = sqlite3_column_int64(st, 9);
		snprintf(out->stage, sizeof(out->stage), "%s", db_col_text(st, 10));
		out->version = sqlite3_column_int(st, 11);
		rc = out->state >= 0 ? RC_OK : RC_INTERNAL;
	} else if (src != SQLITE_ROW && src != SQLITE_DONE) {
		rc = db_rc(db, src);
	}
	sqlite3_reset(st);
	return rc;
}

bool case_unit_member(struct db *db, int64_t unit_id, int64_t user_id)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT 1 FROM handling_unit_members"
				       " WHERE unit_id = ? AND user_id = ?");
	if (st == NULL || unit_id == 0)
		return false;
	sqlite3_bind_int64(st, 1, unit_id);
	sqlite3_bind_int64(st, 2, user_id);
	bool yes = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_reset(st);
	return yes;
}

int case_check(struct db *db, const struct case_kind *k, const struct case_row *c,
	       const char *action, const struct principal *p, const struct case_transition **t,
	       const char **why)
{
	const struct case_transition *found = NULL;
	*why = NULL;
	for (size_t i = 0; i < k->ntransitions && found == NULL; i++)
		if (strcmp(k->transitions[i].action, action) == 0)
			found = &k->transitions[i];
	if (found == NULL)
		return RC_NOT_FOUND;
	/* Scope first: a case outside the actor's subtree does not exist for
	 * them, whatever its state.  The reporter and the unit's members see
	 * their own cases wherever they lie. */
	const char *role;
	int rc = principal_scope(p, found->perm, c->code, &role);
	bool reporter = c->created_by != 0 && c->created_by == p->user_id;
	bool member = c->unit_id != 0 && case_unit_member(db, c->unit_id, p->user_id);
	if (rc == RC_NOT_FOUND && (reporter || member) && principal_can(p, found->perm))
		rc = RC_OK;
	if (rc == RC_NOT_FOUND) {
		/* In scope through another permission: forbidden, not missing. */
		if (principal_scope(p, k->read_perm, c->code, &role) != RC_NOT_FOUND || reporter ||
		    member) {
			*why = "your role does not allow this action";
			return RC_FORBIDDEN;
		}
		return RC_NOT_FOUND;
	}
	if (rc != RC_OK) {
		*why = "your role does not allow this action";
		return rc;
	}
	if ((found->flags & CASE_UNIT_MEMBER) && !member) {
		*why = "only the unit the case is assigned to may do this";
		return RC_FORBIDDEN;
	}
	if ((found->flags & CASE_REPORTER) && !reporter) {
		*why = "only the reporter may do this";
		return RC_FORBIDDEN;
	}
	if (!(found->from & (1u << c->state))) {
		*why = "the case is not in a state that allows this";
		return RC_INVALID_STATE;
	}
	*t = found;
	return RC_OK;
}

int case_move(struct db *db, const struct case_kind *k, struct case_row *c,
	      const struct case_transition *t, int to, const struct case_actor *who,
	      const char *note, json_t *detail_new)
{
	if (t->to == CASE_SAME)
		to = c->state;
	else if (t->to != CASE_CHOICE)
		to = t->to;
	if (to < 0 || to >= k->nstates) {
		json_decref(detail_new);
		return RC_INTERNAL;
	}
	/* The version check turns a concurrent move of the same case into a
	 * conflict instead of a silent overwrite. */
	sqlite3_stmt *st = db_stmt(db, "UPDATE cases SET state = ?, version = version + 1"
				       " WHERE id = ? AND version = ?");
	if (st == NULL) {
		json_decref(detail_new);
		return RC_INTERNAL;
	}
	db_bind_text(st, 1, k->states[to]);
	sqlite3_bind_int64(st, 2, c->id);
	sqlite3_bind_int(st, 3, c->version);
	int rc = db_step_done(db, st);
	if (rc == RC_OK && db_changes(db) != 1)
		rc = RC_CONFLICT;
	if (rc != RC_OK) {
		json_decref(detail_new);
		return rc;
	}
	const char *from = k->states[c->state];
	c->state = to;
	c->version++;
	return add_timeline(db, c->id, who, t->action, from, k->states[to], note, detail_new);
}

static int64_t limit_end(const struct calendar *cal, int64_t from, int limit, const char *unit)
{
	if (strcmp(unit, "days") == 0)
		return calendar_add_days(cal, from, limit);
	return calendar_add_work(cal, from, (int64_t)limit * 3600000);
}

static int write_clock(struct db *db, struct case_row *c, const char *stage, int64_t started,
		       int64_t warn, int64_t due)
{
	sqlite3_stmt *st = db_stmt(db, "UPDATE cases SET stage = ?, stage_started_ms = ?,"
				       " warn_at_ms = ?, due_at_ms = ?, warned = 0, overdue = 0"
				       " WHERE id = ?");
	if (st == NULL)
		return RC_INTERNAL;
	db_bind_text(st, 1, stage);
	if (stage != NULL) {
		sqlite3_bind_int64(st, 2, started);
		sqlite3_bind_int64(st, 3, warn);
		sqlite3_bind_int64(st, 4, due);
	}
	sqlite3_bind_int64(st, 5, c->id);
	snprintf(c->stage, sizeof(c->stage), "%s", stage ? stage : "");
	c->warn_at_ms = stage ? warn : 0;
	c->due_at_ms = stage ? due : 0;
	return db_step_done(db, st);
}

int case_set_stage(struct db *db, struct case_row *c, const struct calendar *cal, const char *stage,
		   int limit, const char *unit, int64_t now_ms)
{
	if (stage == NULL)
		return write_clock(db, c, NULL, 0, 0, 0);
	int64_t due = limit_end(cal, now_ms, limit, unit);
	/* Warn when 80 % of the working time is used. */
	int64_t work = calendar_work_between(cal, now_ms, due);
	int64_t warn = calendar_add_work(cal, now_ms, work * 8 / 10);
	return write_clock(db, c, stage, now_ms, warn, due);
}

int case_set_deadline(struct db *db, struct case_row *c, const char *stage, int64_t warn_ms,
		      int64_t due_ms)
{
	return write_clock(db, c, stage, clock_now_ms(), warn_ms, due_ms);
}

int case_extend(struct db *db, struct case_row *c, const struct calendar *cal, int limit,
		const char *unit)
{
	int64_t now = clock_now_ms();
	int64_t from = c->due_at_ms > now ? c->due_at_ms : now;
	int64_t due = limit_end(cal, from, limit, unit);
	int64_t work = calendar_work_between(cal, now, due);
	int64_t warn = calendar_add_work(cal, now, work * 8 / 10);
	return write_clock(db, c, c->stage[0] ? c->stage : "handle", now, warn, due);
}

int case_assign(struct db *db, struct case_row *c, int64_t unit_id, int64_t assignee_id,
		int64_t dispatcher_id)
{
	sqlite3_stmt *st = db_stmt(db, "UPDATE cases SET unit_id = ?, assignee_id = ?,"
				       " dispatcher_id = ? WHERE id = ?");
	if (st == NULL)
		return RC_INTERNAL;
	if (unit_id)
		sqlite3_bind_int64(st, 1, unit_id);
	if (assignee_id)
		sqlite3_bind_int64(st, 2, assignee_id);
	if (dispatcher_id)
		sqlite3_bind_int64(st, 3, dispatcher_id);
	sqlite3_bind_int64(st, 4, c->id);
	c->unit_id = unit_id;
	c->assignee_id = assignee_id;
	c->dispatcher_id = dispatcher_id;
	return db_step_done(db, st);
}

int case_set_text(struct db *db, int64_t id, const char *column, const char *value)
{
	sqlite3_stmt *st = NULL;
	if (strcmp(column, "level_code") == 0)
		st = db_stmt(db, "UPDATE cases SET level_code = ?1 WHERE id = ?2");
	else if (strcmp(column, "parked_from") == 0)
		st = db_stmt(db, "UPDATE cases SET parked_from = ?1 WHERE id = ?2");
	else if (strcmp(column, "postpone_request") == 0)
		st = db_stmt(db, "UPDATE cases SET postpone_request = ?1 WHERE id = ?2");
	if (st == NULL)
		return RC_INTERNAL;
	db_bind_text(st, 1, value);
	sqlite3_bind_int64(st, 2, id);
	return db_step_done(db, st);
}

int case_bump(struct db *db, int64_t id, const char *column)
{
	sqlite3_stmt *st = NULL;
	if (strcmp(column, "reworks") == 0)
		st = db_stmt(db, "UPDATE cases SET reworks = reworks + 1 WHERE id = ?");
	else if (strcmp(column, "returns") == 0)
		st = db_stmt(db, "UPDATE cases SET returns = returns + 1 WHERE id = ?");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	return db_step_done(db, st);
}

int case_set_closed(struct db *db, int64_t id, int64_t at_ms)
{
	sqlite3_stmt *st = db_stmt(db, "UPDATE cases SET closed_at_ms = ? WHERE id = ?");
	if (st == NULL)
		return RC_INTERNAL;
	if (at_ms)
		sqlite3_bind_int64(st, 1, at_ms);
	sqlite3_bind_int64(st, 2, id);
	return db_step_done(db, st);
}

int case_notify(struct db *db, int64_t user_id, int64_t case_id, const char *kind)
{
	if (user_id == 0)
		return RC_OK;
	sqlite3_stmt *st = db_stmt(db, "INSERT INTO inbox (user_id, case_id, kind, at_ms)"
				       " VALUES (?,?,?,?)");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, user_id);
	sqlite3_bind_int64(st, 2, case_id);
	db_bind_text(st, 3, kind);
	sqlite3_bind_int64(st, 4, clock_now_ms());
	return db_step_done(db, st);
}

int case_notify_handlers(struct db *db, const struct case_row *c, const char *kind)
{
	if (c->assignee_id)
		return case_notify(db, c->assignee_id, c->id, kind);
	sqlite3_stmt *st = db_stmt(db, "INSERT INTO inbox (user_id, case_id, kind, at_ms)"
				       " SELECT user_id, ?1, ?2, ?3 FROM handling_unit_members"
				       " WHERE unit_id = ?4");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, c->id);
	db_bind_text(st, 2, kind);
	sqlite3_bind_int64(st, 3, clock_now_ms());
	sqlite3_bind_int64(st, 4, c->unit_id);
	return db_step_done(db, st);
}

int case_timeline(struct db *db, int64_t id, json_t **out_new)
{
	/* The actor's display name as colleagues know them; the account name
	 * stays as it was recorded. */
	sqlite3_stmt *st = db_stmt(db, "SELECT t.at_ms, t.actor_id, t.actor_name, t.action,"
				       " t.from_state, t.to_state, t.note, t.detail,"
				       " ifnull(u.display_name, t.actor_name)"
				       " FROM case_timeline t LEFT JOIN users u ON u.id = t.actor_id"
				       " WHERE t.case_id = ? ORDER BY t.id");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	json_t *items = json_array();
	int src;
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		char at[32];
		clock_iso_ms(sqlite3_column_int64(st, 0), at, sizeof(at));
		json_t *e = json_pack("{s:s, s:s, s:s, s:s}", "at", at, "actor_name",
				      db_col_text(st, 2), "action", db_col_text(st, 3), "to_state",
				      db_col_text(st, 5));
		json_object_set_new(e, "actor_id", db_col_json(st, 1));
		json_object_set_new(e, "actor_display", json_string(db_col_text(st, 8)));
		json_object_set_new(e, "from_state", db_col_json(st, 4));
		json_object_set_new(e, "note", db_col_json(st, 6));
		json_t *detail = sqlite3_column_type(st, 7) == SQLITE_NULL
					 ? NULL
					 : json_loads(db_col_text(st, 7), 0, NULL);
		json_object_set_new(e, "detail", detail ? detail : json_null());
		json_array_append_new(items, e);
	}
	sqlite3_reset(st);
	if (src != SQLITE_DONE) {
		json_decref(items);
		return db_rc(db, src);
	}
	*out_new = items;
	return RC_OK;
}

/* Notices of one sweep step: the handlers and the dispatcher of every case
 * matching `which`, then the flag that keeps them from being sent twice. */
static int sweep_step(struct db *db, int64_t now_ms, bool overdue, int *count)
{
	const char *kind = overdue ? "overdue" : "warning";
	sqlite3_stmt *sel =
		overdue ? db_stmt(db, "SELECT id FROM cases WHERE due_at_ms IS NOT NULL"
				      " AND overdue = 0 AND due_at_ms <= ?1")
			: db_stmt(db, "SELECT id FROM cases WHERE due_at_ms IS NOT NULL"
				      " AND warned = 0 AND warn_at_ms <= ?1 AND due_at_ms > ?1");
	if (sel == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(sel, 1, now_ms);
	int64_t ids[256];
	int n = 0, src;
	while (n < 256 && (src = sqlite3_step(sel)) == SQLITE_ROW)
		ids[n++] = sqlite3_column_int64(sel, 0);
	sqlite3_reset(sel);
	int rc = RC_OK;
	for (int i = 0; i < n && rc == RC_OK; i++) {
		sqlite3_stmt *st = db_stmt(db, "SELECT ifnull(unit_id, 0), ifnull(assignee_id, 0),"
					       " ifnull(dispatcher_id, 0) FROM cases WHERE id = ?");
		if (st == NULL)
			return RC_INTERNAL;
		sqlite3_bind_int64(st, 1, ids[i]);
		struct case_row c = {.id = ids[i]};
		if (sqlite3_step(st) == SQLITE_ROW) {
			c.unit_id = sqlite3_column_int64(st, 0);
			c.assignee_id = sqlite3_column_int64(st, 1);
			c.dispatcher_id = sqlite3_column_int64(st, 2);
		}
		sqlite3_reset(st);
		rc = case_notify_handlers(db, &c, kind);
		if (rc == RC_OK && c.dispatcher_id != c.assignee_id)
			rc = case_notify(db, c.dispatcher_id, c.id, kind);
		sqlite3_stmt *up =
			overdue ? db_stmt(db,
					  "UPDATE cases SET warned = 1, overdue = 1 WHERE id = ?")
				: db_stmt(db, "UPDATE cases SET warned = 1 WHERE id = ?");
		if (rc == RC_OK && up == NULL)
			rc = RC_INTERNAL;
		if (rc == RC_OK) {
			sqlite3_bind_int64(up, 1, c.id);
			rc = db_step_done(db, up);
		}
	}
	*count += n;
	return rc;
}

static case_sweep_fn hooks[CASE_SWEEP_HOOKS];
static int nhooks;

void case_sweep_hook(case_sweep_fn fn)
{
	for (int i = 0; i < nhooks; i++)
		if (hooks[i] == fn)
			return;
	if (nhooks < CASE_SWEEP_HOOKS)
		hooks[nhooks++] = fn;
}

int case_sweep(struct db *db, int64_t now_ms, int *warned, int *overdue)
{
	*warned = *overdue = 0;
	int rc = db_begin(db);
	if (rc != RC_OK)
		return rc;
	rc = sweep_step(db, now_ms, false, warned);
	if (rc == RC_OK)
		rc = sweep_step(db, now_ms, true, overdue);
	/* The kinds' own reminders count as warnings. */
	for (int i = 0; i < nhooks && rc == RC_OK; i++)
		rc = hooks[i](db, now_ms, warned);
	if (rc == RC_OK)
		return db_commit(db);
	db_rollback(db);
	return rc;
}
