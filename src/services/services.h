/*
 * Refined services: the catalogue, eligibility over registry facts,
 * applications as a kind of case, providers with their areas and time
 * slots, and bookings that never exceed a slot's capacity.  api_services.c
 * turns requests into these calls.
 */
#ifndef GR_SERVICES_SERVICES_H
#define GR_SERVICES_SERVICES_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "auth/principal.h"
#include "cases/case.h"
#include "db/db.h"

enum application_state {
	AP_SUBMITTED,
	AP_ACCEPTED,
	AP_REJECTED,
	AP_DONE,
	AP_EVALUATED,
	AP_WITHDRAWN,
};

extern const struct case_kind application_kind;

/* Working days allowed to accept or reject a submitted application. */
#define APPLICATION_ACCEPT_DAYS 2

/* ---- catalogue ---- */

/* Items as the catalogue lists them; retired ones only when all. */
int service_items_json(struct db *db, bool all, const char *scenario, json_t **out_new);
/* One item; RC_NOT_FOUND when absent. */
int service_item_json(struct db *db, int64_t id, json_t **out_new);

struct service_item {
	int64_t id;
	int limit_days;
	bool online, bookable, retired;
	json_t *eligibility; /* owned */
	char name[128];
	char scenario[16];
};
int service_item_load(struct db *db, int64_t id, struct service_item *out);
void service_item_free(struct service_item *it);

/* NULL when rules is a valid eligibility object, else the faulty key with a
 * sentence in *why. */
const char *service_rules_check(const json_t *rules, const char **why);

/* Create (id 0, *id receives the new one) or update an item from a body
 * whose fields were checked by the route; absent fields keep their value.
 * RC_CONFLICT when the code is taken. */
int service_item_save(struct db *db, int64_t *id, const json_t *in);

/* ---- eligibility ---- */

/* Check rules against resident id: {"eligible":bool, "checks":[{"rule",
 * "ok", "need", "have"}]}.  RC_NOT_FOUND when there is no such resident. */
int service_eligibility(struct db *db, const json_t *rules, int64_t resident_id,
			json_t **out_new);

/* ---- applications ---- */

struct application_in {
	int64_t item_id, resident_id;
	const char *channel, *details;
};
/* Submit: a case in the resident's grid with the eligibility report. */
int application_create(struct db *db, const struct application_in *in, const json_t *report,
		       const char *title, const struct case_actor *who, int64_t *id);
/* After a move: clocks, outcome, result, rating, closing. */
int application_after_move(struct db *db, struct case_row *c, const char *action,
			   const json_t *in);
/* The resident an application is for, 0 when it is not one. */
int64_t application_resident(struct db *db, int64_t case_id);
/* An application; without people (for the applicant) the staff who acted
 * and who submitted it at the window are left out, as for events. */
int application_json(struct db *db, int64_t id, bool with_people, json_t **out_new);

struct application_filter {
	const char *roots; /* scope (JSON array of codes); NULL: by resident or creator */
	int64_t resident_id, created_by;
	const char *state;
	int64_t item_id;
	int64_t limit, offset;
};
int applications_list(struct db *db, const struct application_filter *f, json_t **items_new,
		      int64_t *total);

/* Materials: PDF, JPEG or PNG, recognised by content. */
#define APPLICATION_MATERIALS_MAX 10
const char *service_material_type(const unsigned char *data, size_t len);
int application_material_add(struct db *db, int64_t case_id, const char *name, const char *type,
			     const void *data, size_t len, int64_t by, int64_t *id);
int application_material_get(struct db *db, int64_t case_id, int64_t id, void **data,
			     size_t *len, char type[32], char name[128]);

/* ---- providers, slots, bookings ---- */

struct provider_in {
	const char *name, *kind, *contact, *phone;
	const char *code; /* node it is registered at */
	const json_t *items, *areas; /* arrays of item ids and of node codes */
	int active;       /* -1 keep */
};
int provider_save(struct db *db, int64_t *id, const struct provider_in *in);
int provider_json(struct db *db, int64_t id, json_t **out_new);
/* The provider's node code, for scope checks. */
int provider_code(struct db *db, int64_t id, char code[16]);
int providers_list(struct db *db, const char *roots, int64_t item_id, int64_t limit,
		   int64_t offset, json_t **items_new, int64_t *total);

struct slot_in {
	int64_t provider_id, item_id;
	int64_t starts_at_ms, ends_at_ms;
	int capacity;
	const char *place;
};
int slot_create(struct db *db, const struct slot_in *in, int64_t *id);
int slot_json(struct db *db, int64_t id, json_t **out_new);
/* Slots of an item from now on whose provider serves the node with code
 * (or of one provider when provider_id is set), soonest first. */
int slots_list(struct db *db, int64_t item_id, int64_t provider_id, const char *code,
	       int64_t from_ms, int64_t limit, json_t **items_new);
/* Cancel a slot and its bookings; *ids_new receives the booking ids. */
int slot_cancel(struct db *db, int64_t id);

/* Book a place for resident in slot: RC_CONFLICT with *why when the slot
 * is full, cancelled, past, or the resident already holds a place in it;
 * RC_VALIDATION_FAILED when the provider does not serve the resident's
 * area. */
int booking_create(struct db *db, int64_t slot_id, int64_t resident_id, int64_t by, int64_t *id,
		   const char **why);
struct booking_row {
	int64_t id, slot_id, resident_id, booked_by;
	char code[16], status[16];
	int64_t starts_at_ms;
};
int booking_load(struct db *db, int64_t id, struct booking_row *out);
/* Cancel (giving the place back) or mark attended. */
int booking_set_status(struct db *db, const struct booking_row *b, const char *status);
int booking_json(struct db *db, int64_t id, json_t **out_new);
/* Bookings of a resident, or of a slot (with residents' names, for staff). */
int bookings_list(struct db *db, int64_t resident_id, int64_t slot_id, json_t **items_new);

#endif
