/* test_task.c -- the task model: names of states, actions and outcomes,
 * and the life of tasks and runs in memory (src/lib/task.h). */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "task.h"

START_TEST(status_names)
{
	/* The names are the API's and the database's: fixed. */
	static const struct {
		enum ts_task_status status;
		const char *name;
	} names[] = {
		{ TS_STATUS_SCHEDULED, "scheduled" },
		{ TS_STATUS_RUNNING, "running" },
		{ TS_STATUS_COMPLETED, "completed" },
		{ TS_STATUS_FAILED, "failed" },
		{ TS_STATUS_PAUSED, "paused" },
	};
	enum ts_task_status got;

	ck_assert_uint_eq(sizeof(names) / sizeof(names[0]), TS_STATUS_COUNT);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		ck_assert_str_eq(ts_task_status_name(names[i].status), names[i].name);
		got = (enum ts_task_status)-1;
		ck_assert(ts_task_status_parse(names[i].name, &got));
		ck_assert_int_eq(got, names[i].status);
		/* The list in error messages names every state. */
		ck_assert_ptr_nonnull(strstr(ts_task_status_list(), names[i].name));
	}
	ck_assert_str_eq(ts_task_status_name((enum ts_task_status)TS_STATUS_COUNT), "unknown");
	ck_assert_str_eq(ts_task_status_name((enum ts_task_status)-1), "unknown");
}
END_TEST

START_TEST(status_parse_rejects)
{
	static const char *const bad[] = {
		"", "Scheduled", "FAILED", "done", "scheduled ", " running", "unknown", "complete",
	};
	enum ts_task_status got = TS_STATUS_RUNNING;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(!ts_task_status_parse(bad[i], &got), "accepted '%s'", bad[i]);
		ck_assert_int_eq(got, TS_STATUS_RUNNING);
	}
}
END_TEST

START_TEST(action_names)
{
	enum ts_action got;

	ck_assert_str_eq(ts_action_name(TS_ACTION_WEBHOOK), "webhook");
	ck_assert_str_eq(ts_action_name(TS_ACTION_MESSAGE), "message");
	ck_assert(ts_action_parse("webhook", &got));
	ck_assert_int_eq(got, TS_ACTION_WEBHOOK);
	ck_assert(ts_action_parse("message", &got));
	ck_assert_int_eq(got, TS_ACTION_MESSAGE);
	ck_assert_str_eq(ts_action_name((enum ts_action)7), "unknown");

	got = TS_ACTION_MESSAGE;
	ck_assert(!ts_action_parse("Webhook", &got));
	ck_assert(!ts_action_parse("email", &got));
	ck_assert(!ts_action_parse("", &got));
	ck_assert(!ts_action_parse("webhooks", &got));
	ck_assert_int_eq(got, TS_ACTION_MESSAGE);
}
END_TEST

START_TEST(outcome_names)
{
	ck_assert_str_eq(ts_run_outcome_name(TS_RUN_SUCCEEDED), "succeeded");
	ck_assert_str_eq(ts_run_outcome_name(TS_RUN_FAILED), "failed");
	ck_assert_str_eq(ts_run_outcome_name(TS_RUN_RETRY), "retry");
	ck_assert_str_eq(ts_run_outcome_name(TS_RUN_LOST), "lost");
}
END_TEST

START_TEST(task_init_cleanup)
{
	struct ts_task t;

	memset(&t, 0x5a, sizeof(t));
	ts_task_init(&t);
	ck_assert_str_eq(t.id, "");
	ck_assert_str_eq(t.parent_id, "");
	ck_assert_ptr_null(t.payload_json);
	ck_assert_ptr_null(t.error_message);
	ck_assert_int_eq(t.status, TS_STATUS_SCHEDULED);
	ck_assert_int_eq(t.attempts, 0);
	ck_assert_int_eq(t.max_attempts, TS_MAX_ATTEMPTS_DEFAULT);

	/* Cleanup frees what the task owns (ASan/LSan would see a leak) and
	 * leaves it as fresh, so it can be used again or cleaned twice. */
	t.payload_json = strdup("{}");
	t.error_message = strdup("boom");
	strcpy(t.id, "0190a6f2-1234-7abc-8def-0123456789ab");
	t.attempts = 2;
	t.max_attempts = 9;
	ts_task_cleanup(&t);
	ck_assert_ptr_null(t.payload_json);
	ck_assert_ptr_null(t.error_message);
	ck_assert_str_eq(t.id, "");
	ck_assert_int_eq(t.attempts, 0);
	ck_assert_int_eq(t.max_attempts, TS_MAX_ATTEMPTS_DEFAULT);
	ts_task_cleanup(&t);
	ts_task_cleanup(NULL);
}
END_TEST

START_TEST(arrays_free)
{
	struct ts_task *tasks = calloc(3, sizeof(*tasks));
	struct ts_run *runs = calloc(2, sizeof(*runs));

	ck_assert_ptr_nonnull(tasks);
	ck_assert_ptr_nonnull(runs);
	for (int i = 0; i < 3; i++) {
		ts_task_init(&tasks[i]);
		tasks[i].payload_json = strdup("{\"n\":1}");
	}
	tasks[1].error_message = strdup("x");
	runs[0].excerpt = strdup("body");
	ts_task_array_free(tasks, 3);
	ts_run_array_free(runs, 2);
	ts_task_array_free(NULL, 5);
	ts_run_array_free(NULL, 5);
}
END_TEST

static Suite *task_suite(void)
{
	Suite *s = suite_create("task");
	TCase *tc = tcase_create("names");

	tcase_add_test(tc, status_names);
	tcase_add_test(tc, status_parse_rejects);
	tcase_add_test(tc, action_names);
	tcase_add_test(tc, outcome_names);
	suite_add_tcase(s, tc);

	tc = tcase_create("memory");
	tcase_add_test(tc, task_init_cleanup);
	tcase_add_test(tc, arrays_free);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(task_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
