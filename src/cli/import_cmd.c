/*
 * `grassroots import residents|addresses|houses|units`: the registry's CSV
 * import from the command line, with progress on a terminal and the same
 * report as the web interface.
 */
#include "cli/import_cmd.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/clock.h"
#include "core/error.h"
#include "registry/import.h"

static void progress(int64_t rows)
{
	fprintf(stderr, "\r%lld rows...", (long long)rows);
}

int cli_import_registry(struct db *db, const char *kind_name, const char *file, bool dry_run)
{
	int kind = import_kind_from(kind_name);
	if (kind < 0)
		return 2;
	FILE *f = fopen(file, "r");
	if (f == NULL) {
		fprintf(stderr, "cannot read %s\n", file);
		return 1;
	}
	char operator[96];
	snprintf(operator, sizeof(operator), "cli:%s", getlogin() ? getlogin() : "operator");
	struct actor who = {0, operator};
	struct import_opts o = {.kind = (enum import_kind)kind, .dry_run = dry_run, .who = &who,
				.progress = isatty(STDERR_FILENO) ? progress : NULL};
	struct import_report rep;
	/* A whole import is one transaction: a large page cache keeps SQLite
	 * from spilling it to the write-ahead log half-way. */
	db_exec_static(db, "PRAGMA cache_size=-262144");
	int64_t t0 = clock_mono_us();
	int rc = import_csv(db, f, &o, &rep);
	fclose(f);
	if (o.progress)
		fputs("\r", stderr);
	double secs = (double)(clock_mono_us() - t0) / 1e6;
	size_t i;
	json_t *p;
	json_array_foreach(rep.problems, i, p)
	{
		const char *col = json_string_value(json_object_get(p, "column"));
		fprintf(stderr, "%s:%lld%s%s: %s\n", file,
			(long long)json_integer_value(json_object_get(p, "row")),
			col && *col ? ", column " : "", col && *col ? col : "",
			json_string_value(json_object_get(p, "reason")));
	}
	if (rep.bad_rows > (int64_t)json_array_size(rep.problems))
		fprintf(stderr, "(only the first %zu problems are listed)\n", json_array_size(rep.problems));
	if (rc == RC_OK && rep.ready) {
		json_t *d = json_pack("{s:s, s:I, s:I}", "kind", kind_name, "rows",
				      (json_int_t)rep.rows, "created", (json_int_t)rep.created);
		rc = cli_audit(db, "registry.import", "import", kind_name, 0, d);
		json_decref(d);
		if (rc == RC_OK)
			rc = db_commit(db);
		else
			db_rollback(db);
	}
	json_decref(rep.problems);
	if (rc != RC_OK) {
		fprintf(stderr, "import failed, nothing changed\n");
		return 1;
	}
	if (rep.bad_rows > 0) {
		printf("%lld of %lld rows are bad; nothing changed\n", (long long)rep.bad_rows,
		       (long long)rep.rows);
		return 1;
	}
	printf("%s %lld %s rows in %.2f s (%.0f rows/s): %lld %s, %lld new addresses, %lld new households\n",
	       dry_run ? "checked" : "imported", (long long)rep.rows, kind_name, secs,
	       secs > 0 ? (double)rep.rows / secs : 0.0, (long long)rep.created,
	       dry_run ? "would be created, nothing changed" : "created", (long long)rep.addresses,
	       (long long)rep.households);
	return 0;
}
