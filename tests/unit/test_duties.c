/*
 * Duty lists and certificates without the server: section names and
 * keywords, matching requests against the seeded negative list and
 * certificates against the banned list, the nearest owner's version in
 * force, differences between versions, register numbers and templates.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/error.h"
#include "db/db.h"
#include "db/migrate.h"
#include "duties/certificates.h"
#include "duties/duty_edit.h"
#include "duties/lists.h"

static char dir[64];
static struct db *db;

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/gr-duties-XXXXXX");
	assert_non_null(mkdtemp(dir));
	char path[96];
	snprintf(path, sizeof(path), "%s/t.db", dir);
	struct db_options o = {.path = path, .create = true};
	assert_int_equal(db_open(&o, &db), RC_OK);
	int applied;
	assert_int_equal(migrate_to(db, -1, &applied), RC_OK);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	db_close(db);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void test_sections_and_keywords(void **state)
{
	(void)state;
	assert_string_equal(duty_section_parse("community", "依法履职事项"), "by_law");
	assert_string_equal(duty_section_parse("community", "协助事项"), "assisted");
	assert_string_equal(duty_section_parse("community", "negative"), "negative");
	assert_string_equal(duty_section_parse("power", "行政处罚"), "penalty");
	assert_null(duty_section_parse("power", "负面清单"));
	assert_null(duty_section_parse("community", "licensing"));
	assert_null(duty_section_parse("community", ""));
	assert_true(duty_section_fits("power", "other"));
	assert_false(duty_section_fits("community", "other"));
	assert_null(duty_keywords_problem(""));
	assert_null(duty_keywords_problem("创建|达标|评比"));
	assert_non_null(duty_keywords_problem("创建||评比"));
	assert_non_null(duty_keywords_problem("|创建"));
	assert_non_null(duty_keywords_problem("创建|"));
	assert_non_null(duty_keywords_problem("一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一"));
}

/* The item of the seeded negative list that text matches (its seq), 0. */
static int negative_match(const char *text)
{
	int64_t item = 0;
	assert_int_equal(duty_match_keywords(db, 1, "negative", text, &item), RC_OK);
	if (item == 0)
		return 0;
	json_t *o;
	assert_int_equal(duty_item_json(db, item, &o), RC_OK);
	int seq = (int)json_integer_value(json_object_get(o, "seq"));
	assert_string_equal(json_string_value(json_object_get(o, "section")), "negative");
	json_decref(o);
	return seq;
}

static void test_negative_list_matches_requests(void **state)
{
	(void)state;
	assert_int_equal(negative_match("关于开展2026年度文明社区创建评比的通知"), 2);
	assert_int_equal(negative_match("请各村于月底前填报人口信息台账"), 3);
	assert_int_equal(negative_match("每日在APP上打卡并上传巡查照片"), 5);
	assert_int_equal(negative_match("请各社区悬挂“老年协会”牌子"), 6);
	assert_int_equal(negative_match("签订安全生产目标责任书"), 8);
	assert_int_equal(negative_match("组织辖区老年人参加免费体检"), 0);
	assert_int_equal(negative_match(""), 0);
	/* Only the section asked about is searched. */
	int64_t item = 0;
	assert_int_equal(duty_match_keywords(db, 1, "by_law", "填报台账", &item), RC_OK);
	assert_int_equal(item, 0);
	char section[16];
	assert_int_equal(duty_item_section(db, 1, 1, section), RC_OK);
	assert_string_equal(section, "by_law");
	assert_int_equal(duty_item_section(db, 2, 1, section), RC_OK);
	assert_string_equal(section, "");
}

static void test_banned_list_matches_names(void **state)
{
	(void)state;
	static const struct {
		const char *asked, *entry;
	} cases[] = {
		{"亲属关系证明", "亲属关系证明"},
		{"老人健在证明", "健在证明（生存证明）"},
		{"未婚证明", "婚姻状况证明"},
		{"无犯罪记录证明", "无犯罪记录证明"},
		{"个体户经营场所证明", "经营场所（住所）证明"},
		{"身份证遗失证明", "证件遗失证明"},
		{"患病证明", "疾病证明"},
		{"存款证明", "财产证明"},
		{"失业证明", "就业失业证明"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		json_t *m;
		assert_int_equal(banned_certificate_match(db, "330681109290", cases[i].asked, &m),
				 RC_OK);
		assert_non_null(m);
		assert_string_equal(json_string_value(json_object_get(m, "name")), cases[i].entry);
		assert_true(strlen(json_string_value(json_object_get(m, "go_to"))) > 0);
		json_decref(m);
	}
	/* The seeded templates are none of the banned. */
	json_t *tpl;
	assert_int_equal(cert_templates_json(db, "330681109290", &tpl), RC_OK);
	assert_int_equal(json_array_size(tpl), 3);
	size_t i;
	json_t *t;
	json_array_foreach(tpl, i, t)
	{
		json_t *m;
		assert_int_equal(banned_certificate_match(db, "330681109290",
							  json_string_value(json_object_get(t, "name")),
							  &m),
				 RC_OK);
		assert_null(m);
	}
	json_decref(tpl);
	/* A local entry counts below its node only, and not once withdrawn. */
	int64_t id;
	assert_int_equal(db_begin(db), RC_OK);
	assert_int_equal(banned_add(db, "330681109", "养犬登记证明", "Dog registration", "养犬",
				    "执法局", "Enforcement bureau", NULL, 0, &id),
			 RC_OK);
	assert_int_equal(db_commit(db), RC_OK);
	json_t *m;
	assert_int_equal(banned_certificate_match(db, "330681109290", "养犬证明", &m), RC_OK);
	assert_non_null(m);
	json_decref(m);
	assert_int_equal(banned_certificate_match(db, "330681001001", "养犬证明", &m), RC_OK);
	assert_null(m);
	assert_int_equal(db_begin(db), RC_OK);
	assert_int_equal(banned_delete(db, id), RC_OK);
	assert_int_equal(banned_delete(db, 1), RC_NOT_FOUND); /* national */
	assert_int_equal(db_commit(db), RC_OK);
	assert_int_equal(banned_certificate_match(db, "330681109290", "养犬证明", &m), RC_OK);
	assert_null(m);
}

static int64_t publish(const char *owner, const char *from)
{
	int64_t id;
	assert_int_equal(db_begin(db), RC_OK);
	assert_int_equal(duty_draft_create(db, "community", owner, "", 1, 0, &id), RC_OK);
	assert_int_equal(duty_draft_publish(db, id, from, NULL, 0), RC_OK);
	assert_int_equal(db_commit(db), RC_OK);
	return id;
}

static void test_nearest_owner_and_latest_start_win(void **state)
{
	(void)state;
	int64_t county = publish("330681", "2025-01-01");
	int64_t town = publish("330681109", "2025-06-01");
	int64_t town2 = publish("330681109", "2026-01-01");
	int64_t got;
	assert_int_equal(duty_list_in_force(db, "community", "330681109290", "", "2024-12-31", &got),
			 RC_OK);
	assert_int_equal(got, 1);
	duty_list_in_force(db, "community", "330681109290", "", "2025-03-01", &got);
	assert_int_equal(got, county);
	duty_list_in_force(db, "community", "330681109290", "", "2025-06-01", &got);
	assert_int_equal(got, town);
	duty_list_in_force(db, "community", "330681109290", "", "2026-02-01", &got);
	assert_int_equal(got, town2);
	duty_list_in_force(db, "community", "330681001001", "", "2026-02-01", &got);
	assert_int_equal(got, county);
	duty_list_in_force(db, "power", "330681109290", "", "2026-02-01", &got);
	assert_int_equal(got, 0);
	/* A draft is never in force; an empty one is not published. */
	int64_t draft;
	assert_int_equal(db_begin(db), RC_OK);
	assert_int_equal(duty_draft_create(db, "community", "330681109290", "", 0, 0, &draft), RC_OK);
	assert_int_equal(duty_draft_create(db, "community", "330681109290", "", 0, 0, &got),
			 RC_CONFLICT);
	assert_int_equal(duty_draft_publish(db, draft, "2026-03-01", NULL, 0), RC_INVALID_STATE);
	db_rollback(db);
	duty_list_in_force(db, "community", "330681109290", "", "2030-01-01", &got);
	assert_int_equal(got, town2);
}

static json_t *item(const char *section, const char *title, const char *basis)
{
	return json_pack("{s:s, s:s, s:s}", "section", section, "title", title, "legal_basis",
			 basis);
}

static void test_differences_between_versions(void **state)
{
	(void)state;
	json_t *a = json_pack("[o, o, o]", item("by_law", "甲", "法一"), item("by_law", "乙", "法二"),
			      item("negative", "丙", ""));
	json_t *b = json_pack("[o, o, o]", item("by_law", "甲", "法一"), item("by_law", "乙", "法三"),
			      item("assisted", "丙", ""));
	json_t *d = duty_diff(a, b);
	/* 丙 moved to another section: removed from one, added to the other. */
	assert_int_equal(json_array_size(json_object_get(d, "added")), 1);
	assert_int_equal(json_array_size(json_object_get(d, "removed")), 1);
	json_t *c = json_array_get(json_object_get(d, "changed"), 0);
	assert_string_equal(json_string_value(json_object_get(json_object_get(c, "to"), "title")),
			    "乙");
	assert_string_equal(json_string_value(json_array_get(json_object_get(c, "fields"), 0)),
			    "legal_basis");
	assert_int_equal(json_array_size(json_object_get(d, "changed")), 1);
	json_decref(d);
	d = duty_diff(a, a);
	assert_int_equal(json_array_size(json_object_get(d, "added")) +
				 json_array_size(json_object_get(d, "removed")) +
				 json_array_size(json_object_get(d, "changed")),
			 0);
	json_decref(d);
	json_decref(a);
	json_decref(b);
}

static void test_register_numbers_and_templates(void **state)
{
	(void)state;
	char no[48];
	cert_register_no("330681109290", 2026, 7, no, sizeof(no));
	assert_string_equal(no, "330681109290-2026-0007");
	cert_register_no("330681109290", 2026, 12345, no, sizeof(no));
	assert_string_equal(no, "330681109290-2026-12345");
	char d[32];
	cert_date_text("2026-03-02", d, sizeof(d));
	assert_string_equal(d, "2026年3月2日");
	struct cert_values v = {"枫源村", "王丽萍", "自2019年起居住", "入学", "2026年3月2日", no};
	char *s = cert_render("{community}：兹有{name}，{content}。用于{purpose}。{unknown}{date}"
			      " {register_no}{name",
			      &v);
	assert_string_equal(s, "枫源村：兹有王丽萍，自2019年起居住。用于入学。{unknown}2026年3月2日"
			       " 330681109290-2026-12345{name");
	free(s);
	/* Numbers run per community and year, from 1, without gaps. */
	int64_t seq;
	assert_int_equal(db_begin(db), RC_OK);
	for (int i = 1; i <= 3; i++) {
		assert_int_equal(cert_next_seq(db, "330681109290", 2026, &seq), RC_OK);
		assert_int_equal(seq, i);
	}
	assert_int_equal(cert_next_seq(db, "330681109290", 2027, &seq), RC_OK);
	assert_int_equal(seq, 1);
	assert_int_equal(cert_next_seq(db, "330681001001", 2026, &seq), RC_OK);
	assert_int_equal(seq, 1);
	db_rollback(db);
	assert_int_equal(db_begin(db), RC_OK);
	assert_int_equal(cert_next_seq(db, "330681109290", 2026, &seq), RC_OK);
	assert_int_equal(seq, 1); /* a rolled-back issue leaves no gap */
	db_rollback(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sections_and_keywords),
		cmocka_unit_test(test_negative_list_matches_requests),
		cmocka_unit_test(test_banned_list_matches_names),
		cmocka_unit_test(test_nearest_owner_and_latest_start_win),
		cmocka_unit_test(test_differences_between_versions),
		cmocka_unit_test(test_register_numbers_and_templates),
	};
	return cmocka_run_group_tests_name("duties", tests, setup, teardown);
}
