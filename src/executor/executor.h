/* executor.h -- one run of the executor: claim due tasks, fire them at
 * their time, record the outcomes, until the run's end. */
#ifndef TS_EXECUTOR_H
#define TS_EXECUTOR_H

#include <stdbool.h>

#include "conf.h"
#include "errors.h"
#include "tstime.h"

struct ts_executor;

struct ts_executor_options {
	bool once;              /* fire what is due now, then return */
	ts_time_us end_at;      /* stop claiming at this wall-clock time */
};

/* Creates an executor for `conf` (which must outlive it). NULL on failure. */
struct ts_executor *ts_executor_new(const struct ts_conf *conf, struct ts_error *err);
void ts_executor_free(struct ts_executor *ex);

/* Runs until the options say stop, or ts_executor_stop() is called. Tasks
 * claimed but not started by then are released; requests in flight are
 * finished (bounded by their timeouts) and recorded. Returns TS_OK, or the
 * database error that made it give up: then nothing was marked wrongly,
 * and whatever it held comes back when its lease expires. */
enum ts_err ts_executor_run(struct ts_executor *ex, const struct ts_executor_options *opts,
			    struct ts_error *err);

/* Asks a run to end soon; safe in a signal handler. */
void ts_executor_stop(struct ts_executor *ex);

/* The id this executor leases tasks under ("host/pid/random"). */
const char *ts_executor_id(const struct ts_executor *ex);

/* The end of a timer-started run: just before the next minute boundary
 * after `now`, or the one after when that is less than `min_run_ms` away
 * (a start late in the minute would otherwise end at once, and the timer
 * cannot start another run while this one lives). */
ts_time_us ts_executor_default_end(ts_time_us now, unsigned margin_ms, unsigned min_run_ms);

#endif
