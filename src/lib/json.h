/* json.h -- JSON mapping: request bodies and payloads in, response bodies
 * and the database layer's batch rows out (cJSON). */
#ifndef TS_JSON_H
#define TS_JSON_H

#include <stdbool.h>
#include <stddef.h>

#include "errors.h"
#include "json_strict.h"
#include "message_spec.h"
#include "task.h"
#include "webhook_spec.h"

/* The fields of a POST /tasks body, type-checked but not yet validated
 * (validate.h does that). Strings are owned and freed by
 * ts_task_request_cleanup(); NULL means the field was absent (or JSON null
 * for recurrence). */
struct ts_task_request {
	char *action;
	char *payload_json;     /* the payload object re-serialized compactly */
	char *run_at;
	bool has_recurrence;    /* present, possibly null */
	char *recurrence;       /* NULL when absent or null */
	bool has_max_attempts;
	double max_attempts;    /* a JSON number; validate checks it is whole */
	/* The schedule (docs/design.md, "Schedules"); NULL when absent or null. */
	char *cron;
	char *timezone;
	char *ends_at;
	char *dst_gap;
	char *dst_repeat;
	char *catch_up;
};

/* Parses a POST /tasks body of `len` bytes. Fails with code "invalid_json"
 * when it is not UTF-8, not JSON, nested deeper than TS_JSON_MAX_DEPTH or
 * not an object, and with "invalid_field" (naming the field) when a known
 * field has the wrong type. Unknown fields are ignored. On failure `req` is
 * left empty. */
enum ts_err ts_json_parse_task_request(const char *body, size_t len,
				       struct ts_task_request *req,
				       struct ts_error *err);
void ts_task_request_cleanup(struct ts_task_request *req);

/* Type-checks a stored or submitted payload (JSON object text) of each
 * action. Errors name "payload.<field>". */
enum ts_err ts_json_parse_webhook(const char *payload_json,
				  struct ts_webhook_spec *spec,
				  struct ts_error *err);
enum ts_err ts_json_parse_message(const char *payload_json,
				  struct ts_message_spec *spec,
				  struct ts_error *err);

/* Response bodies. Each returns a NUL-terminated string that the caller
 * frees with free(), or NULL when memory ran out. */

/* {"message": message, "task_id": id, "task": {...}} */
char *ts_json_task_created(const struct ts_task *task, const char *message);
/* {"task": {...}} */
char *ts_json_task_one(const struct ts_task *task);
/* {"tasks": [...], "next_cursor": cursor or null} */
char *ts_json_task_list(const struct ts_task *tasks, size_t count,
			const char *next_cursor);
struct ts_run;
/* {"runs": [{"attempt", "started_at", "finished_at", "outcome",
 * "http_status", "error", "response_excerpt"}, ...]} */
char *ts_json_run_list(const struct ts_run *runs, size_t count);
struct ts_occurrence;
/* {"occurrences": [{"at": UTC, "local": with the zone's offset, "dst":
 * null, "shifted" or "repeated"}, ...]} */
char *ts_json_occurrences(const struct ts_occurrence *occ, size_t count);
/* {"task": {...}, "occurrences": [...]}: a dry run's answer */
char *ts_json_task_dry_run(const struct ts_task *task, const struct ts_occurrence *occ,
			   size_t count);
/* {"error": message, "code": code, "field": field (only when set)} */
char *ts_json_error(const struct ts_error *err);
/* {key: value} with one string member, e.g. {"status": "ok"} */
char *ts_json_string_member(const char *key, const char *value);

/* A JSON array of flat objects, built row by row: how the database layer
 * hands a whole batch to one statement (MariaDB's JSON_TABLE). */
struct ts_json_rows;

/* Returns a new empty array, or NULL when memory ran out. */
struct ts_json_rows *ts_json_rows_new(void);
/* Starts a new object at the end of the array; the setters below add
 * members to it. Each returns false when memory ran out. */
bool ts_json_rows_add(struct ts_json_rows *rows);
bool ts_json_rows_str(struct ts_json_rows *rows, const char *key, const char *value);
bool ts_json_rows_int(struct ts_json_rows *rows, const char *key, long long value);
/* Prints the array compactly (caller frees with free()); NULL on no memory. */
char *ts_json_rows_print(const struct ts_json_rows *rows);
/* Frees the array; NULL is allowed. */
void ts_json_rows_free(struct ts_json_rows *rows);

#endif
