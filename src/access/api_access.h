/*
 * HTTP handlers of work access, the community task ledger and the burden
 * ledger.  The declared inputs live here with the handlers; src/routes.c
 * lists the rows under its work-access marker.
 */
#ifndef GR_ACCESS_API_ACCESS_H
#define GR_ACCESS_API_ACCESS_H

#include "http/route.h"

struct req;

int api_access_reviewers_list(struct req *r);
int api_access_reviewers_set(struct req *r);
int api_access_list_items(struct req *r);
int api_access_requests_create(struct req *r);
int api_access_requests_list(struct req *r);
int api_access_requests_get(struct req *r);
int api_access_action(struct req *r);
int api_tasks_list(struct req *r);
int api_tasks_create(struct req *r);
int api_tasks_done(struct req *r);
int api_tasks_refuse(struct req *r);
int api_burden(struct req *r);
int api_burden_export(struct req *r);

extern const struct field acc_reviewer_body[];
extern const struct field acc_list_items_query[];
extern const struct field acc_request_body[];
extern const struct field acc_requests_query[];
extern const struct field acc_approve_body[];
extern const struct field acc_reason_body[];
extern const struct field acc_withdraw_body[];
extern const struct field acc_tasks_query[];
extern const struct field acc_task_body[];
extern const struct field acc_done_body[];
extern const struct field acc_refuse_body[];
extern const struct field acc_burden_query[];
extern const struct field acc_burden_export_query[];

/* POST /api/v1/access/requests/{id}/<name>: one handler for the review
 * and the withdrawal. */
#define ACCESS_ACTION(name, perm, body, summary)                                            \
	{"POST", "/api/v1/access/requests/{id}/" name, 0, perm, body, NULL, api_access_action, \
	 "access_request." name, "access", summary, "AccessRequest", 200, 0}

#endif
