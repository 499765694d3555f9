/* runs.c -- a task's run history and its redrive (the API's side of
 * what the executor records). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_internal.h"

#define RUNS_MAX 10000

static const char sql_task_exists[] = "SELECT status FROM tasks WHERE id = ? AND tenant = ?";

static const char sql_runs_list[] =
	"SELECT attempt, executor_id, started_at, finished_at, outcome, http_status,"
	" error, response_excerpt FROM task_runs WHERE task_id = ?"
	" ORDER BY attempt, id LIMIT 10000";

/* Granting another max_attempts attempts keeps the attempt numbers going
 * up, so a receiver de-duplicating on (task id, attempt) sees new numbers. */
static const char sql_task_retry[] =
	"UPDATE tasks SET status = 'scheduled', due_at = NOW(6),"
	" max_attempts = attempts + max_attempts, updated_at = NOW(6)"
	" WHERE id = ? AND tenant = ? AND status = 'failed'";

/* Reads the status of task `id`; TS_ERR_NOT_FOUND when there is none. */
static enum ts_err task_status(struct ts_db *db, const char *tenant, const char *id,
			       char status[16], struct ts_error *err)
{
	MYSQL_BIND in[2], out[1];
	unsigned long in_len[2], out_len;
	my_bool is_null, trunc;
	bool row;
	MYSQL_STMT *stmt;
	enum ts_err rc = db_stmt(db, STMT_TASK_EXISTS, sql_task_exists, &stmt, err);

	if (rc)
		return rc;
	db_bind_str(&in[0], id, &in_len[0]);
	db_bind_str(&in[1], tenant, &in_len[1]);
	db_bind_out_str(&out[0], status, 16, &out_len, &is_null, &trunc);
	rc = db_fetch_one(db, stmt, in, out, &row, "task status", err);
	if (rc == TS_OK && !row)
		rc = ts_error_set(err, TS_ERR_NOT_FOUND, "not_found", NULL, "Task not found: %s", id);
	return rc;
}

static enum ts_err fetch_runs(struct ts_db *db, MYSQL_STMT *stmt, struct ts_run **runs,
			      size_t *count, struct ts_error *err)
{
	size_t cap = 0;
	MYSQL_BIND out[8];
	unsigned long len[8];
	my_bool is_null[8], trunc[8];
	struct ts_run r;
	MYSQL_TIME started, finished;
	char outcome[16];
	int http_status;
	enum ts_err rc = TS_OK;

	memset(&r, 0, sizeof(r));
	db_bind_int(&out[0], &r.attempt);
	db_bind_out_str(&out[1], r.executor_id, sizeof(r.executor_id), &len[1], &is_null[1], &trunc[1]);
	db_bind_out_time(&out[2], &started, &is_null[2]);
	db_bind_out_time(&out[3], &finished, &is_null[3]);
	db_bind_out_str(&out[4], outcome, sizeof(outcome), &len[4], &is_null[4], &trunc[4]);
	db_bind_int(&out[5], &http_status);
	out[5].is_null = &is_null[5];
	db_bind_out_str(&out[6], r.error, sizeof(r.error), &len[6], &is_null[6], &trunc[6]);
	/* the excerpt: length learned at fetch, read with fetch_column */
	db_bind_out_str(&out[7], NULL, 0, &len[7], &is_null[7], &trunc[7]);
	if (mysql_stmt_bind_result(stmt, out))
		return db_fail(db, stmt, "runs", err);
	while (*count < RUNS_MAX) {
		int f = mysql_stmt_fetch(stmt);
		if (f == MYSQL_NO_DATA)
			break;
		if (f == 1)
			return db_fail(db, stmt, "runs", err);
		if (*count == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			struct ts_run *grown = realloc(*runs, ncap * sizeof(**runs));
			if (!grown)
				return db_no_memory(err);
			*runs = grown;
			cap = ncap;
		}
		struct ts_run *dst = &(*runs)[*count];
		*dst = r;
		dst->started_at = db_time_from_mysql(&started);
		dst->finished_at = is_null[3] ? 0 : db_time_from_mysql(&finished);
		dst->http_status = is_null[5] ? 0 : http_status;
		if (is_null[6])
			dst->error[0] = '\0';
		dst->outcome = TS_RUN_FAILED;
		for (enum ts_run_outcome o = TS_RUN_SUCCEEDED; o <= TS_RUN_LOST; o++) {
			if (!is_null[4] && strcmp(outcome, ts_run_outcome_name(o)) == 0)
				dst->outcome = o;
		}
		dst->excerpt = NULL;
		if (!is_null[7]) {
			unsigned long n = len[7];
			MYSQL_BIND b;
			dst->excerpt = malloc(n + 1);
			if (!dst->excerpt)
				return db_no_memory(err);
			memset(&b, 0, sizeof(b));
			b.buffer_type = MYSQL_TYPE_STRING;
			b.buffer = dst->excerpt;
			b.buffer_length = n + 1;
			b.length = &n;
			(*count)++;
			if (n > 0 && mysql_stmt_fetch_column(stmt, &b, 7, 0))
				return db_fail(db, stmt, "runs excerpt", err);
			dst->excerpt[n] = '\0';
			continue;
		}
		(*count)++;
	}
	return rc;
}

/* The arguments of ts_db_runs_list and ts_db_task_retry, for db_run(). */
struct runs_call {
	const char *tenant;
	const char *id;
	struct ts_run *runs;
	size_t count;
};

static enum ts_err runs_list(struct ts_db *db, void *ctx, struct ts_error *err)
{
	struct runs_call *c = ctx;
	const char *tenant = c->tenant, *id = c->id;
	struct ts_run **runs = &c->runs;
	size_t *count = &c->count;
	MYSQL_BIND in[1];
	unsigned long in_len;
	char status[16];
	enum ts_err rc;
	MYSQL_STMT *stmt;

	ts_run_array_free(*runs, *count);
	*runs = NULL;
	*count = 0;
	/* The task's tenant is checked first; runs carry only the task id. */
	rc = task_status(db, tenant, id, status, err);
	if (rc)
		return rc;
	rc = db_stmt(db, STMT_RUNS_LIST, sql_runs_list, &stmt, err);
	if (rc)
		return rc;
	db_bind_str(&in[0], id, &in_len);
	/* Buffer the rows: fetch_column on an unbuffered result is fragile. */
	rc = db_exec_stmt(db, stmt, in, NULL, "runs", err);
	if (rc == TS_OK && mysql_stmt_store_result(stmt))
		rc = db_fail(db, stmt, "runs", err);
	if (rc == TS_OK)
		rc = fetch_runs(db, stmt, runs, count, err);
	if (db->conn)
		mysql_stmt_free_result(stmt);
	return rc;
}

enum ts_err ts_db_runs_list(struct ts_db *db, const char *tenant, const char *id,
			    struct ts_run **runs, size_t *count, struct ts_error *err)
{
	struct runs_call c = { .tenant = tenant, .id = id };
	enum ts_err rc = db_run(db, runs_list, &c, err);

	*runs = NULL;
	*count = 0;
	if (rc) {
		ts_run_array_free(c.runs, c.count);
		return rc;
	}
	*runs = c.runs;
	*count = c.count;
	return TS_OK;
}

static enum ts_err task_retry(struct ts_db *db, void *ctx, struct ts_error *err)
{
	const struct runs_call *c = ctx;
	const char *tenant = c->tenant, *id = c->id;
	MYSQL_BIND in[2];
	unsigned long len[2];
	unsigned long long affected = 0;
	char status[16];
	enum ts_err rc;

	db_bind_str(&in[0], id, &len[0]);
	db_bind_str(&in[1], tenant, &len[1]);
	rc = db_stmt_exec(db, STMT_TASK_RETRY, sql_task_retry, in, &affected, "retry task", err);
	if (rc || affected == 1)
		return rc;
	rc = task_status(db, tenant, id, status, err);
	if (rc)
		return rc;
	return ts_error_set(err, TS_ERR_CONFLICT, "task_not_failed", NULL,
			    "Task %s is %s; only a failed task can be retried", id, status);
}

enum ts_err ts_db_task_retry(struct ts_db *db, const char *tenant, const char *id,
			     struct ts_task *task, struct ts_error *err)
{
	struct runs_call c = { .tenant = tenant, .id = id };
	enum ts_err rc = db_run(db, task_retry, &c, err);

	if (rc)
		return rc;
	return ts_db_task_get(db, tenant, id, task, err);
}
