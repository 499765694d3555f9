/* test_http.c -- query strings, content types and error responses
 * (src/api/http.h). */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "api.h"
#include "http.h"

/* `name` must be found in `query` with the decoded `want`. */
static void param_is(const char *query, const char *name, const char *want)
{
	char out[256];

	memset(out, 'x', sizeof(out));
	ck_assert_msg(ts_http_query_param(query, name, out, sizeof(out)) == 1,
		      "'%s' not found in '%s'", name, query);
	ck_assert_str_eq(out, want);
}

static void param_absent(const char *query, const char *name)
{
	char out[64];

	ck_assert_msg(ts_http_query_param(query, name, out, sizeof(out)) == 0,
		      "'%s' found in '%s'", name, query);
}

static void param_bad(const char *query, const char *name)
{
	char out[64];

	ck_assert_msg(ts_http_query_param(query, name, out, sizeof(out)) == -1,
		      "'%s' in '%s' not refused", name, query);
}

START_TEST(query_found)
{
	param_is("limit=10", "limit", "10");
	param_is("limit=10&status=failed", "limit", "10");
	param_is("limit=10&status=failed", "status", "failed");
	param_is("a=1&limit=10&b=2", "limit", "10");
	param_is("a=1&&limit=2", "limit", "2");
	param_is("&limit=3&", "limit", "3");
	/* The first of repeated parameters. */
	param_is("limit=1&limit=2", "limit", "1");
	/* Empty values. */
	param_is("limit=", "limit", "");
	param_is("limit", "limit", "");
	param_is("limit&status=x", "limit", "");
	param_is("a=1&limit=&b=2", "limit", "");
	/* '=' inside a value. */
	param_is("cursor=abc=def", "cursor", "abc=def");
}
END_TEST

START_TEST(query_absent)
{
	param_absent("", "limit");
	param_absent("status=failed", "limit");
	param_absent("a=1&b=2", "limit");
	param_absent("&&&", "limit");
	/* A name is never matched by a prefix or suffix of another. */
	param_absent("limitx=1", "limit");
	param_absent("xlimit=1", "limit");
	param_absent("limi=1", "limit");
	param_absent("Limit=1", "limit");
	param_absent("status=limit", "limit");
	param_absent("q=limit%3D5", "limit");
	param_is("limitx=1&limit=5", "limit", "5");
	param_is("xlimit=1&limit=6", "limit", "6");
}
END_TEST

START_TEST(query_decoding)
{
	param_is("q=a%20b", "q", "a b");
	param_is("q=a+b", "q", "a b");
	param_is("q=a%2Bb", "q", "a+b");
	param_is("q=%2F%3f%26%3D%25", "q", "/?&=%");
	param_is("q=%4a%4A", "q", "JJ");
	param_is("q=caf%C3%A9", "q", "caf\xc3\xa9");
	param_is("q=%7e~", "q", "~~");
	param_is("q=++", "q", "  ");
	/* A decoded '&' does not split the parameter. */
	param_is("q=a%26limit%3D9&limit=1", "limit", "1");
	param_is("q=a%26limit%3D9&limit=1", "q", "a&limit=9");
}
END_TEST

START_TEST(query_malformed)
{
	param_bad("q=%zz", "q");
	param_bad("q=%g0", "q");
	param_bad("q=%0g", "q");
	param_bad("q=%", "q");
	param_bad("q=%2", "q");
	param_bad("q=abc%", "q");
	param_bad("q=%2&x=1", "q");
	/* A decoded NUL would cut the value short. */
	param_bad("q=a%00b", "q");
	/* Only the parameter asked for matters. */
	param_is("q=%zz&limit=5", "limit", "5");
}
END_TEST

START_TEST(query_size)
{
	char out[4];

	/* "abc" and its terminator fit in 4 bytes; "abcd" does not. */
	ck_assert_int_eq(ts_http_query_param("q=abc", "q", out, sizeof(out)), 1);
	ck_assert_str_eq(out, "abc");
	ck_assert_int_eq(ts_http_query_param("q=abcd", "q", out, sizeof(out)), -1);
	ck_assert_int_eq(ts_http_query_param("q=%41%42%43", "q", out, sizeof(out)), 1);
	ck_assert_str_eq(out, "ABC");
	ck_assert_int_eq(ts_http_query_param("q=%41%42%43%44", "q", out, sizeof(out)), -1);
	ck_assert_int_eq(ts_http_query_param("q=", "q", out, 1), 1);
	ck_assert_str_eq(out, "");
	ck_assert_int_eq(ts_http_query_param("q=a", "q", out, 1), -1);
}
END_TEST

START_TEST(json_types)
{
	static const char *const ok[] = {
		"application/json",
		"application/json; charset=utf-8",
		"application/json; charset=UTF-8",
		"application/json;charset=utf-8",
		"application/json; charset=\"utf-8\"",
		"application/json ; charset=utf-8",
		"Application/JSON",
		"APPLICATION/JSON; CHARSET=UTF-8",
	};
	static const char *const bad[] = {
		"",
		"text/plain",
		"text/plain; charset=utf-8",
		"text/json",
		"application/x-www-form-urlencoded",
		"multipart/form-data; boundary=x",
		"application/jsonp",
		"application/json-patch+json",
		"application/javascript",
		"application/json; charset=latin1",
		"application/json; charset=iso-8859-1",
		"application/json; charset=utf-16",
		"application/json; charset=\"latin1\"",
		"application/json; charset=",
		"application/json, text/plain",
		"application",
		"json",
	};

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		ck_assert_msg(ts_http_is_json_type(ok[i]), "refused: %s", ok[i]);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(!ts_http_is_json_type(bad[i]), "accepted: %s", bad[i]);
	ck_assert(!ts_http_is_json_type(NULL));
}
END_TEST

/* A PATCH body: a merge patch (RFC 7396) or plain JSON, never a JSON Patch. */
START_TEST(merge_patch_types)
{
	static const char *const ok[] = {
		"application/merge-patch+json",
		"application/merge-patch+json; charset=utf-8",
		"Application/Merge-Patch+JSON",
		"application/json",
		"application/json; charset=UTF-8",
	};
	static const char *const bad[] = {
		"", "application/json-patch+json", "application/merge-patch",
		"application/merge-patch+json; charset=latin1", "application/merge-patch+jsonx",
		"text/plain",
	};

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		ck_assert_msg(ts_http_is_merge_patch_type(ok[i]), "refused: %s", ok[i]);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(!ts_http_is_merge_patch_type(bad[i]), "accepted: %s", bad[i]);
	ck_assert(!ts_http_is_merge_patch_type(NULL));
	ck_assert(!ts_http_is_json_type("application/merge-patch+json"));
}
END_TEST

/* ---- error responses -------------------------------------------------- */

static cJSON *error_response(int http_status, enum ts_err status, const char *code,
			     const char *field, const char *message,
			     struct ts_http_response *resp)
{
	struct ts_error err;
	cJSON *body;

	ts_error_clear(&err);
	ts_error_set(&err, status, code, field, "%s", message);
	ts_http_response_init(resp);
	ts_http_error(resp, http_status, &err);
	ck_assert_ptr_nonnull(resp->body);
	body = cJSON_Parse(resp->body);
	ck_assert_msg(cJSON_IsObject(body), "error body is not JSON: %s", resp->body);
	return body;
}

static const char *member(const cJSON *obj, const char *name)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, name);

	return cJSON_IsString(item) ? item->valuestring : NULL;
}

START_TEST(error_statuses)
{
	static const struct {
		enum ts_err status;
		int http;
	} map[] = {
		{ TS_ERR_INVALID, 400 }, { TS_ERR_NOT_FOUND, 404 }, { TS_ERR_CONFLICT, 409 },
		{ TS_ERR_TOO_LARGE, 413 }, { TS_ERR_PRECONDITION, 412 },
	};
	struct ts_http_response resp;
	cJSON *body;

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		body = error_response(0, map[i].status, "some_code", "run_at", "Bad run_at", &resp);
		ck_assert_int_eq(resp.status, map[i].http);
		ck_assert_str_eq(member(body, "error"), "Bad run_at");
		ck_assert_str_eq(member(body, "code"), "some_code");
		ck_assert_str_eq(member(body, "field"), "run_at");
		cJSON_Delete(body);
		ts_http_response_cleanup(&resp);
	}
	/* An explicit status wins. */
	body = error_response(405, TS_ERR_INVALID, "method_not_allowed", NULL, "No", &resp);
	ck_assert_int_eq(resp.status, 405);
	ck_assert_str_eq(member(body, "code"), "method_not_allowed");
	ck_assert_ptr_null(cJSON_GetObjectItemCaseSensitive(body, "field"));
	cJSON_Delete(body);
	ts_http_response_cleanup(&resp);
}
END_TEST

START_TEST(error_internal_hidden)
{
	static const enum ts_err internal[] = { TS_ERR_DB, TS_ERR_INTERNAL, TS_ERR_IO, TS_ERR_NOMEM };
	struct ts_http_response resp;
	cJSON *body;

	for (size_t i = 0; i < sizeof(internal) / sizeof(internal[0]); i++) {
		body = error_response(0, internal[i], "db", "secret_field",
				      "Table 'tasksched.tasks' doesn't exist (db-internal.example)",
				      &resp);
		ck_assert_int_eq(resp.status, 500);
		ck_assert_ptr_null(strstr(resp.body, "db-internal"));
		ck_assert_ptr_null(strstr(resp.body, "tasksched.tasks"));
		ck_assert_ptr_null(strstr(resp.body, "secret_field"));
		ck_assert_ptr_nonnull(member(body, "error"));
		ck_assert_ptr_nonnull(member(body, "code"));
		cJSON_Delete(body);
		ts_http_response_cleanup(&resp);
	}
}
END_TEST

START_TEST(error_unavailable)
{
	struct ts_http_response resp;
	cJSON *body = error_response(0, TS_ERR_UNAVAILABLE, "db", NULL,
				     "Can't connect to server on 10.0.0.5", &resp);

	ck_assert_int_eq(resp.status, 503);
	ck_assert_uint_gt(resp.retry_after, 0);
	ck_assert_ptr_null(strstr(resp.body, "10.0.0.5"));
	ck_assert_ptr_nonnull(member(body, "code"));
	cJSON_Delete(body);
	ts_http_response_cleanup(&resp);
	ck_assert_ptr_null(resp.body);
}
END_TEST

/* ---- responses whose body could not be built --------------------------- */

/* cJSON's allocator, failing while `json_oom` is set: how memory running
 * out inside the JSON writer looks to the API. */
static bool json_oom;

static void *failing_malloc(size_t n)
{
	return json_oom ? NULL : malloc(n);
}

static void json_memory(bool fails)
{
	static cJSON_Hooks hooks = { failing_malloc, free };

	json_oom = fails;
	cJSON_InitHooks(fails ? &hooks : NULL);
}

/* Runs `fn(arg)` with stderr going to a file; returns what was written
 * (caller frees). Check runs each test in its own process, so the swap
 * stays inside this test. */
static char *capture_stderr(void (*fn)(void *), void *arg)
{
	FILE *tmp = tmpfile();
	int saved = dup(STDERR_FILENO);
	char *text = calloc(1, 4096);

	ck_assert_ptr_nonnull(tmp);
	ck_assert_int_ge(saved, 0);
	ck_assert_ptr_nonnull(text);
	fflush(stderr);
	ck_assert_int_ge(dup2(fileno(tmp), STDERR_FILENO), 0);
	fn(arg);
	fflush(stderr);
	ck_assert_int_ge(dup2(saved, STDERR_FILENO), 0);
	close(saved);
	rewind(tmp);
	size_t n = fread(text, 1, 4095, tmp);
	text[n] = '\0';
	fclose(tmp);
	return text;
}

/* The response must be a 500 with the fixed JSON error and nothing else. */
static void expect_internal_error(const struct ts_http_response *resp)
{
	cJSON *body;

	ck_assert_int_eq(resp->status, 500);
	ck_assert_ptr_nonnull(resp->body);
	body = cJSON_Parse(resp->body);
	ck_assert_msg(cJSON_IsObject(body), "not JSON: %s", resp->body);
	ck_assert_str_eq(member(body, "code"), "internal_error");
	ck_assert_ptr_nonnull(member(body, "error"));
	ck_assert_str_eq(resp->location, "");
	ck_assert(!resp->replayed);
	cJSON_Delete(body);
}

static void finish(void *resp)
{
	ts_http_response_finish(resp);
}

START_TEST(finish_without_body)
{
	struct ts_http_response resp;
	char *log;

	/* A 201 whose body the handler could not build. */
	ts_http_response_init(&resp);
	resp.status = 201;
	resp.replayed = true;
	strcpy(resp.location, "/tasks/0190a6f2-1234-7abc-8def-0123456789ab");
	log = capture_stderr(finish, &resp);
	expect_internal_error(&resp);
	ck_assert_msg(strncmp(log, "<3>", 3) == 0 && strstr(log, "out of memory") &&
		      strstr(log, "201"), "log: %s", log);
	free(log);
	ts_http_response_cleanup(&resp);

	/* HEAD stays without a body on the wire. */
	ts_http_response_init(&resp);
	resp.omit_body = true;
	free(capture_stderr(finish, &resp));
	expect_internal_error(&resp);
	ck_assert(resp.omit_body);
	ts_http_response_cleanup(&resp);
}
END_TEST

START_TEST(finish_keeps_built_body)
{
	struct ts_http_response resp;
	char *log;

	ts_http_response_init(&resp);
	resp.status = 201;
	resp.body = strdup("{\"task_id\":\"x\"}");
	strcpy(resp.location, "/tasks/x");
	log = capture_stderr(finish, &resp);
	ck_assert_int_eq(resp.status, 201);
	ck_assert_str_eq(resp.body, "{\"task_id\":\"x\"}");
	ck_assert_str_eq(resp.location, "/tasks/x");
	ck_assert_str_eq(log, "");
	free(log);
	ts_http_response_cleanup(&resp);
}
END_TEST

struct exchange {
	struct ts_api *api;
	struct ts_http_request *req;
	struct ts_http_response *resp;
};

static void handle(void *arg)
{
	struct exchange *x = arg;

	json_memory(true);
	ts_api_handle(x->api, x->req, x->resp);
	json_memory(false);
}

/* Through the API's entry point, with cJSON's allocations failing: the
 * 404 of an unknown route cannot be written, and a 500 goes out instead
 * of a 404 with nothing in it. No route that needs the database is
 * reached, so none is needed here. */
START_TEST(api_handle_json_out_of_memory)
{
	struct ts_api api;
	struct ts_http_request req;
	struct ts_http_response resp;
	struct exchange x = { &api, &req, &resp };
	char *log;

	memset(&api, 0, sizeof(api));
	memset(&req, 0, sizeof(req));
	strcpy(req.method, "GET");
	strcpy(req.path, "/no-such-route");
	req.query = "";
	ts_http_response_init(&resp);
	log = capture_stderr(handle, &x);
	expect_internal_error(&resp);
	ck_assert_msg(strstr(log, "out of memory"), "log: %s", log);
	free(log);
	ts_http_response_cleanup(&resp);

	/* With memory, the same request is an ordinary 404. */
	ts_http_response_init(&resp);
	ts_api_handle(&api, &req, &resp);
	ck_assert_int_eq(resp.status, 404);
	ck_assert_ptr_nonnull(strstr(resp.body, "not_found"));
	ts_http_response_cleanup(&resp);
}
END_TEST

START_TEST(reasons)
{
	ck_assert_str_eq(ts_http_reason(200), "OK");
	ck_assert_str_eq(ts_http_reason(201), "Created");
	ck_assert_str_eq(ts_http_reason(400), "Bad Request");
	ck_assert_str_eq(ts_http_reason(404), "Not Found");
	ck_assert_str_eq(ts_http_reason(405), "Method Not Allowed");
	ck_assert_str_eq(ts_http_reason(409), "Conflict");
	ck_assert_str_eq(ts_http_reason(412), "Precondition Failed");
	ck_assert_str_eq(ts_http_reason(415), "Unsupported Media Type");
	ck_assert_str_eq(ts_http_reason(503), "Service Unavailable");
}
END_TEST

static Suite *http_suite(void)
{
	Suite *s = suite_create("http");
	TCase *tc;

	tc = tcase_create("query");
	tcase_add_test(tc, query_found);
	tcase_add_test(tc, query_absent);
	tcase_add_test(tc, query_decoding);
	tcase_add_test(tc, query_malformed);
	tcase_add_test(tc, query_size);
	suite_add_tcase(s, tc);

	tc = tcase_create("content_type");
	tcase_add_test(tc, json_types);
	tcase_add_test(tc, merge_patch_types);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_add_test(tc, error_statuses);
	tcase_add_test(tc, error_internal_hidden);
	tcase_add_test(tc, error_unavailable);
	tcase_add_test(tc, reasons);
	suite_add_tcase(s, tc);

	tc = tcase_create("unbuilt_body");
	tcase_add_test(tc, finish_without_body);
	tcase_add_test(tc, finish_keeps_built_body);
	tcase_add_test(tc, api_handle_json_out_of_memory);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(http_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
