/*
 * Demo builder.  Everything is deterministic: the same division data gives
 * the same grids, codes and polygons on every run, so screenshots and tests
 * can name them.  Grid events are the exception in one respect: they are
 * written as having happened in the hours and days before the build, so
 * their deadlines are measured from the moment of the build.
 */
#include "demo/demo.h"
#include "demo/duties_gen.h"
#include "demo/access_gen.h"
#include "demo/mediation_gen.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "auth/principal.h"
#include "cases/case.h"
#include "cli/cli.h"
#include "auth/users.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/str.h"
#include "demo/counselling_gen.h"
#include "events/events.h"
#include "org/divisions.h"
#include "org/org.h"
#include "demo/services_gen.h"

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

/* ---- handling units and grid events ---- */

/* Who handles events in the demo: four county departments with the
 * department officer, and the committee of the village where the demo's
 * community worker, grid worker and resident live, with its worker. */
struct demo_unit {
	const char *key, *name, *name_en, *kind, *org_code, *member;
};

static const struct demo_unit demo_units[] = {
	{"enforce", "诸暨市综合行政执法局", "Zhuji Comprehensive Administrative Law Enforcement Bureau",
	 "department", DEMO_COUNTY, "department"},
	{"housing", "诸暨市住房和城乡建设局", "Zhuji Housing and Urban-Rural Development Bureau",
	 "department", DEMO_COUNTY, "department"},
	{"ecology", "绍兴市生态环境局诸暨分局", "Zhuji Branch, Shaoxing Ecology and Environment Bureau",
	 "department", DEMO_COUNTY, "department"},
	{"power", "国网诸暨市供电公司", "State Grid Zhuji Power Supply Company", "department",
	 DEMO_COUNTY, "department"},
	/* The committee takes the name of its node of the tree. */
	{"village", NULL, "Fengyuan Village Committee", "community", "330681109290", "community"},
};
#define NUNITS (sizeof(demo_units) / sizeof(demo_units[0]))

/* Default handling units of some categories, as a county would set them. */
static const struct {
	const char *category, *unit;
} demo_defaults[] = {
	{"0101", "housing"}, {"0102", "power"},   {"0201", "housing"}, {"0401", "housing"},
	{"1101", "enforce"}, {"1102", "enforce"}, {"1104", "enforce"}, {"1201", "enforce"},
	{"1202", "enforce"}, {"1301", "enforce"}, {"1302", "enforce"}, {"1303", "enforce"},
	{"1304", "ecology"}, {"1401", "enforce"}, {"1402", "enforce"}, {"1403", "enforce"},
	{"1502", "housing"}, {"2203", "housing"},
};

/* Where an event's story ends. */
enum demo_end {
	DE_REPORTED,
	DE_REGISTERED,
	DE_DISPATCHED,
	DE_ACCEPTED,
	DE_HANDLED,
	DE_CLOSED,
	DE_EVALUATED,
	DE_SELF,      /* found and fixed on the spot by the grid worker */
	DE_CANCELLED, /* registered, then cancelled with `note` as the reason */
	DE_PARKED,    /* registered, then parked with `note` */
	DE_ESCALATED, /* escalated to the county with `note` */
	DE_RETURNED,  /* returned by `unit` with `note`, sent to the village, accepted */
	DE_REWORK,    /* handled with `note`, failed verification, back in handling */
	DE_POSTPONE,  /* accepted, more time asked with `note`, undecided */
	DE_MERGED,    /* merged into the event before it */
};

struct demo_event {
	const char *grid, *category, *source, *reporter;
	int hours_ago;   /* reported this long before the build */
	int step_min;    /* minutes between the steps that follow */
	enum demo_end end;
	const char *unit; /* key of the unit it is dispatched to */
	const char *text, *note;
};

#define F1 "330681109290001" /* 枫源村第1网格: the demo grid worker's and resident's */
#define F2 "330681109290002"

/* Oldest first, so that ids follow the order of reporting. */
static const struct demo_event demo_events[] = {
	{"330681109009002", "1402", "hotline", "town", 230, 60, DE_CLOSED, "enforce",
	 "永安社区农贸市场门口机动车乱停放，早高峰时段堵塞道路", "执法队员现场劝离车辆，并在路口增设禁停标志"},
	{F1, "1101", "patrol", "grid", 200, 60, DE_EVALUATED, "enforce",
	 "枫源村文化礼堂东侧垃圾桶满溢，周边散落生活垃圾", "已安排保洁员清运，并对垃圾桶周边消杀"},
	{"330681109008001", "0102", "hotline", "town", 190, 120, DE_CLOSED, "power",
	 "枫一社区主干道三盏路灯夜间不亮，行人通行不便", "更换灯泡两只、修复线路一处，已恢复照明"},
	{F2, "2101", "patrol", "community", 170, 180, DE_EVALUATED, "village",
	 "两户村民因宅基地边界问题发生争执，情绪激动", "村调委会组织双方现场丈量并调解，双方签订调解协议"},
	{F1, "1201", "self", "grid", 160, 0, DE_SELF, NULL, "单元楼道墙面张贴疏通管道小广告",
	 "当场清除小广告十余张"},
	{"330681001001001", "1402", "hotline", "county", 150, 90, DE_CLOSED, "enforce",
	 "江东社区小区出入口车辆乱停放，堵塞消防通道", "执法队员现场劝离车辆，并张贴违停告知单"},
	{"330681109005002", "1301", "patrol", "town", 140, 60, DE_CANCELLED, NULL,
	 "村民在自家院内搭建彩钢棚，疑似未经审批", "经核实已取得农房建设审批手续，不属违法建设"},
	{F1, "2301", "resident", "resident", 120, 60, DE_EVALUATED, "village",
	 "隔壁独居老人家中水管漏水，老人行动不便，请求帮助维修", "村委会联系志愿者上门更换水管阀门"},
	{"330681109291001", "1303", "patrol", "town", 110, 120, DE_PARKED, NULL,
	 "乐山村道路旁违法搭建的简易仓库，需依法拆除", "涉及土地权属争议，待镇国土所出具认定意见后再处置"},
	{"330681109003001", "0101", "hotline", "town", 96, 60, DE_REWORK, "housing",
	 "百树社区菜场路口窨井盖破损下沉，存在安全隐患", "已临时设置警示标志并更换井盖"},
	{F2, "2201", "patrol", "community", 90, 60, DE_HANDLED, "village",
	 "出租房内电动自行车入户充电，楼道堆放杂物", "已督促房东清理楼道杂物，租户签订安全承诺书"},
	{"330681104004001", "1304", "hotline", "county", 80, 60, DE_ACCEPTED, "ecology",
	 "店口社区一处工地夜间22点后仍在施工，噪音扰民", NULL},
	{F1, "1103", "patrol", "grid", 72, 30, DE_RETURNED, "enforce",
	 "降雨后村道低洼处积水约20厘米，影响村民出行", "属村内道路排水问题，不在执法局职责范围"},
	{"330681109009002", "1401", "patrol", "town", 60, 60, DE_CLOSED, "enforce",
	 "早市摊贩占用人行道经营，影响行人通行", "劝导摊贩进入农贸市场经营，人行道已恢复通行"},
	{"330681109008001", "2203", "hotline", "town", 50, 120, DE_POSTPONE, "housing",
	 "老旧房屋外墙出现明显裂缝，住户担心安全", "需委托第三方房屋安全鉴定，鉴定周期较长"},
	{F1, "0201", "resident", "resident", 48, 60, DE_DISPATCHED, "housing",
	 "村道路面出现坑槽，电动车通行容易摔倒", NULL},
	{"330681002005002", "1202", "instruction", "county", 45, 60, DE_DISPATCHED, "enforce",
	 "和济社区沿街商铺门头广告牌松动，有坠落风险", NULL},
	{"330681109002001", "1102", "patrol", "town", 30, 45, DE_HANDLED, "enforce",
	 "菜市场门口路面油污严重，行人容易滑倒", "已用高压水枪冲洗路面油污"},
	{F2, "2202", "patrol", "community", 26, 30, DE_ACCEPTED, "village",
	 "沿街餐饮店液化气瓶未放置在独立气瓶间", NULL},
	{"330681109005002", "0401", "hotline", "town", 24, 30, DE_ACCEPTED, "housing",
	 "大风过后路边一棵香樟树倒伏，压住部分车道", NULL},
	{F1, "1403", "patrol", "grid", 20, 30, DE_DISPATCHED, "enforce",
	 "公交站旁共享单车乱停放，占用盲道", NULL},
	{"330681001001001", "2502", "hotline", "county", 18, 60, DE_REGISTERED, NULL,
	 "江东社区某小区3幢电梯停运两天未修复，老人上下楼困难", NULL},
	{F2, "2103", "patrol", "community", 12, 30, DE_ESCALATED, NULL,
	 "村内服装加工厂拖欠十余名工人两个月工资", "涉及外地企业和多名务工人员，需县级劳动监察介入"},
	{"330681109003001", "1104", "patrol", "town", 8, 30, DE_REGISTERED, NULL,
	 "沿街店铺门前堆放建筑材料，占用人行道", NULL},
	{F1, "0302", "patrol", "grid", 6, 30, DE_REPORTED, NULL, "村公厕洗手池水龙头损坏，持续漏水",
	 NULL},
	{F1, "1101", "resident", "resident", 5, 30, DE_REPORTED, NULL, "村口小桥边有人倾倒建筑垃圾",
	 NULL},
	{F1, "1101", "patrol", "grid", 4, 20, DE_MERGED, NULL, "村口小桥旁堆放建筑垃圾约两车",
	 NULL},
	{"330681109291001", "2401", "hotline", "town", 3, 20, DE_REPORTED, NULL,
	 "夜间有人在村口聚集饮酒喧哗，影响村民休息", NULL},
	{"330681109008001", "1502", "hotline", "town", 2, 15, DE_DISPATCHED, "housing",
	 "自来水管道破裂，路面冒水", NULL},
	{F2, "2302", "patrol", "community", 1, 10, DE_REPORTED, NULL,
	 "村内一名留守儿童近期无人照看，需要关注", NULL},
	{F1, "0102", "patrol", "grid", 1, 10, DE_REPORTED, NULL, "枫源路口路灯白天常亮", NULL},
};
#define NEVENTS (sizeof(demo_events) / sizeof(demo_events[0]))

/* The handling units and their members; ids[i] receives demo_units[i]'s. */
static int demo_make_units(struct db *db, int64_t ids[NUNITS])
{
	int rc = RC_OK;
	for (size_t i = 0; i < NUNITS && rc == RC_OK; i++) {
		const struct demo_unit *u = &demo_units[i];
		char name[128];
		snprintf(name, sizeof(name), "%s", u->name ? u->name : "");
		if (u->name == NULL) {
			sqlite3_stmt *st = db_stmt(db, "SELECT name FROM org WHERE code = ?");
			if (st == NULL)
				return RC_INTERNAL;
			db_bind_text(st, 1, u->org_code);
			if (sqlite3_step(st) == SQLITE_ROW)
				snprintf(name, sizeof(name), "%s", db_col_text(st, 0));
			sqlite3_reset(st);
		}
		sqlite3_stmt *st = db_stmt(db, "INSERT INTO handling_units (name, name_en, kind,"
					       " org_code) VALUES (?,?,?,?)");
		if (st == NULL)
			return RC_INTERNAL;
		db_bind_text(st, 1, name);
		db_bind_text(st, 2, u->name_en);
		db_bind_text(st, 3, u->kind);
		db_bind_text(st, 4, u->org_code);
		rc = db_step_done(db, st);
		ids[i] = db_last_id(db);
		st = db_stmt(db, "INSERT INTO handling_unit_members (unit_id, user_id) VALUES (?,?)");
		if (rc == RC_OK && st == NULL)
			rc = RC_INTERNAL;
		if (rc == RC_OK) {
			sqlite3_bind_int64(st, 1, ids[i]);
			sqlite3_bind_int64(st, 2, users_id_by_name(db, u->member));
			rc = db_step_done(db, st);
		}
	}
	for (size_t i = 0; i < sizeof(demo_defaults) / sizeof(demo_defaults[0]) && rc == RC_OK;
	     i++) {
		int64_t unit = 0;
		for (size_t k = 0; k < NUNITS; k++)
			if (strcmp(demo_units[k].key, demo_defaults[i].unit) == 0)
				unit = ids[k];
		sqlite3_stmt *st = db_stmt(db, "UPDATE event_categories SET unit_id = ? WHERE code = ?");
		if (st == NULL)
			return RC_INTERNAL;
		sqlite3_bind_int64(st, 1, unit);
		db_bind_text(st, 2, demo_defaults[i].category);
		rc = db_step_done(db, st);
	}
	return rc;
}

/* The clock of the story: each step happens `step` after the one before,
 * never later than a minute before the build. */
struct demo_clock {
	int64_t real_ms, at_ms, step_ms;
};

static void demo_tick(struct demo_clock *k)
{
	if (k->at_ms > k->real_ms - 60000)
		k->at_ms = k->real_ms - 60000;
	clock_set_offset((k->at_ms - k->real_ms) / 1000);
	k->at_ms += k->step_ms;
}

/* Take action on event id as username, exactly as POST
 * /api/v1/events/{id}/<action> would with body arg (stolen): the engine's
 * rules first (scope, role, unit, state, inputs), then the move and its
 * consequences. */
static int demo_act(struct db *db, struct demo_clock *k, int64_t id, const char *action,
		    const char *username, json_t *arg)
{
	struct arena ar = {0};
	struct principal *p = NULL;
	struct case_row c;
	const struct case_transition *t = NULL;
	const char *why = NULL;
	json_t *detail = NULL;
	demo_tick(k);
	int rc = principal_load(db, &ar, users_id_by_name(db, username), &p);
	if (rc == RC_OK)
		rc = case_load(db, &event_kind, id, &c);
	if (rc == RC_OK)
		rc = case_check(db, &event_kind, &c, action, p, &t, &why);
	if (rc == RC_OK && event_check_args(db, &c, action, arg, &why) != NULL)
		rc = RC_VALIDATION_FAILED;
	if (rc != RC_OK) {
		fprintf(stderr, "demo event %lld: %s by %s: %s\n", (long long)id, action, username,
			why ? why : "refused");
		goto out;
	}
	const char *note = json_string_value(json_object_get(arg, "reason"));
	if (note == NULL)
		note = json_string_value(json_object_get(arg, "feedback"));
	if (note == NULL)
		note = json_string_value(json_object_get(arg, "comment"));
	detail = json_deep_copy(arg);
	json_object_del(detail, "reason");
	json_object_del(detail, "feedback");
	json_object_del(detail, "comment");
	if (json_object_size(detail) == 0) {
		json_decref(detail);
		detail = NULL;
	}
	int from = c.state;
	int to = strcmp(action, "verify") == 0 && !json_is_true(json_object_get(arg, "passed"))
			 ? EV_ACCEPTED
			 : EV_CLOSED;
	struct case_actor who = {p->user_id, p->username};
	rc = case_move(db, &event_kind, &c, t, to, &who, note, detail);
	if (rc == RC_OK)
		rc = event_after_move(db, &c, action, from, arg, &who);
out:
	json_decref(arg);
	arena_free(&ar);
	return rc;
}

/* A point inside a grid's (rectangular) boundary, at fractions fx, fy of
 * its box. */
static int demo_point(struct db *db, const char *grid, double fx, double fy, double *lat,
		      double *lon)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT boundary FROM org WHERE code = ? AND level = 'grid'"
				       " AND boundary IS NOT NULL");
	if (st == NULL)
		return RC_INTERNAL;
	db_bind_text(st, 1, grid);
	json_t *g = sqlite3_step(st) == SQLITE_ROW ? json_loads(db_col_text(st, 0), 0, NULL) : NULL;
	sqlite3_reset(st);
	json_t *ring = json_array_get(json_object_get(g, "coordinates"), 0);
	if (json_array_size(ring) < 4) {
		json_decref(g);
		fprintf(stderr, "demo: no grid %s with a boundary\n", grid);
		return RC_NOT_FOUND;
	}
	double x0 = 180, x1 = -180, y0 = 90, y1 = -90;
	size_t i;
	json_t *pt;
	json_array_foreach(ring, i, pt)
	{
		double x = json_number_value(json_array_get(pt, 0));
		double y = json_number_value(json_array_get(pt, 1));
		x0 = fmin(x0, x), x1 = fmax(x1, x), y0 = fmin(y0, y), y1 = fmax(y1, y);
	}
	json_decref(g);
	*lon = round((x0 + (x1 - x0) * fx) * 1e6) / 1e6;
	*lat = round((y0 + (y1 - y0) * fy) * 1e6) / 1e6;
	return RC_OK;
}

/* How far along report → register → dispatch → accept → handle → verify
 * → evaluate a story goes before (or where) it turns aside. */
static int demo_steps(enum demo_end end)
{
	switch (end) {
	case DE_REGISTERED:
	case DE_CANCELLED:
	case DE_PARKED:
		return 1;
	case DE_DISPATCHED:
		return 2;
	case DE_ACCEPTED:
	case DE_POSTPONE:
	case DE_RETURNED:
		return 3;
	case DE_HANDLED:
	case DE_REWORK:
		return 4;
	case DE_CLOSED:
		return 5;
	case DE_EVALUATED:
		return 6;
	default:
		return 0;
	}
}

/* The unit handling cases of `key`, and the account acting for it. */
static int64_t demo_unit_id(const int64_t ids[NUNITS], const char *key, const char **member)
{
	for (size_t i = 0; i < NUNITS; i++)
		if (strcmp(demo_units[i].key, key) == 0) {
			*member = demo_units[i].member;
			return ids[i];
		}
	*member = NULL;
	return 0;
}

static int demo_story(struct db *db, struct demo_clock *k, const struct demo_event *e, size_t n,
		      const int64_t units[NUNITS], int64_t *prev_id, double *prev_lat,
		      double *prev_lon)
{
	double lat, lon;
	int rc = demo_point(db, e->grid, 0.2 + 0.6 * (double)((n * 37) % 100) / 100.0,
			    0.2 + 0.6 * (double)((n * 61 + 13) % 100) / 100.0, &lat, &lon);
	if (rc != RC_OK)
		return rc;
	if (e->end == DE_MERGED) {
		/* The same heap seen again, some 30 m away. */
		lat = *prev_lat + 0.00027;
		lon = *prev_lon;
	}
	/* The town's centre works its own towns' cases, the county's the rest. */
	const char *centre = strncmp(e->grid, "330681109", 9) == 0 ? "town" : "county";
	bool staff_reporter = strcmp(e->reporter, "grid") == 0 || strcmp(e->reporter, "community") == 0;
	const char *verifier = staff_reporter ? e->reporter : centre;
	const char *handler = NULL;
	int64_t unit = e->unit ? demo_unit_id(units, e->unit, &handler) : 0;

	k->at_ms = k->real_ms - (int64_t)e->hours_ago * 3600000;
	demo_tick(k);
	struct event_in in = {
		.category = e->category,
		.source = e->source,
		.description = e->text,
		.has_point = true,
		.lat = lat,
		.lon = lon,
		.feedback = e->end == DE_SELF ? e->note : NULL,
	};
	struct case_actor who = {users_id_by_name(db, e->reporter), e->reporter};
	int64_t id = 0;
	rc = event_create(db, &in, e->grid, &who, &id);
	if (rc != RC_OK)
		return rc;
	k->step_ms = (int64_t)e->step_min * 60000;

	int steps = demo_steps(e->end);
	if (e->end == DE_ESCALATED)
		rc = demo_act(db, k, id, "escalate", centre, json_pack("{s:s}", "reason", e->note));
	if (e->end == DE_MERGED)
		rc = demo_act(db, k, id, "merge", centre,
			      json_pack("{s:I}", "into", (json_int_t)*prev_id));
	if (rc == RC_OK && steps >= 1)
		rc = demo_act(db, k, id, "register", centre, json_object());
	if (rc == RC_OK && e->end == DE_CANCELLED)
		rc = demo_act(db, k, id, "cancel", centre, json_pack("{s:s}", "reason", e->note));
	if (rc == RC_OK && e->end == DE_PARKED)
		rc = demo_act(db, k, id, "park", centre, json_pack("{s:s}", "reason", e->note));
	if (rc == RC_OK && steps >= 2) {
		/* Name the person for every other case; otherwise the whole unit is told. */
		json_t *dispatch = json_pack("{s:I}", "unit_id", (json_int_t)unit);
		if (n % 2 == 0)
			json_object_set_new(dispatch, "assignee_id",
					    json_integer(users_id_by_name(db, handler)));
		if (n % 3 == 0)
			json_object_set_new(dispatch, "reason", json_string("请按时处置并反馈结果"));
		rc = demo_act(db, k, id, "dispatch", centre, dispatch);
	}
	if (rc == RC_OK && e->end == DE_RETURNED) {
		/* Not the bureau's business: back to the centre, then to the village. */
		rc = demo_act(db, k, id, "return", handler, json_pack("{s:s}", "reason", e->note));
		unit = demo_unit_id(units, "village", &handler);
		if (rc == RC_OK)
			rc = demo_act(db, k, id, "dispatch", centre,
				      json_pack("{s:I, s:I, s:s}", "unit_id", (json_int_t)unit,
						"assignee_id", (json_int_t)users_id_by_name(db, handler),
						"reason", "请村委会组织疏通排水沟"));
	}
	if (rc == RC_OK && steps >= 3)
		rc = demo_act(db, k, id, "accept", handler, json_object());
	if (rc == RC_OK && e->end == DE_POSTPONE)
		rc = demo_act(db, k, id, "postpone", handler,
			      json_pack("{s:i, s:s}", "days", 3, "reason", e->note));
	if (rc == RC_OK && steps >= 4)
		rc = demo_act(db, k, id, "handle", handler, json_pack("{s:s}", "feedback", e->note));
	if (rc == RC_OK && e->end == DE_REWORK)
		rc = demo_act(db, k, id, "verify", verifier,
			      json_pack("{s:b, s:s}", "passed", 0, "reason",
					"现场复核：新井盖尺寸不符，仍有晃动"));
	if (rc == RC_OK && steps >= 5)
		rc = demo_act(db, k, id, "verify", verifier, json_pack("{s:b}", "passed", 1));
	if (rc == RC_OK && steps >= 6)
		rc = demo_act(db, k, id, "evaluate", e->reporter,
			      json_pack("{s:i, s:s}", "score", n % 4 == 1 ? 4 : 5, "comment",
					n % 4 == 1 ? "处理得不错，希望以后更快一些" : "处理及时，很满意"));
	*prev_id = id;
	*prev_lat = lat;
	*prev_lon = lon;
	return rc;
}

/* Handling units and a few dozen events in every state, in one
 * transaction; the clock is set back for each step and restored. */
static int demo_events_build(struct db *db)
{
	int rc = events_calendar_load(db, NULL);
	if (rc != RC_OK)
		return rc;
	rc = db_begin(db);
	if (rc != RC_OK)
		return rc;
	int64_t units[NUNITS] = {0};
	rc = demo_make_units(db, units);
	clock_set_offset(0);
	struct demo_clock k = {clock_now_ms(), 0, 0};
	int64_t prev = 0;
	double plat = 0, plon = 0;
	for (size_t i = 0; i < NEVENTS && rc == RC_OK; i++)
		rc = demo_story(db, &k, &demo_events[i], i, units, &prev, &plat, &plon);
	clock_set_offset(0);
	if (rc == RC_OK) {
		json_t *d = json_pack("{s:I, s:I}", "handling_units", (json_int_t)NUNITS, "events",
				      (json_int_t)NEVENTS);
		rc = cli_audit(db, "demo.events", "event", DEMO_COUNTY, 0, d);
		json_decref(d);
	}
	if (rc == RC_OK)
		return db_commit(db);
	db_rollback(db);
	return rc;
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
		{"mediator", "何秀英", "mediator", "330681109290"},
		{"counsellor", "林静", "counsellor", "330681109"},
		{"supervisor", "高志远", "counsel_supervisor", "330681"},
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
	if (rc == RC_OK)
		rc = demo_events_build(db);
	if (rc == RC_OK)
		rc = demo_counselling_build(db);
	if (rc == RC_OK)
		rc = demo_mediation_build(db);
	if (rc == RC_OK)
		rc = demo_access_build(db);
	return rc;
}

int demo_after_people(struct db *db)
{
	/* The demo resident's grid: where their role is held. */
	sqlite3_stmt *st = db_stmt(db, "SELECT o.code FROM users u JOIN user_roles r"
				       " ON r.user_id = u.id JOIN org o ON o.id = r.org_id"
				       " WHERE u.username = 'resident'");
	char grid[16] = "";
	if (st != NULL && sqlite3_step(st) == SQLITE_ROW)
		snprintf(grid, sizeof(grid), "%s", sqlite3_column_text(st, 0));
	if (st != NULL)
		sqlite3_reset(st);
	if (grid[0] == '\0')
		return RC_NOT_FOUND;
	int rc = demo_duties_build(db);
	return rc == RC_OK ? demo_services_build(db, grid) : rc;
}
