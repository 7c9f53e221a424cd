/*
 * Audit chain.  The hash input is length-prefixed so no two different
 * records can serialise to the same bytes.
 */
#include "auth/audit.h"

#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/secure.h"
#include "core/error.h"
#include "core/log.h"
#include "core/str.h"

static void put_u64(struct sbuf *b, uint64_t v)
{
	unsigned char x[8];
	for (int i = 0; i < 8; i++)
		x[i] = (unsigned char)(v >> (56 - 8 * i));
	sbuf_append(b, x, 8);
}

static void put_str(struct sbuf *b, const char *s)
{
	size_t n = s ? strlen(s) : 0;
	put_u64(b, n);
	sbuf_append(b, s ? s : "", n);
}

struct rec {
	int64_t id, at_ms, actor_id, org_id;
	const char *actor_name, *role, *action, *object_type, *object_id, *result, *client_ip,
		*request_id, *detail;
};

static void rec_hash(const unsigned char prev[SEC_HASH_BYTES], const struct rec *r,
		     unsigned char out[SEC_HASH_BYTES])
{
	struct sbuf b = {0};
	sbuf_append(&b, prev, SEC_HASH_BYTES);
	put_u64(&b, (uint64_t)r->id);
	put_u64(&b, (uint64_t)r->at_ms);
	put_u64(&b, (uint64_t)r->actor_id);
	put_u64(&b, (uint64_t)r->org_id);
	put_str(&b, r->actor_name);
	put_str(&b, r->role);
	put_str(&b, r->action);
	put_str(&b, r->object_type);
	put_str(&b, r->object_id);
	put_str(&b, r->result);
	put_str(&b, r->client_ip);
	put_str(&b, r->request_id);
	put_str(&b, r->detail);
	sec_hash(out, b.buf, b.len, sec_subkey(SUBKEY_AUDIT));
	sbuf_free(&b);
}

int audit_chain_load(struct db *db, struct audit_chain *c)
{
	memset(c, 0, sizeof(*c));
	if (!db_in_transaction(db)) {
		log_error("audit records are appended inside a transaction");
		return RC_INTERNAL;
	}
	sqlite3_stmt *st = db_stmt(db, "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1");
	if (st == NULL)
		return RC_INTERNAL;
	int src = sqlite3_step(st);
	if (src == SQLITE_ROW) {
		c->last_id = sqlite3_column_int64(st, 0);
		if (sqlite3_column_bytes(st, 1) == SEC_HASH_BYTES)
			memcpy(c->prev, sqlite3_column_blob(st, 1), SEC_HASH_BYTES);
	} else if (src != SQLITE_DONE) {
		sqlite3_reset(st);
		return db_rc(db, src);
	}
	sqlite3_reset(st);
	return RC_OK;
}

int audit_append(struct db *db, const struct audit_entry *e)
{
	struct audit_chain c;
	int rc = audit_chain_load(db, &c);
	return rc == RC_OK ? audit_append_chained(db, &c, e) : rc;
}

int audit_append_chained(struct db *db, struct audit_chain *c, const struct audit_entry *e)
{
	unsigned char hash[SEC_HASH_BYTES];
	int rc;
	const unsigned char *prev = c->prev;
	int64_t last_id = c->last_id;
	int src;
	sqlite3_stmt *st;

	char *dumped = e->detail ? json_dumps(e->detail, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	const char *detail = dumped ? dumped : "{}";
	struct rec r = {
		.id = last_id + 1,
		.at_ms = clock_now_ms(),
		.actor_id = e->actor_id,
		.org_id = e->org_id,
		.actor_name = e->actor_name ? e->actor_name : "",
		.role = e->role ? e->role : "",
		.action = e->action,
		.object_type = e->object_type ? e->object_type : "",
		.object_id = e->object_id ? e->object_id : "",
		.result = e->result ? e->result : "ok",
		.client_ip = e->client_ip ? e->client_ip : "",
		.request_id = e->request_id ? e->request_id : "",
		.detail = detail,
	};
	rec_hash(prev, &r, hash);

	st = db_stmt(db, "INSERT INTO audit_log (id, at_ms, actor_id, actor_name, role, action,"
			 " object_type, object_id, org_id, result, client_ip, request_id, detail,"
			 " prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
	if (st == NULL) {
		free(dumped);
		return RC_INTERNAL;
	}
	sqlite3_bind_int64(st, 1, r.id);
	sqlite3_bind_int64(st, 2, r.at_ms);
	if (r.actor_id)
		sqlite3_bind_int64(st, 3, r.actor_id);
	db_bind_text(st, 4, r.actor_name);
	db_bind_text(st, 5, r.role);
	db_bind_text(st, 6, r.action);
	db_bind_text(st, 7, r.object_type);
	db_bind_text(st, 8, r.object_id);
	if (r.org_id)
		sqlite3_bind_int64(st, 9, r.org_id);
	db_bind_text(st, 10, r.result);
	db_bind_text(st, 11, r.client_ip);
	db_bind_text(st, 12, r.request_id);
	db_bind_text(st, 13, r.detail);
	sqlite3_bind_blob(st, 14, prev, SEC_HASH_BYTES, SQLITE_TRANSIENT);
	sqlite3_bind_blob(st, 15, hash, SEC_HASH_BYTES, SQLITE_TRANSIENT);
	src = sqlite3_step(st);
	rc = src == SQLITE_DONE ? RC_OK : db_rc(db, src);
	sqlite3_reset(st);
	free(dumped);
	if (rc == RC_OK) {
		c->last_id = r.id;
		memcpy(c->prev, hash, SEC_HASH_BYTES);
	}
	return rc;
}

int audit_append_tx(struct db *db, const struct audit_entry *e)
{
	int rc = db_begin(db);
	if (rc != RC_OK)
		return rc;
	rc = audit_append(db, e);
	if (rc == RC_OK)
		return db_commit(db);
	db_rollback(db);
	return rc;
}

int audit_verify(struct db *db, struct audit_check *c, int64_t anchor_id, const char *anchor_hash)
{
	bool anchor_seen = false;
	unsigned char prev[SEC_HASH_BYTES] = {0};
	unsigned char hash[SEC_HASH_BYTES];
	int64_t expect_id = 1;
	int rc = RC_OK;

	memset(c, 0, sizeof(*c));
	sqlite3_stmt *st =
		db_stmt(db, "SELECT id, at_ms, ifnull(actor_id, 0), actor_name, role, action,"
			    " object_type, object_id, ifnull(org_id, 0), result, client_ip,"
			    " request_id, detail, prev_hash, hash FROM audit_log ORDER BY id");
	if (st == NULL)
		return RC_INTERNAL;
	int src;
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		struct rec r = {
			.id = sqlite3_column_int64(st, 0),
			.at_ms = sqlite3_column_int64(st, 1),
			.actor_id = sqlite3_column_int64(st, 2),
			.actor_name = db_col_text(st, 3),
			.role = db_col_text(st, 4),
			.action = db_col_text(st, 5),
			.object_type = db_col_text(st, 6),
			.object_id = db_col_text(st, 7),
			.org_id = sqlite3_column_int64(st, 8),
			.result = db_col_text(st, 9),
			.client_ip = db_col_text(st, 10),
			.request_id = db_col_text(st, 11),
			.detail = db_col_text(st, 12),
		};
		c->records++;
		if (r.id != expect_id) {
			c->bad_id = r.id;
			c->why = "a record before this one is missing";
			break;
		}
		if (sqlite3_column_bytes(st, 13) != SEC_HASH_BYTES ||
		    !sec_equal(sqlite3_column_blob(st, 13), prev, SEC_HASH_BYTES)) {
			c->bad_id = r.id;
			c->why = "the link to the previous record is broken (deleted or reordered)";
			break;
		}
		rec_hash(prev, &r, hash);
		if (sqlite3_column_bytes(st, 14) != SEC_HASH_BYTES ||
		    !sec_equal(sqlite3_column_blob(st, 14), hash, SEC_HASH_BYTES)) {
			c->bad_id = r.id;
			c->why = "the record's content does not match its hash (edited)";
			break;
		}
		memcpy(prev, hash, SEC_HASH_BYTES);
		hex_encode(hash, SEC_HASH_BYTES, c->head_hash);
		c->head_id = r.id;
		if (anchor_id == r.id) {
			anchor_seen = true;
			if (anchor_hash == NULL || strcmp(anchor_hash, c->head_hash) != 0) {
				c->bad_id = r.id;
				c->why = "the record differs from the head noted earlier";
				break;
			}
		}
		expect_id++;
	}
	if (src != SQLITE_ROW && src != SQLITE_DONE)
		rc = db_rc(db, src);
	else if (c->bad_id == 0 && anchor_id > 0 && !anchor_seen) {
		c->bad_id = anchor_id;
		c->why = "the head noted earlier is missing: newer records were removed";
	}
	sqlite3_reset(st);
	return rc;
}

static json_t *row_json(sqlite3_stmt *st)
{
	char at[32];
	clock_iso_ms(sqlite3_column_int64(st, 1), at, sizeof(at));
	json_error_t err;
	json_t *detail = json_loads(db_col_text(st, 12), 0, &err);
	json_t *o =
		json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o*}", "id",
			  (json_int_t)sqlite3_column_int64(st, 0), "at", at, "actor_name",
			  db_col_text(st, 3), "role", db_col_text(st, 4), "action",
			  db_col_text(st, 5), "object_type", db_col_text(st, 6), "object_id",
			  db_col_text(st, 7), "result", db_col_text(st, 9), "client_ip",
			  db_col_text(st, 10), "request_id", db_col_text(st, 11), "detail", detail);
	json_object_set_new(o, "actor_id", db_col_json(st, 2));
	json_object_set_new(o, "org_id", db_col_json(st, 8));
	return o;
}

/* Every filter as one condition: an absent filter is bound as NULL and its
 * condition is true.  SQLite cannot use an index for such a condition, so
 * the most selective filter given also leads the statement as a plain
 * equality (see audit_list). */
#define AUDIT_COND                                                     \
	" (?1 IS NULL OR actor_id = ?1)"                               \
	" AND (?2 IS NULL OR action = ?2 OR (substr(?2, -1) = '.' AND" \
	"      substr(action, 1, length(?2)) = ?2))"                   \
	" AND (?3 IS NULL OR object_type = ?3)"                        \
	" AND (?4 IS NULL OR object_id = ?4)"                          \
	" AND (?5 IS NULL OR result = ?5)"                             \
	" AND (?6 IS NULL OR at_ms >= ?6)"                             \
	" AND (?7 IS NULL OR at_ms < ?7)"                              \
	" AND (?8 IS NULL OR actor_name = ?8)"

static void bind_filter(sqlite3_stmt *st, const struct audit_filter *f)
{
	if (f->actor_id)
		sqlite3_bind_int64(st, 1, f->actor_id);
	db_bind_text(st, 2, f->action);
	db_bind_text(st, 3, f->object_type);
	db_bind_text(st, 4, f->object_id);
	db_bind_text(st, 5, f->result);
	if (f->from_ms)
		sqlite3_bind_int64(st, 6, f->from_ms);
	if (f->to_ms)
		sqlite3_bind_int64(st, 7, f->to_ms);
	db_bind_text(st, 8, f->actor_name);
}

#define AUDIT_COLUMNS                                                                     \
	" id, at_ms, actor_id, actor_name, role, action, object_type, object_id, org_id," \
	" result, client_ip, request_id, detail FROM audit_log"
#define BY_OBJECT " WHERE object_type = ?3 AND object_id = ?4 AND" AUDIT_COND
#define BY_ACTOR " WHERE actor_id = ?1 AND" AUDIT_COND
#define BY_ACTION " WHERE action = ?2 AND" AUDIT_COND
#define BY_TIME " WHERE at_ms >= ifnull(?6, 0) AND at_ms < ifnull(?7, 9e18) AND" AUDIT_COND
#define BY_NONE " WHERE" AUDIT_COND
#define AUDIT_LIMIT " ORDER BY id DESC LIMIT ?9 OFFSET ?10"

int audit_list(struct db *db, const struct audit_filter *f, json_t **items_new, int64_t *total,
	       bool *capped)
{
	/* The log holds every read of personal data: millions of records in a
	 * county.  The statement is led by an index (an object, an actor, an
	 * exact action or a period, in that order); otherwise the newest records
	 * are read backwards until the page is full.  Counting stops at 10,001. */
	bool prefix = f->action != NULL && f->action[0] && f->action[strlen(f->action) - 1] == '.';
	sqlite3_stmt *count, *st;
	if (f->object_type != NULL && f->object_id != NULL) {
		count = db_stmt(db, "SELECT count(*) FROM (SELECT 1 FROM audit_log" BY_OBJECT
				    " LIMIT 10001)");
		st = db_stmt(db, "SELECT" AUDIT_COLUMNS BY_OBJECT AUDIT_LIMIT);
	} else if (f->actor_id != 0) {
		count = db_stmt(db, "SELECT count(*) FROM (SELECT 1 FROM audit_log" BY_ACTOR
				    " LIMIT 10001)");
		st = db_stmt(db, "SELECT" AUDIT_COLUMNS BY_ACTOR AUDIT_LIMIT);
	} else if (f->action != NULL && !prefix) {
		count = db_stmt(db, "SELECT count(*) FROM (SELECT 1 FROM audit_log" BY_ACTION
				    " LIMIT 10001)");
		st = db_stmt(db, "SELECT" AUDIT_COLUMNS BY_ACTION AUDIT_LIMIT);
	} else if (f->from_ms != 0 || f->to_ms != 0) {
		count = db_stmt(db, "SELECT count(*) FROM (SELECT 1 FROM audit_log" BY_TIME
				    " LIMIT 10001)");
		st = db_stmt(db, "SELECT" AUDIT_COLUMNS BY_TIME AUDIT_LIMIT);
	} else {
		count = db_stmt(db, "SELECT count(*) FROM (SELECT 1 FROM audit_log" BY_NONE
				    " LIMIT 10001)");
		st = db_stmt(db, "SELECT" AUDIT_COLUMNS BY_NONE AUDIT_LIMIT);
	}
	if (count == NULL || st == NULL)
		return RC_INTERNAL;
	bind_filter(count, f);
	int src = sqlite3_step(count), rc = RC_OK;
	if (src != SQLITE_ROW) {
		rc = db_rc(db, src);
		sqlite3_reset(count);
		return rc;
	}
	*total = sqlite3_column_int64(count, 0);
	sqlite3_reset(count);
	*capped = *total > 10000;
	if (*capped)
		*total = 10000;
	bind_filter(st, f);
	sqlite3_bind_int64(st, 9, f->limit);
	sqlite3_bind_int64(st, 10, f->offset);
	json_t *items = json_array();
	while ((src = sqlite3_step(st)) == SQLITE_ROW)
		json_array_append_new(items, row_json(st));
	if (src != SQLITE_DONE) {
		rc = db_rc(db, src);
		json_decref(items);
	} else {
		*items_new = items;
	}
	sqlite3_reset(st);
	return rc;
}
