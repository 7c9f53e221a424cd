/*
 * HTTP handlers of psychological assistance.  Every handler of one case
 * first asks cou_relation() how the caller stands to it: nobody -> 404,
 * exactly as for a case that does not exist (administrators, officers and
 * community workers alike); the requester -> the status only.  Audit
 * records carry ids and never the person's name, the concern or a note,
 * because auditors read the log.
 */
#include "counselling/api_counselling.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/users.h"
#include "core/calendar.h"
#include "core/clock.h"
#include "core/error.h"
#include "counselling/counselling.h"
#include "events/events.h"
#include "http/request.h"

static const char *const categories[] = {"emotional", "family", "stress", "bereavement",
					 "addiction", "other",  NULL};
static const char *const prefs[] = {"phone", "in_person", "online", NULL};
static const char *const views[] = {"mine", "waiting", "supervised", NULL};
static const char *const list_states[] = {"open", "closed", "all", NULL};
static const char *const outcomes[] = {"resolved", "referred", "withdrawn", NULL};

/* A telephone number as people write it: digits with spaces, '-', '+'. */
static const char *phone_check(const json_t *v)
{
	const char *s = json_string_value(v);
	int digits = 0;
	for (; s && *s; s++) {
		if (*s >= '0' && *s <= '9')
			digits++;
		else if (*s != ' ' && *s != '-' && *s != '+')
			return "a telephone number: digits, spaces, '-' and '+'";
	}
	return digits >= 5 && digits <= 20 ? NULL : "a telephone number has 5 to 20 digits";
}

/* clang-format off */
const struct field cou_request_body[] = {
	{"resident_id", FT_ID, 0, 0, 0, NULL, NULL, "staff asking for a resident in scope (needs registry.read); absent: for yourself"},
	{"category", FT_ENUM, FIELD_REQUIRED, 0, 0, categories, NULL, NULL},
	{"concern", FT_STRING, FIELD_REQUIRED, 1, 4000, NULL, NULL, "in the person's words; sealed at rest, seen by the counsellor and supervisor only"},
	{"contact_name", FT_STRING, 0, 1, 64, NULL, NULL, "how the person wishes to be addressed"},
	{"contact_phone", FT_STRING, FIELD_REQUIRED, 5, 32, NULL, phone_check, "where the counsellor calls"},
	{"contact_pref", FT_ENUM, 0, 0, 0, prefs, NULL, "default phone"},
	{"crisis", FT_BOOL, 0, 0, 0, NULL, NULL, "risk to life: every supervisor covering the area is alerted at once"},
	{0},
};
const struct field cou_cases_query[] = {
	{"view", FT_ENUM, 0, 0, 0, views, NULL, "mine (default: cases assigned to me), waiting or supervised (supervisors)"},
	{"state", FT_ENUM, 0, 0, 0, list_states, NULL, "open (default), closed or all"},
	PAGE_QUERY,
	{0},
};
const struct field cou_assign_body[] = {
	{"counsellor_id", FT_ID, FIELD_REQUIRED, 0, 0, NULL, NULL, "an account holding the counsellor role over the case's area"},
	{"reason", FT_STRING, 0, 1, 500, NULL, NULL, "sealed"},
	{0},
};
const struct field cou_reassign_body[] = {
	{"counsellor_id", FT_ID, FIELD_REQUIRED, 0, 0, NULL, NULL, "another counsellor over the case's area"},
	{"reason", FT_STRING, FIELD_REQUIRED, 1, 500, NULL, NULL, "why (sealed)"},
	{0},
};
const struct field cou_session_body[] = {
	{"held_on", FT_DATE, FIELD_REQUIRED, 0, 0, NULL, NULL, "YYYY-MM-DD, not in the future"},
	{"kind", FT_ENUM, FIELD_REQUIRED, 0, 0, prefs, NULL, NULL},
	{"minutes", FT_INT, 0, 1, 600, NULL, NULL, NULL},
	{"notes", FT_STRING, 0, 1, 8000, NULL, NULL, "sealed at rest"},
	{0},
};
const struct field cou_crisis_body[] = {{"reason", FT_STRING, 0, 1, 500, NULL, NULL, "sealed"}, {0}};
const struct field cou_reason_body[] = {{"reason", FT_STRING, FIELD_REQUIRED, 1, 500, NULL, NULL, "sealed"}, {0}};
const struct field cou_close_body[] = {
	{"outcome", FT_ENUM, FIELD_REQUIRED, 0, 0, outcomes, NULL, "resolved, referred (to a hospital or specialist) or withdrawn"},
	{"summary", FT_STRING, FIELD_REQUIRED, 1, 4000, NULL, NULL, "sealed at rest"},
	{0},
};
const struct field cou_empty_body[] = {{0}};
const struct field cou_alerts_query[] = {{"open", FT_BOOL, 0, 0, 0, NULL, NULL, "only those not acknowledged"}, {0}};
const struct field cou_stats_query[] = {
	{"org", FT_STRING, 0, 2, 12, NULL, NULL, "a node in scope (default: yours)"},
	{"from", FT_DATE, 0, 0, 0, NULL, NULL, "requested on or after (China Standard Time)"},
	{"to", FT_DATE, 0, 0, 0, NULL, NULL, "requested on or before"},
	{0},
};
/* clang-format on */

static const char *id_text(struct req *r, int64_t id)
{
	return arena_printf(&r->arena, "%lld", (long long)id);
}

/* The first root where p holds perm, or NULL. */
static const char *first_root(struct req *r, enum perm perm, char out[16])
{
	const char *roots = principal_roots(r->who, perm, &r->arena);
	json_t *arr = roots ? json_loads(roots, 0, NULL) : NULL;
	const char *code = json_string_value(json_array_get(arr, 0));
	const char *res = NULL;
	if (code != NULL && code[0] != '\0') {
		snprintf(out, 16, "%s", code);
		res = out;
	}
	json_decref(arr);
	return res;
}

/* The node of a registry record, for a request about a resident. */
static int resident_code(struct req *r, int64_t id, char out[16])
{
	sqlite3_stmt *st = db_stmt(r->db, "SELECT code FROM residents WHERE id = ?"
					  " AND status = 'active'");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	int rc = RC_NOT_FOUND;
	if (sqlite3_step(st) == SQLITE_ROW) {
		snprintf(out, 16, "%s", db_col_text(st, 0));
		rc = RC_OK;
	}
	sqlite3_reset(st);
	return rc;
}

/* ---- requests ---- */

int api_cou_request_create(struct req *r)
{
	struct cou_request in = {
		.resident_id = in_int(r, "resident_id", 0),
		.category = in_str(r, "category"),
		.concern = in_str(r, "concern"),
		.contact_name = in_str(r, "contact_name"),
		.contact_phone = in_str(r, "contact_phone"),
		.contact_pref = in_str(r, "contact_pref") ? in_str(r, "contact_pref") : "phone",
		.crisis = in_bool(r, "crisis", false),
	};
	char code[16];
	int64_t linked = users_resident_id(r->db, r->who->user_id);
	bool for_self = in.resident_id == 0 || in.resident_id == linked;
	if (in.resident_id != 0 && !for_self) {
		/* Staff asking for a resident: the record must be in their
		 * registry scope, and their request permission must cover it. */
		if (!principal_can(r->who, PERM_REGISTRY_READ))
			return req_fail(r, RC_VALIDATION_FAILED, "resident_id",
					"you can ask for help for yourself only");
		if (resident_code(r, in.resident_id, code) != RC_OK)
			return req_fail(r, RC_NOT_FOUND, "resident_id", "no such resident");
		int rc = req_scope(r, PERM_REGISTRY_READ, code);
		if (rc == RC_OK)
			rc = req_scope(r, PERM_COUNSEL_REQUEST, code);
		if (rc != RC_OK)
			return rc;
	} else if (linked != 0) {
		/* A linked account asks where its person lives. */
		in.resident_id = linked;
		if (resident_code(r, linked, code) != RC_OK &&
		    first_root(r, PERM_COUNSEL_REQUEST, code) == NULL)
			return req_fail(r, RC_FORBIDDEN, NULL, NULL);
	} else if (first_root(r, PERM_COUNSEL_REQUEST, code) == NULL) {
		return req_fail(r, RC_FORBIDDEN, NULL, NULL);
	}
	struct case_actor who = {r->who->user_id, r->who->username};
	int64_t id = 0;
	int alerted = 0;
	int rc = req_tx_begin(r);
	if (rc != RC_OK)
		return rc;
	rc = cou_create(r->db, &in, code, for_self, &who, &id, &alerted);
	if (rc == RC_OK)
		rc = req_audit(r, NULL, "counselling", id_text(r, id), 0, NULL);
	rc = req_tx_end(r, rc);
	if (rc != RC_OK)
		return rc;
	struct cou_case k;
	json_t *o;
	rc = cou_load(r->db, id, &k);
	if (rc == RC_OK)
		rc = cou_status_json(r->db, &k, &o);
	if (rc != RC_OK)
		return rc;
	/* Whether a supervisor was reached: with nobody posted the page says
	 * to call the hotline at once. */
	json_object_set_new(o, "supervisor_told", json_boolean(alerted > 0));
	return req_reply(r, 201, o);
}

int api_cou_requests_mine(struct req *r)
{
	json_t *items;
	int rc = cou_mine(r->db, r->who->user_id, &items);
	if (rc != RC_OK)
		return rc;
	return req_reply(r, 200, json_pack("{s:o}", "items", items));
}

/* ---- cases ---- */

int api_cou_cases_list(struct req *r)
{
	const char *view = q_str(r, "view") ? q_str(r, "view") : "mine";
	if (strcmp(view, "mine") != 0 && !principal_can(r->who, PERM_COUNSEL_SUPERVISE))
		return req_fail(r, RC_FORBIDDEN, "view", "only supervisors see this list");
	struct page pg = req_page(r);
	json_t *items;
	int64_t total;
	int rc = cou_list(r->db, r->who, view, q_str(r, "state"), pg.limit, pg.offset, &items,
			  &total);
	if (rc != RC_OK)
		return rc;
	/* The list shows how people wish to be addressed: a read of personal
	 * data, recorded with the case ids only. */
	if (json_array_size(items) > 0) {
		json_t *ids = json_array();
		size_t i;
		json_t *o;
		json_array_foreach(items, i, o) json_array_append(ids, json_object_get(o, "id"));
		req_audit_read(r, "counselling.list", "counselling", "", 0,
			       json_pack("{s:s, s:o}", "view", view, "ids", ids));
	}
	return req_reply(r, 200, page_json(items, total, pg));
}

/* Load the case of the path and the caller's relation to it; a case the
 * caller does not see is answered 404, as one that does not exist. */
static int visible(struct req *r, struct cou_case *k, enum cou_rel *rel)
{
	if (r->ids[0] == 0 || cou_load(r->db, r->ids[0], k) != RC_OK)
		return req_fail(r, RC_NOT_FOUND, NULL, NULL);
	*rel = cou_relation(r->db, r->who, k);
	if (*rel == COU_NONE)
		return req_fail(r, RC_NOT_FOUND, NULL, NULL);
	return RC_OK;
}

static int case_reply(struct req *r, const struct cou_case *k, enum cou_rel rel, int status)
{
	json_t *o;
	int rc = rel == COU_REQUESTER ? cou_status_json(r->db, k, &o)
				      : cou_case_json(r->db, k, rel, &o);
	return rc == RC_OK ? req_reply(r, status, o) : rc;
}

int api_cou_case_get(struct req *r)
{
	struct cou_case k;
	enum cou_rel rel;
	int rc = visible(r, &k, &rel);
	if (rc != RC_OK)
		return rc;
	req_audit_read(r, "counselling.read", "counselling", r->params[0], 0,
		       json_pack("{s:s}", "view", rel == COU_REQUESTER ? "status" : "case"));
	return case_reply(r, &k, rel, 200);
}

int api_cou_case_counsellors(struct req *r)
{
	struct cou_case k;
	enum cou_rel rel;
	int rc = visible(r, &k, &rel);
	if (rc != RC_OK)
		return rc;
	if (rel != COU_SUPERVISOR)
		return req_fail(r, RC_FORBIDDEN, NULL, "only the case's supervisor assigns");
	json_t *items;
	rc = cou_counsellors(r->db, &k, &items);
	if (rc != RC_OK)
		return rc;
	return req_reply(r, 200, json_pack("{s:o}", "items", items));
}

/* Who may take each action, beyond the engine's permission and state. */
static bool rel_may(const char *action, enum cou_rel rel, const struct cou_case *k, int64_t uid,
		    const char **why)
{
	if (strcmp(action, "assign") == 0 || strcmp(action, "reassign") == 0) {
		*why = "only the case's supervisor assigns counsellors";
		return rel == COU_SUPERVISOR;
	}
	if (strcmp(action, "sessions") == 0 || strcmp(action, "close") == 0) {
		*why = "only the assigned counsellor may do this";
		return rel == COU_COUNSELLOR;
	}
	if (strcmp(action, "withdraw") == 0) {
		*why = "only the requester may withdraw the request";
		return k->c.created_by == uid;
	}
	*why = "only the counsellor and the supervisor may do this";
	return rel == COU_COUNSELLOR || rel == COU_SUPERVISOR;
}

/* Checks of an action's inputs: NULL or the field at fault with *why. */
static const char *check_args(struct req *r, const char *action, const struct cou_case *k,
			      const char **why)
{
	if (strcmp(action, "assign") == 0 || strcmp(action, "reassign") == 0) {
		int64_t uid = in_int(r, "counsellor_id", 0);
		if (strcmp(action, "reassign") == 0 && uid == k->counsellor_id) {
			*why = "that counsellor has the case already";
			return "counsellor_id";
		}
		*why = cou_counsellor_ok(r->db, k, uid);
		return *why ? "counsellor_id" : NULL;
	}
	if (strcmp(action, "sessions") == 0) {
		char day[11];
		snprintf(day, sizeof(day), "%s", in_str(r, "held_on"));
		int32_t d = calendar_day_of(day);
		if (d == INT32_MIN || d > calendar_day_at(clock_now_ms())) {
			*why = "a session held today or before";
			return "held_on";
		}
		return NULL;
	}
	if (strcmp(action, "crisis") == 0 && k->crisis) {
		*why = "the crisis flag is raised already";
		return "crisis";
	}
	if (strcmp(action, "crisis_clear") == 0 && !k->crisis) {
		*why = "the crisis flag is not raised";
		return "crisis";
	}
	return NULL;
}

/* The work of each action after the engine's move. */
static int after_move(struct req *r, const char *action, struct cou_case *k, json_t *detail)
{
	int64_t me = r->who->user_id;
	if (strcmp(action, "assign") == 0 || strcmp(action, "reassign") == 0) {
		int64_t uid = in_int(r, "counsellor_id", 0);
		json_object_set_new(detail, "counsellor_id", json_integer(uid));
		if (k->counsellor_id)
			json_object_set_new(detail, "former_counsellor_id",
					    json_integer(k->counsellor_id));
		return cou_assign(r->db, k, uid, me, events_calendar());
	}
	if (strcmp(action, "sessions") == 0) {
		char day[11];
		snprintf(day, sizeof(day), "%s", in_str(r, "held_on"));
		struct cou_session s = {day, in_str(r, "kind"), in_str(r, "notes"),
					(int)in_int(r, "minutes", 0)};
		int64_t sid = 0;
		int rc = cou_add_session(r->db, k, &s, me, &sid);
		json_object_set_new(detail, "session_id", json_integer(sid));
		return rc;
	}
	if (strcmp(action, "crisis") == 0) {
		int n = 0;
		int rc = cou_raise_crisis(r->db, k, me, &n);
		json_object_set_new(detail, "supervisors_alerted", json_integer(n));
		return rc;
	}
	if (strcmp(action, "crisis_clear") == 0)
		return cou_clear_crisis(r->db, k);
	if (strcmp(action, "close") == 0) {
		int rc = cou_close(r->db, k, in_str(r, "outcome"), in_str(r, "summary"));
		if (rc == RC_OK && k->c.created_by != me)
			rc = case_notify(r->db, k->c.created_by, k->c.id, "status");
		if (rc == RC_OK && k->supervisor_id && k->supervisor_id != me)
			rc = case_notify(r->db, k->supervisor_id, k->c.id, "closed");
		return rc;
	}
	/* withdraw */
	int rc = cou_close(r->db, k, "withdrawn", NULL);
	if (rc == RC_OK)
		rc = case_notify(r->db, k->counsellor_id, k->c.id, "withdrawn");
	if (rc == RC_OK && k->supervisor_id)
		rc = case_notify(r->db, k->supervisor_id, k->c.id, "withdrawn");
	return rc;
}

int api_cou_case_action(struct req *r)
{
	const char *action = strrchr(r->route->path, '/') + 1;
	struct cou_case k;
	enum cou_rel rel;
	int rc = visible(r, &k, &rel);
	if (rc != RC_OK)
		return rc;
	const char *why;
	if (!rel_may(action, rel, &k, r->who->user_id, &why))
		return req_fail(r, RC_FORBIDDEN, NULL, "%s", why);
	const struct case_transition *t;
	rc = case_check(r->db, &counselling_kind, &k.c, action, r->who, &t, &why);
	if (rc != RC_OK)
		return req_fail(r, rc, rc == RC_INVALID_STATE ? "state" : NULL, "%s",
				why ? why : rc_info(rc)->message);
	const char *field = check_args(r, action, &k, &why);
	if (field != NULL)
		return req_fail(
			r, strcmp(field, "crisis") == 0 ? RC_INVALID_STATE : RC_VALIDATION_FAILED,
			field, "%s", why);
	struct case_actor who = {r->who->user_id, r->who->username};
	/* Reasons may speak of the person: the timeline keeps them sealed. */
	char *note = cou_seal_note(in_str(r, "reason"));
	json_t *detail = json_object();
	rc = req_tx_begin(r);
	if (rc == RC_OK) {
		rc = case_move(r->db, &counselling_kind, &k.c, t, 0, &who, note, NULL);
		if (rc == RC_OK)
			rc = after_move(r, action, &k, detail);
		if (rc == RC_OK)
			rc = req_audit(r, NULL, "counselling", r->params[0], 0,
				       json_incref(detail));
		rc = req_tx_end(r, rc);
	}
	free(note);
	json_decref(detail);
	if (rc != RC_OK)
		return rc;
	/* A withdrawn request leaves the requester with its status; the
	 * counsellor keeps seeing a case they closed. */
	if (cou_load(r->db, k.c.id, &k) != RC_OK)
		return RC_INTERNAL;
	rel = cou_relation(r->db, r->who, &k);
	if (rel == COU_NONE)
		return req_reply(
			r, 200,
			json_pack("{s:I, s:s}", "id", (json_int_t)k.c.id, "state", "closed"));
	return case_reply(r, &k, rel, 200);
}

/* ---- alerts ---- */

int api_cou_alerts_list(struct req *r)
{
	json_t *items;
	int rc = cou_alerts(r->db, r->who, json_is_true(json_object_get(r->query, "open")), &items);
	if (rc != RC_OK)
		return rc;
	return req_reply(r, 200, json_pack("{s:o}", "items", items));
}

int api_cou_alert_ack(struct req *r)
{
	int64_t case_id = 0;
	int rc = req_tx_begin(r);
	if (rc != RC_OK)
		return rc;
	rc = cou_alert_ack(r->db, r->ids[0], r->who->user_id, &case_id);
	if (rc == RC_NOT_FOUND)
		req_fail(r, rc, NULL, NULL);
	if (rc == RC_OK)
		rc = req_audit(r, NULL, "counselling", id_text(r, case_id), 0,
			       json_pack("{s:I}", "alert_id", (json_int_t)r->ids[0]));
	rc = req_tx_end(r, rc);
	if (rc != RC_OK)
		return rc;
	return req_reply(r, 204, NULL);
}

/* ---- statistics ---- */

/* The first instant of a civil date of China Standard Time. */
static int64_t day_start_ms(int32_t day)
{
	return (int64_t)day * 86400000 - 8 * 3600000;
}

int api_cou_stats(struct req *r)
{
	char org[16];
	const char *code = q_str(r, "org");
	if (code == NULL)
		code = first_root(r, PERM_COUNSEL_STATS, org);
	if (code == NULL)
		return req_fail(r, RC_VALIDATION_FAILED, "org", "name the node to count under");
	int rc = req_scope(r, PERM_COUNSEL_STATS, code);
	if (rc != RC_OK)
		return rc;
	char day[11];
	int64_t from = 0, to = INT64_MAX;
	if (q_str(r, "from")) {
		snprintf(day, sizeof(day), "%s", q_str(r, "from"));
		from = day_start_ms(calendar_day_of(day));
	}
	if (q_str(r, "to")) {
		snprintf(day, sizeof(day), "%s", q_str(r, "to"));
		to = day_start_ms(calendar_day_of(day) + 1);
	}
	if (from >= to)
		return req_fail(r, RC_VALIDATION_FAILED, "to", "the period ends before it starts");
	json_t *o;
	rc = cou_stats(r->db, code, from, to, &o);
	if (rc != RC_OK)
		return rc;
	return req_reply(r, 200, o);
}
