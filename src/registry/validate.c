/*
 * Identifier checks.  The algorithms are the published ones: GB 11643-1999
 * (ISO 7064 MOD 11-2) and GB 32100-2015 (MOD 31 over a 31-character set).
 */
#include "registry/validate.h"

#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/str.h"

const char *const ID_TYPES[] = {"citizen", "passport", "hk_macao", "taiwan",
				"foreign_permanent", "other", NULL};
const char *const GENDERS[] = {"male", "female", NULL};
const char *const RELATIONS[] = {"self", "spouse", "child", "parent", "grandchild",
				 "grandparent", "sibling", "child_in_law", "other", NULL};
const char *const RESIDENCE_TYPES[] = {"registered", "permanent", "floating", NULL};
const char *const EMPLOYMENTS[] = {"employed", "self_employed", "farmer", "unemployed",
				   "retired", "student", "preschool", "other", NULL};
const char *const HOUSE_USES[] = {"residential", "commercial", "mixed", "office",
				  "industrial", "public", "other", NULL};
const char *const OWNERSHIPS[] = {"private", "public", "collective", "public_rental",
				  "enterprise", "other", NULL};
const char *const OCCUPANCIES[] = {"owner_occupied", "rented", "vacant", NULL};
const char *const UNIT_TYPES[] = {"enterprise", "individual_business", "public_institution",
				  "government", "social_organisation", "school", "medical",
				  "other", NULL};

bool one_of(const char *s, const char *const *choices)
{
	for (const char *const *c = choices; *c; c++)
		if (strcmp(s, *c) == 0)
			return true;
	return false;
}

/* Province-level codes of the mainland, Taiwan, Hong Kong and Macao. */
static bool province_ok(const char *s)
{
	static const char *const codes[] = {
		"11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34",
		"35", "36", "37", "41", "42", "43", "44", "45", "46", "50", "51", "52",
		"53", "54", "61", "62", "63", "64", "65", "71", "81", "82", NULL};
	for (const char *const *c = codes; *c; c++)
		if (s[0] == (*c)[0] && s[1] == (*c)[1])
			return true;
	return false;
}

char citizen_id_check_char(const char *first17)
{
	static const int w[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
	static const char map[] = "10X98765432";
	int sum = 0;
	for (int i = 0; i < 17; i++)
		sum += (first17[i] - '0') * w[i];
	return map[sum % 11];
}

void normalize_citizen_id(char *s)
{
	size_t n = strlen(s);
	if (n == 18 && s[17] == 'x')
		s[17] = 'X';
}

const char *check_citizen_id(const char *s, char birth[11])
{
	if (strlen(s) != 18)
		return "a citizen identity number has 18 characters";
	for (int i = 0; i < 17; i++)
		if (s[i] < '0' || s[i] > '9')
			return "the first 17 characters of a citizen identity number are digits";
	char last = s[17] == 'x' ? 'X' : s[17];
	if (!((last >= '0' && last <= '9') || last == 'X'))
		return "the last character of a citizen identity number is a digit or X";
	if (!province_ok(s))
		return "the first two digits are not a province code";
	char date[11];
	snprintf(date, sizeof(date), "%.4s-%.2s-%.2s", s + 6, s + 10, s + 12);
	int64_t t;
	if (clock_parse_iso(date, &t) != 0)
		return "the birth date inside the identity number is not a real date";
	char today[11];
	clock_civil_date(clock_now(), 0, today);
	if (strcmp(date, today) > 0)
		return "the birth date inside the identity number is in the future";
	if (citizen_id_check_char(s) != last)
		return "the check character does not match (a digit is mistyped)";
	if (birth != NULL)
		memcpy(birth, date, 11);
	return NULL;
}

static const char credit_chars[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

static int credit_value(char c)
{
	const char *p = c ? strchr(credit_chars, c) : NULL;
	return p ? (int)(p - credit_chars) : -1;
}

char credit_code_check_char(const char *first17)
{
	static const int w[17] = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};
	int sum = 0;
	for (int i = 0; i < 17; i++)
		sum += credit_value(first17[i]) * w[i];
	int c = 31 - sum % 31;
	return credit_chars[c == 31 ? 0 : c];
}

const char *check_credit_code(const char *s)
{
	if (strlen(s) != 18)
		return "a unified social credit code has 18 characters";
	for (int i = 0; i < 18; i++)
		if (credit_value(s[i]) < 0)
			return "a unified social credit code uses 0-9 and capital letters other than I, O, S, V, Z";
	for (int i = 2; i < 8; i++)
		if (s[i] < '0' || s[i] > '9')
			return "characters 3 to 8 are the region code";
	if (credit_code_check_char(s) != s[17])
		return "the check character does not match (a character is mistyped)";
	return NULL;
}

const char *check_mobile(const char *s)
{
	if (strlen(s) == 11 && s[0] == '1' && s[1] >= '3' && s[1] <= '9' && str_is_digits(s))
		return NULL;
	return "a mainland mobile number has 11 digits and starts with 13 to 19";
}

const char *check_ethnicity(const char *name)
{
	static const char *const groups[] = {
		"汉族", "蒙古族", "回族", "藏族", "维吾尔族", "苗族", "彝族", "壮族", "布依族",
		"朝鲜族", "满族", "侗族", "瑶族", "白族", "土家族", "哈尼族", "哈萨克族", "傣族",
		"黎族", "傈僳族", "佤族", "畲族", "高山族", "拉祜族", "水族", "东乡族", "纳西族",
		"景颇族", "柯尔克孜族", "土族", "达斡尔族", "仫佬族", "羌族", "布朗族", "撒拉族",
		"毛南族", "仡佬族", "锡伯族", "阿昌族", "普米族", "塔吉克族", "怒族", "乌孜别克族",
		"俄罗斯族", "鄂温克族", "德昂族", "保安族", "裕固族", "京族", "塔塔尔族", "独龙族",
		"鄂伦春族", "赫哲族", "门巴族", "珞巴族", "基诺族", "其他", NULL};
	return one_of(name, groups) ? NULL : "give one of the 56 ethnic groups (e.g. 汉族) or 其他";
}

void mask_id(const char *id_type, const char *value, char *out, size_t len)
{
	size_t n = strlen(value);
	if (strcmp(id_type, "citizen") == 0 && n == 18) {
		snprintf(out, len, "%.6s********%.4s", value, value + 14);
		return;
	}
	if (n <= 4) {
		snprintf(out, len, "****");
		return;
	}
	char stars[32];
	size_t k = n - 4 < sizeof(stars) - 1 ? n - 4 : sizeof(stars) - 1;
	memset(stars, '*', k);
	stars[k] = '\0';
	snprintf(out, len, "%.2s%s%.2s", value, stars, value + n - 2);
}

void mask_phone(const char *value, char *out, size_t len)
{
	size_t n = strlen(value);
	if (n >= 7)
		snprintf(out, len, "%.3s****%s", value, value + n - 4);
	else
		snprintf(out, len, "****");
}
