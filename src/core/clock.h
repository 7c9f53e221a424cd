/*
 * Wall clock for everything that stores or compares times.  Tests and
 * demonstrations may shift it with a clock file (see clock_use_file), so
 * deadlines, session expiry and lockouts can be exercised without sleeping.
 */
#ifndef GR_CORE_CLOCK_H
#define GR_CORE_CLOCK_H

#include <stddef.h>
#include <stdint.h>

/* Seconds since the Unix epoch, UTC, including any configured offset. */
int64_t clock_now(void);
/* Milliseconds since the epoch, including the offset. */
int64_t clock_now_ms(void);
/* Monotonic microseconds for measuring durations (never shifted). */
int64_t clock_mono_us(void);

/* Read the clock offset, in seconds, from the first line of path whenever
 * the file's modification time changes.  A missing file means offset 0.
 * For tests only; documented in DEVELOPERS.md. */
void clock_use_file(const char *path);

/* Shift the clock by seconds from the program itself: the demo builds a
 * past with it (events reported days ago).  A clock file, when one is in
 * use, replaces the offset whenever the file changes. */
void clock_set_offset(int64_t seconds);

/* Format unix milliseconds as ISO 8601 UTC, e.g. 2026-01-02T03:04:05.678Z.
 * buf must hold 32 bytes. */
void clock_iso_ms(int64_t ms, char *buf, size_t len);
/* Format unix seconds as 2026-01-02T03:04:05Z. */
void clock_iso(int64_t s, char *buf, size_t len);
/* Civil dates (today, ages, visit days) are those of China Standard Time:
 * UTC+8 all year, without daylight saving. */
#define CLOCK_CIVIL_OFFSET_S (8 * 3600)
/* The civil date of instant s (unix seconds), years_back years earlier
 * (0 for the day itself), as YYYY-MM-DD. */
void clock_civil_date(int64_t s, int years_back, char out[11]);
/* Parse "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM:SSZ" (UTC) into unix seconds.
 * Returns 0 on success, -1 on a malformed or impossible date. */
int clock_parse_iso(const char *s, int64_t *out);
/* Parse an instant in the ISO 8601 profile of the W3C note (Open311's
 * dates): "YYYY-MM-DD" (midnight UTC) or "YYYY-MM-DDTHH:MM[:SS[.s...]]"
 * followed by "Z" or an offset "+HH:MM", "-HH:MM", "+HHMM"; a time without
 * a zone is refused, as it names no instant.  A space stands for '+' in
 * the offset (query strings turn '+' into a space).  Returns 0 with unix
 * seconds in *out (fractions dropped), or -1. */
int clock_parse_w3c(const char *s, int64_t *out);

#endif
