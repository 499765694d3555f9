/* fuzz_rfc3339.c -- libFuzzer harness for ts_time_parse_rfc3339 and the
 * formatting and calendar functions around it.
 *
 * The input, cut at its first NUL, is the text parsed. Besides crashes it
 * aborts when
 * - the parser and an independent one (fixed positions, glibc's timegm as
 *   the calendar) disagree on whether the text is valid or on the instant;
 * - a failure gives no reason, or the result depends on whether `why` is
 *   asked for;
 * - ts_time_format of a parsed instant is empty, does not parse back to the
 *   same instant, or is not canonical (the same text formatted again);
 * - ts_time_to_civil and ts_time_from_civil do not round-trip it. */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tstime.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what, const char *text)
{
	fprintf(stderr, "fuzz_rfc3339: invariant broken: %s: \"%s\"\n", what, text);
	abort();
}

static bool digits_at(const char *s, size_t at, size_t n, int *out)
{
	int v = 0;

	for (size_t i = at; i < at + n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

/* The accepted grammar read at fixed offsets, with the limits tstime.h
 * documents: offset required, up to 9 fraction digits (microseconds kept),
 * no leap seconds, years 1..9999 before and after the offset. */
static bool oracle_parse(const char *s, ts_time_us *out)
{
	size_t len = strlen(s), i = 19;
	int y, mo, d, h, mi, sec, usec = 0, oh = 0, om = 0, sign = 0;

	if (len < 20)
		return false;
	if (!digits_at(s, 0, 4, &y) || s[4] != '-' || !digits_at(s, 5, 2, &mo) ||
	    s[7] != '-' || !digits_at(s, 8, 2, &d) || !strchr("Tt ", s[10]) ||
	    !digits_at(s, 11, 2, &h) || s[13] != ':' || !digits_at(s, 14, 2, &mi) ||
	    s[16] != ':' || !digits_at(s, 17, 2, &sec))
		return false;
	if (s[i] == '.') {
		size_t n = strspn(s + i + 1, "0123456789");
		if (n < 1 || n > 9)
			return false;
		for (size_t k = 0; k < 6; k++)
			usec = usec * 10 + (k < n ? s[i + 1 + k] - '0' : 0);
		i += 1 + n;
	}
	if ((s[i] == 'Z' || s[i] == 'z') && i + 1 == len) {
		sign = 0;
	} else if ((s[i] == '+' || s[i] == '-') && i + 6 == len &&
		   digits_at(s, i + 1, 2, &oh) && s[i + 3] == ':' &&
		   digits_at(s, i + 4, 2, &om)) {
		sign = s[i] == '-' ? -1 : 1;
		if (oh > 23 || om > 59)
			return false;
	} else {
		return false;
	}
	if (y < 1 || mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || sec > 59)
		return false;

	struct tm tm = { 0 };
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	time_t local = timegm(&tm);
	/* timegm normalizes Feb 30 into March: a changed day means no such date. */
	if (tm.tm_mday != d || tm.tm_mon != mo - 1)
		return false;
	int64_t utc = (int64_t)local - sign * (oh * 3600 + om * 60);
	time_t ut = (time_t)utc;
	struct tm check;
	if (!gmtime_r(&ut, &check) || check.tm_year + 1900 < 1 || check.tm_year + 1900 > 9999)
		return false;
	*out = utc * TS_USEC_PER_SEC + usec;
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	ts_time_us t = 0, t2 = 0, expected = 0;
	const char *why = NULL;
	char buf[TS_TIME_TEXT_MAX], buf2[TS_TIME_TEXT_MAX];

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';

	enum ts_err rc = ts_time_parse_rfc3339(text, &t, &why);
	bool valid = oracle_parse(text, &expected);
	if ((rc == TS_OK) != valid)
		fail(valid ? "a valid date-time was rejected" : "an invalid date-time was accepted",
		     text);
	if (ts_time_parse_rfc3339(text, &t2, NULL) != rc)
		fail("the result depends on `why`", text);
	if (rc != TS_OK) {
		if (!why || !*why)
			fail("rejected without a reason", text);
		goto out;
	}
	if (t != expected || t2 != t)
		fail("parsed to a different instant than expected", text);

	ts_time_format(t, buf);
	if (!buf[0])
		fail("parsed instant cannot be formatted", text);
	if (ts_time_parse_rfc3339(buf, &t2, &why) != TS_OK || t2 != t)
		fail("formatted instant does not parse back", buf);
	if (strcmp(ts_time_format(t2, buf2), buf) != 0)
		fail("formatting is not canonical", buf);

	struct ts_civil c;
	ts_time_to_civil(t, &c);
	if (!ts_time_from_civil(&c, &t2) || t2 != t)
		fail("civil time does not round-trip", text);
	ts_time_format_sql(t, buf2);
	if (strlen(buf2) != 26)
		fail("SQL text has the wrong length", buf2);
out:
	free(text);
	return 0;
}
