/* tasks.c -- the queries behind the /tasks API: insert (idempotent), get,
 * list by keyset, delete. */
#include "config.h"

#include <mysqld_error.h>
#include <stdlib.h>
#include <string.h>

#include "db_internal.h"
#include "id.h"

static const char sql_task_insert[] =
	"INSERT INTO tasks (" DB_TASK_INSERT_COLUMNS ") VALUES " DB_TASK_INSERT_ROW;

static const char sql_task_get[] =
	"SELECT " DB_TASK_COLUMNS " FROM tasks WHERE id = ? AND tenant = ?";

static const char sql_idem_insert[] =
	"INSERT INTO idempotency_keys (tenant, idem_key, request_hash, task_id, created_at)"
	" VALUES (?, ?, SHA2(?, 256), ?, ?)";

static const char sql_idem_get[] =
	"SELECT task_id, request_hash = SHA2(?, 256) FROM idempotency_keys"
	" WHERE tenant = ? AND idem_key = ?";

/* Keyset pagination: "after (run_at, id)" spelled so that the optimizer
 * sees a range on run_at, which the (tenant, status, run_at) and (tenant,
 * run_at) indexes serve in order; InnoDB appends the primary key (id). */
static const char sql_list_all[] =
	"SELECT " DB_TASK_COLUMNS " FROM tasks WHERE tenant = ? ORDER BY run_at, id LIMIT ?";
static const char sql_list_all_after[] =
	"SELECT " DB_TASK_COLUMNS " FROM tasks WHERE tenant = ?"
	" AND run_at >= ? AND (run_at > ? OR id > ?) ORDER BY run_at, id LIMIT ?";
static const char sql_list_status[] =
	"SELECT " DB_TASK_COLUMNS " FROM tasks WHERE tenant = ? AND status = ?"
	" ORDER BY run_at, id LIMIT ?";
static const char sql_list_status_after[] =
	"SELECT " DB_TASK_COLUMNS " FROM tasks WHERE tenant = ? AND status = ?"
	" AND run_at >= ? AND (run_at > ? OR id > ?) ORDER BY run_at, id LIMIT ?";

static const char sql_task_status[] =
	"SELECT status FROM tasks WHERE id = ? AND tenant = ? FOR UPDATE";
static const char sql_task_delete[] = "DELETE FROM tasks WHERE id = ?";
static const char sql_runs_delete[] = "DELETE FROM task_runs WHERE task_id = ?";

/* Runs a statement whose only parameter is a task id and that returns no
 * rows; *affected (may be NULL) receives the row count. */
static enum ts_err exec_by_id(struct ts_db *db, enum db_stmt_id sid, const char *sql,
			      const char *id, unsigned long long *affected,
			      struct ts_error *err)
{
	MYSQL_BIND b[1];
	unsigned long len;

	db_bind_str(&b[0], id, &len);
	return db_stmt_exec(db, sid, sql, b, affected, "execute", err);
}

void db_task_bind_insert(MYSQL_BIND *b, struct db_task_insert_binds *x, const char *tenant,
			 const struct ts_task *t)
{
	unsigned long *len = x->len;

	x->anchor = t->anchor_day;
	x->max_attempts = t->max_attempts;
	db_bind_str(&b[0], t->id, &len[0]);
	db_bind_str(&b[1], tenant, &len[1]);
	db_bind_str(&b[2], ts_action_name(t->action), &len[2]);
	db_bind_str(&b[3], t->payload_json, &len[3]);
	db_bind_time(&b[4], &x->run_at, t->run_at);
	db_bind_time(&b[5], &x->due_at, t->run_at);
	db_bind_str_or_null(&b[6], ts_recurrence_name(t->recurrence), &len[6], &x->null_recur);
	db_bind_int(&b[7], &x->anchor);
	x->null_anchor = t->anchor_day == 0;
	b[7].is_null = &x->null_anchor;
	db_bind_int(&b[8], &x->max_attempts);
	db_bind_time(&b[9], &x->created, t->created_at);
	db_bind_time(&b[10], &x->updated, t->updated_at);
	db_bind_schedule(&b[11], t, &x->sched);
	db_bind_str_or_null(&b[18], t->on_failure_json, &len[18], &x->null_on_failure);
}

enum ts_err db_task_insert_failed(struct ts_db *db, enum ts_err rc, struct ts_error *err)
{
	/* The payload's JSON_VALID check: input the validation let through
	 * must still be a 400, never a 500. */
	if (rc == TS_ERR_DB && db->last_errno == ER_CONSTRAINT_FAILED)
		return ts_error_set(err, TS_ERR_INVALID, "invalid_json", "payload",
				    "Invalid field payload: not valid JSON");
	return rc;
}

void db_task_stamp_new(struct ts_task *task, ts_time_us now)
{
	ts_id_new(task->id);
	task->status = TS_STATUS_SCHEDULED;
	task->attempts = 0;
	task->created_at = task->updated_at = now;
}

static enum ts_err insert_task_row(struct ts_db *db, const char *tenant,
				   const struct ts_task *t, struct ts_error *err)
{
	MYSQL_BIND b[DB_TASK_INSERT_PARAMS];
	struct db_task_insert_binds x;
	enum ts_err rc;

	db_task_bind_insert(b, &x, tenant, t);
	rc = db_stmt_exec(db, STMT_TASK_INSERT, sql_task_insert, b, NULL, "insert task", err);
	return db_task_insert_failed(db, rc, err);
}

enum ts_err db_idem_claim(struct ts_db *db, const char *tenant, const char *key,
			  const char *body, size_t body_len, const char *task_id,
			  ts_time_us now, bool *taken, struct ts_error *err)
{
	MYSQL_BIND b[5];
	unsigned long len[5];
	MYSQL_TIME created;
	enum ts_err rc;

	*taken = false;
	db_bind_str(&b[0], tenant, &len[0]);
	db_bind_str(&b[1], key, &len[1]);
	db_bind_str(&b[2], body, &len[2]);
	len[2] = (unsigned long)body_len;
	b[2].buffer_type = MYSQL_TYPE_BLOB;
	b[2].buffer_length = len[2];
	db_bind_str(&b[3], task_id, &len[3]);
	db_bind_time(&b[4], &created, now);
	rc = db_stmt_exec(db, STMT_IDEM_INSERT, sql_idem_insert, b, NULL,
			  "insert idempotency key", err);
	if (rc == TS_ERR_DB && db->last_errno == ER_DUP_ENTRY) {
		*taken = true;
		return TS_OK;
	}
	return rc;
}

/* Looks up the task an idempotency key was first used for (*found) and
 * whether that request had the same body (*same_body). */
static enum ts_err lookup_idem_key(struct ts_db *db, const char *tenant, const char *key,
				   const char *body, size_t body_len,
				   char task_id[TS_ID_TEXT_MAX], bool *same_body, bool *found,
				   struct ts_error *err)
{
	MYSQL_BIND in[3], out[2];
	unsigned long in_len[3], out_len;
	my_bool out_null[2], out_err;
	int same = 0;
	MYSQL_STMT *stmt;
	enum ts_err rc = db_stmt(db, STMT_IDEM_GET, sql_idem_get, &stmt, err);

	*found = false;
	*same_body = false;
	if (rc)
		return rc;
	db_bind_str(&in[0], body, &in_len[0]);
	in_len[0] = (unsigned long)body_len;
	in[0].buffer_type = MYSQL_TYPE_BLOB;
	in[0].buffer_length = in_len[0];
	db_bind_str(&in[1], tenant, &in_len[1]);
	db_bind_str(&in[2], key, &in_len[2]);
	db_bind_out_str(&out[0], task_id, TS_ID_TEXT_MAX, &out_len, &out_null[0], &out_err);
	db_bind_int(&out[1], &same);
	out[1].is_null = &out_null[1];
	rc = db_fetch_one(db, stmt, in, out, found, "look up idempotency key", err);
	if (rc == TS_OK && *found && out_err) {
		*found = false;
		rc = ts_error_set(err, TS_ERR_DB, "database_error", NULL,
				  "Database error (look up idempotency key: task id too long)");
	}
	*same_body = *found && same == 1;
	return rc;
}

enum ts_err db_idem_replay(struct ts_db *db, const char *tenant, const char *key,
			   const char *body, size_t body_len, char task_id[TS_ID_TEXT_MAX],
			   struct ts_error *err)
{
	bool found, same;
	enum ts_err rc = lookup_idem_key(db, tenant, key, body, body_len, task_id, &same,
					 &found, err);

	if (rc)
		return rc;
	if (!found)
		return ts_error_set(err, TS_ERR_CONFLICT, "idempotency_key_in_use",
				    "Idempotency-Key",
				    "A request with this Idempotency-Key is still in "
				    "progress; retry shortly");
	if (!same)
		return ts_error_set(err, TS_ERR_CONFLICT, "idempotency_key_mismatch",
				    "Idempotency-Key",
				    "This Idempotency-Key was already used with a "
				    "different request body");
	return TS_OK;
}

enum ts_err db_task_read(struct ts_db *db, enum db_stmt_id sid, const char *sql,
			 const char *tenant, const char *id, struct ts_task *task,
			 struct ts_error *err)
{
	MYSQL_BIND in[2];
	unsigned long in_len[2];
	struct db_task_row row;
	bool done;
	MYSQL_STMT *stmt;
	enum ts_err rc = db_stmt(db, sid, sql, &stmt, err);

	if (rc)
		return rc;
	db_bind_str(&in[0], id, &in_len[0]);
	db_bind_str(&in[1], tenant, &in_len[1]);
	if (mysql_stmt_bind_param(stmt, in) || mysql_stmt_execute(stmt))
		return db_fail(db, stmt, "get task", err);
	rc = db_task_row_bind(db, stmt, &row, err);
	if (rc == TS_OK)
		rc = db_task_row_fetch(db, stmt, &row, task, &done, err);
	if (rc == TS_OK && done)
		rc = ts_error_set(err, TS_ERR_NOT_FOUND, "not_found", NULL,
				  "Task not found: %s", id);
	if (db->conn)
		mysql_stmt_free_result(stmt);
	return rc;
}

static enum ts_err get_task(struct ts_db *db, const char *tenant, const char *id,
			    struct ts_task *task, struct ts_error *err)
{
	return db_task_read(db, STMT_TASK_GET, sql_task_get, tenant, id, task, err);
}

/* The arguments of the calls on one task, for db_run(). */
struct task_call {
	const char *tenant;
	const char *id;
	struct ts_task *task;
};

static enum ts_err get_task_unit(struct ts_db *db, void *ctx, struct ts_error *err)
{
	struct task_call *c = ctx;

	ts_task_cleanup(c->task);
	return get_task(db, c->tenant, c->id, c->task, err);
}

enum ts_err ts_db_task_get(struct ts_db *db, const char *tenant, const char *id,
			   struct ts_task *task, struct ts_error *err)
{
	struct task_call c = { .tenant = tenant, .id = id, .task = task };

	return db_run(db, get_task_unit, &c, err);
}

static enum ts_err insert_with_key(struct ts_db *db, const char *tenant,
				   struct ts_task *task, const char *idem_key, const char *body,
				   size_t body_len, bool *replayed, struct ts_error *err)
{
	bool taken = false;
	char first_id[TS_ID_TEXT_MAX];
	enum ts_err rc = db_exec(db, "START TRANSACTION", err);

	if (rc)
		return rc;
	rc = db_idem_claim(db, tenant, idem_key, body, body_len, task->id, task->created_at,
			   &taken, err);
	if (rc == TS_OK && !taken)
		rc = insert_task_row(db, tenant, task, err);
	if (rc == TS_OK && !taken)
		return db_exec(db, "COMMIT", err);
	db_rollback_quietly(db);
	if (rc)
		return rc;

	/* The key was used before (or by a concurrent request, whose insert
	 * we waited for): answer with the task it created. */
	rc = db_idem_replay(db, tenant, idem_key, body, body_len, first_id, err);
	if (rc)
		return rc;
	ts_task_cleanup(task);
	rc = get_task(db, tenant, first_id, task, err);
	if (rc == TS_ERR_NOT_FOUND)
		return ts_error_set(err, TS_ERR_CONFLICT, "idempotency_key_mismatch",
				    "Idempotency-Key",
				    "This Idempotency-Key was used for task %s, which "
				    "has since been deleted", first_id);
	if (rc == TS_OK)
		*replayed = true;
	return rc;
}

struct insert_call {
	const char *tenant;
	struct ts_task *task;
	const char *idem_key;
	const char *body;
	size_t body_len;
	bool *replayed;
};

static enum ts_err insert_unit(struct ts_db *db, void *ctx, struct ts_error *err)
{
	struct insert_call *c = ctx;

	if (!c->idem_key)
		return insert_task_row(db, c->tenant, c->task, err);
	return insert_with_key(db, c->tenant, c->task, c->idem_key, c->body, c->body_len,
			       c->replayed, err);
}

enum ts_err ts_db_task_insert(struct ts_db *db, const char *tenant, struct ts_task *task,
			      const char *idem_key, const char *body, size_t body_len,
			      bool *replayed, struct ts_error *err)
{
	struct insert_call c = {
		.tenant = tenant, .task = task, .idem_key = idem_key,
		.body = body, .body_len = body_len, .replayed = replayed,
	};

	*replayed = false;
	db_task_stamp_new(task, ts_time_now());
	return db_run(db, insert_unit, &c, err);
}

static enum ts_err list_tasks(struct ts_db *db, const struct ts_task_filter *f,
			      struct ts_task *tasks, size_t *count, bool *has_more,
			      struct ts_error *err)
{
	MYSQL_BIND in[6];
	unsigned long len[6];
	MYSQL_TIME after_a, after_b;
	unsigned limit = f->limit + 1; /* one extra row tells whether more follow */
	enum db_stmt_id sid;
	const char *sql;
	int n = 0;
	struct db_task_row row;
	enum ts_err rc;

	db_bind_str(&in[n++], f->tenant, &len[2]);
	if (f->has_status)
		db_bind_str(&in[n++], ts_task_status_name(f->status), &len[0]);
	if (f->has_cursor) {
		db_bind_time(&in[n++], &after_a, f->after.run_at);
		db_bind_time(&in[n++], &after_b, f->after.run_at);
		db_bind_str(&in[n++], f->after.id, &len[1]);
	}
	db_bind_uint(&in[n++], &limit);
	if (f->has_status) {
		sid = f->has_cursor ? STMT_TASK_LIST_STATUS_AFTER : STMT_TASK_LIST_STATUS;
		sql = f->has_cursor ? sql_list_status_after : sql_list_status;
	} else {
		sid = f->has_cursor ? STMT_TASK_LIST_ALL_AFTER : STMT_TASK_LIST_ALL;
		sql = f->has_cursor ? sql_list_all_after : sql_list_all;
	}
	MYSQL_STMT *stmt;
	rc = db_stmt(db, sid, sql, &stmt, err);
	if (rc)
		return rc;
	if (mysql_stmt_bind_param(stmt, in) || mysql_stmt_execute(stmt))
		return db_fail(db, stmt, "list tasks", err);
	rc = db_task_row_bind(db, stmt, &row, err);
	*count = 0;
	*has_more = false;
	while (rc == TS_OK) {
		bool done;
		struct ts_task extra;
		struct ts_task *t = *count < f->limit ? &tasks[*count] : &extra;
		ts_task_init(t);
		rc = db_task_row_fetch(db, stmt, &row, t, &done, err);
		if (rc || done) {
			ts_task_cleanup(t);
			break;
		}
		if (t == &extra) {
			*has_more = true;
			ts_task_cleanup(t);
			continue;
		}
		(*count)++;
	}
	if (db->conn)
		mysql_stmt_free_result(stmt);
	return rc;
}

struct list_call {
	const struct ts_task_filter *filter;
	struct ts_task *tasks;
	size_t *count;
	bool *has_more;
};

static enum ts_err list_unit(struct ts_db *db, void *ctx, struct ts_error *err)
{
	struct list_call *c = ctx;

	for (size_t i = 0; i < *c->count; i++)
		ts_task_cleanup(&c->tasks[i]);
	*c->count = 0;
	return list_tasks(db, c->filter, c->tasks, c->count, c->has_more, err);
}

enum ts_err ts_db_task_list(struct ts_db *db, const struct ts_task_filter *filter,
			    struct ts_task **tasks, size_t *count, bool *has_more,
			    struct ts_error *err)
{
	enum ts_err rc;
	struct ts_task *arr = calloc(filter->limit ? filter->limit : 1, sizeof(*arr));
	struct list_call c = { .filter = filter, .tasks = arr, .count = count,
			       .has_more = has_more };

	*tasks = NULL;
	*count = 0;
	if (!arr)
		return db_no_memory(err);
	rc = db_run(db, list_unit, &c, err);
	if (rc) {
		ts_task_array_free(arr, *count);
		*count = 0;
		return rc;
	}
	*tasks = arr;
	return TS_OK;
}

/* Inside the transaction db_run_txn opened: locks the row, then deletes
 * it and its runs unless an executor holds it. */
static enum ts_err delete_task(struct ts_db *db, void *ctx, struct ts_error *err)
{
	const struct task_call *c = ctx;
	const char *tenant = c->tenant, *id = c->id;
	MYSQL_BIND in[2], out[1];
	unsigned long in_len[2], out_len;
	my_bool out_null, out_err;
	char status[16];
	bool row;
	MYSQL_STMT *stmt;
	enum ts_err rc = db_stmt(db, STMT_TASK_STATUS, sql_task_status, &stmt, err);

	if (rc)
		return rc;
	db_bind_str(&in[0], id, &in_len[0]);
	db_bind_str(&in[1], tenant, &in_len[1]);
	db_bind_out_str(&out[0], status, sizeof(status), &out_len, &out_null, &out_err);
	rc = db_fetch_one(db, stmt, in, out, &row, "lock task", err);
	if (rc)
		return rc;
	if (!row)
		return ts_error_set(err, TS_ERR_NOT_FOUND, "not_found", NULL,
				    "Task not found: %s", id);
	if (strcmp(status, "running") == 0)
		return ts_error_set(err, TS_ERR_CONFLICT, "task_running", NULL,
				    "Task %s is running and cannot be deleted now; "
				    "retry once it has finished", id);
	rc = exec_by_id(db, STMT_RUNS_DELETE, sql_runs_delete, id, NULL, err);
	if (rc == TS_OK)
		rc = exec_by_id(db, STMT_TASK_DELETE, sql_task_delete, id, NULL, err);
	return rc;
}

enum ts_err ts_db_task_delete(struct ts_db *db, const char *tenant, const char *id,
			      struct ts_error *err)
{
	struct task_call c = { .tenant = tenant, .id = id };

	return db_run_txn(db, delete_task, &c, err);
}
