/* action_message.c -- the "message" action: the message is written to
 * the log (the journal under systemd) with its task id, and that is its
 * delivery. It ends as soon as it starts; the ended jobs wait in a queue
 * until the engine collects them. */
#include "config.h"

#include <stdlib.h>

#include "action.h"
#include "json.h"
#include "log.h"
#include "validate.h"

struct message_state {
	struct ts_job_queue done;
};

static enum ts_err message_open(const struct ts_action_env *env, void **state,
				struct ts_error *err)
{
	struct message_state *st = calloc(1, sizeof(*st));

	(void)env;
	if (!st)
		return ts_error_set(err, TS_ERR_NOMEM, "internal", NULL, "out of memory");
	*state = st;
	return TS_OK;
}

static void message_close(void *state)
{
	struct message_state *st = state;

	if (!st)
		return;
	ts_job_queue_clear(&st->done);
	free(st);
}

static enum ts_err message_start(void *state, struct ts_job *j, struct ts_error *err)
{
	struct message_state *st = state;
	struct ts_message_spec spec;
	enum ts_err rc = ts_json_parse_message(j->task.payload_json, &spec, err);

	if (rc == TS_OK)
		rc = ts_validate_message(&spec, err);
	if (rc == TS_OK) {
		ts_log(TS_LOG_INFO, j->task.id, "message to %s: %.1500s", spec.recipient,
		       spec.message);
		j->result.finished_at = ts_time_now();
		ts_job_queue_push(&st->done, j);
	}
	ts_message_spec_cleanup(&spec);
	return rc;
}

static unsigned message_in_flight(const void *state)
{
	const struct message_state *st = state;

	return (unsigned)st->done.count;
}

static bool message_collect(void *state, struct ts_attempt_end *end)
{
	struct message_state *st = state;
	struct ts_job *j = ts_job_queue_pop(&st->done);

	if (!j)
		return false;
	*end = (struct ts_attempt_end){ .job = j, .retry_after_ms = -1 };
	return true;
}

/* Written to the log is delivered. */
static enum ts_attempt_class message_classify(const struct ts_attempt_end *end)
{
	(void)end;
	return TS_ATTEMPT_SUCCESS;
}

const struct ts_action_entry ts_action_message = {
	.action = TS_ACTION_MESSAGE,
	.open = message_open,
	.close = message_close,
	.start = message_start,
	.in_flight = message_in_flight,
	.collect = message_collect,
	.classify = message_classify,
};
