/* recorder.c -- writes the outcomes of finished jobs to the database on a
 * thread of its own, so that the requests of the next tasks go out while
 * the last ones are being committed. */
#include "config.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "finish_plan.h"
#include "log.h"
#include "recorder.h"
#include "worker.h"

/* Outcomes written per transaction at most: bounded statement sizes and
 * lock times, still few commits. */
#define RECORD_BATCH_MAX 1024
/* Pause between attempts while the database is away. */
#define RETRY_PAUSE_MS 200

struct ts_recorder {
	struct ts_worker w;                /* w.mu guards everything below */
	struct ts_job_queue queue;         /* handed over, not yet taken */
	size_t busy;                       /* taken, being written */
	bool failed;
	struct ts_error first_err;
	struct ts_recorder_stats stats;
};

static void count_outcomes(struct ts_recorder_stats *st, const struct ts_job_queue *q)
{
	for (const struct ts_job *j = q->head; j; j = j->next) {
		switch (ts_finish_plan_status(j->result.outcome, j->task.attempts,
					      j->task.max_attempts)) {
		case TS_STATUS_COMPLETED:
			st->succeeded++;
			break;
		case TS_STATUS_SCHEDULED:
			st->retried++;
			break;
		default:
			st->failed++;
			break;
		}
	}
}

/* Writes `batch` in one transaction; TS_OK or the database's error. */
static enum ts_err write_batch(struct ts_recorder *rec, struct ts_job_queue *batch,
			       size_t *applied, struct ts_error *err)
{
	struct ts_task_result *results = calloc(batch->count, sizeof(*results));
	size_t i = 0;
	enum ts_err rc;

	if (!results)
		return ts_error_set(err, TS_ERR_NOMEM, "internal", NULL, "out of memory");
	for (const struct ts_job *j = batch->head; j; j = j->next)
		results[i++] = j->result;
	rc = ts_db_finish(rec->w.db, rec->w.executor_id, results, batch->count, applied, err);
	free(results);
	return rc;
}

/* Takes up to a batch from the queue, oldest first; called locked. */
static void take_batch(struct ts_recorder *rec, struct ts_job_queue *batch)
{
	*batch = (struct ts_job_queue){ 0 };
	while (batch->count < RECORD_BATCH_MAX && rec->queue.count)
		ts_job_queue_push(batch, ts_job_queue_pop(&rec->queue));
	rec->busy = batch->count;
}

/* A batch that could not be written goes back in front of the queue, to
 * be tried again shortly; called locked. */
static void put_back(struct ts_recorder *rec, struct ts_job_queue *batch,
		     const struct ts_error *err)
{
	if (!rec->failed) {
		rec->failed = true;
		rec->first_err = *err;
		ts_log_error("cannot record outcomes: %s", err->message);
	}
	ts_job_queue_splice(batch, &rec->queue);
	rec->queue = *batch;
}

/* Counts a written batch; called locked. */
static void count_batch(struct ts_recorder *rec, const struct ts_job_queue *batch,
			size_t applied)
{
	count_outcomes(&rec->stats, batch);
	if (applied < batch->count) {
		rec->stats.not_applied += batch->count - applied;
		ts_log_warning("%zu of %zu outcomes not applied: their lease had expired "
			       "and another executor took them over",
			       batch->count - applied, batch->count);
	}
}

/* Waits, locked, until there is something to write; false once the
 * queue is empty and the recorder is stopping. */
static bool wait_for_work(struct ts_recorder *rec)
{
	while (!rec->queue.count && !rec->w.stopping)
		pthread_cond_wait(&rec->w.cv, &rec->w.mu);
	return rec->queue.count > 0;
}

/* Writes `batch` with the lock released (the loop keeps handing over
 * outcomes meanwhile), then counts it, or puts it back when it failed.
 * Called and returns locked. */
static enum ts_err write_unlocked(struct ts_recorder *rec, struct ts_job_queue *batch)
{
	struct ts_error err;
	size_t applied = 0;
	int64_t t0 = ts_time_monotonic_us();

	pthread_mutex_unlock(&rec->w.mu);
	ts_error_clear(&err);
	enum ts_err rc = write_batch(rec, batch, &applied, &err);
	pthread_mutex_lock(&rec->w.mu);
	rec->busy = 0;
	if (rc != TS_OK) {
		put_back(rec, batch, &err);
		return rc;
	}
	ts_log_debug("recorded %zu outcomes in %.1f ms", batch->count,
		     (double)(ts_time_monotonic_us() - t0) / 1000.0);
	count_batch(rec, batch, applied);
	return TS_OK;
}

/* Frees a written batch, and wakes the loop when nothing is left to write
 * (a run that winds down waits for that). Called and returns locked. */
static void release_batch(struct ts_recorder *rec, struct ts_job_queue *batch)
{
	bool drained = rec->queue.count == 0;

	pthread_mutex_unlock(&rec->w.mu);
	ts_job_queue_clear(batch);
	if (drained)
		ts_worker_wake(&rec->w);
	pthread_mutex_lock(&rec->w.mu);
}

/* Pauses between attempts while the database is away. Called and returns
 * locked. */
static void pause_unlocked(struct ts_recorder *rec)
{
	struct timespec ts = { .tv_sec = RETRY_PAUSE_MS / 1000,
			       .tv_nsec = (RETRY_PAUSE_MS % 1000) * 1000000L };

	pthread_mutex_unlock(&rec->w.mu);
	nanosleep(&ts, NULL);
	pthread_mutex_lock(&rec->w.mu);
}

/* The thread: writes batches while there are any, until told to stop. A
 * batch that failed is tried again after a pause, unless stopping. */
static void *recorder_main(void *arg)
{
	struct ts_recorder *rec = arg;
	struct ts_job_queue batch;

	pthread_mutex_lock(&rec->w.mu);
	while (wait_for_work(rec)) {
		take_batch(rec, &batch);
		if (write_unlocked(rec, &batch) == TS_OK)
			release_batch(rec, &batch);
		else if (rec->w.stopping)
			break;
		else
			pause_unlocked(rec);
	}
	pthread_mutex_unlock(&rec->w.mu);
	return NULL;
}

struct ts_recorder *ts_recorder_new(const struct ts_conf *conf, const char *executor_id,
				    void (*wake)(void *), void *arg, struct ts_error *err)
{
	struct ts_recorder *rec = calloc(1, sizeof(*rec));

	if (!rec) {
		ts_error_set(err, TS_ERR_NOMEM, "internal", NULL, "out of memory");
		return NULL;
	}
	if (ts_worker_start(&rec->w, conf, executor_id, wake, arg, recorder_main, rec, err) !=
	    TS_OK) {
		free(rec);
		return NULL;
	}
	return rec;
}

void ts_recorder_submit(struct ts_recorder *rec, struct ts_job_queue *jobs)
{
	if (!jobs->count)
		return;
	pthread_mutex_lock(&rec->w.mu);
	ts_job_queue_splice(&rec->queue, jobs);
	pthread_cond_signal(&rec->w.cv);
	pthread_mutex_unlock(&rec->w.mu);
}

size_t ts_recorder_backlog(struct ts_recorder *rec)
{
	size_t n;

	pthread_mutex_lock(&rec->w.mu);
	n = rec->queue.count + rec->busy;
	pthread_mutex_unlock(&rec->w.mu);
	return n;
}

bool ts_recorder_failed(struct ts_recorder *rec, struct ts_error *err)
{
	bool failed;

	pthread_mutex_lock(&rec->w.mu);
	failed = rec->failed;
	if (failed && err)
		*err = rec->first_err;
	pthread_mutex_unlock(&rec->w.mu);
	return failed;
}

void ts_recorder_free(struct ts_recorder *rec, struct ts_recorder_stats *stats,
		      size_t *dropped)
{
	if (dropped)
		*dropped = 0;
	if (stats)
		memset(stats, 0, sizeof(*stats));
	if (!rec)
		return;
	ts_worker_stop(&rec->w);
	if (dropped)
		*dropped = rec->queue.count;
	if (stats)
		*stats = rec->stats;
	ts_job_queue_clear(&rec->queue);
	free(rec);
}
