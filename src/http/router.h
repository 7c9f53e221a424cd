/*
 * Matching a method and path against the route table.
 */
#ifndef GR_HTTP_ROUTER_H
#define GR_HTTP_ROUTER_H

#include "http/request.h"

#define ROUTER_NO_PATH (-1)
#define ROUTER_NO_METHOD (-2)

/* Index of the matching route with r->params/ids filled, ROUTER_NO_PATH when
 * no pattern matches the path, ROUTER_NO_METHOD when one does but not with
 * this method (HEAD matches GET routes). */
int router_match(struct req *r, const char *method, const char *path);
/* Comma-separated methods allowed on path, for the Allow header. */
const char *router_allowed(struct req *r, const char *path);

#endif
