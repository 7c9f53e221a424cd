/*
 * People's mediation (人民调解法) on the case engine: committees and their
 * composition, mediation cases from registration to the archive, their
 * parties (personal numbers sealed), mediators and recusals, session
 * records, the written agreement and its signatures, the one-month time
 * limit, the 30-day window for judicial confirmation, termination,
 * referral to the police, follow-up visits and the statistics of a county
 * justice bureau.  The pure rules (composition, terms, time limits) are
 * here too so that unit tests reach them without a database.
 * api_mediation.c turns requests into these calls.
 */
#ifndef GR_MEDIATION_MEDIATION_H
#define GR_MEDIATION_MEDIATION_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "auth/principal.h"
#include "cases/case.h"
#include "core/calendar.h"
#include "db/db.h"

enum med_state {
	MED_NOT_ACCEPTED, /* a party refused at registration: recorded, never opened */
	MED_REGISTERED,
	MED_MEDIATING,
	MED_AGREED,
	MED_FAILED,
	MED_REFERRED,
	MED_CLOSED,
};

extern const struct case_kind mediation_kind;

/* ---- rules of the law and of this deployment ---- */

#define MED_MIN_MEMBERS 3
#define MED_MAX_MEMBERS 9
#define MED_TERM_YEARS 3
/* The warning of the one-month limit comes this many days before its end. */
#define MED_WARN_DAYS 5
/* Extensions by the parties' consent: at most two, each moving the last
 * day by at most 30 days. */
#define MED_MAX_EXTENSIONS 2
#define MED_EXTENSION_MAX_DAYS 30
/* Judicial confirmation: within 30 days of the agreement taking effect;
 * the mediators are reminded five days before the window closes. */
#define MED_CONFIRM_DAYS 30
#define MED_CONFIRM_REMIND_DAYS 5

/* Whether a committee may take cases: NULL when properly constituted, or
 * the rule it breaks: "term_expired" (no election in the last three
 * years), "too_few_members" (under 3 in term), "too_many_members" (over
 * 9), "no_woman" (no woman among the members in term). */
const char *mediation_composition_rule(int in_term, int women, bool term_running);

/* The first day after a term that began on elected_on (YYYY-MM-DD): the
 * same date MED_TERM_YEARS later, 1 March for a 29 February that year
 * does not have. */
void mediation_term_end(const char *elected_on, char out[11]);

/* Days in month m (1-12) of year y. */
int mediation_month_days(int y, int m);

/* The last day of a period counted as the civil law counts it (民法典
 * 第二百条至第二百零三条): from the day after `day`; a period of months ends
 * on the corresponding date of the last month (its last day when it has
 * no such date); a period of days ends on the n-th day; a last day that
 * is not a working day moves to the next working day. */
int32_t mediation_month_limit(const struct calendar *cal, int32_t day);
int32_t mediation_days_limit(const struct calendar *cal, int32_t day, int days);

/* The instant a civil day (China Standard Time) ends, in unix ms. */
int64_t mediation_day_end_ms(int32_t day);

/* ---- committees ---- */

/* Members in term today, the women among them, and whether the term of
 * the committee runs; RC_NOT_FOUND when there is no such committee. */
int mediation_committee_counts(struct db *db, int64_t id, int *in_term, int *women,
			       bool *term_running);
/* The committee's node code and name. */
int mediation_committee_get(struct db *db, int64_t id, char code[16], char *name, size_t len);
int mediation_committee_json(struct db *db, int64_t id, json_t **out_new);
/* Committees under the scope roots (a JSON array of codes). */
int mediation_committees_json(struct db *db, const char *roots, json_t **out_new);

/* Whether account user holds the mediator role at a node covering code
 * (and is enabled). */
bool mediation_user_is_mediator(struct db *db, int64_t user, const char *code);

/* ---- cases ---- */

struct med_party_in {
	const char *side, *kind, *name, *gender, *id_number, *phone, *address, *representative;
	const char *refusal_note;
	int64_t resident_id;
	bool willing;
};

struct med_case_in {
	int64_t committee_id;
	const char *dispute_type, *source, *source_note, *summary;
	const struct med_party_in *parties;
	size_t nparties;
};

/* Register a case in state `state` (registered, or not_accepted when a
 * party refused, with note saying who).  Registered cases get their
 * one-month limit.  In the caller's transaction. */
int mediation_register(struct db *db, const struct med_case_in *in, const char *code, int state,
		       const char *note, const struct case_actor *who, int64_t *id);

/* The whole case file as JSON: registration, parties (numbers masked),
 * mediators, sessions, agreement and signatures, conclusion, follow-ups,
 * timeline. */
int mediation_case_json(struct db *db, int64_t id, json_t **out_new);

struct med_filter {
	const char *roots;
	const char *state; /* NULL/"open": not concluded; "all"; or one state */
	const char *dispute_type;
	int64_t committee_id;
	bool overdue_only;
	int64_t limit, offset;
};
int mediation_cases_list(struct db *db, const struct med_filter *f, json_t **items_new,
			 int64_t *total);

/* The member of committee behind account user on case id: its id when
 * the account is linked to a member recused from the case, else 0. */
int64_t mediation_recused_user(struct db *db, int64_t case_id, int64_t user);

/* Check the inputs of an action on case c (already past case_check):
 * NULL when fine, else the field at fault with the reason in *why and the
 * code in *rc (validation_failed, invalid_state or conflict). */
const char *mediation_check_args(struct db *db, const struct case_row *c, const char *action,
				 const json_t *in, const char **why, int *rc);
/* Do the action: the move through transition t, then its consequences
 * (rows, clocks, outcome, notices; the agreement taking effect after the
 * last signature).  In the caller's transaction. */
int mediation_apply(struct db *db, struct case_row *c, const struct case_transition *t,
		    const json_t *in, const struct case_actor *who);

/* Run by the deadline sweep: remind the mediators of agreements whose
 * judicial-confirmation window closes soon. */
int mediation_sweep(struct db *db, int64_t now_ms, int *count);

/* Register mediation_sweep with the case engine's sweep. */
void mediation_init(void);

/* ---- statistics ---- */

struct med_stats_query {
	const char *code;
	int64_t from_ms, to_ms;
	int area_len;
};
/* Cases registered (or not accepted) in [from_ms, to_ms) under code,
 * by dispute type, source, area and committee, with the totals. */
int mediation_stats(struct db *db, const struct med_stats_query *q, json_t **out_new);

#endif
