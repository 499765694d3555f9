/* test_validate.c -- the rules of a POST /tasks body (src/lib/validate.h),
 * exercised end to end: body text -> ts_json_parse_task_request ->
 * ts_validate_task_request, as the API handler runs them. */
#include "config.h"

#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "task.h"
#include "tstime.h"
#include "validate.h"

#define RUN_AT "2026-03-01T09:00:00Z"

/* ---- helpers ---------------------------------------------------------- */

static char *fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));

static char *fmt(const char *f, ...)
{
	va_list ap;
	char *s = NULL;
	int n;

	va_start(ap, f);
	n = vasprintf(&s, f, ap);
	va_end(ap);
	ck_assert_int_ge(n, 0);
	return s;
}

/* Runs both stages on `body`; fills `task` and `err`. */
static enum ts_err submit(const char *body, struct ts_task *task, struct ts_error *err)
{
	struct ts_task_request req;
	enum ts_err rc;

	ts_error_clear(err);
	ts_task_init(task);
	rc = ts_json_parse_task_request(body, strlen(body), &req, err);
	if (rc)
		return rc;
	rc = ts_validate_task_request(&req, task, NULL, err);
	ts_task_request_cleanup(&req);
	return rc;
}

/* Validates `body` (which must pass) and returns the hosts it reads. */
static void hosts_of(const char *body, struct ts_task_hosts *hosts)
{
	struct ts_task_request req;
	struct ts_task task;
	struct ts_error err;

	ts_error_clear(&err);
	ts_task_init(&task);
	ck_assert_int_eq(ts_json_parse_task_request(body, strlen(body), &req, &err), TS_OK);
	ck_assert_msg(ts_validate_task_request(&req, &task, hosts, &err) == TS_OK, "%s",
		      err.message);
	ts_task_request_cleanup(&req);
	ts_task_cleanup(&task);
}

START_TEST(hosts_of_the_urls)
{
	struct ts_task_hosts h;
	char *long_host = malloc(400), *body;

	hosts_of("{\"action\":\"webhook\",\"run_at\":\"2030-01-01T00:00:00Z\","
		 "\"payload\":{\"url\":\"https://Hooks.example:8443/x?y=1\"},"
		 "\"on_failure\":{\"url\":\"http://[2001:db8::1]/f\"}}", &h);
	ck_assert(h.has_payload && !h.payload_too_long);
	ck_assert_str_eq(h.payload, "Hooks.example");
	ck_assert(h.has_on_failure && !h.on_failure_too_long);
	ck_assert_str_eq(h.on_failure, "2001:db8::1");

	hosts_of("{\"action\":\"message\",\"run_at\":\"2030-01-01T00:00:00Z\","
		 "\"payload\":{\"recipient\":\"ops\",\"message\":\"hi\"}}", &h);
	ck_assert(!h.has_payload && !h.has_on_failure);

	/* Labels of up to 63 characters: a valid name longer than the guard
	 * looks at. */
	ck_assert_ptr_nonnull(long_host);
	long_host[0] = '\0';
	for (int i = 0; i < 5; i++)
		strcat(long_host, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.");
	strcat(long_host, "example");
	body = fmt("{\"action\":\"webhook\",\"run_at\":\"2030-01-01T00:00:00Z\","
		   "\"payload\":{\"url\":\"http://%s/\"}}", long_host);
	hosts_of(body, &h);
	ck_assert(h.has_payload && h.payload_too_long);
	ck_assert_str_eq(h.payload, "");
	free(body);
	free(long_host);
}
END_TEST

/* `body` must be refused with `code` naming `field` ("" for none). */
static void expect_error(const char *body, const char *code, const char *field)
{
	struct ts_task task;
	struct ts_error err;
	enum ts_err rc = submit(body, &task, &err);

	ck_assert_msg(rc == TS_ERR_INVALID, "accepted (rc %d): %.300s", (int)rc, body);
	ck_assert_msg(err.status == TS_ERR_INVALID, "err.status %d for %.200s",
		      (int)err.status, body);
	ck_assert_msg(strcmp(err.code, code) == 0 && strcmp(err.field, field) == 0,
		      "%.200s: got code '%s' field '%s' (%s), want '%s' '%s'",
		      body, err.code, err.field, err.message, code, field);
	ck_assert_msg(err.message[0] != '\0', "no message for %.200s", body);
	ts_task_cleanup(&task);
}

/* `body` must be accepted; the caller cleans `task` up. */
static void expect_valid(const char *body, struct ts_task *task)
{
	struct ts_error err;
	enum ts_err rc = submit(body, task, &err);

	ck_assert_msg(rc == TS_OK, "refused: %.300s: %s (%s, %s)", body, err.message,
		      err.code, err.field);
}

/* A webhook body with `payload` (JSON text) and the other fields valid. */
static void webhook_error(const char *payload, const char *code, const char *field)
{
	char *body = fmt("{\"action\":\"webhook\",\"run_at\":\"" RUN_AT "\",\"payload\":%s}",
			 payload);

	expect_error(body, code, field);
	free(body);
}

static void webhook_valid(const char *payload)
{
	char *body = fmt("{\"action\":\"webhook\",\"run_at\":\"" RUN_AT "\",\"payload\":%s}",
			 payload);
	struct ts_task task;

	expect_valid(body, &task);
	ts_task_cleanup(&task);
	free(body);
}

static void message_error(const char *payload, const char *code, const char *field)
{
	char *body = fmt("{\"action\":\"message\",\"run_at\":\"" RUN_AT "\",\"payload\":%s}",
			 payload);

	expect_error(body, code, field);
	free(body);
}

/* A webhook body whose other fields are valid, plus `extra` members. */
static void extra_error(const char *extra, const char *code, const char *field)
{
	char *body = fmt("{\"action\":\"webhook\",\"run_at\":\"" RUN_AT "\","
			 "\"payload\":{\"url\":\"https://example.com/\"},%s}", extra);

	expect_error(body, code, field);
	free(body);
}

static void extra_valid(const char *extra, struct ts_task *task)
{
	char *body = fmt("{\"action\":\"webhook\",\"run_at\":\"" RUN_AT "\","
			 "\"payload\":{\"url\":\"https://example.com/\"},%s}", extra);

	expect_valid(body, task);
	free(body);
}

static ts_time_us parse_time(const char *text)
{
	ts_time_us t = 0;

	ck_assert_int_eq(ts_time_parse_rfc3339(text, &t, NULL), TS_OK);
	return t;
}

/* A string of `n` copies of `c`. */
static char *repeat(char c, size_t n)
{
	char *s = malloc(n + 1);

	ck_assert_ptr_nonnull(s);
	memset(s, c, n);
	s[n] = '\0';
	return s;
}

/* ---- whole bodies ----------------------------------------------------- */

START_TEST(body_invalid_json)
{
	expect_error("", "invalid_json", "");
	expect_error("not json", "invalid_json", "");
	expect_error("[]", "invalid_json", "");
	expect_error("\"webhook\"", "invalid_json", "");
	expect_error("{\"action\":\"webhook\",", "invalid_json", "");
	expect_error("{\"action\":\"caf\xe9\"}", "invalid_json", "");
}
END_TEST

START_TEST(missing_fields)
{
	expect_error("{}", "missing_field", "action");
	expect_error("{\"payload\":{\"url\":\"http://h/\"},\"run_at\":\"" RUN_AT "\"}",
		     "missing_field", "action");
	expect_error("{\"action\":\"webhook\",\"run_at\":\"" RUN_AT "\"}",
		     "missing_field", "payload");
	expect_error("{\"action\":\"message\",\"run_at\":\"" RUN_AT "\"}",
		     "missing_field", "payload");
	expect_error("{\"action\":\"webhook\",\"payload\":{\"url\":\"http://h/\"}}",
		     "missing_field", "run_at");
	expect_error("{\"action\":\"message\",\"payload\":{\"recipient\":\"r\",\"message\":\"m\"}}",
		     "missing_field", "run_at");
	webhook_error("{}", "missing_field", "payload.url");
	webhook_error("{\"method\":\"GET\"}", "missing_field", "payload.url");
	message_error("{\"message\":\"m\"}", "missing_field", "payload.recipient");
	message_error("{\"recipient\":\"r\"}", "missing_field", "payload.message");
	message_error("{}", "missing_field", "payload.recipient");
	/* A payload of the other action lacks this action's fields. */
	webhook_error("{\"recipient\":\"r\",\"message\":\"m\"}", "missing_field", "payload.url");
	message_error("{\"url\":\"http://h/\"}", "missing_field", "payload.recipient");
}
END_TEST

START_TEST(invalid_action)
{
	static const char *const actions[] = {
		"\"sms\"", "\"Email\"", "\"\"", "\"Webhook\"", "\"MESSAGE\"", "\"webhook \"", "1", "null",
		"[\"webhook\"]", "{}",
	};

	for (size_t i = 0; i < sizeof(actions) / sizeof(actions[0]); i++) {
		char *body = fmt("{\"action\":%s,\"payload\":{\"url\":\"http://h/\"},"
				 "\"run_at\":\"" RUN_AT "\"}", actions[i]);
		expect_error(body, "invalid_field", "action");
		free(body);
	}
}
END_TEST

START_TEST(invalid_payload)
{
	static const char *const payloads[] = {
		"\"{}\"", "[]", "[{\"url\":\"http://h/\"}]", "1", "true", "null",
	};

	for (size_t i = 0; i < sizeof(payloads) / sizeof(payloads[0]); i++) {
		webhook_error(payloads[i], "invalid_field", "payload");
		message_error(payloads[i], "invalid_field", "payload");
	}
}
END_TEST

START_TEST(invalid_run_at)
{
	static const char *const values[] = {
		"\"tomorrow\"", "\"\"", "\"2026-03-01T09:00:00\"", "\"2026-02-30T09:00:00Z\"",
		"\"2026-03-01T24:00:00Z\"", "\"2026-03-01\"", "\"2026-03-01T09:00:00Z \"",
		"1772355600", "null", "[]",
	};

	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		char *body = fmt("{\"action\":\"webhook\",\"payload\":{\"url\":\"http://h/\"},"
				 "\"run_at\":%s}", values[i]);
		expect_error(body, "invalid_field", "run_at");
		free(body);
	}
}
END_TEST

START_TEST(invalid_recurrence)
{
	extra_error("\"recurrence\":\"yearly\"", "invalid_field", "recurrence");
	extra_error("\"recurrence\":\"hourly\"", "invalid_field", "recurrence");
	extra_error("\"recurrence\":\"\"", "invalid_field", "recurrence");
	extra_error("\"recurrence\":\"Daily\"", "invalid_field", "recurrence");
	extra_error("\"recurrence\":\"none\"", "invalid_field", "recurrence");
	extra_error("\"recurrence\":1", "invalid_field", "recurrence");
	extra_error("\"recurrence\":false", "invalid_field", "recurrence");
	extra_error("\"recurrence\":[\"daily\"]", "invalid_field", "recurrence");
}
END_TEST

START_TEST(invalid_max_attempts)
{
	static const char *const values[] = {
		"0", "-1", "101", "1000", "2.5", "1e300", "-0.5", "\"3\"", "null", "true", "[3]",
	};

	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		char *extra = fmt("\"max_attempts\":%s", values[i]);
		extra_error(extra, "invalid_field", "max_attempts");
		free(extra);
	}
}
END_TEST

START_TEST(max_attempts_bounds)
{
	struct ts_task task;

	extra_valid("\"max_attempts\":1", &task);
	ck_assert_int_eq(task.max_attempts, 1);
	ts_task_cleanup(&task);
	extra_valid("\"max_attempts\":100", &task);
	ck_assert_int_eq(task.max_attempts, 100);
	ts_task_cleanup(&task);
	extra_valid("\"max_attempts\":5.0", &task);
	ck_assert_int_eq(task.max_attempts, 5);
	ts_task_cleanup(&task);
	extra_valid("\"max_attempts\":1e1", &task);
	ck_assert_int_eq(task.max_attempts, 10);
	ts_task_cleanup(&task);
}
END_TEST

/* ---- webhook payload -------------------------------------------------- */

START_TEST(webhook_url_in_request)
{
	webhook_error("{\"url\":\"ftp://example.com/\"}", "invalid_field", "payload.url");
	webhook_error("{\"url\":\"\"}", "invalid_field", "payload.url");
	webhook_error("{\"url\":\"/hook\"}", "invalid_field", "payload.url");
	webhook_error("{\"url\":\"http://u:p@example.com/\"}", "invalid_field", "payload.url");
	webhook_error("{\"url\":42}", "invalid_field", "payload.url");
	webhook_error("{\"url\":[\"http://h/\"]}", "invalid_field", "payload.url");
	webhook_valid("{\"url\":\"HTTPS://Example.COM/Path\"}");
}
END_TEST

START_TEST(webhook_method)
{
	static const char *const ok[] = {
		"POST", "GET", "PUT", "PATCH", "DELETE",
	};
	/* Methods are case-sensitive (RFC 9110): "post" is another method. */
	static const char *const bad[] = {
		"post", "get", "Put", "pAtCh", "delete", "HEAD", "OPTIONS", "TRACE", "CONNECT", "", "GET ", " GET", "GETS", "PO", "G\xc3\x89T",
	};

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		char *p = fmt("{\"url\":\"http://h/\",\"method\":\"%s\"}", ok[i]);
		ck_assert_msg(ts_validate_method(ok[i]), "method %s refused", ok[i]);
		webhook_valid(p);
		free(p);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *p = fmt("{\"url\":\"http://h/\",\"method\":\"%s\"}", bad[i]);
		ck_assert_msg(!ts_validate_method(bad[i]), "method '%s' accepted", bad[i]);
		webhook_error(p, "invalid_field", "payload.method");
		free(p);
	}
	webhook_error("{\"url\":\"http://h/\",\"method\":1}", "invalid_field", "payload.method");
	webhook_error("{\"url\":\"http://h/\",\"method\":[\"GET\"]}", "invalid_field",
		      "payload.method");
}
END_TEST

START_TEST(webhook_headers_ok)
{
	webhook_valid("{\"url\":\"http://h/\",\"headers\":{}}");
	webhook_valid("{\"url\":\"http://h/\",\"headers\":null}");
	webhook_valid("{\"url\":\"http://h/\",\"headers\":{\"Authorization\":\"Bearer x\","
		      "\"X-Custom_1.~!#$%&'*+^`|\":\"v\",\"Content-Type\":\"text/plain\","
		      "\"X-Empty\":\"\",\"X-Utf8\":\"caf\xc3\xa9\"}}");
}
END_TEST

START_TEST(webhook_headers_reserved)
{
	static const char *const reserved[] = {
		"Host", "host", "HOST", "Content-Length", "content-length", "X-Tasksched-Attempt",
		"x-tasksched-attempt", "X-Tasksched-Task-Id", "Transfer-Encoding", "Connection",
		"webhook-signature", "Webhook-Id", "webhook-timestamp",
	};

	for (size_t i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++) {
		char *p = fmt("{\"url\":\"http://h/\",\"headers\":{\"X-Ok\":\"1\",\"%s\":\"v\"}}",
			      reserved[i]);
		webhook_error(p, "invalid_field", "payload.headers");
		free(p);
	}
}
END_TEST

START_TEST(webhook_headers_malformed)
{
	/* Line breaks in a value would let a task inject headers. */
	webhook_error("{\"url\":\"http://h/\",\"headers\":{\"X-A\":\"v\\nX-Evil: 1\"}}",
		      "invalid_field", "payload.headers");
	webhook_error("{\"url\":\"http://h/\",\"headers\":{\"X-A\":\"v\\r\\nX-Evil: 1\"}}",
		      "invalid_field", "payload.headers");
	webhook_error("{\"url\":\"http://h/\",\"headers\":{\"X-A\":\"v\\r\"}}",
		      "invalid_field", "payload.headers");
	/* Names must be tokens. */
	webhook_error("{\"url\":\"http://h/\",\"headers\":{\"Bad Name\":\"v\"}}",
		      "invalid_field", "payload.headers");
	webhook_error("{\"url\":\"http://h/\",\"headers\":{\"X-A:\":\"v\"}}",
		      "invalid_field", "payload.headers");
	webhook_error("{\"url\":\"http://h/\",\"headers\":{\"\":\"v\"}}",
		      "invalid_field", "payload.headers");
	webhook_error("{\"url\":\"http://h/\",\"headers\":{\"X-A\\n\":\"v\"}}",
		      "invalid_field", "payload.headers");
	webhook_error("{\"url\":\"http://h/\",\"headers\":{\"caf\xc3\xa9\":\"v\"}}",
		      "invalid_field", "payload.headers");
	/* Wrong types. */
	webhook_error("{\"url\":\"http://h/\",\"headers\":[\"X-A: v\"]}",
		      "invalid_field", "payload.headers");
	webhook_error("{\"url\":\"http://h/\",\"headers\":\"X-A: v\"}",
		      "invalid_field", "payload.headers");
	webhook_error("{\"url\":\"http://h/\",\"headers\":{\"X-A\":1}}",
		      "invalid_field", "payload.headers");
	webhook_error("{\"url\":\"http://h/\",\"headers\":{\"X-A\":{\"v\":1}}}",
		      "invalid_field", "payload.headers");
}
END_TEST

START_TEST(webhook_headers_nul)
{
	struct ts_task task;
	struct ts_error err;

	/* A NUL would cut the value (or name) when sent: refused like a line
	 * break, and the message names the header. */
	webhook_error("{\"url\":\"http://h/\",\"headers\":{\"X-A\":\"a\\u0000b\"}}",
		      "invalid_field", "payload.headers");
	ck_assert_int_eq(submit("{\"action\":\"webhook\",\"run_at\":\"" RUN_AT "\","
				"\"payload\":{\"url\":\"http://h/\",\"headers\":"
				"{\"X-Ok\":\"1\",\"X-A\":\"a\\u0000\"}}}", &task, &err),
			 TS_ERR_INVALID);
	ck_assert_ptr_nonnull(strstr(err.message, "'X-A'"));
	ck_assert_ptr_nonnull(strstr(err.message, "NUL"));
	ts_task_cleanup(&task);
	webhook_error("{\"url\":\"http://h/\",\"headers\":{\"X-A\\u0000B\":\"v\"}}",
		      "invalid_field", "payload.headers");
	/* An escaped backslash before "u0000" is text, not a NUL. */
	webhook_valid("{\"url\":\"http://h/\",\"headers\":{\"X-A\":\"a\\\\u0000b\"}}");
	/* A NUL in data is JSON that is sent as JSON: accepted. */
	webhook_valid("{\"url\":\"http://h/\",\"data\":{\"s\":\"a\\u0000b\"}}");
}
END_TEST

/* A payload with `count` headers named X-H<i>. */
static char *many_headers(int count)
{
	size_t cap = 64 + (size_t)count * 24;
	char *p = malloc(cap);
	size_t n;

	ck_assert_ptr_nonnull(p);
	n = (size_t)snprintf(p, cap, "{\"url\":\"http://h/\",\"headers\":{");
	for (int i = 0; i < count; i++)
		n += (size_t)snprintf(p + n, cap - n, "%s\"X-H%d\":\"%d\"", i ? "," : "", i, i);
	snprintf(p + n, cap - n, "}}");
	return p;
}

START_TEST(webhook_headers_count)
{
	char *p = many_headers(TS_WEBHOOK_HEADERS_MAX);

	webhook_valid(p);
	free(p);
	p = many_headers(TS_WEBHOOK_HEADERS_MAX + 1);
	webhook_error(p, "invalid_field", "payload.headers");
	free(p);
	p = many_headers(1000);
	webhook_error(p, "invalid_field", "payload.headers");
	free(p);
}
END_TEST

START_TEST(webhook_headers_sizes)
{
	char *name = repeat('N', TS_HEADER_NAME_MAX);
	char *value = repeat('v', TS_HEADER_VALUE_MAX);
	char *p;

	p = fmt("{\"url\":\"http://h/\",\"headers\":{\"%s\":\"%s\"}}", name, value);
	webhook_valid(p);
	free(p);
	p = fmt("{\"url\":\"http://h/\",\"headers\":{\"%sN\":\"v\"}}", name);
	webhook_error(p, "invalid_field", "payload.headers");
	free(p);
	p = fmt("{\"url\":\"http://h/\",\"headers\":{\"X-A\":\"%sv\"}}", value);
	webhook_error(p, "invalid_field", "payload.headers");
	free(p);
	free(name);
	free(value);
}
END_TEST

START_TEST(webhook_timeout)
{
	webhook_valid("{\"url\":\"http://h/\",\"timeout_ms\":1}");
	webhook_valid("{\"url\":\"http://h/\",\"timeout_ms\":3600000}");
	webhook_valid("{\"url\":\"http://h/\",\"timeout_ms\":2500}");
	webhook_error("{\"url\":\"http://h/\",\"timeout_ms\":0}", "invalid_field",
		      "payload.timeout_ms");
	webhook_error("{\"url\":\"http://h/\",\"timeout_ms\":-1}", "invalid_field",
		      "payload.timeout_ms");
	webhook_error("{\"url\":\"http://h/\",\"timeout_ms\":3600001}", "invalid_field",
		      "payload.timeout_ms");
	webhook_error("{\"url\":\"http://h/\",\"timeout_ms\":1.5}", "invalid_field",
		      "payload.timeout_ms");
	webhook_error("{\"url\":\"http://h/\",\"timeout_ms\":1e300}", "invalid_field",
		      "payload.timeout_ms");
	webhook_error("{\"url\":\"http://h/\",\"timeout_ms\":\"100\"}", "invalid_field",
		      "payload.timeout_ms");
	webhook_error("{\"url\":\"http://h/\",\"timeout_ms\":null}", "invalid_field",
		      "payload.timeout_ms");
}
END_TEST

/* ---- message payload -------------------------------------------------- */

START_TEST(message_rules)
{
	char *r255 = repeat('r', TS_RECIPIENT_MAX);
	char *p;
	struct ts_task task;

	message_error("{\"recipient\":\"\",\"message\":\"m\"}", "invalid_field",
		      "payload.recipient");
	message_error("{\"recipient\":1,\"message\":\"m\"}", "invalid_field",
		      "payload.recipient");
	message_error("{\"recipient\":\"r\",\"message\":\"\"}", "invalid_field",
		      "payload.message");
	message_error("{\"recipient\":null,\"message\":\"m\"}", "invalid_field",
		      "payload.recipient");
	message_error("{\"recipient\":\"r\",\"message\":1}", "invalid_field", "payload.message");
	message_error("{\"recipient\":\"r\",\"message\":[\"m\"]}", "invalid_field",
		      "payload.message");

	p = fmt("{\"action\":\"message\",\"run_at\":\"" RUN_AT "\","
		"\"payload\":{\"recipient\":\"%s\",\"message\":\"m\"}}", r255);
	expect_valid(p, &task);
	ts_task_cleanup(&task);
	free(p);
	p = fmt("{\"recipient\":\"%sr\",\"message\":\"m\"}", r255);
	message_error(p, "invalid_field", "payload.recipient");
	free(p);
	free(r255);
}
END_TEST

/* A body of `action` with `payload` must be refused with `code`, `field`. */
static void action_error(const char *action, const char *payload, const char *code,
			 const char *field)
{
	char *body = fmt("{\"action\":\"%s\",\"run_at\":\"" RUN_AT "\",\"payload\":%s}",
			 action, payload);

	expect_error(body, code, field);
	free(body);
}

START_TEST(email_rules)
{
	struct ts_task task;
	char *p;

	action_error("email", "{\"subject\":\"s\",\"text\":\"t\"}", "missing_field", "payload.to");
	action_error("email", "{\"to\":[],\"subject\":\"s\",\"text\":\"t\"}", "invalid_field",
		    "payload.to");
	action_error("email", "{\"to\":\"a@example.org\",\"subject\":\"s\",\"text\":\"t\"}",
		    "invalid_field", "payload.to");
	action_error("email", "{\"to\":[\"a@example.org\",1],\"subject\":\"s\",\"text\":\"t\"}",
		    "invalid_field", "payload.to");
	action_error("email", "{\"to\":[\"not an address\"],\"subject\":\"s\",\"text\":\"t\"}",
		    "invalid_field", "payload.to");
	/* Header injection through any field is refused, not escaped. */
	action_error("email", "{\"to\":[\"a@example.org\\r\\nBcc: x@evil.example\"],\"subject\":\"s\","
		    "\"text\":\"t\"}", "invalid_field", "payload.to");
	action_error("email", "{\"to\":[\"a@example.org\"],\"subject\":\"s\\r\\nBcc: x@evil.example\","
		    "\"text\":\"t\"}", "invalid_field", "payload.subject");
	action_error("email", "{\"to\":[\"a@example.org\"],\"subject\":\"s\",\"text\":\"t\","
		    "\"reply_to\":\"b@example.org\\nBcc: x@evil.example\"}", "invalid_field",
		    "payload.reply_to");
	action_error("email", "{\"to\":[\"a@example.org\"],\"text\":\"t\"}", "missing_field",
		    "payload.subject");
	action_error("email", "{\"to\":[\"a@example.org\"],\"subject\":\"s\"}", "missing_field",
		    "payload.text");
	action_error("email", "{\"to\":[\"a@example.org\"],\"subject\":\"s\",\"text\":\"t\",\"html\":1}",
		    "invalid_field", "payload.html");

	p = fmt("{\"action\":\"email\",\"run_at\":\"" RUN_AT "\",\"payload\":"
		"{\"to\":[\"a@example.org\",\"\\\"b c\\\"@[192.0.2.1]\"],\"subject\":\"Caf\u00e9\","
		"\"text\":\"line\\n.\\nmore\",\"html\":\"<p>x</p>\",\"reply_to\":\"r@example.org\"}}");
	expect_valid(p, &task);
	ck_assert_int_eq(task.action, TS_ACTION_EMAIL);
	ts_task_cleanup(&task);
	free(p);
}
END_TEST


START_TEST(amqp_rules)
{
	struct ts_task task;
	char *big = repeat('x', TS_AMQP_BODY_MAX);
	char *p;

	action_error("amqp", "{\"exchange\":\"e\"}", "missing_field", "payload.broker");
	action_error("amqp", "{\"broker\":\"\",\"exchange\":\"e\"}", "invalid_field", "payload.broker");
	action_error("amqp", "{\"broker\":\"main\"}", "missing_field", "payload.exchange");
	action_error("amqp", "{\"broker\":\"main\",\"exchange\":1}", "invalid_field", "payload.exchange");
	action_error("amqp", "{\"broker\":\"main\",\"exchange\":\"e\\n\"}", "invalid_field",
		   "payload.exchange");
	action_error("amqp", "{\"broker\":\"main\",\"exchange\":\"e\",\"persistent\":\"yes\"}",
		   "invalid_field", "payload.persistent");
	action_error("amqp", "{\"broker\":\"main\",\"exchange\":\"e\",\"headers\":{\"a\":1}}",
		   "invalid_field", "payload.headers");
	action_error("amqp", "{\"broker\":\"main\",\"exchange\":\"e\",\"headers\":{\"X-Tasksched-Attempt\":\"1\"}}",
		   "invalid_field", "payload.headers");
	p = fmt("{\"broker\":\"main\",\"exchange\":\"e\",\"body\":\"%s\"}", big);
	action_error("amqp", p, "invalid_field", "payload.body");
	free(p);

	expect_valid("{\"action\":\"amqp\",\"run_at\":\"" RUN_AT "\",\"payload\":"
		     "{\"broker\":\"main\",\"exchange\":\"\",\"routing_key\":\"q\","
		     "\"body\":{\"a\":[1,2]},\"headers\":{\"x-kind\":\"report\"},"
		     "\"persistent\":false}}", &task);
	ck_assert_int_eq(task.action, TS_ACTION_AMQP);
	ts_task_cleanup(&task);
	free(big);
}
END_TEST

/* ---- accepted bodies -------------------------------------------------- */

START_TEST(valid_webhook)
{
	static const char payload[] =
		"{\"url\":\"https://example.com/hook\",\"method\":\"GET\","
		"\"headers\":{\"Authorization\":\"Bearer x\"},\"data\":{\"a\":[1,{\"b\":null}]},"
		"\"timeout_ms\":5000}";
	char *body = fmt("{\"action\":\"webhook\",\"payload\":%s,"
			 "\"run_at\":\"2026-03-01T09:00:00.5+02:00\"}", payload);
	struct ts_task task;

	expect_valid(body, &task);
	ck_assert_int_eq(task.action, TS_ACTION_WEBHOOK);
	ck_assert_int_eq(task.run_at, parse_time("2026-03-01T07:00:00.5Z"));
	ck_assert_int_eq(task.recurrence, TS_RECUR_NONE);
	ck_assert_int_eq(task.max_attempts, 3);
	ck_assert_ptr_nonnull(task.payload_json);
	ck_assert_str_eq(task.payload_json, payload);
	ts_task_cleanup(&task);
	free(body);
}
END_TEST

START_TEST(valid_message)
{
	struct ts_task task;

	expect_valid("{\"action\":\"message\",\"run_at\":\"2026-03-01T09:00:00Z\","
		     "\"payload\":{\"recipient\":\"ops@example.com\",\"message\":\"Disk full\"},"
		     "\"recurrence\":null,\"max_attempts\":1,\"ignored\":{\"x\":1}}", &task);
	ck_assert_int_eq(task.action, TS_ACTION_MESSAGE);
	ck_assert_int_eq(task.run_at, parse_time("2026-03-01T09:00:00Z"));
	ck_assert_int_eq(task.recurrence, TS_RECUR_NONE);
	ck_assert_int_eq(task.max_attempts, 1);
	ck_assert_str_eq(task.payload_json,
			 "{\"recipient\":\"ops@example.com\",\"message\":\"Disk full\"}");
	ts_task_cleanup(&task);
}
END_TEST

START_TEST(valid_recurrences)
{
	struct ts_task task;

	extra_valid("\"recurrence\":\"daily\"", &task);
	ck_assert_int_eq(task.recurrence, TS_RECUR_DAILY);
	ts_task_cleanup(&task);
	extra_valid("\"recurrence\":\"weekly\"", &task);
	ck_assert_int_eq(task.recurrence, TS_RECUR_WEEKLY);
	ts_task_cleanup(&task);
	extra_valid("\"recurrence\":\"monthly\"", &task);
	ck_assert_int_eq(task.recurrence, TS_RECUR_MONTHLY);
	ck_assert_int_eq(task.anchor_day, 1);
	ts_task_cleanup(&task);

	/* The anchor is the day of month of the first occurrence. */
	expect_valid("{\"action\":\"message\",\"run_at\":\"2026-01-31T22:00:00Z\","
		     "\"payload\":{\"recipient\":\"r\",\"message\":\"m\"},"
		     "\"recurrence\":\"monthly\"}", &task);
	ck_assert_int_eq(task.recurrence, TS_RECUR_MONTHLY);
	ck_assert_int_eq(task.anchor_day, 31);
	ck_assert_int_eq(task.run_at, parse_time("2026-01-31T22:00:00Z"));
	ts_task_cleanup(&task);

	/* ... in UTC, like every time inside tasksched. */
	expect_valid("{\"action\":\"message\",\"run_at\":\"2026-01-31T23:30:00-05:00\","
		     "\"payload\":{\"recipient\":\"r\",\"message\":\"m\"},"
		     "\"recurrence\":\"monthly\"}", &task);
	ck_assert_int_eq(task.anchor_day, 1);
	ts_task_cleanup(&task);
	expect_valid("{\"action\":\"message\",\"run_at\":\"2026-03-01T00:30:00+02:00\","
		     "\"payload\":{\"recipient\":\"r\",\"message\":\"m\"},"
		     "\"recurrence\":\"monthly\"}", &task);
	ck_assert_int_eq(task.anchor_day, 28);
	ts_task_cleanup(&task);
}
END_TEST

/* ---- URLs ------------------------------------------------------------- */

static void url_ok(const char *url)
{
	struct ts_error err;

	ts_error_clear(&err);
	ck_assert_msg(ts_validate_url(url, &err) == TS_OK, "'%.100s' refused: %s", url,
		      err.message);
}

static void url_bad(const char *url)
{
	struct ts_error err;

	ts_error_clear(&err);
	ck_assert_msg(ts_validate_url(url, &err) == TS_ERR_INVALID, "'%.100s' accepted", url);
	ck_assert_str_eq(err.code, "invalid_field");
	ck_assert_str_eq(err.field, "payload.url");
	ck_assert(err.message[0] != '\0');
}

START_TEST(url_accepted)
{
	static const char *const ok[] = {
		"http://example.com",
		"https://example.com/",
		"https://example.com/path/to?q=1&r=a%20b#frag",
		"HTTP://EXAMPLE.COM/",
		"HtTpS://Example.Com/X",
		"http://localhost:8080/hook",
		"http://127.0.0.1:1/",
		"http://h:65535",
		"https://h:443?x",
		"http://example.com?x=1",
		"http://example.com#top",
		"http://example.com/@user",
		"http://sub-domain.example_x.com./",
		"http://[::1]:8080/",
		"http://[::1]/",
		"https://[2001:db8::1]/hook",
		"http://[::ffff:192.0.2.1]:80/",
	};

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		url_ok(ok[i]);
}
END_TEST

START_TEST(url_rejected)
{
	static const char *const bad[] = {
		"",
		"ftp://example.com/",
		"file:///etc/passwd",
		"javascript:alert(1)",
		"mailto:a@example.com",
		"data:text/plain,hi",
		"/relative/path",
		"relative",
		"example.com/hook",
		"//example.com/hook",
		"http:/example.com",
		"http:example.com",
		"https:example.com",
		"http//example.com",
		"http://",
		"https://",
		"http:///path",
		"https://?q=1",
		"http://#x",
		"http://:8080/",
		"http://user:pw@example.com/",
		"http://user@example.com/",
		"http://:pw@example.com/",
		"http://example.com@evil.example/",
		"http://exa mple.com/",
		"http://example.com/a b",
		" http://example.com/",
		"http://example.com/ ",
		"http://example.com/\t",
		"http://example.com/\r\nX: y",
		"http://example.com/\x7f",
		"http://example.com/caf\xc3\xa9",
		"http://ex\xc3\xa4mple.com/",
		"http://exa<mple.com/",
		"http://h:0/",
		"http://h:00/",
		"http://h:65536/",
		"http://h:99999999999999999999/",
		"http://h:abc/",
		"http://h:-1/",
		"http://h:+80/",
		"http://h:/",
		"http://h:80:80/",
		"http://[::1/",
		"http://[]/",
		"http://[::1]x/",
		"http://[::1]:/",
		"http://[::1]:0/",
		"http://[::1]:65536/",
		"http://[::g]/",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		url_bad(bad[i]);
}
END_TEST

START_TEST(url_credentials_message)
{
	static const char *const urls[] = {
		"http://user:pw@example.com/", "http://user@example.com/",
		"https://a:b@[::1]:8080/",
	};
	struct ts_error err;

	/* The message says why, and where credentials belong instead. */
	for (size_t i = 0; i < sizeof(urls) / sizeof(urls[0]); i++) {
		url_bad(urls[i]);
		ts_error_clear(&err);
		ts_validate_url(urls[i], &err);
		ck_assert_msg(strstr(err.message, "credentials") != NULL,
			      "'%s': message does not mention credentials: %s", urls[i],
			      err.message);
	}
}
END_TEST

START_TEST(url_length)
{
	static const char prefix[] = "https://example.com/";
	char *url = repeat('a', TS_URL_MAX + 1);

	memcpy(url, prefix, strlen(prefix));
	url_bad(url);                   /* 2049 characters */
	url[TS_URL_MAX] = '\0';
	url_ok(url);                    /* 2048 characters */
	free(url);
}
END_TEST

static Suite *validate_suite(void)
{
	Suite *s = suite_create("validate");
	TCase *tc;

	tc = tcase_create("request");
	tcase_add_test(tc, body_invalid_json);
	tcase_add_test(tc, missing_fields);
	tcase_add_test(tc, invalid_action);
	tcase_add_test(tc, email_rules);
	tcase_add_test(tc, amqp_rules);
	tcase_add_test(tc, invalid_payload);
	tcase_add_test(tc, hosts_of_the_urls);
	tcase_add_test(tc, invalid_run_at);
	tcase_add_test(tc, invalid_recurrence);
	tcase_add_test(tc, invalid_max_attempts);
	tcase_add_test(tc, max_attempts_bounds);
	suite_add_tcase(s, tc);

	tc = tcase_create("webhook");
	tcase_add_test(tc, webhook_url_in_request);
	tcase_add_test(tc, webhook_method);
	tcase_add_test(tc, webhook_headers_ok);
	tcase_add_test(tc, webhook_headers_reserved);
	tcase_add_test(tc, webhook_headers_malformed);
	tcase_add_test(tc, webhook_headers_nul);
	tcase_add_test(tc, webhook_headers_count);
	tcase_add_test(tc, webhook_headers_sizes);
	tcase_add_test(tc, webhook_timeout);
	suite_add_tcase(s, tc);

	tc = tcase_create("message");
	tcase_add_test(tc, message_rules);
	suite_add_tcase(s, tc);

	tc = tcase_create("accepted");
	tcase_add_test(tc, valid_webhook);
	tcase_add_test(tc, valid_message);
	tcase_add_test(tc, valid_recurrences);
	suite_add_tcase(s, tc);

	tc = tcase_create("url");
	tcase_add_test(tc, url_accepted);
	tcase_add_test(tc, url_rejected);
	tcase_add_test(tc, url_credentials_message);
	tcase_add_test(tc, url_length);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(validate_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
