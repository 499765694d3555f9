/* action_amqp.c -- the "amqp" action: the payload's body published to a
 * configured broker (broker.h), one connection per broker for the whole
 * executor run, many messages awaiting their confirms at once. A confirm
 * is success; a message the broker returned (unroutable) or refused
 * (nack) fails; a broker that cannot be reached, or a connection lost
 * before the confirm, is retried like a network error. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "action.h"
#include "broker.h"
#include "json.h"
#include "validate.h"

struct amqp_state {
	const struct ts_conf *conf;
	struct ts_broker *brokers[TS_CONF_BROKERS_MAX];  /* by index in conf, made on first use */
	struct ts_job_queue unreached;                    /* attempts that found no broker */
};

static enum ts_err amqp_open(const struct ts_action_env *env, void **state, struct ts_error *err)
{
	struct amqp_state *st = calloc(1, sizeof(*st));

	if (!st)
		return ts_error_set(err, TS_ERR_NOMEM, "internal", NULL, "out of memory");
	st->conf = env->conf;
	*state = st;
	return TS_OK;
}

static void amqp_close(void *state)
{
	struct amqp_state *st = state;

	if (!st)
		return;
	for (unsigned i = 0; i < TS_CONF_BROKERS_MAX; i++)
		ts_broker_free(st->brokers[i]);
	ts_job_queue_clear(&st->unreached);
	free(st);
}

static void spec_free(void *data)
{
	ts_amqp_spec_cleanup(data);
	free(data);
}

/* The connection of broker `name`, made on first use; NULL with `err`
 * set when it is not configured or its URL is bad. */
static struct ts_broker *broker_of(struct amqp_state *st, const char *name, struct ts_error *err)
{
	const struct ts_conf_broker *cb = ts_conf_broker(st->conf, name);

	if (!cb) {
		ts_error_set(err, TS_ERR_INVALID, "invalid_field", "payload.broker",
			     "no broker '%.63s' is configured", name);
		return NULL;
	}
	size_t i = (size_t)(cb - st->conf->amqp_brokers);
	if (!st->brokers[i])
		st->brokers[i] = ts_broker_new(cb->url, cb->password, cb->ca_file,
					       (long)st->conf->webhook_timeout_ms, err);
	return st->brokers[i];
}

static enum ts_err amqp_start(void *state, struct ts_job *j, struct ts_error *err)
{
	struct amqp_state *st = state;
	struct ts_amqp_spec *spec = calloc(1, sizeof(*spec));
	struct ts_broker *b;
	enum ts_err rc;

	if (!spec)
		return ts_error_set(err, TS_ERR_NOMEM, "internal", NULL, "out of memory");
	j->data = spec;
	j->data_free = spec_free;
	rc = ts_json_parse_amqp(j->task.payload_json, spec, err);
	if (rc == TS_OK)
		rc = ts_validate_amqp(spec, err);
	if (rc != TS_OK || !(b = broker_of(st, spec->broker, err)))
		return rc != TS_OK ? rc : (err ? err->status : TS_ERR_INVALID);
	const char *body = spec->body_json ? spec->body_json : "null";
	struct ts_broker_message m = {
		.exchange = spec->exchange, .routing_key = spec->routing_key ? spec->routing_key : "",
		.body = body, .body_len = strlen(body), .headers = spec->headers,
		.header_count = spec->header_count, .persistent = spec->persistent,
		.message_id = j->task.id, .attempt = j->task.attempts, .user = j,
	};
	rc = ts_broker_publish(b, &m, err);
	if (rc == TS_ERR_UNAVAILABLE) {
		/* An attempt that reached no broker ends as a network error
		 * would: retried after the backoff, not at once. */
		snprintf(j->error, sizeof(j->error), "%s", err->message);
		j->result.finished_at = ts_time_now();
		ts_job_queue_push(&st->unreached, j);
		return TS_OK;
	}
	return rc == TS_ERR_INVALID ? TS_ERR_INTERNAL : rc;
}

static unsigned amqp_in_flight(const void *state)
{
	const struct amqp_state *st = state;
	unsigned n = (unsigned)st->unreached.count;

	for (unsigned i = 0; i < TS_CONF_BROKERS_MAX; i++)
		n += st->brokers[i] ? ts_broker_in_flight(st->brokers[i]) : 0;
	return n;
}

static bool amqp_collect(void *state, struct ts_attempt_end *end)
{
	struct amqp_state *st = state;
	struct ts_broker_outcome o;
	struct ts_job *j = ts_job_queue_pop(&st->unreached);

	if (j) {
		*end = (struct ts_attempt_end){ .job = j, .transport_error = true,
						.retry_after_ms = -1 };
		return true;
	}
	for (unsigned i = 0; i < TS_CONF_BROKERS_MAX; i++) {
		if (!st->brokers[i] || !ts_broker_next_done(st->brokers[i], &o))
			continue;
		j = o.user;
		j->result.started_at = o.started_at;
		j->result.finished_at = o.finished_at;
		snprintf(j->error, sizeof(j->error), "%s", o.error);
		*end = (struct ts_attempt_end){ .job = j, .transport_error = o.transport_error,
						.retry_after_ms = -1 };
		return true;
	}
	return false;
}

static enum ts_attempt_class amqp_classify(const struct ts_attempt_end *end)
{
	if (end->transport_error)
		return TS_ATTEMPT_RETRY;
	return end->job->error[0] ? TS_ATTEMPT_FAIL : TS_ATTEMPT_SUCCESS;
}

static unsigned amqp_poll_fds(void *state, int *fds, unsigned max)
{
	struct amqp_state *st = state;
	unsigned n = 0;

	for (unsigned i = 0; i < TS_CONF_BROKERS_MAX && n < max; i++) {
		int fd = st->brokers[i] ? ts_broker_fd(st->brokers[i]) : -1;
		if (fd >= 0)
			fds[n++] = fd;
	}
	return n;
}

const struct ts_action_entry ts_action_amqp = {
	.action = TS_ACTION_AMQP,
	.open = amqp_open,
	.close = amqp_close,
	.start = amqp_start,
	.in_flight = amqp_in_flight,
	.collect = amqp_collect,
	.classify = amqp_classify,
	.poll_fds = amqp_poll_fds,
};
