/* router.h -- matching a method and path against a table of routes. */
#ifndef TS_ROUTER_H
#define TS_ROUTER_H

#include <stdbool.h>
#include <stddef.h>

#include "http.h"
#include "task.h"

struct ts_api;

/* A handler gets the service context, the request, the path parameter
 * ("{id}", or "" when the pattern has none) and fills the response. */
typedef void ts_route_handler(struct ts_api *api, const struct ts_http_request *req,
			      const char *param, struct ts_http_response *resp);

/* One line of the table: "GET", "/tasks/{id}", handler. A pattern is a
 * path of literal segments and at most one "{name}" segment. */
struct ts_route {
	const char *method;
	const char *pattern;
	ts_route_handler *handler;
	bool open;      /* served without an API key (health checks) */
};

enum ts_route_result {
	TS_ROUTE_FOUND,
	TS_ROUTE_NOT_FOUND,            /* no pattern matches the path */
	TS_ROUTE_METHOD_NOT_ALLOWED,   /* a pattern matches, not the method */
};

#define TS_ROUTE_PARAM_MAX 128

/* Looks up `method` and `path` (one trailing slash is ignored) in `routes`.
 * On TS_ROUTE_FOUND, *route is the match and `param` the text of its
 * "{...}" segment. On TS_ROUTE_METHOD_NOT_ALLOWED, `allow` lists the
 * methods the path has, as for an Allow header ("GET, DELETE"). */
enum ts_route_result ts_router_match(const struct ts_route *routes, size_t count,
				     const char *method, const char *path,
				     const struct ts_route **route,
				     char param[TS_ROUTE_PARAM_MAX], char *allow,
				     size_t allow_size);

#endif
