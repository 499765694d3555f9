/* task.h -- the task model: what a task is, its states, actions and runs. */
#ifndef TS_TASK_H
#define TS_TASK_H

#include <stdbool.h>
#include <stddef.h>

#include "errors.h"
#include "schedule.h"
#include "tstime.h"

/* Text form of a UUID, lowercase: 36 characters plus the terminator. */
#define TS_ID_TEXT_MAX 37

/* Limits that keep one task bounded in the database and in memory. */
#define TS_MAX_ATTEMPTS_DEFAULT 3
#define TS_MAX_ATTEMPTS_LIMIT 100

/* The lifecycle (docs/design.md draws it):
 * scheduled -> running -> completed | failed, and running -> scheduled
 * again when an attempt is to be retried or its executor's lease expired;
 * scheduled <-> paused by the API (a paused task is never claimed). */
enum ts_task_status {
	TS_STATUS_SCHEDULED = 0,
	TS_STATUS_RUNNING,
	TS_STATUS_COMPLETED,
	TS_STATUS_FAILED,
	TS_STATUS_PAUSED,
};
#define TS_STATUS_COUNT 5

enum ts_action {
	TS_ACTION_WEBHOOK = 0,
	TS_ACTION_MESSAGE,
};

/* How one attempt of a task ended. */
enum ts_run_outcome {
	TS_RUN_SUCCEEDED = 0,  /* 2xx, or a message written */
	TS_RUN_FAILED,         /* failed for good: the task will not be retried */
	TS_RUN_RETRY,          /* failed; retried later if attempts remain */
	TS_RUN_LOST,           /* the executor's lease expired mid-attempt */
};
#define TS_RUN_OUTCOME_COUNT 4

/* One task as stored. Strings marked "owned" are heap copies released by
 * ts_task_cleanup(); the rest are inline. */
struct ts_task {
	char id[TS_ID_TEXT_MAX];
	enum ts_action action;
	char *payload_json;             /* owned; a JSON object as text */
	ts_time_us run_at;              /* when the occurrence is scheduled */
	enum ts_task_status status;
	enum ts_recurrence recurrence;
	int anchor_day;                 /* monthly series: day of month to keep */
	char parent_id[TS_ID_TEXT_MAX]; /* "" when the task starts a series */
	char *error_message;            /* owned; NULL when none */
	char *on_failure_json;          /* owned; {"url", "headers"} to notify when the
					 * task fails, or NULL */
	int attempts;
	int max_attempts;
	ts_time_us created_at;
	ts_time_us updated_at;
	/* The series' schedule (docs/design.md, "Schedules"). */
	char cron[TS_CRON_TEXT_MAX];    /* "" unless the series is a cron one */
	char timezone[TS_TZ_NAME_MAX];  /* "UTC" unless set */
	bool has_ends_at;
	ts_time_us ends_at;
	enum ts_dst_gap dst_gap;
	enum ts_dst_repeat dst_repeat;
	enum ts_catch_up catch_up;
	bool has_anchor_time;           /* daily/weekly/monthly: the local time */
	int64_t anchor_time;            /* of day of the first occurrence, in us */
};

/* Prepares `task` (caller-owned storage) with every field empty. */
void ts_task_init(struct ts_task *task);

/* Frees what `task` owns and empties it again; NULL is allowed. */
void ts_task_cleanup(struct ts_task *task);

/* Cleans up the `count` tasks of the heap array `tasks` and frees it;
 * NULL is allowed. */
void ts_task_array_free(struct ts_task *tasks, size_t count);

/* One attempt of a task, as GET /tasks/{id}/runs shows it. */

#define TS_RUN_ERROR_MAX 1024
#define TS_RUN_EXCERPT_MAX 1024

struct ts_run {
	int attempt;
	char executor_id[65];
	ts_time_us started_at;
	ts_time_us finished_at;
	enum ts_run_outcome outcome;
	int http_status;                   /* 0 when no response */
	char error[TS_RUN_ERROR_MAX];      /* "" when none */
	char *excerpt;                     /* owned; NULL when none */
};

/* Frees the excerpts of the `count` runs of the heap array `runs`, then
 * the array; NULL is allowed. */
void ts_run_array_free(struct ts_run *runs, size_t count);

/* Names of states and actions ("scheduled", "webhook", ...) and back. The
 * parse functions return false for unknown names. */
const char *ts_task_status_name(enum ts_task_status s);
bool ts_task_status_parse(const char *name, enum ts_task_status *out);
const char *ts_action_name(enum ts_action a);
bool ts_action_parse(const char *name, enum ts_action *out);

/* "succeeded", "failed", "retry" or "lost". */
const char *ts_run_outcome_name(enum ts_run_outcome o);

/* "scheduled, running, completed, failed, paused": for error messages. */
const char *ts_task_status_list(void);

#endif
