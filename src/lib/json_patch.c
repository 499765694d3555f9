/* json_patch.c -- JSON merge patch (RFC 7396), and what a PATCH of a task
 * makes of it: the POST /tasks body that is then validated as a POST. One
 * of the json*.c files, the only ones that include cJSON. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "json.h"
#include "json_patch.h"
#include "json_strict.h"
#include "utf8.h"

/* Fields of a task object a patch cannot change. Those that are no input
 * of a POST either are left out of the body the patch is merged into. */
static const struct {
	const char *name;
	bool input;
} read_only[] = {
	{ "task_id", false },
	{ "action", true },
	{ "status", false },
	{ "attempts", false },
	{ "created_at", false },
	{ "updated_at", false },
	{ "parent_task_id", false },
	{ "error_message", false },
};

/* Fields a POST requires: kept in the body whatever their value. */
static const char *const required[] = { "action", "payload", "run_at" };

static const char *skip_ws(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	return p;
}

/* The end of the string that starts at `p` (its opening quote). */
static const char *skip_string(const char *p)
{
	for (p++; *p != '"'; p++) {
		if (*p == '\\')
			p++;
	}
	return p + 1;
}

/* Walks the text `*pp` that `item` was parsed from, in step with it, and
 * turns every number into a raw item holding the number as written: cJSON
 * keeps numbers as doubles and would print 2^53 + 1 as something else.
 * The text is known to be strict JSON (checked before parsing), and cJSON
 * keeps every member, duplicates included, in the order written. Returns
 * false when memory ran out. */
static bool keep_numbers(cJSON *item, const char **pp)
{
	const char *p = skip_ws(*pp);

	if (cJSON_IsNumber(item)) {
		size_t n = strspn(p, "+-.0123456789eE");
		char *text = malloc(n + 1);
		if (!text)
			return false;
		memcpy(text, p, n);
		text[n] = '\0';
		item->type = cJSON_Raw;
		item->valuestring = text;
		p += n;
	} else if (cJSON_IsString(item)) {
		p = skip_string(p);
	} else if (cJSON_IsObject(item) || cJSON_IsArray(item)) {
		bool object = cJSON_IsObject(item);
		p++;
		for (cJSON *c = item->child; c; c = c->next) {
			p = skip_ws(p);
			if (*p == ',')
				p = skip_ws(p + 1);
			if (object)
				p = skip_ws(skip_string(p)) + 1; /* the key and ':' */
			if (!keep_numbers(c, &p))
				return false;
		}
		p = skip_ws(p) + 1;
	} else {
		p += cJSON_IsFalse(item) ? 5 : 4; /* false; true, null */
	}
	*pp = p;
	return true;
}

/* Parses `len` bytes of strict JSON (UTF-8, RFC 8259) into a tree whose
 * numbers are raw text. `what` names the input in the error. */
static enum ts_err parse_exact(const char *text, size_t len, const char *what, cJSON **out,
			       struct ts_error *err)
{
	cJSON *root;
	const char *p = text;

	*out = NULL;
	if (!ts_utf8_valid(text, len) || !ts_json_strict_valid(text, len))
		return ts_error_set(err, TS_ERR_INVALID, "invalid_json", NULL,
				    "%s is not valid UTF-8 JSON (RFC 8259), or is nested "
				    "deeper than %d levels", what, TS_JSON_MAX_DEPTH);
	root = cJSON_ParseWithLength(text, len);
	if (!root)
		return ts_error_set(err, TS_ERR_INVALID, "invalid_json", NULL,
				    "%s is not valid JSON", what);
	if (!keep_numbers(root, &p)) {
		cJSON_Delete(root);
		return ts_error_set(err, TS_ERR_NOMEM, "internal", NULL, "out of memory");
	}
	*out = root;
	return TS_OK;
}

/* Removes every member `name` of `obj` (a stored document may repeat one). */
static void delete_member(cJSON *obj, const char *name)
{
	while (cJSON_GetObjectItemCaseSensitive(obj, name))
		cJSON_DeleteItemFromObjectCaseSensitive(obj, name);
}

static bool merge_object(cJSON *target, const cJSON *patch);

/* MergePatch(undefined or a non-object, patch): a copy of a non-object
 * patch, or the patch object merged into an empty one (so nulls inside it
 * vanish). NULL when memory ran out. */
static cJSON *merged_value(const cJSON *patch)
{
	cJSON *value;

	if (!cJSON_IsObject(patch))
		return cJSON_Duplicate(patch, true);
	value = cJSON_CreateObject();
	if (value && !merge_object(value, patch)) {
		cJSON_Delete(value);
		value = NULL;
	}
	return value;
}

/* MergePatch(target, patch) for an object patch and an object target,
 * changing `target` in place; members keep their places. */
static bool merge_object(cJSON *target, const cJSON *patch)
{
	for (const cJSON *m = patch->child; m; m = m->next) {
		cJSON *cur = cJSON_GetObjectItemCaseSensitive(target, m->string);
		cJSON *value;

		if (cJSON_IsNull(m)) {
			delete_member(target, m->string);
			continue;
		}
		if (cJSON_IsObject(m) && cJSON_IsObject(cur)) {
			if (!merge_object(cur, m))
				return false;
			continue;
		}
		value = merged_value(m);
		if (!value)
			return false;
		if (cur ? !cJSON_ReplaceItemInObjectCaseSensitive(target, m->string, value)
			: !cJSON_AddItemToObject(target, m->string, value)) {
			cJSON_Delete(value);
			return false;
		}
	}
	return true;
}

/* Prints `root` compactly into *out (and its length into *len when not
 * NULL); fails only when memory ran out. */
static enum ts_err print_to(const cJSON *root, char **out, size_t *len, struct ts_error *err)
{
	*out = cJSON_PrintUnformatted(root);
	if (!*out)
		return ts_error_set(err, TS_ERR_NOMEM, "internal", NULL, "out of memory");
	if (len)
		*len = strlen(*out);
	return TS_OK;
}

enum ts_err ts_json_merge_patch(const char *target, size_t target_len, const char *patch,
				size_t patch_len, char **out, struct ts_error *err)
{
	cJSON *t = NULL, *p = NULL, *result = NULL;
	enum ts_err rc;

	*out = NULL;
	rc = parse_exact(target, target_len, "The target document", &t, err);
	if (rc == TS_OK)
		rc = parse_exact(patch, patch_len, "The merge patch", &p, err);
	if (rc)
		goto out;
	if (cJSON_IsObject(p) && cJSON_IsObject(t)) {
		if (!merge_object(t, p))
			rc = ts_error_set(err, TS_ERR_NOMEM, "internal", NULL, "out of memory");
		result = t;
	} else {
		result = merged_value(p);
		if (!result)
			rc = ts_error_set(err, TS_ERR_NOMEM, "internal", NULL, "out of memory");
	}
	if (rc == TS_OK)
		rc = print_to(result, out, NULL, err);
out:
	if (result != t)
		cJSON_Delete(result);
	cJSON_Delete(t);
	cJSON_Delete(p);
	return rc;
}

/* Refuses a patch member that is no field of the task object `task`, or
 * one that cannot change. */
static enum ts_err check_members(const cJSON *task, const cJSON *patch, struct ts_error *err)
{
	for (const cJSON *m = patch->child; m; m = m->next) {
		for (size_t i = 0; i < sizeof(read_only) / sizeof(read_only[0]); i++) {
			if (strcmp(m->string, read_only[i].name) == 0)
				return ts_error_set(err, TS_ERR_INVALID, "read_only_field",
						    m->string, "Field %s cannot be changed",
						    m->string);
		}
		if (!cJSON_GetObjectItemCaseSensitive(task, m->string))
			return ts_error_set(err, TS_ERR_INVALID, "unknown_field", m->string,
					    "Unknown field %.60s: a task has no such field",
					    m->string);
	}
	return TS_OK;
}

/* The task object of `task`, parsed. */
static enum ts_err task_object(const struct ts_task *task, cJSON **out, struct ts_error *err)
{
	char *text = ts_json_task_one(task);
	cJSON *root = NULL, *obj;
	enum ts_err rc;

	*out = NULL;
	if (!text)
		return ts_error_set(err, TS_ERR_NOMEM, "internal", NULL, "out of memory");
	rc = parse_exact(text, strlen(text), "The stored task", &root, err);
	free(text);
	if (rc)
		return rc;
	obj = cJSON_DetachItemFromObjectCaseSensitive(root, "task");
	cJSON_Delete(root);
	if (!cJSON_IsObject(obj)) {
		cJSON_Delete(obj);
		return ts_error_set(err, TS_ERR_INTERNAL, "internal", NULL,
				    "a task's representation has no task object");
	}
	*out = obj;
	return TS_OK;
}

static bool is_required(const char *name)
{
	for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++) {
		if (strcmp(name, required[i]) == 0)
			return true;
	}
	return false;
}

/* Makes a task object a POST body: without the fields that are no input,
 * and without those a POST may leave out and that hold null or the value
 * of `blank`, a task as ts_task_init() leaves it (max_attempts 3, a time
 * zone of UTC ...). Absent, null and the default mean the same to a POST,
 * but some defaults are refused when given (a zone on a one-off task). */
static void task_to_body(cJSON *obj, const cJSON *blank)
{
	for (size_t i = 0; i < sizeof(read_only) / sizeof(read_only[0]); i++) {
		if (!read_only[i].input)
			delete_member(obj, read_only[i].name);
	}
	for (cJSON *m = obj->child, *next; m; m = next) {
		next = m->next;
		if (cJSON_IsNull(m) ||
		    (!is_required(m->string) &&
		     cJSON_Compare(m, cJSON_GetObjectItemCaseSensitive(blank, m->string), true)))
			cJSON_Delete(cJSON_DetachItemViaPointer(obj, m));
	}
}

void ts_task_patch_cleanup(struct ts_task_patch *p)
{
	if (!p)
		return;
	free(p->body);
	memset(p, 0, sizeof(*p));
}

enum ts_err ts_json_patch_task(const struct ts_task *task, const char *patch, size_t len,
			       struct ts_task_patch *out, struct ts_error *err)
{
	cJSON *p = NULL, *body = NULL, *payload = NULL, *blank = NULL;
	struct ts_task empty;
	enum ts_err rc;

	memset(out, 0, sizeof(*out));
	ts_task_init(&empty);
	rc = parse_exact(patch, len, "Request body", &p, err);
	if (rc == TS_OK && !cJSON_IsObject(p))
		rc = ts_error_set(err, TS_ERR_INVALID, "invalid_json", NULL,
				  "Request body must be a JSON object (a merge patch of the task)");
	if (rc == TS_OK)
		rc = task_object(task, &body, err);
	if (rc == TS_OK)
		rc = check_members(body, p, err);
	if (rc == TS_OK)
		rc = task_object(&empty, &blank, err);
	if (rc)
		goto out;
	task_to_body(body, blank);
	out->sets_max_attempts = cJSON_GetObjectItemCaseSensitive(p, "max_attempts") != NULL;
	if (!out->sets_max_attempts)
		delete_member(body, "max_attempts");
	payload = cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(body, "payload"), true);
	if (!payload || !merge_object(body, p))
		rc = ts_error_set(err, TS_ERR_NOMEM, "internal", NULL, "out of memory");
	/* Same JSON, same stored text: a patch that changes nothing in it must
	 * not rewrite the payload as cJSON prints it. */
	out->keeps_payload = rc == TS_OK &&
		cJSON_Compare(payload, cJSON_GetObjectItemCaseSensitive(body, "payload"), true);
	if (rc == TS_OK)
		rc = print_to(body, &out->body, &out->body_len, err);
out:
	cJSON_Delete(p);
	cJSON_Delete(body);
	cJSON_Delete(payload);
	cJSON_Delete(blank);
	if (rc)
		ts_task_patch_cleanup(out);
	return rc;
}
