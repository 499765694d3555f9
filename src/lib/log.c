/* log.c -- log lines on stderr with sd-daemon(3) priority prefixes. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "log.h"

static const char *log_ident = "tasksched";
static enum ts_log_level log_max = TS_LOG_INFO;

void ts_log_init(const char *ident, enum ts_log_level max_level)
{
	log_ident = ident;
	log_max = max_level;
}

void ts_log_set_level(enum ts_log_level max_level)
{
	log_max = max_level;
}

int ts_log_level_parse(const char *name, enum ts_log_level *out)
{
	static const struct {
		const char *name;
		enum ts_log_level level;
	} levels[] = {
		{ "error", TS_LOG_ERROR },
		{ "warning", TS_LOG_WARNING },
		{ "info", TS_LOG_INFO },
		{ "debug", TS_LOG_DEBUG },
	};

	for (size_t i = 0; i < sizeof(levels) / sizeof(levels[0]); i++) {
		if (strcmp(name, levels[i].name) == 0) {
			*out = levels[i].level;
			return 0;
		}
	}
	return -1;
}

void ts_log(enum ts_log_level level, const char *task_id, const char *fmt, ...)
{
	char msg[2048];
	va_list ap;

	if (level > log_max)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	for (char *p = msg; *p; p++) {
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	}
	/* One fprintf per line: stderr is unbuffered, and a single write keeps
	 * lines from concurrent processes on a shared stderr from interleaving. */
	if (task_id)
		fprintf(stderr, "<%d>%s: task %s: %s\n", (int)level, log_ident, task_id, msg);
	else
		fprintf(stderr, "<%d>%s: %s\n", (int)level, log_ident, msg);
}
