/* test_schedule.c -- occurrences of series in time zones (src/lib/
 * schedule.h, src/lib/tz.h): the DST days of 2027 in Europe/Berlin and
 * America/New_York under every dst_gap/dst_repeat policy, Lord Howe's
 * half-hour change, Kathmandu's +05:45, Cairo's summer time as the
 * system tzdata has it, ends_at and catch_up. Expected instants are
 * written out in UTC. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schedule.h"

static ts_time_us T(const char *text)
{
	ts_time_us t = 0;
	const char *why = NULL;

	ck_assert_msg(ts_time_parse_rfc3339(text, &t, &why) == TS_OK, "%s: %s", text, why);
	return t;
}

/* A series by cron (`rule` has a space) or by recurrence, in `zone`. */
static struct ts_schedule series(const char *rule, const char *zone, enum ts_dst_gap gap,
				 enum ts_dst_repeat repeat)
{
	struct ts_schedule s = { 0 };
	struct ts_error err = { 0 };

	if (strchr(rule, ' ')) {
		ck_assert_msg(ts_cron_parse(rule, "cron", &s.cron, &err) == TS_OK, "%s",
			      err.message);
		s.has_cron = true;
	} else {
		ck_assert(ts_recurrence_parse(rule, &s.recurrence));
	}
	ck_assert_msg(ts_tz_get(zone, "timezone", &s.tz, &err) == TS_OK, "%s", err.message);
	s.dst_gap = gap;
	s.dst_repeat = repeat;
	return s;
}

/* The occurrences of `s` (first occurrence `first`, or none when 0) after
 * `after` must be exactly `want`: space-separated "<UTC>" or
 * "<UTC>/shifted" or "<UTC>/repeated". */
static void expect(const struct ts_schedule *s, ts_time_us first, const char *after,
		   const char *want)
{
	struct ts_occurrence occ[64];
	char got[4096] = "";
	size_t n = 0, words = 1;

	for (const char *p = want; *p; p++)
		words += *p == ' ';
	ts_time_us a = T(after);
	n = ts_schedule_list(s, first ? first : a, a, occ, words);
	for (size_t i = 0; i < n; i++) {
		char buf[TS_TIME_TEXT_MAX];
		const char *flag = ts_dst_flag_name(occ[i].dst);
		size_t len = strlen(got);
		snprintf(got + len, sizeof(got) - len, "%s%s%s%s", i ? " " : "",
			 ts_time_format(occ[i].at, buf), flag ? "/" : "", flag ? flag : "");
	}
	ck_assert_str_eq(got, want);
}

static void expect_cron(const char *rule, const char *zone, enum ts_dst_gap gap,
			enum ts_dst_repeat repeat, const char *after, const char *want)
{
	struct ts_schedule s = series(rule, zone, gap, repeat);

	expect(&s, 0, after, want);
}

/* A daily/weekly/monthly series whose first occurrence is `first`. */
static void expect_recurrence(const char *rule, const char *zone, enum ts_dst_gap gap,
			      enum ts_dst_repeat repeat, const char *first, const char *want)
{
	struct ts_schedule s = series(rule, zone, gap, repeat);
	ts_time_us f = T(first);

	ts_schedule_anchor(&s, f);
	expect(&s, f, "0001-01-01T00:00:00Z", want);
}

#define SHIFT TS_DST_GAP_SHIFT
#define SKIP TS_DST_GAP_SKIP
#define FIRST TS_DST_REPEAT_FIRST
#define LAST TS_DST_REPEAT_LAST
#define BOTH TS_DST_REPEAT_BOTH

/* Berlin 2027: 02:00 CET -> 03:00 CEST on March 28 (01:00Z), 03:00 CEST
 * -> 02:00 CET on October 31 (01:00Z). */
START_TEST(berlin_0230_spring)
{
	const char *after = "2027-03-26T12:00:00Z";

	expect_cron("30 2 * * *", "Europe/Berlin", SHIFT, FIRST, after,
		    "2027-03-27T01:30:00Z 2027-03-28T01:30:00Z/shifted 2027-03-29T00:30:00Z");
	expect_cron("30 2 * * *", "Europe/Berlin", SKIP, FIRST, after,
		    "2027-03-27T01:30:00Z 2027-03-29T00:30:00Z");
}
END_TEST

START_TEST(berlin_0230_autumn)
{
	const char *after = "2027-10-29T12:00:00Z";

	expect_cron("30 2 * * *", "Europe/Berlin", SHIFT, FIRST, after,
		    "2027-10-30T00:30:00Z 2027-10-31T00:30:00Z/repeated 2027-11-01T01:30:00Z");
	expect_cron("30 2 * * *", "Europe/Berlin", SHIFT, LAST, after,
		    "2027-10-30T00:30:00Z 2027-10-31T01:30:00Z/repeated 2027-11-01T01:30:00Z");
	expect_cron("30 2 * * *", "Europe/Berlin", SHIFT, BOTH, after,
		    "2027-10-30T00:30:00Z 2027-10-31T00:30:00Z/repeated "
		    "2027-10-31T01:30:00Z/repeated 2027-11-01T01:30:00Z");
}
END_TEST

START_TEST(berlin_quarter_hours)
{
	/* Spring: 02:00-02:45 do not exist; shifted they land on 03:00-03:45
	 * CEST, which match anyway: one occurrence each, not flagged. */
	const char *spring = "2027-03-28T00:30:00Z";
	const char *plain = "2027-03-28T00:45:00Z 2027-03-28T01:00:00Z 2027-03-28T01:15:00Z "
			    "2027-03-28T01:30:00Z 2027-03-28T01:45:00Z 2027-03-28T02:00:00Z";

	expect_cron("*/15 * * * *", "Europe/Berlin", SHIFT, FIRST, spring, plain);
	expect_cron("*/15 * * * *", "Europe/Berlin", SKIP, FIRST, spring, plain);
	/* Autumn: 02:00-02:45 occur in CEST (00:00Z-00:45Z) and in CET
	 * (01:00Z-01:45Z). */
	const char *autumn = "2027-10-30T23:30:00Z";
	expect_cron("*/15 * * * *", "Europe/Berlin", SHIFT, FIRST, autumn,
		    "2027-10-30T23:45:00Z 2027-10-31T00:00:00Z/repeated "
		    "2027-10-31T00:15:00Z/repeated 2027-10-31T00:30:00Z/repeated "
		    "2027-10-31T00:45:00Z/repeated 2027-10-31T02:00:00Z");
	expect_cron("*/15 * * * *", "Europe/Berlin", SHIFT, LAST, autumn,
		    "2027-10-30T23:45:00Z 2027-10-31T01:00:00Z/repeated "
		    "2027-10-31T01:15:00Z/repeated 2027-10-31T01:30:00Z/repeated "
		    "2027-10-31T01:45:00Z/repeated 2027-10-31T02:00:00Z");
	expect_cron("*/15 * * * *", "Europe/Berlin", SHIFT, BOTH, autumn,
		    "2027-10-30T23:45:00Z 2027-10-31T00:00:00Z/repeated "
		    "2027-10-31T00:15:00Z/repeated 2027-10-31T00:30:00Z/repeated "
		    "2027-10-31T00:45:00Z/repeated 2027-10-31T01:00:00Z/repeated "
		    "2027-10-31T01:15:00Z/repeated 2027-10-31T01:30:00Z/repeated "
		    "2027-10-31T01:45:00Z/repeated 2027-10-31T02:00:00Z");
}
END_TEST

START_TEST(berlin_hourly)
{
	expect_cron("0 * * * *", "Europe/Berlin", SHIFT, FIRST, "2027-03-27T23:30:00Z",
		    "2027-03-28T00:00:00Z 2027-03-28T01:00:00Z 2027-03-28T02:00:00Z");
	expect_cron("0 * * * *", "Europe/Berlin", SKIP, FIRST, "2027-03-27T23:30:00Z",
		    "2027-03-28T00:00:00Z 2027-03-28T01:00:00Z 2027-03-28T02:00:00Z");
	expect_cron("0 * * * *", "Europe/Berlin", SHIFT, FIRST, "2027-10-30T22:30:00Z",
		    "2027-10-30T23:00:00Z 2027-10-31T00:00:00Z/repeated 2027-10-31T02:00:00Z");
	expect_cron("0 * * * *", "Europe/Berlin", SHIFT, LAST, "2027-10-30T22:30:00Z",
		    "2027-10-30T23:00:00Z 2027-10-31T01:00:00Z/repeated 2027-10-31T02:00:00Z");
	expect_cron("0 * * * *", "Europe/Berlin", SHIFT, BOTH, "2027-10-30T22:30:00Z",
		    "2027-10-30T23:00:00Z 2027-10-31T00:00:00Z/repeated "
		    "2027-10-31T01:00:00Z/repeated 2027-10-31T02:00:00Z");
}
END_TEST

START_TEST(berlin_daily_0230_series)
{
	/* Shifted to 03:30 on the spring day, 02:30 again the day after. */
	expect_recurrence("daily", "Europe/Berlin", SHIFT, FIRST, "2027-03-27T01:30:00Z",
			  "2027-03-27T01:30:00Z 2027-03-28T01:30:00Z/shifted "
			  "2027-03-29T00:30:00Z 2027-03-30T00:30:00Z");
	expect_recurrence("daily", "Europe/Berlin", SKIP, FIRST, "2027-03-27T01:30:00Z",
			  "2027-03-27T01:30:00Z 2027-03-29T00:30:00Z 2027-03-30T00:30:00Z");
	expect_recurrence("daily", "Europe/Berlin", SHIFT, FIRST, "2027-10-30T00:30:00Z",
			  "2027-10-30T00:30:00Z 2027-10-31T00:30:00Z/repeated "
			  "2027-11-01T01:30:00Z");
	expect_recurrence("daily", "Europe/Berlin", SHIFT, LAST, "2027-10-30T00:30:00Z",
			  "2027-10-30T00:30:00Z 2027-10-31T01:30:00Z/repeated "
			  "2027-11-01T01:30:00Z");
	expect_recurrence("daily", "Europe/Berlin", SHIFT, BOTH, "2027-10-30T00:30:00Z",
			  "2027-10-30T00:30:00Z 2027-10-31T00:30:00Z/repeated "
			  "2027-10-31T01:30:00Z/repeated 2027-11-01T01:30:00Z");
}
END_TEST

/* New York 2027: 02:00 EST -> 03:00 EDT on March 14 (07:00Z), 02:00 EDT
 * -> 01:00 EST on November 7 (06:00Z). */
START_TEST(new_york_0230)
{
	expect_cron("30 2 * * *", "America/New_York", SHIFT, FIRST, "2027-03-12T12:00:00Z",
		    "2027-03-13T07:30:00Z 2027-03-14T07:30:00Z/shifted 2027-03-15T06:30:00Z");
	expect_cron("30 2 * * *", "America/New_York", SKIP, FIRST, "2027-03-12T12:00:00Z",
		    "2027-03-13T07:30:00Z 2027-03-15T06:30:00Z");
	/* 02:30 exists once on the autumn day (it is 01:xx that repeats). */
	expect_cron("30 2 * * *", "America/New_York", SHIFT, BOTH, "2027-11-05T12:00:00Z",
		    "2027-11-06T06:30:00Z 2027-11-07T07:30:00Z 2027-11-08T07:30:00Z");
	expect_cron("30 1 * * *", "America/New_York", SHIFT, FIRST, "2027-11-06T12:00:00Z",
		    "2027-11-07T05:30:00Z/repeated 2027-11-08T06:30:00Z");
	expect_cron("30 1 * * *", "America/New_York", SHIFT, LAST, "2027-11-06T12:00:00Z",
		    "2027-11-07T06:30:00Z/repeated 2027-11-08T06:30:00Z");
	expect_cron("30 1 * * *", "America/New_York", SHIFT, BOTH, "2027-11-06T12:00:00Z",
		    "2027-11-07T05:30:00Z/repeated 2027-11-07T06:30:00Z/repeated "
		    "2027-11-08T06:30:00Z");
}
END_TEST

START_TEST(new_york_quarter_hours_and_hourly)
{
	const char *spring = "2027-03-14T06:30:00Z";
	const char *plain = "2027-03-14T06:45:00Z 2027-03-14T07:00:00Z 2027-03-14T07:15:00Z";

	expect_cron("*/15 * * * *", "America/New_York", SHIFT, FIRST, spring, plain);
	expect_cron("*/15 * * * *", "America/New_York", SKIP, FIRST, spring, plain);
	expect_cron("*/15 * * * *", "America/New_York", SHIFT, FIRST, "2027-11-07T05:30:00Z",
		    "2027-11-07T05:45:00Z/repeated 2027-11-07T07:00:00Z");
	expect_cron("*/15 * * * *", "America/New_York", SHIFT, LAST, "2027-11-07T04:50:00Z",
		    "2027-11-07T06:00:00Z/repeated 2027-11-07T06:15:00Z/repeated");
	expect_cron("*/15 * * * *", "America/New_York", SHIFT, BOTH, "2027-11-07T05:40:00Z",
		    "2027-11-07T05:45:00Z/repeated 2027-11-07T06:00:00Z/repeated");
	expect_cron("0 * * * *", "America/New_York", SHIFT, FIRST, "2027-03-14T05:30:00Z",
		    "2027-03-14T06:00:00Z 2027-03-14T07:00:00Z 2027-03-14T08:00:00Z");
	expect_cron("0 * * * *", "America/New_York", SHIFT, FIRST, "2027-11-07T04:30:00Z",
		    "2027-11-07T05:00:00Z/repeated 2027-11-07T07:00:00Z");
	expect_cron("0 * * * *", "America/New_York", SHIFT, LAST, "2027-11-07T04:30:00Z",
		    "2027-11-07T06:00:00Z/repeated 2027-11-07T07:00:00Z");
	expect_cron("0 * * * *", "America/New_York", SHIFT, BOTH, "2027-11-07T04:30:00Z",
		    "2027-11-07T05:00:00Z/repeated 2027-11-07T06:00:00Z/repeated "
		    "2027-11-07T07:00:00Z");
}
END_TEST

START_TEST(new_york_daily_0230_series)
{
	expect_recurrence("daily", "America/New_York", SHIFT, FIRST, "2027-03-13T07:30:00Z",
			  "2027-03-13T07:30:00Z 2027-03-14T07:30:00Z/shifted "
			  "2027-03-15T06:30:00Z");
	expect_recurrence("daily", "America/New_York", SKIP, FIRST, "2027-03-13T07:30:00Z",
			  "2027-03-13T07:30:00Z 2027-03-15T06:30:00Z");
	/* A weekly series keeps its weekday and local time across the change. */
	expect_recurrence("weekly", "America/New_York", SHIFT, FIRST, "2027-03-07T07:30:00Z",
			  "2027-03-07T07:30:00Z 2027-03-14T07:30:00Z/shifted "
			  "2027-03-21T06:30:00Z");
}
END_TEST

/* Lord Howe: +10:30 -> +11:00 at 02:00 on 2027-10-03 (15:30Z the day
 * before), +11:00 -> +10:30 at 02:00 on 2027-04-04 (15:00Z the day before). */
START_TEST(lord_howe_half_hour)
{
	expect_cron("15 2 * * *", "Australia/Lord_Howe", SHIFT, FIRST, "2027-10-01T00:00:00Z",
		    "2027-10-01T15:45:00Z 2027-10-02T15:45:00Z/shifted 2027-10-03T15:15:00Z");
	expect_cron("15 2 * * *", "Australia/Lord_Howe", SKIP, FIRST, "2027-10-01T00:00:00Z",
		    "2027-10-01T15:45:00Z 2027-10-03T15:15:00Z");
	expect_cron("45 1 * * *", "Australia/Lord_Howe", SHIFT, BOTH, "2027-04-02T00:00:00Z",
		    "2027-04-02T14:45:00Z 2027-04-03T14:45:00Z/repeated "
		    "2027-04-03T15:15:00Z/repeated 2027-04-04T15:15:00Z");
	expect_cron("45 1 * * *", "Australia/Lord_Howe", SHIFT, LAST, "2027-04-02T00:00:00Z",
		    "2027-04-02T14:45:00Z 2027-04-03T15:15:00Z/repeated 2027-04-04T15:15:00Z");
}
END_TEST

START_TEST(kathmandu_quarter_offset)
{
	struct ts_schedule s = series("0 9 * * *", "Asia/Kathmandu", SHIFT, FIRST);
	struct ts_occurrence o;
	char buf[TS_SCHEDULE_LOCAL_MAX];

	expect(&s, 0, "2027-06-01T00:00:00Z", "2027-06-01T03:15:00Z 2027-06-02T03:15:00Z");
	ck_assert(ts_schedule_next(&s, T("2027-06-01T00:00:00Z"), &o));
	ck_assert_int_eq(o.offset, 5 * 3600 + 45 * 60);
	ck_assert_str_eq(ts_schedule_format_local(o.at, o.offset, buf), "2027-06-01T09:00:00+05:45");
}
END_TEST

/* Egypt restored summer time in 2023: +02:00 -> +03:00 at 00:00 on the
 * last Friday of April (2027-04-30), back at the end of the last Thursday
 * of October (2027-10-28, 24:00 -> 23:00). */
START_TEST(cairo_2027)
{
	const struct ts_tz *cairo;
	struct ts_error err = { 0 };

	ck_assert(ts_tz_get("Africa/Cairo", "timezone", &cairo, &err) == TS_OK);
	ck_assert_int_eq(ts_tz_offset(cairo, T("2027-01-15T12:00:00Z") / TS_USEC_PER_SEC), 7200);
	ck_assert_int_eq(ts_tz_offset(cairo, T("2027-07-15T12:00:00Z") / TS_USEC_PER_SEC), 10800);
	expect_cron("30 0 * * *", "Africa/Cairo", SHIFT, FIRST, "2027-04-28T12:00:00Z",
		    "2027-04-28T22:30:00Z 2027-04-29T22:30:00Z/shifted 2027-04-30T21:30:00Z");
	expect_cron("30 23 * * *", "Africa/Cairo", SHIFT, BOTH, "2027-10-27T12:00:00Z",
		    "2027-10-27T20:30:00Z 2027-10-28T20:30:00Z/repeated "
		    "2027-10-28T21:30:00Z/repeated 2027-10-29T21:30:00Z");
}
END_TEST

START_TEST(nuuk_new_standard_time)
{
	/* Since 2023 Nuuk keeps -02:00 in winter and -01:00 in summer. */
	expect_cron("0 12 * * *", "America/Nuuk", SHIFT, FIRST, "2027-01-10T00:00:00Z",
		    "2027-01-10T14:00:00Z");
	expect_cron("0 12 * * *", "America/Nuuk", SHIFT, FIRST, "2027-07-10T00:00:00Z",
		    "2027-07-10T13:00:00Z");
}
END_TEST

START_TEST(utc_monthly_keeps_anchor_day)
{
	expect_recurrence("monthly", "UTC", SHIFT, FIRST, "2027-01-31T10:00:00.250Z",
			  "2027-01-31T10:00:00.250Z 2027-02-28T10:00:00.250Z "
			  "2027-03-31T10:00:00.250Z 2027-04-30T10:00:00.250Z");
	expect_recurrence("monthly", "UTC", SHIFT, FIRST, "2028-01-29T00:00:00Z",
			  "2028-01-29T00:00:00Z 2028-02-29T00:00:00Z 2028-03-29T00:00:00Z");
}
END_TEST

START_TEST(ends_at_last_occurrence_fires)
{
	struct ts_schedule s = series("*/10 * * * *", "UTC", SHIFT, FIRST);

	s.has_ends_at = true;
	s.ends_at = T("2027-01-01T00:20:00Z");
	expect(&s, 0, "2027-01-01T00:00:00Z", "2027-01-01T00:10:00Z 2027-01-01T00:20:00Z");
	s.ends_at = T("2027-01-01T00:19:59.999Z");
	expect(&s, 0, "2027-01-01T00:00:00Z", "2027-01-01T00:10:00Z");
}
END_TEST

START_TEST(catch_up_skip_and_once)
{
	struct ts_schedule s = series("0 * * * *", "Europe/Berlin", SHIFT, FIRST);
	struct ts_occurrence o;
	ts_time_us prev = T("2027-01-01T00:00:00Z");

	/* Not late: the next one. */
	ck_assert(ts_schedule_following(&s, TS_CATCH_UP_SKIP, prev, T("2027-01-01T00:00:01Z"), &o));
	ck_assert_int_eq(o.at, T("2027-01-01T01:00:00Z"));
	/* Ten hours late: skip goes to the first in the future... */
	ts_time_us now = T("2027-01-01T10:30:00Z");
	ck_assert(ts_schedule_following(&s, TS_CATCH_UP_SKIP, prev, now, &o));
	ck_assert_int_eq(o.at, T("2027-01-01T11:00:00Z"));
	/* ...once takes the latest missed, due now. */
	ck_assert(ts_schedule_following(&s, TS_CATCH_UP_ONCE, prev, now, &o));
	ck_assert_int_eq(o.at, T("2027-01-01T10:00:00Z"));
	/* Years late, every second: still the latest missed. */
	struct ts_schedule fast = series("* * * * * *", "UTC", SHIFT, FIRST);
	ck_assert(ts_schedule_following(&fast, TS_CATCH_UP_ONCE, prev,
					T("2030-06-01T12:00:00.5Z"), &o));
	ck_assert_int_eq(o.at, T("2030-06-01T12:00:00Z"));
	/* An occurrence exactly at `now` is missed, not future. */
	ck_assert(ts_schedule_following(&s, TS_CATCH_UP_ONCE, prev, T("2027-01-01T03:00:00Z"), &o));
	ck_assert_int_eq(o.at, T("2027-01-01T03:00:00Z"));
	/* A series past ends_at has no following occurrence. */
	s.has_ends_at = true;
	s.ends_at = T("2027-01-01T00:30:00Z");
	ck_assert(!ts_schedule_following(&s, TS_CATCH_UP_ONCE, prev, now, &o));
}
END_TEST

START_TEST(zone_names)
{
	const struct ts_tz *a, *b;
	struct ts_error err = { 0 };

	ck_assert(ts_tz_get("Europe/Berlin", "timezone", &a, &err) == TS_OK);
	ck_assert(ts_tz_get("Europe/Berlin", "timezone", &b, &err) == TS_OK);
	ck_assert_ptr_eq(a, b);
	ck_assert(ts_tz_get("UTC", "timezone", &a, &err) == TS_OK);
	ck_assert_int_eq(a->count, 0);
	const char *bad[] = { "Mars/Olympus", "Europe", "europe/berlin", "../etc/passwd",
			      "/etc/localtime", "Europe/../Europe/Berlin", "localtime",
			      "right/Europe/Berlin", "", "Europe//Berlin", "Europe/Berlin " };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ts_error_clear(&err);
		ck_assert_msg(ts_tz_get(bad[i], "timezone", &a, &err) == TS_ERR_INVALID,
			      "'%s' accepted", bad[i]);
		ck_assert_str_eq(err.field, "timezone");
	}
}
END_TEST

START_TEST(policy_names)
{
	enum ts_dst_gap g;
	enum ts_dst_repeat r;
	enum ts_catch_up c;

	ck_assert(ts_dst_gap_parse("skip", &g) && g == TS_DST_GAP_SKIP);
	ck_assert(!ts_dst_gap_parse("Skip", &g));
	ck_assert(ts_dst_repeat_parse("both", &r) && r == TS_DST_REPEAT_BOTH);
	ck_assert(!ts_dst_repeat_parse("all", &r));
	ck_assert(ts_catch_up_parse("once", &c) && c == TS_CATCH_UP_ONCE);
	ck_assert(!ts_catch_up_parse("all", &c));
	ck_assert_str_eq(ts_dst_gap_name(TS_DST_GAP_SHIFT), "shift");
	ck_assert_str_eq(ts_dst_repeat_name(TS_DST_REPEAT_FIRST), "first");
	ck_assert_str_eq(ts_catch_up_name(TS_CATCH_UP_SKIP), "skip");
	ck_assert_ptr_null(ts_dst_flag_name(TS_DST_NONE));
	ck_assert_str_eq(ts_dst_flag_name(TS_DST_REPEATED), "repeated");
}
END_TEST

START_TEST(format_local)
{
	char buf[TS_SCHEDULE_LOCAL_MAX];

	ck_assert_str_eq(ts_schedule_format_local(T("2027-03-28T01:30:00Z"), 7200, buf),
			 "2027-03-28T03:30:00+02:00");
	ck_assert_str_eq(ts_schedule_format_local(T("2027-03-14T07:30:00.5Z"), -4 * 3600, buf),
			 "2027-03-14T03:30:00.500-04:00");
	ck_assert_str_eq(ts_schedule_format_local(T("2027-01-01T00:00:00Z"), 0, buf),
			 "2027-01-01T00:00:00+00:00");
}
END_TEST

static Suite *schedule_suite(void)
{
	Suite *s = suite_create("schedule");
	TCase *dst = tcase_create("dst");
	TCase *series_tc = tcase_create("series");

	tcase_add_test(dst, berlin_0230_spring);
	tcase_add_test(dst, berlin_0230_autumn);
	tcase_add_test(dst, berlin_quarter_hours);
	tcase_add_test(dst, berlin_hourly);
	tcase_add_test(dst, berlin_daily_0230_series);
	tcase_add_test(dst, new_york_0230);
	tcase_add_test(dst, new_york_quarter_hours_and_hourly);
	tcase_add_test(dst, new_york_daily_0230_series);
	tcase_add_test(dst, lord_howe_half_hour);
	tcase_add_test(dst, kathmandu_quarter_offset);
	tcase_add_test(dst, cairo_2027);
	tcase_add_test(dst, nuuk_new_standard_time);
	tcase_add_test(series_tc, utc_monthly_keeps_anchor_day);
	tcase_add_test(series_tc, ends_at_last_occurrence_fires);
	tcase_add_test(series_tc, catch_up_skip_and_once);
	tcase_add_test(series_tc, zone_names);
	tcase_add_test(series_tc, policy_names);
	tcase_add_test(series_tc, format_local);
	suite_add_tcase(s, dst);
	suite_add_tcase(s, series_tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(schedule_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
