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
 * share the (status, due_at) index (see sql_claim_update_in_head). */

/* Statements on a list of ids bind a fixed number of them, padding with the
 * last id (IN ignores repeats): one prepared statement serves any batch,
 * and a plain IN list costs MariaDB about half of a JSON_TABLE join. */
#define ID_CHUNK 100

static const char sql_claim_update_in_head[] =
	"UPDATE tasks SET status = 'running', attempts = attempts + 1,"
	" lease_owner = ?, claimed_at = NOW(6),"
	" lease_expires_at = NOW(6) + INTERVAL ? SECOND,"
	" due_at = NOW(6) + INTERVAL ? SECOND, updated_at = NOW(6)"
	" WHERE status = 'scheduled' AND id IN (";

/* Fenced by owner and attempt: the outcome of one attempt never lands on
 * another, even of the same executor. */
static const char sql_finish_completed_in_head[] =
	"UPDATE tasks SET status = 'completed', error_message = NULL,"
	" lease_owner = NULL, claimed_at = NULL, lease_expires_at = NULL,"
	" updated_at = NOW(6)"
	" WHERE status = 'running' AND lease_owner = ? AND attempts = ? AND id IN (";

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
	" created_at, updated_at)"
	" SELECT j.child, p.tenant, p.action, p.payload, j.run_at, j.run_at, 'scheduled',"
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

/* A live executor keeps extending the leases of everything it holds, so
 * only a dead (or cut-off) executor's tasks ever expire. */
static const char sql_renew[] =
	"UPDATE tasks SET lease_expires_at = NOW(6) + INTERVAL ? SECOND,"
	" due_at = NOW(6) + INTERVAL ? SECOND"
	" WHERE status = 'running' AND lease_owner = ?";

static const char sql_idem_purge[] =
	"DELETE FROM idempotency_keys WHERE created_at < NOW(6) - INTERVAL 1 DAY LIMIT 1000";


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

/* Prepares (once per connection) `head` followed by ID_CHUNK placeholders. */
static MYSQL_STMT *in_list_stmt(struct ts_db *db, enum db_stmt_id id, const char *head,
				struct ts_error *err)
{
	size_t len = strlen(head) + ID_CHUNK * 2 + 2;
	char *sql, *p;
	MYSQL_STMT *stmt;

	if (db_connect(db, err) != TS_OK)
		return NULL;
	if (db->stmts[id])
		return db->stmts[id];
	sql = malloc(len);
	if (!sql) {
		ts_error_set(err, TS_ERR_NOMEM, "internal", NULL, "out of memory");
		return NULL;
	}
	p = sql + sprintf(sql, "%s", head);
	for (int i = 0; i < ID_CHUNK; i++)
		p += sprintf(p, i ? ",?" : "?");
	sprintf(p, ")");
	stmt = db_stmt(db, id, sql, err);
	free(sql);
	return stmt;
}

/* Runs an IN-list statement over `count` ids in chunks; the `nfixed` binds
 * of `fixed` come first. *affected sums the rows changed. */
static enum ts_err exec_in_list(struct ts_db *db, MYSQL_STMT *stmt, const MYSQL_BIND *fixed,
				unsigned nfixed, const char *const *ids, size_t count,
				unsigned long long *affected, const char *what,
				struct ts_error *err)
{
	MYSQL_BIND b[4 + ID_CHUNK];
	unsigned long len[ID_CHUNK];
	enum ts_err rc = TS_OK;

	*affected = 0;
	memcpy(b, fixed, nfixed * sizeof(*b));
	for (size_t start = 0; start < count && rc == TS_OK; start += ID_CHUNK) {
		unsigned long long n = 0;
		for (size_t i = 0; i < ID_CHUNK; i++) {
			size_t k = start + i < count ? start + i : count - 1;
			db_bind_str(&b[nfixed + i], ids[k], &len[i]);
		}
		rc = db_exec_stmt(db, stmt, b, &n, what, err);
		*affected += n;
	}
	return rc;
}

static enum ts_err claim_due(struct ts_db *db, const char *executor_id, unsigned limit,
			     unsigned lease_seconds, struct ts_task **tasks, size_t *count,
			     struct ts_error *err)
{
	MYSQL_BIND in[4];
	unsigned long len[2];
	unsigned long long affected = 0;
	struct db_task_row row;
	const char **ids;
	MYSQL_STMT *sel, *upd;
	enum ts_err rc = db_exec(db, "START TRANSACTION", err);

	*tasks = NULL;
	*count = 0;
	if (rc)
		return rc;
	sel = db_stmt(db, STMT_CLAIM_SELECT, sql_claim_select, err);
	upd = sel ? in_list_stmt(db, STMT_CLAIM_UPDATE_IN, sql_claim_update_in_head, err) : NULL;
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

	ids = calloc(*count, sizeof(*ids));
	if (!ids) {
		rc = no_memory(err);
		goto fail;
	}
	for (size_t i = 0; i < *count; i++)
		ids[i] = (*tasks)[i].id;
	db_bind_str(&in[0], executor_id, &len[0]);
	db_bind_uint(&in[1], &lease_seconds);
	db_bind_uint(&in[2], &lease_seconds);
	rc = exec_in_list(db, upd, in, 3, ids, *count, &affected, "claim update", err);
	free(ids);
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

/* What a finish writes, prepared before the transaction opens. Plain
 * completions, the bulk of any batch, take the cheapest statements: a
 * multi-row VALUES insert of their runs and an IN-list update; the rest
 * (retries, failures, lost attempts, children) travel as JSON documents. */
struct finish_plan {
	const struct ts_task_result *results;
	size_t count;
	const char *owner;              /* NULL when the reaper reports lost attempts */
	enum ts_task_status *next;      /* each task's status afterwards */
	const char **completed;         /* ids of plain completions */
	int *completed_attempt;         /* and the attempt each completed */
	size_t completed_count;
	char *runs;                     /* JSON run rows (reaper only) */
	char *updates;                  /* JSON of the other status changes, or NULL */
	char *children;                 /* JSON of next occurrences, or NULL */
};

static void finish_plan_free(struct finish_plan *p)
{
	free(p->next);
	free(p->completed);
	free(p->completed_attempt);
	free(p->runs);
	free(p->updates);
	free(p->children);
	memset(p, 0, sizeof(*p));
}

static bool add_time(struct ts_json_rows *rows, const char *key, ts_time_us t)
{
	char buf[TS_TIME_TEXT_MAX];

	return ts_json_rows_str(rows, key, ts_time_format_sql(t, buf));
}

/* An attempt that would be retried but was the last one failed for good. */
static enum ts_run_outcome shown_outcome(const struct ts_task_result *r,
					 enum ts_task_status next)
{
	return r->outcome == TS_RUN_RETRY && next == TS_STATUS_FAILED ? TS_RUN_FAILED
								       : r->outcome;
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
	if (ts_json_is_utf8(out, n))
		return;
	/* Drop a character cut in half at the end, then mask what is left. */
	size_t keep = n;
	while (keep > 0 && keep > n - 4 && !ts_json_is_utf8(out, keep))
		keep--;
	if (keep > 0 && ts_json_is_utf8(out, keep)) {
		out[keep] = '\0';
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if ((unsigned char)out[i] >= 0x80)
			out[i] = '?';
	}
}

static bool add_run_row(struct ts_json_rows *rows, const struct ts_task_result *r,
			enum ts_task_status next)
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
	       ts_json_rows_str(rows, "outcome", ts_run_outcome_name(shown_outcome(r, next))) &&
	       (r->http_status ? ts_json_rows_int(rows, "http_status", r->http_status)
			       : ts_json_rows_str(rows, "http_status", NULL)) &&
	       ts_json_rows_str(rows, "error", r->error) &&
	       ts_json_rows_str(rows, "excerpt", r->excerpt ? excerpt : NULL);
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
	       ts_json_rows_int(rows, "attempt", r->task->attempts) &&
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

/* Prints `rows` into *out when it has any row; leaves *out NULL otherwise. */
static bool print_rows(struct ts_json_rows *rows, size_t n, char **out)
{
	*out = NULL;
	if (n == 0)
		return true;
	*out = ts_json_rows_print(rows);
	return *out != NULL;
}

static enum ts_err plan_finish(const char *owner, const struct ts_task_result *results,
			       size_t count, struct finish_plan *p, struct ts_error *err)
{
	struct ts_json_rows *runs = ts_json_rows_new();
	struct ts_json_rows *updates = ts_json_rows_new();
	struct ts_json_rows *children = ts_json_rows_new();
	size_t nruns = 0, nupdates = 0, nchildren = 0;
	ts_time_us now = ts_time_now();
	enum ts_err rc = TS_OK;

	memset(p, 0, sizeof(*p));
	p->results = results;
	p->count = count;
	p->owner = owner;
	p->next = calloc(count, sizeof(*p->next));
	p->completed = calloc(count, sizeof(*p->completed));
	p->completed_attempt = calloc(count, sizeof(*p->completed_attempt));
	if (!runs || !updates || !children || !p->next || !p->completed || !p->completed_attempt)
		goto nomem;
	for (size_t i = 0; i < count; i++) {
		const struct ts_task_result *r = &results[i];
		enum ts_task_status next = status_after(r);
		p->next[i] = next;
		/* Lost attempts name their executor and start time from the
		 * row itself, so they go through the JSON insert. */
		if (!owner) {
			if (!add_run_row(runs, r, next))
				goto nomem;
			nruns++;
		}
		if (owner && next == TS_STATUS_COMPLETED) {
			p->completed_attempt[p->completed_count] = r->task->attempts;
			p->completed[p->completed_count++] = r->task->id;
		} else {
			if (!add_update_row(updates, r, owner, next))
				goto nomem;
			nupdates++;
		}
		if (r->task->recurrence != TS_RECUR_NONE && next != TS_STATUS_SCHEDULED) {
			if (!add_child_row(children, r->task, now))
				goto nomem;
			nchildren++;
		}
	}
	if (!print_rows(runs, nruns, &p->runs) || !print_rows(updates, nupdates, &p->updates) ||
	    !print_rows(children, nchildren, &p->children))
		goto nomem;
	goto out;
nomem:
	finish_plan_free(p);
	rc = no_memory(err);
out:
	ts_json_rows_free(runs);
	ts_json_rows_free(updates);
	ts_json_rows_free(children);
	return rc;
}

#define RUN_COLUMNS 9

static char *runs_insert_sql(unsigned n)
{
	static const char head[] =
		"INSERT INTO task_runs (task_id, attempt, executor_id, started_at,"
		" finished_at, outcome, http_status, error, response_excerpt) VALUES ";
	static const char row[] = "(?,?,?,?,?,?,?,?,?)";
	char *sql = malloc(sizeof(head) + n * sizeof(row) + 1);

	if (!sql)
		return NULL;
	char *p = sql + sprintf(sql, "%s", head);
	for (unsigned i = 0; i < n; i++)
		p += sprintf(p, "%s%s", i ? "," : "", row);
	return sql;
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
static enum ts_err insert_runs(struct ts_db *db, const struct finish_plan *p,
			       struct ts_error *err)
{
	MYSQL_BIND *b = calloc(DB_SIZED_MAX * RUN_COLUMNS, sizeof(*b));
	struct run_row_binds *rb = calloc(DB_SIZED_MAX, sizeof(*rb));
	enum ts_err rc = TS_OK;

	if (!b || !rb) {
		rc = no_memory(err);
		goto out;
	}
	for (size_t start = 0; start < p->count && rc == TS_OK; start += DB_SIZED_MAX) {
		unsigned n = (unsigned)(p->count - start < DB_SIZED_MAX ? p->count - start
									 : DB_SIZED_MAX);
		MYSQL_STMT *stmt = db_stmt_sized(db, SIZED_RUNS_INSERT, n, runs_insert_sql, err);
		if (!stmt) {
			rc = err ? err->status : TS_ERR_DB;
			break;
		}
		for (unsigned i = 0; i < n; i++) {
			const struct ts_task_result *r = &p->results[start + i];
			struct run_row_binds *x = &rb[i];
			MYSQL_BIND *c = &b[i * RUN_COLUMNS];
			enum ts_run_outcome o = shown_outcome(r, p->next[start + i]);

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
static enum ts_err complete_by_attempt(struct ts_db *db, const struct finish_plan *p,
				       size_t *applied, struct ts_error *err)
{
	MYSQL_BIND in[2];
	unsigned long len;
	const char **ids = calloc(p->completed_count, sizeof(*ids));
	bool *done = calloc(p->completed_count, sizeof(*done));
	enum ts_err rc = TS_OK;
	MYSQL_STMT *stmt = in_list_stmt(db, STMT_FINISH_COMPLETED_IN,
					sql_finish_completed_in_head, err);

	if (!ids || !done) {
		rc = no_memory(err);
		goto out;
	}
	if (!stmt) {
		rc = err ? err->status : TS_ERR_DB;
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
		rc = exec_in_list(db, stmt, in, 2, ids, n, &affected, "complete tasks", err);
		*applied += (size_t)affected;
	}
out:
	free(ids);
	free(done);
	return rc;
}

/* Applies a finish inside the caller's transaction. */
static enum ts_err apply_finish(struct ts_db *db, const struct finish_plan *p,
				size_t *applied, struct ts_error *err)
{
	MYSQL_BIND in[1];
	unsigned long len;
	unsigned long long affected = 0;
	MYSQL_STMT *stmt;
	enum ts_err rc;

	*applied = 0;
	if (p->runs) {
		stmt = db_stmt(db, STMT_FINISH_RUNS, sql_finish_runs, err);
		if (!stmt)
			return err ? err->status : TS_ERR_DB;
		bind_json(&in[0], p->runs, &len);
		rc = db_exec_stmt(db, stmt, in, NULL, "record lost runs", err);
	} else {
		rc = insert_runs(db, p, err);
	}
	if (rc)
		return rc;
	if (p->completed_count) {
		rc = complete_by_attempt(db, p, applied, err);
		if (rc)
			return rc;
	}
	if (p->updates) {
		stmt = db_stmt(db, STMT_FINISH_UPDATE, sql_finish_update, err);
		if (!stmt)
			return err ? err->status : TS_ERR_DB;
		bind_json(&in[0], p->updates, &len);
		rc = db_exec_stmt(db, stmt, in, &affected, "finish tasks", err);
		if (rc)
			return rc;
		*applied += (size_t)affected;
	}
	if (!p->children)
		return TS_OK;
	stmt = db_stmt(db, STMT_FINISH_CHILDREN, sql_finish_children, err);
	if (!stmt)
		return err ? err->status : TS_ERR_DB;
	bind_json(&in[0], p->children, &len);
	return db_exec_stmt(db, stmt, in, NULL, "schedule next occurrences", err);
}

enum ts_err ts_db_finish(struct ts_db *db, const char *executor_id,
			 const struct ts_task_result *results, size_t count,
			 size_t *applied, struct ts_error *err)
{
	struct finish_plan plan;
	enum ts_err rc;

	*applied = 0;
	if (count == 0)
		return TS_OK;
	rc = plan_finish(executor_id, results, count, &plan, err);
	if (rc)
		return rc;
	for (int attempt = 0;; attempt++) {
		rc = db_exec(db, "START TRANSACTION", err);
		if (rc == TS_OK)
			rc = apply_finish(db, &plan, applied, err);
		if (rc == TS_OK)
			rc = db_exec(db, "COMMIT", err);
		if (rc)
			db_rollback_quietly(db);
		if (!db_retry_stale(db, rc, attempt))
			break;
	}
	finish_plan_free(&plan);
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
	struct finish_plan plan = { 0 };
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
	rc = plan_finish(NULL, results, count, &plan, err);
	if (rc == TS_OK)
		rc = apply_finish(db, &plan, &applied, err);
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
	finish_plan_free(&plan);
	free(results);
	ts_task_array_free(tasks, count);
	return rc;
}

enum ts_err ts_db_renew_leases(struct ts_db *db, const char *executor_id,
			       unsigned lease_seconds, size_t *renewed, struct ts_error *err)
{
	MYSQL_BIND in[3];
	unsigned long len;
	unsigned long long affected = 0;
	enum ts_err rc;

	*renewed = 0;
	for (int attempt = 0;; attempt++) {
		MYSQL_STMT *stmt = db_stmt(db, STMT_RENEW, sql_renew, err);
		if (!stmt) {
			rc = err ? err->status : TS_ERR_DB;
		} else {
			db_bind_uint(&in[0], &lease_seconds);
			db_bind_uint(&in[1], &lease_seconds);
			db_bind_str(&in[2], executor_id, &len);
			rc = db_exec_stmt(db, stmt, in, &affected, "renew leases", err);
		}
		if (!db_retry_stale(db, rc, attempt))
			break;
	}
	*renewed = (size_t)affected;
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
