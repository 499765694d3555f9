/* reap.c -- reaping expired leases: the running tasks of an executor that
 * died are recorded as lost attempts and scheduled again (or failed). */
#include "config.h"

#include <stdlib.h>

#include "db_internal.h"

static const char sql_reap_select[] =
	"SELECT " DB_TASK_COLUMNS " FROM tasks"
	" WHERE status = 'running' AND due_at < NOW(6)"
	" ORDER BY due_at LIMIT ? FOR UPDATE SKIP LOCKED";

/* The arguments of ts_db_reap_expired, for db_run_txn(). */
struct reap_call {
	unsigned limit;
	size_t reaped;
};

/* Records each of `tasks` as a lost attempt and moves it on, within the
 * reaper's transaction, which holds the rows locked. */
static enum ts_err record_lost(struct ts_db *db, const struct ts_task *tasks, size_t count,
			       struct ts_error *err)
{
	struct ts_task_result *results = calloc(count, sizeof(*results));
	struct db_finish_batch batch = { 0 };
	ts_time_us now = ts_time_now();
	size_t applied = 0;
	enum ts_err rc;

	if (!results)
		return db_no_memory(err);
	for (size_t i = 0; i < count; i++) {
		results[i].task = &tasks[i];
		results[i].outcome = TS_RUN_LOST;
		results[i].error = "the executor's lease expired before the attempt "
				   "finished (executor stopped or lost the database)";
		results[i].finished_at = now;
		results[i].retry_at = now;
	}
	rc = db_finish_batch_build(NULL, results, count, now, &batch, err);
	if (rc == TS_OK)
		rc = db_finish_batch_apply(db, &batch, &applied, err);
	db_finish_batch_cleanup(&batch);
	free(results);
	return rc;
}

static enum ts_err reap_expired(struct ts_db *db, void *ctx, struct ts_error *err)
{
	struct reap_call *c = ctx;
	struct ts_task *tasks = NULL;
	size_t count = 0;
	enum ts_err rc = db_task_select(db, STMT_REAP_SELECT, sql_reap_select, c->limit,
					&tasks, &count, "reap select", err);

	c->reaped = 0;
	if (rc == TS_OK && count > 0)
		rc = record_lost(db, tasks, count, err);
	if (rc == TS_OK)
		c->reaped = count;
	ts_task_array_free(tasks, count);
	return rc;
}

enum ts_err ts_db_reap_expired(struct ts_db *db, unsigned limit, size_t *reaped,
			       struct ts_error *err)
{
	struct reap_call c = { .limit = limit };
	enum ts_err rc = db_run_txn(db, reap_expired, &c, err);

	*reaped = rc ? 0 : c.reaped;
	return rc;
}
