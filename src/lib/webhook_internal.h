/* webhook_internal.h -- what the libcurl modules of libwebhook.a share
 * (webhook.c, smtp.c), and nobody else sees: a pool's multi handle
 * carries their transfers side by side, so the executor's loop sleeps in
 * one poll for all of them. */
#ifndef TS_WEBHOOK_INTERNAL_H
#define TS_WEBHOOK_INTERNAL_H

#include <curl/curl.h>

#include "webhook.h"

/* The first member of what a foreign transfer's CURLOPT_PRIVATE points
 * at. When the transfer ends, ts_webhook_wait removes its easy handle
 * from the multi handle and calls ended(). */
struct ts_transfer {
	void (*ended)(struct ts_transfer *t, CURL *easy, CURLcode result);
};

/* The pool's multi handle: add foreign transfers to it, and remove those
 * still in flight before the pool is freed. */
CURLM *ts_webhook_pool_multi(struct ts_webhook_pool *pool);

#endif
