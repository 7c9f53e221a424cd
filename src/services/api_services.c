/*
 * HTTP handlers of refined services: the published catalogue, eligibility,
 * applications (one-window handling on the case engine), providers, time
 * slots and bookings.
 *
 * Who an application or a booking is for: a resident's own account is
 * linked to their registry record (users.resident_id) and acts for that
 * record only; staff name the resident, who must be in their registry scope.
 */
#include "services/api_services.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/users.h"
#include "core/clock.h"
#include "core/error.h"
#include "http/request.h"
#include "org/org.h"
#include "registry/people.h"
#include "services/services.h"

/* ---- declared inputs ---- */

const char *const service_scenarios[] = {"employment",   "elderly",  "disability",
					 "medical",      "logistics", "security",
					 "mediation",    "psychological", "government",
					 NULL};
static const char *const levels[] = {"community", "town", "county", NULL};
static const char *const outcomes[] = {"granted", "refused", NULL};
static const char *const provider_kinds[] = {"social_org", "company", "clinic",
					     "volunteer_team", NULL};
static const char *const application_state_names[] = {
	"submitted", "accepted", "rejected", "done", "evaluated", "withdrawn", NULL};

static const char *rules_ok(const json_t *v)
{
	const char *why = NULL;
	return service_rules_check(v, &why) ? why : NULL;
}

static const char *materials_ok(const json_t *v)
{
	if (json_array_size(v) > 20)
		return "at most 20 materials";
	size_t i;
	json_t *m;
	json_array_foreach(v, i, m)
	{
		const char *zh = json_string_value(json_object_get(m, "zh"));
		const char *en = json_string_value(json_object_get(m, "en"));
		if (!json_is_object(m) || zh == NULL || en == NULL || !*zh || !*en ||
		    strlen(zh) > 200 || strlen(en) > 200)
			return "each material is {\"zh\", \"en\"}, 1-200 characters each";
	}
	return NULL;
}

static const char *code_ok(const json_t *v)
{
	for (const char *s = json_string_value(v); *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '.' ||
		      *s == '_'))
			return "a-z, 0-9, '.' and '_'";
	return NULL;
}

#define ITEM_FIELDS(req)                                                                      \
	{"code", FT_STRING, req, 3, 48, NULL, code_ok, "stable code, e.g. elderly.meals"},    \
		{"scenario", FT_ENUM, req, 0, 0, service_scenarios, NULL, "convenience scenario"}, \
		{"name", FT_STRING, req, 1, 64, NULL, NULL, "name in Chinese"},               \
		{"name_en", FT_STRING, req, 1, 120, NULL, NULL, "name in English"},           \
		{"description", FT_STRING, 0, 0, 1000, NULL, NULL, NULL},                     \
		{"description_en", FT_STRING, 0, 0, 2000, NULL, NULL, NULL},                  \
		{"eligibility", FT_OBJECT, 0, 0, 0, NULL, rules_ok,                           \
		 "rules over registry facts, all of which must hold (docs/services.md)"},     \
		{"materials", FT_ARRAY, 0, 0, 20, NULL, materials_ok,                         \
		 "required materials, [{\"zh\",\"en\"}]"},                                    \
		{"legal_basis", FT_STRING, 0, 0, 300, NULL, NULL, NULL},                      \
		{"level", FT_ENUM, req, 0, 0, levels, NULL, "handling level"},                \
		{"limit_days", FT_INT, req, 1, 90, NULL, NULL, "time limit in working days"}, \
		{"online", FT_BOOL, 0, 0, 0, NULL, NULL, "may be applied for on line"},       \
		{"bookable", FT_BOOL, 0, 0, 0, NULL, NULL, "delivered by providers in time slots"}

const struct field service_item_body[] = {ITEM_FIELDS(FIELD_REQUIRED), {0}};
const struct field service_item_update_body[] = {
	ITEM_FIELDS(0),
	{"retired", FT_BOOL, 0, 0, 0, NULL, NULL, "a retired item takes no new applications"},
	{0},
};
const struct field service_item_query[] = {
	{"scenario", FT_ENUM, 0, 0, 0, service_scenarios, NULL, NULL},
	{"all", FT_BOOL, 0, 0, 0, NULL, NULL, "retired items too (catalogue editors)"},
	{0},
};
const struct field eligibility_query[] = {
	{"resident_id", FT_ID, 0, 0, 0, NULL, NULL, "staff: the resident; default: yourself"},
	{0},
};
const struct field application_body[] = {
	{"item_id", FT_ID, FIELD_REQUIRED, 0, 0, NULL, NULL, "catalogue item"},
	{"resident_id", FT_ID, 0, 0, 0, NULL, NULL,
	 "staff applying on a resident's behalf (一窗通办); default: yourself"},
	{"details", FT_STRING, 0, 0, 2000, NULL, NULL, "what is asked, in the applicant's words"},
	{0},
};
const struct field applications_query[] = {
	{"state", FT_ENUM, 0, 0, 0, application_state_names, NULL, NULL},
	{"item_id", FT_ID, 0, 0, 0, NULL, NULL, NULL},
	{"mine", FT_BOOL, 0, 0, 0, NULL, NULL, "only the applications I submitted or am the subject of"},
	PAGE_QUERY,
	{0},
};
const struct field application_reason_body[] = {
	{"reason", FT_STRING, FIELD_REQUIRED, 1, 1000, NULL, NULL, NULL},
	{0},
};
const struct field application_optional_body[] = {
	{"reason", FT_STRING, 0, 1, 1000, NULL, NULL, NULL},
	{0},
};
const struct field application_conclude_body[] = {
	{"outcome", FT_ENUM, FIELD_REQUIRED, 0, 0, outcomes, NULL, "granted or refused"},
	{"reason", FT_STRING, FIELD_REQUIRED, 1, 1000, NULL, NULL, "the result, told to the applicant"},
	{0},
};
const struct field application_evaluate_body[] = {
	{"rating", FT_INT, FIELD_REQUIRED, 1, 5, NULL, NULL, "1 (poor) to 5 (very satisfied)"},
	{"comment", FT_STRING, 0, 0, 500, NULL, NULL, NULL},
	{0},
};
const struct field material_query[] = {
	{"name", FT_STRING, FIELD_REQUIRED, 1, 100, NULL, NULL, "which material this is"},
	{0},
};

static const char *codes_ok(const json_t *v)
{
	size_t i;
	json_t *c;
	json_array_foreach(v, i, c)
	{
		const char *s = json_string_value(c);
		size_t n = s ? strlen(s) : 0;
		if (n != 6 && n != 9 && n != 12 && n != 15)
			return "node codes of 6, 9, 12 or 15 digits";
		for (size_t k = 0; k < n; k++)
			if (s[k] < '0' || s[k] > '9')
				return "node codes of 6, 9, 12 or 15 digits";
	}
	return NULL;
}

static const char *ids_ok(const json_t *v)
{
	size_t i;
	json_t *c;
	json_array_foreach(v, i, c) if (!json_is_integer(c) || json_integer_value(c) <= 0) return
		"item ids";
	return NULL;
}

const struct field provider_body[] = {
	{"name", FT_STRING, FIELD_REQUIRED, 1, 100, NULL, NULL, NULL},
	{"kind", FT_ENUM, FIELD_REQUIRED, 0, 0, provider_kinds, NULL, NULL},
	{"org_id", FT_ID, FIELD_REQUIRED, 0, 0, NULL, NULL, "node it is registered at, in scope"},
	{"contact", FT_STRING, 0, 0, 64, NULL, NULL, "contact person"},
	{"phone", FT_STRING, 0, 0, 32, NULL, NULL, "service phone"},
	{"items", FT_ARRAY, FIELD_REQUIRED, 1, 50, NULL, ids_ok, "ids of bookable items it delivers"},
	{"areas", FT_ARRAY, FIELD_REQUIRED, 1, 200, NULL, codes_ok,
	 "codes of the nodes it serves (subtrees), within your scope"},
	{0},
};
const struct field provider_update_body[] = {
	{"name", FT_STRING, 0, 1, 100, NULL, NULL, NULL},
	{"kind", FT_ENUM, 0, 0, 0, provider_kinds, NULL, NULL},
	{"contact", FT_STRING, 0, 0, 64, NULL, NULL, NULL},
	{"phone", FT_STRING, 0, 0, 32, NULL, NULL, NULL},
	{"items", FT_ARRAY, 0, 1, 50, NULL, ids_ok, NULL},
	{"areas", FT_ARRAY, 0, 1, 200, NULL, codes_ok, NULL},
	{"active", FT_BOOL, 0, 0, 0, NULL, NULL, "an inactive provider offers no slots"},
	{0},
};
const struct field providers_query[] = {
	{"item_id", FT_ID, 0, 0, 0, NULL, NULL, NULL},
	PAGE_QUERY,
	{0},
};
const struct field slot_body[] = {
	{"item_id", FT_ID, FIELD_REQUIRED, 0, 0, NULL, NULL, "an item the provider delivers"},
	{"starts_at", FT_DATE, FIELD_REQUIRED, 0, 0, NULL, NULL, "YYYY-MM-DDTHH:MM:SSZ"},
	{"ends_at", FT_DATE, FIELD_REQUIRED, 0, 0, NULL, NULL, NULL},
	{"capacity", FT_INT, FIELD_REQUIRED, 1, 1000, NULL, NULL, "places"},
	{"place", FT_STRING, 0, 0, 100, NULL, NULL, "where, or 'at home'"},
	{0},
};
const struct field slots_query[] = {
	{"item_id", FT_ID, FIELD_REQUIRED, 0, 0, NULL, NULL, NULL},
	{"resident_id", FT_ID, 0, 0, 0, NULL, NULL, "staff: for whom; default: yourself"},
	{0},
};
const struct field booking_body[] = {
	{"slot_id", FT_ID, FIELD_REQUIRED, 0, 0, NULL, NULL, NULL},
	{"resident_id", FT_ID, 0, 0, 0, NULL, NULL, "staff booking for a resident; default: yourself"},
	{0},
};
const struct field bookings_query[] = {
	{"resident_id", FT_ID, 0, 0, 0, NULL, NULL, "staff: a resident's bookings"},
	{0},
};
const struct field account_link_body[] = {
	{"username", FT_STRING, FIELD_REQUIRED, 1, 64, NULL, NULL,
	 "the resident's own account (holding the resident role)"},
	{0},
};

/* ---- helpers ---- */

static const char *id_text(struct req *r, int64_t id)
{
	return arena_printf(&r->arena, "%lld", (long long)id);
}

static struct case_actor actor_of(struct req *r)
{
	return (struct case_actor){r->who->user_id, r->who->username};
}

/* The resident a request is for: the one named (staff, with registry.read
 * and perm on the resident's grid) or the caller's own record.  On success
 * *id and code are set; otherwise a failure is recorded. */
static int subject(struct req *r, int64_t named, enum perm perm, int64_t *id, char code[16])
{
	int64_t own = users_resident_id(r->db, r->who->user_id);
	if (named == 0 || named == own) {
		if (own == 0)
			return req_fail(r, RC_VALIDATION_FAILED, "resident_id",
					"your account is not linked to a registry record: name "
					"the resident, or ask your community to link it");
		*id = own;
		if (resident_code(r->db, own, code) != RC_OK)
			return req_fail(r, RC_NOT_FOUND, NULL, NULL);
		return RC_OK;
	}
	if (resident_code(r->db, named, code) != RC_OK)
		return req_fail(r, RC_NOT_FOUND, "resident_id", "no such resident");
	/* Someone else's record: only staff who see it in the registry. */
	if (principal_scope(r->who, PERM_REGISTRY_READ, code, NULL) != RC_OK)
		return req_fail(r, RC_NOT_FOUND, "resident_id", "no such resident");
	int rc = req_scope(r, perm, code);
	if (rc != RC_OK)
		return rc;
	*id = named;
	return RC_OK;
}

/* ---- catalogue ---- */

int api_service_items_list(struct req *r)
{
	bool all = json_is_true(json_object_get(r->query, "all"));
	if (all && (r->who == NULL || !principal_can(r->who, PERM_SERVICE_CATALOG)))
		return req_fail(r, RC_FORBIDDEN, "all", "retired items are for catalogue editors");
	json_t *items;
	int rc = service_items_json(r->db, all, q_str(r, "scenario"), &items);
	if (rc != RC_OK)
		return rc;
	return req_reply(r, 200, json_pack("{s:o}", "items", items));
}

int api_service_items_get(struct req *r)
{
	json_t *o;
	int rc = service_item_json(r->db, r->ids[0], &o);
	if (rc == RC_NOT_FOUND)
		return req_fail(r, rc, NULL, NULL);
	return rc == RC_OK ? req_reply(r, 200, o) : rc;
}

static int item_saved(struct req *r, int status, int64_t id, int rc)
{
	if (rc == RC_CONFLICT)
		return req_fail(r, rc, "code", "an item with this code exists");
	if (rc == RC_NOT_FOUND)
		return req_fail(r, rc, NULL, NULL);
	if (rc == RC_OK)
		rc = req_audit(r, NULL, "service_item", id_text(r, id), 0, json_incref(r->in));
	rc = req_tx_end(r, rc);
	if (rc != RC_OK)
		return rc;
	json_t *o;
	rc = service_item_json(r->db, id, &o);
	return rc == RC_OK ? req_reply(r, status, o) : rc;
}

int api_service_items_create(struct req *r)
{
	int64_t id = 0;
	int rc = req_tx_begin(r);
	if (rc != RC_OK)
		return rc;
	return item_saved(r, 201, id, (rc = service_item_save(r->db, &id, r->in), rc));
}

int api_service_items_update(struct req *r)
{
	int64_t id = r->ids[0];
	int rc = req_tx_begin(r);
	if (rc != RC_OK)
		return rc;
	rc = service_item_save(r->db, &id, r->in);
	return item_saved(r, 200, id, rc);
}

int api_service_items_eligibility(struct req *r)
{
	struct service_item it;
	int rc = service_item_load(r->db, r->ids[0], &it);
	if (rc == RC_NOT_FOUND)
		return req_fail(r, rc, NULL, NULL);
	if (rc != RC_OK)
		return rc;
	int64_t rid;
	char code[16];
	rc = subject(r, q_int(r, "resident_id", 0), PERM_SERVICE_APPLY, &rid, code);
	json_t *rep = NULL;
	if (rc == RC_OK)
		rc = service_eligibility(r->db, it.eligibility, rid, &rep);
	service_item_free(&it);
	if (rc != RC_OK)
		return rc;
	return req_reply(r, 200, rep);
}

/* ---- applications ---- */

/* An application as the caller may read it: with the staff who acted for
 * those who handle services in its grid, without them for the applicant. */
static int application_reply(struct req *r, int status, int64_t id, const char *code)
{
	bool staff = principal_scope(r->who, PERM_SERVICE_HANDLE, code, NULL) == RC_OK;
	json_t *o;
	int rc = application_json(r->db, id, staff, &o);
	return rc == RC_OK ? req_reply(r, status, o) : rc;
}

int api_applications_create(struct req *r)
{
	struct service_item it;
	int rc = service_item_load(r->db, in_int(r, "item_id", 0), &it);
	if (rc == RC_NOT_FOUND || (rc == RC_OK && it.retired)) {
		if (rc == RC_OK)
			service_item_free(&it);
		return req_fail(r, RC_VALIDATION_FAILED, "item_id", "not an item of the catalogue");
	}
	if (rc != RC_OK)
		return rc;
	/* What troubles a person is told to a counsellor in confidence, never
	 * in an application that every service handler of the grid reads. */
	if (strcmp(it.scenario, "psychological") == 0) {
		service_item_free(&it);
		return req_fail(r, RC_VALIDATION_FAILED, "item_id",
				"psychological assistance is asked for in confidence through "
				"/api/v1/counselling/requests");
	}
	int64_t rid = 0;
	char code[16];
	rc = subject(r, in_int(r, "resident_id", 0), PERM_SERVICE_APPLY, &rid, code);
	bool own = rc == RC_OK && rid == users_resident_id(r->db, r->who->user_id);
	if (rc == RC_OK && own && !it.online)
		rc = req_fail(r, RC_VALIDATION_FAILED, "item_id",
			      "this item is applied for in person at the service window");
	json_t *rep = NULL;
	if (rc == RC_OK)
		rc = service_eligibility(r->db, it.eligibility, rid, &rep);
	if (rc == RC_OK && !json_is_true(json_object_get(rep, "eligible"))) {
		/* Name the rules that failed, so the applicant knows why. */
		char why[256] = "";
		size_t i, n = 0;
		json_t *c;
		json_array_foreach(json_object_get(rep, "checks"), i, c)
		{
			if (json_is_true(json_object_get(c, "ok")))
				continue;
			n += (size_t)snprintf(why + n, n < sizeof(why) ? sizeof(why) - n : 0,
					      "%s%s", n ? ", " : "",
					      json_string_value(json_object_get(c, "rule")));
			if (n >= sizeof(why))
				break;
		}
		rc = req_fail(r, RC_VALIDATION_FAILED, "eligibility",
			      "the resident does not meet: %s", why);
	}
	if (rc != RC_OK) {
		json_decref(rep);
		service_item_free(&it);
		return rc;
	}
	struct application_in in = {
		.item_id = it.id,
		.resident_id = rid,
		.channel = own ? "online" : "window",
		.details = in_str(r, "details"),
	};
	struct case_actor who = actor_of(r);
	int64_t id = 0;
	rc = req_tx_begin(r);
	if (rc == RC_OK) {
		rc = application_create(r->db, &in, rep, it.name, &who, &id);
		if (rc == RC_OK)
			rc = req_audit(r, NULL, "application", id_text(r, id), 0,
				       json_pack("{s:I, s:I, s:s, s:b}", "item_id",
						 (json_int_t)it.id, "resident_id", (json_int_t)rid,
						 "channel", in.channel, "eligible", 1));
		rc = req_tx_end(r, rc);
	}
	json_decref(rep);
	service_item_free(&it);
	if (rc != RC_OK)
		return rc;
	return application_reply(r, 201, id, code);
}

int api_applications_list(struct req *r)
{
	struct page pg = req_page(r);
	struct application_filter f = {
		.state = q_str(r, "state"),
		.item_id = q_int(r, "item_id", 0),
		.limit = pg.limit,
		.offset = pg.offset,
	};
	bool mine = json_is_true(json_object_get(r->query, "mine"));
	if (!mine && principal_can(r->who, PERM_SERVICE_HANDLE)) {
		f.roots = principal_roots(r->who, PERM_SERVICE_HANDLE, &r->arena);
	} else if (principal_can(r->who, PERM_SERVICE_APPLY)) {
		f.resident_id = users_resident_id(r->db, r->who->user_id);
		f.created_by = r->who->user_id;
	} else {
		return req_fail(r, RC_FORBIDDEN, NULL,
				"your role neither applies for nor handles services");
	}
	json_t *items;
	int64_t total;
	int rc = applications_list(r->db, &f, &items, &total);
	if (rc != RC_OK)
		return rc;
	return req_reply(r, 200, page_json(items, total, pg));
}

/* Who sees an application: staff who handle services in its grid, whoever
 * submitted it and the resident it is for.  Others get 404 (or 403 when
 * they see the grid through another permission, as for events). */
static int application_visible(struct req *r, int64_t id, struct case_row *c, bool *applicant)
{
	if (id == 0 || case_load(r->db, &application_kind, id, c) != RC_OK)
		return req_fail(r, RC_NOT_FOUND, NULL, NULL);
	int64_t own = users_resident_id(r->db, r->who->user_id);
	*applicant = c->created_by == r->who->user_id ||
		     (own != 0 && application_resident(r->db, id) == own);
	if (*applicant || principal_scope(r->who, PERM_SERVICE_HANDLE, c->code, NULL) == RC_OK)
		return RC_OK;
	return req_fail(r, RC_NOT_FOUND, NULL, NULL);
}

int api_applications_get(struct req *r)
{
	struct case_row c;
	bool applicant;
	int rc = application_visible(r, r->ids[0], &c, &applicant);
	if (rc != RC_OK)
		return rc;
	req_audit_read(r, "application.read", "application", r->params[0], 0, NULL);
	return application_reply(r, 200, c.id, c.code);
}

int api_applications_action(struct req *r)
{
	const char *action = strrchr(r->route->path, '/') + 1;
	struct case_row c;
	bool applicant;
	int rc = application_visible(r, r->ids[0], &c, &applicant);
	if (rc != RC_OK)
		return rc;
	const struct case_transition *t;
	const char *why;
	rc = case_check(r->db, &application_kind, &c, action, r->who, &t, &why);
	/* The applicant's own actions are theirs wherever they stand. */
	bool own_action = strcmp(action, "evaluate") == 0 || strcmp(action, "withdraw") == 0;
	if (own_action && applicant && (rc == RC_NOT_FOUND || rc == RC_FORBIDDEN) &&
	    principal_can(r->who, PERM_SERVICE_APPLY)) {
		for (size_t i = 0; i < application_kind.ntransitions; i++)
			if (strcmp(application_kind.transitions[i].action, action) == 0)
				t = &application_kind.transitions[i];
		rc = (t->from & (1u << c.state)) ? RC_OK : RC_INVALID_STATE;
		why = "the application is not in a state that allows this";
	}
	if ((rc == RC_OK || rc == RC_INVALID_STATE) && own_action && !applicant) {
		rc = RC_FORBIDDEN;
		why = "only the applicant may do this";
	}
	if (rc != RC_OK)
		return req_fail(r, rc, rc == RC_INVALID_STATE ? "state" : NULL, "%s",
				why ? why : rc_info(rc)->message);
	const char *note = in_str(r, "reason");
	if (note == NULL)
		note = in_str(r, "comment");
	if ((t->flags & CASE_REASON) && note == NULL)
		return req_fail(r, RC_VALIDATION_FAILED, "reason", "this action needs a reason");
	struct case_actor who = actor_of(r);
	rc = req_tx_begin(r);
	if (rc != RC_OK)
		return rc;
	json_t *detail = NULL;
	if (in_has(r, "outcome"))
		detail = json_pack("{s:O}", "outcome", in_json(r, "outcome"));
	else if (in_has(r, "rating"))
		detail = json_pack("{s:O}", "rating", in_json(r, "rating"));
	rc = case_move(r->db, &application_kind, &c, t, t->to, &who, note, detail);
	if (rc == RC_OK && strcmp(action, "accept") == 0)
		rc = case_assign(r->db, &c, 0, r->who->user_id, r->who->user_id);
	if (rc == RC_OK)
		rc = application_after_move(r->db, &c, action, r->in);
	/* The applicant hears of every decision on their application. */
	if (rc == RC_OK && !own_action && c.created_by && c.created_by != r->who->user_id)
		rc = case_notify(r->db, c.created_by, c.id, arena_printf(&r->arena, "application_%s", action));
	if (rc == RC_OK)
		rc = req_audit(r, NULL, "application", r->params[0], 0, json_incref(r->in));
	rc = req_tx_end(r, rc);
	if (rc != RC_OK)
		return rc;
	return application_reply(r, 200, c.id, c.code);
}

int api_applications_material_add(struct req *r)
{
	struct case_row c;
	bool applicant;
	int rc = application_visible(r, r->ids[0], &c, &applicant);
	if (rc != RC_OK)
		return rc;
	if (c.state != AP_SUBMITTED && c.state != AP_ACCEPTED)
		return req_fail(r, RC_INVALID_STATE, "state",
				"materials are added while the application is open");
	const char *type = service_material_type((const unsigned char *)r->body,
						 r->body ? r->body_len : 0);
	if (type == NULL)
		return req_fail(r, RC_UNSUPPORTED_MEDIA_TYPE, NULL,
				"send a PDF, JPEG or PNG file (recognised by its content)");
	int64_t id = 0;
	rc = req_tx_begin(r);
	if (rc != RC_OK)
		return rc;
	rc = application_material_add(r->db, c.id, q_str(r, "name"), type, r->body, r->body_len,
				      r->who->user_id, &id);
	if (rc == RC_CONFLICT)
		req_fail(r, rc, NULL, "an application keeps at most %d materials",
			 APPLICATION_MATERIALS_MAX);
	if (rc == RC_OK)
		rc = req_audit(r, NULL, "application", r->params[0], 0,
			       json_pack("{s:I, s:s, s:I}", "material_id", (json_int_t)id, "type",
					 type, "bytes", (json_int_t)r->body_len));
	rc = req_tx_end(r, rc);
	if (rc != RC_OK)
		return rc;
	return req_reply(r, 201,
			 json_pack("{s:I, s:s, s:s, s:I, s:s}", "id", (json_int_t)id, "name",
				   q_str(r, "name"), "type", type, "bytes", (json_int_t)r->body_len,
				   "url",
				   arena_printf(&r->arena, "/api/v1/applications/%s/materials/%lld",
						r->params[0], (long long)id)));
}

int api_applications_material_get(struct req *r)
{
	struct case_row c;
	bool applicant;
	int rc = application_visible(r, r->ids[0], &c, &applicant);
	if (rc != RC_OK)
		return rc;
	void *data;
	size_t len;
	char type[32], name[128];
	rc = application_material_get(r->db, c.id, r->ids[1], &data, &len, type, name);
	if (rc == RC_NOT_FOUND)
		return req_fail(r, rc, NULL, NULL);
	if (rc != RC_OK)
		return rc;
	req_audit_read(r, "application.material_read", "application", r->params[0], 0,
		       json_pack("{s:I}", "material_id", (json_int_t)r->ids[1]));
	req_add_header(r, "Cache-Control", "private, no-store");
	req_add_header(r, "Content-Disposition", "inline");
	return req_reply_raw(r, 200,
			     strcmp(type, "image/png") == 0    ? "image/png"
			     : strcmp(type, "image/jpeg") == 0 ? "image/jpeg"
							       : "application/pdf",
			     data, len, true);
}

/* ---- providers ---- */

/* Every area must lie within the caller's scope for provider.manage. */
static int areas_in_scope(struct req *r, const json_t *areas)
{
	size_t i;
	json_t *a;
	json_array_foreach(areas, i, a)
	{
		if (principal_scope(r->who, PERM_PROVIDER_MANAGE, json_string_value(a), NULL) !=
		    RC_OK)
			return req_fail(r, RC_VALIDATION_FAILED, "areas",
					"%s is not a node within your scope",
					json_string_value(a));
	}
	return RC_OK;
}

/* The items must exist and be bookable. */
static int items_bookable(struct req *r, const json_t *items)
{
	size_t i;
	json_t *v;
	json_array_foreach(items, i, v)
	{
		struct service_item it;
		int rc = service_item_load(r->db, json_integer_value(v), &it);
		if (rc != RC_OK)
			return req_fail(r, RC_VALIDATION_FAILED, "items", "no item %lld",
					(long long)json_integer_value(v));
		bool ok = it.bookable && !it.retired;
		service_item_free(&it);
		if (!ok)
			return req_fail(r, RC_VALIDATION_FAILED, "items",
					"item %lld is not delivered in time slots",
					(long long)json_integer_value(v));
	}
	return RC_OK;
}

int api_providers_list(struct req *r)
{
	struct page pg = req_page(r);
	json_t *items;
	int64_t total;
	int rc = providers_list(r->db, principal_roots(r->who, PERM_PROVIDER_MANAGE, &r->arena),
				q_int(r, "item_id", 0), pg.limit, pg.offset, &items, &total);
	if (rc != RC_OK)
		return rc;
	return req_reply(r, 200, page_json(items, total, pg));
}

static int provider_reply(struct req *r, int status, int64_t id)
{
	json_t *o;
	int rc = provider_json(r->db, id, &o);
	return rc == RC_OK ? req_reply(r, status, o) : rc;
}

int api_providers_create(struct req *r)
{
	struct org_node node;
	int rc = org_get(r->db, &r->arena, in_int(r, "org_id", 0), &node);
	if (rc == RC_NOT_FOUND)
		return req_fail(r, RC_VALIDATION_FAILED, "org_id", "no such node");
	if (rc != RC_OK)
		return rc;
	if ((rc = req_scope(r, PERM_PROVIDER_MANAGE, node.code)) != RC_OK)
		return rc;
	if ((rc = areas_in_scope(r, in_json(r, "areas"))) != RC_OK ||
	    (rc = items_bookable(r, in_json(r, "items"))) != RC_OK)
		return rc;
	struct provider_in in = {
		.name = in_str(r, "name"),
		.kind = in_str(r, "kind"),
		.contact = in_str(r, "contact"),
		.phone = in_str(r, "phone"),
		.code = node.code,
		.items = in_json(r, "items"),
		.areas = in_json(r, "areas"),
		.active = -1,
	};
	int64_t id = 0;
	rc = req_tx_begin(r);
	if (rc != RC_OK)
		return rc;
	rc = provider_save(r->db, &id, &in);
	if (rc == RC_OK)
		rc = req_audit(r, NULL, "provider", id_text(r, id), node.id, json_incref(r->in));
	rc = req_tx_end(r, rc);
	return rc == RC_OK ? provider_reply(r, 201, id) : rc;
}

/* A provider in the caller's provider.manage scope, else 404/403. */
static int provider_scope(struct req *r, int64_t id)
{
	char code[16];
	if (id == 0 || provider_code(r->db, id, code) != RC_OK)
		return req_fail(r, RC_NOT_FOUND, NULL, NULL);
	return req_scope(r, PERM_PROVIDER_MANAGE, code);
}

int api_providers_get(struct req *r)
{
	int rc = provider_scope(r, r->ids[0]);
	return rc == RC_OK ? provider_reply(r, 200, r->ids[0]) : rc;
}

int api_providers_update(struct req *r)
{
	int rc = provider_scope(r, r->ids[0]);
	if (rc != RC_OK)
		return rc;
	if (in_has(r, "areas") && (rc = areas_in_scope(r, in_json(r, "areas"))) != RC_OK)
		return rc;
	if (in_has(r, "items") && (rc = items_bookable(r, in_json(r, "items"))) != RC_OK)
		return rc;
	struct provider_in in = {
		.name = in_str(r, "name"),
		.kind = in_str(r, "kind"),
		.contact = in_str(r, "contact"),
		.phone = in_str(r, "phone"),
		.items = in_json(r, "items"),
		.areas = in_json(r, "areas"),
		.active = in_has(r, "active") ? in_bool(r, "active", true) : -1,
	};
	int64_t id = r->ids[0];
	rc = req_tx_begin(r);
	if (rc != RC_OK)
		return rc;
	rc = provider_save(r->db, &id, &in);
	if (rc == RC_OK)
		rc = req_audit(r, NULL, "provider", r->params[0], 0, json_incref(r->in));
	rc = req_tx_end(r, rc);
	return rc == RC_OK ? provider_reply(r, 200, id) : rc;
}

int api_providers_slots_list(struct req *r)
{
	int rc = provider_scope(r, r->ids[0]);
	if (rc != RC_OK)
		return rc;
	json_t *items;
	/* A provider's own list shows the last week too. */
	rc = slots_list(r->db, 0, r->ids[0], NULL, clock_now_ms() - 7LL * 86400000, 500, &items);
	if (rc != RC_OK)
		return rc;
	return req_reply(r, 200, json_pack("{s:o}", "items", items));
}

int api_providers_slots_create(struct req *r)
{
	int rc = provider_scope(r, r->ids[0]);
	if (rc != RC_OK)
		return rc;
	struct slot_in in = {
		.provider_id = r->ids[0],
		.item_id = in_int(r, "item_id", 0),
		.capacity = (int)in_int(r, "capacity", 1),
		.place = in_str(r, "place"),
	};
	int64_t from, to;
	if (clock_parse_iso(in_str(r, "starts_at"), &from) != 0 ||
	    clock_parse_iso(in_str(r, "ends_at"), &to) != 0)
		return req_fail(r, RC_VALIDATION_FAILED, "starts_at", "not a date and time");
	in.starts_at_ms = from * 1000;
	in.ends_at_ms = to * 1000;
	if (in.ends_at_ms <= in.starts_at_ms || in.ends_at_ms - in.starts_at_ms > 86400000)
		return req_fail(r, RC_VALIDATION_FAILED, "ends_at",
				"a slot ends after it starts, within a day");
	if (in.starts_at_ms <= clock_now_ms())
		return req_fail(r, RC_VALIDATION_FAILED, "starts_at", "a slot starts in the future");
	sqlite3_stmt *st = db_stmt(r->db, "SELECT 1 FROM provider_items WHERE provider_id = ?"
					  " AND item_id = ?");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, in.provider_id);
	sqlite3_bind_int64(st, 2, in.item_id);
	bool delivers = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_reset(st);
	if (!delivers)
		return req_fail(r, RC_VALIDATION_FAILED, "item_id",
				"the provider does not deliver this item");
	int64_t id = 0;
	rc = req_tx_begin(r);
	if (rc != RC_OK)
		return rc;
	rc = slot_create(r->db, &in, &id);
	if (rc == RC_OK)
		rc = req_audit(r, NULL, "service_slot", id_text(r, id), 0, json_incref(r->in));
	rc = req_tx_end(r, rc);
	if (rc != RC_OK)
		return rc;
	json_t *o;
	rc = slot_json(r->db, id, &o);
	return rc == RC_OK ? req_reply(r, 201, o) : rc;
}

/* Upcoming slots of an item whose providers serve the resident's area. */
int api_slots_list(struct req *r)
{
	int64_t rid;
	char code[16];
	int rc = subject(r, q_int(r, "resident_id", 0), PERM_SERVICE_APPLY, &rid, code);
	if (rc != RC_OK)
		return rc;
	json_t *items;
	rc = slots_list(r->db, q_int(r, "item_id", 0), 0, code, clock_now_ms(), 100, &items);
	if (rc != RC_OK)
		return rc;
	return req_reply(r, 200, json_pack("{s:o}", "items", items));
}

static int slot_scope(struct req *r, int64_t id)
{
	sqlite3_stmt *st = db_stmt(r->db, "SELECT provider_id FROM service_slots WHERE id = ?");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	int64_t provider = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	return provider_scope(r, provider);
}

int api_slots_bookings(struct req *r)
{
	int rc = slot_scope(r, r->ids[0]);
	if (rc != RC_OK)
		return rc;
	json_t *items;
	rc = bookings_list(r->db, 0, r->ids[0], &items);
	if (rc != RC_OK)
		return rc;
	req_audit_read(r, "slot.bookings_read", "service_slot", r->params[0], 0,
		       json_pack("{s:I}", "bookings", (json_int_t)json_array_size(items)));
	return req_reply(r, 200, json_pack("{s:o}", "items", items));
}

int api_slots_cancel(struct req *r)
{
	int rc = slot_scope(r, r->ids[0]);
	if (rc != RC_OK)
		return rc;
	/* The bookings of the slot are cancelled with it; residents see it in
	 * their bookings. */
	rc = req_tx_begin(r);
	if (rc != RC_OK)
		return rc;
	rc = slot_cancel(r->db, r->ids[0]);
	if (rc == RC_INVALID_STATE)
		req_fail(r, rc, "state", "the slot is already cancelled");
	if (rc == RC_OK)
		rc = req_audit(r, NULL, "service_slot", r->params[0], 0, NULL);
	rc = req_tx_end(r, rc);
	if (rc != RC_OK)
		return rc;
	json_t *o;
	rc = slot_json(r->db, r->ids[0], &o);
	return rc == RC_OK ? req_reply(r, 200, o) : rc;
}

/* ---- bookings ---- */

int api_bookings_create(struct req *r)
{
	int64_t slot = in_int(r, "slot_id", 0);
	json_t *s;
	int rc = slot_json(r->db, slot, &s);
	if (rc == RC_NOT_FOUND)
		return req_fail(r, RC_VALIDATION_FAILED, "slot_id", "no such time slot");
	if (rc != RC_OK)
		return rc;
	int64_t item = json_integer_value(json_object_get(json_object_get(s, "item"), "id"));
	json_decref(s);
	int64_t rid;
	char code[16];
	rc = subject(r, in_int(r, "resident_id", 0), PERM_SERVICE_APPLY, &rid, code);
	if (rc != RC_OK)
		return rc;
	struct service_item it;
	json_t *rep = NULL;
	rc = service_item_load(r->db, item, &it);
	if (rc == RC_OK) {
		rc = service_eligibility(r->db, it.eligibility, rid, &rep);
		service_item_free(&it);
	}
	if (rc != RC_OK)
		return rc;
	bool eligible = json_is_true(json_object_get(rep, "eligible"));
	json_decref(rep);
	if (!eligible)
		return req_fail(r, RC_VALIDATION_FAILED, "eligibility",
				"the resident does not meet the item's conditions");
	int64_t id = 0;
	const char *why = NULL;
	rc = req_tx_begin(r);
	if (rc != RC_OK)
		return rc;
	rc = booking_create(r->db, slot, rid, r->who->user_id, &id, &why);
	if (rc == RC_CONFLICT)
		req_fail(r, rc, "slot_id", "%s", why);
	else if (rc == RC_VALIDATION_FAILED)
		req_fail(r, rc, "slot_id", "%s", why);
	if (rc == RC_OK)
		rc = req_audit(r, NULL, "booking", id_text(r, id), 0,
			       json_pack("{s:I, s:I}", "slot_id", (json_int_t)slot, "resident_id",
					 (json_int_t)rid));
	rc = req_tx_end(r, rc);
	if (rc != RC_OK)
		return rc;
	json_t *o;
	rc = booking_json(r->db, id, &o);
	return rc == RC_OK ? req_reply(r, 201, o) : rc;
}

int api_bookings_list(struct req *r)
{
	int64_t rid;
	char code[16];
	int rc = subject(r, q_int(r, "resident_id", 0), PERM_SERVICE_APPLY, &rid, code);
	if (rc != RC_OK)
		return rc;
	json_t *items;
	rc = bookings_list(r->db, rid, 0, &items);
	if (rc != RC_OK)
		return rc;
	return req_reply(r, 200, json_pack("{s:o}", "items", items));
}

/* A booking may be changed by whoever made it, the resident it is for, staff
 * applying in the resident's grid and the provider's managers. */
static int booking_scope(struct req *r, struct booking_row *b, bool provider_side)
{
	if (r->ids[0] == 0 || booking_load(r->db, r->ids[0], b) != RC_OK)
		return req_fail(r, RC_NOT_FOUND, NULL, NULL);
	int64_t own = users_resident_id(r->db, r->who->user_id);
	bool staff = principal_scope(r->who, PERM_SERVICE_APPLY, b->code, NULL) == RC_OK &&
		     principal_scope(r->who, PERM_REGISTRY_READ, b->code, NULL) == RC_OK;
	if (!provider_side &&
	    (b->booked_by == r->who->user_id || (own && b->resident_id == own) || staff))
		return RC_OK;
	sqlite3_stmt *st = db_stmt(r->db, "SELECT p.code FROM service_slots s JOIN providers p"
					  " ON p.id = s.provider_id WHERE s.id = ?");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, b->slot_id);
	char code[16] = "";
	if (sqlite3_step(st) == SQLITE_ROW)
		snprintf(code, sizeof(code), "%s", sqlite3_column_text(st, 0));
	sqlite3_reset(st);
	if (principal_scope(r->who, PERM_PROVIDER_MANAGE, code, NULL) == RC_OK)
		return RC_OK;
	return req_fail(r, RC_NOT_FOUND, NULL, NULL);
}

static int booking_change(struct req *r, const char *status, bool provider_side)
{
	struct booking_row b;
	int rc = booking_scope(r, &b, provider_side);
	if (rc != RC_OK)
		return rc;
	if (strcmp(status, "cancelled") == 0 && b.starts_at_ms <= clock_now_ms() &&
	    strcmp(b.status, "booked") == 0)
		return req_fail(r, RC_INVALID_STATE, "state", "the time slot has begun");
	rc = req_tx_begin(r);
	if (rc != RC_OK)
		return rc;
	rc = booking_set_status(r->db, &b, status);
	if (rc == RC_INVALID_STATE)
		req_fail(r, rc, "state", "the booking is already %s", b.status);
	if (rc == RC_OK)
		rc = req_audit(r, NULL, "booking", r->params[0], 0, NULL);
	rc = req_tx_end(r, rc);
	if (rc != RC_OK)
		return rc;
	json_t *o;
	rc = booking_json(r->db, b.id, &o);
	return rc == RC_OK ? req_reply(r, 200, o) : rc;
}

int api_bookings_cancel(struct req *r)
{
	return booking_change(r, "cancelled", false);
}

int api_bookings_attend(struct req *r)
{
	return booking_change(r, "attended", true);
}

/* ---- accounts of residents ---- */

int api_residents_account_link(struct req *r)
{
	char code[16];
	if (r->ids[0] == 0 || resident_code(r->db, r->ids[0], code) != RC_OK)
		return req_fail(r, RC_NOT_FOUND, NULL, NULL);
	int rc = req_scope(r, PERM_REGISTRY_WRITE, code);
	if (rc != RC_OK)
		return rc;
	int64_t uid = users_id_by_name(r->db, in_str(r, "username"));
	if (uid == 0)
		return req_fail(r, RC_VALIDATION_FAILED, "username", "no such account");
	if (!users_holds_role_at(r->db, uid, ROLE_RESIDENT, code))
		return req_fail(r, RC_VALIDATION_FAILED, "username",
				"the account does not hold the resident role at the resident's "
				"grid or community");
	rc = req_tx_begin(r);
	if (rc != RC_OK)
		return rc;
	sqlite3_stmt *st = db_stmt(r->db, "UPDATE users SET resident_id = ? WHERE id = ?");
	if (st == NULL)
		rc = RC_INTERNAL;
	else {
		sqlite3_bind_int64(st, 1, r->ids[0]);
		sqlite3_bind_int64(st, 2, uid);
		int s = sqlite3_step(st);
		sqlite3_reset(st);
		rc = s == SQLITE_DONE		   ? RC_OK
		     : (s & 0xff) == SQLITE_CONSTRAINT ? req_fail(r, RC_CONFLICT, "username",
							 "another account is linked to this "
							 "resident")
					      : RC_INTERNAL;
	}
	if (rc == RC_OK)
		rc = req_audit(r, NULL, "resident", r->params[0], 0,
			       json_pack("{s:I}", "user_id", (json_int_t)uid));
	rc = req_tx_end(r, rc);
	if (rc != RC_OK)
		return rc;
	return req_reply(r, 200,
			 json_pack("{s:I, s:I, s:s}", "resident_id", (json_int_t)r->ids[0],
				   "user_id", (json_int_t)uid, "username", in_str(r, "username")));
}
