/* claimer.c -- claims due tasks on a thread of its own. A claim of a full
 * batch is a transaction of tens of milliseconds; a loop that claimed
 * itself started no request in that time, and at thousands of tasks per
 * second that was most of its time. The loop asks for the next claim while
 * the last one's tasks still go out, and takes the result when the claimer
 * wakes it. One claim is under way at a time. */
#include "config.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "claimer.h"
#include "log.h"
#include "tstime.h"
#include "worker.h"

enum claimer_state { CLAIMER_IDLE, CLAIMER_ASKED, CLAIMER_DONE };

struct ts_claimer {
	struct ts_worker w;                /* w.mu guards everything below */
	unsigned lease_seconds;
	enum claimer_state state;
	unsigned limit;                    /* CLAIMER_ASKED: how many */
	struct ts_claim result;            /* CLAIMER_DONE: what it brought */
};

/* Turns the claimed tasks into jobs, in due order. A task whose job
 * cannot be allocated stays leased and comes back when its lease expires. */
static void make_jobs(struct ts_task *tasks, size_t count, struct ts_job_queue *jobs)
{
	for (size_t i = 0; i < count; i++) {
		struct ts_job *j = calloc(1, sizeof(*j));
		if (!j) {
			ts_log_error("out of memory; task %s returns when its lease expires",
				     tasks[i].id);
			continue;
		}
		j->task = tasks[i];
		ts_task_init(&tasks[i]); /* ownership moved to the job */
		ts_job_queue_push(jobs, j);
	}
}

/* One claim on the thread's connection, without the lock. */
static void claim_now(struct ts_claimer *c, unsigned limit, struct ts_claim *r)
{
	struct ts_task *tasks = NULL;
	size_t count = 0;
	int64_t t0 = ts_time_monotonic_us();

	memset(r, 0, sizeof(*r));
	r->asked = limit;
	ts_error_clear(&r->err);
	r->rc = ts_db_claim_due(c->w.db, c->w.executor_id, limit, c->lease_seconds, &tasks, &count,
				&r->not_ours, &r->err);
	r->took_us = ts_time_monotonic_us() - t0;
	if (r->rc == TS_OK)
		make_jobs(tasks, count, &r->jobs);
	ts_task_array_free(tasks, count);
}

/* The thread: one claim per request, until told to stop. */
static void *claimer_main(void *arg)
{
	struct ts_claimer *c = arg;
	struct ts_claim r;

	pthread_mutex_lock(&c->w.mu);
	for (;;) {
		while (c->state != CLAIMER_ASKED && !c->w.stopping)
			pthread_cond_wait(&c->w.cv, &c->w.mu);
		if (c->w.stopping)
			break;
		unsigned limit = c->limit;
		pthread_mutex_unlock(&c->w.mu);
		claim_now(c, limit, &r);
		pthread_mutex_lock(&c->w.mu);
		c->result = r;
		c->state = CLAIMER_DONE;
		pthread_mutex_unlock(&c->w.mu);
		ts_worker_wake(&c->w);
		pthread_mutex_lock(&c->w.mu);
	}
	pthread_mutex_unlock(&c->w.mu);
	return NULL;
}

struct ts_claimer *ts_claimer_new(const struct ts_conf *conf, const char *executor_id,
				  void (*wake)(void *), void *arg, struct ts_error *err)
{
	struct ts_claimer *c = calloc(1, sizeof(*c));

	if (!c) {
		ts_error_set(err, TS_ERR_NOMEM, "internal", NULL, "out of memory");
		return NULL;
	}
	c->lease_seconds = conf->executor_lease_seconds;
	if (ts_worker_start(&c->w, conf, executor_id, wake, arg, claimer_main, c, err) != TS_OK) {
		free(c);
		return NULL;
	}
	return c;
}

bool ts_claimer_ask(struct ts_claimer *c, unsigned limit)
{
	bool asked = false;

	pthread_mutex_lock(&c->w.mu);
	if (c->state == CLAIMER_IDLE) {
		c->limit = limit;
		c->state = CLAIMER_ASKED;
		pthread_cond_signal(&c->w.cv);
		asked = true;
	}
	pthread_mutex_unlock(&c->w.mu);
	return asked;
}

static bool in_state(struct ts_claimer *c, enum claimer_state s)
{
	bool yes;

	pthread_mutex_lock(&c->w.mu);
	yes = c->state == s;
	pthread_mutex_unlock(&c->w.mu);
	return yes;
}

bool ts_claimer_idle(struct ts_claimer *c)
{
	return in_state(c, CLAIMER_IDLE);
}

bool ts_claimer_done(struct ts_claimer *c)
{
	return in_state(c, CLAIMER_DONE);
}

bool ts_claimer_take(struct ts_claimer *c, struct ts_claim *out)
{
	bool took = false;

	pthread_mutex_lock(&c->w.mu);
	if (c->state == CLAIMER_DONE) {
		*out = c->result;
		memset(&c->result, 0, sizeof(c->result));
		c->state = CLAIMER_IDLE;
		took = true;
	}
	pthread_mutex_unlock(&c->w.mu);
	return took;
}

void ts_claimer_free(struct ts_claimer *c)
{
	if (!c)
		return;
	ts_worker_stop(&c->w);
	if (c->result.jobs.count)
		ts_log_warning("%zu claimed tasks were never started; they return when their "
			       "lease expires", c->result.jobs.count);
	ts_job_queue_clear(&c->result.jobs);
	free(c);
}
