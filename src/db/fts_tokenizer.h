/*
 * The full-text tokenizer "grassroots" for SQLite FTS5: one token per Han
 * character (so a phrase query finds any Chinese substring, even one
 * character long: "张" or "三" finds 张三), lower-cased words of ASCII letters
 * and digits otherwise, and scope tokens written as '#' followed by digits
 * (a division or grid code) kept whole.
 */
#ifndef GR_DB_FTS_TOKENIZER_H
#define GR_DB_FTS_TOKENIZER_H

#include <sqlite3.h>

/* Register the tokenizer on a connection.  Returns a SQLite result code. */
int fts_tokenizer_register(sqlite3 *db);

#endif
