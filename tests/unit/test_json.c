/* test_json.c -- request parsing and response bodies (src/lib/json.h).
 * Responses are read back with cJSON, as a client would read them. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "id.h"
#include "json.h"
#include "task.h"
#include "tstime.h"
#include "validate.h"

/* ---- helpers ---------------------------------------------------------- */

/* Parses a NUL-terminated request body. */
static enum ts_err parse_req(const char *body, struct ts_task_request *req,
			     struct ts_error *err)
{
	ts_error_clear(err);
	return ts_json_parse_task_request(body, strlen(body), req, err);
}

/* `body` must be refused as invalid JSON, leaving `req` empty. */
static void req_invalid_json(const char *body, size_t len)
{
	struct ts_task_request req;
	struct ts_error err;

	ts_error_clear(&err);
	enum ts_err rc = ts_json_parse_task_request(body, len, &req, &err);
	if (rc == TS_OK)
		ts_task_request_cleanup(&req);
	ck_assert_msg(rc == TS_ERR_INVALID, "body accepted: %.80s", body);
	ck_assert_str_eq(err.code, "invalid_json");
	ck_assert_str_eq(err.field, "");
	ck_assert_ptr_null(req.action);
	ck_assert_ptr_null(req.payload_json);
	ck_assert_ptr_null(req.run_at);
	ck_assert_ptr_null(req.recurrence);
}

/* `arrays` nested arrays as the member "x" of an object (after the members
 * in `prefix`): arrays + 1 levels in all. Caller frees. */
static char *nested_body(int arrays, const char *prefix)
{
	size_t cap = strlen(prefix) + 2 * (size_t)arrays + 64;
	char *s = malloc(cap);
	size_t n;

	ck_assert_ptr_nonnull(s);
	n = (size_t)snprintf(s, cap, "{%s\"x\":", prefix);
	for (int i = 0; i < arrays; i++)
		s[n++] = '[';
	for (int i = 0; i < arrays; i++)
		s[n++] = ']';
	s[n++] = '}';
	s[n] = '\0';
	return s;
}

/* Parses response text, which must be a JSON object. */
static cJSON *parse_response(const char *text)
{
	cJSON *root;

	ck_assert_ptr_nonnull(text);
	root = cJSON_Parse(text);
	ck_assert_msg(cJSON_IsObject(root), "response is not a JSON object: %s", text);
	return root;
}

static const char *str_member(const cJSON *obj, const char *name)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, name);

	ck_assert_msg(cJSON_IsString(item), "member %s is not a string", name);
	return item->valuestring;
}

static void null_member(const cJSON *obj, const char *name)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, name);

	ck_assert_msg(item != NULL, "member %s is absent", name);
	ck_assert_msg(cJSON_IsNull(item), "member %s is not null", name);
}

static double num_member(const cJSON *obj, const char *name)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, name);

	ck_assert_msg(cJSON_IsNumber(item), "member %s is not a number", name);
	return item->valuedouble;
}

/* ---- UTF-8 (utf8.c has its own suite, test_utf8) ----------------------- */

START_TEST(body_not_utf8_is_invalid_json)
{
	req_invalid_json("{\"action\":\"caf\xe9\"}", strlen("{\"action\":\"caf\xe9\"}"));
	req_invalid_json("{\"action\":\"\xed\xa0\x80\"}", strlen("{\"action\":\"\xed\xa0\x80\"}"));
	/* A NUL inside the declared length. */
	req_invalid_json("{\"action\":\"message\"}\0", strlen("{\"action\":\"message\"}") + 1);
}
END_TEST

/* ---- structure -------------------------------------------------------- */

START_TEST(depth_limit)
{
	struct ts_task_request req;
	struct ts_error err;
	char *body;

	/* 1 object + 31 arrays = 32 levels: accepted. */
	body = nested_body(TS_JSON_MAX_DEPTH - 1, "");
	ck_assert_int_eq(parse_req(body, &req, &err), TS_OK);
	ts_task_request_cleanup(&req);
	free(body);

	/* 33 levels: refused before parsing. */
	body = nested_body(TS_JSON_MAX_DEPTH, "");
	req_invalid_json(body, strlen(body));
	free(body);

	/* Far deeper input is refused too, without crashing. */
	body = nested_body(100000, "");
	req_invalid_json(body, strlen(body));
	free(body);
}
END_TEST

START_TEST(depth_limit_in_payload)
{
	struct ts_task_request req;
	struct ts_error err;
	char body[512];
	size_t n;

	/* root, payload, data, then arrays: 3 + k levels. */
	for (int total = 31; total <= 34; total++) {
		n = (size_t)snprintf(body, sizeof(body),
				     "{\"action\":\"webhook\",\"payload\":{\"url\":\"http://x\",\"data\":{\"a\":");
		for (int i = 0; i < total - 3; i++)
			body[n++] = '[';
		for (int i = 0; i < total - 3; i++)
			body[n++] = ']';
		n += (size_t)snprintf(body + n, sizeof(body) - n, "}}}");
		if (total <= TS_JSON_MAX_DEPTH) {
			ck_assert_msg(parse_req(body, &req, &err) == TS_OK,
				      "%d levels refused: %s", total, err.message);
			ck_assert_ptr_nonnull(req.payload_json);
			ts_task_request_cleanup(&req);
		} else {
			req_invalid_json(body, n);
		}
	}
}
END_TEST

START_TEST(depth_brackets_in_strings)
{
	struct ts_task_request req;
	struct ts_error err;
	char body[512];
	char brackets[101];

	memset(brackets, '[', 50);
	memset(brackets + 50, '{', 50);
	brackets[100] = '\0';
	snprintf(body, sizeof(body), "{\"action\":\"%s\",\"run_at\":\"\\\"%s\"}",
		 brackets, brackets);
	ck_assert_int_eq(parse_req(body, &req, &err), TS_OK);
	ck_assert_str_eq(req.action, brackets);
	ck_assert_int_eq(req.run_at[0], '"');
	ck_assert_str_eq(req.run_at + 1, brackets);
	ts_task_request_cleanup(&req);

	/* An escaped backslash ends before the quote: the brackets after the
	 * string count again. */
	char *deep = nested_body(TS_JSON_MAX_DEPTH, "\"s\":\"\\\\\",");
	req_invalid_json(deep, strlen(deep));
	free(deep);
}
END_TEST

START_TEST(root_must_be_object)
{
	static const char *const bodies[] = {
		"[]", "[{\"action\":\"message\"}]", "\"text\"", "42", "null", "true", "false",
	};

	for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++)
		req_invalid_json(bodies[i], strlen(bodies[i]));
}
END_TEST

START_TEST(malformed_json)
{
	static const char *const bodies[] = {
		"", " ", "{", "}", "{\"action\":}", "{\"action\":\"message\",}",
		"{'action':'message'}", "{action:\"message\"}", "{\"action\":\"message\"",
		"{\"action\":\"mess", "{\"a\":NaN}", "{\"a\":1e}", "{\"a\":tru}",
	};

	for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++)
		req_invalid_json(bodies[i], strlen(bodies[i]));
}
END_TEST

START_TEST(trailing_garbage)
{
	/* RFC 8259: a JSON text is one value, optionally surrounded by white
	 * space. Anything after it makes the body malformed. */
	static const char *const bodies[] = {
		"{\"action\":\"message\"} x", "{}{}", "{\"action\":\"message\"}}", "{} []",
	};

	for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++)
		req_invalid_json(bodies[i], strlen(bodies[i]));
}
END_TEST

START_TEST(whitespace_around_root)
{
	struct ts_task_request req;
	struct ts_error err;

	ck_assert_int_eq(parse_req(" \r\n\t{\"action\":\"message\"} \n", &req, &err), TS_OK);
	ck_assert_str_eq(req.action, "message");
	ts_task_request_cleanup(&req);
}
END_TEST

START_TEST(big_integers_kept)
{
	/* Integers past 2^53 (snowflake ids) survive the way in and the way
	 * out: the payload is stored, returned and sent as written. */
	const char *body = "{\"action\":\"webhook\",\"payload\":{\"url\":\"http://a/\","
			   "\"data\":{\"id\":12345678901234567890,\"n\":9007199254740993}},"
			   "\"run_at\":\"2026-03-01T09:00:00Z\"}";
	struct ts_task_request req;
	struct ts_webhook_spec spec;
	struct ts_error err;
	struct ts_task task;

	ck_assert_int_eq(parse_req(body, &req, &err), TS_OK);
	ck_assert_ptr_nonnull(strstr(req.payload_json, "12345678901234567890"));
	ck_assert_int_eq(ts_json_parse_webhook(req.payload_json, &spec, &err), TS_OK);
	ck_assert_str_eq(spec.data_json, "{\"id\":12345678901234567890,\"n\":9007199254740993}");
	ts_webhook_spec_cleanup(&spec);

	ts_task_init(&task);
	snprintf(task.id, sizeof(task.id), "01a2244f-4bda-7128-ac4e-a40d466c5de2");
	task.payload_json = strdup(req.payload_json);
	char *out = ts_json_task_one(&task);
	ck_assert_ptr_nonnull(out);
	ck_assert_ptr_nonnull(strstr(out, "9007199254740993"));
	free(out);
	ts_task_cleanup(&task);
	ts_task_request_cleanup(&req);
}
END_TEST

START_TEST(payload_read_from_the_request_tree)
{
	/* POST parses a body once: the spec read from the request's own tree
	 * is the one the text gives, member for member, and a request without
	 * a tree is refused like a payload that is not an object. */
	const char *body = "{\"action\":\"webhook\",\"payload\":{\"url\":\"http://a/h\","
			   "\"method\":\"PUT\",\"headers\":{\"X-A\":\"1\",\"X-B\":\"2\"},"
			   "\"data\":{\"n\":1,\"s\":\"x\"},\"timeout_ms\":2500},"
			   "\"run_at\":\"2026-03-01T09:00:00Z\"}";
	struct ts_task_request req;
	struct ts_webhook_spec from_tree, from_text;
	struct ts_error err;

	ck_assert_int_eq(parse_req(body, &req, &err), TS_OK);
	ck_assert_ptr_nonnull(req.payload_tree);
	ck_assert_int_eq(ts_json_read_webhook(req.payload_tree, req.payload_json, &from_tree,
					      &err), TS_OK);
	ck_assert_int_eq(ts_json_parse_webhook(req.payload_json, &from_text, &err), TS_OK);
	ck_assert_str_eq(from_tree.url, from_text.url);
	ck_assert_str_eq(from_tree.method, "PUT");
	ck_assert_uint_eq(from_tree.header_count, 2);
	ck_assert_uint_eq(from_text.header_count, 2);
	for (size_t i = 0; i < 2; i++) {
		ck_assert_str_eq(from_tree.headers[i].name, from_text.headers[i].name);
		ck_assert_str_eq(from_tree.headers[i].value, from_text.headers[i].value);
	}
	ck_assert_str_eq(from_tree.data_json, "{\"n\":1,\"s\":\"x\"}");
	ck_assert_str_eq(from_tree.data_json, from_text.data_json);
	ck_assert_uint_eq(from_tree.query_count, from_text.query_count);
	ck_assert(from_tree.has_timeout && from_tree.timeout_ms == 2500);
	ts_webhook_spec_cleanup(&from_tree);
	ts_webhook_spec_cleanup(&from_text);

	ts_error_clear(&err);
	ck_assert_int_eq(ts_json_read_webhook(NULL, "", &from_tree, &err), TS_ERR_INVALID);
	ck_assert_str_eq(err.field, "payload");
	ts_task_request_cleanup(&req);
}
END_TEST

START_TEST(request_fields)
{
	struct ts_task_request req;
	struct ts_error err;

	ck_assert_int_eq(parse_req("{\"action\":\"webhook\",\"unknown\":[1,{}],"
				   "\"payload\":{ \"url\" : \"http://a/\" , \"data\": {\"k\": [1, 2]} },"
				   "\"run_at\":\"2026-03-01T09:00:00Z\",\"recurrence\":\"daily\","
				   "\"max_attempts\":5}", &req, &err), TS_OK);
	ck_assert_str_eq(req.action, "webhook");
	/* The payload is kept as the client wrote it. */
	ck_assert_str_eq(req.payload_json, "{ \"url\" : \"http://a/\" , \"data\": {\"k\": [1, 2]} }");
	ck_assert_str_eq(req.run_at, "2026-03-01T09:00:00Z");
	ck_assert(req.has_recurrence);
	ck_assert_str_eq(req.recurrence, "daily");
	ck_assert(req.has_max_attempts);
	ck_assert(req.max_attempts == 5.0);
	ts_task_request_cleanup(&req);

	/* Absent fields are NULL / false; null recurrence is "present". */
	ck_assert_int_eq(parse_req("{\"recurrence\":null}", &req, &err), TS_OK);
	ck_assert_ptr_null(req.action);
	ck_assert_ptr_null(req.payload_json);
	ck_assert_ptr_null(req.run_at);
	ck_assert(req.has_recurrence);
	ck_assert_ptr_null(req.recurrence);
	ck_assert(!req.has_max_attempts);
	ts_task_request_cleanup(&req);

	ck_assert_int_eq(parse_req("{}", &req, &err), TS_OK);
	ck_assert(!req.has_recurrence);
	ts_task_request_cleanup(&req);

	/* Escapes decode to UTF-8. */
	ck_assert_int_eq(parse_req("{\"action\":\"caf\\u00e9 \\ud83d\\ude00\"}", &req, &err), TS_OK);
	ck_assert_str_eq(req.action, "caf\xc3\xa9 \xf0\x9f\x98\x80");
	ts_task_request_cleanup(&req);
}
END_TEST

START_TEST(request_wrong_types)
{
	static const struct {
		const char *body;
		const char *field;
	} cases[] = {
		{ "{\"action\":1}", "action" },
		{ "{\"action\":[\"webhook\"]}", "action" },
		{ "{\"payload\":\"{}\"}", "payload" },
		{ "{\"payload\":[]}", "payload" },
		{ "{\"payload\":null}", "payload" },
		{ "{\"run_at\":1772355600}", "run_at" },
		{ "{\"recurrence\":1}", "recurrence" },
		{ "{\"recurrence\":true}", "recurrence" },
		{ "{\"max_attempts\":\"3\"}", "max_attempts" },
		{ "{\"max_attempts\":null}", "max_attempts" },
	};
	struct ts_task_request req;
	struct ts_error err;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ck_assert_msg(parse_req(cases[i].body, &req, &err) == TS_ERR_INVALID,
			      "accepted: %s", cases[i].body);
		ck_assert_str_eq(err.code, "invalid_field");
		ck_assert_str_eq(err.field, cases[i].field);
		ck_assert_ptr_null(req.action);
		ck_assert_ptr_null(req.payload_json);
	}
}
END_TEST

/* ---- responses -------------------------------------------------------- */

/* A task as the API would hold it after POST /tasks. */
static void make_task(const char *body, struct ts_task *task)
{
	struct ts_task_request req;
	struct ts_error err;

	ck_assert_int_eq(parse_req(body, &req, &err), TS_OK);
	ts_task_init(task);
	ck_assert_msg(ts_validate_task_request(&req, task, NULL, &err) == TS_OK,
		      "invalid: %s", err.message);
	ts_task_request_cleanup(&req);
	ts_id_new(task->id);
	task->status = TS_STATUS_SCHEDULED;
	ck_assert_int_eq(ts_time_parse_rfc3339("2026-02-01T10:00:00.5Z", &task->created_at, NULL),
			 TS_OK);
	task->updated_at = task->created_at + 1;
}

/* The `payload` member of `body` (a request) as cJSON. */
static cJSON *request_payload(const char *body)
{
	cJSON *root = cJSON_Parse(body);
	cJSON *payload;

	ck_assert_ptr_nonnull(root);
	payload = cJSON_DetachItemFromObjectCaseSensitive(root, "payload");
	cJSON_Delete(root);
	ck_assert_ptr_nonnull(payload);
	return payload;
}

static const char webhook_body[] =
	"{\"action\":\"webhook\",\"payload\":{\"url\":\"https://example.com/hook?x=1\","
	"\"method\":\"PUT\",\"headers\":{\"Authorization\":\"Bearer t\\u00f6ken\"},"
	"\"data\":{\"n\":1.5,\"s\":\"caf\xc3\xa9 \xf0\x9f\x98\x80\",\"a\":[null,true,{}]},"
	"\"timeout_ms\":2500},"
	"\"run_at\":\"2026-03-01T09:00:00.25+02:00\",\"recurrence\":\"monthly\",\"max_attempts\":7}";

static const char message_body[] =
	"{\"action\":\"message\",\"payload\":{\"recipient\":\"ops@example.com\","
	"\"message\":\"Disk \\\"full\\\"\\nplease check\"},\"run_at\":\"2026-03-01T09:00:00Z\"}";

/* Checks every member of a serialized task against `task` and the
 * request body it came from. */
static void check_task_json(const cJSON *t, const struct ts_task *task, const char *body)
{
	cJSON *want_payload = request_payload(body);
	char buf[TS_TIME_TEXT_MAX];

	ck_assert(cJSON_IsObject(t));
	ck_assert_str_eq(str_member(t, "task_id"), task->id);
	ck_assert(ts_id_is_valid(str_member(t, "task_id")));
	ck_assert_str_eq(str_member(t, "action"), ts_action_name(task->action));
	ck_assert_msg(cJSON_Compare(cJSON_GetObjectItemCaseSensitive(t, "payload"),
				    want_payload, 1),
		      "payload differs from the request's");
	cJSON_Delete(want_payload);
	ck_assert_str_eq(str_member(t, "run_at"), ts_time_format(task->run_at, buf));
	ck_assert_str_eq(str_member(t, "status"), ts_task_status_name(task->status));
	ck_assert_str_eq(str_member(t, "created_at"), ts_time_format(task->created_at, buf));
	ck_assert_str_eq(str_member(t, "updated_at"), ts_time_format(task->updated_at, buf));
	if (task->recurrence == TS_RECUR_NONE)
		null_member(t, "recurrence");
	else
		ck_assert_str_eq(str_member(t, "recurrence"), ts_recurrence_name(task->recurrence));
	if (task->parent_id[0])
		ck_assert_str_eq(str_member(t, "parent_task_id"), task->parent_id);
	else
		null_member(t, "parent_task_id");
	if (task->error_message)
		ck_assert_str_eq(str_member(t, "error_message"), task->error_message);
	else
		null_member(t, "error_message");
	ck_assert(num_member(t, "attempts") == task->attempts);
	ck_assert(num_member(t, "max_attempts") == task->max_attempts);
}

START_TEST(task_one_webhook)
{
	struct ts_task task;
	char *text;
	cJSON *root, *t;

	make_task(webhook_body, &task);
	text = ts_json_task_one(&task);
	root = parse_response(text);
	ck_assert_int_eq(cJSON_GetArraySize(root), 1);
	t = cJSON_GetObjectItemCaseSensitive(root, "task");
	check_task_json(t, &task, webhook_body);
	/* Values spelled out, not only compared with the library's own output. */
	ck_assert_str_eq(str_member(t, "action"), "webhook");
	ck_assert_str_eq(str_member(t, "run_at"), "2026-03-01T07:00:00.250Z");
	ck_assert_str_eq(str_member(t, "status"), "scheduled");
	ck_assert_str_eq(str_member(t, "recurrence"), "monthly");
	ck_assert_str_eq(str_member(t, "created_at"), "2026-02-01T10:00:00.500Z");
	ck_assert_str_eq(str_member(t, "updated_at"), "2026-02-01T10:00:00.500001Z");
	ck_assert(num_member(t, "attempts") == 0);
	ck_assert(num_member(t, "max_attempts") == 7);
	{
		const cJSON *p = cJSON_GetObjectItemCaseSensitive(t, "payload");
		const cJSON *h = cJSON_GetObjectItemCaseSensitive(p, "headers");
		const cJSON *d = cJSON_GetObjectItemCaseSensitive(p, "data");
		ck_assert_str_eq(str_member(h, "Authorization"), "Bearer t\xc3\xb6ken");
		ck_assert_str_eq(str_member(d, "s"), "caf\xc3\xa9 \xf0\x9f\x98\x80");
		ck_assert(num_member(p, "timeout_ms") == 2500);
	}
	cJSON_Delete(root);
	free(text);
	ts_task_cleanup(&task);
}
END_TEST

START_TEST(task_one_finished_states)
{
	struct ts_task task;
	char *text;
	cJSON *root, *t;

	make_task(message_body, &task);
	task.status = TS_STATUS_FAILED;
	task.attempts = 3;
	task.error_message = strdup("HTTP 500 \"boom\"\n");
	ck_assert_ptr_nonnull(task.error_message);
	snprintf(task.parent_id, sizeof(task.parent_id), "0190a6f2-0000-7000-8000-00000000abcd");

	text = ts_json_task_one(&task);
	root = parse_response(text);
	t = cJSON_GetObjectItemCaseSensitive(root, "task");
	check_task_json(t, &task, message_body);
	ck_assert_str_eq(str_member(t, "status"), "failed");
	ck_assert_str_eq(str_member(t, "error_message"), "HTTP 500 \"boom\"\n");
	ck_assert_str_eq(str_member(t, "parent_task_id"), "0190a6f2-0000-7000-8000-00000000abcd");
	ck_assert(num_member(t, "attempts") == 3);
	ck_assert(num_member(t, "max_attempts") == 3);
	null_member(t, "recurrence");
	ck_assert_str_eq(str_member(t, "run_at"), "2026-03-01T09:00:00Z");
	cJSON_Delete(root);
	free(text);
	ts_task_cleanup(&task);
}
END_TEST

START_TEST(task_created)
{
	struct ts_task task;
	char *text, *one;
	cJSON *root;

	make_task(message_body, &task);
	one = ts_json_task_one(&task);
	ck_assert_ptr_nonnull(one);
	text = ts_json_task_created(one, task.id, "Task scheduled successfully");
	free(one);
	root = parse_response(text);
	ck_assert_int_eq(cJSON_GetArraySize(root), 3);
	ck_assert_str_eq(str_member(root, "message"), "Task scheduled successfully");
	ck_assert_str_eq(str_member(root, "task_id"), task.id);
	check_task_json(cJSON_GetObjectItemCaseSensitive(root, "task"), &task, message_body);
	ck_assert_str_eq(str_member(cJSON_GetObjectItemCaseSensitive(root, "task"), "action"),
			 "message");
	null_member(cJSON_GetObjectItemCaseSensitive(root, "task"), "parent_task_id");
	null_member(cJSON_GetObjectItemCaseSensitive(root, "task"), "error_message");
	cJSON_Delete(root);
	free(text);
	ts_task_cleanup(&task);
}
END_TEST

START_TEST(task_list)
{
	struct ts_task tasks[2];
	char *text;
	cJSON *root, *list;

	make_task(webhook_body, &tasks[0]);
	make_task(message_body, &tasks[1]);
	tasks[1].status = TS_STATUS_COMPLETED;
	tasks[1].attempts = 1;

	text = ts_json_task_list(tasks, 2, "djE6MTIzOmFiYw");
	root = parse_response(text);
	ck_assert_int_eq(cJSON_GetArraySize(root), 2);
	list = cJSON_GetObjectItemCaseSensitive(root, "tasks");
	ck_assert(cJSON_IsArray(list));
	ck_assert_int_eq(cJSON_GetArraySize(list), 2);
	check_task_json(cJSON_GetArrayItem(list, 0), &tasks[0], webhook_body);
	check_task_json(cJSON_GetArrayItem(list, 1), &tasks[1], message_body);
	ck_assert_str_eq(str_member(cJSON_GetArrayItem(list, 1), "status"), "completed");
	ck_assert_str_eq(str_member(root, "next_cursor"), "djE6MTIzOmFiYw");
	cJSON_Delete(root);
	free(text);

	/* The last page: next_cursor is null. */
	text = ts_json_task_list(tasks, 1, NULL);
	root = parse_response(text);
	list = cJSON_GetObjectItemCaseSensitive(root, "tasks");
	ck_assert_int_eq(cJSON_GetArraySize(list), 1);
	check_task_json(cJSON_GetArrayItem(list, 0), &tasks[0], webhook_body);
	null_member(root, "next_cursor");
	cJSON_Delete(root);
	free(text);

	/* No tasks at all: an empty array, not null. */
	text = ts_json_task_list(NULL, 0, NULL);
	root = parse_response(text);
	list = cJSON_GetObjectItemCaseSensitive(root, "tasks");
	ck_assert(cJSON_IsArray(list));
	ck_assert_int_eq(cJSON_GetArraySize(list), 0);
	null_member(root, "next_cursor");
	cJSON_Delete(root);
	free(text);

	ts_task_cleanup(&tasks[0]);
	ts_task_cleanup(&tasks[1]);
}
END_TEST

/* `text` must be exactly what cJSON prints for the same value: the bodies
 * are written without cJSON, and clients, ETags and stored notices saw
 * cJSON's text before. */
static void same_as_cjson(const char *text)
{
	cJSON *root = cJSON_Parse(text);
	char *again;

	ck_assert_msg(root != NULL, "not JSON: %.200s", text);
	again = cJSON_PrintUnformatted(root);
	ck_assert_ptr_nonnull(again);
	ck_assert_str_eq(text, again);
	free(again);
	cJSON_Delete(root);
}

START_TEST(task_text_as_cjson_prints_it)
{
	struct ts_task tasks[2];
	char tricky[80], *p = tricky, *text;

	/* Every control byte, quote, backslash, DEL and UTF-8. */
	for (int c = 1; c < 0x20; c++)
		*p++ = (char)c;
	strcpy(p, "\"\\/\x7f" "caf\xc3\xa9 \xf0\x9f\x98\x80");
	for (int i = 0; i < 2; i++) {
		ts_task_init(&tasks[i]);
		ts_id_new(tasks[i].id);
		tasks[i].payload_json = strdup("{\"url\":\"http://h/x?a=1\",\"data\":{\"n\":[1,-2.5,"
					       "null,true,{}],\"s\":\"\\u0001\\\"\"}}");
		ck_assert_ptr_nonnull(tasks[i].payload_json);
		tasks[i].run_at = 1772348400250000;
		tasks[i].created_at = 1769940000000000;
		tasks[i].updated_at = 1769940000000001;
	}
	tasks[0].error_message = strdup(tricky);
	ck_assert_ptr_nonnull(tasks[0].error_message);
	tasks[0].attempts = 12;
	tasks[0].max_attempts = 100;
	tasks[0].recurrence = TS_RECUR_WEEKLY;
	tasks[0].has_ends_at = true;
	tasks[0].ends_at = 1800000000000000;
	snprintf(tasks[0].parent_id, sizeof(tasks[0].parent_id), "%s", tasks[1].id);
	snprintf(tasks[0].timezone, sizeof(tasks[0].timezone), "Europe/Berlin");
	snprintf(tasks[0].cron, sizeof(tasks[0].cron), "*/5 * * * *");
	tasks[0].on_failure_json = strdup("{\"url\":\"http://h/f\",\"headers\":{\"A\":\"b\"}}");
	ck_assert_ptr_nonnull(tasks[0].on_failure_json);
	tasks[1].status = TS_STATUS_COMPLETED;

	for (int i = 0; i < 2; i++) {
		char *one = ts_json_task_one(&tasks[i]);
		same_as_cjson(one);
		text = ts_json_task_created(one, tasks[i].id, tricky);
		free(one);
		same_as_cjson(text);
		free(text);
	}
	text = ts_json_task_list(tasks, 2, "djE6MTIzOmFiYw");
	same_as_cjson(text);
	free(text);
	text = ts_json_task_list(NULL, 0, NULL);
	ck_assert_str_eq(text, "{\"tasks\":[],\"next_cursor\":null}");
	free(text);
	text = ts_json_batch_created(tasks, 2);
	same_as_cjson(text);
	free(text);
	ts_task_cleanup(&tasks[0]);
	ts_task_cleanup(&tasks[1]);
}
END_TEST

START_TEST(error_with_field)
{
	struct ts_error err;
	char *text;
	cJSON *root;

	ts_error_clear(&err);
	ts_error_set(&err, TS_ERR_INVALID, "missing_field", "run_at",
		     "Missing required field: %s", "run_at");
	text = ts_json_error(&err);
	root = parse_response(text);
	ck_assert_int_eq(cJSON_GetArraySize(root), 3);
	ck_assert_str_eq(str_member(root, "error"), "Missing required field: run_at");
	ck_assert_str_eq(str_member(root, "code"), "missing_field");
	ck_assert_str_eq(str_member(root, "field"), "run_at");
	cJSON_Delete(root);
	free(text);
}
END_TEST

START_TEST(error_without_field)
{
	struct ts_error err;
	char *text;
	cJSON *root;

	ts_error_clear(&err);
	ts_error_set(&err, TS_ERR_INVALID, "invalid_json", NULL,
		     "Request body is not valid JSON: \"quoted\" \\ \n");
	text = ts_json_error(&err);
	root = parse_response(text);
	ck_assert_int_eq(cJSON_GetArraySize(root), 2);
	ck_assert_str_eq(str_member(root, "error"),
			 "Request body is not valid JSON: \"quoted\" \\ \n");
	ck_assert_str_eq(str_member(root, "code"), "invalid_json");
	ck_assert_ptr_null(cJSON_GetObjectItemCaseSensitive(root, "field"));
	cJSON_Delete(root);
	free(text);
}
END_TEST

START_TEST(string_member)
{
	char *text = ts_json_string_member("status", "ok");
	cJSON *root = parse_response(text);

	ck_assert_int_eq(cJSON_GetArraySize(root), 1);
	ck_assert_str_eq(str_member(root, "status"), "ok");
	cJSON_Delete(root);
	free(text);
}
END_TEST

/* ---- payload specs ---------------------------------------------------- */

START_TEST(webhook_spec_full)
{
	struct ts_webhook_spec spec;
	struct ts_error err;

	ts_error_clear(&err);
	ck_assert_int_eq(ts_json_parse_webhook(
		"{\"url\":\"https://h/p\",\"method\":\"patch\","
		"\"headers\":{\"X-One\":\"1\",\"Authorization\":\"Bearer abc\"},"
		"\"data\":{\"k\":\"v\",\"n\":[1,2]},\"timeout_ms\":1500}", &spec, &err), TS_OK);
	ck_assert_str_eq(spec.url, "https://h/p");
	ck_assert_str_eq(spec.method, "patch");
	ck_assert_uint_eq(spec.header_count, 2);
	ck_assert_str_eq(spec.headers[0].name, "X-One");
	ck_assert_str_eq(spec.headers[0].value, "1");
	ck_assert_str_eq(spec.headers[1].name, "Authorization");
	ck_assert_str_eq(spec.headers[1].value, "Bearer abc");
	ck_assert_str_eq(spec.data_json, "{\"k\":\"v\",\"n\":[1,2]}");
	ck_assert(spec.has_timeout);
	ck_assert(spec.timeout_ms == 1500.0);
	ts_webhook_spec_cleanup(&spec);
}
END_TEST

START_TEST(webhook_spec_minimal)
{
	struct ts_webhook_spec spec;
	struct ts_error err;

	ts_error_clear(&err);
	ck_assert_int_eq(ts_json_parse_webhook("{\"url\":\"http://h\"}", &spec, &err), TS_OK);
	ck_assert_str_eq(spec.url, "http://h");
	ck_assert_ptr_null(spec.method);
	ck_assert_uint_eq(spec.header_count, 0);
	ck_assert_ptr_null(spec.data_json);
	ck_assert_uint_eq(spec.query_count, 0);
	ck_assert(!spec.has_timeout);
	ts_webhook_spec_cleanup(&spec);

	/* No url at all is a validation matter, not a type error. */
	ck_assert_int_eq(ts_json_parse_webhook("{\"headers\":null}", &spec, &err), TS_OK);
	ck_assert_ptr_null(spec.url);
	ck_assert_uint_eq(spec.header_count, 0);
	ts_webhook_spec_cleanup(&spec);
}
END_TEST

START_TEST(webhook_query_params)
{
	static const struct {
		const char *name, *value;
	} want[] = {
		{ "q", "a b&c=d" }, { "n", "42" }, { "neg", "-3" }, { "f", "1.5" },
		{ "big", "12345678901" }, { "t", "true" }, { "no", "false" }, { "z", "" },
		{ "o", "{\"x\":1,\"y\":[true]}" }, { "a", "[1,\"two\",null]" },
		{ "u", "caf\xc3\xa9" }, { "max", "2147483647" }, { "min", "-2147483648" },
		{ "over", "2147483648" }, { "mz", "-0" }, { "e", "1000" },
	};
	struct ts_webhook_spec spec;
	struct ts_error err;

	ts_error_clear(&err);
	ck_assert_int_eq(ts_json_parse_webhook(
		"{\"url\":\"http://h/\",\"method\":\"GET\",\"data\":{"
		"\"q\":\"a b&c=d\",\"n\":42,\"neg\":-3,\"f\":1.5,\"big\":12345678901,"
		"\"t\":true,\"no\":false,\"z\":null,"
		"\"o\":{\"x\":1,\"y\":[true]},\"a\":[1,\"two\",null],\"u\":\"caf\\u00e9\","
		"\"max\":2147483647,\"min\":-2147483648,\"over\":2147483648,\"mz\":-0,"
		"\"e\":1e3}}",
		&spec, &err), TS_OK);
	ck_assert_uint_eq(spec.query_count, sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < spec.query_count; i++) {
		ck_assert_str_eq(spec.query[i].name, want[i].name);
		ck_assert_str_eq(spec.query[i].value, want[i].value);
	}
	ts_webhook_spec_cleanup(&spec);

	/* data that is not an object has no query parameters, but is kept. */
	ck_assert_int_eq(ts_json_parse_webhook("{\"url\":\"http://h/\",\"data\":[1,2]}",
					       &spec, &err), TS_OK);
	ck_assert_uint_eq(spec.query_count, 0);
	ck_assert_str_eq(spec.data_json, "[1,2]");
	ts_webhook_spec_cleanup(&spec);

	ck_assert_int_eq(ts_json_parse_webhook("{\"url\":\"http://h/\",\"data\":\"text\"}",
					       &spec, &err), TS_OK);
	ck_assert_uint_eq(spec.query_count, 0);
	ck_assert_str_eq(spec.data_json, "\"text\"");
	ts_webhook_spec_cleanup(&spec);

	ck_assert_int_eq(ts_json_parse_webhook("{\"url\":\"http://h/\",\"data\":{}}",
					       &spec, &err), TS_OK);
	ck_assert_uint_eq(spec.query_count, 0);
	ck_assert_str_eq(spec.data_json, "{}");
	ts_webhook_spec_cleanup(&spec);
}
END_TEST

START_TEST(webhook_spec_wrong_types)
{
	static const struct {
		const char *payload;
		const char *field;
	} cases[] = {
		{ "{\"url\":1}", "payload.url" },
		{ "{\"url\":null}", "payload.url" },
		{ "{\"url\":\"http://h\",\"method\":1}", "payload.method" },
		{ "{\"url\":\"http://h\",\"headers\":[\"A: b\"]}", "payload.headers" },
		{ "{\"url\":\"http://h\",\"headers\":\"A: b\"}", "payload.headers" },
		{ "{\"url\":\"http://h\",\"headers\":{\"A\":1}}", "payload.headers" },
		{ "{\"url\":\"http://h\",\"headers\":{\"A\":\"1\",\"B\":null}}", "payload.headers" },
		{ "{\"url\":\"http://h\",\"timeout_ms\":\"100\"}", "payload.timeout_ms" },
		{ "[]", "payload" },
		{ "\"x\"", "payload" },
		{ "not json", "payload" },
	};
	struct ts_webhook_spec spec;
	struct ts_error err;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ts_error_clear(&err);
		ck_assert_msg(ts_json_parse_webhook(cases[i].payload, &spec, &err) == TS_ERR_INVALID,
			      "accepted: %s", cases[i].payload);
		ck_assert_str_eq(err.code, "invalid_field");
		ck_assert_str_eq(err.field, cases[i].field);
		ck_assert_ptr_null(spec.url);
		ck_assert_uint_eq(spec.header_count, 0);
	}
}
END_TEST

/* cJSON's strings end at a NUL, so the check reads the text of the very
 * `headers` member cJSON chose, whatever the spelling of its name. */
START_TEST(webhook_spec_header_nul)
{
	static const char *const refused[] = {
		"{\"url\":\"http://h\",\"headers\":{\"X-A\":\"a\\u0000b\"}}",
		"{\"url\":\"http://h\",\"headers\":{\"X-B\":\"1\",\"X-A\":\"\\u0000\"}}",
		"{\"url\":\"http://h\",\"headers\":{\"X-A\\u0000\":\"v\"}}",
		/* cJSON takes the first "headers", spelled with an escape. */
		"{\"url\":\"http://h\",\"h\\u0065aders\":{\"X-A\":\"a\\u0000b\"},"
		"\"headers\":{\"X-A\":\"a\"}}",
	};
	struct ts_webhook_spec spec;
	struct ts_error err;

	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		ts_error_clear(&err);
		ck_assert_msg(ts_json_parse_webhook(refused[i], &spec, &err) == TS_ERR_INVALID,
			      "accepted: %s", refused[i]);
		ck_assert_str_eq(err.code, "invalid_field");
		ck_assert_str_eq(err.field, "payload.headers");
		ck_assert_ptr_nonnull(strstr(err.message, "X-A"));
		ck_assert_uint_eq(spec.header_count, 0);
	}

	/* The first "headers" is the one sent; a later one is never read. */
	ts_error_clear(&err);
	ck_assert_int_eq(ts_json_parse_webhook(
		"{\"url\":\"http://h\",\"headers\":{\"X-A\":\"ok\"},"
		"\"h\\u0065aders\":{\"X-A\":\"a\\u0000b\"}}", &spec, &err), TS_OK);
	ck_assert_uint_eq(spec.header_count, 1);
	ck_assert_str_eq(spec.headers[0].value, "ok");
	ts_webhook_spec_cleanup(&spec);

	/* "\\u0000" is a backslash and text. */
	ck_assert_int_eq(ts_json_parse_webhook(
		"{\"url\":\"http://h\",\"headers\":{\"X-A\":\"\\\\u0000\"}}", &spec, &err),
		TS_OK);
	ck_assert_str_eq(spec.headers[0].value, "\\u0000");
	ts_webhook_spec_cleanup(&spec);
}
END_TEST

START_TEST(message_spec)
{
	struct ts_message_spec spec;
	struct ts_error err;

	ts_error_clear(&err);
	ck_assert_int_eq(ts_json_parse_message("{\"recipient\":\"ops\",\"message\":\"hi\\n\\u00e9\","
					       "\"extra\":1}", &spec, &err), TS_OK);
	ck_assert_str_eq(spec.recipient, "ops");
	ck_assert_str_eq(spec.message, "hi\n\xc3\xa9");
	ts_message_spec_cleanup(&spec);

	ck_assert_int_eq(ts_json_parse_message("{}", &spec, &err), TS_OK);
	ck_assert_ptr_null(spec.recipient);
	ck_assert_ptr_null(spec.message);
	ts_message_spec_cleanup(&spec);

	ck_assert_int_eq(ts_json_parse_message("{\"recipient\":5,\"message\":\"m\"}", &spec, &err),
			 TS_ERR_INVALID);
	ck_assert_str_eq(err.code, "invalid_field");
	ck_assert_str_eq(err.field, "payload.recipient");
	ck_assert_int_eq(ts_json_parse_message("{\"recipient\":\"r\",\"message\":{}}", &spec, &err),
			 TS_ERR_INVALID);
	ck_assert_str_eq(err.code, "invalid_field");
	ck_assert_str_eq(err.field, "payload.message");
	ck_assert_int_eq(ts_json_parse_message("[\"r\"]", &spec, &err), TS_ERR_INVALID);
	ck_assert_str_eq(err.field, "payload");
}
END_TEST

static Suite *json_suite(void)
{
	Suite *s = suite_create("json");
	TCase *tc;

	tc = tcase_create("utf8");
	tcase_add_test(tc, body_not_utf8_is_invalid_json);
	suite_add_tcase(s, tc);

	tc = tcase_create("request");
	tcase_add_test(tc, payload_read_from_the_request_tree);
	tcase_add_test(tc, depth_limit);
	tcase_add_test(tc, depth_limit_in_payload);
	tcase_add_test(tc, depth_brackets_in_strings);
	tcase_add_test(tc, root_must_be_object);
	tcase_add_test(tc, malformed_json);
	tcase_add_test(tc, trailing_garbage);
	tcase_add_test(tc, whitespace_around_root);
	tcase_add_test(tc, request_fields);
	tcase_add_test(tc, big_integers_kept);
	tcase_add_test(tc, request_wrong_types);
	suite_add_tcase(s, tc);

	tc = tcase_create("response");
	tcase_add_test(tc, task_one_webhook);
	tcase_add_test(tc, task_one_finished_states);
	tcase_add_test(tc, task_created);
	tcase_add_test(tc, task_list);
	tcase_add_test(tc, task_text_as_cjson_prints_it);
	tcase_add_test(tc, error_with_field);
	tcase_add_test(tc, error_without_field);
	tcase_add_test(tc, string_member);
	suite_add_tcase(s, tc);

	tc = tcase_create("payload");
	tcase_add_test(tc, webhook_spec_full);
	tcase_add_test(tc, webhook_spec_minimal);
	tcase_add_test(tc, webhook_query_params);
	tcase_add_test(tc, webhook_spec_wrong_types);
	tcase_add_test(tc, webhook_spec_header_nul);
	tcase_add_test(tc, message_spec);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(json_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
