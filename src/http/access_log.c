#include "http/access_log.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define FLUSH_AT (48u * 1024)
#define FLUSH_EVERY_NS (200L * 1000 * 1000)

static int fd = -1;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static pthread_t flusher;
static bool flusher_running, stopping;
static char buf[FLUSH_AT + 1024];
static size_t used;

/* Called with the lock held; the lock also keeps lines in order. */
static void flush_locked(void)
{
	size_t off = 0;
	while (off < used) {
		ssize_t w = write(fd, buf + off, used - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break; /* a full disk drops lines rather than stopping requests */
		off += (size_t)w;
	}
	used = 0;
}

static void *flush_loop(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&lock);
	while (!stopping) {
		struct timespec at;
		clock_gettime(CLOCK_REALTIME, &at);
		at.tv_nsec += FLUSH_EVERY_NS;
		if (at.tv_nsec >= 1000000000L) {
			at.tv_sec++;
			at.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&wake, &lock, &at);
		if (used > 0)
			flush_locked();
	}
	pthread_mutex_unlock(&lock);
	return NULL;
}

int access_log_open(const char *path)
{
	if (path == NULL || strcmp(path, "-") == 0) {
		fd = STDERR_FILENO;
	} else if (strcmp(path, "off") == 0) {
		fd = -1;
		return 0;
	} else {
		fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
		if (fd < 0)
			return -1;
	}
	stopping = false;
	flusher_running = pthread_create(&flusher, NULL, flush_loop, NULL) == 0;
	return 0;
}

int access_log_enabled(void)
{
	return fd >= 0;
}

void access_log_line(const char *line, size_t n)
{
	if (fd < 0 || n > sizeof(buf))
		return;
	pthread_mutex_lock(&lock);
	if (used + n > sizeof(buf))
		flush_locked();
	memcpy(buf + used, line, n);
	used += n;
	/* Without the flusher thread every line goes out at once. */
	if (used >= FLUSH_AT || !flusher_running)
		flush_locked();
	pthread_mutex_unlock(&lock);
}

void access_log_close(void)
{
	if (flusher_running) {
		pthread_mutex_lock(&lock);
		stopping = true;
		pthread_cond_signal(&wake);
		pthread_mutex_unlock(&lock);
		pthread_join(flusher, NULL);
		flusher_running = false;
	}
	pthread_mutex_lock(&lock);
	if (fd >= 0 && used > 0)
		flush_locked();
	if (fd > STDERR_FILENO)
		close(fd);
	fd = -1;
	pthread_mutex_unlock(&lock);
}
