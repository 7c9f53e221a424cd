/*
 * Configuration table.  One row per option keeps parsing, validation and the
 * usage text in one place.
 */
#include "core/config.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/str.h"

enum kind { K_STR, K_INT, K_BOOL };

struct option_row {
	const char *name;
	enum kind kind;
	size_t offset;
	long min, max;
	const char *help;
};

#define O(f) offsetof(struct config, f)
static const struct option_row rows[] = {
	{"db", K_STR, O(db_path), 0, 0, "database file"},
	{"key-file", K_STR, O(key_file), 0, 0, "deployment key file (default: <db>.key)"},
	{"listen", K_STR, O(listen), 0, 0,
	 "address and port, default 127.0.0.1:8080; port 0 picks a free port"},
	{"threads", K_INT, O(threads), 0, 256, "worker threads (0: two per core)"},
	{"max-connections", K_INT, O(max_connections), 1, 100000,
	 "open connections at most (default 1024)"},
	{"connection-timeout", K_INT, O(connection_timeout_s), 1, 3600,
	 "seconds an idle connection is kept (default 30)"},
	{"connection-memory", K_INT, O(connection_memory_kib), 16, 65536,
	 "KiB of buffer per connection for headers and body chunks (default 32)"},
	{"body-limit", K_INT, O(body_limit_kib), 1, 1048576,
	 "KiB a JSON request body may have (default 1024)"},
	{"session-idle", K_INT, O(session_idle_s), 60, 86400 * 30,
	 "seconds of inactivity that end a session (default 1800)"},
	{"session-absolute", K_INT, O(session_absolute_s), 60, 86400 * 90,
	 "seconds a session lives at most (default 43200)"},
	{"lockout-attempts", K_INT, O(lockout_attempts), 1, 1000,
	 "failed sign-ins that lock an account (default 5)"},
	{"lockout-seconds", K_INT, O(lockout_s), 1, 86400 * 7,
	 "how long an account stays locked (default 600)"},
	{"login-failures-per-ip", K_INT, O(login_failures_per_ip), 1, 100000,
	 "failed sign-ins per client address per 10 minutes before 429 (default 30)"},
	{"synchronous-normal", K_BOOL, O(synchronous_normal), 0, 1,
	 "relax fsync: faster writes, the last ones may be lost on power failure"},
	{"busy-timeout", K_INT, O(busy_timeout_ms), 0, 600000,
	 "ms to wait for the database write lock (default 5000)"},
	{"trust-proxy", K_BOOL, O(trust_proxy), 0, 1,
	 "take client address and scheme from X-Forwarded-For and X-Forwarded-Proto"},
	{"public-origin", K_STR, O(public_origin), 0, 0,
	 "origin browsers use, e.g. https://grid.example.gov.cn (default: the Host header)"},
	{"access-log", K_STR, O(access_log), 0, 0,
	 "'-' for standard error (default), 'off', or a file to append to"},
	{"unmask-roles", K_STR, O(unmask_roles), 0, 0, "roles that may see identity and phone numbers in clear (default grid_worker,community_worker,town_officer,county_officer)"},
	{"work-hours", K_STR, O(work_hours), 0, 0,
	 "working periods of a working day for case deadlines; by default 08:30-12:00,13:30-17:30"},
	{"sweep-seconds", K_INT, O(sweep_s), 1, 3600,
	 "seconds between deadline sweeps that send warnings and overdue notices (default 60)"},
	{"reopen-days", K_INT, O(reopen_days), 0, 365,
	 "days after closure during which an event may be reopened (default 7)"},
	{"clock-file", K_STR, O(clock_file), 0, 0,
	 "testing only: file holding a clock offset in seconds"},
};

void config_defaults(struct config *c)
{
	memset(c, 0, sizeof(*c));
	c->listen = "127.0.0.1:8080";
	c->max_connections = 1024;
	c->connection_timeout_s = 30;
	c->connection_memory_kib = 32;
	c->body_limit_kib = 1024;
	c->session_idle_s = 1800;
	c->session_absolute_s = 43200;
	c->lockout_attempts = 5;
	c->lockout_s = 600;
	c->login_failures_per_ip = 30;
	c->busy_timeout_ms = 5000;
	c->access_log = "-";
	c->work_hours = "08:30-12:00,13:30-17:30";
	c->sweep_s = 60;
	c->reopen_days = 7;
}

int config_set(struct config *c, const char *name, const char *value)
{
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct option_row *r = &rows[i];
		if (strcmp(r->name, name) != 0)
			continue;
		char *field = (char *)c + r->offset;
		if (r->kind == K_STR) {
			*(const char **)(void *)field = value;
			return 0;
		}
		if (r->kind == K_BOOL) {
			bool v;
			if (strcmp(value, "true") == 0 || strcmp(value, "1") == 0 ||
			    strcmp(value, "yes") == 0)
				v = true;
			else if (strcmp(value, "false") == 0 || strcmp(value, "0") == 0 ||
				 strcmp(value, "no") == 0)
				v = false;
			else {
				fprintf(stderr, "--%s: expected true or false, got '%s'\n", name,
					value);
				return -1;
			}
			*(bool *)(void *)field = v;
			return 0;
		}
		int64_t v;
		if (!str_to_i64(value, &v) || v < r->min || v > r->max) {
			fprintf(stderr, "--%s: expected a whole number from %ld to %ld, got '%s'\n",
				name, r->min, r->max, value);
			return -1;
		}
		*(int *)(void *)field = (int)v;
		return 0;
	}
	fprintf(stderr, "unknown option --%s\n", name);
	return -1;
}

int config_load_file(struct config *c, const char *path)
{
	FILE *f = fopen(path, "r");
	if (f == NULL) {
		fprintf(stderr, "cannot open config file %s\n", path);
		return -1;
	}
	char line[1024];
	int lineno = 0, rc = 0;
	while (fgets(line, sizeof(line), f) != NULL) {
		lineno++;
		char *p = line;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '#' || *p == '\n' || *p == '\0')
			continue;
		char *eq = strchr(p, '=');
		if (eq == NULL) {
			fprintf(stderr, "%s:%d: expected key = value\n", path, lineno);
			rc = -1;
			break;
		}
		char *kend = eq;
		while (kend > p && (kend[-1] == ' ' || kend[-1] == '\t'))
			kend--;
		*kend = '\0';
		char *v = eq + 1;
		while (*v == ' ' || *v == '\t')
			v++;
		size_t vl = strlen(v);
		while (vl > 0 && (v[vl - 1] == '\n' || v[vl - 1] == '\r' || v[vl - 1] == ' ' ||
				  v[vl - 1] == '\t'))
			v[--vl] = '\0';
		if (c->nowned == (int)(sizeof(c->owned) / sizeof(c->owned[0]))) {
			fprintf(stderr, "%s:%d: too many settings\n", path, lineno);
			rc = -1;
			break;
		}
		char *copy = strdup(v);
		if (copy == NULL) {
			rc = -1;
			break;
		}
		c->owned[c->nowned++] = copy;
		if (config_set(c, p, copy) != 0) {
			fprintf(stderr, "%s:%d: bad setting\n", path, lineno);
			rc = -1;
			break;
		}
	}
	fclose(f);
	return rc;
}

void config_free(struct config *c)
{
	for (int i = 0; i < c->nowned; i++)
		free(c->owned[i]);
	c->nowned = 0;
}

const char *config_usage(void)
{
	static char text[4096];
	if (text[0] != '\0')
		return text;
	size_t off = 0;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]) && off < sizeof(text); i++) {
		int n = snprintf(text + off, sizeof(text) - off, "  --%-24s %s\n", rows[i].name,
				 rows[i].help);
		if (n < 0)
			break;
		off += (size_t)n;
	}
	return text;
}
