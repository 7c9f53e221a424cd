/*
 * Psychological assistance (心理援助): confidential requests and cases on
 * the case engine (kind "counselling").  This file owns the states and
 * transitions, who may see a case at all (the assigned counsellor, the
 * case's supervisor, supervisors covering the node before assignment or
 * during a crisis, and -- as a status only -- the requester), the sealed
 * storage of everything the person says, crisis alerts and the statistics
 * that show counts only.  api_counselling.c turns requests into these
 * calls; nobody else reads the tables.
 */
#ifndef GR_COUNSELLING_COUNSELLING_H
#define GR_COUNSELLING_COUNSELLING_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "auth/principal.h"
#include "cases/case.h"
#include "core/calendar.h"
#include "db/db.h"

enum cou_state { COU_REQUESTED, COU_ASSIGNED, COU_IN_PROGRESS, COU_CLOSED };

extern const struct case_kind counselling_kind;

/* The one title of every counselling case: notices list it, so it says
 * nothing about the person. */
#define COU_TITLE "心理援助"

/* How the caller stands to a case.  Anything but COU_NONE sees it;
 * COU_REQUESTER sees its status only. */
enum cou_rel { COU_NONE, COU_REQUESTER, COU_SUPERVISOR, COU_COUNSELLOR };

/* A counselling case as the rules need it. */
struct cou_case {
	struct case_row c;
	int64_t resident_id, requester_id, counsellor_id, supervisor_id;
	bool crisis, for_self;
};

/* Load case id (RC_NOT_FOUND when absent or of another kind). */
int cou_load(struct db *db, int64_t id, struct cou_case *out);

/* How p stands to k: the assigned counsellor (holding counsel.handle over
 * the node); the case's supervisor, or any supervisor covering the node
 * while the case waits for assignment, is in crisis, or its supervisor no
 * longer covers it; the requester; or nobody. */
enum cou_rel cou_relation(struct db *db, const struct principal *p, const struct cou_case *k);

/* What a request carries. */
struct cou_request {
	int64_t resident_id; /* 0: for the requester themself */
	const char *category, *concern, *contact_name, *contact_phone, *contact_pref;
	bool crisis;
};

/* Create the request at node `code`: the case, its sealed details, a
 * "request" notice to every supervisor covering the node and, with a
 * crisis, the alerts.  *alerted receives the number of supervisors
 * alerted (or told of the request). */
int cou_create(struct db *db, const struct cou_request *in, const char *code, bool for_self,
	       const struct case_actor *who, int64_t *id, int *alerted);

/* Raise the crisis flag: alerts and "crisis" notices to every supervisor
 * covering the node (the case's supervisor among them), in the caller's
 * transaction.  *alerted receives their number. */
int cou_raise_crisis(struct db *db, struct cou_case *k, int64_t by, int *alerted);
int cou_clear_crisis(struct db *db, struct cou_case *k);

/* Does account uid hold the counsellor role over code, enabled, and is
 * it neither the requester nor the person?  NULL or the reason. */
const char *cou_counsellor_ok(struct db *db, const struct cou_case *k, int64_t uid);

/* Assign (or reassign) the counsellor; the supervisor who does it becomes
 * the case's supervisor.  The contact stage starts (first session within
 * 2 working days, 4 working hours in a crisis); a former counsellor's
 * notices of the case are removed. */
int cou_assign(struct db *db, struct cou_case *k, int64_t counsellor, int64_t supervisor,
	       const struct calendar *cal);

/* A session held: the first one stops the contact clock. */
struct cou_session {
	const char *held_on, *kind, *notes;
	int minutes; /* 0: not given */
};
int cou_add_session(struct db *db, struct cou_case *k, const struct cou_session *s, int64_t by,
		    int64_t *id);

/* Close with an outcome ("resolved", "referred", "withdrawn") and an
 * optional sealed summary; the crisis flag goes down. */
int cou_close(struct db *db, struct cou_case *k, const char *outcome, const char *summary);

/* A timeline note sealed for storage (malloc'd), or NULL for NULL. */
char *cou_seal_note(const char *note);

/* The case as its counsellor and supervisor see it: the person's concern
 * and contact, sessions with notes, alerts, the timeline.  rel says what
 * the caller may do next ("may"). */
int cou_case_json(struct db *db, const struct cou_case *k, enum cou_rel rel, json_t **out_new);
/* The requester's view: status and the counsellor's display name. */
int cou_status_json(struct db *db, const struct cou_case *k, json_t **out_new);

/* Lists.  view "mine" (the caller's cases as counsellor), "waiting" (not
 * yet assigned, under the roots where the caller supervises), "supervised"
 * (the caller is the case's supervisor); state "open" (default), "closed"
 * or "all".  Crisis first, then newest.  Only cases the caller sees. */
int cou_list(struct db *db, const struct principal *p, const char *view, const char *state,
	     int64_t limit, int64_t offset, json_t **items_new, int64_t *total);
/* The caller's own requests (status only). */
int cou_mine(struct db *db, int64_t user_id, json_t **items_new);
/* Counsellors who may take case k, with their open cases. */
int cou_counsellors(struct db *db, const struct cou_case *k, json_t **items_new);

/* A supervisor's crisis alerts: unacknowledged first. */
int cou_alerts(struct db *db, const struct principal *p, bool open_only, json_t **items_new);
/* Acknowledge alert id of supervisor uid (RC_NOT_FOUND when it is not
 * theirs); its notice is marked read.  *case_id receives the case. */
int cou_alert_ack(struct db *db, int64_t id, int64_t uid, int64_t *case_id);

/* Counts under node `code` requested in [from_ms, to_ms): by child node
 * and state, crises, mean days to the first session.  Counts below 3 of
 * a community (or finer) are "<3", with a second cell hidden when one alone
 * would be given away by the total; no names, no ids. */
int cou_stats(struct db *db, const char *code, int64_t from_ms, int64_t to_ms, json_t **out_new);

#endif
