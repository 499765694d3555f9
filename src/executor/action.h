/* action.h -- what an action plugs into the dispatch engine (executor.c).
 *
 * The engine owns everything actions share: claiming, leases, the loop and
 * its sleep, retry timing (backoff, Retry-After), the outcome and the run
 * history. An action is one table entry, as a lighttpd backend module is
 * a set of hooks over gw_backend.c: it starts an attempt of a claimed job,
 * hands back the attempts that ended, and says what an end means. */
#ifndef TS_ACTION_H
#define TS_ACTION_H

#include <stdbool.h>
#include <stdint.h>

#include "conf.h"
#include "errors.h"
#include "job.h"
#include "task.h"
#include "notifier.h"
#include "webhook.h"

/* What the engine lends every action for the life of an executor. */
struct ts_action_env {
	const struct ts_conf *conf;
	struct ts_webhook_pool *pool;   /* the loop's libcurl transfers; the loop sleeps in it */
	struct ts_notifier *notifier;   /* failure notices, sent through the same pool */
};

/* How an attempt ended, as the action saw it. Before handing it back the
 * action fills the job's result (started_at, finished_at, http_status,
 * excerpt) and its error text. */
struct ts_attempt_end {
	struct ts_job *job;
	bool transport_error;       /* no answer from the target at all */
	bool refused;               /* the target was refused by policy: never retried */
	int64_t retry_after_ms;     /* the target's own wish; -1 when none */
};

/* What an ended attempt means for its task. */
enum ts_attempt_class {
	TS_ATTEMPT_SUCCESS,
	TS_ATTEMPT_RETRY,           /* again after a backoff, if attempts remain */
	TS_ATTEMPT_FAIL,            /* failed for good */
};

struct ts_action_entry {
	enum ts_action action;
	/* Sets up the action for one executor; *state (may stay NULL) is
	 * handed to the other hooks. Optional. */
	enum ts_err (*open)(const struct ts_action_env *env, void **state, struct ts_error *err);
	/* Frees what open() made, aborting what is in flight. Optional. */
	void (*close)(void *state);
	/* Reads and checks the job's payload and starts the attempt; the job
	 * is the action's until collect() returns it. TS_ERR_INVALID: the
	 * payload cannot ever be delivered (the attempt fails for good); any
	 * other error: it could not start now (retried). On failure the job
	 * stays the engine's. */
	enum ts_err (*start)(void *state, struct ts_job *j, struct ts_error *err);
	/* Attempts started and not yet collected. */
	unsigned (*in_flight)(const void *state);
	/* Pops one ended attempt into *end; false when none has ended. */
	bool (*collect)(void *state, struct ts_attempt_end *end);
	/* What an end means. */
	enum ts_attempt_class (*classify)(const struct ts_attempt_end *end);
	/* Sockets of its own (not the pool's) the loop must wake on when
	 * they become readable; writes up to `max` into fds, returns how
	 * many. Optional. */
	unsigned (*poll_fds)(void *state, int *fds, unsigned max);
};

extern const struct ts_action_entry ts_action_webhook;
extern const struct ts_action_entry ts_action_message;
extern const struct ts_action_entry ts_action_email;
extern const struct ts_action_entry ts_action_amqp;

/* The entry of action `a`; NULL for a value no entry serves. */
const struct ts_action_entry *ts_action_lookup(enum ts_action a);

#endif
