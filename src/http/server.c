/*
 * libmicrohttpd glue and the request pipeline.
 *
 * libmicrohttpd calls the access handler several times per request: first
 * with the headers (we only record state), then with body chunks, then once
 * more with no data.  The response is queued only on that last call, which
 * keeps keep-alive working; the one exception is a declared Content-Length
 * over the limit, answered 413 at once so the client stops sending.
 */
#include "http/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "auth/audit_reads.h"
#include "auth/session.h"
#include "auth/session_cache.h"
#include "core/clock.h"
#include "core/secure.h"
#include "core/log.h"
#include "core/str.h"
#include "http/access_log.h"
#include "http/assets.h"
#include "http/input.h"
#include "http/metrics.h"
#include "http/request.h"
#include "http/router.h"

/* A body declared larger than its route allows is read and dropped up to
 * this size so the client gets its 413; beyond it the connection is cut. */
#define BODY_DRAIN_MAX (16u << 20)

static const struct config *cfg;
static uint64_t request_base;
static _Atomic uint64_t request_seq;
static _Atomic int inflight;

static const char csp[] =
	"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
	"connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
	"form-action 'self'; frame-ancestors 'none'";

/* ---------- request set-up ---------- */

static void client_address(struct req *r, struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	snprintf(r->client_ip, sizeof(r->client_ip), "unknown");
	if (ci != NULL && ci->client_addr != NULL) {
		const struct sockaddr *sa = ci->client_addr;
		if (sa->sa_family == AF_INET)
			inet_ntop(AF_INET,
				  &((const struct sockaddr_in *)(const void *)sa)->sin_addr,
				  r->client_ip, sizeof(r->client_ip));
		else if (sa->sa_family == AF_INET6)
			inet_ntop(AF_INET6,
				  &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
				  r->client_ip, sizeof(r->client_ip));
	}
	if (!cfg->trust_proxy)
		return;
	/* Behind nginx: the last X-Forwarded-For entry was added by the proxy
	 * itself and is the only one that cannot be forged by the client. */
	const char *xff = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Forwarded-For");
	if (xff != NULL && *xff) {
		const char *last = strrchr(xff, ',');
		last = last ? last + 1 : xff;
		while (*last == ' ')
			last++;
		unsigned char tmp[16];
		if (inet_pton(AF_INET, last, tmp) == 1 || inet_pton(AF_INET6, last, tmp) == 1)
			snprintf(r->client_ip, sizeof(r->client_ip), "%s", last);
	}
	const char *proto = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Forwarded-Proto");
	r->secure = proto != NULL && strcmp(proto, "https") == 0;
}

static struct req *req_new(struct MHD_Connection *c, const char *url, const char *method)
{
	struct req *r = calloc(1, sizeof(*r));
	if (r == NULL)
		return NULL;
	r->conn = c;
	r->cfg = cfg;
	r->start_us = clock_mono_us();
	/* Request ids need to be unique, not secret: a random base drawn at
	 * start plus a counter spares a getrandom call per request. */
	uint64_t rid = request_base + atomic_fetch_add(&request_seq, 1);
	static const char hex[] = "0123456789abcdef";
	for (int i = 15; i >= 0; i--, rid >>= 4)
		r->request_id[i] = hex[rid & 15];
	r->request_id[16] = '\0';
	r->method = arena_strdup(&r->arena, method);
	r->path = arena_strdup(&r->arena, url);
	r->body_limit = (size_t)cfg->body_limit_kib * 1024;
	r->route_index = router_match(r, method, url);
	r->route = r->route_index >= 0 ? &routes[r->route_index] : NULL;
	if (r->route != NULL && r->route->body_limit_kib > 0)
		r->body_limit = (size_t)r->route->body_limit_kib * 1024;
	client_address(r, c);
	atomic_fetch_add(&inflight, 1);
	return r;
}

static void req_free(struct req *r)
{
	json_decref(r->in);
	json_decref(r->query);
	json_decref(r->out);
	if (r->raw_owned)
		free((void *)r->raw);
	free(r->body);
	arena_free(&r->arena);
	free(r);
}

/* ---------- authentication ---------- */

static const char *cookie_token(struct req *r)
{
	return MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, SESSION_COOKIE);
}

static const char *bearer_token(struct req *r)
{
	const char *h = req_header(r, MHD_HTTP_HEADER_AUTHORIZATION);
	if (h == NULL || strncasecmp(h, "Bearer ", 7) != 0)
		return NULL;
	h += 7;
	while (*h == ' ')
		h++;
	return h;
}

/* Resolve the session.  RC_OK with r->who set or left NULL (anonymous);
 * RC_UNAUTHENTICATED when a bearer token was given but is not valid. */
static int authenticate(struct req *r)
{
	const char *token = bearer_token(r);
	enum auth_via via = AUTH_BEARER;
	if (token == NULL) {
		token = cookie_token(r);
		via = AUTH_COOKIE;
	}
	if (token == NULL)
		return RC_OK;
	struct session s;
	unsigned char key[SEC_HASH_BYTES];
	int rc = RC_OK;
	sec_hash(key, token, strlen(token), NULL);
	if (!session_cache_get(key, &r->arena, clock_now(), cfg->session_idle_s,
			       cfg->session_absolute_s, &s, &r->who)) {
		rc = session_find(r->db, token, cfg->session_idle_s, cfg->session_absolute_s, &s);
		if (rc == RC_OK)
			rc = principal_load(r->db, &r->arena, s.user_id, &r->who);
		if (rc == RC_OK)
			session_cache_put(key, &s, r->who);
	}
	if (rc != RC_OK) {
		r->who = NULL;
		if (rc != RC_UNAUTHENTICATED)
			return rc;
		/* An expired cookie just means signed out; a bad bearer token is
		 * an error the client must see. */
		return via == AUTH_BEARER ? RC_UNAUTHENTICATED : RC_OK;
	}
	r->who->session_id = s.id;
	r->who->csrf_token = arena_strdup(&r->arena, s.csrf_token);
	r->via = via;
	return RC_OK;
}

static bool safe_method(const char *m)
{
	return strcmp(m, "GET") == 0 || strcmp(m, "HEAD") == 0 || strcmp(m, "OPTIONS") == 0;
}

/* The Origin a browser must send: the configured public origin, or the
 * scheme and Host of this request. */
static bool origin_ok(struct req *r)
{
	const char *origin = req_header(r, "Origin");
	if (origin == NULL)
		return false;
	if (cfg->public_origin != NULL)
		return strcmp(origin, cfg->public_origin) == 0;
	const char *host = req_header(r, MHD_HTTP_HEADER_HOST);
	if (host == NULL)
		return false;
	const char *scheme = r->secure ? "https://" : "http://";
	size_t sl = strlen(scheme);
	return strncmp(origin, scheme, sl) == 0 && strcmp(origin + sl, host) == 0;
}

static int check_csrf(struct req *r)
{
	if (r->via != AUTH_COOKIE || safe_method(r->method))
		return RC_OK;
	const char *t = req_header(r, "X-CSRF-Token");
	if (t == NULL || r->who->csrf_token == NULL || strlen(t) != strlen(r->who->csrf_token) ||
	    !sec_equal(t, r->who->csrf_token, strlen(t)))
		return req_fail(r, RC_CSRF_FAILED, NULL, "missing or wrong X-CSRF-Token");
	if (!origin_ok(r))
		return req_fail(r, RC_CSRF_FAILED, NULL,
				"the Origin header does not match this site");
	return RC_OK;
}

/* ---------- inputs ---------- */

struct query_collect {
	json_t *obj;
	const char *dup;
};

static enum MHD_Result collect_arg(void *cls, enum MHD_ValueKind kind, const char *key,
				   const char *value)
{
	(void)kind;
	struct query_collect *qc = cls;
	if (json_object_get(qc->obj, key) != NULL) {
		qc->dup = key;
		return MHD_NO;
	}
	json_t *v = json_string(value ? value : "");
	if (v == NULL) {
		qc->dup = key;
		return MHD_NO;
	}
	json_object_set_new(qc->obj, key, v);
	return MHD_YES;
}

/* Is the Content-Type header ct the media type want (parameters aside)? */
static bool media_type_is(const char *ct, const char *want)
{
	size_t n = strlen(want);
	return ct != NULL && strncasecmp(ct, want, n) == 0 &&
	       (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

static int read_inputs(struct req *r)
{
	struct query_collect qc = {json_object(), NULL};
	MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, collect_arg, &qc);
	if (qc.dup != NULL) {
		const char *name = arena_strdup(&r->arena, qc.dup);
		json_decref(qc.obj);
		return req_fail(r, RC_VALIDATION_FAILED, name,
				"query parameter '%s' is repeated or not valid UTF-8", name);
	}
	int rc = input_query(r, qc.obj);
	if (rc != RC_OK)
		return rc;
	if (r->route->flags & ROUTE_RAW)
		return RC_OK;
	if (r->body_len > 0 || (r->route->body != NULL && !safe_method(r->method))) {
		if (r->body_len > 0) {
			const char *ct = req_header(r, MHD_HTTP_HEADER_CONTENT_TYPE);
			bool form = (r->route->flags & ROUTE_FORM) != 0;
			if (form && r->route->body != NULL &&
			    media_type_is(ct, "application/x-www-form-urlencoded"))
				return input_form(r);
			if (!media_type_is(ct, "application/json"))
				return req_fail(r, RC_UNSUPPORTED_MEDIA_TYPE, NULL,
						form ? "send the body as application/json or "
						       "application/x-www-form-urlencoded"
						     : "send the body as application/json");
		}
		if (r->route->body == NULL && r->body_len > 0)
			return req_fail(r, RC_VALIDATION_FAILED, NULL,
					"this request takes no body");
		return input_body(r);
	}
	return RC_OK;
}

/* ---------- the pipeline ---------- */

static void serve_asset(struct req *r)
{
	if (!safe_method(r->method)) {
		req_fail(r, RC_METHOD_NOT_ALLOWED, NULL, NULL);
		return;
	}
	const struct asset *a = assets_find(r->path);
	if (a == NULL) {
		req_fail(r, RC_NOT_FOUND, NULL, "no such page");
		return;
	}
	const char *inm = req_header(r, MHD_HTTP_HEADER_IF_NONE_MATCH);
	req_add_header(r, "ETag", a->etag);
	req_add_header(r, "Cache-Control", "no-cache");
	if (inm != NULL && strcmp(inm, a->etag) == 0) {
		req_reply_raw(r, 304, a->type, "", 0, false);
		return;
	}
	req_reply_raw(r, 200, a->type, a->data, a->size, false);
}

/* Does the route's first path parameter name the object, rather than the
 * format of the answer ({format} of Open311)? */
static bool first_param_names_object(const struct req *r)
{
	const char *p = strchr(r->route->path, '{');
	return r->nparams > 0 && p != NULL && strncmp(p, "{format}", 8) != 0;
}

static void audit_failure(struct req *r)
{
	const struct rc_info *info = rc_info(r->rc);
	/* The object a refused action would have touched: the action's noun
	 * (resident.unmask -> resident). */
	char object_type[32] = "";
	if (r->route->action != NULL)
		snprintf(object_type, sizeof(object_type), "%.*s",
			 (int)strcspn(r->route->action, "."), r->route->action);
	struct audit_entry e = {
		.actor_id = r->who ? r->who->user_id : 0,
		.actor_name = r->who          ? r->who->username
			      : r->actor_name ? r->actor_name
					      : "",
		.role = r->acting_role ? r->acting_role
				       : principal_role_for(r->who, r->route->perm),
		.action = r->route->action ? r->route->action : "request",
		.object_type = object_type,
		.object_id = first_param_names_object(r) ? r->params[0] : "",
		.result = r->rc == RC_OK ? "ok" : info->code,
		.client_ip = r->client_ip,
		.request_id = r->request_id,
	};
	if (r->db == NULL || audit_append_tx(r->db, &e) != RC_OK)
		log_error("request %s: could not write the audit record", r->request_id);
}

static void dispatch(struct req *r)
{
	int rc;
	if (r->route == NULL) {
		if (r->route_index == ROUTER_NO_METHOD) {
			req_add_header(r, "Allow", router_allowed(r, r->path));
			req_fail(r, RC_METHOD_NOT_ALLOWED, NULL, NULL);
		} else if (str_starts(r->path, "/api/") || str_starts(r->path, "/open311/")) {
			req_fail(r, RC_NOT_FOUND, NULL, "no such API route");
		} else {
			serve_asset(r);
		}
		return;
	}
	if (r->body_too_large) {
		req_fail(r, RC_BODY_TOO_LARGE, NULL, "the body is larger than %zu bytes",
			 r->body_limit);
		goto audit;
	}
	r->db = db_thread();
	if (r->db == NULL) {
		req_fail(r, RC_UNAVAILABLE, NULL, "the database cannot be opened");
		return;
	}
	rc = r->route->flags & ROUTE_NO_SESSION ? RC_OK : authenticate(r);
	if (rc != RC_OK) {
		req_fail(r, rc, NULL,
			 rc == RC_UNAUTHENTICATED ? "the token is not valid or has expired" : NULL);
		goto audit;
	}
	if (r->who == NULL && !(r->route->flags & ROUTE_PUBLIC)) {
		req_fail(r, RC_UNAUTHENTICATED, NULL, NULL);
		goto audit;
	}
	if (r->who != NULL && check_csrf(r) != RC_OK)
		goto audit;
	/* Permission before inputs: whoever may not use a route learns nothing
	 * about what it accepts. */
	if (r->route->perm != PERM_NONE && !principal_can(r->who, r->route->perm)) {
		req_fail(r, RC_FORBIDDEN, NULL, "your roles do not include %s",
			 perm_name(r->route->perm));
		goto audit;
	}
	if (read_inputs(r) != RC_OK)
		goto audit;
	rc = r->route->handler(r);
	if (rc != RC_OK && r->rc == RC_OK)
		req_fail(r, rc, NULL, NULL);
audit:
	if (r->db != NULL)
		db_release(r->db);
	/* Every state-changing request leaves a record: handlers write theirs
	 * with the change; refusals and failures are recorded here. */
	if (!safe_method(r->method) && !(r->route->flags & ROUTE_NO_AUDIT) && !r->audited) {
		if (r->rc == RC_OK)
			log_warn("route %s %s changed state without an audit record",
				 r->route->method, r->route->path);
		if (r->db == NULL)
			r->db = db_thread();
		audit_failure(r);
		if (r->db != NULL)
			db_release(r->db);
	}
}

/* ---------- responses ---------- */

static void add_common_headers(struct MHD_Response *resp, struct req *r)
{
	MHD_add_response_header(resp, "Content-Security-Policy", csp);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(resp, "X-Request-Id", r->request_id);
	if (r->secure)
		MHD_add_response_header(resp, "Strict-Transport-Security", "max-age=31536000");
	for (int i = 0; i < r->nhdrs; i++)
		MHD_add_response_header(resp, r->hdr_name[i], r->hdr_value[i]);
}

/* Are failures on r written in a format of their own? */
static bool own_errors(const struct req *r)
{
	return r->route != NULL ? (r->route->flags & ROUTE_OWN_ERRORS) != 0
				: str_starts(r->path, "/open311/");
}

static size_t response_bytes(struct req *r, char **body)
{
	if (r->rc != RC_OK && own_errors(r)) {
		json_decref(r->out);
		r->out = NULL;
		if (r->raw_owned)
			free((void *)r->raw);
		r->raw = NULL;
		r->raw_owned = false;
		route_error_reply(r);
		if (r->raw == NULL)
			r->status = rc_info(r->rc)->status;
		*body = NULL;
		return 0;
	}
	if (r->rc != RC_OK) {
		const struct rc_info *info = rc_info(r->rc);
		json_t *err = json_pack("{s:s, s:s}", "code", info->code, "message",
					r->err_message ? r->err_message : info->message);
		if (r->err_field != NULL)
			json_object_set_new(err, "field", json_string(r->err_field));
		json_decref(r->out);
		r->out = json_pack("{s:o}", "error", err);
		r->status = info->status;
		if (r->rc == RC_UNAUTHENTICATED || r->rc == RC_INVALID_CREDENTIALS)
			req_add_header(r, "WWW-Authenticate", "Bearer realm=\"grassroots\"");
	}
	if (r->out != NULL) {
		/* Twelve significant digits: rates read 93.72, not 93.719999999999999,
		 * and coordinates keep far more than their metre-level precision. */
		*body = json_dumps(r->out, JSON_COMPACT | JSON_REAL_PRECISION(12));
		return *body ? strlen(*body) : 0;
	}
	*body = NULL;
	return 0;
}

static enum MHD_Result respond(struct MHD_Connection *c, struct req *r)
{
	char *json = NULL;
	size_t len = response_bytes(r, &json);
	struct MHD_Response *resp;
	if (json != NULL) {
		resp = MHD_create_response_from_buffer(len, json, MHD_RESPMEM_MUST_FREE);
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, REQ_JSON_TYPE);
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	} else if (r->raw != NULL) {
		resp = MHD_create_response_from_buffer(r->raw_len, (void *)r->raw,
						       MHD_RESPMEM_PERSISTENT);
		len = r->raw_len;
		if (r->raw_type)
			MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, r->raw_type);
		/* JSON written as text is personal data like any other reply. */
		if (r->raw_type == REQ_JSON_TYPE)
			MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	} else {
		resp = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
	}
	if (resp == NULL) {
		free(json);
		return MHD_NO;
	}
	add_common_headers(resp, r);
	if (r->status == 0)
		r->status = 200;
	enum MHD_Result ok = MHD_queue_response(c, (unsigned)r->status, resp);
	MHD_destroy_response(resp);
	r->raw_len = len; /* bytes for the access log */
	return ok;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version, const char *upload_data,
				  size_t *upload_size, void **con_cls)
{
	(void)cls;
	(void)version;
	struct req *r = *con_cls;
	if (r == NULL) {
		r = req_new(c, url, method);
		if (r == NULL)
			return MHD_NO;
		*con_cls = r;
		const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
							     MHD_HTTP_HEADER_CONTENT_LENGTH);
		int64_t n;
		if (cl != NULL && str_to_i64(cl, &n) && n > (int64_t)r->body_limit) {
			r->body_too_large = true;
			/* Answering before the body is read closes the connection; a
			 * client still sending then sees a reset instead of the 413.
			 * Answer early only when the client waits for it (Expect:
			 * 100-continue) or the body is absurd; otherwise read and
			 * drop the body, then answer. */
			const char *expect = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
									 MHD_HTTP_HEADER_EXPECT);
			if ((expect != NULL && strcasecmp(expect, "100-continue") == 0) ||
			    n > (int64_t)BODY_DRAIN_MAX) {
				dispatch(r);
				return respond(c, r);
			}
		}
		return MHD_YES;
	}
	if (*upload_size > 0) {
		if (!r->body_too_large) {
			if (r->body_len + *upload_size > r->body_limit) {
				r->body_too_large = true;
				free(r->body);
				r->body = NULL;
				r->body_len = 0;
			} else {
				char *b = realloc(r->body, r->body_len + *upload_size + 1);
				if (b == NULL)
					return MHD_NO;
				memcpy(b + r->body_len, upload_data, *upload_size);
				r->body = b;
				r->body_len += *upload_size;
				r->body[r->body_len] = '\0';
			}
		}
		*upload_size = 0;
		return MHD_YES;
	}
	if (r->status != 0)
		return MHD_YES; /* already answered (413 on Content-Length) */
	dispatch(r);
	return respond(c, r);
}

/* An HTTP method as a JSON string body: methods are tokens, anything else
 * (which the router never matches) is logged as "?". */
static const char *loggable_method(const char *m)
{
	if (m == NULL || *m == '\0' || strlen(m) > 16)
		return "?";
	for (const char *p = m; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || *p == '-' ||
		      *p == '_'))
			return "?";
	return m;
}

/* Appending to a fixed line without printf: this runs on every request. */
struct line {
	char *p, *end;
};

static void put(struct line *l, const char *s)
{
	size_t n = strlen(s);
	if (n > (size_t)(l->end - l->p))
		n = (size_t)(l->end - l->p);
	memcpy(l->p, s, n);
	l->p += n;
}

static void put_int(struct line *l, int64_t v)
{
	char t[24], *q = t + sizeof(t);
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	*--q = '\0';
	do
		*--q = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (v < 0)
		*--q = '-';
	put(l, q);
}

static void access_log(struct req *r)
{
	if (!access_log_enabled())
		return;
	/* Written directly rather than through jansson: every field is either
	 * a number, a fixed route pattern or a checked token. */
	char ts[32], buf[512];
	clock_iso_ms(clock_now_ms(), ts, sizeof(ts));
	struct line l = {buf, buf + sizeof(buf) - 2};
	put(&l, "{\"time\":\"");
	put(&l, ts);
	put(&l, "\",\"request_id\":\"");
	put(&l, r->request_id);
	put(&l, "\",\"method\":\"");
	put(&l, loggable_method(r->method));
	put(&l, "\",\"route\":\"");
	put(&l, r->route ? r->route->path
			 : (r->raw != NULL && r->rc == RC_OK ? "static" : "unmatched"));
	put(&l, "\",\"status\":");
	put_int(&l, r->status);
	put(&l, ",\"bytes\":");
	put_int(&l, (int64_t)r->raw_len);
	put(&l, ",\"us\":");
	put_int(&l, clock_mono_us() - r->start_us);
	put(&l, ",\"user\":");
	if (r->who != NULL)
		put_int(&l, r->who->user_id);
	else
		put(&l, "null");
	put(&l, "}\n");
	if (l.p == l.end) /* cut short: not a line worth writing */
		return;
	access_log_line(buf, (size_t)(l.p - buf));
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)c;
	(void)toe;
	struct req *r = *con_cls;
	if (r == NULL)
		return;
	metrics_record(r->route_index, r->status, clock_mono_us() - r->start_us);
	access_log(r);
	req_free(r);
	*con_cls = NULL;
	atomic_fetch_sub(&inflight, 1);
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	char buf[512];
	vsnprintf(buf, sizeof(buf), fmt, ap);
	size_t n = strlen(buf);
	while (n > 0 && buf[n - 1] == '\n')
		buf[--n] = '\0';
	log_warn("http: %s", buf);
}

/* ---------- start and stop ---------- */

static int parse_listen(const char *spec, struct sockaddr_storage *ss, bool *v6)
{
	char host[128];
	const char *colon = strrchr(spec, ':');
	if (colon == NULL || (size_t)(colon - spec) >= sizeof(host))
		return -1;
	memcpy(host, spec, (size_t)(colon - spec));
	host[colon - spec] = '\0';
	int64_t port;
	if (!str_to_i64(colon + 1, &port) || port < 0 || port > 65535)
		return -1;
	memset(ss, 0, sizeof(*ss));
	size_t hl = strlen(host);
	if (hl >= 2 && host[0] == '[' && host[hl - 1] == ']') {
		host[hl - 1] = '\0';
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;
		a->sin6_family = AF_INET6;
		a->sin6_port = htons((uint16_t)port);
		if (inet_pton(AF_INET6, host + 1, &a->sin6_addr) != 1)
			return -1;
		*v6 = true;
		return 0;
	}
	struct sockaddr_in *a = (struct sockaddr_in *)ss;
	a->sin_family = AF_INET;
	a->sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, host, &a->sin_addr) != 1)
		return -1;
	*v6 = false;
	return 0;
}

int server_run(const struct config *c)
{
	cfg = c;
	sec_random(&request_base, sizeof(request_base));
	struct sockaddr_storage ss;
	bool v6 = false;
	if (parse_listen(c->listen, &ss, &v6) != 0) {
		log_error("--listen: expected ADDR:PORT such as 127.0.0.1:8080 or [::1]:8080, got "
			  "'%s'",
			  c->listen);
		return 2;
	}
	if (access_log_open(c->access_log) != 0) {
		log_error("cannot open access log %s: %s", c->access_log, strerror(errno));
		return 1;
	}
	assets_init();
	metrics_init(routes_count);
	struct db_options wopt = {.path = c->db_path,
				  .synchronous_normal = c->synchronous_normal,
				  .busy_timeout_ms = c->busy_timeout_ms,
				  .write_gate = true};
	if (audit_reads_start(&wopt) != RC_OK) {
		log_error("cannot start the audit writer");
		access_log_close();
		return 1;
	}

	/* Handle SIGINT/SIGTERM in this thread only: block them before the
	 * worker threads are created so they inherit the mask. */
	sigset_t sigs;
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);

	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	/* Two workers per core by default: a worker waiting on a lock or a
	 * system call then leaves its core to the other (measured on two
	 * cores: 36k → 41k audited resident reads/s, /healthz 74k → 85k). */
	unsigned threads =
		c->threads > 0 ? (unsigned)c->threads : 2u * (unsigned)(cores > 0 ? cores : 1);
	/* Turbo: read and write before asking epoll (sockets are non-blocking);
	 * /healthz went from 75k to 86k req/s on two cores. */
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC |
			 MHD_USE_ERROR_LOG | MHD_USE_TURBO;
	if (v6)
		flags |= MHD_USE_IPv6;
	/* The logger goes first so that no message uses the default one. */
	struct MHD_Daemon *d = MHD_start_daemon(
		flags, 0, NULL, NULL, on_request, NULL, MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
		MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss, MHD_OPTION_THREAD_POOL_SIZE, threads,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)c->connection_timeout_s,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned)c->max_connections,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)c->connection_memory_kib * 1024,
		MHD_OPTION_LISTENING_ADDRESS_REUSE, (unsigned)1, MHD_OPTION_NOTIFY_COMPLETED,
		on_completed, NULL, MHD_OPTION_END);
	if (d == NULL) {
		log_error("cannot listen on %s (address in use or not available?)", c->listen);
		audit_reads_stop();
		access_log_close();
		return 1;
	}
	const union MHD_DaemonInfo *di = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	char host[64];
	const char *colon = strrchr(c->listen, ':');
	snprintf(host, sizeof(host), "%.*s", (int)(colon - c->listen), c->listen);
	printf("listening on http://%s:%u\n", host, di ? di->port : 0);
	fflush(stdout);
	log_info("serving with %u threads, database %s", threads, c->db_path);

	int sig = 0;
	while (sigwait(&sigs, &sig) != 0)
		;
	log_info("signal %d: finishing requests in flight", sig);
	MHD_socket lfd = MHD_quiesce_daemon(d);
	if (lfd != MHD_INVALID_SOCKET)
		close(lfd);
	/* Give requests in flight up to ten seconds to complete. */
	for (int i = 0; i < 1000 && atomic_load(&inflight) > 0; i++) {
		struct timespec ts = {0, 10 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	MHD_stop_daemon(d);
	audit_reads_stop();
	db_pool_close_all();
	access_log_close();
	return 0;
}
