/* tstime.c -- UTC instants as microseconds, RFC 3339 text, the calendar,
 * recurrence names. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "tstime.h"

#define SECS_PER_DAY INT64_C(86400)
#define USEC_PER_DAY (SECS_PER_DAY * TS_USEC_PER_SEC)

ts_time_us ts_time_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (ts_time_us)ts.tv_sec * TS_USEC_PER_SEC + ts.tv_nsec / 1000;
}

int64_t ts_time_monotonic_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * TS_USEC_PER_SEC + ts.tv_nsec / 1000;
}

/* Days since 1970-01-01 of a proleptic Gregorian date, and back: Howard
 * Hinnant's era-based algorithms, exact for every year we accept. */
int64_t ts_time_days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	const int64_t era = (y >= 0 ? y : y - 399) / 400;
	const int64_t yoe = y - era * 400;
	const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe - 719468;
}

void ts_time_civil_from_days(int64_t z, int *y, int *m, int *d)
{
	z += 719468;
	const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	const int64_t doe = z - era * 146097;
	const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	const int64_t mp = (5 * doy + 2) / 153;

	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

int ts_time_days_in_month(int year, int month)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

	if (month < 1 || month > 12)
		return 0;
	return month == 2 && leap ? 29 : days[month - 1];
}

bool ts_time_from_civil(const struct ts_civil *c, ts_time_us *out)
{
	if (c->year < 1 || c->year > 9999 || c->month < 1 || c->month > 12 ||
	    c->day < 1 || c->day > ts_time_days_in_month(c->year, c->month) ||
	    c->hour < 0 || c->hour > 23 || c->minute < 0 || c->minute > 59 ||
	    c->second < 0 || c->second > 59 || c->usec < 0 || c->usec > 999999)
		return false;
	int64_t days = ts_time_days_from_civil(c->year, c->month, c->day);
	int64_t secs = days * SECS_PER_DAY + c->hour * 3600 + c->minute * 60 + c->second;
	*out = secs * TS_USEC_PER_SEC + c->usec;
	return true;
}

void ts_time_to_civil(ts_time_us t, struct ts_civil *c)
{
	int64_t days = t / USEC_PER_DAY;
	int64_t rem = t % USEC_PER_DAY;

	if (rem < 0) {
		rem += USEC_PER_DAY;
		days--;
	}
	ts_time_civil_from_days(days, &c->year, &c->month, &c->day);
	int64_t secs = rem / TS_USEC_PER_SEC;
	c->usec = (int)(rem % TS_USEC_PER_SEC);
	c->hour = (int)(secs / 3600);
	c->minute = (int)(secs / 60 % 60);
	c->second = (int)(secs % 60);
}

/* Reads exactly `n` digits at *p into *out and advances *p. */
static bool read_digits(const char **p, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		char ch = (*p)[i];
		if (ch < '0' || ch > '9')
			return false;
		v = v * 10 + (ch - '0');
	}
	*p += n;
	*out = v;
	return true;
}

static enum ts_err invalid(const char **why, const char *reason)
{
	if (why)
		*why = reason;
	return TS_ERR_INVALID;
}

enum ts_err ts_time_parse_rfc3339(const char *text, ts_time_us *out, const char **why)
{
	struct ts_civil c = { 0 };
	const char *p = text;
	int off_h = 0, off_m = 0, sign = 0;

	if (!text || !*text)
		return invalid(why, "is empty");
	if (!read_digits(&p, 4, &c.year) || *p++ != '-' ||
	    !read_digits(&p, 2, &c.month) || *p++ != '-' ||
	    !read_digits(&p, 2, &c.day))
		return invalid(why, "is not an RFC 3339 date-time (YYYY-MM-DDTHH:MM:SSZ)");
	if (*p != 'T' && *p != 't' && *p != ' ')
		return invalid(why, "is not an RFC 3339 date-time (YYYY-MM-DDTHH:MM:SSZ)");
	p++;
	if (!read_digits(&p, 2, &c.hour) || *p++ != ':' ||
	    !read_digits(&p, 2, &c.minute) || *p++ != ':' ||
	    !read_digits(&p, 2, &c.second))
		return invalid(why, "is not an RFC 3339 date-time (YYYY-MM-DDTHH:MM:SSZ)");
	if (*p == '.') {
		int digits = 0;
		p++;
		while (*p >= '0' && *p <= '9') {
			/* Keep microseconds; finer digits are truncated. */
			if (digits < 6)
				c.usec = c.usec * 10 + (*p - '0');
			digits++;
			p++;
		}
		if (digits == 0 || digits > 9)
			return invalid(why, "has a malformed fraction of a second");
		for (; digits < 6; digits++)
			c.usec *= 10;
	}
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		sign = *p++ == '-' ? -1 : 1;
		if (!read_digits(&p, 2, &off_h) || *p++ != ':' || !read_digits(&p, 2, &off_m))
			return invalid(why, "has a malformed UTC offset (expected Z or +HH:MM)");
		if (off_h > 23 || off_m > 59)
			return invalid(why, "has a UTC offset out of range");
	} else if (*p == '\0') {
		return invalid(why, "lacks a UTC offset (add Z or +HH:MM)");
	} else {
		return invalid(why, "is not an RFC 3339 date-time (YYYY-MM-DDTHH:MM:SSZ)");
	}
	if (*p != '\0')
		return invalid(why, "has trailing characters");
	if (c.month < 1 || c.month > 12)
		return invalid(why, "has a month out of range");
	if (c.day < 1 || c.day > ts_time_days_in_month(c.year, c.month))
		return invalid(why, "is not a real calendar date");
	if (c.hour > 23)
		return invalid(why, "has an hour out of range (00-23)");
	if (c.minute > 59)
		return invalid(why, "has a minute out of range");
	if (c.second > 59)
		return invalid(why, "has a second out of range (leap seconds are not supported)");
	if (c.year < 1)
		return invalid(why, "has a year out of range");

	ts_time_us local;
	if (!ts_time_from_civil(&c, &local))
		return invalid(why, "is not a real calendar date");
	ts_time_us t = local - sign * ((int64_t)off_h * 3600 + off_m * 60) * TS_USEC_PER_SEC;
	/* The offset may push a legal local time out of years 1..9999. */
	struct ts_civil check;
	ts_time_to_civil(t, &check);
	if (check.year < 1 || check.year > 9999)
		return invalid(why, "is out of range once converted to UTC");
	*out = t;
	return TS_OK;
}

/* Writes `v` (>= 0) as exactly `width` decimal digits at `p`; returns the
 * position after them. */
static char *put_digits(char *p, int v, int width)
{
	for (int i = width - 1; i >= 0; i--) {
		p[i] = (char)('0' + v % 10);
		v /= 10;
	}
	return p + width;
}

char *ts_time_format(ts_time_us t, char buf[TS_TIME_TEXT_MAX])
{
	struct ts_civil c;
	char *p = buf;

	ts_time_to_civil(t, &c);
	if (c.year < 1 || c.year > 9999) {
		buf[0] = '\0';
		return buf;
	}
	/* Digit by digit rather than with snprintf: each task in a response
	 * carries three times, and snprintf was a quarter of the instructions
	 * of a 100-task list. At most 28 bytes. */
	p = put_digits(p, c.year, 4);
	*p++ = '-';
	p = put_digits(p, c.month, 2);
	*p++ = '-';
	p = put_digits(p, c.day, 2);
	*p++ = 'T';
	p = put_digits(p, c.hour, 2);
	*p++ = ':';
	p = put_digits(p, c.minute, 2);
	*p++ = ':';
	p = put_digits(p, c.second, 2);
	if (c.usec != 0) {
		*p++ = '.';
		p = c.usec % 1000 == 0 ? put_digits(p, c.usec / 1000, 3) : put_digits(p, c.usec, 6);
	}
	*p++ = 'Z';
	*p = '\0';
	return buf;
}

char *ts_time_format_sql(ts_time_us t, char buf[TS_TIME_TEXT_MAX])
{
	struct ts_civil c;

	ts_time_to_civil(t, &c);
	snprintf(buf, TS_TIME_TEXT_MAX, "%04d-%02d-%02d %02d:%02d:%02d.%06d",
		 c.year, c.month, c.day, c.hour, c.minute, c.second, c.usec);
	return buf;
}

const char *ts_recurrence_name(enum ts_recurrence r)
{
	switch (r) {
	case TS_RECUR_DAILY: return "daily";
	case TS_RECUR_WEEKLY: return "weekly";
	case TS_RECUR_MONTHLY: return "monthly";
	case TS_RECUR_NONE: break;
	}
	return NULL;
}

bool ts_recurrence_parse(const char *name, enum ts_recurrence *out)
{
	for (enum ts_recurrence r = TS_RECUR_DAILY; r <= TS_RECUR_MONTHLY; r++) {
		if (strcmp(name, ts_recurrence_name(r)) == 0) {
			*out = r;
			return true;
		}
	}
	return false;
}
