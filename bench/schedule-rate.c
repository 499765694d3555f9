/* schedule-rate.c -- next-occurrence computations per second of the
 * schedule engine, for a mix of cron expressions, recurrences and zones
 * (bench/schedule builds and runs it). Each series is followed forward
 * from 2027-01-01, every result the next call's start, so DST days,
 * month ends and leap days all come by. The rate is per second of this
 * thread's CPU time, so other load on the machine does not lower it. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "schedule.h"

static const char *const rules[] = {
	"*/15 * * * *", "0 9 * * mon-fri", "30 2 * * *", "0 0 L * *", "* * * * * *",
	"0 0 1 1 *", "0 */2 13 * FRI", "15 10 * * 1-5", "daily", "weekly", "monthly",
};
static const char *const zones[] = {
	"UTC", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Kathmandu",
	"America/Santiago",
};
#define NRULES (sizeof(rules) / sizeof(rules[0]))
#define NZONES (sizeof(zones) / sizeof(zones[0]))
#define STEPS 64        /* followed forward, then restarted */

/* Every result lands here, so the compiler cannot drop the work. */
static volatile ts_time_us results;

static double cpu_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int build(struct ts_schedule *s, const char *rule, const char *zone, ts_time_us first)
{
	struct ts_error err = { 0 };

	*s = (struct ts_schedule){ 0 };
	if (!ts_recurrence_parse(rule, &s->recurrence)) {
		if (ts_cron_parse(rule, "cron", &s->cron, &err) != TS_OK)
			return -1;
		s->has_cron = true;
	}
	if (ts_tz_get(zone, "timezone", &s->tz, &err) != TS_OK)
		return -1;
	if (!s->has_cron)
		ts_schedule_anchor(s, first);
	return 0;
}

/* Runs `seconds` of CPU time over the schedules; returns calls per second. */
static double rate(const struct ts_schedule *s, size_t n, ts_time_us start, double seconds)
{
	long calls = 0;
	double t0 = cpu_seconds(), t = t0;

	while (t - t0 < seconds) {
		for (size_t i = 0; i < n; i++) {
			struct ts_occurrence o = { .at = start };
			for (int k = 0; k < STEPS; k++) {
				calls++;
				if (!ts_schedule_next(&s[i], o.at, &o))
					break;
				results = o.at;
			}
		}
		t = cpu_seconds();
	}
	return (double)calls / (t - t0);
}

int main(int argc, char **argv)
{
	static struct ts_schedule all[NRULES * NZONES], utc[NRULES];
	double seconds = argc > 1 ? atof(argv[1]) : 2.0;
	ts_time_us start = 0;
	size_t n = 0;

	ts_time_parse_rfc3339("2027-01-01T00:00:00Z", &start, NULL);
	for (size_t r = 0; r < NRULES; r++) {
		for (size_t z = 0; z < NZONES; z++) {
			if (build(&all[n++], rules[r], zones[z], start + 9 * 3600 * TS_USEC_PER_SEC)) {
				fprintf(stderr, "schedule-rate: cannot build %s in %s\n", rules[r], zones[z]);
				return 1;
			}
		}
		build(&utc[r], rules[r], "UTC", start + 9 * 3600 * TS_USEC_PER_SEC);
	}
	double mix = rate(all, n, start, seconds);
	double utc_only = rate(utc, NRULES, start, seconds / 2);
	printf("next=%.2fM/s (mix of %zu rules x %zu zones, one core), utc=%.2fM/s,"
	       " target>=1M/s: %s\n", mix / 1e6, NRULES, NZONES, utc_only / 1e6,
	       mix >= 1e6 ? "met" : "MISSED");
	return 0;
}
