/*
 * Operational endpoints.
 */
#include "http/api_system.h"

#include <stdlib.h>
#include <string.h>

#include "auth/session.h"
#include "core/str.h"
#include "db/migrate.h"
#include "http/metrics.h"
#include "http/openapi.h"

#ifndef GRASSROOTS_VERSION
#define GRASSROOTS_VERSION "0.0.0"
#endif

int api_healthz(struct req *r)
{
	sqlite3_stmt *st = db_stmt(r->db, "SELECT 1");
	if (st == NULL || sqlite3_step(st) != SQLITE_ROW)
		return req_fail(r, RC_UNAVAILABLE, NULL, "the database does not answer");
	return req_reply(r, 200,
			 json_pack("{s:s, s:s, s:i}", "status", "ok", "version", GRASSROOTS_VERSION,
				   "schema", migrate_current(r->db)));
}

int api_metrics(struct req *r)
{
	struct sbuf b = {0};
	metrics_render(&b, session_count_active(r->db, r->cfg->session_idle_s));
	size_t len = b.len;
	return req_reply_raw(r, 200, "text/plain; version=0.0.4; charset=utf-8", sbuf_steal(&b),
			     len, true);
}

int api_openapi(struct req *r)
{
	return req_reply(r, 200, openapi_document());
}

int api_roles(struct req *r)
{
	json_t *items = json_array();
	for (int i = 0; i < ROLE__COUNT; i++) {
		const struct role_def *d = role_def((enum role)i);
		json_t *perms = json_array(), *levels = json_array();
		for (int p = 1; p < PERM__COUNT; p++)
			if (d->perms & (UINT64_C(1) << p))
				json_array_append_new(perms, json_string(perm_name((enum perm)p)));
		for (int l = 0; l < LEVEL__COUNT; l++)
			if (d->levels & (1u << l))
				json_array_append_new(levels,
						      json_string(level_name((enum level)l)));
		json_array_append_new(items,
				      json_pack("{s:s, s:b, s:o, s:o}", "role", d->name, "admin",
						d->admin, "permissions", perms, "levels", levels));
	}
	return req_reply(r, 200, json_pack("{s:o}", "items", items));
}
