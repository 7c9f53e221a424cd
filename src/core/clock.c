/*
 * Clock with an optional, file-controlled offset for tests.
 */
#include "core/clock.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static const char *offset_path;
static _Atomic int64_t offset_s;
static pthread_mutex_t offset_lock = PTHREAD_MUTEX_INITIALIZER;
static struct timespec offset_mtime;

void clock_use_file(const char *path)
{
	offset_path = path;
}

static void refresh_offset(void)
{
	struct stat st;
	if (offset_path == NULL)
		return;
	if (stat(offset_path, &st) != 0) {
		atomic_store(&offset_s, 0);
		return;
	}
	pthread_mutex_lock(&offset_lock);
	if (st.st_mtim.tv_sec != offset_mtime.tv_sec ||
	    st.st_mtim.tv_nsec != offset_mtime.tv_nsec) {
		FILE *f = fopen(offset_path, "r");
		long long v = 0;
		if (f != NULL) {
			if (fscanf(f, "%lld", &v) != 1)
				v = 0;
			fclose(f);
		}
		atomic_store(&offset_s, (int64_t)v);
		offset_mtime = st.st_mtim;
	}
	pthread_mutex_unlock(&offset_lock);
}

void clock_set_offset(int64_t seconds)
{
	atomic_store(&offset_s, seconds);
}

int64_t clock_now_ms(void)
{
	struct timespec ts;
	refresh_offset();
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 + atomic_load(&offset_s) * 1000;
}

int64_t clock_now(void)
{
	return clock_now_ms() / 1000;
}

int64_t clock_mono_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void clock_iso_ms(int64_t ms, char *buf, size_t len)
{
	/* The access log stamps every request: the date and time of the last
	 * second formatted by this thread are kept, only the milliseconds are
	 * written anew. */
	static _Thread_local int64_t cached_s = INT64_MIN;
	static _Thread_local char cached[64];
	int64_t sec = ms / 1000;
	int milli = (int)(ms % 1000);
	if (milli < 0) {
		sec--;
		milli += 1000;
	}
	if (sec != cached_s) {
		time_t t = (time_t)sec;
		struct tm tm;
		gmtime_r(&t, &tm);
		snprintf(cached, sizeof(cached), "%04d-%02d-%02dT%02d:%02d:%02d.",
			 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
			 tm.tm_sec);
		cached_s = sec;
	}
	char out[72];
	size_t n = strlen(cached);
	memcpy(out, cached, n);
	out[n] = (char)('0' + milli / 100);
	out[n + 1] = (char)('0' + milli / 10 % 10);
	out[n + 2] = (char)('0' + milli % 10);
	out[n + 3] = 'Z';
	size_t m = n + 4 < len ? n + 4 : len - 1;
	memcpy(buf, out, m);
	buf[m] = '\0';
}

void clock_iso(int64_t s, char *buf, size_t len)
{
	time_t t = (time_t)s;
	struct tm tm;
	gmtime_r(&t, &tm);
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

void clock_civil_date(int64_t s, int years_back, char out[11])
{
	time_t t = (time_t)(s + CLOCK_CIVIL_OFFSET_S);
	struct tm tm;
	gmtime_r(&t, &tm);
	int y = tm.tm_year + 1900 - years_back, m = tm.tm_mon + 1, d = tm.tm_mday;
	/* 29 February some years back is the 28th in a common year. */
	if (m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		d = 28;
	snprintf(out, 11, "%04u-%02u-%02u", (unsigned)y % 10000u, (unsigned)m % 100u,
		 (unsigned)d % 100u);
}

static int days_in_month(int y, int m)
{
	static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return d[m - 1];
}

/* Value of the n digits at s, or -1 when one is not a digit. */
static int digits(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

int clock_parse_iso(const char *s, int64_t *out)
{
	int y, mo, d, h = 0, mi = 0, se = 0;
	size_t len = strlen(s);
	if (len != 10 &&
	    !(len == 20 && s[10] == 'T' && s[13] == ':' && s[16] == ':' && s[19] == 'Z'))
		return -1;
	if (s[4] != '-' || s[7] != '-')
		return -1;
	y = digits(s, 4);
	mo = digits(s + 5, 2);
	d = digits(s + 8, 2);
	if (len == 20) {
		h = digits(s + 11, 2);
		mi = digits(s + 14, 2);
		se = digits(s + 17, 2);
	}
	if (y < 1900 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) ||
	    h > 23 || mi > 59 || se > 59 || h < 0 || mi < 0 || se < 0)
		return -1;
	struct tm tm = {0};
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = se;
	*out = (int64_t)timegm(&tm);
	return 0;
}

int clock_parse_w3c(const char *s, int64_t *out)
{
	char date[11];
	int64_t day;
	if (strlen(s) < 10)
		return -1;
	memcpy(date, s, 10);
	date[10] = '\0';
	if (clock_parse_iso(date, &day) != 0)
		return -1;
	if (s[10] == '\0') {
		*out = day;
		return 0;
	}
	const char *p = s + 10;
	if (*p != 'T' || digits(p + 1, 2) < 0 || p[3] != ':' || digits(p + 4, 2) < 0)
		return -1;
	int h = digits(p + 1, 2), mi = digits(p + 4, 2), se = 0;
	p += 6;
	if (*p == ':') {
		se = digits(p + 1, 2);
		if (se < 0)
			return -1;
		p += 3;
		if (*p == '.') {
			size_t n = strspn(p + 1, "0123456789");
			if (n == 0)
				return -1;
			p += 1 + n;
		}
	}
	if (h > 23 || mi > 59 || se > 59)
		return -1;
	int64_t offset = 0;
	if (*p == 'Z') {
		p++;
	} else if (*p == '+' || *p == '-' || *p == ' ') {
		int sign = *p == '-' ? -1 : 1;
		int oh = digits(p + 1, 2);
		if (oh < 0)
			return -1;
		p += 3;
		if (*p == ':')
			p++;
		int om = digits(p, 2);
		if (om < 0 || oh > 23 || om > 59)
			return -1;
		p += 2;
		offset = sign * ((int64_t)oh * 3600 + om * 60);
	} else {
		return -1;
	}
	if (*p != '\0')
		return -1;
	*out = day + h * 3600 + mi * 60 + se - offset;
	return 0;
}
