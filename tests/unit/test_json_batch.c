/* test_json_batch.c -- the POST /tasks/batch body and answers
 * (ts_json_parse_batch, ts_json_batch_created, ts_json_batch_error in
 * src/lib/json.h). Answers are read back with cJSON, as a client would. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "json.h"
#include "task.h"

static enum ts_err parse(const char *body, size_t max, struct ts_json_batch *b,
			 struct ts_error *err)
{
	ts_error_clear(err);
	return ts_json_parse_batch(body, strlen(body), max, b, err);
}

static bool span_is(const struct ts_json_span *s, const char *want)
{
	return s->len == strlen(want) && memcmp(s->text, want, s->len) == 0;
}

START_TEST(items_as_written)
{
	/* Spacing, key order and integers past 2^53 come through untouched,
	 * as a single POST's body would reach its parser. */
	const char *body = "{ \"x\": 1, \"tasks\" : [ {\"a\": 9007199254740993} ,\n"
			   "{\"b\": [1, {\"c\": \"]\"}]},\"s\" ,{} ] }";
	struct ts_json_batch b;
	struct ts_error err;

	ck_assert_int_eq(parse(body, 1000, &b, &err), TS_OK);
	ck_assert_uint_eq(b.count, 4);
	ck_assert(span_is(&b.items[0], "{\"a\": 9007199254740993}"));
	ck_assert(span_is(&b.items[1], "{\"b\": [1, {\"c\": \"]\"}]}"));
	ck_assert(span_is(&b.items[2], "\"s\""));
	ck_assert(span_is(&b.items[3], "{}"));
	ts_json_batch_cleanup(&b);
	ts_json_batch_cleanup(&b); /* a cleaned-up batch may be cleaned again */
}
END_TEST

START_TEST(item_parses_as_single_body)
{
	const char *body = "{\"tasks\":[{\"action\":\"message\",\"run_at\":\"2030-01-01T00:00:00Z\","
			   "\"payload\":{\"n\":12345678901234567890}}]}";
	struct ts_json_batch b;
	struct ts_task_request req;
	struct ts_error err;

	ck_assert_int_eq(parse(body, 10, &b, &err), TS_OK);
	ck_assert_int_eq(ts_json_parse_task_request(b.items[0].text, b.items[0].len, &req, &err),
			 TS_OK);
	ck_assert_str_eq(req.action, "message");
	ck_assert_str_eq(req.payload_json, "{\"n\":12345678901234567890}");
	ts_task_request_cleanup(&req);
	ts_json_batch_cleanup(&b);
}
END_TEST

/* `body` is refused with `code` naming `field` ("" for none), leaving the
 * batch empty. */
static void refused(const char *body, size_t max, const char *code, const char *field)
{
	struct ts_json_batch b;
	struct ts_error err;

	ck_assert_msg(parse(body, max, &b, &err) == TS_ERR_INVALID, "accepted: %s", body);
	ck_assert_str_eq(err.code, code);
	ck_assert_str_eq(err.field, field);
	ck_assert_ptr_null(b.items);
	ck_assert_ptr_null(b.text);
	ck_assert_uint_eq(b.count, 0);
}

START_TEST(envelope_errors)
{
	refused("{\"tasks\":[]}", 10, "invalid_field", "tasks");
	refused("{\"tasks\":[{},{},{}]}", 2, "invalid_field", "tasks");
	refused("{\"tasks\":{}}", 10, "invalid_field", "tasks");
	refused("{\"tasks\":null}", 10, "invalid_field", "tasks");
	refused("{\"task\":[{}]}", 10, "missing_field", "tasks");
	refused("[{}]", 10, "invalid_json", "");
	refused("{\"tasks\":[{},]}", 10, "invalid_json", "");
	refused("{\"tasks\":[{\"a\":01}]}", 10, "invalid_json", "");
}
END_TEST

START_TEST(at_the_limit)
{
	struct ts_json_batch b;
	struct ts_error err;

	ck_assert_int_eq(parse("{\"tasks\":[1,2,3]}", 3, &b, &err), TS_OK);
	ck_assert_uint_eq(b.count, 3);
	ck_assert(span_is(&b.items[2], "3"));
	ts_json_batch_cleanup(&b);
}
END_TEST

START_TEST(created_in_order)
{
	struct ts_task t[3];
	cJSON *root;
	char *text;

	for (int i = 0; i < 3; i++) {
		ts_task_init(&t[i]);
		snprintf(t[i].id, sizeof(t[i].id), "00000000-0000-4000-8000-00000000000%d", i);
		t[i].action = TS_ACTION_MESSAGE;
		t[i].payload_json = strdup("{\"recipient\":\"r\",\"message\":\"m\"}");
		t[i].max_attempts = 3;
	}
	text = ts_json_batch_created(t, 3);
	ck_assert_ptr_nonnull(text);
	root = cJSON_Parse(text);
	ck_assert_ptr_nonnull(root);
	const cJSON *ids = cJSON_GetObjectItem(root, "task_ids");
	const cJSON *tasks = cJSON_GetObjectItem(root, "tasks");
	ck_assert_int_eq(cJSON_GetArraySize(ids), 3);
	ck_assert_int_eq(cJSON_GetArraySize(tasks), 3);
	for (int i = 0; i < 3; i++) {
		ck_assert_str_eq(cJSON_GetArrayItem(ids, i)->valuestring, t[i].id);
		ck_assert_str_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(tasks, i),
						     "task_id")->valuestring, t[i].id);
		ts_task_cleanup(&t[i]);
	}
	cJSON_Delete(root);
	free(text);
}
END_TEST

START_TEST(error_lists_items)
{
	struct ts_json_item_error e[2];
	cJSON *root;
	char *text;

	e[0].index = 1;
	ts_error_set(&e[0].err, TS_ERR_INVALID, "missing_field", "run_at", "Missing run_at");
	e[1].index = 7;
	ts_error_set(&e[1].err, TS_ERR_INVALID, "invalid_json", NULL, "not an object");
	text = ts_json_batch_error("2 of 8 are invalid", e, 2);
	ck_assert_ptr_nonnull(text);
	root = cJSON_Parse(text);
	ck_assert_str_eq(cJSON_GetObjectItem(root, "code")->valuestring, "invalid_batch");
	ck_assert_str_eq(cJSON_GetObjectItem(root, "error")->valuestring, "2 of 8 are invalid");
	const cJSON *items = cJSON_GetObjectItem(root, "items");
	ck_assert_int_eq(cJSON_GetArraySize(items), 2);
	const cJSON *a = cJSON_GetArrayItem(items, 0), *b = cJSON_GetArrayItem(items, 1);
	ck_assert_int_eq(cJSON_GetObjectItem(a, "index")->valueint, 1);
	ck_assert_str_eq(cJSON_GetObjectItem(a, "code")->valuestring, "missing_field");
	ck_assert_str_eq(cJSON_GetObjectItem(a, "field")->valuestring, "run_at");
	ck_assert_str_eq(cJSON_GetObjectItem(a, "error")->valuestring, "Missing run_at");
	ck_assert_int_eq(cJSON_GetObjectItem(b, "index")->valueint, 7);
	ck_assert(cJSON_IsNull(cJSON_GetObjectItem(b, "field")));
	cJSON_Delete(root);
	free(text);
}
END_TEST

static Suite *json_batch_suite(void)
{
	Suite *s = suite_create("json_batch");
	TCase *tc = tcase_create("request");

	tcase_add_test(tc, items_as_written);
	tcase_add_test(tc, item_parses_as_single_body);
	tcase_add_test(tc, envelope_errors);
	tcase_add_test(tc, at_the_limit);
	suite_add_tcase(s, tc);
	tc = tcase_create("response");
	tcase_add_test(tc, created_in_order);
	tcase_add_test(tc, error_lists_items);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(json_batch_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
