/* changes.c -- changing one task under its row lock: what PATCH, pause and
 * resume write. */
#include "config.h"

#include <mysqld_error.h>
#include <stdlib.h>
#include <string.h>

#include "db_internal.h"
#include "json.h"

static const char sql_change_lock[] =
	"SELECT " DB_TASK_COLUMNS " FROM tasks WHERE id = ? AND tenant = ? FOR UPDATE";

/* due_at is assigned before run_at, while run_at still holds the old value:
 * single-table UPDATE assignments are evaluated left to right. */
static const char sql_change_update[] =
	"UPDATE tasks SET payload = ?, due_at = IF(run_at = ?, due_at, ?), run_at = ?,"
	" status = ?, recurrence = ?, anchor_day = ?, max_attempts = ?, updated_at = ?,"
	" cron = ?, timezone = ?, ends_at = ?, dst_gap = ?, dst_repeat = ?, catch_up = ?,"
	" anchor_time = ?, on_failure = ?"
	" WHERE id = ?";

/* The arguments of ts_db_task_change, for db_run_txn(). */
struct change_call {
	const char *tenant;
	const char *id;
	ts_db_change_fn *change;
	void *ctx;
	struct ts_task *task;
};

static enum ts_err write_change(struct ts_db *db, const struct ts_task *t,
				struct ts_error *err)
{
	MYSQL_BIND b[18];
	unsigned long len[18];
	my_bool null_on_failure;
	struct db_schedule_binds sched;
	my_bool null_recur, null_anchor;
	MYSQL_TIME run_at[3], updated;
	int anchor = t->anchor_day, max_attempts = t->max_attempts;
	enum ts_err rc;

	db_bind_str(&b[0], t->payload_json, &len[0]);
	db_bind_time(&b[1], &run_at[0], t->run_at);
	db_bind_time(&b[2], &run_at[1], t->run_at);
	db_bind_time(&b[3], &run_at[2], t->run_at);
	db_bind_str(&b[4], ts_task_status_name(t->status), &len[4]);
	db_bind_str_or_null(&b[5], ts_recurrence_name(t->recurrence), &len[5], &null_recur);
	db_bind_int(&b[6], &anchor);
	null_anchor = t->anchor_day == 0;
	b[6].is_null = &null_anchor;
	db_bind_int(&b[7], &max_attempts);
	db_bind_time(&b[8], &updated, t->updated_at);
	db_bind_schedule(&b[9], t, &sched);
	db_bind_str_or_null(&b[16], t->on_failure_json, &len[16], &null_on_failure);
	db_bind_str(&b[17], t->id, &len[17]);
	rc = db_stmt_exec(db, STMT_CHANGE_UPDATE, sql_change_update, b, NULL, "change task", err);
	/* The payload's JSON_VALID check, as on insert: a 400, never a 500. */
	if (rc == TS_ERR_DB && db->last_errno == ER_CONSTRAINT_FAILED)
		return ts_error_set(err, TS_ERR_INVALID, "invalid_json", "payload",
				    "Invalid field payload: not valid JSON");
	return rc;
}

/* The row read back must show what the change decided (`decided`, its
 * representation): a field of the task that write_change() does not store
 * would otherwise be dropped without a word. Failing rolls it all back. */
static enum ts_err check_stored(const char *decided, const struct ts_task *stored,
				struct ts_error *err)
{
	char *shown = ts_json_task_one(stored);
	bool same;

	if (!shown)
		return db_no_memory(err);
	same = strcmp(shown, decided) == 0;
	free(shown);
	if (same)
		return TS_OK;
	return ts_error_set(err, TS_ERR_INTERNAL, "internal", NULL,
			    "task %s: a change was not stored as decided (a field that "
			    "db/changes.c does not write?)", stored->id);
}

/* Inside the transaction db_run_txn opened. */
static enum ts_err change_task(struct ts_db *db, void *ctx, struct ts_error *err)
{
	struct change_call *c = ctx;
	bool changed = false;
	ts_time_us updated_at;
	char *decided;
	enum ts_err rc;

	ts_task_cleanup(c->task);
	rc = db_task_read(db, STMT_CHANGE_LOCK, sql_change_lock, c->tenant, c->id, c->task, err);
	if (rc)
		return rc;
	updated_at = c->task->updated_at;
	rc = c->change(c->task, &changed, c->ctx, err);
	if (rc || !changed)
		return rc;
	/* Strictly later than before, even if the clock stepped back: the
	 * task's ETag covers updated_at and must never repeat an old one. */
	c->task->updated_at = ts_time_now();
	if (c->task->updated_at <= updated_at)
		c->task->updated_at = updated_at + 1;
	rc = write_change(db, c->task, err);
	if (rc)
		return rc;
	decided = ts_json_task_one(c->task);
	if (!decided)
		return db_no_memory(err);
	/* Answer with what is stored, exactly as a GET would show it. */
	ts_task_cleanup(c->task);
	rc = db_task_read(db, STMT_CHANGE_LOCK, sql_change_lock, c->tenant, c->id, c->task, err);
	if (rc == TS_OK)
		rc = check_stored(decided, c->task, err);
	free(decided);
	return rc;
}

enum ts_err ts_db_task_change(struct ts_db *db, const char *tenant, const char *id,
			      ts_db_change_fn *change, void *ctx, struct ts_task *task,
			      struct ts_error *err)
{
	struct change_call c = {
		.tenant = tenant, .id = id, .change = change, .ctx = ctx, .task = task,
	};

	return db_run_txn(db, change_task, &c, err);
}
