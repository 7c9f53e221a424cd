/*
 * Shared pieces of the people-and-places registry: who made a change, the
 * version history, where a record lies (its grid and code), the search
 * index documents and the date arithmetic of ages.
 */
#ifndef GR_REGISTRY_REGISTRY_H
#define GR_REGISTRY_REGISTRY_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "db/db.h"

struct actor {
	int64_t id;       /* 0 for the command line */
	const char *name; /* username or cli:<user> */
};

/* Where a record lies: an address and its grid. */
struct location {
	int64_t address_id;
	int64_t household_id; /* 0 when none */
	int64_t grid_id;
	char code[16];        /* the grid's code */
};

/* Resolve a household (when non-zero) or an address to its location.
 * RC_NOT_FOUND when it does not exist. */
int registry_locate(struct db *db, int64_t household_id, int64_t address_id,
		    struct location *out);

/* Record a change: changes_new is {"field": [old, new], ...} (taken); an
 * empty object records nothing.  In the caller's transaction. */
int registry_version(struct db *db, const char *entity, int64_t id, const struct actor *who,
		     json_t *changes_new);
/* The history of a record, newest first. */
json_t *registry_versions_json(struct db *db, const char *entity, int64_t id);

/* Kinds of search documents. */
enum search_kind { SEARCH_RESIDENT = 1, SEARCH_ADDRESS = 2, SEARCH_UNIT = 3 };

/* Index text for a record of kind lying in code (replaces any previous
 * document of the record).  A resident who lives here now also carries the
 * token SEARCH_ACTIVE, so that the common search is answered by the index
 * alone. */
int search_put(struct db *db, enum search_kind kind, int64_t id, const char *text,
	       const char *code, bool active);
#define SEARCH_ACTIVE "#1"
int search_del(struct db *db, enum search_kind kind, int64_t id);
/* The FTS5 query for the user's text q inside the scope roots (a JSON
 * array of codes as from principal_roots), or NULL when q has no
 * searchable character.  With active_only, only residents who live here
 * now match.  The result is malloc'd. */
char *search_match(const char *q, const char *roots, bool active_only);
/* roots, or [""] when they contain every grid of the deployment: a scope
 * clause that selects everything only slows a query down. */
const char *registry_effective_roots(struct db *db, const char *roots);
/* Mixed search over residents, addresses and units.  Items carry kind,
 * id, label and code. */
int search_json(struct db *db, const char *match, int64_t limit, int64_t offset,
		json_t **items_new, int64_t *total);

/* Which rows of a list are wanted: a page (limit, offset) returned as an
 * array, or, when each is set, every row handed in turn to each (which
 * borrows it and returns non-zero to stop) without building an array:
 * exports take that way. */
struct list_rows {
	int64_t limit, offset;
	int (*each)(void *ctx, json_t *row);
	void *ctx;
};

/* A list query: ?1 the scope roots, ?2 one filter (an id when non-zero,
 * else text when non-NULL, else NULL), ?3 limit, ?4 offset. */
struct list_query {
	const char *roots;
	int64_t id;
	const char *text;
	const struct list_rows *rows;
};

/* Count with `count` and list with `list` (both taking the parameters of
 * q), each list row turned into JSON by row(); *items_new is NULL when the
 * rows went to q->rows->each. */
int registry_list(struct db *db, sqlite3_stmt *count, sqlite3_stmt *list,
		  const struct list_query *q, json_t *(*row)(sqlite3_stmt *st), json_t **items_new,
		  int64_t *total);

/* The grid code that st (taking the id as ?1) selects for id, into code.
 * RC_NOT_FOUND when there is no such row. */
int registry_code(struct db *db, sqlite3_stmt *st, int64_t id, char code[16]);

/* Today's civil date (China Standard Time) as YYYY-MM-DD, from the clock,
 * which tests may shift. */
void registry_today(char out[11]);
/* The date `years` years before today, YYYY-MM-DD (Feb 29 becomes Feb 28). */
void registry_years_ago(int years, char out[11]);
/* Age in whole years on today's date for a YYYY-MM-DD birth date. */
int registry_age(const char *birth_date);

/* SQL expression giving an address's display text from aliases b
 * (buildings) and a (addresses). */
#define ADDRESS_TEXT_SQL                                                                \
	"trim(b.street || ' ' || b.number || CASE WHEN b.name <> '' THEN ' ' || b.name" \
	" ELSE '' END || CASE WHEN a.unit <> '' THEN ' ' || a.unit ELSE '' END ||"      \
	" CASE WHEN a.room <> '' THEN ' ' || a.room ELSE '' END)"

#endif
