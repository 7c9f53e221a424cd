/*
 * HTTP handlers of work access.  Departments, county and town officers
 * file requests (access.request) for communities in their scope; the
 * members of the county's reviewing unit decide the ones the lists do not
 * (access.review); community workers keep their ledger (task.handle); the
 * burden ledger is read with burden.read.  Every change is one
 * transaction with its audit record.
 */
#include "access/api_access.h"

#include <stdio.h>
#include <string.h>

#include "access/access.h"
#include "core/calendar.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/str.h"
#include "duties/lists.h"
#include "http/export.h"
#include "http/request.h"

/* ---- declared inputs ---- */

static const char *const req_states[] = {"open",     "all",      "passed",  "refused",
					 "in_review", "approved", "rejected", "withdrawn",
					 NULL};
static const char *const task_statuses[] = {"open", "done", "refused", "all", NULL};
static const char *const task_sources[] = {"access", "outside", NULL};
static const char *const refusal_rules[] = {"not_through_access", "negative_list", NULL};
static const char *const formats[] = {"csv", "xlsx", NULL};
static const char *const tables[] = {"areas", "ranking", NULL};

/* Each element a code of 6, 9 or 12 digits. */
static const char *codes_check(const json_t *v)
{
	size_t i;
	json_t *e;
	json_array_foreach(v, i, e)
	{
		const char *s = json_string_value(e);
		size_t n = s ? strlen(s) : 0;
		if (s == NULL || (n != 6 && n != 9 && n != 12) || !str_is_digits(s))
			return "each item is the code of a county (6 digits), a town (9) or a "
			       "community (12)";
	}
	return NULL;
}

const struct field acc_reviewer_body[] = {
	{"unit_id", FT_ID, FIELD_REQUIRED, 0, 0, NULL, NULL,
	 "a handling unit of the county: its civil-affairs bureau or governance office"},
	{0},
};

const struct field acc_list_items_query[] = {
	{"org", FT_STRING, FIELD_REQUIRED, 6, 12, NULL, NULL,
	 "a community, or a town or county for the default lists of its communities"},
	{0},
};

const struct field acc_request_body[] = {
	{"kind", FT_ENUM, FIELD_REQUIRED, 0, 0, access_kinds, NULL,
	 "task, form, meeting, inspection, plaque (挂牌), app or certificate"},
	{"title", FT_STRING, FIELD_REQUIRED, 2, 200, NULL, NULL,
	 "what the communities are asked to do; for a certificate, its name"},
	{"description", FT_STRING, FIELD_REQUIRED, 2, 4000, NULL, NULL, NULL},
	{"legal_basis", FT_STRING, FIELD_REQUIRED, 2, 1000, NULL, NULL,
	 "the law, regulation or document that puts it on communities"},
	{"funded", FT_BOOL, FIELD_REQUIRED, 0, 0, NULL, NULL,
	 "whether funding goes with the work (费随事转)"},
	{"funding", FT_STRING, 0, 0, 500, NULL, NULL,
	 "who pays and how much (required when funded)"},
	{"starts_on", FT_DATE, FIELD_REQUIRED, 0, 0, NULL, NULL, "YYYY-MM-DD"},
	{"ends_on", FT_DATE, FIELD_REQUIRED, 0, 0, NULL, NULL, "YYYY-MM-DD, not before starts_on"},
	{"deadline_on", FT_DATE, FIELD_REQUIRED, 0, 0, NULL, NULL,
	 "the tasks' deadline in the ledgers, within the duration"},
	{"workload_hours", FT_INT, FIELD_REQUIRED, 0, 10000, NULL, NULL,
	 "expected work per community, in hours"},
	{"scope", FT_ARRAY, FIELD_REQUIRED, 1, 500, NULL, codes_check,
	 "codes of communities, or of a town or county meaning every community under it"},
	{"list_item_id", FT_ID, 0, 0, 0, NULL, NULL,
	 "the item of the communities' lists the work is (by law or assisted)"},
	{"unit_id", FT_ID, 0, 0, 0, NULL, NULL,
	 "the requesting department: a handling unit you are a member of"},
	{0},
};

const struct field acc_requests_query[] = {
	{"state", FT_ENUM, 0, 0, 0, req_states, NULL,
	 "all (default), open (in review), or one state"},
	{"mine", FT_BOOL, 0, 0, 0, NULL, NULL, "only the requests you filed"},
	{"to_review", FT_BOOL, 0, 0, 0, NULL, NULL,
	 "only requests in review at a unit you are a member of"},
	PAGE_QUERY,
	{0},
};

const struct field acc_approve_body[] = {
	{"conditions", FT_STRING, 0, 0, 2000, NULL, NULL,
	 "conditions of the approval (funding, scope, duration), kept on the timeline"},
	{0},
};

const struct field acc_reason_body[] = {
	{"reason", FT_STRING, FIELD_REQUIRED, 2, 2000, NULL, NULL, "why (kept on the timeline)"},
	{0},
};

const struct field acc_withdraw_body[] = {
	{"reason", FT_STRING, 0, 0, 2000, NULL, NULL, NULL},
	{0},
};

const struct field acc_tasks_query[] = {
	{"org", FT_STRING, 0, 6, 12, NULL, NULL, "only under this node (in your scope)"},
	{"status", FT_ENUM, 0, 0, 0, task_statuses, NULL, "open, done, refused or all (default)"},
	{"source", FT_ENUM, 0, 0, 0, task_sources, NULL,
	 "access (through work access) or outside (recorded by the community)"},
	{"kind", FT_ENUM, 0, 0, 0, access_kinds, NULL, NULL},
	PAGE_QUERY,
	{0},
};

const struct field acc_task_body[] = {
	{"org", FT_STRING, 0, 12, 12, NULL, NULL,
	 "the community (default: yours, when you work at one)"},
	{"kind", FT_ENUM, FIELD_REQUIRED, 0, 0, access_kinds, NULL, NULL},
	{"title", FT_STRING, FIELD_REQUIRED, 2, 200, NULL, NULL, "what was asked"},
	{"requester", FT_STRING, FIELD_REQUIRED, 2, 128, NULL, NULL,
	 "who asked, e.g. 县卫健局 by phone"},
	{"received_on", FT_DATE, 0, 0, 0, NULL, NULL, "default today; not in the future"},
	{"deadline_on", FT_DATE, 0, 0, 0, NULL, NULL, NULL},
	{"note", FT_STRING, 0, 0, 2000, NULL, NULL, NULL},
	{"refuse", FT_BOOL, 0, 0, 0, NULL, NULL,
	 "refuse it at once (with rule, item_id, refusal_note)"},
	{"rule", FT_ENUM, 0, 0, 0, refusal_rules, NULL, "the rule a refusal cites"},
	{"item_id", FT_ID, 0, 0, 0, NULL, NULL,
	 "the negative-list item (rule negative_list)"},
	{"refusal_note", FT_STRING, 0, 0, 1000, NULL, NULL, NULL},
	{0},
};

const struct field acc_done_body[] = {
	{"note", FT_STRING, 0, 0, 2000, NULL, NULL, "what was done"},
	{0},
};

const struct field acc_refuse_body[] = {
	{"rule", FT_ENUM, FIELD_REQUIRED, 0, 0, refusal_rules, NULL,
	 "not_through_access, or negative_list citing the item"},
	{"item_id", FT_ID, 0, 0, 0, NULL, NULL,
	 "the negative-list item of the community's list in force (rule negative_list)"},
	{"note", FT_STRING, 0, 0, 1000, NULL, NULL, NULL},
	{0},
};

#define BURDEN_FIELDS                                                                        \
	{"org", FT_STRING, 0, 6, 12, NULL, NULL, "the node (default: your own)"},            \
		{"from", FT_DATE, 0, 0, 0, NULL, NULL, "first day (default: this month's first)"}, \
		{"to", FT_DATE, 0, 0, 0, NULL, NULL, "last day, included (default today)"},       \
		{"base_from", FT_DATE, 0, 0, 0, NULL, NULL,                                       \
		 "first day of the baseline (default: the same length just before)"},          \
	{                                                                                    \
		"base_to", FT_DATE, 0, 0, 0, NULL, NULL, "last day of the baseline, included"  \
	}

const struct field acc_burden_query[] = {BURDEN_FIELDS, {0}};

const struct field acc_burden_export_query[] = {
	BURDEN_FIELDS,
	{"format", FT_ENUM, FIELD_REQUIRED, 0, 0, formats, NULL, NULL},
	{"table", FT_ENUM, 0, 0, 0, tables, NULL, "areas (default) or ranking"},
	{0},
};

/* ---- helpers ---- */

static struct case_actor actor_of(struct req *r)
{
	return (struct case_actor){r->who->user_id, r->who->username};
}

static const char *id_text(struct req *r, int64_t id)
{
	return arena_printf(&r->arena, "%lld", (long long)id);
}

static void today_text(char day[11])
{
	calendar_date_of(calendar_day_at(clock_now_ms()), day);
}

static bool is_day(const char *s)
{
	return s != NULL && strlen(s) == 10 && calendar_day_of(s) != INT32_MIN;
}

/* The union of the subtree roots where p holds any of perms, nested roots
 * removed; NULL when none. */
static const char *roots_any(struct req *r, const enum perm *perms, size_t n)
{
	json_t *all = json_array();
	for (size_t i = 0; i < n; i++) {
		const char *roots = principal_roots(r->who, perms[i], &r->arena);
		json_t *arr = roots ? json_loads(roots, 0, NULL) : NULL;
		size_t k;
		json_t *v;
		json_array_foreach(arr, k, v) json_array_append(all, v);
		json_decref(arr);
	}
	json_t *out = json_array();
	size_t i, j;
	json_t *a, *b;
	json_array_foreach(all, i, a)
	{
		bool covered = false;
		json_array_foreach(all, j, b)
		{
			const char *x = json_string_value(a), *y = json_string_value(b);
			/* b covers a: a proper prefix, or the same earlier. */
			if ((strlen(y) < strlen(x) && str_starts(x, y)) ||
			    (j < i && strcmp(x, y) == 0))
				covered = true;
		}
		if (!covered)
			json_array_append(out, a);
	}
	json_decref(all);
	const char *text = NULL;
	if (json_array_size(out) > 0) {
		char *s = json_dumps(out, JSON_COMPACT);
		text = arena_strdup(&r->arena, s);
		free(s);
	}
	json_decref(out);
	return text;
}

static const enum perm READERS[] = {PERM_ACCESS_REQUEST, PERM_ACCESS_REVIEW, PERM_BURDEN_READ};

/* May the caller see request c?  Requesters, reviewers and burden readers
 * over its node; community workers of a community it covers; the
 * requester and the reviewing unit's members wherever it lies. */
static int request_visible(struct req *r, const struct case_row *c)
{
	bool any = principal_can(r->who, PERM_TASK_HANDLE);
	for (size_t i = 0; i < sizeof(READERS) / sizeof(READERS[0]); i++) {
		if (!principal_can(r->who, READERS[i]))
			continue;
		any = true;
		if (principal_scope(r->who, READERS[i], c->code, NULL) == RC_OK)
			return RC_OK;
	}
	if (!any)
		return req_fail(r, RC_FORBIDDEN, NULL, "your role does not see work-access requests");
	if (c->created_by == r->who->user_id ||
	    (c->unit_id && case_unit_member(r->db, c->unit_id, r->who->user_id)))
		return RC_OK;
	if (principal_can(r->who, PERM_TASK_HANDLE)) {
		sqlite3_stmt *st = db_stmt(r->db, "SELECT code FROM access_request_communities"
						  " WHERE case_id = ?");
		if (st == NULL)
			return RC_INTERNAL;
		sqlite3_bind_int64(st, 1, c->id);
		bool mine = false;
		while (!mine && sqlite3_step(st) == SQLITE_ROW)
			mine = principal_scope(r->who, PERM_TASK_HANDLE, db_col_text(st, 0), NULL) ==
			       RC_OK;
		sqlite3_reset(st);
		if (mine)
			return RC_OK;
	}
	return req_fail(r, RC_NOT_FOUND, NULL, NULL);
}

/* The request as JSON with the actions the caller may take on it now. */
static int request_reply(struct req *r, int status, const struct case_row *c)
{
	json_t *o;
	int rc = access_request_json(r->db, c->id, &o);
	if (rc != RC_OK)
		return rc;
	json_t *actions = json_array();
	static const char *const names[] = {"approve", "reject", "withdraw"};
	for (size_t i = 0; i < 3; i++) {
		const struct case_transition *t;
		const char *why;
		if (case_check(r->db, &access_kind, c, names[i], r->who, &t, &why) == RC_OK &&
		    !(i < 2 && c->created_by == r->who->user_id))
			json_array_append_new(actions, json_string(names[i]));
	}
	json_object_set_new(o, "actions", actions);
	return req_reply(r, status, o);
}

static int node_level_name(struct req *r, const char *code, char *name, size_t len,
			   char level[16])
{
	sqlite3_stmt *st = db_stmt(r->db, "SELECT name, level FROM org WHERE code = ?");
	if (st == NULL)
		return RC_INTERNAL;
	db_bind_text(st, 1, code);
	int rc = RC_NOT_FOUND;
	if (sqlite3_step(st) == SQLITE_ROW) {
		if (name)
			snprintf(name, len, "%s", db_col_text(st, 0));
		snprintf(level, 16, "%s", db_col_text(st, 1));
		rc = RC_OK;
	}
	sqlite3_reset(st);
	return rc;
}

/* ---- the reviewing unit ---- */

int api_access_reviewers_list(struct req *r)
{
	const char *roots = principal_roots(r->who, PERM_ACCESS_REVIEW, &r->arena);
	if (roots == NULL)
		return req_fail(r, RC_FORBIDDEN, NULL, NULL);
	json_t *items;
	int rc = access_reviewers_json(r->db, roots, &items);
	return rc == RC_OK ? req_reply(r, 200, json_pack("{s:o}", "items", items)) : rc;
}

int api_access_reviewers_set(struct req *r)
{
	const char *county = r->params[0];
	char level[16];
	if (strlen(county) != 6 || node_level_name(r, county, NULL, 0, level) != RC_OK ||
	    strcmp(level, "county") != 0)
		return req_fail(r, RC_NOT_FOUND, NULL, "no such county");
	int rc = req_scope(r, PERM_EVENT_CATALOG, county);
	if (rc != RC_OK)
		return rc;
	int64_t unit = in_int(r, "unit_id", 0);
	sqlite3_stmt *st = db_stmt(r->db, "SELECT org_code, active FROM handling_units WHERE id = ?");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, unit);
	bool ok = sqlite3_step(st) == SQLITE_ROW && strcmp(db_col_text(st, 0), county) == 0 &&
		  sqlite3_column_int(st, 1) == 1;
	sqlite3_reset(st);
	if (!ok)
		return req_fail(r, RC_VALIDATION_FAILED, "unit_id",
				"an active handling unit of this county");
	rc = req_tx_begin(r);
	if (rc != RC_OK)
		return rc;
	rc = access_set_reviewer(r->db, county, unit, r->who->user_id);
	if (rc == RC_OK)
		rc = req_audit(r, NULL, "access_reviewer", county, 0,
			       json_pack("{s:I}", "unit_id", (json_int_t)unit));
	rc = req_tx_end(r, rc);
	if (rc != RC_OK)
		return rc;
	json_t *items;
	rc = access_reviewers_json(r->db, arena_printf(&r->arena, "[\"%s\"]", county), &items);
	if (rc != RC_OK)
		return rc;
	json_t *one = json_incref(json_array_get(items, 0));
	json_decref(items);
	return req_reply(r, 200, one ? one : json_object());
}

/* ---- the lists, as the forms need them ---- */

static const enum perm LIST_READERS[] = {PERM_ACCESS_REQUEST, PERM_ACCESS_REVIEW,
					 PERM_TASK_HANDLE};

/* Perm-less routes: the caller holds one of perms somewhere (else 403)
 * and over code (else 404). */
static int scope_any(struct req *r, const enum perm *perms, size_t n, const char *code)
{
	bool any = false;
	for (size_t i = 0; i < n; i++) {
		if (!principal_can(r->who, perms[i]))
			continue;
		any = true;
		if (principal_scope(r->who, perms[i], code, NULL) == RC_OK)
			return RC_OK;
	}
	return req_fail(r, any ? RC_NOT_FOUND : RC_FORBIDDEN, NULL, NULL);
}

int api_access_list_items(struct req *r)
{
	const char *org = q_str(r, "org");
	int rc = scope_any(r, LIST_READERS, 3, org);
	if (rc != RC_OK)
		return rc;
	char day[11];
	today_text(day);
	int64_t list = 0;
	rc = duty_list_in_force(r->db, "community", org, NULL, day, &list);
	if (rc != RC_OK)
		return rc;
	json_t *items = json_array();
	sqlite3_stmt *st = db_stmt(r->db, "SELECT id FROM duty_items WHERE list_id = ?"
					  " AND section IN ('by_law', 'assisted', 'negative')"
					  " ORDER BY section, seq");
	if (st == NULL) {
		json_decref(items);
		return RC_INTERNAL;
	}
	sqlite3_bind_int64(st, 1, list);
	int64_t ids[1000];
	int n = 0;
	while (n < 1000 && sqlite3_step(st) == SQLITE_ROW)
		ids[n++] = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	for (int i = 0; i < n && rc == RC_OK; i++) {
		json_t *it;
		rc = duty_item_json(r->db, ids[i], &it);
		if (rc == RC_OK)
			json_array_append_new(items, it);
	}
	if (rc != RC_OK) {
		json_decref(items);
		return rc;
	}
	return req_reply(r, 200,
			 json_pack("{s:s, s:s, s:o, s:o}", "org", org, "day", day, "list_id",
				   list ? json_integer(list) : json_null(), "items", items));
}

/* ---- requests ---- */

/* Resolve the scope into communities (each once) the caller may request
 * for; NULL and a recorded failure naming the item otherwise. */
static const char **resolve_scope(struct req *r, size_t *n)
{
	json_t *scope = in_json(r, "scope");
	size_t cap = 64, count = 0;
	const char **out = arena_alloc(&r->arena, cap * sizeof(*out));
	size_t i;
	json_t *v;
	json_array_foreach(scope, i, v)
	{
		const char *code = json_string_value(v);
		const char *fieldname = arena_printf(&r->arena, "scope[%zu]", i);
		char level[16];
		if (node_level_name(r, code, NULL, 0, level) != RC_OK ||
		    principal_scope(r->who, PERM_ACCESS_REQUEST, code, NULL) != RC_OK) {
			req_fail(r, RC_VALIDATION_FAILED, fieldname,
				 "no such county, town or community in your scope");
			return NULL;
		}
		if (strlen(code) == 12 && strcmp(level, "community") != 0) {
			req_fail(r, RC_VALIDATION_FAILED, fieldname, "not a community");
			return NULL;
		}
		sqlite3_stmt *st = db_stmt(r->db, "SELECT code FROM org WHERE level = 'community'"
						  " AND code >= ?1 AND code < ?1 || ';' ORDER BY code");
		if (st == NULL) {
			req_fail(r, RC_INTERNAL, NULL, NULL);
			return NULL;
		}
		db_bind_text(st, 1, code);
		while (sqlite3_step(st) == SQLITE_ROW) {
			const char *c = db_col_text(st, 0);
			bool seen = false;
			for (size_t k = 0; k < count && !seen; k++)
				seen = strcmp(out[k], c) == 0;
			if (seen)
				continue;
			if (count == ACCESS_MAX_COMMUNITIES) {
				sqlite3_reset(st);
				req_fail(r, RC_VALIDATION_FAILED, "scope",
					 "at most %d communities in one request",
					 ACCESS_MAX_COMMUNITIES);
				return NULL;
			}
			if (count == cap) {
				const char **more = arena_alloc(&r->arena, 2 * cap * sizeof(*out));
				memcpy(more, out, cap * sizeof(*out));
				out = more;
				cap *= 2;
			}
			out[count++] = arena_strdup(&r->arena, c);
		}
		sqlite3_reset(st);
	}
	if (count == 0) {
		req_fail(r, RC_VALIDATION_FAILED, "scope", "no community under these nodes");
		return NULL;
	}
	for (size_t k = 1; k < count; k++)
		if (strncmp(out[k], out[0], 6) != 0) {
			req_fail(r, RC_VALIDATION_FAILED, "scope",
				 "the communities of one county: each county reviews its own");
			return NULL;
		}
	*n = count;
	return out;
}

/* The grant the caller files from: the node of their access.request
 * grant covering code. */
static const char *requester_node(struct req *r, const char *code, const char **node_name)
{
	for (size_t i = 0; i < r->who->ngrants; i++) {
		const struct grant *g = &r->who->grants[i];
		if (role_has_perm(g->role, PERM_ACCESS_REQUEST) && str_starts(code, g->org_code)) {
			*node_name = g->org_name;
			return g->org_code;
		}
	}
	return NULL;
}

int api_access_requests_create(struct req *r)
{
	const char *starts = in_str(r, "starts_on"), *ends = in_str(r, "ends_on");
	const char *deadline = in_str(r, "deadline_on");
	char day[11];
	today_text(day);
	if (!is_day(starts))
		return req_fail(r, RC_VALIDATION_FAILED, "starts_on", "a day YYYY-MM-DD");
	if (!is_day(ends) || strcmp(ends, starts) < 0 || strcmp(ends, day) < 0)
		return req_fail(r, RC_VALIDATION_FAILED, "ends_on",
				"a day YYYY-MM-DD, not before starts_on nor today");
	if (!is_day(deadline) || strcmp(deadline, starts) < 0 || strcmp(deadline, ends) > 0 ||
	    strcmp(deadline, day) < 0)
		return req_fail(r, RC_VALIDATION_FAILED, "deadline_on",
				"a day YYYY-MM-DD within the duration, not before today");
	const char *funding = in_str(r, "funding");
	bool funded = in_bool(r, "funded", false);
	if (funded && (funding == NULL || utf8_count(funding, strlen(funding)) < 2))
		return req_fail(r, RC_VALIDATION_FAILED, "funding",
				"say who pays and how much (费随事转)");
	size_t n = 0;
	const char **comms = resolve_scope(r, &n);
	if (comms == NULL)
		return r->rc;
	char ancestor[16];
	access_common_ancestor(comms, n, ancestor);
	const char *node_name = NULL;
	const char *node = requester_node(r, ancestor, &node_name);
	if (node == NULL) /* each community is in scope, their ancestor may not be */
		node = requester_node(r, comms[0], &node_name);
	if (node == NULL)
		return req_fail(r, RC_VALIDATION_FAILED, "scope", "outside your scope");
	/* The requesting body: a unit the caller belongs to, else their node
	 * (a town files as the town). */
	const char *body = node_name;
	int64_t unit = in_int(r, "unit_id", 0);
	if (unit != 0) {
		sqlite3_stmt *st = db_stmt(r->db, "SELECT name FROM handling_units WHERE id = ?");
		if (st == NULL)
			return RC_INTERNAL;
		sqlite3_bind_int64(st, 1, unit);
		if (sqlite3_step(st) == SQLITE_ROW)
			body = arena_strdup(&r->arena, db_col_text(st, 0));
		sqlite3_reset(st);
		if (!case_unit_member(r->db, unit, r->who->user_id))
			return req_fail(r, RC_VALIDATION_FAILED, "unit_id",
					"a handling unit you are a member of");
	}
	int64_t item = in_int(r, "list_item_id", 0);
	if (item != 0) {
		json_t *it = NULL;
		if (duty_item_json(r->db, item, &it) != RC_OK)
			return req_fail(r, RC_VALIDATION_FAILED, "list_item_id",
					"no such item of a duty list");
		json_decref(it);
	}
	char *scope_text = json_dumps(in_json(r, "scope"), JSON_COMPACT);
	struct access_in in = {
		.requester_code = node,
		.body = body ? body : node,
		.body_unit_id = unit,
		.kind = in_str(r, "kind"),
		.title = in_str(r, "title"),
		.description = in_str(r, "description"),
		.legal_basis = in_str(r, "legal_basis"),
		.funding = funding ? funding : "",
		.funded = funded,
		.starts_on = starts,
		.ends_on = ends,
		.deadline_on = deadline,
		.workload_hours = (int)in_int(r, "workload_hours", 0),
		.list_item_id = item,
		.scope_json = scope_text,
		.communities = comms,
		.ncommunities = n,
	};
	struct case_actor who = actor_of(r);
	int64_t id = 0;
	int state = 0;
	int rc = req_tx_begin(r);
	if (rc == RC_OK)
		rc = access_file(r->db, &in, &who, &id, &state);
	free(scope_text);
	if (rc == RC_OK)
		rc = req_audit(r, NULL, "access_request", id_text(r, id), 0,
			       json_pack("{s:s, s:s, s:I, s:s}", "kind", in.kind, "title", in.title,
					 "communities", (json_int_t)n, "decision",
					 access_kind.states[state]));
	rc = req_tx_end(r, rc);
	if (rc != RC_OK)
		return rc;
	struct case_row c;
	rc = case_load(r->db, &access_kind, id, &c);
	return rc == RC_OK ? request_reply(r, 201, &c) : rc;
}

int api_access_requests_list(struct req *r)
{
	struct page pg = req_page(r);
	struct access_filter f = {
		.roots = roots_any(r, READERS, 3),
		.state = q_str(r, "state"),
		.review_user = json_is_true(json_object_get(r->query, "to_review"))
				       ? r->who->user_id
				       : 0,
		.requester = json_is_true(json_object_get(r->query, "mine")) ? r->who->user_id : 0,
		.limit = pg.limit,
		.offset = pg.offset,
	};
	if (f.roots == NULL)
		return req_fail(r, RC_FORBIDDEN, NULL, "your role does not see work-access requests");
	json_t *items;
	int64_t total;
	int rc = access_requests_list(r->db, &f, &items, &total);
	return rc == RC_OK ? req_reply(r, 200, page_json(items, total, pg)) : rc;
}

int api_access_requests_get(struct req *r)
{
	struct case_row c;
	if (r->ids[0] == 0 || case_load(r->db, &access_kind, r->ids[0], &c) != RC_OK) {
		/* Without any reading permission the answer is the same 403 as
		 * for an existing request. */
		bool any = principal_can(r->who, PERM_TASK_HANDLE);
		for (size_t i = 0; i < 3; i++)
			any = any || principal_can(r->who, READERS[i]);
		return req_fail(r, any ? RC_NOT_FOUND : RC_FORBIDDEN, NULL, NULL);
	}
	int rc = request_visible(r, &c);
	return rc == RC_OK ? request_reply(r, 200, &c) : rc;
}

/* POST /api/v1/access/requests/{id}/<action>: approve, reject, withdraw. */
int api_access_action(struct req *r)
{
	const char *action = strrchr(r->route->path, '/') + 1;
	struct case_row c;
	if (r->ids[0] == 0 || case_load(r->db, &access_kind, r->ids[0], &c) != RC_OK)
		return req_fail(r, RC_NOT_FOUND, NULL, NULL);
	const struct case_transition *t;
	const char *why;
	int rc = case_check(r->db, &access_kind, &c, action, r->who, &t, &why);
	if (rc != RC_OK)
		return req_fail(r, rc, rc == RC_INVALID_STATE ? "state" : NULL, "%s",
				why ? why : rc_info(rc)->message);
	/* Nobody decides their own request, even as a member of the unit. */
	if (strcmp(action, "withdraw") != 0 && c.created_by == r->who->user_id)
		return req_fail(r, RC_FORBIDDEN, NULL, "you filed this request; another member reviews it");
	const char *text = strcmp(action, "approve") == 0 ? in_str(r, "conditions")
							  : in_str(r, "reason");
	if ((t->flags & CASE_REASON) && (text == NULL || *text == '\0'))
		return req_fail(r, RC_VALIDATION_FAILED, "reason", "this action needs a reason");
	struct case_actor who = actor_of(r);
	rc = req_tx_begin(r);
	if (rc != RC_OK)
		return rc;
	rc = access_decide(r->db, &c, t, text, &who);
	if (rc == RC_CONFLICT)
		req_fail(r, rc, NULL, "the request changed meanwhile; reload it");
	if (rc == RC_OK)
		rc = req_audit(r, NULL, "access_request", r->params[0], 0, json_incref(r->in));
	rc = req_tx_end(r, rc);
	return rc == RC_OK ? request_reply(r, 200, &c) : rc;
}

/* ---- the task ledger ---- */

static const enum perm LEDGER_READERS[] = {PERM_TASK_HANDLE, PERM_BURDEN_READ};

int api_tasks_list(struct req *r)
{
	struct page pg = req_page(r);
	struct task_filter f = {
		.roots = roots_any(r, LEDGER_READERS, 2),
		.status = q_str(r, "status"),
		.source = q_str(r, "source"),
		.kind = q_str(r, "kind"),
		.limit = pg.limit,
		.offset = pg.offset,
	};
	if (f.roots == NULL)
		return req_fail(r, RC_FORBIDDEN, NULL, "your role does not see task ledgers");
	const char *org = q_str(r, "org");
	if (org != NULL) {
		int rc = scope_any(r, LEDGER_READERS, 2, org);
		if (rc != RC_OK)
			return rc;
		f.roots = arena_printf(&r->arena, "[\"%s\"]", org);
	}
	json_t *items;
	int64_t total;
	int rc = ledger_list(r->db, &f, &items, &total);
	return rc == RC_OK ? req_reply(r, 200, page_json(items, total, pg)) : rc;
}

/* The negative-list item a refusal cites for community code: NULL when it
 * is one of the list in force, else the reason. */
static const char *negative_item_check(struct req *r, const char *code, int64_t item)
{
	char day[11], section[16] = "";
	today_text(day);
	int64_t list = 0;
	if (item == 0)
		return "name the negative-list item (item_id)";
	if (duty_list_in_force(r->db, "community", code, NULL, day, &list) != RC_OK || list == 0)
		return "the community has no list in force";
	duty_item_section(r->db, list, item, section);
	if (strcmp(section, "negative") != 0)
		return "not an item of the negative list in force for this community";
	return NULL;
}

static int task_reply(struct req *r, int status, int64_t id)
{
	json_t *o;
	int rc = ledger_task_json(r->db, id, &o);
	return rc == RC_OK ? req_reply(r, status, o) : rc;
}

int api_tasks_create(struct req *r)
{
	const char *code = in_str(r, "org");
	if (code == NULL) {
		const char *roots = principal_roots(r->who, PERM_TASK_HANDLE, &r->arena);
		json_t *arr = roots ? json_loads(roots, 0, NULL) : NULL;
		if (json_array_size(arr) == 1 && json_string_length(json_array_get(arr, 0)) == 12)
			code = arena_strdup(&r->arena, json_string_value(json_array_get(arr, 0)));
		json_decref(arr);
		if (code == NULL)
			return req_fail(r, RC_VALIDATION_FAILED, "org", "name the community");
	}
	char level[16];
	if (node_level_name(r, code, NULL, 0, level) != RC_OK)
		return req_fail(r, RC_NOT_FOUND, NULL, NULL);
	int rc = req_scope(r, PERM_TASK_HANDLE, code);
	if (rc != RC_OK)
		return rc;
	if (strcmp(level, "community") != 0)
		return req_fail(r, RC_VALIDATION_FAILED, "org", "a community");
	char day[11];
	today_text(day);
	const char *received = in_str(r, "received_on") ? in_str(r, "received_on") : day;
	if (!is_day(received) || strcmp(received, day) > 0)
		return req_fail(r, RC_VALIDATION_FAILED, "received_on",
				"a day YYYY-MM-DD, not in the future");
	const char *deadline = in_str(r, "deadline_on");
	if (deadline != NULL && !is_day(deadline))
		return req_fail(r, RC_VALIDATION_FAILED, "deadline_on", "a day YYYY-MM-DD");
	bool refuse = in_bool(r, "refuse", false);
	const char *rule = in_str(r, "rule");
	int64_t item = in_int(r, "item_id", 0);
	if (refuse && rule == NULL)
		return req_fail(r, RC_VALIDATION_FAILED, "rule", "the rule the refusal cites");
	if (!refuse && (rule != NULL || item != 0 || in_str(r, "refusal_note") != NULL))
		return req_fail(r, RC_VALIDATION_FAILED, rule ? "rule" : item ? "item_id" : "refusal_note",
				"only with refuse");
	if (refuse && strcmp(rule, "negative_list") == 0) {
		const char *why = negative_item_check(r, code, item);
		if (why != NULL)
			return req_fail(r, RC_VALIDATION_FAILED, "item_id", "%s", why);
	} else if (item != 0) {
		return req_fail(r, RC_VALIDATION_FAILED, "item_id", "only with rule negative_list");
	}
	struct task_in in = {
		.code = code,
		.kind = in_str(r, "kind"),
		.title = in_str(r, "title"),
		.requester = in_str(r, "requester"),
		.received_on = received,
		.deadline_on = deadline,
		.note = in_str(r, "note"),
	};
	int64_t id = 0;
	rc = req_tx_begin(r);
	if (rc != RC_OK)
		return rc;
	rc = ledger_record(r->db, &in, r->who->user_id, &id);
	/* Recorded and refused in one action: the refusal is its own fact,
	 * with its own audit record. */
	if (rc == RC_OK)
		rc = req_audit(r, NULL, "community_task", id_text(r, id), 0, json_incref(r->in));
	if (rc == RC_OK && refuse)
		rc = ledger_refuse(r->db, id, rule, item, in_str(r, "refusal_note"), r->who->user_id);
	if (rc == RC_OK && refuse)
		rc = req_audit(r, "community_task.refuse", "community_task", id_text(r, id), 0,
			       json_pack("{s:s, s:I}", "rule", rule, "item_id", (json_int_t)item));
	rc = req_tx_end(r, rc);
	return rc == RC_OK ? task_reply(r, 201, id) : rc;
}

/* The task of path parameter 0 in the caller's task.handle scope. */
static int task_scope(struct req *r, struct task_row *t)
{
	if (r->ids[0] == 0 || ledger_get(r->db, r->ids[0], t) != RC_OK)
		return req_fail(r, RC_NOT_FOUND, NULL, NULL);
	return req_scope(r, PERM_TASK_HANDLE, t->code);
}

int api_tasks_done(struct req *r)
{
	struct task_row t;
	int rc = task_scope(r, &t);
	if (rc != RC_OK)
		return rc;
	if (strcmp(t.status, "open") != 0)
		return req_fail(r, RC_INVALID_STATE, "status", "the task is %s already", t.status);
	rc = req_tx_begin(r);
	if (rc != RC_OK)
		return rc;
	rc = ledger_done(r->db, t.id, in_str(r, "note"), r->who->user_id);
	if (rc == RC_CONFLICT)
		req_fail(r, RC_INVALID_STATE, "status", "the task changed meanwhile; reload it");
	if (rc == RC_OK)
		rc = req_audit(r, NULL, "community_task", r->params[0], 0, json_incref(r->in));
	rc = req_tx_end(r, rc);
	return rc == RC_OK ? task_reply(r, 200, t.id) : rc;
}

int api_tasks_refuse(struct req *r)
{
	struct task_row t;
	int rc = task_scope(r, &t);
	if (rc != RC_OK)
		return rc;
	if (strcmp(t.status, "open") != 0)
		return req_fail(r, RC_INVALID_STATE, "status", "the task is %s already", t.status);
	/* What passed access is on the lists: the community does it. */
	if (strcmp(t.access, "none") != 0)
		return req_fail(r, RC_INVALID_STATE, "access",
				"the task passed work access (%s); it may not be refused",
				t.access);
	const char *rule = in_str(r, "rule");
	int64_t item = in_int(r, "item_id", 0);
	if (strcmp(rule, "negative_list") == 0) {
		const char *why = negative_item_check(r, t.code, item);
		if (why != NULL)
			return req_fail(r, RC_VALIDATION_FAILED, "item_id", "%s", why);
	} else if (item != 0) {
		return req_fail(r, RC_VALIDATION_FAILED, "item_id", "only with rule negative_list");
	}
	rc = req_tx_begin(r);
	if (rc != RC_OK)
		return rc;
	rc = ledger_refuse(r->db, t.id, rule, item, in_str(r, "note"), r->who->user_id);
	if (rc == RC_CONFLICT)
		req_fail(r, RC_INVALID_STATE, "status", "the task changed meanwhile; reload it");
	if (rc == RC_OK)
		rc = req_audit(r, NULL, "community_task", r->params[0], 0, json_incref(r->in));
	rc = req_tx_end(r, rc);
	return rc == RC_OK ? task_reply(r, 200, t.id) : rc;
}

/* ---- the burden ledger ---- */

/* The node, the period and the baseline: the same number of days just
 * before the period unless base_from and base_to are given. */
static int burden_query(struct req *r, struct burden_query *q)
{
	struct report_period p;
	int rc = req_report_period(r, PERM_BURDEN_READ, false, &p);
	if (rc != RC_OK)
		return rc;
	q->code = p.code;
	q->from_ms = p.from_ms;
	q->to_ms = p.to_ms;
	/* A community is its own only row. */
	q->area_len = strlen(p.code) >= 12 ? 12 : p.area_len;
	const char *bf = q_str(r, "base_from"), *bt = q_str(r, "base_to");
	if ((bf == NULL) != (bt == NULL))
		return req_fail(r, RC_VALIDATION_FAILED, bf ? "base_to" : "base_from",
				"give both ends of the baseline, or neither");
	if (bf != NULL) {
		int32_t d0 = calendar_day_of(bf), d1 = calendar_day_of(bt);
		if (d0 == INT32_MIN)
			return req_fail(r, RC_VALIDATION_FAILED, "base_from", "a day YYYY-MM-DD");
		if (d1 == INT32_MIN || d1 < d0)
			return req_fail(r, RC_VALIDATION_FAILED, "base_to",
					"a day YYYY-MM-DD, not before base_from");
		q->base_from_ms = ((int64_t)d0 * 86400 - CLOCK_CIVIL_OFFSET_S) * 1000;
		q->base_to_ms = ((int64_t)(d1 + 1) * 86400 - CLOCK_CIVIL_OFFSET_S) * 1000;
	} else {
		q->base_to_ms = q->from_ms;
		q->base_from_ms = q->from_ms - (q->to_ms - q->from_ms);
	}
	return RC_OK;
}

int api_burden(struct req *r)
{
	struct burden_query q;
	int rc = burden_query(r, &q);
	if (rc != RC_OK)
		return rc;
	json_t *o;
	rc = burden_report(r->db, &q, &o);
	return rc == RC_OK ? req_reply_report(r, o, q.code, q.from_ms, q.to_ms) : rc;
}

static const char *const area_columns[] = {
	"key",
	"name",
	"imposed",
	"accepted",
	"refused",
	"refused_by_check",
	"rejected_on_review",
	"refused_by_community",
	"in_review",
	"imposed_task",
	"imposed_form",
	"imposed_meeting",
	"imposed_inspection",
	"imposed_plaque",
	"imposed_app",
	"imposed_certificate",
	"certificates_issued",
	"certificates_refused",
	"baseline_imposed",
	"trend_imposed_pct",
	NULL,
};

static const char *const ranking_columns[] = {
	"rank",     "body",      "requester_code",   "outside",
	"requests", "imposed",   "accepted",         "refused_by_check",
	"rejected_on_review",    "in_review",        "refused_by_community",
	NULL,
};

static json_t *jsonp(json_t *o, const char *a, const char *b)
{
	json_t *v = json_object_get(json_object_get(o, a), b);
	return v ? v : json_null();
}

/* One row of the areas table flattened for a spreadsheet. */
static json_t *flat_row(json_t *row)
{
	json_t *o = json_pack("{s:O, s:O, s:O, s:O, s:O, s:O, s:O, s:O, s:O}", "key",
			      json_object_get(row, "key"), "name", json_object_get(row, "name"),
			      "imposed", jsonp(row, "imposed", "total"), "accepted",
			      jsonp(row, "accepted", "total"), "refused",
			      jsonp(row, "refused", "total"), "refused_by_check",
			      json_object_get(row, "refused_by_check"), "rejected_on_review",
			      json_object_get(row, "rejected_on_review"), "refused_by_community",
			      json_object_get(row, "refused_by_community"), "in_review",
			      json_object_get(row, "in_review"));
	for (int i = 0; access_kinds[i] != NULL; i++) {
		char col[32];
		snprintf(col, sizeof(col), "imposed_%s", access_kinds[i]);
		json_object_set(o, col, jsonp(row, "imposed", access_kinds[i]));
	}
	json_object_set(o, "certificates_issued", jsonp(row, "certificates", "issued"));
	json_object_set(o, "certificates_refused", jsonp(row, "certificates", "refused"));
	json_object_set(o, "baseline_imposed", jsonp(row, "baseline", "imposed"));
	json_object_set(o, "trend_imposed_pct", jsonp(row, "trend", "imposed"));
	return o;
}

int api_burden_export(struct req *r)
{
	struct burden_query q;
	int rc = burden_query(r, &q);
	if (rc != RC_OK)
		return rc;
	json_t *o;
	rc = burden_report(r->db, &q, &o);
	if (rc != RC_OK)
		return rc;
	bool ranking = q_str(r, "table") && strcmp(q_str(r, "table"), "ranking") == 0;
	struct export_ctx x = {.r = r,
			       .columns = ranking ? ranking_columns : area_columns,
			       .xlsx = strcmp(q_str(r, "format"), "xlsx") == 0,
			       .audit = json_pack("{s:s, s:s}", "org", q.code, "table",
						  ranking ? "ranking" : "areas")};
	rc = export_open(&x, ranking ? "ranking" : "burden");
	size_t i;
	json_t *row;
	json_array_foreach(json_object_get(o, ranking ? "ranking" : "rows"), i, row)
	{
		if (rc != RC_OK)
			break;
		if (ranking) {
			json_t *copy = json_copy(row);
			json_object_set_new(copy, "outside",
					    json_integer(json_is_true(json_object_get(row, "outside"))));
			export_row(&x, copy);
			json_decref(copy);
		} else {
			json_t *flat = flat_row(row);
			export_row(&x, flat);
			json_decref(flat);
		}
	}
	if (rc == RC_OK && !ranking) {
		json_t *totals = json_object_get(o, "totals");
		json_object_set_new(totals, "key", json_string("total"));
		json_object_set_new(totals, "name", json_string(q.code));
		json_t *flat = flat_row(totals);
		export_row(&x, flat);
		json_decref(flat);
	}
	rc = export_send(r, &x, rc, ranking ? "burden-ranking" : "burden-ledger", "burden_ledger");
	json_decref(o);
	return rc;
}
