/* finish_plan.h -- what a finished attempt does to its task: the decision
 * behind recording an outcome, with no database and no clock, so it can
 * be tested on its own. */
#ifndef TS_FINISH_PLAN_H
#define TS_FINISH_PLAN_H

#include <stdbool.h>

#include "schedule.h"
#include "task.h"
#include "tstime.h"

/* A finished attempt, as far as the decision needs it. */
struct ts_finish_attempt {
	enum ts_run_outcome outcome;
	int attempt;                    /* this attempt's number, 1-based (the task's attempts) */
	int max_attempts;               /* the task's */
	/* The task's series: `schedule` when given (ts_task_schedule), else a
	 * UTC daily/weekly/monthly one by `recurrence` (TS_RECUR_NONE: none)
	 * and `anchor_day`. */
	const struct ts_schedule *schedule;
	enum ts_catch_up catch_up;
	enum ts_recurrence recurrence;
	ts_time_us run_at;              /* the occurrence's scheduled time */
	int anchor_day;                 /* monthly series: the day of month kept */
	const char *error;              /* the attempt's error, NULL when none */
	ts_time_us retry_at;            /* when a retried attempt is due again: the
					 * executor's backoff (ts_retry_delay_ms) or
					 * Retry-After; "now" for a lost attempt */
	ts_time_us now;                 /* next occurrences lie after this */
};

/* Room for the task's error text: the attempt's error and a prefix. */
#define TS_FINISH_ERROR_MAX (TS_RUN_ERROR_MAX + 64)

/* What to write. */
struct ts_finish_decision {
	enum ts_task_status status;     /* scheduled (retry), completed or failed */
	enum ts_run_outcome recorded;   /* the outcome the run row shows */
	bool has_due_at;                /* true when scheduled again... */
	ts_time_us due_at;              /* ...at this time */
	bool has_error;                 /* false: the task's error_message is cleared */
	char error[TS_FINISH_ERROR_MAX];
	bool has_next;                  /* a next occurrence of the series is created... */
	ts_time_us next_run_at;         /* ...for this time */
};

/* The state an attempt with `outcome` leaves its task in: completed,
 * scheduled again (retry or lost with attempts left: attempt < max_attempts)
 * or failed. The rule ts_finish_plan_decide applies, for callers that only
 * count. */
enum ts_task_status ts_finish_plan_status(enum ts_run_outcome outcome, int attempt,
					  int max_attempts);

/* Decides what `a` does to its task, into `d` (caller-owned):
 *  - succeeded: completed, error cleared;
 *  - retry or lost with attempts left (attempt < max_attempts): scheduled
 *    again at retry_at, keeping the attempt's error;
 *  - retry or lost on the last attempt: failed, "gave up after N attempts:
 *    <error>", and a retry is recorded as "failed";
 *  - failed (a status that is not retried): failed with the attempt's error;
 *  - a recurring task that ends up completed or failed gets its next
 *    occurrence: ts_schedule_following() after run_at and `now` under
 *    catch_up, unless the series has ended (ends_at, the calendar's end). */
void ts_finish_plan_decide(const struct ts_finish_attempt *a, struct ts_finish_decision *d);

#endif
