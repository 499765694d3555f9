/* prune.c -- retention: finished tasks and their runs, and expired
 * idempotency keys, deleted in bounded steps, each its own short
 * transaction, so that the tables stay as small as their use needs. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "db_internal.h"

/* Finished = completed or failed; old = both the occurrence's time and its
 * last change (its finish) before the cutoff. The (status, run_at) index
 * finds them: a redriven or long-retried task with an old run_at but a
 * recent finish is read and passed over, and such rows are few. Rows that
 * another transaction holds (a redrive, a delete) are skipped. */
#define FINISHED_BEFORE \
	" status IN ('completed', 'failed')" \
	" AND run_at < NOW(6) - INTERVAL ? DAY AND updated_at < NOW(6) - INTERVAL ? DAY"

/* The index is named: with most finished rows old, the optimizer rates
 * (status, due_at) as good, and would then walk every finished row in
 * due_at order, not just the old ones. */
#define BY_RUN_AT " FORCE INDEX (ix_tasks_status_run_at)"

static const char sql_prune_select[] =
	"SELECT id FROM tasks" BY_RUN_AT " WHERE" FINISHED_BEFORE " LIMIT ? FOR UPDATE SKIP LOCKED";
static const char sql_prune_runs_head[] = "DELETE FROM task_runs WHERE task_id IN (";
static const char sql_prune_tasks_head[] = "DELETE FROM tasks WHERE id IN (";

/* A retried POST with the same key is answered from its key for a day. */
#define KEY_EXPIRED "created_at < NOW(6) - INTERVAL 1 DAY"

static const char sql_idem_purge[] =
	"DELETE FROM idempotency_keys WHERE " KEY_EXPIRED " LIMIT ?";

static const char sql_prune_count[] =
	"SELECT (SELECT COUNT(*) FROM tasks" BY_RUN_AT " WHERE" FINISHED_BEFORE "),"
	" (SELECT COUNT(*) FROM tasks t" BY_RUN_AT " JOIN task_runs r ON r.task_id = t.id"
	"  WHERE t." FINISHED_BEFORE "),"
	" (SELECT COUNT(*) FROM idempotency_keys WHERE " KEY_EXPIRED ")";

/* What ts_db_prune_tasks hands to its unit. */
struct prune_call {
	unsigned days, limit;
	char (*ids)[TS_ID_TEXT_MAX];   /* `limit` slots */
	const char **id_ptrs;
	struct ts_prune_counts step;
};

/* Locks up to c->limit old finished tasks; their ids go to c->ids. */
static enum ts_err select_old(struct ts_db *db, struct prune_call *c, size_t *count,
			      struct ts_error *err)
{
	MYSQL_BIND in[3], out[1];
	unsigned long out_len;
	my_bool out_null, out_err;
	MYSQL_STMT *stmt;
	enum ts_err rc = db_stmt(db, STMT_PRUNE_SELECT, sql_prune_select, &stmt, err);
	char id[TS_ID_TEXT_MAX];

	*count = 0;
	if (rc)
		return rc;
	db_bind_uint(&in[0], &c->days);
	db_bind_uint(&in[1], &c->days);
	db_bind_uint(&in[2], &c->limit);
	db_bind_out_str(&out[0], id, sizeof(id), &out_len, &out_null, &out_err);
	if (mysql_stmt_bind_param(stmt, in) || mysql_stmt_execute(stmt) ||
	    mysql_stmt_bind_result(stmt, out))
		return db_fail(db, stmt, "select old tasks", err);
	for (;;) {
		int f = mysql_stmt_fetch(stmt);
		if (f == MYSQL_NO_DATA)
			break;
		if (f != 0) {
			rc = db_fail(db, stmt, "fetch old tasks", err);
			break;
		}
		if (*count < c->limit) {
			memcpy(c->ids[*count], id, sizeof(id));
			c->id_ptrs[*count] = c->ids[*count];
			(*count)++;
		}
	}
	if (db->conn)
		mysql_stmt_free_result(stmt);
	return rc;
}

/* Inside db_run_txn: the runs first, then the tasks, of what is locked. */
static enum ts_err prune_step(struct ts_db *db, void *ctx, struct ts_error *err)
{
	struct prune_call *c = ctx;
	MYSQL_BIND none[1];   /* the IN lists have no other parameter */
	MYSQL_STMT *runs, *tasks;
	size_t count;
	enum ts_err rc;

	memset(&c->step, 0, sizeof(c->step));
	rc = select_old(db, c, &count, err);
	if (rc || count == 0)
		return rc;
	rc = db_stmt_in_list(db, STMT_PRUNE_RUNS_IN, sql_prune_runs_head, &runs, err);
	if (rc == TS_OK)
		rc = db_exec_in_list(db, runs, none, 0, c->id_ptrs, count, &c->step.runs,
				     "delete old runs", err);
	if (rc == TS_OK)
		rc = db_stmt_in_list(db, STMT_PRUNE_TASKS_IN, sql_prune_tasks_head, &tasks, err);
	if (rc == TS_OK)
		rc = db_exec_in_list(db, tasks, none, 0, c->id_ptrs, count, &c->step.tasks,
				     "delete old tasks", err);
	return rc;
}

/* Deletes up to `limit` old finished tasks and their runs. */
static enum ts_err prune_tasks(struct ts_db *db, unsigned days, unsigned limit,
			       struct ts_prune_counts *counts, struct ts_error *err)
{
	struct prune_call c = { .days = days, .limit = limit };
	enum ts_err rc;

	c.ids = calloc(limit, sizeof(*c.ids));
	c.id_ptrs = calloc(limit, sizeof(*c.id_ptrs));
	if (!c.ids || !c.id_ptrs) {
		rc = db_no_memory(err);
		goto out;
	}
	rc = db_run_txn(db, prune_step, &c, err);
	if (rc == TS_OK) {
		counts->tasks += c.step.tasks;
		counts->runs += c.step.runs;
	}
out:
	free(c.ids);
	free(c.id_ptrs);
	return rc;
}

/* The arguments of the key purge, for db_run(). */
struct keys_call {
	unsigned limit;
	unsigned long long deleted;
};

static enum ts_err purge_keys(struct ts_db *db, void *ctx, struct ts_error *err)
{
	struct keys_call *c = ctx;
	MYSQL_BIND in[1];

	c->deleted = 0;
	db_bind_uint(&in[0], &c->limit);
	return db_stmt_exec(db, STMT_IDEM_PURGE, sql_idem_purge, in, &c->deleted,
			    "purge idempotency keys", err);
}

enum ts_err ts_db_prune_step(struct ts_db *db, unsigned days, unsigned limit,
			     struct ts_prune_counts *counts, bool *more, struct ts_error *err)
{
	unsigned long long tasks_before = counts->tasks;
	struct keys_call c = { .limit = limit };
	enum ts_err rc = TS_OK;

	*more = false;
	if (limit == 0)
		return ts_error_set(err, TS_ERR_INTERNAL, "internal", NULL,
				    "a pruning step needs a limit above 0");
	if (days > 0)
		rc = prune_tasks(db, days, limit, counts, err);
	if (rc == TS_OK)
		rc = db_run(db, purge_keys, &c, err);
	if (rc)
		return rc;
	counts->keys += c.deleted;
	*more = counts->tasks - tasks_before >= limit || c.deleted >= limit;
	return TS_OK;
}

/* The arguments of ts_db_prune_count, for db_run(). */
struct count_call {
	unsigned days;
	struct ts_prune_counts *counts;
};

static enum ts_err count_old(struct ts_db *db, void *ctx, struct ts_error *err)
{
	struct count_call *c = ctx;
	MYSQL_BIND in[4], out[3];
	unsigned long long v[3] = { 0, 0, 0 };
	MYSQL_STMT *stmt;
	enum ts_err rc = db_stmt(db, STMT_PRUNE_COUNT, sql_prune_count, &stmt, err);

	if (rc)
		return rc;
	for (int i = 0; i < 4; i++)
		db_bind_uint(&in[i], &c->days);
	memset(out, 0, sizeof(out));
	for (int i = 0; i < 3; i++) {
		out[i].buffer_type = MYSQL_TYPE_LONGLONG;
		out[i].buffer = &v[i];
		out[i].is_unsigned = 1;
	}
	if (mysql_stmt_bind_param(stmt, in) || mysql_stmt_execute(stmt) ||
	    mysql_stmt_bind_result(stmt, out) || mysql_stmt_fetch(stmt) != 0)
		rc = db_fail(db, stmt, "count old rows", err);
	if (db->conn)
		mysql_stmt_free_result(stmt);
	/* days 0 keeps every task: only the keys would go. */
	c->counts->tasks = c->days ? v[0] : 0;
	c->counts->runs = c->days ? v[1] : 0;
	c->counts->keys = v[2];
	return rc;
}

enum ts_err ts_db_prune_count(struct ts_db *db, unsigned days, struct ts_prune_counts *counts,
			      struct ts_error *err)
{
	struct count_call c = { .days = days, .counts = counts };

	memset(counts, 0, sizeof(*counts));
	return db_run(db, count_old, &c, err);
}
