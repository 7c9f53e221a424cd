/*
 * HTTP handlers of people's mediation.  Committees are managed by the
 * county justice bureau and the towns (mediation.manage); cases are
 * registered and run by community workers and mediators
 * (mediation.handle) and seen with mediation.read, all within the scope of
 * the committee's node.  Every action on a case is one transaction: the
 * engine's move, the action's rows, the audit record and the notices.
 */
#include "mediation/api_mediation.h"

#include <stdio.h>
#include <string.h>

#include "core/calendar.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/str.h"
#include "http/export.h"
#include "http/request.h"
#include "mediation/mediation.h"
#include "registry/validate.h"

/* ---- declared inputs ---- */

static const char *const genders[] = {"male", "female", NULL};
static const char *const duties[] = {"chair", "vice_chair", "member", NULL};
static const char *const states[] = {"open",   "all",      "not_accepted", "registered",
				     "mediating", "agreed", "failed",   "referred",
				     "closed", NULL};
static const char *const sources[] = {"application", "initiative", "police", "court",
				      "assigned", NULL};
static const char *const hows[] = {"assigned", "chosen", NULL};
static const char *const recusers[] = {"party", "mediator", NULL};
static const char *const end_kinds[] = {"no_agreement", "party_refused", "withdrawn", "other",
					NULL};
static const char *const performances[] = {"performed", "partly", "not_performed", "not_due",
					   NULL};
static const char *const formats[] = {"csv", "xlsx", NULL};
static const char *const groupings[] = {"area", "committee", "type", "source", NULL};
static const char *const route_names[] = {"arbitration", "administrative", "litigation", NULL};

/* The other routes a failed mediation explains: one to three of them,
 * each once. */
static const char *routes_check(const json_t *v)
{
	size_t i, seen = 0;
	json_t *e;
	json_array_foreach(v, i, e)
	{
		const char *s = json_string_value(e);
		int k = -1;
		for (int j = 0; s != NULL && route_names[j] != NULL; j++)
			if (strcmp(s, route_names[j]) == 0)
				k = j;
		if (k < 0)
			return "each route is arbitration, administrative or litigation";
		if (seen & (1u << k))
			return "a route is named twice";
		seen |= 1u << k;
	}
	return NULL;
}

#define REASON(req) {"reason", FT_STRING, req, 2, 1000, NULL, NULL, "why (kept on the timeline)"}

const struct field med_committees_query[] = {
	{"org_id", FT_ID, 0, 0, 0, NULL, NULL, "only under this node (in your scope)"},
	{0},
};

const struct field med_committee_body[] = {
	{"org_id", FT_ID, FIELD_REQUIRED, 0, 0, NULL, NULL, "the community (village) or town"},
	{"name", FT_STRING, FIELD_REQUIRED, 1, 64, NULL, NULL, "e.g. 枫源村人民调解委员会"},
	{"elected_on", FT_DATE, FIELD_REQUIRED, 0, 0, NULL, NULL,
	 "the day the members were elected; the term runs three years from it"},
	{0},
};

const struct field med_committee_update_body[] = {
	{"name", FT_STRING, 0, 1, 64, NULL, NULL, NULL},
	{"elected_on", FT_DATE, 0, 0, 0, NULL, NULL, "a new election starts a new term"},
	{0},
};

const struct field med_member_body[] = {
	{"name", FT_STRING, FIELD_REQUIRED, 1, 32, NULL, NULL, NULL},
	{"gender", FT_ENUM, FIELD_REQUIRED, 0, 0, genders, NULL, "the law asks for a woman"},
	{"duty", FT_ENUM, FIELD_REQUIRED, 0, 0, duties, NULL, NULL},
	{"user_id", FT_ID, 0, 0, 0, NULL, NULL,
	 "the member's account, holding the mediator role over the committee's node"},
	{"joined_on", FT_DATE, 0, 0, 0, NULL, NULL, "default today"},
	{0},
};

const struct field med_member_update_body[] = {
	{"name", FT_STRING, 0, 1, 32, NULL, NULL, NULL},
	{"duty", FT_ENUM, 0, 0, 0, duties, NULL, NULL},
	{"user_id", FT_ID, FIELD_NULLABLE, 0, 0, NULL, NULL, "null unlinks the account"},
	{"left_on", FT_DATE, FIELD_NULLABLE, 0, 0, NULL, NULL, "the member leaves that day"},
	{0},
};

const struct field med_cases_query[] = {
	{"state", FT_ENUM, 0, 0, 0, states, NULL, "open (default: registered or mediating), all, or one state"},
	{"dispute_type", FT_STRING, 0, 1, 32, NULL, NULL, NULL},
	{"committee_id", FT_ID, 0, 0, 0, NULL, NULL, NULL},
	{"overdue", FT_BOOL, 0, 0, 0, NULL, NULL, "only cases past their time limit"},
	{"org", FT_STRING, 0, 2, 15, NULL, NULL, "only under this node (in your scope)"},
	PAGE_QUERY,
	{0},
};

const struct field med_case_body[] = {
	{"committee_id", FT_ID, FIELD_REQUIRED, 0, 0, NULL, NULL, NULL},
	{"dispute_type", FT_STRING, FIELD_REQUIRED, 1, 32, NULL, NULL,
	 "from GET /api/v1/mediation/dispute-types"},
	{"source", FT_ENUM, FIELD_REQUIRED, 0, 0, sources, NULL,
	 "application, the committee's own initiative, referred by police or court, assigned"},
	{"source_note", FT_STRING, 0, 0, 128, NULL, NULL,
	 "the referring station, court or authority (required for police and court)"},
	{"summary", FT_STRING, FIELD_REQUIRED, 1, 4000, NULL, NULL, "the dispute in short"},
	{"parties", FT_ARRAY, FIELD_REQUIRED, 2, 20, NULL, NULL,
	 "[{side, kind, name, gender, id_number, phone, address, representative, resident_id,"
	 " willing, refusal_note}]: an applicant and a respondent at least"},
	{0},
};

const struct field med_assign_body[] = {
	{"member_id", FT_ID, FIELD_REQUIRED, 0, 0, NULL, NULL, "a member who mediates"},
	{"how", FT_ENUM, FIELD_REQUIRED, 0, 0, hows, NULL,
	 "assigned by the committee or chosen by the parties"},
	{0},
};

const struct field med_recuse_body[] = {
	{"member_id", FT_ID, FIELD_REQUIRED, 0, 0, NULL, NULL, NULL},
	{"by", FT_ENUM, FIELD_REQUIRED, 0, 0, recusers, NULL,
	 "a party asked, or the mediator declared an interest"},
	REASON(FIELD_REQUIRED),
	{"replacement_id", FT_ID, 0, 0, 0, NULL, NULL, "another member assigned at once"},
	{0},
};

const struct field med_session_body[] = {
	{"held_on", FT_DATE, FIELD_REQUIRED, 0, 0, NULL, NULL, NULL},
	{"place", FT_STRING, 0, 0, 128, NULL, NULL, NULL},
	{"mediator_ids", FT_ARRAY, FIELD_REQUIRED, 1, 9, NULL, NULL, "members present"},
	{"attendees", FT_STRING, 0, 0, 500, NULL, NULL, "parties and others present"},
	{"record", FT_STRING, FIELD_REQUIRED, 1, 10000, NULL, NULL, "the record (笔录)"},
	{0},
};

const struct field med_extend_body[] = {
	{"due_on", FT_DATE, FIELD_REQUIRED, 0, 0, NULL, NULL,
	 "the new last day: later, by at most 30 days"},
	{"consent", FT_BOOL, FIELD_REQUIRED, 0, 0, NULL, NULL, "the parties agreed (must be true)"},
	REASON(FIELD_REQUIRED),
	{0},
};

const struct field med_agreement_body[] = {
	{"facts", FT_STRING, FIELD_REQUIRED, 1, 5000, NULL, NULL, "the main facts"},
	{"disputed_matters", FT_STRING, FIELD_REQUIRED, 1, 5000, NULL, NULL, NULL},
	{"responsibilities", FT_STRING, FIELD_REQUIRED, 1, 5000, NULL, NULL,
	 "each party's responsibility"},
	{"terms", FT_STRING, FIELD_REQUIRED, 1, 5000, NULL, NULL, "what the parties agreed"},
	{"performance", FT_STRING, FIELD_REQUIRED, 1, 2000, NULL, NULL,
	 "how the terms are performed"},
	{"perform_by", FT_DATE, FIELD_REQUIRED, 0, 0, NULL, NULL, "by when"},
	{0},
};

const struct field med_sign_body[] = {
	{"party_id", FT_ID, 0, 0, 0, NULL, NULL, "a party signs"},
	{"member_id", FT_ID, 0, 0, 0, NULL, NULL, "or a mediator of the case"},
	{0},
};

const struct field med_terminate_body[] = {
	{"kind", FT_ENUM, FIELD_REQUIRED, 0, 0, end_kinds, NULL, NULL},
	REASON(FIELD_REQUIRED),
	{"routes", FT_ARRAY, FIELD_REQUIRED, 1, 3, NULL, routes_check,
	 "the other routes explained: arbitration, administrative, litigation"},
	{"party_id", FT_ID, 0, 0, 0, NULL, NULL, "the party who refuses (kind party_refused)"},
	{0},
};

const struct field med_refer_body[] = {
	{"unit", FT_STRING, FIELD_REQUIRED, 1, 128, NULL, NULL, "the police station or unit"},
	REASON(FIELD_REQUIRED),
	{0},
};

const struct field med_confirmation_body[] = {
	{"applied", FT_BOOL, FIELD_REQUIRED, 0, 0, NULL, NULL,
	 "whether the parties applied for judicial confirmation"},
	{"applied_on", FT_DATE, 0, 0, 0, NULL, NULL, "required when applied"},
	{"court", FT_STRING, 0, 0, 128, NULL, NULL, NULL},
	{0},
};

const struct field med_followup_body[] = {
	{"visited_on", FT_DATE, FIELD_REQUIRED, 0, 0, NULL, NULL, NULL},
	{"visitor", FT_STRING, FIELD_REQUIRED, 1, 64, NULL, NULL, "who visited"},
	{"performance", FT_ENUM, FIELD_REQUIRED, 0, 0, performances, NULL,
	 "whether the agreement is being performed"},
	{"notes", FT_STRING, 0, 0, 2000, NULL, NULL, NULL},
	{0},
};

const struct field med_close_body[] = {
	REASON(0),
	{0},
};

#define STATS_FIELDS                                                                         \
	{"org", FT_STRING, 0, 2, 15, NULL, NULL, "the node (default: your own)"},            \
		{"from", FT_DATE, 0, 0, 0, NULL, NULL, "first day (default: this year's first)"}, \
		{"to", FT_DATE, 0, 0, 0, NULL, NULL, "last day, included (default today)"}

const struct field med_stats_query[] = {STATS_FIELDS, {0}};

const struct field med_stats_export_query[] = {
	STATS_FIELDS,
	{"format", FT_ENUM, FIELD_REQUIRED, 0, 0, formats, NULL, NULL},
	{"by", FT_ENUM, 0, 0, 0, groupings, NULL, "rows: area (default), committee, type, source"},
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

static const char *today_text(struct req *r)
{
	char *d = arena_alloc(&r->arena, 11);
	calendar_date_of(calendar_day_at(clock_now_ms()), d);
	return d;
}

/* The committee of path parameter 0, checked with perm on its node. */
static int committee_scope(struct req *r, enum perm perm, char code[16])
{
	if (r->ids[0] == 0 || mediation_committee_get(r->db, r->ids[0], code, NULL, 0) != RC_OK)
		return req_fail(r, RC_NOT_FOUND, NULL, NULL);
	return req_scope(r, perm, code);
}

static int committee_reply(struct req *r, int status, int64_t id)
{
	json_t *o;
	int rc = mediation_committee_json(r->db, id, &o);
	return rc == RC_OK ? req_reply(r, status, o) : rc;
}

/* ---- dispute types and committees ---- */

int api_mediation_dispute_types(struct req *r)
{
	sqlite3_stmt *st = db_stmt(r->db, "SELECT code, name, name_en FROM"
					  " mediation_dispute_types ORDER BY sort");
	if (st == NULL)
		return RC_INTERNAL;
	json_t *items = json_array();
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(items, json_pack("{s:s, s:s, s:s}", "code",
						       db_col_text(st, 0), "name",
						       db_col_text(st, 1), "name_en",
						       db_col_text(st, 2)));
	sqlite3_reset(st);
	return req_reply(r, 200, json_pack("{s:o}", "items", items));
}

static int org_code_of(struct req *r, int64_t id, char code[16])
{
	sqlite3_stmt *st = db_stmt(r->db, "SELECT code FROM org WHERE id = ?");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	int rc = RC_NOT_FOUND;
	if (sqlite3_step(st) == SQLITE_ROW) {
		snprintf(code, 16, "%s", db_col_text(st, 0));
		rc = RC_OK;
	}
	sqlite3_reset(st);
	return rc;
}

int api_mediation_committees_list(struct req *r)
{
	const char *roots = principal_roots(r->who, PERM_MEDIATION_READ, &r->arena);
	if (q_int(r, "org_id", 0) != 0) {
		char code[16];
		if (org_code_of(r, q_int(r, "org_id", 0), code) != RC_OK)
			return req_fail(r, RC_NOT_FOUND, "org_id", NULL);
		int rc = req_scope(r, PERM_MEDIATION_READ, code);
		if (rc != RC_OK)
			return rc;
		roots = arena_printf(&r->arena, "[\"%s\"]", code);
	}
	if (roots == NULL)
		return req_fail(r, RC_FORBIDDEN, NULL, NULL);
	json_t *items;
	int rc = mediation_committees_json(r->db, roots, &items);
	return rc == RC_OK ? req_reply(r, 200, json_pack("{s:o}", "items", items)) : rc;
}

static bool elected_ok(struct req *r, const char *on)
{
	return on == NULL || (strlen(on) == 10 && strcmp(on, today_text(r)) <= 0);
}

int api_mediation_committees_create(struct req *r)
{
	char code[16];
	if (org_code_of(r, in_int(r, "org_id", 0), code) != RC_OK)
		return req_fail(r, RC_VALIDATION_FAILED, "org_id", "no such node");
	int rc = req_scope(r, PERM_MEDIATION_MANAGE, code);
	if (rc != RC_OK)
		return rc;
	/* Committees are set up by village and neighbourhood committees and by
	 * towns (人民调解法 第八条). */
	if (strlen(code) != 9 && strlen(code) != 12)
		return req_fail(r, RC_VALIDATION_FAILED, "org_id", "a town or a community");
	if (!elected_ok(r, in_str(r, "elected_on")))
		return req_fail(r, RC_VALIDATION_FAILED, "elected_on",
				"a day YYYY-MM-DD, not in the future");
	rc = req_tx_begin(r);
	if (rc != RC_OK)
		return rc;
	sqlite3_stmt *st = db_stmt(r->db, "INSERT INTO mediation_committees (org_code, name,"
					  " elected_on, created_at_ms) VALUES (?,?,?,?)");
	if (st == NULL)
		return req_tx_end(r, RC_INTERNAL);
	db_bind_text(st, 1, code);
	db_bind_text(st, 2, in_str(r, "name"));
	db_bind_text(st, 3, in_str(r, "elected_on"));
	sqlite3_bind_int64(st, 4, clock_now_ms());
	rc = db_step_done(r->db, st);
	int64_t id = rc == RC_OK ? db_last_id(r->db) : 0;
	if (rc == RC_CONFLICT)
		req_fail(r, rc, "name", "this node has a committee of that name");
	if (rc == RC_OK)
		rc = req_audit(r, NULL, "mediation_committee", id_text(r, id), 0,
			       json_incref(r->in));
	rc = req_tx_end(r, rc);
	return rc == RC_OK ? committee_reply(r, 201, id) : rc;
}

int api_mediation_committees_get(struct req *r)
{
	char code[16];
	int rc = committee_scope(r, PERM_MEDIATION_READ, code);
	return rc == RC_OK ? committee_reply(r, 200, r->ids[0]) : rc;
}

int api_mediation_committees_update(struct req *r)
{
	char code[16];
	int rc = committee_scope(r, PERM_MEDIATION_MANAGE, code);
	if (rc != RC_OK)
		return rc;
	if (!elected_ok(r, in_str(r, "elected_on")))
		return req_fail(r, RC_VALIDATION_FAILED, "elected_on",
				"a day YYYY-MM-DD, not in the future");
	rc = req_tx_begin(r);
	if (rc != RC_OK)
		return rc;
	sqlite3_stmt *st = db_stmt(r->db, "UPDATE mediation_committees SET name = ifnull(?, name),"
					  " elected_on = ifnull(?, elected_on) WHERE id = ?");
	if (st == NULL)
		return req_tx_end(r, RC_INTERNAL);
	db_bind_text(st, 1, in_str(r, "name"));
	db_bind_text(st, 2, in_str(r, "elected_on"));
	sqlite3_bind_int64(st, 3, r->ids[0]);
	rc = db_step_done(r->db, st);
	if (rc == RC_CONFLICT)
		req_fail(r, rc, "name", "this node has a committee of that name");
	if (rc == RC_OK)
		rc = req_audit(r, NULL, "mediation_committee", r->params[0], 0,
			       json_incref(r->in));
	rc = req_tx_end(r, rc);
	return rc == RC_OK ? committee_reply(r, 200, r->ids[0]) : rc;
}

/* Accounts that may be linked to members: those holding the mediator role
 * at a node covering the committee's. */
int api_mediation_candidates(struct req *r)
{
	char code[16];
	int rc = committee_scope(r, PERM_MEDIATION_MANAGE, code);
	if (rc != RC_OK)
		return rc;
	sqlite3_stmt *st = db_stmt(r->db, "SELECT DISTINCT u.id, u.username, u.display_name"
					  " FROM user_roles g JOIN org o ON o.id = g.org_id"
					  " JOIN users u ON u.id = g.user_id WHERE g.role = 'mediator'"
					  " AND u.disabled = 0 AND substr(?1, 1, length(o.code))"
					  " = o.code ORDER BY u.display_name, u.id");
	if (st == NULL)
		return RC_INTERNAL;
	db_bind_text(st, 1, code);
	json_t *items = json_array();
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(items, json_pack("{s:I, s:s, s:s}", "user_id",
						       (json_int_t)sqlite3_column_int64(st, 0),
						       "username", db_col_text(st, 1),
						       "display_name", db_col_text(st, 2)));
	sqlite3_reset(st);
	return req_reply(r, 200, json_pack("{s:o}", "items", items));
}

static const char *composition_message(const char *rule)
{
	if (strcmp(rule, "term_expired") == 0)
		return "term_expired: the committee's three-year term has ended; record a new "
		       "election";
	if (strcmp(rule, "too_few_members") == 0)
		return "too_few_members: a committee has at least 3 members in term";
	if (strcmp(rule, "too_many_members") == 0)
		return "too_many_members: a committee has at most 9 members in term";
	return "no_woman: a committee has a woman among its members";
}

int api_mediation_members_add(struct req *r)
{
	char code[16];
	int rc = committee_scope(r, PERM_MEDIATION_MANAGE, code);
	if (rc != RC_OK)
		return rc;
	int64_t user = in_int(r, "user_id", 0);
	if (user && !mediation_user_is_mediator(r->db, user, code))
		return req_fail(r, RC_VALIDATION_FAILED, "user_id",
				"the account does not hold the mediator role over this node");
	const char *joined = in_str(r, "joined_on") ? in_str(r, "joined_on") : today_text(r);
	if (!elected_ok(r, joined))
		return req_fail(r, RC_VALIDATION_FAILED, "joined_on",
				"a day YYYY-MM-DD, not in the future");
	int in_term = 0, women = 0;
	bool running = false;
	mediation_committee_counts(r->db, r->ids[0], &in_term, &women, &running);
	if (in_term + 1 > MED_MAX_MEMBERS)
		return req_fail(r, RC_COMMITTEE_COMPOSITION, "committee_id", "%s",
				composition_message("too_many_members"));
	rc = req_tx_begin(r);
	if (rc != RC_OK)
		return rc;
	sqlite3_stmt *st = db_stmt(r->db, "INSERT INTO mediation_members (committee_id, name,"
					  " gender, duty, user_id, joined_on, created_at_ms)"
					  " VALUES (?,?,?,?,?,?,?)");
	if (st == NULL)
		return req_tx_end(r, RC_INTERNAL);
	sqlite3_bind_int64(st, 1, r->ids[0]);
	db_bind_text(st, 2, in_str(r, "name"));
	db_bind_text(st, 3, in_str(r, "gender"));
	db_bind_text(st, 4, in_str(r, "duty"));
	if (user)
		sqlite3_bind_int64(st, 5, user);
	db_bind_text(st, 6, joined);
	sqlite3_bind_int64(st, 7, clock_now_ms());
	rc = db_step_done(r->db, st);
	int64_t id = rc == RC_OK ? db_last_id(r->db) : 0;
	if (rc == RC_OK)
		rc = req_audit(r, NULL, "mediation_committee", r->params[0], 0,
			       json_pack("{s:I, s:O}", "member_id", (json_int_t)id, "member",
					 r->in));
	rc = req_tx_end(r, rc);
	return rc == RC_OK ? committee_reply(r, 201, r->ids[0]) : rc;
}

int api_mediation_members_update(struct req *r)
{
	char code[16];
	int rc = committee_scope(r, PERM_MEDIATION_MANAGE, code);
	if (rc != RC_OK)
		return rc;
	json_t *user = in_json(r, "user_id");
	if (json_is_integer(user) &&
	    !mediation_user_is_mediator(r->db, json_integer_value(user), code))
		return req_fail(r, RC_VALIDATION_FAILED, "user_id",
				"the account does not hold the mediator role over this node");
	rc = req_tx_begin(r);
	if (rc != RC_OK)
		return rc;
	sqlite3_stmt *st = db_stmt(
		r->db, "UPDATE mediation_members SET name = ifnull(?3, name),"
		       " duty = ifnull(?4, duty),"
		       " user_id = CASE WHEN ?5 THEN ?6 ELSE user_id END,"
		       " left_on = CASE WHEN ?7 THEN ?8 ELSE left_on END"
		       " WHERE id = ?2 AND committee_id = ?1");
	if (st == NULL)
		return req_tx_end(r, RC_INTERNAL);
	sqlite3_bind_int64(st, 1, r->ids[0]);
	sqlite3_bind_int64(st, 2, r->ids[1]);
	db_bind_text(st, 3, in_str(r, "name"));
	db_bind_text(st, 4, in_str(r, "duty"));
	sqlite3_bind_int(st, 5, in_has(r, "user_id"));
	if (json_is_integer(user))
		sqlite3_bind_int64(st, 6, json_integer_value(user));
	sqlite3_bind_int(st, 7, in_has(r, "left_on"));
	db_bind_text(st, 8, in_str(r, "left_on"));
	rc = db_step_one(r->db, st);
	if (rc == RC_NOT_FOUND)
		req_fail(r, rc, NULL, "no such member of this committee");
	if (rc == RC_OK)
		rc = req_audit(r, NULL, "mediation_committee", r->params[0], 0,
			       json_pack("{s:I, s:O}", "member_id", (json_int_t)r->ids[1],
					 "change", r->in));
	rc = req_tx_end(r, rc);
	return rc == RC_OK ? committee_reply(r, 200, r->ids[0]) : rc;
}

/* ---- cases ---- */

int api_mediation_cases_list(struct req *r)
{
	struct page pg = req_page(r);
	struct med_filter f = {
		.roots = principal_roots(r->who, PERM_MEDIATION_READ, &r->arena),
		.state = q_str(r, "state"),
		.dispute_type = q_str(r, "dispute_type"),
		.committee_id = q_int(r, "committee_id", 0),
		.overdue_only = json_is_true(json_object_get(r->query, "overdue")),
		.limit = pg.limit,
		.offset = pg.offset,
	};
	const char *org = q_str(r, "org");
	if (org != NULL) {
		int rc = req_scope(r, PERM_MEDIATION_READ, org);
		if (rc != RC_OK)
			return rc;
		f.roots = arena_printf(&r->arena, "[\"%s\"]", org);
	}
	if (f.roots == NULL)
		return req_fail(r, RC_FORBIDDEN, NULL, NULL);
	json_t *items;
	int64_t total;
	int rc = mediation_cases_list(r->db, &f, &items, &total);
	return rc == RC_OK ? req_reply(r, 200, page_json(items, total, pg)) : rc;
}

static bool dispute_type_exists(struct req *r, const char *code)
{
	sqlite3_stmt *st = db_stmt(r->db, "SELECT 1 FROM mediation_dispute_types WHERE code = ?");
	if (st == NULL)
		return false;
	db_bind_text(st, 1, code);
	bool yes = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_reset(st);
	return yes;
}

/* The registry code of a resident, or "" when there is none. */
static void resident_code(struct req *r, int64_t id, char code[16])
{
	code[0] = '\0';
	sqlite3_stmt *st = db_stmt(r->db, "SELECT code FROM residents WHERE id = ?");
	if (st == NULL)
		return;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW)
		snprintf(code, 16, "%s", db_col_text(st, 0));
	sqlite3_reset(st);
}

static const char *str_member(json_t *o, const char *name)
{
	json_t *v = json_object_get(o, name);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* One party of a registration, checked into *p: NULL, or the reason with
 * *member naming the member at fault. */
static const char *party_in(struct req *r, json_t *o, struct med_party_in *p, const char **member)
{
	static const char *const known[] = {"side",        "kind",     "name",
					    "gender",      "id_number", "phone",
					    "address",     "representative", "resident_id",
					    "willing",     "refusal_note", NULL};
	const char *key;
	json_t *v;
	if (!json_is_object(o)) {
		*member = "";
		return "each party is an object";
	}
	json_object_foreach(o, key, v) if (!one_of(key, known))
	{
		*member = key;
		return "unknown member";
	}
	memset(p, 0, sizeof(*p));
	p->side = str_member(o, "side");
	p->kind = str_member(o, "kind") ? str_member(o, "kind") : "person";
	p->name = str_member(o, "name");
	p->gender = str_member(o, "gender");
	p->id_number = str_member(o, "id_number");
	p->phone = str_member(o, "phone");
	p->address = str_member(o, "address");
	p->representative = str_member(o, "representative");
	p->refusal_note = str_member(o, "refusal_note");
	static const char *const sides[] = {"applicant", "respondent", NULL};
	static const char *const kinds[] = {"person", "organisation", NULL};
	*member = "side";
	if (p->side == NULL || !one_of(p->side, sides))
		return "applicant or respondent";
	*member = "kind";
	if (!one_of(p->kind, kinds))
		return "person or organisation";
	*member = "name";
	if (p->name == NULL || *p->name == '\0' || utf8_count(p->name, strlen(p->name)) > 64)
		return "a name of 1 to 64 characters";
	*member = "gender";
	if (p->gender != NULL && !one_of(p->gender, genders))
		return "male or female";
	if (p->gender != NULL && strcmp(p->kind, "organisation") == 0)
		return "an organisation has no gender";
	*member = "id_number";
	if (p->id_number && *p->id_number) {
		char birth[11];
		if (strcmp(p->kind, "organisation") == 0 ? check_credit_code(p->id_number) != NULL
							 : (strlen(p->id_number) == 18
								    ? check_citizen_id(p->id_number,
										       birth) != NULL
								    : strlen(p->id_number) < 4 ||
									      strlen(p->id_number) > 32))
			return strcmp(p->kind, "organisation") == 0
				       ? "not a valid unified social credit code"
				       : "not a valid identity number";
	}
	*member = "phone";
	if (p->phone && *p->phone && check_mobile(p->phone) != NULL)
		return check_mobile(p->phone);
	*member = "address";
	if (p->address && utf8_count(p->address, strlen(p->address)) > 128)
		return "at most 128 characters";
	*member = "representative";
	if (p->representative && utf8_count(p->representative, strlen(p->representative)) > 64)
		return "at most 64 characters";
	*member = "refusal_note";
	if (p->refusal_note && utf8_count(p->refusal_note, strlen(p->refusal_note)) > 500)
		return "at most 500 characters";
	*member = "willing";
	v = json_object_get(o, "willing");
	if (!json_is_boolean(v))
		return "whether the party agrees to mediation (true or false)";
	p->willing = json_is_true(v);
	*member = "resident_id";
	v = json_object_get(o, "resident_id");
	if (v != NULL && !json_is_null(v)) {
		char code[16];
		if (!json_is_integer(v) || json_integer_value(v) <= 0)
			return "a resident's id";
		p->resident_id = json_integer_value(v);
		resident_code(r, p->resident_id, code);
		if (code[0] == '\0' ||
		    principal_scope(r->who, PERM_MEDIATION_HANDLE, code, NULL) != RC_OK ||
		    strcmp(p->kind, "person") != 0)
			return "no such resident in your scope";
	}
	return NULL;
}

int api_mediation_cases_create(struct req *r)
{
	char code[16], committee[128];
	int64_t cid = in_int(r, "committee_id", 0);
	if (mediation_committee_get(r->db, cid, code, committee, sizeof(committee)) != RC_OK ||
	    principal_scope(r->who, PERM_MEDIATION_HANDLE, code, NULL) != RC_OK)
		return req_fail(r, RC_VALIDATION_FAILED, "committee_id",
				"no such committee where you may register cases");
	if (!dispute_type_exists(r, in_str(r, "dispute_type")))
		return req_fail(r, RC_VALIDATION_FAILED, "dispute_type",
				"not a dispute type of GET /api/v1/mediation/dispute-types");
	const char *source = in_str(r, "source");
	const char *note = in_str(r, "source_note");
	if ((strcmp(source, "police") == 0 || strcmp(source, "court") == 0) &&
	    (note == NULL || *note == '\0'))
		return req_fail(r, RC_VALIDATION_FAILED, "source_note",
				"name the station or court that referred the dispute");
	json_t *arr = in_json(r, "parties");
	size_t n = json_array_size(arr);
	struct med_party_in *parties = arena_alloc(&r->arena, n * sizeof(*parties));
	bool applicant = false, respondent = false;
	struct sbuf refused = {0};
	for (size_t i = 0; i < n; i++) {
		const char *member;
		const char *why = party_in(r, json_array_get(arr, i), &parties[i], &member);
		if (why != NULL) {
			sbuf_free(&refused);
			return req_fail(r, RC_VALIDATION_FAILED,
					arena_printf(&r->arena, "parties[%zu].%s", i, member), "%s",
					why);
		}
		applicant |= strcmp(parties[i].side, "applicant") == 0;
		respondent |= strcmp(parties[i].side, "respondent") == 0;
		if (!parties[i].willing) {
			sbuf_printf(&refused, "%s%s", refused.len ? "、" : "", parties[i].name);
			if (parties[i].refusal_note && *parties[i].refusal_note)
				sbuf_printf(&refused, "（%s）", parties[i].refusal_note);
		}
	}
	if (!applicant || !respondent) {
		sbuf_free(&refused);
		return req_fail(r, RC_VALIDATION_FAILED, "parties",
				"an applicant and a respondent at least");
	}
	/* Only a properly constituted committee takes cases. */
	int in_term = 0, women = 0;
	bool running = false;
	mediation_committee_counts(r->db, cid, &in_term, &women, &running);
	const char *rule = mediation_composition_rule(in_term, women, running);
	if (rule != NULL) {
		sbuf_free(&refused);
		return req_fail(r, RC_COMMITTEE_COMPOSITION, "committee_id", "%s",
				composition_message(rule));
	}
	/* Mediation needs every party's consent (人民调解法 第十七条): with a
	 * refusal the request is recorded as not accepted, with who refused. */
	const char *refusal =
		refused.len ? arena_printf(&r->arena, "不同意调解：%s", refused.buf) : NULL;
	sbuf_free(&refused);
	struct med_case_in in = {
		.committee_id = cid,
		.dispute_type = in_str(r, "dispute_type"),
		.source = source,
		.source_note = note,
		.summary = in_str(r, "summary"),
		.parties = parties,
		.nparties = n,
	};
	struct case_actor who = actor_of(r);
	int64_t id = 0;
	int rc = req_tx_begin(r);
	if (rc != RC_OK)
		return rc;
	rc = mediation_register(r->db, &in, code, refusal ? MED_NOT_ACCEPTED : MED_REGISTERED,
				refusal, &who, &id);
	if (rc == RC_OK)
		rc = req_audit(r, NULL, "mediation_case", id_text(r, id), 0,
			       json_pack("{s:I, s:s, s:s, s:i, s:b}", "committee_id",
					 (json_int_t)cid, "dispute_type", in.dispute_type, "source",
					 source, "parties", (int)n, "accepted", refusal == NULL));
	rc = req_tx_end(r, rc);
	if (rc != RC_OK)
		return rc;
	json_t *o;
	rc = mediation_case_json(r->db, id, &o);
	return rc == RC_OK ? req_reply(r, 201, o) : rc;
}

/* Case id of kind mediation visible with perm: RC_OK, or 404 / 403. */
static int case_scope(struct req *r, int64_t id, struct case_row *c)
{
	if (id == 0 || case_load(r->db, &mediation_kind, id, c) != RC_OK)
		return req_fail(r, RC_NOT_FOUND, NULL, NULL);
	return req_scope(r, PERM_MEDIATION_READ, c->code);
}

int api_mediation_cases_get(struct req *r)
{
	struct case_row c;
	int rc = case_scope(r, r->ids[0], &c);
	if (rc != RC_OK)
		return rc;
	json_t *o;
	rc = mediation_case_json(r->db, c.id, &o);
	if (rc != RC_OK)
		return rc;
	/* The file holds parties' names, masked numbers and the record of
	 * their dispute: each read is audited. */
	req_audit_read(r, "mediation_case.read", "mediation_case", r->params[0], 0, NULL);
	return req_reply(r, 200, o);
}

/* POST /api/v1/mediation/cases/{id}/<action>. */
int api_mediation_action(struct req *r)
{
	const char *action = strrchr(r->route->path, '/') + 1;
	struct case_row c;
	if (r->ids[0] == 0 || case_load(r->db, &mediation_kind, r->ids[0], &c) != RC_OK)
		return req_fail(r, RC_NOT_FOUND, NULL, NULL);
	const struct case_transition *t;
	const char *why;
	int rc = case_check(r->db, &mediation_kind, &c, action, r->who, &t, &why);
	if (rc != RC_OK)
		return req_fail(r, rc, rc == RC_INVALID_STATE ? "state" : NULL, "%s",
				why ? why : rc_info(rc)->message);
	/* A mediator recused from the case takes no part in it any more. */
	if (mediation_recused_user(r->db, c.id, r->who->user_id) != 0)
		return req_fail(r, RC_FORBIDDEN, NULL, "you are recused from this case");
	if ((t->flags & CASE_REASON) && in_str(r, "reason") == NULL)
		return req_fail(r, RC_VALIDATION_FAILED, "reason", "this action needs a reason");
	int code;
	const char *field = mediation_check_args(r->db, &c, action, r->in, &why, &code);
	if (field != NULL)
		return req_fail(r, code, field, "%s", why);
	struct case_actor who = actor_of(r);
	rc = req_tx_begin(r);
	if (rc != RC_OK)
		return rc;
	rc = mediation_apply(r->db, &c, t, r->in, &who);
	if (rc == RC_CONFLICT)
		req_fail(r, rc, NULL, "the case changed meanwhile; reload it");
	if (rc == RC_OK)
		rc = req_audit(r, NULL, "mediation_case", r->params[0], 0, json_incref(r->in));
	rc = req_tx_end(r, rc);
	if (rc != RC_OK)
		return rc;
	json_t *o;
	rc = mediation_case_json(r->db, c.id, &o);
	return rc == RC_OK ? req_reply(r, 200, o) : rc;
}

/* ---- statistics ---- */

/* The node (org, or the caller's one root), the period (from and to
 * inclusive civil days; default this year up to today). */
static int stats_query(struct req *r, struct med_stats_query *q, char org[16])
{
	struct report_period p;
	int rc = req_report_period(r, PERM_MEDIATION_READ, true, &p);
	if (rc != RC_OK)
		return rc;
	snprintf(org, 16, "%s", p.code);
	*q = (struct med_stats_query){p.code, p.from_ms, p.to_ms, p.area_len};
	return RC_OK;
}

int api_mediation_stats(struct req *r)
{
	struct med_stats_query q;
	char org[16];
	int rc = stats_query(r, &q, org);
	if (rc != RC_OK)
		return rc;
	json_t *o;
	rc = mediation_stats(r->db, &q, &o);
	if (rc != RC_OK)
		return rc;
	return req_reply_report(r, o, org, q.from_ms, q.to_ms);
}

static const char *const stats_columns[] = {
	"key",       "name",     "registered",   "not_accepted", "agreed",
	"failed",    "referred", "ongoing",      "concluded",    "success_rate",
	"performed", "overdue",  "average_days", NULL};

int api_mediation_stats_export(struct req *r)
{
	struct med_stats_query q;
	char org[16];
	int rc = stats_query(r, &q, org);
	if (rc != RC_OK)
		return rc;
	json_t *o;
	rc = mediation_stats(r->db, &q, &o);
	if (rc != RC_OK)
		return rc;
	const char *by = q_str(r, "by") ? q_str(r, "by") : "area";
	struct export_ctx x = {.r = r,
			       .columns = stats_columns,
			       .xlsx = strcmp(q_str(r, "format"), "xlsx") == 0,
			       .audit = json_pack("{s:s, s:s}", "org", org, "by", by)};
	rc = export_open(&x, "mediation");
	size_t i;
	json_t *row;
	json_array_foreach(json_object_get(o, arena_printf(&r->arena, "by_%s", by)), i, row)
	{
		if (rc == RC_OK)
			export_row(&x, row);
	}
	json_t *totals = json_object_get(o, "totals");
	json_object_set_new(totals, "key", json_string("total"));
	json_object_set_new(totals, "name", json_string(org));
	if (rc == RC_OK)
		export_row(&x, totals);
	rc = export_send(r, &x, rc, "mediation-statistics", "mediation_statistics");
	json_decref(o);
	return rc;
}
