/* test_json_patch.c -- JSON merge patch (src/lib/json_patch.h): the
 * examples of RFC 7396 Appendix A, numbers kept as written, and the POST
 * body a PATCH of a task makes, with the fields it must refuse. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_patch.h"
#include "task.h"

/* ---- RFC 7396 ------------------------------------------------------------ */

/* merge(target, patch) must give `want` (compact JSON). */
static void expect_merge(const char *target, const char *patch, const char *want)
{
	struct ts_error err;
	char *out = NULL;
	enum ts_err rc = ts_json_merge_patch(target, strlen(target), patch, strlen(patch),
					     &out, &err);

	ck_assert_msg(rc == TS_OK, "merge %s with %s: %s", target, patch, err.message);
	ck_assert_msg(strcmp(out, want) == 0, "merge %s with %s: got %s, want %s",
		      target, patch, out, want);
	free(out);
}

/* Every example of RFC 7396 Appendix A. */
START_TEST(rfc7396_appendix_a)
{
	expect_merge("{\"a\":\"b\"}", "{\"a\":\"c\"}", "{\"a\":\"c\"}");
	expect_merge("{\"a\":\"b\"}", "{\"b\":\"c\"}", "{\"a\":\"b\",\"b\":\"c\"}");
	expect_merge("{\"a\":\"b\"}", "{\"a\":null}", "{}");
	expect_merge("{\"a\":\"b\",\"b\":\"c\"}", "{\"a\":null}", "{\"b\":\"c\"}");
	expect_merge("{\"a\":[\"b\"]}", "{\"a\":\"c\"}", "{\"a\":\"c\"}");
	expect_merge("{\"a\":\"c\"}", "{\"a\":[\"b\"]}", "{\"a\":[\"b\"]}");
	expect_merge("{\"a\":{\"b\":\"c\"}}", "{\"a\":{\"b\":\"d\",\"c\":null}}",
		     "{\"a\":{\"b\":\"d\"}}");
	expect_merge("{\"a\":[{\"b\":\"c\"}]}", "{\"a\":[1]}", "{\"a\":[1]}");
	expect_merge("[\"a\",\"b\"]", "[\"c\",\"d\"]", "[\"c\",\"d\"]");
	expect_merge("{\"a\":\"b\"}", "[\"c\"]", "[\"c\"]");
	expect_merge("{\"a\":\"foo\"}", "null", "null");
	expect_merge("{\"a\":\"foo\"}", "\"bar\"", "\"bar\"");
	expect_merge("{\"e\":null}", "{\"a\":1}", "{\"e\":null,\"a\":1}");
	expect_merge("[1,2]", "{\"a\":\"b\",\"c\":null}", "{\"a\":\"b\"}");
	expect_merge("{}", "{\"a\":{\"bb\":{\"ccc\":null}}}", "{\"a\":{\"bb\":{}}}");
}
END_TEST

START_TEST(members_keep_their_places)
{
	expect_merge("{\"x\":1,\"y\":{\"p\":1,\"q\":2},\"z\":3}", "{\"y\":{\"p\":9},\"x\":0}",
		     "{\"x\":0,\"y\":{\"p\":9,\"q\":2},\"z\":3}");
	/* A key spelled with an escape is the same key. */
	expect_merge("{\"a\":1}", "{\"\\u0061\":2}", "{\"a\":2}");
	/* Every copy of a repeated member goes with a null. */
	expect_merge("{\"a\":1,\"a\":2,\"b\":3}", "{\"a\":null}", "{\"b\":3}");
}
END_TEST

START_TEST(numbers_as_written)
{
	/* Past 2^53 a double would change these; neither side may. */
	expect_merge("{\"id\":12345678901234567890,\"f\":1.10,\"e\":1E+400}", "{\"n\":-0.0}",
		     "{\"id\":12345678901234567890,\"f\":1.10,\"e\":1E+400,\"n\":-0.0}");
	expect_merge("{\"a\":[1,{\"b\":9007199254740993}]}", "{\"c\":18446744073709551617}",
		     "{\"a\":[1,{\"b\":9007199254740993}],\"c\":18446744073709551617}");
	expect_merge(" { \"s\" : \"a\\\"}1\" , \"n\" : [ 1 , 2.5e3 ] } ", "{\"t\":true}",
		     "{\"s\":\"a\\\"}1\",\"n\":[1,2.5e3],\"t\":true}");
}
END_TEST

/* Either input that is not strict UTF-8 JSON is an "invalid_json". */
START_TEST(invalid_inputs)
{
	static const char *const bad[] = {
		"", "{", "{\"a\":01}", "{\"a\":1,}", "{'a':1}", "\xff", "[1] x", "nul",
	};
	struct ts_error err;
	char *out;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_int_eq(ts_json_merge_patch("{}", 2, bad[i], strlen(bad[i]), &out, &err),
				 TS_ERR_INVALID);
		ck_assert_str_eq(err.code, "invalid_json");
		ck_assert_ptr_null(out);
		ck_assert_int_eq(ts_json_merge_patch(bad[i], strlen(bad[i]), "{}", 2, &out, &err),
				 TS_ERR_INVALID);
		ck_assert_ptr_null(out);
	}
}
END_TEST

/* ---- a task -------------------------------------------------------------- */

#define PAYLOAD "{\"url\": \"https://example.com/h\", \"data\": {\"big\": " \
	"12345678901234567890, \"keep\": {\"x\": true, \"y\": 1}}}"

static void make_task(struct ts_task *t)
{
	ts_task_init(t);
	strcpy(t->id, "0b7d6c3e-2f1a-4c5b-9d8e-7f6a5b4c3d2e");
	strcpy(t->parent_id, "1b7d6c3e-2f1a-4c5b-9d8e-7f6a5b4c3d2e");
	t->action = TS_ACTION_WEBHOOK;
	t->payload_json = strdup(PAYLOAD);
	ck_assert_ptr_nonnull(t->payload_json);
	ts_time_parse_rfc3339("2030-01-31T09:00:00Z", &t->run_at, NULL);
	t->recurrence = TS_RECUR_MONTHLY;
	t->anchor_day = 31;
	t->attempts = 1;
	t->max_attempts = 4;
	t->created_at = t->run_at - 1000;
	t->updated_at = t->run_at - 500;
}

/* Patching the sample task with `patch` gives the POST body `want`. */
static void expect_body(const char *patch, const char *want, bool sets_max, bool keeps_payload)
{
	struct ts_task t;
	struct ts_task_patch p;
	struct ts_error err;

	make_task(&t);
	ck_assert_msg(ts_json_patch_task(&t, patch, strlen(patch), &p, &err) == TS_OK,
		      "patch %s: %s", patch, err.message);
	ck_assert_msg(strcmp(p.body, want) == 0, "patch %s:\n got  %s\n want %s",
		      patch, p.body, want);
	ck_assert_uint_eq(p.body_len, strlen(want));
	ck_assert_int_eq(p.sets_max_attempts, sets_max);
	ck_assert_int_eq(p.keeps_payload, keeps_payload);
	ts_task_patch_cleanup(&p);
	ts_task_cleanup(&t);
}

#define BODY_PAYLOAD "{\"url\":\"https://example.com/h\",\"data\":{\"big\":" \
	"12345678901234567890,\"keep\":{\"x\":true,\"y\":1}}}"

START_TEST(task_body_fields)
{
	/* Read-only fields and max_attempts (not named) are left out. */
	expect_body("{}", "{\"action\":\"webhook\",\"payload\":" BODY_PAYLOAD
		    ",\"run_at\":\"2030-01-31T09:00:00Z\",\"recurrence\":\"monthly\"}",
		    false, true);
	expect_body("{\"run_at\":\"2031-05-01T10:00:00+02:00\",\"max_attempts\":7}",
		    "{\"action\":\"webhook\",\"payload\":" BODY_PAYLOAD
		    ",\"run_at\":\"2031-05-01T10:00:00+02:00\",\"recurrence\":\"monthly\""
		    ",\"max_attempts\":7}", true, true);
	/* null removes an optional field, and max_attempts goes back to the
	 * default as it would on a POST without it. */
	expect_body("{\"recurrence\":null,\"max_attempts\":null}",
		    "{\"action\":\"webhook\",\"payload\":" BODY_PAYLOAD
		    ",\"run_at\":\"2030-01-31T09:00:00Z\"}", true, true);
	/* Required fields stay whatever their value, a default one (action
	 * "webhook") or a time like a blank task's. */
	{
		struct ts_task t;
		struct ts_task_patch p;
		struct ts_error err;

		const char *patch = "{\"max_attempts\":3}";

		make_task(&t);
		t.run_at = 0;
		t.recurrence = TS_RECUR_NONE;
		t.max_attempts = TS_MAX_ATTEMPTS_DEFAULT;
		ck_assert_int_eq(ts_json_patch_task(&t, patch, strlen(patch), &p, &err), TS_OK);
		ck_assert_str_eq(p.body, "{\"action\":\"webhook\",\"payload\":" BODY_PAYLOAD
				 ",\"run_at\":\"1970-01-01T00:00:00Z\",\"max_attempts\":3}");
		ts_task_patch_cleanup(&p);
		ts_task_cleanup(&t);
	}
	/* A required one removed is for the POST validation to refuse. */
	expect_body("{\"run_at\":null}", "{\"action\":\"webhook\",\"payload\":" BODY_PAYLOAD
		    ",\"recurrence\":\"monthly\"}", false, true);
}
END_TEST

START_TEST(task_payload_merges)
{
	expect_body("{\"payload\":{\"method\":\"PUT\",\"data\":{\"keep\":{\"y\":null,\"z\":2}}}}",
		    "{\"action\":\"webhook\",\"payload\":{\"url\":\"https://example.com/h\","
		    "\"data\":{\"big\":12345678901234567890,\"keep\":{\"x\":true,\"z\":2}},"
		    "\"method\":\"PUT\"},\"run_at\":\"2030-01-31T09:00:00Z\","
		    "\"recurrence\":\"monthly\"}", false, false);
	/* The same values again: the stored text may stay. */
	expect_body("{\"payload\":{\"data\":{\"keep\":{\"x\":true}}}}",
		    "{\"action\":\"webhook\",\"payload\":" BODY_PAYLOAD
		    ",\"run_at\":\"2030-01-31T09:00:00Z\",\"recurrence\":\"monthly\"}",
		    false, true);
	expect_body("{\"payload\":null}", "{\"action\":\"webhook\","
		    "\"run_at\":\"2030-01-31T09:00:00Z\",\"recurrence\":\"monthly\"}",
		    false, false);
}
END_TEST

/* `patch` is refused with `code`, naming `field` ("" for none). */
static void expect_refused(const char *patch, const char *code, const char *field)
{
	struct ts_task t;
	struct ts_task_patch p;
	struct ts_error err;

	make_task(&t);
	ts_error_clear(&err);
	ck_assert_msg(ts_json_patch_task(&t, patch, strlen(patch), &p, &err) == TS_ERR_INVALID,
		      "accepted: %s", patch);
	ck_assert_msg(strcmp(err.code, code) == 0 && strcmp(err.field, field) == 0,
		      "%s: code %s field %s, want %s %s", patch, err.code, err.field, code, field);
	ck_assert_ptr_null(p.body);
	ts_task_cleanup(&t);
}

START_TEST(task_fields_refused)
{
	static const char *const read_only[] = {
		"task_id", "action", "status", "attempts", "created_at", "updated_at",
		"parent_task_id", "error_message",
	};
	char patch[128];

	for (size_t i = 0; i < sizeof(read_only) / sizeof(read_only[0]); i++) {
		snprintf(patch, sizeof(patch), "{\"run_at\":\"2031-01-01T00:00:00Z\",\"%s\":1}",
			 read_only[i]);
		expect_refused(patch, "read_only_field", read_only[i]);
		snprintf(patch, sizeof(patch), "{\"%s\":null}", read_only[i]);
		expect_refused(patch, "read_only_field", read_only[i]);
	}
	expect_refused("{\"max_attempt\":5}", "unknown_field", "max_attempt");
	expect_refused("{\"Payload\":{}}", "unknown_field", "Payload");
	expect_refused("[]", "invalid_json", "");
	expect_refused("null", "invalid_json", "");
	expect_refused("\"x\"", "invalid_json", "");
	expect_refused("{\"run_at\":", "invalid_json", "");
	expect_refused("{\"max_attempts\":1e}", "invalid_json", "");
}
END_TEST

static Suite *json_patch_suite(void)
{
	Suite *s = suite_create("json_patch");
	TCase *tc = tcase_create("rfc7396");

	tcase_add_test(tc, rfc7396_appendix_a);
	tcase_add_test(tc, members_keep_their_places);
	tcase_add_test(tc, numbers_as_written);
	tcase_add_test(tc, invalid_inputs);
	suite_add_tcase(s, tc);

	tc = tcase_create("task");
	tcase_add_test(tc, task_body_fields);
	tcase_add_test(tc, task_payload_merges);
	tcase_add_test(tc, task_fields_refused);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(json_patch_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
