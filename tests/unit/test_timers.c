/* test_timers.c -- the executor's table of timed jobs
 * (src/executor/timers.h): which timers run, in what order, what they are
 * rescheduled to, and what the loop sleeps until. */
#include "config.h"

#include <check.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "timers.h"

/* What the jobs saw; the arg given to every callback. */
struct log {
	char order[16];         /* first letters of the jobs that ran */
	int64_t seen_now;
	bool gate;              /* what gated() answers */
	bool a_ran;             /* job "a" has run (for b's readiness) */
};

static void note(struct log *l, char c, int64_t now)
{
	size_t n = strlen(l->order);

	if (n + 1 < sizeof(l->order))
		l->order[n] = c;
	l->seen_now = now;
}

static int64_t fire_a(void *arg, int64_t now)
{
	struct log *l = arg;

	note(l, 'a', now);
	l->a_ran = true;
	return now + 100;
}

static int64_t fire_b(void *arg, int64_t now)
{
	note(arg, 'b', now);
	return now; /* asks to run again at once */
}

static int64_t fire_c(void *arg, int64_t now)
{
	note(arg, 'c', now);
	return TS_TIMERS_NEVER;
}

static bool gated(void *arg)
{
	return ((struct log *)arg)->gate;
}

static bool after_a(void *arg)
{
	return ((struct log *)arg)->a_ran;
}

START_TEST(runs_due_ready_in_order)
{
	struct log l = { .gate = true };
	struct ts_timer t[] = {
		{ .name = "a", .when = 10, .fire = fire_a },
		{ .name = "b", .when = 20, .ready = gated, .fire = fire_b },
		{ .name = "c", .when = 31, .fire = fire_c },
	};

	/* At 5 nothing is due. */
	ck_assert_uint_eq(ts_timers_run(t, 3, 5, &l), 0);
	ck_assert_str_eq(l.order, "");
	/* At 30: a and b, in table order, each rescheduled by its return. */
	ck_assert_uint_eq(ts_timers_run(t, 3, 30, &l), 2);
	ck_assert_str_eq(l.order, "ab");
	ck_assert_int_eq(l.seen_now, 30);
	ck_assert_int_eq(t[0].when, 130);
	ck_assert_int_eq(t[1].when, 30);
	ck_assert_int_eq(t[2].when, 31);
	/* b asked for the next pass, and gets it; c fires and turns off. */
	ck_assert_uint_eq(ts_timers_run(t, 3, 31, &l), 2);
	ck_assert_str_eq(l.order, "abbc");
	ck_assert_int_eq(t[2].when, TS_TIMERS_NEVER);
	/* Off stays off, however late it gets, until armed again. */
	ck_assert_uint_eq(ts_timers_run(t, 3, 100, &l), 1);
	ck_assert_str_eq(l.order, "abbcb");
	ts_timers_arm(&t[2], 100);
	ck_assert_uint_eq(ts_timers_run(t, 3, 100, &l), 2);
	ck_assert_str_eq(l.order, "abbcbbc");
}
END_TEST

START_TEST(not_ready_is_skipped)
{
	struct log l = { .gate = false };
	struct ts_timer t[] = {
		{ .name = "b", .when = 0, .ready = gated, .fire = fire_b },
	};

	ck_assert_uint_eq(ts_timers_run(t, 1, 50, &l), 0);
	ck_assert_int_eq(t[0].when, 0); /* still due, for when it is ready */
	l.gate = true;
	ck_assert_uint_eq(ts_timers_run(t, 1, 50, &l), 1);
	ck_assert_str_eq(l.order, "b");
}
END_TEST

START_TEST(readiness_sees_earlier_jobs)
{
	struct log l = { 0 };
	struct ts_timer t[] = {
		{ .name = "a", .when = 0, .fire = fire_a },
		{ .name = "c", .when = 0, .ready = after_a, .fire = fire_c },
	};

	/* c becomes ready because a ran earlier in the same pass. */
	ck_assert_uint_eq(ts_timers_run(t, 2, 0, &l), 2);
	ck_assert_str_eq(l.order, "ac");
}
END_TEST

START_TEST(nearest_of_ready)
{
	struct log l = { .gate = false };
	struct ts_timer t[] = {
		{ .name = "a", .when = 500, .fire = fire_a },
		{ .name = "b", .when = 100, .ready = gated, .fire = fire_b },
		{ .name = "c", .when = TS_TIMERS_NEVER, .fire = fire_c },
	};

	/* b is earlier but not ready: the loop must not wake for it. */
	ck_assert_int_eq(ts_timers_nearest(t, 3, 1000, &l), 500);
	l.gate = true;
	ck_assert_int_eq(ts_timers_nearest(t, 3, 1000, &l), 100);
	/* The limit bounds the sleep. */
	ck_assert_int_eq(ts_timers_nearest(t, 3, 50, &l), 50);
	/* Nothing ready: the limit. */
	ck_assert_int_eq(ts_timers_nearest(&t[2], 1, 1000, &l), 1000);
	ck_assert_int_eq(ts_timers_nearest(t, 0, 1000, &l), 1000);
}
END_TEST

START_TEST(timeout_rounds_up)
{
	ck_assert_int_eq(ts_timers_timeout_ms(1000, 1000), 0);
	ck_assert_int_eq(ts_timers_timeout_ms(900, 1000), 0);
	ck_assert_int_eq(ts_timers_timeout_ms(1001, 1000), 1);
	ck_assert_int_eq(ts_timers_timeout_ms(2000, 1000), 1);
	ck_assert_int_eq(ts_timers_timeout_ms(2001, 1000), 2);
	ck_assert_int_eq(ts_timers_timeout_ms(TS_TIMERS_NEVER, 0), INT_MAX);
}
END_TEST

static Suite *timers_suite(void)
{
	Suite *s = suite_create("timers");
	TCase *tc = tcase_create("table");

	tcase_add_test(tc, runs_due_ready_in_order);
	tcase_add_test(tc, not_ready_is_skipped);
	tcase_add_test(tc, readiness_sees_earlier_jobs);
	tcase_add_test(tc, nearest_of_ready);
	tcase_add_test(tc, timeout_rounds_up);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(timers_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
