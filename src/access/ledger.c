/*
 * The community's task ledger (tasks from passed and approved requests,
 * work recorded by the community when it arrived outside the system, done
 * or refused) and the burden ledger that counts what was pushed down,
 * accepted and refused per node and period.
 */
#include <stdio.h>
#include <string.h>

#include "access/access.h"
#include "core/calendar.h"
#include "core/clock.h"
#include "core/error.h"
#include "duties/lists.h"

/* ---- tasks ---- */

int ledger_add_from_request(struct db *db, int64_t case_id, const char *access)
{
	char day[11];
	calendar_date_of(calendar_day_at(clock_now_ms()), day);
	sqlite3_stmt *st = db_stmt(
		db, "INSERT INTO community_tasks (code, case_id, source, access, kind, title,"
		    " requester, received_on, deadline_on, created_at_ms, created_by)"
		    " SELECT rc.code, a.case_id, 'access', ?2, a.kind, a.title, a.body, ?3,"
		    " a.deadline_on, ?4, c.created_by FROM access_request_communities rc"
		    " JOIN access_requests a ON a.case_id = rc.case_id"
		    " JOIN cases c ON c.id = rc.case_id WHERE rc.case_id = ?1");
	if (st == NULL)
		return RC_INTERNAL;
	int64_t now = clock_now_ms();
	sqlite3_bind_int64(st, 1, case_id);
	db_bind_text(st, 2, access);
	db_bind_text(st, 3, day);
	sqlite3_bind_int64(st, 4, now);
	int rc = db_step_done(db, st);
	if (rc != RC_OK)
		return rc;
	/* The community workers of each community hear of their new task. */
	st = db_stmt(db, "INSERT INTO inbox (user_id, case_id, kind, at_ms)"
			 " SELECT DISTINCT ur.user_id, ?1, 'task', ?2"
			 " FROM access_request_communities rc JOIN org o ON o.code = rc.code"
			 " JOIN user_roles ur ON ur.org_id = o.id AND ur.role = 'community_worker'"
			 " JOIN users u ON u.id = ur.user_id AND u.disabled = 0"
			 " WHERE rc.case_id = ?1");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, case_id);
	sqlite3_bind_int64(st, 2, now);
	return db_step_done(db, st);
}

int ledger_record(struct db *db, const struct task_in *in, int64_t by, int64_t *id)
{
	sqlite3_stmt *st = db_stmt(
		db, "INSERT INTO community_tasks (code, source, access, kind, title, requester,"
		    " received_on, deadline_on, note, created_at_ms, created_by)"
		    " VALUES (?, 'outside', 'none', ?, ?, ?, ?, ?, ?, ?, ?)");
	if (st == NULL)
		return RC_INTERNAL;
	db_bind_text(st, 1, in->code);
	db_bind_text(st, 2, in->kind);
	db_bind_text(st, 3, in->title);
	db_bind_text(st, 4, in->requester);
	db_bind_text(st, 5, in->received_on);
	db_bind_text(st, 6, in->deadline_on);
	db_bind_text(st, 7, in->note ? in->note : "");
	sqlite3_bind_int64(st, 8, clock_now_ms());
	if (by)
		sqlite3_bind_int64(st, 9, by);
	int rc = db_step_done(db, st);
	if (rc == RC_OK)
		*id = db_last_id(db);
	return rc;
}

int ledger_get(struct db *db, int64_t id, struct task_row *out)
{
	sqlite3_stmt *st =
		db_stmt(db, "SELECT code, status, access FROM community_tasks WHERE id = ?");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	int rc = RC_NOT_FOUND;
	if (sqlite3_step(st) == SQLITE_ROW) {
		out->id = id;
		snprintf(out->code, sizeof(out->code), "%s", db_col_text(st, 0));
		snprintf(out->status, sizeof(out->status), "%s", db_col_text(st, 1));
		snprintf(out->access, sizeof(out->access), "%s", db_col_text(st, 2));
		rc = RC_OK;
	}
	sqlite3_reset(st);
	return rc;
}

#define TASK_COLUMNS                                                                         \
	" t.id, t.code, ifnull(o.name, ''), ifnull(t.case_id, 0), t.source, t.access, t.kind,"  \
	" t.title, t.requester, t.received_on, t.deadline_on, t.note, t.status,"              \
	" t.created_at_ms, t.done_at_ms, t.done_note, t.refused_at_ms, t.refusal_rule,"       \
	" ifnull(t.refusal_item_id, 0), t.refusal_note, ifnull(ru.display_name, ''),"         \
	" ifnull(du.display_name, '')"
#define TASK_JOINS                                         \
	" LEFT JOIN org o ON o.code = t.code"              \
	" LEFT JOIN users ru ON ru.id = t.refused_by"      \
	" LEFT JOIN users du ON du.id = t.done_by"

static json_t *iso_col(sqlite3_stmt *st, int col)
{
	if (sqlite3_column_type(st, col) == SQLITE_NULL)
		return json_null();
	char at[32];
	clock_iso_ms(sqlite3_column_int64(st, col), at, sizeof(at));
	return json_string(at);
}

static json_t *task_row(struct db *db, sqlite3_stmt *st)
{
	char day[11];
	calendar_date_of(calendar_day_at(clock_now_ms()), day);
	json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o}",
			      "id", (json_int_t)sqlite3_column_int64(st, 0), "code",
			      db_col_text(st, 1), "community_name", db_col_text(st, 2), "source",
			      db_col_text(st, 4), "access", db_col_text(st, 5), "kind",
			      db_col_text(st, 6), "title", db_col_text(st, 7), "requester",
			      db_col_text(st, 8), "received_on", db_col_text(st, 9), "note",
			      db_col_text(st, 11), "status", db_col_text(st, 12), "created_at",
			      iso_col(st, 13));
	json_object_set_new(o, "request_id",
			    sqlite3_column_int64(st, 3) ? json_integer(sqlite3_column_int64(st, 3))
							: json_null());
	json_object_set_new(o, "deadline_on", db_col_json(st, 10));
	bool open = strcmp(db_col_text(st, 12), "open") == 0;
	json_object_set_new(o, "overdue",
			    json_boolean(open && sqlite3_column_type(st, 10) != SQLITE_NULL &&
					 strcmp(db_col_text(st, 10), day) < 0));
	json_object_set_new(o, "done",
			    sqlite3_column_type(st, 14) == SQLITE_NULL
				    ? json_null()
				    : json_pack("{s:o, s:o, s:s}", "at", iso_col(st, 14), "note",
						db_col_json(st, 15), "by", db_col_text(st, 21)));
	json_t *refusal = json_null();
	if (sqlite3_column_type(st, 16) != SQLITE_NULL) {
		int64_t item = sqlite3_column_int64(st, 18);
		json_t *it = NULL;
		if (item == 0 || duty_item_json(db, item, &it) != RC_OK)
			it = NULL;
		refusal = json_pack("{s:o, s:s, s:o, s:o, s:s}", "at", iso_col(st, 16), "rule",
				    db_col_text(st, 17), "item", it ? it : json_null(), "note",
				    db_col_json(st, 19), "by", db_col_text(st, 20));
	}
	json_object_set_new(o, "refusal", refusal);
	return o;
}

int ledger_task_json(struct db *db, int64_t id, json_t **out_new)
{
	sqlite3_stmt *st =
		db_stmt(db, "SELECT" TASK_COLUMNS " FROM community_tasks t" TASK_JOINS
			    " WHERE t.id = ?");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	int rc = RC_NOT_FOUND;
	/* task_row may read the duty item on the same connection: take the
	 * row first and keep the statement until it is built. */
	if (sqlite3_step(st) == SQLITE_ROW) {
		*out_new = task_row(db, st);
		rc = RC_OK;
	}
	sqlite3_reset(st);
	return rc;
}

int ledger_done(struct db *db, int64_t id, const char *note, int64_t by)
{
	sqlite3_stmt *st = db_stmt(db, "UPDATE community_tasks SET status = 'done', done_at_ms = ?,"
				       " done_by = ?, done_note = ? WHERE id = ? AND status = 'open'");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, clock_now_ms());
	sqlite3_bind_int64(st, 2, by);
	db_bind_text(st, 3, note);
	sqlite3_bind_int64(st, 4, id);
	int rc = db_step_one(db, st);
	return rc == RC_NOT_FOUND ? RC_CONFLICT : rc;
}

int ledger_refuse(struct db *db, int64_t id, const char *rule, int64_t item_id, const char *note,
		  int64_t by)
{
	/* Only what did not pass access may be refused: the guard is in the
	 * statement too, so a task that changed meanwhile is not touched. */
	sqlite3_stmt *st = db_stmt(db, "UPDATE community_tasks SET status = 'refused',"
				       " refused_at_ms = ?, refused_by = ?, refusal_rule = ?,"
				       " refusal_item_id = ?, refusal_note = ?"
				       " WHERE id = ? AND status = 'open' AND access = 'none'");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, clock_now_ms());
	sqlite3_bind_int64(st, 2, by);
	db_bind_text(st, 3, rule);
	if (item_id)
		sqlite3_bind_int64(st, 4, item_id);
	db_bind_text(st, 5, note);
	sqlite3_bind_int64(st, 6, id);
	int rc = db_step_one(db, st);
	return rc == RC_NOT_FOUND ? RC_CONFLICT : rc;
}

#define TASK_FROM                                                                   \
	" FROM json_each(?1) rt JOIN community_tasks t"                             \
	" ON t.code >= rt.value AND t.code < rt.value || ';'" TASK_JOINS            \
	" WHERE (?2 IS NULL OR t.status = ?2) AND (?3 IS NULL OR t.source = ?3)"    \
	" AND (?4 IS NULL OR t.kind = ?4)"

int ledger_list(struct db *db, const struct task_filter *f, json_t **items_new, int64_t *total)
{
	sqlite3_stmt *count = db_stmt(db, "SELECT count(*)" TASK_FROM);
	if (count == NULL)
		return RC_INTERNAL;
	const char *status = f->status && strcmp(f->status, "all") == 0 ? NULL : f->status;
	db_bind_text(count, 1, f->roots);
	db_bind_text(count, 2, status);
	db_bind_text(count, 3, f->source);
	db_bind_text(count, 4, f->kind);
	int src = sqlite3_step(count);
	*total = src == SQLITE_ROW ? sqlite3_column_int64(count, 0) : 0;
	sqlite3_reset(count);
	if (src != SQLITE_ROW)
		return db_rc(db, src);
	/* Open work first, the nearest deadline first; then the rest, newest
	 * first. */
	sqlite3_stmt *list = db_stmt(db, "SELECT" TASK_COLUMNS TASK_FROM
					 " ORDER BY t.status <> 'open', ifnull(t.deadline_on,"
					 " '9999'), t.id DESC LIMIT ?5 OFFSET ?6");
	if (list == NULL)
		return RC_INTERNAL;
	db_bind_text(list, 1, f->roots);
	db_bind_text(list, 2, status);
	db_bind_text(list, 3, f->source);
	db_bind_text(list, 4, f->kind);
	sqlite3_bind_int64(list, 5, f->limit);
	sqlite3_bind_int64(list, 6, f->offset);
	json_t *items = json_array();
	while ((src = sqlite3_step(list)) == SQLITE_ROW)
		json_array_append_new(items, task_row(db, list));
	sqlite3_reset(list);
	if (src != SQLITE_DONE) {
		json_decref(items);
		return db_rc(db, src);
	}
	*items_new = items;
	return RC_OK;
}

/* ---- the burden ledger ---- */

static int kind_index(const char *kind)
{
	for (int i = 0; access_kinds[i] != NULL; i++)
		if (strcmp(access_kinds[i], kind) == 0)
			return i;
	return -1;
}

/* The counts of one node and period. */
struct burden_counts {
	int64_t imposed[ACCESS_NKINDS], accepted[ACCESS_NKINDS], refused[ACCESS_NKINDS];
	int64_t refused_auto, rejected, refused_community, in_review;
	int64_t cert_issued, cert_refused;
};

static int64_t sum(const int64_t *v)
{
	int64_t s = 0;
	for (int i = 0; i < ACCESS_NKINDS; i++)
		s += v[i];
	return s;
}

/* Row index of area among keys, or -1. */
static int area_index(char (*keys)[16], int n, const char *area)
{
	for (int i = 0; i < n; i++)
		if (strcmp(keys[i], area) == 0)
			return i;
	return -1;
}

/* Add the period's counts under code into rows (one per key; a row for
 * an area not among them is dropped, as grids are below communities). */
static int count_period(struct db *db, const struct burden_query *q, int64_t from, int64_t to,
			char (*keys)[16], int n, struct burden_counts *rows)
{
	/* Requests covering each community, by outcome: what was pushed at
	 * it, what it accepted (passed or approved) and what the check or
	 * the review refused. */
	sqlite3_stmt *st = db_stmt(
		db, "SELECT substr(rc.code, 1, ?2), a.kind, c.state, count(*)"
		    " FROM access_request_communities rc JOIN access_requests a"
		    " ON a.case_id = rc.case_id AND a.submitted_at_ms >= ?3 AND a.submitted_at_ms < ?4"
		    " JOIN cases c ON c.id = rc.case_id"
		    " WHERE rc.code >= ?1 AND rc.code < ?1 || ';' GROUP BY 1, 2, 3");
	if (st == NULL)
		return RC_INTERNAL;
	db_bind_text(st, 1, q->code);
	sqlite3_bind_int(st, 2, q->area_len);
	sqlite3_bind_int64(st, 3, from);
	sqlite3_bind_int64(st, 4, to);
	int src;
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		int a = area_index(keys, n, db_col_text(st, 0));
		int k = kind_index(db_col_text(st, 1));
		if (a < 0 || k < 0)
			continue;
		const char *state = db_col_text(st, 2);
		int64_t cnt = sqlite3_column_int64(st, 3);
		struct burden_counts *b = &rows[a];
		b->imposed[k] += cnt;
		if (strcmp(state, "refused") == 0) {
			b->refused[k] += cnt;
			b->refused_auto += cnt;
		} else if (strcmp(state, "rejected") == 0) {
			b->refused[k] += cnt;
			b->rejected += cnt;
		} else if (strcmp(state, "in_review") == 0) {
			b->in_review += cnt;
		}
	}
	sqlite3_reset(st);
	if (src != SQLITE_DONE)
		return db_rc(db, src);
	/* Tasks entered in the ledger in the period: work that came outside
	 * the system adds to what was imposed; every task not refused was
	 * accepted. */
	st = db_stmt(db, "SELECT substr(code, 1, ?2), kind, source, status, count(*)"
			 " FROM community_tasks WHERE code >= ?1 AND code < ?1 || ';'"
			 " AND created_at_ms >= ?3 AND created_at_ms < ?4 GROUP BY 1, 2, 3, 4");
	if (st == NULL)
		return RC_INTERNAL;
	db_bind_text(st, 1, q->code);
	sqlite3_bind_int(st, 2, q->area_len);
	sqlite3_bind_int64(st, 3, from);
	sqlite3_bind_int64(st, 4, to);
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		int a = area_index(keys, n, db_col_text(st, 0));
		int k = kind_index(db_col_text(st, 1));
		if (a < 0 || k < 0)
			continue;
		int64_t cnt = sqlite3_column_int64(st, 4);
		if (strcmp(db_col_text(st, 2), "outside") == 0)
			rows[a].imposed[k] += cnt;
		if (strcmp(db_col_text(st, 3), "refused") != 0)
			rows[a].accepted[k] += cnt;
	}
	sqlite3_reset(st);
	if (src != SQLITE_DONE)
		return db_rc(db, src);
	/* Refusals by the community in the period. */
	st = db_stmt(db, "SELECT substr(code, 1, ?2), kind, count(*) FROM community_tasks"
			 " WHERE code >= ?1 AND code < ?1 || ';' AND status = 'refused'"
			 " AND refused_at_ms >= ?3 AND refused_at_ms < ?4 GROUP BY 1, 2");
	if (st == NULL)
		return RC_INTERNAL;
	db_bind_text(st, 1, q->code);
	sqlite3_bind_int(st, 2, q->area_len);
	sqlite3_bind_int64(st, 3, from);
	sqlite3_bind_int64(st, 4, to);
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		int a = area_index(keys, n, db_col_text(st, 0));
		int k = kind_index(db_col_text(st, 1));
		if (a < 0 || k < 0)
			continue;
		rows[a].refused[k] += sqlite3_column_int64(st, 2);
		rows[a].refused_community += sqlite3_column_int64(st, 2);
	}
	sqlite3_reset(st);
	if (src != SQLITE_DONE)
		return db_rc(db, src);
	/* Certificates asked for at the communities' desks. */
	st = db_stmt(db, "SELECT substr(code, 1, ?2), status, count(*) FROM certificates"
			 " WHERE code >= ?1 AND code < ?1 || ';' AND at_ms >= ?3 AND at_ms < ?4"
			 " GROUP BY 1, 2");
	if (st == NULL)
		return RC_INTERNAL;
	db_bind_text(st, 1, q->code);
	sqlite3_bind_int(st, 2, q->area_len);
	sqlite3_bind_int64(st, 3, from);
	sqlite3_bind_int64(st, 4, to);
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		int a = area_index(keys, n, db_col_text(st, 0));
		if (a < 0)
			continue;
		if (strcmp(db_col_text(st, 1), "issued") == 0)
			rows[a].cert_issued += sqlite3_column_int64(st, 2);
		else
			rows[a].cert_refused += sqlite3_column_int64(st, 2);
	}
	sqlite3_reset(st);
	return src == SQLITE_DONE ? RC_OK : db_rc(db, src);
}

static json_t *by_kind(const int64_t *v)
{
	json_t *o = json_object();
	for (int i = 0; i < ACCESS_NKINDS; i++)
		json_object_set_new(o, access_kinds[i], json_integer(v[i]));
	json_object_set_new(o, "total", json_integer(sum(v)));
	return o;
}

/* Percentage change from base to now with two decimals; null without a
 * base. */
static json_t *change(int64_t now, int64_t base)
{
	if (base == 0)
		return json_null();
	double pct = (double)(now - base) * 100.0 / (double)base;
	return json_real((double)(int64_t)(pct * 100.0 + (pct < 0 ? -0.5 : 0.5)) / 100.0);
}

static json_t *counts_json(const struct burden_counts *b, const struct burden_counts *base)
{
	json_t *o = json_pack("{s:o, s:o, s:o, s:I, s:I, s:I, s:I}", "imposed", by_kind(b->imposed),
			      "accepted", by_kind(b->accepted), "refused", by_kind(b->refused),
			      "refused_by_check", (json_int_t)b->refused_auto,
			      "rejected_on_review", (json_int_t)b->rejected,
			      "refused_by_community", (json_int_t)b->refused_community,
			      "in_review", (json_int_t)b->in_review);
	json_object_set_new(o, "certificates",
			    json_pack("{s:I, s:I}", "issued", (json_int_t)b->cert_issued, "refused",
				      (json_int_t)b->cert_refused));
	json_object_set_new(
		o, "baseline",
		json_pack("{s:I, s:I, s:I}", "imposed", (json_int_t)sum(base->imposed), "accepted",
			  (json_int_t)sum(base->accepted), "refused",
			  (json_int_t)sum(base->refused)));
	json_object_set_new(o, "trend",
			    json_pack("{s:o, s:o, s:o}", "imposed",
				      change(sum(b->imposed), sum(base->imposed)), "accepted",
				      change(sum(b->accepted), sum(base->accepted)), "refused",
				      change(sum(b->refused), sum(base->refused))));
	return o;
}

static void add_counts(struct burden_counts *to, const struct burden_counts *b)
{
	for (int i = 0; i < ACCESS_NKINDS; i++) {
		to->imposed[i] += b->imposed[i];
		to->accepted[i] += b->accepted[i];
		to->refused[i] += b->refused[i];
	}
	to->refused_auto += b->refused_auto;
	to->rejected += b->rejected;
	to->refused_community += b->refused_community;
	to->in_review += b->in_review;
	to->cert_issued += b->cert_issued;
	to->cert_refused += b->cert_refused;
}

/* The requesting bodies under the node in the period, most work pushed
 * down first: requests (and work recorded as arriving outside the system,
 * by whom the community named) times the communities they covered. */
static int ranking(struct db *db, const struct burden_query *q, json_t **out_new)
{
	sqlite3_stmt *st = db_stmt(
		db, "SELECT body, requester_code, sum(outside), count(DISTINCT req), count(*),"
		    " sum(state IN ('passed', 'approved')), sum(state = 'refused'),"
		    " sum(state = 'rejected'), sum(state = 'in_review'), sum(crefused)"
		    " FROM (SELECT a.body, a.requester_code, 0 AS outside, a.case_id AS req,"
		    "   c.state, 0 AS crefused FROM access_request_communities rc"
		    "   JOIN access_requests a ON a.case_id = rc.case_id"
		    "   AND a.submitted_at_ms >= ?2 AND a.submitted_at_ms < ?3"
		    "   JOIN cases c ON c.id = rc.case_id"
		    "   WHERE rc.code >= ?1 AND rc.code < ?1 || ';'"
		    " UNION ALL SELECT t.requester, '', 1, NULL, 'outside',"
		    "   t.status = 'refused' FROM community_tasks t WHERE t.source = 'outside'"
		    "   AND t.code >= ?1 AND t.code < ?1 || ';'"
		    "   AND t.created_at_ms >= ?2 AND t.created_at_ms < ?3)"
		    " GROUP BY body, requester_code ORDER BY count(*) DESC, body LIMIT 100");
	if (st == NULL)
		return RC_INTERNAL;
	db_bind_text(st, 1, q->code);
	sqlite3_bind_int64(st, 2, q->from_ms);
	sqlite3_bind_int64(st, 3, q->to_ms);
	json_t *items = json_array();
	int src, rank = 0;
	while ((src = sqlite3_step(st)) == SQLITE_ROW)
		json_array_append_new(
			items,
			json_pack("{s:i, s:s, s:s, s:b, s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "rank",
				  ++rank, "body", db_col_text(st, 0), "requester_code",
				  db_col_text(st, 1), "outside", sqlite3_column_int64(st, 2) > 0,
				  "requests", (json_int_t)sqlite3_column_int64(st, 3), "imposed",
				  (json_int_t)sqlite3_column_int64(st, 4), "accepted",
				  (json_int_t)sqlite3_column_int64(st, 5), "refused_by_check",
				  (json_int_t)sqlite3_column_int64(st, 6), "rejected_on_review",
				  (json_int_t)sqlite3_column_int64(st, 7), "in_review",
				  (json_int_t)sqlite3_column_int64(st, 8), "refused_by_community",
				  (json_int_t)sqlite3_column_int64(st, 9)));
	sqlite3_reset(st);
	if (src != SQLITE_DONE) {
		json_decref(items);
		return db_rc(db, src);
	}
	*out_new = items;
	return RC_OK;
}

#define MAX_AREAS 2000

int burden_report(struct db *db, const struct burden_query *q, json_t **out_new)
{
	/* The rows: every child node at area_len under the node (so areas
	 * with nothing pushed down show as zeros), or the node itself. */
	sqlite3_stmt *st = db_stmt(db, "SELECT code, name FROM org WHERE code >= ?1"
				       " AND code < ?1 || ';' AND length(code) = ?2 ORDER BY code");
	if (st == NULL)
		return RC_INTERNAL;
	db_bind_text(st, 1, q->code);
	sqlite3_bind_int(st, 2, q->area_len);
	char(*keys)[16] = calloc(MAX_AREAS, 16);
	json_t *names = json_array();
	struct burden_counts *now = calloc(MAX_AREAS, sizeof(*now));
	struct burden_counts *base = calloc(MAX_AREAS, sizeof(*base));
	int n = 0, rc = RC_OK;
	if (keys == NULL || now == NULL || base == NULL)
		rc = RC_INTERNAL;
	while (rc == RC_OK && n < MAX_AREAS && sqlite3_step(st) == SQLITE_ROW) {
		snprintf(keys[n], 16, "%s", db_col_text(st, 0));
		json_array_append_new(names, json_string(db_col_text(st, 1)));
		n++;
	}
	sqlite3_reset(st);
	if (rc == RC_OK)
		rc = count_period(db, q, q->from_ms, q->to_ms, keys, n, now);
	if (rc == RC_OK)
		rc = count_period(db, q, q->base_from_ms, q->base_to_ms, keys, n, base);
	json_t *rank = NULL;
	if (rc == RC_OK)
		rc = ranking(db, q, &rank);
	if (rc == RC_OK) {
		json_t *rows = json_array();
		struct burden_counts tot = {0}, tot_base = {0};
		for (int i = 0; i < n; i++) {
			json_t *row = counts_json(&now[i], &base[i]);
			json_object_set_new(row, "key", json_string(keys[i]));
			json_object_set_new(row, "name", json_incref(json_array_get(names, i)));
			json_array_append_new(rows, row);
			add_counts(&tot, &now[i]);
			add_counts(&tot_base, &base[i]);
		}
		char bf[11], bt[11];
		calendar_date_of(calendar_day_at(q->base_from_ms), bf);
		calendar_date_of(calendar_day_at(q->base_to_ms) - 1, bt);
		*out_new = json_pack("{s:o, s:o, s:o, s:{s:s, s:s}, s:o}", "rows", rows, "totals",
				     counts_json(&tot, &tot_base), "ranking", rank, "baseline",
				     "from", bf, "to", bt, "kinds", json_array());
		for (int i = 0; access_kinds[i] != NULL; i++)
			json_array_append_new(json_object_get(*out_new, "kinds"),
					      json_string(access_kinds[i]));
	}
	json_decref(names);
	free(keys);
	free(now);
	free(base);
	return rc;
}
