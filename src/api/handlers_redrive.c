/* handlers_redrive.c -- POST /tasks/retry?status=failed: redrive the
 * caller's failed tasks in bulk, a bounded batch per request. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "json.h"

#define REDRIVE_LIMIT_MAX 1000

/* What the query asks for. */
struct redrive_query {
	ts_time_us before;   /* run_at before this; the calendar's end when absent */
	unsigned limit;
};

static enum ts_err parse_before(const char *query, ts_time_us *before, struct ts_error *err)
{
	char value[64];
	const char *why = NULL;
	int found = ts_http_query_param(query, "before", value, sizeof(value));

	if (found == 0) {
		struct ts_civil end = { 9999, 12, 31, 23, 59, 59, 999999 };
		ts_time_from_civil(&end, before);
		return TS_OK;
	}
	if (found < 0 || ts_time_parse_rfc3339(value, before, &why) != TS_OK)
		return ts_error_set(err, TS_ERR_INVALID, "invalid_parameter", "before",
				    "Invalid query parameter before: must be an RFC 3339 date-time "
				    "with an offset%s%s", why ? ": " : "", why ? why : "");
	return TS_OK;
}

static enum ts_err parse_query(const char *query, struct redrive_query *q, struct ts_error *err)
{
	char value[32];
	int found = ts_http_query_param(query, "status", value, sizeof(value));

	/* Only failed tasks can be redriven; the parameter is required so that
	 * the request says what it does. */
	if (found == 0)
		return ts_error_set(err, TS_ERR_INVALID, "missing_parameter", "status",
				    "Missing query parameter status: send status=failed");
	if (found < 0 || strcmp(value, "failed") != 0)
		return ts_error_set(err, TS_ERR_INVALID, "invalid_parameter", "status",
				    "Invalid query parameter status: only failed tasks are "
				    "redriven (status=failed)");
	if (parse_before(query, &q->before, err) != TS_OK)
		return TS_ERR_INVALID;
	q->limit = REDRIVE_LIMIT_MAX;
	found = ts_http_query_param(query, "limit", value, sizeof(value));
	if (found != 0) {
		char *end;
		long v = found > 0 ? strtol(value, &end, 10) : 0;
		if (found < 0 || value[0] < '0' || value[0] > '9' || *end || v < 1 ||
		    v > REDRIVE_LIMIT_MAX)
			return ts_error_set(err, TS_ERR_INVALID, "invalid_parameter", "limit",
					    "Invalid query parameter limit: must be a whole number "
					    "from 1 to %d", REDRIVE_LIMIT_MAX);
		q->limit = (unsigned)v;
	}
	return TS_OK;
}

void ts_tasks_retry_failed(struct ts_api *api, const struct ts_http_request *req,
			   const char *param, struct ts_http_response *resp)
{
	struct redrive_query q;
	struct ts_error err;
	size_t retried = 0;

	ts_error_clear(&err);
	if (parse_query(req->query, &q, &err) != TS_OK ||
	    ts_db_task_retry_failed(api->db, api->tenant, q.before, q.limit, &retried,
				    &err) != TS_OK) {
		ts_http_error(resp, 0, &err);
		return;
	}
	resp->body = ts_json_count_member("retried", retried);
	if (!resp->body) {
		ts_error_set(&err, TS_ERR_NOMEM, "internal", NULL, "out of memory");
		ts_http_error(resp, 0, &err);
		return;
	}
	resp->status = 200;
}
