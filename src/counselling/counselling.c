#include "counselling/counselling.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/users.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/log.h"
#include "core/secure.h"
#include "core/str.h"

#define S(x) (1u << (x))

static const char *const cou_states[] = {"requested", "assigned", "in_progress", "closed"};

/* The engine's checks of permission and state; who among those may act
 * (the assigned counsellor, the case's supervisor, the requester) is
 * decided by cou_relation() before, in api_counselling.c. */
/* clang-format off */
static const struct case_transition cou_transitions[] = {
	{"assign", S(COU_REQUESTED), COU_ASSIGNED, PERM_COUNSEL_SUPERVISE, 0},
	{"reassign", S(COU_ASSIGNED) | S(COU_IN_PROGRESS), CASE_SAME, PERM_COUNSEL_SUPERVISE, CASE_REASON},
	{"sessions", S(COU_ASSIGNED) | S(COU_IN_PROGRESS), COU_IN_PROGRESS, PERM_COUNSEL_HANDLE, 0},
	{"crisis", S(COU_REQUESTED) | S(COU_ASSIGNED) | S(COU_IN_PROGRESS), CASE_SAME, PERM_COUNSEL_HANDLE, 0},
	{"crisis_clear", S(COU_REQUESTED) | S(COU_ASSIGNED) | S(COU_IN_PROGRESS), CASE_SAME, PERM_COUNSEL_HANDLE, CASE_REASON},
	{"close", S(COU_ASSIGNED) | S(COU_IN_PROGRESS), COU_CLOSED, PERM_COUNSEL_HANDLE, 0},
	{"withdraw", S(COU_REQUESTED) | S(COU_ASSIGNED) | S(COU_IN_PROGRESS), COU_CLOSED, PERM_COUNSEL_REQUEST, CASE_REPORTER},
};
/* clang-format on */

const struct case_kind counselling_kind = {
	"counselling",
	cou_states,
	4,
	cou_transitions,
	sizeof(cou_transitions) / sizeof(cou_transitions[0]),
	PERM_COUNSEL_HANDLE,
};

/* Names of the sealed fields: the associated data of each, so a sealed
 * value cannot be moved to another column. */
#define F_CONCERN "cou.concern"
#define F_NAME "cou.contact_name"
#define F_PHONE "cou.contact_phone"
#define F_NOTES "cou.notes"
#define F_SUMMARY "cou.summary"
#define F_NOTE "cou.note"
/* A timeline note that was sealed: this prefix, then base64 of the seal. */
#define NOTE_PREFIX "sealed:"

/* ---- sealing ---- */

static void bind_sealed(sqlite3_stmt *st, int i, const char *field, const char *value)
{
	if (value == NULL)
		return; /* stays NULL */
	size_t n = strlen(value);
	unsigned char *sealed = malloc(n + SEC_SEAL_OVERHEAD);
	if (sealed == NULL)
		abort();
	sec_seal(sealed, field, value, n);
	sqlite3_bind_blob(st, i, sealed, (int)(n + SEC_SEAL_OVERHEAD), free);
}

/* The opened column as a JSON string; null when empty or unreadable (a
 * database moved to another key reads as null, not as garbage). */
static json_t *col_open(sqlite3_stmt *st, int i, const char *field)
{
	int n = sqlite3_column_bytes(st, i);
	const unsigned char *b = sqlite3_column_blob(st, i);
	if (b == NULL || n < SEC_SEAL_OVERHEAD)
		return json_null();
	char *out = malloc((size_t)n - SEC_SEAL_OVERHEAD + 1);
	if (out == NULL)
		abort();
	json_t *v = json_null();
	if (sec_open(out, field, b, (size_t)n) == 0)
		v = json_string(out);
	else
		log_warn("a sealed counselling field could not be opened");
	sec_wipe(out, (size_t)n - SEC_SEAL_OVERHEAD + 1);
	free(out);
	return v;
}

char *cou_seal_note(const char *note)
{
	if (note == NULL)
		return NULL;
	size_t n = strlen(note), sn = n + SEC_SEAL_OVERHEAD;
	unsigned char *sealed = malloc(sn);
	size_t bn = sodium_base64_encoded_len(sn, sodium_base64_VARIANT_ORIGINAL);
	char *out = malloc(sizeof(NOTE_PREFIX) + bn);
	if (sealed == NULL || out == NULL)
		abort();
	sec_seal(sealed, F_NOTE, note, n);
	memcpy(out, NOTE_PREFIX, sizeof(NOTE_PREFIX) - 1);
	sodium_bin2base64(out + sizeof(NOTE_PREFIX) - 1, bn, sealed, sn,
			  sodium_base64_VARIANT_ORIGINAL);
	free(sealed);
	return out;
}

/* The plain note of a sealed timeline note (null when unreadable). */
static json_t *open_note(const char *stored)
{
	if (stored == NULL || strncmp(stored, NOTE_PREFIX, sizeof(NOTE_PREFIX) - 1) != 0)
		return stored ? json_string(stored) : json_null();
	const char *b64 = stored + sizeof(NOTE_PREFIX) - 1;
	size_t cap = strlen(b64), n = 0;
	unsigned char *bin = malloc(cap + 1);
	char *out = malloc(cap + 1);
	if (bin == NULL || out == NULL)
		abort();
	json_t *v = json_null();
	if (sodium_base642bin(bin, cap, b64, strlen(b64), NULL, &n, NULL,
			      sodium_base64_VARIANT_ORIGINAL) == 0 &&
	    sec_open(out, F_NOTE, bin, n) == 0)
		v = json_string(out);
	sec_wipe(out, cap + 1);
	free(bin);
	free(out);
	return v;
}

/* ---- loading and who sees what ---- */

int cou_load(struct db *db, int64_t id, struct cou_case *out)
{
	memset(out, 0, sizeof(*out));
	int rc = case_load(db, &counselling_kind, id, &out->c);
	if (rc != RC_OK)
		return rc;
	sqlite3_stmt *st =
		db_stmt(db, "SELECT ifnull(resident_id, 0), requester_id,"
			    " ifnull(counsellor_id, 0), ifnull(supervisor_id, 0), crisis,"
			    " for_self FROM counselling WHERE case_id = ?");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	int src = sqlite3_step(st);
	if (src == SQLITE_ROW) {
		out->resident_id = sqlite3_column_int64(st, 0);
		out->requester_id = sqlite3_column_int64(st, 1);
		out->counsellor_id = sqlite3_column_int64(st, 2);
		out->supervisor_id = sqlite3_column_int64(st, 3);
		out->crisis = sqlite3_column_int(st, 4) != 0;
		out->for_self = sqlite3_column_int(st, 5) != 0;
		rc = RC_OK;
	} else {
		rc = src == SQLITE_DONE ? RC_NOT_FOUND : db_rc(db, src);
	}
	sqlite3_reset(st);
	return rc;
}

/* Does enabled account uid hold counsel_supervisor over code? */
static bool supervisor_covers(struct db *db, int64_t uid, const char *code)
{
	return uid != 0 && users_holds_role_at(db, uid, ROLE_COUNSEL_SUPERVISOR, code);
}

enum cou_rel cou_relation(struct db *db, const struct principal *p, const struct cou_case *k)
{
	const char *code = k->c.code;
	if (k->counsellor_id != 0 && k->counsellor_id == p->user_id &&
	    principal_scope(p, PERM_COUNSEL_HANDLE, code, NULL) == RC_OK)
		return COU_COUNSELLOR;
	if (principal_scope(p, PERM_COUNSEL_SUPERVISE, code, NULL) == RC_OK) {
		if (k->supervisor_id == p->user_id)
			return COU_SUPERVISOR;
		/* Supervisors covering the node share a case nobody has taken
		 * yet, a crisis (whoever is on duty must be able to act), and a
		 * case whose supervisor has left (so it is never orphaned). */
		if (k->c.state == COU_REQUESTED || k->crisis ||
		    !supervisor_covers(db, k->supervisor_id, code))
			return COU_SUPERVISOR;
	}
	if (k->c.created_by != 0 && k->c.created_by == p->user_id)
		return COU_REQUESTER;
	return COU_NONE;
}

/* ---- creating, crisis, assignment, sessions, closing ---- */

/* Notices (and with alert, crisis alerts) to every supervisor covering
 * code; *n receives their number. */
static int tell_supervisors(struct db *db, int64_t case_id, const char *code, bool alert,
			    int64_t by, int *n)
{
	sqlite3_stmt *st =
		db_stmt(db, "SELECT DISTINCT ur.user_id FROM user_roles ur"
			    " JOIN org o ON o.id = ur.org_id JOIN users u ON u.id = ur.user_id"
			    " WHERE ur.role = 'counsel_supervisor' AND u.disabled = 0"
			    " AND substr(?1, 1, length(o.code)) = o.code ORDER BY 1");
	if (st == NULL)
		return RC_INTERNAL;
	db_bind_text(st, 1, code);
	int64_t ids[64];
	int count = 0, src;
	while (count < 64 && (src = sqlite3_step(st)) == SQLITE_ROW)
		ids[count++] = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	int rc = RC_OK;
	for (int i = 0; i < count && rc == RC_OK; i++) {
		rc = case_notify(db, ids[i], case_id, alert ? "crisis" : "request");
		if (rc != RC_OK || !alert)
			continue;
		sqlite3_stmt *ins = db_stmt(db, "INSERT INTO counselling_alerts (case_id,"
						" supervisor_id, raised_by, raised_at_ms)"
						" VALUES (?,?,?,?)");
		if (ins == NULL)
			return RC_INTERNAL;
		sqlite3_bind_int64(ins, 1, case_id);
		sqlite3_bind_int64(ins, 2, ids[i]);
		if (by)
			sqlite3_bind_int64(ins, 3, by);
		sqlite3_bind_int64(ins, 4, clock_now_ms());
		rc = db_step_done(db, ins);
	}
	if (alert && count == 0)
		log_warn("a counselling crisis was raised where no supervisor is posted");
	*n = count;
	return rc;
}

int cou_create(struct db *db, const struct cou_request *in, const char *code, bool for_self,
	       const struct case_actor *who, int64_t *id, int *alerted)
{
	/* The town owns the case when there is one above the node. */
	char level[16];
	snprintf(level, sizeof(level), "%.9s", code);
	int rc = case_create(db, &counselling_kind, COU_REQUESTED, code, level, COU_TITLE, who, id);
	if (rc != RC_OK)
		return rc;
	sqlite3_stmt *st =
		db_stmt(db, "INSERT INTO counselling (case_id, resident_id, requester_id,"
			    " for_self, category, concern, contact_name, contact_phone,"
			    " contact_pref, crisis, crisis_count, requested_at_ms)"
			    " VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?10,?11)");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, *id);
	if (in->resident_id)
		sqlite3_bind_int64(st, 2, in->resident_id);
	sqlite3_bind_int64(st, 3, who->id);
	sqlite3_bind_int(st, 4, for_self);
	db_bind_text(st, 5, in->category);
	bind_sealed(st, 6, F_CONCERN, in->concern);
	bind_sealed(st, 7, F_NAME, in->contact_name);
	bind_sealed(st, 8, F_PHONE, in->contact_phone);
	db_bind_text(st, 9, in->contact_pref);
	sqlite3_bind_int(st, 10, in->crisis);
	sqlite3_bind_int64(st, 11, clock_now_ms());
	rc = db_step_done(db, st);
	if (rc == RC_OK)
		rc = tell_supervisors(db, *id, code, in->crisis, who->id, alerted);
	return rc;
}

int cou_raise_crisis(struct db *db, struct cou_case *k, int64_t by, int *alerted)
{
	sqlite3_stmt *st = db_stmt(db, "UPDATE counselling SET crisis = 1,"
				       " crisis_count = crisis_count + 1 WHERE case_id = ?");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, k->c.id);
	int rc = db_step_done(db, st);
	if (rc == RC_OK)
		rc = tell_supervisors(db, k->c.id, k->c.code, true, by, alerted);
	/* A crisis the supervisor sees first reaches the counsellor too. */
	if (rc == RC_OK && k->counsellor_id && k->counsellor_id != by)
		rc = case_notify(db, k->counsellor_id, k->c.id, "crisis");
	if (rc == RC_OK)
		k->crisis = true;
	return rc;
}

int cou_clear_crisis(struct db *db, struct cou_case *k)
{
	sqlite3_stmt *st = db_stmt(db, "UPDATE counselling SET crisis = 0 WHERE case_id = ?");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, k->c.id);
	k->crisis = false;
	return db_step_done(db, st);
}

const char *cou_counsellor_ok(struct db *db, const struct cou_case *k, int64_t uid)
{
	if (uid == k->requester_id)
		return "the requester cannot be their own counsellor";
	sqlite3_stmt *st = db_stmt(db, "SELECT u.disabled, ifnull(u.resident_id, 0) FROM users u"
				       " WHERE u.id = ?1 AND EXISTS (SELECT 1 FROM user_roles ur"
				       " JOIN org o ON o.id = ur.org_id WHERE ur.user_id = u.id"
				       " AND ur.role = 'counsellor'"
				       " AND substr(?2, 1, length(o.code)) = o.code)");
	if (st == NULL)
		return "the counsellor could not be checked";
	sqlite3_bind_int64(st, 1, uid);
	db_bind_text(st, 2, k->c.code);
	const char *why = NULL;
	if (sqlite3_step(st) != SQLITE_ROW)
		why = "not an account holding the counsellor role over the case's area";
	else if (sqlite3_column_int(st, 0))
		why = "the account is disabled";
	else if (k->resident_id && sqlite3_column_int64(st, 1) == k->resident_id)
		why = "the person cannot be their own counsellor";
	sqlite3_reset(st);
	return why;
}

int cou_assign(struct db *db, struct cou_case *k, int64_t counsellor, int64_t supervisor,
	       const struct calendar *cal)
{
	int64_t former = k->counsellor_id, now = clock_now_ms();
	int rc = case_assign(db, &k->c, 0, counsellor, supervisor);
	sqlite3_stmt *st =
		db_stmt(db, "UPDATE counselling SET counsellor_id = ?2, supervisor_id = ?3,"
			    " assigned_at_ms = ifnull(assigned_at_ms, ?4)"
			    " WHERE case_id = ?1 RETURNING first_contact_ms IS NULL");
	if (rc != RC_OK || st == NULL)
		return rc != RC_OK ? rc : RC_INTERNAL;
	sqlite3_bind_int64(st, 1, k->c.id);
	sqlite3_bind_int64(st, 2, counsellor);
	sqlite3_bind_int64(st, 3, supervisor);
	sqlite3_bind_int64(st, 4, now);
	int src = sqlite3_step(st);
	bool no_contact = src == SQLITE_ROW && sqlite3_column_int(st, 0);
	rc = src == SQLITE_ROW ? RC_OK : db_rc(db, src);
	sqlite3_reset(st);
	if (rc != RC_OK)
		return rc;
	k->counsellor_id = counsellor;
	k->supervisor_id = supervisor;
	/* The former counsellor no longer sees the case: nothing of it stays
	 * in their notices either. */
	if (former && former != counsellor) {
		sqlite3_stmt *del =
			db_stmt(db, "DELETE FROM inbox WHERE user_id = ? AND case_id = ?");
		if (del == NULL)
			return RC_INTERNAL;
		sqlite3_bind_int64(del, 1, former);
		sqlite3_bind_int64(del, 2, k->c.id);
		rc = db_step_done(db, del);
	}
	/* Supervisors told of the request who do not supervise the case lose
	 * sight of it: their notice of it goes too. */
	if (rc == RC_OK && former == 0) {
		sqlite3_stmt *del = db_stmt(db, "DELETE FROM inbox WHERE case_id = ?"
						" AND kind = 'request' AND user_id <> ?");
		if (del == NULL)
			return RC_INTERNAL;
		sqlite3_bind_int64(del, 1, k->c.id);
		sqlite3_bind_int64(del, 2, supervisor);
		rc = db_step_done(db, del);
	}
	if (rc == RC_OK)
		rc = case_notify(db, counsellor, k->c.id, "assigned");
	if (rc == RC_OK && former == 0)
		rc = case_notify(db, k->requester_id, k->c.id, "status");
	/* First contact: within 2 working days, within 4 working hours in a
	 * crisis; the engine's sweep warns the counsellor and the supervisor. */
	if (rc == RC_OK && no_contact)
		rc = case_set_stage(db, &k->c, cal, "contact", k->crisis ? 4 : 2,
				    k->crisis ? "hours" : "days", now);
	return rc;
}

int cou_add_session(struct db *db, struct cou_case *k, const struct cou_session *s, int64_t by,
		    int64_t *id)
{
	int64_t now = clock_now_ms();
	sqlite3_stmt *st = db_stmt(db, "INSERT INTO counselling_sessions (case_id, held_on, kind,"
				       " minutes, notes, counsellor_id, created_at_ms)"
				       " VALUES (?,?,?,?,?,?,?)");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, k->c.id);
	db_bind_text(st, 2, s->held_on);
	db_bind_text(st, 3, s->kind);
	if (s->minutes > 0)
		sqlite3_bind_int(st, 4, s->minutes);
	bind_sealed(st, 5, F_NOTES, s->notes);
	sqlite3_bind_int64(st, 6, by);
	sqlite3_bind_int64(st, 7, now);
	int rc = db_step_done(db, st);
	if (rc != RC_OK)
		return rc;
	*id = db_last_id(db);
	sqlite3_stmt *up = db_stmt(db, "UPDATE counselling SET first_contact_ms = ?2"
				       " WHERE case_id = ?1 AND first_contact_ms IS NULL");
	if (up == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(up, 1, k->c.id);
	sqlite3_bind_int64(up, 2, now);
	rc = db_step_done(db, up);
	if (rc == RC_OK && db_changes(db) == 1)
		rc = case_set_stage(db, &k->c, NULL, NULL, 0, NULL, 0);
	return rc;
}

int cou_close(struct db *db, struct cou_case *k, const char *outcome, const char *summary)
{
	int64_t now = clock_now_ms();
	sqlite3_stmt *st = db_stmt(db, "UPDATE counselling SET outcome = ?2, summary = ?3,"
				       " closed_at_ms = ?4, crisis = 0 WHERE case_id = ?1");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, k->c.id);
	db_bind_text(st, 2, outcome);
	bind_sealed(st, 3, F_SUMMARY, summary);
	sqlite3_bind_int64(st, 4, now);
	int rc = db_step_done(db, st);
	if (rc == RC_OK)
		rc = case_set_closed(db, k->c.id, now);
	if (rc == RC_OK)
		rc = case_set_stage(db, &k->c, NULL, NULL, 0, NULL, 0);
	k->crisis = false;
	return rc;
}

/* ---- JSON ---- */

static void set_time(json_t *o, const char *key, sqlite3_stmt *st, int i)
{
	if (sqlite3_column_type(st, i) == SQLITE_NULL) {
		json_object_set_new(o, key, json_null());
		return;
	}
	char at[32];
	clock_iso_ms(sqlite3_column_int64(st, i), at, sizeof(at));
	json_object_set_new(o, key, json_string(at));
}

static json_t *user_ref(struct db *db, int64_t id)
{
	if (id == 0)
		return json_null();
	sqlite3_stmt *st = db_stmt(db, "SELECT display_name FROM users WHERE id = ?");
	if (st == NULL)
		return json_null();
	sqlite3_bind_int64(st, 1, id);
	json_t *o = sqlite3_step(st) == SQLITE_ROW ? json_pack("{s:I, s:s}", "id", (json_int_t)id,
							       "name", db_col_text(st, 0))
						   : json_null();
	sqlite3_reset(st);
	return o;
}

static json_t *node_ref(struct db *db, const char *code)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT name FROM org WHERE code = ?");
	if (st == NULL)
		return json_null();
	db_bind_text(st, 1, code);
	json_t *o = json_pack("{s:s, s:s}", "code", code, "name",
			      sqlite3_step(st) == SQLITE_ROW ? db_col_text(st, 0) : "");
	sqlite3_reset(st);
	return o;
}

/* What rel may do now, for the page's buttons. */
static json_t *may_json(const struct cou_case *k, enum cou_rel rel)
{
	bool open = k->c.state != COU_CLOSED, sup = rel == COU_SUPERVISOR,
	     cou = rel == COU_COUNSELLOR;
	return json_pack("{s:b, s:b, s:b, s:b, s:b, s:b, s:b}", "assign",
			 sup && k->c.state == COU_REQUESTED, "reassign",
			 sup && open && k->c.state != COU_REQUESTED, "session",
			 cou && open && k->c.state != COU_REQUESTED, "crisis",
			 (sup || cou) && open && !k->crisis, "crisis_clear",
			 (sup || cou) && open && k->crisis, "close",
			 cou && open && k->c.state != COU_REQUESTED, "withdraw",
			 rel == COU_REQUESTER && open);
}

static int sessions_json(struct db *db, int64_t id, json_t **out_new)
{
	sqlite3_stmt *st =
		db_stmt(db, "SELECT s.id, s.held_on, s.kind, s.minutes, s.notes,"
			    " s.counsellor_id, u.display_name, s.created_at_ms"
			    " FROM counselling_sessions s JOIN users u ON u.id = s.counsellor_id"
			    " WHERE s.case_id = ? ORDER BY s.held_on, s.id");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	json_t *items = json_array();
	int src;
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		json_t *o = json_pack("{s:I, s:s, s:s, s:o, s:o, s:{s:I, s:s}}", "id",
				      (json_int_t)sqlite3_column_int64(st, 0), "held_on",
				      db_col_text(st, 1), "kind", db_col_text(st, 2), "minutes",
				      db_col_json(st, 3), "notes", col_open(st, 4, F_NOTES),
				      "counsellor", "id", (json_int_t)sqlite3_column_int64(st, 5),
				      "name", db_col_text(st, 6));
		set_time(o, "recorded_at", st, 7);
		json_array_append_new(items, o);
	}
	sqlite3_reset(st);
	if (src != SQLITE_DONE) {
		json_decref(items);
		return db_rc(db, src);
	}
	*out_new = items;
	return RC_OK;
}

static int alerts_of_case(struct db *db, int64_t id, json_t **out_new)
{
	sqlite3_stmt *st =
		db_stmt(db, "SELECT a.id, a.supervisor_id, u.display_name, a.raised_at_ms,"
			    " a.acknowledged_at_ms FROM counselling_alerts a"
			    " JOIN users u ON u.id = a.supervisor_id WHERE a.case_id = ?"
			    " ORDER BY a.id");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	json_t *items = json_array();
	while (sqlite3_step(st) == SQLITE_ROW) {
		json_t *o = json_pack("{s:I, s:{s:I, s:s}}", "id",
				      (json_int_t)sqlite3_column_int64(st, 0), "supervisor", "id",
				      (json_int_t)sqlite3_column_int64(st, 1), "name",
				      db_col_text(st, 2));
		set_time(o, "raised_at", st, 3);
		set_time(o, "acknowledged_at", st, 4);
		json_array_append_new(items, o);
	}
	sqlite3_reset(st);
	*out_new = items;
	return RC_OK;
}

int cou_case_json(struct db *db, const struct cou_case *k, enum cou_rel rel, json_t **out_new)
{
	sqlite3_stmt *st =
		db_stmt(db, "SELECT co.category, co.concern, co.contact_name, co.contact_phone,"
			    " co.contact_pref, co.crisis, co.crisis_count, co.requested_at_ms,"
			    " co.assigned_at_ms, co.first_contact_ms, co.closed_at_ms, co.outcome,"
			    " co.summary, co.for_self, r.name, c.due_at_ms"
			    " FROM counselling co JOIN cases c ON c.id = co.case_id"
			    " LEFT JOIN residents r ON r.id = co.resident_id WHERE co.case_id = ?");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, k->c.id);
	int src = sqlite3_step(st);
	if (src != SQLITE_ROW) {
		sqlite3_reset(st);
		return src == SQLITE_DONE ? RC_NOT_FOUND : db_rc(db, src);
	}
	json_t *o = json_pack(
		"{s:I, s:s, s:s, s:o, s:{s:o, s:o, s:s}, s:b, s:b, s:i, s:o, s:o, s:b, s:i}", "id",
		(json_int_t)k->c.id, "state", cou_states[k->c.state], "category",
		db_col_text(st, 0), "concern", col_open(st, 1, F_CONCERN), "contact", "name",
		col_open(st, 2, F_NAME), "phone", col_open(st, 3, F_PHONE), "preference",
		db_col_text(st, 4), "for_self", sqlite3_column_int(st, 13) != 0, "crisis",
		sqlite3_column_int(st, 5) != 0, "crisis_count", sqlite3_column_int(st, 6),
		"outcome", db_col_json(st, 11), "summary", col_open(st, 12, F_SUMMARY),
		"supervising", rel == COU_SUPERVISOR, "version", k->c.version);
	json_object_set_new(o, "resident",
			    sqlite3_column_type(st, 14) == SQLITE_NULL
				    ? json_null()
				    : json_pack("{s:I, s:s}", "id", (json_int_t)k->resident_id,
						"name", db_col_text(st, 14)));
	set_time(o, "requested_at", st, 7);
	set_time(o, "assigned_at", st, 8);
	set_time(o, "first_contact_at", st, 9);
	set_time(o, "closed_at", st, 10);
	set_time(o, "contact_due", st, 15);
	sqlite3_reset(st);
	json_object_set_new(o, "node", node_ref(db, k->c.code));
	json_object_set_new(o, "counsellor", user_ref(db, k->counsellor_id));
	json_object_set_new(o, "supervisor", user_ref(db, k->supervisor_id));
	json_object_set_new(o, "requester", user_ref(db, k->requester_id));
	json_object_set_new(o, "may", may_json(k, rel));
	json_t *sessions = NULL, *alerts = NULL, *timeline = NULL;
	int rc = sessions_json(db, k->c.id, &sessions);
	if (rc == RC_OK)
		rc = alerts_of_case(db, k->c.id, &alerts);
	if (rc == RC_OK)
		rc = case_timeline(db, k->c.id, &timeline);
	if (rc != RC_OK) {
		json_decref(sessions);
		json_decref(alerts);
		json_decref(o);
		return rc;
	}
	size_t i;
	json_t *e;
	json_array_foreach(timeline, i, e) json_object_set_new(
		e, "note", open_note(json_string_value(json_object_get(e, "note"))));
	json_object_set_new(o, "sessions", sessions);
	json_object_set_new(o, "alerts", alerts);
	json_object_set_new(o, "timeline", timeline);
	*out_new = o;
	return RC_OK;
}

/* The requester's view of one row: no concern, contact, notes, outcome,
 * crisis or supervisor. */
static json_t *status_row(sqlite3_stmt *st, bool open)
{
	json_t *o = json_pack("{s:I, s:s, s:b, s:o, s:b}", "id",
			      (json_int_t)sqlite3_column_int64(st, 0), "state", db_col_text(st, 1),
			      "for_self", sqlite3_column_int(st, 2) != 0, "counsellor_name",
			      db_col_json(st, 3), "may_withdraw", open);
	set_time(o, "requested_at", st, 4);
	set_time(o, "assigned_at", st, 5);
	set_time(o, "closed_at", st, 6);
	return o;
}

#define STATUS_COLUMNS                                                                        \
	" c.id, c.state, co.for_self, u.display_name, co.requested_at_ms, co.assigned_at_ms," \
	" co.closed_at_ms FROM counselling co JOIN cases c ON c.id = co.case_id"              \
	" LEFT JOIN users u ON u.id = co.counsellor_id"

int cou_status_json(struct db *db, const struct cou_case *k, json_t **out_new)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT" STATUS_COLUMNS " WHERE co.case_id = ?");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, k->c.id);
	int src = sqlite3_step(st);
	if (src == SQLITE_ROW)
		*out_new = status_row(st, k->c.state != COU_CLOSED);
	sqlite3_reset(st);
	return src == SQLITE_ROW ? RC_OK : src == SQLITE_DONE ? RC_NOT_FOUND : db_rc(db, src);
}

int cou_mine(struct db *db, int64_t user_id, json_t **items_new)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT" STATUS_COLUMNS " WHERE co.requester_id = ?"
				       " ORDER BY c.id DESC LIMIT 200");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, user_id);
	json_t *items = json_array();
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(items,
				      status_row(st, strcmp(db_col_text(st, 1), "closed") != 0));
	sqlite3_reset(st);
	*items_new = items;
	return RC_OK;
}

/* ---- lists ---- */

#define LIST_COLUMNS                                                                             \
	" c.id, c.state, c.code, co.category, co.crisis, co.requested_at_ms, co.assigned_at_ms," \
	" co.first_contact_ms, co.contact_name, ifnull(co.counsellor_id, 0),"                    \
	" ifnull(co.supervisor_id, 0), co.requester_id, c.created_by, c.due_at_ms, c.version"
#define STATE_FILTER                                                \
	" AND (?2 = 'all' OR (?2 = 'open' AND c.state <> 'closed')" \
	" OR (?2 = 'closed' AND c.state = 'closed'))"

int cou_list(struct db *db, const struct principal *p, const char *view, const char *state,
	     int64_t limit, int64_t offset, json_t **items_new, int64_t *total)
{
	bool mine = strcmp(view, "mine") == 0, waiting = strcmp(view, "waiting") == 0;
	sqlite3_stmt *st;
	if (mine) {
		st = db_stmt(db, "SELECT" LIST_COLUMNS " FROM counselling co"
				 " JOIN cases c ON c.id = co.case_id WHERE co.counsellor_id = "
				 "?1" STATE_FILTER " ORDER BY co.crisis DESC, c.id DESC");
	} else {
		st = db_stmt(db, "SELECT" LIST_COLUMNS " FROM json_each(?1) rt JOIN cases c"
				 " ON c.kind = 'counselling' AND c.code >= rt.value"
				 " AND c.code < rt.value || ';'"
				 " JOIN counselling co ON co.case_id = c.id WHERE 1" STATE_FILTER
				 " ORDER BY co.crisis DESC, c.id DESC");
	}
	if (st == NULL)
		return RC_INTERNAL;
	struct arena a = {0};
	const char *roots = mine ? NULL : principal_roots(p, PERM_COUNSEL_SUPERVISE, &a);
	if (!mine && roots == NULL) {
		arena_free(&a);
		*items_new = json_array();
		*total = 0;
		return RC_OK;
	}
	if (mine)
		sqlite3_bind_int64(st, 1, p->user_id);
	else
		db_bind_text(st, 1, roots);
	db_bind_text(st, 2, waiting ? "all" : state ? state : "open");
	json_t *items = json_array();
	int64_t n = 0;
	int src;
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		struct cou_case k = {0};
		k.c.id = sqlite3_column_int64(st, 0);
		k.c.state = case_state_index(&counselling_kind, db_col_text(st, 1));
		snprintf(k.c.code, sizeof(k.c.code), "%s", db_col_text(st, 2));
		k.crisis = sqlite3_column_int(st, 4) != 0;
		k.counsellor_id = sqlite3_column_int64(st, 9);
		k.supervisor_id = sqlite3_column_int64(st, 10);
		k.requester_id = sqlite3_column_int64(st, 11);
		k.c.created_by = sqlite3_column_int64(st, 12);
		enum cou_rel rel = cou_relation(db, p, &k);
		bool take = mine      ? rel == COU_COUNSELLOR
			    : waiting ? rel == COU_SUPERVISOR && k.c.state == COU_REQUESTED
				      : rel == COU_SUPERVISOR && k.c.state != COU_REQUESTED;
		if (!take)
			continue;
		if (n++ < offset || (int64_t)json_array_size(items) >= limit)
			continue;
		json_t *o = json_pack("{s:I, s:s, s:s, s:b, s:o, s:o}", "id", (json_int_t)k.c.id,
				      "state", db_col_text(st, 1), "category", db_col_text(st, 3),
				      "crisis", k.crisis, "contact_name", col_open(st, 8, F_NAME),
				      "node", json_pack("{s:s}", "code", k.c.code));
		set_time(o, "requested_at", st, 5);
		set_time(o, "assigned_at", st, 6);
		set_time(o, "first_contact_at", st, 7);
		set_time(o, "contact_due", st, 13);
		json_array_append_new(items, o);
	}
	sqlite3_reset(st);
	arena_free(&a);
	if (src != SQLITE_DONE) {
		json_decref(items);
		return db_rc(db, src);
	}
	/* Names after the statement is done: the helpers use statements of
	 * their own. */
	size_t i;
	json_t *o;
	json_array_foreach(items, i, o)
	{
		json_object_set_new(o, "node",
				    node_ref(db, json_string_value(json_object_get(
							 json_object_get(o, "node"), "code"))));
		struct cou_case k;
		if (cou_load(db, json_integer_value(json_object_get(o, "id")), &k) == RC_OK)
			json_object_set_new(o, "counsellor", user_ref(db, k.counsellor_id));
	}
	*items_new = items;
	*total = n;
	return RC_OK;
}

int cou_counsellors(struct db *db, const struct cou_case *k, json_t **items_new)
{
	sqlite3_stmt *st = db_stmt(
		db, "SELECT u.id, u.display_name, (SELECT count(*) FROM counselling co"
		    " JOIN cases c ON c.id = co.case_id WHERE co.counsellor_id = u.id"
		    " AND c.state <> 'closed') FROM users u WHERE u.disabled = 0 AND u.id <> ?2"
		    " AND EXISTS (SELECT 1 FROM user_roles ur JOIN org o ON o.id = ur.org_id"
		    " WHERE ur.user_id = u.id AND ur.role = 'counsellor'"
		    " AND substr(?1, 1, length(o.code)) = o.code)"
		    " ORDER BY 3, u.display_name LIMIT 200");
	if (st == NULL)
		return RC_INTERNAL;
	db_bind_text(st, 1, k->c.code);
	sqlite3_bind_int64(st, 2, k->requester_id);
	json_t *items = json_array();
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(items,
				      json_pack("{s:I, s:s, s:I, s:b}", "id",
						(json_int_t)sqlite3_column_int64(st, 0), "name",
						db_col_text(st, 1), "open_cases",
						(json_int_t)sqlite3_column_int64(st, 2), "current",
						sqlite3_column_int64(st, 0) == k->counsellor_id));
	sqlite3_reset(st);
	*items_new = items;
	return RC_OK;
}

/* ---- alerts ---- */

int cou_alerts(struct db *db, const struct principal *p, bool open_only, json_t **items_new)
{
	sqlite3_stmt *st =
		db_stmt(db, "SELECT a.id, a.case_id, a.raised_at_ms,"
			    " a.acknowledged_at_ms, c.state, c.code, co.crisis"
			    " FROM counselling_alerts a JOIN cases c ON c.id = a.case_id"
			    " JOIN counselling co ON co.case_id = a.case_id"
			    " WHERE a.supervisor_id = ?1"
			    " AND (?2 = 0 OR a.acknowledged_at_ms IS NULL)"
			    " ORDER BY a.acknowledged_at_ms IS NOT NULL, a.id DESC LIMIT 200");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, p->user_id);
	sqlite3_bind_int(st, 2, open_only);
	json_t *items = json_array();
	while (sqlite3_step(st) == SQLITE_ROW) {
		/* An alert of a node the supervisor no longer covers leads
		 * nowhere: leave it out. */
		if (principal_scope(p, PERM_COUNSEL_SUPERVISE, db_col_text(st, 5), NULL) != RC_OK)
			continue;
		json_t *o = json_pack("{s:I, s:I, s:s, s:b, s:s}", "id",
				      (json_int_t)sqlite3_column_int64(st, 0), "case_id",
				      (json_int_t)sqlite3_column_int64(st, 1), "state",
				      db_col_text(st, 4), "crisis", sqlite3_column_int(st, 6) != 0,
				      "code", db_col_text(st, 5));
		set_time(o, "raised_at", st, 2);
		set_time(o, "acknowledged_at", st, 3);
		json_array_append_new(items, o);
	}
	sqlite3_reset(st);
	size_t i;
	json_t *o;
	json_array_foreach(items, i, o)
	{
		json_object_set_new(o, "node",
				    node_ref(db, json_string_value(json_object_get(o, "code"))));
		json_object_del(o, "code");
	}
	*items_new = items;
	return RC_OK;
}

int cou_alert_ack(struct db *db, int64_t id, int64_t uid, int64_t *case_id)
{
	sqlite3_stmt *st = db_stmt(db, "UPDATE counselling_alerts"
				       " SET acknowledged_at_ms = ifnull(acknowledged_at_ms, ?3)"
				       " WHERE id = ?1 AND supervisor_id = ?2 RETURNING case_id");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, uid);
	sqlite3_bind_int64(st, 3, clock_now_ms());
	int src = sqlite3_step(st);
	if (src == SQLITE_ROW)
		*case_id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (src != SQLITE_ROW)
		return src == SQLITE_DONE ? RC_NOT_FOUND : db_rc(db, src);
	sqlite3_stmt *rd = db_stmt(db, "UPDATE inbox SET read_at_ms = ifnull(read_at_ms, ?3)"
				       " WHERE user_id = ?1 AND case_id = ?2 AND kind = 'crisis'");
	if (rd == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(rd, 1, uid);
	sqlite3_bind_int64(rd, 2, *case_id);
	sqlite3_bind_int64(rd, 3, clock_now_ms());
	return db_step_done(db, rd);
}

/* ---- statistics ---- */

enum { ST_TOTAL, ST_REQUESTED, ST_ASSIGNED, ST_IN_PROGRESS, ST_CLOSED, ST_CRISIS, ST_N };
static const char *const stat_names[ST_N] = {"total",       "requested", "assigned",
					     "in_progress", "closed",    "crisis"};

struct stat_row {
	char code[16];
	char name[128];
	int64_t v[ST_N];
	bool hide[ST_N];
	int64_t contacted, contact_ms;
};

/* Below this, a count of a community could point at a person. */
#define COU_SMALL 3

static void count_into(struct stat_row *r, sqlite3_stmt *st)
{
	int64_t n = sqlite3_column_int64(st, 2);
	const char *state = db_col_text(st, 1);
	r->v[ST_TOTAL] += n;
	for (int s = 0; s < 4; s++)
		if (strcmp(state, cou_states[s]) == 0)
			r->v[ST_REQUESTED + s] += n;
	r->v[ST_CRISIS] += sqlite3_column_int64(st, 3);
	r->contacted += sqlite3_column_int64(st, 4);
	r->contact_ms += sqlite3_column_int64(st, 5);
}

static json_t *stat_json(const struct stat_row *r, bool small_hidden, bool with_node)
{
	json_t *o = json_object();
	if (with_node) {
		json_object_set_new(o, "code", json_string(r->code));
		json_object_set_new(o, "name", json_string(r->name));
	}
	for (int s = 0; s < ST_N; s++)
		json_object_set_new(o, stat_names[s],
				    r->hide[s] ? json_string("<3") : json_integer(r->v[s]));
	/* A mean over fewer than three people is one of them. */
	json_object_set_new(
		o, "avg_days_to_contact",
		r->contacted == 0 || (small_hidden && r->contacted < COU_SMALL)
			? json_null()
			: json_real((double)r->contact_ms / (double)r->contacted / 86400000.0));
	return o;
}

int cou_stats(struct db *db, const char *code, int64_t from_ms, int64_t to_ms, json_t **out_new)
{
	size_t len = strlen(code);
	/* Rows one level down: province 2 → city 4 → county 6 → town 9 →
	 * community 12; a community is not broken down into grids. */
	size_t child = len == 2 ? 4 : len == 4 ? 6 : len == 6 ? 9 : len == 9 ? 12 : 0;
	bool fine = len >= 12;        /* the totals are a community's */
	bool rows_fine = child >= 12; /* the rows are communities */
	struct stat_row *rows = NULL, tot = {0};
	size_t nrows = 0;
	int rc = RC_OK;
	if (child) {
		sqlite3_stmt *st = db_stmt(db, "SELECT code, name FROM org WHERE code > ?1"
					       " AND code < ?1 || ';' AND length(code) = ?2"
					       " ORDER BY code LIMIT 2000");
		if (st == NULL)
			return RC_INTERNAL;
		db_bind_text(st, 1, code);
		sqlite3_bind_int(st, 2, (int)child);
		while (sqlite3_step(st) == SQLITE_ROW) {
			struct stat_row *g = realloc(rows, (nrows + 1) * sizeof(*rows));
			if (g == NULL)
				abort();
			rows = g;
			memset(&rows[nrows], 0, sizeof(*rows));
			snprintf(rows[nrows].code, sizeof(rows[nrows].code), "%s",
				 db_col_text(st, 0));
			snprintf(rows[nrows].name, sizeof(rows[nrows].name), "%s",
				 db_col_text(st, 1));
			nrows++;
		}
		sqlite3_reset(st);
	}
	sqlite3_stmt *st = db_stmt(
		db, "SELECT substr(c.code, 1, ?4), c.state, count(*), sum(co.crisis_count > 0),"
		    " count(co.first_contact_ms),"
		    " ifnull(sum(co.first_contact_ms - co.requested_at_ms), 0)"
		    " FROM cases c JOIN counselling co ON co.case_id = c.id"
		    " WHERE c.kind = 'counselling' AND c.code >= ?1 AND c.code < ?1 || ';'"
		    " AND co.requested_at_ms >= ?2 AND co.requested_at_ms < ?3 GROUP BY 1, 2");
	if (st == NULL) {
		free(rows);
		return RC_INTERNAL;
	}
	db_bind_text(st, 1, code);
	sqlite3_bind_int64(st, 2, from_ms);
	sqlite3_bind_int64(st, 3, to_ms);
	sqlite3_bind_int(st, 4, child ? (int)child : (int)len);
	int src;
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		count_into(&tot, st);
		const char *k = db_col_text(st, 0);
		for (size_t i = 0; i < nrows; i++)
			if (strcmp(rows[i].code, k) == 0)
				count_into(&rows[i], st);
	}
	sqlite3_reset(st);
	if (src != SQLITE_DONE) {
		free(rows);
		return db_rc(db, src);
	}
	/* Small counts of communities are "<3" -- zero too, so that "<3" does
	 * not tell that somebody asked.  Where a column would hide a single
	 * cell, the total minus the others would give it back: hide the next
	 * smallest cell of that column as well. */
	if (rows_fine) {
		for (int s = 0; s < ST_N; s++) {
			size_t hidden = 0, smallest = nrows;
			for (size_t i = 0; i < nrows; i++) {
				rows[i].hide[s] = rows[i].v[s] < COU_SMALL;
				if (rows[i].hide[s])
					hidden++;
				else if (smallest == nrows || rows[i].v[s] < rows[smallest].v[s])
					smallest = i;
			}
			if (hidden == 1 && smallest < nrows)
				rows[smallest].hide[s] = true;
		}
	}
	if (fine)
		for (int s = 0; s < ST_N; s++)
			tot.hide[s] = tot.v[s] < COU_SMALL;
	json_t *items = json_array();
	for (size_t i = 0; i < nrows; i++)
		json_array_append_new(items, stat_json(&rows[i], rows_fine, true));
	free(rows);
	json_t *o = json_pack("{s:o, s:o, s:o, s:s}", "org", node_ref(db, code), "totals",
			      stat_json(&tot, fine, false), "rows", items, "by",
			      child == 0    ? "none"
			      : child == 12 ? "community"
			      : child == 9  ? "town"
					    : "area");
	*out_new = o;
	return rc;
}
