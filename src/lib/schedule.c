/* schedule.c -- the occurrences of a series: cron or daily/weekly/monthly,
 * in a time zone, with explicit rules for the days clocks change.
 *
 * The search works span by span of constant UTC offset. Inside a span,
 * local wall-clock time is UTC plus a constant, so the series' rule (a
 * cron expression, or "this local time every day/week/month") is searched
 * in local time and mapped back by subtracting the offset. A span opened
 * by a forward change also receives the local times that change skipped
 * (dst_gap), and a local time that its neighbouring span holds as well is
 * a repeated one (dst_repeat). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "schedule.h"

#define USEC INT64_C(1000000)
#define DAY_US (INT64_C(86400) * USEC)
#define FAR_US (INT64_C(1) << 62)

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* The first local time of a daily/weekly/monthly rule at or after `from`. */
static bool recurrence_next(const struct ts_schedule *s, int64_t from, int64_t limit,
			    int64_t *out)
{
	int64_t day = floor_div(from, DAY_US);
	int y, m, d;

	if (from - day * DAY_US > s->anchor_time)
		day++;
	switch (s->recurrence) {
	case TS_RECUR_WEEKLY: {
		int64_t wd = (day + 4) % 7; /* 1970-01-01 was a Thursday */
		day += (s->anchor_wday - (wd < 0 ? wd + 7 : wd) + 7) % 7;
		break;
	}
	case TS_RECUR_MONTHLY: {
		ts_time_civil_from_days(day, &y, &m, &d);
		int last = ts_time_days_in_month(y, m);
		if (d > (s->anchor_day < last ? s->anchor_day : last) && ++m > 12) {
			m = 1;
			y++;
		}
		last = ts_time_days_in_month(y, m);
		if (y > 9999)
			return false;
		day = ts_time_days_from_civil(y, m, s->anchor_day < last ? s->anchor_day : last);
		break;
	}
	case TS_RECUR_DAILY:
		break;
	case TS_RECUR_NONE:
		return false;
	}
	int64_t t = day * DAY_US + s->anchor_time;
	if (t > limit || t >= ts_time_days_from_civil(10000, 1, 1) * DAY_US)
		return false;
	*out = t;
	return true;
}

/* The first local wall-clock time in [from, limit] the series' rule
 * matches (microseconds). */
static bool local_next(const struct ts_schedule *s, int64_t from, int64_t limit, int64_t *out)
{
	if (from > limit)
		return false;
	if (!s->has_cron)
		return recurrence_next(s, from, limit, out);
	int64_t t;
	/* Cron matches whole seconds. */
	if (!ts_cron_next(&s->cron, floor_div(from + USEC - 1, USEC), floor_div(limit, USEC), &t))
		return false;
	*out = t * USEC;
	return true;
}

/* The bounds (microseconds) and offsets of span i of the zone. */
struct span {
	int64_t start, end;             /* [start, end) in UTC */
	int64_t off, prev_off, next_off;
	bool has_prev, has_next;
};

static void span_of(const struct ts_tz *tz, size_t i, struct span *sp)
{
	sp->has_prev = i > 0;
	sp->has_next = i < tz->count;
	sp->start = sp->has_prev ? tz->at[i - 1] * USEC : -FAR_US;
	sp->end = sp->has_next ? tz->at[i] * USEC : FAR_US;
	sp->off = tz->offset[i] * USEC;
	sp->prev_off = sp->has_prev ? tz->offset[i - 1] * USEC : sp->off;
	sp->next_off = sp->has_next ? tz->offset[i + 1] * USEC : sp->off;
}

/* The first occurrence shifted out of the gap that opens span `sp`, after
 * `after`: a skipped local time L fires at L minus the offset before the
 * change, which is within the span's first (gap length) microseconds. */
static bool gap_next(const struct ts_schedule *s, const struct span *sp, ts_time_us after,
		     struct ts_occurrence *out)
{
	int64_t from = sp->start + sp->prev_off, local;

	if (!sp->has_prev || sp->off <= sp->prev_off || s->dst_gap != TS_DST_GAP_SHIFT)
		return false;
	if (after + 1 + sp->prev_off > from)
		from = after + 1 + sp->prev_off;
	if (!local_next(s, from, sp->start + sp->off - 1, &local))
		return false;
	*out = (struct ts_occurrence){ .at = local - sp->prev_off, .dst = TS_DST_SHIFTED };
	return true;
}

/* The first regular occurrence inside span `sp` after `after`, applying
 * dst_repeat to local times the neighbouring span holds too. */
static bool span_next(const struct ts_schedule *s, const struct span *sp, ts_time_us after,
		      struct ts_occurrence *out)
{
	int64_t lo = after + 1 > sp->start ? after + 1 : sp->start;
	int64_t from = lo + sp->off;
	int64_t limit = sp->end == FAR_US ? FAR_US : sp->end - 1 + sp->off;
	int64_t local;

	while (local_next(s, from, limit, &local)) {
		/* The later instance of a time the clocks went back over... */
		bool later = sp->has_prev && sp->prev_off > sp->off &&
			     local < sp->start + sp->prev_off;
		/* ...or the earlier one. */
		bool earlier = sp->has_next && sp->next_off < sp->off &&
			       local >= sp->end + sp->next_off;
		if ((later && s->dst_repeat == TS_DST_REPEAT_FIRST) ||
		    (earlier && s->dst_repeat == TS_DST_REPEAT_LAST)) {
			from = local + 1;
			continue;
		}
		*out = (struct ts_occurrence){
			.at = local - sp->off, .dst = later || earlier ? TS_DST_REPEATED : TS_DST_NONE,
		};
		return true;
	}
	return false;
}

bool ts_schedule_next(const struct ts_schedule *s, ts_time_us after, struct ts_occurrence *out)
{
	const struct ts_tz *tz = s->tz ? s->tz : ts_tz_utc();

	if (s->has_ends_at && after >= s->ends_at)
		return false;
	for (size_t i = ts_tz_span(tz, floor_div(after, USEC)); i <= tz->count; i++) {
		struct span sp;
		struct ts_occurrence gap, reg;
		span_of(tz, i, &sp);
		bool has_gap = gap_next(s, &sp, after, &gap);
		bool has_reg = span_next(s, &sp, after, &reg);
		if (!has_gap && !has_reg)
			continue;
		/* On one instant the regular match wins: it is no shift. */
		*out = has_reg && (!has_gap || reg.at <= gap.at) ? reg : gap;
		out->offset = tz->offset[i];
		return !s->has_ends_at || out->at <= s->ends_at;
	}
	return false;
}

/* The latest occurrence in (prev, now], knowing one exists: the boundary
 * of "the next after x is not later than now", found by bisection, so a
 * series idle for years costs some sixty searches, not one per missed
 * occurrence. */
static void latest_missed(const struct ts_schedule *s, ts_time_us prev, ts_time_us now,
			  struct ts_occurrence *out)
{
	ts_time_us lo = prev, hi = now;
	struct ts_occurrence o;

	while (hi - lo > 1) {
		ts_time_us mid = lo + (hi - lo) / 2;
		if (ts_schedule_next(s, mid, &o) && o.at <= now)
			lo = mid;
		else
			hi = mid;
	}
	ts_schedule_next(s, lo, out);
}

bool ts_schedule_following(const struct ts_schedule *s, enum ts_catch_up catch_up,
			   ts_time_us prev, ts_time_us now, struct ts_occurrence *out)
{
	if (!ts_schedule_next(s, prev, out))
		return false;
	if (out->at > now)
		return true;
	if (catch_up == TS_CATCH_UP_ONCE) {
		latest_missed(s, prev, now, out);
		return true;
	}
	return ts_schedule_next(s, now, out);
}

size_t ts_schedule_list(const struct ts_schedule *s, ts_time_us first, ts_time_us after,
			struct ts_occurrence *out, size_t max)
{
	const struct ts_tz *tz = s->tz ? s->tz : ts_tz_utc();
	size_t n = 0;

	if (max == 0)
		return 0;
	if (first > after) {
		/* The first occurrence is one by definition (a task's run_at);
		 * its flag is the one the search gives the same instant. */
		struct ts_occurrence o;
		out[0] = (struct ts_occurrence){ .at = first, .offset = ts_tz_offset(tz,
			  floor_div(first, USEC)) };
		if (ts_schedule_next(s, first - 1, &o) && o.at == first)
			out[0].dst = o.dst;
		if (s->has_ends_at && first > s->ends_at)
			return 0;
		after = first;
		n = 1;
	}
	while (n < max && ts_schedule_next(s, after, &out[n]))
		after = out[n++].at;
	return n;
}

void ts_schedule_anchor(struct ts_schedule *s, ts_time_us first)
{
	const struct ts_tz *tz = s->tz ? s->tz : ts_tz_utc();
	int64_t local = first + (int64_t)ts_tz_offset(tz, floor_div(first, USEC)) * USEC;
	int64_t day = floor_div(local, DAY_US);
	int y, m, d;

	s->anchor_time = local - day * DAY_US;
	s->anchor_wday = (int)(((day + 4) % 7 + 7) % 7);
	ts_time_civil_from_days(day, &y, &m, &d);
	if (s->anchor_day < 1 || s->anchor_day > 31)
		s->anchor_day = d;
}

static const char *const gap_names[] = { "shift", "skip" };
static const char *const repeat_names[] = { "first", "last", "both" };
static const char *const catch_up_names[] = { "skip", "once" };
static const char *const flag_names[] = { NULL, "shifted", "repeated" };

static bool parse_name(const char *const *names, int count, const char *name, int *out)
{
	for (int i = 0; i < count; i++) {
		if (names[i] && strcmp(name, names[i]) == 0) {
			*out = i;
			return true;
		}
	}
	return false;
}

#define NAMES(a) (int)(sizeof(a) / sizeof((a)[0]))

const char *ts_dst_gap_name(enum ts_dst_gap g)
{
	return (int)g >= 0 && (int)g < NAMES(gap_names) ? gap_names[g] : NULL;
}

bool ts_dst_gap_parse(const char *name, enum ts_dst_gap *out)
{
	int v;

	if (!parse_name(gap_names, NAMES(gap_names), name, &v))
		return false;
	*out = (enum ts_dst_gap)v;
	return true;
}

const char *ts_dst_repeat_name(enum ts_dst_repeat r)
{
	return (int)r >= 0 && (int)r < NAMES(repeat_names) ? repeat_names[r] : NULL;
}

bool ts_dst_repeat_parse(const char *name, enum ts_dst_repeat *out)
{
	int v;

	if (!parse_name(repeat_names, NAMES(repeat_names), name, &v))
		return false;
	*out = (enum ts_dst_repeat)v;
	return true;
}

const char *ts_catch_up_name(enum ts_catch_up c)
{
	return (int)c >= 0 && (int)c < NAMES(catch_up_names) ? catch_up_names[c] : NULL;
}

bool ts_catch_up_parse(const char *name, enum ts_catch_up *out)
{
	int v;

	if (!parse_name(catch_up_names, NAMES(catch_up_names), name, &v))
		return false;
	*out = (enum ts_catch_up)v;
	return true;
}

const char *ts_dst_flag_name(enum ts_dst_flag f)
{
	return (int)f >= 0 && (int)f < NAMES(flag_names) ? flag_names[f] : NULL;
}

char *ts_schedule_format_local(ts_time_us t, int32_t offset, char buf[TS_SCHEDULE_LOCAL_MAX])
{
	int32_t minutes = offset / 60;
	int32_t a = minutes < 0 ? -minutes : minutes;
	char utc[TS_TIME_TEXT_MAX];

	/* The UTC formatter does the calendar; its "Z" becomes the offset. */
	ts_time_format(t + (int64_t)minutes * 60 * USEC, utc);
	size_t n = strlen(utc);
	if (n == 0) {
		buf[0] = '\0';
		return buf;
	}
	snprintf(buf, TS_SCHEDULE_LOCAL_MAX, "%.*s%c%02d:%02d", (int)(n - 1), utc,
		 minutes < 0 ? '-' : '+', (int)(a / 60), (int)(a % 60));
	return buf;
}
