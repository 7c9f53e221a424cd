/*
 * libsodium wrappers.  Argon2id parameters follow the OWASP minimum
 * (2 passes, 19 MiB); a semaphore caps parallel hashes so a burst of logins
 * cannot exhaust memory.
 */
#include "core/secure.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <semaphore.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/log.h"

#define PW_OPSLIMIT 2ULL
#define PW_MEMLIMIT (19U * 1024U * 1024U)

static sem_t hash_slots;
static unsigned char master_key[SEC_KEY_BYTES];
static unsigned char subkeys[5][SEC_KEY_BYTES];
static bool key_loaded;
static char dummy_hash[crypto_pwhash_STRBYTES];

int sec_init(int max_parallel_hashes)
{
	if (sodium_init() < 0)
		return -1;
	if (max_parallel_hashes < 1)
		max_parallel_hashes = 1;
	if (sem_init(&hash_slots, 0, (unsigned)max_parallel_hashes) != 0)
		return -1;
	return 0;
}

void sec_random(void *buf, size_t n)
{
	randombytes_buf(buf, n);
}

void sec_token(char *out)
{
	unsigned char raw[32];
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(out, SEC_TOKEN_CHARS + 1, raw, sizeof(raw),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

void sec_hash(unsigned char out[SEC_HASH_BYTES], const void *data, size_t n,
	      const unsigned char *key)
{
	crypto_generichash(out, SEC_HASH_BYTES, data, n, key, key ? SEC_KEY_BYTES : 0);
}

bool sec_equal(const void *a, const void *b, size_t n)
{
	return sodium_memcmp(a, b, n) == 0;
}

static void derive_subkeys(void)
{
	for (int i = 1; i < 5; i++)
		crypto_kdf_derive_from_key(subkeys[i], SEC_KEY_BYTES, (uint64_t)i, "grassrt_",
					   master_key);
	key_loaded = true;
}

void sec_key_set(const unsigned char key[SEC_KEY_BYTES])
{
	memcpy(master_key, key, SEC_KEY_BYTES);
	derive_subkeys();
}

bool sec_key_loaded(void)
{
	return key_loaded;
}

const unsigned char *sec_subkey(enum sec_subkey which)
{
	return subkeys[which];
}

static int key_create(const char *path)
{
	unsigned char key[SEC_KEY_BYTES];
	char hex[SEC_KEY_BYTES * 2 + 2];
	randombytes_buf(key, sizeof(key));
	sodium_bin2hex(hex, sizeof(hex), key, sizeof(key));
	hex[SEC_KEY_BYTES * 2] = '\n';
	hex[SEC_KEY_BYTES * 2 + 1] = '\0';
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd < 0) {
		log_error("cannot create key file %s: %s", path, strerror(errno));
		return -1;
	}
	size_t len = strlen(hex);
	if (write(fd, hex, len) != (ssize_t)len || fsync(fd) != 0) {
		log_error("cannot write key file %s: %s", path, strerror(errno));
		close(fd);
		unlink(path);
		return -1;
	}
	close(fd);
	sec_key_set(key);
	sodium_memzero(key, sizeof(key));
	return 0;
}

int sec_key_load(const char *path, bool create)
{
	FILE *f = fopen(path, "r");
	if (f == NULL) {
		if (errno == ENOENT && create)
			return key_create(path);
		log_error("cannot read key file %s: %s (run `grassroots init` to create it)", path,
			  strerror(errno));
		return -1;
	}
	char line[256];
	unsigned char key[SEC_KEY_BYTES];
	size_t got = 0;
	int rc = -1;
	if (fgets(line, sizeof(line), f) != NULL &&
	    sodium_hex2bin(key, sizeof(key), line, strlen(line), " \r\n", &got, NULL) == 0 &&
	    got == SEC_KEY_BYTES) {
		sec_key_set(key);
		rc = 0;
	} else {
		log_error("key file %s does not hold a 64-digit hex key", path);
	}
	fclose(f);
	sodium_memzero(key, sizeof(key));
	return rc;
}

int sec_password_hash(char *out, size_t outlen, const char *password)
{
	if (outlen < crypto_pwhash_STRBYTES)
		return -1;
	while (sem_wait(&hash_slots) != 0 && errno == EINTR)
		;
	int rc = crypto_pwhash_str(out, password, strlen(password), PW_OPSLIMIT, PW_MEMLIMIT);
	sem_post(&hash_slots);
	return rc == 0 ? 0 : -1;
}

bool sec_password_verify(const char *stored, const char *password)
{
	while (sem_wait(&hash_slots) != 0 && errno == EINTR)
		;
	int rc = crypto_pwhash_str_verify(stored, password, strlen(password));
	sem_post(&hash_slots);
	return rc == 0;
}

bool sec_password_needs_rehash(const char *stored)
{
	return crypto_pwhash_str_needs_rehash(stored, PW_OPSLIMIT, PW_MEMLIMIT) != 0;
}

static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void make_dummy_hash(void)
{
	if (sec_password_hash(dummy_hash, sizeof(dummy_hash), "grassroots-dummy") != 0)
		dummy_hash[0] = '\0';
}

void sec_password_dummy_verify(const char *password)
{
	/* A hash computed once per process; comparing against it costs the same
	 * as a real verification, so timing does not reveal unknown users. */
	pthread_once(&dummy_once, make_dummy_hash);
	if (dummy_hash[0] != '\0')
		(void)sec_password_verify(dummy_hash, password);
}

void sec_random_password(char *out, size_t len)
{
	static const char alphabet[] = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
	for (size_t i = 0; i < len; i++)
		out[i] = alphabet[randombytes_uniform(sizeof(alphabet) - 1)];
	out[len] = '\0';
}

void sec_seal(unsigned char *out, const char *field, const void *value, size_t n)
{
	unsigned char *nonce = out;
	randombytes_buf(nonce, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
	crypto_aead_xchacha20poly1305_ietf_encrypt(
		out + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, NULL, value, n,
		(const unsigned char *)field, strlen(field), NULL, nonce, subkeys[SUBKEY_FIELD]);
}

int sec_open(char *out, const char *field, const unsigned char *sealed, size_t n)
{
	if (n < SEC_SEAL_OVERHEAD)
		return -1;
	unsigned long long len = 0;
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(
		    (unsigned char *)out, &len, NULL,
		    sealed + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
		    n - crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, (const unsigned char *)field,
		    strlen(field), sealed, subkeys[SUBKEY_FIELD]) != 0)
		return -1;
	out[len] = '\0';
	return 0;
}

void sec_blind(unsigned char out[SEC_HASH_BYTES], const char *field, const char *value)
{
	crypto_generichash_state st;
	crypto_generichash_init(&st, subkeys[SUBKEY_BLIND], SEC_KEY_BYTES, SEC_HASH_BYTES);
	crypto_generichash_update(&st, (const unsigned char *)field, strlen(field) + 1);
	crypto_generichash_update(&st, (const unsigned char *)value, strlen(value));
	crypto_generichash_final(&st, out, SEC_HASH_BYTES);
}

void sec_wipe(void *p, size_t n)
{
	sodium_memzero(p, n);
}
