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
/* Turns one task body (`len` bytes of JSON) into `task` (initialized by
 * the caller, who cleans it up either way): parsed, validated, and a
 * webhook's target checked, as every route that creates tasks does. */
enum ts_err ts_tasks_from_body(struct ts_api *api, const char *body, size_t len,
			       struct ts_task *task, struct ts_error *err);
ts_route_handler ts_tasks_create;
ts_route_handler ts_tasks_list;
ts_route_handler ts_tasks_get;
ts_route_handler ts_tasks_delete;
ts_route_handler ts_tasks_runs;
ts_route_handler ts_tasks_retry;

/* handlers_batch.c */
ts_route_handler ts_tasks_batch;

/* handlers_health.c */
ts_route_handler ts_health_get;

#endif
