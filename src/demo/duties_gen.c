/*
 * Demo duty lists: what a county's publishing looks like a year in.  The
 * lists go through the same storage functions as the API (drafts, items,
 * publishing), so the demo shows versions, history and differences; the
 * certificates go through the same banned-list check and register counter.
 */
#include "demo/duties_gen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/calendar.h"
#include "core/clock.h"
#include "core/error.h"
#include "duties/certificates.h"
#include "duties/duty_edit.h"
#include "duties/lists.h"

struct demo_item {
	const char *section, *title, *title_en, *basis, *cooperating, *role;
};

static const struct demo_item civil_affairs[] = {
	{"licensing", "社会团体成立、变更、注销登记", "Registration of social organisations",
	 "《社会团体登记管理条例》第三条", "", "不承担"},
	{"licensing", "民办非企业单位（社会服务机构）登记", "Registration of social service agencies",
	 "《民办非企业单位登记管理暂行条例》第三条", "", "不承担"},
	{"penalty", "对社会组织违法行为的行政处罚", "Penalties on social organisations",
	 "《社会团体登记管理条例》第三十条", "", "不承担"},
	{"inspection", "养老机构监督检查", "Inspection of care homes", "《养老机构管理办法》第三十七条",
	 "诸暨市消防救援大队、诸暨市市场监督管理局", "发现问题及时报告"},
	{"service", "最低生活保障审核确认", "Approval of subsistence allowance",
	 "《社会救助暂行办法》第十一条", "乡镇人民政府（街道办事处）",
	 "协助受理申请、入户调查、民主评议和张榜公示"},
	{"service", "特困人员救助供养审核确认", "Approval of extreme-hardship support",
	 "《社会救助暂行办法》第十五条", "乡镇人民政府（街道办事处）", "协助受理、走访核实"},
	{"service", "临时救助", "Temporary assistance", "《社会救助暂行办法》第四十七条",
	 "乡镇人民政府（街道办事处）", "主动发现、及时报告"},
	{"service", "困难残疾人生活补贴和重度残疾人护理补贴审核", "Disability allowances",
	 "《国务院关于全面建立困难残疾人生活补贴和重度残疾人护理补贴制度的意见》", "诸暨市残疾人联合会",
	 "政策宣传、申请转交"},
	{"service", "婚姻登记", "Marriage registration", "《婚姻登记条例》第二条", "", "不承担"},
	{"other", "村（居）民委员会换届选举的指导", "Guidance on committee elections",
	 "《中华人民共和国村民委员会组织法》第四条", "乡镇人民政府（街道办事处）", "组织实施"},
};

static const struct demo_item justice[] = {
	{"service", "人民调解工作的指导", "Guidance on people's mediation", "《中华人民共和国人民调解法》第五条",
	 "乡镇司法所", "设立人民调解委员会，调解民间纠纷"},
	{"service", "法律援助申请的受理和审查", "Legal aid applications", "《中华人民共和国法律援助法》第三十八条",
	 "乡镇司法所", "宣传、转交申请"},
	{"service", "社区矫正的组织实施", "Community corrections", "《中华人民共和国社区矫正法》第九条",
	 "公安派出所", "协助监督、帮扶教育"},
	{"inspection", "律师事务所、基层法律服务所的监督检查", "Inspection of law firms",
	 "《中华人民共和国律师法》第四条", "", "不承担"},
	{"other", "村（社区）法律顾问工作的指导", "Legal advisers of villages and communities",
	 "《关于加快推进公共法律服务体系建设的意见》", "", "配合法律顾问开展工作"},
};

static const struct demo_item town[] = {
	{"service", "农村村民住宅用地审批", "Approval of rural homestead land",
	 "《中华人民共和国土地管理法》第六十二条", "诸暨市农业农村局、诸暨市自然资源和规划局",
	 "审查申请、张榜公示"},
	{"service", "最低生活保障受理和初审", "Subsistence allowance: intake and first review",
	 "《社会救助暂行办法》第十一条", "诸暨市民政局", "协助入户调查和民主评议"},
	{"inspection", "农村自建房安全巡查", "Safety patrols of rural self-built houses",
	 "《浙江省农村住房建设管理办法》", "诸暨市住房和城乡建设局", "发现问题及时报告"},
	{"penalty", "乡镇综合行政执法事项", "Administrative enforcement delegated to the town",
	 "《浙江省综合行政执法条例》", "诸暨市综合行政执法局", "不承担"},
	{"service", "防汛防台应急处置", "Flood and typhoon response", "《中华人民共和国防洪法》第三十八条",
	 "诸暨市应急管理局", "巡查、报告、协助转移"},
	{"service", "人民调解委员会的指导", "Guidance of mediation committees",
	 "《中华人民共和国人民调解法》第五条", "枫桥镇司法所", "调解民间纠纷"},
	{"other", "村（社区）工作事务准入的审核", "Review of work pushed down to villages and communities",
	 "浙江省村（社区）工作事务“三张清单”", "诸暨市民政局", "对未经准入的事项可拒绝"},
};

static int64_t user_named(struct db *db, const char *name)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT id FROM users WHERE username = ?");
	int64_t id = 0;
	if (st == NULL)
		return 0;
	db_bind_text(st, 1, name);
	if (sqlite3_step(st) == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return id;
}

static int power_list(struct db *db, const char *owner, const char *body,
		      const struct demo_item *items, size_t n, const char *from, int64_t user)
{
	int64_t id;
	int rc = duty_draft_create(db, "power", owner, body, 0, user, &id);
	for (size_t i = 0; i < n && rc == RC_OK; i++) {
		struct duty_item_in in = {items[i].section, items[i].title, items[i].title_en,
					  items[i].basis, body, items[i].cooperating,
					  items[i].role, NULL};
		int64_t item;
		rc = duty_item_add(db, id, &in, &item);
	}
	return rc == RC_OK ? duty_draft_publish(db, id, from, "首次发布", user) : rc;
}

/* Zhuji's default of the three lists: the national one plus two negative
 * items from the county's own rules, one assisted item made precise. */
static int county_default(struct db *db, int64_t user)
{
	int64_t id, item = 0;
	int rc = duty_draft_create(db, "community", "330681", "", 1, user, &id);
	struct duty_item_in river = {"negative", "不得要求村（社区）承担河道日常保洁和巡河任务",
				     "No river cleaning or river patrols", "《诸暨市河长制工作规定》",
				     "诸暨市水务局", "", "不承担", "河道保洁|巡河|河长制巡查"};
	struct duty_item_in photos = {"negative", "不得要求村（社区）为迎检布置展板、制作宣传册",
				      "No exhibition boards or brochures for inspections",
				      "诸暨市村级组织减负工作要求", "市级有关部门、乡镇（街道）", "",
				      "不承担", "展板|宣传册|迎检"};
	if (rc == RC_OK)
		rc = duty_item_add(db, id, &river, &item);
	if (rc == RC_OK)
		rc = duty_item_add(db, id, &photos, &item);
	sqlite3_stmt *st = rc == RC_OK ? db_stmt(db, "SELECT id FROM duty_items WHERE list_id = ?"
						    " AND title = '防范电信网络诈骗宣传'")
				       : NULL;
	if (st != NULL) {
		sqlite3_bind_int64(st, 1, id);
		item = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
		sqlite3_reset(st);
		struct duty_item_in role = {.community_role = "宣传提醒、发现可疑情况报告派出所"};
		if (item)
			rc = duty_item_update(db, id, item, &role);
	}
	return rc == RC_OK ? duty_draft_publish(db, id, "2025-07-01", "增加诸暨市负面清单两项", user)
			   : rc;
}

/* Certificates asked for at 枫源村: issued from templates, and refused. */
static int certificates(struct db *db, int64_t user, int *issued, int *refused)
{
	static const struct {
		const char *title;
		const char *tpl, *purpose, *content;
	} asked[] = {
		{"亲属关系证明", NULL, "办理银行继承业务", NULL},
		{"居住情况说明", "residence_statement", "子女就近入学",
		 "该居民自2019年3月起与子女在本村5组实际居住至今。"},
		{"无犯罪记录证明", NULL, "应聘", NULL},
		{"家庭成员情况说明", "household_statement", "申请临时救助",
		 "经入户走访，该户共同生活成员为本人及其母亲，母亲长期卧病在床。"},
		{"老人健在证明", NULL, "领取异地养老金", NULL},
		{"志愿服务情况说明", "volunteer_hours", "学校社会实践",
		 "2026年参加本村组织的敬老志愿服务6次，共计18小时。"},
	};
	sqlite3_stmt *st = db_stmt(db, "SELECT id, name FROM residents WHERE status = 'active'"
				       " AND code LIKE '330681109290%' ORDER BY id LIMIT 6");
	if (st == NULL)
		return RC_INTERNAL;
	int64_t ids[6];
	char names[6][64];
	int n = 0;
	while (n < 6 && sqlite3_step(st) == SQLITE_ROW) {
		ids[n] = sqlite3_column_int64(st, 0);
		snprintf(names[n], sizeof(names[n]), "%s", db_col_text(st, 1));
		n++;
	}
	sqlite3_reset(st);
	char today[11], date[32];
	calendar_date_of(calendar_day_at(clock_now_ms()), today);
	cert_date_text(today, date, sizeof(date));
	int rc = RC_OK;
	for (int i = 0; i < n && rc == RC_OK; i++) {
		json_t *rule = NULL;
		int64_t id;
		rc = banned_certificate_match(db, "330681109290", asked[i].title, &rule);
		if (rc != RC_OK)
			break;
		if (rule != NULL) {
			rc = cert_insert_refused(db, "330681109290", ids[i], asked[i].title,
						 json_integer_value(json_object_get(rule, "id")),
						 asked[i].purpose, user, &id);
			json_decref(rule);
			(*refused)++;
			continue;
		}
		sqlite3_stmt *tq = db_stmt(db, "SELECT id FROM certificate_templates WHERE code = ?");
		if (tq == NULL)
			return RC_INTERNAL;
		db_bind_text(tq, 1, asked[i].tpl);
		int64_t tpl = sqlite3_step(tq) == SQLITE_ROW ? sqlite3_column_int64(tq, 0) : 0;
		sqlite3_reset(tq);
		char name[64], regno[48];
		char *body = NULL;
		int64_t seq;
		rc = cert_template_get(db, tpl, "330681109290", name, sizeof(name), &body);
		if (rc == RC_OK)
			rc = cert_next_seq(db, "330681109290", atoi(today), &seq);
		if (rc == RC_OK) {
			cert_register_no("330681109290", atoi(today), seq, regno, sizeof(regno));
			struct cert_values v = {"枫源村", names[i], asked[i].content, asked[i].purpose,
						date, regno};
			char *text = cert_render(body, &v);
			rc = cert_insert_issued(db, "330681109290", ids[i], name, regno, text, tpl,
						asked[i].purpose, user, &id);
			free(text);
			(*issued)++;
		}
		free(body);
	}
	return rc;
}

int demo_duties_build(struct db *db)
{
	int64_t county = user_named(db, "county"), townu = user_named(db, "town"),
		comm = user_named(db, "community");
	int issued = 0, refused = 0;
	int rc = db_begin(db);
	if (rc != RC_OK)
		return rc;
	rc = power_list(db, "330681", "诸暨市民政局", civil_affairs,
			sizeof(civil_affairs) / sizeof(civil_affairs[0]), "2025-01-01", county);
	if (rc == RC_OK)
		rc = power_list(db, "330681", "诸暨市司法局", justice,
				sizeof(justice) / sizeof(justice[0]), "2025-01-01", county);
	if (rc == RC_OK)
		rc = power_list(db, "330681109", "枫桥镇", town, sizeof(town) / sizeof(town[0]),
				"2025-03-01", townu);
	if (rc == RC_OK)
		rc = county_default(db, county);
	if (rc == RC_OK)
		rc = certificates(db, comm, &issued, &refused);
	if (rc == RC_OK) {
		json_t *d = json_pack("{s:i, s:i, s:i}", "lists", 4, "issued", issued, "refused",
				      refused);
		rc = cli_audit(db, "demo.duties", "duty_list", "330681", 0, d);
		json_decref(d);
	}
	if (rc != RC_OK) {
		db_rollback(db);
		return rc;
	}
	rc = db_commit(db);
	if (rc == RC_OK)
		printf("duty lists: 4 published; certificates at 枫源村: %d issued, %d refused\n",
		       issued, refused);
	return rc;
}
