/* task_schedule.h -- a task's series as the schedule engine sees it. */
#ifndef TS_TASK_SCHEDULE_H
#define TS_TASK_SCHEDULE_H

#include <stdbool.h>

#include "errors.h"
#include "schedule.h"
#include "task.h"

/* True when `t` is an occurrence of a series (recurrence or cron). */
bool ts_task_recurs(const struct ts_task *t);

/* Builds the schedule of the series `t` belongs to into `s` (caller-owned):
 * its cron expression or recurrence, zone, DST rules and ends_at, and for
 * daily/weekly/monthly the anchors (the stored local time of day and day
 * of month; the weekday of t's own run_at, which a DST shift never moves
 * to another date). Fails (TS_ERR_INVALID naming "cron" or "timezone")
 * only for a cron text or a zone the system no longer knows. */
enum ts_err ts_task_schedule(const struct ts_task *t, struct ts_schedule *s,
			     struct ts_error *err);

/* Sets the anchors a new daily/weekly/monthly series keeps (anchor_day,
 * anchor_time) from its first occurrence, t->run_at, in t's zone. */
enum ts_err ts_task_anchor(struct ts_task *t, struct ts_error *err);

#endif
