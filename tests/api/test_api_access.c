/*
 * Work access over HTTP: the automatic check (a negative-list match is
 * refused citing the item, a banned certificate is refused, a claimed
 * assisted item passes, an approved matter passes, anything else goes to
 * review), the county's reviewing unit and its members (approve with
 * conditions, reject with a reason, time limit with warning and overdue
 * notice), withdrawal, tasks in each community's ledger with their
 * deadlines, a community's refusal in one action citing the rule, scope,
 * and the burden ledger with its trend, ranking and export.
 *
 * The duty lists are another module's; this test writes the one list it
 * needs (枫桥镇's default lists for its communities, in force from
 * 2024-01-01) into the database with SQLite directly.  The clock is set to
 * days of March 2026 with srv_clock.
 */
#include "api/harness.h"

#include <curl/curl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define TOWN "330681109"
#define FENGYUAN "330681109290"
#define LESHAN "330681109291"

static struct server S;
static char *county, *dept, *dept2, *town, *comm, *comm2, *far_comm, *vol;
static int64_t unit_id, item_assisted, item_bylaw, item_negative;

/* Requests with a formatted path, and replies checked and freed. */
#define req(...) call_at(&S, __VA_ARGS__)
#define expect(r, status, code) expect_reply(r, status, code)

static void relogin(void)
{
	struct {
		char **tok;
		const char *user;
	} all[] = {{&county, "ac_county"}, {&dept, "ac_dept"},   {&dept2, "ac_dept2"},
		   {&town, "ac_town"},     {&comm, "ac_comm"},   {&comm2, "ac_comm2"},
		   {&far_comm, "ac_far"},  {&vol, "ac_vol"}};
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		free(*all[i].tok);
		*all[i].tok = login(&S, all[i].user, TEST_PASSWORD);
	}
}

/* Set the server clock to a China Standard Time moment. */
static void clock_at(const char *date, int hour)
{
	struct tm tm = {0};
	sscanf(date, "%d-%d-%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday);
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	tm.tm_hour = hour;
	time_t utc = timegm(&tm) - 8 * 3600;
	srv_clock(&S, (long)(utc - time(NULL)));
	relogin();
}

/* Write the lists the checks run against: 枫桥镇's default lists for its
 * communities, and one banned certificate. */
static void seed_lists(void)
{
	sqlite3 *db;
	assert_int_equal(sqlite3_open(S.db, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 10000);
	char *err = NULL;
	int rc = sqlite3_exec(
		db,
		"BEGIN;"
		"INSERT INTO duty_lists (kind, owner_code, version, status, effective_from,"
		" created_at_ms, published_at_ms) VALUES ('community', '" TOWN "', 1, 'published',"
		" '2024-01-01', 0, 0);"
		"INSERT INTO duty_items (list_id, section, seq, title, title_en, legal_basis, keywords)"
		" SELECT id, 'by_law', 1, '召集居民会议', 'Convene the residents'' meeting',"
		" '城市居民委员会组织法 第十条', '' FROM duty_lists WHERE owner_code = '" TOWN "';"
		"INSERT INTO duty_items (list_id, section, seq, title, title_en, legal_basis, keywords)"
		" SELECT id, 'assisted', 1, '协助开展人口普查', 'Assist with the census',"
		" '全国人口普查条例', '' FROM duty_lists WHERE owner_code = '" TOWN "';"
		"INSERT INTO duty_items (list_id, section, seq, title, title_en, legal_basis, keywords)"
		" SELECT id, 'negative', 1, '各类创建达标评比活动', 'Creation and ranking campaigns',"
		" '浙江省村（社区）工作事务清单', '创建|达标|评比' FROM duty_lists"
		" WHERE owner_code = '" TOWN "';"
		"INSERT INTO duty_items (list_id, section, seq, title, title_en, legal_basis, keywords)"
		" SELECT id, 'negative', 2, '要求社区开具无犯罪记录证明', 'No-criminal-record certificates',"
		" '民政部 公安部 通知（2020）', '无犯罪记录' FROM duty_lists"
		" WHERE owner_code = '" TOWN "';"
		"INSERT INTO banned_certificates (name, name_en, keywords, go_to, go_to_en, basis)"
		" VALUES ('亲属关系证明', 'Kinship', '亲属关系', '公安机关或公证机构',"
		" 'The police or a notary', '民政部办公厅 2020');"
		"COMMIT;",
		NULL, NULL, &err);
	if (rc != SQLITE_OK)
		print_error("seed: %s\n", err ? err : "?");
	sqlite3_free(err);
	assert_int_equal(rc, SQLITE_OK);
	sqlite3_close(db);
}

/* A certificate asked for at 枫源村's desk on 5 March 2026, issued. */
static void seed_certificate(void)
{
	struct tm tm = {.tm_year = 126, .tm_mon = 2, .tm_mday = 5, .tm_hour = 2};
	sqlite3 *db;
	assert_int_equal(sqlite3_open(S.db, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 10000);
	char sql[256];
	snprintf(sql, sizeof(sql),
		 "INSERT INTO certificates (code, title, status, register_no, at_ms)"
		 " VALUES ('" FENGYUAN "', '居住证明', 'issued', 'T-1', %lld)",
		 (long long)timegm(&tm) * 1000);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

static int setup(void **state)
{
	(void)state;
	srv_init(&S, true);
	static const char *const extra[] = {"--sweep-seconds", "1", NULL};
	srv_start(&S, extra);
	mkuser(&S, "ac_county", "county_officer", ZHUJI);
	mkuser(&S, "ac_dept", "department_officer", ZHUJI);
	mkuser(&S, "ac_dept2", "department_officer", ZHUJI);
	mkuser(&S, "ac_town", "town_officer", TOWN);
	mkuser(&S, "ac_comm", "community_worker", FENGYUAN);
	mkuser(&S, "ac_comm2", "community_worker", LESHAN);
	mkuser(&S, "ac_far", "community_worker", "330681001001");
	mkuser(&S, "ac_vol", "volunteer", FENGYUAN);
	seed_lists();
	clock_at("2026-03-02", 9); /* a Monday */
	/* The items, as the filing form reads them. */
	struct resp *r = req("GET", town, NULL, "/api/v1/access/list-items?org=%s", FENGYUAN);
	assert_status(r, 200);
	size_t i;
	json_t *it;
	json_array_foreach(jget(r->json, "items"), i, it)
	{
		if (strcmp(jstr(it, "title"), "协助开展人口普查") == 0)
			item_assisted = jint(it, "id");
		if (strcmp(jstr(it, "title"), "召集居民会议") == 0)
			item_bylaw = jint(it, "id");
		if (strcmp(jstr(it, "title"), "各类创建达标评比活动") == 0)
			item_negative = jint(it, "id");
	}
	assert_int_equal(json_array_size(jget(r->json, "items")), 4);
	resp_free(r);
	assert_true(item_assisted && item_bylaw && item_negative);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char **all[] = {&county, &dept, &dept2, &town, &comm, &comm2, &far_comm, &vol};
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		free(*all[i]);
	srv_cleanup(&S);
	return 0;
}

/* File a request for scope (a JSON array) and return it (to be freed). */
static json_t *file(const char *token, const char *kind, const char *title, const char *scope,
		    int64_t item, long status)
{
	char body[2048], extra[64] = "";
	if (item)
		snprintf(extra, sizeof(extra), ",\"list_item_id\":%lld", (long long)item);
	snprintf(body, sizeof(body),
		 "{\"kind\":\"%s\",\"title\":\"%s\",\"description\":\"每月报送一次\","
		 "\"legal_basis\":\"诸政办〔2026〕3号\",\"funded\":true,\"funding\":\"每村每年2000元\","
		 "\"starts_on\":\"2026-03-02\",\"ends_on\":\"2026-06-30\","
		 "\"deadline_on\":\"2026-03-31\",\"workload_hours\":6,\"scope\":%s%s}",
		 kind, title, scope, extra);
	struct resp *r = req("POST", token, body, "/api/v1/access/requests");
	assert_status(r, status);
	json_t *j = json_incref(r->json);
	resp_free(r);
	return j;
}

static json_t *get_request(const char *token, int64_t id)
{
	struct resp *r = req("GET", token, NULL, "/api/v1/access/requests/%lld", (long long)id);
	assert_status(r, 200);
	json_t *j = json_incref(r->json);
	resp_free(r);
	return j;
}

static int notices(const char *token, int64_t id, const char *kind)
{
	struct resp *r = req("GET", token, NULL, "/api/v1/inbox?limit=200");
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

/* The open tasks of a request in the ledger token sees. */
static int tasks_of(const char *token, int64_t request)
{
	struct resp *r = req("GET", token, NULL, "/api/v1/tasks?limit=200");
	assert_status(r, 200);
	int n = 0;
	size_t i;
	json_t *v;
	json_array_foreach(jget(r->json, "items"), i, v)
	{
		if (jint(v, "request_id") == request)
			n++;
	}
	resp_free(r);
	return n;
}

static int64_t pending_id;

static void test_review_waits_for_a_designated_unit(void **state)
{
	(void)state;
	/* Nothing on the lists: review, but no unit is designated yet. */
	json_t *j = file(town, "form", "村级消防台账月报表", "[\"" FENGYUAN "\"]", 0, 201);
	assert_string_equal(jstr(j, "state"), "in_review");
	assert_string_equal(jstr(j, "decision.rule"), "not_on_lists");
	assert_true(json_is_null(jget(j, "review_unit")));
	pending_id = jint(j, "id");
	json_decref(j);
	/* A county officer makes 县民政局 the reviewing unit, with ac_dept in it. */
	struct resp *r = req("POST", county,
			     "{\"name\":\"诸暨市民政局\",\"kind\":\"department\",\"org_code\":\"" ZHUJI
			     "\"}",
			     "/api/v1/handling-units");
	assert_status(r, 201);
	unit_id = jint(r->json, "id");
	resp_free(r);
	r = req("POST", county, "{\"username\":\"ac_dept\"}", "/api/v1/handling-units/%lld/members",
		(long long)unit_id);
	assert_status(r, 200);
	resp_free(r);
	/* Only the command centre designates; a unit of another node will not do. */
	char body[64];
	snprintf(body, sizeof(body), "{\"unit_id\":%lld}", (long long)unit_id);
	expect(req("PUT", dept, body, "/api/v1/access/reviewers/" ZHUJI), 403, "forbidden");
	expect(req("PUT", county, "{\"unit_id\":999999}", "/api/v1/access/reviewers/" ZHUJI), 422,
	       "validation_failed");
	expect(req("PUT", county, body, "/api/v1/access/reviewers/330682"), 404, "not_found");
	r = req("PUT", county, body, "/api/v1/access/reviewers/" ZHUJI);
	assert_status(r, 200);
	assert_int_equal(jint(r->json, "unit_id"), unit_id);
	resp_free(r);
	/* The waiting request went to the unit, whose member was told. */
	j = get_request(dept, pending_id);
	assert_int_equal(jint(j, "review_unit.id"), unit_id);
	assert_string_equal(jstr(j, "deadline"), "green");
	json_decref(j);
	assert_int_equal(notices(dept, pending_id, "assigned"), 1);
	r = req("GET", dept, NULL, "/api/v1/access/reviewers");
	assert_status(r, 200);
	assert_string_equal(jstr(r->json, "items.0.county"), ZHUJI);
	resp_free(r);
}

static void test_negative_list_refuses_with_the_item(void **state)
{
	(void)state;
	json_t *j = file(dept, "inspection", "文明村创建达标检查", "[\"" TOWN "\"]", item_assisted,
			 201);
	/* The negative list wins over the claimed item. */
	assert_string_equal(jstr(j, "state"), "refused");
	assert_string_equal(jstr(j, "decision.rule"), "negative_list");
	assert_string_equal(jstr(j, "decision.item.title"), "各类创建达标评比活动");
	assert_string_equal(jstr(j, "decision.item.legal_basis"), "浙江省村（社区）工作事务清单");
	/* The decision is on the timeline with its rule; no task went out. */
	json_t *tl = jget(j, "timeline");
	assert_string_equal(jstr(tl, "1.action"), "check");
	assert_string_equal(jstr(tl, "1.to_state"), "refused");
	assert_string_equal(jstr(tl, "1.detail.rule"), "negative_list");
	int64_t id = jint(j, "id");
	assert_int_equal(json_array_size(jget(j, "actions")), 0);
	json_decref(j);
	assert_int_equal(tasks_of(comm, id), 0);
	/* Keywords in the description count too. */
	char body[1024];
	snprintf(body, sizeof(body),
		 "{\"kind\":\"form\",\"title\":\"平安村报表\",\"description\":\"请开具无犯罪记录证明\","
		 "\"legal_basis\":\"无依据\",\"funded\":false,\"starts_on\":\"2026-03-02\","
		 "\"ends_on\":\"2026-03-31\",\"deadline_on\":\"2026-03-20\",\"workload_hours\":1,"
		 "\"scope\":[\"" FENGYUAN "\"]}");
	struct resp *r = req("POST", town, body, "/api/v1/access/requests");
	assert_status(r, 201);
	assert_string_equal(jstr(r->json, "state"), "refused");
	assert_string_equal(jstr(r->json, "decision.item.title"), "要求社区开具无犯罪记录证明");
	resp_free(r);
}

static void test_banned_certificate_is_refused(void **state)
{
	(void)state;
	json_t *j = file(dept, "certificate", "亲属关系证明", "[\"" FENGYUAN "\"]", 0, 201);
	assert_string_equal(jstr(j, "state"), "refused");
	assert_string_equal(jstr(j, "decision.rule"), "banned_certificate");
	/* The national list (or the test's own entry): either names kinship and
	 * sends the resident to a notary among others. */
	assert_non_null(strstr(jstr(j, "decision.certificate.name"), "亲属关系"));
	assert_non_null(strstr(jstr(j, "decision.certificate.go_to"), "公证"));
	json_decref(j);
	/* The same words as a task are not a certificate. */
	j = file(dept, "task", "亲属关系证明材料收集", "[\"" FENGYUAN "\"]", 0, 201);
	assert_string_equal(jstr(j, "state"), "in_review");
	json_decref(j);
}

static void test_listed_item_passes_into_every_ledger(void **state)
{
	(void)state;
	/* The town means every community under it. */
	json_t *j = file(town, "task", "人口普查入户登记", "[\"" TOWN "\"]", item_assisted, 201);
	assert_string_equal(jstr(j, "state"), "passed");
	assert_string_equal(jstr(j, "decision.rule"), "list_item");
	assert_string_equal(jstr(j, "decision.item.section"), "assisted");
	assert_string_equal(jstr(j, "code"), TOWN);
	assert_string_equal(jstr(j, "body"), jstr(j, "requester_name"));
	int64_t id = jint(j, "id");
	int64_t n = jint(j, "communities");
	assert_true(n > 20);
	assert_int_equal((int64_t)json_array_size(jget(j, "community_list")), n);
	json_decref(j);
	/* Each community has its task with the deadline, and was told. */
	assert_int_equal(tasks_of(comm, id), 1);
	assert_int_equal(tasks_of(comm2, id), 1);
	assert_int_equal(notices(comm, id, "task"), 1);
	struct resp *r = req("GET", comm, NULL, "/api/v1/tasks?status=open");
	assert_status(r, 200);
	assert_string_equal(jstr(r->json, "items.0.deadline_on"), "2026-03-31");
	assert_string_equal(jstr(r->json, "items.0.access"), "passed");
	assert_string_equal(jstr(r->json, "items.0.code"), FENGYUAN);
	resp_free(r);
	/* A community worker sees the request behind the task. */
	j = get_request(comm, id);
	json_decref(j);
	/* A by-law item passes too; an item from no list is refused as input. */
	j = file(town, "meeting", "居民会议", "[\"" FENGYUAN "\"]", item_bylaw, 201);
	assert_string_equal(jstr(j, "state"), "passed");
	json_decref(j);
	j = file(town, "meeting", "居民会议", "[\"" FENGYUAN "\"]", 999999, 422);
	assert_string_equal(jstr(j, "error.field"), "list_item_id");
	json_decref(j);
	/* Claiming a negative item is no claim: review. */
	j = file(town, "task", "专项工作", "[\"" FENGYUAN "\"]", item_negative, 201);
	assert_string_equal(jstr(j, "state"), "in_review");
	assert_string_equal(jstr(j, "decision.item_not_on_list_of"), FENGYUAN);
	json_decref(j);
}

static int64_t approved_id;

static void test_review_by_the_units_members(void **state)
{
	(void)state;
	json_t *j = file(town, "app", "智慧消防APP每日打卡", "[\"" FENGYUAN "\",\"" LESHAN "\"]", 0,
			 201);
	assert_string_equal(jstr(j, "state"), "in_review");
	assert_int_equal(jint(j, "review_unit.id"), unit_id);
	assert_string_equal(jstr(j, "review_due_at"), "2026-03-09T09:30:00.000Z");
	int64_t id = jint(j, "id");
	/* The requester may withdraw; only the unit's members review. */
	assert_string_equal(jstr(j, "actions.0"), "withdraw");
	json_decref(j);
	j = get_request(dept, id);
	assert_string_equal(jstr(j, "actions.0"), "approve");
	assert_string_equal(jstr(j, "actions.1"), "reject");
	json_decref(j);
	expect(req("POST", dept2, "{}", "/api/v1/access/requests/%lld/approve", (long long)id), 403,
	       "forbidden");
	expect(req("POST", county, "{}", "/api/v1/access/requests/%lld/approve", (long long)id),
	       403, "forbidden");
	expect(req("POST", town, "{}", "/api/v1/access/requests/%lld/approve", (long long)id), 403,
	       "forbidden");
	expect(req("POST", far_comm, "{}", "/api/v1/access/requests/%lld/approve", (long long)id),
	       403, "forbidden");
	expect(req("GET", far_comm, NULL, "/api/v1/access/requests/%lld", (long long)id), 404,
	       "not_found");
	expect(req("GET", vol, NULL, "/api/v1/access/requests/%lld", (long long)id), 403,
	       "forbidden");
	/* The members' list of what waits for them. */
	struct resp *r = req("GET", dept, NULL, "/api/v1/access/requests?to_review=true");
	assert_status(r, 200);
	assert_true(jint(r->json, "total") >= 2);
	resp_free(r);
	r = req("GET", dept2, NULL, "/api/v1/access/requests?to_review=true");
	assert_status(r, 200);
	assert_int_equal(jint(r->json, "total"), 0);
	resp_free(r);
	/* Approve with conditions: tasks in both ledgers, the requester told. */
	r = req("POST", dept, "{\"conditions\":\"每周打卡一次，经费由消防大队承担\"}",
		"/api/v1/access/requests/%lld/approve", (long long)id);
	assert_status(r, 200);
	assert_string_equal(jstr(r->json, "state"), "approved");
	assert_string_equal(jstr(r->json, "conditions"), "每周打卡一次，经费由消防大队承担");
	assert_true(json_is_null(jget(r->json, "deadline")));
	resp_free(r);
	assert_int_equal(tasks_of(comm, id), 1);
	assert_int_equal(tasks_of(comm2, id), 1);
	assert_int_equal(notices(town, id, "status"), 1);
	expect(req("POST", dept, "{\"reason\":\"再议\"}", "/api/v1/access/requests/%lld/reject",
		   (long long)id),
	       409, "invalid_state");
	approved_id = id;
	/* The approved matter is on the lists now: the same request passes,
	 * for those communities only. */
	j = file(dept, "app", "智慧消防APP每日打卡", "[\"" LESHAN "\"]", 0, 201);
	assert_string_equal(jstr(j, "state"), "passed");
	assert_string_equal(jstr(j, "decision.rule"), "approved_matter");
	assert_int_equal(jint(j, "decision.case_id"), id);
	json_decref(j);
	j = file(dept, "app", "智慧消防APP每日打卡", "[\"" TOWN "\"]", 0, 201);
	assert_string_equal(jstr(j, "state"), "in_review");
	/* A member of the unit does not decide their own request. */
	assert_int_equal(json_array_size(jget(j, "actions")), 1);
	expect(req("POST", dept, "{}", "/api/v1/access/requests/%lld/approve",
		   (long long)jint(j, "id")),
	       403, "forbidden");
	json_decref(j);
}

static void test_reject_and_withdraw(void **state)
{
	(void)state;
	json_t *j = file(town, "plaque", "老年协会挂牌", "[\"" FENGYUAN "\"]", 0, 201);
	int64_t id = jint(j, "id");
	json_decref(j);
	expect(req("POST", dept, "{}", "/api/v1/access/requests/%lld/reject", (long long)id), 422,
	       "validation_failed");
	struct resp *r = req("POST", dept, "{\"reason\":\"挂牌不在清单内，且无经费\"}",
			     "/api/v1/access/requests/%lld/reject", (long long)id);
	assert_status(r, 200);
	assert_string_equal(jstr(r->json, "state"), "rejected");
	assert_string_equal(jstr(r->json, "reason"), "挂牌不在清单内，且无经费");
	resp_free(r);
	assert_int_equal(tasks_of(comm, id), 0);
	/* Withdrawal: the requester only, while in review. */
	j = file(town, "meeting", "季度推进会", "[\"" FENGYUAN "\"]", 0, 201);
	id = jint(j, "id");
	json_decref(j);
	expect(req("POST", dept, "{}", "/api/v1/access/requests/%lld/withdraw", (long long)id), 403,
	       "forbidden");
	r = req("POST", town, "{\"reason\":\"改为线上\"}", "/api/v1/access/requests/%lld/withdraw",
		(long long)id);
	assert_status(r, 200);
	assert_string_equal(jstr(r->json, "state"), "withdrawn");
	resp_free(r);
	expect(req("POST", dept, "{}", "/api/v1/access/requests/%lld/approve", (long long)id), 409,
	       "invalid_state");
}

static void test_bad_requests(void **state)
{
	(void)state;
	/* Another town's community is not in the town officer's scope. */
	json_t *j = file(town, "task", "越界任务", "[\"" FENGYUAN "\",\"330681001001\"]", 0, 422);
	assert_string_equal(jstr(j, "error.field"), "scope[1]");
	json_decref(j);
	j = file(dept, "task", "跨县任务", "[\"330681\",\"330682\"]", 0, 422);
	assert_string_equal(jstr(j, "error.field"), "scope[1]");
	json_decref(j);
	j = file(town, "task", "网格", "[\"330681109290001\"]", 0, 422);
	assert_string_equal(jstr(j, "error.field"), "scope");
	json_decref(j);
	/* Funding stated when funded; dates in order. */
	struct resp *r = req("POST", town,
			     "{\"kind\":\"task\",\"title\":\"无经费\",\"description\":\"说明\","
			     "\"legal_basis\":\"无依据\",\"funded\":true,\"starts_on\":\"2026-03-02\","
			     "\"ends_on\":\"2026-03-31\",\"deadline_on\":\"2026-03-20\","
			     "\"workload_hours\":1,\"scope\":[\"" FENGYUAN "\"]}",
			     "/api/v1/access/requests");
	assert_status(r, 422);
	assert_string_equal(err_field(r), "funding");
	resp_free(r);
	r = req("POST", town,
		"{\"kind\":\"task\",\"title\":\"日期\",\"description\":\"说明\","
		"\"legal_basis\":\"无依据\",\"funded\":false,\"starts_on\":\"2026-03-02\","
		"\"ends_on\":\"2026-03-31\",\"deadline_on\":\"2026-04-20\","
		"\"workload_hours\":1,\"scope\":[\"" FENGYUAN "\"]}",
		"/api/v1/access/requests");
	assert_status(r, 422);
	assert_string_equal(err_field(r), "deadline_on");
	resp_free(r);
	r = req("POST", town, "{\"kind\":\"lunch\"}", "/api/v1/access/requests");
	assert_status(r, 422);
	resp_free(r);
	/* Community workers do not file. */
	j = file(comm, "task", "自己", "[\"" FENGYUAN "\"]", 0, 403);
	json_decref(j);
}

static void test_community_refuses_in_one_action(void **state)
{
	(void)state;
	/* Work that came by phone, recorded and refused at once. */
	struct resp *r = req("POST", comm,
			     "{\"kind\":\"form\",\"title\":\"电话要求填报养犬登记表\","
			     "\"requester\":\"某局（电话）\",\"refuse\":true,"
			     "\"rule\":\"not_through_access\",\"refusal_note\":\"未经准入\"}",
			     "/api/v1/tasks");
	assert_status(r, 201);
	assert_string_equal(jstr(r->json, "status"), "refused");
	assert_string_equal(jstr(r->json, "source"), "outside");
	assert_string_equal(jstr(r->json, "refusal.rule"), "not_through_access");
	assert_string_equal(jstr(r->json, "refusal.by"), "ac_comm");
	assert_string_equal(jstr(r->json, "code"), FENGYUAN);
	resp_free(r);
	/* Recorded first, refused later citing a negative-list item. */
	r = req("POST", comm,
		"{\"kind\":\"inspection\",\"title\":\"卫生村评比迎检\",\"requester\":\"某办\","
		"\"deadline_on\":\"2026-03-10\"}",
		"/api/v1/tasks");
	assert_status(r, 201);
	assert_string_equal(jstr(r->json, "status"), "open");
	int64_t id = jint(r->json, "id");
	resp_free(r);
	char body[128];
	snprintf(body, sizeof(body), "{\"rule\":\"negative_list\",\"item_id\":%lld}",
		 (long long)item_assisted);
	expect(req("POST", comm, body, "/api/v1/tasks/%lld/refuse", (long long)id), 422,
	       "validation_failed");
	expect(req("POST", comm, "{\"rule\":\"negative_list\"}", "/api/v1/tasks/%lld/refuse",
		   (long long)id),
	       422, "validation_failed");
	expect(req("POST", comm2, "{\"rule\":\"not_through_access\"}", "/api/v1/tasks/%lld/refuse",
		   (long long)id),
	       404, "not_found");
	expect(req("POST", town, "{\"rule\":\"not_through_access\"}", "/api/v1/tasks/%lld/refuse",
		   (long long)id),
	       403, "forbidden");
	snprintf(body, sizeof(body), "{\"rule\":\"negative_list\",\"item_id\":%lld}",
		 (long long)item_negative);
	r = req("POST", comm, body, "/api/v1/tasks/%lld/refuse", (long long)id);
	assert_status(r, 200);
	assert_string_equal(jstr(r->json, "status"), "refused");
	assert_string_equal(jstr(r->json, "refusal.item.title"), "各类创建达标评比活动");
	resp_free(r);
	expect(req("POST", comm, "{\"rule\":\"not_through_access\"}", "/api/v1/tasks/%lld/refuse",
		   (long long)id),
	       409, "invalid_state");
	/* A task that passed access is done, not refused. */
	r = req("GET", comm, NULL, "/api/v1/tasks?status=open&source=access");
	assert_status(r, 200);
	int64_t passed = jint(r->json, "items.0.id");
	resp_free(r);
	expect(req("POST", comm, "{\"rule\":\"not_through_access\"}", "/api/v1/tasks/%lld/refuse",
		   (long long)passed),
	       409, "invalid_state");
	r = req("POST", comm, "{\"note\":\"已完成入户登记\"}", "/api/v1/tasks/%lld/done",
		(long long)passed);
	assert_status(r, 200);
	assert_string_equal(jstr(r->json, "status"), "done");
	assert_string_equal(jstr(r->json, "done.note"), "已完成入户登记");
	resp_free(r);
	expect(req("POST", comm, "{}", "/api/v1/tasks/%lld/done", (long long)passed), 409,
	       "invalid_state");
	/* The refusals are recorded in the ledger. */
	r = req("GET", comm, NULL, "/api/v1/tasks?status=refused");
	assert_status(r, 200);
	assert_int_equal(jint(r->json, "total"), 2);
	resp_free(r);
	/* A town officer reads the ledgers of its communities. */
	r = req("GET", town, NULL, "/api/v1/tasks?org=" FENGYUAN "&status=refused");
	assert_status(r, 200);
	assert_int_equal(jint(r->json, "total"), 2);
	resp_free(r);
	expect(req("GET", vol, NULL, "/api/v1/tasks"), 403, "forbidden");
}

static void test_burden_ledger(void **state)
{
	(void)state;
	seed_certificate();
	struct resp *r = req("GET", town, NULL, "/api/v1/burden?from=2026-03-01&to=2026-03-31");
	assert_status(r, 200);
	assert_string_equal(jstr(r->json, "org"), TOWN);
	assert_string_equal(jstr(r->json, "baseline.from"), "2026-01-29");
	assert_string_equal(jstr(r->json, "baseline.to"), "2026-02-28");
	json_t *row = NULL, *v;
	size_t i;
	json_array_foreach(jget(r->json, "rows"), i, v) if (strcmp(jstr(v, "key"), FENGYUAN) == 0)
		row = v;
	assert_non_null(row);
	/* 枫源村: 2 refused by the community, the outside work imposed. */
	assert_int_equal(jint(row, "refused_by_community"), 2);
	/* Forms: 消防台账 (in review), 平安村 (refused), the one by phone. */
	assert_int_equal(jint(row, "imposed.form"), 3);
	assert_int_equal(jint(row, "certificates.issued"), 1);
	assert_int_equal(jint(row, "rejected_on_review"), 1);
	assert_true(jint(row, "refused_by_check") >= 3);
	assert_true(jint(row, "accepted.total") >= 3);
	assert_true(json_is_null(jget(row, "trend.imposed"))); /* nothing in February */
	/* The ranking: the county's departments pushed the most down (an
	 * inspection and an app for every community of the town), then the
	 * town (its census); the work that came by phone is there under the
	 * name the community gave. */
	assert_string_equal(jstr(r->json, "ranking.0.body"), "诸暨市");
	assert_int_equal(jint(r->json, "ranking.0.rank"), 1);
	assert_string_equal(jstr(r->json, "ranking.1.body"), "枫桥镇");
	assert_true(jint(r->json, "ranking.0.imposed") > jint(r->json, "ranking.1.imposed"));
	bool outside = false;
	json_array_foreach(jget(r->json, "ranking"), i, v) outside |=
		strcmp(jstr(v, "body"), "某局（电话）") == 0 && json_is_true(jget(v, "outside")) &&
		jint(v, "refused_by_community") == 1;
	assert_true(outside);
	resp_free(r);
	/* The county's dashboard has a row per town. */
	r = req("GET", county, NULL,
		"/api/v1/burden?from=2026-03-01&to=2026-03-31&base_from=2026-03-01&base_to=2026-03-31");
	assert_status(r, 200);
	json_array_foreach(jget(r->json, "rows"), i, v) if (strcmp(jstr(v, "key"), TOWN) == 0) row =
		v;
	assert_string_equal(jstr(row, "key"), TOWN);
	assert_int_equal(jint(row, "baseline.imposed"), jint(row, "imposed.total"));
	assert_true(json_real_value(jget(row, "trend.imposed")) == 0.0);
	assert_int_equal(jint(r->json, "totals.imposed.total"), jint(row, "imposed.total"));
	resp_free(r);
	/* Export, and scope. */
	r = req("GET", town, NULL, "/api/v1/burden/export?format=csv&from=2026-03-01&to=2026-03-31");
	assert_status(r, 200);
	assert_non_null(strstr(r->body, "key,name,imposed,accepted,refused"));
	assert_non_null(strstr(r->body, FENGYUAN));
	assert_non_null(strstr(r->body, "total,"));
	resp_free(r);
	r = req("GET", town, NULL, "/api/v1/burden/export?format=xlsx&table=ranking");
	assert_status(r, 200);
	assert_true(r->len > 100 && memcmp(r->body, "PK", 2) == 0);
	resp_free(r);
	expect(req("GET", town, NULL, "/api/v1/burden?org=330681001"), 404, "not_found");
	expect(req("GET", comm, NULL, "/api/v1/burden"), 403, "forbidden");
	expect(req("GET", town, NULL, "/api/v1/burden?base_from=2026-01-01"), 422,
	       "validation_failed");
}

static void test_review_time_limit(void **state)
{
	(void)state;
	/* 5 working days from Monday 2 March: due Monday 9 March at the end
	 * of work; the warning at 80 %. */
	clock_at("2026-03-09", 11);
	usleep(2500000);
	assert_int_equal(notices(dept, pending_id, "warning"), 1);
	json_t *j = get_request(dept, pending_id);
	assert_string_equal(jstr(j, "deadline"), "yellow");
	json_decref(j);
	clock_at("2026-03-10", 9);
	usleep(2500000);
	assert_int_equal(notices(dept, pending_id, "overdue"), 1);
	assert_int_equal(notices(town, pending_id, "overdue"), 1);
	j = get_request(town, pending_id);
	assert_string_equal(jstr(j, "deadline"), "red");
	json_decref(j);
	/* Approving it late still works and stops the clock. */
	struct resp *r = req("POST", dept, "{}", "/api/v1/access/requests/%lld/approve",
			     (long long)pending_id);
	assert_status(r, 200);
	assert_true(json_is_null(jget(r->json, "deadline")));
	resp_free(r);
}

int main(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_review_waits_for_a_designated_unit),
		cmocka_unit_test(test_negative_list_refuses_with_the_item),
		cmocka_unit_test(test_banned_certificate_is_refused),
		cmocka_unit_test(test_listed_item_passes_into_every_ledger),
		cmocka_unit_test(test_review_by_the_units_members),
		cmocka_unit_test(test_reject_and_withdraw),
		cmocka_unit_test(test_bad_requests),
		cmocka_unit_test(test_community_refuses_in_one_action),
		cmocka_unit_test(test_burden_ledger),
		cmocka_unit_test(test_review_time_limit),
	};
	int rc = cmocka_run_group_tests_name("api_access", tests, setup, teardown);
	curl_global_cleanup();
	return rc;
}
