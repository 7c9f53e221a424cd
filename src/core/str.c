/*
 * Byte buffers and string helpers.
 */
#include "core/str.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void sbuf_reserve(struct sbuf *b, size_t extra)
{
	if (b->len + extra + 1 <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < b->len + extra + 1)
		cap *= 2;
	char *p = realloc(b->buf, cap);
	if (p == NULL) {
		fputs("out of memory\n", stderr);
		abort();
	}
	b->buf = p;
	b->cap = cap;
}

void sbuf_append(struct sbuf *b, const void *data, size_t n)
{
	sbuf_reserve(b, n);
	if (n)
		memcpy(b->buf + b->len, data, n);
	b->len += n;
	b->buf[b->len] = '\0';
}

void sbuf_puts(struct sbuf *b, const char *s)
{
	sbuf_append(b, s, strlen(s));
}

void sbuf_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n > 0) {
		sbuf_reserve(b, (size_t)n);
		vsnprintf(b->buf + b->len, (size_t)n + 1, fmt, ap);
		b->len += (size_t)n;
	}
	va_end(ap);
}

void sbuf_json_str(struct sbuf *b, const char *s)
{
	if (s == NULL) {
		sbuf_append(b, "null", 4);
		return;
	}
	static const char hex[] = "0123456789abcdef";
	sbuf_append(b, "\"", 1);
	const char *run = s;
	for (;; s++) {
		unsigned char c = (unsigned char)*s;
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		sbuf_append(b, run, (size_t)(s - run));
		if (c == '\0')
			break;
		char esc[6] = {'\\', (char)c};
		size_t n = 2;
		switch (c) {
		case '"':
		case '\\': break;
		case '\n': esc[1] = 'n'; break;
		case '\r': esc[1] = 'r'; break;
		case '\t': esc[1] = 't'; break;
		default:
			memcpy(esc + 1, "u00", 3);
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
			n = 6;
		}
		sbuf_append(b, esc, n);
		run = s + 1;
	}
	sbuf_append(b, "\"", 1);
}

void sbuf_json_key(struct sbuf *b, const char *key)
{
	if (b->len > 0 && b->buf[b->len - 1] != '{')
		sbuf_append(b, ",", 1);
	sbuf_json_str(b, key);
	sbuf_append(b, ":", 1);
}

void sbuf_json_int(struct sbuf *b, int64_t v)
{
	char t[24], *q = t + sizeof(t);
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	do
		*--q = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (v < 0)
		*--q = '-';
	sbuf_append(b, q, (size_t)(t + sizeof(t) - q));
}

char *sbuf_steal(struct sbuf *b)
{
	if (b->buf == NULL)
		sbuf_reserve(b, 0), b->buf[0] = '\0';
	char *p = b->buf;
	b->buf = NULL;
	b->len = b->cap = 0;
	return p;
}

void sbuf_free(struct sbuf *b)
{
	free(b->buf);
	b->buf = NULL;
	b->len = b->cap = 0;
}

long utf8_count(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	long count = 0;

	while (i < n) {
		unsigned char c = p[i];
		size_t len;
		uint32_t cp;
		if (c < 0x80) {
			i++;
			count++;
			continue;
		} else if ((c & 0xE0) == 0xC0) {
			len = 2;
			cp = c & 0x1F;
		} else if ((c & 0xF0) == 0xE0) {
			len = 3;
			cp = c & 0x0F;
		} else if ((c & 0xF8) == 0xF0) {
			len = 4;
			cp = c & 0x07;
		} else {
			return -1;
		}
		if (i + len > n)
			return -1;
		for (size_t k = 1; k < len; k++) {
			if ((p[i + k] & 0xC0) != 0x80)
				return -1;
			cp = (cp << 6) | (p[i + k] & 0x3F);
		}
		if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
		    (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) || (cp >= 0xD800 && cp <= 0xDFFF))
			return -1;
		i += len;
		count++;
	}
	return count;
}

size_t utf8_prefix(const char *s, size_t max)
{
	size_t n = strnlen(s, max);
	if (n < max || s[n] == '\0')
		return n;
	/* s[n] starts the first character left out; back up over any
	 * continuation bytes so that it is whole. */
	while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	return n;
}

bool str_to_i64(const char *s, int64_t *out)
{
	if (s == NULL || *s == '\0')
		return false;
	const char *p = s;
	if (*p == '-')
		p++;
	if (!str_is_digits(p))
		return false;
	errno = 0;
	char *end = NULL;
	long long v = strtoll(s, &end, 10);
	if (errno != 0 || end == NULL || *end != '\0')
		return false;
	*out = (int64_t)v;
	return true;
}

bool str_is_digits(const char *s)
{
	if (s == NULL || *s == '\0')
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

void hex_encode(const unsigned char *in, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * n] = '\0';
}

bool str_starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}
