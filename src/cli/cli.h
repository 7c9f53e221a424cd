/*
 * Command-line plumbing shared by the subcommands: option parsing, opening
 * the database with its key, password files and audit records for operator
 * actions.
 */
#ifndef GR_CLI_CLI_H
#define GR_CLI_CLI_H

#include <stdbool.h>

#include "auth/audit.h"
#include "db/db.h"

#define CLI_MAX_OPTS 16

struct cli_opts {
	int n;
	char name[CLI_MAX_OPTS][64];
	const char *value[CLI_MAX_OPTS]; /* point into argv */
};

/* Parse --name value / --name=value pairs from argv[start..].  Names not in
 * allowed (NULL-terminated; a trailing '!' marks a flag without value) are
 * refused with a message.  Returns 0 or -1. */
int cli_parse(int argc, char **argv, int start, const char *const *allowed, struct cli_opts *o);
const char *cli_get(const struct cli_opts *o, const char *name);
bool cli_flag(const struct cli_opts *o, const char *name);

/* Open (and with create, make) the database and its key file, and bring the
 * schema up to date.  Prints errors; returns NULL on failure. */
struct db *cli_open(const char *db_path, const char *key_file, bool create);
/* The key file: key_file when given, else <db>.key written into buf. */
const char *cli_key_path(const char *db_path, const char *key_file, char *buf, size_t len);

/* First line of path without its line end, in buf.  Returns 0 or -1. */
int cli_read_password(const char *path, char *buf, size_t len);

/* Audit an operator action of the command line in its own transaction. */
int cli_audit(struct db *db, const char *action, const char *object_type, const char *object_id,
	      int64_t org_id, json_t *detail);

/* Create an account with a role (org_code NULL for administrator roles).
 * password NULL: a random one is made and copied to out_password. */
int cli_create_account(struct db *db, const char *username, const char *display_name,
		       const char *password, const char *role, const char *org_code,
		       char *out_password, size_t out_len);

/* Print s padded with spaces to width terminal columns (CJK characters
 * take two). */
void cli_print_padded(const char *s, int width);

#endif
