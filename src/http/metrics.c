/*
 * Metrics: lock-free counters sized once at start-up.
 */
#include "http/metrics.h"

#include <stdatomic.h>
#include <stdlib.h>

#include "db/db.h"
#include "http/route.h"

static const int statuses[] = {200, 201, 204, 304, 400, 401, 403, 404, 405,
			       409, 413, 415, 422, 423, 429, 500, 503};
#define NSTATUS (sizeof(statuses) / sizeof(statuses[0]))
#define NSTATUS_ALL (NSTATUS + 1) /* last: any other */

/* seconds: 0.5ms .. 5s */
static const double buckets[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
				 0.1,    0.25,  0.5,    1,     2.5,  5};
#define NBUCKET (sizeof(buckets) / sizeof(buckets[0]))

static size_t nslots;
static _Atomic uint64_t *counts; /* [slot][status] */
static _Atomic uint64_t *hist;   /* [slot][bucket], cumulative on render */
static _Atomic uint64_t *sum_us; /* [slot] */
static _Atomic uint64_t *obs;    /* [slot] */

void metrics_init(size_t nroutes)
{
	nslots = nroutes + 1;
	counts = calloc(nslots * NSTATUS_ALL, sizeof(*counts));
	hist = calloc(nslots * (NBUCKET + 1), sizeof(*hist));
	sum_us = calloc(nslots, sizeof(*sum_us));
	obs = calloc(nslots, sizeof(*obs));
	if (!counts || !hist || !sum_us || !obs)
		abort();
}

void metrics_record(int route_index, int status, int64_t micros)
{
	if (counts == NULL)
		return;
	size_t slot = (route_index < 0 || (size_t)route_index >= nslots - 1) ? nslots - 1
									     : (size_t)route_index;
	size_t si = NSTATUS;
	for (size_t i = 0; i < NSTATUS; i++)
		if (statuses[i] == status) {
			si = i;
			break;
		}
	atomic_fetch_add_explicit(&counts[slot * NSTATUS_ALL + si], 1, memory_order_relaxed);
	size_t bi = NBUCKET;
	for (size_t i = 0; i < NBUCKET; i++)
		if ((double)micros / 1e6 <= buckets[i]) {
			bi = i;
			break;
		}
	atomic_fetch_add_explicit(&hist[slot * (NBUCKET + 1) + bi], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&sum_us[slot], (uint64_t)micros, memory_order_relaxed);
	atomic_fetch_add_explicit(&obs[slot], 1, memory_order_relaxed);
}

static void route_label(size_t slot, const char **method, const char **path)
{
	if (slot < nslots - 1) {
		*method = routes[slot].method;
		*path = routes[slot].path;
	} else {
		*method = "";
		*path = "unmatched";
	}
}

void metrics_render(struct sbuf *b, int64_t sessions_active)
{
	sbuf_puts(b, "# HELP grassroots_http_requests_total HTTP requests by route and status.\n"
		     "# TYPE grassroots_http_requests_total counter\n");
	for (size_t s = 0; s < nslots; s++) {
		const char *m, *p;
		route_label(s, &m, &p);
		for (size_t i = 0; i < NSTATUS_ALL; i++) {
			uint64_t v = atomic_load(&counts[s * NSTATUS_ALL + i]);
			if (v == 0)
				continue;
			if (i < NSTATUS)
				sbuf_printf(b,
					    "grassroots_http_requests_total{method=\"%s\",route=\"%"
					    "s\",status=\"%d\"} %llu\n",
					    m, p, statuses[i], (unsigned long long)v);
			else
				sbuf_printf(b,
					    "grassroots_http_requests_total{method=\"%s\",route=\"%"
					    "s\",status=\"other\"} %llu\n",
					    m, p, (unsigned long long)v);
		}
	}
	sbuf_puts(b, "# HELP grassroots_http_request_duration_seconds Time from request start to "
		     "response queued.\n"
		     "# TYPE grassroots_http_request_duration_seconds histogram\n");
	for (size_t s = 0; s < nslots; s++) {
		uint64_t n = atomic_load(&obs[s]);
		if (n == 0)
			continue;
		const char *m, *p;
		route_label(s, &m, &p);
		uint64_t cum = 0;
		for (size_t i = 0; i < NBUCKET; i++) {
			cum += atomic_load(&hist[s * (NBUCKET + 1) + i]);
			sbuf_printf(b,
				    "grassroots_http_request_duration_seconds_bucket{method=\"%s\","
				    "route=\"%s\",le=\"%g\"} %llu\n",
				    m, p, buckets[i], (unsigned long long)cum);
		}
		cum += atomic_load(&hist[s * (NBUCKET + 1) + NBUCKET]);
		sbuf_printf(b,
			    "grassroots_http_request_duration_seconds_bucket{method=\"%s\",route="
			    "\"%s\",le=\"+Inf\"} %llu\n",
			    m, p, (unsigned long long)cum);
		sbuf_printf(b,
			    "grassroots_http_request_duration_seconds_sum{method=\"%s\",route=\"%"
			    "s\"} %.6f\n",
			    m, p, (double)atomic_load(&sum_us[s]) / 1e6);
		sbuf_printf(b,
			    "grassroots_http_request_duration_seconds_count{method=\"%s\",route=\"%"
			    "s\"} %llu\n",
			    m, p, (unsigned long long)n);
	}
	sbuf_printf(b,
		    "# HELP grassroots_db_busy_waits_total Waits for the database write lock.\n"
		    "# TYPE grassroots_db_busy_waits_total counter\n"
		    "grassroots_db_busy_waits_total %llu\n"
		    "# HELP grassroots_db_busy_errors_total Statements that failed as busy or "
		    "locked after waiting.\n"
		    "# TYPE grassroots_db_busy_errors_total counter\n"
		    "grassroots_db_busy_errors_total %llu\n"
		    "# HELP grassroots_sessions_active Sessions used within the idle timeout.\n"
		    "# TYPE grassroots_sessions_active gauge\n"
		    "grassroots_sessions_active %lld\n",
		    (unsigned long long)db_metric_busy_waits(),
		    (unsigned long long)db_metric_busy_errors(), (long long)sessions_active);
}
