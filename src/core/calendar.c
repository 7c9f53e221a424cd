#include "core/calendar.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"

#define DAY_MS (86400LL * 1000)
/* A calendar always has working days within a week or two; ten years
 * bounds the walk should a configuration ever say otherwise. */
#define MAX_WALK_DAYS 3660

void calendar_init(struct calendar *c)
{
	memset(c, 0, sizeof(*c));
	calendar_set_hours(c, "08:30-12:00,13:30-17:30");
}

void calendar_free(struct calendar *c)
{
	free(c->days);
	free(c->kinds);
	memset(c, 0, sizeof(*c));
}

static int parse_hhmm(const char *s, int *out)
{
	if (!(s[0] >= '0' && s[0] <= '2' && s[1] >= '0' && s[1] <= '9' && s[2] == ':' &&
	      s[3] >= '0' && s[3] <= '5' && s[4] >= '0' && s[4] <= '9'))
		return -1;
	int h = (s[0] - '0') * 10 + (s[1] - '0'), m = (s[3] - '0') * 10 + (s[4] - '0');
	if (h > 24 || (h == 24 && m != 0))
		return -1;
	*out = h * 60 + m;
	return 0;
}

int calendar_set_hours(struct calendar *c, const char *spec)
{
	int p[CALENDAR_MAX_PERIODS][2], n = 0, last = -1;
	const char *s = spec;
	while (*s != '\0') {
		if (n == CALENDAR_MAX_PERIODS || strlen(s) < 11 || s[5] != '-' ||
		    parse_hhmm(s, &p[n][0]) != 0 || parse_hhmm(s + 6, &p[n][1]) != 0)
			return -1;
		if (p[n][0] >= p[n][1] || p[n][0] < last)
			return -1;
		last = p[n][1];
		n++;
		s += 11;
		if (*s == ',')
			s++;
		else if (*s != '\0')
			return -1;
	}
	if (n == 0)
		return -1;
	memcpy(c->periods, p, sizeof(p));
	c->nperiods = n;
	return 0;
}

/* Index of day in the exceptions, or -(insertion point) - 1. */
static long find(const struct calendar *c, int32_t day)
{
	long lo = 0, hi = (long)c->n - 1;
	while (lo <= hi) {
		long mid = (lo + hi) / 2;
		if (c->days[mid] == day)
			return mid;
		if (c->days[mid] < day)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -lo - 1;
}

void calendar_set_day(struct calendar *c, int32_t day, enum calendar_kind kind)
{
	long i = find(c, day);
	if (i >= 0) {
		c->kinds[i] = (uint8_t)kind;
		return;
	}
	size_t at = (size_t)(-i - 1);
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 256;
		int32_t *d = realloc(c->days, cap * sizeof(*d));
		uint8_t *k = d ? realloc(c->kinds, cap) : NULL;
		if (d == NULL || k == NULL) {
			fputs("out of memory\n", stderr);
			abort();
		}
		c->days = d;
		c->kinds = k;
		c->cap = cap;
	}
	memmove(c->days + at + 1, c->days + at, (c->n - at) * sizeof(*c->days));
	memmove(c->kinds + at + 1, c->kinds + at, c->n - at);
	c->days[at] = day;
	c->kinds[at] = (uint8_t)kind;
	c->n++;
}

/* Days from 1970-01-01 of a proleptic Gregorian date. */
static int32_t days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	int era = (y >= 0 ? y : y - 399) / 400;
	int yoe = y - era * 400;
	int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int32_t calendar_day_of(const char *s)
{
	if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return INT32_MIN;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return INT32_MIN;
	int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1] + (m == 2 && leap))
		return INT32_MIN;
	return days_from_civil(y, m, d);
}

void calendar_date_of(int32_t day, char out[11])
{
	/* The inverse of days_from_civil. */
	int z = day + 719468;
	int era = (z >= 0 ? z : z - 146096) / 146097;
	int doe = z - era * 146097;
	int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int y = yoe + era * 400;
	int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int mp = (5 * doy + 2) / 153;
	int d = doy - (153 * mp + 2) / 5 + 1;
	int m = mp + (mp < 10 ? 3 : -9);
	y += m <= 2;
	char t[40];
	snprintf(t, sizeof(t), "%04d-%02d-%02d", y, m, d);
	memcpy(out, t, 10);
	out[10] = '\0';
}

int32_t calendar_day_at(int64_t ms)
{
	int64_t local = ms + (int64_t)CLOCK_CIVIL_OFFSET_S * 1000;
	int64_t day = local / DAY_MS;
	if (local % DAY_MS < 0)
		day--;
	return (int32_t)day;
}

/* The instant of minute m of day. */
static int64_t instant(int32_t day, int minute)
{
	return (int64_t)day * DAY_MS - (int64_t)CLOCK_CIVIL_OFFSET_S * 1000 +
	       (int64_t)minute * 60000;
}

enum calendar_kind calendar_kind_of(const struct calendar *c, int32_t day)
{
	long i = find(c, day);
	return i >= 0 ? (enum calendar_kind)c->kinds[i] : CALENDAR_NORMAL;
}

bool calendar_is_workday(const struct calendar *c, int32_t day)
{
	switch (calendar_kind_of(c, day)) {
	case CALENDAR_HOLIDAY: return false;
	case CALENDAR_WORKDAY: return true;
	default:;
		int wd = (int)(((int64_t)day + 4) % 7); /* 1970-01-01 was a Thursday */
		if (wd < 0)
			wd += 7;
		return wd != 0 && wd != 6;
	}
}

int64_t calendar_add_work(const struct calendar *c, int64_t start_ms, int64_t work_ms)
{
	int64_t at = start_ms, left = work_ms < 0 ? 0 : work_ms;
	int32_t day = calendar_day_at(start_ms);
	for (int walked = 0; walked < MAX_WALK_DAYS; walked++, day++) {
		if (!calendar_is_workday(c, day))
			continue;
		for (int p = 0; p < c->nperiods; p++) {
			int64_t ps = instant(day, c->periods[p][0]),
				pe = instant(day, c->periods[p][1]);
			if (at >= pe)
				continue;
			int64_t from = at > ps ? at : ps;
			if (left <= pe - from)
				return from + left;
			left -= pe - from;
			at = pe;
		}
	}
	return INT64_MAX;
}

int64_t calendar_add_days(const struct calendar *c, int64_t start_ms, int days)
{
	int32_t day = calendar_day_at(start_ms);
	for (int counted = 0, walked = 0; counted < days; walked++) {
		if (walked == MAX_WALK_DAYS)
			return INT64_MAX;
		day++;
		if (calendar_is_workday(c, day))
			counted++;
	}
	return instant(day, c->periods[c->nperiods - 1][1]);
}

int64_t calendar_work_between(const struct calendar *c, int64_t from_ms, int64_t to_ms)
{
	int64_t total = 0;
	if (to_ms <= from_ms)
		return 0;
	for (int32_t day = calendar_day_at(from_ms), last = calendar_day_at(to_ms); day <= last;
	     day++) {
		if (!calendar_is_workday(c, day))
			continue;
		for (int p = 0; p < c->nperiods; p++) {
			int64_t ps = instant(day, c->periods[p][0]),
				pe = instant(day, c->periods[p][1]);
			int64_t a = from_ms > ps ? from_ms : ps, b = to_ms < pe ? to_ms : pe;
			if (b > a)
				total += b - a;
		}
	}
	return total;
}

int calendar_load_json(struct calendar *c, const json_t *doc, int from, int to, char *err,
		       size_t errlen)
{
	static const struct {
		const char *member;
		enum calendar_kind kind;
	} parts[] = {{"holidays", CALENDAR_HOLIDAY}, {"workdays", CALENDAR_WORKDAY}};
	int count = 0;
	if (!json_is_object(doc)) {
		snprintf(err, errlen, "expected an object with \"holidays\" and \"workdays\"");
		return -1;
	}
	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		const json_t *days = json_object_get(doc, parts[i].member);
		if (!json_is_object(days)) {
			snprintf(err, errlen, "\"%s\" must be an object of dates", parts[i].member);
			return -1;
		}
		const char *date;
		const json_t *v;
		json_object_foreach((json_t *)days, date, v)
		{
			int32_t day = calendar_day_of(date);
			if (day == INT32_MIN) {
				snprintf(err, errlen, "%s: '%s' is not a date YYYY-MM-DD",
					 parts[i].member, date);
				return -1;
			}
			int year = atoi(date);
			if ((from && year < from) || (to && year > to))
				continue;
			calendar_set_day(c, day, parts[i].kind);
			count++;
		}
	}
	return count;
}
