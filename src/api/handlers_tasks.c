/* handlers_tasks.c -- the /tasks resource: create, list, get, delete, a
 * task's runs and its retry. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "cursor.h"
#include "id.h"
#include "json.h"
#include "validate.h"

#define IDEMPOTENCY_KEY_MAX 255
#define LIST_LIMIT_DEFAULT 100
#define LIST_LIMIT_MAX 1000

/* An Idempotency-Key is 1..255 visible ASCII characters. */
static bool idempotency_key_ok(const char *key)
{
	size_t len = strlen(key);

	if (len == 0 || len > IDEMPOTENCY_KEY_MAX)
		return false;
	for (const char *p = key; *p; p++) {
		if (*p < 0x20 || *p > 0x7e)
			return false;
	}
	return true;
}

/* Refuses at once a host (of the URL in the field `field`) that is an
 * address literal or name that is clearly internal (the executor checks
 * every address it connects to). */
static enum ts_err check_host(struct ts_api *api, bool too_long, const char *host,
			      const char *field, struct ts_error *err)
{
	if (too_long)
		return ts_error_set(err, TS_ERR_INVALID, "invalid_field", field,
				    "Invalid field %s: the host name is too long", field);
	return ts_netguard_check_host_for(&api->guard, host, field, err);
}

/* The webhook's target and the failure notice's, if any. */
static enum ts_err check_targets(struct ts_api *api, const struct ts_task_hosts *hosts,
				 struct ts_error *err)
{
	enum ts_err rc = TS_OK;

	if (hosts->has_payload)
		rc = check_host(api, hosts->payload_too_long, hosts->payload, "payload.url", err);
	if (rc == TS_OK && hosts->has_on_failure)
		rc = check_host(api, hosts->on_failure_too_long, hosts->on_failure,
				"on_failure.url", err);
	return rc;
}

/* Mail goes only where the configuration says, to at most
 * email_max_recipients addresses. */
static enum ts_err check_email(struct ts_api *api, const struct ts_task *task,
			       const struct ts_task_request *treq, struct ts_error *err)
{
	struct ts_email_spec spec;
	enum ts_err rc = TS_OK;

	if (task->action != TS_ACTION_EMAIL)
		return TS_OK;
	if (!api->conf->smtp_url[0])
		return ts_error_set(err, TS_ERR_INVALID, "invalid_field", "action",
				    "Invalid field action: email is not configured on this "
				    "server (smtp_url)");
	if (ts_json_read_email(treq->payload_tree, treq->payload_json, &spec, err) != TS_OK)
		return TS_ERR_INVALID;
	if (spec.to_count > api->conf->email_max_recipients)
		rc = ts_error_set(err, TS_ERR_INVALID, "invalid_field", "payload.to",
				  "Invalid field payload.to: more than %u recipients "
				  "(email_max_recipients)", api->conf->email_max_recipients);
	ts_email_spec_cleanup(&spec);
	return rc;
}

/* Messages go only to brokers the configuration names. */
static enum ts_err check_broker(struct ts_api *api, const struct ts_task *task,
				const struct ts_task_request *treq, struct ts_error *err)
{
	struct ts_amqp_spec spec;
	enum ts_err rc = TS_OK;

	if (task->action != TS_ACTION_AMQP)
		return TS_OK;
	if (ts_json_read_amqp(treq->payload_tree, treq->payload_json, &spec, err) != TS_OK)
		return TS_ERR_INVALID;
	if (!ts_conf_broker(api->conf, spec.broker))
		rc = ts_error_set(err, TS_ERR_INVALID, "invalid_field", "payload.broker",
				  "Invalid field payload.broker: no broker '%.63s' is configured "
				  "(amqp_broker.<name>)", spec.broker);
	ts_amqp_spec_cleanup(&spec);
	return rc;
}

enum ts_err ts_tasks_validate_body(struct ts_api *api, const char *body, size_t len,
				   struct ts_task *task, struct ts_error *err)
{
	struct ts_task_request treq;
	struct ts_task_hosts hosts;
	enum ts_err rc = ts_json_parse_task_request(body, len, &treq, err);

	if (rc)
		return rc;
	rc = ts_validate_task_request(&treq, task, &hosts, err);
	if (rc == TS_OK)
		rc = check_targets(api, &hosts, err);
	if (rc == TS_OK)
		rc = check_email(api, task, &treq, err);
	if (rc == TS_OK)
		rc = check_broker(api, task, &treq, err);
	ts_task_request_cleanup(&treq);
	return rc;
}

static void set_location(struct ts_http_response *resp, const char *id)
{
	snprintf(resp->location, sizeof(resp->location), "/tasks/%s", id);
}

bool ts_tasks_check_request(const struct ts_http_request *req, unsigned long limit,
			    struct ts_http_response *resp)
{
	struct ts_error err;

	ts_error_clear(&err);
	if (req->body_too_large) {
		ts_error_set(&err, TS_ERR_TOO_LARGE, "body_too_large", NULL,
			     "Request body is larger than %lu bytes", limit);
	} else if (!ts_http_is_json_type(req->content_type)) {
		ts_error_set(&err, TS_ERR_INVALID, "unsupported_media_type", NULL,
			     "Content-Type must be application/json");
		ts_http_error(resp, 415, &err);
		return false;
	} else if (req->idempotency_key && !idempotency_key_ok(req->idempotency_key)) {
		ts_error_set(&err, TS_ERR_INVALID, "invalid_header", "Idempotency-Key",
			     "Invalid header Idempotency-Key: must be 1 to 255 visible "
			     "ASCII characters");
	} else if (!req->body || req->body_len == 0) {
		ts_error_set(&err, TS_ERR_INVALID, "invalid_json", NULL,
			     "Request body is empty; send a JSON object");
	} else {
		return true;
	}
	ts_http_error(resp, 0, &err);
	return false;
}

void ts_tasks_create(struct ts_api *api, const struct ts_http_request *req,
		     const char *param, struct ts_http_response *resp)
{
	struct ts_error err;
	struct ts_task task;
	bool replayed = false, dry_run = false;

	if (!ts_tasks_check_request(req, api->conf->max_body_bytes, resp))
		return;
	ts_error_clear(&err);
	ts_task_init(&task);
	if (ts_schedules_dry_run_param(req->query, &dry_run, &err) != TS_OK)
		goto fail;
	if (ts_tasks_validate_body(api, req->body, req->body_len, &task, &err) != TS_OK)
		goto fail;
	if (dry_run) {
		ts_schedules_dry_run(&task, resp);
		goto out;
	}
	if (ts_db_task_insert(api->db, api->tenant, &task, req->idempotency_key, req->body,
			      req->body_len, &replayed, &err) != TS_OK)
		goto fail;

	resp->status = replayed ? 200 : 201;
	resp->replayed = replayed;
	set_location(resp, task.id);
	ts_tasks_set_task(resp, &task, "Task scheduled successfully");
	goto out;
fail:
	ts_http_error(resp, 0, &err);
out:
	ts_task_cleanup(&task);
}

/* Reads ?status=, ?limit= and ?cursor= into `filter`. */
static enum ts_err parse_list_query(const char *query, struct ts_task_filter *filter,
				    struct ts_error *err)
{
	char value[TS_CURSOR_TEXT_MAX + 8];
	int found;

	memset(filter, 0, sizeof(*filter));
	filter->limit = LIST_LIMIT_DEFAULT;

	found = ts_http_query_param(query, "status", value, sizeof(value));
	if (found != 0) {
		if (found < 0 || !ts_task_status_parse(value, &filter->status))
			return ts_error_set(err, TS_ERR_INVALID, "invalid_parameter", "status",
					    "Invalid query parameter status: must be one of %s",
					    ts_task_status_list());
		filter->has_status = true;
	}

	found = ts_http_query_param(query, "limit", value, sizeof(value));
	if (found != 0) {
		char *end;
		long v = found > 0 ? strtol(value, &end, 10) : 0;
		if (found < 0 || value[0] < '0' || value[0] > '9' || *end ||
		    v < 1 || v > LIST_LIMIT_MAX)
			return ts_error_set(err, TS_ERR_INVALID, "invalid_parameter", "limit",
					    "Invalid query parameter limit: must be a whole "
					    "number from 1 to %d", LIST_LIMIT_MAX);
		filter->limit = (unsigned)v;
	}

	found = ts_http_query_param(query, "cursor", value, sizeof(value));
	if (found < 0)
		return ts_cursor_decode("", &filter->after, err);
	if (found > 0) {
		enum ts_err rc = ts_cursor_decode(value, &filter->after, err);
		if (rc)
			return rc;
		filter->has_cursor = true;
	}
	return TS_OK;
}

void ts_tasks_list(struct ts_api *api, const struct ts_http_request *req,
		   const char *param, struct ts_http_response *resp)
{
	struct ts_error err;
	struct ts_task_filter filter;
	struct ts_task *tasks = NULL;
	size_t count = 0;
	bool has_more = false;
	char cursor[TS_CURSOR_TEXT_MAX] = "";

	ts_error_clear(&err);
	if (parse_list_query(req->query, &filter, &err) != TS_OK) {
		ts_http_error(resp, 0, &err);
		return;
	}
	filter.tenant = api->tenant;
	if (ts_db_task_list(api->db, &filter, &tasks, &count, &has_more, &err) != TS_OK) {
		ts_http_error(resp, 0, &err);
		return;
	}
	if (has_more && count > 0) {
		struct ts_cursor next = { .run_at = tasks[count - 1].run_at };
		memcpy(next.id, tasks[count - 1].id, sizeof(next.id));
		ts_cursor_encode(&next, cursor);
		/* The cursor is base64url and the status a fixed name: nothing
		 * here needs percent-encoding. */
		snprintf(resp->link, sizeof(resp->link), "<%s?%s%s%slimit=%u&cursor=%s>; rel=\"next\"",
			 req->path, filter.has_status ? "status=" : "",
			 filter.has_status ? ts_task_status_name(filter.status) : "",
			 filter.has_status ? "&" : "", filter.limit, cursor);
	}
	resp->status = 200;
	resp->body = ts_json_task_list(tasks, count, cursor[0] ? cursor : NULL);
	ts_task_array_free(tasks, count);
}

/* Answers 404 for text that is not a task id, without asking the database. */
static bool parse_task_id(const char *param, char id[TS_ID_TEXT_MAX],
			  struct ts_http_response *resp)
{
	struct ts_error err;

	if (ts_id_normalize(param, id))
		return true;
	ts_error_set(&err, TS_ERR_NOT_FOUND, "not_found", NULL, "Task not found: %.64s", param);
	ts_http_error(resp, 404, &err);
	return false;
}

bool ts_tasks_parse_id(const char *param, char id[TS_ID_TEXT_MAX],
		       struct ts_http_response *resp)
{
	return parse_task_id(param, id, resp);
}

/* How a handler comes by the one task it answers with: read it, or
 * redrive it (ts_db_task_get, ts_db_task_retry). */
typedef enum ts_err task_source(struct ts_db *db, const char *tenant, const char *id,
				struct ts_task *task, struct ts_error *err);

/* Answers with the task `param` names as `source` gives it: {"task": ...},
 * or with `message` the shape of a created task. */
static void answer_task(struct ts_api *api, const char *param, task_source *source,
			const char *message, struct ts_http_response *resp)
{
	struct ts_error err;
	struct ts_task task;
	char id[TS_ID_TEXT_MAX];

	if (!parse_task_id(param, id, resp))
		return;
	ts_error_clear(&err);
	ts_task_init(&task);
	ts_tasks_respond(resp, source(api->db, api->tenant, id, &task, &err), &err, &task,
			 message);
	ts_task_cleanup(&task);
}

void ts_tasks_get(struct ts_api *api, const struct ts_http_request *req,
		  const char *param, struct ts_http_response *resp)
{
	answer_task(api, param, ts_db_task_get, NULL, resp);
}

void ts_tasks_delete(struct ts_api *api, const struct ts_http_request *req,
		     const char *param, struct ts_http_response *resp)
{
	struct ts_error err;
	char id[TS_ID_TEXT_MAX];

	if (!parse_task_id(param, id, resp))
		return;
	ts_error_clear(&err);
	if (ts_db_task_delete(api->db, api->tenant, id, &err) != TS_OK) {
		ts_http_error(resp, 0, &err);
		return;
	}
	resp->status = 200;
	resp->body = ts_json_string_member("message", "Task deleted successfully");
}

void ts_tasks_runs(struct ts_api *api, const struct ts_http_request *req,
		   const char *param, struct ts_http_response *resp)
{
	struct ts_error err;
	struct ts_run *runs = NULL;
	size_t count = 0;
	char id[TS_ID_TEXT_MAX];

	if (!parse_task_id(param, id, resp))
		return;
	ts_error_clear(&err);
	if (ts_db_runs_list(api->db, api->tenant, id, &runs, &count, &err) != TS_OK) {
		ts_http_error(resp, 0, &err);
		return;
	}
	resp->status = 200;
	resp->body = ts_json_run_list(runs, count);
	ts_run_array_free(runs, count);
}

void ts_tasks_retry(struct ts_api *api, const struct ts_http_request *req,
		    const char *param, struct ts_http_response *resp)
{
	answer_task(api, param, ts_db_task_retry, "Task scheduled for another attempt", resp);
}
