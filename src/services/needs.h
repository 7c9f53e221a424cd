/*
 * Needs matched to providers: rules over registry facts, the coverage of
 * each rule by node, and the people of a rule with their matches.
 */
#ifndef GR_SERVICES_NEEDS_H
#define GR_SERVICES_NEEDS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "db/db.h"

struct need_rule {
	int64_t id;
	json_t *conditions; /* owned; the eligibility format */
	int64_t item_id;    /* 0: visits only */
	int visit_days;     /* 0: no visits asked */
	bool active;
};

/* Every rule (id 0) as an array, or the one rule id. */
int need_rules_json(struct db *db, int64_t id, json_t **out_new);
/* Create (id 0) or update a rule from a checked body; RC_CONFLICT when the
 * code is taken. */
int need_rule_save(struct db *db, int64_t *id, const json_t *in);
int need_rule_load(struct db *db, int64_t id, struct need_rule *out);
void need_rule_free(struct need_rule *r);

/* Per child node (codes cut to child_len) under code: {"code", "in_need",
 * "served", "unserved", "visit_overdue"}.  A town's or a county's is kept
 * for a minute; a community's or a grid's is always current. */
int needs_coverage(struct db *db, const struct need_rule *r, const char *code, int child_len,
		   int64_t now_ms, json_t **rows_new);
/* Free places of the item's slots between from and to from providers whose
 * areas overlap the node. */
int64_t needs_free_places(struct db *db, int64_t item_id, const char *code, int64_t from_ms,
			  int64_t to_ms);
/* The people of a rule under code: status "all", "unserved" or "overdue";
 * each with up to three matching providers. */
int needs_people(struct db *db, const struct need_rule *r, const char *code, const char *status,
		 int64_t now_ms, int64_t limit, int64_t offset, json_t **items_new,
		 int64_t *total);

#endif
