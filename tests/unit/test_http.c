/*
 * Unit tests of the HTTP pipeline's table-driven parts: the router
 * (http/router.h), declared-input validation (http/input.h) and the OpenAPI
 * document generated from the route table (http/openapi.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/str.h"
#include "http/input.h"
#include "http/openapi.h"
#include "http/request.h"
#include "http/route.h"
#include "http/router.h"

/* ---- router ---- */

static int match(struct req *r, const char *method, const char *path)
{
	arena_free(&r->arena);
	memset(r, 0, sizeof(*r));
	return router_match(r, method, path);
}

static void test_router_path_parameters(void **state)
{
	(void)state;
	struct req r;
	memset(&r, 0, sizeof(r));
	int i = match(&r, "GET", "/api/v1/orgs/12/children");
	assert_true(i >= 0);
	assert_string_equal(routes[i].path, "/api/v1/orgs/{id}/children");
	assert_string_equal(routes[i].method, "GET");
	assert_int_equal(r.nparams, 1);
	assert_string_equal(r.params[0], "12");
	assert_int_equal(r.ids[0], 12);

	i = match(&r, "DELETE", "/api/v1/users/5/roles/9");
	assert_true(i >= 0);
	assert_string_equal(routes[i].path, "/api/v1/users/{id}/roles/{grant_id}");
	assert_int_equal(r.nparams, 2);
	assert_int_equal(r.ids[0], 5);
	assert_int_equal(r.ids[1], 9);
	assert_string_equal(r.params[1], "9");

	/* A longer literal path is its own route. */
	i = match(&r, "GET", "/api/v1/orgs/12/children/boundaries");
	assert_true(i >= 0);
	assert_string_equal(routes[i].path, "/api/v1/orgs/{id}/children/boundaries");

	/* Parameters that are not positive integers keep their text, id 0. */
	static const char *const not_ids[] = {"abc", "0", "-3", "12abc", "99999999999999999999"};
	for (size_t k = 0; k < sizeof(not_ids) / sizeof(not_ids[0]); k++) {
		char path[96];
		snprintf(path, sizeof(path), "/api/v1/orgs/%s", not_ids[k]);
		i = match(&r, "GET", path);
		assert_true(i >= 0);
		assert_string_equal(routes[i].path, "/api/v1/orgs/{id}");
		assert_string_equal(r.params[0], not_ids[k]);
		assert_int_equal(r.ids[0], 0);
	}

	/* A string parameter. */
	i = match(&r, "GET", "/api/v1/public/grids/330681109001001");
	assert_true(i >= 0);
	assert_true(routes[i].flags & ROUTE_PUBLIC);
	assert_string_equal(r.params[0], "330681109001001");
	arena_free(&r.arena);
}

static void test_router_misses(void **state)
{
	(void)state;
	struct req r;
	memset(&r, 0, sizeof(r));
	/* Known path, other method. */
	assert_int_equal(match(&r, "GET", "/api/v1/users/5/roles/9"), ROUTER_NO_METHOD);
	assert_int_equal(match(&r, "TRACE", "/api/v1/users"), ROUTER_NO_METHOD);
	assert_int_equal(match(&r, "get", "/healthz"),
			 ROUTER_NO_METHOD); /* methods are case-sensitive */
	assert_int_equal(match(&r, "HEAD", "/api/v1/users/5/unlock"), ROUTER_NO_METHOD);
	/* Unknown paths. */
	assert_int_equal(match(&r, "GET", "/api/v1/nothing"), ROUTER_NO_PATH);
	assert_int_equal(match(&r, "GET", "/"), ROUTER_NO_PATH);
	assert_int_equal(match(&r, "GET", ""), ROUTER_NO_PATH);
	assert_int_equal(match(&r, "GET", "/api/v1"), ROUTER_NO_PATH);
	assert_int_equal(match(&r, "GET", "/API/V1/ME"), ROUTER_NO_PATH);
	/* Trailing slashes and empty segments do not match. */
	assert_int_equal(match(&r, "GET", "/healthz/"), ROUTER_NO_PATH);
	assert_int_equal(match(&r, "GET", "/api/v1/orgs/"), ROUTER_NO_PATH);
	assert_int_equal(match(&r, "GET", "/api/v1/orgs/12/"), ROUTER_NO_PATH);
	assert_int_equal(match(&r, "GET", "/api/v1/orgs/12/children/"), ROUTER_NO_PATH);
	assert_int_equal(match(&r, "GET", "/api/v1/orgs//children"), ROUTER_NO_PATH);
	assert_int_equal(match(&r, "GET", "//api/v1/me"), ROUTER_NO_PATH);
	assert_int_equal(match(&r, "GET", "/api/v1/me?x=1"), ROUTER_NO_PATH);
	/* Too many segments. */
	assert_int_equal(match(&r, "DELETE", "/api/v1/users/5/roles/9/10"), ROUTER_NO_PATH);
	arena_free(&r.arena);
}

/* A parameter followed by a literal other than '/' ends at that literal's
 * last occurrence in the segment: Open311's {id}.{format}. */
static void test_router_dotted_parameters(void **state)
{
	(void)state;
	struct req r;
	memset(&r, 0, sizeof(r));
	int i = match(&r, "GET", "/open311/v2/requests/12.xml");
	assert_true(i >= 0);
	assert_string_equal(routes[i].path, "/open311/v2/requests/{service_request_id}.{format}");
	assert_int_equal(r.nparams, 2);
	assert_string_equal(r.params[0], "12");
	assert_int_equal(r.ids[0], 12);
	assert_string_equal(r.params[1], "xml");

	i = match(&r, "GET", "/open311/v2/services.json");
	assert_true(i >= 0);
	assert_string_equal(routes[i].path, "/open311/v2/services.{format}");
	assert_int_equal(r.nparams, 1);
	assert_string_equal(r.params[0], "json");

	i = match(&r, "POST", "/open311/v2/requests.json");
	assert_true(i >= 0);
	assert_string_equal(routes[i].method, "POST");

	/* The last dot decides: a token with dots keeps them. */
	i = match(&r, "GET", "/open311/v2/tokens/a.b.c.json");
	assert_true(i >= 0);
	assert_string_equal(r.params[0], "a.b.c");
	assert_string_equal(r.params[1], "json");

	/* No dot, nothing before it, or more after the segment: no route. */
	assert_int_equal(match(&r, "GET", "/open311/v2/requests/12"), ROUTER_NO_PATH);
	assert_int_equal(match(&r, "GET", "/open311/v2/requests/.json"), ROUTER_NO_PATH);
	assert_int_equal(match(&r, "GET", "/open311/v2/requests/12."), ROUTER_NO_PATH);
	assert_int_equal(match(&r, "GET", "/open311/v2/services.json/"), ROUTER_NO_PATH);
	assert_int_equal(match(&r, "GET", "/open311/v2/services/1101.json/x"), ROUTER_NO_PATH);
	assert_int_equal(match(&r, "GET", "/open311/v2/services"), ROUTER_NO_PATH);
	assert_int_equal(match(&r, "DELETE", "/open311/v2/requests.json"), ROUTER_NO_METHOD);
	arena_free(&r.arena);
}

static void test_router_head_matches_get(void **state)
{
	(void)state;
	struct req r;
	memset(&r, 0, sizeof(r));
	int g = match(&r, "GET", "/healthz");
	int h = match(&r, "HEAD", "/healthz");
	assert_true(g >= 0);
	assert_int_equal(h, g);
	h = match(&r, "HEAD", "/api/v1/orgs/7");
	assert_true(h >= 0);
	assert_string_equal(routes[h].method, "GET");
	assert_int_equal(r.ids[0], 7);
	arena_free(&r.arena);
}

static void test_router_allowed(void **state)
{
	(void)state;
	struct req r;
	memset(&r, 0, sizeof(r));
	assert_string_equal(router_allowed(&r, "/api/v1/users/5/roles"), "GET, POST");
	assert_string_equal(router_allowed(&r, "/api/v1/session"), "POST, DELETE");
	assert_string_equal(router_allowed(&r, "/nowhere"), "");
	arena_free(&r.arena);
}

/* Every route is reachable: a concrete path made from its pattern comes
 * back to that very route, and no two rows share method and path. */
static void test_router_every_route_reachable(void **state)
{
	(void)state;
	struct req r;
	memset(&r, 0, sizeof(r));
	for (size_t i = 0; i < routes_count; i++) {
		struct sbuf path = {0};
		int nparams = 0;
		for (const char *p = routes[i].path; *p;) {
			if (*p == '{') {
				sbuf_puts(&path, nparams == 0 ? "7" : "330681109001001");
				nparams++;
				p = strchr(p, '}') + 1;
			} else {
				sbuf_append(&path, p, 1);
				p++;
			}
		}
		int got = match(&r, routes[i].method, path.buf);
		if (got != (int)i)
			fail_msg("%s %s (as %s) matched row %d, not %zu", routes[i].method,
				 routes[i].path, path.buf, got, i);
		sbuf_free(&path);
		assert_int_equal(r.nparams, nparams);
		for (size_t k = 0; k < i; k++)
			if (strcmp(routes[k].method, routes[i].method) == 0 &&
			    strcmp(routes[k].path, routes[i].path) == 0)
				fail_msg("duplicate route %s %s", routes[i].method, routes[i].path);
	}
	arena_free(&r.arena);
}

/* ---- input_check ---- */

static void expect_ok(const struct field *f, json_t *v)
{
	const char *why = input_check(f, v);
	if (why != NULL) {
		char *s = json_dumps(v, JSON_ENCODE_ANY);
		fail_msg("%s: %s refused: %s", f->name, s, why);
	}
	json_decref(v);
}

static void expect_bad(const struct field *f, json_t *v)
{
	assert_non_null(v);
	const char *why = input_check(f, v);
	if (why == NULL) {
		char *s = json_dumps(v, JSON_ENCODE_ANY);
		fail_msg("%s: %s accepted", f->name, s);
	}
	assert_true(strlen(why) > 0);
	json_decref(v);
}

static void test_check_strings(void **state)
{
	(void)state;
	const struct field f = {"name", FT_STRING, 0, 2, 4, NULL, NULL, NULL};
	expect_ok(&f, json_string("ab"));
	expect_ok(&f, json_string("网格"));        /* 2 characters, 6 bytes */
	expect_ok(&f, json_string("网格治理"));    /* 4 characters, 12 bytes */
	expect_bad(&f, json_string("网格治理好")); /* 5 characters */
	expect_bad(&f, json_string("abcde"));
	expect_bad(&f, json_string("a"));
	expect_bad(&f, json_string(""));
	expect_bad(&f, json_stringn("a\0b", 3)); /* NUL inside */
	expect_bad(&f, json_stringn("abc\0", 4));
	expect_bad(&f, json_stringn_nocheck("\xff\xfe", 2));
	expect_bad(&f, json_integer(12));
	expect_bad(&f, json_true());
	expect_bad(&f, json_array());
	expect_bad(&f, json_null());

	const struct field empty_ok = {"note", FT_STRING, 0, 0, 0, NULL, NULL, NULL};
	expect_ok(&empty_ok, json_string(""));
	const struct field one = {"title", FT_STRING, 0, 1, 0, NULL, NULL, NULL};
	json_t *e = json_string("");
	assert_string_equal(input_check(&one, e), "must not be empty");
	json_decref(e);
}

static void test_check_ints_and_ids(void **state)
{
	(void)state;
	const struct field f = {"count", FT_INT, 0, -5, 10, NULL, NULL, NULL};
	expect_ok(&f, json_integer(-5));
	expect_ok(&f, json_integer(0));
	expect_ok(&f, json_integer(10));
	expect_bad(&f, json_integer(11));
	expect_bad(&f, json_integer(-6));
	expect_bad(&f, json_integer(INT64_MIN));
	expect_bad(&f, json_real(1.5));
	expect_bad(&f, json_real(2.0));
	expect_bad(&f, json_string("3"));
	expect_bad(&f, json_false());
	expect_bad(&f, json_null());

	const struct field page = {"offset", FT_INT, 0, 0, INT64_MAX, NULL, NULL, NULL};
	expect_ok(&page, json_integer(INT64_MAX));
	expect_bad(&page, json_integer(-1));

	const struct field id = {"org_id", FT_ID, 0, 0, 0, NULL, NULL, NULL};
	expect_ok(&id, json_integer(1));
	expect_ok(&id, json_integer(INT64_MAX));
	expect_bad(&id, json_integer(0));
	expect_bad(&id, json_integer(-1));
	expect_bad(&id, json_string("1"));
	expect_bad(&id, json_real(1.0));
}

static void test_check_bools_enums_objects(void **state)
{
	(void)state;
	const struct field b = {"disabled", FT_BOOL, 0, 0, 0, NULL, NULL, NULL};
	expect_ok(&b, json_true());
	expect_ok(&b, json_false());
	expect_bad(&b, json_integer(1));
	expect_bad(&b, json_string("true"));

	static const char *const choices[] = {"grid", "community", NULL};
	const struct field e = {"level", FT_ENUM, 0, 0, 0, choices, NULL, NULL};
	expect_ok(&e, json_string("grid"));
	expect_ok(&e, json_string("community"));
	expect_bad(&e, json_string("Grid"));
	expect_bad(&e, json_string("town"));
	expect_bad(&e, json_string(""));
	expect_bad(&e, json_string("grid "));
	expect_bad(&e, json_integer(0));

	const struct field o = {"boundary", FT_OBJECT, 0, 0, 0, NULL, NULL, NULL};
	expect_ok(&o, json_object());
	expect_ok(&o, json_pack("{s:s}", "type", "Polygon"));
	expect_bad(&o, json_array());
	expect_bad(&o, json_string("{}"));
}

static void test_check_arrays(void **state)
{
	(void)state;
	const struct field a = {"coordinates", FT_ARRAY, 0, 1, 3, NULL, NULL, NULL};
	expect_bad(&a, json_array());
	expect_ok(&a, json_pack("[i]", 1));
	expect_ok(&a, json_pack("[i,i,i]", 1, 2, 3));
	expect_bad(&a, json_pack("[i,i,i,i]", 1, 2, 3, 4));
	expect_bad(&a, json_object());
	expect_bad(&a, json_string("[1]"));
	const struct field any = {"items", FT_ARRAY, 0, 0, 0, NULL, NULL, NULL};
	expect_ok(&any, json_array());
	json_t *big = json_array();
	for (int i = 0; i < 1000; i++)
		json_array_append_new(big, json_integer(i));
	expect_ok(&any, big);
}

static void test_check_dates(void **state)
{
	(void)state;
	const struct field d = {"from", FT_DATE, 0, 0, 0, NULL, NULL, NULL};
	expect_ok(&d, json_string("2026-02-15"));
	expect_ok(&d, json_string("2026-02-15T08:00:00Z"));
	expect_ok(&d, json_string("2024-02-29"));
	expect_bad(&d, json_string("2026-02-30"));
	expect_bad(&d, json_string("2025-02-29"));
	expect_bad(&d, json_string("15/02/2026"));
	expect_bad(&d, json_string("2026-02-15T08:00:00"));
	expect_bad(&d, json_string("2026-02-15T08:00:00+08:00"));
	expect_bad(&d, json_string(""));
	expect_bad(&d, json_integer(20260215));
}

static void test_check_nullable_and_custom(void **state)
{
	(void)state;
	const struct field n = {"org_id", FT_ID, FIELD_NULLABLE, 0, 0, NULL, NULL, NULL};
	expect_ok(&n, json_null());
	expect_ok(&n, json_integer(3));
	expect_bad(&n, json_integer(0));
	const struct field s = {"boundary", FT_OBJECT, FIELD_NULLABLE, 0, 0, NULL, NULL, NULL};
	expect_ok(&s, json_null());
	const struct field req = {"name", FT_STRING, FIELD_REQUIRED, 1, 10, NULL, NULL, NULL};
	expect_bad(&req, json_null());
}

static const char *only_even(const json_t *v)
{
	return json_integer_value(v) % 2 == 0 ? NULL : "must be even";
}

static void test_check_runs_the_field_check_last(void **state)
{
	(void)state;
	const struct field f = {"n", FT_INT, 0, 0, 100, NULL, only_even, NULL};
	expect_ok(&f, json_integer(4));
	json_t *v = json_integer(5);
	assert_string_equal(input_check(&f, v), "must be even");
	json_decref(v);
	/* The type check comes first: the custom check never sees a string. */
	v = json_string("x");
	const char *why = input_check(&f, v);
	assert_non_null(why);
	assert_string_not_equal(why, "must be even");
	json_decref(v);
	v = json_integer(102);
	assert_string_equal(input_check(&f, v), "is out of range");
	json_decref(v);
}

/* ---- input_body / input_query ---- */

static const char *const kinds[] = {"a", "b", NULL};

static const struct field body_fields[] = {
	{"name", FT_STRING, FIELD_REQUIRED, 1, 8, NULL, NULL, NULL},
	{"count", FT_INT, 0, 0, 100, NULL, NULL, NULL},
	{"org_id", FT_ID, FIELD_NULLABLE, 0, 0, NULL, NULL, NULL},
	{"kind", FT_ENUM, 0, 0, 0, kinds, NULL, NULL},
	{0},
};

static const struct field optional_fields[] = {
	{"note", FT_STRING, 0, 0, 20, NULL, NULL, NULL},
	{0},
};

static const struct field query_fields[] = {
	{"q", FT_STRING, 0, 1, 8, NULL, NULL, NULL},
	{"active", FT_BOOL, 0, 0, 0, NULL, NULL, NULL},
	{"actor_id", FT_ID, 0, 0, 0, NULL, NULL, NULL},
	PAGE_QUERY,
	{0},
};

static const struct route test_route = {
	"POST", "/test", 0,      PERM_NONE, body_fields, query_fields,
	NULL,   NULL,    "test", "test",    NULL,        200, 0,
};
static const struct route optional_route = {
	"POST", "/opt", 0, PERM_NONE, optional_fields, NULL, NULL, NULL, "test", "test", NULL, 200, 0,
};
static const struct route no_body_route = {
	"POST", "/none", 0, PERM_NONE, NULL, NULL, NULL, NULL, "test", "test", NULL, 200, 0,
};

static int body(struct req *r, const struct route *route, const char *text, size_t len)
{
	json_decref(r->in);
	json_decref(r->query);
	arena_free(&r->arena);
	memset(r, 0, sizeof(*r));
	r->route = route;
	r->body = (char *)text;
	r->body_len = len;
	return input_body(r);
}

#define BODY(r, route, lit) body((r), (route), (lit), sizeof(lit) - 1)

static void req_done(struct req *r)
{
	json_decref(r->in);
	json_decref(r->query);
	arena_free(&r->arena);
	memset(r, 0, sizeof(*r));
}

static void test_body_valid(void **state)
{
	(void)state;
	struct req r;
	memset(&r, 0, sizeof(r));
	assert_int_equal(BODY(&r, &test_route, "{\"name\":\"网格\",\"count\":5,\"org_id\":null}"),
			 RC_OK);
	assert_string_equal(in_str(&r, "name"), "网格");
	assert_int_equal(in_int(&r, "count", -1), 5);
	assert_true(in_has(&r, "org_id"));
	assert_int_equal(in_int(&r, "org_id", -1), -1); /* null gives the default */
	assert_false(in_has(&r, "kind"));
	assert_null(in_str(&r, "kind"));

	/* body_len counts, not a terminating NUL. */
	static const char longer[] = "{\"name\":\"x\"}TRAILING GARBAGE";
	assert_int_equal(body(&r, &test_route, longer, 12), RC_OK);
	assert_string_equal(in_str(&r, "name"), "x");
	req_done(&r);
}

static void test_body_empty_becomes_empty_object(void **state)
{
	(void)state;
	struct req r;
	memset(&r, 0, sizeof(r));
	assert_int_equal(body(&r, &optional_route, NULL, 0), RC_OK);
	assert_true(json_is_object(r.in));
	assert_int_equal(json_object_size(r.in), 0);
	assert_int_equal(body(&r, &no_body_route, "", 0), RC_OK);
	assert_true(json_is_object(r.in));
	/* With required fields an empty body is missing them. */
	assert_int_equal(body(&r, &test_route, "", 0), RC_VALIDATION_FAILED);
	assert_string_equal(r.err_field, "name");
	req_done(&r);
}

static void test_body_unknown_field(void **state)
{
	(void)state;
	struct req r;
	memset(&r, 0, sizeof(r));
	assert_int_equal(BODY(&r, &test_route, "{\"name\":\"x\",\"bogus\":1}"),
			 RC_VALIDATION_FAILED);
	assert_int_equal(r.rc, RC_VALIDATION_FAILED);
	assert_string_equal(r.err_field, "bogus");
	assert_non_null(r.err_message);
	assert_non_null(strstr(r.err_message, "bogus"));
	/* No declared body at all: any field is unknown. */
	assert_int_equal(BODY(&r, &no_body_route, "{\"a\":1}"), RC_VALIDATION_FAILED);
	assert_string_equal(r.err_field, "a");
	assert_int_equal(BODY(&r, &no_body_route, "{}"), RC_OK);
	/* Field names are case-sensitive. */
	assert_int_equal(BODY(&r, &test_route, "{\"Name\":\"x\"}"), RC_VALIDATION_FAILED);
	assert_string_equal(r.err_field, "Name");
	req_done(&r);
}

static void test_body_missing_or_invalid_field(void **state)
{
	(void)state;
	struct req r;
	memset(&r, 0, sizeof(r));
	assert_int_equal(BODY(&r, &test_route, "{\"count\":3}"), RC_VALIDATION_FAILED);
	assert_string_equal(r.err_field, "name");
	assert_int_equal(BODY(&r, &test_route, "{\"name\":null}"), RC_VALIDATION_FAILED);
	assert_string_equal(r.err_field, "name");
	assert_int_equal(BODY(&r, &test_route, "{\"name\":\"x\",\"count\":101}"),
			 RC_VALIDATION_FAILED);
	assert_string_equal(r.err_field, "count");
	assert_int_equal(BODY(&r, &test_route, "{\"name\":\"x\",\"count\":\"5\"}"),
			 RC_VALIDATION_FAILED);
	assert_string_equal(r.err_field, "count");
	assert_int_equal(BODY(&r, &test_route, "{\"name\":\"x\",\"org_id\":0}"),
			 RC_VALIDATION_FAILED);
	assert_string_equal(r.err_field, "org_id");
	assert_int_equal(BODY(&r, &test_route, "{\"name\":\"x\",\"kind\":\"c\"}"),
			 RC_VALIDATION_FAILED);
	assert_string_equal(r.err_field, "kind");
	assert_int_equal(BODY(&r, &test_route, "{\"name\":\"123456789\"}"), RC_VALIDATION_FAILED);
	assert_string_equal(r.err_field, "name");
	assert_int_equal(BODY(&r, &test_route, "{\"name\":\"一二三四五六七八\"}"), RC_OK);
	req_done(&r);
}

static void test_body_invalid_json(void **state)
{
	(void)state;
	struct req r;
	memset(&r, 0, sizeof(r));
	static const char *const bad[] = {
		"{\"name\":\"x\",\"name\":\"y\"}", /* duplicate keys */
		"[1,2]",
		"\"name\"",
		"42",
		"null",
		"{",
		"{\"name\":\"x\"} {}",
		"{\"name\":'x'}",
		"{name:\"x\"}",
		"{\"name\":\"x\",}",
		"\xef\xbb\xbf{}",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = body(&r, &test_route, bad[i], strlen(bad[i]));
		if (rc != RC_INVALID_JSON)
			fail_msg("%s: rc %d, expected invalid_json", bad[i], rc);
		assert_int_equal(r.rc, RC_INVALID_JSON);
		assert_non_null(r.err_message);
		assert_null(r.in);
	}
	/* Invalid UTF-8 and escaped NUL inside a string never pass. */
	assert_int_not_equal(BODY(&r, &test_route, "{\"name\":\"\xff\"}"), RC_OK);
	assert_int_not_equal(BODY(&r, &test_route, "{\"name\":\"a\\u0000b\"}"), RC_OK);
	req_done(&r);
}

static int query(struct req *r, const char *json_text)
{
	json_decref(r->in);
	json_decref(r->query);
	arena_free(&r->arena);
	memset(r, 0, sizeof(*r));
	r->route = &test_route;
	json_t *raw = json_loads(json_text, 0, NULL);
	assert_non_null(raw);
	return input_query(r, raw);
}

static int form(struct req *r, const char *text, size_t len)
{
	json_decref(r->in);
	json_decref(r->query);
	arena_free(&r->arena);
	memset(r, 0, sizeof(*r));
	r->route = &test_route;
	r->body = (char *)text;
	r->body_len = len;
	return input_form(r);
}

#define FORM(r, lit) form((r), (lit), sizeof(lit) - 1)

static void test_form_body(void **state)
{
	(void)state;
	struct req r;
	memset(&r, 0, sizeof(r));
	assert_int_equal(FORM(&r, "name=%E7%BD%91%E6%A0%BC&count=5&kind=a&org_id=3"), RC_OK);
	assert_string_equal(in_str(&r, "name"), "网格");
	assert_int_equal(in_int(&r, "count", -1), 5);
	assert_int_equal(in_int(&r, "org_id", -1), 3);
	assert_string_equal(in_str(&r, "kind"), "a");
	/* '+' is a space; empty pieces and empty fields count as not given. */
	assert_int_equal(FORM(&r, "&&name=a+b&count=&kind&"), RC_OK);
	assert_string_equal(in_str(&r, "name"), "a b");
	assert_false(in_has(&r, "count"));
	assert_false(in_has(&r, "kind"));
	assert_int_equal(FORM(&r, "name=%2B%26%3D"), RC_OK);
	assert_string_equal(in_str(&r, "name"), "+&=");

	static const struct {
		const char *body, *field;
	} bad[] = {
		{"count=5", "name"},               /* required */
		{"name=x&count=abc", "count"},     /* typed like a query parameter */
		{"name=x&count=101", "count"},     /* out of range */
		{"name=123456789", "name"},        /* too long */
		{"name=x&kind=c", "kind"},         /* not one of the choices */
		{"name=x&other=1", "other"},       /* undeclared */
		{"name=x&name=y", "name"},         /* repeated */
		{"name=x&org_id=0", "org_id"},     /* not an id */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (form(&r, bad[i].body, strlen(bad[i].body)) != RC_VALIDATION_FAILED)
			fail_msg("%s accepted", bad[i].body);
		assert_string_equal(r.err_field, bad[i].field);
	}
	/* Malformed escapes, NUL bytes and text that is not UTF-8. */
	static const char *const malformed[] = {"name=%ZZ", "name=x%", "name=x%4", "name=%00",
						"name=%E7", "name=%FF", "na%ZZme=x"};
	for (size_t i = 0; i < sizeof(malformed) / sizeof(malformed[0]); i++)
		if (form(&r, malformed[i], strlen(malformed[i])) != RC_VALIDATION_FAILED)
			fail_msg("%s accepted", malformed[i]);
	assert_int_equal(FORM(&r, "name=a\0b"), RC_VALIDATION_FAILED);
	/* body_len counts, not a terminating NUL. */
	assert_int_equal(form(&r, "name=xy&count=abc", 7), RC_OK);
	assert_string_equal(in_str(&r, "name"), "xy");
	req_done(&r);
}

static void test_query_parameters(void **state)
{
	(void)state;
	struct req r;
	memset(&r, 0, sizeof(r));
	assert_int_equal(query(&r, "{}"), RC_OK);
	struct page p = req_page(&r);
	assert_int_equal(p.limit, 50);
	assert_int_equal(p.offset, 0);

	assert_int_equal(
		query(&r, "{\"limit\":\"10\",\"offset\":\"20\",\"q\":\"网格\",\"active\":\"true\","
			  "\"actor_id\":\"7\"}"),
		RC_OK);
	p = req_page(&r);
	assert_int_equal(p.limit, 10);
	assert_int_equal(p.offset, 20);
	assert_string_equal(q_str(&r, "q"), "网格");
	assert_int_equal(q_int(&r, "actor_id", 0), 7);
	assert_true(json_is_true(json_object_get(r.query, "active")));

	static const struct {
		const char *raw, *field;
	} bad[] = {
		{"{\"limit\":\"0\"}", "limit"},       {"{\"limit\":\"201\"}", "limit"},
		{"{\"limit\":\"ten\"}", "limit"},     {"{\"limit\":\" 10\"}", "limit"},
		{"{\"offset\":\"-1\"}", "offset"},    {"{\"active\":\"yes\"}", "active"},
		{"{\"actor_id\":\"0\"}", "actor_id"}, {"{\"q\":\"\"}", "q"},
		{"{\"q\":\"123456789\"}", "q"},       {"{\"unknown\":\"1\"}", "unknown"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (query(&r, bad[i].raw) != RC_VALIDATION_FAILED)
			fail_msg("%s accepted", bad[i].raw);
		assert_string_equal(r.err_field, bad[i].field);
	}
	req_done(&r);
}

/* ---- OpenAPI ---- */

static void lower(const char *m, char *out, size_t len)
{
	size_t i = 0;
	for (; m[i] && i + 1 < len; i++)
		out[i] = (char)(m[i] >= 'A' && m[i] <= 'Z' ? m[i] + 32 : m[i]);
	out[i] = '\0';
}

static json_t *find_param(json_t *op, const char *in, const char *name)
{
	json_t *params = json_object_get(op, "parameters");
	size_t i;
	json_t *p;
	json_array_foreach(params, i, p)
	{
		if (strcmp(json_string_value(json_object_get(p, "in")), in) == 0 &&
		    strcmp(json_string_value(json_object_get(p, "name")), name) == 0)
			return p;
	}
	return NULL;
}

static void test_openapi_describes_every_route(void **state)
{
	(void)state;
	json_t *doc = openapi_document();
	assert_non_null(doc);
	const char *version = json_string_value(json_object_get(doc, "openapi"));
	assert_non_null(version);
	assert_true(strncmp(version, "3.", 2) == 0);
	json_t *paths = json_object_get(doc, "paths");
	assert_true(json_is_object(paths));

	size_t operations = 0;
	const char *pk;
	json_t *pv;
	json_object_foreach(paths, pk, pv) operations += json_object_size(pv);
	assert_int_equal(operations, routes_count);

	for (size_t i = 0; i < routes_count; i++) {
		const struct route *rt = &routes[i];
		char m[16];
		lower(rt->method, m, sizeof(m));
		json_t *op = json_object_get(json_object_get(paths, rt->path), m);
		if (op == NULL)
			fail_msg("%s %s is missing from the API description", rt->method, rt->path);
		const char *summary = json_string_value(json_object_get(op, "summary"));
		if (summary == NULL || summary[0] == '\0')
			fail_msg("%s %s has no summary", rt->method, rt->path);

		json_t *responses = json_object_get(op, "responses");
		char ok[8];
		snprintf(ok, sizeof(ok), "%d", rt->ok_status ? rt->ok_status : 200);
		if (json_object_get(responses, ok) == NULL)
			fail_msg("%s %s does not document its %s", rt->method, rt->path, ok);
		if (!(rt->flags & ROUTE_PUBLIC) && json_object_get(responses, "401") == NULL)
			fail_msg("%s %s needs sign-in but does not document 401", rt->method,
				 rt->path);
		if (rt->flags & ROUTE_PUBLIC) {
			json_t *sec = json_object_get(op, "security");
			if (!json_is_array(sec) || json_array_size(sec) != 0)
				fail_msg("public %s %s does not waive security", rt->method,
					 rt->path);
		}

		/* Path parameters. */
		for (const char *p = strchr(rt->path, '{'); p; p = strchr(p + 1, '{')) {
			char name[64];
			snprintf(name, sizeof(name), "%.*s", (int)(strchr(p, '}') - p - 1), p + 1);
			json_t *prm = find_param(op, "path", name);
			if (prm == NULL)
				fail_msg("%s %s: path parameter %s undocumented", rt->method,
					 rt->path, name);
			assert_true(json_is_true(json_object_get(prm, "required")));
		}
		/* Query fields. */
		for (const struct field *f = rt->query; f && f->name; f++)
			if (find_param(op, "query", f->name) == NULL)
				fail_msg("%s %s: query parameter %s undocumented", rt->method,
					 rt->path, f->name);
		/* Body fields. */
		if (rt->body != NULL) {
			json_t *schema = json_object_get(
				json_object_get(json_object_get(json_object_get(op, "requestBody"),
								"content"),
						"application/json"),
				"schema");
			json_t *props = json_object_get(schema, "properties");
			if (props == NULL)
				fail_msg("%s %s: request body undocumented", rt->method, rt->path);
			size_t declared = 0;
			for (const struct field *f = rt->body; f->name; f++) {
				declared++;
				if (json_object_get(props, f->name) == NULL)
					fail_msg("%s %s: body field %s undocumented", rt->method,
						 rt->path, f->name);
				bool listed = false;
				size_t k;
				json_t *req;
				json_array_foreach(json_object_get(schema, "required"), k, req)
					listed = listed ||
						 strcmp(json_string_value(req), f->name) == 0;
				if (listed != ((f->flags & FIELD_REQUIRED) != 0))
					fail_msg("%s %s: body field %s required flag differs",
						 rt->method, rt->path, f->name);
			}
			assert_int_equal(json_object_size(props), declared);
			/* Unknown fields are refused, and the description says so. */
			assert_true(json_is_false(json_object_get(schema, "additionalProperties")));
			/* Routes with errors of their own answer bad input with 400. */
			assert_non_null(json_object_get(
				responses, rt->flags & ROUTE_OWN_ERRORS ? "400" : "422"));
		} else {
			assert_null(json_object_get(op, "requestBody"));
		}
	}
	json_decref(doc);
}

static int check_refs(json_t *node, json_t *schemas, const char *where)
{
	int found = 0;
	if (json_is_object(node)) {
		const char *k;
		json_t *v;
		json_object_foreach(node, k, v)
		{
			if (strcmp(k, "$ref") == 0) {
				const char *ref = json_string_value(v);
				const char *prefix = "#/components/schemas/";
				if (ref == NULL || strncmp(ref, prefix, strlen(prefix)) != 0)
					fail_msg("%s: $ref %s is not a component schema", where,
						 ref ? ref : "(not a string)");
				if (json_object_get(schemas, ref + strlen(prefix)) == NULL)
					fail_msg("%s: $ref %s does not resolve", where, ref);
				found++;
			} else {
				found += check_refs(v, schemas, k);
			}
		}
	} else if (json_is_array(node)) {
		size_t i;
		json_t *v;
		json_array_foreach(node, i, v) found += check_refs(v, schemas, where);
	}
	return found;
}

static void test_openapi_refs_resolve(void **state)
{
	(void)state;
	json_t *doc = openapi_document();
	json_t *schemas = json_object_get(json_object_get(doc, "components"), "schemas");
	assert_true(json_is_object(schemas));
	assert_true(json_object_size(schemas) > 0);
	/* Every route refers to at least the Error schema or its response. */
	assert_true(check_refs(doc, schemas, "document") >= (int)routes_count);

	/* The error envelope lists every stable error code. */
	json_t *codes = json_object_get(
		json_object_get(
			json_object_get(
				json_object_get(json_object_get(json_object_get(schemas, "Error"),
								"properties"),
						"error"),
				"properties"),
			"code"),
		"enum");
	assert_true(json_is_array(codes));
	for (int rc = 1; rc < RC__COUNT; rc++) {
		bool found = false;
		size_t i;
		json_t *v;
		json_array_foreach(codes, i, v) found =
			found || strcmp(json_string_value(v), rc_info(rc)->code) == 0;
		if (!found)
			fail_msg("error code %s is not in the Error schema", rc_info(rc)->code);
	}
	/* Every success response with a schema names one that exists. */
	for (size_t i = 0; i < routes_count; i++)
		if (routes[i].response != NULL &&
		    json_object_get(schemas, routes[i].response) == NULL)
			fail_msg("%s %s: response schema %s missing", routes[i].method,
				 routes[i].path, routes[i].response);
	json_decref(doc);
}

int main(void)
{
	const struct CMUnitTest router[] = {
		cmocka_unit_test(test_router_path_parameters),
		cmocka_unit_test(test_router_misses),
		cmocka_unit_test(test_router_dotted_parameters),
		cmocka_unit_test(test_router_head_matches_get),
		cmocka_unit_test(test_router_allowed),
		cmocka_unit_test(test_router_every_route_reachable),
	};
	const struct CMUnitTest input[] = {
		cmocka_unit_test(test_check_strings),
		cmocka_unit_test(test_check_ints_and_ids),
		cmocka_unit_test(test_check_bools_enums_objects),
		cmocka_unit_test(test_check_arrays),
		cmocka_unit_test(test_check_dates),
		cmocka_unit_test(test_check_nullable_and_custom),
		cmocka_unit_test(test_check_runs_the_field_check_last),
		cmocka_unit_test(test_body_valid),
		cmocka_unit_test(test_body_empty_becomes_empty_object),
		cmocka_unit_test(test_body_unknown_field),
		cmocka_unit_test(test_body_missing_or_invalid_field),
		cmocka_unit_test(test_body_invalid_json),
		cmocka_unit_test(test_query_parameters),
		cmocka_unit_test(test_form_body),
	};
	const struct CMUnitTest openapi[] = {
		cmocka_unit_test(test_openapi_describes_every_route),
		cmocka_unit_test(test_openapi_refs_resolve),
	};
	int failed = 0;
	failed += cmocka_run_group_tests_name("router", router, NULL, NULL);
	failed += cmocka_run_group_tests_name("input", input, NULL, NULL);
	failed += cmocka_run_group_tests_name("openapi", openapi, NULL, NULL);
	return failed != 0;
}
