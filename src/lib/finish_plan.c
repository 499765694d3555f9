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

/* The next occurrence of the attempt's series, from the one schedule
 * engine the preview uses too. */
static void plan_next(const struct ts_finish_attempt *a, struct ts_finish_decision *d)
{
	const struct ts_schedule *s = a->schedule;
	struct ts_schedule utc;
	struct ts_occurrence o;

	if (!s) {
		utc = (struct ts_schedule){ .recurrence = a->recurrence,
					    .anchor_day = a->anchor_day };
		ts_schedule_anchor(&utc, a->run_at);
		s = &utc;
	}
	d->has_next = ts_schedule_following(s, a->catch_up, a->run_at, a->now, &o) &&
		      o.at > a->run_at;
	d->next_run_at = d->has_next ? o.at : 0;
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
	if (d->status != TS_STATUS_SCHEDULED && (a->schedule || a->recurrence != TS_RECUR_NONE))
		plan_next(a, d);
}
