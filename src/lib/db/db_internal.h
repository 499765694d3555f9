/* db_internal.h -- shared plumbing of src/lib/db/: the connection, the
 * prepared-statement cache, the unit-of-work runner and MYSQL_BIND helpers.
 * Only files in src/lib/db/ include this, and they are the only files that
 * include MariaDB's headers. */
#ifndef TS_DB_INTERNAL_H
#define TS_DB_INTERNAL_H

#include <mysql.h>

#include "db.h"

/* Every statement tasksched prepares, by name. */
enum db_stmt_id {
	STMT_TASK_INSERT,
	STMT_TASK_GET,
	STMT_TASK_DELETE,
	STMT_TASK_STATUS,
	STMT_RUNS_DELETE,
	STMT_IDEM_INSERT,
	STMT_IDEM_GET,
	STMT_TASK_LIST_ALL,
	STMT_TASK_LIST_ALL_AFTER,
	STMT_TASK_LIST_STATUS,
	STMT_TASK_LIST_STATUS_AFTER,
	STMT_TASK_RETRY,
	STMT_TASK_EXISTS,
	STMT_RUNS_LIST,
	STMT_CLAIM_SELECT,
	STMT_NEXT_DUE,
	STMT_FINISH_RUNS,
	STMT_FINISH_UPDATE,
	STMT_FINISH_CHILDREN,
	STMT_RELEASE,
	STMT_REAP_SELECT,
	STMT_IDEM_PURGE,
	STMT_CLAIM_UPDATE_IN,
	STMT_CLAIM_CONFIRM,
	STMT_FINISH_COMPLETED_IN,
	STMT_KEY_INSERT,
	STMT_KEY_LOOKUP,
	STMT_KEY_LIST,
	STMT_KEY_REVOKE,
	STMT_RENEW,
	STMT_IDEM_BATCH_SET,
	STMT_IDEM_BATCH_GET,
	STMT_BATCH_GET_IN,
	STMT_PRUNE_SELECT,
	STMT_PRUNE_RUNS_IN,
	STMT_PRUNE_TASKS_IN,
	STMT_PRUNE_COUNT,
	STMT_CHANGE_LOCK,
	STMT_CHANGE_UPDATE,
	STMT_METRICS_ADD,
	STMT_METRICS_MARK_RUN,
	STMT_METRICS_READ_STATUS,
	STMT_METRICS_READ_COUNTERS,
	STMT_METRICS_READ_DUE,
	STMT_TASK_RETRY_FAILED,
	STMT_FINISH_NOTICES,
	STMT_NOTICE_CLAIM,
	STMT_NOTICE_LEASE,
	STMT_NOTICE_DELETE,
	STMT_NOTICE_AGAIN,
	STMT_NOTICE_RUN,
	STMT_COUNT_
};

/* Statements prepared once per row count (multi-row VALUES lists). */
enum db_sized_id {
	SIZED_RUNS_INSERT,
	SIZED_TASKS_INSERT,
	SIZED_COUNT_
};
#define DB_SIZED_MAX 64

struct ts_db {
	struct ts_conf conf;
	MYSQL *conn;                         /* NULL while disconnected */
	MYSQL_STMT *stmts[STMT_COUNT_];      /* prepared on first use */
	MYSQL_STMT *sized[SIZED_COUNT_][DB_SIZED_MAX + 1];
	unsigned last_errno;                 /* of the last failure */
	bool fresh;                          /* connected during this call */
	struct ts_conf_host hosts[TS_CONF_HOSTS_MAX];  /* db_host, parsed */
	size_t host_count;
	size_t host_cur;                     /* the one to try first */
};

/* Connects when not connected: tries the hosts of db_host in turn, from
 * the one in use last, and keeps the first that answers and, when it is a
 * Galera node, is ready and Synced. Fails with TS_ERR_UNAVAILABLE when
 * none is usable. */
enum ts_err db_connect(struct ts_db *db, struct ts_error *err);

/* Closes the connection and forgets every prepared statement. */
void db_disconnect(struct ts_db *db);

/* Gives the prepared statement `id` in *stmt, preparing `sql` on first use
 * (each id always comes with the same text, which lives beside the code
 * that runs it). Connects first when needed. On failure *stmt is NULL,
 * `err` is filled and the connection dropped when it is gone. The
 * statement belongs to `db`. */
enum ts_err db_stmt(struct ts_db *db, enum db_stmt_id id, const char *sql,
		    MYSQL_STMT **stmt, struct ts_error *err);

/* The same for the statement `id` for `n` rows (1..DB_SIZED_MAX): on first
 * use it prepares the text `build(n)` returns (heap, freed here). */
enum ts_err db_stmt_sized(struct ts_db *db, enum db_sized_id id, unsigned n,
			  char *(*build)(unsigned n), MYSQL_STMT **stmt,
			  struct ts_error *err);

/* Statements on a list of ids bind DB_ID_CHUNK of them, padding with the
 * last id (IN ignores repeats): one prepared statement serves any batch,
 * and a plain IN list costs MariaDB about half of a JSON_TABLE join. */
#define DB_ID_CHUNK 100

/* The same for `head` followed by DB_ID_CHUNK placeholders and ")". */
enum ts_err db_stmt_in_list(struct ts_db *db, enum db_stmt_id id, const char *head,
			    MYSQL_STMT **stmt, struct ts_error *err);

/* Runs the IN-list statement `stmt` over `count` ids in chunks; the
 * `nfixed` (at most 4) binds of `fixed` come first. *affected sums the
 * rows changed. */
enum ts_err db_exec_in_list(struct ts_db *db, MYSQL_STMT *stmt, const MYSQL_BIND *fixed,
			    unsigned nfixed, const char *const *ids, size_t count,
			    unsigned long long *affected, const char *what,
			    struct ts_error *err);

/* Turns the failure of the last call on `db->conn` (stmt == NULL) or on
 * `stmt` into a status: TS_ERR_UNAVAILABLE (and a dropped connection, the
 * next connect starting at the next host) when the server is unreachable
 * or, a Galera node, cannot serve, else TS_ERR_DB. The server's error number is
 * kept in db->last_errno for db_run(). `what` names the operation in the
 * message. */
enum ts_err db_fail(struct ts_db *db, MYSQL_STMT *stmt, const char *what,
		    struct ts_error *err);

/* One unit of work against the database: a statement, or a transaction
 * with everything inside it. It may run more than once (see db_run), so
 * it resets its outputs first and changes nothing outside `ctx` but them. */
typedef enum ts_err db_unit_fn(struct ts_db *db, void *ctx, struct ts_error *err);

/* Runs `unit` and repeats it while its failure is one that a repetition
 * can cure (a connection the server closed, a deadlock; the table in
 * txn.c). Returns the status of the last run, `err` describing it. The
 * API's and the executor's calls all go through here, so no caller retries
 * by hand. */
enum ts_err db_run(struct ts_db *db, db_unit_fn *unit, void *ctx, struct ts_error *err);

/* db_run() of `unit` inside START TRANSACTION ... COMMIT: a unit that fails
 * is rolled back (before any repetition too). */
enum ts_err db_run_txn(struct ts_db *db, db_unit_fn *unit, void *ctx, struct ts_error *err);

/* Runs a statement without parameters or results (BEGIN, COMMIT, ...). */
enum ts_err db_exec(struct ts_db *db, const char *sql, struct ts_error *err);
/* Rolls back, ignoring errors: for error paths. */
void db_rollback_quietly(struct ts_db *db);

/* Sets `err` to "out of memory" and returns TS_ERR_NOMEM. */
enum ts_err db_no_memory(struct ts_error *err);

/* Filling MYSQL_BIND arrays. The pointed-to storage must outlive the
 * execute/fetch. */
void db_bind_str(MYSQL_BIND *b, const char *s, unsigned long *len);
void db_bind_str_or_null(MYSQL_BIND *b, const char *s, unsigned long *len, my_bool *is_null);
void db_bind_int(MYSQL_BIND *b, int *v);
void db_bind_uint(MYSQL_BIND *b, unsigned *v);
void db_bind_llong(MYSQL_BIND *b, long long *v);
void db_bind_time(MYSQL_BIND *b, MYSQL_TIME *mt, ts_time_us t);
/* The storage behind the binds of a task's schedule columns. */
struct db_schedule_binds {
	unsigned long len[7];
	my_bool null_cron, null_ends_at, null_anchor_time;
	MYSQL_TIME ends_at;
	long long anchor_time;
};
/* Binds the schedule's seven columns of `t` (cron, timezone, ends_at,
 * dst_gap, dst_repeat, catch_up, anchor_time) to b[0..6]; `x` holds what
 * they point to. */
void db_bind_schedule(MYSQL_BIND *b, const struct ts_task *t, struct db_schedule_binds *x);
/* A JSON document as a BLOB parameter (JSON_TABLE's input). */
void db_bind_json(MYSQL_BIND *b, const char *json, unsigned long *len);
/* Result side: a fixed buffer of `size` bytes. */
void db_bind_out_str(MYSQL_BIND *b, char *buf, unsigned long size, unsigned long *len,
		     my_bool *is_null, my_bool *error);
void db_bind_out_time(MYSQL_BIND *b, MYSQL_TIME *mt, my_bool *is_null);

ts_time_us db_time_from_mysql(const MYSQL_TIME *mt);

struct db_task_row;

/* Reads rows of `stmt` (executed, result bound to `row`) into a new array
 * of at most `limit` tasks. */
enum ts_err db_task_rows_fetch_all(struct ts_db *db, MYSQL_STMT *stmt, struct db_task_row *row,
				   unsigned limit, struct ts_task **tasks, size_t *count,
				   struct ts_error *err);

/* Executes `stmt` with the parameters `binds` (NULL when it has none);
 * *affected (may be NULL) receives the row count. */
enum ts_err db_exec_stmt(struct ts_db *db, MYSQL_STMT *stmt, MYSQL_BIND *binds,
			 unsigned long long *affected, const char *what, struct ts_error *err);

/* Executes `stmt` with the parameters `in` (NULL when it has none) and
 * fetches its first row into the result binds `out`. On TS_OK, *found
 * says whether there was a row (a truncated column still counts: its
 * bind's error flag tells). The result set is freed either way. */
enum ts_err db_fetch_one(struct ts_db *db, MYSQL_STMT *stmt, MYSQL_BIND *in, MYSQL_BIND *out,
			 bool *found, const char *what, struct ts_error *err);

/* db_stmt() then db_exec_stmt(): prepares (once) and runs a statement that
 * returns no rows. */
enum ts_err db_stmt_exec(struct ts_db *db, enum db_stmt_id id, const char *sql,
			 MYSQL_BIND *binds, unsigned long long *affected, const char *what,
			 struct ts_error *err);

/* A task as fetched from "SELECT " DB_TASK_COLUMNS: buffers for each column
 * and the binds pointing at them. */
#define DB_TASK_COLUMNS \
	"id, action, payload, run_at, status, recurrence, anchor_day, " \
	"parent_task_id, error_message, attempts, max_attempts, created_at, updated_at, " \
	"cron, timezone, ends_at, dst_gap, dst_repeat, catch_up, anchor_time, on_failure"
#define DB_TASK_NCOLS 21

struct db_task_row {
	MYSQL_BIND bind[DB_TASK_NCOLS];
	unsigned long len[DB_TASK_NCOLS];
	my_bool is_null[DB_TASK_NCOLS];
	my_bool error[DB_TASK_NCOLS];
	char id[TS_ID_TEXT_MAX];
	char action[16];
	char status[16];
	char recurrence[16];
	char parent_id[TS_ID_TEXT_MAX];
	int anchor_day, attempts, max_attempts;
	MYSQL_TIME run_at, created_at, updated_at;
	/* the schedule (migration 003) */
	char cron[TS_CRON_TEXT_MAX];
	char timezone[TS_TZ_NAME_MAX];
	MYSQL_TIME ends_at;
	char dst_gap[16], dst_repeat[16], catch_up[16];
	long long anchor_time;
};

/* Runs the statement `id` ("SELECT " DB_TASK_COLUMNS ... LIMIT ?, its only
 * parameter) with `limit` and reads its rows into a new array, as
 * db_task_rows_fetch_all does. `what` names it in error messages. */
enum ts_err db_task_select(struct ts_db *db, enum db_stmt_id id, const char *sql,
			   unsigned limit, struct ts_task **tasks, size_t *count,
			   const char *what, struct ts_error *err);

/* Reads task `id` of `tenant` with the statement `sid` ("SELECT "
 * DB_TASK_COLUMNS ... WHERE id = ? AND tenant = ?", perhaps FOR UPDATE)
 * into `task` (initialized by the caller). TS_ERR_NOT_FOUND when there is
 * no such task. */
enum ts_err db_task_read(struct ts_db *db, enum db_stmt_id sid, const char *sql,
			 const char *tenant, const char *id, struct ts_task *task,
			 struct ts_error *err);

/* Binds `row` as the result of `stmt`. */
enum ts_err db_task_row_bind(struct ts_db *db, MYSQL_STMT *stmt, struct db_task_row *row,
			     struct ts_error *err);

/* Reads column `col` of the row just fetched from `stmt`, bound with no
 * buffer and `len` bytes long, into a new string in *out (the caller
 * frees it; NULL on failure). */
enum ts_err db_fetch_text(struct ts_db *db, MYSQL_STMT *stmt, unsigned col, unsigned long len,
			  char **out, struct ts_error *err);

/* Fetches the next row into `task` (initialized by the caller). Returns
 * TS_OK with *done = false for a row, *done = true at the end. The long
 * text columns (payload, error_message) are read at their full length. */
enum ts_err db_task_row_fetch(struct ts_db *db, MYSQL_STMT *stmt, struct db_task_row *row,
			      struct ts_task *task, bool *done, struct ts_error *err);

/* --- creating tasks (tasks.c), shared with batch creation (batch.c) --- */

/* A new task row: "INSERT INTO tasks (" DB_TASK_INSERT_COLUMNS ") VALUES "
 * and DB_TASK_INSERT_ROW once per row, DB_TASK_INSERT_PARAMS binds each. */
#define DB_TASK_INSERT_COLUMNS \
	"id, tenant, action, payload, run_at, due_at, status, recurrence," \
	" anchor_day, parent_task_id, attempts, max_attempts, created_at, updated_at," \
	" cron, timezone, ends_at, dst_gap, dst_repeat, catch_up, anchor_time, on_failure"
#define DB_TASK_INSERT_ROW \
	"(?, ?, ?, ?, ?, ?, 'scheduled', ?, ?, NULL, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
#define DB_TASK_INSERT_PARAMS 19

/* Storage behind the binds of one new row. */
struct db_task_insert_binds {
	unsigned long len[DB_TASK_INSERT_PARAMS];
	struct db_schedule_binds sched;
	my_bool null_recur, null_anchor, null_on_failure;
	int anchor, max_attempts;
	MYSQL_TIME run_at, due_at, created, updated;
};

/* Fills the DB_TASK_INSERT_PARAMS binds at `b` for task `t` of `tenant`;
 * `x`, `t` and `tenant` must outlive the execute. */
void db_task_bind_insert(MYSQL_BIND *b, struct db_task_insert_binds *x, const char *tenant,
			 const struct ts_task *t);

/* Turns the failure `rc` of a task insert into the status to return: the
 * payload column's JSON_VALID check is bad input (400), not a fault. */
enum ts_err db_task_insert_failed(struct ts_db *db, enum ts_err rc, struct ts_error *err);

/* Gives a task about to be created its id, status, attempts and times. */
void db_task_stamp_new(struct ts_task *task, ts_time_us now);

/* Claims Idempotency-Key `key` of `tenant` for the request `body`, naming
 * `task_id`, within the open transaction. Sets *taken when the key was
 * already in use (the transaction must then be rolled back). */
enum ts_err db_idem_claim(struct ts_db *db, const char *tenant, const char *key,
			  const char *body, size_t body_len, const char *task_id,
			  ts_time_us now, bool *taken, struct ts_error *err);

/* For a request whose key db_idem_claim found taken: the id of the task
 * the key's first request created, in `task_id`. TS_ERR_CONFLICT when
 * that request is still in progress ("idempotency_key_in_use") or had
 * another body ("idempotency_key_mismatch"). */
enum ts_err db_idem_replay(struct ts_db *db, const char *tenant, const char *key,
			   const char *body, size_t body_len, char task_id[TS_ID_TEXT_MAX],
			   struct ts_error *err);

/* "<head>(row),(row),..." with `n` rows: a multi-row VALUES statement for
 * db_stmt_sized(). Heap; NULL on no memory. */
char *db_sql_values(const char *head, const char *row, unsigned n);

/* --- recording outcomes (finish.c), shared with the reaper (reap.c) --- */

struct ts_finish_decision;

/* What a finish writes, decided and printed before the transaction opens.
 * Plain completions, the bulk of any batch, take the cheapest statements:
 * a multi-row VALUES insert of their runs and an IN-list update; the rest
 * (retries, failures, lost attempts, children) travel as JSON documents. */
struct db_finish_batch {
	const struct ts_task_result *results;  /* not owned */
	size_t count;
	const char *owner;              /* NULL when the reaper reports lost attempts */
	struct ts_finish_decision *decisions;  /* one per result */
	const char **completed;         /* ids of plain completions */
	int *completed_attempt;         /* and the attempt each completed */
	size_t completed_count;
	char *runs;                     /* JSON run rows (reaper only) */
	char *updates;                  /* JSON of the other status changes, or NULL */
	char *children;                 /* JSON of next occurrences, or NULL */
	char *notices;                  /* JSON of failure notices to queue, or NULL */
};

/* Decides (ts_finish_plan_decide) what each of the `count` results does,
 * as of `now`, and prepares the statements' input in `b` (caller-owned;
 * release with db_finish_batch_cleanup, also after a failure). `owner` is
 * the executor whose lease fences the changes, NULL for the reaper. */
enum ts_err db_finish_batch_build(const char *owner, const struct ts_task_result *results,
				  size_t count, ts_time_us now, struct db_finish_batch *b,
				  struct ts_error *err);
void db_finish_batch_cleanup(struct db_finish_batch *b);

/* Adds what the attempts of `b` count (metrics.h: outcomes, fire
 * lateness, webhook durations) to the counters, inside the caller's
 * transaction, so a count exists exactly when its run row does. */
enum ts_err db_metrics_count(struct ts_db *db, const struct db_finish_batch *b,
			     struct ts_error *err);

/* Writes `b` inside the caller's transaction; *applied counts the tasks
 * changed. */
enum ts_err db_finish_batch_apply(struct ts_db *db, const struct db_finish_batch *b,
				  size_t *applied, struct ts_error *err);

#endif
