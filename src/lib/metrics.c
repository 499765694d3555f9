/* metrics.c -- the metric families of GET /metrics: histogram buckets,
 * what an outcome counts, and the text of a snapshot. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "metrics.h"
#include "promtext.h"

static const int64_t lateness_us[] = {
	1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000, 500000,
	1000000, 2500000, 5000000, 10000000, 30000000, 60000000,
};
static const char *const lateness_le[] = {
	"0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5",
	"1", "2.5", "5", "10", "30", "60",
};

static const int64_t duration_us[] = {
	5000, 10000, 25000, 50000, 100000, 250000, 500000,
	1000000, 2500000, 5000000, 10000000, 30000000, 60000000,
};
static const char *const duration_le[] = {
	"0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5",
	"1", "2.5", "5", "10", "30", "60",
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

_Static_assert(N(lateness_us) == N(lateness_le), "one le text per bound");
_Static_assert(N(duration_us) == N(duration_le), "one le text per bound");
_Static_assert(N(lateness_us) < TS_HISTOGRAM_BUCKETS_MAX, "room for +Inf");
_Static_assert(N(duration_us) < TS_HISTOGRAM_BUCKETS_MAX, "room for +Inf");

const struct ts_histogram_bounds ts_metrics_lateness = {
	"fire_lateness_seconds", N(lateness_us), lateness_us, lateness_le,
};
const struct ts_histogram_bounds ts_metrics_webhook_duration = {
	"webhook_duration_seconds", N(duration_us), duration_us, duration_le,
};

void ts_histogram_observe(struct ts_histogram *h, const struct ts_histogram_bounds *b,
			  int64_t us)
{
	size_t i = 0;

	if (us < 0)
		us = 0;
	while (i < b->count && us > b->us[i])
		i++;
	h->buckets[i]++;
	h->sum_us += (uint64_t)us;
}

int ts_histogram_bucket_of(const struct ts_histogram_bounds *b, const char *le)
{
	if (strcmp(le, "+Inf") == 0)
		return (int)b->count;
	for (size_t i = 0; i < b->count; i++) {
		if (strcmp(le, b->le[i]) == 0)
			return (int)i;
	}
	return -1;
}

void ts_metrics_delta_add(struct ts_metrics_delta *d, const struct ts_metrics_attempt *a)
{
	if ((unsigned)a->recorded < TS_RUN_OUTCOME_COUNT)
		d->runs[a->recorded]++;
	/* Lateness is what a user feels: the first attempt only; retries are
	 * late by design. */
	if (a->attempt == 1 && a->started_at)
		ts_histogram_observe(&d->lateness, &ts_metrics_lateness,
				     a->started_at - a->run_at);
	if (a->webhook_sent && a->started_at)
		ts_histogram_observe(&d->webhook_duration, &ts_metrics_webhook_duration,
				     a->finished_at - a->started_at);
}

static void histogram(struct ts_promtext *p, const struct ts_histogram_bounds *b,
		      const struct ts_histogram *h, const char *help)
{
	char name[96];

	snprintf(name, sizeof(name), "tasksched_%s", b->name);
	ts_promtext_family(p, name, "histogram", help);
	ts_promtext_histogram(p, name, b->count, b->le, h->buckets, h->sum_us);
}

enum ts_err ts_metrics_render(const struct ts_metrics_snapshot *s, const char *version,
			      char **out, struct ts_error *err)
{
	struct ts_promtext p;

	ts_promtext_init(&p);
	ts_promtext_family(&p, "tasksched_tasks", "gauge", "Tasks by status, all tenants.");
	for (unsigned i = 0; i < TS_STATUS_COUNT; i++)
		ts_promtext_int(&p, "tasksched_tasks", "status", ts_task_status_name(i),
				s->tasks[i]);
	ts_promtext_family(&p, "tasksched_due_tasks", "gauge",
			   "Scheduled tasks whose due time has passed.");
	ts_promtext_int(&p, "tasksched_due_tasks", NULL, NULL, (int64_t)s->due_tasks);
	ts_promtext_family(&p, "tasksched_oldest_due_seconds", "gauge",
			   "How long the oldest due task has waited (0 when none).");
	ts_promtext_seconds(&p, "tasksched_oldest_due_seconds", NULL, NULL, s->oldest_due_us);
	ts_promtext_family(&p, "tasksched_runs_total", "counter",
			   "Attempts recorded, by outcome.");
	for (unsigned i = 0; i < TS_RUN_OUTCOME_COUNT; i++)
		ts_promtext_int(&p, "tasksched_runs_total", "outcome", ts_run_outcome_name(i),
				(int64_t)s->runs[i]);
	histogram(&p, &ts_metrics_lateness, &s->lateness,
		  "First attempt's start minus the task's run_at.");
	histogram(&p, &ts_metrics_webhook_duration, &s->webhook_duration,
		  "Webhook requests, from start to answer or error.");
	ts_promtext_family(&p, "tasksched_executor_last_run_timestamp_seconds", "gauge",
			   "When an executor last started a run (Unix time; 0: never).");
	ts_promtext_seconds(&p, "tasksched_executor_last_run_timestamp_seconds", NULL, NULL,
			    s->executor_last_run);
	ts_promtext_family(&p, "tasksched_build_info", "gauge",
			   "The version of tasksched-api answering; always 1.");
	ts_promtext_int(&p, "tasksched_build_info", "version", version, 1);
	*out = ts_promtext_finish(&p);
	if (!*out)
		return ts_error_set(err, TS_ERR_NOMEM, "internal", NULL, "out of memory");
	return TS_OK;
}
