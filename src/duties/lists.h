/*
 * Duty lists in force: which version of a community's three lists (or of a
 * body's power list) applies on a day, and matching against them.  The
 * work-access check and the certificate desk use these; editing, versions,
 * publishing, import and export are in the rest of this module.
 */
#ifndef GR_DUTIES_LISTS_H
#define GR_DUTIES_LISTS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "db/db.h"

/* The published version of a list in force on day (YYYY-MM-DD): kind
 * "community" for the community with code (its own lists, else the
 * default of the nearest town or county above it), or kind "power" of body
 * at owner code.  *list_id is 0 when none is in force (RC_OK). */
int duty_list_in_force(struct db *db, const char *kind, const char *code, const char *body,
		       const char *day, int64_t *list_id);

/* The first item of section in list_id one of whose keywords occurs in
 * text (case as written; keywords separated by '|'); *item_id 0 when none. */
int duty_match_keywords(struct db *db, int64_t list_id, const char *section, const char *text,
			int64_t *item_id);

/* The section of item_id when it belongs to list_id ("" when it does not). */
int duty_item_section(struct db *db, int64_t list_id, int64_t item_id, char section[16]);

/* {"id","list_id","section","seq","title","title_en","legal_basis",
 * "responsible","cooperating","community_role","keywords"} */
int duty_item_json(struct db *db, int64_t item_id, json_t **out_new);

/* The banned certificate (national, or local to a node above code) whose
 * keyword occurs in name: {"id","name","name_en","go_to","go_to_en",
 * "basis"}; *out_new NULL when none matches. */
int banned_certificate_match(struct db *db, const char *code, const char *name,
			     json_t **out_new);

#endif
