/* task.c -- the task model: names of states and actions, init and cleanup
 * of tasks and runs. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "task.h"

static const char *const status_names[TS_STATUS_COUNT] = {
	[TS_STATUS_SCHEDULED] = "scheduled",
	[TS_STATUS_RUNNING] = "running",
	[TS_STATUS_COMPLETED] = "completed",
	[TS_STATUS_FAILED] = "failed",
	[TS_STATUS_PAUSED] = "paused",
};

static const char *const action_names[] = {
	[TS_ACTION_WEBHOOK] = "webhook",
	[TS_ACTION_MESSAGE] = "message",
};

void ts_task_init(struct ts_task *task)
{
	memset(task, 0, sizeof(*task));
	task->max_attempts = TS_MAX_ATTEMPTS_DEFAULT;
	snprintf(task->timezone, sizeof(task->timezone), "UTC");
}

void ts_task_cleanup(struct ts_task *task)
{
	if (!task)
		return;
	free(task->payload_json);
	free(task->error_message);
	free(task->on_failure_json);
	ts_task_init(task);
}

void ts_task_array_free(struct ts_task *tasks, size_t count)
{
	if (!tasks)
		return;
	for (size_t i = 0; i < count; i++)
		ts_task_cleanup(&tasks[i]);
	free(tasks);
}

void ts_run_array_free(struct ts_run *runs, size_t count)
{
	if (!runs)
		return;
	for (size_t i = 0; i < count; i++)
		free(runs[i].excerpt);
	free(runs);
}

const char *ts_task_status_name(enum ts_task_status s)
{
	return (unsigned)s < TS_STATUS_COUNT ? status_names[s] : "unknown";
}

bool ts_task_status_parse(const char *name, enum ts_task_status *out)
{
	for (int i = 0; i < TS_STATUS_COUNT; i++) {
		if (strcmp(name, status_names[i]) == 0) {
			*out = (enum ts_task_status)i;
			return true;
		}
	}
	return false;
}

const char *ts_task_status_list(void)
{
	return "scheduled, running, completed, failed, paused";
}

const char *ts_action_name(enum ts_action a)
{
	return (unsigned)a < sizeof(action_names) / sizeof(action_names[0])
		       ? action_names[a] : "unknown";
}

bool ts_action_parse(const char *name, enum ts_action *out)
{
	for (size_t i = 0; i < sizeof(action_names) / sizeof(action_names[0]); i++) {
		if (strcmp(name, action_names[i]) == 0) {
			*out = (enum ts_action)i;
			return true;
		}
	}
	return false;
}

const char *ts_run_outcome_name(enum ts_run_outcome o)
{
	switch (o) {
	case TS_RUN_SUCCEEDED: return "succeeded";
	case TS_RUN_FAILED: return "failed";
	case TS_RUN_RETRY: return "retry";
	case TS_RUN_LOST: return "lost";
	}
	return "failed";
}
