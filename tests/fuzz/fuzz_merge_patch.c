/* fuzz_merge_patch.c -- libFuzzer harness for JSON merge patch
 * (json_patch.c): ts_json_merge_patch on an arbitrary target and patch, and
 * ts_json_patch_task of the patch on a fixed task.
 *
 * The input is the target, a NUL byte, then the patch (without a NUL, the
 * whole input is the patch of "{}"). Besides crashes and leaks it aborts
 * when
 * - an input that is not UTF-8 strict JSON (RFC 8259) is accepted, or a
 *   refusal is not the documented "invalid_json" with no output;
 * - an accepted merge is not UTF-8 strict JSON;
 * - merging the same patch into the result again changes it (a merge patch
 *   is idempotent, RFC 7396);
 * - a patch of the task is refused with an undocumented code, or gives a
 *   body that is not a strict JSON object without the read-only fields. */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_patch.h"
#include "json_strict.h"
#include "utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what, const char *target, const char *patch)
{
	fprintf(stderr, "fuzz_merge_patch: invariant broken: %s\n  target: %.300s\n  patch: %.300s\n",
		what, target, patch);
	abort();
}

static bool valid(const char *s, size_t len)
{
	return ts_utf8_valid(s, len) && ts_json_strict_valid(s, len);
}

static void check_merge(const char *target, size_t tlen, const char *patch, size_t plen)
{
	struct ts_error err;
	char *out = NULL, *again = NULL;

	ts_error_clear(&err);
	if (ts_json_merge_patch(target, tlen, patch, plen, &out, &err) != TS_OK) {
		if (out || (err.status == TS_ERR_INVALID && strcmp(err.code, "invalid_json") != 0))
			fail("refused with output or an undocumented code", target, patch);
		return;
	}
	/* cJSON refuses some strict JSON (a lone surrogate escape), never the
	 * other way round. */
	if (!valid(target, tlen) || !valid(patch, plen))
		fail("accepted input that is not strict UTF-8 JSON", target, patch);
	if (!valid(out, strlen(out)))
		fail("the result is not strict UTF-8 JSON", target, patch);
	if (ts_json_merge_patch(out, strlen(out), patch, plen, &again, &err) != TS_OK)
		fail("the result cannot be merged again", target, patch);
	if (strcmp(out, again) != 0)
		fail("merging the patch twice changed the result", target, patch);
	free(out);
	free(again);
}

/* True when the object in the `len` bytes at `body` has a member called
 * `name` (plain ASCII, so its literal is written without escapes). */
static bool has_member(const char *body, size_t len, const char *name)
{
	struct ts_json_strict_members it;
	struct ts_json_strict_member m;
	size_t n = strlen(name);

	if (!ts_json_strict_members_init(&it, body, len))
		return false;
	while (ts_json_strict_members_next(&it, &m))
		if (m.name_len == n + 2 && memcmp(m.name + 1, name, n) == 0)
			return true;
	return false;
}

static void check_task_patch(const char *patch, size_t plen)
{
	static const char *const codes[] = { "invalid_json", "read_only_field", "unknown_field" };
	static const char *const read_only[] = {
		"task_id", "status", "attempts", "created_at", "updated_at", "parent_task_id",
	};
	struct ts_task task;
	struct ts_task_patch out;
	struct ts_error err;
	bool known = false;

	ts_task_init(&task);
	strcpy(task.id, "0b7d6c3e-2f1a-4c5b-9d8e-7f6a5b4c3d2e");
	task.action = TS_ACTION_WEBHOOK;
	task.payload_json = strdup("{\"url\":\"https://example.com/\",\"data\":{\"n\":1}}");
	task.recurrence = TS_RECUR_DAILY;
	if (!task.payload_json)
		abort();
	ts_error_clear(&err);
	if (ts_json_patch_task(&task, patch, plen, &out, &err) != TS_OK) {
		for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
			known = known || strcmp(err.code, codes[i]) == 0;
		if (out.body || (err.status == TS_ERR_INVALID && !known))
			fail("task patch refused with output or an undocumented code", "", patch);
	} else {
		if (!valid(out.body, out.body_len) || out.body[0] != '{')
			fail("task patch body is not a strict JSON object", out.body, patch);
		for (size_t i = 0; i < sizeof(read_only) / sizeof(read_only[0]); i++)
			if (has_member(out.body, out.body_len, read_only[i]))
				fail("task patch body has a read-only field", out.body, patch);
		ts_task_patch_cleanup(&out);
	}
	ts_task_cleanup(&task);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *nul = memchr(data, 0, size);
	size_t tlen = nul ? (size_t)(nul - (const char *)data) : 2;
	size_t plen = nul ? size - tlen - 1 : size;
	/* NUL-terminated copies, so a failure message can print them. */
	char *target = malloc(tlen + 1), *patch = malloc(plen + 1);

	if (!target || !patch)
		abort();
	memcpy(target, nul ? (const char *)data : "{}", tlen);
	target[tlen] = '\0';
	memcpy(patch, nul ? nul + 1 : (const char *)data, plen);
	patch[plen] = '\0';
	check_merge(target, tlen, patch, plen);
	check_task_patch(patch, plen);
	free(target);
	free(patch);
	return 0;
}
