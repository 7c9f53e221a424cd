/*
 * Exports of lists as CSV or XLSX.  An export is a read: it is audited
 * (format, rows, the filter and what the caller adds) before the file
 * leaves.  Rows are JSON objects handed in one at a time, so a list of a
 * million rows streams into the file without being held as an array.
 */
#ifndef GR_HTTP_EXPORT_H
#define GR_HTTP_EXPORT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <xlsxwriter.h>

#include "core/str.h"
#include "http/request.h"

#define EXPORT_MAX_ROWS 1000000

struct export_ctx {
	struct req *r;
	const char *const *columns; /* NULL-terminated; also the header line */
	bool xlsx;
	/* One cell's text; NULL: export_cell.  user is the caller's. */
	void (*cell)(struct export_ctx *x, json_t *row, const char *col, char *out, size_t len);
	void *user;
	json_t *audit; /* extra members of the audit record (owned), or NULL */
	/* state */
	struct sbuf csv;
	char path[32];
	lxw_workbook *book;
	lxw_worksheet *sheet;
	int64_t rows;
	bool too_many;
};

/* The text of a string, integer or real member (empty otherwise). */
void export_cell(json_t *row, const char *col, char *out, size_t len);
/* Start the file and write the header. */
int export_open(struct export_ctx *x, const char *sheet);
/* Add a row (borrowed); returns non-zero to stop past EXPORT_MAX_ROWS. */
int export_row(void *ctx, json_t *row);
/* Finish, audit as object_type and answer with name.csv / name.xlsx; rc
 * is how the rows went. */
int export_send(struct req *r, struct export_ctx *x, int rc, const char *name,
		const char *object_type);

#endif
