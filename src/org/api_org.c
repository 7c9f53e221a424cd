/*
 * Jurisdiction tree handlers.  Every node is loaded first and checked
 * against the caller's scope, so a node outside it answers 404 whatever the
 * route.
 */
#include "org/api_org.h"

#include <stdio.h>
#include <string.h>

#include "auth/users.h"
#include "core/str.h"
#include "org/geo.h"
#include "org/org.h"

const char *org_field_phone(const json_t *v)
{
	if (!json_is_string(v) || json_string_length(v) == 0)
		return NULL;
	return org_check_phone(json_string_value(v));
}

const char *org_field_code(const json_t *v)
{
	const char *s = json_string_value(v);
	if (s == NULL || !str_is_digits(s) || level_from_code(s) < 0)
		return "a code has 2, 4, 6, 9, 12 or 15 digits";
	return NULL;
}

/* Load the node of path parameter i and check perm on it. */
static int load_node(struct req *r, int i, enum perm perm, struct org_node *n)
{
	if (r->ids[i] == 0)
		return req_fail(r, RC_NOT_FOUND, NULL, NULL);
	int rc = org_get(r->db, &r->arena, r->ids[i], n);
	if (rc == RC_NOT_FOUND)
		return req_fail(r, rc, NULL, NULL);
	if (rc != RC_OK)
		return rc;
	return req_scope(r, perm, n->code);
}

static const char *id_str(struct req *r, int64_t id)
{
	return arena_printf(&r->arena, "%lld", (long long)id);
}

int api_orgs_list(struct req *r)
{
	struct page p = req_page(r);
	const char *roots = principal_roots(r->who, PERM_ORG_READ, &r->arena);
	json_t *items;
	int64_t total = 0;
	int rc;
	if (roots == NULL)
		return req_reply(r, 200, page_json(json_array(), 0, p));
	if (q_str(r, "q") == NULL && q_str(r, "code") == NULL && q_str(r, "level") == NULL) {
		/* No filter: the caller's starting points in the tree. */
		rc = org_roots_json(r->db, roots, &items);
		if (rc != RC_OK)
			return rc;
		total = (int64_t)json_array_size(items);
		return req_reply(r, 200, page_json(items, total, (struct page){total, 0}));
	}
	rc = org_search_json(r->db, roots, q_str(r, "q"), q_str(r, "code"), q_str(r, "level"),
			     p.limit, p.offset, &items, &total);
	if (rc != RC_OK)
		return rc;
	return req_reply(r, 200, page_json(items, total, p));
}

int api_orgs_get(struct req *r)
{
	struct org_node n;
	int rc = load_node(r, 0, PERM_ORG_READ, &n);
	if (rc != RC_OK)
		return rc;
	json_t *o = org_node_json(&n);
	const char *roots = principal_roots(r->who, PERM_ORG_READ, &r->arena);
	json_object_set_new(o, "ancestors", org_ancestors_json(r->db, n.code, roots));
	if (strcmp(n.level, "grid") == 0)
		json_object_set_new(o, "grid_workers", org_grid_workers_json(r->db, n.id));
	/* What the caller may do here, for the interface to offer. */
	static const enum perm here[] = {PERM_ORG_WRITE,       PERM_GRID_ASSIGN,     PERM_REGISTRY_READ,
					 PERM_REGISTRY_WRITE,  PERM_REGISTRY_UNMASK, PERM_REGISTRY_IMPORT,
					 PERM_REGISTRY_EXPORT, PERM_VISIT_WRITE};
	json_t *can = json_array();
	for (size_t i = 0; i < sizeof(here) / sizeof(here[0]); i++)
		if (principal_scope(r->who, here[i], n.code, NULL) == RC_OK)
			json_array_append_new(can, json_string(perm_name(here[i])));
	json_object_set_new(o, "my_permissions", can);
	return req_reply(r, 200, o);
}

int api_orgs_children(struct req *r)
{
	struct org_node n;
	int rc = load_node(r, 0, PERM_ORG_READ, &n);
	if (rc != RC_OK)
		return rc;
	struct page p = req_page(r);
	json_t *items;
	int64_t total;
	rc = org_children_json(r->db, n.id, p.limit, p.offset, &items, &total);
	if (rc != RC_OK)
		return rc;
	return req_reply(r, 200, page_json(items, total, p));
}

int api_orgs_child_boundaries(struct req *r)
{
	struct org_node n;
	int rc = load_node(r, 0, PERM_ORG_READ, &n);
	if (rc != RC_OK)
		return rc;
	return req_reply(r, 200, org_child_boundaries(r->db, n.id));
}

int api_orgs_create(struct req *r)
{
	struct org_node parent;
	int64_t parent_id = in_int(r, "parent_id", 0);
	int rc = org_get(r->db, &r->arena, parent_id, &parent);
	if (rc == RC_NOT_FOUND ||
	    (rc == RC_OK &&
	     principal_scope(r->who, PERM_ORG_READ, parent.code, NULL) == RC_NOT_FOUND))
		return req_fail(r, RC_VALIDATION_FAILED, "parent_id", "no such node");
	if (rc != RC_OK)
		return rc;
	if (req_scope(r, PERM_ORG_WRITE, parent.code) != RC_OK)
		return r->rc;
	if (strcmp(parent.level, "community") != 0)
		return req_fail(r, RC_VALIDATION_FAILED, "parent_id",
				"grids are created under a community or village");
	char *boundary = NULL;
	json_t *b = in_json(r, "boundary");
	if (b != NULL && !json_is_null(b)) {
		const char *why = geo_check_area(b);
		if (why != NULL)
			return req_fail(r, RC_VALIDATION_FAILED, "boundary", "%s", why);
		char *s = json_dumps(b, JSON_COMPACT);
		boundary = arena_strdup(&r->arena, s);
		free(s);
	}
	const char *phone = in_str(r, "supervision_phone");
	if (phone != NULL && *phone == '\0')
		phone = NULL;
	char code[16];
	int64_t id = 0;
	rc = req_tx_begin(r);
	if (rc != RC_OK)
		return rc;
	rc = org_next_grid_code(r->db, &parent, code);
	if (rc == RC_CONFLICT)
		req_fail(r, rc, "parent_id", "this community already has 999 grids");
	if (rc == RC_OK)
		rc = org_insert(r->db, parent.id, "grid", code, in_str(r, "name"), boundary, phone,
				&id);
	if (rc == RC_OK)
		rc = req_audit(r, NULL, "org", id_str(r, id), id,
			       json_pack("{s:s, s:s}", "code", code, "name", in_str(r, "name")));
	rc = req_tx_end(r, rc);
	if (rc != RC_OK)
		return rc;
	struct org_node n;
	rc = org_get(r->db, &r->arena, id, &n);
	if (rc != RC_OK)
		return rc;
	return req_reply(r, 201, org_node_json(&n));
}

int api_orgs_update(struct req *r)
{
	struct org_node n;
	int rc = load_node(r, 0, PERM_ORG_WRITE, &n);
	if (rc != RC_OK)
		return rc;
	if (strcmp(n.level, "grid") != 0 && in_has(r, "name"))
		return req_fail(r, RC_VALIDATION_FAILED, "name",
				"division names come from the statistical codes; only grids are "
				"renamed here");
	rc = req_tx_begin(r);
	if (rc != RC_OK)
		return rc;
	rc = org_update(r->db, n.id, in_str(r, "name"), in_str(r, "supervision_phone"));
	if (rc == RC_OK)
		rc = req_audit(r, NULL, "org", id_str(r, n.id), n.id, json_incref(r->in));
	rc = req_tx_end(r, rc);
	if (rc != RC_OK)
		return rc;
	rc = org_get(r->db, &r->arena, n.id, &n);
	if (rc != RC_OK)
		return rc;
	return req_reply(r, 200, org_node_json(&n));
}

int api_orgs_boundary_get(struct req *r)
{
	struct org_node n;
	int rc = load_node(r, 0, PERM_ORG_READ, &n);
	if (rc != RC_OK)
		return rc;
	json_t *g;
	rc = org_boundary(r->db, n.id, &g);
	if (rc == RC_NOT_FOUND)
		return req_fail(r, rc, NULL, "this node has no boundary yet");
	if (rc != RC_OK)
		return rc;
	return req_reply(r, 200, g);
}

int api_orgs_boundary_put(struct req *r)
{
	struct org_node n;
	int rc = load_node(r, 0, PERM_ORG_WRITE, &n);
	if (rc != RC_OK)
		return rc;
	if (strcmp(n.level, "grid") != 0)
		return req_fail(r, RC_VALIDATION_FAILED, NULL, "boundaries are drawn for grids");
	const char *why = geo_check_area(r->in);
	if (why != NULL)
		return req_fail(r, RC_VALIDATION_FAILED, "coordinates", "%s", why);
	char *text = json_dumps(r->in, JSON_COMPACT);
	rc = req_tx_begin(r);
	if (rc == RC_OK) {
		rc = org_set_boundary(r->db, n.id, text);
		if (rc == RC_OK)
			rc = req_audit(
				r, NULL, "org", id_str(r, n.id), n.id,
				json_pack("{s:s}", "type",
					  json_string_value(json_object_get(r->in, "type"))));
		rc = req_tx_end(r, rc);
	}
	free(text);
	if (rc != RC_OK)
		return rc;
	return req_reply(r, 200, json_incref(r->in));
}

int api_orgs_workers_list(struct req *r)
{
	struct org_node n;
	int rc = load_node(r, 0, PERM_ORG_READ, &n);
	if (rc != RC_OK)
		return rc;
	return req_reply(r, 200, json_pack("{s:o}", "items", org_grid_workers_json(r->db, n.id)));
}

int api_orgs_worker_candidates(struct req *r)
{
	struct org_node n;
	int rc = load_node(r, 0, PERM_GRID_ASSIGN, &n);
	if (rc != RC_OK)
		return rc;
	if (strcmp(n.level, "grid") != 0)
		return req_fail(r, RC_VALIDATION_FAILED, NULL, "grid workers are posted on grids");
	return req_reply(r, 200,
			 json_pack("{s:o}", "items", org_grid_worker_candidates(r->db, n.code)));
}

int api_orgs_workers_add(struct req *r)
{
	struct org_node n;
	int rc = load_node(r, 0, PERM_GRID_ASSIGN, &n);
	if (rc != RC_OK)
		return rc;
	if (strcmp(n.level, "grid") != 0)
		return req_fail(r, RC_VALIDATION_FAILED, NULL, "grid workers are posted on grids");
	int64_t user_id = in_int(r, "user_id", 0);
	if (!users_holds_role_at(r->db, user_id, ROLE_GRID_WORKER, n.code))
		return req_fail(r, RC_VALIDATION_FAILED, "user_id",
				"the account does not hold the grid_worker role for this grid");
	rc = req_tx_begin(r);
	if (rc != RC_OK)
		return rc;
	rc = org_grid_worker_set(r->db, n.id, user_id, in_str(r, "phone"), r->who->user_id);
	if (rc == RC_OK)
		rc = req_audit(r, NULL, "org", id_str(r, n.id), n.id,
			       json_pack("{s:I}", "user_id", (json_int_t)user_id));
	rc = req_tx_end(r, rc);
	if (rc != RC_OK)
		return rc;
	return req_reply(r, 201, json_pack("{s:o}", "items", org_grid_workers_json(r->db, n.id)));
}

int api_orgs_workers_remove(struct req *r)
{
	struct org_node n;
	int rc = load_node(r, 0, PERM_GRID_ASSIGN, &n);
	if (rc != RC_OK)
		return rc;
	rc = req_tx_begin(r);
	if (rc != RC_OK)
		return rc;
	rc = org_grid_worker_remove(r->db, n.id, r->ids[1]);
	if (rc == RC_NOT_FOUND)
		req_fail(r, rc, NULL, "this account is not posted on the grid");
	if (rc == RC_OK)
		rc = req_audit(r, NULL, "org", id_str(r, n.id), n.id,
			       json_pack("{s:I}", "user_id", (json_int_t)r->ids[1]));
	rc = req_tx_end(r, rc);
	if (rc != RC_OK)
		return rc;
	return req_reply(r, 204, NULL);
}

int api_public_grid(struct req *r)
{
	struct org_node n;
	int rc = org_get_by_code(r->db, &r->arena, r->params[0], &n);
	if (rc != RC_OK || strcmp(n.level, "grid") != 0)
		return req_fail(r, RC_NOT_FOUND, NULL, "no such grid");
	/* Only what is posted on the grid's public sign. */
	json_t *workers = org_grid_workers_json(r->db, n.id), *pub = json_array();
	size_t i;
	json_t *w;
	json_array_foreach(workers, i, w) json_array_append_new(
		pub, json_pack("{s:O, s:O}", "name", json_object_get(w, "display_name"), "phone",
			       json_object_get(w, "phone")));
	json_decref(workers);
	const char *roots = "[\"\"]";
	return req_reply(
		r, 200,
		json_pack("{s:s, s:s, s:o, s:o, s:o}", "code", n.code, "name", n.name,
			  "supervision_phone",
			  n.supervision_phone ? json_string(n.supervision_phone) : json_null(),
			  "grid_workers", pub, "ancestors",
			  org_ancestors_json(r->db, n.code, roots)));
}
