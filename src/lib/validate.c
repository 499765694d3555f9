/* validate.c -- the rules a task must satisfy before it is stored. */
#include "config.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "json.h"
#include "mail.h"
#include "validate.h"

static enum ts_err missing(struct ts_error *err, const char *field)
{
	return ts_error_set(err, TS_ERR_INVALID, "missing_field", field,
			    "Missing required field: %s", field);
}

static enum ts_err invalid(struct ts_error *err, const char *field, const char *why)
{
	return ts_error_set(err, TS_ERR_INVALID, "invalid_field", field,
			    "Invalid field %s: %s", field, why);
}

static bool is_whole(double v, double lo, double hi)
{
	return isfinite(v) && v == floor(v) && v >= lo && v <= hi;
}

bool ts_validate_method(const char *method)
{
	static const char *const allowed[] = { "POST", "GET", "PUT", "PATCH", "DELETE" };

	/* Methods are case-sensitive (RFC 9110): "post" is not POST. */
	for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++) {
		if (strcmp(method, allowed[i]) == 0)
			return true;
	}
	return false;
}

bool ts_validate_url_host(const char *url, char *host, size_t size)
{
	const char *p;

	if (strncasecmp(url, "http://", 7) == 0)
		p = url + 7;
	else if (strncasecmp(url, "https://", 8) == 0)
		p = url + 8;
	else
		return false;
	size_t n = strcspn(p, "/?#");
	const char *end = p + n;
	if (*p == '[') {
		const char *close = memchr(p, ']', n);
		if (!close)
			return false;
		p++;
		end = close;
	} else {
		const char *colon = memchr(p, ':', n);
		if (colon)
			end = colon;
	}
	if ((size_t)(end - p) >= size)
		return false;
	memcpy(host, p, (size_t)(end - p));
	host[end - p] = '\0';
	return true;
}

/* The rules of a webhook URL, for the field `f` ("payload.url"). */
static enum ts_err validate_url(const char *url, const char *f, struct ts_error *err)
{
	size_t len = strlen(url);
	const char *p;

	if (len == 0)
		return invalid(err, f, "must not be empty");
	if (len > TS_URL_MAX)
		return invalid(err, f, "is longer than 2048 characters");
	for (p = url; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c <= 0x20 || c >= 0x7f)
			return invalid(err, f, "must not contain spaces, control or "
				       "non-ASCII characters (percent-encode them)");
	}
	if (strncasecmp(url, "http://", 7) == 0)
		p = url + 7;
	else if (strncasecmp(url, "https://", 8) == 0)
		p = url + 8;
	else
		return invalid(err, f, "must be an absolute http:// or https:// URL");

	size_t auth_len = strcspn(p, "/?#");
	const char *auth_end = p + auth_len;
	if (memchr(p, '@', auth_len))
		return invalid(err, f, "must not contain credentials; send them in "
			       "headers instead");
	const char *host_end;
	if (*p == '[') {
		const char *close = memchr(p, ']', auth_len);
		if (!close || close == p + 1)
			return invalid(err, f, "has a malformed IPv6 address");
		for (const char *q = p + 1; q < close; q++) {
			if (!isxdigit((unsigned char)*q) && *q != ':' && *q != '.')
				return invalid(err, f, "has a malformed IPv6 address");
		}
		host_end = close + 1;
	} else {
		host_end = p;
		while (host_end < auth_end && *host_end != ':') {
			unsigned char c = (unsigned char)*host_end;
			if (!isalnum(c) && c != '.' && c != '-' && c != '_' && c != '~')
				return invalid(err, f, "has an invalid character in the host name");
			host_end++;
		}
		if (host_end == p)
			return invalid(err, f, "has no host");
	}
	if (host_end < auth_end) {
		if (*host_end != ':' || host_end + 1 == auth_end)
			return invalid(err, f, "has a malformed port");
		long port = 0;
		for (const char *q = host_end + 1; q < auth_end; q++) {
			if (!isdigit((unsigned char)*q) || port > 65535)
				return invalid(err, f, "has a malformed port");
			port = port * 10 + (*q - '0');
		}
		if (port < 1 || port > 65535)
			return invalid(err, f, "has a port out of range (1-65535)");
	}
	return TS_OK;
}

enum ts_err ts_validate_url(const char *url, struct ts_error *err)
{
	return validate_url(url, "payload.url", err);
}

/* RFC 9110 token characters, the only ones a header name may use. */
static bool is_token(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (!isalnum(c) && !strchr("!#$%&'*+-.^_`|~", c))
			return false;
	}
	return true;
}

/* Headers the executor owns: framing ones curl computes, and the ones
 * receivers use to de-duplicate, which a task must not be able to forge. */
static bool is_reserved_header(const char *name)
{
	static const char *const reserved[] = {
		"Host", "Content-Length", "Transfer-Encoding", "Connection",
		"Expect", "Upgrade", "TE", "Trailer",
		/* Standard Webhooks signatures (webhook_signature_scheme) */
		"webhook-id", "webhook-timestamp", "webhook-signature",
	};

	if (strncasecmp(name, "X-Tasksched-", 12) == 0)
		return true;
	for (size_t i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++) {
		if (strcasecmp(name, reserved[i]) == 0)
			return true;
	}
	return false;
}

/* The rules of a webhook's headers, for the field `f` ("payload.headers"). */
static enum ts_err validate_headers(const struct ts_webhook_spec *spec, const char *f,
				    struct ts_error *err)
{
	if (spec->header_count > TS_WEBHOOK_HEADERS_MAX)
		return invalid(err, f, "has more than 64 headers");
	for (size_t i = 0; i < spec->header_count; i++) {
		const struct ts_kv *h = &spec->headers[i];
		if (strlen(h->name) > TS_HEADER_NAME_MAX || !is_token(h->name))
			return ts_error_set(err, TS_ERR_INVALID, "invalid_field", f,
					    "Invalid field %s: '%.64s' is not a valid "
					    "header name", f, h->name);
		if (is_reserved_header(h->name))
			return ts_error_set(err, TS_ERR_INVALID, "invalid_field", f,
					    "Invalid field %s: header '%.64s' is set "
					    "by tasksched and cannot be overridden", f, h->name);
		if (strlen(h->value) > TS_HEADER_VALUE_MAX || strpbrk(h->value, "\r\n"))
			return ts_error_set(err, TS_ERR_INVALID, "invalid_field", f,
					    "Invalid field %s: the value of '%.64s' "
					    "is too long or contains a line break", f, h->name);
	}
	return TS_OK;
}

enum ts_err ts_validate_notice_target(const struct ts_webhook_spec *spec, struct ts_error *err)
{
	enum ts_err rc;

	if (!spec->url)
		return missing(err, "on_failure.url");
	rc = validate_url(spec->url, "on_failure.url", err);
	if (rc)
		return rc;
	return validate_headers(spec, "on_failure.headers", err);
}

enum ts_err ts_validate_webhook(const struct ts_webhook_spec *spec, struct ts_error *err)
{
	enum ts_err rc;

	if (!spec->url)
		return missing(err, "payload.url");
	rc = ts_validate_url(spec->url, err);
	if (rc)
		return rc;
	if (spec->method && !ts_validate_method(spec->method))
		return invalid(err, "payload.method",
			       "must be one of POST, GET, PUT, PATCH, DELETE (upper case)");
	rc = validate_headers(spec, "payload.headers", err);
	if (rc)
		return rc;
	if (spec->has_timeout && !is_whole(spec->timeout_ms, 1, TS_TIMEOUT_MS_MAX))
		return invalid(err, "payload.timeout_ms",
			       "must be a whole number of milliseconds from 1 to 3600000");
	return TS_OK;
}

enum ts_err ts_validate_message(const struct ts_message_spec *spec, struct ts_error *err)
{
	if (!spec->recipient)
		return missing(err, "payload.recipient");
	if (!spec->message)
		return missing(err, "payload.message");
	if (!spec->recipient[0])
		return invalid(err, "payload.recipient", "must not be empty");
	if (!spec->message[0])
		return invalid(err, "payload.message", "must not be empty");
	if (strlen(spec->recipient) > TS_RECIPIENT_MAX)
		return invalid(err, "payload.recipient", "is longer than 255 characters");
	return TS_OK;
}

enum ts_err ts_validate_email(const struct ts_email_spec *spec, struct ts_error *err)
{
	if (!spec->has_to)
		return missing(err, "payload.to");
	if (spec->to_count == 0)
		return invalid(err, "payload.to", "must hold at least one address");
	if (spec->to_count > TS_EMAIL_RECIPIENTS_LIMIT)
		return invalid(err, "payload.to", "has more than 1000 addresses");
	for (size_t i = 0; i < spec->to_count; i++) {
		if (!ts_mail_address_valid(spec->to[i]))
			return ts_error_set(err, TS_ERR_INVALID, "invalid_field", "payload.to",
					    "Invalid field payload.to: '%.80s' is not an address "
					    "(local-part@domain, RFC 5321)", spec->to[i]);
	}
	if (!spec->subject)
		return missing(err, "payload.subject");
	if (!ts_mail_subject_valid(spec->subject))
		return invalid(err, "payload.subject",
			       "must be at most 998 bytes without control characters");
	if (!spec->text)
		return missing(err, "payload.text");
	if (spec->reply_to && !ts_mail_address_valid(spec->reply_to))
		return invalid(err, "payload.reply_to",
			       "is not an address (local-part@domain, RFC 5321)");
	return TS_OK;
}

/* An AMQP short string without control characters. */
static bool amqp_name_ok(const char *s)
{
	if (strlen(s) > TS_AMQP_NAME_MAX)
		return false;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p < 32 || *p == 127)
			return false;
	}
	return true;
}

enum ts_err ts_validate_amqp(const struct ts_amqp_spec *spec, struct ts_error *err)
{
	if (!spec->broker)
		return missing(err, "payload.broker");
	if (!spec->broker[0] || strlen(spec->broker) >= 64)
		return invalid(err, "payload.broker", "must name a configured broker");
	if (!spec->exchange)
		return missing(err, "payload.exchange");
	if (!amqp_name_ok(spec->exchange))
		return invalid(err, "payload.exchange",
			       "must be at most 255 characters without control characters");
	if (spec->routing_key && !amqp_name_ok(spec->routing_key))
		return invalid(err, "payload.routing_key",
			       "must be at most 255 characters without control characters");
	if (spec->body_json && strlen(spec->body_json) > TS_AMQP_BODY_MAX)
		return invalid(err, "payload.body", "is larger than 131072 bytes");
	if (spec->header_count > TS_WEBHOOK_HEADERS_MAX)
		return invalid(err, "payload.headers", "has more than 64 headers");
	for (size_t i = 0; i < spec->header_count; i++) {
		const struct ts_kv *h = &spec->headers[i];
		if (!h->name[0] || !amqp_name_ok(h->name) || strncasecmp(h->name, "x-tasksched-", 12) == 0)
			return ts_error_set(err, TS_ERR_INVALID, "invalid_field", "payload.headers",
					    "Invalid field payload.headers: '%.64s' is not a header "
					    "name a task may set", h->name);
		if (strlen(h->value) > TS_HEADER_VALUE_MAX)
			return invalid(err, "payload.headers", "has a value longer than 8192 bytes");
	}
	return TS_OK;
}

/* The payload of a request: its tree and text (ts_task_request). */
static enum ts_err validate_payload(enum ts_action action, const struct cJSON *payload,
				    const char *payload_json, struct ts_task_hosts *hosts,
				    struct ts_error *err)
{
	enum ts_err rc;

	if (action == TS_ACTION_AMQP) {
		struct ts_amqp_spec spec;
		rc = ts_json_read_amqp(payload, payload_json, &spec, err);
		if (rc)
			return rc;
		rc = ts_validate_amqp(&spec, err);
		ts_amqp_spec_cleanup(&spec);
		return rc;
	}

	if (action == TS_ACTION_EMAIL) {
		struct ts_email_spec spec;
		rc = ts_json_read_email(payload, payload_json, &spec, err);
		if (rc)
			return rc;
		rc = ts_validate_email(&spec, err);
		ts_email_spec_cleanup(&spec);
	} else if (action == TS_ACTION_WEBHOOK) {
		struct ts_webhook_spec spec;
		rc = ts_json_read_webhook(payload, payload_json, &spec, err);
		if (rc)
			return rc;
		rc = ts_validate_webhook(&spec, err);
		if (rc == TS_OK && hosts) {
			hosts->has_payload = true;
			hosts->payload_too_long = !ts_validate_url_host(
				spec.url, hosts->payload, sizeof(hosts->payload));
		}
		ts_webhook_spec_cleanup(&spec);
	} else {
		struct ts_message_spec spec;
		rc = ts_json_read_message(payload, payload_json, &spec, err);
		if (rc)
			return rc;
		rc = ts_validate_message(&spec, err);
		ts_message_spec_cleanup(&spec);
	}
	return rc;
}

enum ts_err ts_validate_task_request(const struct ts_task_request *req,
				     struct ts_task *task, struct ts_task_hosts *hosts,
				     struct ts_error *err)
{
	enum ts_err rc;
	const char *why = NULL;

	if (hosts)
		memset(hosts, 0, sizeof(*hosts));
	if (!req->action)
		return missing(err, "action");
	if (!ts_action_parse(req->action, &task->action))
		return invalid(err, "action", "must be \"webhook\", \"message\", \"email\" or \"amqp\"");
	if (!req->payload_json)
		return missing(err, "payload");
	/* A cron series may start at its first match after now. */
	if (!req->run_at && !req->cron)
		return missing(err, "run_at");

	rc = validate_payload(task->action, req->payload_tree, req->payload_json, hosts, err);
	if (rc)
		return rc;
	if (req->run_at && ts_time_parse_rfc3339(req->run_at, &task->run_at, &why) != TS_OK)
		return ts_error_set(err, TS_ERR_INVALID, "invalid_field", "run_at",
				    "Invalid field run_at: '%.40s' %s", req->run_at, why);

	task->recurrence = TS_RECUR_NONE;
	if (req->recurrence && !ts_recurrence_parse(req->recurrence, &task->recurrence))
		return invalid(err, "recurrence",
			       "must be \"daily\", \"weekly\", \"monthly\" or null");
	rc = ts_validate_schedule(req, req->run_at != NULL, ts_time_now(), task, err);
	if (rc)
		return rc;

	task->max_attempts = TS_MAX_ATTEMPTS_DEFAULT;
	if (req->has_max_attempts) {
		if (!is_whole(req->max_attempts, 1, TS_MAX_ATTEMPTS_LIMIT))
			return invalid(err, "max_attempts",
				       "must be a whole number from 1 to 100");
		task->max_attempts = (int)req->max_attempts;
	}

	if (req->on_failure_json) {
		struct ts_webhook_spec target;
		rc = ts_json_parse_notice_target(req->on_failure_json, &target, err);
		if (rc == TS_OK)
			rc = ts_validate_notice_target(&target, err);
		if (rc == TS_OK && hosts) {
			hosts->has_on_failure = true;
			hosts->on_failure_too_long = !ts_validate_url_host(
				target.url, hosts->on_failure, sizeof(hosts->on_failure));
		}
		ts_webhook_spec_cleanup(&target);
		if (rc)
			return rc;
		task->on_failure_json = strdup(req->on_failure_json);
		if (!task->on_failure_json)
			return ts_error_set(err, TS_ERR_NOMEM, "internal", NULL, "out of memory");
	}

	task->payload_json = strdup(req->payload_json);
	if (!task->payload_json)
		return ts_error_set(err, TS_ERR_NOMEM, "internal", NULL, "out of memory");
	return TS_OK;
}
