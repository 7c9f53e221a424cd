/*
 * Needs matched to providers (精准对接): rules over registry facts find the
 * people in need under a node; a need is served through its item (a booking
 * of a slot from 30 days ago on, or an application accepted or granted) or,
 * for a rule of visits only, by a visit to the household within visit_days;
 * providers delivering the item in the person's area with free places are
 * offered as matches.
 */
#include "services/needs.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/error.h"

#define SERVED_WINDOW_MS (30LL * 86400000)

static json_t *rule_row(sqlite3_stmt *st)
{
	json_error_t e;
	json_t *cond = json_loads((const char *)sqlite3_column_text(st, 4), 0, &e);
	return json_pack("{s:I, s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:b}", "id",
			 (json_int_t)sqlite3_column_int64(st, 0), "code", sqlite3_column_text(st, 1),
			 "name", sqlite3_column_text(st, 2), "name_en", sqlite3_column_text(st, 3),
			 "conditions", cond ? cond : json_object(), "item_id", db_col_json(st, 5),
			 "item_name", db_col_json(st, 7), "visit_days", db_col_json(st, 6), "active",
			 sqlite3_column_int(st, 8));
}

int need_rules_json(struct db *db, int64_t id, json_t **out_new)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT n.id, n.code, n.name, n.name_en, n.conditions,"
				       " n.item_id, n.visit_days, i.name, n.active FROM need_rules n"
				       " LEFT JOIN service_items i ON i.id = n.item_id"
				       " WHERE ?1 = 0 OR n.id = ?1 ORDER BY n.id");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	json_t *items = json_array();
	int s;
	while ((s = sqlite3_step(st)) == SQLITE_ROW)
		json_array_append_new(items, rule_row(st));
	sqlite3_reset(st);
	if (s != SQLITE_DONE) {
		json_decref(items);
		return RC_INTERNAL;
	}
	if (id != 0) {
		json_t *one = json_incref(json_array_get(items, 0));
		json_decref(items);
		if (one == NULL)
			return RC_NOT_FOUND;
		*out_new = one;
		return RC_OK;
	}
	*out_new = items;
	return RC_OK;
}

int need_rule_save(struct db *db, int64_t *id, const json_t *in)
{
	json_t *c = json_object_get(in, "conditions");
	char *cond = c ? json_dumps(c, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	json_t *item = json_object_get(in, "item_id"), *visit = json_object_get(in, "visit_days");
	sqlite3_stmt *st;
	if (*id == 0)
		st = db_stmt(db, "INSERT INTO need_rules (code, name, name_en, conditions, item_id,"
				 " visit_days) VALUES (?2, ?3, ?4, ?5, ?7, ?9)");
	else
		st = db_stmt(db, "UPDATE need_rules SET name = ifnull(?3, name),"
				 " name_en = ifnull(?4, name_en), conditions = ifnull(?5, conditions),"
				 " item_id = CASE WHEN ?6 THEN ?7 ELSE item_id END,"
				 " visit_days = CASE WHEN ?8 THEN ?9 ELSE visit_days END,"
				 " active = CASE WHEN ?10 < 0 THEN active ELSE ?10 END WHERE id = ?1");
	int rc = RC_INTERNAL;
	if (st != NULL) {
		sqlite3_bind_int64(st, 1, *id);
		db_bind_text(st, 2, json_string_value(json_object_get(in, "code")));
		db_bind_text(st, 3, json_string_value(json_object_get(in, "name")));
		db_bind_text(st, 4, json_string_value(json_object_get(in, "name_en")));
		db_bind_text(st, 5, cond);
		sqlite3_bind_int(st, 6, item != NULL);
		if (json_is_integer(item))
			sqlite3_bind_int64(st, 7, json_integer_value(item));
		else
			sqlite3_bind_null(st, 7);
		sqlite3_bind_int(st, 8, visit != NULL);
		if (json_is_integer(visit))
			sqlite3_bind_int64(st, 9, json_integer_value(visit));
		else
			sqlite3_bind_null(st, 9);
		json_t *a = json_object_get(in, "active");
		sqlite3_bind_int(st, 10, a ? json_is_true(a) : -1);
		int s = sqlite3_step(st);
		rc = s == SQLITE_DONE			? RC_OK
		     : (s & 0xff) == SQLITE_CONSTRAINT ? RC_CONFLICT
							: RC_INTERNAL;
		if (rc == RC_OK && *id == 0)
			*id = sqlite3_last_insert_rowid(db_handle(db));
		else if (rc == RC_OK && sqlite3_changes(db_handle(db)) == 0)
			rc = RC_NOT_FOUND;
		sqlite3_reset(st);
	}
	free(cond);
	return rc;
}

int need_rule_load(struct db *db, int64_t id, struct need_rule *out)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT conditions, ifnull(item_id, 0), ifnull(visit_days, 0),"
				       " active FROM need_rules WHERE id = ?");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	int rc = RC_NOT_FOUND;
	memset(out, 0, sizeof(*out));
	if (sqlite3_step(st) == SQLITE_ROW) {
		json_error_t e;
		out->id = id;
		out->conditions = json_loads((const char *)sqlite3_column_text(st, 0), 0, &e);
		if (out->conditions == NULL)
			out->conditions = json_object();
		out->item_id = sqlite3_column_int64(st, 1);
		out->visit_days = sqlite3_column_int(st, 2);
		out->active = sqlite3_column_int(st, 3);
		rc = RC_OK;
	}
	sqlite3_reset(st);
	return rc;
}

void need_rule_free(struct need_rule *r)
{
	json_decref(r->conditions);
	r->conditions = NULL;
}

/* The people of a rule under a node: every active resident meeting the
 * conditions, whether the need is served and whether the household was
 * visited recently.  ?1 node code, ?2 born on or before (min_age), ?3 born
 * after (max_age), ?4 gender, ?5 residence types, ?6 tags all, ?7 tags any,
 * ?8 highest disability grade, ?9 item, ?10 bookings from, ?11 visits from
 * (a civil date), ?15 the tags that lead (see below).
 *
 * Who was served and which households were visited are sets computed once
 * per statement (IN over a subquery), not lookups per person: at a county
 * of a million residents a broad rule (aged 65+) finds 150,000 people.  A
 * rule over tags starts from the tag index (TAG_LED: a few thousand rows)
 * instead of the node's range of residents (CODE_LED); the unary + keeps
 * the planner from mixing the two. */
#define NEEDY_COLUMNS                                                                          \
	" needy AS (SELECT r.id, r.code, r.name, r.birth_date, r.household_id,"               \
	"  CASE WHEN ?9 IS NULL THEN 0 ELSE (r.id IN (SELECT b.resident_id FROM bookings b"    \
	"   JOIN service_slots s ON s.id = b.slot_id WHERE s.item_id = ?9"                     \
	"   AND b.status <> 'cancelled' AND s.starts_at_ms >= ?10)"                            \
	"   OR r.id IN (SELECT a.resident_id FROM service_applications a"                      \
	"   JOIN cases c ON c.id = a.case_id WHERE a.item_id = ?9"                              \
	"   AND c.state IN ('accepted', 'done', 'evaluated')"                                  \
	"   AND ifnull(a.outcome, 'granted') = 'granted')) END AS by_item,"                    \
	"  CASE WHEN ?11 IS NULL THEN 0 ELSE r.household_id IN (SELECT v.household_id"         \
	"   FROM visits v WHERE v.code >= ?1 AND v.code < ?1 || 'a'"                           \
	"   AND v.visited_on >= ?11) END AS visited"                                           \
	"  FROM residents r WHERE "
#define CODE_LED " r.code >= ?1 AND r.code < ?1 || 'a'"
#define TAG_LED                                                                                \
	" r.id IN (SELECT t.resident_id FROM resident_tags t"                                  \
	"  WHERE t.tag IN (SELECT value FROM json_each(?15)))"                                 \
	" AND +r.code >= ?1 AND +r.code < ?1 || 'a'"
#define NEEDY_CONDITIONS                                                                       \
	"  AND r.status = 'active'"                                                            \
	"  AND (?2 IS NULL OR r.birth_date <= ?2) AND (?3 IS NULL OR r.birth_date > ?3)"       \
	"  AND (?4 IS NULL OR r.gender = ?4)"                                                  \
	"  AND (?5 IS NULL OR r.residence_type IN (SELECT value FROM json_each(?5)))"          \
	"  AND (?6 IS NULL OR NOT EXISTS (SELECT 1 FROM json_each(?6) j WHERE NOT EXISTS"      \
	"   (SELECT 1 FROM resident_tags t WHERE t.resident_id = r.id AND t.tag = j.value)))"  \
	"  AND (?7 IS NULL OR EXISTS (SELECT 1 FROM resident_tags t WHERE t.resident_id = r.id" \
	"   AND t.tag IN (SELECT value FROM json_each(?7))))"                                  \
	"  AND (?8 IS NULL OR EXISTS (SELECT 1 FROM resident_tags t WHERE t.resident_id = r.id" \
	"   AND t.tag = 'disabled' AND json_extract(t.attrs, '$.grade') BETWEEN 1 AND ?8))),"  \
	" judged AS (SELECT *, CASE WHEN ?9 IS NULL THEN visited ELSE by_item END AS served,"  \
	"  (?11 IS NOT NULL AND NOT visited) AS overdue FROM needy)"

/* The tags a rule's people all carry one of: tags_any, or the first of
 * tags_all (a disability grade implies "disabled"); NULL when none. */
static char *leading_tags(const json_t *c)
{
	json_t *any = json_object_get(c, "tags_any"), *all = json_object_get(c, "tags_all");
	if (json_array_size(any) > 0)
		return json_dumps(any, JSON_COMPACT);
	if (json_array_size(all) > 0) {
		json_t *one = json_pack("[O]", json_array_get(all, 0));
		char *s = json_dumps(one, JSON_COMPACT);
		json_decref(one);
		return s;
	}
	if (json_object_get(c, "disability_grade_max"))
		return strdup("[\"disabled\"]");
	return NULL;
}

/* Whether a statement starts from the tag index: for a county or a town,
 * whose range of residents is large; a community's or a grid's range is
 * smaller than a common tag's rows across the county.  Returns the leading
 * tags to free, or NULL to start from the node's range. */
static char *leading_led(const json_t *c, const char *code)
{
	return strlen(code) <= 9 ? leading_tags(c) : NULL;
}

static void bind_rule(sqlite3_stmt *st, const struct need_rule *r, const char *code,
		      int64_t now_ms)
{
	char born[11], cut[11], visit[11];
	json_t *c = r->conditions, *v;
	int64_t now = now_ms / 1000;
	db_bind_text(st, 1, code);
	if ((v = json_object_get(c, "min_age")) != NULL) {
		clock_civil_date(now, (int)json_integer_value(v), born);
		db_bind_text(st, 2, born);
	}
	if ((v = json_object_get(c, "max_age")) != NULL) {
		clock_civil_date(now, (int)json_integer_value(v) + 1, cut);
		db_bind_text(st, 3, cut);
	}
	db_bind_text(st, 4, json_string_value(json_object_get(c, "gender")));
	const char *keys[] = {"residence", "tags_all", "tags_any"};
	for (int i = 0; i < 3; i++) {
		json_t *a = json_object_get(c, keys[i]);
		char *text = a ? json_dumps(a, JSON_COMPACT) : NULL;
		if (text)
			sqlite3_bind_text(st, 5 + i, text, -1, free);
	}
	if ((v = json_object_get(c, "disability_grade_max")) != NULL)
		sqlite3_bind_int64(st, 8, json_integer_value(v));
	if (r->item_id)
		sqlite3_bind_int64(st, 9, r->item_id);
	sqlite3_bind_int64(st, 10, now_ms - SERVED_WINDOW_MS);
	if (r->visit_days > 0) {
		/* The civil date visit_days ago: visits on or after it count. */
		clock_civil_date(now - (int64_t)r->visit_days * 86400, 0, visit);
		db_bind_text(st, 11, visit);
	}
	char *lead = leading_tags(c);
	if (lead)
		sqlite3_bind_text(st, 15, lead, -1, free);
}

/* Coverage of a town or a county reads tens of thousands of people; it is
 * kept for a minute, like the registry's statistics, keyed by the rule as
 * it reads (its conditions, item and visits) so an edited rule is counted
 * afresh.  A community's or a grid's is computed every time (milliseconds),
 * so staff see a booking or a visit count at once where they work. */
#define COVERAGE_KEEP_MS 60000
#define COVERAGE_SLOTS 64

static struct {
	char key[512];
	int64_t at_ms;
	json_t *rows;
} kept[COVERAGE_SLOTS];
static pthread_mutex_t kept_lock = PTHREAD_MUTEX_INITIALIZER;

static void coverage_key(const struct need_rule *r, const char *code, char key[512])
{
	char *cond = json_dumps(r->conditions, JSON_COMPACT | JSON_SORT_KEYS);
	snprintf(key, 512, "%lld|%s|%lld|%d|%s", (long long)r->id, code, (long long)r->item_id,
		 r->visit_days, cond ? cond : "");
	free(cond);
}

static json_t *coverage_kept(const char *key, int64_t now_ms)
{
	json_t *rows = NULL;
	pthread_mutex_lock(&kept_lock);
	for (int i = 0; i < COVERAGE_SLOTS && rows == NULL; i++)
		if (kept[i].rows && strcmp(kept[i].key, key) == 0 &&
		    now_ms - kept[i].at_ms < COVERAGE_KEEP_MS)
			rows = json_deep_copy(kept[i].rows);
	pthread_mutex_unlock(&kept_lock);
	return rows;
}

static void coverage_keep(const char *key, const json_t *rows, int64_t now_ms)
{
	pthread_mutex_lock(&kept_lock);
	int slot = 0;
	for (int i = 0; i < COVERAGE_SLOTS; i++) {
		if (kept[i].rows == NULL || strcmp(kept[i].key, key) == 0) {
			slot = i;
			break;
		}
		if (kept[i].at_ms < kept[slot].at_ms)
			slot = i; /* the oldest goes */
	}
	json_decref(kept[slot].rows);
	snprintf(kept[slot].key, sizeof(kept[slot].key), "%s", key);
	kept[slot].rows = json_deep_copy(rows);
	kept[slot].at_ms = now_ms;
	pthread_mutex_unlock(&kept_lock);
}

static int coverage_compute(struct db *db, const struct need_rule *r, const char *code,
			    int child_len, int64_t now_ms, json_t **rows_new);

int needs_coverage(struct db *db, const struct need_rule *r, const char *code, int child_len,
		   int64_t now_ms, json_t **rows_new)
{
	if (strlen(code) > 9)
		return coverage_compute(db, r, code, child_len, now_ms, rows_new);
	char key[512];
	coverage_key(r, code, key);
	if ((*rows_new = coverage_kept(key, now_ms)) != NULL)
		return RC_OK;
	int rc = coverage_compute(db, r, code, child_len, now_ms, rows_new);
	if (rc == RC_OK)
		coverage_keep(key, *rows_new, now_ms);
	return rc;
}

static int coverage_compute(struct db *db, const struct need_rule *r, const char *code,
			    int child_len, int64_t now_ms, json_t **rows_new)
{
	char *lead = leading_led(r->conditions, code);
	sqlite3_stmt *st =
		lead ? db_stmt(db, "WITH" NEEDY_COLUMNS TAG_LED NEEDY_CONDITIONS
				   " SELECT substr(code, 1, ?12) AS node, count(*), sum(served),"
				   " sum(overdue) FROM judged GROUP BY node ORDER BY node")
		     : db_stmt(db, "WITH" NEEDY_COLUMNS CODE_LED NEEDY_CONDITIONS
				   " SELECT substr(code, 1, ?12) AS node, count(*), sum(served),"
				   " sum(overdue) FROM judged GROUP BY node ORDER BY node");
	free(lead);
	if (st == NULL)
		return RC_INTERNAL;
	bind_rule(st, r, code, now_ms);
	sqlite3_bind_int(st, 12, child_len);
	json_t *rows = json_array();
	int s;
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t n = sqlite3_column_int64(st, 1), served = sqlite3_column_int64(st, 2);
		json_array_append_new(rows, json_pack("{s:s, s:I, s:I, s:I, s:I}", "code",
						      sqlite3_column_text(st, 0), "in_need",
						      (json_int_t)n, "served", (json_int_t)served,
						      "unserved", (json_int_t)(n - served),
						      "visit_overdue",
						      (json_int_t)sqlite3_column_int64(st, 3)));
	}
	sqlite3_clear_bindings(st);
	sqlite3_reset(st);
	if (s != SQLITE_DONE) {
		json_decref(rows);
		return RC_INTERNAL;
	}
	*rows_new = rows;
	return RC_OK;
}

int64_t needs_free_places(struct db *db, int64_t item_id, const char *code, int64_t from_ms,
			  int64_t to_ms)
{
	/* Providers whose areas overlap the node: an area above it serves all
	 * of it, an area inside it part of it. */
	sqlite3_stmt *st = db_stmt(
		db, "SELECT ifnull(sum(s.capacity - s.booked), 0) FROM service_slots s"
		    " JOIN providers p ON p.id = s.provider_id"
		    " WHERE s.item_id = ?1 AND s.cancelled = 0 AND p.active = 1"
		    " AND s.starts_at_ms > ?3 AND s.starts_at_ms <= ?4"
		    " AND EXISTS (SELECT 1 FROM provider_areas a WHERE a.provider_id = p.id"
		    "  AND (substr(?2, 1, length(a.code)) = a.code"
		    "   OR substr(a.code, 1, length(?2)) = ?2))");
	if (st == NULL)
		return 0;
	sqlite3_bind_int64(st, 1, item_id);
	db_bind_text(st, 2, code);
	sqlite3_bind_int64(st, 3, from_ms);
	sqlite3_bind_int64(st, 4, to_ms);
	int64_t n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	return n;
}

int needs_people(struct db *db, const struct need_rule *r, const char *code, const char *status,
		 int64_t now_ms, int64_t limit, int64_t offset, json_t **items_new,
		 int64_t *total)
{
	/* ?12 which: all, unserved or overdue.  Unserved first, then overdue;
	 * the last visit is looked up for the page's rows only. */
#define WHICH " WHERE ?12 = 'all' OR (?12 = 'unserved' AND NOT served) OR (?12 = 'overdue' AND overdue)"
#define PAGE_OF_PEOPLE                                                                        \
	" SELECT p.id, p.code, p.name, p.birth_date, (SELECT max(v.visited_on) FROM visits v"  \
	"  WHERE v.household_id = p.household_id), p.served, p.overdue FROM (SELECT * FROM"    \
	"  judged" WHICH " ORDER BY served, overdue DESC, code, id LIMIT ?13 OFFSET ?14) p"
	char *lead = leading_led(r->conditions, code);
	sqlite3_stmt *count, *list;
	if (lead) {
		count = db_stmt(db, "WITH" NEEDY_COLUMNS TAG_LED NEEDY_CONDITIONS
				    " SELECT count(*) FROM judged" WHICH);
		list = db_stmt(db, "WITH" NEEDY_COLUMNS TAG_LED NEEDY_CONDITIONS PAGE_OF_PEOPLE);
	} else {
		count = db_stmt(db, "WITH" NEEDY_COLUMNS CODE_LED NEEDY_CONDITIONS
				    " SELECT count(*) FROM judged" WHICH);
		list = db_stmt(db, "WITH" NEEDY_COLUMNS CODE_LED NEEDY_CONDITIONS PAGE_OF_PEOPLE);
	}
	free(lead);
#undef WHICH
#undef PAGE_OF_PEOPLE
	if (count == NULL || list == NULL)
		return RC_INTERNAL;
	bind_rule(count, r, code, now_ms);
	db_bind_text(count, 12, status);
	*total = sqlite3_step(count) == SQLITE_ROW ? sqlite3_column_int64(count, 0) : 0;
	sqlite3_clear_bindings(count);
	sqlite3_reset(count);
	bind_rule(list, r, code, now_ms);
	db_bind_text(list, 12, status);
	sqlite3_bind_int64(list, 13, limit);
	sqlite3_bind_int64(list, 14, offset);
	json_t *items = json_array();
	int s;
	while ((s = sqlite3_step(list)) == SQLITE_ROW)
		json_array_append_new(
			items, json_pack("{s:I, s:s, s:s, s:s, s:o, s:b, s:b}", "id",
					 (json_int_t)sqlite3_column_int64(list, 0), "code",
					 sqlite3_column_text(list, 1), "name",
					 sqlite3_column_text(list, 2), "birth_date",
					 sqlite3_column_text(list, 3), "last_visit",
					 db_col_json(list, 4), "served", sqlite3_column_int(list, 5),
					 "visit_overdue", sqlite3_column_int(list, 6)));
	sqlite3_clear_bindings(list);
	sqlite3_reset(list);
	if (s != SQLITE_DONE) {
		json_decref(items);
		return RC_INTERNAL;
	}
	/* Matches: providers of the item serving the person's area with free
	 * places in the coming two weeks, the most places first. */
	size_t i;
	json_t *p;
	json_array_foreach(items, i, p)
	{
		json_t *matches = json_array();
		if (r->item_id) {
			sqlite3_stmt *st = db_stmt(
				db, "SELECT p.id, p.name, p.phone, sum(s.capacity - s.booked)"
				    " FROM providers p JOIN service_slots s ON s.provider_id = p.id"
				    " WHERE s.item_id = ?1 AND s.cancelled = 0 AND p.active = 1"
				    " AND s.starts_at_ms > ?2 AND s.starts_at_ms <= ?2 + 14 * 86400000"
				    " AND EXISTS (SELECT 1 FROM provider_areas a WHERE a.provider_id = p.id"
				    "  AND substr(?3, 1, length(a.code)) = a.code)"
				    " GROUP BY p.id HAVING sum(s.capacity - s.booked) > 0"
				    " ORDER BY 4 DESC, p.id LIMIT 3");
			if (st != NULL) {
				sqlite3_bind_int64(st, 1, r->item_id);
				sqlite3_bind_int64(st, 2, now_ms);
				db_bind_text(st, 3, json_string_value(json_object_get(p, "code")));
				while (sqlite3_step(st) == SQLITE_ROW)
					json_array_append_new(
						matches,
						json_pack("{s:I, s:s, s:s, s:I}", "id",
							  (json_int_t)sqlite3_column_int64(st, 0),
							  "name", sqlite3_column_text(st, 1), "phone",
							  sqlite3_column_text(st, 2), "free_places",
							  (json_int_t)sqlite3_column_int64(st, 3)));
				sqlite3_reset(st);
			}
		}
		json_object_set_new(p, "matches", matches);
	}
	*items_new = items;
	return RC_OK;
}
