/*
 * HTTP handlers of refined services and their declared inputs.
 */
#ifndef GR_SERVICES_API_SERVICES_H
#define GR_SERVICES_API_SERVICES_H

#include "http/route.h"

extern const char *const service_scenarios[];
extern const struct field service_item_query[], service_item_body[], service_item_update_body[],
	eligibility_query[], application_body[], applications_query[], application_reason_body[],
	application_optional_body[], application_conclude_body[], application_evaluate_body[],
	material_query[], provider_body[], provider_update_body[], providers_query[],
	slot_body[], slots_query[], booking_body[], bookings_query[], account_link_body[],
	need_rule_body[], need_rule_update_body[], coverage_query[], needs_query[];

int api_service_items_list(struct req *r);
int api_service_items_get(struct req *r);
int api_service_items_create(struct req *r);
int api_service_items_update(struct req *r);
int api_service_items_eligibility(struct req *r);

int api_applications_create(struct req *r);
int api_applications_list(struct req *r);
int api_applications_get(struct req *r);
int api_applications_action(struct req *r);
int api_applications_material_add(struct req *r);
int api_applications_material_get(struct req *r);

int api_providers_list(struct req *r);
int api_providers_create(struct req *r);
int api_providers_get(struct req *r);
int api_providers_update(struct req *r);
int api_providers_slots_list(struct req *r);
int api_providers_slots_create(struct req *r);
int api_slots_list(struct req *r);
int api_slots_bookings(struct req *r);
int api_slots_cancel(struct req *r);
int api_bookings_create(struct req *r);
int api_bookings_list(struct req *r);
int api_bookings_cancel(struct req *r);
int api_bookings_attend(struct req *r);

int api_residents_account_link(struct req *r);

int api_need_rules_list(struct req *r);
int api_need_rules_create(struct req *r);
int api_need_rules_update(struct req *r);
int api_needs_coverage(struct req *r);
int api_needs_list(struct req *r);

#define APPLICATION_ACTION(name, perm, body, summary)                                         \
	{"POST", "/api/v1/applications/{id}/" name, 0, perm, body, NULL,                       \
	 api_applications_action, "application." name, "services", summary, "Application", 200, \
	 0}

#endif
