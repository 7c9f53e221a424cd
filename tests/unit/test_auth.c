/*
 * Unit tests of accounts and authorisation: the role catalogue
 * (auth/roles.h), the data-scope rule (auth/principal.h), account storage and
 * its rules (auth/users.h) and the tamper-evident audit log (auth/audit.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "auth/audit.h"
#include "auth/principal.h"
#include "auth/roles.h"
#include "auth/users.h"
#include "core/arena.h"
#include "core/error.h"
#include "core/secure.h"
#include "db/db.h"
#include "db/migrate.h"
#include "org/org.h"

/* ---- fixtures ---- */

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

static void rm_tree(const char *dir)
{
	nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static const unsigned char test_key[SEC_KEY_BYTES] = {
	0x67, 0x72, 0x61, 0x73, 0x73, 0x72, 0x6f, 0x6f, 0x74, 0x73, 0x2d,
	0x74, 0x65, 0x73, 0x74, 0x2d, 0x6b, 0x65, 0x79, 0x2d, 0x30, 0x31,
	0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x61, 0x62,
};

struct fx {
	char dir[32];
	struct db *db;
	struct arena a;
};

static int group_setup(void **state)
{
	(void)state;
	sec_key_set(test_key);
	return 0;
}

static int db_setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	if (f == NULL)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/gr-auth-XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		goto fail;
	char path[64];
	snprintf(path, sizeof(path), "%s/test.db", f->dir);
	struct db_options o = {.path = path, .synchronous_normal = true, .create = true};
	int applied;
	if (db_open(&o, &f->db) != RC_OK)
		goto fail;
	if (migrate_to(f->db, -1, &applied) != RC_OK)
		goto fail;
	sec_key_set(test_key);
	*state = f;
	return 0;
fail:
	if (f->db)
		db_close(f->db);
	rm_tree(f->dir);
	free(f);
	return -1;
}

static int db_teardown(void **state)
{
	struct fx *f = *state;
	db_release(f->db);
	db_close(f->db);
	arena_free(&f->a);
	rm_tree(f->dir);
	free(f);
	return 0;
}

static int64_t add_org(struct db *db, int64_t parent, const char *level, const char *code,
		       const char *name)
{
	int64_t id = 0;
	assert_int_equal(db_begin(db), RC_OK);
	assert_int_equal(org_insert(db, parent, level, code, name, NULL, NULL, &id), RC_OK);
	assert_int_equal(db_commit(db), RC_OK);
	assert_true(id > 0);
	return id;
}

static int64_t add_user(struct db *db, const char *username)
{
	int64_t id = 0;
	assert_int_equal(db_begin(db), RC_OK);
	/* A stand-in hash: these tests never sign in, and Argon2id is slow. */
	assert_int_equal(users_insert(db, username, username, "$argon2id$stand-in", &id), RC_OK);
	assert_int_equal(db_commit(db), RC_OK);
	assert_true(id > 0);
	return id;
}

static int64_t grant(struct db *db, int64_t user, int role, int64_t org)
{
	int64_t gid = 0;
	assert_int_equal(db_begin(db), RC_OK);
	assert_int_equal(users_grant(db, user, role, org, 0, &gid), RC_OK);
	assert_int_equal(db_commit(db), RC_OK);
	return gid;
}

/* The small tree most tests use. */
struct tree {
	int64_t county, town, town2, community, community2, grid, grid2;
};

static struct tree make_tree(struct db *db)
{
	struct tree t;
	t.county = add_org(db, 0, "county", "330681", "诸暨市");
	t.town = add_org(db, t.county, "town", "330681109", "枫桥镇");
	t.town2 = add_org(db, t.county, "town", "330681110", "赵家镇");
	t.community = add_org(db, t.town, "community", "330681109001", "枫源村");
	t.community2 = add_org(db, t.town, "community", "330681109002", "枫溪村");
	t.grid = add_org(db, t.community, "grid", "330681109001001", "第一网格");
	t.grid2 = add_org(db, t.community, "grid", "330681109001002", "第二网格");
	return t;
}

/* ---- roles ---- */

static void test_role_names_round_trip(void **state)
{
	(void)state;
	for (int r = 0; r < ROLE__COUNT; r++) {
		const struct role_def *d = role_def((enum role)r);
		assert_non_null(d->name);
		assert_int_equal(role_from_name(d->name), r);
		for (int k = 0; k < r; k++)
			assert_string_not_equal(role_def((enum role)k)->name, d->name);
	}
	assert_int_equal(role_from_name("no_such_role"), -1);
	assert_int_equal(role_from_name(""), -1);
	assert_int_equal(role_from_name("SYSADMIN"), -1);
	assert_int_equal(role_from_name("sysadmin "), -1);

	for (int p = 0; p < PERM__COUNT; p++) {
		assert_non_null(perm_name((enum perm)p));
		for (int k = 0; k < p; k++)
			assert_string_not_equal(perm_name((enum perm)k), perm_name((enum perm)p));
	}
	assert_string_equal(perm_name(PERM_ORG_WRITE), "org.write");
	assert_string_equal(perm_name(PERM_AUDIT_READ), "audit.read");
}

static void test_three_administrators(void **state)
{
	(void)state;
	int admins = 0;
	for (int r = 0; r < ROLE__COUNT; r++) {
		const struct role_def *d = role_def((enum role)r);
		bool expect = r == ROLE_SYSADMIN || r == ROLE_SECADMIN || r == ROLE_AUDITOR;
		assert_int_equal(d->admin, expect);
		if (d->admin) {
			admins++;
			/* Administrators run the system; they do not govern grids. */
			assert_false(role_has_perm((enum role)r, PERM_ORG_WRITE));
			assert_false(role_has_perm((enum role)r, PERM_GRID_ASSIGN));
			assert_int_equal(d->levels, 0);
		} else {
			/* Business roles are held at a node of some level. */
			assert_int_not_equal(d->levels, 0);
			assert_true(role_has_perm((enum role)r, PERM_ORG_READ));
		}
		/* Any signed-in user has PERM_NONE. */
		assert_true(role_has_perm((enum role)r, PERM_NONE));
	}
	assert_int_equal(admins, 3);
}

/* Counselling cases are for the counsellor and the supervisor: only their
 * two roles handle them, and only counts reach anyone else. */
static void test_counselling_is_for_counsellors_only(void **state)
{
	(void)state;
	for (int r = 0; r < ROLE__COUNT; r++) {
		bool counsels = r == ROLE_COUNSELLOR || r == ROLE_COUNSEL_SUPERVISOR;
		assert_int_equal(role_has_perm((enum role)r, PERM_COUNSEL_HANDLE), counsels);
		assert_int_equal(role_has_perm((enum role)r, PERM_COUNSEL_SUPERVISE),
				 r == ROLE_COUNSEL_SUPERVISOR);
		if (role_def((enum role)r)->admin)
			for (int p = PERM_SERVICE_APPLY; p < PERM__COUNT; p++)
				assert_false(role_has_perm((enum role)r, (enum perm)p));
	}
}

static void test_exclusive_permissions(void **state)
{
	(void)state;
	static const struct {
		enum perm perm;
		enum role only;
	} excl[] = {
		{PERM_USER_MANAGE, ROLE_SYSADMIN},
		{PERM_SYSTEM, ROLE_SYSADMIN},
		{PERM_ROLE_GRANT, ROLE_SECADMIN},
		{PERM_AUDIT_READ, ROLE_AUDITOR},
	};
	for (size_t i = 0; i < sizeof(excl) / sizeof(excl[0]); i++)
		for (int r = 0; r < ROLE__COUNT; r++)
			if (role_has_perm((enum role)r, excl[i].perm) != (r == (int)excl[i].only))
				fail_msg("%s: role %s", perm_name(excl[i].perm),
					 role_def((enum role)r)->name);
	/* The auditor cannot read accounts; the grid worker cannot write. */
	assert_false(role_has_perm(ROLE_AUDITOR, PERM_USER_READ));
	assert_false(role_has_perm(ROLE_GRID_WORKER, PERM_ORG_WRITE));
	assert_true(role_has_perm(ROLE_COMMUNITY_WORKER, PERM_GRID_ASSIGN));
}

/* docs/roles.md, "held at". */
static void test_role_levels_match_the_catalogue(void **state)
{
	(void)state;
#define LV(x) (1u << (x))
	static const struct {
		enum role role;
		uint32_t levels;
	} held[] = {
		{ROLE_SYSADMIN, 0},
		{ROLE_SECADMIN, 0},
		{ROLE_AUDITOR, 0},
		{ROLE_COUNTY_OFFICER, LV(LEVEL_PROVINCE) | LV(LEVEL_CITY) | LV(LEVEL_COUNTY)},
		{ROLE_DEPARTMENT_OFFICER, LV(LEVEL_PROVINCE) | LV(LEVEL_CITY) | LV(LEVEL_COUNTY)},
		{ROLE_TOWN_OFFICER, LV(LEVEL_TOWN)},
		{ROLE_COMMUNITY_WORKER, LV(LEVEL_COMMUNITY)},
		{ROLE_GRID_WORKER, LV(LEVEL_GRID)},
		{ROLE_PROPERTY_STAFF, LV(LEVEL_COMMUNITY)},
		{ROLE_ORG_STAFF, LV(LEVEL_COUNTY) | LV(LEVEL_TOWN) | LV(LEVEL_COMMUNITY)},
		{ROLE_VOLUNTEER, LV(LEVEL_COUNTY) | LV(LEVEL_TOWN) | LV(LEVEL_COMMUNITY)},
		{ROLE_RESIDENT, LV(LEVEL_COMMUNITY) | LV(LEVEL_GRID)},
		{ROLE_MEDIATOR, LV(LEVEL_TOWN) | LV(LEVEL_COMMUNITY)},
		{ROLE_COUNSELLOR, LV(LEVEL_COUNTY) | LV(LEVEL_TOWN) | LV(LEVEL_COMMUNITY)},
		{ROLE_COUNSEL_SUPERVISOR,
		 LV(LEVEL_PROVINCE) | LV(LEVEL_CITY) | LV(LEVEL_COUNTY) | LV(LEVEL_TOWN)},
	};
#undef LV
	assert_int_equal(sizeof(held) / sizeof(held[0]), ROLE__COUNT);
	for (size_t i = 0; i < sizeof(held) / sizeof(held[0]); i++)
		if (role_def(held[i].role)->levels != held[i].levels)
			fail_msg("%s is held at levels 0x%x, docs/roles.md says 0x%x",
				 role_def(held[i].role)->name, role_def(held[i].role)->levels,
				 held[i].levels);
	/* Only county, town and community officers write the tree and post workers. */
	static const enum role writers[] = {ROLE_COUNTY_OFFICER, ROLE_TOWN_OFFICER,
					    ROLE_COMMUNITY_WORKER};
	for (int r = 0; r < ROLE__COUNT; r++) {
		bool w = false;
		for (size_t k = 0; k < 3; k++)
			w = w || writers[k] == (enum role)r;
		assert_int_equal(role_has_perm((enum role)r, PERM_ORG_WRITE), w);
		assert_int_equal(role_has_perm((enum role)r, PERM_GRID_ASSIGN), w);
	}
}

static void test_levels(void **state)
{
	(void)state;
	static const struct {
		const char *code;
		int level;
	} cases[] = {
		{"33", LEVEL_PROVINCE},
		{"3306", LEVEL_CITY},
		{"330681", LEVEL_COUNTY},
		{"330681109", LEVEL_TOWN},
		{"330681109001", LEVEL_COMMUNITY},
		{"330681109001001", LEVEL_GRID},
		{"", -1},
		{"3", -1},
		{"330", -1},
		{"33068", -1},
		{"3306811", -1},
		{"33068110", -1},
		{"3306811090", -1},
		{"33068110900", -1},
		{"3306811090010", -1},
		{"33068110900100", -1},
		{"3306811090010011", -1},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (level_from_code(cases[i].code) != cases[i].level)
			fail_msg("level_from_code(\"%s\") = %d, expected %d", cases[i].code,
				 level_from_code(cases[i].code), cases[i].level);
	for (int l = 0; l < LEVEL__COUNT; l++)
		assert_int_equal(level_from_name(level_name((enum level)l)), l);
	assert_string_equal(level_name(LEVEL_TOWN), "town");
	assert_int_equal(level_from_name("village"), -1);
	assert_int_equal(level_from_name(""), -1);
}

/* ---- principal (hand-built) ---- */

static struct principal *mk(struct arena *a, const struct grant *g, size_t n)
{
	struct principal *p = arena_calloc(a, 1, sizeof(*p));
	p->user_id = 42;
	p->username = "wang.fang";
	p->display_name = "王芳";
	p->ngrants = n;
	p->grants = arena_calloc(a, n ? n : 1, sizeof(*p->grants));
	if (n)
		memcpy(p->grants, g, n * sizeof(*g));
	return p;
}

#define G(r, n, c, lv)                                                                   \
	{                                                                                \
		.id = (n), .role = (r), .org_id = (n), .org_code = (c), .org_name = "n", \
		.level = (lv)                                                            \
	}
#define ADMIN(r, n)                                                                              \
	{                                                                                        \
		.id = (n), .role = (r), .org_id = 0, .org_code = "", .org_name = "", .level = -1 \
	}

static void test_scope_grant_with_permission_covers_subtree(void **state)
{
	(void)state;
	struct arena a = {0};
	const struct grant g[] = {
		G(ROLE_COMMUNITY_WORKER, 1, "330681109001", LEVEL_COMMUNITY),
	};
	struct principal *p = mk(&a, g, 1);
	const char *role = NULL;
	assert_int_equal(principal_scope(p, PERM_ORG_WRITE, "330681109001", &role), RC_OK);
	assert_string_equal(role, "community_worker");
	role = NULL;
	assert_int_equal(principal_scope(p, PERM_ORG_WRITE, "330681109001003", &role), RC_OK);
	assert_string_equal(role, "community_worker");
	assert_int_equal(principal_scope(p, PERM_ORG_READ, "330681109001003", NULL), RC_OK);
	assert_true(principal_can(p, PERM_GRID_ASSIGN));
	assert_false(principal_can(p, PERM_USER_READ));
	assert_false(principal_can(NULL, PERM_NONE));
	arena_free(&a);
}

static void test_scope_forbidden_when_only_a_grant_without_permission_covers(void **state)
{
	(void)state;
	struct arena a = {0};
	const struct grant g[] = {
		G(ROLE_DEPARTMENT_OFFICER, 1, "330681", LEVEL_COUNTY),
		G(ROLE_TOWN_OFFICER, 2, "330681109", LEVEL_TOWN),
	};
	struct principal *p = mk(&a, g, 2);
	const char *role = NULL;
	/* In the town: the town officer grant writes. */
	assert_int_equal(principal_scope(p, PERM_ORG_WRITE, "330681109001", &role), RC_OK);
	assert_string_equal(role, "town_officer");
	/* Elsewhere in the county: visible (department officer) but not writable. */
	assert_int_equal(principal_scope(p, PERM_ORG_WRITE, "330681110", NULL), RC_FORBIDDEN);
	assert_int_equal(principal_scope(p, PERM_ORG_WRITE, "330681", NULL), RC_FORBIDDEN);
	assert_int_equal(principal_scope(p, PERM_ORG_READ, "330681110001", &role), RC_OK);
	assert_string_equal(role, "department_officer");
	/* Permissions nobody holds: forbidden inside, not found outside. */
	assert_int_equal(principal_scope(p, PERM_USER_MANAGE, "330681109", NULL), RC_FORBIDDEN);
	assert_int_equal(principal_scope(p, PERM_USER_MANAGE, "330682", NULL), RC_NOT_FOUND);

	const struct grant gw[] = {G(ROLE_GRID_WORKER, 3, "330681109001001", LEVEL_GRID)};
	p = mk(&a, gw, 1);
	assert_int_equal(principal_scope(p, PERM_ORG_WRITE, "330681109001001", NULL), RC_FORBIDDEN);
	assert_int_equal(principal_scope(p, PERM_ORG_READ, "330681109001001", NULL), RC_OK);
	arena_free(&a);
}

static void test_scope_not_found_outside(void **state)
{
	(void)state;
	struct arena a = {0};
	const struct grant g[] = {
		G(ROLE_COMMUNITY_WORKER, 1, "330681109001", LEVEL_COMMUNITY),
	};
	struct principal *p = mk(&a, g, 1);
	/* Siblings, ancestors and other counties are outside. */
	assert_int_equal(principal_scope(p, PERM_ORG_READ, "330681109002", NULL), RC_NOT_FOUND);
	assert_int_equal(principal_scope(p, PERM_ORG_READ, "330681109002001", NULL), RC_NOT_FOUND);
	assert_int_equal(principal_scope(p, PERM_ORG_READ, "330681109", NULL), RC_NOT_FOUND);
	assert_int_equal(principal_scope(p, PERM_ORG_READ, "330681", NULL), RC_NOT_FOUND);
	assert_int_equal(principal_scope(p, PERM_ORG_READ, "110101001001", NULL), RC_NOT_FOUND);
	/* No grants, or no principal: nothing is in scope. */
	p = mk(&a, NULL, 0);
	assert_int_equal(principal_scope(p, PERM_NONE, "330681", NULL), RC_NOT_FOUND);
	assert_int_equal(principal_scope(NULL, PERM_ORG_READ, "330681", NULL), RC_NOT_FOUND);
	arena_free(&a);
}

static void test_scope_admin_grants_cover_everything(void **state)
{
	(void)state;
	struct arena a = {0};
	const struct grant g[] = {ADMIN(ROLE_AUDITOR, 1)};
	struct principal *p = mk(&a, g, 1);
	const char *role = NULL;
	assert_int_equal(principal_scope(p, PERM_AUDIT_READ, "110101", &role), RC_OK);
	assert_string_equal(role, "auditor");
	assert_int_equal(principal_scope(p, PERM_ORG_READ, "650000000000001", NULL), RC_OK);
	assert_int_equal(principal_scope(p, PERM_ORG_READ, "", NULL), RC_OK);
	/* Everything is visible, nothing writable. */
	assert_int_equal(principal_scope(p, PERM_ORG_WRITE, "330681109001", NULL), RC_FORBIDDEN);
	assert_int_equal(principal_scope(p, PERM_USER_MANAGE, "33", NULL), RC_FORBIDDEN);
	arena_free(&a);
}

static void expect_roots(struct principal *p, enum perm perm, const char *want_json)
{
	struct arena a = {0};
	const char *got = principal_roots(p, perm, &a);
	if (want_json == NULL) {
		if (got != NULL)
			fail_msg("expected no roots for %s, got %s", perm_name(perm), got);
		arena_free(&a);
		return;
	}
	if (got == NULL)
		fail_msg("expected roots %s for %s, got NULL", want_json, perm_name(perm));
	json_t *g = json_loads(got, 0, NULL);
	json_t *w = json_loads(want_json, 0, NULL);
	assert_non_null(g);
	assert_non_null(w);
	/* Compare as sets: the order carries no meaning. */
	bool same = json_array_size(g) == json_array_size(w);
	for (size_t i = 0; same && i < json_array_size(w); i++) {
		bool found = false;
		for (size_t k = 0; k < json_array_size(g); k++)
			found = found || json_equal(json_array_get(w, i), json_array_get(g, k));
		same = found;
	}
	if (!same)
		fail_msg("roots for %s: got %s, expected %s", perm_name(perm), got, want_json);
	json_decref(g);
	json_decref(w);
	arena_free(&a);
}

static void test_roots_remove_nested_and_duplicates(void **state)
{
	(void)state;
	struct arena a = {0};
	const struct grant g[] = {
		G(ROLE_COMMUNITY_WORKER, 1, "330681109001",
		  LEVEL_COMMUNITY), /* nested, listed first */
		G(ROLE_DEPARTMENT_OFFICER, 2, "330681", LEVEL_COUNTY),
		G(ROLE_COUNTY_OFFICER, 3, "330681", LEVEL_COUNTY),     /* duplicate root */
		G(ROLE_TOWN_OFFICER, 4, "330681109", LEVEL_TOWN),      /* nested */
		G(ROLE_VOLUNTEER, 5, "330682", LEVEL_COUNTY),          /* separate */
		G(ROLE_GRID_WORKER, 6, "330682101001001", LEVEL_GRID), /* nested in 330682 */
		G(ROLE_TOWN_OFFICER, 7, "330683101", LEVEL_TOWN),
	};
	struct principal *p = mk(&a, g, sizeof(g) / sizeof(g[0]));
	expect_roots(p, PERM_ORG_READ, "[\"330681\", \"330682\", \"330683101\"]");
	expect_roots(p, PERM_ORG_WRITE, "[\"330681\", \"330683101\"]");
	expect_roots(p, PERM_GRID_ASSIGN, "[\"330681\", \"330683101\"]");
	expect_roots(p, PERM_AUDIT_READ, NULL);
	expect_roots(p, PERM_ROLE_GRANT, NULL);

	/* A grant without the permission does not absorb one with it. */
	const struct grant g2[] = {
		G(ROLE_DEPARTMENT_OFFICER, 1, "330681", LEVEL_COUNTY),
		G(ROLE_COMMUNITY_WORKER, 2, "330681109001", LEVEL_COMMUNITY),
		G(ROLE_COMMUNITY_WORKER, 3, "330681109002", LEVEL_COMMUNITY),
	};
	p = mk(&a, g2, 3);
	expect_roots(p, PERM_ORG_WRITE, "[\"330681109001\", \"330681109002\"]");
	expect_roots(p, PERM_ORG_READ, "[\"330681\"]");

	/* An administrator grant stands for everything. */
	const struct grant g3[] = {ADMIN(ROLE_SYSADMIN, 1)};
	p = mk(&a, g3, 1);
	expect_roots(p, PERM_ORG_READ, "[\"\"]");
	expect_roots(p, PERM_USER_MANAGE, "[\"\"]");
	expect_roots(p, PERM_ORG_WRITE, NULL);

	/* Nobody: nothing. */
	assert_null(principal_roots(NULL, PERM_ORG_READ, &a));
	p = mk(&a, NULL, 0);
	expect_roots(p, PERM_ORG_READ, NULL);
	arena_free(&a);
}

static void test_principal_json_lists_permissions_once(void **state)
{
	(void)state;
	struct arena a = {0};
	const struct grant g[] = {
		G(ROLE_COUNTY_OFFICER, 11, "330681", LEVEL_COUNTY),
		G(ROLE_TOWN_OFFICER, 12, "330681109", LEVEL_TOWN),
		G(ROLE_GRID_WORKER, 13, "330681109001001", LEVEL_GRID),
	};
	struct principal *p = mk(&a, g, 3);
	json_t *j = principal_json(p);
	assert_non_null(j);
	assert_int_equal(json_integer_value(json_object_get(j, "id")), 42);
	assert_string_equal(json_string_value(json_object_get(j, "username")), "wang.fang");
	assert_string_equal(json_string_value(json_object_get(j, "display_name")), "王芳");
	json_t *perms = json_object_get(j, "permissions");
	/* The union of the three roles, each permission once. */
	static const char *const want[] = {"org.read",        "org.write",       "grid.assign",
					   "registry.read",   "registry.write",  "registry.unmask",
					   "registry.import", "registry.export", "visit.write",
					   "event.read",      "event.report",    "event.dispatch",
					   "event.handle",    "event.verify",    "event.catalog",
					   "service.apply",   "service.handle",  "service.catalog",
					   "provider.manage", "need.read",       "mediation.read",
					   "mediation.manage", "counsel.request", "counsel.stats",
					   "duty.publish",    "access.request",  "access.review",
					   "burden.read"};
	enum { NWANT = sizeof(want) / sizeof(want[0]) };
	assert_int_equal(json_array_size(perms), NWANT);
	for (size_t i = 0; i < NWANT; i++) {
		int seen = 0;
		for (size_t k = 0; k < json_array_size(perms); k++)
			seen += strcmp(json_string_value(json_array_get(perms, k)), want[i]) == 0;
		assert_int_equal(seen, 1);
	}
	json_t *roles = json_object_get(j, "roles");
	assert_int_equal(json_array_size(roles), 3);
	json_t *r1 = json_array_get(roles, 1);
	assert_string_equal(json_string_value(json_object_get(r1, "role")), "town_officer");
	assert_string_equal(json_string_value(json_object_get(r1, "org_code")), "330681109");
	assert_string_equal(json_string_value(json_object_get(r1, "org_level")), "town");
	assert_int_equal(json_integer_value(json_object_get(r1, "org_id")), 12);
	json_decref(j);

	/* Administrators: a null org_id, and their own permissions. */
	const struct grant ga[] = {ADMIN(ROLE_SECADMIN, 1)};
	p = mk(&a, ga, 1);
	j = principal_json(p);
	json_t *r0 = json_array_get(json_object_get(j, "roles"), 0);
	assert_true(json_is_null(json_object_get(r0, "org_id")));
	perms = json_object_get(j, "permissions");
	bool grant_perm = false;
	for (size_t k = 0; k < json_array_size(perms); k++)
		grant_perm = grant_perm ||
			     strcmp(json_string_value(json_array_get(perms, k)), "role.grant") == 0;
	assert_true(grant_perm);
	json_decref(j);

	/* No grants: empty lists, never "signed_in". */
	p = mk(&a, NULL, 0);
	j = principal_json(p);
	assert_int_equal(json_array_size(json_object_get(j, "permissions")), 0);
	assert_int_equal(json_array_size(json_object_get(j, "roles")), 0);
	json_decref(j);

	const struct grant gr[] = {
		G(ROLE_GRID_WORKER, 1, "330681109001001", LEVEL_GRID),
		G(ROLE_COMMUNITY_WORKER, 2, "330681109002", LEVEL_COMMUNITY),
	};
	p = mk(&a, gr, 2);
	assert_string_equal(principal_role_for(p, PERM_ORG_WRITE), "community_worker");
	assert_string_equal(principal_role_for(p, PERM_ORG_READ), "grid_worker");
	assert_string_equal(principal_role_for(NULL, PERM_ORG_READ), "");
	arena_free(&a);
}

/* ---- principal_load ---- */

static void test_principal_load(void **state)
{
	struct fx *f = *state;
	struct tree t = make_tree(f->db);
	int64_t admin = add_user(f->db, "sys.admin");
	grant(f->db, admin, ROLE_SYSADMIN, 0);
	int64_t worker = add_user(f->db, "li.ming");
	/* More grants than the first allocation holds. */
	grant(f->db, worker, ROLE_RESIDENT, t.community);
	grant(f->db, worker, ROLE_RESIDENT, t.community2);
	grant(f->db, worker, ROLE_RESIDENT, t.grid);
	grant(f->db, worker, ROLE_RESIDENT, t.grid2);
	grant(f->db, worker, ROLE_VOLUNTEER, t.town);
	grant(f->db, worker, ROLE_GRID_WORKER, t.grid);
	/* A role dropped from the catalogue grants nothing. */
	char sql[160];
	snprintf(sql, sizeof(sql),
		 "INSERT INTO user_roles (user_id, role, org_id, granted_at) VALUES (%lld, "
		 "'retired_role', %lld, 0)",
		 (long long)worker, (long long)t.county);
	assert_int_equal(sqlite3_exec(db_handle(f->db), sql, NULL, NULL, NULL), SQLITE_OK);

	struct principal *p = NULL;
	assert_int_equal(principal_load(f->db, &f->a, worker, &p), RC_OK);
	assert_int_equal(p->user_id, worker);
	assert_string_equal(p->username, "li.ming");
	assert_int_equal(p->ngrants, 6);
	assert_int_equal(p->grants[0].role, ROLE_RESIDENT);
	assert_string_equal(p->grants[0].org_code, "330681109001");
	assert_string_equal(p->grants[0].org_name, "枫源村");
	assert_int_equal(p->grants[0].level, LEVEL_COMMUNITY);
	assert_int_equal(p->grants[4].role, ROLE_VOLUNTEER);
	assert_int_equal(p->grants[4].level, LEVEL_TOWN);
	assert_int_equal(p->grants[5].role, ROLE_GRID_WORKER);
	assert_int_equal(p->grants[5].org_id, t.grid);
	assert_int_equal(principal_scope(p, PERM_ORG_READ, "330681109002", NULL), RC_OK);
	assert_int_equal(principal_scope(p, PERM_ORG_READ, "330681110", NULL), RC_NOT_FOUND);

	struct principal *ad = NULL;
	assert_int_equal(principal_load(f->db, &f->a, admin, &ad), RC_OK);
	assert_int_equal(ad->ngrants, 1);
	assert_int_equal(ad->grants[0].role, ROLE_SYSADMIN);
	assert_int_equal(ad->grants[0].org_id, 0);
	assert_string_equal(ad->grants[0].org_code, "");
	assert_int_equal(ad->grants[0].level, -1);
	assert_int_equal(principal_scope(ad, PERM_USER_MANAGE, "330681", NULL), RC_OK);

	/* Disabled or unknown accounts are not principals. */
	assert_int_equal(db_begin(f->db), RC_OK);
	assert_int_equal(users_set_disabled(f->db, worker, true), RC_OK);
	assert_int_equal(db_commit(f->db), RC_OK);
	p = NULL;
	assert_int_equal(principal_load(f->db, &f->a, worker, &p), RC_UNAUTHENTICATED);
	assert_null(p);
	assert_int_equal(principal_load(f->db, &f->a, 9999, &p), RC_UNAUTHENTICATED);
	assert_null(p);
}

/* ---- users: rules ---- */

static void test_username_rules(void **state)
{
	(void)state;
	static const char *const good[] = {"abc", "li.ming", "grid_worker-01", "z9.-_",
					   "abcdefghijklmnopqrstuvwxyz012345"};
	static const char *const bad[] = {
		"",        "a1",     "ab",    "abcdefghijklmnopqrstuvwxyz0123456",
		"Abc",     "aBc",    "1abc",  ".abc",
		"_abc",    "-abc",   "a bc",  "abc ",
		"li@ming", "李明明", "abc\n", "ab/c",
	};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		const char *why = users_check_username(good[i]);
		if (why != NULL)
			fail_msg("'%s' refused: %s", good[i], why);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (users_check_username(bad[i]) == NULL)
			fail_msg("'%s' accepted", bad[i]);
}

static void test_password_rules(void **state)
{
	(void)state;
	assert_null(users_check_password("0123456789", "li.ming"));
	assert_non_null(users_check_password("012345678", "li.ming"));
	assert_non_null(users_check_password("", "li.ming"));
	/* Counted in characters: 10 Chinese characters pass, 9 (27 bytes) do not. */
	assert_null(users_check_password("基层治理网格化管理好", "li.ming"));
	assert_non_null(users_check_password("基层治理网格化管理", "li.ming"));

	char buf[129 * 3 + 1];
	memset(buf, 'x', 128);
	buf[128] = '\0';
	assert_null(users_check_password(buf, "li.ming"));
	memset(buf, 'x', 129);
	buf[129] = '\0';
	assert_non_null(users_check_password(buf, "li.ming"));
	/* 128 Chinese characters (384 bytes) pass; 129 do not. */
	for (int i = 0; i < 129; i++)
		memcpy(buf + 3 * i, "网", 3);
	buf[128 * 3] = '\0';
	assert_null(users_check_password(buf, "li.ming"));
	buf[128 * 3] = buf[0];
	buf[129 * 3] = '\0';
	assert_non_null(users_check_password(buf, "li.ming"));

	/* Not the username. */
	assert_non_null(users_check_password("gridworker01", "gridworker01"));
	assert_null(users_check_password("gridworker01", NULL));
	assert_null(users_check_password("gridworker01!", "gridworker01"));
	/* Not valid UTF-8. */
	assert_non_null(users_check_password("abcdefghij\xff", "li.ming"));
}

/* ---- users: storage ---- */

static void test_insert_duplicate_and_find_login(void **state)
{
	struct fx *f = *state;
	int64_t id = 0, id2 = 0;
	assert_int_equal(db_begin(f->db), RC_OK);
	assert_int_equal(users_insert(f->db, "li.ming", "李明", "$argon2id$hash-1", &id), RC_OK);
	assert_true(id > 0);
	assert_int_equal(users_insert(f->db, "li.ming", "Another", "$argon2id$hash-2", &id2),
			 RC_CONFLICT);
	assert_int_equal(db_commit(f->db), RC_OK);
	assert_int_equal(users_id_by_name(f->db, "li.ming"), id);
	assert_int_equal(users_id_by_name(f->db, "nobody"), 0);

	struct login_user u;
	memset(&u, 0, sizeof(u));
	assert_int_equal(users_find_login(f->db, "li.ming", &u), RC_OK);
	assert_int_equal(u.id, id);
	assert_string_equal(u.password_hash, "$argon2id$hash-1");
	assert_false(u.disabled);
	assert_int_equal(u.failed_logins, 0);
	assert_int_equal(u.locked_until, 0);
	assert_int_equal(users_find_login(f->db, "LI.MING", &u), RC_NOT_FOUND);
	assert_int_equal(users_find_login(f->db, "", &u), RC_NOT_FOUND);

	char hash[160];
	assert_int_equal(users_password_hash(f->db, id, hash, sizeof(hash)), RC_OK);
	assert_string_equal(hash, "$argon2id$hash-1");
	assert_int_equal(users_password_hash(f->db, 9999, hash, sizeof(hash)), RC_NOT_FOUND);

	json_t *j = NULL;
	assert_int_equal(users_get_json(f->db, id, &j), RC_OK);
	assert_string_equal(json_string_value(json_object_get(j, "username")), "li.ming");
	assert_string_equal(json_string_value(json_object_get(j, "display_name")), "李明");
	assert_true(json_is_false(json_object_get(j, "disabled")));
	assert_true(json_is_false(json_object_get(j, "locked")));
	assert_true(json_is_null(json_object_get(j, "last_login_at")));
	assert_int_equal(json_array_size(json_object_get(j, "roles")), 0);
	/* Never the password hash. */
	assert_null(json_object_get(j, "password_hash"));
	json_decref(j);
	j = NULL;
	assert_int_equal(users_get_json(f->db, 9999, &j), RC_NOT_FOUND);
	assert_null(j);
}

static void test_login_failures_lock_the_account(void **state)
{
	struct fx *f = *state;
	int64_t id = add_user(f->db, "li.ming");
	struct login_user u;
	bool locked = true;
	for (int i = 1; i <= 2; i++) {
		assert_int_equal(db_begin(f->db), RC_OK);
		assert_int_equal(users_login_failed(f->db, id, 3, 600, &locked), RC_OK);
		assert_int_equal(db_commit(f->db), RC_OK);
		assert_false(locked);
		assert_int_equal(users_find_login(f->db, "li.ming", &u), RC_OK);
		assert_int_equal(u.failed_logins, i);
		assert_int_equal(u.locked_until, 0);
	}
	int64_t before = (int64_t)time(NULL);
	assert_int_equal(db_begin(f->db), RC_OK);
	assert_int_equal(users_login_failed(f->db, id, 3, 600, &locked), RC_OK);
	assert_int_equal(db_commit(f->db), RC_OK);
	int64_t after = (int64_t)time(NULL);
	assert_true(locked);
	assert_int_equal(users_find_login(f->db, "li.ming", &u), RC_OK);
	/* time() reads a coarse clock that can lag the server's clock across a
	 * second boundary: one second of slack. */
	if (u.locked_until < before + 600 || u.locked_until > after + 601)
		fail_msg("locked_until %lld, expected about %lld", (long long)u.locked_until,
			 (long long)before + 600);

	json_t *j = NULL;
	assert_int_equal(users_get_json(f->db, id, &j), RC_OK);
	assert_true(json_is_true(json_object_get(j, "locked")));
	json_decref(j);

	/* A good sign-in clears the count and the lock and records the time. */
	assert_int_equal(db_begin(f->db), RC_OK);
	assert_int_equal(users_login_ok(f->db, id, NULL), RC_OK);
	assert_int_equal(db_commit(f->db), RC_OK);
	assert_int_equal(users_find_login(f->db, "li.ming", &u), RC_OK);
	assert_int_equal(u.failed_logins, 0);
	assert_int_equal(u.locked_until, 0);
	assert_string_equal(u.password_hash, "$argon2id$stand-in"); /* NULL keeps the hash */
	assert_int_equal(users_get_json(f->db, id, &j), RC_OK);
	assert_true(json_is_string(json_object_get(j, "last_login_at")));
	json_decref(j);

	/* With a new hash (rehash on sign-in) the hash is replaced. */
	assert_int_equal(db_begin(f->db), RC_OK);
	assert_int_equal(users_login_ok(f->db, id, "$argon2id$rehashed"), RC_OK);
	assert_int_equal(db_commit(f->db), RC_OK);
	assert_int_equal(users_find_login(f->db, "li.ming", &u), RC_OK);
	assert_string_equal(u.password_hash, "$argon2id$rehashed");
}

static void test_account_updates(void **state)
{
	struct fx *f = *state;
	int64_t id = add_user(f->db, "li.ming");
	bool locked;
	assert_int_equal(db_begin(f->db), RC_OK);
	assert_int_equal(users_login_failed(f->db, id, 1, 600, &locked), RC_OK);
	assert_true(locked);
	/* A new password lifts the lock. */
	assert_int_equal(users_set_password(f->db, id, "$argon2id$new"), RC_OK);
	assert_int_equal(users_set_display_name(f->db, id, "李明（网格员）"), RC_OK);
	assert_int_equal(users_set_disabled(f->db, id, true), RC_OK);
	assert_int_equal(db_commit(f->db), RC_OK);

	struct login_user u;
	assert_int_equal(users_find_login(f->db, "li.ming", &u), RC_OK);
	assert_int_equal(u.locked_until, 0);
	assert_true(u.disabled);
	assert_string_equal(u.password_hash, "$argon2id$new");
	json_t *j = NULL;
	assert_int_equal(users_get_json(f->db, id, &j), RC_OK);
	assert_string_equal(json_string_value(json_object_get(j, "display_name")),
			    "李明（网格员）");
	assert_true(json_is_true(json_object_get(j, "disabled")));
	json_decref(j);

	assert_int_equal(db_begin(f->db), RC_OK);
	assert_int_equal(users_login_failed(f->db, id, 1, 600, &locked), RC_OK);
	assert_int_equal(users_unlock(f->db, id), RC_OK);
	assert_int_equal(users_set_disabled(f->db, id, false), RC_OK);
	assert_int_equal(db_commit(f->db), RC_OK);
	assert_int_equal(users_find_login(f->db, "li.ming", &u), RC_OK);
	assert_int_equal(u.locked_until, 0);
	assert_int_equal(u.failed_logins, 0);
	assert_false(u.disabled);

	/* Unknown ids are reported, not silently ignored. */
	assert_int_equal(db_begin(f->db), RC_OK);
	assert_int_equal(users_set_password(f->db, 9999, "x"), RC_NOT_FOUND);
	assert_int_equal(users_set_disabled(f->db, 9999, true), RC_NOT_FOUND);
	assert_int_equal(users_set_display_name(f->db, 9999, "x"), RC_NOT_FOUND);
	assert_int_equal(users_unlock(f->db, 9999), RC_NOT_FOUND);
	db_rollback(f->db);
}

static void test_users_list(void **state)
{
	struct fx *f = *state;
	add_user(f->db, "zhao.lei");
	add_user(f->db, "li.ming");
	add_user(f->db, "li.hua");
	add_user(f->db, "wang.fang");
	json_t *items = NULL;
	int64_t total = -1;
	assert_int_equal(users_list_json(f->db, NULL, 2, 0, &items, &total), RC_OK);
	assert_int_equal(total, 4);
	assert_int_equal(json_array_size(items), 2);
	/* Ordered by username. */
	assert_string_equal(
		json_string_value(json_object_get(json_array_get(items, 0), "username")), "li.hua");
	assert_string_equal(
		json_string_value(json_object_get(json_array_get(items, 1), "username")),
		"li.ming");
	assert_true(json_is_array(json_object_get(json_array_get(items, 0), "roles")));
	json_decref(items);
	assert_int_equal(users_list_json(f->db, NULL, 2, 3, &items, &total), RC_OK);
	assert_int_equal(json_array_size(items), 1);
	assert_string_equal(
		json_string_value(json_object_get(json_array_get(items, 0), "username")),
		"zhao.lei");
	json_decref(items);
	assert_int_equal(users_list_json(f->db, "li.", 50, 0, &items, &total), RC_OK);
	assert_int_equal(total, 2);
	assert_int_equal(json_array_size(items), 2);
	json_decref(items);
	assert_int_equal(users_list_json(f->db, "nobody", 50, 0, &items, &total), RC_OK);
	assert_int_equal(total, 0);
	assert_int_equal(json_array_size(items), 0);
	json_decref(items);
}

/* users.h: every listed account comes with its grants, however long the
 * list (`grassroots user list` asks for up to 100000 at once). */
static void test_users_list_gives_roles_for_every_account(void **state)
{
	struct fx *f = *state;
	struct tree t = make_tree(f->db);
	enum { N = 205 };
	int64_t last = 0;
	assert_int_equal(db_begin(f->db), RC_OK);
	for (int i = 0; i < N; i++) {
		char name[32];
		snprintf(name, sizeof(name), "user%03d", i);
		assert_int_equal(users_insert(f->db, name, name, "$argon2id$stand-in", &last),
				 RC_OK);
	}
	assert_int_equal(db_commit(f->db), RC_OK);
	grant(f->db, last, ROLE_GRID_WORKER, t.grid); /* user204 sorts last */

	json_t *items = NULL;
	int64_t total = 0;
	assert_int_equal(users_list_json(f->db, NULL, 100000, 0, &items, &total), RC_OK);
	assert_int_equal(total, N);
	assert_int_equal(json_array_size(items), N);
	size_t missing = 0;
	for (size_t i = 0; i < json_array_size(items); i++)
		if (!json_is_array(json_object_get(json_array_get(items, i), "roles")))
			missing++;
	json_t *tail = json_array_get(items, N - 1);
	assert_string_equal(json_string_value(json_object_get(tail, "username")), "user204");
	size_t tail_roles = json_array_size(json_object_get(tail, "roles"));
	json_decref(items);
	if (missing != 0)
		fail_msg("%zu of %d listed accounts have no \"roles\"", missing, N);
	assert_int_equal(tail_roles, 1);
}

/* ---- users: grants ---- */

static void test_grant_check_admin_roles_take_no_node(void **state)
{
	struct fx *f = *state;
	struct tree t = make_tree(f->db);
	int64_t u = add_user(f->db, "new.admin");
	for (int r = ROLE_SYSADMIN; r <= ROLE_AUDITOR; r++) {
		assert_non_null(users_grant_check(f->db, u, r, t.county, "county"));
		if (users_grant_check(f->db, u, r, 0, NULL) != NULL)
			fail_msg("%s refused for a fresh account", role_def((enum role)r)->name);
	}
}

static void test_grant_check_business_roles_need_an_allowed_level(void **state)
{
	struct fx *f = *state;
	struct tree t = make_tree(f->db);
	int64_t u = add_user(f->db, "li.ming");
	/* A node is required. */
	assert_non_null(users_grant_check(f->db, u, ROLE_COMMUNITY_WORKER, 0, NULL));
	assert_non_null(users_grant_check(f->db, u, ROLE_RESIDENT, 0, NULL));

	static const struct {
		int role;
		const char *level;
		bool ok;
	} cases[] = {
		{ROLE_COUNTY_OFFICER, "county", true},
		{ROLE_COUNTY_OFFICER, "province", true},
		{ROLE_COUNTY_OFFICER, "town", false},
		{ROLE_TOWN_OFFICER, "town", true},
		{ROLE_TOWN_OFFICER, "county", false},
		{ROLE_COMMUNITY_WORKER, "community", true},
		{ROLE_COMMUNITY_WORKER, "town", false},
		{ROLE_COMMUNITY_WORKER, "grid", false},
		{ROLE_GRID_WORKER, "grid", true},
		{ROLE_GRID_WORKER, "community", false},
		{ROLE_RESIDENT, "grid", true},
		{ROLE_RESIDENT, "community", true},
		{ROLE_RESIDENT, "county", false},
		{ROLE_PROPERTY_STAFF, "community", true},
		{ROLE_PROPERTY_STAFF, "grid", false},
		{ROLE_VOLUNTEER, "town", true},
		{ROLE_COMMUNITY_WORKER, "village", false}, /* not a level */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *why =
			users_grant_check(f->db, u, cases[i].role, t.town, cases[i].level);
		if ((why == NULL) != cases[i].ok)
			fail_msg("%s at %s: %s", role_def((enum role)cases[i].role)->name,
				 cases[i].level, why ? why : "allowed");
	}
}

static void test_grant_check_keeps_administrators_separate(void **state)
{
	struct fx *f = *state;
	struct tree t = make_tree(f->db);
	int64_t admin = add_user(f->db, "sec.admin");
	assert_null(users_grant_check(f->db, admin, ROLE_SECADMIN, 0, NULL));
	grant(f->db, admin, ROLE_SECADMIN, 0);
	/* An administrator gets no second role, administrative or not. */
	assert_non_null(users_grant_check(f->db, admin, ROLE_AUDITOR, 0, NULL));
	assert_non_null(users_grant_check(f->db, admin, ROLE_SYSADMIN, 0, NULL));
	assert_non_null(users_grant_check(f->db, admin, ROLE_SECADMIN, 0, NULL));
	assert_non_null(
		users_grant_check(f->db, admin, ROLE_COMMUNITY_WORKER, t.community, "community"));

	/* Someone with a business role cannot become an administrator. */
	int64_t worker = add_user(f->db, "li.ming");
	grant(f->db, worker, ROLE_COMMUNITY_WORKER, t.community);
	assert_non_null(users_grant_check(f->db, worker, ROLE_AUDITOR, 0, NULL));
	assert_non_null(users_grant_check(f->db, worker, ROLE_SYSADMIN, 0, NULL));
	/* ...but may hold more business roles. */
	assert_null(users_grant_check(f->db, worker, ROLE_GRID_WORKER, t.grid, "grid"));
	assert_null(
		users_grant_check(f->db, worker, ROLE_COMMUNITY_WORKER, t.community2, "community"));
}

static void test_grant_revoke_and_lookups(void **state)
{
	struct fx *f = *state;
	struct tree t = make_tree(f->db);
	int64_t u = add_user(f->db, "li.ming");
	int64_t other = add_user(f->db, "wang.fang");
	int64_t g1 = grant(f->db, u, ROLE_COMMUNITY_WORKER, t.community);
	int64_t g2 = grant(f->db, u, ROLE_GRID_WORKER, t.grid2);
	int64_t ga = grant(f->db, other, ROLE_AUDITOR, 0);
	assert_true(g1 > 0 && g2 > g1);

	/* The same role at the same node twice is a conflict, also for admins. */
	int64_t dup = 0;
	assert_int_equal(db_begin(f->db), RC_OK);
	assert_int_equal(users_grant(f->db, u, ROLE_COMMUNITY_WORKER, t.community, 0, &dup),
			 RC_CONFLICT);
	assert_int_equal(users_grant(f->db, other, ROLE_AUDITOR, 0, 0, &dup), RC_CONFLICT);
	/* A node that does not exist is refused by the foreign key. */
	assert_int_equal(users_grant(f->db, u, ROLE_RESIDENT, 987654, 0, &dup), RC_CONFLICT);
	db_rollback(f->db);

	assert_int_equal(users_find_grant(f->db, u, ROLE_COMMUNITY_WORKER, t.community), g1);
	assert_int_equal(users_find_grant(f->db, u, ROLE_COMMUNITY_WORKER, t.community2), 0);
	assert_int_equal(users_find_grant(f->db, other, ROLE_AUDITOR, 0), ga);

	assert_true(users_holds_role_at(f->db, u, ROLE_COMMUNITY_WORKER, "330681109001"));
	assert_true(users_holds_role_at(f->db, u, ROLE_COMMUNITY_WORKER, "330681109001002"));
	assert_false(users_holds_role_at(f->db, u, ROLE_COMMUNITY_WORKER, "330681109002"));
	assert_false(users_holds_role_at(f->db, u, ROLE_COMMUNITY_WORKER, "330681109"));
	assert_true(users_holds_role_at(f->db, u, ROLE_GRID_WORKER, "330681109001002"));
	assert_false(users_holds_role_at(f->db, u, ROLE_GRID_WORKER, "330681109001001"));

	json_t *gl = users_grants_json(f->db, u);
	assert_int_equal(json_array_size(gl), 2);
	json_t *first = json_array_get(gl, 0);
	assert_string_equal(json_string_value(json_object_get(first, "role")), "community_worker");
	assert_string_equal(json_string_value(json_object_get(first, "org_code")), "330681109001");
	assert_string_equal(json_string_value(json_object_get(first, "org_level")), "community");
	assert_int_equal(json_integer_value(json_object_get(first, "org_id")), t.community);
	json_decref(gl);
	gl = users_grants_json(f->db, other);
	assert_true(json_is_null(json_object_get(json_array_get(gl, 0), "org_id")));
	json_decref(gl);

	/* Revoking someone else's grant is "not found". */
	int64_t org = -1;
	int role = -1;
	assert_int_equal(db_begin(f->db), RC_OK);
	assert_int_equal(users_revoke(f->db, other, g1, &org, &role), RC_NOT_FOUND);
	assert_int_equal(users_revoke(f->db, u, g1, &org, &role), RC_OK);
	assert_int_equal(org, t.community);
	assert_int_equal(role, ROLE_COMMUNITY_WORKER);
	assert_int_equal(users_revoke(f->db, u, g1, &org, &role), RC_NOT_FOUND);
	assert_int_equal(users_revoke(f->db, other, ga, &org, &role), RC_OK);
	assert_int_equal(org, 0);
	assert_int_equal(role, ROLE_AUDITOR);
	assert_int_equal(db_commit(f->db), RC_OK);
	assert_false(users_holds_role_at(f->db, u, ROLE_COMMUNITY_WORKER, "330681109001"));
	/* With the audit role gone the account may take a business role. */
	assert_null(users_grant_check(f->db, other, ROLE_RESIDENT, t.grid, "grid"));
}

/* ---- audit ---- */

static int append_tx(struct db *db, int64_t actor, const char *name, const char *action,
		     const char *otype, const char *oid, int64_t org, const char *result,
		     json_t *detail)
{
	struct audit_entry e = {
		.actor_id = actor,
		.actor_name = name,
		.role = actor ? "sysadmin" : "",
		.action = action,
		.object_type = otype,
		.object_id = oid,
		.org_id = org,
		.result = result,
		.client_ip = "192.0.2.7",
		.request_id = "0123456789abcdef",
		.detail = detail,
	};
	return audit_append_tx(db, &e);
}

/* Five records with distinct contents. */
static void five_records(struct db *db)
{
	static const char *const actions[] = {"user.create", "user.update", "role.grant",
					      "session.create", "org.update"};
	for (int i = 0; i < 5; i++) {
		json_t *d = json_pack("{s:i, s:s}", "n", i, "note", "网格");
		char oid[16];
		snprintf(oid, sizeof(oid), "%d", 10 + i);
		assert_int_equal(append_tx(db, 7, "sys.admin", actions[i], "user", oid, 0, "ok", d),
				 RC_OK);
		json_decref(d);
	}
}

static void expect_verdict(struct db *db, int64_t bad_id)
{
	struct audit_check c;
	assert_int_equal(audit_verify(db, &c, 0, NULL), RC_OK);
	if (c.bad_id != bad_id)
		fail_msg("audit_verify: bad_id %lld (%s), expected %lld", (long long)c.bad_id,
			 c.why ? c.why : "intact", (long long)bad_id);
	if (bad_id != 0)
		assert_non_null(c.why);
}

static void test_audit_append_and_verify(void **state)
{
	struct fx *f = *state;
	struct audit_check c;
	/* An empty log is intact. */
	assert_int_equal(audit_verify(f->db, &c, 0, NULL), RC_OK);
	assert_int_equal(c.records, 0);
	assert_int_equal(c.bad_id, 0);

	/* Appending needs the caller's transaction. */
	struct audit_entry e = {.actor_name = "cli:root",
				.action = "user.create",
				.object_type = "user",
				.object_id = "1"};
	assert_int_equal(audit_append(f->db, &e), RC_INTERNAL);

	assert_int_equal(db_begin(f->db), RC_OK);
	assert_int_equal(audit_append(f->db, &e), RC_OK);
	e.action = "role.grant";
	assert_int_equal(audit_append(f->db, &e), RC_OK);
	assert_int_equal(db_commit(f->db), RC_OK);

	/* Minimal entries (NULL strings, no detail) also verify. */
	struct audit_entry bare = {.action = "session.delete"};
	assert_int_equal(audit_append_tx(f->db, &bare), RC_OK);
	five_records(f->db);

	assert_int_equal(audit_verify(f->db, &c, 0, NULL), RC_OK);
	assert_int_equal(c.records, 8);
	assert_int_equal(c.bad_id, 0);
}

static void test_audit_rolled_back_records_vanish(void **state)
{
	struct fx *f = *state;
	five_records(f->db);
	struct audit_entry e = {.actor_name = "x", .action = "user.delete"};
	assert_int_equal(db_begin(f->db), RC_OK);
	assert_int_equal(audit_append(f->db, &e), RC_OK);
	db_rollback(f->db);
	/* And the chain continues correctly after the rollback. */
	assert_int_equal(audit_append_tx(f->db, &e), RC_OK);
	struct audit_check c;
	assert_int_equal(audit_verify(f->db, &c, 0, NULL), RC_OK);
	assert_int_equal(c.records, 6);
	assert_int_equal(c.bad_id, 0);
}

static void test_audit_edited_field_is_detected(void **state)
{
	struct fx *f = *state;
	five_records(f->db);
	expect_verdict(f->db, 0);
	assert_int_equal(db_exec_static(f->db,
					"DROP TRIGGER audit_log_no_update;"
					"UPDATE audit_log SET actor_name = 'mallory' WHERE id = 3"),
			 RC_OK);
	expect_verdict(f->db, 3);
}

static void test_audit_other_edits_are_detected(void **state)
{
	struct fx *f = *state;
	five_records(f->db);
	assert_int_equal(db_exec_static(f->db, "DROP TRIGGER audit_log_no_update"), RC_OK);
	/* Each edit, undone before the next, is found at its record. */
	static const struct {
		const char *edit, *undo;
		int64_t id;
	} cases[] = {
		{"UPDATE audit_log SET result = 'forbidden' WHERE id = 2",
		 "UPDATE audit_log SET result = 'ok' WHERE id = 2", 2},
		{"UPDATE audit_log SET at_ms = at_ms + 1 WHERE id = 4",
		 "UPDATE audit_log SET at_ms = at_ms - 1 WHERE id = 4", 4},
		{"UPDATE audit_log SET actor_id = 8 WHERE id = 5",
		 "UPDATE audit_log SET actor_id = 7 WHERE id = 5", 5},
		{"UPDATE audit_log SET detail = '{\"n\":0,\"note\":\"x\"}' WHERE id = 1", NULL, 1},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(db_exec_static(f->db, cases[i].edit), RC_OK);
		expect_verdict(f->db, cases[i].id);
		if (cases[i].undo) {
			assert_int_equal(db_exec_static(f->db, cases[i].undo), RC_OK);
			expect_verdict(f->db, 0);
		}
	}
}

static void test_audit_deleted_middle_record_is_detected(void **state)
{
	struct fx *f = *state;
	five_records(f->db);
	assert_int_equal(db_exec_static(f->db, "DROP TRIGGER audit_log_no_delete;"
					       "DELETE FROM audit_log WHERE id = 3"),
			 RC_OK);
	expect_verdict(f->db, 4);

	/* Renumbering to hide the gap breaks the chain anyway. */
	assert_int_equal(db_exec_static(f->db, "DROP TRIGGER audit_log_no_update;"
					       "UPDATE audit_log SET id = id - 1 WHERE id > 3"),
			 RC_OK);
	struct audit_check c;
	assert_int_equal(audit_verify(f->db, &c, 0, NULL), RC_OK);
	assert_int_equal(c.bad_id, 3);
}

static void test_audit_swapped_records_are_detected(void **state)
{
	struct fx *f = *state;
	five_records(f->db);
	/* Swap everything but the ids, hashes included. */
	assert_int_equal(
		db_exec_static(
			f->db,
			"DROP TRIGGER audit_log_no_update;"
			"CREATE TEMP TABLE s AS SELECT * FROM audit_log WHERE id IN (2, 3);"
			"UPDATE audit_log SET"
			" at_ms = (SELECT at_ms FROM s WHERE s.id = 5 - audit_log.id),"
			" actor_id = (SELECT actor_id FROM s WHERE s.id = 5 - audit_log.id),"
			" actor_name = (SELECT actor_name FROM s WHERE s.id = 5 - audit_log.id),"
			" role = (SELECT role FROM s WHERE s.id = 5 - audit_log.id),"
			" action = (SELECT action FROM s WHERE s.id = 5 - audit_log.id),"
			" object_type = (SELECT object_type FROM s WHERE s.id = 5 - audit_log.id),"
			" object_id = (SELECT object_id FROM s WHERE s.id = 5 - audit_log.id),"
			" org_id = (SELECT org_id FROM s WHERE s.id = 5 - audit_log.id),"
			" result = (SELECT result FROM s WHERE s.id = 5 - audit_log.id),"
			" client_ip = (SELECT client_ip FROM s WHERE s.id = 5 - audit_log.id),"
			" request_id = (SELECT request_id FROM s WHERE s.id = 5 - audit_log.id),"
			" detail = (SELECT detail FROM s WHERE s.id = 5 - audit_log.id),"
			" prev_hash = (SELECT prev_hash FROM s WHERE s.id = 5 - audit_log.id),"
			" hash = (SELECT hash FROM s WHERE s.id = 5 - audit_log.id)"
			" WHERE id IN (2, 3);"
			"DROP TABLE s;"),
		RC_OK);
	expect_verdict(f->db, 2);
}

static void test_audit_swapped_contents_are_detected(void **state)
{
	struct fx *f = *state;
	five_records(f->db);
	/* Swap the visible fields only, leaving the hashes in place. */
	assert_int_equal(
		db_exec_static(
			f->db,
			"DROP TRIGGER audit_log_no_update;"
			"CREATE TEMP TABLE s AS SELECT * FROM audit_log WHERE id IN (3, 4);"
			"UPDATE audit_log SET"
			" action = (SELECT action FROM s WHERE s.id = 7 - audit_log.id),"
			" object_id = (SELECT object_id FROM s WHERE s.id = 7 - audit_log.id),"
			" detail = (SELECT detail FROM s WHERE s.id = 7 - audit_log.id)"
			" WHERE id IN (3, 4);"
			"DROP TABLE s;"),
		RC_OK);
	expect_verdict(f->db, 3);
}

static void test_audit_chain_depends_on_the_key(void **state)
{
	struct fx *f = *state;
	five_records(f->db);
	unsigned char other[SEC_KEY_BYTES];
	memset(other, 0x5C, sizeof(other));
	sec_key_set(other);
	struct audit_check c;
	assert_int_equal(audit_verify(f->db, &c, 0, NULL), RC_OK);
	sec_key_set(test_key);
	assert_int_equal(c.bad_id, 1);
	expect_verdict(f->db, 0);
}

static void test_audit_triggers_refuse_changes(void **state)
{
	struct fx *f = *state;
	five_records(f->db);
	assert_int_not_equal(
		db_exec_static(f->db, "UPDATE audit_log SET actor_name = 'x' WHERE id = 2"), RC_OK);
	assert_int_not_equal(db_exec_static(f->db, "DELETE FROM audit_log WHERE id = 5"), RC_OK);
	assert_int_not_equal(db_exec_static(f->db, "DELETE FROM audit_log"), RC_OK);
	sqlite3_stmt *st = NULL;
	assert_int_equal(sqlite3_prepare_v2(db_handle(f->db),
					    "SELECT count(*), sum(actor_name = 'x') FROM audit_log",
					    -1, &st, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), 5);
	assert_int_equal(sqlite3_column_int(st, 1), 0);
	sqlite3_finalize(st);
	expect_verdict(f->db, 0);
}

static int64_t item_id(json_t *items, size_t i)
{
	return json_integer_value(json_object_get(json_array_get(items, i), "id"));
}

static void expect_ids(struct db *db, const struct audit_filter *flt, int64_t total,
		       const int64_t *ids, size_t n)
{
	json_t *items = NULL;
	int64_t got_total = -1;
	bool capped = true;
	assert_int_equal(audit_list(db, flt, &items, &got_total, &capped), RC_OK);
	assert_int_equal(got_total, total);
	assert_false(capped);
	if (json_array_size(items) != n)
		fail_msg("%zu items, expected %zu", json_array_size(items), n);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(item_id(items, i), ids[i]);
	json_decref(items);
}

#define IDS(...) \
	(const int64_t[]){__VA_ARGS__}, sizeof((const int64_t[]){__VA_ARGS__}) / sizeof(int64_t)

/* A log of millions of reads: counting stops at 10,000 and says so, while
 * a filter on one object still counts exactly. */
static void test_audit_list_counts_at_most_ten_thousand(void **state)
{
	struct fx *f = *state;
	assert_int_equal(db_begin(f->db), RC_OK);
	for (int i = 0; i < 10050; i++) {
		char id[16];
		snprintf(id, sizeof(id), "%d", i % 100);
		struct audit_entry e = {.actor_id = 9,
					.actor_name = "reader",
					.role = "grid_worker",
					.action = "resident.read",
					.object_type = "resident",
					.object_id = id,
					.result = "ok",
					.client_ip = "127.0.0.1",
					.request_id = "r"};
		assert_int_equal(audit_append(f->db, &e), RC_OK);
	}
	assert_int_equal(db_commit(f->db), RC_OK);
	json_t *items = NULL;
	int64_t total;
	bool capped;
	struct audit_filter flt = {.action = "resident.read", .limit = 20};
	assert_int_equal(audit_list(f->db, &flt, &items, &total, &capped), RC_OK);
	assert_int_equal(total, 10000);
	assert_true(capped);
	assert_int_equal(json_array_size(items), 20);
	json_decref(items);
	flt = (struct audit_filter){.object_type = "resident", .object_id = "7", .limit = 20};
	assert_int_equal(audit_list(f->db, &flt, &items, &total, &capped), RC_OK);
	assert_int_equal(total, 101);
	assert_false(capped);
	json_decref(items);
}

static void test_audit_list_filters_and_pages(void **state)
{
	struct fx *f = *state;
	json_t *d = json_pack("{s:s}", "role", "grid_worker");
	assert_int_equal(append_tx(f->db, 7, "alice", "user.create", "user", "10", 0, "ok", NULL),
			 RC_OK);
	assert_int_equal(append_tx(f->db, 7, "alice", "user.update", "user", "10", 0, "ok", NULL),
			 RC_OK);
	assert_int_equal(append_tx(f->db, 0, "mallory", "session.create", "session", "", 0,
				   "invalid_credentials", NULL),
			 RC_OK);
	assert_int_equal(
		append_tx(f->db, 8, "carol", "user.password.reset", "user", "11", 0, "ok", NULL),
		RC_OK);
	assert_int_equal(append_tx(f->db, 7, "alice", "users.export", "user", "", 0, "ok", NULL),
			 RC_OK);
	assert_int_equal(append_tx(f->db, 7, "alice", "user", "user", "", 0, "ok", NULL), RC_OK);
	assert_int_equal(append_tx(f->db, 8, "carol", "role.grant", "user", "10", 5, "ok", d),
			 RC_OK);
	json_decref(d);

	struct audit_filter flt = {.limit = 50};
	expect_ids(f->db, &flt, 7, IDS(7, 6, 5, 4, 3, 2, 1));

	/* A prefix ending in '.' matches that family only. */
	flt = (struct audit_filter){.action = "user.", .limit = 50};
	expect_ids(f->db, &flt, 3, IDS(4, 2, 1));
	flt = (struct audit_filter){.action = "user.create", .limit = 50};
	expect_ids(f->db, &flt, 1, IDS(1));
	flt = (struct audit_filter){.action = "user", .limit = 50};
	expect_ids(f->db, &flt, 1, IDS(6));
	flt = (struct audit_filter){.action = "user.c", .limit = 50}; /* no partial words */
	expect_ids(f->db, &flt, 0, NULL, 0);
	flt = (struct audit_filter){.action = "us%", .limit = 50}; /* no LIKE wildcards */
	expect_ids(f->db, &flt, 0, NULL, 0);

	flt = (struct audit_filter){.actor_id = 7, .limit = 50};
	expect_ids(f->db, &flt, 4, IDS(6, 5, 2, 1));
	flt = (struct audit_filter){.actor_id = 8, .action = "user.", .limit = 50};
	expect_ids(f->db, &flt, 1, IDS(4));
	flt = (struct audit_filter){.result = "invalid_credentials", .limit = 50};
	expect_ids(f->db, &flt, 1, IDS(3));
	flt = (struct audit_filter){.object_type = "user", .object_id = "10", .limit = 50};
	expect_ids(f->db, &flt, 3, IDS(7, 2, 1));

	/* Paging keeps the total. */
	flt = (struct audit_filter){.limit = 2};
	expect_ids(f->db, &flt, 7, IDS(7, 6));
	flt = (struct audit_filter){.limit = 2, .offset = 2};
	expect_ids(f->db, &flt, 7, IDS(5, 4));
	flt = (struct audit_filter){.limit = 2, .offset = 6};
	expect_ids(f->db, &flt, 7, IDS(1));
	flt = (struct audit_filter){.limit = 2, .offset = 10};
	expect_ids(f->db, &flt, 7, NULL, 0);

	/* Time window. */
	int64_t now_ms = (int64_t)time(NULL) * 1000;
	flt = (struct audit_filter){.from_ms = now_ms + 3600000, .limit = 50};
	expect_ids(f->db, &flt, 0, NULL, 0);
	flt = (struct audit_filter){.to_ms = 1, .limit = 50};
	expect_ids(f->db, &flt, 0, NULL, 0);
	flt = (struct audit_filter){
		.from_ms = now_ms - 3600000, .to_ms = now_ms + 3600000, .limit = 50};
	expect_ids(f->db, &flt, 7, IDS(7, 6, 5, 4, 3, 2, 1));

	/* The records as JSON. */
	json_t *items = NULL;
	int64_t total;
	bool capped;
	flt = (struct audit_filter){.limit = 50};
	assert_int_equal(audit_list(f->db, &flt, &items, &total, &capped), RC_OK);
	json_t *r7 = json_array_get(items, 0);
	assert_string_equal(json_string_value(json_object_get(r7, "action")), "role.grant");
	assert_string_equal(json_string_value(json_object_get(r7, "actor_name")), "carol");
	assert_int_equal(json_integer_value(json_object_get(r7, "actor_id")), 8);
	assert_int_equal(json_integer_value(json_object_get(r7, "org_id")), 5);
	assert_string_equal(
		json_string_value(json_object_get(json_object_get(r7, "detail"), "role")),
		"grid_worker");
	const char *at = json_string_value(json_object_get(r7, "at"));
	assert_non_null(at);
	assert_int_equal(strlen(at), 24); /* 2026-01-02T03:04:05.678Z */
	assert_int_equal(at[23], 'Z');
	json_t *r3 = json_array_get(items, 4);
	assert_int_equal(item_id(items, 4), 3);
	assert_true(json_is_null(json_object_get(r3, "actor_id")));
	assert_true(json_is_null(json_object_get(r3, "org_id")));
	assert_string_equal(json_string_value(json_object_get(r3, "result")),
			    "invalid_credentials");
	json_decref(items);
}

int main(void)
{
	const struct CMUnitTest roles[] = {
		cmocka_unit_test(test_role_names_round_trip),
		cmocka_unit_test(test_three_administrators),
		cmocka_unit_test(test_counselling_is_for_counsellors_only),
		cmocka_unit_test(test_exclusive_permissions),
		cmocka_unit_test(test_role_levels_match_the_catalogue),
		cmocka_unit_test(test_levels),
	};
	const struct CMUnitTest principal[] = {
		cmocka_unit_test(test_scope_grant_with_permission_covers_subtree),
		cmocka_unit_test(test_scope_forbidden_when_only_a_grant_without_permission_covers),
		cmocka_unit_test(test_scope_not_found_outside),
		cmocka_unit_test(test_scope_admin_grants_cover_everything),
		cmocka_unit_test(test_roots_remove_nested_and_duplicates),
		cmocka_unit_test(test_principal_json_lists_permissions_once),
		cmocka_unit_test_setup_teardown(test_principal_load, db_setup, db_teardown),
	};
	const struct CMUnitTest users[] = {
		cmocka_unit_test(test_username_rules),
		cmocka_unit_test(test_password_rules),
		cmocka_unit_test_setup_teardown(test_insert_duplicate_and_find_login, db_setup,
						db_teardown),
		cmocka_unit_test_setup_teardown(test_login_failures_lock_the_account, db_setup,
						db_teardown),
		cmocka_unit_test_setup_teardown(test_account_updates, db_setup, db_teardown),
		cmocka_unit_test_setup_teardown(test_users_list, db_setup, db_teardown),
		cmocka_unit_test_setup_teardown(test_users_list_gives_roles_for_every_account,
						db_setup, db_teardown),
		cmocka_unit_test_setup_teardown(test_grant_check_admin_roles_take_no_node, db_setup,
						db_teardown),
		cmocka_unit_test_setup_teardown(
			test_grant_check_business_roles_need_an_allowed_level, db_setup,
			db_teardown),
		cmocka_unit_test_setup_teardown(test_grant_check_keeps_administrators_separate,
						db_setup, db_teardown),
		cmocka_unit_test_setup_teardown(test_grant_revoke_and_lookups, db_setup,
						db_teardown),
	};
	const struct CMUnitTest audit[] = {
		cmocka_unit_test_setup_teardown(test_audit_append_and_verify, db_setup,
						db_teardown),
		cmocka_unit_test_setup_teardown(test_audit_rolled_back_records_vanish, db_setup,
						db_teardown),
		cmocka_unit_test_setup_teardown(test_audit_edited_field_is_detected, db_setup,
						db_teardown),
		cmocka_unit_test_setup_teardown(test_audit_other_edits_are_detected, db_setup,
						db_teardown),
		cmocka_unit_test_setup_teardown(test_audit_deleted_middle_record_is_detected,
						db_setup, db_teardown),
		cmocka_unit_test_setup_teardown(test_audit_swapped_records_are_detected, db_setup,
						db_teardown),
		cmocka_unit_test_setup_teardown(test_audit_swapped_contents_are_detected, db_setup,
						db_teardown),
		cmocka_unit_test_setup_teardown(test_audit_chain_depends_on_the_key, db_setup,
						db_teardown),
		cmocka_unit_test_setup_teardown(test_audit_triggers_refuse_changes, db_setup,
						db_teardown),
		cmocka_unit_test_setup_teardown(test_audit_list_counts_at_most_ten_thousand,
						db_setup, db_teardown),
		cmocka_unit_test_setup_teardown(test_audit_list_filters_and_pages, db_setup,
						db_teardown),
	};
	if (sec_init(1) != 0) {
		fprintf(stderr, "sec_init failed\n");
		return 1;
	}
	int failed = 0;
	failed += cmocka_run_group_tests_name("roles", roles, NULL, NULL);
	failed += cmocka_run_group_tests_name("principal", principal, group_setup, NULL);
	failed += cmocka_run_group_tests_name("users", users, group_setup, NULL);
	failed += cmocka_run_group_tests_name("audit", audit, group_setup, NULL);
	return failed != 0;
}
