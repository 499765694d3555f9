/* schedule_print.c -- prints the occurrences the schedule engine computes,
 * one query per input line, for the oracle tests to compare with an
 * independent implementation.
 *
 * Input lines (tab-separated):
 *   <cron expression | daily | weekly | monthly>  <zone>  <dst_gap>
 *   <dst_repeat>  <first: RFC 3339 or ->  <after: RFC 3339>  <count>
 * Output: one line per query, the occurrences as "<UTC>/<flag>" separated
 * by spaces ("-" for no flag), or "error: <message>". */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schedule.h"

#define MAX_COUNT 1000

static void query(char *line, struct ts_occurrence *occ)
{
	char *f[7], *save = NULL;
	struct ts_schedule s = { 0 };
	struct ts_error err = { 0 };
	ts_time_us first = 0, after = 0;
	const char *why = NULL;
	int n = 0;

	for (char *p = strtok_r(line, "\t\n", &save); p && n < 7; p = strtok_r(NULL, "\t\n", &save))
		f[n++] = p;
	if (n != 7) {
		printf("error: expected 7 fields\n");
		return;
	}
	if (!ts_recurrence_parse(f[0], &s.recurrence)) {
		if (ts_cron_parse(f[0], "cron", &s.cron, &err) != TS_OK) {
			printf("error: %s\n", err.message);
			return;
		}
		s.has_cron = true;
	}
	if (ts_tz_get(f[1], "timezone", &s.tz, &err) != TS_OK ||
	    !ts_dst_gap_parse(f[2], &s.dst_gap) || !ts_dst_repeat_parse(f[3], &s.dst_repeat) ||
	    (strcmp(f[4], "-") != 0 && ts_time_parse_rfc3339(f[4], &first, &why) != TS_OK) ||
	    ts_time_parse_rfc3339(f[5], &after, &why) != TS_OK) {
		printf("error: bad query %s\n", err.message);
		return;
	}
	int count = atoi(f[6]);
	if (count < 1 || count > MAX_COUNT)
		count = MAX_COUNT;
	if (!s.has_cron)
		ts_schedule_anchor(&s, first);
	size_t got = ts_schedule_list(&s, strcmp(f[4], "-") ? first : after, after, occ,
				      (size_t)count);
	for (size_t i = 0; i < got; i++) {
		char buf[TS_TIME_TEXT_MAX];
		const char *flag = ts_dst_flag_name(occ[i].dst);
		printf("%s%s/%s", i ? " " : "", ts_time_format(occ[i].at, buf), flag ? flag : "-");
	}
	printf("\n");
}

int main(void)
{
	static struct ts_occurrence occ[MAX_COUNT];
	char line[1024];

	while (fgets(line, sizeof(line), stdin))
		query(line, occ);
	return fflush(stdout) == 0 ? 0 : 1;
}
