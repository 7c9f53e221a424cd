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

/* Type one value given as text (a query parameter or a form field) after
 * its field: *out receives it, or the refusal is recorded on r. */
static int typed_value(struct req *r, const struct field *f, const char *key, const char *s,
		       json_t **out)
{
	json_t *val;
	*out = NULL;
	if (f->type == FT_INT || f->type == FT_ID) {
		int64_t n;
		if (!str_to_i64(s, &n))
			return req_fail(r, RC_VALIDATION_FAILED, key, "%s must be a whole number",
					key);
		val = json_integer(n);
	} else if (f->type == FT_BOOL) {
		if (strcmp(s, "true") != 0 && strcmp(s, "false") != 0)
			return req_fail(r, RC_VALIDATION_FAILED, key, "%s must be true or false",
					key);
		val = json_boolean(strcmp(s, "true") == 0);
	} else if (f->type == FT_NUMBER) {
		/* Plain decimal notation only: no hex, no inf or nan. */
		char *end = NULL;
		double d = strspn(s, "+-0123456789.eE") == strlen(s) && *s ? strtod(s, &end) : NAN;
		if (end == NULL || *end != '\0' || !isfinite(d))
			return req_fail(r, RC_VALIDATION_FAILED, key, "%s must be a number", key);
		val = json_real(d);
	} else if (f->type == FT_OBJECT || f->type == FT_ARRAY) {
		return req_fail(r, RC_VALIDATION_FAILED, key, "%s cannot be given as text", key);
	} else {
		val = json_string(s);
		if (val == NULL)
			return req_fail(r, RC_VALIDATION_FAILED, key, "%s must be valid UTF-8", key);
	}
	int rc = refuse(r, f, key, val);
	if (rc != RC_OK) {
		json_decref(val);
		return rc;
	}
	*out = val;
	return RC_OK;
}

/* Type every member of raw (an object of strings) after spec into typed;
 * what names the kind of input in the refusal of an undeclared one. */
static int typed_object(struct req *r, const struct field *spec, json_t *raw, const char *what,
			json_t *typed)
{
	const char *key;
	json_t *v;
	json_object_foreach(raw, key, v)
	{
		const struct field *f = find_field(spec, key);
		if (f == NULL)
			return req_fail(r, RC_VALIDATION_FAILED, key, "unknown %s '%s'", what, key);
		json_t *val;
		int rc = typed_value(r, f, key, json_string_value(v), &val);
		if (rc != RC_OK)
			return rc;
		json_object_set_new(typed, key, val);
	}
	return RC_OK;
}

int input_query(struct req *r, json_t *raw)
{
	r->query = json_object();
	int rc = typed_object(r, r->route->query, raw, "query parameter", r->query);
	json_decref(raw);
	return rc;
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decode n bytes of a form component ('+' is a space, %XX a byte) into a
 * NUL-terminated arena string; NULL on a malformed escape, a NUL byte or
 * text that is not UTF-8. */
static char *form_decode(struct arena *a, const char *s, size_t n)
{
	char *out = arena_alloc(a, n + 1);
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '+') {
			out[o++] = ' ';
		} else if (s[i] == '%') {
			int hi = i + 2 < n ? hex_value(s[i + 1]) : -1;
			int lo = hi >= 0 ? hex_value(s[i + 2]) : -1;
			if (lo < 0 || (hi == 0 && lo == 0))
				return NULL;
			out[o++] = (char)(hi * 16 + lo);
			i += 2;
		} else if (s[i] == '\0') {
			return NULL;
		} else {
			out[o++] = s[i];
		}
	}
	out[o] = '\0';
	return utf8_count(out, o) < 0 ? NULL : out;
}

int input_form(struct req *r)
{
	json_t *raw = json_object();
	const char *p = r->body ? r->body : "", *end = p + r->body_len;
	int rc = RC_OK;
	while (p < end && rc == RC_OK) {
		const char *amp = memchr(p, '&', (size_t)(end - p));
		const char *stop = amp ? amp : end;
		const char *eq = memchr(p, '=', (size_t)(stop - p));
		const char *kend = eq ? eq : stop;
		char *key = form_decode(&r->arena, p, (size_t)(kend - p));
		char *val = eq ? form_decode(&r->arena, eq + 1, (size_t)(stop - eq - 1)) : "";
		p = amp ? amp + 1 : end;
		if (key == NULL || val == NULL)
			rc = req_fail(r, RC_VALIDATION_FAILED, NULL,
				      "the form body is malformed (a bad %%-escape or not UTF-8)");
		else if (json_object_get(raw, key) != NULL)
			rc = req_fail(r, RC_VALIDATION_FAILED, key, "field '%s' is repeated", key);
		/* An empty field of a form is one left blank: not given. */
		else if (*key != '\0' && *val != '\0')
			json_object_set_new(raw, key, json_string(val));
	}
	r->in = json_object();
	if (rc == RC_OK)
		rc = typed_object(r, r->route->body, raw, "field", r->in);
	json_decref(raw);
	for (const struct field *f = r->route->body; rc == RC_OK && f && f->name; f++)
		if ((f->flags & FIELD_REQUIRED) && json_object_get(r->in, f->name) == NULL)
			rc = req_fail(r, RC_VALIDATION_FAILED, f->name, "%s is required", f->name);
	return rc;
}
