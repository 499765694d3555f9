/* log.h -- log lines on stderr with sd-daemon(3) priority prefixes. */
#ifndef TS_LOG_H
#define TS_LOG_H

/* Values are the syslog priorities that the journal reads from "<N>". */
enum ts_log_level {
	TS_LOG_ERROR = 3,
	TS_LOG_WARNING = 4,
	TS_LOG_INFO = 6,
	TS_LOG_DEBUG = 7,
};

/* Sets the program name shown in each line (a static string) and the most
 * verbose level printed. */
void ts_log_init(const char *ident, enum ts_log_level max_level);
void ts_log_set_level(enum ts_log_level max_level);

/* Parses "error", "warning", "info" or "debug"; returns 0 on success. */
int ts_log_level_parse(const char *name, enum ts_log_level *out);

/* Writes one line: "<prio>ident: [task <id>] message". `task_id` may be NULL.
 * Newlines in the message are replaced so that a line stays one record.
 * Callers must never pass secrets. */
void ts_log(enum ts_log_level level, const char *task_id, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define ts_log_error(...) ts_log(TS_LOG_ERROR, NULL, __VA_ARGS__)
#define ts_log_warning(...) ts_log(TS_LOG_WARNING, NULL, __VA_ARGS__)
#define ts_log_info(...) ts_log(TS_LOG_INFO, NULL, __VA_ARGS__)
#define ts_log_debug(...) ts_log(TS_LOG_DEBUG, NULL, __VA_ARGS__)

#endif
