/*
 * Operational endpoints: health, metrics, the API description, the role
 * catalogue.
 */
#ifndef GR_HTTP_API_SYSTEM_H
#define GR_HTTP_API_SYSTEM_H

#include "http/request.h"

int api_healthz(struct req *r);
int api_metrics(struct req *r);
int api_openapi(struct req *r);
int api_roles(struct req *r);

#endif
