/* json_task.c -- a task's JSON representation, and the response bodies
 * made of tasks, written straight into one buffer. */
#include "config.h"


#include "json.h"
#include "strbuf.h"
#include "task.h"

/* The text is byte for byte what cJSON_PrintUnformatted gave for the same
 * members (tests/unit/test_json.c compares them), so ETags and clients see
 * no change; building and printing a cJSON tree per task was a third of the
 * instructions of a GET and a quarter of a POST. */

/* A JSON string, escaped as cJSON escapes it: the two-character escapes
 * for quote, backslash, \b \f \n \r \t, \u00xx for other control bytes,
 * every other byte (UTF-8 included) as it is. */
static void put_string(struct ts_strbuf *o, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	size_t run = 0;

	TS_STRBUF_LITERAL(o, "\"");
	for (;; p++) {
		unsigned char c = *p;
		char esc[6] = { '\\', 0, '0', '0', 0, 0 };
		size_t n = 2;

		if (c >= 0x20 && c != '"' && c != '\\') {
			run++;
			continue;
		}
		ts_strbuf_put(o, (const char *)p - run, run);
		run = 0;
		if (c == '\0')
			break;
		switch (c) {
		case '"': esc[1] = '"'; break;
		case '\\': esc[1] = '\\'; break;
		case '\b': esc[1] = 'b'; break;
		case '\f': esc[1] = 'f'; break;
		case '\n': esc[1] = 'n'; break;
		case '\r': esc[1] = 'r'; break;
		case '\t': esc[1] = 't'; break;
		default:
			esc[1] = 'u';
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 0xf];
			n = 6;
		}
		ts_strbuf_put(o, esc, n);
	}
	TS_STRBUF_LITERAL(o, "\"");
}

/* A string, or null when `s` is NULL or empty. */
static void put_string_or_null(struct ts_strbuf *o, const char *s)
{
	if (s && *s)
		put_string(o, s);
	else
		TS_STRBUF_LITERAL(o, "null");
}

static void put_time(struct ts_strbuf *o, ts_time_us t)
{
	char buf[TS_TIME_TEXT_MAX];

	put_string(o, ts_time_format(t, buf));
}

/* A whole number, digit by digit, as cJSON printed it ("%1.15g" writes an
 * int's digits): snprintf was a fifth of the instructions of a task's text. */
static void put_int(struct ts_strbuf *o, int v)
{
	char buf[12];
	char *p = buf + sizeof(buf);
	unsigned u = v < 0 ? 0u - (unsigned)v : (unsigned)v;

	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		*--p = '-';
	ts_strbuf_put(o, p, (size_t)(buf + sizeof(buf) - p));
}

/* Stored JSON (payload, on_failure) is valid JSON, checked on the way in
 * and by the columns' JSON_VALID constraint: it goes out verbatim. */
static void put_raw_or_null(struct ts_strbuf *o, const char *json)
{
	if (json)
		ts_strbuf_puts(o, json);
	else
		TS_STRBUF_LITERAL(o, "null");
}

static void put_task(struct ts_strbuf *o, const struct ts_task *t)
{
	TS_STRBUF_LITERAL(o, "{\"task_id\":");
	put_string(o, t->id);
	TS_STRBUF_LITERAL(o, ",\"action\":");
	put_string(o, ts_action_name(t->action));
	TS_STRBUF_LITERAL(o, ",\"payload\":");
	put_raw_or_null(o, t->payload_json);
	TS_STRBUF_LITERAL(o, ",\"run_at\":");
	put_time(o, t->run_at);
	TS_STRBUF_LITERAL(o, ",\"status\":");
	put_string(o, ts_task_status_name(t->status));
	TS_STRBUF_LITERAL(o, ",\"created_at\":");
	put_time(o, t->created_at);
	TS_STRBUF_LITERAL(o, ",\"updated_at\":");
	put_time(o, t->updated_at);
	TS_STRBUF_LITERAL(o, ",\"recurrence\":");
	put_string_or_null(o, ts_recurrence_name(t->recurrence));
	TS_STRBUF_LITERAL(o, ",\"parent_task_id\":");
	put_string_or_null(o, t->parent_id);
	TS_STRBUF_LITERAL(o, ",\"error_message\":");
	put_string_or_null(o, t->error_message);
	TS_STRBUF_LITERAL(o, ",\"attempts\":");
	put_int(o, t->attempts);
	TS_STRBUF_LITERAL(o, ",\"max_attempts\":");
	put_int(o, t->max_attempts);
	TS_STRBUF_LITERAL(o, ",\"cron\":");
	put_string_or_null(o, t->cron);
	TS_STRBUF_LITERAL(o, ",\"timezone\":");
	put_string(o, t->timezone[0] ? t->timezone : "UTC");
	TS_STRBUF_LITERAL(o, ",\"ends_at\":");
	if (t->has_ends_at)
		put_time(o, t->ends_at);
	else
		TS_STRBUF_LITERAL(o, "null");
	TS_STRBUF_LITERAL(o, ",\"dst_gap\":");
	put_string(o, ts_dst_gap_name(t->dst_gap));
	TS_STRBUF_LITERAL(o, ",\"dst_repeat\":");
	put_string(o, ts_dst_repeat_name(t->dst_repeat));
	TS_STRBUF_LITERAL(o, ",\"catch_up\":");
	put_string(o, ts_catch_up_name(t->catch_up));
	TS_STRBUF_LITERAL(o, ",\"on_failure\":");
	put_raw_or_null(o, t->on_failure_json);
	TS_STRBUF_LITERAL(o, "}");
}

char *ts_json_task_object(const struct ts_task *task)
{
	struct ts_strbuf o;

	ts_strbuf_init(&o);

	put_task(&o, task);
	return ts_strbuf_finish(&o);
}

char *ts_json_task_one(const struct ts_task *task)
{
	struct ts_strbuf o;

	ts_strbuf_init(&o);

	TS_STRBUF_LITERAL(&o, "{\"task\":");
	put_task(&o, task);
	TS_STRBUF_LITERAL(&o, "}");
	return ts_strbuf_finish(&o);
}

char *ts_json_task_created(const char *task_one, const char *task_id, const char *message)
{
	struct ts_strbuf o;

	ts_strbuf_init(&o);
	TS_STRBUF_LITERAL(&o, "{\"message\":");
	put_string(&o, message);
	TS_STRBUF_LITERAL(&o, ",\"task_id\":");
	put_string(&o, task_id);
	TS_STRBUF_LITERAL(&o, ",");
	/* {"task":{...}} less its opening brace: the same last member. */
	ts_strbuf_puts(&o, task_one + 1);
	return ts_strbuf_finish(&o);
}

char *ts_json_task_list(const struct ts_task *tasks, size_t count, const char *next_cursor)
{
	struct ts_strbuf o;

	ts_strbuf_init(&o);

	TS_STRBUF_LITERAL(&o, "{\"tasks\":[");
	for (size_t i = 0; i < count; i++) {
		if (i)
			TS_STRBUF_LITERAL(&o, ",");
		put_task(&o, &tasks[i]);
	}
	TS_STRBUF_LITERAL(&o, "],\"next_cursor\":");
	put_string_or_null(&o, next_cursor);
	TS_STRBUF_LITERAL(&o, "}");
	return ts_strbuf_finish(&o);
}

char *ts_json_batch_created(const struct ts_task *tasks, size_t count)
{
	struct ts_strbuf o;

	ts_strbuf_init(&o);

	TS_STRBUF_LITERAL(&o, "{\"task_ids\":[");
	for (size_t i = 0; i < count; i++) {
		if (i)
			TS_STRBUF_LITERAL(&o, ",");
		put_string(&o, tasks[i].id);
	}
	TS_STRBUF_LITERAL(&o, "],\"tasks\":[");
	for (size_t i = 0; i < count; i++) {
		if (i)
			TS_STRBUF_LITERAL(&o, ",");
		put_task(&o, &tasks[i]);
	}
	TS_STRBUF_LITERAL(&o, "]}");
	return ts_strbuf_finish(&o);
}
