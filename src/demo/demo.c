/*
 * Demo builder.  Everything is deterministic: the same division data gives
 * the same grids, codes and polygons on every run, so screenshots and tests
 * can name them.
 */
#include "demo/demo.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/error.h"
#include "core/str.h"
#include "org/divisions.h"
#include "org/org.h"

/* Approximate south-west corner of the county; the layout is synthetic. */
#define ORIGIN_LON 119.95
#define ORIGIN_LAT 29.45
#define TOWN_W 0.11
#define TOWN_H 0.09
#define TOWN_COLS 5

struct community {
	int64_t id;
	char code[16];
	char name[128];
};

/* "枫源村委会" -> "枫源村", "天竺社区居委会" -> "天竺社区". */
static void short_name(const char *name, char *out, size_t len)
{
	static const struct {
		const char *suffix, *keep;
	} rules[] = {
		{"居民委员会", ""},
		{"村民委员会", "村"},
		{"居委会", ""},
		{"村委会", "村"},
	};
	snprintf(out, len, "%s", name);
	size_t n = strlen(out);
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		size_t sl = strlen(rules[i].suffix);
		if (n > sl && strcmp(out + n - sl, rules[i].suffix) == 0) {
			out[n - sl] = '\0';
			strncat(out, rules[i].keep, len - strlen(out) - 1);
			return;
		}
	}
}

static uint32_t hash_code(const char *s)
{
	uint32_t h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static json_t *rect(double lon0, double lat0, double lon1, double lat1)
{
	double r[5][2] = {{lon0, lat0}, {lon1, lat0}, {lon1, lat1}, {lon0, lat1}, {lon0, lat0}};
	json_t *ring = json_array();
	for (int i = 0; i < 5; i++)
		json_array_append_new(ring, json_pack("[f, f]", round(r[i][0] * 1e6) / 1e6,
						      round(r[i][1] * 1e6) / 1e6));
	return json_pack("{s:s, s:[o]}", "type", "Polygon", "coordinates", ring);
}

/* Grids for every community of one town laid out inside the town's cell. */
static int town_grids(struct db *db, int64_t town_id, int town_index, int64_t *made,
		      char *first_grid, size_t fglen)
{
	struct community cs[256];
	size_t n = 0;
	sqlite3_stmt *st = db_stmt(db, "SELECT id, code, name FROM org WHERE parent_id = ? AND "
				       "level = 'community' ORDER BY code");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, town_id);
	while (sqlite3_step(st) == SQLITE_ROW && n < 256) {
		cs[n].id = sqlite3_column_int64(st, 0);
		snprintf(cs[n].code, sizeof(cs[n].code), "%s", db_col_text(st, 1));
		snprintf(cs[n].name, sizeof(cs[n].name), "%s", db_col_text(st, 2));
		n++;
	}
	sqlite3_reset(st);
	if (n == 0)
		return RC_OK;
	double tx = ORIGIN_LON + (town_index % TOWN_COLS) * TOWN_W;
	double ty = ORIGIN_LAT + (town_index / TOWN_COLS) * TOWN_H;
	int cols = (int)ceil(sqrt((double)n));
	int rows = (int)((n + (size_t)cols - 1) / (size_t)cols);
	double cw = TOWN_W * 0.96 / cols, ch = TOWN_H * 0.96 / rows;
	for (size_t i = 0; i < n; i++) {
		double cx = tx + TOWN_W * 0.02 + (double)(i % (size_t)cols) * cw;
		double cy = ty + TOWN_H * 0.02 + (double)(i / (size_t)cols) * ch;
		int k = 2 + (int)(hash_code(cs[i].code) % 3);
		char base[128];
		short_name(cs[i].name, base, sizeof(base));
		for (int g = 0; g < k; g++) {
			char code[16], name[192];
			snprintf(code, sizeof(code), "%s%03d", cs[i].code, g + 1);
			snprintf(name, sizeof(name), "%s第%d网格", base, g + 1);
			json_t *poly = rect(cx + cw * g / k, cy, cx + cw * (g + 1) / k - cw * 0.01,
					    cy + ch * 0.98);
			char *text = json_dumps(poly, JSON_COMPACT);
			json_decref(poly);
			char phone[24];
			snprintf(phone, sizeof(phone), "0575-8%07u", hash_code(code) % 10000000u);
			int64_t id;
			int rc = org_insert(db, cs[i].id, "grid", code, name, text, phone, &id);
			free(text);
			if (rc != RC_OK)
				return rc;
			if (first_grid[0] == '\0' && strcmp(cs[i].code, "330681109290") == 0)
				snprintf(first_grid, fglen, "%s", code);
			(*made)++;
		}
	}
	return RC_OK;
}

struct demo_account {
	const char *username, *display_name, *role, *org_code;
};

int demo_build(struct db *db, const char *dir, const char *password)
{
	char err[512];
	struct divisions_stats s;
	int rc = divisions_import(db, dir, DEMO_COUNTY, &s, err, sizeof(err), NULL);
	if (rc != RC_OK) {
		fprintf(stderr, "import divisions: %s\n", err);
		return rc;
	}
	printf("imported %lld division nodes of 诸暨市 (%s): %lld towns, %lld communities and "
	       "villages\n",
	       (long long)s.read, DEMO_COUNTY, (long long)s.by_level[3], (long long)s.by_level[4]);

	int64_t grids = 0;
	char first_grid[16] = "";
	rc = db_begin(db);
	if (rc != RC_OK)
		return rc;
	sqlite3_stmt *st = db_stmt(
		db,
		"SELECT id FROM org WHERE level = 'town' AND code LIKE '330681%' ORDER BY code");
	int64_t towns[64];
	int nt = 0;
	while (st != NULL && sqlite3_step(st) == SQLITE_ROW && nt < 64)
		towns[nt++] = sqlite3_column_int64(st, 0);
	if (st != NULL)
		sqlite3_reset(st);
	for (int i = 0; i < nt && rc == RC_OK; i++)
		rc = town_grids(db, towns[i], i, &grids, first_grid, sizeof(first_grid));
	if (rc == RC_OK) {
		json_t *d = json_pack("{s:I}", "grids", (json_int_t)grids);
		rc = cli_audit(db, "demo.grids", "org", DEMO_COUNTY, 0, d);
		json_decref(d);
	}
	if (rc == RC_OK)
		rc = db_commit(db);
	else
		db_rollback(db);
	if (rc != RC_OK)
		return rc;
	printf("created %lld grids with boundaries and supervision phones\n", (long long)grids);

	const struct demo_account accounts[] = {
		{"sysadmin", "系统管理员", "sysadmin", NULL},
		{"secadmin", "安全管理员", "secadmin", NULL},
		{"auditor", "安全审计员", "auditor", NULL},
		{"county", "王建华", "county_officer", "330681"},
		{"department", "李明", "department_officer", "330681"},
		{"town", "陈立新", "town_officer", "330681109"},
		{"community", "杨丽萍", "community_worker", "330681109290"},
		{"grid", "赵小燕", "grid_worker", first_grid},
		{"property", "周伟", "property_staff", "330681109290"},
		{"socialorg", "吴芳", "org_staff", "330681109"},
		{"volunteer", "郑浩", "volunteer", "330681109290"},
		{"resident", "孙大伟", "resident", first_grid},
	};
	printf("\n%-12s %-20s %-12s %-16s %s\n", "username", "role", "name", "at", "password");
	for (size_t i = 0; i < sizeof(accounts) / sizeof(accounts[0]); i++) {
		const struct demo_account *a = &accounts[i];
		char pw[130];
		rc = cli_create_account(db, a->username, a->display_name, password, a->role,
					a->org_code, pw, sizeof(pw));
		if (rc != RC_OK)
			return rc;
		printf("%-12s %-20s ", a->username, a->role);
		cli_print_padded(a->display_name, 12);
		printf(" %-16s %s\n", a->org_code ? a->org_code : "(whole system)", pw);
	}

	/* Post the demo grid worker on their grid with a public phone. */
	struct arena ar = {0};
	struct org_node g;
	rc = org_get_by_code(db, &ar, first_grid, &g);
	if (rc == RC_OK)
		rc = db_begin(db);
	if (rc == RC_OK) {
		sqlite3_stmt *u = db_stmt(db, "SELECT id FROM users WHERE username = 'grid'");
		int64_t uid = (u && sqlite3_step(u) == SQLITE_ROW) ? sqlite3_column_int64(u, 0) : 0;
		if (u)
			sqlite3_reset(u);
		rc = org_grid_worker_set(db, g.id, uid, "13800000001", 0);
		if (rc == RC_OK)
			rc = cli_audit(db, "grid.assign", "org", g.code, g.id, NULL);
		if (rc == RC_OK)
			rc = db_commit(db);
		else
			db_rollback(db);
	}
	arena_free(&ar);
	return rc;
}
