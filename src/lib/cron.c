/* cron.c -- cron expressions: the parser and the search for the next
 * matching wall-clock time, with every field held as a bitmask. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "cron.h"
#include "tstime.h"

#define SECS_PER_DAY INT64_C(86400)

enum field_id { F_SECOND, F_MINUTE, F_HOUR, F_DOM, F_MONTH, F_DOW, F_COUNT };

struct field_def {
	const char *name;
	int min, max;                  /* values accepted in the text */
	const char *const *names;      /* three-letter names, or NULL */
	int name_base;                 /* the value of names[0] */
};

static const char *const month_names[] = {
	"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC", NULL
};
static const char *const day_names[] = {
	"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT", NULL
};

static const struct field_def fields[F_COUNT] = {
	[F_SECOND] = { "second", 0, 59, NULL, 0 },
	[F_MINUTE] = { "minute", 0, 59, NULL, 0 },
	[F_HOUR] = { "hour", 0, 23, NULL, 0 },
	[F_DOM] = { "day-of-month", 1, 31, NULL, 0 },
	[F_MONTH] = { "month", 1, 12, month_names, 1 },
	[F_DOW] = { "day-of-week", 0, 7, day_names, 0 },
};

static const struct {
	const char *name;
	const char *expansion;
} macros[] = {
	{ "@yearly", "0 0 1 1 *" }, { "@annually", "0 0 1 1 *" },
	{ "@monthly", "0 0 1 * *" }, { "@weekly", "0 0 * * 0" },
	{ "@daily", "0 0 * * *" }, { "@midnight", "0 0 * * *" },
	{ "@hourly", "0 * * * *" },
};

/* Where the parser reports to. */
struct parse_ctx {
	const char *field;             /* the request field, e.g. "cron" */
	struct ts_error *err;
};

static enum ts_err fail(const struct parse_ctx *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static enum ts_err fail(const struct parse_ctx *p, const char *fmt, ...)
{
	char why[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	return ts_error_set(p->err, TS_ERR_INVALID, "invalid_field", p->field,
			    "Invalid field %s: %s", p->field, why);
}

/* Reads one value (a number, or a name where the field has names) from
 * [s, e). `range_end` makes SUN mean 7, so that MON-SUN is every day. */
static enum ts_err parse_value(const struct parse_ctx *p, enum field_id f, const char *s,
			       const char *e, bool range_end, int *out)
{
	const struct field_def *d = &fields[f];
	char tok[16];
	size_t n = (size_t)(e - s);

	snprintf(tok, sizeof(tok), "%.*s", (int)(n < 12 ? n : 12), s);
	if (n == 0)
		return fail(p, "a value is missing in %s", d->name);
	if (s[0] >= '0' && s[0] <= '9') {
		int v = 0;
		for (size_t i = 0; i < n; i++) {
			if (s[i] < '0' || s[i] > '9')
				return fail(p, "'%s' in %s is not a number", tok, d->name);
			if (v < 1000)
				v = v * 10 + (s[i] - '0');
		}
		if (v < d->min || v > d->max)
			return fail(p, "%s %s is out of range %d-%d", d->name, tok, d->min, d->max);
		*out = v;
		return TS_OK;
	}
	for (int i = 0; d->names && d->names[i]; i++) {
		if (n == 3 && strncasecmp(s, d->names[i], 3) == 0) {
			*out = d->name_base + i;
			if (f == F_DOW && i == 0 && range_end)
				*out = 7;
			return TS_OK;
		}
	}
	if (d->names)
		return fail(p, "'%s' in %s is not a number or a name", tok, d->name);
	return fail(p, "'%s' in %s is not a number", tok, d->name);
}

/* Parses one list item of field `f` ("*", "*\/n", "a", "a-b", "a-b/n")
 * from [s, e) into *mask. */
static enum ts_err parse_item(const struct parse_ctx *p, enum field_id f, const char *s,
			      const char *e, uint64_t *mask)
{
	const struct field_def *d = &fields[f];
	const char *slash = memchr(s, '/', (size_t)(e - s));
	const char *end = slash ? slash : e;
	int lo, hi, step = 1;
	enum ts_err rc;

	if (end - s == 1 && *s == '*') {
		lo = d->min;
		hi = f == F_DOW ? 6 : d->max;
	} else {
		const char *dash = memchr(s, '-', (size_t)(end - s));
		rc = parse_value(p, f, s, dash ? dash : end, false, &lo);
		if (rc)
			return rc;
		hi = lo;
		if (dash) {
			rc = parse_value(p, f, dash + 1, end, true, &hi);
			if (rc)
				return rc;
			if (hi < lo)
				return fail(p, "range %.*s in %s wraps around; write it as two ranges",
					    (int)(end - s < 24 ? end - s : 24), s, d->name);
		} else if (slash) {
			return fail(p, "%s: a step needs * or a range before it (*/2, 0-30/2)",
				    d->name);
		}
	}
	if (slash) {
		int span = d->max - d->min + 1;
		step = 0;
		if (slash + 1 == e)
			return fail(p, "%s: a step is missing after /", d->name);
		for (const char *q = slash + 1; q < e; q++) {
			if (*q < '0' || *q > '9')
				return fail(p, "%s: the step must be a number", d->name);
			if (step <= span)
				step = step * 10 + (*q - '0');
		}
		if (step < 1 || step > span)
			return fail(p, "%s step %d is out of range 1-%d", d->name, step, span);
	}
	for (int v = lo; v <= hi; v += step)
		*mask |= UINT64_C(1) << (f == F_DOW && v == 7 ? 0 : v);
	return TS_OK;
}

/* Parses the text [s, e) of field `f` into c. */
static enum ts_err parse_field(const struct parse_ctx *p, enum field_id f, const char *s,
			       const char *e, struct ts_cron *c)
{
	uint64_t mask = 0;
	enum ts_err rc;

	if (e - s == 1 && (*s == 'L' || *s == 'l')) {
		if (f != F_DOM)
			return fail(p, "L is allowed only in day-of-month, not in %s",
				    fields[f].name);
		c->dom_last = true;
		c->dom_restricted = true;
		return TS_OK;
	}
	for (const char *item = s; item <= e;) {
		const char *comma = memchr(item, ',', (size_t)(e - item));
		const char *end = comma ? comma : e;
		if (end == item)
			return fail(p, "%s has an empty list item", fields[f].name);
		if (end - item == 1 && (*item == 'L' || *item == 'l'))
			return fail(p, f == F_DOM ? "L must stand alone in %s"
						  : "L is allowed only in day-of-month, not in %s",
				    fields[f].name);
		rc = parse_item(p, f, item, end, &mask);
		if (rc)
			return rc;
		item = end + 1;
	}
	switch (f) {
	case F_SECOND: c->second = mask; break;
	case F_MINUTE: c->minute = mask; break;
	case F_HOUR: c->hour = (uint32_t)mask; break;
	case F_DOM: c->dom = (uint32_t)mask; c->dom_restricted = *s != '*'; break;
	case F_MONTH: c->month = (uint16_t)mask; break;
	case F_DOW: c->dow = (uint8_t)mask; c->dow_restricted = *s != '*'; break;
	case F_COUNT: break;
	}
	return TS_OK;
}

/* True when some month of `c` has a day its day-of-month field allows,
 * in some year (February counts 29 days). With both day fields restricted
 * the day-of-week field alone is enough, and it is never empty. */
static bool can_fire(const struct ts_cron *c)
{
	if (c->dom_last || (c->dom_restricted && c->dow_restricted))
		return true;
	for (int m = 1; m <= 12; m++) {
		int last = ts_time_days_in_month(2000, m);
		if ((c->month >> m & 1) && (c->dom & ((UINT32_C(2) << last) - 2)))
			return true;
	}
	return false;
}

static void precompute_dow_days(struct ts_cron *c)
{
	for (int first = 0; first < 7; first++) {
		uint32_t days = 0;
		for (int d = 1; d <= 31; d++) {
			if (c->dow >> ((first + d - 1) % 7) & 1)
				days |= UINT32_C(1) << d;
		}
		c->dow_days[first] = days;
	}
}

/* Splits `text` (macro already expanded) into fields and parses them. */
static enum ts_err parse_fields(const struct parse_ctx *p, const char *text, struct ts_cron *c)
{
	const char *start[7], *end[7];
	int n = 0;

	for (const char *q = text; *q;) {
		while (*q == ' ' || *q == '\t')
			q++;
		if (!*q)
			break;
		if (n == 7)
			break;
		start[n] = q;
		while (*q && *q != ' ' && *q != '\t')
			q++;
		end[n++] = q;
	}
	if (n != 5 && n != 6)
		return fail(p, "has %s%d fields; expected 5 (minute hour day-of-month month"
			    " day-of-week) or 6 (a leading second)", n < 7 ? "" : "at least ", n);
	int first = n == 5 ? F_MINUTE : F_SECOND;
	c->second = 1; /* five fields: on the minute */
	for (int i = 0; i < n; i++) {
		enum ts_err rc = parse_field(p, (enum field_id)(first + i), start[i], end[i], c);
		if (rc)
			return rc;
	}
	return TS_OK;
}

enum ts_err ts_cron_parse(const char *text, const char *field, struct ts_cron *out,
			  struct ts_error *err)
{
	struct parse_ctx p = { .field = field, .err = err };
	struct ts_cron c = { 0 };
	size_t len = text ? strlen(text) : 0;
	enum ts_err rc;

	if (len == 0)
		return fail(&p, "is empty");
	if (len >= TS_CRON_TEXT_MAX)
		return fail(&p, "is longer than %d characters", TS_CRON_TEXT_MAX - 1);
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)text[i];
		if (ch != '\t' && (ch < 0x20 || ch > 0x7e))
			return fail(&p, "has a character that is not printable ASCII");
	}
	while (*text == ' ' || *text == '\t')
		text++;
	if (*text == '@') {
		size_t n = strcspn(text, " \t");
		const char *expansion = NULL;
		for (size_t i = 0; i < sizeof(macros) / sizeof(macros[0]); i++) {
			if (strlen(macros[i].name) == n && strncasecmp(text, macros[i].name, n) == 0)
				expansion = macros[i].expansion;
		}
		if (!expansion || text[n + strspn(text + n, " \t")] != '\0')
			return fail(&p, "unknown macro '%.*s' (use @yearly, @annually, @monthly,"
				    " @weekly, @daily, @midnight or @hourly)", (int)(n < 20 ? n : 20), text);
		text = expansion;
	}
	rc = parse_fields(&p, text, &c);
	if (rc)
		return rc;
	if (!can_fire(&c))
		return fail(&p, "never fires (no month has such a day)");
	precompute_dow_days(&c);
	*out = c;
	return TS_OK;
}

/* The lowest set bit of `mask` at or above `from`, or -1. */
static int next_bit(uint64_t mask, int from)
{
	if (from > 63)
		return -1;
	mask &= ~UINT64_C(0) << from;
	return mask ? __builtin_ctzll(mask) : -1;
}

/* The days 1..last of month `m` of `y` that `c` matches. */
static uint32_t month_days(const struct ts_cron *c, int y, int m, int64_t first_day)
{
	int last = ts_time_days_in_month(y, m);
	uint32_t valid = (UINT32_C(2) << last) - 2;
	uint32_t dom = c->dom | (c->dom_last ? UINT32_C(1) << last : 0);
	/* 1970-01-01 was a Thursday (4). */
	int64_t wd = (first_day + 4) % 7;
	uint32_t dow = c->dow_days[wd < 0 ? wd + 7 : wd];

	if (c->dom_restricted && c->dow_restricted)
		return (dom | dow) & valid;
	return dom & dow & valid;
}

bool ts_cron_next(const struct ts_cron *c, int64_t from, int64_t limit, int64_t *out)
{
	int64_t day = from / SECS_PER_DAY, sod = from % SECS_PER_DAY;
	int y, m, d, h, mi, s;

	if (sod < 0) {
		sod += SECS_PER_DAY;
		day--;
	}
	ts_time_civil_from_days(day, &y, &m, &d);
	h = (int)(sod / 3600);
	mi = (int)(sod / 60 % 60);
	s = (int)(sod % 60);
	for (;;) {
		if (y > 9999)
			return false;
		int64_t first = ts_time_days_from_civil(y, m, 1);
		if (first * SECS_PER_DAY > limit)
			return false;
		int dn = (c->month >> m & 1) ? next_bit(month_days(c, y, m, first), d) : -1;
		if (dn < 0) {
			/* Nothing left this month: the start of the next one. */
			if (++m > 12) {
				m = 1;
				y++;
			}
			d = 1;
			h = mi = s = 0;
			continue;
		}
		if (dn != d) {
			d = dn;
			h = mi = s = 0;
		}
		int hn = next_bit(c->hour, h);
		if (hn < 0) {
			d++;
			h = mi = s = 0;
			continue;
		}
		if (hn != h) {
			h = hn;
			mi = s = 0;
		}
		int mn = next_bit(c->minute, mi);
		if (mn < 0) {
			h++;
			mi = s = 0;
			continue;
		}
		if (mn != mi) {
			mi = mn;
			s = 0;
		}
		int sn = next_bit(c->second, s);
		if (sn < 0) {
			mi++;
			s = 0;
			continue;
		}
		int64_t t = (first + d - 1) * SECS_PER_DAY + h * 3600 + mi * 60 + sn;
		if (t > limit)
			return false;
		*out = t;
		return true;
	}
}
