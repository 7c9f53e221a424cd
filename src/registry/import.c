/*
 * CSV import.  Rows are applied one by one inside a single transaction
 * with the same storage functions the API uses, so an imported record is
 * checked exactly like one typed in; after the last row the transaction is
 * committed only when no row was bad and this is not a dry run.
 */
#include "registry/import.h"

#include <stdlib.h>
#include <string.h>

#include "core/csv.h"
#include "core/error.h"
#include "core/str.h"
#include "registry/people.h"
#include "registry/places.h"
#include "registry/tags.h"
#include "registry/validate.h"

#define MAX_PROBLEMS 1000

static const char *const kind_names[] = {"addresses", "houses", "residents", "units", NULL};

int import_kind_from(const char *name)
{
	for (int i = 0; kind_names[i]; i++)
		if (strcmp(kind_names[i], name) == 0)
			return i;
	return -1;
}

/* Columns of each kind: location first; a leading '*' marks a required one. */
static const char *const columns[][24] = {
	[IMPORT_ADDRESSES] = {"*grid_code", "*street", "*number", "building", "unit", "room", "lon",
			      "lat", NULL},
	[IMPORT_HOUSES] = {"*grid_code", "*street", "*number", "building", "unit", "room", "area",
			   "*use", "*ownership", "*occupancy", NULL},
	[IMPORT_RESIDENTS] = {"*grid_code", "*street", "*number", "building", "unit", "room",
			      "household_number", "relation", "*name", "*gender", "*birth_date",
			      "*id_type", "*id_number", "phone", "ethnicity", "*residence_type",
			      "employment", "moved_in_on", "tags", NULL},
	[IMPORT_UNITS] = {"*grid_code", "*street", "*number", "building", "unit", "room", "*name",
			  "credit_code", "*type", "contact_name", "phone", NULL},
};

struct run {
	struct db *db;
	const struct import_opts *o;
	struct import_report *rep;
	int index[24]; /* column -> field index in the row, -1 when absent */
	struct csv *c;
	long line;
	bool row_bad;
	int64_t grid_id;
	char grid_code[16];
};

static void problem(struct run *run, const char *column, const char *reason)
{
	if (!run->row_bad) {
		run->row_bad = true;
		run->rep->bad_rows++;
	}
	if (json_array_size(run->rep->problems) < MAX_PROBLEMS)
		json_array_append_new(run->rep->problems,
				      json_pack("{s:I, s:s, s:s}", "row", (json_int_t)run->line,
						"column", column ? column : "", "reason", reason));
}

static const char *col_name(enum import_kind k, int i)
{
	const char *n = columns[k][i];
	return n[0] == '*' ? n + 1 : n;
}

/* The value of column name in the current row, "" when absent. */
static const char *val(struct run *run, const char *name)
{
	for (int i = 0; columns[run->o->kind][i]; i++)
		if (strcmp(col_name(run->o->kind, i), name) == 0)
			return run->index[i] >= 0 ? run->c->fields[run->index[i]] : "";
	return "";
}

static const char *opt(struct run *run, const char *name)
{
	const char *v = val(run, name);
	return *v ? v : NULL;
}

static int read_header(struct run *run)
{
	enum import_kind k = run->o->kind;
	for (int i = 0; columns[k][i]; i++)
		run->index[i] = -1;
	for (size_t f = 0; f < run->c->nfields; f++) {
		const char *h = run->c->fields[f];
		int found = -1;
		for (int i = 0; columns[k][i]; i++)
			if (strcmp(col_name(k, i), h) == 0)
				found = i;
		if (found < 0) {
			char why[160];
			snprintf(why, sizeof(why), "unknown column '%.40s'", h);
			problem(run, h, why);
			return RC_VALIDATION_FAILED;
		}
		if (run->index[found] >= 0) {
			problem(run, h, "the column appears twice");
			return RC_VALIDATION_FAILED;
		}
		run->index[found] = (int)f;
	}
	for (int i = 0; columns[k][i]; i++)
		if (columns[k][i][0] == '*' && run->index[i] < 0) {
			problem(run, col_name(k, i), "a required column is missing");
			return RC_VALIDATION_FAILED;
		}
	return RC_OK;
}

/* The grid of the row, checked against the caller's scope. */
static int row_grid(struct run *run)
{
	const char *code = val(run, "grid_code");
	if (strcmp(code, run->grid_code) == 0 && run->grid_id != 0)
		return RC_OK;
	sqlite3_stmt *st = db_stmt(run->db, "SELECT id FROM org WHERE code = ? AND level = 'grid'");
	if (st == NULL)
		return RC_INTERNAL;
	db_bind_text(st, 1, code);
	int64_t id = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	if (id == 0 || (run->o->p != NULL &&
			principal_scope(run->o->p, PERM_REGISTRY_IMPORT, code, NULL) != RC_OK)) {
		problem(run, "grid_code", "no such grid in your area");
		return RC_NOT_FOUND;
	}
	run->grid_id = id;
	snprintf(run->grid_code, sizeof(run->grid_code), "%s", code);
	return RC_OK;
}

static bool number_or_empty(struct run *run, const char *column, json_t **out,
			    const char *(*check)(const json_t *))
{
	const char *s = val(run, column);
	*out = NULL;
	if (*s == '\0')
		return true;
	char *end = NULL;
	double d = strtod(s, &end);
	if (end == s || *end != '\0') {
		problem(run, column, "must be a number");
		return false;
	}
	*out = json_real(d);
	const char *why = check ? check(*out) : NULL;
	if (why != NULL) {
		problem(run, column, why);
		json_decref(*out);
		*out = NULL;
		return false;
	}
	return true;
}

static const char *check_lon(const json_t *v)
{
	double x = json_real_value(v);
	return x >= -180 && x <= 180 ? NULL : "a longitude lies from -180 to 180";
}

static const char *check_lat(const json_t *v)
{
	double x = json_real_value(v);
	return x >= -90 && x <= 90 ? NULL : "a latitude lies from -90 to 90";
}

static const char *check_area(const json_t *v)
{
	double x = json_real_value(v);
	return x > 0 && x < 100000 ? NULL : "an area is a number of square metres above 0";
}

/* The address of the row, created with its building when missing. */
static int row_address(struct run *run, int64_t *address_id)
{
	json_t *lon = NULL, *lat = NULL;
	if (run->o->kind == IMPORT_ADDRESSES &&
	    (!number_or_empty(run, "lon", &lon, check_lon) || !number_or_empty(run, "lat", &lat, check_lat))) {
		json_decref(lon);
		json_decref(lat);
		return RC_VALIDATION_FAILED;
	}
	struct building_in b = {run->grid_id, run->grid_code, val(run, "street"), val(run, "number"),
				val(run, "building"), lon, lat};
	int64_t building;
	bool created;
	int rc = building_ensure(run->db, &b, run->o->who, &building, &created);
	json_decref(lon);
	json_decref(lat);
	if (rc == RC_OK)
		rc = address_ensure(run->db, building, val(run, "unit"), val(run, "room"), run->o->who,
				    address_id, &created);
	if (rc == RC_OK && created)
		run->rep->addresses++;
	if (rc != RC_OK)
		problem(run, NULL, "database error");
	return rc;
}

static int row_house(struct run *run, int64_t address_id)
{
	json_t *area = NULL;
	if (!number_or_empty(run, "area", &area, check_area))
		return RC_VALIDATION_FAILED;
	struct house_in in = {area, val(run, "use"), val(run, "ownership"), val(run, "occupancy"), NULL};
	int rc = RC_OK;
	if (!one_of(in.use, HOUSE_USES))
		problem(run, "use", "not a known use"), rc = RC_VALIDATION_FAILED;
	if (!one_of(in.ownership, OWNERSHIPS))
		problem(run, "ownership", "not a known ownership"), rc = RC_VALIDATION_FAILED;
	if (!one_of(in.occupancy, OCCUPANCIES))
		problem(run, "occupancy", "owner_occupied, rented or vacant"), rc = RC_VALIDATION_FAILED;
	int64_t id;
	if (rc == RC_OK) {
		rc = house_insert(run->db, address_id, run->grid_code, &in, run->o->who, &id);
		if (rc == RC_CONFLICT)
			problem(run, "room", "this address has a house record already");
		else if (rc != RC_OK)
			problem(run, NULL, "database error");
		else
			run->rep->created++;
	}
	json_decref(area);
	return rc;
}

static int household_for(struct run *run, int64_t address_id, const char *number, int64_t *id)
{
	sqlite3_stmt *st = db_stmt(run->db, "SELECT id FROM households WHERE address_id = ? AND number = ?");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, address_id);
	db_bind_text(st, 2, number);
	int src = sqlite3_step(st);
	if (src == SQLITE_ROW)
		*id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (src == SQLITE_ROW)
		return RC_OK;
	struct location loc;
	int rc = registry_locate(run->db, 0, address_id, &loc);
	if (rc == RC_OK)
		rc = household_insert(run->db, &loc, number, run->o->who, id);
	if (rc == RC_OK)
		run->rep->households++;
	return rc;
}

/* "living_alone;disabled:physical:2" */
static int row_tags(struct run *run, int64_t resident_id)
{
	char buf[512];
	snprintf(buf, sizeof(buf), "%s", val(run, "tags"));
	int rc = RC_OK;
	for (char *save = NULL, *tok = strtok_r(buf, ";", &save); tok && rc == RC_OK;
	     tok = strtok_r(NULL, ";", &save)) {
		char *colon = strchr(tok, ':');
		json_t *attrs = NULL;
		if (colon != NULL) {
			*colon = '\0';
			char *grade = strchr(colon + 1, ':');
			if (grade != NULL)
				*grade++ = '\0';
			int64_t g = 0;
			attrs = json_pack("{s:s, s:I}", "type", colon + 1, "grade",
					  (json_int_t)(grade && str_to_i64(grade, &g) ? g : 0));
		}
		const struct tag_def *def = tag_find(tok);
		const char *why = def == NULL ? "not a known tag" : tag_check_attrs(def, attrs);
		if (why == NULL && run->o->p != NULL && !tag_visible(run->o->p, def, run->grid_code))
			why = "your roles may not record this tag";
		if (why != NULL) {
			char msg[200];
			snprintf(msg, sizeof(msg), "%.40s: %s", tok, why);
			problem(run, "tags", msg);
			rc = RC_VALIDATION_FAILED;
		} else {
			rc = resident_tag_set(run->db, resident_id, def->name, attrs, NULL, run->o->who);
			if (rc != RC_OK)
				problem(run, "tags", "database error");
		}
		json_decref(attrs);
	}
	return rc;
}

static int row_resident(struct run *run, int64_t address_id)
{
	int64_t household;
	int rc = household_for(run, address_id, val(run, "household_number"), &household);
	if (rc != RC_OK) {
		problem(run, "household_number", "database error");
		return rc;
	}
	struct resident_in in = {
		.name = val(run, "name"),
		.gender = val(run, "gender"),
		.birth_date = val(run, "birth_date"),
		.id_type = val(run, "id_type"),
		.id_number = val(run, "id_number"),
		.phone = opt(run, "phone"),
		.ethnicity = opt(run, "ethnicity"),
		.residence_type = val(run, "residence_type"),
		.employment = opt(run, "employment"),
		.relation = opt(run, "relation"),
		.moved_in_on = opt(run, "moved_in_on"),
	};
	struct location loc;
	rc = registry_locate(run->db, household, 0, &loc);
	if (rc != RC_OK)
		return rc;
	struct refusal no = {0};
	int64_t id;
	rc = resident_insert(run->db, &in, &loc, run->o->who, &id, &no);
	if (rc != RC_OK) {
		problem(run, no.field, no.why ? no.why : "database error");
		return rc;
	}
	run->rep->created++;
	if (in.relation == NULL || strcmp(in.relation, "self") == 0) {
		rc = household_claim_head(run->db, household, id, run->o->who);
		if (rc != RC_OK)
			return rc;
	}
	return *val(run, "tags") ? row_tags(run, id) : RC_OK;
}

static int row_unit(struct run *run, int64_t address_id)
{
	struct unit_in in = {val(run, "name"), opt(run, "credit_code"), val(run, "type"),
			     opt(run, "contact_name"), opt(run, "phone"), address_id};
	int rc = RC_OK;
	const char *why;
	if (utf8_count(in.name, strlen(in.name)) > 100)
		problem(run, "name", "a name has at most 100 characters"), rc = RC_VALIDATION_FAILED;
	if (!one_of(in.type, UNIT_TYPES))
		problem(run, "type", "not a known unit type"), rc = RC_VALIDATION_FAILED;
	if (in.credit_code && (why = check_credit_code(in.credit_code)) != NULL)
		problem(run, "credit_code", why), rc = RC_VALIDATION_FAILED;
	if (in.phone && (why = check_mobile(in.phone)) != NULL)
		problem(run, "phone", why), rc = RC_VALIDATION_FAILED;
	if (rc != RC_OK)
		return rc;
	int64_t id;
	rc = unit_insert(run->db, &in, run->grid_code, run->o->who, &id);
	if (rc == RC_CONFLICT)
		problem(run, "credit_code", "a unit with this credit code is registered already");
	else if (rc != RC_OK)
		problem(run, NULL, "database error");
	else
		run->rep->created++;
	return rc;
}

static void one_row(struct run *run)
{
	for (size_t f = 0; f < run->c->nfields; f++)
		if (utf8_count(run->c->fields[f], strlen(run->c->fields[f])) < 0) {
			problem(run, NULL, "the row is not valid UTF-8");
			return;
		}
	enum import_kind k = run->o->kind;
	for (int i = 0; columns[k][i]; i++)
		if (columns[k][i][0] == '*' && *val(run, col_name(k, i)) == '\0')
			problem(run, col_name(k, i), "is required");
	if (run->row_bad || row_grid(run) != RC_OK)
		return;
	int64_t address;
	if (row_address(run, &address) != RC_OK)
		return;
	switch (k) {
	case IMPORT_ADDRESSES: break;
	case IMPORT_HOUSES: row_house(run, address); break;
	case IMPORT_RESIDENTS: row_resident(run, address); break;
	case IMPORT_UNITS: row_unit(run, address); break;
	}
}

int import_csv(struct db *db, FILE *f, const struct import_opts *o, struct import_report *rep)
{
	memset(rep, 0, sizeof(*rep));
	rep->problems = json_array();
	struct csv c;
	csv_open(&c, f);
	struct run run = {.db = db, .o = o, .rep = rep, .c = &c};
	int got = csv_next(&c);
	run.line = c.line;
	if (got != 1) {
		problem(&run, NULL, got == 0 ? "the file is empty" : c.error);
		csv_close(&c);
		return RC_VALIDATION_FAILED;
	}
	int rc = read_header(&run);
	if (rc != RC_OK) {
		csv_close(&c);
		return rc;
	}
	rep->bad_rows = 0; /* the header is not a row */
	rc = db_begin(db);
	if (rc != RC_OK) {
		csv_close(&c);
		return rc;
	}
	while ((got = csv_next(&c)) != 0) {
		run.line = c.line;
		run.row_bad = false;
		if (got < 0) {
			rep->rows++;
			problem(&run, NULL, c.error);
			continue;
		}
		if (c.nfields == 1 && c.fields[0][0] == '\0')
			continue;
		rep->rows++;
		one_row(&run);
		if (o->progress && rep->rows % 10000 == 0)
			o->progress(rep->rows);
	}
	csv_close(&c);
	if (rep->bad_rows == 0 && !o->dry_run && rep->rows > 0) {
		rep->ready = true;
		return RC_OK;
	}
	db_rollback(db);
	return RC_OK;
}
