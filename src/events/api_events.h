/*
 * HTTP handlers of grid events, categories, handling units and the inbox.
 */
#ifndef GR_EVENTS_API_EVENTS_H
#define GR_EVENTS_API_EVENTS_H

struct req;

int api_event_categories_list(struct req *r);
int api_event_categories_create(struct req *r);
int api_event_categories_update(struct req *r);
int api_handling_units_list(struct req *r);
int api_handling_units_create(struct req *r);
int api_handling_units_members_add(struct req *r);
int api_handling_units_members_remove(struct req *r);
int api_handling_units_members_list(struct req *r);
int api_events_create(struct req *r);
int api_events_nearby(struct req *r);
int api_events_list(struct req *r);
int api_events_mine(struct req *r);
int api_events_get(struct req *r);
int api_events_action(struct req *r);
int api_events_photo_add(struct req *r);
int api_events_photo_get(struct req *r);
int api_events_metrics(struct req *r);
int api_events_metrics_export(struct req *r);
int api_inbox_list(struct req *r);
int api_inbox_read(struct req *r);

#endif
