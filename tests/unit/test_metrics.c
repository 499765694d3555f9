/* test_metrics.c -- the metric families (src/lib/metrics.h) and the text
 * format writer (src/lib/promtext.h): which bucket an observation lands
 * in, what an outcome counts, and the exposition Prometheus reads. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics.h"
#include "promtext.h"

static size_t bucket_of(const struct ts_histogram_bounds *b, int64_t us)
{
	struct ts_histogram h;

	memset(&h, 0, sizeof(h));
	ts_histogram_observe(&h, b, us);
	for (size_t i = 0; i <= b->count; i++) {
		if (h.buckets[i])
			return i;
	}
	ck_abort_msg("no bucket counted %lld", (long long)us);
	return 0;
}

START_TEST(bounds_are_inclusive_upper_limits)
{
	const struct ts_histogram_bounds *b = &ts_metrics_lateness;

	ck_assert_str_eq(b->le[0], "0.001");
	ck_assert_str_eq(b->le[b->count - 1], "60");
	ck_assert_uint_eq(bucket_of(b, 0), 0);
	ck_assert_uint_eq(bucket_of(b, 1000), 0);           /* le="0.001" holds 1 ms */
	ck_assert_uint_eq(bucket_of(b, 1001), 1);
	ck_assert_uint_eq(bucket_of(b, 60000000), b->count - 1);
	ck_assert_uint_eq(bucket_of(b, 60000001), b->count); /* +Inf */
	for (size_t i = 1; i < b->count; i++)
		ck_assert_int_lt(b->us[i - 1], b->us[i]);
}
END_TEST

START_TEST(negative_observation_counts_as_zero)
{
	struct ts_histogram h;

	memset(&h, 0, sizeof(h));
	ts_histogram_observe(&h, &ts_metrics_lateness, -250000);
	ts_histogram_observe(&h, &ts_metrics_lateness, 1500000);
	ck_assert_uint_eq(h.buckets[0], 1);
	ck_assert_uint_eq(h.sum_us, 1500000);
}
END_TEST

START_TEST(le_text_maps_back_to_its_bucket)
{
	const struct ts_histogram_bounds *b = &ts_metrics_webhook_duration;

	ck_assert_int_eq(ts_histogram_bucket_of(b, "+Inf"), (int)b->count);
	ck_assert_int_eq(ts_histogram_bucket_of(b, b->le[3]), 3);
	ck_assert_int_eq(ts_histogram_bucket_of(b, "0.007"), -1);
}
END_TEST

START_TEST(lateness_counts_first_attempts_only)
{
	struct ts_metrics_delta d;
	struct ts_metrics_attempt first = {
		.recorded = TS_RUN_SUCCEEDED, .attempt = 1, .run_at = 10000000,
		.started_at = 10002000, .finished_at = 10052000, .webhook_sent = true,
	};
	struct ts_metrics_attempt retry = first;
	struct ts_metrics_attempt lost = { .recorded = TS_RUN_LOST, .attempt = 1,
					   .run_at = 10000000, .finished_at = 99000000 };

	retry.attempt = 2;
	retry.recorded = TS_RUN_RETRY;
	memset(&d, 0, sizeof(d));
	ts_metrics_delta_add(&d, &first);
	ts_metrics_delta_add(&d, &retry);
	ts_metrics_delta_add(&d, &lost);
	ck_assert_uint_eq(d.runs[TS_RUN_SUCCEEDED], 1);
	ck_assert_uint_eq(d.runs[TS_RUN_RETRY], 1);
	ck_assert_uint_eq(d.runs[TS_RUN_LOST], 1);
	ck_assert_uint_eq(d.runs[TS_RUN_FAILED], 0);
	/* One lateness: the first attempt's 2 ms; a lost attempt's start is
	 * unknown. Two webhook durations of 50 ms. */
	ck_assert_uint_eq(d.lateness.sum_us, 2000);
	ck_assert_uint_eq(d.lateness.buckets[1], 1);
	ck_assert_uint_eq(d.webhook_duration.sum_us, 100000);
}
END_TEST

START_TEST(webhook_duration_needs_a_request)
{
	struct ts_metrics_delta d;
	struct ts_metrics_attempt message = {
		.recorded = TS_RUN_SUCCEEDED, .attempt = 1, .run_at = 1,
		.started_at = 2, .finished_at = 3, .webhook_sent = false,
	};

	memset(&d, 0, sizeof(d));
	ts_metrics_delta_add(&d, &message);
	for (size_t i = 0; i <= ts_metrics_webhook_duration.count; i++)
		ck_assert_uint_eq(d.webhook_duration.buckets[i], 0);
}
END_TEST

/* The line of `text` that starts with `prefix`, up to its newline. */
static char *line_of(const char *text, const char *prefix, char *buf, size_t size)
{
	const char *p = text;

	while (p && *p) {
		if (strncmp(p, prefix, strlen(prefix)) == 0) {
			size_t n = strcspn(p, "\n");
			ck_assert_uint_lt(n, size);
			memcpy(buf, p, n);
			buf[n] = '\0';
			return buf;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	ck_abort_msg("no line starts with %s in:\n%s", prefix, text);
	return NULL;
}

START_TEST(render_lists_every_status_and_cumulative_buckets)
{
	struct ts_metrics_snapshot s;
	char *text = NULL, buf[256];
	struct ts_error err;

	memset(&s, 0, sizeof(s));
	s.tasks[TS_STATUS_SCHEDULED] = 7;
	s.runs[TS_RUN_SUCCEEDED] = 5;
	s.lateness.buckets[0] = 2;
	s.lateness.buckets[2] = 3;
	s.lateness.buckets[ts_metrics_lateness.count] = 1;
	s.lateness.sum_us = 61500000;
	s.oldest_due_us = 2500000;
	s.executor_last_run = INT64_C(1796400000123456);
	ck_assert_int_eq(ts_metrics_render(&s, "1.2.3", &text, &err), TS_OK);
	for (unsigned i = 0; i < TS_STATUS_COUNT; i++) {
		char want[64];
		snprintf(want, sizeof(want), "tasksched_tasks{status=\"%s\"} %d",
			 ts_task_status_name(i), i == TS_STATUS_SCHEDULED ? 7 : 0);
		char prefix[64];
		snprintf(prefix, sizeof(prefix), "tasksched_tasks{status=\"%s\"}",
			 ts_task_status_name(i));
		ck_assert_str_eq(line_of(text, prefix, buf, sizeof(buf)), want);
	}
	ck_assert_str_eq(line_of(text, "tasksched_runs_total{outcome=\"succeeded\"}", buf,
				 sizeof(buf)), "tasksched_runs_total{outcome=\"succeeded\"} 5");
	ck_assert_str_eq(line_of(text, "tasksched_runs_total{outcome=\"lost\"}", buf, sizeof(buf)),
			 "tasksched_runs_total{outcome=\"lost\"} 0");
	ck_assert_str_eq(line_of(text, "# TYPE tasksched_runs_total", buf, sizeof(buf)),
			 "# TYPE tasksched_runs_total counter");
	ck_assert_str_eq(line_of(text, "tasksched_fire_lateness_seconds_bucket{le=\"0.001\"}",
				 buf, sizeof(buf)),
			 "tasksched_fire_lateness_seconds_bucket{le=\"0.001\"} 2");
	ck_assert_str_eq(line_of(text, "tasksched_fire_lateness_seconds_bucket{le=\"0.0025\"}",
				 buf, sizeof(buf)),
			 "tasksched_fire_lateness_seconds_bucket{le=\"0.0025\"} 2");
	ck_assert_str_eq(line_of(text, "tasksched_fire_lateness_seconds_bucket{le=\"60\"}",
				 buf, sizeof(buf)),
			 "tasksched_fire_lateness_seconds_bucket{le=\"60\"} 5");
	ck_assert_str_eq(line_of(text, "tasksched_fire_lateness_seconds_bucket{le=\"+Inf\"}",
				 buf, sizeof(buf)),
			 "tasksched_fire_lateness_seconds_bucket{le=\"+Inf\"} 6");
	ck_assert_str_eq(line_of(text, "tasksched_fire_lateness_seconds_count", buf, sizeof(buf)),
			 "tasksched_fire_lateness_seconds_count 6");
	ck_assert_str_eq(line_of(text, "tasksched_fire_lateness_seconds_sum", buf, sizeof(buf)),
			 "tasksched_fire_lateness_seconds_sum 61.500000");
	ck_assert_str_eq(line_of(text, "tasksched_oldest_due_seconds ", buf, sizeof(buf)),
			 "tasksched_oldest_due_seconds 2.500000");
	ck_assert_str_eq(line_of(text, "tasksched_executor_last_run_timestamp_seconds ", buf,
				 sizeof(buf)),
			 "tasksched_executor_last_run_timestamp_seconds 1796400000.123456");
	ck_assert_str_eq(line_of(text, "tasksched_build_info", buf, sizeof(buf)),
			 "tasksched_build_info{version=\"1.2.3\"} 1");
	ck_assert_int_eq(text[strlen(text) - 1], '\n');
	free(text);
}
END_TEST

START_TEST(label_values_and_help_are_escaped)
{
	struct ts_promtext p;
	char *text;

	ts_promtext_init(&p);
	ts_promtext_family(&p, "x", "gauge", "a \"quoted\" back\\slash\nnewline");
	ts_promtext_int(&p, "x", "v", "say \"hi\"\\\n", -3);
	ts_promtext_seconds(&p, "y", NULL, NULL, -1500);
	text = ts_promtext_finish(&p);
	ck_assert_ptr_nonnull(text);
	ck_assert_str_eq(text,
			 "# HELP x a \"quoted\" back\\\\slash\\nnewline\n"
			 "# TYPE x gauge\n"
			 "x{v=\"say \\\"hi\\\"\\\\\\n\"} -3\n"
			 "y -0.001500\n");
	free(text);
}
END_TEST

static Suite *metrics_suite(void)
{
	Suite *s = suite_create("metrics");
	TCase *tc = tcase_create("histograms");

	tcase_add_test(tc, bounds_are_inclusive_upper_limits);
	tcase_add_test(tc, negative_observation_counts_as_zero);
	tcase_add_test(tc, le_text_maps_back_to_its_bucket);
	suite_add_tcase(s, tc);
	tc = tcase_create("outcomes");
	tcase_add_test(tc, lateness_counts_first_attempts_only);
	tcase_add_test(tc, webhook_duration_needs_a_request);
	suite_add_tcase(s, tc);
	tc = tcase_create("text");
	tcase_add_test(tc, render_lists_every_status_and_cumulative_buckets);
	tcase_add_test(tc, label_values_and_help_are_escaped);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(metrics_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
