/*
 * Providers, their time slots and bookings.  A slot's place is taken by one
 * conditional UPDATE (booked < capacity) in the booking's transaction, so
 * concurrent requests for the last place cannot both succeed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/error.h"
#include "services/services.h"

static int64_t last_id(struct db *db)
{
	return sqlite3_last_insert_rowid(db_handle(db));
}

static int replace_links(struct db *db, int64_t id, const json_t *items, const json_t *areas)
{
	size_t i;
	json_t *v;
	if (items != NULL) {
		sqlite3_stmt *del = db_stmt(db, "DELETE FROM provider_items WHERE provider_id = ?");
		if (del == NULL)
			return RC_INTERNAL;
		sqlite3_bind_int64(del, 1, id);
		int s = sqlite3_step(del);
		sqlite3_reset(del);
		if (s != SQLITE_DONE)
			return RC_INTERNAL;
		json_array_foreach(items, i, v)
		{
			sqlite3_stmt *st = db_stmt(db, "INSERT OR IGNORE INTO provider_items"
						       " (provider_id, item_id) SELECT ?, id"
						       " FROM service_items WHERE id = ?");
			if (st == NULL)
				return RC_INTERNAL;
			sqlite3_bind_int64(st, 1, id);
			sqlite3_bind_int64(st, 2, json_integer_value(v));
			s = sqlite3_step(st);
			sqlite3_reset(st);
			if (s != SQLITE_DONE)
				return RC_INTERNAL;
		}
	}
	if (areas != NULL) {
		sqlite3_stmt *del = db_stmt(db, "DELETE FROM provider_areas WHERE provider_id = ?");
		if (del == NULL)
			return RC_INTERNAL;
		sqlite3_bind_int64(del, 1, id);
		int s = sqlite3_step(del);
		sqlite3_reset(del);
		if (s != SQLITE_DONE)
			return RC_INTERNAL;
		json_array_foreach(areas, i, v)
		{
			sqlite3_stmt *st = db_stmt(db, "INSERT OR IGNORE INTO provider_areas"
						       " (provider_id, code) VALUES (?, ?)");
			if (st == NULL)
				return RC_INTERNAL;
			sqlite3_bind_int64(st, 1, id);
			db_bind_text(st, 2, json_string_value(v));
			s = sqlite3_step(st);
			sqlite3_reset(st);
			if (s != SQLITE_DONE)
				return RC_INTERNAL;
		}
	}
	return RC_OK;
}

int provider_save(struct db *db, int64_t *id, const struct provider_in *in)
{
	sqlite3_stmt *st;
	if (*id == 0)
		st = db_stmt(db, "INSERT INTO providers (name, kind, code, contact, phone, active,"
				 " created_at_ms) VALUES (?2, ?3, ?4, ifnull(?5, ''), ifnull(?6, ''),"
				 " CASE WHEN ?7 < 0 THEN 1 ELSE ?7 END, ?8)");
	else
		st = db_stmt(db, "UPDATE providers SET name = ifnull(?2, name),"
				 " kind = ifnull(?3, kind), contact = ifnull(?5, contact),"
				 " phone = ifnull(?6, phone),"
				 " active = CASE WHEN ?7 < 0 THEN active ELSE ?7 END WHERE id = ?1");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, *id);
	db_bind_text(st, 2, in->name);
	db_bind_text(st, 3, in->kind);
	db_bind_text(st, 4, *id == 0 ? in->code : NULL);
	db_bind_text(st, 5, in->contact);
	db_bind_text(st, 6, in->phone);
	sqlite3_bind_int(st, 7, in->active);
	sqlite3_bind_int64(st, 8, clock_now_ms());
	int rc = db_step_one(db, st);
	if (rc != RC_OK)
		return rc;
	if (*id == 0)
		*id = last_id(db);
	return replace_links(db, *id, in->items, in->areas);
}

int provider_code(struct db *db, int64_t id, char code[16])
{
	sqlite3_stmt *st = db_stmt(db, "SELECT code FROM providers WHERE id = ?");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	int rc = RC_NOT_FOUND;
	if (sqlite3_step(st) == SQLITE_ROW) {
		snprintf(code, 16, "%s", sqlite3_column_text(st, 0));
		rc = RC_OK;
	}
	sqlite3_reset(st);
	return rc;
}

static json_t *provider_row(struct db *db, sqlite3_stmt *st)
{
	int64_t id = sqlite3_column_int64(st, 0);
	json_t *items = json_array(), *areas = json_array();
	sqlite3_stmt *q = db_stmt(db, "SELECT i.id, i.name, i.name_en FROM provider_items p"
				      " JOIN service_items i ON i.id = p.item_id"
				      " WHERE p.provider_id = ? ORDER BY i.id");
	if (q != NULL) {
		sqlite3_bind_int64(q, 1, id);
		while (sqlite3_step(q) == SQLITE_ROW)
			json_array_append_new(items,
					      json_pack("{s:I, s:s, s:s}", "id",
							(json_int_t)sqlite3_column_int64(q, 0), "name",
							sqlite3_column_text(q, 1), "name_en",
							sqlite3_column_text(q, 2)));
		sqlite3_reset(q);
	}
	q = db_stmt(db, "SELECT a.code, ifnull(o.name, '') FROM provider_areas a"
			" LEFT JOIN org o ON o.code = a.code WHERE a.provider_id = ? ORDER BY a.code");
	if (q != NULL) {
		sqlite3_bind_int64(q, 1, id);
		while (sqlite3_step(q) == SQLITE_ROW)
			json_array_append_new(areas, json_pack("{s:s, s:s}", "code",
							       sqlite3_column_text(q, 0), "name",
							       sqlite3_column_text(q, 1)));
		sqlite3_reset(q);
	}
	return json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:b, s:o, s:o}", "id", (json_int_t)id,
			 "name", sqlite3_column_text(st, 1), "kind", sqlite3_column_text(st, 2),
			 "code", sqlite3_column_text(st, 3), "contact", sqlite3_column_text(st, 4),
			 "phone", sqlite3_column_text(st, 5), "active", sqlite3_column_int(st, 6),
			 "items", items, "areas", areas);
}

int provider_json(struct db *db, int64_t id, json_t **out_new)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT id, name, kind, code, contact, phone, active"
				       " FROM providers WHERE id = ?");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		return RC_NOT_FOUND;
	}
	/* provider_row runs statements of its own: copy what it needs first. */
	json_t *o = provider_row(db, st);
	sqlite3_reset(st);
	*out_new = o;
	return RC_OK;
}

int providers_list(struct db *db, const char *roots, int64_t item_id, int64_t limit,
		   int64_t offset, json_t **items_new, int64_t *total)
{
#define PROVIDER_WHERE                                                                      \
	" FROM providers p WHERE EXISTS (SELECT 1 FROM json_each(?1) j"                     \
	"   WHERE substr(p.code, 1, length(j.value)) = j.value)"                             \
	" AND (?2 = 0 OR EXISTS (SELECT 1 FROM provider_items i WHERE i.provider_id = p.id" \
	"   AND i.item_id = ?2))"
	sqlite3_stmt *count = db_stmt(db, "SELECT count(*)" PROVIDER_WHERE);
	if (count == NULL)
		return RC_INTERNAL;
	db_bind_text(count, 1, roots);
	sqlite3_bind_int64(count, 2, item_id);
	*total = sqlite3_step(count) == SQLITE_ROW ? sqlite3_column_int64(count, 0) : 0;
	sqlite3_reset(count);
	/* Ids first: each row's items and areas come from other statements. */
	sqlite3_stmt *st =
		db_stmt(db, "SELECT p.id" PROVIDER_WHERE " ORDER BY p.name, p.id LIMIT ?3 OFFSET ?4");
	if (st == NULL)
		return RC_INTERNAL;
	db_bind_text(st, 1, roots);
	sqlite3_bind_int64(st, 2, item_id);
	sqlite3_bind_int64(st, 3, limit);
	sqlite3_bind_int64(st, 4, offset);
	int64_t ids[200];
	int n = 0;
	while (n < 200 && sqlite3_step(st) == SQLITE_ROW)
		ids[n++] = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	json_t *items = json_array();
	for (int i = 0; i < n; i++) {
		json_t *o;
		if (provider_json(db, ids[i], &o) == RC_OK)
			json_array_append_new(items, o);
	}
	*items_new = items;
	return RC_OK;
#undef PROVIDER_WHERE
}

int slot_create(struct db *db, const struct slot_in *in, int64_t *id)
{
	sqlite3_stmt *st = db_stmt(db, "INSERT INTO service_slots (provider_id, item_id,"
				       " starts_at_ms, ends_at_ms, place, capacity)"
				       " VALUES (?, ?, ?, ?, ifnull(?, ''), ?)");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, in->provider_id);
	sqlite3_bind_int64(st, 2, in->item_id);
	sqlite3_bind_int64(st, 3, in->starts_at_ms);
	sqlite3_bind_int64(st, 4, in->ends_at_ms);
	db_bind_text(st, 5, in->place);
	sqlite3_bind_int(st, 6, in->capacity);
	int rc = db_step_one(db, st);
	if (rc == RC_OK)
		*id = last_id(db);
	return rc;
}

#define SLOT_COLUMNS                                                                         \
	" s.id, s.provider_id, p.name, s.item_id, i.name, i.name_en, s.starts_at_ms,"        \
	" s.ends_at_ms, s.place, s.capacity, s.booked, s.cancelled"
#define SLOT_FROM                                                                            \
	" FROM service_slots s JOIN providers p ON p.id = s.provider_id"                     \
	" JOIN service_items i ON i.id = s.item_id"

static json_t *slot_row(sqlite3_stmt *st)
{
	char from[32], to[32];
	clock_iso_ms(sqlite3_column_int64(st, 6), from, sizeof(from));
	clock_iso_ms(sqlite3_column_int64(st, 7), to, sizeof(to));
	int cap = sqlite3_column_int(st, 9), booked = sqlite3_column_int(st, 10);
	return json_pack("{s:I, s:{s:I, s:s}, s:{s:I, s:s, s:s}, s:s, s:s, s:s, s:i, s:i, s:i, "
			 "s:b}",
			 "id", (json_int_t)sqlite3_column_int64(st, 0), "provider", "id",
			 (json_int_t)sqlite3_column_int64(st, 1), "name",
			 sqlite3_column_text(st, 2), "item", "id",
			 (json_int_t)sqlite3_column_int64(st, 3), "name",
			 sqlite3_column_text(st, 4), "name_en", sqlite3_column_text(st, 5),
			 "starts_at", from, "ends_at", to, "place", sqlite3_column_text(st, 8),
			 "capacity", cap, "booked", booked, "free", cap - booked, "cancelled",
			 sqlite3_column_int(st, 11));
}

int slot_json(struct db *db, int64_t id, json_t **out_new)
{
	return db_one_json(db_stmt(db, "SELECT" SLOT_COLUMNS SLOT_FROM " WHERE s.id = ?"), id, slot_row, out_new);
}

int slots_list(struct db *db, int64_t item_id, int64_t provider_id, const char *code,
	       int64_t from_ms, int64_t limit, json_t **items_new)
{
	sqlite3_stmt *st = db_stmt(
		db, "SELECT" SLOT_COLUMNS SLOT_FROM " WHERE s.starts_at_ms >= ?1"
		    " AND (?2 = 0 OR s.item_id = ?2) AND (?3 = 0 OR s.provider_id = ?3)"
		    " AND (?4 IS NULL OR (s.cancelled = 0 AND p.active = 1 AND EXISTS (SELECT 1"
		    "   FROM provider_areas a WHERE a.provider_id = s.provider_id"
		    "   AND substr(?4, 1, length(a.code)) = a.code)))"
		    " ORDER BY s.starts_at_ms, s.id LIMIT ?5");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, from_ms);
	sqlite3_bind_int64(st, 2, item_id);
	sqlite3_bind_int64(st, 3, provider_id);
	db_bind_text(st, 4, code);
	sqlite3_bind_int64(st, 5, limit);
	return db_all_json(st, slot_row, items_new);
}

int slot_cancel(struct db *db, int64_t id)
{
	sqlite3_stmt *st = db_stmt(db, "UPDATE service_slots SET cancelled = 1, booked = 0"
				       " WHERE id = ? AND cancelled = 0");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	int rc = db_step_one(db, st);
	if (rc != RC_OK)
		return rc == RC_NOT_FOUND ? RC_INVALID_STATE : rc;
	st = db_stmt(db, "UPDATE bookings SET status = 'cancelled', changed_at_ms = ?"
			 " WHERE slot_id = ? AND status = 'booked'");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, clock_now_ms());
	sqlite3_bind_int64(st, 2, id);
	int s = sqlite3_step(st);
	sqlite3_reset(st);
	return s == SQLITE_DONE ? RC_OK : RC_INTERNAL;
}

int booking_create(struct db *db, int64_t slot_id, int64_t resident_id, int64_t by, int64_t *id,
		   const char **why)
{
	char code[16];
	sqlite3_stmt *st = db_stmt(db, "SELECT code FROM residents WHERE id = ?");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, resident_id);
	int rc = RC_NOT_FOUND;
	if (sqlite3_step(st) == SQLITE_ROW) {
		snprintf(code, sizeof(code), "%s", sqlite3_column_text(st, 0));
		rc = RC_OK;
	}
	sqlite3_reset(st);
	if (rc != RC_OK)
		return rc;
	/* The provider must serve the resident's area. */
	st = db_stmt(db, "SELECT 1 FROM service_slots s JOIN provider_areas a"
			 " ON a.provider_id = s.provider_id WHERE s.id = ?"
			 " AND substr(?, 1, length(a.code)) = a.code");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, slot_id);
	db_bind_text(st, 2, code);
	bool serves = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_reset(st);
	if (!serves) {
		*why = "the provider does not serve the resident's area";
		return RC_VALIDATION_FAILED;
	}
	st = db_stmt(db, "SELECT 1 FROM bookings WHERE slot_id = ? AND resident_id = ?"
			 " AND status <> 'cancelled'");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, slot_id);
	sqlite3_bind_int64(st, 2, resident_id);
	bool twice = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_reset(st);
	if (twice) {
		*why = "the resident already holds a place in this time slot";
		return RC_CONFLICT;
	}
	/* Take a place: only while one is free, the slot stands and has not
	 * begun.  No row changed means one of those failed. */
	int64_t now = clock_now_ms();
	st = db_stmt(db, "UPDATE service_slots SET booked = booked + 1 WHERE id = ?"
			 " AND booked < capacity AND cancelled = 0 AND starts_at_ms > ?");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, slot_id);
	sqlite3_bind_int64(st, 2, now);
	rc = db_step_one(db, st);
	if (rc == RC_NOT_FOUND) {
		*why = "the time slot is full, cancelled or already begun";
		return RC_CONFLICT;
	}
	if (rc != RC_OK)
		return rc;
	st = db_stmt(db, "INSERT INTO bookings (slot_id, resident_id, code, booked_by,"
			 " booked_at_ms) VALUES (?, ?, ?, ?, ?)");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, slot_id);
	sqlite3_bind_int64(st, 2, resident_id);
	db_bind_text(st, 3, code);
	if (by)
		sqlite3_bind_int64(st, 4, by);
	else
		sqlite3_bind_null(st, 4);
	sqlite3_bind_int64(st, 5, now);
	rc = db_step_one(db, st);
	if (rc == RC_OK)
		*id = last_id(db);
	return rc;
}

int booking_load(struct db *db, int64_t id, struct booking_row *out)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT b.id, b.slot_id, b.resident_id,"
				       " ifnull(b.booked_by, 0), b.code, b.status, s.starts_at_ms"
				       " FROM bookings b JOIN service_slots s ON s.id = b.slot_id"
				       " WHERE b.id = ?");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	int rc = RC_NOT_FOUND;
	if (sqlite3_step(st) == SQLITE_ROW) {
		out->id = sqlite3_column_int64(st, 0);
		out->slot_id = sqlite3_column_int64(st, 1);
		out->resident_id = sqlite3_column_int64(st, 2);
		out->booked_by = sqlite3_column_int64(st, 3);
		snprintf(out->code, sizeof(out->code), "%s", sqlite3_column_text(st, 4));
		snprintf(out->status, sizeof(out->status), "%s", sqlite3_column_text(st, 5));
		out->starts_at_ms = sqlite3_column_int64(st, 6);
		rc = RC_OK;
	}
	sqlite3_reset(st);
	return rc;
}

int booking_set_status(struct db *db, const struct booking_row *b, const char *status)
{
	sqlite3_stmt *st = db_stmt(db, "UPDATE bookings SET status = ?, changed_at_ms = ?"
				       " WHERE id = ? AND status = 'booked'");
	if (st == NULL)
		return RC_INTERNAL;
	db_bind_text(st, 1, status);
	sqlite3_bind_int64(st, 2, clock_now_ms());
	sqlite3_bind_int64(st, 3, b->id);
	int rc = db_step_one(db, st);
	if (rc == RC_NOT_FOUND)
		return RC_INVALID_STATE;
	if (rc != RC_OK || strcmp(status, "cancelled") != 0)
		return rc;
	/* A cancelled booking gives its place back. */
	st = db_stmt(db, "UPDATE service_slots SET booked = booked - 1 WHERE id = ? AND booked > 0");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, b->slot_id);
	return db_step_one(db, st);
}

#define BOOKING_COLUMNS                                                                      \
	" b.id, b.status, b.booked_at_ms, b.resident_id, r.name, b.slot_id, s.starts_at_ms," \
	" s.ends_at_ms, s.place, p.id, p.name, i.id, i.name, i.name_en, p.phone"
#define BOOKING_FROM                                                                         \
	" FROM bookings b JOIN service_slots s ON s.id = b.slot_id"                          \
	" JOIN providers p ON p.id = s.provider_id JOIN service_items i ON i.id = s.item_id" \
	" JOIN residents r ON r.id = b.resident_id"

static json_t *booking_row(sqlite3_stmt *st)
{
	char at[32], from[32], to[32];
	clock_iso_ms(sqlite3_column_int64(st, 2), at, sizeof(at));
	clock_iso_ms(sqlite3_column_int64(st, 6), from, sizeof(from));
	clock_iso_ms(sqlite3_column_int64(st, 7), to, sizeof(to));
	return json_pack("{s:I, s:s, s:s, s:{s:I, s:s}, s:I, s:s, s:s, s:s, s:{s:I, s:s, s:s}, "
			 "s:{s:I, s:s, s:s}}",
			 "id", (json_int_t)sqlite3_column_int64(st, 0), "status",
			 sqlite3_column_text(st, 1), "booked_at", at, "resident", "id",
			 (json_int_t)sqlite3_column_int64(st, 3), "name",
			 sqlite3_column_text(st, 4), "slot_id",
			 (json_int_t)sqlite3_column_int64(st, 5), "starts_at", from, "ends_at", to,
			 "place", sqlite3_column_text(st, 8), "provider", "id",
			 (json_int_t)sqlite3_column_int64(st, 9), "name",
			 sqlite3_column_text(st, 10), "phone", sqlite3_column_text(st, 14), "item",
			 "id", (json_int_t)sqlite3_column_int64(st, 11), "name",
			 sqlite3_column_text(st, 12), "name_en", sqlite3_column_text(st, 13));
}

int booking_json(struct db *db, int64_t id, json_t **out_new)
{
	return db_one_json(db_stmt(db, "SELECT" BOOKING_COLUMNS BOOKING_FROM " WHERE b.id = ?"), id, booking_row, out_new);
}

int bookings_list(struct db *db, int64_t resident_id, int64_t slot_id, json_t **items_new)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT" BOOKING_COLUMNS BOOKING_FROM
				       " WHERE (?1 = 0 OR b.resident_id = ?1)"
				       " AND (?2 = 0 OR b.slot_id = ?2)"
				       " ORDER BY s.starts_at_ms DESC, b.id LIMIT 500");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, resident_id);
	sqlite3_bind_int64(st, 2, slot_id);
	return db_all_json(st, booking_row, items_new);
}
