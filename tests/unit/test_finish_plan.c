/* test_finish_plan.c -- the finish planner (src/lib/finish_plan.h): what a
 * finished attempt does to its task, as users see it: completed or failed,
 * retried at the backoff time, and the next occurrence of a series. */
#include "config.h"

#include <check.h>
#include <stdlib.h>

#include "finish_plan.h"

/* An instant given as RFC 3339 text. */
static ts_time_us at(const char *text)
{
	ts_time_us t = 0;
	const char *why = NULL;

	ck_assert_msg(ts_time_parse_rfc3339(text, &t, &why) == TS_OK, "%s: %s", text,
		      why ? why : "");
	return t;
}

/* A one-off task's attempt `attempt` of 3, run at 10:00, finished at 10:00:05. */
static struct ts_finish_attempt attempt(enum ts_run_outcome outcome, int number)
{
	return (struct ts_finish_attempt){
		.outcome = outcome, .attempt = number, .max_attempts = 3,
		.recurrence = TS_RECUR_NONE, .run_at = at("2027-03-10T10:00:00Z"),
		.error = outcome == TS_RUN_SUCCEEDED ? NULL : "HTTP 503",
		.retry_at = at("2027-03-10T10:00:35Z"), .now = at("2027-03-10T10:00:05Z"),
	};
}

START_TEST(success_completes)
{
	struct ts_finish_attempt a = attempt(TS_RUN_SUCCEEDED, 2);
	struct ts_finish_decision d;

	a.error = "an earlier attempt's error";
	ts_finish_plan_decide(&a, &d);
	ck_assert_int_eq(d.status, TS_STATUS_COMPLETED);
	ck_assert_int_eq(d.recorded, TS_RUN_SUCCEEDED);
	ck_assert(!d.has_due_at);
	ck_assert(!d.has_error);
	ck_assert(!d.has_next);
}
END_TEST

START_TEST(success_of_recurring_schedules_next)
{
	struct ts_finish_attempt a = attempt(TS_RUN_SUCCEEDED, 1);
	struct ts_finish_decision d;

	a.recurrence = TS_RECUR_DAILY;
	ts_finish_plan_decide(&a, &d);
	ck_assert_int_eq(d.status, TS_STATUS_COMPLETED);
	ck_assert(d.has_next);
	ck_assert_int_eq(d.next_run_at, at("2027-03-11T10:00:00Z"));
}
END_TEST

START_TEST(retryable_with_attempts_left_waits_for_backoff)
{
	struct ts_finish_attempt a = attempt(TS_RUN_RETRY, 1);
	struct ts_finish_decision d;

	a.recurrence = TS_RECUR_WEEKLY;
	ts_finish_plan_decide(&a, &d);
	ck_assert_int_eq(d.status, TS_STATUS_SCHEDULED);
	ck_assert_int_eq(d.recorded, TS_RUN_RETRY);
	ck_assert(d.has_due_at);
	ck_assert_int_eq(d.due_at, a.retry_at);
	ck_assert(d.has_error);
	ck_assert_str_eq(d.error, "HTTP 503");
	/* the occurrence is not done yet: no next one */
	ck_assert(!d.has_next);
}
END_TEST

START_TEST(out_of_attempts_fails)
{
	struct ts_finish_attempt a = attempt(TS_RUN_RETRY, 3);
	struct ts_finish_decision d;

	ts_finish_plan_decide(&a, &d);
	ck_assert_int_eq(d.status, TS_STATUS_FAILED);
	ck_assert_int_eq(d.recorded, TS_RUN_FAILED);
	ck_assert(!d.has_due_at);
	ck_assert_str_eq(d.error, "gave up after 3 attempts: HTTP 503");
	ck_assert(!d.has_next);

	a.error = NULL;
	ts_finish_plan_decide(&a, &d);
	ck_assert_str_eq(d.error, "gave up after 3 attempts: unknown error");
}
END_TEST

START_TEST(out_of_attempts_of_recurring_schedules_next)
{
	struct ts_finish_attempt a = attempt(TS_RUN_RETRY, 3);
	struct ts_finish_decision d;

	a.recurrence = TS_RECUR_WEEKLY;
	ts_finish_plan_decide(&a, &d);
	ck_assert_int_eq(d.status, TS_STATUS_FAILED);
	ck_assert(d.has_next);
	ck_assert_int_eq(d.next_run_at, at("2027-03-17T10:00:00Z"));
}
END_TEST

START_TEST(non_retryable_fails_at_once)
{
	struct ts_finish_attempt a = attempt(TS_RUN_FAILED, 1);
	struct ts_finish_decision d;

	a.error = "HTTP 404";
	ts_finish_plan_decide(&a, &d);
	ck_assert_int_eq(d.status, TS_STATUS_FAILED);
	ck_assert_int_eq(d.recorded, TS_RUN_FAILED);
	ck_assert(!d.has_due_at);
	ck_assert_str_eq(d.error, "HTTP 404");
}
END_TEST

START_TEST(lost_is_scheduled_or_failed)
{
	struct ts_finish_attempt a = attempt(TS_RUN_LOST, 2);
	struct ts_finish_decision d;

	a.error = "lease expired";
	a.retry_at = a.now;
	ts_finish_plan_decide(&a, &d);
	ck_assert_int_eq(d.status, TS_STATUS_SCHEDULED);
	ck_assert_int_eq(d.recorded, TS_RUN_LOST);
	ck_assert(d.has_due_at);
	ck_assert_int_eq(d.due_at, a.now);

	a.attempt = 3;
	ts_finish_plan_decide(&a, &d);
	ck_assert_int_eq(d.status, TS_STATUS_FAILED);
	/* the run row still says what happened */
	ck_assert_int_eq(d.recorded, TS_RUN_LOST);
	ck_assert_str_eq(d.error, "gave up after 3 attempts: lease expired");
}
END_TEST

START_TEST(monthly_keeps_anchor_day)
{
	struct ts_finish_attempt a = attempt(TS_RUN_SUCCEEDED, 1);
	struct ts_finish_decision d;

	a.recurrence = TS_RECUR_MONTHLY;
	a.anchor_day = 31;
	a.run_at = at("2027-01-31T09:30:00Z");
	a.now = at("2027-01-31T09:30:02Z");
	ts_finish_plan_decide(&a, &d);
	ck_assert(d.has_next);
	ck_assert_int_eq(d.next_run_at, at("2027-02-28T09:30:00Z"));

	/* from the clamped February date the series goes back to the 31st */
	a.run_at = d.next_run_at;
	a.now = at("2027-02-28T09:30:02Z");
	ts_finish_plan_decide(&a, &d);
	ck_assert_int_eq(d.next_run_at, at("2027-03-31T09:30:00Z"));
}
END_TEST

START_TEST(missed_occurrences_are_skipped)
{
	struct ts_finish_attempt a = attempt(TS_RUN_SUCCEEDED, 1);
	struct ts_finish_decision d;

	a.recurrence = TS_RECUR_DAILY;
	a.now = at("2027-03-20T12:00:00Z");
	ts_finish_plan_decide(&a, &d);
	ck_assert(d.has_next);
	ck_assert_int_eq(d.next_run_at, at("2027-03-21T10:00:00Z"));
}
END_TEST

START_TEST(series_ends_at_calendar_end)
{
	struct ts_finish_attempt a = attempt(TS_RUN_SUCCEEDED, 1);
	struct ts_finish_decision d;

	a.recurrence = TS_RECUR_MONTHLY;
	a.anchor_day = 15;
	a.run_at = at("9999-12-15T00:00:00Z");
	a.now = a.run_at;
	ts_finish_plan_decide(&a, &d);
	ck_assert_int_eq(d.status, TS_STATUS_COMPLETED);
	ck_assert(!d.has_next);
}
END_TEST

static Suite *finish_plan_suite(void)
{
	Suite *s = suite_create("finish_plan");
	TCase *tc = tcase_create("outcomes");

	tcase_add_test(tc, success_completes);
	tcase_add_test(tc, retryable_with_attempts_left_waits_for_backoff);
	tcase_add_test(tc, out_of_attempts_fails);
	tcase_add_test(tc, non_retryable_fails_at_once);
	tcase_add_test(tc, lost_is_scheduled_or_failed);
	suite_add_tcase(s, tc);
	tc = tcase_create("series");
	tcase_add_test(tc, success_of_recurring_schedules_next);
	tcase_add_test(tc, out_of_attempts_of_recurring_schedules_next);
	tcase_add_test(tc, monthly_keeps_anchor_day);
	tcase_add_test(tc, missed_occurrences_are_skipped);
	tcase_add_test(tc, series_ends_at_calendar_end);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(finish_plan_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
