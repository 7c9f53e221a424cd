/*
 * The route table: every HTTP endpoint with its permission, declared inputs
 * and handler.  Generic code in http/server.c enforces the first three; the
 * OpenAPI document at /api/v1/openapi.json is generated from these rows.
 */
#include <stdint.h>

#include "auth/api_auth.h"
#include "http/api_system.h"
#include "http/route.h"
#include "org/api_org.h"

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

#define GET "GET"
#define POST "POST"
#define PUT "PUT"
#define PATCH "PATCH"
#define DELETE "DELETE"

const struct route routes[] = {
	/* system */
	{GET, "/healthz", ROUTE_PUBLIC, PERM_NONE, NULL, NULL, api_healthz, NULL, "system",
	 "Liveness and database check", "Health", 200},
	{GET, "/metrics", ROUTE_PUBLIC, PERM_NONE, NULL, NULL, api_metrics, NULL, "system",
	 "Prometheus metrics", "Metrics", 200},
	{GET, "/api/v1/openapi.json", ROUTE_PUBLIC, PERM_NONE, NULL, NULL, api_openapi, NULL,
	 "system", "This API description (OpenAPI 3)", "OpenAPI", 200},
	{GET, "/api/v1/roles", 0, PERM_NONE, NULL, NULL, api_roles, NULL, "accounts",
	 "The role catalogue with permissions and the levels each role is held at", "RoleList",
	 200},

	/* sessions */
	{POST, "/api/v1/session", ROUTE_PUBLIC | ROUTE_NO_AUDIT, PERM_NONE, login_body, NULL,
	 api_session_create, "session.create", "accounts",
	 "Sign in; returns a bearer token and sets the session cookie", "Session", 200},
	{DELETE, "/api/v1/session", 0, PERM_NONE, NULL, NULL, api_session_delete, "session.delete",
	 "accounts", "Sign out (ends the session on the server)", NULL, 204},
	{GET, "/api/v1/me", 0, PERM_NONE, NULL, NULL, api_me, NULL, "accounts",
	 "The signed-in account with its roles and permissions", "Me", 200},
	{POST, "/api/v1/me/password", 0, PERM_NONE, me_password_body, NULL, api_me_password,
	 "user.password.change", "accounts", "Change your own password; your other sessions end",
	 NULL, 204},

	/* accounts */
	{GET, "/api/v1/users", 0, PERM_USER_READ, NULL, user_query, api_users_list, NULL,
	 "accounts", "List accounts", "UserPage", 200},
	{POST, "/api/v1/users", 0, PERM_USER_MANAGE, user_create_body, NULL, api_users_create,
	 "user.create", "accounts", "Create an account", "User", 201},
	{GET, "/api/v1/users/{id}", 0, PERM_USER_READ, NULL, NULL, api_users_get, NULL, "accounts",
	 "One account with its roles", "User", 200},
	{PATCH, "/api/v1/users/{id}", 0, PERM_USER_MANAGE, user_update_body, NULL, api_users_update,
	 "user.update", "accounts", "Rename, disable or enable an account", "User", 200},
	{POST, "/api/v1/users/{id}/password", 0, PERM_USER_MANAGE, user_password_body, NULL,
	 api_users_password, "user.password.reset", "accounts",
	 "Set a new password for an account; its sessions end", NULL, 204},
	{POST, "/api/v1/users/{id}/unlock", 0, PERM_USER_MANAGE, NULL, NULL, api_users_unlock,
	 "user.unlock", "accounts", "Lift a sign-in lockout", NULL, 204},
	{GET, "/api/v1/users/{id}/roles", 0, PERM_USER_READ, NULL, NULL, api_users_roles, NULL,
	 "accounts", "Roles held by an account", "GrantList", 200},
	{POST, "/api/v1/users/{id}/roles", 0, PERM_ROLE_GRANT, grant_body, NULL, api_users_grant,
	 "role.grant", "accounts", "Grant a role at a node of the tree", "Grant", 201},
	{DELETE, "/api/v1/users/{id}/roles/{grant_id}", 0, PERM_ROLE_GRANT, NULL, NULL,
	 api_users_revoke, "role.revoke", "accounts", "Revoke a role", NULL, 204},

	/* audit */
	{GET, "/api/v1/audit", 0, PERM_AUDIT_READ, NULL, audit_query, api_audit_list, NULL, "audit",
	 "Audit records, newest first", "AuditPage", 200},
	{GET, "/api/v1/audit/verify", 0, PERM_AUDIT_READ, NULL, NULL, api_audit_verify, NULL,
	 "audit", "Check the hash chain of the audit log", "AuditCheck", 200},

	/* jurisdiction tree */
	{GET, "/api/v1/orgs", 0, PERM_ORG_READ, NULL, org_query, api_orgs_list, NULL, "orgs",
	 "Your starting nodes, or a search by name, code or level within your scope", "OrgPage",
	 200},
	{POST, "/api/v1/orgs", 0, PERM_ORG_WRITE, org_create_body, NULL, api_orgs_create,
	 "org.create", "orgs", "Create a grid under a community with the next 15-digit code", "Org",
	 201},
	{GET, "/api/v1/orgs/{id}", 0, PERM_ORG_READ, NULL, NULL, api_orgs_get, NULL, "orgs",
	 "One node with its ancestors (within your scope)", "OrgDetail", 200},
	{PATCH, "/api/v1/orgs/{id}", 0, PERM_ORG_WRITE, org_update_body, NULL, api_orgs_update,
	 "org.update", "orgs", "Rename a grid or set a supervision phone", "Org", 200},
	{GET, "/api/v1/orgs/{id}/children", 0, PERM_ORG_READ, NULL, page_query, api_orgs_children,
	 NULL, "orgs", "Children of a node", "OrgPage", 200},
	{GET, "/api/v1/orgs/{id}/children/boundaries", 0, PERM_ORG_READ, NULL, NULL,
	 api_orgs_child_boundaries, NULL, "orgs",
	 "Boundaries of a node's children as a GeoJSON FeatureCollection", "FeatureCollection",
	 200},
	{GET, "/api/v1/orgs/{id}/boundary", 0, PERM_ORG_READ, NULL, NULL, api_orgs_boundary_get,
	 NULL, "orgs", "A grid's boundary (GeoJSON geometry)", "Geometry", 200},
	{PUT, "/api/v1/orgs/{id}/boundary", 0, PERM_ORG_WRITE, boundary_body, NULL,
	 api_orgs_boundary_put, "org.boundary", "orgs", "Replace a grid's boundary", "Geometry",
	 200},
	{GET, "/api/v1/orgs/{id}/grid-workers", 0, PERM_ORG_READ, NULL, NULL, api_orgs_workers_list,
	 NULL, "orgs", "Grid workers posted on a grid", "GridWorkerList", 200},
	{GET, "/api/v1/orgs/{id}/grid-worker-candidates", 0, PERM_GRID_ASSIGN, NULL, NULL,
	 api_orgs_worker_candidates, NULL, "orgs",
	 "Accounts holding the grid_worker role for a grid, who can be posted on it",
	 "CandidateList", 200},
	{POST, "/api/v1/orgs/{id}/grid-workers", 0, PERM_GRID_ASSIGN, worker_body, NULL,
	 api_orgs_workers_add, "grid.assign", "orgs",
	 "Post a grid worker on a grid (or change their public phone)", "GridWorkerList", 201},
	{DELETE, "/api/v1/orgs/{id}/grid-workers/{user_id}", 0, PERM_GRID_ASSIGN, NULL, NULL,
	 api_orgs_workers_remove, "grid.unassign", "orgs", "Withdraw a grid worker from a grid",
	 NULL, 204},
	{GET, "/api/v1/public/grids/{code}", ROUTE_PUBLIC, PERM_NONE, NULL, NULL, api_public_grid,
	 NULL, "public",
	 "What a grid's public sign shows: name, grid workers and phones, supervision phone",
	 "PublicGrid", 200},
};

const size_t routes_count = sizeof(routes) / sizeof(routes[0]);
