/* metrics.h -- what GET /metrics reports: the families, their histogram
 * buckets, the counts an outcome adds, and a scrape's snapshot. No I/O:
 * the database layer stores and reads these, promtext.c prints them. */
#ifndef TS_METRICS_H
#define TS_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "task.h"
#include "tstime.h"

/* Room for the buckets of any histogram here, +Inf included. */
#define TS_HISTOGRAM_BUCKETS_MAX 24

/* A histogram's finite upper bounds, ascending: in microseconds for the
 * arithmetic and as the "le" text Prometheus shows ("0.001"). The +Inf
 * bucket comes after the last. */
struct ts_histogram_bounds {
	const char *name;                /* "fire_lateness_seconds", without the prefix */
	size_t count;                    /* finite bounds */
	const int64_t *us;
	const char *const *le;
};

/* First attempt's start minus run_at: 1 ms to 60 s. */
extern const struct ts_histogram_bounds ts_metrics_lateness;
/* How long a webhook request took, start to answer (or error). */
extern const struct ts_histogram_bounds ts_metrics_webhook_duration;

/* Observations by bucket (not cumulative; [count] is +Inf) and their sum. */
struct ts_histogram {
	uint64_t buckets[TS_HISTOGRAM_BUCKETS_MAX];
	uint64_t sum_us;
};

/* Adds one observation of `us` microseconds; a negative one (clocks of two
 * hosts a little apart) counts as 0, so the sum never decreases. */
void ts_histogram_observe(struct ts_histogram *h, const struct ts_histogram_bounds *b,
			  int64_t us);

/* The bucket index of the "le" text `le` (count for "+Inf"); -1 when it is
 * not a bound of `b` (a bucket that an older version had). */
int ts_histogram_bucket_of(const struct ts_histogram_bounds *b, const char *le);

/* What recorded attempts add to the counters: one transaction's worth. */
struct ts_metrics_delta {
	uint64_t runs[TS_RUN_OUTCOME_COUNT];   /* by the outcome recorded */
	struct ts_histogram lateness;
	struct ts_histogram webhook_duration;
};

/* One recorded attempt, as far as the counters care. */
struct ts_metrics_attempt {
	enum ts_run_outcome recorded;  /* as the run row shows it */
	int attempt;                   /* 1 for the first */
	ts_time_us run_at;
	ts_time_us started_at;         /* 0 when unknown (a lost attempt) */
	ts_time_us finished_at;
	bool webhook_sent;             /* a webhook request went out */
};

/* Counts `a` into `d`: the outcome; the fire lateness of a first attempt
 * whose start is known; the duration of a webhook request. */
void ts_metrics_delta_add(struct ts_metrics_delta *d, const struct ts_metrics_attempt *a);

/* Everything one scrape reports. Counts by status follow the task model's
 * list of statuses (ts_task_status_name). */
struct ts_metrics_snapshot {
	int64_t tasks[TS_STATUS_COUNT];
	uint64_t due_tasks;
	int64_t oldest_due_us;              /* 0 when nothing is due */
	uint64_t runs[TS_RUN_OUTCOME_COUNT];
	struct ts_histogram lateness;
	struct ts_histogram webhook_duration;
	ts_time_us executor_last_run;       /* 0 when no executor ever ran */
};

/* Prints `s` in the Prometheus text format 0.0.4, with
 * tasksched_build_info{version=`version`}. On success *out is a heap
 * string (the caller frees it); TS_ERR_NOMEM otherwise. */
enum ts_err ts_metrics_render(const struct ts_metrics_snapshot *s, const char *version,
			      char **out, struct ts_error *err);

#endif
