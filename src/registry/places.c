/*
 * Buildings, addresses, houses and units.
 */
#include "registry/places.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/error.h"
#include "core/secure.h"
#include "registry/validate.h"

int building_code(struct db *db, int64_t id, char code[16])
{
	return registry_code(db, db_stmt(db, "SELECT code FROM buildings WHERE id = ?"), id, code);
}

int address_code(struct db *db, int64_t id, char code[16])
{
	return registry_code(db, db_stmt(db, "SELECT code FROM addresses WHERE id = ?"), id, code);
}

int house_code(struct db *db, int64_t id, char code[16])
{
	return registry_code(db, db_stmt(db, "SELECT code FROM houses WHERE id = ?"), id, code);
}

int unit_code(struct db *db, int64_t id, char code[16])
{
	return registry_code(db, db_stmt(db, "SELECT code FROM units WHERE id = ?"), id, code);
}

int address_text(struct db *db, int64_t id, char *out, size_t len)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT " ADDRESS_TEXT_SQL " FROM addresses a"
				       " JOIN buildings b ON b.id = a.building_id WHERE a.id = ?");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	int src = sqlite3_step(st), rc = RC_NOT_FOUND;
	if (src == SQLITE_ROW) {
		snprintf(out, len, "%s", db_col_text(st, 0));
		rc = RC_OK;
	}
	sqlite3_reset(st);
	return rc;
}

static int reindex_address(struct db *db, int64_t id)
{
	char text[512], code[16];
	int rc = address_text(db, id, text, sizeof(text));
	if (rc == RC_OK)
		rc = address_code(db, id, code);
	if (rc == RC_OK)
		rc = search_put(db, SEARCH_ADDRESS, id, text, code, false);
	return rc;
}

static void bind_coord(sqlite3_stmt *st, int i, const json_t *v)
{
	if (v != NULL && json_is_number(v))
		sqlite3_bind_double(st, i, json_number_value(v));
	else
		sqlite3_bind_null(st, i);
}

int building_ensure(struct db *db, const struct building_in *in, const struct actor *who,
		    int64_t *id, bool *created)
{
	*created = false;
	sqlite3_stmt *st = db_stmt(db, "SELECT id FROM buildings WHERE grid_id = ? AND street = ?"
				       " AND number = ? AND name = ?");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, in->grid_id);
	db_bind_text(st, 2, in->street);
	db_bind_text(st, 3, in->number);
	db_bind_text(st, 4, in->name ? in->name : "");
	int src = sqlite3_step(st);
	if (src == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
		return RC_OK;
	}
	sqlite3_reset(st);
	if (src != SQLITE_DONE)
		return db_rc(db, src);
	int64_t now = clock_now();
	st = db_stmt(db, "INSERT INTO buildings (grid_id, code, street, number, name, lon, lat,"
			 " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, in->grid_id);
	db_bind_text(st, 2, in->grid_code);
	db_bind_text(st, 3, in->street);
	db_bind_text(st, 4, in->number);
	db_bind_text(st, 5, in->name ? in->name : "");
	bind_coord(st, 6, in->lon);
	bind_coord(st, 7, in->lat);
	sqlite3_bind_int64(st, 8, now);
	sqlite3_bind_int64(st, 9, now);
	int rc = db_step_done(db, st);
	if (rc != RC_OK)
		return rc;
	*id = db_last_id(db);
	*created = true;
	return registry_version(db, "building", *id, who,
				json_pack("{s:[n,s], s:[n,s], s:[n,s], s:[n,s]}", "grid",
					  in->grid_code, "street", in->street, "number", in->number,
					  "name", in->name ? in->name : ""));
}

int building_update(struct db *db, int64_t id, const char *street, const char *number,
		    const char *name, const json_t *lon, const json_t *lat, const struct actor *who)
{
	sqlite3_stmt *st =
		db_stmt(db, "SELECT street, number, name, lon, lat FROM buildings WHERE id = ?");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		return RC_NOT_FOUND;
	}
	json_t *changes = json_object();
	const char *names[] = {"street", "number", "name"};
	const char *news[] = {street, number, name};
	for (int i = 0; i < 3; i++)
		if (news[i] != NULL && strcmp(news[i], db_col_text(st, i)) != 0)
			json_object_set_new(changes, names[i],
					    json_pack("[s,s]", db_col_text(st, i), news[i]));
	if (lon != NULL)
		json_object_set_new(changes, "lon", json_pack("[o,O]", db_col_json(st, 3), lon));
	if (lat != NULL)
		json_object_set_new(changes, "lat", json_pack("[o,O]", db_col_json(st, 4), lat));
	sqlite3_reset(st);
	st = db_stmt(db, "UPDATE buildings SET street = coalesce(?1, street),"
			 " number = coalesce(?2, number), name = coalesce(?3, name),"
			 " lon = CASE WHEN ?4 THEN ?5 ELSE lon END,"
			 " lat = CASE WHEN ?6 THEN ?7 ELSE lat END, updated_at = ?8 WHERE id = ?9");
	if (st == NULL) {
		json_decref(changes);
		return RC_INTERNAL;
	}
	db_bind_text(st, 1, street);
	db_bind_text(st, 2, number);
	db_bind_text(st, 3, name);
	sqlite3_bind_int(st, 4, lon != NULL);
	bind_coord(st, 5, lon);
	sqlite3_bind_int(st, 6, lat != NULL);
	bind_coord(st, 7, lat);
	sqlite3_bind_int64(st, 8, clock_now());
	sqlite3_bind_int64(st, 9, id);
	int rc = db_step_done(db, st);
	if (rc != RC_OK) {
		json_decref(changes);
		return rc;
	}
	if (street || number || name) {
		st = db_stmt(db, "SELECT id FROM addresses WHERE building_id = ?");
		if (st == NULL) {
			json_decref(changes);
			return RC_INTERNAL;
		}
		sqlite3_bind_int64(st, 1, id);
		int64_t ids[512];
		size_t n = 0;
		while (sqlite3_step(st) == SQLITE_ROW && n < 512)
			ids[n++] = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
		for (size_t i = 0; i < n && rc == RC_OK; i++)
			rc = reindex_address(db, ids[i]);
	}
	if (rc == RC_OK)
		return registry_version(db, "building", id, who, changes);
	json_decref(changes);
	return rc;
}

static json_t *households_of_address(struct db *db, int64_t address_id)
{
	json_t *arr = json_array();
	sqlite3_stmt *st = db_stmt(
		db, "SELECT h.id, h.number, (SELECT name FROM residents WHERE id = h.head_id),"
		    " (SELECT count(*) FROM residents r WHERE r.household_id = h.id AND r.status = "
		    "'active')"
		    " FROM households h WHERE h.address_id = ? ORDER BY h.id");
	if (st == NULL)
		return arr;
	sqlite3_bind_int64(st, 1, address_id);
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(arr, json_pack("{s:I, s:s, s:s, s:I}", "id",
						     (json_int_t)sqlite3_column_int64(st, 0),
						     "number", db_col_text(st, 1), "head_name",
						     db_col_text(st, 2), "members",
						     (json_int_t)sqlite3_column_int64(st, 3)));
	sqlite3_reset(st);
	return arr;
}

int building_json(struct db *db, int64_t id, json_t **out_new)
{
	sqlite3_stmt *st = db_stmt(
		db,
		"SELECT b.id, b.grid_id, b.code, b.street, b.number, b.name, b.lon, b.lat, o.name"
		" FROM buildings b JOIN org o ON o.id = b.grid_id WHERE b.id = ?");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		return RC_NOT_FOUND;
	}
	json_t *o = json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:o, s:o, s:s}", "id",
			      (json_int_t)sqlite3_column_int64(st, 0), "grid_id",
			      (json_int_t)sqlite3_column_int64(st, 1), "code", db_col_text(st, 2),
			      "street", db_col_text(st, 3), "number", db_col_text(st, 4), "name",
			      db_col_text(st, 5), "lon", db_col_json(st, 6), "lat",
			      db_col_json(st, 7), "grid_name", db_col_text(st, 8));
	sqlite3_reset(st);
	json_t *addrs = json_array();
	st = db_stmt(db, "SELECT a.id, a.unit, a.room, " ADDRESS_TEXT_SQL ","
			 " (SELECT h.id FROM houses h WHERE h.address_id = a.id),"
			 " (SELECT h.occupancy FROM houses h WHERE h.address_id = a.id)"
			 " FROM addresses a JOIN buildings b ON b.id = a.building_id"
			 " WHERE a.building_id = ? ORDER BY a.unit, a.room, a.id");
	if (st == NULL) {
		json_decref(o);
		return RC_INTERNAL;
	}
	sqlite3_bind_int64(st, 1, id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		json_t *a = json_pack("{s:I, s:s, s:s, s:s}", "id",
				      (json_int_t)sqlite3_column_int64(st, 0), "unit",
				      db_col_text(st, 1), "room", db_col_text(st, 2), "text",
				      db_col_text(st, 3));
		json_object_set_new(a, "house",
				    sqlite3_column_type(st, 4) == SQLITE_NULL
					    ? json_null()
					    : json_pack("{s:I, s:s}", "id",
							(json_int_t)sqlite3_column_int64(st, 4),
							"occupancy", db_col_text(st, 5)));
		json_array_append_new(addrs, a);
	}
	sqlite3_reset(st);
	size_t i;
	json_t *a;
	json_array_foreach(addrs, i, a) json_object_set_new(
		a, "households",
		households_of_address(db, json_integer_value(json_object_get(a, "id"))));
	json_object_set_new(o, "addresses", addrs);
	*out_new = o;
	return RC_OK;
}

static json_t *building_row(sqlite3_stmt *st)
{
	return json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:I, s:I, s:I}", "id",
			 (json_int_t)sqlite3_column_int64(st, 0), "grid_id",
			 (json_int_t)sqlite3_column_int64(st, 1), "code", db_col_text(st, 2),
			 "street", db_col_text(st, 3), "number", db_col_text(st, 4), "name",
			 db_col_text(st, 5), "addresses", (json_int_t)sqlite3_column_int64(st, 6),
			 "households", (json_int_t)sqlite3_column_int64(st, 7), "residents",
			 (json_int_t)sqlite3_column_int64(st, 8));
}

int buildings_list(struct db *db, const char *roots, int64_t grid_id, const struct list_rows *rows,
		   json_t **items_new, int64_t *total)
{
#define BUILDINGS_FROM                                                                            \
	" FROM json_each(?1) r JOIN buildings b ON b.code >= r.value AND b.code < r.value || ';'" \
	" WHERE (?2 IS NULL OR b.grid_id = ?2)"
	struct list_query q = {roots, grid_id, NULL, rows};
	return registry_list(
		db, db_stmt(db, "SELECT count(*)" BUILDINGS_FROM),
		db_stmt(db,
			"SELECT b.id, b.grid_id, b.code, b.street, b.number, b.name,"
			" (SELECT count(*) FROM addresses a WHERE a.building_id = b.id),"
			" (SELECT count(*) FROM households h JOIN addresses a ON a.id = "
			"h.address_id"
			"  WHERE a.building_id = b.id),"
			" (SELECT count(*) FROM residents x JOIN addresses a ON a.id = x.address_id"
			"  WHERE a.building_id = b.id AND x.status = 'active')" BUILDINGS_FROM
			" ORDER BY b.code, b.street, CAST(b.number AS INTEGER), b.number, b.name"
			" LIMIT ?3 OFFSET ?4"),
		&q, building_row, items_new, total);
#undef BUILDINGS_FROM
}

int address_insert(struct db *db, int64_t building_id, const char *unit, const char *room,
		   const struct actor *who, int64_t *id)
{
	char code[16];
	int rc = building_code(db, building_id, code);
	if (rc != RC_OK)
		return rc;
	int64_t now = clock_now();
	sqlite3_stmt *st = db_stmt(db, "INSERT INTO addresses (building_id, code, unit, room,"
				       " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, building_id);
	db_bind_text(st, 2, code);
	db_bind_text(st, 3, unit ? unit : "");
	db_bind_text(st, 4, room ? room : "");
	sqlite3_bind_int64(st, 5, now);
	sqlite3_bind_int64(st, 6, now);
	rc = db_step_done(db, st);
	if (rc != RC_OK)
		return rc;
	*id = db_last_id(db);
	rc = reindex_address(db, *id);
	if (rc == RC_OK)
		rc = registry_version(db, "address", *id, who,
				      json_pack("{s:[n,I], s:[n,s], s:[n,s]}", "building",
						(json_int_t)building_id, "unit", unit ? unit : "",
						"room", room ? room : ""));
	return rc;
}

int address_ensure(struct db *db, int64_t building_id, const char *unit, const char *room,
		   const struct actor *who, int64_t *id, bool *created)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT id FROM addresses WHERE building_id = ? AND unit = ?"
				       " AND room = ?");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, building_id);
	db_bind_text(st, 2, unit ? unit : "");
	db_bind_text(st, 3, room ? room : "");
	int src = sqlite3_step(st);
	if (src == SQLITE_ROW)
		*id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	*created = false;
	if (src == SQLITE_ROW)
		return RC_OK;
	if (src != SQLITE_DONE)
		return db_rc(db, src);
	*created = true;
	return address_insert(db, building_id, unit, room, who, id);
}

int address_update(struct db *db, int64_t id, const char *unit, const char *room,
		   const struct actor *who)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT unit, room FROM addresses WHERE id = ?");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		return RC_NOT_FOUND;
	}
	json_t *changes = json_object();
	if (unit && strcmp(unit, db_col_text(st, 0)) != 0)
		json_object_set_new(changes, "unit", json_pack("[s,s]", db_col_text(st, 0), unit));
	if (room && strcmp(room, db_col_text(st, 1)) != 0)
		json_object_set_new(changes, "room", json_pack("[s,s]", db_col_text(st, 1), room));
	sqlite3_reset(st);
	st = db_stmt(db, "UPDATE addresses SET unit = coalesce(?, unit), room = coalesce(?, room),"
			 " updated_at = ? WHERE id = ?");
	if (st == NULL) {
		json_decref(changes);
		return RC_INTERNAL;
	}
	db_bind_text(st, 1, unit);
	db_bind_text(st, 2, room);
	sqlite3_bind_int64(st, 3, clock_now());
	sqlite3_bind_int64(st, 4, id);
	int rc = db_step_done(db, st);
	if (rc == RC_OK)
		rc = reindex_address(db, id);
	if (rc == RC_OK)
		return registry_version(db, "address", id, who, changes);
	json_decref(changes);
	return rc;
}

int address_json(struct db *db, int64_t id, json_t **out_new)
{
	sqlite3_stmt *st = db_stmt(
		db, "SELECT a.id, a.building_id, a.code, a.unit, a.room, " ADDRESS_TEXT_SQL ","
		    " b.street, b.number, b.name, b.grid_id, o.name"
		    " FROM addresses a JOIN buildings b ON b.id = a.building_id"
		    " JOIN org o ON o.id = b.grid_id WHERE a.id = ?");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		return RC_NOT_FOUND;
	}
	json_t *o = json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:s}", "id",
			      (json_int_t)sqlite3_column_int64(st, 0), "building_id",
			      (json_int_t)sqlite3_column_int64(st, 1), "code", db_col_text(st, 2),
			      "unit", db_col_text(st, 3), "room", db_col_text(st, 4), "text",
			      db_col_text(st, 5), "street", db_col_text(st, 6), "number",
			      db_col_text(st, 7), "building", db_col_text(st, 8), "grid_id",
			      (json_int_t)sqlite3_column_int64(st, 9), "grid_name",
			      db_col_text(st, 10));
	sqlite3_reset(st);
	json_object_set_new(o, "households", households_of_address(db, id));
	st = db_stmt(db, "SELECT id FROM houses WHERE address_id = ?");
	if (st != NULL) {
		sqlite3_bind_int64(st, 1, id);
		json_object_set_new(o, "house_id",
				    sqlite3_step(st) == SQLITE_ROW
					    ? json_integer(sqlite3_column_int64(st, 0))
					    : json_null());
		sqlite3_reset(st);
	}
	*out_new = o;
	return RC_OK;
}

static json_t *address_row(sqlite3_stmt *st)
{
	return json_pack(
		"{s:I, s:I, s:s, s:s, s:s, s:s}", "id", (json_int_t)sqlite3_column_int64(st, 0),
		"building_id", (json_int_t)sqlite3_column_int64(st, 1), "code", db_col_text(st, 2),
		"unit", db_col_text(st, 3), "room", db_col_text(st, 4), "text", db_col_text(st, 5));
}

int addresses_list(struct db *db, const char *roots, int64_t building_id,
		   const struct list_rows *rows, json_t **items_new, int64_t *total)
{
#define ADDRESSES_FROM                                                                            \
	" FROM json_each(?1) r JOIN addresses a ON a.code >= r.value AND a.code < r.value || ';'" \
	" JOIN buildings b ON b.id = a.building_id WHERE (?2 IS NULL OR a.building_id = ?2)"
	struct list_query q = {roots, building_id, NULL, rows};
	return registry_list(
		db, db_stmt(db, "SELECT count(*)" ADDRESSES_FROM),
		db_stmt(db, "SELECT a.id, a.building_id, a.code, a.unit, a.room, " ADDRESS_TEXT_SQL
				    ADDRESSES_FROM " ORDER BY a.code, a.id LIMIT ?3 OFFSET ?4"),
		&q, address_row, items_new, total);
#undef ADDRESSES_FROM
}

/* ---- houses ---- */

static int set_owners(struct db *db, int64_t house_id, const json_t *ids)
{
	sqlite3_stmt *st = db_stmt(db, "DELETE FROM house_owners WHERE house_id = ?");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, house_id);
	int rc = db_step_done(db, st);
	size_t i;
	json_t *v;
	json_array_foreach(ids, i, v)
	{
		if (rc != RC_OK)
			break;
		st = db_stmt(db, "INSERT OR IGNORE INTO house_owners (house_id, resident_id)"
				 " VALUES (?, ?)");
		if (st == NULL)
			return RC_INTERNAL;
		sqlite3_bind_int64(st, 1, house_id);
		sqlite3_bind_int64(st, 2, json_integer_value(v));
		rc = db_step_done(db, st);
	}
	return rc;
}

int house_insert(struct db *db, int64_t address_id, const char *code, const struct house_in *in,
		 const struct actor *who, int64_t *id)
{
	int64_t now = clock_now();
	sqlite3_stmt *st =
		db_stmt(db, "INSERT INTO houses (address_id, code, area, use, ownership,"
			    " occupancy, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?)");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, address_id);
	db_bind_text(st, 2, code);
	bind_coord(st, 3, in->area);
	db_bind_text(st, 4, in->use);
	db_bind_text(st, 5, in->ownership);
	db_bind_text(st, 6, in->occupancy);
	sqlite3_bind_int64(st, 7, now);
	sqlite3_bind_int64(st, 8, now);
	int rc = db_step_done(db, st);
	if (rc != RC_OK)
		return rc;
	*id = db_last_id(db);
	if (in->owner_ids != NULL)
		rc = set_owners(db, *id, in->owner_ids);
	if (rc == RC_OK)
		rc = registry_version(db, "house", *id, who,
				      json_pack("{s:[n,I], s:[n,O], s:[n,s], s:[n,s], s:[n,s]}",
						"address", (json_int_t)address_id, "area",
						in->area ? in->area : json_null(), "use", in->use,
						"ownership", in->ownership, "occupancy",
						in->occupancy));
	return rc;
}

int house_update(struct db *db, int64_t id, const struct house_in *in, const struct actor *who)
{
	sqlite3_stmt *st =
		db_stmt(db, "SELECT area, use, ownership, occupancy FROM houses WHERE id = ?");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		return RC_NOT_FOUND;
	}
	json_t *changes = json_object();
	if (in->area != NULL)
		json_object_set_new(changes, "area",
				    json_pack("[o,O]", db_col_json(st, 0), in->area));
	const char *names[] = {"use", "ownership", "occupancy"};
	const char *news[] = {in->use, in->ownership, in->occupancy};
	for (int i = 0; i < 3; i++)
		if (news[i] && strcmp(news[i], db_col_text(st, i + 1)) != 0)
			json_object_set_new(changes, names[i],
					    json_pack("[s,s]", db_col_text(st, i + 1), news[i]));
	sqlite3_reset(st);
	st = db_stmt(db, "UPDATE houses SET area = CASE WHEN ?1 THEN ?2 ELSE area END,"
			 " use = coalesce(?3, use), ownership = coalesce(?4, ownership),"
			 " occupancy = coalesce(?5, occupancy), updated_at = ?6 WHERE id = ?7");
	if (st == NULL) {
		json_decref(changes);
		return RC_INTERNAL;
	}
	sqlite3_bind_int(st, 1, in->area != NULL);
	bind_coord(st, 2, in->area);
	db_bind_text(st, 3, in->use);
	db_bind_text(st, 4, in->ownership);
	db_bind_text(st, 5, in->occupancy);
	sqlite3_bind_int64(st, 6, clock_now());
	sqlite3_bind_int64(st, 7, id);
	int rc = db_step_done(db, st);
	if (rc == RC_OK && in->owner_ids != NULL) {
		rc = set_owners(db, id, in->owner_ids);
		json_object_set_new(changes, "owners", json_pack("[n,O]", in->owner_ids));
	}
	if (rc == RC_OK)
		return registry_version(db, "house", id, who, changes);
	json_decref(changes);
	return rc;
}

int house_json(struct db *db, int64_t id, json_t **out_new)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT h.id, h.address_id, h.code, h.area, h.use, "
				       "h.ownership, h.occupancy, " ADDRESS_TEXT_SQL
				       " FROM houses h JOIN addresses a ON a.id = h.address_id"
				       " JOIN buildings b ON b.id = a.building_id WHERE h.id = ?");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		return RC_NOT_FOUND;
	}
	json_t *o = json_pack("{s:I, s:I, s:s, s:o, s:s, s:s, s:s, s:s}", "id",
			      (json_int_t)sqlite3_column_int64(st, 0), "address_id",
			      (json_int_t)sqlite3_column_int64(st, 1), "code", db_col_text(st, 2),
			      "area", db_col_json(st, 3), "use", db_col_text(st, 4), "ownership",
			      db_col_text(st, 5), "occupancy", db_col_text(st, 6), "address",
			      db_col_text(st, 7));
	sqlite3_reset(st);
	json_t *owners = json_array();
	st = db_stmt(db, "SELECT r.id, r.name FROM house_owners o JOIN residents r ON r.id ="
			 " o.resident_id WHERE o.house_id = ? ORDER BY r.id");
	if (st != NULL) {
		sqlite3_bind_int64(st, 1, id);
		while (sqlite3_step(st) == SQLITE_ROW)
			json_array_append_new(owners,
					      json_pack("{s:I, s:s}", "id",
							(json_int_t)sqlite3_column_int64(st, 0),
							"name", db_col_text(st, 1)));
		sqlite3_reset(st);
	}
	json_object_set_new(o, "owners", owners);
	*out_new = o;
	return RC_OK;
}

static json_t *house_row(sqlite3_stmt *st)
{
	return json_pack("{s:I, s:I, s:s, s:o, s:s, s:s, s:s, s:s}", "id",
			 (json_int_t)sqlite3_column_int64(st, 0), "address_id",
			 (json_int_t)sqlite3_column_int64(st, 1), "code", db_col_text(st, 2),
			 "area", db_col_json(st, 3), "use", db_col_text(st, 4), "ownership",
			 db_col_text(st, 5), "occupancy", db_col_text(st, 6), "address",
			 db_col_text(st, 7));
}

int houses_list(struct db *db, const char *roots, const char *occupancy,
		const struct list_rows *rows, json_t **items_new, int64_t *total)
{
#define HOUSES_FROM                                                                            \
	" FROM json_each(?1) r JOIN houses h ON h.code >= r.value AND h.code < r.value || ';'" \
	" JOIN addresses a ON a.id = h.address_id JOIN buildings b ON b.id = a.building_id"    \
	" WHERE (?2 IS NULL OR h.occupancy = ?2)"
	struct list_query q = {roots, 0, occupancy, rows};
	return registry_list(
		db, db_stmt(db, "SELECT count(*)" HOUSES_FROM),
		db_stmt(db, "SELECT h.id, h.address_id, h.code, h.area, h.use, h.ownership,"
			    " h.occupancy, " ADDRESS_TEXT_SQL HOUSES_FROM
			    " ORDER BY h.code, h.id LIMIT ?3 OFFSET ?4"),
		&q, house_row, items_new, total);
#undef HOUSES_FROM
}

/* ---- units ---- */

static void bind_phone(sqlite3_stmt *st, int i, const char *phone)
{
	if (phone == NULL || *phone == '\0') {
		sqlite3_bind_null(st, i);
		sqlite3_bind_null(st, i + 1);
		sqlite3_bind_null(st, i + 2);
		return;
	}
	size_t n = strlen(phone);
	unsigned char sealed[128], blind[SEC_HASH_BYTES];
	char mask[32];
	sec_seal(sealed, "unit.phone", phone, n);
	sec_blind(blind, "phone", phone);
	mask_phone(phone, mask, sizeof(mask));
	sqlite3_bind_blob(st, i, sealed, (int)(n + SEC_SEAL_OVERHEAD), SQLITE_TRANSIENT);
	sqlite3_bind_blob(st, i + 1, blind, SEC_HASH_BYTES, SQLITE_TRANSIENT);
	db_bind_text(st, i + 2, mask);
}

int unit_insert(struct db *db, const struct unit_in *in, const char *code, const struct actor *who,
		int64_t *id)
{
	int64_t now = clock_now();
	sqlite3_stmt *st = db_stmt(db, "INSERT INTO units (name, credit_code, type, contact_name,"
				       " phone_enc, phone_blind, phone_mask, address_id, code,"
				       " created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)");
	if (st == NULL)
		return RC_INTERNAL;
	db_bind_text(st, 1, in->name);
	db_bind_text(st, 2, in->credit_code && *in->credit_code ? in->credit_code : NULL);
	db_bind_text(st, 3, in->type);
	db_bind_text(st, 4, in->contact_name ? in->contact_name : "");
	bind_phone(st, 5, in->phone);
	sqlite3_bind_int64(st, 8, in->address_id);
	db_bind_text(st, 9, code);
	sqlite3_bind_int64(st, 10, now);
	sqlite3_bind_int64(st, 11, now);
	int rc = db_step_done(db, st);
	if (rc != RC_OK)
		return rc;
	*id = db_last_id(db);
	rc = search_put(db, SEARCH_UNIT, *id, in->name, code, false);
	char mask[32] = "";
	if (in->phone && *in->phone)
		mask_phone(in->phone, mask, sizeof(mask));
	if (rc == RC_OK)
		rc = registry_version(db, "unit", *id, who,
				      json_pack("{s:[n,s], s:[n,s*], s:[n,s], s:[n,I], s:[n,s]}",
						"name", in->name, "credit_code", in->credit_code,
						"type", in->type, "address",
						(json_int_t)in->address_id, "phone", mask));
	return rc;
}

int unit_update(struct db *db, int64_t id, const struct unit_in *in, const char *code,
		const struct actor *who)
{
	sqlite3_stmt *st =
		db_stmt(db, "SELECT name, ifnull(credit_code, ''), type, contact_name,"
			    " ifnull(phone_mask, ''), address_id FROM units WHERE id = ?");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		return RC_NOT_FOUND;
	}
	json_t *changes = json_object();
	const char *names[] = {"name", "credit_code", "type", "contact_name"};
	const char *news[] = {in->name, in->credit_code, in->type, in->contact_name};
	for (int i = 0; i < 4; i++)
		if (news[i] && strcmp(news[i], db_col_text(st, i)) != 0)
			json_object_set_new(changes, names[i],
					    json_pack("[s,s]", db_col_text(st, i), news[i]));
	char mask[32] = "";
	if (in->phone) {
		if (*in->phone)
			mask_phone(in->phone, mask, sizeof(mask));
		if (strcmp(mask, db_col_text(st, 4)) != 0)
			json_object_set_new(changes, "phone",
					    json_pack("[s,s]", db_col_text(st, 4), mask));
	}
	if (in->address_id && in->address_id != sqlite3_column_int64(st, 5))
		json_object_set_new(changes, "address",
				    json_pack("[I,I]", (json_int_t)sqlite3_column_int64(st, 5),
					      (json_int_t)in->address_id));
	sqlite3_reset(st);
	st = db_stmt(db,
		     "UPDATE units SET name = coalesce(?1, name),"
		     " credit_code = CASE WHEN ?2 IS NULL THEN credit_code WHEN ?2 = '' THEN NULL"
		     "  ELSE ?2 END, type = coalesce(?3, type),"
		     " contact_name = coalesce(?4, contact_name),"
		     " phone_enc = CASE WHEN ?5 THEN ?6 ELSE phone_enc END,"
		     " phone_blind = CASE WHEN ?5 THEN ?7 ELSE phone_blind END,"
		     " phone_mask = CASE WHEN ?5 THEN ?8 ELSE phone_mask END,"
		     " address_id = coalesce(?9, address_id), code = ?10, updated_at = ?11"
		     " WHERE id = ?12");
	if (st == NULL) {
		json_decref(changes);
		return RC_INTERNAL;
	}
	db_bind_text(st, 1, in->name);
	db_bind_text(st, 2, in->credit_code);
	db_bind_text(st, 3, in->type);
	db_bind_text(st, 4, in->contact_name);
	sqlite3_bind_int(st, 5, in->phone != NULL);
	bind_phone(st, 6, in->phone);
	if (in->address_id)
		sqlite3_bind_int64(st, 9, in->address_id);
	db_bind_text(st, 10, code);
	sqlite3_bind_int64(st, 11, clock_now());
	sqlite3_bind_int64(st, 12, id);
	int rc = db_step_done(db, st);
	char name[256];
	if (rc == RC_OK) {
		st = db_stmt(db, "SELECT name FROM units WHERE id = ?");
		sqlite3_bind_int64(st, 1, id);
		snprintf(name, sizeof(name), "%s",
			 sqlite3_step(st) == SQLITE_ROW ? db_col_text(st, 0) : "");
		sqlite3_reset(st);
		rc = search_put(db, SEARCH_UNIT, id, name, code, false);
	}
	if (rc == RC_OK)
		return registry_version(db, "unit", id, who, changes);
	json_decref(changes);
	return rc;
}

#define UNIT_COLUMNS                                                                     \
	"u.id, u.name, ifnull(u.credit_code, ''), u.type, u.contact_name, u.phone_mask," \
	" u.address_id, u.code, " ADDRESS_TEXT_SQL

static json_t *unit_row(sqlite3_stmt *st)
{
	json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:I, s:s, s:s}", "id",
			      (json_int_t)sqlite3_column_int64(st, 0), "name", db_col_text(st, 1),
			      "credit_code", db_col_text(st, 2), "type", db_col_text(st, 3),
			      "contact_name", db_col_text(st, 4), "address_id",
			      (json_int_t)sqlite3_column_int64(st, 6), "code", db_col_text(st, 7),
			      "address", db_col_text(st, 8));
	json_object_set_new(o, "phone", db_col_json(st, 5));
	return o;
}

int unit_json(struct db *db, int64_t id, json_t **out_new)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT " UNIT_COLUMNS " FROM units u"
				       " JOIN addresses a ON a.id = u.address_id"
				       " JOIN buildings b ON b.id = a.building_id WHERE u.id = ?");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	int rc = RC_NOT_FOUND;
	if (sqlite3_step(st) == SQLITE_ROW) {
		*out_new = unit_row(st);
		rc = RC_OK;
	}
	sqlite3_reset(st);
	return rc;
}

int units_list(struct db *db, const char *roots, const char *type, const struct list_rows *rows,
	       json_t **items_new, int64_t *total)
{
#define UNITS_FROM                                                                            \
	" FROM json_each(?1) r JOIN units u ON u.code >= r.value AND u.code < r.value || ';'" \
	" JOIN addresses a ON a.id = u.address_id JOIN buildings b ON b.id = a.building_id"   \
	" WHERE (?2 IS NULL OR u.type = ?2)"
	struct list_query q = {roots, 0, type, rows};
	return registry_list(db, db_stmt(db, "SELECT count(*)" UNITS_FROM),
			     db_stmt(db, "SELECT " UNIT_COLUMNS UNITS_FROM
					 " ORDER BY u.code, u.id LIMIT ?3 OFFSET ?4"),
			     &q, unit_row, items_new, total);
#undef UNITS_FROM
}
