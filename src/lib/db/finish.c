/* finish.c -- recording how attempts ended, in batches: a run row per
 * attempt and each task moved on as the finish planner (finish_plan.c)
 * decides, in one transaction.
 *
 * Batches travel as one JSON document per statement, unpacked by MariaDB's
 * JSON_TABLE and joined on the primary key, or as IN lists and multi-row
 * VALUES, so a batch of 500 tasks costs a handful of round trips and one
 * commit instead of 500 of each. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_internal.h"
#include "finish_plan.h"
#include "id.h"
#include "json.h"
#include "task_schedule.h"
#include "utf8.h"

/* Fenced by owner and attempt: the outcome of one attempt never lands on
 * another, even of the same executor. */
static const char sql_finish_completed_in_head[] =
	"UPDATE tasks SET status = 'completed', error_message = NULL,"
	" lease_owner = NULL, claimed_at = NULL, lease_expires_at = NULL,"
	" updated_at = NOW(6)"
	" WHERE status = 'running' AND lease_owner = ? AND attempts = ? AND id IN (";

/* Run rows first, while the lease columns still say who ran a lost attempt
 * and since when. */
static const char sql_finish_runs[] =
	"INSERT INTO task_runs (task_id, attempt, executor_id, started_at,"
	" finished_at, outcome, http_status, error, response_excerpt)"
	" SELECT j.id, j.attempt, COALESCE(j.owner, t.lease_owner, ''),"
	" COALESCE(j.started_at, t.claimed_at, j.finished_at), j.finished_at,"
	" j.outcome, j.http_status, j.error, j.excerpt"
	" FROM JSON_TABLE(?, '$[*]' COLUMNS ("
	"  id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin PATH '$.id',"
	"  attempt INT PATH '$.attempt',"
	"  owner VARCHAR(64) CHARACTER SET ascii PATH '$.owner',"
	"  started_at DATETIME(6) PATH '$.started_at',"
	"  finished_at DATETIME(6) PATH '$.finished_at',"
	"  outcome VARCHAR(16) PATH '$.outcome',"
	"  http_status INT PATH '$.http_status',"
	"  error VARCHAR(1024) PATH '$.error',"
	"  excerpt TEXT PATH '$.excerpt')) j"
	" LEFT JOIN tasks t ON t.id = j.id";

/* Fenced: a row changes only while the lease is the caller's; a lost
 * attempt (owner null) is only reported by the reaper, which holds the
 * row locked. */
static const char sql_finish_update[] =
	"UPDATE tasks t JOIN JSON_TABLE(?, '$[*]' COLUMNS ("
	"  id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin PATH '$.id',"
	"  owner VARCHAR(64) CHARACTER SET ascii PATH '$.owner',"
	"  status VARCHAR(16) PATH '$.status',"
	"  due_at DATETIME(6) PATH '$.due_at',"
	"  attempt INT PATH '$.attempt',"
	"  error TEXT PATH '$.error')) j ON t.id = j.id"
	" SET t.status = j.status, t.due_at = COALESCE(j.due_at, t.due_at),"
	" t.error_message = j.error, t.lease_owner = NULL, t.claimed_at = NULL,"
	" t.lease_expires_at = NULL, t.updated_at = NOW(6)"
	" WHERE t.status = 'running' AND t.attempts = j.attempt"
	" AND (j.owner IS NULL OR t.lease_owner = j.owner)";

/* The unique key on parent_task_id makes a second child of the same
 * occurrence impossible, whoever tries; the join makes only a parent that
 * is done (and still exists) have one. */
static const char sql_finish_children[] =
	"INSERT IGNORE INTO tasks (id, tenant, action, payload, run_at, due_at, status,"
	" recurrence, anchor_day, parent_task_id, attempts, max_attempts,"
	" created_at, updated_at,"
	" cron, timezone, ends_at, dst_gap, dst_repeat, catch_up, anchor_time, on_failure)"
	" SELECT j.child, p.tenant, p.action, p.payload, j.run_at, j.run_at, 'scheduled',"
	" p.recurrence, p.anchor_day, p.id, 0, p.max_attempts, NOW(6), NOW(6),"
	" p.cron, p.timezone, p.ends_at, p.dst_gap, p.dst_repeat, p.catch_up, p.anchor_time,"
	" p.on_failure"
	" FROM JSON_TABLE(?, '$[*]' COLUMNS ("
	"  parent CHAR(36) CHARACTER SET ascii COLLATE ascii_bin PATH '$.parent',"
	"  child CHAR(36) CHARACTER SET ascii COLLATE ascii_bin PATH '$.child',"
	"  run_at DATETIME(6) PATH '$.run_at')) j"
	" JOIN tasks p ON p.id = j.parent AND p.status IN ('completed', 'failed')";

/* A failure notice for each task the batch failed that has on_failure,
 * queued only where the failure was applied (the join sees the row failed
 * at that attempt), once per failure whoever repeats it. */
static const char sql_finish_notices[] =
	"INSERT IGNORE INTO task_notices (task_id, attempt, target, body, due_at, created_at)"
	" SELECT t.id, j.attempt, t.on_failure, j.body, NOW(6), NOW(6)"
	" FROM JSON_TABLE(?, '$[*]' COLUMNS ("
	"  id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin PATH '$.id',"
	"  attempt INT PATH '$.attempt',"
	"  body LONGTEXT PATH '$.body')) j"
	" JOIN tasks t ON t.id = j.id AND t.status = 'failed' AND t.attempts = j.attempt"
	" AND t.on_failure IS NOT NULL";

static bool add_time(struct ts_json_rows *rows, const char *key, ts_time_us t)
{
	char buf[TS_TIME_TEXT_MAX];

	return ts_json_rows_str(rows, key, ts_time_format_sql(t, buf));
}

/* Copies at most TS_RUN_EXCERPT_MAX bytes of `text`, cut so that it stays
 * UTF-8 (other bytes become '?'). */
static void bounded_excerpt(const char *text, char out[TS_RUN_EXCERPT_MAX + 1])
{
	size_t n = strlen(text);

	if (n > TS_RUN_EXCERPT_MAX)
		n = TS_RUN_EXCERPT_MAX;
	memcpy(out, text, n);
	out[n] = '\0';
	if (ts_utf8_valid(out, n))
		return;
	/* Drop a character cut in half at the end, then mask what is left. */
	size_t keep = n;
	while (keep > 0 && keep > n - 4 && !ts_utf8_valid(out, keep))
		keep--;
	if (keep > 0 && ts_utf8_valid(out, keep)) {
		out[keep] = '\0';
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if ((unsigned char)out[i] >= 0x80)
			out[i] = '?';
	}
}

static bool add_run_row(struct ts_json_rows *rows, const struct ts_task_result *r,
			const struct ts_finish_decision *d)
{
	char excerpt[TS_RUN_EXCERPT_MAX + 1];

	if (r->excerpt)
		bounded_excerpt(r->excerpt, excerpt);
	return ts_json_rows_add(rows) &&
	       ts_json_rows_str(rows, "id", r->task->id) &&
	       ts_json_rows_int(rows, "attempt", r->task->attempts) &&
	       (r->started_at ? add_time(rows, "started_at", r->started_at)
			      : ts_json_rows_str(rows, "started_at", NULL)) &&
	       add_time(rows, "finished_at", r->finished_at) &&
	       ts_json_rows_str(rows, "outcome", ts_run_outcome_name(d->recorded)) &&
	       (r->http_status ? ts_json_rows_int(rows, "http_status", r->http_status)
			       : ts_json_rows_str(rows, "http_status", NULL)) &&
	       ts_json_rows_str(rows, "error", r->error) &&
	       ts_json_rows_str(rows, "excerpt", r->excerpt ? excerpt : NULL);
}

static bool add_update_row(struct ts_json_rows *rows, const struct ts_task_result *r,
			   const char *owner, const struct ts_finish_decision *d)
{
	return ts_json_rows_add(rows) &&
	       ts_json_rows_str(rows, "id", r->task->id) &&
	       ts_json_rows_str(rows, "owner", owner) &&
	       ts_json_rows_int(rows, "attempt", r->task->attempts) &&
	       ts_json_rows_str(rows, "status", ts_task_status_name(d->status)) &&
	       (d->has_due_at ? add_time(rows, "due_at", d->due_at)
			      : ts_json_rows_str(rows, "due_at", NULL)) &&
	       ts_json_rows_str(rows, "error", d->has_error ? d->error : NULL);
}

static bool add_child_row(struct ts_json_rows *rows, const struct ts_task *t,
			  const struct ts_finish_decision *d)
{
	char child[TS_ID_TEXT_MAX];

	ts_id_new(child);
	return ts_json_rows_add(rows) &&
	       ts_json_rows_str(rows, "parent", t->id) &&
	       ts_json_rows_str(rows, "child", child) &&
	       add_time(rows, "run_at", d->next_run_at);
}

/* The notice of a task this result fails: the task as it ends and the
 * attempt that ended it (for a lost attempt, found when it was reaped). */
static bool add_notice_row(struct ts_json_rows *rows, const struct ts_task_result *r,
			   const char *owner, const struct ts_finish_decision *d, ts_time_us now)
{
	struct ts_task t = *r->task;   /* a shallow copy, read only */
	struct ts_run run;
	char excerpt[TS_RUN_EXCERPT_MAX + 1];
	bool ok;

	t.status = TS_STATUS_FAILED;
	t.error_message = d->has_error ? (char *)d->error : NULL;
	t.updated_at = now;
	memset(&run, 0, sizeof(run));
	run.attempt = t.attempts;
	snprintf(run.executor_id, sizeof(run.executor_id), "%s", owner ? owner : "");
	run.started_at = r->started_at ? r->started_at : r->finished_at;
	run.finished_at = r->finished_at;
	run.outcome = d->recorded;
	run.http_status = r->http_status;
	snprintf(run.error, sizeof(run.error), "%s", r->error ? r->error : "");
	if (r->excerpt) {
		bounded_excerpt(r->excerpt, excerpt);
		run.excerpt = excerpt;
	}
	char *body = ts_json_failure_notice(&t, &run);
	ok = body && ts_json_rows_add(rows) && ts_json_rows_str(rows, "id", t.id) &&
	     ts_json_rows_int(rows, "attempt", t.attempts) && ts_json_rows_str(rows, "body", body);
	free(body);
	return ok;
}

/* Prints `rows` into *out when it has any row; leaves *out NULL otherwise. */
static bool print_rows(struct ts_json_rows *rows, size_t n, char **out)
{
	*out = NULL;
	if (n == 0)
		return true;
	*out = ts_json_rows_print(rows);
	return *out != NULL;
}

void db_finish_batch_cleanup(struct db_finish_batch *b)
{
	free(b->decisions);
	free(b->completed);
	free(b->completed_attempt);
	free(b->runs);
	free(b->updates);
	free(b->children);
	free(b->notices);
	memset(b, 0, sizeof(*b));
}

/* The planner's input for one result; `s` holds its series' schedule. A
 * series whose schedule can no longer be built (its zone gone from the
 * system's tzdata) gets no next occurrence. */
static void attempt_of(const struct ts_task_result *r, ts_time_us now,
		       struct ts_schedule *s, struct ts_finish_attempt *a)
{
	const struct ts_task *t = r->task;
	bool recurs = ts_task_recurs(t) && ts_task_schedule(t, s, NULL) == TS_OK;

	*a = (struct ts_finish_attempt){
		.outcome = r->outcome, .attempt = t->attempts, .max_attempts = t->max_attempts,
		.schedule = recurs ? s : NULL, .catch_up = t->catch_up,
		.recurrence = TS_RECUR_NONE, .run_at = t->run_at, .anchor_day = t->anchor_day,
		.error = r->error, .retry_at = r->retry_at, .now = now,
	};
}

enum ts_err db_finish_batch_build(const char *owner, const struct ts_task_result *results,
				  size_t count, ts_time_us now, struct db_finish_batch *b,
				  struct ts_error *err)
{
	struct ts_json_rows *runs = ts_json_rows_new();
	struct ts_json_rows *updates = ts_json_rows_new();
	struct ts_json_rows *children = ts_json_rows_new();
	struct ts_json_rows *notices = ts_json_rows_new();
	size_t nruns = 0, nupdates = 0, nchildren = 0, nnotices = 0;
	enum ts_err rc = TS_OK;

	*b = (struct db_finish_batch){ .results = results, .count = count, .owner = owner };
	b->decisions = calloc(count, sizeof(*b->decisions));
	b->completed = calloc(count, sizeof(*b->completed));
	b->completed_attempt = calloc(count, sizeof(*b->completed_attempt));
	if (!runs || !updates || !children || !notices || !b->decisions || !b->completed ||
	    !b->completed_attempt)
		goto nomem;
	for (size_t i = 0; i < count; i++) {
		const struct ts_task_result *r = &results[i];
		struct ts_finish_decision *d = &b->decisions[i];
		struct ts_finish_attempt a;
		struct ts_schedule schedule;
		attempt_of(r, now, &schedule, &a);
		ts_finish_plan_decide(&a, d);
		/* Lost attempts name their executor and start time from the
		 * row itself, so they go through the JSON insert. */
		if (!owner) {
			if (!add_run_row(runs, r, d))
				goto nomem;
			nruns++;
		}
		if (owner && d->status == TS_STATUS_COMPLETED) {
			b->completed_attempt[b->completed_count] = r->task->attempts;
			b->completed[b->completed_count++] = r->task->id;
		} else {
			if (!add_update_row(updates, r, owner, d))
				goto nomem;
			nupdates++;
		}
		if (d->has_next) {
			if (!add_child_row(children, r->task, d))
				goto nomem;
			nchildren++;
		}
		if (d->status == TS_STATUS_FAILED && r->task->on_failure_json) {
			if (!add_notice_row(notices, r, owner, d, now))
				goto nomem;
			nnotices++;
		}
	}
	if (print_rows(runs, nruns, &b->runs) && print_rows(updates, nupdates, &b->updates) &&
	    print_rows(children, nchildren, &b->children) &&
	    print_rows(notices, nnotices, &b->notices))
		goto out;
nomem:
	db_finish_batch_cleanup(b);
	rc = db_no_memory(err);
out:
	ts_json_rows_free(runs);
	ts_json_rows_free(updates);
	ts_json_rows_free(children);
	ts_json_rows_free(notices);
	return rc;
}

#define RUN_COLUMNS 9

static char *runs_insert_sql(unsigned n)
{
	static const char head[] =
		"INSERT INTO task_runs (task_id, attempt, executor_id, started_at,"
		" finished_at, outcome, http_status, error, response_excerpt) VALUES ";

	return db_sql_values(head, "(?,?,?,?,?,?,?,?,?)", n);
}

/* Storage behind the binds of one row of the VALUES insert. */
struct run_row_binds {
	unsigned long len[RUN_COLUMNS];
	my_bool is_null[RUN_COLUMNS];
	int attempt, http_status;
	MYSQL_TIME started, finished;
	char excerpt[TS_RUN_EXCERPT_MAX + 1];
	char error[TS_RUN_ERROR_MAX];
};

/* Inserts the run rows of an executor's own attempts, DB_SIZED_MAX at a
 * time. */
static enum ts_err insert_runs(struct ts_db *db, const struct db_finish_batch *p,
			       struct ts_error *err)
{
	MYSQL_BIND *b = calloc(DB_SIZED_MAX * RUN_COLUMNS, sizeof(*b));
	struct run_row_binds *rb = calloc(DB_SIZED_MAX, sizeof(*rb));
	enum ts_err rc = TS_OK;

	if (!b || !rb) {
		rc = db_no_memory(err);
		goto out;
	}
	for (size_t start = 0; start < p->count && rc == TS_OK; start += DB_SIZED_MAX) {
		unsigned n = (unsigned)(p->count - start < DB_SIZED_MAX ? p->count - start
									 : DB_SIZED_MAX);
		MYSQL_STMT *stmt;
		rc = db_stmt_sized(db, SIZED_RUNS_INSERT, n, runs_insert_sql, &stmt, err);
		if (rc)
			break;
		for (unsigned i = 0; i < n; i++) {
			const struct ts_task_result *r = &p->results[start + i];
			struct run_row_binds *x = &rb[i];
			MYSQL_BIND *c = &b[i * RUN_COLUMNS];
			enum ts_run_outcome o = p->decisions[start + i].recorded;

			x->attempt = r->task->attempts;
			x->http_status = r->http_status;
			snprintf(x->error, sizeof(x->error), "%s", r->error ? r->error : "");
			if (r->excerpt)
				bounded_excerpt(r->excerpt, x->excerpt);
			db_bind_str(&c[0], r->task->id, &x->len[0]);
			db_bind_int(&c[1], &x->attempt);
			db_bind_str(&c[2], p->owner, &x->len[2]);
			db_bind_time(&c[3], &x->started, r->started_at ? r->started_at : r->finished_at);
			db_bind_time(&c[4], &x->finished, r->finished_at);
			db_bind_str(&c[5], ts_run_outcome_name(o), &x->len[5]);
			db_bind_int(&c[6], &x->http_status);
			x->is_null[6] = r->http_status == 0;
			c[6].is_null = &x->is_null[6];
			db_bind_str_or_null(&c[7], r->error ? x->error : NULL, &x->len[7], &x->is_null[7]);
			db_bind_str_or_null(&c[8], r->excerpt ? x->excerpt : NULL, &x->len[8],
					    &x->is_null[8]);
		}
		rc = db_exec_stmt(db, stmt, b, NULL, "record runs", err);
	}
out:
	free(b);
	free(rb);
	return rc;
}

/* Marks the plain completions completed, one IN list per attempt number
 * (nearly always just attempt 1). */
static enum ts_err complete_by_attempt(struct ts_db *db, const struct db_finish_batch *p,
				       size_t *applied, struct ts_error *err)
{
	MYSQL_BIND in[2];
	unsigned long len;
	const char **ids = calloc(p->completed_count, sizeof(*ids));
	bool *done = calloc(p->completed_count, sizeof(*done));
	MYSQL_STMT *stmt;
	enum ts_err rc = db_stmt_in_list(db, STMT_FINISH_COMPLETED_IN,
					 sql_finish_completed_in_head, &stmt, err);

	if (rc)
		goto out;
	if (!ids || !done) {
		rc = db_no_memory(err);
		goto out;
	}
	for (size_t i = 0; i < p->completed_count && rc == TS_OK; i++) {
		int attempt = p->completed_attempt[i];
		size_t n = 0;
		unsigned long long affected = 0;
		if (done[i])
			continue;
		for (size_t k = i; k < p->completed_count; k++) {
			if (!done[k] && p->completed_attempt[k] == attempt) {
				ids[n++] = p->completed[k];
				done[k] = true;
			}
		}
		db_bind_str(&in[0], p->owner, &len);
		db_bind_int(&in[1], &attempt);
		rc = db_exec_in_list(db, stmt, in, 2, ids, n, &affected, "complete tasks", err);
		*applied += (size_t)affected;
	}
out:
	free(ids);
	free(done);
	return rc;
}

/* Runs one of the JSON-document statements; *affected (may be NULL) gets
 * its row count. */
static enum ts_err exec_json(struct ts_db *db, enum db_stmt_id id, const char *sql,
			     const char *json, unsigned long long *affected, const char *what,
			     struct ts_error *err)
{
	MYSQL_BIND in[1];
	unsigned long len;

	db_bind_json(&in[0], json, &len);
	return db_stmt_exec(db, id, sql, in, affected, what, err);
}

enum ts_err db_finish_batch_apply(struct ts_db *db, const struct db_finish_batch *b,
				  size_t *applied, struct ts_error *err)
{
	unsigned long long affected = 0;
	enum ts_err rc;

	*applied = 0;
	if (b->runs)
		rc = exec_json(db, STMT_FINISH_RUNS, sql_finish_runs, b->runs, NULL,
			       "record lost runs", err);
	else
		rc = insert_runs(db, b, err);
	if (rc == TS_OK && b->completed_count)
		rc = complete_by_attempt(db, b, applied, err);
	if (rc == TS_OK && b->updates) {
		rc = exec_json(db, STMT_FINISH_UPDATE, sql_finish_update, b->updates, &affected,
			       "finish tasks", err);
		*applied += (size_t)affected;
	}
	if (rc == TS_OK && b->children)
		rc = exec_json(db, STMT_FINISH_CHILDREN, sql_finish_children, b->children, NULL,
			       "schedule next occurrences", err);
	if (rc == TS_OK && b->notices)
		rc = exec_json(db, STMT_FINISH_NOTICES, sql_finish_notices, b->notices, NULL,
			       "queue failure notices", err);
	if (rc == TS_OK)
		rc = db_metrics_count(db, b, err);
	return rc;
}

/* The arguments of ts_db_finish, for db_run_txn(). */
struct finish_call {
	const struct db_finish_batch *batch;
	size_t *applied;
};

static enum ts_err finish(struct ts_db *db, void *ctx, struct ts_error *err)
{
	struct finish_call *c = ctx;

	return db_finish_batch_apply(db, c->batch, c->applied, err);
}

enum ts_err ts_db_finish(struct ts_db *db, const char *executor_id,
			 const struct ts_task_result *results, size_t count,
			 size_t *applied, struct ts_error *err)
{
	struct db_finish_batch batch;
	struct finish_call c = { .batch = &batch, .applied = applied };
	enum ts_err rc;

	*applied = 0;
	if (count == 0)
		return TS_OK;
	rc = db_finish_batch_build(executor_id, results, count, ts_time_now(), &batch, err);
	if (rc == TS_OK)
		rc = db_run_txn(db, finish, &c, err);
	db_finish_batch_cleanup(&batch);
	return rc;
}
