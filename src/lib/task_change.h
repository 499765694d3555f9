/* task_change.h -- the rules of changing a task through the API: which
 * states a task may be patched, paused and resumed in, and what resuming
 * does to a series whose time has passed. Pure decisions, no I/O. */
#ifndef TS_TASK_CHANGE_H
#define TS_TASK_CHANGE_H

#include <stdbool.h>

#include "errors.h"
#include "task.h"
#include "tstime.h"

/* TS_OK when `task` may be patched (scheduled or paused); else
 * TS_ERR_CONFLICT naming its state ("task_running", "task_finished"). */
enum ts_err ts_task_change_check_patch(const struct ts_task *task, struct ts_error *err);

/* Pauses `task` in place: scheduled becomes paused (*changed true); a
 * paused task stays as it is (*changed false); any other state is
 * TS_ERR_CONFLICT. */
enum ts_err ts_task_change_pause(struct ts_task *task, bool *changed, struct ts_error *err);

/* Resumes `task` in place at time `now`: paused becomes scheduled
 * (*changed true); a scheduled task stays as it is (*changed false); any
 * other state is TS_ERR_CONFLICT. A series (recurrence) whose occurrence
 * never fired and whose run_at passed meanwhile catches up by skipping:
 * run_at becomes the first occurrence after `now` (ts_recurrence_next). A
 * task whose attempt was being retried keeps its time, as does a one-off
 * task, which is then due at once. */
enum ts_err ts_task_change_resume(struct ts_task *task, ts_time_us now, bool *changed,
				  struct ts_error *err);

/* What a patch left as it was, beyond what the patched body says. */
struct ts_task_change_keep {
	bool max_attempts;   /* the patch did not name it */
	bool payload;        /* the patched payload is the same JSON */
};

/* Gives `next`, a task validated from a patched POST body, what the body
 * cannot carry, taken from `cur`, the task as stored: id, status,
 * attempts, parent, error message and times. A monthly series keeps its
 * anchor day unless run_at or the recurrence changed; max_attempts and
 * the payload's text are `cur`'s when `keep` says so. Owned strings move:
 * `cur` no longer owns what `next` took. */
void ts_task_change_adopt(struct ts_task *next, struct ts_task *cur,
			  const struct ts_task_change_keep *keep);

#endif
