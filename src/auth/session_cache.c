/*
 * Principal cache: a fixed table of entries, each a flat copy of a
 * session and its principal, guarded by one mutex per slot.
 */
#include "auth/session_cache.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"

#define SLOTS 1024
#define MAX_GRANTS 16
#define FRESH_US (2 * 1000 * 1000)

struct cached_grant {
	int64_t id, org_id;
	enum role role;
	int level;
	char org_code[16];
	char org_name[96];
};

struct entry {
	pthread_mutex_t lock;
	bool used;
	unsigned char key[SEC_HASH_BYTES];
	uint64_t generation;
	int64_t cached_us;
	struct session s;
	int64_t user_id;
	char username[40];
	char display_name[96];
	size_t ngrants;
	struct cached_grant grants[MAX_GRANTS];
};

static struct entry table[SLOTS];
static pthread_once_t once = PTHREAD_ONCE_INIT;
static _Atomic uint64_t generation = 1;

static void init(void)
{
	for (int i = 0; i < SLOTS; i++)
		pthread_mutex_init(&table[i].lock, NULL);
}

void auth_changed(void)
{
	atomic_fetch_add(&generation, 1);
}

static struct entry *slot(const unsigned char *key)
{
	uint32_t h;
	memcpy(&h, key, sizeof(h)); /* the key is a hash already */
	return &table[h % SLOTS];
}

bool session_cache_get(const unsigned char key[SEC_HASH_BYTES], struct arena *a, int64_t now,
		       int idle_s, int absolute_s, struct session *s, struct principal **out)
{
	pthread_once(&once, init);
	struct entry *e = slot(key);
	bool hit = false;
	pthread_mutex_lock(&e->lock);
	if (e->used && memcmp(e->key, key, SEC_HASH_BYTES) == 0 &&
	    e->generation == atomic_load(&generation) && clock_mono_us() - e->cached_us < FRESH_US &&
	    now - e->s.last_seen_at <= idle_s && now - e->s.created_at <= absolute_s &&
	    /* The last-seen time needs its periodic write: go to the database. */
	    now - e->s.last_seen_at < 60) {
		*s = e->s;
		struct principal *p = arena_calloc(a, 1, sizeof(*p));
		p->user_id = e->user_id;
		p->username = arena_strdup(a, e->username);
		p->display_name = arena_strdup(a, e->display_name);
		p->ngrants = e->ngrants;
		p->grants = arena_calloc(a, e->ngrants ? e->ngrants : 1, sizeof(*p->grants));
		for (size_t i = 0; i < e->ngrants; i++) {
			struct grant *g = &p->grants[i];
			const struct cached_grant *c = &e->grants[i];
			g->id = c->id;
			g->role = c->role;
			g->org_id = c->org_id;
			g->level = c->level;
			g->org_code = arena_strdup(a, c->org_code);
			g->org_name = arena_strdup(a, c->org_name);
		}
		*out = p;
		hit = true;
	}
	pthread_mutex_unlock(&e->lock);
	return hit;
}

void session_cache_put(const unsigned char key[SEC_HASH_BYTES], const struct session *s,
		       const struct principal *p)
{
	pthread_once(&once, init);
	if (p->ngrants > MAX_GRANTS)
		return; /* unusual accounts are simply not cached */
	struct entry *e = slot(key);
	pthread_mutex_lock(&e->lock);
	e->used = true;
	memcpy(e->key, key, SEC_HASH_BYTES);
	e->generation = atomic_load(&generation);
	e->cached_us = clock_mono_us();
	e->s = *s;
	e->user_id = p->user_id;
	snprintf(e->username, sizeof(e->username), "%s", p->username);
	snprintf(e->display_name, sizeof(e->display_name), "%s", p->display_name);
	e->ngrants = p->ngrants;
	for (size_t i = 0; i < p->ngrants; i++) {
		struct cached_grant *c = &e->grants[i];
		const struct grant *g = &p->grants[i];
		c->id = g->id;
		c->role = g->role;
		c->org_id = g->org_id;
		c->level = g->level;
		snprintf(c->org_code, sizeof(c->org_code), "%s", g->org_code);
		snprintf(c->org_name, sizeof(c->org_name), "%s", g->org_name);
	}
	pthread_mutex_unlock(&e->lock);
}
