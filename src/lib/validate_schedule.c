/* validate_schedule.c -- the rules of a task's schedule fields (cron,
 * timezone, ends_at, dst_gap, dst_repeat, catch_up) and its first
 * occurrence. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "json.h"
#include "task_schedule.h"
#include "validate.h"

static enum ts_err invalid(struct ts_error *err, const char *field, const char *why)
{
	return ts_error_set(err, TS_ERR_INVALID, "invalid_field", field,
			    "Invalid field %s: %s", field, why);
}

/* The first schedule field of `req` set, for a task that does not recur. */
static const char *stray_field(const struct ts_task_request *req)
{
	if (req->timezone)
		return "timezone";
	if (req->ends_at)
		return "ends_at";
	if (req->dst_gap)
		return "dst_gap";
	if (req->dst_repeat)
		return "dst_repeat";
	if (req->catch_up)
		return "catch_up";
	return NULL;
}

/* The zone, DST rules, catch_up and ends_at of `req` into `task`. */
static enum ts_err take_rules(const struct ts_task_request *req, struct ts_task *task,
			      struct ts_error *err)
{
	const struct ts_tz *tz;
	const char *why = NULL;

	if (req->timezone) {
		enum ts_err rc = ts_tz_get(req->timezone, "timezone", &tz, err);
		if (rc)
			return rc;
		snprintf(task->timezone, sizeof(task->timezone), "%s", tz->name);
	}
	if (req->dst_gap && !ts_dst_gap_parse(req->dst_gap, &task->dst_gap))
		return invalid(err, "dst_gap", "must be \"shift\" or \"skip\"");
	if (req->dst_repeat && !ts_dst_repeat_parse(req->dst_repeat, &task->dst_repeat))
		return invalid(err, "dst_repeat", "must be \"first\", \"last\" or \"both\"");
	if (req->catch_up && !ts_catch_up_parse(req->catch_up, &task->catch_up))
		return invalid(err, "catch_up", "must be \"skip\" or \"once\"");
	if (req->ends_at) {
		if (ts_time_parse_rfc3339(req->ends_at, &task->ends_at, &why) != TS_OK)
			return ts_error_set(err, TS_ERR_INVALID, "invalid_field", "ends_at",
					    "Invalid field ends_at: '%.40s' %s", req->ends_at, why);
		task->has_ends_at = true;
	}
	return TS_OK;
}

enum ts_err ts_validate_schedule(const struct ts_task_request *req, bool has_run_at,
				 ts_time_us now, struct ts_task *task, struct ts_error *err)
{
	struct ts_schedule s;
	struct ts_occurrence first;
	enum ts_err rc;

	if (req->cron && task->recurrence != TS_RECUR_NONE)
		return invalid(err, "cron", "a task recurs by recurrence or by cron, not both");
	if (!req->cron && task->recurrence == TS_RECUR_NONE) {
		const char *stray = stray_field(req);
		return stray ? invalid(err, stray, "applies only to a recurring task (recurrence"
					      " or cron); a one-off run_at carries its offset")
			     : TS_OK;
	}
	if (req->cron) {
		struct ts_cron cron;
		rc = ts_cron_parse(req->cron, "cron", &cron, err);
		if (rc)
			return rc;
		snprintf(task->cron, sizeof(task->cron), "%s", req->cron);
	}
	rc = take_rules(req, task, err);
	if (rc == TS_OK)
		rc = ts_task_anchor(task, err);
	if (rc == TS_OK)
		rc = ts_task_schedule(task, &s, err);
	if (rc)
		return rc;
	if (task->cron[0]) {
		/* The first match at or after run_at, or after now. */
		if (!ts_schedule_next(&s, has_run_at ? task->run_at - 1 : now, &first))
			return invalid(err, task->has_ends_at ? "ends_at" : "cron",
				       "the series has no occurrence before it ends");
		task->run_at = first.at;
	} else if (task->has_ends_at && task->ends_at < task->run_at) {
		return invalid(err, "ends_at", "is before the first occurrence, run_at");
	}
	return TS_OK;
}
