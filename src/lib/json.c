/* json.c -- JSON mapping: request bodies and payloads in, response bodies
 * and the database layer's batch rows out (cJSON). This is the only file
 * that includes cJSON; json_task.c writes the tasks' own text. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "json.h"
#include "json_strict.h"
#include "task.h"
#include "utf8.h"

/* Finds, in the JSON object `text`, the member that
 * cJSON_GetObjectItemCaseSensitive(obj, key) returns for the same text:
 * the first whose name, decoded by cJSON itself, is `key`. (A name may be
 * spelled with escapes, and a duplicate may follow; matching the spelling
 * would let a later value pass for the one that was checked.) Returns
 * TS_OK with `*m` set, TS_ERR_NOT_FOUND when there is none or `text` is not
 * strict JSON, or TS_ERR_NOMEM. */
static enum ts_err chosen_member(const char *text, size_t len, const char *key,
				 struct ts_json_strict_member *m)
{
	struct ts_json_strict_members it;
	size_t key_len = strlen(key);

	if (!ts_json_strict_members_init(&it, text, len))
		return TS_ERR_NOT_FOUND;
	while (ts_json_strict_members_next(&it, m)) {
		/* A name without escapes is its own text between the quotes:
		 * no decoding needed (nearly every name a client writes). */
		if (!memchr(m->name, '\\', m->name_len)) {
			if (m->name_len == key_len + 2 && memcmp(m->name + 1, key, key_len) == 0)
				return TS_OK;
			continue;
		}
		/* cJSON parsed the whole text already: failing on a part of
		 * it means memory ran out. */
		cJSON *name = cJSON_ParseWithLength(m->name, m->name_len);
		if (!name)
			return TS_ERR_NOMEM;
		bool match = strcmp(name->valuestring, key) == 0;
		cJSON_Delete(name);
		if (match)
			return TS_OK;
	}
	return TS_ERR_NOT_FOUND;
}

/* The text of `item`, member `key` of the object `text`, exactly as the
 * client wrote it (cJSON would re-print numbers as doubles, changing
 * integers past 2^53); re-printed only when `text` is not strict JSON.
 * NULL on no memory. */
static char *item_text(const char *text, size_t len, const char *key, const cJSON *item)
{
	struct ts_json_strict_member m;
	enum ts_err rc = chosen_member(text, len, key, &m);
	char *out;

	if (rc == TS_ERR_NOMEM)
		return NULL;
	if (rc != TS_OK)
		return cJSON_PrintUnformatted(item);
	out = malloc(m.value_len + 1);
	if (out) {
		memcpy(out, m.value, m.value_len);
		out[m.value_len] = '\0';
	}
	return out;
}

static enum ts_err invalid_field(struct ts_error *err, const char *field, const char *what)
{
	return ts_error_set(err, TS_ERR_INVALID, "invalid_field", field,
			    "Invalid field %s: %s", field, what);
}

/* Copies a string member into *out; absent leaves *out NULL. */
static enum ts_err take_string(const cJSON *obj, const char *name, const char *field,
			       char **out, struct ts_error *err)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, name);

	*out = NULL;
	if (!item)
		return TS_OK;
	if (!cJSON_IsString(item))
		return invalid_field(err, field, "must be a string");
	*out = strdup(item->valuestring);
	if (!*out)
		return ts_error_set(err, TS_ERR_NOMEM, "internal", NULL, "out of memory");
	return TS_OK;
}

static enum ts_err take_number(const cJSON *obj, const char *name, const char *field,
			       bool *present, double *out, struct ts_error *err)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, name);

	*present = item != NULL;
	if (!item)
		return TS_OK;
	if (!cJSON_IsNumber(item))
		return invalid_field(err, field, "must be a number");
	*out = item->valuedouble;
	return TS_OK;
}

static cJSON *parse_body(const char *body, size_t len, struct ts_error *err)
{
	cJSON *root;

	if (!ts_utf8_valid(body, len)) {
		ts_error_set(err, TS_ERR_INVALID, "invalid_json", NULL,
			     "Request body is not valid UTF-8");
		return NULL;
	}
	if (!ts_json_strict_valid(body, len)) {
		ts_error_set(err, TS_ERR_INVALID, "invalid_json", NULL,
			     "Request body is not valid JSON (RFC 8259), or is nested deeper "
			     "than %d levels", TS_JSON_MAX_DEPTH);
		return NULL;
	}
	root = cJSON_ParseWithLength(body, len);
	if (!root) {
		ts_error_set(err, TS_ERR_INVALID, "invalid_json", NULL,
			     "Request body is not valid JSON");
		return NULL;
	}
	if (!cJSON_IsObject(root)) {
		cJSON_Delete(root);
		ts_error_set(err, TS_ERR_INVALID, "invalid_json", NULL,
			     "Request body must be a JSON object");
		return NULL;
	}
	return root;
}

void ts_task_request_cleanup(struct ts_task_request *req)
{
	if (!req)
		return;
	free(req->action);
	free(req->payload_json);
	cJSON_Delete(req->payload_tree);
	free(req->run_at);
	free(req->recurrence);
	free(req->cron);
	free(req->timezone);
	free(req->ends_at);
	free(req->dst_gap);
	free(req->dst_repeat);
	free(req->catch_up);
	free(req->on_failure_json);
	memset(req, 0, sizeof(*req));
}

/* The schedule's string fields; JSON null is the same as absent. */
static enum ts_err take_schedule(const cJSON *root, struct ts_task_request *req,
				 struct ts_error *err)
{
	const struct {
		const char *name;
		char **out;
	} fields[] = {
		{ "cron", &req->cron }, { "timezone", &req->timezone },
		{ "ends_at", &req->ends_at }, { "dst_gap", &req->dst_gap },
		{ "dst_repeat", &req->dst_repeat }, { "catch_up", &req->catch_up },
	};

	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		if (cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(root, fields[i].name)))
			continue;
		enum ts_err rc = take_string(root, fields[i].name, fields[i].name,
					     fields[i].out, err);
		if (rc)
			return rc;
	}
	return TS_OK;
}

enum ts_err ts_json_parse_task_request(const char *body, size_t len,
				       struct ts_task_request *req,
				       struct ts_error *err)
{
	enum ts_err rc;
	const cJSON *item;
	cJSON *root, *payload;

	memset(req, 0, sizeof(*req));
	root = parse_body(body, len, err);
	if (!root)
		return TS_ERR_INVALID;

	rc = take_string(root, "action", "action", &req->action, err);
	if (rc)
		goto out;
	payload = cJSON_GetObjectItemCaseSensitive(root, "payload");
	if (payload) {
		if (!cJSON_IsObject(payload)) {
			rc = invalid_field(err, "payload", "must be a JSON object");
			goto out;
		}
		req->payload_json = item_text(body, len, "payload", payload);
		if (!req->payload_json) {
			rc = ts_error_set(err, TS_ERR_NOMEM, "internal", NULL, "out of memory");
			goto out;
		}
		/* The member cJSON_GetObjectItemCaseSensitive found, the one
		 * whose text item_text took. */
		req->payload_tree = cJSON_DetachItemViaPointer(root, payload);
	}
	rc = take_string(root, "run_at", "run_at", &req->run_at, err);
	if (rc)
		goto out;
	item = cJSON_GetObjectItemCaseSensitive(root, "recurrence");
	if (item) {
		req->has_recurrence = true;
		if (!cJSON_IsNull(item)) {
			rc = take_string(root, "recurrence", "recurrence", &req->recurrence, err);
			if (rc)
				goto out;
		}
	}
	rc = take_number(root, "max_attempts", "max_attempts", &req->has_max_attempts,
			 &req->max_attempts, err);
	if (rc == TS_OK)
		rc = take_schedule(root, req, err);
	if (rc)
		goto out;
	item = cJSON_GetObjectItemCaseSensitive(root, "on_failure");
	if (item && !cJSON_IsNull(item)) {
		if (!cJSON_IsObject(item)) {
			rc = invalid_field(err, "on_failure",
					   "must be an object with \"url\" and \"headers\", or null");
			goto out;
		}
		req->on_failure_json = item_text(body, len, "on_failure", item);
		if (!req->on_failure_json)
			rc = ts_error_set(err, TS_ERR_NOMEM, "internal", NULL, "out of memory");
	}
out:
	cJSON_Delete(root);
	if (rc)
		ts_task_request_cleanup(req);
	return rc;
}

/* The text a query parameter carries for a JSON value: strings as they
 * are, other scalars as JSON prints them, containers as compact JSON. */
static char *query_value_text(const cJSON *v)
{
	if (cJSON_IsString(v))
		return strdup(v->valuestring);
	if (cJSON_IsNull(v))
		return strdup("");
	/* A whole number in int range, the usual case, without a print
	 * buffer: cJSON_PrintUnformatted writes it with "%1.15g", the same
	 * digits as "%d" (but "-0" for negative zero, left to cJSON). */
	if (cJSON_IsNumber(v) && v->valuedouble == (double)v->valueint &&
	    !(v->valueint == 0 && signbit(v->valuedouble))) {
		char buf[16];
		snprintf(buf, sizeof(buf), "%d", v->valueint);
		return strdup(buf);
	}
	return cJSON_PrintUnformatted(v);
}

/* Refuses a header whose name or value holds U+0000 ("a\u0000b"): cJSON
 * hands out C strings, which would cut it at the NUL, so only the text can
 * tell. Checked here, as the value is read; validate.c checks what a C
 * string can show (length, line breaks). Walks the written members of the
 * `headers` object cJSON chose alongside its items, which are in the same
 * order. */
static enum ts_err check_header_nul(const char *object, const char *payload_json,
				    const cJSON *headers, struct ts_error *err)
{
	char field[32];
	struct ts_json_strict_member m;
	struct ts_json_strict_members it;
	const cJSON *h;
	enum ts_err rc = chosen_member(payload_json, strlen(payload_json), "headers", &m);

	if (rc == TS_ERR_NOMEM)
		return ts_error_set(err, TS_ERR_NOMEM, "internal", NULL, "out of memory");
	if (rc != TS_OK || !ts_json_strict_members_init(&it, m.value, m.value_len))
		return invalid_field(err, object, "must be a JSON object");
	snprintf(field, sizeof(field), "%s.headers", object);
	cJSON_ArrayForEach(h, headers) {
		if (!ts_json_strict_members_next(&it, &m))
			return invalid_field(err, object, "must be a JSON object");
		if (ts_json_strict_string_has_nul(m.name, m.name_len))
			return ts_error_set(err, TS_ERR_INVALID, "invalid_field", field,
					    "Invalid field %s: '%.64s' is not a valid "
					    "header name", field, h->string);
		if (ts_json_strict_string_has_nul(m.value, m.value_len))
			return ts_error_set(err, TS_ERR_INVALID, "invalid_field", field,
					    "Invalid field %s: the value of '%.64s' "
					    "contains a NUL character", field, h->string);
	}
	return TS_OK;
}

/* The "headers" member of the object `object` ("payload", "on_failure"),
 * whose text is `payload_json`: an object of strings, into a new array
 * *out of *count pairs (webhook, on_failure and amqp). */
static enum ts_err parse_headers(const char *object, const char *payload_json,
				 const cJSON *headers, struct ts_kv **out, size_t *count,
				 struct ts_error *err)
{
	const cJSON *h;
	int n = cJSON_GetArraySize(headers);
	char field[32];
	enum ts_err rc;

	snprintf(field, sizeof(field), "%s.headers", object);
	if (!cJSON_IsObject(headers))
		return invalid_field(err, field, "must be an object of strings");
	if (n == 0)
		return TS_OK;
	cJSON_ArrayForEach(h, headers) {
		if (!cJSON_IsString(h))
			return invalid_field(err, field, "every header value must be a string");
	}
	rc = check_header_nul(object, payload_json, headers, err);
	if (rc)
		return rc;
	*out = calloc((size_t)n, sizeof(**out));
	if (!*out)
		return ts_error_set(err, TS_ERR_NOMEM, "internal", NULL, "out of memory");
	cJSON_ArrayForEach(h, headers) {
		struct ts_kv *kv = &(*out)[(*count)++];
		kv->name = strdup(h->string);
		kv->value = strdup(h->valuestring);
		if (!kv->name || !kv->value)
			return ts_error_set(err, TS_ERR_NOMEM, "internal", NULL, "out of memory");
	}
	return TS_OK;
}

static enum ts_err parse_data(const char *payload_json, const cJSON *data,
			      struct ts_webhook_spec *spec, struct ts_error *err)
{
	const cJSON *field;

	spec->data_json = item_text(payload_json, strlen(payload_json), "data", data);
	if (!spec->data_json)
		return ts_error_set(err, TS_ERR_NOMEM, "internal", NULL, "out of memory");
	if (!cJSON_IsObject(data))
		return TS_OK;
	int n = cJSON_GetArraySize(data);
	if (n == 0)
		return TS_OK;
	spec->query = calloc((size_t)n, sizeof(*spec->query));
	if (!spec->query)
		return ts_error_set(err, TS_ERR_NOMEM, "internal", NULL, "out of memory");
	cJSON_ArrayForEach(field, data) {
		struct ts_kv *kv = &spec->query[spec->query_count++];
		kv->name = strdup(field->string);
		kv->value = query_value_text(field);
		if (!kv->name || !kv->value)
			return ts_error_set(err, TS_ERR_NOMEM, "internal", NULL, "out of memory");
	}
	return TS_OK;
}

enum ts_err ts_json_read_webhook(const cJSON *root, const char *payload_json,
				 struct ts_webhook_spec *spec, struct ts_error *err)
{
	enum ts_err rc;
	const cJSON *item;

	memset(spec, 0, sizeof(*spec));
	if (!cJSON_IsObject(root)) {
		rc = invalid_field(err, "payload", "must be a JSON object");
		goto out;
	}
	rc = take_string(root, "url", "payload.url", &spec->url, err);
	if (rc)
		goto out;
	rc = take_string(root, "method", "payload.method", &spec->method, err);
	if (rc)
		goto out;
	item = cJSON_GetObjectItemCaseSensitive(root, "headers");
	if (item && !cJSON_IsNull(item)) {
		rc = parse_headers("payload", payload_json, item, &spec->headers,
				   &spec->header_count, err);
		if (rc)
			goto out;
	}
	item = cJSON_GetObjectItemCaseSensitive(root, "data");
	if (item) {
		rc = parse_data(payload_json, item, spec, err);
		if (rc)
			goto out;
	}
	rc = take_number(root, "timeout_ms", "payload.timeout_ms", &spec->has_timeout,
			 &spec->timeout_ms, err);
out:
	if (rc)
		ts_webhook_spec_cleanup(spec);
	return rc;
}

enum ts_err ts_json_parse_webhook(const char *payload_json, struct ts_webhook_spec *spec,
				  struct ts_error *err)
{
	cJSON *root = cJSON_Parse(payload_json);
	enum ts_err rc = ts_json_read_webhook(root, payload_json, spec, err);

	cJSON_Delete(root);
	return rc;
}

enum ts_err ts_json_parse_notice_target(const char *on_failure_json,
					struct ts_webhook_spec *spec, struct ts_error *err)
{
	enum ts_err rc = TS_OK;
	const cJSON *item;
	cJSON *root = cJSON_Parse(on_failure_json);

	memset(spec, 0, sizeof(*spec));
	if (!cJSON_IsObject(root)) {
		rc = invalid_field(err, "on_failure", "must be a JSON object");
		goto out;
	}
	/* Only where to send it: the method is POST and the body the notice. */
	cJSON_ArrayForEach(item, root) {
		if (strcmp(item->string, "url") != 0 && strcmp(item->string, "headers") != 0) {
			rc = ts_error_set(err, TS_ERR_INVALID, "invalid_field", "on_failure",
					  "Invalid field on_failure: '%.64s' is not one of url, "
					  "headers", item->string);
			goto out;
		}
	}
	rc = take_string(root, "url", "on_failure.url", &spec->url, err);
	if (rc)
		goto out;
	item = cJSON_GetObjectItemCaseSensitive(root, "headers");
	if (item && !cJSON_IsNull(item))
		rc = parse_headers("on_failure", on_failure_json, item, &spec->headers,
				   &spec->header_count, err);
out:
	cJSON_Delete(root);
	if (rc)
		ts_webhook_spec_cleanup(spec);
	return rc;
}

enum ts_err ts_json_read_message(const cJSON *root, const char *payload_json,
				 struct ts_message_spec *spec, struct ts_error *err)
{
	enum ts_err rc;

	(void)payload_json; /* no member of a message is kept as text */
	memset(spec, 0, sizeof(*spec));
	if (!cJSON_IsObject(root)) {
		rc = invalid_field(err, "payload", "must be a JSON object");
		goto out;
	}
	rc = take_string(root, "recipient", "payload.recipient", &spec->recipient, err);
	if (rc)
		goto out;
	rc = take_string(root, "message", "payload.message", &spec->message, err);
out:
	if (rc)
		ts_message_spec_cleanup(spec);
	return rc;
}

enum ts_err ts_json_parse_message(const char *payload_json, struct ts_message_spec *spec,
				  struct ts_error *err)
{
	cJSON *root = cJSON_Parse(payload_json);
	enum ts_err rc = ts_json_read_message(root, payload_json, spec, err);

	cJSON_Delete(root);
	return rc;
}

/* "to": an array of strings. */
static enum ts_err parse_recipients(const cJSON *to, struct ts_email_spec *spec,
				    struct ts_error *err)
{
	const cJSON *item;
	int n = cJSON_GetArraySize(to);

	spec->has_to = true;
	if (!cJSON_IsArray(to))
		return invalid_field(err, "payload.to", "must be an array of addresses");
	if (n == 0)
		return TS_OK;
	spec->to = calloc((size_t)n, sizeof(*spec->to));
	if (!spec->to)
		return ts_error_set(err, TS_ERR_NOMEM, "internal", NULL, "out of memory");
	cJSON_ArrayForEach(item, to) {
		if (!cJSON_IsString(item))
			return invalid_field(err, "payload.to", "every address must be a string");
		if (!(spec->to[spec->to_count++] = strdup(item->valuestring)))
			return ts_error_set(err, TS_ERR_NOMEM, "internal", NULL, "out of memory");
	}
	return TS_OK;
}

enum ts_err ts_json_read_amqp(const cJSON *root, const char *payload_json,
			      struct ts_amqp_spec *spec, struct ts_error *err)
{
	enum ts_err rc;
	const cJSON *item;

	memset(spec, 0, sizeof(*spec));
	spec->persistent = true;
	if (!cJSON_IsObject(root)) {
		rc = invalid_field(err, "payload", "must be a JSON object");
		goto out;
	}
	rc = take_string(root, "broker", "payload.broker", &spec->broker, err);
	if (!rc)
		rc = take_string(root, "exchange", "payload.exchange", &spec->exchange, err);
	if (!rc)
		rc = take_string(root, "routing_key", "payload.routing_key", &spec->routing_key, err);
	item = cJSON_GetObjectItemCaseSensitive(root, "headers");
	if (!rc && item && !cJSON_IsNull(item))
		rc = parse_headers("payload", payload_json, item, &spec->headers,
				   &spec->header_count, err);
	item = cJSON_GetObjectItemCaseSensitive(root, "body");
	if (!rc && item &&
	    !(spec->body_json = item_text(payload_json, strlen(payload_json), "body", item)))
		rc = ts_error_set(err, TS_ERR_NOMEM, "internal", NULL, "out of memory");
	item = cJSON_GetObjectItemCaseSensitive(root, "persistent");
	if (!rc && item) {
		if (cJSON_IsBool(item))
			spec->persistent = cJSON_IsTrue(item);
		else
			rc = invalid_field(err, "payload.persistent", "must be true or false");
	}
out:
	if (rc)
		ts_amqp_spec_cleanup(spec);
	return rc;
}

enum ts_err ts_json_parse_amqp(const char *payload_json, struct ts_amqp_spec *spec,
			       struct ts_error *err)
{
	cJSON *root = cJSON_Parse(payload_json);
	enum ts_err rc = ts_json_read_amqp(root, payload_json, spec, err);

	cJSON_Delete(root);
	return rc;
}

enum ts_err ts_json_read_email(const cJSON *root, const char *payload_json,
			       struct ts_email_spec *spec, struct ts_error *err)
{
	enum ts_err rc;
	const cJSON *to;

	(void)payload_json; /* no member of an email is kept as text */
	memset(spec, 0, sizeof(*spec));
	if (!cJSON_IsObject(root)) {
		rc = invalid_field(err, "payload", "must be a JSON object");
		goto out;
	}
	to = cJSON_GetObjectItemCaseSensitive(root, "to");
	rc = to ? parse_recipients(to, spec, err) : TS_OK;
	if (!rc)
		rc = take_string(root, "subject", "payload.subject", &spec->subject, err);
	if (!rc)
		rc = take_string(root, "text", "payload.text", &spec->text, err);
	if (!rc)
		rc = take_string(root, "html", "payload.html", &spec->html, err);
	if (!rc)
		rc = take_string(root, "reply_to", "payload.reply_to", &spec->reply_to, err);
out:
	if (rc)
		ts_email_spec_cleanup(spec);
	return rc;
}

enum ts_err ts_json_parse_email(const char *payload_json, struct ts_email_spec *spec,
				struct ts_error *err)
{
	cJSON *root = cJSON_Parse(payload_json);
	enum ts_err rc = ts_json_read_email(root, payload_json, spec, err);

	cJSON_Delete(root);
	return rc;
}

/* Adds a string member, or null when `value` is NULL or empty. */
static bool add_string_or_null(cJSON *obj, const char *name, const char *value)
{
	if (value && *value)
		return cJSON_AddStringToObject(obj, name, value) != NULL;
	return cJSON_AddNullToObject(obj, name) != NULL;
}

static bool add_time(cJSON *obj, const char *name, ts_time_us t)
{
	char buf[TS_TIME_TEXT_MAX];

	return cJSON_AddStringToObject(obj, name, ts_time_format(t, buf)) != NULL;
}

/* The task's object (json_task.c writes it), as an item of a larger
 * cJSON tree. */
static cJSON *task_to_json(const struct ts_task *t)
{
	char *text = ts_json_task_object(t);
	cJSON *raw = text ? cJSON_CreateRaw(text) : NULL;

	free(text);
	return raw;
}

/* Prints `root` compactly and deletes it; NULL in, NULL out. */
static char *print_and_delete(cJSON *root)
{
	char *text = root ? cJSON_PrintUnformatted(root) : NULL;

	cJSON_Delete(root);
	return text;
}

static cJSON *occurrences_to_json(const struct ts_occurrence *occ, size_t count)
{
	cJSON *arr = cJSON_CreateArray();

	for (size_t i = 0; arr && i < count; i++) {
		char local[TS_SCHEDULE_LOCAL_MAX];
		cJSON *o = cJSON_CreateObject();
		if (!o || !cJSON_AddItemToArray(arr, o) || !add_time(o, "at", occ[i].at) ||
		    !cJSON_AddStringToObject(o, "local", ts_schedule_format_local(
						     occ[i].at, occ[i].offset, local)) ||
		    !add_string_or_null(o, "dst", ts_dst_flag_name(occ[i].dst))) {
			cJSON_Delete(arr);
			return NULL;
		}
	}
	return arr;
}

char *ts_json_occurrences(const struct ts_occurrence *occ, size_t count)
{
	cJSON *root = cJSON_CreateObject();
	cJSON *arr = occurrences_to_json(occ, count);

	if (!root || !arr || !cJSON_AddItemToObject(root, "occurrences", arr)) {
		cJSON_Delete(root);
		cJSON_Delete(arr);
		return NULL;
	}
	return print_and_delete(root);
}

char *ts_json_task_dry_run(const struct ts_task *task, const struct ts_occurrence *occ,
			   size_t count)
{
	cJSON *root = cJSON_CreateObject();
	cJSON *t = task_to_json(task);
	cJSON *arr = occurrences_to_json(occ, count);

	if (!root || !t || !arr || !cJSON_AddItemToObject(root, "task", t)) {
		cJSON_Delete(root);
		cJSON_Delete(t);
		cJSON_Delete(arr);
		return NULL;
	}
	if (!cJSON_AddItemToObject(root, "occurrences", arr)) {
		cJSON_Delete(root);
		cJSON_Delete(arr);
		return NULL;
	}
	return print_and_delete(root);
}

static cJSON *run_to_json(const struct ts_run *r)
{
	cJSON *obj = cJSON_CreateObject();

	if (!obj || !cJSON_AddNumberToObject(obj, "attempt", r->attempt) ||
	    !add_time(obj, "started_at", r->started_at) ||
	    !(r->finished_at ? add_time(obj, "finished_at", r->finished_at)
			     : cJSON_AddNullToObject(obj, "finished_at") != NULL) ||
	    !cJSON_AddStringToObject(obj, "outcome", ts_run_outcome_name(r->outcome)) ||
	    !(r->http_status ? cJSON_AddNumberToObject(obj, "http_status", r->http_status) != NULL
			     : cJSON_AddNullToObject(obj, "http_status") != NULL) ||
	    !add_string_or_null(obj, "error", r->error) ||
	    !(r->excerpt ? cJSON_AddStringToObject(obj, "response_excerpt", r->excerpt) != NULL
			 : cJSON_AddNullToObject(obj, "response_excerpt") != NULL) ||
	    !add_string_or_null(obj, "executor_id", r->executor_id)) {
		cJSON_Delete(obj);
		return NULL;
	}
	return obj;
}

char *ts_json_failure_notice(const struct ts_task *task, const struct ts_run *last_run)
{
	cJSON *root = cJSON_CreateObject();
	cJSON *t = task_to_json(task);
	cJSON *r = run_to_json(last_run);

	if (!root || !t || !r || !cJSON_AddStringToObject(root, "event", "task.failed")) {
		cJSON_Delete(r);
		cJSON_Delete(t);
		cJSON_Delete(root);
		return NULL;
	}
	/* Once added, an item belongs to root. */
	if (!cJSON_AddItemToObject(root, "task", t)) {
		cJSON_Delete(t);
		cJSON_Delete(r);
		cJSON_Delete(root);
		return NULL;
	}
	if (!cJSON_AddItemToObject(root, "last_run", r)) {
		cJSON_Delete(r);
		cJSON_Delete(root);
		return NULL;
	}
	return print_and_delete(root);
}

char *ts_json_run_list(const struct ts_run *runs, size_t count)
{
	cJSON *root = cJSON_CreateObject();
	cJSON *list = cJSON_AddArrayToObject(root, "runs");

	if (!root || !list)
		goto fail;
	for (size_t i = 0; i < count; i++) {
		cJSON *r = run_to_json(&runs[i]);
		if (!r || !cJSON_AddItemToArray(list, r)) {
			cJSON_Delete(r);
			goto fail;
		}
	}
	return print_and_delete(root);
fail:
	cJSON_Delete(root);
	return NULL;
}

char *ts_json_error(const struct ts_error *err)
{
	cJSON *root = cJSON_CreateObject();

	if (!root || !cJSON_AddStringToObject(root, "error", err->message) ||
	    !cJSON_AddStringToObject(root, "code", err->code[0] ? err->code : "internal") ||
	    (err->field[0] && !cJSON_AddStringToObject(root, "field", err->field))) {
		cJSON_Delete(root);
		return NULL;
	}
	return print_and_delete(root);
}

char *ts_json_string_member(const char *key, const char *value)
{
	cJSON *root = cJSON_CreateObject();

	if (!root || !cJSON_AddStringToObject(root, key, value)) {
		cJSON_Delete(root);
		return NULL;
	}
	return print_and_delete(root);
}

char *ts_json_count_member(const char *key, size_t n)
{
	cJSON *root = cJSON_CreateObject();

	if (!root || !cJSON_AddNumberToObject(root, key, (double)n)) {
		cJSON_Delete(root);
		return NULL;
	}
	return print_and_delete(root);
}

struct ts_json_rows {
	cJSON *array;
	cJSON *current;
};

struct ts_json_rows *ts_json_rows_new(void)
{
	struct ts_json_rows *rows = calloc(1, sizeof(*rows));

	if (!rows)
		return NULL;
	rows->array = cJSON_CreateArray();
	if (!rows->array) {
		free(rows);
		return NULL;
	}
	return rows;
}

bool ts_json_rows_add(struct ts_json_rows *rows)
{
	cJSON *obj = cJSON_CreateObject();

	if (!obj || !cJSON_AddItemToArray(rows->array, obj)) {
		cJSON_Delete(obj);
		return false;
	}
	rows->current = obj;
	return true;
}

bool ts_json_rows_str(struct ts_json_rows *rows, const char *key, const char *value)
{
	if (!value)
		return cJSON_AddNullToObject(rows->current, key) != NULL;
	return cJSON_AddStringToObject(rows->current, key, value) != NULL;
}

bool ts_json_rows_int(struct ts_json_rows *rows, const char *key, long long value)
{
	return cJSON_AddNumberToObject(rows->current, key, (double)value) != NULL;
}

char *ts_json_rows_print(const struct ts_json_rows *rows)
{
	return cJSON_PrintUnformatted(rows->array);
}

void ts_json_rows_free(struct ts_json_rows *rows)
{
	if (!rows)
		return;
	cJSON_Delete(rows->array);
	free(rows);
}

void ts_json_batch_cleanup(struct ts_json_batch *batch)
{
	if (!batch)
		return;
	free(batch->text);
	free(batch->items);
	memset(batch, 0, sizeof(*batch));
}

/* Finds where each of the `count` elements of the array in batch->text
 * (one strictly valid JSON array, as cJSON parsed it) begins and ends. */
static enum ts_err split_array(struct ts_json_batch *batch, size_t count, struct ts_error *err)
{
	struct ts_json_strict_elements it;
	bool ok = ts_json_strict_elements_init(&it, batch->text, strlen(batch->text));

	batch->items = calloc(count, sizeof(*batch->items));
	if (!batch->items)
		return ts_error_set(err, TS_ERR_NOMEM, "internal", NULL, "out of memory");
	for (size_t i = 0; ok && i < count; i++)
		ok = ts_json_strict_elements_next(&it, &batch->items[i].text, &batch->items[i].len);
	if (!ok)
		return ts_error_set(err, TS_ERR_INTERNAL, "internal", NULL,
				    "a batch element could not be delimited");
	batch->count = count;
	return TS_OK;
}

enum ts_err ts_json_parse_batch(const char *body, size_t len, size_t max_items,
				struct ts_json_batch *batch, struct ts_error *err)
{
	enum ts_err rc = TS_OK;
	const cJSON *tasks;
	cJSON *root;
	int n;

	memset(batch, 0, sizeof(*batch));
	root = parse_body(body, len, err);
	if (!root)
		return TS_ERR_INVALID;
	tasks = cJSON_GetObjectItemCaseSensitive(root, "tasks");
	n = cJSON_GetArraySize(tasks);
	if (!tasks)
		rc = ts_error_set(err, TS_ERR_INVALID, "missing_field", "tasks",
				  "Missing required field: tasks");
	else if (!cJSON_IsArray(tasks) || n < 1 || (size_t)n > max_items)
		rc = ts_error_set(err, TS_ERR_INVALID, "invalid_field", "tasks",
				  "Invalid field tasks: must be an array of 1 to %zu tasks",
				  max_items);
	else if (!(batch->text = item_text(body, len, "tasks", tasks)))
		rc = ts_error_set(err, TS_ERR_NOMEM, "internal", NULL, "out of memory");
	else
		rc = split_array(batch, (size_t)n, err);
	cJSON_Delete(root);
	if (rc)
		ts_json_batch_cleanup(batch);
	return rc;
}

/* {"index", "error", "code", "field"} of one rejected element. */
static cJSON *item_error_to_json(const struct ts_json_item_error *e)
{
	cJSON *obj = cJSON_CreateObject();

	if (!obj || !cJSON_AddNumberToObject(obj, "index", (double)e->index) ||
	    !cJSON_AddStringToObject(obj, "error", e->err.message) ||
	    !cJSON_AddStringToObject(obj, "code", e->err.code[0] ? e->err.code : "internal") ||
	    !add_string_or_null(obj, "field", e->err.field)) {
		cJSON_Delete(obj);
		return NULL;
	}
	return obj;
}

char *ts_json_batch_error(const char *message, const struct ts_json_item_error *items,
			  size_t count)
{
	cJSON *root = cJSON_CreateObject();
	cJSON *list;

	if (!root || !cJSON_AddStringToObject(root, "error", message) ||
	    !cJSON_AddStringToObject(root, "code", "invalid_batch") ||
	    !(list = cJSON_AddArrayToObject(root, "items")))
		goto fail;
	for (size_t i = 0; i < count; i++) {
		cJSON *e = item_error_to_json(&items[i]);
		if (!e || !cJSON_AddItemToArray(list, e)) {
			cJSON_Delete(e);
			goto fail;
		}
	}
	return print_and_delete(root);
fail:
	cJSON_Delete(root);
	return NULL;
}
