/*
 * People's mediation: the rules of the law as functions, the committees
 * and the cases in storage, the actions' consequences, the reminder of the
 * judicial-confirmation window and the statistics.
 */
#include "mediation/mediation.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/users.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/secure.h"
#include "core/str.h"
#include "events/events.h"
#include "registry/validate.h"

#define FIELD_ID "mediation_party.id_number"
#define FIELD_PHONE "mediation_party.phone"

/* ---- states and transitions ---- */

static const char *const med_states[] = {
	[MED_NOT_ACCEPTED] = "not_accepted", [MED_REGISTERED] = "registered",
	[MED_MEDIATING] = "mediating",       [MED_AGREED] = "agreed",
	[MED_FAILED] = "failed",             [MED_REFERRED] = "referred",
	[MED_CLOSED] = "closed",
};

#define S(x) (1u << (x))
#define RUNNING (S(MED_REGISTERED) | S(MED_MEDIATING))
#define CONCLUDED (S(MED_AGREED) | S(MED_FAILED) | S(MED_REFERRED))

/* clang-format off */
static const struct case_transition med_transitions[] = {
	{"assign", RUNNING, CASE_SAME, PERM_MEDIATION_HANDLE, 0},
	{"recuse", RUNNING, CASE_SAME, PERM_MEDIATION_HANDLE, CASE_REASON},
	{"session", RUNNING, MED_MEDIATING, PERM_MEDIATION_HANDLE, 0},
	{"extend", RUNNING, CASE_SAME, PERM_MEDIATION_HANDLE, CASE_REASON},
	{"agreement", S(MED_MEDIATING), CASE_SAME, PERM_MEDIATION_HANDLE, 0},
	{"sign", S(MED_MEDIATING), CASE_SAME, PERM_MEDIATION_HANDLE, 0},
	/* Not a route: the move the last signature makes. */
	{"agree", S(MED_MEDIATING), MED_AGREED, PERM_MEDIATION_HANDLE, 0},
	{"terminate", RUNNING, MED_FAILED, PERM_MEDIATION_HANDLE, CASE_REASON},
	{"refer", RUNNING, MED_REFERRED, PERM_MEDIATION_HANDLE, CASE_REASON},
	{"confirmation", S(MED_AGREED), CASE_SAME, PERM_MEDIATION_HANDLE, 0},
	{"followup", CONCLUDED, CASE_SAME, PERM_MEDIATION_HANDLE, 0},
	{"close", CONCLUDED, MED_CLOSED, PERM_MEDIATION_HANDLE, 0},
};
/* clang-format on */

const struct case_kind mediation_kind = {
	"mediation",
	med_states,
	sizeof(med_states) / sizeof(med_states[0]),
	med_transitions,
	sizeof(med_transitions) / sizeof(med_transitions[0]),
	PERM_MEDIATION_READ,
};

/* ---- rules ---- */

const char *mediation_composition_rule(int in_term, int women, bool term_running)
{
	if (!term_running)
		return "term_expired";
	if (in_term < MED_MIN_MEMBERS)
		return "too_few_members";
	if (in_term > MED_MAX_MEMBERS)
		return "too_many_members";
	if (women < 1)
		return "no_woman";
	return NULL;
}

int mediation_month_days(int y, int m)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return days[(m - 1) % 12];
}

void mediation_term_end(const char *elected_on, char out[11])
{
	int y = 0, m = 0, d = 0;
	if (sscanf(elected_on, "%4d-%2d-%2d", &y, &m, &d) != 3) {
		snprintf(out, 11, "0000-00-00");
		return;
	}
	y += MED_TERM_YEARS;
	if (d > mediation_month_days(y, m)) {
		m++;
		d = 1;
	}
	char buf[32];
	snprintf(buf, sizeof(buf), "%04d-%02d-%02d", y, m, d);
	snprintf(out, 11, "%.10s", buf);
}

static int32_t next_workday(const struct calendar *cal, int32_t day)
{
	/* A calendar always has working days within a few weeks. */
	for (int i = 0; i < 60 && !calendar_is_workday(cal, day); i++)
		day++;
	return day;
}

int32_t mediation_month_limit(const struct calendar *cal, int32_t day)
{
	char date[11];
	calendar_date_of(day, date);
	int y = 0, m = 0, d = 0;
	if (sscanf(date, "%4d-%2d-%2d", &y, &m, &d) != 3)
		return day;
	if (++m > 12) {
		m = 1;
		y++;
	}
	if (d > mediation_month_days(y, m))
		d = mediation_month_days(y, m);
	char last[16];
	snprintf(last, sizeof(last), "%04d-%02d-%02d", y % 10000, m % 100, d % 100);
	return next_workday(cal, calendar_day_of(last));
}

int32_t mediation_days_limit(const struct calendar *cal, int32_t day, int days)
{
	return next_workday(cal, day + days);
}

int64_t mediation_day_end_ms(int32_t day)
{
	return ((int64_t)(day + 1) * 86400 - CLOCK_CIVIL_OFFSET_S) * 1000;
}

static int32_t today(void)
{
	return calendar_day_at(clock_now_ms());
}

static void today_text(char out[11])
{
	calendar_date_of(today(), out);
}

/* ---- committees ---- */

int mediation_committee_counts(struct db *db, int64_t id, int *in_term, int *women,
			       bool *term_running)
{
	char now[11];
	today_text(now);
	sqlite3_stmt *st = db_stmt(db, "SELECT c.elected_on, (SELECT count(*) FROM"
				       " mediation_members m WHERE m.committee_id = c.id"
				       " AND m.joined_on <= ?2 AND (m.left_on IS NULL OR"
				       " m.left_on > ?2)), (SELECT count(*) FROM"
				       " mediation_members m WHERE m.committee_id = c.id"
				       " AND m.gender = 'female' AND m.joined_on <= ?2 AND"
				       " (m.left_on IS NULL OR m.left_on > ?2))"
				       " FROM mediation_committees c WHERE c.id = ?1");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	db_bind_text(st, 2, now);
	int rc = RC_NOT_FOUND;
	if (sqlite3_step(st) == SQLITE_ROW) {
		char end[11];
		mediation_term_end(db_col_text(st, 0), end);
		*term_running = strcmp(db_col_text(st, 0), now) <= 0 && strcmp(now, end) < 0;
		*in_term = sqlite3_column_int(st, 1);
		*women = sqlite3_column_int(st, 2);
		rc = RC_OK;
	}
	sqlite3_reset(st);
	return rc;
}

int mediation_committee_get(struct db *db, int64_t id, char code[16], char *name, size_t len)
{
	sqlite3_stmt *st =
		db_stmt(db, "SELECT org_code, name FROM mediation_committees WHERE id = ?");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	int rc = RC_NOT_FOUND;
	if (sqlite3_step(st) == SQLITE_ROW) {
		snprintf(code, 16, "%s", db_col_text(st, 0));
		if (name != NULL)
			snprintf(name, len, "%s", db_col_text(st, 1));
		rc = RC_OK;
	}
	sqlite3_reset(st);
	return rc;
}

bool mediation_user_is_mediator(struct db *db, int64_t user, const char *code)
{
	return user != 0 && users_holds_role_at(db, user, ROLE_MEDIATOR, code);
}

/* The composition of a committee as JSON: counts, the term and the rule
 * broken (null when it may take cases). */
static json_t *composition_json(struct db *db, int64_t id, const char *elected_on)
{
	int in_term = 0, women = 0;
	bool running = false;
	mediation_committee_counts(db, id, &in_term, &women, &running);
	const char *rule = mediation_composition_rule(in_term, women, running);
	char end[11];
	mediation_term_end(elected_on, end);
	return json_pack("{s:i, s:i, s:s, s:b, s:o, s:b}", "members_in_term", in_term, "women",
			 women, "term_ends_on", end, "term_running", running, "rule",
			 rule ? json_string(rule) : json_null(), "constituted", rule == NULL);
}

int mediation_committee_json(struct db *db, int64_t id, json_t **out_new)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT c.id, c.org_code, c.name, c.elected_on,"
				       " ifnull(o.name, '') FROM mediation_committees c"
				       " LEFT JOIN org o ON o.code = c.org_code WHERE c.id = ?");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		return RC_NOT_FOUND;
	}
	json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s}", "id",
			      (json_int_t)sqlite3_column_int64(st, 0), "org_code",
			      db_col_text(st, 1), "name", db_col_text(st, 2), "elected_on",
			      db_col_text(st, 3), "org_name", db_col_text(st, 4));
	sqlite3_reset(st);
	json_object_set_new(o, "composition",
			    composition_json(db, id, json_string_value(json_object_get(o, "elected_on"))));
	const char *code = json_string_value(json_object_get(o, "org_code"));
	char now[11];
	today_text(now);
	st = db_stmt(db, "SELECT m.id, m.name, m.gender, m.duty, m.user_id, m.joined_on,"
			 " m.left_on, u.display_name FROM mediation_members m"
			 " LEFT JOIN users u ON u.id = m.user_id WHERE m.committee_id = ?"
			 " ORDER BY m.left_on IS NOT NULL, CASE m.duty WHEN 'chair' THEN 0"
			 " WHEN 'vice_chair' THEN 1 ELSE 2 END, m.id");
	if (st == NULL) {
		json_decref(o);
		return RC_INTERNAL;
	}
	sqlite3_bind_int64(st, 1, id);
	json_t *members = json_array();
	while (sqlite3_step(st) == SQLITE_ROW) {
		int64_t user = sqlite3_column_int64(st, 4);
		bool left = sqlite3_column_type(st, 6) != SQLITE_NULL &&
			    strcmp(db_col_text(st, 6), now) <= 0;
		json_t *m = json_pack("{s:I, s:s, s:s, s:s, s:s, s:b}", "id",
				      (json_int_t)sqlite3_column_int64(st, 0), "name",
				      db_col_text(st, 1), "gender", db_col_text(st, 2), "duty",
				      db_col_text(st, 3), "joined_on", db_col_text(st, 5),
				      "in_term", !left);
		json_object_set_new(m, "user_id", db_col_json(st, 4));
		json_object_set_new(m, "account", db_col_json(st, 7));
		json_object_set_new(m, "left_on", db_col_json(st, 6));
		json_object_set_new(m, "mediator",
				    json_boolean(!left && user &&
						 mediation_user_is_mediator(db, user, code)));
		json_array_append_new(members, m);
	}
	sqlite3_reset(st);
	json_object_set_new(o, "members", members);
	*out_new = o;
	return RC_OK;
}

int mediation_committees_json(struct db *db, const char *roots, json_t **out_new)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT c.id FROM mediation_committees c"
				       " WHERE EXISTS (SELECT 1 FROM json_each(?1) r"
				       " WHERE substr(c.org_code, 1, length(r.value)) = r.value)"
				       " ORDER BY c.org_code, c.name");
	if (st == NULL)
		return RC_INTERNAL;
	db_bind_text(st, 1, roots);
	int64_t ids[500];
	int n = 0;
	while (n < 500 && sqlite3_step(st) == SQLITE_ROW)
		ids[n++] = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	json_t *items = json_array();
	for (int i = 0; i < n; i++) {
		json_t *c;
		if (mediation_committee_json(db, ids[i], &c) == RC_OK)
			json_array_append_new(items, c);
	}
	*out_new = items;
	return RC_OK;
}

/* ---- cases ---- */

static void bind_sealed(sqlite3_stmt *st, int i, const char *field, const char *value)
{
	if (value == NULL || *value == '\0')
		return;
	size_t n = strlen(value);
	unsigned char *sealed = malloc(n + SEC_SEAL_OVERHEAD);
	if (sealed == NULL)
		abort();
	sec_seal(sealed, field, value, n);
	sqlite3_bind_blob(st, i, sealed, (int)(n + SEC_SEAL_OVERHEAD), free);
}

static int insert_party(struct db *db, int64_t case_id, const struct med_party_in *p)
{
	sqlite3_stmt *st = db_stmt(
		db, "INSERT INTO mediation_parties (case_id, side, kind, name, gender,"
		    " resident_id, id_enc, id_mask, phone_enc, phone_mask, address,"
		    " representative, willing, refusal_note, refused_at_ms)"
		    " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, case_id);
	db_bind_text(st, 2, p->side);
	db_bind_text(st, 3, p->kind);
	db_bind_text(st, 4, p->name);
	db_bind_text(st, 5, p->gender);
	if (p->resident_id)
		sqlite3_bind_int64(st, 6, p->resident_id);
	if (p->id_number && *p->id_number) {
		char mask[48];
		mask_id(strlen(p->id_number) == 18 ? "citizen" : "other", p->id_number, mask,
			sizeof(mask));
		bind_sealed(st, 7, FIELD_ID, p->id_number);
		db_bind_text(st, 8, mask);
	}
	if (p->phone && *p->phone) {
		char mask[24];
		mask_phone(p->phone, mask, sizeof(mask));
		bind_sealed(st, 9, FIELD_PHONE, p->phone);
		db_bind_text(st, 10, mask);
	}
	db_bind_text(st, 11, p->address ? p->address : "");
	db_bind_text(st, 12, p->representative ? p->representative : "");
	sqlite3_bind_int(st, 13, p->willing);
	db_bind_text(st, 14, p->willing ? NULL : p->refusal_note);
	if (!p->willing)
		sqlite3_bind_int64(st, 15, clock_now_ms());
	return db_step_done(db, st);
}

/* Start (or move) the one-month clock: the last day, its end, and the
 * warning MED_WARN_DAYS before it. */
static int set_limit(struct db *db, struct case_row *c, int32_t last_day)
{
	int64_t due = mediation_day_end_ms(last_day);
	char date[11];
	calendar_date_of(last_day, date);
	sqlite3_stmt *st = db_stmt(db, "UPDATE mediation_cases SET due_on = ?, due_at_ms = ?"
				       " WHERE case_id = ?");
	if (st == NULL)
		return RC_INTERNAL;
	db_bind_text(st, 1, date);
	sqlite3_bind_int64(st, 2, due);
	sqlite3_bind_int64(st, 3, c->id);
	int rc = db_step_done(db, st);
	if (rc == RC_OK)
		rc = case_set_deadline(db, c, "mediate", due - (int64_t)MED_WARN_DAYS * 86400000,
				       due);
	return rc;
}

int mediation_register(struct db *db, const struct med_case_in *in, const char *code, int state,
		       const char *note, const struct case_actor *who, int64_t *id)
{
	/* The title, seen in inboxes and lists: the first applicant and the
	 * first respondent. */
	const char *a = NULL, *b = NULL;
	for (size_t i = 0; i < in->nparties; i++) {
		if (a == NULL && strcmp(in->parties[i].side, "applicant") == 0)
			a = in->parties[i].name;
		if (b == NULL && strcmp(in->parties[i].side, "respondent") == 0)
			b = in->parties[i].name;
	}
	char title[300];
	snprintf(title, sizeof(title), "%s — %s", a ? a : "", b ? b : "");
	int rc = case_create(db, &mediation_kind, state, code, code, title, who, id);
	if (rc != RC_OK)
		return rc;
	int64_t now = clock_now_ms();
	char year[11];
	calendar_date_of(today(), year);
	year[4] = '\0';
	sqlite3_stmt *st = db_stmt(
		db, "INSERT INTO mediation_cases (case_id, committee_id, year, seq, dispute_type,"
		    " source, source_note, summary, registered_at_ms, registered_by, outcome,"
		    " outcome_note, concluded_at_ms) SELECT ?1, ?2, ?3, 1 + ifnull(max(seq), 0),"
		    " ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12 FROM mediation_cases"
		    " WHERE committee_id = ?2 AND year = ?3");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, *id);
	sqlite3_bind_int64(st, 2, in->committee_id);
	sqlite3_bind_int(st, 3, atoi(year));
	db_bind_text(st, 4, in->dispute_type);
	db_bind_text(st, 5, in->source);
	db_bind_text(st, 6, in->source_note ? in->source_note : "");
	db_bind_text(st, 7, in->summary);
	sqlite3_bind_int64(st, 8, now);
	if (who->id)
		sqlite3_bind_int64(st, 9, who->id);
	if (state == MED_NOT_ACCEPTED) {
		db_bind_text(st, 10, "not_accepted");
		db_bind_text(st, 11, note);
		sqlite3_bind_int64(st, 12, now);
	}
	rc = db_step_done(db, st);
	for (size_t i = 0; i < in->nparties && rc == RC_OK; i++)
		rc = insert_party(db, *id, &in->parties[i]);
	if (rc != RC_OK || state == MED_NOT_ACCEPTED)
		return rc;
	struct case_row c;
	rc = case_load(db, &mediation_kind, *id, &c);
	if (rc == RC_OK)
		rc = case_assign(db, &c, 0, 0, who->id);
	if (rc == RC_OK)
		rc = set_limit(db, &c, mediation_month_limit(events_calendar(), today()));
	return rc;
}

int64_t mediation_recused_user(struct db *db, int64_t case_id, int64_t user)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT m.id FROM mediation_case_mediators cm"
				       " JOIN mediation_members m ON m.id = cm.member_id"
				       " WHERE cm.case_id = ? AND m.user_id = ?"
				       " AND cm.recused_at_ms IS NOT NULL");
	if (st == NULL)
		return 0;
	sqlite3_bind_int64(st, 1, case_id);
	sqlite3_bind_int64(st, 2, user);
	int64_t id = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	return id;
}

/* Deadline colour of a running clock: green, yellow after the warning,
 * red after the deadline; null when no clock runs. */
static json_t *deadline_json(sqlite3_stmt *st, int warn_col, int due_col)
{
	if (sqlite3_column_type(st, due_col) == SQLITE_NULL)
		return json_null();
	int64_t now = clock_now_ms();
	if (now >= sqlite3_column_int64(st, due_col))
		return json_string("red");
	if (now >= sqlite3_column_int64(st, warn_col))
		return json_string("yellow");
	return json_string("green");
}

static json_t *iso_json(sqlite3_stmt *st, int col)
{
	if (sqlite3_column_type(st, col) == SQLITE_NULL)
		return json_null();
	char at[32];
	clock_iso_ms(sqlite3_column_int64(st, col), at, sizeof(at));
	return json_string(at);
}

static int parties_json(struct db *db, int64_t id, json_t *o)
{
	sqlite3_stmt *st = db_stmt(
		db, "SELECT p.id, p.side, p.kind, p.name, p.gender, p.resident_id, p.id_mask,"
		    " p.phone_mask, p.address, p.representative, p.willing, p.refusal_note,"
		    " p.refused_at_ms, s.signed_at_ms FROM mediation_parties p"
		    " LEFT JOIN mediation_signatures s ON s.party_id = p.id"
		    " WHERE p.case_id = ? ORDER BY p.side, p.id");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	json_t *items = json_array();
	while (sqlite3_step(st) == SQLITE_ROW) {
		json_t *p = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:b}", "id",
				      (json_int_t)sqlite3_column_int64(st, 0), "side",
				      db_col_text(st, 1), "kind", db_col_text(st, 2), "name",
				      db_col_text(st, 3), "address", db_col_text(st, 8),
				      "representative", db_col_text(st, 9), "willing",
				      sqlite3_column_int(st, 10));
		json_object_set_new(p, "gender", db_col_json(st, 4));
		json_object_set_new(p, "resident_id", db_col_json(st, 5));
		json_object_set_new(p, "id_number", db_col_json(st, 6));
		json_object_set_new(p, "phone", db_col_json(st, 7));
		json_object_set_new(p, "refusal_note", db_col_json(st, 11));
		json_object_set_new(p, "refused_at", iso_json(st, 12));
		json_object_set_new(p, "signed_at", iso_json(st, 13));
		json_array_append_new(items, p);
	}
	sqlite3_reset(st);
	json_object_set_new(o, "parties", items);
	return RC_OK;
}

static int mediators_json(struct db *db, int64_t id, json_t *o)
{
	sqlite3_stmt *st = db_stmt(
		db, "SELECT m.id, m.name, m.user_id, cm.how, cm.assigned_at_ms, cm.recused_at_ms,"
		    " cm.recusal_by, cm.recusal_reason, s.signed_at_ms, m.gender"
		    " FROM mediation_case_mediators cm JOIN mediation_members m"
		    " ON m.id = cm.member_id LEFT JOIN mediation_signatures s"
		    " ON s.case_id = cm.case_id AND s.member_id = m.id"
		    " WHERE cm.case_id = ? ORDER BY cm.assigned_at_ms, m.id");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	json_t *items = json_array();
	while (sqlite3_step(st) == SQLITE_ROW) {
		json_t *m = json_pack("{s:I, s:s, s:s, s:b}", "member_id",
				      (json_int_t)sqlite3_column_int64(st, 0), "name",
				      db_col_text(st, 1), "how", db_col_text(st, 3), "active",
				      sqlite3_column_type(st, 5) == SQLITE_NULL);
		json_object_set_new(m, "user_id", db_col_json(st, 2));
		json_object_set_new(m, "assigned_at", iso_json(st, 4));
		json_object_set_new(m, "recused_at", iso_json(st, 5));
		json_object_set_new(m, "recusal_by", db_col_json(st, 6));
		json_object_set_new(m, "recusal_reason", db_col_json(st, 7));
		json_object_set_new(m, "signed_at", iso_json(st, 8));
		json_array_append_new(items, m);
	}
	sqlite3_reset(st);
	json_object_set_new(o, "mediators", items);
	return RC_OK;
}

static int sessions_json(struct db *db, int64_t id, json_t *o)
{
	sqlite3_stmt *st = db_stmt(
		db, "SELECT s.id, s.held_on, s.place, s.mediator_ids, s.attendees, s.record,"
		    " s.created_at_ms, (SELECT group_concat(m.name, '、') FROM mediation_members m,"
		    " json_each(s.mediator_ids) j WHERE m.id = j.value)"
		    " FROM mediation_sessions s WHERE s.case_id = ? ORDER BY s.held_on, s.id");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	json_t *items = json_array();
	while (sqlite3_step(st) == SQLITE_ROW) {
		json_t *s = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s}", "id",
				      (json_int_t)sqlite3_column_int64(st, 0), "held_on",
				      db_col_text(st, 1), "place", db_col_text(st, 2), "attendees",
				      db_col_text(st, 4), "record", db_col_text(st, 5), "mediators",
				      db_col_text(st, 7));
		json_t *ids = json_loads(db_col_text(st, 3), 0, NULL);
		json_object_set_new(s, "mediator_ids", ids ? ids : json_array());
		json_object_set_new(s, "recorded_at", iso_json(st, 6));
		json_array_append_new(items, s);
	}
	sqlite3_reset(st);
	json_object_set_new(o, "sessions", items);
	return RC_OK;
}

static int agreement_json(struct db *db, int64_t id, json_t *o)
{
	sqlite3_stmt *st = db_stmt(
		db, "SELECT facts, disputed_matters, responsibilities, terms, performance,"
		    " perform_by, drawn_up_at_ms, updated_at_ms, effective_at_ms,"
		    " confirm_last_day, confirmation, confirmation_on, confirmation_court,"
		    " (SELECT count(*) FROM mediation_signatures s WHERE s.case_id = a.case_id)"
		    " FROM mediation_agreements a WHERE case_id = ?");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	json_t *a = json_null();
	if (sqlite3_step(st) == SQLITE_ROW) {
		a = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b}", "facts",
			      db_col_text(st, 0), "disputed_matters", db_col_text(st, 1),
			      "responsibilities", db_col_text(st, 2), "terms", db_col_text(st, 3),
			      "performance", db_col_text(st, 4), "perform_by", db_col_text(st, 5),
			      "confirmation", db_col_text(st, 10), "locked",
			      sqlite3_column_int(st, 13) > 0);
		json_object_set_new(a, "drawn_up_at", iso_json(st, 6));
		json_object_set_new(a, "updated_at", iso_json(st, 7));
		json_object_set_new(a, "effective_at", iso_json(st, 8));
		json_object_set_new(a, "confirm_last_day", db_col_json(st, 9));
		json_object_set_new(a, "confirmation_on", db_col_json(st, 11));
		json_object_set_new(a, "confirmation_court", db_col_json(st, 12));
	}
	sqlite3_reset(st);
	json_object_set_new(o, "agreement", a);
	return RC_OK;
}

static int followups_json(struct db *db, int64_t id, json_t *o)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT id, visited_on, visitor, performance, notes,"
				       " created_at_ms FROM mediation_followups WHERE case_id = ?"
				       " ORDER BY visited_on, id");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	json_t *items = json_array();
	while (sqlite3_step(st) == SQLITE_ROW) {
		json_t *f = json_pack("{s:I, s:s, s:s, s:s, s:s}", "id",
				      (json_int_t)sqlite3_column_int64(st, 0), "visited_on",
				      db_col_text(st, 1), "visitor", db_col_text(st, 2),
				      "performance", db_col_text(st, 3), "notes",
				      db_col_text(st, 4));
		json_object_set_new(f, "recorded_at", iso_json(st, 5));
		json_array_append_new(items, f);
	}
	sqlite3_reset(st);
	json_object_set_new(o, "followups", items);
	return RC_OK;
}

int mediation_case_json(struct db *db, int64_t id, json_t **out_new)
{
	sqlite3_stmt *st = db_stmt(
		db, "SELECT c.id, c.state, c.code, c.title, m.year, m.seq, m.committee_id, k.name,"
		    " m.dispute_type, t.name, t.name_en, m.source, m.source_note, m.summary,"
		    " m.registered_at_ms, ifnull(u.display_name, ''), m.due_on, m.extensions,"
		    " m.outcome, m.outcome_note, m.concluded_at_ms, m.end_kind, m.routes,"
		    " m.referral_unit, m.performed, m.closed_at_ms, c.warn_at_ms, c.due_at_ms,"
		    " c.version, ifnull(o.name, ''), c.overdue"
		    " FROM cases c JOIN mediation_cases m ON m.case_id = c.id"
		    " JOIN mediation_committees k ON k.id = m.committee_id"
		    " JOIN mediation_dispute_types t ON t.code = m.dispute_type"
		    " LEFT JOIN users u ON u.id = m.registered_by"
		    " LEFT JOIN org o ON o.code = c.code WHERE c.id = ?");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		return RC_NOT_FOUND;
	}
	json_t *o = json_pack(
		"{s:I, s:s, s:s, s:s, s:s, s:i, s:i, s:{s:I, s:s}, s:{s:s, s:s, s:s}, s:s, s:s,"
		" s:s, s:s, s:i, s:b, s:i, s:b}",
		"id", (json_int_t)sqlite3_column_int64(st, 0), "state", db_col_text(st, 1),
		"code", db_col_text(st, 2), "org_name", db_col_text(st, 29), "title",
		db_col_text(st, 3), "year", sqlite3_column_int(st, 4), "seq",
		sqlite3_column_int(st, 5), "committee", "id",
		(json_int_t)sqlite3_column_int64(st, 6), "name", db_col_text(st, 7),
		"dispute_type", "code", db_col_text(st, 8), "name", db_col_text(st, 9), "name_en",
		db_col_text(st, 10), "source", db_col_text(st, 11), "source_note",
		db_col_text(st, 12), "summary", db_col_text(st, 13), "registered_by",
		db_col_text(st, 15), "extensions", sqlite3_column_int(st, 17), "performed",
		sqlite3_column_int(st, 24), "version", sqlite3_column_int(st, 28), "overdue",
		sqlite3_column_int(st, 30));
	json_object_set_new(o, "registered_at", iso_json(st, 14));
	json_object_set_new(o, "due_on", db_col_json(st, 16));
	json_object_set_new(o, "outcome", db_col_json(st, 18));
	json_object_set_new(o, "outcome_note", db_col_json(st, 19));
	json_object_set_new(o, "concluded_at", iso_json(st, 20));
	json_object_set_new(o, "end_kind", db_col_json(st, 21));
	json_t *routes = sqlite3_column_type(st, 22) == SQLITE_NULL
				 ? NULL
				 : json_loads(db_col_text(st, 22), 0, NULL);
	json_object_set_new(o, "routes", routes ? routes : json_null());
	json_object_set_new(o, "referral_unit", db_col_json(st, 23));
	json_object_set_new(o, "closed_at", iso_json(st, 25));
	json_object_set_new(o, "deadline", deadline_json(st, 26, 27));
	sqlite3_reset(st);
	int rc = parties_json(db, id, o);
	if (rc == RC_OK)
		rc = mediators_json(db, id, o);
	if (rc == RC_OK)
		rc = sessions_json(db, id, o);
	if (rc == RC_OK)
		rc = agreement_json(db, id, o);
	if (rc == RC_OK)
		rc = followups_json(db, id, o);
	json_t *timeline = NULL;
	if (rc == RC_OK)
		rc = case_timeline(db, id, &timeline);
	if (rc != RC_OK) {
		json_decref(o);
		return rc;
	}
	json_object_set_new(o, "timeline", timeline);
	*out_new = o;
	return RC_OK;
}

int mediation_cases_list(struct db *db, const struct med_filter *f, json_t **items_new,
			 int64_t *total)
{
	/* ?1 roots, ?2 state filter, ?3 dispute type, ?4 committee, ?5
	 * overdue only, ?6 now, ?7 limit, ?8 offset. */
#define MED_LIST_WHERE                                                                       \
	" FROM cases c JOIN mediation_cases m ON m.case_id = c.id"                           \
	" JOIN mediation_committees k ON k.id = m.committee_id"                              \
	" JOIN mediation_dispute_types t ON t.code = m.dispute_type"                         \
	" WHERE c.kind = 'mediation' AND EXISTS (SELECT 1 FROM json_each(?1) r"              \
	" WHERE c.code >= r.value AND c.code < r.value || ':')"                              \
	" AND (CASE ?2 WHEN 'all' THEN 1 WHEN 'open' THEN c.state IN ('registered',"        \
	" 'mediating') ELSE c.state = ?2 END)"                                               \
	" AND (?3 IS NULL OR m.dispute_type = ?3) AND (?4 = 0 OR m.committee_id = ?4)"       \
	" AND (?5 = 0 OR (c.due_at_ms IS NOT NULL AND c.due_at_ms <= ?6))"
	sqlite3_stmt *count = db_stmt(db, "SELECT count(*)" MED_LIST_WHERE);
	sqlite3_stmt *st = db_stmt(
		db, "SELECT c.id, c.state, c.title, m.year, m.seq, k.name, m.dispute_type, t.name,"
		    " t.name_en, m.source, m.registered_at_ms, m.due_on, c.warn_at_ms,"
		    " c.due_at_ms, m.outcome, c.code, m.committee_id" MED_LIST_WHERE
		    " ORDER BY c.id DESC LIMIT ?7 OFFSET ?8");
#undef MED_LIST_WHERE
	if (count == NULL || st == NULL)
		return RC_INTERNAL;
	const char *state = f->state ? f->state : "open";
	sqlite3_stmt *both[] = {count, st};
	for (int i = 0; i < 2; i++) {
		db_bind_text(both[i], 1, f->roots);
		db_bind_text(both[i], 2, state);
		db_bind_text(both[i], 3, f->dispute_type);
		sqlite3_bind_int64(both[i], 4, f->committee_id);
		sqlite3_bind_int(both[i], 5, f->overdue_only);
		sqlite3_bind_int64(both[i], 6, clock_now_ms());
	}
	sqlite3_bind_int64(st, 7, f->limit);
	sqlite3_bind_int64(st, 8, f->offset);
	*total = sqlite3_step(count) == SQLITE_ROW ? sqlite3_column_int64(count, 0) : 0;
	sqlite3_reset(count);
	json_t *items = json_array();
	int src;
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		json_t *c = json_pack(
			"{s:I, s:s, s:s, s:i, s:i, s:s, s:I, s:{s:s, s:s, s:s}, s:s, s:s}", "id",
			(json_int_t)sqlite3_column_int64(st, 0), "state", db_col_text(st, 1),
			"title", db_col_text(st, 2), "year", sqlite3_column_int(st, 3), "seq",
			sqlite3_column_int(st, 4), "committee", db_col_text(st, 5),
			"committee_id", (json_int_t)sqlite3_column_int64(st, 16), "dispute_type",
			"code", db_col_text(st, 6), "name", db_col_text(st, 7), "name_en",
			db_col_text(st, 8), "source", db_col_text(st, 9), "code",
			db_col_text(st, 15));
		json_object_set_new(c, "registered_at", iso_json(st, 10));
		json_object_set_new(c, "due_on", db_col_json(st, 11));
		json_object_set_new(c, "deadline", deadline_json(st, 12, 13));
		json_object_set_new(c, "outcome", db_col_json(st, 14));
		json_array_append_new(items, c);
	}
	sqlite3_reset(st);
	if (src != SQLITE_DONE) {
		json_decref(items);
		return db_rc(db, src);
	}
	*items_new = items;
	return RC_OK;
}

/* ---- actions ---- */

static const char *str_of(const json_t *in, const char *name)
{
	return json_string_value(json_object_get(in, name));
}

static int64_t int_of(const json_t *in, const char *name)
{
	return json_integer_value(json_object_get(in, name));
}

/* A member of the case's committee who may mediate now: in term and
 * linked to an account holding the mediator role over the node. */
static const char *mediator_ok(struct db *db, const struct case_row *c, int64_t member,
			       int64_t *user_out)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT m.user_id, m.left_on FROM mediation_members m"
				       " JOIN mediation_cases mc ON mc.committee_id = m.committee_id"
				       " WHERE mc.case_id = ? AND m.id = ?");
	if (st == NULL)
		return "cannot read the member";
	sqlite3_bind_int64(st, 1, c->id);
	sqlite3_bind_int64(st, 2, member);
	const char *why = "not a member of the case's committee";
	char now[11];
	today_text(now);
	if (sqlite3_step(st) == SQLITE_ROW) {
		int64_t user = sqlite3_column_int64(st, 0);
		if (sqlite3_column_type(st, 1) != SQLITE_NULL &&
		    strcmp(db_col_text(st, 1), now) <= 0)
			why = "the member has left the committee";
		else if (!mediation_user_is_mediator(db, user, c->code))
			why = "the member is not linked to an account holding the mediator role "
			      "over the committee's node";
		else {
			why = NULL;
			if (user_out)
				*user_out = user;
		}
	}
	sqlite3_reset(st);
	return why;
}

/* The member's state on the case: 0 never assigned, 1 active, 2 recused. */
static int mediator_state(struct db *db, int64_t case_id, int64_t member)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT recused_at_ms IS NOT NULL FROM"
				       " mediation_case_mediators WHERE case_id = ? AND member_id = ?");
	if (st == NULL)
		return 0;
	sqlite3_bind_int64(st, 1, case_id);
	sqlite3_bind_int64(st, 2, member);
	int s = 0;
	if (sqlite3_step(st) == SQLITE_ROW)
		s = sqlite3_column_int(st, 0) ? 2 : 1;
	sqlite3_reset(st);
	return s;
}

static bool valid_date(const char *s)
{
	return s != NULL && strlen(s) == 10 && calendar_day_of(s) != INT32_MIN;
}

static const char *check_assign(struct db *db, const struct case_row *c, int64_t member,
				const char **why, int *rc)
{
	int s = mediator_state(db, c->id, member);
	if (s == 2) {
		*why = "the member is recused from this case and cannot mediate it";
		return "member_id";
	}
	if (s == 1) {
		*why = "the member already mediates this case";
		*rc = RC_CONFLICT;
		return "member_id";
	}
	*why = mediator_ok(db, c, member, NULL);
	return *why ? "member_id" : NULL;
}

static bool has_agreement(struct db *db, int64_t id, int64_t *signatures, bool *effective)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT effective_at_ms IS NOT NULL, (SELECT count(*)"
				       " FROM mediation_signatures s WHERE s.case_id = a.case_id)"
				       " FROM mediation_agreements a WHERE case_id = ?");
	if (st == NULL)
		return false;
	sqlite3_bind_int64(st, 1, id);
	bool yes = sqlite3_step(st) == SQLITE_ROW;
	if (yes) {
		if (effective)
			*effective = sqlite3_column_int(st, 0);
		if (signatures)
			*signatures = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	return yes;
}

static bool party_of(struct db *db, int64_t case_id, int64_t party)
{
	sqlite3_stmt *st =
		db_stmt(db, "SELECT 1 FROM mediation_parties WHERE case_id = ? AND id = ?");
	if (st == NULL)
		return false;
	sqlite3_bind_int64(st, 1, case_id);
	sqlite3_bind_int64(st, 2, party);
	bool yes = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_reset(st);
	return yes;
}

static bool signed_already(struct db *db, int64_t case_id, int64_t party, int64_t member)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT 1 FROM mediation_signatures WHERE case_id = ?1"
				       " AND (party_id = ?2 OR member_id = ?3)");
	if (st == NULL)
		return false;
	sqlite3_bind_int64(st, 1, case_id);
	sqlite3_bind_int64(st, 2, party);
	sqlite3_bind_int64(st, 3, member);
	bool yes = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_reset(st);
	return yes;
}

static const char *check_extend(struct db *db, const struct case_row *c, const json_t *in,
				const char **why)
{
	if (!json_is_true(json_object_get(in, "consent"))) {
		*why = "the one-month limit is extended only with the parties' consent";
		return "consent";
	}
	sqlite3_stmt *st = db_stmt(db, "SELECT due_on, extensions FROM mediation_cases"
				       " WHERE case_id = ?");
	if (st == NULL)
		return "case";
	sqlite3_bind_int64(st, 1, c->id);
	int32_t due = INT32_MIN;
	int n = 0;
	if (sqlite3_step(st) == SQLITE_ROW) {
		due = calendar_day_of(db_col_text(st, 0));
		n = sqlite3_column_int(st, 1);
	}
	sqlite3_reset(st);
	int32_t to = calendar_day_of(str_of(in, "due_on"));
	if (n >= MED_MAX_EXTENSIONS) {
		*why = "the limit has been extended twice already";
		return "due_on";
	}
	if (to <= due || to > due + MED_EXTENSION_MAX_DAYS) {
		*why = "the new last day comes after the current one, by at most 30 days";
		return "due_on";
	}
	return NULL;
}

const char *mediation_check_args(struct db *db, const struct case_row *c, const char *action,
				 const json_t *in, const char **why, int *rc)
{
	*rc = RC_VALIDATION_FAILED;
	*why = NULL;
	if (strcmp(action, "assign") == 0)
		return check_assign(db, c, int_of(in, "member_id"), why, rc);
	if (strcmp(action, "recuse") == 0) {
		if (mediator_state(db, c->id, int_of(in, "member_id")) != 1) {
			*why = "the member does not mediate this case";
			return "member_id";
		}
		int64_t other = int_of(in, "replacement_id");
		if (other == int_of(in, "member_id") && other != 0) {
			*why = "a recused mediator cannot replace themself";
			return "replacement_id";
		}
		if (other != 0 && check_assign(db, c, other, why, rc) != NULL)
			return "replacement_id";
		return NULL;
	}
	if (strcmp(action, "session") == 0) {
		const char *on = str_of(in, "held_on");
		if (!valid_date(on) || calendar_day_of(on) > today()) {
			*why = "a day YYYY-MM-DD, not in the future";
			return "held_on";
		}
		size_t i;
		json_t *v;
		json_array_foreach(json_object_get(in, "mediator_ids"), i, v)
		{
			if (!json_is_integer(v) ||
			    mediator_state(db, c->id, json_integer_value(v)) != 1) {
				*why = "each must be a mediator of this case (not recused)";
				return "mediator_ids";
			}
		}
		return NULL;
	}
	if (strcmp(action, "extend") == 0) {
		if (!valid_date(str_of(in, "due_on"))) {
			*why = "a day YYYY-MM-DD";
			return "due_on";
		}
		return check_extend(db, c, in, why);
	}
	if (strcmp(action, "agreement") == 0) {
		int64_t signatures = 0;
		if (has_agreement(db, c->id, &signatures, NULL) && signatures > 0) {
			*why = "the agreement has been signed and cannot change";
			*rc = RC_INVALID_STATE;
			return "agreement";
		}
		if (!valid_date(str_of(in, "perform_by"))) {
			*why = "a day YYYY-MM-DD";
			return "perform_by";
		}
		return NULL;
	}
	if (strcmp(action, "sign") == 0) {
		int64_t party = int_of(in, "party_id"), member = int_of(in, "member_id");
		if ((party == 0) == (member == 0)) {
			*why = "give either party_id or member_id";
			return party ? "member_id" : "party_id";
		}
		if (!has_agreement(db, c->id, NULL, NULL)) {
			*why = "draw up the agreement first";
			*rc = RC_INVALID_STATE;
			return "agreement";
		}
		if (party && !party_of(db, c->id, party)) {
			*why = "not a party of this case";
			return "party_id";
		}
		if (member && mediator_state(db, c->id, member) != 1) {
			*why = "only a mediator of this case (not recused) signs as mediator";
			return "member_id";
		}
		if (signed_already(db, c->id, party, member)) {
			*why = "has signed already";
			*rc = RC_CONFLICT;
			return party ? "party_id" : "member_id";
		}
		return NULL;
	}
	if (strcmp(action, "terminate") == 0) {
		const char *kind = str_of(in, "kind");
		int64_t party = int_of(in, "party_id");
		if (kind && strcmp(kind, "party_refused") == 0 && party == 0) {
			*why = "name the party who refuses mediation";
			return "party_id";
		}
		if (party && !party_of(db, c->id, party)) {
			*why = "not a party of this case";
			return "party_id";
		}
		return NULL;
	}
	if (strcmp(action, "confirmation") == 0) {
		bool effective = false;
		has_agreement(db, c->id, NULL, &effective);
		if (!effective) {
			*why = "the agreement has not taken effect";
			*rc = RC_INVALID_STATE;
			return "agreement";
		}
		bool applied = json_is_true(json_object_get(in, "applied"));
		const char *on = str_of(in, "applied_on");
		if (applied && (!valid_date(on) || calendar_day_of(on) > today())) {
			*why = "the day the parties applied, YYYY-MM-DD, not in the future";
			return "applied_on";
		}
		return NULL;
	}
	if (strcmp(action, "followup") == 0) {
		const char *on = str_of(in, "visited_on");
		if (!valid_date(on) || calendar_day_of(on) > today()) {
			*why = "a day YYYY-MM-DD, not in the future";
			return "visited_on";
		}
		return NULL;
	}
	return NULL;
}

static int add_mediator(struct db *db, struct case_row *c, int64_t member, const char *how,
			int64_t by)
{
	int64_t user = 0;
	mediator_ok(db, c, member, &user);
	sqlite3_stmt *st = db_stmt(db, "INSERT INTO mediation_case_mediators (case_id,"
				       " member_id, how, assigned_at_ms) VALUES (?,?,?,?)");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, c->id);
	sqlite3_bind_int64(st, 2, member);
	db_bind_text(st, 3, how);
	sqlite3_bind_int64(st, 4, clock_now_ms());
	int rc = db_step_done(db, st);
	/* The first mediator carries the case's clock: the engine's warnings
	 * and overdue notices go to them. */
	if (rc == RC_OK && c->assignee_id == 0)
		rc = case_assign(db, c, 0, user, c->dispatcher_id ? c->dispatcher_id : by);
	if (rc == RC_OK)
		rc = case_notify(db, user, c->id, "assigned");
	return rc;
}

/* After a recusal the case's clock goes to another active mediator with
 * an account, or to nobody but the registrar. */
static int reassign(struct db *db, struct case_row *c)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT m.user_id FROM mediation_case_mediators cm"
				       " JOIN mediation_members m ON m.id = cm.member_id"
				       " WHERE cm.case_id = ? AND cm.recused_at_ms IS NULL"
				       " AND m.user_id IS NOT NULL ORDER BY cm.assigned_at_ms"
				       " LIMIT 1");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, c->id);
	int64_t user = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	return case_assign(db, c, 0, user, c->dispatcher_id);
}

static int conclude(struct db *db, int64_t id, const char *outcome, const char *note)
{
	sqlite3_stmt *st = db_stmt(db, "UPDATE mediation_cases SET outcome = ?, outcome_note = ?,"
				       " concluded_at_ms = ? WHERE case_id = ?");
	if (st == NULL)
		return RC_INTERNAL;
	db_bind_text(st, 1, outcome);
	db_bind_text(st, 2, note);
	sqlite3_bind_int64(st, 3, clock_now_ms());
	sqlite3_bind_int64(st, 4, id);
	return db_step_done(db, st);
}

/* The accounts of the case's active mediators get notice `kind`. */
static int notify_mediators(struct db *db, int64_t id, const char *kind)
{
	sqlite3_stmt *st = db_stmt(db, "INSERT INTO inbox (user_id, case_id, kind, at_ms)"
				       " SELECT DISTINCT m.user_id, ?1, ?2, ?3"
				       " FROM mediation_case_mediators cm JOIN mediation_members m"
				       " ON m.id = cm.member_id WHERE cm.case_id = ?1"
				       " AND cm.recused_at_ms IS NULL AND m.user_id IS NOT NULL");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	db_bind_text(st, 2, kind);
	sqlite3_bind_int64(st, 3, clock_now_ms());
	return db_step_done(db, st);
}

/* The agreement takes effect once every party and a mediator have signed:
 * the case moves to agreed, its clock stops and the window for judicial
 * confirmation opens. */
static int maybe_effective(struct db *db, struct case_row *c, const struct case_actor *who)
{
	sqlite3_stmt *st = db_stmt(
		db, "SELECT (SELECT count(*) FROM mediation_parties p WHERE p.case_id = ?1 AND"
		    " NOT EXISTS (SELECT 1 FROM mediation_signatures s WHERE s.party_id = p.id)),"
		    " (SELECT count(*) FROM mediation_signatures s WHERE s.case_id = ?1"
		    " AND s.member_id IS NOT NULL)");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, c->id);
	int unsigned_parties = 1, mediators = 0;
	if (sqlite3_step(st) == SQLITE_ROW) {
		unsigned_parties = sqlite3_column_int(st, 0);
		mediators = sqlite3_column_int(st, 1);
	}
	sqlite3_reset(st);
	if (unsigned_parties > 0 || mediators == 0)
		return RC_OK;
	const struct case_transition *agree = NULL;
	for (size_t i = 0; i < mediation_kind.ntransitions; i++)
		if (strcmp(med_transitions[i].action, "agree") == 0)
			agree = &med_transitions[i];
	int32_t last = mediation_days_limit(events_calendar(), today(), MED_CONFIRM_DAYS);
	char last_text[11];
	calendar_date_of(last, last_text);
	int rc = case_move(db, &mediation_kind, c, agree, 0, who, NULL,
			   json_pack("{s:s}", "confirm_last_day", last_text));
	if (rc == RC_OK)
		rc = case_set_stage(db, c, NULL, NULL, 0, NULL, 0);
	if (rc == RC_OK)
		rc = conclude(db, c->id, "agreed", NULL);
	st = db_stmt(db, "UPDATE mediation_agreements SET effective_at_ms = ?,"
			 " confirm_last_day = ?, confirm_remind_at_ms = ? WHERE case_id = ?");
	if (rc == RC_OK && st == NULL)
		rc = RC_INTERNAL;
	if (rc == RC_OK) {
		sqlite3_bind_int64(st, 1, clock_now_ms());
		db_bind_text(st, 2, last_text);
		sqlite3_bind_int64(st, 3,
				   mediation_day_end_ms(last) -
					   (int64_t)MED_CONFIRM_REMIND_DAYS * 86400000);
		sqlite3_bind_int64(st, 4, c->id);
		rc = db_step_done(db, st);
	}
	return rc;
}

static int apply_agreement(struct db *db, int64_t id, const json_t *in)
{
	sqlite3_stmt *st = db_stmt(
		db, "INSERT INTO mediation_agreements (case_id, facts, disputed_matters,"
		    " responsibilities, terms, performance, perform_by, drawn_up_at_ms,"
		    " updated_at_ms) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?8) ON CONFLICT (case_id)"
		    " DO UPDATE SET facts = ?2, disputed_matters = ?3, responsibilities = ?4,"
		    " terms = ?5, performance = ?6, perform_by = ?7, updated_at_ms = ?8");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	static const char *const fields[] = {"facts", "disputed_matters", "responsibilities",
					     "terms", "performance", "perform_by"};
	for (int i = 0; i < 6; i++)
		db_bind_text(st, 2 + i, str_of(in, fields[i]));
	sqlite3_bind_int64(st, 8, clock_now_ms());
	return db_step_done(db, st);
}

static int apply_session(struct db *db, int64_t id, const json_t *in, int64_t by)
{
	sqlite3_stmt *st = db_stmt(db, "INSERT INTO mediation_sessions (case_id, held_on, place,"
				       " mediator_ids, attendees, record, created_by,"
				       " created_at_ms) VALUES (?,?,?,?,?,?,?,?)");
	if (st == NULL)
		return RC_INTERNAL;
	char *ids = json_dumps(json_object_get(in, "mediator_ids"), JSON_COMPACT);
	sqlite3_bind_int64(st, 1, id);
	db_bind_text(st, 2, str_of(in, "held_on"));
	db_bind_text(st, 3, str_of(in, "place") ? str_of(in, "place") : "");
	db_bind_text(st, 4, ids ? ids : "[]");
	db_bind_text(st, 5, str_of(in, "attendees") ? str_of(in, "attendees") : "");
	db_bind_text(st, 6, str_of(in, "record"));
	if (by)
		sqlite3_bind_int64(st, 7, by);
	sqlite3_bind_int64(st, 8, clock_now_ms());
	int rc = db_step_done(db, st);
	free(ids);
	return rc;
}

static int apply_sign(struct db *db, struct case_row *c, const json_t *in,
		      const struct case_actor *who)
{
	sqlite3_stmt *st = db_stmt(db, "INSERT INTO mediation_signatures (case_id, party_id,"
				       " member_id, signed_at_ms, recorded_by) VALUES (?,?,?,?,?)");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, c->id);
	if (int_of(in, "party_id"))
		sqlite3_bind_int64(st, 2, int_of(in, "party_id"));
	if (int_of(in, "member_id"))
		sqlite3_bind_int64(st, 3, int_of(in, "member_id"));
	sqlite3_bind_int64(st, 4, clock_now_ms());
	if (who->id)
		sqlite3_bind_int64(st, 5, who->id);
	int rc = db_step_done(db, st);
	return rc == RC_OK ? maybe_effective(db, c, who) : rc;
}

static int apply_extend(struct db *db, struct case_row *c, const json_t *in)
{
	sqlite3_stmt *st = db_stmt(db, "UPDATE mediation_cases SET extensions = extensions + 1"
				       " WHERE case_id = ?");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, c->id);
	int rc = db_step_done(db, st);
	return rc == RC_OK ? set_limit(db, c, calendar_day_of(str_of(in, "due_on"))) : rc;
}

static int apply_terminate(struct db *db, struct case_row *c, const json_t *in)
{
	int64_t party = int_of(in, "party_id");
	int rc = RC_OK;
	if (party) {
		/* A party may refuse at any time (人民调解法 第二十三条); the refusal
		 * ends the mediation. */
		sqlite3_stmt *st = db_stmt(db, "UPDATE mediation_parties SET willing = 0,"
					       " refused_at_ms = ?, refusal_note = ? WHERE id = ?");
		if (st == NULL)
			return RC_INTERNAL;
		sqlite3_bind_int64(st, 1, clock_now_ms());
		db_bind_text(st, 2, str_of(in, "reason"));
		sqlite3_bind_int64(st, 3, party);
		rc = db_step_done(db, st);
	}
	if (rc == RC_OK)
		rc = conclude(db, c->id, "failed", str_of(in, "reason"));
	sqlite3_stmt *st = db_stmt(db, "UPDATE mediation_cases SET end_kind = ?, routes = ?"
				       " WHERE case_id = ?");
	if (rc == RC_OK && st == NULL)
		rc = RC_INTERNAL;
	if (rc == RC_OK) {
		char *routes = json_dumps(json_object_get(in, "routes"), JSON_COMPACT);
		db_bind_text(st, 1, str_of(in, "kind"));
		db_bind_text(st, 2, routes);
		sqlite3_bind_int64(st, 3, c->id);
		rc = db_step_done(db, st);
		free(routes);
	}
	return rc == RC_OK ? case_set_stage(db, c, NULL, NULL, 0, NULL, 0) : rc;
}

static int apply_refer(struct db *db, struct case_row *c, const json_t *in)
{
	int rc = conclude(db, c->id, "referred", str_of(in, "reason"));
	sqlite3_stmt *st = db_stmt(db, "UPDATE mediation_cases SET referral_unit = ?"
				       " WHERE case_id = ?");
	if (rc == RC_OK && st == NULL)
		rc = RC_INTERNAL;
	if (rc == RC_OK) {
		db_bind_text(st, 1, str_of(in, "unit"));
		sqlite3_bind_int64(st, 2, c->id);
		rc = db_step_done(db, st);
	}
	if (rc == RC_OK)
		rc = case_set_stage(db, c, NULL, NULL, 0, NULL, 0);
	/* The town's officers answer for public order in the town: each gets
	 * a notice of a dispute that may turn into a crime. */
	st = db_stmt(db, "INSERT INTO inbox (user_id, case_id, kind, at_ms)"
			 " SELECT DISTINCT r.user_id, ?1, 'referred', ?2 FROM user_roles r"
			 " JOIN org o ON o.id = r.org_id JOIN users u ON u.id = r.user_id"
			 " WHERE r.role = 'town_officer' AND o.code = substr(?3, 1, 9)"
			 " AND u.disabled = 0");
	if (rc == RC_OK && st == NULL)
		rc = RC_INTERNAL;
	if (rc == RC_OK) {
		sqlite3_bind_int64(st, 1, c->id);
		sqlite3_bind_int64(st, 2, clock_now_ms());
		db_bind_text(st, 3, c->code);
		rc = db_step_done(db, st);
	}
	return rc;
}

static int apply_confirmation(struct db *db, int64_t id, const json_t *in)
{
	bool applied = json_is_true(json_object_get(in, "applied"));
	sqlite3_stmt *st = db_stmt(db, "UPDATE mediation_agreements SET confirmation = ?,"
				       " confirmation_on = ?, confirmation_court = ?"
				       " WHERE case_id = ?");
	if (st == NULL)
		return RC_INTERNAL;
	db_bind_text(st, 1, applied ? "applied" : "not_applied");
	db_bind_text(st, 2, applied ? str_of(in, "applied_on") : NULL);
	db_bind_text(st, 3, applied ? str_of(in, "court") : NULL);
	sqlite3_bind_int64(st, 4, id);
	return db_step_done(db, st);
}

static int apply_followup(struct db *db, int64_t id, const json_t *in, int64_t by)
{
	sqlite3_stmt *st = db_stmt(db, "INSERT INTO mediation_followups (case_id, visited_on,"
				       " visitor, performance, notes, created_by, created_at_ms)"
				       " VALUES (?,?,?,?,?,?,?)");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	db_bind_text(st, 2, str_of(in, "visited_on"));
	db_bind_text(st, 3, str_of(in, "visitor"));
	db_bind_text(st, 4, str_of(in, "performance"));
	db_bind_text(st, 5, str_of(in, "notes") ? str_of(in, "notes") : "");
	if (by)
		sqlite3_bind_int64(st, 6, by);
	sqlite3_bind_int64(st, 7, clock_now_ms());
	int rc = db_step_done(db, st);
	if (rc != RC_OK || strcmp(str_of(in, "performance"), "performed") != 0)
		return rc;
	st = db_stmt(db, "UPDATE mediation_cases SET performed = 1 WHERE case_id = ?"
			 " AND outcome = 'agreed'");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	return db_step_done(db, st);
}

static int apply_recuse(struct db *db, struct case_row *c, const json_t *in,
			const struct case_actor *who)
{
	sqlite3_stmt *st = db_stmt(db, "UPDATE mediation_case_mediators SET recused_at_ms = ?,"
				       " recusal_by = ?, recusal_reason = ? WHERE case_id = ?"
				       " AND member_id = ?");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, clock_now_ms());
	db_bind_text(st, 2, str_of(in, "by"));
	db_bind_text(st, 3, str_of(in, "reason"));
	sqlite3_bind_int64(st, 4, c->id);
	sqlite3_bind_int64(st, 5, int_of(in, "member_id"));
	int rc = db_step_done(db, st);
	if (rc == RC_OK)
		rc = reassign(db, c);
	if (rc == RC_OK && int_of(in, "replacement_id"))
		rc = add_mediator(db, c, int_of(in, "replacement_id"), "assigned", who->id);
	return rc;
}

static int apply_close(struct db *db, int64_t id)
{
	sqlite3_stmt *st =
		db_stmt(db, "UPDATE mediation_cases SET closed_at_ms = ? WHERE case_id = ?");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, clock_now_ms());
	sqlite3_bind_int64(st, 2, id);
	int rc = db_step_done(db, st);
	return rc == RC_OK ? case_set_closed(db, id, clock_now_ms()) : rc;
}

int mediation_apply(struct db *db, struct case_row *c, const struct case_transition *t,
		    const json_t *in, const struct case_actor *who)
{
	const char *action = t->action;
	/* The timeline keeps the inputs but never a free text twice. */
	json_t *detail = json_deep_copy(in);
	json_object_del(detail, "reason");
	if (strcmp(action, "session") == 0)
		json_object_del(detail, "record");
	if (json_object_size(detail) == 0) {
		json_decref(detail);
		detail = NULL;
	}
	int rc = case_move(db, &mediation_kind, c, t, 0, who, str_of(in, "reason"), detail);
	if (rc != RC_OK)
		return rc;
	if (strcmp(action, "assign") == 0)
		return add_mediator(db, c, int_of(in, "member_id"), str_of(in, "how"), who->id);
	if (strcmp(action, "recuse") == 0)
		return apply_recuse(db, c, in, who);
	if (strcmp(action, "session") == 0)
		return apply_session(db, c->id, in, who->id);
	if (strcmp(action, "extend") == 0)
		return apply_extend(db, c, in);
	if (strcmp(action, "agreement") == 0)
		return apply_agreement(db, c->id, in);
	if (strcmp(action, "sign") == 0)
		return apply_sign(db, c, in, who);
	if (strcmp(action, "terminate") == 0)
		return apply_terminate(db, c, in);
	if (strcmp(action, "refer") == 0)
		return apply_refer(db, c, in);
	if (strcmp(action, "confirmation") == 0)
		return apply_confirmation(db, c->id, in);
	if (strcmp(action, "followup") == 0)
		return apply_followup(db, c->id, in, who->id);
	if (strcmp(action, "close") == 0)
		return apply_close(db, c->id);
	return RC_OK;
}

/* ---- the sweep ---- */

int mediation_sweep(struct db *db, int64_t now_ms, int *count)
{
	/* Agreements whose window for judicial confirmation closes within
	 * MED_CONFIRM_REMIND_DAYS, unless the parties have applied. */
	sqlite3_stmt *sel = db_stmt(db, "SELECT case_id FROM mediation_agreements"
					" WHERE confirm_reminded = 0 AND confirm_remind_at_ms"
					" IS NOT NULL AND confirm_remind_at_ms <= ?"
					" AND confirmation <> 'applied' LIMIT 256");
	if (sel == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(sel, 1, now_ms);
	int64_t ids[256];
	int n = 0;
	while (n < 256 && sqlite3_step(sel) == SQLITE_ROW)
		ids[n++] = sqlite3_column_int64(sel, 0);
	sqlite3_reset(sel);
	int rc = RC_OK;
	for (int i = 0; i < n && rc == RC_OK; i++) {
		rc = notify_mediators(db, ids[i], "confirmation_due");
		sqlite3_stmt *up = db_stmt(db, "UPDATE mediation_agreements SET"
					       " confirm_reminded = 1 WHERE case_id = ?");
		if (rc == RC_OK && up == NULL)
			rc = RC_INTERNAL;
		if (rc == RC_OK) {
			sqlite3_bind_int64(up, 1, ids[i]);
			rc = db_step_done(db, up);
		}
	}
	*count += n;
	return rc;
}

void mediation_init(void)
{
	case_sweep_hook(mediation_sweep);
}

/* ---- statistics ---- */

static json_t *stats_row(sqlite3_stmt *st)
{
	int64_t agreed = sqlite3_column_int64(st, 3), failed = sqlite3_column_int64(st, 4),
		referred = sqlite3_column_int64(st, 5);
	int64_t concluded = agreed + failed + referred;
	json_t *o = json_pack(
		"{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "registered",
		(json_int_t)sqlite3_column_int64(st, 1), "not_accepted",
		(json_int_t)sqlite3_column_int64(st, 2), "agreed", (json_int_t)agreed, "failed",
		(json_int_t)failed, "referred", (json_int_t)referred, "ongoing",
		(json_int_t)sqlite3_column_int64(st, 6), "concluded", (json_int_t)concluded,
		"performed", (json_int_t)sqlite3_column_int64(st, 7), "overdue",
		(json_int_t)sqlite3_column_int64(st, 8));
	/* Rates as percentages with two decimals, null on a zero base. */
	json_object_set_new(o, "success_rate",
			    concluded ? json_real((double)(agreed * 10000 / concluded) / 100.0)
				      : json_null());
	json_object_set_new(o, "performance_rate",
			    agreed ? json_real((double)(sqlite3_column_int64(st, 7) * 10000 /
							agreed) /
					       100.0)
				   : json_null());
	double days = sqlite3_column_double(st, 9);
	json_object_set_new(o, "average_days",
			    concluded ? json_real((double)(int64_t)(days / (double)concluded * 10 +
								    0.5) /
						  10.0)
				      : json_null());
	return o;
}

int mediation_stats(struct db *db, const struct med_stats_query *q, json_t **out_new)
{
	/* One statement for every grouping: ?4 names it. */
	sqlite3_stmt *st = db_stmt(
		db,
		"SELECT CASE ?4 WHEN 'type' THEN m.dispute_type WHEN 'source' THEN m.source"
		" WHEN 'area' THEN substr(c.code, 1, ?5) WHEN 'committee'"
		" THEN CAST(m.committee_id AS TEXT) ELSE 'total' END AS k,"
		" sum(m.outcome IS NOT 'not_accepted'), sum(m.outcome IS 'not_accepted'),"
		" sum(m.outcome IS 'agreed'), sum(m.outcome IS 'failed'),"
		" sum(m.outcome IS 'referred'), sum(m.outcome IS NULL),"
		" sum(m.outcome IS 'agreed' AND m.performed = 1),"
		" sum(m.outcome IS NOT 'not_accepted' AND m.due_at_ms IS NOT NULL"
		" AND ifnull(m.concluded_at_ms, ?6) > m.due_at_ms),"
		" ifnull(sum(CASE WHEN m.outcome IN ('agreed', 'failed', 'referred')"
		" THEN (m.concluded_at_ms - m.registered_at_ms) / 86400000.0 END), 0)"
		" FROM mediation_cases m JOIN cases c ON c.id = m.case_id"
		" WHERE c.kind = 'mediation' AND c.code >= ?1 AND c.code < ?1 || ':'"
		" AND m.registered_at_ms >= ?2 AND m.registered_at_ms < ?3"
		" GROUP BY k ORDER BY k");
	sqlite3_stmt *names[] = {
		db_stmt(db, "SELECT name, name_en FROM mediation_dispute_types WHERE code = ?"),
		db_stmt(db, "SELECT name, name FROM org WHERE code = ?"),
		db_stmt(db, "SELECT name, name FROM mediation_committees WHERE CAST(id AS TEXT) = ?"),
	};
	if (st == NULL || names[0] == NULL || names[1] == NULL || names[2] == NULL)
		return RC_INTERNAL;
	static const char *const groups[] = {"total", "type", "source", "area", "committee"};
	static const char *const keys[] = {"totals", "by_type", "by_source", "by_area",
					   "by_committee"};
	json_t *o = json_object();
	for (int g = 0; g < 5; g++) {
		db_bind_text(st, 1, q->code);
		sqlite3_bind_int64(st, 2, q->from_ms);
		sqlite3_bind_int64(st, 3, q->to_ms);
		db_bind_text(st, 4, groups[g]);
		sqlite3_bind_int(st, 5, q->area_len);
		sqlite3_bind_int64(st, 6, clock_now_ms());
		json_t *rows = json_array();
		while (sqlite3_step(st) == SQLITE_ROW) {
			json_t *row = stats_row(st);
			const char *key = db_col_text(st, 0);
			json_object_set_new(row, "key", json_string(key));
			sqlite3_stmt *n = g == 1 ? names[0] : g == 3 ? names[1] : g == 4 ? names[2] : NULL;
			if (n != NULL) {
				db_bind_text(n, 1, key);
				if (sqlite3_step(n) == SQLITE_ROW) {
					json_object_set_new(row, "name", json_string(db_col_text(n, 0)));
					json_object_set_new(row, "name_en",
							    json_string(db_col_text(n, 1)));
				}
				sqlite3_reset(n);
			}
			json_array_append_new(rows, row);
		}
		sqlite3_reset(st);
		if (g == 0) {
			json_t *t = json_array_size(rows) ? json_incref(json_array_get(rows, 0))
							  : NULL;
			if (t == NULL) {
				/* No case in the period: zeros, rates null. */
				t = json_pack("{s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:n, s:n,"
					      " s:n}",
					      "registered", 0, "not_accepted", 0, "agreed", 0,
					      "failed", 0, "referred", 0, "ongoing", 0, "concluded",
					      0, "performed", 0, "overdue", 0, "success_rate",
					      "performance_rate", "average_days");
			}
			json_object_del(t, "key");
			json_object_set_new(o, keys[0], t);
			json_decref(rows);
		} else {
			json_object_set_new(o, keys[g], rows);
		}
	}
	*out_new = o;
	return RC_OK;
}
