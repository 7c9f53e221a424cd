/*
 * Demo content of refined services, built once the synthetic residents
 * exist: the demo resident's account linked to the oldest resident of the
 * demo grid, two providers with a week of time slots, and applications in
 * each state, so every services page has something to show.
 */
#include "demo/services_gen.h"

#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/clock.h"
#include "core/error.h"
#include "events/events.h"
#include "services/services.h"

static int64_t scalar(struct db *db, sqlite3_stmt *st)
{
	(void)db;
	int64_t v = (st && sqlite3_step(st) == SQLITE_ROW) ? sqlite3_column_int64(st, 0) : 0;
	if (st)
		sqlite3_reset(st);
	return v;
}

static int64_t user_id(struct db *db, const char *name)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT id FROM users WHERE username = ?");
	if (st)
		db_bind_text(st, 1, name);
	return scalar(db, st);
}

static int64_t item_id(struct db *db, const char *code)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT id FROM service_items WHERE code = ?");
	if (st)
		db_bind_text(st, 1, code);
	return scalar(db, st);
}

/* The n-th oldest active resident under code aged at least min_age, or 0. */
static int64_t resident_at(struct db *db, const char *code, int n)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT id FROM residents WHERE code LIKE ? || '%'"
				       " AND status = 'active' ORDER BY birth_date, id LIMIT 1 OFFSET ?");
	if (st == NULL)
		return 0;
	db_bind_text(st, 1, code);
	sqlite3_bind_int(st, 2, n);
	return scalar(db, st);
}

static int provider(struct db *db, const char *name, const char *kind, const char *code,
		    const char *phone, const char *const *items, int64_t *id)
{
	json_t *ids = json_array(), *areas = json_pack("[s]", code);
	for (; *items; items++)
		json_array_append_new(ids, json_integer(item_id(db, *items)));
	struct provider_in in = {name, kind, "", phone, code, ids, areas, -1};
	int rc = provider_save(db, id, &in);
	json_decref(ids);
	json_decref(areas);
	return rc;
}

/* Slots every working day of the next week at the given hour (UTC+8). */
static int week_of_slots(struct db *db, int64_t prov, const char *item, int hour, int capacity,
			 const char *place)
{
	int64_t now = clock_now_ms(), day = 86400000;
	int64_t midnight = (now + 8 * 3600000LL) / day * day - 8 * 3600000LL;
	int rc = RC_OK;
	for (int d = 1; d <= 7 && rc == RC_OK; d++) {
		int64_t start = midnight + d * day + hour * 3600000LL;
		if (!calendar_is_workday(events_calendar(), calendar_day_at(start)))
			continue;
		struct slot_in in = {prov, item_id(db, item), start, start + 3600000LL, capacity,
				     place};
		int64_t id;
		rc = slot_create(db, &in, &id);
	}
	return rc;
}

static int apply(struct db *db, const char *item, int64_t resident, const char *by,
		 const char *const *actions, int64_t *id)
{
	struct service_item it;
	int rc = service_item_load(db, item_id(db, item), &it);
	if (rc != RC_OK)
		return rc;
	json_t *rep = NULL;
	rc = service_eligibility(db, it.eligibility, resident, &rep);
	struct case_actor who = {user_id(db, by), by};
	struct application_in in = {it.id, resident, "window", "到社区服务站窗口代为申请"};
	if (rc == RC_OK && json_is_true(json_object_get(rep, "eligible")))
		rc = application_create(db, &in, rep, it.name, &who, id);
	else
		*id = 0;
	json_decref(rep);
	service_item_free(&it);
	struct case_actor staff = {user_id(db, "community"), "community"};
	for (; rc == RC_OK && *id && *actions; actions++) {
		struct case_row c;
		const struct case_transition *t = NULL;
		rc = case_load(db, &application_kind, *id, &c);
		for (size_t i = 0; rc == RC_OK && i < application_kind.ntransitions; i++)
			if (strcmp(application_kind.transitions[i].action, *actions) == 0)
				t = &application_kind.transitions[i];
		json_t *body = json_pack("{s:s, s:s}", "outcome", "granted", "reason",
					 "经审核符合条件，已办理完毕");
		const char *note = strcmp(*actions, "conclude") == 0 ? "经审核符合条件，已办理完毕" : NULL;
		if (rc == RC_OK && t)
			rc = case_move(db, &application_kind, &c, t, t->to, &staff, note, NULL);
		if (rc == RC_OK)
			rc = application_after_move(db, &c, *actions, body);
		json_decref(body);
	}
	return rc;
}

int demo_services_build(struct db *db, const char *grid_code)
{
	int rc = events_calendar_load(db, NULL);
	if (rc != RC_OK)
		return rc;
	rc = db_begin(db);
	if (rc != RC_OK)
		return rc;
	/* The demo resident is the oldest resident of the demo grid. */
	int64_t me = resident_at(db, grid_code, 0);
	/* A small demo population may leave the grid empty: the account then
	 * stays unlinked, as a real one before the community links it. */
	if (me != 0) {
		sqlite3_stmt *st =
			db_stmt(db, "UPDATE users SET resident_id = ? WHERE username = 'resident'");
		if (st == NULL) {
			rc = RC_INTERNAL;
		} else {
			sqlite3_bind_int64(st, 1, me);
			rc = db_step_one(db, st);
		}
	}
	int64_t canteen = 0, clinic = 0;
	static const char *const canteen_items[] = {"elderly.meals", "elderly.home_care",
						    "logistics.groceries", NULL};
	static const char *const clinic_items[] = {"medical.family_doctor", "medical.checkup65",
						   "medical.chronic_followup", NULL};
	if (rc == RC_OK)
		rc = provider(db, "枫源村居家养老服务站", "social_org", "330681109290",
			      "0575-87181234", canteen_items, &canteen);
	if (rc == RC_OK)
		rc = provider(db, "枫桥镇社区卫生服务中心", "clinic", "330681109", "0575-87201120",
			      clinic_items, &clinic);
	if (rc == RC_OK)
		rc = week_of_slots(db, canteen, "elderly.meals", 11, 30, "枫源村老年食堂");
	if (rc == RC_OK)
		rc = week_of_slots(db, canteen, "elderly.home_care", 14, 4, "上门服务");
	if (rc == RC_OK)
		rc = week_of_slots(db, clinic, "medical.checkup65", 8, 20, "卫生服务中心体检科");
	/* Applications of the community's older residents in each state. */
	static const char *const none[] = {NULL};
	static const char *const accepted[] = {"accept", NULL};
	static const char *const done[] = {"accept", "conclude", NULL};
	/* The oldest residents of the community, each where eligible (a
	 * resident who is not registered here gets no old-age allowance). */
	static const struct {
		const char *item, *by;
		const char *const *actions;
	} story[] = {
		{"elderly.allowance80", "community", accepted},
		{"elderly.preference_card", "grid", none},
		{"medical.family_doctor", "community", done},
		{"elderly.meals", "grid", accepted},
	};
	int made = 0;
	int64_t used[8] = {me};
	for (size_t i = 0; i < sizeof(story) / sizeof(story[0]) && rc == RC_OK; i++) {
		int64_t id = 0;
		for (int n = 0; rc == RC_OK && id == 0 && n < 40; n++) {
			int64_t who = resident_at(db, "330681109290", n);
			bool taken = who == 0;
			for (int k = 0; k <= made && !taken; k++)
				taken = used[k] == who;
			if (!taken)
				rc = apply(db, story[i].item, who, story[i].by, story[i].actions, &id);
			if (id != 0)
				used[++made] = who;
		}
	}
	if (rc == RC_OK)
		printf("services: %s, two providers with a week of time slots, %d applications\n",
		       me ? "the demo resident linked to a registry record"
			  : "no resident in the demo grid to link",
		       made);
	if (rc == RC_OK)
		rc = cli_audit(db, "demo.services", "service_item", "330681109290", 0, NULL);
	if (rc == RC_OK)
		return db_commit(db);
	db_rollback(db);
	return rc;
}
