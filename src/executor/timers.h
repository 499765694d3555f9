/* timers.h -- a small table of timed jobs for the executor's loop: find the
 * nearest, run the due ones (after redis ae.c's time events). */
#ifndef TS_TIMERS_H
#define TS_TIMERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A `when` that never comes: the timer is disarmed until armed again. */
#define TS_TIMERS_NEVER INT64_MAX

/* One timed job. Times are monotonic microseconds (ts_time_monotonic_us).
 * The table owns nothing: `name` is a static string, and the `arg` given to
 * ts_timers_run() and ts_timers_nearest() is passed to both callbacks. */
struct ts_timer {
	const char *name;
	int64_t when;                             /* next due; TS_TIMERS_NEVER: off */
	/* NULL, or whether the job may run at all now: a timer that is not
	 * ready is neither run nor waited for, whatever its `when`. */
	bool (*ready)(void *arg);
	/* Does the job; returns its next `when` (`now` or earlier: at the next
	 * pass; TS_TIMERS_NEVER: until someone arms it again). */
	int64_t (*fire)(void *arg, int64_t now);
};

/* Sets when `t` is next due. */
void ts_timers_arm(struct ts_timer *t, int64_t when);

/* Runs, in table order, each of the `n` timers that is ready and due at
 * `now`, once, and stores what its fire() returned as its next `when`.
 * Readiness is asked just before each timer, so a job sees what the jobs
 * before it in the table did. Returns how many ran. */
size_t ts_timers_run(struct ts_timer *table, size_t n, int64_t now, void *arg);

/* The earliest `when` among the ready timers of `table`, or `limit` when
 * that is earlier (or no timer is ready). */
int64_t ts_timers_nearest(const struct ts_timer *table, size_t n, int64_t limit, void *arg);

/* Milliseconds from `now` until `when`, rounded up so that a wait of that
 * long does not wake before the timer is due; 0 when it is already due. */
int ts_timers_timeout_ms(int64_t when, int64_t now);

#endif
