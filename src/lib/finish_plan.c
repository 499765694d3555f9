/* finish_plan.c -- the pure decision of what a finished attempt does to its
 * task (state, retry time, error text, next occurrence). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "finish_plan.h"

enum ts_task_status ts_finish_plan_status(enum ts_run_outcome outcome, int attempt,
					  int max_attempts)
{
	switch (outcome) {
	case TS_RUN_SUCCEEDED:
		return TS_STATUS_COMPLETED;
	case TS_RUN_RETRY:
	case TS_RUN_LOST:
		if (attempt < max_attempts)
			return TS_STATUS_SCHEDULED;
		return TS_STATUS_FAILED;
	case TS_RUN_FAILED:
		break;
	}
	return TS_STATUS_FAILED;
}

void ts_finish_plan_decide(const struct ts_finish_attempt *a, struct ts_finish_decision *d)
{
	memset(d, 0, sizeof(*d));
	d->status = ts_finish_plan_status(a->outcome, a->attempt, a->max_attempts);
	/* An attempt that would be retried but was the last one failed for good. */
	d->recorded = a->outcome == TS_RUN_RETRY && d->status == TS_STATUS_FAILED
			      ? TS_RUN_FAILED : a->outcome;
	if (d->status == TS_STATUS_SCHEDULED) {
		d->has_due_at = true;
		d->due_at = a->retry_at;
	}
	if (d->status == TS_STATUS_FAILED && a->outcome != TS_RUN_FAILED) {
		d->has_error = true;
		snprintf(d->error, sizeof(d->error), "gave up after %d attempts: %s",
			 a->attempt, a->error ? a->error : "unknown error");
	} else if (d->status != TS_STATUS_COMPLETED && a->error) {
		d->has_error = true;
		snprintf(d->error, sizeof(d->error), "%s", a->error);
	}
	if (a->recurrence != TS_RECUR_NONE && d->status != TS_STATUS_SCHEDULED) {
		ts_time_us next = ts_recurrence_next(a->run_at, a->recurrence, a->anchor_day,
						     a->now);
		/* A step that does not move forward: the series ran past year 9999. */
		d->has_next = next > a->run_at;
		d->next_run_at = d->has_next ? next : 0;
	}
}
