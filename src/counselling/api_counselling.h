/*
 * HTTP handlers of psychological assistance, their declared inputs and
 * the row macro of their case actions.  A case answers 404 to everyone who
 * does not see it -- whatever their role, administrators included -- so
 * the routes of one case carry no permission of their own: the handler
 * decides (see counselling.h, cou_relation).
 */
#ifndef GR_COUNSELLING_API_COUNSELLING_H
#define GR_COUNSELLING_API_COUNSELLING_H

#include "http/route.h"

struct req;

extern const struct field cou_request_body[];
extern const struct field cou_cases_query[];
extern const struct field cou_assign_body[];
extern const struct field cou_reassign_body[];
extern const struct field cou_session_body[];
extern const struct field cou_crisis_body[];
extern const struct field cou_reason_body[];
extern const struct field cou_close_body[];
extern const struct field cou_empty_body[];
extern const struct field cou_alerts_query[];
extern const struct field cou_stats_query[];

int api_cou_request_create(struct req *r);
int api_cou_requests_mine(struct req *r);
int api_cou_cases_list(struct req *r);
int api_cou_case_get(struct req *r);
int api_cou_case_counsellors(struct req *r);
int api_cou_case_action(struct req *r);
int api_cou_alerts_list(struct req *r);
int api_cou_alert_ack(struct req *r);
int api_cou_stats(struct req *r);

/* POST /api/v1/counselling/cases/{id}/<name>: no route permission (404 to
 * whoever does not see the case); who may act is said in the summary. */
#define COU_ACTION(name, body, summary)                                                   \
	{                                                                                 \
		"POST", "/api/v1/counselling/cases/{id}/" name, 0, PERM_NONE, body, NULL, \
			api_cou_case_action, "counselling." name, "counselling", summary, \
			"CounsellingCase", 200, 0                                         \
	}

#endif
