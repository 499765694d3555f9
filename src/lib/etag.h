/* etag.h -- strong entity tags of tasks, and If-Match lists (RFC 9110). */
#ifndef TS_ETAG_H
#define TS_ETAG_H

#include <stdbool.h>

#include "errors.h"
#include "task.h"

/* A quoted tag: '"', 32 hex digits, '"' and the terminator. */
#define TS_ETAG_MAX 35

/* Writes the entity tag of `task` into `out`: the SipHash-2-4-128 of its
 * JSON representation (ts_json_task_one) in hex, quoted. It is a strong
 * validator: it changes whenever anything a client can see of the task
 * changes (updated_at among it), and only then. Fails only for memory. */
enum ts_err ts_etag_task(const struct ts_task *task, char out[TS_ETAG_MAX],
			 struct ts_error *err);

/* The same tag from `task_one`, the text ts_json_task_one gave for the
 * task (a GET's body), without writing it again. */
void ts_etag_task_text(const char *task_one, char out[TS_ETAG_MAX]);

/* True when the If-Match header value `if_match` (a comma-separated list
 * of entity tags, or "*") matches the current tag `etag` of an existing
 * resource by the strong comparison of RFC 9110 section 8.8.3.2: weak tags
 * (W/"...") and malformed elements never match. */
bool ts_etag_if_match(const char *if_match, const char *etag);

#endif
