/*
 * The route table: every HTTP endpoint with its permission, declared inputs
 * and handler.  Generic code in http/server.c enforces the first three; the
 * OpenAPI document at /api/v1/openapi.json is generated from these rows.
 */
#include <stdint.h>

#include "access/api_access.h"
#include "auth/api_auth.h"
#include "counselling/api_counselling.h"
#include "duties/api_duties.h"
#include "events/api_events.h"
#include "http/api_system.h"
#include "http/route.h"
#include "mediation/api_mediation.h"
#include "open311/api_open311.h"
#include "org/api_org.h"
#include "registry/api_registry.h"
#include "services/api_services.h"

static const struct field login_body[] = {
	{"username", FT_STRING, FIELD_REQUIRED, 1, 64, NULL, NULL, "account name"},
	{"password", FT_STRING, FIELD_REQUIRED, 1, 1024, NULL, NULL, "password"},
	{0},
};

static const struct field me_password_body[] = {
	{"current_password", FT_STRING, FIELD_REQUIRED, 1, 1024, NULL, NULL, NULL},
	{"new_password", FT_STRING, FIELD_REQUIRED, 1, 1024, NULL, NULL, "10 to 128 characters"},
	{0},
};

static const struct field user_query[] = {
	{"q", FT_STRING, 0, 1, 64, NULL, NULL, "part of the username or display name"},
	PAGE_QUERY,
	{0},
};

static const struct field user_create_body[] = {
	{"username", FT_STRING, FIELD_REQUIRED, 3, 32, NULL, NULL,
	 "a-z, 0-9, '.', '_', '-'; starts with a letter"},
	{"display_name", FT_STRING, FIELD_REQUIRED, 1, 64, NULL, NULL, "name shown to colleagues"},
	{"password", FT_STRING, FIELD_REQUIRED, 1, 1024, NULL, NULL, "10 to 128 characters"},
	{0},
};

static const struct field user_update_body[] = {
	{"display_name", FT_STRING, 0, 1, 64, NULL, NULL, NULL},
	{"disabled", FT_BOOL, 0, 0, 0, NULL, NULL,
	 "a disabled account cannot sign in; its sessions end"},
	{0},
};

static const struct field user_password_body[] = {
	{"password", FT_STRING, FIELD_REQUIRED, 1, 1024, NULL, NULL, "10 to 128 characters"},
	{0},
};

static const struct field apikey_body[] = {
	{"name", FT_STRING, FIELD_REQUIRED, 1, 64, NULL, NULL,
	 "what the key is for, e.g. the client application"},
	{0},
};

static const char *const role_names[] = {
	"sysadmin",     "secadmin",         "auditor",     "county_officer", "department_officer",
	"town_officer", "community_worker", "grid_worker", "property_staff", "org_staff",
	"volunteer",    "resident",         NULL,
};

static const struct field grant_body[] = {
	{"role", FT_ENUM, FIELD_REQUIRED, 0, 0, role_names, NULL, "role from GET /api/v1/roles"},
	{"org_id", FT_ID, FIELD_NULLABLE, 0, 0, NULL, NULL,
	 "node the role is held at; omit for administrator roles"},
	{0},
};

static const char *const audit_results[] = {
	"ok",
	"invalid_credentials",
	"account_locked",
	"account_disabled",
	"rate_limited",
	"forbidden",
	"not_found",
	"validation_failed",
	"conflict",
	"csrf_failed",
	"invalid_json",
	"unsupported_media_type",
	"body_too_large",
	"unauthenticated",
	"internal_error",
	"unavailable",
	"invalid_state",
	"committee_composition",
	"certificate_banned",
	NULL,
};

static const struct field audit_query[] = {
	{"actor_id", FT_ID, 0, 0, 0, NULL, NULL, "account that acted"},
	{"actor", FT_STRING, 0, 1, 64, NULL, NULL,
	 "username that acted (cli:NAME for the command line)"},
	{"action", FT_STRING, 0, 1, 64, NULL, NULL,
	 "exact action, or a prefix ending in '.' (e.g. user.)"},
	{"object_type", FT_STRING, 0, 1, 32, NULL, NULL, NULL},
	{"object_id", FT_STRING, 0, 1, 64, NULL, NULL, NULL},
	{"result", FT_ENUM, 0, 0, 0, audit_results, NULL, NULL},
	{"from", FT_DATE, 0, 0, 0, NULL, NULL, "from this UTC date or time"},
	{"to", FT_DATE, 0, 0, 0, NULL, NULL, "up to this UTC date (inclusive) or time"},
	PAGE_QUERY,
	{0},
};

static const char *const level_choices[] = {
	"province", "city", "county", "town", "community", "grid", NULL,
};

static const struct field org_query[] = {
	{"q", FT_STRING, 0, 1, 64, NULL, NULL, "part of the name"},
	{"code", FT_STRING, 0, 2, 15, NULL, org_field_code, "exact division or grid code"},
	{"level", FT_ENUM, 0, 0, 0, level_choices, NULL, NULL},
	PAGE_QUERY,
	{0},
};

static const struct field page_query[] = {PAGE_QUERY, {0}};

static const char *const grid_level[] = {"grid", NULL};

static const struct field org_create_body[] = {
	{"parent_id", FT_ID, FIELD_REQUIRED, 0, 0, NULL, NULL, "the community or village"},
	{"name", FT_STRING, FIELD_REQUIRED, 1, 64, NULL, NULL, NULL},
	{"level", FT_ENUM, FIELD_REQUIRED, 0, 0, grid_level, NULL, "only grids are created here"},
	{"boundary", FT_OBJECT, FIELD_NULLABLE, 0, 0, NULL, NULL,
	 "GeoJSON Polygon or MultiPolygon"},
	{"supervision_phone", FT_STRING, 0, 0, 20, NULL, org_field_phone,
	 "public supervision phone"},
	{0},
};

static const struct field org_update_body[] = {
	{"name", FT_STRING, 0, 1, 64, NULL, NULL, "grids only"},
	{"supervision_phone", FT_STRING, 0, 0, 20, NULL, org_field_phone, "empty string clears it"},
	{0},
};

static const char *const area_types[] = {"Polygon", "MultiPolygon", NULL};

static const struct field boundary_body[] = {
	{"type", FT_ENUM, FIELD_REQUIRED, 0, 0, area_types, NULL, NULL},
	{"coordinates", FT_ARRAY, FIELD_REQUIRED, 1, 0, NULL, NULL,
	 "WGS-84 [longitude, latitude] rings"},
	{0},
};

static const struct field worker_body[] = {
	{"user_id", FT_ID, FIELD_REQUIRED, 0, 0, NULL, NULL,
	 "an account holding grid_worker at this grid"},
	{"phone", FT_STRING, FIELD_REQUIRED, 1, 20, NULL, org_field_phone,
	 "service phone posted publicly"},
	{0},
};


/* ---- registry ---- */

static const char *const id_types[] = {"citizen", "passport", "hk_macao", "taiwan", "foreign_permanent", "other", NULL};
static const char *const genders[] = {"male", "female", NULL};
static const char *const relations[] = {"self", "spouse", "child", "parent", "grandchild", "grandparent", "sibling", "child_in_law", "other", NULL};
static const char *const residence_types[] = {"registered", "permanent", "floating", NULL};
static const char *const employments[] = {"employed", "self_employed", "farmer", "unemployed", "retired", "student", "preschool", "other", NULL};
static const char *const statuses[] = {"active", "moved_out", "deceased", "any", NULL};
static const char *const house_uses[] = {"residential", "commercial", "mixed", "office", "industrial", "public", "other", NULL};
static const char *const ownerships[] = {"private", "public", "collective", "public_rental", "enterprise", "other", NULL};
static const char *const occupancies[] = {"owner_occupied", "rented", "vacant", NULL};
static const char *const unit_types[] = {"enterprise", "individual_business", "public_institution", "government", "social_organisation", "school", "medical", "other", NULL};
static const char *const tag_names[] = {"living_alone", "left_behind_child", "left_behind_elder", "veteran", "disabled", "subsistence", "extreme_hardship", "minor_in_difficulty", "severe_mental_disorder", "community_correction", "drug_rehabilitation", "released_prisoner", NULL};
static const char *const export_formats[] = {"csv", "xlsx", NULL};

#define ORG_SCOPE {"org_id", FT_ID, 0, 0, 0, NULL, NULL, "only within this node (in your scope)"}
#define EXPORT_FORMAT {"format", FT_ENUM, FIELD_REQUIRED, 0, 0, export_formats, NULL, NULL}

static const struct field buildings_query[] = {ORG_SCOPE, {"grid_id", FT_ID, 0, 0, 0, NULL, NULL, "only this grid"}, PAGE_QUERY, {0}};
static const struct field buildings_export_query[] = {ORG_SCOPE, {"grid_id", FT_ID, 0, 0, 0, NULL, NULL, "only this grid"}, EXPORT_FORMAT, {0}};

static const struct field building_body[] = {
	{"grid_id", FT_ID, FIELD_REQUIRED, 0, 0, NULL, NULL, "the grid it stands in"},
	{"street", FT_STRING, FIELD_REQUIRED, 1, 64, NULL, NULL, "street, lane or village group"},
	{"number", FT_STRING, FIELD_REQUIRED, 1, 32, NULL, NULL, "door plate number, e.g. 12号"},
	{"name", FT_STRING, 0, 0, 32, NULL, NULL, "building within the plate, e.g. 3幢"},
	{"lon", FT_NUMBER, FIELD_NULLABLE, 0, 0, NULL, registry_field_longitude, "WGS-84"},
	{"lat", FT_NUMBER, FIELD_NULLABLE, 0, 0, NULL, registry_field_latitude, "WGS-84"},
	{0},
};

static const struct field building_update_body[] = {
	{"street", FT_STRING, 0, 1, 64, NULL, NULL, NULL},
	{"number", FT_STRING, 0, 1, 32, NULL, NULL, NULL},
	{"name", FT_STRING, 0, 0, 32, NULL, NULL, NULL},
	{"lon", FT_NUMBER, FIELD_NULLABLE, 0, 0, NULL, registry_field_longitude, "WGS-84"},
	{"lat", FT_NUMBER, FIELD_NULLABLE, 0, 0, NULL, registry_field_latitude, "WGS-84"},
	{0},
};

static const struct field addresses_query[] = {ORG_SCOPE, {"building_id", FT_ID, 0, 0, 0, NULL, NULL, "only this building"}, PAGE_QUERY, {0}};
static const struct field addresses_export_query[] = {ORG_SCOPE, {"building_id", FT_ID, 0, 0, 0, NULL, NULL, "only this building"}, EXPORT_FORMAT, {0}};

static const struct field address_body[] = {
	{"building_id", FT_ID, 0, 0, 0, NULL, NULL, "an existing building; or give grid_id, street and number"},
	{"grid_id", FT_ID, 0, 0, 0, NULL, NULL, NULL},
	{"street", FT_STRING, 0, 1, 64, NULL, NULL, NULL},
	{"number", FT_STRING, 0, 1, 32, NULL, NULL, NULL},
	{"building", FT_STRING, 0, 0, 32, NULL, NULL, "e.g. 3幢"},
	{"unit", FT_STRING, 0, 0, 16, NULL, NULL, "e.g. 2单元"},
	{"room", FT_STRING, 0, 0, 16, NULL, NULL, "e.g. 301室"},
	{"lon", FT_NUMBER, FIELD_NULLABLE, 0, 0, NULL, registry_field_longitude, "WGS-84"},
	{"lat", FT_NUMBER, FIELD_NULLABLE, 0, 0, NULL, registry_field_latitude, "WGS-84"},
	{0},
};

static const struct field address_update_body[] = {
	{"unit", FT_STRING, 0, 0, 16, NULL, NULL, NULL},
	{"room", FT_STRING, 0, 0, 16, NULL, NULL, NULL},
	{0},
};

static const struct field houses_query[] = {ORG_SCOPE, {"occupancy", FT_ENUM, 0, 0, 0, occupancies, NULL, NULL}, PAGE_QUERY, {0}};
static const struct field houses_export_query[] = {ORG_SCOPE, {"occupancy", FT_ENUM, 0, 0, 0, occupancies, NULL, NULL}, EXPORT_FORMAT, {0}};

static const struct field house_body[] = {
	{"address_id", FT_ID, FIELD_REQUIRED, 0, 0, NULL, NULL, NULL},
	{"area", FT_NUMBER, FIELD_NULLABLE, 0, 0, NULL, registry_field_area, "m²"},
	{"use", FT_ENUM, FIELD_REQUIRED, 0, 0, house_uses, NULL, NULL},
	{"ownership", FT_ENUM, FIELD_REQUIRED, 0, 0, ownerships, NULL, NULL},
	{"occupancy", FT_ENUM, FIELD_REQUIRED, 0, 0, occupancies, NULL, NULL},
	{"owner_ids", FT_ARRAY, 0, 0, 20, NULL, NULL, "residents who own it"},
	{0},
};

static const struct field house_update_body[] = {
	{"area", FT_NUMBER, FIELD_NULLABLE, 0, 0, NULL, registry_field_area, "m²"},
	{"use", FT_ENUM, 0, 0, 0, house_uses, NULL, NULL},
	{"ownership", FT_ENUM, 0, 0, 0, ownerships, NULL, NULL},
	{"occupancy", FT_ENUM, 0, 0, 0, occupancies, NULL, NULL},
	{"owner_ids", FT_ARRAY, 0, 0, 20, NULL, NULL, NULL},
	{0},
};

static const struct field households_query[] = {ORG_SCOPE, {"address_id", FT_ID, 0, 0, 0, NULL, NULL, "only at this address"}, PAGE_QUERY, {0}};
static const struct field households_export_query[] = {ORG_SCOPE, {"address_id", FT_ID, 0, 0, 0, NULL, NULL, "only at this address"}, EXPORT_FORMAT, {0}};

static const struct field household_body[] = {
	{"address_id", FT_ID, FIELD_REQUIRED, 0, 0, NULL, NULL, NULL},
	{"number", FT_STRING, 0, 0, 32, NULL, NULL, "户号 of the registration booklet"},
	{0},
};

static const struct field household_update_body[] = {
	{"number", FT_STRING, 0, 0, 32, NULL, NULL, NULL},
	{"head_id", FT_ID, 0, 0, 0, NULL, NULL, "a member"},
	{0},
};

static const struct field visit_body[] = {
	{"visited_on", FT_DATE, FIELD_REQUIRED, 0, 0, NULL, NULL, "YYYY-MM-DD"},
	{"notes", FT_STRING, FIELD_REQUIRED, 1, 2000, NULL, NULL, "what was seen and said"},
	{"follow_up", FT_STRING, 0, 0, 500, NULL, NULL, "what must be done next"},
	{0},
};

static const struct field visits_query[] = {
	ORG_SCOPE,
	{"pending", FT_BOOL, 0, 0, 0, NULL, NULL, "only visits with an open follow-up"},
	PAGE_QUERY,
	{0},
};

static const struct field visit_update_body[] = {
	{"follow_up_done", FT_BOOL, 0, 0, 0, NULL, NULL, NULL},
	{"follow_up", FT_STRING, 0, 0, 500, NULL, NULL, NULL},
	{0},
};

#define RESIDENT_FIELDS(req)                                                                    \
	{"name", FT_STRING, req, 1, 64, NULL, NULL, NULL},                                          \
	{"gender", FT_ENUM, req, 0, 0, genders, NULL, NULL},                                        \
	{"birth_date", FT_DATE, req, 0, 0, NULL, NULL, "YYYY-MM-DD; must agree with a citizen number"}, \
	{"id_type", FT_ENUM, req, 0, 0, id_types, NULL, NULL},                                      \
	{"id_number", FT_STRING, req, 4, 32, NULL, NULL, "GB 11643 for citizens; stored encrypted"}, \
	{"phone", FT_STRING, 0, 0, 11, NULL, registry_field_mobile, "mainland mobile; stored encrypted; empty clears"}, \
	{"ethnicity", FT_STRING, 0, 0, 16, NULL, NULL, "one of the 56 ethnic groups, e.g. 汉族"},     \
	{"residence_type", FT_ENUM, req, 0, 0, residence_types, NULL, NULL},                        \
	{"employment", FT_ENUM, 0, 0, 0, employments, NULL, NULL},                                  \
	{"relation", FT_ENUM, 0, 0, 0, relations, NULL, "to the head of household"},                \
	{"moved_in_on", FT_DATE, 0, 0, 0, NULL, NULL, NULL},                                        \
	{"household_id", FT_ID, 0, 0, 0, NULL, NULL, "the household; or address_id"},              \
	{"address_id", FT_ID, 0, 0, 0, NULL, NULL, "where the resident lives without a household here"}

static const struct field resident_body[] = {
	RESIDENT_FIELDS(FIELD_REQUIRED),
	{"tags", FT_ARRAY, 0, 0, 12, NULL, NULL, "[{tag, attrs, since}]"},
	{0},
};

static const struct field resident_update_body[] = {RESIDENT_FIELDS(0), {0}};

static const struct field residents_query[] = {
	ORG_SCOPE,
	{"q", FT_STRING, 0, 1, 32, NULL, NULL, "part of the name (Chinese substrings match)"},
	{"id_number", FT_STRING, 0, 4, 32, NULL, NULL, "the full identity number"},
	{"phone", FT_STRING, 0, 11, 11, NULL, NULL, "the full mobile number"},
	{"tag", FT_ENUM, 0, 0, 0, tag_names, NULL, NULL},
	{"residence_type", FT_ENUM, 0, 0, 0, residence_types, NULL, NULL},
	{"status", FT_ENUM, 0, 0, 0, statuses, NULL, "default active"},
	{"age_min", FT_INT, 0, 0, 150, NULL, NULL, NULL},
	{"age_max", FT_INT, 0, 0, 150, NULL, NULL, NULL},
	{"household_id", FT_ID, 0, 0, 0, NULL, NULL, NULL},
	PAGE_QUERY,
	{0},
};

static const struct field export_query[] = {
	ORG_SCOPE,
	EXPORT_FORMAT,
	{"q", FT_STRING, 0, 1, 32, NULL, NULL, NULL},
	{"tag", FT_ENUM, 0, 0, 0, tag_names, NULL, NULL},
	{"residence_type", FT_ENUM, 0, 0, 0, residence_types, NULL, NULL},
	{"status", FT_ENUM, 0, 0, 0, statuses, NULL, NULL},
	{"age_min", FT_INT, 0, 0, 150, NULL, NULL, NULL},
	{"age_max", FT_INT, 0, 0, 150, NULL, NULL, NULL},
	{"unmask", FT_BOOL, 0, 0, 0, NULL, NULL, "clear numbers; needs registry.unmask and a reason"},
	{"reason", FT_STRING, 0, 5, 200, NULL, NULL, NULL},
	{0},
};

static const struct field unmask_body[] = {
	{"reason", FT_STRING, FIELD_REQUIRED, 5, 200, NULL, NULL, "why the clear numbers are needed (audited)"},
	{0},
};

static const struct field tag_body[] = {
	{"attrs", FT_OBJECT, 0, 0, 0, NULL, NULL, "disabled: {type, grade}"},
	{"since", FT_DATE, 0, 0, 0, NULL, NULL, NULL},
	{0},
};

static const struct field move_out_body[] = {
	{"on", FT_DATE, FIELD_REQUIRED, 0, 0, NULL, NULL, NULL},
	{"to", FT_STRING, 0, 0, 128, NULL, NULL, "where to"},
	{"reason", FT_STRING, 0, 0, 200, NULL, NULL, NULL},
	{0},
};

static const struct field move_in_body[] = {
	{"on", FT_DATE, FIELD_REQUIRED, 0, 0, NULL, NULL, NULL},
	{"household_id", FT_ID, 0, 0, 0, NULL, NULL, NULL},
	{"address_id", FT_ID, 0, 0, 0, NULL, NULL, NULL},
	{"from", FT_STRING, 0, 0, 128, NULL, NULL, "where from"},
	{"reason", FT_STRING, 0, 0, 200, NULL, NULL, NULL},
	{0},
};

static const struct field units_query[] = {ORG_SCOPE, {"type", FT_ENUM, 0, 0, 0, unit_types, NULL, NULL}, PAGE_QUERY, {0}};
static const struct field units_export_query[] = {ORG_SCOPE, {"type", FT_ENUM, 0, 0, 0, unit_types, NULL, NULL}, EXPORT_FORMAT, {0}};

#define UNIT_FIELDS(req)                                                                          \
	{"name", FT_STRING, req, 1, 100, NULL, NULL, NULL},                                           \
	{"credit_code", FT_STRING, 0, 0, 18, NULL, registry_field_credit_code, "GB 32100 unified social credit code"}, \
	{"type", FT_ENUM, req, 0, 0, unit_types, NULL, NULL},                                         \
	{"contact_name", FT_STRING, 0, 0, 32, NULL, NULL, NULL},                                      \
	{"phone", FT_STRING, 0, 0, 11, NULL, registry_field_mobile, "contact mobile; stored encrypted"}, \
	{"address_id", FT_ID, req, 0, 0, NULL, NULL, NULL}

static const struct field unit_body[] = {UNIT_FIELDS(FIELD_REQUIRED), {0}};
static const struct field unit_update_body[] = {UNIT_FIELDS(0), {0}};

static const struct field search_query[] = {
	ORG_SCOPE,
	{"q", FT_STRING, FIELD_REQUIRED, 1, 32, NULL, NULL, "part of a name or an address"},
	PAGE_QUERY,
	{0},
};

static const struct field stats_query[] = {ORG_SCOPE, {0}};

static const struct field import_query[] = {
	{"dry_run", FT_BOOL, 0, 0, 0, NULL, NULL, "check every row and change nothing"},
	{0},
};

#define GET "GET"
#define POST "POST"
#define PUT "PUT"
#define PATCH "PATCH"
#define DELETE "DELETE"

/* ---- grid events ---- */

static const char *const event_sources[] = {"patrol", "resident", "hotline", "instruction", "self", "open311", NULL};
static const char *const event_states[] = {"reported", "registered", "dispatched", "accepted", "handled", "closed", "cancelled", "parked", "merged", NULL};
static const char *const board_states[] = {"open", "all", "reported", "registered", "dispatched", "accepted", "handled", "closed", "cancelled", "parked", "merged", NULL};
static const char *const unit_kinds[] = {"department", "town", "community", "property", "other", NULL};

static const struct field event_body[] = {
	{"category", FT_STRING, FIELD_REQUIRED, 2, 16, NULL, NULL, "sub-category (小类) code"},
	{"source", FT_ENUM, 0, 0, 0, event_sources, NULL, "default: patrol for staff, resident for residents"},
	{"description", FT_STRING, FIELD_REQUIRED, 2, 2000, NULL, NULL, "what is wrong, where"},
	{"address_id", FT_ID, 0, 0, 0, NULL, NULL, "standard address; gives the grid"},
	{"lat", FT_NUMBER, 0, 0, 0, NULL, registry_field_latitude, "WGS-84; the grid is found by its boundary"},
	{"lon", FT_NUMBER, 0, 0, 0, NULL, registry_field_longitude, "WGS-84"},
	{"feedback", FT_STRING, 0, 1, 2000, NULL, NULL, "self-handled (source self): what was done"},
	{0},
};
static const struct field events_query[] = {
	{"org", FT_STRING, 0, 2, 15, NULL, NULL, "only within this node (code, in your scope)"},
	{"state", FT_ENUM, 0, 0, 0, board_states, NULL, "open (default: every state but closed, cancelled, merged), all, or one state"},
	{"category", FT_STRING, 0, 2, 16, NULL, NULL, "a category or sub-category code"},
	{"source", FT_ENUM, 0, 0, 0, event_sources, NULL, NULL},
	{"overdue", FT_BOOL, 0, 0, 0, NULL, NULL, "only overdue cases: the supervision list"},
	{"unit_id", FT_ID, 0, 0, 0, NULL, NULL, "only cases assigned to this unit"},
	{"level", FT_STRING, 0, 6, 9, NULL, NULL, "only cases owned by this command centre (a county code: escalated cases)"},
	PAGE_QUERY,
	{0},
};
static const struct field events_mine_query[] = {{"state", FT_ENUM, 0, 0, 0, event_states, NULL, NULL}, PAGE_QUERY, {0}};
static const struct field nearby_query[] = {
	{"category", FT_STRING, FIELD_REQUIRED, 2, 16, NULL, NULL, NULL},
	{"lat", FT_NUMBER, 0, 0, 0, NULL, registry_field_latitude, "a point, or"},
	{"lon", FT_NUMBER, 0, 0, 0, NULL, registry_field_longitude, NULL},
	{"address_id", FT_ID, 0, 0, 0, NULL, NULL, "a standard address (its building's position)"},
	{0},
};
static const struct field reason_body[] = {{"reason", FT_STRING, FIELD_REQUIRED, 1, 500, NULL, NULL, NULL}, {0}};
static const struct field optional_reason_body[] = {{"reason", FT_STRING, 0, 1, 500, NULL, NULL, NULL}, {0}};
static const struct field dispatch_body[] = {
	{"unit_id", FT_ID, 0, 0, 0, NULL, NULL, "handling unit (default: the category's)"},
	{"assignee_id", FT_ID, 0, 0, 0, NULL, NULL, "a member of the unit"},
	{"reason", FT_STRING, 0, 1, 500, NULL, NULL, "instructions to the handler"},
	{0},
};
static const struct field handle_body[] = {{"feedback", FT_STRING, FIELD_REQUIRED, 1, 2000, NULL, NULL, "what was done"}, {0}};
static const struct field verify_body[] = {
	{"passed", FT_BOOL, FIELD_REQUIRED, 0, 0, NULL, NULL, "false sends the case back for rework"},
	{"reason", FT_STRING, 0, 1, 500, NULL, NULL, "what was found on site"},
	{0},
};
static const struct field evaluate_body[] = {
	{"score", FT_INT, FIELD_REQUIRED, 1, 5, NULL, NULL, "1 (poor) to 5 (very satisfied)"},
	{"comment", FT_STRING, 0, 1, 500, NULL, NULL, NULL},
	{0},
};
static const struct field postpone_body[] = {
	{"days", FT_INT, 0, 1, 60, NULL, NULL, "more working days"},
	{"hours", FT_INT, 0, 1, 80, NULL, NULL, "or more working hours"},
	{"reason", FT_STRING, FIELD_REQUIRED, 1, 500, NULL, NULL, NULL},
	{0},
};
static const struct field decide_body[] = {
	{"approve", FT_BOOL, FIELD_REQUIRED, 0, 0, NULL, NULL, NULL},
	{"reason", FT_STRING, 0, 1, 500, NULL, NULL, NULL},
	{0},
};
static const struct field merge_body[] = {
	{"into", FT_ID, FIELD_REQUIRED, 0, 0, NULL, NULL, "the open event this one repeats"},
	{"reason", FT_STRING, 0, 1, 500, NULL, NULL, NULL},
	{0},
};
static const struct field unit_create_body[] = {
	{"name", FT_STRING, FIELD_REQUIRED, 1, 64, NULL, NULL, NULL},
	{"name_en", FT_STRING, 0, 0, 96, NULL, NULL, NULL},
	{"kind", FT_ENUM, FIELD_REQUIRED, 0, 0, unit_kinds, NULL, NULL},
	{"org_code", FT_STRING, FIELD_REQUIRED, 2, 15, NULL, NULL, "the node it belongs to (in your scope)"},
	{0},
};
static const struct field member_body[] = {
	{"user_id", FT_ID, 0, 0, 0, NULL, NULL, "the account, or"},
	{"username", FT_STRING, 0, 1, 64, NULL, NULL, "its username"},
	{0},
};
static const char *const metric_groups[] = {"area", "unit", "handler", "category", "source", "month", NULL};
static const char *const export_formats_ev[] = {"csv", "xlsx", NULL};
#define METRICS_QUERY \
	{"org", FT_STRING, 0, 2, 15, NULL, NULL, "the node reported on (default: your one board node)"}, \
	{"from", FT_DATE, 0, 0, 0, NULL, NULL, "first day, YYYY-MM-DD (default: the 1st of this month)"}, \
	{"to", FT_DATE, 0, 0, 0, NULL, NULL, "last day, included (default: today)"}, \
	{"by", FT_ENUM, 0, 0, 0, metric_groups, NULL, "grouping (default area: the child nodes)"}
static const struct field metrics_query[] = {METRICS_QUERY, {0}};
static const struct field metrics_export_query[] = {METRICS_QUERY, {"format", FT_ENUM, FIELD_REQUIRED, 0, 0, export_formats_ev, NULL, NULL}, {0}};
static const char *const category_kinds[] = {"part", "event", "social", NULL};
static const char *const limit_units[] = {"hours", "days", NULL};
#define CATEGORY_LIMITS \
	{"unit_id", FT_ID, FIELD_NULLABLE, 0, 0, NULL, NULL, "default handling unit (null: none)"}, \
	{"register_limit", FT_INT, 0, 1, 999, NULL, NULL, "time to register, in register_unit"}, \
	{"register_unit", FT_ENUM, 0, 0, 0, limit_units, NULL, NULL}, \
	{"dispatch_limit", FT_INT, 0, 1, 999, NULL, NULL, NULL}, \
	{"dispatch_unit", FT_ENUM, 0, 0, 0, limit_units, NULL, NULL}, \
	{"handle_limit", FT_INT, 0, 1, 999, NULL, NULL, NULL}, \
	{"handle_unit", FT_ENUM, 0, 0, 0, limit_units, NULL, NULL}, \
	{"open311", FT_BOOL, 0, 0, 0, NULL, NULL, "offered as an Open311 service (default: not for social items)"}
static const struct field category_body[] = {
	{"code", FT_STRING, FIELD_REQUIRED, 2, 4, NULL, NULL, "2 digits (大类) or 4 (小类)"},
	{"parent_code", FT_STRING, 0, 2, 2, NULL, NULL, "the 大类 of a 小类"},
	{"name", FT_STRING, FIELD_REQUIRED, 1, 64, NULL, NULL, NULL},
	{"name_en", FT_STRING, FIELD_REQUIRED, 1, 96, NULL, NULL, NULL},
	{"kind", FT_ENUM, FIELD_REQUIRED, 0, 0, category_kinds, NULL, "part, event or social"},
	CATEGORY_LIMITS,
	{0},
};
static const struct field category_update_body[] = {
	{"name", FT_STRING, 0, 1, 64, NULL, NULL, NULL},
	{"name_en", FT_STRING, 0, 1, 96, NULL, NULL, NULL},
	{"active", FT_BOOL, 0, 0, 0, NULL, NULL, "false retires it: no new reports"},
	CATEGORY_LIMITS,
	{0},
};
static const char *const photo_stages[] = {"report", "handle", "verify", NULL};
static const struct field photo_query[] = {{"stage", FT_ENUM, 0, 0, 0, photo_stages, NULL, "report (default), handle or verify"}, {0}};
static const struct field inbox_query[] = {{"unread", FT_BOOL, 0, 0, 0, NULL, NULL, NULL}, PAGE_QUERY, {0}};

/* ---- Open311 GeoReport v2 ---- */

#define JURISDICTION                                    \
	{"jurisdiction_id", FT_STRING, 0, 1, 15, NULL, NULL, \
	 "the county's division code (default: the only county served)"}
#define LOCALE {"locale", FT_STRING, 0, 2, 16, NULL, NULL, "en: names in English (default Chinese)"}

static const struct field open311_query[] = {JURISDICTION, LOCALE, {0}};
static const struct field open311_token_query[] = {JURISDICTION, {0}};
static const struct field open311_requests_query[] = {
	JURISDICTION,
	{"service_request_id", FT_STRING, 0, 1, 4000, NULL, NULL,
	 "comma-separated ids; when given, the other filters do not apply"},
	{"service_code", FT_STRING, 0, 1, 1000, NULL, NULL, "comma-separated service codes"},
	{"start_date", FT_STRING, 0, 1, 40, NULL, NULL,
	 "ISO 8601 date, or time with its zone, e.g. 2026-01-02T08:00:00+08:00"},
	{"end_date", FT_STRING, 0, 1, 40, NULL, NULL,
	 "ISO 8601; default now (or 90 days after start_date); at most 90 days after start_date"},
	{"status", FT_STRING, 0, 1, 20, NULL, NULL, "open, closed, or both comma-separated"},
	LOCALE,
	{0},
};
static const struct field open311_post_query[] = {
	{"api_key", FT_STRING, 0, 1, 64, NULL, NULL, "the API key (or in the body)"},
	JURISDICTION,
	LOCALE,
	{0},
};
#define NOT_KEPT "accepted and not kept"
static const struct field open311_request_body[] = {
	{"api_key", FT_STRING, 0, 1, 64, NULL, NULL, "issued by the system administrator (or in the query)"},
	JURISDICTION,
	{"service_code", FT_STRING, FIELD_REQUIRED, 1, 16, NULL, NULL, "from GET services"},
	{"lat", FT_NUMBER, 0, 0, 0, NULL, registry_field_latitude, "WGS-84; with long, finds the grid"},
	{"long", FT_NUMBER, 0, 0, 0, NULL, registry_field_longitude, "WGS-84"},
	{"address_string", FT_STRING, 0, 1, 250, NULL, NULL, "the place in words (public)"},
	{"address_id", FT_ID, 0, 0, 0, NULL, NULL, "a standard address of the county (finds the grid)"},
	{"email", FT_STRING, 0, 1, 254, NULL, NULL, NOT_KEPT},
	{"device_id", FT_STRING, 0, 1, 128, NULL, NULL, NOT_KEPT},
	{"account_id", FT_STRING, 0, 1, 128, NULL, NULL, NOT_KEPT},
	{"first_name", FT_STRING, 0, 1, 64, NULL, NULL, NOT_KEPT},
	{"last_name", FT_STRING, 0, 1, 64, NULL, NULL, NOT_KEPT},
	{"phone", FT_STRING, 0, 1, 32, NULL, NULL, NOT_KEPT},
	{"description", FT_STRING, 0, 1, 4000, NULL, NULL, "what is wrong, in the reporter's words (public)"},
	{"media_url", FT_STRING, 0, 1, 2000, NULL, open311_field_url, "a photo online, http(s) (public)"},
	{0},
};

/* Public, without sessions, errors as Open311's list. */
#define OPEN311 (ROUTE_PUBLIC | ROUTE_NO_SESSION | ROUTE_OWN_ERRORS)

#define EVENT_ACTION(name, perm, body, summary) \
	{POST, "/api/v1/events/{id}/" name, 0, perm, body, NULL, api_events_action, "event." name, "events", summary, "Event", 200, 0}

const struct route routes[] = {
	/* system */
	{GET, "/healthz", ROUTE_PUBLIC, PERM_NONE, NULL, NULL, api_healthz, NULL, "system",
	 "Liveness and database check", "Health", 200, 0},
	{GET, "/metrics", ROUTE_PUBLIC, PERM_NONE, NULL, NULL, api_metrics, NULL, "system",
	 "Prometheus metrics", "Metrics", 200, 0},
	{GET, "/api/v1/openapi.json", ROUTE_PUBLIC, PERM_NONE, NULL, NULL, api_openapi, NULL,
	 "system", "This API description (OpenAPI 3)", "OpenAPI", 200, 0},
	{GET, "/api/v1/roles", 0, PERM_NONE, NULL, NULL, api_roles, NULL, "accounts",
	 "The role catalogue with permissions and the levels each role is held at", "RoleList",
	 200, 0},

	/* sessions */
	{POST, "/api/v1/session", ROUTE_PUBLIC | ROUTE_NO_AUDIT, PERM_NONE, login_body, NULL,
	 api_session_create, "session.create", "accounts",
	 "Sign in; returns a bearer token and sets the session cookie", "Session", 200, 0},
	{DELETE, "/api/v1/session", 0, PERM_NONE, NULL, NULL, api_session_delete, "session.delete",
	 "accounts", "Sign out (ends the session on the server)", NULL, 204, 0},
	{GET, "/api/v1/me", 0, PERM_NONE, NULL, NULL, api_me, NULL, "accounts",
	 "The signed-in account with its roles and permissions", "Me", 200, 0},
	{POST, "/api/v1/me/password", 0, PERM_NONE, me_password_body, NULL, api_me_password,
	 "user.password.change", "accounts", "Change your own password; your other sessions end",
	 NULL, 204, 0},

	/* accounts */
	{GET, "/api/v1/users", 0, PERM_USER_READ, NULL, user_query, api_users_list, NULL,
	 "accounts", "List accounts", "UserPage", 200, 0},
	{POST, "/api/v1/users", 0, PERM_USER_MANAGE, user_create_body, NULL, api_users_create,
	 "user.create", "accounts", "Create an account", "User", 201, 0},
	{GET, "/api/v1/users/{id}", 0, PERM_USER_READ, NULL, NULL, api_users_get, NULL, "accounts",
	 "One account with its roles", "User", 200, 0},
	{PATCH, "/api/v1/users/{id}", 0, PERM_USER_MANAGE, user_update_body, NULL, api_users_update,
	 "user.update", "accounts", "Rename, disable or enable an account", "User", 200, 0},
	{POST, "/api/v1/users/{id}/password", 0, PERM_USER_MANAGE, user_password_body, NULL,
	 api_users_password, "user.password.reset", "accounts",
	 "Set a new password for an account; its sessions end", NULL, 204, 0},
	{POST, "/api/v1/users/{id}/unlock", 0, PERM_USER_MANAGE, NULL, NULL, api_users_unlock,
	 "user.unlock", "accounts", "Lift a sign-in lockout", NULL, 204, 0},
	{GET, "/api/v1/users/{id}/roles", 0, PERM_USER_READ, NULL, NULL, api_users_roles, NULL,
	 "accounts", "Roles held by an account", "GrantList", 200, 0},
	{POST, "/api/v1/users/{id}/roles", 0, PERM_ROLE_GRANT, grant_body, NULL, api_users_grant,
	 "role.grant", "accounts", "Grant a role at a node of the tree", "Grant", 201, 0},
	{DELETE, "/api/v1/users/{id}/roles/{grant_id}", 0, PERM_ROLE_GRANT, NULL, NULL,
	 api_users_revoke, "role.revoke", "accounts", "Revoke a role", NULL, 204, 0},

	/* API keys of machines */
	{GET, "/api/v1/api-keys", 0, PERM_SYSTEM, NULL, NULL, api_apikeys_list, NULL, "accounts",
	 "API keys of machines (Open311 clients), never the keys themselves", "ApiKeyList", 200,
	 0},
	{POST, "/api/v1/api-keys", 0, PERM_SYSTEM, apikey_body, NULL, api_apikeys_create,
	 "api_key.create", "accounts", "Issue an API key; the key is in this answer only",
	 "ApiKeyCreated", 201, 0},
	{DELETE, "/api/v1/api-keys/{id}", 0, PERM_SYSTEM, NULL, NULL, api_apikeys_revoke,
	 "api_key.revoke", "accounts", "Revoke an API key", NULL, 204, 0},

	/* audit */
	{GET, "/api/v1/audit", 0, PERM_AUDIT_READ, NULL, audit_query, api_audit_list, NULL, "audit",
	 "Audit records, newest first", "AuditPage", 200, 0},
	{GET, "/api/v1/audit/verify", 0, PERM_AUDIT_READ, NULL, NULL, api_audit_verify, NULL,
	 "audit", "Check the hash chain of the audit log", "AuditCheck", 200, 0},

	/* jurisdiction tree */
	{GET, "/api/v1/orgs", 0, PERM_ORG_READ, NULL, org_query, api_orgs_list, NULL, "orgs",
	 "Your starting nodes, or a search by name, code or level within your scope", "OrgPage",
	 200, 0},
	{POST, "/api/v1/orgs", 0, PERM_ORG_WRITE, org_create_body, NULL, api_orgs_create,
	 "org.create", "orgs", "Create a grid under a community with the next 15-digit code", "Org",
	 201, 0},
	{GET, "/api/v1/orgs/{id}", 0, PERM_ORG_READ, NULL, NULL, api_orgs_get, NULL, "orgs",
	 "One node with its ancestors (within your scope)", "OrgDetail", 200, 0},
	{PATCH, "/api/v1/orgs/{id}", 0, PERM_ORG_WRITE, org_update_body, NULL, api_orgs_update,
	 "org.update", "orgs", "Rename a grid or set a supervision phone", "Org", 200, 0},
	{GET, "/api/v1/orgs/{id}/children", 0, PERM_ORG_READ, NULL, page_query, api_orgs_children,
	 NULL, "orgs", "Children of a node", "OrgPage", 200, 0},
	{GET, "/api/v1/orgs/{id}/children/boundaries", 0, PERM_ORG_READ, NULL, NULL,
	 api_orgs_child_boundaries, NULL, "orgs",
	 "Boundaries of a node's children as a GeoJSON FeatureCollection", "FeatureCollection",
	 200, 0},
	{GET, "/api/v1/orgs/{id}/boundary", 0, PERM_ORG_READ, NULL, NULL, api_orgs_boundary_get,
	 NULL, "orgs", "A grid's boundary (GeoJSON geometry)", "Geometry", 200, 0},
	{PUT, "/api/v1/orgs/{id}/boundary", 0, PERM_ORG_WRITE, boundary_body, NULL,
	 api_orgs_boundary_put, "org.boundary", "orgs", "Replace a grid's boundary", "Geometry",
	 200, 0},
	{GET, "/api/v1/orgs/{id}/grid-workers", 0, PERM_ORG_READ, NULL, NULL, api_orgs_workers_list,
	 NULL, "orgs", "Grid workers posted on a grid", "GridWorkerList", 200, 0},
	{GET, "/api/v1/orgs/{id}/grid-worker-candidates", 0, PERM_GRID_ASSIGN, NULL, NULL,
	 api_orgs_worker_candidates, NULL, "orgs",
	 "Accounts holding the grid_worker role for a grid, who can be posted on it",
	 "CandidateList", 200, 0},
	{POST, "/api/v1/orgs/{id}/grid-workers", 0, PERM_GRID_ASSIGN, worker_body, NULL,
	 api_orgs_workers_add, "grid.assign", "orgs",
	 "Post a grid worker on a grid (or change their public phone)", "GridWorkerList", 201, 0},
	{DELETE, "/api/v1/orgs/{id}/grid-workers/{user_id}", 0, PERM_GRID_ASSIGN, NULL, NULL,
	 api_orgs_workers_remove, "grid.unassign", "orgs", "Withdraw a grid worker from a grid",
	 NULL, 204, 0},
	/* registry */
	{GET, "/api/v1/buildings", 0, PERM_REGISTRY_READ, NULL, buildings_query, api_buildings_list, NULL, "registry", "Buildings in scope", "Page", 200, 0},
	{GET, "/api/v1/buildings/export", 0, PERM_REGISTRY_EXPORT, NULL, buildings_export_query, api_buildings_export, "building.export", "registry", "Export the filtered list as CSV or XLSX (numbers masked)", NULL, 200, 0},
	{POST, "/api/v1/buildings", 0, PERM_REGISTRY_WRITE, building_body, NULL, api_buildings_create, "building.create", "registry", "Register a building (a door plate) in a grid", "Building", 201, 0},
	{GET, "/api/v1/buildings/{id}", 0, PERM_REGISTRY_READ, NULL, NULL, api_buildings_get, NULL, "registry", "A building with its addresses and households", "Building", 200, 0},
	{PATCH, "/api/v1/buildings/{id}", 0, PERM_REGISTRY_WRITE, building_update_body, NULL, api_buildings_update, "building.update", "registry", "Correct a building's plate or coordinates", "Building", 200, 0},
	{GET, "/api/v1/addresses", 0, PERM_REGISTRY_READ, NULL, addresses_query, api_addresses_list, NULL, "registry", "Standard addresses in scope", "Page", 200, 0},
	{GET, "/api/v1/addresses/export", 0, PERM_REGISTRY_EXPORT, NULL, addresses_export_query, api_addresses_export, "address.export", "registry", "Export the filtered list as CSV or XLSX (numbers masked)", NULL, 200, 0},
	{POST, "/api/v1/addresses", 0, PERM_REGISTRY_WRITE, address_body, NULL, api_addresses_create, "address.create", "registry", "Register a standard address", "Address", 201, 0},
	{GET, "/api/v1/addresses/{id}", 0, PERM_REGISTRY_READ, NULL, NULL, api_addresses_get, NULL, "registry", "An address with its households", "Address", 200, 0},
	{PATCH, "/api/v1/addresses/{id}", 0, PERM_REGISTRY_WRITE, address_update_body, NULL, api_addresses_update, "address.update", "registry", "Correct an address's unit or room", "Address", 200, 0},
	{GET, "/api/v1/houses", 0, PERM_REGISTRY_READ, NULL, houses_query, api_houses_list, NULL, "registry", "Houses in scope", "Page", 200, 0},
	{GET, "/api/v1/houses/export", 0, PERM_REGISTRY_EXPORT, NULL, houses_export_query, api_houses_export, "house.export", "registry", "Export the filtered list as CSV or XLSX (numbers masked)", NULL, 200, 0},
	{POST, "/api/v1/houses", 0, PERM_REGISTRY_WRITE, house_body, NULL, api_houses_create, "house.create", "registry", "Record the house at an address", "House", 201, 0},
	{GET, "/api/v1/houses/{id}", 0, PERM_REGISTRY_READ, NULL, NULL, api_houses_get, NULL, "registry", "A house with its owners", "House", 200, 0},
	{PATCH, "/api/v1/houses/{id}", 0, PERM_REGISTRY_WRITE, house_update_body, NULL, api_houses_update, "house.update", "registry", "Change a house's facts", "House", 200, 0},
	{GET, "/api/v1/households", 0, PERM_REGISTRY_READ, NULL, households_query, api_households_list, NULL, "registry", "Households in scope", "Page", 200, 0},
	{GET, "/api/v1/households/export", 0, PERM_REGISTRY_EXPORT, NULL, households_export_query, api_households_export, "household.export", "registry", "Export the filtered list as CSV or XLSX (numbers masked)", NULL, 200, 0},
	{POST, "/api/v1/households", 0, PERM_REGISTRY_WRITE, household_body, NULL, api_households_create, "household.create", "registry", "Register a household at an address", "Household", 201, 0},
	{GET, "/api/v1/households/{id}", 0, PERM_REGISTRY_READ, NULL, NULL, api_households_get, NULL, "registry", "A household card: address, house, members, visits", "Household", 200, 0},
	{PATCH, "/api/v1/households/{id}", 0, PERM_REGISTRY_WRITE, household_update_body, NULL, api_households_update, "household.update", "registry", "Change a household's number or head", "Household", 200, 0},
	{GET, "/api/v1/households/{id}/visits", 0, PERM_REGISTRY_READ, NULL, NULL, api_households_visits, NULL, "registry", "Visits to a household", "VisitList", 200, 0},
	{POST, "/api/v1/households/{id}/visits", 0, PERM_VISIT_WRITE, visit_body, NULL, api_households_visit_create, "visit.create", "registry", "Log a door-to-door visit", "Visit", 201, 0},
	{GET, "/api/v1/visits", 0, PERM_REGISTRY_READ, NULL, visits_query, api_visits_list, NULL, "registry", "Visits in scope, optionally only open follow-ups", "Page", 200, 0},
	{PATCH, "/api/v1/visits/{id}", 0, PERM_VISIT_WRITE, visit_update_body, NULL, api_visits_update, "visit.update", "registry", "Close or change a visit's follow-up", "Visit", 200, 0},
	{GET, "/api/v1/residents", 0, PERM_REGISTRY_READ, NULL, residents_query, api_residents_list, NULL, "registry", "Residents in scope, by name, number, tag, residence type, age", "ResidentPage", 200, 0},
	{POST, "/api/v1/residents", 0, PERM_REGISTRY_WRITE, resident_body, NULL, api_residents_create, "resident.create", "registry", "Register a resident", "Resident", 201, 0},
	{GET, "/api/v1/residents/export", 0, PERM_REGISTRY_EXPORT, NULL, export_query, api_residents_export, "resident.export", "registry", "Export a filtered list as CSV or XLSX (numbers masked unless unmask with a reason)", NULL, 200, 0},
	{GET, "/api/v1/residents/{id}", 0, PERM_REGISTRY_READ, NULL, NULL, api_residents_get, NULL, "registry", "A resident, numbers masked", "Resident", 200, 0},
	{PATCH, "/api/v1/residents/{id}", 0, PERM_REGISTRY_WRITE, resident_update_body, NULL, api_residents_update, "resident.update", "registry", "Correct a resident's facts (kept as a version)", "Resident", 200, 0},
	{POST, "/api/v1/residents/{id}/unmask", 0, PERM_REGISTRY_UNMASK, unmask_body, NULL, api_residents_unmask, "resident.unmask", "registry", "The clear identity and phone numbers, with a reason (audited)", "Unmasked", 200, 0},
	{PUT, "/api/v1/residents/{id}/tags/{tag}", 0, PERM_REGISTRY_WRITE, tag_body, NULL, api_residents_tag_put, "resident.tag", "registry", "Set a group tag", "Resident", 200, 0},
	{DELETE, "/api/v1/residents/{id}/tags/{tag}", 0, PERM_REGISTRY_WRITE, NULL, NULL, api_residents_tag_delete, "resident.untag", "registry", "Remove a group tag", NULL, 204, 0},
	{POST, "/api/v1/residents/{id}/move-out", 0, PERM_REGISTRY_WRITE, move_out_body, NULL, api_residents_move_out, "resident.move_out", "registry", "Record a move out", "Resident", 200, 0},
	{POST, "/api/v1/residents/{id}/move-in", 0, PERM_REGISTRY_WRITE, move_in_body, NULL, api_residents_move_in, "resident.move_in", "registry", "Record a move back in", "Resident", 200, 0},
	{GET, "/api/v1/residents/{id}/history", 0, PERM_REGISTRY_READ, NULL, NULL, api_residents_history, NULL, "registry", "Versions and moves of a resident", "History", 200, 0},
	{GET, "/api/v1/units", 0, PERM_REGISTRY_READ, NULL, units_query, api_units_list, NULL, "registry", "Units in scope", "Page", 200, 0},
	{GET, "/api/v1/units/export", 0, PERM_REGISTRY_EXPORT, NULL, units_export_query, api_units_export, "unit.export", "registry", "Export the filtered list as CSV or XLSX (numbers masked)", NULL, 200, 0},
	{POST, "/api/v1/units", 0, PERM_REGISTRY_WRITE, unit_body, NULL, api_units_create, "unit.create", "registry", "Register a unit", "Unit", 201, 0},
	{GET, "/api/v1/units/{id}", 0, PERM_REGISTRY_READ, NULL, NULL, api_units_get, NULL, "registry", "A unit", "Unit", 200, 0},
	{PATCH, "/api/v1/units/{id}", 0, PERM_REGISTRY_WRITE, unit_update_body, NULL, api_units_update, "unit.update", "registry", "Correct a unit", "Unit", 200, 0},
	{GET, "/api/v1/search", 0, PERM_REGISTRY_READ, NULL, search_query, api_search, NULL, "registry", "Search names and addresses (Chinese substrings) in scope", "Page", 200, 0},
	{GET, "/api/v1/registry/stats", 0, PERM_REGISTRY_READ, NULL, stats_query, api_registry_stats, NULL, "registry", "Population by child node: residence type, age band, tags", "RegistryStats", 200, 0},
	{GET, "/api/v1/registry/tags", 0, PERM_REGISTRY_READ, NULL, NULL, api_registry_tags, NULL, "registry", "The group tags you may see", "TagList", 200, 0},
	{POST, "/api/v1/imports/{kind}", ROUTE_RAW, PERM_REGISTRY_IMPORT, NULL, import_query, api_registry_import, "registry.import", "registry", "Import a CSV (text/csv body, up to 64 MiB): all rows or none; dry_run reports every bad row", "ImportReport", 200, 65536},
	{GET, "/api/v1/event-categories", 0, PERM_NONE, NULL, NULL, api_event_categories_list, NULL, "events", "Event categories (大类/小类) with stage time limits", "EventCategoryList", 200, 0},
	{POST, "/api/v1/event-categories", 0, PERM_EVENT_CATALOG, category_body, NULL, api_event_categories_create, "event_category.create", "events", "Add a category or sub-category", "EventCategory", 201, 0},
	{PATCH, "/api/v1/event-categories/{code}", 0, PERM_EVENT_CATALOG, category_update_body, NULL, api_event_categories_update, "event_category.update", "events", "Rename, set limits and default unit, retire", "EventCategory", 200, 0},
	{GET, "/api/v1/handling-units", 0, PERM_NONE, NULL, NULL, api_handling_units_list, NULL, "events", "Handling units: departments, communities, property companies", "HandlingUnitList", 200, 0},
	{POST, "/api/v1/handling-units", 0, PERM_EVENT_CATALOG, unit_create_body, NULL, api_handling_units_create, "handling_unit.create", "events", "Create a handling unit at a node in scope", "HandlingUnit", 201, 0},
	{GET, "/api/v1/handling-units/{id}/members", 0, PERM_EVENT_DISPATCH, NULL, NULL, api_handling_units_members_list, NULL, "events", "The members of a unit, to choose whom to dispatch to", "UnitMemberList", 200, 0},
	{POST, "/api/v1/handling-units/{id}/members", 0, PERM_EVENT_CATALOG, member_body, NULL, api_handling_units_members_add, "handling_unit.member_add", "events", "Add an account to a unit (by id or username)", "Membership", 200, 0},
	{DELETE, "/api/v1/handling-units/{id}/members/{user_id}", 0, PERM_EVENT_CATALOG, NULL, NULL, api_handling_units_members_remove, "handling_unit.member_remove", "events", "Take an account out of a unit", NULL, 204, 0},
	{POST, "/api/v1/events", 0, PERM_EVENT_REPORT, event_body, NULL, api_events_create, "event.report", "events", "Report an event (self-handled reports close at once)", "Event", 201, 0},
	{GET, "/api/v1/events", 0, PERM_EVENT_READ, NULL, events_query, api_events_list, NULL, "events", "The board: events in scope, filtered, newest first", "Page", 200, 0},
	{GET, "/api/v1/events/mine", 0, PERM_EVENT_REPORT, NULL, events_mine_query, api_events_mine, NULL, "events", "My reports", "Page", 200, 0},
	{GET, "/api/v1/events/nearby", 0, PERM_EVENT_REPORT, NULL, nearby_query, api_events_nearby, NULL, "events", "Possible duplicates: open events of the category within 100 m and 7 days", "NearbyList", 200, 0},
	{GET, "/api/v1/events/metrics", 0, PERM_EVENT_READ, NULL, metrics_query, api_events_metrics, NULL, "events", "Closure, on-time and other rates of a period, by area, unit, handler, category, source or month", "EventMetrics", 200, 0},
	{GET, "/api/v1/events/metrics/export", 0, PERM_EVENT_READ, NULL, metrics_export_query, api_events_metrics_export, "event.metrics_export", "events", "The same metrics as CSV or XLSX", NULL, 200, 0},
	{GET, "/api/v1/events/{id}", 0, PERM_NONE, NULL, NULL, api_events_get, NULL, "events", "An event with its timeline (staff, the reporter, the unit's members)", "Event", 200, 0},
	{POST, "/api/v1/events/{id}/photos", ROUTE_RAW, PERM_NONE, NULL, photo_query, api_events_photo_add, "event.photo_add", "events", "Add a photo (the body: a JPEG or PNG image up to 5 MiB)", "EventPhoto", 201, 5200},
	{GET, "/api/v1/events/{id}/photos/{photo}", ROUTE_RAW, PERM_NONE, NULL, NULL, api_events_photo_get, NULL, "events", "A photo, as image/jpeg or image/png", NULL, 200, 0},
	EVENT_ACTION("register", PERM_EVENT_DISPATCH, optional_reason_body, "Register (立案) a reported event"),
	EVENT_ACTION("cancel", PERM_EVENT_DISPATCH, reason_body, "Cancel a report, with the reason"),
	EVENT_ACTION("dispatch", PERM_EVENT_DISPATCH, dispatch_body, "Dispatch to a handling unit and person"),
	EVENT_ACTION("accept", PERM_EVENT_HANDLE, optional_reason_body, "Accept a dispatched event (unit members)"),
	EVENT_ACTION("return", PERM_EVENT_HANDLE, reason_body, "Return an event outside the unit's remit (退回)"),
	EVENT_ACTION("handle", PERM_EVENT_HANDLE, handle_body, "Report what was done"),
	EVENT_ACTION("verify", PERM_EVENT_VERIFY, verify_body, "Verify on site: passed closes, failed sends back for rework"),
	EVENT_ACTION("evaluate", PERM_EVENT_REPORT, evaluate_body, "The reporter's evaluation (1-5)"),
	EVENT_ACTION("postpone", PERM_EVENT_HANDLE, postpone_body, "Ask for more time (延期)"),
	EVENT_ACTION("decide_postponement", PERM_EVENT_DISPATCH, decide_body, "Approve or refuse a postponement"),
	EVENT_ACTION("escalate", PERM_EVENT_DISPATCH, reason_body, "Escalate to the level above (分级上报)"),
	EVENT_ACTION("park", PERM_EVENT_DISPATCH, reason_body, "Park a long case with the reason (挂账)"),
	EVENT_ACTION("resume", PERM_EVENT_DISPATCH, optional_reason_body, "Take a parked case up again"),
	EVENT_ACTION("merge", PERM_EVENT_DISPATCH, merge_body, "Merge a duplicate into another open event"),
	EVENT_ACTION("reopen", PERM_EVENT_DISPATCH, reason_body, "Reopen a closed event within the reopening period"),
	{GET, "/api/v1/inbox", 0, PERM_NONE, NULL, inbox_query, api_inbox_list, NULL, "events", "My notices: assignments, returns, warnings, overdue, status of my reports", "Page", 200, 0},
	{POST, "/api/v1/inbox/{id}/read", 0, PERM_NONE, NULL, NULL, api_inbox_read, "inbox.read", "events", "Mark a notice read", NULL, 204, 0},

	/* services: catalogue, applications, providers and bookings, needs */
	{GET, "/api/v1/service-items", ROUTE_PUBLIC, PERM_NONE, NULL, service_item_query, api_service_items_list, NULL, "services", "The published service catalogue, by convenience scenario (no sign-in needed)", "ServiceItemList", 200, 0},
	{POST, "/api/v1/service-items", 0, PERM_SERVICE_CATALOG, service_item_body, NULL, api_service_items_create, "service_item.create", "services", "Add a catalogue item", "ServiceItem", 201, 0},
	{GET, "/api/v1/service-items/{id}", ROUTE_PUBLIC, PERM_NONE, NULL, NULL, api_service_items_get, NULL, "services", "One catalogue item: eligibility, materials, legal basis, level, time limit", "ServiceItem", 200, 0},
	{PATCH, "/api/v1/service-items/{id}", 0, PERM_SERVICE_CATALOG, service_item_update_body, NULL, api_service_items_update, "service_item.update", "services", "Change or retire a catalogue item", "ServiceItem", 200, 0},
	{GET, "/api/v1/service-items/{id}/eligibility", 0, PERM_SERVICE_APPLY, NULL, eligibility_query, api_service_items_eligibility, NULL, "services", "Check a resident (or yourself) against an item's conditions", "Eligibility", 200, 0},
	{POST, "/api/v1/applications", 0, PERM_SERVICE_APPLY, application_body, NULL, api_applications_create, "application.submit", "services", "Apply for a service, for yourself or at the window for a resident; eligibility is checked against the registry", "Application", 201, 0},
	{GET, "/api/v1/applications", 0, PERM_NONE, NULL, applications_query, api_applications_list, NULL, "services", "Applications in scope (handlers) or your own (applicants), newest first", "Page", 200, 0},
	{GET, "/api/v1/applications/{id}", 0, PERM_NONE, NULL, NULL, api_applications_get, NULL, "services", "An application with its eligibility check, materials and timeline", "Application", 200, 0},
	APPLICATION_ACTION("accept", PERM_SERVICE_HANDLE, application_optional_body, "Accept (受理) a submitted application; the time limit starts"),
	APPLICATION_ACTION("reject", PERM_SERVICE_HANDLE, application_reason_body, "Reject an application, with the reason"),
	APPLICATION_ACTION("conclude", PERM_SERVICE_HANDLE, application_conclude_body, "Give the result: granted or refused, with what was done"),
	APPLICATION_ACTION("evaluate", PERM_SERVICE_APPLY, application_evaluate_body, "The applicant's evaluation (1-5)"),
	APPLICATION_ACTION("withdraw", PERM_SERVICE_APPLY, application_optional_body, "The applicant withdraws an open application"),
	{POST, "/api/v1/applications/{id}/materials", ROUTE_RAW, PERM_NONE, NULL, material_query, api_applications_material_add, "application.material_add", "services", "Add a material (the body: a PDF, JPEG or PNG file up to 5 MiB)", "ApplicationMaterial", 201, 5200},
	{GET, "/api/v1/applications/{id}/materials/{material}", ROUTE_RAW, PERM_NONE, NULL, NULL, api_applications_material_get, NULL, "services", "A material, as application/pdf, image/jpeg or image/png", NULL, 200, 0},
	{GET, "/api/v1/providers", 0, PERM_PROVIDER_MANAGE, NULL, providers_query, api_providers_list, NULL, "services", "Providers registered in scope", "Page", 200, 0},
	{POST, "/api/v1/providers", 0, PERM_PROVIDER_MANAGE, provider_body, NULL, api_providers_create, "provider.create", "services", "Register a provider with its items and the areas it serves", "Provider", 201, 0},
	{GET, "/api/v1/providers/{id}", 0, PERM_PROVIDER_MANAGE, NULL, NULL, api_providers_get, NULL, "services", "A provider", "Provider", 200, 0},
	{PATCH, "/api/v1/providers/{id}", 0, PERM_PROVIDER_MANAGE, provider_update_body, NULL, api_providers_update, "provider.update", "services", "Change a provider, its items or areas; deactivate it", "Provider", 200, 0},
	{GET, "/api/v1/providers/{id}/slots", 0, PERM_PROVIDER_MANAGE, NULL, NULL, api_providers_slots_list, NULL, "services", "A provider's time slots from a week ago on", "SlotList", 200, 0},
	{POST, "/api/v1/providers/{id}/slots", 0, PERM_PROVIDER_MANAGE, slot_body, NULL, api_providers_slots_create, "slot.create", "services", "Open a time slot with a capacity", "Slot", 201, 0},
	{GET, "/api/v1/slots", 0, PERM_SERVICE_APPLY, NULL, slots_query, api_slots_list, NULL, "services", "Upcoming slots of an item from providers serving the resident's area", "SlotList", 200, 0},
	{GET, "/api/v1/slots/{id}/bookings", 0, PERM_PROVIDER_MANAGE, NULL, NULL, api_slots_bookings, NULL, "services", "Who booked a slot (audited)", "BookingList", 200, 0},
	{POST, "/api/v1/slots/{id}/cancel", 0, PERM_PROVIDER_MANAGE, NULL, NULL, api_slots_cancel, "slot.cancel", "services", "Cancel a slot and its bookings", "Slot", 200, 0},
	{POST, "/api/v1/bookings", 0, PERM_SERVICE_APPLY, booking_body, NULL, api_bookings_create, "booking.create", "services", "Book a place in a slot; never beyond its capacity", "Booking", 201, 0},
	{GET, "/api/v1/bookings", 0, PERM_SERVICE_APPLY, NULL, bookings_query, api_bookings_list, NULL, "services", "Your bookings, or a resident's (staff)", "BookingList", 200, 0},
	{POST, "/api/v1/bookings/{id}/cancel", 0, PERM_NONE, NULL, NULL, api_bookings_cancel, "booking.cancel", "services", "Cancel a booking before its slot begins; the place is freed", "Booking", 200, 0},
	{POST, "/api/v1/bookings/{id}/attend", 0, PERM_PROVIDER_MANAGE, NULL, NULL, api_bookings_attend, "booking.attend", "services", "Record that the service was delivered", "Booking", 200, 0},
	{GET, "/api/v1/need-rules", 0, PERM_NEED_READ, NULL, NULL, api_need_rules_list, NULL, "services", "Rules that turn registry facts into needs (those whose tags you may see)", "NeedRuleList", 200, 0},
	{POST, "/api/v1/need-rules", 0, PERM_SERVICE_CATALOG, need_rule_body, NULL, api_need_rules_create, "need_rule.create", "services", "Add a need rule", "NeedRule", 201, 0},
	{PATCH, "/api/v1/need-rules/{id}", 0, PERM_SERVICE_CATALOG, need_rule_update_body, NULL, api_need_rules_update, "need_rule.update", "services", "Change or deactivate a need rule", "NeedRule", 200, 0},
	{GET, "/api/v1/needs/coverage", 0, PERM_NEED_READ, NULL, coverage_query, api_needs_coverage, NULL, "services", "Per child node and rule: people in need, served, unserved, overdue for a visit, free places", "NeedCoverage", 200, 0},
	{GET, "/api/v1/needs", 0, PERM_NEED_READ, NULL, needs_query, api_needs_list, NULL, "services", "The people of a rule under a node with matching providers (audited)", "Page", 200, 0},
	{PUT, "/api/v1/residents/{id}/account", 0, PERM_REGISTRY_WRITE, account_link_body, NULL, api_residents_account_link, "resident.account_link", "registry", "Link a resident's own account to the registry record", "AccountLink", 200, 0},

	/* -- */

	/* people's mediation */
	{GET, "/api/v1/mediation/dispute-types", 0, PERM_MEDIATION_READ, NULL, NULL, api_mediation_dispute_types, NULL, "mediation", "Dispute types counted by the justice bureau", "MediationDisputeTypeList", 200, 0},
	{GET, "/api/v1/mediation/committees", 0, PERM_MEDIATION_READ, NULL, med_committees_query, api_mediation_committees_list, NULL, "mediation", "People's mediation committees in scope, with members and composition", "MediationCommitteeList", 200, 0},
	{POST, "/api/v1/mediation/committees", 0, PERM_MEDIATION_MANAGE, med_committee_body, NULL, api_mediation_committees_create, "mediation_committee.create", "mediation", "Set up a committee at a community or town", "MediationCommittee", 201, 0},
	{GET, "/api/v1/mediation/committees/{id}", 0, PERM_MEDIATION_READ, NULL, NULL, api_mediation_committees_get, NULL, "mediation", "A committee: members, terms, whether it may take cases", "MediationCommittee", 200, 0},
	{PATCH, "/api/v1/mediation/committees/{id}", 0, PERM_MEDIATION_MANAGE, med_committee_update_body, NULL, api_mediation_committees_update, "mediation_committee.update", "mediation", "Rename a committee or record a new election", "MediationCommittee", 200, 0},
	{GET, "/api/v1/mediation/committees/{id}/candidates", 0, PERM_MEDIATION_MANAGE, NULL, NULL, api_mediation_candidates, NULL, "mediation", "Accounts holding the mediator role over the committee's node", "MediationCandidateList", 200, 0},
	{POST, "/api/v1/mediation/committees/{id}/members", 0, PERM_MEDIATION_MANAGE, med_member_body, NULL, api_mediation_members_add, "mediation_committee.member_add", "mediation", "Add a member (at most 9 in term)", "MediationCommittee", 201, 0},
	{PATCH, "/api/v1/mediation/committees/{id}/members/{member_id}", 0, PERM_MEDIATION_MANAGE, med_member_update_body, NULL, api_mediation_members_update, "mediation_committee.member_update", "mediation", "Change a member's duty or account, or record that they left", "MediationCommittee", 200, 0},
	{GET, "/api/v1/mediation/cases", 0, PERM_MEDIATION_READ, NULL, med_cases_query, api_mediation_cases_list, NULL, "mediation", "Mediation cases in scope, newest first", "Page", 200, 0},
	{POST, "/api/v1/mediation/cases", 0, PERM_MEDIATION_HANDLE, med_case_body, NULL, api_mediation_cases_create, "mediation_case.register", "mediation", "Register a case (not accepted when a party refuses)", "MediationCase", 201, 0},
	{GET, "/api/v1/mediation/stats", 0, PERM_MEDIATION_READ, NULL, med_stats_query, api_mediation_stats, NULL, "mediation", "Statistics of a period and node: by dispute type, source, area, committee", "MediationStats", 200, 0},
	{GET, "/api/v1/mediation/stats/export", 0, PERM_MEDIATION_READ, NULL, med_stats_export_query, api_mediation_stats_export, "mediation.stats_export", "mediation", "The statistics as CSV or XLSX", NULL, 200, 0},
	{GET, "/api/v1/mediation/cases/{id}", 0, PERM_MEDIATION_READ, NULL, NULL, api_mediation_cases_get, NULL, "mediation", "The case file: registration, parties (masked), sessions, agreement, conclusion, follow-ups, timeline", "MediationCase", 200, 0},
	MEDIATION_ACTION("assign", med_assign_body, "Assign a mediator (by the committee, or chosen by the parties)"),
	MEDIATION_ACTION("recuse", med_recuse_body, "Recuse a mediator, with the reason, and assign another"),
	MEDIATION_ACTION("session", med_session_body, "Record a mediation session"),
	MEDIATION_ACTION("extend", med_extend_body, "Extend the one-month limit with the parties' consent"),
	MEDIATION_ACTION("agreement", med_agreement_body, "Draw up or change the written agreement (until someone signs)"),
	MEDIATION_ACTION("sign", med_sign_body, "Record a party's or the mediator's signature"),
	MEDIATION_ACTION("terminate", med_terminate_body, "End a failed mediation, with the other routes explained"),
	MEDIATION_ACTION("refer", med_refer_body, "Refer a dispute that may escalate to the police"),
	MEDIATION_ACTION("confirmation", med_confirmation_body, "Record whether the parties applied for judicial confirmation"),
	MEDIATION_ACTION("followup", med_followup_body, "Log a follow-up visit"),
	MEDIATION_ACTION("close", med_close_body, "Close and archive the case"),

	/* -- */

	/* duty lists and certificates */
	{GET, "/api/v1/public/duty-lists", ROUTE_PUBLIC, PERM_NONE, NULL, duty_public_query, api_duty_public_lists, NULL, "duties", "Published duty lists on a node's path and below it: the version in force today (or the first to come) of each (no sign-in)", "DutyListList", 200, 0},
	{GET, "/api/v1/public/duty-lists/in-force", ROUTE_PUBLIC, PERM_NONE, NULL, duty_in_force_query, api_duty_public_in_force, NULL, "duties", "The version in force at a node on a day, with its items: the nearest owner above the node wins (no sign-in)", "DutyList", 200, 0},
	{GET, "/api/v1/public/duty-lists/{id}", ROUTE_PUBLIC, PERM_NONE, NULL, NULL, api_duty_public_get, NULL, "duties", "One published version with its items (no sign-in)", "DutyList", 200, 0},
	{GET, "/api/v1/public/duty-lists/{id}/versions", ROUTE_PUBLIC, PERM_NONE, NULL, NULL, api_duty_public_versions, NULL, "duties", "The published versions of the same list with their effective dates, newest first (no sign-in)", "DutyListList", 200, 0},
	{GET, "/api/v1/public/duty-lists/{id}/diff", ROUTE_PUBLIC, PERM_NONE, NULL, duty_diff_query, api_duty_public_diff, NULL, "duties", "What changed from another published version to this one: items added, removed and changed (no sign-in)", "DutyDiff", 200, 0},
	{GET, "/api/v1/public/banned-certificates", ROUTE_PUBLIC, PERM_NONE, NULL, banned_public_query, api_banned_public_list, NULL, "duties", "Certificates committees do not issue, with where to go instead: the national list and local extensions (no sign-in)", "BannedCertificateList", 200, 0},
	{GET, "/api/v1/public/banned-certificates/check", ROUTE_PUBLIC, PERM_NONE, NULL, banned_check_query, api_banned_public_check, NULL, "duties", "Whether a certificate is on the banned list at a node, and the entry (no sign-in)", "BannedCheck", 200, 0},
	{GET, "/api/v1/duty-lists", 0, PERM_DUTY_PUBLISH, NULL, duty_scope_query, api_duty_lists_scope, NULL, "duties", "Drafts and published versions of the lists owned in your scope", "DutyListList", 200, 0},
	{POST, "/api/v1/duty-lists", 0, PERM_DUTY_PUBLISH, duty_create_body, NULL, api_duty_lists_create, "duty_list.create", "duties", "Start a draft of a list, empty or as a copy of a published version; one draft per list", "DutyList", 201, 0},
	{GET, "/api/v1/duty-lists/{id}", 0, PERM_DUTY_PUBLISH, NULL, NULL, api_duty_lists_get, NULL, "duties", "One version with its items (drafts in your scope)", "DutyList", 200, 0},
	{PATCH, "/api/v1/duty-lists/{id}", 0, PERM_DUTY_PUBLISH, duty_update_body, NULL, api_duty_lists_update, "duty_list.update", "duties", "Change a draft's note", "DutyList", 200, 0},
	{DELETE, "/api/v1/duty-lists/{id}", 0, PERM_DUTY_PUBLISH, NULL, NULL, api_duty_lists_delete, "duty_list.discard", "duties", "Discard a draft", NULL, 204, 0},
	{POST, "/api/v1/duty-lists/{id}/items", 0, PERM_DUTY_PUBLISH, duty_item_body, NULL, api_duty_items_add, "duty_list.item_add", "duties", "Add an item at the end of its section of a draft", "DutyList", 201, 0},
	{PATCH, "/api/v1/duty-lists/{id}/items/{item}", 0, PERM_DUTY_PUBLISH, duty_item_update_body, NULL, api_duty_items_update, "duty_list.item_update", "duties", "Change an item of a draft", "DutyList", 200, 0},
	{DELETE, "/api/v1/duty-lists/{id}/items/{item}", 0, PERM_DUTY_PUBLISH, NULL, NULL, api_duty_items_delete, "duty_list.item_delete", "duties", "Remove an item of a draft", "DutyList", 200, 0},
	{POST, "/api/v1/duty-lists/{id}/import", ROUTE_RAW, PERM_DUTY_PUBLISH, NULL, duty_import_query, api_duty_lists_import, "duty_list.import", "duties", "Replace a draft's items with a CSV (text/csv): all rows or none, every bad row reported", "DutyImportReport", 200, 1024},
	{POST, "/api/v1/duty-lists/{id}/publish", 0, PERM_DUTY_PUBLISH, duty_publish_body, NULL, api_duty_lists_publish, "duty_list.publish", "duties", "Publish a draft from a day on: today or later, not before the latest published version starts", "DutyList", 200, 0},
	{GET, "/api/v1/duty-lists/{id}/export", 0, PERM_NONE, NULL, duty_export_query, api_duty_lists_export, NULL, "duties", "A version's items as CSV or XLSX (drafts: duty.publish in scope)", NULL, 200, 0},
	{POST, "/api/v1/banned-certificates", 0, PERM_DUTY_PUBLISH, banned_body, NULL, api_banned_add, "banned_certificate.add", "duties", "Extend the banned-certificate list for the communities under a node", "BannedCertificate", 201, 0},
	{DELETE, "/api/v1/banned-certificates/{id}", 0, PERM_DUTY_PUBLISH, NULL, NULL, api_banned_delete, "banned_certificate.remove", "duties", "Withdraw a local entry (the national list is not changed locally)", NULL, 204, 0},
	{GET, "/api/v1/certificate-templates", 0, PERM_CERTIFICATE_ISSUE, NULL, NULL, api_cert_templates, NULL, "duties", "The templates of certificates a committee may still issue", "CertificateTemplateList", 200, 0},
	{GET, "/api/v1/certificates", 0, PERM_CERTIFICATE_ISSUE, NULL, cert_list_query, api_cert_list, NULL, "duties", "The certificate register of the communities in scope, issued and refused (audited)", "Page", 200, 0},
	{POST, "/api/v1/certificates", 0, PERM_CERTIFICATE_ISSUE, cert_body, NULL, api_cert_create, "certificate.issue", "duties", "Issue a certificate from a template with the next register number; one on the banned list is refused with certificate_banned (and recorded)", "Certificate", 201, 0},
	{GET, "/api/v1/certificates/{id}", 0, PERM_CERTIFICATE_ISSUE, NULL, NULL, api_cert_get, NULL, "duties", "One certificate with its text, for printing (audited)", "Certificate", 200, 0},

	/* -- */

	/* work access, task ledger and burden ledger */
	{GET, "/api/v1/access/reviewers", 0, PERM_ACCESS_REVIEW, NULL, NULL, api_access_reviewers_list, NULL, "access", "The reviewing unit designated for each county in scope", "AccessReviewerList", 200, 0},
	{PUT, "/api/v1/access/reviewers/{county}", 0, PERM_EVENT_CATALOG, acc_reviewer_body, NULL, api_access_reviewers_set, "access_reviewer.set", "access", "Designate the county's reviewing unit (civil affairs or the governance office); requests waiting without one go to it", "AccessReviewer", 200, 0},
	{GET, "/api/v1/access/list-items", 0, PERM_NONE, NULL, acc_list_items_query, api_access_list_items, NULL, "access", "Items of the lists in force for a community (by law, assisted, negative), to claim or to cite", "AccessListItems", 200, 0},
	{POST, "/api/v1/access/requests", 0, PERM_ACCESS_REQUEST, acc_request_body, NULL, api_access_requests_create, "access_request.file", "access", "File a work-access request: checked at once against the lists (passed, refused citing the rule, or sent to review)", "AccessRequest", 201, 0},
	{GET, "/api/v1/access/requests", 0, PERM_NONE, NULL, acc_requests_query, api_access_requests_list, NULL, "access", "Requests in scope (requesters, reviewers, burden readers), newest first", "Page", 200, 0},
	{GET, "/api/v1/access/requests/{id}", 0, PERM_NONE, NULL, NULL, api_access_requests_get, NULL, "access", "A request with its decision and rule, communities and their tasks, timeline and the actions you may take", "AccessRequest", 200, 0},
	ACCESS_ACTION("approve", PERM_ACCESS_REVIEW, acc_approve_body, "Approve a request in review, with conditions (members of the reviewing unit); tasks go to the ledgers"),
	ACCESS_ACTION("reject", PERM_ACCESS_REVIEW, acc_reason_body, "Reject a request in review, with the reason (members of the reviewing unit)"),
	ACCESS_ACTION("withdraw", PERM_ACCESS_REQUEST, acc_withdraw_body, "Withdraw one's own request while in review"),
	{GET, "/api/v1/tasks", 0, PERM_NONE, NULL, acc_tasks_query, api_tasks_list, NULL, "access", "The task ledgers of communities in scope: open first, nearest deadline first", "Page", 200, 0},
	{POST, "/api/v1/tasks", 0, PERM_TASK_HANDLE, acc_task_body, NULL, api_tasks_create, "community_task.record", "access", "Record work that reached the community outside work access, and refuse it at once if you choose", "CommunityTask", 201, 0},
	{POST, "/api/v1/tasks/{id}/done", 0, PERM_TASK_HANDLE, acc_done_body, NULL, api_tasks_done, "community_task.done", "access", "Mark an open task done", "CommunityTask", 200, 0},
	{POST, "/api/v1/tasks/{id}/refuse", 0, PERM_TASK_HANDLE, acc_refuse_body, NULL, api_tasks_refuse, "community_task.refuse", "access", "Refuse a task that did not pass work access, citing the rule (recorded and counted)", "CommunityTask", 200, 0},
	{GET, "/api/v1/burden", 0, PERM_BURDEN_READ, NULL, acc_burden_query, api_burden, NULL, "access", "The burden ledger of a node and period by child node: imposed, accepted, refused by kind, certificates, trend against a baseline, requesting bodies ranked", "BurdenLedger", 200, 0},
	{GET, "/api/v1/burden/export", 0, PERM_BURDEN_READ, NULL, acc_burden_export_query, api_burden_export, "burden.export", "access", "The burden ledger (or the ranking) as CSV or XLSX", NULL, 200, 0},

	/* -- */

	/* psychological assistance */
	{POST, "/api/v1/counselling/requests", 0, PERM_COUNSEL_REQUEST, cou_request_body, NULL, api_cou_request_create, "counselling.request", "counselling", "Ask for psychological assistance, for yourself or (staff) for a resident in scope; a crisis alerts the supervisors at once", "CounsellingStatus", 201, 0},
	{GET, "/api/v1/counselling/requests/mine", 0, PERM_COUNSEL_REQUEST, NULL, NULL, api_cou_requests_mine, NULL, "counselling", "My requests: status and the counsellor's name only", "CounsellingStatusList", 200, 0},
	{GET, "/api/v1/counselling/cases", 0, PERM_COUNSEL_HANDLE, NULL, cou_cases_query, api_cou_cases_list, NULL, "counselling", "My cases as counsellor, or (supervisors) requests waiting and cases I supervise; crisis first", "Page", 200, 0},
	{GET, "/api/v1/counselling/cases/{id}", 0, PERM_NONE, NULL, NULL, api_cou_case_get, NULL, "counselling", "A case for its counsellor and supervisor; its status for the requester; 404 for everyone else", "CounsellingCase", 200, 0},
	{GET, "/api/v1/counselling/cases/{id}/counsellors", 0, PERM_NONE, NULL, NULL, api_cou_case_counsellors, NULL, "counselling", "Counsellors the case's supervisor may assign, with their open cases", "CounsellorList", 200, 0},
	COU_ACTION("assign", cou_assign_body, "Assign a counsellor (the case's supervisor, counsel.supervise)"),
	COU_ACTION("reassign", cou_reassign_body, "Give the case to another counsellor, with the reason (the case's supervisor)"),
	COU_ACTION("sessions", cou_session_body, "Record a session held (the assigned counsellor)"),
	COU_ACTION("crisis", cou_crisis_body, "Raise the crisis flag: every supervisor covering the area is alerted at once (counsellor or supervisor)"),
	COU_ACTION("crisis_clear", cou_reason_body, "Lower the crisis flag, with the reason (counsellor or supervisor)"),
	COU_ACTION("close", cou_close_body, "Close with the outcome and a summary (the assigned counsellor)"),
	COU_ACTION("withdraw", cou_empty_body, "Withdraw the request (the requester)"),
	{GET, "/api/v1/counselling/alerts", 0, PERM_COUNSEL_SUPERVISE, NULL, cou_alerts_query, api_cou_alerts_list, NULL, "counselling", "My crisis alerts, unacknowledged first", "CounsellingAlertList", 200, 0},
	{POST, "/api/v1/counselling/alerts/{id}/acknowledge", 0, PERM_COUNSEL_SUPERVISE, NULL, NULL, api_cou_alert_ack, "counselling.alert_ack", "counselling", "Acknowledge a crisis alert (recorded)", NULL, 204, 0},
	{GET, "/api/v1/counselling/stats", 0, PERM_COUNSEL_STATS, NULL, cou_stats_query, api_cou_stats, NULL, "counselling", "Counts by area and state, crises, days to first contact; small counts of communities as <3; nothing identifying", "CounsellingStats", 200, 0},

	/* -- */

	{GET, "/api/v1/public/grids/{code}", ROUTE_PUBLIC, PERM_NONE, NULL, NULL, api_public_grid,
	 NULL, "public",
	 "What a grid's public sign shows: name, grid workers and phones, supervision phone",
	 "PublicGrid", 200, 0},

	/* Open311 GeoReport v2: every path ends in .json or .xml */
	{GET, "/open311/v2/discovery.{format}", OPEN311, PERM_NONE, NULL, NULL,
	 api_open311_discovery, NULL, "open311", "Open311 discovery: the endpoint and its formats",
	 "Open311Discovery", 200, 0},
	{GET, "/open311/v2/services.{format}", OPEN311, PERM_NONE, NULL, open311_query,
	 api_open311_services, NULL, "open311",
	 "Open311 services: the event sub-categories offered to the public", "Open311Services",
	 200, 0},
	{GET, "/open311/v2/services/{service_code}.{format}", OPEN311, PERM_NONE, NULL,
	 open311_query, api_open311_service, NULL, "open311",
	 "A service definition (no service asks for attributes)", "Open311ServiceDefinition",
	 200, 0},
	{GET, "/open311/v2/requests.{format}", OPEN311, PERM_NONE, NULL, open311_requests_query,
	 api_open311_requests, NULL, "open311",
	 "Requests filed through Open311, newest first: at most 1000, within 90 days",
	 "Open311Requests", 200, 0},
	{POST, "/open311/v2/requests.{format}", OPEN311 | ROUTE_FORM, PERM_NONE,
	 open311_request_body, open311_post_query, api_open311_request_create, "event.open311",
	 "open311",
	 "File a request with an API key: a grid event of source open311 (form or JSON body)",
	 "Open311Created", 201, 0},
	{GET, "/open311/v2/requests/{service_request_id}.{format}", OPEN311, PERM_NONE, NULL,
	 open311_query, api_open311_request, NULL, "open311", "One request filed through Open311",
	 "Open311Requests", 200, 0},
	{GET, "/open311/v2/tokens/{token}.{format}", OPEN311, PERM_NONE, NULL, open311_token_query,
	 api_open311_token, NULL, "open311", "The request a token was given for", "Open311Tokens",
	 200, 0},
};

const size_t routes_count = sizeof(routes) / sizeof(routes[0]);

/* Failures of routes with errors of their own: only Open311's so far. */
void route_error_reply(struct req *r)
{
	api_open311_error(r);
}
