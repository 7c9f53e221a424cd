/*
 * Registry CSV import and resident export through the API and the command
 * line: a dry run changes nothing, a good file commits every row with its
 * households and heads, a file with any bad row imports nothing and
 * reports every bad row by line and column, file-level errors, the scope
 * of the rows, houses and units; exports as CSV and XLSX with masked or
 * (with a reason) clear numbers, who may export, and their audit records.
 */
#include "api/harness.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static struct server S;
static char *comm, *dept, *gw1, *county, *aud;
static int64_t grid1;
static char code1[16], code2[16], code3[16];

/* Residents of the first, good import. */
static char chen_qiang[19], zhou_mu[19];

/* ---- helpers ---- */

static struct resp *getf(const char *token, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static struct resp *getf(const char *token, const char *fmt, ...)
{
	char path[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	return call(&S, "GET", path, token, NULL);
}

/* A growing text (the CSV being written). */
struct text {
	char *p;
	size_t len, cap;
};

static void tput(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void tput(struct text *t, const char *fmt, ...)
{
	va_list ap, again;
	va_start(ap, fmt);
	va_copy(again, ap);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (t->len + (size_t)n + 1 > t->cap) {
		t->cap = (t->len + (size_t)n + 1) * 2;
		t->p = realloc(t->p, t->cap);
	}
	vsnprintf(t->p + t->len, t->cap - t->len, fmt, again);
	va_end(again);
	t->len += (size_t)n;
}

static void tfree(struct text *t)
{
	free(t->p);
	memset(t, 0, sizeof(*t));
}

static void credit_code(char out[19], unsigned seq)
{
	static const char cs[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
	static const int w[17] = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};
	snprintf(out, 19, "91330681MA2%06u", seq % 1000000u);
	int sum = 0;
	for (int i = 0; i < 17; i++)
		sum += (int)(strchr(cs, out[i]) - cs) * w[i];
	out[17] = cs[(31 - sum % 31) % 31];
	out[18] = '\0';
}

static unsigned next_seq = 100;

static const char residents_header[] =
	"grid_code,street,number,building,unit,room,household_number,relation,name,gender,"
	"birth_date,id_type,id_number,phone,ethnicity,residence_type,employment,moved_in_on,tags\n";

/* One resident row; NULL fields take a valid default, the identity number
 * is made from the birth date unless given (and written to id_out). */
struct row {
	const char *grid, *street, *number, *household, *relation, *name, *gender, *birth,
		*id_number, *phone, *residence_type, *tags;
};

static void add_row(struct text *t, struct row w, char id_out[19])
{
	char idn[19];
	const char *birth = w.birth ? w.birth : "1980-01-01";
	if (w.id_number == NULL) {
		citizen_id(idn, ZHUJI, birth, next_seq++, !(w.gender && strcmp(w.gender, "female") == 0));
		w.id_number = idn;
	}
	if (id_out != NULL)
		snprintf(id_out, 19, "%s", w.id_number);
	tput(t, "%s,%s,%s,,,,%s,%s,%s,%s,%s,citizen,%s,%s,汉族,%s,,,%s\n", w.grid ? w.grid : code1,
	     w.street ? w.street : "枫源路", w.number ? w.number : "1号",
	     w.household ? w.household : "", w.relation ? w.relation : "self",
	     w.name ? w.name : "某人", w.gender ? w.gender : "male", birth, w.id_number,
	     w.phone ? w.phone : "", w.residence_type ? w.residence_type : "registered",
	     w.tags ? w.tags : "");
}

static struct resp *post_csv(const char *token, const char *path, const char *type,
			     const char *body, size_t len)
{
	char auth[256], ct[128];
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", token);
	snprintf(ct, sizeof(ct), "Content-Type: %s", type);
	const char *headers[] = {auth, ct, NULL};
	return call_raw(&S, "POST", path, headers, body, len);
}

static struct resp *import(const char *token, const char *path, const struct text *t)
{
	return post_csv(token, path, "text/csv", t->p, t->len);
}

static json_t *problem_at(struct resp *r, int64_t line)
{
	size_t i;
	json_t *v;
	json_array_foreach(jget(r->json, "problems"), i, v)
	{
		if (jint(v, "row") == line)
			return v;
	}
	return NULL;
}

static void assert_problem(struct resp *r, int64_t line, const char *column)
{
	json_t *p = problem_at(r, line);
	if (p == NULL || strcmp(jstr(p, "column"), column) != 0)
		fail_msg("expected a problem on line %lld in column %s: %.600s", (long long)line,
			 column, r->body);
	assert_true(strlen(jstr(p, "reason")) > 0);
}

/* Residents in the community worker's area, any status. */
static int64_t residents_total(void)
{
	struct resp *r = getf(comm, "/api/v1/residents?status=any&limit=1");
	assert_status(r, 200);
	int64_t n = jint(r->json, "total");
	resp_free(r);
	return n;
}

/* The resident with this identity number, or 0. */
static int64_t find_resident(const char *idn)
{
	struct resp *r = getf(comm, "/api/v1/residents?id_number=%s&status=any", idn);
	assert_status(r, 200);
	int64_t id = jint(r->json, "total") == 1 ? jint(r->json, "items.0.id") : 0;
	resp_free(r);
	return id;
}

static json_t *item_by(json_t *items, const char *key, const char *value)
{
	size_t i;
	json_t *v;
	json_array_foreach(items, i, v)
	{
		if (strcmp(jstr(v, key), value) == 0)
			return v;
	}
	return NULL;
}

static void assert_not_in_body(struct resp *r, const char *text)
{
	if (r->body != NULL && strstr(r->body, text) != NULL)
		fail_msg("the response shows '%s': %.400s", text, r->body);
}

static int64_t new_grid(const char *token, const char *parent_code, const char *name, char code[16])
{
	struct resp *r = call(&S, "POST", "/api/v1/orgs", token,
			      "{\"parent_id\":%lld,\"name\":\"%s\",\"level\":\"grid\"}",
			      (long long)org_id(&S, token, parent_code), name);
	assert_status(r, 201);
	int64_t id = jint(r->json, "id");
	snprintf(code, 16, "%s", jstr(r->json, "code"));
	resp_free(r);
	return id;
}

/* The audit record of the request with this id (action given), or NULL. */
static json_t *audit_record(const char *action, const char *request_id)
{
	struct resp *r = getf(aud, "/api/v1/audit?action=%s&limit=200", action);
	assert_status(r, 200);
	json_t *found = NULL;
	size_t i;
	json_t *v;
	json_array_foreach(jget(r->json, "items"), i, v)
	{
		if (found == NULL && strcmp(jstr(v, "request_id"), request_id) == 0)
			found = json_incref(v);
	}
	resp_free(r);
	return found;
}

static int setup(void **state)
{
	(void)state;
	srv_init(&S, true);
	srv_start(&S, NULL);
	mkuser(&S, "comm1", "community_worker", "330681109290");
	mkuser(&S, "dept1", "department_officer", ZHUJI);
	mkuser(&S, "county1", "county_officer", ZHUJI);
	comm = login(&S, "comm1", TEST_PASSWORD);
	dept = login(&S, "dept1", TEST_PASSWORD);
	county = login(&S, "county1", TEST_PASSWORD);
	aud = login(&S, "auditor", TEST_PASSWORD);
	grid1 = new_grid(comm, "330681109290", "枫源村第一网格", code1);
	new_grid(comm, "330681109290", "枫源村第二网格", code2);
	new_grid(county, "330681001001", "江东社区第一网格", code3);
	mkuser(&S, "gw1", "grid_worker", code1);
	gw1 = login(&S, "gw1", TEST_PASSWORD);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(comm);
	free(dept);
	free(gw1);
	free(county);
	free(aud);
	srv_cleanup(&S);
	return 0;
}

/* ---- residents ---- */

/* The first good file; the numbers of 陈强 and 周母 are kept from the
 * first call (later calls make new numbers). */
static void good_file(struct text *t)
{
	char qiang[19], mu[19];
	bool first = chen_qiang[0] == '\0';
	tput(t, "%s", residents_header);
	/* The spouse comes first: the head is the "self" row, not the first. */
	add_row(t,
		(struct row){.household = "HH-1",
			     .relation = "spouse",
			     .name = "陈美",
			     .gender = "female",
			     .birth = "1983-03-08",
			     .phone = "13812345678"},
		NULL);
	add_row(t,
		(struct row){.household = "HH-1",
			     .name = "陈强",
			     .birth = "1981-11-02",
			     .phone = "13912345678"},
		qiang);
	add_row(t,
		(struct row){.household = "HH-1",
			     .relation = "child",
			     .name = "陈小宝",
			     .birth = "2016-06-01"},
		NULL);
	add_row(t,
		(struct row){.street = "枫源路",
			     .number = "2号",
			     .household = "HH-2",
			     .name = "周海",
			     .birth = "1975-07-07",
			     .tags = "veteran",
			     .residence_type = "permanent"},
		NULL);
	add_row(t,
		(struct row){.number = "2号",
			     .household = "HH-2",
			     .relation = "parent",
			     .name = "周母",
			     .gender = "female",
			     .birth = "1950-01-20",
			     .tags = "disabled:physical:2;living_alone"},
		mu);
	if (first) {
		memcpy(chen_qiang, qiang, 19);
		memcpy(zhou_mu, mu, 19);
	}
}

static void test_dry_run_then_commit(void **state)
{
	(void)state;
	struct text t = {0};
	good_file(&t);
	struct resp *r = import(comm, "/api/v1/imports/residents?dry_run=true", &t);
	assert_status(r, 200);
	assert_int_equal(jint(r->json, "rows"), 5);
	assert_int_equal(jint(r->json, "bad_rows"), 0);
	assert_true(json_is_false(jget(r->json, "committed")));
	assert_true(json_is_true(jget(r->json, "dry_run")));
	assert_int_equal(json_array_size(jget(r->json, "problems")), 0);
	resp_free(r);
	/* Nothing was created. */
	const char *lists[] = {"/api/v1/residents?status=any", "/api/v1/households",
			       "/api/v1/addresses", "/api/v1/buildings"};
	for (size_t i = 0; i < 4; i++) {
		r = call(&S, "GET", lists[i], comm, NULL);
		assert_status(r, 200);
		if (jint(r->json, "total") != 0)
			fail_msg("a dry run created %s: %.300s", lists[i], r->body);
		resp_free(r);
	}

	r = import(comm, "/api/v1/imports/residents", &t);
	assert_status(r, 200);
	assert_true(json_is_true(jget(r->json, "committed")));
	assert_true(json_is_false(jget(r->json, "dry_run")));
	assert_int_equal(jint(r->json, "rows"), 5);
	assert_int_equal(jint(r->json, "bad_rows"), 0);
	assert_int_equal(jint(r->json, "created"), 5);
	assert_int_equal(jint(r->json, "households"), 2);
	assert_int_equal(jint(r->json, "addresses"), 2);
	assert_not_in_body(r, chen_qiang);
	resp_free(r);
	tfree(&t);

	assert_int_equal(residents_total(), 5);
	/* A household per household_number; its head is the "self" row. */
	r = getf(comm, "/api/v1/households");
	assert_int_equal(jint(r->json, "total"), 2);
	json_t *h1 = item_by(jget(r->json, "items"), "number", "HH-1");
	json_t *h2 = item_by(jget(r->json, "items"), "number", "HH-2");
	assert_non_null(h1);
	assert_non_null(h2);
	assert_string_equal(jstr(h1, "head_name"), "陈强");
	assert_int_equal(jint(h1, "members"), 3);
	assert_string_equal(jstr(h1, "address"), "枫源路 1号");
	assert_string_equal(jstr(h2, "head_name"), "周海");
	assert_int_equal(jint(h2, "members"), 2);
	assert_string_equal(jstr(h2, "code"), code1);
	int64_t hh1 = jint(h1, "id");
	resp_free(r);
	int64_t chen = find_resident(chen_qiang);
	assert_true(chen > 0);
	r = getf(comm, "/api/v1/households/%lld", (long long)hh1);
	assert_int_equal(jint(r->json, "head_id"), chen);
	assert_int_equal(json_array_size(jget(r->json, "members")), 3);
	resp_free(r);
	/* Columns reach the records: phone (masked), relation, tags. */
	r = getf(comm, "/api/v1/residents/%lld", (long long)chen);
	assert_string_equal(jstr(r->json, "phone"), "139****5678");
	assert_string_equal(jstr(r->json, "relation"), "self");
	assert_string_equal(jstr(r->json, "birth_date"), "1981-11-02");
	resp_free(r);
	r = getf(comm, "/api/v1/residents/%lld", (long long)find_resident(zhou_mu));
	assert_string_equal(jstr(r->json, "relation"), "parent");
	assert_int_equal(json_array_size(jget(r->json, "tags")), 2);
	json_t *dis = item_by(jget(r->json, "tags"), "tag", "disabled");
	assert_non_null(dis);
	assert_string_equal(jstr(dis, "attrs.type"), "physical");
	assert_int_equal(jint(dis, "attrs.grade"), 2);
	resp_free(r);
	r = getf(comm, "/api/v1/residents?residence_type=permanent");
	assert_int_equal(jint(r->json, "total"), 1);
	assert_string_equal(jstr(r->json, "items.0.name"), "周海");
	resp_free(r);
	/* The import and the dry run are in the audit log. */
	r = getf(aud, "/api/v1/audit?action=registry.import");
	assert_int_equal(jint(r->json, "total"), 2);
	assert_true(json_is_false(jget(r->json, "items.0.detail.dry_run")));
	assert_int_equal(jint(r->json, "items.0.detail.created"), 5);
	assert_true(json_is_true(jget(r->json, "items.1.detail.dry_run")));
	resp_free(r);
}

static void test_one_bad_row_imports_nothing(void **state)
{
	(void)state;
	int64_t before = residents_total();
	struct text t = {0};
	tput(&t, "%s", residents_header);
	char first[19], bad[19];
	for (int i = 0; i < 50; i++) {
		char name[32], birth[32], hh[16];
		unsigned u = (unsigned)i;
		snprintf(name, sizeof(name), "林%03u", u);
		snprintf(birth, sizeof(birth), "19%02u-0%u-1%u", 50 + u, 1 + u % 9, u % 10);
		snprintf(hh, sizeof(hh), "L%02u", u / 3);
		char idn[19];
		citizen_id(idn, ZHUJI, birth, next_seq++, true);
		if (i == 0)
			memcpy(first, idn, 19);
		if (i == 24) { /* line 26: one mistyped check character */
			idn[17] = idn[17] == '1' ? '2' : '1';
			memcpy(bad, idn, 19);
		}
		add_row(&t,
			(struct row){.number = "50号",
				     .household = hh,
				     .name = name,
				     .birth = birth,
				     .id_number = idn,
				     .relation = i % 3 ? "child" : "self"},
			NULL);
	}
	struct resp *r = import(comm, "/api/v1/imports/residents", &t);
	assert_status(r, 200);
	assert_true(json_is_false(jget(r->json, "committed")));
	assert_int_equal(jint(r->json, "rows"), 50);
	assert_int_equal(jint(r->json, "bad_rows"), 1);
	assert_int_equal(json_array_size(jget(r->json, "problems")), 1);
	assert_problem(r, 26, "id_number");
	resp_free(r);
	tfree(&t);
	/* All or nothing: not one of the 49 good rows is there. */
	assert_int_equal(residents_total(), before);
	assert_int_equal(find_resident(first), 0);
	r = getf(comm, "/api/v1/residents?q=%%E6%%9E%%97"); /* 林 */
	assert_int_equal(jint(r->json, "total"), 0);
	resp_free(r);
	r = getf(comm, "/api/v1/addresses");
	assert_int_equal(jint(r->json, "total"), 2);
	resp_free(r);
}

static void test_every_bad_row_is_reported(void **state)
{
	(void)state;
	int64_t before = residents_total();
	struct text t = {0};
	tput(&t, "%s", residents_header);
	char idn[19];
	citizen_id(idn, ZHUJI, "1990-02-02", 901, true);
	add_row(&t, (struct row){.number = "70号", .name = "甲", .birth = "1970-01-01"}, NULL);
	add_row(&t, (struct row){.number = "70号", .name = "乙", .gender = "M"}, NULL); /* 3 */
	add_row(&t, (struct row){.number = "70号", .name = "丙", .birth = "1972-01-01"}, NULL);
	add_row(&t, (struct row){.number = "70号", .name = "丁", .phone = "1381234567"},
		NULL); /* 5 */
	add_row(&t, (struct row){.number = "70号", .name = "戊", .birth = "1974-01-01"}, NULL);
	add_row(&t,
		(struct row){
			.number = "70号", .name = "己", .birth = "1990-02-03", .id_number = idn},
		NULL); /* 7: the number says 1990-02-02 */
	add_row(&t, (struct row){.number = "70号", .name = "庚", .birth = "1976-01-01"}, NULL);
	struct resp *r = import(comm, "/api/v1/imports/residents?dry_run=true", &t);
	assert_status(r, 200);
	assert_int_equal(jint(r->json, "rows"), 7);
	assert_int_equal(jint(r->json, "bad_rows"), 3);
	assert_int_equal(json_array_size(jget(r->json, "problems")), 3);
	assert_problem(r, 3, "gender");
	assert_problem(r, 5, "phone");
	assert_problem(r, 7, "birth_date");
	resp_free(r);
	r = import(comm, "/api/v1/imports/residents", &t);
	assert_status(r, 200);
	assert_true(json_is_false(jget(r->json, "committed")));
	assert_int_equal(jint(r->json, "bad_rows"), 3);
	assert_problem(r, 3, "gender");
	assert_problem(r, 5, "phone");
	assert_problem(r, 7, "birth_date");
	resp_free(r);
	tfree(&t);
	assert_int_equal(residents_total(), before);

	/* Problems of other columns: residence type, relation, tags, a
	 * duplicate within the file and one already registered. */
	tput(&t, "%s", residents_header);
	char dup[19];
	add_row(&t, (struct row){.number = "71号", .residence_type = "tourist"}, NULL); /* 2 */
	add_row(&t, (struct row){.number = "71号", .relation = "friend"}, NULL);        /* 3 */
	add_row(&t, (struct row){.number = "71号", .tags = "disabled"}, NULL);          /* 4 */
	add_row(&t, (struct row){.number = "71号", .tags = "rich"}, NULL);              /* 5 */
	add_row(&t, (struct row){.number = "71号", .birth = "1988-08-08"}, dup);        /* 6 */
	add_row(&t, (struct row){.number = "71号", .birth = "1988-08-08", .id_number = dup},
		NULL); /* 7 */
	add_row(&t, (struct row){.number = "71号", .birth = "1981-11-02", .id_number = chen_qiang},
		NULL);                                                 /* 8 */
	add_row(&t, (struct row){.number = "71号", .name = ""}, NULL); /* 9 */
	r = import(comm, "/api/v1/imports/residents", &t);
	assert_status(r, 200);
	assert_int_equal(jint(r->json, "bad_rows"), 7);
	assert_problem(r, 2, "residence_type");
	assert_problem(r, 3, "relation");
	assert_problem(r, 4, "tags");
	assert_problem(r, 5, "tags");
	assert_null(problem_at(r, 6));
	assert_problem(r, 7, "id_number");
	assert_problem(r, 8, "id_number");
	assert_problem(r, 9, "name");
	assert_not_in_body(r, chen_qiang);
	resp_free(r);
	tfree(&t);
	assert_int_equal(residents_total(), before);
}

static void test_file_level_errors(void **state)
{
	(void)state;
	int64_t before = residents_total();
	struct text t = {0};
	tput(&t,
	     "grid_code,street,number,name,gender,birth_date,id_type,id_number,"
	     "residence_type,nickname\n%s,枫源路,1号,王五,male,1980-01-01,citizen,"
	     "330681198001010000,registered,小五\n",
	     code1);
	struct resp *r = import(comm, "/api/v1/imports/residents", &t);
	assert_status(r, 422);
	assert_string_equal(err_code(r), "validation_failed");
	assert_string_equal(err_field(r), "nickname");
	resp_free(r);
	tfree(&t);
	tput(&t, "grid_code,street,number,name,gender,birth_date,id_type,id_number\n");
	r = import(comm, "/api/v1/imports/residents", &t);
	assert_status(r, 422);
	assert_string_equal(err_field(r), "residence_type");
	resp_free(r);
	tfree(&t);
	tput(&t, "grid_code,street,number,name,name,gender,birth_date,id_type,id_number,"
		 "residence_type\n");
	r = import(comm, "/api/v1/imports/residents", &t);
	assert_status(r, 422);
	assert_string_equal(err_field(r), "name");
	resp_free(r);
	r = post_csv(comm, "/api/v1/imports/residents", "text/csv", "", 0);
	assert_status(r, 422);
	resp_free(r);
	/* The media type and the kind. */
	good_file(&t);
	r = post_csv(comm, "/api/v1/imports/residents", "application/json", t.p, t.len);
	assert_status(r, 415);
	assert_string_equal(err_code(r), "unsupported_media_type");
	resp_free(r);
	r = post_csv(comm, "/api/v1/imports/residents", "text/plain", t.p, t.len);
	assert_status(r, 415);
	resp_free(r);
	r = import(comm, "/api/v1/imports/people", &t);
	assert_status(r, 404);
	resp_free(r);
	r = import(comm, "/api/v1/imports/residents?dry_run=yes", &t);
	assert_status(r, 422);
	assert_string_equal(err_field(r), "dry_run");
	resp_free(r);
	/* Without registry.import. */
	r = import(dept, "/api/v1/imports/residents", &t);
	assert_status(r, 403);
	resp_free(r);
	r = import(gw1, "/api/v1/imports/residents", &t);
	assert_status(r, 403);
	resp_free(r);
	tfree(&t);
	assert_int_equal(residents_total(), before);
}

/* Spreadsheets save a byte-order mark and CRLF line ends. */
static void test_bom_and_crlf(void **state)
{
	(void)state;
	struct text t = {0};
	char a[19], b[19];
	citizen_id(a, ZHUJI, "1966-06-16", 661, true);
	citizen_id(b, ZHUJI, "1967-07-17", 671, false);
	tput(&t,
	     "\xEF\xBB\xBFname,gender,birth_date,id_type,id_number,residence_type,grid_code,"
	     "street,number,household_number\r\n"
	     "蔡一,male,1966-06-16,citizen,%s,registered,%s,枫源路,3号,HH-3\r\n"
	     "\"蔡\"\"二\"\"\",female,1967-07-17,citizen,%s,floating,%s,\"枫源路\",3号,HH-3\r\n",
	     a, code1, b, code1);
	struct resp *r = import(comm, "/api/v1/imports/residents", &t);
	assert_status(r, 200);
	assert_true(json_is_true(jget(r->json, "committed")));
	assert_int_equal(jint(r->json, "created"), 2);
	resp_free(r);
	tfree(&t);
	r = getf(comm, "/api/v1/residents/%lld", (long long)find_resident(b));
	assert_status(r, 200);
	assert_string_equal(jstr(r->json, "name"), "蔡\"二\"");
	assert_string_equal(jstr(r->json, "address"), "枫源路 3号");
	resp_free(r);
}

static void test_rows_outside_the_scope(void **state)
{
	(void)state;
	int64_t before = residents_total();
	struct text t = {0};
	tput(&t, "%s", residents_header);
	char inside[19];
	add_row(&t, (struct row){.number = "80号", .name = "范内"}, inside);
	add_row(&t,
		(struct row){.grid = code3, .street = "江东路", .number = "8号", .name = "范外"},
		NULL); /* 3: another town */
	add_row(&t, (struct row){.grid = "330681109290999", .number = "81号"}, NULL); /* 4 */
	add_row(&t, (struct row){.grid = "330681109290", .number = "82号"},
		NULL); /* 5: not a grid */
	struct resp *r = import(comm, "/api/v1/imports/residents", &t);
	assert_status(r, 200);
	assert_true(json_is_false(jget(r->json, "committed")));
	assert_int_equal(jint(r->json, "bad_rows"), 3);
	assert_problem(r, 3, "grid_code");
	assert_problem(r, 4, "grid_code");
	assert_problem(r, 5, "grid_code");
	assert_null(problem_at(r, 2));
	resp_free(r);
	assert_int_equal(residents_total(), before);
	assert_int_equal(find_resident(inside), 0);
	/* The county officer's area holds both grids. */
	r = import(county, "/api/v1/imports/residents?dry_run=true", &t);
	assert_int_equal(jint(r->json, "bad_rows"), 2);
	assert_null(problem_at(r, 3));
	resp_free(r);
	tfree(&t);
}

/* ---- houses and units ---- */

static void test_houses_and_units(void **state)
{
	(void)state;
	static const char houses_header[] =
		"grid_code,street,number,building,unit,room,area,use,ownership,occupancy\n";
	struct text t = {0};
	tput(&t, "%s", houses_header);
	tput(&t, "%s,枫源路,60号,1幢,1单元,101室,88.5,residential,private,owner_occupied\n", code1);
	tput(&t, "%s,枫源路,60号,1幢,1单元,102室,,residential,public_rental,rented\n", code1);
	tput(&t, "%s,枫源路,61号,,,,240,commercial,collective,vacant\n", code2);
	struct resp *r = import(comm, "/api/v1/imports/houses", &t);
	assert_status(r, 200);
	assert_true(json_is_true(jget(r->json, "committed")));
	assert_int_equal(jint(r->json, "created"), 3);
	assert_int_equal(jint(r->json, "addresses"), 3);
	resp_free(r);
	r = getf(comm, "/api/v1/houses?limit=200");
	assert_int_equal(jint(r->json, "total"), 3);
	json_t *h = item_by(jget(r->json, "items"), "address", "枫源路 60号 1幢 1单元 101室");
	assert_non_null(h);
	assert_true(json_real_value(jget(h, "area")) == 88.5);
	assert_string_equal(jstr(h, "occupancy"), "owner_occupied");
	h = item_by(jget(r->json, "items"), "address", "枫源路 60号 1幢 1单元 102室");
	assert_non_null(h);
	assert_true(json_is_null(jget(h, "area")));
	assert_string_equal(jstr(h, "ownership"), "public_rental");
	resp_free(r);
	r = getf(gw1, "/api/v1/houses?limit=200");
	assert_int_equal(jint(r->json, "total"), 2); /* the third is in grid 2 */
	resp_free(r);
	/* The same addresses again: a house per address. */
	r = import(comm, "/api/v1/imports/houses", &t);
	assert_true(json_is_false(jget(r->json, "committed")));
	assert_int_equal(jint(r->json, "bad_rows"), 3);
	resp_free(r);
	tfree(&t);
	tput(&t, "%s", houses_header);
	tput(&t, "%s,枫源路,62号,,,,90,residential,private,empty\n", code1);
	tput(&t, "%s,枫源路,63号,,,,-5,residential,private,vacant\n", code1);
	tput(&t, "%s,枫源路,64号,,,,ninety,castle,private,vacant\n", code1);
	r = import(comm, "/api/v1/imports/houses", &t);
	assert_int_equal(jint(r->json, "bad_rows"), 3);
	assert_problem(r, 2, "occupancy");
	assert_problem(r, 3, "area");
	assert_problem(r, 4, "area");
	resp_free(r);
	tfree(&t);
	r = getf(comm, "/api/v1/houses");
	assert_int_equal(jint(r->json, "total"), 3);
	resp_free(r);

	static const char units_header[] = "grid_code,street,number,building,unit,room,name,credit_"
					   "code,type,contact_name,phone\n";
	char c1[19], c2[19], wrong[19];
	credit_code(c1, 1);
	credit_code(c2, 2);
	credit_code(wrong, 3);
	wrong[17] = wrong[17] == '0' ? '1' : '0';
	tput(&t, "%s", units_header);
	tput(&t, "%s,枫源路,65号,,,,枫源农资店,%s,individual_business,方老板,13588889999\n", code1,
	     c1);
	tput(&t, "%s,枫源路,66号,,,,枫源竹编厂,%s,enterprise,,\n", code1, c2);
	tput(&t, "%s,枫源路,67号,,,,枫源小学,,school,,\n", code1);
	tput(&t, "%s,枫源路,68号,,,,错码公司,%s,enterprise,,\n", code1, wrong); /* 5 */
	r = import(comm, "/api/v1/imports/units", &t);
	assert_status(r, 200);
	assert_true(json_is_false(jget(r->json, "committed")));
	assert_int_equal(jint(r->json, "bad_rows"), 1);
	assert_problem(r, 5, "credit_code");
	resp_free(r);
	r = getf(comm, "/api/v1/units");
	assert_int_equal(jint(r->json, "total"), 0);
	resp_free(r);
	tfree(&t);
	tput(&t, "%s", units_header);
	tput(&t, "%s,枫源路,65号,,,,枫源农资店,%s,individual_business,方老板,13588889999\n", code1,
	     c1);
	tput(&t, "%s,枫源路,66号,,,,枫源竹编厂,%s,enterprise,,\n", code1, c2);
	tput(&t, "%s,枫源路,67号,,,,枫源小学,,school,,\n", code1);
	r = import(comm, "/api/v1/imports/units", &t);
	assert_true(json_is_true(jget(r->json, "committed")));
	assert_int_equal(jint(r->json, "created"), 3);
	resp_free(r);
	r = getf(comm, "/api/v1/units?type=individual_business");
	assert_int_equal(jint(r->json, "total"), 1);
	assert_string_equal(jstr(r->json, "items.0.credit_code"), c1);
	assert_string_equal(jstr(r->json, "items.0.contact_name"), "方老板");
	assert_string_equal(jstr(r->json, "items.0.phone"), "135****9999");
	assert_not_in_body(r, "13588889999");
	resp_free(r);
	/* A credit code is registered once. */
	r = import(comm, "/api/v1/imports/units", &t);
	assert_true(json_is_false(jget(r->json, "committed")));
	assert_problem(r, 2, "credit_code");
	resp_free(r);
	tfree(&t);
	r = getf(comm, "/api/v1/units");
	assert_int_equal(jint(r->json, "total"), 3);
	resp_free(r);
}

/* ---- the command line ---- */

static void test_command_line(void **state)
{
	(void)state;
	int64_t before = residents_total();
	char bad_path[256], good_path[256];
	snprintf(bad_path, sizeof(bad_path), "%s/bad.csv", S.dir);
	snprintf(good_path, sizeof(good_path), "%s/good.csv", S.dir);
	struct text t = {0};
	tput(&t, "%s", residents_header);
	char broken[19];
	citizen_id(broken, ZHUJI, "1985-05-05", 505, true);
	broken[17] = broken[17] == '1' ? '2' : '1';
	add_row(&t, (struct row){.number = "90号", .name = "孔一"}, NULL);
	add_row(&t,
		(struct row){.number = "90号",
			     .name = "孔二",
			     .birth = "1985-05-05",
			     .id_number = broken},
		NULL);
	add_row(&t, (struct row){.number = "90号", .name = "孔三", .phone = "12345"}, NULL);
	FILE *f = fopen(bad_path, "w");
	fwrite(t.p, 1, t.len, f);
	fclose(f);
	tfree(&t);
	char *out = NULL;
	assert_int_equal(cli(&out, "import residents --db %s --file %s --dry-run", S.db, bad_path),
			 1);
	char want[512];
	snprintf(want, sizeof(want), "%s:3, column id_number: ", bad_path);
	if (strstr(out, want) == NULL)
		fail_msg("expected '%s' in: %s", want, out);
	snprintf(want, sizeof(want), "%s:4, column phone: ", bad_path);
	assert_non_null(strstr(out, want));
	assert_null(strstr(out, ":2,"));
	free(out);
	/* Without --dry-run the bad file is refused all the same. */
	assert_int_equal(cli(&out, "import residents --db %s --file %s", S.db, bad_path), 1);
	assert_non_null(strstr(out, "nothing changed"));
	free(out);
	assert_int_equal(residents_total(), before);

	char one[19], two[19];
	tput(&t, "%s", residents_header);
	add_row(&t, (struct row){.number = "91号", .household = "K1", .name = "孔明"}, one);
	add_row(&t,
		(struct row){.number = "91号",
			     .household = "K1",
			     .relation = "spouse",
			     .name = "孔黄氏",
			     .gender = "female",
			     .birth = "1982-02-02"},
		two);
	f = fopen(good_path, "w");
	fwrite(t.p, 1, t.len, f);
	fclose(f);
	tfree(&t);
	assert_int_equal(cli(&out, "import residents --db %s --file %s --dry-run", S.db, good_path),
			 0);
	free(out);
	assert_int_equal(residents_total(), before);
	assert_int_equal(find_resident(one), 0);
	/* A real run while the server runs; the residents appear in the API. */
	assert_int_equal(cli(&out, "import residents --db %s --file %s", S.db, good_path), 0);
	assert_non_null(strstr(out, "imported 2"));
	free(out);
	assert_int_equal(residents_total(), before + 2);
	int64_t id = find_resident(one);
	assert_true(id > 0);
	struct resp *r = getf(gw1, "/api/v1/residents/%lld", (long long)id);
	assert_status(r, 200);
	assert_string_equal(jstr(r->json, "name"), "孔明");
	int64_t hh = jint(r->json, "household_id");
	resp_free(r);
	r = getf(gw1, "/api/v1/households/%lld", (long long)hh);
	assert_int_equal(jint(r->json, "head_id"), id);
	assert_int_equal(json_array_size(jget(r->json, "members")), 2);
	resp_free(r);
	/* The command line's import is audited as the operator's. */
	r = getf(aud, "/api/v1/audit?action=registry.import&limit=1");
	assert_status(r, 200);
	assert_string_equal(jstr(r->json, "items.0.role"), "operator");
	assert_true(strncmp(jstr(r->json, "items.0.actor_name"), "cli:", 4) == 0);
	assert_int_equal(jint(r->json, "items.0.detail.created"), 2);
	resp_free(r);
}

/* ---- export ---- */

static int count_lines(const char *s)
{
	int n = 0;
	for (const char *p = s; (p = strstr(p, "\r\n")) != NULL; p += 2)
		n++;
	return n;
}

static void test_export_csv(void **state)
{
	(void)state;
	/* A name a spreadsheet would run as a formula. */
	struct text t = {0};
	tput(&t, "%s", residents_header);
	add_row(&t, (struct row){.number = "99号", .name = "=1+2"}, NULL);
	struct resp *r = import(comm, "/api/v1/imports/residents", &t);
	assert_true(json_is_true(jget(r->json, "committed")));
	resp_free(r);
	tfree(&t);

	r = getf(comm, "/api/v1/residents?limit=1");
	int64_t total = jint(r->json, "total");
	resp_free(r);
	assert_true(total >= 10);
	r = getf(comm, "/api/v1/residents/export?format=csv");
	assert_status(r, 200);
	const char *type = resp_header(r, "Content-Type");
	assert_non_null(type);
	assert_true(strncmp(type, "text/csv", 8) == 0);
	assert_non_null(strstr(resp_header(r, "Content-Disposition"), "residents.csv"));
	assert_memory_equal(r->body, "\xEF\xBB\xBF", 3);
	assert_true(strncmp(r->body + 3, "id,name,gender,birth_date,", 26) == 0);
	assert_int_equal(count_lines(r->body), total + 1);
	char mask[24];
	snprintf(mask, sizeof(mask), "%.6s********%.4s", chen_qiang, chen_qiang + 14);
	assert_non_null(strstr(r->body, mask));
	assert_non_null(strstr(r->body, "139****5678"));
	assert_not_in_body(r, chen_qiang);
	assert_not_in_body(r, "13912345678");
	/* Formula-like text is quoted so that it stays text. */
	assert_null(strstr(r->body, ",=1+2"));
	assert_non_null(strstr(r->body, "'=1+2"));
	/* Quotes are doubled inside a quoted field. */
	assert_non_null(strstr(r->body, ",\"蔡\"\"二\"\"\","));
	char rid[64];
	snprintf(rid, sizeof(rid), "%s", resp_header(r, "X-Request-Id"));
	resp_free(r);
	json_t *rec = audit_record("resident.export", rid);
	assert_non_null(rec);
	assert_int_equal(jint(rec, "detail.rows"), total);
	assert_true(json_is_false(jget(rec, "detail.unmasked")));
	assert_string_equal(jstr(rec, "detail.format"), "csv");
	assert_string_equal(jstr(rec, "actor_name"), "comm1");
	json_decref(rec);

	/* Clear numbers with a reason. */
	r = getf(comm, "/api/v1/residents/export?format=csv&unmask=true&reason=%s",
		 "%E6%A0%B8%E5%AF%B9%E6%88%B7%E7%B1%8D%E5%8F%B0%E8%B4%A6"); /* 核对户籍台账 */
	assert_status(r, 200);
	assert_non_null(strstr(r->body, chen_qiang));
	assert_non_null(strstr(r->body, "13912345678"));
	assert_non_null(strstr(r->body, zhou_mu));
	assert_null(strstr(r->body, mask));
	assert_int_equal(count_lines(r->body), total + 1);
	snprintf(rid, sizeof(rid), "%s", resp_header(r, "X-Request-Id"));
	resp_free(r);
	rec = audit_record("resident.export", rid);
	assert_non_null(rec);
	assert_true(json_is_true(jget(rec, "detail.unmasked")));
	assert_string_equal(jstr(rec, "detail.reason"), "核对户籍台账");
	assert_int_equal(jint(rec, "detail.rows"), total);
	json_decref(rec);
	/* unmask without a reason, or with a short one. */
	r = getf(comm, "/api/v1/residents/export?format=csv&unmask=true");
	assert_status(r, 422);
	assert_string_equal(err_field(r), "reason");
	assert_not_in_body(r, chen_qiang);
	resp_free(r);
	r = getf(comm, "/api/v1/residents/export?format=csv&unmask=true&reason=ok");
	assert_status(r, 422);
	assert_string_equal(err_field(r), "reason");
	resp_free(r);

	/* The list's filters apply. */
	r = getf(comm, "/api/v1/residents/export?format=csv&residence_type=permanent");
	assert_status(r, 200);
	assert_int_equal(count_lines(r->body), 2);
	assert_non_null(strstr(r->body, "周海"));
	resp_free(r);
	r = getf(comm, "/api/v1/residents/export?format=csv&org_id=%lld", (long long)grid1);
	assert_status(r, 200);
	assert_int_equal(count_lines(r->body), total + 1);
	resp_free(r);
	r = getf(comm, "/api/v1/residents/export?format=pdf");
	assert_status(r, 422);
	assert_string_equal(err_field(r), "format");
	resp_free(r);
}

static void test_export_xlsx_and_who_may_export(void **state)
{
	(void)state;
	struct resp *r = getf(comm, "/api/v1/residents/export?format=xlsx");
	assert_status(r, 200);
	assert_non_null(strstr(resp_header(r, "Content-Type"), "spreadsheetml"));
	assert_true(r->len > 1000);
	assert_memory_equal(r->body, "PK", 2);
	char rid[64];
	snprintf(rid, sizeof(rid), "%s", resp_header(r, "X-Request-Id"));
	resp_free(r);
	json_t *rec = audit_record("resident.export", rid);
	assert_non_null(rec);
	assert_string_equal(jstr(rec, "detail.format"), "xlsx");
	assert_true(jint(rec, "detail.rows") >= 10);
	json_decref(rec);
	/* Without registry.export. */
	const char *no[] = {dept, gw1};
	for (size_t i = 0; i < 2; i++) {
		r = getf(no[i], "/api/v1/residents/export?format=csv");
		assert_status(r, 403);
		assert_string_equal(err_code(r), "forbidden");
		assert_not_in_body(r, "陈强");
		resp_free(r);
		r = getf(no[i], "/api/v1/residents/export?format=csv&unmask=true&reason=%s",
			 "for%20the%20record");
		assert_status(r, 403);
		resp_free(r);
	}
	/* Outside the area: 404. */
	r = getf(comm, "/api/v1/residents/export?format=csv&org_id=%lld",
		 (long long)org_id(&S, county, code3));
	assert_status(r, 404);
	resp_free(r);
	/* The county officer exports the whole county. */
	r = getf(county, "/api/v1/residents/export?format=csv");
	assert_status(r, 200);
	assert_non_null(strstr(r->body, "陈强"));
	resp_free(r);
}

/* Every list of the registry exports with its filters, masked, audited. */
static void test_export_every_list(void **state)
{
	(void)state;
	static const struct {
		const char *list, *object, *header;
	} kinds[] = {
		{"buildings", "building", "id,code,street,number,name,grid_id,"},
		{"addresses", "address", "id,code,text,unit,room,building_id"},
		{"houses", "house", "id,code,address,area,use,ownership,occupancy,address_id"},
		{"households", "household", "id,code,address,number,head_name,members,address_id"},
		{"units", "unit", "id,name,credit_code,type,contact_name,phone,address,code,address_id"},
	};
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		struct resp *r = getf(comm, "/api/v1/%s?limit=1", kinds[i].list);
		int64_t total = jint(r->json, "total");
		resp_free(r);
		assert_true(total >= 3);
		r = getf(comm, "/api/v1/%s/export?format=csv", kinds[i].list);
		assert_status(r, 200);
		char file[64];
		snprintf(file, sizeof(file), "%s.csv", kinds[i].list);
		assert_non_null(strstr(resp_header(r, "Content-Disposition"), file));
		assert_memory_equal(r->body, "\xEF\xBB\xBF", 3);
		if (strncmp(r->body + 3, kinds[i].header, strlen(kinds[i].header)) != 0)
			fail_msg("%s export starts %.80s", kinds[i].list, r->body + 3);
		if (count_lines(r->body) != total + 1)
			fail_msg("%s export: %d lines for %lld rows", kinds[i].list,
				 count_lines(r->body), (long long)total);
		char rid[64], action[32];
		snprintf(rid, sizeof(rid), "%s", resp_header(r, "X-Request-Id"));
		resp_free(r);
		snprintf(action, sizeof(action), "%s.export", kinds[i].object);
		json_t *rec = audit_record(action, rid);
		assert_non_null(rec);
		assert_int_equal(jint(rec, "detail.rows"), total);
		assert_string_equal(jstr(rec, "object_type"), kinds[i].object);
		json_decref(rec);
		/* A grid worker may list but not export. */
		r = getf(gw1, "/api/v1/%s/export?format=csv", kinds[i].list);
		assert_status(r, 403);
		resp_free(r);
	}
	/* The list's filters apply; the unit's contact phone stays masked. */
	struct resp *r = getf(comm, "/api/v1/houses/export?format=csv&occupancy=rented");
	assert_status(r, 200);
	assert_int_equal(count_lines(r->body), 2);
	assert_non_null(strstr(r->body, "枫源路 60号 1幢 1单元 102室"));
	assert_non_null(strstr(r->body, ",public_rental,rented,"));
	resp_free(r);
	r = getf(comm, "/api/v1/units/export?format=csv&type=individual_business");
	assert_status(r, 200);
	assert_int_equal(count_lines(r->body), 2);
	assert_non_null(strstr(r->body, "枫源农资店"));
	assert_non_null(strstr(r->body, "135****9999"));
	assert_not_in_body(r, "13588889999");
	resp_free(r);
	/* XLSX, and an area outside the caller's scope. */
	r = getf(comm, "/api/v1/households/export?format=xlsx");
	assert_status(r, 200);
	assert_memory_equal(r->body, "PK", 2);
	assert_non_null(strstr(resp_header(r, "Content-Disposition"), "households.xlsx"));
	resp_free(r);
	r = getf(comm, "/api/v1/units/export?format=csv&org_id=%lld",
		 (long long)org_id(&S, county, code3));
	assert_status(r, 404);
	resp_free(r);
	r = getf(comm, "/api/v1/units/export?format=csv&unmask=true");
	assert_status(r, 422);
	resp_free(r);
}

int main(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dry_run_then_commit),
		cmocka_unit_test(test_one_bad_row_imports_nothing),
		cmocka_unit_test(test_every_bad_row_is_reported),
		cmocka_unit_test(test_file_level_errors),
		cmocka_unit_test(test_bom_and_crlf),
		cmocka_unit_test(test_rows_outside_the_scope),
		cmocka_unit_test(test_houses_and_units),
		cmocka_unit_test(test_command_line),
		cmocka_unit_test(test_export_csv),
		cmocka_unit_test(test_export_xlsx_and_who_may_export),
		cmocka_unit_test(test_export_every_list),
	};
	int rc = cmocka_run_group_tests_name("api_import", tests, setup, teardown);
	curl_global_cleanup();
	return rc;
}
