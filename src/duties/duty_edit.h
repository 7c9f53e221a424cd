/*
 * Versions of duty lists: drafts created empty or as a copy of a published
 * version, edited item by item or replaced by a CSV import, published with
 * the day they take effect; the history of a list and what changed between
 * two versions.  A list is identified by (kind, owner_code, body); each row
 * of duty_lists is one version of it.  The JSON written here never names a
 * person: only the owner node and the body a list is of.
 */
#ifndef GR_DUTIES_DUTY_EDIT_H
#define GR_DUTIES_DUTY_EDIT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "db/db.h"

struct duty_list {
	int64_t id;
	char kind[16];
	char owner_code[16];
	char body[200];
	int64_t version;
	bool published;
	char effective_from[11]; /* "" for drafts */
};

/* Whether section belongs to lists of kind ("power" or "community"). */
bool duty_section_fits(const char *kind, const char *section);
/* The section code for label, given as a code or by its Chinese name
 * (依法履职事项, 负面清单, 行政许可 …); NULL when it is neither or does not
 * fit kind. */
const char *duty_section_parse(const char *kind, const char *label);
/* Why a '|'-separated keyword list is not usable (an empty or overlong
 * word), or NULL when it is fine. */
const char *duty_keywords_problem(const char *keywords);

/* The version with id: RC_OK or RC_NOT_FOUND. */
int duty_list_get(struct db *db, int64_t id, struct duty_list *out);
/* One version as JSON: {"id","kind","owner_code","owner_name","body",
 * "version","status","effective_from","until","in_force","note",
 * "published_at","counts":{section:n}} and, with items, "items":[...]
 * (duty_item_json's members).  today decides in_force. */
int duty_list_json(struct db *db, int64_t id, bool items, const char *today, json_t **out_new);
/* The published versions of the list that version id belongs to, newest
 * first, each as duty_list_json without items. */
int duty_versions_json(struct db *db, int64_t id, const char *today, json_t **out_new);
/* Every published list whose owner lies on the path of code (above or at
 * it, the national default included) or below it, one entry per list: the
 * version in force today, or the first one to come; "next" names a later
 * version already published.  kind NULL for both kinds. */
int duty_lists_public_json(struct db *db, const char *kind, const char *code, const char *today,
			   json_t **out_new);
/* The drafts and published lists owned inside roots (JSON array of codes
 * as principal_roots gives), newest first. */
int duty_lists_scope_json(struct db *db, const char *roots, const char *status,
			  const char *today, json_t **out_new);

/* What changed from the items of one version to another's, matching items
 * by section and title: {"added":[item],"removed":[item],"changed":[{"from":
 * item,"to":item,"fields":[names]}]}.  Pure: both arguments are arrays of
 * item objects. */
json_t *duty_diff(const json_t *from_items, const json_t *to_items);

/* A new draft of the list (kind, owner_code, body): the next version
 * number, its items copied from the published version copy_from (0: empty).
 * RC_CONFLICT when the list has a draft already.  Runs inside the caller's
 * transaction. */
int duty_draft_create(struct db *db, const char *kind, const char *owner_code, const char *body,
		      int64_t copy_from, int64_t user_id, int64_t *id);
/* Discard a draft and its items (caller's transaction). */
int duty_draft_delete(struct db *db, int64_t id);
/* Publish draft id from effective_from with note (NULL keeps it).  The
 * caller checked the day; RC_INVALID_STATE when it has no item. */
int duty_draft_publish(struct db *db, int64_t id, const char *effective_from, const char *note,
		       int64_t user_id);
/* The first day the list of version id may take effect on: the latest
 * effective_from of its published versions ("" when none). */
int duty_last_effective(struct db *db, int64_t id, char out[11]);

/* An item's fields as given by the caller (NULL: not given). */
struct duty_item_in {
	const char *section, *title, *title_en, *legal_basis, *responsible, *cooperating,
		*community_role, *keywords;
};
/* Add an item at the end of its section; *item_id the new id. */
int duty_item_add(struct db *db, int64_t list_id, const struct duty_item_in *in, int64_t *item_id);
/* Change the given fields; a new section moves it to that section's end. */
int duty_item_update(struct db *db, int64_t list_id, int64_t item_id, const struct duty_item_in *in);
/* Remove an item; the later items of its section move up. */
int duty_item_delete(struct db *db, int64_t list_id, int64_t item_id);

/* CSV import into a draft (see docs/duty-lists.md for the columns). */
struct duty_import_report {
	int64_t rows;     /* data rows read */
	int64_t bad_rows; /* rows with a problem */
	json_t *problems; /* [{row, column, reason}] (owned by the caller), at most 1000 */
};
/* Read f and, when every row is good and dry_run is false, replace the
 * items of draft list_id (kind) with them inside the caller's transaction.
 * RC_OK when the file could be read (check bad_rows: nothing changed
 * unless it is 0), RC_VALIDATION_FAILED for a file-level problem (the one
 * entry of problems says which). */
int duty_import_csv(struct db *db, int64_t list_id, const char *kind, FILE *f, bool dry_run,
		    struct duty_import_report *rep);

/* The export columns, also the import's header. */
extern const char *const duty_csv_columns[];

#endif
