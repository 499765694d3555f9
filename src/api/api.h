/* api.h -- the state a tasksched-api process serves requests with, and
 * the handlers of its routes. */
#ifndef TS_API_H
#define TS_API_H

#include "conf.h"
#include "db/db.h"
#include "http.h"
#include "netguard.h"
#include "router.h"

struct ts_api {
	const struct ts_conf *conf;
	struct ts_db *db;     /* one persistent connection per process */
	struct ts_netguard guard;  /* webhook targets refused at creation */
	struct ts_netguard metrics_allow;  /* clients that may read /metrics */
	char tenant[TS_TENANT_MAX];  /* of the request being served */
};

/* Answers one request: routes it and runs the handler, or fills a 404/405.
 * A response whose JSON body could not be built leaves as a 500 with a
 * fixed JSON error (ts_http_response_finish), never as an empty 2xx. */
void ts_api_handle(struct ts_api *api, const struct ts_http_request *req,
		   struct ts_http_response *resp);

/* The size limit of a request's body: max_batch_body_bytes on the batch
 * route, else max_body_bytes. */
unsigned long ts_api_body_limit(const struct ts_api *api, const struct ts_http_request *req);

/* handlers_tasks.c */

/* Checks what a request that creates tasks must have before its body is
 * read: a body within `limit` (413), JSON (415), a well-formed
 * Idempotency-Key and a body at all (400). Fills the error response and
 * returns false when one is missing. */
bool ts_tasks_check_request(const struct ts_http_request *req, unsigned long limit,
			    struct ts_http_response *resp);
ts_route_handler ts_tasks_create;
ts_route_handler ts_tasks_list;
ts_route_handler ts_tasks_get;
ts_route_handler ts_tasks_delete;
ts_route_handler ts_tasks_runs;
ts_route_handler ts_tasks_retry;

/* handlers_schedules.c */
ts_route_handler ts_schedules_preview;
/* Reads ?dry_run= (true or false; absent is false) into *dry_run. */
enum ts_err ts_schedules_dry_run_param(const char *query, bool *dry_run, struct ts_error *err);
/* Answers a dry run of POST /tasks for the validated `task`: 200 with the
 * task as it would be stored and its first occurrences. */
void ts_schedules_dry_run(struct ts_task *task, struct ts_http_response *resp);

/* Parses, validates and checks the target of a POST /tasks body of `len`
 * bytes into `task` (initialized by the caller; clean it up either way):
 * the one path every task body takes, created or patched. */
enum ts_err ts_tasks_validate_body(struct ts_api *api, const char *body, size_t len,
				   struct ts_task *task, struct ts_error *err);

/* Copies the task id in `param` into `id`; answers 404 for text that is
 * not a task id, without asking the database, and returns false. */
bool ts_tasks_parse_id(const char *param, char id[TS_ID_TEXT_MAX],
		       struct ts_http_response *resp);

/* handlers_changes.c */
ts_route_handler ts_tasks_patch;
ts_route_handler ts_tasks_pause;
ts_route_handler ts_tasks_resume;

/* Sets the body of a response that carries `task`, {"task": {...}} or
 * with `message` (may be NULL) the shape of a created task, and its ETag
 * header. */
void ts_tasks_set_task(struct ts_http_response *resp, const struct ts_task *task,
		       const char *message);

/* Answers 200 with `task` and its ETag when `rc` is TS_OK, else the error
 * `err`: {"task": {...}}, or with `message` (may be NULL) the shape of a
 * created task. */
void ts_tasks_respond(struct ts_http_response *resp, enum ts_err rc,
		      const struct ts_error *err, const struct ts_task *task,
		      const char *message);

/* handlers_batch.c */
ts_route_handler ts_tasks_batch;

/* handlers_health.c */
ts_route_handler ts_health_get;

/* handlers_redrive.c */
ts_route_handler ts_tasks_retry_failed;

/* handlers_metrics.c */
ts_route_handler ts_metrics_get;

/* handlers_openapi.c */
ts_route_handler ts_openapi_get;

/* The route table (routes.c), for tests that compare it with the
 * OpenAPI document: *count entries, static storage. */
const struct ts_route *ts_api_routes(size_t *count);

#endif
