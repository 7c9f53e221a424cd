/*
 * Refined services over HTTP: the public catalogue and its editing,
 * eligibility on registry facts at the edges (the 80th birthday today and
 * tomorrow, residence type, tags, disability grade), an application from a
 * resident's own account to its evaluation with materials and deadlines,
 * one-window applications by staff, who sees an application (others get
 * 404), providers, slots and bookings, and the last place of a slot asked
 * for by many at once.
 */
#include "api/harness.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static struct server S;
static char *county, *comm, *grid, *res, *res2, *far_town, *org;
static int64_t grid_id, household, elder, young, floater, disabled_id, meals_item, allowance_item;
static char grid_code[16];

static const char *pathf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static const char *pathf(const char *fmt, ...)
{
	static char buf[4][256];
	static int n;
	char *p = buf[n++ % 4];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(p, 256, fmt, ap);
	va_end(ap);
	return p;
}

/* The civil date (UTC+8) years back from today, shifted by days. */
static void birth_date(char out[16], int years, int days)
{
	time_t now = time(NULL) + 8 * 3600 + (time_t)days * 86400;
	struct tm tm;
	gmtime_r(&now, &tm);
	if (tm.tm_mon == 1 && tm.tm_mday == 29)
		tm.tm_mday = 28; /* keep the date valid in the year of birth */
	snprintf(out, 16, "%04d-%02d-%02d", (tm.tm_year + 1900 - years) % 10000,
		 (tm.tm_mon + 1) % 100, tm.tm_mday % 100);
}

static const char *birth_date_today(void)
{
	static char b[16];
	birth_date(b, 0, 0);
	return b;
}

static unsigned seq = 1;

static int64_t add_resident(const char *name, const char *birth, const char *residence)
{
	char id[19];
	citizen_id(id, "330681", birth, seq++, true);
	struct resp *r = call(&S, "POST", "/api/v1/residents", comm,
			      "{\"household_id\":%lld,\"name\":\"%s\",\"gender\":\"male\","
			      "\"birth_date\":\"%s\",\"id_type\":\"citizen\",\"id_number\":\"%s\","
			      "\"residence_type\":\"%s\",\"relation\":\"other\"}",
			      (long long)household, name, birth, id, residence);
	assert_status(r, 201);
	int64_t rid = jint(r->json, "id");
	resp_free(r);
	return rid;
}

static int64_t item_id(const char *code)
{
	struct resp *r = call(&S, "GET", "/api/v1/service-items", NULL, NULL);
	assert_status(r, 200);
	int64_t id = 0;
	size_t i;
	json_t *it;
	json_array_foreach(jget(r->json, "items"), i, it) if (strcmp(json_string_value(json_object_get(it, "code")), code) == 0) id = json_integer_value(json_object_get(it, "id"));
	resp_free(r);
	assert_true(id > 0);
	return id;
}

static int setup(void **state)
{
	(void)state;
	srv_init(&S, true);
	srv_start(&S, NULL);
	mkuser(&S, "sv_county", "county_officer", ZHUJI);
	mkuser(&S, "sv_comm", "community_worker", "330681109290");
	mkuser(&S, "sv_far", "town_officer", "330681001");
	mkuser(&S, "sv_org", "org_staff", "330681109");
	county = login(&S, "sv_county", TEST_PASSWORD);
	comm = login(&S, "sv_comm", TEST_PASSWORD);
	far_town = login(&S, "sv_far", TEST_PASSWORD);
	org = login(&S, "sv_org", TEST_PASSWORD);
	int64_t village = org_id(&S, comm, "330681109290");
	struct resp *r = call(&S, "POST", "/api/v1/orgs", comm,
			      "{\"parent_id\":%lld,\"name\":\"枫源服务网格\",\"level\":\"grid\"}",
			      (long long)village);
	assert_status(r, 201);
	grid_id = jint(r->json, "id");
	snprintf(grid_code, sizeof(grid_code), "%s", jstr(r->json, "code"));
	resp_free(r);
	mkuser(&S, "sv_grid", "grid_worker", grid_code);
	mkuser(&S, "sv_res", "resident", grid_code);
	mkuser(&S, "sv_res2", "resident", grid_code);
	grid = login(&S, "sv_grid", TEST_PASSWORD);
	res = login(&S, "sv_res", TEST_PASSWORD);
	res2 = login(&S, "sv_res2", TEST_PASSWORD);
	r = call(&S, "POST", "/api/v1/addresses", comm,
		 "{\"grid_id\":%lld,\"street\":\"枫源路\",\"number\":\"18号\"}", (long long)grid_id);
	assert_status(r, 201);
	int64_t address = jint(r->json, "id");
	resp_free(r);
	r = call(&S, "POST", "/api/v1/households", comm, "{\"address_id\":%lld}", (long long)address);
	assert_status(r, 201);
	household = jint(r->json, "id");
	resp_free(r);
	char b[16];
	birth_date(b, 80, 0);
	elder = add_resident("周阿婆", b, "registered"); /* 80 today */
	birth_date(b, 30, 0);
	young = add_resident("周小军", b, "registered");
	birth_date(b, 85, 0);
	floater = add_resident("钱老伯", b, "floating");
	birth_date(b, 50, 0);
	disabled_id = add_resident("孙建国", b, "registered");
	r = call(&S, "PUT", pathf("/api/v1/residents/%lld/tags/disabled", (long long)disabled_id),
		 comm, "{\"attrs\":{\"type\":\"physical\",\"grade\":3}}");
	assert_status(r, 200);
	resp_free(r);
	/* The resident's own account is linked to 周阿婆's record. */
	r = call(&S, "PUT", pathf("/api/v1/residents/%lld/account", (long long)elder), comm,
		 "{\"username\":\"sv_res\"}");
	assert_status(r, 200);
	resp_free(r);
	meals_item = item_id("elderly.meals");
	allowance_item = item_id("elderly.allowance80");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char *toks[] = {county, comm, grid, res, res2, far_town, org};
	for (size_t i = 0; i < sizeof(toks) / sizeof(toks[0]); i++)
		free(toks[i]);
	srv_cleanup(&S);
	return 0;
}

static void test_catalogue_is_published_and_edited(void **state)
{
	(void)state;
	/* Anyone reads the catalogue, without signing in. */
	struct resp *r = call(&S, "GET", "/api/v1/service-items", NULL, NULL);
	assert_status(r, 200);
	json_t *items = jget(r->json, "items");
	assert_true(json_array_size(items) >= 25);
	const char *scenarios[] = {"employment", "elderly",  "disability",
				   "medical",    "logistics", "security",
				   "mediation",  "psychological", "government"};
	for (size_t s = 0; s < 9; s++) {
		bool seen = false;
		size_t i;
		json_t *it;
		json_array_foreach(items, i, it) seen =
			seen || strcmp(json_string_value(json_object_get(it, "scenario")),
				       scenarios[s]) == 0;
		assert_true(seen);
	}
	resp_free(r);
	r = call(&S, "GET", pathf("/api/v1/service-items/%lld", (long long)allowance_item), NULL,
		 NULL);
	assert_status(r, 200);
	assert_int_equal(jint(r->json, "eligibility.min_age"), 80);
	assert_non_null(strstr(jstr(r->json, "legal_basis"), "老年人权益保障"));
	assert_string_equal(jstr(r->json, "level"), "town");
	resp_free(r);

	/* Only catalogue editors change it; rules are checked. */
	const char *body = "{\"code\":\"elderly.haircut\",\"scenario\":\"elderly\",\"name\":"
			   "\"上门理发\",\"name_en\":\"Haircuts at home\",\"level\":\"community\","
			   "\"limit_days\":3,\"bookable\":true,\"eligibility\":{\"min_age\":70}}";
	r = call(&S, "POST", "/api/v1/service-items", comm, "%s", body);
	assert_status(r, 403);
	resp_free(r);
	r = call(&S, "POST", "/api/v1/service-items", county,
		 "{\"code\":\"x.bad\",\"scenario\":\"elderly\",\"name\":\"x\",\"name_en\":\"x\","
		 "\"level\":\"community\",\"limit_days\":3,\"eligibility\":{\"tags_all\":"
		 "[\"no_such_tag\"]}}");
	assert_status(r, 422);
	assert_string_equal(err_field(r), "eligibility");
	resp_free(r);
	r = call(&S, "POST", "/api/v1/service-items", county,
		 "{\"code\":\"x.bad\",\"scenario\":\"elderly\",\"name\":\"x\",\"name_en\":\"x\","
		 "\"level\":\"community\",\"limit_days\":3,\"eligibility\":{\"min_age\":90,"
		 "\"max_age\":60}}");
	assert_status(r, 422);
	resp_free(r);
	r = call(&S, "POST", "/api/v1/service-items", county, "%s", body);
	assert_status(r, 201);
	int64_t id = jint(r->json, "id");
	resp_free(r);
	r = call(&S, "POST", "/api/v1/service-items", county, "%s", body);
	assert_status(r, 409); /* the code is taken */
	resp_free(r);
	r = call(&S, "PATCH", pathf("/api/v1/service-items/%lld", (long long)id), county,
		 "{\"retired\":true}");
	assert_status(r, 200);
	resp_free(r);
	r = call(&S, "GET", "/api/v1/service-items?scenario=elderly", NULL, NULL);
	assert_null(strstr(r->body, "elderly.haircut")); /* retired: off the public list */
	resp_free(r);
	r = call(&S, "GET", "/api/v1/service-items?all=true", county, NULL);
	assert_non_null(strstr(r->body, "elderly.haircut"));
	resp_free(r);
}

static void expect_eligible(int64_t item, int64_t resident, bool yes)
{
	struct resp *r =
		call(&S, "GET",
		     pathf("/api/v1/service-items/%lld/eligibility?resident_id=%lld",
			   (long long)item, (long long)resident),
		     comm, NULL);
	assert_status(r, 200);
	if (json_is_true(jget(r->json, "eligible")) != yes) {
		print_error("item %lld resident %lld: %s\n", (long long)item, (long long)resident,
			    r->body);
		fail();
	}
	resp_free(r);
}

static void test_eligibility_edges(void **state)
{
	(void)state;
	char b[16];
	birth_date(b, 80, 1); /* 80 tomorrow */
	int64_t almost = add_resident("吴老伯", b, "registered");
	expect_eligible(allowance_item, elder, true);
	expect_eligible(allowance_item, almost, false);
	expect_eligible(allowance_item, floater, false); /* 85 but not registered here */
	expect_eligible(allowance_item, young, false);
	int64_t permit = item_id("security.residence_permit");
	expect_eligible(permit, floater, true);
	expect_eligible(permit, young, false);
	/* Tags and the disability grade: grade 3 gets rehabilitation, not the
	 * nursing subsidy of grades 1-2. */
	expect_eligible(item_id("disability.rehab"), disabled_id, true);
	expect_eligible(item_id("disability.rehab"), young, false);
	expect_eligible(item_id("disability.nursing_subsidy"), disabled_id, false);
	struct resp *r =
		call(&S, "PUT", pathf("/api/v1/residents/%lld/tags/disabled", (long long)disabled_id),
		     comm, "{\"attrs\":{\"type\":\"physical\",\"grade\":2}}");
	assert_status(r, 200);
	resp_free(r);
	expect_eligible(item_id("disability.nursing_subsidy"), disabled_id, true);
	/* tags_any: one of subsistence or extreme hardship as well. */
	expect_eligible(item_id("disability.living_subsidy"), disabled_id, false);
	r = call(&S, "PUT", pathf("/api/v1/residents/%lld/tags/subsistence", (long long)disabled_id),
		 comm, "{}");
	assert_status(r, 200);
	resp_free(r);
	expect_eligible(item_id("disability.living_subsidy"), disabled_id, true);
	/* A resident checks themself; another's record is not theirs to see. */
	r = call(&S, "GET",
		 pathf("/api/v1/service-items/%lld/eligibility", (long long)allowance_item), res,
		 NULL);
	assert_status(r, 200);
	assert_true(json_is_true(jget(r->json, "eligible")));
	resp_free(r);
	r = call(&S, "GET",
		 pathf("/api/v1/service-items/%lld/eligibility?resident_id=%lld",
		       (long long)allowance_item, (long long)young),
		 res, NULL);
	assert_status(r, 404);
	resp_free(r);
	r = call(&S, "GET",
		 pathf("/api/v1/service-items/%lld/eligibility", (long long)allowance_item), res2,
		 NULL);
	assert_status(r, 422); /* not linked to a record */
	assert_string_equal(err_field(r), "resident_id");
	resp_free(r);
}

static int64_t apply(const char *token, int64_t item, int64_t resident, long status)
{
	struct resp *r;
	if (resident)
		r = call(&S, "POST", "/api/v1/applications", token,
			 "{\"item_id\":%lld,\"resident_id\":%lld,\"details\":\"请尽快办理\"}",
			 (long long)item, (long long)resident);
	else
		r = call(&S, "POST", "/api/v1/applications", token,
			 "{\"item_id\":%lld,\"details\":\"本人申请\"}", (long long)item);
	assert_status(r, status);
	int64_t id = status == 201 ? jint(r->json, "id") : 0;
	resp_free(r);
	return id;
}

static struct resp *act(const char *token, int64_t id, const char *action, const char *body,
			long status)
{
	struct resp *r = call(&S, "POST", pathf("/api/v1/applications/%lld/%s", (long long)id, action),
			      token, "%s", body ? body : "{}");
	assert_status(r, status);
	return r;
}

static void test_application_from_resident_to_evaluation(void **state)
{
	(void)state;
	/* A resident applies for themself; eligibility comes from the registry. */
	int64_t id = apply(res, allowance_item, 0, 201);
	struct resp *r = call(&S, "GET", pathf("/api/v1/applications/%lld", (long long)id), res, NULL);
	assert_status(r, 200);
	assert_string_equal(jstr(r->json, "state"), "submitted");
	assert_string_equal(jstr(r->json, "channel"), "online");
	assert_string_equal(jstr(r->json, "resident.name"), "周阿婆");
	assert_true(json_is_true(jget(r->json, "eligibility.eligible")));
	assert_non_null(jstr(r->json, "due_at")); /* two working days to accept */
	assert_string_equal(jstr(r->json, "stage"), "accept");
	resp_free(r);
	/* A material: a PDF is kept, anything else refused. */
	static const char pdf[] = "%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n";
	const char *hdr[] = {"Content-Type: application/pdf", NULL};
	char auth[128];
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", res);
	const char *hdrs[] = {hdr[0], auth, NULL};
	r = call_raw(&S, "POST",
		     pathf("/api/v1/applications/%lld/materials?name=%s", (long long)id, "bank"),
		     hdrs, pdf, sizeof(pdf) - 1);
	assert_status(r, 201);
	const char *url = jstr(r->json, "url");
	char material[128];
	snprintf(material, sizeof(material), "%s", url);
	resp_free(r);
	r = call_raw(&S, "POST", pathf("/api/v1/applications/%lld/materials?name=x", (long long)id),
		     hdrs, "hello", 5);
	assert_status(r, 415);
	resp_free(r);
	r = call(&S, "GET", material, comm, NULL);
	assert_status(r, 200);
	assert_int_equal(r->len, sizeof(pdf) - 1);
	resp_free(r);

	/* Nobody else sees it: another resident, a town officer elsewhere. */
	r = call(&S, "GET", pathf("/api/v1/applications/%lld", (long long)id), res2, NULL);
	assert_status(r, 404);
	resp_free(r);
	r = call(&S, "GET", pathf("/api/v1/applications/%lld", (long long)id), far_town, NULL);
	assert_status(r, 404);
	resp_free(r);
	r = call(&S, "GET", material, far_town, NULL);
	assert_status(r, 404);
	resp_free(r);
	r = call(&S, "GET", "/api/v1/applications", far_town, NULL);
	assert_int_equal(jint(r->json, "total"), 0);
	resp_free(r);

	/* The resident cannot accept; the community does, then concludes. */
	resp_free(act(res, id, "accept", NULL, 403));
	resp_free(act(comm, id, "evaluate", "{\"rating\":5}", 403));
	resp_free(act(comm, id, "conclude", "{\"outcome\":\"granted\",\"reason\":\"x\"}", 409));
	resp_free(act(comm, id, "accept", NULL, 200));
	r = call(&S, "GET", pathf("/api/v1/applications/%lld", (long long)id), comm, NULL);
	assert_string_equal(jstr(r->json, "stage"), "handle");
	resp_free(r);
	resp_free(act(comm, id, "conclude", "{\"outcome\":\"granted\"}", 422));
	resp_free(act(res, id, "evaluate", "{\"rating\":5}", 409)); /* not done yet */
	r = act(comm, id, "conclude",
		"{\"outcome\":\"granted\",\"reason\":\"审核通过，自下月起每月发放高龄津贴\"}", 200);
	assert_string_equal(jstr(r->json, "state"), "done");
	assert_string_equal(jstr(r->json, "outcome"), "granted");
	assert_true(json_is_null(jget(r->json, "due_at")));
	resp_free(r);
	/* The applicant heard of it. */
	r = call(&S, "GET", "/api/v1/inbox", res, NULL);
	assert_non_null(strstr(r->body, "application_conclude"));
	resp_free(r);
	resp_free(act(res, id, "evaluate", "{\"rating\":6}", 422));
	r = act(res, id, "evaluate", "{\"rating\":5,\"comment\":\"办得很快\"}", 200);
	assert_string_equal(jstr(r->json, "state"), "evaluated");
	assert_int_equal(jint(r->json, "rating"), 5);
	assert_true(json_array_size(jget(r->json, "timeline")) >= 4);
	resp_free(r);
	resp_free(act(res, id, "evaluate", "{\"rating\":4}", 409));
	/* The applicant does not see which staff acted; the community does. */
	r = call(&S, "GET", pathf("/api/v1/applications/%lld", (long long)id), res, NULL);
	assert_null(jget(r->json, "timeline.1.actor_name"));
	assert_null(jget(r->json, "timeline.1.actor_display"));
	assert_null(strstr(r->body, "sv_comm"));
	resp_free(r);
	r = call(&S, "GET", pathf("/api/v1/applications/%lld", (long long)id), comm, NULL);
	assert_string_equal(jstr(r->json, "timeline.1.actor_name"), "sv_comm");
	resp_free(r);

	/* My applications. */
	r = call(&S, "GET", "/api/v1/applications", res, NULL);
	assert_int_equal(jint(r->json, "total"), 1);
	resp_free(r);
}

static void test_window_applications_and_refusals(void **state)
{
	(void)state;
	/* Not eligible: refused at submission, naming the rules. */
	struct resp *r = call(&S, "POST", "/api/v1/applications", grid,
			      "{\"item_id\":%lld,\"resident_id\":%lld}",
			      (long long)allowance_item, (long long)young);
	assert_status(r, 422);
	assert_string_equal(err_field(r), "eligibility");
	assert_non_null(strstr(r->body, "min_age"));
	resp_free(r);
	/* The grid worker applies at the window for a resident of the grid. */
	int64_t id = apply(grid, meals_item, floater, 201);
	r = call(&S, "GET", pathf("/api/v1/applications/%lld", (long long)id), grid, NULL);
	assert_string_equal(jstr(r->json, "channel"), "window");
	resp_free(r);
	/* Outside the scope: a resident the town officer cannot see. */
	apply(far_town, meals_item, floater, 404);
	/* An unlinked resident account is told to name the resident. */
	r = call(&S, "POST", "/api/v1/applications", res2, "{\"item_id\":%lld}", (long long)meals_item);
	assert_status(r, 422);
	assert_string_equal(err_field(r), "resident_id");
	resp_free(r);
	/* Psychological assistance is asked for in confidence, not here. */
	r = call(&S, "POST", "/api/v1/applications", res, "{\"item_id\":%lld}",
		 (long long)item_id("psychological.help"));
	assert_status(r, 422);
	assert_string_equal(err_field(r), "item_id");
	assert_non_null(strstr(r->body, "counselling"));
	resp_free(r);
	/* An item applied for in person only. */
	apply(res, item_id("disability.certificate"), 0, 422);
	/* Reject needs a reason; a rejected application is closed. */
	resp_free(act(comm, id, "reject", "{}", 422));
	r = act(comm, id, "reject", "{\"reason\":\"已在其他社区享受助餐服务\"}", 200);
	assert_string_equal(jstr(r->json, "state"), "rejected");
	resp_free(r);
	resp_free(act(comm, id, "accept", NULL, 409));
	/* The applicant withdraws an open application. */
	int64_t w = apply(res, meals_item, 0, 201);
	resp_free(act(res2, w, "withdraw", NULL, 404));
	r = act(res, w, "withdraw", NULL, 200);
	assert_string_equal(jstr(r->json, "state"), "withdrawn");
	resp_free(r);
}

static int64_t provider, slot;

static void test_providers_and_slots(void **state)
{
	(void)state;
	/* Only bookable items; areas within scope. */
	struct resp *r = call(&S, "POST", "/api/v1/providers", comm,
			      "{\"name\":\"枫源老年食堂\",\"kind\":\"social_org\",\"org_id\":%lld,"
			      "\"items\":[%lld],\"areas\":[\"330681109290\"]}",
			      (long long)org_id(&S, comm, "330681109290"), (long long)allowance_item);
	assert_status(r, 422);
	assert_string_equal(err_field(r), "items");
	resp_free(r);
	r = call(&S, "POST", "/api/v1/providers", comm,
		 "{\"name\":\"枫源老年食堂\",\"kind\":\"social_org\",\"org_id\":%lld,"
		 "\"items\":[%lld],\"areas\":[\"330681001\"]}",
		 (long long)org_id(&S, comm, "330681109290"), (long long)meals_item);
	assert_status(r, 422);
	assert_string_equal(err_field(r), "areas");
	resp_free(r);
	r = call(&S, "POST", "/api/v1/providers", comm,
		 "{\"name\":\"枫源老年食堂\",\"kind\":\"social_org\",\"org_id\":%lld,"
		 "\"phone\":\"0575-87012345\",\"items\":[%lld],\"areas\":[\"330681109290\"]}",
		 (long long)org_id(&S, comm, "330681109290"), (long long)meals_item);
	assert_status(r, 201);
	provider = jint(r->json, "id");
	assert_string_equal(jstr(r->json, "areas.0.code"), "330681109290");
	resp_free(r);
	/* The town's social organisation staff manage it too; another town's
	 * officer does not see it. */
	r = call(&S, "GET", pathf("/api/v1/providers/%lld", (long long)provider), org, NULL);
	assert_status(r, 200);
	resp_free(r);
	r = call(&S, "GET", pathf("/api/v1/providers/%lld", (long long)provider), far_town, NULL);
	assert_status(r, 404);
	resp_free(r);
	/* Slots: in the future, of an item delivered, ending after starting. */
	time_t t = time(NULL) + 2 * 86400;
	char from[32], to[32], past[32];
	strftime(from, sizeof(from), "%Y-%m-%dT%H:00:00Z", gmtime(&t));
	t += 3600;
	strftime(to, sizeof(to), "%Y-%m-%dT%H:00:00Z", gmtime(&t));
	t -= 4 * 86400;
	strftime(past, sizeof(past), "%Y-%m-%dT%H:00:00Z", gmtime(&t));
	r = call(&S, "POST", pathf("/api/v1/providers/%lld/slots", (long long)provider), org,
		 "{\"item_id\":%lld,\"starts_at\":\"%s\",\"ends_at\":\"%s\",\"capacity\":3}",
		 (long long)meals_item, past, to);
	assert_status(r, 422);
	resp_free(r);
	r = call(&S, "POST", pathf("/api/v1/providers/%lld/slots", (long long)provider), org,
		 "{\"item_id\":%lld,\"starts_at\":\"%s\",\"ends_at\":\"%s\",\"capacity\":3}",
		 (long long)allowance_item, from, to);
	assert_status(r, 422);
	assert_string_equal(err_field(r), "item_id");
	resp_free(r);
	r = call(&S, "POST", pathf("/api/v1/providers/%lld/slots", (long long)provider), org,
		 "{\"item_id\":%lld,\"starts_at\":\"%s\",\"ends_at\":\"%s\",\"capacity\":3,"
		 "\"place\":\"枫源村老年食堂\"}",
		 (long long)meals_item, from, to);
	assert_status(r, 201);
	slot = jint(r->json, "id");
	assert_int_equal(jint(r->json, "free"), 3);
	resp_free(r);
	/* The resident finds it for their area. */
	r = call(&S, "GET", pathf("/api/v1/slots?item_id=%lld", (long long)meals_item), res, NULL);
	assert_status(r, 200);
	assert_int_equal(json_array_size(jget(r->json, "items")), 1);
	resp_free(r);
}

struct booker {
	int64_t resident;
	long status;
};

static void *book_one(void *arg)
{
	struct booker *b = arg;
	struct resp *r = call(&S, "POST", "/api/v1/bookings", comm,
			      "{\"slot_id\":%lld,\"resident_id\":%lld}", (long long)slot,
			      (long long)b->resident);
	b->status = r->status;
	resp_free(r);
	return NULL;
}

static void test_bookings_never_overbook(void **state)
{
	(void)state;
	/* The resident books one place; twice is refused; young is not
	 * eligible (meals are for 60 and over). */
	struct resp *r = call(&S, "POST", "/api/v1/bookings", res, "{\"slot_id\":%lld}", (long long)slot);
	assert_status(r, 201);
	int64_t mine = jint(r->json, "id");
	resp_free(r);
	r = call(&S, "POST", "/api/v1/bookings", res, "{\"slot_id\":%lld}", (long long)slot);
	assert_status(r, 409);
	resp_free(r);
	r = call(&S, "POST", "/api/v1/bookings", comm, "{\"slot_id\":%lld,\"resident_id\":%lld}",
		 (long long)slot, (long long)young);
	assert_status(r, 422);
	resp_free(r);
	/* Twelve older residents ask for the two places left at once. */
	enum { N = 12 };
	struct booker b[N];
	pthread_t th[N];
	for (int i = 0; i < N; i++) {
		char name[32], birth[16];
		snprintf(name, sizeof(name), "并发老人%d", i);
		birth_date(birth, 70 + i, 0);
		b[i] = (struct booker){add_resident(name, birth, "registered"), 0};
	}
	for (int i = 0; i < N; i++)
		pthread_create(&th[i], NULL, book_one, &b[i]);
	int ok = 0, full = 0;
	for (int i = 0; i < N; i++) {
		pthread_join(th[i], NULL);
		ok += b[i].status == 201;
		full += b[i].status == 409;
	}
	assert_int_equal(ok, 2);
	assert_int_equal(full, N - 2);
	r = call(&S, "GET", pathf("/api/v1/providers/%lld/slots", (long long)provider), org, NULL);
	assert_int_equal(jint(r->json, "items.0.booked"), 3);
	assert_int_equal(jint(r->json, "items.0.free"), 0);
	resp_free(r);
	r = call(&S, "GET", pathf("/api/v1/slots/%lld/bookings", (long long)slot), org, NULL);
	assert_status(r, 200);
	int live = 0;
	size_t i;
	json_t *x;
	json_array_foreach(jget(r->json, "items"), i, x) live +=
		strcmp(json_string_value(json_object_get(x, "status")), "booked") == 0;
	assert_int_equal(live, 3);
	resp_free(r);
	/* Cancelling frees the place; another resident cannot cancel it. */
	r = call(&S, "POST", pathf("/api/v1/bookings/%lld/cancel", (long long)mine), res2, NULL);
	assert_status(r, 404);
	resp_free(r);
	r = call(&S, "POST", pathf("/api/v1/bookings/%lld/cancel", (long long)mine), res, NULL);
	assert_status(r, 200);
	assert_string_equal(jstr(r->json, "status"), "cancelled");
	resp_free(r);
	r = call(&S, "POST", pathf("/api/v1/bookings/%lld/cancel", (long long)mine), res, NULL);
	assert_status(r, 409);
	resp_free(r);
	r = call(&S, "GET", pathf("/api/v1/providers/%lld/slots", (long long)provider), org, NULL);
	assert_int_equal(jint(r->json, "items.0.free"), 1);
	resp_free(r);
	/* My bookings. */
	r = call(&S, "GET", "/api/v1/bookings", res, NULL);
	assert_int_equal(json_array_size(jget(r->json, "items")), 1);
	assert_string_equal(jstr(r->json, "items.0.provider.name"), "枫源老年食堂");
	resp_free(r);
	/* Cancelling the slot cancels its bookings. */
	r = call(&S, "POST", pathf("/api/v1/slots/%lld/cancel", (long long)slot), org, NULL);
	assert_status(r, 200);
	assert_true(json_is_true(jget(r->json, "cancelled")));
	resp_free(r);
	r = call(&S, "POST", "/api/v1/bookings", res, "{\"slot_id\":%lld}", (long long)slot);
	assert_status(r, 409);
	resp_free(r);
}

static int64_t rule_id(const char *token, const char *code)
{
	struct resp *r = call(&S, "GET", "/api/v1/need-rules", token, NULL);
	assert_status(r, 200);
	int64_t id = 0;
	size_t i;
	json_t *x;
	json_array_foreach(jget(r->json, "items"), i, x) if (strcmp(json_string_value(json_object_get(x, "code")), code) == 0) id = json_integer_value(json_object_get(x, "id"));
	resp_free(r);
	return id;
}

/* The total of one rule in a coverage answer. */
static int64_t covered(const char *token, int64_t rule, const char *what)
{
	struct resp *r = call(&S, "GET", pathf("/api/v1/needs/coverage?org_id=%lld", (long long)grid_id),
			      token, NULL);
	assert_status(r, 200);
	int64_t v = -1;
	size_t i;
	json_t *x;
	json_array_foreach(jget(r->json, "rules"), i, x) if (json_integer_value(json_object_get(x, "id")) == rule) v = json_integer_value(json_object_get(json_object_get(x, "total"), what));
	resp_free(r);
	return v;
}

static void test_needs_coverage_and_matches(void **state)
{
	(void)state;
	int64_t alone = rule_id(comm, "elderly_alone");
	assert_true(alone > 0);
	/* Nobody in the grid lives alone yet. */
	assert_int_equal(covered(comm, alone, "in_need"), 0);
	char b[16];
	birth_date(b, 86, 0);
	int64_t old = add_resident("冯奶奶", b, "registered");
	struct resp *r = call(&S, "PUT", pathf("/api/v1/residents/%lld/tags/living_alone", (long long)old),
			      comm, "{}");
	assert_status(r, 200);
	resp_free(r);
	assert_int_equal(covered(comm, alone, "in_need"), 1);
	assert_int_equal(covered(comm, alone, "unserved"), 1);
	assert_int_equal(covered(comm, alone, "visit_overdue"), 1);
	/* The people of the rule, with a provider of home care matched by
	 * area and free places. */
	r = call(&S, "POST", "/api/v1/providers", comm,
		 "{\"name\":\"枫源居家养老\",\"kind\":\"social_org\",\"org_id\":%lld,"
		 "\"items\":[%lld],\"areas\":[\"330681109290\"]}",
		 (long long)org_id(&S, comm, "330681109290"), (long long)item_id("elderly.home_care"));
	assert_status(r, 201);
	int64_t care = jint(r->json, "id");
	resp_free(r);
	time_t t = time(NULL) + 3 * 86400;
	char from[32], to[32];
	strftime(from, sizeof(from), "%Y-%m-%dT%H:00:00Z", gmtime(&t));
	t += 3600;
	strftime(to, sizeof(to), "%Y-%m-%dT%H:00:00Z", gmtime(&t));
	r = call(&S, "POST", pathf("/api/v1/providers/%lld/slots", (long long)care), comm,
		 "{\"item_id\":%lld,\"starts_at\":\"%s\",\"ends_at\":\"%s\",\"capacity\":4}",
		 (long long)item_id("elderly.home_care"), from, to);
	assert_status(r, 201);
	int64_t care_slot = jint(r->json, "id");
	resp_free(r);
	r = call(&S, "GET", pathf("/api/v1/needs?rule_id=%lld&org_id=%lld&status=overdue", (long long)alone, (long long)grid_id), grid, NULL);
	assert_status(r, 200);
	assert_int_equal(jint(r->json, "total"), 1);
	assert_string_equal(jstr(r->json, "items.0.name"), "冯奶奶");
	assert_string_equal(jstr(r->json, "items.0.matches.0.name"), "枫源居家养老");
	assert_int_equal(jint(r->json, "items.0.matches.0.free_places"), 4);
	resp_free(r);
	/* A visit today ends the overdue visit; a booking serves the need. */
	r = call(&S, "POST", pathf("/api/v1/households/%lld/visits", (long long)household), grid,
		 "{\"visited_on\":\"%s\",\"notes\":\"身体还好，独自做饭\"}", birth_date_today());
	assert_status(r, 201);
	resp_free(r);
	assert_int_equal(covered(comm, alone, "visit_overdue"), 0);
	assert_int_equal(covered(comm, alone, "served"), 0);
	r = call(&S, "POST", "/api/v1/bookings", comm, "{\"slot_id\":%lld,\"resident_id\":%lld}",
		 (long long)care_slot, (long long)old);
	assert_status(r, 201);
	resp_free(r);
	assert_int_equal(covered(comm, alone, "served"), 1);
	assert_int_equal(covered(comm, alone, "unserved"), 0);
	r = call(&S, "GET", pathf("/api/v1/needs?rule_id=%lld&org_id=%lld&status=unserved", (long long)alone, (long long)grid_id), comm, NULL);
	assert_int_equal(jint(r->json, "total"), 0);
	resp_free(r);
	/* Outside the scope: 404. */
	r = call(&S, "GET", pathf("/api/v1/needs/coverage?org_id=%lld", (long long)grid_id), far_town, NULL);
	assert_status(r, 404);
	resp_free(r);
	/* A rule over a casework tag is not shown to a grid worker, who may
	 * not see that tag; the county sees it. */
	r = call(&S, "POST", "/api/v1/need-rules", county,
		 "{\"code\":\"correction_talks\",\"name\":\"社区矫正对象谈话\",\"name_en\":\"Talks\","
		 "\"conditions\":{\"tags_all\":[\"community_correction\"]},\"visit_days\":14}");
	assert_status(r, 201);
	int64_t casework = jint(r->json, "id");
	resp_free(r);
	r = call(&S, "POST", "/api/v1/need-rules", county,
		 "{\"code\":\"nothing\",\"name\":\"x\",\"name_en\":\"x\",\"conditions\":{}}");
	assert_status(r, 422); /* met by neither a service nor visits */
	resp_free(r);
	assert_int_equal(rule_id(grid, "correction_talks"), 0);
	r = call(&S, "GET", pathf("/api/v1/needs?rule_id=%lld&org_id=%lld", (long long)casework, (long long)grid_id), grid, NULL);
	assert_status(r, 404);
	resp_free(r);
	assert_int_equal(covered(grid, casework, "in_need"), -1);
	assert_int_equal(covered(comm, casework, "in_need"), 0);
}

static void test_account_link(void **state)
{
	(void)state;
	/* Only an account holding the resident role, one per record. */
	struct resp *r = call(&S, "PUT", pathf("/api/v1/residents/%lld/account", (long long)young),
			      comm, "{\"username\":\"sv_grid\"}");
	assert_status(r, 422);
	resp_free(r);
	r = call(&S, "PUT", pathf("/api/v1/residents/%lld/account", (long long)young), comm,
		 "{\"username\":\"sv_res\"}");
	assert_status(r, 200); /* moves the link from 周阿婆 to 周小军 */
	resp_free(r);
	r = call(&S, "PUT", pathf("/api/v1/residents/%lld/account", (long long)young), far_town,
		 "{\"username\":\"sv_res2\"}");
	assert_status(r, 404);
	resp_free(r);
	r = call(&S, "PUT", pathf("/api/v1/residents/%lld/account", (long long)elder), comm,
		 "{\"username\":\"sv_res\"}");
	assert_status(r, 200);
	resp_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_catalogue_is_published_and_edited),
		cmocka_unit_test(test_eligibility_edges),
		cmocka_unit_test(test_application_from_resident_to_evaluation),
		cmocka_unit_test(test_window_applications_and_refusals),
		cmocka_unit_test(test_providers_and_slots),
		cmocka_unit_test(test_bookings_never_overbook),
		cmocka_unit_test(test_needs_coverage_and_matches),
		cmocka_unit_test(test_account_link),
	};
	return cmocka_run_group_tests_name("api_services", tests, setup, teardown);
}
