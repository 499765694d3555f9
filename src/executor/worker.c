/* worker.c -- the executor's helper threads: their connection, their lock,
 * their start with every signal blocked, their stop. */
#include "config.h"

#include <signal.h>
#include <stdio.h>

#include "worker.h"

enum ts_err ts_worker_start(struct ts_worker *w, const struct ts_conf *conf,
			    const char *executor_id, void (*wake)(void *), void *wake_arg,
			    void *(*fn)(void *), void *owner, struct ts_error *err)
{
	sigset_t all, old;
	enum ts_err rc;
	int failed;

	snprintf(w->executor_id, sizeof(w->executor_id), "%s", executor_id);
	w->wake = wake;
	w->wake_arg = wake_arg;
	w->stopping = false;
	rc = ts_db_new(conf, &w->db, err);
	if (rc != TS_OK)
		return rc;
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	/* The new thread inherits the mask in force when it is created. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	failed = pthread_create(&w->thread, NULL, fn, owner);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (failed) {
		pthread_cond_destroy(&w->cv);
		pthread_mutex_destroy(&w->mu);
		ts_db_free(w->db);
		w->db = NULL;
		return ts_error_set(err, TS_ERR_INTERNAL, "thread", NULL,
				    "cannot start a thread of the executor");
	}
	return TS_OK;
}

void ts_worker_wake(struct ts_worker *w)
{
	if (w->wake)
		w->wake(w->wake_arg);
}

void ts_worker_stop(struct ts_worker *w)
{
	pthread_mutex_lock(&w->mu);
	w->stopping = true;
	pthread_cond_broadcast(&w->cv);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->thread, NULL);
	pthread_cond_destroy(&w->cv);
	pthread_mutex_destroy(&w->mu);
	ts_db_free(w->db);
	w->db = NULL;
}
