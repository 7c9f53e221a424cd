/*
 * Router: a linear scan of the table comparing segment by segment.  With a
 * few hundred routes this costs well under a microsecond and keeps the
 * table the single source of truth.
 */
#include "http/router.h"

#include <string.h>

#include "core/str.h"

/* Match pattern against path; on success store parameters in r. */
static bool match(struct req *r, const char *pattern, const char *path, bool store)
{
	const char *p = pattern, *s = path;
	int n = 0;
	while (*p && *s) {
		if (*p == '{') {
			const char *pend = strchr(p, '}');
			const char *send = strchr(s, '/');
			if (pend == NULL)
				return false;
			if (send == NULL)
				send = s + strlen(s);
			/* A parameter followed by a literal other than '/', as in
			 * {id}.{format}, ends at that literal's last occurrence in
			 * the segment. */
			if (pend[1] != '\0' && pend[1] != '/') {
				const char *cut = NULL;
				for (const char *q = s; q < send; q++)
					if (*q == pend[1])
						cut = q;
				if (cut == NULL)
					return false;
				send = cut;
			}
			if (send == s || n == REQ_MAX_PARAMS)
				return false;
			if (store) {
				r->params[n] = arena_strndup(&r->arena, s, (size_t)(send - s));
				int64_t v = 0;
				r->ids[n] = str_to_i64(r->params[n], &v) && v > 0 ? v : 0;
			}
			n++;
			p = pend + 1;
			s = send;
			continue;
		}
		if (*p != *s)
			return false;
		p++;
		s++;
	}
	if (*p || *s)
		return false;
	if (store)
		r->nparams = n;
	return true;
}

int router_match(struct req *r, const char *method, const char *path)
{
	const char *m = strcmp(method, "HEAD") == 0 ? "GET" : method;
	/* The routes of the method first (a method compares faster than a
	 * path); the others only to tell 405 from 404. */
	for (size_t i = 0; i < routes_count; i++)
		if (strcmp(routes[i].method, m) == 0 && match(r, routes[i].path, path, false)) {
			match(r, routes[i].path, path, true);
			return (int)i;
		}
	for (size_t i = 0; i < routes_count; i++)
		if (match(r, routes[i].path, path, false))
			return ROUTER_NO_METHOD;
	return ROUTER_NO_PATH;
}

const char *router_allowed(struct req *r, const char *path)
{
	char buf[128] = "";
	for (size_t i = 0; i < routes_count; i++) {
		if (!match(r, routes[i].path, path, false))
			continue;
		if (buf[0])
			strncat(buf, ", ", sizeof(buf) - strlen(buf) - 1);
		strncat(buf, routes[i].method, sizeof(buf) - strlen(buf) - 1);
	}
	return arena_strdup(&r->arena, buf);
}
