/*
 * Grid events over HTTP: the closed loop from report to evaluation across
 * the accounts that take each step, every forbidden transition (wrong
 * state, wrong role, outside the scope, not the unit's member, not the
 * reporter), returns, rework, postponement, escalation, parking, merging,
 * reopening, the reporter's own view, possible duplicates, and deadlines on
 * the working calendar across the 2026 Spring Festival with a controlled
 * clock and the deadline sweep.
 */
#include "api/harness.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static struct server S;
static char *county, *town, *comm, *grid, *dept, *res, *res2, *far_town;
static int64_t grid_id, address_id, dept_unit, comm_unit, dept_id, comm_id, grid_user;

/* A square around 枫源村's grid: 120.1-120.2 E, 29.6-29.7 N. */
static const char *square = "{\"type\":\"Polygon\",\"coordinates\":[[[120.1,29.6],[120.2,29.6],"
			    "[120.2,29.7],[120.1,29.7],[120.1,29.6]]]}";

static struct resp *post(const char *token, const char *body, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static struct resp *post(const char *token, const char *body, const char *fmt, ...)
{
	char path[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	if (body == NULL)
		return call(&S, "POST", path, token, NULL);
	return call(&S, "POST", path, token, "%s", body);
}

static struct resp *get(const char *token, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static struct resp *get(const char *token, const char *fmt, ...)
{
	char path[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	return call(&S, "GET", path, token, NULL);
}

/* Take action on event id and expect status; returns the response. */
static struct resp *act(const char *token, int64_t id, const char *action, const char *body,
			long status)
{
	struct resp *r =
		post(token, body ? body : "{}", "/api/v1/events/%lld/%s", (long long)id, action);
	assert_status(r, status);
	return r;
}

static void act_ok(const char *token, int64_t id, const char *action, const char *body)
{
	resp_free(act(token, id, action, body, 200));
}

static int64_t report(const char *token, const char *category, const char *where)
{
	char body[512];
	snprintf(body, sizeof(body), "{\"category\":\"%s\",\"description\":\"路边有垃圾堆放\",%s}",
		 category, where);
	struct resp *r = post(token, body, "/api/v1/events");
	assert_status(r, 201);
	int64_t id = jint(r->json, "id");
	resp_free(r);
	return id;
}

static int64_t report_here(const char *token)
{
	char where[64];
	snprintf(where, sizeof(where), "\"address_id\":%lld", (long long)address_id);
	return report(token, "1101", where);
}

static const char *state_of(const char *token, int64_t id)
{
	static char state[32];
	struct resp *r = get(token, "/api/v1/events/%lld", (long long)id);
	assert_status(r, 200);
	snprintf(state, sizeof(state), "%s", jstr(r->json, "state"));
	resp_free(r);
	return state;
}

/* Number of notices of kind about case id in token's inbox. */
static int notices(const char *token, int64_t id, const char *kind)
{
	struct resp *r = get(token, "/api/v1/inbox?limit=200");
	assert_status(r, 200);
	int n = 0;
	size_t i;
	json_t *v;
	json_array_foreach(jget(r->json, "items"), i, v)
	{
		if (jint(v, "case_id") == id && strcmp(jstr(v, "kind"), kind) == 0)
			n++;
	}
	resp_free(r);
	return n;
}

/* Sessions live by the server's clock: after moving it, sign in again. */
static void relogin(void)
{
	struct {
		char **tok;
		const char *user;
	} all[] = {{&county, "ev_county"}, {&town, "ev_town"},   {&comm, "ev_comm"},
		   {&grid, "ev_grid"},     {&dept, "ev_dept"},   {&res, "ev_res"},
		   {&res2, "ev_res2"},     {&far_town, "ev_far"}};
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		free(*all[i].tok);
		*all[i].tok = login(&S, all[i].user, TEST_PASSWORD);
	}
}

static void clock_shift(long seconds)
{
	srv_clock(&S, seconds);
	relogin();
}

/* Set the server clock to a China Standard Time moment of 2026. */
static void clock_at(const char *date, int hour, int minute)
{
	struct tm tm = {0};
	sscanf(date, "%d-%d-%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday);
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	tm.tm_hour = hour;
	tm.tm_min = minute;
	time_t utc = timegm(&tm) - 8 * 3600;
	clock_shift((long)(utc - time(NULL)));
}

static int setup(void **state)
{
	(void)state;
	srv_init(&S, true);
	static const char *const extra[] = {"--sweep-seconds", "1", NULL};
	srv_start(&S, extra);
	mkuser(&S, "ev_county", "county_officer", ZHUJI);
	mkuser(&S, "ev_town", "town_officer", "330681109");
	comm_id = mkuser(&S, "ev_comm", "community_worker", "330681109290");
	dept_id = mkuser(&S, "ev_dept", "department_officer", ZHUJI);
	mkuser(&S, "ev_far", "town_officer", "330681001");
	county = login(&S, "ev_county", TEST_PASSWORD);
	town = login(&S, "ev_town", TEST_PASSWORD);
	comm = login(&S, "ev_comm", TEST_PASSWORD);
	dept = login(&S, "ev_dept", TEST_PASSWORD);
	far_town = login(&S, "ev_far", TEST_PASSWORD);
	int64_t village = org_id(&S, comm, "330681109290");
	struct resp *r = call(&S, "POST", "/api/v1/orgs", comm,
			      "{\"parent_id\":%lld,\"name\":\"枫源一网格\",\"level\":\"grid\"}",
			      (long long)village);
	assert_status(r, 201);
	grid_id = jint(r->json, "id");
	resp_free(r);
	char path[96];
	snprintf(path, sizeof(path), "/api/v1/orgs/%lld/boundary", (long long)grid_id);
	r = call(&S, "PUT", path, comm, "%s", square);
	assert_status(r, 200);
	resp_free(r);
	grid_user = mkuser(&S, "ev_grid", "grid_worker", "330681109290001");
	mkuser(&S, "ev_res", "resident", "330681109290001");
	mkuser(&S, "ev_res2", "resident", "330681109290001");
	grid = login(&S, "ev_grid", TEST_PASSWORD);
	res = login(&S, "ev_res", TEST_PASSWORD);
	res2 = login(&S, "ev_res2", TEST_PASSWORD);
	r = call(&S, "POST", "/api/v1/addresses", comm,
		 "{\"grid_id\":%lld,\"street\":\"枫源路\",\"number\":\"8号\"}", (long long)grid_id);
	assert_status(r, 201);
	address_id = jint(r->json, "id");
	resp_free(r);
	/* Two handling units: the county's city-management bureau with its
	 * officer, and the village committee with its worker. */
	r = post(county,
		 "{\"name\":\"诸暨市综合行政执法局\",\"name_en\":\"Urban management\","
		 "\"kind\":\"department\",\"org_code\":\"330681\"}",
		 "/api/v1/handling-units");
	assert_status(r, 201);
	dept_unit = jint(r->json, "id");
	resp_free(r);
	r = post(county,
		 "{\"name\":\"枫源村委会\",\"kind\":\"community\",\"org_code\":\"330681109290\"}",
		 "/api/v1/handling-units");
	assert_status(r, 201);
	comm_unit = jint(r->json, "id");
	resp_free(r);
	char body[64];
	snprintf(body, sizeof(body), "{\"user_id\":%lld}", (long long)dept_id);
	resp_free(post(county, body, "/api/v1/handling-units/%lld/members", (long long)dept_unit));
	snprintf(body, sizeof(body), "{\"user_id\":%lld}", (long long)comm_id);
	resp_free(post(county, body, "/api/v1/handling-units/%lld/members", (long long)comm_unit));
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char *toks[] = {county, town, comm, grid, dept, res, res2, far_town};
	for (size_t i = 0; i < sizeof(toks) / sizeof(toks[0]); i++)
		free(toks[i]);
	srv_cleanup(&S);
	return 0;
}

static void test_catalogue_and_units(void **state)
{
	(void)state;
	struct resp *r = get(res, "/api/v1/event-categories");
	assert_status(r, 200);
	size_t n = json_array_size(jget(r->json, "items"));
	assert_true(n >= 40);
	/* Exposed rubbish: handled within 4 working hours (GB/T 30428 practice);
	 * demolition of an unauthorised building within 20 working days. */
	bool rubbish = false, demolition = false;
	size_t i;
	json_t *c;
	json_array_foreach(jget(r->json, "items"), i, c)
	{
		if (strcmp(jstr(c, "code"), "1101") == 0) {
			rubbish = jint(c, "handle.limit") == 4 &&
				  strcmp(jstr(c, "handle.unit"), "hours") == 0 &&
				  strcmp(jstr(c, "parent_code"), "11") == 0;
			assert_string_equal(jstr(c, "name_en"), "Exposed rubbish");
		}
		if (strcmp(jstr(c, "code"), "1303") == 0)
			demolition = jint(c, "handle.limit") == 20 &&
				     strcmp(jstr(c, "handle.unit"), "days") == 0;
	}
	assert_true(rubbish);
	assert_true(demolition);
	resp_free(r);
	r = get(dept, "/api/v1/handling-units");
	assert_status(r, 200);
	assert_int_equal(json_array_size(jget(r->json, "items")), 2);
	/* Each unit says whether the caller belongs to it. */
	json_t *u;
	json_array_foreach(jget(r->json, "items"), i, u)
		assert_int_equal(json_is_true(jget(u, "member")), jint(u, "id") == dept_unit);
	resp_free(r);
	/* A dispatcher sees who is in a unit, to name the person; others do not. */
	r = get(town, "/api/v1/handling-units/%lld/members", (long long)dept_unit);
	assert_status(r, 200);
	assert_int_equal(json_array_size(jget(r->json, "items")), 1);
	assert_int_equal(jint(r->json, "items.0.user_id"), dept_id);
	assert_string_equal(jstr(r->json, "items.0.display_name"), "ev_dept");
	resp_free(r);
	r = get(grid, "/api/v1/handling-units/%lld/members", (long long)dept_unit);
	assert_status(r, 403);
	resp_free(r);
	r = get(town, "/api/v1/handling-units/999999/members");
	assert_status(r, 404);
	resp_free(r);
	/* A town officer may not create units; a unit needs a real node. */
	r = post(town, "{\"name\":\"x\",\"kind\":\"other\",\"org_code\":\"330681109\"}",
		 "/api/v1/handling-units");
	assert_status(r, 403);
	resp_free(r);
	r = post(county, "{\"name\":\"x\",\"kind\":\"other\",\"org_code\":\"330681999\"}",
		 "/api/v1/handling-units");
	assert_status(r, 422);
	assert_string_equal(err_field(r), "org_code");
	resp_free(r);
	r = post(county,
		 "{\"name\":\"枫源村委会\",\"kind\":\"community\",\"org_code\":\"330681109290\"}",
		 "/api/v1/handling-units");
	assert_status(r, 409);
	resp_free(r);
	/* Members by username; taken out again. */
	r = post(county, "{\"username\":\"ev_grid\"}", "/api/v1/handling-units/%lld/members",
		 (long long)comm_unit);
	assert_status(r, 200);
	assert_int_equal(jint(r->json, "user_id"), grid_user);
	resp_free(r);
	r = post(county, "{\"username\":\"nobody_here\"}", "/api/v1/handling-units/%lld/members",
		 (long long)comm_unit);
	assert_status(r, 422);
	assert_string_equal(err_field(r), "username");
	resp_free(r);
	char path[96];
	snprintf(path, sizeof(path), "/api/v1/handling-units/%lld/members/%lld",
		 (long long)comm_unit, (long long)grid_user);
	r = call(&S, "DELETE", path, town, NULL);
	assert_status(r, 403);
	resp_free(r);
	r = call(&S, "DELETE", path, county, NULL);
	assert_status(r, 204);
	resp_free(r);
	r = call(&S, "DELETE", path, county, NULL);
	assert_status(r, 404);
	resp_free(r);
}

static void test_editing_the_catalogue(void **state)
{
	(void)state;
	/* A new 大类 and 小类 with its limits and default handling unit. */
	struct resp *r = post(county,
			      "{\"code\":\"26\",\"name\":\"文明创建\",\"name_en\":"
			      "\"Civic campaigns\",\"kind\":\"social\"}",
			      "/api/v1/event-categories");
	assert_status(r, 201);
	resp_free(r);
	char body[400];
	snprintf(body, sizeof(body),
		 "{\"code\":\"2601\",\"parent_code\":\"26\",\"name\":\"楼道堆物\",\"name_en\":"
		 "\"Stairwell clutter\",\"kind\":\"social\",\"unit_id\":%lld,"
		 "\"handle_limit\":2,\"handle_unit\":\"days\"}",
		 (long long)comm_unit);
	r = post(county, body, "/api/v1/event-categories");
	assert_status(r, 201);
	assert_string_equal(jstr(r->json, "parent_code"), "26");
	assert_int_equal(jint(r->json, "handle.limit"), 2);
	assert_int_equal(jint(r->json, "unit_id"), comm_unit);
	/* About people: not offered on Open311 unless asked. */
	assert_true(json_is_false(jget(r->json, "open311")));
	resp_free(r);
	r = call(&S, "PATCH", "/api/v1/event-categories/2601", county, "{\"open311\":true}");
	assert_status(r, 200);
	assert_true(json_is_true(jget(r->json, "open311")));
	resp_free(r);
	/* Refusals: another role, a bad code, a taken one, a missing 大类. */
	r = post(town, body, "/api/v1/event-categories");
	assert_status(r, 403);
	resp_free(r);
	r = post(county,
		 "{\"code\":\"2701\",\"parent_code\":\"26\",\"name\":\"x\","
		 "\"name_en\":\"x\",\"kind\":\"social\"}",
		 "/api/v1/event-categories");
	assert_status(r, 422);
	assert_string_equal(err_field(r), "code");
	resp_free(r);
	r = post(county, body, "/api/v1/event-categories");
	assert_status(r, 409);
	resp_free(r);
	r = post(county,
		 "{\"code\":\"2801\",\"parent_code\":\"28\",\"name\":\"x\","
		 "\"name_en\":\"x\",\"kind\":\"social\"}",
		 "/api/v1/event-categories");
	assert_status(r, 422);
	assert_string_equal(err_field(r), "parent_code");
	resp_free(r);
	/* Limits change; absent fields keep their values. */
	r = call(&S, "PATCH", "/api/v1/event-categories/1101", county, "{\"handle_limit\":5}");
	assert_status(r, 200);
	assert_int_equal(jint(r->json, "handle.limit"), 5);
	assert_string_equal(jstr(r->json, "name"), "暴露垃圾");
	resp_free(r);
	r = call(&S, "PATCH", "/api/v1/event-categories/1101", county, "{\"handle_limit\":4}");
	assert_status(r, 200);
	resp_free(r);
	/* Dispatch without naming a unit goes to the category's default. */
	char where[64];
	snprintf(where, sizeof(where), "\"address_id\":%lld", (long long)address_id);
	int64_t other = report(comm, "2601", where);
	act_ok(town, other, "register", NULL);
	r = act(town, other, "dispatch", "{}", 200);
	assert_int_equal(jint(r->json, "unit_id"), comm_unit);
	resp_free(r);
	/* A retired category takes no new reports. */
	r = call(&S, "PATCH", "/api/v1/event-categories/2601", county, "{\"active\":false}");
	assert_status(r, 200);
	resp_free(r);
	r = post(
		comm,
		"{\"category\":\"2601\",\"description\":\"楼道堆物\",\"lat\":29.65,\"lon\":120.15}",
		"/api/v1/events");
	assert_status(r, 422);
	assert_string_equal(err_field(r), "category");
	resp_free(r);
	r = call(&S, "PATCH", "/api/v1/event-categories/9999", county, "{\"active\":false}");
	assert_status(r, 404);
	resp_free(r);
}

static void test_the_closed_loop(void **state)
{
	(void)state;
	/* A grid worker on patrol reports by position; the grid is found from
	 * its boundary. */
	struct resp *r = post(grid,
			      "{\"category\":\"1101\",\"description\":\"枫源路口暴露垃圾\","
			      "\"lat\":29.65,\"lon\":120.15}",
			      "/api/v1/events");
	assert_status(r, 201);
	int64_t id = jint(r->json, "id");
	assert_string_equal(jstr(r->json, "state"), "reported");
	assert_string_equal(jstr(r->json, "source"), "patrol");
	assert_string_equal(jstr(r->json, "code"), "330681109290001");
	assert_string_equal(jstr(r->json, "level_code"), "330681109");
	assert_string_equal(jstr(r->json, "stage"), "register");
	assert_non_null(jstr(r->json, "due_at"));
	resp_free(r);

	act_ok(town, id, "register", NULL);
	char body[128];
	snprintf(body, sizeof(body), "{\"unit_id\":%lld,\"assignee_id\":%lld}",
		 (long long)dept_unit, (long long)dept_id);
	r = act(town, id, "dispatch", body, 200);
	assert_string_equal(jstr(r->json, "state"), "dispatched");
	assert_string_equal(jstr(r->json, "unit_name"), "诸暨市综合行政执法局");
	assert_string_equal(jstr(r->json, "stage"), "handle");
	resp_free(r);
	assert_int_equal(notices(dept, id, "assigned"), 1);
	/* The grid worker who reported follows the status. */
	assert_true(notices(grid, id, "status") >= 2);

	act_ok(dept, id, "accept", NULL);
	act_ok(dept, id, "handle", "{\"feedback\":\"已清运\"}");
	/* Verified on site: not done, back to handling (rework). */
	r = act(grid, id, "verify", "{\"passed\":false,\"reason\":\"仍有残留\"}", 200);
	assert_string_equal(jstr(r->json, "state"), "accepted");
	assert_int_equal(jint(r->json, "reworks"), 1);
	resp_free(r);
	assert_int_equal(notices(dept, id, "rework"), 1);
	act_ok(dept, id, "handle", "{\"feedback\":\"已彻底清理\"}");
	r = act(grid, id, "verify", "{\"passed\":true}", 200);
	assert_string_equal(jstr(r->json, "state"), "closed");
	assert_non_null(jstr(r->json, "closed_at"));
	assert_true(json_is_null(jget(r->json, "stage")));
	resp_free(r);
	r = act(grid, id, "evaluate", "{\"score\":4,\"comment\":\"处理及时\"}", 200);
	assert_int_equal(jint(r->json, "score"), 4);
	/* The whole story, in order, with who did what. */
	static const char *const steps[] = {"report", "register", "dispatch", "accept",  "handle",
					    "verify", "handle",   "verify",   "evaluate"};
	json_t *tl = jget(r->json, "timeline");
	assert_int_equal(json_array_size(tl), 9);
	for (size_t i = 0; i < 9; i++)
		assert_string_equal(jstr(json_array_get(tl, i), "action"), steps[i]);
	assert_string_equal(jstr(json_array_get(tl, 3), "actor_name"), "ev_dept");
	assert_string_equal(jstr(json_array_get(tl, 5), "note"), "仍有残留");
	assert_string_equal(jstr(json_array_get(tl, 5), "to_state"), "accepted");
	resp_free(r);
	/* Every step is in the audit log. */
	mkuser(&S, "ev_auditor", "auditor", NULL);
	char *aud = login(&S, "ev_auditor", TEST_PASSWORD);
	r = get(aud, "/api/v1/audit?action=event.&object_type=event&object_id=%lld", (long long)id);
	free(aud);
	assert_status(r, 200);
	assert_int_equal(jint(r->json, "total"), 9);
	resp_free(r);
	/* Evaluated once only by the reporter; a closed case is not handled. */
	r = act(town, id, "evaluate", "{\"score\":5}", 403);
	resp_free(r);
	r = act(dept, id, "handle", "{\"feedback\":\"x\"}", 409);
	assert_string_equal(err_code(r), "invalid_state");
	resp_free(r);
}

static void test_forbidden_transitions(void **state)
{
	(void)state;
	int64_t id = report_here(comm);
	/* Wrong state. */
	struct resp *r = act(grid, id, "verify", "{\"passed\":true}", 409);
	assert_string_equal(err_code(r), "invalid_state");
	resp_free(r);
	r = act(town, id, "dispatch", "{}", 409);
	resp_free(r);
	/* Wrong role: grid workers and residents do not register. */
	resp_free(act(grid, id, "register", NULL, 403));
	resp_free(act(res, id, "register", NULL, 403));
	resp_free(act(dept, id, "register", NULL, 403));
	/* Outside the scope: another town's officer finds nothing. */
	resp_free(act(far_town, id, "register", NULL, 404));
	r = get(far_town, "/api/v1/events/%lld", (long long)id);
	assert_status(r, 404);
	resp_free(r);
	/* A reason is required to cancel. */
	r = act(town, id, "cancel", "{}", 422);
	assert_string_equal(err_field(r), "reason");
	resp_free(r);
	act_ok(town, id, "register", NULL);
	/* Dispatch needs a unit (the category has no default here) and a
	 * person from that unit. */
	r = act(town, id, "dispatch", "{}", 422);
	assert_string_equal(err_field(r), "unit_id");
	resp_free(r);
	char body[128];
	snprintf(body, sizeof(body), "{\"unit_id\":%lld,\"assignee_id\":%lld}",
		 (long long)dept_unit, (long long)comm_id);
	r = act(town, id, "dispatch", body, 422);
	assert_string_equal(err_field(r), "assignee_id");
	resp_free(r);
	snprintf(body, sizeof(body), "{\"unit_id\":%lld}", (long long)dept_unit);
	act_ok(town, id, "dispatch", body);
	/* Only the unit's members accept; the grid worker may handle but is
	 * not a member of the bureau. */
	r = act(comm, id, "accept", NULL, 403);
	assert_non_null(strstr(r->body, "unit"));
	resp_free(r);
	resp_free(act(grid, id, "accept", NULL, 403));
	/* The whole unit was notified, nobody being named. */
	assert_int_equal(notices(dept, id, "assigned"), 1);
	/* Only the reporter evaluates, and only once closed. */
	resp_free(act(comm, id, "evaluate", "{\"score\":5}", 409));
	resp_free(act(grid, id, "evaluate", "{\"score\":5}", 403));
	/* Scores are 1 to 5. */
	r = act(comm, id, "evaluate", "{\"score\":6}", 422);
	assert_string_equal(err_field(r), "score");
	resp_free(r);
	/* Unknown event. */
	resp_free(act(town, 999999, "register", NULL, 404));
	assert_string_equal(state_of(town, id), "dispatched");
}

static void test_return_and_dispatch_again(void **state)
{
	(void)state;
	int64_t id = report_here(comm);
	act_ok(town, id, "register", NULL);
	char body[128];
	snprintf(body, sizeof(body), "{\"unit_id\":%lld}", (long long)dept_unit);
	act_ok(town, id, "dispatch", body);
	struct resp *r = act(dept, id, "return", "{}", 422);
	assert_string_equal(err_field(r), "reason");
	resp_free(r);
	r = act(dept, id, "return", "{\"reason\":\"属村内环境卫生，不属执法范围\"}", 200);
	assert_string_equal(jstr(r->json, "state"), "registered");
	assert_int_equal(jint(r->json, "returns"), 1);
	assert_true(json_is_null(jget(r->json, "unit_id")));
	assert_string_equal(jstr(r->json, "stage"), "dispatch");
	resp_free(r);
	assert_int_equal(notices(town, id, "returned"), 1);
	/* Sent again, to the village committee this time. */
	snprintf(body, sizeof(body), "{\"unit_id\":%lld,\"assignee_id\":%lld}",
		 (long long)comm_unit, (long long)comm_id);
	act_ok(town, id, "dispatch", body);
	assert_int_equal(notices(comm, id, "assigned"), 1);
	act_ok(comm, id, "accept", NULL);
	/* The bureau no longer has it. */
	resp_free(act(dept, id, "handle", "{\"feedback\":\"x\"}", 403));
	act_ok(comm, id, "handle", "{\"feedback\":\"已组织保洁员清理\"}");
	assert_string_equal(state_of(town, id), "handled");
}

static void test_postponement(void **state)
{
	(void)state;
	int64_t id = report_here(comm);
	act_ok(town, id, "register", NULL);
	char body[128];
	snprintf(body, sizeof(body), "{\"unit_id\":%lld}", (long long)comm_unit);
	act_ok(town, id, "dispatch", body);
	act_ok(comm, id, "accept", NULL);
	struct resp *r = get(town, "/api/v1/events/%lld", (long long)id);
	char due[40];
	snprintf(due, sizeof(due), "%s", jstr(r->json, "due_at"));
	resp_free(r);
	/* Deciding before anyone asked is refused. */
	r = act(town, id, "decide_postponement", "{\"approve\":true}", 422);
	assert_string_equal(err_field(r), "approve");
	resp_free(r);
	r = act(comm, id, "postpone", "{\"days\":2,\"reason\":\"需协调环卫车辆\"}", 200);
	assert_int_equal(jint(r->json, "postponement.days"), 2);
	resp_free(r);
	assert_int_equal(notices(town, id, "postponement"), 1);
	r = act(town, id, "decide_postponement", "{\"approve\":true}", 200);
	assert_true(json_is_null(jget(r->json, "postponement")));
	/* Two more working days: a later deadline (ISO times compare as text). */
	assert_true(strcmp(jstr(r->json, "due_at"), due) > 0);
	resp_free(r);
	assert_int_equal(notices(comm, id, "postponement_decided"), 1);
	/* A refusal leaves the deadline alone. */
	act_ok(comm, id, "postpone", "{\"hours\":4,\"reason\":\"再等等\"}");
	r = get(town, "/api/v1/events/%lld", (long long)id);
	snprintf(due, sizeof(due), "%s", jstr(r->json, "due_at"));
	resp_free(r);
	r = act(town, id, "decide_postponement", "{\"approve\":false,\"reason\":\"时限内完成\"}",
		200);
	assert_string_equal(jstr(r->json, "due_at"), due);
	resp_free(r);
}

static void test_escalate_park_merge_reopen(void **state)
{
	(void)state;
	/* Escalation hands the case to the county's centre. */
	int64_t a = report_here(comm);
	struct resp *r = act(town, a, "escalate", "{\"reason\":\"涉及多个部门\"}", 200);
	assert_string_equal(jstr(r->json, "level_code"), "330681");
	assert_string_equal(jstr(r->json, "state"), "reported");
	resp_free(r);
	resp_free(act(county, a, "escalate", "{\"reason\":\"again\"}", 409));
	/* The county's board shows what was escalated to it. */
	r = get(county, "/api/v1/events?level=330681");
	assert_status(r, 200);
	assert_true(jint(r->json, "total") >= 1);
	size_t k;
	json_t *ev;
	json_array_foreach(jget(r->json, "items"), k, ev)
		assert_string_equal(jstr(ev, "level_code"), "330681");
	resp_free(r);
	/* Parking with a reason stops the clock; resuming restarts dispatch. */
	act_ok(county, a, "register", NULL);
	r = act(county, a, "park", "{\"reason\":\"等待拆迁规划\"}", 200);
	assert_string_equal(jstr(r->json, "state"), "parked");
	assert_true(json_is_null(jget(r->json, "due_at")));
	resp_free(r);
	r = act(county, a, "resume", NULL, 200);
	assert_string_equal(jstr(r->json, "state"), "registered");
	assert_string_equal(jstr(r->json, "stage"), "dispatch");
	resp_free(r);
	/* A duplicate merges into another open event, not into itself. */
	int64_t b = report_here(comm);
	char body[64];
	snprintf(body, sizeof(body), "{\"into\":%lld}", (long long)b);
	r = act(town, b, "merge", body, 422);
	assert_string_equal(err_field(r), "into");
	resp_free(r);
	snprintf(body, sizeof(body), "{\"into\":%lld}", (long long)a);
	r = act(town, b, "merge", body, 200);
	assert_string_equal(jstr(r->json, "state"), "merged");
	assert_int_equal(jint(r->json, "merged_into"), a);
	resp_free(r);
	/* Reopening within the period after closure; not after it. */
	r = post(grid,
		 "{\"category\":\"1101\",\"source\":\"self\",\"description\":\"小广告\","
		 "\"feedback\":\"当场清除\",\"lat\":29.61,\"lon\":120.11}",
		 "/api/v1/events");
	assert_status(r, 201);
	int64_t c = jint(r->json, "id");
	assert_string_equal(jstr(r->json, "state"), "closed");
	resp_free(r);
	r = act(town, c, "reopen", "{\"reason\":\"又贴上了\"}", 200);
	assert_string_equal(jstr(r->json, "state"), "registered");
	assert_true(json_is_null(jget(r->json, "closed_at")));
	resp_free(r);
	r = post(grid,
		 "{\"category\":\"1101\",\"source\":\"self\",\"description\":\"小广告\","
		 "\"feedback\":\"当场清除\",\"lat\":29.61,\"lon\":120.11}",
		 "/api/v1/events");
	int64_t d = jint(r->json, "id");
	resp_free(r);
	clock_shift(8 * 86400);
	r = act(town, d, "reopen", "{\"reason\":\"太晚了\"}", 409);
	assert_string_equal(err_code(r), "invalid_state");
	resp_free(r);
	clock_shift(0);
}

static void test_residents_see_their_own_reports(void **state)
{
	(void)state;
	/* A resident's report is a resident report whatever they claim. */
	char body[256];
	snprintf(body, sizeof(body),
		 "{\"category\":\"1403\",\"source\":\"hotline\",\"description\":\"单车堵门\","
		 "\"address_id\":%lld}",
		 (long long)address_id);
	struct resp *r = post(res, body, "/api/v1/events");
	assert_status(r, 422);
	assert_string_equal(err_field(r), "source");
	resp_free(r);
	snprintf(body, sizeof(body),
		 "{\"category\":\"1403\",\"description\":\"单车堵门\",\"address_id\":%lld}",
		 (long long)address_id);
	r = post(res, body, "/api/v1/events");
	assert_status(r, 201);
	int64_t id = jint(r->json, "id");
	assert_string_equal(jstr(r->json, "source"), "resident");
	resp_free(r);
	/* No board for residents; their own list and their own report only. */
	r = get(res, "/api/v1/events");
	assert_status(r, 403);
	resp_free(r);
	r = get(res, "/api/v1/events/mine");
	assert_status(r, 200);
	assert_int_equal(jint(r->json, "total"), 1);
	assert_int_equal(jint(r->json, "items.0.id"), id);
	resp_free(r);
	act_ok(town, id, "register", NULL);
	snprintf(body, sizeof(body), "{\"unit_id\":%lld,\"assignee_id\":%lld}",
		 (long long)comm_unit, (long long)comm_id);
	act_ok(town, id, "dispatch", body);
	r = get(res, "/api/v1/events/%lld", (long long)id);
	assert_status(r, 200);
	assert_string_equal(jstr(r->json, "state"), "dispatched");
	/* Without the names of the staff handling it. */
	assert_null(jget(r->json, "assignee_name"));
	assert_null(jget(r->json, "timeline.1.actor_name"));
	assert_null(strstr(r->body, "ev_town"));
	assert_null(strstr(r->body, "ev_comm"));
	resp_free(r);
	assert_int_equal(notices(res, id, "status"), 2);
	/* Another resident of the same grid may not see it. */
	r = get(res2, "/api/v1/events/%lld", (long long)id);
	assert_status(r, 403);
	resp_free(r);
	r = get(res2, "/api/v1/events/mine");
	assert_int_equal(jint(r->json, "total"), 0);
	resp_free(r);
	/* Notices are one's own: read, and not anyone else's. */
	r = get(res, "/api/v1/inbox?unread=true");
	assert_true(jint(r->json, "total") >= 2);
	int64_t notice = jint(r->json, "items.0.id");
	resp_free(r);
	r = post(res2, NULL, "/api/v1/inbox/%lld/read", (long long)notice);
	assert_status(r, 404);
	resp_free(r);
	r = post(res, NULL, "/api/v1/inbox/%lld/read", (long long)notice);
	assert_status(r, 204);
	resp_free(r);
}

static void test_possible_duplicates_and_location(void **state)
{
	(void)state;
	int64_t first = report(grid, "1103", "\"lat\":29.6500,\"lon\":120.1500");
	/* 50 m north: offered; 300 m away or another category: not. */
	struct resp *r = get(grid, "/api/v1/events/nearby?category=1103&lat=29.65045&lon=120.15");
	assert_status(r, 200);
	assert_int_equal(json_array_size(jget(r->json, "items")), 1);
	assert_int_equal(jint(r->json, "items.0.id"), first);
	assert_true(jint(r->json, "items.0.metres") >= 45 && jint(r->json, "items.0.metres") <= 55);
	resp_free(r);
	r = get(grid, "/api/v1/events/nearby?category=1103&lat=29.6527&lon=120.15");
	assert_int_equal(json_array_size(jget(r->json, "items")), 0);
	resp_free(r);
	r = get(grid, "/api/v1/events/nearby?category=1101&lat=29.65&lon=120.15");
	size_t i;
	json_t *v;
	json_array_foreach(jget(r->json, "items"), i, v) assert_true(jint(v, "id") != first);
	resp_free(r);
	/* A report at an address whose building has a position takes that
	 * position: it is on the map and among its neighbours' duplicates. */
	r = call(&S, "POST", "/api/v1/addresses", comm,
		 "{\"grid_id\":%lld,\"street\":\"枫源路\",\"number\":\"20号\",\"lat\":29.6610,"
		 "\"lon\":120.1610}",
		 (long long)grid_id);
	assert_status(r, 201);
	int64_t placed = jint(r->json, "id");
	resp_free(r);
	char where[64];
	snprintf(where, sizeof(where), "\"address_id\":%lld", (long long)placed);
	int64_t at_address = report(comm, "1104", where);
	r = get(town, "/api/v1/events/%lld", (long long)at_address);
	assert_true(json_number_value(jget(r->json, "lat")) > 29.6609 &&
		    json_number_value(jget(r->json, "lat")) < 29.6611);
	resp_free(r);
	r = get(grid, "/api/v1/events/nearby?category=1104&lat=29.6612&lon=120.1610");
	assert_int_equal(jint(r->json, "items.0.id"), at_address);
	resp_free(r);
	/* Asking at the same address compares from the building; at an address
	 * without a position there is nothing to compare with. */
	r = get(grid, "/api/v1/events/nearby?category=1104&address_id=%lld", (long long)placed);
	assert_status(r, 200);
	assert_true(json_is_true(jget(r->json, "located")));
	assert_int_equal(jint(r->json, "items.0.id"), at_address);
	resp_free(r);
	r = get(grid, "/api/v1/events/nearby?category=1104&address_id=%lld", (long long)address_id);
	assert_status(r, 200);
	assert_true(json_is_false(jget(r->json, "located")));
	assert_int_equal(json_array_size(jget(r->json, "items")), 0);
	resp_free(r);
	r = get(grid, "/api/v1/events/nearby?category=1104");
	assert_status(r, 422);
	resp_free(r);
	/* A point outside every grid, a category that is not a sub-category,
	 * no location at all. */
	r = post(grid, "{\"category\":\"1103\",\"description\":\"积水\",\"lat\":30.5,\"lon\":121}",
		 "/api/v1/events");
	assert_status(r, 422);
	assert_string_equal(err_field(r), "lat");
	resp_free(r);
	r = post(grid,
		 "{\"category\":\"11\",\"description\":\"积水\",\"lat\":29.65,\"lon\":120.15}",
		 "/api/v1/events");
	assert_status(r, 422);
	assert_string_equal(err_field(r), "category");
	resp_free(r);
	r = post(grid, "{\"category\":\"1103\",\"description\":\"积水\"}", "/api/v1/events");
	assert_status(r, 422);
	resp_free(r);
	r = post(grid, "{\"category\":\"1103\",\"description\":\"积水\",\"lat\":95,\"lon\":120}",
		 "/api/v1/events");
	assert_status(r, 422);
	assert_string_equal(err_field(r), "lat");
	resp_free(r);
	/* A self-handled report needs what was done. */
	r = post(grid,
		 "{\"category\":\"1201\",\"source\":\"self\",\"description\":\"小广告\","
		 "\"lat\":29.65,\"lon\":120.15}",
		 "/api/v1/events");
	assert_status(r, 422);
	assert_string_equal(err_field(r), "feedback");
	resp_free(r);
}

static void test_deadlines_across_the_spring_festival(void **state)
{
	(void)state;
	/* Friday 13 February 2026, 16:00 in Beijing.  Exposed rubbish: one
	 * working hour to register, one to dispatch, four to handle. */
	clock_at("2026-02-13", 16, 0);
	int64_t id = report_here(comm);
	struct resp *r = get(town, "/api/v1/events/%lld", (long long)id);
	/* Times to the minute: the clock moved between whole seconds. */
	assert_int_equal(strncmp(jstr(r->json, "due_at"), "2026-02-13T09:00:", 17), 0); /* 17:00 */
	assert_string_equal(jstr(r->json, "deadline"), "green");
	resp_free(r);
	act_ok(town, id, "register", NULL);
	char body[128];
	snprintf(body, sizeof(body), "{\"unit_id\":%lld,\"assignee_id\":%lld}",
		 (long long)dept_unit, (long long)dept_id);
	r = act(town, id, "dispatch", body, 200);
	/* 1.5 h on Friday, then Saturday the 14th is a make-up working day:
	 * 08:30 + 2.5 h = 11:00; the warning at 80 % (3.2 h) is 10:12. */
	assert_int_equal(strncmp(jstr(r->json, "due_at"), "2026-02-14T03:00:", 17), 0);
	assert_int_equal(strncmp(jstr(r->json, "warn_at"), "2026-02-14T02:12:", 17), 0);
	resp_free(r);
	/* Saturday 10:30: yellow, and the warning reaches the handler. */
	clock_at("2026-02-14", 10, 30);
	r = get(town, "/api/v1/events/%lld", (long long)id);
	assert_string_equal(jstr(r->json, "deadline"), "yellow");
	resp_free(r);
	for (int i = 0; i < 60 && notices(dept, id, "warning") == 0; i++)
		usleep(100000);
	assert_int_equal(notices(dept, id, "warning"), 1);
	/* During the holiday it is overdue: the handler and the dispatcher are
	 * told once, and the supervision list shows it. */
	clock_at("2026-02-18", 9, 0);
	for (int i = 0; i < 60 && notices(dept, id, "overdue") == 0; i++)
		usleep(100000);
	assert_int_equal(notices(dept, id, "overdue"), 1);
	assert_int_equal(notices(town, id, "overdue"), 1);
	r = get(town, "/api/v1/events?overdue=true");
	bool listed = false;
	size_t i;
	json_t *v;
	json_array_foreach(jget(r->json, "items"), i, v) listed |= jint(v, "id") == id;
	assert_true(listed);
	resp_free(r);
	r = get(town, "/api/v1/events/%lld", (long long)id);
	assert_string_equal(jstr(r->json, "deadline"), "red");
	assert_true(json_is_true(jget(r->json, "overdue")));
	resp_free(r);
	usleep(1500000); /* another sweep sends nothing new */
	assert_int_equal(notices(dept, id, "overdue"), 1);
	clock_shift(0);
}

static void test_board_filters(void **state)
{
	(void)state;
	struct resp *r = get(town, "/api/v1/events?state=closed");
	assert_status(r, 200);
	size_t i;
	json_t *v;
	json_array_foreach(jget(r->json, "items"), i, v)
		assert_string_equal(jstr(v, "state"), "closed");
	assert_true(jint(r->json, "total") >= 1);
	resp_free(r);
	r = get(town, "/api/v1/events?category=11");
	json_array_foreach(jget(r->json, "items"), i, v)
		assert_int_equal(strncmp(jstr(v, "category"), "11", 2), 0);
	resp_free(r);
	r = get(town, "/api/v1/events?source=resident");
	json_array_foreach(jget(r->json, "items"), i, v)
		assert_string_equal(jstr(v, "source"), "resident");
	resp_free(r);
	/* Another town's board is empty; asking for this village is 404. */
	r = get(far_town, "/api/v1/events");
	assert_int_equal(jint(r->json, "total"), 0);
	resp_free(r);
	r = get(far_town, "/api/v1/events?org=330681109290");
	assert_status(r, 404);
	resp_free(r);
	/* The department sees the county. */
	r = get(dept, "/api/v1/events?unit_id=%lld", (long long)dept_unit);
	json_array_foreach(jget(r->json, "items"), i, v)
		assert_int_equal(jint(v, "unit_id"), dept_unit);
	resp_free(r);
}

static void test_metrics_and_their_export(void **state)
{
	(void)state;
	struct resp *r = get(town, "/api/v1/events/metrics?from=2026-01-01&to=2026-12-31");
	assert_status(r, 200);
	assert_string_equal(jstr(r->json, "org"), "330681109");
	assert_string_equal(jstr(r->json, "by"), "area");
	int64_t reported = jint(r->json, "totals.reported");
	assert_true(reported >= 10);
	/* The one village with events is the one row. */
	assert_int_equal(json_array_size(jget(r->json, "rows")), 1);
	assert_string_equal(jstr(r->json, "rows.0.key"), "330681109290");
	assert_int_equal(jint(r->json, "rows.0.reported"), reported);
	assert_true(json_array_size(jget(r->json, "top_categories")) >= 3);
	/* Rates are written as the two decimals they have. */
	assert_null(strstr(r->body, "0000000"));
	assert_null(strstr(r->body, "9999999"));
	resp_free(r);
	/* By handling unit: the bureau and the committee. */
	r = get(county, "/api/v1/events/metrics?org=330681&by=unit&from=2026-01-01&to=2026-12-31");
	assert_status(r, 200);
	bool bureau = false;
	size_t i;
	json_t *v;
	json_array_foreach(jget(r->json, "rows"), i, v) bureau |=
		strcmp(jstr(v, "name"), "诸暨市综合行政执法局") == 0 && jint(v, "dispatched") >= 3;
	assert_true(bureau);
	resp_free(r);
	/* As a spreadsheet and as CSV. */
	r = get(town, "/api/v1/events/metrics/export?format=xlsx&from=2026-01-01&to=2026-12-31");
	assert_status(r, 200);
	assert_non_null(strstr(resp_header(r, "Content-Type"), "spreadsheetml"));
	assert_memory_equal(r->body, "PK", 2);
	resp_free(r);
	r = get(town,
		"/api/v1/events/metrics/export?format=csv&by=source&from=2026-01-01&to=2026-12-31");
	assert_status(r, 200);
	assert_non_null(strstr(r->body, "key,name,reported,registered,dispatched,due,closed"));
	assert_non_null(strstr(r->body, "\r\nresident,resident,"));
	assert_non_null(strstr(r->body, "\r\ntotal,330681109,"));
	resp_free(r);
	/* Outside the scope, without the permission, bad input. */
	r = get(far_town, "/api/v1/events/metrics?org=330681109");
	assert_status(r, 404);
	resp_free(r);
	r = get(res, "/api/v1/events/metrics?org=330681109290001");
	assert_status(r, 403);
	resp_free(r);
	r = get(town, "/api/v1/events/metrics?by=street");
	assert_status(r, 422);
	assert_string_equal(err_field(r), "by");
	resp_free(r);
	r = get(town, "/api/v1/events/metrics?from=2026-05-01&to=2026-04-01");
	assert_status(r, 422);
	assert_string_equal(err_field(r), "to");
	resp_free(r);
}

/* A 1×1 PNG and a minimal JPEG (start and end markers around a header). */
static const unsigned char png[] = {
	0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48,
	0x44, 0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00,
	0x00, 0x1F, 0x15, 0xC4, 0x89, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x44, 0x41, 0x54, 0x78,
	0x9C, 0x63, 0x60, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01, 0xE2, 0x21, 0xBC, 0x33, 0x00,
	0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82};
static const unsigned char jpeg[] = {0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 'J',  'F',
				     'I',  'F',  0x00, 0x01, 0x01, 0x00, 0x00, 0x01,
				     0x00, 0x01, 0x00, 0x00, 0xFF, 0xD9};

static struct resp *upload(const char *token, int64_t id, const char *stage, const char *type,
			   const void *data, size_t len)
{
	char path[128], auth[160], ct[64];
	snprintf(path, sizeof(path), "/api/v1/events/%lld/photos?stage=%s", (long long)id, stage);
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", token);
	snprintf(ct, sizeof(ct), "Content-Type: %s", type);
	const char *headers[] = {auth, ct, NULL};
	return call_raw(&S, "POST", path, headers, data, len);
}

static void test_photos(void **state)
{
	(void)state;
	char body[256];
	snprintf(body, sizeof(body),
		 "{\"category\":\"0101\",\"description\":\"井盖缺失\",\"address_id\":%lld}",
		 (long long)address_id);
	struct resp *r = post(res, body, "/api/v1/events");
	assert_status(r, 201);
	int64_t id = jint(r->json, "id");
	resp_free(r);
	/* The reporter adds a photo; its type is what the bytes are. */
	r = upload(res, id, "report", "application/octet-stream", png, sizeof(png));
	assert_status(r, 201);
	assert_string_equal(jstr(r->json, "type"), "image/png");
	char url[128];
	snprintf(url, sizeof(url), "%s", jstr(r->json, "url"));
	resp_free(r);
	r = call(&S, "GET", url, town, NULL);
	assert_status(r, 200);
	assert_string_equal(resp_header(r, "Content-Type"), "image/png");
	assert_int_equal(r->len, sizeof(png));
	assert_memory_equal(r->body, png, sizeof(png));
	resp_free(r);
	/* Not an image, whatever it is called; GIF is not taken either. */
	r = upload(res, id, "report", "image/jpeg", "<html>not a photo</html>", 24);
	assert_status(r, 415);
	resp_free(r);
	r = upload(res, id, "report", "image/gif", "GIF89a\x01\x00\x01\x00\x00\x00\x00;", 14);
	assert_status(r, 415);
	resp_free(r);
	/* A JPEG cut short (no end marker) is refused. */
	r = upload(res, id, "report", "image/jpeg", jpeg, sizeof(jpeg) - 2);
	assert_status(r, 415);
	resp_free(r);
	/* Too large. */
	size_t big = 5300 * 1024;
	unsigned char *huge = calloc(1, big);
	memcpy(huge, jpeg, sizeof(jpeg) - 2);
	huge[big - 2] = 0xFF;
	huge[big - 1] = 0xD9;
	r = upload(res, id, "report", "image/jpeg", huge, big);
	assert_status(r, 413);
	resp_free(r);
	free(huge);
	/* Others: another resident is refused, another town finds nothing; only
	 * the unit's members add photos of the handling. */
	r = upload(res2, id, "report", "image/jpeg", jpeg, sizeof(jpeg));
	assert_status(r, 403);
	resp_free(r);
	r = upload(far_town, id, "report", "image/jpeg", jpeg, sizeof(jpeg));
	assert_status(r, 404);
	resp_free(r);
	r = call(&S, "GET", url, res2, NULL);
	assert_status(r, 403);
	resp_free(r);
	act_ok(town, id, "register", NULL);
	char d[96];
	snprintf(d, sizeof(d), "{\"unit_id\":%lld}", (long long)dept_unit);
	act_ok(town, id, "dispatch", d);
	r = upload(grid, id, "handle", "image/jpeg", jpeg, sizeof(jpeg));
	assert_status(r, 403);
	resp_free(r);
	r = upload(dept, id, "handle", "image/jpeg", jpeg, sizeof(jpeg));
	assert_status(r, 201);
	assert_string_equal(jstr(r->json, "type"), "image/jpeg");
	resp_free(r);
	/* The event lists its photos; the reporter sees them too. */
	r = get(res, "/api/v1/events/%lld", (long long)id);
	assert_int_equal(json_array_size(jget(r->json, "photos")), 2);
	assert_string_equal(jstr(r->json, "photos.1.stage"), "handle");
	resp_free(r);
	/* Nine at most. */
	for (int i = 0; i < 7; i++)
		resp_free(upload(dept, id, "handle", "image/jpeg", jpeg, sizeof(jpeg)));
	r = upload(dept, id, "handle", "image/jpeg", jpeg, sizeof(jpeg));
	assert_status(r, 409);
	resp_free(r);
	r = call(&S, "GET", "/api/v1/events/1/photos/999999", town, NULL);
	assert_status(r, 404);
	resp_free(r);
}

/* The title is the description's start, cut on a character boundary: a
 * mixed ASCII and Chinese description longer than the title used to be cut
 * inside a character, and the event then vanished from the board. */
static void test_long_description_title(void **state)
{
	(void)state;
	char body[512], desc[256] = "A";
	for (int i = 0; i < 40; i++)
		strncat(desc, "垃", sizeof(desc) - strlen(desc) - 1);
	snprintf(body, sizeof(body),
		 "{\"category\":\"1101\",\"description\":\"%s\",\"address_id\":%lld}", desc,
		 (long long)address_id);
	struct resp *r = post(grid, body, "/api/v1/events");
	assert_status(r, 201);
	int64_t id = jint(r->json, "id");
	const char *title = jstr(r->json, "title");
	assert_non_null(title);
	assert_true(strlen(title) <= 90);
	assert_int_equal(strncmp(title, desc, strlen(title)), 0);
	resp_free(r);
	r = get(town, "/api/v1/events?limit=200");
	assert_status(r, 200);
	bool listed = false;
	size_t i;
	json_t *v;
	json_array_foreach(jget(r->json, "items"), i, v) listed = listed || jint(v, "id") == id;
	assert_true(listed);
	resp_free(r);
}

int main(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_catalogue_and_units),
		cmocka_unit_test(test_editing_the_catalogue),
		cmocka_unit_test(test_the_closed_loop),
		cmocka_unit_test(test_forbidden_transitions),
		cmocka_unit_test(test_return_and_dispatch_again),
		cmocka_unit_test(test_postponement),
		cmocka_unit_test(test_escalate_park_merge_reopen),
		cmocka_unit_test(test_residents_see_their_own_reports),
		cmocka_unit_test(test_possible_duplicates_and_location),
		cmocka_unit_test(test_deadlines_across_the_spring_festival),
		cmocka_unit_test(test_board_filters),
		cmocka_unit_test(test_metrics_and_their_export),
		cmocka_unit_test(test_photos),
		cmocka_unit_test(test_long_description_title),
	};
	int rc = cmocka_run_group_tests_name("api_events", tests, setup, teardown);
	curl_global_cleanup();
	return rc;
}
