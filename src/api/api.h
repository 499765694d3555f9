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

/* Answers one request: routes it and runs the handler, or fills a 404/405. */
void ts_api_handle(struct ts_api *api, const struct ts_http_request *req,
		   struct ts_http_response *resp);

/* handlers_tasks.c */
ts_route_handler ts_tasks_create;
ts_route_handler ts_tasks_list;
ts_route_handler ts_tasks_get;
ts_route_handler ts_tasks_delete;
ts_route_handler ts_tasks_runs;
ts_route_handler ts_tasks_retry;

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

/* Sets the ETag header of a response that carries `task`. */
void ts_tasks_set_etag(struct ts_http_response *resp, const struct ts_task *task);

/* Answers 200 {"task": {...}} with its ETag when `rc` is TS_OK, else the
 * error `err`. */
void ts_tasks_respond(struct ts_http_response *resp, enum ts_err rc,
		      const struct ts_error *err, const struct ts_task *task);

/* handlers_health.c */
ts_route_handler ts_health_get;

/* handlers_metrics.c */
ts_route_handler ts_metrics_get;

#endif
