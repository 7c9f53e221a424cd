/*
 * Demo content of people's mediation: the committee of 枫源村 (the demo
 * mediator 何秀英 chairs it) and the town's, and a dozen disputes of the
 * kinds a village sees, from not accepted to archived.  Every step goes
 * through mediation_check_args and mediation_apply as the API's would,
 * with the clock set back so that dates and deadlines look lived.
 */
#include "demo/mediation_gen.h"

#include <stdio.h>
#include <string.h>

#include "auth/principal.h"
#include "auth/users.h"
#include "cli/cli.h"
#include "core/arena.h"
#include "core/calendar.h"
#include "core/clock.h"
#include "core/error.h"
#include "mediation/mediation.h"

#define DAY_S 86400

static int exec(struct db *db, sqlite3_stmt *st)
{
	return st == NULL ? RC_INTERNAL : db_step_done(db, st);
}

static int64_t committee(struct db *db, const char *code, const char *name, const char *elected)
{
	sqlite3_stmt *st = db_stmt(db, "INSERT INTO mediation_committees (org_code, name,"
				       " elected_on, created_at_ms) VALUES (?,?,?,?)");
	if (st == NULL)
		return 0;
	db_bind_text(st, 1, code);
	db_bind_text(st, 2, name);
	db_bind_text(st, 3, elected);
	sqlite3_bind_int64(st, 4, clock_now_ms());
	return exec(db, st) == RC_OK ? db_last_id(db) : 0;
}

static int64_t member(struct db *db, int64_t cid, const char *name, const char *gender,
		      const char *duty, int64_t user, const char *joined)
{
	sqlite3_stmt *st = db_stmt(db, "INSERT INTO mediation_members (committee_id, name, gender,"
				       " duty, user_id, joined_on, created_at_ms)"
				       " VALUES (?,?,?,?,?,?,?)");
	if (st == NULL)
		return 0;
	sqlite3_bind_int64(st, 1, cid);
	db_bind_text(st, 2, name);
	db_bind_text(st, 3, gender);
	db_bind_text(st, 4, duty);
	if (user)
		sqlite3_bind_int64(st, 5, user);
	db_bind_text(st, 6, joined);
	sqlite3_bind_int64(st, 7, clock_now_ms());
	return exec(db, st) == RC_OK ? db_last_id(db) : 0;
}

/* The civil date `days` ago. */
static const char *ago(int days, char out[11])
{
	calendar_date_of(calendar_day_at(clock_now_ms()) - days, out);
	return out;
}

/* Take action on case id as username with the API's rules. */
static int act(struct db *db, int64_t id, const char *action, const char *username, json_t *in)
{
	struct arena ar = {0};
	struct principal *p = NULL;
	struct case_row c;
	const struct case_transition *t = NULL;
	const char *why = NULL;
	int code = RC_OK;
	int rc = principal_load(db, &ar, users_id_by_name(db, username), &p);
	if (rc == RC_OK)
		rc = case_load(db, &mediation_kind, id, &c);
	if (rc == RC_OK)
		rc = case_check(db, &mediation_kind, &c, action, p, &t, &why);
	if (rc == RC_OK && mediation_check_args(db, &c, action, in, &why, &code) != NULL)
		rc = code;
	if (rc == RC_OK) {
		struct case_actor who = {p->user_id, p->username};
		rc = mediation_apply(db, &c, t, in, &who);
	} else {
		fprintf(stderr, "demo mediation %lld: %s by %s: %s\n", (long long)id, action,
			username, why ? why : "refused");
	}
	json_decref(in);
	arena_free(&ar);
	return rc;
}

struct story {
	const char *type, *source, *note, *summary;
	const char *a, *a_gender, *a_phone, *b, *b_gender;
	bool b_willing;
	int days_ago;
	const char *end; /* NULL: left running; agreed, closed, failed, referred, mediating */
	const char *terms;
};

static const struct story stories[] = {
	{"neighbour", "application", "", "两户宅前排水沟堵塞，雨天积水倒灌，双方多次争吵",
	 "张建国", "male", "13857512345", "李秀兰", "female", true, 55, "closed",
	 "双方共同出资疏通排水沟，各承担300元；李秀兰家于本月内拆除沟上搭建的踏板"},
	{"marriage_family", "application", "", "赡养老人费用分担争议，三兄弟互相推诿",
	 "周桂芳", "female", "13967523456", "周志强", "male", true, 40, "agreed",
	 "三子每人每月给付赡养费600元，于每月5日前交付；医疗费凭票据三人均摊"},
	{"housing_homestead", "initiative", "", "宅基地界址不清，新建围墙占用邻居通道",
	 "陈建华", "male", "13588512312", "陈国平", "male", true, 38, "failed", NULL},
	{"labour", "police", "枫桥派出所", "装修工人讨要拖欠工资，与包工头发生推搡",
	 "刘德明", "male", "13705751234", "吴海军", "male", true, 30, "referred", NULL},
	{"contract", "application", "", "茶叶收购款结算分歧，欠款2.3万元",
	 "楼美娟", "female", "15057523411", "诸暨市枫源茶叶专业合作社", NULL, true, 20,
	 "mediating", NULL},
	{"property_service", "assigned", "", "物业费与停车位管理争议", "钱晓东", "male",
	 "13805752222", "孙丽华", "female", true, 36, NULL, NULL},
	{"damages", "application", "", "电动车碰撞致人轻伤，医药费赔偿争议", "何伟", "male",
	 "18857521234", "蒋小芬", "female", true, 6, NULL, NULL},
	{"land_contract", "application", "", "承包地流转租金上涨争议", "赵海林", "male",
	 "13957528888", "骆建新", "male", false, 12, NULL, NULL},
};

static int story(struct db *db, const struct story *s, int64_t cid, const char *code,
		 int64_t mediator_member)
{
	clock_set_offset(-(int64_t)s->days_ago * DAY_S);
	struct med_party_in parties[2] = {
		{.side = "applicant", .kind = "person", .name = s->a, .gender = s->a_gender,
		 .phone = s->a_phone, .address = "枫源村", .willing = true},
		{.side = "respondent", .kind = s->b_gender ? "person" : "organisation", .name = s->b,
		 .gender = s->b_gender, .willing = s->b_willing,
		 .refusal_note = s->b_willing ? NULL : "表示要直接向法院起诉"},
	};
	struct med_case_in in = {cid, s->type, s->source, s->note, s->summary, parties, 2};
	struct case_actor who = {users_id_by_name(db, "community"), "community"};
	int64_t id = 0;
	char note[160];
	snprintf(note, sizeof(note), "不同意调解：%s（表示要直接向法院起诉）", s->b);
	int rc = mediation_register(db, &in, code, s->b_willing ? MED_REGISTERED : MED_NOT_ACCEPTED,
				    s->b_willing ? NULL : note, &who, &id);
	if (rc != RC_OK || !s->b_willing)
		return rc;
	rc = act(db, id, "assign", "community",
		 json_pack("{s:I, s:s}", "member_id", (json_int_t)mediator_member, "how",
			   s->days_ago % 2 ? "chosen" : "assigned"));
	if (rc != RC_OK || s->end == NULL)
		return rc;
	char d[11];
	clock_set_offset(-(int64_t)(s->days_ago - 2) * DAY_S);
	rc = act(db, id, "session", "mediator",
		 json_pack("{s:s, s:s, s:[I], s:s, s:s}", "held_on", ago(0, d), "place",
			   "枫源村人民调解室", "mediator_ids", (json_int_t)mediator_member,
			   "attendees", "双方当事人", "record",
			   "分别听取双方陈述，释明相关法律规定，双方同意在调解员主持下协商。"));
	if (rc != RC_OK || strcmp(s->end, "mediating") == 0)
		return rc;
	clock_set_offset(-(int64_t)(s->days_ago - 5) * DAY_S);
	if (strcmp(s->end, "failed") == 0)
		return act(db, id, "terminate", "mediator",
			   json_pack("{s:s, s:s, s:[s, s]}", "kind", "no_agreement", "reason",
				     "经三次调解，双方对界址认定分歧较大，未能达成协议",
				     "routes", "administrative", "litigation"));
	if (strcmp(s->end, "referred") == 0)
		return act(db, id, "refer", "mediator",
			   json_pack("{s:s, s:s}", "unit", "诸暨市公安局枫桥派出所", "reason",
				     "一方情绪激动扬言报复，有民转刑风险，已报告派出所"));
	rc = act(db, id, "agreement", "mediator",
		 json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "facts", s->summary,
			   "disputed_matters", "费用如何分担及履行期限", "responsibilities",
			   "双方对纠纷的发生均负有一定责任", "terms", s->terms, "performance",
			   "当面交付，调解员见证", "perform_by", ago(-10, d)));
	json_t *st = NULL;
	if (rc == RC_OK) {
		json_t *c = NULL;
		rc = mediation_case_json(db, id, &c);
		if (rc == RC_OK)
			st = json_incref(json_object_get(c, "parties"));
		json_decref(c);
	}
	size_t i;
	json_t *p;
	json_array_foreach(st, i, p) if (rc == RC_OK) rc =
		act(db, id, "sign", "mediator",
		    json_pack("{s:O}", "party_id", json_object_get(p, "id")));
	json_decref(st);
	if (rc == RC_OK)
		rc = act(db, id, "sign", "mediator",
			 json_pack("{s:I}", "member_id", (json_int_t)mediator_member));
	if (rc != RC_OK || strcmp(s->end, "closed") != 0)
		return rc;
	clock_set_offset(-(int64_t)(s->days_ago - 20) * DAY_S);
	rc = act(db, id, "confirmation", "mediator",
		 json_pack("{s:b, s:s, s:s}", "applied", 1, "applied_on", ago(5, d), "court",
			   "诸暨市人民法院"));
	if (rc == RC_OK)
		rc = act(db, id, "followup", "mediator",
			 json_pack("{s:s, s:s, s:s, s:s}", "visited_on", ago(0, d), "visitor",
				   "何秀英", "performance", "performed", "notes",
				   "排水沟已疏通，费用已付清，双方关系缓和"));
	if (rc == RC_OK)
		rc = act(db, id, "close", "mediator", json_object());
	return rc;
}

int demo_mediation_build(struct db *db)
{
	int rc = db_begin(db);
	if (rc != RC_OK)
		return rc;
	clock_set_offset(-70 * DAY_S);
	char elected[11];
	ago(365, elected);
	int64_t village = committee(db, "330681109290", "枫源村人民调解委员会", elected);
	int64_t town = committee(db, "330681109", "枫桥镇人民调解委员会", elected);
	int64_t chair = member(db, village, "何秀英", "female", "chair",
			       users_id_by_name(db, "mediator"), elected);
	int64_t vice = member(db, village, "骆国荣", "male", "vice_chair", 0, elected);
	static const char *const others[][2] = {
		{"杨金土", "male"}, {"陈月娥", "female"}, {"宣志明", "male"}};
	for (size_t i = 0; i < 3; i++)
		member(db, village, others[i][0], others[i][1], "member", 0, elected);
	static const char *const town_members[][3] = {
		{"金伟军", "male", "chair"}, {"斯红英", "female", "vice_chair"},
		{"周国新", "male", "member"}, {"黄丽娟", "female", "member"},
		{"王水根", "male", "member"}};
	for (size_t i = 0; i < 5; i++)
		member(db, town, town_members[i][0], town_members[i][1], town_members[i][2], 0,
		       elected);
	if (village == 0 || town == 0 || chair == 0 || vice == 0)
		rc = RC_INTERNAL;
	for (size_t i = 0; i < sizeof(stories) / sizeof(stories[0]) && rc == RC_OK; i++)
		rc = story(db, &stories[i], village, "330681109290", chair);
	clock_set_offset(0);
	if (rc == RC_OK) {
		json_t *d = json_pack("{s:i, s:i}", "committees", 2, "cases",
				      (int)(sizeof(stories) / sizeof(stories[0])));
		rc = cli_audit(db, "demo.mediation", "mediation_committee", "330681109290", 0, d);
		json_decref(d);
	}
	if (rc == RC_OK)
		return db_commit(db);
	db_rollback(db);
	return rc;
}
