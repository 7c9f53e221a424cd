/*
 * Demo work access: the county's reviewing unit, requests in every state
 * decided by the same check and review as the API (on a demo without duty
 * lists every request goes to review; with lists some pass or are refused
 * at once), and a community ledger with done, open and refused work.
 */
#include "demo/access_gen.h"

#include <stdio.h>
#include <string.h>

#include "access/access.h"
#include "auth/users.h"
#include "cli/cli.h"
#include "core/clock.h"
#include "core/error.h"

#define DAY_S 86400
#define DEMO_COUNTY "330681"
#define DEMO_TOWN "330681109"

/* Today on the (shifted) clock plus some days. */
static void day_at(int plus, char out[11])
{
	calendar_date_of(calendar_day_at(clock_now_ms()) + plus, out);
}

/* A handling unit by name, 0 when absent. */
static int64_t unit_named(struct db *db, const char *name)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT id FROM handling_units WHERE name = ?");
	if (st == NULL)
		return 0;
	db_bind_text(st, 1, name);
	int64_t id = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	return id;
}

static int reviewing_unit(struct db *db, int64_t member, int64_t *unit)
{
	sqlite3_stmt *st = db_stmt(db, "INSERT INTO handling_units (name, name_en, kind, org_code)"
				       " VALUES ('诸暨市民政局', 'Zhuji Civil Affairs Bureau',"
				       " 'department', '" DEMO_COUNTY "')");
	int rc = db_step_done(db, st);
	if (rc != RC_OK)
		return rc;
	*unit = db_last_id(db);
	st = db_stmt(db, "INSERT INTO handling_unit_members (unit_id, user_id) VALUES (?, ?)");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, *unit);
	sqlite3_bind_int64(st, 2, member);
	rc = db_step_done(db, st);
	return rc == RC_OK ? access_set_reviewer(db, DEMO_COUNTY, *unit, 0) : rc;
}

struct story {
	int days_ago;
	const char *who;  /* demo account */
	const char *unit; /* the requesting department, NULL: the town */
	const char *kind, *title, *description, *legal_basis, *funding;
	const char *scope[3];
	const char *decision; /* "approve", "reject" or NULL: left as it is */
	int decided_after;    /* days */
	const char *text;
};

/* clang-format off */
static const struct story stories[] = {
	{58, "department", "诸暨市住房和城乡建设局", "inspection", "农村自建房安全隐患排查",
	 "对辖区农村自建房逐户排查，发现隐患及时上报镇里。",
	 "《浙江省房屋使用安全管理条例》第二十二条", "市住建局按每户20元拨付排查经费",
	 {DEMO_TOWN}, "approve", 3, "排查经费随事拨付，隐患按月汇总报镇，不另设考核。"},
	{44, "town", NULL, "form", "村级环境卫生月报表",
	 "每月5日前报送上月环境卫生整治情况及照片。",
	 "枫桥镇人民政府工作安排", NULL,
	 {"330681109290", "330681109291"}, NULL, 0, NULL},
	{40, "town", NULL, "meeting", "垃圾分类工作周例会",
	 "各村（社区）分管干部每周一到镇里汇报垃圾分类进度。", "枫桥镇垃圾分类工作方案", NULL,
	 {DEMO_TOWN}, "reject", 2, "每周到镇汇报过于频繁，改为每季度一次书面情况说明。"},
	{30, "department", "诸暨市综合行政执法局", "task", "文明城市常态化创建迎检",
	 "组织人员清理背街小巷，配合迎检。", "诸暨市创建工作方案", NULL,
	 {DEMO_TOWN}, NULL, 0, NULL},
	{21, "town", NULL, "meeting", "防汛防台工作部署会",
	 "汛期前各村（社区）主职干部参加部署会。", "《浙江省防汛防台抗旱条例》第十六条",
	 "会务由镇承担", {DEMO_TOWN}, "approve", 1, "每年汛前一次。"},
	{10, "town", NULL, "meeting", "防汛防台工作部署会",
	 "主汛期补充部署。", "《浙江省防汛防台抗旱条例》第十六条", "会务由镇承担",
	 {"330681109290"}, NULL, 0, NULL},
	{12, "department", "诸暨市应急管理局", "task", "应急物资储备点季度巡查",
	 "每季度巡查村（社区）应急物资储备点，补齐短缺物资并报镇汇总。",
	 "《浙江省突发事件应对条例》", "物资由市应急管理局统一调拨", {DEMO_TOWN}, NULL, 0, NULL},
	{3, "town", NULL, "task", "老年人防诈骗宣传进家门",
	 "各村（社区）结合走访向70岁以上老人讲解防诈骗知识。", "枫桥镇平安建设工作要点",
	 "宣传资料由镇统一印制", {"330681109290"}, NULL, 0, NULL},
	{2, "department", "绍兴市生态环境局诸暨分局", "app", "环保随手拍APP推广注册",
	 "每村（社区）注册用户不少于200人。", "无", NULL,
	 {"330681109290"}, NULL, 0, NULL},
};
/* clang-format on */

static int communities_of(struct db *db, const char *const *scope, const char **out, size_t cap,
			  char (*buf)[16], size_t *n)
{
	*n = 0;
	for (size_t i = 0; i < 3 && scope[i] != NULL; i++) {
		sqlite3_stmt *st = db_stmt(db, "SELECT code FROM org WHERE level = 'community'"
					       " AND code >= ?1 AND code < ?1 || ';' ORDER BY code");
		if (st == NULL)
			return RC_INTERNAL;
		db_bind_text(st, 1, scope[i]);
		while (*n < cap && sqlite3_step(st) == SQLITE_ROW) {
			snprintf(buf[*n], 16, "%s", sqlite3_column_text(st, 0));
			out[*n] = buf[*n];
			(*n)++;
		}
		sqlite3_reset(st);
	}
	return *n ? RC_OK : RC_NOT_FOUND;
}

static const struct case_transition *transition(const char *action)
{
	for (size_t i = 0; i < access_kind.ntransitions; i++)
		if (strcmp(access_kind.transitions[i].action, action) == 0)
			return &access_kind.transitions[i];
	return NULL;
}

static int story(struct db *db, const struct story *s, int64_t reviewer, int *filed)
{
	clock_set_offset(-(int64_t)s->days_ago * DAY_S);
	char starts[11], ends[11], deadline[11], scope_json[128] = "[";
	day_at(0, starts);
	day_at(90, ends);
	day_at(20, deadline);
	for (size_t i = 0; i < 3 && s->scope[i] != NULL; i++)
		snprintf(scope_json + strlen(scope_json), sizeof(scope_json) - strlen(scope_json),
			 "%s\"%s\"", i ? "," : "", s->scope[i]);
	snprintf(scope_json + strlen(scope_json), sizeof(scope_json) - strlen(scope_json), "]");
	static char buf[600][16];
	const char *comms[600];
	size_t n = 0;
	int rc = communities_of(db, s->scope, comms, 600, buf, &n);
	if (rc != RC_OK)
		return rc;
	struct access_in in = {
		.requester_code = s->unit ? DEMO_COUNTY : DEMO_TOWN,
		.body = s->unit ? s->unit : "枫桥镇",
		.body_unit_id = s->unit ? unit_named(db, s->unit) : 0,
		.kind = s->kind,
		.title = s->title,
		.description = s->description,
		.legal_basis = s->legal_basis,
		.funding = s->funding ? s->funding : "",
		.funded = s->funding != NULL,
		.starts_on = starts,
		.ends_on = ends,
		.deadline_on = deadline,
		.workload_hours = 6,
		.scope_json = scope_json,
		.communities = comms,
		.ncommunities = n,
	};
	struct case_actor who = {users_id_by_name(db, s->who), s->who};
	int64_t id = 0;
	int state = 0;
	rc = access_file(db, &in, &who, &id, &state);
	if (rc == RC_OK)
		(*filed)++;
	/* The reviewer decides what the lists left to them. */
	if (rc == RC_OK && s->decision != NULL && state == ACC_IN_REVIEW) {
		clock_set_offset(-(int64_t)(s->days_ago - s->decided_after) * DAY_S);
		struct case_row c;
		struct case_actor rev = {reviewer, "county"};
		rc = case_load(db, &access_kind, id, &c);
		if (rc == RC_OK)
			rc = access_decide(db, &c, transition(s->decision), s->text, &rev);
	}
	return rc;
}

/* 枫源村's ledger: one task done, work that came by phone refused and one
 * recorded and kept. */
static int village_ledger(struct db *db)
{
	int64_t worker = users_id_by_name(db, "community");
	clock_set_offset(-15 * (int64_t)DAY_S);
	char today[11], later[11];
	day_at(0, today);
	day_at(7, later);
	struct task_in phone = {"330681109290", "form", "养犬登记情况统计表", "某部门工作人员（电话）",
				today, later, "要求两天内报送全村养犬户名单"};
	int64_t id = 0;
	int rc = ledger_record(db, &phone, worker, &id);
	if (rc == RC_OK)
		rc = ledger_refuse(db, id, "not_through_access", 0, "未经工作准入，已告知向镇准入办申请",
				   worker);
	clock_set_offset(-4 * (int64_t)DAY_S);
	day_at(0, today);
	day_at(5, later);
	struct task_in chat = {"330681109290", "task", "报送志愿者服务名单", "镇团委（微信群通知）",
			       today, later, "需核实是否已纳入准入"};
	if (rc == RC_OK)
		rc = ledger_record(db, &chat, worker, &id);
	/* The oldest task from access is done. */
	sqlite3_stmt *st = db_stmt(db, "SELECT id FROM community_tasks WHERE code = '330681109290'"
				       " AND source = 'access' ORDER BY id LIMIT 1");
	int64_t first = 0;
	if (st != NULL && sqlite3_step(st) == SQLITE_ROW)
		first = sqlite3_column_int64(st, 0);
	if (st != NULL)
		sqlite3_reset(st);
	if (rc == RC_OK && first != 0)
		rc = ledger_done(db, first, "已完成全村自建房排查，台账已报送", worker);
	return rc;
}

int demo_access_build(struct db *db)
{
	int rc = db_begin(db);
	if (rc != RC_OK)
		return rc;
	/* The county officer sits in the reviewing unit for the demo: the
	 * department officer files requests and may not review their own. */
	int64_t reviewer = users_id_by_name(db, "county"), unit = 0;
	int filed = 0;
	rc = reviewing_unit(db, reviewer, &unit);
	for (size_t i = 0; i < sizeof(stories) / sizeof(stories[0]) && rc == RC_OK; i++)
		rc = story(db, &stories[i], reviewer, &filed);
	if (rc == RC_OK)
		rc = village_ledger(db);
	clock_set_offset(0);
	if (rc == RC_OK) {
		json_t *d = json_pack("{s:I, s:i}", "reviewing_unit", (json_int_t)unit, "requests",
				      filed);
		rc = cli_audit(db, "demo.access", "access_reviewer", DEMO_COUNTY, 0, d);
		json_decref(d);
	}
	if (rc == RC_OK) {
		printf("work access: 诸暨市民政局 reviews; %d requests, 枫源村's ledger\n", filed);
		return db_commit(db);
	}
	db_rollback(db);
	return rc;
}
