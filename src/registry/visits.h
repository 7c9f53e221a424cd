/*
 * Door-to-door visits (走访) to households, with follow-ups to close, and
 * the registry statistics by node.
 */
#ifndef GR_REGISTRY_VISITS_H
#define GR_REGISTRY_VISITS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "auth/principal.h"
#include "registry/registry.h"

int visit_insert(struct db *db, int64_t household_id, const char *code, const char *visited_on,
		 const struct actor *who, const char *notes, const char *follow_up, int64_t *id);
/* Mark the follow-up done or not, or change its text (NULL leaves). */
int visit_update(struct db *db, int64_t id, const bool *done, const char *follow_up,
		 const struct actor *who);
int visit_code(struct db *db, int64_t id, char code[16]);
int visit_json(struct db *db, int64_t id, json_t **out_new);
/* Visits of one household, newest first. */
json_t *visits_of_household(struct db *db, int64_t household_id);
/* Visits within roots; with pending, only those with an open follow-up. */
int visits_list(struct db *db, const char *roots, bool pending, const struct list_rows *rows,
		json_t **items_new, int64_t *total);

/* Population of the node with code and of each of its children: residents
 * by residence type, age band (0-17, 18-59, 60-79, 80+) and the tags p may
 * see, households and buildings. */
int registry_stats(struct db *db, const char *code, const struct principal *p, json_t **out_new);
/* Recompute stale statistics of towns and larger on a connection of its
 * own (the server); without it they are recomputed by the request. */
int registry_stats_refresher_start(const struct db_options *o);
void registry_stats_refresher_stop(void);

#endif
