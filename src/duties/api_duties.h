/*
 * HTTP handlers of duty lists, the banned-certificate list and the
 * certificate desk.  Published lists and the banned list are public (no
 * sign-in, no personal data); drafts need duty.publish over the list's
 * owner; the desk needs certificate.issue over the resident.  The declared
 * inputs live here; src/routes.c lists the rows under its marker.
 */
#ifndef GR_DUTIES_API_DUTIES_H
#define GR_DUTIES_API_DUTIES_H

#include "http/route.h"

struct req;

int api_duty_public_lists(struct req *r);
int api_duty_public_in_force(struct req *r);
int api_duty_public_get(struct req *r);
int api_duty_public_versions(struct req *r);
int api_duty_public_diff(struct req *r);
int api_banned_public_list(struct req *r);
int api_banned_public_check(struct req *r);

int api_duty_lists_scope(struct req *r);
int api_duty_lists_create(struct req *r);
int api_duty_lists_get(struct req *r);
int api_duty_lists_update(struct req *r);
int api_duty_lists_delete(struct req *r);
int api_duty_items_add(struct req *r);
int api_duty_items_update(struct req *r);
int api_duty_items_delete(struct req *r);
int api_duty_lists_import(struct req *r);
int api_duty_lists_publish(struct req *r);
int api_duty_lists_export(struct req *r);
int api_banned_add(struct req *r);
int api_banned_delete(struct req *r);

int api_cert_templates(struct req *r);
int api_cert_list(struct req *r);
int api_cert_create(struct req *r);
int api_cert_get(struct req *r);

extern const struct field duty_public_query[];
extern const struct field duty_in_force_query[];
extern const struct field duty_diff_query[];
extern const struct field banned_public_query[];
extern const struct field banned_check_query[];
extern const struct field duty_scope_query[];
extern const struct field duty_create_body[];
extern const struct field duty_update_body[];
extern const struct field duty_item_body[];
extern const struct field duty_item_update_body[];
extern const struct field duty_import_query[];
extern const struct field duty_publish_body[];
extern const struct field duty_export_query[];
extern const struct field banned_body[];
extern const struct field cert_list_query[];
extern const struct field cert_body[];

#endif
