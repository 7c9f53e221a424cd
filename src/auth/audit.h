/*
 * The tamper-evident audit log.  Records are appended inside the caller's
 * write transaction, so a change and its record commit or vanish together.
 * Each record carries a keyed BLAKE2b hash over the previous hash and its own
 * fields; audit_verify walks the chain.
 */
#ifndef GR_AUTH_AUDIT_H
#define GR_AUTH_AUDIT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/secure.h"
#include "db/db.h"

struct audit_entry {
	int64_t actor_id;        /* 0 when anonymous or the command line */
	const char *actor_name;  /* username, attempted username, or cli:<user> */
	const char *role;        /* role the actor acted in ("" if none) */
	const char *action;      /* e.g. user.create, session.create, org.read */
	const char *object_type; /* e.g. user, org, session */
	const char *object_id;   /* "" when none */
	int64_t org_id;          /* tree node concerned, 0 when none */
	const char *result;      /* "ok" or an error code */
	const char *client_ip;
	const char *request_id;
	json_t *detail; /* borrowed; may be NULL */
};

/* Append e.  Must run inside a write transaction (db_begin).  RC_OK or an
 * rc from the database. */
int audit_append(struct db *db, const struct audit_entry *e);

/* The end of the chain, to append many records in one transaction without
 * reading the last one back each time (the read-audit writer's batches):
 * load it once inside the transaction, then append each record chained to
 * the one before. */
struct audit_chain {
	int64_t last_id;
	unsigned char prev[SEC_HASH_BYTES];
};
int audit_chain_load(struct db *db, struct audit_chain *c);
int audit_append_chained(struct db *db, struct audit_chain *c, const struct audit_entry *e);

/* Append e in a transaction of its own. */
int audit_append_tx(struct db *db, const struct audit_entry *e);

struct audit_check {
	int64_t records;    /* records checked */
	int64_t bad_id;     /* first broken record, 0 if intact */
	const char *why;    /* static text */
	int64_t head_id;    /* the newest record */
	char head_hash[65]; /* its hash in hex */
};

/* Walk the whole chain.  Returns RC_OK when it could be read (check
 * c->bad_id for the verdict).  A chain cannot show that its newest records
 * were removed; with anchor_id set, the record anchor_id must exist and
 * carry anchor_hash (hex), a head noted earlier somewhere else. */
int audit_verify(struct db *db, struct audit_check *c, int64_t anchor_id, const char *anchor_hash);

struct audit_filter {
	int64_t actor_id;       /* 0: any */
	const char *actor_name; /* NULL: any; exact username (or cli:user) */
	const char *action;     /* NULL: any; a trailing '.' matches a prefix */
	const char *object_type;
	const char *object_id;
	const char *result;
	int64_t from_ms, to_ms; /* 0: open */
	int64_t limit, offset;
};

/* Newest first.  *items_new is an array of records as JSON; *total counts
 * at most 10,000 (*capped then true). */
int audit_list(struct db *db, const struct audit_filter *f, json_t **items_new, int64_t *total,
	       bool *capped);

#endif
