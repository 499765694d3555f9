/* executor.c -- one run of the executor: claim due tasks, fire them at
 * their time, record the outcomes, until the run's end.
 *
 * The loop never holds a database transaction across network I/O: a claim
 * commits before any request starts, and outcomes are recorded in batches
 * afterwards. Its periodic work is a table of timed jobs (timers.h): the
 * end of the run, lease renewal, reaping expired leases, claiming (which
 * also polls for tasks created meanwhile), flushing outcomes to the
 * recorder, failure notices and retention (deleting old finished tasks in
 * bounded steps). Each pass runs the due jobs, starts what was claimed, and
 * then sleeps in curl's poll until a response comes or the nearest job is
 * due.
 *
 * This file is the dispatch engine every action shares: claim, attempt,
 * outcome, retry timing and run history. How an action delivers is a
 * table entry of its own (action.h, action_*.c). */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "action.h"
#include "claimer.h"
#include "db/db.h"
#include "executor.h"
#include "job.h"
#include "log.h"
#include "notifier.h"
#include "recorder.h"
#include "retry.h"
#include "timers.h"
#include "webhook.h"

/* Outcomes are written when this many are waiting, or when the oldest has
 * waited FLUSH_MS: few commits under load, little delay when idle. */
#define FLUSH_BATCH 256
#define FLUSH_MS 20
/* How often the outbox of failure notices is looked at. */
#define NOTICE_INTERVAL_MS 1000
/* How often expired leases of dead executors are looked for. */
#define REAP_INTERVAL_MS 5000
/* Retention starts this long into a run, after what was due at its start
 * has gone out. After a pruning step that found a full batch, the next one
 * follows PRUNE_PAUSE_MS later (claims and responses get the time in
 * between); otherwise nothing more is due before the next run. A step is
 * bounded by retention_batch_size, and so is the delay it can add to a
 * claim that falls due in the same pass. */
#define PRUNE_START_MS 1000
#define PRUNE_PAUSE_MS 50
#define PRUNE_INTERVAL_MS 60000
/* After a claim found nothing although a due row exists (another executor
 * holds it locked), wait this long before asking again. */
#define LOCKED_RETRY_MS 5
/* How long a run that lost the database keeps trying to record what it
 * already did before giving up. */
#define RECORD_RETRY_MS 5000
/* While winding down, the loop looks at the recorder's backlog at least
 * this often (the recorder also wakes it when it has written everything). */
#define DRAIN_POLL_MS 50

/* The timed jobs, in the order a pass runs them: the end of the run first,
 * so that nothing is claimed once it has come; retention last, after the
 * work that has a due time. */
enum { TIMER_END, TIMER_RENEW, TIMER_REAP, TIMER_CLAIM, TIMER_FLUSH, TIMER_NOTICE, TIMER_PRUNE,
       TIMER_COUNT };

struct ts_executor {
	const struct ts_conf *conf;
	struct ts_db *db;
	struct ts_webhook_pool *pool;    /* the loop sleeps in its poll */
	void *action_state[TS_ACTION_COUNT];
	char id[65];
	struct ts_job_queue pending;     /* claimed, not started */
	struct ts_job_queue done;        /* finished, not handed to the recorder */
	struct ts_recorder *recorder;
	struct ts_claimer *claimer;      /* the run's claims, on its thread */
	struct ts_notifier *notifier;    /* failure notices, through the same pool */
	struct ts_netguard guard;
	volatile sig_atomic_t stop;
	bool db_failed;
	struct ts_error db_err;

	/* The current run (ts_executor_run). */
	struct ts_executor_options opts;
	struct ts_timer timers[TIMER_COUNT];
	int64_t poll_us;              /* executor_poll_ms */
	int64_t renew_us;             /* lease renewal interval */
	size_t max_ahead;             /* claimed + in flight at most */
	size_t claim_size;            /* tasks one claim asks for at most */
	bool end_reached;             /* opts.end_at has come */
	bool nothing_due;             /* --once: a claim found nothing more */
	int64_t record_deadline;      /* after a database failure: stop waiting for the recorder */
	struct ts_prune_counts pruned; /* retention's work in this run */
};

/* Sets up every action of the table for this executor. */
static enum ts_err open_actions(struct ts_executor *ex, struct ts_error *err)
{
	const struct ts_action_env env = {
		.conf = ex->conf, .pool = ex->pool, .notifier = ex->notifier,
	};

	for (int a = 0; a < TS_ACTION_COUNT; a++) {
		const struct ts_action_entry *e = ts_action_lookup((enum ts_action)a);
		if (e && e->open && e->open(&env, &ex->action_state[a], err) != TS_OK)
			return err ? err->status : TS_ERR_INTERNAL;
	}
	return TS_OK;
}

static void close_actions(struct ts_executor *ex)
{
	for (int a = 0; a < TS_ACTION_COUNT; a++) {
		const struct ts_action_entry *e = ts_action_lookup((enum ts_action)a);
		if (e && e->close)
			e->close(ex->action_state[a]);
		ex->action_state[a] = NULL;
	}
}

/* Attempts started and not yet collected, over all actions. */
static size_t in_flight(const struct ts_executor *ex)
{
	size_t n = 0;

	for (int a = 0; a < TS_ACTION_COUNT; a++) {
		const struct ts_action_entry *e = ts_action_lookup((enum ts_action)a);
		if (e)
			n += e->in_flight(ex->action_state[a]);
	}
	return n;
}

static void wake_loop(void *arg)
{
	struct ts_executor *ex = arg;

	ts_webhook_wakeup(ex->pool);
}

struct ts_executor *ts_executor_new(const struct ts_conf *conf, struct ts_error *err)
{
	char host[64] = "localhost";
	char ua[64];
	struct ts_executor *ex = calloc(1, sizeof(*ex));

	if (!ex) {
		ts_error_set(err, TS_ERR_NOMEM, "internal", NULL, "out of memory");
		return NULL;
	}
	ex->conf = conf;
	gethostname(host, sizeof(host) - 1);
	host[40] = '\0';
	snprintf(ex->id, sizeof(ex->id), "%s/%ld/%04x", host, (long)getpid(),
		 (unsigned)(ts_retry_random() & 0xffff));
	snprintf(ua, sizeof(ua), "tasksched/%s", PACKAGE_VERSION);
	struct ts_webhook_options wopts = {
		.user_agent = ua, .guard = &ex->guard,
		.signing_secret = conf->webhook_signing_secret,
		.signature_scheme = conf->webhook_signature_scheme,
	};
	if (ts_netguard_parse(&ex->guard, conf->webhook_allow, err) != TS_OK ||
	    ts_db_new(conf, &ex->db, err) != TS_OK ||
	    !(ex->pool = ts_webhook_pool_new(&wopts, err))) {
		ts_executor_free(ex);
		return NULL;
	}
	ex->notifier = ts_notifier_new(conf, ex->db, ex->pool, ex->id);
	if (!ex->notifier) {
		ts_error_set(err, TS_ERR_NOMEM, "internal", NULL, "out of memory");
		ts_executor_free(ex);
		return NULL;
	}
	if (open_actions(ex, err) != TS_OK) {
		ts_executor_free(ex);
		return NULL;
	}
	return ex;
}

void ts_executor_free(struct ts_executor *ex)
{
	if (!ex)
		return;
	ts_claimer_free(ex->claimer);
	ts_recorder_free(ex->recorder, NULL, NULL);
	ts_job_queue_clear(&ex->pending);
	ts_job_queue_clear(&ex->done);
	/* Actions first: their attempts in flight use the pool. */
	close_actions(ex);
	ts_webhook_pool_free(ex->pool);
	ts_notifier_free(ex->notifier);
	ts_db_free(ex->db);
	free(ex);
}

const char *ts_executor_id(const struct ts_executor *ex)
{
	return ex->id;
}

void ts_executor_stop(struct ts_executor *ex)
{
	ex->stop = 1;
	if (ex->pool)
		ts_webhook_wakeup(ex->pool);
}

ts_time_us ts_executor_default_end(ts_time_us now, unsigned margin_ms, unsigned min_run_ms)
{
	const ts_time_us minute = 60 * TS_USEC_PER_SEC;
	ts_time_us end = (now / minute + 1) * minute - (ts_time_us)margin_ms * TS_USEC_PER_MSEC;

	if (end - now < (ts_time_us)min_run_ms * TS_USEC_PER_MSEC)
		end += minute;
	return end;
}

/* Remembers the first database failure; the run then winds down. */
static void note_db_failure(struct ts_executor *ex, const struct ts_error *err)
{
	if (!ex->db_failed) {
		ts_log_error("database failure, stopping this run: %s", err->message);
		ex->db_err = *err;
	}
	ex->db_failed = true;
}

/* Nothing claimed waits to start and no request is in flight. */
static bool is_idle(const struct ts_executor *ex)
{
	return ex->pending.count == 0 && in_flight(ex) == 0;
}

/* The run must end soon: what was claimed and has not started goes back. */
static bool is_abandoning(const struct ts_executor *ex)
{
	return ex->stop || ex->db_failed || ex->end_reached;
}

/* The run is winding down: no more claims, only finishing what it holds.
 * With --once, that includes what is claimed and waits for a free slot. */
static bool is_ending(const struct ts_executor *ex)
{
	return is_abandoning(ex) || ex->nothing_due;
}

static void finish_job(struct ts_executor *ex, struct ts_job *j, enum ts_run_outcome outcome)
{
	j->result.task = &j->task;
	j->result.outcome = outcome;
	j->result.error = j->error[0] ? j->error : NULL;
	if (!j->result.finished_at)
		j->result.finished_at = ts_time_now();
	/* Outcomes wait at most FLUSH_MS for company, and not at all once a
	 * batch is full or nothing else is going on. */
	int64_t now = ts_time_monotonic_us();
	if (!ex->done.count)
		ts_timers_arm(&ex->timers[TIMER_FLUSH], now + FLUSH_MS * TS_USEC_PER_MSEC);
	ts_job_queue_push(&ex->done, j);
	if (ex->done.count >= FLUSH_BATCH || is_idle(ex))
		ts_timers_arm(&ex->timers[TIMER_FLUSH], now);
}

/* Starts an attempt of `j` with its action; an attempt that cannot start
 * ends here. */
static void start_job(struct ts_executor *ex, struct ts_job *j)
{
	const struct ts_action_entry *e = ts_action_lookup(j->task.action);
	struct ts_error err;
	enum ts_err rc;

	ts_error_clear(&err);
	j->result.started_at = ts_time_now();
	if (!e) {
		snprintf(j->error, sizeof(j->error), "this executor cannot run action %s",
			 ts_action_name(j->task.action));
		finish_job(ex, j, TS_RUN_FAILED);
		return;
	}
	/* Set before start: an action may end its attempt inside it. Only a
	 * webhook's request time goes into tasksched_webhook_duration_seconds. */
	j->result.sent = j->task.action == TS_ACTION_WEBHOOK;
	rc = e->start(ex->action_state[j->task.action], j, &err);
	if (rc == TS_OK)
		return;
	j->result.sent = false;
	if (rc == TS_ERR_INVALID) {
		snprintf(j->error, sizeof(j->error), "invalid payload: %s", err.message);
		finish_job(ex, j, TS_RUN_FAILED);
		return;
	}
	snprintf(j->error, sizeof(j->error), "could not start the attempt: %s", err.message);
	j->result.retry_at = ts_time_now();
	finish_job(ex, j, TS_RUN_RETRY);
}

/* Turns an ended attempt into an outcome, by its action's classification;
 * a retry waits for the backoff (or the target's Retry-After). */
static void settle(struct ts_executor *ex, const struct ts_action_entry *e,
		   const struct ts_attempt_end *end)
{
	struct ts_job *j = end->job;
	enum ts_run_outcome outcome = TS_RUN_SUCCEEDED;

	switch (e->classify(end)) {
	case TS_ATTEMPT_SUCCESS:
		break;
	case TS_ATTEMPT_RETRY: {
		int64_t delay = ts_retry_delay_ms(j->task.attempts, ex->conf->retry_base_ms,
						  ex->conf->retry_cap_ms, end->retry_after_ms,
						  ts_retry_random());
		j->result.retry_at = j->result.finished_at + delay * TS_USEC_PER_MSEC;
		outcome = TS_RUN_RETRY;
		break;
	}
	case TS_ATTEMPT_FAIL:
		outcome = TS_RUN_FAILED;
		break;
	}
	if (outcome == TS_RUN_SUCCEEDED)
		ts_log(TS_LOG_DEBUG, j->task.id, "attempt %d: %s succeeded (status %d)",
		       j->task.attempts, ts_action_name(j->task.action), j->result.http_status);
	else
		ts_log(TS_LOG_WARNING, j->task.id, "attempt %d of %d failed: %s",
		       j->task.attempts, j->task.max_attempts, j->error);
	finish_job(ex, j, outcome);
}

/* Collects every attempt that has ended, of every action. */
static void collect_ended(struct ts_executor *ex)
{
	struct ts_attempt_end end;

	for (int a = 0; a < TS_ACTION_COUNT; a++) {
		const struct ts_action_entry *e = ts_action_lookup((enum ts_action)a);
		while (e && e->collect(ex->action_state[a], &end))
			settle(ex, e, &end);
	}
}

/* Starts pending jobs while there is room in flight, then collects those
 * that ended at once. */
static void dispatch(struct ts_executor *ex)
{
	struct ts_job *j;

	while (in_flight(ex) < ex->conf->executor_concurrency &&
	       (j = ts_job_queue_pop(&ex->pending)))
		start_job(ex, j);
	collect_ended(ex);
}

/* Gives back what was claimed and not started. */
static void release_pending(struct ts_executor *ex)
{
	struct ts_task *tasks;
	struct ts_error err;
	size_t n = ex->pending.count, i = 0;
	struct ts_job *j;

	if (n == 0)
		return;
	tasks = calloc(n, sizeof(*tasks));
	if (tasks) {
		/* Shallow copies: only the ids are read. */
		for (j = ex->pending.head; j; j = j->next)
			tasks[i++] = j->task;
		ts_error_clear(&err);
		if (ts_db_release(ex->db, ex->id, tasks, n, &err) != TS_OK)
			ts_log_warning("could not release %zu claimed tasks (they return when "
				       "their lease expires): %s", n, err.message);
		free(tasks);
	}
	ts_job_queue_clear(&ex->pending);
}

/* Takes a finished claim's tasks into the pending queue; returns how
 * many. A claim that kept losing to other executors' (on Galera, other
 * nodes' claims of the same rows) sets *lost and leaves the run going: the
 * next pass claims again, where an outage ends the run. Tasks claimed
 * while the run was already being abandoned go back at once. */
static size_t settle_claim(struct ts_executor *ex, struct ts_claim *got, bool *lost)
{
	size_t count = got->jobs.count;

	*lost = false;
	if (got->rc != TS_OK) {
		if (ts_db_error_is_busy(&got->err)) {
			ts_log_warning("claim lost to other executors, claiming again: %s",
				       got->err.message);
			*lost = true;
		} else {
			note_db_failure(ex, &got->err);
		}
		return 0;
	}
	if (count)
		ts_log_debug("claimed %zu tasks in %.1f ms", count, (double)got->took_us / 1000.0);
	if (got->not_ours)
		ts_log_warning("%zu claimed tasks are another executor's after the claim's "
			       "commit (a claim on another Galera node won them); not starting "
			       "them", got->not_ours);
	ts_job_queue_splice(&ex->pending, &got->jobs);
	if (is_abandoning(ex))
		release_pending(ex);
	return count;
}

/* The timed jobs. Each returns when it is next due (timers.h). */

/* End of the run: opts.end_at on the wall clock. The wall clock is read
 * again at least every poll interval, so that a clock set forward ends the
 * run as soon as it shows the end, as a clock set back delays it. */
static int64_t end_job(void *arg, int64_t now)
{
	struct ts_executor *ex = arg;
	ts_time_us left = ex->opts.end_at - ts_time_now();

	if (left <= 0) {
		ex->end_reached = true;
		return TS_TIMERS_NEVER;
	}
	return now + (left < ex->poll_us ? left : ex->poll_us);
}

/* Leases are renewed for as long as the database answers, winding down
 * included: requests in flight still hold theirs. */
static bool renew_ready(void *arg)
{
	const struct ts_executor *ex = arg;

	return !ex->db_failed;
}

static int64_t renew_job(void *arg, int64_t now)
{
	struct ts_executor *ex = arg;
	struct ts_error err;
	size_t renewed = 0;

	ts_error_clear(&err);
	if (ts_db_renew_leases(ex->db, ex->id, ex->conf->executor_lease_seconds, &renewed,
			       &err) != TS_OK)
		note_db_failure(ex, &err);
	return now + ex->renew_us;
}

static bool reap_ready(void *arg)
{
	return !is_ending(arg);
}

/* Puts back the tasks of executors that died holding them. */
static int64_t reap_job(void *arg, int64_t now)
{
	struct ts_executor *ex = arg;
	struct ts_error err;
	size_t reaped = 0;

	ts_error_clear(&err);
	if (ts_db_reap_expired(ex->db, ex->conf->executor_batch_size, &reaped, &err) != TS_OK)
		note_db_failure(ex, &err);
	else if (reaped)
		ts_log_warning("%zu tasks whose executor's lease expired were "
			       "put back for another attempt", reaped);
	return now + REAP_INTERVAL_MS * TS_USEC_PER_MSEC;
}

/* The claim job is ready when a claim has finished (to take it), or
 * when none is under way and there is room for a whole claim: the next
 * claim is asked for while the last one's tasks still go out, and in
 * full batches (claiming a few rows whenever one request finishes would
 * cost a commit each). While the claimer works or the queue is full the
 * job is not ready, and the loop sleeps until the claimer or a response
 * wakes it. */
static bool claim_ready(void *arg)
{
	const struct ts_executor *ex = arg;
	size_t busy = ex->pending.count + in_flight(ex);

	if (!ts_claimer_idle(ex->claimer))
		return ts_claimer_done(ex->claimer);
	return !is_ending(ex) && busy + ex->claim_size <= ex->max_ahead;
}

/* How long until the next claim is worth trying, after one that did not
 * fill the queue: the next due time, bounded by the poll interval so that
 * tasks created meanwhile are seen. */
static int64_t claim_delay(struct ts_executor *ex)
{
	struct ts_error err;
	bool found = false;
	ts_time_us due_in = 0;

	ts_error_clear(&err);
	if (ts_db_next_due(ex->db, &found, &due_in, &err) != TS_OK)
		note_db_failure(ex, &err);
	if (!found || due_in > ex->poll_us)
		return ex->poll_us;
	if (due_in <= 0)
		return LOCKED_RETRY_MS * TS_USEC_PER_MSEC;
	return due_in;
}

/* Asks the claimer for a claim, or takes the one it finished. A full
 * claim means more may be due, so the next is asked for as soon as there
 * is room; after a database failure the run winds down and the job is not
 * ready again. With --once, a claim that finds nothing ends the run. */
static int64_t claim_job(void *arg, int64_t now)
{
	struct ts_executor *ex = arg;
	struct ts_claim got;
	bool lost;

	if (!ts_claimer_take(ex->claimer, &got)) {
		/* Ready again when the claimer wakes the loop with the result. */
		ts_claimer_ask(ex->claimer, (unsigned)ex->claim_size);
		return now;
	}
	size_t taken = settle_claim(ex, &got, &lost);
	if (taken == got.asked || ex->db_failed)
		return now;
	int64_t delay = claim_delay(ex);
	if (ex->opts.once && taken == 0 && !lost)
		ex->nothing_due = true;
	return now + delay;
}

/* Failure notices take free slots only, after the tasks, and stop with
 * the claims when the run winds down. */
static bool notice_ready(void *arg)
{
	const struct ts_executor *ex = arg;

	return !is_ending(ex) && ts_webhook_in_flight(ex->pool) < ex->conf->executor_concurrency;
}

static int64_t notice_job(void *arg, int64_t now)
{
	struct ts_executor *ex = arg;
	struct ts_error err;
	size_t room = ex->conf->executor_concurrency - ts_webhook_in_flight(ex->pool);

	ts_error_clear(&err);
	if (ts_notifier_send_due(ex->notifier, room, &err) != TS_OK)
		note_db_failure(ex, &err);
	return now + NOTICE_INTERVAL_MS * TS_USEC_PER_MSEC;
}

static bool prune_ready(void *arg)
{
	return !is_ending(arg);
}

/* Retention in the background of the run: one bounded step per fire (old
 * finished tasks with their runs, expired idempotency keys). A lost
 * database ends the run as anywhere else; any other failure is logged and
 * tried again later, as retention has no deadline. */
static int64_t prune_job(void *arg, int64_t now)
{
	struct ts_executor *ex = arg;
	const struct ts_conf *c = ex->conf;
	struct ts_prune_counts step = { 0 };
	struct ts_error err;
	bool more = false;

	ts_error_clear(&err);
	if (ts_db_prune_step(ex->db, c->retention_days, c->retention_batch_size, &step, &more,
			     &err) != TS_OK) {
		if (err.status == TS_ERR_UNAVAILABLE)
			note_db_failure(ex, &err);
		else
			ts_log_warning("retention: %s", err.message);
	}
	if (step.tasks || step.keys)
		ts_log_debug("retention step: %llu tasks, %llu runs, %llu keys", step.tasks,
			     step.runs, step.keys);
	ex->pruned.tasks += step.tasks;
	ex->pruned.runs += step.runs;
	ex->pruned.keys += step.keys;
	return now + (more ? PRUNE_PAUSE_MS : PRUNE_INTERVAL_MS) * TS_USEC_PER_MSEC;
}

/* Hands finished jobs to the recorder thread; armed by finish_job(). */
static int64_t flush_job(void *arg, int64_t now)
{
	struct ts_executor *ex = arg;

	(void)now;
	ts_recorder_submit(ex->recorder, &ex->done);
	return TS_TIMERS_NEVER;
}

static const struct ts_timer timer_table[TIMER_COUNT] = {
	[TIMER_END] = { .name = "end", .fire = end_job },
	[TIMER_RENEW] = { .name = "renew", .ready = renew_ready, .fire = renew_job },
	[TIMER_REAP] = { .name = "reap", .ready = reap_ready, .fire = reap_job },
	[TIMER_CLAIM] = { .name = "claim", .ready = claim_ready, .fire = claim_job },
	[TIMER_FLUSH] = { .name = "flush", .fire = flush_job },
	[TIMER_NOTICE] = { .name = "notice", .ready = notice_ready, .fire = notice_job },
	[TIMER_PRUNE] = { .name = "prune", .ready = prune_ready, .fire = prune_job },
};

/* Sets up a run: its options, its limits, its timers, the recorder. */
static enum ts_err begin_run(struct ts_executor *ex, const struct ts_executor_options *opts,
			     struct ts_error *err)
{
	const struct ts_conf *c = ex->conf;
	int64_t now = ts_time_monotonic_us();

	ex->opts = *opts;
	ex->poll_us = (int64_t)c->executor_poll_ms * TS_USEC_PER_MSEC;
	/* Leases are renewed three times per lease period. */
	ex->renew_us = (int64_t)c->executor_lease_seconds * TS_USEC_PER_SEC / 3;
	/* A claim asks for a batch, and at least enough to fill the slots
	 * twice. The loop holds at most two claims' worth: one going out
	 * while the next is claimed, so that the next requests start the
	 * moment a slot frees. */
	ex->claim_size = c->executor_batch_size > 2 * c->executor_concurrency
				 ? c->executor_batch_size : 2 * c->executor_concurrency;
	ex->max_ahead = 2 * ex->claim_size;
	ex->db_failed = ex->end_reached = ex->nothing_due = false;
	ex->record_deadline = 0;
	memcpy(ex->timers, timer_table, sizeof(ex->timers));
	ts_timers_arm(&ex->timers[TIMER_END], opts->once ? TS_TIMERS_NEVER : now);
	ts_timers_arm(&ex->timers[TIMER_RENEW], now + ex->renew_us);
	ts_timers_arm(&ex->timers[TIMER_REAP], now);
	ts_timers_arm(&ex->timers[TIMER_CLAIM], now);
	ts_timers_arm(&ex->timers[TIMER_FLUSH], TS_TIMERS_NEVER);
	ts_timers_arm(&ex->timers[TIMER_NOTICE], now);
	/* --once fires what is due and exits; "tasksched-admin prune" is
	 * the one-off retention. */
	ts_timers_arm(&ex->timers[TIMER_PRUNE],
		      opts->once ? TS_TIMERS_NEVER : now + PRUNE_START_MS * TS_USEC_PER_MSEC);
	memset(&ex->pruned, 0, sizeof(ex->pruned));
	ex->recorder = ts_recorder_new(c, ex->id, wake_loop, ex, err);
	if (!ex->recorder)
		return err ? err->status : TS_ERR_INTERNAL;
	ex->claimer = ts_claimer_new(c, ex->id, wake_loop, ex, err);
	if (!ex->claimer)
		return err ? err->status : TS_ERR_INTERNAL;
	/* For the "executor not running" alert. A database that is away
	 * now shows in the first claim, which decides what the run does. */
	struct ts_error mark_err;
	ts_error_clear(&mark_err);
	if (ts_db_metrics_mark_run(ex->db, &mark_err) != TS_OK)
		ts_log_warning("cannot note the start of this run: %s", mark_err.message);
	return TS_OK;
}

/* Once the run winds down, nothing waits: finished jobs are recorded at
 * once, and claimed tasks that have not started go back (unless only
 * --once's claims are over: then they still run). A recorder that
 * cannot write means the database is gone, which ends the run too. */
static void wind_down(struct ts_executor *ex, int64_t now)
{
	struct ts_error rec_err;

	if (!ex->db_failed && ts_recorder_failed(ex->recorder, &rec_err))
		note_db_failure(ex, &rec_err);
	if (!is_ending(ex))
		return;
	if (is_abandoning(ex))
		release_pending(ex);
	if (ex->done.count)
		ts_timers_arm(&ex->timers[TIMER_FLUSH], now);
}

/* A run is over when it winds down with no claim under way, nothing in
 * flight and everything recorded; after a database failure the recorder
 * gets RECORD_RETRY_MS. */
static bool run_finished(struct ts_executor *ex, int64_t now)
{
	if (!is_ending(ex) || !is_idle(ex) || ex->done.count || !ts_claimer_idle(ex->claimer))
		return false;
	if (ex->db_failed && !ex->record_deadline)
		ex->record_deadline = now + RECORD_RETRY_MS * TS_USEC_PER_MSEC;
	return ts_recorder_backlog(ex->recorder) == 0 ||
	       (ex->record_deadline && now >= ex->record_deadline);
}

/* The loop's sleep: curl's poll, until a response comes or the nearest
 * timed job is due; then turns what finished into outcomes. */
static enum ts_err sleep_until_next(struct ts_executor *ex, int64_t now, struct ts_error *err)
{
	int64_t limit = ex->poll_us;

	if (is_ending(ex) && limit > DRAIN_POLL_MS * TS_USEC_PER_MSEC)
		limit = DRAIN_POLL_MS * TS_USEC_PER_MSEC;
	int64_t wake = ts_timers_nearest(ex->timers, TIMER_COUNT, now + limit, ex);
	int timeout_ms = ts_timers_timeout_ms(wake, ts_time_monotonic_us());

	int fds[TS_WEBHOOK_WAIT_FDS_MAX];
	unsigned nfds = 0;
	for (int a = 0; a < TS_ACTION_COUNT; a++) {
		const struct ts_action_entry *e = ts_action_lookup((enum ts_action)a);
		if (e && e->poll_fds)
			nfds += e->poll_fds(ex->action_state[a], fds + nfds,
					    TS_WEBHOOK_WAIT_FDS_MAX - nfds);
	}
	ts_error_clear(err);
	if (ts_webhook_wait_fds(ex->pool, timeout_ms, fds, nfds, err) != TS_OK)
		return err->status;
	collect_ended(ex);
	return TS_OK;
}

/* Ends a run: stops the recorder, logs what it did; the run's status. */
static enum ts_err end_run(struct ts_executor *ex, struct ts_error *err)
{
	size_t dropped = 0;
	struct ts_recorder_stats st;

	ts_claimer_free(ex->claimer);
	ex->claimer = NULL;
	ts_recorder_free(ex->recorder, &st, &dropped);
	ex->recorder = NULL;
	ts_log_info("run done: %lu succeeded, %lu to be retried, %lu failed",
		    st.succeeded, st.retried, st.failed);
	if (ex->pruned.tasks || ex->pruned.keys)
		ts_log_info("retention: deleted %llu finished tasks (with %llu runs) older than "
			    "%u days and %llu expired idempotency keys", ex->pruned.tasks,
			    ex->pruned.runs, ex->conf->retention_days, ex->pruned.keys);
	if (dropped)
		ts_log_error("%zu outcomes could not be recorded; those tasks run again "
			     "when their lease expires", dropped);
	if (ex->db_failed) {
		if (err)
			*err = ex->db_err;
		return ex->db_err.status ? ex->db_err.status : TS_ERR_UNAVAILABLE;
	}
	return TS_OK;
}

enum ts_err ts_executor_run(struct ts_executor *ex, const struct ts_executor_options *opts,
			    struct ts_error *err)
{
	enum ts_err rc = begin_run(ex, opts, err);

	if (rc != TS_OK)
		return rc;
	for (;;) {
		int64_t now = ts_time_monotonic_us();

		wind_down(ex, now);
		ts_timers_run(ex->timers, TIMER_COUNT, now, ex);
		dispatch(ex);
		if (run_finished(ex, now))
			break;
		rc = sleep_until_next(ex, now, err);
		if (rc != TS_OK)
			return rc;
	}
	return end_run(ex, err);
}
