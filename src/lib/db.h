/* db.h -- everything tasksched stores, behind one MariaDB connection. */
#ifndef TS_DB_H
#define TS_DB_H

#include <stdbool.h>
#include <stddef.h>

#include "conf.h"
#include "cursor.h"
#include "errors.h"
#include "task.h"

/* One connection and its prepared statements. Not thread-safe: one per
 * process (or thread). It connects lazily, and after the server went away
 * it drops the connection, fails the call with TS_ERR_UNAVAILABLE and
 * connects again on the next call, so callers never reconnect by hand. */
struct ts_db;

/* Allocates a handle for the settings in `conf` (copied). Does not connect.
 * Free with ts_db_free(), which accepts NULL. */
enum ts_err ts_db_new(const struct ts_conf *conf, struct ts_db **out, struct ts_error *err);
void ts_db_free(struct ts_db *db);

/* Connects if not connected, and checks the server answers. */
enum ts_err ts_db_ping(struct ts_db *db, struct ts_error *err);

/* Stores a new task. The caller fills action, payload_json, run_at,
 * recurrence, anchor_day and max_attempts; this sets id, status,
 * created_at and updated_at. With `idem_key` (may be NULL) the insert is
 * idempotent: when the key was already used with the same `body`, `task`
 * is replaced by the task stored then and *replayed is set; with a
 * different body it fails with TS_ERR_CONFLICT ("idempotency_key_mismatch"). */
enum ts_err ts_db_task_insert(struct ts_db *db, struct ts_task *task,
			      const char *idem_key, const char *body, size_t body_len,
			      bool *replayed, struct ts_error *err);

/* Reads one task by id into `task` (initialized by the caller; clean it up
 * afterwards either way). TS_ERR_NOT_FOUND when there is none. */
enum ts_err ts_db_task_get(struct ts_db *db, const char *id, struct ts_task *task,
			   struct ts_error *err);

/* What GET /tasks asks for. */
struct ts_task_filter {
	bool has_status;
	enum ts_task_status status;
	bool has_cursor;
	struct ts_cursor after;   /* start after this (run_at, id) */
	unsigned limit;           /* 1..1000 */
};

/* Lists tasks ordered by (run_at, id). On success *tasks is a heap array
 * of *count tasks (free with ts_task_array_free). *has_more tells whether
 * another page follows. */
enum ts_err ts_db_task_list(struct ts_db *db, const struct ts_task_filter *filter,
			    struct ts_task **tasks, size_t *count, bool *has_more,
			    struct ts_error *err);
void ts_task_array_free(struct ts_task *tasks, size_t count);

/* Deletes a task and its run history. TS_ERR_NOT_FOUND when unknown,
 * TS_ERR_CONFLICT ("task_running") while an executor holds it. */
enum ts_err ts_db_task_delete(struct ts_db *db, const char *id, struct ts_error *err);

/* Applies the numbered migrations in `sql_dir` ("NNN_name.sql") that the
 * schema_version table does not list yet, in order, under a named lock so
 * concurrent runs wait for each other. *from and *to (may be NULL) receive
 * the versions before and after. */
enum ts_err ts_db_migrate(struct ts_db *db, const char *sql_dir, int *from, int *to,
			  struct ts_error *err);

#endif
