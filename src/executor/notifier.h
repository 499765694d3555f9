/* notifier.h -- failure notices (a task's on_failure): claimed from the
 * database's outbox and POSTed through the executor's webhook pool, signed
 * and guarded like every webhook, beside the tasks and never in their way. */
#ifndef TS_NOTIFIER_H
#define TS_NOTIFIER_H

#include <stdbool.h>
#include <stddef.h>

#include "conf.h"
#include "db/db.h"
#include "webhook.h"

/* A notice is tried this often (network errors and 5xx) before it is
 * given up and recorded on its task's runs. */
#define TS_NOTICE_TRIES_MAX 5

struct ts_notifier;

/* A notifier sending through `pool` and recording with `db` (the
 * executor's; both must outlive it) as `executor_id`. NULL on no memory. */
struct ts_notifier *ts_notifier_new(const struct ts_conf *conf, struct ts_db *db,
				    struct ts_webhook_pool *pool, const char *executor_id);

/* Frees the notifier; requests still in flight must have been collected.
 * NULL is allowed. */
void ts_notifier_free(struct ts_notifier *n);

/* Claims up to `room` due notices and starts their requests. A database
 * error is returned (the notices come back when their lease expires). */
enum ts_err ts_notifier_send_due(struct ts_notifier *n, size_t room, struct ts_error *err);

/* True when `user` (of a webhook response) is one of this notifier's. */
bool ts_notifier_owns(const struct ts_notifier *n, const void *user);

/* Records how a notice's request ended: delivered, tried again later, or
 * given up; then forgets it. */
void ts_notifier_done(struct ts_notifier *n, const struct ts_webhook_response *r);

#endif
