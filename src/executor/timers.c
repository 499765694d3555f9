/* timers.c -- a small table of timed jobs for the executor's loop: find the
 * nearest, run the due ones (after redis ae.c's time events). */
#include "config.h"

#include <limits.h>

#include "timers.h"

static bool is_ready(const struct ts_timer *t, void *arg)
{
	return t->when != TS_TIMERS_NEVER && (!t->ready || t->ready(arg));
}

void ts_timers_arm(struct ts_timer *t, int64_t when)
{
	t->when = when;
}

size_t ts_timers_run(struct ts_timer *table, size_t n, int64_t now, void *arg)
{
	size_t ran = 0;

	/* One pass with one `now`: a job that asks to run again at once (it
	 * returns `now`) waits for the next pass, so a pass always ends. */
	for (size_t i = 0; i < n; i++) {
		struct ts_timer *t = &table[i];

		if (t->when > now || !is_ready(t, arg))
			continue;
		t->when = t->fire(arg, now);
		ran++;
	}
	return ran;
}

int64_t ts_timers_nearest(const struct ts_timer *table, size_t n, int64_t limit, void *arg)
{
	int64_t nearest = limit;

	for (size_t i = 0; i < n; i++) {
		if (table[i].when < nearest && is_ready(&table[i], arg))
			nearest = table[i].when;
	}
	return nearest;
}

int ts_timers_timeout_ms(int64_t when, int64_t now)
{
	int64_t wait_us = when - now;

	if (wait_us <= 0)
		return 0;
	if (wait_us >= (int64_t)INT_MAX * 1000)
		return INT_MAX;
	return (int)((wait_us + 999) / 1000);
}
