#include "http/export.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/error.h"
#include "core/secure.h"

void export_cell(json_t *row, const char *col, char *out, size_t len)
{
	json_t *v = json_object_get(row, col);
	out[0] = '\0';
	if (json_is_string(v))
		snprintf(out, len, "%s", json_string_value(v));
	else if (json_is_integer(v))
		snprintf(out, len, "%lld", (long long)json_integer_value(v));
	else if (json_is_real(v))
		snprintf(out, len, "%g", json_real_value(v));
}

static void csv_field(struct sbuf *b, const char *s)
{
	/* A leading = + - @ would make a spreadsheet run a formula. */
	bool quote = strpbrk(s, ",\"\r\n") != NULL || strchr("=+-@", s[0]) != NULL;
	if (!quote) {
		sbuf_puts(b, s);
		return;
	}
	sbuf_puts(b, "\"");
	if (s[0] && strchr("=+-@", s[0]) != NULL)
		sbuf_puts(b, "'");
	for (const char *p = s; *p; p++)
		sbuf_append(b, *p == '"' ? "\"\"" : p, *p == '"' ? 2 : 1);
	sbuf_puts(b, "\"");
}

/* One line of the file: the header when row is NULL. */
static void put_line(struct export_ctx *x, json_t *row)
{
	char text[1024];
	lxw_row_t line = row ? (lxw_row_t)(x->rows + 1) : 0;
	for (int c = 0; x->columns[c]; c++) {
		if (row && x->cell)
			x->cell(x, row, x->columns[c], text, sizeof(text));
		else if (row)
			export_cell(row, x->columns[c], text, sizeof(text));
		else
			snprintf(text, sizeof(text), "%s", x->columns[c]);
		if (x->xlsx) {
			worksheet_write_string(x->sheet, line, (lxw_col_t)c, text, NULL);
		} else {
			if (c)
				sbuf_puts(&x->csv, ",");
			csv_field(&x->csv, text);
		}
	}
	if (!x->xlsx)
		sbuf_puts(&x->csv, "\r\n");
	sec_wipe(text, sizeof(text));
}

int export_row(void *ctx, json_t *row)
{
	struct export_ctx *x = ctx;
	if (x->rows >= EXPORT_MAX_ROWS) {
		x->too_many = true;
		return 1;
	}
	put_line(x, row);
	x->rows++;
	return 0;
}

/* Start the file: an XLSX workbook streamed to a temporary file (constant
 * memory), or CSV with a BOM so that spreadsheets read UTF-8. */
int export_open(struct export_ctx *x, const char *sheet)
{
	if (x->xlsx) {
		snprintf(x->path, sizeof(x->path), "/tmp/grassroots-export-XXXXXX");
		int fd = mkstemp(x->path);
		if (fd < 0)
			return RC_INTERNAL;
		close(fd);
		lxw_workbook_options opts = {.constant_memory = LXW_TRUE, .tmpdir = "/tmp"};
		x->book = workbook_new_opt(x->path, &opts);
		if (x->book == NULL) {
			unlink(x->path);
			return RC_INTERNAL;
		}
		x->sheet = workbook_add_worksheet(x->book, sheet);
	} else {
		sbuf_puts(&x->csv, "\xEF\xBB\xBF");
	}
	put_line(x, NULL);
	return RC_OK;
}

/* Finish the file into *data (owned) and *len; rc is how the rows went. */
static int export_close(struct export_ctx *x, int rc, char **data, size_t *len)
{
	*data = NULL;
	*len = 0;
	if (!x->xlsx) {
		if (rc == RC_OK) {
			*len = x->csv.len;
			*data = sbuf_steal(&x->csv);
		}
		sbuf_free(&x->csv);
		return rc;
	}
	if (x->book == NULL)
		return rc == RC_OK ? RC_INTERNAL : rc;
	if (workbook_close(x->book) != LXW_NO_ERROR && rc == RC_OK)
		rc = RC_INTERNAL;
	FILE *in = rc == RC_OK ? fopen(x->path, "rb") : NULL;
	if (in != NULL) {
		struct sbuf b = {0};
		char buf[65536];
		size_t n;
		while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
			sbuf_append(&b, buf, n);
		fclose(in);
		*len = b.len;
		*data = sbuf_steal(&b);
	} else if (rc == RC_OK) {
		rc = RC_INTERNAL;
	}
	unlink(x->path);
	return rc;
}

/* Audit the export (before the file leaves) and answer with the file. */
int export_send(struct req *r, struct export_ctx *x, int rc, const char *name,
		const char *object_type)
{
	char *data;
	size_t len;
	rc = export_close(x, rc, &data, &len);
	if (rc == RC_OK && x->too_many)
		rc = req_fail(r, RC_VALIDATION_FAILED, "org_id",
			      "more than %d rows: export a smaller area or a narrower filter",
			      EXPORT_MAX_ROWS);
	json_t *detail = x->audit ? x->audit : json_object();
	x->audit = NULL;
	if (rc != RC_OK) {
		json_decref(detail);
		free(data);
		return rc;
	}
	json_object_set_new(detail, "format", json_string(x->xlsx ? "xlsx" : "csv"));
	json_object_set_new(detail, "rows", json_integer(x->rows));
	json_object_set(detail, "filter", r->query ? r->query : json_null());
	rc = req_tx_begin(r);
	if (rc == RC_OK)
		rc = req_audit(r, NULL, object_type, "", 0, detail);
	else
		json_decref(detail);
	rc = req_tx_end(r, rc);
	if (rc != RC_OK) {
		free(data);
		return rc;
	}
	req_add_header(r, "Cache-Control", "no-store");
	req_add_header(r, "Content-Disposition",
		       arena_printf(&r->arena, "attachment; filename=\"%s.%s\"", name,
				    x->xlsx ? "xlsx" : "csv"));
	return req_reply_raw(
		r, 200,
		x->xlsx ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
			: "text/csv; charset=utf-8",
		data, len, true);
}
