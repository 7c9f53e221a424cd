/*
 * The pure rules of people's mediation: committee composition (3–9 members
 * in term, a woman, a running three-year term), the end of a term, and the
 * time limits counted as the civil law counts periods (one month from
 * registration, 30 days for judicial confirmation, a last day off work
 * moving to the next working day).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/calendar.h"
#include "mediation/mediation.h"

static void test_composition(void **state)
{
	(void)state;
	assert_null(mediation_composition_rule(3, 1, true));
	assert_null(mediation_composition_rule(9, 4, true));
	assert_string_equal(mediation_composition_rule(2, 1, true), "too_few_members");
	assert_string_equal(mediation_composition_rule(10, 3, true), "too_many_members");
	assert_string_equal(mediation_composition_rule(5, 0, true), "no_woman");
	/* An expired term outweighs everything else. */
	assert_string_equal(mediation_composition_rule(5, 2, false), "term_expired");
}

static void test_term_end(void **state)
{
	(void)state;
	char end[11];
	mediation_term_end("2025-06-01", end);
	assert_string_equal(end, "2028-06-01");
	/* 29 February has no match three years later: the term runs through
	 * 28 February. */
	mediation_term_end("2024-02-29", end);
	assert_string_equal(end, "2027-03-01");
	mediation_term_end("garbage", end);
	assert_string_equal(end, "0000-00-00");
}

static const char *date(int32_t day)
{
	static char out[11];
	calendar_date_of(day, out);
	return out;
}

static void test_month_limit(void **state)
{
	(void)state;
	struct calendar cal;
	calendar_init(&cal); /* weekends only */
	/* The same date next month. */
	assert_string_equal(date(mediation_month_limit(&cal, calendar_day_of("2026-03-02"))),
			    "2026-04-02");
	/* Across the year. */
	assert_string_equal(date(mediation_month_limit(&cal, calendar_day_of("2025-12-15"))),
			    "2026-01-15");
	/* 31 January: February has no 31st, so its last day, a Saturday in
	 * 2026, moves to Monday. */
	assert_string_equal(date(mediation_month_limit(&cal, calendar_day_of("2026-01-31"))),
			    "2026-03-02");
	/* In a leap year, 29 February. */
	assert_string_equal(date(mediation_month_limit(&cal, calendar_day_of("2028-01-30"))),
			    "2028-02-29");
	/* A holiday on the last day moves it past the holiday. */
	calendar_set_day(&cal, calendar_day_of("2026-04-02"), CALENDAR_HOLIDAY);
	calendar_set_day(&cal, calendar_day_of("2026-04-03"), CALENDAR_HOLIDAY);
	assert_string_equal(date(mediation_month_limit(&cal, calendar_day_of("2026-03-02"))),
			    "2026-04-06");
	/* A make-up working day on a weekend is a working day. */
	calendar_set_day(&cal, calendar_day_of("2026-05-09"), CALENDAR_WORKDAY);
	assert_string_equal(date(mediation_month_limit(&cal, calendar_day_of("2026-04-09"))),
			    "2026-05-09");
	calendar_free(&cal);
}

static void test_confirmation_window(void **state)
{
	(void)state;
	struct calendar cal;
	calendar_init(&cal);
	/* Thirty days counted from the next day. */
	assert_string_equal(
		date(mediation_days_limit(&cal, calendar_day_of("2026-03-02"), MED_CONFIRM_DAYS)),
		"2026-04-01");
	/* Ending on a Sunday: Monday. */
	assert_string_equal(
		date(mediation_days_limit(&cal, calendar_day_of("2026-03-06"), MED_CONFIRM_DAYS)),
		"2026-04-06");
	calendar_free(&cal);
	/* The end of a civil day is midnight China Standard Time: 16:00 UTC. */
	assert_int_equal(mediation_day_end_ms(calendar_day_of("2026-04-01")), 1775059200000LL);
}

static void test_month_days(void **state)
{
	(void)state;
	assert_int_equal(mediation_month_days(2026, 2), 28);
	assert_int_equal(mediation_month_days(2028, 2), 29);
	assert_int_equal(mediation_month_days(1900, 2), 28);
	assert_int_equal(mediation_month_days(2000, 2), 29);
	assert_int_equal(mediation_month_days(2026, 4), 30);
	assert_int_equal(mediation_month_days(2026, 12), 31);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_composition),
		cmocka_unit_test(test_term_end),
		cmocka_unit_test(test_month_limit),
		cmocka_unit_test(test_confirmation_window),
		cmocka_unit_test(test_month_days),
	};
	return cmocka_run_group_tests_name("mediation", tests, NULL, NULL);
}
