/*
 * Work-access requests: the automatic check against the duty lists, filing
 * on the case engine, review by the county's reviewing unit and the
 * matters it approves.
 */
#include "access/access.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/error.h"
#include "duties/lists.h"
#include "events/events.h"

/* clang-format off */
static const char *const acc_states[] = {
	"submitted", "passed", "refused", "in_review", "approved", "rejected", "withdrawn",
};
#define S(x) (1u << (x))
static const struct case_transition acc_transitions[] = {
	/* Not a route: the automatic check, right after filing. */
	{"check", S(ACC_SUBMITTED), CASE_CHOICE, PERM_ACCESS_REQUEST, 0},
	{"approve", S(ACC_IN_REVIEW), ACC_APPROVED, PERM_ACCESS_REVIEW, CASE_UNIT_MEMBER},
	{"reject", S(ACC_IN_REVIEW), ACC_REJECTED, PERM_ACCESS_REVIEW, CASE_UNIT_MEMBER | CASE_REASON},
	{"withdraw", S(ACC_IN_REVIEW), ACC_WITHDRAWN, PERM_ACCESS_REQUEST, CASE_REPORTER},
};
/* clang-format on */

const struct case_kind access_kind = {
	"access",
	acc_states,
	sizeof(acc_states) / sizeof(acc_states[0]),
	acc_transitions,
	sizeof(acc_transitions) / sizeof(acc_transitions[0]),
	PERM_ACCESS_REQUEST,
};

const char *const access_kinds[] = {"task", "form", "meeting", "inspection",
				    "plaque", "app", "certificate", NULL};

static void today(char day[11])
{
	calendar_date_of(calendar_day_at(clock_now_ms()), day);
}

/* ---- the automatic check ---- */

static int list_of(struct db *db, const char *code, const char *day, int64_t *list_id)
{
	return duty_list_in_force(db, "community", code, NULL, day, list_id);
}

static bool approved_matter(struct db *db, const char *code, const char *kind, const char *title,
			    int64_t *case_id)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT case_id FROM access_approved"
				       " WHERE code = ? AND kind = ? AND title = ?");
	if (st == NULL)
		return false;
	db_bind_text(st, 1, code);
	db_bind_text(st, 2, kind);
	db_bind_text(st, 3, title);
	bool yes = sqlite3_step(st) == SQLITE_ROW;
	if (yes)
		*case_id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return yes;
}

int access_check(struct db *db, const struct access_in *in, const char *day, int *state,
		 json_t **rule_new)
{
	*rule_new = NULL;
	size_t tlen = strlen(in->title), dlen = strlen(in->description);
	char *text = malloc(tlen + dlen + 2);
	if (text == NULL)
		return RC_INTERNAL;
	memcpy(text, in->title, tlen);
	text[tlen] = '\n';
	memcpy(text + tlen + 1, in->description, dlen + 1);
	int rc = RC_OK;
	/* 1 and 2: anything on a negative list or the banned certificates
	 * refuses the whole request, whichever community it is for. */
	for (size_t i = 0; i < in->ncommunities && rc == RC_OK && *rule_new == NULL; i++) {
		int64_t list = 0, item = 0;
		rc = list_of(db, in->communities[i], day, &list);
		if (rc == RC_OK && list != 0)
			rc = duty_match_keywords(db, list, "negative", text, &item);
		if (rc == RC_OK && item != 0) {
			json_t *it = NULL;
			rc = duty_item_json(db, item, &it);
			if (rc == RC_OK)
				*rule_new = json_pack("{s:s, s:s, s:I, s:o}", "rule", "negative_list",
						      "community", in->communities[i], "list_id",
						      (json_int_t)list, "item", it);
		}
		if (rc == RC_OK && *rule_new == NULL && strcmp(in->kind, "certificate") == 0) {
			json_t *cert = NULL;
			rc = banned_certificate_match(db, in->communities[i], in->title, &cert);
			if (rc == RC_OK && cert != NULL)
				*rule_new = json_pack("{s:s, s:s, s:o}", "rule", "banned_certificate",
						      "community", in->communities[i],
						      "certificate", cert);
		}
	}
	free(text);
	if (rc != RC_OK || *rule_new != NULL) {
		*state = ACC_REFUSED;
		return rc;
	}
	/* 3: the claimed item on every community's list in force. */
	const char *missing = NULL;
	if (in->list_item_id != 0) {
		for (size_t i = 0; i < in->ncommunities && rc == RC_OK && missing == NULL; i++) {
			int64_t list = 0;
			char section[16] = "";
			rc = list_of(db, in->communities[i], day, &list);
			if (rc == RC_OK && list != 0)
				rc = duty_item_section(db, list, in->list_item_id, section);
			if (strcmp(section, "assisted") != 0 && strcmp(section, "by_law") != 0)
				missing = in->communities[i];
		}
		if (rc == RC_OK && missing == NULL) {
			json_t *it = NULL;
			rc = duty_item_json(db, in->list_item_id, &it);
			if (rc == RC_OK) {
				*state = ACC_PASSED;
				*rule_new = json_pack("{s:s, s:o}", "rule", "list_item", "item", it);
			}
			return rc;
		}
	}
	/* 4: approved on review before, for every community. */
	int64_t approved_by = 0;
	bool all = in->ncommunities > 0;
	for (size_t i = 0; i < in->ncommunities && all; i++)
		all = approved_matter(db, in->communities[i], in->kind, in->title, &approved_by);
	if (rc == RC_OK && all) {
		*state = ACC_PASSED;
		*rule_new = json_pack("{s:s, s:I}", "rule", "approved_matter", "case_id",
				      (json_int_t)approved_by);
		return RC_OK;
	}
	*state = ACC_IN_REVIEW;
	*rule_new = json_pack("{s:s}", "rule", "not_on_lists");
	if (missing != NULL)
		json_object_set_new(*rule_new, "item_not_on_list_of", json_string(missing));
	return rc;
}

void access_common_ancestor(const char *const *codes, size_t n, char out[16])
{
	size_t len = n ? strlen(codes[0]) : 0;
	for (size_t i = 1; i < n; i++) {
		size_t k = 0;
		while (k < len && codes[i][k] == codes[0][k])
			k++;
		len = k;
	}
	/* Cut to the length of a node: community, town or county. */
	len = len >= 12 ? 12 : len >= 9 ? 9 : 6;
	snprintf(out, 16, "%.*s", (int)len, n ? codes[0] : "");
}

/* ---- filing ---- */

int64_t access_reviewer_unit(struct db *db, const char *county)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT r.unit_id FROM access_reviewers r"
				       " JOIN handling_units u ON u.id = r.unit_id AND u.active = 1"
				       " WHERE r.county_code = ?");
	if (st == NULL)
		return 0;
	db_bind_text(st, 1, county);
	int64_t id = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	return id;
}

/* The review stage: the county's unit (when one is designated), its
 * members told, the working-day limit running.  The requester is recorded
 * as the dispatcher so that the sweep's warnings reach them too. */
static int start_review(struct db *db, struct case_row *c, int64_t requester)
{
	char county[7];
	snprintf(county, sizeof(county), "%.6s", c->code);
	int64_t unit = access_reviewer_unit(db, county);
	int rc = case_assign(db, c, unit, 0, requester);
	if (rc == RC_OK)
		rc = case_set_stage(db, c, events_calendar(), "review", ACCESS_REVIEW_DAYS, "days",
				    clock_now_ms());
	if (rc == RC_OK && unit != 0)
		rc = case_notify_handlers(db, c, "assigned");
	return rc;
}

int access_file(struct db *db, const struct access_in *in, const struct case_actor *who,
		int64_t *id, int *state)
{
	char code[16], day[11];
	access_common_ancestor(in->communities, in->ncommunities, code);
	today(day);
	json_t *rule = NULL;
	int rc = access_check(db, in, day, state, &rule);
	if (rc != RC_OK) {
		json_decref(rule);
		return rc;
	}
	rc = case_create(db, &access_kind, ACC_SUBMITTED, code, code, in->title, who, id);
	sqlite3_stmt *st = rc == RC_OK ? db_stmt(db, "INSERT INTO access_requests (case_id,"
						     " requester_code, body, body_unit_id, kind,"
						     " title, description, legal_basis, funding,"
						     " funded, starts_on, ends_on, deadline_on,"
						     " workload_hours, list_item_id, scope, rule,"
						     " submitted_at_ms, decided_at_ms)"
						     " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")
				       : NULL;
	if (rc == RC_OK && st == NULL)
		rc = RC_INTERNAL;
	char *rule_text = json_dumps(rule, JSON_COMPACT);
	if (rc == RC_OK) {
		int64_t now = clock_now_ms();
		sqlite3_bind_int64(st, 1, *id);
		db_bind_text(st, 2, in->requester_code);
		db_bind_text(st, 3, in->body);
		if (in->body_unit_id)
			sqlite3_bind_int64(st, 4, in->body_unit_id);
		db_bind_text(st, 5, in->kind);
		db_bind_text(st, 6, in->title);
		db_bind_text(st, 7, in->description);
		db_bind_text(st, 8, in->legal_basis);
		db_bind_text(st, 9, in->funding);
		sqlite3_bind_int(st, 10, in->funded);
		db_bind_text(st, 11, in->starts_on);
		db_bind_text(st, 12, in->ends_on);
		db_bind_text(st, 13, in->deadline_on);
		sqlite3_bind_int(st, 14, in->workload_hours);
		if (in->list_item_id)
			sqlite3_bind_int64(st, 15, in->list_item_id);
		db_bind_text(st, 16, in->scope_json);
		db_bind_text(st, 17, rule_text);
		sqlite3_bind_int64(st, 18, now);
		if (*state != ACC_IN_REVIEW)
			sqlite3_bind_int64(st, 19, now);
		rc = db_step_done(db, st);
	}
	free(rule_text);
	st = rc == RC_OK ? db_stmt(db, "INSERT INTO access_request_communities (case_id, code)"
				       " VALUES (?, ?)")
			 : NULL;
	if (rc == RC_OK && st == NULL)
		rc = RC_INTERNAL;
	for (size_t i = 0; i < in->ncommunities && rc == RC_OK; i++) {
		sqlite3_bind_int64(st, 1, *id);
		db_bind_text(st, 2, in->communities[i]);
		rc = db_step_done(db, st);
	}
	struct case_row c;
	if (rc == RC_OK)
		rc = case_load(db, &access_kind, *id, &c);
	if (rc == RC_OK) {
		/* The check's decision on the timeline, with its rule. */
		struct case_actor sys = {0, "work-access check"};
		rc = case_move(db, &access_kind, &c, &acc_transitions[0], *state, &sys, NULL,
			       json_incref(rule));
	}
	if (rc == RC_OK && *state == ACC_PASSED)
		rc = ledger_add_from_request(db, *id, "passed");
	if (rc == RC_OK && *state == ACC_IN_REVIEW)
		rc = start_review(db, &c, who->id);
	json_decref(rule);
	return rc;
}

/* ---- review ---- */

/* The approved matter enters the "lists" of each community it covers. */
static int record_approved(struct db *db, int64_t case_id)
{
	sqlite3_stmt *st = db_stmt(db, "INSERT OR REPLACE INTO access_approved (code, kind, title,"
				       " case_id, approved_at_ms) SELECT rc.code, a.kind, a.title,"
				       " a.case_id, ?2 FROM access_request_communities rc"
				       " JOIN access_requests a ON a.case_id = rc.case_id"
				       " WHERE rc.case_id = ?1");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, case_id);
	sqlite3_bind_int64(st, 2, clock_now_ms());
	return db_step_done(db, st);
}

int access_decide(struct db *db, struct case_row *c, const struct case_transition *t,
		  const char *text, const struct case_actor *who)
{
	bool approve = strcmp(t->action, "approve") == 0;
	int rc = case_move(db, &access_kind, c, t, 0, who, text, NULL);
	sqlite3_stmt *st =
		rc != RC_OK ? NULL
		: approve   ? db_stmt(db, "UPDATE access_requests SET conditions = ?1,"
					  " decided_at_ms = ?2 WHERE case_id = ?3")
			    : db_stmt(db, "UPDATE access_requests SET reason = ?1,"
					  " decided_at_ms = ?2 WHERE case_id = ?3");
	if (rc == RC_OK && st == NULL)
		rc = RC_INTERNAL;
	if (rc == RC_OK) {
		db_bind_text(st, 1, text ? text : "");
		sqlite3_bind_int64(st, 2, clock_now_ms());
		sqlite3_bind_int64(st, 3, c->id);
		rc = db_step_done(db, st);
	}
	/* The review clock stops whatever the outcome. */
	if (rc == RC_OK)
		rc = case_set_stage(db, c, events_calendar(), NULL, 0, NULL, 0);
	if (rc == RC_OK)
		rc = case_set_closed(db, c->id, clock_now_ms());
	if (rc == RC_OK && approve)
		rc = record_approved(db, c->id);
	if (rc == RC_OK && approve)
		rc = ledger_add_from_request(db, c->id, "approved");
	if (rc == RC_OK && c->created_by != who->id)
		rc = case_notify(db, c->created_by, c->id, "status");
	return rc;
}

/* ---- the reviewing unit ---- */

int access_set_reviewer(struct db *db, const char *county, int64_t unit_id, int64_t by)
{
	sqlite3_stmt *st = db_stmt(db, "INSERT OR REPLACE INTO access_reviewers (county_code,"
				       " unit_id, set_by, set_at_ms) VALUES (?,?,?,?)");
	if (st == NULL)
		return RC_INTERNAL;
	db_bind_text(st, 1, county);
	sqlite3_bind_int64(st, 2, unit_id);
	if (by)
		sqlite3_bind_int64(st, 3, by);
	sqlite3_bind_int64(st, 4, clock_now_ms());
	int rc = db_step_done(db, st);
	/* Requests that waited for a designation go to the new unit, whose
	 * members are told; those with a unit stay with it. */
	sqlite3_stmt *sel = rc == RC_OK ? db_stmt(db, "SELECT id FROM cases WHERE kind = 'access'"
						      " AND state = 'in_review' AND unit_id IS NULL"
						      " AND substr(code, 1, 6) = ?")
					: NULL;
	if (rc == RC_OK && sel == NULL)
		rc = RC_INTERNAL;
	if (rc != RC_OK)
		return rc;
	db_bind_text(sel, 1, county);
	int64_t ids[512];
	int n = 0;
	while (n < 512 && sqlite3_step(sel) == SQLITE_ROW)
		ids[n++] = sqlite3_column_int64(sel, 0);
	sqlite3_reset(sel);
	for (int i = 0; i < n && rc == RC_OK; i++) {
		struct case_row c;
		rc = case_load(db, &access_kind, ids[i], &c);
		if (rc == RC_OK)
			rc = case_assign(db, &c, unit_id, 0, c.dispatcher_id);
		if (rc == RC_OK)
			rc = case_notify_handlers(db, &c, "assigned");
	}
	return rc;
}

int access_reviewers_json(struct db *db, const char *roots, json_t **out_new)
{
	sqlite3_stmt *st = db_stmt(
		db, "SELECT DISTINCT r.county_code, ifnull(o.name, ''), u.id, u.name, u.name_en"
		    " FROM json_each(?1) rt JOIN access_reviewers r"
		    " ON r.county_code >= rt.value AND r.county_code < rt.value || ';'"
		    "    OR rt.value >= r.county_code AND rt.value < r.county_code || ';'"
		    " JOIN handling_units u ON u.id = r.unit_id"
		    " LEFT JOIN org o ON o.code = r.county_code ORDER BY r.county_code");
	if (st == NULL)
		return RC_INTERNAL;
	db_bind_text(st, 1, roots);
	json_t *items = json_array();
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(items,
				      json_pack("{s:s, s:s, s:I, s:s, s:s}", "county",
						db_col_text(st, 0), "county_name", db_col_text(st, 1),
						"unit_id", (json_int_t)sqlite3_column_int64(st, 2),
						"unit_name", db_col_text(st, 3), "unit_name_en",
						db_col_text(st, 4)));
	sqlite3_reset(st);
	*out_new = items;
	return RC_OK;
}

/* ---- reading ---- */

static const char *deadline_colour(sqlite3_stmt *st, int warn_col, int due_col)
{
	if (sqlite3_column_type(st, due_col) == SQLITE_NULL)
		return NULL;
	int64_t now = clock_now_ms();
	if (sqlite3_column_int64(st, due_col) <= now)
		return "red";
	if (sqlite3_column_int64(st, warn_col) <= now)
		return "yellow";
	return "green";
}

static json_t *iso_or_null(sqlite3_stmt *st, int col)
{
	if (sqlite3_column_type(st, col) == SQLITE_NULL)
		return json_null();
	char at[32];
	clock_iso_ms(sqlite3_column_int64(st, col), at, sizeof(at));
	return json_string(at);
}

#define REQUEST_COLUMNS                                                                    \
	" c.id, c.state, c.code, ifnull(o.name, ''), a.kind, a.title, a.body, a.requester_code," \
	" a.submitted_at_ms, a.decided_at_ms, c.warn_at_ms, c.due_at_ms, a.deadline_on,"     \
	" (SELECT count(*) FROM access_request_communities x WHERE x.case_id = c.id),"         \
	" ifnull(c.unit_id, 0), ifnull(u.name, ''), json_extract(a.rule, '$.rule'),"          \
	" ifnull(c.created_by, 0), ifnull(cu.display_name, '')"

#define REQUEST_JOINS                                                  \
	" JOIN access_requests a ON a.case_id = c.id"                  \
	" LEFT JOIN org o ON o.code = c.code"                          \
	" LEFT JOIN handling_units u ON u.id = c.unit_id"              \
	" LEFT JOIN users cu ON cu.id = c.created_by"

static json_t *request_row(sqlite3_stmt *st)
{
	json_t *o = json_pack(
		"{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:s, s:I, s:s, s:I, s:s}", "id",
		(json_int_t)sqlite3_column_int64(st, 0), "state", db_col_text(st, 1), "code",
		db_col_text(st, 2), "node_name", db_col_text(st, 3), "kind", db_col_text(st, 4),
		"title", db_col_text(st, 5), "body", db_col_text(st, 6), "requester_code",
		db_col_text(st, 7), "submitted_at", iso_or_null(st, 8), "decided_at",
		iso_or_null(st, 9), "deadline_on", db_col_text(st, 12), "communities",
		(json_int_t)sqlite3_column_int64(st, 13), "rule", db_col_text(st, 16),
		"requested_by", (json_int_t)sqlite3_column_int64(st, 17), "requested_by_name",
		db_col_text(st, 18));
	json_object_set_new(o, "review_unit",
			    sqlite3_column_int64(st, 14)
				    ? json_pack("{s:I, s:s}", "id",
						(json_int_t)sqlite3_column_int64(st, 14), "name",
						db_col_text(st, 15))
				    : json_null());
	const char *colour = NULL;
	if (strcmp(db_col_text(st, 1), "in_review") == 0)
		colour = deadline_colour(st, 10, 11);
	json_object_set_new(o, "review_due_at", colour ? iso_or_null(st, 11) : json_null());
	json_object_set_new(o, "deadline", colour ? json_string(colour) : json_null());
	return o;
}

int access_request_json(struct db *db, int64_t id, json_t **out_new)
{
	sqlite3_stmt *st =
		db_stmt(db, "SELECT" REQUEST_COLUMNS ", a.description, a.legal_basis, a.funding,"
			    " a.funded, a.starts_on, a.ends_on, a.workload_hours,"
			    " ifnull(a.list_item_id, 0), a.scope, a.rule, a.conditions, a.reason,"
			    " ifnull(ro.name, '')"
			    " FROM cases c" REQUEST_JOINS
			    " LEFT JOIN org ro ON ro.code = a.requester_code"
			    " WHERE c.id = ? AND c.kind = 'access'");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	int src = sqlite3_step(st);
	if (src != SQLITE_ROW) {
		sqlite3_reset(st);
		return src == SQLITE_DONE ? RC_NOT_FOUND : db_rc(db, src);
	}
	json_t *o = request_row(st);
	json_object_set_new(o, "description", json_string(db_col_text(st, 19)));
	json_object_set_new(o, "legal_basis", json_string(db_col_text(st, 20)));
	json_object_set_new(o, "funding", json_string(db_col_text(st, 21)));
	json_object_set_new(o, "funded", json_boolean(sqlite3_column_int(st, 22)));
	json_object_set_new(o, "starts_on", json_string(db_col_text(st, 23)));
	json_object_set_new(o, "ends_on", json_string(db_col_text(st, 24)));
	json_object_set_new(o, "workload_hours", json_integer(sqlite3_column_int(st, 25)));
	int64_t item = sqlite3_column_int64(st, 26);
	json_t *scope = json_loads(db_col_text(st, 27), 0, NULL);
	json_object_set_new(o, "scope", scope ? scope : json_array());
	json_t *rule = json_loads(db_col_text(st, 28), 0, NULL);
	json_object_set_new(o, "decision", rule ? rule : json_object());
	json_object_set_new(o, "conditions", db_col_json(st, 29));
	json_object_set_new(o, "reason", db_col_json(st, 30));
	json_object_set_new(o, "requester_name", json_string(db_col_text(st, 31)));
	sqlite3_reset(st);
	json_t *it = NULL;
	if (item != 0 && duty_item_json(db, item, &it) != RC_OK)
		it = NULL;
	json_object_set_new(o, "list_item", it ? it : json_null());
	/* Each community with its task in the ledger, if any. */
	st = db_stmt(db, "SELECT rc.code, ifnull(o.name, ''), t.id, t.status, t.done_at_ms"
			 " FROM access_request_communities rc LEFT JOIN org o ON o.code = rc.code"
			 " LEFT JOIN community_tasks t ON t.case_id = rc.case_id AND t.code = rc.code"
			 " WHERE rc.case_id = ? ORDER BY rc.code");
	if (st == NULL) {
		json_decref(o);
		return RC_INTERNAL;
	}
	sqlite3_bind_int64(st, 1, id);
	json_t *comms = json_array();
	while (sqlite3_step(st) == SQLITE_ROW) {
		json_t *cm = json_pack("{s:s, s:s}", "code", db_col_text(st, 0), "name",
				       db_col_text(st, 1));
		json_object_set_new(cm, "task",
				    sqlite3_column_type(st, 2) == SQLITE_NULL
					    ? json_null()
					    : json_pack("{s:I, s:s, s:o}", "id",
							(json_int_t)sqlite3_column_int64(st, 2),
							"status", db_col_text(st, 3), "done_at",
							iso_or_null(st, 4)));
		json_array_append_new(comms, cm);
	}
	sqlite3_reset(st);
	json_object_set_new(o, "community_list", comms);
	json_t *tl = NULL;
	int rc = case_timeline(db, id, &tl);
	if (rc != RC_OK) {
		json_decref(o);
		return rc;
	}
	json_object_set_new(o, "timeline", tl);
	*out_new = o;
	return RC_OK;
}

/* Requests under the roots (?1), in one state or in review (?2), at a unit
 * the user ?3 belongs to, or filed by ?4. */
#define LIST_FROM                                                                          \
	" FROM json_each(?1) rt JOIN cases c ON c.kind = 'access'"                         \
	" AND c.code >= rt.value AND c.code < rt.value || ';'" REQUEST_JOINS                \
	" WHERE (?2 IS NULL OR c.state = ?2)"                                              \
	" AND (?3 = 0 OR c.unit_id IN (SELECT unit_id FROM handling_unit_members"          \
	"      WHERE user_id = ?3))"                                                       \
	" AND (?4 = 0 OR c.created_by = ?4)"

int access_requests_list(struct db *db, const struct access_filter *f, json_t **items_new,
			 int64_t *total)
{
	sqlite3_stmt *count = db_stmt(db, "SELECT count(DISTINCT c.id)" LIST_FROM);
	sqlite3_stmt *list = db_stmt(db, "SELECT DISTINCT" REQUEST_COLUMNS LIST_FROM
					 " ORDER BY c.id DESC LIMIT ?5 OFFSET ?6");
	if (count == NULL || list == NULL)
		return RC_INTERNAL;
	const char *state = f->state;
	if (state != NULL && strcmp(state, "open") == 0)
		state = "in_review";
	if (state != NULL && strcmp(state, "all") == 0)
		state = NULL;
	sqlite3_stmt *both[] = {count, list};
	for (int i = 0; i < 2; i++) {
		db_bind_text(both[i], 1, f->roots);
		db_bind_text(both[i], 2, f->review_user ? "in_review" : state);
		sqlite3_bind_int64(both[i], 3, f->review_user);
		sqlite3_bind_int64(both[i], 4, f->requester);
	}
	sqlite3_bind_int64(list, 5, f->limit);
	sqlite3_bind_int64(list, 6, f->offset);
	int src = sqlite3_step(count);
	*total = src == SQLITE_ROW ? sqlite3_column_int64(count, 0) : 0;
	sqlite3_reset(count);
	if (src != SQLITE_ROW)
		return db_rc(db, src);
	json_t *items = json_array();
	while ((src = sqlite3_step(list)) == SQLITE_ROW)
		json_array_append_new(items, request_row(list));
	sqlite3_reset(list);
	if (src != SQLITE_DONE) {
		json_decref(items);
		return db_rc(db, src);
	}
	*items_new = items;
	return RC_OK;
}
