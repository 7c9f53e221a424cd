/*
 * Growable byte buffers and small string helpers shared by every layer:
 * UTF-8 checks, strict integer parsing, hex and base64url encoding.
 */
#ifndef GR_CORE_STR_H
#define GR_CORE_STR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sbuf {
	char *buf;
	size_t len;
	size_t cap;
};

/* Append n bytes; the buffer stays NUL-terminated.  Aborts on OOM. */
void sbuf_append(struct sbuf *b, const void *data, size_t n);
void sbuf_puts(struct sbuf *b, const char *s);
void sbuf_printf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Transfer the buffer to the caller (who frees it); b becomes empty. */
char *sbuf_steal(struct sbuf *b);
void sbuf_free(struct sbuf *b);

/* JSON text written straight into a buffer, for the hottest replies where
 * building a jansson tree costs more than the query.  A string is quoted
 * and escaped (s must be valid UTF-8); NULL writes null. */
void sbuf_json_str(struct sbuf *b, const char *s);
/* An object member's key: a comma first unless the object was just opened. */
void sbuf_json_key(struct sbuf *b, const char *key);
void sbuf_json_int(struct sbuf *b, int64_t v);

/* Number of code points in a valid UTF-8 string of n bytes, or -1 when the
 * bytes are not valid UTF-8 (overlongs and surrogates rejected). */
long utf8_count(const char *s, size_t n);

/* The length in bytes of the longest start of the valid UTF-8 string s
 * that has at most max bytes and ends on a character boundary: where to
 * cut s without splitting a character. */
size_t utf8_prefix(const char *s, size_t max);

/* Parse a whole decimal integer with optional leading '-'; no spaces, no
 * trailing bytes, no overflow.  Returns true and sets *out on success. */
bool str_to_i64(const char *s, int64_t *out);

/* True when s is non-empty and made of ASCII digits only. */
bool str_is_digits(const char *s);

/* Lower-case hex of n bytes into out (2n+1 bytes). */
void hex_encode(const unsigned char *in, size_t n, char *out);

/* True when s starts with prefix. */
bool str_starts(const char *s, const char *prefix);

#endif
