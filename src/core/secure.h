/*
 * Cryptography through libsodium: random tokens, token hashing, the
 * deployment key file and the subkeys derived from it, and Argon2id password
 * hashing with a bound on how many hashes run at once.
 */
#ifndef GR_CORE_SECURE_H
#define GR_CORE_SECURE_H

#include <stdbool.h>
#include <stddef.h>

#define SEC_KEY_BYTES 32
#define SEC_HASH_BYTES 32
/* base64url (no padding) of 32 random bytes */
#define SEC_TOKEN_CHARS 43

enum sec_subkey {
	SUBKEY_AUDIT = 1,  /* keyed hash chaining the audit log */
	SUBKEY_FIELD = 2,  /* encryption of personal fields at rest */
	SUBKEY_BLIND = 3,  /* blind index for exact look-ups */
	SUBKEY_APIKEY = 4, /* hashing of machine API keys */
};

/* Initialise libsodium and the password-hash limiter; call once. */
int sec_init(int max_parallel_hashes);

void sec_random(void *buf, size_t n);
/* A fresh 32-byte random token, base64url without padding, in out
 * (SEC_TOKEN_CHARS + 1 bytes). */
void sec_token(char *out);
/* BLAKE2b-256 of data, optionally keyed (key may be NULL). */
void sec_hash(unsigned char out[SEC_HASH_BYTES], const void *data, size_t n,
	      const unsigned char *key);
/* Constant-time comparison of two equal-length buffers. */
bool sec_equal(const void *a, const void *b, size_t n);

/* Load the deployment key from path; with create set, make a new random key
 * file (mode 0600) when none exists.  Returns 0 or -1 with a message logged. */
int sec_key_load(const char *path, bool create);
bool sec_key_loaded(void);
/* The subkey for one purpose, derived from the deployment key. */
const unsigned char *sec_subkey(enum sec_subkey which);
/* Use key as the deployment key (tests). */
void sec_key_set(const unsigned char key[SEC_KEY_BYTES]);

/* Argon2id hash of password into out (crypto_pwhash_STRBYTES bytes).
 * Blocks while too many hashes are running.  Returns 0 or -1 (out of
 * memory). */
int sec_password_hash(char *out, size_t outlen, const char *password);
/* True when password matches the stored hash. */
bool sec_password_verify(const char *stored, const char *password);
/* True when stored was made with weaker parameters than today's. */
bool sec_password_needs_rehash(const char *stored);
/* Spend the same time as a verification, for unknown users. */
void sec_password_dummy_verify(const char *password);

/* Encryption of a personal field at rest: XChaCha20-Poly1305 with the
 * field subkey and the field's name as associated data (a value cannot be
 * moved to another field).  The sealed form is nonce || ciphertext || tag,
 * SEC_SEAL_OVERHEAD bytes longer than the value. */
#define SEC_SEAL_OVERHEAD (24 + 16)
void sec_seal(unsigned char *out, const char *field, const void *value, size_t n);
/* Open what sec_seal made; out receives n - SEC_SEAL_OVERHEAD bytes and a
 * NUL.  Returns 0, or -1 when the data was altered or the key differs. */
int sec_open(char *out, const char *field, const unsigned char *sealed, size_t n);
/* Keyed hash of a field value for exact look-ups without decrypting. */
void sec_blind(unsigned char out[SEC_HASH_BYTES], const char *field, const char *value);

/* Overwrite memory that held a secret (not optimised away). */
void sec_wipe(void *p, size_t n);

/* A random password of len characters from an unambiguous alphabet. */
void sec_random_password(char *out, size_t len);

#endif
