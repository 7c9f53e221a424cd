/*
 * Server configuration: defaults, an optional key = value file and command
 * line flags, in that order of precedence.  Every option is documented in
 * README.md under "Configuration".
 */
#ifndef GR_CORE_CONFIG_H
#define GR_CORE_CONFIG_H

#include <stdbool.h>

struct config {
	const char *db_path;
	const char *key_file; /* default: <db>.key */
	const char *listen;   /* ADDR:PORT */
	int threads;          /* 0: two per core */
	int max_connections;
	int connection_timeout_s;
	int connection_memory_kib;
	int body_limit_kib;
	int session_idle_s;
	int session_absolute_s;
	int lockout_attempts;
	int lockout_s;
	int login_failures_per_ip; /* per 10 minutes */
	bool synchronous_normal;   /* relax synchronous=FULL */
	int busy_timeout_ms;
	bool trust_proxy;          /* honour X-Forwarded-For/-Proto */
	const char *public_origin; /* e.g. https://grid.example.gov.cn */
	const char *access_log;    /* "-" stderr (default), "off", or a file */
	const char *unmask_roles;     /* roles that may unmask, comma-separated */
	const char *work_hours;    /* "08:30-12:00,13:30-17:30" */
	int sweep_s;               /* deadline sweep interval */
	int reopen_days;           /* closed events may be reopened this long */
	const char *clock_file;    /* tests only */
	char *owned[32];           /* strings copied from a config file */
	int nowned;
};

/* Fill c with defaults. */
void config_defaults(struct config *c);
/* Set option name (without leading dashes) to value, which must outlive c
 * for string options.  Returns 0, or -1 with a message on stderr for an
 * unknown option or a bad value. */
int config_set(struct config *c, const char *name, const char *value);
/* Read key = value lines from path ('#' comments).  Returns 0 or -1. */
int config_load_file(struct config *c, const char *path);
/* Free the strings config_load_file copied. */
void config_free(struct config *c);
/* Usage text for the server options. */
const char *config_usage(void);

#endif
