/*
 * Open311 GeoReport v2 over grid events: the services (the event
 * sub-categories offered to the public), the requests filed through it as
 * events of source "open311", how anyone may see them, and the JSON and
 * XML that carry them.
 *
 * Nothing about people leaves this module: no reporter, no staff name or
 * phone, no note written by staff.  Only requests that came through
 * Open311 are shown, with their reporter's own description; events
 * reported through accounts, patrols or the hotline stay inside.
 */
#ifndef GR_OPEN311_OPEN311_H
#define GR_OPEN311_OPEN311_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/secure.h"
#include "db/db.h"

/* Spans of GET requests: the default window and the widest one. */
#define OPEN311_WINDOW_DAYS 90
/* The most requests one GET answers, newest first. */
#define OPEN311_MAX_REQUESTS 1000

/* The jurisdiction: a county of the deployment. */
struct open311_county {
	char code[16];
	char name[64];
};

/* The county named by jurisdiction_id, or the deployment's only county
 * when jurisdiction_id is NULL.  RC_NOT_FOUND when no county has that code
 * (or the deployment has none); RC_VALIDATION_FAILED when none is named and
 * there are several. */
int open311_county(struct db *db, const char *jurisdiction_id, struct open311_county *out);

/* The services, in code order: [{service_code, service_name, description,
 * metadata, type, keywords, group}], names in English when en.  With code
 * set, only that service, or RC_NOT_FOUND when it is not offered. */
int open311_services(struct db *db, bool en, const char *code, json_t **out_new);

/* The grid of a new request in the county: the grid of *address_id when
 * it is an address of the county (0: none; set to 0 when it is not), else
 * the grid whose boundary holds the point.  RC_NOT_FOUND when neither
 * gives one. */
int open311_locate(struct db *db, const char *county, int64_t *address_id, bool has_point,
		   double lat, double lon, char code[16]);

/* A request as a client files it. */
struct open311_new {
	const char *service_code;
	const char *description; /* NULL: the service's name stands in */
	const char *address_string, *media_url;
	int64_t address_id;
	bool has_point;
	double lat, lon;
	int64_t api_key_id;
	const char *actor; /* the name of the timeline's first entry */
};

/* File a request as a grid event of source "open311" in grid `code`, with
 * its Open311 record and a fresh token.  RC_NOT_FOUND when the service is
 * not offered.  In the caller's transaction. */
int open311_create(struct db *db, const struct open311_new *in, const char *code, int64_t *id,
		   char token[SEC_TOKEN_CHARS + 1]);

/* What GET requests asks for. */
struct open311_filter {
	const char *county;
	const char *ids;   /* JSON array of ids; when set, the other filters do not apply */
	const char *codes; /* JSON array of service codes, or NULL for all */
	int64_t from_s, to_s;
	unsigned status; /* bit 0: open, bit 1: closed; 0 for both */
	bool en;
};

/* The requests filed through Open311 in f->county that f selects, newest
 * first, at most OPEN311_MAX_REQUESTS, as the spec's request objects. */
int open311_requests(struct db *db, const struct open311_filter *f, json_t **out_new);

/* The request a token was given for, in the county: RC_NOT_FOUND if none. */
int open311_token(struct db *db, const char *county, const char *token, int64_t *id);

/* The notice of a service: its handling time limit in words. */
int open311_notice(struct db *db, const char *code, bool en, char *out, size_t len);

/* v written as JSON, or as XML with a declaration and the root element
 * root; an array's items are named after the array (services: service,
 * service_requests: request, errors: error ...).  Returns malloc'd text
 * with its length in *len. */
char *open311_render(const json_t *v, bool xml, const char *root, size_t *len);

#endif
