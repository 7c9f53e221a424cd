/*
 * API conventions over real HTTP: health, security headers, the error
 * envelope and every stable error code that does not need a special
 * account state, pagination, keep-alive, metrics, the access log, the
 * OpenAPI document and graceful shutdown with a request in flight.
 */
#include "api/harness.h"

#include <curl/curl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static struct server S;
static char *admin_tok; /* sysadmin */
static char *auditor_tok;
static char *county_tok;

static int setup(void **state)
{
	(void)state;
	srv_init(&S, true);
	srv_start(&S, NULL);
	mkuser(&S, "county1", "county_officer", ZHUJI);
	admin_tok = login(&S, "sysadmin", TEST_PASSWORD);
	auditor_tok = login(&S, "auditor", TEST_PASSWORD);
	county_tok = login(&S, "county1", TEST_PASSWORD);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(admin_tok);
	free(auditor_tok);
	free(county_tok);
	srv_cleanup(&S);
	return 0;
}

static void test_healthz(void **state)
{
	(void)state;
	struct resp *r = call(&S, "GET", "/healthz", NULL, NULL);
	assert_status(r, 200);
	assert_string_equal(jstr(r->json, "status"), "ok");
	assert_true(jint(r->json, "schema") >= 1);
	resp_free(r);
	r = call(&S, "HEAD", "/healthz", NULL, NULL);
	assert_status(r, 200);
	assert_int_equal(r->len, 0);
	resp_free(r);
}

static void check_security_headers(struct resp *r)
{
	const char *csp = resp_header(r, "Content-Security-Policy");
	assert_non_null(csp);
	assert_non_null(strstr(csp, "script-src 'self'"));
	assert_non_null(strstr(csp, "frame-ancestors 'none'"));
	assert_null(strstr(csp, "unsafe-inline"));
	assert_null(strstr(csp, "unsafe-eval"));
	assert_string_equal(resp_header(r, "X-Content-Type-Options"), "nosniff");
	assert_string_equal(resp_header(r, "Referrer-Policy"), "no-referrer");
	const char *rid = resp_header(r, "X-Request-Id");
	assert_non_null(rid);
	assert_int_equal(strlen(rid), 16);
}

static void test_security_headers_everywhere(void **state)
{
	(void)state;
	const char *paths[] = {"/",        "/api/v1/me", "/api/v1/nowhere",
			       "/healthz", "/metrics",   "/missing.js"};
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		struct resp *r = call(&S, "GET", paths[i], NULL, NULL);
		check_security_headers(r);
		resp_free(r);
	}
	struct resp *r = call(&S, "GET", "/api/v1/me", admin_tok, NULL);
	assert_status(r, 200);
	check_security_headers(r);
	assert_string_equal(resp_header(r, "Cache-Control"), "no-store");
	resp_free(r);
}

static void test_static_assets(void **state)
{
	(void)state;
	struct resp *r = call(&S, "GET", "/", NULL, NULL);
	assert_status(r, 200);
	assert_non_null(strstr(resp_header(r, "Content-Type"), "text/html"));
	const char *etag = resp_header(r, "ETag");
	assert_non_null(etag);
	char inm[128];
	snprintf(inm, sizeof(inm), "If-None-Match: %s", etag);
	resp_free(r);
	const char *h[] = {inm, NULL};
	r = call_raw(&S, "GET", "/index.html", h, NULL, 0);
	assert_status(r, 304);
	resp_free(r);
	r = call(&S, "GET", "/no/such/file.js", NULL, NULL);
	assert_status(r, 404);
	resp_free(r);
}

static void expect_error(struct resp *r, int status, const char *code)
{
	assert_status(r, status);
	assert_non_null(r->json);
	assert_string_equal(err_code(r), code);
	assert_true(strlen(jstr(r->json, "error.message")) > 0);
	assert_non_null(strstr(resp_header(r, "Content-Type"), "application/json"));
	resp_free(r);
}

static void test_error_codes(void **state)
{
	(void)state;
	/* invalid_json */
	expect_error(call(&S, "POST", "/api/v1/session", NULL, "{\"username\": "), 400,
		     "invalid_json");
	expect_error(call(&S, "POST", "/api/v1/session", NULL, "[1,2]"), 400, "invalid_json");
	expect_error(call(&S, "POST", "/api/v1/session", NULL,
			  "{\"username\":\"a\",\"username\":\"b\",\"password\":\"x\"}"),
		     400, "invalid_json");
	/* unauthenticated: no token, and a token that is not valid */
	expect_error(call(&S, "GET", "/api/v1/me", NULL, NULL), 401, "unauthenticated");
	expect_error(
		call(&S, "GET", "/api/v1/me", "not-a-real-token-at-all-not-a-real-token-12", NULL),
		401, "unauthenticated");
	/* invalid_credentials */
	expect_error(call(&S, "POST", "/api/v1/session", NULL,
			  "{\"username\":\"sysadmin\",\"password\":\"wrong-password-1\"}"),
		     401, "invalid_credentials");
	/* forbidden: the auditor may not create accounts */
	expect_error(call(&S, "POST", "/api/v1/users", auditor_tok,
			  "{\"username\":\"x1234\",\"display_name\":\"x\",\"password\":\"Long-"
			  "enough-pw\"}"),
		     403, "forbidden");
	/* not_found: unknown route, unknown object */
	expect_error(call(&S, "GET", "/api/v1/nowhere", admin_tok, NULL), 404, "not_found");
	expect_error(call(&S, "GET", "/api/v1/users/987654", admin_tok, NULL), 404, "not_found");
	/* method_not_allowed with Allow */
	struct resp *r = call(&S, "DELETE", "/api/v1/users", admin_tok, NULL);
	assert_status(r, 405);
	assert_non_null(strstr(resp_header(r, "Allow"), "POST"));
	expect_error(r, 405, "method_not_allowed");
	/* conflict */
	r = call(&S, "POST", "/api/v1/users", admin_tok,
		 "{\"username\":\"twin\",\"display_name\":\"Twin\",\"password\":\"Long-enough-"
		 "pw\"}");
	assert_status(r, 201);
	resp_free(r);
	expect_error(call(&S, "POST", "/api/v1/users", admin_tok,
			  "{\"username\":\"twin\",\"display_name\":\"Twin\",\"password\":\"Long-"
			  "enough-pw\"}"),
		     409, "conflict");
	/* unsupported_media_type */
	char auth[256];
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", admin_tok);
	const char *h[] = {auth, "Content-Type: text/plain", NULL};
	expect_error(call_raw(&S, "POST", "/api/v1/users", h, "hello", 5), 415,
		     "unsupported_media_type");
	/* validation_failed, naming the field */
	r = call(&S, "POST", "/api/v1/users", admin_tok,
		 "{\"username\":\"ok123\",\"display_name\":\"x\",\"password\":\"Long-enough-pw\","
		 "\"admin\":true}");
	assert_string_equal(err_field(r), "admin");
	expect_error(r, 422, "validation_failed");
	r = call(&S, "POST", "/api/v1/users", admin_tok,
		 "{\"username\":\"ok123\",\"display_name\":\"x\"}");
	assert_string_equal(err_field(r), "password");
	expect_error(r, 422, "validation_failed");
	r = call(&S, "POST", "/api/v1/users", admin_tok,
		 "{\"username\":\"ok123\",\"display_name\":\"x\",\"password\":\"short\"}");
	assert_string_equal(err_field(r), "password");
	expect_error(r, 422, "validation_failed");
	r = call(&S, "POST", "/api/v1/users", admin_tok,
		 "{\"username\":\"9bad\",\"display_name\":\"x\",\"password\":\"Long-enough-pw\"}");
	assert_string_equal(err_field(r), "username");
	expect_error(r, 422, "validation_failed");
	r = call(&S, "GET", "/api/v1/users?limit=201", admin_tok, NULL);
	assert_string_equal(err_field(r), "limit");
	expect_error(r, 422, "validation_failed");
	r = call(&S, "GET", "/api/v1/users?sort=name", admin_tok, NULL);
	assert_string_equal(err_field(r), "sort");
	expect_error(r, 422, "validation_failed");
	r = call(&S, "GET", "/api/v1/users?limit=abc", admin_tok, NULL);
	expect_error(r, 422, "validation_failed");
}

static void test_body_too_large(void **state)
{
	(void)state;
	size_t n = 1100 * 1024;
	char *big = malloc(n);
	memset(big, ' ', n);
	big[0] = '{';
	big[n - 1] = '}';
	char auth[256];
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", admin_tok);
	const char *h[] = {auth, "Content-Type: application/json", NULL};
	expect_error(call_raw(&S, "POST", "/api/v1/users", h, big, n), 413, "body_too_large");
	/* A client that waits for 100-continue is refused before it sends. */
	const char *he[] = {auth, "Content-Type: application/json", "Expect: 100-continue", NULL};
	expect_error(call_raw(&S, "POST", "/api/v1/users", he, big, n), 413, "body_too_large");
	/* Nothing was created and the server still answers. */
	struct resp *r = call(&S, "GET", "/healthz", NULL, NULL);
	assert_status(r, 200);
	resp_free(r);
	free(big);
}

static void test_pagination(void **state)
{
	(void)state;
	int64_t county = org_id(&S, county_tok, ZHUJI);
	char path[128];
	snprintf(path, sizeof(path), "/api/v1/orgs/%lld/children?limit=5", (long long)county);
	struct resp *r = call(&S, "GET", path, county_tok, NULL);
	assert_status(r, 200);
	assert_int_equal(json_array_size(jget(r->json, "items")), 5);
	assert_int_equal(jint(r->json, "total"), 23);
	assert_int_equal(jint(r->json, "limit"), 5);
	resp_free(r);
	snprintf(path, sizeof(path), "/api/v1/orgs/%lld/children?limit=5&offset=20",
		 (long long)county);
	r = call(&S, "GET", path, county_tok, NULL);
	assert_int_equal(json_array_size(jget(r->json, "items")), 3);
	assert_int_equal(jint(r->json, "offset"), 20);
	resp_free(r);
	/* The default page is 50 and the maximum 200. */
	r = call(&S, "GET", "/api/v1/orgs?level=community", county_tok, NULL);
	assert_int_equal(json_array_size(jget(r->json, "items")), 50);
	assert_int_equal(jint(r->json, "total"), 515);
	resp_free(r);
	r = call(&S, "GET", "/api/v1/orgs?level=community&limit=200", county_tok, NULL);
	assert_int_equal(json_array_size(jget(r->json, "items")), 200);
	resp_free(r);
}

static size_t sink(char *p, size_t s, size_t n, void *u)
{
	(void)p;
	(void)u;
	return s * n;
}

static void test_keep_alive(void **state)
{
	(void)state;
	CURL *c = curl_easy_init();
	char url[128];
	snprintf(url, sizeof(url), "%s/healthz", S.base);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sink);
	assert_int_equal(curl_easy_perform(c), CURLE_OK);
	long conns = -1;
	curl_easy_getinfo(c, CURLINFO_NUM_CONNECTS, &conns);
	assert_int_equal(conns, 1);
	/* The second request, a POST with a body, reuses the connection. */
	snprintf(url, sizeof(url), "%s/api/v1/session", S.base);
	curl_easy_setopt(c, CURLOPT_URL, url);
	struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, "{\"username\":\"nobody\",\"password\":\"x\"}");
	assert_int_equal(curl_easy_perform(c), CURLE_OK);
	long status = 0;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	assert_int_equal(status, 401);
	curl_easy_getinfo(c, CURLINFO_NUM_CONNECTS, &conns);
	assert_int_equal(conns, 0);
	/* And a third. */
	snprintf(url, sizeof(url), "%s/healthz", S.base);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
	assert_int_equal(curl_easy_perform(c), CURLE_OK);
	curl_easy_getinfo(c, CURLINFO_NUM_CONNECTS, &conns);
	assert_int_equal(conns, 0);
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
}

static void test_metrics(void **state)
{
	(void)state;
	struct resp *r = call(&S, "GET", "/healthz", NULL, NULL);
	resp_free(r);
	r = call(&S, "GET", "/api/v1/orgs/424242", county_tok, NULL);
	resp_free(r);
	r = call(&S, "GET", "/metrics", NULL, NULL);
	assert_status(r, 200);
	assert_non_null(strstr(resp_header(r, "Content-Type"), "text/plain; version=0.0.4"));
	const char *line = strstr(r->body, "grassroots_http_requests_total{method=\"GET\",route=\"/"
					   "healthz\",status=\"200\"} ");
	assert_non_null(line);
	assert_true(atol(strchr(line, '}') + 2) >= 2);
	assert_non_null(strstr(r->body, "grassroots_http_requests_total{method=\"GET\",route=\"/"
					"api/v1/orgs/{id}\",status=\"404\"} 1"));
	assert_non_null(strstr(r->body, "grassroots_http_request_duration_seconds_bucket{method="
					"\"GET\",route=\"/healthz\",le=\"+Inf\"}"));
	assert_non_null(
		strstr(r->body, "# TYPE grassroots_http_request_duration_seconds histogram"));
	assert_non_null(strstr(r->body, "grassroots_db_busy_waits_total "));
	assert_non_null(strstr(r->body, "grassroots_db_busy_errors_total "));
	const char *sess = strstr(r->body, "\ngrassroots_sessions_active ");
	assert_non_null(sess);
	assert_true(atol(sess + strlen("\ngrassroots_sessions_active ")) >= 3);
	resp_free(r);
}

static void test_access_log(void **state)
{
	(void)state;
	struct resp *r = call(&S, "GET", "/api/v1/me", county_tok, NULL);
	assert_status(r, 200);
	char rid[32];
	snprintf(rid, sizeof(rid), "%s", resp_header(r, "X-Request-Id"));
	int64_t uid = jint(r->json, "id");
	resp_free(r);
	/* The line is written within 200 ms of the response completing. */
	char *out = NULL;
	json_t *line = NULL;
	for (int i = 0; i < 150 && line == NULL; i++) {
		sh(&out, "grep '\"request_id\":\"%s\"' %s", rid, S.log);
		json_error_t err;
		line = json_loads(out, JSON_DISABLE_EOF_CHECK, &err);
		free(out);
		if (line == NULL)
			usleep(20000);
	}
	assert_non_null(line);
	assert_string_equal(jstr(line, "method"), "GET");
	assert_string_equal(jstr(line, "route"), "/api/v1/me");
	assert_int_equal(jint(line, "status"), 200);
	assert_true(jint(line, "bytes") > 10);
	assert_true(json_is_integer(jget(line, "us")));
	assert_int_equal(jint(line, "user"), uid);
	assert_true(strlen(jstr(line, "time")) >= 20);
	json_decref(line);
}

static void test_openapi(void **state)
{
	(void)state;
	struct resp *r = call(&S, "GET", "/api/v1/openapi.json", NULL, NULL);
	assert_status(r, 200);
	assert_string_equal(jstr(r->json, "openapi"), "3.0.3");
	json_t *paths = jget(r->json, "paths");
	assert_true(json_object_size(paths) >= 20);
	const char *must[][2] = {{"/api/v1/session", "post"},
				 {"/api/v1/users/{id}/roles", "post"},
				 {"/api/v1/orgs/{id}/boundary", "put"},
				 {"/api/v1/audit", "get"},
				 {"/healthz", "get"},
				 {"/metrics", "get"}};
	for (size_t i = 0; i < sizeof(must) / sizeof(must[0]); i++) {
		json_t *op = json_object_get(json_object_get(paths, must[i][0]), must[i][1]);
		assert_non_null(op);
		assert_true(strlen(jstr(op, "summary")) > 0);
		assert_non_null(jget(op, "responses"));
	}
	assert_non_null(jget(r->json, "components.schemas.Error"));
	resp_free(r);
}

struct slow {
	struct server *s;
	long status;
	char body[8192];
};

static size_t slow_read(char *buf, size_t size, size_t n, void *ud)
{
	static int part;
	static const char *parts[] = {"{\"username\":\"sysadmin\",",
				      "\"password\":\"" TEST_PASSWORD "\"}"};
	(void)ud;
	if (part >= 2)
		return 0;
	if (part == 1)
		usleep(400 * 1000); /* SIGTERM arrives meanwhile */
	size_t len = strlen(parts[part]);
	if (len > size * n)
		return CURL_READFUNC_ABORT;
	memcpy(buf, parts[part], len);
	part++;
	return len;
}

static size_t slow_write(char *p, size_t s, size_t n, void *ud)
{
	struct slow *sl = ud;
	size_t have = strlen(sl->body), add = s * n;
	if (have + add < sizeof(sl->body))
		strncat(sl->body, p, add);
	return add;
}

static void *slow_request(void *arg)
{
	struct slow *sl = arg;
	CURL *c = curl_easy_init();
	char url[128];
	snprintf(url, sizeof(url), "%s/api/v1/session", sl->s->base);
	struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
	h = curl_slist_append(h, "Expect:");
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_POST, 1L);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_READFUNCTION, slow_read);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE,
			 (long)(strlen("{\"username\":\"sysadmin\",") +
				strlen("\"password\":\"" TEST_PASSWORD "\"}")));
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, slow_write);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, sl);
	if (curl_easy_perform(c) == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &sl->status);
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	return NULL;
}

/* Last: SIGTERM while a request is half-way through its body.  The
 * request completes, new connections are refused, the exit status is 0. */
static void test_graceful_shutdown(void **state)
{
	(void)state;
	struct slow sl = {.s = &S};
	pthread_t t;
	pthread_create(&t, NULL, slow_request, &sl);
	usleep(150 * 1000);
	kill(S.pid, SIGTERM);
	usleep(100 * 1000);
	struct resp *r = call(&S, "GET", "/healthz", NULL, NULL);
	assert_int_equal(r->status, 0); /* no longer accepting */
	resp_free(r);
	pthread_join(t, NULL);
	assert_int_equal(sl.status, 200);
	assert_non_null(strstr(sl.body, "\"token\""));
	int st = 0;
	waitpid(S.pid, &st, 0);
	S.pid = -1;
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	/* The database was checkpointed: no write-ahead log is left behind. */
	char wal[300];
	snprintf(wal, sizeof(wal), "%s-wal", S.db);
	assert_int_not_equal(access(wal, F_OK), 0);
}

int main(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_healthz),
		cmocka_unit_test(test_security_headers_everywhere),
		cmocka_unit_test(test_static_assets),
		cmocka_unit_test(test_error_codes),
		cmocka_unit_test(test_body_too_large),
		cmocka_unit_test(test_pagination),
		cmocka_unit_test(test_keep_alive),
		cmocka_unit_test(test_metrics),
		cmocka_unit_test(test_access_log),
		cmocka_unit_test(test_openapi),
		cmocka_unit_test(test_graceful_shutdown),
	};
	int rc = cmocka_run_group_tests_name("api_core", tests, setup, teardown);
	curl_global_cleanup();
	return rc;
}
