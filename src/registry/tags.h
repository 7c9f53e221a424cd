/*
 * Group tags for refined services (重点人群) and who may see each of them.
 * Several are sensitive personal information (PIPL art. 28: health,
 * financial hardship, criminal records); this table is the one place that
 * decides which roles see which tag.  Ages 60+ and 80+ are derived from the
 * birth date, not stored.
 */
#ifndef GR_REGISTRY_TAGS_H
#define GR_REGISTRY_TAGS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "auth/principal.h"

struct tag_def {
	const char *name;
	bool sensitive;     /* PIPL art. 28 sensitive personal information */
	uint32_t roles;     /* bit (1 << role) of the roles that see it */
	const char *attrs;  /* the attributes it carries, for documentation */
};

const struct tag_def *tag_find(const char *name);
/* The catalogue, ending with a NULL name. */
const struct tag_def *tag_catalogue(void);
/* True when some role of p at a node covering code may see the tag. */
bool tag_visible(const struct principal *p, const struct tag_def *t, const char *code);
/* NULL when attrs (an object, may be NULL) suit the tag, else the reason. */
const char *tag_check_attrs(const struct tag_def *t, const json_t *attrs);

#endif
