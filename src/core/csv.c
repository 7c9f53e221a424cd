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
	/* Skip a UTF-8 byte-order mark; anything else is read as data. */
	static const unsigned char bom[3] = {0xEF, 0xBB, 0xBF};
	int n = 0, ch;
	while (n < 3 && (ch = getc(f)) != EOF) {
		c->pending[n++] = (unsigned char)ch;
		if (c->pending[n - 1] != bom[n - 1])
			break;
	}
	c->npending = n == 3 && memcmp(c->pending, bom, 3) == 0 ? 0 : n;
}

static int next_ch(struct csv *c)
{
	if (c->npending > 0) {
		int ch = c->pending[0];
		memmove(c->pending, c->pending + 1, (size_t)--c->npending);
		return ch;
	}
	return getc(c->f);
}

static void unget_ch(struct csv *c, int ch)
{
	memmove(c->pending + 1, c->pending, (size_t)c->npending);
	c->pending[0] = (unsigned char)ch;
	c->npending++;
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
	int ch = next_ch(c);

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
				ch = next_ch(c);
				if (ch == EOF) {
					c->error = "unterminated quoted field";
					goto bad;
				}
				if (ch == '"') {
					ch = next_ch(c);
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
			int n2 = next_ch(c);
			if (n2 != '\n' && n2 != EOF)
				unget_ch(c, n2);
			ch = '\n';
			continue;
		} else if (ch == '\n' || ch == EOF) {
			put(c, &len, '\0');
			c->next_line++;
			break;
		} else {
			put(c, &len, (char)ch);
		}
		ch = next_ch(c);
	}
	c->nfields = nf;
	for (size_t i = 0; i < nf; i++)
		c->fields[i] = c->buf + starts[i];
	return 1;
bad:
	/* Skip to the end of the line so a caller could continue. */
	while (ch != '\n' && ch != EOF)
		ch = next_ch(c);
	c->next_line++;
	return -1;
}

void csv_close(struct csv *c)
{
	free(c->buf);
	c->buf = NULL;
	c->cap = 0;
}
