/*
 * Input validation.
 */
#include "http/input.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/str.h"

/* The checks of the field's type: a phrase to follow the field's name. */
static const char *type_check(const struct field *f, json_t *v)
{
	if (json_is_null(v)) {
		if (f->flags & FIELD_NULLABLE)
			return NULL;
		return "must not be null";
	}
	switch (f->type) {
	case FT_STRING: {
		if (!json_is_string(v))
			return "must be a string";
		const char *s = json_string_value(v);
		size_t n = json_string_length(v);
		if (memchr(s, '\0', n) != NULL)
			return "must not contain NUL characters";
		long chars = utf8_count(s, n);
		if (chars < 0)
			return "must be valid UTF-8";
		if (f->min && chars < f->min)
			return f->min == 1 ? "must not be empty" : "is too short";
		if (f->max && chars > f->max)
			return "is too long";
		break;
	}
	case FT_INT:
	case FT_ID:
		if (!json_is_integer(v))
			return "must be a whole number";
		if (f->type == FT_ID && json_integer_value(v) < 1)
			return "must be a positive id";
		if (f->type == FT_INT &&
		    (json_integer_value(v) < f->min || json_integer_value(v) > f->max))
			return "is out of range";
		break;
	case FT_NUMBER:
		if (!json_is_number(v) || !isfinite(json_number_value(v)))
			return "must be a number";
		break;
	case FT_BOOL:
		if (!json_is_boolean(v))
			return "must be true or false";
		break;
	case FT_ENUM: {
		if (!json_is_string(v))
			return "must be a string";
		bool ok = false;
		for (const char *const *c = f->choices; *c && !ok; c++)
			ok = strcmp(*c, json_string_value(v)) == 0;
		if (!ok)
			return "is not one of the allowed values";
		break;
	}
	case FT_OBJECT:
		if (!json_is_object(v))
			return "must be an object";
		break;
	case FT_ARRAY:
		if (!json_is_array(v))
			return "must be an array";
		if (f->min && (int64_t)json_array_size(v) < f->min)
			return "has too few items";
		if (f->max && (int64_t)json_array_size(v) > f->max)
			return "has too many items";
		break;
	case FT_DATE: {
		int64_t t;
		if (!json_is_string(v) || clock_parse_iso(json_string_value(v), &t) != 0)
			return "must be a date like 2026-02-15 or 2026-02-15T08:00:00Z";
		break;
	}
	}
	return NULL;
}

const char *input_check(const struct field *f, json_t *v)
{
	const char *why = type_check(f, v);
	if (why == NULL && f->check != NULL && !json_is_null(v))
		why = f->check(v);
	return why;
}

/* Record the refusal of key: the type's phrases follow the field's name,
 * a field check's own sentence stands alone. */
static int refuse(struct req *r, const struct field *f, const char *key, json_t *v)
{
	const char *why = type_check(f, v);
	if (why != NULL)
		return req_fail(r, RC_VALIDATION_FAILED, key, "%s %s", key, why);
	why = f->check != NULL && !json_is_null(v) ? f->check(v) : NULL;
	if (why != NULL)
		return req_fail(r, RC_VALIDATION_FAILED, key, "%s", why);
	return RC_OK;
}

static const struct field *find_field(const struct field *spec, const char *name)
{
	for (const struct field *f = spec; f && f->name; f++)
		if (strcmp(f->name, name) == 0)
			return f;
	return NULL;
}

static int check_object(struct req *r, const struct field *spec, json_t *obj)
{
	const char *key;
	json_t *v;
	json_object_foreach(obj, key, v)
	{
		const struct field *f = find_field(spec, key);
		if (f == NULL)
			return req_fail(r, RC_VALIDATION_FAILED, key, "unknown field '%s'", key);
		int rc = refuse(r, f, key, v);
		if (rc != RC_OK)
			return rc;
	}
	for (const struct field *f = spec; f && f->name; f++)
		if ((f->flags & FIELD_REQUIRED) && json_object_get(obj, f->name) == NULL)
			return req_fail(r, RC_VALIDATION_FAILED, f->name, "%s is required",
					f->name);
	return RC_OK;
}

int input_body(struct req *r)
{
	json_error_t err;
	json_t *obj;
	if (r->body_len == 0) {
		obj = json_object();
	} else {
		obj = json_loadb(r->body, r->body_len, JSON_REJECT_DUPLICATES, &err);
		if (obj == NULL)
			return req_fail(r, RC_INVALID_JSON, NULL,
					"invalid JSON at line %d column %d: %s", err.line,
					err.column, err.text);
	}
	if (!json_is_object(obj)) {
		json_decref(obj);
		return req_fail(r, RC_INVALID_JSON, NULL, "the body must be a JSON object");
	}
	r->in = obj;
	return check_object(r, r->route->body, obj);
}

int input_query(struct req *r, json_t *raw)
{
	json_t *typed = json_object();
	const char *key;
	json_t *v;
	int rc = RC_OK;
	r->query = typed;
	json_object_foreach(raw, key, v)
	{
		const struct field *f = find_field(r->route->query, key);
		if (f == NULL) {
			rc = req_fail(r, RC_VALIDATION_FAILED, key, "unknown query parameter '%s'",
				      key);
			break;
		}
		const char *s = json_string_value(v);
		json_t *val;
		if (f->type == FT_INT || f->type == FT_ID) {
			int64_t n;
			if (!str_to_i64(s, &n)) {
				rc = req_fail(r, RC_VALIDATION_FAILED, key,
					      "%s must be a whole number", key);
				break;
			}
			val = json_integer(n);
		} else if (f->type == FT_BOOL) {
			if (strcmp(s, "true") != 0 && strcmp(s, "false") != 0) {
				rc = req_fail(r, RC_VALIDATION_FAILED, key,
					      "%s must be true or false", key);
				break;
			}
			val = json_boolean(strcmp(s, "true") == 0);
		} else if (f->type == FT_NUMBER) {
			/* Plain decimal notation only: no hex, no inf or nan. */
			char *end = NULL;
			double d = strspn(s, "+-0123456789.eE") == strlen(s) && *s ? strtod(s, &end)
										 : NAN;
			if (end == NULL || *end != '\0' || !isfinite(d)) {
				rc = req_fail(r, RC_VALIDATION_FAILED, key, "%s must be a number",
					      key);
				break;
			}
			val = json_real(d);
		} else {
			val = json_string(s);
			if (val == NULL) {
				rc = req_fail(r, RC_VALIDATION_FAILED, key,
					      "%s must be valid UTF-8", key);
				break;
			}
		}
		rc = refuse(r, f, key, val);
		if (rc != RC_OK) {
			json_decref(val);
			break;
		}
		json_object_set_new(typed, key, val);
	}
	json_decref(raw);
	return rc;
}
