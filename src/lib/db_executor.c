/* db_executor.c -- the executor's queries: claim what is due, finish
 * attempts in batches, release on shutdown, reap expired leases.
 *
 * Batches travel as one JSON document per statement, unpacked by MariaDB's
 * JSON_TABLE and joined on the primary key, so a batch of 500 tasks costs
 * a handful of round trips and one commit instead of 500 of each. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_internal.h"
#include "id.h"
#include "json.h"

#define JT_IDS \
	"JSON_TABLE(?, '$[*]' COLUMNS (id CHAR(36) CHARACTER SET ascii " \
	"COLLATE ascii_bin PATH '$.id')) j"

static const char sql_claim_select[] =
	"SELECT " DB_TASK_COLUMNS " FROM tasks"
	" WHERE status = 'scheduled' AND due_at <= NOW(6)"
	" ORDER BY due_at LIMIT ? FOR UPDATE SKIP LOCKED";

/* While running, due_at is the lease expiry: the reaper and the claim
 * share the (status, due_at) index. */
static const char sql_claim_update[] =
	"UPDATE tasks t JOIN " JT_IDS " ON t.id = j.id"
	" SET t.status = 'running', t.attempts = t.attempts + 1,"
	" t.lease_owner = ?, t.claimed_at = NOW(6),"
	" t.lease_expires_at = NOW(6) + INTERVAL ? SECOND,"
	" t.due_at = NOW(6) + INTERVAL ? SECOND, t.updated_at = NOW(6)"
	" WHERE t.status = 'scheduled'";

static const char sql_next_due[] =
	"SELECT TIMESTAMPDIFF(MICROSECOND, NOW(6), MIN(due_at)) FROM tasks"
	" WHERE status = 'scheduled'";

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
	"  error TEXT PATH '$.error')) j ON t.id = j.id"
	" SET t.status = j.status, t.due_at = COALESCE(j.due_at, t.due_at),"
	" t.error_message = j.error, t.lease_owner = NULL, t.claimed_at = NULL,"
	" t.lease_expires_at = NULL, t.updated_at = NOW(6)"
	" WHERE t.status = 'running' AND (j.owner IS NULL OR t.lease_owner = j.owner)";

/* The unique key on parent_task_id makes a second child of the same
 * occurrence impossible, whoever tries; the join makes only a parent that
 * is done (and still exists) have one. */
static const char sql_finish_children[] =
	"INSERT IGNORE INTO tasks (id, action, payload, run_at, due_at, status,"
	" recurrence, anchor_day, parent_task_id, attempts, max_attempts,"
	" created_at, updated_at)"
	" SELECT j.child, p.action, p.payload, j.run_at, j.run_at, 'scheduled',"
	" p.recurrence, p.anchor_day, p.id, 0, p.max_attempts, NOW(6), NOW(6)"
	" FROM JSON_TABLE(?, '$[*]' COLUMNS ("
	"  parent CHAR(36) CHARACTER SET ascii COLLATE ascii_bin PATH '$.parent',"
	"  child CHAR(36) CHARACTER SET ascii COLLATE ascii_bin PATH '$.child',"
	"  run_at DATETIME(6) PATH '$.run_at')) j"
	" JOIN tasks p ON p.id = j.parent AND p.status IN ('completed', 'failed')";

static const char sql_release[] =
	"UPDATE tasks t JOIN " JT_IDS " ON t.id = j.id"
	" SET t.status = 'scheduled', t.attempts = t.attempts - 1, t.due_at = NOW(6),"
	" t.lease_owner = NULL, t.claimed_at = NULL, t.lease_expires_at = NULL,"
	" t.updated_at = NOW(6)"
	" WHERE t.status = 'running' AND t.lease_owner = ?";

static const char sql_reap_select[] =
	"SELECT " DB_TASK_COLUMNS " FROM tasks"
	" WHERE status = 'running' AND due_at < NOW(6)"
	" ORDER BY due_at LIMIT ? FOR UPDATE SKIP LOCKED";

static const char sql_idem_purge[] =
	"DELETE FROM idempotency_keys WHERE created_at < NOW(6) - INTERVAL 1 DAY LIMIT 1000";

const char *ts_run_outcome_name(enum ts_run_outcome o)
{
	switch (o) {
	case TS_RUN_SUCCEEDED: return "succeeded";
	case TS_RUN_FAILED: return "failed";
	case TS_RUN_RETRY: return "retry";
	case TS_RUN_LOST: return "lost";
	}
	return "failed";
}

static enum ts_err no_memory(struct ts_error *err)
{
	return ts_error_set(err, TS_ERR_NOMEM, "internal", NULL, "out of memory");
}

/* Builds [{"id": ...}, ...] of the tasks' ids. */
static char *ids_json(const struct ts_task *tasks, size_t count)
{
	struct ts_json_rows *rows = ts_json_rows_new();
	char *text = NULL;

	if (!rows)
		return NULL;
	for (size_t i = 0; i < count; i++) {
		if (!ts_json_rows_add(rows) || !ts_json_rows_str(rows, "id", tasks[i].id))
			goto out;
	}
	text = ts_json_rows_print(rows);
out:
	ts_json_rows_free(rows);
	return text;
}

static void bind_json(MYSQL_BIND *b, const char *json, unsigned long *len)
{
	db_bind_str(b, json, len);
	b->buffer_type = MYSQL_TYPE_BLOB;
}

static enum ts_err claim_due(struct ts_db *db, const char *executor_id, unsigned limit,
			     unsigned lease_seconds, struct ts_task **tasks, size_t *count,
			     struct ts_error *err)
{
	MYSQL_BIND in[4];
	unsigned long len[2];
	struct db_task_row row;
	char *json = NULL;
	MYSQL_STMT *sel, *upd;
	enum ts_err rc = db_exec(db, "START TRANSACTION", err);

	*tasks = NULL;
	*count = 0;
	if (rc)
		return rc;
	sel = db_stmt(db, STMT_CLAIM_SELECT, sql_claim_select, err);
	upd = sel ? db_stmt(db, STMT_CLAIM_UPDATE, sql_claim_update, err) : NULL;
	if (!upd) {
		rc = err ? err->status : TS_ERR_DB;
		goto fail;
	}
	db_bind_uint(&in[0], &limit);
	rc = db_exec_stmt(db, sel, in, NULL, "claim select", err);
	if (rc == TS_OK)
		rc = db_task_row_bind(db, sel, &row, err);
	if (rc == TS_OK)
		rc = db_task_rows_fetch_all(db, sel, &row, limit, tasks, count, err);
	if (rc)
		goto fail;
	if (*count == 0)
		return db_exec(db, "COMMIT", err);

	json = ids_json(*tasks, *count);
	if (!json) {
		rc = no_memory(err);
		goto fail;
	}
	bind_json(&in[0], json, &len[0]);
	db_bind_str(&in[1], executor_id, &len[1]);
	db_bind_uint(&in[2], &lease_seconds);
	db_bind_uint(&in[3], &lease_seconds);
	rc = db_exec_stmt(db, upd, in, NULL, "claim update", err);
	free(json);
	if (rc == TS_OK)
		rc = db_exec(db, "COMMIT", err);
	if (rc)
		goto fail;
	for (size_t i = 0; i < *count; i++) {
		(*tasks)[i].status = TS_STATUS_RUNNING;
		(*tasks)[i].attempts++;
	}
	return TS_OK;
fail:
	db_rollback_quietly(db);
	ts_task_array_free(*tasks, *count);
	*tasks = NULL;
	*count = 0;
	return rc;
}

enum ts_err ts_db_claim_due(struct ts_db *db, const char *executor_id, unsigned limit,
			    unsigned lease_seconds, struct ts_task **tasks, size_t *count,
			    struct ts_error *err)
{
	enum ts_err rc;

	for (int attempt = 0;; attempt++) {
		rc = claim_due(db, executor_id, limit, lease_seconds, tasks, count, err);
		if (!db_retry_stale(db, rc, attempt))
			return rc;
	}
}

static enum ts_err next_due(struct ts_db *db, bool *found, ts_time_us *due_in,
			    struct ts_error *err)
{
	MYSQL_BIND out[1];
	my_bool is_null = 1;
	long long v = 0;
	enum ts_err rc;
	MYSQL_STMT *stmt = db_stmt(db, STMT_NEXT_DUE, sql_next_due, err);

	*found = false;
	if (!stmt)
		return err ? err->status : TS_ERR_DB;
	memset(out, 0, sizeof(out));
	out[0].buffer_type = MYSQL_TYPE_LONGLONG;
	out[0].buffer = &v;
	out[0].is_null = &is_null;
	rc = db_exec_stmt(db, stmt, NULL, NULL, "next due", err);
	if (rc)
		return rc;
	if (mysql_stmt_bind_result(stmt, out))
		return db_fail(db, stmt, "next due", err);
	int f = mysql_stmt_fetch(stmt);
	if (f == 1) {
		rc = db_fail(db, stmt, "next due", err);
	} else if (f == 0 && !is_null) {
		*found = true;
		*due_in = (ts_time_us)v;
	}
	if (db->conn)
		mysql_stmt_free_result(stmt);
	return rc;
}

enum ts_err ts_db_next_due(struct ts_db *db, bool *found, ts_time_us *due_in_us,
			   struct ts_error *err)
{
	enum ts_err rc;

	for (int attempt = 0;; attempt++) {
		rc = next_due(db, found, due_in_us, err);
		if (!db_retry_stale(db, rc, attempt))
			return rc;
	}
}

/* The state an attempt leaves its task in. */
static enum ts_task_status status_after(const struct ts_task_result *r)
{
	switch (r->outcome) {
	case TS_RUN_SUCCEEDED:
		return TS_STATUS_COMPLETED;
	case TS_RUN_RETRY:
	case TS_RUN_LOST:
		if (r->task->attempts < r->task->max_attempts)
			return TS_STATUS_SCHEDULED;
		return TS_STATUS_FAILED;
	case TS_RUN_FAILED:
		break;
	}
	return TS_STATUS_FAILED;
}

/* The three JSON documents of a finish: run rows, task updates, children. */
struct finish_docs {
	char *runs, *updates, *children;
	bool any_children;
};

static void finish_docs_free(struct finish_docs *d)
{
	free(d->runs);
	free(d->updates);
	free(d->children);
	memset(d, 0, sizeof(*d));
}

static bool add_time(struct ts_json_rows *rows, const char *key, ts_time_us t)
{
	char buf[TS_TIME_TEXT_MAX];

	return ts_json_rows_str(rows, key, ts_time_format_sql(t, buf));
}

static bool add_run_row(struct ts_json_rows *rows, const struct ts_task_result *r,
			const char *owner, enum ts_task_status next)
{
	/* An attempt that would be retried but was the last one failed for good. */
	enum ts_run_outcome shown = r->outcome == TS_RUN_RETRY && next == TS_STATUS_FAILED
					    ? TS_RUN_FAILED : r->outcome;
	char excerpt[TS_RUN_EXCERPT_MAX + 1];
	const char *ex = NULL;

	if (r->excerpt) {
		/* Bounded, and cut on a character boundary so it stays UTF-8. */
		size_t n = strlen(r->excerpt);
		if (n > TS_RUN_EXCERPT_MAX)
			n = TS_RUN_EXCERPT_MAX;
		while (n > 0 && !ts_json_is_utf8(r->excerpt, n))
			n--;
		memcpy(excerpt, r->excerpt, n);
		excerpt[n] = '\0';
		ex = excerpt;
	}
	return ts_json_rows_add(rows) &&
	       ts_json_rows_str(rows, "id", r->task->id) &&
	       ts_json_rows_int(rows, "attempt", r->task->attempts) &&
	       ts_json_rows_str(rows, "owner", owner) &&
	       (r->started_at ? add_time(rows, "started_at", r->started_at)
			      : ts_json_rows_str(rows, "started_at", NULL)) &&
	       add_time(rows, "finished_at", r->finished_at) &&
	       ts_json_rows_str(rows, "outcome", ts_run_outcome_name(shown)) &&
	       (r->http_status ? ts_json_rows_int(rows, "http_status", r->http_status)
			       : ts_json_rows_str(rows, "http_status", NULL)) &&
	       ts_json_rows_str(rows, "error", r->error) &&
	       ts_json_rows_str(rows, "excerpt", ex);
}

static bool add_update_row(struct ts_json_rows *rows, const struct ts_task_result *r,
			   const char *owner, enum ts_task_status next)
{
	char msg[TS_RUN_ERROR_MAX + 64];
	const char *error = r->error;

	if (next == TS_STATUS_COMPLETED) {
		error = NULL;
	} else if (next == TS_STATUS_FAILED && r->outcome != TS_RUN_FAILED) {
		snprintf(msg, sizeof(msg), "gave up after %d attempts: %s",
			 r->task->attempts, r->error ? r->error : "unknown error");
		error = msg;
	}
	return ts_json_rows_add(rows) &&
	       ts_json_rows_str(rows, "id", r->task->id) &&
	       ts_json_rows_str(rows, "owner", owner) &&
	       ts_json_rows_str(rows, "status", ts_task_status_name(next)) &&
	       (next == TS_STATUS_SCHEDULED ? add_time(rows, "due_at", r->retry_at)
					    : ts_json_rows_str(rows, "due_at", NULL)) &&
	       ts_json_rows_str(rows, "error", error);
}

static bool add_child_row(struct ts_json_rows *rows, const struct ts_task *t, ts_time_us now)
{
	char child[TS_ID_TEXT_MAX];
	ts_time_us next = ts_recurrence_next(t->run_at, t->recurrence, t->anchor_day, now);

	if (next <= t->run_at)
		return true; /* the series ran past year 9999 */
	ts_id_new(child);
	return ts_json_rows_add(rows) &&
	       ts_json_rows_str(rows, "parent", t->id) &&
	       ts_json_rows_str(rows, "child", child) &&
	       add_time(rows, "run_at", next);
}

static enum ts_err build_finish_docs(const char *executor_id,
				     const struct ts_task_result *results, size_t count,
				     struct finish_docs *d, struct ts_error *err)
{
	struct ts_json_rows *runs = ts_json_rows_new();
	struct ts_json_rows *updates = ts_json_rows_new();
	struct ts_json_rows *children = ts_json_rows_new();
	ts_time_us now = ts_time_now();
	enum ts_err rc = TS_OK;

	memset(d, 0, sizeof(*d));
	if (!runs || !updates || !children)
		goto nomem;
	for (size_t i = 0; i < count; i++) {
		const struct ts_task_result *r = &results[i];
		const char *owner = r->outcome == TS_RUN_LOST ? NULL : executor_id;
		enum ts_task_status next = status_after(r);
		if (!add_run_row(runs, r, owner, next) || !add_update_row(updates, r, owner, next))
			goto nomem;
		if (r->task->recurrence != TS_RECUR_NONE && next != TS_STATUS_SCHEDULED) {
			if (!add_child_row(children, r->task, now))
				goto nomem;
			d->any_children = true;
		}
	}
	d->runs = ts_json_rows_print(runs);
	d->updates = ts_json_rows_print(updates);
	d->children = ts_json_rows_print(children);
	if (!d->runs || !d->updates || !d->children)
		goto nomem;
	goto out;
nomem:
	finish_docs_free(d);
	rc = no_memory(err);
out:
	ts_json_rows_free(runs);
	ts_json_rows_free(updates);
	ts_json_rows_free(children);
	return rc;
}

/* Applies a finish inside the caller's transaction. */
static enum ts_err apply_finish(struct ts_db *db, const struct finish_docs *d,
				size_t *applied, struct ts_error *err)
{
	MYSQL_BIND in[1];
	unsigned long len;
	unsigned long long affected = 0;
	MYSQL_STMT *runs = db_stmt(db, STMT_FINISH_RUNS, sql_finish_runs, err);
	MYSQL_STMT *upd = runs ? db_stmt(db, STMT_FINISH_UPDATE, sql_finish_update, err) : NULL;
	MYSQL_STMT *kids = upd ? db_stmt(db, STMT_FINISH_CHILDREN, sql_finish_children, err) : NULL;
	enum ts_err rc;

	if (!kids)
		return err ? err->status : TS_ERR_DB;
	bind_json(&in[0], d->runs, &len);
	rc = db_exec_stmt(db, runs, in, NULL, "record runs", err);
	if (rc)
		return rc;
	bind_json(&in[0], d->updates, &len);
	rc = db_exec_stmt(db, upd, in, &affected, "finish tasks", err);
	if (rc)
		return rc;
	*applied = (size_t)affected;
	if (!d->any_children)
		return TS_OK;
	bind_json(&in[0], d->children, &len);
	return db_exec_stmt(db, kids, in, NULL, "schedule next occurrences", err);
}

enum ts_err ts_db_finish(struct ts_db *db, const char *executor_id,
			 const struct ts_task_result *results, size_t count,
			 size_t *applied, struct ts_error *err)
{
	struct finish_docs docs;
	enum ts_err rc;

	*applied = 0;
	if (count == 0)
		return TS_OK;
	rc = build_finish_docs(executor_id, results, count, &docs, err);
	if (rc)
		return rc;
	for (int attempt = 0;; attempt++) {
		rc = db_exec(db, "START TRANSACTION", err);
		if (rc == TS_OK)
			rc = apply_finish(db, &docs, applied, err);
		if (rc == TS_OK)
			rc = db_exec(db, "COMMIT", err);
		if (rc)
			db_rollback_quietly(db);
		if (!db_retry_stale(db, rc, attempt))
			break;
	}
	finish_docs_free(&docs);
	return rc;
}

enum ts_err ts_db_release(struct ts_db *db, const char *executor_id,
			  const struct ts_task *tasks, size_t count, struct ts_error *err)
{
	MYSQL_BIND in[2];
	unsigned long len[2];
	enum ts_err rc;
	char *json;
	MYSQL_STMT *stmt;

	if (count == 0)
		return TS_OK;
	json = ids_json(tasks, count);
	if (!json)
		return no_memory(err);
	for (int attempt = 0;; attempt++) {
		stmt = db_stmt(db, STMT_RELEASE, sql_release, err);
		if (!stmt) {
			rc = err ? err->status : TS_ERR_DB;
		} else {
			bind_json(&in[0], json, &len[0]);
			db_bind_str(&in[1], executor_id, &len[1]);
			rc = db_exec_stmt(db, stmt, in, NULL, "release tasks", err);
		}
		if (!db_retry_stale(db, rc, attempt))
			break;
	}
	free(json);
	return rc;
}

static enum ts_err reap_expired(struct ts_db *db, unsigned limit, size_t *reaped,
				struct ts_error *err)
{
	MYSQL_BIND in[1];
	struct db_task_row row;
	struct ts_task *tasks = NULL;
	struct ts_task_result *results = NULL;
	struct finish_docs docs = { 0 };
	size_t count = 0, applied = 0;
	ts_time_us now = ts_time_now();
	MYSQL_STMT *sel, *purge;
	enum ts_err rc = db_exec(db, "START TRANSACTION", err);

	if (rc)
		return rc;
	sel = db_stmt(db, STMT_REAP_SELECT, sql_reap_select, err);
	if (!sel) {
		rc = err ? err->status : TS_ERR_DB;
		goto out;
	}
	db_bind_uint(&in[0], &limit);
	rc = db_exec_stmt(db, sel, in, NULL, "reap select", err);
	if (rc == TS_OK)
		rc = db_task_row_bind(db, sel, &row, err);
	if (rc == TS_OK)
		rc = db_task_rows_fetch_all(db, sel, &row, limit, &tasks, &count, err);
	if (rc || count == 0)
		goto out;
	results = calloc(count, sizeof(*results));
	if (!results) {
		rc = no_memory(err);
		goto out;
	}
	for (size_t i = 0; i < count; i++) {
		results[i].task = &tasks[i];
		results[i].outcome = TS_RUN_LOST;
		results[i].error = "the executor's lease expired before the attempt "
				   "finished (executor stopped or lost the database)";
		results[i].finished_at = now;
		results[i].retry_at = now;
	}
	rc = build_finish_docs(NULL, results, count, &docs, err);
	if (rc == TS_OK)
		rc = apply_finish(db, &docs, &applied, err);
out:
	if (rc == TS_OK) {
		purge = db_stmt(db, STMT_IDEM_PURGE, sql_idem_purge, err);
		rc = purge ? db_exec_stmt(db, purge, NULL, NULL, "purge keys", err)
			   : (err ? err->status : TS_ERR_DB);
	}
	if (rc == TS_OK)
		rc = db_exec(db, "COMMIT", err);
	if (rc)
		db_rollback_quietly(db);
	*reaped = rc ? 0 : count;
	finish_docs_free(&docs);
	free(results);
	ts_task_array_free(tasks, count);
	return rc;
}

enum ts_err ts_db_reap_expired(struct ts_db *db, unsigned limit, size_t *reaped,
			       struct ts_error *err)
{
	enum ts_err rc;

	for (int attempt = 0;; attempt++) {
		rc = reap_expired(db, limit, reaped, err);
		if (!db_retry_stale(db, rc, attempt))
			return rc;
	}
}
