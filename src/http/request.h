/*
 * One HTTP request as handlers see it: the matched route, validated inputs,
 * the signed-in principal, a per-request arena and the response being built.
 * Handlers read inputs with in_* / q_* and answer with req_reply or
 * req_fail; they never touch libmicrohttpd.
 */
#ifndef GR_HTTP_REQUEST_H
#define GR_HTTP_REQUEST_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "auth/audit.h"
#include "auth/principal.h"
#include "core/arena.h"
#include "core/config.h"
#include "core/error.h"
#include "db/db.h"
#include "http/route.h"

#define REQ_MAX_PARAMS 4
#define REQ_MAX_HEADERS 8

/* The type of every JSON reply; raw replies of this very string are sent
 * with the same caching rule as JSON ones. */
extern const char REQ_JSON_TYPE[];

enum auth_via { AUTH_NONE, AUTH_BEARER, AUTH_COOKIE };

struct req {
	struct arena arena;
	void *conn; /* struct MHD_Connection, for the server only */
	const struct config *cfg;
	const struct route *route; /* NULL when no route matched */
	int route_index;
	const char *method;
	const char *path;
	const char *params[REQ_MAX_PARAMS]; /* path parameters in order */
	int64_t ids[REQ_MAX_PARAMS];        /* the same, as integers (0 if not) */
	int nparams;

	char *body;
	size_t body_len, body_limit;
	bool body_too_large;
	json_t *in;    /* validated body object (owned) */
	json_t *query; /* validated query parameters (owned) */

	struct principal *who;
	/* Who acts on a route without sessions, for the audit record (an API
	 * key: "apikey:ID"); NULL when nobody is known. */
	const char *actor_name;
	enum auth_via via;
	const char *acting_role;
	char request_id[17];
	char client_ip[64];
	bool secure;
	int64_t start_us;
	struct db *db;

	/* response */
	int status;
	json_t *out;     /* owned */
	const void *raw; /* non-JSON body */
	size_t raw_len;
	bool raw_owned; /* free(raw) after sending */
	const char *raw_type;
	const char *hdr_name[REQ_MAX_HEADERS];
	const char *hdr_value[REQ_MAX_HEADERS];
	int nhdrs;
	int rc; /* error code when failed */
	const char *err_message;
	const char *err_field;
	bool audited; /* the handler wrote its audit record */
};

/* Record a failure: rc with an optional field and message (printf), and
 * return rc so handlers can `return req_fail(...)`. */
int req_fail(struct req *r, int rc, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Answer with status and body (reference stolen; NULL for no body). */
int req_reply(struct req *r, int status, json_t *body_new);
/* Answer with a non-JSON body; data must outlive the request unless owned. */
int req_reply_raw(struct req *r, int status, const char *type, const void *data, size_t len,
		  bool owned);
/* Answer with JSON text already written (owned, freed after sending). */
int req_reply_json_text(struct req *r, int status, char *text, size_t len);
void req_add_header(struct req *r, const char *name, const char *value);
/* Request header or NULL. */
const char *req_header(struct req *r, const char *name);

/* Validated inputs.  Absent optional fields give NULL / dflt. */
const char *in_str(struct req *r, const char *name);
int64_t in_int(struct req *r, const char *name, int64_t dflt);
bool in_bool(struct req *r, const char *name, bool dflt);
bool in_has(struct req *r, const char *name);
json_t *in_json(struct req *r, const char *name);
const char *q_str(struct req *r, const char *name);
int64_t q_int(struct req *r, const char *name, int64_t dflt);

/* Pagination from the limit/offset query parameters (PAGE_QUERY). */
struct page {
	int64_t limit, offset;
};
struct page req_page(struct req *r);
/* {"items": items, "total": total, "limit": .., "offset": ..} */
json_t *page_json(json_t *items_new, int64_t total, struct page p);

/* Append an audit record for this request inside the caller's transaction,
 * attributed to the signed-in user, with the route's action unless action
 * is given.  Takes ownership of detail_new (may be NULL). */
int req_audit(struct req *r, const char *action, const char *object_type, const char *object_id,
	      int64_t org_id, json_t *detail_new);

/* Record a read of personal data by this request (batched; see
 * auth/audit_reads.h).  Takes ownership of detail_new. */
int req_audit_read(struct req *r, const char *action, const char *object_type,
		   const char *object_id, int64_t org_id, json_t *detail_new);

/* Open the write transaction of a handler. */
int req_tx_begin(struct req *r);
/* End it: commit when rc is RC_OK, otherwise roll back (forgetting any audit
 * record written inside).  Returns the final rc. */
int req_tx_end(struct req *r, int rc);

/* Check perm on the node with code (scope rule of auth/principal.h): RC_OK,
 * or a recorded failure (404 outside scope, 403 in scope without perm). */
int req_scope(struct req *r, enum perm perm, const char *code);

/* The node and period of a report (metrics, statistics): ?org, by default
 * the caller's only subtree root for perm, checked for scope; ?from and ?to
 * as civil days (China Standard Time), the last one included, from
 * defaulting to the first day of this month (year false) or year.  Fills
 * the node's code, [from_ms, to_ms) and the length of its children's codes;
 * otherwise records the failure. */
struct report_period {
	const char *code;
	int64_t from_ms, to_ms;
	int area_len;
};
int req_report_period(struct req *r, enum perm perm, bool year, struct report_period *out);
/* Reply 200 with a report o, labelled with its node and period: "org",
 * "from" and "to" (the last day included). */
int req_reply_report(struct req *r, json_t *o_new, const char *code, int64_t from_ms, int64_t to_ms);

/* Common query fields for lists. */
#define PAGE_QUERY                                                                        \
	{"limit", FT_INT, 0, 1, 200, NULL, NULL, "page size, 1-200 (default 50)"},        \
	{                                                                                 \
		"offset", FT_INT, 0, 0, INT64_MAX, NULL, NULL, "rows to skip (default 0)" \
	}

#endif
