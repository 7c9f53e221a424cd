/*
 * Checks of the registry's national identifiers and closed vocabularies:
 * GB 11643 citizen identity numbers, GB 32100 unified social credit codes,
 * mainland mobile numbers, the 56 ethnic groups, and the masked display
 * forms of identity and phone numbers.
 */
#ifndef GR_REGISTRY_VALIDATE_H
#define GR_REGISTRY_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>

/* NULL when s is a valid 18-character citizen number (region, a real birth
 * date not in the future, ISO 7064 MOD 11-2 check character; a lower-case
 * x is accepted) and birth (YYYY-MM-DD) receives its birth date; otherwise
 * the reason. */
const char *check_citizen_id(const char *s, char birth[11]);
/* The check character of the first 17 digits of a citizen number. */
char citizen_id_check_char(const char *first17);
/* Upper-case the check character in place. */
void normalize_citizen_id(char *s);

/* NULL when s is a valid unified social credit code (18 characters of
 * 0-9 and A-Z without I, O, S, V, Z, a six-digit region code, the MOD 31
 * check character), else the reason. */
const char *check_credit_code(const char *s);
char credit_code_check_char(const char *first17);

/* NULL for a mainland mobile number (11 digits, 1[3-9]...). */
const char *check_mobile(const char *s);

/* NULL when name is one of the 56 ethnic groups (e.g. 汉族) or 其他. */
const char *check_ethnicity(const char *name);

/* 330681********1234 for citizen numbers, else first two and last two. */
void mask_id(const char *id_type, const char *value, char *out, size_t len);
/* 138****0000 */
void mask_phone(const char *value, char *out, size_t len);

/* True when s is one of the NULL-terminated choices. */
bool one_of(const char *s, const char *const *choices);

extern const char *const ID_TYPES[];
extern const char *const GENDERS[];
extern const char *const RELATIONS[];
extern const char *const RESIDENCE_TYPES[];
extern const char *const EMPLOYMENTS[];
extern const char *const HOUSE_USES[];
extern const char *const OWNERSHIPS[];
extern const char *const OCCUPANCIES[];
extern const char *const UNIT_TYPES[];

#endif
