/* webhook.h -- firing webhooks, many at once (libcurl's multi interface). */
#ifndef TS_WEBHOOK_H
#define TS_WEBHOOK_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "errors.h"
#include "netguard.h"
#include "tstime.h"
#include "validate.h"
#include "webhook_spec.h"

#define TS_WEBHOOK_EXCERPT_MAX 1024
#define TS_WEBHOOK_ERROR_MAX 256
/* A Retry-After in seconds is believed up to a day. */
#define TS_RETRY_AFTER_SECS_MAX (INT64_C(24) * 3600)
/* "Name: value" of one request header. */
#define TS_HEADER_LINE_MAX (TS_HEADER_NAME_MAX + TS_HEADER_VALUE_MAX + 4)

/* Sockets of others one wait can watch at most. */
#define TS_WEBHOOK_WAIT_FDS_MAX 16

/* A set of requests in flight, sharing connections (keep-alive) and DNS. */
struct ts_webhook_pool;

/* One request to send. The spec and strings must stay valid until the
 * request completes. */
struct ts_webhook_request {
	const struct ts_webhook_spec *spec;
	const char *task_id;
	int attempt;
	long timeout_ms;
	void *user;           /* handed back with the response */
};

/* How a request ended. */
struct ts_webhook_response {
	void *user;
	bool transport_error;                 /* no HTTP response at all */
	bool refused;                         /* the SSRF guard refused every address */
	int http_status;                      /* 0 when transport_error */
	int64_t retry_after_ms;               /* -1 when the header was absent */
	char error[TS_WEBHOOK_ERROR_MAX];     /* "" on success */
	char excerpt[TS_WEBHOOK_EXCERPT_MAX + 1]; /* start of the body, NULs replaced */
	ts_time_us started_at, finished_at;
};

struct ts_webhook_options {
	const char *user_agent;             /* sent as User-Agent */
	const struct ts_netguard *guard;    /* addresses allowed; NULL: any */
	const char *signing_secret;         /* NULL or "": requests are not signed */
	/* "tasksched" (NULL means that too): X-Tasksched-Signature, keyed
	 * with signing_secret as it is. "standard": the Standard Webhooks
	 * headers, with signing_secret one or more whsec_ secrets separated
	 * by white space, each giving one signature (rotation). "both": both,
	 * X-Tasksched-Signature keyed with the first of those secrets. */
	const char *signature_scheme;
};

/* Standard Webhooks secrets used at once at most (old and new while
 * rotating, and some room). */
#define TS_WEBHOOK_SIGN_KEYS_MAX 4

/* Creates a pool; `opts` and what it points to must outlive it. NULL on
 * failure. */
struct ts_webhook_pool *ts_webhook_pool_new(const struct ts_webhook_options *opts,
					    struct ts_error *err);
/* Aborts whatever is in flight and frees the pool; NULL is allowed. */
void ts_webhook_pool_free(struct ts_webhook_pool *pool);

/* Starts a request (it progresses inside ts_webhook_wait). */
enum ts_err ts_webhook_start(struct ts_webhook_pool *pool, const struct ts_webhook_request *req,
			     struct ts_error *err);

/* Requests started and not yet returned by ts_webhook_next_done. */
unsigned ts_webhook_in_flight(const struct ts_webhook_pool *pool);

/* Drives the transfers, waiting up to `timeout_ms` for network activity
 * or ts_webhook_wakeup(). */
enum ts_err ts_webhook_wait(struct ts_webhook_pool *pool, int timeout_ms, struct ts_error *err);

/* The same, waking also when one of the `nfds` sockets `fds` becomes
 * readable (the connections of other actions, e.g. a message broker's). */
enum ts_err ts_webhook_wait_fds(struct ts_webhook_pool *pool, int timeout_ms, const int *fds,
				unsigned nfds, struct ts_error *err);

/* Makes a ts_webhook_wait in progress return; safe in a signal handler. */
void ts_webhook_wakeup(struct ts_webhook_pool *pool);

/* Pops one completed request into `out`; false when none is ready. */
bool ts_webhook_next_done(struct ts_webhook_pool *pool, struct ts_webhook_response *out);

/* Parses a Retry-After value, delay-seconds or an HTTP-date, relative to
 * `now` (seconds since the epoch). Returns milliseconds (0 for a date in
 * the past) or -1 when the value is neither. */
int64_t ts_webhook_parse_retry_after(const char *value, time_t now);

#endif
