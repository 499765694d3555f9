/* json.h -- JSON mapping: request bodies and payloads in, response bodies
 * and the database layer's batch rows out (cJSON). */
#ifndef TS_JSON_H
#define TS_JSON_H

#include <stdbool.h>
#include <stddef.h>

#include "amqp_spec.h"
#include "email_spec.h"
#include "errors.h"
#include "json_strict.h"
#include "message_spec.h"
#include "task.h"
#include "webhook_spec.h"

struct cJSON; /* a parsed JSON value; what it holds is json.c's business */

/* The fields of a POST /tasks body, type-checked but not yet validated
 * (validate.h does that). Strings are owned and freed by
 * ts_task_request_cleanup(); NULL means the field was absent (or JSON null
 * for recurrence). */
struct ts_task_request {
	char *action;
	char *payload_json;     /* the payload object's text */
	/* payload_json parsed, taken from the body's tree: the action's spec
	 * is read from it (ts_json_read_<action>), not parsed a second time. */
	struct cJSON *payload_tree;
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
	char *on_failure_json;  /* the on_failure object as written; NULL when
				 * absent or null */
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
enum ts_err ts_json_parse_email(const char *payload_json, struct ts_email_spec *spec,
				struct ts_error *err);
enum ts_err ts_json_parse_amqp(const char *payload_json, struct ts_amqp_spec *spec,
			       struct ts_error *err);

/* The same from a request's payload_tree (NULL: "must be a JSON object"),
 * whose text is `payload_json`: what the parse functions above do after
 * parsing, so a submitted payload is parsed once. */
enum ts_err ts_json_read_webhook(const struct cJSON *payload, const char *payload_json,
				 struct ts_webhook_spec *spec, struct ts_error *err);
enum ts_err ts_json_read_message(const struct cJSON *payload, const char *payload_json,
				 struct ts_message_spec *spec, struct ts_error *err);
enum ts_err ts_json_read_email(const struct cJSON *payload, const char *payload_json,
			       struct ts_email_spec *spec, struct ts_error *err);
enum ts_err ts_json_read_amqp(const struct cJSON *payload, const char *payload_json,
			      struct ts_amqp_spec *spec, struct ts_error *err);

/* Type-checks a task's on_failure (JSON object text): "url" and
 * "headers" only, as in a webhook payload; errors name "on_failure.<field>".
 * `spec` gets the url and headers (method and data left empty). */
enum ts_err ts_json_parse_notice_target(const char *on_failure_json,
					struct ts_webhook_spec *spec,
					struct ts_error *err);

/* Response bodies. Each returns a NUL-terminated string that the caller
 * frees with free(), or NULL when memory ran out. */

/* The task's object alone, {"task_id": ..., ..., "on_failure": ...}: the
 * representation every body below repeats (json_task.c). */
char *ts_json_task_object(const struct ts_task *task);
/* {"message": message, "task_id": id, "task": {...}} around `task_one`,
 * the text ts_json_task_one wrote for the task whose id is `task_id` (the
 * caller has it already: the ETag is its digest). */
char *ts_json_task_created(const char *task_one, const char *task_id, const char *message);
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

/* The failure notice of `task` (as it ends: failed): {"event":
 * "task.failed", "task": {...}, "last_run": {...}}. */
char *ts_json_failure_notice(const struct ts_task *task, const struct ts_run *last_run);

/* {"<key>": n}, e.g. {"retried": 12}. Heap text (caller frees) or NULL. */
char *ts_json_count_member(const char *key, size_t n);

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

/* A POST /tasks/batch body: the text of each element of its "tasks"
 * array exactly as the client wrote it, so that each is parsed by
 * ts_json_parse_task_request() like the body of a single POST. */
struct ts_json_span {
	const char *text;       /* points into ts_json_batch.text */
	size_t len;
};
struct ts_json_batch {
	char *text;             /* the array's text; owned */
	struct ts_json_span *items;  /* owned */
	size_t count;
};

/* Parses a batch body of `len` bytes into `batch` (caller-owned; release
 * with ts_json_batch_cleanup, which also takes one left empty). Fails as
 * ts_json_parse_task_request does for a body that is not a JSON object,
 * with "missing_field" when "tasks" is absent, and with "invalid_field"
 * ("tasks") when it is not an array of 1 to `max_items` elements. The
 * elements themselves are not checked. */
enum ts_err ts_json_parse_batch(const char *body, size_t len, size_t max_items,
				struct ts_json_batch *batch, struct ts_error *err);
void ts_json_batch_cleanup(struct ts_json_batch *batch);

/* One rejected element of a batch. */
struct ts_json_item_error {
	size_t index;
	struct ts_error err;
};

/* {"task_ids": [...], "tasks": [{...}, ...]} in the order given. */
char *ts_json_batch_created(const struct ts_task *tasks, size_t count);
/* {"error": message, "code": "invalid_batch", "items": [{"index", "error",
 * "code", "field" (null when none)}, ...]} */
char *ts_json_batch_error(const char *message, const struct ts_json_item_error *items,
			  size_t count);

#endif
