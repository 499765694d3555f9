/* test_retry.c -- the retry policy (src/lib/retry.h) and Retry-After
 * parsing (src/lib/webhook.h): which outcomes are retried, the bounds of
 * exponential backoff with full jitter, and honouring Retry-After. */
#include "config.h"

#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include "retry.h"
#include "webhook.h"

START_TEST(classify_statuses)
{
	ck_assert_int_eq(ts_retry_classify(200, false), TS_RETRY_SUCCESS);
	ck_assert_int_eq(ts_retry_classify(204, false), TS_RETRY_SUCCESS);
	ck_assert_int_eq(ts_retry_classify(299, false), TS_RETRY_SUCCESS);
	/* retried: no response at all, timeouts, throttling, server errors */
	ck_assert_int_eq(ts_retry_classify(0, true), TS_RETRY_TRANSIENT);
	ck_assert_int_eq(ts_retry_classify(408, false), TS_RETRY_TRANSIENT);
	ck_assert_int_eq(ts_retry_classify(429, false), TS_RETRY_TRANSIENT);
	ck_assert_int_eq(ts_retry_classify(500, false), TS_RETRY_TRANSIENT);
	ck_assert_int_eq(ts_retry_classify(503, false), TS_RETRY_TRANSIENT);
	ck_assert_int_eq(ts_retry_classify(599, false), TS_RETRY_TRANSIENT);
	/* given up at once: other client errors, unfollowed redirects */
	ck_assert_int_eq(ts_retry_classify(400, false), TS_RETRY_PERMANENT);
	ck_assert_int_eq(ts_retry_classify(404, false), TS_RETRY_PERMANENT);
	ck_assert_int_eq(ts_retry_classify(410, false), TS_RETRY_PERMANENT);
	ck_assert_int_eq(ts_retry_classify(301, false), TS_RETRY_PERMANENT);
	ck_assert_int_eq(ts_retry_classify(100, false), TS_RETRY_PERMANENT);
	/* a transport error wins over whatever status was seen */
	ck_assert_int_eq(ts_retry_classify(200, true), TS_RETRY_TRANSIENT);
}
END_TEST

START_TEST(backoff_bounds)
{
	const unsigned base = 1000, cap = 300000;

	/* The ceiling doubles per attempt: 1 s, 2 s, 4 s, ... up to the cap. */
	for (int attempt = 1; attempt <= 40; attempt++) {
		uint64_t ceiling = base;
		for (int i = 1; i < attempt && ceiling < cap; i++)
			ceiling *= 2;
		if (ceiling > cap)
			ceiling = cap;
		/* The largest random value reaches the ceiling exactly. */
		ck_assert_int_eq(ts_retry_delay_ms(attempt, base, cap, -1, ceiling), (int64_t)ceiling);
		ck_assert_int_eq(ts_retry_delay_ms(attempt, base, cap, -1, 0), 0);
		for (int i = 0; i < 200; i++) {
			int64_t d = ts_retry_delay_ms(attempt, base, cap, -1, ts_retry_random());
			ck_assert_int_ge(d, 0);
			ck_assert_int_le(d, (int64_t)ceiling);
		}
	}
	/* attempt 0 or negative counts as the first */
	ck_assert_int_le(ts_retry_delay_ms(0, base, cap, -1, UINT64_MAX), base);
}
END_TEST

START_TEST(jitter_spreads)
{
	/* Full jitter: delays of one attempt spread over the whole range,
	 * so retries of many tasks do not arrive together. */
	int low = 0, high = 0;

	for (int i = 0; i < 2000; i++) {
		int64_t d = ts_retry_delay_ms(5, 1000, 300000, -1, ts_retry_random());
		if (d < 4000)
			low++;
		else if (d > 12000)
			high++;
	}
	ck_assert_int_gt(low, 300);
	ck_assert_int_gt(high, 300);
}
END_TEST

START_TEST(retry_after_wins)
{
	ck_assert_int_eq(ts_retry_delay_ms(1, 1000, 300000, 2000, 12345), 2000);
	ck_assert_int_eq(ts_retry_delay_ms(7, 1000, 300000, 0, 12345), 0);
	/* bounded: a receiver cannot park a task for years */
	ck_assert_int_eq(ts_retry_delay_ms(1, 1000, 300000, INT64_C(1) << 50, 1),
			 TS_RETRY_AFTER_MAX_MS);
}
END_TEST

START_TEST(retry_after_seconds)
{
	time_t now = 1796000000;

	ck_assert_int_eq(ts_webhook_parse_retry_after("0", now), 0);
	ck_assert_int_eq(ts_webhook_parse_retry_after("2", now), 2000);
	ck_assert_int_eq(ts_webhook_parse_retry_after(" 120 ", now), 120000);
	ck_assert_int_eq(ts_webhook_parse_retry_after("99999999999999999999", now),
			 TS_RETRY_AFTER_SECS_MAX * 1000);
	ck_assert_int_eq(ts_webhook_parse_retry_after("-5", now), -1);
	ck_assert_int_eq(ts_webhook_parse_retry_after("1.5", now), -1);
	ck_assert_int_eq(ts_webhook_parse_retry_after("soon", now), -1);
	ck_assert_int_eq(ts_webhook_parse_retry_after("", now), -1);
}
END_TEST

START_TEST(retry_after_http_date)
{
	/* Sun, 06 Nov 1994 08:49:37 GMT is 784111777 (RFC 9110's example). */
	time_t date = 784111777;

	ck_assert_int_eq(ts_webhook_parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", date - 30), 30000);
	/* the obsolete forms RFC 9110 still asks recipients to accept */
	ck_assert_int_eq(ts_webhook_parse_retry_after("Sunday, 06-Nov-94 08:49:37 GMT", date - 5), 5000);
	ck_assert_int_eq(ts_webhook_parse_retry_after("Sun Nov  6 08:49:37 1994", date - 1), 1000);
	/* a date in the past means "now" */
	ck_assert_int_eq(ts_webhook_parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", date + 60), 0);
}
END_TEST

static Suite *retry_suite(void)
{
	Suite *s = suite_create("retry");
	TCase *tc = tcase_create("policy");

	tcase_add_test(tc, classify_statuses);
	tcase_add_test(tc, backoff_bounds);
	tcase_add_test(tc, jitter_spreads);
	tcase_add_test(tc, retry_after_wins);
	suite_add_tcase(s, tc);
	tc = tcase_create("retry-after");
	tcase_add_test(tc, retry_after_seconds);
	tcase_add_test(tc, retry_after_http_date);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(retry_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
