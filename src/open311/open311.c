/*
 * Open311 GeoReport v2: services, requests and their JSON and XML.
 */
#include "open311/open311.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases/case.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/str.h"
#include "events/events.h"

/* ---- jurisdiction ---- */

int open311_county(struct db *db, const char *jurisdiction_id, struct open311_county *out)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT code, name FROM org WHERE level = 'county'"
				       " AND (?1 IS NULL OR code = ?1) ORDER BY code LIMIT 2");
	if (st == NULL)
		return RC_INTERNAL;
	db_bind_text(st, 1, jurisdiction_id);
	int n = 0, src;
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		if (n++ == 0) {
			snprintf(out->code, sizeof(out->code), "%s", db_col_text(st, 0));
			snprintf(out->name, sizeof(out->name), "%s", db_col_text(st, 1));
		}
	}
	sqlite3_reset(st);
	if (src != SQLITE_DONE)
		return db_rc(db, src);
	if (n == 0)
		return RC_NOT_FOUND;
	return n == 1 ? RC_OK : RC_VALIDATION_FAILED;
}

/* ---- services ---- */

/* The handling time limit in words. */
static void notice_text(char *out, size_t len, int limit, const char *unit, bool en)
{
	bool hours = strcmp(unit, "hours") == 0;
	if (en)
		snprintf(out, len, "to be handled within %d working %s of dispatch", limit,
			 hours ? (limit == 1 ? "hour" : "hours") : (limit == 1 ? "day" : "days"));
	else
		snprintf(out, len, "派遣后%d个工作%s内处置", limit, hours ? "小时" : "日");
}

int open311_notice(struct db *db, const char *code, bool en, char *out, size_t len)
{
	sqlite3_stmt *st = db_stmt(
		db, "SELECT handle_limit, handle_unit FROM event_categories WHERE code = ?");
	if (st == NULL)
		return RC_INTERNAL;
	db_bind_text(st, 1, code);
	int rc = RC_NOT_FOUND;
	if (sqlite3_step(st) == SQLITE_ROW) {
		notice_text(out, len, sqlite3_column_int(st, 0), db_col_text(st, 1), en);
		rc = RC_OK;
	}
	sqlite3_reset(st);
	return rc;
}

int open311_services(struct db *db, bool en, const char *code, json_t **out_new)
{
	sqlite3_stmt *st =
		db_stmt(db, "SELECT k.code, k.name, k.name_en, p.name, p.name_en, k.handle_limit,"
			    " k.handle_unit FROM event_categories k"
			    " JOIN event_categories p ON p.code = k.parent_code"
			    " WHERE k.active = 1 AND k.open311 = 1 AND (?1 IS NULL OR k.code = ?1)"
			    " ORDER BY k.code");
	if (st == NULL)
		return RC_INTERNAL;
	db_bind_text(st, 1, code);
	json_t *items = json_array();
	int src;
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		char notice[128], keywords[512];
		notice_text(notice, sizeof(notice), sqlite3_column_int(st, 5), db_col_text(st, 6),
			    en);
		snprintf(keywords, sizeof(keywords), "%s,%s,%s,%s", db_col_text(st, 1),
			 db_col_text(st, 2), db_col_text(st, 3), db_col_text(st, 4));
		json_array_append_new(items,
				      json_pack("{s:s, s:s, s:s, s:b, s:s, s:s, s:s}",
						"service_code", db_col_text(st, 0), "service_name",
						db_col_text(st, en ? 2 : 1), "description", notice,
						"metadata", 0, "type", "realtime", "keywords",
						keywords, "group", db_col_text(st, en ? 4 : 3)));
	}
	sqlite3_reset(st);
	if (src != SQLITE_DONE) {
		json_decref(items);
		return db_rc(db, src);
	}
	if (code != NULL && json_array_size(items) == 0) {
		json_decref(items);
		return RC_NOT_FOUND;
	}
	*out_new = items;
	return RC_OK;
}

/* ---- filing ---- */

int open311_locate(struct db *db, const char *county, int64_t *address_id, bool has_point,
		   double lat, double lon, char code[16])
{
	if (*address_id != 0) {
		sqlite3_stmt *st = db_stmt(db, "SELECT code FROM addresses WHERE id = ?1"
					       " AND code >= ?2 AND code < ?2 || ';'");
		if (st == NULL)
			return RC_INTERNAL;
		sqlite3_bind_int64(st, 1, *address_id);
		db_bind_text(st, 2, county);
		bool found = sqlite3_step(st) == SQLITE_ROW;
		if (found)
			snprintf(code, 16, "%s", db_col_text(st, 0));
		sqlite3_reset(st);
		if (found)
			return RC_OK;
		*address_id = 0; /* not an address of the county */
	}
	if (!has_point)
		return RC_NOT_FOUND;
	char roots[32];
	snprintf(roots, sizeof(roots), "[\"%s\"]", county);
	return event_grid_at(db, roots, lon, lat, code);
}

int open311_create(struct db *db, const struct open311_new *in, const char *code, int64_t *id,
		   char token[SEC_TOKEN_CHARS + 1])
{
	sqlite3_stmt *st =
		db_stmt(db, "SELECT name FROM event_categories WHERE code = ?"
			    " AND active = 1 AND open311 = 1 AND parent_code IS NOT NULL");
	if (st == NULL)
		return RC_INTERNAL;
	db_bind_text(st, 1, in->service_code);
	char name[128] = "";
	bool offered = sqlite3_step(st) == SQLITE_ROW;
	if (offered)
		snprintf(name, sizeof(name), "%s", db_col_text(st, 0));
	sqlite3_reset(st);
	if (!offered)
		return RC_NOT_FOUND;
	struct event_in ev = {
		.category = in->service_code,
		.source = "open311",
		.description = in->description ? in->description : name,
		.address_id = in->address_id,
		.has_point = in->has_point,
		.lat = in->lat,
		.lon = in->lon,
	};
	/* An API key is not an account: the event has no reporter to notify,
	 * and its timeline names the client. */
	struct case_actor who = {0, in->actor};
	int rc = event_create(db, &ev, code, &who, id);
	if (rc != RC_OK)
		return rc;
	sec_token(token);
	st = db_stmt(db, "INSERT INTO open311_requests (case_id, api_key_id, token,"
			 " address_string, media_url) VALUES (?, ?, ?, ?, ?)");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, *id);
	sqlite3_bind_int64(st, 2, in->api_key_id);
	db_bind_text(st, 3, token);
	db_bind_text(st, 4, in->address_string);
	db_bind_text(st, 5, in->media_url);
	return db_step_done(db, st);
}

/* ---- reading ---- */

/* What each state tells the public: fixed words, never a staff note,
 * which may name people. */
static const char *const notes_zh[] = {
	[EV_REPORTED] = "已收到，等待立案",
	[EV_REGISTERED] = "已立案，等待派遣",
	[EV_DISPATCHED] = "已派遣给处置单位",
	[EV_ACCEPTED] = "处置单位正在处置",
	[EV_HANDLED] = "已处置，等待现场核查",
	[EV_CLOSED] = "经核查已结案",
	[EV_CANCELLED] = "未予立案，已撤销",
	[EV_PARKED] = "暂缓处置（挂账）",
	[EV_MERGED] = "已与反映同一问题的请求合并处置",
};
static const char *const notes_en[] = {
	[EV_REPORTED] = "received; waiting to be registered",
	[EV_REGISTERED] = "registered; waiting to be dispatched",
	[EV_DISPATCHED] = "dispatched to the handling unit",
	[EV_ACCEPTED] = "being handled",
	[EV_HANDLED] = "handled; waiting for the check on site",
	[EV_CLOSED] = "checked on site and closed",
	[EV_CANCELLED] = "not registered; cancelled",
	[EV_PARKED] = "set aside for now (parked)",
	[EV_MERGED] = "merged with a request about the same problem",
};

static json_t *time_or_null(sqlite3_stmt *st, int i)
{
	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		return json_null();
	char at[32];
	clock_iso(sqlite3_column_int64(st, i) / 1000, at, sizeof(at));
	return json_string(at);
}

static json_t *text_or_null(sqlite3_stmt *st, int i)
{
	if (sqlite3_column_type(st, i) == SQLITE_NULL || db_col_text(st, i)[0] == '\0')
		return json_null();
	return json_string(db_col_text(st, i));
}

static json_t *real_or_null(sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL ? json_null()
							 : json_real(sqlite3_column_double(st, i));
}

static json_t *request_row(sqlite3_stmt *st, bool en)
{
	int state = case_state_index(&event_kind, db_col_text(st, 1));
	if (state < 0)
		state = EV_REPORTED;
	bool closed = state == EV_CLOSED || state == EV_CANCELLED || state == EV_MERGED;
	char id[24], notice[128];
	snprintf(id, sizeof(id), "%lld", (long long)sqlite3_column_int64(st, 0));
	notice_text(notice, sizeof(notice), sqlite3_column_int(st, 16), db_col_text(st, 17), en);
	json_t *o = json_object();
	json_object_set_new(o, "service_request_id", json_string(id));
	json_object_set_new(o, "status", json_string(closed ? "closed" : "open"));
	json_object_set_new(o, "status_notes", json_string((en ? notes_en : notes_zh)[state]));
	json_object_set_new(o, "service_name", json_string(db_col_text(st, en ? 4 : 3)));
	json_object_set_new(o, "service_code", json_string(db_col_text(st, 2)));
	json_object_set_new(o, "description", json_string(db_col_text(st, 5)));
	/* A handling unit is a department, committee or company, not a
	 * person: it is named, in English when it has an English name. */
	json_t *agency = en ? text_or_null(st, 7) : json_null();
	if (json_is_null(agency))
		agency = text_or_null(st, 6);
	json_object_set_new(o, "agency_responsible", agency);
	json_object_set_new(o, "service_notice", json_string(notice));
	json_object_set_new(o, "requested_datetime", time_or_null(st, 8));
	json_object_set_new(o, "updated_datetime", time_or_null(st, 9));
	json_object_set_new(o, "expected_datetime", closed ? json_null() : time_or_null(st, 10));
	json_object_set_new(o, "address", text_or_null(st, 11));
	if (sqlite3_column_type(st, 12) == SQLITE_NULL) {
		json_object_set_new(o, "address_id", json_null());
	} else {
		char aid[24];
		snprintf(aid, sizeof(aid), "%lld", (long long)sqlite3_column_int64(st, 12));
		json_object_set_new(o, "address_id", json_string(aid));
	}
	json_object_set_new(o, "zipcode", json_null());
	json_object_set_new(o, "lat", real_or_null(st, 13));
	json_object_set_new(o, "long", real_or_null(st, 14));
	json_object_set_new(o, "media_url", text_or_null(st, 15));
	return o;
}

int open311_requests(struct db *db, const struct open311_filter *f, json_t **out_new)
{
	sqlite3_stmt *st = db_stmt(
		db,
		"SELECT c.id, c.state, e.category_code, k.name, k.name_en, e.description,"
		" u.name, u.name_en, e.reported_at_ms,"
		" (SELECT max(t.at_ms) FROM case_timeline t WHERE t.case_id = c.id),"
		" c.due_at_ms,"
		" ifnull(o.address_string, (SELECT b.street || b.number || b.name FROM addresses a"
		"  JOIN buildings b ON b.id = a.building_id WHERE a.id = e.address_id)),"
		" e.address_id, e.lat, e.lon, o.media_url, k.handle_limit, k.handle_unit"
		" FROM open311_requests o JOIN cases c ON c.id = o.case_id"
		" JOIN events e ON e.case_id = c.id"
		" JOIN event_categories k ON k.code = e.category_code"
		" LEFT JOIN handling_units u ON u.id = c.unit_id"
		" WHERE c.code >= ?1 AND c.code < ?1 || ';'"
		" AND (?2 IS NULL OR c.id IN (SELECT value FROM json_each(?2)))"
		" AND (?2 IS NOT NULL OR ("
		"  (?3 IS NULL OR e.category_code IN (SELECT value FROM json_each(?3)))"
		"  AND e.reported_at_ms BETWEEN ?4 AND ?5"
		"  AND (?6 IN (0, 3) OR (?6 = 1) = (c.state NOT IN ('closed', 'cancelled', "
		"'merged')))))"
		" ORDER BY c.id DESC LIMIT ?7");
	if (st == NULL)
		return RC_INTERNAL;
	db_bind_text(st, 1, f->county);
	db_bind_text(st, 2, f->ids);
	db_bind_text(st, 3, f->codes);
	sqlite3_bind_int64(st, 4, f->from_s * 1000);
	sqlite3_bind_int64(st, 5, f->to_s * 1000 + 999);
	sqlite3_bind_int(st, 6, (int)f->status);
	sqlite3_bind_int(st, 7, OPEN311_MAX_REQUESTS);
	json_t *items = json_array();
	int src;
	while ((src = sqlite3_step(st)) == SQLITE_ROW)
		json_array_append_new(items, request_row(st, f->en));
	sqlite3_reset(st);
	if (src != SQLITE_DONE) {
		json_decref(items);
		return db_rc(db, src);
	}
	*out_new = items;
	return RC_OK;
}

int open311_token(struct db *db, const char *county, const char *token, int64_t *id)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT o.case_id FROM open311_requests o"
				       " JOIN cases c ON c.id = o.case_id WHERE o.token = ?1"
				       " AND c.code >= ?2 AND c.code < ?2 || ';'");
	if (st == NULL)
		return RC_INTERNAL;
	db_bind_text(st, 1, token);
	db_bind_text(st, 2, county);
	int rc = RC_NOT_FOUND;
	if (sqlite3_step(st) == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		rc = RC_OK;
	}
	sqlite3_reset(st);
	return rc;
}

/* ---- JSON and XML ---- */

/* Element names of an array's items. */
static const char *item_name(const char *array)
{
	static const char *const names[][2] = {
		{"services", "service"}, {"service_requests", "request"},
		{"errors", "error"},     {"endpoints", "endpoint"},
		{"formats", "format"},   {"attributes", "attribute"},
		{"values", "value"},
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(names[i][0], array) == 0)
			return names[i][1];
	return "item";
}

/* Text as XML character data: the five markup characters escaped, carriage
 * returns kept as a reference, and what XML 1.0 cannot carry at all (other
 * control characters, U+FFFE, U+FFFF) replaced with U+FFFD.  s is valid
 * UTF-8, as every jansson string is. */
static void xml_text(struct sbuf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		switch (c) {
		case '&': sbuf_puts(b, "&amp;"); break;
		case '<': sbuf_puts(b, "&lt;"); break;
		case '>': sbuf_puts(b, "&gt;"); break;
		case '"': sbuf_puts(b, "&quot;"); break;
		case '\'': sbuf_puts(b, "&apos;"); break;
		case '\r': sbuf_puts(b, "&#13;"); break;
		case '\t':
		case '\n': sbuf_append(b, s + i, 1); break;
		default:
			if (c < 0x20) {
				sbuf_puts(b, "\xEF\xBF\xBD");
			} else if (c == 0xEF && i + 2 < n && (unsigned char)s[i + 1] == 0xBF &&
				   ((unsigned char)s[i + 2] == 0xBE ||
				    (unsigned char)s[i + 2] == 0xBF)) {
				sbuf_puts(b, "\xEF\xBF\xBD");
				i += 2;
			} else {
				sbuf_append(b, s + i, 1);
			}
		}
	}
}

/* v as the element name.  Names come from this module, never from input. */
static void xml_element(struct sbuf *b, const char *name, const json_t *v)
{
	if (json_is_null(v)) {
		sbuf_printf(b, "<%s/>", name);
		return;
	}
	sbuf_printf(b, "<%s>", name);
	if (json_is_array(v)) {
		const char *item = item_name(name);
		size_t i;
		json_t *e;
		json_array_foreach(v, i, e) xml_element(b, item, e);
	} else if (json_is_object(v)) {
		const char *k;
		json_t *e;
		json_object_foreach((json_t *)v, k, e) xml_element(b, k, e);
	} else if (json_is_string(v)) {
		xml_text(b, json_string_value(v), json_string_length(v));
	} else if (json_is_integer(v)) {
		sbuf_printf(b, "%lld", (long long)json_integer_value(v));
	} else if (json_is_real(v)) {
		sbuf_printf(b, "%.12g", json_real_value(v));
	} else {
		sbuf_puts(b, json_is_true(v) ? "true" : "false");
	}
	sbuf_printf(b, "</%s>", name);
}

char *open311_render(const json_t *v, bool xml, const char *root, size_t *len)
{
	if (!xml) {
		char *text =
			json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(12));
		*len = text ? strlen(text) : 0;
		return text;
	}
	struct sbuf b = {0};
	sbuf_puts(&b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
	xml_element(&b, root, v);
	sbuf_puts(&b, "\n");
	*len = b.len;
	return sbuf_steal(&b);
}
