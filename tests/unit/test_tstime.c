/* test_tstime.c -- RFC 3339 parsing and formatting, calendar rules and
 * recurrence steps (src/lib/tstime.h). Expected instants come from the C
 * library's timegm(), an oracle independent of the code under test. */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "schedule.h"
#include "tstime.h"

#define DAY_US (INT64_C(86400) * TS_USEC_PER_SEC)
#define HOUR_US (INT64_C(3600) * TS_USEC_PER_SEC)

/* The instant of a UTC civil time, computed by the C library. */
static ts_time_us utc(int y, int mo, int d, int h, int mi, int s, int us)
{
	struct tm tm = { 0 };

	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = s;
	return (ts_time_us)timegm(&tm) * TS_USEC_PER_SEC + us;
}

/* The occurrence of a UTC daily/weekly/monthly series through `t` (the
 * monthly one keeping `anchor_day`, or t's day when 0) that follows `t`
 * and lies after `now`: what the executor gives a finished occurrence,
 * from the schedule engine. `t` itself when the series has none. */
static ts_time_us recurrence_next(ts_time_us t, enum ts_recurrence r, int anchor_day,
				  ts_time_us now)
{
	struct ts_schedule s = { .recurrence = r, .anchor_day = anchor_day };
	struct ts_occurrence o;

	ts_schedule_anchor(&s, t);
	return ts_schedule_following(&s, TS_CATCH_UP_SKIP, t, now, &o) ? o.at : t;
}

/* One step of such a series. */
static ts_time_us recurrence_step(ts_time_us t, enum ts_recurrence r, int anchor_day)
{
	return recurrence_next(t, r, anchor_day, t);
}

/* Parses `text`, which must be accepted, and returns the instant. */
static ts_time_us parse_ok(const char *text)
{
	ts_time_us t = -1;
	const char *why = NULL;
	enum ts_err rc = ts_time_parse_rfc3339(text, &t, &why);

	ck_assert_msg(rc == TS_OK, "'%s' rejected: %s", text, why ? why : "(no reason)");
	return t;
}

/* `text` must be rejected with TS_ERR_INVALID and a reason. */
static void parse_bad(const char *text)
{
	ts_time_us t = 0;
	const char *why = NULL;
	enum ts_err rc = ts_time_parse_rfc3339(text, &t, &why);

	ck_assert_msg(rc == TS_ERR_INVALID, "'%s' accepted (rc %d)", text, (int)rc);
	ck_assert_msg(why != NULL && why[0] != '\0', "'%s' rejected without a reason", text);
}

/* ---- parsing ---------------------------------------------------------- */

START_TEST(parse_zulu_forms)
{
	ts_time_us want = utc(2026, 3, 1, 9, 0, 0, 0);

	ck_assert_int_eq(parse_ok("2026-03-01T09:00:00Z"), want);
	ck_assert_int_eq(parse_ok("2026-03-01T09:00:00z"), want);
	ck_assert_int_eq(parse_ok("2026-03-01t09:00:00Z"), want);
	ck_assert_int_eq(parse_ok("2026-03-01t09:00:00z"), want);
	ck_assert_int_eq(parse_ok("2026-03-01 09:00:00Z"), want);
	ck_assert_int_eq(parse_ok("2026-03-01T09:00:00+00:00"), want);
	ck_assert_int_eq(parse_ok("2026-03-01T09:00:00-00:00"), want);
}
END_TEST

START_TEST(parse_offsets_to_utc)
{
	ck_assert_int_eq(parse_ok("2026-03-01T09:00:00+02:00"), utc(2026, 3, 1, 7, 0, 0, 0));
	ck_assert_int_eq(parse_ok("2026-03-01T09:00:00-05:30"), utc(2026, 3, 1, 14, 30, 0, 0));
	ck_assert_int_eq(parse_ok("2026-03-01T09:00:00+05:45"), utc(2026, 3, 1, 3, 15, 0, 0));
	/* Offsets that move the date, the month and the year. */
	ck_assert_int_eq(parse_ok("2026-03-01T00:30:00+02:00"), utc(2026, 2, 28, 22, 30, 0, 0));
	ck_assert_int_eq(parse_ok("2024-03-01T00:30:00+02:00"), utc(2024, 2, 29, 22, 30, 0, 0));
	ck_assert_int_eq(parse_ok("2026-12-31T22:00:00-03:00"), utc(2027, 1, 1, 1, 0, 0, 0));
	ck_assert_int_eq(parse_ok("2026-01-01T01:00:00+23:59"), utc(2025, 12, 31, 1, 1, 0, 0));
	/* The same instant written with different offsets. */
	ck_assert_int_eq(parse_ok("2026-06-15T12:00:00+02:00"),
			 parse_ok("2026-06-15T05:30:00-04:30"));
}
END_TEST

START_TEST(parse_fractions)
{
	ts_time_us base = utc(2026, 3, 1, 7, 0, 0, 0);

	ck_assert_int_eq(parse_ok("2026-03-01T07:00:00.5Z"), base + 500000);
	ck_assert_int_eq(parse_ok("2026-03-01T07:00:00.25z"), base + 250000);
	ck_assert_int_eq(parse_ok("2026-03-01T07:00:00.001Z"), base + 1000);
	ck_assert_int_eq(parse_ok("2026-03-01T07:00:00.000001Z"), base + 1);
	ck_assert_int_eq(parse_ok("2026-03-01T07:00:00.123456Z"), base + 123456);
	ck_assert_int_eq(parse_ok("2026-03-01T07:00:00.000000Z"), base);
	/* Beyond microseconds: truncated, never rounded. */
	ck_assert_int_eq(parse_ok("2026-03-01T07:00:00.1234567Z"), base + 123456);
	ck_assert_int_eq(parse_ok("2026-03-01T07:00:00.12345678Z"), base + 123456);
	ck_assert_int_eq(parse_ok("2026-03-01T07:00:00.123456789Z"), base + 123456);
	ck_assert_int_eq(parse_ok("2026-03-01T07:00:00.999999999Z"), base + 999999);
	ck_assert_int_eq(parse_ok("2026-03-01T07:00:00.0000009Z"), base);
	/* With an offset. */
	ck_assert_int_eq(parse_ok("2026-03-01T09:00:00.75+02:00"), base + 750000);
	/* A point without digits. */
	parse_bad("2026-03-01T07:00:00.Z");
	parse_bad("2026-03-01T07:00:00.");
	parse_bad("2026-03-01T07:00:00.+02:00");
}
END_TEST

START_TEST(parse_requires_offset)
{
	ts_time_us t = 0;
	const char *why = NULL;

	ck_assert_int_eq(ts_time_parse_rfc3339("2026-03-01T09:00:00", &t, &why), TS_ERR_INVALID);
	ck_assert_ptr_nonnull(why);
	ck_assert_msg(strstr(why, "offset") != NULL, "reason does not mention the offset: %s", why);
	parse_bad("2026-03-01T09:00:00.5");
	parse_bad("2026-03-01 09:00:00");
}
END_TEST

START_TEST(parse_why_may_be_null)
{
	ts_time_us t = 0;

	ck_assert_int_eq(ts_time_parse_rfc3339("not a time", &t, NULL), TS_ERR_INVALID);
	ck_assert_int_eq(ts_time_parse_rfc3339("", &t, NULL), TS_ERR_INVALID);
	ck_assert_int_eq(ts_time_parse_rfc3339("2026-03-01T09:00:00Z", &t, NULL), TS_OK);
	ck_assert_int_eq(t, utc(2026, 3, 1, 9, 0, 0, 0));
}
END_TEST

START_TEST(parse_leap_days)
{
	ck_assert_int_eq(parse_ok("2024-02-29T12:00:00Z"), utc(2024, 2, 29, 12, 0, 0, 0));
	ck_assert_int_eq(parse_ok("2000-02-29T12:00:00Z"), utc(2000, 2, 29, 12, 0, 0, 0));
	ck_assert_int_eq(parse_ok("2028-02-29T00:00:00Z"), utc(2028, 2, 29, 0, 0, 0, 0));
	parse_bad("2023-02-29T12:00:00Z");
	parse_bad("1900-02-29T12:00:00Z");
	parse_bad("2100-02-29T12:00:00Z");
	parse_bad("2026-02-29T12:00:00Z");
}
END_TEST

START_TEST(parse_impossible_dates_and_times)
{
	parse_bad("2026-02-30T12:00:00Z");
	parse_bad("2024-02-30T12:00:00Z");
	parse_bad("2026-04-31T12:00:00Z");
	parse_bad("2026-06-31T12:00:00Z");
	parse_bad("2026-09-31T12:00:00Z");
	parse_bad("2026-11-31T12:00:00Z");
	parse_bad("2026-01-32T12:00:00Z");
	parse_bad("2026-01-00T12:00:00Z");
	parse_bad("2026-13-01T12:00:00Z");
	parse_bad("2026-00-01T12:00:00Z");
	parse_bad("2026-03-01T24:00:00Z");
	parse_bad("2026-03-01T25:00:00Z");
	parse_bad("2026-03-01T23:60:00Z");
	parse_bad("2026-03-01T23:59:60Z");
	parse_bad("2026-12-31T23:59:60Z");
	parse_bad("0000-01-01T00:00:00Z");
	/* The last valid values of each field are accepted. */
	ck_assert_int_eq(parse_ok("2026-12-31T23:59:59Z"), utc(2026, 12, 31, 23, 59, 59, 0));
	ck_assert_int_eq(parse_ok("2026-04-30T00:00:00Z"), utc(2026, 4, 30, 0, 0, 0, 0));
	ck_assert_int_eq(parse_ok("2026-02-28T00:00:00Z"), utc(2026, 2, 28, 0, 0, 0, 0));
}
END_TEST

START_TEST(parse_garbage)
{
	static const char *const bad[] = {
		"",
		"tomorrow",
		"now",
		"2026",
		"2026-03-01",
		"2026-03-01T",
		"2026-03-01T09:00Z",
		"2026-03-01T09Z",
		"2026-3-01T09:00:00Z",
		"2026-03-1T09:00:00Z",
		"2026-03-01T9:00:00Z",
		"2026-03-01T09:0:00Z",
		"26-03-01T09:00:00Z",
		"+2026-03-01T09:00:00Z",
		" 2026-03-01T09:00:00Z",
		"2026/03/01T09:00:00Z",
		"2026-03-01X09:00:00Z",
		"2026-03-01T09.00.00Z",
		"2026-03-01T09:00:00UTC",
		"2026-03-01T09:00:00GMT",
		"2026-03-01T09:00:00+0200",
		"2026-03-01T09:00:00+02",
		"2026-03-01T09:00:00+2:00",
		"2026-03-01T09:00:00+02:0",
		"2026-03-01T09:00:00+24:00",
		"2026-03-01T09:00:00+02:60",
		"2026-03-01T09:00:00 +02:00",
		"2026-03-01T09:00:00,5Z",
		"2026-03-01T09:00:00.5.5Z",
		"２０２６-03-01T09:00:00Z",
		"1772355600",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		parse_bad(bad[i]);
}
END_TEST

START_TEST(parse_trailing_characters)
{
	parse_bad("2026-03-01T09:00:00ZZ");
	parse_bad("2026-03-01T09:00:00Z ");
	parse_bad("2026-03-01T09:00:00Z\n");
	parse_bad("2026-03-01T09:00:00Zx");
	parse_bad("2026-03-01T09:00:00+02:00x");
	parse_bad("2026-03-01T09:00:00+02:00Z");
	parse_bad("2026-03-01T09:00:00+02:00:00");
	parse_bad("2026-03-01T09:00:00.5Z0");
}
END_TEST

START_TEST(parse_year_range)
{
	ck_assert_int_eq(parse_ok("0001-01-01T00:00:00Z"), utc(1, 1, 1, 0, 0, 0, 0));
	ck_assert_int_eq(parse_ok("9999-12-31T23:59:59.999999Z"),
			 utc(9999, 12, 31, 23, 59, 59, 999999));
	/* Offsets that stay inside years 1..9999 once converted. */
	ck_assert_int_eq(parse_ok("9999-12-31T23:00:00+02:00"), utc(9999, 12, 31, 21, 0, 0, 0));
	ck_assert_int_eq(parse_ok("0001-01-01T00:30:00-01:00"), utc(1, 1, 1, 1, 30, 0, 0));
	/* Offsets that push the instant out of them. */
	parse_bad("9999-12-31T23:00:00-02:00");
	parse_bad("9999-12-31T23:59:59-00:01");
	parse_bad("0001-01-01T00:30:00+01:00");
	parse_bad("0001-01-01T00:00:00+00:01");
}
END_TEST

/* ---- formatting ------------------------------------------------------- */

static void format_is(ts_time_us t, const char *want)
{
	char buf[TS_TIME_TEXT_MAX];

	memset(buf, 'x', sizeof(buf));
	ck_assert_ptr_eq(ts_time_format(t, buf), buf);
	ck_assert_str_eq(buf, want);
}

START_TEST(format_utc_z)
{
	format_is(utc(2026, 3, 1, 7, 0, 0, 0), "2026-03-01T07:00:00Z");
	format_is(0, "1970-01-01T00:00:00Z");
	format_is(utc(1, 1, 1, 0, 0, 0, 0), "0001-01-01T00:00:00Z");
	format_is(utc(9999, 12, 31, 23, 59, 59, 0), "9999-12-31T23:59:59Z");
	format_is(utc(2024, 2, 29, 23, 59, 59, 0), "2024-02-29T23:59:59Z");
	format_is(utc(1969, 12, 31, 23, 59, 59, 0), "1969-12-31T23:59:59Z");
}
END_TEST

START_TEST(format_fractions)
{
	ts_time_us base = utc(2026, 3, 1, 7, 0, 0, 0);

	/* Whole milliseconds: three digits. */
	format_is(base + 500000, "2026-03-01T07:00:00.500Z");
	format_is(base + 250000, "2026-03-01T07:00:00.250Z");
	format_is(base + 120000, "2026-03-01T07:00:00.120Z");
	format_is(base + 1000, "2026-03-01T07:00:00.001Z");
	format_is(base + 999000, "2026-03-01T07:00:00.999Z");
	/* Otherwise six. */
	format_is(base + 1, "2026-03-01T07:00:00.000001Z");
	format_is(base + 123456, "2026-03-01T07:00:00.123456Z");
	format_is(base + 100100, "2026-03-01T07:00:00.100100Z");
	format_is(base + 999999, "2026-03-01T07:00:00.999999Z");
	/* Before the epoch the fraction still counts forward within the second. */
	format_is(-500000, "1969-12-31T23:59:59.500Z");
	format_is(-1, "1969-12-31T23:59:59.999999Z");
}
END_TEST

START_TEST(format_out_of_range_is_empty)
{
	char buf[TS_TIME_TEXT_MAX];

	ts_time_format(utc(9999, 12, 31, 23, 59, 59, 999999) + 1, buf);
	ck_assert_str_eq(buf, "");
	ts_time_format(utc(1, 1, 1, 0, 0, 0, 0) - 1, buf);
	ck_assert_str_eq(buf, "");
}
END_TEST

START_TEST(round_trip_text)
{
	static const char *const canonical[] = {
		"2026-03-01T07:00:00Z",
		"2026-03-01T07:00:00.250Z",
		"2026-03-01T07:00:00.000001Z",
		"2024-02-29T23:59:59.999999Z",
		"1970-01-01T00:00:00Z",
		"1969-07-20T20:17:40Z",
		"0001-01-01T00:00:00Z",
		"9999-12-31T23:59:59.999Z",
	};
	char buf[TS_TIME_TEXT_MAX];

	for (size_t i = 0; i < sizeof(canonical) / sizeof(canonical[0]); i++)
		ck_assert_str_eq(ts_time_format(parse_ok(canonical[i]), buf), canonical[i]);
	/* Other spellings come out canonical, in UTC. */
	ck_assert_str_eq(ts_time_format(parse_ok("2026-03-01T09:00:00.250000+02:00"), buf),
			 "2026-03-01T07:00:00.250Z");
	ck_assert_str_eq(ts_time_format(parse_ok("2026-03-01t02:00:00.000z"), buf),
			 "2026-03-01T02:00:00Z");
	ck_assert_str_eq(ts_time_format(parse_ok("2026-12-31 20:00:00.1-05:00"), buf),
			 "2027-01-01T01:00:00.100Z");
}
END_TEST

START_TEST(round_trip_instants)
{
	ts_time_us lo = utc(1, 1, 1, 0, 0, 0, 0);
	ts_time_us hi = utc(9999, 12, 31, 23, 59, 59, 999999);
	/* An odd stride visits every kind of date and fraction. */
	ts_time_us stride = (hi - lo) / 20011 + 7;
	char buf[TS_TIME_TEXT_MAX];

	for (ts_time_us t = lo; t <= hi; t += stride) {
		ts_time_us back = -1;
		ts_time_format(t, buf);
		ck_assert_msg(ts_time_parse_rfc3339(buf, &back, NULL) == TS_OK,
			      "formatted '%s' does not parse", buf);
		ck_assert_msg(back == t, "'%s' parses to a different instant", buf);
		/* Millisecond-rounded instants too. */
		ts_time_us ms = t - t % 1000;
		ts_time_format(ms, buf);
		ck_assert_int_eq(ts_time_parse_rfc3339(buf, &back, NULL), TS_OK);
		ck_assert_int_eq(back, ms);
	}
}
END_TEST

START_TEST(civil_conversion)
{
	struct ts_civil c;
	ts_time_us t = utc(2024, 2, 29, 13, 14, 15, 161718);
	ts_time_us back = 0;

	ts_time_to_civil(t, &c);
	ck_assert_int_eq(c.year, 2024);
	ck_assert_int_eq(c.month, 2);
	ck_assert_int_eq(c.day, 29);
	ck_assert_int_eq(c.hour, 13);
	ck_assert_int_eq(c.minute, 14);
	ck_assert_int_eq(c.second, 15);
	ck_assert_int_eq(c.usec, 161718);
	ck_assert(ts_time_from_civil(&c, &back));
	ck_assert_int_eq(back, t);
	c.year = 2023;
	ck_assert(!ts_time_from_civil(&c, &back));
}
END_TEST

/* ---- calendar --------------------------------------------------------- */

START_TEST(days_in_month)
{
	static const int y2026[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	for (int m = 1; m <= 12; m++)
		ck_assert_int_eq(ts_time_days_in_month(2026, m), y2026[m - 1]);
	ck_assert_int_eq(ts_time_days_in_month(2024, 2), 29);
	ck_assert_int_eq(ts_time_days_in_month(2028, 2), 29);
	ck_assert_int_eq(ts_time_days_in_month(2000, 2), 29);
	ck_assert_int_eq(ts_time_days_in_month(2400, 2), 29);
	ck_assert_int_eq(ts_time_days_in_month(2023, 2), 28);
	ck_assert_int_eq(ts_time_days_in_month(1900, 2), 28);
	ck_assert_int_eq(ts_time_days_in_month(2100, 2), 28);
	ck_assert_int_eq(ts_time_days_in_month(2024, 1), 31);
	ck_assert_int_eq(ts_time_days_in_month(2024, 3), 31);
	ck_assert_int_eq(ts_time_days_in_month(2026, 0), 0);
	ck_assert_int_eq(ts_time_days_in_month(2026, 13), 0);
}
END_TEST

/* ---- recurrence ------------------------------------------------------- */

START_TEST(recurrence_names)
{
	static const struct {
		const char *name;
		enum ts_recurrence r;
	} names[] = {
		{ "daily", TS_RECUR_DAILY },
		{ "weekly", TS_RECUR_WEEKLY },
		{ "monthly", TS_RECUR_MONTHLY },
	};
	enum ts_recurrence r;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		r = TS_RECUR_NONE;
		ck_assert(ts_recurrence_parse(names[i].name, &r));
		ck_assert_int_eq(r, names[i].r);
		ck_assert_str_eq(ts_recurrence_name(names[i].r), names[i].name);
	}
	ck_assert_ptr_null(ts_recurrence_name(TS_RECUR_NONE));
	ck_assert(!ts_recurrence_parse("", &r));
	ck_assert(!ts_recurrence_parse("Daily", &r));
	ck_assert(!ts_recurrence_parse("DAILY", &r));
	ck_assert(!ts_recurrence_parse("daily ", &r));
	ck_assert(!ts_recurrence_parse("yearly", &r));
	ck_assert(!ts_recurrence_parse("hourly", &r));
	ck_assert(!ts_recurrence_parse("none", &r));
	ck_assert(!ts_recurrence_parse("null", &r));
}
END_TEST

START_TEST(step_daily_weekly_exact)
{
	/* Dates around European and American DST changes: UTC knows none. */
	ts_time_us ts[] = {
		utc(2026, 3, 28, 9, 0, 0, 0),
		utc(2026, 3, 7, 23, 30, 0, 0),
		utc(2026, 10, 24, 1, 59, 59, 999999),
		utc(2024, 2, 28, 12, 0, 0, 0),
		utc(2026, 12, 31, 23, 0, 0, 123),
		0,
	};

	for (size_t i = 0; i < sizeof(ts) / sizeof(ts[0]); i++) {
		ck_assert_int_eq(recurrence_step(ts[i], TS_RECUR_DAILY, 0), ts[i] + DAY_US);
		ck_assert_int_eq(recurrence_step(ts[i], TS_RECUR_WEEKLY, 0), ts[i] + 7 * DAY_US);
	}
	/* Leap day and year end. */
	ck_assert_int_eq(recurrence_step(utc(2024, 2, 28, 12, 0, 0, 0), TS_RECUR_DAILY, 0),
			 utc(2024, 2, 29, 12, 0, 0, 0));
	ck_assert_int_eq(recurrence_step(utc(2026, 12, 28, 8, 0, 0, 0), TS_RECUR_WEEKLY, 0),
			 utc(2027, 1, 4, 8, 0, 0, 0));
}
END_TEST

START_TEST(step_monthly_anchored)
{
	ts_time_us t = utc(2026, 1, 31, 10, 15, 30, 250000);
	static const int want[][3] = {
		{ 2026, 2, 28 }, { 2026, 3, 31 }, { 2026, 4, 30 }, { 2026, 5, 31 },
		{ 2026, 6, 30 }, { 2026, 7, 31 }, { 2026, 8, 31 }, { 2026, 9, 30 },
		{ 2026, 10, 31 }, { 2026, 11, 30 }, { 2026, 12, 31 }, { 2027, 1, 31 },
		{ 2027, 2, 28 },
	};

	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		t = recurrence_step(t, TS_RECUR_MONTHLY, 31);
		ck_assert_int_eq(t, utc(want[i][0], want[i][1], want[i][2], 10, 15, 30, 250000));
	}
}
END_TEST

START_TEST(step_monthly_leap_year)
{
	ts_time_us t = utc(2028, 1, 31, 0, 0, 0, 0);

	t = recurrence_step(t, TS_RECUR_MONTHLY, 31);
	ck_assert_int_eq(t, utc(2028, 2, 29, 0, 0, 0, 0));
	t = recurrence_step(t, TS_RECUR_MONTHLY, 31);
	ck_assert_int_eq(t, utc(2028, 3, 31, 0, 0, 0, 0));

	/* Anchor 30 and 29 clamp in February and recover in March. */
	t = recurrence_step(utc(2026, 1, 30, 6, 0, 0, 0), TS_RECUR_MONTHLY, 30);
	ck_assert_int_eq(t, utc(2026, 2, 28, 6, 0, 0, 0));
	t = recurrence_step(t, TS_RECUR_MONTHLY, 30);
	ck_assert_int_eq(t, utc(2026, 3, 30, 6, 0, 0, 0));
	t = recurrence_step(utc(2024, 1, 29, 6, 0, 0, 0), TS_RECUR_MONTHLY, 29);
	ck_assert_int_eq(t, utc(2024, 2, 29, 6, 0, 0, 0));
}
END_TEST

START_TEST(step_monthly_year_end_and_time_of_day)
{
	ck_assert_int_eq(recurrence_step(utc(2026, 12, 15, 23, 59, 59, 999999),
					    TS_RECUR_MONTHLY, 15),
			 utc(2027, 1, 15, 23, 59, 59, 999999));
	ck_assert_int_eq(recurrence_step(utc(2026, 12, 31, 8, 30, 0, 0), TS_RECUR_MONTHLY, 31),
			 utc(2027, 1, 31, 8, 30, 0, 0));
	ck_assert_int_eq(recurrence_step(utc(2026, 11, 30, 8, 30, 0, 0), TS_RECUR_MONTHLY, 31),
			 utc(2026, 12, 31, 8, 30, 0, 0));
	ck_assert_int_eq(recurrence_step(utc(2026, 5, 1, 0, 0, 0, 0), TS_RECUR_MONTHLY, 1),
			 utc(2026, 6, 1, 0, 0, 0, 0));
}
END_TEST

START_TEST(next_skips_missed)
{
	ts_time_us t = utc(2026, 3, 1, 9, 0, 0, 0);

	/* Missed days are skipped to the first occurrence after now. */
	ck_assert_int_eq(recurrence_next(t, TS_RECUR_DAILY, 0, utc(2026, 3, 10, 12, 0, 0, 0)),
			 utc(2026, 3, 11, 9, 0, 0, 0));
	/* Strictly after: an occurrence exactly at now is not the next. */
	ck_assert_int_eq(recurrence_next(t, TS_RECUR_DAILY, 0, utc(2026, 3, 5, 9, 0, 0, 0)),
			 utc(2026, 3, 6, 9, 0, 0, 0));
	ck_assert_int_eq(recurrence_next(t, TS_RECUR_DAILY, 0,
					    utc(2026, 3, 5, 9, 0, 0, 0) - 1),
			 utc(2026, 3, 5, 9, 0, 0, 0));
	/* Weekly keeps the weekday (2026-01-05 is a Monday; 2026-03-02 too). */
	ck_assert_int_eq(recurrence_next(utc(2026, 1, 5, 9, 0, 0, 0), TS_RECUR_WEEKLY, 0,
					    utc(2026, 3, 1, 0, 0, 0, 0)),
			 utc(2026, 3, 2, 9, 0, 0, 0));
	/* Years idle, fraction of a second kept. */
	ck_assert_int_eq(recurrence_next(utc(2020, 1, 1, 9, 0, 0, 500000), TS_RECUR_DAILY, 0,
					    utc(2026, 3, 1, 12, 0, 0, 0)),
			 utc(2026, 3, 2, 9, 0, 0, 500000));
}
END_TEST

START_TEST(next_monthly_keeps_anchor)
{
	ts_time_us t = utc(2026, 1, 31, 9, 0, 0, 0);

	/* Passing through February does not lose the 31st. */
	ck_assert_int_eq(recurrence_next(t, TS_RECUR_MONTHLY, 31, utc(2026, 3, 1, 0, 0, 0, 0)),
			 utc(2026, 3, 31, 9, 0, 0, 0));
	ck_assert_int_eq(recurrence_next(t, TS_RECUR_MONTHLY, 31, utc(2026, 4, 15, 0, 0, 0, 0)),
			 utc(2026, 4, 30, 9, 0, 0, 0));
	ck_assert_int_eq(recurrence_next(t, TS_RECUR_MONTHLY, 31, utc(2026, 4, 30, 9, 0, 0, 0)),
			 utc(2026, 5, 31, 9, 0, 0, 0));
	/* A clamped occurrence (Feb 28) as the starting point keeps the anchor. */
	ck_assert_int_eq(recurrence_next(utc(2026, 2, 28, 9, 0, 0, 0), TS_RECUR_MONTHLY, 31,
					    utc(2026, 2, 28, 9, 0, 0, 0)),
			 utc(2026, 3, 31, 9, 0, 0, 0));
	ck_assert_int_eq(recurrence_next(t, TS_RECUR_MONTHLY, 31, utc(2030, 6, 1, 0, 0, 0, 0)),
			 utc(2030, 6, 30, 9, 0, 0, 0));
}
END_TEST

START_TEST(next_after_future_is_one_step)
{
	ts_time_us now = utc(2026, 3, 1, 0, 0, 0, 0);
	ts_time_us t = utc(2026, 3, 10, 9, 0, 0, 0);

	ck_assert_int_eq(recurrence_next(t, TS_RECUR_DAILY, 0, now), t + DAY_US);
	ck_assert_int_eq(recurrence_next(t, TS_RECUR_WEEKLY, 0, now), t + 7 * DAY_US);
	ck_assert_int_eq(recurrence_next(t, TS_RECUR_MONTHLY, 10, now),
			 utc(2026, 4, 10, 9, 0, 0, 0));
	/* t == now: still exactly one step. */
	ck_assert_int_eq(recurrence_next(t, TS_RECUR_DAILY, 0, t), t + DAY_US);
	/* One step that already lies after now. */
	ck_assert_int_eq(recurrence_next(t, TS_RECUR_DAILY, 0, t + HOUR_US), t + DAY_US);
}
END_TEST

START_TEST(next_properties)
{
	static const enum ts_recurrence kinds[] = { TS_RECUR_DAILY, TS_RECUR_WEEKLY };
	ts_time_us t0 = utc(2025, 7, 4, 13, 37, 0, 123456);

	for (size_t k = 0; k < 2; k++) {
		ts_time_us period = kinds[k] == TS_RECUR_DAILY ? DAY_US : 7 * DAY_US;
		for (ts_time_us now = t0 - 3 * DAY_US; now < t0 + 400 * DAY_US;
		     now += 7 * HOUR_US + 12345) {
			ts_time_us n = recurrence_next(t0, kinds[k], 0, now);
			ck_assert_int_gt(n, now);
			ck_assert_int_gt(n, t0);
			ck_assert_int_eq((n - t0) % period, 0);
			/* The first one after now: the one before it is not. */
			ck_assert(n - period <= now || n - period == t0);
		}
	}
}
END_TEST

static Suite *tstime_suite(void)
{
	Suite *s = suite_create("tstime");
	TCase *tc;

	tc = tcase_create("parse");
	tcase_add_test(tc, parse_zulu_forms);
	tcase_add_test(tc, parse_offsets_to_utc);
	tcase_add_test(tc, parse_fractions);
	tcase_add_test(tc, parse_requires_offset);
	tcase_add_test(tc, parse_why_may_be_null);
	tcase_add_test(tc, parse_leap_days);
	tcase_add_test(tc, parse_impossible_dates_and_times);
	tcase_add_test(tc, parse_garbage);
	tcase_add_test(tc, parse_trailing_characters);
	tcase_add_test(tc, parse_year_range);
	suite_add_tcase(s, tc);

	tc = tcase_create("format");
	tcase_add_test(tc, format_utc_z);
	tcase_add_test(tc, format_fractions);
	tcase_add_test(tc, format_out_of_range_is_empty);
	tcase_add_test(tc, round_trip_text);
	tcase_add_test(tc, round_trip_instants);
	tcase_add_test(tc, civil_conversion);
	suite_add_tcase(s, tc);

	tc = tcase_create("calendar");
	tcase_add_test(tc, days_in_month);
	suite_add_tcase(s, tc);

	tc = tcase_create("recurrence");
	tcase_add_test(tc, recurrence_names);
	tcase_add_test(tc, step_daily_weekly_exact);
	tcase_add_test(tc, step_monthly_anchored);
	tcase_add_test(tc, step_monthly_leap_year);
	tcase_add_test(tc, step_monthly_year_end_and_time_of_day);
	tcase_add_test(tc, next_skips_missed);
	tcase_add_test(tc, next_monthly_keeps_anchor);
	tcase_add_test(tc, next_after_future_is_one_step);
	tcase_add_test(tc, next_properties);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(tstime_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
