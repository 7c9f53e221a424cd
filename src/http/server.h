/*
 * The HTTP server: libmicrohttpd with its internal epoll thread pool, the
 * request pipeline (route, authenticate, check, validate, handle, audit,
 * respond) and graceful shutdown.
 */
#ifndef GR_HTTP_SERVER_H
#define GR_HTTP_SERVER_H

#include "core/config.h"

/* Serve until SIGTERM or SIGINT.  Prints "listening on http://ADDR:PORT"
 * on standard output once connections are accepted.  Returns 0 after a
 * clean shutdown. */
int server_run(const struct config *cfg);

/* Session cookie name. */
#define SESSION_COOKIE "gr_session"

#endif
