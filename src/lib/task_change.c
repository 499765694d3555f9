/* task_change.c -- the rules of changing a task through the API: which
 * states a task may be patched, paused and resumed in, and what resuming
 * does to a series whose time has passed. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "task_change.h"

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
	task->status = TS_STATUS_SCHEDULED;
	/* An occurrence with attempts made was fired, not missed: its retry
	 * goes on. One never fired is skipped like any missed occurrence. */
	if (task->recurrence != TS_RECUR_NONE && task->attempts == 0 && task->run_at <= now)
		task->run_at = ts_recurrence_next(task->run_at, task->recurrence,
						  task->anchor_day, now);
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
	if (next->run_at == cur->run_at && next->recurrence == cur->recurrence)
		next->anchor_day = cur->anchor_day;
}
