/*
 * Per-request memory pool.  Everything a request allocates comes from its
 * arena and is released in one call when the request completes, so handlers
 * never free individual objects and cannot leak them.
 */
#ifndef GR_CORE_ARENA_H
#define GR_CORE_ARENA_H

#include <stdarg.h>
#include <stddef.h>

struct arena_chunk;

struct arena {
	struct arena_chunk *head;
};

/* Return size bytes aligned for any object, or abort when memory is
 * exhausted (a request cannot continue without memory). */
void *arena_alloc(struct arena *a, size_t size);
/* Like arena_alloc but zeroed. */
void *arena_calloc(struct arena *a, size_t n, size_t size);
/* Copy the NUL-terminated string s (NULL gives NULL). */
char *arena_strdup(struct arena *a, const char *s);
/* Copy at most n bytes of s and NUL-terminate. */
char *arena_strndup(struct arena *a, const char *s, size_t n);
/* printf into arena memory. */
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *arena_vprintf(struct arena *a, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
/* Release every chunk; the arena may be reused afterwards. */
void arena_free(struct arena *a);

#endif
