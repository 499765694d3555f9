/* cron.h -- cron expressions: the parser and the search for the next
 * matching wall-clock time, with every field held as a bitmask. */
#ifndef TS_CRON_H
#define TS_CRON_H

#include <stdbool.h>
#include <stdint.h>

#include "errors.h"

/* Longest expression accepted, in bytes. */
#define TS_CRON_TEXT_MAX 256

/* A parsed expression. Bit n of a mask stands for the value n. */
struct ts_cron {
	uint64_t second;        /* 0..59; only bit 0 for a five-field expression */
	uint64_t minute;        /* 0..59 */
	uint32_t hour;          /* 0..23 */
	uint32_t dom;           /* days of month 1..31 */
	uint16_t month;         /* 1..12 */
	uint8_t dow;            /* 0..6, Sunday = 0 (7 is folded into 0) */
	bool dom_last;          /* day-of-month is `L`: each month's last day */
	/* Vixie cron's rule: a day field is restricted unless its text starts
	 * with `*`. When both are, a day matches if either does. */
	bool dom_restricted;
	bool dow_restricted;
	/* The day-of-week field as a mask of the days 1..31 of a month whose
	 * first day is weekday w (index w), precomputed by the parser. */
	uint32_t dow_days[7];
};

/* Parses `text` into `out` (caller-owned): five fields `minute hour
 * day-of-month month day-of-week`, or six with a leading `second`; `*`,
 * lists, ranges, steps (`*\/n`, `a-b/n`), names JAN-DEC and SUN-SAT in any
 * case, 0 and 7 for Sunday (SUN ending a range is 7), `L` alone in
 * day-of-month, and the macros @yearly, @annually, @monthly, @weekly,
 * @daily, @midnight, @hourly. Anything else, a range that wraps, and an
 * expression that can never fire are TS_ERR_INVALID with code
 * "invalid_field", field `field` and a message saying what is wrong
 * ("minute 61 is out of range 0-59"). */
enum ts_err ts_cron_parse(const char *text, const char *field, struct ts_cron *out,
			  struct ts_error *err);

/* The first wall-clock time at or after `from` and no later than `limit`
 * that `c` matches, into *out. Times are seconds since 1970-01-01T00:00:00
 * of a calendar read as if it were UTC (local wall-clock time; the caller
 * maps it to instants). Returns false when there is none in that window or
 * before year 10000. */
bool ts_cron_next(const struct ts_cron *c, int64_t from, int64_t limit, int64_t *out);

#endif
