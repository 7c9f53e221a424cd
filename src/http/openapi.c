/*
 * OpenAPI generation.
 */
#include "http/openapi.h"

#include <string.h>

#include "core/embed.h"
#include "core/error.h"
#include "core/log.h"
#include "http/route.h"

#ifndef GRASSROOTS_VERSION
#define GRASSROOTS_VERSION "0.0.0"
#endif

static json_t *field_schema(const struct field *f)
{
	json_t *s;
	switch (f->type) {
	case FT_STRING:
		s = json_pack("{s:s}", "type", "string");
		if (f->min)
			json_object_set_new(s, "minLength", json_integer(f->min));
		if (f->max)
			json_object_set_new(s, "maxLength", json_integer(f->max));
		break;
	case FT_INT:
		s = json_pack("{s:s, s:I}", "type", "integer", "minimum", (json_int_t)f->min);
		if (f->max != INT64_MAX)
			json_object_set_new(s, "maximum", json_integer(f->max));
		break;
	case FT_ID: s = json_pack("{s:s, s:i}", "type", "integer", "minimum", 1); break;
	case FT_NUMBER: s = json_pack("{s:s}", "type", "number"); break;
	case FT_BOOL: s = json_pack("{s:s}", "type", "boolean"); break;
	case FT_ENUM: {
		json_t *e = json_array();
		for (const char *const *c = f->choices; *c; c++)
			json_array_append_new(e, json_string(*c));
		s = json_pack("{s:s, s:o}", "type", "string", "enum", e);
		break;
	}
	case FT_OBJECT: s = json_pack("{s:s}", "type", "object"); break;
	case FT_ARRAY:
		s = json_pack("{s:s, s:{}}", "type", "array", "items");
		if (f->min)
			json_object_set_new(s, "minItems", json_integer(f->min));
		if (f->max)
			json_object_set_new(s, "maxItems", json_integer(f->max));
		break;
	case FT_DATE:
	default:
		s = json_pack("{s:s, s:s}", "type", "string", "pattern",
			      "^[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}:[0-9]{2}Z)?$");
		break;
	}
	if (f->flags & FIELD_NULLABLE)
		json_object_set_new(s, "nullable", json_true());
	if (f->doc)
		json_object_set_new(s, "description", json_string(f->doc));
	return s;
}

static json_t *error_response(const char *desc)
{
	return json_pack("{s:s, s:{s:{s:{s:s}}}}", "description", desc, "content",
			 "application/json", "schema", "$ref", "#/components/schemas/Error");
}

static json_t *operation(const struct route *r)
{
	json_t *op = json_pack("{s:s, s:[s]}", "summary", r->summary ? r->summary : "", "tags",
			       r->tag ? r->tag : "system");
	char opid[160];
	snprintf(opid, sizeof(opid), "%s %s", r->method, r->path);
	json_object_set_new(op, "operationId", json_string(opid));
	if (r->perm != PERM_NONE)
		json_object_set_new(op, "x-permission", json_string(perm_name(r->perm)));
	if (r->flags & ROUTE_PUBLIC)
		json_object_set_new(op, "security", json_array());

	json_t *params = json_array();
	for (const char *p = strchr(r->path, '{'); p; p = strchr(p + 1, '{')) {
		const char *end = strchr(p, '}');
		char name[64];
		snprintf(name, sizeof(name), "%.*s", (int)(end - p - 1), p + 1);
		bool numeric = strcmp(name, "id") == 0 || strstr(name, "_id") != NULL;
		json_array_append_new(params, json_pack("{s:s, s:s, s:b, s:{s:s}}", "name", name,
							"in", "path", "required", 1, "schema",
							"type", numeric ? "integer" : "string"));
	}
	for (const struct field *f = r->query; f && f->name; f++)
		json_array_append_new(params, json_pack("{s:s, s:s, s:b, s:o}", "name", f->name,
							"in", "query", "required",
							(f->flags & FIELD_REQUIRED) != 0, "schema",
							field_schema(f)));
	if (json_array_size(params) > 0)
		json_object_set_new(op, "parameters", params);
	else
		json_decref(params);

	if (r->body != NULL) {
		json_t *props = json_object(), *required = json_array();
		for (const struct field *f = r->body; f->name; f++) {
			json_object_set_new(props, f->name, field_schema(f));
			if (f->flags & FIELD_REQUIRED)
				json_array_append_new(required, json_string(f->name));
		}
		json_t *schema = json_pack("{s:s, s:o, s:b}", "type", "object", "properties", props,
					   "additionalProperties", 0);
		if (json_array_size(required) > 0)
			json_object_set_new(schema, "required", required);
		else
			json_decref(required);
		json_t *content = json_pack("{s:{s:O}}", "application/json", "schema", schema);
		if (r->flags & ROUTE_FORM)
			json_object_set_new(content, "application/x-www-form-urlencoded",
					    json_pack("{s:O}", "schema", schema));
		json_decref(schema);
		json_object_set_new(op, "requestBody",
				    json_pack("{s:b, s:o}", "required", 1, "content", content));
	}

	json_t *responses = json_object();
	char code[8];
	snprintf(code, sizeof(code), "%d", r->ok_status ? r->ok_status : 200);
	json_t *ok = json_pack("{s:s}", "description", "success");
	if (r->response != NULL && r->ok_status != 204) {
		char ref[128];
		snprintf(ref, sizeof(ref), "#/components/schemas/%s", r->response);
		const char *ctype =
			strcmp(r->response, "Metrics") == 0 ? "text/plain" : "application/json";
		json_t *content = json_pack("{s:{s:{s:s}}}", ctype, "schema", "$ref", ref);
		/* A path ending in .{format} answers in JSON or XML. */
		size_t len = strlen(r->path);
		if (len > 9 && strcmp(r->path + len - 9, ".{format}") == 0)
			json_object_set_new(content, "text/xml",
					    json_pack("{s:{s:s}}", "schema", "$ref", ref));
		json_object_set_new(ok, "content", content);
	}
	json_object_set_new(responses, code, ok);
	if (r->flags & ROUTE_OWN_ERRORS) {
		/* Failures are in the route's own format, described with it. */
		json_object_set_new(responses, "400",
				    json_pack("{s:s}", "description", "bad input (own error format)"));
		json_object_set_new(responses, "404",
				    json_pack("{s:s}", "description", "not found (own error format)"));
		if (strcmp(r->method, "GET") != 0)
			json_object_set_new(
				responses, "403",
				json_pack("{s:s}", "description", "refused (own error format)"));
		json_object_set_new(op, "responses", responses);
		return op;
	}
	if (!(r->flags & ROUTE_PUBLIC)) {
		json_object_set_new(responses, "401", error_response("unauthenticated"));
		json_object_set_new(responses, "403", error_response("forbidden or csrf_failed"));
	}
	if (strchr(r->path, '{') != NULL)
		json_object_set_new(responses, "404",
				    error_response("not_found (also outside your scope)"));
	if (r->body != NULL || r->query != NULL)
		json_object_set_new(responses, "422", error_response("validation_failed"));
	if (r->body != NULL) {
		json_object_set_new(responses, "400", error_response("invalid_json"));
		json_object_set_new(responses, "413", error_response("body_too_large"));
		json_object_set_new(responses, "415", error_response("unsupported_media_type"));
	}
	json_object_set_new(op, "responses", responses);
	return op;
}

static json_t *lower_method(const char *m)
{
	char buf[16];
	size_t i = 0;
	for (; m[i] && i < sizeof(buf) - 1; i++)
		buf[i] = (char)(m[i] >= 'A' && m[i] <= 'Z' ? m[i] + 32 : m[i]);
	buf[i] = '\0';
	return json_string(buf);
}

static json_t *schemas(void)
{
	for (const struct embedded_file *f = embedded_assets; f->name; f++) {
		if (strcmp(f->name, "/openapi-schemas.json") != 0)
			continue;
		json_error_t err;
		json_t *s =
			json_loadb((const char *)f->data, f->size, JSON_REJECT_DUPLICATES, &err);
		if (s != NULL)
			return s;
		log_error("openapi-schemas.json: %s at line %d", err.text, err.line);
	}
	return json_object();
}

json_t *openapi_document(void)
{
	json_t *paths = json_object();
	for (size_t i = 0; i < routes_count; i++) {
		const struct route *r = &routes[i];
		json_t *item = json_object_get(paths, r->path);
		if (item == NULL) {
			item = json_object();
			json_object_set_new(paths, r->path, item);
		}
		json_t *m = lower_method(r->method);
		json_object_set_new(item, json_string_value(m), operation(r));
		json_decref(m);
	}
	json_t *codes = json_array();
	for (int rc = 1; rc < RC__COUNT; rc++)
		json_array_append_new(codes, json_string(rc_info(rc)->code));
	json_t *components =
		json_pack("{s:o, s:{s:{s:s, s:s}, s:{s:s, s:s, s:s}}}", "schemas", schemas(),
			  "securitySchemes", "bearerAuth", "type", "http", "scheme", "bearer",
			  "cookieAuth", "type", "apiKey", "in", "cookie", "name", "gr_session");
	json_t *err = json_object_get(json_object_get(components, "schemas"), "Error");
	json_t *code = json_object_get(json_object_get(json_object_get(err, "properties"), "error"),
				       "properties");
	if (code != NULL)
		json_object_set_new(json_object_get(code, "code"), "enum", codes);
	else
		json_decref(codes);
	return json_pack("{s:s, s:{s:s, s:s, s:s}, s:[{s:s}], s:[{s:[]}, {s:[]}], s:o, s:o}",
			 "openapi", "3.0.3", "info", "title", "Grassroots API", "version",
			 GRASSROOTS_VERSION, "description",
			 "Grassroots governance platform. Errors use the envelope "
			 "{\"error\":{\"code\",\"message\",\"field\"}}; lists are paginated with "
			 "limit (at most 200) and offset and return the total. Objects outside "
			 "your data scope answer 404.",
			 "servers", "url", "/", "security", "bearerAuth", "cookieAuth", "paths",
			 paths, "components", components);
}
