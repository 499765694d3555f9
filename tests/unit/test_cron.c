/* test_cron.c -- the cron parser and matcher (src/lib/cron.h): every
 * syntax element, the day-of-month/day-of-week rule, and every error.
 * Expected times are written out as calendar times and converted with the
 * C library's timegm(). */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cron.h"

/* Seconds since the epoch of a UTC calendar time, by the C library. */
static int64_t at(int y, int mo, int d, int h, int mi, int s)
{
	struct tm tm = { 0 };

	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = s;
	return (int64_t)timegm(&tm);
}

static struct ts_cron parse_ok(const char *text)
{
	struct ts_cron c;
	struct ts_error err = { 0 };

	ck_assert_msg(ts_cron_parse(text, "cron", &c, &err) == TS_OK, "'%s' rejected: %s", text,
		      err.message);
	return c;
}

/* The `n` matches of `text` that follow `from` (the first at or after it)
 * must be `want`. */
static void expect(const char *text, int64_t from, const int64_t *want, int n)
{
	struct ts_cron c = parse_ok(text);
	int64_t t = from;

	for (int i = 0; i < n; i++) {
		int64_t got = 0;
		ck_assert_msg(ts_cron_next(&c, t, INT64_MAX / 4, &got), "'%s': match %d missing",
			      text, i);
		ck_assert_msg(got == want[i], "'%s': match %d is %lld, want %lld", text, i,
			      (long long)got, (long long)want[i]);
		t = got + 1;
	}
}

/* `text` must be rejected naming field "cron" with `why` in the message. */
static void expect_error(const char *text, const char *why)
{
	struct ts_cron c;
	struct ts_error err = { 0 };
	enum ts_err rc = ts_cron_parse(text, "cron", &c, &err);

	ck_assert_msg(rc == TS_ERR_INVALID, "'%s' accepted", text);
	ck_assert_str_eq(err.field, "cron");
	ck_assert_str_eq(err.code, "invalid_field");
	ck_assert_msg(strstr(err.message, why) != NULL, "'%s': message '%s' lacks '%s'", text,
		      err.message, why);
}

START_TEST(five_fields_minute_hour)
{
	const int64_t want[] = { at(2027, 1, 1, 2, 30, 0), at(2027, 1, 2, 2, 30, 0) };

	expect("30 2 * * *", at(2027, 1, 1, 0, 0, 0), want, 2);
	/* A match exactly at `from` counts. */
	expect("30 2 * * *", at(2027, 1, 1, 2, 30, 0), want, 1);
}
END_TEST

START_TEST(six_fields_seconds)
{
	const int64_t want[] = { at(2027, 1, 1, 0, 0, 10), at(2027, 1, 1, 0, 0, 40),
				 at(2027, 1, 1, 0, 1, 10) };
	const int64_t every[] = { at(2027, 1, 1, 0, 0, 1), at(2027, 1, 1, 0, 0, 2) };

	expect("10-59/30 * * * * *", at(2027, 1, 1, 0, 0, 1), want, 3);
	expect("* * * * * *", at(2027, 1, 1, 0, 0, 1), every, 2);
}
END_TEST

START_TEST(lists_ranges_steps)
{
	const int64_t list[] = { at(2027, 1, 1, 0, 5, 0), at(2027, 1, 1, 0, 17, 0),
				 at(2027, 1, 1, 0, 59, 0), at(2027, 1, 1, 1, 5, 0) };
	const int64_t range[] = { at(2027, 1, 1, 10, 0, 0), at(2027, 1, 1, 11, 0, 0),
				  at(2027, 1, 1, 12, 0, 0), at(2027, 1, 2, 10, 0, 0) };
	const int64_t step[] = { at(2027, 1, 1, 0, 0, 0), at(2027, 1, 1, 0, 15, 0),
				 at(2027, 1, 1, 0, 30, 0), at(2027, 1, 1, 0, 45, 0),
				 at(2027, 1, 1, 1, 0, 0) };
	const int64_t range_step[] = { at(2027, 1, 1, 0, 10, 0), at(2027, 1, 1, 0, 30, 0),
				       at(2027, 1, 1, 0, 50, 0), at(2027, 1, 1, 1, 10, 0) };
	const int64_t mixed[] = { at(2027, 1, 1, 1, 0, 0), at(2027, 1, 1, 3, 0, 0),
				  at(2027, 1, 1, 8, 0, 0), at(2027, 1, 1, 9, 0, 0),
				  at(2027, 1, 1, 20, 0, 0), at(2027, 1, 2, 1, 0, 0) };

	expect("5,17,59 * * * *", at(2027, 1, 1, 0, 0, 0), list, 4);
	expect("0 10-12 * * *", at(2027, 1, 1, 0, 0, 0), range, 4);
	expect("*/15 * * * *", at(2027, 1, 1, 0, 0, 0), step, 5);
	expect("10-50/20 * * * *", at(2027, 1, 1, 0, 0, 0), range_step, 4);
	expect("0 1-3/2,8-9,20 * * *", at(2027, 1, 1, 0, 0, 0), mixed, 6);
}
END_TEST

START_TEST(month_names_any_case)
{
	/* jan-jun/2: January, March, May. */
	const int64_t want[] = { at(2027, 1, 1, 0, 0, 0), at(2027, 3, 1, 0, 0, 0),
				 at(2027, 5, 1, 0, 0, 0), at(2028, 1, 1, 0, 0, 0) };
	const int64_t mixed[] = { at(2027, 2, 1, 0, 0, 0), at(2027, 12, 1, 0, 0, 0),
				  at(2028, 2, 1, 0, 0, 0) };

	expect("0 0 1 jan-jun/2 *", at(2027, 1, 1, 0, 0, 0), want, 4);
	expect("0 0 1 JAN-Jun/2 *", at(2027, 1, 1, 0, 0, 0), want, 4);
	expect("0 0 1 Feb,DEC *", at(2027, 1, 1, 0, 0, 0), mixed, 3);
}
END_TEST

START_TEST(weekday_names_and_sunday)
{
	/* 2027-01-03 is a Sunday. */
	const int64_t sundays[] = { at(2027, 1, 3, 0, 0, 0), at(2027, 1, 10, 0, 0, 0) };
	const int64_t weekdays[] = { at(2027, 1, 4, 9, 0, 0), at(2027, 1, 5, 9, 0, 0),
				     at(2027, 1, 6, 9, 0, 0), at(2027, 1, 7, 9, 0, 0),
				     at(2027, 1, 8, 9, 0, 0), at(2027, 1, 11, 9, 0, 0) };
	const int64_t daily[] = { at(2027, 1, 2, 0, 0, 0), at(2027, 1, 3, 0, 0, 0),
				  at(2027, 1, 4, 0, 0, 0) };
	const int64_t weekend[] = { at(2027, 1, 8, 0, 0, 0), at(2027, 1, 9, 0, 0, 0),
				    at(2027, 1, 10, 0, 0, 0), at(2027, 1, 15, 0, 0, 0) };

	expect("0 0 * * 0", at(2027, 1, 2, 0, 0, 0), sundays, 2);
	expect("0 0 * * 7", at(2027, 1, 2, 0, 0, 0), sundays, 2);
	expect("0 0 * * sun", at(2027, 1, 2, 0, 0, 0), sundays, 2);
	expect("0 9 * * mon-fri", at(2027, 1, 2, 0, 0, 0), weekdays, 6);
	expect("0 9 * * Mon,TUE,wed,thu,FRI", at(2027, 1, 2, 0, 0, 0), weekdays, 6);
	/* SUN ending a range is 7: MON-SUN is every day. */
	expect("0 0 * * MON-SUN", at(2027, 1, 2, 0, 0, 0), daily, 3);
	expect("0 0 * * 5-7", at(2027, 1, 4, 0, 0, 0), weekend, 4);
	expect("0 0 * * fri-sun", at(2027, 1, 4, 0, 0, 0), weekend, 4);
	/* Names with steps: MON-SUN/2 is Mon, Wed, Fri, Sun. */
	const int64_t alternate[] = { at(2027, 1, 4, 0, 0, 0), at(2027, 1, 6, 0, 0, 0),
				      at(2027, 1, 8, 0, 0, 0), at(2027, 1, 10, 0, 0, 0),
				      at(2027, 1, 11, 0, 0, 0) };
	expect("0 0 * * MON-SUN/2", at(2027, 1, 4, 0, 0, 0), alternate, 5);
}
END_TEST

START_TEST(last_day_of_month)
{
	const int64_t want[] = { at(2027, 1, 31, 0, 0, 0), at(2027, 2, 28, 0, 0, 0),
				 at(2027, 3, 31, 0, 0, 0), at(2027, 4, 30, 0, 0, 0) };
	const int64_t leap[] = { at(2028, 2, 29, 0, 0, 0), at(2028, 3, 31, 0, 0, 0) };

	expect("0 0 L * *", at(2027, 1, 1, 0, 0, 0), want, 4);
	expect("0 0 l * *", at(2027, 1, 1, 0, 0, 0), want, 4);
	expect("0 0 L * *", at(2028, 2, 1, 0, 0, 0), leap, 2);
}
END_TEST

START_TEST(leap_day)
{
	const int64_t want[] = { at(2028, 2, 29, 0, 0, 0), at(2032, 2, 29, 0, 0, 0),
				 at(2036, 2, 29, 0, 0, 0) };

	expect("0 0 29 2 *", at(2027, 1, 1, 0, 0, 0), want, 3);
	/* 2100 is no leap year. */
	const int64_t century[] = { at(2096, 2, 29, 0, 0, 0), at(2104, 2, 29, 0, 0, 0) };
	expect("0 0 29 2 *", at(2096, 1, 1, 0, 0, 0), century, 2);
}
END_TEST

START_TEST(day_fields_or_when_both_restricted)
{
	/* The 13th or any Friday (2027-08-13 is a Friday). */
	const int64_t either[] = { at(2027, 8, 6, 0, 0, 0), at(2027, 8, 13, 0, 0, 0),
				   at(2027, 8, 20, 0, 0, 0), at(2027, 8, 27, 0, 0, 0),
				   at(2027, 9, 3, 0, 0, 0), at(2027, 9, 10, 0, 0, 0),
				   at(2027, 9, 13, 0, 0, 0) };
	/* `*` followed by a step is not a restriction: odd days AND Mondays. */
	const int64_t both[] = { at(2027, 1, 11, 0, 0, 0), at(2027, 1, 25, 0, 0, 0),
				 at(2027, 2, 1, 0, 0, 0), at(2027, 2, 15, 0, 0, 0) };
	/* L is a restriction: the last day or any Monday. */
	const int64_t last_or_monday[] = { at(2027, 1, 25, 0, 0, 0), at(2027, 1, 31, 0, 0, 0),
					   at(2027, 2, 1, 0, 0, 0) };
	/* Only day-of-week restricted: just Fridays. */
	const int64_t fridays[] = { at(2027, 8, 6, 0, 0, 0), at(2027, 8, 13, 0, 0, 0) };

	expect("0 0 13 * FRI", at(2027, 8, 1, 0, 0, 0), either, 7);
	expect("0 0 */2 * MON", at(2027, 1, 1, 0, 0, 0), both, 4);
	expect("0 0 L * MON", at(2027, 1, 19, 0, 0, 0), last_or_monday, 3);
	expect("0 0 * * FRI", at(2027, 8, 1, 0, 0, 0), fridays, 2);
}
END_TEST

START_TEST(macros)
{
	const int64_t yearly[] = { at(2028, 1, 1, 0, 0, 0) };
	const int64_t monthly[] = { at(2027, 2, 1, 0, 0, 0) };
	const int64_t weekly[] = { at(2027, 1, 3, 0, 0, 0) };
	const int64_t daily[] = { at(2027, 1, 2, 0, 0, 0) };
	const int64_t hourly[] = { at(2027, 1, 1, 1, 0, 0) };
	int64_t from = at(2027, 1, 1, 0, 0, 1);

	expect("@yearly", from, yearly, 1);
	expect("@annually", from, yearly, 1);
	expect("@monthly", from, monthly, 1);
	expect("@weekly", from, weekly, 1);
	expect("@daily", from, daily, 1);
	expect("@midnight", from, daily, 1);
	expect("@hourly", from, hourly, 1);
	expect("  @HOURLY ", from, hourly, 1);
}
END_TEST

START_TEST(white_space)
{
	const int64_t want[] = { at(2027, 1, 1, 2, 30, 0) };

	expect("  30\t2  *  * *  ", at(2027, 1, 1, 0, 0, 0), want, 1);
}
END_TEST

START_TEST(limit_and_calendar_end)
{
	struct ts_cron c = parse_ok("0 0 1 1 *");
	int64_t got;

	ck_assert(!ts_cron_next(&c, at(2027, 1, 2, 0, 0, 0), at(2027, 12, 31, 0, 0, 0), &got));
	ck_assert(ts_cron_next(&c, at(2027, 1, 2, 0, 0, 0), at(2028, 1, 1, 0, 0, 0), &got));
	ck_assert_int_eq(got, at(2028, 1, 1, 0, 0, 0));
	ck_assert(!ts_cron_next(&c, at(9999, 1, 1, 0, 0, 1), INT64_MAX / 4, &got));
}
END_TEST

START_TEST(errors_out_of_range)
{
	expect_error("61 * * * *", "minute 61 is out of range 0-59");
	expect_error("* 24 * * *", "hour 24 is out of range 0-23");
	expect_error("* * 0 * *", "day-of-month 0 is out of range 1-31");
	expect_error("* * 32 * *", "day-of-month 32 is out of range 1-31");
	expect_error("* * * 0 *", "month 0 is out of range 1-12");
	expect_error("* * * 13 *", "month 13 is out of range 1-12");
	expect_error("* * * * 8", "day-of-week 8 is out of range 0-7");
	expect_error("60 * * * * *", "second 60 is out of range 0-59");
	expect_error("99999999 * * * *", "minute 99999999 is out of range 0-59");
	expect_error("1-70 * * * *", "minute 70 is out of range 0-59");
}
END_TEST

START_TEST(errors_structure)
{
	expect_error("", "is empty");
	expect_error("   ", "has 0 fields");
	expect_error("* * * *", "has 4 fields; expected 5");
	expect_error("* * * * * * *", "has at least 7 fields");
	expect_error("0 0 * * FRI-MON", "range FRI-MON in day-of-week wraps around");
	expect_error("30-10 * * * *", "range 30-10 in minute wraps around");
	expect_error("*/0 * * * *", "minute step 0 is out of range 1-60");
	expect_error("*/61 * * * *", "minute step 61 is out of range 1-60");
	expect_error("5/2 * * * *", "a step needs * or a range");
	expect_error("*/ * * * *", "a step is missing");
	expect_error("*/a * * * *", "the step must be a number");
	expect_error("1,,2 * * * *", "minute has an empty list item");
	expect_error("1, * * * *", "minute has an empty list item");
	expect_error("-5 * * * *", "a value is missing in minute");
	expect_error("x * * * *", "'x' in minute is not a number");
	expect_error("1-2-3 * * * *", "'2-3' in minute is not a number");
	expect_error("jan * * * *", "'jan' in minute is not a number");
	expect_error("* * * FOO *", "'FOO' in month is not a number or a name");
	expect_error("* * * * MONDAY", "'MONDAY' in day-of-week is not a number or a name");
	expect_error("* * * L *", "L is allowed only in day-of-month, not in month");
	expect_error("L * * * *", "L is allowed only in day-of-month, not in minute");
	expect_error("0 0 1,L * *", "L must stand alone in day-of-month");
	expect_error("0 0 L-2 * *", "'L' in day-of-month is not a number");
	expect_error("@often", "unknown macro '@often'");
	expect_error("@daily 5", "unknown macro '@daily'");
	expect_error("0 0 * * \xc3\xa9", "not printable ASCII");
	expect_error("0 0\n* * *", "not printable ASCII");
}
END_TEST

START_TEST(errors_never_fires)
{
	expect_error("0 0 30 2 *", "never fires");
	expect_error("0 0 31 4,6,9,11 *", "never fires");
	expect_error("0 0 30,31 feb *", "never fires");
	/* With day-of-week restricted too, either day field may match. */
	parse_ok("0 0 30 2 MON");
	/* February 29 fires in leap years. */
	parse_ok("0 0 29 2 *");
}
END_TEST

START_TEST(error_too_long)
{
	char text[TS_CRON_TEXT_MAX + 8];

	memset(text, ' ', sizeof(text) - 1);
	text[sizeof(text) - 1] = '\0';
	memcpy(text, "* * * * *", 9);
	expect_error(text, "is longer than");
}
END_TEST

static Suite *cron_suite(void)
{
	Suite *s = suite_create("cron");
	TCase *syntax = tcase_create("syntax");
	TCase *errors = tcase_create("errors");

	tcase_add_test(syntax, five_fields_minute_hour);
	tcase_add_test(syntax, six_fields_seconds);
	tcase_add_test(syntax, lists_ranges_steps);
	tcase_add_test(syntax, month_names_any_case);
	tcase_add_test(syntax, weekday_names_and_sunday);
	tcase_add_test(syntax, last_day_of_month);
	tcase_add_test(syntax, leap_day);
	tcase_add_test(syntax, day_fields_or_when_both_restricted);
	tcase_add_test(syntax, macros);
	tcase_add_test(syntax, white_space);
	tcase_add_test(syntax, limit_and_calendar_end);
	tcase_add_test(errors, errors_out_of_range);
	tcase_add_test(errors, errors_structure);
	tcase_add_test(errors, errors_never_fires);
	tcase_add_test(errors, error_too_long);
	suite_add_tcase(s, syntax);
	suite_add_tcase(s, errors);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(cron_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
