/*
 * Embedded assets with content types and ETags computed once at start-up.
 */
#include "http/assets.h"

#include <stdlib.h>
#include <string.h>

#include "core/secure.h"
#include "core/embed.h"
#include "core/str.h"

static struct asset *table;
static size_t count;

static const char *type_for(const char *path)
{
	static const struct {
		const char *ext, *type;
	} types[] = {
		{".html", "text/html; charset=utf-8"},
		{".js", "text/javascript; charset=utf-8"},
		{".mjs", "text/javascript; charset=utf-8"},
		{".css", "text/css; charset=utf-8"},
		{".json", "application/json; charset=utf-8"},
		{".svg", "image/svg+xml"},
		{".png", "image/png"},
		{".ico", "image/x-icon"},
		{".woff2", "font/woff2"},
		{".txt", "text/plain; charset=utf-8"},
	};
	const char *dot = strrchr(path, '.');
	if (dot != NULL)
		for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
			if (strcmp(dot, types[i].ext) == 0)
				return types[i].type;
	return "application/octet-stream";
}

void assets_init(void)
{
	if (table != NULL)
		return;
	size_t n = 0;
	while (embedded_assets[n].name != NULL)
		n++;
	table = calloc(n ? n : 1, sizeof(*table));
	if (table == NULL)
		abort();
	for (size_t i = 0; i < n; i++) {
		struct asset *a = &table[i];
		a->path = embedded_assets[i].name;
		a->data = embedded_assets[i].data;
		a->size = embedded_assets[i].size;
		a->type = type_for(a->path);
		unsigned char h[SEC_HASH_BYTES];
		char hex[SEC_HASH_BYTES * 2 + 1];
		sec_hash(h, a->data, a->size, NULL);
		hex_encode(h, 8, hex);
		a->etag[0] = '"';
		memcpy(a->etag + 1, hex, 16);
		a->etag[17] = '"';
		a->etag[18] = '\0';
	}
	count = n;
}

const struct asset *assets_find(const char *path)
{
	if (strcmp(path, "/") == 0)
		path = "/index.html";
	for (size_t i = 0; i < count; i++)
		if (strcmp(table[i].path, path) == 0)
			return &table[i];
	return NULL;
}

size_t assets_count(void)
{
	return count;
}

const struct asset *assets_at(size_t i)
{
	return i < count ? &table[i] : NULL;
}
