/* handlers_batch.c -- POST /tasks/batch: up to 1000 tasks in one request,
 * each checked as a single POST checks its body, stored all or none. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "json.h"

#define BATCH_MAX 1000

/* Turns each element of `batch` into tasks[i]; every element that fails
 * adds an entry to `errors` (sized batch->count). Returns how many failed. */
static size_t build_tasks(struct ts_api *api, const struct ts_json_batch *batch,
			  struct ts_task *tasks, struct ts_json_item_error *errors)
{
	size_t failed = 0;

	for (size_t i = 0; i < batch->count; i++) {
		const struct ts_json_span *item = &batch->items[i];
		struct ts_json_item_error *e = &errors[failed];

		ts_error_clear(&e->err);
		e->index = i;
		/* Said here, not as for a whole body ("Request body must be
		 * an object"), so the message fits an element. */
		if (item->text[0] != '{')
			ts_error_set(&e->err, TS_ERR_INVALID, "invalid_json", NULL,
				     "Task %zu of the batch is not a JSON object", i);
		else if (ts_tasks_validate_body(api, item->text, item->len, &tasks[i], &e->err) == TS_OK)
			continue;
		failed++;
	}
	return failed;
}

/* The 400 naming every element that failed; a failure that is not about
 * the input (out of memory) is answered as itself instead. */
static void reject_items(struct ts_http_response *resp, const struct ts_json_item_error *errors,
			 size_t failed, size_t count)
{
	char message[128];

	for (size_t i = 0; i < failed; i++) {
		if (errors[i].err.status != TS_ERR_INVALID) {
			ts_http_error(resp, 0, &errors[i].err);
			return;
		}
	}
	snprintf(message, sizeof(message), "%zu of the %zu tasks are invalid; none was stored",
		 failed, count);
	resp->status = 400;
	resp->body = ts_json_batch_error(message, errors, failed);
}

void ts_tasks_batch(struct ts_api *api, const struct ts_http_request *req,
		    const char *param, struct ts_http_response *resp)
{
	struct ts_json_batch batch;
	struct ts_json_item_error *errors = NULL;
	struct ts_task *tasks = NULL;
	struct ts_error err;
	bool replayed = false;
	size_t failed;

	(void)param;
	if (!ts_tasks_check_request(req, api->conf->max_batch_body_bytes, resp))
		return;
	ts_error_clear(&err);
	if (ts_json_parse_batch(req->body, req->body_len, BATCH_MAX, &batch, &err) != TS_OK) {
		ts_http_error(resp, 0, &err);
		return;
	}
	tasks = calloc(batch.count, sizeof(*tasks));
	errors = calloc(batch.count, sizeof(*errors));
	if (!tasks || !errors) {
		ts_error_set(&err, TS_ERR_NOMEM, "internal", NULL, "out of memory");
		ts_http_error(resp, 0, &err);
		goto out;
	}
	for (size_t i = 0; i < batch.count; i++)
		ts_task_init(&tasks[i]);
	failed = build_tasks(api, &batch, tasks, errors);
	if (failed) {
		reject_items(resp, errors, failed, batch.count);
		goto out;
	}
	if (ts_db_task_insert_batch(api->db, api->tenant, tasks, batch.count,
				    req->idempotency_key, req->body, req->body_len, &replayed,
				    &err) != TS_OK) {
		ts_http_error(resp, 0, &err);
		goto out;
	}
	resp->status = replayed ? 200 : 201;
	resp->replayed = replayed;
	resp->body = ts_json_batch_created(tasks, batch.count);
out:
	if (tasks)
		ts_task_array_free(tasks, batch.count);
	free(errors);
	ts_json_batch_cleanup(&batch);
}
