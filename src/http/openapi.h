/*
 * The OpenAPI 3 document, generated from the route table so that every
 * route, its inputs and its permission are described by construction; the
 * response schemas come from src/http/openapi_schemas.json.
 */
#ifndef GR_HTTP_OPENAPI_H
#define GR_HTTP_OPENAPI_H

#include <jansson.h>

/* The whole document (new reference). */
json_t *openapi_document(void);

#endif
