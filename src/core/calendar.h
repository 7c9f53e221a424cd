/*
 * The working calendar: which civil days (China Standard Time) are working
 * days, and the working hours inside them.  A day is a working day when it
 * is a Monday to Friday that is not a public holiday, or a make-up working
 * day (调休) even on a weekend.  Time limits of cases are counted on it:
 * "4 working hours" skips nights, weekends and holidays; "7 working days"
 * counts from the day after the start (期限从次日起算) and ends when the
 * seventh working day's working hours end.
 *
 * Days are numbered from 1970-01-01 (day 0) in China Standard Time.
 */
#ifndef GR_CORE_CALENDAR_H
#define GR_CORE_CALENDAR_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#define CALENDAR_MAX_PERIODS 4

enum calendar_kind { CALENDAR_NORMAL = 0, CALENDAR_HOLIDAY = 1, CALENDAR_WORKDAY = 2 };

struct calendar {
	/* Exceptions to the weekly rule, sorted by day. */
	int32_t *days;
	uint8_t *kinds;
	size_t n, cap;
	/* Working periods of a working day in minutes after midnight, e.g.
	 * 08:30–12:00 and 13:30–17:30. */
	int periods[CALENDAR_MAX_PERIODS][2];
	int nperiods;
};

/* An empty calendar (weekends only) with the default working hours. */
void calendar_init(struct calendar *c);
void calendar_free(struct calendar *c);
/* Set the working hours from "08:30-12:00,13:30-17:30": ascending,
 * non-overlapping periods.  Returns 0, or -1 (calendar unchanged). */
int calendar_set_hours(struct calendar *c, const char *spec);
/* Mark a day (replacing what was there). */
void calendar_set_day(struct calendar *c, int32_t day, enum calendar_kind kind);

/* Read the public-holiday schedule in the format of the npm package
 * chinese-days ({"holidays": {"YYYY-MM-DD": "...", ...}, "workdays":
 * {...}}), only the years from..to (0 for all).  Returns the number of days
 * read, or -1 with a message in err (of errlen bytes). */
int calendar_load_json(struct calendar *c, const json_t *doc, int from, int to, char *err,
		       size_t errlen);

/* Day number of a civil date "YYYY-MM-DD", or INT32_MIN when malformed. */
int32_t calendar_day_of(const char *date);
/* The civil date of a day number, as YYYY-MM-DD. */
void calendar_date_of(int32_t day, char out[11]);
/* The civil day of an instant (unix milliseconds). */
int32_t calendar_day_at(int64_t ms);

bool calendar_is_workday(const struct calendar *c, int32_t day);
enum calendar_kind calendar_kind_of(const struct calendar *c, int32_t day);

/* The instant `work_ms` of working time after start (unix ms).  A start
 * outside working hours begins at the next working period. */
int64_t calendar_add_work(const struct calendar *c, int64_t start_ms, int64_t work_ms);
/* The end of working hours on the days-th working day after start's day. */
int64_t calendar_add_days(const struct calendar *c, int64_t start_ms, int days);
/* Working time between two instants in ms (0 when to <= from). */
int64_t calendar_work_between(const struct calendar *c, int64_t from_ms, int64_t to_ms);

#endif
