/* routes.c -- the table of every route tasksched-api serves, and the entry
 * point that answers a request by it. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "api.h"
#include "auth.h"

static const struct ts_route routes[] = {
	{ "POST", "/tasks", ts_tasks_create, false },
	{ "POST", "/tasks/batch", ts_tasks_batch, false },
	{ "GET", "/tasks", ts_tasks_list, false },
	{ "GET", "/tasks/{id}", ts_tasks_get, false },
	{ "DELETE", "/tasks/{id}", ts_tasks_delete, false },
	{ "PATCH", "/tasks/{id}", ts_tasks_patch, false },
	{ "GET", "/tasks/{id}/runs", ts_tasks_runs, false },
	{ "POST", "/tasks/{id}/retry", ts_tasks_retry, false },
	{ "POST", "/tasks/retry", ts_tasks_retry_failed, false },
	{ "GET", "/schedules/preview", ts_schedules_preview, false },
	{ "POST", "/tasks/{id}/pause", ts_tasks_pause, false },
	{ "POST", "/tasks/{id}/resume", ts_tasks_resume, false },
	{ "GET", "/healthz", ts_health_get, true },
	/* Open to addresses in metrics_allow only, which the handler checks. */
	{ "GET", "/metrics", ts_metrics_get, true },
	{ "GET", "/openapi.json", ts_openapi_get, true },
};

const struct ts_route *ts_api_routes(size_t *count)
{
	*count = sizeof(routes) / sizeof(routes[0]);
	return routes;
}

unsigned long ts_api_body_limit(const struct ts_api *api, const struct ts_http_request *req)
{
	const struct ts_route *route;
	char param[TS_ROUTE_PARAM_MAX];

	if (ts_router_match(routes, sizeof(routes) / sizeof(routes[0]), req->method, req->path,
			    &route, param, NULL, 0) == TS_ROUTE_FOUND &&
	    route->handler == ts_tasks_batch)
		return api->conf->max_batch_body_bytes;
	return api->conf->max_body_bytes;
}

/* Routes `req` and runs its handler, or fills the 404/405. */
static void dispatch(struct ts_api *api, const struct ts_http_request *req,
		     struct ts_http_response *resp)
{
	const struct ts_route *route;
	char param[TS_ROUTE_PARAM_MAX];
	struct ts_error err;

	ts_error_clear(&err);
	if (req->path_too_long) {
		ts_error_set(&err, TS_ERR_NOT_FOUND, "not_found", NULL, "No such route");
		ts_http_error(resp, 404, &err);
		return;
	}
	/* HEAD is GET without the body (RFC 9110), for monitors and probes. */
	bool head = strcmp(req->method, "HEAD") == 0;
	resp->omit_body = head;
	switch (ts_router_match(routes, sizeof(routes) / sizeof(routes[0]),
				head ? "GET" : req->method, req->path, &route, param,
				resp->allow, sizeof(resp->allow))) {
	case TS_ROUTE_FOUND:
		api->tenant[0] = '\0';
		if (!route->open && !ts_auth_tenant(api, req, api->tenant, resp))
			return;
		route->handler(api, req, param, resp);
		return;
	case TS_ROUTE_METHOD_NOT_ALLOWED:
		ts_error_set(&err, TS_ERR_INVALID, "method_not_allowed", NULL,
			     "Method %s is not allowed on %.200s (allowed: %s)",
			     req->method, req->path, resp->allow);
		ts_http_error(resp, 405, &err);
		return;
	case TS_ROUTE_NOT_FOUND:
		ts_error_set(&err, TS_ERR_NOT_FOUND, "not_found", NULL,
			     "No such route: %.200s", req->path);
		ts_http_error(resp, 404, &err);
		return;
	}
}

void ts_api_handle(struct ts_api *api, const struct ts_http_request *req,
		   struct ts_http_response *resp)
{
	dispatch(api, req, resp);
	/* One place for every handler: no 2xx goes out without its body. */
	ts_http_response_finish(resp);
}
