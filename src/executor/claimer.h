/* claimer.h -- claims due tasks on a thread of its own, so that the tasks
 * already claimed keep going out while the next claim's transaction runs. */
#ifndef TS_CLAIMER_H
#define TS_CLAIMER_H

#include <stdbool.h>
#include <stdint.h>

#include "conf.h"
#include "errors.h"
#include "job.h"

struct ts_claimer;

/* What one claim brought. */
struct ts_claim {
	unsigned asked;              /* the limit it was asked for */
	struct ts_job_queue jobs;    /* one job per claimed task, due order */
	enum ts_err rc;              /* TS_OK, or the claim's failure in err */
	struct ts_error err;
	int64_t took_us;             /* the claim's transaction, retries included */
	size_t not_ours;             /* committed, yet another executor's (Galera) */
};

/* Starts a claimer with its own database connection, claiming for
 * `executor_id` with leases of conf->executor_lease_seconds. `wake(arg)`
 * is called from the claimer's thread each time a claim has finished.
 * NULL on failure. */
struct ts_claimer *ts_claimer_new(const struct ts_conf *conf, const char *executor_id,
				  void (*wake)(void *), void *arg, struct ts_error *err);

/* Asks for a claim of up to `limit` due tasks; false (and nothing asked)
 * while an earlier claim is under way or not yet taken. */
bool ts_claimer_ask(struct ts_claimer *c, unsigned limit);

/* True when nothing is asked and nothing waits to be taken. */
bool ts_claimer_idle(struct ts_claimer *c);

/* True when a finished claim waits to be taken. */
bool ts_claimer_done(struct ts_claimer *c);

/* Moves a finished claim to *out (the caller owns its jobs) and returns
 * true; false when none has finished (*out is then untouched). */
bool ts_claimer_take(struct ts_claimer *c, struct ts_claim *out);

/* Waits for a claim under way, stops the thread and frees the claimer.
 * The tasks of a claim nobody took are dropped: they come back when their
 * leases expire (the loop takes every claim before it ends, so this only
 * happens when a run fails). NULL is allowed. */
void ts_claimer_free(struct ts_claimer *c);

#endif
