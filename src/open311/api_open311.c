/*
 * Open311 GeoReport v2 over HTTP.  Every path ends in .json or .xml, which
 * decides the format of the answer and of its errors.  No sessions: reading
 * is public, and filing a request takes an API key of the system
 * administrator's issue.
 */
#include "open311/api_open311.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "auth/apikeys.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/str.h"
#include "http/request.h"
#include "open311/open311.h"

static const char xml_type[] = "text/xml; charset=utf-8";

/* When the endpoints or their fields last changed (discovery). */
#define CHANGESET "2026-11-29T00:00:00Z"

#define DAY_S 86400

/* The format: the last path parameter ({format} of the route). */
static int format_of(struct req *r, bool *xml)
{
	const char *f = r->nparams > 0 ? r->params[r->nparams - 1] : "";
	if (strcmp(f, "json") != 0 && strcmp(f, "xml") != 0)
		return req_fail(r, RC_NOT_FOUND, NULL, "the format is .json or .xml");
	*xml = f[0] == 'x';
	return RC_OK;
}

/* Answer with v (stolen) in the format, under root in XML. */
static int reply(struct req *r, int status, bool xml, const char *root, json_t *v_new)
{
	size_t len = 0;
	char *text = v_new ? open311_render(v_new, xml, root, &len) : NULL;
	json_decref(v_new);
	if (text == NULL)
		return RC_INTERNAL;
	return req_reply_raw(r, status, xml ? xml_type : REQ_JSON_TYPE, text, len, true);
}

void api_open311_error(struct req *r)
{
	/* The format is the suffix of the path's last segment; JSON unless it
	 * asks for XML. */
	const char *seg = strrchr(r->path, '/');
	const char *dot = seg ? strrchr(seg, '.') : NULL;
	bool xml = dot != NULL && strcmp(dot, ".xml") == 0;
	const struct rc_info *info = rc_info(r->rc);
	int status = r->rc == RC_VALIDATION_FAILED || r->rc == RC_INVALID_JSON ? 400 : info->status;
	json_t *errs = json_pack("[{s:i, s:s}]", "code", status, "description",
				 r->err_message ? r->err_message : info->message);
	if (errs == NULL) /* a message quoting input that is not UTF-8 */
		errs = json_pack("[{s:i, s:s}]", "code", status, "description", info->message);
	size_t len = 0;
	char *text = open311_render(errs, xml, "errors", &len);
	json_decref(errs);
	r->status = status;
	if (text == NULL)
		return;
	r->raw = text;
	r->raw_len = len;
	r->raw_owned = true;
	r->raw_type = xml ? xml_type : REQ_JSON_TYPE;
}

const char *open311_field_url(const json_t *v)
{
	const char *s = json_string_value(v);
	return s != NULL && (str_starts(s, "http://") || str_starts(s, "https://")) &&
			       strpbrk(s, " \t\r\n<>\"") == NULL
		       ? NULL
		       : "media_url must be an http or https URL";
}

static bool english(struct req *r)
{
	const char *l = q_str(r, "locale");
	return l != NULL && strncasecmp(l, "en", 2) == 0;
}

/* The county named by jurisdiction_id (body, then query), or the only one. */
static int county_of(struct req *r, struct open311_county *c)
{
	const char *jid = in_str(r, "jurisdiction_id");
	if (jid == NULL)
		jid = q_str(r, "jurisdiction_id");
	int rc = open311_county(r->db, jid, c);
	if (rc == RC_NOT_FOUND && jid != NULL)
		return req_fail(r, rc, "jurisdiction_id",
				"jurisdiction_id %s is not a county served here", jid);
	if (rc == RC_NOT_FOUND)
		return req_fail(r, rc, "jurisdiction_id", "no county is served here");
	if (rc == RC_VALIDATION_FAILED)
		return req_fail(r, rc, "jurisdiction_id",
				"jurisdiction_id was not provided: several counties are served "
				"here");
	return rc;
}

/* The answer's format from the path, then the county: what every
 * endpoint but discovery and POST needs first. */
static int format_and_county(struct req *r, bool *xml, struct open311_county *c)
{
	int rc = format_of(r, xml);
	return rc == RC_OK ? county_of(r, c) : rc;
}

/* ---- discovery and services ---- */

int api_open311_discovery(struct req *r)
{
	bool xml;
	int rc = format_of(r, &xml);
	if (rc != RC_OK)
		return rc;
	/* The endpoint's address as clients reach it. */
	const char *host = req_header(r, "Host");
	const char *url = "/open311/v2";
	if (r->cfg->public_origin != NULL)
		url = arena_printf(&r->arena, "%s/open311/v2", r->cfg->public_origin);
	else if (host != NULL && utf8_count(host, strlen(host)) > 0)
		url = arena_printf(&r->arena, "%s://%s/open311/v2", r->secure ? "https" : "http",
				   host);
	json_t *d = json_pack(
		"{s:s, s:s, s:s, s:[{s:s, s:s, s:s, s:s, s:[s, s]}]}", "changeset", CHANGESET,
		"contact", "the system administrator of this platform / 本平台系统管理员",
		"key_service",
		"API keys are issued by the system administrator (POST /api/v1/api-keys) / "
		"API 密钥由系统管理员签发",
		"endpoints", "specification", "http://wiki.open311.org/GeoReport_v2", "url", url,
		"changeset", CHANGESET, "type", "production", "formats", "application/json",
		"text/xml");
	return reply(r, 200, xml, "discovery", d);
}

int api_open311_services(struct req *r)
{
	bool xml;
	struct open311_county c;
	int rc = format_and_county(r, &xml, &c);
	if (rc != RC_OK)
		return rc;
	json_t *items;
	rc = open311_services(r->db, english(r), NULL, &items);
	if (rc != RC_OK)
		return rc;
	return reply(r, 200, xml, "services", items);
}

/* Is code a service offered here?  RC_OK, or a recorded 404. */
static int offered(struct req *r, const char *code)
{
	json_t *items;
	int rc = open311_services(r->db, false, code, &items);
	if (rc == RC_NOT_FOUND)
		return req_fail(r, rc, "service_code", "service_code %s not found", code);
	if (rc == RC_OK)
		json_decref(items);
	return rc;
}

int api_open311_service(struct req *r)
{
	bool xml;
	struct open311_county c;
	int rc = format_and_county(r, &xml, &c);
	if (rc == RC_OK)
		rc = offered(r, r->params[0]);
	if (rc != RC_OK)
		return rc;
	/* No service asks for attributes (metadata is false everywhere). */
	return reply(r, 200, xml, "service_definition",
		     json_pack("{s:s, s:[]}", "service_code", r->params[0], "attributes"));
}

/* ---- reading requests ---- */

/* The comma-separated list of parameter name as a JSON array text, each
 * item checked by kind: 'i' positive ids (as numbers), 's' offered service
 * codes.  NULL with a recorded failure on a bad item. */
static const char *list_param(struct req *r, const char *name, char kind, int *rc)
{
	const char *s = q_str(r, name);
	*rc = RC_OK;
	if (s == NULL)
		return NULL;
	json_t *items = json_array();
	const char *p = s;
	for (;;) {
		size_t n = strcspn(p, ",");
		char *item = arena_strndup(&r->arena, p, n);
		int64_t id;
		if (n == 0) {
			*rc = req_fail(r, RC_VALIDATION_FAILED, name, "%s has an empty item", name);
		} else if (kind == 'i') {
			if (str_to_i64(item, &id) && id > 0)
				json_array_append_new(items, json_integer(id));
			else
				*rc = req_fail(r, RC_VALIDATION_FAILED, name,
					       "%s is a comma-separated list of numbers", name);
		} else {
			*rc = offered(r, item);
			if (*rc == RC_OK)
				json_array_append_new(items, json_string(item));
		}
		if (*rc != RC_OK || p[n] == '\0')
			break;
		p += n + 1;
	}
	char *text = *rc == RC_OK ? json_dumps(items, JSON_COMPACT) : NULL;
	json_decref(items);
	const char *out = text ? arena_strdup(&r->arena, text) : NULL;
	free(text);
	return out;
}

/* status=open,closed as bits (0: any). */
static int status_param(struct req *r, unsigned *bits)
{
	const char *s = q_str(r, "status");
	*bits = 0;
	for (const char *p = s; p != NULL;) {
		size_t n = strcspn(p, ",");
		if (n == 4 && strncmp(p, "open", 4) == 0)
			*bits |= 1;
		else if (n == 6 && strncmp(p, "closed", 6) == 0)
			*bits |= 2;
		else
			return req_fail(r, RC_VALIDATION_FAILED, "status",
					"status is open or closed (or both, comma-separated)");
		p = p[n] ? p + n + 1 : NULL;
	}
	return RC_OK;
}

/* start_date and end_date: by default the last 90 days; one alone spans
 * 90 days from or to it; never more than 90 days. */
static int window_param(struct req *r, int64_t *from, int64_t *to)
{
	const char *names[2] = {"start_date", "end_date"};
	int64_t *at[2] = {from, to};
	bool given[2];
	for (int i = 0; i < 2; i++) {
		const char *s = q_str(r, names[i]);
		given[i] = s != NULL;
		if (given[i] && clock_parse_w3c(s, at[i]) != 0)
			return req_fail(r, RC_VALIDATION_FAILED, names[i],
					"%s must be an ISO 8601 date, or a time with its zone "
					"such as 2026-01-02T08:00:00+08:00",
					names[i]);
	}
	int64_t span = (int64_t)OPEN311_WINDOW_DAYS * DAY_S;
	if (!given[0] && !given[1]) {
		*to = clock_now();
		*from = *to - span;
	} else if (!given[1]) {
		*to = *from + span;
	} else if (!given[0]) {
		*from = *to - span;
	}
	if (*from > *to)
		return req_fail(r, RC_VALIDATION_FAILED, "start_date",
				"start_date is after end_date");
	if (*to - *from > span)
		return req_fail(r, RC_VALIDATION_FAILED, "end_date",
				"start_date and end_date may be at most %d days apart",
				OPEN311_WINDOW_DAYS);
	return RC_OK;
}

int api_open311_requests(struct req *r)
{
	bool xml;
	struct open311_county c;
	int rc = format_and_county(r, &xml, &c);
	if (rc != RC_OK)
		return rc;
	struct open311_filter f = {.county = c.code, .en = english(r)};
	f.ids = list_param(r, "service_request_id", 'i', &rc);
	if (rc == RC_OK)
		f.codes = list_param(r, "service_code", 's', &rc);
	if (rc == RC_OK)
		rc = status_param(r, &f.status);
	if (rc == RC_OK)
		rc = window_param(r, &f.from_s, &f.to_s);
	if (rc != RC_OK)
		return rc;
	json_t *items;
	rc = open311_requests(r->db, &f, &items);
	if (rc != RC_OK)
		return rc;
	return reply(r, 200, xml, "service_requests", items);
}

int api_open311_request(struct req *r)
{
	bool xml;
	struct open311_county c;
	int rc = format_and_county(r, &xml, &c);
	if (rc != RC_OK)
		return rc;
	json_t *items = NULL;
	struct open311_filter f = {
		.county = c.code,
		.ids = arena_printf(&r->arena, "[%lld]", (long long)r->ids[0]),
		.en = english(r),
	};
	if (r->ids[0] > 0) {
		rc = open311_requests(r->db, &f, &items);
		if (rc != RC_OK)
			return rc;
	}
	if (json_array_size(items) == 0) {
		json_decref(items);
		return req_fail(r, RC_NOT_FOUND, "service_request_id",
				"service_request_id %s not found", r->params[0]);
	}
	return reply(r, 200, xml, "service_requests", items);
}

int api_open311_token(struct req *r)
{
	bool xml;
	struct open311_county c;
	int rc = format_and_county(r, &xml, &c);
	if (rc != RC_OK)
		return rc;
	int64_t id = 0;
	rc = open311_token(r->db, c.code, r->params[0], &id);
	if (rc == RC_NOT_FOUND)
		return req_fail(r, rc, "token", "token not found");
	if (rc != RC_OK)
		return rc;
	return reply(r, 200, xml, "service_requests",
		     json_pack("[{s:s, s:s}]", "service_request_id",
			       arena_printf(&r->arena, "%lld", (long long)id), "token",
			       r->params[0]));
}

/* ---- filing a request ---- */

int api_open311_request_create(struct req *r)
{
	bool xml;
	int rc = format_of(r, &xml);
	if (rc != RC_OK)
		return rc;
	/* The key first: without one, nothing else is looked at. */
	const char *key = in_str(r, "api_key");
	if (key == NULL)
		key = q_str(r, "api_key");
	int64_t key_id = 0;
	char key_name[80];
	rc = apikey_find(r->db, key, &key_id, key_name, sizeof(key_name));
	if (rc == RC_FORBIDDEN)
		return req_fail(r, rc, "api_key",
				key == NULL ? "api_key was not provided"
					    : "api_key is not valid or has been revoked");
	if (rc != RC_OK)
		return rc;
	r->actor_name = arena_printf(&r->arena, "apikey:%lld", (long long)key_id);
	struct open311_county c;
	const char *service = in_str(r, "service_code");
	rc = county_of(r, &c);
	if (rc == RC_OK)
		rc = offered(r, service);
	if (rc != RC_OK)
		return rc;

	struct open311_new in = {
		.service_code = service,
		.description = in_str(r, "description"),
		.address_string = in_str(r, "address_string"),
		.media_url = in_str(r, "media_url"),
		.address_id = in_int(r, "address_id", 0),
		.has_point = in_has(r, "lat") && in_has(r, "long"),
		.api_key_id = key_id,
		.actor = arena_printf(&r->arena, "%s (Open311)", key_name),
	};
	if (in_has(r, "lat") != in_has(r, "long"))
		return req_fail(r, RC_VALIDATION_FAILED, in_has(r, "lat") ? "long" : "lat",
				"give both lat and long");
	if (in.has_point) {
		in.lat = json_number_value(in_json(r, "lat"));
		in.lon = json_number_value(in_json(r, "long"));
	}
	if (in.address_id == 0 && !in.has_point)
		return req_fail(r, RC_VALIDATION_FAILED, "lat",
				"the location is missing: give lat and long, or an address_id "
				"(an address_string alone cannot be placed in a grid)");
	int64_t asked_address = in.address_id;
	char code[16];
	rc = open311_locate(r->db, c.code, &in.address_id, in.has_point, in.lat, in.lon, code);
	if (rc == RC_NOT_FOUND && !in.has_point)
		return req_fail(r, RC_VALIDATION_FAILED, "address_id",
				"address_id %lld is not an address of %s; give lat and long",
				(long long)asked_address, c.code);
	if (rc == RC_NOT_FOUND)
		return req_fail(r, RC_VALIDATION_FAILED, "lat",
				"lat and long lie in none of the grids of %s", c.name);
	if (rc != RC_OK)
		return rc;

	int64_t id = 0;
	char token[SEC_TOKEN_CHARS + 1];
	rc = req_tx_begin(r);
	if (rc != RC_OK)
		return rc;
	rc = open311_create(r->db, &in, code, &id, token);
	if (rc == RC_OK)
		rc = apikey_touch(r->db, key_id);
	if (rc == RC_OK)
		rc = req_audit(r, NULL, "event", arena_printf(&r->arena, "%lld", (long long)id), 0,
			       json_pack("{s:s, s:s, s:I}", "category", service, "code", code,
					 "api_key_id", (json_int_t)key_id));
	rc = req_tx_end(r, rc);
	if (rc != RC_OK)
		return rc;
	char notice[128];
	if (open311_notice(r->db, service, english(r), notice, sizeof(notice)) != RC_OK)
		notice[0] = '\0';
	return reply(r, 201, xml, "service_requests",
		     json_pack("[{s:s, s:s, s:s, s:n}]", "service_request_id",
			       arena_printf(&r->arena, "%lld", (long long)id), "token", token,
			       "service_notice", notice, "account_id"));
}
