/*
 * The working calendar: civil dates, the weekly rule, the official schedule
 * shipped in the binary (chinese-days), and time limits counted across the
 * 2026 Spring Festival (15-23 February off, Saturdays 14 and 28 February
 * worked).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <jansson.h>
#include <string.h>

#include "core/calendar.h"
#include "core/clock.h"
#include "core/embed.h"

static struct calendar cal;

/* Unix ms of a China Standard Time wall-clock moment. */
static int64_t cst(const char *date, int hour, int minute)
{
	int32_t day = calendar_day_of(date);
	assert_true(day != INT32_MIN);
	return ((int64_t)day * 86400 - CLOCK_CIVIL_OFFSET_S + hour * 3600 + minute * 60) * 1000;
}

static void assert_at(int64_t ms, const char *date, int hour, int minute)
{
	char got[11];
	calendar_date_of(calendar_day_at(ms), got);
	int64_t want = cst(date, hour, minute);
	if (ms != want) {
		int64_t into = (ms - cst(got, 0, 0)) / 60000;
		fail_msg("expected %s %02d:%02d, got %s %02lld:%02lld", date, hour, minute, got,
			 (long long)(into / 60), (long long)(into % 60));
	}
}

static int setup(void **state)
{
	(void)state;
	calendar_init(&cal);
	const struct embedded_file *f = embedded_data;
	while (f->name != NULL && strcmp(f->name, "chinese-days.json") != 0)
		f++;
	assert_non_null(f->name);
	json_error_t err;
	json_t *doc = json_loadb((const char *)f->data, f->size, 0, &err);
	assert_non_null(doc);
	char msg[128];
	int n = calendar_load_json(&cal, doc, 0, 0, msg, sizeof(msg));
	json_decref(doc);
	assert_true(n > 700);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	calendar_free(&cal);
	return 0;
}

static void test_civil_dates(void **state)
{
	(void)state;
	assert_int_equal(calendar_day_of("1970-01-01"), 0);
	assert_int_equal(calendar_day_of("2026-02-15") - calendar_day_of("2026-02-14"), 1);
	assert_true(calendar_day_of("2024-02-29") != INT32_MIN);
	assert_true(calendar_day_of("2026-02-29") == INT32_MIN);
	assert_true(calendar_day_of("2026-13-01") == INT32_MIN);
	assert_true(calendar_day_of("2026-1-01") == INT32_MIN);
	assert_true(calendar_day_of(NULL) == INT32_MIN);
	char d[11];
	for (const char *const *s = (const char *const[]){"1970-01-01", "2000-02-29", "2026-12-31",
							  "2099-03-01", NULL};
	     *s; s++) {
		calendar_date_of(calendar_day_of(*s), d);
		assert_string_equal(d, *s);
	}
	/* 23:30 UTC on 14 February is already the 15th in Beijing. */
	int64_t ms = (int64_t)calendar_day_of("2026-02-14") * 86400000 + 23LL * 3600000 + 1800000;
	calendar_date_of(calendar_day_at(ms), d);
	assert_string_equal(d, "2026-02-15");
}

static void test_which_days_are_worked(void **state)
{
	(void)state;
	static const struct {
		const char *date;
		bool worked;
	} days[] = {
		{"2026-02-13", true},  /* Friday */
		{"2026-02-14", true},  /* Saturday, make-up working day */
		{"2026-02-15", false}, /* Sunday, Spring Festival */
		{"2026-02-16", false}, /* Monday, Spring Festival */
		{"2026-02-23", false}, /* Monday, last day of the holiday */
		{"2026-02-24", true},  /* Tuesday */
		{"2026-02-28", true},  /* Saturday, make-up working day */
		{"2026-03-01", false}, /* Sunday */
		{"2026-01-04", true},  /* Sunday after New Year, worked */
		{"2026-10-07", false}, /* National Day */
		{"2026-10-10", true},  /* Saturday, worked */
	};
	for (size_t i = 0; i < sizeof(days) / sizeof(days[0]); i++)
		if (calendar_is_workday(&cal, calendar_day_of(days[i].date)) != days[i].worked)
			fail_msg("%s should be %s", days[i].date,
				 days[i].worked ? "a working day" : "a day off");
	/* Without the schedule only weekends are off. */
	struct calendar plain;
	calendar_init(&plain);
	assert_true(calendar_is_workday(&plain, calendar_day_of("2026-02-16")));
	assert_false(calendar_is_workday(&plain, calendar_day_of("2026-02-14")));
	calendar_free(&plain);
}

static void test_working_hours_across_the_spring_festival(void **state)
{
	(void)state;
	const int64_t hour = 3600000;
	/* Friday 16:00 + 4 working hours: 1.5 h that day, then Saturday the
	 * 14th is worked: 08:30 + 2.5 h. */
	assert_at(calendar_add_work(&cal, cst("2026-02-13", 16, 0), 4 * hour), "2026-02-14", 11, 0);
	/* Saturday 16:00 + 4 h: nine days off, then Tuesday the 24th. */
	assert_at(calendar_add_work(&cal, cst("2026-02-14", 16, 0), 4 * hour), "2026-02-24", 11, 0);
	/* Reported during the holiday: the clock starts when work does. */
	assert_at(calendar_add_work(&cal, cst("2026-02-18", 10, 0), 1 * hour), "2026-02-24", 9, 30);
	/* The lunch break does not count. */
	assert_at(calendar_add_work(&cal, cst("2026-02-24", 11, 0), 2 * hour), "2026-02-24", 14,
		  30);
	/* A limit ending exactly at the end of a period ends there. */
	assert_at(calendar_add_work(&cal, cst("2026-02-24", 8, 30), 7 * hour + hour / 2),
		  "2026-02-24", 17, 30);
	assert_int_equal(
		calendar_work_between(&cal, cst("2026-02-14", 16, 0), cst("2026-02-24", 11, 0)),
		4 * hour);
	/* Friday afternoon, the whole worked Saturday, Tuesday morning. */
	assert_int_equal(
		calendar_work_between(&cal, cst("2026-02-13", 16, 0), cst("2026-02-24", 11, 0)),
		11 * hour + hour / 2);
	assert_int_equal(
		calendar_work_between(&cal, cst("2026-02-24", 11, 0), cst("2026-02-13", 16, 0)), 0);
}

static void test_working_days_across_the_spring_festival(void **state)
{
	(void)state;
	/* Counted from the next day: 13, 14 (worked Saturday), 24, 25, 26, 27
	 * and 28 (worked Saturday) are the seven working days. */
	assert_at(calendar_add_days(&cal, cst("2026-02-12", 10, 0), 7), "2026-02-28", 17, 30);
	/* One working day from the Friday is the make-up Saturday. */
	assert_at(calendar_add_days(&cal, cst("2026-02-13", 9, 0), 1), "2026-02-14", 17, 30);
	/* Twenty working days (demolition of an unauthorised building). */
	assert_at(calendar_add_days(&cal, cst("2026-02-12", 10, 0), 20), "2026-03-18", 17, 30);
}

static void test_hours_and_schedule_input(void **state)
{
	(void)state;
	struct calendar c;
	calendar_init(&c);
	assert_int_equal(calendar_set_hours(&c, "09:00-17:00"), 0);
	assert_at(calendar_add_work(&c, cst("2026-03-02", 16, 0), 2 * 3600000), "2026-03-03", 10,
		  0);
	const char *bad[] = {"",
			     "9:00-17:00",
			     "17:00-09:00",
			     "08:00-12:00,11:00-13:00",
			     "08:00-12:00;13:00-17:00",
			     "08:00-25:00"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(calendar_set_hours(&c, bad[i]), -1);
	assert_int_equal(c.nperiods, 1); /* unchanged by the refusals */

	char err[128];
	json_t *doc =
		json_loads("{\"holidays\":{\"2027-02-06\":\"春节\"},\"workdays\":{}}", 0, NULL);
	assert_int_equal(calendar_load_json(&c, doc, 2027, 2027, err, sizeof(err)), 1);
	assert_false(calendar_is_workday(&c, calendar_day_of("2027-02-06")));
	json_decref(doc);
	doc = json_loads("{\"holidays\":{\"2027-02-30\":\"x\"},\"workdays\":{}}", 0, NULL);
	assert_int_equal(calendar_load_json(&c, doc, 0, 0, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "2027-02-30"));
	json_decref(doc);
	doc = json_loads("{\"holidays\":[]}", 0, NULL);
	assert_int_equal(calendar_load_json(&c, doc, 0, 0, err, sizeof(err)), -1);
	json_decref(doc);
	calendar_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_civil_dates),
		cmocka_unit_test(test_which_days_are_worked),
		cmocka_unit_test(test_working_hours_across_the_spring_festival),
		cmocka_unit_test(test_working_days_across_the_spring_festival),
		cmocka_unit_test(test_hours_and_schedule_input),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
