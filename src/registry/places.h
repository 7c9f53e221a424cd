/*
 * Places of the registry: buildings (a door plate on a street, with
 * optional coordinates), standard addresses (a building and, in a block of
 * flats, unit and room), houses (one per address) and units (实有单位).
 */
#ifndef GR_REGISTRY_PLACES_H
#define GR_REGISTRY_PLACES_H

#include <jansson.h>
#include <stdint.h>

#include "registry/registry.h"

struct building_in {
	int64_t grid_id;
	const char *grid_code;
	const char *street, *number, *name; /* name may be "" */
	const json_t *lon, *lat;            /* numbers or NULL */
};

/* The building with these street, number and name in the grid, created
 * when missing (*created tells).  In a transaction. */
int building_ensure(struct db *db, const struct building_in *in, const struct actor *who,
		    int64_t *id, bool *created);
/* Change street, number, name or coordinates (NULL leaves a field);
 * re-indexes its addresses.  RC_CONFLICT when another building of the grid
 * has the same plate. */
int building_update(struct db *db, int64_t id, const char *street, const char *number,
		    const char *name, const json_t *lon, const json_t *lat, const struct actor *who);
/* RC_NOT_FOUND or RC_OK with the grid code of a building, address, house
 * or unit. */
int building_code(struct db *db, int64_t id, char code[16]);
int address_code(struct db *db, int64_t id, char code[16]);
int house_code(struct db *db, int64_t id, char code[16]);
int unit_code(struct db *db, int64_t id, char code[16]);

int building_json(struct db *db, int64_t id, json_t **out_new);
/* Buildings within roots (JSON array of codes), optionally only those of
 * one grid (grid_id 0: all). */
int buildings_list(struct db *db, const char *roots, int64_t grid_id, const struct list_rows *rows, json_t **items_new, int64_t *total);

/* A new address in a building.  RC_CONFLICT when unit and room exist. */
int address_insert(struct db *db, int64_t building_id, const char *unit, const char *room,
		   const struct actor *who, int64_t *id);
/* The address with unit and room in the building, created when missing. */
int address_ensure(struct db *db, int64_t building_id, const char *unit, const char *room,
		   const struct actor *who, int64_t *id, bool *created);
int address_update(struct db *db, int64_t id, const char *unit, const char *room,
		   const struct actor *who);
int address_json(struct db *db, int64_t id, json_t **out_new);
int addresses_list(struct db *db, const char *roots, int64_t building_id, const struct list_rows *rows, json_t **items_new, int64_t *total);

struct house_in {
	const json_t *area; /* number, null, or NULL to leave */
	const char *use, *ownership, *occupancy;
	const json_t *owner_ids; /* array of resident ids, or NULL to leave */
};
int house_insert(struct db *db, int64_t address_id, const char *code, const struct house_in *in,
		 const struct actor *who, int64_t *id);
int house_update(struct db *db, int64_t id, const struct house_in *in, const struct actor *who);
int house_json(struct db *db, int64_t id, json_t **out_new);
int houses_list(struct db *db, const char *roots, const char *occupancy, const struct list_rows *rows, json_t **items_new, int64_t *total);

struct unit_in {
	const char *name, *credit_code, *type, *contact_name, *phone;
	int64_t address_id;
};
int unit_insert(struct db *db, const struct unit_in *in, const char *code, const struct actor *who,
		int64_t *id);
int unit_update(struct db *db, int64_t id, const struct unit_in *in, const char *code,
		const struct actor *who);
int unit_json(struct db *db, int64_t id, json_t **out_new);
int units_list(struct db *db, const char *roots, const char *type, const struct list_rows *rows,
	       json_t **items_new, int64_t *total);

/* Text of an address for display and search. */
int address_text(struct db *db, int64_t id, char *out, size_t len);

#endif
