/*
 * HTTP handlers of the registry: buildings, addresses, houses, households,
 * residents, units, visits, search, statistics, tags, import and export.
 */
#ifndef GR_REGISTRY_API_REGISTRY_H
#define GR_REGISTRY_API_REGISTRY_H

#include "http/request.h"
#include "registry/registry.h"

/* A registry list as its paged route and its export both see it. */
struct list_kind {
	const char *name;          /* plural, for file and sheet names */
	const char *object_type;   /* of the audit records */
	const char *read_action;   /* a read of personal data audited as this, or NULL */
	const char *const *columns; /* keys of a row, in export order */
	/* The rows within roots, the route's own filters read from r. */
	int (*fetch)(struct req *r, const char *roots, const struct list_rows *rows,
		     json_t **items_new, int64_t *total);
};
extern const struct list_kind list_buildings, list_addresses, list_houses, list_households,
	list_units;

/* The scope of a list for perm: ?org_id's node (which must be in scope) or
 * all of the caller's subtrees where perm is held. */
int registry_list_roots(struct req *r, enum perm perm, const char **roots);

int api_buildings_list(struct req *r);
int api_buildings_create(struct req *r);
int api_buildings_get(struct req *r);
int api_buildings_update(struct req *r);
int api_addresses_list(struct req *r);
int api_addresses_create(struct req *r);
int api_addresses_get(struct req *r);
int api_addresses_update(struct req *r);
int api_houses_list(struct req *r);
int api_houses_create(struct req *r);
int api_houses_get(struct req *r);
int api_houses_update(struct req *r);
int api_households_list(struct req *r);
int api_households_create(struct req *r);
int api_households_get(struct req *r);
int api_households_update(struct req *r);
int api_households_visits(struct req *r);
int api_households_visit_create(struct req *r);
int api_visits_list(struct req *r);
int api_visits_update(struct req *r);
int api_residents_list(struct req *r);
int api_residents_create(struct req *r);
int api_residents_get(struct req *r);
int api_residents_update(struct req *r);
int api_residents_unmask(struct req *r);
int api_residents_tag_put(struct req *r);
int api_residents_tag_delete(struct req *r);
int api_residents_move_out(struct req *r);
int api_residents_move_in(struct req *r);
int api_residents_history(struct req *r);
int api_residents_export(struct req *r);
int api_buildings_export(struct req *r);
int api_addresses_export(struct req *r);
int api_houses_export(struct req *r);
int api_households_export(struct req *r);
int api_units_export(struct req *r);
int api_units_list(struct req *r);
int api_units_create(struct req *r);
int api_units_get(struct req *r);
int api_units_update(struct req *r);
int api_search(struct req *r);
int api_registry_stats(struct req *r);
int api_registry_tags(struct req *r);
int api_registry_import(struct req *r);

/* Field checks for the route table. */
const char *registry_field_credit_code(const json_t *v);
const char *registry_field_mobile(const json_t *v);
const char *registry_field_longitude(const json_t *v);
const char *registry_field_latitude(const json_t *v);
const char *registry_field_area(const json_t *v);

#endif
