/*
 * The people-and-places registry (一标三实) through the API: buildings and
 * standard addresses, houses, households, residents with every validation
 * rule, masked numbers in every read and unmasking with its audit record,
 * version history and moves, group tags and who sees them, the data scope of
 * each role, Chinese substring search, exact number look-ups, list filters,
 * statistics, door-to-door visits, and the audit records of reads.
 */
#include "api/harness.h"

#include <ctype.h>
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static struct server S;
static char *county, *dept, *town, *town_other, *comm, *gw1, *gw2, *gw3, *aud;
static int64_t fengyuan, tianzhu, grid1, grid2, grid3;
static char code1[16], code2[16], code3[16];

/* ---- helpers ---- */

/* A path (or any short text) from a format, in a small ring of buffers. */
static const char *pathf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static const char *pathf(const char *fmt, ...)
{
	static char ring[32][512];
	static unsigned next;
	char *out = ring[next++ % 32];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(out, 512, fmt, ap);
	va_end(ap);
	return out;
}

static struct resp *getf(const char *token, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static struct resp *getf(const char *token, const char *fmt, ...)
{
	char path[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	return call(&S, "GET", path, token, NULL);
}

/* Send a JSON body built with jansson (taken). */
static struct resp *jsend(const char *token, const char *method, const char *path, json_t *body_new)
{
	char *text = json_dumps(body_new, JSON_COMPACT);
	json_decref(body_new);
	struct resp *r = call(&S, method, path, token, "%s", text);
	free(text);
	return r;
}

/* Percent-encode a query value (UTF-8 bytes). */
static const char *enc(const char *s)
{
	static char ring[8][256];
	static unsigned next;
	char *out = ring[next++ % 8];
	size_t n = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p && n + 4 < 256; p++) {
		if (isalnum(*p) || *p == '-' || *p == '_' || *p == '.' || *p == '~')
			out[n++] = (char)*p;
		else
			n += (size_t)snprintf(out + n, 256 - n, "%%%02X", *p);
	}
	out[n] = '\0';
	return out;
}

/* A GB 32100 unified social credit code of a company registered in Zhuji:
 * 17 characters and the MOD 31 check character. */
static void credit_code(char out[19], unsigned seq)
{
	static const char cs[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
	static const int w[17] = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};
	snprintf(out, 19, "91330681MA2%06u", seq % 1000000u);
	int sum = 0;
	for (int i = 0; i < 17; i++)
		sum += (int)(strchr(cs, out[i]) - cs) * w[i];
	out[17] = cs[(31 - sum % 31) % 31];
	out[18] = '\0';
}

/* Age in whole years today (UTC) of a YYYY-MM-DD birth date. */
static int age_today(const char *birth)
{
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	int y, m, d;
	if (sscanf(birth, "%4d-%2d-%2d", &y, &m, &d) != 3)
		return -1;
	int age = tm.tm_year + 1900 - y;
	if (tm.tm_mon + 1 < m || (tm.tm_mon + 1 == m && tm.tm_mday < d))
		age--;
	return age;
}

/* The same number with a wrong check character. */
static void break_check(char id[19])
{
	id[17] = id[17] == '1' ? '2' : '1';
}

static unsigned next_seq = 100;

/* The date `years` years before today (UTC), then `days` days later;
 * Feb 29 becomes Feb 28 in other years, as the server counts ages. */
static void years_ago(int years, int days, char out[11])
{
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	int y = tm.tm_year + 1900 - years;
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (tm.tm_mon == 1 && tm.tm_mday == 29 && !leap)
		tm.tm_mday = 28;
	tm.tm_year = y - 1900;
	tm.tm_mday += days;
	tm.tm_hour = 12;
	time_t t = timegm(&tm);
	gmtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

static int64_t new_grid(const char *token, int64_t parent, const char *name, char code[16])
{
	json_t *b = json_pack("{s:I, s:s, s:s}", "parent_id", (json_int_t)parent, "name", name,
			      "level", "grid");
	struct resp *r = jsend(token, "POST", "/api/v1/orgs", b);
	assert_status(r, 201);
	int64_t id = jint(r->json, "id");
	if (code != NULL)
		snprintf(code, 16, "%s", jstr(r->json, "code"));
	assert_int_equal(strlen(jstr(r->json, "code")), 15);
	resp_free(r);
	return id;
}

static int64_t new_address(const char *token, int64_t grid, const char *street, const char *number,
			   const char *room)
{
	json_t *b = json_pack("{s:I, s:s, s:s}", "grid_id", (json_int_t)grid, "street", street,
			      "number", number);
	if (room != NULL)
		json_object_set_new(b, "room", json_string(room));
	struct resp *r = jsend(token, "POST", "/api/v1/addresses", b);
	assert_status(r, 201);
	int64_t id = jint(r->json, "id");
	resp_free(r);
	return id;
}

static int64_t new_household(const char *token, int64_t address, const char *number)
{
	struct resp *r =
		jsend(token, "POST", "/api/v1/households",
		      json_pack("{s:I, s:s}", "address_id", (json_int_t)address, "number", number));
	assert_status(r, 201);
	int64_t id = jint(r->json, "id");
	resp_free(r);
	return id;
}

/* A valid body for a registered citizen in a household; *id_out gets the
 * identity number. */
static json_t *person(int64_t household, const char *name, const char *gender, const char *birth,
		      char id_out[19])
{
	char idn[19];
	citizen_id(idn, ZHUJI, birth, next_seq++, strcmp(gender, "male") == 0);
	if (id_out != NULL)
		memcpy(id_out, idn, 19);
	return json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s}", "household_id",
			 (json_int_t)household, "name", name, "gender", gender, "birth_date", birth,
			 "id_type", "citizen", "id_number", idn, "residence_type", "registered");
}

/* Create a resident from a body (taken); returns its id. */
static int64_t add_resident(const char *token, json_t *body_new)
{
	struct resp *r = jsend(token, "POST", "/api/v1/residents", body_new);
	assert_status(r, 201);
	int64_t id = jint(r->json, "id");
	resp_free(r);
	return id;
}

/* A resident born `years` years ago (plus `days`), with a relation. */
static int64_t add_aged(const char *token, int64_t household, const char *name, int years, int days,
			const char *relation, const char *residence_type)
{
	char birth[11];
	years_ago(years, days, birth);
	json_t *b = person(household, name, "female", birth, NULL);
	if (relation != NULL)
		json_object_set_new(b, "relation", json_string(relation));
	if (residence_type != NULL)
		json_object_set_new(b, "residence_type", json_string(residence_type));
	return add_resident(token, b);
}

static json_t *item_by_id(json_t *items, int64_t id)
{
	size_t i;
	json_t *v;
	json_array_foreach(items, i, v)
	{
		if (jint(v, "id") == id)
			return v;
	}
	return NULL;
}

static bool listed(struct resp *r, int64_t id)
{
	return item_by_id(jget(r->json, "items"), id) != NULL;
}

/* Every item of a list lies within the subtree of prefix. */
static void assert_codes_within(struct resp *r, const char *prefix)
{
	size_t i;
	json_t *v;
	json_array_foreach(jget(r->json, "items"), i, v)
	{
		const char *c = jstr(v, "code");
		if (strncmp(c, prefix, strlen(prefix)) != 0)
			fail_msg("item %zu has code '%s', outside %s: %.300s", i, c, prefix,
				 r->body);
	}
}

static bool has_tag(json_t *resident, const char *tag)
{
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(resident, "tags"), i, v)
	{
		if (strcmp(jstr(v, "tag"), tag) == 0)
			return true;
	}
	return false;
}

static void assert_not_in_body(struct resp *r, const char *text)
{
	if (r->body != NULL && strstr(r->body, text) != NULL)
		fail_msg("the response shows '%s': %.400s", text, r->body);
}

/* ---- setup ---- */

static int setup(void **state)
{
	(void)state;
	srv_init(&S, true);
	srv_start(&S, NULL);
	mkuser(&S, "county1", "county_officer", ZHUJI);
	mkuser(&S, "dept1", "department_officer", ZHUJI);
	mkuser(&S, "town1", "town_officer", "330681109");
	mkuser(&S, "town2", "town_officer", "330681001");
	mkuser(&S, "comm1", "community_worker", "330681109290");
	county = login(&S, "county1", TEST_PASSWORD);
	dept = login(&S, "dept1", TEST_PASSWORD);
	town = login(&S, "town1", TEST_PASSWORD);
	town_other = login(&S, "town2", TEST_PASSWORD);
	comm = login(&S, "comm1", TEST_PASSWORD);
	aud = login(&S, "auditor", TEST_PASSWORD);
	fengyuan = org_id(&S, county, "330681109290");
	tianzhu = org_id(&S, county, "330681109002");
	/* Two grids in 枫源村委会, one in 江东社区 of another town. */
	grid1 = new_grid(comm, fengyuan, "枫源村第一网格", code1);
	grid2 = new_grid(comm, fengyuan, "枫源村第二网格", code2);
	grid3 = new_grid(county, org_id(&S, county, "330681001001"), "江东社区第一网格", code3);
	mkuser(&S, "gw1", "grid_worker", code1);
	mkuser(&S, "gw2", "grid_worker", code2);
	mkuser(&S, "gw3", "grid_worker", code3);
	gw1 = login(&S, "gw1", TEST_PASSWORD);
	gw2 = login(&S, "gw2", TEST_PASSWORD);
	gw3 = login(&S, "gw3", TEST_PASSWORD);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char **tokens[] = {&county, &dept, &town, &town_other, &comm, &gw1, &gw2, &gw3, &aud};
	for (size_t i = 0; i < sizeof(tokens) / sizeof(tokens[0]); i++) {
		free(*tokens[i]);
		*tokens[i] = NULL;
	}
	srv_cleanup(&S);
	return 0;
}

/* ---- places ---- */

static void test_addresses_and_buildings(void **state)
{
	(void)state;
	json_t *b = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s}", "grid_id", (json_int_t)grid1,
			      "street", "枫源路", "number", "12号", "building", "3幢", "unit",
			      "2单元", "room", "301室");
	struct resp *r = jsend(gw1, "POST", "/api/v1/addresses", json_deep_copy(b));
	assert_status(r, 201);
	int64_t a301 = jint(r->json, "id"), building = jint(r->json, "building_id");
	assert_string_equal(jstr(r->json, "text"), "枫源路 12号 3幢 2单元 301室");
	assert_string_equal(jstr(r->json, "code"), code1);
	assert_string_equal(jstr(r->json, "grid_name"), "枫源村第一网格");
	assert_true(building > 0);
	resp_free(r);
	/* The same address twice is a conflict naming the room. */
	r = jsend(gw1, "POST", "/api/v1/addresses", json_deep_copy(b));
	assert_status(r, 409);
	assert_string_equal(err_code(r), "conflict");
	assert_string_equal(err_field(r), "room");
	resp_free(r);
	/* Another room of the same plate reuses the building. */
	json_object_set_new(b, "room", json_string("302室"));
	r = jsend(gw1, "POST", "/api/v1/addresses", b);
	assert_status(r, 201);
	int64_t a302 = jint(r->json, "id");
	assert_int_equal(jint(r->json, "building_id"), building);
	assert_string_equal(jstr(r->json, "text"), "枫源路 12号 3幢 2单元 302室");
	resp_free(r);
	/* The plate itself cannot be registered again as a building. */
	r = jsend(gw1, "POST", "/api/v1/buildings",
		  json_pack("{s:I, s:s, s:s, s:s}", "grid_id", (json_int_t)grid1, "street",
			    "枫源路", "number", "12号", "name", "3幢"));
	assert_status(r, 409);
	resp_free(r);
	int64_t hh = new_household(gw1, a301, "330681-000301");

	r = getf(gw1, "/api/v1/addresses/%lld", (long long)a301);
	assert_status(r, 200);
	assert_string_equal(jstr(r->json, "street"), "枫源路");
	assert_string_equal(jstr(r->json, "number"), "12号");
	assert_string_equal(jstr(r->json, "building"), "3幢");
	assert_int_equal(jint(r->json, "grid_id"), grid1);
	assert_int_equal(jint(r->json, "households.0.id"), hh);
	resp_free(r);

	/* The building lists both addresses, and the household at 301. */
	r = getf(gw1, "/api/v1/buildings/%lld", (long long)building);
	assert_status(r, 200);
	assert_string_equal(jstr(r->json, "street"), "枫源路");
	assert_string_equal(jstr(r->json, "name"), "3幢");
	json_t *addrs = jget(r->json, "addresses");
	assert_int_equal(json_array_size(addrs), 2);
	json_t *x301 = item_by_id(addrs, a301), *x302 = item_by_id(addrs, a302);
	assert_non_null(x301);
	assert_non_null(x302);
	assert_string_equal(jstr(x301, "room"), "301室");
	assert_int_equal(json_array_size(jget(x301, "households")), 1);
	assert_string_equal(jstr(x301, "households.0.number"), "330681-000301");
	assert_int_equal(json_array_size(jget(x302, "households")), 0);
	assert_true(json_is_null(jget(r->json, "lon")));
	resp_free(r);

	/* Coordinates: out of range names the field, in range is kept. */
	const char *path = pathf("/api/v1/buildings/%lld", (long long)building);
	r = call(&S, "PATCH", path, gw1, "{\"lon\":181,\"lat\":29.7}");
	assert_status(r, 422);
	assert_string_equal(err_code(r), "validation_failed");
	assert_string_equal(err_field(r), "lon");
	resp_free(r);
	r = call(&S, "PATCH", path, gw1, "{\"lat\":-90.5}");
	assert_status(r, 422);
	assert_string_equal(err_field(r), "lat");
	resp_free(r);
	r = call(&S, "PATCH", path, gw1, "{\"lon\":120.2375,\"lat\":29.7125}");
	assert_status(r, 200);
	resp_free(r);
	r = getf(gw1, "/api/v1/buildings/%lld", (long long)building);
	assert_true(json_real_value(jget(r->json, "lon")) == 120.2375);
	assert_true(json_real_value(jget(r->json, "lat")) == 29.7125);
	resp_free(r);

	/* Renaming the street re-indexes its addresses for search. */
	r = call(&S, "PATCH", path, gw1, "{\"street\":\"枫溪路\"}");
	assert_status(r, 200);
	assert_string_equal(jstr(r->json, "street"), "枫溪路");
	resp_free(r);
	r = getf(gw1, "/api/v1/search?q=%s&limit=200", enc("枫溪"));
	assert_true(listed(r, a301));
	assert_true(listed(r, a302));
	resp_free(r);
	r = getf(gw1, "/api/v1/addresses/%lld", (long long)a302);
	assert_string_equal(jstr(r->json, "text"), "枫溪路 12号 3幢 2单元 302室");
	resp_free(r);
	/* Renaming it onto another plate of the grid is a conflict. */
	new_address(gw1, grid1, "枫溪路", "14号", NULL);
	r = call(&S, "PATCH", path, gw1, "{\"number\":\"14号\",\"name\":\"\"}");
	assert_status(r, 409);
	resp_free(r);

	/* The grid's building list has it once, with its two addresses. */
	r = getf(gw1, "/api/v1/buildings?grid_id=%lld&limit=200", (long long)grid1);
	assert_status(r, 200);
	json_t *row = item_by_id(jget(r->json, "items"), building);
	assert_non_null(row);
	assert_int_equal(jint(row, "addresses"), 2);
	assert_int_equal(jint(row, "households"), 1);
	resp_free(r);
}

static void test_houses(void **state)
{
	(void)state;
	int64_t a = new_address(gw1, grid1, "枫源路", "20号", NULL);
	int64_t owner = add_aged(gw1, new_household(gw1, a, "H20"), "屠建国", 50, 0, NULL, NULL);
	int64_t stranger = add_aged(
		gw2, new_household(gw2, new_address(gw2, grid2, "枫源路", "21号", NULL), "H21"),
		"屠建民", 48, 0, NULL, NULL);
	struct resp *r =
		jsend(gw1, "POST", "/api/v1/houses",
		      json_pack("{s:I, s:f, s:s, s:s, s:s, s:[I]}", "address_id", (json_int_t)a,
				"area", 96.5, "use", "residential", "ownership", "private",
				"occupancy", "owner_occupied", "owner_ids", (json_int_t)owner));
	assert_status(r, 201);
	int64_t house = jint(r->json, "id");
	assert_true(json_real_value(jget(r->json, "area")) == 96.5);
	assert_string_equal(jstr(r->json, "occupancy"), "owner_occupied");
	assert_string_equal(jstr(r->json, "address"), "枫源路 20号");
	assert_int_equal(json_array_size(jget(r->json, "owners")), 1);
	assert_int_equal(jint(r->json, "owners.0.id"), owner);
	assert_string_equal(jstr(r->json, "owners.0.name"), "屠建国");
	resp_free(r);

	/* One house per address. */
	r = jsend(gw1, "POST", "/api/v1/houses",
		  json_pack("{s:I, s:s, s:s, s:s}", "address_id", (json_int_t)a, "use",
			    "commercial", "ownership", "private", "occupancy", "rented"));
	assert_status(r, 409);
	assert_string_equal(err_code(r), "conflict");
	resp_free(r);

	/* A bad occupancy names the field. */
	int64_t b = new_address(gw1, grid1, "枫源路", "22号", NULL);
	r = jsend(gw1, "POST", "/api/v1/houses",
		  json_pack("{s:I, s:s, s:s, s:s}", "address_id", (json_int_t)b, "use",
			    "residential", "ownership", "private", "occupancy", "empty"));
	assert_status(r, 422);
	assert_string_equal(err_field(r), "occupancy");
	resp_free(r);
	r = jsend(gw1, "POST", "/api/v1/houses",
		  json_pack("{s:I, s:i, s:s, s:s, s:s}", "address_id", (json_int_t)b, "area", -3,
			    "use", "residential", "ownership", "private", "occupancy", "vacant"));
	assert_status(r, 422);
	assert_string_equal(err_field(r), "area");
	resp_free(r);

	/* Owners must be residents in the caller's area. */
	r = jsend(gw1, "POST", "/api/v1/houses",
		  json_pack("{s:I, s:s, s:s, s:s, s:[I]}", "address_id", (json_int_t)b, "use",
			    "residential", "ownership", "private", "occupancy", "vacant",
			    "owner_ids", (json_int_t)stranger));
	assert_status(r, 422);
	assert_string_equal(err_field(r), "owner_ids");
	resp_free(r);
	r = jsend(gw1, "POST", "/api/v1/houses",
		  json_pack("{s:I, s:s, s:s, s:s, s:[I]}", "address_id", (json_int_t)b, "use",
			    "residential", "ownership", "private", "occupancy", "vacant",
			    "owner_ids", (json_int_t)999999));
	assert_status(r, 422);
	assert_string_equal(err_field(r), "owner_ids");
	resp_free(r);
	/* Nothing was recorded at 22号 by the refusals. */
	r = getf(gw1, "/api/v1/addresses/%lld", (long long)b);
	assert_true(json_is_null(jget(r->json, "house_id")));
	resp_free(r);

	/* Change occupancy; the list filter finds it. */
	r = call(&S, "PATCH", pathf("/api/v1/houses/%lld", (long long)house), gw1,
		 "{\"occupancy\":\"rented\"}");
	assert_status(r, 200);
	assert_string_equal(jstr(r->json, "occupancy"), "rented");
	assert_int_equal(jint(r->json, "owners.0.id"), owner);
	resp_free(r);
	r = getf(gw1, "/api/v1/houses?occupancy=rented&limit=200");
	assert_true(listed(r, house));
	resp_free(r);
	r = getf(gw1, "/api/v1/houses?occupancy=owner_occupied&limit=200");
	assert_false(listed(r, house));
	resp_free(r);
}

static void test_units(void **state)
{
	(void)state;
	int64_t a = new_address(gw1, grid1, "枫源路", "25号", NULL);
	char cc[19], wrong[19];
	credit_code(cc, 25);
	memcpy(wrong, cc, 19);
	wrong[17] = wrong[17] == '0' ? '1' : '0';
	const char *bad[] = {wrong, "91330681MA2000025", "91330681MA20000I5X",
			     "9133ABCDMA2000025X"};
	for (size_t i = 0; i < 4; i++) {
		struct resp *r =
			jsend(gw1, "POST", "/api/v1/units",
			      json_pack("{s:s, s:s, s:s, s:I}", "name", "枫源竹器社", "credit_code",
					bad[i], "type", "enterprise", "address_id", (json_int_t)a));
		if (r->status != 422 || strcmp(err_field(r), "credit_code") != 0)
			fail_msg("credit code %s: %ld %.300s", bad[i], r->status, r->body);
		resp_free(r);
	}
	struct resp *r =
		jsend(gw1, "POST", "/api/v1/units",
		      json_pack("{s:s, s:s, s:s, s:s, s:s, s:I}", "name", "枫源竹器社",
				"credit_code", cc, "type", "enterprise", "contact_name", "孟经理",
				"phone", "13566667777", "address_id", (json_int_t)a));
	assert_status(r, 201);
	int64_t unit = jint(r->json, "id");
	assert_string_equal(jstr(r->json, "credit_code"), cc);
	assert_string_equal(jstr(r->json, "phone"), "135****7777");
	assert_string_equal(jstr(r->json, "address"), "枫源路 25号");
	assert_not_in_body(r, "13566667777");
	resp_free(r);
	r = jsend(gw1, "POST", "/api/v1/units",
		  json_pack("{s:s, s:s, s:s, s:I}", "name", "冒名竹器社", "credit_code", cc, "type",
			    "enterprise", "address_id", (json_int_t)a));
	assert_status(r, 409);
	assert_string_equal(err_field(r), "credit_code");
	resp_free(r);
	r = jsend(gw1, "POST", "/api/v1/units",
		  json_pack("{s:s, s:s, s:I}", "name", "无名", "type", "bank", "address_id",
			    (json_int_t)a));
	assert_status(r, 422);
	assert_string_equal(err_field(r), "type");
	resp_free(r);
	r = call(&S, "PATCH", pathf("/api/v1/units/%lld", (long long)unit), gw1,
		 "{\"name\":\"枫源竹编合作社\",\"type\":\"social_organisation\"}");
	assert_status(r, 200);
	assert_string_equal(jstr(r->json, "name"), "枫源竹编合作社");
	assert_string_equal(jstr(r->json, "credit_code"), cc);
	resp_free(r);
	r = getf(gw1, "/api/v1/search?q=%s", enc("竹编"));
	assert_int_equal(jint(r->json, "total"), 1);
	assert_string_equal(jstr(r->json, "items.0.kind"), "unit");
	assert_int_equal(jint(r->json, "items.0.id"), unit);
	resp_free(r);
	r = getf(gw1, "/api/v1/search?q=%s", enc("竹器"));
	assert_int_equal(jint(r->json, "total"), 0);
	resp_free(r);
	r = getf(gw1, "/api/v1/units?type=social_organisation");
	assert_true(listed(r, unit));
	resp_free(r);
}

/* ---- households and residents ---- */

static void test_households_and_head(void **state)
{
	(void)state;
	int64_t a = new_address(gw1, grid1, "枫源路", "30号", NULL);
	int64_t hh = new_household(gw1, a, "330681-000030");
	struct resp *r = getf(gw1, "/api/v1/households/%lld", (long long)hh);
	assert_status(r, 200);
	assert_true(json_is_null(jget(r->json, "head_id")));
	assert_int_equal(json_array_size(jget(r->json, "members")), 0);
	assert_string_equal(jstr(r->json, "address"), "枫源路 30号");
	resp_free(r);

	int64_t head = add_aged(gw1, hh, "骆国华", 52, 0, "self", NULL);
	int64_t spouse = add_aged(gw1, hh, "骆美娟", 50, 0, "spouse", NULL);
	int64_t child = add_aged(gw1, hh, "骆小华", 20, 0, "child", NULL);
	r = getf(gw1, "/api/v1/households/%lld", (long long)hh);
	assert_status(r, 200);
	assert_int_equal(jint(r->json, "head_id"), head);
	assert_string_equal(jstr(r->json, "number"), "330681-000030");
	json_t *members = jget(r->json, "members");
	assert_int_equal(json_array_size(members), 3);
	assert_string_equal(jstr(item_by_id(members, spouse), "relation"), "spouse");
	assert_string_equal(jstr(item_by_id(members, child), "relation"), "child");
	assert_string_equal(jstr(item_by_id(members, head), "name"), "骆国华");
	resp_free(r);

	/* The head must be a member. */
	int64_t other =
		add_aged(gw1, new_household(gw1, a, "330681-000031"), "骆其他", 40, 0, NULL, NULL);
	const char *path = pathf("/api/v1/households/%lld", (long long)hh);
	r = call(&S, "PATCH", path, gw1, "{\"head_id\":%lld}", (long long)other);
	assert_status(r, 422);
	assert_string_equal(err_field(r), "head_id");
	resp_free(r);
	r = getf(gw1, "/api/v1/households/%lld", (long long)hh);
	assert_int_equal(jint(r->json, "head_id"), head);
	resp_free(r);
	r = call(&S, "PATCH", path, gw1, "{\"head_id\":%lld,\"number\":\"330681-000032\"}",
		 (long long)spouse);
	assert_status(r, 200);
	assert_int_equal(jint(r->json, "head_id"), spouse);
	assert_string_equal(jstr(r->json, "number"), "330681-000032");
	resp_free(r);
	/* The household list shows the head's name and the member count. */
	r = getf(gw1, "/api/v1/households?address_id=%lld", (long long)a);
	assert_status(r, 200);
	assert_int_equal(jint(r->json, "total"), 2);
	json_t *row = item_by_id(jget(r->json, "items"), hh);
	assert_non_null(row);
	assert_string_equal(jstr(row, "head_name"), "骆美娟");
	assert_int_equal(jint(row, "members"), 3);
	resp_free(r);
}

/* The first "self" member becomes the head; a later one does not take the
 * place of the head already there. */
static void test_a_later_self_member_keeps_the_head(void **state)
{
	(void)state;
	int64_t hh = new_household(gw1, new_address(gw1, grid1, "枫源路", "31号", NULL), "H31");
	int64_t first = add_aged(gw1, hh, "寿一", 60, 0, "self", NULL);
	struct resp *r = getf(gw1, "/api/v1/households/%lld", (long long)hh);
	assert_int_equal(jint(r->json, "head_id"), first);
	resp_free(r);
	add_aged(gw1, hh, "寿二", 30, 0, "self", NULL);
	add_aged(gw1, hh, "寿三", 28, 0, NULL, NULL);
	r = getf(gw1, "/api/v1/households/%lld", (long long)hh);
	size_t members = json_array_size(jget(r->json, "members"));
	int64_t head = jint(r->json, "head_id");
	resp_free(r);
	assert_int_equal(members, 3);
	if (head != first)
		print_error("the head changed from %lld to %lld when another member was added\n",
			    (long long)first, (long long)head);
	assert_int_equal(head, first);
}

struct refusal_case {
	const char *what;
	const char *key; /* field to set */
	json_t *value;   /* its value (taken) */
	int status;
	const char *field; /* expected error field */
};

static void test_resident_validation(void **state)
{
	(void)state;
	int64_t hh = new_household(gw1, new_address(gw1, grid1, "枫源路", "40号", NULL), "H40");
	const char *birth = "1985-06-15";
	char good[19], wrong[19], tomorrow[11], future_id[19];
	citizen_id(good, ZHUJI, birth, 123, true);
	memcpy(wrong, good, 19);
	break_check(wrong);
	years_ago(0, 1, tomorrow);
	citizen_id(future_id, ZHUJI, tomorrow, 11, true);
	struct refusal_case cases[] = {
		{"wrong check character", "id_number", json_string(wrong), 422, "id_number"},
		{"17 characters", "id_number", json_string("33068119850615123"), 422, "id_number"},
		{"not a province", "id_number", json_string("990681198506151238"), 422,
		 "id_number"},
		{"birth date differs", "birth_date", json_string("1985-06-16"), 422, "birth_date"},
		{"bad gender", "gender", json_string("m"), 422, "gender"},
		{"bad id_type", "id_type", json_string("idcard"), 422, "id_type"},
		{"bad residence_type", "residence_type", json_string("tourist"), 422,
		 "residence_type"},
		{"bad relation", "relation", json_string("friend"), 422, "relation"},
		{"bad employment", "employment", json_string("banker"), 422, "employment"},
		{"10-digit mobile", "phone", json_string("1381234567"), 422, "phone"},
		{"landline", "phone", json_string("05758700123"), 422, "phone"},
		{"unknown ethnicity", "ethnicity", json_string("火星族"), 422, "ethnicity"},
		{"unknown field", "nickname", json_string("小王"), 422, "nickname"},
		{"empty name", "name", json_string(""), 422, "name"},
		{"gender differs from the number (odd 17th digit: male)", "gender",
		 json_string("female"), 422, "gender"},
		{"not a date", "birth_date", json_string("1985-02-30"), 422, "birth_date"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		json_t *b = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s}", "household_id",
				      (json_int_t)hh, "name", "钟敏", "gender", "male",
				      "birth_date", birth, "id_type", "citizen", "id_number", good,
				      "residence_type", "registered");
		json_object_set_new(b, cases[i].key, cases[i].value);
		struct resp *r = jsend(gw1, "POST", "/api/v1/residents", b);
		if (r->status != cases[i].status || strcmp(err_field(r), cases[i].field) != 0)
			fail_msg("%s: expected %d naming %s, got %ld: %.300s", cases[i].what,
				 cases[i].status, cases[i].field, r->status, r->body);
		assert_string_equal(err_code(r), "validation_failed");
		resp_free(r);
	}
	/* A birth date in the future (with a passport, so only the date is wrong);
	 * a citizen number whose birth date is tomorrow. */
	struct resp *r = jsend(gw1, "POST", "/api/v1/residents",
			       json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s}", "household_id",
					 (json_int_t)hh, "name", "Future", "gender", "male",
					 "birth_date", tomorrow, "id_type", "passport", "id_number",
					 "E99887766", "residence_type", "floating"));
	assert_status(r, 422);
	assert_string_equal(err_field(r), "birth_date");
	resp_free(r);
	r = jsend(gw1, "POST", "/api/v1/residents",
		  json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s}", "household_id", (json_int_t)hh,
			    "name", "未来", "gender", "male", "birth_date", tomorrow, "id_type",
			    "citizen", "id_number", future_id, "residence_type", "registered"));
	assert_status(r, 422);
	assert_true(strcmp(err_field(r), "birth_date") == 0 ||
		    strcmp(err_field(r), "id_number") == 0);
	resp_free(r);
	/* Nothing was registered by the refusals. */
	r = getf(gw1, "/api/v1/households/%lld", (long long)hh);
	assert_int_equal(json_array_size(jget(r->json, "members")), 0);
	resp_free(r);

	/* The good number registers; the same number again is a conflict. */
	json_t *b = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "household_id",
			      (json_int_t)hh, "name", "钟敏", "gender", "male", "birth_date", birth,
			      "id_type", "citizen", "id_number", good, "residence_type",
			      "registered", "ethnicity", "畲族", "employment", "farmer");
	r = jsend(gw1, "POST", "/api/v1/residents", b);
	assert_status(r, 201);
	assert_string_equal(jstr(r->json, "ethnicity"), "畲族");
	assert_string_equal(jstr(r->json, "employment"), "farmer");
	assert_int_equal(jint(r->json, "age"), age_today(birth));
	resp_free(r);
	r = jsend(gw1, "POST", "/api/v1/residents",
		  json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s}", "household_id", (json_int_t)hh,
			    "name", "钟敏二", "gender", "male", "birth_date", birth, "id_type",
			    "citizen", "id_number", good, "residence_type", "registered"));
	assert_status(r, 409);
	assert_string_equal(err_code(r), "conflict");
	assert_string_equal(err_field(r), "id_number");
	resp_free(r);
	/* Another grid's worker registering the same person: still a conflict
	 * (the number is unique in the whole registry). */
	r = jsend(gw2, "POST", "/api/v1/residents",
		  json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s}", "address_id",
			    (json_int_t)new_address(gw2, grid2, "枫源路", "41号", NULL), "name",
			    "钟敏", "gender", "male", "birth_date", birth, "id_type", "citizen",
			    "id_number", good, "residence_type", "registered"));
	assert_status(r, 409);
	assert_string_equal(err_field(r), "id_number");
	resp_free(r);

	/* A check character X may be typed as x, and is the same number. */
	char xid[19];
	unsigned seq = 200;
	do
		citizen_id(xid, ZHUJI, "1990-01-01", seq++, true);
	while (xid[17] != 'X');
	char lower[19];
	memcpy(lower, xid, 19);
	lower[17] = 'x';
	r = jsend(gw1, "POST", "/api/v1/residents",
		  json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s}", "household_id", (json_int_t)hh,
			    "name", "钟强", "gender", "male", "birth_date", "1990-01-01", "id_type",
			    "citizen", "id_number", lower, "residence_type", "registered"));
	assert_status(r, 201);
	char xmask[24];
	snprintf(xmask, sizeof(xmask), "%.6s********%.4s", xid, xid + 14);
	assert_string_equal(jstr(r->json, "id_number"), xmask);
	int64_t xperson = jint(r->json, "id");
	resp_free(r);
	r = getf(gw1, "/api/v1/residents?id_number=%s", xid);
	assert_int_equal(jint(r->json, "total"), 1);
	assert_int_equal(jint(r->json, "items.0.id"), xperson);
	resp_free(r);
	r = getf(gw1, "/api/v1/residents?id_number=%s", lower);
	assert_int_equal(jint(r->json, "total"), 1);
	resp_free(r);
	r = jsend(gw1, "POST", "/api/v1/residents",
		  json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s}", "household_id", (json_int_t)hh,
			    "name", "钟强二", "gender", "male", "birth_date", "1990-01-01",
			    "id_type", "citizen", "id_number", xid, "residence_type",
			    "registered"));
	assert_status(r, 409);
	assert_string_equal(err_field(r), "id_number");
	resp_free(r);

	/* Other documents: 4 to 32 letters, digits or '-'. */
	const char *passports[] = {"E123", "EA1234567", "HK-A1234567",
				   "P12345678901234567890123456789AB"};
	for (size_t i = 0; i < 4; i++) {
		r = jsend(gw1, "POST", "/api/v1/residents",
			  json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s}", "household_id",
				    (json_int_t)hh, "name", pathf("Visitor %zu", i), "gender",
				    "male", "birth_date", "1979-03-02", "id_type", "passport",
				    "id_number", passports[i], "residence_type", "floating"));
		if (r->status != 201)
			fail_msg("passport %s: %ld %.300s", passports[i], r->status, r->body);
		assert_null(strstr(r->body, passports[i]));
		resp_free(r);
	}
	const char *bad_passports[] = {"E12", "P12345678901234567890123456789ABC", "E12 345",
				       "E12/345"};
	for (size_t i = 0; i < 4; i++) {
		r = jsend(gw1, "POST", "/api/v1/residents",
			  json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s}", "household_id",
				    (json_int_t)hh, "name", "Visitor", "gender", "male",
				    "birth_date", "1979-03-02", "id_type", "passport", "id_number",
				    bad_passports[i], "residence_type", "floating"));
		if (r->status != 422 || strcmp(err_field(r), "id_number") != 0)
			fail_msg("passport '%s': expected 422 id_number, got %ld %.300s",
				 bad_passports[i], r->status, r->body);
		resp_free(r);
	}
	r = getf(gw1, "/api/v1/households/%lld", (long long)hh);
	assert_int_equal(json_array_size(jget(r->json, "members")), 6);
	resp_free(r);
}

static void test_masking_in_every_read(void **state)
{
	(void)state;
	int64_t a = new_address(gw1, grid1, "枫源路", "50号", NULL);
	int64_t hh = new_household(gw1, a, "H50");
	char idn[19], mask[24];
	const char *phone = "13812345678";
	json_t *b = person(hh, "鲍秀英", "female", "1968-09-23", idn);
	json_object_set_new(b, "phone", json_string(phone));
	snprintf(mask, sizeof(mask), "%.6s********%.4s", idn, idn + 14);
	struct resp *r = jsend(gw1, "POST", "/api/v1/residents", b);
	assert_status(r, 201);
	int64_t id = jint(r->json, "id");
	assert_string_equal(jstr(r->json, "id_number"), mask);
	assert_string_equal(jstr(r->json, "phone"), "138****5678");
	assert_int_equal(strlen(jstr(r->json, "id_number")), 18);
	assert_not_in_body(r, idn);
	assert_not_in_body(r, phone);
	resp_free(r);

	struct {
		const char *method, *path;
		const char *body;
		bool shows_resident;
		const char *resident_path; /* where the resident is in the answer */
	} reads[] = {
		{"GET", pathf("/api/v1/residents/%lld", (long long)id), NULL, true, ""},
		{"GET", pathf("/api/v1/residents?household_id=%lld", (long long)hh), NULL, true,
		 "items.0"},
		{"GET", pathf("/api/v1/residents?q=%s", enc("鲍秀英")), NULL, true, "items.0"},
		{"GET", pathf("/api/v1/residents?id_number=%s", idn), NULL, true, "items.0"},
		{"GET", pathf("/api/v1/residents?phone=%s", phone), NULL, true, "items.0"},
		{"GET", pathf("/api/v1/households/%lld", (long long)hh), NULL, true, "members.0"},
		{"GET", pathf("/api/v1/search?q=%s", enc("鲍秀")), NULL, false, NULL},
		{"GET", pathf("/api/v1/residents/%lld/history", (long long)id), NULL, false, NULL},
		{"GET", pathf("/api/v1/addresses/%lld", (long long)a), NULL, false, NULL},
		{"PATCH", pathf("/api/v1/residents/%lld", (long long)id),
		 "{\"employment\":\"retired\"}", true, ""},
		{"PUT", pathf("/api/v1/residents/%lld/tags/living_alone", (long long)id), "{}",
		 true, ""},
	};
	for (size_t i = 0; i < sizeof(reads) / sizeof(reads[0]); i++) {
		if (reads[i].body != NULL)
			r = call(&S, reads[i].method, reads[i].path, gw1, "%s", reads[i].body);
		else
			r = call(&S, reads[i].method, reads[i].path, gw1, NULL);
		if (r->status != 200)
			fail_msg("%s %s: %ld %.300s", reads[i].method, reads[i].path, r->status,
				 r->body);
		assert_not_in_body(r, idn);
		assert_not_in_body(r, phone);
		if (reads[i].shows_resident) {
			json_t *res = reads[i].resident_path[0]
					      ? jget(r->json, reads[i].resident_path)
					      : r->json;
			if (jint(res, "id") != id)
				fail_msg("%s: resident %lld not shown: %.300s", reads[i].path,
					 (long long)id, r->body);
			assert_string_equal(jstr(res, "id_number"), mask);
			assert_string_equal(jstr(res, "phone"), "138****5678");
		}
		resp_free(r);
	}
	/* The history keeps the masked forms. */
	r = getf(gw1, "/api/v1/residents/%lld/history", (long long)id);
	json_t *versions = jget(r->json, "versions");
	json_t *created = json_array_get(versions, json_array_size(versions) - 1);
	assert_string_equal(
		json_string_value(json_array_get(jget(created, "changes.id_number"), 1)), mask);
	assert_string_equal(json_string_value(json_array_get(jget(created, "changes.phone"), 1)),
			    "138****5678");
	resp_free(r);
	/* Nor do the audit log and the access log hold the numbers looked up. */
	r = getf(aud, "/api/v1/audit?action=resident.&limit=200");
	assert_status(r, 200);
	assert_not_in_body(r, idn);
	assert_not_in_body(r, phone);
	resp_free(r);
	char *log = NULL;
	sh(&log, "cat %s", S.log);
	assert_non_null(log);
	assert_null(strstr(log, idn));
	assert_null(strstr(log, phone));
	free(log);
}

/* ---- unmasking ---- */

static void test_unmask(void **state)
{
	(void)state;
	int64_t hh = new_household(gw1, new_address(gw1, grid1, "枫源路", "60号", NULL), "H60");
	char idn[19];
	json_t *b = person(hh, "俞文龙", "male", "1971-12-08", idn);
	json_object_set_new(b, "phone", json_string("13905751234"));
	int64_t id = add_resident(gw1, b);
	const char *path = pathf("/api/v1/residents/%lld/unmask", (long long)id);
	const char *tokens[] = {gw1, comm, town, county};
	const char *names[] = {"gw1", "comm1", "town1", "county1"};
	for (size_t i = 0; i < 4; i++) {
		struct resp *r = call(&S, "POST", path, tokens[i],
				      "{\"reason\":\"核实低保申请材料 %s\"}", names[i]);
		if (r->status != 200)
			fail_msg("%s may unmask: %ld %.300s", names[i], r->status, r->body);
		assert_int_equal(jint(r->json, "id"), id);
		assert_string_equal(jstr(r->json, "id_number"), idn);
		assert_string_equal(jstr(r->json, "phone"), "13905751234");
		resp_free(r);
	}
	/* registry.read only: 403; another grid or another town: 404. */
	struct resp *r = call(&S, "POST", path, dept, "{\"reason\":\"部门核查需要\"}");
	assert_status(r, 403);
	assert_string_equal(err_code(r), "forbidden");
	assert_not_in_body(r, idn);
	resp_free(r);
	const char *outsiders[] = {gw2, gw3, town_other};
	for (size_t i = 0; i < 3; i++) {
		r = call(&S, "POST", path, outsiders[i], "{\"reason\":\"核实低保申请材料\"}");
		assert_status(r, 404);
		assert_not_in_body(r, idn);
		resp_free(r);
	}
	/* A reason is required, of at least five characters. */
	r = call(&S, "POST", path, gw1, "{}");
	assert_status(r, 422);
	assert_string_equal(err_field(r), "reason");
	resp_free(r);
	r = call(&S, "POST", path, gw1, "{\"reason\":\"核实\"}");
	assert_status(r, 422);
	assert_string_equal(err_field(r), "reason");
	assert_not_in_body(r, idn);
	resp_free(r);

	/* The audit log has each unmasking with its reason. */
	r = getf(aud, "/api/v1/audit?action=resident.unmask&object_id=%lld&result=ok&limit=50",
		 (long long)id);
	assert_status(r, 200);
	assert_int_equal(jint(r->json, "total"), 4);
	bool found = false;
	size_t i;
	json_t *v;
	json_array_foreach(jget(r->json, "items"), i, v)
	{
		assert_string_equal(jstr(v, "object_id"), pathf("%lld", (long long)id));
		assert_string_equal(jstr(v, "object_type"), "resident");
		if (strcmp(jstr(v, "actor_name"), "gw1") == 0) {
			found = true;
			assert_string_equal(jstr(v, "detail.reason"), "核实低保申请材料 gw1");
			assert_string_equal(jstr(v, "role"), "grid_worker");
		}
	}
	assert_true(found);
	assert_not_in_body(r, idn);
	assert_not_in_body(r, "13905751234");
	resp_free(r);
}

static void test_unmask_roles_are_configurable(void **state)
{
	(void)state;
	int64_t hh = new_household(gw1, new_address(gw1, grid1, "枫源路", "61号", NULL), "H61");
	char idn[19];
	int64_t id = add_resident(gw1, person(hh, "俞文虎", "male", "1973-02-11", idn));
	const char *path = pathf("/api/v1/residents/%lld/unmask", (long long)id);
	/* A second server on the same database, unmasking for community workers
	 * only.  It is stopped before anything is asserted, so that a failure
	 * does not leave it running. */
	struct server s2 = S;
	s2.pid = -1;
	const char *extra[] = {"--unmask-roles", "community_worker", NULL};
	srv_start(&s2, extra);
	const char *tokens[] = {gw1, town, comm};
	long status[3];
	bool clear[3];
	for (size_t i = 0; i < 3; i++) {
		struct resp *r =
			call(&s2, "POST", path, tokens[i], "{\"reason\":\"核实户籍信息\"}");
		status[i] = r->status;
		clear[i] = r->body != NULL && strstr(r->body, idn) != NULL;
		resp_free(r);
	}
	/* The grid worker still reads the masked resident there. */
	struct resp *r =
		call(&s2, "GET", pathf("/api/v1/residents/%lld", (long long)id), gw1, NULL);
	long read_status = r->status;
	resp_free(r);
	int exit_status = srv_stop(&s2);
	assert_int_equal(exit_status, 0);
	assert_int_equal(status[0], 403); /* grid worker */
	assert_false(clear[0]);
	assert_int_equal(status[1], 403); /* town officer */
	assert_int_equal(status[2], 200); /* community worker */
	assert_true(clear[2]);
	assert_int_equal(read_status, 200);
	/* The default server is unchanged. */
	r = call(&S, "POST", path, gw1, "{\"reason\":\"核实户籍信息\"}");
	assert_status(r, 200);
	resp_free(r);
}

/* ---- versions and moves ---- */

static void test_versions_and_moves(void **state)
{
	(void)state;
	int64_t hh = new_household(gw1, new_address(gw1, grid1, "枫源路", "70号", NULL), "H70");
	json_t *b = person(hh, "何建平", "male", "1982-04-30", NULL);
	json_object_set_new(b, "phone", json_string("13700001111"));
	int64_t id = add_resident(gw1, b);
	const char *path = pathf("/api/v1/residents/%lld", (long long)id);
	struct resp *r = call(&S, "PATCH", path, gw1,
			      "{\"phone\":\"13900002222\",\"residence_type\":\"floating\"}");
	assert_status(r, 200);
	assert_string_equal(jstr(r->json, "phone"), "139****2222");
	assert_string_equal(jstr(r->json, "residence_type"), "floating");
	resp_free(r);
	r = getf(gw1, "/api/v1/residents/%lld/history", (long long)id);
	assert_status(r, 200);
	json_t *versions = jget(r->json, "versions");
	assert_int_equal(json_array_size(versions), 2);
	json_t *latest = json_array_get(versions, 0);
	json_t *changes = json_object_get(latest, "changes");
	assert_int_equal(json_object_size(changes), 2);
	assert_string_equal(json_string_value(json_array_get(json_object_get(changes, "phone"), 0)),
			    "137****1111");
	assert_string_equal(json_string_value(json_array_get(json_object_get(changes, "phone"), 1)),
			    "139****2222");
	assert_string_equal(
		json_string_value(json_array_get(json_object_get(changes, "residence_type"), 0)),
		"registered");
	assert_string_equal(
		json_string_value(json_array_get(json_object_get(changes, "residence_type"), 1)),
		"floating");
	assert_string_equal(jstr(latest, "actor_name"), "gw1");
	assert_int_equal(strlen(jstr(latest, "at")), 24);
	assert_not_in_body(r, "13900002222");
	assert_not_in_body(r, "13700001111");
	resp_free(r);
	/* The audit record of the change names the fields, not the values. */
	r = getf(aud, "/api/v1/audit?action=resident.update&object_id=%lld", (long long)id);
	assert_int_equal(jint(r->json, "total"), 1);
	assert_not_in_body(r, "13900002222");
	assert_non_null(strstr(r->body, "residence_type"));
	resp_free(r);
	/* A PATCH that changes nothing adds no version. */
	r = call(&S, "PATCH", path, gw1, "{\"residence_type\":\"floating\"}");
	assert_status(r, 200);
	resp_free(r);
	/* Changes are checked like creations: the birth date against the
	 * stored number, the number itself, and its uniqueness. */
	r = call(&S, "PATCH", path, gw1, "{\"birth_date\":\"1982-05-01\"}");
	assert_status(r, 422);
	assert_string_equal(err_field(r), "birth_date");
	resp_free(r);
	char other_id[19], bad_id[19];
	add_resident(gw1, person(hh, "何建安", "male", "1984-08-08", other_id));
	citizen_id(bad_id, ZHUJI, "1982-04-30", 555, true);
	break_check(bad_id);
	r = call(&S, "PATCH", path, gw1, "{\"id_number\":\"%s\"}", bad_id);
	assert_status(r, 422);
	assert_string_equal(err_field(r), "id_number");
	resp_free(r);
	r = call(&S, "PATCH", path, gw1, "{\"id_number\":\"%s\",\"birth_date\":\"1984-08-08\"}",
		 other_id);
	assert_status(r, 409);
	assert_string_equal(err_field(r), "id_number");
	assert_not_in_body(r, other_id);
	resp_free(r);
	r = getf(gw1, "/api/v1/residents/%lld", (long long)id);
	assert_string_equal(jstr(r->json, "birth_date"), "1982-04-30");
	assert_int_equal(jint(r->json, "version"), 2);
	resp_free(r);
	/* An empty phone clears it. */
	r = call(&S, "PATCH", path, gw1, "{\"phone\":\"\"}");
	assert_status(r, 200);
	assert_true(json_is_null(jget(r->json, "phone")));
	resp_free(r);
	r = getf(gw1, "/api/v1/residents?phone=13900002222");
	assert_int_equal(jint(r->json, "total"), 0);
	resp_free(r);
	r = getf(gw1, "/api/v1/residents/%lld/history", (long long)id);
	assert_int_equal(json_array_size(jget(r->json, "versions")), 3);
	json_t *cleared = jget(json_array_get(jget(r->json, "versions"), 0), "changes.phone");
	assert_string_equal(json_string_value(json_array_get(cleared, 0)), "139****2222");
	resp_free(r);

	char out_on[11], in_on[11];
	years_ago(0, -60, out_on);
	years_ago(0, -10, in_on);
	const char *out_path = pathf("/api/v1/residents/%lld/move-out", (long long)id);
	r = call(&S, "POST", out_path, gw1,
		 "{\"on\":\"%s\",\"to\":\"杭州市西湖区\",\"reason\":\"务工\"}", out_on);
	assert_status(r, 200);
	assert_string_equal(jstr(r->json, "status"), "moved_out");
	assert_string_equal(jstr(r->json, "moved_out_on"), out_on);
	resp_free(r);
	r = call(&S, "POST", out_path, gw1, "{\"on\":\"%s\"}", out_on);
	assert_status(r, 409);
	assert_string_equal(err_code(r), "conflict");
	resp_free(r);
	const char *in_path = pathf("/api/v1/residents/%lld/move-in", (long long)id);
	r = call(&S, "POST", in_path, gw1,
		 "{\"on\":\"%s\",\"household_id\":%lld,\"from\":\"杭州市西湖区\"}", in_on,
		 (long long)hh);
	assert_status(r, 200);
	assert_string_equal(jstr(r->json, "status"), "active");
	assert_string_equal(jstr(r->json, "moved_in_on"), in_on);
	resp_free(r);
	r = call(&S, "POST", in_path, gw1, "{\"on\":\"%s\",\"household_id\":%lld}", in_on,
		 (long long)hh);
	assert_status(r, 409);
	resp_free(r);

	r = getf(gw1, "/api/v1/residents/%lld/history", (long long)id);
	json_t *moves = jget(r->json, "moves");
	assert_int_equal(json_array_size(moves), 2);
	assert_string_equal(jstr(moves, "0.kind"), "in");
	assert_string_equal(jstr(moves, "0.on"), in_on);
	assert_string_equal(jstr(moves, "0.place"), "杭州市西湖区");
	assert_string_equal(jstr(moves, "1.kind"), "out");
	assert_string_equal(jstr(moves, "1.on"), out_on);
	assert_string_equal(jstr(moves, "1.reason"), "务工");
	/* Each move is a version too: status old -> new. */
	versions = jget(r->json, "versions");
	assert_int_equal(json_array_size(versions), 5);
	json_t *st = jget(json_array_get(versions, 0), "changes.status");
	assert_string_equal(json_string_value(json_array_get(st, 0)), "moved_out");
	assert_string_equal(json_string_value(json_array_get(st, 1)), "active");
	resp_free(r);
}

/* ---- tags ---- */

static void test_tags_and_who_sees_them(void **state)
{
	(void)state;
	int64_t hh = new_household(comm, new_address(comm, grid1, "枫源路", "80号", NULL), "H80");
	json_t *b = person(hh, "应国强", "male", "1958-07-01", NULL);
	json_object_set_new(b, "tags",
			    json_pack("[{s:s, s:{s:s, s:i}}]", "tag", "disabled", "attrs", "type",
				      "physical", "grade", 2));
	struct resp *r = jsend(comm, "POST", "/api/v1/residents", b);
	assert_status(r, 201);
	int64_t id = jint(r->json, "id");
	assert_int_equal(json_array_size(jget(r->json, "tags")), 1);
	assert_string_equal(jstr(r->json, "tags.0.tag"), "disabled");
	assert_string_equal(jstr(r->json, "tags.0.attrs.type"), "physical");
	assert_int_equal(jint(r->json, "tags.0.attrs.grade"), 2);
	resp_free(r);
	/* A disability needs its grade. */
	b = person(hh, "应国富", "male", "1960-07-01", NULL);
	json_object_set_new(
		b, "tags",
		json_pack("[{s:s, s:{s:s}}]", "tag", "disabled", "attrs", "type", "physical"));
	r = jsend(comm, "POST", "/api/v1/residents", b);
	assert_status(r, 422);
	assert_string_equal(err_field(r), "tags");
	resp_free(r);
	/* A grid worker may not record a judicial tag. */
	b = person(hh, "应国贵", "male", "1961-07-01", NULL);
	json_object_set_new(b, "tags", json_pack("[{s:s}]", "tag", "community_correction"));
	r = jsend(gw1, "POST", "/api/v1/residents", b);
	assert_status(r, 403);
	resp_free(r);

	/* The community worker sets community_correction. */
	const char *cc = pathf("/api/v1/residents/%lld/tags/community_correction", (long long)id);
	r = call(&S, "PUT", cc, comm, "{\"since\":\"2026-01-05\"}");
	assert_status(r, 200);
	assert_true(has_tag(r->json, "community_correction"));
	assert_true(has_tag(r->json, "disabled"));
	resp_free(r);
	const char *who_see[] = {comm, town, county};
	for (size_t i = 0; i < 3; i++) {
		r = getf(who_see[i], "/api/v1/residents/%lld", (long long)id);
		assert_status(r, 200);
		assert_true(has_tag(r->json, "community_correction"));
		/* Each tag with its attributes and the date it applies from. */
		json_t *t;
		size_t k;
		json_array_foreach(jget(r->json, "tags"), k, t)
		{
			if (strcmp(jstr(t, "tag"), "community_correction") == 0) {
				assert_string_equal(jstr(t, "since"), "2026-01-05");
				assert_int_equal(json_object_size(jget(t, "attrs")), 0);
			} else {
				assert_true(json_is_null(jget(t, "since")));
				assert_int_equal(jint(t, "attrs.grade"), 2);
			}
		}
		resp_free(r);
	}
	/* The grid worker and the department officer do not see it anywhere. */
	const char *blind[] = {gw1, dept};
	for (size_t i = 0; i < 2; i++) {
		r = getf(blind[i], "/api/v1/residents/%lld", (long long)id);
		assert_status(r, 200);
		assert_true(has_tag(r->json, "disabled"));
		assert_false(has_tag(r->json, "community_correction"));
		assert_not_in_body(r, "community_correction");
		resp_free(r);
		r = getf(blind[i], "/api/v1/residents?household_id=%lld", (long long)hh);
		assert_status(r, 200);
		assert_true(listed(r, id));
		assert_not_in_body(r, "community_correction");
		resp_free(r);
		r = getf(blind[i], "/api/v1/households/%lld", (long long)hh);
		assert_status(r, 200);
		assert_not_in_body(r, "community_correction");
		resp_free(r);
		/* Filtering by it would reveal who carries it. */
		r = getf(blind[i], "/api/v1/residents?tag=community_correction");
		assert_status(r, 403);
		resp_free(r);
		r = getf(blind[i], "/api/v1/registry/tags");
		assert_status(r, 200);
		assert_not_in_body(r, "community_correction");
		assert_non_null(strstr(r->body, "\"disabled\""));
		resp_free(r);
	}
	r = getf(comm, "/api/v1/residents?tag=community_correction");
	assert_status(r, 200);
	assert_true(listed(r, id));
	resp_free(r);
	r = getf(comm, "/api/v1/registry/tags");
	assert_non_null(strstr(r->body, "community_correction"));
	resp_free(r);
	/* The grid worker can neither set nor remove it. */
	r = call(&S, "PUT", cc, gw1, "{}");
	assert_status(r, 403);
	resp_free(r);
	r = call(&S, "DELETE", cc, gw1, NULL);
	assert_status(r, 403);
	resp_free(r);
	/* Tags they may see: set, refuse bad attributes, unknown tags. */
	r = call(&S, "PUT", pathf("/api/v1/residents/%lld/tags/living_alone", (long long)id), gw1,
		 NULL);
	assert_status(r, 200);
	assert_true(has_tag(r->json, "living_alone"));
	resp_free(r);
	r = call(&S, "PUT", pathf("/api/v1/residents/%lld/tags/disabled", (long long)id), gw1,
		 "{\"attrs\":{\"type\":\"physical\",\"grade\":5}}");
	assert_status(r, 422);
	assert_string_equal(err_field(r), "attrs");
	resp_free(r);
	r = call(&S, "PUT", pathf("/api/v1/residents/%lld/tags/disabled", (long long)id), gw1,
		 "{\"attrs\":{\"type\":\"visual\",\"grade\":1}}");
	assert_status(r, 200);
	resp_free(r);
	r = getf(gw1, "/api/v1/residents/%lld", (long long)id);
	assert_string_equal(jstr(r->json, "tags.0.tag"), "disabled");
	assert_string_equal(jstr(r->json, "tags.0.attrs.type"), "visual");
	assert_int_equal(jint(r->json, "tags.0.attrs.grade"), 1);
	resp_free(r);
	r = call(&S, "PUT", pathf("/api/v1/residents/%lld/tags/wealthy", (long long)id), comm,
		 "{}");
	assert_status(r, 404);
	resp_free(r);
	r = call(&S, "PUT", pathf("/api/v1/residents/%lld/tags/living_alone", (long long)id), gw1,
		 "{\"attrs\":{\"since_when\":1}}");
	assert_status(r, 422);
	assert_string_equal(err_field(r), "attrs");
	resp_free(r);

	/* Removing: once 204, then 404. */
	r = call(&S, "DELETE", cc, comm, NULL);
	assert_status(r, 204);
	resp_free(r);
	r = call(&S, "DELETE", cc, comm, NULL);
	assert_status(r, 404);
	resp_free(r);
	r = getf(comm, "/api/v1/residents/%lld", (long long)id);
	assert_false(has_tag(r->json, "community_correction"));
	assert_true(has_tag(r->json, "living_alone"));
	resp_free(r);
	r = getf(comm, "/api/v1/residents?tag=community_correction");
	assert_false(listed(r, id));
	resp_free(r);
}

/* "A tag a role may not see is left out of every answer" - the history too. */
static void test_hidden_tags_stay_out_of_history(void **state)
{
	(void)state;
	int64_t hh = new_household(comm, new_address(comm, grid1, "枫源路", "81号", NULL), "H81");
	int64_t id = add_resident(comm, person(hh, "应德明", "male", "1975-03-03", NULL));
	struct resp *r = call(&S, "PUT",
			      pathf("/api/v1/residents/%lld/tags/released_prisoner", (long long)id),
			      comm, "{}");
	assert_status(r, 200);
	resp_free(r);
	r = getf(comm, "/api/v1/residents/%lld/history", (long long)id);
	assert_non_null(strstr(r->body, "released_prisoner"));
	resp_free(r);
	r = getf(gw1, "/api/v1/residents/%lld/history", (long long)id);
	long status = r->status;
	bool shown = r->body != NULL && strstr(r->body, "released_prisoner") != NULL;
	if (shown)
		print_error("the grid worker's history shows the hidden tag: %.300s\n", r->body);
	resp_free(r);
	assert_int_equal(status, 200);
	assert_false(shown);
}

/* ---- scope ---- */

static void test_scope(void **state)
{
	(void)state;
	/* 隋 lives in each grid. */
	int64_t a1 = new_address(gw1, grid1, "枫源路", "90号", NULL);
	int64_t h1 = new_household(gw1, a1, "H90");
	int64_t r1 = add_resident(gw1, person(h1, "隋一", "male", "1980-01-01", NULL));
	int64_t a2 = new_address(gw2, grid2, "枫源路", "91号", NULL);
	int64_t h2 = new_household(gw2, a2, "H91");
	int64_t r2 = add_resident(gw2, person(h2, "隋二", "male", "1981-01-01", NULL));
	struct resp *r = getf(gw2, "/api/v1/addresses/%lld", (long long)a2);
	int64_t b2 = jint(r->json, "building_id");
	resp_free(r);
	r = jsend(gw2, "POST", "/api/v1/houses",
		  json_pack("{s:I, s:s, s:s, s:s}", "address_id", (json_int_t)a2, "use",
			    "residential", "ownership", "private", "occupancy", "rented"));
	assert_status(r, 201);
	int64_t house2 = jint(r->json, "id");
	resp_free(r);
	char cc[19];
	credit_code(cc, 4242);
	r = jsend(gw2, "POST", "/api/v1/units",
		  json_pack("{s:s, s:s, s:s, s:I}", "name", "隋记小吃店", "credit_code", cc, "type",
			    "individual_business", "address_id", (json_int_t)a2));
	assert_status(r, 201);
	int64_t unit2 = jint(r->json, "id");
	assert_string_equal(jstr(r->json, "credit_code"), cc);
	resp_free(r);
	char past[11];
	years_ago(0, -3, past);
	r = call(&S, "POST", pathf("/api/v1/households/%lld/visits", (long long)h2), gw2,
		 "{\"visited_on\":\"%s\",\"notes\":\"走访\",\"follow_up\":\"回访\"}", past);
	assert_status(r, 201);
	int64_t visit2 = jint(r->json, "id");
	resp_free(r);

	/* Another grid's objects do not exist for the grid worker. */
	const char *paths[] = {
		pathf("/api/v1/residents/%lld", (long long)r2),
		pathf("/api/v1/residents/%lld/history", (long long)r2),
		pathf("/api/v1/households/%lld", (long long)h2),
		pathf("/api/v1/households/%lld/visits", (long long)h2),
		pathf("/api/v1/buildings/%lld", (long long)b2),
		pathf("/api/v1/addresses/%lld", (long long)a2),
		pathf("/api/v1/houses/%lld", (long long)house2),
		pathf("/api/v1/units/%lld", (long long)unit2),
	};
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		r = call(&S, "GET", paths[i], gw1, NULL);
		if (r->status != 404)
			fail_msg("gw1 GET %s: expected 404, got %ld %.200s", paths[i], r->status,
				 r->body);
		assert_string_equal(err_code(r), "not_found");
		assert_not_in_body(r, "隋二");
		resp_free(r);
	}
	r = call(&S, "PATCH", pathf("/api/v1/residents/%lld", (long long)r2), gw1,
		 "{\"employment\":\"retired\"}");
	assert_status(r, 404);
	resp_free(r);
	r = call(&S, "PATCH", pathf("/api/v1/visits/%lld", (long long)visit2), gw1,
		 "{\"follow_up_done\":true}");
	assert_status(r, 404);
	resp_free(r);
	/* Nor can they put their people there. */
	r = jsend(gw1, "POST", "/api/v1/residents", person(h2, "隋三", "male", "1982-01-01", NULL));
	assert_status(r, 422);
	assert_string_equal(err_field(r), "household_id");
	resp_free(r);

	/* In scope without the permission: 403. */
	r = call(&S, "PATCH", pathf("/api/v1/residents/%lld", (long long)r1), dept,
		 "{\"employment\":\"retired\"}");
	assert_status(r, 403);
	resp_free(r);
	r = jsend(dept, "POST", "/api/v1/residents",
		  person(h1, "隋四", "male", "1983-01-01", NULL));
	assert_status(r, 403);
	resp_free(r);
	r = getf(dept, "/api/v1/residents/%lld", (long long)r2);
	assert_status(r, 200);
	resp_free(r);

	/* Their lists hold their grid only. */
	const char *lists[] = {
		"/api/v1/residents?limit=200", "/api/v1/households?limit=200",
		"/api/v1/buildings?limit=200", "/api/v1/addresses?limit=200",
		"/api/v1/houses?limit=200",    "/api/v1/units?limit=200",
		"/api/v1/visits?limit=200",    pathf("/api/v1/search?q=%s&limit=200", enc("隋"))};
	for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
		r = call(&S, "GET", lists[i], gw1, NULL);
		assert_status(r, 200);
		assert_codes_within(r, code1);
		assert_not_in_body(r, "隋二");
		assert_not_in_body(r, "隋记");
		resp_free(r);
	}
	r = getf(gw1, "/api/v1/search?q=%s&limit=200", enc("隋"));
	assert_int_equal(jint(r->json, "total"), 1);
	assert_string_equal(jstr(r->json, "items.0.label"), "隋一");
	resp_free(r);
	r = getf(gw1, "/api/v1/residents?q=%s&limit=200", enc("隋"));
	assert_int_equal(jint(r->json, "total"), 1);
	assert_true(listed(r, r1));
	resp_free(r);

	/* The community worker sees both grids. */
	r = getf(comm, "/api/v1/residents?limit=200");
	assert_codes_within(r, "330681109290");
	assert_true(listed(r, r1));
	assert_true(listed(r, r2));
	resp_free(r);
	r = getf(comm, "/api/v1/search?q=%s&limit=200", enc("隋"));
	assert_int_equal(jint(r->json, "total"), 3); /* 隋一, 隋二, 隋记小吃店 */
	resp_free(r);
	/* org_id narrows within the scope; outside it the node does not exist. */
	r = getf(comm, "/api/v1/residents?org_id=%lld&limit=200", (long long)grid2);
	assert_status(r, 200);
	assert_codes_within(r, code2);
	assert_true(listed(r, r2));
	assert_false(listed(r, r1));
	resp_free(r);
	r = getf(comm, "/api/v1/households?org_id=%lld&limit=200", (long long)grid2);
	assert_status(r, 200);
	assert_codes_within(r, code2);
	assert_true(listed(r, h2));
	resp_free(r);
	r = getf(comm, "/api/v1/residents?org_id=%lld", (long long)grid3);
	assert_status(r, 404);
	resp_free(r);
	r = getf(gw1, "/api/v1/residents?org_id=%lld", (long long)fengyuan);
	assert_status(r, 404);
	resp_free(r);
	r = getf(gw1, "/api/v1/residents?org_id=%lld", (long long)grid2);
	assert_status(r, 404);
	resp_free(r);
	/* A town officer elsewhere, and the other town's grid worker. */
	const char *elsewhere[] = {town_other, gw3};
	for (size_t i = 0; i < 2; i++) {
		r = getf(elsewhere[i], "/api/v1/residents/%lld", (long long)r1);
		assert_status(r, 404);
		resp_free(r);
		r = getf(elsewhere[i], "/api/v1/households/%lld", (long long)h1);
		assert_status(r, 404);
		resp_free(r);
		r = getf(elsewhere[i], "/api/v1/residents?limit=200");
		assert_status(r, 200);
		assert_codes_within(r, "330681001");
		assert_false(listed(r, r1));
		resp_free(r);
		r = getf(elsewhere[i], "/api/v1/search?q=%s", enc("隋"));
		assert_int_equal(jint(r->json, "total"), 0);
		resp_free(r);
	}
	r = getf(town_other, "/api/v1/registry/stats?org_id=%lld", (long long)fengyuan);
	assert_status(r, 404);
	resp_free(r);
}

/* A resident moved to a household of another grid leaves the first grid
 * worker's view and enters the second's, search included. */
static void test_moving_to_another_grid(void **state)
{
	(void)state;
	int64_t h1 = new_household(gw1, new_address(gw1, grid1, "枫源路", "95号", NULL), "H95");
	int64_t h2 = new_household(gw2, new_address(gw2, grid2, "枫源路", "96号", NULL), "H96");
	int64_t head = add_resident(gw1, person(h1, "符志远", "male", "1970-02-02", NULL));
	json_t *b = person(h1, "符何氏", "female", "1972-02-02", NULL);
	json_object_set_new(b, "relation", json_string("spouse"));
	add_resident(gw1, b);
	struct resp *r = getf(gw1, "/api/v1/households/%lld", (long long)h1);
	assert_int_equal(jint(r->json, "head_id"), head);
	resp_free(r);
	/* The grid worker cannot move someone out of their area... */
	r = call(&S, "PATCH", pathf("/api/v1/residents/%lld", (long long)head), gw1,
		 "{\"household_id\":%lld}", (long long)h2);
	assert_status(r, 422);
	assert_string_equal(err_field(r), "household_id");
	resp_free(r);
	/* ...the community worker can. */
	r = call(&S, "PATCH", pathf("/api/v1/residents/%lld", (long long)head), comm,
		 "{\"household_id\":%lld,\"relation\":\"self\"}", (long long)h2);
	assert_status(r, 200);
	assert_string_equal(jstr(r->json, "code"), code2);
	assert_int_equal(jint(r->json, "household_id"), h2);
	resp_free(r);
	r = getf(gw1, "/api/v1/residents/%lld", (long long)head);
	assert_status(r, 404);
	resp_free(r);
	r = getf(gw2, "/api/v1/residents/%lld", (long long)head);
	assert_status(r, 200);
	resp_free(r);
	r = getf(gw1, "/api/v1/search?q=%s", enc("符志远"));
	assert_int_equal(jint(r->json, "total"), 0);
	resp_free(r);
	r = getf(gw2, "/api/v1/search?q=%s", enc("符志远"));
	assert_int_equal(jint(r->json, "total"), 1);
	resp_free(r);
	r = getf(gw2, "/api/v1/households/%lld", (long long)h2);
	assert_true(item_by_id(jget(r->json, "members"), head) != NULL);
	resp_free(r);
	r = getf(gw1, "/api/v1/households/%lld", (long long)h1);
	assert_int_equal(json_array_size(jget(r->json, "members")), 1);
	resp_free(r);
}

/* A household whose head moved to another grid does not keep naming them:
 * the grid worker of the old grid must not see a person of another grid. */
static void test_a_head_who_moves_away_is_not_shown(void **state)
{
	(void)state;
	int64_t a1 = new_address(gw1, grid1, "枫源路", "97号", NULL);
	int64_t h1 = new_household(gw1, a1, "H97");
	int64_t h2 = new_household(gw2, new_address(gw2, grid2, "枫源路", "98号", NULL), "H98");
	int64_t head = add_resident(gw1, person(h1, "车迁走", "male", "1966-06-06", NULL));
	json_t *b = person(h1, "车留下", "female", "1968-06-06", NULL);
	json_object_set_new(b, "relation", json_string("spouse"));
	add_resident(gw1, b);
	struct resp *r = call(&S, "PATCH", pathf("/api/v1/residents/%lld", (long long)head), comm,
			      "{\"household_id\":%lld}", (long long)h2);
	assert_status(r, 200);
	resp_free(r);
	const char *reads[] = {pathf("/api/v1/households/%lld", (long long)h1),
			       pathf("/api/v1/households?address_id=%lld", (long long)a1),
			       pathf("/api/v1/addresses/%lld", (long long)a1)};
	int leaks = 0;
	for (size_t i = 0; i < 3; i++) {
		r = call(&S, "GET", reads[i], gw1, NULL);
		assert_status(r, 200);
		if (strstr(r->body, "车迁走") != NULL) {
			print_error("GET %s names the former head, now in another grid: %.300s\n",
				    reads[i], r->body);
			leaks++;
		}
		resp_free(r);
	}
	r = getf(gw1, "/api/v1/households/%lld", (long long)h1);
	int64_t head_now = jint(r->json, "head_id");
	resp_free(r);
	assert_int_equal(leaks, 0);
	assert_int_not_equal(head_now, head);
}

/* ---- search and lists ---- */

static void test_chinese_substring_search(void **state)
{
	(void)state;
	int64_t a = new_address(gw1, grid1, "枫源路", "100号", "1201室");
	int64_t hh = new_household(gw1, a, "H100");
	int64_t zhangsan = add_resident(gw1, person(hh, "张三", "male", "1990-05-05", NULL));
	int64_t zhangsi = add_resident(gw1, person(hh, "张四", "male", "1991-05-05", NULL));
	int64_t lisan = add_resident(gw1, person(hh, "李三", "male", "1992-05-05", NULL));
	struct {
		const char *q;
		bool z3, z4, l3;
	} cases[] = {
		{"张", true, true, false},     {"三", true, false, true},
		{"张三", true, false, false},  {"四", false, true, false},
		{"李张", false, false, false},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct resp *r = getf(gw1, "/api/v1/residents?q=%s&limit=200", enc(cases[i].q));
		assert_status(r, 200);
		if (listed(r, zhangsan) != cases[i].z3 || listed(r, zhangsi) != cases[i].z4 ||
		    listed(r, lisan) != cases[i].l3)
			fail_msg("q=%s: %.400s", cases[i].q, r->body);
		resp_free(r);
		r = getf(gw1, "/api/v1/search?q=%s&limit=200", enc(cases[i].q));
		assert_status(r, 200);
		if (listed(r, zhangsan) != cases[i].z3)
			fail_msg("search q=%s: %.400s", cases[i].q, r->body);
		resp_free(r);
	}
	/* Addresses are searched too: 枫源 finds the address on 枫源路. */
	struct resp *r = getf(gw1, "/api/v1/search?q=%s&limit=200", enc("枫源"));
	assert_status(r, 200);
	json_t *hit = NULL;
	size_t i;
	json_t *v;
	json_array_foreach(jget(r->json, "items"), i, v)
	{
		if (jint(v, "id") == a && strcmp(jstr(v, "kind"), "address") == 0)
			hit = v;
	}
	assert_non_null(hit);
	assert_string_equal(jstr(hit, "label"), "枫源路 100号 1201室");
	assert_string_equal(jstr(hit, "code"), code1);
	resp_free(r);
	/* Numbers in an address are words: 1201 finds it. */
	r = getf(gw1, "/api/v1/search?q=1201");
	assert_true(jint(r->json, "total") >= 1);
	resp_free(r);
	/* Nothing searchable in q is refused. */
	r = getf(gw1, "/api/v1/search?q=%s", enc("，。"));
	assert_status(r, 422);
	assert_string_equal(err_field(r), "q");
	resp_free(r);
}

static void test_exact_number_lookup(void **state)
{
	(void)state;
	int64_t hh = new_household(gw1, new_address(gw1, grid1, "枫源路", "110号", NULL), "H110");
	char idn[19];
	json_t *b = person(hh, "楼志强", "male", "1977-10-10", idn);
	json_object_set_new(b, "phone", json_string("13655550001"));
	int64_t id = add_resident(gw1, b);
	add_resident(gw1, person(hh, "楼志刚", "male", "1979-10-10", NULL));
	struct resp *r = getf(gw1, "/api/v1/residents?id_number=%s", idn);
	assert_status(r, 200);
	assert_int_equal(jint(r->json, "total"), 1);
	assert_int_equal(jint(r->json, "items.0.id"), id);
	resp_free(r);
	r = getf(gw1, "/api/v1/residents?phone=13655550001");
	assert_status(r, 200);
	assert_int_equal(jint(r->json, "total"), 1);
	assert_int_equal(jint(r->json, "items.0.id"), id);
	resp_free(r);
	/* Part of a number finds nothing. */
	r = getf(gw1, "/api/v1/residents?id_number=%.14s", idn);
	assert_status(r, 200);
	assert_int_equal(jint(r->json, "total"), 0);
	resp_free(r);
	r = getf(gw1, "/api/v1/residents?id_number=%s", idn + 6);
	assert_status(r, 200);
	assert_int_equal(jint(r->json, "total"), 0);
	resp_free(r);
	r = getf(gw1, "/api/v1/residents?q=%.10s", idn);
	assert_int_equal(jint(r->json, "total"), 0);
	resp_free(r);
	r = getf(gw1, "/api/v1/residents?phone=1365555");
	assert_status(r, 422);
	assert_string_equal(err_field(r), "phone");
	resp_free(r);
	r = getf(gw1, "/api/v1/residents?phone=13655550002");
	assert_int_equal(jint(r->json, "total"), 0);
	resp_free(r);
	/* Exact look-ups stay within the scope. */
	r = getf(gw2, "/api/v1/residents?id_number=%s", idn);
	assert_status(r, 200);
	assert_int_equal(jint(r->json, "total"), 0);
	resp_free(r);
	r = getf(comm, "/api/v1/residents?id_number=%s", idn);
	assert_int_equal(jint(r->json, "total"), 1);
	resp_free(r);
}

static void test_filters_and_pagination(void **state)
{
	(void)state;
	int64_t hh = new_household(comm, new_address(comm, grid1, "枫源路", "120号", NULL), "H120");
	/* Ages on either side of 18 and 60 (birthdays today and tomorrow). */
	int64_t p17 = add_aged(comm, hh, "宣十七", 18, 1, "child", NULL);
	int64_t p18 = add_aged(comm, hh, "宣十八", 18, 0, "child", "permanent");
	int64_t p59 = add_aged(comm, hh, "宣五九", 60, 1, "self", "floating");
	int64_t p60 = add_aged(comm, hh, "宣六十", 60, 0, "spouse", NULL);
	int64_t p85 = add_aged(comm, hh, "宣八五", 85, 0, "parent", NULL);
	struct resp *r =
		call(&S, "PUT", pathf("/api/v1/residents/%lld/tags/living_alone", (long long)p18),
		     comm, NULL);
	assert_status(r, 200);
	resp_free(r);
	r = getf(comm, "/api/v1/residents?household_id=%lld", (long long)hh);
	assert_int_equal(jint(r->json, "total"), 5);
	json_t *items = jget(r->json, "items");
	assert_int_equal(jint(item_by_id(items, p17), "age"), 17);
	assert_int_equal(jint(item_by_id(items, p18), "age"), 18);
	assert_int_equal(jint(item_by_id(items, p59), "age"), 59);
	assert_int_equal(jint(item_by_id(items, p60), "age"), 60);
	assert_int_equal(jint(item_by_id(items, p85), "age"), 85);
	resp_free(r);

	struct {
		const char *query;
		int64_t expect[5];
	} cases[] = {
		{"age_min=18&age_max=59", {p18, p59}},
		{"age_min=60", {p60, p85}},
		{"age_max=17", {p17}},
		{"age_min=80", {p85}},
		{"age_min=17&age_max=18", {p17, p18}},
		{"residence_type=floating", {p59}},
		{"residence_type=permanent", {p18}},
		{"tag=living_alone", {p18}},
		{"tag=living_alone&age_min=19", {0}},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		r = getf(comm, "/api/v1/residents?household_id=%lld&%s", (long long)hh,
			 cases[i].query);
		assert_status(r, 200);
		size_t n = 0;
		while (n < 5 && cases[i].expect[n] != 0)
			n++;
		bool ok = jint(r->json, "total") == (int64_t)n &&
			  json_array_size(jget(r->json, "items")) == n;
		for (size_t k = 0; k < n; k++)
			ok = ok && listed(r, cases[i].expect[k]);
		if (!ok)
			fail_msg("%s: expected %zu residents, got %.400s", cases[i].query, n,
				 r->body);
		resp_free(r);
	}
	r = getf(comm, "/api/v1/residents?household_id=%lld&age_min=60&age_max=18", (long long)hh);
	assert_status(r, 422);
	assert_string_equal(err_field(r), "age_max");
	resp_free(r);

	/* Status: moved-out residents leave the default list. */
	r = call(&S, "POST", pathf("/api/v1/residents/%lld/move-out", (long long)p85), comm,
		 "{\"on\":\"2026-01-10\",\"to\":\"养老院\"}");
	assert_status(r, 200);
	resp_free(r);
	r = getf(comm, "/api/v1/residents?household_id=%lld", (long long)hh);
	assert_int_equal(jint(r->json, "total"), 4);
	assert_false(listed(r, p85));
	resp_free(r);
	r = getf(comm, "/api/v1/residents?household_id=%lld&status=moved_out", (long long)hh);
	assert_int_equal(jint(r->json, "total"), 1);
	assert_true(listed(r, p85));
	resp_free(r);
	r = getf(comm, "/api/v1/residents?household_id=%lld&status=any", (long long)hh);
	assert_int_equal(jint(r->json, "total"), 5);
	resp_free(r);

	/* Pages of two: every active member exactly once, the total on each page. */
	int64_t seen[6] = {0};
	size_t nseen = 0;
	for (int offset = 0; offset <= 4; offset += 2) {
		r = getf(comm, "/api/v1/residents?household_id=%lld&limit=2&offset=%d",
			 (long long)hh, offset);
		assert_status(r, 200);
		assert_int_equal(jint(r->json, "total"), 4);
		assert_int_equal(jint(r->json, "limit"), 2);
		assert_int_equal(jint(r->json, "offset"), offset);
		size_t n = json_array_size(jget(r->json, "items"));
		assert_int_equal(n, offset < 4 ? 2 : 0);
		for (size_t k = 0; k < n; k++) {
			int64_t id = jint(r->json, pathf("items.%zu.id", k));
			for (size_t j = 0; j < nseen; j++)
				assert_int_not_equal(seen[j], id);
			seen[nseen++] = id;
		}
		resp_free(r);
	}
	assert_int_equal(nseen, 4);
	r = getf(comm, "/api/v1/residents?limit=201");
	assert_status(r, 422);
	assert_string_equal(err_field(r), "limit");
	resp_free(r);
	r = getf(comm, "/api/v1/residents?color=red");
	assert_status(r, 422);
	assert_string_equal(err_field(r), "color");
	resp_free(r);
}

/* ---- statistics ---- */

static json_t *stats_row(json_t *stats, const char *code)
{
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(stats, "children"), i, v)
	{
		if (strcmp(jstr(v, "code"), code) == 0)
			return v;
	}
	return NULL;
}

static void test_statistics(void **state)
{
	(void)state;
	/* 天竺社区 (of 枫桥镇) holds only what this test creates. */
	char ca[16], cb[16];
	int64_t ga = new_grid(town, tianzhu, "天竺东片", ca);
	int64_t gb = new_grid(town, tianzhu, "天竺西片", cb);
	int64_t ha = new_household(town, new_address(town, ga, "天竺路", "1号", NULL), "TA1");
	int64_t hb = new_household(town, new_address(town, gb, "天竺路", "2号", NULL), "TB1");
	/* Ages on either side of each band's edge (birthdays tomorrow and today). */
	add_aged(town, ha, "冯十七", 18, 1, "child", NULL);
	int64_t r18 = add_aged(town, ha, "冯十八", 18, 0, "self", NULL);
	add_aged(town, ha, "冯五九", 60, 1, "parent", "floating");
	int64_t r60 = add_aged(town, hb, "冯六十", 60, 0, "self", "permanent");
	add_aged(town, hb, "冯七九", 80, 1, "parent", "floating");
	add_aged(town, hb, "冯八十", 80, 0, "grandparent", NULL);
	int64_t gone = add_aged(town, hb, "冯离开", 45, 0, "child", NULL);
	struct resp *r =
		call(&S, "PUT", pathf("/api/v1/residents/%lld/tags/disabled", (long long)r18), town,
		     "{\"attrs\":{\"type\":\"hearing\",\"grade\":3}}");
	assert_status(r, 200);
	resp_free(r);
	r = call(&S, "PUT",
		 pathf("/api/v1/residents/%lld/tags/community_correction", (long long)r60), town,
		 "{}");
	assert_status(r, 200);
	resp_free(r);
	r = call(&S, "POST", pathf("/api/v1/residents/%lld/move-out", (long long)gone), town,
		 "{\"on\":\"2026-01-10\"}");
	assert_status(r, 200);
	resp_free(r);

	r = getf(town, "/api/v1/registry/stats?org_id=%lld", (long long)tianzhu);
	assert_status(r, 200);
	assert_string_equal(jstr(r->json, "node.code"), "330681109002");
	json_t *a = stats_row(r->json, ca), *b = stats_row(r->json, cb);
	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal(json_array_size(jget(r->json, "children")), 2);
	assert_string_equal(jstr(a, "name"), "天竺东片");
	assert_int_equal(jint(a, "residents"), 3);
	assert_int_equal(jint(a, "by_residence_type.registered"), 2);
	assert_int_equal(jint(a, "by_residence_type.floating"), 1);
	assert_int_equal(jint(a, "by_residence_type.permanent"), 0);
	assert_int_equal(jint(a, "by_age_band.0-17"), 1);
	assert_int_equal(jint(a, "by_age_band.18-59"), 2);
	assert_int_equal(jint(a, "by_age_band.60-79"), 0);
	assert_int_equal(jint(a, "by_age_band.80+"), 0);
	assert_int_equal(jint(a, "by_tag.disabled"), 1);
	assert_int_equal(jint(a, "households"), 1);
	assert_int_equal(jint(a, "buildings"), 1);
	assert_int_equal(jint(b, "residents"), 3); /* the one who moved out is not counted */
	assert_int_equal(jint(b, "by_residence_type.permanent"), 1);
	assert_int_equal(jint(b, "by_residence_type.floating"), 1);
	assert_int_equal(jint(b, "by_residence_type.registered"), 1);
	assert_int_equal(jint(b, "by_age_band.18-59"), 0);
	assert_int_equal(jint(b, "by_age_band.60-79"), 2);
	assert_int_equal(jint(b, "by_age_band.80+"), 1);
	assert_int_equal(jint(b, "by_tag.community_correction"), 1);
	assert_int_equal(jint(r->json, "total.residents"), 6);
	assert_int_equal(jint(r->json, "total.by_age_band.80+"), 1);
	assert_int_equal(jint(r->json, "total.households"), 2);
	assert_int_equal(jint(r->json, "total.by_tag.community_correction"), 1);
	resp_free(r);

	/* The department officer sees the counts, but not the judicial tag. */
	r = getf(dept, "/api/v1/registry/stats?org_id=%lld", (long long)tianzhu);
	assert_status(r, 200);
	a = stats_row(r->json, ca);
	b = stats_row(r->json, cb);
	assert_int_equal(jint(a, "by_tag.disabled"), 1);
	assert_int_equal(jint(b, "residents"), 3);
	assert_null(jget(b, "by_tag.community_correction"));
	assert_not_in_body(r, "community_correction");
	resp_free(r);
	/* The town's rows cover its communities; 枫源's worker cannot ask for 天竺. */
	r = getf(town, "/api/v1/registry/stats");
	assert_status(r, 200);
	assert_string_equal(jstr(r->json, "node.code"), "330681109");
	json_t *row = stats_row(r->json, "330681109002");
	assert_non_null(row);
	assert_int_equal(jint(row, "residents"), 6);
	assert_int_equal(jint(row, "by_tag.community_correction"), 1);
	int64_t town_id = jint(r->json, "node.id");
	char computed[40];
	snprintf(computed, sizeof(computed), "%s", jstr(r->json, "computed_at"));
	resp_free(r);
	/* The town's figures are kept with every tag; the department officer
	 * reading the same kept copy still does not see the judicial one. */
	r = getf(dept, "/api/v1/registry/stats?org_id=%lld", (long long)town_id);
	assert_status(r, 200);
	assert_int_equal(jint(stats_row(r->json, "330681109002"), "residents"), 6);
	assert_not_in_body(r, "community_correction");
	resp_free(r);
	/* A minute later the kept copy is still answered at once, and the next
	 * one is computed behind it. */
	srv_clock(&S, 61);
	r = getf(town, "/api/v1/registry/stats");
	assert_status(r, 200);
	assert_string_equal(jstr(r->json, "computed_at"), computed);
	resp_free(r);
	bool refreshed = false;
	for (int i = 0; i < 100 && !refreshed; i++) {
		r = getf(town, "/api/v1/registry/stats");
		refreshed = strcmp(jstr(r->json, "computed_at"), computed) != 0;
		resp_free(r);
		if (!refreshed) {
			struct timespec ts = {0, 20 * 1000 * 1000};
			nanosleep(&ts, NULL);
		}
	}
	assert_true(refreshed);
	srv_clock(&S, 0);
	r = getf(comm, "/api/v1/registry/stats?org_id=%lld", (long long)tianzhu);
	assert_status(r, 404);
	resp_free(r);
	/* A grid worker's statistics are their grid's. */
	r = getf(gw1, "/api/v1/registry/stats?org_id=%lld", (long long)grid1);
	assert_status(r, 200);
	assert_true(jint(r->json, "total.residents") > 0);
	assert_not_in_body(r, "community_correction");
	resp_free(r);
}

/* ---- visits ---- */

static void test_visits(void **state)
{
	(void)state;
	int64_t hh = new_household(gw1, new_address(gw1, grid1, "枫源路", "130号", NULL), "H130");
	add_aged(gw1, hh, "边阿婆", 82, 0, "self", NULL);
	char today[11], tomorrow[11], last_week[11];
	years_ago(0, 0, today);
	years_ago(0, 1, tomorrow);
	years_ago(0, -7, last_week);
	const char *path = pathf("/api/v1/households/%lld/visits", (long long)hh);
	struct resp *r = call(&S, "POST", path, gw1,
			      "{\"visited_on\":\"%s\",\"notes\":\"提前登记\"}", tomorrow);
	assert_status(r, 422);
	assert_string_equal(err_field(r), "visited_on");
	resp_free(r);
	r = call(&S, "POST", path, gw1,
		 "{\"visited_on\":\"%s\",\"notes\":\"独居老人，身体尚可\",\"follow_up\":"
		 "\"联系社区医生上门\"}",
		 today);
	assert_status(r, 201);
	int64_t v1 = jint(r->json, "id");
	assert_string_equal(jstr(r->json, "visitor_name"), "gw1");
	assert_string_equal(jstr(r->json, "visited_on"), today);
	assert_string_equal(jstr(r->json, "follow_up"), "联系社区医生上门");
	assert_true(json_is_false(jget(r->json, "follow_up_done")));
	resp_free(r);
	r = call(&S, "POST", path, gw1, "{\"visited_on\":\"%s\",\"notes\":\"送米送油\"}",
		 last_week);
	assert_status(r, 201);
	int64_t v2 = jint(r->json, "id");
	resp_free(r);
	/* Without visit.write: 403. */
	r = call(&S, "POST", path, dept, "{\"visited_on\":\"%s\",\"notes\":\"部门走访\"}", today);
	assert_status(r, 403);
	resp_free(r);
	r = call(&S, "POST", path, gw2, "{\"visited_on\":\"%s\",\"notes\":\"越界走访\"}", today);
	assert_status(r, 404);
	resp_free(r);

	r = getf(gw1, "/api/v1/households/%lld/visits", (long long)hh);
	assert_status(r, 200);
	assert_int_equal(json_array_size(jget(r->json, "items")), 2);
	assert_int_equal(jint(r->json, "items.0.id"), v1); /* newest first */
	assert_int_equal(jint(r->json, "items.1.id"), v2);
	resp_free(r);
	r = getf(gw1, "/api/v1/households/%lld", (long long)hh);
	assert_int_equal(json_array_size(jget(r->json, "visits")), 2);
	resp_free(r);
	r = getf(gw1, "/api/v1/visits?pending=true&limit=200");
	assert_status(r, 200);
	assert_true(listed(r, v1));
	assert_false(listed(r, v2)); /* no follow-up */
	resp_free(r);
	r = getf(comm, "/api/v1/visits?pending=true&limit=200");
	assert_true(listed(r, v1));
	resp_free(r);

	const char *vpath = pathf("/api/v1/visits/%lld", (long long)v1);
	r = call(&S, "PATCH", vpath, dept, "{\"follow_up_done\":true}");
	assert_status(r, 403);
	resp_free(r);
	r = call(&S, "PATCH", vpath, gw1, "{\"follow_up_done\":true}");
	assert_status(r, 200);
	assert_true(json_is_true(jget(r->json, "follow_up_done")));
	resp_free(r);
	r = getf(gw1, "/api/v1/visits?pending=true&limit=200");
	assert_false(listed(r, v1));
	resp_free(r);
	r = getf(gw1, "/api/v1/visits?limit=200");
	assert_true(listed(r, v1));
	assert_true(listed(r, v2));
	resp_free(r);
}

/* ---- audited reads ---- */

static void test_reads_are_audited(void **state)
{
	(void)state;
	int64_t hh = new_household(gw1, new_address(gw1, grid1, "枫源路", "140号", NULL), "H140");
	int64_t id = add_resident(gw1, person(hh, "屠文", "female", "1999-09-09", NULL));
	struct resp *r = getf(gw1, "/api/v1/residents/%lld", (long long)id);
	assert_status(r, 200);
	char rid[64];
	snprintf(rid, sizeof(rid), "%s", resp_header(r, "X-Request-Id"));
	resp_free(r);
	json_t *rec = NULL;
	for (int tries = 0; tries < 50 && rec == NULL; tries++) {
		r = getf(aud, "/api/v1/audit?action=resident.read&object_id=%lld", (long long)id);
		assert_status(r, 200);
		if (jint(r->json, "total") > 0)
			rec = json_incref(jget(r->json, "items.0"));
		resp_free(r);
		if (rec == NULL) {
			struct timespec ts = {0, 20 * 1000 * 1000};
			nanosleep(&ts, NULL);
		}
	}
	if (rec == NULL)
		fail_msg("no resident.read record for %lld within a second", (long long)id);
	assert_string_equal(jstr(rec, "actor_name"), "gw1");
	assert_string_equal(jstr(rec, "role"), "grid_worker");
	assert_string_equal(jstr(rec, "object_type"), "resident");
	assert_string_equal(jstr(rec, "object_id"), pathf("%lld", (long long)id));
	assert_string_equal(jstr(rec, "request_id"), rid);
	json_decref(rec);
	/* A unit's card names its contact: reading it is recorded too. */
	r = jsend(gw1, "POST", "/api/v1/units",
		  json_pack("{s:s, s:s, s:s, s:s, s:I}", "name", "屠记茶馆", "type",
			    "individual_business", "contact_name", "屠文", "phone", "13905751234",
			    "address_id",
			    (json_int_t)new_address(gw1, grid1, "枫源路", "141号", NULL)));
	assert_status(r, 201);
	int64_t unit = jint(r->json, "id");
	resp_free(r);
	resp_free(getf(gw1, "/api/v1/units/%lld", (long long)unit));
	int64_t seen = 0;
	for (int tries = 0; tries < 50 && seen == 0; tries++) {
		r = getf(aud, "/api/v1/audit?action=unit.read&object_id=%lld", (long long)unit);
		seen = jint(r->json, "total");
		resp_free(r);
		if (seen == 0) {
			struct timespec ts = {0, 20 * 1000 * 1000};
			nanosleep(&ts, NULL);
		}
	}
	assert_int_equal(seen, 1);
	/* A list records which residents it showed. */
	r = getf(gw1, "/api/v1/residents?household_id=%lld", (long long)hh);
	snprintf(rid, sizeof(rid), "%s", resp_header(r, "X-Request-Id"));
	resp_free(r);
	rec = NULL;
	for (int tries = 0; tries < 50 && rec == NULL; tries++) {
		r = getf(aud, "/api/v1/audit?action=resident.list&actor=gw1&limit=20");
		size_t i;
		json_t *v;
		json_array_foreach(jget(r->json, "items"), i, v)
		{
			if (rec == NULL && strcmp(jstr(v, "request_id"), rid) == 0)
				rec = json_incref(v);
		}
		resp_free(r);
		if (rec == NULL) {
			struct timespec ts = {0, 20 * 1000 * 1000};
			nanosleep(&ts, NULL);
		}
	}
	if (rec == NULL)
		fail_msg("no resident.list record for request %s", rid);
	assert_int_equal(json_array_size(jget(rec, "detail.ids")), 1);
	assert_int_equal(jint(rec, "detail.ids.0"), id);
	json_decref(rec);
}

int main(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_addresses_and_buildings),
		cmocka_unit_test(test_houses),
		cmocka_unit_test(test_units),
		cmocka_unit_test(test_households_and_head),
		cmocka_unit_test(test_a_later_self_member_keeps_the_head),
		cmocka_unit_test(test_resident_validation),
		cmocka_unit_test(test_masking_in_every_read),
		cmocka_unit_test(test_unmask),
		cmocka_unit_test(test_unmask_roles_are_configurable),
		cmocka_unit_test(test_versions_and_moves),
		cmocka_unit_test(test_tags_and_who_sees_them),
		cmocka_unit_test(test_hidden_tags_stay_out_of_history),
		cmocka_unit_test(test_scope),
		cmocka_unit_test(test_moving_to_another_grid),
		cmocka_unit_test(test_a_head_who_moves_away_is_not_shown),
		cmocka_unit_test(test_chinese_substring_search),
		cmocka_unit_test(test_exact_number_lookup),
		cmocka_unit_test(test_filters_and_pagination),
		cmocka_unit_test(test_statistics),
		cmocka_unit_test(test_visits),
		cmocka_unit_test(test_reads_are_audited),
	};
	int rc = cmocka_run_group_tests_name("api_registry", tests, setup, teardown);
	curl_global_cleanup();
	return rc;
}
