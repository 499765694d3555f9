/* json_patch.h -- JSON merge patch (RFC 7396), and what a PATCH of a task
 * makes of it: the POST /tasks body that is then validated as a POST. */
#ifndef TS_JSON_PATCH_H
#define TS_JSON_PATCH_H

#include <stdbool.h>
#include <stddef.h>

#include "errors.h"
#include "task.h"

/* Applies the merge patch `patch` (`patch_len` bytes of JSON) to the JSON
 * document `target` (`target_len` bytes) as RFC 7396 section 2 says: an
 * object patch merges member by member, null removing a member, any other
 * patch replaces the target. Numbers keep the text they were written with.
 * On success *out is the result, compact (free with free()). Fails with
 * "invalid_json" when either input is not UTF-8 JSON (RFC 8259). */
enum ts_err ts_json_merge_patch(const char *target, size_t target_len, const char *patch,
				size_t patch_len, char **out, struct ts_error *err);

/* What a PATCH of a task asks for. `body` (owned) is the task's changeable
 * fields as a POST /tasks body, with the patch merged in: the caller
 * validates it exactly as a POST. */
struct ts_task_patch {
	char *body;
	size_t body_len;
	bool sets_max_attempts;  /* the patch names max_attempts */
	bool keeps_payload;      /* the payload is the same JSON as before */
};

/* Merges the patch `patch` (`len` bytes, a JSON object) into `task`'s
 * representation without its read-only fields. A member that is not a
 * field of a task fails with "unknown_field", a field that cannot change
 * (task_id, action, status, attempts, created_at, updated_at,
 * parent_task_id, error_message) with "read_only_field", each naming the
 * field; a patch that is not a JSON object with "invalid_json". Fields a
 * POST may leave out are left out of the body when the task has no value
 * for them (null) or the one a new task has by default (ts_task_init), as
 * is max_attempts when the patch does not name it (a redriven task may
 * have more than a POST allows). On failure `out` is empty; otherwise
 * release it with ts_task_patch_cleanup(). */
enum ts_err ts_json_patch_task(const struct ts_task *task, const char *patch, size_t len,
			       struct ts_task_patch *out, struct ts_error *err);
void ts_task_patch_cleanup(struct ts_task_patch *p);

#endif
