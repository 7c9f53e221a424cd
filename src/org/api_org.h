/*
 * HTTP handlers for the jurisdiction tree, grid boundaries and grid workers.
 */
#ifndef GR_ORG_API_ORG_H
#define GR_ORG_API_ORG_H

#include "http/request.h"

int api_orgs_list(struct req *r);
int api_orgs_get(struct req *r);
int api_orgs_children(struct req *r);
int api_orgs_child_boundaries(struct req *r);
int api_orgs_create(struct req *r);
int api_orgs_update(struct req *r);
int api_orgs_boundary_get(struct req *r);
int api_orgs_boundary_put(struct req *r);
int api_orgs_workers_list(struct req *r);
int api_orgs_workers_add(struct req *r);
int api_orgs_workers_remove(struct req *r);
int api_orgs_worker_candidates(struct req *r);
int api_public_grid(struct req *r);

/* Field checks used in the route table. */
const char *org_field_phone(const json_t *v);
const char *org_field_code(const json_t *v);

#endif
