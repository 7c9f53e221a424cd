/*
 * The web interface's files, embedded in the binary at build time.
 */
#ifndef GR_HTTP_ASSETS_H
#define GR_HTTP_ASSETS_H

#include <stddef.h>

struct asset {
	const char *path; /* "/index.html" */
	const unsigned char *data;
	size_t size;
	const char *type; /* Content-Type */
	char etag[20];    /* quoted hash of the content */
};

/* Index the embedded files; call once before serving. */
void assets_init(void);
/* The asset served at path ("/" is "/index.html"), or NULL. */
const struct asset *assets_find(const char *path);
/* Number of assets and the i-th one (tests, listing). */
size_t assets_count(void);
const struct asset *assets_at(size_t i);

#endif
