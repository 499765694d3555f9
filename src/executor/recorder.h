/* recorder.h -- writes the outcomes of finished jobs to the database on a
 * thread of its own, so that the requests of the next tasks go out while
 * the last ones are being committed. */
#ifndef TS_RECORDER_H
#define TS_RECORDER_H

#include <stdbool.h>

#include "conf.h"
#include "errors.h"
#include "job.h"

struct ts_recorder;

struct ts_recorder_stats {
	unsigned long succeeded, retried, failed;
	unsigned long not_applied;   /* outcomes whose lease had been taken over */
};

/* Starts a recorder with its own database connection. `wake(arg)` is
 * called (from the recorder's thread) whenever its queue becomes empty.
 * NULL on failure. */
struct ts_recorder *ts_recorder_new(const struct ts_conf *conf, const char *executor_id,
				    void (*wake)(void *), void *arg, struct ts_error *err);

/* Hands over every job of `jobs` (left empty). */
void ts_recorder_submit(struct ts_recorder *rec, struct ts_job_queue *jobs);

/* Jobs handed over and not yet recorded. */
size_t ts_recorder_backlog(struct ts_recorder *rec);

/* True once a write failed (the database went away): the recorder keeps
 * retrying, and `err` (may be NULL) receives the first failure. */
bool ts_recorder_failed(struct ts_recorder *rec, struct ts_error *err);

/* Stops the thread once it has written what it was handed (or, while the
 * database is away, gives up on it: those tasks come back when their lease
 * expires) and frees the recorder. *stats (may be NULL) receives the
 * counts of what was written, *dropped (may be NULL) how many outcomes
 * were given up. NULL is allowed. */
void ts_recorder_free(struct ts_recorder *rec, struct ts_recorder_stats *stats,
		      size_t *dropped);

#endif
