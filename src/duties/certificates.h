/*
 * The certificate desk of a community: certificates on the banned list are
 * refused (and the refusal recorded, since the burden ledger counts every
 * certificate asked for); the others are issued from a template with a
 * register number that runs per community and year without gaps.  Local
 * extensions of the banned list live here too.
 */
#ifndef GR_DUTIES_CERTIFICATES_H
#define GR_DUTIES_CERTIFICATES_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "db/db.h"

/* The register number of the seq-th certificate of community code in
 * year: "330681109290-2026-0007" (at least four digits). */
void cert_register_no(const char *code, int year, int64_t seq, char *out, size_t len);

/* Fill tpl's placeholders {community} {name} {content} {purpose} {date}
 * {register_no} from the values given (NULL: left empty); any other text in
 * braces stays as written.  Returns a malloc'd string. */
struct cert_values {
	const char *community, *name, *content, *purpose, *date, *register_no;
};
char *cert_render(const char *tpl, const struct cert_values *v);

/* A civil date YYYY-MM-DD written as 2026年3月2日 into out (at least 32). */
void cert_date_text(const char *date, char *out, size_t len);

/* The templates usable at the node with code (national or of a node above
 * it): [{"id","code","name","name_en","guidance","guidance_en","body"}]. */
int cert_templates_json(struct db *db, const char *code, json_t **out_new);
/* One usable template at code: name and body copied into the caller's
 * buffers; RC_NOT_FOUND when there is none. */
int cert_template_get(struct db *db, int64_t id, const char *code, char *name, size_t nlen,
		      char **body_new);

/* Take the next register number of community code in year (inside the
 * caller's write transaction, which serialises issuing desks). */
int cert_next_seq(struct db *db, const char *code, int year, int64_t *seq);

/* Insert an issued certificate; *id the new row. */
int cert_insert_issued(struct db *db, const char *code, int64_t resident_id, const char *title,
		       const char *register_no, const char *body, int64_t template_id,
		       const char *purpose, int64_t user_id, int64_t *id);
/* Insert a refusal naming the banned entry. */
int cert_insert_refused(struct db *db, const char *code, int64_t resident_id, const char *title,
			int64_t banned_id, const char *purpose, int64_t user_id, int64_t *id);

/* {"id","code","community","resident_id","resident_name","title","status",
 * "register_no","purpose","body","refused_by":{banned entry}|null,
 * "issued_by","at_ms"} */
int cert_json(struct db *db, int64_t id, json_t **out_new);
/* The community code of certificate id (RC_NOT_FOUND). */
int cert_code(struct db *db, int64_t id, char code[16]);
/* The register of the communities under roots (JSON array of codes),
 * newest first, without the bodies; status NULL for both. */
int cert_list_json(struct db *db, const char *roots, const char *status, int64_t limit,
		   int64_t offset, json_t **items_new, int64_t *total);

/* The banned list as it applies at code (NULL: every entry, local ones of
 * every node included), national entries first:
 * [{"id","name","name_en","keywords","go_to","go_to_en","basis",
 * "scope_code","scope_name"}]. */
int banned_list_json(struct db *db, const char *code, json_t **out_new);
/* Add a local entry under scope_code; *id the new row. */
int banned_add(struct db *db, const char *scope_code, const char *name, const char *name_en,
	       const char *keywords, const char *go_to, const char *go_to_en, const char *basis,
	       int64_t user_id, int64_t *id);
/* The scope of entry id ("" national); RC_NOT_FOUND. */
int banned_scope(struct db *db, int64_t id, char code[16]);
/* Withdraw a local entry: it no longer matches; the refusals recorded
 * under it keep naming it. */
int banned_delete(struct db *db, int64_t id);

#endif
