/* handlers_schedules.c -- the instants a schedule fires at, before anything
 * is stored: GET /schedules/preview and POST /tasks?dry_run=true. Both
 * take them from ts_schedule_list(), over the ts_schedule_next() the
 * executor uses for every next occurrence. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "id.h"
#include "json.h"
#include "task_schedule.h"
#include "validate.h"

#define PREVIEW_COUNT_DEFAULT 10
#define PREVIEW_COUNT_MAX 100
#define DRY_RUN_COUNT 10

/* The query parameters of a preview, decoded into bounded buffers. */
struct preview_query {
	char cron[TS_CRON_TEXT_MAX + 1];
	char timezone[TS_TZ_NAME_MAX + 1];
	char dst_gap[16], dst_repeat[16], recurrence[16];
	char run_at[64], after[64], count[16];
};

/* Reads parameter `name` into `buf`; *out points at it when present. */
static enum ts_err param(const char *query, const char *name, char *buf, size_t size,
			 char **out, struct ts_error *err)
{
	int found = ts_http_query_param(query, name, buf, size);

	if (found < 0)
		return ts_error_set(err, TS_ERR_INVALID, "invalid_parameter", name,
				    "Invalid query parameter %s: malformed or too long", name);
	if (out)
		*out = found > 0 ? buf : NULL;
	return TS_OK;
}

/* Fills `r` (whose strings point into `q`: never cleaned up) from the
 * query string. */
static enum ts_err read_query(const char *query, struct preview_query *q,
			      struct ts_task_request *r, char **after, char **count,
			      struct ts_error *err)
{
	enum ts_err rc;

	if ((rc = param(query, "cron", q->cron, sizeof(q->cron), &r->cron, err)) ||
	    (rc = param(query, "recurrence", q->recurrence, sizeof(q->recurrence),
			&r->recurrence, err)) ||
	    (rc = param(query, "run_at", q->run_at, sizeof(q->run_at), &r->run_at, err)) ||
	    (rc = param(query, "timezone", q->timezone, sizeof(q->timezone), &r->timezone, err)) ||
	    (rc = param(query, "dst_gap", q->dst_gap, sizeof(q->dst_gap), &r->dst_gap, err)) ||
	    (rc = param(query, "dst_repeat", q->dst_repeat, sizeof(q->dst_repeat),
			&r->dst_repeat, err)) ||
	    (rc = param(query, "after", q->after, sizeof(q->after), after, err)))
		return rc;
	return param(query, "count", q->count, sizeof(q->count), count, err);
}

/* A field error of the shared validation, told as a query parameter's. */
static void as_parameter_error(struct ts_error *err)
{
	static const char prefix[] = "Invalid field ";
	char message[sizeof(err->message)];

	if (strcmp(err->code, "invalid_field") != 0)
		return;
	snprintf(err->code, sizeof(err->code), "invalid_parameter");
	if (strncmp(err->message, prefix, sizeof(prefix) - 1) == 0) {
		snprintf(message, sizeof(message), "Invalid query parameter %s",
			 err->message + sizeof(prefix) - 1);
		memcpy(err->message, message, sizeof(message));
	}
}

static enum ts_err bad(struct ts_error *err, const char *name, const char *why)
{
	return ts_error_set(err, TS_ERR_INVALID, "invalid_parameter", name,
			    "Invalid query parameter %s: %s", name, why);
}

/* Validates the preview's parameters into the series `task` and the
 * window: strictly after *after, *count occurrences. */
static enum ts_err preview_series(const char *query, struct ts_task *task, ts_time_us *after,
				  int *count, struct ts_error *err)
{
	struct preview_query q;
	struct ts_task_request r = { 0 };
	char *after_text = NULL, *count_text = NULL;
	const char *why = NULL;
	ts_time_us now = ts_time_now();
	enum ts_err rc = read_query(query ? query : "", &q, &r, &after_text, &count_text, err);

	if (rc)
		return rc;
	if (!r.cron && !r.recurrence)
		return ts_error_set(err, TS_ERR_INVALID, "missing_parameter", "cron",
				    "Missing query parameter: cron (or recurrence with run_at)");
	if (r.recurrence && !ts_recurrence_parse(r.recurrence, &task->recurrence))
		return bad(err, "recurrence", "must be \"daily\", \"weekly\" or \"monthly\"");
	if (r.recurrence && !r.run_at)
		return ts_error_set(err, TS_ERR_INVALID, "missing_parameter", "run_at",
				    "Missing query parameter: run_at (a recurrence starts there)");
	if (r.run_at && ts_time_parse_rfc3339(r.run_at, &task->run_at, &why) != TS_OK)
		return bad(err, "run_at", why);
	*after = now;
	if (after_text && ts_time_parse_rfc3339(after_text, after, &why) != TS_OK)
		return bad(err, "after", why);
	*count = PREVIEW_COUNT_DEFAULT;
	if (count_text) {
		char *end;
		long v = strtol(count_text, &end, 10);
		if (count_text[0] < '0' || count_text[0] > '9' || *end || v < 1 ||
		    v > PREVIEW_COUNT_MAX)
			return bad(err, "count", "must be a whole number from 1 to 100");
		*count = (int)v;
	}
	rc = ts_validate_schedule(&r, r.run_at != NULL, now, task, err);
	if (rc)
		as_parameter_error(err);
	/* A cron series without run_at starts after `after`. */
	if (rc == TS_OK && !r.run_at)
		task->run_at = *after;
	return rc;
}

void ts_schedules_preview(struct ts_api *api, const struct ts_http_request *req,
			  const char *param_text, struct ts_http_response *resp)
{
	struct ts_occurrence occ[PREVIEW_COUNT_MAX];
	struct ts_schedule s;
	struct ts_error err;
	struct ts_task task;
	ts_time_us after;
	int count;

	(void)api;
	(void)param_text;
	ts_error_clear(&err);
	ts_task_init(&task);
	if (preview_series(req->query, &task, &after, &count, &err) != TS_OK ||
	    ts_task_schedule(&task, &s, &err) != TS_OK) {
		ts_http_error(resp, 0, &err);
		return;
	}
	size_t n = ts_schedule_list(&s, task.run_at, after, occ, (size_t)count);
	resp->status = 200;
	resp->body = ts_json_occurrences(occ, n);
}

enum ts_err ts_schedules_dry_run_param(const char *query, bool *dry_run, struct ts_error *err)
{
	char value[8];
	int found = ts_http_query_param(query ? query : "", "dry_run", value, sizeof(value));

	*dry_run = found > 0 && strcmp(value, "true") == 0;
	if (found != 0 && !*dry_run && (found < 0 || strcmp(value, "false") != 0))
		return ts_error_set(err, TS_ERR_INVALID, "invalid_parameter", "dry_run",
				    "Invalid query parameter dry_run: must be true or false");
	return TS_OK;
}

void ts_schedules_dry_run(struct ts_task *task, struct ts_http_response *resp)
{
	struct ts_occurrence occ[DRY_RUN_COUNT];
	struct ts_schedule s;
	struct ts_error err;
	size_t n = 1;

	ts_error_clear(&err);
	/* As POST would store it, without storing it. */
	ts_id_new(task->id);
	task->status = TS_STATUS_SCHEDULED;
	task->created_at = task->updated_at = ts_time_now();
	occ[0] = (struct ts_occurrence){ .at = task->run_at };
	if (ts_task_recurs(task)) {
		if (ts_task_schedule(task, &s, &err) != TS_OK) {
			ts_http_error(resp, 0, &err);
			return;
		}
		n = ts_schedule_list(&s, task->run_at, task->run_at - 1, occ, DRY_RUN_COUNT);
	}
	resp->status = 200;
	resp->body = ts_json_task_dry_run(task, occ, n);
}
