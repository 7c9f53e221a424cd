/*
 * HTTP handlers of grid events, their categories, handling units and the
 * inbox.  Every transition goes through one handler: the engine checks
 * scope, role, unit and state, then the move, its consequences, the audit
 * record and the notices commit in one transaction.
 */
#include "events/api_events.h"

#include <stdio.h>
#include <string.h>

#include "auth/users.h"
#include "core/calendar.h"
#include "core/clock.h"
#include "core/error.h"
#include "events/events.h"
#include "http/export.h"
#include "http/request.h"

static struct case_actor actor_of(struct req *r)
{
	return (struct case_actor){r->who->user_id, r->who->username};
}

static const char *id_text(struct req *r, int64_t id)
{
	return arena_printf(&r->arena, "%lld", (long long)id);
}

/* ---- categories and units ---- */

int api_event_categories_list(struct req *r)
{
	json_t *items;
	int rc = event_categories_json(r->db, &items);
	if (rc != RC_OK)
		return rc;
	return req_reply(r, 200, json_pack("{s:o}", "items", items));
}

/* One category as the catalogue lists it. */
static int category_reply(struct req *r, int status, const char *code)
{
	json_t *all;
	int rc = event_categories_json(r->db, &all);
	if (rc != RC_OK)
		return rc;
	size_t i;
	json_t *c, *found = NULL;
	json_array_foreach(all, i, c) if (strcmp(json_string_value(json_object_get(c, "code")),
						 code) == 0) found = json_incref(c);
	json_decref(all);
	return found ? req_reply(r, status, found) : req_fail(r, RC_NOT_FOUND, NULL, NULL);
}

/* Limits and unit of a category body, checked; NULL or the field at
 * fault. */
static const char *category_unit_ok(struct req *r)
{
	if (!in_has(r, "unit_id") || json_is_null(in_json(r, "unit_id")))
		return NULL;
	sqlite3_stmt *st = db_stmt(r->db, "SELECT 1 FROM handling_units WHERE id = ?");
	if (st == NULL)
		return "unit_id";
	sqlite3_bind_int64(st, 1, in_int(r, "unit_id", 0));
	bool ok = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_reset(st);
	return ok ? NULL : "unit_id";
}

/* Set the fields of the request's body on category code; absent fields
 * keep their value, unit_id null removes the default unit.  RC_NOT_FOUND
 * when there is no such category. */
static int category_apply(struct req *r, const char *code)
{
	sqlite3_stmt *st = db_stmt(
		r->db, "UPDATE event_categories SET name = ifnull(?2, name),"
		       " name_en = ifnull(?3, name_en),"
		       " unit_id = CASE WHEN ?4 THEN ?5 ELSE unit_id END,"
		       " register_limit = ifnull(?6, register_limit),"
		       " register_unit = ifnull(?7, register_unit),"
		       " dispatch_limit = ifnull(?8, dispatch_limit),"
		       " dispatch_unit = ifnull(?9, dispatch_unit),"
		       " handle_limit = ifnull(?10, handle_limit),"
		       " handle_unit = ifnull(?11, handle_unit), active = ifnull(?12, active),"
		       " open311 = ifnull(?13, open311)"
		       " WHERE code = ?1");
	if (st == NULL)
		return RC_INTERNAL;
	db_bind_text(st, 1, code);
	db_bind_text(st, 2, in_str(r, "name"));
	db_bind_text(st, 3, in_str(r, "name_en"));
	sqlite3_bind_int(st, 4, in_has(r, "unit_id"));
	if (in_int(r, "unit_id", 0))
		sqlite3_bind_int64(st, 5, in_int(r, "unit_id", 0));
	static const char *const ints[] = {"register_limit", "dispatch_limit", "handle_limit"};
	static const char *const units[] = {"register_unit", "dispatch_unit", "handle_unit"};
	for (int i = 0; i < 3; i++) {
		if (in_has(r, ints[i]))
			sqlite3_bind_int64(st, 6 + 2 * i, in_int(r, ints[i], 1));
		db_bind_text(st, 7 + 2 * i, in_str(r, units[i]));
	}
	if (in_has(r, "active"))
		sqlite3_bind_int(st, 12, in_bool(r, "active", true));
	if (in_has(r, "open311"))
		sqlite3_bind_int(st, 13, in_bool(r, "open311", false));
	return db_step_one(r->db, st);
}

int api_event_categories_create(struct req *r)
{
	const char *code = in_str(r, "code"), *parent = in_str(r, "parent_code");
	/* 大类 two digits, 小类 four starting with their 大类's. */
	size_t len = strlen(code);
	if (!((parent == NULL && len == 2) || (parent != NULL && len == 4 && strlen(parent) == 2 &&
					       strncmp(code, parent, 2) == 0)) ||
	    strspn(code, "0123456789") != len)
		return req_fail(r, RC_VALIDATION_FAILED, "code",
				"two digits for a category, four starting with its category's "
				"for a sub-category");
	if (category_unit_ok(r) != NULL)
		return req_fail(r, RC_VALIDATION_FAILED, "unit_id", "no such handling unit");
	int rc = req_tx_begin(r);
	if (rc != RC_OK)
		return rc;
	/* The row with its names, then the limits and unit as an update would
	 * set them (the table's defaults for what is not given). */
	sqlite3_stmt *st = db_stmt(
		r->db,
		"INSERT INTO event_categories (code, parent_code, name, name_en, kind, open311)"
		" SELECT ?1, ?2, ?3, ?4, ?5, ?6 WHERE ?2 IS NULL OR EXISTS (SELECT 1"
		" FROM event_categories WHERE code = ?2 AND parent_code IS NULL)");
	if (st == NULL)
		return req_tx_end(r, RC_INTERNAL);
	db_bind_text(st, 1, code);
	db_bind_text(st, 2, parent);
	db_bind_text(st, 3, in_str(r, "name"));
	db_bind_text(st, 4, in_str(r, "name_en"));
	db_bind_text(st, 5, in_str(r, "kind"));
	/* Things (parts, events) are offered on Open311 unless said otherwise;
	 * matters about people are not. */
	sqlite3_bind_int(st, 6, in_bool(r, "open311", strcmp(in_str(r, "kind"), "social") != 0));
	rc = db_step_done(r->db, st);
	if (rc == RC_OK && db_changes(r->db) == 0)
		rc = req_fail(r, RC_VALIDATION_FAILED, "parent_code", "no such category (大类)");
	else if (rc == RC_CONFLICT)
		req_fail(r, rc, "code", "this code is taken");
	if (rc == RC_OK)
		rc = category_apply(r, code);
	if (rc == RC_OK)
		rc = req_audit(r, NULL, "event_category", code, 0, json_incref(r->in));
	rc = req_tx_end(r, rc);
	return rc == RC_OK ? category_reply(r, 201, code) : rc;
}

int api_event_categories_update(struct req *r)
{
	const char *code = r->params[0];
	if (category_unit_ok(r) != NULL)
		return req_fail(r, RC_VALIDATION_FAILED, "unit_id", "no such handling unit");
	int rc = req_tx_begin(r);
	if (rc != RC_OK)
		return rc;
	rc = category_apply(r, code);
	if (rc == RC_NOT_FOUND)
		req_fail(r, rc, NULL, NULL);
	if (rc == RC_OK)
		rc = req_audit(r, NULL, "event_category", code, 0, json_incref(r->in));
	rc = req_tx_end(r, rc);
	return rc == RC_OK ? category_reply(r, 200, code) : rc;
}

static json_t *unit_row(sqlite3_stmt *st)
{
	return json_pack("{s:I, s:s, s:s, s:s, s:s, s:b, s:I, s:b}", "id",
			 (json_int_t)sqlite3_column_int64(st, 0), "name", db_col_text(st, 1),
			 "name_en", db_col_text(st, 2), "kind", db_col_text(st, 3), "org_code",
			 db_col_text(st, 4), "active", sqlite3_column_int(st, 5), "members",
			 (json_int_t)sqlite3_column_int64(st, 6), "member",
			 sqlite3_column_int(st, 7));
}

int api_handling_units_list(struct req *r)
{
	/* Units are not personal data; a dispatcher needs the county's
	 * departments whatever node they work at.  `member` tells the caller
	 * which units' cases they may accept and handle. */
	sqlite3_stmt *st = db_stmt(r->db, "SELECT u.id, u.name, u.name_en, u.kind, u.org_code,"
					  " u.active, (SELECT count(*) FROM handling_unit_members m"
					  " WHERE m.unit_id = u.id), EXISTS (SELECT 1 FROM"
					  " handling_unit_members m WHERE m.unit_id = u.id"
					  " AND m.user_id = ?1) FROM handling_units u"
					  " ORDER BY u.org_code, u.name");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, r->who->user_id);
	json_t *items = json_array();
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(items, unit_row(st));
	sqlite3_reset(st);
	return req_reply(r, 200, json_pack("{s:o}", "items", items));
}

int api_handling_units_create(struct req *r)
{
	const char *code = in_str(r, "org_code");
	int rc = req_scope(r, PERM_EVENT_CATALOG, code);
	if (rc != RC_OK)
		return rc;
	sqlite3_stmt *st = db_stmt(r->db, "SELECT 1 FROM org WHERE code = ?");
	if (st == NULL)
		return RC_INTERNAL;
	db_bind_text(st, 1, code);
	bool exists = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_reset(st);
	if (!exists)
		return req_fail(r, RC_VALIDATION_FAILED, "org_code", "no such node of the tree");
	rc = req_tx_begin(r);
	if (rc != RC_OK)
		return rc;
	st = db_stmt(r->db, "INSERT INTO handling_units (name, name_en, kind, org_code)"
			    " VALUES (?,?,?,?)");
	if (st == NULL)
		return req_tx_end(r, RC_INTERNAL);
	db_bind_text(st, 1, in_str(r, "name"));
	db_bind_text(st, 2, in_str(r, "name_en") ? in_str(r, "name_en") : "");
	db_bind_text(st, 3, in_str(r, "kind"));
	db_bind_text(st, 4, code);
	rc = db_step_done(r->db, st);
	int64_t id = rc == RC_OK ? db_last_id(r->db) : 0;
	if (rc == RC_CONFLICT)
		req_fail(r, rc, "name", "this node already has a unit of that name");
	if (rc == RC_OK)
		rc = req_audit(r, NULL, "handling_unit", id_text(r, id), 0, json_incref(r->in));
	rc = req_tx_end(r, rc);
	if (rc != RC_OK)
		return rc;
	return req_reply(r, 201,
			 json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)id, "name",
				   in_str(r, "name"), "kind", in_str(r, "kind"), "org_code", code));
}

static int unit_scope(struct req *r, int64_t id)
{
	sqlite3_stmt *st = db_stmt(r->db, "SELECT org_code FROM handling_units WHERE id = ?");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	char code[16] = "";
	bool found = sqlite3_step(st) == SQLITE_ROW;
	if (found)
		snprintf(code, sizeof(code), "%s", db_col_text(st, 0));
	sqlite3_reset(st);
	if (!found)
		return req_fail(r, RC_NOT_FOUND, NULL, NULL);
	return req_scope(r, PERM_EVENT_CATALOG, code);
}

int api_handling_units_members_add(struct req *r)
{
	int rc = unit_scope(r, r->ids[0]);
	if (rc != RC_OK)
		return rc;
	/* By id, or by the username the officer knows. */
	int64_t user = in_int(r, "user_id", 0);
	if (user == 0 && in_str(r, "username") != NULL)
		user = users_id_by_name(r->db, in_str(r, "username"));
	if (user == 0 || !users_exists(r->db, user))
		return req_fail(r, RC_VALIDATION_FAILED,
				in_has(r, "user_id") ? "user_id" : "username", "no such account");
	rc = req_tx_begin(r);
	if (rc != RC_OK)
		return rc;
	sqlite3_stmt *st = db_stmt(r->db, "INSERT INTO handling_unit_members (unit_id, user_id)"
					  " VALUES (?, ?) ON CONFLICT DO NOTHING");
	if (st == NULL)
		return req_tx_end(r, RC_INTERNAL);
	sqlite3_bind_int64(st, 1, r->ids[0]);
	sqlite3_bind_int64(st, 2, user);
	rc = db_step_done(r->db, st);
	if (rc == RC_OK)
		rc = req_audit(r, NULL, "handling_unit", r->params[0], 0,
			       json_pack("{s:I}", "user_id", (json_int_t)user));
	rc = req_tx_end(r, rc);
	if (rc != RC_OK)
		return rc;
	return req_reply(r, 200,
			 json_pack("{s:I, s:I}", "unit_id", (json_int_t)r->ids[0], "user_id",
				   (json_int_t)user));
}

int api_handling_units_members_remove(struct req *r)
{
	int rc = unit_scope(r, r->ids[0]);
	if (rc != RC_OK)
		return rc;
	rc = req_tx_begin(r);
	if (rc != RC_OK)
		return rc;
	sqlite3_stmt *st = db_stmt(r->db, "DELETE FROM handling_unit_members"
					  " WHERE unit_id = ? AND user_id = ?");
	if (st == NULL)
		return req_tx_end(r, RC_INTERNAL);
	sqlite3_bind_int64(st, 1, r->ids[0]);
	sqlite3_bind_int64(st, 2, r->ids[1]);
	rc = db_step_one(r->db, st);
	if (rc == RC_NOT_FOUND)
		req_fail(r, rc, NULL, "not a member of this unit");
	if (rc == RC_OK)
		rc = req_audit(r, NULL, "handling_unit", r->params[0], 0,
			       json_pack("{s:I}", "user_id", (json_int_t)r->ids[1]));
	rc = req_tx_end(r, rc);
	return rc == RC_OK ? req_reply(r, 204, NULL) : rc;
}

/* The members of a unit, for a dispatcher choosing whom to send a case to.
 * Like the units themselves they are listed whatever the caller's node: a
 * town's centre dispatches to the county's departments.  Disabled accounts
 * are left out, as they cannot act on a case. */
int api_handling_units_members_list(struct req *r)
{
	sqlite3_stmt *st = db_stmt(r->db, "SELECT 1 FROM handling_units WHERE id = ?");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, r->ids[0]);
	bool found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_reset(st);
	if (!found)
		return req_fail(r, RC_NOT_FOUND, NULL, NULL);
	st = db_stmt(r->db, "SELECT u.id, u.display_name FROM handling_unit_members m"
			    " JOIN users u ON u.id = m.user_id WHERE m.unit_id = ?"
			    " AND u.disabled = 0 ORDER BY u.display_name, u.id");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, r->ids[0]);
	json_t *items = json_array();
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(items, json_pack("{s:I, s:s}", "user_id",
						       (json_int_t)sqlite3_column_int64(st, 0),
						       "display_name", db_col_text(st, 1)));
	sqlite3_reset(st);
	return req_reply(r, 200, json_pack("{s:o}", "items", items));
}

/* ---- events ---- */

/* The grid of a new report: its address's, else the grid whose boundary
 * holds the point, among those the reporter may report in. */
static int locate(struct req *r, struct event_in *in, char code[16])
{
	if (in->address_id) {
		/* The building's position, when it has one, places the event on
		 * the map and among the possible duplicates of its neighbours. */
		sqlite3_stmt *st = db_stmt(r->db, "SELECT a.code, b.lat, b.lon FROM addresses a"
						  " JOIN buildings b ON b.id = a.building_id"
						  " WHERE a.id = ?");
		if (st == NULL)
			return RC_INTERNAL;
		sqlite3_bind_int64(st, 1, in->address_id);
		bool found = sqlite3_step(st) == SQLITE_ROW;
		if (found) {
			snprintf(code, 16, "%s", db_col_text(st, 0));
			if (!in->has_point && sqlite3_column_type(st, 1) != SQLITE_NULL &&
			    sqlite3_column_type(st, 2) != SQLITE_NULL) {
				in->has_point = true;
				in->lat = sqlite3_column_double(st, 1);
				in->lon = sqlite3_column_double(st, 2);
			}
		}
		sqlite3_reset(st);
		if (!found || principal_scope(r->who, PERM_EVENT_REPORT, code, NULL) != RC_OK)
			return req_fail(r, RC_VALIDATION_FAILED, "address_id",
					"no such address where you may report");
		return RC_OK;
	}
	if (!in->has_point)
		return req_fail(r, RC_VALIDATION_FAILED, "lat",
				"give the location: a point (lat, lon) or an address_id");
	const char *roots = principal_roots(r->who, PERM_EVENT_REPORT, &r->arena);
	int rc = roots ? event_grid_at(r->db, roots, in->lon, in->lat, code) : RC_NOT_FOUND;
	if (rc == RC_NOT_FOUND)
		return req_fail(r, RC_VALIDATION_FAILED, "lat",
				"the point lies in none of the grids where you may report");
	return rc;
}

int api_events_create(struct req *r)
{
	struct event_in in = {
		.category = in_str(r, "category"),
		.source = in_str(r, "source"),
		.description = in_str(r, "description"),
		.address_id = in_int(r, "address_id", 0),
		.has_point = in_has(r, "lat") && in_has(r, "lon"),
		.feedback = in_str(r, "feedback"),
	};
	if (in.has_point) {
		in.lat = json_number_value(in_json(r, "lat"));
		in.lon = json_number_value(in_json(r, "lon"));
	}
	/* A resident's report is always a resident report; only staff enter
	 * hotline calls, instructions and their own patrol findings. */
	bool staff = principal_can(r->who, PERM_EVENT_READ);
	if (in.source == NULL)
		in.source = staff ? "patrol" : "resident";
	if (!staff && strcmp(in.source, "resident") != 0)
		return req_fail(r, RC_VALIDATION_FAILED, "source",
				"residents report as 'resident'");
	if (strcmp(in.source, "open311") == 0)
		return req_fail(r, RC_VALIDATION_FAILED, "source",
				"Open311 reports come through /open311/v2/");
	bool self = strcmp(in.source, "self") == 0;
	if (self && (in.feedback == NULL || !principal_can(r->who, PERM_EVENT_HANDLE)))
		return req_fail(r, RC_VALIDATION_FAILED, "feedback",
				"a self-handled event needs what was done, by a grid worker");
	struct event_limits lim;
	int rc = event_category(r->db, in.category, &lim);
	if (rc == RC_NOT_FOUND)
		return req_fail(r, RC_VALIDATION_FAILED, "category",
				"not an active sub-category (小类) code");
	if (rc != RC_OK)
		return rc;
	char code[16];
	rc = locate(r, &in, code);
	if (rc != RC_OK)
		return rc;
	struct case_actor who = actor_of(r);
	int64_t id = 0;
	rc = req_tx_begin(r);
	if (rc != RC_OK)
		return rc;
	rc = event_create(r->db, &in, code, &who, &id);
	if (rc == RC_OK)
		rc = req_audit(r, NULL, "event", id_text(r, id), 0,
			       json_pack("{s:s, s:s, s:s}", "category", in.category, "source",
					 in.source, "code", code));
	rc = req_tx_end(r, rc);
	if (rc != RC_OK)
		return rc;
	json_t *o;
	rc = event_json(r->db, id, staff, &o);
	return rc == RC_OK ? req_reply(r, 201, o) : rc;
}

int api_events_nearby(struct req *r)
{
	const char *roots = principal_roots(r->who, PERM_EVENT_REPORT, &r->arena);
	if (roots == NULL)
		return req_fail(r, RC_FORBIDDEN, NULL, NULL);
	/* At an address, its building's position; one without a position has
	 * no neighbours to compare with. */
	double lat = json_number_value(json_object_get(r->query, "lat"));
	double lon = json_number_value(json_object_get(r->query, "lon"));
	bool located = json_object_get(r->query, "lat") && json_object_get(r->query, "lon");
	if (q_int(r, "address_id", 0) != 0) {
		sqlite3_stmt *st =
			db_stmt(r->db, "SELECT b.lat, b.lon FROM addresses a JOIN buildings b"
				       " ON b.id = a.building_id WHERE a.id = ?"
				       " AND b.lat IS NOT NULL AND b.lon IS NOT NULL");
		if (st == NULL)
			return RC_INTERNAL;
		sqlite3_bind_int64(st, 1, q_int(r, "address_id", 0));
		located = sqlite3_step(st) == SQLITE_ROW;
		if (located) {
			lat = sqlite3_column_double(st, 0);
			lon = sqlite3_column_double(st, 1);
		}
		sqlite3_reset(st);
	}
	if (!located && q_int(r, "address_id", 0) == 0)
		return req_fail(r, RC_VALIDATION_FAILED, "lat",
				"give a point (lat, lon) or an address_id");
	json_t *items = NULL;
	int rc = located ? events_nearby(r->db, roots, q_str(r, "category"), lat, lon, 100, 7,
					 &items)
			 : RC_OK;
	if (rc != RC_OK)
		return rc;
	if (items == NULL)
		items = json_array();
	return req_reply(r, 200, json_pack("{s:o, s:b}", "items", items, "located", located));
}

static int list_reply(struct req *r, struct event_filter *f)
{
	struct page pg = req_page(r);
	f->limit = pg.limit;
	f->offset = pg.offset;
	json_t *items;
	int64_t total;
	bool capped;
	int rc = events_list(r->db, f, &items, &total, &capped);
	if (rc != RC_OK)
		return rc;
	json_t *page = page_json(items, total, pg);
	json_object_set_new(page, "total_capped", json_boolean(capped));
	return req_reply(r, 200, page);
}

int api_events_list(struct req *r)
{
	struct event_filter f = {
		.roots = principal_roots(r->who, PERM_EVENT_READ, &r->arena),
		.state = q_str(r, "state"),
		.category = q_str(r, "category"),
		.source = q_str(r, "source"),
		.overdue_only = json_is_true(json_object_get(r->query, "overdue")),
		.unit_id = q_int(r, "unit_id", 0),
		.level = q_str(r, "level"),
	};
	const char *org = q_str(r, "org");
	if (org != NULL) {
		int rc = req_scope(r, PERM_EVENT_READ, org);
		if (rc != RC_OK)
			return rc;
		f.roots = arena_printf(&r->arena, "[\"%s\"]", org);
	}
	if (f.roots == NULL)
		return req_fail(r, RC_FORBIDDEN, NULL, NULL);
	return list_reply(r, &f);
}

int api_events_mine(struct req *r)
{
	struct event_filter f = {
		.roots = "[\"\"]", .reporter_id = r->who->user_id, .state = q_str(r, "state")};
	return list_reply(r, &f);
}

/* Who may see event id: staff with the board over its node, the members
 * of the unit it is assigned to, and its reporter (without staff names).
 * Outside the caller's scope it does not exist (404); in scope without
 * the permission it is refused (403).  *people: staff names shown. */
static int event_visible(struct req *r, int64_t id, struct case_row *c, bool *people)
{
	if (id == 0 || case_load(r->db, &event_kind, id, c) != RC_OK)
		return req_fail(r, RC_NOT_FOUND, NULL, NULL);
	int scope = principal_scope(r->who, PERM_EVENT_READ, c->code, NULL);
	bool member = c->unit_id && case_unit_member(r->db, c->unit_id, r->who->user_id);
	*people = scope == RC_OK || member;
	if (*people || c->created_by == r->who->user_id)
		return RC_OK;
	if (scope == RC_NOT_FOUND && principal_can(r->who, PERM_EVENT_READ))
		return req_fail(r, RC_NOT_FOUND, NULL, NULL);
	return req_fail(r, RC_FORBIDDEN, NULL, "your role does not allow you to see this event");
}

int api_events_get(struct req *r)
{
	struct case_row c;
	bool people;
	int rc = event_visible(r, r->ids[0], &c, &people);
	if (rc != RC_OK)
		return rc;
	json_t *o;
	rc = event_json(r->db, r->ids[0], people, &o);
	return rc == RC_OK ? req_reply(r, 200, o) : rc;
}

/* POST /api/v1/events/{id}/<action>: the action is the path's last part. */
int api_events_action(struct req *r)
{
	const char *action = strrchr(r->route->path, '/') + 1;
	struct case_row c;
	if (r->ids[0] == 0 || case_load(r->db, &event_kind, r->ids[0], &c) != RC_OK)
		return req_fail(r, RC_NOT_FOUND, NULL, NULL);
	const struct case_transition *t;
	const char *why;
	int rc = case_check(r->db, &event_kind, &c, action, r->who, &t, &why);
	if (rc != RC_OK)
		return req_fail(r, rc, rc == RC_INVALID_STATE ? "state" : NULL, "%s",
				why ? why : rc_info(rc)->message);
	const char *note = in_str(r, "reason");
	if (note == NULL)
		note = in_str(r, "feedback");
	if (note == NULL)
		note = in_str(r, "comment");
	if ((t->flags & CASE_REASON) && note == NULL)
		return req_fail(r, RC_VALIDATION_FAILED,
				strcmp(action, "handle") == 0 ? "feedback" : "reason",
				"this action needs a reason");
	const char *field = event_check_args(r->db, &c, action, r->in, &why);
	if (field != NULL)
		return req_fail(
			r, strcmp(field, "state") == 0 ? RC_INVALID_STATE : RC_VALIDATION_FAILED,
			field, "%s", why);
	struct case_actor who = actor_of(r);
	rc = req_tx_begin(r);
	if (rc != RC_OK)
		return rc;
	int from = c.state;
	json_t *detail = json_deep_copy(r->in);
	json_object_del(detail, "reason");
	json_object_del(detail, "feedback");
	json_object_del(detail, "comment");
	if (json_object_size(detail) == 0) {
		json_decref(detail);
		detail = NULL;
	}
	/* Verification decides where the case goes: closed, or back to its
	 * handler for rework. */
	int to = strcmp(action, "verify") == 0 && !in_bool(r, "passed", false) ? EV_ACCEPTED
									       : EV_CLOSED;
	rc = case_move(r->db, &event_kind, &c, t, to, &who, note, detail);
	if (rc == RC_OK)
		rc = event_after_move(r->db, &c, action, from, r->in, &who);
	if (rc == RC_OK)
		rc = req_audit(r, arena_printf(&r->arena, "event.%s", action), "event",
			       r->params[0], 0, json_incref(r->in));
	rc = req_tx_end(r, rc);
	if (rc != RC_OK)
		return rc;
	json_t *o;
	rc = event_json(r->db, r->ids[0], true, &o);
	return rc == RC_OK ? req_reply(r, 200, o) : rc;
}

/* ---- photos ---- */

/* POST /api/v1/events/{id}/photos?stage=: the body is the image itself.
 * The reporter and the staff who see the event add report photos; the
 * unit's members add photos of their handling; verifiers of the site. */
int api_events_photo_add(struct req *r)
{
	struct case_row c;
	bool people;
	int rc = event_visible(r, r->ids[0], &c, &people);
	if (rc != RC_OK)
		return rc;
	const char *stage = q_str(r, "stage") ? q_str(r, "stage") : "report";
	bool member = c.unit_id && case_unit_member(r->db, c.unit_id, r->who->user_id);
	bool may = strcmp(stage, "report") == 0 ? (people || c.created_by == r->who->user_id)
		   : strcmp(stage, "handle") == 0
			   ? member
			   : principal_scope(r->who, PERM_EVENT_VERIFY, c.code, NULL) == RC_OK;
	if (!may)
		return req_fail(r, RC_FORBIDDEN, "stage", "you may not add photos of this stage");
	const char *type =
		event_photo_type((const unsigned char *)r->body, r->body ? r->body_len : 0);
	if (type == NULL)
		return req_fail(r, RC_UNSUPPORTED_MEDIA_TYPE, NULL,
				"send a JPEG or PNG image (recognised by its content)");
	int64_t id = 0;
	rc = req_tx_begin(r);
	if (rc != RC_OK)
		return rc;
	rc = event_photo_add(r->db, c.id, stage, type, r->body, r->body_len, r->who->user_id, &id);
	if (rc == RC_CONFLICT)
		req_fail(r, rc, NULL, "an event keeps at most %d photos", EVENT_PHOTOS_MAX);
	if (rc == RC_OK)
		rc = req_audit(r, NULL, "event", r->params[0], 0,
			       json_pack("{s:I, s:s, s:s, s:I}", "photo_id", (json_int_t)id,
					 "stage", stage, "type", type, "bytes",
					 (json_int_t)r->body_len));
	rc = req_tx_end(r, rc);
	if (rc != RC_OK)
		return rc;
	return req_reply(r, 201,
			 json_pack("{s:I, s:s, s:s, s:I, s:s}", "id", (json_int_t)id, "stage",
				   stage, "type", type, "bytes", (json_int_t)r->body_len, "url",
				   arena_printf(&r->arena, "/api/v1/events/%s/photos/%lld",
						r->params[0], (long long)id)));
}

/* GET /api/v1/events/{id}/photos/{photo}: to whoever sees the event. */
int api_events_photo_get(struct req *r)
{
	struct case_row c;
	bool people;
	int rc = event_visible(r, r->ids[0], &c, &people);
	if (rc != RC_OK)
		return rc;
	void *data;
	size_t len;
	char type[16];
	rc = event_photo_get(r->db, c.id, r->ids[1], &data, &len, type);
	if (rc == RC_NOT_FOUND)
		return req_fail(r, rc, NULL, NULL);
	if (rc != RC_OK)
		return rc;
	req_audit_read(r, "event.photo_read", "event", r->params[0], 0,
		       json_pack("{s:I}", "photo_id", (json_int_t)r->ids[1]));
	req_add_header(r, "Cache-Control", "private, max-age=3600");
	return req_reply_raw(r, 200, strcmp(type, "image/png") == 0 ? "image/png" : "image/jpeg",
			     data, len, true);
}

/* ---- metrics ---- */

/* The metrics query of a request: the node (org, or the caller's one
 * board root), the period (from and to inclusive civil dates; default this
 * month) and the grouping. */
static int metrics_query(struct req *r, struct event_metrics_query *q, char org[16])
{
	struct report_period p;
	int rc = req_report_period(r, PERM_EVENT_READ, false, &p);
	if (rc != RC_OK)
		return rc;
	snprintf(org, 16, "%s", p.code);
	*q = (struct event_metrics_query){p.code, p.from_ms, p.to_ms,
					  q_str(r, "by") ? q_str(r, "by") : "area", p.area_len};
	return RC_OK;
}

int api_events_metrics(struct req *r)
{
	struct event_metrics_query q;
	char org[16];
	int rc = metrics_query(r, &q, org);
	if (rc != RC_OK)
		return rc;
	json_t *o;
	rc = events_metrics(r->db, &q, &o);
	if (rc != RC_OK)
		return rc;
	return req_reply_report(r, o, org, q.from_ms, q.to_ms);
}

static const char *const metric_columns[] = {"key",
					     "name",
					     "reported",
					     "registered",
					     "dispatched",
					     "due",
					     "closed",
					     "closed_on_time",
					     "closure_rate",
					     "on_time_closure_rate",
					     "on_time_registration_rate",
					     "accurate_dispatch_rate",
					     "rework_rate",
					     "mean_handling_hours",
					     NULL};

int api_events_metrics_export(struct req *r)
{
	struct event_metrics_query q;
	char org[16];
	int rc = metrics_query(r, &q, org);
	if (rc != RC_OK)
		return rc;
	json_t *o;
	rc = events_metrics(r->db, &q, &o);
	if (rc != RC_OK)
		return rc;
	struct export_ctx x = {.r = r,
			       .columns = metric_columns,
			       .xlsx = strcmp(q_str(r, "format"), "xlsx") == 0,
			       .audit = json_pack("{s:s}", "org", org)};
	rc = export_open(&x, "metrics");
	size_t i;
	json_t *row;
	json_array_foreach(json_object_get(o, "rows"), i, row) if (rc == RC_OK) export_row(&x, row);
	json_t *totals = json_object_get(o, "totals");
	json_object_set_new(totals, "key", json_string("total"));
	json_object_set_new(totals, "name", json_string(org));
	if (rc == RC_OK)
		export_row(&x, totals);
	rc = export_send(r, &x, rc, "event-metrics", "event_metrics");
	json_decref(o);
	return rc;
}

/* ---- inbox ---- */

int api_inbox_list(struct req *r)
{
	struct page pg = req_page(r);
	bool unread = json_is_true(json_object_get(r->query, "unread"));
	sqlite3_stmt *count = db_stmt(r->db, "SELECT count(*) FROM inbox WHERE user_id = ?1"
					     " AND (?2 = 0 OR read_at_ms IS NULL)");
	sqlite3_stmt *st = db_stmt(
		r->db,
		"SELECT i.id, i.case_id, i.kind, i.at_ms, i.read_at_ms, c.title, c.state,"
		" c.kind FROM inbox i JOIN cases c ON c.id = i.case_id WHERE i.user_id = ?1"
		" AND (?2 = 0 OR i.read_at_ms IS NULL) ORDER BY i.id DESC LIMIT ?3 OFFSET ?4");
	if (count == NULL || st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(count, 1, r->who->user_id);
	sqlite3_bind_int(count, 2, unread);
	int64_t total = sqlite3_step(count) == SQLITE_ROW ? sqlite3_column_int64(count, 0) : 0;
	sqlite3_reset(count);
	sqlite3_bind_int64(st, 1, r->who->user_id);
	sqlite3_bind_int(st, 2, unread);
	sqlite3_bind_int64(st, 3, pg.limit);
	sqlite3_bind_int64(st, 4, pg.offset);
	json_t *items = json_array();
	while (sqlite3_step(st) == SQLITE_ROW) {
		char at[32];
		clock_iso_ms(sqlite3_column_int64(st, 3), at, sizeof(at));
		json_array_append_new(items,
				      json_pack("{s:I, s:I, s:s, s:s, s:b, s:s, s:s, s:s}", "id",
						(json_int_t)sqlite3_column_int64(st, 0), "case_id",
						(json_int_t)sqlite3_column_int64(st, 1), "kind",
						db_col_text(st, 2), "at", at, "read",
						sqlite3_column_type(st, 4) != SQLITE_NULL, "title",
						db_col_text(st, 5), "state", db_col_text(st, 6),
						"case_kind", db_col_text(st, 7)));
	}
	sqlite3_reset(st);
	return req_reply(r, 200, page_json(items, total, pg));
}

int api_inbox_read(struct req *r)
{
	int rc = req_tx_begin(r);
	if (rc != RC_OK)
		return rc;
	sqlite3_stmt *st = db_stmt(r->db, "UPDATE inbox SET read_at_ms = ifnull(read_at_ms, ?)"
					  " WHERE id = ? AND user_id = ?");
	if (st == NULL)
		return req_tx_end(r, RC_INTERNAL);
	sqlite3_bind_int64(st, 1, clock_now_ms());
	sqlite3_bind_int64(st, 2, r->ids[0]);
	sqlite3_bind_int64(st, 3, r->who->user_id);
	rc = db_step_one(r->db, st);
	if (rc == RC_NOT_FOUND)
		req_fail(r, rc, NULL, NULL);
	if (rc == RC_OK)
		rc = req_audit(r, NULL, "inbox", r->params[0], 0, NULL);
	rc = req_tx_end(r, rc);
	if (rc != RC_OK)
		return rc;
	return req_reply(r, 204, NULL);
}
