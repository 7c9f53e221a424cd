/*
 * Tag catalogue.  Welfare tags are seen by every role that reads the
 * registry; health and hardship tags by the roles that deliver services;
 * judicial tags only by community, town and county staff.
 */
#include "registry/tags.h"

#include <string.h>

#define R(x) (1u << (x))
#define READERS (R(ROLE_GRID_WORKER) | R(ROLE_COMMUNITY_WORKER) | R(ROLE_TOWN_OFFICER) | \
		 R(ROLE_COUNTY_OFFICER) | R(ROLE_DEPARTMENT_OFFICER))
#define CASEWORK (R(ROLE_COMMUNITY_WORKER) | R(ROLE_TOWN_OFFICER) | R(ROLE_COUNTY_OFFICER))

static const struct tag_def tags[] = {
	{"living_alone", false, READERS, ""},
	{"left_behind_child", false, READERS, ""},
	{"left_behind_elder", false, READERS, ""},
	{"veteran", false, READERS, ""},
	{"disabled", true, READERS, "type (visual, hearing, speech, physical, intellectual, mental, multiple), grade 1-4"},
	{"subsistence", true, READERS, ""},
	{"extreme_hardship", true, READERS, ""},
	{"minor_in_difficulty", true, READERS, ""},
	{"severe_mental_disorder", true, CASEWORK, ""},
	{"community_correction", true, CASEWORK, ""},
	{"drug_rehabilitation", true, CASEWORK, ""},
	{"released_prisoner", true, CASEWORK, ""},
	{NULL, false, 0, NULL},
};

const struct tag_def *tag_catalogue(void)
{
	return tags;
}

const struct tag_def *tag_find(const char *name)
{
	for (const struct tag_def *t = tags; t->name; t++)
		if (strcmp(t->name, name) == 0)
			return t;
	return NULL;
}

bool tag_visible(const struct principal *p, const struct tag_def *t, const char *code)
{
	if (p == NULL)
		return false;
	for (size_t i = 0; i < p->ngrants; i++) {
		const struct grant *g = &p->grants[i];
		if ((t->roles & R(g->role)) && strncmp(code, g->org_code, strlen(g->org_code)) == 0)
			return true;
	}
	return false;
}

const char *tag_check_attrs(const struct tag_def *t, const json_t *attrs)
{
	if (attrs != NULL && !json_is_object(attrs))
		return "attrs must be an object";
	if (strcmp(t->name, "disabled") == 0) {
		static const char *const types[] = {"visual", "hearing", "speech", "physical",
						    "intellectual", "mental", "multiple", NULL};
		const char *type = json_string_value(json_object_get(attrs, "type"));
		json_t *grade = json_object_get(attrs, "grade");
		bool ok = false;
		for (const char *const *x = types; type && *x && !ok; x++)
			ok = strcmp(*x, type) == 0;
		if (!ok)
			return "a disability needs its type: visual, hearing, speech, physical, intellectual, mental or multiple";
		if (!json_is_integer(grade) || json_integer_value(grade) < 1 || json_integer_value(grade) > 4)
			return "a disability needs its grade, 1 to 4";
		if (json_object_size(attrs) != 2)
			return "a disability carries only type and grade";
		return NULL;
	}
	if (attrs != NULL && json_object_size(attrs) != 0)
		return "this tag carries no attributes";
	return NULL;
}
