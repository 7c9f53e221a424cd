/*
 * CSV reader.  Fields point into one buffer that is reused per record.
 */
#include "core/csv.h"

#include <stdlib.h>
#include <string.h>

void csv_open(struct csv *c, FILE *f)
{
	memset(c, 0, sizeof(*c));
	c->f = f;
	c->next_line = 1;
	/* Skip a UTF-8 byte-order mark. */
	int a = getc(f);
	if (a == 0xEF) {
		int b = getc(f), d = getc(f);
		if (b == 0xBB && d == 0xBF)
			return;
		/* Not a BOM: the file would be rejected anyway as the header
		 * would not match; keep the bytes out for simplicity. */
		if (d != EOF)
			ungetc(d, f);
		return;
	}
	if (a != EOF)
		ungetc(a, f);
}

static void put(struct csv *c, size_t *len, char ch)
{
	if (*len + 1 >= c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 1024;
		char *p = realloc(c->buf, cap);
		if (p == NULL)
			abort();
		c->buf = p;
		c->cap = cap;
	}
	c->buf[(*len)++] = ch;
}

int csv_next(struct csv *c)
{
	size_t len = 0;
	size_t starts[CSV_MAX_FIELDS];
	size_t nf = 0;
	int ch = getc(c->f);

	c->line = c->next_line;
	c->error = NULL;
	if (ch == EOF)
		return 0;
	starts[nf++] = 0;
	for (;;) {
		if (ch == '"') {
			/* Quoted field: only allowed at the start of a field. */
			if (len != starts[nf - 1]) {
				c->error = "quote inside an unquoted field";
				goto bad;
			}
			for (;;) {
				ch = getc(c->f);
				if (ch == EOF) {
					c->error = "unterminated quoted field";
					goto bad;
				}
				if (ch == '"') {
					ch = getc(c->f);
					if (ch == '"') {
						put(c, &len, '"');
						continue;
					}
					break;
				}
				if (ch == '\n')
					c->next_line++;
				put(c, &len, (char)ch);
			}
			if (ch != ',' && ch != '\n' && ch != '\r' && ch != EOF) {
				c->error = "text after a closing quote";
				goto bad;
			}
			continue;
		}
		if (ch == ',') {
			put(c, &len, '\0');
			if (nf == CSV_MAX_FIELDS) {
				c->error = "too many fields";
				goto bad;
			}
			starts[nf++] = len;
		} else if (ch == '\r') {
			int n2 = getc(c->f);
			if (n2 != '\n' && n2 != EOF)
				ungetc(n2, c->f);
			ch = '\n';
			continue;
		} else if (ch == '\n' || ch == EOF) {
			put(c, &len, '\0');
			c->next_line++;
			break;
		} else {
			put(c, &len, (char)ch);
		}
		ch = getc(c->f);
	}
	c->nfields = nf;
	for (size_t i = 0; i < nf; i++)
		c->fields[i] = c->buf + starts[i];
	return 1;
bad:
	/* Skip to the end of the line so a caller could continue. */
	while (ch != '\n' && ch != EOF)
		ch = getc(c->f);
	c->next_line++;
	return -1;
}

void csv_close(struct csv *c)
{
	free(c->buf);
	c->buf = NULL;
	c->cap = 0;
}
