/*
 * HTTP handlers of needs matched to providers: the rules, the coverage of a
 * node and the people of a rule.  A rule whose group tags the caller may not
 * see at the node is not shown to them, since being in need under it would
 * tell the tag.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/error.h"
#include "http/request.h"
#include "org/org.h"
#include "registry/tags.h"
#include "services/api_services.h"
#include "services/needs.h"
#include "services/services.h"

static const char *rules_ok(const json_t *v)
{
	const char *why = NULL;
	return service_rules_check(v, &why) ? why : NULL;
}

static const char *const need_status[] = {"all", "unserved", "overdue", NULL};

#define NEED_RULE_FIELDS(req)                                                                \
	{"name", FT_STRING, req, 1, 64, NULL, NULL, "name in Chinese"},                      \
		{"name_en", FT_STRING, req, 1, 120, NULL, NULL, "name in English"},          \
		{"conditions", FT_OBJECT, req, 0, 0, NULL, rules_ok,                         \
		 "who is in need: the eligibility format over registry facts"},              \
		{"item_id", FT_ID, FIELD_NULLABLE, 0, 0, NULL, NULL,                         \
		 "the service that meets the need (null: visits only)"},                     \
		{"visit_days", FT_INT, FIELD_NULLABLE, 1, 366, NULL, NULL,                   \
		 "a visit to the household every this many days (null: none)"}

const struct field need_rule_body[] = {
	{"code", FT_STRING, FIELD_REQUIRED, 3, 48, NULL, NULL, "stable code, e.g. elderly_alone"},
	NEED_RULE_FIELDS(FIELD_REQUIRED),
	{0},
};
const struct field need_rule_update_body[] = {
	NEED_RULE_FIELDS(0),
	{"active", FT_BOOL, 0, 0, 0, NULL, NULL, "an inactive rule finds nobody"},
	{0},
};
const struct field coverage_query[] = {
	{"org_id", FT_ID, 0, 0, 0, NULL, NULL, "the node (default: your own)"},
	{0},
};
const struct field needs_query[] = {
	{"rule_id", FT_ID, FIELD_REQUIRED, 0, 0, NULL, NULL, NULL},
	{"org_id", FT_ID, 0, 0, 0, NULL, NULL, "the node (default: your own)"},
	{"status", FT_ENUM, 0, 0, 0, need_status, NULL, "all (default), unserved or overdue"},
	PAGE_QUERY,
	{0},
};

/* The node asked for (in scope) or the caller's own: its code and name. */
static int need_node(struct req *r, struct org_node *node)
{
	int64_t id = q_int(r, "org_id", 0);
	if (id == 0) {
		const char *roots = principal_roots(r->who, PERM_NEED_READ, &r->arena);
		json_error_t e;
		json_t *a = roots ? json_loads(roots, 0, &e) : NULL;
		const char *first = json_string_value(json_array_get(a, 0));
		int rc = first && *first ? org_get_by_code(r->db, &r->arena,
							   arena_printf(&r->arena, "%s", first), node)
					 : RC_NOT_FOUND;
		json_decref(a);
		return rc == RC_OK ? RC_OK : req_fail(r, RC_NOT_FOUND, "org_id", "choose a node");
	}
	int rc = org_get(r->db, &r->arena, id, node);
	if (rc == RC_NOT_FOUND)
		return req_fail(r, rc, "org_id", "no such node");
	if (rc != RC_OK)
		return rc;
	return req_scope(r, PERM_NEED_READ, node->code);
}

/* May the caller see who is in need under rule at code? */
static bool rule_visible(struct req *r, const json_t *conditions, const char *code)
{
	const char *keys[] = {"tags_all", "tags_any"};
	for (int k = 0; k < 2; k++) {
		size_t i;
		json_t *tag;
		json_array_foreach(json_object_get(conditions, keys[k]), i, tag)
		{
			const struct tag_def *t = tag_find(json_string_value(tag));
			if (t == NULL || !tag_visible(r->who, t, code))
				return false;
		}
	}
	if (json_object_get(conditions, "disability_grade_max")) {
		const struct tag_def *t = tag_find("disabled");
		if (t == NULL || !tag_visible(r->who, t, code))
			return false;
	}
	return true;
}

int api_need_rules_list(struct req *r)
{
	json_t *all;
	int rc = need_rules_json(r->db, 0, &all);
	if (rc != RC_OK)
		return rc;
	/* Catalogue editors see every rule; others those they may use. */
	if (!principal_can(r->who, PERM_SERVICE_CATALOG)) {
		struct org_node node;
		const char *roots = principal_roots(r->who, PERM_NEED_READ, &r->arena);
		json_error_t e;
		json_t *a = roots ? json_loads(roots, 0, &e) : NULL;
		const char *first = json_string_value(json_array_get(a, 0));
		char code[16] = "";
		if (first && org_get_by_code(r->db, &r->arena, first, &node) == RC_OK)
			snprintf(code, sizeof(code), "%s", node.code);
		json_decref(a);
		json_t *kept = json_array();
		size_t i;
		json_t *rule;
		json_array_foreach(all, i, rule) if (code[0] &&
						     rule_visible(r, json_object_get(rule, "conditions"),
								  code)) json_array_append(kept, rule);
		json_decref(all);
		all = kept;
	}
	return req_reply(r, 200, json_pack("{s:o}", "items", all));
}

static int rule_saved(struct req *r, int status, int64_t id, int rc)
{
	if (rc == RC_CONFLICT)
		rc = req_fail(r, rc, "code", "a rule with this code exists");
	else if (rc == RC_NOT_FOUND)
		rc = req_fail(r, rc, NULL, NULL);
	if (rc == RC_OK)
		rc = req_audit(r, NULL, "need_rule", arena_printf(&r->arena, "%lld", (long long)id), 0,
			       json_incref(r->in));
	rc = req_tx_end(r, rc);
	if (rc != RC_OK)
		return rc;
	json_t *o;
	rc = need_rules_json(r->db, id, &o);
	return rc == RC_OK ? req_reply(r, status, o) : rc;
}

static int item_ok(struct req *r)
{
	json_t *item = in_json(r, "item_id");
	if (!json_is_integer(item))
		return RC_OK;
	struct service_item it;
	if (service_item_load(r->db, json_integer_value(item), &it) != RC_OK)
		return req_fail(r, RC_VALIDATION_FAILED, "item_id", "no such item");
	service_item_free(&it);
	return RC_OK;
}

int api_need_rules_create(struct req *r)
{
	int rc = item_ok(r);
	if (rc != RC_OK)
		return rc;
	if (!json_is_integer(in_json(r, "item_id")) && !json_is_integer(in_json(r, "visit_days")))
		return req_fail(r, RC_VALIDATION_FAILED, "item_id",
				"a need is met by a service, by visits or by both");
	int64_t id = 0;
	if ((rc = req_tx_begin(r)) != RC_OK)
		return rc;
	rc = need_rule_save(r->db, &id, r->in);
	return rule_saved(r, 201, id, rc);
}

int api_need_rules_update(struct req *r)
{
	int rc = item_ok(r);
	if (rc != RC_OK)
		return rc;
	int64_t id = r->ids[0];
	if ((rc = req_tx_begin(r)) != RC_OK)
		return rc;
	rc = need_rule_save(r->db, &id, r->in);
	/* The table refuses a rule met by neither a service nor visits. */
	if (rc == RC_CONFLICT)
		rc = req_fail(r, RC_VALIDATION_FAILED, "item_id",
			      "a need is met by a service, by visits or by both");
	return rule_saved(r, 200, id, rc);
}

static int child_len(const char *code)
{
	size_t n = strlen(code);
	return n == 6 ? 9 : n == 9 ? 12 : 15;
}

int api_needs_coverage(struct req *r)
{
	struct org_node node;
	int rc = need_node(r, &node);
	if (rc != RC_OK)
		return rc;
	json_t *rules;
	if ((rc = need_rules_json(r->db, 0, &rules)) != RC_OK)
		return rc;
	int64_t now = clock_now_ms();
	json_t *out = json_array();
	size_t i;
	json_t *rule;
	json_array_foreach(rules, i, rule)
	{
		if (rc != RC_OK)
			break;
		if (!json_is_true(json_object_get(rule, "active")) ||
		    !rule_visible(r, json_object_get(rule, "conditions"), node.code))
			continue;
		struct need_rule nr;
		if ((rc = need_rule_load(r->db, json_integer_value(json_object_get(rule, "id")),
					 &nr)) != RC_OK)
			break;
		json_t *rows = NULL;
		rc = needs_coverage(r->db, &nr, node.code, child_len(node.code), now, &rows);
		json_int_t tn = 0, ts = 0, to = 0;
		size_t k;
		json_t *row;
		json_array_foreach(rows, k, row)
		{
			const char *code = json_string_value(json_object_get(row, "code"));
			struct org_node child;
			bool known = org_get_by_code(r->db, &r->arena, code, &child) == RC_OK;
			json_object_set_new(row, "name", json_string(known ? child.name : code));
			json_object_set_new(row, "org_id", known ? json_integer(child.id) : json_null());
			if (nr.item_id)
				json_object_set_new(
					row, "free_places",
					json_integer(needs_free_places(r->db, nr.item_id, code, now,
								       now + 14LL * 86400000)));
			tn += json_integer_value(json_object_get(row, "in_need"));
			ts += json_integer_value(json_object_get(row, "served"));
			to += json_integer_value(json_object_get(row, "visit_overdue"));
		}
		if (rc == RC_OK) {
			json_t *o = json_deep_copy(rule);
			json_object_set_new(o, "rows", rows);
			json_object_set_new(o, "total",
					    json_pack("{s:I, s:I, s:I, s:I}", "in_need", tn, "served",
						      ts, "unserved", tn - ts, "visit_overdue", to));
			json_array_append_new(out, o);
		} else {
			json_decref(rows);
		}
		need_rule_free(&nr);
	}
	json_decref(rules);
	if (rc != RC_OK) {
		json_decref(out);
		return rc;
	}
	return req_reply(r, 200,
			 json_pack("{s:{s:I, s:s, s:s, s:s}, s:o}", "node", "id", (json_int_t)node.id,
				   "code", node.code, "name", node.name, "level", node.level,
				   "rules", out));
}

int api_needs_list(struct req *r)
{
	struct org_node node;
	int rc = need_node(r, &node);
	if (rc != RC_OK)
		return rc;
	struct need_rule nr;
	rc = need_rule_load(r->db, q_int(r, "rule_id", 0), &nr);
	if (rc == RC_NOT_FOUND || (rc == RC_OK && !rule_visible(r, nr.conditions, node.code))) {
		if (rc == RC_OK)
			need_rule_free(&nr);
		return req_fail(r, RC_NOT_FOUND, "rule_id", "no such rule");
	}
	if (rc != RC_OK)
		return rc;
	struct page pg = req_page(r);
	const char *status = q_str(r, "status") ? q_str(r, "status") : "all";
	json_t *items;
	int64_t total;
	rc = needs_people(r->db, &nr, node.code, status, clock_now_ms(), pg.limit, pg.offset, &items,
			  &total);
	need_rule_free(&nr);
	if (rc != RC_OK)
		return rc;
	req_audit_read(r, "need.people_read", "need_rule",
		       arena_printf(&r->arena, "%lld", (long long)q_int(r, "rule_id", 0)), 0,
		       json_pack("{s:s, s:s, s:I}", "org", node.code, "status", status, "people",
				 (json_int_t)json_array_size(items)));
	return req_reply(r, 200, page_json(items, total, pg));
}
