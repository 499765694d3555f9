/* tstime.h -- UTC instants as microseconds, RFC 3339 text, the calendar,
 * recurrence names. */
#ifndef TS_TSTIME_H
#define TS_TSTIME_H

#include <stdbool.h>
#include <stdint.h>

#include "errors.h"

/* An instant: microseconds since 1970-01-01T00:00:00Z. Instants are UTC;
 * local time enters only through a series' zone (schedule.h). */
typedef int64_t ts_time_us;

#define TS_USEC_PER_SEC INT64_C(1000000)
#define TS_USEC_PER_MSEC INT64_C(1000)

/* Room for "YYYY-MM-DDTHH:MM:SS.ffffffZ" plus the terminator. */
#define TS_TIME_TEXT_MAX 32

/* A broken-down UTC time, microsecond precision. */
struct ts_civil {
	int year;   /* 1..9999 */
	int month;  /* 1..12 */
	int day;    /* 1..31 */
	int hour, minute, second;
	int usec;   /* 0..999999 */
};

enum ts_recurrence {
	TS_RECUR_NONE = 0,
	TS_RECUR_DAILY,
	TS_RECUR_WEEKLY,
	TS_RECUR_MONTHLY,
};

/* The current wall-clock time (CLOCK_REALTIME). */
ts_time_us ts_time_now(void);

/* Microseconds of CLOCK_MONOTONIC, for measuring intervals. */
int64_t ts_time_monotonic_us(void);

/* Parses an RFC 3339 date-time ("2026-03-01T09:00:00+02:00",
 * "2026-03-01t07:00:00.25z"). The offset is required: a time without one is
 * ambiguous. Fractions beyond microseconds are truncated. Impossible dates
 * (Feb 30, hour 24, second 60) are rejected. Returns TS_OK or TS_ERR_INVALID
 * with a reason in `why` (a static string; `why` may be NULL). */
enum ts_err ts_time_parse_rfc3339(const char *text, ts_time_us *out, const char **why);

/* Formats `t` as UTC with "Z", with fractional seconds only where they are
 * non-zero (3 digits when whole milliseconds, else 6). `buf` must hold
 * TS_TIME_TEXT_MAX bytes. Returns `buf`, or an empty string when `t` is
 * outside years 1..9999. */
char *ts_time_format(ts_time_us t, char buf[TS_TIME_TEXT_MAX]);

/* Formats `t` as MariaDB reads a DATETIME(6): "YYYY-MM-DD HH:MM:SS.ffffff". */
char *ts_time_format_sql(ts_time_us t, char buf[TS_TIME_TEXT_MAX]);

/* Converts between instants and broken-down UTC. ts_time_from_civil returns
 * false when a field is out of range (including days past a month's end). */
bool ts_time_from_civil(const struct ts_civil *c, ts_time_us *out);
void ts_time_to_civil(ts_time_us t, struct ts_civil *c);

/* Days since 1970-01-01 of a proleptic Gregorian date, and back. */
int64_t ts_time_days_from_civil(int year, int month, int day);
void ts_time_civil_from_days(int64_t days, int *year, int *month, int *day);

/* Days in `month` (1..12) of `year`, with the Gregorian leap-year rule. */
int ts_time_days_in_month(int year, int month);

/* Names "daily", "weekly", "monthly" and back; parse returns false for
 * anything else. ts_recurrence_name(TS_RECUR_NONE) is NULL. */
const char *ts_recurrence_name(enum ts_recurrence r);
bool ts_recurrence_parse(const char *name, enum ts_recurrence *out);

#endif
