/*
 * Files compiled into the binary by scripts/embed (web assets and database
 * migrations).  Each table ends with an entry whose name is NULL; every
 * file's bytes are followed by a NUL that size does not count.
 */
#ifndef GR_CORE_EMBED_H
#define GR_CORE_EMBED_H

#include <stddef.h>

struct embedded_file {
	const char *name;
	const unsigned char *data;
	size_t size;
};

extern const struct embedded_file embedded_assets[];
extern const struct embedded_file embedded_migrations[];
/* Reference data: chinese-days.json (public holidays and make-up days). */
extern const struct embedded_file embedded_data[];

#endif
