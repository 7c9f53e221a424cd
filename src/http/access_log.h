/*
 * The JSON access log: one line per completed request.  Lines are gathered
 * in memory and written at most every 200 ms or every 48 KiB, not with a
 * system call per request (that call cost 4 % of a resident read); a crash
 * loses at most the last 200 ms of lines, the audit log none.
 */
#ifndef GR_HTTP_ACCESS_LOG_H
#define GR_HTTP_ACCESS_LOG_H

#include <stddef.h>

/* Open: NULL or "-" is standard error, "off" nothing, else a file appended
 * to.  Returns 0, or -1 with errno set when the file cannot be opened. */
int access_log_open(const char *path);
/* True when lines are written anywhere. */
int access_log_enabled(void);
/* Queue one line (with its newline). */
void access_log_line(const char *line, size_t n);
/* Write what is queued and close. */
void access_log_close(void);

#endif
