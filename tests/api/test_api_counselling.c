/*
 * Psychological assistance over HTTP: a request from a resident and from
 * staff for a resident, assignment, sessions and closing; confidentiality
 * against every other role (404 for the case and all its actions, never
 * 403, never in a list, the events board, an inbox, the registry's pages,
 * the audit log's details or the database file in plain text); crisis
 * alerts to every supervisor covering the area at once, acknowledged;
 * reassignment; withdrawal; every refused input; and statistics that show
 * counts only, with small counts of communities as "<3".
 */
#include "api/harness.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TOWN "330681109"
#define COMM "330681109290"

static struct server S;
static int64_t resident_id, cou_id, cou2_id, cou_far_id, comm_id_user;

/* Accounts by name, signed in once. */
static const char *const names[] = {
	"sysadmin", "secadmin", "auditor", "c_county", "c_dept", "c_town", "c_comm",
	"c_comm2",  "c_grid",   "c_res",   "c_res2",   "c_med",  "c_cou",  "c_cou2",
	"c_coufar", "c_sup",    "c_sup2",  "c_supfar", "c_vol",
};
#define NNAMES (sizeof(names) / sizeof(names[0]))
static char *tok[NNAMES];

static const char *T(const char *name)
{
	for (size_t i = 0; i < NNAMES; i++)
		if (strcmp(names[i], name) == 0)
			return tok[i];
	fail_msg("no account %s", name);
	return NULL;
}

static struct resp *get(const char *who, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static struct resp *get(const char *who, const char *fmt, ...)
{
	char path[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	return call(&S, "GET", path, T(who), NULL);
}

static struct resp *act(const char *who, int64_t id, const char *action, const char *body)
{
	char path[128];
	snprintf(path, sizeof(path), "/api/v1/counselling/cases/%lld/%s", (long long)id, action);
	return call(&S, "POST", path, T(who), "%s", body ? body : "{}");
}

static void act_status(const char *who, int64_t id, const char *action, const char *body,
		       long status)
{
	struct resp *r = act(who, id, action, body);
	assert_status(r, status);
	resp_free(r);
}

static int64_t request(const char *who, const char *body)
{
	struct resp *r = call(&S, "POST", "/api/v1/counselling/requests", T(who), "%s", body);
	assert_status(r, 201);
	int64_t id = jint(r->json, "id");
	resp_free(r);
	return id;
}

static int64_t assign(int64_t id, int64_t counsellor)
{
	char body[64];
	snprintf(body, sizeof(body), "{\"counsellor_id\":%lld}", (long long)counsellor);
	act_status("c_sup", id, "assign", body, 200);
	return id;
}

/* Is case id among the items of the list at path? */
static bool listed(const char *who, const char *path, int64_t id)
{
	struct resp *r = call(&S, "GET", path, T(who), NULL);
	bool found = false;
	if (r->status == 200) {
		size_t i;
		json_t *o;
		json_array_foreach(jget(r->json, "items"), i, o)
		{
			json_t *v = json_object_get(o, "case_id");
			if (v == NULL)
				v = json_object_get(o, "id");
			if (json_integer_value(v) == id)
				found = true;
		}
	}
	resp_free(r);
	return found;
}

static int setup(void **state)
{
	(void)state;
	srv_init(&S, true);
	srv_start(&S, NULL);
	mkuser(&S, "c_county", "county_officer", ZHUJI);
	mkuser(&S, "c_dept", "department_officer", ZHUJI);
	mkuser(&S, "c_town", "town_officer", TOWN);
	comm_id_user = mkuser(&S, "c_comm", "community_worker", COMM);
	mkuser(&S, "c_comm2", "community_worker", COMM);
	mkuser(&S, "c_med", "mediator", COMM);
	mkuser(&S, "c_vol", "volunteer", COMM);
	cou_id = mkuser(&S, "c_cou", "counsellor", TOWN);
	cou2_id = mkuser(&S, "c_cou2", "counsellor", COMM);
	cou_far_id = mkuser(&S, "c_coufar", "counsellor", "330681001");
	mkuser(&S, "c_sup", "counsel_supervisor", TOWN);
	mkuser(&S, "c_sup2", "counsel_supervisor", ZHUJI);
	mkuser(&S, "c_supfar", "counsel_supervisor", "330681001");
	/* A grid with a household and the person who will ask for help. */
	char *t = login(&S, "c_comm", TEST_PASSWORD);
	int64_t c = org_id(&S, t, COMM);
	struct resp *r =
		call(&S, "POST", "/api/v1/orgs", t,
		     "{\"parent_id\":%lld,\"name\":\"一网格\",\"level\":\"grid\"}", (long long)c);
	assert_status(r, 201);
	char grid[24];
	snprintf(grid, sizeof(grid), "%s", jstr(r->json, "code"));
	int64_t gid = jint(r->json, "id");
	resp_free(r);
	r = call(&S, "POST", "/api/v1/addresses", t,
		 "{\"grid_id\":%lld,\"street\":\"枫源路\",\"number\":\"8号\"}", (long long)gid);
	assert_status(r, 201);
	int64_t addr = jint(r->json, "id");
	resp_free(r);
	r = call(&S, "POST", "/api/v1/households", t, "{\"address_id\":%lld}", (long long)addr);
	assert_status(r, 201);
	int64_t hh = jint(r->json, "id");
	resp_free(r);
	r = call(&S, "POST", "/api/v1/residents", t,
		 "{\"household_id\":%lld,\"name\":\"何秘密\",\"gender\":\"female\","
		 "\"birth_date\":\"1990-03-07\",\"id_type\":\"citizen\",\"id_number\":"
		 "\"33068119900307002X\",\"residence_type\":\"registered\"}",
		 (long long)hh);
	assert_status(r, 201);
	resident_id = jint(r->json, "id");
	resp_free(r);
	free(t);
	mkuser(&S, "c_grid", "grid_worker", grid);
	mkuser(&S, "c_res", "resident", grid);
	mkuser(&S, "c_res2", "resident", grid);
	/* c_res is the resident's own account (how accounts are linked is
	 * the services' part; here the column is set directly). */
	char *out = NULL;
	if (sh(&out, "sqlite3 %s \"UPDATE users SET resident_id = %lld WHERE username = 'c_res'\"",
	       S.db, (long long)resident_id) != 0)
		fail_msg("link: %s", out);
	free(out);
	for (size_t i = 0; i < NNAMES; i++)
		tok[i] = login(&S, names[i], TEST_PASSWORD);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	for (size_t i = 0; i < NNAMES; i++)
		free(tok[i]);
	srv_cleanup(&S);
	return 0;
}

static void test_request_assign_session_close(void **state)
{
	(void)state;
	struct resp *r = call(&S, "POST", "/api/v1/counselling/requests", T("c_res"),
			      "{\"category\":\"emotional\",\"concern\":\"最近睡不好，心里很乱\","
			      "\"contact_phone\":\"138 0000 1111\",\"contact_name\":\"小何\"}");
	assert_status(r, 201);
	int64_t id = jint(r->json, "id");
	assert_string_equal(jstr(r->json, "state"), "requested");
	assert_true(json_is_true(jget(r->json, "for_self")));
	assert_true(json_is_true(jget(r->json, "supervisor_told")));
	/* The requester's view never carries what they said back. */
	assert_null(jget(r->json, "concern"));
	assert_null(jget(r->json, "contact"));
	resp_free(r);

	/* Every supervisor covering the area is told, with a neutral title. */
	assert_true(listed("c_sup", "/api/v1/counselling/cases?view=waiting", id));
	assert_true(listed("c_sup2", "/api/v1/counselling/cases?view=waiting", id));
	assert_false(listed("c_supfar", "/api/v1/counselling/cases?view=waiting", id));
	r = get("c_sup", "/api/v1/inbox");
	assert_status(r, 200);
	assert_int_equal(jint(r->json, "items.0.case_id"), id);
	assert_string_equal(jstr(r->json, "items.0.kind"), "request");
	assert_string_equal(jstr(r->json, "items.0.title"), "心理援助");
	assert_string_equal(jstr(r->json, "items.0.case_kind"), "counselling");
	resp_free(r);

	/* The supervisor reads the request; it lives in the resident's grid. */
	r = get("c_sup", "/api/v1/counselling/cases/%lld", (long long)id);
	assert_status(r, 200);
	assert_string_equal(jstr(r->json, "concern"), "最近睡不好，心里很乱");
	assert_string_equal(jstr(r->json, "contact.phone"), "138 0000 1111");
	assert_string_equal(jstr(r->json, "contact.preference"), "phone");
	assert_string_equal(jstr(r->json, "resident.name"), "何秘密");
	assert_true(json_is_true(jget(r->json, "may.assign")));
	assert_int_equal(strlen(jstr(r->json, "node.code")), 15);
	resp_free(r);

	/* Counsellors over the area, the farther town's not among them. */
	r = get("c_sup", "/api/v1/counselling/cases/%lld/counsellors", (long long)id);
	assert_status(r, 200);
	assert_int_equal(json_array_size(jget(r->json, "items")), 2);
	resp_free(r);
	r = get("c_cou", "/api/v1/counselling/cases/%lld/counsellors", (long long)id);
	assert_status(r, 404);
	resp_free(r);

	assign(id, cou_id);
	r = get("c_cou", "/api/v1/counselling/cases/%lld", (long long)id);
	assert_status(r, 200);
	assert_string_equal(jstr(r->json, "state"), "assigned");
	assert_string_equal(jstr(r->json, "counsellor.name"), "c_cou");
	assert_string_equal(jstr(r->json, "supervisor.name"), "c_sup");
	assert_non_null(jstr(r->json, "contact_due"));
	assert_true(json_is_true(jget(r->json, "may.session")));
	resp_free(r);
	assert_true(listed("c_cou", "/api/v1/counselling/cases", id));
	assert_true(listed("c_sup", "/api/v1/counselling/cases?view=supervised", id));
	assert_false(listed("c_sup", "/api/v1/counselling/cases?view=waiting", id));
	/* Once assigned, the county's supervisor no longer sees it. */
	r = get("c_sup2", "/api/v1/counselling/cases/%lld", (long long)id);
	assert_status(r, 404);
	resp_free(r);
	r = get("c_cou", "/api/v1/inbox");
	assert_string_equal(jstr(r->json, "items.0.kind"), "assigned");
	resp_free(r);

	/* The requester sees the status and the counsellor's name. */
	r = get("c_res", "/api/v1/counselling/cases/%lld", (long long)id);
	assert_status(r, 200);
	assert_string_equal(jstr(r->json, "counsellor_name"), "c_cou");
	assert_null(jget(r->json, "concern"));
	assert_null(jget(r->json, "sessions"));
	assert_null(jget(r->json, "timeline"));
	resp_free(r);
	assert_true(listed("c_res", "/api/v1/counselling/requests/mine", id));

	act_status("c_cou", id, "sessions",
		   "{\"held_on\":\"2026-01-05\",\"kind\":\"phone\",\"minutes\":40,"
		   "\"notes\":\"初次通话，约定每周一次\"}",
		   200);
	r = get("c_sup", "/api/v1/counselling/cases/%lld", (long long)id);
	assert_string_equal(jstr(r->json, "state"), "in_progress");
	assert_string_equal(jstr(r->json, "sessions.0.notes"), "初次通话，约定每周一次");
	assert_non_null(jstr(r->json, "first_contact_at"));
	assert_true(json_is_null(jget(r->json, "contact_due")));
	resp_free(r);
	r = get("c_res", "/api/v1/counselling/requests/mine");
	assert_null(strstr(r->body, "初次通话"));
	resp_free(r);

	act_status("c_cou", id, "close", "{\"outcome\":\"resolved\",\"summary\":\"情绪平稳\"}",
		   200);
	r = get("c_res", "/api/v1/counselling/cases/%lld", (long long)id);
	assert_string_equal(jstr(r->json, "state"), "closed");
	assert_false(json_is_true(jget(r->json, "may_withdraw")));
	resp_free(r);
	assert_false(listed("c_cou", "/api/v1/counselling/cases", id));
	assert_true(listed("c_cou", "/api/v1/counselling/cases?state=closed", id));
	r = get("c_cou", "/api/v1/counselling/cases/%lld", (long long)id);
	assert_string_equal(jstr(r->json, "summary"), "情绪平稳");
	assert_string_equal(jstr(r->json, "outcome"), "resolved");
	resp_free(r);
}

static void test_confidential_against_every_other_role(void **state)
{
	(void)state;
	char body[512];
	snprintf(body, sizeof(body),
		 "{\"resident_id\":%lld,\"category\":\"family\",\"concern\":\"SECRET-CONCERN "
		 "家里的事\",\"contact_phone\":\"13999990000\",\"contact_name\":\"何秘密\"}",
		 (long long)resident_id);
	int64_t id = request("c_comm", body);
	assign(id, cou_id);
	act_status("c_cou", id, "sessions",
		   "{\"held_on\":\"2026-01-06\",\"kind\":\"in_person\",\"notes\":\"SECRET-NOTE\"}",
		   200);
	/* Everyone else: 404 for the case and for every action on it, exactly
	 * as for a case that does not exist. */
	static const char *const others[] = {"sysadmin", "secadmin", "auditor",  "c_county",
					     "c_dept",   "c_town",   "c_comm2",  "c_grid",
					     "c_res",    "c_res2",   "c_med",    "c_cou2",
					     "c_coufar", "c_sup2",   "c_supfar", "c_vol"};
	/* Each with a body it would take, so that only the case decides. */
	char who_body[96], re_body[96];
	snprintf(who_body, sizeof(who_body), "{\"counsellor_id\":%lld}", (long long)cou2_id);
	snprintf(re_body, sizeof(re_body), "{\"counsellor_id\":%lld,\"reason\":\"x\"}",
		 (long long)cou2_id);
	const char *const actions[][2] = {
		{"assign", who_body},
		{"reassign", re_body},
		{"sessions", "{\"held_on\":\"2026-01-07\",\"kind\":\"phone\"}"},
		{"crisis", "{}"},
		{"crisis_clear", "{\"reason\":\"x\"}"},
		{"close", "{\"outcome\":\"resolved\",\"summary\":\"x\"}"},
		{"withdraw", "{}"},
	};
	int wrong = 0;
	for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
		for (int missing = 0; missing < 2; missing++) {
			int64_t target = missing ? 987654 : id;
			struct resp *r =
				get(others[i], "/api/v1/counselling/cases/%lld", (long long)target);
			if (r->status != 404) {
				print_error("GET case as %s: %ld\n", others[i], r->status);
				wrong++;
			}
			resp_free(r);
			r = get(others[i], "/api/v1/counselling/cases/%lld/counsellors",
				(long long)target);
			wrong += r->status != 404;
			resp_free(r);
			for (size_t a = 0; a < sizeof(actions) / sizeof(actions[0]); a++) {
				r = act(others[i], target, actions[a][0], actions[a][1]);
				if (r->status != 404 || strcmp(err_code(r), "not_found") != 0) {
					print_error("%s as %s: %ld\n", actions[a][0], others[i],
						    r->status);
					wrong++;
				}
				resp_free(r);
			}
		}
		/* Nor in any list they may read. */
		static const char *const lists[] = {
			"/api/v1/counselling/cases",
			"/api/v1/counselling/cases?view=waiting&state=all",
			"/api/v1/counselling/cases?view=supervised&state=all",
			"/api/v1/counselling/requests/mine",
			"/api/v1/counselling/alerts",
			"/api/v1/inbox",
			"/api/v1/events?state=all",
		};
		for (size_t l = 0; l < sizeof(lists) / sizeof(lists[0]); l++)
			if (listed(others[i], lists[l], id)) {
				print_error("%s lists it for %s\n", lists[l], others[i]);
				wrong++;
			}
		struct resp *r = get(others[i], "/api/v1/events/%lld", (long long)id);
		wrong += r->status != 404 && r->status != 403;
		resp_free(r);
	}
	assert_int_equal(wrong, 0);

	/* The staff member who asked follows the status only. */
	struct resp *r = get("c_comm", "/api/v1/counselling/cases/%lld", (long long)id);
	assert_status(r, 200);
	assert_null(strstr(r->body, "SECRET"));
	assert_false(json_is_true(jget(r->json, "for_self")));
	resp_free(r);

	/* The resident's record does not tell that they asked. */
	r = get("c_comm2", "/api/v1/residents/%lld", (long long)resident_id);
	assert_status(r, 200);
	assert_null(strstr(r->body, "counsel"));
	assert_null(strstr(r->body, "心理"));
	resp_free(r);
	r = get("c_comm2", "/api/v1/residents/%lld/history", (long long)resident_id);
	assert_null(strstr(r->body, "counsel"));
	resp_free(r);

	/* Audit records of reads and changes exist, with ids only. */
	r = get("c_cou", "/api/v1/counselling/cases/%lld", (long long)id);
	resp_free(r);
	usleep(300 * 1000); /* reads are written in batches */
	r = get("auditor", "/api/v1/audit?object_type=counselling&object_id=%lld&limit=200",
		(long long)id);
	assert_status(r, 200);
	assert_true(jint(r->json, "total") >= 4);
	assert_non_null(strstr(r->body, "counselling.read"));
	assert_non_null(strstr(r->body, "counselling.assign"));
	assert_null(strstr(r->body, "SECRET"));
	assert_null(strstr(r->body, "何秘密"));
	assert_null(strstr(r->body, "13999990000"));
	assert_null(strstr(r->body, "family"));
	resp_free(r);

	/* Nothing the person said is in the database files in plain text. */
	char *out = NULL;
	sh(NULL, "sqlite3 %s 'PRAGMA wal_checkpoint' >/dev/null", S.db);
	sh(&out, "cat %s %s-wal 2>/dev/null | grep -a -c -e SECRET -e 13999990000", S.db, S.db);
	if (out == NULL || atoi(out) != 0)
		fail_msg("plain text in the database: %s", out ? out : "");
	free(out);
}

static void test_crisis_alerts_at_once(void **state)
{
	(void)state;
	int64_t calm = request("c_res2", "{\"category\":\"stress\",\"concern\":\"工作压力\","
					 "\"contact_phone\":\"13700001111\"}");
	int64_t id = request("c_res2", "{\"category\":\"other\",\"concern\":\"不想活了\","
				       "\"contact_phone\":\"13700002222\",\"crisis\":true}");
	/* Both supervisors over the area have their alert, the farther one
	 * none; it is on top of the waiting list. */
	assert_true(listed("c_sup", "/api/v1/counselling/alerts?open=true", id));
	assert_true(listed("c_sup2", "/api/v1/counselling/alerts?open=true", id));
	assert_false(listed("c_supfar", "/api/v1/counselling/alerts", id));
	struct resp *r = get("c_sup", "/api/v1/counselling/cases?view=waiting");
	assert_int_equal(jint(r->json, "items.0.id"), id);
	assert_true(json_is_true(jget(r->json, "items.0.crisis")));
	resp_free(r);
	r = get("c_sup2", "/api/v1/inbox");
	assert_string_equal(jstr(r->json, "items.0.kind"), "crisis");
	resp_free(r);
	(void)calm;

	/* Assigned in a crisis: every covering supervisor still sees it. */
	assign(id, cou_id);
	r = get("c_sup2", "/api/v1/counselling/cases/%lld", (long long)id);
	assert_status(r, 200);
	assert_true(json_is_true(jget(r->json, "crisis")));
	assert_int_equal(json_array_size(jget(r->json, "alerts")), 2);
	resp_free(r);

	/* Acknowledging is recorded; another's alert is not one's own. */
	r = get("c_sup2", "/api/v1/counselling/alerts?open=true");
	int64_t alert2 = jint(r->json, "items.0.id");
	resp_free(r);
	r = call(&S, "POST", "/api/v1/counselling/alerts/987654/acknowledge", T("c_sup2"), NULL);
	assert_status(r, 404);
	resp_free(r);
	char path[96];
	snprintf(path, sizeof(path), "/api/v1/counselling/alerts/%lld/acknowledge",
		 (long long)alert2);
	r = call(&S, "POST", path, T("c_sup"), NULL);
	assert_status(r, 404);
	resp_free(r);
	r = call(&S, "POST", path, T("c_sup2"), NULL);
	assert_status(r, 204);
	resp_free(r);
	assert_false(listed("c_sup2", "/api/v1/counselling/alerts?open=true", id));
	r = get("c_cou", "/api/v1/counselling/cases/%lld", (long long)id);
	int acked = 0;
	size_t i;
	json_t *a;
	json_array_foreach(jget(r->json, "alerts"), i, a) acked +=
		!json_is_null(json_object_get(a, "acknowledged_at"));
	assert_int_equal(acked, 1);
	resp_free(r);

	/* Raised twice is refused; lowered with a reason (sealed, shown to
	 * the counsellor), the county's supervisor no longer sees it. */
	act_status("c_cou", id, "crisis", NULL, 409);
	act_status("c_cou", id, "crisis_clear", "{}", 422);
	act_status("c_cou", id, "crisis_clear", "{\"reason\":\"REASON-SEALED 已安全\"}", 200);
	r = get("c_sup2", "/api/v1/counselling/cases/%lld", (long long)id);
	assert_status(r, 404);
	resp_free(r);
	r = get("c_cou", "/api/v1/counselling/cases/%lld", (long long)id);
	assert_non_null(strstr(r->body, "REASON-SEALED 已安全"));
	resp_free(r);
	act_status("c_cou", id, "crisis_clear", "{\"reason\":\"x\"}", 409);
	/* Raised again by the counsellor: new alerts at once. */
	act_status("c_cou", id, "crisis", "{\"reason\":\"再次出现风险\"}", 200);
	assert_true(listed("c_sup2", "/api/v1/counselling/alerts?open=true", id));
	r = get("c_sup", "/api/v1/counselling/cases/%lld", (long long)id);
	assert_int_equal(json_array_size(jget(r->json, "alerts")), 4);
	assert_int_equal(jint(r->json, "crisis_count"), 2);
	resp_free(r);
	r = get("auditor", "/api/v1/audit?action=counselling.&limit=200");
	assert_null(strstr(r->body, "REASON-SEALED"));
	assert_null(strstr(r->body, "再次出现风险"));
	assert_null(strstr(r->body, "不想活了"));
	resp_free(r);
}

static void test_rules_and_refusals(void **state)
{
	(void)state;
	int64_t id = request("c_res",
			     "{\"category\":\"bereavement\",\"concern\":\"亲人去世\","
			     "\"contact_phone\":\"13600001111\",\"contact_pref\":\"in_person\"}");
	/* Inputs. */
	struct resp *r = call(
		&S, "POST", "/api/v1/counselling/requests", T("c_res"),
		"{\"category\":\"gambling\",\"concern\":\"x\",\"contact_phone\":\"13600001111\"}");
	assert_status(r, 422);
	assert_string_equal(err_field(r), "category");
	resp_free(r);
	r = call(&S, "POST", "/api/v1/counselling/requests", T("c_res"),
		 "{\"category\":\"other\",\"concern\":\"x\",\"contact_phone\":\"call me\"}");
	assert_status(r, 422);
	assert_string_equal(err_field(r), "contact_phone");
	resp_free(r);
	r = call(&S, "POST", "/api/v1/counselling/requests", T("c_res"),
		 "{\"category\":\"other\",\"concern\":\"x\"}");
	assert_status(r, 422);
	assert_string_equal(err_field(r), "contact_phone");
	resp_free(r);
	/* A resident asks for themself only; staff for a resident that exists. */
	r = call(&S, "POST", "/api/v1/counselling/requests", T("c_res2"),
		 "{\"resident_id\":%lld,\"category\":\"other\",\"concern\":\"x\",\"contact_phone\":"
		 "\"13600001111\"}",
		 (long long)resident_id);
	assert_status(r, 422);
	assert_string_equal(err_field(r), "resident_id");
	resp_free(r);
	r = call(&S, "POST", "/api/v1/counselling/requests", T("c_comm"),
		 "{\"resident_id\":987654,\"category\":\"other\",\"concern\":\"x\",\"contact_"
		 "phone\":\"13600001111\"}");
	assert_status(r, 404);
	resp_free(r);
	r = call(&S, "POST", "/api/v1/counselling/requests", T("sysadmin"),
		 "{\"category\":\"other\",\"concern\":\"x\",\"contact_phone\":\"13600001111\"}");
	assert_status(r, 403);
	resp_free(r);

	/* Order of the loop. */
	act_status("c_cou", id, "sessions", "{\"held_on\":\"2026-01-05\",\"kind\":\"phone\"}", 404);
	act_status("c_sup", id, "close", "{\"outcome\":\"resolved\",\"summary\":\"x\"}", 403);
	act_status("c_sup", id, "reassign", "{\"counsellor_id\":1,\"reason\":\"x\"}", 409);
	char body[128];
	snprintf(body, sizeof(body), "{\"counsellor_id\":%lld}", (long long)cou_far_id);
	act_status("c_sup", id, "assign", body, 422);
	snprintf(body, sizeof(body), "{\"counsellor_id\":%lld}", (long long)comm_id_user);
	act_status("c_sup", id, "assign", body, 422);
	assign(id, cou_id);
	act_status("c_sup", id, "assign", body, 409);
	act_status("c_cou", id, "assign", body, 403);
	act_status("c_sup", id, "sessions", "{\"held_on\":\"2026-01-05\",\"kind\":\"phone\"}", 403);
	act_status("c_cou", id, "sessions", "{\"held_on\":\"2099-01-05\",\"kind\":\"phone\"}", 422);
	act_status("c_cou", id, "sessions", "{\"held_on\":\"2026-01-05\",\"kind\":\"letter\"}",
		   422);
	act_status("c_cou", id, "close", "{\"summary\":\"x\"}", 422);

	/* Reassignment needs a reason and another counsellor; the former one
	 * loses the case and its notices. */
	snprintf(body, sizeof(body), "{\"counsellor_id\":%lld}", (long long)cou2_id);
	act_status("c_sup", id, "reassign", body, 422);
	snprintf(body, sizeof(body), "{\"counsellor_id\":%lld,\"reason\":\"x\"}",
		 (long long)cou_id);
	act_status("c_sup", id, "reassign", body, 422);
	snprintf(body, sizeof(body), "{\"counsellor_id\":%lld,\"reason\":\"休假\"}",
		 (long long)cou2_id);
	act_status("c_sup", id, "reassign", body, 200);
	r = get("c_cou", "/api/v1/counselling/cases/%lld", (long long)id);
	assert_status(r, 404);
	resp_free(r);
	assert_false(listed("c_cou", "/api/v1/inbox", id));
	assert_true(listed("c_cou2", "/api/v1/counselling/cases", id));

	/* The requester withdraws; nobody else may, and only once. */
	act_status("c_cou2", id, "withdraw", NULL, 403);
	act_status("c_res", id, "withdraw", NULL, 200);
	act_status("c_res", id, "withdraw", NULL, 409);
	r = get("c_cou2", "/api/v1/counselling/cases/%lld", (long long)id);
	assert_string_equal(jstr(r->json, "outcome"), "withdrawn");
	resp_free(r);
	r = get("c_cou2", "/api/v1/inbox");
	assert_string_equal(jstr(r->json, "items.0.kind"), "withdrawn");
	resp_free(r);

	/* Lists: supervisors' views need counsel.supervise. */
	r = get("c_cou", "/api/v1/counselling/cases?view=waiting");
	assert_status(r, 403);
	resp_free(r);
}

static void test_stats_counts_only(void **state)
{
	(void)state;
	/* Earlier tests left requests in 枫源村; one more there. */
	request("c_res2",
		"{\"category\":\"addiction\",\"concern\":\"x\",\"contact_phone\":\"13500001111\"}");
	struct resp *r = get("c_county", "/api/v1/counselling/stats?org=" TOWN);
	assert_status(r, 200);
	assert_string_equal(jstr(r->json, "by"), "community");
	int64_t total = jint(r->json, "totals.total");
	assert_true(total >= 5);
	json_t *row = NULL, *o;
	size_t i;
	int small = 0;
	json_array_foreach(jget(r->json, "rows"), i, o)
	{
		if (strcmp(json_string_value(json_object_get(o, "code")), COMM) == 0)
			row = o;
		else
			small += json_is_string(json_object_get(o, "total"));
	}
	assert_non_null(row);
	assert_int_equal(json_integer_value(json_object_get(row, "total")), total);
	/* The other communities have none: "<3", like one or two would be. */
	assert_true(small > 0);
	assert_null(strstr(r->body, "何秘密"));
	assert_null(strstr(r->body, "\"id\""));
	resp_free(r);
	/* A community's own figures are its totals, small ones hidden. */
	r = get("c_sup", "/api/v1/counselling/stats?org=" COMM "&from=2020-01-01&to=2020-12-31");
	assert_status(r, 200);
	assert_string_equal(jstr(r->json, "totals.total"), "<3");
	assert_string_equal(jstr(r->json, "by"), "none");
	resp_free(r);
	r = get("c_town", "/api/v1/counselling/stats");
	assert_status(r, 200);
	assert_int_equal(jint(r->json, "totals.total"), total);
	resp_free(r);
	r = get("c_town", "/api/v1/counselling/stats?org=330681001");
	assert_status(r, 404);
	resp_free(r);
	r = get("c_comm", "/api/v1/counselling/stats");
	assert_status(r, 403);
	resp_free(r);
	r = get("c_county", "/api/v1/counselling/stats?from=2026-02-01&to=2026-01-01");
	assert_status(r, 422);
	resp_free(r);
}

int main(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_request_assign_session_close),
		cmocka_unit_test(test_confidential_against_every_other_role),
		cmocka_unit_test(test_crisis_alerts_at_once),
		cmocka_unit_test(test_rules_and_refusals),
		cmocka_unit_test(test_stats_counts_only),
	};
	int rc = cmocka_run_group_tests_name("api_counselling", tests, setup, teardown);
	curl_global_cleanup();
	return rc;
}
