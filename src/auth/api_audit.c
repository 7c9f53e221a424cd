/*
 * The auditor's view of the audit log.
 */
#include <string.h>

#include "auth/api_auth.h"
#include "core/clock.h"

int api_audit_list(struct req *r)
{
	struct page p = req_page(r);
	struct audit_filter f = {
		.actor_id = q_int(r, "actor_id", 0),
		.actor_name = q_str(r, "actor"),
		.action = q_str(r, "action"),
		.object_type = q_str(r, "object_type"),
		.object_id = q_str(r, "object_id"),
		.result = q_str(r, "result"),
		.limit = p.limit,
		.offset = p.offset,
	};
	int64_t t;
	if (q_str(r, "from") && clock_parse_iso(q_str(r, "from"), &t) == 0)
		f.from_ms = t * 1000;
	if (q_str(r, "to") && clock_parse_iso(q_str(r, "to"), &t) == 0)
		f.to_ms = t * 1000 + (strlen(q_str(r, "to")) == 10 ? 86400 * 1000 : 0);
	json_t *items;
	int64_t total;
	bool capped;
	int rc = audit_list(r->db, &f, &items, &total, &capped);
	if (rc != RC_OK)
		return rc;
	json_t *page = page_json(items, total, p);
	json_object_set_new(page, "total_capped", json_boolean(capped));
	return req_reply(r, 200, page);
}

int api_audit_verify(struct req *r)
{
	struct audit_check c;
	int rc = audit_verify(r->db, &c, 0, NULL);
	if (rc != RC_OK)
		return rc;
	json_t *o = json_pack("{s:b, s:I, s:I, s:s}", "intact", c.bad_id == 0, "records",
			      (json_int_t)c.records, "head_id", (json_int_t)c.head_id, "head_hash",
			      c.head_hash);
	if (c.bad_id) {
		json_object_set_new(o, "first_broken_id", json_integer(c.bad_id));
		json_object_set_new(o, "reason", json_string(c.why));
	}
	return req_reply(r, 200, o);
}
