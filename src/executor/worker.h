/* worker.h -- what the executor's helper threads (recorder, claimer) have
 * in common: a database connection of their own, a lock and a condition
 * shared with the loop, a way to wake the loop, and a start with every
 * signal blocked. */
#ifndef TS_WORKER_H
#define TS_WORKER_H

#include <pthread.h>
#include <stdbool.h>

#include "conf.h"
#include "db/db.h"
#include "errors.h"

struct ts_worker {
	struct ts_db *db;              /* used by the thread only */
	char executor_id[65];
	void (*wake)(void *);          /* wakes the loop; may be NULL */
	void *wake_arg;
	pthread_t thread;
	pthread_mutex_t mu;            /* guards `stopping` and the owner's shared state */
	pthread_cond_t cv;             /* signalled when the thread has work or must stop */
	bool stopping;
};

/* Opens the connection and starts `fn(owner)` on a new thread with every
 * signal blocked (signals are the main thread's business: they stop the
 * run and wake the loop). On failure everything is undone and the status
 * returned; on success ts_worker_stop() must follow. */
enum ts_err ts_worker_start(struct ts_worker *w, const struct ts_conf *conf,
			    const char *executor_id, void (*wake)(void *), void *wake_arg,
			    void *(*fn)(void *), void *owner, struct ts_error *err);

/* Calls the worker's wake function, if any. Call it without the lock. */
void ts_worker_wake(struct ts_worker *w);

/* Tells the thread to stop (it sees `stopping` under the lock), waits for
 * it, and closes the connection. */
void ts_worker_stop(struct ts_worker *w);

#endif
