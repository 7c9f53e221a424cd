/*
 * Command-line plumbing.
 */
#include "cli/cli.h"

#include <pwd.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth/roles.h"
#include "auth/users.h"
#include "core/secure.h"
#include "core/error.h"
#include "core/log.h"
#include "db/migrate.h"
#include "org/org.h"

int cli_parse(int argc, char **argv, int start, const char *const *allowed, struct cli_opts *o)
{
	memset(o, 0, sizeof(*o));
	for (int i = start; i < argc; i++) {
		const char *a = argv[i];
		if (strncmp(a, "--", 2) != 0) {
			fprintf(stderr, "unexpected argument '%s' (options start with --)\n", a);
			return -1;
		}
		char name[64];
		const char *eq = strchr(a + 2, '=');
		size_t nl = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
		if (nl >= sizeof(name)) {
			fprintf(stderr, "option too long: %s\n", a);
			return -1;
		}
		memcpy(name, a + 2, nl);
		name[nl] = '\0';
		bool known = false, is_flag = false;
		for (const char *const *p = allowed; *p; p++) {
			size_t pl = strlen(*p);
			bool flag = pl > 0 && (*p)[pl - 1] == '!';
			if ((flag ? pl - 1 : pl) == nl && strncmp(*p, name, nl) == 0) {
				known = true;
				is_flag = flag;
			}
		}
		if (!known) {
			fprintf(stderr, "unknown option --%s (see --help)\n", name);
			return -1;
		}
		if (o->n == CLI_MAX_OPTS) {
			fprintf(stderr, "too many options\n");
			return -1;
		}
		const char *value;
		if (is_flag) {
			value = "true";
		} else if (eq) {
			value = eq + 1;
		} else if (i + 1 < argc) {
			value = argv[++i];
		} else {
			fprintf(stderr, "--%s needs a value\n", name);
			return -1;
		}
		snprintf(o->name[o->n], sizeof(o->name[o->n]), "%s", name);
		o->value[o->n] = value;
		o->n++;
	}
	return 0;
}

const char *cli_get(const struct cli_opts *o, const char *name)
{
	for (int i = o->n - 1; i >= 0; i--)
		if (strcmp(o->name[i], name) == 0)
			return o->value[i];
	return NULL;
}

bool cli_flag(const struct cli_opts *o, const char *name)
{
	return cli_get(o, name) != NULL;
}

const char *cli_key_path(const char *db_path, const char *key_file, char *buf, size_t len)
{
	if (key_file != NULL)
		return key_file;
	snprintf(buf, len, "%s.key", db_path);
	return buf;
}

struct db *cli_open(const char *db_path, const char *key_file, bool create)
{
	if (db_path == NULL) {
		fprintf(stderr, "--db FILE is required\n");
		return NULL;
	}
	if (!create && access(db_path, F_OK) != 0) {
		fprintf(stderr, "%s does not exist; create it with `grassroots init --db %s`\n",
			db_path, db_path);
		return NULL;
	}
	char kbuf[4200];
	if (sec_key_load(cli_key_path(db_path, key_file, kbuf, sizeof(kbuf)), create) != 0)
		return NULL;
	struct db_options opt = {.path = db_path, .busy_timeout_ms = 10000, .create = create};
	struct db *db = NULL;
	if (db_open(&opt, &db) != RC_OK)
		return NULL;
	int applied = 0;
	if (migrate_to(db, -1, &applied) != RC_OK) {
		db_close(db);
		return NULL;
	}
	if (applied > 0)
		log_info("database %s: schema brought to version %d", db_path, migrate_latest());
	return db;
}

int cli_read_password(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	if (f == NULL) {
		fprintf(stderr, "cannot read password file %s\n", path);
		return -1;
	}
	char *ok = fgets(buf, (int)len, f);
	fclose(f);
	if (ok == NULL) {
		fprintf(stderr, "password file %s is empty\n", path);
		return -1;
	}
	buf[strcspn(buf, "\r\n")] = '\0';
	return 0;
}

static const char *operator_name(void)
{
	static char name[80];
	if (name[0] == '\0') {
		struct passwd *pw = getpwuid(getuid());
		snprintf(name, sizeof(name), "cli:%s", pw ? pw->pw_name : "unknown");
	}
	return name;
}

int cli_audit(struct db *db, const char *action, const char *object_type, const char *object_id,
	      int64_t org_id, json_t *detail)
{
	struct audit_entry e = {
		.actor_name = operator_name(),
		.role = "operator",
		.action = action,
		.object_type = object_type,
		.object_id = object_id,
		.org_id = org_id,
		.result = "ok",
		.client_ip = "local",
		.request_id = "cli",
		.detail = detail,
	};
	return audit_append(db, &e);
}

int cli_create_account(struct db *db, const char *username, const char *display_name,
		       const char *password, const char *role, const char *org_code,
		       char *out_password, size_t out_len)
{
	char pw[129];
	if (password == NULL) {
		sec_random_password(pw, 16);
		password = pw;
	}
	const char *why = users_check_username(username);
	if (why == NULL)
		why = users_check_password(password, username);
	if (why != NULL) {
		fprintf(stderr, "%s: %s\n", username, why);
		return RC_VALIDATION_FAILED;
	}
	int r = role_from_name(role);
	if (r < 0) {
		fprintf(stderr, "unknown role %s\n", role);
		return RC_VALIDATION_FAILED;
	}
	char hash[crypto_pwhash_STRBYTES];
	if (sec_password_hash(hash, sizeof(hash), password) != 0)
		return RC_INTERNAL;
	int64_t org_id = 0;
	struct arena a = {0};
	struct org_node n = {0};
	if (org_code != NULL) {
		if (org_get_by_code(db, &a, org_code, &n) != RC_OK) {
			fprintf(stderr, "no node with code %s\n", org_code);
			arena_free(&a);
			return RC_NOT_FOUND;
		}
		org_id = n.id;
	}
	int64_t id = 0, gid = 0;
	int rc = db_begin(db);
	if (rc == RC_OK)
		rc = users_insert(db, username, display_name, hash, &id);
	if (rc == RC_OK) {
		const char *why2 = users_grant_check(db, id, r, org_id, n.level ? n.level : "");
		if (why2 != NULL) {
			fprintf(stderr, "%s: %s\n", username, why2);
			rc = RC_VALIDATION_FAILED;
		}
	}
	if (rc == RC_OK)
		rc = users_grant(db, id, r, org_id, 0, &gid);
	if (rc == RC_OK) {
		char oid[24];
		snprintf(oid, sizeof(oid), "%lld", (long long)id);
		json_t *d = json_pack("{s:s, s:s}", "username", username, "role", role);
		rc = cli_audit(db, "user.create", "user", oid, org_id, d);
		json_decref(d);
	}
	if (rc == RC_OK)
		rc = db_commit(db);
	else
		db_rollback(db);
	arena_free(&a);
	if (rc == RC_CONFLICT)
		fprintf(stderr, "%s: the username is taken\n", username);
	if (rc == RC_OK && out_password != NULL)
		snprintf(out_password, out_len, "%s", password);
	sodium_memzero(pw, sizeof(pw));
	return rc;
}

static int char_columns(uint32_t cp)
{
	if ((cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
	    (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
	    (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
	    (cp >= 0xFFE0 && cp <= 0xFFE6) || cp >= 0x20000)
		return 2;
	return 1;
}

void cli_print_padded(const char *s, int width)
{
	const unsigned char *p = (const unsigned char *)s;
	int cols = 0;
	while (*p) {
		uint32_t cp = *p;
		int len = 1;
		if (cp >= 0xF0)
			cp &= 0x07, len = 4;
		else if (cp >= 0xE0)
			cp &= 0x0F, len = 3;
		else if (cp >= 0xC0)
			cp &= 0x1F, len = 2;
		for (int i = 1; i < len && p[i]; i++)
			cp = (cp << 6) | (p[i] & 0x3F);
		cols += char_columns(cp);
		p += len;
	}
	fputs(s, stdout);
	for (; cols < width; cols++)
		putchar(' ');
}
