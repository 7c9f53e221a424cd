/*
 * Import and export handlers.  An export is a read of personal data: it
 * is audited (with the filter, the row count and, when numbers are shown in
 * clear, the reason) before the file is sent.  Numbers are masked unless
 * the caller holds registry.unmask for the whole scope and asks for clear
 * numbers with a reason.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/secure.h"
#include "core/str.h"
#include "http/export.h"
#include "org/org.h"
#include "registry/api_registry.h"
#include "registry/import.h"
#include "registry/people.h"
#include "registry/tags.h"
#include "registry/validate.h"

static const char *const resident_columns[] = {
	"id",           "name",    "gender",    "birth_date",     "age",        "id_type",
	"id_number",    "phone",   "ethnicity", "residence_type", "employment", "relation",
	"household_id", "address", "grid",      "status",         "tags",       NULL};

/* Resident cells: tags as a list, numbers in clear when allowed. */
static void resident_cell(struct export_ctx *x, json_t *row, const char *col, char *out, size_t len)
{
	out[0] = '\0';
	if (strcmp(col, "tags") == 0) {
		size_t i;
		json_t *t;
		json_array_foreach(json_object_get(row, "tags"), i, t)
		{
			size_t n = strlen(out);
			snprintf(out + n, len - n, "%s%s", i ? ";" : "",
				 json_string_value(json_object_get(t, "tag")));
		}
		return;
	}
	if (x->user != NULL && (strcmp(col, "id_number") == 0 || strcmp(col, "phone") == 0)) {
		char idn[64], ph[32];
		if (resident_unmask(x->r->db, json_integer_value(json_object_get(row, "id")), idn,
				    sizeof(idn), ph, sizeof(ph)) == RC_OK)
			snprintf(out, len, "%s", col[0] == 'i' ? idn : ph);
		else
			snprintf(out, len, "?");
		sec_wipe(idn, sizeof(idn));
		sec_wipe(ph, sizeof(ph));
		return;
	}
	export_cell(row, strcmp(col, "grid") == 0 ? "grid_name" : col, out, len);
}

/* The export filter: the list filter without paging. */
static int export_filter(struct req *r, struct resident_filter *f)
{
	memset(f, 0, sizeof(*f));
	int rc = registry_list_roots(r, PERM_REGISTRY_EXPORT, &f->roots);
	if (rc != RC_OK)
		return rc;
	f->tag = q_str(r, "tag");
	f->residence_type = q_str(r, "residence_type");
	f->status = q_str(r, "status") ? q_str(r, "status") : "active";
	if (strcmp(f->status, "any") == 0)
		f->status = NULL;
	f->age_min = (int)q_int(r, "age_min", -1);
	f->age_max = (int)q_int(r, "age_max", -1);
	f->limit = -1;
	if (q_str(r, "q") != NULL) {
		bool active = f->status != NULL && strcmp(f->status, "active") == 0;
		char *m = search_match(q_str(r, "q"), registry_effective_roots(r->db, f->roots),
				       active);
		if (m == NULL)
			return req_fail(r, RC_VALIDATION_FAILED, "q", "type part of a name");
		f->match = arena_strdup(&r->arena, m);
		free(m);
	}
	if (f->tag) {
		json_error_t err;
		json_t *roots = json_loads(f->roots, 0, &err);
		const struct tag_def *def = tag_find(f->tag);
		size_t i;
		json_t *v;
		bool ok = def != NULL;
		json_array_foreach(roots, i, v) ok =
			ok && tag_visible(r->who, def, json_string_value(v));
		json_decref(roots);
		if (!ok)
			return req_fail(r, RC_FORBIDDEN, "tag", "your roles may not see this tag");
	}
	return RC_OK;
}

/* Clear numbers need registry.unmask over every subtree exported. */
static int unmask_allowed(struct req *r, const char *roots)
{
	json_error_t err;
	json_t *arr = json_loads(roots, 0, &err);
	size_t i;
	json_t *v;
	int rc = RC_OK;
	json_array_foreach(arr, i, v) if (rc == RC_OK &&
					  principal_scope(r->who, PERM_REGISTRY_UNMASK,
							  json_string_value(v), NULL) != RC_OK) rc =
		RC_FORBIDDEN;
	json_decref(arr);
	return rc;
}

int api_residents_export(struct req *r)
{
	struct resident_filter f;
	int rc = export_filter(r, &f);
	if (rc != RC_OK)
		return rc;
	struct export_ctx x = {.r = r,
			       .columns = resident_columns,
			       .xlsx = strcmp(q_str(r, "format"), "xlsx") == 0,
			       .cell = resident_cell};
	bool unmask = json_is_true(json_object_get(r->query, "unmask"));
	if (unmask) {
		if (q_str(r, "reason") == NULL)
			return req_fail(r, RC_VALIDATION_FAILED, "reason",
					"clear numbers need a reason (recorded in the audit log)");
		if (unmask_allowed(r, f.roots) != RC_OK)
			return req_fail(r, RC_FORBIDDEN, "unmask",
					"your roles may not see clear numbers in all of this area");
	}
	x.user = unmask ? &x : NULL; /* any non-NULL: numbers in clear */
	x.audit = json_pack("{s:b, s:s?}", "unmasked", unmask, "reason", q_str(r, "reason"));
	rc = export_open(&x, "residents");
	if (rc == RC_OK)
		rc = residents_each(r->db, &f, r->who, export_row, &x);
	return export_send(r, &x, rc, "residents", "resident");
}

/* Buildings, addresses, houses, households and units: the list's filters,
 * every row in scope (masked numbers only). */
static int list_export(struct req *r, const struct list_kind *k)
{
	const char *roots;
	int rc = registry_list_roots(r, PERM_REGISTRY_EXPORT, &roots);
	if (rc != RC_OK)
		return rc;
	struct export_ctx x = {.r = r,
			       .columns = k->columns,
			       .xlsx = strcmp(q_str(r, "format"), "xlsx") == 0,
			       .audit = json_pack("{s:b}", "unmasked", false)};
	rc = export_open(&x, k->name);
	struct list_rows rows = {.each = export_row, .ctx = &x};
	json_t *none = NULL;
	int64_t total = 0;
	if (rc == RC_OK)
		rc = k->fetch(r, roots, &rows, &none, &total);
	return export_send(r, &x, rc, k->name, k->object_type);
}

int api_buildings_export(struct req *r)
{
	return list_export(r, &list_buildings);
}

int api_addresses_export(struct req *r)
{
	return list_export(r, &list_addresses);
}

int api_houses_export(struct req *r)
{
	return list_export(r, &list_houses);
}

int api_households_export(struct req *r)
{
	return list_export(r, &list_households);
}

int api_units_export(struct req *r)
{
	return list_export(r, &list_units);
}

int api_registry_import(struct req *r)
{
	int kind = import_kind_from(r->params[0]);
	if (kind < 0)
		return req_fail(r, RC_NOT_FOUND, NULL,
				"import addresses, houses, residents or units");
	const char *ct = req_header(r, "Content-Type");
	if (ct == NULL || strncasecmp(ct, "text/csv", 8) != 0)
		return req_fail(r, RC_UNSUPPORTED_MEDIA_TYPE, NULL, "send the file as text/csv");
	FILE *f = fmemopen(r->body ? r->body : (char *)"", r->body_len, "r");
	if (f == NULL)
		return RC_INTERNAL;
	struct actor who = {r->who->user_id, r->who->username};
	bool dry = json_is_true(json_object_get(r->query, "dry_run"));
	struct import_opts o = {
		.kind = (enum import_kind)kind, .dry_run = dry, .who = &who, .p = r->who};
	struct import_report rep;
	int rc = import_csv(r->db, f, &o, &rep);
	fclose(f);
	if (rc != RC_OK) {
		json_t *first = json_array_get(rep.problems, 0);
		req_fail(r, rc == RC_VALIDATION_FAILED ? rc : RC_INTERNAL,
			 json_string_value(json_object_get(first, "column")), "%s",
			 first ? json_string_value(json_object_get(first, "reason"))
			       : "import failed");
		json_decref(rep.problems);
		return r->rc;
	}
	json_t *detail = json_pack("{s:s, s:b, s:I, s:I, s:I}", "kind", r->params[0], "dry_run",
				   dry, "rows", (json_int_t)rep.rows, "bad_rows",
				   (json_int_t)rep.bad_rows, "created", (json_int_t)rep.created);
	/* A real import commits with its audit record; otherwise the record
	 * says what was checked. */
	if (!rep.ready)
		rc = req_tx_begin(r);
	if (rc == RC_OK)
		rc = req_audit(r, NULL, "import", r->params[0], 0, detail);
	else
		json_decref(detail);
	rc = req_tx_end(r, rc);
	if (rc != RC_OK) {
		json_decref(rep.problems);
		return rc;
	}
	return req_reply(r, 200,
			 json_pack("{s:s, s:b, s:I, s:I, s:I, s:I, s:I, s:b, s:o}", "kind",
				   r->params[0], "dry_run", dry, "rows", (json_int_t)rep.rows,
				   "bad_rows", (json_int_t)rep.bad_rows, "created",
				   (json_int_t)rep.created, "addresses", (json_int_t)rep.addresses,
				   "households", (json_int_t)rep.households, "committed", rep.ready,
				   "problems", rep.problems));
}
