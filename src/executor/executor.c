/* executor.c -- one run of the executor: claim due tasks, fire them at
 * their time, record the outcomes, until the run's end.
 *
 * The loop never holds a database transaction across network I/O: a claim
 * commits before any request starts, and outcomes are recorded in batches
 * afterwards. Between those it sleeps in curl's poll until the earliest of:
 * a response, the next task's due time, the poll interval (for tasks
 * created meanwhile), or the moment a batch of outcomes should be written. */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db/db.h"
#include "executor.h"
#include "job.h"
#include "json.h"
#include "log.h"
#include "recorder.h"
#include "retry.h"
#include "validate.h"
#include "webhook.h"

/* Outcomes are written when this many are waiting, or when the oldest has
 * waited FLUSH_MS: few commits under load, little delay when idle. */
#define FLUSH_BATCH 256
#define FLUSH_MS 20
/* How often expired leases of dead executors are looked for. */
#define REAP_INTERVAL_MS 5000
/* After a claim found nothing although a due row exists (another executor
 * holds it locked), wait this long before asking again. */
#define LOCKED_RETRY_MS 5
/* How long a run that lost the database keeps trying to record what it
 * already did before giving up. */
#define RECORD_RETRY_MS 5000

struct ts_executor {
	const struct ts_conf *conf;
	struct ts_db *db;
	struct ts_webhook_pool *pool;
	char id[65];
	struct ts_job_queue pending;     /* claimed, not started */
	struct ts_job_queue done;        /* finished, not handed to the recorder */
	int64_t done_since;           /* monotonic time the oldest done job finished */
	struct ts_recorder *recorder;
	struct ts_netguard guard;
	volatile sig_atomic_t stop;
	bool db_failed;
	struct ts_error db_err;
};

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
	};
	if (ts_netguard_parse(&ex->guard, conf->webhook_allow, err) != TS_OK ||
	    ts_db_new(conf, &ex->db, err) != TS_OK ||
	    !(ex->pool = ts_webhook_pool_new(&wopts, err))) {
		ts_executor_free(ex);
		return NULL;
	}
	return ex;
}

void ts_executor_free(struct ts_executor *ex)
{
	if (!ex)
		return;
	ts_recorder_free(ex->recorder, NULL, NULL);
	ts_job_queue_clear(&ex->pending);
	ts_job_queue_clear(&ex->done);
	ts_webhook_pool_free(ex->pool);
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

static void finish_job(struct ts_executor *ex, struct ts_job *j, enum ts_run_outcome outcome)
{
	j->result.task = &j->task;
	j->result.outcome = outcome;
	j->result.error = j->error[0] ? j->error : NULL;
	if (!j->result.finished_at)
		j->result.finished_at = ts_time_now();
	if (!ex->done.count)
		ex->done_since = ts_time_monotonic_us();
	ts_job_queue_push(&ex->done, j);
}

static void run_message(struct ts_executor *ex, struct ts_job *j)
{
	struct ts_message_spec spec;
	struct ts_error err;

	ts_error_clear(&err);
	j->result.started_at = ts_time_now();
	if (ts_json_parse_message(j->task.payload_json, &spec, &err) != TS_OK ||
	    ts_validate_message(&spec, &err) != TS_OK) {
		ts_message_spec_cleanup(&spec);
		snprintf(j->error, sizeof(j->error), "invalid payload: %s", err.message);
		finish_job(ex, j, TS_RUN_FAILED);
		return;
	}
	ts_log(TS_LOG_INFO, j->task.id, "message to %s: %.1500s", spec.recipient, spec.message);
	ts_message_spec_cleanup(&spec);
	finish_job(ex, j, TS_RUN_SUCCEEDED);
}

static void start_webhook(struct ts_executor *ex, struct ts_job *j)
{
	struct ts_error err;
	struct ts_webhook_request req;
	long timeout = ex->conf->webhook_timeout_ms;

	ts_error_clear(&err);
	j->result.started_at = ts_time_now();
	if (ts_json_parse_webhook(j->task.payload_json, &j->spec, &err) != TS_OK ||
	    ts_validate_webhook(&j->spec, &err) != TS_OK) {
		snprintf(j->error, sizeof(j->error), "invalid payload: %s", err.message);
		finish_job(ex, j, TS_RUN_FAILED);
		return;
	}
	if (j->spec.has_timeout)
		timeout = (long)j->spec.timeout_ms;
	if (timeout > (long)ex->conf->webhook_timeout_max_ms)
		timeout = (long)ex->conf->webhook_timeout_max_ms;
	req = (struct ts_webhook_request){
		.spec = &j->spec, .task_id = j->task.id, .attempt = j->task.attempts,
		.timeout_ms = timeout, .user = j,
	};
	if (ts_webhook_start(ex->pool, &req, &err) != TS_OK) {
		snprintf(j->error, sizeof(j->error), "could not start the request: %s", err.message);
		j->result.retry_at = ts_time_now();
		finish_job(ex, j, TS_RUN_RETRY);
	}
}

/* Turns a finished request into an outcome. */
static void collect_responses(struct ts_executor *ex)
{
	struct ts_webhook_response r;

	while (ts_webhook_next_done(ex->pool, &r)) {
		struct ts_job *j = r.user;
		/* A target the guard refused stays refused: no retry. */
		enum ts_retry_class cls = r.refused ? TS_RETRY_PERMANENT
						    : ts_retry_classify(r.http_status, r.transport_error);
		enum ts_run_outcome outcome = TS_RUN_SUCCEEDED;

		j->result.started_at = r.started_at;
		j->result.finished_at = r.finished_at;
		j->result.http_status = r.http_status;
		memcpy(j->excerpt, r.excerpt, sizeof(j->excerpt));
		j->result.excerpt = r.transport_error ? NULL : j->excerpt;
		snprintf(j->error, sizeof(j->error), "%s", r.error);
		if (cls == TS_RETRY_TRANSIENT) {
			int64_t delay = ts_retry_delay_ms(j->task.attempts, ex->conf->retry_base_ms,
							  ex->conf->retry_cap_ms, r.retry_after_ms,
							  ts_retry_random());
			j->result.retry_at = r.finished_at + delay * TS_USEC_PER_MSEC;
			outcome = TS_RUN_RETRY;
		} else if (cls == TS_RETRY_PERMANENT) {
			outcome = TS_RUN_FAILED;
		}
		if (outcome == TS_RUN_SUCCEEDED)
			ts_log(TS_LOG_DEBUG, j->task.id, "attempt %d: HTTP %d", j->task.attempts,
			       r.http_status);
		else
			ts_log(TS_LOG_WARNING, j->task.id, "attempt %d of %d failed: %s",
			       j->task.attempts, j->task.max_attempts, r.error);
		finish_job(ex, j, outcome);
	}
}

/* Starts pending jobs while there is room in flight. */
static void dispatch(struct ts_executor *ex)
{
	struct ts_job *j;

	while (ts_webhook_in_flight(ex->pool) < ex->conf->executor_concurrency &&
	       (j = ts_job_queue_pop(&ex->pending))) {
		if (j->task.action == TS_ACTION_MESSAGE)
			run_message(ex, j);
		else
			start_webhook(ex, j);
	}
}

/* Hands finished jobs to the recorder thread. */
static void record(struct ts_executor *ex)
{
	ts_recorder_submit(ex->recorder, &ex->done);
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

/* Claims up to `limit` due tasks into the pending queue; returns how many. */
static size_t claim(struct ts_executor *ex, unsigned limit)
{
	struct ts_task *tasks = NULL;
	struct ts_error err;
	size_t count = 0, taken = 0;

	ts_error_clear(&err);
	int64_t t0 = ts_time_monotonic_us();
	if (ts_db_claim_due(ex->db, ex->id, limit, ex->conf->executor_lease_seconds,
			    &tasks, &count, &err) != TS_OK) {
		note_db_failure(ex, &err);
		return 0;
	}
	if (count)
		ts_log_debug("claimed %zu tasks in %.1f ms", count,
			     (double)(ts_time_monotonic_us() - t0) / 1000.0);
	for (size_t i = 0; i < count; i++) {
		struct ts_job *j = calloc(1, sizeof(*j));
		if (!j) {
			ts_log_error("out of memory; task %s returns when its lease expires",
				     tasks[i].id);
			continue;
		}
		j->task = tasks[i];
		ts_task_init(&tasks[i]); /* ownership moved to the job */
		ts_job_queue_push(&ex->pending, j);
		taken++;
	}
	ts_task_array_free(tasks, count);
	return taken;
}

static int64_t min64(int64_t a, int64_t b)
{
	return a < b ? a : b;
}

enum ts_err ts_executor_run(struct ts_executor *ex, const struct ts_executor_options *opts,
			    struct ts_error *err)
{
	const struct ts_conf *c = ex->conf;
	const int64_t poll_us = (int64_t)c->executor_poll_ms * TS_USEC_PER_MSEC;
	/* Claim ahead of what is in flight so the next requests start the
	 * moment a slot frees, without holding more than a batch. */
	const size_t max_ahead = c->executor_batch_size > 2 * c->executor_concurrency
					 ? c->executor_batch_size : 2 * c->executor_concurrency;
	/* Leases are renewed three times per lease period. */
	const int64_t renew_us = (int64_t)c->executor_lease_seconds * TS_USEC_PER_SEC / 3;
	int64_t next_claim = 0, next_reap = 0, record_deadline = 0;
	int64_t next_renew = ts_time_monotonic_us() + renew_us;
	bool nothing_due = false;

	ex->db_failed = false;
	ex->recorder = ts_recorder_new(c, ex->id, wake_loop, ex, err);
	if (!ex->recorder)
		return err ? err->status : TS_ERR_INTERNAL;
	for (;;) {
		int64_t now = ts_time_monotonic_us();
		bool ending = ex->stop || ex->db_failed ||
			      (!opts->once && ts_time_now() >= opts->end_at) ||
			      (opts->once && nothing_due);

		if (ending)
			release_pending(ex);
		if (now >= next_renew && !ex->db_failed) {
			size_t renewed = 0;
			ts_error_clear(err);
			if (ts_db_renew_leases(ex->db, ex->id, c->executor_lease_seconds, &renewed,
					       err) != TS_OK)
				note_db_failure(ex, err);
			next_renew = now + renew_us;
		}
		if (!ending) {
			if (now >= next_reap) {
				size_t reaped = 0;
				ts_error_clear(err);
				if (ts_db_reap_expired(ex->db, c->executor_batch_size, &reaped, err) != TS_OK)
					note_db_failure(ex, err);
				else if (reaped)
					ts_log_warning("%zu tasks whose executor's lease expired were "
						       "put back for another attempt", reaped);
				next_reap = now + REAP_INTERVAL_MS * TS_USEC_PER_MSEC;
			}
			size_t busy = ex->pending.count + ts_webhook_in_flight(ex->pool);
			/* Refill only once the queue runs low: claiming a few rows
			 * whenever one request finishes would cost a commit each. */
			if (!ex->db_failed && now >= next_claim && busy < max_ahead &&
			    ex->pending.count < c->executor_concurrency) {
				size_t want = max_ahead - busy;
				if (want > c->executor_batch_size)
					want = c->executor_batch_size;
				size_t got = claim(ex, (unsigned)want);
				if (got == want) {
					next_claim = now; /* more may be due */
				} else if (!ex->db_failed) {
					bool found = false;
					ts_time_us due_in = 0;
					ts_error_clear(err);
					if (ts_db_next_due(ex->db, &found, &due_in, err) != TS_OK)
						note_db_failure(ex, err);
					if (!found || due_in > poll_us)
						due_in = poll_us;
					else if (due_in <= 0)
						due_in = LOCKED_RETRY_MS * TS_USEC_PER_MSEC;
					next_claim = now + due_in;
					if (opts->once && got == 0)
						nothing_due = true;
				}
			}
		}
		dispatch(ex);
		collect_responses(ex);

		/* A recorder that cannot write means the database is gone. */
		struct ts_error rec_err;
		if (!ex->db_failed && ts_recorder_failed(ex->recorder, &rec_err))
			note_db_failure(ex, &rec_err);
		bool idle = ex->pending.count == 0 && ts_webhook_in_flight(ex->pool) == 0;
		if (ex->done.count &&
		    (ex->done.count >= FLUSH_BATCH || idle || ending ||
		     now - ex->done_since >= FLUSH_MS * TS_USEC_PER_MSEC))
			record(ex);
		if ((ending || (opts->once && nothing_due)) && idle && ex->done.count == 0) {
			size_t backlog = ts_recorder_backlog(ex->recorder);
			if (ex->db_failed && !record_deadline)
				record_deadline = now + RECORD_RETRY_MS * TS_USEC_PER_MSEC;
			if (backlog == 0 || (record_deadline && now >= record_deadline))
				break;
		}

		/* Sleep until the next thing to do. */
		int64_t wake = now + poll_us;
		if (!ending && !ex->db_failed)
			wake = min64(wake, min64(next_claim, next_reap));
		if (!ex->db_failed)
			wake = min64(wake, next_renew);
		if (ex->done.count)
			wake = min64(wake, ex->done_since + FLUSH_MS * TS_USEC_PER_MSEC);
		if (!opts->once && !ending)
			wake = min64(wake, now + (opts->end_at - ts_time_now()));
		int64_t wait_us = wake - ts_time_monotonic_us();
		int timeout_ms = wait_us <= 0 ? 0 : (int)((wait_us + 999) / 1000);
		if (ending || (opts->once && nothing_due))
			timeout_ms = timeout_ms < 50 ? timeout_ms : 50;
		ts_error_clear(err);
		if (ts_webhook_wait(ex->pool, timeout_ms, err) != TS_OK)
			return err->status;
		collect_responses(ex);
	}

	size_t dropped = 0;
	struct ts_recorder_stats st;
	ts_recorder_free(ex->recorder, &st, &dropped);
	ex->recorder = NULL;
	ts_log_info("run done: %lu succeeded, %lu to be retried, %lu failed",
		    st.succeeded, st.retried, st.failed);
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
