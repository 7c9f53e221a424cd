/*
 * Duty lists and the certificate desk over HTTP: published lists and the
 * banned-certificate list read without signing in and without anyone's
 * personal data; drafts, versions with effective dates, the history and
 * the differences between versions; CSV import (all rows or none) and
 * export; banned certificates refused with the rule and where to go,
 * recorded and audited; local extensions of the banned list; certificates
 * issued from templates with register numbers that have no gaps when
 * desks issue at the same time.
 */
#include "api/harness.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static struct server S;
static char *county, *town, *comm, *far_town, *far_comm, *auditor;
static int64_t county_id, town_id, village_id, resident, far_village_id;

/* Requests with a formatted path, and replies checked and freed. */
#define req(...) call_at(&S, __VA_ARGS__)
#define expect(r, status, code) expect_reply(r, status, code)

/* A civil day (China Standard Time) days from the server's now. */
static const char *day(long offset_s, int days)
{
	static char out[4][11];
	static int next;
	time_t t = time(NULL) + offset_s + 8 * 3600 + (time_t)days * 86400;
	struct tm tm;
	gmtime_r(&t, &tm);
	char *o = out[next++ % 4];
	strftime(o, 11, "%Y-%m-%d", &tm);
	return o;
}

static void relogin(void)
{
	struct {
		char **tok;
		const char *user;
	} all[] = {{&county, "dl_county"}, {&town, "dl_town"},       {&comm, "dl_comm"},
		   {&far_town, "dl_far"},   {&far_comm, "dl_farcomm"}, {&auditor, "auditor"}};
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		free(*all[i].tok);
		*all[i].tok = login(&S, all[i].user, TEST_PASSWORD);
	}
}

static int64_t make_resident(const char *token, int64_t community, const char *name,
			     const char *idno)
{
	struct resp *r = call(&S, "POST", "/api/v1/orgs", token,
			      "{\"parent_id\":%lld,\"name\":\"清单网格\",\"level\":\"grid\"}",
			      (long long)community);
	assert_status(r, 201);
	int64_t grid = jint(r->json, "id");
	resp_free(r);
	r = call(&S, "POST", "/api/v1/addresses", token,
		 "{\"grid_id\":%lld,\"street\":\"清单路\",\"number\":\"8号\"}", (long long)grid);
	assert_status(r, 201);
	int64_t addr = jint(r->json, "id");
	resp_free(r);
	r = call(&S, "POST", "/api/v1/households", token, "{\"address_id\":%lld}", (long long)addr);
	assert_status(r, 201);
	int64_t hh = jint(r->json, "id");
	resp_free(r);
	r = call(&S, "POST", "/api/v1/residents", token,
		 "{\"household_id\":%lld,\"name\":\"%s\",\"gender\":\"female\","
		 "\"birth_date\":\"1972-03-08\",\"id_type\":\"citizen\",\"id_number\":\"%s\","
		 "\"residence_type\":\"registered\"}",
		 (long long)hh, name, idno);
	assert_status(r, 201);
	int64_t id = jint(r->json, "id");
	resp_free(r);
	return id;
}

static int setup(void **state)
{
	(void)state;
	srv_init(&S, true);
	srv_start(&S, NULL);
	mkuser(&S, "dl_county", "county_officer", ZHUJI);
	mkuser(&S, "dl_town", "town_officer", "330681109");
	mkuser(&S, "dl_comm", "community_worker", "330681109290");
	mkuser(&S, "dl_far", "town_officer", "330681001");
	mkuser(&S, "dl_farcomm", "community_worker", "330681001001");
	relogin();
	county_id = org_id(&S, county, ZHUJI);
	town_id = org_id(&S, town, "330681109");
	village_id = org_id(&S, comm, "330681109290");
	far_village_id = org_id(&S, far_comm, "330681001001");
	char idno[19];
	citizen_id(idno, "330681", "1972-03-08", 12, false);
	resident = make_resident(comm, village_id, "王丽萍", idno);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char **all[] = {&county, &town, &comm, &far_town, &far_comm, &auditor};
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		free(*all[i]);
	srv_cleanup(&S);
	return 0;
}

/* ---- public reads ---- */

static void test_public_reads_without_login(void **state)
{
	(void)state;
	struct resp *r = req("GET", NULL, NULL, "/api/v1/public/duty-lists?kind=community");
	assert_status(r, 200);
	assert_int_equal(jint(r->json, "items.0.id"), 1);
	assert_string_equal(jstr(r->json, "items.0.owner_code"), "");
	assert_true(json_is_true(jget(r->json, "items.0.in_force")));
	resp_free(r);
	/* The seeded three lists apply to every community until one of its
	 * own (or its town's, or county's) is in force. */
	r = req("GET", NULL, NULL,
		"/api/v1/public/duty-lists/in-force?kind=community&code=330681109290");
	assert_status(r, 200);
	assert_int_equal(jint(r->json, "id"), 1);
	assert_true(jint(r->json, "counts.by_law") >= 20);
	assert_true(jint(r->json, "counts.assisted") >= 30);
	assert_true(jint(r->json, "counts.negative") >= 15);
	/* Negative items carry keywords the work-access check matches. */
	size_t i;
	json_t *it;
	int with_keywords = 0;
	json_array_foreach(jget(r->json, "items"), i, it) if (
		strcmp(jstr(it, "section"), "negative") == 0 && jstr(it, "keywords")[0])
		with_keywords++;
	assert_int_equal(with_keywords, jint(r->json, "counts.negative"));
	resp_free(r);
	r = req("GET", NULL, NULL, "/api/v1/public/banned-certificates");
	assert_status(r, 200);
	assert_true(json_array_size(jget(r->json, "items")) >= 18);
	assert_string_equal(jstr(r->json, "items.0.name"), "亲属关系证明");
	resp_free(r);
	r = req("GET", NULL, NULL,
		"/api/v1/public/banned-certificates/check?name=%%E6%%97%%A0%%E7%%8A%%AF%%E7%%BD%%AA"
		"%%E8%%AE%%B0%%E5%%BD%%95%%E8%%AF%%81%%E6%%98%%8E"); /* 无犯罪记录证明 */
	assert_status(r, 200);
	assert_true(json_is_true(jget(r->json, "banned")));
	assert_non_null(strstr(jstr(r->json, "entry.go_to"), "公安"));
	resp_free(r);
	/* The templates a committee still issues are none of the banned. */
	r = req("GET", comm, NULL, "/api/v1/certificate-templates");
	assert_status(r, 200);
	assert_int_equal(json_array_size(jget(r->json, "items")), 3);
	json_array_foreach(jget(r->json, "items"), i, it)
	{
		char *esc = curl_easy_escape(NULL, jstr(it, "name"), 0);
		struct resp *c = req("GET", NULL, NULL,
				     "/api/v1/public/banned-certificates/check?name=%s", esc);
		curl_free(esc);
		assert_status(c, 200);
		assert_false(json_is_true(jget(c->json, "banned")));
		resp_free(c);
	}
	resp_free(r);
	/* Drafts and the desk are not public. */
	expect(req("GET", NULL, NULL, "/api/v1/duty-lists"), 401, "unauthenticated");
	expect(req("GET", NULL, NULL, "/api/v1/certificates"), 401, "unauthenticated");
	expect(req("GET", NULL, NULL, "/api/v1/public/duty-lists/999"), 404, "not_found");
}

/* ---- versions ---- */

static int64_t create_list(const char *token, const char *body, long status, const char *code)
{
	struct resp *r = req("POST", token, body, "/api/v1/duty-lists");
	assert_status(r, status);
	if (code != NULL)
		assert_string_equal(err_code(r), code);
	int64_t id = status == 201 ? jint(r->json, "id") : 0;
	resp_free(r);
	return id;
}

static int64_t in_force(const char *code, const char *on)
{
	struct resp *r = req("GET", NULL, NULL,
			     "/api/v1/public/duty-lists/in-force?kind=community&code=%s&day=%s",
			     code, on);
	assert_status(r, 200);
	int64_t id = jint(r->json, "id");
	resp_free(r);
	return id;
}

/* The id of the item of list id whose title starts with prefix. */
static int64_t item_titled(const char *token, int64_t list, const char *prefix)
{
	struct resp *r = req("GET", token, NULL, "/api/v1/duty-lists/%lld", (long long)list);
	assert_status(r, 200);
	int64_t id = 0;
	size_t i;
	json_t *it;
	json_array_foreach(jget(r->json, "items"), i, it) if (
		id == 0 && strncmp(jstr(it, "title"), prefix, strlen(prefix)) == 0) id =
		jint(it, "id");
	resp_free(r);
	assert_true(id > 0);
	return id;
}

static void test_versions_and_effective_dates(void **state)
{
	(void)state;
	char body[512];
	/* The county's default for its communities, starting as a copy of
	 * the national one. */
	snprintf(body, sizeof(body),
		 "{\"kind\":\"community\",\"org_id\":%lld,\"copy_from\":1,\"note\":\"诸暨市版本\"}",
		 (long long)county_id);
	int64_t v1 = create_list(county, body, 201, NULL);
	create_list(county, body, 409, "conflict"); /* one draft per list */
	/* A draft is no one's business outside the county's scope. */
	expect(req("GET", NULL, NULL, "/api/v1/public/duty-lists/%lld", (long long)v1), 404,
	       "not_found");
	expect(req("GET", far_town, NULL, "/api/v1/duty-lists/%lld", (long long)v1), 404,
	       "not_found");
	expect(req("GET", town, NULL, "/api/v1/duty-lists/%lld", (long long)v1), 404, "not_found");
	/* Sections belong to the kind; keywords are checked. */
	expect(req("POST", county, "{\"section\":\"licensing\",\"title\":\"x\"}",
		   "/api/v1/duty-lists/%lld/items", (long long)v1),
	       422, "validation_failed");
	expect(req("POST", county, "{\"section\":\"negative\",\"title\":\"x\",\"keywords\":\"a||b\"}",
		   "/api/v1/duty-lists/%lld/items", (long long)v1),
	       422, "validation_failed");
	expect(req("POST", county,
		   "{\"section\":\"negative\",\"title\":\"不得要求村（社区）承担河道保洁任务\","
		   "\"title_en\":\"No river cleaning\",\"keywords\":\"河道保洁|河长制巡河\"}",
		   "/api/v1/duty-lists/%lld/items", (long long)v1),
	       201, NULL);
	int64_t changed = item_titled(county, v1, "防范电信网络诈骗宣传");
	expect(req("PATCH", county, "{\"community_role\":\"宣传提醒、劝阻\"}",
		   "/api/v1/duty-lists/%lld/items/%lld", (long long)v1, (long long)changed),
	       200, NULL);
	int64_t gone = item_titled(county, v1, "不得向村（社区）摊派订阅报刊");
	expect(req("DELETE", county, NULL, "/api/v1/duty-lists/%lld/items/%lld", (long long)v1,
		   (long long)gone),
	       200, NULL);
	/* Not into the past; not an empty list. */
	snprintf(body, sizeof(body), "{\"effective_from\":\"%s\"}", day(0, -1));
	expect(req("POST", county, body, "/api/v1/duty-lists/%lld/publish", (long long)v1), 422,
	       "validation_failed");
	snprintf(body, sizeof(body), "{\"effective_from\":\"%s\"}", day(0, 0));
	expect(req("POST", county, body, "/api/v1/duty-lists/%lld/publish", (long long)v1), 200,
	       NULL);
	/* Published: in force for the county's communities, never changed. */
	assert_int_equal(in_force("330681109290", day(0, 0)), v1);
	assert_int_equal(in_force("330681109290", "2025-06-01"), 1);
	assert_int_equal(in_force("110101001001", day(0, 0)), 1); /* another county */
	expect(req("POST", county, "{\"section\":\"by_law\",\"title\":\"x\"}",
		   "/api/v1/duty-lists/%lld/items", (long long)v1),
	       409, "invalid_state");
	expect(req("DELETE", county, NULL, "/api/v1/duty-lists/%lld", (long long)v1), 409,
	       "invalid_state");
	/* The next version takes effect in ten days. */
	snprintf(body, sizeof(body), "{\"kind\":\"community\",\"org_id\":%lld,\"copy_from\":%lld}",
		 (long long)county_id, (long long)v1);
	int64_t v2 = create_list(county, body, 201, NULL);
	expect(req("POST", county,
		   "{\"section\":\"assisted\",\"title\":\"协助开展老旧小区加装电梯意见征集\","
		   "\"responsible\":\"诸暨市住房和城乡建设局\"}",
		   "/api/v1/duty-lists/%lld/items", (long long)v2),
	       201, NULL);
	snprintf(body, sizeof(body), "{\"effective_from\":\"%s\",\"note\":\"增加加装电梯事项\"}",
		 day(0, 10));
	expect(req("POST", county, body, "/api/v1/duty-lists/%lld/publish", (long long)v2), 200,
	       NULL);
	assert_int_equal(in_force("330681109290", day(0, 0)), v1);
	assert_int_equal(in_force("330681109290", day(0, 10)), v2);
	/* A third version may not start before the second. */
	snprintf(body, sizeof(body), "{\"kind\":\"community\",\"org_id\":%lld,\"copy_from\":%lld}",
		 (long long)county_id, (long long)v2);
	int64_t v3 = create_list(county, body, 201, NULL);
	snprintf(body, sizeof(body), "{\"effective_from\":\"%s\"}", day(0, 5));
	expect(req("POST", county, body, "/api/v1/duty-lists/%lld/publish", (long long)v3), 422,
	       "validation_failed");
	expect(req("DELETE", county, NULL, "/api/v1/duty-lists/%lld", (long long)v3), 204, NULL);
	/* A town publishes its communities' own version; the nearest owner
	 * wins for its communities only. */
	snprintf(body, sizeof(body), "{\"kind\":\"community\",\"org_id\":%lld,\"copy_from\":%lld}",
		 (long long)town_id, (long long)v1);
	int64_t tv = create_list(town, body, 201, NULL);
	snprintf(body, sizeof(body), "{\"effective_from\":\"%s\"}", day(0, 0));
	expect(req("POST", town, body, "/api/v1/duty-lists/%lld/publish", (long long)tv), 200,
	       NULL);
	assert_int_equal(in_force("330681109290", day(0, 0)), tv);
	assert_int_equal(in_force("330681001001", day(0, 0)), v1);
	/* A town may not publish the county's lists, nor another town's. */
	snprintf(body, sizeof(body), "{\"kind\":\"community\",\"org_id\":%lld}",
		 (long long)county_id);
	create_list(town, body, 404, "not_found");
	snprintf(body, sizeof(body), "{\"kind\":\"power\",\"org_id\":%lld}", (long long)town_id);
	int64_t pw = create_list(far_town, body, 404, "not_found");
	(void)pw;
	/* The town's own power list is named after the town. */
	pw = create_list(town, body, 201, NULL);
	struct resp *r = req("GET", town, NULL, "/api/v1/duty-lists/%lld", (long long)pw);
	assert_status(r, 200);
	assert_string_equal(jstr(r->json, "body"), "枫桥镇");
	resp_free(r);
	expect(req("POST", town, "{\"section\":\"negative\",\"title\":\"x\"}",
		   "/api/v1/duty-lists/%lld/items", (long long)pw),
	       422, "validation_failed");
	/* History and differences, public. */
	r = req("GET", NULL, NULL, "/api/v1/public/duty-lists/%lld/versions", (long long)v1);
	assert_status(r, 200);
	assert_int_equal(json_array_size(jget(r->json, "items")), 2);
	assert_int_equal(jint(r->json, "items.0.id"), v2);
	assert_string_equal(jstr(r->json, "items.1.until"), day(0, 10));
	assert_true(json_is_true(jget(r->json, "items.1.in_force")));
	resp_free(r);
	r = req("GET", NULL, NULL, "/api/v1/public/duty-lists/%lld/diff?from=1", (long long)v1);
	assert_status(r, 200);
	assert_int_equal(json_array_size(jget(r->json, "added")), 1);
	assert_string_equal(jstr(r->json, "added.0.title"), "不得要求村（社区）承担河道保洁任务");
	assert_int_equal(json_array_size(jget(r->json, "removed")), 1);
	assert_string_equal(jstr(r->json, "removed.0.title"), "不得向村（社区）摊派订阅报刊、捐款捐物");
	assert_int_equal(json_array_size(jget(r->json, "changed")), 1);
	assert_string_equal(jstr(r->json, "changed.0.fields.0"), "community_role");
	resp_free(r);
	/* The public listing shows the version in force and the next one. */
	r = req("GET", NULL, NULL, "/api/v1/public/duty-lists?kind=community&org=330681");
	assert_status(r, 200);
	size_t i;
	json_t *it;
	bool seen = false;
	json_array_foreach(jget(r->json, "items"), i, it) if (jint(it, "id") == v1)
	{
		seen = true;
		assert_int_equal(jint(it, "next.id"), v2);
	}
	assert_true(seen);
	resp_free(r);
	/* Ten days on, the second version is in force by itself. */
	srv_clock(&S, 11 * 86400);
	assert_int_equal(in_force("330681001001", day(11 * 86400, 0)), v2);
	srv_clock(&S, 0);
	relogin();
}

static bool has(const char *hay, const char *needle)
{
	return hay != NULL && strstr(hay, needle) != NULL;
}

static void test_public_answers_name_nobody(void **state)
{
	(void)state;
	/* Whoever drafted and published, only the owner node and the body
	 * show: no account, no person's name. */
	const char *paths[] = {"/api/v1/public/duty-lists",
			       "/api/v1/public/duty-lists/in-force?kind=community&code=330681109290",
			       "/api/v1/public/banned-certificates"};
	for (size_t k = 0; k < 3; k++) {
		struct resp *r = req("GET", NULL, NULL, "%s", paths[k]);
		assert_status(r, 200);
		assert_false(has(r->body, "dl_county"));
		assert_false(has(r->body, "dl_town"));
		assert_false(has(r->body, "published_by"));
		assert_false(has(r->body, "created_by"));
		assert_false(has(r->body, "added_by"));
		assert_false(has(r->body, "display_name"));
		resp_free(r);
	}
	struct resp *r = req("GET", NULL, NULL, "/api/v1/public/duty-lists?org=330681109");
	assert_status(r, 200);
	size_t i;
	json_t *it;
	json_array_foreach(jget(r->json, "items"), i, it)
	{
		struct resp *v = req("GET", NULL, NULL, "/api/v1/public/duty-lists/%lld/versions",
				     (long long)jint(it, "id"));
		assert_status(v, 200);
		assert_false(has(v->body, "dl_"));
		assert_false(has(v->body, "_by"));
		resp_free(v);
	}
	resp_free(r);
}

/* ---- import and export ---- */

static struct resp *import_csv(const char *token, int64_t list, const char *csv, bool dry)
{
	char path[128], auth[600];
	snprintf(path, sizeof(path), "/api/v1/duty-lists/%lld/import%s", (long long)list,
		 dry ? "?dry_run=true" : "");
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", token);
	const char *headers[] = {auth, "Content-Type: text/csv", NULL};
	return call_raw(&S, "POST", path, headers, csv, strlen(csv));
}

static void test_import_all_or_nothing_and_export(void **state)
{
	(void)state;
	char body[256];
	snprintf(body, sizeof(body), "{\"kind\":\"power\",\"org_id\":%lld,\"body\":\"诸暨市民政局\"}",
		 (long long)county_id);
	int64_t id = create_list(county, body, 201, NULL);
	expect(req("POST", county, "{\"section\":\"service\",\"title\":\"旧事项\"}",
		   "/api/v1/duty-lists/%lld/items", (long long)id),
	       201, NULL);
	const char *bad = "section,title,legal_basis,responsible,community_role\n"
			  "行政许可,社会团体成立登记,《社会团体登记管理条例》,诸暨市民政局,不承担\n"
			  "licensing,,x,y,z\n"
			  "by_law,最低生活保障审核确认,x,y,z\n"
			  "行政许可,社会团体成立登记,x,y,z\n";
	struct resp *r = import_csv(county, id, bad, false);
	assert_status(r, 200);
	assert_false(json_is_true(jget(r->json, "committed")));
	assert_int_equal(jint(r->json, "rows"), 4);
	assert_int_equal(jint(r->json, "bad_rows"), 3);
	assert_int_equal(jint(r->json, "problems.0.row"), 3);
	assert_string_equal(jstr(r->json, "problems.0.column"), "title");
	assert_int_equal(jint(r->json, "problems.1.row"), 4);
	assert_string_equal(jstr(r->json, "problems.1.column"), "section");
	assert_int_equal(jint(r->json, "problems.2.row"), 5);
	resp_free(r);
	/* Nothing changed. */
	r = req("GET", county, NULL, "/api/v1/duty-lists/%lld", (long long)id);
	assert_int_equal(json_array_size(jget(r->json, "items")), 1);
	resp_free(r);
	expect(import_csv(county, id, "section,title,owner\nservice,x,y\n", false), 422,
	       "validation_failed");
	const char *good =
		"section,seq,title,title_en,legal_basis,responsible,cooperating,community_role\n"
		"行政许可,,社会团体成立登记,Registration of social organisations,"
		"《社会团体登记管理条例》第三条,诸暨市民政局,,不承担\n"
		"service,,最低生活保障审核确认,Approval of subsistence allowance,"
		"《社会救助暂行办法》第十一条,诸暨市民政局,乡镇人民政府,\"协助受理、入户调查\"\n"
		"inspection,,养老机构监督检查,Inspection of care homes,《养老机构管理办法》,"
		"诸暨市民政局,,发现报告\n";
	r = import_csv(county, id, good, true);
	assert_status(r, 200);
	assert_int_equal(jint(r->json, "bad_rows"), 0);
	assert_false(json_is_true(jget(r->json, "committed")));
	resp_free(r);
	r = import_csv(county, id, good, false);
	assert_status(r, 200);
	assert_true(json_is_true(jget(r->json, "committed")));
	resp_free(r);
	r = req("GET", county, NULL, "/api/v1/duty-lists/%lld", (long long)id);
	assert_int_equal(json_array_size(jget(r->json, "items")), 3);
	assert_string_equal(jstr(r->json, "items.0.section"), "licensing");
	/* Sections in their order (licensing, …, inspection, service). */
	assert_string_equal(jstr(r->json, "items.2.community_role"), "协助受理、入户调查");
	resp_free(r);
	/* Export: the same columns come back, so a file round-trips. */
	r = req("GET", county, NULL, "/api/v1/duty-lists/%lld/export?format=csv", (long long)id);
	assert_status(r, 200);
	assert_true(has(r->body, "section,seq,title,title_en"));
	assert_true(has(r->body, "养老机构监督检查"));
	resp_free(r);
	r = req("GET", comm, NULL, "/api/v1/duty-lists/%lld/export?format=csv", (long long)id);
	assert_status(r, 404); /* a draft, outside the worker's duty.publish */
	resp_free(r);
	r = req("GET", comm, NULL, "/api/v1/duty-lists/1/export?format=xlsx");
	assert_status(r, 200);
	assert_true(r->len > 1000 && memcmp(r->body, "PK", 2) == 0);
	resp_free(r);
	snprintf(body, sizeof(body), "{\"effective_from\":\"%s\"}", day(0, 0));
	expect(req("POST", county, body, "/api/v1/duty-lists/%lld/publish", (long long)id), 200,
	       NULL);
	r = req("GET", NULL, NULL,
		"/api/v1/public/duty-lists/in-force?kind=power&code=330681&body=%%E8%%AF%%B8%%E6%%9A%%A8"
		"%%E5%%B8%%82%%E6%%B0%%91%%E6%%94%%BF%%E5%%B1%%80"); /* 诸暨市民政局 */
	assert_status(r, 200);
	assert_int_equal(jint(r->json, "id"), id);
	resp_free(r);
	expect(import_csv(county, id, good, false), 409, "invalid_state");
}

/* ---- the certificate desk ---- */

static struct resp *ask(const char *token, int64_t who, const char *title, int64_t tpl)
{
	char body[512];
	if (tpl)
		snprintf(body, sizeof(body),
			 "{\"resident_id\":%lld,\"template_id\":%lld,\"purpose\":\"子女入学\","
			 "\"content\":\"自2019年起在本村实际居住。\"}",
			 (long long)who, (long long)tpl);
	else
		snprintf(body, sizeof(body),
			 "{\"resident_id\":%lld,\"title\":\"%s\",\"purpose\":\"办理业务\"}",
			 (long long)who, title);
	return req("POST", token, body, "/api/v1/certificates");
}

static void test_banned_certificates_are_refused_and_recorded(void **state)
{
	(void)state;
	struct resp *r = ask(comm, resident, "亲属关系证明", 0);
	assert_status(r, 422);
	assert_string_equal(err_code(r), "certificate_banned");
	assert_string_equal(err_field(r), "title");
	assert_true(has(jstr(r->json, "error.message"), "亲属关系证明"));
	assert_true(has(jstr(r->json, "error.message"), "公安派出所"));
	assert_true(has(jstr(r->json, "error.message"), "民政部"));
	resp_free(r);
	/* A name the resident words differently still matches its keywords. */
	r = ask(comm, resident, "本人婚姻状况证明（未婚）", 0);
	assert_status(r, 422);
	assert_true(has(jstr(r->json, "error.message"), "婚姻登记"));
	resp_free(r);
	/* Refusals are in the register (the burden ledger counts them) and in
	 * the audit log under their own result. */
	r = req("GET", comm, NULL, "/api/v1/certificates?status=refused");
	assert_status(r, 200);
	assert_int_equal(jint(r->json, "total"), 2);
	assert_string_equal(jstr(r->json, "items.1.title"), "亲属关系证明");
	assert_string_equal(jstr(r->json, "items.1.refused_by_name"), "亲属关系证明");
	assert_true(json_is_null(jget(r->json, "items.1.register_no")));
	resp_free(r);
	r = req("GET", auditor, NULL, "/api/v1/audit?result=certificate_banned");
	assert_status(r, 200);
	assert_int_equal(jint(r->json, "total"), 2);
	resp_free(r);
	/* Without a template nothing else is issued either. */
	expect(ask(comm, resident, "情况说明", 0), 422, "validation_failed");
	/* The town extends the list for its communities only. */
	char body[600];
	snprintf(body, sizeof(body),
		 "{\"org_id\":%lld,\"name\":\"养犬登记证明\",\"name_en\":\"Proof of dog registration\","
		 "\"keywords\":\"养犬|犬只\",\"go_to\":\"诸暨市综合行政执法局养犬登记窗口\","
		 "\"go_to_en\":\"The dog registration window of the enforcement bureau\","
		 "\"basis\":\"枫桥镇证明事项清单（2025年）\"}",
		 (long long)town_id);
	r = req("POST", town, body, "/api/v1/banned-certificates");
	assert_status(r, 201);
	int64_t local = jint(r->json, "id");
	assert_string_equal(jstr(r->json, "scope_code"), "330681109");
	resp_free(r);
	expect(req("POST", far_town, body, "/api/v1/banned-certificates"), 404, "not_found");
	r = ask(comm, resident, "犬只饲养证明", 0);
	assert_status(r, 422);
	assert_string_equal(err_code(r), "certificate_banned");
	assert_true(has(jstr(r->json, "error.message"), "养犬登记窗口"));
	resp_free(r);
	r = req("GET", NULL, NULL,
		"/api/v1/public/banned-certificates/check?code=330681001001&name=%%E5%%85%%BB%%E7%%8A"
		"%%AC"); /* 养犬 elsewhere */
	assert_false(json_is_true(jget(r->json, "banned")));
	resp_free(r);
	/* National entries are not removed locally; the town's own are. */
	expect(req("DELETE", town, NULL, "/api/v1/banned-certificates/1"), 409, "invalid_state");
	expect(req("DELETE", far_town, NULL, "/api/v1/banned-certificates/%lld", (long long)local),
	       404, "not_found");
	expect(req("DELETE", town, NULL, "/api/v1/banned-certificates/%lld", (long long)local),
	       204, NULL);
	expect(ask(comm, resident, "犬只饲养证明", 0), 422, "validation_failed");
	/* The refusal recorded under the withdrawn entry still names it. */
	r = req("GET", comm, NULL, "/api/v1/certificates?status=refused&limit=1");
	assert_string_equal(jstr(r->json, "items.0.refused_by_name"), "养犬登记证明");
	resp_free(r);
}

struct issuer {
	int64_t tpl;
	int n;
	long statuses[8];
	char numbers[8][40];
};

static void *issue_some(void *arg)
{
	struct issuer *w = arg;
	for (int i = 0; i < w->n; i++) {
		struct resp *r = ask(comm, resident, NULL, w->tpl);
		w->statuses[i] = r->status;
		snprintf(w->numbers[i], sizeof(w->numbers[i]), "%s",
			 r->json ? jstr(r->json, "register_no") : "");
		resp_free(r);
	}
	return NULL;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp((const char *)a, (const char *)b);
}

static void test_issued_from_template_with_register_numbers(void **state)
{
	(void)state;
	struct resp *r = req("GET", comm, NULL, "/api/v1/certificate-templates");
	int64_t tpl = jint(r->json, "items.0.id");
	assert_string_equal(jstr(r->json, "items.0.name"), "居住情况说明");
	resp_free(r);
	char year[5];
	snprintf(year, sizeof(year), "%.4s", day(0, 0));
	r = ask(comm, resident, NULL, tpl);
	assert_status(r, 201);
	char want[40];
	snprintf(want, sizeof(want), "330681109290-%s-0001", year);
	assert_string_equal(jstr(r->json, "register_no"), want);
	assert_string_equal(jstr(r->json, "status"), "issued");
	assert_true(has(jstr(r->json, "body"), "王丽萍"));
	assert_true(has(jstr(r->json, "body"), "枫源村"));
	assert_true(has(jstr(r->json, "body"), "自2019年起在本村实际居住"));
	assert_true(has(jstr(r->json, "body"), want));
	int64_t first = jint(r->json, "id");
	resp_free(r);
	/* A content is required; a resident outside the desk's scope is not
	 * found. */
	char body[256];
	snprintf(body, sizeof(body), "{\"resident_id\":%lld,\"template_id\":%lld,\"purpose\":\"x\"}",
		 (long long)resident, (long long)tpl);
	expect(req("POST", comm, body, "/api/v1/certificates"), 422, "validation_failed");
	expect(ask(far_comm, resident, NULL, tpl), 404, "not_found");
	/* Reading a certificate is a read of personal data: audited. */
	r = req("GET", comm, NULL, "/api/v1/certificates/%lld", (long long)first);
	assert_status(r, 200);
	resp_free(r);
	expect(req("GET", far_comm, NULL, "/api/v1/certificates/%lld", (long long)first), 404,
	       "not_found");
	/* Four desks issue at once: numbers 2 to 13, none twice, none
	 * missing. */
	struct issuer w[4];
	pthread_t t[4];
	for (int i = 0; i < 4; i++) {
		w[i] = (struct issuer){.tpl = tpl, .n = 3};
		pthread_create(&t[i], NULL, issue_some, &w[i]);
	}
	char numbers[12][40];
	int k = 0;
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		for (int j = 0; j < w[i].n; j++) {
			assert_int_equal(w[i].statuses[j], 201);
			snprintf(numbers[k++], 40, "%s", w[i].numbers[j]);
		}
	}
	qsort(numbers, 12, 40, cmp_str);
	for (int i = 0; i < 12; i++) {
		snprintf(want, sizeof(want), "330681109290-%s-%04d", year, i + 2);
		assert_string_equal(numbers[i], want);
	}
	r = req("GET", comm, NULL, "/api/v1/certificates?status=issued&limit=1");
	assert_int_equal(jint(r->json, "total"), 13);
	resp_free(r);
	usleep(300 * 1000); /* reads are written in batches */
	r = req("GET", auditor, NULL, "/api/v1/audit?action=certificate.read");
	assert_status(r, 200);
	assert_true(jint(r->json, "total") >= 1);
	resp_free(r);
}

int main(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_public_reads_without_login),
		cmocka_unit_test(test_versions_and_effective_dates),
		cmocka_unit_test(test_public_answers_name_nobody),
		cmocka_unit_test(test_import_all_or_nothing_and_export),
		cmocka_unit_test(test_banned_certificates_are_refused_and_recorded),
		cmocka_unit_test(test_issued_from_template_with_register_numbers),
	};
	int rc = cmocka_run_group_tests_name("api_duty_lists", tests, setup, teardown);
	curl_global_cleanup();
	return rc;
}
