/*
 * API test harness: runs the real grassroots binary (GRASSROOTS_BIN) on a
 * temporary database and an ephemeral port, and talks to it over HTTP with
 * libcurl.  Tests use cmocka; every helper fails the current test with a
 * clear message instead of returning errors.
 */
#ifndef GR_TESTS_API_HARNESS_H
#define GR_TESTS_API_HARNESS_H

#include <jansson.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <sys/types.h>
#include <cmocka.h>

#define TEST_PASSWORD "Test-password-2026"
#define ZHUJI "330681"

struct server {
	pid_t pid;
	int port;
	char base[64];
	char dir[128];
	char db[256];
	char clock[192];
	char log[192];
	char err[192];
};

/* Make a temporary directory with a database initialised by `init` (the
 * three administrators get TEST_PASSWORD).  With zhuji, also import the
 * divisions of Zhuji (330681) from GRASSROOTS_DIVISIONS. */
void srv_init(struct server *s, bool zhuji);
/* Start `serve` with a clock file and extra arguments (NULL-terminated
 * list, may be NULL); returns once it is listening. */
void srv_start(struct server *s, const char *const *extra);
/* SIGTERM and wait; returns the exit status (-1 if killed by a signal). */
int srv_stop(struct server *s);
/* SIGKILL and wait. */
void srv_kill(struct server *s);
/* Stop the server if it runs (failing the test when it does not exit 0)
 * and remove the temporary directory (kept on failure). */
void srv_cleanup(struct server *s);
/* Shift the server's clock by offset seconds from now on. */
void srv_clock(struct server *s, long offset);

/* Run the grassroots binary with arguments (a printf format, passed
 * through sh -c) and return its exit status; *out (if given) receives
 * stdout and stderr, to be freed. */
int cli(char **out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Run a shell command, same conventions. */
int sh(char **out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

struct resp {
	long status;
	json_t *json; /* parsed body when it is JSON, else NULL */
	char *body;
	size_t len;
	char *headers; /* raw response headers */
};

/* One request on a new connection.  token: bearer token or NULL.  body: a
 * printf format producing JSON, or NULL for no body. */
struct resp *call(struct server *s, const char *method, const char *path, const char *token,
		  const char *body, ...) __attribute__((format(printf, 5, 6)));
/* Like call, with extra header lines (NULL-terminated) and a raw body of
 * len bytes (NULL for none). */
struct resp *call_raw(struct server *s, const char *method, const char *path,
		      const char *const *headers, const char *body, size_t len);
void resp_free(struct resp *r);
/* call() with the path as a printf format and the body as it is (NULL for
 * none). */
struct resp *call_at(struct server *s, const char *method, const char *token, const char *body,
		     const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Assert the status and, when code is not NULL, the error code; frees r. */
void expect_reply(struct resp *r, long status, const char *code);
/* Header value (case-insensitive name) or NULL; the pointer lives as long
 * as r. */
const char *resp_header(struct resp *r, const char *name);
/* error.code of an error response, or "". */
const char *err_code(const struct resp *r);
const char *err_field(const struct resp *r);

/* Sign in; returns a malloc'd bearer token (fails the test on error). */
char *login(struct server *s, const char *username, const char *password);
/* Create an account with TEST_PASSWORD holding role at the node with
 * org_code (NULL for administrator roles) through the command line (the
 * server may be running).  Returns its id. */
int64_t mkuser(struct server *s, const char *username, const char *role, const char *org_code);

/* The id of the node with code, looked up through the API with token. */
int64_t org_id(struct server *s, const char *token, const char *code);

/* A valid GB 11643 citizen number of region (6 digits) and birth
 * (YYYY-MM-DD), the seq-th of that day; the 17th digit is odd for men. */
void citizen_id(char out[19], const char *region, const char *birth, unsigned seq, bool male);

/* JSON helpers on dotted paths ("user.roles.0.role"). */
json_t *jget(json_t *j, const char *path);
const char *jstr(json_t *j, const char *path);
int64_t jint(json_t *j, const char *path);

/* Assert status with the body in the failure message. */
#define assert_status(r, expected)                                                          \
	do {                                                                                \
		if ((r)->status != (expected)) {                                            \
			print_error("expected HTTP %d, got %ld: %.400s\n", (int)(expected), \
				    (r)->status, (r)->body ? (r)->body : "");               \
			fail();                                                             \
		}                                                                           \
	} while (0)

#endif
