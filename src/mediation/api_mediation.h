/*
 * HTTP handlers of people's mediation: committees and members, cases and
 * their actions, statistics.  The declared inputs live here with the
 * handlers; src/routes.c lists the rows under its mediation marker.
 */
#ifndef GR_MEDIATION_API_MEDIATION_H
#define GR_MEDIATION_API_MEDIATION_H

#include "http/route.h"

struct req;

int api_mediation_dispute_types(struct req *r);
int api_mediation_committees_list(struct req *r);
int api_mediation_committees_create(struct req *r);
int api_mediation_committees_get(struct req *r);
int api_mediation_committees_update(struct req *r);
int api_mediation_candidates(struct req *r);
int api_mediation_members_add(struct req *r);
int api_mediation_members_update(struct req *r);
int api_mediation_cases_list(struct req *r);
int api_mediation_cases_create(struct req *r);
int api_mediation_cases_get(struct req *r);
int api_mediation_action(struct req *r);
int api_mediation_stats(struct req *r);
int api_mediation_stats_export(struct req *r);

extern const struct field med_committees_query[];
extern const struct field med_committee_body[];
extern const struct field med_committee_update_body[];
extern const struct field med_member_body[];
extern const struct field med_member_update_body[];
extern const struct field med_cases_query[];
extern const struct field med_case_body[];
extern const struct field med_assign_body[];
extern const struct field med_recuse_body[];
extern const struct field med_session_body[];
extern const struct field med_extend_body[];
extern const struct field med_agreement_body[];
extern const struct field med_sign_body[];
extern const struct field med_terminate_body[];
extern const struct field med_refer_body[];
extern const struct field med_confirmation_body[];
extern const struct field med_followup_body[];
extern const struct field med_close_body[];
extern const struct field med_stats_query[];
extern const struct field med_stats_export_query[];

/* POST /api/v1/mediation/cases/{id}/<name>: one handler for every action. */
#define MEDIATION_ACTION(name, body, summary)                                                  \
	{"POST", "/api/v1/mediation/cases/{id}/" name, 0, PERM_MEDIATION_HANDLE, body, NULL,   \
	 api_mediation_action, "mediation." name, "mediation", summary, "MediationCase", 200, 0}

#endif
