/*
 * Registry handlers.  Every object is located first (its grid code) and
 * checked against the caller's scope: outside it answers 404, inside
 * without the permission 403.  A reference to another object in a body
 * (household_id, address_id, ...) that does not exist in the caller's area
 * is refused with 422 naming the field.  Responses that show residents are
 * recorded in the audit log as reads of personal data.
 */
#include "registry/api_registry.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/secure.h"
#include "core/str.h"
#include "org/org.h"
#include "registry/people.h"
#include "registry/places.h"
#include "registry/tags.h"
#include "registry/validate.h"
#include "registry/visits.h"

/* ---- field checks ---- */

const char *registry_field_credit_code(const json_t *v)
{
	const char *s = json_string_value(v);
	return s == NULL || *s == '\0' ? NULL : check_credit_code(s);
}

const char *registry_field_mobile(const json_t *v)
{
	const char *s = json_string_value(v);
	return s == NULL || *s == '\0' ? NULL : check_mobile(s);
}

const char *registry_field_longitude(const json_t *v)
{
	double x = json_number_value(v);
	return json_is_number(v) && isfinite(x) && x >= -180 && x <= 180
		       ? NULL
		       : "a longitude is a number from -180 to 180";
}

const char *registry_field_latitude(const json_t *v)
{
	double x = json_number_value(v);
	return json_is_number(v) && isfinite(x) && x >= -90 && x <= 90
		       ? NULL
		       : "a latitude is a number from -90 to 90";
}

const char *registry_field_area(const json_t *v)
{
	double x = json_number_value(v);
	return json_is_number(v) && isfinite(x) && x > 0 && x < 100000
		       ? NULL
		       : "an area is a number of square metres above 0";
}

/* ---- helpers ---- */

static struct actor actor_of(struct req *r)
{
	return (struct actor){r->who->user_id, r->who->username};
}

static const char *id_str(struct req *r, int64_t id)
{
	return arena_printf(&r->arena, "%lld", (long long)id);
}

int registry_list_roots(struct req *r, enum perm perm, const char **roots)
{
	int64_t org = q_int(r, "org_id", 0);
	if (org != 0) {
		struct org_node n;
		int rc = org_get(r->db, &r->arena, org, &n);
		if (rc == RC_NOT_FOUND)
			return req_fail(r, RC_NOT_FOUND, "org_id", "no such node");
		if (rc != RC_OK)
			return rc;
		rc = req_scope(r, perm, n.code);
		if (rc != RC_OK)
			return rc;
		*roots = arena_printf(&r->arena, "[\"%s\"]", n.code);
		return RC_OK;
	}
	*roots = principal_roots(r->who, perm, &r->arena);
	if (*roots == NULL)
		return req_fail(r, RC_FORBIDDEN, NULL, NULL);
	return RC_OK;
}

typedef int (*code_fn)(struct db *, int64_t, char[16]);

/* The object of path parameter i, checked for perm. */
static int object_scope(struct req *r, int i, code_fn code_of, enum perm perm, char code[16])
{
	if (r->ids[i] == 0)
		return req_fail(r, RC_NOT_FOUND, NULL, NULL);
	int rc = code_of(r->db, r->ids[i], code);
	if (rc == RC_NOT_FOUND)
		return req_fail(r, rc, NULL, NULL);
	if (rc != RC_OK)
		return rc;
	return req_scope(r, perm, code);
}

/* GET of one object: scope from its code, then the object; reads of the
 * registry's objects are audited under action (NULL: not audited). */
static int read_object(struct req *r, code_fn code_of, int (*get)(struct db *, int64_t, json_t **),
		       const char *action, const char *object_type)
{
	char code[16];
	int rc = object_scope(r, 0, code_of, PERM_REGISTRY_READ, code);
	if (rc != RC_OK)
		return rc;
	json_t *o;
	rc = get(r->db, r->ids[0], &o);
	if (rc != RC_OK)
		return rc;
	if (action != NULL)
		req_audit_read(r, action, object_type, r->params[0], 0, NULL);
	return req_reply(r, 200, o);
}

/* Start a change of the object of path parameter 0: in scope for writing,
 * then a write transaction. */
static int begin_update(struct req *r, code_fn code_of, struct actor *who)
{
	char code[16];
	int rc = object_scope(r, 0, code_of, PERM_REGISTRY_WRITE, code);
	if (rc != RC_OK)
		return rc;
	*who = actor_of(r);
	return req_tx_begin(r);
}

/* An object named in the body. */
static int ref_scope(struct req *r, const char *field, code_fn code_of, int64_t id, enum perm perm,
		     char code[16])
{
	int rc = code_of(r->db, id, code);
	if (rc == RC_OK) {
		rc = principal_scope(r->who, perm, code, NULL);
		if (rc == RC_FORBIDDEN)
			return req_fail(r, rc, field, "your role there does not allow %s", perm_name(perm));
	}
	if (rc == RC_NOT_FOUND)
		return req_fail(r, RC_VALIDATION_FAILED, field, "no such %s in your area", field);
	return rc;
}

static int grid_code(struct db *db, int64_t id, char code[16])
{
	struct arena a = {0};
	struct org_node n;
	int rc = org_get(db, &a, id, &n);
	if (rc == RC_OK && strcmp(n.level, "grid") != 0)
		rc = RC_NOT_FOUND;
	if (rc == RC_OK)
		snprintf(code, 16, "%s", n.code);
	arena_free(&a);
	return rc;
}

static int household_code_fn(struct db *db, int64_t id, char code[16])
{
	return household_code(db, id, code);
}

static int resident_code_fn(struct db *db, int64_t id, char code[16])
{
	return resident_code(db, id, code);
}

static int reply_page(struct req *r, int rc, json_t *items, int64_t total)
{
	if (rc != RC_OK)
		return rc;
	return req_reply(r, 200, page_json(items, total, req_page(r)));
}

/* Finish a write: commit or roll back, then answer with the object. */
static int finish(struct req *r, int rc, int status, int (*get)(struct db *, int64_t, json_t **),
		  int64_t id)
{
	rc = req_tx_end(r, rc);
	if (rc != RC_OK)
		return rc;
	json_t *o;
	rc = get(r->db, id, &o);
	if (rc != RC_OK)
		return rc;
	return req_reply(r, status, o);
}

/* The same for residents and households, which are answered as the caller
 * may see them (tags by role). */
static int finish_seen(struct req *r, int rc, int status,
		       int (*get)(struct db *, int64_t, const struct principal *, json_t **),
		       int64_t id)
{
	rc = req_tx_end(r, rc);
	if (rc != RC_OK)
		return rc;
	json_t *o;
	rc = get(r->db, id, r->who, &o);
	if (rc != RC_OK)
		return rc;
	return req_reply(r, status, o);
}

/* ---- buildings ---- */

/* ---- lists ---- */

static int fetch_buildings(struct req *r, const char *roots, const struct list_rows *rows,
			   json_t **items, int64_t *total)
{
	return buildings_list(r->db, roots, q_int(r, "grid_id", 0), rows, items, total);
}

static int fetch_addresses(struct req *r, const char *roots, const struct list_rows *rows,
			   json_t **items, int64_t *total)
{
	return addresses_list(r->db, roots, q_int(r, "building_id", 0), rows, items, total);
}

static int fetch_houses(struct req *r, const char *roots, const struct list_rows *rows,
			json_t **items, int64_t *total)
{
	return houses_list(r->db, roots, q_str(r, "occupancy"), rows, items, total);
}

static int fetch_households(struct req *r, const char *roots, const struct list_rows *rows,
			    json_t **items, int64_t *total)
{
	return households_list(r->db, roots, q_int(r, "address_id", 0), rows, items, total);
}

static int fetch_units(struct req *r, const char *roots, const struct list_rows *rows,
		       json_t **items, int64_t *total)
{
	return units_list(r->db, roots, q_str(r, "type"), rows, items, total);
}

static int fetch_visits(struct req *r, const char *roots, const struct list_rows *rows,
			json_t **items, int64_t *total)
{
	return visits_list(r->db, roots, json_is_true(json_object_get(r->query, "pending")), rows,
			   items, total);
}

static const char *const building_columns[] = {"id", "code", "street", "number", "name",
						"grid_id", "addresses", "households", "residents",
						NULL};
static const char *const address_columns[] = {"id", "code", "text", "unit", "room",
					       "building_id", NULL};
static const char *const house_columns[] = {"id", "code", "address", "area", "use",
					    "ownership", "occupancy", "address_id", NULL};
static const char *const household_columns[] = {"id", "code", "address", "number",
						"head_name", "members", "address_id", NULL};
static const char *const unit_columns[] = {"id", "name", "credit_code", "type", "contact_name",
					   "phone", "address", "code", "address_id", NULL};

const struct list_kind list_buildings = {"buildings", "building", NULL, building_columns,
					 fetch_buildings};
const struct list_kind list_addresses = {"addresses", "address", NULL, address_columns,
					 fetch_addresses};
const struct list_kind list_houses = {"houses", "house", NULL, house_columns, fetch_houses};
const struct list_kind list_households = {"households", "household", "household.list",
					  household_columns, fetch_households};
const struct list_kind list_units = {"units", "unit", NULL, unit_columns, fetch_units};
static const struct list_kind list_visits = {"visits", "visit", "visit.list", NULL,
					     fetch_visits};

/* A page of a list in the caller's scope; lists holding personal data are
 * audited with their row count. */
static int list_reply(struct req *r, const struct list_kind *k)
{
	const char *roots;
	int rc = registry_list_roots(r, PERM_REGISTRY_READ, &roots);
	if (rc != RC_OK)
		return rc;
	struct page p = req_page(r);
	struct list_rows rows = {.limit = p.limit, .offset = p.offset};
	json_t *items = NULL;
	int64_t total = 0;
	rc = k->fetch(r, roots, &rows, &items, &total);
	if (rc == RC_OK && k->read_action != NULL)
		req_audit_read(r, k->read_action, k->object_type, "", 0,
			       json_pack("{s:I}", "rows", (json_int_t)json_array_size(items)));
	return reply_page(r, rc, items, total);
}

int api_buildings_list(struct req *r)
{
	return list_reply(r, &list_buildings);
}

static void building_in_from(struct req *r, struct building_in *in, int64_t grid_id,
			     const char *code)
{
	in->grid_id = grid_id;
	in->grid_code = code;
	in->street = in_str(r, "street");
	in->number = in_str(r, "number");
	in->name = in_str(r, "building") ? in_str(r, "building") : in_str(r, "name");
	in->lon = in_json(r, "lon");
	in->lat = in_json(r, "lat");
}

int api_buildings_create(struct req *r)
{
	char code[16];
	int64_t grid = in_int(r, "grid_id", 0);
	int rc = ref_scope(r, "grid_id", grid_code, grid, PERM_REGISTRY_WRITE, code);
	if (rc != RC_OK)
		return rc;
	struct building_in in;
	building_in_from(r, &in, grid, code);
	struct actor who = actor_of(r);
	int64_t id = 0;
	bool created;
	rc = req_tx_begin(r);
	if (rc != RC_OK)
		return rc;
	rc = building_ensure(r->db, &in, &who, &id, &created);
	if (rc == RC_OK && !created)
		rc = req_fail(r, RC_CONFLICT, "number", "this grid has a building with that plate already (id %lld)",
			      (long long)id);
	if (rc == RC_OK)
		rc = req_audit(r, NULL, "building", id_str(r, id), grid, NULL);
	return finish(r, rc, 201, building_json, id);
}

int api_buildings_get(struct req *r)
{
	return read_object(r, building_code, building_json, "building.read", "building");
}

int api_buildings_update(struct req *r)
{
	struct actor who;
	int rc = begin_update(r, building_code, &who);
	if (rc != RC_OK)
		return rc;
	rc = building_update(r->db, r->ids[0], in_str(r, "street"), in_str(r, "number"),
			     in_str(r, "name"), in_json(r, "lon"), in_json(r, "lat"), &who);
	if (rc == RC_CONFLICT)
		req_fail(r, rc, "number", "another building of the grid has that plate");
	if (rc == RC_OK)
		rc = req_audit(r, NULL, "building", r->params[0], 0, json_incref(r->in));
	return finish(r, rc, 200, building_json, r->ids[0]);
}

/* ---- addresses ---- */

int api_addresses_list(struct req *r)
{
	return list_reply(r, &list_addresses);
}

int api_addresses_create(struct req *r)
{
	char code[16];
	int64_t building = in_int(r, "building_id", 0), grid = in_int(r, "grid_id", 0);
	int rc;
	if (building != 0) {
		if (in_has(r, "grid_id") || in_has(r, "street") || in_has(r, "number"))
			return req_fail(r, RC_VALIDATION_FAILED, "building_id",
					"give either building_id or grid_id with street and number");
		rc = ref_scope(r, "building_id", building_code, building, PERM_REGISTRY_WRITE, code);
	} else {
		if (grid == 0 || !in_has(r, "street") || !in_has(r, "number"))
			return req_fail(r, RC_VALIDATION_FAILED, grid ? "street" : "grid_id",
					"give grid_id, street and number (or building_id)");
		rc = ref_scope(r, "grid_id", grid_code, grid, PERM_REGISTRY_WRITE, code);
	}
	if (rc != RC_OK)
		return rc;
	struct actor who = actor_of(r);
	int64_t id = 0;
	rc = req_tx_begin(r);
	if (rc != RC_OK)
		return rc;
	if (building == 0) {
		struct building_in in;
		bool created;
		building_in_from(r, &in, grid, code);
		rc = building_ensure(r->db, &in, &who, &building, &created);
	}
	if (rc == RC_OK)
		rc = address_insert(r->db, building, in_str(r, "unit"), in_str(r, "room"), &who, &id);
	if (rc == RC_CONFLICT)
		req_fail(r, rc, "room", "this address exists already");
	if (rc == RC_OK)
		rc = req_audit(r, NULL, "address", id_str(r, id), 0, NULL);
	return finish(r, rc, 201, address_json, id);
}

int api_addresses_get(struct req *r)
{
	return read_object(r, address_code, address_json, "address.read", "address");
}

int api_addresses_update(struct req *r)
{
	struct actor who;
	int rc = begin_update(r, address_code, &who);
	if (rc != RC_OK)
		return rc;
	rc = address_update(r->db, r->ids[0], in_str(r, "unit"), in_str(r, "room"), &who);
	if (rc == RC_CONFLICT)
		req_fail(r, rc, "room", "this address exists already");
	if (rc == RC_OK)
		rc = req_audit(r, NULL, "address", r->params[0], 0, json_incref(r->in));
	return finish(r, rc, 200, address_json, r->ids[0]);
}

/* ---- houses ---- */

int api_houses_list(struct req *r)
{
	return list_reply(r, &list_houses);
}

/* Owners must be residents the caller may write. */
static int check_owners(struct req *r, const json_t *ids)
{
	size_t i;
	json_t *v;
	json_array_foreach(ids, i, v)
	{
		char code[16];
		if (!json_is_integer(v))
			return req_fail(r, RC_VALIDATION_FAILED, "owner_ids", "owner_ids are resident ids");
		int rc = ref_scope(r, "owner_ids", resident_code_fn, json_integer_value(v),
				   PERM_REGISTRY_WRITE, code);
		if (rc != RC_OK)
			return rc;
	}
	return RC_OK;
}

static void house_in_from(struct req *r, struct house_in *in)
{
	in->area = in_json(r, "area");
	in->use = in_str(r, "use");
	in->ownership = in_str(r, "ownership");
	in->occupancy = in_str(r, "occupancy");
	in->owner_ids = in_json(r, "owner_ids");
}

int api_houses_create(struct req *r)
{
	char code[16];
	int64_t address = in_int(r, "address_id", 0);
	int rc = ref_scope(r, "address_id", address_code, address, PERM_REGISTRY_WRITE, code);
	if (rc == RC_OK && in_json(r, "owner_ids"))
		rc = check_owners(r, in_json(r, "owner_ids"));
	if (rc != RC_OK)
		return rc;
	struct house_in in;
	house_in_from(r, &in);
	struct actor who = actor_of(r);
	int64_t id = 0;
	rc = req_tx_begin(r);
	if (rc != RC_OK)
		return rc;
	rc = house_insert(r->db, address, code, &in, &who, &id);
	if (rc == RC_CONFLICT)
		req_fail(r, rc, "address_id", "this address has a house record already");
	if (rc == RC_OK)
		rc = req_audit(r, NULL, "house", id_str(r, id), 0, NULL);
	return finish(r, rc, 201, house_json, id);
}

int api_houses_get(struct req *r)
{
	return read_object(r, house_code, house_json, "house.read", "house");
}

int api_houses_update(struct req *r)
{
	char code[16];
	int rc = object_scope(r, 0, house_code, PERM_REGISTRY_WRITE, code);
	if (rc == RC_OK && in_json(r, "owner_ids"))
		rc = check_owners(r, in_json(r, "owner_ids"));
	if (rc != RC_OK)
		return rc;
	struct house_in in;
	house_in_from(r, &in);
	struct actor who = actor_of(r);
	rc = req_tx_begin(r);
	if (rc != RC_OK)
		return rc;
	rc = house_update(r->db, r->ids[0], &in, &who);
	if (rc == RC_OK)
		rc = req_audit(r, NULL, "house", r->params[0], 0, json_incref(r->in));
	return finish(r, rc, 200, house_json, r->ids[0]);
}

/* ---- households ---- */

int api_households_list(struct req *r)
{
	return list_reply(r, &list_households);
}

int api_households_create(struct req *r)
{
	char code[16];
	int64_t address = in_int(r, "address_id", 0);
	int rc = ref_scope(r, "address_id", address_code, address, PERM_REGISTRY_WRITE, code);
	if (rc != RC_OK)
		return rc;
	struct location loc;
	rc = registry_locate(r->db, 0, address, &loc);
	if (rc != RC_OK)
		return rc;
	struct actor who = actor_of(r);
	int64_t id = 0;
	rc = req_tx_begin(r);
	if (rc != RC_OK)
		return rc;
	rc = household_insert(r->db, &loc, in_str(r, "number"), &who, &id);
	if (rc == RC_OK)
		rc = req_audit(r, NULL, "household", id_str(r, id), 0, NULL);
	return finish_seen(r, rc, 201, household_json, id);
}

int api_households_get(struct req *r)
{
	char code[16];
	int rc = object_scope(r, 0, household_code_fn, PERM_REGISTRY_READ, code);
	if (rc != RC_OK)
		return rc;
	json_t *o;
	rc = household_json(r->db, r->ids[0], r->who, &o);
	if (rc != RC_OK)
		return rc;
	json_object_set_new(o, "visits", visits_of_household(r->db, r->ids[0]));
	req_audit_read(r, "household.read", "household", r->params[0], 0, NULL);
	return req_reply(r, 200, o);
}

int api_households_update(struct req *r)
{
	struct actor who;
	struct refusal no = {0};
	int rc = begin_update(r, household_code_fn, &who);
	if (rc != RC_OK)
		return rc;
	rc = household_update(r->db, r->ids[0], in_str(r, "number"), in_int(r, "head_id", 0), &who, &no);
	if (rc == RC_VALIDATION_FAILED)
		req_fail(r, rc, no.field, "%s", no.why);
	if (rc == RC_OK)
		rc = req_audit(r, NULL, "household", r->params[0], 0, json_incref(r->in));
	return finish_seen(r, rc, 200, household_json, r->ids[0]);
}

int api_households_visits(struct req *r)
{
	char code[16];
	int rc = object_scope(r, 0, household_code_fn, PERM_REGISTRY_READ, code);
	if (rc != RC_OK)
		return rc;
	req_audit_read(r, "visit.list", "household", r->params[0], 0, NULL);
	return req_reply(r, 200, json_pack("{s:o}", "items", visits_of_household(r->db, r->ids[0])));
}

int api_households_visit_create(struct req *r)
{
	char code[16];
	int rc = object_scope(r, 0, household_code_fn, PERM_VISIT_WRITE, code);
	if (rc != RC_OK)
		return rc;
	const char *on = in_str(r, "visited_on");
	char today[11];
	registry_today(today);
	if (strlen(on) != 10 || strcmp(on, today) > 0)
		return req_fail(r, RC_VALIDATION_FAILED, "visited_on",
				"the visit date is a day (YYYY-MM-DD) not after today");
	struct actor who = actor_of(r);
	int64_t id = 0;
	rc = req_tx_begin(r);
	if (rc != RC_OK)
		return rc;
	rc = visit_insert(r->db, r->ids[0], code, on, &who, in_str(r, "notes"), in_str(r, "follow_up"), &id);
	if (rc == RC_OK)
		rc = req_audit(r, NULL, "visit", id_str(r, id), 0,
			       json_pack("{s:I}", "household_id", (json_int_t)r->ids[0]));
	return finish(r, rc, 201, visit_json, id);
}

int api_visits_list(struct req *r)
{
	return list_reply(r, &list_visits);
}

int api_visits_update(struct req *r)
{
	char code[16];
	int rc = object_scope(r, 0, visit_code, PERM_VISIT_WRITE, code);
	if (rc != RC_OK)
		return rc;
	struct actor who = actor_of(r);
	bool done = in_bool(r, "follow_up_done", false);
	rc = req_tx_begin(r);
	if (rc != RC_OK)
		return rc;
	rc = visit_update(r->db, r->ids[0], in_has(r, "follow_up_done") ? &done : NULL,
			  in_str(r, "follow_up"), &who);
	if (rc == RC_OK)
		rc = req_audit(r, NULL, "visit", r->params[0], 0, json_incref(r->in));
	return finish(r, rc, 200, visit_json, r->ids[0]);
}

/* ---- residents ---- */

static void resident_in_from(struct req *r, struct resident_in *in)
{
	in->name = in_str(r, "name");
	in->gender = in_str(r, "gender");
	in->birth_date = in_str(r, "birth_date");
	in->id_type = in_str(r, "id_type");
	in->id_number = in_str(r, "id_number");
	in->phone = in_str(r, "phone");
	in->ethnicity = in_str(r, "ethnicity");
	in->residence_type = in_str(r, "residence_type");
	in->employment = in_str(r, "employment");
	in->relation = in_str(r, "relation");
	in->moved_in_on = in_str(r, "moved_in_on");
}

/* Where a resident lives, from household_id or address_id in the body. */
static int body_location(struct req *r, bool required, struct location *loc, bool *given)
{
	int64_t hh = in_int(r, "household_id", 0), addr = in_int(r, "address_id", 0);
	char code[16];
	int rc;
	*given = hh != 0 || addr != 0;
	if (!*given)
		return required ? req_fail(r, RC_VALIDATION_FAILED, "household_id",
					   "give household_id or address_id")
				: RC_OK;
	if (hh != 0 && addr != 0)
		return req_fail(r, RC_VALIDATION_FAILED, "address_id",
				"give household_id or address_id, not both");
	if (hh != 0)
		rc = ref_scope(r, "household_id", household_code_fn, hh, PERM_REGISTRY_WRITE, code);
	else
		rc = ref_scope(r, "address_id", address_code, addr, PERM_REGISTRY_WRITE, code);
	if (rc != RC_OK)
		return rc;
	return registry_locate(r->db, hh, addr, loc);
}

/* Tags given at creation: visible to the caller, with valid attributes. */
static int check_tags(struct req *r, const json_t *tags, const char *code)
{
	size_t i;
	json_t *t;
	json_array_foreach(tags, i, t)
	{
		const char *name = json_string_value(json_object_get(t, "tag"));
		const struct tag_def *def = name ? tag_find(name) : NULL;
		if (!json_is_object(t) || def == NULL)
			return req_fail(r, RC_VALIDATION_FAILED, "tags", "item %zu: not a known tag", i);
		if (!tag_visible(r->who, def, code))
			return req_fail(r, RC_FORBIDDEN, "tags", "your roles may not record the tag %s", name);
		const char *key;
		json_t *v;
		json_object_foreach(t, key, v) if (strcmp(key, "tag") != 0 && strcmp(key, "attrs") != 0 &&
						    strcmp(key, "since") != 0) return req_fail(r, RC_VALIDATION_FAILED,
											  "tags", "item %zu: unknown field %s",
											  i, key);
		const char *why = tag_check_attrs(def, json_object_get(t, "attrs"));
		if (why != NULL)
			return req_fail(r, RC_VALIDATION_FAILED, "tags", "%s: %s", name, why);
	}
	return RC_OK;
}

int api_residents_create(struct req *r)
{
	struct location loc;
	bool given;
	int rc = body_location(r, true, &loc, &given);
	if (rc != RC_OK)
		return rc;
	json_t *tags = in_json(r, "tags");
	if (tags != NULL && (rc = check_tags(r, tags, loc.code)) != RC_OK)
		return rc;
	struct resident_in in;
	resident_in_from(r, &in);
	struct actor who = actor_of(r);
	struct refusal no = {0};
	int64_t id = 0;
	rc = req_tx_begin(r);
	if (rc != RC_OK)
		return rc;
	rc = resident_insert(r->db, &in, &loc, &who, &id, &no);
	if (rc == RC_VALIDATION_FAILED || (rc == RC_CONFLICT && no.field))
		req_fail(r, rc, no.field, "%s", no.why);
	size_t i;
	json_t *t;
	json_array_foreach(tags, i, t)
	{
		if (rc != RC_OK)
			break;
		rc = resident_tag_set(r->db, id, json_string_value(json_object_get(t, "tag")),
				      json_object_get(t, "attrs"),
				      json_string_value(json_object_get(t, "since")), &who);
	}
	/* The first member of a household without a head becomes its head. */
	if (rc == RC_OK && loc.household_id && (!in.relation || strcmp(in.relation, "self") == 0))
		rc = household_claim_head(r->db, loc.household_id, id, &who);
	if (rc == RC_OK)
		rc = req_audit(r, NULL, "resident", id_str(r, id), 0, NULL);
	return finish_seen(r, rc, 201, resident_json, id);
}

int api_residents_get(struct req *r)
{
	/* The most frequent read of the registry: one statement gives the row
	 * and its code, and the scope is checked on that code before anything
	 * is answered (out of scope answers 404 like a missing row). */
	struct sbuf b = {0};
	char code[16];
	int rc = r->ids[0] == 0 ? RC_NOT_FOUND : resident_text_get(r->db, r->ids[0], r->who, &b, code);
	if (rc == RC_OK)
		rc = req_scope(r, PERM_REGISTRY_READ, code);
	if (rc != RC_OK) {
		sbuf_free(&b);
		return rc == RC_NOT_FOUND ? req_fail(r, rc, NULL, NULL) : rc;
	}
	req_audit_read(r, "resident.read", "resident", r->params[0], 0, NULL);
	return req_reply_json_text(r, 200, sbuf_steal(&b), b.len);
}

int api_residents_update(struct req *r)
{
	char code[16];
	int rc = object_scope(r, 0, resident_code_fn, PERM_REGISTRY_WRITE, code);
	if (rc != RC_OK)
		return rc;
	struct location loc;
	bool moved;
	rc = body_location(r, false, &loc, &moved);
	if (rc != RC_OK)
		return rc;
	struct resident_in in;
	resident_in_from(r, &in);
	struct actor who = actor_of(r);
	struct refusal no = {0};
	rc = req_tx_begin(r);
	if (rc != RC_OK)
		return rc;
	rc = resident_update(r->db, r->ids[0], &in, moved ? &loc : NULL, &who, &no);
	if (rc == RC_VALIDATION_FAILED || (rc == RC_CONFLICT && no.field))
		req_fail(r, rc, no.field, "%s", no.why);
	if (rc == RC_OK) {
		/* Record which fields changed, never their values. */
		json_t *fields = json_array();
		const char *key;
		json_t *v;
		json_object_foreach(r->in, key, v) json_array_append_new(fields, json_string(key));
		rc = req_audit(r, NULL, "resident", r->params[0], 0, json_pack("{s:o}", "fields", fields));
	}
	return finish_seen(r, rc, 200, resident_json, r->ids[0]);
}

int api_residents_unmask(struct req *r)
{
	char code[16];
	int rc = object_scope(r, 0, resident_code_fn, PERM_REGISTRY_UNMASK, code);
	if (rc != RC_OK)
		return rc;
	char id_number[64], phone[32];
	rc = resident_unmask(r->db, r->ids[0], id_number, sizeof(id_number), phone, sizeof(phone));
	if (rc != RC_OK)
		return rc;
	/* The record is written before anything is revealed. */
	rc = req_tx_begin(r);
	if (rc == RC_OK)
		rc = req_audit(r, NULL, "resident", r->params[0], 0,
			       json_pack("{s:s, s:[s,s]}", "reason", in_str(r, "reason"), "fields",
					 "id_number", "phone"));
	rc = req_tx_end(r, rc);
	if (rc != RC_OK) {
		sec_wipe(id_number, sizeof(id_number));
		sec_wipe(phone, sizeof(phone));
		return rc;
	}
	json_t *o = json_pack("{s:I, s:s, s:o}", "id", (json_int_t)r->ids[0], "id_number", id_number,
			      "phone", phone[0] ? json_string(phone) : json_null());
	sec_wipe(id_number, sizeof(id_number));
	sec_wipe(phone, sizeof(phone));
	return req_reply(r, 200, o);
}

static int tag_of_path(struct req *r, const char *code, const struct tag_def **out)
{
	const struct tag_def *def = tag_find(r->params[1]);
	if (def == NULL)
		return req_fail(r, RC_NOT_FOUND, NULL, "no such tag");
	if (!tag_visible(r->who, def, code))
		return req_fail(r, RC_FORBIDDEN, NULL, "your roles may not see the tag %s", def->name);
	*out = def;
	return RC_OK;
}

int api_residents_tag_put(struct req *r)
{
	char code[16];
	const struct tag_def *def;
	int rc = object_scope(r, 0, resident_code_fn, PERM_REGISTRY_WRITE, code);
	if (rc == RC_OK)
		rc = tag_of_path(r, code, &def);
	if (rc != RC_OK)
		return rc;
	const char *why = tag_check_attrs(def, in_json(r, "attrs"));
	if (why != NULL)
		return req_fail(r, RC_VALIDATION_FAILED, "attrs", "%s", why);
	struct actor who = actor_of(r);
	rc = req_tx_begin(r);
	if (rc != RC_OK)
		return rc;
	rc = resident_tag_set(r->db, r->ids[0], def->name, in_json(r, "attrs"), in_str(r, "since"), &who);
	if (rc == RC_OK)
		rc = req_audit(r, NULL, "resident", r->params[0], 0, json_pack("{s:s}", "tag", def->name));
	return finish_seen(r, rc, 200, resident_json, r->ids[0]);
}

int api_residents_tag_delete(struct req *r)
{
	char code[16];
	const struct tag_def *def;
	int rc = object_scope(r, 0, resident_code_fn, PERM_REGISTRY_WRITE, code);
	if (rc == RC_OK)
		rc = tag_of_path(r, code, &def);
	if (rc != RC_OK)
		return rc;
	struct actor who = actor_of(r);
	rc = req_tx_begin(r);
	if (rc != RC_OK)
		return rc;
	rc = resident_tag_del(r->db, r->ids[0], def->name, &who);
	if (rc == RC_NOT_FOUND)
		req_fail(r, rc, NULL, "the resident does not carry this tag");
	if (rc == RC_OK)
		rc = req_audit(r, NULL, "resident", r->params[0], 0, json_pack("{s:s}", "tag", def->name));
	rc = req_tx_end(r, rc);
	if (rc != RC_OK)
		return rc;
	return req_reply(r, 204, NULL);
}

static int move(struct req *r, bool in)
{
	char code[16];
	int rc = object_scope(r, 0, resident_code_fn, PERM_REGISTRY_WRITE, code);
	if (rc != RC_OK)
		return rc;
	struct location loc;
	bool given = false;
	if (in && (rc = body_location(r, true, &loc, &given)) != RC_OK)
		return rc;
	const char *on = in_str(r, "on");
	if (strlen(on) != 10)
		return req_fail(r, RC_VALIDATION_FAILED, "on", "a date is written YYYY-MM-DD");
	json_t *cur;
	rc = resident_json(r->db, r->ids[0], r->who, &cur);
	if (rc != RC_OK)
		return rc;
	bool active = strcmp(json_string_value(json_object_get(cur, "status")), "active") == 0;
	json_decref(cur);
	if (in == active)
		return req_fail(r, RC_CONFLICT, NULL, in ? "the resident lives here already"
							 : "the resident has moved out already");
	struct actor who = actor_of(r);
	rc = req_tx_begin(r);
	if (rc != RC_OK)
		return rc;
	rc = resident_move(r->db, r->ids[0], in, in ? &loc : NULL, on,
			   in_str(r, in ? "from" : "to"), in_str(r, "reason"), &who);
	if (rc == RC_OK)
		rc = req_audit(r, NULL, "resident", r->params[0], 0, json_pack("{s:s}", "on", on));
	return finish_seen(r, rc, 200, resident_json, r->ids[0]);
}

int api_residents_move_out(struct req *r)
{
	return move(r, false);
}

int api_residents_move_in(struct req *r)
{
	return move(r, true);
}

int api_residents_history(struct req *r)
{
	char code[16];
	int rc = object_scope(r, 0, resident_code_fn, PERM_REGISTRY_READ, code);
	if (rc != RC_OK)
		return rc;
	/* A change of a tag the caller may not see stays out, and so does a
	 * version that held nothing else. */
	json_t *all = registry_versions_json(r->db, "resident", r->ids[0]), *shown = json_array();
	size_t i;
	json_t *v;
	json_array_foreach(all, i, v)
	{
		json_t *changes = json_object_get(v, "changes");
		const char *key;
		json_t *val, *tmp;
		json_object_foreach_safe(changes, tmp, key, val)
		{
			if (strncmp(key, "tag.", 4) != 0)
				continue;
			const struct tag_def *def = tag_find(key + 4);
			if (def == NULL || !tag_visible(r->who, def, code))
				json_object_del(changes, key);
		}
		if (json_object_size(changes) > 0)
			json_array_append(shown, v);
	}
	json_decref(all);
	req_audit_read(r, "resident.history", "resident", r->params[0], 0, NULL);
	return req_reply(r, 200, json_pack("{s:o, s:o}", "versions", shown, "moves",
					   resident_moves_json(r->db, r->ids[0])));
}

/* Build the filter of a residents list from the query. */
static int resident_filter_from(struct req *r, struct resident_filter *f, unsigned char *blind)
{
	int rc = registry_list_roots(r, PERM_REGISTRY_READ, &f->roots);
	if (rc != RC_OK)
		return rc;
	struct page p = req_page(r);
	f->limit = p.limit;
	f->offset = p.offset;
	f->tag = q_str(r, "tag");
	f->residence_type = q_str(r, "residence_type");
	f->status = q_str(r, "status") ? q_str(r, "status") : "active";
	if (strcmp(f->status, "any") == 0)
		f->status = NULL;
	f->age_min = (int)q_int(r, "age_min", -1);
	f->age_max = (int)q_int(r, "age_max", -1);
	f->household_id = q_int(r, "household_id", 0);
	if (f->tag != NULL) {
		const struct tag_def *def = tag_find(f->tag);
		/* Filtering by a tag reveals who carries it: the same rule as
		 * seeing it, for every node of the scope. */
		json_error_t err;
		json_t *roots = json_loads(f->roots, 0, &err);
		size_t i;
		json_t *v;
		bool ok = def != NULL;
		json_array_foreach(roots, i, v) ok = ok && tag_visible(r->who, def, json_string_value(v));
		json_decref(roots);
		if (def == NULL)
			return req_fail(r, RC_VALIDATION_FAILED, "tag", "not a known tag");
		if (!ok)
			return req_fail(r, RC_FORBIDDEN, "tag", "your roles may not see the tag %s", f->tag);
	}
	const char *idn = q_str(r, "id_number"), *phone = q_str(r, "phone");
	if (idn && phone)
		return req_fail(r, RC_VALIDATION_FAILED, "phone", "search by id_number or phone, not both");
	if (idn) {
		char norm[40];
		snprintf(norm, sizeof(norm), "%s", idn);
		normalize_citizen_id(norm);
		sec_blind(blind, "id_number", norm);
		f->blind = blind;
	} else if (phone) {
		sec_blind(blind, "phone", phone);
		f->blind = blind;
	}
	if (q_str(r, "q") != NULL && f->blind == NULL) {
		bool active = f->status != NULL && strcmp(f->status, "active") == 0;
		char *m = search_match(q_str(r, "q"), registry_effective_roots(r->db, f->roots), active);
		if (m == NULL)
			return req_fail(r, RC_VALIDATION_FAILED, "q", "type part of a name: letters, digits or Chinese characters");
		f->match = arena_strdup(&r->arena, m);
		free(m);
	}
	if (f->age_min >= 0 && f->age_max >= 0 && f->age_min > f->age_max)
		return req_fail(r, RC_VALIDATION_FAILED, "age_max", "age_max is below age_min");
	return RC_OK;
}

int api_residents_list(struct req *r)
{
	struct resident_filter f = {0};
	unsigned char blind[SEC_HASH_BYTES];
	int rc = resident_filter_from(r, &f, blind);
	if (rc != RC_OK)
		return rc;
	json_t *items = NULL;
	int64_t total = 0;
	rc = residents_list(r->db, &f, r->who, &items, &total);
	if (rc != RC_OK)
		return rc;
	/* Which residents were shown, not what was asked for: the query may
	 * hold a name or number the auditor has no need to read. */
	json_t *ids = json_array();
	size_t i;
	json_t *v;
	json_array_foreach(items, i, v) json_array_append_new(ids, json_incref(json_object_get(v, "id")));
	req_audit_read(r, "resident.list", "resident", "", 0,
		       json_pack("{s:o, s:b}", "ids", ids, "exact_number", f.blind != NULL));
	return reply_page(r, RC_OK, items, total);
}

/* ---- units ---- */

int api_units_list(struct req *r)
{
	return list_reply(r, &list_units);
}

static void unit_in_from(struct req *r, struct unit_in *in)
{
	in->name = in_str(r, "name");
	in->credit_code = in_str(r, "credit_code");
	in->type = in_str(r, "type");
	in->contact_name = in_str(r, "contact_name");
	in->phone = in_str(r, "phone");
	in->address_id = in_int(r, "address_id", 0);
}

int api_units_create(struct req *r)
{
	char code[16];
	struct unit_in in;
	unit_in_from(r, &in);
	int rc = ref_scope(r, "address_id", address_code, in.address_id, PERM_REGISTRY_WRITE, code);
	if (rc != RC_OK)
		return rc;
	struct actor who = actor_of(r);
	int64_t id = 0;
	rc = req_tx_begin(r);
	if (rc != RC_OK)
		return rc;
	rc = unit_insert(r->db, &in, code, &who, &id);
	if (rc == RC_CONFLICT)
		req_fail(r, rc, "credit_code", "a unit with this credit code is registered already");
	if (rc == RC_OK)
		rc = req_audit(r, NULL, "unit", id_str(r, id), 0, NULL);
	return finish(r, rc, 201, unit_json, id);
}

int api_units_get(struct req *r)
{
	/* A unit names its contact person and their (masked) phone. */
	return read_object(r, unit_code, unit_json, "unit.read", "unit");
}

int api_units_update(struct req *r)
{
	char code[16];
	int rc = object_scope(r, 0, unit_code, PERM_REGISTRY_WRITE, code);
	if (rc != RC_OK)
		return rc;
	struct unit_in in;
	unit_in_from(r, &in);
	if (in.address_id &&
	    (rc = ref_scope(r, "address_id", address_code, in.address_id, PERM_REGISTRY_WRITE, code)) != RC_OK)
		return rc;
	struct actor who = actor_of(r);
	rc = req_tx_begin(r);
	if (rc != RC_OK)
		return rc;
	rc = unit_update(r->db, r->ids[0], &in, code, &who);
	if (rc == RC_CONFLICT)
		req_fail(r, rc, "credit_code", "a unit with this credit code is registered already");
	if (rc == RC_OK)
		rc = req_audit(r, NULL, "unit", r->params[0], 0, NULL);
	return finish(r, rc, 200, unit_json, r->ids[0]);
}

/* ---- search, statistics, tags ---- */

int api_search(struct req *r)
{
	const char *roots;
	int rc = registry_list_roots(r, PERM_REGISTRY_READ, &roots);
	if (rc != RC_OK)
		return rc;
	char *m = search_match(q_str(r, "q"), registry_effective_roots(r->db, roots), false);
	if (m == NULL)
		return req_fail(r, RC_VALIDATION_FAILED, "q", "type part of a name or an address");
	struct page p = req_page(r);
	json_t *items = NULL;
	int64_t total = 0;
	rc = search_json(r->db, m, p.limit, p.offset, &items, &total);
	free(m);
	if (rc == RC_OK)
		req_audit_read(r, "registry.search", "search", "", 0,
			       json_pack("{s:I}", "rows", (json_int_t)json_array_size(items)));
	return reply_page(r, rc, items, total);
}

int api_registry_stats(struct req *r)
{
	int64_t org = q_int(r, "org_id", 0);
	struct org_node n;
	int rc;
	if (org == 0) {
		/* The caller's first starting node. */
		const char *roots = principal_roots(r->who, PERM_REGISTRY_READ, &r->arena);
		json_error_t err;
		json_t *arr = json_loads(roots ? roots : "[]", 0, &err);
		const char *code = json_string_value(json_array_get(arr, 0));
		rc = code && *code ? org_get_by_code(r->db, &r->arena, code, &n) : RC_NOT_FOUND;
		json_decref(arr);
		if (rc != RC_OK)
			return req_fail(r, RC_VALIDATION_FAILED, "org_id", "give org_id");
	} else {
		rc = org_get(r->db, &r->arena, org, &n);
		if (rc == RC_NOT_FOUND)
			return req_fail(r, rc, "org_id", "no such node");
		if (rc != RC_OK)
			return rc;
	}
	rc = req_scope(r, PERM_REGISTRY_READ, n.code);
	if (rc != RC_OK)
		return rc;
	json_t *o;
	rc = registry_stats(r->db, n.code, r->who, &o);
	if (rc != RC_OK)
		return rc;
	json_object_set_new(o, "node", org_node_json(&n));
	return req_reply(r, 200, o);
}

int api_registry_tags(struct req *r)
{
	json_t *items = json_array();
	for (const struct tag_def *t = tag_catalogue(); t->name; t++) {
		bool visible = false;
		for (size_t i = 0; i < r->who->ngrants && !visible; i++)
			visible = (t->roles & (1u << r->who->grants[i].role)) != 0;
		if (visible)
			json_array_append_new(items, json_pack("{s:s, s:b, s:s}", "tag", t->name,
							       "sensitive", t->sensitive, "attrs", t->attrs));
	}
	return req_reply(r, 200, json_pack("{s:o}", "items", items));
}
