/*
 * Households and residents.  Identity and phone numbers exist in clear
 * only in memory while a request handles them: stored encrypted, looked up
 * through their keyed hash, shown masked.
 */
#include "registry/people.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/error.h"
#include "core/secure.h"
#include "core/str.h"
#include "registry/tags.h"
#include "registry/validate.h"

#define FIELD_ID "resident.id_number"
#define FIELD_PHONE "resident.phone"

static int refuse(struct refusal *no, const char *field, const char *why)
{
	no->field = field;
	no->why = why;
	return RC_VALIDATION_FAILED;
}

static bool other_id_ok(const char *s)
{
	size_t n = strlen(s);
	if (n < 4 || n > 32)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		      c == '-'))
			return false;
	}
	return true;
}

/* Check the fields given in `in`; create requires the mandatory ones. */
static int check_fields(const struct resident_in *in, bool create, struct refusal *no)
{
	static const struct {
		const char *name;
		size_t offset;
	} required[] = {
		{"name", offsetof(struct resident_in, name)},
		{"gender", offsetof(struct resident_in, gender)},
		{"birth_date", offsetof(struct resident_in, birth_date)},
		{"id_type", offsetof(struct resident_in, id_type)},
		{"id_number", offsetof(struct resident_in, id_number)},
		{"residence_type", offsetof(struct resident_in, residence_type)},
	};
	if (create)
		for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++)
			if (*(const char *const *)(const void *)((const char *)in +
								 required[i].offset) == NULL)
				return refuse(no, required[i].name, "is required");
	if (in->name && (*in->name == '\0' || utf8_count(in->name, strlen(in->name)) > 64))
		return refuse(no, "name", "a name has 1 to 64 characters");
	if (in->gender && !one_of(in->gender, GENDERS))
		return refuse(no, "gender", "gender is male or female");
	if (in->id_type && !one_of(in->id_type, ID_TYPES))
		return refuse(no, "id_type", "not a known identity document type");
	if (in->residence_type && !one_of(in->residence_type, RESIDENCE_TYPES))
		return refuse(no, "residence_type", "registered, permanent or floating");
	if (in->employment && !one_of(in->employment, EMPLOYMENTS))
		return refuse(no, "employment", "not a known employment status");
	if (in->relation && !one_of(in->relation, RELATIONS))
		return refuse(no, "relation", "not a known relation to the head of household");
	if (in->ethnicity && *in->ethnicity && check_ethnicity(in->ethnicity) != NULL)
		return refuse(no, "ethnicity", check_ethnicity(in->ethnicity));
	if (in->phone && *in->phone && check_mobile(in->phone) != NULL)
		return refuse(no, "phone", check_mobile(in->phone));
	int64_t t;
	if (in->birth_date) {
		if (strlen(in->birth_date) != 10 || clock_parse_iso(in->birth_date, &t) != 0)
			return refuse(no, "birth_date", "a birth date is written YYYY-MM-DD");
		char today[11];
		registry_today(today);
		if (strcmp(in->birth_date, today) > 0)
			return refuse(no, "birth_date", "the birth date is in the future");
	}
	if (in->moved_in_on &&
	    (strlen(in->moved_in_on) != 10 || clock_parse_iso(in->moved_in_on, &t) != 0))
		return refuse(no, "moved_in_on", "a date is written YYYY-MM-DD");
	return RC_OK;
}

/* The identity number fits its type and, for citizens, the birth date. */
static int check_identity(const char *type, const char *number, const char *birth,
			  const char *gender, struct refusal *no)
{
	if (strcmp(type, "citizen") == 0) {
		char from_id[11];
		const char *why = check_citizen_id(number, from_id);
		if (why != NULL)
			return refuse(no, "id_number", why);
		if (strcmp(from_id, birth) != 0)
			return refuse(no, "birth_date",
				      "the birth date differs from the one in the identity number");
		/* GB 11643: the 17th digit is odd for men, even for women. */
		bool male = (number[16] - '0') % 2 == 1;
		if (strcmp(gender, male ? "male" : "female") != 0)
			return refuse(no, "gender",
				      "the gender differs from the one in the identity number");
		return RC_OK;
	}
	if (!other_id_ok(number))
		return refuse(no, "id_number",
			      "a document number has 4 to 32 letters, digits or '-'");
	return RC_OK;
}

static void bind_sealed(sqlite3_stmt *st, int i, const char *field, const char *value)
{
	size_t n = strlen(value);
	unsigned char *sealed = malloc(n + SEC_SEAL_OVERHEAD);
	if (sealed == NULL)
		abort();
	sec_seal(sealed, field, value, n);
	sqlite3_bind_blob(st, i, sealed, (int)(n + SEC_SEAL_OVERHEAD), free);
}

static void bind_blind(sqlite3_stmt *st, int i, const char *field, const char *value)
{
	unsigned char h[SEC_HASH_BYTES];
	sec_blind(h, field, value);
	sqlite3_bind_blob(st, i, h, SEC_HASH_BYTES, SQLITE_TRANSIENT);
}

int resident_insert(struct db *db, const struct resident_in *in, const struct location *loc,
		    const struct actor *who, int64_t *id, struct refusal *no)
{
	int rc = check_fields(in, true, no);
	if (rc != RC_OK)
		return rc;
	char number[40], idmask[48], phmask[24] = "";
	snprintf(number, sizeof(number), "%s", in->id_number);
	normalize_citizen_id(number);
	rc = check_identity(in->id_type, number, in->birth_date, in->gender, no);
	if (rc != RC_OK)
		return rc;
	mask_id(in->id_type, number, idmask, sizeof(idmask));
	bool phone = in->phone && *in->phone;
	if (phone)
		mask_phone(in->phone, phmask, sizeof(phmask));
	int64_t now = clock_now();
	sqlite3_stmt *st = db_stmt(
		db, "INSERT INTO residents (household_id, address_id, relation, code, name, gender,"
		    " birth_date, id_type, id_enc, id_blind, id_mask, phone_enc, phone_blind, "
		    "phone_mask,"
		    " ethnicity, residence_type, employment, moved_in_on, created_at, updated_at)"
		    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, "
		    "?16, ?17,"
		    " ?18, ?19, ?19)");
	if (st == NULL)
		return RC_INTERNAL;
	if (loc->household_id)
		sqlite3_bind_int64(st, 1, loc->household_id);
	sqlite3_bind_int64(st, 2, loc->address_id);
	db_bind_text(st, 3, in->relation ? in->relation : "self");
	db_bind_text(st, 4, loc->code);
	db_bind_text(st, 5, in->name);
	db_bind_text(st, 6, in->gender);
	db_bind_text(st, 7, in->birth_date);
	db_bind_text(st, 8, in->id_type);
	bind_sealed(st, 9, FIELD_ID, number);
	bind_blind(st, 10, "id_number", number);
	db_bind_text(st, 11, idmask);
	if (phone) {
		bind_sealed(st, 12, FIELD_PHONE, in->phone);
		bind_blind(st, 13, "phone", in->phone);
		db_bind_text(st, 14, phmask);
	}
	db_bind_text(st, 15, in->ethnicity ? in->ethnicity : "");
	db_bind_text(st, 16, in->residence_type);
	db_bind_text(st, 17, in->employment ? in->employment : "");
	db_bind_text(st, 18, in->moved_in_on);
	sqlite3_bind_int64(st, 19, now);
	int src = sqlite3_step(st);
	sqlite3_reset(st);
	sec_wipe(number, sizeof(number));
	if (src != SQLITE_DONE) {
		rc = db_rc(db, src);
		if (rc == RC_CONFLICT)
			refuse(no, "id_number", "this identity number is registered already");
		return rc;
	}
	*id = db_last_id(db);
	rc = search_put(db, SEARCH_RESIDENT, *id, in->name, loc->code, true);
	if (rc != RC_OK)
		return rc;
	json_t *changes = json_pack(
		"{s:[n,s], s:[n,s], s:[n,s], s:[n,s], s:[n,s], s:[n,s], s:[n,s], s:[n,I], s:[n,I]}",
		"name", in->name, "gender", in->gender, "birth_date", in->birth_date, "id_type",
		in->id_type, "id_number", idmask, "residence_type", in->residence_type, "grid",
		loc->code, "address", (json_int_t)loc->address_id, "household",
		(json_int_t)loc->household_id);
	if (phone)
		json_object_set_new(changes, "phone", json_pack("[n,s]", phmask));
	return registry_version(db, "resident", *id, who, changes);
}

static int release_head(struct db *db, int64_t household_id, int64_t resident_id,
			const struct actor *who);

struct current {
	char name[200], gender[16], birth_date[16], id_type[32], id_mask[48], phone_mask[24],
		ethnicity[48], residence_type[16], employment[24], relation[24], moved_in_on[16],
		code[16];
	int64_t household_id, address_id;
	bool status_active;
	unsigned char id_enc[128];
	int id_enc_len;
};

static int load_current(struct db *db, int64_t id, struct current *c)
{
	sqlite3_stmt *st = db_stmt(
		db, "SELECT name, gender, birth_date, id_type, id_mask, ifnull(phone_mask, ''), "
		    "ethnicity,"
		    " residence_type, employment, relation, ifnull(moved_in_on, ''), code,"
		    " ifnull(household_id, 0), ifnull(address_id, 0), id_enc, status = 'active'"
		    " FROM residents WHERE id = ?");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	int src = sqlite3_step(st);
	if (src != SQLITE_ROW) {
		sqlite3_reset(st);
		return src == SQLITE_DONE ? RC_NOT_FOUND : db_rc(db, src);
	}
	char *dst[] = {c->name,       c->gender,     c->birth_date,  c->id_type,
		       c->id_mask,    c->phone_mask, c->ethnicity,   c->residence_type,
		       c->employment, c->relation,   c->moved_in_on, c->code};
	size_t sizes[] = {sizeof(c->name),      sizeof(c->gender),         sizeof(c->birth_date),
			  sizeof(c->id_type),   sizeof(c->id_mask),        sizeof(c->phone_mask),
			  sizeof(c->ethnicity), sizeof(c->residence_type), sizeof(c->employment),
			  sizeof(c->relation),  sizeof(c->moved_in_on),    sizeof(c->code)};
	for (int i = 0; i < 12; i++)
		snprintf(dst[i], sizes[i], "%s", db_col_text(st, i));
	c->household_id = sqlite3_column_int64(st, 12);
	c->status_active = sqlite3_column_int(st, 15) != 0;
	c->address_id = sqlite3_column_int64(st, 13);
	c->id_enc_len = sqlite3_column_bytes(st, 14);
	if (c->id_enc_len > (int)sizeof(c->id_enc))
		c->id_enc_len = 0;
	else
		memcpy(c->id_enc, sqlite3_column_blob(st, 14), (size_t)c->id_enc_len);
	sqlite3_reset(st);
	return RC_OK;
}

static void note(json_t *changes, const char *field, const char *old, const char *now)
{
	if (now != NULL && strcmp(old, now) != 0)
		json_object_set_new(changes, field, json_pack("[s,s]", old, now));
}

int resident_update(struct db *db, int64_t id, const struct resident_in *in,
		    const struct location *loc, const struct actor *who, struct refusal *no)
{
	struct current c;
	int rc = load_current(db, id, &c);
	if (rc != RC_OK)
		return rc;
	rc = check_fields(in, false, no);
	if (rc != RC_OK)
		return rc;
	char number[40] = "", idmask[48] = "", phmask[24] = "";
	bool identity = in->id_number || in->id_type || in->birth_date || in->gender;
	if (identity) {
		/* Check the identity as it will be, with the stored number when
		 * only the type or the birth date changes. */
		if (in->id_number) {
			snprintf(number, sizeof(number), "%s", in->id_number);
		} else if (c.id_enc_len == 0 ||
			   sec_open(number, FIELD_ID, c.id_enc, (size_t)c.id_enc_len) != 0) {
			return RC_INTERNAL;
		}
		normalize_citizen_id(number);
		const char *type = in->id_type ? in->id_type : c.id_type;
		rc = check_identity(type, number, in->birth_date ? in->birth_date : c.birth_date,
				    in->gender ? in->gender : c.gender, no);
		if (rc != RC_OK)
			return rc;
		mask_id(type, number, idmask, sizeof(idmask));
	}
	if (in->phone && *in->phone)
		mask_phone(in->phone, phmask, sizeof(phmask));

	json_t *changes = json_object();
	note(changes, "name", c.name, in->name);
	note(changes, "gender", c.gender, in->gender);
	note(changes, "birth_date", c.birth_date, in->birth_date);
	note(changes, "id_type", c.id_type, in->id_type);
	if (in->id_number)
		note(changes, "id_number", c.id_mask, idmask);
	if (in->phone)
		note(changes, "phone", c.phone_mask, phmask);
	note(changes, "ethnicity", c.ethnicity, in->ethnicity);
	note(changes, "residence_type", c.residence_type, in->residence_type);
	note(changes, "employment", c.employment, in->employment);
	note(changes, "relation", c.relation, in->relation);
	note(changes, "moved_in_on", c.moved_in_on, in->moved_in_on);
	if (loc != NULL) {
		note(changes, "grid", c.code, loc->code);
		if (loc->address_id != c.address_id)
			json_object_set_new(changes, "address",
					    json_pack("[I,I]", (json_int_t)c.address_id,
						      (json_int_t)loc->address_id));
		if (loc->household_id != c.household_id)
			json_object_set_new(changes, "household",
					    json_pack("[I,I]", (json_int_t)c.household_id,
						      (json_int_t)loc->household_id));
	}
	if (json_object_size(changes) == 0) {
		json_decref(changes);
		return RC_OK;
	}
	sqlite3_stmt *st = db_stmt(
		db, "UPDATE residents SET name = coalesce(?1, name), gender = coalesce(?2, gender),"
		    " birth_date = coalesce(?3, birth_date), id_type = coalesce(?4, id_type),"
		    " id_enc = CASE WHEN ?5 THEN ?6 ELSE id_enc END,"
		    " id_blind = CASE WHEN ?5 THEN ?7 ELSE id_blind END,"
		    " id_mask = CASE WHEN ?5 THEN ?8 ELSE id_mask END,"
		    " phone_enc = CASE WHEN ?9 THEN ?10 ELSE phone_enc END,"
		    " phone_blind = CASE WHEN ?9 THEN ?11 ELSE phone_blind END,"
		    " phone_mask = CASE WHEN ?9 THEN ?12 ELSE phone_mask END,"
		    " ethnicity = coalesce(?13, ethnicity), residence_type = coalesce(?14, "
		    "residence_type),"
		    " employment = coalesce(?15, employment), relation = coalesce(?16, relation),"
		    " moved_in_on = coalesce(?17, moved_in_on),"
		    " household_id = CASE WHEN ?18 THEN ?19 ELSE household_id END,"
		    " address_id = CASE WHEN ?18 THEN ?20 ELSE address_id END,"
		    " code = CASE WHEN ?18 THEN ?21 ELSE code END,"
		    " version = version + 1, updated_at = ?22 WHERE id = ?23");
	if (st == NULL) {
		json_decref(changes);
		return RC_INTERNAL;
	}
	db_bind_text(st, 1, in->name);
	db_bind_text(st, 2, in->gender);
	db_bind_text(st, 3, in->birth_date);
	db_bind_text(st, 4, in->id_type);
	sqlite3_bind_int(st, 5, identity);
	if (identity) {
		bind_sealed(st, 6, FIELD_ID, number);
		bind_blind(st, 7, "id_number", number);
		db_bind_text(st, 8, idmask);
	}
	sqlite3_bind_int(st, 9, in->phone != NULL);
	if (in->phone && *in->phone) {
		bind_sealed(st, 10, FIELD_PHONE, in->phone);
		bind_blind(st, 11, "phone", in->phone);
		db_bind_text(st, 12, phmask);
	}
	db_bind_text(st, 13, in->ethnicity);
	db_bind_text(st, 14, in->residence_type);
	db_bind_text(st, 15, in->employment);
	db_bind_text(st, 16, in->relation);
	db_bind_text(st, 17, in->moved_in_on);
	sqlite3_bind_int(st, 18, loc != NULL);
	if (loc != NULL) {
		if (loc->household_id)
			sqlite3_bind_int64(st, 19, loc->household_id);
		sqlite3_bind_int64(st, 20, loc->address_id);
		db_bind_text(st, 21, loc->code);
	}
	sqlite3_bind_int64(st, 22, clock_now());
	sqlite3_bind_int64(st, 23, id);
	int src = sqlite3_step(st);
	sqlite3_reset(st);
	sec_wipe(number, sizeof(number));
	if (src != SQLITE_DONE) {
		json_decref(changes);
		rc = db_rc(db, src);
		if (rc == RC_CONFLICT)
			refuse(no, "id_number", "this identity number is registered already");
		return rc;
	}
	if (loc != NULL && c.household_id != 0 && loc->household_id != c.household_id &&
	    (rc = release_head(db, c.household_id, id, who)) != RC_OK) {
		json_decref(changes);
		return rc;
	}
	if (in->name || loc != NULL) {
		rc = search_put(db, SEARCH_RESIDENT, id, in->name ? in->name : c.name,
				loc ? loc->code : c.code, c.status_active);
		if (rc != RC_OK) {
			json_decref(changes);
			return rc;
		}
	}
	return registry_version(db, "resident", id, who, changes);
}

int resident_code(struct db *db, int64_t id, char code[16])
{
	return registry_code(db, db_stmt(db, "SELECT code FROM residents WHERE id = ?"), id, code);
}

/* Columns of a resident row; resident_row() reads them in this order. */
#define RESIDENT_COLUMNS                                                                          \
	" r.id, r.name, r.gender, r.birth_date, r.id_type, r.id_mask, r.phone_mask,"              \
	" r.ethnicity, r.residence_type, r.employment, r.relation, r.household_id,"               \
	" r.address_id, r.code, r.moved_in_on, r.moved_out_on, r.status, r.version,"              \
	" (SELECT " ADDRESS_TEXT_SQL " FROM addresses a JOIN buildings b ON b.id = a.building_id" \
	"  WHERE a.id = r.address_id),"                                                           \
	" (SELECT o.name FROM org o WHERE o.code = r.code),"                                      \
	" (SELECT group_concat(t.tag || char(31) || t.attrs || char(31) || ifnull(t.since, ''),"  \
	"  char(30)) FROM resident_tags t WHERE t.resident_id = r.id)"

static void text_member(struct sbuf *b, const char *key, sqlite3_stmt *st, int i)
{
	sbuf_json_key(b, key);
	sbuf_json_str(b, sqlite3_column_type(st, i) == SQLITE_NULL ? NULL : db_col_text(st, i));
}

static void int_member(struct sbuf *b, const char *key, sqlite3_stmt *st, int i)
{
	sbuf_json_key(b, key);
	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		sbuf_puts(b, "null");
	else
		sbuf_json_int(b, sqlite3_column_int64(st, i));
}

/* The tags the principal may see, from "tag US attrs US since" records
 * separated by RS (attrs is JSON text checked when it was written). */
static void tags_member(struct sbuf *b, const char *all, const struct principal *p,
			const char *code)
{
	sbuf_json_key(b, "tags");
	sbuf_puts(b, "[");
	bool first = true;
	while (all != NULL && *all != '\0') {
		const char *end = strchr(all, '\x1e'), *us1 = strchr(all, '\x1f');
		if (end == NULL)
			end = all + strlen(all);
		const char *us2 = us1 && us1 < end ? strchr(us1 + 1, '\x1f') : NULL;
		if (us2 == NULL || us2 > end)
			break;
		char tag[64];
		snprintf(tag, sizeof(tag), "%.*s", (int)(us1 - all), all);
		const struct tag_def *def = tag_find(tag);
		if (def != NULL && tag_visible(p, def, code)) {
			sbuf_puts(b, first ? "{" : ",{");
			first = false;
			sbuf_json_key(b, "tag");
			sbuf_json_str(b, tag);
			sbuf_json_key(b, "attrs");
			sbuf_append(b, us1 + 1, (size_t)(us2 - us1 - 1));
			sbuf_json_key(b, "since");
			if (us2 + 1 == end) {
				sbuf_puts(b, "null");
			} else {
				char since[32];
				snprintf(since, sizeof(since), "%.*s", (int)(end - us2 - 1),
					 us2 + 1);
				sbuf_json_str(b, since);
			}
			sbuf_puts(b, "}");
		}
		all = *end ? end + 1 : end;
	}
	sbuf_puts(b, "]");
}

/* A resident as JSON text, written directly: this is the registry's most
 * frequent reply, and building it as a jansson tree and dumping that cost
 * as much as the query.  The tags are those the principal may see. */
static void resident_text(sqlite3_stmt *st, const struct principal *p, struct sbuf *b)
{
	const char *code = db_col_text(st, 13);
	sbuf_puts(b, "{");
	int_member(b, "id", st, 0);
	sbuf_json_key(b, "name");
	sbuf_json_str(b, db_col_text(st, 1));
	sbuf_json_key(b, "gender");
	sbuf_json_str(b, db_col_text(st, 2));
	sbuf_json_key(b, "birth_date");
	sbuf_json_str(b, db_col_text(st, 3));
	sbuf_json_key(b, "age");
	sbuf_json_int(b, registry_age(db_col_text(st, 3)));
	static const struct {
		const char *key;
		int col;
	} texts[] = {{"id_type", 4},    {"id_number", 5}, {"ethnicity", 7}, {"residence_type", 8},
		     {"employment", 9}, {"relation", 10}, {"code", 13},     {"status", 16}};
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		sbuf_json_key(b, texts[i].key);
		sbuf_json_str(b, db_col_text(st, texts[i].col));
	}
	int_member(b, "version", st, 17);
	text_member(b, "phone", st, 6);
	int_member(b, "household_id", st, 11);
	int_member(b, "address_id", st, 12);
	text_member(b, "moved_in_on", st, 14);
	text_member(b, "moved_out_on", st, 15);
	text_member(b, "address", st, 18);
	text_member(b, "grid_name", st, 19);
	tags_member(b, sqlite3_column_type(st, 20) == SQLITE_NULL ? NULL : db_col_text(st, 20), p,
		    code);
	sbuf_puts(b, "}");
}

/* The same resident as a jansson object, for lists, households and
 * replies to writes. */
static json_t *resident_row(sqlite3_stmt *st, const struct principal *p)
{
	struct sbuf b = {0};
	resident_text(st, p, &b);
	json_error_t err;
	json_t *o = json_loadb(b.buf, b.len, 0, &err);
	sbuf_free(&b);
	return o;
}

int resident_text_get(struct db *db, int64_t id, const struct principal *p, struct sbuf *b,
		      char code[16])
{
	sqlite3_stmt *st =
		db_stmt(db, "SELECT" RESIDENT_COLUMNS " FROM residents r WHERE r.id = ?");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	int src = sqlite3_step(st), rc = RC_NOT_FOUND;
	if (src == SQLITE_ROW) {
		snprintf(code, 16, "%s", db_col_text(st, 13));
		resident_text(st, p, b);
		rc = RC_OK;
	} else if (src != SQLITE_DONE) {
		rc = db_rc(db, src);
	}
	sqlite3_reset(st);
	return rc;
}

int resident_json(struct db *db, int64_t id, const struct principal *p, json_t **out_new)
{
	struct sbuf b = {0};
	char code[16];
	int rc = resident_text_get(db, id, p, &b, code);
	if (rc == RC_OK) {
		json_error_t err;
		*out_new = json_loadb(b.buf, b.len, 0, &err);
		if (*out_new == NULL)
			rc = RC_INTERNAL;
	}
	sbuf_free(&b);
	return rc;
}

int resident_unmask(struct db *db, int64_t id, char *id_number, size_t idlen, char *phone,
		    size_t phonelen)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT id_enc, phone_enc FROM residents WHERE id = ?");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	int src = sqlite3_step(st), rc = RC_NOT_FOUND;
	phone[0] = '\0';
	if (src == SQLITE_ROW) {
		size_t n = (size_t)sqlite3_column_bytes(st, 0);
		size_t m = (size_t)sqlite3_column_bytes(st, 1);
		rc = RC_INTERNAL;
		if (n >= SEC_SEAL_OVERHEAD && n - SEC_SEAL_OVERHEAD < idlen &&
		    sec_open(id_number, FIELD_ID, sqlite3_column_blob(st, 0), n) == 0)
			rc = RC_OK;
		if (rc == RC_OK && m > 0 &&
		    (m - SEC_SEAL_OVERHEAD >= phonelen ||
		     sec_open(phone, FIELD_PHONE, sqlite3_column_blob(st, 1), m) != 0))
			rc = RC_INTERNAL;
	}
	sqlite3_reset(st);
	return rc;
}

int resident_tag_set(struct db *db, int64_t id, const char *tag, const json_t *attrs,
		     const char *since, const struct actor *who)
{
	sqlite3_stmt *st =
		db_stmt(db, "SELECT attrs FROM resident_tags WHERE resident_id = ? AND tag = ?");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	db_bind_text(st, 2, tag);
	json_t *old = NULL;
	if (sqlite3_step(st) == SQLITE_ROW) {
		json_error_t err;
		old = json_loads(db_col_text(st, 0), 0, &err);
	}
	sqlite3_reset(st);
	json_t *none = attrs ? NULL : json_object();
	char *text = json_dumps(attrs ? attrs : none, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(none);
	st = db_stmt(db,
		     "INSERT INTO resident_tags (resident_id, tag, attrs, since) VALUES (?,?,?,?)"
		     " ON CONFLICT (resident_id, tag) DO UPDATE SET attrs = excluded.attrs,"
		     " since = coalesce(excluded.since, since)");
	if (st == NULL) {
		free(text);
		json_decref(old);
		return RC_INTERNAL;
	}
	sqlite3_bind_int64(st, 1, id);
	db_bind_text(st, 2, tag);
	db_bind_text(st, 3, text);
	db_bind_text(st, 4, since);
	int rc = db_step_done(db, st);
	json_error_t err;
	json_t *now = json_loads(text, 0, &err);
	free(text);
	if (rc != RC_OK) {
		json_decref(old);
		json_decref(now);
		return rc;
	}
	char field[64];
	snprintf(field, sizeof(field), "tag.%s", tag);
	json_t *changes = json_object();
	if (old == NULL || !json_equal(old, now))
		json_object_set_new(changes, field,
				    json_pack("[o,O]", old ? old : json_null(), now));
	else
		json_decref(old);
	json_decref(now);
	return registry_version(db, "resident", id, who, changes);
}

int resident_tag_del(struct db *db, int64_t id, const char *tag, const struct actor *who)
{
	sqlite3_stmt *st =
		db_stmt(db, "DELETE FROM resident_tags WHERE resident_id = ? AND tag = ?");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	db_bind_text(st, 2, tag);
	int rc = db_step_done(db, st);
	if (rc != RC_OK)
		return rc;
	if (db_changes(db) == 0)
		return RC_NOT_FOUND;
	char field[64];
	snprintf(field, sizeof(field), "tag.%s", tag);
	return registry_version(db, "resident", id, who, json_pack("{s:[b,n]}", field, 1));
}

int resident_move(struct db *db, int64_t id, bool in, const struct location *loc, const char *on,
		  const char *place, const char *reason, const struct actor *who)
{
	struct current c;
	int rc = load_current(db, id, &c);
	if (rc != RC_OK)
		return rc;
	sqlite3_stmt *st =
		db_stmt(db, "INSERT INTO resident_moves (resident_id, kind, on_date,"
			    " place, reason, recorded_by, recorded_at) VALUES (?,?,?,?,?,?,?)");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	db_bind_text(st, 2, in ? "in" : "out");
	db_bind_text(st, 3, on);
	db_bind_text(st, 4, place ? place : "");
	db_bind_text(st, 5, reason ? reason : "");
	if (who->id)
		sqlite3_bind_int64(st, 6, who->id);
	sqlite3_bind_int64(st, 7, clock_now());
	rc = db_step_done(db, st);
	if (rc != RC_OK)
		return rc;
	if (in) {
		st = db_stmt(db,
			     "UPDATE residents SET status = 'active', moved_in_on = ?1,"
			     " moved_out_on = NULL, household_id = ?2, address_id = ?3, code = ?4,"
			     " version = version + 1, updated_at = ?5 WHERE id = ?6");
		if (st == NULL)
			return RC_INTERNAL;
		db_bind_text(st, 1, on);
		if (loc->household_id)
			sqlite3_bind_int64(st, 2, loc->household_id);
		sqlite3_bind_int64(st, 3, loc->address_id);
		db_bind_text(st, 4, loc->code);
	} else {
		st = db_stmt(db, "UPDATE residents SET status = 'moved_out', moved_out_on = ?1,"
				 " version = version + 1, updated_at = ?5 WHERE id = ?6");
		if (st == NULL)
			return RC_INTERNAL;
		db_bind_text(st, 1, on);
	}
	sqlite3_bind_int64(st, 5, clock_now());
	sqlite3_bind_int64(st, 6, id);
	rc = db_step_done(db, st);
	if (rc == RC_OK)
		rc = search_put(db, SEARCH_RESIDENT, id, c.name, in ? loc->code : c.code, in);
	if (rc != RC_OK)
		return rc;
	return registry_version(db, "resident", id, who,
				json_pack("{s:[s,s], s:[n,s]}", "status",
					  in ? "moved_out" : "active", in ? "active" : "moved_out",
					  in ? "moved_in_on" : "moved_out_on", on));
}

json_t *resident_moves_json(struct db *db, int64_t id)
{
	json_t *arr = json_array();
	sqlite3_stmt *st = db_stmt(db, "SELECT kind, on_date, place, reason FROM resident_moves"
				       " WHERE resident_id = ? ORDER BY on_date DESC, id DESC");
	if (st == NULL)
		return arr;
	sqlite3_bind_int64(st, 1, id);
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(arr,
				      json_pack("{s:s, s:s, s:s, s:s}", "kind", db_col_text(st, 0),
						"on", db_col_text(st, 1), "place",
						db_col_text(st, 2), "reason", db_col_text(st, 3)));
	sqlite3_reset(st);
	return arr;
}

/* Filters shared by every way of listing residents (parameters 3 to 8). */
#define RESIDENT_FILTER                                                                 \
	" AND (?3 IS NULL OR r.residence_type = ?3) AND (?4 IS NULL OR r.status = ?4)"  \
	" AND (?5 IS NULL OR r.birth_date <= ?5) AND (?6 IS NULL OR r.birth_date > ?6)" \
	" AND (?7 IS NULL OR r.household_id = ?7)"                                      \
	" AND (?8 IS NULL OR EXISTS (SELECT 1 FROM resident_tags t WHERE"               \
	"  t.resident_id = r.id AND t.tag = ?8))"
#define IN_ROOTS                                                           \
	" EXISTS (SELECT 1 FROM json_each(?1) rt WHERE r.code >= rt.value" \
	"  AND r.code < rt.value || ';')"

static void bind_filter(sqlite3_stmt *st, const struct resident_filter *f)
{
	char born_before[11], born_after[11];
	db_bind_text(st, 1, f->roots);
	if (f->match)
		db_bind_text(st, 2, f->match);
	else if (f->blind)
		sqlite3_bind_blob(st, 2, f->blind, SEC_HASH_BYTES, SQLITE_TRANSIENT);
	else if (f->tag)
		db_bind_text(st, 2, f->tag);
	db_bind_text(st, 3, f->residence_type);
	db_bind_text(st, 4, f->status);
	if (f->age_min >= 0) {
		registry_years_ago(f->age_min, born_before);
		db_bind_text(st, 5, born_before);
	}
	if (f->age_max >= 0) {
		registry_years_ago(f->age_max + 1, born_after);
		db_bind_text(st, 6, born_after);
	}
	if (f->household_id)
		sqlite3_bind_int64(st, 7, f->household_id);
	if (f->tag && (f->match || f->blind))
		db_bind_text(st, 8, f->tag);
	sqlite3_bind_int64(st, 9, f->limit);
	sqlite3_bind_int64(st, 10, f->offset);
}

/* The count and list statements of the access path the filter calls for:
 * the full-text index for a text query, the keyed hashes for an exact
 * number, the tag index for a tag, else the grid codes of the scope. */
static int statements(struct db *db, const struct resident_filter *f, sqlite3_stmt **count,
		      sqlite3_stmt **list)
{
	bool only_text = f->residence_type == NULL && f->age_min < 0 && f->age_max < 0 &&
			 f->household_id == 0 && f->tag == NULL &&
			 (f->status == NULL || strcmp(f->status, "active") == 0);
	if (f->match && only_text) {
		/* The index alone answers: scope and status are tokens of it. */
		*count = db_stmt(
			db, "SELECT count(*) FROM search WHERE search MATCH ?2 AND rowid % 8 = 1");
		*list = db_stmt(db, "SELECT" RESIDENT_COLUMNS " FROM search s JOIN residents r"
				    " ON r.id = s.rowid / 8 WHERE search MATCH ?2 AND s.rowid % 8 "
				    "= 1" RESIDENT_FILTER " ORDER BY s.rowid LIMIT ?9 OFFSET ?10");
	} else if (f->match) {
		*count = db_stmt(
			db, "SELECT count(*) FROM search s JOIN residents r ON r.id = s.rowid / 8"
			    " WHERE search MATCH ?2 AND s.rowid % 8 = 1" RESIDENT_FILTER);
		*list = db_stmt(db, "SELECT" RESIDENT_COLUMNS " FROM search s JOIN residents r"
				    " ON r.id = s.rowid / 8 WHERE search MATCH ?2 AND s.rowid % 8 "
				    "= 1" RESIDENT_FILTER " ORDER BY s.rowid LIMIT ?9 OFFSET ?10");
	} else if (f->blind) {
		*count = db_stmt(db, "SELECT count(*) FROM residents r WHERE (r.id_blind = ?2"
				     " OR r.phone_blind = ?2) AND" IN_ROOTS RESIDENT_FILTER);
		*list = db_stmt(db,
				"SELECT" RESIDENT_COLUMNS " FROM residents r WHERE (r.id_blind = ?2"
				" OR r.phone_blind = ?2) AND" IN_ROOTS RESIDENT_FILTER
				" ORDER BY r.id LIMIT ?9 OFFSET ?10");
	} else if (f->tag) {
		*count = db_stmt(
			db,
			"SELECT count(*) FROM resident_tags tg JOIN residents r"
			" ON r.id = tg.resident_id WHERE tg.tag = ?2 AND" IN_ROOTS RESIDENT_FILTER);
		*list = db_stmt(
			db,
			"SELECT" RESIDENT_COLUMNS " FROM resident_tags tg JOIN residents r"
			" ON r.id = tg.resident_id WHERE tg.tag = ?2 AND" IN_ROOTS RESIDENT_FILTER
			" ORDER BY r.id LIMIT ?9 OFFSET ?10");
	} else {
		*count = db_stmt(db, "SELECT count(*) FROM json_each(?1) rt JOIN residents r"
				     " ON r.code >= rt.value AND r.code < rt.value || ';'"
				     " WHERE 1" RESIDENT_FILTER);
		*list = db_stmt(db,
				"SELECT" RESIDENT_COLUMNS " FROM json_each(?1) rt JOIN residents r"
				" ON r.code >= rt.value AND r.code < rt.value || ';' WHERE "
				"1" RESIDENT_FILTER " ORDER BY r.code, r.id LIMIT ?9 OFFSET ?10");
	}
	return *count && *list ? RC_OK : RC_INTERNAL;
}

int residents_each(struct db *db, const struct resident_filter *f, const struct principal *p,
		   int (*fn)(void *ctx, json_t *row), void *ctx)
{
	sqlite3_stmt *count, *list;
	int rc = statements(db, f, &count, &list);
	if (rc != RC_OK)
		return rc;
	bind_filter(list, f);
	int src;
	while ((src = sqlite3_step(list)) == SQLITE_ROW) {
		json_t *row = resident_row(list, p);
		int stop = fn(ctx, row);
		json_decref(row);
		if (stop)
			break;
	}
	sqlite3_reset(list);
	return src == SQLITE_ROW || src == SQLITE_DONE ? RC_OK : db_rc(db, src);
}

static int append_row(void *ctx, json_t *row)
{
	json_array_append(ctx, row);
	return 0;
}

int residents_list(struct db *db, const struct resident_filter *f, const struct principal *p,
		   json_t **items_new, int64_t *total)
{
	sqlite3_stmt *count, *list;
	int rc = statements(db, f, &count, &list);
	if (rc != RC_OK)
		return rc;
	bind_filter(count, f);
	int src = sqlite3_step(count);
	*total = src == SQLITE_ROW ? sqlite3_column_int64(count, 0) : 0;
	sqlite3_reset(count);
	if (src != SQLITE_ROW)
		return db_rc(db, src);
	json_t *items = json_array();
	rc = residents_each(db, f, p, append_row, items);
	if (rc != RC_OK) {
		json_decref(items);
		return rc;
	}
	*items_new = items;
	return RC_OK;
}

/* ---- households ---- */

int household_insert(struct db *db, const struct location *loc, const char *number,
		     const struct actor *who, int64_t *id)
{
	int64_t now = clock_now();
	sqlite3_stmt *st =
		db_stmt(db, "INSERT INTO households (address_id, code, number, created_at,"
			    " updated_at) VALUES (?, ?, ?, ?, ?)");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, loc->address_id);
	db_bind_text(st, 2, loc->code);
	db_bind_text(st, 3, number ? number : "");
	sqlite3_bind_int64(st, 4, now);
	sqlite3_bind_int64(st, 5, now);
	int rc = db_step_done(db, st);
	if (rc != RC_OK)
		return rc;
	*id = db_last_id(db);
	return registry_version(db, "household", *id, who,
				json_pack("{s:[n,I], s:[n,s]}", "address",
					  (json_int_t)loc->address_id, "number",
					  number ? number : ""));
}

int household_update(struct db *db, int64_t id, const char *number, int64_t head_id,
		     const struct actor *who, struct refusal *no)
{
	sqlite3_stmt *st =
		db_stmt(db, "SELECT number, ifnull(head_id, 0) FROM households WHERE id = ?");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		return RC_NOT_FOUND;
	}
	json_t *changes = json_object();
	note(changes, "number", db_col_text(st, 0), number);
	int64_t old_head = sqlite3_column_int64(st, 1);
	sqlite3_reset(st);
	if (head_id) {
		st = db_stmt(db, "SELECT 1 FROM residents WHERE id = ? AND household_id = ?");
		if (st == NULL) {
			json_decref(changes);
			return RC_INTERNAL;
		}
		sqlite3_bind_int64(st, 1, head_id);
		sqlite3_bind_int64(st, 2, id);
		bool member = sqlite3_step(st) == SQLITE_ROW;
		sqlite3_reset(st);
		if (!member) {
			json_decref(changes);
			return refuse(no, "head_id", "the head must be a member of the household");
		}
		if (head_id != old_head)
			json_object_set_new(
				changes, "head",
				json_pack("[I,I]", (json_int_t)old_head, (json_int_t)head_id));
	}
	st = db_stmt(
		db,
		"UPDATE households SET number = coalesce(?1, number),"
		" head_id = CASE WHEN ?2 THEN ?2 ELSE head_id END, updated_at = ?3 WHERE id = ?4");
	if (st == NULL) {
		json_decref(changes);
		return RC_INTERNAL;
	}
	db_bind_text(st, 1, number);
	sqlite3_bind_int64(st, 2, head_id);
	sqlite3_bind_int64(st, 3, clock_now());
	sqlite3_bind_int64(st, 4, id);
	int rc = db_step_done(db, st);
	if (rc == RC_OK)
		return registry_version(db, "household", id, who, changes);
	json_decref(changes);
	return rc;
}

int household_claim_head(struct db *db, int64_t household_id, int64_t resident_id,
			 const struct actor *who)
{
	sqlite3_stmt *st = db_stmt(db, "UPDATE households SET head_id = ?, updated_at = ?"
				       " WHERE id = ? AND head_id IS NULL");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, resident_id);
	sqlite3_bind_int64(st, 2, clock_now());
	sqlite3_bind_int64(st, 3, household_id);
	int rc = db_step_done(db, st);
	if (rc != RC_OK || db_changes(db) == 0)
		return rc;
	return registry_version(db, "household", household_id, who,
				json_pack("{s:[n,I]}", "head", (json_int_t)resident_id));
}

/* A head who leaves the household is its head no more. */
static int release_head(struct db *db, int64_t household_id, int64_t resident_id,
			const struct actor *who)
{
	sqlite3_stmt *st = db_stmt(db, "UPDATE households SET head_id = NULL, updated_at = ?"
				       " WHERE id = ? AND head_id = ?");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, clock_now());
	sqlite3_bind_int64(st, 2, household_id);
	sqlite3_bind_int64(st, 3, resident_id);
	int rc = db_step_done(db, st);
	if (rc != RC_OK || db_changes(db) == 0)
		return rc;
	return registry_version(db, "household", household_id, who,
				json_pack("{s:[I,n]}", "head", (json_int_t)resident_id));
}

int household_code(struct db *db, int64_t id, char code[16])
{
	return registry_code(db, db_stmt(db, "SELECT code FROM households WHERE id = ?"), id, code);
}

int household_json(struct db *db, int64_t id, const struct principal *p, json_t **out_new)
{
	sqlite3_stmt *st = db_stmt(
		db, "SELECT h.id, h.address_id, h.code, h.number, h.head_id, " ADDRESS_TEXT_SQL ","
		    " a.building_id, (SELECT o.name FROM org o WHERE o.code = h.code),"
		    " (SELECT x.id FROM houses x WHERE x.address_id = h.address_id),"
		    " (SELECT x.occupancy FROM houses x WHERE x.address_id = h.address_id),"
		    " (SELECT x.area FROM houses x WHERE x.address_id = h.address_id)"
		    " FROM households h JOIN addresses a ON a.id = h.address_id"
		    " JOIN buildings b ON b.id = a.building_id WHERE h.id = ?");
	if (st == NULL)
		return RC_INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		return RC_NOT_FOUND;
	}
	json_t *o = json_pack("{s:I, s:I, s:s, s:s, s:s, s:I, s:s}", "id",
			      (json_int_t)sqlite3_column_int64(st, 0), "address_id",
			      (json_int_t)sqlite3_column_int64(st, 1), "code", db_col_text(st, 2),
			      "number", db_col_text(st, 3), "address", db_col_text(st, 5),
			      "building_id", (json_int_t)sqlite3_column_int64(st, 6), "grid_name",
			      db_col_text(st, 7));
	json_object_set_new(o, "head_id", db_col_json(st, 4));
	json_object_set_new(o, "house",
			    sqlite3_column_type(st, 8) == SQLITE_NULL
				    ? json_null()
				    : json_pack("{s:I, s:s, s:o}", "id",
						(json_int_t)sqlite3_column_int64(st, 8),
						"occupancy", db_col_text(st, 9), "area",
						db_col_json(st, 10)));
	sqlite3_reset(st);
	json_t *members = json_array();
	st = db_stmt(db, "SELECT" RESIDENT_COLUMNS " FROM residents r WHERE r.household_id = ?"
			 " ORDER BY r.status, r.relation <> 'self', r.birth_date");
	if (st == NULL) {
		json_decref(o);
		return RC_INTERNAL;
	}
	sqlite3_bind_int64(st, 1, id);
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(members, resident_row(st, p));
	sqlite3_reset(st);
	json_object_set_new(o, "members", members);
	*out_new = o;
	return RC_OK;
}

static json_t *household_row(sqlite3_stmt *st)
{
	return json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:I}", "id",
			 (json_int_t)sqlite3_column_int64(st, 0), "address_id",
			 (json_int_t)sqlite3_column_int64(st, 1), "code", db_col_text(st, 2),
			 "number", db_col_text(st, 3), "address", db_col_text(st, 4), "head_name",
			 db_col_text(st, 5), "members", (json_int_t)sqlite3_column_int64(st, 6));
}

int households_list(struct db *db, const char *roots, int64_t address_id,
		    const struct list_rows *rows, json_t **items_new, int64_t *total)
{
#define HOUSEHOLDS_FROM                                                                            \
	" FROM json_each(?1) rt JOIN households h ON h.code >= rt.value AND h.code < rt.value || " \
	"';'"                                                                                      \
	" JOIN addresses a ON a.id = h.address_id JOIN buildings b ON b.id = a.building_id"        \
	" WHERE (?2 IS NULL OR h.address_id = ?2)"
	struct list_query q = {roots, address_id, NULL, rows};
	return registry_list(
		db, db_stmt(db, "SELECT count(*)" HOUSEHOLDS_FROM),
		db_stmt(db, "SELECT h.id, h.address_id, h.code, h.number, " ADDRESS_TEXT_SQL
			    ", (SELECT name FROM residents WHERE id = h.head_id),"
			    " (SELECT count(*) FROM residents x WHERE x.household_id = h.id"
			    "  AND x.status = 'active')" HOUSEHOLDS_FROM
			    " ORDER BY h.code, h.id LIMIT ?3 OFFSET ?4"),
		&q, household_row, items_new, total);
#undef HOUSEHOLDS_FROM
}
