/*
 * The batched writer of read audit records.
 */
#include "auth/audit_reads.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/error.h"
#include "core/log.h"

#define BATCH_MAX 2000
#define QUEUE_MAX 100000 /* beyond this, readers wait: memory stays bounded */

struct item {
	struct audit_entry e;
	struct item *next;
	char strings[]; /* the entry's texts, one after another */
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static pthread_cond_t room = PTHREAD_COND_INITIALIZER;
static struct item *head, *tail;
static size_t queued;
static bool running, stopping;
static pthread_t thread;
static struct db *wdb;
static _Atomic uint64_t written;

uint64_t audit_reads_written(void)
{
	return atomic_load(&written);
}

static void item_free(struct item *it)
{
	json_decref(it->e.detail);
	free(it);
}

static int write_batch(struct item *batch)
{
	int rc = db_begin(wdb);
	if (rc != RC_OK)
		return rc;
	uint64_t n = 0;
	struct audit_chain chain;
	rc = audit_chain_load(wdb, &chain);
	for (struct item *it = batch; it && rc == RC_OK; it = it->next, n++)
		rc = audit_append_chained(wdb, &chain, &it->e);
	if (rc == RC_OK)
		rc = db_commit(wdb);
	else
		db_rollback(wdb);
	if (rc == RC_OK)
		atomic_fetch_add(&written, n);
	return rc;
}

static void *writer(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&lock);
	for (;;) {
		while (head == NULL && !stopping)
			pthread_cond_wait(&wake, &lock);
		if (head == NULL && stopping)
			break;
		/* Let a batch gather for a moment unless it is full already. */
		if (queued < BATCH_MAX && !stopping) {
			struct timespec until;
			clock_gettime(CLOCK_REALTIME, &until);
			until.tv_nsec += 20 * 1000 * 1000;
			if (until.tv_nsec >= 1000000000) {
				until.tv_sec++;
				until.tv_nsec -= 1000000000;
			}
			while (queued < BATCH_MAX && !stopping &&
			       pthread_cond_timedwait(&wake, &lock, &until) == 0)
				;
		}
		struct item *batch = head, *last = head;
		size_t n = 1;
		while (last->next != NULL && n < BATCH_MAX) {
			last = last->next;
			n++;
		}
		head = last->next;
		if (head == NULL)
			tail = NULL;
		last->next = NULL;
		queued -= n;
		pthread_cond_broadcast(&room);
		pthread_mutex_unlock(&lock);
		int rc = write_batch(batch);
		for (int tries = 0; rc == RC_UNAVAILABLE && tries < 50; tries++)
			rc = write_batch(batch);
		if (rc != RC_OK)
			log_error("could not write %zu read audit records (rc %d)", n, rc);
		db_release(wdb);
		while (batch != NULL) {
			struct item *next = batch->next;
			item_free(batch);
			batch = next;
		}
		pthread_mutex_lock(&lock);
	}
	pthread_mutex_unlock(&lock);
	return NULL;
}

int audit_reads_start(const struct db_options *o)
{
	int rc = db_open(o, &wdb);
	if (rc != RC_OK)
		return rc;
	stopping = false;
	if (pthread_create(&thread, NULL, writer, NULL) != 0) {
		db_close(wdb);
		wdb = NULL;
		return RC_INTERNAL;
	}
	running = true;
	return RC_OK;
}

int audit_reads_add(struct db *db, const struct audit_entry *e)
{
	if (!running)
		return audit_append_tx(db, e);
	/* One allocation per record: this runs for every audited read. */
	const char *src[8] = {e->actor_name, e->role, e->action, e->object_type,
			      e->object_id, e->result, e->client_ip, e->request_id};
	size_t len[8], total = 0;
	for (int i = 0; i < 8; i++) {
		len[i] = src[i] ? strlen(src[i]) : 0;
		total += len[i] + 1;
	}
	struct item *it = malloc(sizeof(*it) + total);
	if (it == NULL)
		return RC_INTERNAL;
	it->e = *e;
	it->next = NULL;
	const char *dst[8];
	char *p = it->strings;
	for (int i = 0; i < 8; i++) {
		if (len[i] > 0)
			memcpy(p, src[i], len[i]);
		p[len[i]] = '\0';
		/* NULL stays NULL so the record reads as audit_append defaults it. */
		dst[i] = src[i] ? p : NULL;
		p += len[i] + 1;
	}
	it->e.actor_name = dst[0];
	it->e.role = dst[1];
	it->e.action = dst[2];
	it->e.object_type = dst[3];
	it->e.object_id = dst[4];
	it->e.result = dst[5];
	it->e.client_ip = dst[6];
	it->e.request_id = dst[7];
	it->e.detail = e->detail ? json_deep_copy(e->detail) : NULL;
	pthread_mutex_lock(&lock);
	while (queued >= QUEUE_MAX && !stopping)
		pthread_cond_wait(&room, &lock);
	if (tail)
		tail->next = it;
	else
		head = it;
	tail = it;
	queued++;
	/* Wake the writer for the first record of a batch, or when a batch is
	 * full; in between it is gathering and must not be woken each time. */
	if (queued == 1 || queued == BATCH_MAX)
		pthread_cond_signal(&wake);
	pthread_mutex_unlock(&lock);
	return RC_OK;
}

void audit_reads_stop(void)
{
	if (!running)
		return;
	pthread_mutex_lock(&lock);
	stopping = true;
	pthread_cond_broadcast(&wake);
	pthread_mutex_unlock(&lock);
	pthread_join(thread, NULL);
	running = false;
	db_close(wdb);
	wdb = NULL;
}
