/* fuzz_request.c -- libFuzzer harness for a POST /tasks body: parsing
 * (ts_json_parse_task_request), validation (ts_validate_task_request), the
 * webhook target check the handler makes (ts_validate_url_host,
 * ts_netguard_check_host), the payload parsers the executor runs on what
 * was stored, and the UTF-8 check.
 *
 * The input is the request body. Besides crashes and leaks it aborts on a
 * broken invariant:
 * - ts_utf8_valid disagrees with an independent table-driven check
 *   (Unicode 15, table 3-7, without NUL);
 * - a failed parse leaves fields set, or an error without a code;
 * - an accepted body is not UTF-8, or its payload is not a JSON object;
 * - a validated task differs from its request (payload text, limits), or
 *   its stored payload fails the parse/validate the executor repeats;
 * - a webhook whose host is a loopback, private, link-local, CGNAT,
 *   unspecified, multicast or reserved address literal (judged here apart
 *   from netguard.c), or a localhost name, passes the SSRF guard's default
 *   rules.
 * Two stricter modes, off by default (see README.md for why):
 * - TS_FUZZ_STRICT_JSON=1 also aborts when a body that is not RFC 8259 JSON
 *   is accepted, or the payload text to be stored is not JSON (cJSON is
 *   lenient: "01", "-.5", raw control characters in strings, any byte up
 *   to 0x20 as white space);
 * - TS_FUZZ_UNTERMINATED=1 passes the body as json.h documents it, `len`
 *   bytes with no NUL after them, instead of the NUL-terminated copy the
 *   API makes (fcgi.c read_body). */
#include "config.h"

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "json.h"
#include "netguard.h"
#include "task.h"
#include "tstime.h"
#include "utf8.h"
#include "validate.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool strict_json;
static bool unterminated;
/* The SSRF guard as shipped (no allow-list), and with an allow-list like
 * the one of the local demo. */
static struct ts_netguard guard_default;
static struct ts_netguard guard_demo;

static void fail(const char *what, const char *detail)
{
	fprintf(stderr, "fuzz_request: invariant broken: %s%s%s\n", what,
		detail ? ": " : "", detail ? detail : "");
	abort();
}

/* Well-formed UTF-8 without NUL, after the Unicode standard's table 3-7 of
 * byte ranges: written apart from ts_utf8_valid on purpose. */
static bool oracle_utf8(const uint8_t *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		uint8_t b = s[i];
		uint8_t lo = 0x80, hi = 0xbf;
		size_t n;

		if (b == 0)
			return false;
		if (b <= 0x7f) {
			i++;
			continue;
		}
		if (b >= 0xc2 && b <= 0xdf)
			n = 1;
		else if (b == 0xe0)
			n = 2, lo = 0xa0;
		else if ((b >= 0xe1 && b <= 0xec) || b == 0xee || b == 0xef)
			n = 2;
		else if (b == 0xed)
			n = 2, hi = 0x9f;
		else if (b == 0xf0)
			n = 3, lo = 0x90;
		else if (b >= 0xf1 && b <= 0xf3)
			n = 3;
		else if (b == 0xf4)
			n = 3, hi = 0x8f;
		else
			return false;
		if (len - i <= n)
			return false;
		if (s[i + 1] < lo || s[i + 1] > hi)
			return false;
		for (size_t k = 2; k <= n; k++) {
			if (s[i + k] < 0x80 || s[i + k] > 0xbf)
				return false;
		}
		i += n + 1;
	}
	return true;
}

/* A strict RFC 8259 recognizer (grammar only; the depth was bounded by the
 * parser before this runs). Returns the end of the value or NULL. */
static const char *strict_value(const char *p, const char *end, int depth);

static const char *strict_ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	return p;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static const char *strict_string(const char *p, const char *end)
{
	for (p++; p < end; p++) {
		unsigned char c = (unsigned char)*p;
		if (c == '"')
			return p + 1;
		if (c < 0x20)
			return NULL;
		if (c == '\\') {
			if (++p >= end)
				return NULL;
			if (*p == 'u') {
				for (int i = 0; i < 4; i++) {
					if (++p >= end || !strchr("0123456789abcdefABCDEF", *p) || !*p)
						return NULL;
				}
			} else if (!*p || !strchr("\"\\/bfnrt", *p)) {
				return NULL;
			}
		}
	}
	return NULL;
}

static const char *strict_number(const char *p, const char *end)
{
	if (p < end && *p == '-')
		p++;
	if (p < end && *p == '0') {
		p++;
	} else if (p < end && *p >= '1' && *p <= '9') {
		while (p < end && is_digit(*p))
			p++;
	} else {
		return NULL;
	}
	if (p < end && *p == '.') {
		if (++p >= end || !is_digit(*p))
			return NULL;
		while (p < end && is_digit(*p))
			p++;
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < end && (*p == '+' || *p == '-'))
			p++;
		if (p >= end || !is_digit(*p))
			return NULL;
		while (p < end && is_digit(*p))
			p++;
	}
	return p;
}

static const char *strict_literal(const char *p, const char *end, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(end - p) < n || memcmp(p, word, n) != 0)
		return NULL;
	return p + n;
}

static const char *strict_container(const char *p, const char *end, int depth)
{
	char close = *p == '{' ? '}' : ']';
	bool object = close == '}';

	if (depth > 64)
		return NULL;
	p = strict_ws(p + 1, end);
	if (p < end && *p == close)
		return p + 1;
	for (;;) {
		if (object) {
			if (p >= end || *p != '"' || !(p = strict_string(p, end)))
				return NULL;
			p = strict_ws(p, end);
			if (p >= end || *p != ':')
				return NULL;
			p = strict_ws(p + 1, end);
		}
		if (!(p = strict_value(p, end, depth + 1)))
			return NULL;
		p = strict_ws(p, end);
		if (p < end && *p == close)
			return p + 1;
		if (p >= end || *p != ',')
			return NULL;
		p = strict_ws(p + 1, end);
	}
}

static const char *strict_value(const char *p, const char *end, int depth)
{
	if (p >= end)
		return NULL;
	switch (*p) {
	case '{':
	case '[':
		return strict_container(p, end, depth);
	case '"':
		return strict_string(p, end);
	case 't':
		return strict_literal(p, end, "true");
	case 'f':
		return strict_literal(p, end, "false");
	case 'n':
		return strict_literal(p, end, "null");
	default:
		return strict_number(p, end);
	}
}

static bool oracle_json(const char *s, size_t len)
{
	const char *end = s + len;
	const char *p = strict_value(strict_ws(s, end), end, 0);

	return p && strict_ws(p, end) == end;
}

/* What the executor does with a stored payload: parse it for its action
 * and validate it. Returns the status of the first step that failed. */
static enum ts_err executor_view(enum ts_action action, const char *payload)
{
	struct ts_error err;
	enum ts_err rc;

	ts_error_clear(&err);
	if (action == TS_ACTION_WEBHOOK) {
		struct ts_webhook_spec spec;
		rc = ts_json_parse_webhook(payload, &spec, &err);
		if (rc == TS_OK) {
			rc = ts_validate_webhook(&spec, &err);
			if (rc == TS_OK && !spec.url)
				fail("validated webhook without a url", payload);
		}
		ts_webhook_spec_cleanup(&spec);
	} else {
		struct ts_message_spec spec;
		rc = ts_json_parse_message(payload, &spec, &err);
		if (rc == TS_OK)
			rc = ts_validate_message(&spec, &err);
		ts_message_spec_cleanup(&spec);
	}
	if (rc != TS_OK && !err.code[0])
		fail("payload error without a code", payload);
	return rc;
}

/* Runs both payload parsers on any payload object (whatever the action
 * says), for the code paths of headers, data and query values. */
static void exercise_payload(const char *payload)
{
	struct ts_webhook_spec spec;
	struct ts_message_spec msg;
	struct ts_error err;

	ts_error_clear(&err);
	if (ts_json_parse_webhook(payload, &spec, &err) == TS_OK) {
		if (spec.header_count && !spec.headers)
			fail("header count without headers", payload);
		if (spec.query_count && (!spec.query || !spec.data_json))
			fail("query fields without data", payload);
		for (size_t i = 0; i < spec.query_count; i++) {
			if (!spec.query[i].name || !spec.query[i].value)
				fail("query field without a name or value", payload);
		}
		ts_error_clear(&err);
		(void)ts_validate_webhook(&spec, &err);
		if (spec.url)
			(void)ts_validate_url(spec.url, &err);
		if (spec.method)
			(void)ts_validate_method(spec.method);
	} else if (spec.url || spec.method || spec.headers || spec.query || spec.data_json) {
		fail("failed webhook parse left fields set", payload);
	}
	ts_webhook_spec_cleanup(&spec);

	ts_error_clear(&err);
	if (ts_json_parse_message(payload, &msg, &err) == TS_OK) {
		ts_error_clear(&err);
		(void)ts_validate_message(&msg, &err);
	} else if (msg.recipient || msg.message) {
		fail("failed message parse left fields set", payload);
	} else if (strcmp(err.field, "payload") == 0) {
		/* The request parser checked it is an object. */
		fail("stored payload is not a JSON object", payload);
	}
	ts_message_spec_cleanup(&msg);
}

static bool v4_internal(const unsigned char a[4])
{
	return a[0] == 0 || a[0] == 10 || a[0] == 127 || a[0] >= 224 ||
	       (a[0] == 169 && a[1] == 254) || (a[0] == 172 && (a[1] & 0xf0) == 16) ||
	       (a[0] == 192 && a[1] == 168) || (a[0] == 100 && (a[1] & 0xc0) == 64);
}

/* Hosts that must be refused when the task is created: address literals
 * (in any spelling the resolver takes) of the ranges v4_internal names and
 * of ::, ::1, fc00::/7, fe80::/10, ff00::/8 and IPv4-mapped forms of those,
 * and localhost names. A subset of netguard.c's blocks, written apart. */
static bool oracle_internal(const char *host)
{
	static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	unsigned char a[16];
	struct in_addr in4;
	size_t len = strlen(host);

	if (inet_aton(host, &in4))
		return v4_internal((const unsigned char *)&in4);
	if (inet_pton(AF_INET6, host, a) == 1) {
		static const unsigned char zero[16] = { 0 };
		if (memcmp(a, zero, 15) == 0 && a[15] <= 1)            /* ::, ::1 */
			return true;
		if ((a[0] & 0xfe) == 0xfc || a[0] == 0xff ||          /* fc00::/7, ff00::/8 */
		    (a[0] == 0xfe && (a[1] & 0xc0) == 0x80))           /* fe80::/10 */
			return true;
		return memcmp(a, mapped, 12) == 0 && v4_internal(a + 12);
	}
	return strcasecmp(host, "localhost") == 0 || strcasecmp(host, "localhost.") == 0 ||
	       (len > 10 && strcasecmp(host + len - 10, ".localhost") == 0);
}

/* What handlers_tasks.c check_target() does with a validated webhook. */
static void check_target(const struct ts_task *task)
{
	struct ts_webhook_spec spec;
	struct ts_error err;
	char host[TS_NETGUARD_HOST_MAX + 1];

	if (task->action != TS_ACTION_WEBHOOK)
		return;
	ts_error_clear(&err);
	if (ts_json_parse_webhook(task->payload_json, &spec, &err) != TS_OK)
		fail("a validated webhook payload does not parse", task->payload_json);
	if (ts_validate_url_host(spec.url, host, sizeof(host))) {
		if (!host[0])
			fail("a validated URL has an empty host", spec.url);
		if (ts_netguard_check_host(&guard_default, host, &err) == TS_OK &&
		    oracle_internal(host))
			fail("an internal address passes the SSRF guard", spec.url);
		ts_error_clear(&err);
		(void)ts_netguard_check_host(&guard_demo, host, &err);
	} else if (strlen(spec.url) < sizeof(host)) {
		/* Only a host longer than the buffer may be refused. */
		fail("no host in a validated URL", spec.url);
	}
	ts_webhook_spec_cleanup(&spec);
}

static void check_task(const struct ts_task_request *req, const struct ts_task *task)
{
	char buf[TS_TIME_TEXT_MAX];

	if (!task->payload_json || strcmp(task->payload_json, req->payload_json) != 0)
		fail("stored payload differs from the request's", req->payload_json);
	if (task->max_attempts < 1 || task->max_attempts > TS_MAX_ATTEMPTS_LIMIT)
		fail("max_attempts out of range", NULL);
	if (!ts_time_format(task->run_at, buf)[0])
		fail("run_at cannot be formatted", req->run_at);
	if (task->recurrence == TS_RECUR_MONTHLY &&
	    (task->anchor_day < 1 || task->anchor_day > 31))
		fail("monthly anchor day out of range", req->run_at);
	if ((task->recurrence != TS_RECUR_NONE) != (req->recurrence != NULL))
		fail("recurrence differs from the request's", req->recurrence);
	if (executor_view(task->action, task->payload_json) != TS_OK)
		fail("the executor would reject a payload the API accepted",
		     task->payload_json);
	check_target(task);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *v = getenv("TS_FUZZ_STRICT_JSON");

	strict_json = v && strcmp(v, "1") == 0;
	v = getenv("TS_FUZZ_UNTERMINATED");
	unterminated = v && strcmp(v, "1") == 0;
	memset(&guard_default, 0, sizeof(guard_default));
	if (ts_netguard_parse(&guard_demo, "127.0.0.0/8, ::1 localhost", NULL) != TS_OK)
		fail("the allow-list of the demo does not parse", NULL);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ts_task_request req;
	struct ts_task task;
	struct ts_error err;
	/* The API hands the parser a NUL-terminated copy (fcgi.c read_body).
	 * The block has the exact size, so ASan's redzone starts right after
	 * the terminator, or right after the body when unterminated. */
	char *body = malloc(unterminated ? size + (size == 0) : size + 1);

	if (!body)
		return 0;
	if (size)
		memcpy(body, data, size);
	if (!unterminated)
		body[size] = '\0';

	bool utf8 = ts_utf8_valid(body, size);
	if (utf8 != oracle_utf8(data, size))
		fail(utf8 ? "ts_utf8_valid accepts ill-formed UTF-8"
			  : "ts_utf8_valid rejects well-formed UTF-8", NULL);

	ts_error_clear(&err);
	if (ts_json_parse_task_request(body, size, &req, &err) != TS_OK) {
		if (req.action || req.payload_json || req.run_at || req.recurrence ||
		    req.has_recurrence || req.has_max_attempts)
			fail("failed parse left fields set", NULL);
		if (!err.code[0] || err.status == TS_OK)
			fail("failed parse without an error code", NULL);
		goto out;
	}
	if (!utf8)
		fail("accepted a body that is not UTF-8", NULL);
	/* The payload is stored as text in a column with CHECK (JSON_VALID). */
	if (strict_json && req.payload_json &&
	    !oracle_json(req.payload_json, strlen(req.payload_json)))
		fail("the payload to be stored is not RFC 8259 JSON", req.payload_json);
	if (strict_json && !oracle_json(body, size))
		fail("accepted a body that is not RFC 8259 JSON", unterminated ? NULL : body);
	if (req.recurrence && !req.has_recurrence)
		fail("recurrence without has_recurrence", NULL);
	if (req.payload_json)
		exercise_payload(req.payload_json);

	ts_task_init(&task);
	ts_error_clear(&err);
	if (ts_validate_task_request(&req, &task, &err) == TS_OK) {
		check_task(&req, &task);
	} else if (!err.code[0] || err.status == TS_OK) {
		fail("failed validation without an error code", NULL);
	}
	ts_task_cleanup(&task);
out:
	ts_task_request_cleanup(&req);
	free(body);
	return 0;
}
