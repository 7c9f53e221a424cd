/*
 * Per-request arena: a singly linked list of chunks, bump allocation inside
 * each.  Large requests get a chunk of their own so small allocations keep
 * filling the current one.
 */
#include "core/arena.h"

#include <pthread.h>
#include <stdalign.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_CHUNK 8192

struct arena_chunk {
	struct arena_chunk *next;
	size_t cap;
	size_t used;
	alignas(max_align_t) unsigned char data[];
};

/* One standard chunk kept per thread from the last arena freed there: a
 * server thread then allocates no chunk per request, and glibc does not
 * consolidate its small-block bins on every 8 KiB request. */
static pthread_key_t spare_key;
static pthread_once_t spare_once = PTHREAD_ONCE_INIT;

static void spare_init(void)
{
	/* The thread's chunk is freed when the thread ends. */
	if (pthread_key_create(&spare_key, free) != 0)
		abort();
}

static struct arena_chunk *chunk_new(size_t cap)
{
	struct arena_chunk *c = NULL;
	if (cap == ARENA_CHUNK) {
		pthread_once(&spare_once, spare_init);
		c = pthread_getspecific(spare_key);
		if (c != NULL)
			pthread_setspecific(spare_key, NULL);
	}
	if (c == NULL) {
		c = malloc(sizeof(*c) + cap);
	}
	if (c == NULL) {
		fputs("out of memory\n", stderr);
		abort();
	}
	c->next = NULL;
	c->cap = cap;
	c->used = 0;
	return c;
}

void *arena_alloc(struct arena *a, size_t size)
{
	const size_t align = alignof(max_align_t);
	if (size > SIZE_MAX / 2) {
		/* Rounding up would wrap around to a tiny block. */
		fputs("arena_alloc: size too large\n", stderr);
		abort();
	}
	size_t need = (size + align - 1) & ~(align - 1);
	struct arena_chunk *c = a->head;

	if (need == 0)
		need = align;
	if (c == NULL || c->cap - c->used < need) {
		if (need > ARENA_CHUNK / 4) {
			/* Big block: own chunk, linked behind the current head so the
			 * head keeps serving small allocations. */
			struct arena_chunk *big = chunk_new(need);
			big->used = need;
			if (c == NULL) {
				a->head = big;
			} else {
				big->next = c->next;
				c->next = big;
			}
			return big->data;
		}
		c = chunk_new(ARENA_CHUNK);
		c->next = a->head;
		a->head = c;
	}
	void *p = c->data + c->used;
	c->used += need;
	return p;
}

void *arena_calloc(struct arena *a, size_t n, size_t size)
{
	if (size != 0 && n > (size_t)-1 / size) {
		fputs("arena_calloc overflow\n", stderr);
		abort();
	}
	void *p = arena_alloc(a, n * size);
	memset(p, 0, n * size);
	return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	if (s == NULL)
		return NULL;
	size_t len = strnlen(s, n);
	char *d = arena_alloc(a, len + 1);
	memcpy(d, s, len);
	d[len] = '\0';
	return d;
}

char *arena_strdup(struct arena *a, const char *s)
{
	if (s == NULL)
		return NULL;
	return arena_strndup(a, s, strlen(s));
}

char *arena_vprintf(struct arena *a, const char *fmt, va_list ap)
{
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return arena_strdup(a, "");
	char *d = arena_alloc(a, (size_t)n + 1);
	vsnprintf(d, (size_t)n + 1, fmt, ap);
	return d;
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *d = arena_vprintf(a, fmt, ap);
	va_end(ap);
	return d;
}

static bool keep_spare(struct arena_chunk *c)
{
	pthread_once(&spare_once, spare_init);
	if (pthread_getspecific(spare_key) != NULL)
		return false;
	return pthread_setspecific(spare_key, c) == 0;
}

void arena_free(struct arena *a)
{
	struct arena_chunk *c = a->head;
	while (c != NULL) {
		struct arena_chunk *next = c->next;
		if (c->cap != ARENA_CHUNK || !keep_spare(c))
			free(c);
		c = next;
	}
	a->head = NULL;
}
