/*
 * Refined services: catalogue, eligibility, applications, providers, time
 * slots and bookings.
 */
#include "services/services.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/error.h"
#include "events/events.h"
#include "registry/registry.h"
#include "registry/tags.h"

#define S(x) (1u << (x))

static const char *const application_states[] = {
	"submitted", "accepted", "rejected", "done", "evaluated", "withdrawn",
};

/* clang-format off */
static const struct case_transition application_transitions[] = {
	{"accept", S(AP_SUBMITTED), AP_ACCEPTED, PERM_SERVICE_HANDLE, 0},
	{"reject", S(AP_SUBMITTED) | S(AP_ACCEPTED), AP_REJECTED, PERM_SERVICE_HANDLE, CASE_REASON},
	{"conclude", S(AP_ACCEPTED), AP_DONE, PERM_SERVICE_HANDLE, CASE_REASON},
	{"evaluate", S(AP_DONE), AP_EVALUATED, PERM_SERVICE_APPLY, 0},
	{"withdraw", S(AP_SUBMITTED) | S(AP_ACCEPTED), AP_WITHDRAWN, PERM_SERVICE_APPLY, 0},
};
/* clang-format on */

const struct case_kind application_kind = {
	"application",
	application_states,
	sizeof(application_states) / sizeof(application_states[0]),
	application_transitions,
	sizeof(application_transitions) / sizeof(application_transitions[0]),
	PERM_SERVICE_HANDLE,
};

/* ---- catalogue ---- */

#define ITEM_COLUMNS                                                                         \
	" id, code, scenario, name, name_en, description, description_en, eligibility,"      \
	" materials, legal_basis, level, limit_days, online, bookable, retired"

static json_t *item_row(sqlite3_stmt *st)
{
	json_error_t e;
	json_t *elig = json_loads((const char *)sqlite3_column_text(st, 7), 0, &e);
	json_t *mat = json_loads((const char *)sqlite3_column_text(st, 8), 0, &e);
	return json_pack(
		"{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:s, s:s, s:i, s:b, s:b, s:b}", "id",
		(json_int_t)sqlite3_column_int64(st, 0), "code", sqlite3_column_text(st, 1),
		"scenario", sqlite3_column_text(st, 2), "name", sqlite3_column_text(st, 3),
		"name_en", sqlite3_column_text(st, 4), "description", sqlite3_column_text(st, 5),
		"description_en", sqlite3_column_text(st, 6), "eligibility",
		elig ? elig : json_object(), "materials", mat ? mat : json_array(), "legal_basis",
		sqlite3_column_text(st, 9), "level", sqlite3_column_text(st, 10), "limit_days",
		sqlite3_column_int(st, 11), "online", sqlite3_column_int(st, 12), "bookable",
		sqlite3_column_int(st, 13), "retired", sqlite3_column_int(st, 14));
}

int service_items_json(struct db *db, bool all, const char *scenario, json_t **out_new)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT" ITEM_COLUMNS " FROM service_items"
				       " WHERE (?1 OR retired = 0) AND (?2 IS NULL OR scenario = ?2)"
				       " ORDER BY scenario, id");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int(st, 1, all);
	db_bind_text(st, 2, scenario);
	return db_all_json(st, item_row, out_new);
}

int service_item_json(struct db *db, int64_t id, json_t **out_new)
{
	return db_one_json(db_stmt(db, "SELECT" ITEM_COLUMNS " FROM service_items WHERE id = ?"), id, item_row, out_new);
}

int service_item_load(struct db *db, int64_t id, struct service_item *out)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT limit_days, online, bookable, retired, eligibility,"
				       " name, scenario FROM service_items WHERE id = ?");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	int rc = RC_NOT_FOUND;
	memset(out, 0, sizeof(*out));
	if (sqlite3_step(st) == SQLITE_ROW) {
		out->id = id;
		out->limit_days = sqlite3_column_int(st, 0);
		out->online = sqlite3_column_int(st, 1);
		out->bookable = sqlite3_column_int(st, 2);
		out->retired = sqlite3_column_int(st, 3);
		json_error_t e;
		out->eligibility = json_loads((const char *)sqlite3_column_text(st, 4), 0, &e);
		if (out->eligibility == NULL)
			out->eligibility = json_object();
		snprintf(out->name, sizeof(out->name), "%s", sqlite3_column_text(st, 5));
		snprintf(out->scenario, sizeof(out->scenario), "%s", sqlite3_column_text(st, 6));
		rc = RC_OK;
	}
	sqlite3_reset(st);
	return rc;
}

void service_item_free(struct service_item *it)
{
	json_decref(it->eligibility);
	it->eligibility = NULL;
}

static bool string_array(const json_t *a, size_t max)
{
	if (!json_is_array(a) || json_array_size(a) == 0 || json_array_size(a) > max)
		return false;
	size_t i;
	json_t *v;
	json_array_foreach(a, i, v) if (!json_is_string(v)) return false;
	return true;
}

const char *service_rules_check(const json_t *rules, const char **why)
{
	if (!json_is_object(rules)) {
		*why = "eligibility is an object of rules";
		return "eligibility";
	}
	const char *key;
	json_t *v;
	json_object_foreach((json_t *)rules, key, v)
	{
		if (strcmp(key, "min_age") == 0 || strcmp(key, "max_age") == 0) {
			if (!json_is_integer(v) || json_integer_value(v) < 0 ||
			    json_integer_value(v) > 150) {
				*why = "an age from 0 to 150";
				return key;
			}
		} else if (strcmp(key, "disability_grade_max") == 0) {
			if (!json_is_integer(v) || json_integer_value(v) < 1 ||
			    json_integer_value(v) > 4) {
				*why = "a disability grade from 1 to 4";
				return key;
			}
		} else if (strcmp(key, "gender") == 0) {
			const char *g = json_string_value(v);
			if (g == NULL || (strcmp(g, "male") != 0 && strcmp(g, "female") != 0)) {
				*why = "male or female";
				return key;
			}
		} else if (strcmp(key, "residence") == 0) {
			if (!string_array(v, 3)) {
				*why = "a list of residence types";
				return key;
			}
			size_t i;
			json_t *x;
			json_array_foreach(v, i, x)
			{
				const char *s = json_string_value(x);
				if (strcmp(s, "registered") != 0 && strcmp(s, "permanent") != 0 &&
				    strcmp(s, "floating") != 0) {
					*why = "registered, permanent or floating";
					return key;
				}
			}
		} else if (strcmp(key, "tags_all") == 0 || strcmp(key, "tags_any") == 0) {
			if (!string_array(v, 16)) {
				*why = "a list of group tags";
				return key;
			}
			size_t i;
			json_t *x;
			json_array_foreach(v, i, x) if (tag_find(json_string_value(x)) == NULL)
			{
				*why = "not a group tag of the registry";
				return key;
			}
		} else {
			*why = "unknown rule (min_age, max_age, gender, residence, tags_all, tags_any,"
			       " disability_grade_max)";
			return key;
		}
	}
	json_t *lo = json_object_get(rules, "min_age"), *hi = json_object_get(rules, "max_age");
	if (lo && hi && json_integer_value(lo) > json_integer_value(hi)) {
		*why = "the minimum age is above the maximum";
		return "min_age";
	}
	return NULL;
}

int service_item_save(struct db *db, int64_t *id, const json_t *in)
{
	char *elig = NULL, *mat = NULL;
	json_t *v;
	if ((v = json_object_get(in, "eligibility")) != NULL)
		elig = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS);
	if ((v = json_object_get(in, "materials")) != NULL)
		mat = json_dumps(v, JSON_COMPACT);
#define TXT(k) json_string_value(json_object_get(in, k))
#define NUM(k) (json_object_get(in, k) ? json_integer_value(json_object_get(in, k)) : -1)
#define FLAG(k) (json_object_get(in, k) ? (json_is_true(json_object_get(in, k)) ? 1 : 0) : -1)
	sqlite3_stmt *st;
	if (*id == 0)
		st = db_stmt(db, "INSERT INTO service_items (code, scenario, name, name_en,"
				 " description, description_en, eligibility, materials, legal_basis,"
				 " level, limit_days, online, bookable, retired, updated_at_ms)"
				 " VALUES (?2, ?3, ?4, ?5, ifnull(?6, ''), ifnull(?7, ''),"
				 " ifnull(?8, '{}'), ifnull(?9, '[]'), ifnull(?10, ''), ?11, ?12,"
				 " CASE WHEN ?13 < 0 THEN 1 ELSE ?13 END, max(?14, 0), max(?15, 0), ?16)");
	else
		st = db_stmt(db, "UPDATE service_items SET code = ifnull(?2, code),"
				 " scenario = ifnull(?3, scenario), name = ifnull(?4, name),"
				 " name_en = ifnull(?5, name_en), description = ifnull(?6, description),"
				 " description_en = ifnull(?7, description_en),"
				 " eligibility = ifnull(?8, eligibility), materials = ifnull(?9, materials),"
				 " legal_basis = ifnull(?10, legal_basis), level = ifnull(?11, level),"
				 " limit_days = CASE WHEN ?12 < 0 THEN limit_days ELSE ?12 END,"
				 " online = CASE WHEN ?13 < 0 THEN online ELSE ?13 END,"
				 " bookable = CASE WHEN ?14 < 0 THEN bookable ELSE ?14 END,"
				 " retired = CASE WHEN ?15 < 0 THEN retired ELSE ?15 END,"
				 " updated_at_ms = ?16 WHERE id = ?1");
	int rc = RC_INTERNAL;
	if (st != NULL) {
		sqlite3_bind_int64(st, 1, *id);
		db_bind_text(st, 2, TXT("code"));
		db_bind_text(st, 3, TXT("scenario"));
		db_bind_text(st, 4, TXT("name"));
		db_bind_text(st, 5, TXT("name_en"));
		db_bind_text(st, 6, TXT("description"));
		db_bind_text(st, 7, TXT("description_en"));
		db_bind_text(st, 8, elig);
		db_bind_text(st, 9, mat);
		db_bind_text(st, 10, TXT("legal_basis"));
		db_bind_text(st, 11, TXT("level"));
		sqlite3_bind_int64(st, 12, NUM("limit_days"));
		sqlite3_bind_int(st, 13, FLAG("online"));
		sqlite3_bind_int(st, 14, FLAG("bookable"));
		sqlite3_bind_int(st, 15, FLAG("retired"));
		sqlite3_bind_int64(st, 16, clock_now_ms());
		int s = sqlite3_step(st);
		rc = s == SQLITE_DONE ? RC_OK
		     : (s & 0xff) == SQLITE_CONSTRAINT ? RC_CONFLICT
						: RC_INTERNAL;
		if (rc == RC_OK && *id == 0)
			*id = sqlite3_last_insert_rowid(db_handle(db));
		else if (rc == RC_OK && sqlite3_changes(db_handle(db)) == 0)
			rc = RC_NOT_FOUND;
		sqlite3_reset(st);
	}
#undef TXT
#undef NUM
#undef FLAG
	free(elig);
	free(mat);
	return rc;
}

/* ---- eligibility ---- */

static void check(json_t *checks, bool *all, const char *rule, bool ok, json_t *need,
		  json_t *have)
{
	json_array_append_new(checks, json_pack("{s:s, s:b, s:o, s:o}", "rule", rule, "ok", ok,
						"need", need, "have", have ? have : json_null()));
	if (!ok)
		*all = false;
}

static bool has_tag(json_t *tags, const char *tag)
{
	return json_object_get(tags, tag) != NULL;
}

int service_eligibility(struct db *db, const json_t *rules, int64_t resident_id,
			json_t **out_new)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT birth_date, gender, residence_type, status"
				       " FROM residents WHERE id = ?");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, resident_id);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		return RC_NOT_FOUND;
	}
	char birth[16], gender[16], residence[16], status[16];
	snprintf(birth, sizeof(birth), "%s", sqlite3_column_text(st, 0));
	snprintf(gender, sizeof(gender), "%s", sqlite3_column_text(st, 1));
	snprintf(residence, sizeof(residence), "%s", sqlite3_column_text(st, 2));
	snprintf(status, sizeof(status), "%s", sqlite3_column_text(st, 3));
	sqlite3_reset(st);
	/* The resident's tags with their attributes: {"disabled":{"grade":2}}. */
	json_t *tags = json_object();
	st = db_stmt(db, "SELECT tag, attrs FROM resident_tags WHERE resident_id = ?");
	if (st == NULL) {
		json_decref(tags);
		return RC_INTERNAL;
	}
	sqlite3_bind_int64(st, 1, resident_id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		json_error_t e;
		json_t *a = json_loads((const char *)sqlite3_column_text(st, 1), 0, &e);
		json_object_set_new(tags, (const char *)sqlite3_column_text(st, 0),
				    a ? a : json_object());
	}
	sqlite3_reset(st);

	bool all = true;
	json_t *checks = json_array();
	int age = registry_age(birth);
	check(checks, &all, "active", strcmp(status, "active") == 0, json_string("active"),
	      json_string(status));
	json_t *v;
	if ((v = json_object_get(rules, "min_age")) != NULL)
		check(checks, &all, "min_age", age >= json_integer_value(v), json_incref(v),
		      json_integer(age));
	if ((v = json_object_get(rules, "max_age")) != NULL)
		check(checks, &all, "max_age", age <= json_integer_value(v), json_incref(v),
		      json_integer(age));
	if ((v = json_object_get(rules, "gender")) != NULL)
		check(checks, &all, "gender", strcmp(json_string_value(v), gender) == 0,
		      json_incref(v), json_string(gender));
	if ((v = json_object_get(rules, "residence")) != NULL) {
		bool ok = false;
		size_t i;
		json_t *x;
		json_array_foreach(v, i, x) ok = ok || strcmp(json_string_value(x), residence) == 0;
		check(checks, &all, "residence", ok, json_incref(v), json_string(residence));
	}
	if ((v = json_object_get(rules, "tags_all")) != NULL) {
		bool ok = true;
		size_t i;
		json_t *x;
		json_array_foreach(v, i, x) ok = ok && has_tag(tags, json_string_value(x));
		check(checks, &all, "tags_all", ok, json_incref(v), NULL);
	}
	if ((v = json_object_get(rules, "tags_any")) != NULL) {
		bool ok = false;
		size_t i;
		json_t *x;
		json_array_foreach(v, i, x) ok = ok || has_tag(tags, json_string_value(x));
		check(checks, &all, "tags_any", ok, json_incref(v), NULL);
	}
	if ((v = json_object_get(rules, "disability_grade_max")) != NULL) {
		json_t *g = json_object_get(json_object_get(tags, "disabled"), "grade");
		bool ok = json_is_integer(g) && json_integer_value(g) >= 1 &&
			  json_integer_value(g) <= json_integer_value(v);
		check(checks, &all, "disability_grade_max", ok, json_incref(v),
		      g ? json_incref(g) : NULL);
	}
	json_decref(tags);
	*out_new = json_pack("{s:b, s:o}", "eligible", all, "checks", checks);
	return RC_OK;
}

/* ---- applications ---- */

int application_create(struct db *db, const struct application_in *in, const json_t *report,
		       const char *title, const struct case_actor *who, int64_t *id)
{
	char code[16];
	sqlite3_stmt *st = db_stmt(db, "SELECT code FROM residents WHERE id = ?");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, in->resident_id);
	int rc = RC_NOT_FOUND;
	if (sqlite3_step(st) == SQLITE_ROW) {
		snprintf(code, sizeof(code), "%s", sqlite3_column_text(st, 0));
		rc = RC_OK;
	}
	sqlite3_reset(st);
	if (rc != RC_OK)
		return rc;
	rc = case_create(db, &application_kind, AP_SUBMITTED, code, code, title, who, id);
	if (rc != RC_OK)
		return rc;
	char *rep = json_dumps(report, JSON_COMPACT);
	st = db_stmt(db, "INSERT INTO service_applications (case_id, item_id, resident_id, channel,"
			 " details, eligibility) VALUES (?, ?, ?, ?, ?, ?)");
	if (st == NULL) {
		free(rep);
		return RC_INTERNAL;
	}
	sqlite3_bind_int64(st, 1, *id);
	sqlite3_bind_int64(st, 2, in->item_id);
	sqlite3_bind_int64(st, 3, in->resident_id);
	db_bind_text(st, 4, in->channel);
	db_bind_text(st, 5, in->details ? in->details : "");
	db_bind_text(st, 6, rep);
	rc = db_step_one(db, st);
	free(rep);
	if (rc != RC_OK)
		return rc;
	struct case_row c;
	rc = case_load(db, &application_kind, *id, &c);
	if (rc == RC_OK)
		rc = case_set_stage(db, &c, events_calendar(), "accept", APPLICATION_ACCEPT_DAYS,
				    "days", clock_now_ms());
	return rc;
}

static int item_limit_of(struct db *db, int64_t case_id, int *days)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT i.limit_days FROM service_applications a"
				       " JOIN service_items i ON i.id = a.item_id WHERE a.case_id = ?");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, case_id);
	int rc = RC_NOT_FOUND;
	if (sqlite3_step(st) == SQLITE_ROW) {
		*days = sqlite3_column_int(st, 0);
		rc = RC_OK;
	}
	sqlite3_reset(st);
	return rc;
}

int application_after_move(struct db *db, struct case_row *c, const char *action,
			   const json_t *in)
{
	int rc = RC_OK;
	if (strcmp(action, "accept") == 0) {
		int days = 0;
		rc = item_limit_of(db, c->id, &days);
		if (rc == RC_OK)
			rc = case_set_stage(db, c, events_calendar(), "handle", days, "days",
					    clock_now_ms());
		return rc;
	}
	if (strcmp(action, "conclude") == 0) {
		sqlite3_stmt *st = db_stmt(db, "UPDATE service_applications SET outcome = ?,"
					       " result = ? WHERE case_id = ?");
		if (st == NULL)
			return RC_INTERNAL;
		db_bind_text(st, 1, json_string_value(json_object_get(in, "outcome")));
		db_bind_text(st, 2, json_string_value(json_object_get(in, "reason")));
		sqlite3_bind_int64(st, 3, c->id);
		rc = db_step_one(db, st);
	} else if (strcmp(action, "evaluate") == 0) {
		sqlite3_stmt *st = db_stmt(db, "UPDATE service_applications SET rating = ?,"
					       " comment = ? WHERE case_id = ?");
		if (st == NULL)
			return RC_INTERNAL;
		sqlite3_bind_int64(st, 1, json_integer_value(json_object_get(in, "rating")));
		db_bind_text(st, 2, json_string_value(json_object_get(in, "comment")));
		sqlite3_bind_int64(st, 3, c->id);
		return db_step_one(db, st);
	}
	/* Rejected, concluded or withdrawn: the clock stops and the case closes. */
	if (rc == RC_OK)
		rc = case_set_stage(db, c, events_calendar(), NULL, 0, NULL, 0);
	if (rc == RC_OK)
		rc = case_set_closed(db, c->id, clock_now_ms());
	return rc;
}

int64_t application_resident(struct db *db, int64_t case_id)
{
	sqlite3_stmt *st =
		db_stmt(db, "SELECT resident_id FROM service_applications WHERE case_id = ?");
	if (st == NULL)
		return 0;
	sqlite3_bind_int64(st, 1, case_id);
	int64_t id = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	return id;
}

#define APPLICATION_COLUMNS                                                                  \
	" c.id, c.state, c.code, c.created_at_ms, c.due_at_ms, c.warn_at_ms, c.stage,"       \
	" c.closed_at_ms, c.version, a.item_id, i.name, i.name_en, a.resident_id, r.name,"   \
	" a.channel, a.details, a.eligibility, a.outcome, a.result, a.rating, a.comment,"    \
	" ifnull(u.display_name, ''), i.limit_days, i.scenario"
#define APPLICATION_FROM                                                                     \
	" FROM cases c JOIN service_applications a ON a.case_id = c.id"                      \
	" JOIN service_items i ON i.id = a.item_id JOIN residents r ON r.id = a.resident_id" \
	" LEFT JOIN users u ON u.id = c.created_by"

static json_t *application_row(sqlite3_stmt *st)
{
	char created[32], due[32] = "", closed[32] = "";
	clock_iso_ms(sqlite3_column_int64(st, 3), created, sizeof(created));
	if (sqlite3_column_type(st, 4) != SQLITE_NULL)
		clock_iso_ms(sqlite3_column_int64(st, 4), due, sizeof(due));
	if (sqlite3_column_type(st, 7) != SQLITE_NULL)
		clock_iso_ms(sqlite3_column_int64(st, 7), closed, sizeof(closed));
	json_error_t e;
	json_t *elig = json_loads((const char *)sqlite3_column_text(st, 16), 0, &e);
	int64_t now = clock_now_ms();
	bool overdue = sqlite3_column_type(st, 4) != SQLITE_NULL && sqlite3_column_int64(st, 4) < now;
	bool warning = !overdue && sqlite3_column_type(st, 5) != SQLITE_NULL &&
		       sqlite3_column_int64(st, 5) < now;
	return json_pack(
		"{s:I, s:s, s:s, s:s, s:o, s:o, s:o, s:i, s:{s:I, s:s, s:s, s:i, s:s}, s:{s:I, "
		"s:s}, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:s, s:s}",
		"id", (json_int_t)sqlite3_column_int64(st, 0), "state", sqlite3_column_text(st, 1),
		"code", sqlite3_column_text(st, 2), "created_at", created, "due_at",
		due[0] ? json_string(due) : json_null(), "stage", db_col_json(st, 6), "closed_at",
		closed[0] ? json_string(closed) : json_null(), "version",
		sqlite3_column_int(st, 8), "item", "id", (json_int_t)sqlite3_column_int64(st, 9),
		"name", sqlite3_column_text(st, 10), "name_en", sqlite3_column_text(st, 11),
		"limit_days", sqlite3_column_int(st, 22), "scenario", sqlite3_column_text(st, 23),
		"resident", "id", (json_int_t)sqlite3_column_int64(st, 12), "name",
		sqlite3_column_text(st, 13), "channel", sqlite3_column_text(st, 14), "details",
		sqlite3_column_text(st, 15), "eligibility", elig ? elig : json_null(), "outcome",
		db_col_json(st, 17), "result", db_col_json(st, 18), "rating", db_col_json(st, 19),
		"comment", db_col_json(st, 20), "submitted_by", sqlite3_column_text(st, 21),
		"deadline", overdue ? "overdue" : warning ? "warning" : "ok");
}

int application_json(struct db *db, int64_t id, bool with_people, json_t **out_new)
{
	sqlite3_stmt *st =
		db_stmt(db, "SELECT" APPLICATION_COLUMNS APPLICATION_FROM " WHERE c.id = ?");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		return RC_NOT_FOUND;
	}
	json_t *o = application_row(st);
	sqlite3_reset(st);
	json_t *tl = NULL;
	int rc = case_timeline(db, id, &tl);
	if (rc != RC_OK) {
		json_decref(o);
		return rc;
	}
	if (!with_people) {
		size_t i;
		json_t *e;
		json_array_foreach(tl, i, e)
		{
			json_object_del(e, "actor_id");
			json_object_del(e, "actor_name");
			json_object_del(e, "actor_display");
		}
		json_object_del(o, "submitted_by");
	}
	json_object_set_new(o, "timeline", tl);
	json_t *mats = json_array();
	st = db_stmt(db, "SELECT id, name, type, length(data), added_at_ms FROM service_materials"
			 " WHERE case_id = ? ORDER BY id");
	if (st != NULL) {
		sqlite3_bind_int64(st, 1, id);
		while (sqlite3_step(st) == SQLITE_ROW) {
			char at[32];
			clock_iso_ms(sqlite3_column_int64(st, 4), at, sizeof(at));
			json_array_append_new(
				mats, json_pack("{s:I, s:s, s:s, s:I, s:s, s:s}", "id",
						(json_int_t)sqlite3_column_int64(st, 0), "name",
						sqlite3_column_text(st, 1), "type",
						sqlite3_column_text(st, 2), "bytes",
						(json_int_t)sqlite3_column_int64(st, 3), "added_at", at,
						"url", ""));
		}
		sqlite3_reset(st);
	}
	size_t i;
	json_t *m;
	json_array_foreach(mats, i, m)
	{
		char url[96];
		snprintf(url, sizeof(url), "/api/v1/applications/%lld/materials/%lld",
			 (long long)id, (long long)json_integer_value(json_object_get(m, "id")));
		json_object_set_new(m, "url", json_string(url));
	}
	json_object_set_new(o, "materials", mats);
	*out_new = o;
	return RC_OK;
}

int applications_list(struct db *db, const struct application_filter *f, json_t **items_new,
		      int64_t *total)
{
	/* Within the scope (roots), or an applicant's own (resident or
	 * creator); a state and an item narrow it. */
#define APPLICATION_WHERE                                                                   \
	" WHERE c.kind = 'application'"                                                     \
	" AND (?1 IS NULL OR EXISTS (SELECT 1 FROM json_each(?1) j"                          \
	"      WHERE substr(c.code, 1, length(j.value)) = j.value))"                         \
	" AND (?1 IS NOT NULL OR a.resident_id = ?2 OR c.created_by = ?3)"                   \
	" AND (?4 IS NULL OR c.state = ?4) AND (?5 = 0 OR a.item_id = ?5)"
	sqlite3_stmt *count =
		db_stmt(db, "SELECT count(*)" APPLICATION_FROM APPLICATION_WHERE);
	sqlite3_stmt *list = db_stmt(db, "SELECT" APPLICATION_COLUMNS APPLICATION_FROM
					 APPLICATION_WHERE " ORDER BY c.id DESC LIMIT ?6 OFFSET ?7");
	if (count == NULL || list == NULL)
		return RC_INTERNAL;
	sqlite3_stmt *both[2] = {count, list};
	for (int k = 0; k < 2; k++) {
		db_bind_text(both[k], 1, f->roots);
		sqlite3_bind_int64(both[k], 2, f->resident_id ? f->resident_id : -1);
		sqlite3_bind_int64(both[k], 3, f->created_by ? f->created_by : -1);
		db_bind_text(both[k], 4, f->state);
		sqlite3_bind_int64(both[k], 5, f->item_id);
	}
	sqlite3_bind_int64(list, 6, f->limit);
	sqlite3_bind_int64(list, 7, f->offset);
	*total = sqlite3_step(count) == SQLITE_ROW ? sqlite3_column_int64(count, 0) : 0;
	sqlite3_reset(count);
	return db_all_json(list, application_row, items_new);
#undef APPLICATION_WHERE
}

const char *service_material_type(const unsigned char *d, size_t len)
{
	if (len >= 5 && memcmp(d, "%PDF-", 5) == 0)
		return "application/pdf";
	return event_photo_type(d, len); /* the same JPEG and PNG checks as photos */
}

int application_material_add(struct db *db, int64_t case_id, const char *name, const char *type,
			     const void *data, size_t len, int64_t by, int64_t *id)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT count(*) FROM service_materials WHERE case_id = ?");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, case_id);
	int n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	sqlite3_reset(st);
	if (n >= APPLICATION_MATERIALS_MAX)
		return RC_CONFLICT;
	st = db_stmt(db, "INSERT INTO service_materials (case_id, name, type, data, added_by,"
			 " added_at_ms) VALUES (?, ?, ?, ?, ?, ?)");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, case_id);
	db_bind_text(st, 2, name);
	db_bind_text(st, 3, type);
	sqlite3_bind_blob(st, 4, data, (int)len, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, by);
	sqlite3_bind_int64(st, 6, clock_now_ms());
	int rc = db_step_one(db, st);
	if (rc == RC_OK)
		*id = sqlite3_last_insert_rowid(db_handle(db));
	return rc;
}

int application_material_get(struct db *db, int64_t case_id, int64_t id, void **data,
			     size_t *len, char type[32], char name[128])
{
	sqlite3_stmt *st = db_stmt(db, "SELECT data, type, name FROM service_materials"
				       " WHERE id = ? AND case_id = ?");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, case_id);
	int rc = RC_NOT_FOUND;
	if (sqlite3_step(st) == SQLITE_ROW) {
		*len = (size_t)sqlite3_column_bytes(st, 0);
		*data = malloc(*len ? *len : 1);
		if (*data == NULL) {
			rc = RC_INTERNAL;
		} else {
			memcpy(*data, sqlite3_column_blob(st, 0), *len);
			snprintf(type, 32, "%s", sqlite3_column_text(st, 1));
			snprintf(name, 128, "%s", sqlite3_column_text(st, 2));
			rc = RC_OK;
		}
	}
	sqlite3_reset(st);
	return rc;
}
