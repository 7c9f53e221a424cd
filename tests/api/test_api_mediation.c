/*
 * People's mediation over HTTP: committee composition (3–9 members in
 * term, a woman, the three-year term), mediators linked to accounts,
 * registration with every party's consent, assignment and recusal,
 * sessions, the agreement and its signatures, the one-month limit with its
 * warning, overdue notice and extensions, the 30-day window for judicial
 * confirmation and its reminder, termination with the other routes,
 * referral to the police, follow-ups, closing, scope and the statistics.
 * The clock is set to days of 2026 with srv_clock.
 */
#include "api/harness.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static struct server S;
static char *town, *comm, *county, *dept, *med_a, *med_b, *med_c, *far_town, *far_med, *auditor;
static int64_t village_id, committee, member_a, member_b, member_c, member_plain;
static int64_t user_a, user_b, user_c, user_far;

/* Requests with a formatted path, and replies checked and freed. */
#define req(...) call_at(&S, __VA_ARGS__)
#define expect(r, status, code) expect_reply(r, status, code)

/* Take action on case id and expect status (and error code). */
static void act(const char *token, int64_t id, const char *action, const char *body, long status,
		const char *code)
{
	expect(req("POST", token, body, "/api/v1/mediation/cases/%lld/%s", (long long)id, action),
	       status, code);
}

static json_t *get_case(const char *token, int64_t id)
{
	struct resp *r = req("GET", token, NULL, "/api/v1/mediation/cases/%lld", (long long)id);
	assert_status(r, 200);
	json_t *j = json_incref(r->json);
	resp_free(r);
	return j;
}

static const char *state_of(int64_t id)
{
	static char state[32];
	json_t *j = get_case(comm, id);
	snprintf(state, sizeof(state), "%s", jstr(j, "state"));
	json_decref(j);
	return state;
}

static int notices(const char *token, int64_t id, const char *kind)
{
	struct resp *r = req("GET", token, NULL, "/api/v1/inbox?limit=200");
	assert_status(r, 200);
	int n = 0;
	size_t i;
	json_t *v;
	json_array_foreach(jget(r->json, "items"), i, v)
	{
		if (jint(v, "case_id") == id && strcmp(jstr(v, "kind"), kind) == 0)
			n++;
	}
	resp_free(r);
	return n;
}

static void relogin(void)
{
	struct {
		char **tok;
		const char *user;
	} all[] = {{&town, "md_town"},      {&comm, "md_comm"},   {&county, "md_county"},
		   {&dept, "md_dept"},      {&med_a, "md_a"},     {&med_b, "md_b"},
		   {&med_c, "md_c"},        {&far_town, "md_far"}, {&far_med, "md_farmed"},
		   {&auditor, "auditor"}};
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		free(*all[i].tok);
		*all[i].tok = login(&S, all[i].user, TEST_PASSWORD);
	}
}

/* Set the server clock to a China Standard Time moment. */
static void clock_at(const char *date, int hour)
{
	struct tm tm = {0};
	sscanf(date, "%d-%d-%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday);
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	tm.tm_hour = hour;
	time_t utc = timegm(&tm) - 8 * 3600;
	srv_clock(&S, (long)(utc - time(NULL)));
	relogin();
}

/* Wait for the sweep (every second) to have run at the current time. */
static void sweep(void)
{
	usleep(2500000);
}

static int64_t add_member(const char *name, const char *gender, const char *duty, int64_t user,
			  long status)
{
	char body[256];
	if (user)
		snprintf(body, sizeof(body),
			 "{\"name\":\"%s\",\"gender\":\"%s\",\"duty\":\"%s\",\"user_id\":%lld}",
			 name, gender, duty, (long long)user);
	else
		snprintf(body, sizeof(body), "{\"name\":\"%s\",\"gender\":\"%s\",\"duty\":\"%s\"}",
			 name, gender, duty);
	struct resp *r = req("POST", town, body, "/api/v1/mediation/committees/%lld/members",
			     (long long)committee);
	assert_status(r, status);
	int64_t id = 0;
	if (status == 201) {
		/* The member just added: the highest id. */
		size_t i;
		json_t *m;
		json_array_foreach(jget(r->json, "members"), i, m) if (jint(m, "id") > id) id =
			jint(m, "id");
	} else {
		assert_string_equal(err_code(r), "committee_composition");
	}
	resp_free(r);
	return id;
}

#define PARTIES_OK                                                                             \
	"[{\"side\":\"applicant\",\"name\":\"张建国\",\"gender\":\"male\","                    \
	"\"id_number\":\"330681196504121231\",\"phone\":\"13857512345\",\"address\":\"枫源村5组\"," \
	"\"willing\":true},{\"side\":\"respondent\",\"name\":\"李秀兰\",\"gender\":\"female\","   \
	"\"phone\":\"13957500001\",\"willing\":true}]"

/* Register a neighbour dispute; returns its id. */
static int64_t register_case(const char *token, const char *parties, long status,
			     const char *code)
{
	char body[2048];
	snprintf(body, sizeof(body),
		 "{\"committee_id\":%lld,\"dispute_type\":\"neighbour\",\"source\":\"application\","
		 "\"summary\":\"宅前排水沟堵塞引发争执\",\"parties\":%s}",
		 (long long)committee, parties);
	struct resp *r = req("POST", token, body, "/api/v1/mediation/cases");
	assert_status(r, status);
	int64_t id = status == 201 ? jint(r->json, "id") : 0;
	if (code != NULL)
		assert_string_equal(err_code(r), code);
	resp_free(r);
	return id;
}

static int setup(void **state)
{
	(void)state;
	srv_init(&S, true);
	static const char *const extra[] = {"--sweep-seconds", "1", NULL};
	srv_start(&S, extra);
	mkuser(&S, "md_town", "town_officer", "330681109");
	mkuser(&S, "md_comm", "community_worker", "330681109290");
	mkuser(&S, "md_county", "county_officer", ZHUJI);
	mkuser(&S, "md_dept", "department_officer", ZHUJI);
	user_a = mkuser(&S, "md_a", "mediator", "330681109290");
	user_b = mkuser(&S, "md_b", "mediator", "330681109290");
	user_c = mkuser(&S, "md_c", "mediator", "330681109");
	mkuser(&S, "md_far", "town_officer", "330681001");
	user_far = mkuser(&S, "md_farmed", "mediator", "330681001001");
	clock_at("2026-03-02", 10);
	village_id = org_id(&S, comm, "330681109290");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char **all[] = {&town, &comm, &county, &dept, &med_a, &med_b, &med_c, &far_town, &far_med, &auditor};
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		free(*all[i]);
	srv_cleanup(&S);
	return 0;
}

static void test_committee_composition(void **state)
{
	(void)state;
	char body[256];
	snprintf(body, sizeof(body),
		 "{\"org_id\":%lld,\"name\":\"枫源村人民调解委员会\",\"elected_on\":\"2025-06-01\"}",
		 (long long)village_id);
	/* The county bureau and the town manage committees; the community
	 * worker does not; another town does not see the village. */
	expect(req("POST", comm, body, "/api/v1/mediation/committees"), 403, "forbidden");
	expect(req("POST", far_town, body, "/api/v1/mediation/committees"), 404, "not_found");
	struct resp *r = req("POST", town, body, "/api/v1/mediation/committees");
	assert_status(r, 201);
	committee = jint(r->json, "id");
	assert_string_equal(jstr(r->json, "composition.term_ends_on"), "2028-06-01");
	assert_false(json_is_true(jget(r->json, "composition.constituted")));
	assert_string_equal(jstr(r->json, "composition.rule"), "too_few_members");
	resp_free(r);
	/* No case without a properly constituted committee. */
	register_case(comm, PARTIES_OK, 409, "committee_composition");
	/* Three men: still no woman. */
	member_a = add_member("王志明", "male", "chair", user_a, 201);
	member_b = add_member("陈国强", "male", "member", user_b, 201);
	member_plain = add_member("赵大海", "male", "member", 0, 201);
	r = req("GET", comm, NULL, "/api/v1/mediation/committees/%lld", (long long)committee);
	assert_status(r, 200);
	assert_string_equal(jstr(r->json, "composition.rule"), "no_woman");
	resp_free(r);
	char parties[] = PARTIES_OK;
	char cbody[2048];
	snprintf(cbody, sizeof(cbody),
		 "{\"committee_id\":%lld,\"dispute_type\":\"neighbour\",\"source\":\"application\","
		 "\"summary\":\"x\",\"parties\":%s}",
		 (long long)committee, parties);
	r = req("POST", comm, cbody, "/api/v1/mediation/cases");
	assert_status(r, 409);
	assert_string_equal(err_code(r), "committee_composition");
	assert_non_null(strstr(jstr(r->json, "error.message"), "no_woman"));
	resp_free(r);
	/* A mediator of another town cannot be linked here; nor an account
	 * without the mediator role. */
	snprintf(body, sizeof(body),
		 "{\"name\":\"外村人\",\"gender\":\"female\",\"duty\":\"member\",\"user_id\":%lld}",
		 (long long)user_far);
	r = req("POST", town, body, "/api/v1/mediation/committees/%lld/members",
		(long long)committee);
	assert_status(r, 422);
	assert_string_equal(err_field(r), "user_id");
	resp_free(r);
	/* The woman: a mediator held at the town covers the village. */
	member_c = add_member("何秀英", "female", "vice_chair", user_c, 201);
	r = req("GET", med_a, NULL, "/api/v1/mediation/committees/%lld", (long long)committee);
	assert_status(r, 200);
	assert_true(json_is_true(jget(r->json, "composition.constituted")));
	assert_int_equal(jint(r->json, "composition.members_in_term"), 4);
	assert_int_equal(jint(r->json, "composition.women"), 1);
	resp_free(r);
	/* At most nine in term: five more fit, the tenth does not. */
	int64_t extra[5];
	for (int i = 0; i < 5; i++)
		extra[i] = add_member("委员", i % 2 ? "female" : "male", "member", 0, 201);
	add_member("第十人", "male", "member", 0, 409);
	/* A member who left no longer counts; the place is free again. */
	expect(req("PATCH", town, "{\"left_on\":\"2026-03-01\"}",
		   "/api/v1/mediation/committees/%lld/members/%lld", (long long)committee,
		   (long long)extra[4]),
	       200, NULL);
	for (int i = 0; i < 4; i++)
		expect(req("PATCH", dept, "{\"left_on\":\"2026-03-01\"}",
			   "/api/v1/mediation/committees/%lld/members/%lld", (long long)committee,
			   (long long)extra[i]),
		       200, NULL);
	/* An election more than three years ago: the term has ended. */
	expect(req("PATCH", town, "{\"elected_on\":\"2023-03-01\"}",
		   "/api/v1/mediation/committees/%lld", (long long)committee),
	       200, NULL);
	r = req("POST", comm, cbody, "/api/v1/mediation/cases");
	assert_status(r, 409);
	assert_non_null(strstr(jstr(r->json, "error.message"), "term_expired"));
	resp_free(r);
	expect(req("PATCH", town, "{\"elected_on\":\"2025-06-01\"}",
		   "/api/v1/mediation/committees/%lld", (long long)committee),
	       200, NULL);
	/* Candidates for linking: the mediators over the village, not the
	 * one of the other town. */
	r = req("GET", town, NULL, "/api/v1/mediation/committees/%lld/candidates",
		(long long)committee);
	assert_status(r, 200);
	assert_int_equal(json_array_size(jget(r->json, "items")), 3);
	resp_free(r);
	expect(req("GET", far_town, NULL, "/api/v1/mediation/committees/%lld",
		   (long long)committee),
	       404, "not_found");
}

static void test_registration_and_consent(void **state)
{
	(void)state;
	/* Every party consents: registered, with the one-month limit ending
	 * on the same date of the next month. */
	int64_t id = register_case(comm, PARTIES_OK, 201, NULL);
	json_t *c = get_case(comm, id);
	assert_string_equal(jstr(c, "state"), "registered");
	assert_string_equal(jstr(c, "due_on"), "2026-04-02");
	assert_string_equal(jstr(c, "deadline"), "green");
	assert_int_equal(jint(c, "year"), 2026);
	assert_int_equal(jint(c, "seq"), 1);
	/* Personal numbers are shown masked only. */
	assert_string_equal(jstr(c, "parties.0.phone"), "138****2345");
	assert_string_equal(jstr(c, "parties.0.id_number"), "330681********1231");
	char *text = json_dumps(c, 0);
	assert_null(strstr(text, "13857512345"));
	free(text);
	json_decref(c);
	/* A party who refuses: the request is recorded, not accepted. */
	const char *refusing =
		"[{\"side\":\"applicant\",\"name\":\"周文\",\"willing\":true},"
		"{\"side\":\"respondent\",\"name\":\"吴敏\",\"willing\":false,"
		"\"refusal_note\":\"要求直接起诉\"}]";
	int64_t no = register_case(comm, refusing, 201, NULL);
	c = get_case(comm, no);
	assert_string_equal(jstr(c, "state"), "not_accepted");
	assert_string_equal(jstr(c, "outcome"), "not_accepted");
	assert_non_null(strstr(jstr(c, "outcome_note"), "吴敏"));
	assert_true(json_is_null(jget(c, "due_on")));
	json_decref(c);
	act(comm, no, "session", "{\"held_on\":\"2026-03-02\",\"mediator_ids\":[1],\"record\":\"x\"}",
	    409, "invalid_state");
	/* Bad input is refused naming the field, and nothing is written. */
	register_case(comm, "[{\"side\":\"applicant\",\"name\":\"甲\",\"willing\":true},"
			    "{\"side\":\"applicant\",\"name\":\"乙\",\"willing\":true}]",
		      422, "validation_failed");
	struct resp *r;
	char body[1024];
	snprintf(body, sizeof(body),
		 "{\"committee_id\":%lld,\"dispute_type\":\"neighbour\",\"source\":\"application\","
		 "\"summary\":\"x\",\"parties\":[{\"side\":\"applicant\",\"name\":\"甲\","
		 "\"id_number\":\"330681196504121232\",\"willing\":true},{\"side\":\"respondent\","
		 "\"name\":\"乙\",\"willing\":true}]}",
		 (long long)committee);
	r = req("POST", comm, body, "/api/v1/mediation/cases");
	assert_status(r, 422);
	assert_string_equal(err_field(r), "parties[0].id_number");
	resp_free(r);
	snprintf(body, sizeof(body),
		 "{\"committee_id\":%lld,\"dispute_type\":\"neighbour\",\"source\":\"police\","
		 "\"summary\":\"x\",\"parties\":" PARTIES_OK "}",
		 (long long)committee);
	r = req("POST", comm, body, "/api/v1/mediation/cases");
	assert_status(r, 422);
	assert_string_equal(err_field(r), "source_note");
	resp_free(r);
	snprintf(body, sizeof(body),
		 "{\"committee_id\":%lld,\"dispute_type\":\"fishing\",\"source\":\"application\","
		 "\"summary\":\"x\",\"parties\":" PARTIES_OK "}",
		 (long long)committee);
	r = req("POST", comm, body, "/api/v1/mediation/cases");
	assert_status(r, 422);
	assert_string_equal(err_field(r), "dispute_type");
	resp_free(r);
	/* A mediator of another town cannot register with this committee. */
	r = req("POST", far_med, body, "/api/v1/mediation/cases");
	assert_status(r, 422);
	assert_string_equal(err_field(r), "committee_id");
	resp_free(r);
	/* Readers see cases; only handlers register. */
	r = req("GET", county, NULL, "/api/v1/mediation/cases?state=all");
	assert_status(r, 200);
	assert_int_equal(jint(r->json, "total"), 2);
	resp_free(r);
	register_case(county, PARTIES_OK, 403, "forbidden");
	expect(req("GET", far_town, NULL, "/api/v1/mediation/cases/%lld", (long long)id), 404,
	       "not_found");
	/* Each read of a case file is audited. */
	usleep(300000);
	r = req("GET", auditor, NULL, "/api/v1/audit?action=mediation_case.read&object_id=%lld",
		(long long)id);
	assert_status(r, 200);
	assert_true(jint(r->json, "total") >= 1);
	resp_free(r);
}

static void test_mediators_and_recusal(void **state)
{
	(void)state;
	int64_t id = register_case(comm, PARTIES_OK, 201, NULL);
	char body[256];
	/* A member without a mediator account cannot be assigned. */
	snprintf(body, sizeof(body), "{\"member_id\":%lld,\"how\":\"assigned\"}",
		 (long long)member_plain);
	act(comm, id, "assign", body, 422, "validation_failed");
	snprintf(body, sizeof(body), "{\"member_id\":%lld,\"how\":\"chosen\"}", (long long)member_a);
	act(comm, id, "assign", body, 200, NULL);
	assert_int_equal(notices(med_a, id, "assigned"), 1);
	act(comm, id, "assign", body, 409, "conflict");
	/* Recusal needs a reason; the replacement is assigned at once. */
	snprintf(body, sizeof(body), "{\"member_id\":%lld,\"by\":\"party\"}", (long long)member_a);
	act(comm, id, "recuse", body, 422, "validation_failed");
	snprintf(body, sizeof(body),
		 "{\"member_id\":%lld,\"by\":\"party\",\"reason\":\"调解员系申请人亲属\","
		 "\"replacement_id\":%lld}",
		 (long long)member_a, (long long)member_b);
	act(comm, id, "recuse", body, 200, NULL);
	json_t *c = get_case(comm, id);
	assert_false(json_is_true(jget(c, "mediators.0.active")));
	assert_string_equal(jstr(c, "mediators.0.recusal_by"), "party");
	assert_string_equal(jstr(c, "mediators.1.how"), "assigned");
	assert_true(json_is_true(jget(c, "mediators.1.active")));
	json_decref(c);
	/* The recused member cannot come back, record a session or act. */
	snprintf(body, sizeof(body), "{\"member_id\":%lld,\"how\":\"assigned\"}", (long long)member_a);
	act(comm, id, "assign", body, 422, "validation_failed");
	snprintf(body, sizeof(body),
		 "{\"held_on\":\"2026-03-02\",\"mediator_ids\":[%lld],\"record\":\"笔录\"}",
		 (long long)member_a);
	act(comm, id, "session", body, 422, "validation_failed");
	snprintf(body, sizeof(body),
		 "{\"held_on\":\"2026-03-02\",\"mediator_ids\":[%lld],\"record\":\"笔录\"}",
		 (long long)member_b);
	act(med_a, id, "session", body, 403, "forbidden");
	/* A session in the future is refused; today's starts the mediation. */
	act(med_b, id, "session",
	    "{\"held_on\":\"2026-03-09\",\"mediator_ids\":[1],\"record\":\"x\"}", 422,
	    "validation_failed");
	act(med_b, id, "session", body, 200, NULL);
	assert_string_equal(state_of(id), "mediating");
	/* Outside the scope the case does not exist; readers cannot act. */
	act(far_med, id, "session", body, 404, "not_found");
	act(county, id, "session", body, 403, "forbidden");
}

static int64_t party_id(json_t *c, int i)
{
	char path[32];
	snprintf(path, sizeof(path), "parties.%d.id", i);
	return jint(c, path);
}

static const char *agreement_body =
	"{\"facts\":\"双方房屋相邻，排水沟堵塞致积水\",\"disputed_matters\":\"疏通费用由谁承担\","
	"\"responsibilities\":\"双方各负一半责任\",\"terms\":\"共同出资疏通，各付300元\","
	"\"performance\":\"现金当面交付\",\"perform_by\":\"2026-03-20\"}";

/* A case mediated by member b up to the agreement; returns its id. */
static int64_t mediated_case(void)
{
	int64_t id = register_case(comm, PARTIES_OK, 201, NULL);
	char body[256];
	snprintf(body, sizeof(body), "{\"member_id\":%lld,\"how\":\"assigned\"}", (long long)member_b);
	act(comm, id, "assign", body, 200, NULL);
	snprintf(body, sizeof(body),
		 "{\"held_on\":\"2026-03-02\",\"place\":\"村调解室\",\"mediator_ids\":[%lld],"
		 "\"attendees\":\"张建国、李秀兰\",\"record\":\"双方陈述，同意协商\"}",
		 (long long)member_b);
	act(med_b, id, "session", body, 200, NULL);
	return id;
}

static void sign(const char *token, int64_t id, const char *who, int64_t ref, long status,
		 const char *code)
{
	char body[64];
	snprintf(body, sizeof(body), "{\"%s\":%lld}", who, (long long)ref);
	act(token, id, "sign", body, status, code);
}

static void test_agreement_and_confirmation_window(void **state)
{
	(void)state;
	int64_t id = mediated_case();
	json_t *c = get_case(comm, id);
	int64_t p0 = party_id(c, 0), p1 = party_id(c, 1);
	json_decref(c);
	/* No signature before there is an agreement. */
	sign(med_b, id, "party_id", p0, 409, "invalid_state");
	act(med_b, id, "agreement", "{\"facts\":\"x\"}", 422, "validation_failed");
	act(med_b, id, "agreement", agreement_body, 200, NULL);
	act(med_b, id, "agreement", agreement_body, 200, NULL); /* still a draft */
	sign(med_b, id, "party_id", p0, 200, NULL);
	sign(med_b, id, "party_id", p0, 409, "conflict");
	/* Once signed, the agreement does not change. */
	act(med_b, id, "agreement", agreement_body, 409, "invalid_state");
	/* A member not mediating the case does not sign as mediator. */
	sign(med_b, id, "member_id", member_c, 422, "validation_failed");
	sign(med_b, id, "member_id", member_b, 200, NULL);
	assert_string_equal(state_of(id), "mediating"); /* a party has not signed */
	act(med_b, id, "confirmation", "{\"applied\":false}", 409, "invalid_state");
	sign(med_b, id, "party_id", p1, 200, NULL);
	c = get_case(comm, id);
	assert_string_equal(jstr(c, "state"), "agreed");
	assert_string_equal(jstr(c, "outcome"), "agreed");
	assert_true(json_is_null(jget(c, "deadline"))); /* the clock stopped */
	assert_string_equal(jstr(c, "agreement.confirm_last_day"), "2026-04-01");
	assert_true(json_is_true(jget(c, "agreement.locked")));
	assert_non_null(jstr(c, "parties.1.signed_at"));
	json_decref(c);
	/* The reminder comes five days before the window closes, once. */
	clock_at("2026-03-20", 10);
	sweep();
	assert_int_equal(notices(med_b, id, "confirmation_due"), 0);
	clock_at("2026-03-28", 9);
	sweep();
	assert_int_equal(notices(med_b, id, "confirmation_due"), 1);
	sweep();
	assert_int_equal(notices(med_b, id, "confirmation_due"), 1);
	/* Whether the parties applied is recorded. */
	act(med_b, id, "confirmation", "{\"applied\":true}", 422, "validation_failed");
	act(med_b, id, "confirmation",
	    "{\"applied\":true,\"applied_on\":\"2026-03-25\",\"court\":\"诸暨市人民法院\"}", 200,
	    NULL);
	/* Follow-up visits, then the archive. */
	act(comm, id, "followup",
	    "{\"visited_on\":\"2026-03-27\",\"visitor\":\"陈国强\",\"performance\":\"performed\","
	    "\"notes\":\"已付清\"}",
	    200, NULL);
	act(comm, id, "close", "{}", 200, NULL);
	c = get_case(comm, id);
	assert_string_equal(jstr(c, "state"), "closed");
	assert_true(json_is_true(jget(c, "performed")));
	assert_string_equal(jstr(c, "agreement.confirmation"), "applied");
	assert_int_equal(json_array_size(jget(c, "followups")), 1);
	assert_true(json_array_size(jget(c, "timeline")) >= 9);
	json_decref(c);
	act(comm, id, "followup",
	    "{\"visited_on\":\"2026-03-27\",\"visitor\":\"x\",\"performance\":\"performed\"}", 409,
	    "invalid_state");
	clock_at("2026-03-02", 10);
}

static void test_time_limit_and_extension(void **state)
{
	(void)state;
	int64_t id = mediated_case();
	/* An extension needs the parties' consent, a later day within 30
	 * days, and a reason. */
	act(med_b, id, "extend", "{\"due_on\":\"2026-04-20\",\"consent\":false,\"reason\":\"双方同意延期\"}",
	    422, "validation_failed");
	act(med_b, id, "extend", "{\"due_on\":\"2026-05-20\",\"consent\":true,\"reason\":\"双方同意延期\"}",
	    422, "validation_failed");
	act(med_b, id, "extend", "{\"due_on\":\"2026-04-01\",\"consent\":true,\"reason\":\"双方同意延期\"}",
	    422, "validation_failed");
	/* Before the warning: green; five days before the end: yellow and a
	 * warning in the mediator's inbox; after it: red and overdue. */
	clock_at("2026-03-28", 10);
	sweep();
	assert_int_equal(notices(med_b, id, "warning"), 0);
	clock_at("2026-03-29", 10);
	sweep();
	assert_int_equal(notices(med_b, id, "warning"), 1);
	json_t *c = get_case(comm, id);
	assert_string_equal(jstr(c, "deadline"), "yellow");
	json_decref(c);
	clock_at("2026-04-03", 10);
	sweep();
	assert_int_equal(notices(med_b, id, "overdue"), 1);
	assert_int_equal(notices(comm, id, "overdue"), 1); /* the registrar */
	c = get_case(comm, id);
	assert_string_equal(jstr(c, "deadline"), "red");
	json_decref(c);
	struct resp *r = req("GET", comm, NULL, "/api/v1/mediation/cases?overdue=true");
	assert_status(r, 200);
	assert_true(jint(r->json, "total") >= 1);
	resp_free(r);
	/* Extended twice at most. */
	act(med_b, id, "extend", "{\"due_on\":\"2026-04-20\",\"consent\":true,\"reason\":\"双方同意延期\"}",
	    200, NULL);
	c = get_case(comm, id);
	assert_string_equal(jstr(c, "due_on"), "2026-04-20");
	assert_string_equal(jstr(c, "deadline"), "green");
	assert_int_equal(jint(c, "extensions"), 1);
	json_decref(c);
	act(med_b, id, "extend", "{\"due_on\":\"2026-05-08\",\"consent\":true,\"reason\":\"再次延期\"}",
	    200, NULL);
	act(med_b, id, "extend", "{\"due_on\":\"2026-05-10\",\"consent\":true,\"reason\":\"再次延期\"}",
	    422, "validation_failed");
	clock_at("2026-03-02", 10);
}

static void test_termination_and_referral(void **state)
{
	(void)state;
	int64_t id = mediated_case();
	json_t *c = get_case(comm, id);
	int64_t p1 = party_id(c, 1);
	json_decref(c);
	/* The other routes must be explained; a refusing party named. */
	act(med_b, id, "terminate", "{\"kind\":\"no_agreement\",\"reason\":\"分歧较大\",\"routes\":[]}",
	    422, "validation_failed");
	act(med_b, id, "terminate",
	    "{\"kind\":\"no_agreement\",\"reason\":\"分歧较大\",\"routes\":[\"appeal\"]}", 422,
	    "validation_failed");
	act(med_b, id, "terminate",
	    "{\"kind\":\"party_refused\",\"reason\":\"不愿继续调解\",\"routes\":[\"litigation\"]}", 422,
	    "validation_failed");
	char body[256];
	snprintf(body, sizeof(body),
		 "{\"kind\":\"party_refused\",\"reason\":\"不愿继续调解\",\"routes\":[\"litigation\","
		 "\"administrative\"],\"party_id\":%lld}",
		 (long long)p1);
	act(med_b, id, "terminate", body, 200, NULL);
	c = get_case(comm, id);
	assert_string_equal(jstr(c, "state"), "failed");
	assert_string_equal(jstr(c, "end_kind"), "party_refused");
	assert_string_equal(jstr(c, "routes.1"), "administrative");
	assert_false(json_is_true(jget(c, "parties.1.willing")));
	json_decref(c);
	act(med_b, id, "refer", "{\"unit\":\"x\",\"reason\":\"有风险\"}", 409, "invalid_state");
	/* A dispute that may escalate goes to the police; the town's officers
	 * are told. */
	int64_t r2 = mediated_case();
	act(med_b, r2, "refer", "{\"unit\":\"枫桥派出所\"}", 422, "validation_failed");
	act(med_b, r2, "refer", "{\"unit\":\"枫桥派出所\",\"reason\":\"一方扬言报复，有激化风险\"}",
	    200, NULL);
	c = get_case(comm, r2);
	assert_string_equal(jstr(c, "state"), "referred");
	assert_string_equal(jstr(c, "referral_unit"), "枫桥派出所");
	json_decref(c);
	assert_int_equal(notices(town, r2, "referred"), 1);
	assert_int_equal(notices(far_town, r2, "referred"), 0);
}

static void test_statistics(void **state)
{
	(void)state;
	struct resp *r = req("GET", county, NULL,
			     "/api/v1/mediation/stats?from=2026-01-01&to=2026-12-31");
	assert_status(r, 200);
	/* Registered: 1 + 1 + 1 + 1 + 2 = 6 cases opened, one not accepted;
	 * concluded: agreed 1, failed 1, referred 1. */
	assert_int_equal(jint(r->json, "totals.not_accepted"), 1);
	assert_int_equal(jint(r->json, "totals.registered"), 6);
	assert_int_equal(jint(r->json, "totals.agreed"), 1);
	assert_int_equal(jint(r->json, "totals.failed"), 1);
	assert_int_equal(jint(r->json, "totals.referred"), 1);
	assert_int_equal(jint(r->json, "totals.performed"), 1);
	assert_true(json_real_value(jget(r->json, "totals.success_rate")) > 33.32 &&
		    json_real_value(jget(r->json, "totals.success_rate")) < 33.34);
	assert_string_equal(jstr(r->json, "by_type.0.key"), "neighbour");
	assert_string_equal(jstr(r->json, "by_area.0.key"), "330681109");
	assert_string_equal(jstr(r->json, "by_committee.0.name"), "枫源村人民调解委员会");
	resp_free(r);
	r = req("GET", far_town, NULL, "/api/v1/mediation/stats?org=330681109");
	assert_status(r, 404);
	resp_free(r);
	r = req("GET", town, NULL, "/api/v1/mediation/stats/export?format=csv&by=type");
	assert_status(r, 200);
	assert_non_null(strstr(r->body, "success_rate"));
	assert_non_null(strstr(r->body, "neighbour"));
	resp_free(r);
}

int main(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_committee_composition),
		cmocka_unit_test(test_registration_and_consent),
		cmocka_unit_test(test_mediators_and_recusal),
		cmocka_unit_test(test_agreement_and_confirmation_window),
		cmocka_unit_test(test_time_limit_and_extension),
		cmocka_unit_test(test_termination_and_referral),
		cmocka_unit_test(test_statistics),
	};
	int rc = cmocka_run_group_tests_name("api_mediation", tests, setup, teardown);
	curl_global_cleanup();
	return rc;
}
