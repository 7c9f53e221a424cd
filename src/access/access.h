/*
 * Work access (工作准入) on the case engine: a department or a town files a
 * request to give communities a task, form, meeting, inspection, plaque,
 * app or certificate; the automatic check against the communities' lists
 * in force passes it, refuses it citing the rule, or sends it to the
 * county's reviewing unit, whose members approve it (with conditions) or
 * reject it (with the reason).  Passed and approved requests become tasks
 * in each community's ledger (ledger.c), and approved matters pass later
 * identical requests.  The burden ledger counts all of it per community
 * and period.  api_access.c turns requests into these calls.
 */
#ifndef GR_ACCESS_ACCESS_H
#define GR_ACCESS_ACCESS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "auth/principal.h"
#include "cases/case.h"
#include "db/db.h"

enum access_state {
	ACC_SUBMITTED, /* only until the automatic check, in the same transaction */
	ACC_PASSED,
	ACC_REFUSED,
	ACC_IN_REVIEW,
	ACC_APPROVED,
	ACC_REJECTED,
	ACC_WITHDRAWN,
};

extern const struct case_kind access_kind;

/* The time the reviewing unit has, in working days; the warning comes at
 * 80 % of it through the engine's deadline sweep. */
#define ACCESS_REVIEW_DAYS 5
/* At most this many communities in one request (a county has a few
 * hundred). */
#define ACCESS_MAX_COMMUNITIES 2000

/* What may be pushed down: the seven kinds the burden ledger counts. */
extern const char *const access_kinds[]; /* NULL-terminated */
#define ACCESS_NKINDS 7

/* ---- the automatic check ---- */

struct access_in {
	const char *requester_code; /* the node the requester files from */
	const char *body;           /* the requesting department or town */
	int64_t body_unit_id;       /* its handling unit, 0 when none */
	const char *kind, *title, *description, *legal_basis, *funding;
	bool funded;
	const char *starts_on, *ends_on, *deadline_on;
	int workload_hours;
	int64_t list_item_id; /* the list item claimed, 0 when none */
	const char *scope_json;
	const char *const *communities; /* resolved, each once */
	size_t ncommunities;
};

/* Decide a request on day (YYYY-MM-DD) against the lists in force for
 * each community, in this order:
 *  1. a negative-list item whose keywords occur in the title or the
 *     description, for any community: refused, citing the item;
 *  2. a certificate whose name (the title) is on the banned list:
 *     refused, citing the entry;
 *  3. the claimed item is an assisted (协助) or by-law (依法履职) item of
 *     the list in force for every community: passed;
 *  4. a matter approved on review for every community, of the same kind
 *     and title: passed;
 *  5. otherwise: review.
 * *state receives ACC_PASSED, ACC_REFUSED or ACC_IN_REVIEW and *rule_new
 * the reason as JSON {"rule": "negative_list" | "banned_certificate" |
 * "list_item" | "approved_matter" | "not_on_lists", ...}. */
int access_check(struct db *db, const struct access_in *in, const char *day, int *state,
		 json_t **rule_new);

/* The common ancestor of codes (community codes of one county): the
 * longest shared prefix cut to a node's length (12, 9 or 6). */
void access_common_ancestor(const char *const *codes, size_t n, char out[16]);

/* File a request: the case (at the communities' common ancestor), its
 * rows, the check's move with the rule on the timeline, then the tasks of
 * a passed request or the review stage assigned to the county's reviewing
 * unit.  In the caller's transaction; *state receives the outcome. */
int access_file(struct db *db, const struct access_in *in, const struct case_actor *who,
		int64_t *id, int *state);

/* Decide a request in review (transition t: "approve", "reject") or
 * withdraw it: the move with text as the note, the conditions or reason
 * kept, and for an approval the approved matters and the tasks.  The
 * requester is told.  In the caller's transaction. */
int access_decide(struct db *db, struct case_row *c, const struct case_transition *t,
		  const char *text, const struct case_actor *who);

/* The request with its communities (and their tasks), the rule, the
 * reviewing unit and the timeline. */
int access_request_json(struct db *db, int64_t id, json_t **out_new);

struct access_filter {
	const char *roots;
	const char *state; /* NULL: every state; "open": in review; or one state */
	int64_t review_user; /* non-zero: only in review at a unit this user belongs to */
	int64_t requester;   /* non-zero: only filed by this user */
	int64_t limit, offset;
};
int access_requests_list(struct db *db, const struct access_filter *f, json_t **items_new,
			 int64_t *total);

/* ---- the reviewing unit ---- */

/* The unit reviewing for county (6 digits), 0 when none is designated. */
int64_t access_reviewer_unit(struct db *db, const char *county);
/* Designate unit for county and give it the requests of the county
 * waiting in review without one.  In the caller's transaction. */
int access_set_reviewer(struct db *db, const char *county, int64_t unit_id, int64_t by);
/* The designations under the roots: [{county, county_name, unit_id, unit_name}] */
int access_reviewers_json(struct db *db, const char *roots, json_t **out_new);

/* ---- the task ledger (ledger.c) ---- */

/* Open tasks for each community of request case_id, from access
 * ('passed' or 'approved'), with the request's deadline; the community
 * workers of each community are told. */
int ledger_add_from_request(struct db *db, int64_t case_id, const char *access);

struct task_in {
	const char *code, *kind, *title, *requester, *received_on, *deadline_on, *note;
};
/* Record work that reached a community outside the system. */
int ledger_record(struct db *db, const struct task_in *in, int64_t by, int64_t *id);

struct task_row {
	int64_t id;
	char code[16];
	char status[12];
	char access[12];
};
int ledger_get(struct db *db, int64_t id, struct task_row *out);
int ledger_task_json(struct db *db, int64_t id, json_t **out_new);

/* Mark an open task done. */
int ledger_done(struct db *db, int64_t id, const char *note, int64_t by);
/* Refuse an open task that did not pass access, citing rule
 * ("not_through_access" or "negative_list" with the item). */
int ledger_refuse(struct db *db, int64_t id, const char *rule, int64_t item_id, const char *note,
		  int64_t by);

struct task_filter {
	const char *roots;
	const char *status, *source, *kind;
	int64_t limit, offset;
};
int ledger_list(struct db *db, const struct task_filter *f, json_t **items_new, int64_t *total);

/* ---- the burden ledger (ledger.c) ---- */

struct burden_query {
	const char *code; /* the node */
	int area_len;     /* rows per child node of this code length */
	int64_t from_ms, to_ms;
	int64_t base_from_ms, base_to_ms;
};
/* Per child node and in total: imposed, accepted and refused by kind,
 * the refusals by where they happened, requests still in review,
 * certificates issued and refused, the same totals in the baseline period
 * and the change; and the requesting bodies ranked by the work they
 * pushed down. */
int burden_report(struct db *db, const struct burden_query *q, json_t **out_new);

#endif
