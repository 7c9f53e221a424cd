/*
 * Request helpers used by handlers.
 */
#include "http/request.h"

#include "auth/audit_reads.h"
#include "core/calendar.h"
#include "core/clock.h"

#include <microhttpd.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int req_fail(struct req *r, int rc, const char *field, const char *fmt, ...)
{
	r->rc = rc;
	r->err_field = field ? arena_strdup(&r->arena, field) : NULL;
	if (fmt != NULL) {
		va_list ap;
		va_start(ap, fmt);
		r->err_message = arena_vprintf(&r->arena, fmt, ap);
		va_end(ap);
	} else {
		r->err_message = NULL;
	}
	return rc;
}

const char REQ_JSON_TYPE[] = "application/json; charset=utf-8";

int req_reply(struct req *r, int status, json_t *body_new)
{
	if (r->out != NULL)
		json_decref(r->out);
	r->status = status;
	r->out = body_new;
	r->rc = RC_OK;
	return RC_OK;
}

int req_reply_raw(struct req *r, int status, const char *type, const void *data, size_t len,
		  bool owned)
{
	r->status = status;
	r->raw = data;
	r->raw_len = len;
	r->raw_owned = owned;
	r->raw_type = type;
	r->rc = RC_OK;
	return RC_OK;
}

int req_reply_json_text(struct req *r, int status, char *text, size_t len)
{
	return req_reply_raw(r, status, REQ_JSON_TYPE, text, len, true);
}

void req_add_header(struct req *r, const char *name, const char *value)
{
	if (r->nhdrs == REQ_MAX_HEADERS)
		return;
	r->hdr_name[r->nhdrs] = arena_strdup(&r->arena, name);
	r->hdr_value[r->nhdrs] = arena_strdup(&r->arena, value);
	r->nhdrs++;
}

const char *req_header(struct req *r, const char *name)
{
	if (r->conn == NULL)
		return NULL;
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

const char *in_str(struct req *r, const char *name)
{
	json_t *v = r->in ? json_object_get(r->in, name) : NULL;
	return json_is_string(v) ? json_string_value(v) : NULL;
}

int64_t in_int(struct req *r, const char *name, int64_t dflt)
{
	json_t *v = r->in ? json_object_get(r->in, name) : NULL;
	return json_is_integer(v) ? (int64_t)json_integer_value(v) : dflt;
}

bool in_bool(struct req *r, const char *name, bool dflt)
{
	json_t *v = r->in ? json_object_get(r->in, name) : NULL;
	return json_is_boolean(v) ? json_is_true(v) : dflt;
}

bool in_has(struct req *r, const char *name)
{
	return r->in != NULL && json_object_get(r->in, name) != NULL;
}

json_t *in_json(struct req *r, const char *name)
{
	return r->in ? json_object_get(r->in, name) : NULL;
}

const char *q_str(struct req *r, const char *name)
{
	json_t *v = r->query ? json_object_get(r->query, name) : NULL;
	return json_is_string(v) ? json_string_value(v) : NULL;
}

int64_t q_int(struct req *r, const char *name, int64_t dflt)
{
	json_t *v = r->query ? json_object_get(r->query, name) : NULL;
	return json_is_integer(v) ? (int64_t)json_integer_value(v) : dflt;
}

struct page req_page(struct req *r)
{
	struct page p = {q_int(r, "limit", 50), q_int(r, "offset", 0)};
	return p;
}

json_t *page_json(json_t *items_new, int64_t total, struct page p)
{
	return json_pack("{s:o, s:I, s:I, s:I}", "items", items_new, "total", (json_int_t)total,
			 "limit", (json_int_t)p.limit, "offset", (json_int_t)p.offset);
}

int req_audit(struct req *r, const char *action, const char *object_type, const char *object_id,
	      int64_t org_id, json_t *detail_new)
{
	struct audit_entry e = {
		.actor_id = r->who ? r->who->user_id : 0,
		.actor_name = r->who ? r->who->username : r->actor_name ? r->actor_name : "",
		.role = r->acting_role
				? r->acting_role
				: principal_role_for(r->who, r->route ? r->route->perm : PERM_NONE),
		.action = action ? action
				 : (r->route && r->route->action ? r->route->action : "request"),
		.object_type = object_type,
		.object_id = object_id,
		.org_id = org_id,
		.result = "ok",
		.client_ip = r->client_ip,
		.request_id = r->request_id,
		.detail = detail_new,
	};
	int rc = audit_append(r->db, &e);
	json_decref(detail_new);
	if (rc == RC_OK)
		r->audited = true;
	return rc;
}

int req_scope(struct req *r, enum perm perm, const char *code)
{
	const char *role = NULL;
	int rc = principal_scope(r->who, perm, code, &role);
	if (rc == RC_OK) {
		r->acting_role = role;
		return RC_OK;
	}
	if (rc == RC_FORBIDDEN)
		return req_fail(r, rc, NULL, "your role at this node does not allow %s",
				perm_name(perm));
	return req_fail(r, RC_NOT_FOUND, NULL, NULL);
}

int req_tx_begin(struct req *r)
{
	return db_begin(r->db);
}

int req_tx_end(struct req *r, int rc)
{
	if (rc == RC_OK)
		rc = db_commit(r->db);
	else
		db_rollback(r->db);
	if (rc != RC_OK)
		r->audited = false;
	return rc;
}

int req_audit_read(struct req *r, const char *action, const char *object_type,
		   const char *object_id, int64_t org_id, json_t *detail_new)
{
	struct audit_entry e = {
		.actor_id = r->who ? r->who->user_id : 0,
		.actor_name = r->who ? r->who->username : r->actor_name ? r->actor_name : "",
		.role = r->acting_role ? r->acting_role
				       : principal_role_for(r->who, r->route ? r->route->perm : PERM_NONE),
		.action = action,
		.object_type = object_type,
		.object_id = object_id,
		.org_id = org_id,
		.result = "ok",
		.client_ip = r->client_ip,
		.request_id = r->request_id,
		.detail = detail_new,
	};
	int rc = audit_reads_add(r->db, &e);
	json_decref(detail_new);
	return rc;
}

int req_report_period(struct req *r, enum perm perm, bool year, struct report_period *out)
{
	const char *org = q_str(r, "org");
	if (org == NULL) {
		const char *roots = principal_roots(r->who, perm, &r->arena);
		json_t *arr = roots ? json_loads(roots, 0, NULL) : NULL;
		if (json_array_size(arr) == 1 && json_string_length(json_array_get(arr, 0)) > 0)
			org = arena_strdup(&r->arena, json_string_value(json_array_get(arr, 0)));
		json_decref(arr);
		if (org == NULL)
			return req_fail(r, RC_VALIDATION_FAILED, "org",
					"name the node (org) to report on");
	}
	int rc = req_scope(r, perm, org);
	if (rc != RC_OK)
		return rc;
	char today[11], first[11];
	calendar_date_of(calendar_day_at(clock_now_ms()), today);
	if (year)
		snprintf(first, sizeof(first), "%.4s-01-01", today);
	else
		snprintf(first, sizeof(first), "%.8s01", today);
	int32_t d0 = calendar_day_of(q_str(r, "from") ? q_str(r, "from") : first);
	int32_t d1 = q_str(r, "to") ? calendar_day_of(q_str(r, "to")) : calendar_day_of(today);
	if (d0 == INT32_MIN)
		return req_fail(r, RC_VALIDATION_FAILED, "from", "a day YYYY-MM-DD");
	if (d1 == INT32_MIN || d1 < d0)
		return req_fail(r, RC_VALIDATION_FAILED, "to", "a day YYYY-MM-DD, not before from");
	out->from_ms = ((int64_t)d0 * 86400 - CLOCK_CIVIL_OFFSET_S) * 1000;
	out->to_ms = ((int64_t)(d1 + 1) * 86400 - CLOCK_CIVIL_OFFSET_S) * 1000;
	out->code = org;
	size_t len = strlen(org);
	out->area_len = len <= 4 ? (int)len + 2 : len == 6 ? 9 : len == 9 ? 12 : 15;
	return RC_OK;
}

int req_reply_report(struct req *r, json_t *o_new, const char *code, int64_t from_ms, int64_t to_ms)
{
	char from[11], to[11];
	calendar_date_of(calendar_day_at(from_ms), from);
	calendar_date_of(calendar_day_at(to_ms) - 1, to);
	json_object_set_new(o_new, "org", json_string(code));
	json_object_set_new(o_new, "from", json_string(from));
	json_object_set_new(o_new, "to", json_string(to));
	return req_reply(r, 200, o_new);
}
