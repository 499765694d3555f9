/* task_change.c -- the rules of changing a task through the API: which
 * states a task may be patched, paused and resumed in, and what resuming
 * does to a series whose time has passed. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "task_change.h"
#include "task_schedule.h"

/* The conflict of changing a task that is running or finished. */
static enum ts_err conflict(const struct ts_task *task, const char *verb, struct ts_error *err)
{
	if (task->status == TS_STATUS_RUNNING)
		return ts_error_set(err, TS_ERR_CONFLICT, "task_running", NULL,
				    "Task %s is running and cannot be %s now; retry once it "
				    "has finished", task->id, verb);
	return ts_error_set(err, TS_ERR_CONFLICT, "task_finished", NULL,
			    "Task %s is %s and cannot be %s", task->id,
			    ts_task_status_name(task->status), verb);
}

/* When the occurrence `task`, missed while it was paused, is due once
 * resumed at `now`, by the series' catch_up, the rule the executor follows
 * for occurrences missed while nothing ran (one engine, ts_schedule_*):
 * "skip" moves it to the series' first occurrence after `now`; "once"
 * fires it at once, at the latest occurrence missed. A one-off task, and
 * a series with nothing left after `now` (its ends_at has passed), fire
 * the missed occurrence at once. */
static enum ts_err caught_up(const struct ts_task *task, ts_time_us now, ts_time_us *at,
			     struct ts_error *err)
{
	struct ts_schedule s;
	struct ts_occurrence o;
	enum ts_err rc;

	*at = task->run_at;
	if (!ts_task_recurs(task))
		return TS_OK;
	rc = ts_task_schedule(task, &s, err);
	if (rc != TS_OK || !ts_schedule_following(&s, task->catch_up, task->run_at, now, &o))
		return rc;
	/* Under "once" with nothing missed after run_at, run_at itself is
	 * the latest missed occurrence: it stays, and fires at once. */
	if (task->catch_up == TS_CATCH_UP_ONCE && o.at > now)
		return TS_OK;
	*at = o.at;
	return TS_OK;
}

enum ts_err ts_task_change_check_patch(const struct ts_task *task, struct ts_error *err)
{
	if (task->status == TS_STATUS_SCHEDULED || task->status == TS_STATUS_PAUSED)
		return TS_OK;
	return conflict(task, "changed", err);
}

enum ts_err ts_task_change_pause(struct ts_task *task, bool *changed, struct ts_error *err)
{
	*changed = false;
	if (task->status == TS_STATUS_PAUSED)
		return TS_OK;
	if (task->status != TS_STATUS_SCHEDULED)
		return conflict(task, "paused", err);
	task->status = TS_STATUS_PAUSED;
	*changed = true;
	return TS_OK;
}

enum ts_err ts_task_change_resume(struct ts_task *task, ts_time_us now, bool *changed,
				  struct ts_error *err)
{
	*changed = false;
	if (task->status == TS_STATUS_SCHEDULED)
		return TS_OK;
	if (task->status != TS_STATUS_PAUSED)
		return conflict(task, "resumed", err);
	/* An occurrence with attempts made was fired, not missed: its retry
	 * goes on. */
	if (task->attempts == 0 && task->run_at <= now) {
		enum ts_err rc = caught_up(task, now, &task->run_at, err);
		if (rc)
			return rc;
	}
	task->status = TS_STATUS_SCHEDULED;
	*changed = true;
	return TS_OK;
}

void ts_task_change_adopt(struct ts_task *next, struct ts_task *cur,
			  const struct ts_task_change_keep *keep)
{
	memcpy(next->id, cur->id, sizeof(next->id));
	memcpy(next->parent_id, cur->parent_id, sizeof(next->parent_id));
	next->status = cur->status;
	next->attempts = cur->attempts;
	next->created_at = cur->created_at;
	next->updated_at = cur->updated_at;
	next->error_message = cur->error_message;
	cur->error_message = NULL;
	if (keep->max_attempts)
		next->max_attempts = cur->max_attempts;
	if (keep->payload) {
		free(next->payload_json);
		next->payload_json = cur->payload_json;
		cur->payload_json = NULL;
	}
	/* The anchors of a daily/weekly/monthly series come from its first
	 * occurrence: kept while neither run_at nor the series changes. */
	if (next->run_at == cur->run_at && next->recurrence == cur->recurrence &&
	    strcmp(next->timezone, cur->timezone) == 0) {
		next->anchor_day = cur->anchor_day;
		next->has_anchor_time = cur->has_anchor_time;
		next->anchor_time = cur->anchor_time;
	}
}
