/* claim.c -- the executor's hold on tasks: claiming what is due, the next
 * due time, renewing leases, and releasing claims on shutdown. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "db_internal.h"
#include "json.h"

static const char sql_claim_select[] =
	"SELECT " DB_TASK_COLUMNS " FROM tasks"
	" WHERE status = 'scheduled' AND due_at <= NOW(6)"
	" ORDER BY due_at LIMIT ? FOR UPDATE SKIP LOCKED";

/* While running, due_at is the lease expiry: the reaper and the claim
 * share the (status, due_at) index. */
static const char sql_claim_update_in_head[] =
	"UPDATE tasks SET status = 'running', attempts = attempts + 1,"
	" lease_owner = ?, claimed_at = NOW(6),"
	" lease_expires_at = NOW(6) + INTERVAL ? SECOND,"
	" due_at = NOW(6) + INTERVAL ? SECOND, updated_at = NOW(6)"
	" WHERE status = 'scheduled' AND id IN (";

/* After the claim's COMMIT: which of its rows (by their place in the
 * claim, 1-based) the node shows as this executor's, in one statement per
 * claim. The read first waits until the node has applied every write the
 * cluster ordered before it (wsrep_sync_wait; nothing on a server without
 * Galera). */
static const char sql_claim_confirm[] =
	"SET STATEMENT wsrep_sync_wait = 1 FOR"
	" SELECT j.n FROM JSON_TABLE(?, '$[*]' COLUMNS (n FOR ORDINALITY,"
	" id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin PATH '$.id')) j"
	" JOIN tasks t ON t.id = j.id WHERE t.status = 'running' AND t.lease_owner = ?";

static const char sql_next_due[] =
	"SELECT TIMESTAMPDIFF(MICROSECOND, NOW(6), MIN(due_at)) FROM tasks"
	" WHERE status = 'scheduled'";

static const char sql_release[] =
	"UPDATE tasks t JOIN JSON_TABLE(?, '$[*]' COLUMNS (id CHAR(36) CHARACTER SET ascii"
	" COLLATE ascii_bin PATH '$.id')) j ON t.id = j.id"
	" SET t.status = 'scheduled', t.attempts = t.attempts - 1, t.due_at = NOW(6),"
	" t.lease_owner = NULL, t.claimed_at = NULL, t.lease_expires_at = NULL,"
	" t.updated_at = NOW(6)"
	" WHERE t.status = 'running' AND t.lease_owner = ?";

/* A live executor keeps extending the leases of everything it holds, so
 * only a dead (or cut-off) executor's tasks ever expire. */
static const char sql_renew[] =
	"UPDATE tasks SET lease_expires_at = NOW(6) + INTERVAL ? SECOND,"
	" due_at = NOW(6) + INTERVAL ? SECOND"
	" WHERE status = 'running' AND lease_owner = ?";

/* The arguments of ts_db_claim_due, for db_run_txn(). */
struct claim_call {
	const char *executor_id;
	unsigned limit;
	unsigned lease_seconds;
	struct ts_task *tasks;
	size_t count;
	bool *mine;                 /* keep_confirmed: tasks[i] is ours */
	size_t not_ours;            /* keep_confirmed: how many were not */
};

/* Leases the selected tasks to the caller, in the claim's transaction. */
static enum ts_err lease_claimed(struct ts_db *db, struct claim_call *c, struct ts_error *err)
{
	MYSQL_BIND in[3];
	unsigned long len;
	unsigned long long affected = 0;
	MYSQL_STMT *upd;
	const char **ids;
	enum ts_err rc = db_stmt_in_list(db, STMT_CLAIM_UPDATE_IN, sql_claim_update_in_head,
					 &upd, err);

	if (rc)
		return rc;
	ids = calloc(c->count, sizeof(*ids));
	if (!ids)
		return db_no_memory(err);
	for (size_t i = 0; i < c->count; i++)
		ids[i] = c->tasks[i].id;
	db_bind_str(&in[0], c->executor_id, &len);
	db_bind_uint(&in[1], &c->lease_seconds);
	db_bind_uint(&in[2], &c->lease_seconds);
	rc = db_exec_in_list(db, upd, in, 3, ids, c->count, &affected, "claim update", err);
	free(ids);
	return rc;
}

static enum ts_err claim_due(struct ts_db *db, void *ctx, struct ts_error *err)
{
	struct claim_call *c = ctx;
	enum ts_err rc;

	ts_task_array_free(c->tasks, c->count);
	rc = db_task_select(db, STMT_CLAIM_SELECT, sql_claim_select, c->limit, &c->tasks,
			    &c->count, "claim select", err);
	if (rc == TS_OK && c->count > 0)
		rc = lease_claimed(db, c, err);
	return rc;
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

/* What confirm_claim reads: the claim's ids as JSON. */
struct confirm_call {
	struct claim_call *claim;
	char *ids_json;
};

/* Marks in claim->mine the tasks the node shows as leased to this
 * executor. */
static enum ts_err confirm_claim(struct ts_db *db, void *ctx, struct ts_error *err)
{
	struct confirm_call *cc = ctx;
	struct claim_call *c = cc->claim;
	MYSQL_BIND in[2], out[1];
	unsigned long len[2];
	long long n = 0;
	MYSQL_STMT *stmt;
	enum ts_err rc = db_stmt(db, STMT_CLAIM_CONFIRM, sql_claim_confirm, &stmt, err);
	int f;

	if (rc)
		return rc;
	memset(c->mine, 0, c->count * sizeof(*c->mine));
	db_bind_json(&in[0], cc->ids_json, &len[0]);
	db_bind_str(&in[1], c->executor_id, &len[1]);
	db_bind_llong(&out[0], &n);
	rc = db_exec_stmt(db, stmt, in, NULL, "claim confirm", err);
	if (rc == TS_OK && mysql_stmt_bind_result(stmt, out))
		rc = db_fail(db, stmt, "claim confirm", err);
	while (rc == TS_OK && (f = mysql_stmt_fetch(stmt)) != MYSQL_NO_DATA) {
		if (f == 1) {
			rc = db_fail(db, stmt, "claim confirm", err);
			break;
		}
		if (n >= 1 && (size_t)n <= c->count)
			c->mine[n - 1] = true;
	}
	if (db->conn)
		mysql_stmt_free_result(stmt);
	return rc;
}

/* Keeps the tasks of a committed claim that are still this executor's
 * and frees the rest. On one server that is all of them. On Galera a
 * COMMIT has been seen to succeed for rows that another node's claim
 * took as well: certification is not strictly first-committer-wins
 * (galera#336, MDEV-29044), and once, with wsrep_log_conflicts slowing
 * the conflict path, a scale run fired 368 tasks twice, each executor
 * holding a committed claim. A task that is not shown as ours is left
 * to whoever holds it; firing it would be the second delivery. When the
 * read itself fails, none is started: the rows stay leased to this
 * executor and come back, as the next attempt, when the lease expires. */
static enum ts_err keep_confirmed(struct ts_db *db, struct claim_call *c, struct ts_error *err)
{
	struct confirm_call cc = { .claim = c, .ids_json = ids_json(c->tasks, c->count) };
	size_t kept = 0;
	enum ts_err rc;

	c->mine = calloc(c->count, sizeof(*c->mine));
	if (!c->mine || !cc.ids_json) {
		free(c->mine);
		c->mine = NULL;
		free(cc.ids_json);
		return db_no_memory(err);
	}
	rc = db_run(db, confirm_claim, &cc, err);
	free(cc.ids_json);
	for (size_t i = 0; rc == TS_OK && i < c->count; i++) {
		if (c->mine[i])
			c->tasks[kept++] = c->tasks[i];
		else
			ts_task_cleanup(&c->tasks[i]);
	}
	if (rc == TS_OK) {
		c->not_ours = c->count - kept;
		c->count = kept;
	}
	free(c->mine);
	c->mine = NULL;
	return rc;
}

enum ts_err ts_db_claim_due(struct ts_db *db, const char *executor_id, unsigned limit,
			    unsigned lease_seconds, struct ts_task **tasks, size_t *count,
			    size_t *not_ours, struct ts_error *err)
{
	struct claim_call c = {
		.executor_id = executor_id, .limit = limit, .lease_seconds = lease_seconds,
	};
	enum ts_err rc = db_run_txn(db, claim_due, &c, err);

	if (rc == TS_OK && c.count > 0)
		rc = keep_confirmed(db, &c, err);
	*tasks = NULL;
	*count = 0;
	*not_ours = c.not_ours;
	if (rc) {
		ts_task_array_free(c.tasks, c.count);
		return rc;
	}
	/* What the committed update made of them. */
	for (size_t i = 0; i < c.count; i++) {
		c.tasks[i].status = TS_STATUS_RUNNING;
		c.tasks[i].attempts++;
	}
	*tasks = c.tasks;
	*count = c.count;
	return TS_OK;
}

/* The arguments of ts_db_next_due, for db_run(). */
struct next_due_call {
	bool *found;
	ts_time_us *due_in;
};

static enum ts_err next_due(struct ts_db *db, void *ctx, struct ts_error *err)
{
	struct next_due_call *c = ctx;
	MYSQL_BIND out[1];
	my_bool is_null = 1;
	long long v = 0;
	bool row;
	MYSQL_STMT *stmt;
	enum ts_err rc = db_stmt(db, STMT_NEXT_DUE, sql_next_due, &stmt, err);

	*c->found = false;
	if (rc)
		return rc;
	memset(out, 0, sizeof(out));
	out[0].buffer_type = MYSQL_TYPE_LONGLONG;
	out[0].buffer = &v;
	out[0].is_null = &is_null;
	rc = db_fetch_one(db, stmt, NULL, out, &row, "next due", err);
	if (rc == TS_OK && row && !is_null) {
		*c->found = true;
		*c->due_in = (ts_time_us)v;
	}
	return rc;
}

enum ts_err ts_db_next_due(struct ts_db *db, bool *found, ts_time_us *due_in_us,
			   struct ts_error *err)
{
	struct next_due_call c = { .found = found, .due_in = due_in_us };

	return db_run(db, next_due, &c, err);
}

/* The arguments of the statements on an executor's leases, for db_run(). */
struct lease_call {
	const char *executor_id;
	const char *ids_json;       /* release: the tasks given back */
	unsigned lease_seconds;     /* renew: the new lease */
	unsigned long long affected;
};

static enum ts_err release(struct ts_db *db, void *ctx, struct ts_error *err)
{
	struct lease_call *c = ctx;
	MYSQL_BIND in[2];
	unsigned long len[2];

	db_bind_json(&in[0], c->ids_json, &len[0]);
	db_bind_str(&in[1], c->executor_id, &len[1]);
	return db_stmt_exec(db, STMT_RELEASE, sql_release, in, NULL, "release tasks", err);
}

enum ts_err ts_db_release(struct ts_db *db, const char *executor_id,
			  const struct ts_task *tasks, size_t count, struct ts_error *err)
{
	struct lease_call c = { .executor_id = executor_id };
	char *json;
	enum ts_err rc;

	if (count == 0)
		return TS_OK;
	json = ids_json(tasks, count);
	if (!json)
		return db_no_memory(err);
	c.ids_json = json;
	rc = db_run(db, release, &c, err);
	free(json);
	return rc;
}

static enum ts_err renew(struct ts_db *db, void *ctx, struct ts_error *err)
{
	struct lease_call *c = ctx;
	MYSQL_BIND in[3];
	unsigned long len;

	c->affected = 0;
	db_bind_uint(&in[0], &c->lease_seconds);
	db_bind_uint(&in[1], &c->lease_seconds);
	db_bind_str(&in[2], c->executor_id, &len);
	return db_stmt_exec(db, STMT_RENEW, sql_renew, in, &c->affected, "renew leases", err);
}

enum ts_err ts_db_renew_leases(struct ts_db *db, const char *executor_id,
			       unsigned lease_seconds, size_t *renewed, struct ts_error *err)
{
	struct lease_call c = { .executor_id = executor_id, .lease_seconds = lease_seconds };
	enum ts_err rc = db_run(db, renew, &c, err);

	*renewed = (size_t)c.affected;
	return rc;
}
