/* test_router.c -- method and path matching (src/api/router.h), against a
 * table shaped like the one tasksched-api serves. */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "router.h"

/* Distinct handlers, so a test can tell which route matched. */
static void h_create(struct ts_api *a, const struct ts_http_request *q, const char *p,
		     struct ts_http_response *r) { }
static void h_list(struct ts_api *a, const struct ts_http_request *q, const char *p,
		   struct ts_http_response *r) { }
static void h_get(struct ts_api *a, const struct ts_http_request *q, const char *p,
		  struct ts_http_response *r) { }
static void h_delete(struct ts_api *a, const struct ts_http_request *q, const char *p,
		     struct ts_http_response *r) { }
static void h_runs(struct ts_api *a, const struct ts_http_request *q, const char *p,
		   struct ts_http_response *r) { }
static void h_retry(struct ts_api *a, const struct ts_http_request *q, const char *p,
		    struct ts_http_response *r) { }
static void h_health(struct ts_api *a, const struct ts_http_request *q, const char *p,
		     struct ts_http_response *r) { }

static const struct ts_route routes[] = {
	{ "POST", "/tasks", h_create, false },
	{ "GET", "/tasks", h_list, false },
	{ "GET", "/tasks/{id}", h_get, false },
	{ "DELETE", "/tasks/{id}", h_delete, false },
	{ "GET", "/tasks/{id}/runs", h_runs, false },
	{ "POST", "/tasks/{id}/retry", h_retry, false },
	{ "GET", "/healthz", h_health, true },
};
#define NROUTES (sizeof(routes) / sizeof(routes[0]))

#define UUID "0190a6f2-1234-7abc-8def-0123456789ab"

struct outcome {
	enum ts_route_result result;
	const struct ts_route *route;
	char param[TS_ROUTE_PARAM_MAX];
	char allow[64];
};

static void match(const char *method, const char *path, struct outcome *o)
{
	/* Leftovers that the router must overwrite. */
	memset(o->param, 'p', sizeof(o->param) - 1);
	o->param[sizeof(o->param) - 1] = '\0';
	strcpy(o->allow, "STALE");
	o->route = &routes[0];
	o->result = ts_router_match(routes, NROUTES, method, path, &o->route, o->param,
				    o->allow, sizeof(o->allow));
}

/* `method path` must reach `handler` with `param`. */
static void found(const char *method, const char *path, ts_route_handler *handler,
		  const char *param)
{
	struct outcome o;

	match(method, path, &o);
	ck_assert_msg(o.result == TS_ROUTE_FOUND, "%s %s: result %d", method, path, (int)o.result);
	ck_assert_ptr_nonnull(o.route);
	ck_assert_msg(o.route->handler == handler, "%s %s: wrong route %s %s", method, path,
		      o.route->method, o.route->pattern);
	ck_assert_str_eq(o.route->method, method);
	ck_assert_str_eq(o.param, param);
	ck_assert_msg(o.allow[0] == '\0', "%s %s: Allow set on a match: %s", method, path,
		      o.allow);
}

static void not_found(const char *method, const char *path)
{
	struct outcome o;

	match(method, path, &o);
	ck_assert_msg(o.result == TS_ROUTE_NOT_FOUND, "%s %s: result %d", method, path,
		      (int)o.result);
	ck_assert_ptr_null(o.route);
	ck_assert_msg(o.allow[0] == '\0', "%s %s: Allow set on a 404: %s", method, path, o.allow);
}

static void not_allowed(const char *method, const char *path, const char *allow)
{
	struct outcome o;

	match(method, path, &o);
	ck_assert_msg(o.result == TS_ROUTE_METHOD_NOT_ALLOWED, "%s %s: result %d", method, path,
		      (int)o.result);
	ck_assert_ptr_null(o.route);
	ck_assert_str_eq(o.allow, allow);
}

START_TEST(exact_match)
{
	found("POST", "/tasks", h_create, "");
	found("GET", "/tasks", h_list, "");
	found("GET", "/healthz", h_health, "");
}
END_TEST

START_TEST(param_capture)
{
	found("GET", "/tasks/" UUID, h_get, UUID);
	found("DELETE", "/tasks/" UUID, h_delete, UUID);
	found("GET", "/tasks/" UUID "/runs", h_runs, UUID);
	found("POST", "/tasks/" UUID "/retry", h_retry, UUID);
	/* Any non-empty segment is captured as it is; the handler judges it. */
	found("GET", "/tasks/x", h_get, "x");
	found("GET", "/tasks/not%20a%20uuid", h_get, "not%20a%20uuid");
	found("GET", "/tasks/runs", h_get, "runs");
}
END_TEST

START_TEST(trailing_slash)
{
	found("GET", "/tasks/", h_list, "");
	found("POST", "/tasks/", h_create, "");
	found("GET", "/healthz/", h_health, "");
	found("GET", "/tasks/" UUID "/", h_get, UUID);
	found("DELETE", "/tasks/" UUID "/", h_delete, UUID);
	found("GET", "/tasks/" UUID "/runs/", h_runs, UUID);
	/* Only one. */
	not_found("GET", "/tasks//");
	not_found("GET", "/healthz//");
}
END_TEST

START_TEST(unknown_paths)
{
	not_found("GET", "/");
	not_found("GET", "");
	not_found("GET", "/task");
	not_found("GET", "/tasksx");
	not_found("GET", "/Tasks");
	not_found("GET", "/health");
	not_found("GET", "/healthzz");
	not_found("GET", "tasks");
	not_found("GET", "//tasks");
	not_found("GET", "/api/tasks");
	/* Extra segments. */
	not_found("GET", "/healthz/extra");
	not_found("GET", "/tasks/" UUID "/other");
	not_found("GET", "/tasks/" UUID "/runs/1");
	not_found("POST", "/tasks/" UUID "/retry/now");
	not_found("POST", "/tasks//retry");
	not_found("DELETE", "/tasks/" UUID "/runs/1");
	not_found("GET", "/tasks/a/b/c/d");
}
END_TEST

START_TEST(empty_param)
{
	not_found("GET", "/tasks//runs");
	not_found("DELETE", "/tasks//runs");
	not_found("GET", "/tasks//runs/");
}
END_TEST

START_TEST(param_length)
{
	char path[TS_ROUTE_PARAM_MAX + 32];
	char id[TS_ROUTE_PARAM_MAX + 1];

	/* The longest parameter that fits, with its terminator. */
	memset(id, 'a', TS_ROUTE_PARAM_MAX - 1);
	id[TS_ROUTE_PARAM_MAX - 1] = '\0';
	strcpy(path, "/tasks/");
	strcat(path, id);
	found("GET", path, h_get, id);
	strcat(path, "/runs");
	found("GET", path, h_runs, id);

	/* One more character: no route, never a truncated id. */
	memset(id, 'a', TS_ROUTE_PARAM_MAX);
	id[TS_ROUTE_PARAM_MAX] = '\0';
	strcpy(path, "/tasks/");
	strcat(path, id);
	not_found("GET", path);
	not_found("DELETE", path);
	strcat(path, "/runs");
	not_found("GET", path);
}
END_TEST

START_TEST(wrong_method)
{
	not_allowed("PUT", "/tasks", "POST, GET");
	not_allowed("DELETE", "/tasks", "POST, GET");
	not_allowed("PATCH", "/tasks/", "POST, GET");
	not_allowed("PUT", "/tasks/" UUID, "GET, DELETE");
	not_allowed("POST", "/tasks/" UUID "/", "GET, DELETE");
	not_allowed("DELETE", "/tasks/" UUID "/runs", "GET");
	not_allowed("POST", "/tasks/" UUID "/runs", "GET");
	not_allowed("GET", "/tasks/" UUID "/retry", "POST");
	not_allowed("GET", "/tasks/" UUID "/retry/", "POST");
	not_allowed("POST", "/healthz", "GET");
	/* Methods are case-sensitive (RFC 9110, section 9.1). */
	not_allowed("get", "/healthz", "GET");
}
END_TEST

START_TEST(allow_buffer_small)
{
	const struct ts_route *route = NULL;
	char param[TS_ROUTE_PARAM_MAX];
	char allow[6];

	memset(allow, 'x', sizeof(allow));
	ck_assert_int_eq(ts_router_match(routes, NROUTES, "PUT", "/tasks", &route, param,
					 allow, sizeof(allow)),
			 TS_ROUTE_METHOD_NOT_ALLOWED);
	/* Truncated, still terminated inside the buffer. */
	ck_assert_ptr_nonnull(memchr(allow, '\0', sizeof(allow)));
	ck_assert(strncmp(allow, "POST", 4) == 0);
}
END_TEST

static Suite *router_suite(void)
{
	Suite *s = suite_create("router");
	TCase *tc = tcase_create("match");

	tcase_add_test(tc, exact_match);
	tcase_add_test(tc, param_capture);
	tcase_add_test(tc, trailing_slash);
	tcase_add_test(tc, unknown_paths);
	tcase_add_test(tc, empty_param);
	tcase_add_test(tc, param_length);
	tcase_add_test(tc, wrong_method);
	tcase_add_test(tc, allow_buffer_small);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(router_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
