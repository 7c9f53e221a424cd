/*
 * Demo psychological-assistance cases in 枫桥镇 (330681109), where the
 * demo counsellor works: a request waiting for a counsellor, a crisis just
 * raised (the demo supervisor has its alert), cases assigned, in progress
 * with sessions, and closed ones spread over the town's communities so the
 * counts-only figures have something to show.  Everything goes through the
 * module's own functions, so the concern and notes are sealed as in real
 * use.  The people are synthetic: they asked through the community worker
 * or the town officer, who gave their contact (the registry's synthetic
 * population is written after this).
 */
#include "demo/counselling_gen.h"

#include <stdio.h>
#include <string.h>

#include "auth/users.h"
#include "cli/cli.h"
#include "core/clock.h"
#include "core/error.h"
#include "counselling/counselling.h"
#include "events/events.h"

struct demo_case {
	const char *requester; /* demo account */
	int community;         /* index among the town's communities */
	int hours_ago;
	const char *category, *concern, *name, *phone;
	bool crisis;
	int end; /* 0 requested, 1 assigned, 2 in progress, 3 closed */
	const char *outcome, *summary;
};

/* clang-format off */
static const struct demo_case cases[] = {
	{"resident", 0, 3, "stress", "孩子马上要中考，我每天都很焦虑，晚上睡不着。", "孙先生", "13805750101", false, 0, NULL, NULL},
	{"community", 0, 1, "other", "邻居说她最近常说活着没意思，家里人联系不上她。", "周阿姨", "13805750102", true, 0, NULL, NULL},
	{"community", 0, 30, "family", "和儿子儿媳关系紧张，经常吵架，心里憋闷。", "王大伯", "13805750103", false, 1, NULL, NULL},
	{"town", 1, 120, "bereavement", "老伴上个月去世，一个人在家总是哭。", "陈奶奶", "13805750104", false, 2, NULL, NULL},
	{"town", 2, 200, "emotional", "失业半年，情绪低落，不想出门。", "小刘", "13805750105", false, 2, NULL, NULL},
	{"community", 0, 400, "addiction", "丈夫长期酗酒，我和孩子都很害怕。", "吴女士", "13805750106", false, 3, "referred", "已转介市第二人民医院精神科及妇联，持续随访。"},
	{"town", 1, 500, "stress", "工作压力大，经常心慌。", "赵先生", "13805750107", false, 3, "resolved", "经四次电话会谈，睡眠和情绪明显好转。"},
	{"town", 3, 650, "emotional", "考研失利后情绪很差。", "小孙", "13805750108", false, 3, "resolved", "情绪平稳，已有新的学习计划。"},
	{"town", 2, 700, "family", "父母离异，孩子在学校不说话。", "钱女士", "13805750109", false, 3, "resolved", "与学校心理老师共同跟进，孩子状态改善。"},
};
/* clang-format on */

static const struct case_transition *transition(const char *action)
{
	for (size_t i = 0; i < counselling_kind.ntransitions; i++)
		if (strcmp(counselling_kind.transitions[i].action, action) == 0)
			return &counselling_kind.transitions[i];
	return NULL;
}

static int move(struct db *db, struct cou_case *k, const char *action, const struct case_actor *who)
{
	const struct case_transition *t = transition(action);
	return t ? case_move(db, &counselling_kind, &k->c, t, 0, who, NULL, NULL) : RC_INTERNAL;
}

/* Up to n community codes of the town, in order. */
static int communities(struct db *db, char codes[][16], int n)
{
	sqlite3_stmt *st =
		db_stmt(db, "SELECT code FROM org WHERE level = 'community'"
			    " AND code > '330681109' AND code < '330681109;' ORDER BY code");
	if (st == NULL)
		return 0;
	int k = 0;
	while (k < n && sqlite3_step(st) == SQLITE_ROW)
		snprintf(codes[k++], 16, "%s", db_col_text(st, 0));
	sqlite3_reset(st);
	return k;
}

/* The node a request of this demo account lands on: the resident's grid,
 * or the community. */
static void node_of(struct db *db, const char *requester, const char *community, char out[16])
{
	snprintf(out, 16, "%s", community);
	if (strcmp(requester, "resident") != 0)
		return;
	sqlite3_stmt *st =
		db_stmt(db, "SELECT o.code FROM user_roles ur JOIN org o ON o.id = ur.org_id"
			    " JOIN users u ON u.id = ur.user_id WHERE u.username = 'resident'");
	if (st != NULL && sqlite3_step(st) == SQLITE_ROW)
		snprintf(out, 16, "%s", db_col_text(st, 0));
	if (st != NULL)
		sqlite3_reset(st);
}

static int one(struct db *db, const struct demo_case *d, const char *community, int64_t counsellor,
	       int64_t supervisor, const struct case_actor *cou, const struct case_actor *sup)
{
	char code[16];
	node_of(db, d->requester, community, code);
	struct case_actor asker = {users_id_by_name(db, d->requester), d->requester};
	struct cou_request in = {0, d->category, d->concern, d->name, d->phone, "phone", d->crisis};
	int64_t id = 0;
	int alerted = 0;
	int64_t start = -(int64_t)d->hours_ago * 3600;
	clock_set_offset(start);
	int rc = cou_create(db, &in, code, strcmp(d->requester, "resident") == 0, &asker, &id,
			    &alerted);
	struct cou_case k;
	if (rc == RC_OK)
		rc = cou_load(db, id, &k);
	if (rc == RC_OK && d->end >= 1) {
		clock_set_offset(start + 2 * 3600);
		rc = move(db, &k, "assign", sup);
		if (rc == RC_OK)
			rc = cou_assign(db, &k, counsellor, supervisor, events_calendar());
	}
	for (int s = 0; rc == RC_OK && d->end >= 2 && s < (d->end == 3 ? 4 : 2); s++) {
		int64_t at = start + (int64_t)(s + 1) * 24 * 3600;
		clock_set_offset(at);
		char day[11];
		calendar_date_of(calendar_day_at(clock_now_ms()), day);
		struct cou_session ses = {
			day, s % 2 ? "in_person" : "phone",
			s == 0 ? "初次电话会谈：倾听，评估风险（低），约定每周一次。"
			       : "跟进会谈：情绪较前稳定，布置放松练习。",
			45};
		int64_t sid;
		rc = move(db, &k, "sessions", cou);
		if (rc == RC_OK)
			rc = cou_add_session(db, &k, &ses, counsellor, &sid);
	}
	if (rc == RC_OK && d->end == 3) {
		clock_set_offset(start + 5 * 24 * 3600);
		rc = move(db, &k, "close", cou);
		if (rc == RC_OK)
			rc = cou_close(db, &k, d->outcome, d->summary);
	}
	if (rc == RC_OK) {
		char idtext[24];
		snprintf(idtext, sizeof(idtext), "%lld", (long long)id);
		rc = cli_audit(db, "demo.counselling", "counselling", idtext, 0, NULL);
	}
	clock_set_offset(0);
	return rc;
}

int demo_counselling_build(struct db *db)
{
	char codes[4][16];
	if (communities(db, codes, 4) < 4)
		return RC_OK; /* a tree without the demo town: nothing to show */
	int64_t counsellor = users_id_by_name(db, "counsellor");
	int64_t supervisor = users_id_by_name(db, "supervisor");
	if (counsellor == 0 || supervisor == 0)
		return RC_OK;
	struct case_actor cou = {counsellor, "counsellor"}, sup = {supervisor, "supervisor"};
	int rc = db_begin(db);
	for (size_t i = 0; rc == RC_OK && i < sizeof(cases) / sizeof(cases[0]); i++)
		rc = one(db, &cases[i], codes[cases[i].community], counsellor, supervisor, &cou,
			 &sup);
	if (rc == RC_OK)
		rc = db_commit(db);
	else
		db_rollback(db);
	if (rc == RC_OK)
		printf("created %zu psychological-assistance cases\n",
		       sizeof(cases) / sizeof(cases[0]));
	return rc;
}
