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
 * Two stricter modes, on unless their variable is 0 (see README.md):
 * - TS_FUZZ_STRICT_JSON: a body that is not RFC 8259 JSON must not be
 *   accepted, the payload text to be stored must be JSON, and a body
 *   refused as invalid_json must deserve it (judged by an oracle written
 *   apart from json_strict.c; cJSON alone is lenient: "01", "-.5", raw
 *   control characters in strings, any byte up to 0x20 as white space);
 * - TS_FUZZ_UNTERMINATED: the body is passed as json.h documents it, `len`
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

/* The oracle of RFC 8259, written from its grammar and apart from
 * json_strict.c on purpose: that file descends recursively, one function
 * per production; this one is a pushdown automaton that reads one byte at
 * a time, with the open containers on an explicit stack. Besides "is it
 * JSON" it reports what else decides whether the API may refuse it: the
 * nesting depth, whether the top value is an object, and whether a \u
 * escape leaves a UTF-16 surrogate unpaired (grammatical, but cJSON
 * refuses it, as RFC 8259 section 8.2 allows). */
struct verdict {
	bool json;
	bool object;
	bool lone_surrogate;
	int depth;              /* deepest nesting of containers */
};

enum state {
	S_VALUE,            /* a value must start (after ':' or ',' in an array) */
	S_VALUE_OR_CLOSE,   /* just after '[' */
	S_KEY,              /* a member name must start (after ',' in an object) */
	S_KEY_OR_CLOSE,     /* just after '{' */
	S_COLON,            /* after a member name */
	S_AFTER,            /* after a whole value */
	S_STRING,           /* inside a string */
	S_ESCAPE,           /* after a backslash */
	S_HEX,              /* inside \uXXXX */
	S_MINUS, S_ZERO, S_INT, S_DOT, S_FRAC, S_E, S_E_SIGN, S_EXP,
	S_WORD,             /* inside true, false or null */
};

#define ORACLE_STACK 4096

struct automaton {
	enum state st;
	char stack[ORACLE_STACK];   /* '{' or '[' of each open container */
	int top;
	bool in_key;                /* the string being read is a member name */
	const char *word;           /* the rest of true/false/null to match */
	unsigned hex, hex_digits;
	bool high_pending;          /* a high surrogate waits for its low half */
	bool low_expected;          /* this \u must be the low half */
	struct verdict *v;
};

static bool is_ws(unsigned char c)
{
	return c == 0x20 || c == 0x09 || c == 0x0a || c == 0x0d;
}

/* A value (scalar or container) has ended. */
static void value_done(struct automaton *a)
{
	a->st = S_AFTER;
}

/* Starts the value whose first byte is `c`; false when none starts so. */
static bool start_value(struct automaton *a, unsigned char c)
{
	switch (c) {
	case '{':
	case '[':
		if (a->top == ORACLE_STACK)
			return false;
		a->stack[a->top++] = (char)c;
		if (a->top > a->v->depth)
			a->v->depth = a->top;
		a->st = c == '{' ? S_KEY_OR_CLOSE : S_VALUE_OR_CLOSE;
		return true;
	case '"':
		a->in_key = false;
		a->st = S_STRING;
		return true;
	case '-':
		a->st = S_MINUS;
		return true;
	case '0':
		a->st = S_ZERO;
		return true;
	case 't':
		a->word = "rue";
		a->st = S_WORD;
		return true;
	case 'f':
		a->word = "alse";
		a->st = S_WORD;
		return true;
	case 'n':
		a->word = "ull";
		a->st = S_WORD;
		return true;
	default:
		if (c >= '1' && c <= '9') {
			a->st = S_INT;
			return true;
		}
		return false;
	}
}

/* Closes the innermost container with `c`; false when it does not match. */
static bool close_container(struct automaton *a, unsigned char c)
{
	if (a->top == 0 || a->stack[a->top - 1] != (c == '}' ? '{' : '['))
		return false;
	a->top--;
	value_done(a);
	return true;
}

/* Records the code unit of a finished \uXXXX for the surrogate check. */
static void code_unit(struct automaton *a)
{
	bool high = a->hex >= 0xd800 && a->hex <= 0xdbff;
	bool low = a->hex >= 0xdc00 && a->hex <= 0xdfff;

	if (a->low_expected != low)
		a->v->lone_surrogate = true;
	a->high_pending = high;
	a->low_expected = false;
}

/* Ends a number at `c` if the number may end here; then `c` is read again
 * as what follows the value. */
static bool number_end(struct automaton *a)
{
	if (a->st != S_ZERO && a->st != S_INT && a->st != S_FRAC && a->st != S_EXP)
		return false;
	value_done(a);
	return true;
}

static bool step_number(struct automaton *a, unsigned char c, bool *again)
{
	bool digit = c >= '0' && c <= '9';

	switch (a->st) {
	case S_MINUS:
		a->st = c == '0' ? S_ZERO : (digit ? S_INT : a->st);
		return digit;
	case S_ZERO:
	case S_INT:
		if (digit && a->st == S_INT)
			return true;
		if (c == '.') {
			a->st = S_DOT;
			return true;
		}
		if (c == 'e' || c == 'E') {
			a->st = S_E;
			return true;
		}
		break;
	case S_DOT:
		a->st = S_FRAC;
		return digit;
	case S_FRAC:
		if (digit)
			return true;
		if (c == 'e' || c == 'E') {
			a->st = S_E;
			return true;
		}
		break;
	case S_E:
		if (c == '+' || c == '-') {
			a->st = S_E_SIGN;
			return true;
		}
		a->st = S_EXP;
		return digit;
	case S_E_SIGN:
		a->st = S_EXP;
		return digit;
	case S_EXP:
		if (digit)
			return true;
		break;
	default:
		return false;
	}
	*again = true;
	return number_end(a);
}

static bool step_string(struct automaton *a, unsigned char c)
{
	switch (a->st) {
	case S_STRING:
		if (a->high_pending && c != '\\') {
			a->v->lone_surrogate = true;
			a->high_pending = false;
		}
		if (c == '"') {
			if (a->in_key)
				a->st = S_COLON;
			else
				value_done(a);
			return true;
		}
		if (c == '\\')
			a->st = S_ESCAPE;
		return c >= 0x20;
	case S_ESCAPE:
		if (c == 'u') {
			a->low_expected = a->high_pending;
			a->high_pending = false;
			a->hex = 0;
			a->hex_digits = 0;
			a->st = S_HEX;
			return true;
		}
		if (a->high_pending) {
			a->v->lone_surrogate = true;
			a->high_pending = false;
		}
		a->st = S_STRING;
		return c == '"' || c == '\\' || c == '/' || c == 'b' || c == 'f' || c == 'n' ||
		       c == 'r' || c == 't';
	case S_HEX: {
		int d = c >= '0' && c <= '9' ? c - '0'
			: c >= 'a' && c <= 'f' ? c - 'a' + 10
			: c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
		if (d < 0)
			return false;
		a->hex = a->hex * 16 + (unsigned)d;
		if (++a->hex_digits == 4) {
			code_unit(a);
			a->st = S_STRING;
		}
		return true;
	}
	default:
		return false;
	}
}

/* Reads one byte; false when the text cannot be JSON any more. */
static bool step(struct automaton *a, unsigned char c)
{
	bool again = false;

	switch (a->st) {
	case S_VALUE:
		return is_ws(c) || start_value(a, c);
	case S_VALUE_OR_CLOSE:
		return is_ws(c) || (c == ']' ? close_container(a, c) : start_value(a, c));
	case S_KEY_OR_CLOSE:
		if (c == '}')
			return close_container(a, c);
		/* fall through */
	case S_KEY:
		if (is_ws(c))
			return true;
		if (c != '"')
			return false;
		a->in_key = true;
		a->st = S_STRING;
		return true;
	case S_COLON:
		if (c == ':')
			a->st = S_VALUE;
		return is_ws(c) || c == ':';
	case S_AFTER:
		if (is_ws(c))
			return true;
		if (a->top == 0)
			return false;
		if (c == ',') {
			a->st = a->stack[a->top - 1] == '{' ? S_KEY : S_VALUE;
			return true;
		}
		return (c == '}' || c == ']') && close_container(a, c);
	case S_STRING:
	case S_ESCAPE:
	case S_HEX:
		return step_string(a, c);
	case S_WORD:
		if (c != (unsigned char)*a->word)
			return false;
		if (!*++a->word)
			value_done(a);
		return true;
	default:
		if (!step_number(a, c, &again))
			return false;
		return again ? step(a, c) : true;
	}
}

static void oracle_json(const char *s, size_t len, struct verdict *v)
{
	static struct automaton a;   /* 4 KiB of stack: kept off the C stack */
	size_t i = 0;

	memset(v, 0, sizeof(*v));
	memset(&a, 0, sizeof(a));
	a.st = S_VALUE;
	a.v = v;
	while (i < len && is_ws((unsigned char)s[i]))
		i++;
	v->object = i < len && s[i] == '{';
	for (; i < len; i++) {
		if (!step(&a, (unsigned char)s[i]))
			return;
	}
	if (a.high_pending)
		v->lone_surrogate = true;
	v->json = (a.st == S_AFTER || number_end(&a)) && a.top == 0;
}

static bool is_json(const char *s, size_t len)
{
	struct verdict v;

	oracle_json(s, len, &v);
	return v.json;
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

/* A body refused as invalid_json must have deserved it: not UTF-8, not
 * JSON, not an object, nested too deep, or holding an unpaired surrogate
 * escape. */
static void check_refusal(const char *body, size_t size, bool utf8)
{
	struct verdict v;

	oracle_json(body, size, &v);
	if (utf8 && v.json && v.object && !v.lone_surrogate && v.depth <= TS_JSON_MAX_DEPTH)
		fail("refused RFC 8259 JSON as invalid_json", unterminated ? NULL : body);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *v = getenv("TS_FUZZ_STRICT_JSON");

	/* Both on unless set to 0 (README.md, "Stricter modes"). */
	strict_json = !v || strcmp(v, "0") != 0;
	v = getenv("TS_FUZZ_UNTERMINATED");
	unterminated = !v || strcmp(v, "0") != 0;
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
		if (strict_json && strcmp(err.code, "invalid_json") == 0)
			check_refusal(body, size, utf8);
		goto out;
	}
	if (!utf8)
		fail("accepted a body that is not UTF-8", NULL);
	/* The payload is stored as text in a column with CHECK (JSON_VALID). */
	if (strict_json && req.payload_json &&
	    !is_json(req.payload_json, strlen(req.payload_json)))
		fail("the payload to be stored is not RFC 8259 JSON", req.payload_json);
	if (strict_json && !is_json(body, size))
		fail("accepted a body that is not RFC 8259 JSON", unterminated ? NULL : body);
	if (req.recurrence && !req.has_recurrence)
		fail("recurrence without has_recurrence", NULL);
	if (req.payload_json)
		exercise_payload(req.payload_json);

	ts_task_init(&task);
	ts_error_clear(&err);
	if (ts_validate_task_request(&req, &task, NULL, &err) == TS_OK) {
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
