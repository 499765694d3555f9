/* handlers_changes.c -- changing a task: PATCH /tasks/{id} (a JSON merge
 * patch, validated as a POST), POST /tasks/{id}/pause and /resume, and the
 * ETag every task response carries (If-Match guards each change). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "etag.h"
#include "json.h"
#include "json_patch.h"
#include "task_change.h"

_Static_assert(TS_ETAG_MAX <= TS_HTTP_ETAG_MAX, "an ETag fits the response header");

struct change_call;

/* How one kind of change alters the locked task (see ts_db_change_fn). */
typedef enum ts_err change_apply(const struct change_call *c, struct ts_task *task,
				 bool *changed, struct ts_error *err);

/* One change request, for ts_db_task_change(). */
struct change_call {
	struct ts_api *api;
	const struct ts_http_request *req;
	change_apply *apply;
};

void ts_tasks_set_task(struct ts_http_response *resp, const struct ts_task *task,
		       const char *message)
{
	/* The task's text is written once: it is the body (or its last
	 * member) and what the tag is the digest of. */
	char *one = ts_json_task_one(task);

	resp->etag[0] = '\0';
	if (one)
		ts_etag_task_text(one, resp->etag);
	if (message) {
		resp->body = one ? ts_json_task_created(one, task->id, message) : NULL;
		free(one);
	} else {
		resp->body = one;
	}
	/* Without a body, the answer becomes a 500 with no tag. */
	if (!resp->body)
		resp->etag[0] = '\0';
}

void ts_tasks_respond(struct ts_http_response *resp, enum ts_err rc,
		      const struct ts_error *err, const struct ts_task *task,
		      const char *message)
{
	if (rc) {
		ts_http_error(resp, 0, err);
		return;
	}
	resp->status = 200;
	ts_tasks_set_task(resp, task, message);
}

/* 412 unless the request's If-Match (when it has one) matches `task`. */
static enum ts_err check_if_match(const struct ts_task *task, const char *if_match,
				  struct ts_error *err)
{
	char etag[TS_ETAG_MAX];
	enum ts_err rc;

	if (!if_match)
		return TS_OK;
	rc = ts_etag_task(task, etag, err);
	if (rc || ts_etag_if_match(if_match, etag))
		return rc;
	return ts_error_set(err, TS_ERR_PRECONDITION, "precondition_failed", "If-Match",
			    "Task %s has changed since the ETag in If-Match was read "
			    "(its ETag is now %s)", task->id, etag);
}

/* The merge patch in the request body, merged into the task's fields and
 * validated as the body of a POST would be. */
static enum ts_err apply_patch(const struct change_call *c, struct ts_task *task,
			       bool *changed, struct ts_error *err)
{
	struct ts_task_patch patch = { 0 };
	struct ts_task next;
	char before[TS_ETAG_MAX], after[TS_ETAG_MAX];
	enum ts_err rc = ts_task_change_check_patch(task, err);

	ts_task_init(&next);
	if (rc == TS_OK)
		rc = ts_json_patch_task(task, c->req->body, c->req->body_len, &patch, err);
	if (rc == TS_OK)
		rc = ts_tasks_validate_body(c->api, patch.body, patch.body_len, &next, err);
	if (rc == TS_OK)
		rc = ts_etag_task(task, before, err);
	if (rc == TS_OK) {
		struct ts_task_change_keep keep = {
			.max_attempts = !patch.sets_max_attempts,
			.payload = patch.keeps_payload,
		};
		ts_task_change_adopt(&next, task, &keep);
		rc = ts_etag_task(&next, after, err);
	}
	if (rc == TS_OK) {
		/* Nothing a client can see changed: nothing is written, and the
		 * ETag stays. */
		*changed = strcmp(before, after) != 0;
		ts_task_cleanup(task);
		*task = next;
		ts_task_init(&next);
	}
	ts_task_cleanup(&next);
	ts_task_patch_cleanup(&patch);
	return rc;
}

static enum ts_err apply_pause(const struct change_call *c, struct ts_task *task,
			       bool *changed, struct ts_error *err)
{
	(void)c;
	return ts_task_change_pause(task, changed, err);
}

static enum ts_err apply_resume(const struct change_call *c, struct ts_task *task,
				bool *changed, struct ts_error *err)
{
	(void)c;
	return ts_task_change_resume(task, ts_time_now(), changed, err);
}

/* The ts_db_change_fn of every change: the precondition, then the change. */
static enum ts_err change_task(struct ts_task *task, bool *changed, void *ctx,
			       struct ts_error *err)
{
	const struct change_call *c = ctx;
	enum ts_err rc = check_if_match(task, c->req->if_match, err);

	*changed = false;
	if (rc)
		return rc;
	return c->apply(c, task, changed, err);
}

/* Runs the change `apply` on the task named by `param` and answers 200
 * {"task": {...}} with its ETag, or the error. */
static void run_change(struct ts_api *api, const struct ts_http_request *req,
		       const char *param, change_apply *apply, struct ts_http_response *resp)
{
	struct change_call c = { .api = api, .req = req, .apply = apply };
	struct ts_error err;
	struct ts_task task;
	char id[TS_ID_TEXT_MAX];

	if (!ts_tasks_parse_id(param, id, resp))
		return;
	ts_error_clear(&err);
	ts_task_init(&task);
	ts_tasks_respond(resp, ts_db_task_change(api->db, api->tenant, id, change_task, &c,
						 &task, &err), &err, &task, NULL);
	ts_task_cleanup(&task);
}

void ts_tasks_patch(struct ts_api *api, const struct ts_http_request *req,
		    const char *param, struct ts_http_response *resp)
{
	struct ts_error err;

	ts_error_clear(&err);
	if (req->body_too_large) {
		ts_error_set(&err, TS_ERR_TOO_LARGE, "body_too_large", NULL,
			     "Request body is larger than %lu bytes", api->conf->max_body_bytes);
		ts_http_error(resp, 0, &err);
		return;
	}
	if (!ts_http_is_merge_patch_type(req->content_type)) {
		ts_error_set(&err, TS_ERR_INVALID, "unsupported_media_type", NULL,
			     "Content-Type must be application/merge-patch+json or "
			     "application/json");
		ts_http_error(resp, 415, &err);
		return;
	}
	if (!req->body || req->body_len == 0) {
		ts_error_set(&err, TS_ERR_INVALID, "invalid_json", NULL,
			     "Request body is empty; send a JSON merge patch (an object)");
		ts_http_error(resp, 0, &err);
		return;
	}
	run_change(api, req, param, apply_patch, resp);
}

void ts_tasks_pause(struct ts_api *api, const struct ts_http_request *req,
		    const char *param, struct ts_http_response *resp)
{
	run_change(api, req, param, apply_pause, resp);
}

void ts_tasks_resume(struct ts_api *api, const struct ts_http_request *req,
		     const char *param, struct ts_http_response *resp)
{
	run_change(api, req, param, apply_resume, resp);
}
