/*
 * People of the registry: households at an address and residents with
 * their identity documents (encrypted), tags, moves and history.
 */
#ifndef GR_REGISTRY_PEOPLE_H
#define GR_REGISTRY_PEOPLE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "auth/principal.h"
#include "core/str.h"
#include "registry/registry.h"

/* Inputs of a resident; NULL leaves a field unchanged (phone "" clears). */
struct resident_in {
	const char *name, *gender, *birth_date, *id_type, *id_number, *phone, *ethnicity,
		*residence_type, *employment, *relation, *moved_in_on;
};

/* A refusal of an input: which field and why. */
struct refusal {
	const char *field;
	const char *why;
};

/* Create a resident at loc.  RC_VALIDATION_FAILED with *no set for a bad
 * field (including an identity number that disagrees with the birth date),
 * RC_CONFLICT when the identity number is registered already.  In a
 * transaction. */
int resident_insert(struct db *db, const struct resident_in *in, const struct location *loc,
		    const struct actor *who, int64_t *id, struct refusal *no);
/* Change the given fields and, with loc, the household or address.  The
 * version history records old -> new (identity and phone masked). */
int resident_update(struct db *db, int64_t id, const struct resident_in *in,
		    const struct location *loc, const struct actor *who, struct refusal *no);
int resident_code(struct db *db, int64_t id, char code[16]);
/* The resident as seen by p: numbers masked, only the tags p may see. */
int resident_json(struct db *db, int64_t id, const struct principal *p, json_t **out_new);
/* The same resident as JSON text appended to b, with its grid code. */
int resident_text_get(struct db *db, int64_t id, const struct principal *p, struct sbuf *b,
		      char code[16]);
/* The clear identity and phone numbers (phone "" when none). */
int resident_unmask(struct db *db, int64_t id, char *id_number, size_t idlen, char *phone,
		    size_t phonelen);
int resident_tag_set(struct db *db, int64_t id, const char *tag, const json_t *attrs,
		     const char *since, const struct actor *who);
int resident_tag_del(struct db *db, int64_t id, const char *tag, const struct actor *who);
/* Record a move out (status moved_out) or back in at loc (status active). */
int resident_move(struct db *db, int64_t id, bool in, const struct location *loc,
		  const char *on, const char *place, const char *reason, const struct actor *who);
json_t *resident_moves_json(struct db *db, int64_t id);

struct resident_filter {
	const char *roots;          /* scope: JSON array of codes */
	const char *match;          /* FTS query from search_match, or NULL */
	const unsigned char *blind; /* exact identity or phone look-up, or NULL */
	const char *tag, *residence_type, *status;
	int age_min, age_max;       /* -1: no bound */
	int64_t household_id;
	int64_t limit, offset;
};
int residents_list(struct db *db, const struct resident_filter *f, const struct principal *p,
		   json_t **items_new, int64_t *total);
/* Call fn for every resident the filter selects (limit and offset apply;
 * limit -1 for all), in list order, with the row as p sees it (borrowed).
 * fn returns 0 to go on. */
int residents_each(struct db *db, const struct resident_filter *f, const struct principal *p,
		   int (*fn)(void *ctx, json_t *row), void *ctx);

/* Households. */
int household_insert(struct db *db, const struct location *loc, const char *number,
		     const struct actor *who, int64_t *id);
/* Set number and/or head (head_id 0 leaves it; the head must be a member). */
int household_update(struct db *db, int64_t id, const char *number, int64_t head_id,
		     const struct actor *who, struct refusal *no);
int household_code(struct db *db, int64_t id, char code[16]);
/* Make resident_id the head when the household has none yet. */
int household_claim_head(struct db *db, int64_t household_id, int64_t resident_id,
			 const struct actor *who);
/* With address, members (as p sees them) and the house. */
int household_json(struct db *db, int64_t id, const struct principal *p, json_t **out_new);
int households_list(struct db *db, const char *roots, int64_t address_id, const struct list_rows *rows, json_t **items_new, int64_t *total);

#endif
