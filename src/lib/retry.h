/* retry.h -- which attempts are retried, and after how long. */
#ifndef TS_RETRY_H
#define TS_RETRY_H

#include <stdbool.h>
#include <stdint.h>

enum ts_retry_class {
	TS_RETRY_SUCCESS = 0,   /* 2xx: done */
	TS_RETRY_TRANSIENT,     /* network error, timeout, 408, 429, 5xx: try again */
	TS_RETRY_PERMANENT,     /* any other status (4xx, an unfollowed 3xx): give up */
};

/* Classifies an attempt: `transport_error` when no HTTP response arrived
 * (connection refused or reset, DNS failure, timeout), else by status. */
enum ts_retry_class ts_retry_classify(int http_status, bool transport_error);

/* Longest delay a Retry-After header can impose, so a receiver cannot park
 * a task for years. */
#define TS_RETRY_AFTER_MAX_MS (INT64_C(24) * 3600 * 1000)

/* Delay before the attempt after attempt number `attempt` (1-based):
 * exponential backoff with full jitter, a uniform value in
 * [0, min(cap_ms, base_ms * 2^(attempt-1))], drawn from `random`. When the
 * receiver sent Retry-After (`retry_after_ms` >= 0) that delay is used
 * instead, bounded by TS_RETRY_AFTER_MAX_MS. */
int64_t ts_retry_delay_ms(int attempt, unsigned base_ms, unsigned cap_ms,
			  int64_t retry_after_ms, uint64_t random);

/* A random 64-bit value (a splitmix64 stream seeded from getrandom(2)):
 * for jitter, not for secrets. */
uint64_t ts_retry_random(void);

#endif
