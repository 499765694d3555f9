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
	char tenant[TS_TENANT_MAX];  /* of the request being served */
};

/* Answers one request: routes it and runs the handler, or fills a 404/405.
 * A response whose JSON body could not be built leaves as a 500 with a
 * fixed JSON error (ts_http_response_finish), never as an empty 2xx. */
void ts_api_handle(struct ts_api *api, const struct ts_http_request *req,
		   struct ts_http_response *resp);

/* handlers_tasks.c */
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

/* handlers_health.c */
ts_route_handler ts_health_get;

#endif
