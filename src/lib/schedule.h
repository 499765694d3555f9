/* schedule.h -- the occurrences of a series: cron or daily/weekly/monthly,
 * in a time zone, with explicit rules for the days clocks change. The
 * preview, the dry run and the executor all take their instants from
 * ts_schedule_next(). */
#ifndef TS_SCHEDULE_H
#define TS_SCHEDULE_H

#include <stdbool.h>
#include <stddef.h>

#include "cron.h"
#include "errors.h"
#include "tstime.h"
#include "tz.h"

/* A local time that does not exist (clocks spring forward). */
enum ts_dst_gap {
	TS_DST_GAP_SHIFT = 0,   /* fire it moved forward by the gap's length */
	TS_DST_GAP_SKIP,        /* leave that occurrence out */
};

/* A local time that occurs twice (clocks fall back). */
enum ts_dst_repeat {
	TS_DST_REPEAT_FIRST = 0, /* fire once, at the earlier instant */
	TS_DST_REPEAT_LAST,      /* fire once, at the later instant */
	TS_DST_REPEAT_BOTH,      /* fire at both */
};

/* Occurrences missed while nothing ran. */
enum ts_catch_up {
	TS_CATCH_UP_SKIP = 0,   /* the next one is the first in the future */
	TS_CATCH_UP_ONCE,       /* one, at the latest missed instant, then on */
};

/* How an occurrence relates to a clock change. */
enum ts_dst_flag {
	TS_DST_NONE = 0,
	TS_DST_SHIFTED,         /* its local time did not exist; moved forward */
	TS_DST_REPEATED,        /* its local time occurs twice */
};

/* A series. Plain data, caller-owned; `tz` points to a zone of ts_tz_get(). */
struct ts_schedule {
	bool has_cron;
	struct ts_cron cron;
	enum ts_recurrence recurrence;  /* when !has_cron */
	/* daily/weekly/monthly keep the local wall-clock time, weekday and
	 * day of month of the series' first occurrence (ts_schedule_anchor) */
	int64_t anchor_time;            /* microseconds after local midnight */
	int anchor_wday;                /* 0 = Sunday */
	int anchor_day;                 /* 1..31; a month's last day if shorter */
	const struct ts_tz *tz;
	enum ts_dst_gap dst_gap;
	enum ts_dst_repeat dst_repeat;
	bool has_ends_at;
	ts_time_us ends_at;             /* no occurrence after it */
};

struct ts_occurrence {
	ts_time_us at;                  /* the instant */
	int32_t offset;                 /* the zone's UTC offset then, seconds */
	enum ts_dst_flag dst;
};

/* Sets the anchors of a daily/weekly/monthly series from its first
 * occurrence `first`, read as local time in s->tz. `anchor_day` is kept
 * when it is already set (1..31): a series' children carry it on. */
void ts_schedule_anchor(struct ts_schedule *s, ts_time_us first);

/* The series' first occurrence strictly after `after` (and not after
 * ends_at) into *out. Two matches on one instant are one occurrence (a
 * time shifted out of a gap onto an existing match is not flagged).
 * Returns false when the series has no further occurrence. */
bool ts_schedule_next(const struct ts_schedule *s, ts_time_us after, struct ts_occurrence *out);

/* The occurrence a series gets after its occurrence at `prev`, when that
 * one is done at `now`: under TS_CATCH_UP_SKIP the first after both; under
 * TS_CATCH_UP_ONCE the latest of those missed in (prev, now] if any, else
 * the first after both. Returns false when the series has ended. */
bool ts_schedule_following(const struct ts_schedule *s, enum ts_catch_up catch_up,
			   ts_time_us prev, ts_time_us now, struct ts_occurrence *out);

/* Up to `max` occurrences of the series that starts at `first` (an
 * occurrence itself), strictly after `after`, in ascending order, into
 * `out`; returns how many. */
size_t ts_schedule_list(const struct ts_schedule *s, ts_time_us first, ts_time_us after,
			struct ts_occurrence *out, size_t max);

/* Names of the policies ("shift", "skip"; "first", "last", "both"; "skip",
 * "once"; NULL, "shifted", "repeated") and back; parse returns false for
 * anything else. */
const char *ts_dst_gap_name(enum ts_dst_gap g);
bool ts_dst_gap_parse(const char *name, enum ts_dst_gap *out);
const char *ts_dst_repeat_name(enum ts_dst_repeat r);
bool ts_dst_repeat_parse(const char *name, enum ts_dst_repeat *out);
const char *ts_catch_up_name(enum ts_catch_up c);
bool ts_catch_up_parse(const char *name, enum ts_catch_up *out);
const char *ts_dst_flag_name(enum ts_dst_flag f);

/* Room for "YYYY-MM-DDTHH:MM:SS.ffffff+HH:MM" plus the terminator. */
#define TS_SCHEDULE_LOCAL_MAX 40

/* Formats `t` as local time with the numeric offset `offset` (seconds),
 * "2027-03-28T03:30:00+02:00" (fractions as ts_time_format; an offset's
 * odd seconds, found only before 1973, are left out of the text). Returns
 * `buf`. */
char *ts_schedule_format_local(ts_time_us t, int32_t offset, char buf[TS_SCHEDULE_LOCAL_MAX]);

#endif
