/*
 * HTTP handlers of Open311 GeoReport v2 at /open311/v2/.
 */
#ifndef GR_OPEN311_API_OPEN311_H
#define GR_OPEN311_API_OPEN311_H

#include <jansson.h>

struct req;

int api_open311_discovery(struct req *r);
int api_open311_services(struct req *r);
int api_open311_service(struct req *r);
int api_open311_requests(struct req *r);
int api_open311_request(struct req *r);
int api_open311_request_create(struct req *r);
int api_open311_token(struct req *r);

/* A failure as the spec's error list, [{code, description}] or
 * <errors><error>...</error></errors> after the path's suffix, with the
 * matching status (bad input 400). */
void api_open311_error(struct req *r);

/* Field check: an http or https URL. */
const char *open311_field_url(const json_t *v);

#endif
