/*
 * The jurisdiction tree: province, city, county, town/street,
 * community/village and grid nodes keyed by their statistical codes.  A
 * child's code extends its parent's, so a subtree is the range of codes
 * starting with the root's code and needs no closure table.
 */
#ifndef GR_ORG_ORG_H
#define GR_ORG_ORG_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/arena.h"
#include "db/db.h"

struct org_node {
	int64_t id;
	int64_t parent_id;       /* 0 for a root */
	const char *parent_name; /* NULL for a root; tells same-named nodes apart */
	const char *level;
	const char *code;
	const char *name;
	const char *supervision_phone; /* NULL when unset */
	bool has_boundary;
	int64_t child_count;
};

/* NULL when s is a mainland mobile (1[3-9] and 9 digits) or a landline
 * (0, area code, optional '-', 7-8 digits, optional '-' extension);
 * otherwise the reason. */
const char *org_check_phone(const char *s);

int org_get(struct db *db, struct arena *a, int64_t id, struct org_node *out);
int org_get_by_code(struct db *db, struct arena *a, const char *code, struct org_node *out);
json_t *org_node_json(const struct org_node *n);

/* Ancestors of code, root first, restricted to those whose code starts with
 * one of roots (a JSON array of codes, see principal_roots). */
json_t *org_ancestors_json(struct db *db, const char *code, const char *roots);

/* Children of parent_id in code order. */
int org_children_json(struct db *db, int64_t parent_id, int64_t limit, int64_t offset,
		      json_t **items_new, int64_t *total);

/* Nodes inside roots filtered by name substring q, exact code and level
 * (each NULL for any), in code order. */
int org_search_json(struct db *db, const char *roots, const char *q, const char *code,
		    const char *level, int64_t limit, int64_t offset, json_t **items_new,
		    int64_t *total);
/* The nodes named by roots themselves (top-level nodes for ""). */
int org_roots_json(struct db *db, const char *roots, json_t **items_new);

/* The next free grid code under a community (community code + 001..999).
 * RC_CONFLICT when all 999 are used.  In a transaction. */
int org_next_grid_code(struct db *db, const struct org_node *community, char out[16]);
int org_insert(struct db *db, int64_t parent_id, const char *level, const char *code,
	       const char *name, const char *boundary, const char *phone, int64_t *id);
/* Set name and/or supervision phone (NULL leaves a field; phone "" clears). */
int org_update(struct db *db, int64_t id, const char *name, const char *phone);
/* Replace the boundary (GeoJSON text) or clear it (NULL). */
int org_set_boundary(struct db *db, int64_t id, const char *geojson);
/* The boundary as parsed GeoJSON, RC_NOT_FOUND when none. */
int org_boundary(struct db *db, int64_t id, json_t **geometry_new);
/* FeatureCollection of the children of parent_id that have a boundary. */
json_t *org_child_boundaries(struct db *db, int64_t parent_id);

/* Grid workers posted on a grid. */
json_t *org_grid_workers_json(struct db *db, int64_t org_id);
int org_grid_worker_set(struct db *db, int64_t org_id, int64_t user_id, const char *phone,
			int64_t by);
/* Enabled accounts holding the grid_worker role at the grid with code or
 * above it, who could be posted there. */
json_t *org_grid_worker_candidates(struct db *db, const char *code);
int org_grid_worker_remove(struct db *db, int64_t org_id, int64_t user_id);

#endif
