/* task_schedule.c -- a task's series as the schedule engine sees it. */
#include "config.h"

#include "task_schedule.h"

bool ts_task_recurs(const struct ts_task *t)
{
	return t->cron[0] != '\0' || t->recurrence != TS_RECUR_NONE;
}

enum ts_err ts_task_schedule(const struct ts_task *t, struct ts_schedule *s,
			     struct ts_error *err)
{
	enum ts_err rc;

	*s = (struct ts_schedule){
		.recurrence = t->recurrence, .anchor_day = t->anchor_day,
		.dst_gap = t->dst_gap, .dst_repeat = t->dst_repeat,
		.has_ends_at = t->has_ends_at, .ends_at = t->ends_at,
	};
	rc = ts_tz_get(t->timezone[0] ? t->timezone : "UTC", "timezone", &s->tz, err);
	if (rc)
		return rc;
	if (t->cron[0]) {
		s->has_cron = true;
		return ts_cron_parse(t->cron, "cron", &s->cron, err);
	}
	ts_schedule_anchor(s, t->run_at);
	if (t->has_anchor_time)
		s->anchor_time = t->anchor_time;
	return TS_OK;
}

enum ts_err ts_task_anchor(struct ts_task *t, struct ts_error *err)
{
	struct ts_schedule s;
	enum ts_err rc;

	t->anchor_day = 0;
	t->has_anchor_time = false;
	if (t->cron[0] || t->recurrence == TS_RECUR_NONE)
		return TS_OK;
	rc = ts_task_schedule(t, &s, err);
	if (rc)
		return rc;
	/* Only a monthly series keeps a day of month. */
	t->anchor_day = t->recurrence == TS_RECUR_MONTHLY ? s.anchor_day : 0;
	t->has_anchor_time = true;
	t->anchor_time = s.anchor_time;
	return TS_OK;
}
