/* validate.h -- the rules a task must satisfy before it is stored. */
#ifndef TS_VALIDATE_H
#define TS_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>

#include "amqp_spec.h"
#include "email_spec.h"
#include "errors.h"
#include "message_spec.h"
#include "netguard.h"
#include "task.h"
#include "webhook_spec.h"

#define TS_URL_MAX 2048
#define TS_WEBHOOK_HEADERS_MAX 64
#define TS_HEADER_NAME_MAX 128
#define TS_HEADER_VALUE_MAX 8192
#define TS_TIMEOUT_MS_MAX 3600000
#define TS_RECIPIENT_MAX 255
#define TS_EMAIL_RECIPIENTS_LIMIT 1000
#define TS_AMQP_BODY_MAX 131072
#define TS_AMQP_NAME_MAX 255

struct ts_task_request;      /* json.h */

/* The hosts a valid task's webhooks go to (ts_validate_url_host), as
 * validation read them, so that the API can check them against its
 * network rules without parsing the payload again. A host that does not
 * fit leaves its text empty and sets its `_too_long`. */
struct ts_task_hosts {
	bool has_payload;        /* a webhook task */
	bool payload_too_long;
	char payload[TS_NETGUARD_HOST_MAX + 1];
	bool has_on_failure;     /* on_failure is set */
	bool on_failure_too_long;
	char on_failure[TS_NETGUARD_HOST_MAX + 1];
};

/* Checks a parsed POST /tasks body and fills `task` (initialized by the
 * caller) with the action, a copy of the payload, run_at, recurrence,
 * anchor day and max_attempts, and `hosts` (when not NULL) with the hosts
 * of its URLs. Missing fields fail with code "missing_field", bad values
 * with "invalid_field"; the field is named in `err`. On failure `task`
 * may hold partial data: ts_task_cleanup() it. */
enum ts_err ts_validate_task_request(const struct ts_task_request *req,
				     struct ts_task *task, struct ts_task_hosts *hosts,
				     struct ts_error *err);

/* Checks the schedule fields of `req` (cron, timezone, ends_at, dst_gap,
 * dst_repeat, catch_up) for `task`, whose recurrence and run_at (when
 * `has_run_at`) are already set, and fills them in with the series'
 * anchors. A cron series gets its first occurrence as run_at: the first
 * match at or after run_at, or after `now`. A task that does not recur
 * may carry none of these fields; cron and recurrence exclude each
 * other. Errors name the field (code "invalid_field"). */
enum ts_err ts_validate_schedule(const struct ts_task_request *req, bool has_run_at,
				 ts_time_us now, struct ts_task *task, struct ts_error *err);

/* The payload rules of each action (used by the above, and by the executor
 * on what it reads back). */
enum ts_err ts_validate_webhook(const struct ts_webhook_spec *spec, struct ts_error *err);

/* Checks a task's on_failure target (ts_json_parse_notice_target): a URL
 * and headers under the rules of a webhook's, errors naming
 * "on_failure.url" and "on_failure.headers". */
enum ts_err ts_validate_notice_target(const struct ts_webhook_spec *spec, struct ts_error *err);
enum ts_err ts_validate_message(const struct ts_message_spec *spec, struct ts_error *err);
/* Recipients checked as RFC 5321 mailboxes, at most
 * TS_EMAIL_RECIPIENTS_LIMIT of them (a configured limit, which may be
 * lower, is the API's to check); subject, text and reply_to. */
enum ts_err ts_validate_email(const struct ts_email_spec *spec, struct ts_error *err);
/* A broker name (whether it is configured is the API's to check), an
 * exchange ("" is the default one), a routing key, headers, and a body of
 * at most TS_AMQP_BODY_MAX bytes. */
enum ts_err ts_validate_amqp(const struct ts_amqp_spec *spec, struct ts_error *err);

/* Checks that `url` is an absolute http or https URL with a host, no
 * credentials, no white space or control characters, and a port in range.
 * Returns TS_OK or TS_ERR_INVALID with the reason in `err` (field
 * "payload.url"). */
enum ts_err ts_validate_url(const char *url, struct ts_error *err);

/* Copies the host of a URL that passed ts_validate_url() into `host`
 * (`size` bytes), without the brackets of an IPv6 literal. */
bool ts_validate_url_host(const char *url, char *host, size_t size);

/* True for a method webhooks may use: POST, GET, PUT, PATCH or DELETE
 * (methods are case-sensitive). */
bool ts_validate_method(const char *method);

#endif
