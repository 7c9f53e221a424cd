/*
 * Unit tests of core/secure.h: tokens, hashing, the deployment key file and
 * its subkeys, Argon2id password hashes and generated passwords.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <ftw.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/secure.h"

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

static void rm_tree(const char *dir)
{
	nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

struct fixture {
	char dir[32];
	char path[64];
};

static int setup_dir(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	if (fx == NULL)
		return -1;
	snprintf(fx->dir, sizeof(fx->dir), "/tmp/gr-secure-XXXXXX");
	if (mkdtemp(fx->dir) == NULL) {
		free(fx);
		return -1;
	}
	snprintf(fx->path, sizeof(fx->path), "%s/grassroots.db.key", fx->dir);
	*state = fx;
	return 0;
}

static int teardown_dir(void **state)
{
	struct fixture *fx = *state;
	rm_tree(fx->dir);
	free(fx);
	return 0;
}

static int group_setup(void **state)
{
	(void)state;
	return sec_init(2) == 0 ? 0 : -1;
}

/* ---- tokens and hashes ---- */

static void test_token_is_43_url_safe_chars_and_fresh(void **state)
{
	(void)state;
	char seen[20][SEC_TOKEN_CHARS + 1];
	for (int i = 0; i < 20; i++) {
		char *t = seen[i];
		memset(t, '#', SEC_TOKEN_CHARS + 1);
		sec_token(t);
		assert_int_equal(strlen(t), SEC_TOKEN_CHARS);
		assert_int_equal(SEC_TOKEN_CHARS, 43);
		for (const char *p = t; *p; p++)
			if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
			      (*p >= '0' && *p <= '9') || *p == '-' || *p == '_'))
				fail_msg("token %s holds '%c'", t, *p);
		for (int k = 0; k < i; k++)
			assert_string_not_equal(seen[k], t);
	}
}

static void test_hash_keyed_and_unkeyed(void **state)
{
	(void)state;
	unsigned char h[SEC_HASH_BYTES], h2[SEC_HASH_BYTES];
	unsigned char k1[SEC_KEY_BYTES], k2[SEC_KEY_BYTES];
	unsigned char kh1[SEC_HASH_BYTES], kh2[SEC_HASH_BYTES], kh1b[SEC_HASH_BYTES];
	char hex[2 * SEC_HASH_BYTES + 1];

	/* Unkeyed: BLAKE2b-256 test vector. */
	sec_hash(h, "abc", 3, NULL);
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	assert_string_equal(hex,
			    "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319");
	sec_hash(h2, "abd", 3, NULL);
	assert_false(sec_equal(h, h2, SEC_HASH_BYTES));

	memset(k1, 1, sizeof(k1));
	memset(k2, 2, sizeof(k2));
	sec_hash(kh1, "abc", 3, k1);
	sec_hash(kh1b, "abc", 3, k1);
	sec_hash(kh2, "abc", 3, k2);
	assert_true(sec_equal(kh1, kh1b, SEC_HASH_BYTES)); /* deterministic */
	assert_false(sec_equal(kh1, h, SEC_HASH_BYTES));   /* keyed != unkeyed */
	assert_false(sec_equal(kh1, kh2, SEC_HASH_BYTES)); /* key matters */

	/* Empty input hashes fine too. */
	sec_hash(h2, "", 0, NULL);
	assert_false(sec_equal(h, h2, SEC_HASH_BYTES));
}

static void test_equal(void **state)
{
	(void)state;
	unsigned char a[32], b[32];
	memset(a, 7, sizeof(a));
	memcpy(b, a, sizeof(b));
	assert_true(sec_equal(a, b, sizeof(a)));
	b[31] ^= 1;
	assert_false(sec_equal(a, b, sizeof(a)));
	assert_true(sec_equal(a, b, 31)); /* only n bytes compared */
	b[31] ^= 1;
	b[0] ^= 0x80;
	assert_false(sec_equal(a, b, sizeof(a)));
	assert_true(sec_equal(a, b, 0));
}

/* ---- deployment key ---- */

struct subkeys {
	unsigned char k[4][SEC_KEY_BYTES];
};

static void get_subkeys(struct subkeys *s)
{
	static const enum sec_subkey which[4] = {SUBKEY_AUDIT, SUBKEY_FIELD, SUBKEY_BLIND,
						 SUBKEY_APIKEY};
	for (int i = 0; i < 4; i++)
		memcpy(s->k[i], sec_subkey(which[i]), SEC_KEY_BYTES);
}

static void test_key_create_then_load(void **state)
{
	struct fixture *fx = *state;
	assert_int_equal(sec_key_load(fx->path, true), 0);
	assert_true(sec_key_loaded());

	struct stat st;
	assert_int_equal(stat(fx->path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);

	char buf[200] = "";
	FILE *f = fopen(fx->path, "r");
	assert_non_null(f);
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	size_t hexlen = strspn(buf, "0123456789abcdefABCDEF");
	assert_int_equal(hexlen, 64);
	assert_true(buf[64] == '\n' || buf[64] == '\0');

	struct subkeys created, other, loaded;
	get_subkeys(&created);
	/* The four purposes get four different keys. */
	for (int i = 0; i < 4; i++)
		for (int k = 0; k < i; k++)
			assert_false(sec_equal(created.k[i], created.k[k], SEC_KEY_BYTES));

	/* Switch to another key, then load the file again. */
	unsigned char key[SEC_KEY_BYTES];
	memset(key, 0x33, sizeof(key));
	sec_key_set(key);
	get_subkeys(&other);
	assert_false(sec_equal(other.k[0], created.k[0], SEC_KEY_BYTES));

	assert_int_equal(sec_key_load(fx->path, false), 0);
	get_subkeys(&loaded);
	assert_memory_equal(&loaded, &created, sizeof(created));

	/* create=true with an existing file loads it, never replaces it. */
	sec_key_set(key);
	assert_int_equal(sec_key_load(fx->path, true), 0);
	get_subkeys(&loaded);
	assert_memory_equal(&loaded, &created, sizeof(created));

	/* The file holds the key itself: setting it gives the same subkeys. */
	unsigned char raw[SEC_KEY_BYTES];
	size_t got = 0;
	assert_int_equal(sodium_hex2bin(raw, sizeof(raw), buf, 64, NULL, &got, NULL), 0);
	assert_int_equal(got, SEC_KEY_BYTES);
	sec_key_set(key);
	sec_key_set(raw);
	get_subkeys(&loaded);
	assert_memory_equal(&loaded, &created, sizeof(created));
}

static void test_key_two_files_differ(void **state)
{
	struct fixture *fx = *state;
	char second[80];
	snprintf(second, sizeof(second), "%s/second.key", fx->dir);
	struct subkeys a, b;
	assert_int_equal(sec_key_load(fx->path, true), 0);
	get_subkeys(&a);
	assert_int_equal(sec_key_load(second, true), 0);
	get_subkeys(&b);
	assert_false(sec_equal(a.k[0], b.k[0], SEC_KEY_BYTES));
}

static void test_key_missing_file_without_create_fails(void **state)
{
	struct fixture *fx = *state;
	assert_int_equal(sec_key_load(fx->path, false), -1);
	assert_int_equal(access(fx->path, F_OK), -1); /* nothing created */

	/* A directory that does not exist cannot receive a new key. */
	char nodir[96];
	snprintf(nodir, sizeof(nodir), "%s/no/such/dir.key", fx->dir);
	assert_int_equal(sec_key_load(nodir, true), -1);
}

static void test_key_malformed_files_fail(void **state)
{
	struct fixture *fx = *state;
	static const char *const bad[] = {
		"",
		"\n",
		"not a key at all\n",
		/* 62 hex digits */
		"00112233445566778899aabbccddeeff00112233445566778899aabbccddee\n",
		/* 66 hex digits */
		"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff00\n",
		/* 64 characters, one not hex */
		"00112233445566778899aabbccddeeff00112233445566778899aabbccddeefg\n",
	};
	unsigned char key[SEC_KEY_BYTES];
	memset(key, 0x44, sizeof(key));
	sec_key_set(key);
	struct subkeys before, after;
	get_subkeys(&before);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		write_file(fx->path, bad[i]);
		if (sec_key_load(fx->path, false) != -1)
			fail_msg("key file '%s' was accepted", bad[i]);
		/* create=true must not overwrite a bad file either. */
		assert_int_equal(sec_key_load(fx->path, true), -1);
	}
	get_subkeys(&after);
	assert_memory_equal(&before, &after, sizeof(before));

	/* A well-formed file with upper-case digits and CRLF is fine. */
	write_file(fx->path,
		   "00112233445566778899AABBCCDDEEFF00112233445566778899AABBCCDDEEFF\r\n");
	assert_int_equal(sec_key_load(fx->path, false), 0);
}

/* ---- passwords ---- */

static void test_password_hash_verify_and_rehash(void **state)
{
	(void)state;
	char h1[crypto_pwhash_STRBYTES], h2[crypto_pwhash_STRBYTES];
	const char *pw = "网格员的密码 correct horse";
	assert_int_equal(sec_password_hash(h1, sizeof(h1), pw), 0);
	assert_true(strncmp(h1, "$argon2id$v=19$m=19456,t=2,", 27) == 0);
	assert_true(sec_password_verify(h1, pw));
	assert_false(sec_password_verify(h1, "网格员的密码 correct hors"));
	assert_false(sec_password_verify(h1, ""));
	assert_false(sec_password_needs_rehash(h1));

	/* The same password hashes differently each time (random salt). */
	assert_int_equal(sec_password_hash(h2, sizeof(h2), pw), 0);
	assert_string_not_equal(h1, h2);

	/* A hash made with weaker parameters still verifies but asks for a
	 * rehash. */
	char weak[crypto_pwhash_STRBYTES];
	assert_int_equal(crypto_pwhash_str(weak, pw, strlen(pw), crypto_pwhash_OPSLIMIT_MIN,
					   crypto_pwhash_MEMLIMIT_MIN),
			 0);
	assert_true(sec_password_needs_rehash(weak));
	assert_true(sec_password_verify(weak, pw));

	/* A damaged stored hash never authenticates. */
	assert_false(sec_password_verify("", pw));
	assert_false(sec_password_verify("$argon2id$v=19$m=19456,t=2,p=1$garbage", pw));

	/* Too small an output buffer is refused rather than overrun. */
	char tiny[16];
	assert_int_equal(sec_password_hash(tiny, sizeof(tiny), pw), -1);
}

static bool in_alphabet(char c)
{
	return strchr("abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789", c) != NULL;
}

static void test_random_password(void **state)
{
	(void)state;
	char a[33], b[33];
	memset(a, '#', sizeof(a));
	sec_random_password(a, 32);
	sec_random_password(b, 32);
	assert_int_equal(strlen(a), 32);
	assert_int_equal(strlen(b), 32);
	assert_string_not_equal(a, b);
	/* Unambiguous: never 0 O o 1 l I. */
	char many[2001];
	sec_random_password(many, 2000);
	assert_int_equal(strlen(many), 2000);
	for (size_t i = 0; i < 2000; i++)
		if (!in_alphabet(many[i]) || strchr("0Oo1lI", many[i]) != NULL)
			fail_msg("password character '%c'", many[i]);
	/* With 2000 draws every class shows up. */
	assert_true(strpbrk(many, "abcdefghijkmnpqrstuvwxyz") != NULL);
	assert_true(strpbrk(many, "ABCDEFGHJKLMNPQRSTUVWXYZ") != NULL);
	assert_true(strpbrk(many, "23456789") != NULL);

	char empty[1] = {'#'};
	sec_random_password(empty, 0);
	assert_string_equal(empty, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_token_is_43_url_safe_chars_and_fresh),
		cmocka_unit_test(test_hash_keyed_and_unkeyed),
		cmocka_unit_test(test_equal),
		cmocka_unit_test_setup_teardown(test_key_create_then_load, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_key_two_files_differ, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_key_missing_file_without_create_fails,
						setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_key_malformed_files_fail, setup_dir,
						teardown_dir),
		cmocka_unit_test(test_password_hash_verify_and_rehash),
		cmocka_unit_test(test_random_password),
	};
	return cmocka_run_group_tests_name("secure", tests, group_setup, NULL) != 0;
}
