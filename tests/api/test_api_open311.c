/*
 * Open311 GeoReport v2 over HTTP: every endpoint in JSON and in XML (read
 * back with libxml2), the spec's required fields, its error list for bad
 * input (400), bad keys (403) and unknown things (404), a request filed and
 * read back, its status going from open to closed as staff handle the
 * event through the normal API, API keys issued, listed and revoked, and
 * no personal data in any answer: no staff name, no reporter's contact
 * details, no note written by staff, no event reported any other way.
 */
#include "api/harness.h"

#include <curl/curl.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct server S;
static char *sys, *county, *town, *comm, *dept, *aud;
static char key[64], key_other[64];
static int64_t key_id, grid_id, address_id, unit_id, dept_id;

/* Every Open311 answer, to look for personal data at the end. */
static char *seen;
static size_t seen_len;

/* Staff accounts and the names they are shown with. */
static const char *const staff_names[] = {"o3_county", "o3_town",    "o3_comm",    "o3_dept",
					  "主任李九",  "调度员钱七", "网格长孙八", "处置员赵六"};

/* What a client may send about its user, which must never come back (a
 * piece of a printf format). */
#define CONTACT                                                                         \
	"email=reporter%%40example.com&first_name=Reporterfirst&last_name=Reporterlast" \
	"&phone=13912345678&device_id=device-xyz-123&account_id=acct-456"

/* A square around 枫源村's grid: 120.1-120.2 E, 29.6-29.7 N. */
static const char *square = "{\"type\":\"Polygon\",\"coordinates\":[[[120.1,29.6],[120.2,29.6],"
			    "[120.2,29.7],[120.1,29.7],[120.1,29.6]]]}";

static void remember(const struct resp *r)
{
	seen = realloc(seen, seen_len + r->len + 2);
	memcpy(seen + seen_len, r->body, r->len);
	seen_len += r->len;
	seen[seen_len++] = '\n';
	seen[seen_len] = '\0';
}

/* GET an Open311 path (printf format), without a session. */
static struct resp *get311(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static struct resp *get311(const char *fmt, ...)
{
	char path[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	struct resp *r = call_raw(&S, "GET", path, NULL, NULL, 0);
	remember(r);
	return r;
}

/* POST a form body (printf format) to path. */
static struct resp *post_form(const char *path, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static struct resp *post_form(const char *path, const char *fmt, ...)
{
	char body[8192];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(body, sizeof(body), fmt, ap);
	va_end(ap);
	static const char *const h[] = {"Content-Type: application/x-www-form-urlencoded", NULL};
	struct resp *r = call_raw(&S, "POST", path, h, body, strlen(body));
	remember(r);
	return r;
}

/* POST a JSON body (printf format) to path, without a session. */
static struct resp *post_json(const char *path, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static struct resp *post_json(const char *path, const char *fmt, ...)
{
	char body[8192];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(body, sizeof(body), fmt, ap);
	va_end(ap);
	static const char *const h[] = {"Content-Type: application/json", NULL};
	struct resp *r = call_raw(&S, "POST", path, h, body, strlen(body));
	remember(r);
	return r;
}

/* ---- XML read with libxml2 ---- */

static xmlDocPtr xml_of(const struct resp *r, const char *root)
{
	const char *ct = resp_header((struct resp *)r, "Content-Type");
	if (ct == NULL || strncmp(ct, "text/xml", 8) != 0)
		fail_msg("Content-Type %s is not text/xml", ct ? ct : "(none)");
	if (strncmp(r->body, "<?xml version=\"1.0\" encoding=\"utf-8\"?>", 38) != 0)
		fail_msg("no XML declaration: %.100s", r->body);
	xmlDocPtr d = xmlReadMemory(r->body, (int)r->len, "open311.xml", NULL,
				    XML_PARSE_NONET | XML_PARSE_NOBLANKS);
	if (d == NULL)
		fail_msg("not well-formed XML: %.400s", r->body);
	xmlNodePtr n = xmlDocGetRootElement(d);
	if (n == NULL || strcmp((const char *)n->name, root) != 0)
		fail_msg("root element %s, expected %s", n ? (const char *)n->name : "none", root);
	return d;
}

static xmlNodePtr root_of(xmlDocPtr d)
{
	return xmlDocGetRootElement(d);
}

/* First child element called name, or NULL. */
static xmlNodePtr child(xmlNodePtr n, const char *name)
{
	for (xmlNodePtr c = n ? n->children : NULL; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, name) == 0)
			return c;
	return NULL;
}

static int count(xmlNodePtr n, const char *name)
{
	int k = 0;
	for (xmlNodePtr c = n ? n->children : NULL; c; c = c->next)
		k += c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, name) == 0;
	return k;
}

/* The text of child name (a static copy; "" for an empty element). */
static const char *text(xmlNodePtr n, const char *name)
{
	static char ring[4][8192];
	static int next;
	xmlNodePtr c = child(n, name);
	if (c == NULL)
		fail_msg("no element <%s> in <%s>", name, n ? (const char *)n->name : "?");
	xmlChar *t = xmlNodeGetContent(c);
	char *slot = ring[next++ % 4];
	snprintf(slot, 8192, "%s", t ? (const char *)t : "");
	xmlFree(t);
	return slot;
}

/* A 400/403/404 in Open311's list, in the format asked for. */
static void expect_error(struct resp *r, long status, bool xml)
{
	assert_status(r, status);
	if (xml) {
		xmlDocPtr d = xml_of(r, "errors");
		xmlNodePtr e = child(root_of(d), "error");
		assert_non_null(e);
		assert_int_equal(atoi(text(e, "code")), status);
		assert_true(strlen(text(e, "description")) > 0);
		xmlFreeDoc(d);
	} else {
		assert_true(json_is_array(r->json));
		assert_int_equal(json_array_size(r->json), 1);
		assert_int_equal(jint(r->json, "0.code"), status);
		assert_true(strlen(jstr(r->json, "0.description")) > 0);
	}
}

/* ---- set-up ---- */

static void rename_user(int64_t id, const char *display)
{
	char path[64];
	snprintf(path, sizeof(path), "/api/v1/users/%lld", (long long)id);
	struct resp *r = call(&S, "PATCH", path, sys, "{\"display_name\":\"%s\"}", display);
	assert_status(r, 200);
	resp_free(r);
}

static void new_key(const char *name, char out[64], int64_t *id)
{
	struct resp *r = call(&S, "POST", "/api/v1/api-keys", sys, "{\"name\":\"%s\"}", name);
	assert_status(r, 201);
	snprintf(out, 64, "%s", jstr(r->json, "key"));
	if (id != NULL)
		*id = jint(r->json, "id");
	resp_free(r);
}

static int setup(void **state)
{
	(void)state;
	LIBXML_TEST_VERSION;
	srv_init(&S, true);
	srv_start(&S, NULL);
	sys = login(&S, "sysadmin", TEST_PASSWORD);
	aud = login(&S, "auditor", TEST_PASSWORD);
	int64_t ids[4];
	ids[0] = mkuser(&S, "o3_county", "county_officer", ZHUJI);
	ids[1] = mkuser(&S, "o3_town", "town_officer", "330681109");
	ids[2] = mkuser(&S, "o3_comm", "community_worker", "330681109290");
	ids[3] = dept_id = mkuser(&S, "o3_dept", "department_officer", ZHUJI);
	for (int i = 0; i < 4; i++)
		rename_user(ids[i], staff_names[4 + i]);
	county = login(&S, "o3_county", TEST_PASSWORD);
	town = login(&S, "o3_town", TEST_PASSWORD);
	comm = login(&S, "o3_comm", TEST_PASSWORD);
	dept = login(&S, "o3_dept", TEST_PASSWORD);

	/* A grid with its boundary and an address in it. */
	int64_t village = org_id(&S, comm, "330681109290");
	struct resp *r = call(&S, "POST", "/api/v1/orgs", comm,
			      "{\"parent_id\":%lld,\"name\":\"枫源一网格\",\"level\":\"grid\"}",
			      (long long)village);
	assert_status(r, 201);
	grid_id = jint(r->json, "id");
	resp_free(r);
	char path[96];
	snprintf(path, sizeof(path), "/api/v1/orgs/%lld/boundary", (long long)grid_id);
	r = call(&S, "PUT", path, comm, "%s", square);
	assert_status(r, 200);
	resp_free(r);
	r = call(&S, "POST", "/api/v1/addresses", comm,
		 "{\"grid_id\":%lld,\"street\":\"枫源路\",\"number\":\"8号\"}", (long long)grid_id);
	assert_status(r, 201);
	address_id = jint(r->json, "id");
	resp_free(r);

	/* The county's city-management bureau, with its officer. */
	r = call(&S, "POST", "/api/v1/handling-units", county,
		 "{\"name\":\"诸暨市综合行政执法局\",\"name_en\":\"Urban management bureau\","
		 "\"kind\":\"department\",\"org_code\":\"330681\"}");
	assert_status(r, 201);
	unit_id = jint(r->json, "id");
	resp_free(r);
	snprintf(path, sizeof(path), "/api/v1/handling-units/%lld/members", (long long)unit_id);
	r = call(&S, "POST", path, county, "{\"user_id\":%lld}", (long long)dept_id);
	assert_status(r, 200);
	resp_free(r);

	new_key("随手拍", key, &key_id);
	new_key("other client", key_other, NULL);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char *toks[] = {sys, county, town, comm, dept, aud};
	for (size_t i = 0; i < sizeof(toks) / sizeof(toks[0]); i++)
		free(toks[i]);
	free(seen);
	xmlCleanupParser();
	srv_cleanup(&S);
	return 0;
}

/* File a request with a form body in the grid (point); returns its id. */
static int64_t file_request(const char *service, const char *description, char token[64])
{
	struct resp *r =
		post_form("/open311/v2/requests.json",
			  "api_key=%s&service_code=%s&lat=29.65&long=120.15&description=%s", key,
			  service, description);
	assert_status(r, 201);
	int64_t id = atoll(jstr(r->json, "0.service_request_id"));
	assert_true(id > 0);
	if (token != NULL)
		snprintf(token, 64, "%s", jstr(r->json, "0.token"));
	resp_free(r);
	return id;
}

static json_t *request_json(int64_t id, const char *extra)
{
	struct resp *r = get311("/open311/v2/requests/%lld.json%s", (long long)id, extra);
	assert_status(r, 200);
	assert_int_equal(json_array_size(r->json), 1);
	json_t *o = json_incref(json_array_get(r->json, 0));
	resp_free(r);
	return o;
}

/* ---- discovery, services ---- */

static void test_discovery(void **state)
{
	(void)state;
	struct resp *r = get311("/open311/v2/discovery.json");
	assert_status(r, 200);
	assert_string_equal(resp_header(r, "Content-Type"), "application/json; charset=utf-8");
	assert_true(strlen(jstr(r->json, "changeset")) >= 10);
	assert_true(strlen(jstr(r->json, "contact")) > 0);
	assert_true(strlen(jstr(r->json, "key_service")) > 0);
	json_t *ep = jget(r->json, "endpoints.0");
	assert_string_equal(jstr(ep, "specification"), "http://wiki.open311.org/GeoReport_v2");
	const char *url = jstr(ep, "url");
	assert_true(strlen(url) > 11 && strcmp(url + strlen(url) - 11, "/open311/v2") == 0);
	assert_string_equal(jstr(ep, "type"), "production");
	assert_int_equal(json_array_size(jget(ep, "formats")), 2);
	resp_free(r);

	r = get311("/open311/v2/discovery.xml");
	assert_status(r, 200);
	xmlDocPtr d = xml_of(r, "discovery");
	xmlNodePtr endpoint = child(child(root_of(d), "endpoints"), "endpoint");
	assert_non_null(endpoint);
	assert_string_equal(text(endpoint, "specification"),
			    "http://wiki.open311.org/GeoReport_v2");
	assert_int_equal(count(child(endpoint, "formats"), "format"), 2);
	assert_true(strlen(text(root_of(d), "changeset")) >= 10);
	xmlFreeDoc(d);
	resp_free(r);
}

static void test_services(void **state)
{
	(void)state;
	struct resp *r = get311("/open311/v2/services.json");
	assert_status(r, 200);
	size_t n = json_array_size(r->json);
	assert_true(n >= 20);
	bool rubbish = false;
	size_t i;
	json_t *s;
	json_array_foreach(r->json, i, s)
	{
		/* Required fields; codes are strings. */
		assert_true(json_is_string(jget(s, "service_code")));
		assert_true(strlen(jstr(s, "service_name")) > 0);
		assert_true(json_is_false(jget(s, "metadata")));
		assert_string_equal(jstr(s, "type"), "realtime");
		assert_true(json_is_string(jget(s, "description")));
		assert_true(json_is_string(jget(s, "keywords")));
		assert_true(strlen(jstr(s, "group")) > 0);
		/* Social-governance items concern people: not offered. */
		assert_true(jstr(s, "service_code")[0] == '0' || jstr(s, "service_code")[0] == '1');
		if (strcmp(jstr(s, "service_code"), "1101") == 0) {
			rubbish = true;
			assert_string_equal(jstr(s, "service_name"), "暴露垃圾");
			assert_string_equal(jstr(s, "group"), "市容环境");
			assert_non_null(strstr(jstr(s, "description"), "4个工作小时"));
		}
	}
	assert_true(rubbish);
	resp_free(r);

	r = get311("/open311/v2/services.json?locale=en&jurisdiction_id=330681");
	assert_status(r, 200);
	json_array_foreach(r->json, i, s)
	{
		if (strcmp(jstr(s, "service_code"), "1101") == 0) {
			assert_string_equal(jstr(s, "service_name"), "Exposed rubbish");
			assert_string_equal(jstr(s, "group"), "City appearance");
		}
	}
	resp_free(r);

	r = get311("/open311/v2/services.xml");
	assert_status(r, 200);
	xmlDocPtr d = xml_of(r, "services");
	assert_int_equal(count(root_of(d), "service"), (int)n);
	xmlNodePtr first = child(root_of(d), "service");
	static const char *const fields[] = {"service_code", "service_name", "description",
					     "metadata",     "type",         "keywords",
					     "group"};
	for (size_t k = 0; k < sizeof(fields) / sizeof(fields[0]); k++)
		assert_non_null(child(first, fields[k]));
	assert_string_equal(text(first, "service_code"), "0101");
	assert_string_equal(text(first, "metadata"), "false");
	assert_string_equal(text(first, "type"), "realtime");
	xmlFreeDoc(d);
	resp_free(r);

	/* The jurisdiction is a county of the deployment, nothing else. */
	r = get311("/open311/v2/services.json?jurisdiction_id=330682");
	expect_error(r, 404, false);
	resp_free(r);
	r = get311("/open311/v2/services.xml?jurisdiction_id=330681109");
	expect_error(r, 404, true);
	resp_free(r);
}

static void test_service_definition(void **state)
{
	(void)state;
	struct resp *r = get311("/open311/v2/services/1101.json");
	assert_status(r, 200);
	assert_string_equal(jstr(r->json, "service_code"), "1101");
	assert_true(json_is_array(jget(r->json, "attributes")));
	assert_int_equal(json_array_size(jget(r->json, "attributes")), 0);
	resp_free(r);
	r = get311("/open311/v2/services/1101.xml");
	assert_status(r, 200);
	xmlDocPtr d = xml_of(r, "service_definition");
	assert_string_equal(text(root_of(d), "service_code"), "1101");
	assert_non_null(child(root_of(d), "attributes"));
	assert_int_equal(count(child(root_of(d), "attributes"), "attribute"), 0);
	xmlFreeDoc(d);
	resp_free(r);
	/* Unknown codes, categories (not sub-categories) and social items. */
	static const char *const unknown[] = {"9999", "11", "2301", "abc"};
	for (size_t i = 0; i < 4; i++) {
		r = get311("/open311/v2/services/%s.json", unknown[i]);
		expect_error(r, 404, false);
		resp_free(r);
		r = get311("/open311/v2/services/%s.xml", unknown[i]);
		expect_error(r, 404, true);
		resp_free(r);
	}
	r = get311("/open311/v2/services/1101.json?jurisdiction_id=999999");
	expect_error(r, 404, false);
	resp_free(r);
}

/* ---- filing and reading ---- */

static void test_post_then_get(void **state)
{
	(void)state;
	/* A form body, answered in XML. */
	struct resp *r =
		post_form("/open311/v2/requests.xml",
			  "api_key=%s&jurisdiction_id=330681&service_code=1101&lat=29.65"
			  "&long=120.15&address_string=%%E6%%9E%%AB%%E6%%BA%%90%%E8%%B7%%AF"
			  "%%E5%%8F%%A3&description=%%E8%%B7%%AF%%E5%%8F%%A3%%E6%%9C%%89"
			  "%%E5%%9E%%83%%E5%%9C%%BE&media_url=https%%3A%%2F%%2Fexample.org"
			  "%%2Fp.jpg&" CONTACT,
			  key);
	assert_status(r, 201);
	xmlDocPtr d = xml_of(r, "service_requests");
	assert_int_equal(count(root_of(d), "request"), 1);
	xmlNodePtr req = child(root_of(d), "request");
	int64_t id = atoll(text(req, "service_request_id"));
	assert_true(id > 0);
	char token[64];
	snprintf(token, sizeof(token), "%s", text(req, "token"));
	assert_int_equal(strlen(token), 43);
	assert_non_null(strstr(text(req, "service_notice"), "工作小时"));
	xmlFreeDoc(d);
	resp_free(r);

	/* Read back in JSON: every field of the spec is there. */
	json_t *o = request_json(id, "");
	static const char *const fields[] = {"service_request_id",
					     "status",
					     "status_notes",
					     "service_name",
					     "service_code",
					     "description",
					     "agency_responsible",
					     "service_notice",
					     "requested_datetime",
					     "updated_datetime",
					     "expected_datetime",
					     "address",
					     "address_id",
					     "zipcode",
					     "lat",
					     "long",
					     "media_url"};
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (json_object_get(o, fields[i]) == NULL)
			fail_msg("request has no %s", fields[i]);
	char want_id[24];
	snprintf(want_id, sizeof(want_id), "%lld", (long long)id);
	assert_string_equal(jstr(o, "service_request_id"), want_id);
	assert_string_equal(jstr(o, "status"), "open");
	assert_string_equal(jstr(o, "service_code"), "1101");
	assert_string_equal(jstr(o, "service_name"), "暴露垃圾");
	assert_string_equal(jstr(o, "description"), "路口有垃圾");
	assert_string_equal(jstr(o, "address"), "枫源路口");
	assert_string_equal(jstr(o, "media_url"), "https://example.org/p.jpg");
	assert_true(json_is_null(jget(o, "agency_responsible")));
	assert_true(json_is_null(jget(o, "zipcode")));
	assert_true(json_real_value(jget(o, "lat")) == 29.65);
	assert_true(json_real_value(jget(o, "long")) == 120.15);
	assert_int_equal(strlen(jstr(o, "requested_datetime")), 20);
	assert_true(jstr(o, "requested_datetime")[19] == 'Z');
	assert_non_null(jstr(o, "expected_datetime"));
	assert_true(strlen(jstr(o, "status_notes")) > 0);
	json_decref(o);

	/* And in XML. */
	r = get311("/open311/v2/requests/%lld.xml?jurisdiction_id=330681", (long long)id);
	assert_status(r, 200);
	d = xml_of(r, "service_requests");
	req = child(root_of(d), "request");
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (child(req, fields[i]) == NULL)
			fail_msg("<request> has no <%s>", fields[i]);
	assert_string_equal(text(req, "service_request_id"), want_id);
	assert_string_equal(text(req, "status"), "open");
	assert_string_equal(text(req, "description"), "路口有垃圾");
	assert_string_equal(text(req, "lat"), "29.65");
	assert_string_equal(text(req, "long"), "120.15");
	assert_string_equal(text(req, "zipcode"), "");
	xmlFreeDoc(d);
	resp_free(r);

	/* The token leads to the request, in both formats. */
	r = get311("/open311/v2/tokens/%s.json", token);
	assert_status(r, 200);
	assert_string_equal(jstr(r->json, "0.service_request_id"), want_id);
	assert_string_equal(jstr(r->json, "0.token"), token);
	resp_free(r);
	r = get311("/open311/v2/tokens/%s.xml", token);
	assert_status(r, 200);
	d = xml_of(r, "service_requests");
	assert_string_equal(text(child(root_of(d), "request"), "service_request_id"), want_id);
	assert_string_equal(text(child(root_of(d), "request"), "token"), token);
	xmlFreeDoc(d);
	resp_free(r);
	r = get311("/open311/v2/tokens/nosuchtoken.xml");
	expect_error(r, 404, true);
	resp_free(r);

	/* A JSON body with a standard address (the key in the query). */
	char path[160];
	snprintf(path, sizeof(path), "/open311/v2/requests.json?api_key=%s&locale=en", key);
	r = post_json(path, "{\"service_code\":\"1102\",\"address_id\":%lld}",
		      (long long)address_id);
	assert_status(r, 201);
	int64_t id2 = atoll(jstr(r->json, "0.service_request_id"));
	assert_true(json_is_null(jget(r->json, "0.account_id")));
	assert_non_null(strstr(jstr(r->json, "0.service_notice"), "working hours"));
	resp_free(r);
	o = request_json(id2, "?locale=en");
	assert_string_equal(jstr(o, "address"), "枫源路8号");
	char aid[24];
	snprintf(aid, sizeof(aid), "%lld", (long long)address_id);
	assert_string_equal(jstr(o, "address_id"), aid);
	assert_string_equal(jstr(o, "service_name"), "Unclean road");
	/* Without a description the service's name stands in. */
	assert_string_equal(jstr(o, "description"), "道路不洁");
	json_decref(o);

	/* Lists: by ids, by service, by status, by dates. */
	r = get311("/open311/v2/requests.json?service_request_id=%lld,%lld", (long long)id,
		   (long long)id2);
	assert_status(r, 200);
	assert_int_equal(json_array_size(r->json), 2);
	assert_int_equal(atoll(jstr(r->json, "0.service_request_id")), id2); /* newest first */
	assert_int_equal(atoll(jstr(r->json, "1.service_request_id")), id);
	resp_free(r);
	r = get311("/open311/v2/requests.json?service_code=1102");
	assert_status(r, 200);
	size_t i;
	json_t *v;
	bool found = false;
	json_array_foreach(r->json, i, v)
	{
		assert_string_equal(jstr(v, "service_code"), "1102");
		found = found || atoll(jstr(v, "service_request_id")) == id2;
	}
	assert_true(found);
	resp_free(r);
	r = get311("/open311/v2/requests.xml?status=open&service_code=1101,1102");
	assert_status(r, 200);
	d = xml_of(r, "service_requests");
	assert_true(count(root_of(d), "request") >= 2);
	xmlFreeDoc(d);
	resp_free(r);
	r = get311("/open311/v2/requests.json?status=closed&service_request_id=%lld",
		   (long long)id);
	assert_int_equal(json_array_size(r->json), 1); /* ids override the other filters */
	resp_free(r);
	r = get311("/open311/v2/requests.json?status=closed&service_code=1102");
	assert_int_equal(json_array_size(r->json), 0);
	resp_free(r);
	r = get311("/open311/v2/requests.json?start_date=2099-01-01T00:00:00Z");
	assert_status(r, 200);
	assert_int_equal(json_array_size(r->json), 0);
	resp_free(r);
	r = get311("/open311/v2/requests.json?end_date=2020-01-01");
	assert_int_equal(json_array_size(r->json), 0);
	resp_free(r);

	/* Staff see it on the board as an Open311 report by the client. */
	snprintf(path, sizeof(path), "/api/v1/events/%lld", (long long)id);
	r = call(&S, "GET", path, town, NULL);
	assert_status(r, 200);
	assert_string_equal(jstr(r->json, "source"), "open311");
	assert_string_equal(jstr(r->json, "code"), "330681109290001");
	assert_string_equal(jstr(r->json, "timeline.0.actor_name"), "随手拍 (Open311)");
	resp_free(r);

	/* The key shows when it was last used; the list never shows keys. */
	r = call(&S, "GET", "/api/v1/api-keys", sys, NULL);
	assert_status(r, 200);
	assert_null(strstr(r->body, key));
	json_array_foreach(jget(r->json, "items"), i, v)
	{
		if (jint(v, "id") == key_id)
			assert_true(strlen(jstr(v, "last_used_at")) > 0);
	}
	resp_free(r);

	/* Filing is audited with the key as the actor. */
	snprintf(path, sizeof(path), "/api/v1/audit?action=event.open311&object_id=%lld",
		 (long long)id);
	r = call(&S, "GET", path, aud, NULL);
	assert_status(r, 200);
	assert_int_equal(jint(r->json, "total"), 1);
	char actor[32];
	snprintf(actor, sizeof(actor), "apikey:%lld", (long long)key_id);
	assert_string_equal(jstr(r->json, "items.0.actor_name"), actor);
	resp_free(r);
}

/* Status follows the event as staff handle it through the normal API;
 * the answer never carries what staff wrote or who they are. */
static void test_status_open_to_closed(void **state)
{
	(void)state;
	int64_t id = file_request("1101", "%E8%8D%89%E5%9D%AA%E5%A0%86%E5%9E%83%E5%9C%BE", NULL);
	char path[96];
	struct {
		char *tok;
		const char *action, *body;
	} steps[] = {
		{town, "register", "{}"},
		{town, "dispatch", NULL},
		{dept, "accept", "{}"},
		{dept, "handle", "{\"feedback\":\"已清运，现场联系人赵六 13800000000\"}"},
	};
	char dispatch[96];
	snprintf(dispatch, sizeof(dispatch), "{\"unit_id\":%lld,\"assignee_id\":%lld}",
		 (long long)unit_id, (long long)dept_id);
	steps[1].body = dispatch;
	for (size_t i = 0; i < 4; i++) {
		snprintf(path, sizeof(path), "/api/v1/events/%lld/%s", (long long)id,
			 steps[i].action);
		struct resp *r = call(&S, "POST", path, steps[i].tok, "%s", steps[i].body);
		assert_status(r, 200);
		resp_free(r);
		json_t *o = request_json(id, "");
		assert_string_equal(jstr(o, "status"), "open");
		if (i >= 1)
			assert_string_equal(jstr(o, "agency_responsible"), "诸暨市综合行政执法局");
		json_decref(o);
	}
	json_t *o = request_json(id, "?locale=en");
	assert_string_equal(jstr(o, "agency_responsible"), "Urban management bureau");
	assert_string_equal(jstr(o, "status_notes"), "handled; waiting for the check on site");
	json_decref(o);

	snprintf(path, sizeof(path), "/api/v1/events/%lld/verify", (long long)id);
	struct resp *r = call(&S, "POST", path, comm, "{\"passed\":true,\"reason\":\"孙八核查\"}");
	assert_status(r, 200);
	resp_free(r);
	o = request_json(id, "");
	assert_string_equal(jstr(o, "status"), "closed");
	assert_string_equal(jstr(o, "status_notes"), "经核查已结案");
	assert_true(json_is_null(jget(o, "expected_datetime")));
	assert_true(strcmp(jstr(o, "updated_datetime"), jstr(o, "requested_datetime")) >= 0);
	json_decref(o);
	r = get311("/open311/v2/requests/%lld.xml", (long long)id);
	xmlDocPtr d = xml_of(r, "service_requests");
	assert_string_equal(text(child(root_of(d), "request"), "status"), "closed");
	assert_string_equal(text(child(root_of(d), "request"), "expected_datetime"), "");
	xmlFreeDoc(d);
	assert_null(strstr(r->body, "13800000000"));
	assert_null(strstr(r->body, "赵六"));
	resp_free(r);
	r = get311("/open311/v2/requests.json?status=closed&service_code=1101");
	bool listed = false;
	size_t i;
	json_t *v;
	json_array_foreach(r->json, i, v) listed =
		listed || atoll(jstr(v, "service_request_id")) == id;
	assert_true(listed);
	resp_free(r);

	/* A cancelled report is closed too. */
	id = file_request("1201", "%E5%B0%8F%E5%B9%BF%E5%91%8A", NULL);
	snprintf(path, sizeof(path), "/api/v1/events/%lld/cancel", (long long)id);
	r = call(&S, "POST", path, town, "{\"reason\":\"钱七：重复上报\"}");
	assert_status(r, 200);
	resp_free(r);
	o = request_json(id, "");
	assert_string_equal(jstr(o, "status"), "closed");
	assert_null(strstr(jstr(o, "status_notes"), "重复"));
	json_decref(o);
}

/* ---- API keys and refusals ---- */

static void test_api_keys_and_refusals(void **state)
{
	(void)state;
	const char *p = "/open311/v2/requests.json";
	const char *px = "/open311/v2/requests.xml";
	/* No key, a garbage key, a key of the right shape that nobody issued. */
	struct resp *r = post_form(p, "service_code=1101&lat=29.65&long=120.15");
	expect_error(r, 403, false);
	resp_free(r);
	r = post_form(px, "api_key=garbage&service_code=1101&lat=29.65&long=120.15");
	expect_error(r, 403, true);
	resp_free(r);
	r = post_form(p, "api_key=%s&service_code=1101&lat=29.65&long=120.15",
		      "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
	expect_error(r, 403, false);
	resp_free(r);
	/* A signed-in session is no key. */
	char auth[128];
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", county);
	const char *const h[] = {auth, "Content-Type: application/x-www-form-urlencoded", NULL};
	static const char body[] = "service_code=1101&lat=29.65&long=120.15";
	r = call_raw(&S, "POST", p, h, body, strlen(body));
	expect_error(r, 403, false);
	resp_free(r);

	/* A key is shown once, listed without it, refused once revoked. */
	char k3[64];
	int64_t k3_id;
	new_key("short-lived", k3, &k3_id);
	r = call(&S, "GET", "/api/v1/api-keys", sys, NULL);
	assert_null(strstr(r->body, k3));
	resp_free(r);
	r = post_form(p, "api_key=%s&service_code=1101&lat=29.65&long=120.15", k3);
	assert_status(r, 201);
	resp_free(r);
	char path[64];
	snprintf(path, sizeof(path), "/api/v1/api-keys/%lld", (long long)k3_id);
	r = call(&S, "DELETE", path, sys, NULL);
	assert_status(r, 204);
	resp_free(r);
	r = post_form(px, "api_key=%s&service_code=1101&lat=29.65&long=120.15", k3);
	expect_error(r, 403, true);
	assert_non_null(strstr(r->body, "revoked"));
	resp_free(r);
	/* Another key still works. */
	r = post_form(p, "api_key=%s&service_code=1101&lat=29.65&long=120.15", key_other);
	assert_status(r, 201);
	resp_free(r);

	/* Only the system administrator issues and lists keys. */
	char *others[] = {county, town, aud};
	for (size_t i = 0; i < 3; i++) {
		r = call(&S, "POST", "/api/v1/api-keys", others[i], "{\"name\":\"mine\"}");
		assert_status(r, 403);
		resp_free(r);
		r = call(&S, "GET", "/api/v1/api-keys", others[i], NULL);
		assert_status(r, 403);
		resp_free(r);
	}
	/* Refusals are audited. */
	r = call(&S, "GET", "/api/v1/audit?action=event.open311&result=forbidden", aud, NULL);
	assert_status(r, 200);
	assert_true(jint(r->json, "total") >= 5);
	/* Of no object: the path's only parameter is the format. */
	assert_string_equal(jstr(r->json, "items.0.object_type"), "event");
	assert_string_equal(jstr(r->json, "items.0.object_id"), "");
	resp_free(r);
}

static void test_bad_input(void **state)
{
	(void)state;
	const char *p = "/open311/v2/requests.json";
	const char *px = "/open311/v2/requests.xml";
	static const struct {
		const char *body; /* after api_key=KEY& */
		long status;
	} bad[] = {
		{"service_code=1101", 400},                                   /* no location */
		{"service_code=1101&address_string=%E8%B7%AF%E5%8F%A3", 400}, /* words only */
		{"service_code=1101&lat=29.65", 400},                         /* lat alone */
		{"service_code=1101&lat=30.5&long=121.0", 400},               /* in no grid */
		{"service_code=1101&address_id=999999", 400},                 /* no such address */
		{"service_code=1101&lat=95&long=120.15", 400},                /* not a latitude */
		{"service_code=1101&lat=north&long=120.15", 400},
		{"lat=29.65&long=120.15", 400},                   /* no service */
		{"service_code=9999&lat=29.65&long=120.15", 404}, /* unknown service */
		{"service_code=2301&lat=29.65&long=120.15", 404}, /* not offered */
		{"service_code=1101&lat=29.65&long=120.15&jurisdiction_id=330682", 404},
		{"service_code=1101&lat=29.65&long=120.15&media_url=javascript%3Aalert(1)", 400},
		{"service_code=1101&lat=29.65&long=120.15&attribute%5Bsize%5D=big", 400},
		{"service_code=1101&lat=29.65&long=120.15&service_code=1102", 400},
		{"service_code=%ZZ&lat=29.65&long=120.15", 400},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		for (int xml = 0; xml < 2; xml++) {
			struct resp *r = post_form(xml ? px : p, "api_key=%s&%s", key, bad[i].body);
			if (r->status != bad[i].status)
				fail_msg("%s: expected %ld, got %ld %s", bad[i].body, bad[i].status,
					 r->status, r->body);
			expect_error(r, bad[i].status, xml);
			resp_free(r);
		}
	}
	/* A description of 4001 characters. */
	char *longtext = malloc(4200);
	memset(longtext, 'x', 4001);
	longtext[4001] = '\0';
	struct resp *r = post_form(p,
				   "api_key=%s&service_code=1101&lat=29.65&long=120.15"
				   "&description=%s",
				   key, longtext);
	expect_error(r, 400, false);
	resp_free(r);
	free(longtext);
	/* Bodies that are neither form nor JSON, or not valid JSON. */
	static const char *const plain[] = {"Content-Type: text/plain", NULL};
	r = call_raw(&S, "POST", p, plain, "x", 1);
	expect_error(r, 415, false);
	resp_free(r);
	r = post_json(px, "{\"api_key\":\"%s\",", key);
	expect_error(r, 400, true);
	resp_free(r);
	r = post_json(p,
		      "{\"api_key\":\"%s\",\"service_code\":\"1101\",\"lat\":\"29.65\","
		      "\"long\":120.15}",
		      key);
	expect_error(r, 400, false);
	resp_free(r);

	/* Queries. */
	static const struct {
		const char *query;
		long status;
	} badq[] = {
		{"start_date=yesterday", 400},
		{"start_date=2026-01-02T08:00:00", 400}, /* no zone */
		{"start_date=2026-02-30", 400},
		{"end_date=2026-13-01T00:00:00Z", 400},
		{"start_date=2026-03-01&end_date=2026-02-01", 400},
		{"start_date=2026-01-01&end_date=2026-06-01", 400}, /* more than 90 days */
		{"status=pending", 400},
		{"status=open,", 400},
		{"service_request_id=abc", 400},
		{"service_request_id=1,,2", 400},
		{"service_code=9999", 404},
		{"jurisdiction_id=110101", 404},
		{"unknown=1", 400},
	};
	for (size_t i = 0; i < sizeof(badq) / sizeof(badq[0]); i++) {
		for (int xml = 0; xml < 2; xml++) {
			r = get311("/open311/v2/requests.%s?%s", xml ? "xml" : "json",
				   badq[i].query);
			if (r->status != badq[i].status)
				fail_msg("%s: expected %ld, got %ld %s", badq[i].query,
					 badq[i].status, r->status, r->body);
			expect_error(r, badq[i].status, xml);
			resp_free(r);
		}
	}
	/* Times with zones are read as instants. */
	r = get311("/open311/v2/requests.json?start_date=2026-01-01T00:00:00%%2B08:00");
	assert_status(r, 200);
	resp_free(r);
	r = get311("/open311/v2/requests.json?start_date=2026-01-01&end_date=2026-03-31T23:59:59Z");
	assert_status(r, 200);
	resp_free(r);

	/* Unknown requests, formats, paths and methods. */
	r = get311("/open311/v2/requests/999999.xml");
	expect_error(r, 404, true);
	resp_free(r);
	r = get311("/open311/v2/requests/abc.json");
	expect_error(r, 404, false);
	resp_free(r);
	r = get311("/open311/v2/services.yaml");
	expect_error(r, 404, false);
	resp_free(r);
	r = get311("/open311/v2/nothing.xml");
	expect_error(r, 404, true);
	resp_free(r);
	r = get311("/open311/v2/requests/12");
	expect_error(r, 404, false);
	resp_free(r);
	r = call_raw(&S, "DELETE", "/open311/v2/requests.xml", NULL, NULL, 0);
	expect_error(r, 405, true);
	resp_free(r);
}

/* The reporter's text comes back as it was, in XML too, escaped. */
static void test_xml_escaping(void **state)
{
	(void)state;
	struct resp *r = post_json("/open311/v2/requests.json",
				   "{\"api_key\":\"%s\",\"service_code\":\"1103\",\"lat\":29.61,"
				   "\"long\":120.11,\"description\":\"A&B <c/> \\\"d\\\" 'e' ]]> "
				   "\\u0001 &amp; end\\r\\n2\",\"address_string\":\"<script>\"}",
				   key);
	assert_status(r, 201);
	int64_t id = atoll(jstr(r->json, "0.service_request_id"));
	resp_free(r);
	json_t *o = request_json(id, "");
	assert_string_equal(jstr(o, "description"), "A&B <c/> \"d\" 'e' ]]> \x01 &amp; end\r\n2");
	json_decref(o);
	r = get311("/open311/v2/requests/%lld.xml", (long long)id);
	assert_status(r, 200);
	assert_null(strstr(r->body, "<c/>"));
	assert_null(strstr(r->body, "<script>"));
	xmlDocPtr d = xml_of(r, "service_requests");
	xmlNodePtr req = child(root_of(d), "request");
	/* A control character XML cannot carry becomes U+FFFD. */
	assert_string_equal(text(req, "description"),
			    "A&B <c/> \"d\" 'e' ]]> \xEF\xBF\xBD &amp; end\r\n2");
	assert_string_equal(text(req, "address"), "<script>");
	xmlFreeDoc(d);
	resp_free(r);
}

/* Events reported by staff and residents through their accounts are not
 * Open311's to show. */
static void test_other_events_stay_inside(void **state)
{
	(void)state;
	struct resp *r =
		call(&S, "POST", "/api/v1/events", comm,
		     "{\"category\":\"1101\",\"description\":\"孙八巡查：王大爷家门口堆垃圾\","
		     "\"address_id\":%lld}",
		     (long long)address_id);
	assert_status(r, 201);
	int64_t id = jint(r->json, "id");
	resp_free(r);
	r = get311("/open311/v2/requests/%lld.json", (long long)id);
	expect_error(r, 404, false);
	resp_free(r);
	r = get311("/open311/v2/requests.json?service_request_id=%lld", (long long)id);
	assert_status(r, 200);
	assert_int_equal(json_array_size(r->json), 0);
	resp_free(r);
	r = get311("/open311/v2/requests.json");
	assert_null(strstr(r->body, "王大爷"));
	resp_free(r);
}

/* Last: nothing any answer carried names a person. */
static void test_no_personal_data(void **state)
{
	(void)state;
	/* Every request filed so far, in both formats, once more. */
	resp_free(get311("/open311/v2/requests.json"));
	resp_free(get311("/open311/v2/requests.xml?locale=en"));
	assert_true(seen_len > 1000);
	for (size_t i = 0; i < sizeof(staff_names) / sizeof(staff_names[0]); i++)
		if (strstr(seen, staff_names[i]) != NULL)
			fail_msg("an Open311 answer names %s", staff_names[i]);
	static const char *const contact[] = {
		"reporter@example.com",
		"Reporterfirst",
		"Reporterlast",
		"13912345678",
		"device-xyz-123",
		"acct-456",
		"sysadmin",
		"13800000000",
		"王大爷",
		"孙八",
		"钱七",
		"apikey:",
	};
	for (size_t i = 0; i < sizeof(contact) / sizeof(contact[0]); i++)
		if (strstr(seen, contact[i]) != NULL)
			fail_msg("an Open311 answer carries %s", contact[i]);
	assert_null(strstr(seen, key));
	assert_null(strstr(seen, key_other));
	/* The contact details a client sent were not kept either. */
	char *out = NULL;
	int found = sh(&out,
		       "cat '%s' '%s-wal' 2>/dev/null | grep -a -c -e reporter@example.com "
		       "-e 13912345678 -e Reporterfirst",
		       S.db, S.db);
	if (found == 0)
		fail_msg("contact details are in the database: %s", out);
	free(out);
}

int main(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_discovery),
		cmocka_unit_test(test_services),
		cmocka_unit_test(test_service_definition),
		cmocka_unit_test(test_post_then_get),
		cmocka_unit_test(test_status_open_to_closed),
		cmocka_unit_test(test_api_keys_and_refusals),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_xml_escaping),
		cmocka_unit_test(test_other_events_stay_inside),
		cmocka_unit_test(test_no_personal_data),
	};
	int rc = cmocka_run_group_tests_name("api_open311", tests, setup, teardown);
	curl_global_cleanup();
	return rc;
}
