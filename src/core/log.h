/*
 * Diagnostic log on standard error: one line per message with UTC time and
 * level.  The per-request access log lives in http/access_log.c.
 */
#ifndef GR_CORE_LOG_H
#define GR_CORE_LOG_H

void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Suppress info lines (CLI tools that print their own output). */
void log_quiet(int quiet);

#endif
