/*
 * FTS5 tokenizer for Chinese names and addresses.  Han characters become
 * one token each; FTS5 phrase queries over consecutive tokens then match
 * any substring.  Bigram schemes cannot find single-character queries,
 * which are the common case for surnames.
 */
#include "db/fts_tokenizer.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

static int decode(const unsigned char *s, int n, int i, uint32_t *cp)
{
	unsigned char c = s[i];
	int len;
	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if ((c & 0xE0) == 0xC0) {
		len = 2;
		*cp = c & 0x1F;
	} else if ((c & 0xF0) == 0xE0) {
		len = 3;
		*cp = c & 0x0F;
	} else if ((c & 0xF8) == 0xF0) {
		len = 4;
		*cp = c & 0x07;
	} else {
		*cp = 0xFFFD;
		return 1;
	}
	if (i + len > n) {
		*cp = 0xFFFD;
		return n - i;
	}
	for (int k = 1; k < len; k++)
		*cp = (*cp << 6) | (s[i + k] & 0x3F);
	return len;
}

/* CJK ideographs and the compatibility and extension blocks. */
static int is_han(uint32_t cp)
{
	return (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF) ||
	       (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x20000 && cp <= 0x3134F) ||
	       cp == 0x3007; /* 〇 */
}

static int is_word(uint32_t cp)
{
	return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
}

/* Full-width digits and letters count as their ASCII forms. */
static uint32_t fold(uint32_t cp)
{
	if (cp >= 0xFF10 && cp <= 0xFF19)
		return cp - 0xFF10 + '0';
	if (cp >= 0xFF21 && cp <= 0xFF3A)
		return cp - 0xFF21 + 'a';
	if (cp >= 0xFF41 && cp <= 0xFF5A)
		return cp - 0xFF41 + 'a';
	if (cp >= 'A' && cp <= 'Z')
		return cp + 32;
	return cp;
}

static int tok_create(void *ctx, const char **args, int nargs, Fts5Tokenizer **out)
{
	(void)ctx;
	(void)args;
	(void)nargs;
	static int dummy;
	*out = (Fts5Tokenizer *)&dummy;
	return SQLITE_OK;
}

static void tok_delete(Fts5Tokenizer *t)
{
	(void)t;
}

static int tok_tokenize(Fts5Tokenizer *t, void *ctx, int flags, const char *text, int n,
			int (*emit)(void *, int, const char *, int, int, int))
{
	(void)t;
	(void)flags;
	const unsigned char *s = (const unsigned char *)text;
	char word[64];
	int i = 0;
	while (i < n) {
		uint32_t cp;
		int len = decode(s, n, i, &cp);
		uint32_t f = fold(cp);
		if (is_han(cp)) {
			int rc = emit(ctx, 0, text + i, len, i, i + len);
			if (rc != SQLITE_OK)
				return rc;
			i += len;
			continue;
		}
		if (cp == '#' || is_word(f)) {
			/* A word, or a scope token '#' + digits. */
			int start = i, wl = 0;
			bool scope = cp == '#';
			if (scope) {
				word[wl++] = '#';
				i += len;
			}
			while (i < n) {
				uint32_t c2;
				int l2 = decode(s, n, i, &c2);
				uint32_t f2 = fold(c2);
				if (scope ? !(f2 >= '0' && f2 <= '9') : !is_word(f2))
					break;
				if (wl < (int)sizeof(word))
					word[wl++] = (char)f2;
				i += l2;
			}
			if (wl > (scope ? 1 : 0)) {
				int rc = emit(ctx, 0, word, wl, start, i);
				if (rc != SQLITE_OK)
					return rc;
			}
			continue;
		}
		i += len; /* punctuation and spaces separate tokens */
	}
	return SQLITE_OK;
}

static fts5_api *fts5_of(sqlite3 *db)
{
	fts5_api *api = NULL;
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
		sqlite3_step(st);
	}
	sqlite3_finalize(st);
	return api;
}

int fts_tokenizer_register(sqlite3 *db)
{
	static fts5_tokenizer tok = {tok_create, tok_delete, tok_tokenize};
	fts5_api *api = fts5_of(db);
	if (api == NULL)
		return SQLITE_ERROR;
	return api->xCreateTokenizer(api, "grassroots", NULL, &tok, NULL);
}
