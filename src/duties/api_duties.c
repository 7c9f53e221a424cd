/*
 * HTTP handlers of duty lists, the banned-certificate list and the
 * certificate desk.  Each change is one transaction with its audit record.
 * Nothing a public route answers names a person: lists carry their owner
 * node and body only, banned entries their scope node.
 */
#include "duties/api_duties.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "auth/audit.h"
#include "core/calendar.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/str.h"
#include "duties/certificates.h"
#include "duties/duty_edit.h"
#include "duties/lists.h"
#include "http/export.h"
#include "http/request.h"

/* ---- declared inputs ---- */

static const char *const kinds[] = {"power", "community", NULL};
static const char *const list_statuses[] = {"draft", "published", NULL};
static const char *const cert_statuses[] = {"issued", "refused", NULL};
static const char *const formats[] = {"csv", "xlsx", NULL};

static const char *keywords_check(const json_t *v)
{
	return duty_keywords_problem(json_string_value(v));
}

const struct field duty_public_query[] = {
	{"kind", FT_ENUM, 0, 0, 0, kinds, NULL, "power or community (default both)"},
	{"org", FT_STRING, 0, 2, 12, NULL, NULL,
	 "a division code: lists owned on its path and below it"},
	{0},
};

const struct field duty_in_force_query[] = {
	{"kind", FT_ENUM, FIELD_REQUIRED, 0, 0, kinds, NULL, NULL},
	{"code", FT_STRING, FIELD_REQUIRED, 0, 15, NULL, NULL,
	 "the community (or any node): the nearest owner above it wins"},
	{"body", FT_STRING, 0, 0, 64, NULL, NULL, "the body of a power list"},
	{"day", FT_DATE, 0, 0, 0, NULL, NULL, "YYYY-MM-DD (default today)"},
	{0},
};

const struct field duty_diff_query[] = {
	{"from", FT_ID, FIELD_REQUIRED, 0, 0, NULL, NULL,
	 "the earlier published version to compare with"},
	{0},
};

const struct field banned_public_query[] = {
	{"code", FT_STRING, 0, 2, 15, NULL, NULL,
	 "only what applies at this node (national and local above it)"},
	{0},
};

const struct field banned_check_query[] = {
	{"name", FT_STRING, FIELD_REQUIRED, 1, 64, NULL, NULL, "the certificate asked for"},
	{"code", FT_STRING, 0, 2, 15, NULL, NULL, "the community (local entries above it count)"},
	{0},
};

const struct field duty_scope_query[] = {
	{"status", FT_ENUM, 0, 0, 0, list_statuses, NULL, "draft or published (default both)"},
	{0},
};

const struct field duty_create_body[] = {
	{"kind", FT_ENUM, FIELD_REQUIRED, 0, 0, kinds, NULL,
	 "power: a body's list; community: the three lists of communities"},
	{"org_id", FT_ID, FIELD_REQUIRED, 0, 0, NULL, NULL,
	 "the owner: a county or town (power); a county, town or community (community)"},
	{"body", FT_STRING, 0, 0, 64, NULL, NULL,
	 "power lists: the department or town the list is of"},
	{"copy_from", FT_ID, 0, 0, 0, NULL, NULL,
	 "a published version of the same kind whose items the draft starts with"},
	{"note", FT_STRING, 0, 0, 500, NULL, NULL, "what changes in this version"},
	{0},
};

const struct field duty_update_body[] = {
	{"note", FT_STRING, FIELD_REQUIRED, 0, 500, NULL, NULL, "what changes in this version"},
	{0},
};

#define ITEM_FIELDS(req)                                                                     \
	{"section", FT_STRING, req, 1, 16, NULL, NULL,                                       \
	 "power: licensing, penalty, inspection, service, other; community: by_law, "       \
	 "assisted, negative"},                                                              \
		{"title", FT_STRING, req, 1, 200, NULL, NULL, NULL},                         \
		{"title_en", FT_STRING, 0, 0, 300, NULL, NULL, NULL},                        \
		{"legal_basis", FT_STRING, 0, 0, 1000, NULL, NULL, NULL},                    \
		{"responsible", FT_STRING, 0, 0, 200, NULL, NULL, "the responsible body"},   \
		{"cooperating", FT_STRING, 0, 0, 200, NULL, NULL, "cooperating bodies"},     \
		{"community_role", FT_STRING, 0, 0, 200, NULL, NULL,                         \
		 "what the community does in it"},                                           \
		{"keywords", FT_STRING, 0, 0, 500, NULL, keywords_check,                     \
		 "words separated by '|' that match work-access requests"}

const struct field duty_item_body[] = {ITEM_FIELDS(FIELD_REQUIRED), {0}};
const struct field duty_item_update_body[] = {ITEM_FIELDS(0), {0}};

const struct field duty_import_query[] = {
	{"dry_run", FT_BOOL, 0, 0, 0, NULL, NULL, "check every row, change nothing"},
	{0},
};

const struct field duty_publish_body[] = {
	{"effective_from", FT_DATE, FIELD_REQUIRED, 0, 0, NULL, NULL,
	 "YYYY-MM-DD: today or later, not before the version in force started"},
	{"note", FT_STRING, 0, 0, 500, NULL, NULL, NULL},
	{0},
};

const struct field duty_export_query[] = {
	{"format", FT_ENUM, FIELD_REQUIRED, 0, 0, formats, NULL, NULL},
	{0},
};

const struct field banned_body[] = {
	{"org_id", FT_ID, FIELD_REQUIRED, 0, 0, NULL, NULL,
	 "the node whose communities the entry applies to"},
	{"name", FT_STRING, FIELD_REQUIRED, 1, 64, NULL, NULL, NULL},
	{"name_en", FT_STRING, FIELD_REQUIRED, 1, 128, NULL, NULL, NULL},
	{"keywords", FT_STRING, FIELD_REQUIRED, 1, 500, NULL, keywords_check,
	 "words separated by '|' matched against the certificate asked for"},
	{"go_to", FT_STRING, FIELD_REQUIRED, 1, 500, NULL, NULL, "where the resident goes instead"},
	{"go_to_en", FT_STRING, FIELD_REQUIRED, 1, 500, NULL, NULL, NULL},
	{"basis", FT_STRING, 0, 0, 500, NULL, NULL, "the local document"},
	{0},
};

const struct field cert_list_query[] = {
	{"status", FT_ENUM, 0, 0, 0, cert_statuses, NULL, "issued or refused (default both)"},
	{"org", FT_STRING, 0, 2, 12, NULL, NULL, "only under this node (in your scope)"},
	PAGE_QUERY,
	{0},
};

const struct field cert_body[] = {
	{"resident_id", FT_ID, FIELD_REQUIRED, 0, 0, NULL, NULL, "a resident in your scope"},
	{"title", FT_STRING, 0, 1, 64, NULL, NULL,
	 "the certificate asked for, as the resident names it (default: the template's name)"},
	{"template_id", FT_ID, 0, 0, 0, NULL, NULL, "the template it is issued from"},
	{"purpose", FT_STRING, FIELD_REQUIRED, 1, 100, NULL, NULL, "what it is needed for"},
	{"content", FT_STRING, 0, 1, 2000, NULL, NULL,
	 "what the committee found (required with a template)"},
	{0},
};

/* ---- helpers ---- */

static const char *id_text(struct req *r, int64_t id)
{
	return arena_printf(&r->arena, "%lld", (long long)id);
}

static const char *today_text(struct req *r)
{
	char *d = arena_alloc(&r->arena, 11);
	calendar_date_of(calendar_day_at(clock_now_ms()), d);
	return d;
}

static int org_of(struct req *r, int64_t id, char code[16], char *name, size_t nlen)
{
	sqlite3_stmt *st = db_stmt(r->db, "SELECT code, name FROM org WHERE id = ?");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	int rc = RC_NOT_FOUND;
	if (sqlite3_step(st) == SQLITE_ROW) {
		snprintf(code, 16, "%s", db_col_text(st, 0));
		if (name != NULL)
			snprintf(name, nlen, "%s", db_col_text(st, 1));
		rc = RC_OK;
	}
	sqlite3_reset(st);
	return rc;
}

static int reply_list(struct req *r, int status, int64_t id, bool items)
{
	json_t *o;
	int rc = duty_list_json(r->db, id, items, today_text(r), &o);
	return rc == RC_OK ? req_reply(r, status, o) : req_fail(r, rc, NULL, NULL);
}

/* A published version of path parameter 0 (drafts are not public). */
static int published_param(struct req *r, struct duty_list *l)
{
	if (r->ids[0] == 0 || duty_list_get(r->db, r->ids[0], l) != RC_OK || !l->published)
		return req_fail(r, RC_NOT_FOUND, NULL, "no such published list");
	return RC_OK;
}

/* The version of path parameter 0 for duty.publish: drafts only in
 * scope of their owner; a published version is public anyway. */
static int list_param(struct req *r, struct duty_list *l, bool draft_only)
{
	if (r->ids[0] == 0 || duty_list_get(r->db, r->ids[0], l) != RC_OK)
		return req_fail(r, RC_NOT_FOUND, NULL, NULL);
	if (!l->published || draft_only) {
		/* The national default (owner '') is nobody's to change. */
		int rc = l->owner_code[0] ? req_scope(r, PERM_DUTY_PUBLISH, l->owner_code)
					  : req_fail(r, RC_NOT_FOUND, NULL, NULL);
		if (rc != RC_OK)
			return rc;
	}
	if (draft_only && l->published)
		return req_fail(r, RC_INVALID_STATE, NULL,
				"a published version never changes: create a new draft");
	return RC_OK;
}

/* ---- public reads ---- */

int api_duty_public_lists(struct req *r)
{
	json_t *items;
	int rc = duty_lists_public_json(r->db, q_str(r, "kind"), q_str(r, "org"), today_text(r),
					&items);
	return rc == RC_OK ? req_reply(r, 200, json_pack("{s:o}", "items", items)) : rc;
}

int api_duty_public_in_force(struct req *r)
{
	const char *day = q_str(r, "day") ? q_str(r, "day") : today_text(r);
	if (strlen(day) != 10)
		return req_fail(r, RC_VALIDATION_FAILED, "day", "a day YYYY-MM-DD");
	int64_t id;
	int rc = duty_list_in_force(r->db, q_str(r, "kind"), q_str(r, "code"), q_str(r, "body"),
				    day, &id);
	if (rc != RC_OK)
		return rc;
	if (id == 0)
		return req_fail(r, RC_NOT_FOUND, NULL, "no list in force there on that day");
	return reply_list(r, 200, id, true);
}

int api_duty_public_get(struct req *r)
{
	struct duty_list l;
	int rc = published_param(r, &l);
	return rc == RC_OK ? reply_list(r, 200, l.id, true) : rc;
}

int api_duty_public_versions(struct req *r)
{
	struct duty_list l;
	int rc = published_param(r, &l);
	if (rc != RC_OK)
		return rc;
	json_t *items;
	rc = duty_versions_json(r->db, l.id, today_text(r), &items);
	return rc == RC_OK ? req_reply(r, 200, json_pack("{s:o}", "items", items)) : rc;
}

int api_duty_public_diff(struct req *r)
{
	struct duty_list to, from;
	int rc = published_param(r, &to);
	if (rc != RC_OK)
		return rc;
	if (duty_list_get(r->db, q_int(r, "from", 0), &from) != RC_OK || !from.published)
		return req_fail(r, RC_VALIDATION_FAILED, "from", "no such published version");
	if (strcmp(from.kind, to.kind) != 0)
		return req_fail(r, RC_VALIDATION_FAILED, "from", "a list of the same kind");
	json_t *a, *b;
	rc = duty_list_json(r->db, from.id, true, today_text(r), &a);
	if (rc != RC_OK)
		return rc;
	rc = duty_list_json(r->db, to.id, true, today_text(r), &b);
	if (rc != RC_OK) {
		json_decref(a);
		return rc;
	}
	json_t *d = duty_diff(json_object_get(a, "items"), json_object_get(b, "items"));
	json_object_del(a, "items");
	json_object_del(b, "items");
	json_object_set_new(d, "from", a);
	json_object_set_new(d, "to", b);
	return req_reply(r, 200, d);
}

int api_banned_public_list(struct req *r)
{
	json_t *items;
	int rc = banned_list_json(r->db, q_str(r, "code"), &items);
	return rc == RC_OK ? req_reply(r, 200, json_pack("{s:o}", "items", items)) : rc;
}

int api_banned_public_check(struct req *r)
{
	json_t *m;
	int rc = banned_certificate_match(r->db, q_str(r, "code") ? q_str(r, "code") : "",
					  q_str(r, "name"), &m);
	if (rc != RC_OK)
		return rc;
	return req_reply(r, 200,
			 json_pack("{s:b, s:o}", "banned", m != NULL, "entry", m ? m : json_null()));
}

/* ---- drafts and publishing ---- */

int api_duty_lists_scope(struct req *r)
{
	const char *roots = principal_roots(r->who, PERM_DUTY_PUBLISH, &r->arena);
	if (roots == NULL)
		return req_fail(r, RC_FORBIDDEN, NULL, NULL);
	json_t *items;
	int rc = duty_lists_scope_json(r->db, roots, q_str(r, "status"), today_text(r), &items);
	return rc == RC_OK ? req_reply(r, 200, json_pack("{s:o}", "items", items)) : rc;
}

int api_duty_lists_create(struct req *r)
{
	char code[16], name[128];
	if (org_of(r, in_int(r, "org_id", 0), code, name, sizeof(name)) != RC_OK)
		return req_fail(r, RC_VALIDATION_FAILED, "org_id", "no such node");
	int rc = req_scope(r, PERM_DUTY_PUBLISH, code);
	if (rc != RC_OK)
		return rc;
	const char *kind = in_str(r, "kind");
	const char *body = in_str(r, "body") ? in_str(r, "body") : "";
	size_t len = strlen(code);
	if (strcmp(kind, "power") == 0) {
		/* A county department's list is owned by the county; a town's
		 * by the town, and it is the town's own. */
		if (len != 6 && len != 9)
			return req_fail(r, RC_VALIDATION_FAILED, "org_id", "a county or a town");
		if (len == 9 && body[0] == '\0')
			body = arena_strdup(&r->arena, name);
		if (body[0] == '\0')
			return req_fail(r, RC_VALIDATION_FAILED, "body",
					"the department the list is of");
	} else {
		if (len != 6 && len != 9 && len != 12)
			return req_fail(r, RC_VALIDATION_FAILED, "org_id",
					"a county, a town or a community");
		if (body[0] != '\0')
			return req_fail(r, RC_VALIDATION_FAILED, "body",
					"community lists are of the communities, not of a body");
	}
	int64_t copy = in_int(r, "copy_from", 0);
	if (copy != 0) {
		struct duty_list src;
		if (duty_list_get(r->db, copy, &src) != RC_OK || !src.published)
			return req_fail(r, RC_VALIDATION_FAILED, "copy_from",
					"no such published version");
		if (strcmp(src.kind, kind) != 0)
			return req_fail(r, RC_VALIDATION_FAILED, "copy_from",
					"a list of the same kind");
	}
	rc = req_tx_begin(r);
	if (rc != RC_OK)
		return rc;
	int64_t id = 0;
	rc = duty_draft_create(r->db, kind, code, body, copy, r->who->user_id, &id);
	if (rc == RC_CONFLICT)
		req_fail(r, rc, "org_id", "this list has a draft already: edit or discard it");
	if (rc == RC_OK && in_str(r, "note") != NULL) {
		sqlite3_stmt *st = db_stmt(r->db, "UPDATE duty_lists SET note = ? WHERE id = ?");
		db_bind_text(st, 1, in_str(r, "note"));
		sqlite3_bind_int64(st, 2, id);
		rc = db_step_done(r->db, st);
	}
	if (rc == RC_OK)
		rc = req_audit(r, NULL, "duty_list", id_text(r, id), in_int(r, "org_id", 0),
			       json_pack("{s:s, s:s, s:s, s:I}", "kind", kind, "owner", code,
					 "body", body, "copy_from", (json_int_t)copy));
	rc = req_tx_end(r, rc);
	return rc == RC_OK ? reply_list(r, 201, id, true) : rc;
}

int api_duty_lists_get(struct req *r)
{
	struct duty_list l;
	int rc = list_param(r, &l, false);
	return rc == RC_OK ? reply_list(r, 200, l.id, true) : rc;
}

int api_duty_lists_update(struct req *r)
{
	struct duty_list l;
	int rc = list_param(r, &l, true);
	if (rc != RC_OK)
		return rc;
	rc = req_tx_begin(r);
	if (rc != RC_OK)
		return rc;
	sqlite3_stmt *st = db_stmt(r->db, "UPDATE duty_lists SET note = ? WHERE id = ?");
	if (st == NULL)
		return req_tx_end(r, RC_INTERNAL);
	db_bind_text(st, 1, in_str(r, "note"));
	sqlite3_bind_int64(st, 2, l.id);
	rc = db_step_one(r->db, st);
	if (rc == RC_OK)
		rc = req_audit(r, NULL, "duty_list", r->params[0], 0, json_incref(r->in));
	rc = req_tx_end(r, rc);
	return rc == RC_OK ? reply_list(r, 200, l.id, true) : rc;
}

int api_duty_lists_delete(struct req *r)
{
	struct duty_list l;
	int rc = list_param(r, &l, true);
	if (rc != RC_OK)
		return rc;
	rc = req_tx_begin(r);
	if (rc != RC_OK)
		return rc;
	rc = duty_draft_delete(r->db, l.id);
	if (rc == RC_OK)
		rc = req_audit(r, NULL, "duty_list", r->params[0], 0, NULL);
	rc = req_tx_end(r, rc);
	return rc == RC_OK ? req_reply(r, 204, NULL) : rc;
}

/* The item fields of the body; the section checked against kind. */
static int item_in(struct req *r, const char *kind, struct duty_item_in *in)
{
	*in = (struct duty_item_in){in_str(r, "section"),     in_str(r, "title"),
				    in_str(r, "title_en"),    in_str(r, "legal_basis"),
				    in_str(r, "responsible"), in_str(r, "cooperating"),
				    in_str(r, "community_role"), in_str(r, "keywords")};
	if (in->section != NULL) {
		in->section = duty_section_parse(kind, in->section);
		if (in->section == NULL)
			return req_fail(r, RC_VALIDATION_FAILED, "section",
					strcmp(kind, "power") == 0
						? "licensing, penalty, inspection, service or other"
						: "by_law, assisted or negative");
	}
	return RC_OK;
}

static int item_change(struct req *r, int (*change)(struct req *, struct duty_list *,
						     struct duty_item_in *, int64_t *))
{
	struct duty_list l;
	int rc = list_param(r, &l, true);
	if (rc != RC_OK)
		return rc;
	struct duty_item_in in;
	rc = item_in(r, l.kind, &in);
	if (rc != RC_OK)
		return rc;
	rc = req_tx_begin(r);
	if (rc != RC_OK)
		return rc;
	int64_t item = r->ids[1];
	rc = change(r, &l, &in, &item);
	if (rc == RC_CONFLICT)
		req_fail(r, rc, "title", "the section has this item already");
	if (rc == RC_OK)
		rc = req_audit(r, NULL, "duty_list", r->params[0], 0,
			       json_pack("{s:I, s:O}", "item", (json_int_t)item, "changes",
					 r->in ? r->in : json_null()));
	rc = req_tx_end(r, rc);
	return rc == RC_OK ? reply_list(r, r->route->ok_status, l.id, true) : rc;
}

static int do_add(struct req *r, struct duty_list *l, struct duty_item_in *in, int64_t *item)
{
	(void)r;
	return duty_item_add(r->db, l->id, in, item);
}

static int do_update(struct req *r, struct duty_list *l, struct duty_item_in *in, int64_t *item)
{
	int rc = duty_item_update(r->db, l->id, *item, in);
	return rc == RC_NOT_FOUND ? req_fail(r, rc, NULL, "no such item in this list") : rc;
}

static int do_delete(struct req *r, struct duty_list *l, struct duty_item_in *in, int64_t *item)
{
	(void)in;
	int rc = duty_item_delete(r->db, l->id, *item);
	return rc == RC_NOT_FOUND ? req_fail(r, rc, NULL, "no such item in this list") : rc;
}

int api_duty_items_add(struct req *r)
{
	return item_change(r, do_add);
}

int api_duty_items_update(struct req *r)
{
	return item_change(r, do_update);
}

int api_duty_items_delete(struct req *r)
{
	return item_change(r, do_delete);
}

int api_duty_lists_import(struct req *r)
{
	struct duty_list l;
	int rc = list_param(r, &l, true);
	if (rc != RC_OK)
		return rc;
	const char *ct = req_header(r, "Content-Type");
	if (ct == NULL || strncasecmp(ct, "text/csv", 8) != 0)
		return req_fail(r, RC_UNSUPPORTED_MEDIA_TYPE, NULL, "send the file as text/csv");
	bool dry = json_is_true(json_object_get(r->query, "dry_run"));
	FILE *f = fmemopen(r->body ? r->body : (char *)"", r->body_len, "r");
	if (f == NULL)
		return RC_INTERNAL;
	/* Read and check inside the transaction: with every row good the
	 * items are replaced and committed with the audit record, with any
	 * bad row nothing changes. */
	rc = req_tx_begin(r);
	if (rc != RC_OK) {
		fclose(f);
		return rc;
	}
	struct duty_import_report rep;
	rc = duty_import_csv(r->db, l.id, l.kind, f, dry, &rep);
	fclose(f);
	if (rc != RC_OK) {
		json_t *first = json_array_get(rep.problems, 0);
		if (rc == RC_VALIDATION_FAILED)
			req_fail(r, rc, json_string_value(json_object_get(first, "column")), "%s",
				 json_string_value(json_object_get(first, "reason")));
		json_decref(rep.problems);
		return req_tx_end(r, rc);
	}
	bool committed = !dry && rep.bad_rows == 0;
	if (!committed) {
		db_rollback(r->db);
		rc = req_tx_begin(r);
	}
	if (rc == RC_OK)
		rc = req_audit(r, "duty_list.import", "duty_list", r->params[0], 0,
			       json_pack("{s:b, s:I, s:I, s:b}", "dry_run", dry, "rows",
					 (json_int_t)rep.rows, "bad_rows", (json_int_t)rep.bad_rows,
					 "committed", committed));
	rc = req_tx_end(r, rc);
	if (rc != RC_OK) {
		json_decref(rep.problems);
		return rc;
	}
	return req_reply(r, 200,
			 json_pack("{s:I, s:b, s:I, s:I, s:b, s:o}", "list_id", (json_int_t)l.id,
				   "dry_run", dry, "rows", (json_int_t)rep.rows, "bad_rows",
				   (json_int_t)rep.bad_rows, "committed", committed, "problems",
				   rep.problems));
}

int api_duty_lists_publish(struct req *r)
{
	struct duty_list l;
	int rc = list_param(r, &l, true);
	if (rc != RC_OK)
		return rc;
	const char *from = in_str(r, "effective_from");
	char last[11];
	if (strlen(from) != 10)
		return req_fail(r, RC_VALIDATION_FAILED, "effective_from", "a day YYYY-MM-DD");
	if (strcmp(from, today_text(r)) < 0)
		return req_fail(r, RC_VALIDATION_FAILED, "effective_from",
				"today or later: a list is not published into the past");
	rc = duty_last_effective(r->db, l.id, last);
	if (rc != RC_OK)
		return rc;
	if (strcmp(from, last) < 0)
		return req_fail(r, RC_VALIDATION_FAILED, "effective_from",
				"not before %s, when the latest published version starts", last);
	rc = req_tx_begin(r);
	if (rc != RC_OK)
		return rc;
	rc = duty_draft_publish(r->db, l.id, from, in_str(r, "note"), r->who->user_id);
	if (rc == RC_INVALID_STATE)
		req_fail(r, rc, NULL, "a list without items is not published");
	if (rc == RC_OK)
		rc = req_audit(r, NULL, "duty_list", r->params[0], 0,
			       json_pack("{s:s, s:s, s:s, s:I}", "kind", l.kind, "owner",
					 l.owner_code, "effective_from", from, "version",
					 (json_int_t)l.version));
	rc = req_tx_end(r, rc);
	return rc == RC_OK ? reply_list(r, 200, l.id, true) : rc;
}

int api_duty_lists_export(struct req *r)
{
	struct duty_list l;
	if (r->ids[0] == 0 || duty_list_get(r->db, r->ids[0], &l) != RC_OK)
		return req_fail(r, RC_NOT_FOUND, NULL, NULL);
	if (!l.published) {
		int rc = l.owner_code[0] ? req_scope(r, PERM_DUTY_PUBLISH, l.owner_code)
					 : req_fail(r, RC_NOT_FOUND, NULL, NULL);
		if (rc != RC_OK)
			return rc;
	}
	json_t *o;
	int rc = duty_list_json(r->db, l.id, true, today_text(r), &o);
	if (rc != RC_OK)
		return rc;
	struct export_ctx x = {.r = r,
			       .columns = duty_csv_columns,
			       .xlsx = strcmp(q_str(r, "format"), "xlsx") == 0,
			       .audit = json_pack("{s:I}", "list_id", (json_int_t)l.id)};
	rc = export_open(&x, "duties");
	size_t i;
	json_t *row;
	json_array_foreach(json_object_get(o, "items"), i, row) if (rc == RC_OK)
		export_row(&x, row);
	json_decref(o);
	return export_send(r, &x, rc,
			   arena_printf(&r->arena, "duty-list-%lld-v%lld", (long long)l.id,
					(long long)l.version),
			   "duty_list");
}

/* ---- the banned list, locally ---- */

int api_banned_add(struct req *r)
{
	char code[16];
	if (org_of(r, in_int(r, "org_id", 0), code, NULL, 0) != RC_OK)
		return req_fail(r, RC_VALIDATION_FAILED, "org_id", "no such node");
	int rc = req_scope(r, PERM_DUTY_PUBLISH, code);
	if (rc != RC_OK)
		return rc;
	if (strlen(code) > 12)
		return req_fail(r, RC_VALIDATION_FAILED, "org_id", "a county, town or community");
	rc = req_tx_begin(r);
	if (rc != RC_OK)
		return rc;
	int64_t id = 0;
	rc = banned_add(r->db, code, in_str(r, "name"), in_str(r, "name_en"),
			in_str(r, "keywords"), in_str(r, "go_to"), in_str(r, "go_to_en"),
			in_str(r, "basis"), r->who->user_id, &id);
	if (rc == RC_OK)
		rc = req_audit(r, NULL, "banned_certificate", id_text(r, id),
			       in_int(r, "org_id", 0), json_incref(r->in));
	rc = req_tx_end(r, rc);
	if (rc != RC_OK)
		return rc;
	json_t *items;
	rc = banned_list_json(r->db, code, &items);
	if (rc != RC_OK)
		return rc;
	json_t *mine = NULL;
	size_t i;
	json_t *v;
	json_array_foreach(items, i, v) if (json_integer_value(json_object_get(v, "id")) == id)
		mine = json_incref(v);
	json_decref(items);
	return mine ? req_reply(r, 201, mine) : RC_INTERNAL;
}

int api_banned_delete(struct req *r)
{
	char code[16];
	if (r->ids[0] == 0 || banned_scope(r->db, r->ids[0], code) != RC_OK)
		return req_fail(r, RC_NOT_FOUND, NULL, NULL);
	if (code[0] == '\0')
		return req_fail(r, RC_INVALID_STATE, NULL,
				"the national list is not changed locally");
	int rc = req_scope(r, PERM_DUTY_PUBLISH, code);
	if (rc != RC_OK)
		return rc;
	rc = req_tx_begin(r);
	if (rc != RC_OK)
		return rc;
	rc = banned_delete(r->db, r->ids[0]);
	if (rc == RC_OK)
		rc = req_audit(r, NULL, "banned_certificate", r->params[0], 0, NULL);
	rc = req_tx_end(r, rc);
	return rc == RC_OK ? req_reply(r, 204, NULL) : rc;
}

/* ---- the certificate desk ---- */

int api_cert_templates(struct req *r)
{
	/* Templates of every node the caller issues at: national ones and
	 * local ones above the caller's first community. */
	const char *code = "";
	for (size_t i = 0; r->who && i < r->who->ngrants; i++)
		if (strlen(r->who->grants[i].org_code) > strlen(code) &&
		    principal_scope(r->who, PERM_CERTIFICATE_ISSUE, r->who->grants[i].org_code,
				    NULL) == RC_OK)
			code = r->who->grants[i].org_code;
	json_t *items;
	int rc = cert_templates_json(r->db, code, &items);
	return rc == RC_OK ? req_reply(r, 200, json_pack("{s:o}", "items", items)) : rc;
}

int api_cert_list(struct req *r)
{
	const char *roots = principal_roots(r->who, PERM_CERTIFICATE_ISSUE, &r->arena);
	if (roots == NULL)
		return req_fail(r, RC_FORBIDDEN, NULL, NULL);
	if (q_str(r, "org") != NULL) {
		int rc = req_scope(r, PERM_CERTIFICATE_ISSUE, q_str(r, "org"));
		if (rc != RC_OK)
			return rc;
		json_t *one = json_pack("[s]", q_str(r, "org"));
		char *text = json_dumps(one, JSON_COMPACT);
		roots = arena_strdup(&r->arena, text);
		free(text);
		json_decref(one);
	}
	struct page p = req_page(r);
	json_t *items;
	int64_t total;
	int rc = cert_list_json(r->db, roots, q_str(r, "status"), p.limit, p.offset, &items, &total);
	if (rc != RC_OK)
		return rc;
	/* The register names residents: a read of personal data. */
	req_audit_read(r, "certificate.list", "certificate", "", 0,
		       json_pack("{s:I, s:O}", "rows", (json_int_t)json_array_size(items),
				 "filter", r->query ? r->query : json_null()));
	return req_reply(r, 200, page_json(items, total, p));
}

int api_cert_get(struct req *r)
{
	char code[16];
	if (r->ids[0] == 0 || cert_code(r->db, r->ids[0], code) != RC_OK)
		return req_fail(r, RC_NOT_FOUND, NULL, NULL);
	int rc = req_scope(r, PERM_CERTIFICATE_ISSUE, code);
	if (rc != RC_OK)
		return rc;
	json_t *o;
	rc = cert_json(r->db, r->ids[0], &o);
	if (rc != RC_OK)
		return rc;
	req_audit_read(r, "certificate.read", "certificate", r->params[0], 0, NULL);
	return req_reply(r, 200, o);
}

struct resident_row {
	char code[16];
	char name[128];
	char status[16];
};

static int resident_of(struct req *r, int64_t id, struct resident_row *out)
{
	sqlite3_stmt *st = db_stmt(r->db, "SELECT code, name, status FROM residents WHERE id = ?");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	int rc = RC_NOT_FOUND;
	if (sqlite3_step(st) == SQLITE_ROW) {
		snprintf(out->code, sizeof(out->code), "%s", db_col_text(st, 0));
		snprintf(out->name, sizeof(out->name), "%s", db_col_text(st, 1));
		snprintf(out->status, sizeof(out->status), "%s", db_col_text(st, 2));
		rc = RC_OK;
	}
	sqlite3_reset(st);
	return rc;
}

/* Record the refusal (the burden ledger counts it), audit it with the
 * result certificate_banned, commit, and answer with that error naming
 * the rule and where the resident goes instead. */
static int refuse(struct req *r, const char *community, int64_t resident_id, const char *title,
		  json_t *rule)
{
	int rc = req_tx_begin(r);
	if (rc != RC_OK)
		return rc;
	int64_t rule_id = json_integer_value(json_object_get(rule, "id")), id = 0;
	rc = cert_insert_refused(r->db, community, resident_id, title, rule_id, in_str(r, "purpose"),
				 r->who->user_id, &id);
	if (rc == RC_OK) {
		json_t *detail = json_pack("{s:I, s:s, s:I, s:s}", "resident_id",
					   (json_int_t)resident_id, "title", title, "rule",
					   (json_int_t)rule_id, "community", community);
		struct audit_entry e = {
			.actor_id = r->who->user_id,
			.actor_name = r->who->username,
			.role = principal_role_for(r->who, PERM_CERTIFICATE_ISSUE),
			.action = "certificate.issue",
			.object_type = "certificate",
			.object_id = id_text(r, id),
			.result = rc_info(RC_CERTIFICATE_BANNED)->code,
			.client_ip = r->client_ip,
			.request_id = r->request_id,
			.detail = detail,
		};
		rc = audit_append(r->db, &e);
		json_decref(detail);
		if (rc == RC_OK)
			r->audited = true;
	}
	rc = req_tx_end(r, rc);
	if (rc != RC_OK)
		return rc;
	const char *basis = json_string_value(json_object_get(rule, "basis"));
	return req_fail(r, RC_CERTIFICATE_BANNED, "title",
			"%s：村（居）民委员会不出具此类证明%s%s%s。请到：%s（%s: %s）",
			json_string_value(json_object_get(rule, "name")), basis[0] ? "（" : "",
			basis, basis[0] ? "）" : "", json_string_value(json_object_get(rule, "go_to")),
			json_string_value(json_object_get(rule, "name_en")),
			json_string_value(json_object_get(rule, "go_to_en")));
}

int api_cert_create(struct req *r)
{
	struct resident_row res;
	int64_t resident_id = in_int(r, "resident_id", 0);
	if (resident_of(r, resident_id, &res) != RC_OK)
		return req_fail(r, RC_VALIDATION_FAILED, "resident_id", "no such resident");
	int rc = req_scope(r, PERM_CERTIFICATE_ISSUE, res.code);
	if (rc != RC_OK)
		return rc;
	if (strcmp(res.status, "active") != 0)
		return req_fail(r, RC_VALIDATION_FAILED, "resident_id",
				"the resident has moved out or died: the committee no longer"
				" knows them first-hand");
	/* The desk is the resident's community: the register runs there. */
	char community[16];
	snprintf(community, sizeof(community), "%.12s", res.code);
	char tname[128] = "";
	char *tpl = NULL;
	int64_t template_id = in_int(r, "template_id", 0);
	if (template_id != 0 &&
	    cert_template_get(r->db, template_id, community, tname, sizeof(tname), &tpl) != RC_OK)
		return req_fail(r, RC_VALIDATION_FAILED, "template_id", "no such template here");
	const char *title = in_str(r, "title") ? in_str(r, "title") : tname;
	if (title[0] == '\0') {
		free(tpl);
		return req_fail(r, RC_VALIDATION_FAILED, "title", "name the certificate asked for");
	}
	/* The banned list first: what the resident asks for, and what the
	 * template would issue. */
	json_t *rule = NULL;
	rc = banned_certificate_match(r->db, community, title, &rule);
	if (rc == RC_OK && rule == NULL && tname[0])
		rc = banned_certificate_match(r->db, community, tname, &rule);
	if (rc != RC_OK) {
		free(tpl);
		return rc;
	}
	if (rule != NULL) {
		free(tpl);
		rc = refuse(r, community, resident_id, title, rule);
		json_decref(rule);
		return rc;
	}
	if (tpl == NULL)
		return req_fail(r, RC_VALIDATION_FAILED, "template_id",
				"choose a template: the committee issues only the statements it"
				" has templates for");
	if (in_str(r, "content") == NULL) {
		free(tpl);
		return req_fail(r, RC_VALIDATION_FAILED, "content",
				"what the committee found first-hand");
	}
	char cname[128] = "", date[32], regno[48];
	sqlite3_stmt *st = db_stmt(r->db, "SELECT name FROM org WHERE code = ?");
	if (st != NULL) {
		db_bind_text(st, 1, community);
		if (sqlite3_step(st) == SQLITE_ROW)
			snprintf(cname, sizeof(cname), "%s", db_col_text(st, 0));
		sqlite3_reset(st);
	}
	const char *today = today_text(r);
	cert_date_text(today, date, sizeof(date));
	rc = req_tx_begin(r);
	if (rc != RC_OK) {
		free(tpl);
		return rc;
	}
	int64_t seq = 0, id = 0;
	rc = cert_next_seq(r->db, community, atoi(today), &seq);
	char *text = NULL;
	if (rc == RC_OK) {
		cert_register_no(community, atoi(today), seq, regno, sizeof(regno));
		struct cert_values v = {cname, res.name, in_str(r, "content"), in_str(r, "purpose"),
					date, regno};
		text = cert_render(tpl, &v);
		rc = cert_insert_issued(r->db, community, resident_id, title, regno, text,
					template_id, in_str(r, "purpose"), r->who->user_id, &id);
	}
	free(text);
	free(tpl);
	if (rc == RC_OK)
		rc = req_audit(r, NULL, "certificate", id_text(r, id), 0,
			       json_pack("{s:I, s:s, s:s, s:I}", "resident_id",
					 (json_int_t)resident_id, "title", title, "register_no",
					 regno, "template_id", (json_int_t)template_id));
	rc = req_tx_end(r, rc);
	if (rc != RC_OK)
		return rc;
	json_t *o;
	rc = cert_json(r->db, id, &o);
	return rc == RC_OK ? req_reply(r, 201, o) : rc;
}
