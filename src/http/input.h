/*
 * Validation of declared inputs: a JSON body against its field list, query
 * parameters against theirs.  Unknown fields, wrong types, missing required
 * fields and out-of-range values are refused with validation_failed naming
 * the field, so handlers only ever see values that passed.
 */
#ifndef GR_HTTP_INPUT_H
#define GR_HTTP_INPUT_H

#include "http/request.h"

/* Parse r->body as a JSON object (duplicate keys rejected) and validate it
 * against r->route->body into r->in.  Returns an rc recorded on r. */
int input_body(struct req *r);
/* Validate the query parameters (collected in raw, an object of strings)
 * against r->route->query into r->query (typed).  raw is consumed. */
int input_query(struct req *r, json_t *raw_new);
/* Parse r->body as application/x-www-form-urlencoded and validate it
 * against r->route->body into r->in, each value typed after its field as
 * query parameters are.  A field left empty counts as not given; a
 * repeated field is refused. */
int input_form(struct req *r);
/* Validate one value against f; NULL when fine, else the reason. */
const char *input_check(const struct field *f, json_t *v);

#endif
