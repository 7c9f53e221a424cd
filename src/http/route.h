/*
 * The route table's types.  A route carries its method, path pattern,
 * required permission, declared inputs and handler; generic code checks
 * authentication, CSRF, media type, body size, inputs and permission before
 * the handler runs, and the OpenAPI document is generated from the same
 * rows.  The table itself is src/routes.c.
 */
#ifndef GR_HTTP_ROUTE_H
#define GR_HTTP_ROUTE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "auth/roles.h"

struct req;

enum ftype {
	FT_STRING, /* min/max: length in characters */
	FT_INT,    /* min/max: value */
	FT_ID,     /* positive integer id */
	FT_BOOL,
	FT_ENUM,   /* one of choices */
	FT_OBJECT, /* any JSON object; the handler validates its shape */
	FT_ARRAY,  /* any JSON array; min/max: number of items (0: no bound) */
	FT_NUMBER, /* any finite number; the check decides the range */
	FT_DATE,   /* YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ */
};

#define FIELD_REQUIRED 1u
#define FIELD_NULLABLE 2u

struct field {
	const char *name;
	enum ftype type;
	unsigned flags;
	int64_t min, max;
	const char *const *choices;
	/* Extra check; returns NULL when v is fine or the reason. */
	const char *(*check)(const json_t *v);
	const char *doc;
};

/* Route flags */
#define ROUTE_PUBLIC 1u   /* no sign-in needed */
#define ROUTE_RAW 2u      /* not JSON API: no envelope checks on the body */
#define ROUTE_NO_AUDIT 4u /* the handler audits by itself (e.g. sign-in) */
#define ROUTE_FORM 8u     /* the body may also be application/x-www-form-urlencoded */
/* Sessions are not looked at (no bearer token, no cookie, no CSRF check):
 * the route answers everyone alike or checks a key of its own (Open311). */
#define ROUTE_NO_SESSION 16u
/* Failures are written by route_error_reply() in the route's own format
 * instead of the JSON error envelope (Open311's error list). */
#define ROUTE_OWN_ERRORS 32u

struct route {
	const char *method;
	const char *path; /* literal segments and {name} parameters */
	unsigned flags;
	enum perm perm;            /* PERM_NONE: any signed-in user */
	const struct field *body;  /* NULL-name-terminated, or NULL */
	const struct field *query; /* NULL-name-terminated, or NULL */
	int (*handler)(struct req *r);
	const char *action;   /* audit action of a state change */
	const char *tag;      /* OpenAPI tag */
	const char *summary;  /* OpenAPI summary (required) */
	const char *response; /* OpenAPI schema name of the success body */
	int ok_status;        /* success status: 200, 201 or 204 */
	int body_limit_kib;   /* a larger body limit for this route, 0: default */
};

extern const struct route routes[];
extern const size_t routes_count;

/* Write the reply of a failed request (r->rc, r->err_message) to a route
 * flagged ROUTE_OWN_ERRORS, or to an unmatched path under /open311/: set
 * r->status and a raw body, leaving r->rc as it is.  Defined with the
 * route table. */
void route_error_reply(struct req *r);

#endif
