/* db.h -- everything tasksched stores, behind one MariaDB connection: the
 * public face of src/lib/db/. */
#ifndef TS_DB_H
#define TS_DB_H

#include <stdbool.h>
#include <stddef.h>

#include "conf.h"
#include "cursor.h"
#include "errors.h"
#include "metrics.h"
#include "task.h"

/* One connection and its prepared statements. Not thread-safe: one per
 * process (or thread). It connects lazily; a call whose old connection the
 * server had closed, or that lost a deadlock, is repeated by the db layer
 * itself (db/txn.c). After the server went away it drops the connection,
 * fails the call with TS_ERR_UNAVAILABLE and connects again on the next
 * call, so callers never reconnect or retry by hand. */
struct ts_db;

/* Allocates a handle for the settings in `conf` (copied). Does not connect.
 * Free with ts_db_free(), which accepts NULL. */
enum ts_err ts_db_new(const struct ts_conf *conf, struct ts_db **out, struct ts_error *err);
void ts_db_free(struct ts_db *db);

/* Connects if not connected, and checks the server answers. */
enum ts_err ts_db_ping(struct ts_db *db, struct ts_error *err);

/* Whether `err` is a TS_ERR_UNAVAILABLE that is contention, not an outage:
 * the call kept losing to other transactions (deadlocks, Galera
 * certification failures, a lock wait timeout), changed nothing, and may
 * well succeed if made again shortly. */
bool ts_db_error_is_busy(const struct ts_error *err);

/* Every call that names a tenant sees only that tenant's tasks: another
 * tenant's task is "not found", never "forbidden", so ids do not leak. */

/* Stores a new task of `tenant`. The caller fills action, payload_json, run_at,
 * recurrence, anchor_day and max_attempts; this sets id, status,
 * created_at and updated_at. With `idem_key` (may be NULL) the insert is
 * idempotent: when the key was already used with the same `body`, `task`
 * is replaced by the task stored then and *replayed is set; with a
 * different body it fails with TS_ERR_CONFLICT ("idempotency_key_mismatch"). */
enum ts_err ts_db_task_insert(struct ts_db *db, const char *tenant, struct ts_task *task,
			      const char *idem_key, const char *body, size_t body_len,
			      bool *replayed, struct ts_error *err);

/* Stores the `count` new tasks of `tenant` (filled by the caller as for
 * ts_db_task_insert, which sets the same fields here) all or none, in one
 * transaction of multi-row inserts. With `idem_key` (may be NULL) the
 * whole batch is idempotent: when the key was already used with the same
 * `body`, each of `tasks` is replaced by the task stored then, in the same
 * order, and *replayed is set; a key used with another body, or whose
 * tasks have since been deleted, fails with TS_ERR_CONFLICT. */
enum ts_err ts_db_task_insert_batch(struct ts_db *db, const char *tenant, struct ts_task *tasks,
				    size_t count, const char *idem_key, const char *body,
				    size_t body_len, bool *replayed, struct ts_error *err);

/* Reads one of `tenant`'s tasks by id into `task` (initialized by the
 * caller; clean it up afterwards either way). TS_ERR_NOT_FOUND when there
 * is none, or it belongs to another tenant. */
enum ts_err ts_db_task_get(struct ts_db *db, const char *tenant, const char *id,
			   struct ts_task *task, struct ts_error *err);

/* What GET /tasks asks for. */
struct ts_task_filter {
	const char *tenant;       /* only this tenant's tasks */
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

/* Deletes a task and its run history. TS_ERR_NOT_FOUND when unknown,
 * TS_ERR_CONFLICT ("task_running") while an executor holds it. */
enum ts_err ts_db_task_delete(struct ts_db *db, const char *tenant, const char *id,
			      struct ts_error *err);

/* Lists the attempts of task `id` (struct ts_run, task.h), oldest first.
 * TS_ERR_NOT_FOUND when the task does not exist. Free with
 * ts_run_array_free(). */
enum ts_err ts_db_runs_list(struct ts_db *db, const char *tenant, const char *id,
			    struct ts_run **runs, size_t *count, struct ts_error *err);

/* Puts a failed task back to "scheduled", due now, with max_attempts more
 * attempts (numbering goes on, so receivers never see an attempt number
 * twice). `task` receives the updated task. TS_ERR_NOT_FOUND when unknown,
 * TS_ERR_CONFLICT ("task_not_failed") unless the task is failed. */
enum ts_err ts_db_task_retry(struct ts_db *db, const char *tenant, const char *id,
			     struct ts_task *task, struct ts_error *err);

/* A change to one task, decided while its row is locked: `task` holds the
 * task as stored; the function changes it in place and sets *changed when
 * there is something to write, or fails (nothing is written then). It may
 * run more than once (see ts_db_task_change), on a fresh read each time,
 * so it changes nothing outside `task` and *changed. */
typedef enum ts_err ts_db_change_fn(struct ts_task *task, bool *changed, void *ctx,
				    struct ts_error *err);

/* Changes task `id` of `tenant` in one transaction: locks its row (SELECT
 * ... FOR UPDATE, so no claim slips in), lets `change` decide, and when it
 * changed something writes payload, run_at, status, recurrence,
 * anchor_day and max_attempts, moves updated_at on (strictly) and due_at
 * to run_at when run_at moved. `task` (initialized by the caller; clean it
 * up either way) receives the task as it then is. TS_ERR_NOT_FOUND when
 * unknown; otherwise the change's own failure, with nothing written. */
enum ts_err ts_db_task_change(struct ts_db *db, const char *tenant, const char *id,
			      ts_db_change_fn *change, void *ctx, struct ts_task *task,
			      struct ts_error *err);

/* Redrives up to `limit` of `tenant`'s failed tasks whose run_at is before
 * `before`, oldest first, as ts_db_task_retry does one; *retried counts
 * them. One statement: all or none of the batch changes. */
enum ts_err ts_db_task_retry_failed(struct ts_db *db, const char *tenant, ts_time_us before,
				    unsigned limit, size_t *retried, struct ts_error *err);

/* --- the executor's side --- */

/* Claims up to `limit` tasks that are due (status scheduled, due_at <=
 * NOW(6)), oldest due first, skipping rows other executors hold locked: in
 * one short transaction they become "running", attempts + 1, leased to
 * `executor_id` for `lease_seconds`. The transaction is committed before
 * this returns, so no lock is held across network I/O. *tasks is a heap
 * array (ts_task_array_free); each task's `attempts` is this attempt's
 * number. After the commit the rows are read again, and only those the
 * node shows as leased to `executor_id` are returned: *not_ours counts
 * the others (on Galera, rows another node's claim won although this
 * COMMIT succeeded; see claim.c). */
enum ts_err ts_db_claim_due(struct ts_db *db, const char *executor_id, unsigned limit,
			    unsigned lease_seconds, struct ts_task **tasks, size_t *count,
			    size_t *not_ours, struct ts_error *err);

/* The earliest due_at of a scheduled task (*found false when none), and
 * the server's clock, so the caller can sleep exactly until then. */
enum ts_err ts_db_next_due(struct ts_db *db, bool *found, ts_time_us *due_in_us,
			   struct ts_error *err);

/* How one attempt ended, as the executor reports it. */
struct ts_task_result {
	const struct ts_task *task;     /* the claimed task (not owned) */
	enum ts_run_outcome outcome;
	int http_status;                /* 0 when there was no response */
	const char *error;              /* NULL when none */
	const char *excerpt;            /* response excerpt; NULL when none */
	ts_time_us started_at, finished_at;
	ts_time_us retry_at;            /* for TS_RUN_RETRY: when to try again */
	bool sent;                      /* a webhook request went out: started_at to
					 * finished_at is its duration (metrics) */
};

/* Records attempts and moves their tasks on, in one transaction: a run row
 * per result; completed, failed, or back to scheduled at retry_at while
 * attempts remain; and for a recurring task that is done (completed or
 * failed for good) its next occurrence, at most one per occurrence. A task
 * is only changed while its lease is still `executor_id`'s (fencing); the
 * attempt's run row is kept either way. *applied counts the tasks changed. */
enum ts_err ts_db_finish(struct ts_db *db, const char *executor_id,
			 const struct ts_task_result *results, size_t count,
			 size_t *applied, struct ts_error *err);

/* Gives back claimed tasks that were never started (on shutdown): they are
 * scheduled again, due now, and the attempt is not counted. */
enum ts_err ts_db_release(struct ts_db *db, const char *executor_id,
			  const struct ts_task *tasks, size_t count, struct ts_error *err);

/* Extends the lease of every task `executor_id` holds by `lease_seconds`
 * from now; a live executor calls it well within each lease, so its tasks
 * never look abandoned however long they wait or run. */
enum ts_err ts_db_renew_leases(struct ts_db *db, const char *executor_id,
			       unsigned lease_seconds, size_t *renewed, struct ts_error *err);

/* Finds up to `limit` running tasks whose lease expired (their executor
 * died) and treats each as a lost attempt: retried now while attempts
 * remain, failed otherwise. *reaped counts the tasks handled. */
enum ts_err ts_db_reap_expired(struct ts_db *db, unsigned limit, size_t *reaped,
			       struct ts_error *err);

/* --- failure notices (on_failure) --- */

/* A notice to send: queued when its task failed (ts_db_finish), claimed by
 * one executor at a time. */
struct ts_notice {
	unsigned long long id;
	char task_id[TS_ID_TEXT_MAX];
	int attempt;             /* the attempt that failed the task */
	int tries;               /* this one included */
	char *target_json;       /* owned; the task's on_failure */
	char *body;              /* owned; the JSON to POST */
};

/* Frees `count` notices of the heap array `notices` and the array; NULL is
 * allowed. */
void ts_notice_array_free(struct ts_notice *notices, size_t count);

/* Claims up to `limit` due notices for `owner` for `lease_seconds` (an
 * executor that dies leaves them due again then). *notices is a heap array
 * (ts_notice_array_free). */
enum ts_err ts_db_notices_claim(struct ts_db *db, const char *owner, unsigned limit,
				unsigned lease_seconds, struct ts_notice **notices,
				size_t *count, struct ts_error *err);

/* The notice was delivered: it is forgotten. */
enum ts_err ts_db_notice_delivered(struct ts_db *db, const char *owner,
				   const struct ts_notice *notice, struct ts_error *err);

/* The notice is to be tried again in `delay_ms`. */
enum ts_err ts_db_notice_again(struct ts_db *db, const char *owner,
			       const struct ts_notice *notice, int64_t delay_ms,
			       struct ts_error *err);

/* Why a notice could not be delivered, for its task's runs. */
struct ts_notice_failure {
	int http_status;          /* 0 without an answer */
	const char *error;
	ts_time_us started_at, finished_at;
};

/* The notice is given up: forgotten, and recorded on its task's runs as a
 * failed run of the attempt that failed the task, with `failure->error`. */
enum ts_err ts_db_notice_give_up(struct ts_db *db, const char *owner,
				 const struct ts_notice *notice,
				 const struct ts_notice_failure *failure, struct ts_error *err);

/* --- metrics (GET /metrics) --- */

/* Notes that an executor starts a run now (the server's clock), for
 * tasksched_executor_last_run_timestamp_seconds. */
enum ts_err ts_db_metrics_mark_run(struct ts_db *db, struct ts_error *err);

/* Reads everything a scrape reports into `s` (caller-owned): counts by
 * status, the due backlog and its oldest wait, the counters, the last run.
 * A bounded number of indexed queries, whatever the size of tasks. */
enum ts_err ts_db_metrics_read(struct ts_db *db, struct ts_metrics_snapshot *s,
			       struct ts_error *err);

/* --- retention (prune.c) --- */

/* What pruning removed, or would remove. */
struct ts_prune_counts {
	unsigned long long tasks, runs, keys;
};

/* One bounded step of retention, each part its own short transaction:
 * up to `limit` tasks of any tenant that are completed or failed and
 * finished more than `days` days ago (run_at and updated_at both before
 * then; none when `days` is 0) with all their runs, then up to `limit`
 * Idempotency-Keys older than a day (a retry later than that creates a
 * new task). What went is added to *counts; *more tells whether either
 * part found as many as `limit`, i.e. whether more is due now. Scheduled,
 * running and paused tasks are never touched, so neither is the pending
 * occurrence of a series; rows another transaction holds are skipped. */
enum ts_err ts_db_prune_step(struct ts_db *db, unsigned days, unsigned limit,
			     struct ts_prune_counts *counts, bool *more, struct ts_error *err);

/* Counts what pruning with `days` (0: no tasks) would delete now, without
 * deleting anything. */
enum ts_err ts_db_prune_count(struct ts_db *db, unsigned days, struct ts_prune_counts *counts,
			      struct ts_error *err);

/* --- API keys --- */

#define TS_TENANT_MAX 101      /* 100 characters and the terminator */

struct ts_api_key {
	char name[101];
	char tenant[TS_TENANT_MAX];
	char prefix[17];       /* the token's first characters */
	ts_time_us created_at;
	ts_time_us revoked_at; /* 0 while active */
};

/* Stores a key by the digest of its token. TS_ERR_CONFLICT when the name
 * is taken. */
enum ts_err ts_db_key_create(struct ts_db *db, const char *name, const char *tenant,
			     const char *token_hash, const char *token_prefix,
			     struct ts_error *err);

/* The tenant of the active key whose token has digest `token_hash`;
 * TS_ERR_NOT_FOUND when there is none (unknown or revoked). */
enum ts_err ts_db_key_tenant(struct ts_db *db, const char *token_hash,
			     char tenant[TS_TENANT_MAX], struct ts_error *err);

/* Every key, oldest first; free *keys with free(). */
enum ts_err ts_db_key_list(struct ts_db *db, struct ts_api_key **keys, size_t *count,
			   struct ts_error *err);

/* Revokes the active key `name`; TS_ERR_NOT_FOUND when there is none. */
enum ts_err ts_db_key_revoke(struct ts_db *db, const char *name, struct ts_error *err);

/* Applies the numbered migrations in `sql_dir` ("NNN_name.sql") that the
 * schema_version table does not list yet, in order, under a named lock so
 * concurrent runs wait for each other. *from and *to (may be NULL) receive
 * the versions before and after. */
enum ts_err ts_db_migrate(struct ts_db *db, const char *sql_dir, int *from, int *to,
			  struct ts_error *err);

#endif
