/*
 * Unit tests of the shared core: arena, string helpers, CSV reader, clock,
 * configuration and the table of error codes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <jansson.h>

#include <ctype.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdalign.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/csv.h"
#include "core/error.h"
#include "core/str.h"

/* ---- helpers ---- */

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
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

static bool aligned(const void *p)
{
	return ((uintptr_t)p % alignof(max_align_t)) == 0;
}

/* ---- arena ---- */

static void test_arena_many_small_allocations_keep_their_contents(void **state)
{
	(void)state;
	struct arena a = {0};
	enum { N = 5000 };
	unsigned char **ptrs = calloc(N, sizeof(*ptrs));
	assert_non_null(ptrs);
	for (size_t i = 0; i < N; i++) {
		size_t size = 1 + i % 97;
		ptrs[i] = arena_alloc(&a, size);
		assert_non_null(ptrs[i]);
		assert_true(aligned(ptrs[i]));
		memset(ptrs[i], (int)(i & 0xFF), size);
	}
	/* No allocation overlapped another. */
	for (size_t i = 0; i < N; i++) {
		size_t size = 1 + i % 97;
		for (size_t k = 0; k < size; k++)
			assert_int_equal(ptrs[i][k], i & 0xFF);
	}
	free(ptrs);
	arena_free(&a);
	assert_null(a.head);
}

static void test_arena_large_allocations_mixed_with_small(void **state)
{
	(void)state;
	struct arena a = {0};
	enum { N = 60 };
	unsigned char *ptrs[N];
	size_t sizes[N];
	for (size_t i = 0; i < N; i++) {
		/* Alternate small, just above the "big block" threshold, and
		 * much larger than a chunk. */
		sizes[i] = i % 3 == 0 ? 24 : i % 3 == 1 ? 2049 + i : 100000 + i * 7;
		ptrs[i] = arena_alloc(&a, sizes[i]);
		assert_non_null(ptrs[i]);
		assert_true(aligned(ptrs[i]));
		memset(ptrs[i], (int)(0x40 + i), sizes[i]);
	}
	for (size_t i = 0; i < N; i++) {
		assert_int_equal(ptrs[i][0], 0x40 + i);
		assert_int_equal(ptrs[i][sizes[i] - 1], 0x40 + i);
		assert_int_equal(ptrs[i][sizes[i] / 2], 0x40 + i);
	}
	/* Small allocations after a big block still work and do not overlap. */
	char *s1 = arena_strdup(&a, "after the big blocks");
	char *s2 = arena_strdup(&a, "another one");
	assert_string_equal(s1, "after the big blocks");
	assert_string_equal(s2, "another one");
	arena_free(&a);
}

static void test_arena_zero_size_and_calloc(void **state)
{
	(void)state;
	struct arena a = {0};
	void *p = arena_alloc(&a, 0);
	void *q = arena_alloc(&a, 0);
	assert_non_null(p);
	assert_non_null(q);
	assert_ptr_not_equal(p, q);

	/* Dirty some memory, free, and check calloc zeroes what it returns. */
	for (int i = 0; i < 20; i++)
		memset(arena_alloc(&a, 1000), 0xAB, 1000);
	arena_free(&a);
	unsigned char *z = arena_calloc(&a, 500, 8);
	for (size_t i = 0; i < 4000; i++)
		assert_int_equal(z[i], 0);
	unsigned char *big = arena_calloc(&a, 3, 10000);
	for (size_t i = 0; i < 30000; i++)
		assert_int_equal(big[i], 0);
	arena_free(&a);
}

static void test_arena_strings(void **state)
{
	(void)state;
	struct arena a = {0};
	assert_null(arena_strdup(&a, NULL));
	assert_null(arena_strndup(&a, NULL, 3));
	const char *src = "网格员";
	char *d = arena_strdup(&a, src);
	assert_string_equal(d, src);
	assert_ptr_not_equal(d, src);
	assert_string_equal(arena_strndup(&a, "abcdef", 3), "abc");
	/* n larger than the string stops at its NUL. */
	assert_string_equal(arena_strndup(&a, "ab", 10), "ab");
	assert_string_equal(arena_strndup(&a, "abc", 0), "");
	assert_string_equal(arena_strdup(&a, ""), "");

	assert_string_equal(arena_printf(&a, "%s-%d-%05.1f", "grid", 42, 3.14159), "grid-42-003.1");
	assert_string_equal(arena_printf(&a, "%s", ""), "");

	/* Output longer than a chunk. */
	char *long_src = malloc(20001);
	assert_non_null(long_src);
	memset(long_src, 'x', 20000);
	long_src[20000] = '\0';
	char *p = arena_printf(&a, "[%s]", long_src);
	assert_int_equal(strlen(p), 20002);
	assert_int_equal(p[0], '[');
	assert_int_equal(p[20001], ']');
	assert_int_equal(p[10000], 'x');
	free(long_src);
	arena_free(&a);
}

static void test_arena_reuse_after_free(void **state)
{
	(void)state;
	struct arena a = {0};
	for (int round = 0; round < 3; round++) {
		for (int i = 0; i < 100; i++) {
			char *s = arena_printf(&a, "round %d item %d", round, i);
			assert_non_null(s);
		}
		char *big = arena_alloc(&a, 50000);
		memset(big, 1, 50000);
		char *last = arena_printf(&a, "last of %d", round);
		assert_string_equal(last, round == 0   ? "last of 0"
					  : round == 1 ? "last of 1"
						       : "last of 2");
		arena_free(&a);
		assert_null(a.head);
	}
	/* Freeing an empty arena is harmless. */
	arena_free(&a);
	assert_null(a.head);
}

/* arena.h: "Return size bytes ... or abort".  A size so large that rounding
 * it up wraps around must not come back as a tiny block the caller would
 * overrun (arena_calloc(a, 1, SIZE_MAX) passes its own overflow check and
 * relies on this). */
static void test_arena_huge_size_never_returns_a_small_block(void **state)
{
	(void)state;
	static const size_t sizes[] = {SIZE_MAX, SIZE_MAX - 7};
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		fflush(NULL);
		pid_t pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			struct arena a = {0};
			void *p = arena_alloc(&a, sizes[i]);
			/* Reaching this line means a "successful" allocation. */
			_exit(p != NULL ? 0 : 3);
		}
		int status = 0;
		assert_int_equal(waitpid(pid, &status, 0), pid);
		if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
			fail_msg("arena_alloc(%zu) returned a block instead of aborting", sizes[i]);
	}
}

/* ---- strings ---- */

static void test_utf8_count_valid(void **state)
{
	(void)state;
	const char *zh = "基层治理网格化";
	assert_int_equal(strlen(zh), 21);
	assert_int_equal(utf8_count(zh, strlen(zh)), 7);
	assert_int_equal(utf8_count("", 0), 0);
	assert_int_equal(utf8_count("abc", 3), 3);
	assert_int_equal(utf8_count("a网b", strlen("a网b")), 3);
	/* Only n bytes are looked at; NUL counts as a character. */
	assert_int_equal(utf8_count("网格", 3), 1);
	assert_int_equal(utf8_count("a\0b", 3), 3);
	/* Boundaries of each encoding length. */
	assert_int_equal(utf8_count("\x7F", 1), 1);
	assert_int_equal(utf8_count("\xC2\x80", 2), 1);         /* U+0080 */
	assert_int_equal(utf8_count("\xDF\xBF", 2), 1);         /* U+07FF */
	assert_int_equal(utf8_count("\xE0\xA0\x80", 3), 1);     /* U+0800 */
	assert_int_equal(utf8_count("\xED\x9F\xBF", 3), 1);     /* U+D7FF */
	assert_int_equal(utf8_count("\xEE\x80\x80", 3), 1);     /* U+E000 */
	assert_int_equal(utf8_count("\xEF\xBF\xBF", 3), 1);     /* U+FFFF */
	assert_int_equal(utf8_count("\xF0\x90\x80\x80", 4), 1); /* U+10000 */
	assert_int_equal(utf8_count("\xF4\x8F\xBF\xBF", 4), 1); /* U+10FFFF */
	assert_int_equal(utf8_count("😀 ok", strlen("😀 ok")), 4);
}

static void test_utf8_prefix(void **state)
{
	(void)state;
	const char *zh = "a基层治理"; /* 1 + 4 × 3 bytes */
	assert_int_equal(utf8_prefix(zh, 100), 13);
	assert_int_equal(utf8_prefix(zh, 13), 13);
	assert_int_equal(utf8_prefix(zh, 12), 10);
	assert_int_equal(utf8_prefix(zh, 11), 10);
	assert_int_equal(utf8_prefix(zh, 10), 10);
	assert_int_equal(utf8_prefix(zh, 3), 1);
	assert_int_equal(utf8_prefix(zh, 1), 1);
	assert_int_equal(utf8_prefix(zh, 0), 0);
	assert_int_equal(utf8_prefix("", 5), 0);
	assert_int_equal(utf8_prefix("abc", 2), 2);
	assert_int_equal(utf8_prefix("😀x", 3), 0);
	assert_int_equal(utf8_prefix("😀x", 4), 4);
}

static void test_utf8_count_invalid(void **state)
{
	(void)state;
	static const struct {
		const char *bytes;
		size_t n;
		const char *what;
	} bad[] = {
		{"\xFF", 1, "0xFF byte"},
		{"\xFE", 1, "0xFE byte"},
		{"\xF8\x88\x80\x80\x80", 5, "5-byte form"},
		{"\x80", 1, "lone continuation byte"},
		{"ab\xBF", 3, "continuation after ASCII"},
		{"\xC0\xAF", 2, "overlong '/' in 2 bytes"},
		{"\xC1\xBF", 2, "overlong U+007F"},
		{"\xE0\x80\xAF", 3, "overlong '/' in 3 bytes"},
		{"\xE0\x9F\xBF", 3, "overlong U+07FF"},
		{"\xF0\x80\x80\xAF", 4, "overlong '/' in 4 bytes"},
		{"\xF0\x8F\xBF\xBF", 4, "overlong U+FFFF"},
		{"\xED\xA0\x80", 3, "surrogate U+D800"},
		{"\xED\xBF\xBF", 3, "surrogate U+DFFF"},
		{"\xED\xA0\xBD\xED\xB8\x80", 6, "CESU-8 surrogate pair"},
		{"\xF4\x90\x80\x80", 4, "above U+10FFFF"},
		{"\xE7\xBD", 2, "truncated 3-byte sequence"},
		{"\xE7", 1, "lead byte only"},
		{"\xF0\x9F\x98", 3, "truncated 4-byte sequence"},
		{"\xE7\xBD\x91\xE6", 4, "valid then truncated"},
		{"\xE7\x41\x91", 3, "ASCII where a continuation belongs"},
		{"\xC3\xC3", 2, "lead byte where a continuation belongs"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		long n = utf8_count(bad[i].bytes, bad[i].n);
		if (n != -1)
			fail_msg("%s: expected -1, got %ld", bad[i].what, n);
	}
	/* Cutting a valid string inside a character makes it invalid. */
	assert_int_equal(utf8_count("网格", 4), -1);
}

static void test_str_to_i64(void **state)
{
	(void)state;
	int64_t v = 0;
	assert_true(str_to_i64("0", &v));
	assert_int_equal(v, 0);
	assert_true(str_to_i64("-0", &v));
	assert_int_equal(v, 0);
	assert_true(str_to_i64("42", &v));
	assert_int_equal(v, 42);
	assert_true(str_to_i64("-42", &v));
	assert_true(v == -42);
	assert_true(str_to_i64("007", &v));
	assert_int_equal(v, 7);
	assert_true(str_to_i64("9223372036854775807", &v));
	assert_true(v == INT64_MAX);
	assert_true(str_to_i64("-9223372036854775808", &v));
	assert_true(v == INT64_MIN);

	static const char *const bad[] = {
		"",
		"-",
		"+1",
		" 1",
		"1 ",
		"1\n",
		"\t1",
		"1a",
		"a1",
		"0x10",
		"1.0",
		"1e3",
		"--1",
		"-+1",
		"9223372036854775808",
		"-9223372036854775809",
		"99999999999999999999999",
		"１２", /* full-width digits */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int64_t out = 12345;
		if (str_to_i64(bad[i], &out))
			fail_msg("'%s' was accepted as %lld", bad[i], (long long)out);
		assert_true(out == 12345); /* untouched on failure */
	}
	assert_false(str_to_i64(NULL, &v));
}

static void test_str_digits_and_prefix(void **state)
{
	(void)state;
	assert_true(str_is_digits("0123456789"));
	assert_false(str_is_digits(""));
	assert_false(str_is_digits(NULL));
	assert_false(str_is_digits("12 3"));
	assert_false(str_is_digits("-1"));
	assert_true(str_starts("330681109", "330681"));
	assert_true(str_starts("330681", ""));
	assert_true(str_starts("330681", "330681"));
	assert_false(str_starts("3306", "330681"));
	assert_false(str_starts("330682", "330681"));
}

static void test_hex_encode(void **state)
{
	(void)state;
	const unsigned char in[] = {0x00, 0x01, 0x0f, 0x10, 0xab, 0xcd, 0xef, 0xff};
	char out[2 * sizeof(in) + 1];
	memset(out, '?', sizeof(out));
	hex_encode(in, sizeof(in), out);
	assert_string_equal(out, "00010f10abcdefff");
	char empty[1] = {'?'};
	hex_encode(in, 0, empty);
	assert_string_equal(empty, "");
}

static void test_sbuf(void **state)
{
	(void)state;
	struct sbuf b = {0};
	sbuf_puts(&b, "grid ");
	sbuf_printf(&b, "%03d", 7);
	sbuf_append(&b, "\0x", 2); /* binary-safe, length counted */
	assert_int_equal(b.len, 10);
	assert_memory_equal(b.buf, "grid 007\0x", 10);
	assert_int_equal(b.buf[b.len], '\0');
	/* Growth well past the first allocation. */
	for (int i = 0; i < 1000; i++)
		sbuf_puts(&b, "0123456789");
	assert_int_equal(b.len, 10 + 10000);
	assert_int_equal(b.buf[b.len - 1], '9');
	char *s = sbuf_steal(&b);
	assert_null(b.buf);
	assert_int_equal(b.len, 0);
	assert_memory_equal(s, "grid 007", 8);
	free(s);
	/* Stealing an empty buffer gives an empty string the caller frees. */
	s = sbuf_steal(&b);
	assert_non_null(s);
	assert_string_equal(s, "");
	free(s);
	sbuf_free(&b);
}

static void test_sbuf_json(void **state)
{
	(void)state;
	/* Hand-written JSON text parses back to exactly the strings written:
	 * quotes, backslashes, control characters and Chinese text. */
	static const char *const values[] = {"张三", "say \"hi\"", "C:\\grid", "a\nb\tc\r",
					     "\x01\x1f end", "", "路/号"};
	struct sbuf b = {0};
	sbuf_puts(&b, "{");
	char key[8];
	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		snprintf(key, sizeof(key), "k%zu", i);
		sbuf_json_key(&b, key);
		sbuf_json_str(&b, values[i]);
	}
	sbuf_json_key(&b, "none");
	sbuf_json_str(&b, NULL);
	sbuf_json_key(&b, "n");
	sbuf_json_int(&b, -9007199254740993LL);
	sbuf_puts(&b, "}");
	json_error_t err;
	json_t *o = json_loadb(b.buf, b.len, JSON_REJECT_DUPLICATES, &err);
	assert_non_null(o);
	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		snprintf(key, sizeof(key), "k%zu", i);
		assert_string_equal(json_string_value(json_object_get(o, key)), values[i]);
	}
	assert_true(json_is_null(json_object_get(o, "none")));
	assert_true(json_integer_value(json_object_get(o, "n")) == -9007199254740993LL);
	json_decref(o);
	sbuf_free(&b);
}

/* ---- CSV ---- */

struct csvt {
	FILE *f;
	struct csv c;
};

static void csv_start(struct csvt *t, const char *text, size_t len)
{
	/* fmemopen refuses a zero-length buffer in some libcs; use a tmpfile. */
	t->f = tmpfile();
	assert_non_null(t->f);
	if (len)
		assert_int_equal(fwrite(text, 1, len, t->f), len);
	rewind(t->f);
	csv_open(&t->c, t->f);
}

static void csv_stop(struct csvt *t)
{
	csv_close(&t->c);
	fclose(t->f);
}

#define CSV_START(t, lit) csv_start((t), (lit), sizeof(lit) - 1)

static void expect_record(struct csv *c, long line, size_t n, ...)
{
	int got = csv_next(c);
	if (got != 1)
		fail_msg("expected a record at line %ld, got %d (%s)", line, got,
			 c->error ? c->error : "end");
	assert_int_equal(c->line, line);
	assert_int_equal(c->nfields, n);
	va_list ap;
	va_start(ap, n);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(c->fields[i], va_arg(ap, const char *));
	va_end(ap);
}

static void test_csv_plain_records(void **state)
{
	(void)state;
	struct csvt t;
	CSV_START(&t, "code,name\n110101,东城区\n,,\nlast,row");
	expect_record(&t.c, 1, 2, "code", "name");
	expect_record(&t.c, 2, 2, "110101", "东城区");
	expect_record(&t.c, 3, 3, "", "", "");
	expect_record(&t.c, 4, 2, "last", "row"); /* no final newline */
	assert_int_equal(csv_next(&t.c), 0);
	assert_int_equal(csv_next(&t.c), 0); /* end stays the end */
	csv_stop(&t);

	CSV_START(&t, "");
	assert_int_equal(csv_next(&t.c), 0);
	csv_stop(&t);
}

static void test_csv_quoted_fields(void **state)
{
	(void)state;
	struct csvt t;
	CSV_START(&t, "110101,\"东城区\",1101,11\n"
		      "\"a,b\",\"he said \"\"hi\"\"\",\"\"\n"
		      "\"\"\"\",x\n"
		      "\"trailing\",\n");
	expect_record(&t.c, 1, 4, "110101", "东城区", "1101", "11");
	expect_record(&t.c, 2, 3, "a,b", "he said \"hi\"", "");
	expect_record(&t.c, 3, 2, "\"", "x");
	expect_record(&t.c, 4, 2, "trailing", "");
	assert_int_equal(csv_next(&t.c), 0);
	csv_stop(&t);
}

static void test_csv_embedded_newlines_count_lines(void **state)
{
	(void)state;
	struct csvt t;
	CSV_START(&t, "h1,h2\n"
		      "\"line one\nline two\nline three\",x\n"
		      "next,\"a\r\nb\"\n"
		      "after,y\n");
	expect_record(&t.c, 1, 2, "h1", "h2");
	expect_record(&t.c, 2, 2, "line one\nline two\nline three", "x");
	expect_record(&t.c, 5, 2, "next", "a\r\nb"); /* inside quotes kept verbatim */
	expect_record(&t.c, 7, 2, "after", "y");
	assert_int_equal(csv_next(&t.c), 0);
	csv_stop(&t);
}

static void test_csv_crlf_and_bom(void **state)
{
	(void)state;
	struct csvt t;
	CSV_START(&t, "\xEF\xBB\xBF"
		      "code,name\r\n33,\"浙江省\"\r\n\r\n3306,绍兴市\r\n");
	expect_record(&t.c, 1, 2, "code", "name");
	expect_record(&t.c, 2, 2, "33", "浙江省");
	expect_record(&t.c, 3, 1, ""); /* blank line: one empty field */
	expect_record(&t.c, 4, 2, "3306", "绍兴市");
	assert_int_equal(csv_next(&t.c), 0);
	csv_stop(&t);

	/* A lone CR ends a record too. */
	CSV_START(&t, "a,b\rc,d");
	expect_record(&t.c, 1, 2, "a", "b");
	expect_record(&t.c, 2, 2, "c", "d");
	assert_int_equal(csv_next(&t.c), 0);
	csv_stop(&t);
}

/* csv.h: only a byte-order mark is skipped; a first field that starts with
 * another character encoded from 0xEF (U+F000-U+FFFF, e.g. the full-width
 * parenthesis of "（备注）") is read intact. */
static void test_csv_keeps_leading_bytes_that_are_not_a_bom(void **state)
{
	(void)state;
	static const struct {
		const char *text, *first;
	} cases[] = {
		{"（备注）,x\n", "（备注）"},
		{"\xEF\xBB"
		 "a,x\n",
		 "\xEF\xBB"
		 "a"},
		{"\xEF"
		 "a,x\n",
		 "\xEF"
		 "a"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct csvt t;
		csv_start(&t, cases[i].text, strlen(cases[i].text));
		int got = csv_next(&t.c);
		size_t nf = t.c.nfields;
		char first[64] = "", second[8] = "";
		if (got == 1 && nf == 2) {
			snprintf(first, sizeof(first), "%s", t.c.fields[0]);
			snprintf(second, sizeof(second), "%s", t.c.fields[1]);
		}
		csv_stop(&t);
		assert_int_equal(got, 1);
		assert_int_equal(nf, 2);
		assert_string_equal(second, "x");
		assert_memory_equal(first, cases[i].first, strlen(cases[i].first) + 1);
	}
}

static void test_csv_blank_lines(void **state)
{
	(void)state;
	struct csvt t;
	CSV_START(&t, "a\n\n\nb\n\n");
	expect_record(&t.c, 1, 1, "a");
	expect_record(&t.c, 2, 1, "");
	expect_record(&t.c, 3, 1, "");
	expect_record(&t.c, 4, 1, "b");
	expect_record(&t.c, 5, 1, "");
	assert_int_equal(csv_next(&t.c), 0);
	csv_stop(&t);
}

static void test_csv_long_fields_and_field_limit(void **state)
{
	(void)state;
	struct sbuf b = {0};
	for (int i = 0; i < 3000; i++)
		sbuf_puts(&b, "网");
	sbuf_puts(&b, ",\"");
	for (int i = 0; i < 5000; i++)
		sbuf_puts(&b, "q");
	sbuf_puts(&b, "\"\n");
	/* CSV_MAX_FIELDS fields are fine, one more is refused. */
	for (int i = 0; i < CSV_MAX_FIELDS; i++)
		sbuf_puts(&b, i ? ",f" : "f");
	sbuf_puts(&b, "\n");
	for (int i = 0; i <= CSV_MAX_FIELDS; i++)
		sbuf_puts(&b, i ? ",g" : "g");
	sbuf_puts(&b, "\nok\n");

	struct csvt t;
	csv_start(&t, b.buf, b.len);
	assert_int_equal(csv_next(&t.c), 1);
	assert_int_equal(t.c.nfields, 2);
	assert_int_equal(strlen(t.c.fields[0]), 9000);
	assert_int_equal(strlen(t.c.fields[1]), 5000);
	assert_int_equal(csv_next(&t.c), 1);
	assert_int_equal(t.c.nfields, CSV_MAX_FIELDS);
	assert_string_equal(t.c.fields[CSV_MAX_FIELDS - 1], "f");
	assert_int_equal(csv_next(&t.c), -1);
	assert_int_equal(t.c.line, 3);
	assert_non_null(t.c.error);
	expect_record(&t.c, 4, 1, "ok");
	csv_stop(&t);
	sbuf_free(&b);
}

static void expect_error(struct csv *c, long line, const char *why)
{
	int got = csv_next(c);
	if (got != -1)
		fail_msg("expected an error at line %ld, got %d", line, got);
	assert_int_equal(c->line, line);
	assert_non_null(c->error);
	assert_string_equal(c->error, why);
}

static void test_csv_errors_name_the_record_line(void **state)
{
	(void)state;
	struct csvt t;

	CSV_START(&t, "ok,1\n\"abc,2\n");
	expect_record(&t.c, 1, 2, "ok", "1");
	expect_error(&t.c, 2, "unterminated quoted field");
	csv_stop(&t);

	CSV_START(&t, "a,b\n\"abc\"d,e\n");
	expect_record(&t.c, 1, 2, "a", "b");
	expect_error(&t.c, 2, "text after a closing quote");
	csv_stop(&t);

	CSV_START(&t, "\"abc\" ,e\n");
	expect_error(&t.c, 1, "text after a closing quote");
	csv_stop(&t);

	CSV_START(&t, "x,ab\"c\n");
	expect_error(&t.c, 1, "quote inside an unquoted field");
	csv_stop(&t);

	/* After records spanning several lines the line is still right. */
	CSV_START(&t, "h\n\"one\ntwo\nthree\",1\n\"four\nfive\",2\nbad\"quote,3\n");
	expect_record(&t.c, 1, 1, "h");
	expect_record(&t.c, 2, 2, "one\ntwo\nthree", "1");
	expect_record(&t.c, 5, 2, "four\nfive", "2");
	expect_error(&t.c, 7, "quote inside an unquoted field");
	csv_stop(&t);

	CSV_START(&t, "h\n\"multi\nline\",1\n\"never\nclosed,2\n");
	expect_record(&t.c, 1, 1, "h");
	expect_record(&t.c, 2, 2, "multi\nline", "1");
	expect_error(&t.c, 4, "unterminated quoted field");
	csv_stop(&t);

	CSV_START(&t, "h\r\n\"a\r\nb\",1\r\n\"c\"x,2\r\n");
	expect_record(&t.c, 1, 1, "h");
	expect_record(&t.c, 2, 2, "a\r\nb", "1");
	expect_error(&t.c, 4, "text after a closing quote");
	csv_stop(&t);
}

static void test_csv_continues_after_a_bad_line(void **state)
{
	(void)state;
	struct csvt t;
	CSV_START(&t, "x\"y,1\nz,2\n");
	expect_error(&t.c, 1, "quote inside an unquoted field");
	expect_record(&t.c, 2, 2, "z", "2");
	assert_int_equal(csv_next(&t.c), 0);
	csv_stop(&t);
}

/* ---- clock ---- */

static void expect_parse(const char *s, int64_t want)
{
	int64_t got = -12345;
	if (clock_parse_iso(s, &got) != 0)
		fail_msg("'%s' was refused", s);
	if (got != want)
		fail_msg("'%s' gave %lld, expected %lld", s, (long long)got, (long long)want);
}

static void expect_refused(const char *s)
{
	int64_t got = 0;
	if (clock_parse_iso(s, &got) == 0)
		fail_msg("'%s' was accepted as %lld", s, (long long)got);
}

static void test_clock_parse_w3c(void **state)
{
	(void)state;
	static const struct {
		const char *s;
		int64_t want;
	} good[] = {
		{"2026-01-02", 1767312000},
		{"2026-01-02T03:04:05Z", 1767323045},
		{"2026-01-02T03:04Z", 1767323040},
		{"2026-01-02T03:04:05.678Z", 1767323045},
		{"2026-01-02T11:04:05+08:00", 1767323045},
		{"2026-01-02T11:04:05+0800", 1767323045},
		{"2026-01-02T11:04:05 08:00", 1767323045}, /* '+' lost in a query */
		{"2026-01-01T22:04:05-05:00", 1767323045},
		{"2026-01-02T00:30:00+08:00", 1767285000}, /* the day before in UTC */
	};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		int64_t got = 0;
		if (clock_parse_w3c(good[i].s, &got) != 0)
			fail_msg("'%s' was refused", good[i].s);
		if (got != good[i].want)
			fail_msg("'%s' gave %lld, expected %lld", good[i].s, (long long)got,
				 (long long)good[i].want);
	}
	static const char *const bad[] = {
		"",
		"2026-01",
		"2026-02-30",
		"2026-01-02T03:04:05",   /* no zone */
		"2026-01-02T03:04:05z",
		"2026-01-02 03:04:05Z",
		"2026-01-02T3:04:05Z",
		"2026-01-02T24:00:00Z",
		"2026-01-02T03:60Z",
		"2026-01-02T03:04:05.Z",
		"2026-01-02T03:04:05+8:00",
		"2026-01-02T03:04:05+08:0",
		"2026-01-02T03:04:05+24:00",
		"2026-01-02T03:04:05Zjunk",
		"2026-01-02T03:04:05+08:00x",
		"2026-01-02x",
		"yesterday",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int64_t got = 0;
		if (clock_parse_w3c(bad[i], &got) == 0)
			fail_msg("'%s' was accepted as %lld", bad[i], (long long)got);
	}
}

static void test_clock_parse_iso_valid(void **state)
{
	(void)state;
	expect_parse("1970-01-01", 0);
	expect_parse("1970-01-01T00:00:01Z", 1);
	expect_parse("2026-01-02", 1767312000);
	expect_parse("2026-01-02T03:04:05Z", 1767323045);
	expect_parse("2024-02-29", 1709164800);          /* leap year */
	expect_parse("2000-02-29T12:00:00Z", 951825600); /* divisible by 400 */
	expect_parse("2026-12-31T23:59:59Z", 1798761599);
	expect_parse("1900-01-01", -2208988800LL);
	expect_parse("9999-12-31T23:59:59Z", 253402300799LL);
}

static void test_clock_parse_iso_refuses_impossible_dates(void **state)
{
	(void)state;
	expect_refused("2023-02-29"); /* not a leap year */
	expect_refused("1900-02-29"); /* century, not a leap year */
	expect_refused("2100-02-29");
	expect_refused("2026-13-01"); /* month 13 */
	expect_refused("2026-00-10");
	expect_refused("2026-04-31");
	expect_refused("2026-01-32");
	expect_refused("2026-01-00");
	expect_refused("2026-01-02T24:00:00Z");
	expect_refused("2026-01-02T23:60:00Z");
	expect_refused("2026-01-02T23:59:60Z");
}

static void test_clock_parse_iso_refuses_bad_formats(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"",
		"2026",
		"2026-1-02",
		"2026-01-2",
		"2026/01/02",
		"20260102",
		"02-01-2026",
		"2026-01-02T03:04:05",
		"2026-01-02 03:04:05Z",
		"2026-01-02T03:04:05+08:00",
		"2026-01-02T03:04:05.000Z",
		"2026-01-02T03:04Z",
		"2026-01-02Z",
		"abcd-ef-gh",
		"2026-01-02x",
		" 2026-01-02",
		"2026-01-02 ",
		"2026-01-02t03:04:05z",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect_refused(bad[i]);
}

/* "YYYY-MM-DD" means digits only: signs and blanks inside must not pass. */
static void test_clock_parse_iso_refuses_signs_and_blanks_in_fields(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"2026-+1-02",           "2026-01- 2",           "2026-01-+2",
		"2026-01-02T+3:04:05Z", "2026-01-02T03: 4:05Z",
	};
	char accepted[256] = "";
	size_t used = 0;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int64_t t;
		if (clock_parse_iso(bad[i], &t) == 0 && used < sizeof(accepted))
			used += (size_t)snprintf(accepted + used, sizeof(accepted) - used, " '%s'",
						 bad[i]);
	}
	if (accepted[0] != '\0')
		fail_msg("accepted:%s", accepted);
}

static void test_clock_format(void **state)
{
	(void)state;
	char buf[32];
	clock_iso(0, buf, sizeof(buf));
	assert_string_equal(buf, "1970-01-01T00:00:00Z");
	clock_iso(1767323045, buf, sizeof(buf));
	assert_string_equal(buf, "2026-01-02T03:04:05Z");
	clock_iso(1709208000, buf, sizeof(buf));
	assert_string_equal(buf, "2024-02-29T12:00:00Z");
	clock_iso_ms(1767323045678LL, buf, sizeof(buf));
	assert_string_equal(buf, "2026-01-02T03:04:05.678Z");
	clock_iso_ms(1767323045005LL, buf, sizeof(buf));
	assert_string_equal(buf, "2026-01-02T03:04:05.005Z");
	clock_iso_ms(0, buf, sizeof(buf));
	assert_string_equal(buf, "1970-01-01T00:00:00.000Z");

	/* What clock_iso writes, clock_parse_iso reads back. */
	const int64_t samples[] = {0, 951825600, 1709164800, 1767323045, 4102444799LL};
	for (size_t i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
		int64_t back = -1;
		clock_iso(samples[i], buf, sizeof(buf));
		assert_int_equal(clock_parse_iso(buf, &back), 0);
		assert_true(back == samples[i]);
	}
	/* A short buffer is truncated, never overrun. */
	char small[11];
	memset(small, 'Z', sizeof(small));
	clock_iso(1767323045, small, sizeof(small));
	assert_string_equal(small, "2026-01-02");
}

/* A grid worker in Zhuji at 07:30 lives on the next day already. */
static void test_civil_date_is_china_standard_time(void **state)
{
	(void)state;
	struct {
		const char *instant;
		int years_back;
		const char *date;
	} cases[] = {
		{"2026-11-28T15:59:59Z", 0, "2026-11-28"},
		{"2026-11-28T16:00:00Z", 0, "2026-11-29"},
		{"2026-11-28T23:30:00Z", 0, "2026-11-29"},
		{"2026-12-31T16:00:00Z", 0, "2027-01-01"},
		{"2026-11-28T23:30:00Z", 18, "2008-11-29"},
		{"2028-02-28T16:30:00Z", 1, "2027-02-28"}, /* 29 Feb 2028 in Beijing */
		{"2028-02-28T16:30:00Z", 4, "2024-02-29"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int64_t t;
		assert_int_equal(clock_parse_iso(cases[i].instant, &t), 0);
		char out[11];
		clock_civil_date(t, cases[i].years_back, out);
		if (strcmp(out, cases[i].date) != 0)
			fail_msg("%s minus %d years: %s, expected %s", cases[i].instant,
				 cases[i].years_back, out, cases[i].date);
	}
}

static void test_clock_now_follows_the_clock_file(void **state)
{
	(void)state;
	char dir[] = "/tmp/gr-clock-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[64];
	snprintf(path, sizeof(path), "%s/offset", dir);

	clock_use_file(path);
	/* No file yet: no offset. */
	int64_t real = (int64_t)time(NULL);
	int64_t now = clock_now();
	assert_true(now >= real - 1 && now <= real + 1);

	write_file(path, "3600\n");
	real = (int64_t)time(NULL);
	now = clock_now();
	if (!(now >= real + 3599 && now <= real + 3601))
		fail_msg("offset 3600: clock_now %lld, time %lld", (long long)now, (long long)real);
	int64_t ms = clock_now_ms();
	assert_true(ms / 1000 >= now - 1 && ms / 1000 <= now + 1);

	/* A changed file is read again.  Give it a distinct modification
	 * time so the test does not depend on timestamp granularity. */
	write_file(path, "-86400\n");
	struct timespec times[2] = {{0, UTIME_OMIT}, {1000000000, 123}};
	assert_int_equal(utimensat(AT_FDCWD, path, times, 0), 0);
	real = (int64_t)time(NULL);
	now = clock_now();
	if (!(now >= real - 86401 && now <= real - 86399))
		fail_msg("offset -86400: clock_now %lld, time %lld", (long long)now,
			 (long long)real);

	/* Removing the file removes the offset. */
	assert_int_equal(unlink(path), 0);
	real = (int64_t)time(NULL);
	now = clock_now();
	assert_true(now >= real - 1 && now <= real + 1);

	/* The monotonic clock is never shifted and never goes back. */
	write_file(path, "100000\n");
	int64_t m1 = clock_mono_us();
	int64_t m2 = clock_mono_us();
	assert_true(m2 >= m1);
	assert_true(m2 - m1 < 1000000);
	assert_int_equal(unlink(path), 0);
	(void)clock_now();
	clock_use_file(NULL);
	rm_tree(dir);
}

static void test_clock_offset_set_by_the_program(void **state)
{
	(void)state;
	/* The demo writes its past with an offset of its own. */
	clock_set_offset(-3 * 86400);
	int64_t real = (int64_t)time(NULL);
	int64_t now = clock_now();
	if (!(now >= real - 3 * 86400 - 1 && now <= real - 3 * 86400 + 1))
		fail_msg("offset -3 days: clock_now %lld, time %lld", (long long)now,
			 (long long)real);
	clock_set_offset(0);
	real = (int64_t)time(NULL);
	now = clock_now();
	assert_true(now >= real - 1 && now <= real + 1);
}

/* ---- configuration ---- */

static void test_config_defaults(void **state)
{
	(void)state;
	struct config c;
	memset(&c, 0x5A, sizeof(c));
	config_defaults(&c);
	assert_null(c.db_path);
	assert_null(c.key_file);
	assert_null(c.public_origin);
	assert_null(c.clock_file);
	assert_string_equal(c.listen, "127.0.0.1:8080");
	assert_string_equal(c.access_log, "-");
	assert_int_equal(c.threads, 0); /* one per core */
	assert_false(c.synchronous_normal);
	assert_false(c.trust_proxy);
	assert_int_equal(c.nowned, 0);
	/* Every number has a usable value. */
	assert_true(c.max_connections > 0);
	assert_true(c.connection_timeout_s > 0);
	assert_true(c.connection_memory_kib > 0);
	assert_true(c.body_limit_kib > 0);
	assert_true(c.session_idle_s > 0 && c.session_idle_s <= c.session_absolute_s);
	assert_true(c.lockout_attempts > 0);
	assert_true(c.lockout_s > 0);
	assert_true(c.login_failures_per_ip > 0);
	assert_true(c.busy_timeout_ms > 0);

	/* The usage text names every option the server accepts. */
	const char *u = config_usage();
	static const char *const names[] = {
		"--db",
		"--key-file",
		"--listen",
		"--threads",
		"--max-connections",
		"--connection-timeout",
		"--connection-memory",
		"--body-limit",
		"--session-idle",
		"--session-absolute",
		"--lockout-attempts",
		"--lockout-seconds",
		"--login-failures-per-ip",
		"--synchronous-normal",
		"--busy-timeout",
		"--trust-proxy",
		"--public-origin",
		"--access-log",
		"--work-hours",
		"--sweep-seconds",
		"--reopen-days",
		"--clock-file",
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strstr(u, names[i]) == NULL)
			fail_msg("usage does not mention %s", names[i]);
}

/* Setting an option to the default a document states changes nothing. */
static void expect_documented_default(const char *where, const char *name, const char *value)
{
	struct config d, e;
	config_defaults(&d);
	config_defaults(&e);
	if (config_set(&e, name, value) != 0)
		fail_msg("%s: --%s default '%s' is not a valid value", where, name, value);
	if (memcmp(&d, &e, sizeof(d)) != 0)
		fail_msg("%s says --%s defaults to %s; config_defaults disagrees", where, name,
			 value);
}

/* The "(default N)" of the usage text is the real default. */
static void test_config_usage_states_the_real_defaults(void **state)
{
	(void)state;
	const char *u = config_usage();
	int checked = 0;
	for (const char *line = u; *line;) {
		const char *end = strchr(line, '\n');
		if (end == NULL)
			end = line + strlen(line);
		char text[512];
		snprintf(text, sizeof(text), "%.*s", (int)(end - line), line);
		char name[64], value[32];
		const char *d = strstr(text, "(default ");
		if (sscanf(text, " --%63s", name) == 1 && d != NULL &&
		    sscanf(d, "(default %31[0-9])", value) == 1) {
			expect_documented_default("config_usage()", name, value);
			checked++;
		}
		line = *end ? end + 1 : end;
	}
	assert_true(checked >= 10);
}

/* README.md, "Configuration": the table's defaults are the real ones. */
static void test_config_readme_states_the_real_defaults(void **state)
{
	(void)state;
	FILE *f = fopen("README.md", "r");
	if (f == NULL) {
		print_message("README.md not found from here; run from the repository root\n");
		skip();
	}
	char line[1024];
	int checked = 0;
	bool in_section = false;
	struct config d;
	config_defaults(&d);
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, "## ", 3) == 0)
			in_section = strncmp(line, "## Configuration", 16) == 0;
		char name[64], value[64];
		if (!in_section || sscanf(line, "| `--%63[^`]` | %63[^|]|", name, value) != 2)
			continue;
		/* Every option in the table is one the server knows. */
		char needle[80];
		snprintf(needle, sizeof(needle), "--%s ", name);
		if (strstr(config_usage(), needle) == NULL)
			fail_msg("README.md documents --%s, which the server does not know", name);
		size_t vl = strlen(value);
		while (vl > 0 && value[vl - 1] == ' ')
			value[--vl] = '\0';
		if (vl > 2 && value[0] == '`' && value[vl - 1] == '`') {
			/* A literal string default. */
			value[vl - 1] = '\0';
			const char *lit = value + 1;
			if (strcmp(name, "listen") == 0)
				assert_string_equal(d.listen, lit);
			else if (strcmp(name, "access-log") == 0)
				assert_string_equal(d.access_log, lit);
			else
				continue; /* e.g. `<db>.key`, derived at start-up */
			checked++;
		} else if (str_is_digits(value)) {
			expect_documented_default("README.md", name, value);
			checked++;
		} else if (strcmp(value, "off") == 0) {
			expect_documented_default("README.md", name, "false");
			checked++;
		}
	}
	fclose(f);
	assert_true(checked >= 10);
}

static void test_config_set_ints(void **state)
{
	(void)state;
	struct config c;
	config_defaults(&c);
	assert_int_equal(config_set(&c, "threads", "0"), 0);
	assert_int_equal(c.threads, 0);
	assert_int_equal(config_set(&c, "threads", "256"), 0);
	assert_int_equal(c.threads, 256);
	static const char *const bad[] = {
		"257", "-1", "", "4x", " 4", "4.0", "+4", "0x10", "99999999999999999999"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (config_set(&c, "threads", bad[i]) != -1)
			fail_msg("threads = '%s' was accepted", bad[i]);
		assert_int_equal(c.threads, 256); /* unchanged */
	}
	assert_int_equal(config_set(&c, "max-connections", "0"), -1);
	assert_int_equal(config_set(&c, "max-connections", "1"), 0);
	assert_int_equal(c.max_connections, 1);
	assert_int_equal(config_set(&c, "lockout-attempts", "3"), 0);
	assert_int_equal(c.lockout_attempts, 3);
	assert_int_equal(config_set(&c, "lockout-seconds", "0"), -1);
	assert_int_equal(config_set(&c, "session-idle", "59"), -1);
	assert_int_equal(config_set(&c, "session-idle", "60"), 0);
	assert_int_equal(c.session_idle_s, 60);
	assert_int_equal(config_set(&c, "busy-timeout", "0"), 0);
	assert_int_equal(c.busy_timeout_ms, 0);
	assert_int_equal(config_set(&c, "body-limit", "1048577"), -1);
	assert_int_equal(c.body_limit_kib, 1024);
}

static void test_config_set_bools(void **state)
{
	(void)state;
	struct config c;
	config_defaults(&c);
	static const char *const yes[] = {"true", "1", "yes"};
	static const char *const no[] = {"false", "0", "no"};
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(config_set(&c, "trust-proxy", yes[i]), 0);
		assert_true(c.trust_proxy);
		assert_int_equal(config_set(&c, "trust-proxy", no[i]), 0);
		assert_false(c.trust_proxy);
	}
	assert_int_equal(config_set(&c, "synchronous-normal", "yes"), 0);
	assert_true(c.synchronous_normal);
	assert_int_equal(config_set(&c, "synchronous-normal", "maybe"), -1);
	assert_int_equal(config_set(&c, "synchronous-normal", ""), -1);
	assert_int_equal(config_set(&c, "synchronous-normal", "2"), -1);
	assert_true(c.synchronous_normal); /* unchanged */
}

static void test_config_set_strings_and_unknown(void **state)
{
	(void)state;
	struct config c;
	config_defaults(&c);
	static const char value[] = "/var/lib/grassroots/grid.db";
	assert_int_equal(config_set(&c, "db", value), 0);
	assert_string_equal(c.db_path, "/var/lib/grassroots/grid.db");
	assert_int_equal(config_set(&c, "access-log", "off"), 0);
	assert_string_equal(c.access_log, "off");

	assert_int_equal(config_set(&c, "no-such-option", "1"), -1);
	assert_int_equal(config_set(&c, "--threads", "4"), -1); /* without dashes */
	assert_int_equal(config_set(&c, "Threads", "4"), -1);
	assert_int_equal(config_set(&c, "", "4"), -1);
	assert_int_equal(c.threads, 0);
	config_free(&c);
}

static void test_config_load_file(void **state)
{
	(void)state;
	char dir[] = "/tmp/gr-config-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[64];
	snprintf(path, sizeof(path), "%s/grassroots.conf", dir);
	write_file(path, "# Grassroots settings\n"
			 "\n"
			 "   # indented comment\n"
			 "threads = 4\n"
			 "  listen=0.0.0.0:9000   \n"
			 "\tsynchronous-normal\t=\tyes\r\n"
			 "public-origin = https://grid.example.gov.cn/?a=b\n"
			 "lockout-attempts =7");
	struct config c;
	config_defaults(&c);
	int max_conn = c.max_connections;
	assert_int_equal(config_load_file(&c, path), 0);
	/* The values outlive the file and its buffer. */
	write_file(path, "threads = 9\n");
	assert_int_equal(c.threads, 4);
	assert_string_equal(c.listen, "0.0.0.0:9000");
	assert_true(c.synchronous_normal);
	assert_string_equal(c.public_origin, "https://grid.example.gov.cn/?a=b");
	assert_int_equal(c.lockout_attempts, 7);
	assert_int_equal(c.max_connections, max_conn); /* untouched default */

	/* A later file overrides an earlier one. */
	assert_int_equal(config_load_file(&c, path), 0);
	assert_int_equal(c.threads, 9);
	assert_string_equal(c.listen, "0.0.0.0:9000");
	config_free(&c);
	assert_int_equal(c.nowned, 0);

	/* A line without '=' stops the load with an error. */
	write_file(path, "threads = 2\nthis line is wrong\nlockout-attempts = 9\n");
	config_defaults(&c);
	int attempts = c.lockout_attempts;
	assert_int_equal(config_load_file(&c, path), -1);
	assert_int_equal(c.lockout_attempts, attempts);
	config_free(&c);

	/* So do an unknown key and a bad value. */
	write_file(path, "no-such-key = 1\n");
	config_defaults(&c);
	assert_int_equal(config_load_file(&c, path), -1);
	config_free(&c);
	write_file(path, "threads = many\n");
	config_defaults(&c);
	assert_int_equal(config_load_file(&c, path), -1);
	assert_int_equal(c.threads, 0);
	config_free(&c);

	/* A missing file is an error. */
	snprintf(path, sizeof(path), "%s/missing.conf", dir);
	config_defaults(&c);
	assert_int_equal(config_load_file(&c, path), -1);
	config_free(&c);
	rm_tree(dir);
}

/* ---- error codes ---- */

static bool snake_case(const char *s)
{
	if (s == NULL || !islower((unsigned char)s[0]))
		return false;
	for (const char *p = s; *p; p++) {
		if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '_'))
			return false;
		if (*p == '_' && (p[1] == '_' || p[1] == '\0'))
			return false;
	}
	return true;
}

static void test_error_codes_are_distinct_snake_case(void **state)
{
	(void)state;
	for (int rc = 1; rc < RC__COUNT; rc++) {
		const struct rc_info *i = rc_info(rc);
		assert_non_null(i);
		if (!snake_case(i->code))
			fail_msg("rc %d: code '%s' is not snake_case", rc,
				 i->code ? i->code : "(null)");
		if (i->status < 400 || i->status > 599)
			fail_msg("rc %d (%s): status %d is not an error status", rc, i->code,
				 i->status);
		assert_non_null(i->message);
		assert_true(strlen(i->message) > 0);
		for (int k = 1; k < rc; k++)
			if (strcmp(rc_info(k)->code, i->code) == 0)
				fail_msg("rc %d and %d share the code '%s'", k, rc, i->code);
	}
}

static void test_error_codes_documented_values(void **state)
{
	(void)state;
	static const struct {
		int rc;
		const char *code;
		int status;
	} stable[] = {
		{RC_INVALID_JSON, "invalid_json", 400},
		{RC_UNAUTHENTICATED, "unauthenticated", 401},
		{RC_INVALID_CREDENTIALS, "invalid_credentials", 401},
		{RC_FORBIDDEN, "forbidden", 403},
		{RC_CSRF_FAILED, "csrf_failed", 403},
		{RC_NOT_FOUND, "not_found", 404},
		{RC_METHOD_NOT_ALLOWED, "method_not_allowed", 405},
		{RC_CONFLICT, "conflict", 409},
		{RC_BODY_TOO_LARGE, "body_too_large", 413},
		{RC_UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type", 415},
		{RC_VALIDATION_FAILED, "validation_failed", 422},
		{RC_ACCOUNT_LOCKED, "account_locked", 423},
		{RC_RATE_LIMITED, "rate_limited", 429},
		{RC_INTERNAL, "internal_error", 500},
		{RC_UNAVAILABLE, "unavailable", 503},
	};
	for (size_t i = 0; i < sizeof(stable) / sizeof(stable[0]); i++) {
		const struct rc_info *info = rc_info(stable[i].rc);
		assert_string_equal(info->code, stable[i].code);
		assert_int_equal(info->status, stable[i].status);
	}
	/* Out-of-range values fall back to internal_error. */
	assert_string_equal(rc_info(-1)->code, "internal_error");
	assert_string_equal(rc_info(RC__COUNT)->code, "internal_error");
	assert_int_equal(rc_info(RC__COUNT + 100)->status, 500);
}

/* Every code is documented in docs/api.md with its status ("Adding a code
 * means adding a row here and a line in docs/api.md"). */
static void test_error_codes_are_documented(void **state)
{
	(void)state;
	FILE *f = fopen("docs/api.md", "r");
	if (f == NULL) {
		print_message("docs/api.md not found from here; run from the repository root\n");
		skip();
	}
	struct sbuf doc = {0};
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		sbuf_append(&doc, buf, n);
	fclose(f);
	for (int rc = 1; rc < RC__COUNT; rc++) {
		char row[96];
		snprintf(row, sizeof(row), "| `%s` | %d |", rc_info(rc)->code, rc_info(rc)->status);
		if (strstr(doc.buf, row) == NULL) {
			sbuf_free(&doc);
			fail_msg("docs/api.md has no row %s", row);
		}
	}
	sbuf_free(&doc);
}

int main(void)
{
	const struct CMUnitTest arena[] = {
		cmocka_unit_test(test_arena_many_small_allocations_keep_their_contents),
		cmocka_unit_test(test_arena_large_allocations_mixed_with_small),
		cmocka_unit_test(test_arena_zero_size_and_calloc),
		cmocka_unit_test(test_arena_strings),
		cmocka_unit_test(test_arena_reuse_after_free),
		cmocka_unit_test(test_arena_huge_size_never_returns_a_small_block),
	};
	const struct CMUnitTest str[] = {
		cmocka_unit_test(test_utf8_count_valid),
		cmocka_unit_test(test_utf8_count_invalid),
		cmocka_unit_test(test_utf8_prefix),
		cmocka_unit_test(test_str_to_i64),
		cmocka_unit_test(test_str_digits_and_prefix),
		cmocka_unit_test(test_hex_encode),
		cmocka_unit_test(test_sbuf),
		cmocka_unit_test(test_sbuf_json),
	};
	const struct CMUnitTest csv[] = {
		cmocka_unit_test(test_csv_plain_records),
		cmocka_unit_test(test_csv_quoted_fields),
		cmocka_unit_test(test_csv_embedded_newlines_count_lines),
		cmocka_unit_test(test_csv_crlf_and_bom),
		cmocka_unit_test(test_csv_keeps_leading_bytes_that_are_not_a_bom),
		cmocka_unit_test(test_csv_blank_lines),
		cmocka_unit_test(test_csv_long_fields_and_field_limit),
		cmocka_unit_test(test_csv_errors_name_the_record_line),
		cmocka_unit_test(test_csv_continues_after_a_bad_line),
	};
	const struct CMUnitTest clock[] = {
		cmocka_unit_test(test_clock_parse_iso_valid),
		cmocka_unit_test(test_clock_parse_w3c),
		cmocka_unit_test(test_clock_parse_iso_refuses_impossible_dates),
		cmocka_unit_test(test_clock_parse_iso_refuses_bad_formats),
		cmocka_unit_test(test_clock_parse_iso_refuses_signs_and_blanks_in_fields),
		cmocka_unit_test(test_clock_format),
		cmocka_unit_test(test_civil_date_is_china_standard_time),
		cmocka_unit_test(test_clock_now_follows_the_clock_file),
		cmocka_unit_test(test_clock_offset_set_by_the_program),
	};
	const struct CMUnitTest config[] = {
		cmocka_unit_test(test_config_defaults),
		cmocka_unit_test(test_config_usage_states_the_real_defaults),
		cmocka_unit_test(test_config_readme_states_the_real_defaults),
		cmocka_unit_test(test_config_set_ints),
		cmocka_unit_test(test_config_set_bools),
		cmocka_unit_test(test_config_set_strings_and_unknown),
		cmocka_unit_test(test_config_load_file),
	};
	const struct CMUnitTest error[] = {
		cmocka_unit_test(test_error_codes_are_distinct_snake_case),
		cmocka_unit_test(test_error_codes_documented_values),
		cmocka_unit_test(test_error_codes_are_documented),
	};
	int failed = 0;
	failed += cmocka_run_group_tests_name("arena", arena, NULL, NULL);
	failed += cmocka_run_group_tests_name("str", str, NULL, NULL);
	failed += cmocka_run_group_tests_name("csv", csv, NULL, NULL);
	failed += cmocka_run_group_tests_name("clock", clock, NULL, NULL);
	failed += cmocka_run_group_tests_name("config", config, NULL, NULL);
	failed += cmocka_run_group_tests_name("error", error, NULL, NULL);
	return failed != 0;
}
