/*
 * RFC 4180 CSV reader for imports: quoted fields with doubled quotes and
 * embedded line breaks, CRLF or LF line ends, an optional UTF-8 byte-order
 * mark.  Reports the line where each record starts so errors can name it.
 */
#ifndef GR_CORE_CSV_H
#define GR_CORE_CSV_H

#include <stddef.h>
#include <stdio.h>

#define CSV_MAX_FIELDS 64

struct csv {
	FILE *f;
	long line;      /* line number of the record just read (1-based) */
	long next_line; /* line number where the next record starts */
	size_t nfields;
	char *fields[CSV_MAX_FIELDS];
	char *buf;
	size_t cap;
	const char *error;        /* set when csv_next returns -1 */
	unsigned char pending[3]; /* bytes read ahead looking for a BOM */
	int npending;
};

/* Start reading f (not owned).  */
void csv_open(struct csv *c, FILE *f);
/* Read the next record.  Returns 1 with fields set, 0 at end of input, -1 on
 * a malformed record (c->error says why, c->line where). */
int csv_next(struct csv *c);
void csv_close(struct csv *c);

#endif
