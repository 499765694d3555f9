/* action_webhook.c -- the "webhook" action: an HTTP request through the
 * engine's libcurl pool (webhook.h), many in flight at once. 2xx is
 * success; network errors, timeouts, 408, 429 and 5xx are retried (with
 * the receiver's Retry-After); any other answer fails, and so does a
 * target the SSRF guard refused. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "action.h"
#include "json.h"
#include "retry.h"
#include "validate.h"

struct webhook_state {
	const struct ts_conf *conf;
	struct ts_webhook_pool *pool;
	struct ts_notifier *notifier;   /* its transfers end in the same pool */
};

static enum ts_err webhook_open(const struct ts_action_env *env, void **state,
				struct ts_error *err)
{
	struct webhook_state *st = calloc(1, sizeof(*st));

	if (!st)
		return ts_error_set(err, TS_ERR_NOMEM, "internal", NULL, "out of memory");
	st->conf = env->conf;
	st->pool = env->pool;
	st->notifier = env->notifier;
	*state = st;
	return TS_OK;
}

static void webhook_close(void *state)
{
	free(state);
}

static void spec_free(void *data)
{
	ts_webhook_spec_cleanup(data);
	free(data);
}

/* The request's timeout: the payload's own, else the default; never more
 * than the configured maximum. */
static long timeout_of(const struct ts_conf *conf, const struct ts_webhook_spec *spec)
{
	long timeout = spec->has_timeout ? (long)spec->timeout_ms : (long)conf->webhook_timeout_ms;

	return timeout > (long)conf->webhook_timeout_max_ms ? (long)conf->webhook_timeout_max_ms
							    : timeout;
}

static enum ts_err webhook_start(void *state, struct ts_job *j, struct ts_error *err)
{
	struct webhook_state *st = state;
	struct ts_webhook_spec *spec = calloc(1, sizeof(*spec));
	enum ts_err rc;

	if (!spec)
		return ts_error_set(err, TS_ERR_NOMEM, "internal", NULL, "out of memory");
	/* The spec lives with the job: the request reads it until it ends. */
	j->data = spec;
	j->data_free = spec_free;
	rc = ts_json_parse_webhook(j->task.payload_json, spec, err);
	if (rc == TS_OK)
		rc = ts_validate_webhook(spec, err);
	if (rc != TS_OK)
		return rc;
	struct ts_webhook_request req = {
		.spec = spec, .task_id = j->task.id, .attempt = j->task.attempts,
		.timeout_ms = timeout_of(st->conf, spec), .user = j,
	};
	rc = ts_webhook_start(st->pool, &req, err);
	/* Not starting is never the payload's fault. */
	return rc == TS_ERR_INVALID ? TS_ERR_INTERNAL : rc;
}

static unsigned webhook_in_flight(const void *state)
{
	const struct webhook_state *st = state;

	return ts_webhook_in_flight(st->pool);
}

static bool webhook_collect(void *state, struct ts_attempt_end *end)
{
	struct webhook_state *st = state;
	struct ts_webhook_response r;

	/* A failure notice's request ends in the same pool: the notifier
	 * takes those back, tasks' requests come here. */
	do {
		if (!ts_webhook_next_done(st->pool, &r))
			return false;
		if (!st->notifier || !ts_notifier_owns(st->notifier, r.user))
			break;
		ts_notifier_done(st->notifier, &r);
	} while (true);
	struct ts_job *j = r.user;
	j->result.started_at = r.started_at;
	j->result.finished_at = r.finished_at;
	j->result.http_status = r.http_status;
	memcpy(j->excerpt, r.excerpt, sizeof(j->excerpt));
	j->result.excerpt = r.transport_error ? NULL : j->excerpt;
	snprintf(j->error, sizeof(j->error), "%s", r.error);
	*end = (struct ts_attempt_end){
		.job = j, .transport_error = r.transport_error, .refused = r.refused,
		.retry_after_ms = r.retry_after_ms,
	};
	return true;
}

static enum ts_attempt_class webhook_classify(const struct ts_attempt_end *end)
{
	/* A target the guard refused stays refused. */
	if (end->refused)
		return TS_ATTEMPT_FAIL;
	switch (ts_retry_classify(end->job->result.http_status, end->transport_error)) {
	case TS_RETRY_SUCCESS:
		return TS_ATTEMPT_SUCCESS;
	case TS_RETRY_TRANSIENT:
		return TS_ATTEMPT_RETRY;
	default:
		return TS_ATTEMPT_FAIL;
	}
}

const struct ts_action_entry ts_action_webhook = {
	.action = TS_ACTION_WEBHOOK,
	.open = webhook_open,
	.close = webhook_close,
	.start = webhook_start,
	.in_flight = webhook_in_flight,
	.collect = webhook_collect,
	.classify = webhook_classify,
};
