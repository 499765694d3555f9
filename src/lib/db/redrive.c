/* redrive.c -- redriving a tenant's failed tasks in bulk (POST
 * /tasks/retry?status=failed): the same change as a single redrive
 * (runs.c), for a bounded batch in one statement. */
#include "config.h"

#include "db_internal.h"

/* The (tenant, status, run_at) index serves the range and the order, so
 * the statement reads at most `limit` rows whatever the table holds; the
 * oldest occurrences go first. */
static const char sql_retry_failed[] =
	"UPDATE tasks SET status = 'scheduled', due_at = NOW(6),"
	" max_attempts = attempts + max_attempts, updated_at = NOW(6)"
	" WHERE tenant = ? AND status = 'failed' AND run_at < ?"
	" ORDER BY run_at, id LIMIT ?";

/* The arguments of ts_db_task_retry_failed, for db_run(). */
struct retry_failed_call {
	const char *tenant;
	ts_time_us before;
	unsigned limit;
	size_t retried;
};

static enum ts_err retry_failed(struct ts_db *db, void *ctx, struct ts_error *err)
{
	struct retry_failed_call *c = ctx;
	MYSQL_BIND in[3];
	MYSQL_TIME before;
	unsigned long len;
	unsigned long long affected = 0;
	enum ts_err rc;

	c->retried = 0;
	db_bind_str(&in[0], c->tenant, &len);
	db_bind_time(&in[1], &before, c->before);
	db_bind_uint(&in[2], &c->limit);
	rc = db_stmt_exec(db, STMT_TASK_RETRY_FAILED, sql_retry_failed, in, &affected,
			  "redrive failed tasks", err);
	if (rc == TS_OK)
		c->retried = (size_t)affected;
	return rc;
}

enum ts_err ts_db_task_retry_failed(struct ts_db *db, const char *tenant, ts_time_us before,
				    unsigned limit, size_t *retried, struct ts_error *err)
{
	struct retry_failed_call c = { .tenant = tenant, .before = before, .limit = limit };
	enum ts_err rc = db_run(db, retry_failed, &c, err);

	*retried = rc == TS_OK ? c.retried : 0;
	return rc;
}
